"""Each option beyond BrainPy reaches the library and does what
docs/numerics.md says."""

import numpy as np
import pytest

import adex
import adex_reference as ref


def drive(pop, steps, I, dt=0.1, t0=0.0):
    return adex.run(pop, steps * dt, dt=dt, inputs=I, t0=t0,
                    monitors=["V", "w", "spike", "t_last_spike",
                              "refractory"], progress=False)


def test_precise_spike_times_are_off_grid(pops):
    I = np.linspace(20, 80, 8)
    grid = pops(8, V_initializer=adex.init.Constant(-65.0))
    fine = pops(8, V_initializer=adex.init.Constant(-65.0),
                precise_spikes=True)
    a = drive(grid, 500, I)
    b = drive(fine, 500, I)
    assert fine.options["precise_spikes"]
    tg = a["t_last_spike"][a["spike"]]
    tp = b["t_last_spike"][b["spike"]]
    assert tg.size > 20 and tp.size > 20
    k = np.round(tg / 0.1)
    assert np.allclose(tg, k * 0.1, atol=1e-9)  # on the grid
    frac = tp / 0.1 - np.floor(tp / 0.1 + 1e-12)
    assert np.mean((frac > 1e-6) & (frac < 1 - 1e-6)) > 0.9  # off the grid
    # each crossing lies inside the step that reported it: the step that
    # ends at ts[k] (BrainPy's mon.ts)
    steps = np.nonzero(b["spike"])[0]
    assert np.all(tp >= b["ts"][steps] - 0.1 - 1e-12)
    assert np.all(tp <= b["ts"][steps] + 1e-12)
    neurons, times = fine.last_spike_events()
    assert neurons.dtype.kind == "i" and times.shape == neurons.shape


def test_adaptive_is_accurate_and_has_a_step_size_variable(pops):
    kw = dict(V_initializer=adex.init.Constant(-65.0), method="rkf45",
              tau=2.0)
    I = 2.0  # subthreshold: compare with a fine-step solution
    coarse = pops(1, **kw)
    adapt = pops(1, adaptive=True, tol=1e-9, **kw)
    fine = pops(1, method="rk4", V_initializer=adex.init.Constant(-65.0),
                tau=2.0)
    adex.run(coarse, 20.0, dt=1.0, inputs=I, progress=False)
    adex.run(adapt, 20.0, dt=1.0, inputs=I, progress=False)
    adex.run(fine, 20.0, dt=0.001, inputs=I, progress=False)
    err_fixed = abs(coarse.V[0] - fine.V[0])
    err_adapt = abs(adapt.V[0] - fine.V[0])
    assert err_adapt < 1e-7 < err_fixed
    assert "%s.step_size" % adapt.name in adapt.vars()
    assert adapt.vars()["%s.step_size" % adapt.name][0] > 0
    with pytest.raises(ValueError, match="embedded"):
        adex.AdExIF(1, adaptive=True)  # exp_auto has no error estimate
    with pytest.raises(ValueError, match="tol"):
        adex.AdExIF(1, method="rkf45", adaptive=True, tol=-1.0)


def test_refractory_period_holds_V(pops):
    pop = pops(1, V_initializer=adex.init.Constant(-65.0), tau_ref=2.0)
    res = drive(pop, 400, 200.0)
    spikes = np.nonzero(res["spike"][:, 0])[0]
    assert spikes.size >= 3
    k = spikes[1]
    t_spike = res["ts"][k]  # both ends of steps: differences are as starts'
    # while t - t_last_spike <= tau_ref at the start of a step, V is held
    held = [j for j in range(k + 1, k + 30)
            if res["ts"][j] - t_spike <= 2.0 + 1e-9]
    assert len(held) >= 19
    assert np.all(res["V"][held, 0] == pop.V_reset)
    assert np.all(res["refractory"][held, 0])
    assert not res["refractory"][k - 1, 0] or k == 0
    # w keeps integrating while V is held
    assert len(set(res["w"][held, 0])) == len(held)
    # without tau_ref the neuron fires again sooner
    free = pops(1, V_initializer=adex.init.Constant(-65.0))
    r2 = drive(free, 400, 200.0)
    assert r2["spike"].sum() > res["spike"].sum()


def test_noise_is_seeded_and_reaches_C(pops):
    kw = dict(V_initializer=adex.init.Constant(-65.0), noise=2.0)
    a = pops(50, noise_seed=1, **kw)
    b = pops(50, noise_seed=1, **kw)
    c = pops(50, noise_seed=2, **kw)
    d = pops(50, V_initializer=adex.init.Constant(-65.0))
    ra, rb, rc, rd = (drive(p, 100, 0.0)["V"] for p in (a, b, c, d))
    np.testing.assert_array_equal(ra, rb)
    assert not np.array_equal(ra, rc)
    assert np.ptp(rd[-1]) == 0.0 and np.ptp(ra[-1]) > 0.5
    assert 0.5 < ra[-1].std() < 10.0
    # a continued run draws what the uninterrupted one would
    e = pops(50, noise_seed=1, **kw)
    adex.run(e, 5.0, progress=False)
    adex.run(e, 5.0, progress=False)  # continues from t = 5
    np.testing.assert_array_equal(e.V, ra[-1])


def test_soft_reset(pops):
    # integrate-and-fire limit: the step ends just above V_th, and the soft
    # reset lands below it
    V0, I = -31.0, 200.0
    pop = pops(1, V_initializer=adex.init.Constant(V0), spk_reset="soft",
               delta_T=0.0)
    pop.input[:] = I
    pop.update(0.0, 0.1)
    r = ref.Population(1, V0, 0.0, delta_T=0.0)
    with np.errstate(over="ignore"):
        Vn, wn = ref.integrate("exp_auto", r.V, r.w, np.array([I]), r.p, 0.1)
    assert -30.0 <= Vn[0] < -25.0 and pop.spike[0]
    assert pop.V[0] == pytest.approx(Vn[0] - (-30.0 - -68.0), rel=1e-12)
    assert pop.w[0] == pytest.approx(wn[0] + 1.0, rel=1e-12)
    with pytest.raises(ValueError, match="spk_reset"):
        adex.AdExIF(1, spk_reset="medium")


def test_threads_give_the_same_bits(pops):
    kw = dict(V_initializer=adex.init.Uniform(-70.0, -50.0, seed=3))
    I = np.linspace(0, 50, 3000)
    a = pops(3000, threads=1, **kw)
    b = pops(3000, threads=2, **kw)
    ra = adex.run(a, 20.0, inputs=I, monitors=["V"], progress=False)
    rb = adex.run(b, 20.0, inputs=I, monitors=["V"], progress=False)
    np.testing.assert_array_equal(ra["V"], rb["V"])
    with pytest.raises(ValueError):
        adex.AdExIF(3, threads=-1)


def test_dtype_option():
    pop = adex.AdExIF(3, dtype="float32")  # tests/python/test_float32.py
    try:
        assert pop.V.dtype == np.float32
        assert pop.options["dtype"] == "float32"
    finally:
        pop.close()
    with pytest.raises(ValueError):
        adex.AdExIF(3, dtype="int8")
