"""`adex run CONFIG.json`: the config schema, flag overrides, several
populations, and errors that name the JSON path (or the line of a malformed
file), always exit 2 with one line on stderr and nothing written."""

import json

import h5py
import numpy as np
import pytest

BASE = {"duration": 5, "dt": 0.1, "seed": 1,
        "populations": [{"name": "exc", "size": 3}]}


def cfg(**changes):
    """BASE with top-level keys replaced (deep-copied)."""
    c = json.loads(json.dumps(BASE))
    c.update(changes)
    return c


def pop(**changes):
    p = {"name": "exc", "size": 3}
    p.update(changes)
    return p


# (id, config, needles that must all appear in the one stderr line)
BAD = [
    ("param_negative", cfg(populations=[pop(params={"tau": -3})]),
     ["populations[0].params.tau: must be > 0, got -3"]),
    ("param_list_entry", cfg(populations=[pop(params={"tau_w": [30, -3, 5]})]),
     ["populations[0].params.tau_w[1]: must be > 0, got -3"]),
    ("param_list_length", cfg(populations=[pop(params={"a": [1, 2]})]),
     ["populations[0].params.a", "has 2 values", "3"]),
    ("param_type", cfg(populations=[pop(params={"b": "big"})]),
     ["populations[0].params.b", "number", "string"]),
    ("param_unknown", cfg(populations=[pop(params={"tauw": 1})]),
     ["populations[0].params.tauw", "unknown parameter", "tau_w"]),
    ("V_reset_above_V_th", cfg(populations=[pop(params={"V_reset": -20})]),
     ["populations[0].params.V_reset", "V_th"]),
    ("delta_T_negative", cfg(populations=[pop(params={"delta_T": -1})]),
     ["populations[0].params.delta_T: must be >= 0"]),
    ("size_zero", cfg(populations=[pop(size=0)]),
     ["populations[0].size", "at least 1"]),
    ("size_fraction", cfg(populations=[pop(size=2.5)]),
     ["populations[0].size", "integer"]),
    ("method_unknown", cfg(populations=[pop(method="rk5")]),
     ["populations[0].method", "rk5", "rk4", "exp_auto"]),
    ("init_unknown", cfg(populations=[pop(V_initializer="ones")]),
     ["populations[0].V_initializer", "ones"]),
    ("init_uniform_order", cfg(populations=[pop(
        V_initializer={"uniform": [-60, -70]})]),
     ["populations[0].V_initializer", "min"]),
    ("init_normal_pair", cfg(populations=[pop(
        w_initializer={"normal": [1]})]),
     ["populations[0].w_initializer.normal", "two numbers"]),
    ("init_list_length", cfg(populations=[pop(V_initializer=[-65, -60])]),
     ["populations[0].V_initializer", "2 values"]),
    ("pop_unknown_key", cfg(populations=[pop(sise=3)]),
     ["populations[0].sise", "unknown key", "size"]),
    ("pop_not_object", cfg(populations=[3]),
     ["populations[0]", "object"]),
    ("no_populations", {"duration": 5},
     ["populations", "missing"]),
    ("empty_populations", cfg(populations=[]),
     ["populations", "at least one"]),
    ("duplicate_names", cfg(populations=[pop(), pop()]),
     ["populations[1].name", "exc"]),
    ("bad_name", cfg(populations=[pop(name="2x")]),
     ["populations[0].name", "2x"]),
    ("two_pops_need_names", cfg(populations=[{"size": 1}, {"size": 2}]),
     ["populations[0].name", "missing"]),
    ("top_unknown_key", cfg(durations=4),
     ["durations", "unknown key", "duration"]),
    ("dt_zero", cfg(dt=0), ["dt", "> 0"]),
    ("duration_negative", cfg(duration=-1), ["duration", ">= 0"]),
    ("seed_negative", cfg(seed=-1), ["seed", "integer"]),
    ("duplicate_key", '{"duration": 5, "duration": 6, "populations": '
                      '[{"size": 1}]}', ["duration", "twice"]),
    ("projections", cfg(projections={}), ["projections", "must be a list"]),
    ("input_kind", cfg(inputs=[{"kind": "step", "value": 1}]),
     ["inputs[0].kind", "step", "section"]),
    ("input_missing_key", cfg(inputs=[{"kind": "constant"}]),
     ["inputs[0].value", "missing"]),
    ("input_wrong_key", cfg(inputs=[{"kind": "constant", "value": 1,
                                     "rate": 3}]),
     ["inputs[0].rate", "unknown key"]),
    ("input_target", cfg(inputs=[{"kind": "constant", "value": 1,
                                  "target": "inh"}]),
     ["inputs[0].target", "inh", "exc"]),
    ("input_list_length", cfg(inputs=[{"kind": "constant",
                                       "value": [1, 2, 3, 4]}]),
     ["inputs[0].value", "4 values"]),
    ("section_lengths", cfg(inputs=[{"kind": "section", "values": [1, 2],
                                     "durations": [1]}]),
     ["inputs[0].durations", "values has 2"]),
    ("section_negative", cfg(inputs=[{"kind": "section", "values": [1],
                                      "durations": [-1]}]),
     ["inputs[0].durations[0]", ">= 0"]),
    ("poisson_rate_too_high", cfg(inputs=[{"kind": "poisson", "rate": 2e4,
                                           "weight": 1}]),
     ["inputs[0].rate", "rate*dt/1000"]),
    ("poisson_rate_negative", cfg(inputs=[{"kind": "poisson", "rate": -1,
                                           "weight": 1}]),
     ["inputs[0].rate", ">= 0"]),
    ("ou_tau", cfg(inputs=[{"kind": "ou", "sigma": 1, "tau": 0}]),
     ["inputs[0].tau", "> 0"]),
    ("ou_sigma", cfg(inputs=[{"kind": "ou", "sigma": -1, "tau": 5}]),
     ["inputs[0].sigma", ">= 0"]),
    ("ramp_window", cfg(inputs=[{"kind": "ramp", "from": 0, "to": 1,
                                 "t_start": 4, "t_end": 2}]),
     ["inputs[0].t_end", "t_start"]),
    ("file_missing", cfg(inputs=[{"kind": "file", "path": "nope.csv"}]),
     ["inputs[0].path", "nope.csv"]),
    ("record_var", cfg(record={"exc": ["V", "u"]}),
     ["record.exc[1]", "u", "t_last_spike"]),
    ("record_pop", cfg(record={"inh": ["V"]}),
     ["record.inh", "no population", "exc"]),
    ("record_every", cfg(record={"exc": {"vars": ["V"], "every": 0}}),
     ["record.exc.every", "at least 1"]),
    ("record_watch_range", cfg(record={"exc": {"vars": ["V"],
                                              "watch": [0, 7]}},
                               out="x.h5"),
     ["record.exc.watch", "neuron 7", "0..2"]),
    ("record_watch_twice", cfg(record={"exc": {"vars": ["V"],
                                              "watch": [1, 1]}},
                               out="x.h5"),
     ["record.exc.watch", "twice"]),
    ("out_extension", cfg(out="x.txt"), ["out", "x.txt", ".h5"]),
    ("out_type", cfg(out=3), ["out", "string"]),
    ("spikes_type", cfg(spikes="yes"), ["spikes", "true or false"]),
    ("npy_two_vars", cfg(record={"exc": ["V", "w"]}, out="x.npy"),
     ["x.npy", "one variable", "exc.V, exc.w"]),
    # a recording without an output file would record nothing
    ("record_without_out", cfg(record={"exc": ["V"]}),
     ["record", "population exc", "without an output file", '"out"']),
    ("record_list_without_out", cfg(record=["w"]),
     ["record", "population exc", "without an output file"]),
    ("record_every_without_out", cfg(record={"exc": {"every": 5}}),
     ["record", "population exc", "without an output file"]),
    ("record_watch_without_out", cfg(record={"exc": {"watch": [1]}},
                                     out=None),
     ["record", "population exc", "without an output file"]),
    # integers are read exactly up to 2^64 - 1; the literal is quoted
    ("seed_above_u64", '{"duration": 5, "seed": 18446744073709551616, '
                       '"populations": [{"size": 1}]}',
     ["seed", "below 2^64", "got 18446744073709551616"]),
    ("seed_exponent_above_2_53", '{"duration": 5, "seed": 1e19, '
                                 '"populations": [{"size": 1}]}',
     ["seed", "digits only", "got 1e19"]),
    ("seed_fraction", '{"duration": 5, "seed": 12.5, '
                      '"populations": [{"size": 1}]}',
     ["seed", "non-negative integer, got 12.5"]),
    ("noise_seed_negative_big", '{"duration": 5, "populations": [{"size": 1, '
                                '"noise_seed": -18446744073709551615}]}',
     ["populations[0].noise_seed", "non-negative integer",
      "got -18446744073709551615"]),
    # \u0000 would end a string early: refused wherever it is
    ("nul_in_out", '{"duration": 5, "out": "nul4.h5\\u0000.txt",\n'
                   ' "populations": [{"size": 1}]}',
     ["line 1, column 32", "\\u0000", "NUL"]),
    ("nul_in_method", '{"duration": 5,\n "populations": [{"size": 1,\n'
                      '   "method": "rk4\\u0000x"}]}',
     ["line 3, column 18", "\\u0000"]),
    ("nul_in_target", '{"duration": 5, "populations": [{"name": "exc"}], '
                      '"inputs": [{"kind": "constant", "value": 1, '
                      '"target": "exc\\u0000junk"}]}',
     ["\\u0000"]),
    ("nul_in_key", '{"duration": 5, "populations": [{"size": 1, '
                   '"method\\u0000x": "rk4"}]}',
     ["\\u0000"]),
    # nesting beyond the parser's limit is said to be that
    ("nested_too_deep", '{"duration": 5, "populations": [{"size": 1}], '
                        '"_n": ' + "[" * 1001 + "]" * 1001 + "}",
     ["line 1", "nested more than 1000 deep"]),
]


@pytest.mark.parametrize("config,needles", [(c, n) for _, c, n in BAD],
                         ids=[i for i, _, _ in BAD])
def test_bad_config(config, needles, adex_run, write_config, workdir, show,
                    expect_usage_error):
    path = write_config(config)
    before = sorted(p.name for p in workdir.iterdir())
    proc = adex_run(path.name)
    line = expect_usage_error(proc, show, *needles)
    assert line.startswith("adex run: "), line
    assert "cfg.json" in line or "x.npy" in line or "out" in line, line
    # nothing was written, no temporary left behind
    assert sorted(p.name for p in workdir.iterdir()) == before


MALFORMED = [
    ("trailing_comma", '{\n  "duration": 5,\n  "populations": [{"size": 3,}]\n}\n',
     3),
    ("missing_comma", '{\n  "duration": 5\n  "populations": []\n}\n', 3),
    ("unclosed", '{\n  "duration": 5,\n  "populations": [\n', 4),
    ("garbage", 'duration = 5\n', 1),
    ("single_quotes", "{\n\n  'duration': 5}\n", 3),
]


@pytest.mark.parametrize("text,line", [(t, n) for _, t, n in MALFORMED],
                         ids=[i for i, _, _ in MALFORMED])
def test_malformed_json_gives_line(text, line, adex_run, write_config, show,
                                   expect_usage_error):
    path = write_config(text)
    proc = adex_run(path.name)
    msg = expect_usage_error(proc, show, "cfg.json", "line %d" % line,
                             "malformed JSON")
    assert "column" in msg


def test_empty_and_missing_config(adex_run, write_config, show,
                                  expect_usage_error):
    write_config("  \n", name="empty.json")
    expect_usage_error(adex_run("empty.json"), show, "empty.json", "empty")
    expect_usage_error(adex_run("nope.json"), show, "nope.json",
                       "No such file")
    write_config("\x00\x01", name="bin.json")
    expect_usage_error(adex_run("bin.json"), show, "bin.json")


def test_two_configs_rejected(adex_run, write_config, show,
                              expect_usage_error):
    write_config(BASE, name="a.json")
    write_config(BASE, name="b.json")
    expect_usage_error(adex_run("a.json", "b.json"), show, "b.json")


def test_issue_example_runs(adex_run, write_config, workdir, show):
    """The first example config, verbatim."""
    path = write_config("""
{"duration": 100, "dt": 0.1, "seed": 1,
 "populations": [{"name": "exc", "size": 20, "method": "rk4",
                  "params": {"a": 2.0, "b": 5.0, "tau_w": 100},
                  "V_initializer": {"uniform": [-70, -60]}, "w_initializer": "zero"}],
 "inputs": [{"target": "exc", "kind": "section", "values": [0, 30, 0], "durations": [20, 60, 20]}],
 "record": {"exc": ["spike", "V"]}, "out": "run.h5"}
""")
    proc = adex_run(path.name)
    assert proc.returncode == 0, show(proc)
    assert "run.h5" in proc.stdout
    with h5py.File(str(workdir / "run.h5"), "r") as f:
        g = f["exc"]
        assert g["V"].shape == (1000, 20)
        assert g.attrs["method"] == "rk4"
        assert g.attrs["a"] == 2.0 and g.attrs["tau_w"] == 100.0
        V0 = g["V"][0]
        t = g["spikes/t"][()]
        # input only between 20 and 80 ms: no spike outside it
        assert len(t) > 0 and t.min() >= 20 and t.max() < 80
    # V starts in [-70, -60) (one step of relaxation at most moves it
    # by well under a mV)
    assert np.all(V0 > -71) and np.all(V0 < -59)


def test_config_equals_flags(adex_run, write_config, workdir, show,
                             load_csv):
    """A single-population config gives exactly what the flags give
    (same seeds, same per-neuron parameters, same input)."""
    path = write_config({
        "duration": 50, "dt": 0.1, "seed": 7,
        "populations": [{"size": 4, "params": {"tau": [5, 10, 15, 20],
                                               "b": 2},
                         "V_initializer": {"uniform": [-70, -60]},
                         "w_initializer": {"normal": [0, 1]}}],
        "inputs": [{"kind": "constant", "value": [0, 10, 20, 30]}]})
    a = adex_run(path.name, "--trace", "a.csv", "--spikes", "as.csv")
    b = adex_run("--size", "4", "--duration", "50", "--seed", "7",
                 "--tau", "5:20", "--b", "2", "--V0", "uniform:-70:-60",
                 "--w0", "normal:0:1", "--input", "0:30",
                 "--trace", "b.csv", "--spikes", "bs.csv")
    assert a.returncode == 0, show(a)
    assert b.returncode == 0, show(b)
    assert (workdir / "a.csv").read_text() == (workdir / "b.csv").read_text()
    assert (workdir / "as.csv").read_text() == (workdir / "bs.csv").read_text()


def test_flags_override_config(adex_run, write_config, workdir, show):
    path = write_config(cfg(duration=5, out="cfg_out.h5",
                            populations=[pop(params={"tau": 10})],
                            inputs=[{"kind": "constant", "value": 100}],
                            record={"exc": ["V"]}))
    proc = adex_run(path.name, "--duration", "2", "--dt", "0.05", "--size",
                    "5", "--tau", "20", "--input", "0", "--V0", "-65",
                    "--out", "flag_out.h5", "--seed", "3")
    assert proc.returncode == 0, show(proc)
    assert not (workdir / "cfg_out.h5").exists()
    with h5py.File(str(workdir / "flag_out.h5"), "r") as f:
        g = f["exc"]
        assert g.attrs["size"] == 5 and g.attrs["tau"] == 20.0
        assert f.attrs["dt"] == 0.05 and f.attrs["steps"] == 40
        assert f.attrs["seed"] == 3
        assert g["V"].shape == (40, 5)
        # --input 0 replaced the config's input of 100: no spikes, V relaxes
        assert len(g["spikes/t"]) == 0
        assert np.all(g["V"][()] < -64.9)


def test_flag_errors_keep_issue2_messages(adex_run, write_config, show,
                                          expect_usage_error):
    """A bad value given by a flag is reported as the flag ."""
    path = write_config(BASE)
    msg = expect_usage_error(adex_run(path.name, "--tau", "-3"), show,
                             "tau must be > 0, got -3")
    assert "populations[0]" not in msg


def test_population_flags_need_one_population(adex_run, write_config, show,
                                              expect_usage_error):
    path = write_config(cfg(populations=[pop(name="a"), pop(name="b")]))
    expect_usage_error(adex_run(path.name, "--tau", "5"), show, "--tau",
                       "single population")
    expect_usage_error(adex_run(path.name, "--spikes", "s.csv"), show,
                       "--spikes", "single population")


def test_several_populations(adex_run, write_config, workdir, show):
    path = write_config({
        "duration": 100, "dt": 0.1, "seed": 2,
        "populations": [
            {"name": "exc", "size": 8, "V_initializer": -65},
            {"name": "inh", "size": 4, "method": "rk4",
             "params": {"tau": 5, "b": 0}, "V_initializer": -65}],
        "inputs": [{"target": "exc", "kind": "constant", "value": 30},
                   {"target": "inh", "kind": "constant", "value": 0}],
        "record": {"exc": {"vars": ["V", "w"], "watch": [0, 7],
                           "every": 5},
                   "inh": ["V"]},
        "out": "two.h5"})
    proc = adex_run(path.name, "--quiet")
    assert proc.returncode == 0, show(proc)
    assert "exc" in proc.stdout and "inh" in proc.stdout
    with h5py.File(str(workdir / "two.h5"), "r") as f:
        assert set(f.keys()) == {"exc", "inh"}
        assert f["exc/V"].shape == (200, 2) and f["exc/w"].shape == (200, 2)
        assert list(f["exc/neurons"][()]) == [0, 7]
        assert f["inh/V"].shape == (1000, 4)
        assert "w" not in f["inh"]
        assert f["inh"].attrs["method"] == "rk4"
        assert f["exc"].attrs["method"] == "exp_auto"
        assert len(f["exc/spikes/t"]) > 8
        assert len(f["inh/spikes/t"]) == 0     # no input, from rest
        np.testing.assert_allclose(f["exc/ts"][()],
                                   0.5 * np.arange(1, 201), rtol=1e-12)
    # the seeds of the two populations differ: population p uses seed+2p


def test_per_neuron_params_and_initializers(adex_run, write_config, workdir,
                                            show):
    path = write_config({
        "duration": 1, "dt": 0.1,
        "populations": [{"name": "p", "size": 3,
                         "params": {"tau": [5, 10, 20], "V_reset": -70},
                         "V_initializer": [-65, -64, -63],
                         "w_initializer": {"constant": 0.5}}],
        "record": {"p": ["V", "w"]}, "out": "o.h5"})
    proc = adex_run(path.name)
    assert proc.returncode == 0, show(proc)
    with h5py.File(str(workdir / "o.h5"), "r") as f:
        g = f["p"]
        np.testing.assert_array_equal(g.attrs["tau"], [5, 10, 20])
        assert g.attrs["V_reset"] == -70
        assert g.attrs["V_initializer"] == "array(3 values)"
        assert g.attrs["w_initializer"] == "constant(0.5)"


def test_notes_are_ignored(adex_run, write_config, show):
    c = cfg(comment="a note", _author="me")
    c["populations"][0]["_why"] = "test"
    proc = adex_run(write_config(c).name)
    assert proc.returncode == 0, show(proc)


def test_shape_size(adex_run, write_config, workdir, show):
    path = write_config(cfg(populations=[pop(size=[2, 3])], out="s.h5"))
    proc = adex_run(path.name)
    assert proc.returncode == 0, show(proc)
    with h5py.File(str(workdir / "s.h5"), "r") as f:
        assert f["exc"].attrs["size"] == 6
        assert list(f["exc"].attrs["shape"]) == [2, 3]


def test_examples_run(adex_run, workdir, show):
    """Every examples/*.json config runs as shipped."""
    from pathlib import Path
    examples = sorted((Path(__file__).resolve().parents[2] / "examples")
                      .glob("*.json"))
    assert examples
    for ex in examples:
        # the benchmark network runs 1 s as shipped; 50 ms show it works
        # (and keep the sanitizer build's run short)
        short = ["--duration", "50"] if ex.name == "coba_adex.json" else []
        proc = adex_run(ex, "--quiet", *short, timeout=120)
        assert proc.returncode == 0, "%s\n%s" % (ex, show(proc))
        out = json.loads(ex.read_text()).get("out")
        if out:
            assert (workdir / out).exists(), ex


def test_escapes_that_are_not_nul(adex_run, write_config, show):
    """An escaped backslash before u0000 is text, not a NUL; nesting just
    under the limit parses."""
    text = ('{"duration": 1, "populations": [{"size": 1}], '
            '"_a": "x\\\\u0000y", "_b": ' + "[" * 998 + "]" * 998 + "}")
    proc = adex_run(write_config(text).name)
    assert proc.returncode == 0, show(proc)
    bad = write_config('{"duration": 1, "populations": [{"size": 1, '
                       '"method": "rk4\\\\u0000x"}]}')
    proc = adex_run(bad.name)
    assert proc.returncode == 2, show(proc)
    assert "unknown method 'rk4\\u0000x'" in proc.stderr, show(proc)


def test_64_bit_seeds(adex_run, write_config, workdir, show, load_csv):
    """"seed" and "noise_seed" take every unsigned 64-bit integer exactly,
    as --seed and --noise-seed do: the config run equals the flag run, and
    the noise_seed attribute a run writes can be put back into a config."""
    big, nbig = 18446744073709551615, 17123256827664079964
    text = ('{"duration": 20, "seed": %d, "populations": [{"size": 3, '
            '"V_initializer": {"normal": [-65, 2]}, "noise": 2, '
            '"noise_seed": %d}], "inputs": [{"kind": "constant", '
            '"value": 10}], "out": "c.h5"}' % (big, nbig))
    proc = adex_run(write_config(text).name, "--trace", "c.csv")
    assert proc.returncode == 0, show(proc)
    proc = adex_run("--size", "3", "--duration", "20", "--seed", str(big),
                    "--V0", "normal:-65:2", "--noise", "2", "--noise-seed",
                    str(nbig), "--input", "10", "--trace", "f.csv")
    assert proc.returncode == 0, show(proc)
    assert (workdir / "c.csv").read_text() == (workdir / "f.csv").read_text()
    with h5py.File(str(workdir / "c.h5"), "r") as f:
        assert int(f.attrs["seed"]) == big
        assert int(f["AdExIF0"].attrs["noise_seed"]) == nbig
    # a derived noise seed (any 64-bit value) round-trips through a config
    proc = adex_run("--size", "3", "--duration", "20", "--noise", "2",
                    "--V0", "-65", "--input", "10", "--seed", "5",
                    "--trace", "a.csv", "--out", "a.h5")
    assert proc.returncode == 0, show(proc)
    with h5py.File(str(workdir / "a.h5"), "r") as f:
        derived = int(f["pop"].attrs["noise_seed"])
    text = ('{"duration": 20, "seed": 5, "populations": [{"size": 3, '
            '"V_initializer": -65, "noise": 2, "noise_seed": %d}], '
            '"inputs": [{"kind": "constant", "value": 10}]}' % derived)
    proc = adex_run(write_config(text).name, "--trace", "b.csv")
    assert proc.returncode == 0, show(proc)
    assert (workdir / "a.csv").read_text() == (workdir / "b.csv").read_text()


def test_record_watch_serves_trace(adex_run, write_config, workdir, show,
                                   load_csv):
    """A watch list without an output file is fine when --trace uses it."""
    path = write_config(cfg(record={"exc": {"watch": [1]}}))
    proc = adex_run(path.name, "--trace", "t.csv")
    assert proc.returncode == 0, show(proc)
    _, rows = load_csv(workdir / "t.csv")
    assert rows and {r[1] for r in rows} == {"1"}


def test_large_configs_parse_fast(adex_run, write_config, workdir, show,
                                  expect_usage_error):
    """Keys, names, inputs and watch lists cost O(n log n): configs far
    beyond any real one finish in seconds (quadratic parsing took
    minutes for each of these)."""
    c = {"duration": 0.2, "populations": [], "inputs": []}
    for i in range(200000):
        c["_k%d" % i] = i
    n = 20000
    for i in range(n):
        c["populations"].append({"name": "p%d" % i, "size": 1,
                                 "V_initializer": -65})
        c["inputs"].append({"kind": "constant", "target": "p%d" % i,
                            "value": i % 50})
    proc = adex_run(write_config(c).name, "--rates", timeout=60)
    assert proc.returncode == 0, show(proc)
    assert "%d populations" % n in proc.stdout
    assert proc.stdout.count("population p") == n
    last = proc.stdout.split("population p%d:" % (n - 1))[1].splitlines()
    assert last[2].split()[:2] == ["0", str((n - 1) % 50)], last
    # a repeated population name and a repeated watch index are found
    c = {"duration": 1, "out": "o.h5",
         "populations": [{"name": "p%d" % i} for i in range(n)]}
    c["populations"].append({"name": "p7"})
    c["_notes"] = {"_k%d" % i: i for i in range(200000)}
    proc = adex_run(write_config(c).name, timeout=60)
    expect_usage_error(proc, show, "populations[%d].name" % n,
                       "already the name of populations[7]")
    w = list(range(300000)) + [12345]
    c = {"duration": 1, "out": "o.h5",
         "populations": [{"name": "p", "size": 300000}],
         "record": {"p": {"vars": ["V"], "watch": w}}}
    proc = adex_run(write_config(c).name, timeout=60)
    expect_usage_error(proc, show, "record.p.watch",
                       "neuron 12345 listed twice")
    assert not (workdir / "o.h5").exists()


def test_watch_flag_names_the_config_size(adex_run, write_config, show,
                                          expect_usage_error):
    """--watch beyond a size the config set does not mention a --size that
    was never given."""
    path = write_config(cfg(populations=[pop(size=25)], out="o.h5"))
    line = expect_usage_error(adex_run(path.name, "--watch", "50"), show,
                              "--watch", "neuron 50 out of range",
                              "size 25", "0..24")
    assert "--size" not in line
