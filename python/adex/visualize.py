"""BrainPy's ``brainpy.visualize`` plots that network scripts use
(matplotlib, imported when first called)."""

import sys

import numpy as np

__all__ = ["raster_plot", "line_plot"]


def _plt():
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError(
            "adex.visualize needs matplotlib, which this Python (%s) cannot "
            "import: %s. On Debian: apt-get install python3-matplotlib"
            % (sys.executable, exc)) from exc
    return plt


def raster_plot(ts, sp_matrix, ax=None, marker=".", markersize=2, color="k",
                xlabel="Time (ms)", ylabel="Neuron index", xlim=None,
                ylim=None, title=None, show=False, **kwargs):
    """A dot at (ts[k], i) wherever sp_matrix[k, i] is true."""
    plt = _plt()
    ts = np.asarray(ts)
    sp = np.asarray(sp_matrix).reshape(len(ts), -1)
    k, i = np.nonzero(sp)
    ax = ax if ax is not None else plt.gca()
    ax.plot(ts[k], i, marker, markersize=markersize, color=color,
            linestyle="none", **kwargs)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if xlim is not None:
        ax.set_xlim(*xlim)
    if ylim is not None:
        ax.set_ylim(*ylim)
    if title:
        ax.set_title(title)
    if show:
        plt.show()
    return ax


def line_plot(ts, val_matrix, plot_ids=None, ax=None, xlabel="Time (ms)",
              ylabel="value", xlim=None, ylim=None, legend=None, title=None,
              show=False, **kwargs):
    """One line per neuron of plot_ids (default: the first)."""
    plt = _plt()
    ts = np.asarray(ts)
    val = np.asarray(val_matrix).reshape(len(ts), -1)
    ids = [0] if plot_ids is None else list(np.atleast_1d(plot_ids))
    ax = ax if ax is not None else plt.gca()
    for i in ids:
        ax.plot(ts, val[:, i], label="%s-%d" % (legend, i) if legend else None,
                **kwargs)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if xlim is not None:
        ax.set_xlim(*xlim)
    if ylim is not None:
        ax.set_ylim(*ylim)
    if legend:
        ax.legend()
    if title:
        ax.set_title(title)
    if show:
        plt.show()
    return ax
