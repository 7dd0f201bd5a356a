"""The numbers: first step of the defaults, and traces of heterogeneous
populations against the independent numpy implementation of docs/semantics.md sections
3-4 (tests/python/adex_reference.py), through update() and through
adex.run."""

import numpy as np
import pytest

import adex
import adex_reference as ref

N = 60
STEPS = 1500
DT = 0.1


def test_first_step_of_the_defaults(pops):
    pop = pops(10)
    assert np.all(pop.V == 0.0) and np.all(pop.w == 0.0)
    assert np.all(pop.t_last_spike == -1e7)
    pop.update(0.0, 0.1)
    assert np.all(pop.V == -68.0)
    np.testing.assert_allclose(pop.w, 1.2163059565, rtol=0, atol=5e-11)
    assert pop.spike.dtype == np.bool_ and pop.spike.all()
    assert np.all(pop.t_last_spike == 0.0)
    assert np.all(pop.input == 0.0)


def hetero_params(seed):
    rng = np.random.default_rng(seed)
    p = dict(
        V_rest=rng.uniform(-70, -60, N), V_reset=rng.uniform(-75, -50, N),
        V_th=rng.uniform(-40, -20, N), V_T=rng.uniform(-60, -50, N),
        delta_T=rng.uniform(0.5, 4, N), a=rng.uniform(-2, 4, N),
        b=rng.uniform(0, 5, N), tau=rng.uniform(5, 30, N),
        tau_w=rng.uniform(20, 300, N), R=rng.uniform(0.5, 2, N))
    p["delta_T"][::7] = 0.0  # the integrate-and-fire limit
    V0 = rng.uniform(-75, -45, N)
    w0 = rng.uniform(-5, 5, N)
    inputs = rng.uniform(0, 60, (STEPS, N))
    return p, V0, w0, inputs


def step_time(t0, k):
    """docs/semantics.md, *Time conventions*: step k of a run from t0
    begins at (n + k)*dt when t0 is the whole number n of steps."""
    n = round(t0 / DT)
    return (n + k) * DT if abs(t0 / DT - n) <= 1e-9 * max(1.0, abs(n)) \
        else t0 + k * DT


def reference_run(method, p, V0, w0, inputs, t0=0.0):
    r = ref.Population(N, V0, w0, method=method, **p)
    out = {k: np.empty((STEPS, N)) for k in ("V", "w", "t_last_spike")}
    out["spike"] = np.empty((STEPS, N), dtype=bool)
    for k in range(STEPS):
        r.input = r.input + inputs[k]
        r.update(step_time(t0, k), DT)
        for key in out:
            out[key][k] = getattr(r, key)
    return out


@pytest.mark.parametrize("method", ["exp_auto", "euler", "midpoint",
                                    "heun2", "rk3", "rk4"])
def test_traces_match_the_independent_reference(pops, method):
    p, V0, w0, inputs = hetero_params(7)
    want = reference_run(method, p, V0, w0, inputs, t0=5.0)
    pop = pops(N, method=method, V_initializer=V0, w_initializer=w0, **p)
    res = adex.run(pop, STEPS * DT, dt=DT, inputs=inputs, t0=5.0,
                   monitors=["V", "w", "spike", "t_last_spike"],
                   progress=False)
    assert want["spike"].sum() > 200  # the comparison covers many spikes
    np.testing.assert_array_equal(res["spike"], want["spike"])
    np.testing.assert_allclose(res["V"], want["V"], rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(res["w"], want["w"], rtol=1e-9, atol=1e-9)
    np.testing.assert_array_equal(res["t_last_spike"], want["t_last_spike"])
    np.testing.assert_allclose(res["ts"], 5.0 + DT * (np.arange(STEPS) + 1),
                               rtol=0, atol=1e-12)


def test_update_loop_equals_run_bit_for_bit(pops):
    p, V0, w0, inputs = hetero_params(3)
    a = pops(N, V_initializer=V0, w_initializer=w0, **p)
    b = pops(N, V_initializer=V0, w_initializer=w0, **p)
    res = adex.run(a, 200 * DT, dt=DT, inputs=inputs[:200],
                   monitors=["V", "w"], progress=False)
    for k in range(200):
        b.input += inputs[k]
        b.update(k * DT, DT)
        np.testing.assert_array_equal(res["V"][k], b.V)
        np.testing.assert_array_equal(res["w"][k], b.w)
    want = reference_run("exp_auto", p, V0, w0, inputs)
    np.testing.assert_allclose(b.V, want["V"][199], rtol=1e-9, atol=1e-9)


def test_dV_dw_against_the_formula(pops):
    p, V0, w0, _ = hetero_params(11)
    pop = pops(N, **p)
    I = np.linspace(-10, 50, N)
    dV, dw = ref.rhs(V0, w0, I, {k: np.asarray(v) for k, v in p.items()},
                     guard=False)
    np.testing.assert_allclose(pop.dV(V0, 0.0, w0, I), dV, rtol=1e-12)
    np.testing.assert_allclose(pop.dw(w0, 0.0, V0), dw, rtol=1e-12,
                               atol=1e-15)
    # derivative: BrainPy's JointEq of the two
    jV, jw = pop.derivative(V0, w0, 0.0, I)
    np.testing.assert_array_equal(jV, pop.dV(V0, 0.0, w0, I))
    np.testing.assert_array_equal(jw, pop.dw(w0, 0.0, V0))
    assert list(pop.derivative.eqs) == [pop.dV, pop.dw]


def test_dV_dw_broadcast_scalars(pops):
    pop = pops(3)
    v = pop.dV(-65.0, 0.0, 0.0, 0.0)
    assert isinstance(v, float)
    assert v == pytest.approx(3.48 * np.exp(-5.1 / 3.48) / 10.0, rel=1e-14)
    out = pop.dV(np.array([-65.0, -60.0]), 0.0, 1.0, 2.0)
    assert out.shape == (2,)
    assert pop.dw(0.0, 0.0, -55.0) == pytest.approx(10.0 / 30.0, rel=1e-14)
    m = pop.dw(np.zeros((2, 3)), 1.0, -65.0)
    assert m.shape == (2, 3) and np.all(m == 0.0)


def test_initializers_are_evaluated_by_C_and_reproducible(pops):
    u = adex.init.Uniform(-70.0, -50.0, seed=42)
    a = pops(1000, V_initializer=u, w_initializer=adex.init.Normal(0.0, 2.0,
                                                                   seed=5))
    b = pops((10, 100), V_initializer=adex.init.Uniform(-70.0, -50.0,
                                                         seed=42),
             keep_size=True)
    assert a.V.min() >= -70 and a.V.max() < -50
    assert abs(a.V.mean() + 60) < 1.0
    np.testing.assert_array_equal(a.V, b.V.reshape(-1))  # value i = f(seed, i)
    np.testing.assert_array_equal(u(1000), a.V)          # init(shape) agrees
    assert abs(a.w.std() - 2.0) < 0.2
    V0 = a.V.copy()
    a.update(0.0, 0.1)
    a.reset()
    np.testing.assert_array_equal(a.V, V0)
    assert np.all(a.t_last_spike == -1e7) and not a.spike.any()
    c = pops(5, V_initializer=adex.init.OneInit(-61.0),
             w_initializer=adex.init.Constant(2.5))
    assert np.all(c.V == -61.0) and np.all(c.w == 2.5)
    assert np.all(adex.init.ZeroInit()((2, 2)) == 0)
    s = adex.init.Normal()
    assert isinstance(s.seed, int)  # seed=None: drawn once, then fixed
    np.testing.assert_array_equal(s(10), s(10))


def test_parameters_as_arrays_initializers_and_callables(pops):
    pop = pops((2, 3), tau=np.arange(1.0, 7.0).reshape(2, 3) + 4,
               b=adex.init.Uniform(0.0, 1.0, seed=1),
               a=lambda shape: np.full(shape, 0.5), V_T=[-55.0],
               keep_size=True)
    assert pop.V_rest == -65.0 and isinstance(pop.V_rest, float)
    assert pop.tau.shape == (2, 3) and pop.tau[1, 2] == 10.0
    assert not pop.tau.flags.writeable
    np.testing.assert_array_equal(pop.b.reshape(-1),
                                  adex.init.Uniform(0.0, 1.0, seed=1)(6))
    assert np.all(pop.a == 0.5)
    assert pop.V_T == -55.0
    with pytest.raises(AttributeError):
        pop.tau = 3.0
