"""Input currents as arrays, with BrainPy's names (``brainpy.inputs``).

Each function returns a numpy array with one row per step of dt (default
0.1 ms), to pass to a runner as an 'iter' input. The classes Section,
Ramp, Poisson and OU are the same inputs streamed: computed step by step
in C, without the array (``adex.streams``). Step counts follow
BrainPy (floor for section durations, ceil for ramp windows), except that
a quotient t/dt within 1e-9 of an integer counts as that integer (20/0.1
is 200 steps, not 199), as the command line's inputs do (docs/cli.md).
"""

import math

import numpy as np

from .streams import OU, Poisson, Ramp, Section, Stream

__all__ = ["section_input", "constant_input", "ramp_input", "spike_input",
           "wiener_process", "ou_process", "Stream", "Section", "Ramp",
           "Poisson", "OU"]

_SNAP = 1e-9


def _steps(t, dt, rounding):
    x = t / dt
    r = round(x)
    if abs(x - r) <= _SNAP * max(1.0, abs(x)):
        return int(r)
    return int(math.floor(x) if rounding == "floor" else math.ceil(x))


def _dt(dt):
    dt = 0.1 if dt is None else float(dt)
    if not (dt > 0 and math.isfinite(dt)):
        raise ValueError("dt must be finite and > 0, got %r" % dt)
    return dt


def section_input(values, durations, dt=None, return_length=False):
    """values[j] (a number or an array) held for durations[j] ms, one
    section after the other."""
    dt = _dt(dt)
    if len(values) != len(durations):
        raise ValueError("values and durations must have one length, got %d "
                         "and %d" % (len(values), len(durations)))
    vals = [np.asarray(v, dtype=float) for v in values]
    shape = np.broadcast_shapes(*[v.shape for v in vals]) if vals else ()
    parts = [np.broadcast_to(v, (_steps(float(d), dt, "floor"),) + shape)
             for v, d in zip(vals, durations)]
    out = np.concatenate(parts) if parts else np.zeros(0)
    total = float(sum(float(d) for d in durations))
    return (out, total) if return_length else out


def constant_input(I_and_duration, dt=None):
    """BrainPy's constant_input([(value, duration), ...]): (array, length)."""
    values = [v for v, _ in I_and_duration]
    durations = [d for _, d in I_and_duration]
    return section_input(values, durations, dt, return_length=True)


def ramp_input(c_start, c_end, duration, t_start=0, t_end=None, dt=None):
    """From c_start to c_end over [t_start, t_end) (default: the whole
    duration), 0 elsewhere."""
    dt = _dt(dt)
    t_end = duration if t_end is None else t_end
    n = _steps(float(duration), dt, "ceil")
    p1 = _steps(float(t_start), dt, "ceil")
    p2 = _steps(float(t_end), dt, "ceil")
    out = np.zeros(n)
    if p2 > p1:
        out[p1:p2] = np.linspace(c_start, c_end, p2 - p1)[:max(0, n - p1)]
    return out


def spike_input(sp_times, sp_lens, sp_sizes, duration, dt=None):
    """Pulses: from each time in sp_times, sp_sizes (a number or one per
    pulse) for sp_lens ms (likewise)."""
    dt = _dt(dt)
    n = _steps(float(duration), dt, "ceil")
    out = np.zeros(n)
    k = len(sp_times)
    lens = np.broadcast_to(np.asarray(sp_lens, dtype=float), (k,))
    sizes = np.broadcast_to(np.asarray(sp_sizes, dtype=float), (k,))
    for t, length, size in zip(sp_times, lens, sizes):
        a = _steps(float(t), dt, "floor")
        out[a:a + _steps(float(length), dt, "floor")] = size
    return out


def wiener_process(duration, dt=None, n=1, t_start=0., t_end=None,
                   seed=None):
    """Increments of a Wiener process, N(0, dt) per step, inside
    [t_start, t_end); shape (steps, n)."""
    dt = _dt(dt)
    steps = _steps(float(duration), dt, "ceil")
    t_end = duration if t_end is None else t_end
    i1 = _steps(float(t_start), dt, "ceil")
    i2 = _steps(float(t_end), dt, "ceil")
    rng = np.random.default_rng(seed)
    out = np.zeros((steps, n))
    out[i1:i2] = rng.standard_normal((max(0, min(i2, steps) - i1), n)) * \
        math.sqrt(dt)
    return out


def ou_process(mean, sigma, tau, duration, dt=None, n=1, t_start=0.,
               t_end=None, seed=None):
    """An Ornstein-Uhlenbeck current, dX = (mean - X)/tau dt + sigma dW,
    from X = mean, by Euler-Maruyama (as BrainPy); shape (steps, n)."""
    dt = _dt(dt)
    dW = wiener_process(duration, dt, n, t_start, t_end, seed)
    x = np.full(n, float(mean))
    out = np.empty_like(dW)
    for k in range(dW.shape[0]):
        x = x + dt * ((mean - x) / tau) + sigma * dW[k]
        out[k] = x
    return out
