"""`adex info` on every file kind adex reads or writes, and the help and
usage texts of every command."""

import re

import h5py
import numpy as np
import pytest


def test_info_h5_recording(adex, adex_run, workdir, show):
    proc = adex_run("--size", "3", "--duration", "10", "--V0", "-65",
                    "--input", "0:30", "--record", "V", "--watch", "0,2",
                    "--out", "r.h5")
    assert proc.returncode == 0, show(proc)
    proc = adex("info", "r.h5")
    assert proc.returncode == 0, show(proc)
    out = proc.stdout
    assert "HDF5" in out
    assert re.search(r"^/pop/\s+group", out, re.M), out
    assert re.search(r"^/pop/V\s+float64 \(100, 2\)", out, re.M), out
    assert re.search(r"^/pop/spikes/neuron\s+int64 \(\d+,\)", out, re.M)
    assert re.search(r"@dt = 0\.1$", out, re.M), out
    assert re.search(r'@method = "exp_auto"', out), out
    assert re.search(r"@shape = \[3\]", out), out


def test_info_h5_state_file(adex, workdir, show):
    """A state file as h5py/BrainPy writes it: one dataset per variable."""
    with h5py.File(str(workdir / "state.h5"), "w") as f:
        f["AdExIF0.V"] = np.zeros(4)
        f["AdExIF0.spike"] = np.zeros(4, bool)
        f["AdExIF0.w"] = np.zeros(4, np.float32)
        f.attrs["note"] = "x" * 200
    proc = adex("info", "state.h5")
    assert proc.returncode == 0, show(proc)
    assert "/AdExIF0.V  float64 (4,)" in proc.stdout
    assert "/AdExIF0.w  float32 (4,)" in proc.stdout
    assert "/AdExIF0.spike  bool" in proc.stdout
    assert "(200 characters)" in proc.stdout       # long strings cut short


def test_info_npz_npy_csv(adex, workdir, show):
    np.savez(str(workdir / "s.npz"), **{"AdExIF0.V": np.zeros((2, 5)),
                                        "AdExIF0.spike": np.zeros(5, bool)})
    np.savez_compressed(str(workdir / "c.npz"), w=np.zeros(7, np.float32))
    proc = adex("info", "s.npz")
    assert proc.returncode == 0, show(proc)
    assert re.search(r"AdExIF0\.V\.npy\s+float64 \(2, 5\)", proc.stdout)
    assert re.search(r"AdExIF0\.spike\.npy\s+bool \(5,\)", proc.stdout)
    proc = adex("info", "c.npz")
    assert re.search(r"w\.npy\s+float32 \(7,\)", proc.stdout), show(proc)
    with open(str(workdir / "v2.npy"), "wb") as f:
        np.lib.format.write_array(f, np.zeros((3, 4)), version=(2, 0))
    proc = adex("info", "v2.npy")
    assert "float64 (3, 4)" in proc.stdout and "v2.0" in proc.stdout
    (workdir / "sp.csv").write_text("t,neuron\n0.5,1\n2.25,0\n")
    proc = adex("info", "sp.csv")
    assert proc.returncode == 0, show(proc)
    assert "t,neuron" in proc.stdout and "rows: 2" in proc.stdout
    assert "0.5 .. 2.25 ms" in proc.stdout


def test_info_errors(adex, workdir, show, expect_usage_error):
    expect_usage_error(adex("info"), show, "usage")
    expect_usage_error(adex("info", "a", "b"), show, "b")
    proc = adex("info", "missing.h5")
    assert proc.returncode == 1 and "missing.h5" in proc.stderr
    (workdir / "x.bin").write_bytes(b"\x00\x01\x02")
    proc = adex("info", "x.bin")
    assert proc.returncode == 1 and "unknown format" in proc.stderr
    (workdir / "bad.npy").write_bytes(b"\x93NUMPY\x01\x00\x10\x00{'descr'")
    proc = adex("info", "bad.npy")
    assert proc.returncode == 1 and proc.returncode >= 0
    # a structured array has a descr (a list of fields): said so
    np.save(str(workdir / "rec.npy"),
            np.zeros(3, dtype=[("a", "<f8"), ("b", "<i4")]))
    proc = adex("info", "rec.npy")
    assert proc.returncode == 1, show(proc)
    assert "structured dtype" in proc.stderr, show(proc)
    assert "no 'descr'" not in proc.stderr, show(proc)


# ---------------------------------------------------------------- help

RUN_NEW_FLAGS = ["--out", "--record", "--record-every", "--no-spikes",
                 "--quiet", "--watch", "CONFIG"]
PATTERNS_FLAGS = ["--out", "--dt", "--duration", "--onset", "--method",
                  "--record-every", "--no-plot", "--quiet"]


def test_top_help_lists_commands(adex, show):
    proc = adex("--help")
    assert proc.returncode == 0, show(proc)
    for cmd in ("run", "patterns", "plot", "info"):
        assert re.search(r"^  %s\s" % cmd, proc.stdout, re.M), cmd
    # and the options of every command
    for flag in RUN_NEW_FLAGS + PATTERNS_FLAGS:
        assert flag in proc.stdout, flag


def test_run_help_new_flags(adex, show):
    proc = adex("run", "--help")
    assert proc.returncode == 0, show(proc)
    for flag in RUN_NEW_FLAGS:
        assert flag in proc.stdout, flag
    for word in (".h5", ".csv", ".npy", "130", "143", "docs/cli.md",
                 "adex-default.h5", "ms"):
        assert word in proc.stdout, word
    # the step count is the library's rule (adex_run_steps), as run
    text = " ".join(proc.stdout.split())
    assert "steps = ceil(duration/dt)" in text, text
    assert "1.04 ms is 11" in text and "round(" not in text
    assert "mpirun -np N adex run" in text and "bit for bit" in text


@pytest.mark.parametrize("cmd,words", [
    ("patterns", PATTERNS_FLAGS + ["[0.01]", "[600]", "[rk4]", "Naud",
                                   "tau = C/gL"]),
    ("plot", ["--out", "raster", "rate", "matplotlib"]),
    ("info", ["HDF5", ".npz", ".npy", ".csv"]),
])
def test_command_help(cmd, words, adex, show):
    for form in ("--help", "-h"):
        proc = adex(cmd, form)
        assert proc.returncode == 0, show(proc)
        for w in words:
            assert w in proc.stdout, (cmd, w)


def test_usage_errors(adex, show, expect_usage_error):
    proc = adex()
    assert proc.returncode == 2 and "usage" in proc.stderr
    expect_usage_error(adex("frobnicate"), show, "frobnicate")
    expect_usage_error(adex("--frobnicate"), show, "--frobnicate")
