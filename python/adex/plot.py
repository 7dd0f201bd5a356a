"""Plots of run results with matplotlib (imported when first used):
``raster`` for spikes, ``traces`` for variables over time. Each returns the
axes it drew on; pass ``ax`` to draw into an existing one.
"""

import sys

import numpy as np

__all__ = ["raster", "traces"]


def _axes(ax):
    if ax is not None:
        return ax
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError(
            "adex.plot needs matplotlib, which this Python (%s) cannot "
            "import: %s. On Debian: apt-get install python3-matplotlib "
            "(scripts/run.sh installs it)" % (sys.executable, exc)) from exc
    return plt.gca()


def raster(ts, spikes, ax=None, *, markersize=2.0, color="k", title=None):
    """Spike raster: a dot at (ts[k], i) where spikes[k, i] is true.

    ts: (steps,) times in ms (``res['ts']``); spikes: (steps, neurons)
    booleans (``res['spike']``; extra neuron dimensions are flattened)."""
    ts = np.asarray(ts, dtype=float)
    sp = np.asarray(spikes)
    if sp.ndim < 1 or sp.shape[0] != ts.shape[0]:
        raise ValueError("spikes must have one row per time point: ts has "
                         "%d, spikes has shape %s" % (ts.shape[0], sp.shape))
    sp = sp.reshape(sp.shape[0], -1).astype(bool)
    ax = _axes(ax)
    k, i = np.nonzero(sp)
    ax.plot(ts[k], i, linestyle="none", marker=".", markersize=markersize,
            color=color)
    ax.set_xlabel("Time (ms)")
    ax.set_ylabel("Neuron index")
    if ts.size:
        ax.set_xlim(ts[0], ts[-1] + (ts[1] - ts[0] if ts.size > 1 else 1.0))
    ax.set_ylim(-0.5, sp.shape[1] - 0.5)
    if title:
        ax.set_title(title)
    return ax


def traces(ts, values, neurons=None, ax=None, *, ylabel="V (mV)",
           legend=None, title=None):
    """Line plot of a variable over time, one line per neuron.

    ts: (steps,) times in ms; values: (steps, neurons) (``res['V']``);
    neurons: indices of the columns to draw (default: all, up to 10 are
    labelled in a legend); ylabel: the variable and its unit."""
    ts = np.asarray(ts, dtype=float)
    vals = np.asarray(values, dtype=float)
    if vals.ndim == 1:
        vals = vals[:, None]
    if vals.shape[0] != ts.shape[0]:
        raise ValueError("values must have one row per time point: ts has "
                         "%d, values has shape %s" % (ts.shape[0],
                                                      vals.shape))
    vals = vals.reshape(vals.shape[0], -1)
    cols = np.arange(vals.shape[1]) if neurons is None else \
        np.atleast_1d(np.asarray(neurons, dtype=int))
    if np.any(cols < 0) or np.any(cols >= vals.shape[1]):
        raise ValueError("neurons must be within 0..%d" % (vals.shape[1] - 1))
    ax = _axes(ax)
    for c in cols:
        ax.plot(ts, vals[:, c], label="neuron %d" % c)
    ax.set_xlabel("Time (ms)")
    ax.set_ylabel(ylabel)
    if legend is None:
        legend = 1 < len(cols) <= 10
    if legend:
        ax.legend(loc="best", fontsize="small")
    if title:
        ax.set_title(title)
    return ax
