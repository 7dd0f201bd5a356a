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
  --repeat; its build (drawing the synapses) and loop times; and, unless
  --no-cli / --no-python, the whole `adex run examples/coba_adex.json`
  process (spikes of E and I to an .h5 file) and the BrainPy script of
  bench/coba_dsrunner.py through DSRunner (the time its run returns).

The programs take turns, round after round (--repeat rounds), so that
other work on a shared machine weighs on each alike; every figure is the
best of its rounds. Prints spikes, mean rate and seconds per simulated
second for each, and the ratios. Usage: bench/coba_vs_brian2.py
[--bench build/bench_coba] [--adex build/adex] [--seconds 1] [--repeat 3]
[--no-cli] [--no-python] [--dtype float64]. With --dtype float32 both
compute in float32: adex's populations (the synapses stay float64,
docs/networks.md) and Brian2's every variable (its
core.default_float_dtype). Writes only into a temporary directory.
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


def brian2_coba(seconds, dtype="float64"):
    """Builds the binary; returns (compile seconds, run once: whole, loop,
    spikes)."""
    import brian2 as b2
    import numpy as np
    workdir = tempfile.mkdtemp(prefix="adex-coba-brian2-")
    b2.prefs.core.default_float_dtype = np.dtype(dtype).type
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

    def run_once():
        t0 = time.perf_counter()
        b2.device.run(directory=workdir, with_output=False, run_args=[])
        whole = time.perf_counter() - t0
        loop = sum(float(t / b2.second)
                   for _, t in b2.magic_network.profiling_info)
        return whole, loop, int(mon.num_spikes)
    return compile_s, run_once


def adex_coba(bench, seconds, dtype="float64"):
    out = subprocess.run([bench, str(seconds), "1", "coba", dtype],
                         check=True, capture_output=True, text=True).stdout
    m = re.search(r"(\d+) synapses\s+build\s+([\d.]+) s\s+([\d.]+) s per "
                  r"simulated s\s+([\d.]+) Hz", out)
    if m is None:
        sys.exit("coba_vs_brian2: cannot read bench_coba's output:\n" + out)
    return dict(synapses=int(m.group(1)), build=float(m.group(2)),
                loop=float(m.group(3)) * seconds, rate=float(m.group(4)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bench", default=os.path.join(REPO, "build", "bench_coba"),
                    help="the bench_coba program (default: build/bench_coba)")
    ap.add_argument("--adex", default=os.path.join(REPO, "build", "adex"),
                    help="the adex program, whose libadex.so Python uses "
                         "(default: build/adex)")
    ap.add_argument("--seconds", type=float, default=1.0,
                    help="simulated seconds (default 1)")
    ap.add_argument("--repeat", type=int, default=3,
                    help="rounds; every figure is the best of them (default 3)")
    ap.add_argument("--no-cli", action="store_true",
                    help="leave out the whole `adex run` process")
    ap.add_argument("--no-python", action="store_true",
                    help="leave out DSRunner")
    ap.add_argument("--dtype", choices=("float64", "float32"),
                    default="float64",
                    help="precision of both simulators (default float64)")
    args = ap.parse_args()
    sys.path.insert(0, HERE)
    import coba_dsrunner
    os.environ.setdefault("ADEX_LIBRARY", os.path.join(
        os.path.dirname(os.path.abspath(args.adex)), "libadex.so"))
    workdir = tempfile.mkdtemp(prefix="adex-coba-vs-brian2-")
    compile_s, brian2_once = brian2_coba(args.seconds, args.dtype)
    a, b, cli, py = None, None, None, None
    for _ in range(args.repeat):
        r = adex_coba(args.bench, args.seconds, args.dtype)
        if a is None or r["build"] + r["loop"] < a["build"] + a["loop"]:
            a = r
        whole, loop, spikes = brian2_once()
        b = dict(whole=whole if b is None else min(b["whole"], whole),
                 loop=loop if b is None else min(b["loop"], loop),
                 spikes=spikes)
        if not args.no_cli:
            t = coba_dsrunner.cli_run(args.adex, 1000.0 * args.seconds,
                                      workdir, args.dtype)
            cli = t if cli is None else min(cli, t)
        if not args.no_python:
            t = coba_dsrunner.python_run(1000.0 * args.seconds, args.dtype)[0]
            py = t if py is None else min(py, t)
    print("best of %d rounds, %g s simulated, %s" % (args.repeat, args.seconds,
                                                      args.dtype))
    print("adex:   build %.3f s, loop %.3f s per simulated s, %.2f Hz, "
          "%d synapses" % (a["build"], a["loop"] / args.seconds, a["rate"],
                           a["synapses"]))
    rate = b["spikes"] / (4000 * args.seconds)
    print("Brian2: compile %.1f s (once), whole binary %.3f s, profiled loop "
          "%.3f s per simulated s, %.2f Hz" % (compile_s, b["whole"],
                                                b["loop"] / args.seconds, rate))
    print("Brian2 loop / adex loop: %.2fx" % (b["loop"] / a["loop"]))
    print("adex build + loop: %.3f s; Brian2 whole binary / adex: %.2fx" %
          (a["build"] + a["loop"], b["whole"] / (a["build"] + a["loop"])))
    if cli is not None:
        print("adex run, whole process: %.3f s; Brian2 loop / it: %.2fx; "
              "Brian2 whole binary / it: %.2fx" % (cli, b["loop"] / cli,
                                                   b["whole"] / cli))
    if py is not None:
        print("DSRunner.run: %.3f s; Brian2 loop / it: %.2fx"
              % (py, b["loop"] / py))


if __name__ == "__main__":
    main()
