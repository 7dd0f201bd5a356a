"""NaN or inf that reaches the state past the checked views (an array
derived from a view is an ordinary one): the update keeps the state finite
and warns (RuntimeWarning) with the neuron, the variable and the time;
update(), adex.run, Network.update and DSRunner alike."""

import warnings

import numpy as np
import pytest

import adex


def _raw(view):
    """An ordinary array over a view's memory: writes are not checked."""
    return view.view(np.ndarray)


def _finite(p):
    assert np.isfinite(p.V).all() and np.isfinite(p.w).all()


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("method", ["exp_auto", "rk4"])
def test_update_warns(pops, dtype, method):
    p = pops(5, V_initializer=-65.0, method=method, dtype=dtype, name="NF")
    _raw(p.input)[:] = [1.0, np.nan, 1.0, 1.0, 1.0]
    _raw(p.w)[3] = np.inf
    with pytest.warns(RuntimeWarning,
                      match=r"NF: 2 non-finite values .* the first in neuron "
                            r"1's input at t = 0\.5 ms"):
        p.update(0.5, 0.1)
    _finite(p)
    # reported once: the next update, with finite values, is silent
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p.update(0.6, 0.1)
    _raw(p.V)[0] = -np.inf
    with pytest.warns(RuntimeWarning, match=r"1 non-finite value .* neuron "
                                            r"0's V at t = 0\.7 ms"):
        p(0.7, 0.1)
    _finite(p)


def test_drive_and_silence(pops):
    p = pops(4, V_initializer=-65.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p.input += 1e9  # the model's own overflow is not the caller's
        p.update(0.0, 0.1)
    p.drive = 0.0
    _raw(p.drive)[2] = np.nan
    with pytest.warns(RuntimeWarning, match=r"neuron 2's drive at t = 0\.1"):
        p.update(0.1, 0.1)
    _finite(p)


def test_run_warns_once(pops):
    p = pops(3, V_initializer=-65.0, name="NFR")
    _raw(p.w)[2] = np.nan
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        adex.run(p, 2.0, dt=0.1, inputs=1.0)
    msgs = [str(x.message) for x in got if x.category is RuntimeWarning]
    assert len(msgs) == 1, msgs
    assert "NFR: 1 non-finite value" in msgs[0]
    assert "neuron 2's w at t = 0 ms" in msgs[0]
    _finite(p)


def test_network_warns():
    src = adex.dyn.SpikeTimeGroup(2, indices=[0, 1], times=[0.0, 0.5])
    post = adex.dyn.AdExIF(3, V_initializer=adex.init.Constant(-60.),
                           name="NFpost")
    syn = adex.dyn.ExpCOBA(src, post, adex.conn.All2All(), g_max=0.5,
                           tau=5., E=0.)
    net = adex.dyn.Network(syn, src=src, post=post)
    runner = adex.dyn.DSRunner(net, monitors=["post.V"], dt=0.1)
    runner.run(1.0)
    _raw(post.V)[1] = np.nan
    with pytest.warns(RuntimeWarning, match=r"NFpost: 1 non-finite value .* "
                                            r"neuron 1's V at t = 1 ms"):
        runner.run(1.0)
    assert np.isfinite(runner.mon["post.V"]).all()
    _raw(post.input)[0] = np.inf
    with pytest.warns(RuntimeWarning, match=r"neuron 0's input at t = 2 ms"):
        net.update()
    _finite(post)
