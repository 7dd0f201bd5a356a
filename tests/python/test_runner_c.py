"""The C runner (adex_pop_run, include/adex/runner.h) called directly
through ctypes: progress calls, stopping, and its checks."""

import ctypes

import numpy as np

import adex
from adex import _lib

L = _lib.lib


def call_run(pop, steps, monitors=(), inp=None, progress=None, dt=0.1,
             t0=0.0):
    mons = (_lib.RunMonitor * max(1, len(monitors)))(*monitors)
    done = ctypes.c_size_t(99)
    cb = _lib.PROGRESS_FN(progress) if progress else _lib.PROGRESS_FN()
    st = L.adex_pop_run(pop._h(), t0, dt, steps,
                        ctypes.byref(inp) if inp is not None else None,
                        mons if monitors else None, len(monitors), cb, None,
                        ctypes.byref(done))
    return st, done.value


def monitor(var, out, dtype, indices=None):
    m = _lib.RunMonitor(var=var, dtype=dtype, out=out.ctypes.data)
    if indices is not None:
        m.indices = indices.ctypes.data_as(ctypes.POINTER(ctypes.c_size_t))
        m.n_indices = indices.size
    return m


def test_progress_every_and_stop(pops):
    assert L.adex_run_progress_every(1000) == 10
    assert L.adex_run_progress_every(50) == 1
    assert L.adex_run_progress_every(0) == 1
    pop = pops(3)
    calls = []

    def record(user, done, total):
        calls.append((done, total))
        return 0

    st, done = call_run(pop, 250, progress=record)
    assert st == _lib.OK and done == 250
    assert calls[0] == (2, 250) and calls[-1] == (250, 250)
    assert all(b - a == 2 for (a, _), (b, _) in zip(calls, calls[1:]))

    out = np.full((100, 3), -1.0)
    st, done = call_run(pop, 100, [monitor(b"V", out, _lib.DTYPE_F64)],
                        progress=lambda u, d, t: int(d >= 30))
    assert st == _lib.OK and done == 30
    assert np.all(out[30:] == -1.0) and np.all(out[:30] != -1.0)


def test_input_kinds_and_indices(pops):
    pop = pops(4, V_initializer=adex.init.Constant(-65.0))
    data = np.arange(12.0).reshape(3, 4) * 10
    inp = _lib.RunInput(kind=_lib.RUN_INPUT_STEP,
                        data=data.ctypes.data_as(ctypes.POINTER(
                            ctypes.c_double)))
    idx = np.array([3, 3, 0], dtype=np.uintp)
    V = np.empty((3, 3))
    sp = np.empty((3, 4), dtype=bool)
    st, done = call_run(pop, 3, [monitor(b"V", V, _lib.DTYPE_F64, idx),
                                 monitor(b"spike", sp, _lib.DTYPE_BOOL)],
                        inp=inp)
    assert st == _lib.OK and done == 3
    ref = pops(4, V_initializer=adex.init.Constant(-65.0))
    for k in range(3):
        ref.input[:] = data[k]
        ref.update(k * 0.1, 0.1)
        np.testing.assert_array_equal(V[k], ref.V[[3, 3, 0]])


def test_checks_change_nothing(pops):
    pop = pops(2, V_initializer=adex.init.Constant(-65.0))
    V0 = pop.V.copy()
    out = np.empty((5, 2))
    bad = [
        (dict(monitors=[monitor(b"V", out, _lib.DTYPE_BOOL)]), _lib.EINVAL),
        (dict(monitors=[monitor(b"nope", out, _lib.DTYPE_F64)]), _lib.EKEY),
        (dict(monitors=[monitor(b"V", out, _lib.DTYPE_F64,
                                np.array([2], dtype=np.uintp))]),
         _lib.ERANGE),
        (dict(dt=0.0), _lib.EINVAL),
        (dict(dt=float("nan")), _lib.EINVAL),
        (dict(t0=float("inf")), _lib.EINVAL),
        (dict(inp=_lib.RunInput(kind=7)), _lib.EINVAL),
        (dict(inp=_lib.RunInput(kind=_lib.RUN_INPUT_NEURON)), _lib.EINVAL),
        (dict(inp=_lib.RunInput(kind=_lib.RUN_INPUT_SCALAR,
                                value=float("nan"))), _lib.EINVAL),
    ]
    for kw, want in bad:
        st, done = call_run(pop, 5, **kw)
        assert st == want, (kw, _lib.errmsg())
        assert done == 0
        assert _lib.errmsg() != ""
        np.testing.assert_array_equal(pop.V, V0)
    m = _lib.RunMonitor(var=b"V", dtype=_lib.DTYPE_F64)  # NULL buffer
    assert call_run(pop, 5, [m])[0] == _lib.EINVAL
    assert call_run(pop, 0, [m])[0] == _lib.OK  # nothing to write
    many = [monitor(b"V", out, _lib.DTYPE_F64)] * 65
    assert call_run(pop, 5, many)[0] == _lib.ESIZE


def test_abi_sizes_match_the_binding():
    for name, py in [("adex_init", _lib.Init), ("adex_var", _lib.Var),
                     ("adex_run_monitor", _lib.RunMonitor),
                     ("adex_run_input", _lib.RunInput)]:
        assert L.adex_abi_sizeof(name.encode()) == ctypes.sizeof(py)
    assert L.adex_abi_sizeof(b"adex_pop_config") >= ctypes.sizeof(
        _lib.PopConfig)
    assert L.adex_abi_sizeof(b"nothing") == 0
    assert L.adex_abi_sizeof(None) == 0


def test_refused_dt_changes_nothing(pops):
    pop = pops(2, method="euler", tau_w=0.01,
               V_initializer=adex.init.Constant(-65.0))
    pop.input[:] = [1.0, 2.0]
    inp = _lib.RunInput(kind=_lib.RUN_INPUT_SCALAR, value=5.0)
    st, done = call_run(pop, 10, inp=inp)
    assert st == _lib.ERANGE and done == 0
    assert "dt" in _lib.errmsg()
    assert pop.input.tolist() == [1.0, 2.0] and np.all(pop.V == -65.0)
    st, done = call_run(pop, 10, inp=inp, dt=0.01)  # a stable dt runs
    assert st == _lib.OK and done == 10
