"""The DynamicalSystem machinery of the seed: names, nodes, vars, ints,
train_vars, unique_name, implicit nodes and variables, steps,
derivative."""

import gc
import re

import numpy as np
import pytest

import adex


def test_automatic_names_are_unique_and_per_class(pops):
    a, b = pops(2), pops(2)
    assert re.fullmatch(r"AdExIF\d+", a.name) and a.name != b.name
    assert re.fullmatch(r"ODEIntegrator\d+", a.integral.name)
    with pytest.raises(AttributeError):
        a.name = "other"


def test_nodes_and_vars(pops):
    pop = pops(3, name="Net")
    n = pop.nodes()
    assert list(n) == ["Net", pop.integral.name]
    assert n["Net"] is pop
    rel = pop.nodes(method="relative")
    assert list(rel) == ["", "integral"]
    assert list(pop.nodes(level=0)) == ["Net"]
    assert list(pop.nodes(include_self=False)) == [pop.integral.name]
    v = pop.vars()
    assert list(v) == ["Net.V", "Net.w", "Net.input", "Net.spike",
                       "Net.refractory", "Net.t_last_spike"]
    assert v["Net.V"] is pop.V  # the live views, not copies
    assert list(pop.vars(method="relative"))[:2] == ["V", "w"]
    assert pop.train_vars() == {}
    ints = pop.ints()
    assert list(ints.values()) == [pop.integral]
    assert pop.integral.method == "exp_auto"
    assert pop.steps == {"update": pop.update}
    assert pop.derivative.eqs == (pop.dV, pop.dw)


def test_method_aliases_and_canonical_name(pops):
    for alias in ("exp_euler", "exp_euler_auto", "exponential_euler"):
        assert pops(1, method=alias).method == "exp_auto"
    assert pops(1, method="rk4").method == "rk4"


def test_unique_name(pops):
    pop = pops(2, name="Uniq")
    assert pop.unique_name("Uniq") == "Uniq"  # its own name
    assert pop.unique_name("Fresh") == "Fresh"
    n1 = pop.unique_name(type_="Probe")
    n2 = pop.unique_name(type_="Probe")
    assert re.fullmatch(r"Probe\d+", n1) and n1 != n2
    auto = pop.unique_name()
    assert auto.startswith("AdExIF")
    other = pops(2)
    with pytest.raises(adex.UniqueNameError):
        other.unique_name("Uniq")
    with pytest.raises(ValueError):
        pop.unique_name("no way")


def test_implicit_nodes_and_vars(pops):
    pre, post = pops(2, name="Pre"), pops(2, name="Post")
    post.register_implicit_nodes(pre)
    assert list(post.nodes()) == ["Post", post.integral.name, "Pre",
                                  pre.integral.name]
    assert "Pre.V" in post.vars()
    assert "Pre.V" in post.vars(method="relative") or \
        any(k.endswith(".V") and k != "V" for k in
            post.vars(method="relative"))
    g = np.array([0.5, 1.5])
    post.register_implicit_vars({"g": g})
    assert post.vars()["Post.g"] is not None
    res = adex.run(post, 0.3, monitors=["g"], progress=False)
    np.testing.assert_array_equal(res["g"], [[0.5, 1.5]] * 3)
    g[0] = 7.0  # shared: the library reads the caller's array
    res = adex.run(post, 0.1, monitors=["g"], progress=False)
    assert res["g"][0, 0] == 7.0
    # a non-shareable array is kept in Python only
    post.register_implicit_vars(scale=np.array(3.0))
    assert post.vars()["Post.scale"] == 3.0
    with pytest.raises(KeyError):
        adex.run(post, 0.1, monitors=["scale"], progress=False)


def test_implicit_var_is_saved(pops, tmp_path):
    pop = pops(2, name="WithG")
    g = np.array([1.0, 2.0])
    pop.register_implicit_vars(g=g)
    pop.save_states(tmp_path / "g.npz")
    g[:] = 0.0
    pop.load_states(tmp_path / "g.npz")
    assert g.tolist() == [1.0, 2.0]


def test_repr_and_len(pops):
    pop = pops((2, 2), name="Shown")
    assert "Shown" in repr(pop) and "4 neurons" in repr(pop)
    pop.close()
    assert "closed" in repr(pop)
    gc.collect()


# BrainPy V2.1.12's AdExIF signature, typed here from its documentation:
# the parameters in their order with their defaults.
BRAINPY_ADEXIF = (("V_rest", -65.0), ("V_reset", -68.0), ("V_th", -30.0),
                  ("V_T", -59.9), ("delta_T", 3.48), ("a", 1.0), ("b", 1.0),
                  ("tau", 10.0), ("tau_w", 30.0), ("R", 1.0))


def test_parameter_list_is_said_once():
    """The library's parameter list (ADEX_PARAM_LIST), the Python
    constructor's signature, its properties and a new population's values
    agree with BrainPy's AdExIF signature, names, order and defaults."""
    import inspect
    from adex import _lib
    assert _lib.PARAM_NAMES == tuple(n for n, _ in BRAINPY_ADEXIF)
    assert _lib.PARAM_DEFAULTS == tuple(v for _, v in BRAINPY_ADEXIF)
    assert set(_lib.PARAM_UNITS) == {"mV", "ms", "1"}
    assert _lib.PARAM_UNITS[_lib.PARAM_NAMES.index("tau_w")] == "ms"
    sig = list(inspect.signature(adex.AdExIF.__init__).parameters.values())
    assert [(p.name, p.default) for p in sig[2:12]] == list(BRAINPY_ADEXIF)
    pop = adex.AdExIF(3)
    for name, value in BRAINPY_ADEXIF:
        assert getattr(pop, name) == value
        assert getattr(adex.AdExIF, name).__doc__
    pop = adex.AdExIF(2, tau_w=np.array([5.0, 6.0]), R=2.0)
    np.testing.assert_array_equal(pop.tau_w, [5.0, 6.0])
    assert pop.R == 2.0
