#!/usr/bin/python3
"""Plot bench_pop's CSV output (bench_pop --csv > FILE): ns per neuron-step
against population size, one line per method, dtype and thread count.

Usage: bench/plot_bench.py BENCH.csv OUT.png
"""
import csv
import sys
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    series = defaultdict(list)
    with open(sys.argv[1]) as f:
        for row in csv.DictReader(f):
            key = (row["method"], row["dtype"], int(row["threads"]))
            series[key].append((int(row["size"]),
                                float(row["update_ns_per_neuron_step"])))
    fig, ax = plt.subplots(figsize=(10, 5.5))
    # one colour per method, solid/dashed for 1/2 threads, circles/squares
    # for float64/float32
    methods = sorted({k[0] for k in series})
    cmap = plt.get_cmap("tab10" if len(methods) <= 10 else "tab20")
    colour = {m: cmap(i) for i, m in enumerate(methods)}
    for (method, dtype, threads), pts in sorted(series.items()):
        pts.sort()
        style = "-" if threads == 1 else "--"
        marker = "o" if dtype == "float64" else "s"
        ax.plot([p[0] for p in pts], [p[1] for p in pts], style,
                marker=marker, color=colour[method],
                label=f"{method} {dtype} {threads}T")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("neurons")
    ax.set_ylabel("ns per neuron-step (update only)")
    ax.set_title("adex_pop_update, seed parameters, input 0..40, dt 0.1 ms")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()
    fig.savefig(sys.argv[2], dpi=110)


if __name__ == "__main__":
    main()
