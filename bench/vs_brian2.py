#!/usr/bin/python3
"""adex against Brian2 on the same AdEx population, in one run.

1. Agreement: N_AGREE neurons under inputs spread from 0 to 40 (neuron i of
   N gets 40 i/(N-1)), from V = -65 mV, w = 0, 2000 steps of 0.1 ms, with
   forward Euler in both (Brian2's `euler`, adex's `euler`). Prints how
   many neurons have the same spike count, and every neuron that does not.
   Brian2 runs in its runtime mode (numpy target) here.
2. Speed: N_SPEED neurons, 2000 steps, the same population. Brian2 in C++
   standalone mode (`euler`; it has no exp_auto: its exponential_euler
   needs equations linear in the variable), timed by its own profiling
   (the loop: state update, threshold, reset) and as the whole binary's
   run (after compiling, which is reported apart). adex as the whole
   `adex run` process (setup included), with exp_auto and with euler, and
   float32 exp_auto when the program supports --dtype. Prints ns per
   neuron-step and the ratios.

Usage: bench/vs_brian2.py [--adex build/adex] [--agree-size 1000]
                          [--speed-size 100000] [--steps 2000] [--repeat 3]
Needs Debian's python3-brian (Brian2 2.5) and g++; writes only into a
temporary directory. The machine may be shared with other work: each
timing is the minimum of --repeat runs.
"""

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time

import warnings

import numpy as np

# Brian2's import pulls in pythran, which warns about numpy aliases.
warnings.filterwarnings("ignore", category=FutureWarning)

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)

# BrainPy's default parameters (mV, ms; R I in mV), as adex's defaults.
P = dict(V_rest=-65.0, V_reset=-68.0, V_th=-30.0, V_T=-59.9, delta_T=3.48,
         a=1.0, b=1.0, tau=10.0, tau_w=30.0, R=1.0)
DT = 0.1
I_HI = 40.0


def inputs(n):
    """Neuron i of n gets I_HI i/(n-1), as `adex run --input 0:40`."""
    return I_HI * np.arange(n) / max(n - 1, 1)


def brian2_network(n, steps, method, profile=False):
    """Build and run the population in Brian2 (device already chosen);
    return (spike counts, network)."""
    import brian2 as b2
    b2.defaultclock.dt = DT * b2.ms
    ns = dict(P)
    ns["tau"] = P["tau"] * b2.ms
    ns["tau_w"] = P["tau_w"] * b2.ms
    eqs = """
    dv/dt = (-(v - V_rest) + delta_T*exp((v - V_T)/delta_T) - R*w + R*I)/tau : 1
    dw/dt = (a*(v - V_rest) - w)/tau_w : 1
    I : 1 (constant)
    """
    g = b2.NeuronGroup(n, eqs, threshold="v >= V_th",
                       reset="v = V_reset; w += b", method=method,
                       namespace=ns)
    g.v = -65.0
    g.w = 0.0
    g.I = inputs(n)
    mon = b2.SpikeMonitor(g, record=False)
    net = b2.Network(g, mon)
    net.run(steps * DT * b2.ms, profile=profile)
    return mon, net


def adex_counts(adex, n, steps, method, workdir):
    """Spike counts per neuron from `adex run --spikes`."""
    out = os.path.join(workdir, f"spikes_{method}.csv")
    cmd = [adex, "run", "--size", str(n), "--duration", str(steps * DT),
           "--dt", str(DT), "--input", f"0:{I_HI:g}", "--V0", "-65",
           "--method", method, "--spikes", out, "-q"]
    subprocess.run(cmd, check=True, capture_output=True)
    counts = np.zeros(n, dtype=np.int64)
    with open(out) as f:
        rows = csv.reader(f)
        next(rows)
        for row in rows:
            counts[int(row[1])] += 1
    return counts


def agreement(adex, n, steps, workdir):
    import brian2 as b2
    b2.prefs.codegen.target = "numpy"
    mon, _ = brian2_network(n, steps, "euler")
    ref = np.asarray(mon.count, dtype=np.int64)
    got = adex_counts(adex, n, steps, "euler", workdir)
    same = int(np.sum(ref == got))
    print(f"Agreement, euler, {n} neurons x {steps} steps of {DT} ms: "
          f"{same}/{n} neurons with the same spike count "
          f"(Brian2 {ref.sum()} spikes, adex {got.sum()})")
    for i in np.nonzero(ref != got)[0]:
        print(f"  neuron {i} (I = {inputs(n)[i]:.6g}): Brian2 {ref[i]}, "
              f"adex {got[i]}")
    return same == n


def time_adex(adex, n, steps, method, repeat, extra=()):
    """Seconds of the whole `adex run` process (best of repeat)."""
    cmd = [adex, "run", "--size", str(n), "--duration", str(steps * DT),
           "--dt", str(DT), "--input", f"0:{I_HI:g}", "--V0", "-65",
           "--method", method, "-q", *extra]
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        r = subprocess.run(cmd, capture_output=True)
        el = time.perf_counter() - t0
        if r.returncode != 0:
            return None
        best = min(best, el)
    return best


def time_brian2_standalone(n, steps, repeat, workdir):
    """(loop seconds, simulation seconds, binary seconds, compile seconds)
    of Brian2's C++ standalone mode, each the best of `repeat` runs of the
    compiled binary. The loop is what its profiling gives the state
    updater, the thresholder and the resetter; the simulation is Brian2's
    own run time (the network's run, without loading and saving); the
    binary is the whole program."""
    import brian2 as b2
    d = os.path.join(workdir, "brian2_standalone")
    b2.set_device("cpp_standalone", directory=d, build_on_run=False)
    b2.prefs.devices.cpp_standalone.openmp_threads = 0
    brian2_network(n, steps, "euler", profile=True)
    t0 = time.perf_counter()
    b2.device.build(directory=d, compile=True, run=False)
    compile_s = time.perf_counter() - t0
    best = [float("inf")] * 3
    for _ in range(repeat):
        t0 = time.perf_counter()
        b2.device.run(directory=d, with_output=False, run_args=[])
        binary = time.perf_counter() - t0
        loop = 0.0
        with open(os.path.join(d, "results", "profiling_info.txt")) as f:
            for line in f:
                key, val = line.split()
                if any(k in key for k in ("stateupdater", "thresholder",
                                          "resetter")):
                    loop += float(val)
        run = b2.device._last_run_time
        best = [min(a, b) for a, b in zip(best, (loop, run, binary))]
    return best[0], best[1], best[2], compile_s


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--adex", default=os.path.join(REPO, "build", "adex"))
    ap.add_argument("--agree-size", type=int, default=1000)
    ap.add_argument("--speed-size", type=int, default=100000)
    ap.add_argument("--steps", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    adex = os.path.abspath(args.adex)
    if not os.access(adex, os.X_OK):
        sys.exit(f"vs_brian2: no adex program at {adex} (build first)")
    import brian2 as b2
    import logging
    logging.getLogger("brian2").setLevel(logging.ERROR)
    b2.BrianLogger.suppress_hierarchy("brian2")

    with tempfile.TemporaryDirectory(prefix="adex_vs_brian2_") as work:
        ok = agreement(adex, args.agree_size, args.steps, work)

        n, steps = args.speed_size, args.steps
        ns = 1e9 / (n * steps)
        print(f"\nSpeed, {n} neurons x {steps} steps (one core; best of "
              f"{args.repeat}):")
        loop, sim, run, comp = time_brian2_standalone(n, steps,
                                                      args.repeat, work)
        print(f"  Brian2 {b2.__version__} C++ standalone, euler: loop "
              f"{loop * ns:.2f}, run {sim * ns:.2f}, whole binary "
              f"{run * ns:.2f} ns/neuron-step ({run:.3f} s; compiling "
              f"took {comp:.1f} s more)")
        rows = [("exp_auto", ()), ("euler", ()),
                ("exp_auto", ("--dtype", "float32"))]
        for method, extra in rows:
            t = time_adex(adex, n, steps, method, args.repeat, extra)
            label = method + (" float32" if extra else "")
            if t is None:
                print(f"  adex {label}: not supported by this adex program")
                continue
            print(f"  adex {label:17s} whole process {t * ns:.2f} "
                  f"ns/neuron-step ({t:.3f} s): Brian2 loop / adex "
                  f"{loop / t:.2f}, Brian2 binary / adex {run / t:.2f}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
