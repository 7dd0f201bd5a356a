"""Bad input to `adex run`: exit code 2, exactly one line on stderr that
starts with "adex run: " and names the problem, no crash, and no output
file created, changed or left half-written."""

import pytest

# (id, arguments, keywords: at least one must appear in the message,
#  compared case-insensitively)
BAD = [
    ("unknown_flag", ["--bogus", "1"], ["bogus"]),
    ("missing_value", ["--size"], ["size"]),
    ("missing_value_dt", ["--size", "3", "--dt"], ["dt"]),
    ("size_zero", ["--size", "0"], ["size"]),
    ("size_negative", ["--size", "-1"], ["size"]),
    ("size_not_number", ["--size", "abc"], ["size"]),
    ("size_overflow", ["--size", "99999999999999999999999"], ["size"]),
    ("dt_zero", ["--dt", "0"], ["dt"]),
    ("dt_negative", ["--dt", "-1"], ["dt"]),
    ("dt_nan", ["--dt", "nan"], ["dt"]),
    ("duration_negative", ["--duration", "-5"], ["duration"]),
    ("tau_zero", ["--tau", "0"], ["tau"]),
    ("tau_w_negative", ["--tau_w", "-3"], ["tau_w"]),
    ("delta_T_negative", ["--delta_T", "-1"], ["delta_T"]),
    ("V_reset_above_V_th", ["--V_reset", "-20"], ["V_reset", "V_th"]),
    ("V_th_inf", ["--V_th", "inf"], ["V_th"]),
    ("method_unknown", ["--method", "nope"], ["exp_auto"]),
    ("input_three_parts", ["--input", "1:2:3"], ["input"]),
    ("input_not_number", ["--input", "abc"], ["input"]),
    ("V0_uniform_one_arg", ["--V0", "uniform:5"], ["V0"]),
    ("V0_normal_one_arg", ["--V0", "normal:0"], ["V0"]),
    # with --trace, so that the range check (not a missing --trace) fails
    ("watch_out_of_range",
     ["--size", "3", "--watch", "99", "--trace", "trace.csv"], ["99"]),
    ("seed_negative", ["--seed", "-1"], ["seed"]),
    # times that cannot tell the steps apart
    ("start_coarse", ["--start", "1e20"], ["--start", "16384 ms apart"]),
    ("start_coarse_refractory", ["--start", "1e308", "--tau_ref", "2"],
     ["--start"]),
    ("start_end_coarse", ["--start", "5.497e11", "--duration", "1e8"],
     ["--start", "5.49756e+11"]),
]


def with_base(args):
    """Keep any accidental successful run short: add a small size and
    duration unless the case sets them (base first, so a trailing flag with
    a missing value stays last)."""
    base = []
    if "--size" not in args:
        base += ["--size", "3"]
    if "--duration" not in args:
        base += ["--duration", "1"]
    return base + args


def check_usage_error(proc, keywords, show):
    assert proc.returncode >= 0, "crashed with signal %d\n%s" % (
        -proc.returncode, show(proc))
    assert proc.returncode == 2, show(proc)
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, "expected exactly one stderr line\n" + show(proc)
    msg = lines[0]
    assert msg.startswith("adex run: "), msg
    low = msg.lower()
    assert any(k.lower() in low for k in keywords), (
        "message %r names none of %r" % (msg, keywords))
    return msg


@pytest.mark.parametrize("args,keywords", [(a, k) for _, a, k in BAD],
                         ids=[i for i, _, _ in BAD])
def test_bad_argument(args, keywords, adex_run, workdir, show):
    out = workdir / "spikes.csv"
    # the output flag goes first, so a flag with a missing value stays last
    proc = adex_run("--spikes", out, *with_base(args))
    check_usage_error(proc, keywords, show)
    assert not out.exists(), "a failed run created its output file"
    assert list(workdir.iterdir()) == [], "a failed run left files behind"


def test_method_error_lists_names(adex_run, show):
    proc = adex_run("--size", "3", "--duration", "1", "--method", "nope")
    msg = check_usage_error(proc, ["exp_auto"], show)
    # the valid names are listed, the aliases included
    for name in ("exp_auto", "exp_euler", "exponential_euler"):
        assert name in msg, msg
    assert "nope" in msg, msg


def test_trace_into_missing_directory(adex_run, workdir, show):
    missing = workdir / "no_such_dir"
    proc = adex_run("--size", "3", "--duration", "1",
                    "--trace", missing / "trace.csv")
    check_usage_error(proc, ["trace", "no_such_dir"], show)
    assert not missing.exists()
    assert list(workdir.iterdir()) == []


def test_spikes_into_missing_directory(adex_run, workdir, show):
    missing = workdir / "no_such_dir"
    proc = adex_run("--size", "3", "--duration", "1",
                    "--spikes", missing / "spikes.csv")
    check_usage_error(proc, ["spikes", "no_such_dir"], show)
    assert not missing.exists()
    assert list(workdir.iterdir()) == []


OLD = "old content, must survive\n"


def _tmp_leftovers(d):
    return sorted(p.name for p in d.rglob("*") if ".tmp." in p.name)


@pytest.mark.parametrize("kept,failing", [("spikes", "trace"),
                                          ("trace", "spikes")])
def test_failed_run_keeps_existing_output(kept, failing, adex_run, workdir,
                                          show):
    """One output can be opened, the other cannot: the run fails, the
    existing file is untouched and no temporary file is left."""
    old = workdir / ("%s.csv" % kept)
    old.write_text(OLD)
    proc = adex_run("--size", "3", "--duration", "5", "--V0", "-65",
                    "--input", "0:30",
                    "--" + kept, old,
                    "--" + failing, workdir / "no_such_dir" / "x.csv")
    check_usage_error(proc, [failing, "no_such_dir"], show)
    assert old.read_text() == OLD
    assert _tmp_leftovers(workdir) == []
    assert sorted(p.name for p in workdir.iterdir()) == [old.name]


def test_invalid_args_keep_existing_output(adex_run, workdir, show):
    trace = workdir / "trace.csv"
    spikes = workdir / "spikes.csv"
    trace.write_text(OLD)
    spikes.write_text(OLD)
    proc = adex_run("--size", "3", "--duration", "5", "--tau_w", "-3",
                    "--trace", trace, "--spikes", spikes)
    check_usage_error(proc, ["tau_w"], show)
    assert trace.read_text() == OLD and spikes.read_text() == OLD
    assert _tmp_leftovers(workdir) == []
    proc = adex_run("--size", "3", "--duration", "5", "--watch", "7",
                    "--trace", trace, "--spikes", spikes)
    check_usage_error(proc, ["watch"], show)
    assert trace.read_text() == OLD and spikes.read_text() == OLD
    assert _tmp_leftovers(workdir) == []


@pytest.mark.parametrize("dt,duration,steps", [("0.4", "1", 3),
                                               ("200", "100", 1),
                                               ("0.3", "1", 4),
                                               ("0.1", "1.04", 11),
                                               ("2.5", "1", 1),
                                               ("1e308", "100", 1)])
def test_duration_not_whole_steps_warns(dt, duration, steps, adex_run, show):
    """The run takes BrainPy's ceil(duration/dt) steps (the library's
    adex_run_steps, as Python's runners); when they do not make up the
    duration the simulated time is said (it was 1.2 ms for 1 ms, 200 ms
    for 100, without a word)."""
    proc = adex_run("-q", "--size", "2", "--dt", dt, "--duration", duration)
    assert proc.returncode == 0, show(proc)
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, show(proc)
    assert lines[0].startswith("adex run: warning: --duration %s ms" %
                               duration), lines[0]
    assert "simulating %d step" % steps in lines[0]
    assert lines[0].endswith("%.15g ms" % (steps * float(dt))), lines[0]
    assert "%d step%s of %g ms" % (steps, "" if steps == 1 else "s", float(dt)) \
        in proc.stdout


@pytest.mark.parametrize("dt,duration", [("0.25", "1"), ("0.1", "0.3"),
                                         ("0.1", "0"), ("0.01", "600")])
def test_whole_steps_no_warning(dt, duration, adex_run, show):
    proc = adex_run("-q", "--size", "2", "--dt", dt, "--duration", duration)
    assert proc.returncode == 0, show(proc)
    assert proc.stderr == "", show(proc)


def test_large_start_within_resolution(adex_run, workdir, show, load_csv):
    """1e11 ms with dt 0.1: doubles 1.5e-5 ms apart, the steps distinct."""
    proc = adex_run("-q", "--size", "1", "--duration", "1", "--start",
                    "1e11", "--trace", "t.csv")
    assert proc.returncode == 0, show(proc)
    _, rows = load_csv(workdir / "t.csv")
    t = [float(r[0]) for r in rows]
    assert len(t) == 10
    assert all(abs(b - a - 0.1) < 1e-4 for a, b in zip(t, t[1:]))
