#!/usr/bin/python3
"""The COBA-AdEx network as a BrainPy V2.1 script, on adex.

Written as BrainPy's E/I network examples are, with ``import adex as bp``
in place of ``import brainpy as bp``: 3200 excitatory and 800 inhibitory
AdEx neurons, conductance-based exponential synapses, FixedProb(0.02),
refractory period 5 ms, bias 20 (docs/networks.md, *COBA-AdEx*). Draws
the raster of E and I and the mean rate; writes the figure.

Usage: PYTHONPATH=python /usr/bin/python3 examples/coba_network.py
       [--duration 1000] [--dtype float64] [--out coba_network.png]

--dtype float32 keeps the neurons' state in float32, BrainPy's own default
precision (the synapses stay float64; docs/networks.md, *float32
populations*).
"""

import argparse

import adex as bp


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--duration", type=float, default=1000.0, help="ms")
    ap.add_argument("--dtype", choices=("float64", "float32"),
                    default="float64", help="the neurons' precision")
    ap.add_argument("--out", default="coba_network.png")
    args = ap.parse_args()

    pars = dict(V_rest=-60., V_reset=-60., V_th=-30., V_T=-50., delta_T=2.,
                a=1., b=1., tau=20., tau_w=30., tau_ref=5., dtype=args.dtype)
    E = bp.dyn.AdExIF(3200, V_initializer=bp.init.Uniform(-60., -50., seed=1),
                      **pars)
    I = bp.dyn.AdExIF(800, V_initializer=bp.init.Uniform(-60., -50., seed=2),
                      **pars)
    E2E = bp.dyn.ExpCOBA(E, E, bp.conn.FixedProb(0.02, seed=1), g_max=0.6,
                         tau=5., E=0.)
    E2I = bp.dyn.ExpCOBA(E, I, bp.conn.FixedProb(0.02, seed=2), g_max=0.6,
                         tau=5., E=0.)
    I2E = bp.dyn.ExpCOBA(I, E, bp.conn.FixedProb(0.02, seed=3), g_max=6.7,
                         tau=10., E=-80.)
    I2I = bp.dyn.ExpCOBA(I, I, bp.conn.FixedProb(0.02, seed=4), g_max=6.7,
                         tau=10., E=-80.)
    net = bp.dyn.Network(E2E, E2I, I2E, I2I, E=E, I=I)
    runner = bp.dyn.DSRunner(net, monitors=['E.spike', 'I.spike'],
                             inputs=[('E.input', 20.), ('I.input', 20.)],
                             dt=0.1)
    wall = runner.run(args.duration)
    seconds = args.duration / 1000.0
    rate_e = runner.mon['E.spike'].sum() / (3200 * seconds)
    rate_i = runner.mon['I.spike'].sum() / (800 * seconds)
    print("%.0f ms in %.2f s (%s): E %.2f Hz, I %.2f Hz"
          % (args.duration, wall, args.dtype, rate_e, rate_i))

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(2, 1, figsize=(8, 6), sharex=True)
    bp.visualize.raster_plot(runner.mon.ts, runner.mon['E.spike'], ax=axes[0],
                             markersize=1, title="E (3200)")
    bp.visualize.raster_plot(runner.mon.ts, runner.mon['I.spike'], ax=axes[1],
                             markersize=1, color="C3", title="I (800)")
    fig.tight_layout()
    fig.savefig(args.out, dpi=100)
    print("figure written to", args.out)


if __name__ == "__main__":
    main()
