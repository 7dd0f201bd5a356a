"""`adex patterns` (the eight firing patterns of Naud et al. 2008: data,
gallery, and the character of each spike train), `adex plot`, and what
happens when the plotting helper cannot run."""

import os
import struct
import subprocess

import h5py
import numpy as np
import pytest

ORDER = ["tonic", "adapting", "initial_burst", "regular_bursting",
         "delayed_accelerating", "delayed_regular_bursting",
         "transient_spiking", "irregular"]
ONSET = 50.0


def png_size(path):
    """(width, height) of a PNG, after checking its signature."""
    data = open(str(path), "rb").read(32)
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "%s is not a PNG" % path
    return struct.unpack(">II", data[16:24])


@pytest.fixture(scope="module")
def gallery(adex_bin, tmp_path_factory):
    """Run `adex patterns` once for the module; returns (dir, process)."""
    d = tmp_path_factory.mktemp("patterns") / "out" / "sub"
    proc = subprocess.run([adex_bin, "patterns", "--out", str(d), "-q"],
                          capture_output=True, text=True, timeout=120)
    return d, proc


@pytest.fixture(scope="module")
def trains(gallery):
    """Spike times (ms, from the current onset) of every pattern."""
    d, proc = gallery
    assert proc.returncode == 0, proc.stdout + proc.stderr
    with h5py.File(str(d / "patterns.h5"), "r") as f:
        return {n: f[n]["spikes/t"][()] - ONSET for n in ORDER}


def test_patterns_writes_data_and_gallery(gallery, show):
    d, proc = gallery
    assert proc.returncode == 0, show(proc)
    assert str(d / "patterns.png") in proc.stdout
    assert str(d / "patterns.h5") in proc.stdout
    w, h = png_size(d / "patterns.png")
    assert w >= 1200 and h >= 1200           # a 4 x 2 gallery at 150 dpi
    assert os.path.getsize(str(d / "patterns.png")) > 50000
    assert not [x for x in os.listdir(str(d)) if ".tmp." in x]
    # the summary table names every pattern
    for title in ("Tonic spiking", "Adaptation", "Initial burst",
                  "Regular bursting", "Delayed accelerating",
                  "Delayed regular bursting", "Transient spiking",
                  "Irregular spiking"):
        assert title in proc.stdout


def test_patterns_data_layout(gallery):
    d, _ = gallery
    with h5py.File(str(d / "patterns.h5"), "r") as f:
        assert f.attrs["kind"] == "patterns"
        assert f.attrs["dt"] == 0.01
        assert sorted(f.keys()) == sorted(ORDER)
        for k, name in enumerate(ORDER):
            g = f[name]
            assert g.attrs["pattern_index"] == k
            assert g.attrs["method"] == "rk4" and g.attrs["size"] == 1
            assert g["V"].shape == g["w"].shape == (6000, 1)
            assert g["w"].attrs["unit"] == "pA"
            # docs/semantics.md section 1: tau = C/gL, R = 1/gL, V_th = V_peak = 0
            C, gL = g.attrs["C_pF"], g.attrs["gL_nS"]
            assert g.attrs["tau"] == pytest.approx(C / gL)
            assert g.attrs["R"] == pytest.approx(1 / gL)
            assert g.attrs["V_rest"] == g.attrs["EL_mV"]
            assert g.attrs["V_T"] == g.attrs["VT_mV"]
            assert g.attrs["V_reset"] == g.attrs["Vr_mV"]
            assert g.attrs["V_th"] == 0.0
            I = g["input"][:, 0]
            assert np.all(I[:499] == 0) and np.all(I[500:] == g.attrs["I_pA"])
        # Table 1 values, spot-checked
        assert f["tonic"].attrs["I_pA"] == 500
        assert f["irregular"].attrs["a_nS"] == -11
        assert f["initial_burst"].attrs["C_pF"] == 130


def isis(t):
    return np.diff(t)


def test_tonic(trains):
    """Tonic spiking: after the first few, the ISIs are constant."""
    d = isis(trains["tonic"])
    assert len(d) >= 40
    late = d[5:]
    assert late.std() / late.mean() < 0.01
    assert d[0] < late.mean()          # a slight settling, no adaptation


def test_adapting(trains):
    """Adaptation: ISIs grow monotonically and saturate."""
    d = isis(trains["adapting"])
    assert len(d) >= 6
    assert np.all(np.diff(d) > -0.05)
    assert d[-1] > 4 * d[0]
    assert abs(d[-1] - d[-2]) < 0.02 * d[-1]


def test_initial_burst(trains):
    """Initial burst: the first ISIs are short, then long and regular."""
    d = isis(trains["initial_burst"])
    assert np.all(d[:2] < 10) and np.all(d[2:] > 40)
    assert d[3:].std() / d[3:].mean() < 0.05


def test_regular_bursting(trains):
    """Regular bursting: bimodal ISIs (within and between bursts),
    repeating bursts."""
    d = isis(trains["regular_bursting"])
    short, long_ = d[d < 10], d[d > 100]
    assert len(short) + len(long_) == len(d)
    assert len(long_) >= 2 and len(short) >= len(long_)
    assert long_.min() > 10 * short.max()


def test_delayed_accelerating(trains):
    """Delayed accelerating: a long first-spike latency, then ISIs that
    shorten steadily."""
    t = trains["delayed_accelerating"]
    d = isis(t)
    assert t[0] > d[0] > d[-1]
    assert t[0] > 2 * trains["tonic"][0]
    assert np.all(np.diff(d) < 0.05)
    assert d[-1] < 0.6 * d[0]


def test_delayed_regular_bursting(trains):
    """Delayed regular bursting: the longest latency of all, then bursts
    of three or more spikes at a regular period."""
    t = trains["delayed_regular_bursting"]
    assert t[0] > 40
    assert t[0] == max(trains[n][0] for n in ORDER)
    d = isis(t)
    short, long_ = d < 10, d > 40
    assert np.all(short | long_)
    burst_sizes = np.diff(np.flatnonzero(np.r_[True, long_, True]))
    assert np.all(burst_sizes[:-1] >= 3)
    assert d[long_].std() < 1.0


def test_transient_spiking(trains):
    """Transient spiking: a spike or two at the onset, then silence for
    the rest of the step."""
    t = trains["transient_spiking"]
    assert 1 <= len(t) <= 3
    assert t.max() < 100


def test_irregular(trains):
    """Irregular spiking: widely spread ISIs without a bursting gap (high
    CV). In this deterministic simulation the train settles into a long
    cycle of five different ISIs after about ten spikes; it is irregular
    within the window, not random."""
    d = isis(trains["irregular"])
    assert len(d) >= 20
    assert d.std() / d.mean() > 0.4
    assert len(np.unique(np.round(d[5:]))) >= 5
    s = np.sort(d)
    assert np.diff(s).max() < 0.3 * (s[-1] - s[0])


# ---------------------------------------------------------------- helpers

def fake_python(workdir, status):
    """A stand-in interpreter that exits with status."""
    p = workdir / ("python_exit%d" % status)
    p.write_text("#!/bin/sh\nexit %d\n" % status)
    p.chmod(0o755)
    return str(p)


@pytest.mark.parametrize("python,needles", [
    ("/nonexistent/python3", ["/nonexistent/python3", "matplotlib"]),
    ("exit3", ["matplotlib"]),
    ("exit1", ["plotting helper failed"]),
])
def test_patterns_without_matplotlib(python, needles, adex_bin, workdir):
    if python.startswith("exit"):
        python = fake_python(workdir, int(python[4:]))
    env = dict(os.environ, ADEX_PYTHON=python)
    proc = subprocess.run([adex_bin, "patterns", "--out", "g", "-q",
                           "--duration", "100"], cwd=str(workdir), env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1, proc.stderr
    assert (workdir / "g" / "patterns.h5").exists()
    assert not (workdir / "g" / "patterns.png").exists()
    err = proc.stderr.strip().splitlines()[-1]
    assert err.startswith("adex patterns: ")
    assert "patterns.h5" in err           # says where the data is
    for n in needles:
        assert n in err


def test_patterns_bad_arguments(adex, workdir, show, expect_usage_error):
    expect_usage_error(adex("patterns", "--bogus"), show, "--bogus")
    expect_usage_error(adex("patterns", "--dt", "0"), show, "--dt")
    expect_usage_error(adex("patterns", "--onset", "700"), show, "--onset")
    expect_usage_error(adex("patterns", "--method", "nope", "-q",
                            "--no-plot"), show, "nope")
    (workdir / "f").write_text("x")
    expect_usage_error(adex("patterns", "--out", "f/sub"), show, "f/sub")


def test_patterns_no_plot(adex, workdir, show):
    proc = adex("patterns", "--out", "d", "--no-plot", "-q", "--duration",
                "200", "--dt", "0.05", "--method", "rk4_38rule")
    assert proc.returncode == 0, show(proc)
    assert not (workdir / "d" / "patterns.png").exists()
    with h5py.File(str(workdir / "d" / "patterns.h5"), "r") as f:
        assert f["tonic"].attrs["method"] == "rk4_38rule"
        assert f["tonic/V"].shape == (400, 1)


# ---------------------------------------------------------------- adex plot

def test_plot_recording(adex, adex_run, write_config, workdir, show):
    path = write_config({
        "duration": 200, "dt": 0.1,
        "populations": [{"name": "exc", "size": 40, "V_initializer":
                         {"uniform": [-70, -55]}},
                        {"name": "inh", "size": 10, "V_initializer": -65}],
        "inputs": [{"target": "exc", "kind": "poisson", "rate": 800,
                    "weight": 25},
                   {"target": "inh", "kind": "ramp", "from": 0, "to": 40}],
        "record": {"exc": {"vars": ["V", "w"], "watch": [0, 1, 2]},
                   "inh": ["V"]},
        "out": "two.h5"})
    proc = adex_run(path.name)
    assert proc.returncode == 0, show(proc)
    proc = adex("plot", "two.h5")
    assert proc.returncode == 0, show(proc)
    assert "two.png" in proc.stdout
    w, h = png_size(workdir / "two.png")
    assert w > 1000 and h > 1000
    proc = adex("plot", "two.h5", "--out", "fig.png")
    assert proc.returncode == 0, show(proc)
    png_size(workdir / "fig.png")


def test_plot_spikes_only_and_patterns(adex, adex_run, workdir, show):
    proc = adex_run("--size", "20", "--duration", "100", "--V0", "-65",
                    "--input", "10:40", "--out", "s.h5")
    assert proc.returncode == 0, show(proc)
    assert adex("plot", "s.h5").returncode == 0
    png_size(workdir / "s.png")
    proc = adex("patterns", "--out", ".", "--no-plot", "-q", "--duration",
                "100")
    assert proc.returncode == 0, show(proc)
    proc = adex("plot", "patterns.h5", "--out", "gallery.png")
    assert proc.returncode == 0, show(proc)
    png_size(workdir / "gallery.png")


def test_plot_errors(adex, workdir, show, expect_usage_error):
    expect_usage_error(adex("plot"), show, "usage")
    expect_usage_error(adex("plot", "missing.h5"), show, "missing.h5")
    expect_usage_error(adex("plot", "a.h5", "b.h5"), show, "b.h5")
    expect_usage_error(adex("plot", "--bogus"), show, "--bogus")
    # an HDF5 file that is not a recording: the helper says so, exit 1
    with h5py.File(str(workdir / "state.h5"), "w") as f:
        f["AdExIF0.V"] = np.zeros(3)
    proc = adex("plot", "state.h5")
    assert proc.returncode == 1, show(proc)
    assert "no recording" in proc.stderr
    assert not (workdir / "state.png").exists()


def test_plot_script_missing(adex_bin, adex_run, workdir, show):
    """ADEX_PLOT_SCRIPT naming no file: the message says so (it was set)."""
    proc = adex_run("--duration", "1", "--out", "r.h5", "--record", "V")
    assert proc.returncode == 0, show(proc)
    env = dict(os.environ, ADEX_PLOT_SCRIPT="/nonexistent.py")
    proc = subprocess.run([adex_bin, "plot", "r.h5", "--out", "p.png"],
                          cwd=str(workdir),
                          env=env, capture_output=True, text=True,
                          timeout=30)
    assert proc.returncode == 1, show(proc)
    assert "ADEX_PLOT_SCRIPT names '/nonexistent.py'" in proc.stderr
    assert "No such file or directory" in proc.stderr
    assert "set ADEX_PLOT_SCRIPT" not in proc.stderr
    assert not (workdir / "p.png").exists()
