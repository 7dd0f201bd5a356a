"""Every exception path: bad values -> ValueError, unknown keys ->
KeyError, with the C library's message; nothing crashes."""

import numpy as np
import pytest

import adex


@pytest.mark.parametrize("kw, match", [
    (dict(tau=-1.0), "tau"),
    (dict(tau_w=0.0), "tau_w"),
    (dict(delta_T=-1.0), "delta_T"),
    (dict(V_reset=-20.0), "V_reset"),
    (dict(V_rest=np.nan), "V_rest"),
    (dict(R=np.inf), "R"),
    (dict(V_th=100.0, V_T=-60.0, delta_T=0.1), "V_th|delta_T"),
    (dict(tau=np.array([10.0, -1.0, 10.0])), "tau"),
    (dict(b=np.array([1.0, np.nan, 1.0])), "b"),
    (dict(V_initializer=np.array([0.0, np.nan, 0.0])), "V_initializer"),
    (dict(V_initializer=1e20), "V_initializer"),
    (dict(tau_ref=-1.0), "tau_ref"),
    (dict(noise=-0.5), "noise"),
    (dict(tol=0.0, method="rkf45", adaptive=True), "tol"),
])
def test_bad_parameter_values(kw, match):
    with pytest.raises(ValueError, match=match) as e:
        adex.AdExIF(3, **kw)
    assert isinstance(e.value, adex.AdexError)


@pytest.mark.parametrize("kw", [
    dict(tau=np.ones(4)), dict(V_initializer=np.zeros((3, 1))),
    dict(a="x"), dict(b=[1, 2]), dict(w_initializer=object()),
    dict(keep_size="yes"), dict(adaptive=2), dict(tol="small"),
    dict(noise_seed=-1), dict(noise_seed=1.5), dict(threads="many"),
])
def test_bad_types_and_shapes(kw):
    with pytest.raises(ValueError):
        adex.AdExIF(3, **kw)


@pytest.mark.parametrize("size", [0, -1, (), (2, 0), (1, 2, 3, 4, 5), 2.5,
                                  "10", True, None, (2, -3), 2 ** 70])
def test_bad_sizes(size):
    with pytest.raises(ValueError):
        adex.AdExIF(size)


def test_unknown_method_lists_the_names():
    with pytest.raises(adex.UnknownMethodError) as e:
        adex.AdExIF(2, method="rk99")
    assert isinstance(e.value, ValueError)
    msg = str(e.value)
    for name in ("exp_auto", "euler", "rk4", "rkf45", "rkdp", "bs"):
        assert name in msg
    assert e.value.status == "ADEX_EMETHOD"
    with pytest.raises(ValueError):
        adex.AdExIF(2, method=4)
    assert "rk4" in adex.methods()


def test_names():
    with pytest.raises(ValueError, match="identifier"):
        adex.AdExIF(2, name="1abc")
    with pytest.raises(ValueError):
        adex.AdExIF(2, name="a b")
    with pytest.raises(ValueError):
        adex.AdExIF(2, name=3)
    with pytest.raises(ValueError):
        adex.AdExIF(2, name="x" * 64)
    a = adex.AdExIF(2, name="Twin")
    try:
        with pytest.raises(adex.UniqueNameError) as e:
            adex.AdExIF(2, name="Twin")
        assert isinstance(e.value, ValueError)
    finally:
        a.close()


def test_memory_error_for_an_impossible_population():
    with pytest.raises((MemoryError, ValueError)):
        adex.AdExIF((2 ** 30, 2 ** 30))


def test_update_errors(pops):
    pop = pops(2)
    with pytest.raises(ValueError, match="dt"):
        pop.update(0.0, 0.0)
    with pytest.raises(ValueError, match="dt"):
        pop.update(0.0, np.nan)
    with pytest.raises(ValueError):
        pop.update(np.inf, 0.1)
    with pytest.raises(ValueError):
        pop.update("0", 0.1)
    with pytest.raises(ValueError):
        pop.update(None, 0.1)
    st = pops(2, method="euler", tau_w=0.01)
    with pytest.raises(adex.RangeError, match="dt") as e:  # unstable step
        st.update(0.0, 0.1)
    assert isinstance(e.value, ValueError)
    st.update(0.0, 0.01)


def test_rhs_errors(pops):
    pop = pops(3, tau=np.array([10.0, 11.0, 12.0]))
    with pytest.raises(ValueError):
        pop.dV(np.zeros(4), 0.0, 0.0, 0.0)  # per-neuron parameters: 3 values
    with pytest.raises(ValueError):
        pop.dV("a", 0.0, 0.0, 0.0)
    with pytest.raises(ValueError):
        pop.dw(np.zeros(2), 0.0, np.zeros(3))
    assert pop.dV(-65.0, 0.0, 0.0, 0.0).shape == (3,)


def test_unknown_keys(pops):
    pop = pops(2)
    with pytest.raises(KeyError) as e:
        adex.run(pop, 1.0, monitors=["nope"], progress=False)
    assert "V" in str(e.value) and not str(e.value).startswith("'")
    assert isinstance(e.value, adex.UnknownKeyError)
    with pytest.raises(KeyError):
        pop.get_delay_data("nope", 0)
    with pytest.raises(KeyError):
        adex.global_delay_vars["nope"]


def test_error_objects_carry_status_and_message():
    with pytest.raises(adex.AdexError) as e:
        adex.AdExIF(2, tau=-3.0)
    assert e.value.status == "ADEX_EINVAL" and e.value.code == 1
    assert "-3" in str(e.value)


def test_register_implicit_errors(pops):
    pop = pops(2)
    with pytest.raises(ValueError):
        pop.register_implicit_vars({"x": [1, 2]})
    with pytest.raises(ValueError):
        pop.register_implicit_vars([np.zeros(2)])
    with pytest.raises(ValueError):
        pop.register_implicit_nodes(np.zeros(2))
    with pytest.raises(ValueError):
        pop.register_implicit_vars({"bad name": np.zeros(2)})
    with pytest.raises(ValueError):
        pop.nodes(method="sideways")


def test_errors_carry_the_library_parts():
    """An error from the library carries what was at fault (key), the
    neuron (index) and the reason, beside the message (adex_errkey,
    adex_errindex, adex_errreason): front ends need not read the text."""
    with pytest.raises(adex.InvalidValueError) as e:
        adex.AdExIF(4, tau=np.array([10., 10., -3., 10.]))
    assert (e.value.key, e.value.index) == ("tau", 2)
    assert e.value.reason == "must be > 0, got -3"
    assert str(e.value) == "tau must be > 0, got -3 (neuron 2)"
    with pytest.raises(adex.InvalidValueError) as e:
        adex.AdExIF(2, tau_w=-1.)
    assert (e.value.key, e.value.index) == ("tau_w", None)
