"""`adex run --threads / --kernel / --dtype` and the population keys
"threads", "kernel", "dtype": same results whatever the thread count, the
same spikes with every kernel, float32 state written as float64 close to
the float64 run, and one-line exit-2 errors."""

import re

import h5py
import numpy as np
import pytest

# 3000 neurons: several blocks, so that two threads really split the work
BIG = ("--size", "3000", "--duration", "20", "--V0", "-65",
       "--input", "0:40", "--watch", "0,1,97,1500,2999")
SMALL = ("--size", "20", "--duration", "50", "--V0", "-65",
         "--input", "0:40")
# subthreshold: no neuron reaches V_th in 10 ms
SUB = ("--size", "5", "--duration", "10", "--V0", "-65", "--input", "0:8")


def read_bytes(path):
    with open(str(path), "rb") as f:
        return f.read()


def trace_array(load_csv, path):
    header, rows = load_csv(path)
    assert header == ["t", "neuron", "V", "w"]
    return np.array(rows, dtype=float)


def available_kernels(adex_run):
    """The kernels `adex run --help` says this machine can run."""
    text = adex_run("--help").stdout
    m = re.search(r"available\s+here: ([a-z0-9, ]+)", text)
    assert m, text
    return [k.strip() for k in m.group(1).split(",")]


def test_threads_bit_identical(adex_run, workdir, show):
    outs = {}
    for n in ("1", "2"):
        proc = adex_run(*BIG, "--threads", n, "--trace", "t%s.csv" % n,
                        "--spikes", "s%s.csv" % n, "-q")
        assert proc.returncode == 0, show(proc)
        outs[n] = (read_bytes(workdir / ("t%s.csv" % n)),
                   read_bytes(workdir / ("s%s.csv" % n)))
    assert outs["1"][1].count(b"\n") > 10  # some spikes
    assert outs["1"] == outs["2"]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_threads_spikes_only_bit_identical(dtype, adex_run, workdir, show):
    """Only spikes recorded (to HDF5), no input step by step: the threads
    step copies of their own parts of the state. The same spikes and the
    same final state on 1, 2 and 3 threads."""
    outs = []
    for n in ("1", "2", "3"):
        proc = adex_run("--size", "4096", "--duration", "20", "--V0", "-65",
                        "--input", "0:40", "--dtype", dtype, "--threads", n,
                        "--out", "o%s.h5" % n, "--save-state",
                        "e%s.h5" % n, "-q")
        assert proc.returncode == 0, show(proc)
        with h5py.File(str(workdir / ("o%s.h5" % n)), "r") as f, \
                h5py.File(str(workdir / ("e%s.h5" % n)), "r") as e:
            outs.append(([f[k][()].tobytes() for k in
                           ("pop/spikes/t", "pop/spikes/neuron")],
                          {k: e[k][()].tobytes() for k in e}))
    assert len(outs[0][0][1]) // 8 > 1000  # spikes
    assert outs[1] == outs[0] and outs[2] == outs[0]


def test_threads_zero_runs(adex_run, workdir, show):
    proc = adex_run(*SMALL, "--threads", "0", "--spikes", "s.csv", "-q")
    assert proc.returncode == 0, show(proc)


def test_threads_float32_bit_identical(adex_run, workdir, show):
    outs = []
    for n in ("1", "2"):
        proc = adex_run(*BIG, "--dtype", "float32", "--threads", n,
                        "--trace", "t.csv", "--spikes", "s.csv", "-q")
        assert proc.returncode == 0, show(proc)
        outs.append((read_bytes(workdir / "t.csv"),
                     read_bytes(workdir / "s.csv")))
    assert outs[0] == outs[1]


def test_kernel_scalar_same_spikes_as_auto(adex_run, workdir, show):
    spikes = {}
    for k in ("scalar", "auto"):
        proc = adex_run(*SMALL, "--kernel", k, "--spikes", "%s.csv" % k, "-q")
        assert proc.returncode == 0, show(proc)
        spikes[k] = read_bytes(workdir / ("%s.csv" % k))
    assert spikes["scalar"].count(b"\n") > 5
    assert spikes["scalar"] == spikes["auto"]


def test_every_available_kernel_runs(adex_run, workdir, show):
    ref = None
    for k in available_kernels(adex_run):
        proc = adex_run(*SMALL, "--kernel", k, "--spikes", "s.csv", "-q")
        assert proc.returncode == 0, show(proc)
        got = read_bytes(workdir / "s.csv")
        ref = got if ref is None else ref
        assert got == ref, k


def test_float32_trace_close_to_float64(adex_run, workdir, show, load_csv):
    tr = {}
    for d in ("float64", "float32"):
        proc = adex_run(*SUB, "--dtype", d, "--trace", "%s.csv" % d,
                        "--spikes", "s%s.csv" % d, "-q")
        assert proc.returncode == 0, show(proc)
        tr[d] = trace_array(load_csv, workdir / ("%s.csv" % d))
        # subthreshold: the spikes file has its header only
        assert read_bytes(workdir / ("s%s.csv" % d)) == b"t,neuron\n"
    a, b = tr["float64"], tr["float32"]
    assert a.shape == b.shape and a.shape[0] == 100 * 5
    assert np.array_equal(a[:, :2], b[:, :2])
    np.testing.assert_allclose(b[:, 2], a[:, 2], rtol=1e-4)
    # w starts at 0: compare against its scale
    scale = max(np.abs(a[:, 3]).max(), 1e-12)
    assert np.abs(b[:, 3] - a[:, 3]).max() <= 1e-4 * scale
    assert not np.array_equal(a[:, 2], b[:, 2])  # float32 really ran


def test_float32_h5_recording(adex_run, workdir, show):
    data = {}
    for d in ("float64", "float32"):
        proc = adex_run(*SUB, "--dtype", d, "--out", "%s.h5" % d,
                        "--record", "V,w,input,t_last_spike", "-q")
        assert proc.returncode == 0, show(proc)
        with h5py.File(str(workdir / ("%s.h5" % d)), "r") as f:
            g = f["pop"]
            assert g.attrs["dtype"] == d
            data[d] = {v: g[v][()] for v in ("V", "w", "input",
                                              "t_last_spike")}
            for v in data[d].values():
                assert v.dtype == np.float64 and v.shape == (100, 5)
    a, b = data["float64"], data["float32"]
    np.testing.assert_allclose(b["V"], a["V"], rtol=1e-4)
    # the inputs 0, 2, 4, 6, 8 are exact in float
    np.testing.assert_array_equal(b["input"], a["input"])
    np.testing.assert_array_equal(b["t_last_spike"], a["t_last_spike"])


def test_float32_config_inputs_csv(adex_run, write_config, workdir, show,
                                   load_csv):
    """A config population with "dtype": "float32", non-constant inputs
    (written through the float input array) and a CSV recording."""
    res = {}
    for d in ("float64", "float32"):
        cfg = {"duration": 10, "dt": 0.1, "seed": 3,
               "populations": [{"name": "exc", "size": 4, "dtype": d,
                                "threads": 2, "kernel": "auto",
                                "V_initializer": -65}],
               "inputs": [{"kind": "ramp", "target": "exc", "from": 0,
                           "to": 6},
                          {"kind": "constant", "target": "exc",
                           "value": 1.5}],
               "record": {"exc": ["V", "input"]},
               "out": "%s.csv" % d}
        proc = adex_run(write_config(cfg, name="%s.json" % d), "-q")
        assert proc.returncode == 0, show(proc)
        header, rows = load_csv(workdir / ("%s.csv" % d))
        assert header == ["t", "population", "neuron", "var", "value"]
        res[d] = rows
    a, b = res["float64"], res["float32"]
    assert len(a) == len(b) and len(a) > 0
    inputs = []
    for ra, rb in zip(a, b):
        assert ra[:4] == rb[:4]
        x, y = float(ra[4]), float(rb[4])
        if ra[3] == "input":
            inputs.append(x)
            # the sum of the inputs, rounded once to float
            assert y == float(np.float32(x)), ra
        else:
            assert abs(y - x) <= 1e-4 * abs(x), ra
    assert max(inputs) > 1.5  # the ramp reached the population


def test_float32_with_float64_only_option(adex_run, show,
                                          expect_usage_error):
    expect_usage_error(adex_run("--dtype", "float32", "--noise", "1", "-q"),
                       show, "float32")


@pytest.mark.parametrize("args,needles", [
    (("--kernel", "nope"), ["--kernel", "unknown kernel 'nope'", "scalar"]),
    (("--kernel", ""), ["--kernel"]),
    (("--dtype", "float16"), ["--dtype", "float64 or float32", "float16"]),
    (("--dtype", "f32"), ["--dtype", "f32"]),
    (("--threads", "-1"), ["--threads", "0", "-1"]),
    (("--threads", "two"), ["--threads", "two"]),
    (("--threads", "5000"), ["--threads", "4096"]),
    (("--threads",), ["--threads"]),
], ids=["kernel_unknown", "kernel_empty", "dtype_bad", "dtype_short",
        "threads_negative", "threads_word", "threads_huge", "threads_none"])
def test_flag_errors(args, needles, adex_run, workdir, show,
                     expect_usage_error):
    proc = adex_run("--size", "3", "--duration", "1", *args,
                    "--spikes", "s.csv")
    expect_usage_error(proc, show, *needles)
    assert not (workdir / "s.csv").exists()


def test_kernel_unavailable(adex_run, workdir, show, expect_usage_error):
    have = available_kernels(adex_run)
    missing = [k for k in ("avx2", "avx512") if k not in have]
    if not missing:
        pytest.skip("this machine runs every kernel")
    proc = adex_run("--kernel", missing[0], "--spikes", "s.csv")
    expect_usage_error(proc, show, "--kernel", missing[0], "not available")
    assert not (workdir / "s.csv").exists()


@pytest.mark.parametrize("key,value,needles", [
    ("kernel", "nope", ["populations[0].kernel", "unknown kernel"]),
    ("kernel", 3, ["populations[0].kernel", "string"]),
    ("dtype", "float16", ["populations[0].dtype", "float16"]),
    ("dtype", 32, ["populations[0].dtype", "float64"]),
    ("threads", -1, ["populations[0].threads", "-1"]),
    ("threads", 1.5, ["populations[0].threads", "1.5"]),
    ("threads", "2", ["populations[0].threads", "string"]),
], ids=["kernel_unknown", "kernel_type", "dtype_bad", "dtype_type",
        "threads_negative", "threads_fraction", "threads_type"])
def test_config_errors(key, value, needles, adex_run, write_config, show,
                       expect_usage_error):
    cfg = {"duration": 1, "populations": [{"name": "exc", "size": 2,
                                           key: value}]}
    proc = adex_run(write_config(cfg))
    expect_usage_error(proc, show, "cfg.json", *needles)


def test_flags_override_config_of_every_population(adex_run, write_config,
                                                   workdir, show):
    cfg = {"duration": 5, "out": "r.h5",
           "populations": [{"name": "a", "size": 2, "dtype": "float64",
                            "V_initializer": -65},
                           {"name": "b", "size": 3, "kernel": "scalar",
                            "V_initializer": -65}]}
    proc = adex_run(write_config(cfg), "--dtype", "float32", "--kernel",
                    "scalar", "--threads", "2", "-q")
    assert proc.returncode == 0, show(proc)
    with h5py.File(str(workdir / "r.h5"), "r") as f:
        for g in ("a", "b"):
            assert f[g].attrs["dtype"] == "float32"
            assert f[g].attrs["kernel"] == "scalar"


def test_help_mentions_flags(adex_run):
    text = adex_run("--help").stdout
    for flag in ("--threads N", "--kernel NAME", "--dtype float64|float32"):
        assert flag in text
    assert "auto" in available_kernels(adex_run)
