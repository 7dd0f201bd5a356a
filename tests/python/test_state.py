"""save_states / load_states: both formats round trip bit for bit, a
continued run equals the uninterrupted one, files interoperate with h5py
and numpy, and a bad file changes nothing."""

import os

import h5py
import numpy as np
import pytest

import adex

KW = dict(V_initializer=adex.init.Uniform(-70.0, -50.0, seed=4),
          w_initializer=adex.init.Normal(0.0, 1.0, seed=5),
          tau=np.linspace(8.0, 12.0, 6))
I = np.linspace(5.0, 60.0, 6)


def state_of(pop):
    return {k: v.copy() for k, v in pop.vars().items()}


def assert_same_state(a, b):
    assert a.keys() == b.keys()
    for k in a:
        assert a[k].dtype == b[k].dtype, k
        np.testing.assert_array_equal(a[k], b[k], err_msg=k)


@pytest.mark.parametrize("ext", [".h5", ".hdf5", ".npz"])
def test_round_trip_and_continuation(pops, tmp_path, ext):
    path = tmp_path / ("state" + ext)
    a = pops(6, name="Saved", **KW)
    a.register_delay("Vd", 3, a.V)
    for k in range(50):
        a.input += I
        a.update(k * 0.1, 0.1)
        a.update_delay("Vd", a.V)
    a.save_states(str(path))
    saved = state_of(a)
    hist = [a.get_delay_data("Vd", d) for d in range(4)]
    # the uninterrupted run goes on
    ra = adex.run(a, 5.0, inputs=I, t0=5.0, monitors=["V", "w", "spike"],
                  progress=False)
    a.close()
    # a fresh population of the same name, shape and delays continues
    b = pops(6, name="Saved", **KW)
    b.register_delay("Vd", 3, b.V)
    b.load_states(path)  # a PathLike works too
    assert_same_state(state_of(b), saved)
    for d in range(4):
        np.testing.assert_array_equal(b.get_delay_data("Vd", d), hist[d])
    rb = adex.run(b, 5.0, inputs=I, t0=5.0, monitors=["V", "w", "spike"],
                  progress=False)
    for key in ("V", "w", "spike"):
        np.testing.assert_array_equal(ra[key], rb[key])


def test_files_are_read_by_h5py_and_numpy(pops, tmp_path):
    pop = pops(6, name="Interop", **KW)
    pop.update(0.0, 0.1)
    pop.save_states(tmp_path / "s.h5")
    pop.save_states(tmp_path / "s.npz")
    with h5py.File(tmp_path / "s.h5", "r") as f:
        assert set(f.keys()) == set(pop.vars().keys())
        np.testing.assert_array_equal(f["Interop.V"][()], pop.V)
        np.testing.assert_array_equal(f["Interop.spike"][()], pop.spike)
    with np.load(tmp_path / "s.npz") as z:
        assert set(z.files) == set(pop.vars().keys())
        np.testing.assert_array_equal(z["Interop.w"], pop.w)
        assert z["Interop.spike"].dtype == np.bool_
    # a subset of variables, by name, absolute name or view
    pop.save_states(tmp_path / "sub.npz", variables=["V", "Interop.w",
                                                     pop.spike])
    with np.load(tmp_path / "sub.npz") as z:
        assert sorted(z.files) == ["Interop.V", "Interop.spike", "Interop.w"]


def test_files_written_by_h5py_and_numpy_load(pops, tmp_path):
    pop = pops(4, name="Foreign")
    V = np.array([-61.0, -62.0, -63.0, -64.0])
    with h5py.File(tmp_path / "f.h5", "w") as f:  # float32, as BrainPy may
        f["Foreign.V"] = V.astype(np.float32)
        f["Foreign.spike"] = np.array([True, False, True, False])
    with pytest.warns(RuntimeWarning, match="Foreign.w"):
        pop.load_states(tmp_path / "f.h5")
    np.testing.assert_array_equal(pop.V, V)
    assert pop.spike.tolist() == [True, False, True, False]
    np.savez(tmp_path / "f.npz", **{"Foreign.w": np.arange(4.0),
                                    "Foreign.V": V + 1,
                                    "Foreign.input": np.zeros(4),
                                    "Foreign.spike": np.zeros(4, bool),
                                    "Foreign.refractory": np.zeros(4, bool),
                                    "Foreign.t_last_spike": np.zeros(4)})
    pop.load_states(str(tmp_path / "f.npz"))
    np.testing.assert_array_equal(pop.w, np.arange(4.0))
    np.testing.assert_array_equal(pop.V, V + 1)


def test_verbose_lists_the_keys(pops, tmp_path, capsys):
    pop = pops(2, name="Verbose")
    pop.save_states(tmp_path / "v.npz")
    pop.load_states(tmp_path / "v.npz", verbose=True)
    out = capsys.readouterr().out
    assert "Loading Verbose.V ..." in out
    assert out.count("Loading") == len(pop.vars())


def test_bad_files_change_nothing(pops, tmp_path):
    pop = pops(3, name="Victim", V_initializer=adex.init.Constant(-65.0))
    before = state_of(pop)
    junk = tmp_path / "junk.h5"
    junk.write_bytes(b"this is not an HDF5 file at all" * 10)
    with pytest.raises(adex.StateFileError) as e:
        pop.load_states(junk)
    assert isinstance(e.value, ValueError) and "junk.h5" in str(e.value)
    trunc = tmp_path / "trunc.npz"
    pop.save_states(tmp_path / "good.npz")
    trunc.write_bytes((tmp_path / "good.npz").read_bytes()[:100])
    with pytest.raises(ValueError):
        pop.load_states(trunc)
    with h5py.File(tmp_path / "foreign.h5", "w") as f:
        f["Other.V"] = np.zeros(3)
    with pytest.raises(KeyError, match="Other.V"):
        pop.load_states(tmp_path / "foreign.h5")
    with h5py.File(tmp_path / "shape.h5", "w") as f:
        f["Victim.V"] = np.zeros(4)
    with pytest.raises(ValueError):
        pop.load_states(tmp_path / "shape.h5")
    with h5py.File(tmp_path / "dtype.h5", "w") as f:
        f["Victim.spike"] = np.array([0.5, 1.0, 0.0])
    with pytest.raises(ValueError):
        pop.load_states(tmp_path / "dtype.h5")
    with pytest.raises(FileNotFoundError):
        pop.load_states(tmp_path / "missing.npz")
    with pytest.raises(ValueError, match="extension|npz|h5"):
        pop.load_states(junk.with_suffix(".txt").__fspath__()
                        if junk.with_suffix(".txt").write_text("x") else "")
    with pytest.raises(ValueError):
        pop.save_states(tmp_path / "state.csv")
    with pytest.raises(OSError):
        pop.save_states(tmp_path / "no_such_dir" / "s.npz")
    with pytest.raises(KeyError):
        pop.save_states(tmp_path / "s.npz", variables=["nope"])
    with pytest.raises(ValueError):
        pop.save_states(tmp_path / "s.npz", variables=[])
    assert_same_state(state_of(pop), before)
    assert not os.path.exists(tmp_path / "state.csv")
