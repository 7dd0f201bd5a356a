#!/usr/bin/python3
"""COBA-AdEx (docs/networks.md) in adex and in Brian2, side by side.

The same network in both: 3200 E + 800 I AdEx neurons, FixedProb(0.02),
conductance jumps 0.6 / 6.7 (relative to g_L), tau_e 5 ms, tau_i 10 ms,
E_e 0 mV, E_i -80 mV, refractory 5 ms (V clamped, w integrating), bias 20,
V0 ~ Uniform(-60, -50), dt 0.1 ms, 1 s.

- Brian2 2.5 (Debian's python3-brian) in C++ standalone mode, `euler`
  (its exponential_euler needs equations linear in v): the binary is
  compiled first, then run --repeat times; reported are the best whole
  binary run (network construction included) and its profiled loop
  (state update, thresholds, resets, synaptic propagation).
- adex: build/bench_coba (the library's network, exp_auto), best of
  --repeat; its build (drawing the synapses) and loop times.

Prints spikes, mean rate and seconds per simulated second for both, and
the ratio. Usage: bench/coba_vs_brian2.py [--bench build/bench_coba]
[--seconds 1] [--repeat 3]. Writes only into a temporary directory.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
import warnings

warnings.filterwarnings("ignore", category=FutureWarning)

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def brian2_coba(seconds, repeat):
    import brian2 as b2
    workdir = tempfile.mkdtemp(prefix="adex-coba-brian2-")
    b2.set_device("cpp_standalone", directory=workdir, build_on_run=False)
    b2.prefs.devices.cpp_standalone.openmp_threads = 0
    b2.defaultclock.dt = 0.1 * b2.ms
    ms = b2.ms
    eqs = """
    dv/dt = (-(v - V_rest) + delta_T*exp((v - V_T)/delta_T) - w
             + ge*(E_e - v) + gi*(E_i - v) + I_b) / tau : 1 (unless refractory)
    dw/dt = (a*(v - V_rest) - w) / tau_w : 1
    dge/dt = -ge / tau_e : 1
    dgi/dt = -gi / tau_i : 1
    """
    ns = dict(V_rest=-60.0, V_reset=-60.0, V_T=-50.0, delta_T=2.0,
              V_th=-30.0, a=1.0, b=1.0, tau=20 * ms, tau_w=30 * ms, I_b=20.0,
              E_e=0.0, E_i=-80.0, tau_e=5 * ms, tau_i=10 * ms)
    G = b2.NeuronGroup(4000, eqs, threshold="v > V_th",
                       reset="v = V_reset; w += b", refractory=5 * ms,
                       method="euler", namespace=ns)
    G.v = "-60 + 10*rand()"
    E, I = G[:3200], G[3200:]
    Se = b2.Synapses(E, G, on_pre="ge += 0.6")
    Se.connect(p=0.02)
    Si = b2.Synapses(I, G, on_pre="gi += 6.7")
    Si.connect(p=0.02)
    mon = b2.SpikeMonitor(G)
    b2.run(seconds * b2.second, profile=True)
    t0 = time.perf_counter()
    b2.device.build(directory=workdir, compile=True, run=False)
    compile_s = time.perf_counter() - t0
    best_whole, best_loop, spikes = None, None, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        b2.device.run(directory=workdir, with_output=False, run_args=[])
        whole = time.perf_counter() - t0
        loop = sum(float(t / b2.second)
                   for _, t in b2.magic_network.profiling_info)
        spikes = int(mon.num_spikes)
        best_whole = whole if best_whole is None else min(best_whole, whole)
        best_loop = loop if best_loop is None else min(best_loop, loop)
    return dict(compile=compile_s, whole=best_whole, loop=best_loop,
                spikes=spikes)


def adex_coba(bench, seconds, repeat):
    best = None
    for _ in range(repeat):
        out = subprocess.run([bench, str(seconds), "1", "coba"], check=True,
                             capture_output=True, text=True).stdout
        m = re.search(r"(\d+) synapses\s+build\s+([\d.]+) s\s+([\d.]+) s per "
                      r"simulated s\s+([\d.]+) Hz", out)
        if m is None:
            sys.exit("coba_vs_brian2: cannot read bench_coba's output:\n" + out)
        r = dict(synapses=int(m.group(1)), build=float(m.group(2)),
                 loop=float(m.group(3)) * seconds, rate=float(m.group(4)))
        if best is None or r["build"] + r["loop"] < best["build"] + best["loop"]:
            best = r
    return best


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bench", default=os.path.join(REPO, "build", "bench_coba"))
    ap.add_argument("--seconds", type=float, default=1.0)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    a = adex_coba(args.bench, args.seconds, args.repeat)
    print("adex:   build %.3f s, loop %.3f s per simulated s, %.2f Hz, "
          "%d synapses" % (a["build"], a["loop"] / args.seconds, a["rate"],
                           a["synapses"]))
    b = brian2_coba(args.seconds, args.repeat)
    rate = b["spikes"] / (4000 * args.seconds)
    print("Brian2: compile %.1f s (once), whole binary %.3f s, profiled loop "
          "%.3f s per simulated s, %.2f Hz" % (b["compile"], b["whole"],
                                                b["loop"] / args.seconds, rate))
    print("Brian2 loop / adex loop: %.2fx" % (b["loop"] / a["loop"]))
    print("adex build + loop: %.3f s; Brian2 whole binary / adex: %.2fx" %
          (a["build"] + a["loop"], b["whole"] / (a["build"] + a["loop"])))


if __name__ == "__main__":
    main()
