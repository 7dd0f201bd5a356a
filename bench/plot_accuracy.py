#!/usr/bin/python3
"""Plot spike-time error against run time from spike_accuracy's CSV.

Usage: build/spike_accuracy 200 > acc.csv
       /usr/bin/python3 bench/plot_accuracy.py acc.csv docs/numerics-accuracy.png
"""
import csv
import sys
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

FIXED = ["exp_auto", "euler", "midpoint", "rk3", "rk4", "rkdp"]
ADAPTIVE = ["rkf12", "heun_euler", "bs", "rkf45", "ck", "rkdp"]


def load(path):
    rows = defaultdict(list)
    with open(path) as f:
        for r in csv.DictReader(f):
            rows[(r["method"], r["mode"])].append(
                (float(r["wall_s"]), float(r["mean_err_ms"]),
                 float(r["dt"]), float(r["tol"])))
    return rows


def main():
    src, out = sys.argv[1], sys.argv[2]
    rows = load(src)
    plt.rcParams.update({"font.size": 10})
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.5), sharey=True)
    cmap = plt.get_cmap("tab10")
    ax = axes[0]
    for k, m in enumerate(FIXED):
        for mode, style in (("fixed+precise", "-o"), ("fixed", ":x")):
            pts = sorted(rows.get((m, mode), []), key=lambda p: -p[2])
            if not pts:
                continue
            ax.loglog([p[0] for p in pts], [p[1] for p in pts], style,
                      color=cmap(k), ms=4,
                      label=m if mode == "fixed+precise" else None)
    ax.set_title("fixed steps, dt = 0.1 ... 0.005 ms\n"
                 "solid: precise spike times, dotted: on the grid")
    ax.set_xlabel("run time for 200 neurons x 200 ms (s)")
    ax.set_ylabel("mean spike-time error (ms)")
    ax.legend(fontsize=8, loc="lower left")
    ax = axes[1]
    for k, m in enumerate(ADAPTIVE):
        pts = sorted(rows.get((m, "adaptive+precise"), []),
                     key=lambda p: -p[3])
        if pts:
            ax.loglog([p[0] for p in pts], [p[1] for p in pts], "-o",
                      color=cmap(k), ms=4, label=m)
    ax.set_title("adaptive + precise, dt = 0.1 ms\ntol = 1e-3 ... 1e-10")
    ax.set_xlabel("run time for 200 neurons x 200 ms (s)")
    ax.legend(fontsize=8, loc="lower left")
    for ax in axes:
        ax.grid(True, which="major", alpha=0.3)
        ax.axhline(1e-3, color="grey", lw=0.8, ls="--")
    fig.suptitle("AdEx spike-time accuracy against cost "
                 "(NEST reference neuron, I = 350..700 pA)")
    fig.tight_layout()
    fig.savefig(out, dpi=120)


if __name__ == "__main__":
    main()
