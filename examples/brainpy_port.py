"""A BrainPy AdExIF script, ported to adex.

The BrainPy original (V2.1, the API of BrainPy's AdExIF) is in the comments; each adex
line below it is its replacement. The model, its parameters, its update and
the numbers are the same; the loop runs in C.

Run from the repository root after building the library:

    PYTHONPATH=python /usr/bin/python3 examples/brainpy_port.py [out.png]

It prints a summary (recorded in examples/brainpy_port.out) and draws
examples/brainpy_port.png (or out.png). Timings go to stderr.
"""

import sys
import time
from pathlib import Path

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

# import brainpy as bp
import adex  # noqa: E402

png = Path(sys.argv[1]) if len(sys.argv) > 1 else \
    Path(__file__).with_name("brainpy_port.png")

# ---------------------------------------------------------------------------
# 1. One neuron per firing pattern (Naud et al. 2008 parameters in BrainPy's
#    units: tau = C/gL, R = 1/gL (GOhm, so R*I is in mV for I in pA), w in
#    pA), as BrainPy's AdExIF documentation page shows them.
# ---------------------------------------------------------------------------
#                       C   gL   EL   VT  dT    a   tau_w    b   Vr     I
patterns = {
    "tonic":     (200, 10, -70, -50, 2, 2.0, 30, 0.0, -58, 500),
    "adapting":  (200, 12, -70, -50, 2, 2.0, 300, 60.0, -58, 500),
    "bursting":  (200, 10, -58, -50, 2, 2.0, 120, 100.0, -46, 210),
    "irregular": (100, 12, -60, -50, 2, -11.0, 130, 30.0, -48, 160),
}
names = list(patterns)
C, gL, EL, VT, dT, a, tau_w, b, Vr, I = (np.array(col, dtype=float)
                                         for col in zip(*patterns.values()))

# group = bp.dyn.AdExIF(4, V_rest=EL, V_reset=Vr, V_th=0., V_T=VT,
#                       delta_T=dT, a=a, b=b, tau=C / gL, tau_w=tau_w,
#                       R=1. / gL, V_initializer=bp.init.Constant(-70.))
group = adex.AdExIF(4, V_rest=EL, V_reset=Vr, V_th=0., V_T=VT, delta_T=dT,
                    a=a, b=b, tau=C / gL, tau_w=tau_w, R=1. / gL,
                    V_initializer=EL, name="patterns")

# runner = bp.dyn.DSRunner(group, monitors=['V', 'w', 'spike'],
#                          inputs=('input', I), dt=0.05)
# runner.run(500.)
res = adex.run(group, 500., dt=0.05, inputs=("input", I),
               monitors=["V", "w", "spike"], progress=False)

print("1. Firing patterns (Naud et al. 2008), 500 ms, dt 0.05 ms, exp_auto")
print("   %-10s %7s %10s %10s %10s" % ("pattern", "spikes", "first ms",
                                        "ISI1 ms", "ISIlast ms"))
for i, name in enumerate(names):
    t = res["ts"][res["spike"][:, i]]
    isi = np.diff(t)
    print("   %-10s %7d %10.2f %10.2f %10.2f"
          % (name, t.size, t[0], isi[0], isi[-1]))

# ---------------------------------------------------------------------------
# 2. A population of 2000 neurons with BrainPy's default parameters,
#    random initial V, an input ramp across neurons.
# ---------------------------------------------------------------------------
# pop = bp.dyn.AdExIF(2000, V_initializer=bp.init.Uniform(-70., -50.))
pop = adex.AdExIF(2000, V_initializer=adex.init.Uniform(-70., -50., seed=2022),
                  name="ramp")
drive = np.linspace(0., 40., pop.num)

# runner = bp.dyn.DSRunner(pop, monitors=['spike'], inputs=('input', drive))
# runner.run(1000.)
t0 = time.perf_counter()
res2 = adex.run(pop, 1000., inputs=drive, monitors=["spike"], progress=False)
wall = time.perf_counter() - t0
print("2. Population: %d neurons, %d steps of 0.1 ms, input 0..40"
      % (pop.num, res2["spike"].shape[0]))
rates = res2["spike"].sum(axis=0) / 1.0  # spikes per second of 1000 ms
print("   spikes %d, mean rate %.2f Hz" % (res2["spike"].sum(), rates.mean()))
for i in (0, 500, 1000, 1500, 1999):
    print("   neuron %4d  input %6.2f  rate %6.1f Hz" % (i, drive[i],
                                                       rates[i]))
sys.stderr.write("adex.run of %d neurons x %d steps: %.3f s\n"
                 % (pop.num, res2["spike"].shape[0], wall))

# ---------------------------------------------------------------------------
# 3. The DynamicalSystem machinery: names, vars, a delay, saved state.
# ---------------------------------------------------------------------------
print("3. Machinery")
print("   nodes:", list(group.nodes(method="relative")))
print("   vars: ", sorted(k.split(".")[1] for k in group.vars()))
# group.register_delay('V_delay', 10, group.V)
group.register_delay("V_delay", 10, group.V)
history = []
for k in range(20):
    group.input += I
    group.update(500. + k * 0.05, 0.05)
    group.update_delay("V_delay", group.V)
    history.append(group.V.copy())
same = np.array_equal(group.get_delay_data("V_delay", 10), history[-11])
print("   delay of 10 steps equals V 10 updates ago:", same)
state = Path(png).with_suffix(".npz")
group.save_states(str(state))
V_saved = group.V.copy()
group.reset()
group.load_states(str(state))
print("   save_states/load_states round trip exact:",
      np.array_equal(group.V, V_saved))
state.unlink()

# ---------------------------------------------------------------------------
# Plots: bp.visualize.line_plot / raster_plot -> adex.plot.traces / raster
# ---------------------------------------------------------------------------
fig, axes = plt.subplots(3, 2, figsize=(11, 9))
for i, name in enumerate(names):
    ax = axes.flat[i]
    # bp.visualize.line_plot(runner.mon.ts, runner.mon.V, plot_ids=[i])
    adex.plot.traces(res["ts"], res["V"], neurons=[i], ax=ax, legend=False,
                     title=name)
axes.flat[4].set_title("adaptation current w")
adex.plot.traces(res["ts"], res["w"], ax=axes.flat[4], ylabel="w (pA)",
                 legend=False)
axes.flat[4].legend(names, fontsize="small")
# bp.visualize.raster_plot(runner.mon.ts, runner.mon.spike)
adex.plot.raster(res2["ts"], res2["spike"][:, ::10], ax=axes.flat[5],
                 markersize=0.5, title="every 10th of 2000 neurons, "
                 "input 0..40")
fig.tight_layout()
fig.savefig(png, dpi=80)
print("plot:", png.name)
