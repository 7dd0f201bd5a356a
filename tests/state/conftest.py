"""Fixtures of the state-file interop tests (h5py and numpy against
adex_pop_save_states / adex_pop_load_states).

Run with:  /usr/bin/python3 -m pytest tests/state
The helper program is $ADEX_STATE_TOOL, or <repo>/build/tests/state_tool.
It builds a population named AdExIF0 (5 neurons unless --num) with the
delays "spk" (on spike, max 3, per-neuron steps i % 4) and "V_hist" (on V,
max 2), runs it (save, show: 100 steps of 0.1 ms with input 60 + 8 i;
load: none), and prints JSON: the
status, message, log and every key's dtype, shape and values (C99 hex
floats, so comparisons are bit for bit).
"""

import json
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _tool_path():
    return Path(os.environ.get("ADEX_STATE_TOOL",
                               str(REPO / "build" / "tests" / "state_tool")))


@pytest.fixture(scope="session")
def tool_bin():
    p = _tool_path().resolve()
    if not (p.is_file() and os.access(str(p), os.X_OK)):
        pytest.fail("state_tool not found at %s (build it, or set "
                    "ADEX_STATE_TOOL)" % p)
    return str(p)


class Result:
    """The JSON a state_tool call printed, plus its exit code."""

    def __init__(self, proc):
        self.code = proc.returncode
        self.stderr = proc.stderr
        try:
            self.json = json.loads(proc.stdout)
        except ValueError:
            raise AssertionError("state_tool printed no JSON (exit %r):\n%s\n%s"
                                 % (proc.returncode, proc.stdout[-2000:],
                                    proc.stderr[-2000:]))
        self.status = self.json["status"]
        self.message = self.json["message"]
        self.log = self.json["log"]
        self.missing = self.json["missing"]
        self.keys = self.json["keys"]

    def values(self, key):
        """The values of one key as Python floats (bools as 0/1)."""
        k = self.keys[key]
        if k["dtype"] == "bool":
            return [bool(v) for v in k["values"]]
        return [float.fromhex(v) for v in k["values"]]


@pytest.fixture
def tool(tool_bin, tmp_path):
    """tool(*args) runs state_tool in a fresh directory; returns Result."""
    def _run(*args):
        proc = subprocess.run([tool_bin] + [str(a) for a in args],
                              cwd=str(tmp_path), capture_output=True,
                              text=True, timeout=60)
        assert proc.returncode in (0, 1), proc.stderr
        return Result(proc)
    return _run
