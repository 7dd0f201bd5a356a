#!/usr/bin/python3
"""Reference traces for `adex run`: an independent numpy implementation.

What this is
    A population of AdEx neurons integrated with BrainPy's `exp_auto`
    exponential Euler, written from docs/semantics.md (sections 1-4
    and 7, plus the non-finite rule of section 5) ONLY.  It was written
    independently of the C code in src/ and cli/ (which the author did not
    read), so that the comparison in tests/cli/test_run_reference.py checks
    the program against the specification, not against itself.

    For every case it writes
      tests/data/ref_<case>_trace.csv   header `t,neuron,V,w`; one row per
                                        watched neuron after every step,
                                        t = start + (k+1)*dt
      tests/data/ref_<case>_spikes.csv  header `t,neuron`; one row per spike,
                                        ordered by step then neuron,
                                        t = start + k*dt (the step's start)
    and tests/data/reference_cases.json: each case's name and the exact
    `adex run` argument list that reproduces it (the test appends
    `--trace FILE --spikes FILE`).  All numbers are written with '%.17g'.

Model (docs/semantics.md section 4, exp_auto), one step from t_k to t_k + dt, input I
constant over the step, every neuron independently:
    E   = exp((V - V_T)/delta_T)                 (0 when delta_T == 0)
    fV  = (-(V - V_rest) + delta_T*E - R*w + R*I)/tau ;  LV = (E - 1)/tau
    V'  = V + dt * phi(dt*LV) * fV
    fw  = (a*(V - V_rest) - w)/tau_w                   ;  Lw = -1/tau_w
    w'  = w + dt * phi(dt*Lw) * fw                     (uses the OLD V)
    phi(z) = expm1(z)/z, phi(0) = 1
then (docs/semantics.md section 3) spike = V' >= V_th, or V' not finite (docs/semantics.md section 5:
exp overflow counts as a spike); where spike: V = V_reset, w = w' + b.
Step k uses t_k = start + k*dt (never accumulated); the number of steps is
round(duration/dt) (half away from zero).

Regenerate (deterministic; rewrites identical files):
    /usr/bin/python3 tests/data/make_reference.py
"""

import json
import math
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))

# docs/semantics.md section 1 defaults.
DEFAULTS = {
    "V_rest": -65.0,
    "V_reset": -68.0,
    "V_th": -30.0,
    "V_T": -59.9,
    "delta_T": 3.48,
    "a": 1.0,
    "b": 1.0,
    "tau": 10.0,
    "tau_w": 30.0,
    "R": 1.0,
}
PARAMS = list(DEFAULTS)

# Each case: name -> CLI options (strings, exactly as passed to `adex run`).
# Every case passes --watch explicitly so the trace rows are unambiguous.
CASES = [
    ("default_zero", [
        "--size", "3", "--duration", "50", "--dt", "0.1",
        "--input", "0", "--watch", "all",
    ]),
    ("default_drive", [
        "--size", "4", "--duration", "300", "--dt", "0.1",
        "--V0", "-65", "--input", "0:30", "--watch", "1,3",
    ]),
    ("changed", [
        "--size", "3", "--duration", "200", "--dt", "0.05",
        "--method", "exp_auto",
        "--V_rest", "-70", "--V_reset", "-58", "--V_th", "0",
        "--V_T", "-50", "--delta_T", "2", "--a", "2", "--b", "5",
        "--tau", "20", "--tau_w", "100", "--R", "0.5",
        "--V0", "-70", "--w0", "1", "--input", "40:120",
        "--watch", "0,2",
    ]),
    ("hetero", [
        "--size", "5", "--duration", "200", "--dt", "0.1",
        "--method", "exponential_euler",
        "--tau", "5:20", "--a", "0:4", "--b", "0.5:3",
        "--delta_T", "1:4", "--V_T", "-60:-55",
        "--V0", "-65", "--input", "10:40", "--watch", "0,2,4",
    ]),
    ("iaf_limit", [
        "--size", "2", "--duration", "100", "--dt", "0.1",
        "--delta_T", "0", "--a", "0", "--V_th", "-56.5", "--tau", "10:15",
        "--V0", "-65", "--input", "10", "--watch", "all",
    ]),
    ("start_offset", [
        "--size", "4", "--duration", "50", "--dt", "0.1", "--start", "1000",
        "--V0", "-65", "--input", "0:30", "--watch", "all",
    ]),
]


def spread(text, n):
    """A number X, or LO:HI -> neuron i of n gets LO + (HI-LO)*i/(n-1)."""
    parts = text.split(":")
    if len(parts) == 1:
        return np.full(n, float(parts[0]))
    lo, hi = float(parts[0]), float(parts[1])
    if n == 1:
        return np.array([lo])
    return np.array([lo + (hi - lo) * float(i) / float(n - 1) for i in range(n)])


def initial(text, n):
    """Deterministic initializers only: a number or `zero`."""
    if text == "zero":
        return np.zeros(n)
    return np.full(n, float(text))


def parse(args):
    opt = {}
    it = iter(args)
    for flag in it:
        assert flag.startswith("--"), flag
        opt[flag[2:]] = next(it)
    n = int(opt["size"])
    cfg = {
        "n": n,
        "duration": float(opt["duration"]),
        "dt": float(opt["dt"]),
        "start": float(opt.get("start", "0")),
        "method": opt.get("method", "exp_auto"),
        "V0": initial(opt.get("V0", "zero"), n),
        "w0": initial(opt.get("w0", "zero"), n),
        "I": spread(opt.get("input", "0"), n),
        "watch": (list(range(n)) if opt.get("watch", "all") == "all"
                  else [int(s) for s in opt["watch"].split(",")]),
    }
    assert cfg["method"] in ("exp_auto", "exp_euler", "exp_euler_auto",
                             "exponential_euler")
    for p in PARAMS:
        cfg[p] = spread(opt[p], n) if p in opt else np.full(n, DEFAULTS[p])
    return cfg


def phi(z):
    """(exp(z) - 1)/z with phi(0) = 1, accurate near 0 (expm1)."""
    z = np.asarray(z, dtype=float)
    out = np.ones_like(z)
    nz = z != 0
    out[nz] = np.expm1(z[nz]) / z[nz]
    return out


def step(V, w, I, p, dt, variant=False):
    """One exp_auto step; returns (V', w').  `variant` evaluates the same
    formulas in a different (mathematically equal) order; it is only used to
    check that the cases are not sensitive to rounding."""
    with np.errstate(over="ignore", invalid="ignore"):
        dT = p["delta_T"]
        iaf = dT == 0
        safe_dT = np.where(iaf, 1.0, dT)
        E = np.where(iaf, 0.0, np.exp((V - p["V_T"]) / safe_dT))
        fV = (-(V - p["V_rest"]) + dT * E - p["R"] * w + p["R"] * I) / p["tau"]
        LV = np.where(iaf, -1.0 / p["tau"], (E - 1.0) / p["tau"])
        fw = (p["a"] * (V - p["V_rest"]) - w) / p["tau_w"]
        Lw = -1.0 / p["tau_w"]
        if not variant:
            V1 = V + dt * phi(dt * LV) * fV
            w1 = w + dt * phi(dt * Lw) * fw
        else:
            zl = dt * LV
            V1 = V + np.where(zl == 0, dt * fV, np.expm1(zl) * (fV / LV))
            w1 = w + np.expm1(dt * Lw) * (fw / Lw)
    return V1, w1


def simulate(cfg, variant=False):
    n, dt, start = cfg["n"], cfg["dt"], cfg["start"]
    nsteps = int(math.floor(cfg["duration"] / dt + 0.5))
    p = {k: cfg[k] for k in PARAMS}
    V, w, I = cfg["V0"].copy(), cfg["w0"].copy(), cfg["I"]
    trace_t = np.empty(nsteps)
    trace_V = np.empty((nsteps, n))
    trace_w = np.empty((nsteps, n))
    spikes = []          # (t_k, neuron)
    margin = math.inf    # smallest relative |V' - V_th| over finite V'
    for k in range(nsteps):
        t = start + k * dt
        V1, w1 = step(V, w, I, p, dt, variant)
        finite = np.isfinite(V1)
        spike = ~finite | (V1 >= p["V_th"])
        if finite.any():
            d = np.abs(V1[finite] - p["V_th"][finite]) / np.maximum(
                1.0, np.abs(p["V_th"][finite]))
            margin = min(margin, float(d.min()))
        V = np.where(spike, p["V_reset"], V1)
        w = np.where(spike, w1 + p["b"], w1)
        assert np.all(np.isfinite(V)) and np.all(np.isfinite(w))
        for i in np.nonzero(spike)[0]:
            spikes.append((t, int(i)))
        trace_t[k] = start + (k + 1) * dt
        trace_V[k] = V
        trace_w[k] = w
    return trace_t, trace_V, trace_w, spikes, margin


def g(x):
    return "%.17g" % x


def write_case(name, args):
    cfg = parse(args)
    tt, tV, tw, spikes, margin = simulate(cfg)

    # Self-checks: the case must not depend on rounding details.
    tt2, tV2, tw2, spikes2, _ = simulate(cfg, variant=True)
    assert spikes == spikes2, name + ": spike train depends on rounding"
    rel = np.max(np.abs(tV - tV2) / np.maximum(1.0, np.abs(tV)))
    relw = np.max(np.abs(tw - tw2) / np.maximum(1e-3, np.abs(tw)))
    assert rel < 1e-11 and relw < 1e-11, (name, rel, relw)
    assert margin > 1e-7, (name, margin)

    lines = ["t,neuron,V,w"]
    for k in range(len(tt)):
        for i in cfg["watch"]:
            lines.append("%s,%d,%s,%s" % (g(tt[k]), i, g(tV[k, i]), g(tw[k, i])))
    with open(os.path.join(HERE, "ref_%s_trace.csv" % name), "w",
              newline="\n") as f:
        f.write("\n".join(lines) + "\n")

    lines = ["t,neuron"] + ["%s,%d" % (g(t), i) for t, i in spikes]
    with open(os.path.join(HERE, "ref_%s_spikes.csv" % name), "w",
              newline="\n") as f:
        f.write("\n".join(lines) + "\n")

    counts = np.bincount([i for _, i in spikes], minlength=cfg["n"])
    print("%-14s steps=%d spikes=%d per neuron=%s margin=%.3g "
          "variant-diff V=%.2g w=%.2g" % (
              name, len(tt), len(spikes), counts.tolist(), margin, rel, relw))
    return {"name": name, "args": list(args),
            "trace": "ref_%s_trace.csv" % name,
            "spikes": "ref_%s_spikes.csv" % name,
            "steps": len(tt), "spike_count": len(spikes)}


def main():
    entries = [write_case(name, args) for name, args in CASES]
    doc = {
        "comment": "Reference cases for `adex run` (exp_auto), generated by "
                   "tests/data/make_reference.py from docs/semantics.md sections 3-4 "
                   "independently of the C code. `args` is the exact "
                   "argument list after `adex run`; the test appends "
                   "--trace FILE --spikes FILE.",
        "cases": entries,
    }
    with open(os.path.join(HERE, "reference_cases.json"), "w",
              newline="\n") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
