"""AdExIF.drive: the constant per-neuron current of the library
(adex_pop_enable_drive), added to input by every update. A drive I gives
the same bits as writing I into input before every update; it is a
zero-copy view; it is not state (reset, vars(), state files leave it out).
"""

import numpy as np
import pytest

import adex

REST = dict(V_initializer=adex.init.Constant(-65.0))
# From silent to fast spiking (rheobase ~ 5 with the default parameters).
I = np.array([0.0, 2.0, 6.0, 20.0, 45.0, 90.0])
CASES = [(m, d) for m in ("exp_auto", "rk4") for d in ("float64", "float32")]


def _state(pop):
    return (pop.V.copy(), pop.w.copy(), pop.spike.copy(),
            pop.t_last_spike.copy())


def _assert_same(a, b, where):
    for name, x, y in zip(("V", "w", "spike", "t_last_spike"), a, b):
        assert x.dtype == y.dtype, (where, name)
        assert np.array_equal(x, y), (where, name)


@pytest.mark.parametrize("method,dtype", CASES)
def test_drive_equals_input_every_step(pops, method, dtype):
    a = pops(I.size, method=method, dtype=dtype, **REST)
    b = pops(I.size, method=method, dtype=dtype, **REST)
    a.drive = I
    assert a.drive.dtype == np.dtype(dtype)
    spikes = 0
    dt = 0.05
    for k in range(400):
        b.input = I
        a.update(k * dt, dt)
        b.update(k * dt, dt)
        _assert_same(_state(a), _state(b), k)
        assert np.all(a.input == 0) and np.all(b.input == 0)
        spikes += int(a.spike.sum())
    assert spikes > 10  # the comparison covered resets too
    assert a.spike.dtype == np.bool_ and not a.spike[0]


@pytest.mark.parametrize("method,dtype", CASES)
def test_drive_plus_input(pops, method, dtype):
    """drive D with input J each step == input D + J each step."""
    a = pops(I.size, method=method, dtype=dtype, **REST)
    b = pops(I.size, method=method, dtype=dtype, **REST)
    D = I.astype(dtype)
    a.drive = D
    rng = np.random.default_rng(1)
    dt = 0.1
    for k in range(200):
        J = rng.uniform(-5.0, 5.0, I.size).astype(dtype)
        a.input = J
        b.input = D + J  # addition commutes bit for bit
        a.update(k * dt, dt)
        b.update(k * dt, dt)
        _assert_same(_state(a), _state(b), k)


@pytest.mark.parametrize("method,dtype", CASES)
def test_run_without_inputs(pops, method, dtype):
    a = pops(I.size, method=method, dtype=dtype, **REST)
    b = pops(I.size, method=method, dtype=dtype, **REST)
    a.drive = I
    mons = ["V", "w", "spike", "t_last_spike"]
    ra = adex.run(a, 30.0, dt=0.1, monitors=mons, progress=False)
    rb = adex.run(b, 30.0, dt=0.1, inputs=I, monitors=mons, progress=False)
    assert ra["spike"].sum() > 10
    for m in mons:
        assert ra[m].dtype == rb[m].dtype, m
        assert np.array_equal(ra[m], rb[m]), m
    _assert_same(_state(a), _state(b), "end")
    np.testing.assert_array_equal(a.drive, I.astype(dtype))  # untouched


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_view_is_zero_copy(pops, dtype):
    pop = pops(5, dtype=dtype, **REST)
    ref = pops(5, dtype=dtype, **REST)
    d = pop.drive
    assert d is pop.drive  # one view, made on first access
    assert d.shape == (5,) and d.dtype == np.dtype(dtype)
    assert np.all(d == 0)  # allocated as zeros
    assert not d.flags.owndata and d.flags.writeable
    # a write into the returned array changes the next update
    d[2] = 30.0
    pop.update(0.0, 0.1)
    ref.input = [0.0, 0.0, 30.0, 0.0, 0.0]
    ref.update(0.0, 0.1)
    _assert_same(_state(pop), _state(ref), "write")
    assert pop.V[2] != pop.V[0]
    # assignment writes into the same memory
    pop.drive = 7.0
    assert np.all(d == 7.0) and d is pop.drive
    pop.drive += 1.0  # in place through the view
    assert np.all(d == 8.0)
    pop.drive = d  # assigning the view itself changes nothing
    assert np.all(pop.drive == 8.0)


def test_zero_drive_changes_nothing(pops):
    a = pops(4, **REST)
    b = pops(4, **REST)
    assert np.all(a.drive == 0)
    for k in range(50):
        a.input = 10.0
        b.input = 10.0
        a.update(k * 0.1, 0.1)
        b.update(k * 0.1, 0.1)
    _assert_same(_state(a), _state(b), "zero drive")


def test_keep_size_and_broadcast(pops):
    pop = pops((2, 3), keep_size=True)
    assert pop.drive.shape == (2, 3) and pop.drive.dtype == np.float64
    pop.drive = [1.0, 2.0, 3.0]  # broadcast along the first axis
    np.testing.assert_array_equal(pop.drive, [[1, 2, 3], [1, 2, 3]])
    pop.drive = [[4.0], [5.0]]
    np.testing.assert_array_equal(pop.drive, [[4, 4, 4], [5, 5, 5]])
    pop.drive = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(pop.drive.ravel(), np.arange(6.0))
    pop.drive = np.int64(3)
    assert np.all(pop.drive == 3.0)
    flat = pops((2, 3))
    assert flat.drive.shape == (6,)


def test_input_zeroed_drive_kept(pops):
    pop = pops(3, **REST)
    pop.drive = [1.0, 2.0, 3.0]
    pop.input = 5.0
    pop.update(0.0, 0.1)
    assert np.all(pop.input == 0)
    np.testing.assert_array_equal(pop.drive, [1.0, 2.0, 3.0])
    pop.update(0.1, 0.1)
    np.testing.assert_array_equal(pop.drive, [1.0, 2.0, 3.0])


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_reset_keeps_drive(pops, dtype):
    pop = pops(3, dtype=dtype, **REST)
    pop.drive = [10.0, 20.0, 30.0]
    for k in range(20):
        pop.update(k * 0.1, 0.1)
    pop.reset()
    assert np.all(pop.V == -65.0) and np.all(pop.w == 0)
    np.testing.assert_array_equal(pop.drive, [10.0, 20.0, 30.0])
    # and the run after reset is the run of a fresh population with it
    fresh = pops(3, dtype=dtype, **REST)
    fresh.drive = [10.0, 20.0, 30.0]
    for k in range(20):
        pop.update(k * 0.1, 0.1)
        fresh.update(k * 0.1, 0.1)
    _assert_same(_state(pop), _state(fresh), "after reset")


def test_not_in_vars(pops):
    pop = pops(3)
    pop.drive = 1.0
    assert not any(k.endswith("drive") for k in pop.vars())
    assert not any(k.endswith("drive")
                   for k in pop.vars(method="relative"))
    assert "drive" not in pop.vars(method="relative")


@pytest.mark.parametrize("ext", [".npz", ".h5"])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_state_files_leave_drive_alone(pops, tmp_path, ext, dtype):
    pop = pops(4, dtype=dtype, **REST)
    pop.drive = [1.0, 2.0, 3.0, 4.0]
    for k in range(10):
        pop.update(k * 0.1, 0.1)
    path = tmp_path / ("s" + ext)
    pop.save_states(path)
    if ext == ".npz":
        with np.load(path) as f:
            keys = list(f.keys())
    else:
        h5py = pytest.importorskip("h5py")
        with h5py.File(path, "r") as f:
            keys = []
            f.visit(keys.append)
    assert keys and not any("drive" in k for k in keys), keys
    saved = _state(pop)
    # loading restores the state and keeps the current drive
    pop.drive = [9.0, 8.0, 7.0, 6.0]
    for k in range(10):
        pop.update(1.0 + k * 0.1, 0.1)
    pop.load_states(path)
    _assert_same(_state(pop), saved, "loaded")
    np.testing.assert_array_equal(pop.drive, [9.0, 8.0, 7.0, 6.0])
    # the file carries no drive: a new population of that name loads the
    # state and keeps its own (zero) drive
    name = pop.name
    pop.close()
    again = pops(4, dtype=dtype, name=name, **REST)
    again.load_states(path)
    _assert_same(_state(again), saved, "new population")
    assert np.all(again.drive == 0)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_assignment_validation(pops, dtype):
    pop = pops(4, dtype=dtype)
    pop.drive = [1.0, 2.0, 3.0, 4.0]
    bad = [np.nan, np.inf, -np.inf, [1.0, np.nan, 3.0, 4.0],
           np.zeros(3), np.zeros((4, 2)), np.zeros((2, 4)), "abc",
           ["a", "b", "c", "d"], None, 1 + 2j]
    for value in bad:
        with pytest.raises(ValueError):
            pop.drive = value
    if dtype == "float32":
        with pytest.raises(ValueError, match="float32"):
            pop.drive = 1e39
        with pytest.raises(ValueError, match="float32"):
            pop.drive = [0.0, 0.0, -1e39, 0.0]
    else:
        pop.drive = 1e39  # finite double: the library's business
        pop.drive = [1.0, 2.0, 3.0, 4.0]
    # a failed assignment changes nothing
    np.testing.assert_array_equal(pop.drive, [1.0, 2.0, 3.0, 4.0])


def test_messages(pops):
    pop = pops(4)
    with pytest.raises(ValueError, match="finite"):
        pop.drive = np.nan
    with pytest.raises(ValueError, match=r"drive has shape \(4,\)"):
        pop.drive = np.zeros(3)


def test_closed(pops):
    pop = pops(3)
    pop.drive = 2.0
    d = pop.drive
    pop.close()
    with pytest.raises(adex.ClosedError):
        pop.drive
    with pytest.raises(adex.ClosedError):
        pop.drive = 1.0
    assert np.all(d == 2.0)  # the view keeps its memory alive
    fresh = pops(3)
    with fresh:
        pass
    with pytest.raises(adex.ClosedError):
        fresh.drive


def test_drive_documented():
    doc = adex.AdExIF.__doc__
    assert "drive" in doc and "I_e" in doc
    assert "input + drive" in adex.AdExIF.drive.__doc__
