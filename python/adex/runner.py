"""``adex.run``: many steps in one C call (``adex_pop_run``), with inputs
and monitors, as BrainPy's ``DSRunner(pop, monitors=..., inputs=...)
.run(duration)``.
"""

import collections.abc
import ctypes
import itertools
import math
import numbers
import os
import signal
import sys
import threading
import time

import numpy as np

from . import _lib
from .streams import Stream
from .neurons import AdExIF

__all__ = ["run", "RunResult"]

_L = _lib.lib


class RunResult(dict):
    """The monitors of a run: ``res['ts']`` (ms, the time each row belongs
    to, the end of its step, as BrainPy's ``runner.mon.ts``) and one array
    per monitor, row k being the variable after step k. Keys are also attributes
    (``res.spike``)."""

    def __getattr__(self, key):
        try:
            return self[key]
        except KeyError:
            raise AttributeError(key)

    def __dir__(self):
        return list(self.keys()) + dir(dict)


def _number(x, what):
    if isinstance(x, (bool, np.bool_)) or not isinstance(
            x, (numbers.Real, np.floating, np.integer)):
        raise ValueError("%s must be a number, got %r" % (what, x))
    v = float(x)
    if not math.isfinite(v):
        raise ValueError("%s must be finite, got %r" % (what, x))
    return v


def _stream_of(pop, inputs):
    """The Stream when `inputs` is one (alone or as ('input', stream[,
    type[, '+']])), else None."""
    if isinstance(inputs, Stream):
        return inputs
    items = []
    if isinstance(inputs, (tuple, list)) and inputs:
        items = [inputs] if isinstance(inputs[0], str) else list(inputs)
    streams = [it for it in items if isinstance(it, (tuple, list)) and
               len(it) >= 2 and isinstance(it[1], Stream)]
    if not streams:
        return None
    if len(items) > 1:
        raise ValueError("a streamed input (adex.inputs.Poisson, OU, ...) "
                         "must be adex.run's only input; DSRunner takes "
                         "several")
    item = streams[0]
    if item[0] not in ("input", "%s.input" % pop.name):
        raise ValueError("adex.run feeds only the variable 'input', got "
                         "target %r" % (item[0],))
    if len(item) > 3 and item[3] != "+":
        raise ValueError("only the '+' operation is supported (the input is "
                         "added each step), got %r" % (item[3],))
    return item[1]


def _input_spec(pop, inputs, steps):
    """(adex_run_input, array kept alive) from a number, a per-neuron array,
    a (steps, neurons) array, or BrainPy's ('input', value[, 'fix'|'iter'
    [, '+']]) tuples (a list of them is summed)."""
    num, shape = pop.num, tuple(pop.varshape)
    kind = None
    if isinstance(inputs, (tuple, list)) and inputs and (
            isinstance(inputs[0], str) or (
                isinstance(inputs[0], (tuple, list)) and inputs[0] and
                isinstance(inputs[0][0], str))):
        items = [inputs] if isinstance(inputs[0], str) else list(inputs)
        total = np.zeros((steps, num))
        per_step = False
        for item in items:
            if not isinstance(item, (tuple, list)) or not 2 <= len(item) <= 4:
                raise ValueError("an input is (target, value[, type[, "
                                 "operation]]), got %r" % (item,))
            target, value = item[0], item[1]
            typ = item[2] if len(item) > 2 else "fix"
            op = item[3] if len(item) > 3 else "+"
            if target not in ("input", "%s.input" % pop.name):
                raise ValueError("adex.run feeds only the variable 'input', "
                                 "got target %r" % (target,))
            if op != "+":
                raise ValueError("only the '+' operation is supported (the "
                                 "input is added each step), got %r" % (op,))
            if typ not in ("fix", "iter"):
                raise ValueError("input type must be 'fix' or 'iter', got %r"
                                 % (typ,))
            if typ == "iter" and _is_iterator(value):
                # BrainPy iterates an 'iter' input: one item per step
                value = list(itertools.islice(value, steps))
            arr = _array(value, "inputs")
            if typ == "iter":
                per_step = True
                if arr.ndim == 0 or arr.shape[0] != steps:
                    raise ValueError("an 'iter' input needs %d rows (one per "
                                     "step), got shape %s" % (steps,
                                                              arr.shape))
                arr = arr.reshape((steps,) + arr.shape[1:])
                total += _per_step(arr, steps, num, shape)
            else:
                total += _per_neuron(arr, num, shape)[None, :]
        if per_step:
            data = np.ascontiguousarray(total)
            kind = _lib.RUN_INPUT_STEP
        else:
            data = np.ascontiguousarray(total[0]) if steps else np.zeros(num)
            kind = _lib.RUN_INPUT_NEURON
        return _make(kind, 0.0, data)

    arr = _array(inputs, "inputs")
    if arr.ndim == 0 or arr.shape == (1,):
        v = float(arr.reshape(()))
        if v == 0.0:
            return _make(_lib.RUN_INPUT_NONE, 0.0, None)
        return _make(_lib.RUN_INPUT_SCALAR, v, None)
    if arr.shape in ((num,), shape):
        return _make(_lib.RUN_INPUT_NEURON, 0.0, _per_neuron(arr, num, shape))
    if arr.ndim >= 2 and arr.shape[0] == steps:
        return _make(_lib.RUN_INPUT_STEP, 0.0,
                     _per_step(arr, steps, num, shape))
    raise ValueError("inputs must be a number, an array of shape (%d,)%s, or "
                     "of shape (%d, %d) (steps, neurons); got shape %s"
                     % (num, " or %s" % (shape,) if shape != (num,) else "",
                        steps, num, arr.shape))


def _is_iterator(x):
    """A generator or other one-pass iterator (not an array or a list)."""
    return isinstance(x, collections.abc.Iterator) and not isinstance(
        x, np.ndarray)


def _array(x, what):
    if _is_iterator(x):
        raise ValueError("%s: a generator or iterator is taken only as an "
                         "'iter' input, ('input', values, 'iter'), one item "
                         "per step; got %r" % (what, x))
    try:
        arr = np.asarray(x)
    except Exception as e:
        raise ValueError("%s: %s" % (what, e))
    if arr.dtype.kind not in "biuf":
        raise ValueError("%s must be numbers, got an array of %s"
                         % (what, arr.dtype))
    if not np.all(np.isfinite(arr)):
        raise ValueError("%s must be finite (no NaN or inf)" % what)
    return arr


def _per_neuron(arr, num, shape):
    if arr.shape in ((), (1,)):
        return np.full(num, float(arr.reshape(())))
    if arr.shape not in ((num,), shape):
        raise ValueError("a per-neuron input must have shape (%d,) or %s, "
                         "got %s" % (num, shape, arr.shape))
    return np.ascontiguousarray(arr.reshape(num), dtype=np.float64)


def _per_step(arr, steps, num, shape):
    rest = arr.shape[1:]
    if rest in ((), (1,)):
        out = np.broadcast_to(arr.reshape(steps, 1), (steps, num))
    elif rest in ((num,), shape):
        out = arr.reshape(steps, num)
    else:
        raise ValueError("a per-step input must have shape (%d, %d), "
                         "(%d,) + %s or (%d, 1), got %s"
                         % (steps, num, steps, shape, steps, arr.shape))
    return np.ascontiguousarray(out, dtype=np.float64)


def _make(kind, value, data):
    spec = _lib.RunInput(kind=kind, value=value)
    if data is not None:
        spec.data = data.ctypes.data_as(ctypes.POINTER(ctypes.c_double))
    return spec, data


def _monitor_list(monitors):
    """[(key, variable name, indices or None)] from BrainPy's forms: names,
    (name, indices) pairs, or a dict key -> name or (name, indices)."""
    if monitors is None:
        return []
    if isinstance(monitors, str):
        monitors = [monitors]
    items = []
    if isinstance(monitors, dict):
        for key, spec in monitors.items():
            if isinstance(spec, str):
                items.append((key, spec, None))
            elif isinstance(spec, (tuple, list)) and len(spec) == 2 and \
                    isinstance(spec[0], str):
                items.append((key, spec[0], spec[1]))
            else:
                raise ValueError("monitor %r: give a variable name or (name, "
                                 "indices), got %r" % (key, spec))
    elif isinstance(monitors, (tuple, list)):
        for spec in monitors:
            if isinstance(spec, str):
                items.append((spec, spec, None))
            elif isinstance(spec, (tuple, list)) and len(spec) == 2 and \
                    isinstance(spec[0], str):
                items.append((spec[0], spec[0], spec[1]))
            else:
                raise ValueError("a monitor is a variable name or (name, "
                                 "indices), got %r" % (spec,))
    else:
        raise ValueError("monitors must be a list of names, (name, indices) "
                         "pairs, or a dict, got %r" % (monitors,))
    keys = [k for k, _, _ in items]
    for k in keys:
        if not isinstance(k, str):
            raise ValueError("monitor keys must be str, got %r" % (k,))
        if k == "ts":
            raise ValueError("'ts' is reserved for the time points")
    if len(set(keys)) != len(keys):
        raise ValueError("monitor keys must be unique, got %r" % (keys,))
    return items


def _indices(idx, num, key):
    arr = np.asarray(idx)
    if arr.dtype.kind == "b":
        if arr.shape != (num,):
            raise ValueError("monitor %r: a boolean mask needs %d values"
                             % (key, num))
        arr = np.flatnonzero(arr)
    elif arr.dtype.kind not in "iu":
        raise ValueError("monitor %r: indices must be integers, got %s"
                         % (key, arr.dtype))
    arr = arr.reshape(-1)
    if arr.size == 0:
        raise ValueError("monitor %r: no indices given" % key)
    if np.any(arr < -num) or np.any(arr >= num):
        raise ValueError("monitor %r: indices must be within -%d..%d"
                         % (key, num, num - 1))
    arr = np.where(arr < 0, arr + num, arr)  # numpy's negative indices
    return np.ascontiguousarray(arr, dtype=np.uintp)


class _Progress:
    """The CLI's progress bar on stderr: only on a terminal, only after a
    second, redrawn at most five times a second, erased at the end."""

    SHOW_AFTER = 1.0
    REDRAW = 0.2

    def __init__(self, enabled, total, dt, start):
        stream = sys.stderr
        self.enabled = bool(enabled) and stream is not None and hasattr(
            stream, "isatty") and stream.isatty()
        self.total, self.dt, self.start = total, dt, start
        self.t0 = self.last = time.monotonic()
        self.shown = False

    def update(self, done):
        if not self.enabled:
            return
        now = time.monotonic()
        elapsed = now - self.t0
        if elapsed < self.SHOW_AFTER or (now - self.last < self.REDRAW and
                                         done != self.total):
            return
        self.last = now
        frac = done / self.total if self.total else 1.0
        speed = done * self.dt / elapsed if elapsed > 0 else 0.0
        left = elapsed * (self.total - done) / done if done else 0.0
        eta = ("%d:%02d" % (left // 60, left % 60) if left >= 60
               else "%ds" % int(left + 0.5))
        text = (" %3.0f%%  t %.6g / %.6g ms  %.4g ms/s  ETA %s"
                % (100 * frac, self.start + done * self.dt,
                   self.start + self.total * self.dt, speed, eta))
        try:
            cols = os.get_terminal_size(sys.stderr.fileno()).columns
        except (OSError, ValueError, AttributeError):
            cols = 0
        if cols < 40:
            cols = 80
        width = max(10, min(100, cols - len(text) - 4))
        fill = int(frac * width)
        sys.stderr.write("\r[%s%s]%s\033[K" % ("#" * fill, "." * (width - fill),
                                               text))
        sys.stderr.flush()
        self.shown = True

    def end(self):
        if self.shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()
            self.shown = False


def run(pop, duration, dt=0.1, inputs=0.0, monitors=("spike",),
        progress=True, *, t0=None):
    """Run `pop` for `duration` ms in steps of `dt` ms, the loop in C.

    inputs: a number, an array of one value per neuron, an array of shape
        (steps, neurons) (row k at step k), or BrainPy's tuple
        ('input', value[, 'fix' | 'iter'[, '+']]) or a list of them; added
        to ``pop.input`` before each step, as BrainPy's runner does. Or a
        streamed input (adex.inputs.Poisson, OU, Section, Ramp), computed
        step by step in C without an array, going on from where its
        previous run ended.
    monitors: variable names ('spike', 'V', 'w', 'input', 't_last_spike',
        'refractory', registered ones), (name, indices) pairs, or a dict
        key -> name or (name, indices).
    progress: show a progress bar on stderr when it is a terminal.
    t0 (keyword): start time (ms). None continues from where the previous
        adex.run of this population ended (0 at first), as a BrainPy runner
        continues its clock.

    Returns a RunResult: ``res['ts']`` (steps,) the times the rows belong
    to, the ends of the steps (t0 + (k+1)*dt, BrainPy's ``mon.ts``: the
    step that starts at t0 + k*dt gives the state at ts[k]), and per
    monitor an array of (steps, neurons) (or (steps,) + size with
    keep_size, or (steps, len(indices))), row k = the variable after step
    k; a spike of step k is stamped t0 + k*dt = ts[k] - dt (BrainPy's
    t_last_spike); 'spike' is boolean. Ctrl-C
    stops the run after the current 1% of it and raises KeyboardInterrupt.
    """
    if not isinstance(pop, AdExIF):
        raise ValueError("run needs an adex.AdExIF, got %s" % type(pop))
    pop._h()
    duration = _number(duration, "duration")
    dt = _number(dt, "dt")
    if dt <= 0:
        raise ValueError("dt must be > 0, got %r" % dt)
    if duration < 0:
        raise ValueError("duration must be >= 0, got %r" % duration)
    start = pop._t if t0 is None else _number(t0, "t0")
    steps = _lib.run_steps(duration, dt)
    if steps > 2 ** 48:
        raise ValueError("%d steps is too many" % steps)
    num = pop.num

    stream = _stream_of(pop, inputs)
    if stream is not None:
        spec = _lib.RunInput(kind=_lib.RUN_INPUT_GEN)
        spec.gen = stream.handle(num, dt)
        keep_input = stream
    else:
        spec, keep_input = _input_spec(pop, inputs, steps)

    items = _monitor_list(monitors)
    if len(items) > 64:
        raise ValueError("at most 64 monitors, got %d" % len(items))
    mons = (_lib.RunMonitor * max(1, len(items)))()
    outs, keep = [], []
    for j, (key, var_name, idx) in enumerate(items):
        var = _lib.Var()
        with pop._use() as h:
            pop._fail(_L.adex_pop_var_find(
                h, var_name.encode("utf-8", "replace"), ctypes.byref(var)))
        dtype = np.dtype(_lib.DTYPE_NUMPY[var.dtype])
        m = mons[j]
        name_b = var_name.encode("utf-8", "replace")
        keep.append(name_b)
        m.var = name_b
        m.dtype = var.dtype
        if idx is None:
            out = np.empty((steps,) + tuple(pop.varshape), dtype=dtype)
        else:
            ind = _indices(idx, num, key)
            keep.append(ind)
            m.indices = ind.ctypes.data_as(ctypes.POINTER(ctypes.c_size_t))
            m.n_indices = ind.size
            out = np.empty((steps, ind.size), dtype=dtype)
        m.out = out.ctypes.data if out.size else None
        outs.append((key, out))

    bar = _Progress(progress, steps, dt, start)
    caught = []

    def on_progress(_user, done, total):
        if caught:
            return 1
        try:
            bar.update(done)
            return 0
        except BaseException as e:  # KeyboardInterrupt and the like
            caught.append(e)
            return 1

    # Ctrl-C: Python runs its handler inside the next progress call, where
    # raising would be lost in ctypes; a flag stops the run instead, and the
    # KeyboardInterrupt is raised here afterwards.
    old_handler = None
    if threading.current_thread() is threading.main_thread() and \
            signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        def on_sigint(signum, frame):
            caught.append(KeyboardInterrupt())
        old_handler = signal.signal(signal.SIGINT, on_sigint)

    cb = _lib.PROGRESS_FN(on_progress)
    done = ctypes.c_size_t(0)
    try:
        with pop._use() as h:
            st = _L.adex_pop_run(h, start, dt, steps, ctypes.byref(spec),
                                 mons if items else None, len(items), cb,
                                 None, ctypes.byref(done))
            msg = _lib.errmsg()
    finally:
        bar.end()
        if old_handler is not None:
            signal.signal(signal.SIGINT, old_handler)
    pop._t = start + done.value * dt
    pop._warn_nonfinite(stacklevel=2)
    if caught:
        raise caught[0]
    _lib.check(st, msg)
    del keep_input, keep
    res = RunResult()
    res["ts"] = start + (np.arange(steps) + 1.0) * dt
    for key, out in outs:
        res[key] = out
    return res
