"""State files of `adex run` : --save-state after the run,
--load-state before it, --start to continue. A run of 60 ms equals a run of
30 ms saved and continued for 30 ms, bit for bit (trace rows, spikes and
the final state), for both formats, also with adaptive steps (the sub-step
sizes are the state variable step_size) and with noise (keyed by the step
index, so the continuation draws the same numbers). Damaged files are
refused before anything is written."""

import os

import h5py
import numpy as np
import pytest

BASE = ["--size", "4", "--V0", "-65", "--input", "10:40", "--dt", "0.1",
        "--quiet"]
MODES = {
    "rk4": ["--method", "rk4"],
    "adaptive": ["--method", "rkf45", "--adaptive", "--tol", "1e-8",
                 "--precise-spikes", "--tau_ref", "2"],
    "noise": ["--method", "exp_auto", "--noise", "2"],
    "noise_adaptive_soft": ["--method", "rkdp", "--adaptive", "--noise", "1",
                            "--spk_reset", "soft"],
}


def read_state(path):
    """{key: array} of a state file of either format."""
    path = str(path)
    if path.endswith(".npz"):
        with np.load(path) as z:
            return {k: z[k] for k in z.files}
    with h5py.File(path, "r") as f:
        return {k: f[k][()] for k in f}


def assert_same_state(a, b):
    assert sorted(a) == sorted(b)
    for k in a:
        assert a[k].dtype == b[k].dtype and a[k].shape == b[k].shape, k
        assert a[k].tobytes() == b[k].tobytes(), k


def lines(path):
    return path.read_text().splitlines()


@pytest.mark.parametrize("fmt", ["h5", "npz"])
@pytest.mark.parametrize("mode", sorted(MODES))
def test_continuation_is_bit_exact(mode, fmt, adex_run, workdir, show):
    args = BASE + MODES[mode]
    full = adex_run(*args, "--duration", "60", "--trace", "full.csv",
                    "--spikes", "fsp.csv", "--save-state", "full." + fmt)
    assert full.returncode == 0, show(full)
    half = adex_run(*args, "--duration", "30", "--spikes", "hsp.csv",
                    "--save-state", "half." + fmt)
    assert half.returncode == 0, show(half)
    assert "state at t = 30 ms saved to half.%s" % fmt in half.stdout
    assert "--start 30 --load-state half.%s" % fmt in half.stdout
    cont = adex_run(*args, "--duration", "30", "--start", "30",
                    "--load-state", "half." + fmt, "--trace", "second.csv",
                    "--spikes", "ssp.csv", "--save-state", "end." + fmt)
    assert cont.returncode == 0, show(cont)
    assert cont.stderr == ""                 # every key was in the file
    tr_full, tr_second = lines(workdir / "full.csv"), lines(workdir / "second.csv")
    assert len(tr_second) == 1 + 300 * 4
    assert tr_full[0] == tr_second[0]
    assert tr_full[1 + 300 * 4:] == tr_second[1:]
    sp = lines(workdir / "fsp.csv")
    assert sp == lines(workdir / "hsp.csv") + lines(workdir / "ssp.csv")[1:]
    assert len(sp) > 10
    a, b = read_state(workdir / ("full." + fmt)), read_state(workdir / ("end." + fmt))
    assert_same_state(a, b)
    assert ("pop.step_size" in a) == ("--adaptive" in args)
    assert {"pop.V", "pop.w", "pop.input", "pop.spike", "pop.refractory",
            "pop.t_last_spike"} <= set(a)
    # the state is that of the end of the run
    last = np.array([[float(x) for x in r.split(",")]
                     for r in tr_full[-4:]])
    np.testing.assert_array_equal(a["pop.V"], last[:, 2])
    np.testing.assert_array_equal(a["pop.w"], last[:, 3])


def test_roundtrip_and_missing_keys(adex_run, workdir, show):
    """A file with only V and w (as h5py writes it): loaded, the other keys
    warned about on stderr and left as they were; saved again with zero
    steps it holds the loaded values."""
    with h5py.File(str(workdir / "in.h5"), "w") as f:
        f["pop.V"] = np.array([-50.0, -60.0, -70.0])
        f["pop.w"] = np.array([1.0, 2.0, 3.0], dtype=np.float32)
    proc = adex_run("--size", "3", "--duration", "0", "--load-state", "in.h5",
                    "--save-state", "out.npz")
    assert proc.returncode == 0, show(proc)
    err = proc.stderr
    for key in ("pop.input", "pop.spike", "pop.t_last_spike"):
        assert key in err, err
    assert "Warning" in err and "in.h5" in err
    s = read_state(workdir / "out.npz")
    np.testing.assert_array_equal(s["pop.V"], [-50.0, -60.0, -70.0])
    assert s["pop.w"].dtype == np.float64
    np.testing.assert_array_equal(s["pop.w"], [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(s["pop.t_last_spike"], [-1e7] * 3)


def test_several_populations_one_file_each(adex_run, write_config, workdir,
                                           show):
    cfg = write_config({
        "duration": 20, "dt": 0.1,
        "populations": [{"name": "exc", "size": 3, "V_initializer": -65},
                        {"name": "inh", "size": 2, "V_initializer": -60,
                         "method": "rkf45", "adaptive": True}],
        "inputs": [{"kind": "constant", "target": "exc", "value": 25},
                   {"kind": "constant", "target": "inh", "value": 35}]})
    proc = adex_run(cfg, "--save-state", "s.h5")
    assert proc.returncode == 0, show(proc)
    assert "saved to s.exc.h5, s.inh.h5" in proc.stdout
    assert not (workdir / "s.h5").exists()
    assert sorted(read_state(workdir / "s.exc.h5")) == sorted(
        "exc." + k for k in ("V", "w", "input", "spike", "refractory",
                             "t_last_spike"))
    assert "inh.step_size" in read_state(workdir / "s.inh.h5")
    # continue; compare with a 40 ms run
    proc = adex_run(cfg, "--start", "20", "--load-state", "s.h5",
                    "--save-state", "c.npz")
    assert proc.returncode == 0, show(proc)
    proc = adex_run(cfg, "--duration", "40", "--save-state", "f.npz")
    assert proc.returncode == 0, show(proc)
    for name in ("exc", "inh"):
        assert_same_state(read_state(workdir / ("c.%s.npz" % name)),
                          read_state(workdir / ("f.%s.npz" % name)))
    # a file of another population is refused, naming the key
    os.replace(str(workdir / "s.exc.h5"), str(workdir / "x.inh.h5"))
    os.replace(str(workdir / "s.inh.h5"), str(workdir / "x.exc.h5"))
    proc = adex_run(cfg, "--load-state", "x.h5")
    assert proc.returncode == 2, show(proc)
    assert "--load-state: x.exc.h5: unknown key" in proc.stderr


def test_name_must_match(adex_run, write_config, workdir, show,
                         expect_usage_error):
    """The flag-only population is "pop"; an unnamed config population is
    the library's AdExIF0: their files do not mix."""
    proc = adex_run("--duration", "1", "--save-state", "p.npz")
    assert proc.returncode == 0, show(proc)
    assert "pop.V" in read_state(workdir / "p.npz")
    cfg = write_config({"duration": 1, "populations": [{"size": 1}]})
    proc = adex_run(cfg, "--save-state", "c.npz")
    assert proc.returncode == 0, show(proc)
    assert "AdExIF0.V" in read_state(workdir / "c.npz")
    expect_usage_error(adex_run(cfg, "--load-state", "p.npz"), show,
                       "--load-state: p.npz: unknown key", "pop.V")
    proc = adex_run(cfg, "--load-state", "c.npz")
    assert proc.returncode == 0, show(proc)


def damaged_files(workdir, good):
    data = good.read_bytes()
    ext = good.suffix
    out = {}
    for name, blob in [("trunc_half", data[:len(data) // 2]),
                       ("trunc_head", data[:40]),
                       ("empty", b""),
                       ("random", bytes(np.random.RandomState(3).randint(
                           0, 256, len(data), dtype=np.uint8)))]:
        p = workdir / ("bad_%s%s" % (name, ext))
        p.write_bytes(blob)
        out[name] = p
    return out


@pytest.mark.parametrize("fmt", ["h5", "npz"])
def test_damaged_state_file(fmt, adex_run, workdir, show,
                            expect_usage_error):
    """Refused with the library's message (exit 2) before any output file
    exists: nothing is written."""
    proc = adex_run("--size", "3", "--duration", "5", "--V0", "-65",
                    "--save-state", "good." + fmt)
    assert proc.returncode == 0, show(proc)
    good = workdir / ("good." + fmt)
    bad = damaged_files(workdir, good)
    before = sorted(p.name for p in workdir.iterdir())
    for name, path in bad.items():
        proc = adex_run("--size", "3", "--duration", "5", "--load-state",
                        path.name, "--out", "r.h5", "--spikes", "s.csv",
                        "--trace", "t.csv", "--save-state", "o." + fmt)
        line = expect_usage_error(proc, show, "--load-state: ", path.name)
        assert proc.stdout == "", name
        assert sorted(p.name for p in workdir.iterdir()) == before, name
        assert len(line) > len("adex run: --load-state: ") + len(path.name) + 5
    # a wrong shape: the file of a population of another size
    expect_usage_error(adex_run("--size", "4", "--load-state", good.name,
                                "--out", "r.h5"), show, "--load-state: ",
                       good.name)
    assert sorted(p.name for p in workdir.iterdir()) == before
    # a missing file
    expect_usage_error(adex_run("--load-state", "nope." + fmt), show,
                       "--load-state: ", "nope." + fmt)


@pytest.mark.parametrize("fmt", ["h5", "npz"])
def test_bad_values_refused(fmt, adex_run, workdir, show,
                            expect_usage_error):
    """NaN, inf and V or w beyond +-1e12 are refused (exit 2) with the key
    and the first bad element, before any output file exists."""
    cases = {"nan": ("pop.V", [-65.0, np.nan, np.inf], "'pop.V': element 1 "
                     "is nan; values must be finite"),
             "inf": ("pop.w", [0.0, 0.0, -np.inf], "'pop.w': element 2 is "
                     "-inf"),
             "big": ("pop.w", [1e200, 0.0, 0.0], "'pop.w': element 0 is "
                     "1e+200, outside +-1e+12"),
             "input": ("pop.input", [0.0, np.nan, 0.0], "'pop.input': "
                       "element 1 is nan")}
    for name, (key, values, words) in cases.items():
        path = workdir / ("%s.%s" % (name, fmt))
        if fmt == "npz":
            np.savez(str(path), **{key: np.array(values)})
        else:
            with h5py.File(str(path), "w") as f:
                f[key] = np.array(values)
        before = sorted(p.name for p in workdir.iterdir())
        proc = adex_run("--size", "3", "--duration", "1", "--load-state",
                        path.name, "--out", "r.h5", "--save-state",
                        "o." + fmt)
        expect_usage_error(proc, show, "--load-state: ", path.name, words)
        assert sorted(p.name for p in workdir.iterdir()) == before, name


def test_state_flag_errors(adex_run, workdir, show, expect_usage_error):
    expect_usage_error(adex_run("--save-state", "s.txt"), show,
                       "--save-state: ", ".h5", ".npz")
    expect_usage_error(adex_run("--load-state", "s.json"), show,
                       "--load-state: ", ".h5", ".npz")
    expect_usage_error(adex_run("--save-state", "no/such/dir/s.h5",
                                "--out", "r.h5"), show,
                       "--save-state: cannot write 'no/such/dir/s.h5'")
    expect_usage_error(adex_run("--save-state", "r.h5", "--out", "r.h5"),
                       show, "--save-state names the same file")
    expect_usage_error(adex_run("--save-state="), show, "expects a value")
    assert list(workdir.iterdir()) == []


def test_state_file_with_attributes(adex_run, workdir, show,
                                    expect_usage_error):
    """An h5py file with attributes (and nothing else) is refused for what
    it is, not as a file written with track_order."""
    with h5py.File(str(workdir / "attrs.h5"), "w") as f:
        f.attrs["x"] = 1.0
    line = expect_usage_error(adex_run("--load-state", "attrs.h5"), show,
                              "--load-state: attrs.h5", "attributes")
    assert "track_order" not in line


def test_continuation_off_the_grid(adex_run, workdir, show, load_csv):
    """A start that is not a whole number of steps (0.05 with dt 0.1): the
    continued run's times start + D + k*dt are not the uninterrupted run's
    start + (K + k)*dt to the bit, only to an ulp or two; the state (V, w,
    spikes: which neuron, which step) is the same, bit for bit, for a
    method whose step does not read the time."""
    args = BASE + ["--method", "rk4", "--start", "0.05"]
    full = adex_run(*args, "--duration", "60", "--trace", "full.csv",
                    "--spikes", "fsp.csv", "--save-state", "full.h5")
    assert full.returncode == 0, show(full)
    half = adex_run(*args, "--duration", "30", "--spikes", "hsp.csv",
                    "--save-state", "half.h5")
    assert half.returncode == 0, show(half)
    assert "--start 30.05 --load-state half.h5" in half.stdout
    cont = adex_run(*(BASE + ["--method", "rk4"]), "--duration", "30",
                    "--start", "30.05", "--load-state", "half.h5", "--trace",
                    "second.csv", "--spikes", "ssp.csv", "--save-state",
                    "end.h5")
    assert cont.returncode == 0, show(cont)
    _, full_rows = load_csv(workdir / "full.csv")
    _, second = load_csv(workdir / "second.csv")
    first = full_rows[300 * 4:]
    assert len(first) == len(second) == 300 * 4
    t1 = np.array([float(r[0]) for r in first])
    t2 = np.array([float(r[0]) for r in second])
    np.testing.assert_allclose(t2, t1, rtol=4e-16, atol=0)
    assert [r[1:] for r in first] == [r[1:] for r in second]
    _, sp_full = load_csv(workdir / "fsp.csv")
    _, sp_half = load_csv(workdir / "hsp.csv")
    _, sp_second = load_csv(workdir / "ssp.csv")
    later = sp_full[len(sp_half):]
    assert len(later) == len(sp_second) > 5
    assert [r[1] for r in later] == [r[1] for r in sp_second]
    np.testing.assert_allclose([float(r[0]) for r in sp_second],
                               [float(r[0]) for r in later], rtol=4e-16)
    a, b = read_state(workdir / "full.h5"), read_state(workdir / "end.h5")
    for k in ("pop.V", "pop.w", "pop.spike"):
        assert a[k].tobytes() == b[k].tobytes(), k
    np.testing.assert_allclose(b["pop.t_last_spike"], a["pop.t_last_spike"],
                               rtol=4e-16)
