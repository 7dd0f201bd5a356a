"""Output formats and the informational commands of `adex`."""

import math
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DRIVE = ["--V0", "-65", "--input", "0:30"]

# Every flag of the `adex run` contract.
RUN_FLAGS = [
    "--size", "--duration", "--dt", "--method",
    "--V_rest", "--V_reset", "--V_th", "--V_T", "--delta_T",
    "--a", "--b", "--tau", "--tau_w", "--R",
    "--V0", "--w0", "--seed", "--input",
    "--spikes", "--trace", "--watch", "--start", "--rates",
]


def test_headers(adex_run, workdir, load_csv, show):
    proc = adex_run("--size", "2", "--duration", "2", *DRIVE,
                    "--trace", workdir / "tr.csv", "--spikes", workdir / "sp.csv")
    assert proc.returncode == 0, show(proc)
    assert (workdir / "tr.csv").read_text().splitlines()[0] == "t,neuron,V,w"
    assert (workdir / "sp.csv").read_text().splitlines()[0] == "t,neuron"


def test_empty_spike_file_has_header(adex_run, workdir, load_csv, show):
    proc = adex_run("--size", "2", "--duration", "5", "--V0", "-65",
                    "--spikes", workdir / "sp.csv")
    assert proc.returncode == 0, show(proc)
    header, rows = load_csv(workdir / "sp.csv")
    assert header == ["t", "neuron"] and rows == []


def test_watch_subset(adex_run, workdir, load_csv, show):
    proc = adex_run("--size", "4", "--duration", "10", "--dt", "0.1", *DRIVE,
                    "--watch", "0,2", "--trace", workdir / "tr.csv")
    assert proc.returncode == 0, show(proc)
    _, rows = load_csv(workdir / "tr.csv")
    assert len(rows) == 100 * 2
    assert [int(r[1]) for r in rows] == [0, 2] * 100
    for k, r in enumerate(rows):
        assert math.isclose(float(r[0]), (k // 2 + 1) * 0.1, rel_tol=1e-13)


def test_watch_all(adex_run, workdir, load_csv, show):
    proc = adex_run("--size", "5", "--duration", "2", "--dt", "0.1", *DRIVE,
                    "--watch", "all", "--trace", workdir / "tr.csv")
    assert proc.returncode == 0, show(proc)
    _, rows = load_csv(workdir / "tr.csv")
    assert [int(r[1]) for r in rows] == list(range(5)) * 20


@pytest.mark.parametrize("duration,dt,steps", [
    ("1", "0.3", 4),      # 3.33 -> 4 (BrainPy: len(np.arange(0, 1, 0.3)))
    ("1", "0.15", 7),     # 6.67 -> 7
    ("1.04", "0.1", 11),  # 10.4 -> 11
    ("10", "0.1", 100),   # 99.99999999999999 or 100 -> 100
    ("0.3", "0.1", 3),    # 2.9999999999999996 -> 3
    ("0.7", "0.1", 7),    # 6.999999999999999 -> 7
])
def test_step_count(duration, dt, steps, adex_run, workdir, load_csv,
                           show):
    proc = adex_run("--size", "3", "--duration", duration, "--dt", dt,
                    "--V0", "-65", "--watch", "0,1",
                    "--trace", workdir / "tr.csv")
    assert proc.returncode == 0, show(proc)
    _, rows = load_csv(workdir / "tr.csv")
    assert len(rows) == steps * 2
    last = float(rows[-1][0])
    assert math.isclose(last, steps * float(dt), rel_tol=1e-12)


def test_start_offset_stamps(adex_run, workdir, load_csv, show):
    proc = adex_run("--size", "2", "--duration", "1", "--dt", "0.25",
                    "--start", "100", "--watch", "all",
                    "--trace", workdir / "tr.csv", "--spikes", workdir / "sp.csv")
    assert proc.returncode == 0, show(proc)
    _, rows = load_csv(workdir / "tr.csv")
    assert [float(r[0]) for r in rows] == [100.25, 100.25, 100.5, 100.5,
                                           100.75, 100.75, 101.0, 101.0]
    # default V0 = 0: both neurons spike in the first step, stamped t = start
    _, spikes = load_csv(workdir / "sp.csv")
    assert [(float(t), int(n)) for t, n in spikes] == [(100.0, 0), (100.0, 1)]


def test_summary_matches_spike_file(adex_run, workdir, load_csv, show):
    proc = adex_run("--size", "7", "--duration", "100", "--dt", "0.1",
                    "--V0", "-65", "--input", "0:35",
                    "--spikes", workdir / "sp.csv")
    assert proc.returncode == 0, show(proc)
    _, spikes = load_csv(workdir / "sp.csv")
    count = len(spikes)
    assert count > 7  # several neurons fire repeatedly
    out = proc.stdout
    assert re.search(r"(?<![\d.])7(?![\d.])", out), (
        "neuron count 7 not in stdout:\n" + out)
    assert re.search(r"(?<![\d.])%d(?![\d.])" % count, out), (
        "spike count %d not in stdout:\n%s" % (count, out))


def test_version(adex, show):
    proc = adex("--version")
    assert proc.returncode == 0, show(proc)
    version = (REPO / "VERSION").read_text().strip()
    assert version in proc.stdout, show(proc)


def test_run_help_mentions_every_flag(adex_run, show):
    proc = adex_run("--help")
    assert proc.returncode == 0, show(proc)
    text = proc.stdout + proc.stderr
    missing = [f for f in RUN_FLAGS
               if not re.search(re.escape(f) + r"(?![A-Za-z0-9_])", text)]
    assert not missing, "help does not mention %s\n%s" % (missing, text)
    # the accepted forms of the initializers and the spreads are documented
    for word in ("uniform", "normal", "zero"):
        assert word in text, word


def test_run_without_arguments_prints_rates(adex_run, show):
    proc = adex_run(timeout=60)
    assert proc.returncode == 0, show(proc)
    assert re.search(r"rate|hz", proc.stdout, re.I), show(proc)
    assert len(proc.stdout.strip().splitlines()) >= 2, show(proc)


def test_rates_table(adex_run, workdir, load_csv, show):
    n = 4
    proc = adex_run("--size", n, "--duration", "200", "--dt", "0.1", *DRIVE,
                    "--rates", "--spikes", workdir / "sp.csv")
    assert proc.returncode == 0, show(proc)
    assert re.search(r"rate|hz", proc.stdout, re.I), show(proc)
    # a header and one line per neuron at least
    assert len(proc.stdout.strip().splitlines()) >= n + 1, show(proc)
    # the busiest neuron's rate (Hz) appears, to 1 decimal at least
    _, spikes = load_csv(workdir / "sp.csv")
    top = max(sum(1 for _, i in spikes if int(i) == j) for j in range(n))
    rate = top / 0.2
    numbers = [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?",
                                            proc.stdout)]
    assert any(abs(x - rate) <= 0.05 for x in numbers), (
        "rate %.3f Hz not in\n%s" % (rate, proc.stdout))
