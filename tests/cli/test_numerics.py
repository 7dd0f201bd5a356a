"""The integrator options of `adex run` : --adaptive, --tol,
--precise-spikes, --tau_ref, --noise, --noise-seed, --spk_reset and their
config keys reach the library; every method runs; spikes come from the
library's event list; the error paths (library rejections mapped onto the
flag or the JSON path, an unstable dt) are clean one-line exit-2 errors
that write nothing."""

import math
import re

import h5py
import numpy as np
import pytest

EMBEDDED = {"rkf12", "rkf45", "rkdp", "ck", "bs", "heun_euler"}

# docs/semantics.md section 8, the NEST high-precision case in BrainPy units.
NEST_ARGS = ["--tau", "18.181818181818183", "--R", "0.09090909090909091",
             "--V_rest", "-70", "--V_T", "-50", "--delta_T", "2", "--a", "3",
             "--b", "0", "--tau_w", "300", "--V_reset", "-58", "--V_th", "0",
             "--V0", "-70", "--w0", "5", "--input", "420", "--duration", "100",
             "--method", "rkf45", "--adaptive", "--tol", "1e-9",
             "--precise-spikes"]
NEST_SPIKES = [18.7153, 30.5606, 42.4952, 54.5175, 66.6260, 78.8193, 91.0957]

DRIVE = ["--V0", "-65", "--input", "0:40"]


def spikes_of(load_csv, path):
    """[(t, neuron)] of a --spikes file."""
    header, rows = load_csv(path)
    assert header == ["t", "neuron"]
    return [(float(t), int(n)) for t, n in rows]


def trace_of(load_csv, path):
    header, rows = load_csv(path)
    assert header == ["t", "neuron", "V", "w"]
    return np.array([[float(x) for x in r] for r in rows])


def list_methods(adex_run, show):
    """{name: (order, embedded, aliases)} from `adex run --list-methods`."""
    proc = adex_run("--list-methods")
    assert proc.returncode == 0, show(proc)
    out = {}
    for line in proc.stdout.splitlines():
        head, _, al = line.partition("  aliases: ")
        m = re.match(r"^(\w+)\s+order (\d+)\s+(embedded|fixed step)", head)
        assert m, "unexpected line %r" % line
        aliases = [a.strip() for a in al.split(",") if a.strip()]
        out[m.group(1)] = (int(m.group(2)), m.group(3) == "embedded", aliases)
    return out


# ---------------------------------------------------------------- methods

def test_list_methods_matches_library(adex_run, show):
    """One method per line with its order and kind; the names are the ones
    the library lists when a name is unknown."""
    methods = list_methods(adex_run, show)
    proc = adex_run("--method", "no_such_method")
    assert proc.returncode == 2, show(proc)
    listed = set(re.findall(r"[a-z][a-z0-9_]+", proc.stderr.split(":", 2)[-1]))
    names = set(methods)
    for _, _, aliases in methods.values():
        names |= set(aliases)
    assert names <= listed, names - listed
    assert {m for m, (_, emb, _) in methods.items() if emb} == EMBEDDED
    assert methods["euler"][0] == 1 and methods["rk4"][0] == 4
    assert "exp_euler" in methods["exp_auto"][2]
    assert len(methods) >= 19


def test_every_method_runs(adex_run, workdir, load_csv, show):
    """Every name (aliases too) runs from the CLI and, on this drive, gives
    the same spike counts within one spike; the embedded pairs also run
    adaptively."""
    methods = list_methods(adex_run, show)
    runs = [(m, []) for m in methods]
    runs += [(a, []) for _, _, al in methods.values() for a in al]
    runs += [(m, ["--adaptive"]) for m in sorted(EMBEDDED)]
    counts = {}
    for name, extra in runs:
        proc = adex_run("--size", "3", "--duration", "30", "--dt", "0.02",
                        *DRIVE, "--method", name, *extra,
                        "--spikes", "s.csv")
        assert proc.returncode == 0, "%s %s\n%s" % (name, extra, show(proc))
        sp = spikes_of(load_csv, workdir / "s.csv")
        counts[(name, tuple(extra))] = [sum(1 for _, n in sp if n == i)
                                        for i in range(3)]
    ref = counts[("exp_auto", ())]
    assert ref[2] > 2, ref
    for key, c in counts.items():
        assert all(abs(a - b) <= 1 for a, b in zip(c, ref)), (key, c, ref)


# ---------------------------------------------------------------- spikes

def test_precise_spikes_nest_case(adex_run, workdir, load_csv, show):
    """rkf45, adaptive, tol 1e-9, precise spikes at dt 0.1: the seven
    spike times of docs/semantics.md section 8 within 0.01 ms, off the step grid."""
    proc = adex_run(*NEST_ARGS, "--spikes", "s.csv", "--out", "r.h5")
    assert proc.returncode == 0, show(proc)
    sp = spikes_of(load_csv, workdir / "s.csv")
    assert [n for _, n in sp] == [0] * 7, sp
    for (t, _), want in zip(sp, NEST_SPIKES):
        assert abs(t - want) < 0.01, (t, want)
    # the crossing times are inside their steps, not on the grid
    assert all(abs(t / 0.1 - round(t / 0.1)) > 1e-6 for t, _ in sp), sp
    assert "spikes: 7 " in proc.stdout
    with h5py.File(str(workdir / "r.h5"), "r") as f:
        g = f["pop"]
        np.testing.assert_array_equal(g["spikes/t"][()], [t for t, _ in sp])
        assert "crossing time" in g["spikes"].attrs["note"]
        assert g.attrs["adaptive"] == 1 and g.attrs["precise_spikes"] == 1
        assert g.attrs["tol"] == 1e-9
        assert g.attrs["method"] == "rkf45"


def test_several_spikes_in_one_step(adex_run, workdir, load_csv, show):
    """A huge drive at dt = 1 ms: one neuron spikes many times per step.
    Each event is a row, counted by the summary and the rates table; with
    precise spikes each has its own time, without them the step's t."""
    base = ["--V0", "-65", "--input", "3000", "--dt", "1", "--duration", "5",
            "--method", "rkf45", "--adaptive", "--rates"]
    proc = adex_run(*base, "--precise-spikes", "--spikes", "p.csv")
    assert proc.returncode == 0, show(proc)
    precise = spikes_of(load_csv, workdir / "p.csv")
    n = len(precise)
    assert n > 10
    assert re.search(r"^spikes: %d " % n, proc.stdout, re.M), proc.stdout
    assert re.search(r"^\s+0\s+3000\s+%d\s" % n, proc.stdout, re.M)
    times = [t for t, _ in precise]
    assert times == sorted(times) and len(set(times)) == n
    assert len({math.floor(t) for t in times}) < n   # several in one step
    proc = adex_run(*base, "--spikes", "g.csv")
    assert proc.returncode == 0, show(proc)
    grid = spikes_of(load_csv, workdir / "g.csv")
    assert len(grid) == n
    assert all(t == math.floor(pt) for (t, _), pt in zip(grid, times))


def test_without_precise_spikes_are_on_the_grid(adex_run, workdir,
                                                load_csv, show):
    """Adaptive steps alone keep the step's t on every event: the rows are
    exactly start + k*dt as printed by the fixed-step path."""
    proc = adex_run("--size", "4", "--duration", "40", *DRIVE,
                    "--method", "rkdp", "--adaptive", "--spikes", "s.csv")
    assert proc.returncode == 0, show(proc)
    _, rows = load_csv(workdir / "s.csv")
    assert rows
    for t, _ in rows:
        k = round(float(t) / 0.1)
        assert t == "%.17g" % (k * 0.1), t


# ---------------------------------------------------------------- options

def test_tau_ref(adex_run, workdir, load_csv, show):
    """No spike within tau_ref of the previous one; without tau_ref the
    same drive fires faster than that."""
    args = ["--V0", "-65", "--input", "200", "--duration", "100",
            "--method", "rk4", "--dt", "0.05"]
    proc = adex_run(*args, "--spikes", "free.csv")
    assert proc.returncode == 0, show(proc)
    free = [t for t, _ in spikes_of(load_csv, workdir / "free.csv")]
    assert len(free) > 5 and min(np.diff(free)) < 4.0, free
    for extra in ([], ["--precise-spikes"]):
        proc = adex_run(*args, "--tau_ref", "4", *extra,
                        "--spikes", "ref.csv", "--out", "r.h5")
        assert proc.returncode == 0, show(proc)
        ref = [t for t, _ in spikes_of(load_csv, workdir / "ref.csv")]
        assert len(ref) > 3
        assert min(np.diff(ref)) > 4.0 - 1e-9, (extra, np.diff(ref))
        assert len(ref) < len(free)
        with h5py.File(str(workdir / "r.h5"), "r") as f:
            assert f["pop"].attrs["tau_ref"] == 4.0


def test_noise_seeds(adex_run, workdir, load_csv, show):
    """--noise with the same seed reproduces, another seed differs; the
    default seed is derived from --seed; without --noise the seed does
    nothing."""
    def trace(*extra):
        proc = adex_run("--size", "3", "--duration", "20", "--V0", "-65",
                        "--input", "10", "--trace", "t.csv", *extra)
        assert proc.returncode == 0, show(proc)
        return (workdir / "t.csv").read_text()

    a = trace("--noise", "2", "--noise-seed", "5")
    assert trace("--noise", "2", "--noise-seed", "5") == a
    assert trace("--noise", "2", "--noise-seed", "6") != a
    d1 = trace("--noise", "2")
    assert trace("--noise", "2", "--seed", "1") == d1
    assert trace("--noise", "2", "--seed", "2") != d1
    quiet = trace()
    assert trace("--noise-seed", "9") == quiet
    assert d1 != quiet
    # the neurons get different numbers
    proc = adex_run("--size", "3", "--duration", "20", "--V0", "-65",
                    "--input", "10", "--noise", "2", "--trace", "t.csv",
                    "--out", "r.h5")
    assert proc.returncode == 0, show(proc)
    tr = trace_of(load_csv, workdir / "t.csv").reshape(-1, 3, 4)
    assert not np.array_equal(tr[:, 0, 2], tr[:, 1, 2])
    with h5py.File(str(workdir / "r.h5"), "r") as f:
        g = f["pop"]
        assert g.attrs["noise"] == 2.0
        assert g.attrs["noise_seed"] > 0


def test_spk_reset_soft(adex_run, workdir, load_csv, show):
    """hard: V = V_reset after a spike; soft: V -= V_th - V_reset, which
    leaves V above V_reset by how far it overshot V_th."""
    args = ["--V0", "-65", "--input", "60", "--duration", "60",
            "--method", "rk4", "--V_th", "-40", "--V_reset", "-60"]
    after = {}
    for mode in ("hard", "soft"):
        proc = adex_run(*args, "--spk_reset", mode, "--spikes", "s.csv",
                        "--trace", "t.csv")
        assert proc.returncode == 0, show(proc)
        sp = spikes_of(load_csv, workdir / "s.csv")
        tr = trace_of(load_csv, workdir / "t.csv")
        assert len(sp) >= 3, (mode, sp)
        rows = [int(round((t - 0.0) / 0.1)) for t, _ in sp]
        after[mode] = tr[rows, 2]
    assert np.all(after["hard"] == -60.0), after["hard"]
    assert np.all(after["soft"] >= -60.0) and np.any(after["soft"] > -60.0)


def test_config_keys_reach_the_library(adex_run, write_config, workdir,
                                       show):
    """Every option as a population key; the .h5 group carries them."""
    cfg = write_config({
        "duration": 20, "out": "r.h5",
        "populations": [{"name": "exc", "size": 2, "method": "rkf45",
                         "V_initializer": -65,
                         "adaptive": True, "tol": 1e-7,
                         "precise_spikes": True, "tau_ref": 1.5,
                         "noise": 0.5, "noise_seed": 77,
                         "spk_reset": "soft"},
                        {"name": "inh", "size": 1,
                         "V_initializer": -65}],
        "inputs": [{"kind": "constant", "target": "exc", "value": 40},
                   {"kind": "constant", "target": "inh", "value": 40}]})
    proc = adex_run(cfg)
    assert proc.returncode == 0, show(proc)
    with h5py.File(str(workdir / "r.h5"), "r") as f:
        e, i = f["exc"].attrs, f["inh"].attrs
        assert (e["adaptive"], e["tol"], e["precise_spikes"], e["tau_ref"],
                e["noise"], e["noise_seed"], e["spk_reset"]) == \
            (1, 1e-7, 1, 1.5, 0.5, 77, "soft")
        assert (i["adaptive"], i["tol"], i["precise_spikes"], i["tau_ref"],
                i["noise"], i["spk_reset"]) == (0, 1e-6, 0, 0.0, 0.0, "hard")
        assert i["noise_seed"] != e["noise_seed"]
        t = f["exc/spikes/t"][()]
        assert len(t) > 0
        assert np.any(np.abs(t / 0.1 - np.round(t / 0.1)) > 1e-6)


# ---------------------------------------------------------------- errors

FLAG_ERRORS = [
    (["--method", "rk4", "--adaptive"],
     "--adaptive needs an embedded method"),
    (["--method", "rkf45", "--adaptive", "--tol", "0"], "--tol must be > 0"),
    (["--tol", "0"], "--tol must be > 0"),
    (["--tau_ref", "-1"], "--tau_ref must be >= 0"),
    (["--noise", "-1"], "--noise must be >= 0"),
    (["--tau_ref", "1e308"], "--tau_ref must be >= 0 ms (0: none) and <= 1e9 "
                             "ms, got 1e+308"),
    (["--noise", "1e308"], "--noise must be >= 0 (0: none) and <= 1e9, got "
                           "1e+308"),
    (["--spk_reset", "bogus"], "--spk_reset expects hard or soft, got 'bogus'"),
    (["--noise-seed", "-4"], "--noise-seed expects an unsigned"),
    (["--tol", "abc"], "--tol expects a finite number"),
    (["--adaptive=1"], "--adaptive takes no value"),
    (["--precise-spikes=yes"], "--precise-spikes takes no value"),
]


@pytest.mark.parametrize("args,needle", FLAG_ERRORS,
                         ids=[" ".join(a) for a, _ in FLAG_ERRORS])
def test_flag_errors(args, needle, adex_run, workdir, show,
                     expect_usage_error):
    proc = adex_run("--duration", "5", *args, "--out", "r.h5",
                    "--spikes", "s.csv")
    expect_usage_error(proc, show, needle)
    assert list(workdir.iterdir()) == []


CONFIG_ERRORS = [
    ({"method": "rk4", "adaptive": True},
     "populations[0].adaptive: needs an embedded method"),
    ({"tol": 0}, "populations[0].tol: must be > 0 and < 1, got 0"),
    ({"tau_ref": -1}, "populations[0].tau_ref: must be >= 0 ms"),
    ({"noise": -1}, "populations[0].noise: must be >= 0"),
    ({"tau_ref": 1e300}, "populations[0].tau_ref: must be >= 0 ms (0: none) "
                         "and <= 1e9 ms, got 1e+300"),
    ({"spk_reset": "bogus"},
     'populations[0].spk_reset: must be "hard" or "soft", got "bogus"'),
    ({"adaptive": 1}, "populations[0].adaptive: must be true or false"),
    ({"precise_spikes": "yes"},
     "populations[0].precise_spikes: must be true or false"),
    ({"noise_seed": 1.5}, "populations[0].noise_seed: must be a non-negative"),
    ({"tol": "small"}, "populations[0].tol: must be a number"),
]


@pytest.mark.parametrize("extra,needle", CONFIG_ERRORS,
                         ids=[list(e)[0] for e, _ in CONFIG_ERRORS])
def test_config_errors(extra, needle, adex_run, write_config, workdir, show,
                       expect_usage_error):
    pop = {"size": 2}
    pop.update(extra)
    cfg = write_config({"duration": 5, "out": "r.h5", "populations": [pop]})
    proc = adex_run(cfg)
    expect_usage_error(proc, show, "cfg.json: " + needle)
    assert sorted(p.name for p in workdir.iterdir()) == ["cfg.json"]


def test_option_flags_need_one_population(adex_run, write_config, show,
                                          expect_usage_error):
    cfg = write_config({"populations": [{"name": "a"}, {"name": "b"}]})
    proc = adex_run(cfg, "--adaptive")
    expect_usage_error(proc, show, "--adaptive applies to a single population")


def test_unstable_dt(adex_run, workdir, show, expect_usage_error):
    """An unstable dt is a one-line usage error with the largest stable
    dt; every temporary is removed, nothing is written."""
    proc = adex_run("--method", "euler", "--tau_w", "0.01", "--dt", "0.1",
                    "--out", "r.h5", "--spikes", "s.csv", "--trace", "t.csv",
                    "--save-state", "st.h5")
    line = expect_usage_error(proc, show, "dt = 0.1 ms is unstable",
                              "'euler'", "use dt <= ")
    m = re.search(r"use dt <= ([0-9.e+-]+) ms", line)
    assert m and 0 < float(m.group(1)) < 0.1, line
    assert proc.stdout == ""
    assert list(workdir.iterdir()) == []
    # the dt it suggests runs
    proc = adex_run("--method", "euler", "--tau_w", "0.01", "--dt",
                    m.group(1), "--duration", "1")
    assert proc.returncode == 0, show(proc)
    # adaptive mode has no such limit
    proc = adex_run("--method", "heun_euler", "--adaptive", "--tau_w", "0.01",
                    "--dt", "0.1", "--duration", "5")
    assert proc.returncode == 0, show(proc)


def test_unstable_dt_from_config(adex_run, write_config, workdir, show,
                                 expect_usage_error):
    cfg = write_config({"dt": 0.1, "out": "r.csv",
                        "populations": [{"name": "ok"},
                                        {"name": "stiff", "method": "rk4", "size": 2,
                                         "params": {"tau_w": [1, 0.001]}}]})
    expect_usage_error(adex_run(cfg), show, "population stiff: ",
                       "(neuron 1)", "use dt <= ")
    assert sorted(p.name for p in workdir.iterdir()) == ["cfg.json"]


def test_unstable_exp_auto_advice(adex_run, show, expect_usage_error):
    """An unstable exp_auto step does not advise exp_auto, nor the adaptive
    mode without naming the embedded method it needs."""
    proc = adex_run("--a", "1e9", "--b", "1e9")
    line = expect_usage_error(proc, show, "unstable for method 'exp_auto'",
                              "use dt <= ")
    assert line.endswith(" ms or an embedded method (rkf45, rkdp, ...) in "
                         "the adaptive mode"), line
    assert "or exp_auto" not in line


def test_help_lists_the_options(adex_run, show):
    proc = adex_run("--help")
    assert proc.returncode == 0, show(proc)
    for flag in ("--adaptive", "--tol X", "--precise-spikes", "--tau_ref MS",
                 "--noise SIGMA", "--noise-seed N", "--spk_reset hard|soft",
                 "--list-methods", "--load-state FILE", "--save-state FILE",
                 "crossing time"):
        assert flag in proc.stdout, flag
    assert all(len(l) <= 79 for l in proc.stdout.splitlines())


def test_idle_options_warn(adex_run, write_config, show):
    """A tolerance without the adaptive mode and a noise seed without noise
    change nothing: the run goes on (exit 0) with a warning for each, named
    as it was given; with the option they serve, no warning."""
    proc = adex_run("--duration", "1", "--tol", "1e-3", "--noise-seed", "4")
    assert proc.returncode == 0, show(proc)
    assert proc.stderr.splitlines() == [
        "adex run: warning: --tol has no effect without --adaptive",
        "adex run: warning: --noise-seed has no effect without --noise"]
    path = write_config({"duration": 1, "populations": [
        {"size": 1, "tol": 1e-3, "noise_seed": 3}]})
    proc = adex_run(path.name)
    assert proc.returncode == 0, show(proc)
    assert proc.stderr.splitlines() == [
        'adex run: warning: cfg.json: populations[0].tol: has no effect '
        'without "adaptive": true',
        'adex run: warning: cfg.json: populations[0].noise_seed: has no '
        'effect without "noise" > 0']
    proc = adex_run(path.name, "--method", "rkf45", "--adaptive", "--noise",
                    "1")
    assert proc.returncode == 0, show(proc)
    assert proc.stderr == "", show(proc)
