"""Fixtures of the Python package tests (tests/python).

Run with:  PYTHONPATH=python /usr/bin/python3 -m pytest tests/python
The package is <repo>/python/adex (added to sys.path here when PYTHONPATH
does not have it); the library is $ADEX_LIBRARY, or <repo>/build/libadex.so.
"""

import gc
import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
if not any(Path(p).resolve() == REPO / "python" for p in sys.path if p):
    sys.path.insert(0, str(REPO / "python"))
os.environ.setdefault("MPLBACKEND", "Agg")

import adex  # noqa: E402


def child_env():
    """Environment for a child Python that imports this adex."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(REPO / "python")] + [p for p in env.get("PYTHONPATH", "").split(
            os.pathsep) if p])
    return env


@pytest.fixture
def pops():
    """make(*args, **kw) builds an AdExIF that is closed after the test,
    so that names are released even when the test fails."""
    made = []

    def make(*args, **kw):
        p = adex.AdExIF(*args, **kw)
        made.append(p)
        return p

    yield make
    for p in made:
        p.close()
    made.clear()
    gc.collect()


@pytest.fixture(autouse=True)
def _clean_global_delays():
    yield
    adex.global_delay_vars.clear()
