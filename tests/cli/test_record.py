"""Recordings of `adex run` (--out, --record, --watch, --record-every,
--no-spikes): the HDF5 layout read back with h5py (golden), the CSV and
NPY formats, agreement with the CSV outputs of --spikes and --trace of the same run,
interrupted runs, the progress bar and the default run's output file."""

import csv
import os
import pty
import signal
import subprocess
import time

import h5py
import numpy as np
import pytest

from pathlib import Path

DRIVE = ["--V0", "-65", "--input", "0:30"]
VERSION = (Path(__file__).resolve().parents[2] / "VERSION").read_text().strip()


def read_rows(path):
    with open(str(path), newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


# ---------------------------------------------------------------- HDF5

ROOT_ATTRS = {"adex_version", "kind", "dt", "seed", "duration", "start",
              "steps", "steps_done", "t_end", "interrupted", "time_unit"}
POP_ATTRS = {"size", "shape", "method", "dt", "seed", "adex_version",
             "record_every", "V_initializer", "w_initializer", "samples",
             "spike_count", "V_rest", "V_reset", "V_th", "V_T", "delta_T",
             "a", "b", "tau", "tau_w", "R"}


def test_h5_golden_layout(adex_run, workdir, show):
    """Every group, dataset, dtype, shape and attribute of a recording."""
    proc = adex_run("--size", "4", "--duration", "20", "--dt", "0.1",
                    "--seed", "9", "--method", "rk4", *DRIVE,
                    "--tau", "10:20", "--record", "V,w,input,t_last_spike",
                    "--watch", "1,3", "--record-every", "4",
                    "--out", "g.h5")
    assert proc.returncode == 0, show(proc)
    with h5py.File(str(workdir / "g.h5"), "r") as f:
        objects = {}
        f.visititems(lambda name, obj: objects.__setitem__(
            name, (type(obj).__name__, getattr(obj, "shape", None),
                   str(getattr(obj, "dtype", "")))))
        assert objects == {
            "pop": ("Group", None, ""),
            "pop/spikes": ("Group", None, ""),
            "pop/spikes/t": ("Dataset", (objects["pop/spikes/t"][1][0],),
                                 "float64"),
            "pop/spikes/neuron": ("Dataset",
                                      (objects["pop/spikes/t"][1][0],),
                                      "int64"),
            "pop/ts": ("Dataset", (50,), "float64"),
            "pop/neurons": ("Dataset", (2,), "int64"),
            "pop/V": ("Dataset", (50, 2), "float64"),
            "pop/w": ("Dataset", (50, 2), "float64"),
            "pop/input": ("Dataset", (50, 2), "float64"),
            "pop/t_last_spike": ("Dataset", (50, 2), "float64"),
        }
        assert ROOT_ATTRS <= set(f.attrs)
        assert f.attrs["adex_version"] == VERSION
        assert f.attrs["kind"] == "run"
        assert f.attrs["dt"] == 0.1 and f.attrs["seed"] == 9
        assert f.attrs["steps"] == 200 and f.attrs["steps_done"] == 200
        assert f.attrs["interrupted"] == 0
        assert f.attrs["t_end"] == pytest.approx(20.0)
        g = f["pop"]
        assert POP_ATTRS <= set(g.attrs)
        assert g.attrs["method"] == "rk4" and g.attrs["size"] == 4
        assert g.attrs["record_every"] == 4 and g.attrs["samples"] == 50
        assert g.attrs["adex_version"] == VERSION
        np.testing.assert_allclose(g.attrs["tau"], [10, 40 / 3, 50 / 3, 20])
        assert g.attrs["a"] == 1.0                      # BrainPy's default
        assert g.attrs["V_initializer"] == "constant(-65)"
        assert g.attrs["spike_count"] == len(g["spikes/t"])
        assert g["V"].attrs["unit"] == "mV" and g["ts"].attrs["unit"] == "ms"
        assert list(g["neurons"][()]) == [1, 3]
        np.testing.assert_allclose(g["ts"][()], 0.4 * np.arange(1, 51),
                                   rtol=1e-12)
        # input is what the neurons got: 0:30 spread over 4 neurons
        np.testing.assert_array_equal(g["input"][()],
                                      np.tile([10.0, 30.0], (50, 1)))
        # t_last_spike agrees with the spike list
        t, i = g["spikes/t"][()], g["spikes/neuron"][()]
        for col, nrn in enumerate([1, 3]):
            mine = t[i == nrn]
            assert g["t_last_spike"][-1, col] == (mine[-1] if len(mine)
                                                  else -1e7)


def test_h5_same_run_same_bytes(adex_run, workdir, show):
    """The same run twice, a second apart, writes the same .h5 bytes: no
    object creation or change times are stored (a file's bytes are then
    a function of the run, which `mpirun` runs rely on)."""
    args = ["--size", "20", "--duration", "30", "--input", "0:30",
            "--record", "V,w", "--watch", "0,5,19", "--record-every", "3"]
    r = adex_run(*args, "--out", "a.h5")
    assert r.returncode == 0, show(r)
    time.sleep(1.1)
    r = adex_run(*args, "--out", "b.h5")
    assert r.returncode == 0, show(r)
    assert (workdir / "a.h5").read_bytes() == (workdir / "b.h5").read_bytes()


def test_units_label_what_is_stored(adex_run, workdir, show):
    """w and input hold currents such that R*w and R*I are in mV: the
    datasets store w and I, in mV/R. With R = 0.1 and input 500 the dataset
    holds 500 (R*I = 50 mV), which a label "R*I in mV" misnamed."""
    proc = adex_run("-q", "--size", "2", "--duration", "2", "--R", "0.1",
                    "--input", "500", "--V0", "-65", "--out", "u.h5",
                    "--record", "V,w,input,t_last_spike")
    assert proc.returncode == 0, show(proc)
    with h5py.File(str(workdir / "u.h5"), "r") as f:
        g = f["pop"]
        np.testing.assert_array_equal(g["input"][()], 500.0)
        assert g.attrs["R"] == 0.1
        units = {v: g[v].attrs["unit"] for v in ("V", "w", "input",
                                                 "t_last_spike")}
    assert units == {"V": "mV", "w": "mV/R", "input": "mV/R",
                     "t_last_spike": "ms"}


def test_h5_matches_issue2_csv(adex_run, workdir, load_csv, show):
    """Same run, two recorders: the .h5 samples and spikes equal the
    --trace/--spikes CSV rows (every 3rd step of the trace)."""
    proc = adex_run("--size", "5", "--duration", "60", *DRIVE,
                    "--watch", "0,2,4", "--trace", "tr.csv",
                    "--spikes", "sp.csv", "--record", "V,w",
                    "--record-every", "3", "--out", "r.h5")
    assert proc.returncode == 0, show(proc)
    _, trace = load_csv(workdir / "tr.csv")
    _, spikes = load_csv(workdir / "sp.csv")
    tr = np.array([[float(x) for x in r] for r in trace]).reshape(-1, 3, 4)
    with h5py.File(str(workdir / "r.h5"), "r") as f:
        g = f["pop"]
        sel = tr[2::3]                       # steps 2, 5, 8, ...
        np.testing.assert_array_equal(g["ts"][()], sel[:, 0, 0])
        np.testing.assert_array_equal(g["V"][()], sel[:, :, 2])
        np.testing.assert_array_equal(g["w"][()], sel[:, :, 3])
        sp = np.array([[float(t), int(n)] for t, n in spikes])
        np.testing.assert_array_equal(g["spikes/t"][()], sp[:, 0])
        np.testing.assert_array_equal(g["spikes/neuron"][()], sp[:, 1])


def test_h5_streams_long_recordings(adex_run, workdir, show):
    """More samples and spikes than one buffer: everything arrives, in
    order."""
    proc = adex_run("--size", "200", "--duration", "2000", "--dt", "0.1",
                    *DRIVE, "--record", "V", "--watch", "0,49",
                    "--out", "long.h5", "--quiet")
    assert proc.returncode == 0, show(proc)
    with h5py.File(str(workdir / "long.h5"), "r") as f:
        g = f["pop"]
        assert g["V"].shape == (20000, 2)
        assert g["V"].chunks is not None and g["V"].maxshape[0] is None
        t = g["spikes/t"][()]
        assert len(t) > 16384                 # more than one spike buffer
        assert np.all(np.diff(t) >= 0)
        np.testing.assert_allclose(g["ts"][()], 0.1 * np.arange(1, 20001),
                                   rtol=1e-12)


def test_h5_many_small_populations(adex_run, write_config, workdir, show,
                                   load_csv):
    """Spike datasets are chunked by the population's size: 2000
    populations of one neuron make a file of well under 20 KB each (4096
    spikes per chunk made 75 KB each), and a one-neuron population with
    more spikes than its buffer still gets every one, in order."""
    n = 2000
    path = write_config({
        "duration": 1, "out": "many.h5",
        "populations": [{"name": "p%d" % i} for i in range(n)]})
    proc = adex_run(path.name, "--quiet", timeout=60)
    assert proc.returncode == 0, show(proc)
    size = os.path.getsize(str(workdir / "many.h5"))
    assert size < 20000 * n, size
    with h5py.File(str(workdir / "many.h5"), "r") as f:
        assert len(f.keys()) == n
        assert list(f["p1999/spikes/t"][()]) == [0.0]
    proc = adex_run("--duration", "3000", "--V0", "-65", "--input", "400",
                    "--spikes", "one.csv", "--out", "one.h5", "--quiet")
    assert proc.returncode == 0, show(proc)
    _, rows = load_csv(workdir / "one.csv")
    assert len(rows) > 2048, len(rows)
    with h5py.File(str(workdir / "one.h5"), "r") as f:
        np.testing.assert_array_equal(f["pop/spikes/t"][()],
                                      [float(r[0]) for r in rows])
        assert f["pop/spikes/t"].chunks == (256,)


def test_no_spikes(adex_run, workdir, show):
    proc = adex_run("--size", "2", "--duration", "20", *DRIVE,
                    "--record", "V", "--no-spikes", "--out", "n.h5")
    assert proc.returncode == 0, show(proc)
    with h5py.File(str(workdir / "n.h5"), "r") as f:
        assert "spikes" not in f["pop"]
        assert f["pop/V"].shape == (200, 2)


def test_spikes_only_by_default(adex_run, workdir, show):
    proc = adex_run("--size", "3", "--duration", "50", *DRIVE,
                    "--out", "s.h5")
    assert proc.returncode == 0, show(proc)
    with h5py.File(str(workdir / "s.h5"), "r") as f:
        assert set(f["pop"].keys()) == {"spikes"}
        assert len(f["pop/spikes/t"]) > 0


# ---------------------------------------------------------------- CSV, NPY

def test_csv_long_format(adex_run, workdir, load_csv, show):
    proc = adex_run("--size", "3", "--duration", "30", *DRIVE,
                    "--record", "V,input", "--watch", "0,2",
                    "--record-every", "10", "--out", "long.csv",
                    "--spikes", "sp.csv")
    assert proc.returncode == 0, show(proc)
    header, rows = read_rows(workdir / "long.csv")
    assert header == ["t", "population", "neuron", "var", "value"]
    assert {r[1] for r in rows} == {"pop"}
    samples = [r for r in rows if r[3] != "spike"]
    assert len(samples) == 30 * 2 * 2
    v = [r for r in samples if r[3] == "V"]
    assert [float(r[0]) for r in v[:4]] == pytest.approx([1.0, 1.0, 2.0, 2.0])
    assert [int(r[2]) for r in v[:4]] == [0, 2, 0, 2]
    inp = [float(r[4]) for r in samples if r[3] == "input"]
    assert set(inp) == {0.0, 30.0}
    spk = [(float(r[0]), int(r[2])) for r in rows if r[3] == "spike"]
    _, ref = load_csv(workdir / "sp.csv")
    assert spk == [(float(t), int(n)) for t, n in ref]
    assert all(r[4] == "1" for r in rows if r[3] == "spike")


def test_npy_one_variable(adex_run, workdir, show):
    proc = adex_run("--size", "4", "--duration", "10", *DRIVE,
                    "--record", "w", "--watch", "1,2", "--out", "w.npy")
    assert proc.returncode == 0, show(proc)
    a = np.load(str(workdir / "w.npy"))
    assert a.dtype == np.float64 and a.shape == (100, 2)
    proc = adex_run("--size", "4", "--duration", "10", *DRIVE,
                    "--record", "w", "--watch", "1,2", "--out", "w.h5")
    with h5py.File(str(workdir / "w.h5"), "r") as f:
        np.testing.assert_array_equal(a, f["pop/w"][()])


def test_npy_spikes(adex_run, workdir, load_csv, show):
    proc = adex_run("--size", "4", "--duration", "50", *DRIVE,
                    "--out", "s.npy", "--spikes", "s.csv")
    assert proc.returncode == 0, show(proc)
    a = np.load(str(workdir / "s.npy"))
    _, ref = load_csv(workdir / "s.csv")
    assert a.shape == (len(ref), 2)
    np.testing.assert_array_equal(a, [[float(t), float(n)] for t, n in ref])


def test_npy_refuses_two_arrays(adex_run, workdir, show, expect_usage_error):
    proc = adex_run("--size", "2", "--duration", "5", "--record", "V,w",
                    "--out", "x.npy")
    expect_usage_error(proc, show, "x.npy", "one variable")
    assert list(workdir.iterdir()) == []


# ---------------------------------------------------------------- errors

@pytest.mark.parametrize("args,needles", [
    (["--record", "V"], ["--record", "--out"]),
    (["--record", "V,u", "--out", "x.h5"], ["--record", "'u'"]),
    (["--record", "", "--out", "x.h5"], ["--record"]),
    (["--record-every", "0", "--out", "x.h5"], ["--record-every"]),
    (["--record-every", "2"], ["--record-every", "--out"]),
    (["--no-spikes"], ["--no-spikes", "--out"]),
    (["--watch", "1"], ["--watch", "--out"]),
    (["--watch", "5", "--out", "x.h5"], ["--watch", "5"]),
    (["--out", "x.txt"], ["--out", ".h5"]),
    (["--out", "no_dir/x.h5"], ["no_dir/x.h5"]),
    (["--out", "x.csv", "--spikes", "x.csv"], ["same file"]),
])
def test_record_errors(args, needles, adex_run, workdir, show,
                       expect_usage_error):
    proc = adex_run("--size", "3", "--duration", "5", *args)
    expect_usage_error(proc, show, *needles)
    assert list(workdir.iterdir()) == []


def test_unwritable_output_detected_before_run(adex_run, workdir, show,
                                               expect_usage_error):
    """An output that cannot be created fails at once, before a long
    simulation would start."""
    (workdir / "plain").write_text("a file, not a directory")
    t0 = time.time()
    proc = adex_run("--size", "1000", "--duration", "1e7",
                    "--out", "plain/x.h5", timeout=20)
    expect_usage_error(proc, show, "plain/x.h5", "Not a directory")
    assert time.time() - t0 < 5 and "wall time" not in proc.stdout


def test_failed_run_keeps_existing_output(adex_run, workdir, show,
                                          expect_usage_error):
    old = workdir / "x.h5"
    old.write_text("old")
    proc = adex_run("--size", "3", "--tau", "-3", "--out", "x.h5")
    expect_usage_error(proc, show, "tau")
    proc = adex_run("--size", "3", "--record", "V,w", "--out", "x.npy")
    assert old.read_text() == "old"
    assert not [x for x in os.listdir(str(workdir)) if ".tmp." in x]


def test_output_is_a_directory(adex_run, workdir, show, expect_usage_error):
    (workdir / "d.h5").mkdir()
    proc = adex_run("--size", "3", "--duration", "5", "--out", "d.h5")
    expect_usage_error(proc, show, "d.h5")


# ---------------------------------------------------------------- signals

def start_long_run(adex_bin, workdir, out, *extra):
    return subprocess.Popen(
        [adex_bin, "run", "--size", "200", "--duration", "1e7", *DRIVE,
         "--record", "V", "--watch", "0,199", "--out", out, *extra],
        cwd=str(workdir), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True)


@pytest.mark.parametrize("sig,code,name", [(signal.SIGINT, 130, "SIGINT"),
                                           (signal.SIGTERM, 143, "SIGTERM")])
def test_interrupted_run_keeps_what_was_recorded(sig, code, name, adex_bin,
                                                 adex_run, workdir, show):
    p = start_long_run(adex_bin, workdir, "int.h5", "--spikes", "int.csv")
    time.sleep(0.5)
    p.send_signal(sig)
    out, err = p.communicate(timeout=20)
    assert p.returncode == code, (p.returncode, out, err)
    assert name in err and "int.h5" in err and "interrupted" in err
    assert not [x for x in os.listdir(str(workdir)) if ".tmp." in x]
    with h5py.File(str(workdir / "int.h5"), "r") as f:
        assert f.attrs["interrupted"] == 1 and f.attrs["signal"] == name
        done = int(f.attrs["steps_done"])
        assert 0 < done < int(f.attrs["steps"])
        g = f["pop"]
        t = g["spikes/t"][()]
        n = g["spikes/neuron"][()]
        assert len(t) > 0 and t.max() < done * 0.1
        assert g["V"].shape == (done, 2)
        assert g["ts"][-1] == pytest.approx(done * 0.1)
    # the spikes recorded before the signal are exactly those of a run
    # that stops there by itself
    ref = adex_run("--size", "200", "--duration", "%.17g" % (done * 0.1),
                   *DRIVE, "--out", "ref.h5")
    assert ref.returncode == 0, show(ref)
    with h5py.File(str(workdir / "ref.h5"), "r") as f:
        assert f.attrs["steps"] == done
        np.testing.assert_array_equal(f["pop/spikes/t"][()], t)
        np.testing.assert_array_equal(f["pop/spikes/neuron"][()], n)
    # the --spikes/--trace CSV is finished too
    rows = (workdir / "int.csv").read_text().splitlines()
    assert rows[0] == "t,neuron" and len(rows) - 1 == len(t)


# ---------------------------------------------------------------- progress

def run_on_pty(adex_bin, workdir, args, wait_for=None, stop_after=1.6):
    """Run adex with stderr on a pseudo-terminal. Read what it writes until
    wait_for appears (or stop_after seconds pass), then SIGINT it; return
    (exit status, stderr text)."""
    import select
    master, slave = pty.openpty()
    p = subprocess.Popen([adex_bin, *args], cwd=str(workdir),
                         stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    chunks, t0, sent = [], time.time(), False
    while True:
        if not sent and (time.time() - t0 > (10 if wait_for else stop_after)
                         or (wait_for and wait_for in
                             b"".join(chunks).decode("utf-8", "replace"))):
            p.send_signal(signal.SIGINT)
            sent = True
        ready, _, _ = select.select([master], [], [], 0.05)
        if not ready:
            if p.poll() is not None:
                break
            continue
        try:
            data = os.read(master, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    p.wait(timeout=30)
    os.close(master)
    return p.returncode, b"".join(chunks).decode("utf-8", "replace")


LONG = ["run", "--size", "500", "--duration", "1e6", "--V0", "-65",
        "--input", "0:30"]


def test_progress_bar_on_terminal(adex_bin, workdir):
    rc, err = run_on_pty(adex_bin, workdir, LONG, wait_for="ETA")
    assert rc == 130, err
    assert "\r[" in err and "ETA" in err and "ms/s" in err and "%" in err
    assert "/ 1e+06 ms" in err
    # the bar is erased before the interruption is reported
    assert "\r\x1b[K" in err and "interrupted by SIGINT" in err


def test_quiet_and_pipes_have_no_progress(adex_bin, workdir):
    rc, err = run_on_pty(adex_bin, workdir, LONG + ["--quiet"])
    assert rc == 130
    assert "\r" not in err.replace("\r\n", "\n") and "ETA" not in err
    assert err.strip().startswith("adex run: interrupted by SIGINT")
    p = subprocess.Popen([adex_bin, *LONG], cwd=str(workdir),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(1.6)
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=30)
    assert p.returncode == 130
    assert b"ETA" not in err and b"\r" not in err


# ---------------------------------------------------------------- default

def test_default_run_writes_output(adex_run, workdir, show):
    proc = adex_run(timeout=60)
    assert proc.returncode == 0, show(proc)
    assert "adex-default.h5" in proc.stdout
    with h5py.File(str(workdir / "adex-default.h5"), "r") as f:
        g = f["pop"]
        assert g.attrs["size"] == 200
        assert list(g["neurons"][()]) == [0, 50, 100, 150, 199]
        assert g["V"].shape == (1000, 5)
        assert len(g["spikes/t"]) > 1000
