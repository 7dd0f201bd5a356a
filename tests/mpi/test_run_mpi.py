"""`mpirun -np N adex run ...` against `adex run` alone (tests/mpi).

Every output the program writes on 2, 3 and 4 ranks must equal, value
for value, what it writes alone: the COBA-AdEx example, a network of
every synapse model (the examples, with delays; their recorded
projection variables and saved synapses), Poisson- and OU-driven
populations with noise, populations whose neurons do not divide evenly
among the ranks, with threads in each rank; in .h5, .csv and .npy, and
the --spikes and --trace files.
Errors are reported once and every rank exits with the same status.

Run by CTest (label mpi) with $ADEX_BIN and $MPIEXEC set; as root, Open
MPI's allow-run-as-root variables must be set (CTest sets them).
"""

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import h5py
import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
ADEX = os.environ.get("ADEX_BIN", str(REPO / "build" / "adex"))
MPIEXEC = os.environ.get("MPIEXEC", "mpirun")


def run(args, cwd, np_=None, timeout=120):
    """`adex run ARGS` alone (np_ None) or under mpirun -np np_."""
    cmd = [ADEX, "run"] + [str(a) for a in args]
    if np_ is not None:
        cmd = [MPIEXEC, "-np", str(np_), "--oversubscribe"] + cmd
    return subprocess.run(cmd, cwd=str(cwd), capture_output=True, text=True,
                          timeout=timeout)


def h5_items(path):
    """Every dataset (bytes) and attribute (repr) of an HDF5 file."""
    out = {}
    with h5py.File(str(path), "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                out["D " + name] = (obj.shape, str(obj.dtype),
                                    obj[()].tobytes())
            for k, v in obj.attrs.items():
                out["A %s@%s" % (name, k)] = repr(np.asarray(v).tolist())
        for k, v in f.attrs.items():
            out["A /@" + k] = repr(np.asarray(v).tolist())
        f.visititems(visit)
    return out


def assert_same_h5(a, b):
    x, y = h5_items(a), h5_items(b)
    assert sorted(x) == sorted(y)
    differ = [k for k in x if x[k] != y[k]]
    assert differ == [], differ
    # and the files themselves, bit for bit (no object times are stored)
    assert Path(str(a)).read_bytes() == Path(str(b)).read_bytes()


def config(src, tmp, duration, **edits):
    """A copy of example `src` for a short run."""
    c = json.loads((REPO / "examples" / src).read_text())
    c["duration"] = duration
    c.update(edits)
    path = tmp / ("%s.json" % Path(src).stem)
    path.write_text(json.dumps(c))
    return path


@pytest.mark.parametrize("ranks", [2, 3, 4])
def test_coba_same_file_on_every_rank_count(tmp_path, ranks):
    cfg = config("coba_adex.json", tmp_path, 60,
                 record={"E": {"vars": ["spike", "V", "w", "input"],
                               "watch": [0, 1799, 3199, 5], "every": 3},
                         "I": ["spike"]})
    alone = run([cfg, "--out", "alone.h5", "-q"], tmp_path)
    assert alone.returncode == 0, alone.stderr
    many = run([cfg, "--out", "many.h5", "-q"], tmp_path, ranks)
    assert many.returncode == 0, many.stderr
    assert_same_h5(tmp_path / "alone.h5", tmp_path / "many.h5")
    with h5py.File(str(tmp_path / "many.h5"), "r") as f:
        assert f["E/spikes/t"].shape[0] > 100  # the network fired
    # messages from rank 0 only: one summary
    assert many.stdout.count("spikes:") == alone.stdout.count("spikes:")


@pytest.mark.parametrize("ranks", [2, 3])
def test_coba_float32_same_file(tmp_path, ranks):
    """float32 populations (docs/networks.md, *float32 populations*): the
    same file on any number of ranks too."""
    cfg = config("coba_adex.json", tmp_path, 60,
                 record={"E": {"vars": ["spike", "V", "input"],
                               "watch": [0, 1799, 3199], "every": 2},
                         "I": ["spike", "V"]})
    alone = run([cfg, "--dtype", "float32", "--out", "alone.h5", "-q"],
                tmp_path)
    assert alone.returncode == 0, alone.stderr
    many = run([cfg, "--dtype", "float32", "--out", "many.h5", "-q"],
               tmp_path, ranks)
    assert many.returncode == 0, many.stderr
    assert_same_h5(tmp_path / "alone.h5", tmp_path / "many.h5")
    with h5py.File(str(tmp_path / "many.h5"), "r") as f:
        assert f["E/spikes/t"].shape[0] > 100
        V = f["I/V"][()]
        assert f["I"].attrs["dtype"] == "float32"
        assert np.array_equal(V, V.astype(np.float32))  # float values


@pytest.mark.parametrize("model", ["DeltaSynapse", "ExpCOBA", "DualExpCUBA",
                                   "AlphaCOBA", "NMDA", "AMPA", "GABAa",
                                   "STP"])
def test_every_synapse_model_csv(tmp_path, model):
    cfg = config("networks/%s.json" % model, tmp_path, 40)
    c = json.loads(cfg.read_text())
    for p in c["projections"]:  # delays of several steps where allowed
        if p["model"] != "STP":
            p["delay"] = 0.3
    cfg.write_text(json.dumps(c))
    alone = run([cfg, "--out", "alone.csv", "-q"], tmp_path)
    assert alone.returncode == 0, alone.stderr
    for ranks in (2, 3):
        many = run([cfg, "--out", "many%d.csv" % ranks, "-q"], tmp_path, ranks)
        assert many.returncode == 0, many.stderr
        assert (tmp_path / ("many%d.csv" % ranks)).read_bytes() == \
            (tmp_path / "alone.csv").read_bytes()


@pytest.mark.parametrize("model", ["ExpCUBA", "DualExpCOBA", "NMDA", "STP"])
def test_projection_state_and_synapses_h5(tmp_path, model):
    """Recorded projection variables (cut by post neuron, by synapse, or
    whole on every rank) and save_synapses, in the .h5 layout."""
    cfg = config("networks/%s.json" % model, tmp_path, 30)
    c = json.loads(cfg.read_text())
    for p in c["projections"]:
        p["save_synapses"] = True
    cfg.write_text(json.dumps(c))
    alone = run([cfg, "--out", "alone.h5", "-q"], tmp_path)
    assert alone.returncode == 0, alone.stderr
    with h5py.File(str(tmp_path / "alone.h5"), "r") as f:
        names = [p["name"] for p in c["projections"]]
        assert all("synapses" in f[n] for n in names)
    for ranks in (2, 3):
        many = run([cfg, "--out", "m%d.h5" % ranks, "-q"], tmp_path, ranks)
        assert many.returncode == 0, many.stderr
        assert_same_h5(tmp_path / "alone.h5", tmp_path / ("m%d.h5" % ranks))


def test_connectors_per_synapse_arrays(tmp_path):
    """IJ (pairs repeated, out of order, weights and delays per synapse),
    CSR, FixedPostNum, GridFour and STP on IJ: synapses and state in the
    order of one process, whatever the ranks."""
    n_a, n_b = 31, 13
    ii = [(q * 7) % n_a for q in range(50)]
    jj = [(q * 5 + 3) % n_b for q in range(50)]
    indptr, indices = [0], []
    for i in range(n_a):
        indices += [(i * 3 + k) % n_b for k in range(i % 3)]
        indptr.append(len(indices))
    c = {"duration": 30, "dt": 0.1, "seed": 2,
         "populations": [
             {"name": "A", "size": n_a, "V_initializer": {"uniform": [-65, -50]}},
             {"name": "B", "size": n_b, "V_initializer": {"uniform": [-65, -50]}}],
         "projections": [
             {"name": "ij", "pre": "A", "post": "B", "model": "ExpCOBA",
              "conn": {"kind": "IJ", "i": ii, "j": jj},
              "g_max": [0.1 + 0.01 * q for q in range(50)],
              "delay": [0.1 * (1 + q % 4) for q in range(50)],
              "save_synapses": True},
             {"name": "csr", "pre": "A", "post": "B", "model": "ExpCUBA",
              "conn": {"kind": "CSR", "indices": indices, "indptr": indptr},
              "g_max": 1.0, "save_synapses": True},
             {"name": "post", "pre": "B", "post": "A", "model": "DualExpCUBA",
              "conn": {"kind": "FixedPostNum", "num": 4, "seed": 8},
              "g_max": 2.0, "save_synapses": True},
             {"name": "grid", "pre": "A", "post": "A", "model": "AlphaCUBA",
              "conn": {"kind": "GridFour"}, "g_max": 0.5,
              "save_synapses": True},
             {"name": "stp", "pre": "A", "post": "B", "model": "STP",
              "conn": {"kind": "IJ", "i": ii[::-1], "j": jj},
              "g_max": 1.0, "save_synapses": True}],
         "inputs": [{"target": "A", "kind": "constant", "value": 25},
                    {"target": "B", "kind": "constant", "value": 12}],
         "record": {"A": ["spike"], "B": {"vars": ["spike", "V"]},
                    "ij": ["g"], "stp": ["x", "u", "I"], "post": ["g"]}}
    cfg = tmp_path / "conn.json"
    cfg.write_text(json.dumps(c))
    alone = run([cfg, "--out", "alone.h5", "-q"], tmp_path)
    assert alone.returncode == 0, alone.stderr
    for ranks in (2, 3, 4):
        many = run([cfg, "--out", "m%d.h5" % ranks, "-q"], tmp_path, ranks)
        assert many.returncode == 0, many.stderr
        assert_same_h5(tmp_path / "alone.h5", tmp_path / ("m%d.h5" % ranks))


def test_state_files_across_rank_counts(tmp_path):
    """--save-state on 3 processes, --load-state on 2 and alone: the state
    after the continuation is the uninterrupted run's, byte for byte, and
    the continued outputs are the same."""
    cfg = config("networks/NMDA.json", tmp_path, 40)
    c = json.loads(cfg.read_text())
    for p in c["projections"]:
        p["delay"] = 0.3  # spikes pending between exchanges at the save
    cfg.write_text(json.dumps(c))
    steps = [
        (None, ["--duration", "40", "--save-state", "full.h5"]),
        (3, ["--duration", "20", "--save-state", "half.h5"]),
        (2, ["--start", "20", "--duration", "20", "--load-state", "half.h5",
             "--save-state", "two.h5", "--out", "two.h5out.h5"]),
        (None, ["--start", "20", "--duration", "20", "--load-state",
                "half.h5", "--save-state", "one.h5", "--out", "one_out.h5"]),
        (4, ["--start", "20", "--duration", "20", "--load-state", "half.h5",
             "--save-state", "four.h5", "--out", "four_out.h5"]),
    ]
    for ranks, args in steps:
        p = run([cfg, "-q"] + args, tmp_path, ranks)
        assert p.returncode == 0, p.stderr
    full = (tmp_path / "full.h5").read_bytes()
    for name in ("two.h5", "one.h5", "four.h5"):
        assert (tmp_path / name).read_bytes() == full, name
    assert_same_h5(tmp_path / "one_out.h5", tmp_path / "two.h5out.h5")
    assert_same_h5(tmp_path / "one_out.h5", tmp_path / "four_out.h5")


def test_poisson_noise_uneven_threads_npy(tmp_path):
    c = {"duration": 50, "dt": 0.1, "seed": 4,
         "populations": [
             {"name": "src", "model": "PoissonGroup", "size": 23,
              "freqs": 300, "seed": 2},
             {"name": "E", "size": 37, "noise": 0.6, "tau_ref": 1.5,
              "threads": 2,
              "params": {"tau": [20.0 + 0.1 * i for i in range(37)]},
              "V_initializer": {"uniform": [-70, -55]}}],
         "projections": [
             {"name": "P", "pre": "src", "post": "E", "model": "ExpCUBA",
              "conn": {"kind": "FixedPreNum", "num": 5, "seed": 3},
              "g_max": 2.0, "delay": 0.4}],
         "inputs": [{"target": "E", "kind": "poisson", "rate": 800,
                     "weight": 1.5, "seed": 9},
                    {"target": "E", "kind": "ou", "mean": 3, "sigma": 2,
                     "tau": 5, "seed": 5},
                    {"target": "E", "kind": "section",
                     "values": [[0.1 * i for i in range(37)], 2.0],
                     "durations": [20, 30]},
                    {"target": "E", "kind": "poisson",
                     "rate": [20.0 * i for i in range(37)], "weight": 2.0},
                    {"target": "E", "kind": "file", "path": "cols.npy"}],
         "record": {"E": {"vars": ["V"], "every": 2}}}
    cfg = tmp_path / "p.json"
    cfg.write_text(json.dumps(c))
    np.save(str(tmp_path / "cols.npy"),  # one column per neuron
            np.arange(500 * 37, dtype=float).reshape(500, 37) % 7 * 0.3)
    alone = run([cfg, "--out", "alone.npy", "-q"], tmp_path)
    assert alone.returncode == 0, alone.stderr
    for ranks in (2, 3, 4):
        many = run([cfg, "--out", "m%d.npy" % ranks, "-q"], tmp_path, ranks)
        assert many.returncode == 0, many.stderr
        a = np.load(str(tmp_path / "alone.npy"))
        b = np.load(str(tmp_path / ("m%d.npy" % ranks)))
        assert a.shape == (250, 37) and a.tobytes() == b.tobytes()


def test_config_error_once_same_status(tmp_path):
    cfg = tmp_path / "bad.json"
    cfg.write_text(json.dumps({"duration": 10, "populations": [
        {"name": "E", "size": 10, "params": {"tau": -1}}]}))
    alone = run([cfg, "-q"], tmp_path)
    many = run([cfg, "-q"], tmp_path, 3)
    assert alone.returncode == 2
    assert many.returncode == 2, many.stderr
    line = [ln for ln in alone.stderr.splitlines() if "tau" in ln][0]
    assert many.stderr.count(line) == 1


def test_a_bad_file_on_one_rank(tmp_path):
    """Rank 1 (of 2 or 3) cannot read its input file: its message, once,
    every rank exits with 2, no hang (mpirun's MPMD form gives the ranks
    different configs)."""
    import numpy
    for d in ("A", "B"):
        (tmp_path / d).mkdir()
        (tmp_path / d / "c.json").write_text(json.dumps(
            {"duration": 10, "populations": [{"name": "E", "size": 7}],
             "inputs": [{"target": "E", "kind": "file", "path": "in.npy"}]}))
    numpy.save(str(tmp_path / "A" / "in.npy"), numpy.full((100, 7), 5.0))
    for other in (1, 2):
        cmd = [MPIEXEC, "--oversubscribe", "-np", "1", ADEX, "run", "A/c.json",
               "-q", ":", "-np", "1", ADEX, "run", "B/c.json", "-q"]
        if other == 2:
            cmd += [":", "-np", "1", ADEX, "run", "A/c.json", "-q"]
        p = subprocess.run(cmd, cwd=str(tmp_path), capture_output=True,
                           text=True, timeout=60)
        assert p.returncode == 2, p.stderr
        assert p.stderr.count("cannot open 'B/in.npy'") == 1
        assert "rank 1 of" in p.stderr


def test_unstable_dt_once(tmp_path):
    args = ["--method", "euler", "--dt", "1", "--tau", "0.2", "--duration", "10",
            "--size", "9",
            "-q"]
    alone = run(args, tmp_path)
    many = run(args, tmp_path, 4)
    assert alone.returncode == 2 and many.returncode == 2, many.stderr
    assert many.stderr.count("unstable") == 1


@pytest.mark.parametrize("ranks", [2, 3])
def test_spikes_and_trace_flags(tmp_path, ranks):
    args = ["--size", "41", "--duration", "30", "--input", "0:30",
            "--V0", "uniform:-70:-50", "--noise", "0.5", "--tau_ref", "2",
            "--watch", "0,17,40", "-q"]
    alone = run(args + ["--spikes", "s1.csv", "--trace", "t1.csv"], tmp_path)
    assert alone.returncode == 0, alone.stderr
    many = run(args + ["--spikes", "s2.csv", "--trace", "t2.csv"], tmp_path,
               ranks)
    assert many.returncode == 0, many.stderr
    for a, b in (("s1.csv", "s2.csv"), ("t1.csv", "t2.csv")):
        x, y = (tmp_path / a).read_bytes(), (tmp_path / b).read_bytes()
        assert x.count(b"\n") > 5 and x == y


def test_ctrl_c_stops_every_rank_and_keeps_the_file(tmp_path):
    cfg = config("coba_adex.json", tmp_path, 100000)
    p = subprocess.Popen([MPIEXEC, "-np", "2", "--oversubscribe", ADEX, "run",
                          str(cfg), "--out", "cut.h5"], cwd=str(tmp_path),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    time.sleep(4)
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=60)
    assert p.returncode != 0
    with h5py.File(str(tmp_path / "cut.h5"), "r") as f:
        assert f.attrs["interrupted"] == 1
        done = int(f.attrs["steps_done"])
        assert 0 < done < 1000000
        assert f["E/spikes/t"].shape[0] > 0
