"""Input kinds of `adex run` configs, each checked against an independent
expectation through the recorded `input` variable (the input used in the
step from t_k to t_k + dt, stored at ts = t_k + dt).

The expectations are written from docs/cli.md and BrainPy's definitions:
section_input holds values[j] for int(durations[j]/dt) steps; ramp_input
fills steps ceil(t_start/dt) .. ceil(t_end/dt)-1 with linspace(from, to);
poisson adds weight with probability rate*dt/1000 per step and neuron;
ou is dX = (mean - X)/tau dt + sigma dW from X = mean.
"""

import math

import h5py
import numpy as np
import pytest


def run_inputs(adex_run, write_config, workdir, show, inputs, size=3,
               duration=10.0, dt=0.1, every=1, seed=1, extra=None):
    """Run a population at rest (huge V_th: no spikes), record its input,
    return (ts, input[samples, size])."""
    config = {"duration": duration, "dt": dt, "seed": seed,
              "populations": [{"name": "p", "size": size,
                               "params": {"V_th": 1e6, "V_T": 1e5 - 100,
                                          "delta_T": 0},
                               "V_initializer": -65}],
              "inputs": inputs,
              "record": {"p": {"vars": ["input"], "every": every}},
              "out": "in.h5"}
    if extra:
        config.update(extra)
    proc = adex_run(write_config(config).name)
    assert proc.returncode == 0, show(proc)
    with h5py.File(str(workdir / "in.h5"), "r") as f:
        return f["p/ts"][()], f["p/input"][()]


def test_constant_scalar_and_list(adex_run, write_config, workdir, show):
    ts, I = run_inputs(adex_run, write_config, workdir, show,
                       [{"kind": "constant", "value": 2.5},
                        {"kind": "constant", "value": [0, 1, -1]}])
    assert I.shape == (100, 3)
    np.testing.assert_array_equal(I, np.tile([2.5, 3.5, 1.5], (100, 1)))
    np.testing.assert_allclose(ts, 0.1 * np.arange(1, 101), rtol=1e-12)


def section_expect(values, durations, dt, nsteps, size):
    """Independent BrainPy section_input: int(d/dt) steps per section (with
    d/dt taken as the nearest integer when it is one up to rounding)."""
    out = np.zeros((nsteps, size))
    k = 0
    for v, d in zip(values, durations):
        q = d / dt
        n = int(round(q)) if abs(q - round(q)) < 1e-9 else int(q)
        out[k:k + n] = v
        k += n
    return out


def test_section(adex_run, write_config, workdir, show):
    values = [0, [5, 10, 15], -2, 7]
    durations = [2, 3, 0.25, 1.5]   # 0.25 ms = 2.5 steps -> 2 (int())
    ts, I = run_inputs(adex_run, write_config, workdir, show,
                       [{"kind": "section", "values": values,
                         "durations": durations}], duration=10)
    want = section_expect(values, durations, 0.1, 100, 3)
    np.testing.assert_array_equal(I, want)
    # spot checks by time: the input of the step ending at ts
    assert list(I[np.isclose(ts, 2.0)][0]) == [0, 0, 0]      # step 19
    assert list(I[np.isclose(ts, 2.1)][0]) == [5, 10, 15]    # step 20
    assert list(I[np.isclose(ts, 5.1)][0]) == [-2, -2, -2]   # step 50
    assert list(I[np.isclose(ts, 5.3)][0]) == [7, 7, 7]      # step 52
    assert list(I[np.isclose(ts, 6.7)][0]) == [7, 7, 7]      # step 66
    assert list(I[np.isclose(ts, 6.8)][0]) == [0, 0, 0]      # after the end


@pytest.mark.parametrize("t_start,t_end", [(1.0, 3.0), (0.0, None),
                                           (2.05, 7.33)])
def test_ramp(t_start, t_end, adex_run, write_config, workdir, show):
    spec = {"kind": "ramp", "from": -4.0, "to": 10.0, "t_start": t_start}
    if t_end is not None:
        spec["t_end"] = t_end
    ts, I = run_inputs(adex_run, write_config, workdir, show, [spec],
                       duration=10)
    dt, n = 0.1, 100
    p1 = int(math.ceil(round(t_start / dt, 9)))
    p2 = int(math.ceil(round((10.0 if t_end is None else t_end) / dt, 9)))
    want = np.zeros(n)
    want[p1:p2] = np.linspace(-4.0, 10.0, p2 - p1)
    np.testing.assert_allclose(I[:, 0], want, rtol=1e-15, atol=0)
    assert np.all(I[:, 1] == I[:, 0])
    assert I[p1, 0] == -4.0 and I[p2 - 1, 0] == 10.0
    if p1 > 0:
        assert I[p1 - 1, 0] == 0.0
    if p2 < n:
        assert np.all(I[p2:, 0] == 0.0)


def test_poisson_statistics(adex_run, write_config, workdir, show):
    n, steps, rate, dt, weight = 200, 1000, 100.0, 0.1, 2.0
    ts, I = run_inputs(adex_run, write_config, workdir, show,
                       [{"kind": "poisson", "rate": rate, "weight": weight}],
                       size=n, duration=steps * dt)
    assert set(np.unique(I)) <= {0.0, weight}
    events = I / weight
    p = rate * dt / 1000.0
    total = events.sum()
    mean, sd = n * steps * p, math.sqrt(n * steps * p * (1 - p))
    assert abs(total - mean) < 5 * sd, (total, mean, sd)
    # per neuron: counts ~ Binomial(steps, p); their variance matches
    counts = events.sum(axis=0)
    assert abs(counts.var() / (steps * p * (1 - p)) - 1) < 0.35
    # independent across neurons: coincidences as for independent trains
    coinc = (events.T @ events)[~np.eye(n, dtype=bool)].sum() / 2
    pairs = n * (n - 1) / 2
    want = pairs * steps * p * p
    assert abs(coinc - want) < 5 * math.sqrt(want), (coinc, want)
    lag = np.corrcoef(events[:-1].ravel(), events[1:].ravel())[0, 1]
    assert abs(lag) < 0.02


def test_poisson_reproducible_and_seeded(adex_run, write_config, workdir,
                                         show):
    spec = [{"kind": "poisson", "rate": [50, 100, 200], "weight": [1, 2, 3]}]
    _, a = run_inputs(adex_run, write_config, workdir, show, spec, seed=4,
                      duration=100)
    _, b = run_inputs(adex_run, write_config, workdir, show, spec, seed=4,
                      duration=100)
    _, c = run_inputs(adex_run, write_config, workdir, show, spec, seed=5,
                      duration=100)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    for j, w in enumerate([1, 2, 3]):
        assert set(np.unique(a[:, j])) <= {0.0, float(w)}
    # an explicit seed on the input beats the run's seed
    spec[0]["seed"] = 99
    _, d = run_inputs(adex_run, write_config, workdir, show, spec, seed=4,
                      duration=100)
    _, e = run_inputs(adex_run, write_config, workdir, show, spec, seed=5,
                      duration=100)
    np.testing.assert_array_equal(d, e)


def test_ou_mean_variance_correlation(adex_run, write_config, workdir, show):
    n, mean, sigma, tau, dt = 100, 5.0, 2.0, 10.0, 0.1
    ts, I = run_inputs(adex_run, write_config, workdir, show,
                       [{"kind": "ou", "mean": mean, "sigma": sigma,
                         "tau": tau}], size=n, duration=1000.0, every=10)
    assert I.shape == (1000, n)
    x = I[50:]                      # drop 5 tau of transient
    sd_stat = sigma * math.sqrt(tau / 2.0)      # 4.47
    neff = n * x.shape[0] / (2 * tau / 1.0)     # samples every 1 ms
    assert abs(x.mean() - mean) < 5 * sd_stat / math.sqrt(neff)
    assert abs(x.std() / sd_stat - 1) < 0.05
    # autocorrelation at lag 10 ms: exp(-10/tau)
    xc = x - x.mean()
    r = (xc[10:] * xc[:-10]).mean() / xc.var()
    assert abs(r - math.exp(-1.0)) < 0.04
    # neurons are independent: the mean pairwise correlation is ~0 (each
    # estimate has sd ~ 1/sqrt(47 independent samples) ~ 0.15)
    c = np.corrcoef(x.T)
    assert abs(c[~np.eye(n, dtype=bool)].mean()) < 0.03


def test_ou_exact_step(adex_run, write_config, workdir, show):
    """sigma = 0: X relaxes exactly as mean + (X0 - mean) e^(-t/tau) from
    X0 = mean, so it stays at the (per-neuron) mean."""
    ts, I = run_inputs(adex_run, write_config, workdir, show,
                       [{"kind": "ou", "mean": [1.0, -2.0, 3.5], "sigma": 0,
                         "tau": 7}])
    np.testing.assert_array_equal(I, np.tile([1.0, -2.0, 3.5], (100, 1)))


def test_ou_starts_at_mean(adex_run, write_config, workdir, show):
    """The first step uses X after one exact update from X0 = mean: its
    spread is sigma*sqrt(tau/2*(1-exp(-2dt/tau)))."""
    n, sigma, tau, dt = 2000, 3.0, 20.0, 0.1
    ts, I = run_inputs(adex_run, write_config, workdir, show,
                       [{"kind": "ou", "mean": 1.0, "sigma": sigma,
                         "tau": tau}], size=n, duration=0.1)
    want = sigma * math.sqrt(tau / 2 * (1 - math.exp(-2 * dt / tau)))
    assert abs(I[0].mean() - 1.0) < 5 * want / math.sqrt(n)
    assert abs(I[0].std() / want - 1) < 0.08


def test_file_csv(adex_run, write_config, workdir, show):
    rng = np.random.default_rng(3)
    table = rng.normal(size=(120, 3)).round(6)
    with open(str(workdir / "drive.csv"), "w") as f:
        f.write("# steps x neurons\n")
        for row in table:
            f.write(",".join("%r" % float(v) for v in row) + "\n")
    ts, I = run_inputs(adex_run, write_config, workdir, show,
                       [{"kind": "file", "path": "drive.csv"}])
    np.testing.assert_array_equal(I, table[:100])


@pytest.mark.parametrize("dtype,version,fortran", [
    ("<f8", (1, 0), False), ("<f4", (1, 0), False), ("<f8", (2, 0), False),
    ("<f8", (1, 0), True)])
def test_file_npy(dtype, version, fortran, adex_run, write_config, workdir,
                  show):
    table = np.arange(300, dtype=float).reshape(100, 3) / 7.0
    arr = table.astype(dtype)
    if fortran:
        arr = np.asfortranarray(arr)
    with open(str(workdir / "drive.npy"), "wb") as f:
        np.lib.format.write_array(f, arr, version=version)
    ts, I = run_inputs(adex_run, write_config, workdir, show,
                       [{"kind": "file", "path": "drive.npy"}])
    np.testing.assert_array_equal(I, arr.astype(float))


def test_file_one_column_broadcasts(adex_run, write_config, workdir, show):
    np.save(str(workdir / "one.npy"), np.linspace(0, 1, 100))
    ts, I = run_inputs(adex_run, write_config, workdir, show,
                       [{"kind": "file", "path": "one.npy"}])
    for j in range(3):
        np.testing.assert_array_equal(I[:, j], np.linspace(0, 1, 100))


def test_file_path_relative_to_config(adex_run, write_config, workdir,
                                      show):
    sub = workdir / "cfgdir"
    sub.mkdir()
    np.save(str(sub / "d.npy"), np.ones((100, 3)))
    config = {"duration": 10, "populations": [{"name": "p", "size": 3}],
              "inputs": [{"kind": "file", "path": "d.npy"}]}
    write_config(config, name="cfgdir/c.json")
    proc = adex_run("cfgdir/c.json")
    assert proc.returncode == 0, show(proc)


FILE_ERRORS = [
    ("columns", lambda d: np.save(str(d / "f.npy"), np.zeros((100, 2))),
     "f.npy", ["2 columns"]),
    ("rows", lambda d: np.save(str(d / "f.npy"), np.zeros((50, 3))),
     "f.npy", ["50 rows", "100 steps"]),
    ("dtype", lambda d: np.save(str(d / "f.npy"), np.zeros((100, 3), int)),
     "f.npy", ["<i8"]),
    ("not_npy", lambda d: (d / "f.npy").write_bytes(b"hello world, no"),
     "f.npy", ["npy"]),
    ("csv_text", lambda d: (d / "f.csv").write_text("1,2,3\n1,x,3\n"),
     "f.csv", ["line 2"]),
    ("csv_ragged", lambda d: (d / "f.csv").write_text("1,2,3\n1,2\n"),
     "f.csv", ["line 2", "2 values"]),
    # the checks of every other input: finite, within +-1e9
    ("npy_nan", lambda d: np.save(str(d / "f.npy"), np.where(
        np.arange(300).reshape(100, 3) == 131, np.nan, 1.0)),
     "f.npy", ["row 44, column 3", "finite", "nan"]),
    ("npy_inf_f4", lambda d: np.save(str(d / "f.npy"), np.where(
        np.arange(100) == 7, -np.inf, 2.0).astype("<f4")),
     "f.npy", ["row 8, column 1", "finite", "-inf"]),
    ("npy_huge", lambda d: np.save(str(d / "f.npy"), np.full((100, 3), 1e300)),
     "f.npy", ["row 1, column 1", "within +-1e+09", "1e+300"]),
    ("csv_huge", lambda d: (d / "f.csv").write_text("1,2,3\n" * 99 +
                                                      "1,-2e9,3\n"),
     "f.csv", ["row 100, column 2", "within +-1e+09", "-2e+09"]),
]


@pytest.mark.parametrize("make,name,needles",
                         [(m, n, k) for _, m, n, k in FILE_ERRORS],
                         ids=[i for i, _, _, _ in FILE_ERRORS])
def test_file_errors(make, name, needles, adex_run, write_config, workdir,
                     show, expect_usage_error):
    make(workdir)
    config = {"duration": 10, "populations": [{"name": "p", "size": 3}],
              "inputs": [{"kind": "file", "path": name}]}
    proc = adex_run(write_config(config).name)
    expect_usage_error(proc, show, "inputs[0].path", *needles)


def test_inputs_add_up_and_drive(adex_run, write_config, workdir, show):
    """Inputs add into `input` before the update: a constant plus a section
    equals their sum, and the neurons respond (they spike)."""
    config = {"duration": 50, "dt": 0.1,
              "populations": [{"name": "p", "size": 2,
                               "V_initializer": -65}],
              "inputs": [{"kind": "constant", "value": 10},
                         {"kind": "section", "values": [0, 20],
                          "durations": [10, 40]}],
              "record": {"p": ["input", "V"]}, "out": "sum.h5"}
    proc = adex_run(write_config(config).name)
    assert proc.returncode == 0, show(proc)
    with h5py.File(str(workdir / "sum.h5"), "r") as f:
        I = f["p/input"][()]
        assert np.all(I[:100] == 10) and np.all(I[100:] == 30)
        assert len(f["p/spikes/t"]) > 0
        assert f["p/spikes/t"][()].min() >= 10.0


def test_constant_inputs_as_drive_same_bits(adex_run, write_config, workdir,
                                            show):
    """Constant inputs become the population's drive (read by the update,
    no pass over input per step); the same currents given step by step (a
    single section over the whole run) must give the same bits."""
    values = [0.0, 12.5, 25.0, 40.0]
    runs = {}
    for name, inputs in (
            ("drive", [{"kind": "constant", "value": values}]),
            ("steps", [{"kind": "section", "values": [values],
                        "durations": [200.0]}])):
        config = {"duration": 200, "dt": 0.1, "seed": 1,
                  "populations": [{"name": "p", "size": 4,
                                   "V_initializer": -65}],
                  "inputs": inputs,
                  "record": {"p": ["V", "w", "input"]},
                  "out": name + ".h5"}
        proc = adex_run(write_config(config, name=name + ".json").name, "-q")
        assert proc.returncode == 0, show(proc)
        with h5py.File(str(workdir / (name + ".h5")), "r") as f:
            runs[name] = {k: f["p/" + k][()] for k in ("V", "w", "input")}
            runs[name]["spikes"] = f["p/spikes/t"][()]
    a, b = runs["drive"], runs["steps"]
    assert len(a["spikes"]) > 20
    for k in ("V", "w", "input", "spikes"):
        np.testing.assert_array_equal(a[k], b[k])
    np.testing.assert_array_equal(a["input"][0], values)


INPUT_BOUNDS = [
    ({"kind": "constant", "value": -1e200}, ["inputs[0].value", "-1e+200"]),
    ({"kind": "constant", "value": [1, 2, 1e10]},
     ["inputs[0].value[2]", "1e+10"]),
    ({"kind": "section", "values": [1, [0, 2e9, 0]], "durations": [5, 5]},
     ["inputs[0].values[1][1]", "2e+09"]),
    ({"kind": "ramp", "from": 0, "to": 1e39}, ["inputs[0].to", "1e+39"]),
    ({"kind": "poisson", "rate": 10, "weight": -1e300},
     ["inputs[0].weight", "-1e+300"]),
    ({"kind": "ou", "mean": 1e308, "sigma": 1, "tau": 5},
     ["inputs[0].mean", "1e+308"]),
    ({"kind": "ou", "sigma": 1e308, "tau": 5}, ["inputs[0].sigma", "1e+308"]),
    ({"kind": "ou", "sigma": 1e6, "tau": 1e8},
     ["sigma*sqrt(tau/2)", "7.07107e+09"]),
]


@pytest.mark.parametrize("spec,needles", INPUT_BOUNDS,
                         ids=[s["kind"] + str(i)
                              for i, (s, _) in enumerate(INPUT_BOUNDS)])
def test_inputs_bounded_like_parameters(spec, needles, adex_run, write_config,
                                        show, expect_usage_error):
    """An input is a current like R*I: finite and within +-1e9, the bound of
    the parameters, whatever its kind (1e200 fired every step, 1e39 became
    inf in float32)."""
    config = {"duration": 10, "populations": [{"name": "p", "size": 3}],
              "inputs": [dict(spec, target="p")]}
    proc = adex_run(write_config(config).name)
    expect_usage_error(proc, show, "within +-1e+09", *needles)


@pytest.mark.parametrize("value", ["-1e200", "1e39", "-1e9:1e10"])
def test_input_flag_bounded(value, adex_run, show, expect_usage_error):
    proc = adex_run("-q", "--size", "3", "--duration", "1",
                    "--input=" + value)
    expect_usage_error(proc, show, "--input", "within +-1e+09")


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("method", ["exp_auto", "rk4"])
def test_largest_input_is_physical(method, dtype, adex_run, workdir, show,
                                   load_csv):
    """At the bound, a negative input holds V far below rest (no spike, w
    finite and negative), a positive one fires every step."""
    proc = adex_run("-q", "--size", "2", "--duration", "2", "--V0", "-65",
                    "--method", method, "--dtype", dtype,
                    "--input=-1e9:1e9", "--out", "x.csv", "--spikes",
                    "s.csv", "--record", "V,w")
    assert proc.returncode == 0, show(proc)
    header, rows = load_csv(workdir / "s.csv")
    neurons = [int(r[header.index("neuron")]) for r in rows]
    assert neurons and set(neurons) == {1}, neurons
    header, rows = load_csv(workdir / "x.csv")
    last = {(r[2], r[3]): float(r[4]) for r in rows[-4:]}
    assert last[("0", "V")] < -1e6
    assert -1e12 < last[("0", "w")] < 0
    assert all(math.isfinite(v) for v in last.values())
