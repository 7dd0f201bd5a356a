"""Initializers: how a per-neuron array gets its values (``brainpy.init``).

Pass one as ``V_initializer``, ``w_initializer`` or as any parameter of
:class:`adex.AdExIF`. They are not evaluated in Python: each one becomes the
C library's ``adex_init`` and the library evaluates it, at construction and
again at every ``reset()``, so Python, the C API and the command-line
program draw identical values.

Random initializers are counter-based: value ``i`` depends only on
``(seed, i)``, not on the population's shape or on earlier draws. With
``seed=None`` a seed is drawn once from the operating system when the
initializer is made (read it back as ``.seed``); pass an integer for runs
that repeat exactly.

Calling an initializer, ``init(shape)``, evaluates it into a new float64
array of that shape (BrainPy's ``Initializer.__call__``).
"""

import ctypes
import math
import numbers
import os

import numpy as np

from . import _lib

__all__ = ["Initializer", "ZeroInit", "OneInit", "Constant", "Uniform",
           "Normal"]


def _number(x, what):
    """x as a finite float, else ValueError."""
    if isinstance(x, (bool, np.bool_)) or not isinstance(
            x, (numbers.Real, np.floating, np.integer)):
        raise ValueError("%s must be a number, got %r" % (what, x))
    v = float(x)
    if not math.isfinite(v):
        raise ValueError("%s must be finite, got %r" % (what, x))
    return v


def _seed(seed):
    if seed is None:
        return int.from_bytes(os.urandom(8), "little")
    if isinstance(seed, (bool, np.bool_)) or not isinstance(
            seed, (numbers.Integral, np.integer)):
        raise ValueError("seed must be an integer or None, got %r" % (seed,))
    seed = int(seed)
    if not 0 <= seed < 2 ** 64:
        raise ValueError("seed must be in [0, 2**64), got %d" % seed)
    return seed


class Initializer:
    """Base class. Subclasses give the C struct (``_c_init``)."""

    _kind = None

    def _c_init(self):
        raise NotImplementedError

    def __call__(self, shape, dtype=None):
        """Evaluate into a new array of `shape` (an int or a tuple)."""
        if isinstance(shape, (numbers.Integral, np.integer)):
            shape = (int(shape),)
        shape = tuple(int(s) for s in shape)
        n = int(np.prod(shape)) if shape else 1
        out = np.empty(n, dtype=np.float64)
        if n > 0:
            c = self._c_init()
            st = _lib.lib.adex_init_eval(
                ctypes.byref(c), out.ctypes.data_as(
                    ctypes.POINTER(ctypes.c_double)), n,
                type(self).__name__.encode())
            _lib.check(st)
        out = out.reshape(shape)
        return out if dtype is None else out.astype(dtype)

    def __eq__(self, other):
        return type(self) is type(other) and self.__dict__ == other.__dict__

    def __hash__(self):
        return hash((type(self).__name__,) + tuple(sorted(
            self.__dict__.items())))


class ZeroInit(Initializer):
    """Every value 0 (BrainPy's ``ZeroInit``; the default of V and w)."""

    def _c_init(self):
        return _lib.Init(kind=_lib.INIT_ZERO)

    def __repr__(self):
        return "ZeroInit()"


class OneInit(Initializer):
    """Every value `value` (BrainPy's ``OneInit(value=1.)``)."""

    def __init__(self, value=1.0):
        self.value = _number(value, "OneInit value")

    def _c_init(self):
        return _lib.Init(kind=_lib.INIT_ONE, a=self.value)

    def __repr__(self):
        return "OneInit(value=%r)" % self.value


class Constant(Initializer):
    """Every value `value` (BrainPy's ``Constant(value=0.)``)."""

    def __init__(self, value=0.0):
        self.value = _number(value, "Constant value")

    def _c_init(self):
        return _lib.Init(kind=_lib.INIT_CONSTANT, a=self.value)

    def __repr__(self):
        return "Constant(value=%r)" % self.value


class Uniform(Initializer):
    """Uniform on [min_val, max_val) (BrainPy's ``Uniform``), seeded."""

    def __init__(self, min_val=0.0, max_val=1.0, seed=None):
        self.min_val = _number(min_val, "Uniform min_val")
        self.max_val = _number(max_val, "Uniform max_val")
        if not self.min_val < self.max_val:
            raise ValueError("Uniform needs min_val < max_val, got %r and %r"
                             % (min_val, max_val))
        self.seed = _seed(seed)

    def _c_init(self):
        return _lib.Init(kind=_lib.INIT_UNIFORM, a=self.min_val,
                         b=self.max_val, seed=self.seed)

    def __repr__(self):
        return "Uniform(min_val=%r, max_val=%r, seed=%r)" % (
            self.min_val, self.max_val, self.seed)


class Normal(Initializer):
    """Normal with mean `mean` and standard deviation `scale` (BrainPy's
    ``Normal``), seeded."""

    def __init__(self, mean=0.0, scale=1.0, seed=None):
        self.mean = _number(mean, "Normal mean")
        self.scale = _number(scale, "Normal scale")
        if self.scale < 0:
            raise ValueError("Normal scale must be >= 0, got %r" % scale)
        self.seed = _seed(seed)

    def _c_init(self):
        return _lib.Init(kind=_lib.INIT_NORMAL, a=self.mean, b=self.scale,
                         seed=self.seed)

    def __repr__(self):
        return "Normal(mean=%r, scale=%r, seed=%r)" % (self.mean, self.scale,
                                                       self.seed)
