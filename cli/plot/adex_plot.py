#!/usr/bin/python3
"""Plotting helper of the adex command-line program (matplotlib, h5py).

    adex_plot.py recording FILE.h5 OUT.png   raster, rate and traces
    adex_plot.py patterns  FILE.h5 OUT.png   the firing-pattern gallery

`adex plot` and `adex patterns` run it with /usr/bin/python3; it reads the
HDF5 layout written by `adex run` (docs/cli.md). The picture is written in
the format OUT's extension names (.png, .pdf, .svg, ...) under a temporary
name and renamed when complete (a device or pipe is written in place). Exit status: 0 drawn, 1 failure
(bad file), 2 bad arguments, 3 matplotlib, h5py or numpy missing.
"""

import os
import sys
import tempfile

PROG = "adex plot"

try:
    import numpy as np
    import h5py
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError as exc:  # reported by the C side too
    sys.stderr.write("%s: %s (Debian: apt-get install python3-matplotlib "
                     "python3-h5py)\n" % (PROG, exc))
    sys.exit(3)

VAR_ORDER = ["V", "w", "input", "t_last_spike"]
VAR_LABEL = {"V": "V", "w": "w", "input": "input I", "t_last_spike":
             "last spike"}
MAX_TRACES = 8       # traces per population and variable
MAX_LEGEND = 12      # populations named in a legend or on the raster axis
FORMATS = {".png": "png", ".pdf": "pdf", ".svg": "svg", ".eps": "eps",
           ".ps": "ps", ".jpg": "jpg", ".jpeg": "jpg", ".tif": "tif",
           ".tiff": "tif", ".webp": "webp"}
COLORS = ["#1f4e9c", "#c0392b", "#2e8b57", "#8e44ad", "#d35400", "#16a085",
          "#7f8c8d", "#b7950b"]

STYLE = {
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.labelsize": 9,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "legend.fontsize": 8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.linewidth": 0.8,
    "lines.linewidth": 0.9,
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "font.family": "DejaVu Sans",
}


class PlotError(Exception):
    """A problem with the input file, reported as one line."""


def text(value):
    """An HDF5 string attribute as str."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def unit_label(name, unit):
    """'V (mV)', 'w (mV/R)': the unit of what is stored."""
    label = VAR_LABEL.get(name, name)
    return "%s (%s)" % (label, unit) if unit else label


def populations(f):
    """The population groups of a recording, in file order."""
    pops = []
    for name, obj in f.items():
        if isinstance(obj, h5py.Group) and ("spikes" in obj or "ts" in obj):
            pops.append((name, obj))
    if not pops:
        raise PlotError("%s holds no recording of adex run (no group with "
                        "spikes or ts)" % f.filename)
    return pops


def picture_format(out):
    """matplotlib's name of the format out's extension names."""
    ext = os.path.splitext(out)[1].lower()
    if ext not in FORMATS:
        raise PlotError("%s: unknown picture format %r (use one of %s)" % (
            out, ext, ", ".join(sorted(FORMATS))))
    return FORMATS[ext]


def save(fig, out):
    """Write fig to out in the format its extension names, atomically
    (temporary file, then rename); a device or pipe is written in place."""
    fmt = picture_format(out)
    if os.path.exists(out) and not os.path.isfile(out) \
            and not os.path.isdir(out):
        with open(out, "wb") as f:
            fig.savefig(f, format=fmt)
        plt.close(fig)
        return
    d = os.path.dirname(os.path.abspath(out))
    fd, tmp = tempfile.mkstemp(prefix=os.path.basename(out) + ".tmp.",
                               suffix=os.path.splitext(out)[1], dir=d)
    os.close(fd)
    try:
        fig.savefig(tmp, format=fmt)
        os.chmod(tmp, 0o644)
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    plt.close(fig)


# ---------------------------------------------------------------- recording

def time_range(f, pops):
    """(t0, t1) in ms of the run."""
    t0 = float(f.attrs.get("start", 0.0))
    dt = float(f.attrs.get("dt", 0.1))
    steps = int(f.attrs.get("steps_done", f.attrs.get("steps", 0)))
    t1 = t0 + steps * dt
    if t1 <= t0:
        ends = [g["ts"][-1] for _, g in pops if "ts" in g and len(g["ts"])]
        t1 = max(ends) if ends else t0 + 1.0
    return t0, t1, dt


def draw_raster(ax, pops):
    """Spike raster: populations stacked, each in its color."""
    offset = 0
    ticks, labels = [], []
    total = sum(int(g.attrs.get("size", 1)) for _, g in pops)
    # marks about one neuron's row high (the axes is ~3 in = 216 pt tall)
    ms = min(8.0, max(1.0, 180.0 / total))
    for k, (name, g) in enumerate(pops):
        n = int(g.attrs.get("size", 1))
        if "spikes" in g:
            t = g["spikes/t"][()]
            i = g["spikes/neuron"][()]
            ax.plot(t, i + offset, "|", color=COLORS[k % len(COLORS)],
                    ms=ms, mew=0.7, rasterized=len(t) > 5000)
        ticks.append(offset + (n - 1) / 2.0)
        labels.append(name)
        offset += n
        if k + 1 < len(pops):
            ax.axhline(offset - 0.5, color="0.7", lw=0.5)
    ax.set_ylim(-0.5, offset - 0.5)
    ax.set_ylabel("neuron")
    if 1 < len(pops) <= MAX_LEGEND:
        sec = ax.secondary_yaxis("right")
        sec.set_yticks(ticks)
        sec.set_yticklabels(labels)
        sec.tick_params(length=0)
    ax.set_title("Spike raster")


def draw_rate(ax, pops, t0, t1, dt):
    """Population rate in Hz, in bins of about 1/100 of the run."""
    width = max(dt, (t1 - t0) / 100.0)
    edges = np.arange(t0, t1 + width * 0.5, width)
    if len(edges) < 2:
        edges = np.array([t0, t0 + width])
    for k, (name, g) in enumerate(pops):
        if "spikes" not in g:
            continue
        n = int(g.attrs.get("size", 1))
        counts, _ = np.histogram(g["spikes/t"][()], bins=edges)
        rate = counts / (n * width / 1000.0)
        ax.step(edges[:-1], rate, where="post",
                color=COLORS[k % len(COLORS)], label=name)
    ax.set_ylabel("rate (Hz)")
    title = "Population rate (bins of %.3g ms)" % width
    if len(pops) > MAX_LEGEND:   # too many to name: colors repeat
        title += ", %d populations" % len(pops)
    ax.set_title(title)
    if 1 < len(pops) <= MAX_LEGEND:
        ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0),
                  borderaxespad=0.0, handlelength=1.5)


def draw_var(ax, pops, var):
    """Traces of one variable: up to MAX_TRACES neurons per population."""
    unit = ""
    for k, (name, g) in enumerate(pops):
        if var not in g:
            continue
        ts = g["ts"][()]
        data = g[var]
        neurons = g["neurons"][()] if "neurons" in g else \
            np.arange(data.shape[1])
        cols = np.unique(np.linspace(0, data.shape[1] - 1,
                                     min(MAX_TRACES, data.shape[1]))
                         .round().astype(int))
        unit = text(data.attrs.get("unit", ""))
        for j, c in enumerate(cols):
            if len(pops) == 1:      # one color per neuron
                color, label = COLORS[j % len(COLORS)], "neuron %d" % neurons[c]
            else:                   # one color per population
                color = COLORS[k % len(COLORS)]
                label = ("%s (%d neuron%s)" % (name, len(cols),
                                               "" if len(cols) == 1 else "s")
                         if j == 0 else None)
            ax.plot(ts, data[:, c], color=color, label=label,
                    alpha=1.0 if len(cols) <= 3 else 0.85)
    ax.set_ylabel(unit_label(var, unit))
    ax.set_title("%s of watched neurons" % VAR_LABEL.get(var, var))
    handles = ax.get_legend_handles_labels()[0]
    if (len(handles) > 1 or len(pops) > 1) and \
            0 < len(handles) <= MAX_LEGEND:
        ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0),
                  borderaxespad=0.0, handlelength=1.5)


def plot_recording(path, out):
    with h5py.File(path, "r") as f:
        if text(f.attrs.get("kind", "run")) == "patterns":
            return plot_patterns_file(f, out)
        pops = populations(f)
        t0, t1, dt = time_range(f, pops)
        has_spikes = any("spikes" in g for _, g in pops)
        variables = [v for v in VAR_ORDER if any(v in g for _, g in pops)]
        rows = []
        if has_spikes:
            rows += [("raster", 3.0), ("rate", 1.6)]
        rows += [(v, 1.9) for v in variables]
        if not rows:
            raise PlotError("%s holds neither spikes nor sampled variables"
                            % path)
        plt.rcParams.update(STYLE)
        height = sum(h for _, h in rows) + 1.2
        fig, axes = plt.subplots(len(rows), 1, sharex=True,
                                 figsize=(9.0, height),
                                 gridspec_kw={"height_ratios":
                                              [h for _, h in rows]},
                                 squeeze=False, constrained_layout=True)
        axes = axes[:, 0]
        for ax, (what, _) in zip(axes, rows):
            if what == "raster":
                draw_raster(ax, pops)
            elif what == "rate":
                draw_rate(ax, pops, t0, t1, dt)
            else:
                draw_var(ax, pops, what)
        axes[-1].set_xlim(t0, t1)
        axes[-1].set_xlabel("time (ms)")
        n = sum(int(g.attrs.get("size", 1)) for _, g in pops)
        # spike sources (PoissonGroup, SpikeTimeGroup) have no method
        method = ", ".join(sorted({text(g.attrs["method"]) for _, g in pops
                                   if "method" in g.attrs})) or "?"
        title = "%s: %d neuron%s, %s, dt = %g ms" % (
            os.path.basename(path), n, "" if n == 1 else "s", method, dt)
        if int(f.attrs.get("interrupted", 0)):
            title += " (interrupted at %g ms)" % t1
        fig.suptitle(title, fontsize=11)
        save(fig, out)
    return 0


# ---------------------------------------------------------------- patterns

def spiky_trace(ts, v, spikes, v_peak, v_reset):
    """V with each spike drawn as a line up to v_peak and back to v_reset,
    at the spike time (the recorded V never shows the peak: it is reset
    within the step that crosses V_th)."""
    t_all = np.concatenate([ts, spikes, spikes])
    v_all = np.concatenate([v, np.full(len(spikes), v_peak),
                            np.full(len(spikes), v_reset)])
    order = np.argsort(t_all, kind="stable")
    return t_all[order], v_all[order]


def plot_patterns_file(f, out):
    names = [n for n, g in f.items() if isinstance(g, h5py.Group)]
    # in the paper's order (HDF5 lists groups alphabetically)
    names.sort(key=lambda n: float(f[n].attrs.get("pattern_index", 0)))
    if not names:
        raise PlotError("%s holds no patterns" % f.filename)
    plt.rcParams.update(STYLE)
    ncols = 2
    nrows = (len(names) + ncols - 1) // ncols
    height = 2.7 * nrows + 0.9
    fig = plt.figure(figsize=(11.0, height))
    outer = fig.add_gridspec(nrows, ncols, hspace=0.42, wspace=0.22,
                             left=0.07, right=0.98, top=1 - 0.7 / height,
                             bottom=0.45 / height)
    dt = float(f.attrs.get("dt", 0.0))
    method = "?"
    for k, name in enumerate(names):
        g = f[name]
        method = text(g.attrs.get("method", method))
        inner = outer[k // ncols, k % ncols].subgridspec(
            2, 1, height_ratios=[2.3, 1.0], hspace=0.08)
        ax_v = fig.add_subplot(inner[0])
        ax_w = fig.add_subplot(inner[1], sharex=ax_v)
        ts = g["ts"][()]
        V = g["V"][:, 0]
        w = g["w"][:, 0]
        spikes = g["spikes/t"][()] if "spikes" in g else np.array([])
        v_peak = float(g.attrs.get("V_peak_mV", g.attrs.get("V_th", 0.0)))
        v_reset = float(g.attrs.get("V_reset", V.min()))
        onset = float(g.attrs.get("onset_ms", 0.0))
        t_end = float(ts[-1]) if len(ts) else 1.0
        tv, vv = spiky_trace(ts, V, spikes, v_peak, v_reset)
        for ax in (ax_v, ax_w):
            ax.axvspan(onset, t_end, color="#f2d7a6", alpha=0.35, lw=0)
        ax_v.plot(tv, vv, color="#1f4e9c", lw=0.8)
        ax_w.plot(ts, w, color="#c0392b", lw=1.0)
        ax_v.set_ylabel("V (mV)")
        ax_w.set_ylabel("w (pA)")
        ax_v.set_ylim(min(-75.0, float(V.min()) - 3), v_peak + 5)
        ax_v.tick_params(labelbottom=False)
        ax_w.set_xlim(0, t_end)
        if k // ncols == nrows - 1:
            ax_w.set_xlabel("time (ms)")
        title = text(g.attrs.get("title", name))
        current = g.attrs.get("I_pA", None)
        ax_v.set_title("%s" % title + ("   (I = %g pA)" % current
                                       if current is not None else ""),
                       loc="left", fontsize=10)
        ax_v.text(-0.13, 1.12, "abcdefghijklmnop"[k], transform=ax_v.transAxes,
                  fontsize=12, fontweight="bold", va="bottom")
        ax_w.yaxis.set_major_locator(plt.MaxNLocator(3))
    fig.suptitle("Firing patterns of the AdEx model (parameters of Naud et al."
                 " 2008, Table 1), simulated with adex: %s, dt = %g ms; "
                 "shaded: current step" % (method, dt), fontsize=11)
    save(fig, out)
    return 0


def plot_patterns(path, out):
    with h5py.File(path, "r") as f:
        return plot_patterns_file(f, out)


def main(argv):
    if len(argv) != 4 or argv[1] not in ("recording", "patterns"):
        sys.stderr.write("usage: adex_plot.py recording|patterns IN.h5 "
                         "OUT.png\n")
        return 2
    mode, path, out = argv[1], argv[2], argv[3]
    try:
        if mode == "patterns":
            return plot_patterns(path, out)
        return plot_recording(path, out)
    except PlotError as exc:
        sys.stderr.write("%s: %s\n" % (PROG, exc))
    except (OSError, KeyError, ValueError, IndexError) as exc:
        sys.stderr.write("%s: cannot draw %s: %s\n" % (PROG, path, exc))
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
