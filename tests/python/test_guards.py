"""One rule for every way into the state, and the edges of the BrainPy API:
state files with NaN, inf or out-of-range values, writes through the views,
setters, delays, views whose dtype or shape would be reassigned, messages,
0-d arrays, negative monitor indices, copying and pickling."""

import copy
import pickle

import h5py
import numpy as np
import pytest

import adex


def _state(pop):
    return {k: np.array(v, copy=True) for k, v in pop.vars().items()}


def _same(a, b):
    assert sorted(a) == sorted(b)
    for k in a:
        assert a[k].tobytes() == b[k].tobytes(), k


# ------------------------------------------------------------ state files

@pytest.mark.parametrize("ext", [".npz", ".h5"])
def test_load_states_refuses_bad_values(pops, tmp_path, ext):
    p = pops(3, V_initializer=-65.0, name="P")
    cases = [
        ({"P.V": [np.nan, np.inf, -65.0], "P.w": [0.0, 0.0, np.nan]},
         "key 'P.V': element 0 is nan; values must be finite"),
        ({"P.w": [0.0, 0.0, -np.inf]}, "key 'P.w': element 2 is -inf"),
        ({"P.V": [-65.0, 1e13, -65.0]},
         "key 'P.V': element 1 is 1e+13, outside +-1e+12"),
        ({"P.w": [1e200, 0.0, 0.0]}, "key 'P.w': element 0 is 1e+200"),
        ({"P.input": [0.0, 0.0, np.nan]}, "key 'P.input': element 2 is nan"),
        ({"P.t_last_spike": [np.inf, 0.0, 0.0]},
         "key 'P.t_last_spike': element 0 is inf"),
    ]
    for k, (data, words) in enumerate(cases):
        path = tmp_path / ("bad%d%s" % (k, ext))
        if ext == ".npz":
            np.savez(path, **{key: np.array(v) for key, v in data.items()})
        else:
            with h5py.File(path, "w") as f:
                for key, v in data.items():
                    f[key] = np.array(v)
        before = _state(p)
        with pytest.raises(adex.StateFileError) as e:
            p.load_states(str(path))
        assert words in str(e.value)
        _same(before, _state(p))


def test_float64_overflowing_float32_state_is_refused(pops, tmp_path):
    p = pops(3, V_initializer=-65.0, name="F", dtype="float32")
    path = tmp_path / "wide.npz"
    np.savez(path, **{"F.t_last_spike": np.array([0.0, 1e300, 0.0])})
    with pytest.raises(adex.StateFileError,
                       match="element 1 is inf; values must be finite"):
        p.load_states(str(path))
    assert np.all(p.t_last_spike == np.float32(-1e7))


def test_bool_bytes_are_saved_as_0_1(pops, tmp_path):
    p = pops(3, name="B")
    p.spike.view(np.uint8)[1] = 2  # not a valid bool byte
    path = str(tmp_path / "b.npz")
    p.save_states(path)
    with np.load(path) as z:
        assert z["B.spike"].view(np.uint8).tolist() == [0, 1, 0]
    p.load_states(path)  # its own file loads back
    assert p.spike.view(np.uint8).tolist() == [0, 1, 0]


# ------------------------------------------------------------ views

def test_writes_through_views_are_checked(pops):
    p = pops(3, V_initializer=-65.0)
    V, w, I = p.V, p.w, p.input
    before = _state(p)
    with pytest.raises(adex.RangeError,
                       match=r"input\[1\] = nan refused: .*finite"):
        p.input += np.array([1.0, np.nan, 1.0])
    with pytest.raises(ValueError, match=r"w\[1\] = nan refused"):
        w[:] = [0, np.nan, np.inf]
    with pytest.raises(ValueError, match=r"V\[2\] = 1e\+13 refused: outside"):
        V[2] = 1e13
    with pytest.raises(ValueError, match=r"V\[0\] = inf"):
        V.fill(np.inf)
    with pytest.raises(ValueError, match=r"w\[2\] = -inf"):
        np.subtract(w, [0, 0, np.inf], out=w)
    _same(before, _state(p))
    # what is allowed still works, in place
    p.input += np.array([1.0, 2.0, 3.0])
    I[0] = 5.0
    V[[0, 2]] = -60.0
    V += 1.0
    assert p.V is V and p.input is I
    assert I.tolist() == [5.0, 2.0, 3.0] and V.tolist() == [-59, -64, -59]
    # a population of shape (2, 2) names the neuron by its index
    q = pops((2, 2), keep_size=True)
    with pytest.raises(ValueError, match=r"w\[\(1, 0\)\] = inf"):
        q.w[1, 0] = np.inf
    d = p.drive
    with pytest.raises(ValueError, match=r"drive\[1\] = nan"):
        d[1] = np.nan


def test_view_dtype_and_shape_cannot_be_reassigned(pops):
    p = pops(4, V_initializer=-65.0)
    q = pops((2, 2), keep_size=True)
    for attr, value in (("dtype", np.int64), ("shape", (2, 2)),
                        ("strides", (16,))):
        with pytest.raises(AttributeError, match="fixed"):
            setattr(p.V, attr, value)
    p.V = -60.0
    assert p.V.dtype == np.float64 and p.V.tolist() == [-60.0] * 4
    with pytest.raises(AttributeError):
        q.V.shape = (4,)
    assert q.vars()["%s.V" % q.name].shape == (2, 2)
    # arrays derived from a view are ordinary
    r = p.V.reshape(2, 2)
    r.shape = (4,)
    i = p.V.view(np.int64)
    assert i.dtype == np.int64
    x = p.V * 2
    x.shape = (2, 2)
    assert type(x) is np.ndarray and float(p.V.sum()) == -240.0


# ------------------------------------------------------------ one rule

def test_setters_follow_the_library_rule(pops):
    p = pops(3, V_initializer=-65.0)
    before = _state(p)
    for key, value, words in (("V", 1e13, "outside"), ("w", 1e200, "outside"),
                              ("V", 10 ** 40, "1e\\+40, outside"),
                              ("input", np.inf, "finite"),
                              ("spike", 2, "0 or 1")):
        with pytest.raises(ValueError, match=words):
            setattr(p, key, value)
    with pytest.raises(ValueError, match="too large|numbers"):
        p.V = 10 ** 400
    _same(before, _state(p))
    p.V = 1e12  # the bound itself, as the initializers
    p.input = 1e200  # input need only be finite
    assert p.V[0] == 1e12 and p.input[0] == 1e200


def test_delays_take_the_setters_shapes(pops):
    p = pops((2, 3), keep_size=True)
    p.register_delay("d", 2, p.V)
    for bad in (np.zeros((3, 2)), np.zeros(6), np.zeros((1, 6))):
        with pytest.raises(ValueError, match=r"shape \(2, 3\)"):
            p.update_delay("d", bad)
        with pytest.raises(ValueError, match=r"shape \(2, 3\)"):
            p.reset_delay("d", bad)
        with pytest.raises(ValueError, match="shape"):
            p.V = bad
    p.update_delay("d", np.arange(6.0).reshape(2, 3))
    assert p.get_delay_data("d", 0).tolist() == [[0, 1, 2], [3, 4, 5]]
    p.update_delay("d", 7.0)
    p.reset_delay("d", np.ones((2, 3)))
    assert np.all(p.get_delay_data("d", 0) == 1.0)


# ------------------------------------------------------------ messages

def test_messages(pops, tmp_path):
    with pytest.raises(adex.RangeError) as e:
        pops(1, a=1000.0).update(0.0, 1.0)
    msg = str(e.value)
    assert "unstable for method 'exp_auto'" in msg
    assert msg.endswith("ms or an embedded method (rkf45, rkdp, ...) in the "
                        "adaptive mode")
    p = pops(3)
    p.register_delay("d", 2, p.V)
    with pytest.raises(ValueError, match="must be an integer or an array of "
                       "integers, got 2.0"):
        p.get_delay_data("d", 2.0)
    with pytest.raises(ValueError) as e:
        pops(3, a=np.ones(2))
    assert "(), (1,) or (3,), but we got (2,)" in str(e.value)
    with pytest.raises(ValueError) as e:
        pops((2, 3), a=np.ones(2))
    assert "(), (1,), (2, 3) or (6,)" in str(e.value)
    with pytest.raises(ValueError) as e:
        p.V = 10 ** 40
    assert "object" not in str(e.value)
    with pytest.raises(ValueError, match="variables must be"):
        p.save_states(str(tmp_path / "x.npz"), variables=3)


def test_iter_input_from_a_generator(pops):
    p = pops(2, V_initializer=-65.0)
    q = pops(2, V_initializer=-65.0)

    def gen():
        k = 0
        while True:
            yield float(k)
            k += 1

    a = adex.run(p, 1.0, dt=0.1, inputs=("input", gen(), "iter"),
                 monitors=["V"], progress=False)
    b = adex.run(q, 1.0, dt=0.1,
                 inputs=("input", np.arange(10.0), "iter"), monitors=["V"],
                 progress=False)
    np.testing.assert_array_equal(a["V"], b["V"])
    with pytest.raises(ValueError, match="only as an 'iter' input"):
        adex.run(p, 1.0, inputs=("input", gen()), progress=False)
    with pytest.raises(ValueError, match="needs 10 rows"):
        adex.run(p, 1.0, dt=0.1, inputs=("input", iter([1.0] * 3), "iter"),
                 progress=False)


# ------------------------------------------------------------ BrainPy

def test_zero_d_arrays_and_negative_indices(pops):
    p = pops(4, V_initializer=-65.0)
    q = pops(4, V_initializer=-65.0)
    p.update(np.array(0.0), np.array(0.1))
    q.update(0.0, 0.1)
    assert p.V.tolist() == q.V.tolist()
    with pytest.raises(ValueError):
        p.update(np.array([0.0]), 0.1)
    r = adex.run(p, 0.5, monitors=[("V", [-1, 0])], progress=False)
    s = adex.run(q, 0.5, monitors=[("V", [3, 0])], progress=False)
    np.testing.assert_array_equal(r["V"], s["V"])


def test_unique_name_type_must_make_valid_names(pops):
    p = pops(1)
    with pytest.raises(ValueError, match="cannot start a name"):
        p.unique_name(type_="1bad")
    name = p.unique_name(type_="Good")
    assert name.startswith("Good")
    adex.AdExIF(1, name=name).close()


def test_copy_and_pickle_are_refused_clearly(pops):
    p = pops(2, name="Solo")
    for f in (copy.copy, copy.deepcopy, pickle.dumps):
        with pytest.raises(TypeError, match="cannot be copied or pickled"):
            f(p)
    assert p.name == "Solo" and not p.closed
