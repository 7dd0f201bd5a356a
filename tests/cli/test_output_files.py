"""Output files of `adex run`, `adex patterns` and `adex plot` in hard
places: a full disk, one file named twice, an output that is an input, a
device or a pipe, and targets that cannot take a file."""

import os
import resource
import signal
import stat
import subprocess
import time

import pytest

FSIZE_LIMIT = 160 * 1024  # bytes a process may write into one file


def small_disk():
    """In the child: files stop growing at FSIZE_LIMIT bytes, and a write
    past it fails with EFBIG (as on a full disk) instead of killing."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (FSIZE_LIMIT, FSIZE_LIMIT))


def run_limited(adex_bin, workdir, *args):
    return subprocess.run([adex_bin] + [str(a) for a in args],
                          cwd=str(workdir), capture_output=True, text=True,
                          timeout=120, preexec_fn=small_disk)


# ---------------------------------------------------------------- full disk

@pytest.mark.parametrize("out", ["x.h5", "x.csv", "x.npy"])
def test_full_disk_run(out, adex_bin, workdir, show):
    """A recording that does not fit: exit 1 with a message, no crash in
    HDF5's exit handler, nothing left behind."""
    proc = run_limited(adex_bin, workdir, "run", "-q", "--size", "50",
                       "--input", "20", "--duration", "50", "--out", out,
                       "--record", "V")
    assert proc.returncode == 1, show(proc)
    assert "cannot write output file '%s'" % out in proc.stderr, show(proc)
    assert list(workdir.iterdir()) == []


def test_full_disk_patterns(adex_bin, workdir, show):
    proc = run_limited(adex_bin, workdir, "patterns", "-q", "--no-plot",
                       "--out", "p")
    assert proc.returncode == 1, show(proc)
    assert "cannot write output file" in proc.stderr, show(proc)
    assert [p.name for p in (workdir / "p").iterdir()] == []


def test_small_output_fits_under_the_limit(adex_bin, workdir, show):
    """The limit itself lets small files through (the test above fails for
    the size of the recording, not for any write at all)."""
    proc = run_limited(adex_bin, workdir, "run", "-q", "--size", "2",
                       "--duration", "5", "--out", "x.h5", "--record", "V")
    assert proc.returncode == 0, show(proc)
    assert (workdir / "x.h5").is_file()
