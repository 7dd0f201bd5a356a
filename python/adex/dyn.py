"""Networks with BrainPy's ``brainpy.dyn`` API over the library's engine.

``adex.dyn`` holds the neuron model (``AdExIF``), the spike sources
(``PoissonGroup``, ``SpikeTimeGroup``), the synapse models of
docs/networks.md with BrainPy V2.1.12's constructors, ``Network`` and
``DSRunner``::

    import adex as bp
    E = bp.dyn.AdExIF(3200, V_rest=-60., ..., V_initializer=bp.init.Uniform(-60., -50.))
    E2E = bp.dyn.ExpCOBA(E, E, bp.conn.FixedProb(0.02, seed=1), g_max=0.6, tau=5., E=0.)
    net = bp.dyn.Network(E2E, ..., E=E, I=I)
    runner = bp.dyn.DSRunner(net, monitors=['E.spike'], inputs=[('E.input', 20.)], dt=0.1)
    runner.run(1000.)

The network is built in C the first time it runs (when dt is known): the
synapses are drawn then, and from then on every step is one call of the
library's ``adex_net_step``. A step updates all projections, in the order
given, then all populations (BrainPy's order for ``Network(*synapses,
**neurons)``); a network whose nodes come in another order is refused.

Delays: BrainPy's ``delay_step=d`` (an int, or one per pre neuron) acts as
a delay of ``(d + 2) dt``, ``delay_step=None`` as ``dt``; adex's keyword
``delay=`` gives it in ms (a whole multiple of dt, >= dt; one value, or one
per synapse for DeltaSynapse/ExpCUBA/ExpCOBA, one per pre neuron for the
models whose state lives per pre neuron).
"""

import ctypes
import math
import numbers
import signal
import threading
import time

import numpy as np

from . import _lib, _netlib
from ._base import Base, Collector
from .connect import TwoEndConnector, _draw, as_connector
from .streams import Stream
from .errors import NotSupportedError
from .init import Initializer, _seed
from .neurons import AdExIF
from .runner import _Progress

__all__ = ["AdExIF", "PoissonGroup", "SpikeTimeGroup", "DeltaSynapse",
           "ExpCUBA", "ExpCOBA", "DualExpCUBA", "DualExpCOBA", "AlphaCUBA",
           "AlphaCOBA", "NMDA", "AMPA", "GABAa", "STP", "Network",
           "DSRunner", "TwoEndConn", "NeuGroup"]

L = _netlib.lib
NeuGroup = AdExIF


def _view(addr, n, ctype, dtype):
    """A numpy array over n C elements at addr (no copy)."""
    if not addr or n == 0:
        return np.zeros(n, dtype=dtype)
    buf = (ctype * n).from_address(addr)
    return np.frombuffer(buf, dtype=dtype)


def _num(x, what, positive=False):
    if isinstance(x, (bool, np.bool_)) or not isinstance(
            x, (numbers.Real, np.integer, np.floating)):
        raise ValueError("%s must be a number, got %r" % (what, x))
    v = float(x)
    if not math.isfinite(v) or (positive and v <= 0):
        raise ValueError("%s must be finite%s, got %r"
                         % (what, " and > 0" if positive else "", x))
    return v


# ------------------------------------------------------------- sources


class _Source(Base):
    """A population without dynamics, owned by the network's C engine once
    it is built; ``spike`` is a view of it from then on."""

    def __init__(self, size, name):
        super().__init__()
        if isinstance(size, (numbers.Integral, np.integer)):
            size = (int(size),)
        self.size = tuple(int(s) for s in size)
        self.num = int(np.prod(self.size))
        if self.num < 1:
            raise ValueError("size must be positive, got %r" % (size,))
        self._name = self.unique_name(name)
        self._spike = np.zeros(self.num, dtype=bool)
        self._net = None

    @property
    def spike(self):
        return self._spike

    def _own_vars(self):
        return [("spike", self._spike)]

    def _attach(self, net, index):
        self._net = net
        self._spike = _view(L.adex_net_pop_spike(net._h(), index), self.num,
                            ctypes.c_bool, bool)


class PoissonGroup(_Source):
    """Poisson spike trains: in each step neuron i spikes with probability
    freqs[i] dt / 1000 (freqs in Hz: a number or one per neuron)."""

    def __init__(self, size, freqs, seed=None, name=None):
        super().__init__(size, name)
        f = np.asarray(freqs, dtype=float).reshape(-1)
        if f.size not in (1, self.num) or not np.all(np.isfinite(f)) or \
                np.any(f < 0):
            raise ValueError("freqs must be finite, >= 0, one value or one "
                             "per neuron (%d)" % self.num)
        self.freqs = np.ascontiguousarray(f)
        self.seed = _seed(seed)

    def _add(self, net):
        idx = ctypes.c_size_t()
        _lib.check(L.adex_net_add_poisson(
            net, self.num, self.freqs.ctypes.data_as(_netlib.PDOUBLE),
            self.freqs.size, self.seed, self.name.encode(), ctypes.byref(idx)))
        return idx.value


class SpikeTimeGroup(_Source):
    """Spikes at given times: in the step that starts at t, neuron
    indices[m] spikes for every times[m] <= t not yet emitted."""

    def __init__(self, size, indices, times, name=None):
        super().__init__(size, name)
        self.times = np.ascontiguousarray(np.asarray(times, dtype=float).reshape(-1))
        self.indices = np.ascontiguousarray(
            np.asarray(indices).reshape(-1), dtype=np.uintp)
        if self.times.size != self.indices.size:
            raise ValueError("times and indices must have one length, got %d "
                             "and %d" % (self.times.size, self.indices.size))

    def _add(self, net):
        idx = ctypes.c_size_t()
        _lib.check(L.adex_net_add_spike_times(
            net, self.num, self.times.ctypes.data_as(_netlib.PDOUBLE),
            self.indices.ctypes.data_as(_netlib.PSIZE), self.times.size,
            self.name.encode(), ctypes.byref(idx)))
        return idx.value


# ------------------------------------------------------------- synapses


class TwoEndConn(Base):
    """A projection from `pre` to `post` through `conn` (BrainPy's
    ``TwoEndConn``); subclasses are the synapse models."""

    _model = None
    _weight_name = "g_max"
    _params = {}      # BrainPy's names and defaults of the model's parameters
    _state = ()       # the model's variables (``vars()``)

    def __init__(self, pre, post, conn, conn_type="sparse", weight=1.0,
                 delay_step=None, method="exp_auto", name=None, delay=None,
                 **params):
        super().__init__()
        for what, node in (("pre", pre), ("post", post)):
            if not isinstance(node, (AdExIF, _Source)):
                raise ValueError("%s must be an AdExIF, PoissonGroup or "
                                 "SpikeTimeGroup, got %s" % (what, type(node)))
        if not isinstance(post, AdExIF):
            raise ValueError("post must be an AdExIF population")
        if conn_type not in ("sparse", "dense"):
            raise ValueError("conn_type must be 'sparse' or 'dense', got %r"
                             % (conn_type,))
        if method not in ("exp_auto", "exp_euler", "exp_euler_auto",
                          "exponential_euler"):
            raise NotSupportedError("synapses integrate with exp_auto; "
                                    "method %r is not supported" % (method,))
        if delay is not None and delay_step is not None:
            raise ValueError("give delay (ms) or delay_step, not both")
        self.pre, self.post = pre, post
        self.conn = as_connector(conn)
        self.conn_type = conn_type
        self.weight = weight
        self.delay_step = delay_step
        self.delay = delay
        self.method = method
        for k, v in self._params.items():
            val = params.pop(k, v)
            setattr(self, k, _num(val, k))
        if params:
            raise TypeError("%s got unexpected arguments: %s"
                            % (type(self).__name__, ", ".join(sorted(params))))
        self._name = self.unique_name(name)
        self._net = None
        self._index = None

    # the C configuration, made when the network is built
    def _config(self, pre_index, post_index, dt, keep):
        cfg = _netlib.ProjConfig()
        conn = self.conn
        pre_num, post_num = self.pre.num, self.post.num
        if conn.pre_num is None:
            conn(self.pre.size if hasattr(self.pre, "size") else pre_num,
                 self.post.size if hasattr(self.post, "size") else post_num)
        if (conn.pre_num, conn.post_num) != (pre_num, post_num):
            raise ValueError("%s: the connector was made for sizes %d -> %d, "
                             "the populations have %d -> %d"
                             % (self.name, conn.pre_num, conn.post_num,
                                pre_num, post_num))
        c = conn._c_conn(pre_num, post_num, keep)
        L.adex_proj_config_default(ctypes.byref(cfg),
                                   _netlib.MODEL_ID[self._model], pre_index,
                                   post_index, c)
        cfg.name = self.name.encode()
        keep.append(cfg.name)
        for k in self._params:
            setattr(cfg, k, getattr(self, k))
        self._set_weights(cfg, keep, pre_num, post_num)
        self._set_delays(cfg, keep, dt, pre_num)
        return cfg

    def _set_weights(self, cfg, keep, pre_num, post_num):
        w = self.weight
        if isinstance(w, (numbers.Real, np.integer, np.floating)) and \
                not isinstance(w, (bool, np.bool_)):
            cfg.g_max = _num(w, self._weight_name)
            return
        n = None
        if isinstance(w, Initializer) or callable(w):
            pre, _ = _draw(self.conn, pre_num, post_num,
                           same=self.pre is self.post)
            n = pre.size
            w = w((n,)) if isinstance(w, Initializer) else w((n,))
        arr = np.ascontiguousarray(np.asarray(w, dtype=float).reshape(-1))
        if arr.size == 1:
            cfg.g_max = _num(float(arr[0]), self._weight_name)
            return
        if not np.all(np.isfinite(arr)):
            raise ValueError("%s: %s must be finite" % (self.name,
                                                        self._weight_name))
        keep.append(arr)
        cfg.weights = arr.ctypes.data_as(_netlib.PDOUBLE)
        cfg.n_weights = arr.size

    def _set_delays(self, cfg, keep, dt, pre_num):
        if self.delay is not None:
            d = np.asarray(self.delay, dtype=float).reshape(-1)
        elif self.delay_step is not None:
            steps = np.asarray(self.delay_step).reshape(-1)
            if not np.issubdtype(steps.dtype, np.integer) or np.any(steps < 0):
                raise ValueError("%s: delay_step must be an int >= 0 or one "
                                 "per pre neuron" % self.name)
            d = (steps.astype(float) + 2.0) * dt
        else:
            return
        if d.size == 1:
            cfg.delay = float(d[0])
            return
        arr = np.ascontiguousarray(d)
        keep.append(arr)
        cfg.delays = arr.ctypes.data_as(_netlib.PDOUBLE)
        cfg.n_delays = arr.size

    def _attach(self, net, index):
        self._net, self._index = net, index

    def _var(self, name):
        if self._net is None:
            return None
        n = ctypes.c_size_t()
        addr = L.adex_net_proj_var(self._net._h(), self._index, name.encode(),
                                   ctypes.byref(n))
        return _view(addr, n.value, ctypes.c_double, np.float64)

    def _own_vars(self):
        out = []
        for v in self._state:
            a = self._var(v)
            if a is not None:
                out.append((v, a))
        return out

    def __getattr__(self, key):
        if key in type(self)._state and key != "_state":
            a = self._var(key)
            if a is None:
                raise AttributeError("%s: the state exists once the network "
                                     "is built (its first run)" % key)
            return a
        raise AttributeError(key)

    def synapses(self):
        """(pre_ids, post_ids, weights, delays in ms) of the built
        projection, in its synapse order."""
        if self._net is None:
            raise ValueError("the synapses are drawn when the network is "
                             "built (its first run)")
        h = self._net._h()
        n = L.adex_net_proj_nsyn(h, self._index)
        pre = np.empty(n, dtype=np.uintp)
        post = np.empty(n, dtype=np.uintp)
        w = np.empty(n)
        d = np.empty(n)
        _lib.check(L.adex_net_proj_synapses(
            h, self._index, pre.ctypes.data_as(_netlib.PSIZE),
            post.ctypes.data_as(_netlib.PSIZE),
            w.ctypes.data_as(_netlib.PDOUBLE), d.ctypes.data_as(_netlib.PDOUBLE),
            None))
        return pre.astype(np.int64), post.astype(np.int64), w, d


def _synapse(model, params, state, weight_name="g_max", weight_default=1.0,
             doc=""):
    """A synapse class with BrainPy's constructor for `model`."""

    def __init__(self, pre, post, conn, conn_type="sparse", **kw):
        weight = kw.pop(weight_name, weight_default)
        delay_step = kw.pop("delay_step", None)
        method = kw.pop("method", "exp_auto")
        name = kw.pop("name", None)
        delay = kw.pop("delay", None)
        post_has_ref = kw.pop("post_has_ref", False) if model == "DeltaSynapse" else False
        kw.pop("post_key", "V") if model == "DeltaSynapse" else None
        TwoEndConn.__init__(self, pre, post, conn, conn_type, weight,
                            delay_step, method, name, delay, **kw)
        self.post_has_ref = bool(post_has_ref)

    def _config(self, pre_index, post_index, dt, keep):
        cfg = TwoEndConn._config(self, pre_index, post_index, dt, keep)
        cfg.post_has_ref = self.post_has_ref
        return cfg

    return type(model, (TwoEndConn,), {
        "__init__": __init__, "_config": _config, "_model": model,
        "_params": params, "_state": state, "_weight_name": weight_name,
        "__doc__": doc})


DeltaSynapse = _synapse("DeltaSynapse", {}, (), "weights", 1.0,
                        "post.V += sum of the weights of the spikes arriving.")
ExpCUBA = _synapse("ExpCUBA", {"tau": 8.0}, ("g",),
                   doc="g = g exp(-dt/tau) + arrivals; post.input += g.")
ExpCOBA = _synapse("ExpCOBA", {"tau": 8.0, "E": 0.0}, ("g",),
                   doc="ExpCUBA's g; post.input += g (E - post.V).")
DualExpCUBA = _synapse("DualExpCUBA", {"tau_decay": 10.0, "tau_rise": 1.0},
                       ("g", "h"), doc="Rise and decay, per pre neuron.")
DualExpCOBA = _synapse("DualExpCOBA", {"tau_decay": 10.0, "tau_rise": 1.0,
                                       "E": 0.0}, ("g", "h"))
AlphaCUBA = _synapse("AlphaCUBA", {"tau_decay": 10.0}, ("g", "h"))
AlphaCOBA = _synapse("AlphaCOBA", {"tau_decay": 10.0, "E": 0.0}, ("g", "h"))
NMDA = _synapse("NMDA", {"E": 0.0, "cc_Mg": 1.2, "alpha": 0.062,
                         "beta": 3.57, "tau_decay": 100.0, "a": 0.5,
                         "tau_rise": 2.0}, ("g", "x"), "g_max", 0.15)
AMPA = _synapse("AMPA", {"E": 0.0, "alpha": 0.98, "beta": 0.18, "T": 0.5,
                         "T_duration": 0.5}, ("g", "spike_arrival_time"),
                "g_max", 0.42)
GABAa = _synapse("GABAa", {"E": -80.0, "alpha": 0.53, "beta": 0.18,
                           "T": 1.0, "T_duration": 1.0},
                 ("g", "spike_arrival_time"), "g_max", 0.04)
STP = _synapse("STP", {"U": 0.15, "tau_f": 1500.0, "tau_d": 200.0,
                       "tau": 8.0, "A": 1.0}, ("x", "u", "I"))


# ------------------------------------------------------------- network


class Network(Base):
    """A container of populations and projections that updates them as
    one (``Network(*nodes, name=None, **named_nodes)``)."""

    def __init__(self, *ds_tuple, name=None, **ds_dict):
        super().__init__()
        self._name = self.unique_name(name)
        self._order = []
        for n in ds_tuple:
            if isinstance(n, (list, tuple)):
                for m in n:
                    self._append(None, m)
            elif isinstance(n, dict):
                for k, m in n.items():
                    self._append(k, m)
            else:
                self._append(None, n)
        for k, m in ds_dict.items():
            self._append(k, m)
        self._ptr = None
        self._adex_pops = []  # its AdExIF populations, once built
        self._dt = None

    def _append(self, key, node):
        if not isinstance(node, (AdExIF, _Source, TwoEndConn)):
            raise ValueError("a Network holds AdExIF, PoissonGroup, "
                             "SpikeTimeGroup and synapse objects, got %s"
                             % type(node))
        if any(node is m for _, m in self._order):
            return
        self._order.append((key if key is not None else node.name, node))

    def __getattr__(self, key):
        for k, m in self.__dict__.get("_order", ()):
            if k == key or m.name == key:
                return m
        raise AttributeError(key)

    def _child_nodes(self):
        return list(self._order)

    # the C engine
    def _h(self):
        if not self._ptr:
            raise ValueError("the network is built by its first run")
        return self._ptr

    def _build(self, dt, t0):
        if self._ptr:
            if abs(dt - self._dt) > 1e-12 * dt:
                raise ValueError("this network runs with dt = %g ms; it cannot "
                                 "change to %g" % (self._dt, dt))
            return
        groups = [m for _, m in self._order if not isinstance(m, TwoEndConn)]
        projs = [m for _, m in self._order if isinstance(m, TwoEndConn)]
        seen_group = False
        for _, m in self._order:
            if isinstance(m, TwoEndConn) and seen_group:
                raise NotSupportedError(
                    "adex updates all projections before all populations "
                    "(BrainPy's order for Network(*synapses, **neurons)); "
                    "give the synapses first")
            seen_group |= not isinstance(m, TwoEndConn)
        for g in groups:
            if isinstance(g, _Source) and g._net is not None and \
                    g._net is not self and g._net._ptr:
                raise ValueError("%s belongs to one network already (a spike "
                                 "source lives in one network)" % g.name)
        for p in projs:
            for end in (p.pre, p.post):
                if not any(end is g for g in groups):
                    raise ValueError("%s connects %s, which is not in the "
                                     "network" % (p.name, end.name))
        ptr = ctypes.c_void_p()
        _lib.check(L.adex_net_create(float(t0), float(dt), self.name.encode(),
                                     ctypes.byref(ptr)))
        self._ptr = ptr
        self._adex_pops = [g for g in groups if isinstance(g, AdExIF)]
        try:
            index = {}
            for g in groups:
                idx = ctypes.c_size_t()
                if isinstance(g, AdExIF):
                    self._check(L.adex_net_add_pop(ptr, g._h(), ctypes.byref(idx)))
                    index[id(g)] = idx.value
                else:
                    index[id(g)] = g._add(ptr)
            keep = []
            for p in projs:
                cfg = p._config(index[id(p.pre)], index[id(p.post)], dt, keep)
                idx = ctypes.c_size_t()
                self._check(L.adex_net_add_proj(ptr, ctypes.byref(cfg),
                                                ctypes.byref(idx)))
                p._attach(self, idx.value)
            self._check(L.adex_net_plan(ptr))
        except BaseException:
            L.adex_net_destroy(ptr)
            self._ptr = None
            for p in projs:
                p._net = None
            raise
        for g in groups:
            if isinstance(g, _Source):
                g._attach(self, index[id(g)])
        self._dt = dt

    def _check(self, status):
        if status != _lib.OK:
            _lib.check(status, L.adex_net_errmsg(self._ptr).decode())

    def __del__(self):
        ptr = getattr(self, "_ptr", None)
        if ptr:
            try:
                L.adex_net_destroy(ptr)
            except Exception:
                pass
            self._ptr = None

    @property
    def t(self):
        """Start time of the next step (ms); None before the first run."""
        return L.adex_net_time(self._ptr) if self._ptr else None

    def update(self, t=None, dt=None):
        """One step of the whole network (builds it on first use)."""
        self._build(0.1 if dt is None else dt, 0.0 if t is None else t)
        self._check(L.adex_net_step(self._ptr))
        self._warn_nonfinite(stacklevel=3)

    def _warn_nonfinite(self, stacklevel=2):
        """A RuntimeWarning per population whose updates met NaN or inf
        (AdExIF._warn_nonfinite)."""
        for g in self._adex_pops:
            g._warn_nonfinite(stacklevel=stacklevel + 1)

    def save_states(self, filename):
        """Every population's and projection's state, the delivery rings
        and the step count in one .h5/.npz file (docs/state-files.md)."""
        self._check(L.adex_net_save_states(self._h(), str(filename).encode()))

    def load_states(self, filename, verbose=False):
        """Load a file of save_states into this network (built the same
        way); checked whole before anything changes."""
        self._check(L.adex_net_load_states(self._h(), str(filename).encode(),
                                           1 if verbose else 0, None))


# ------------------------------------------------------------- runner


class _Monitor(dict):
    """runner.mon: ``mon['E.spike']`` and ``mon.ts``."""

    def __getattr__(self, key):
        try:
            return self[key]
        except KeyError:
            raise AttributeError(key)


class _Rows:
    """An 'iter' input given as an array: one row per step, consumed across
    runs as BrainPy's iterators are."""

    def __init__(self, data):
        self.data = data
        self.pos = 0

    def __next__(self):
        if self.pos >= len(self.data):
            raise ValueError("the 'iter' input has %d rows, the run needs "
                             "more" % len(self.data))
        self.pos += 1
        return self.data[self.pos - 1]

    def rows(self, steps):
        if self.pos + steps > len(self.data):
            raise ValueError("the 'iter' input has %d rows left, the run "
                             "has %d steps" % (len(self.data) - self.pos,
                                                steps))
        self.pos += steps
        return self.data[self.pos - steps:self.pos]


class DSRunner:
    """Runs a network (or one node) with inputs and monitors, BrainPy's
    ``DSRunner(target, monitors=None, inputs=(), dt=None)``.

    monitors: keys relative to the target ('E.spike', 'E.V',
    'ExpCOBA0.g'), a list of them or of (key, indices), or a dict name ->
    key. inputs: (key, value[, type[, op]]) with type 'fix' (a number or an
    array), 'iter' (one row per step) or 'func' (called with (t, dt)), op
    '+' (default), '-', '*', '/' or '='. After ``run(duration)``,
    ``runner.mon[key]`` holds one row per step and ``runner.mon.ts`` the
    times the rows belong to (the end of each step, as BrainPy)."""

    def __init__(self, target, monitors=None, inputs=(), dt=None,
                 progress_bar=True, **kwargs):
        if not isinstance(target, Network):
            target = Network(target)
        self.target = target
        self.dt = 0.1 if dt is None else _num(dt, "dt", positive=True)
        self.progress_bar = progress_bar
        self._monitors = self._parse_monitors(monitors)
        self._inputs = [self._parse_input(i) for i in inputs]
        self.mon = _Monitor()

    def _node_var(self, key):
        if "." not in key:
            nodes = [m for _, m in self.target._order]
            if len(nodes) != 1:
                raise ValueError("monitor/input key %r needs a node name "
                                 "('E.V')" % key)
            return nodes[0], key
        node_name, var = key.rsplit(".", 1)
        for k, m in self.target._order:
            if k == node_name or m.name == node_name:
                return m, var
        raise KeyError("no node %r in the network (known: %s)"
                       % (node_name, ", ".join(k for k, _ in self.target._order)))

    def _parse_monitors(self, monitors):
        out = []
        if monitors is None:
            return out
        items = monitors.items() if isinstance(monitors, dict) else \
            [(m if isinstance(m, str) else m[0], m) for m in monitors]
        for name, spec in items:
            key, idx = (spec, None) if isinstance(spec, str) else spec
            node, var = self._node_var(key)
            if idx is not None:
                idx = np.asarray(idx, dtype=np.int64)
            out.append((name, node, var, idx))
        return out

    def _parse_input(self, spec):
        if not isinstance(spec, (tuple, list)) or not 2 <= len(spec) <= 4:
            raise ValueError("an input is (key, value[, type[, op]]), got %r"
                             % (spec,))
        key, value = spec[0], spec[1]
        kind = spec[2] if len(spec) > 2 else "fix"
        op = spec[3] if len(spec) > 3 else "+"
        if kind not in ("fix", "iter", "func"):
            raise ValueError("input type must be 'fix', 'iter' or 'func', got "
                             "%r" % (kind,))
        if op not in ("+", "-", "*", "/", "="):
            raise ValueError("input op must be +, -, *, / or =, got %r" % (op,))
        node, var = self._node_var(key)
        if not isinstance(node, AdExIF) or var not in ("input", "V", "w"):
            raise ValueError("inputs go to a population's input, V or w, not "
                             "%r" % key)
        if kind == "iter" and not hasattr(value, "__next__") and \
                not isinstance(value, Stream):
            value = _Rows(np.asarray(value, dtype=float))
        return node, var, value, kind, op

    def _read(self, node, var):
        if isinstance(node, TwoEndConn):
            a = node._var(var)
            if a is None:
                raise KeyError("%s has no variable %r" % (node.name, var))
            return a
        if isinstance(node, _Source):
            if var != "spike":
                raise KeyError("%s has only 'spike'" % node.name)
            return node.spike
        return getattr(node, var)

    def _apply(self, node, var, value, kind, op, t):
        if isinstance(value, Stream):
            v = value.next_values(node.num, self.dt)
        elif kind == "fix":
            v = value
        elif kind == "iter":
            v = next(value)  # _Rows or the user's iterator
        else:
            v = value(t, self.dt)
        arr = getattr(node, var)
        if op == "+":
            arr += v
        elif op == "-":
            arr -= v
        elif op == "*":
            arr *= v
        elif op == "/":
            arr /= v
        else:
            arr[...] = v

    def _run_in_c(self, net, steps):
        """The whole loop in C (adex_net_run_io) when every input is a
        number, an array per neuron, or an array of rows per step; False
        (nothing done) when one needs Python ('func', generators)."""
        if any(kind == "func" or (kind == "iter" and
                                  not isinstance(value, (_Rows, Stream)))
               for _, _, value, kind, _ in self._inputs):
            return False
        ins, keep = [], []
        index = {}
        for i, (_, m) in enumerate(
                [o for o in net._order if not isinstance(o[1], TwoEndConn)]):
            index[id(m)] = i
        for node, var, value, kind, op in self._inputs:
            spec = _netlib.NetInput()
            spec.pop = index[id(node)]
            spec.var = var.encode()
            spec.op = op.encode()
            if isinstance(value, Stream):
                spec.input.kind = _lib.RUN_INPUT_GEN
                spec.input.gen = value.handle(node.num, self.dt)
            elif kind == "iter":
                rows = np.ascontiguousarray(np.broadcast_to(
                    value.rows(steps), (steps, node.num)), dtype=float)
                keep.append(rows)
                spec.input.kind = _lib.RUN_INPUT_STEP
                spec.input.data = rows.ctypes.data_as(_netlib.PDOUBLE)
            elif np.ndim(value) == 0:
                spec.input.kind = _lib.RUN_INPUT_SCALAR
                spec.input.value = float(value)
            else:
                arr = np.ascontiguousarray(np.broadcast_to(
                    np.asarray(value, dtype=float).reshape(-1)
                    if np.size(value) == node.num else value, (node.num,)),
                    dtype=float)
                keep.append(arr)
                spec.input.kind = _lib.RUN_INPUT_NEURON
                spec.input.data = arr.ctypes.data_as(_netlib.PDOUBLE)
            ins.append(spec)
        mons = []
        for name, node, var, idx in self._monitors:
            out = self.mon[name]
            spec = _netlib.NetMonitor()
            spec.key = ("%s.%s" % (node.name, var)).encode()
            if idx is not None:
                ii = np.ascontiguousarray(idx, dtype=np.uintp)
                keep.append(ii)
                spec.indices = ii.ctypes.data_as(_netlib.PSIZE)
                spec.n_indices = ii.size
            spec.dtype = (_lib.DTYPE_BOOL if out.dtype == bool else
                          _lib.DTYPE_F32 if out.dtype == np.float32 else
                          _lib.DTYPE_F64)
            spec.out = out.ctypes.data
            mons.append(spec)
        n_in, n_mon = len(ins), len(mons)
        in_arr = (_netlib.NetInput * max(n_in, 1))(*ins)
        mon_arr = (_netlib.NetMonitor * max(n_mon, 1))(*mons)
        done = ctypes.c_size_t()
        bar = _Progress(self.progress_bar, steps, self.dt, net.t)
        caught = []

        def on_progress(_user, n, total):
            if caught:
                return 1
            try:
                bar.update(n)
                return 0
            except BaseException as e:  # KeyboardInterrupt and the like
                caught.append(e)
                return 1

        # Ctrl-C: a flag stops the run at the next progress call; the
        # KeyboardInterrupt is raised after it, with what was recorded.
        old = None
        if threading.current_thread() is threading.main_thread() and \
                signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            old = signal.signal(signal.SIGINT,
                                lambda s, f: caught.append(KeyboardInterrupt()))
        cb = _netlib.PROGRESS(on_progress)
        try:
            status = L.adex_net_run_io(net._h(), steps, in_arr, n_in, mon_arr,
                                       n_mon, cb, None, ctypes.byref(done))
        finally:
            bar.end()
            if old is not None:
                signal.signal(signal.SIGINT, old)
        net._check(status)
        self._done = done.value
        if caught:
            raise caught[0]
        return True

    def run(self, duration, start_t=None):
        """Run for `duration` ms (BrainPy's steps of np.arange(start, start
        + duration, dt), counted by the library's rule: adex_run_steps);
        returns the wall time (s)."""
        duration = _num(duration, "duration")
        net = self.target
        start = net.t if net.t is not None else (
            0.0 if start_t is None else _num(start_t, "start_t"))
        if start_t is not None and net.t is not None and \
                abs(float(start_t) - net.t) > 1e-9 * max(1.0, abs(net.t)):
            raise ValueError("this network continues from t = %g ms; start_t "
                             "= %g would skip or repeat time" % (net.t, start_t))
        net._build(self.dt, start)
        steps = _lib.run_steps(duration, self.dt)
        h = net._h()
        views = []
        for name, node, var, idx in self._monitors:
            src = self._read(node, var)
            shape = (steps,) + ((idx.size,) if idx is not None else src.shape)
            out = np.empty(shape, dtype=src.dtype)
            views.append((out, src, idx))
            self.mon[name] = out
        t0 = time.time()
        self._done = 0
        try:
            if not self._run_in_c(net, steps):
                bar = _Progress(self.progress_bar, steps, self.dt, start)
                try:
                    for k in range(steps):
                        t = L.adex_net_time(h)
                        for node, var, value, kind, op in self._inputs:
                            self._apply(node, var, value, kind, op, t)
                        net._check(L.adex_net_step(h))
                        for out, src, idx in views:
                            out[k] = src if idx is None else src[idx]
                        self._done = k + 1
                        bar.update(k + 1)
                finally:
                    bar.end()
        finally:
            # a stopped run keeps the rows of the steps it did
            for name, _, _, _ in self._monitors:
                self.mon[name] = self.mon[name][:self._done]
            self.mon["ts"] = start + (np.arange(self._done) + 1.0) * self.dt
            net._warn_nonfinite(stacklevel=3)
        return time.time() - t0
