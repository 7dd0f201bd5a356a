"""`adex run` against the independent numpy reference (tests/data/) and an
analytic solution.

The reference files come from tests/data/make_reference.py, written from the
specification without reading the C code. Traces must agree to 1e-9
relative (1e-12 absolute near zero); spike trains must be identical.
"""

import json
import math
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[2] / "tests" / "data"
CASES = json.loads((DATA / "reference_cases.json").read_text())["cases"]

RTOL = 1e-9
ATOL = 1e-12


def close(x, ref, rtol=RTOL, atol=ATOL):
    return abs(x - ref) <= atol + rtol * abs(ref)


def run_case(adex_run, workdir, args):
    trace = workdir / "trace.csv"
    spikes = workdir / "spikes.csv"
    proc = adex_run(*args, "--trace", trace, "--spikes", spikes)
    return proc, trace, spikes


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_reference_trace(case, adex_run, workdir, load_csv, show):
    proc, trace, _ = run_case(adex_run, workdir, case["args"])
    assert proc.returncode == 0, show(proc)
    header, rows = load_csv(trace)
    ref_header, ref_rows = load_csv(DATA / case["trace"])
    assert header == ref_header == ["t", "neuron", "V", "w"]
    assert len(rows) == len(ref_rows), (
        "trace has %d rows, reference %d" % (len(rows), len(ref_rows)))
    bad = []
    for k, (row, ref) in enumerate(zip(rows, ref_rows)):
        t, n, V, w = float(row[0]), int(row[1]), float(row[2]), float(row[3])
        rt, rn, rV, rw = float(ref[0]), int(ref[1]), float(ref[2]), float(ref[3])
        # t: the step's end time start + (k+1)*dt; allow an ulp or two in
        # case it is formed as (start + k*dt) + dt.
        if n != rn or not close(t, rt, rtol=1e-13, atol=1e-13):
            bad.append("row %d: t,neuron = %r,%r, expected %r,%r"
                       % (k + 1, row[0], row[1], ref[0], ref[1]))
        elif not (close(V, rV) and close(w, rw)):
            bad.append("row %d (t=%s neuron %d): V=%r w=%r, expected V=%r w=%r"
                       % (k + 1, ref[0], rn, V, w, rV, rw))
        if len(bad) >= 5:
            break
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_reference_spikes(case, adex_run, workdir, load_csv, show):
    proc, _, spikes = run_case(adex_run, workdir, case["args"])
    assert proc.returncode == 0, show(proc)
    header, rows = load_csv(spikes)
    ref_header, ref_rows = load_csv(DATA / case["spikes"])
    assert header == ref_header == ["t", "neuron"]
    got = [(float(t), int(n)) for t, n in rows]
    want = [(float(t), int(n)) for t, n in ref_rows]

    def same(g, e):
        # the same neuron in the same step; t within an ulp or two: with a
        # start that is a whole number n of steps adex forms t_k as
        # (n + k)*dt (so that continued runs take the times of the
        # uninterrupted run, bit for bit), the reference as start + k*dt
        return g[1] == e[1] and close(g[0], e[0], rtol=1e-13, atol=1e-13)

    if len(got) != len(want) or not all(map(same, got, want)):
        first = next((i for i, (g, e) in enumerate(zip(got, want))
                      if not same(g, e)), min(len(got), len(want)))
        pytest.fail("spike trains differ (%d spikes, expected %d); first "
                    "difference at spike %d: got %r, expected %r" % (
                        len(got), len(want), first,
                        got[first] if first < len(got) else None,
                        want[first] if first < len(want) else None))


def test_default_zero_first_step(adex_run, workdir, load_csv, show):
    """Defaults with ZeroInit: V0 = 0 > V_th, so every neuron spikes in the
    first update (docs/semantics.md section 2): V -> V_reset = -68 exactly and
    w -> dt*phi(-dt/tau_w)*a*65/tau_w + b = 1.2163059565 for dt = 0.1."""
    proc = adex_run("--size", "3", "--duration", "1", "--dt", "0.1",
                    "--watch", "all", "--trace", workdir / "tr.csv",
                    "--spikes", workdir / "sp.csv")
    assert proc.returncode == 0, show(proc)
    _, rows = load_csv(workdir / "tr.csv")
    first = rows[:3]
    assert [int(r[1]) for r in first] == [0, 1, 2]
    for r in first:
        assert math.isclose(float(r[0]), 0.1, rel_tol=1e-13)
        assert float(r[2]) == -68.0
        assert abs(float(r[3]) - 1.2163059565) <= 1e-9
    _, srows = load_csv(workdir / "sp.csv")
    assert [(float(t), int(n)) for t, n in srows] == [(0.0, 0), (0.0, 1), (0.0, 2)]


def test_analytic_linear_relaxation(adex_run, workdir, load_csv, show):
    """delta_T = 0, a = 0, w0 = 0: w stays 0 and V relaxes linearly,
    V(t) = V_inf + (V0 - V_inf) exp(-t/tau), V_inf = V_rest + R*I.
    exp_auto is exact for a linear equation, so every row matches."""
    n, lo_i, hi_i, lo_tau, hi_tau = 3, 0.0, 30.0, 5.0, 20.0
    V_rest, R, V0, dt = -65.0, 1.5, -70.0, 0.1
    proc = adex_run("--size", n, "--duration", "50", "--dt", dt,
                    "--delta_T", "0", "--a", "0", "--b", "0", "--R", R,
                    "--V_th", "0", "--V0", V0, "--w0", "0",
                    "--input", "%g:%g" % (lo_i, hi_i),
                    "--tau", "%g:%g" % (lo_tau, hi_tau),
                    "--watch", "all", "--trace", workdir / "tr.csv",
                    "--spikes", workdir / "sp.csv")
    assert proc.returncode == 0, show(proc)
    _, spikes = load_csv(workdir / "sp.csv")
    assert spikes == []
    _, rows = load_csv(workdir / "tr.csv")
    assert len(rows) == 500 * n
    bad = []
    for k, row in enumerate(rows):
        step, i = divmod(k, n)
        assert int(row[1]) == i
        t = (step + 1) * dt
        assert math.isclose(float(row[0]), t, rel_tol=1e-13)
        I = lo_i + (hi_i - lo_i) * i / (n - 1)
        tau = lo_tau + (hi_tau - lo_tau) * i / (n - 1)
        V_inf = V_rest + R * I
        want = V_inf + (V0 - V_inf) * math.exp(-t / tau)
        if not (close(float(row[2]), want) and float(row[3]) == 0.0):
            bad.append("t=%s neuron %d: V=%s w=%s, expected V=%r w=0"
                       % (row[0], i, row[2], row[3], want))
            if len(bad) >= 5:
                break
    assert not bad, "\n".join(bad)
