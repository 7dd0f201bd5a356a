"""dtype='float32' populations: float32 views on the C state, update, reset,
adex.run with monitors, delays, state files, and the options float32
refuses."""

import warnings

import numpy as np
import pytest

import adex

REST = dict(V_initializer=adex.init.Constant(-65.0))


def _trace(make, dtype, method="exp_auto", steps=200, dt=0.05):
    """V and w of a short subthreshold trace, update by update."""
    pop = make(4, dtype=dtype, method=method, **REST)
    I = np.array([0.0, 2.0, 4.0, 6.0])  # well below rheobase
    Vs, ws = [], []
    for k in range(steps):
        pop.input = I
        pop.update(k * dt, dt)
        assert not pop.spike.any()
        Vs.append(pop.V.astype(np.float64))
        ws.append(pop.w.astype(np.float64))
    return np.array(Vs), np.array(ws)


@pytest.mark.parametrize("method", ["exp_auto", "rk4", "euler"])
def test_float32_trace_close_to_float64(pops, method):
    V64, w64 = _trace(pops, "float64", method)
    V32, w32 = _trace(pops, "float32", method)
    np.testing.assert_allclose(V32, V64, rtol=1e-4)
    # w starts at 0: relative to its scale over the trace
    scale = np.abs(w64).max()
    assert scale > 0
    assert np.abs(w32 - w64).max() <= 1e-4 * scale


def test_views_are_float32_and_live(pops):
    pop = pops(5, dtype="float32", **REST)
    assert pop.options["dtype"] == "float32"
    for key in ("V", "w", "input", "t_last_spike"):
        assert getattr(pop, key).dtype == np.float32, key
        assert getattr(pop, key).shape == (5,)
    assert pop.spike.dtype == np.bool_ and pop.refractory.dtype == np.bool_
    V = pop.V
    assert np.all(V == np.float32(-65.0))
    assert np.all(pop.t_last_spike == np.float32(-1e7))
    # writes through the view reach the model, and updates reach the view
    V[0] = -60.0
    pop.input = 2.5
    assert pop.input.dtype == np.float32 and np.all(pop.input == 2.5)
    pop.update(0.0, 0.1)
    assert V is pop.V  # same view, updated in place
    assert V[0] != np.float32(-60.0) and V[1] != np.float32(-65.0)
    assert np.all(pop.input == 0)
    # assignment: scalars, arrays, rounding to float32
    pop.V = np.arange(5, dtype=np.float64) - 70.1
    np.testing.assert_array_equal(
        V, (np.arange(5, dtype=np.float64) - 70.1).astype(np.float32))
    pop.w = 1
    assert np.all(pop.w == 1.0) and pop.w.dtype == np.float32
    with pytest.raises(ValueError):
        pop.V = np.zeros(4)
    with pytest.raises(ValueError):
        pop.V = np.nan
    with pytest.raises(ValueError):
        pop.w = 1e39  # beyond float32
    # vars() gives the same live views
    assert pop.vars()["%s.V" % pop.name] is V


def test_keep_size_and_spikes(pops):
    pop = pops((2, 3), keep_size=True, dtype="float32")
    assert pop.V.shape == (2, 3) and pop.V.dtype == np.float32
    pop.update(1.0, 0.1)  # V starts at 0 > V_th: every neuron spikes
    assert pop.spike.all()
    assert np.all(pop.V == np.float32(-68.0))
    assert np.all(pop.t_last_spike == np.float32(1.0))
    ref = pops((2, 3), keep_size=True)  # float64
    ref.update(1.0, 0.1)
    np.testing.assert_allclose(pop.w, ref.w, rtol=1e-6)  # w_new + b
    pop.reset()
    assert np.all(pop.V == 0) and np.all(pop.w == 0)
    assert not pop.spike.any()
    assert np.all(pop.t_last_spike == np.float32(-1e7))
    assert pop.V.dtype == np.float32


def test_run_float32_with_V_monitor(pops):
    a = pops(3, dtype="float32", **REST)
    b = pops(3, dtype="float64", **REST)
    I = np.array([0.0, 10.0, 20.0])
    ra = adex.run(a, 10.0, dt=0.1, inputs=I,
                  monitors=["V", "w", "spike", ("t_last_spike", [0, 2])],
                  progress=False)
    rb = adex.run(b, 10.0, dt=0.1, inputs=I, monitors=["V", "w", "spike"],
                  progress=False)
    assert ra["V"].dtype == np.float32 and ra["V"].shape == (100, 3)
    assert ra["w"].dtype == np.float32
    assert ra["spike"].dtype == np.bool_
    assert ra["t_last_spike"].dtype == np.float32
    assert ra["t_last_spike"].shape == (100, 2)
    np.testing.assert_array_equal(ra["V"][-1], a.V)
    np.testing.assert_array_equal(ra["spike"], rb["spike"])
    np.testing.assert_allclose(ra["V"], rb["V"], rtol=1e-4)
    # a per-step input and the same run by update() give the same bits
    c = pops(3, dtype="float32", **REST)
    d = pops(3, dtype="float32", **REST)
    steps = np.linspace(0, 25, 50)[:, None] * np.ones(3)
    rc = adex.run(c, 5.0, dt=0.1, inputs=steps, monitors=["V"],
                  progress=False)
    for k in range(50):
        d.input += steps[k]
        d.update(k * 0.1, 0.1)
        np.testing.assert_array_equal(rc["V"][k], d.V)


def test_delays_of_float32_variables(pops):
    pop = pops(3, dtype="float32", **REST)
    pop.register_delay("V", 2, pop.V)
    pop.V = [-60.0, -61.5, -62.25]
    pop.update_delay("V")
    out = pop.get_delay_data("V", 0)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, pop.V)
    np.testing.assert_array_equal(pop.get_delay_data("V", 1),
                                  np.full(3, -65.0, np.float32))
    pop.reset_delay("V")
    np.testing.assert_array_equal(pop.get_delay_data("V", 0), pop.V)
    assert np.all(pop.get_delay_data("V", 2) == 0)
    # per-neuron steps
    pop.register_delay("w", np.array([0, 1, 2]), "w")
    assert pop.get_delay_data("w", np.array([0, 1, 2])).dtype == np.float32


def test_implicit_float32_var_is_shared(pops, tmp_path):
    pop = pops(3, dtype="float32")
    g = np.zeros(3, dtype=np.float32)
    pop.register_implicit_vars(g=g)
    assert pop.vars()["%s.g" % pop.name].dtype == np.float32
    g[:] = [1.5, 2.5, 3.5]
    res = adex.run(pop, 0.3, monitors=["g"], progress=False)
    assert res["g"].dtype == np.float32
    np.testing.assert_array_equal(res["g"][-1], g)
    pop.save_states(tmp_path / "g.npz", ["g"])
    with np.load(tmp_path / "g.npz") as f:
        assert f["%s.g" % pop.name].dtype == np.dtype("<f4")


@pytest.mark.parametrize("ext", ["npz", "h5"])
def test_save_load_round_trip(pops, tmp_path, ext):
    pop = pops(4, dtype="float32",
               V_initializer=adex.init.Uniform(-70.0, -55.0, seed=7))
    pop.register_delay("V", 3, "V")
    adex.run(pop, 2.0, inputs=np.array([0.0, 10.0, 30.0, 50.0]),
             monitors=[], progress=False)
    pop.update_delay("V")
    path = tmp_path / ("s." + ext)
    pop.save_states(path)
    saved = {k: np.array(v) for k, v in pop.vars().items()}
    delay = pop.get_delay_data("V", 1)
    if ext == "npz":
        with np.load(path) as f:
            for key in ("V", "w", "input", "t_last_spike"):
                assert f["%s.%s" % (pop.name, key)].dtype == np.dtype("<f4")
            assert f["%s.spike" % pop.name].dtype == np.bool_
            assert f["%s.V.data" % pop.name].dtype == np.dtype("<f8")
    pop.reset()
    pop.reset_delay("V")
    pop.update(0.0, 0.1)
    pop.load_states(path)
    for k, v in pop.vars().items():
        np.testing.assert_array_equal(v, saved[k], err_msg=k)
        assert v.dtype == saved[k].dtype
    np.testing.assert_array_equal(pop.get_delay_data("V", 1), delay)
    # a float64 population loads the float32 file (exactly), and back
    b = pops(4, dtype="float64", name="F64Twin")
    twin = tmp_path / ("twin." + ext)
    pop.save_states(twin, ["V", "w"])
    if ext == "npz":
        with np.load(twin) as f:
            np.savez(tmp_path / "re.npz", **{
                k.replace(pop.name, "F64Twin"): f[k] for k in f.files})
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            b.load_states(tmp_path / "re.npz")
        np.testing.assert_array_equal(b.V, pop.V.astype(np.float64))
        b.V = b.V + 1e-9  # float64 data into float32: rounded
        b.save_states(tmp_path / "b.npz", ["V"])
        with np.load(tmp_path / "b.npz") as f:
            np.savez(tmp_path / "back.npz", **{
                "%s.V" % pop.name: f["F64Twin.V"]})
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            pop.load_states(tmp_path / "back.npz")
        np.testing.assert_array_equal(pop.V, b.V.astype(np.float32))


@pytest.mark.parametrize("kw", [dict(adaptive=True, method="rkf45"),
                                dict(precise_spikes=True), dict(noise=1.0)])
def test_float32_refuses_variable_step_options(kw):
    with pytest.raises(adex.InvalidValueError, match="float32"):
        adex.AdExIF(3, dtype="float32", **kw)
    assert not isinstance(adex.InvalidValueError("x"), NotImplementedError)


def test_float32_dtype_spellings(pops):
    for dt in ("float32", np.float32, np.dtype("<f4"), "f4"):
        assert pops(2, dtype=dt).V.dtype == np.float32
    for dt in ("float64", np.float64, float):
        assert pops(2, dtype=dt).V.dtype == np.float64


def test_float32_takes_tau_ref_and_the_soft_reset():
    """Fixed step with a refractory period and the soft reset: no spike
    within tau_ref of the last, and the float64 population's spike count
    up to rounding."""
    counts = {}
    for dt in ("float32", "float64"):
        p = adex.AdExIF(50, dtype=dt, tau_ref=3., spk_reset="soft",
                        V_initializer=adex.init.Uniform(-70., -50., seed=2))
        res = adex.run(p, 60., inputs=np.linspace(10., 160., 50),
                       monitors=["spike"], progress=False)
        k, i = np.nonzero(res["spike"])
        for n in range(50):
            gaps = np.diff(k[i == n]) * 0.1
            assert (gaps > 3.0 - 1e-6).all()
        counts[dt] = res["spike"].sum()
    assert counts["float64"] > 50
    assert abs(counts["float32"] - counts["float64"]) <= 0.02 * counts["float64"]
