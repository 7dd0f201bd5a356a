"""Streamed inputs (adex.inputs.Section, Ramp, Poisson, OU): the library's
input generators computed inside the C loop. Checked against BrainPy's
array inputs written in Python (section_input, ramp_input), against the
adex program's inputs of the same kind and seed, against the values fed
as an array, and by their statistics; a stream continues across runs."""

import json
import subprocess

import h5py
import numpy as np
import pytest

import adex
from adex.inputs import OU, Poisson, Ramp, Section, ramp_input, \
    section_input
from test_network_cli import adex_binary

DT = 0.1


def pop(n=6, **kw):
    return adex.AdExIF(n, V_initializer=adex.init.Uniform(-70., -55., seed=2),
                       **kw)


def run_V(p, duration, inputs):
    return adex.run(p, duration, dt=DT, inputs=inputs, monitors=["V"],
                    progress=False)["V"]


def test_section_and_ramp_equal_brainpys_arrays():
    vals = [10., np.linspace(0, 30, 6), 22.]
    durs = [5.05, 12., 8.]
    a, b = pop(), pop()
    want = run_V(a, 30., ("input", section_input(vals, durs, DT)[:300]
                          if len(section_input(vals, durs, DT)) >= 300 else
                          np.concatenate([section_input(vals, durs, DT),
                                          np.zeros((300 - 250, 6))]), "iter"))
    got = run_V(b, 30., Section(vals, durs))
    np.testing.assert_array_equal(got, want)
    a, b = pop(), pop()
    want = run_V(a, 40., ("input", ramp_input(0., 45., 40., 3.0, 33.05, DT),
                          "iter"))
    got = run_V(b, 40., Ramp(0., 45., t_end=33.05, t_start=3.0))
    np.testing.assert_array_equal(got, want)


def test_stream_equals_its_values_as_an_array_and_continues():
    n, steps = 8, 600
    s, twin = Poisson(5000., 50., seed=4), Poisson(5000., 50., seed=4)
    rows = np.array([twin.next_values(n, DT) for _ in range(2 * steps)])
    a, b = pop(n), pop(n)
    want = run_V(a, 2 * steps * DT, rows)
    got1 = run_V(b, steps * DT, s)
    assert s.steps_done == steps
    got2 = run_V(b, steps * DT, ("input", s, "iter"))  # goes on
    np.testing.assert_array_equal(np.concatenate([got1, got2]), want)
    assert (want > -50).any()  # the input does drive the neurons


def test_poisson_statistics_and_the_programs_poisson(tmp_path):
    n, steps, rate, w = 50, 4000, 300., 2.5
    s = Poisson(rate, w, seed=77)
    vals = np.array([s.next_values(n, DT) for _ in range(steps)])
    assert set(np.unique(vals)) <= {0.0, w}
    p = rate * DT / 1000
    count = (vals > 0).sum()
    assert abs(count - n * steps * p) < 5 * np.sqrt(n * steps * p * (1 - p))
    # the program's poisson input with that seed: the same events
    cfg = {"duration": 30.0, "dt": DT,
           "populations": [{"name": "P", "size": 5}],
           "inputs": [{"kind": "poisson", "target": "P", "rate": 2000.,
                       "weight": 40., "seed": 12}],
           "record": {"P": ["V"]}, "out": "o.h5"}
    (tmp_path / "c.json").write_text(json.dumps(cfg))
    r = subprocess.run([str(adex_binary()), "run", "-q", "c.json"],
                       cwd=tmp_path, capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0, r.stderr
    with h5py.File(str(tmp_path / "o.h5"), "r") as f:
        cli_V = f["P/V"][()]
    got = run_V(adex.AdExIF(5, name="P2"), 30.0, Poisson(2000., 40., seed=12))
    np.testing.assert_array_equal(got, cli_V)


def test_ou_statistics():
    n, steps, mean, sigma, tau = 300, 3000, 10., 3., 2.
    s = OU(mean, sigma, tau, seed=5)
    x = np.array([s.next_values(n, DT) for _ in range(steps)])[200:]
    var = sigma ** 2 * tau / 2
    rho = np.exp(-DT / tau)
    m_eff = x.size * (1 - rho) / (1 + rho)
    assert abs(x.mean() - mean) < 5 * np.sqrt(var / m_eff)
    assert abs(x.var() / var - 1) < 5 * np.sqrt(2 / m_eff)
    c = np.mean((x[1:] - mean) * (x[:-1] - mean)) / np.mean((x - mean) ** 2)
    assert abs(c - rho) < 0.01


def test_dsrunner_streams_in_c_and_in_python():
    def build(i):
        E = adex.dyn.AdExIF(20, V_initializer=adex.init.Uniform(-70., -55.,
                                                                seed=1),
                            name="E%d" % i)
        I = adex.dyn.AdExIF(10, name="I%d" % i)
        EI = adex.dyn.ExpCOBA(E, I, adex.conn.FixedProb(0.3, seed=2),
                              g_max=0.5, tau=5., E=0.)
        return adex.dyn.Network(EI, E=E, I=I)

    runs = []
    for i, extra in enumerate(([], [("I%d.input" % 1, lambda t, dt: 0.0,
                                     "func")])):
        net = build(i)
        r = adex.dyn.DSRunner(
            net, monitors=["E%d.V" % i, "I%d.V" % i],
            inputs=[("E%d.input" % i, OU(25., 6., 3., seed=9)),
                    ("I%d.input" % i, Poisson(5000., 30., seed=1))] + extra,
            dt=DT, progress_bar=False)
        r.run(50.)
        r.run(30.)  # the streams go on
        runs.append((r.mon["E%d.V" % i].copy(), r.mon["I%d.V" % i].copy()))
    assert (runs[0][0] > -50).any() and (runs[0][1] > -50).any()
    # the whole loop in C and the Python loop (a 'func' input) agree
    np.testing.assert_array_equal(runs[0][0], runs[1][0])
    np.testing.assert_array_equal(runs[0][1], runs[1][1])


def test_refusals():
    with pytest.raises(ValueError, match="rate"):
        adex.run(pop(), 1., inputs=Poisson(20000., 1.), progress=False)
    with pytest.raises(ValueError, match="one value or one per neuron"):
        adex.run(pop(6), 1., inputs=Poisson([1., 2.], 1.), progress=False)
    with pytest.raises(ValueError, match="only input"):
        adex.run(pop(), 1., inputs=[("input", Poisson(1., 1.)),
                                    ("input", 3.)], progress=False)
    with pytest.raises(ValueError, match="values and durations"):
        Section([1., 2.], [3.])
