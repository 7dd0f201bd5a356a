#!/usr/bin/python3
"""What each integrator option costs over the default path, measured as a
user would: the whole `adex run` process, 4000 neurons with the COBA-AdEx
neuron (docs/networks.md) driven by a constant input of 20 (about 20 Hz),
one simulated second at dt 0.1 ms, one thread.

For every kernel (scalar, avx2, avx512, those this machine runs), dtype
(float64, float32) and fixed-step method (exp_auto, rk4; --methods for
others) it runs the default and each option set --repeat times,
interleaved, and prints the minimum and the median CPU time of the whole
process (loading and set-up included), in ns per neuron-step, with each option's ratio to the default
row of the same kernel, dtype and method (minima over minima, medians
over medians). Noise and precise spike times need float64.

Usage: bench/options_cost.py [--adex build/adex] [--repeat 5]
[--kernels scalar,avx2,avx512] [--dtypes float64,float32]
[--methods exp_auto,rk4]. Writes nothing.
"""

import argparse
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)

NEURONS = 4000
STEPS = 10000
BASE = ("--size 4000 --input 20 --V_rest -60 --V_reset -60 --V_T -50 "
        "--delta_T 2 --V_th -30 --tau 20 --tau_w 30 --a 1 --b 1 "
        "--V0 uniform:-60:-50 --duration 1000 --threads 1 --quiet").split()

# (label, flags, float64 only)
OPTIONS = [
    ("default", [], False),
    ("tau_ref 5", ["--tau_ref", "5"], False),
    ("soft reset", ["--spk_reset", "soft"], False),
    ("tau_ref 5, soft", ["--tau_ref", "5", "--spk_reset", "soft"], False),
    ("precise spikes", ["--precise-spikes"], True),
    ("tau_ref 5, precise", ["--tau_ref", "5", "--precise-spikes"], True),
    ("noise 0.5", ["--noise", "0.5"], True),
    ("tau_ref 5, noise 0.5, soft",
     ["--tau_ref", "5", "--noise", "0.5", "--spk_reset", "soft"], True),
]


def cpu(adex, flags):
    """The whole process's CPU time (user and system), in s: unlike the
    wall time it leaves out the time other work held the core."""
    p = subprocess.Popen([adex, "run"] + BASE + flags,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        return None
    return ru.ru_utime + ru.ru_stime


def available(adex, kernel):
    out = subprocess.run([adex, "run", "--size", "1", "--duration", "0.1",
                          "--quiet", "--kernel", kernel], capture_output=True)
    return out.returncode == 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--adex", default=os.path.join(REPO, "build", "adex"))
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--kernels", default="scalar,avx2,avx512")
    ap.add_argument("--dtypes", default="float64,float32")
    ap.add_argument("--methods", default="exp_auto,rk4")
    a = ap.parse_args()
    if a.repeat < 1:
        ap.error("--repeat must be >= 1")
    if not os.access(a.adex, os.X_OK):
        sys.exit(f"options_cost: {a.adex} not found: build it first")
    print(f"{'kernel':7s} {'dtype':8s} {'method':9s} {'option':28s} "
          f"{'min ns':>7s} {'med ns':>7s} {'min x':>6s} {'med x':>6s}")
    for kernel in a.kernels.split(","):
        if not available(a.adex, kernel):
            print(f"{kernel}: not available here, skipped")
            continue
        for dtype in a.dtypes.split(","):
            for method in a.methods.split(","):
                rows = [(lab, fl) for lab, fl, f64 in OPTIONS
                        if dtype == "float64" or not f64]
                common = ["--kernel", kernel, "--dtype", dtype,
                          "--method", method]
                times = {lab: [] for lab, _ in rows}
                for _ in range(a.repeat):  # interleaved
                    for lab, fl in rows:
                        w = cpu(a.adex, common + fl)
                        if w is not None:
                            times[lab].append(w)
                base = times["default"]
                if not base:
                    print(f"{kernel} {dtype} {method}: the default run failed")
                    continue
                bmin, bmed = min(base), statistics.median(base)
                for lab, _ in rows:
                    t = times[lab]
                    if not t:
                        print(f"{kernel:7s} {dtype:8s} {method:9s} {lab:28s} "
                              "refused")
                        continue
                    ns = 1e9 / (NEURONS * STEPS)
                    print(f"{kernel:7s} {dtype:8s} {method:9s} {lab:28s} "
                          f"{min(t) * ns:7.2f} {statistics.median(t) * ns:7.2f} "
                          f"{min(t) / bmin:6.2f} "
                          f"{statistics.median(t) / bmed:6.2f}",
                          flush=True)


if __name__ == "__main__":
    main()
