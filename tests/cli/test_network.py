"""Networks in `adex run`: the "projections" of a config (docs/cli.md,
docs/networks.md): the COBA-AdEx example, delays landing on their step,
refusals before anything runs, and continuation from a network state."""

import copy
import json
import signal
import subprocess
import time

import h5py
import numpy as np
import pytest

from conftest import REPO


def coba(duration):
    cfg = json.loads((REPO / "examples" / "coba_adex.json").read_text())
    cfg["duration"] = duration
    return cfg


def test_coba_adex_example(adex_run, adex, write_config, workdir, show):
    """The benchmark network runs from the shipped config; Brian2 and NEST
    give 12-13 Hz on it."""
    r = adex_run(write_config(coba(400)), timeout=300)  # sanitizer builds: slow
    assert r.returncode == 0, show(r)
    with h5py.File(str(workdir / "coba_adex.h5"), "r") as f:
        t = f["E/spikes/t"][()]
        n = f["E/spikes/neuron"][()]
        assert n.max() < 3200
        late = np.count_nonzero(t >= 200.0)
        g = f["I2E"]  # each projection: a group saying what it is
        assert g.attrs["kind"] == "projection" and g.attrs["model"] == "ExpCOBA"
        assert (g.attrs["pre"], g.attrs["post"]) == ("I", "E")
        assert g.attrs["conn"] == "FixedProb" and g.attrs["conn_prob"] == 0.02
        assert g.attrs["g_max"] == 6.7 and g.attrs["E"] == -80.0
        assert abs(int(g.attrs["synapses"]) - 0.02 * 800 * 3200) < 5 * 226
        assert g.attrs["delay"] == pytest.approx(0.1)
    rate = late / (3200 * 0.2)
    assert 10.0 < rate < 16.0, rate
    info = adex("info", "coba_adex.h5")
    assert info.returncode == 0, show(info)
    assert "/E2E/  group" in info.stdout and '@model = "ExpCOBA"' in info.stdout


def two_pops(proj, duration=3.0):
    """pre: 1 neuron at V = 0 mV (it spikes in step 0, never again);
    post: 1 neuron at rest whose V is recorded every step."""
    return {"duration": duration, "dt": 0.1,
            "populations": [{"name": "pre", "size": 1},
                            {"name": "post", "size": 1,
                             "V_initializer": {"constant": -65}}],
            "projections": [dict({"pre": "pre", "post": "post"}, **proj)],
            "record": {"post": ["V"]}, "out": "o.h5"}


@pytest.mark.parametrize("key,value,step", [
    (None, None, 1), ("delay", 0.1, 1), ("delay", 0.4, 4),
    ("delay_step", 0, 2), ("delay_step", 3, 5)])
def test_delays_land_on_their_step(key, value, step, adex_run, write_config,
                                   workdir, show):
    """A spike found in step 0 acts in step `delay`/dt (BrainPy's
    delay_step=d: d + 2): V of the target jumps in that step."""
    proj = {"model": "DeltaSynapse", "conn": {"kind": "One2One"}, "weights": 5.0}
    if key is not None:
        proj[key] = value
    r = adex_run(write_config(two_pops(proj)))
    assert r.returncode == 0, show(r)
    with h5py.File(str(workdir / "o.h5"), "r") as f:
        V = f["post/V"][()][:, 0]
    dV = np.diff(np.concatenate([[-65.0], V]))
    assert np.argmax(dV) == step
    assert dV[step] == pytest.approx(5.0, abs=0.1)  # then one step of decay


@pytest.mark.parametrize("change,needles", [
    ({"model": "Exp"}, ["projections[0].model", "unknown synapse model"]),
    ({"pre": "nobody"}, ["projections[0].pre", "no population"]),
    ({"conn": {"kind": "FixedProb", "prob": 1.5}}, ["conn.prob", "[0, 1]"]),
    ({"conn": {"kind": "Ring"}}, ["conn.kind", "unknown connector"]),
    ({"conn": {"kind": "FixedPreNum", "num": 5}}, ["projections[0]", "num 5"]),
    ({"delay": 0.25}, ["projections[0]", "multiple of dt"]),
    ({"delay": 0.2, "delay_step": 1}, ["delay_step", "not both"]),
    ({"weights": [1.0, 2.0]}, ["projections[0]", "2 weights for 1 synapses"]),
    ({"tau": 5}, ["projections[0].tau", "unknown key"]),
    ({"conn": {"kind": "IJ", "i": [0], "j": [3]}}, ["projections[0]", "out of range"]),
])
def test_bad_projections_refused(change, needles, adex_run, write_config,
                                 workdir, show, expect_usage_error):
    proj = {"model": "DeltaSynapse", "conn": {"kind": "One2One"}}
    proj.update(change)
    r = adex_run(write_config(two_pops(proj)))
    expect_usage_error(r, show, *needles)
    assert not (workdir / "o.h5").exists()


def test_refused_when_too_big(adex_run, write_config, workdir, show,
                              expect_usage_error):
    cfg = two_pops({"model": "ExpCOBA", "conn": {"kind": "All2All"}})
    cfg["populations"][0]["size"] = 400000
    cfg["populations"][1]["size"] = 400000
    r = adex_run(write_config(cfg), timeout=20)
    expect_usage_error(r, show, "projections[0]", "GB", "memory")


@pytest.mark.parametrize("dtype,dense", [("float64", True),
                                         ("float32", True),
                                         ("float64", False),
                                         ("float32", False)])
def test_threads_give_the_same_bits(dtype, dense, adex_run, write_config,
                                    workdir, show):
    """The COBA-AdEx network on 1, 2 and 3 threads (its step split by post
    neurons): the same spikes, V and w, bit for bit, and the same state;
    float32 populations too; and with only the spikes recorded (the
    threads then step copies of their own parts of the state, written
    back at the end)."""
    cfg = coba(60)
    cfg["record"] = ({"E": ["spike", "V", "w"], "I": ["spike", "V"]} if dense
                     else {"E": ["spike"], "I": ["spike"]})
    runs = []
    for threads in (1, 2, 3):
        cfg["out"] = "t%d.h5" % threads
        r = adex_run(write_config(cfg, "t%d.json" % threads),
                     "--threads", threads, "--dtype", dtype, "--save-state",
                     "t%d_end.h5" % threads, timeout=300)
        assert r.returncode == 0, show(r)
        with h5py.File(str(workdir / cfg["out"]), "r") as f, \
                h5py.File(str(workdir / ("t%d_end.h5" % threads)), "r") as s:
            runs.append(({k: f[k][()] for k in (
                "E/spikes/t", "E/spikes/neuron", "E/V", "E/w",
                "I/spikes/t", "I/spikes/neuron", "I/V") if dense or
                "spikes" in k},
                {k: s[k][()] for k in s}))
    assert runs[0][0]["E/spikes/t"].shape[0] > 100
    assert runs[0][1]["E.V"].dtype == np.dtype(dtype)
    for out, state in runs[1:]:
        for k in out:
            assert out[k].tobytes() == runs[0][0][k].tobytes(), k
        assert set(state) == set(runs[0][1])
        for k in state:
            assert state[k].tobytes() == runs[0][1][k].tobytes(), k


def test_threads_interrupted_spikes_only(adex_bin, adex_run, write_config,
                                         workdir, show):
    """SIGINT into a run on 2 threads that records only spikes (the
    library then calls the program's hooks after batches of steps): the
    file and the state are finished, and they are exactly those of a run on
    one thread of the steps done."""
    cfg = coba(1e6)
    cfg["out"] = "int.h5"
    p = subprocess.Popen([adex_bin, "run", str(write_config(cfg, "int.json")),
                          "--threads", "2", "--save-state", "int_end.h5"],
                         cwd=str(workdir), stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    time.sleep(1.5)
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=60)
    assert p.returncode == 130, (p.returncode, out, err)
    with h5py.File(str(workdir / "int.h5"), "r") as f:
        assert f.attrs["interrupted"] == 1
        done = int(f.attrs["steps_done"])
        got = {k: f[k][()] for k in ("E/spikes/t", "E/spikes/neuron",
                                     "I/spikes/t", "I/spikes/neuron")}
    assert done > 0 and len(got["E/spikes/t"]) > 0
    assert got["E/spikes/t"].max() < done * 0.1
    cfg["duration"] = float("%.17g" % (done * 0.1))
    cfg["out"] = "ref.h5"
    r = adex_run(write_config(cfg, "ref.json"), "--threads", 1,
                 "--save-state", "ref_end.h5", timeout=300)
    assert r.returncode == 0, show(r)
    with h5py.File(str(workdir / "ref.h5"), "r") as f:
        assert int(f.attrs["steps"]) == done
        for k, v in got.items():
            assert f[k][()].tobytes() == v.tobytes(), k
    with h5py.File(str(workdir / "int_end.h5"), "r") as a, \
            h5py.File(str(workdir / "ref_end.h5"), "r") as b:
        assert set(a) == set(b)
        for k in a:
            assert a[k][()].tobytes() == b[k][()].tobytes(), k


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_network_state_continues_exactly(dtype, adex_run, write_config,
                                         workdir, show):
    cfg = coba(40)
    cfg["populations"][0]["size"] = 400
    cfg["populations"][1]["size"] = 100
    for pop in cfg["populations"]:
        pop["dtype"] = dtype
    for p in cfg["projections"]:
        p["conn"]["prob"] = 0.1
    cfg["record"] = {"E": ["spike", "V"]}
    full = copy.deepcopy(cfg)
    full["out"] = "full.h5"
    r = adex_run(write_config(full, "full.json"), "--save-state", "full_end.h5")
    assert r.returncode == 0, show(r)
    half = copy.deepcopy(cfg)
    half["duration"] = 20
    half["out"] = "half.h5"
    r = adex_run(write_config(half, "half.json"), "--save-state", "half_end.h5")
    assert r.returncode == 0, show(r)
    second = copy.deepcopy(half)
    second["out"] = "second.h5"
    second["start"] = 20
    r = adex_run(write_config(second, "second.json"), "--load-state",
                 "half_end.h5", "--save-state", "second_end.h5")
    assert r.returncode == 0, show(r)
    with h5py.File(str(workdir / "full.h5"), "r") as a, \
            h5py.File(str(workdir / "second.h5"), "r") as b:
        np.testing.assert_array_equal(a["E/V"][()][200:], b["E/V"][()])
        t = a["E/spikes/t"][()]
        assert np.count_nonzero(t >= 20) == b["E/spikes/t"].shape[0] > 0
    with h5py.File(str(workdir / "full_end.h5"), "r") as a, \
            h5py.File(str(workdir / "second_end.h5"), "r") as b:
        assert set(a) == set(b)
        assert {"E.V", "E2E.g", "E2E.delay_ring"} <= set(a)
        assert a["E.V"].dtype == np.dtype(dtype)
        assert a["E2E.g"].dtype == np.float64
        for k in a:
            assert a[k][()].tobytes() == b[k][()].tobytes(), k


def test_network_state_needs_its_start(adex_run, write_config, workdir, show,
                                       expect_usage_error):
    """A network state goes on at its own time: another --start is refused."""
    cfg = two_pops({"model": "ExpCUBA", "conn": {"kind": "One2One"}}, 2.0)
    r = adex_run(write_config(cfg), "--save-state", "s.h5")
    assert r.returncode == 0, show(r)
    cfg["out"] = "o2.h5"
    r = adex_run(write_config(cfg, "c2.json"), "--load-state", "s.h5",
                 "--start", "3")
    expect_usage_error(r, show, "--start 2", "saved at t = 2")
    assert not (workdir / "o2.h5").exists()


def sources(duration=300.0):
    """A PoissonGroup and a SpikeTimeGroup driving 20 AdEx neurons."""
    return {"duration": duration, "dt": 0.1, "seed": 3,
            "populations": [
                {"name": "src", "model": "PoissonGroup", "size": 400,
                 "freqs": 25, "seed": 7},
                {"name": "stim", "model": "SpikeTimeGroup", "size": 3,
                 "times": [10.0, 10.05, 42.0, 42.0], "indices": [0, 1, 2, 0]},
                {"name": "E", "size": 20, "V_initializer": {"constant": -65}}],
            "projections": [
                {"name": "S2E", "pre": "src", "post": "E", "model": "ExpCOBA",
                 "conn": {"kind": "FixedPreNum", "num": 10, "seed": 1},
                 "g_max": 0.01, "tau": 5, "E": 0},
                {"name": "T2E", "pre": "stim", "post": "E",
                 "model": "DeltaSynapse", "conn": {"kind": "All2All"},
                 "weights": 0.5}],
            "record": {"E": ["V"]}, "out": "o.h5"}


def test_spike_sources(adex_run, write_config, workdir, show):
    """PoissonGroup and SpikeTimeGroup populations of a config: the Poisson
    count within 4 standard deviations of size*rate*T, the spike times on
    the first step at or after each time given (two in one step are one
    spike), stored like a population's spikes with the model's attributes,
    and the post neurons' V jumping by the weights of the spikes that
    arrive (delay: one step)."""
    cfg = sources()
    r = adex_run(write_config(cfg))
    assert r.returncode == 0, show(r)
    with h5py.File(str(workdir / "o.h5"), "r") as f:
        n = len(f["src/spikes/t"])
        mean = 400 * 25 * 0.3
        assert abs(n - mean) < 4 * np.sqrt(mean), n
        assert f["src"].attrs["model"] == "PoissonGroup"
        assert list(f["src"].attrs["freqs"]) == [25.0]
        assert f["src"].attrs["seed"] == 7
        t = f["stim/spikes/t"][()]
        i = f["stim/spikes/neuron"][()]
        assert f["stim"].attrs["model"] == "SpikeTimeGroup"
        # 10.0 -> step at 10.0; 10.05 -> step at 10.1; 42.0 twice for 0, 2
        got = sorted(zip(np.round(t, 9), i))
        assert got == [(10.0, 0), (10.1, 1), (42.0, 0), (42.0, 2)]
        V = f["E/V"][()]
    # stim's spikes of step k act in step k + 1 (+0.5 mV each, All2All);
    # the jump at t = 42.0 + 0.1 is of two spikes
    dV = np.diff(V[:, 0])
    k = int(round(42.0 / 0.1))  # row k holds V after step k
    assert dV[k] - np.median(dV[k - 20:k]) == pytest.approx(1.0, abs=0.05)
    assert "src" in r.stdout and "Poisson" in r.stdout


def test_spike_sources_continue_exactly(adex_run, write_config, workdir, show):
    """A network with spike sources saved at 150 ms and continued equals
    the uninterrupted run, spikes of every population bit for bit."""
    cfg = sources()
    cfg["out"] = "full.csv"
    assert adex_run(write_config(cfg)).returncode == 0
    cfg["duration"], cfg["out"] = 150.0, "a.csv"
    r = adex_run(write_config(cfg), "--save-state", "s.h5")
    assert r.returncode == 0, show(r)
    cfg["out"] = "b.csv"
    r = adex_run(write_config(cfg), "--start", "150", "--load-state", "s.h5")
    assert r.returncode == 0, show(r)
    full = (workdir / "full.csv").read_text().splitlines()
    a = (workdir / "a.csv").read_text().splitlines()
    b = (workdir / "b.csv").read_text().splitlines()
    assert full == a + b[1:]
    assert any(",src," in line for line in full)
    assert any(",stim," in line for line in full)


@pytest.mark.parametrize("edit,needles", [
    (lambda c: c["populations"][0].update(model="Poison"),
     ["populations[0].model", "unknown model", "PoissonGroup"]),
    (lambda c: c["populations"][0].pop("freqs"),
     ["populations[0]", "freqs"]),
    (lambda c: c["populations"][0].update(freqs=[1.0, 2.0]),
     ["populations[0].freqs", "1 or 400"]),
    (lambda c: c["populations"][0].update(freqs=-1),
     ["populations[0].freqs", ">= 0"]),
    (lambda c: c["populations"][0].update(params={"tau": 5}),
     ["populations[0].params", "unknown key"]),
    (lambda c: c["populations"][1].update(indices=[0, 1, 2]),
     ["populations[1]", "one length"]),
    (lambda c: c["populations"][1].update(indices=[0, 1, 3, 0]),
     ["populations[1].indices[2]", "out of range"]),
    (lambda c: c["projections"][0].update(post="src"),
     ["projections[0].post", "spike source"]),
    (lambda c: c.update(inputs=[{"target": "src", "kind": "constant",
                                 "value": 1}]),
     ["inputs[0].target", "spike source"]),
    (lambda c: c["record"].update(src=["V"]),
     ["record.src", "spike source"]),
    (lambda c: (c["populations"].pop(2), c.pop("projections"),
                c.pop("record")),
     ["populations", "AdExIF"]),
])
def test_bad_sources_refused(edit, needles, adex_run, write_config, workdir,
                             show, expect_usage_error):
    cfg = sources()
    edit(cfg)
    r = adex_run(write_config(cfg))
    expect_usage_error(r, show, *needles)
    assert not (workdir / "o.h5").exists()


def one_spike(model="ExpCUBA", extra=None):
    """One source spike at 1.0 ms into 2 AdEx neurons (All2All)."""
    proj = {"name": "P", "pre": "stim", "post": "E", "model": model,
            "conn": {"kind": "All2All"}, "g_max": 2.0, "tau": 4.0}
    proj.update(extra or {})
    return {"duration": 20.0, "dt": 0.1,
            "populations": [
                {"name": "stim", "model": "SpikeTimeGroup", "size": 1,
                 "times": [1.0], "indices": [0]},
                {"name": "E", "size": 2, "V_initializer": {"constant": -65}}],
            "projections": [proj], "record": {"P": ["g"]}, "out": "o.h5"}


def test_projection_variables_recorded(adex_run, write_config, workdir, show):
    """record accepts a projection's variables: ExpCUBA's g, one per post
    neuron, sampled every step with ts; after the spike arrives it is
    g_max e^(-t/tau), the analytic decay; the CSV output holds the same
    values."""
    r = adex_run(write_config(one_spike()))
    assert r.returncode == 0, show(r)
    with h5py.File(str(workdir / "o.h5"), "r") as f:
        g = f["P/g"][()]
        ts = f["P/ts"][()]
        assert f["P"].attrs["samples"] == 200
    assert g.shape == (200, 2)
    np.testing.assert_allclose(ts, 0.1 * np.arange(1, 201))
    k0 = int(np.argmax(g[:, 0] > 0))
    assert g[k0, 0] == pytest.approx(2.0)
    later = g[k0:k0 + 50, 0]
    np.testing.assert_allclose(later, 2.0 * np.exp(-0.1 * np.arange(50) / 4.0),
                               rtol=1e-12)
    cfg = one_spike()
    cfg["out"] = "o.csv"
    r = adex_run(write_config(cfg))
    assert r.returncode == 0, show(r)
    rows = [l.split(",") for l in (workdir / "o.csv").read_text().splitlines()
            if ",P," in l]
    assert len(rows) == 400
    vals = {(round(float(t), 6), int(e)): float(v) for t, _, e, var, v in rows}
    assert vals[(round(ts[k0 + 3], 6), 1)] == g[k0 + 3, 1]


@pytest.mark.parametrize("kind,fixed,other", [("FixedPreNum", "post", "pre"),
                                               ("FixedPostNum", "pre", "post")])
def test_fixed_num_connectors(kind, fixed, other, adex_run, write_config,
                              workdir, show):
    """FixedPreNum(num): every post neuron gets num distinct pre neurons;
    FixedPostNum(num): every pre neuron reaches num distinct post neurons
    (the config once took both for FixedPostNum)."""
    cfg = {"duration": 1, "dt": 0.1,
           "populations": [{"name": "A", "size": 40}, {"name": "B", "size": 25}],
           "projections": [{"name": "P", "pre": "A", "post": "B",
                            "model": "ExpCUBA", "save_synapses": True,
                            "conn": {"kind": kind, "num": 3, "seed": 5}}],
           "out": "o.h5"}
    r = adex_run(write_config(cfg))
    assert r.returncode == 0, show(r)
    with h5py.File(str(workdir / "o.h5"), "r") as f:
        s = f["P/synapses"]
        fixed_ids, other_ids = s[fixed][()], s[other][()]
    n_fixed = 25 if fixed == "post" else 40
    counts = np.bincount(fixed_ids, minlength=n_fixed)
    assert list(counts) == [3] * n_fixed
    for i in range(n_fixed):
        assert len(set(other_ids[fixed_ids == i])) == 3


def test_save_synapses(adex_run, write_config, workdir, show):
    """save_synapses writes /<name>/synapses/pre, post, weight, delay: for
    IJ in the order given, for FixedProb every synapse once."""
    cfg = one_spike("DeltaSynapse", {"conn": {"kind": "IJ", "i": [0, 0],
                                              "j": [1, 0]},
                                     "save_synapses": True, "delay": 0.3})
    del cfg["projections"][0]["g_max"], cfg["projections"][0]["tau"]
    cfg["projections"][0]["weights"] = [1.5, 2.5]
    cfg["record"] = {}
    r = adex_run(write_config(cfg))
    assert r.returncode == 0, show(r)
    with h5py.File(str(workdir / "o.h5"), "r") as f:
        s = f["P/synapses"]
        assert list(s["pre"]) == [0, 0] and list(s["post"]) == [1, 0]
        assert list(s["weight"]) == [1.5, 2.5]
        np.testing.assert_allclose(s["delay"][()], [0.3, 0.3])
    cfg = coba(10)
    cfg["projections"][0]["save_synapses"] = True
    r = adex_run(write_config(cfg), timeout=120)
    assert r.returncode == 0, show(r)
    with h5py.File(str(workdir / "coba_adex.h5"), "r") as f:
        pre = f["E2E/synapses/pre"][()]
        post = f["E2E/synapses/post"][()]
        assert len(pre) == f["E2E"].attrs["synapses"]
        assert len(set(zip(pre, post))) == len(pre)
        assert pre.max() < 3200 and post.max() < 3200
        assert np.all(np.diff(pre) >= 0)  # by pre neuron


@pytest.mark.parametrize("edit,needles", [
    (lambda c: c["record"].update(P=["h"]),
     ["record.P", "ExpCUBA has no variable \"h\"", "it has: g"]),
    (lambda c: c.update(out="o.npy"), ["projection variables", ".npy"]),
    (lambda c: (c["projections"][0].update(save_synapses=True),
                c.update(out="o.csv")),
     ["projections[0].save_synapses", ".h5"]),
    (lambda c: c["record"].update(P={"vars": ["g", "g"]}),
     ["record.P.vars[1]", "twice"]),
    (lambda c: c["record"].update(Q=["g"]),
     ["record.Q", "no population or projection"]),
])
def test_bad_projection_records_refused(edit, needles, adex_run, write_config,
                                        workdir, show, expect_usage_error):
    cfg = one_spike()
    edit(cfg)
    r = adex_run(write_config(cfg))
    expect_usage_error(r, show, *needles)
    assert not any(workdir.glob("o.*"))


def sheet(conn, size=(5, 8)):
    """A 2-D population connected to itself by `conn`, synapses saved."""
    return {"duration": 1.0, "dt": 0.1,
            "populations": [{"name": "E", "size": list(size)}],
            "projections": [{"name": "P", "pre": "E", "post": "E",
                             "model": "ExpCUBA", "conn": conn,
                             "save_synapses": True}],
            "out": "o.h5"}


def saved_pairs(workdir):
    with h5py.File(str(workdir / "o.h5"), "r") as f:
        return f["P/synapses/pre"][()], f["P/synapses/post"][()]


@pytest.mark.parametrize("kind,N,inside", [("GridFour", None, 4),
                                          ("GridEight", None, 8),
                                          ("GridN", 2, 24)])
def test_grid_connectors(kind, N, inside, adex_run, write_config, workdir,
                         show):
    """BrainPy's grids on the population's 2-D shape (row-major): each
    neuron reaches the neighbours inside the grid, itself never (default);
    a neuron far from the edges has 4, 8 or 24."""
    conn = {"kind": kind}
    if N is not None:
        conn["N"] = N
    r = adex_run(write_config(sheet(conn, (7, 9))))
    assert r.returncode == 0, show(r)
    pre, post = saved_pairs(workdir)
    dr = np.abs(pre // 9 - post // 9)
    dc = np.abs(pre % 9 - post % 9)
    n = 1 if N is None else N
    if kind == "GridFour":
        assert np.all(dr + dc == 1)
    else:
        assert np.all(np.maximum(dr, dc) <= n) and np.all(dr + dc > 0)
    counts = np.bincount(pre, minlength=63)
    assert counts[3 * 9 + 4] == inside
    want = 0
    for i in range(63):
        for j in range(63):
            a, b = abs(i // 9 - j // 9), abs(i % 9 - j % 9)
            want += (a + b == 1) if kind == "GridFour" else \
                (0 < max(a, b) <= n)
    assert len(pre) == want


def test_gaussian_prob_equals_python(adex_run, write_config, workdir, show):
    """GaussianProb (sigma, periodic_boundary, seed) draws the same synapses
    in adex run as adex.conn.GaussianProb in Python: one library."""
    conn = {"kind": "GaussianProb", "sigma": 1.5, "periodic_boundary": True,
            "seed": 9, "include_self": False}
    r = adex_run(write_config(sheet(conn)))
    assert r.returncode == 0, show(r)
    pre, post = saved_pairs(workdir)
    assert len(pre) > 40 and np.all(pre != post)
    pytest.importorskip("numpy")
    import sys
    sys.path.insert(0, str(REPO / "python"))
    import adex
    m = adex.conn.GaussianProb(1.5, periodic_boundary=True, seed=9,
                               include_self=False)((5, 8), (5, 8))
    ppre, ppost = m.require("pre_ids", "post_ids")
    assert np.array_equal(ppre, pre) and np.array_equal(ppost, post)


def test_file_connector(adex_run, write_config, workdir, show):
    """The "file" connector: pairs (pre, post) from a CSV (with or without
    a header) or an (n, 2) integer .npy, relative to the config's folder,
    kept in the order of the file."""
    (workdir / "pairs.csv").write_text("pre,post\n3,1\n0,39\n3,0\n")
    r = adex_run(write_config(sheet({"kind": "file", "path": "pairs.csv"})))
    assert r.returncode == 0, show(r)
    pre, post = saved_pairs(workdir)
    assert list(pre) == [3, 0, 3] and list(post) == [1, 39, 0]
    np.save(str(workdir / "pairs.npy"), np.array([[5, 6], [7, 8]],
                                                 dtype=np.int64))
    r = adex_run(write_config(sheet({"kind": "file", "path": "pairs.npy"})))
    assert r.returncode == 0, show(r)
    pre, post = saved_pairs(workdir)
    assert list(pre) == [5, 7] and list(post) == [6, 8]


@pytest.mark.parametrize("conn,needles", [
    ({"kind": "GaussianProb", "sigma": 0}, ["conn.sigma", "> 0"]),
    ({"kind": "GaussianProb"}, ["conn", "sigma"]),
    ({"kind": "GaussianProb", "sigma": 1, "encoding_values": [2, 1]},
     ["conn.encoding_values", "min < max"]),
    ({"kind": "GridN", "N": -1}, ["conn.N", ">= 0"]),
    ({"kind": "GridFour", "N": 2}, ["conn", "unknown key"]),
    ({"kind": "file", "path": "nope.csv"}, ["conn.path", "cannot open"]),
    ({"kind": "file", "path": "bad.csv"}, ["conn.path", "pre,post"]),
    ({"kind": "file", "path": "big.csv"}, ["projections[0]", "out of range"]),
    ({"kind": "Ring"}, ["conn.kind", "GaussianProb", "GridFour", "file"]),
])
def test_bad_new_connectors_refused(conn, needles, adex_run, write_config,
                                    workdir, show, expect_usage_error):
    (workdir / "bad.csv").write_text("0,1\n2;3\n")
    (workdir / "big.csv").write_text("0,1\n0,40\n")
    r = adex_run(write_config(sheet(conn)))
    expect_usage_error(r, show, *needles)
    assert not (workdir / "o.h5").exists()


def test_grid_needs_one_size(adex_run, write_config, workdir, show,
                             expect_usage_error):
    cfg = sheet({"kind": "GridFour"})
    cfg["populations"].append({"name": "F", "size": 10})
    cfg["projections"][0]["post"] = "F"
    r = adex_run(write_config(cfg))
    expect_usage_error(r, show, "projections[0]", "one size")
