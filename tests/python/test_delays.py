"""Delays (docs/semantics.md section 6) against hand-computed histories."""

import numpy as np
import pytest

import adex


def test_history_right_after_registration_and_pushes(pops):
    pop = pops(3, V_initializer=np.array([-60.0, -61.0, -62.0]))
    assert pop.register_delay("Vd", 3, pop.V) == 3
    np.testing.assert_array_equal(pop.get_delay_data("Vd", 0),
                                  [-60.0, -61.0, -62.0])
    for k in (1, 2, 3):
        np.testing.assert_array_equal(pop.get_delay_data("Vd", k), 0.0)
    pop.update_delay("Vd", np.array([1.0, 2.0, 3.0]))
    pop.update_delay("Vd", [4.0, 5.0, 6.0])
    want = [[4, 5, 6], [1, 2, 3], [-60, -61, -62], [0, 0, 0]]
    for k in range(4):
        np.testing.assert_array_equal(pop.get_delay_data("Vd", k), want[k])
    # indices pick neurons of the row
    np.testing.assert_array_equal(pop.get_delay_data("Vd", 1, [2, 0]),
                                  [3.0, 1.0])
    np.testing.assert_array_equal(pop.get_delay_data("Vd", np.int64(2)),
                                  want[2])
    # a fifth push drops the oldest row
    pop.update_delay("Vd", 7.0)
    np.testing.assert_array_equal(pop.get_delay_data("Vd", 3), want[2])
    np.testing.assert_array_equal(pop.get_delay_data("Vd", 0), 7.0)
    info = pop.local_delay_vars["Vd"]
    assert info["target"] == "V" and info["max_delay"] == 3


def test_per_neuron_steps_gather(pops):
    pop = pops(4, V_initializer=np.array([10.0, 20.0, 30.0, 40.0]))
    steps = np.array([0, 1, 2, 3])
    out = pop.register_delay("Vd", steps, "V")
    assert out is steps
    rows = [np.array([10.0, 20.0, 30.0, 40.0])]
    for k in range(1, 4):
        row = np.arange(4) + 100.0 * k
        pop.update_delay("Vd", row)
        rows.insert(0, row)
    # rows[a] is the row of age a; neuron i reads age steps[i]
    want = [rows[steps[i]][i] for i in range(4)]
    np.testing.assert_array_equal(pop.get_delay_data("Vd", steps), want)
    other = np.array([3, 3, 0, 1])
    np.testing.assert_array_equal(pop.get_delay_data("Vd", other),
                                  [rows[other[i]][i] for i in range(4)])
    # BrainPy's form with explicit indices: history[steps, indices]
    np.testing.assert_array_equal(
        pop.get_delay_data("Vd", np.array([1, 2]), np.array([0, 3])),
        [rows[1][0], rows[2][3]])
    with pytest.raises(ValueError):
        pop.get_delay_data("Vd", np.array([0, 1, 2, 4]))
    with pytest.raises(ValueError):
        pop.register_delay("bad", np.array([0.5, 1, 2, 3]), "V")
    with pytest.raises(ValueError):
        pop.register_delay("bad", np.array([1, 2]), "V")
    with pytest.raises(ValueError):
        pop.register_delay("bad", np.array([-1, 0, 0, 0]), "V")


def test_delay_follows_the_simulation(pops):
    pop = pops(5, V_initializer=adex.init.Uniform(-70.0, -50.0, seed=9))
    pop.register_delay("Vd", 4, pop.V)
    pop.register_delay("sp", 2, pop.spike)
    past_V = [pop.V.copy()]
    past_s = [pop.spike.copy()]
    for k in range(12):
        pop.input[:] = np.linspace(0, 60, 5)
        pop.update(k * 0.1, 0.1)
        pop.update_delay("Vd", pop.V)
        pop.update_delay("sp")  # None: the target's current value
        past_V.append(pop.V.copy())
        past_s.append(pop.spike.copy())
        for d in range(min(len(past_V), 5)):
            np.testing.assert_array_equal(pop.get_delay_data("Vd", d),
                                          past_V[-1 - d])
        for d in range(min(len(past_s), 3)):
            got = pop.get_delay_data("sp", d)
            assert got.dtype == np.bool_
            np.testing.assert_array_equal(got, past_s[-1 - d])
    # reset() leaves delays alone
    before = pop.get_delay_data("Vd", 2)
    pop.reset()
    np.testing.assert_array_equal(pop.get_delay_data("Vd", 2), before)


def test_initial_data_growth_and_reset(pops):
    pop = pops(2, V_initializer=adex.init.Constant(-65.0))
    pop.register_delay("Vd", 2, "V", initial_delay_data=-1.0)
    np.testing.assert_array_equal(pop.get_delay_data("Vd", 2), [-1, -1])
    pop.update_delay("Vd", [5.0, 6.0])
    # registering again with a larger maximum keeps the history
    pop.register_delay("Vd", 4, "V",
                       initial_delay_data=np.array([[0, 0], [0, 0], [7, 7],
                                                    [8, 8]]))
    want = [[5, 6], [-65, -65], [-1, -1], [7, 7], [8, 8]]
    for k in range(5):
        np.testing.assert_array_equal(pop.get_delay_data("Vd", k), want[k])
    # a smaller maximum changes nothing
    pop.register_delay("Vd", 1, "V")
    assert pop.local_delay_vars["Vd"]["max_delay"] == 4
    with pytest.raises(ValueError):  # another target under the same name
        pop.register_delay("Vd", 1, "w")
    # reset_delay: zeros, and the given target's values at age 0
    pop.V[:] = [-50.0, -51.0]
    pop.reset_delay("Vd", pop.V)
    np.testing.assert_array_equal(pop.get_delay_data("Vd", 0), [-50, -51])
    for k in range(1, 5):
        np.testing.assert_array_equal(pop.get_delay_data("Vd", k), 0)
    pop.reset_delay("Vd", np.array([1.0, 2.0]))
    np.testing.assert_array_equal(pop.get_delay_data("Vd", 0), [1, 2])
    assert pop.register_delay("none", None, "V") is None
    assert "none" not in pop.local_delay_vars


def test_delay_errors(pops):
    pop = pops(3)
    pop.register_delay("Vd", 2, "V")
    with pytest.raises(KeyError, match="Vd"):  # the message lists names
        pop.get_delay_data("nope", 0)
    with pytest.raises(KeyError):
        pop.update_delay("nope", np.zeros(3))
    with pytest.raises(KeyError):
        pop.reset_delay("nope", pop.V)
    with pytest.raises(ValueError, match="2"):
        pop.get_delay_data("Vd", 3)
    with pytest.raises(ValueError):
        pop.get_delay_data("Vd", -1)
    with pytest.raises(ValueError):
        pop.update_delay("Vd", np.zeros(4))
    with pytest.raises(ValueError):
        pop.update_delay("Vd", [np.nan, 0, 0])
    with pytest.raises(ValueError):
        pop.register_delay("x", 1, np.zeros(3))  # not a variable of pop
    with pytest.raises(KeyError):
        pop.register_delay("x", 1, "nonexistent")
    with pytest.raises(ValueError):
        pop.register_delay("x", "one", "V")
    with pytest.raises(ValueError):
        pop.register_delay("x", True, "V")
    with pytest.raises(ValueError):
        pop.register_delay("bad name!", 1, "V")
    with pytest.raises(ValueError):
        pop.register_delay("x", 1, "V", initial_delay_data=np.zeros((5, 5)))
    with pytest.raises(ValueError):
        pop.register_delay("x", -2, "V")


def test_global_delay_registry():
    reg = adex.global_delay_vars
    assert len(reg) == 0
    d = reg.register("exc.spike", np.array([1.0, 2.0]), 2)
    assert "exc.spike" in reg and list(reg) == ["exc.spike"]
    assert d.num == 2 and d.max_delay == 2 and d.num_delay_step == 3
    d.update([3.0, 4.0])
    np.testing.assert_array_equal(reg["exc.spike"](0), [3, 4])
    np.testing.assert_array_equal(d(1), [1, 2])
    np.testing.assert_array_equal(d(np.array([0, 1])), [3, 2])
    np.testing.assert_array_equal(d.data, [[3, 4], [1, 2], [0, 0]])
    d.reset([9.0, 9.0])
    np.testing.assert_array_equal(d.data, [[9, 9], [0, 0], [0, 0]])
    # the population's view is the same registry
    pop = adex.AdExIF(2)
    assert pop.global_delay_vars is reg
    pop.close()
    with pytest.raises(KeyError):
        reg["missing"]
    with pytest.raises(ValueError):
        reg.register("exc.spike", np.zeros(3), 2)  # another size
    with pytest.raises(ValueError):
        d(5)
    del reg["exc.spike"]
    assert len(reg) == 0
    with pytest.raises(KeyError):
        d(0)  # the wrapper looks the name up: gone
    with pytest.raises(KeyError):
        del reg["exc.spike"]
