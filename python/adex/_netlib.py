"""ctypes binding of libadex's networks (include/adex/net.h; private)."""

import ctypes
from ctypes import (POINTER, Structure, c_bool, c_char_p, c_double, c_int,
                    c_size_t, c_uint64, c_void_p)

from . import _lib

lib = _lib.lib

# adex_syn_model, in the header's order
MODELS = ("DeltaSynapse", "ExpCUBA", "ExpCOBA", "DualExpCUBA", "DualExpCOBA",
          "AlphaCUBA", "AlphaCOBA", "NMDA", "AMPA", "GABAa", "STP")
MODEL_ID = {name: i for i, name in enumerate(MODELS)}

# adex_conn_kind
(CONN_ONE2ONE, CONN_ALL2ALL, CONN_FIXED_PROB, CONN_FIXED_PRE_NUM,
 CONN_FIXED_POST_NUM, CONN_IJ, CONN_CSR, CONN_GAUSSIAN_PROB, CONN_GRID_FOUR,
 CONN_GRID_N) = range(10)

PSIZE = POINTER(c_size_t)
PDOUBLE = POINTER(c_double)


class Conn(Structure):
    """adex_conn."""
    _fields_ = [("kind", c_int), ("include_self", c_bool), ("prob", c_double),
                ("num", c_size_t), ("seed", c_uint64), ("i", PSIZE),
                ("j", PSIZE), ("n_pairs", c_size_t), ("indices", PSIZE),
                ("indptr", PSIZE), ("ndim", c_size_t),
                ("shape", c_size_t * 4), ("sigma", c_double),
                ("normalize", c_bool), ("periodic", c_bool),
                ("n_ranges", c_size_t), ("ranges", (c_double * 2) * 4),
                ("grid_n", c_size_t)]


class ProjConfig(Structure):
    """adex_proj_config."""
    _fields_ = [("name", c_char_p), ("model", c_int), ("pre", c_size_t),
                ("post", c_size_t), ("conn", Conn), ("g_max", c_double),
                ("weights", PDOUBLE), ("n_weights", c_size_t),
                ("tau", c_double), ("E", c_double), ("tau_decay", c_double),
                ("tau_rise", c_double), ("cc_Mg", c_double),
                ("alpha", c_double), ("beta", c_double), ("a", c_double),
                ("T", c_double), ("T_duration", c_double), ("U", c_double),
                ("tau_f", c_double), ("tau_d", c_double), ("A", c_double),
                ("delay", c_double), ("delays", PDOUBLE),
                ("n_delays", c_size_t), ("post_has_ref", c_bool)]


class NetInput(Structure):
    """adex_net_input."""
    _fields_ = [("pop", c_size_t), ("var", c_char_p), ("op", ctypes.c_char),
                ("input", _lib.RunInput)]


class NetMonitor(Structure):
    """adex_net_monitor."""
    _fields_ = [("key", c_char_p), ("indices", PSIZE), ("n_indices", c_size_t),
                ("dtype", c_int), ("out", c_void_p)]


PROGRESS = ctypes.CFUNCTYPE(c_int, c_void_p, c_size_t, c_size_t)

_PROTOTYPES = {
    "adex_proj_config_default": (None, [POINTER(ProjConfig), c_int, c_size_t,
                                        c_size_t, Conn]),
    "adex_net_create": (c_int, [c_double, c_double, c_char_p,
                                POINTER(c_void_p)]),
    "adex_net_destroy": (None, [c_void_p]),
    "adex_net_name": (c_char_p, [c_void_p]),
    "adex_net_add_pop": (c_int, [c_void_p, c_void_p, PSIZE]),
    "adex_net_add_poisson": (c_int, [c_void_p, c_size_t, PDOUBLE, c_size_t,
                                     c_uint64, c_char_p, PSIZE]),
    "adex_net_add_spike_times": (c_int, [c_void_p, c_size_t, PDOUBLE, PSIZE,
                                         c_size_t, c_char_p, PSIZE]),
    "adex_net_add_proj": (c_int, [c_void_p, POINTER(ProjConfig), PSIZE]),
    "adex_net_plan": (c_int, [c_void_p]),
    "adex_net_step": (c_int, [c_void_p]),
    "adex_net_time": (c_double, [c_void_p]),
    "adex_net_steps_done": (c_uint64, [c_void_p]),
    "adex_net_pop_name": (c_char_p, [c_void_p, c_size_t]),
    "adex_net_proj_name": (c_char_p, [c_void_p, c_size_t]),
    "adex_net_pop_num": (c_size_t, [c_void_p, c_size_t]),
    "adex_net_pop_spike": (c_void_p, [c_void_p, c_size_t]),
    "adex_net_proj_nsyn": (c_size_t, [c_void_p, c_size_t]),
    "adex_net_proj_synapses": (c_int, [c_void_p, c_size_t, PSIZE, PSIZE,
                                       PDOUBLE, PDOUBLE, PSIZE]),
    "adex_net_proj_var": (c_void_p, [c_void_p, c_size_t, c_char_p, PSIZE]),
    "adex_net_save_states": (c_int, [c_void_p, c_char_p]),
    "adex_net_load_states": (c_int, [c_void_p, c_char_p, c_int, c_void_p]),
    "adex_net_errmsg": (c_char_p, [c_void_p]),
    "adex_net_run_io": (c_int, [c_void_p, c_size_t, POINTER(NetInput),
                                c_size_t, POINTER(NetMonitor), c_size_t,
                                PROGRESS, c_void_p, PSIZE]),
}

for _name, (_res, _args) in _PROTOTYPES.items():
    _f = getattr(lib, _name, None)
    if _f is None:
        raise ImportError("adex: %s lacks %s; rebuild the library from this "
                          "source tree" % (_lib.path, _name))
    _f.restype = _res
    _f.argtypes = _args

for _cname, _py in (("adex_conn", Conn), ("adex_proj_config", ProjConfig),
                    ("adex_net_input", NetInput),
                    ("adex_net_monitor", NetMonitor)):
    if lib.adex_abi_sizeof(_cname.encode()) != ctypes.sizeof(_py):
        raise ImportError("adex: %s differs between %s and this binding"
                          % (_cname, _lib.path))
