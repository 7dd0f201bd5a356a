"""The process-wide registry of delays (BrainPy's ``global_delay_vars``).

In BrainPy a population's delays are aliases of global entries of the same
name. In adex they are separate: a population owns its delays
(``pop.register_delay``, listed by ``pop.local_delay_vars``, saved with its
state), and ``adex.global_delay_vars`` is an explicit registry of named
delay buffers shared by everything in the process (the C library's
``adex_global_delay_*``).

Every entry is looked up by name at each use, so a wrapper never holds a
handle that another registration has replaced.
"""

import ctypes
import threading
from collections.abc import Mapping

import numpy as np

from . import _lib

__all__ = ["GlobalDelays", "GlobalDelay", "global_delay_vars"]

_L = _lib.lib
_dp = ctypes.POINTER(ctypes.c_double)
_lock = threading.RLock()


def _name_b(name):
    if not isinstance(name, str):
        raise KeyError(name)
    return name.encode("utf-8", "replace")


def _find(name):
    d = ctypes.c_void_p()
    _lib.check(_L.adex_global_delay_find(_name_b(name), ctypes.byref(d)))
    return d.value


def _row(values, num, what):
    arr = np.asarray(values)
    if arr.dtype.kind not in "biuf":
        raise ValueError("%s must be numbers, got %s" % (what, arr.dtype))
    if arr.shape != () and arr.size != num:
        raise ValueError("%s must have %d values, got shape %s"
                         % (what, num, arr.shape))
    arr = np.ascontiguousarray(np.broadcast_to(
        arr.reshape(-1) if arr.shape else arr, (num,)), dtype=np.float64)
    if not np.all(np.isfinite(arr)):
        raise ValueError("%s must be finite" % what)
    return arr


class GlobalDelay:
    """One global delay: a ring of ``max_delay + 1`` rows of ``num`` values
    (BrainPy's ``LengthDelay``). Age 0 is the newest row."""

    def __init__(self, name):
        self.name = name

    def _d(self):
        return _find(self.name)

    @property
    def num(self):
        with _lock:
            return int(_L.adex_delay_num(self._d()))

    @property
    def max_delay(self):
        """Largest readable age, steps."""
        with _lock:
            return int(_L.adex_delay_max(self._d()))

    @property
    def num_delay_step(self):
        """Rows in the ring: max_delay + 1 (BrainPy's name)."""
        return self.max_delay + 1

    @property
    def data(self):
        """A copy of the history, shape (max_delay + 1, num), row k = age k."""
        with _lock:
            d = self._d()
            out = np.empty((_L.adex_delay_max(d) + 1, _L.adex_delay_num(d)))
            _lib.check(_L.adex_delay_export(d, out.ctypes.data_as(_dp)))
            return out

    def __call__(self, delay_len, *indices):
        """The row of age `delay_len` (indexed by `indices`), or with an
        array of ages, element i at age delay_len[i]."""
        hist = self.data
        if isinstance(delay_len, (bool, np.bool_)):
            raise ValueError("delay_len must be an integer")
        steps = np.asarray(delay_len)
        if steps.dtype.kind not in "iu":
            raise ValueError("delay_len must be integer typed, got %s"
                             % steps.dtype)
        if np.any(steps < 0) or np.any(steps >= hist.shape[0]):
            raise ValueError("delay_len must be within 0..%d"
                             % (hist.shape[0] - 1))
        if steps.ndim == 0:
            row = hist[int(steps)]
            return row[indices] if indices else row
        if not indices:
            if steps.size != hist.shape[1]:
                raise ValueError("an array of delays needs %d values"
                                 % hist.shape[1])
            indices = (np.arange(hist.shape[1]),)
        return hist[(steps,) + indices]

    retrieve = __call__

    def update(self, value):
        """Push num values as the newest row."""
        with _lock:
            d = self._d()
            arr = _row(value, _L.adex_delay_num(d), "value")
            _lib.check(_L.adex_delay_push(d, arr.ctypes.data_as(_dp)))

    def reset(self, target):
        """Zero the history and put `target` (num values) at age 0."""
        with _lock:
            d = self._d()
            arr = _row(target, _L.adex_delay_num(d), "target")
            _lib.check(_L.adex_delay_reset(d, arr.ctypes.data_as(_dp)))

    def __repr__(self):
        return "GlobalDelay(%r)" % self.name


class GlobalDelays(Mapping):
    """A live, dict-like view of the global registry: name -> GlobalDelay.
    ``register`` adds (or grows) an entry, ``del reg[name]`` and ``clear()``
    remove entries."""

    def __getitem__(self, name):
        with _lock:
            _find(name)
        return GlobalDelay(name)

    def __iter__(self):
        return iter(self.names())

    def __len__(self):
        return int(_L.adex_global_delay_count())

    def __contains__(self, name):
        if not isinstance(name, str):
            return False
        d = ctypes.c_void_p()
        return _L.adex_global_delay_find(_name_b(name),
                                         ctypes.byref(d)) == _lib.OK

    def names(self):
        """The registered names, in registration order."""
        out = []
        with _lock:
            for i in range(_L.adex_global_delay_count()):
                buf = ctypes.create_string_buffer(_lib.NAME_MAX)
                if _L.adex_global_delay_at(i, buf, None) == _lib.OK:
                    out.append(buf.value.decode("utf-8", "replace"))
        return out

    def register(self, name, target, max_delay, initial_delay_data=None):
        """Register the delay `name` of len(target) values and ages
        0..max_delay: age 0 holds target, older ages initial_delay_data
        (zeros when None). An existing name keeps its history and grows to a
        larger max_delay. Returns the GlobalDelay."""
        if not isinstance(name, str):
            raise ValueError("name must be a str, got %r" % (name,))
        if isinstance(max_delay, (bool, np.bool_)) or not isinstance(
                max_delay, (int, np.integer)) or not 0 <= max_delay < 2 ** 62:
            raise ValueError("max_delay must be an int >= 0, got %r"
                             % (max_delay,))
        tgt = np.asarray(target)
        if tgt.size == 0:
            raise ValueError("target must have at least one value")
        tgt = _row(tgt, tgt.size, "target")
        init = None if initial_delay_data is None else _row(
            initial_delay_data, tgt.size, "initial_delay_data")
        with _lock:
            _lib.check(_L.adex_global_delay_register(
                name.encode("utf-8", "replace"), tgt.size, int(max_delay),
                tgt.ctypes.data_as(_dp),
                init.ctypes.data_as(_dp) if init is not None else None,
                None))
        return GlobalDelay(name)

    def __delitem__(self, name):
        with _lock:
            _lib.check(_L.adex_global_delay_remove(_name_b(name)))

    def clear(self):
        """Remove every global delay."""
        with _lock:
            _L.adex_global_delay_clear()

    def __repr__(self):
        return "GlobalDelays(%r)" % (self.names(),)


global_delay_vars = GlobalDelays()
