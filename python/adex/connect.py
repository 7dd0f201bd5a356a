"""Connectors with BrainPy's names and parameters (``brainpy.connect``).

A connector says which pre neuron reaches which post neuron. It is drawn by
the C library (docs/networks.md, *Connectors*): random connectors from
counter-based streams keyed by the seed and the neuron that owns the draw,
so the same seed gives the same synapses on any number of threads. BrainPy
draws with numpy's generator: the two agree in distribution, not pair by
pair. ``seed=None`` draws a seed once from the operating system (read it
back as ``.seed``).

As in BrainPy, ``conn(pre_size, post_size)`` fixes the sizes and
``conn.require('pre2post' | 'pre_ids' | 'post_ids' | 'conn_mat' | 'csr'
| 'ij')`` gives the structures: ``pre_ids``/``post_ids`` are the synapses
in the projection's synapse order (by pre index, then by post index; IJ
and CSR: the order given), ``conn_mat`` the (pre, post) bool matrix,
``pre2post``/``csr`` the (indices, indptr) pair.
"""

import ctypes
import numbers

import numpy as np

from . import _lib, _netlib
from .init import _seed

__all__ = ["TwoEndConnector", "One2One", "All2All", "FixedProb",
           "FixedPreNum", "FixedPostNum", "IJConn", "CSRConn", "MatConn",
           "GaussianProb", "GridFour", "GridEight", "GridN",
           "one2one", "all2all"]


def _size(s):
    if isinstance(s, (numbers.Integral, np.integer)) and not isinstance(
            s, (bool, np.bool_)):
        s = (int(s),)
    s = tuple(int(x) for x in s)
    if not s or any(x < 1 for x in s):
        raise ValueError("sizes must be positive, got %r" % (s,))
    return s


class TwoEndConnector:
    """Base class: a connector between two populations."""

    _kind = None

    def __init__(self):
        self.pre_size = self.post_size = None
        self.pre_num = self.post_num = None

    def __call__(self, pre_size, post_size):
        self.pre_size, self.post_size = _size(pre_size), _size(post_size)
        self.pre_num = int(np.prod(self.pre_size))
        self.post_num = int(np.prod(self.post_size))
        return self

    # the C struct (and arrays it points to, kept alive in `keep`)
    def _c_conn(self, pre_num, post_num, keep):
        c = _netlib.Conn()
        c.kind = self._kind
        c.include_self = True
        return c

    def require(self, *structures):
        """The connection structures by BrainPy's names (one value, or a
        tuple for several)."""
        if self.pre_num is None:
            raise ValueError("call the connector with the sizes first: "
                             "conn(pre_size, post_size)")
        pre, post = _draw(self, self.pre_num, self.post_num, same=False)
        out = []
        for s in structures:
            if s == "pre_ids":
                out.append(pre)
            elif s == "post_ids":
                out.append(post)
            elif s == "ij":
                out.append((pre, post))
            elif s == "conn_mat":
                m = np.zeros((self.pre_num, self.post_num), dtype=bool)
                m[pre, post] = True
                out.append(m)
            elif s in ("pre2post", "csr"):
                indptr = np.zeros(self.pre_num + 1, dtype=np.int64)
                np.add.at(indptr, pre + 1, 1)
                out.append((post.copy(), np.cumsum(indptr)))
            else:
                raise ValueError("unknown structure %r (known: pre_ids, "
                                 "post_ids, ij, conn_mat, pre2post, csr)" % s)
        return out[0] if len(out) == 1 else tuple(out)


def _draw(conn, pre_num, post_num, same):
    """Draw the synapses of `conn` in C (a throwaway network of a source
    and a target of these sizes); (pre_ids, post_ids) in synapse order."""
    from .neurons import AdExIF
    L = _netlib.lib
    net = ctypes.c_void_p()
    _lib.check(L.adex_net_create(0.0, 0.1, None, ctypes.byref(net)))
    try:
        post = AdExIF(post_num)
        idx = ctypes.c_size_t()
        freqs = (ctypes.c_double * 1)(0.0)
        if same:
            _lib.check(L.adex_net_add_pop(net, post._h(), ctypes.byref(idx)))
            pre_i = post_i = idx.value
        else:
            _lib.check(L.adex_net_add_poisson(net, pre_num, freqs, 1, 0, None,
                                              ctypes.byref(idx)))
            pre_i = idx.value
            _lib.check(L.adex_net_add_pop(net, post._h(), ctypes.byref(idx)))
            post_i = idx.value
        keep = []
        cfg = _netlib.ProjConfig()
        L.adex_proj_config_default(ctypes.byref(cfg), 1, pre_i, post_i,
                                   conn._c_conn(pre_num, post_num, keep))
        _lib.check(L.adex_net_add_proj(net, ctypes.byref(cfg), None))
        _lib.check(L.adex_net_plan(net))
        n = L.adex_net_proj_nsyn(net, 0)
        pre = np.empty(n, dtype=np.uintp)
        pst = np.empty(n, dtype=np.uintp)
        P = ctypes.POINTER(ctypes.c_size_t)
        _lib.check(L.adex_net_proj_synapses(
            net, 0, pre.ctypes.data_as(P), pst.ctypes.data_as(P), None, None,
            None))
        return pre.astype(np.int64), pst.astype(np.int64)
    finally:
        L.adex_net_destroy(net)


class One2One(TwoEndConnector):
    """i -> i (pre and post of one size)."""
    _kind = _netlib.CONN_ONE2ONE


one2one = One2One()


class All2All(TwoEndConnector):
    """Every pair; i -> i within one population only with include_self."""
    _kind = _netlib.CONN_ALL2ALL

    def __init__(self, include_self=True):
        super().__init__()
        self.include_self = bool(include_self)

    def _c_conn(self, pre_num, post_num, keep):
        c = super()._c_conn(pre_num, post_num, keep)
        c.include_self = self.include_self
        return c


all2all = All2All(include_self=True)


class FixedProb(TwoEndConnector):
    """Each pair independently with probability prob."""
    _kind = _netlib.CONN_FIXED_PROB

    def __init__(self, prob, include_self=True, seed=None):
        super().__init__()
        prob = float(prob)
        if not 0.0 <= prob <= 1.0:
            raise ValueError("prob must be in [0, 1], got %r" % prob)
        self.prob = prob
        self.include_self = bool(include_self)
        self.seed = _seed(seed)

    def _c_conn(self, pre_num, post_num, keep):
        c = super()._c_conn(pre_num, post_num, keep)
        c.prob, c.include_self, c.seed = self.prob, self.include_self, self.seed
        return c


class _FixedNum(TwoEndConnector):
    """num: a count, or a fraction (float < 1) of the other side's size."""

    def __init__(self, num, include_self=True, seed=None):
        super().__init__()
        if isinstance(num, (bool, np.bool_)) or not isinstance(
                num, (numbers.Real, np.integer, np.floating)) or num < 0:
            raise ValueError("num must be a count >= 0 or a fraction in "
                             "[0, 1), got %r" % (num,))
        self.num = num
        self.include_self = bool(include_self)
        self.seed = _seed(seed)

    def _count(self, n):
        if isinstance(self.num, (float, np.floating)) and self.num < 1.0:
            return int(self.num * n)
        return int(self.num)

    def _c_conn(self, pre_num, post_num, keep):
        c = super()._c_conn(pre_num, post_num, keep)
        c.num = self._count(self._of(pre_num, post_num))
        c.include_self, c.seed = self.include_self, self.seed
        return c


class FixedPreNum(_FixedNum):
    """Each post neuron gets exactly num distinct pre neurons."""
    _kind = _netlib.CONN_FIXED_PRE_NUM

    @staticmethod
    def _of(pre_num, post_num):
        return pre_num


class FixedPostNum(_FixedNum):
    """Each pre neuron reaches exactly num distinct post neurons."""
    _kind = _netlib.CONN_FIXED_POST_NUM

    @staticmethod
    def _of(pre_num, post_num):
        return post_num


def _index_array(x, what):
    a = np.asarray(x)
    if a.ndim != 1 or not (np.issubdtype(a.dtype, np.integer) or a.size == 0):
        raise ValueError("%s must be a 1-d array of integers" % what)
    if a.size and a.min() < 0:
        raise ValueError("%s must not be negative" % what)
    return np.ascontiguousarray(a, dtype=np.uintp)


class IJConn(TwoEndConnector):
    """The pairs (i[m], j[m]) given, in that order (repeats allowed)."""
    _kind = _netlib.CONN_IJ

    def __init__(self, i, j):
        super().__init__()
        self.i = _index_array(i, "i")
        self.j = _index_array(j, "j")
        if self.i.size != self.j.size:
            raise ValueError("i and j must have one length, got %d and %d"
                             % (self.i.size, self.j.size))

    def _c_conn(self, pre_num, post_num, keep):
        c = super()._c_conn(pre_num, post_num, keep)
        P = ctypes.POINTER(ctypes.c_size_t)
        c.i = self.i.ctypes.data_as(P)
        c.j = self.j.ctypes.data_as(P)
        c.n_pairs = self.i.size
        keep += [self.i, self.j]
        return c


class CSRConn(TwoEndConnector):
    """Pre i reaches indices[inptr[i]:inptr[i+1]] (BrainPy's CSRConn)."""
    _kind = _netlib.CONN_CSR

    def __init__(self, indices, inptr):
        super().__init__()
        self.indices = _index_array(indices, "indices")
        self.inptr = _index_array(inptr, "inptr")

    def _c_conn(self, pre_num, post_num, keep):
        if self.inptr.size != pre_num + 1:
            raise ValueError("inptr must have pre size + 1 = %d values, got %d"
                             % (pre_num + 1, self.inptr.size))
        c = super()._c_conn(pre_num, post_num, keep)
        P = ctypes.POINTER(ctypes.c_size_t)
        c.indices = self.indices.ctypes.data_as(P)
        c.indptr = self.inptr.ctypes.data_as(P)
        keep += [self.indices, self.inptr]
        return c


class MatConn(IJConn):
    """The true entries of a (pre, post) matrix, by pre then post."""

    def __init__(self, conn_mat):
        m = np.asarray(conn_mat)
        if m.ndim != 2:
            raise ValueError("conn_mat must be a 2-d matrix, got shape %s"
                             % (m.shape,))
        self.shape = m.shape
        i, j = np.nonzero(m)
        super().__init__(i, j)

    def _c_conn(self, pre_num, post_num, keep):
        if self.shape != (pre_num, post_num):
            raise ValueError("conn_mat has shape %s, the projection needs "
                             "(%d, %d)" % (self.shape, pre_num, post_num))
        return super()._c_conn(pre_num, post_num, keep)


class _OneEnd(TwoEndConnector):
    """BrainPy's one-end connectors: pre and post of one size, positions
    on the pre population's shape (the shape given by conn(pre_size,
    post_size), else the population's own)."""

    def _c_conn(self, pre_num, post_num, keep):
        c = super()._c_conn(pre_num, post_num, keep)
        if self.pre_size is not None and int(np.prod(self.pre_size)) == pre_num:
            if len(self.pre_size) > 4:
                raise ValueError("at most 4 dimensions, got %r"
                                 % (self.pre_size,))
            c.ndim = len(self.pre_size)
            for d, n in enumerate(self.pre_size):
                c.shape[d] = n
        return c


class GaussianProb(_OneEnd):
    """BrainPy's GaussianProb: the pair (i, j) with probability
    exp(-|v_i - v_j|^2 / (2 sigma^2)), v the neurons' positions (their
    indices, or encoding_values ranges per axis), wrapping with
    periodic_boundary; drawn in C from the post neuron's stream."""
    _kind = _netlib.CONN_GAUSSIAN_PROB

    def __init__(self, sigma, encoding_values=None, normalize=True,
                 include_self=True, periodic_boundary=False, seed=None):
        super().__init__()
        self.sigma = float(sigma)
        if not (np.isfinite(self.sigma) and self.sigma > 0):
            raise ValueError("sigma must be finite and > 0, got %r" % sigma)
        self.encoding_values = encoding_values
        self.normalize = bool(normalize)
        self.include_self = bool(include_self)
        self.periodic_boundary = bool(periodic_boundary)
        self.seed = _seed(seed)

    def _ranges(self):
        ev = self.encoding_values
        if ev is None:
            return []
        if not isinstance(ev, (tuple, list)) or len(ev) == 0:
            raise ValueError("encoding_values must be (min, max) or one "
                             "(min, max) per dimension, got %r" % (ev,))
        if isinstance(ev[0], (int, float, np.integer, np.floating)):
            ev = [ev]
        out = []
        for r in ev:
            if len(r) != 2 or not float(r[0]) < float(r[1]):
                raise ValueError("an encoding range is (min, max) with min < "
                                 "max, got %r" % (r,))
            out.append((float(r[0]), float(r[1])))
        return out

    def _c_conn(self, pre_num, post_num, keep):
        c = super()._c_conn(pre_num, post_num, keep)
        c.sigma = self.sigma
        c.normalize = self.normalize
        c.include_self = self.include_self
        c.periodic = self.periodic_boundary
        c.seed = self.seed
        ranges = self._ranges()
        if len(ranges) > 4:
            raise ValueError("at most 4 encoding ranges")
        c.n_ranges = len(ranges)
        for d, (lo, hi) in enumerate(ranges):
            c.ranges[d][0], c.ranges[d][1] = lo, hi
        return c


class GridN(_OneEnd):
    """BrainPy's GridN: on a 1-D or 2-D grid, each neuron reaches the
    (2N+1) x (2N+1) square around it (inside the grid), itself only with
    include_self."""
    _kind = _netlib.CONN_GRID_N

    def __init__(self, N=1, include_self=False):
        super().__init__()
        if int(N) != N or N < 0:
            raise ValueError("N must be an integer >= 0, got %r" % (N,))
        self.N = int(N)
        self.include_self = bool(include_self)

    def _c_conn(self, pre_num, post_num, keep):
        c = super()._c_conn(pre_num, post_num, keep)
        c.grid_n = self.N
        c.include_self = self.include_self
        return c


class GridEight(GridN):
    """BrainPy's GridEight: GridN with N = 1."""

    def __init__(self, include_self=False):
        super().__init__(N=1, include_self=include_self)


class GridFour(_OneEnd):
    """BrainPy's GridFour: the 4 nearest neighbours on a 1-D or 2-D grid."""
    _kind = _netlib.CONN_GRID_FOUR

    def __init__(self, include_self=False):
        super().__init__()
        self.include_self = bool(include_self)

    def _c_conn(self, pre_num, post_num, keep):
        c = super()._c_conn(pre_num, post_num, keep)
        c.include_self = self.include_self
        return c


def as_connector(conn):
    """A connector from what BrainPy's synapses accept: a connector, a
    (pre, post) matrix, (pre_ids, post_ids) arrays, or a dict with 'i'/'j'
    or 'indices'/'indptr'."""
    if isinstance(conn, TwoEndConnector):
        return conn
    if isinstance(conn, dict):
        if "i" in conn and "j" in conn:
            return IJConn(conn["i"], conn["j"])
        if "indices" in conn and ("indptr" in conn or "inptr" in conn):
            return CSRConn(conn["indices"], conn.get("indptr", conn.get("inptr")))
        raise ValueError("a conn dict needs 'i' and 'j', or 'indices' and "
                         "'indptr'")
    if isinstance(conn, tuple) and len(conn) == 2:
        return IJConn(conn[0], conn[1])
    if isinstance(conn, np.ndarray) and conn.ndim == 2:
        return MatConn(conn)
    raise ValueError("conn must be a connector, a (pre, post) matrix or "
                     "(pre_ids, post_ids) arrays, got %r" % (type(conn),))
