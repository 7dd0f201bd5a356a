"""ctypes binding of libadex (private).

Finds the shared library, declares the argument and result types of every
function the package calls, mirrors the public structs, and turns a status
code into the matching Python exception with the C message.

Where the library is looked for, first match wins:

1. the file named by the environment variable ``ADEX_LIBRARY``;
2. ``build/libadex.so`` of the repository this package sits in
   (``<repo>/python/adex`` -> ``<repo>/build/libadex.so``);
3. the system's ``libadex.so.0`` (after ``cmake --install``), through the
   dynamic loader's search path.
"""

import ctypes
import os
from ctypes import (POINTER, CFUNCTYPE, Structure, c_bool, c_char,
                    c_char_p, c_double, c_int, c_size_t, c_uint64, c_void_p)

from . import errors

# ----------------------------------------------------------------- loading


def _candidates():
    env = os.environ.get("ADEX_LIBRARY")
    if env:
        return [env], True
    here = os.path.dirname(os.path.abspath(__file__))
    names = []
    if os.path.basename(os.path.dirname(here)) == "python":
        # the source tree: <repo>/python/adex -> <repo>/build/libadex.so
        repo = os.path.dirname(os.path.dirname(here))
        names.append(os.path.join(repo, "build", "libadex.so"))
    return names + ["libadex.so.0"], False


def _load():
    names, from_env = _candidates()
    tried = []
    for name in names:
        if os.sep in name and not os.path.exists(name):
            tried.append("%s (no such file)" % name)
            if from_env:
                break
            continue
        try:
            return ctypes.CDLL(name), name
        except OSError as e:
            tried.append("%s (%s)" % (name, e))
            if from_env:
                break
    raise ImportError(
        "adex: cannot load libadex; tried " + "; ".join(tried) +
        ". Build it (cmake -S . -B build && cmake --build build), install it "
        "(cmake --install build), or set ADEX_LIBRARY to the path of "
        "libadex.so.")


lib, path = _load()

# ----------------------------------------------------------------- enums

# adex_status (include/adex/status.h)
OK, EINVAL, ENOMEM, EMETHOD, ESIZE, ERANGE, EIO, EFORMAT, EKEY, ENOTSUP = \
    range(10)

# adex_dtype (include/adex/names.h)
DTYPE_F64, DTYPE_BOOL, DTYPE_F32 = 0, 1, 2
DTYPE_NUMPY = {DTYPE_F64: "<f8", DTYPE_BOOL: "|b1", DTYPE_F32: "<f4"}

# adex_init_kind (include/adex/init.h)
INIT_ZERO, INIT_ONE, INIT_CONSTANT, INIT_UNIFORM, INIT_NORMAL, INIT_ARRAY = \
    range(6)

# adex_spk_reset (include/adex/pop.h)
SPK_RESET_HARD, SPK_RESET_SOFT = 0, 1

# adex_run_input_kind (include/adex/runner.h)
RUN_INPUT_NONE, RUN_INPUT_SCALAR, RUN_INPUT_NEURON, RUN_INPUT_STEP, \
    RUN_INPUT_GEN = range(5)

# adex_state_format (include/adex/state.h)
STATE_H5, STATE_NPZ = 0, 1

MAX_DIM = 4
NAME_MAX = 64


def _param_table():
    """The library's parameter list (ADEX_PARAM_LIST in adex/params.h):
    names, units, BrainPy's defaults and descriptions, in id order."""
    lib.adex_param_count.restype = c_int
    lib.adex_param_count.argtypes = []
    for fn, res in (("adex_param_name", c_char_p), ("adex_param_unit", c_char_p),
                    ("adex_param_doc", c_char_p),
                    ("adex_param_default", c_double)):
        getattr(lib, fn).restype = res
        getattr(lib, fn).argtypes = [c_int]
    n = lib.adex_param_count()
    return (n,
            tuple(lib.adex_param_name(i).decode() for i in range(n)),
            tuple(lib.adex_param_unit(i).decode() for i in range(n)),
            tuple(lib.adex_param_default(i) for i in range(n)),
            tuple(lib.adex_param_doc(i).decode() for i in range(n)))


NPARAMS, PARAM_NAMES, PARAM_UNITS, PARAM_DEFAULTS, PARAM_DOCS = _param_table()
T_LAST_SPIKE_INIT = -1e7

# ----------------------------------------------------------------- structs


class Init(Structure):
    """adex_init."""
    _fields_ = [("kind", c_int), ("a", c_double), ("b", c_double),
                ("seed", c_uint64), ("array", POINTER(c_double)),
                ("len", c_size_t)]


class Params(Structure):
    """adex_params: the ten parameters in BrainPy's order."""
    _fields_ = [(n, c_double) for n in PARAM_NAMES]


class PopConfig(Structure):
    """adex_pop_config, up to the fields this binding knows."""
    _fields_ = [("ndim", c_size_t), ("shape", c_size_t * MAX_DIM),
                ("keep_size", c_bool), ("params", Params),
                ("param_init", POINTER(Init) * NPARAMS),
                ("V_init", Init), ("w_init", Init),
                ("method", c_char_p), ("name", c_char_p),
                ("adaptive", c_bool), ("tol", c_double),
                ("precise_spikes", c_bool), ("tau_ref", c_double),
                ("noise", c_double), ("noise_seed", c_uint64),
                ("spk_reset", c_int), ("alloc", c_void_p),
                ("threads", c_int), ("kernel", c_int), ("dtype", c_int)]


class Var(Structure):
    """adex_var."""
    _fields_ = [("name", c_char_p), ("dtype", c_int), ("ndim", c_size_t),
                ("shape", c_size_t * 4), ("data", c_void_p)]


class StateReport(Structure):
    """adex_state_report."""
    _fields_ = [("n_file", c_size_t), ("n_loaded", c_size_t),
                ("n_missing", c_size_t), ("missing", c_char * 512)]


class PopDelayInfo(Structure):
    """adex_pop_delay_info."""
    _fields_ = [("name", c_char_p), ("target", c_char_p),
                ("max_delay", c_size_t), ("steps", POINTER(c_size_t)),
                ("delay", c_void_p)]


class RunInput(Structure):
    """adex_run_input."""
    _fields_ = [("kind", c_int), ("value", c_double),
                ("data", POINTER(c_double)), ("gen", ctypes.c_void_p)]


class RunMonitor(Structure):
    """adex_run_monitor."""
    _fields_ = [("var", c_char_p), ("indices", POINTER(c_size_t)),
                ("n_indices", c_size_t), ("dtype", c_int), ("out", c_void_p)]


PROGRESS_FN = CFUNCTYPE(c_int, c_void_p, c_size_t, c_size_t)

# ----------------------------------------------------------------- functions

_pop = c_void_p
_delay = c_void_p
_dp = POINTER(c_double)
_szp = POINTER(c_size_t)

_PROTOTYPES = {
    # status, version
    "adex_status_name": (c_char_p, [c_int]),
    "adex_status_str": (c_char_p, [c_int]),
    "adex_errmsg": (c_char_p, []),
    "adex_errkey": (c_char_p, []),
    "adex_errindex": (ctypes.c_longlong, []),
    "adex_errreason": (c_char_p, []),
    "adex_version": (c_char_p, []),
    # names, dtypes
    "adex_name_is_valid": (c_bool, [c_char_p]),
    "adex_name_in_use": (c_bool, [c_char_p]),
    "adex_dtype_name": (c_char_p, [c_int]),
    # methods
    "adex_method_find": (c_int, [c_char_p, POINTER(c_void_p)]),
    "adex_method_count": (c_size_t, []),
    "adex_method_at": (c_void_p, [c_size_t]),
    "adex_method_name": (c_char_p, [c_void_p]),
    "adex_method_order": (c_int, [c_void_p]),
    "adex_method_stages": (c_int, [c_void_p]),
    "adex_method_is_embedded": (c_int, [c_void_p]),
    "adex_method_aliases": (POINTER(c_char_p), [c_void_p]),
    "adex_method_list": (c_size_t, [ctypes.c_char_p, c_size_t]),
    # population
    "adex_pop_config_default": (None, [c_void_p, c_size_t]),
    "adex_pop_create": (c_int, [c_void_p, POINTER(_pop)]),
    "adex_pop_destroy": (None, [_pop]),
    "adex_pop_update": (c_int, [_pop, c_double, c_double]),
    "adex_pop_reset": (c_int, [_pop]),
    "adex_pop_nonfinite": (c_int, [_pop, c_void_p, c_void_p, c_void_p,
                                   c_void_p]),
    "adex_pop_nonfinite_clear": (None, [_pop]),
    "adex_pop_dV": (c_int, [_pop, _dp, c_double, _dp, _dp, _dp, c_size_t]),
    "adex_pop_dw": (c_int, [_pop, _dp, c_double, _dp, _dp, c_size_t]),
    "adex_pop_num": (c_size_t, [_pop]),
    "adex_pop_shape": (c_size_t, [_pop, c_size_t * MAX_DIM]),
    "adex_pop_method": (c_void_p, [_pop]),
    "adex_pop_param": (c_int, [_pop, c_int, _dp]),
    "adex_pop_param_is_array": (c_bool, [_pop, c_int]),
    "adex_pop_name": (c_char_p, [_pop]),
    "adex_pop_integrator_name": (c_char_p, [_pop]),
    "adex_pop_var_count": (c_size_t, [_pop]),
    "adex_pop_var_at": (c_int, [_pop, c_size_t, POINTER(Var)]),
    "adex_pop_var_find": (c_int, [_pop, c_char_p, POINTER(Var)]),
    "adex_pop_check_values": (c_int, [_pop, c_char_p, _dp, c_size_t,
                                      POINTER(c_size_t)]),
    "adex_pop_register_var": (c_int, [_pop, c_char_p, c_int, c_void_p]),
    "adex_pop_errmsg": (c_char_p, [_pop]),
    "adex_pop_spike_events": (c_int, [_pop, POINTER(c_void_p),
                                      POINTER(c_size_t)]),
    "adex_init_eval": (c_int, [POINTER(Init), _dp, c_size_t, c_char_p]),
    # population delays
    "adex_delay_name_is_valid": (c_bool, [c_char_p]),
    "adex_pop_register_delay": (c_int, [_pop, c_char_p, c_size_t, _szp,
                                        c_char_p, _dp]),
    "adex_pop_get_delay_data": (c_int, [_pop, c_char_p, c_size_t, _dp]),
    "adex_pop_update_delay": (c_int, [_pop, c_char_p, _dp]),
    "adex_pop_reset_delay": (c_int, [_pop, c_char_p]),
    "adex_pop_delay": (_delay, [_pop, c_char_p]),
    "adex_pop_delay_count": (c_size_t, [_pop]),
    "adex_pop_delay_at": (c_int, [_pop, c_size_t, POINTER(PopDelayInfo)]),
    # delay buffers
    "adex_delay_num": (c_size_t, [_delay]),
    "adex_delay_max": (c_size_t, [_delay]),
    "adex_delay_push": (c_int, [_delay, _dp]),
    "adex_delay_reset": (c_int, [_delay, _dp]),
    "adex_delay_export": (c_int, [_delay, _dp]),
    "adex_delay_import": (c_int, [_delay, _dp]),
    # global delays
    "adex_global_delay_register": (c_int, [c_char_p, c_size_t, c_size_t,
                                           _dp, _dp, POINTER(_delay)]),
    "adex_global_delay_find": (c_int, [c_char_p, POINTER(_delay)]),
    "adex_global_delay_count": (c_size_t, []),
    "adex_global_delay_at": (c_int, [c_size_t, ctypes.c_char_p,
                                     POINTER(_delay)]),
    "adex_global_delay_remove": (c_int, [c_char_p]),
    "adex_global_delay_clear": (None, []),
    # state files
    "adex_state_format_of": (c_int, [c_char_p, POINTER(c_int)]),
    "adex_pop_save_states": (c_int, [_pop, c_char_p, POINTER(c_char_p),
                                     c_size_t]),
    "adex_pop_load_states_report": (c_int, [_pop, c_char_p, c_int, c_void_p,
                                            POINTER(StateReport)]),
    # runner
    "adex_pop_run": (c_int, [_pop, c_double, c_double, c_size_t,
                             POINTER(RunInput), POINTER(RunMonitor),
                             c_size_t, PROGRESS_FN, c_void_p, _szp]),
    "adex_run_progress_every": (c_size_t, [c_size_t]),
    "adex_run_steps": (c_int, [c_double, c_double, _szp]),
    "adex_abi_sizeof": (c_size_t, [c_char_p]),
}

# Optional functions: present in newer libraries only.
_OPTIONAL = {
    "adex_kernel_find": (c_int, [c_char_p, POINTER(c_int)]),
    "adex_kernel_available": (c_int, [c_int]),
    # the drive (include/adex/pop.h); the pointers come back as addresses
    "adex_pop_enable_drive": (c_int, [_pop]),
    "adex_pop_drive": (c_void_p, [_pop]),
    "adex_pop_drive_f32": (c_void_p, [_pop]),
}


def _declare():
    missing = []
    for name, (res, args) in _PROTOTYPES.items():
        try:
            f = getattr(lib, name)
        except AttributeError:
            missing.append(name)
            continue
        f.restype = res
        f.argtypes = args
    if missing:
        raise ImportError("adex: %s lacks %s; rebuild the library from this "
                          "source tree" % (path, ", ".join(missing)))
    for name, (res, args) in _OPTIONAL.items():
        f = getattr(lib, name, None)
        if f is not None:
            f.restype = res
            f.argtypes = args


_declare()


def has(name):
    """Whether the loaded library exports function `name`."""
    return hasattr(lib, name)


# ----------------------------------------------------------------- layouts

def _check_layouts():
    exact = {"adex_init": Init, "adex_params": Params, "adex_var": Var,
             "adex_state_report": StateReport,
             "adex_pop_delay_info": PopDelayInfo,
             "adex_run_input": RunInput, "adex_run_monitor": RunMonitor}
    for cname, py in exact.items():
        n = lib.adex_abi_sizeof(cname.encode())
        if n != ctypes.sizeof(py):
            raise ImportError("adex: %s is %d bytes in %s but %d in this "
                              "binding; the package and the library do not "
                              "match" % (cname, n, path, ctypes.sizeof(py)))
    n = lib.adex_abi_sizeof(b"adex_pop_config")
    if n < ctypes.sizeof(PopConfig):
        raise ImportError("adex: adex_pop_config is %d bytes in %s, this "
                          "binding expects at least %d; the package and the "
                          "library do not match"
                          % (n, path, ctypes.sizeof(PopConfig)))
    # Fields the library may have added at the end keep the defaults that
    # adex_pop_config_default writes into the spare room (new_config).
    cfg = new_config(7)
    ok = (cfg.ndim == 1 and cfg.shape[0] == 7 and cfg.params.V_rest == -65.0
          and cfg.params.R == 1.0 and cfg.method == b"exp_auto"
          and cfg.tol == 1e-6 and cfg.spk_reset == SPK_RESET_HARD
          and cfg.dtype == DTYPE_F64 and not cfg.adaptive)
    if not ok:
        raise ImportError("adex: the layout of adex_pop_config in %s differs "
                          "from this binding's" % path)


CONFIG_BYTES = max(lib.adex_abi_sizeof(b"adex_pop_config"),
                   ctypes.sizeof(PopConfig))


def new_config(num):
    """A PopConfig filled by adex_pop_config_default for num neurons, in a
    buffer as large as the library's struct (fields unknown here keep their
    defaults)."""
    buf = ctypes.create_string_buffer(CONFIG_BYTES)
    lib.adex_pop_config_default(buf, num)
    cfg = PopConfig.from_buffer(buf)
    cfg._buffer = buf  # keep the storage alive with the struct
    return cfg


_check_layouts()

# ----------------------------------------------------------------- errors


def errmsg():
    """The calling thread's last libadex message."""
    m = lib.adex_errmsg()
    return m.decode("utf-8", "replace") if m else ""


def errparts():
    """The parts of the calling thread's last failure: (key, neuron index
    or None, reason) (adex_errkey, adex_errindex, adex_errreason)."""
    key = (lib.adex_errkey() or b"").decode("utf-8", "replace")
    index = lib.adex_errindex()
    reason = (lib.adex_errreason() or b"").decode("utf-8", "replace")
    return key, (None if index < 0 else int(index)), reason


def check(status, message=None):
    """Raise the exception of a non-OK status, with the C message (or
    `message` when given) and the failure's parts."""
    if status == OK:
        return
    key, index, reason = errparts() if message is None else ("", None, "")
    if message is None:
        message = errmsg()
    name = lib.adex_status_name(status)
    name = name.decode() if name else "ADEX_%d" % status
    raise errors.from_status(status, name, message or name, key, index,
                             reason)


def method_names():
    """Every accepted method name (canonical names and aliases)."""
    n = lib.adex_method_list(None, 0)
    buf = ctypes.create_string_buffer(n + 1)
    lib.adex_method_list(buf, n + 1)
    return [s.strip() for s in buf.value.decode().split(",") if s.strip()]


def version():
    """Version of the loaded library ("0.1.0")."""
    return lib.adex_version().decode()


def run_steps(duration, dt):
    """The number of steps of dt in duration, the library's one rule
    (adex_run_steps: BrainPy's ceil(duration/dt), a whole number of steps
    up to rounding counted exactly); ValueError for a bad pair."""
    n = c_size_t(0)
    if lib.adex_run_steps(float(duration), float(dt), ctypes.byref(n)) != 0:
        raise ValueError(lib.adex_errmsg().decode())
    return n.value
