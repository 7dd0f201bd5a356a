"""``AdExIF``: a population of AdEx neurons on libadex, with the API of
``brainpy.dyn.AdExIF`` (BrainPy V2.1.12).
"""

import contextlib
import ctypes
import numbers
import os
import threading
import warnings

import numpy as np

from . import _lib
from ._base import Base, JointEq, ODEIntegrator, check_name, name_in_use
from .delays import global_delay_vars
from .errors import ClosedError, NotSupportedError, UniqueNameError
from .init import Initializer, ZeroInit

__all__ = ["AdExIF"]

_L = _lib.lib
_c_double_p = ctypes.POINTER(ctypes.c_double)
_c_size_p = ctypes.POINTER(ctypes.c_size_t)

# The state variables with a numpy view, in the C table's order.
_STATE = ("V", "w", "input", "spike", "refractory", "t_last_spike")


def _dptr(a):
    return a.ctypes.data_as(_c_double_p)


def _is_number(x):
    return isinstance(x, (numbers.Real, np.floating, np.integer, np.bool_))


def _real(x, what):
    """x (a number or a 0-d numeric array, as BrainPy takes) as a float
    (NaN and inf pass: the library rejects them with its own message);
    ValueError for non-numbers."""
    if isinstance(x, np.ndarray) and x.ndim == 0 and x.dtype.kind in "biuf":
        x = x[()]
    if not _is_number(x):
        raise ValueError("%s must be a number, got %r" % (what, x))
    try:
        return float(x)
    except OverflowError:
        raise ValueError("%s is too large for a float: %r" % (what, x))


def _numeric(value, what):
    """value as a numeric numpy array (Python ints beyond int64 become
    floats); ValueError naming `what` for anything else."""
    try:
        arr = np.asarray(value)
        if arr.dtype == object:
            arr = np.asarray(value, dtype=np.float64)
    except (OverflowError, TypeError, ValueError) as e:
        raise ValueError("%s takes numbers or arrays of numbers, got %r (%s)"
                         % (what, value, e))
    if arr.dtype.kind not in "biuf":
        raise ValueError("%s takes numbers or arrays of numbers, got an "
                         "array of %s" % (what, arr.dtype))
    return arr


def _same_memory(a, b):
    """Whether array a is array b's memory with b's layout (a view such as
    the result of ``pop.V += x``, written in place already)."""
    ia, ib = a.__array_interface__, b.__array_interface__
    return (ia["data"][0] == ib["data"][0] and a.shape == b.shape and
            a.dtype == b.dtype and a.strides == b.strides)


def _flag(x, what):
    if isinstance(x, (bool, np.bool_)) or x in (0, 1):
        return bool(x)
    raise ValueError("%s must be True or False, got %r" % (what, x))


class _Handle:
    """Owns the C population; destroys it when the last reference goes.

    Every numpy view of the state keeps a reference (through its ``base``
    object), so the memory outlives ``close()`` as long as a view does."""

    def __init__(self, ptr):
        self.ptr = ptr
        self.lock = threading.RLock()
        self.keep = []  # caller arrays registered as variables (C uses them)

    def destroy(self):
        with self.lock:
            if self.ptr:
                _L.adex_pop_destroy(self.ptr)
                self.ptr = None

    def __del__(self):
        try:
            self.destroy()
        except Exception:  # interpreter shutdown: modules may be gone
            pass


class _Memory:
    """numpy's view of C memory: the array interface plus a reference to
    the handle that owns the memory (numpy keeps this object as ``base``)."""

    def __init__(self, address, shape, typestr, owner):
        self.__array_interface__ = {"data": (address, False),
                                    "shape": tuple(shape),
                                    "typestr": typestr, "version": 3}
        self.owner = owner


def _check_write(owner, key, values):
    """Check float64 `values` (flat) meant for variable `key` by the
    library's rule (adex_pop_check_values): None if they pass (or the
    population is gone), else (status, message, index of the first bad
    one)."""
    if isinstance(values, float):  # one number: no array to build
        one = ctypes.c_double(values)
        ptr, n = ctypes.byref(one), 1
    else:
        flat = np.ascontiguousarray(values, dtype=np.float64).reshape(-1)
        ptr, n = _dptr(flat), flat.size
    bad = ctypes.c_size_t(0)
    with owner.lock:
        if not owner.ptr:
            return None
        st = _L.adex_pop_check_values(owner.ptr, key.encode(), ptr, n,
                                      ctypes.byref(bad))
        msg = _lib.errmsg() if st != _lib.OK else ""
    return None if st == _lib.OK else (st, msg, bad.value)


class _StateView(np.ndarray):
    """The population's numpy view of a variable: an ndarray whose dtype,
    shape and strides cannot be reassigned, since every later reader (and
    vars()) would see the C memory reinterpreted. Arrays derived from it
    (slices, reshapes, views) can; arithmetic gives plain arrays.

    Writes through it (``pop.w[1] = x``, ``pop.input += x``, ``fill``) are
    checked before anything is written by the rule of ``pop.V = x``: a
    NaN, an inf, or V or w beyond +-1e12 raises RangeError (a ValueError)
    naming the neuron, instead of becoming a spike in the next update."""

    _fixed = False  # True on the population's own views only
    _key = None     # the variable whose rule guards writes (None: none)
    _label = None   # the name in messages
    _owner = None   # the population's _Handle

    def _guard(self, where, values):
        """Raise for values about to be written at self[where]."""
        if not self._fixed or self._key is None or self.dtype.kind != "f":
            return
        plain = self.view(np.ndarray)
        if isinstance(values, (float, int, np.floating, np.integer)) and \
                not isinstance(values, (bool, np.bool_)):
            try:  # the common pop.V[i] = x, checked without arrays
                if _check_write(self._owner, self._key,
                                float(values)) is None:
                    return
            except OverflowError:
                pass
        try:
            vals = np.asarray(values)
            if vals.dtype == object:
                vals = np.asarray(values, dtype=np.float64)
            if vals.dtype.kind not in "biuf":
                return  # numpy's assignment refuses it, or casts
            vals = np.broadcast_to(vals, np.shape(plain[where]))
        except (TypeError, ValueError, IndexError, OverflowError):
            return  # numpy's assignment raises its own error
        bad = _check_write(self._owner, self._key, vals)
        if bad is None:
            return
        st, msg, k = bad
        index = np.arange(plain.size).reshape(plain.shape)[where]
        neuron = int(np.reshape(index, -1)[k])
        at = neuron if plain.ndim == 1 else tuple(
            int(i) for i in np.unravel_index(neuron, plain.shape))
        # the library's reason without its element index (of `vals`)
        reason = msg.split("; ", 1)[-1] if "; " in msg else \
            msg.split(", ", 1)[-1]
        _lib.check(st, "%s[%s] = %g refused: %s" % (
            self._label, at, float(np.reshape(vals, -1)[k]), reason))

    def __setitem__(self, where, values):
        self._guard(where, values)
        np.ndarray.__setitem__(self, where, values)

    def fill(self, value):
        self._guard(Ellipsis, value)
        np.ndarray.fill(self, value)

    def __array_ufunc__(self, ufunc, method, *inputs, out=None, **kwargs):
        args = [x.view(np.ndarray) if isinstance(x, _StateView) else x
                for x in inputs]
        if out is None:
            return getattr(ufunc, method)(*args, **kwargs)
        plain = tuple(o.view(np.ndarray) if isinstance(o, _StateView) else o
                      for o in out)
        guarded = [isinstance(o, _StateView) and o._fixed and
                   o._key is not None and o.dtype.kind == "f" for o in out]
        if method != "__call__" or not any(guarded):
            getattr(ufunc, method)(*args, out=plain, **kwargs)
        else:  # compute aside, check, then write (pop.input += x)
            # (out's old values matter only with where=)
            tmp = tuple(np.array(p, copy=True) if "where" in kwargs else
                        np.empty_like(p) for p in plain)
            getattr(ufunc, method)(*args, out=tmp, **kwargs)
            for o, t, g in zip(out, tmp, guarded):
                if g:
                    o._guard(Ellipsis, t)
            for p, t in zip(plain, tmp):
                np.copyto(p, t)
        return out[0] if len(out) == 1 else out

    def _refuse(self, what):
        raise AttributeError("the %s of a population's variable is fixed; "
                             "use .view(), .reshape() or .astype() for "
                             "another one" % what)

    @property
    def dtype(self):
        return np.ndarray.dtype.__get__(self)

    @dtype.setter
    def dtype(self, value):
        if self._fixed:
            self._refuse("dtype")
        np.ndarray.dtype.__set__(self, value)

    @property
    def shape(self):
        return np.ndarray.shape.__get__(self)

    @shape.setter
    def shape(self, value):
        if self._fixed:
            self._refuse("shape")
        np.ndarray.shape.__set__(self, value)

    @property
    def strides(self):
        return np.ndarray.strides.__get__(self)

    @strides.setter
    def strides(self, value):
        if self._fixed:
            self._refuse("strides")
        np.ndarray.strides.__set__(self, value)

    def __array_wrap__(self, obj, context=None, return_scalar=False):
        if obj is self:  # pop.V += x keeps the view
            return self
        if isinstance(obj, np.ndarray):
            obj = obj.view(np.ndarray)
            if obj.ndim == 0:
                return obj[()]
        return obj

    def __repr__(self):
        return repr(self.view(np.ndarray))


def _view(var, owner, key=None, label=None):
    """The population's view of a C array; key: the variable whose rule
    guards writes through it (None: unguarded), label: its name in
    messages (default: key)."""
    shape = tuple(var.shape[i] for i in range(var.ndim))
    arr = np.asarray(_Memory(var.data, shape, _lib.DTYPE_NUMPY[var.dtype],
                             owner)).view(_StateView)
    arr._fixed = True
    if key is not None and key in _STATE:
        arr._key = key
        arr._label = label or key
        arr._owner = owner
    return arr


def _parse_size(size):
    """size -> tuple of positive ints (1..4 dims), ValueError otherwise."""
    if isinstance(size, (numbers.Integral, np.integer)) and not isinstance(
            size, (bool, np.bool_)):
        size = (size,)
    if not isinstance(size, (tuple, list)) or len(size) == 0:
        raise ValueError("size must be int, or a tuple/list of int, got %r"
                         % (size,))
    out = []
    for s in size:
        if isinstance(s, (bool, np.bool_)) or not isinstance(
                s, (numbers.Integral, np.integer)):
            raise ValueError("size must be int, or a tuple/list of int, got "
                             "%r" % (size,))
        if not 0 < int(s) < 2 ** 62:
            raise ValueError("size must be > 0 in every dimension, got %r"
                             % (size,))
        out.append(int(s))
    if len(out) > _lib.MAX_DIM:
        raise ValueError("size may have at most %d dimensions, got %r"
                         % (_lib.MAX_DIM, tuple(out)))
    return tuple(out)


class _InitSpec:
    """A parameter or initializer converted for C: a scalar, or an adex_init
    (with the memory of an array kept alive)."""

    def __init__(self, scalar=None, init=None, keep=None):
        self.scalar = scalar
        self.init = init
        self.keep = keep


def _as_array(value, what):
    return _numeric(value, what)


def _convert(value, what, size, num, scalar_ok=True):
    """BrainPy's init_param: a number, an array of shape (), (1,), size or
    (num,), an adex.init initializer, or a callable f(shape) -> array."""
    if isinstance(value, Initializer):
        return _InitSpec(init=value._c_init())
    if callable(value) and not isinstance(value, np.ndarray):
        value = value(size)
    if _is_number(value) and not isinstance(value, np.ndarray):
        v = float(value)
        if scalar_ok:
            return _InitSpec(scalar=v)
        arr = np.full(num, v)
    else:
        arr = _as_array(value, what)
        if arr.shape in ((), (1,)):
            v = float(arr.reshape(()))
            if scalar_ok:
                return _InitSpec(scalar=v)
            arr = np.full(num, v)
        elif arr.shape != size and arr.shape != (num,):
            shapes = ["()", "(1,)", str(size)]
            if (num,) != size:
                shapes.append("(%d,)" % num)
            raise ValueError("The shape of %s should be %s or %s, but we "
                             "got %s" % (what, ", ".join(shapes[:-1]),
                                         shapes[-1], arr.shape))
    arr = np.ascontiguousarray(arr, dtype=np.float64).reshape(num)
    init = _lib.Init(kind=_lib.INIT_ARRAY, array=_dptr(arr), len=num)
    return _InitSpec(init=init, keep=arr)


def _dtype_of(dtype):
    if dtype is None:
        return None
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise ValueError("dtype must be 'float64' or 'float32', got %r"
                         % (dtype,))
    if dt == np.float64:
        return _lib.DTYPE_F64
    if dt == np.float32:
        return _lib.DTYPE_F32
    raise ValueError("dtype must be 'float64' or 'float32', got %r"
                     % (dtype,))


class AdExIF(Base):
    r"""Adaptive exponential integrate-and-fire neurons (BrainPy's
    ``brainpy.dyn.AdExIF``), simulated by libadex.

    .. math::

        \tau \frac{dV}{dt} = -(V - V_{rest}) + \Delta_T
            e^{(V - V_T)/\Delta_T} - R w + R I(t), \qquad
        \tau_w \frac{dw}{dt} = a (V - V_{rest}) - w

    and when :math:`V \ge V_{th}`: :math:`V \to V_{reset}`,
    :math:`w \to w + b`.

    Parameters (BrainPy's, in its order; units mV, ms, R*I in mV). Each
    model parameter is a number, an array of shape ``size`` or ``(num,)``
    (one value per neuron), an ``adex.init`` initializer, or a callable
    ``f(shape) -> array``:

    size : int or tuple of int (at most 4 dimensions)
    V_rest=-65.0, V_reset=-68.0, V_th=-30.0, V_T=-59.9, delta_T=3.48,
    a=1.0, b=1.0, tau=10.0, tau_w=30.0, R=1.0
    V_initializer, w_initializer : initializer, array or number
        [``adex.init.ZeroInit()``]. With V = 0 mV > V_th every neuron spikes
        in the first update (as in BrainPy); pass e.g.
        ``adex.init.Constant(-65.)`` to start at rest.
    method : str ['exp_auto'] BrainPy's method names (``exp_auto`` and its
        aliases, ``euler``, ``rk2``, ``rk4``, ``rkf45``, ...); an unknown
        name raises ``UnknownMethodError`` (a ValueError) listing them all.
    keep_size : bool [False] variables have shape ``size`` (True) or
        ``(num,)``.
    name : str or None: unique identifier; None gives ``AdExIF0``, ...

    Keyword-only, beyond BrainPy (docs/semantics.md section 5; all implemented by the
    library, none raises NotImplementedError):

    adaptive : bool [False] per-neuron sub-steps with error control inside
        each dt; needs an embedded method (rkf12, rkf45, rkdp, ck, bs,
        heun_euler).
    tol : float [1e-6] absolute and relative tolerance of ``adaptive``.
    precise_spikes : bool [False] locate each threshold crossing inside the
        step; ``t_last_spike`` then holds the crossing time.
    tau_ref : float or None [None] refractory period (ms): while
        ``t - t_last_spike <= tau_ref`` V is held, w integrates.
    noise : float or None [None] sigma of white noise on V (mV/sqrt(ms)).
    noise_seed : int [0] seed of the noise stream.
    spk_reset : 'hard' or 'soft' ['hard'] V = V_reset, or V -= V_th - V_reset.
    dtype : 'float64' or 'float32' ['float64'] element type of V, w,
        input and t_last_spike (their views are then float32 arrays on the
        C memory). float32 runs the fixed-step update only (tau_ref and
        the soft reset included): with adaptive, precise_spikes or noise
        it raises InvalidValueError (a ValueError). Delays of a float32 variable
        store float64 and give back float32.
    threads : int or None [None: the library's default, 1] OpenMP threads
        an update may use (0: OpenMP's default); results are identical.
    kernel : str or None [None: 'auto'] implementation of the method
        ('auto', 'scalar', 'avx2', 'avx512'), where the library has them.

    Attributes ``V``, ``w``, ``input``, ``spike``, ``t_last_spike``,
    ``refractory`` are numpy arrays that share memory with the C state:
    writes go straight to the model, ``pop.V = x`` copies x in place
    (a scalar is broadcast; another shape raises ValueError). Values
    written either way follow the library's rule (V and w finite within
    +-1e12, input and t_last_spike finite, bools 0/1): RangeError
    otherwise, with nothing written. A view's dtype and shape are fixed.

    Beyond BrainPy (which has no drive): ``drive``, a constant input
    current per neuron like NEST's ``I_e``, added to ``input`` by every
    update (I = input + drive) so that a constant current need not be
    written into ``input`` before each step. Reading it gives a zero-copy
    view (shape ``varshape``, the population's dtype; the first access
    allocates zeros); ``pop.drive = x`` copies x (a number or an array
    broadcastable to that shape; finite, and within the float32 range for
    float32). It is not state: ``reset()``, ``save_states`` and
    ``load_states`` leave it alone and ``vars()`` does not list it.
    """

    def __init__(self, size, V_rest=-65.0, V_reset=-68.0, V_th=-30.0,
                 V_T=-59.9, delta_T=3.48, a=1.0, b=1.0, tau=10.0,
                 tau_w=30.0, R=1.0, V_initializer=ZeroInit(),
                 w_initializer=ZeroInit(), method="exp_auto",
                 keep_size=False, name=None, *, adaptive=False, tol=1e-6,
                 precise_spikes=False, tau_ref=None, noise=None,
                 noise_seed=0, spk_reset="hard", dtype="float64",
                 threads=None, kernel=None):
        self._handle = None
        self._closed = True
        self._drive = None  # the view of the drive, once enabled
        super().__init__()
        size = _parse_size(size)
        num = int(np.prod(size))
        keep_size = _flag(keep_size, "keep_size")
        if not isinstance(method, str):
            raise ValueError("method must be a str, got %r" % (method,))
        if name is not None:
            check_name(name)
            if name_in_use(name):
                raise UniqueNameError(
                    'In BrainPy/adex, each object should have a unique name. '
                    'However, we detect that the name "%s" is used by '
                    'another live object.' % name)

        cfg = _lib.new_config(num)
        cfg.ndim = len(size)
        for i, s in enumerate(size):
            cfg.shape[i] = s
        cfg.keep_size = keep_size
        keep = []
        given = locals()
        values = {n: given[n] for n in _lib.PARAM_NAMES}
        inits = []
        for pid, pname in enumerate(_lib.PARAM_NAMES):
            spec = _convert(values[pname], pname, size, num)
            if spec.scalar is not None:
                setattr(cfg.params, pname, spec.scalar)
            else:
                inits.append(spec.init)
                keep.append(spec.keep)
                cfg.param_init[pid] = ctypes.pointer(spec.init)
        for field, value, what in (("V_init", V_initializer, "V_initializer"),
                                   ("w_init", w_initializer,
                                    "w_initializer")):
            spec = _convert(value, what, size, num, scalar_ok=False)
            setattr(cfg, field, spec.init)
            keep.append(spec.keep)
        method_b = method.encode("utf-8", "replace")
        cfg.method = method_b
        name_b = name.encode("ascii") if name is not None else None
        cfg.name = name_b

        cfg.adaptive = _flag(adaptive, "adaptive")
        cfg.tol = _real(tol, "tol")
        cfg.precise_spikes = _flag(precise_spikes, "precise_spikes")
        cfg.tau_ref = 0.0 if tau_ref is None else _real(tau_ref, "tau_ref")
        cfg.noise = 0.0 if noise is None else _real(noise, "noise")
        if isinstance(noise_seed, (bool, np.bool_)) or not isinstance(
                noise_seed, (numbers.Integral, np.integer)) or not (
                0 <= int(noise_seed) < 2 ** 64):
            raise ValueError("noise_seed must be an integer in [0, 2**64), "
                             "got %r" % (noise_seed,))
        cfg.noise_seed = int(noise_seed)
        if spk_reset not in ("hard", "soft"):
            raise ValueError("spk_reset must be 'hard' or 'soft', got %r"
                             % (spk_reset,))
        cfg.spk_reset = (_lib.SPK_RESET_HARD if spk_reset == "hard"
                         else _lib.SPK_RESET_SOFT)
        dt_code = _dtype_of(dtype)
        if dt_code is None:
            raise ValueError("dtype must be 'float64' or 'float32', got None")
        cfg.dtype = dt_code
        if threads is not None:
            if isinstance(threads, (bool, np.bool_)) or not isinstance(
                    threads, (numbers.Integral, np.integer)) or not (
                    0 <= int(threads) <= 4096):
                raise ValueError("threads must be an int >= 0 (0: OpenMP's "
                                 "default), got %r" % (threads,))
            cfg.threads = int(threads)
        if kernel is not None:
            if not isinstance(kernel, str):
                raise ValueError("kernel must be a str, got %r" % (kernel,))
            if not _lib.has("adex_kernel_find"):
                raise NotImplementedError("this libadex has no kernels")
            k = ctypes.c_int()
            st = _L.adex_kernel_find(kernel.encode("utf-8", "replace"),
                                     ctypes.byref(k))
            if st != _lib.OK:
                raise ValueError(_lib.errmsg())
            cfg.kernel = k.value

        ptr = ctypes.c_void_p()
        st = _L.adex_pop_create(ctypes.byref(cfg._buffer), ctypes.byref(ptr))
        if st != _lib.OK:
            msg = _lib.errmsg()
            key, _, reason = _lib.errparts()
            if st == _lib.EINVAL and dt_code != _lib.DTYPE_F64 and \
                    key == "dtype" and reason.startswith("must be"):
                # a library that does not know float32 state
                raise NotSupportedError(
                    "dtype=%r is not offered by this libadex (%s)"
                    % (dtype, msg))
            _lib.check(st)
        del inits, keep  # copied by adex_pop_create
        self._handle = _Handle(ptr.value)
        self._closed = False
        h = self._handle.ptr

        self._size = size
        self._num = num
        self._keep_size = keep_size
        self._name = _L.adex_pop_name(h).decode()
        self._method = _L.adex_method_name(_L.adex_pop_method(h)).decode()
        self._options = dict(adaptive=cfg.adaptive, tol=cfg.tol,
                             precise_spikes=cfg.precise_spikes,
                             tau_ref=cfg.tau_ref, noise=cfg.noise,
                             noise_seed=cfg.noise_seed, spk_reset=spk_reset,
                             dtype=np.dtype(_lib.DTYPE_NUMPY[dt_code]).name)
        self._per_neuron_params = any(
            _L.adex_pop_param_is_array(h, i) for i in range(_lib.NPARAMS))
        self._views = {}
        self._refresh_views()
        self.integral = ODEIntegrator(
            _L.adex_pop_integrator_name(h).decode(), self._method, self)
        self._t = 0.0  # where the last adex.run ended (ms)
        # the count of non-finite values met (_warn_nonfinite), read into
        # this after each update
        self._nf_count = ctypes.c_ulonglong(0)
        self._nf_ref = ctypes.byref(self._nf_count)

    # ------------------------------------------------------------ lifecycle

    def _h(self):
        """The C handle; ClosedError after close()."""
        if self._closed:
            raise ClosedError("this AdExIF (%s) is closed"
                              % getattr(self, "_name", "?"))
        return self._handle.ptr

    @contextlib.contextmanager
    def _use(self):
        """Hold the handle (so that it cannot be destroyed) and its lock for
        the duration of a C call; yields the C pointer."""
        handle = self._handle
        if self._closed or handle is None:
            self._h()
        with handle.lock:
            if not handle.ptr:
                raise ClosedError("this AdExIF is closed")
            yield handle.ptr

    def _fail(self, st):
        """Raise for a status of a call on this population."""
        _lib.check(st)

    def close(self):
        """Release the population. Its C memory is freed once no numpy view
        of its state is left; every later call on this object raises
        ClosedError. Calling close() again does nothing."""
        if self._closed:
            return
        self._closed = True
        handle, self._handle = self._handle, None
        self._views = {}
        self._drive = None
        self.implicit_vars = type(self.implicit_vars)()
        del handle  # the C memory goes when the last view does

    @property
    def closed(self):
        """Whether close() was called."""
        return self._closed

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _no_copy(self, *args):
        raise TypeError(
            "an AdExIF cannot be copied or pickled: it owns C state under a "
            "unique name, and a copy would either share that state or break "
            "the name's uniqueness. Build another AdExIF and move the state "
            "with save_states / load_states (keys carry the name: give the "
            "new one the same name after closing this one).")

    __copy__ = __deepcopy__ = __reduce__ = __reduce_ex__ = _no_copy
    __getstate__ = _no_copy

    def __repr__(self):
        state = "closed" if self._closed else "%d neurons" % self._num
        return "AdExIF(name=%r, size=%r, method=%r, %s)" % (
            getattr(self, "_name", None), getattr(self, "_size", None),
            getattr(self, "_method", None), state)

    # ------------------------------------------------------------ shape

    @property
    def size(self):
        """The shape given at construction (a tuple)."""
        return self._size

    @property
    def num(self):
        """Number of neurons (product of size)."""
        return self._num

    @property
    def keep_size(self):
        return self._keep_size

    @property
    def varshape(self):
        """Shape of every state variable: size if keep_size, else (num,)."""
        return self._size if self._keep_size else (self._num,)

    @property
    def method(self):
        """Canonical name of the integration method ('exp_auto' for any of
        its aliases)."""
        return self._method

    @property
    def options(self):
        """The options beyond BrainPy, as set (a new dict)."""
        return dict(self._options)

    # ------------------------------------------------------------ parameters

    def _param(self, pid):
        out = np.empty(self._num)
        with self._use() as h:
            self._fail(_L.adex_pop_param(h, pid, _dptr(out)))
            per = _L.adex_pop_param_is_array(h, pid)
        if not per:
            return float(out[0])
        out = out.reshape(self.varshape)
        out.flags.writeable = False
        return out

    def _param_property(pid, doc):
        def get(self):
            return self._param(pid)
        return property(get, doc=doc + " (fixed at construction: a float, "
                        "or a read-only array of one value per neuron)")

    # one read-only property per parameter, from the library's list
    for _pid, _pname in enumerate(_lib.PARAM_NAMES):
        _unit = _lib.PARAM_UNITS[_pid]
        locals()[_pname] = _param_property(
            _pid, _lib.PARAM_DOCS[_pid].capitalize()
            + ("" if _unit == "1" else ", " + _unit))
    del _param_property, _pid, _pname, _unit

    # ------------------------------------------------------------ state

    def _refresh_views(self):
        """Rebuild the views of the C variable table (after a registration)."""
        views = {}
        with self._use() as h:
            for i in range(_L.adex_pop_var_count(h)):
                var = _lib.Var()
                self._fail(_L.adex_pop_var_at(h, i, ctypes.byref(var)))
                key = var.name.decode()
                old = self._views.get(key)
                if old is not None and old.__array_interface__["data"][0] \
                        == var.data:
                    views[key] = old
                else:
                    views[key] = _view(var, self._handle, key)
        self._views = views

    def _get(self, key):
        self._h()
        return self._views[key]

    @staticmethod
    def _checked(key, value, shape, dtype, broadcast=False):
        """value as an array fit to be copied into variable `key` of `shape`
        and `dtype`: numbers, a scalar or that shape (or, with broadcast,
        any shape numpy broadcasts to it), finite (0/1 for bool), within
        the float32 range for float32. ValueError otherwise."""
        arr = _numeric(value, key)
        if broadcast:
            try:
                ok = np.broadcast_shapes(arr.shape, shape) == shape
            except ValueError:
                ok = False
            if not ok:
                raise ValueError("%s has shape %s; cannot assign an array of "
                                 "shape %s (give a scalar or a shape that "
                                 "broadcasts to it)" % (key, shape, arr.shape))
        elif arr.shape != () and arr.shape != shape:
            raise ValueError("%s has shape %s; cannot assign an array of "
                             "shape %s (give a scalar or that shape)"
                             % (key, shape, arr.shape))
        if dtype == np.bool_:
            if arr.dtype.kind != "b" and not np.all((arr == 0) | (arr == 1)):
                raise ValueError("%s is boolean; values must be 0/1 or "
                                 "True/False" % key)
            arr = arr.astype(bool)
        elif not np.all(np.isfinite(arr)):
            raise ValueError("%s must be finite (no NaN or inf)" % key)
        elif dtype == np.float32 and arr.dtype.kind in "iuf" and \
                arr.size and np.any(np.abs(arr) >
                                    float(np.finfo(np.float32).max)):
            raise ValueError("%s is float32; values must be within "
                             "+-%g" % (key, np.finfo(np.float32).max))
        return arr

    def _set(self, key, value):
        """pop.<key> = value: the shape checked here, the values by the
        library's rule for the variable (adex_pop_check_values), the same
        rule as state files."""
        self._h()
        view = self._views[key]
        if isinstance(value, np.ndarray) and _same_memory(value, view):
            return  # pop.V += x: written in place already
        arr = _numeric(value, key)
        if arr.shape != () and arr.shape != view.shape:
            raise ValueError("%s has shape %s; cannot assign an array of "
                             "shape %s (give a scalar or that shape)"
                             % (key, view.shape, arr.shape))
        flat = np.ascontiguousarray(arr, dtype=np.float64).reshape(-1)
        with self._use() as h:
            self._fail(_L.adex_pop_check_values(h, key.encode(), _dptr(flat),
                                                flat.size, None))
            np.copyto(view, arr, casting="unsafe")

    def _state_property(key, doc):
        return property(lambda self: self._get(key),
                        lambda self, v: self._set(key, v), doc=doc)

    V = _state_property("V", "Membrane potential (mV): a view of C memory")
    w = _state_property("w", "Adaptation current: a view of C memory")
    input = _state_property("input", "External and synaptic input, "
                            "consumed (zeroed) by each update: a view")
    spike = _state_property("spike", "Whether each neuron spiked in the "
                            "last update (bool): a view")
    t_last_spike = _state_property("t_last_spike", "Time of the last spike "
                                   "(ms), -1e7 before any: a view")
    refractory = _state_property("refractory", "In the refractory period "
                                 "(bool; only with tau_ref): a view")
    del _state_property

    def _own_vars(self):
        self._h()
        return list(self._views.items())

    # ------------------------------------------------------------ drive

    def _drive_view(self):
        """The view of the drive, allocated (zeros) by the library on first
        use. Not in the variable table: not state, not in vars()."""
        with self._use() as h:
            if self._drive is not None:
                return self._drive
            if not _lib.has("adex_pop_enable_drive"):
                raise NotSupportedError("this libadex has no drive "
                                        "(adex_pop_enable_drive)")
            self._fail(_L.adex_pop_enable_drive(h))
            f32 = self._options["dtype"] == "float32"
            addr = (_L.adex_pop_drive_f32(h) if f32 else _L.adex_pop_drive(h))
            if not addr:  # the library allocated another dtype's array
                raise NotSupportedError("libadex gave no %s drive"
                                        % self._options["dtype"])
            var = _lib.Var(name=b"drive", ndim=len(self.varshape),
                           dtype=_lib.DTYPE_F32 if f32 else _lib.DTYPE_F64,
                           data=addr)
            for i, s in enumerate(self.varshape):
                var.shape[i] = s
            # guarded by input's rule: a current, finite in its dtype
            self._drive = _view(var, self._handle, "input", "drive")
            return self._drive

    @property
    def drive(self):
        """Constant input current per neuron (NEST's I_e), added to input
        by every update: I = input + drive. A view of C memory (varshape,
        the population's dtype), allocated as zeros on first access. Not
        state: reset(), save_states and load_states leave it alone, and it
        is not in vars(). ``pop.drive = x`` copies x (a number or an array
        broadcastable to varshape; finite)."""
        return self._drive_view()

    @drive.setter
    def drive(self, value):
        self._h()
        if isinstance(value, np.ndarray) and self._drive is not None and \
                _same_memory(value, self._drive):
            return  # pop.drive += x: already written through the view
        arr = self._checked("drive", value, self.varshape,
                            np.dtype(self._options["dtype"]), broadcast=True)
        view = self._drive_view()
        with self._use():
            np.copyto(view, arr, casting="unsafe")

    # ------------------------------------------------------------ dynamics

    def update(self, t, dt):
        """Advance every neuron from t to t+dt (ms): integrate V and w with
        I = input + drive, spike where V >= V_th (V = V_reset, w += b,
        t_last_spike = t), then zero input. The state afterwards belongs to
        t+dt. A NaN or inf met in V, w, input or drive (written past the
        checked views) becomes a spike with w clamped, and a RuntimeWarning
        names the first neuron, variable and time."""
        t = _real(t, "t")
        dt = _real(dt, "dt")
        with self._use() as h:
            self._fail(_L.adex_pop_update(h, t, dt))
            _L.adex_pop_nonfinite(h, self._nf_ref, None, None, None)
        if self._nf_count.value:
            self._warn_nonfinite(stacklevel=3)

    def _warn_nonfinite(self, stacklevel=2):
        """Issue a RuntimeWarning if updates met NaN or inf in V, w, input
        or drive since the last one (adex_pop_nonfinite): how many, and the
        first by neuron, variable and time; then forget them."""
        n = ctypes.c_ulonglong(0)
        first = ctypes.c_size_t(0)
        var = ctypes.c_char_p()
        t = ctypes.c_double(0.0)
        with self._use() as h:
            _L.adex_pop_nonfinite(h, ctypes.byref(n), ctypes.byref(first),
                                  ctypes.byref(var), ctypes.byref(t))
            _L.adex_pop_nonfinite_clear(h)
        if n.value == 0:
            return
        warnings.warn(
            "%s: %d non-finite value%s (NaN or inf) met in V, w, input or "
            "drive, the first in neuron %d's %s at t = %g ms; each became "
            "a spike with w clamped to +-1e100 (docs/numerics.md, Guards)"
            % (self._name, n.value, "" if n.value == 1 else "s",
               first.value, var.value.decode(), t.value),
            RuntimeWarning, stacklevel=stacklevel)

    def __call__(self, *args, **kwargs):
        """Shortcut for update (BrainPy's DynamicalSystem.__call__)."""
        return self.update(*args, **kwargs)

    def reset(self):
        """Re-evaluate the V and w initializers, zero input and spike, set
        t_last_spike to -1e7 (delays and the drive are left alone)."""
        with self._use() as h:
            self._fail(_L.adex_pop_reset(h))

    def _rhs_args(self, arrays):
        """Broadcast the arrays (to the population's shape when a parameter
        is per-neuron) as contiguous float64."""
        conv = []
        for what, x in arrays:
            arr = _as_array(x, what)
            conv.append(arr)
        per = self._per_neuron_params
        try:
            shape = np.broadcast_shapes(*[a.shape for a in conv])
            if per:
                full = np.broadcast_shapes(shape, self.varshape)
                if full != self.varshape:
                    raise ValueError("")
                shape = full
        except ValueError:
            raise ValueError(
                "arguments of shapes %s do not broadcast%s"
                % ([a.shape for a in conv],
                   " to the population's shape %s (its parameters are per "
                   "neuron)" % (self.varshape,) if per else ""))
        out = [np.ascontiguousarray(np.broadcast_to(a, shape),
                                    dtype=np.float64).reshape(-1)
               for a in conv]
        return out, shape

    def dV(self, V, t, w, I_ext):
        """dV/dt (mV/ms) at V, w, I_ext (numbers or arrays, broadcast):
        ``(-(V - V_rest) + delta_T exp((V - V_T)/delta_T) - R w + R I_ext)
        / tau``. t is unused (the model is autonomous)."""
        _real(t, "t")
        (v, ww, i), shape = self._rhs_args([("V", V), ("w", w),
                                            ("I_ext", I_ext)])
        out = np.empty(v.size)
        if v.size:
            with self._use() as h:
                self._fail(_L.adex_pop_dV(h, _dptr(v), float(t),
                                          _dptr(ww), _dptr(i), _dptr(out),
                                          v.size))
        out = out.reshape(shape)
        return float(out) if shape == () else out

    def dw(self, w, t, V):
        """dw/dt at w, V (numbers or arrays, broadcast):
        ``(a (V - V_rest) - w) / tau_w``. t is unused."""
        _real(t, "t")
        (ww, v), shape = self._rhs_args([("w", w), ("V", V)])
        out = np.empty(v.size)
        if v.size:
            with self._use() as h:
                self._fail(_L.adex_pop_dw(h, _dptr(ww), float(t),
                                          _dptr(v), _dptr(out), v.size))
        out = out.reshape(shape)
        return float(out) if shape == () else out

    @property
    def derivative(self):
        """The joint right-hand side, BrainPy's ``JointEq([dV, dw])``:
        ``derivative(V, w, t, I_ext) -> (dV/dt, dw/dt)``; ``.eqs`` is
        ``(self.dV, self.dw)``."""
        return JointEq(self.dV, self.dw)

    @property
    def steps(self):
        """BrainPy's ``steps``: the update functions of this node by name,
        here ``{'update': self.update}`` (one step function, run in C)."""
        return {"update": self.update}

    def _child_nodes(self):
        return [("integral", self.integral)]

    def last_spike_events(self):
        """The spikes of the last update as two arrays (neuron index, time
        in ms): the step's start t, or with precise_spikes the crossing
        time; several per neuron are possible in adaptive/precise mode."""
        ev = ctypes.c_void_p()
        n = ctypes.c_size_t()
        with self._use() as h:
            self._fail(_L.adex_pop_spike_events(h, ctypes.byref(ev),
                                                ctypes.byref(n)))
            if n.value == 0:
                return np.zeros(0, dtype=np.intp), np.zeros(0)
            rec = np.dtype([("neuron", np.uintp), ("t", np.float64)])
            buf = (ctypes.c_char * (n.value * rec.itemsize)).from_address(
                ev.value)
            arr = np.frombuffer(buf, dtype=rec).copy()
        return arr["neuron"].astype(np.intp), arr["t"]

    # ------------------------------------------------------------ variables

    def register_implicit_vars(self, *variables, **named_variables):
        """Register extra variables (dicts name -> array, or keywords).
        A C-contiguous float64, float32 or bool array of ``num`` elements
        is shared with the library: it appears in vars(), is monitored by
        adex.run and saved with save_states. Other arrays are kept in
        Python only (vars() lists them; they are not saved)."""
        super().register_implicit_vars(*variables, **named_variables)

    def _add_var(self, key, value):
        self._h()
        shareable = (value.size == self._num and value.flags.c_contiguous and
                     value.flags.writeable and
                     value.dtype in (np.float64, np.float32, np.bool_) and
                     value.dtype.isnative)
        if not shareable:
            super()._add_var(key, value)
            return
        check_name(key)
        code = {np.dtype(np.float64): _lib.DTYPE_F64,
                np.dtype(np.float32): _lib.DTYPE_F32,
                np.dtype(np.bool_): _lib.DTYPE_BOOL}[value.dtype]
        with self._use() as h:
            self._fail(_L.adex_pop_register_var(h, key.encode(), code,
                                                value.ctypes.data))
            self._handle.keep.append(value)
        self._refresh_views()

    # ------------------------------------------------------------ delays

    @property
    def global_delay_vars(self):
        """The process-wide registry of delays (a dict-like view; see
        adex.global_delay_vars). This population's own delays are
        ``local_delay_vars``."""
        return global_delay_vars

    @property
    def local_delay_vars(self):
        """This population's delays: name -> info dict (target, max_delay,
        steps)."""
        out = {}
        with self._use() as h:
            for i in range(_L.adex_pop_delay_count(h)):
                info = _lib.PopDelayInfo()
                self._fail(_L.adex_pop_delay_at(h, i, ctypes.byref(info)))
                steps = None
                if info.steps:
                    steps = np.ctypeslib.as_array(
                        info.steps, (self._num,)).astype(np.intp)
                out[info.name.decode()] = {
                    "target": info.target.decode(),
                    "max_delay": int(info.max_delay), "steps": steps}
        return out

    def _target_name(self, delay_target):
        """A variable of this object given as its view or its name."""
        if isinstance(delay_target, str):
            var = _lib.Var()
            with self._use() as h:
                self._fail(_L.adex_pop_var_find(
                    h, delay_target.encode("utf-8", "replace"),
                    ctypes.byref(var)))
            return var.name.decode()
        if isinstance(delay_target, np.ndarray):
            addr = delay_target.__array_interface__["data"][0]
            for key, view in self._views.items():
                if (view.__array_interface__["data"][0] == addr and
                        delay_target.shape == view.shape and
                        delay_target.dtype == view.dtype and
                        delay_target.strides == view.strides):
                    return key
        raise ValueError('"delay_target" must be a variable of this object '
                         '(e.g. pop.V or pop.spike) or its name, but we got '
                         '%s' % type(delay_target))

    def _steps_array(self, delay_step, what="delay_step"):
        """An integer array of per-neuron delay steps (num values)."""
        if isinstance(delay_step, Initializer) or (
                callable(delay_step) and
                not isinstance(delay_step, np.ndarray)):
            delay_step = delay_step(self.varshape)
        arr = np.asarray(delay_step)
        if arr.dtype.kind == "f":
            if not np.all(np.isfinite(arr)) or np.any(arr != np.round(arr)):
                raise ValueError('"%s" must be integer typed. But we got %s'
                                 % (what, arr.dtype))
        elif arr.dtype.kind not in "iu":
            raise ValueError('"%s" must be integer typed. But we got %s'
                             % (what, arr.dtype))
        if arr.size != self._num:
            raise ValueError("Heterogeneous delay must have a length of the "
                             "delay target %s, while we got %s"
                             % (self.varshape, arr.shape))
        if np.any(arr < 0):
            raise ValueError('"%s" must be >= 0' % what)
        return np.ascontiguousarray(arr.reshape(-1), dtype=np.uintp)

    @staticmethod
    def _int_step(delay_step, what="delay_step"):
        if isinstance(delay_step, (bool, np.bool_)):
            raise ValueError('"%s" must be an integer, got %r'
                             % (what, delay_step))
        if isinstance(delay_step, (numbers.Integral, np.integer)) or (
                isinstance(delay_step, np.ndarray) and delay_step.ndim == 0
                and delay_step.dtype.kind in "iu"):
            v = int(delay_step)
            if v < 0:
                raise ValueError('"%s" must be >= 0, got %d' % (what, v))
            if v >= 2 ** 62:
                raise ValueError('"%s" is too large: %d' % (what, v))
            return v
        return None

    def register_delay(self, name, delay_step, delay_target,
                       initial_delay_data=None):
        """Register a delay of a variable (BrainPy's ``register_delay``).

        name: the delay's name. delay_step: None (nothing registered), an
        int (steps), or an integer array of one delay per neuron (or an
        initializer/callable giving one). delay_target: a variable of this
        object, as its view (``pop.V``) or its name ('V', 'spike').
        initial_delay_data: None (zeros), a number, an array of num values,
        or an array of shape (max_delay, num) whose row j is age j+1;
        right after registration age 0 holds the target's current value.
        Registering a name again keeps the larger maximum and the history.
        Returns delay_step, as BrainPy."""
        if not isinstance(name, str):
            raise ValueError("name must be a str, got %r" % (name,))
        self._h()
        target = self._target_name(delay_target)
        if delay_step is None:
            return None
        per = None
        max_delay = self._int_step(delay_step)
        if max_delay is None:
            if isinstance(delay_step, (list, tuple, np.ndarray)) or callable(
                    delay_step):
                per = self._steps_array(delay_step)
                max_delay = 0
            else:
                raise ValueError(
                    'Unknown "delay_steps" type %s, only support integer, '
                    'array of integers, callable function, '
                    'adex.init.Initializer.' % type(delay_step))
        full_max = max_delay if per is None else int(per.max())
        rows = None  # an initial history of several distinct rows
        init_row = None
        if initial_delay_data is not None:
            if callable(initial_delay_data) and not isinstance(
                    initial_delay_data, np.ndarray):
                initial_delay_data = initial_delay_data(
                    (full_max,) + tuple(self.varshape))
            arr = _as_array(initial_delay_data, "initial_delay_data")
            if not np.all(np.isfinite(arr)):
                raise ValueError("initial_delay_data must be finite")
            if arr.shape == () or arr.size == self._num and arr.shape in (
                    (self._num,), tuple(self.varshape)):
                init_row = np.ascontiguousarray(
                    np.broadcast_to(arr.reshape(-1) if arr.shape else arr,
                                    (self._num,)), dtype=np.float64)
            else:
                try:
                    rows = np.ascontiguousarray(np.broadcast_to(
                        arr.reshape(arr.shape[0], -1) if arr.ndim > 1 and
                        arr.size == full_max * self._num else arr,
                        (full_max, self._num)), dtype=np.float64)
                except ValueError:
                    raise ValueError(
                        "initial_delay_data must be a number, an array of "
                        "%d values or of shape (%d, %d), got shape %s"
                        % (self._num, full_max, self._num, arr.shape))
        nb = name.encode("utf-8", "replace")
        with self._use() as h:
            old = _L.adex_pop_delay(h, nb)
            lo = _L.adex_delay_max(old) + 1 if old else 1  # first new age
            st = _L.adex_pop_register_delay(
                h, nb, max_delay,
                per.ctypes.data_as(_c_size_p) if per is not None else None,
                target.encode(),
                _dptr(init_row) if init_row is not None else None)
            self._fail(st)
            if rows is not None and full_max >= lo:
                d = _L.adex_pop_delay(h, nb)
                hist = np.empty((full_max + 1, self._num))
                self._fail(_L.adex_delay_export(d, _dptr(hist)))
                hist[lo:] = rows[lo - 1:]
                self._fail(_L.adex_delay_import(d, _dptr(hist)))
        return delay_step

    @staticmethod
    def _delay_handle(h, name):
        """The C delay of `name` (KeyError listing the registered ones)."""
        if not isinstance(name, str):
            raise KeyError(name)
        d = _L.adex_pop_delay(h, name.encode("utf-8", "replace"))
        if not d:
            _lib.check(_lib.EKEY)
        return d

    def _delay_dtype(self, name):
        """dtype of delay `name`'s target (float64 when unknown): the
        buffer stores float64, get_delay_data gives the target's dtype."""
        info = self.local_delay_vars.get(name)
        if info is None or info["target"] not in self._views:
            return np.dtype(np.float64)
        return self._views[info["target"]].dtype

    def get_delay_data(self, name, delay_step, *indices):
        """The delayed data (BrainPy's ``get_delay_data``): with an int,
        the value pushed `delay_step` updates ago (0: the newest), indexed
        by `indices` when given; with an array of steps, element i of
        neuron i at age delay_step[i] (or the history indexed by
        ``[delay_step, *indices]``). A new array in the target's dtype
        (a bool target gives bool, a float32 one float32).
        Unknown name: KeyError; a step above the maximum: ValueError."""
        with self._use() as h:
            d = self._delay_handle(h, name)
            max_delay = _L.adex_delay_max(d)
            out_dtype = self._delay_dtype(name)
            if delay_step is None:
                delay_step = 0
            k = self._int_step(delay_step)
            if k is None and np.ndim(delay_step) == 0 and not (
                    isinstance(delay_step, Initializer) or callable(
                        delay_step)):
                raise ValueError('"delay_step" must be an integer or an '
                                 'array of integers, got %r' % (delay_step,))
            if k is not None:
                out = np.empty(self._num)
                self._fail(_L.adex_pop_get_delay_data(
                    h, name.encode("utf-8", "replace"), k, _dptr(out)))
                out = out.reshape(self.varshape)
                if indices:
                    out = out[indices]
            else:
                if indices:
                    steps = np.asarray(delay_step)
                    if steps.dtype.kind not in "iu":
                        raise ValueError('"delay_step" must be integer typed.'
                                         ' But we got %s' % steps.dtype)
                else:
                    steps = self._steps_array(delay_step)
                if np.any(steps < 0) or np.any(steps > max_delay):
                    bad = steps[(steps < 0) | (steps > max_delay)].flat[0]
                    raise ValueError("delay step %d of delay '%s' is outside "
                                     "0..%d" % (bad, name, max_delay))
                hist = np.empty((max_delay + 1, self._num))
                self._fail(_L.adex_delay_export(d, _dptr(hist)))
                if indices:
                    hist = hist.reshape((max_delay + 1,) + self.varshape)
                    out = hist[(steps.astype(np.intp),) + indices]
                else:
                    out = hist[steps.astype(np.intp),
                               np.arange(self._num)].reshape(self.varshape)
        return out if out_dtype == np.float64 else out.astype(out_dtype)

    def _state_shaped(self, value, what):
        """value as an array that may be written into a variable: a number
        or the variables' shape (varshape), as ``pop.V = value`` takes;
        ValueError otherwise (a transposed array is not reinterpreted)."""
        arr = _numeric(value, what)
        if arr.shape != () and arr.shape != tuple(self.varshape):
            raise ValueError("%s must be a number or of shape %s (the "
                             "variables' shape), got shape %s"
                             % (what, tuple(self.varshape), arr.shape))
        return arr

    def update_delay(self, name, delay_data=None):
        """Push `delay_data` (a number or an array of shape varshape, as
        ``pop.V = x`` takes; None: the target's current value) as the
        newest entry of delay `name`."""
        with self._use() as h:
            self._delay_handle(h, name)
            ptr = None
            if delay_data is not None:
                arr = self._state_shaped(delay_data, "delay_data")
                if not np.all(np.isfinite(arr)):
                    raise ValueError("delay_data must be finite")
                arr = np.ascontiguousarray(np.broadcast_to(
                    arr.reshape(-1) if arr.shape else arr, (self._num,)),
                    dtype=np.float64)
                ptr = _dptr(arr)
            self._fail(_L.adex_pop_update_delay(
                h, name.encode("utf-8", "replace"), ptr))

    def reset_delay(self, name, delay_target=None):
        """Zero the history of delay `name` and put `delay_target`'s values
        at age 0 (a variable of this object, its name, or a number or an
        array of shape varshape; None: the registered target)."""
        with self._use() as h:
            d = self._delay_handle(h, name)
            if delay_target is None:
                self._fail(_L.adex_pop_reset_delay(
                    h, name.encode("utf-8", "replace")))
                return
            try:
                key = self._target_name(delay_target)
                values = self._views[key]
            except ValueError:
                if isinstance(delay_target, str):
                    raise
                values = self._state_shaped(delay_target, "delay_target")
            values = np.ascontiguousarray(
                np.broadcast_to(values, self.varshape),
                dtype=np.float64).reshape(-1)
            if not np.all(np.isfinite(values)):
                raise ValueError("delay_target must be finite")
            self._fail(_L.adex_delay_reset(d, _dptr(values)))

    # ------------------------------------------------------------ state files

    def _var_names(self, variables):
        if variables is None:
            return None
        if isinstance(variables, (str, np.ndarray)):
            variables = [variables]
        elif isinstance(variables, dict):
            variables = list(variables.keys())
        elif not isinstance(variables, (list, tuple, set, frozenset)):
            raise ValueError("variables must be None, a name, a variable of "
                             "this object, or a list of them; got %r"
                             % (variables,))
        out = []
        for v in variables:
            if isinstance(v, np.ndarray):
                v = "%s.%s" % (self._name, self._target_name(v))
            if not isinstance(v, str):
                raise ValueError("variables must be names or variables of "
                                 "this object, got %r" % (v,))
            out.append(v)
        if not out:
            raise ValueError("variables is empty (None saves all)")
        return out

    def save_states(self, filename, variables=None):
        """Save the state to `filename`: '.h5'/'.hdf5' (HDF5) or '.npz'
        (numpy), one array per key '<name>.<var>' (and '<name>.<delay>.data'
        for delays). variables: None (all), or names / variables of this
        object. The file is replaced atomically."""
        self._h()
        path = _path(filename)
        names = self._var_names(variables)
        arr, n = None, 0
        if names is not None:
            enc = [s.encode("utf-8", "replace") for s in names]
            arr = (ctypes.c_char_p * len(enc))(*enc)
            n = len(enc)
        with self._use() as h:
            self._fail(_L.adex_pop_save_states(h, path, arr, n))

    def load_states(self, filename, verbose=False):
        """Load a state file saved by save_states, BrainPy, h5py or numpy.
        Everything is checked before anything changes: a bad file raises
        (StateFileError, a ValueError; KeyError for a foreign key;
        ValueError for a wrong shape; OSError for an unreadable file) and
        leaves the population as it was. Keys of this population missing
        from the file keep their values, with a warning. verbose prints
        'Loading KEY ...' for every key loaded."""
        self._h()
        path = _path(filename)
        if not os.path.exists(path):
            raise FileNotFoundError(2, "No such file", os.fsdecode(path))
        report = _lib.StateReport()
        with self._use() as h, _MemStream() as log:
            st = _L.adex_pop_load_states_report(h, path, 1 if verbose else 0,
                                                log.file, ctypes.byref(report))
            msg = _lib.errmsg()
            text = log.text()
        for line in text.splitlines():
            if line.startswith("Warning"):
                warnings.warn(line[len("Warning: "):], RuntimeWarning,
                              stacklevel=2)
            elif verbose and line:
                print(line)
        _lib.check(st, msg)


def _path(filename):
    """A file name as bytes for C; ValueError for names C cannot take."""
    try:
        path = os.fsencode(filename)
    except TypeError:
        raise ValueError("filename must be a str or path, got %r"
                         % (filename,))
    if b"\0" in path or not path:
        raise ValueError("filename must be non-empty, without NUL bytes")
    return path


class _MemStream:
    """A C FILE* writing into memory (open_memstream), read back as text.
    Falls back to no log (NULL) where libc has no open_memstream."""

    _libc = None

    def __enter__(self):
        self.file = None
        self._ptr = ctypes.c_void_p()
        self._size = ctypes.c_size_t()
        libc = _MemStream._get_libc()
        if libc is not None:
            self.file = libc.open_memstream(ctypes.byref(self._ptr),
                                            ctypes.byref(self._size))
        self._text = None
        return self

    @staticmethod
    def _get_libc():
        if _MemStream._libc is None:
            try:
                libc = ctypes.CDLL(None)
                libc.open_memstream.restype = ctypes.c_void_p
                libc.open_memstream.argtypes = [
                    ctypes.POINTER(ctypes.c_void_p),
                    ctypes.POINTER(ctypes.c_size_t)]
                libc.fclose.argtypes = [ctypes.c_void_p]
                libc.fclose.restype = ctypes.c_int
                libc.free.argtypes = [ctypes.c_void_p]
                libc.free.restype = None
                _MemStream._libc = libc
            except (OSError, AttributeError):
                _MemStream._libc = False
        return _MemStream._libc or None

    def text(self):
        if self._text is None:
            self._close()
        return self._text or ""

    def _close(self):
        libc = _MemStream._get_libc()
        if self.file:
            libc.fclose(self.file)
            self.file = None
            raw = ctypes.string_at(self._ptr.value, self._size.value) \
                if self._ptr.value else b""
            self._text = raw.decode("utf-8", "replace")
            libc.free(self._ptr)
        elif self._text is None:
            self._text = ""

    def __exit__(self, *exc):
        self._close()
