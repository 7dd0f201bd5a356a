"""Shared fixtures for the command-line tests of `adex`.

Run with:  /usr/bin/python3 -m pytest tests/cli
The binary is $ADEX_BIN, or <repo>/build/adex when that is not set.
"""

import csv
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data"


def _bin_path():
    return Path(os.environ.get("ADEX_BIN", str(REPO / "build" / "adex"))).resolve()


@pytest.fixture(scope="session")
def adex_bin():
    """Path of the adex executable (fails clearly when it is not built)."""
    p = _bin_path()
    if not (p.is_file() and os.access(str(p), os.X_OK)):
        pytest.fail("adex binary not found at %s (build it, or set ADEX_BIN)" % p)
    return str(p)


@pytest.fixture
def workdir(tmp_path):
    """A fresh, empty directory for one test's output files."""
    d = tmp_path / "work"
    d.mkdir()
    return d


@pytest.fixture
def adex(adex_bin, workdir):
    """adex(*args) runs `adex ARGS...` in workdir; returns CompletedProcess."""
    def _run(*args, timeout=30):
        return subprocess.run([adex_bin] + [str(a) for a in args],
                              cwd=str(workdir), capture_output=True,
                              text=True, timeout=timeout)
    return _run


@pytest.fixture
def adex_run(adex):
    """adex_run(*args) runs `adex run ARGS...`."""
    def _run(*args, timeout=30):
        return adex("run", *args, timeout=timeout)
    return _run


def read_csv(path):
    """(header, rows) of a CSV file; rows are lists of strings."""
    with open(str(path), newline="") as f:
        rows = list(csv.reader(f))
    assert rows, "%s is empty (no header)" % path
    return rows[0], rows[1:]


@pytest.fixture(scope="session")
def load_csv():
    return read_csv


def describe(proc):
    return "exit %r\n--- stdout ---\n%s\n--- stderr ---\n%s" % (
        proc.returncode, proc.stdout[-3000:], proc.stderr[-3000:])


@pytest.fixture(scope="session")
def show():
    """show(proc): exit code, stdout and stderr, for assertion messages."""
    return describe


@pytest.fixture
def write_config(workdir):
    """write_config(obj_or_text, name="cfg.json") writes a config file into
    workdir (JSON-encoding obj unless it is a str) and returns its path."""
    import json

    def _write(obj, name="cfg.json"):
        p = workdir / name
        p.write_text(obj if isinstance(obj, str) else json.dumps(obj, indent=1))
        return p
    return _write


def usage_error(proc, show, *needles):
    """Assert an exit-2 usage error: one stderr line starting with the
    program's prefix, containing every needle."""
    assert proc.returncode >= 0, "crashed with signal %d\n%s" % (
        -proc.returncode, show(proc))
    assert proc.returncode == 2, show(proc)
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, "expected exactly one stderr line\n" + show(proc)
    for n in needles:
        assert n in lines[0], "%r not in %r" % (n, lines[0])
    return lines[0]


@pytest.fixture(scope="session")
def expect_usage_error():
    return usage_error
