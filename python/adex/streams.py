"""Streamed inputs: the library's input generators (``adex/inputs.h``).

An input given as an array costs 8 x steps x neurons bytes before the run
starts; these compute each step's values inside the C loop instead, with
the kinds and rules of the command line's inputs (docs/cli.md). Pass one
as the value of an input: ``adex.run(pop, 1000., inputs=Poisson(800.,
2.))`` or ``DSRunner(net, inputs=[('E.input', OU(20., 3., 5.))])``. A
stream goes on where the previous run left it (the step count, the OU
process's state), as a BrainPy 'iter' input does; the random kinds are
counter-based, keyed by (seed, step, neuron), so the values do not depend
on threads or on how the loop is split.
"""

import ctypes
from ctypes import POINTER, Structure, c_double, c_int, c_size_t, c_uint64

import numpy as np

from . import _lib

__all__ = ["Stream", "Section", "Ramp", "Poisson", "OU"]

_L = _lib.lib
_PD = POINTER(c_double)
GEN_CONSTANT, GEN_SECTION, GEN_RAMP, GEN_POISSON, GEN_OU, GEN_TABLE = range(6)


class _Vec(Structure):
    _fields_ = [("v", _PD), ("n", c_size_t)]


class _Config(Structure):
    _fields_ = [("kind", c_int), ("num", c_size_t), ("first_id", c_uint64),
                ("seed", c_uint64), ("value", _Vec),
                ("sec_values", POINTER(_Vec)), ("durations", _PD),
                ("n_sec", c_size_t), ("from_", c_double), ("to", c_double),
                ("t_start", c_double), ("t_end", c_double), ("rate", _Vec),
                ("weight", _Vec), ("mean", _Vec), ("sigma", _Vec),
                ("tau", c_double), ("table", _PD), ("rows", c_uint64),
                ("cols", c_size_t)]


for _name, _res, _args in (
        ("adex_gen_create", c_int, [POINTER(_Config), c_double,
                                    POINTER(ctypes.c_void_p)]),
        ("adex_gen_add", None, [ctypes.c_void_p, c_uint64, _PD]),
        ("adex_gen_next_step", c_uint64, [ctypes.c_void_p]),
        ("adex_gen_destroy", None, [ctypes.c_void_p])):
    _f = getattr(_L, _name)
    _f.restype, _f.argtypes = _res, _args


if _L.adex_abi_sizeof(b"adex_gen_config") != ctypes.sizeof(_Config):
    raise ImportError("adex: adex_gen_config differs between %s and this "
                      "binding" % _lib.path)


def _vec(x, what, keep):
    arr = np.ascontiguousarray(np.asarray(x, dtype=np.float64).reshape(-1))
    if arr.size == 0:
        raise ValueError("%s: give a number or one value per neuron" % what)
    keep.append(arr)
    return _Vec(arr.ctypes.data_as(_PD), arr.size)


class Stream:
    """An input computed step by step in C. The generator is made at the
    first run with the target's size and dt, and kept for the next runs
    (a new one, from step 0, when the size or dt changes)."""

    def __init__(self):
        self._h = None
        self._num = self._dt = None

    def _fill(self, cfg, keep):  # pragma: no cover - each kind's own
        raise NotImplementedError

    def handle(self, num, dt):
        """The C generator for `num` neurons and steps of `dt` ms."""
        if self._h is not None and (self._num, self._dt) == (num, dt):
            return self._h
        cfg, keep = _Config(), []
        cfg.num = num
        self._fill(cfg, keep)
        h = ctypes.c_void_p()
        _lib.check(_L.adex_gen_create(ctypes.byref(cfg), dt, ctypes.byref(h)))
        self.close()
        self._h, self._num, self._dt = h, num, dt
        return h

    def next_values(self, num, dt):
        """The values of the next step, as an array (one call per step)."""
        h = self.handle(num, dt)
        out = np.zeros(num)
        _L.adex_gen_add(h, _L.adex_gen_next_step(h), out.ctypes.data_as(_PD))
        return out

    @property
    def steps_done(self):
        """Steps given so far (0 before the first run)."""
        return 0 if self._h is None else _L.adex_gen_next_step(self._h)

    def close(self):
        if self._h is not None:
            _L.adex_gen_destroy(self._h)
            self._h = None

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass


class Section(Stream):
    """values[j] (a number or one per neuron) for floor(durations[j]/dt)
    steps, one section after the other; 0 after the last (BrainPy's
    section_input)."""

    def __init__(self, values, durations):
        super().__init__()
        if len(values) != len(durations):
            raise ValueError("values and durations must have one length, "
                             "got %d and %d" % (len(values), len(durations)))
        self.values = [np.asarray(v, dtype=float) for v in values]
        self.durations = np.asarray(durations, dtype=float).reshape(-1)

    def _fill(self, cfg, keep):
        cfg.kind = GEN_SECTION
        vecs = (_Vec * max(1, len(self.values)))(
            *[_vec(v, "values", keep) for v in self.values])
        d = np.ascontiguousarray(self.durations)
        keep += [vecs, d]
        cfg.sec_values = vecs
        cfg.durations = d.ctypes.data_as(_PD)
        cfg.n_sec = len(self.values)


class Ramp(Stream):
    """From c_start to c_end over the steps ceil(t_start/dt) ..
    ceil(t_end/dt) - 1 (numpy's linspace, BrainPy's ramp_input); 0
    elsewhere."""

    def __init__(self, c_start, c_end, t_end, t_start=0.0):
        super().__init__()
        self.c_start, self.c_end = float(c_start), float(c_end)
        self.t_start, self.t_end = float(t_start), float(t_end)

    def _fill(self, cfg, keep):
        cfg.kind = GEN_RAMP
        cfg.from_, cfg.to = self.c_start, self.c_end
        cfg.t_start, cfg.t_end = self.t_start, self.t_end


class Poisson(Stream):
    """In each step, independently per neuron, an event with probability
    rate*dt/1000 (rate in Hz, a number or one per neuron) adds weight."""

    def __init__(self, rate, weight, seed=0):
        super().__init__()
        self.rate, self.weight, self.seed = rate, weight, int(seed)

    def _fill(self, cfg, keep):
        cfg.kind = GEN_POISSON
        cfg.seed = self.seed
        cfg.rate = _vec(self.rate, "rate", keep)
        cfg.weight = _vec(self.weight, "weight", keep)


class OU(Stream):
    """The Ornstein-Uhlenbeck current dX = (mean - X)/tau dt + sigma dW
    from X = mean, advanced by its exact discretisation (the command
    line's 'ou' input; ``adex.inputs.ou_process`` is BrainPy's
    Euler-Maruyama array)."""

    def __init__(self, mean, sigma, tau, seed=0):
        super().__init__()
        self.mean, self.sigma, self.tau = mean, sigma, float(tau)
        self.seed = int(seed)

    def _fill(self, cfg, keep):
        cfg.kind = GEN_OU
        cfg.seed = self.seed
        cfg.mean = _vec(self.mean, "mean", keep)
        cfg.sigma = _vec(self.sigma, "sigma", keep)
        cfg.tau = self.tau
