"""Networks from Python (adex.dyn, adex.conn) over the library's engine:
BrainPy's API, the synapse equations against numpy written here, delays,
connectors, runner conventions, state files."""

import math

import numpy as np
import pytest

import adex as bp

KW = dict(V_rest=-60., V_reset=-60., V_T=-50., delta_T=2., tau=20.,
          tau_w=30., a=1., b=1., V_th=-30.)


def coba(seed=1, names=(None,) * 7, dtype="float64"):
    E = bp.dyn.AdExIF(3200, V_initializer=bp.init.Uniform(-60., -50., seed=seed),
                      tau_ref=5., name=names[0], dtype=dtype, **KW)
    I = bp.dyn.AdExIF(800, V_initializer=bp.init.Uniform(-60., -50., seed=seed + 1),
                      tau_ref=5., name=names[1], dtype=dtype, **KW)
    syn = [bp.dyn.ExpCOBA(E, E, bp.conn.FixedProb(0.02, seed=1), g_max=0.6, tau=5., E=0., name=names[2]),
           bp.dyn.ExpCOBA(E, I, bp.conn.FixedProb(0.02, seed=2), g_max=0.6, tau=5., E=0., name=names[3]),
           bp.dyn.ExpCOBA(I, E, bp.conn.FixedProb(0.02, seed=3), g_max=6.7, tau=10., E=-80., name=names[4]),
           bp.dyn.ExpCOBA(I, I, bp.conn.FixedProb(0.02, seed=4), g_max=6.7, tau=10., E=-80., name=names[5])]
    return bp.dyn.Network(*syn, E=E, I=I, name=names[6]), E, I, syn


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_coba_adex_script(dtype):
    """The BrainPy script of the COBA-AdEx benchmark, import changed only:
    Brian2 and NEST give 12-13 Hz on this network. float32 populations
    (BrainPy's default precision) too."""
    net, E, I, syn = coba(dtype=dtype)
    assert E.V.dtype == np.dtype(dtype)
    runner = bp.dyn.DSRunner(net, monitors=['E.spike', 'I.spike'],
                             inputs=[('E.input', 20.), ('I.input', 20.)], dt=0.1)
    runner.run(400.)
    sp = runner.mon['E.spike'][2000:]  # 200-400 ms
    rate = sp.sum() / (3200 * 0.2)
    assert 10.0 < rate < 16.0, rate
    assert runner.mon['E.spike'].shape == (4000, 3200)
    # mon.ts: the time each row belongs to, the end of its step (BrainPy)
    np.testing.assert_allclose(runner.mon.ts[:3], [0.1, 0.2, 0.3])
    # BrainPy: absolute keys by the objects' names, relative by the paths
    assert {E.name + '.V', I.name + '.w', syn[0].name + '.g'} <= set(net.vars())
    assert {'E.V', 'I.w', syn[0].name + '.g'} <= set(net.vars(method='relative'))
    assert net.E is E and getattr(net, syn[1].name) is syn[1]
    assert syn[0].g.dtype == np.float64  # the synapses' state: float64


def test_exp_coba_against_numpy():
    """ExpCOBA from a SpikeTimeGroup through IJ pairs with per-synapse
    weights and delay_step: V of the target against the same neuron driven
    by g computed here."""
    dt, tau, Erev = 0.1, 4.0, -75.0
    times = [0.0, 1.0, 1.0, 2.5, 4.0]
    idx = [0, 1, 0, 1, 0]
    src = bp.dyn.SpikeTimeGroup(2, indices=idx, times=times)
    post = bp.dyn.AdExIF(3, V_initializer=bp.init.Constant(-60.))
    hand = bp.dyn.AdExIF(3, V_initializer=bp.init.Constant(-60.))
    i, j, w = [0, 1, 1, 0], [0, 1, 2, 2], np.array([1.5, 3.0, 0.75, 0.5])
    syn = bp.dyn.ExpCOBA(src, post, (np.array(i), np.array(j)), g_max=w,
                         tau=tau, E=Erev, delay_step=1)
    runner = bp.dyn.DSRunner(bp.dyn.Network(syn, src=src, post=post),
                             monitors=['post.V'], dt=dt)
    runner.run(8.0)
    # by hand: delay_step=1 acts 3 steps after the spike's step
    steps = 80
    g = np.zeros(3)
    arrive = np.zeros((steps + 10, 3))
    for t_s, n in zip(times, idx):
        k_s = int(round(t_s / dt))  # the step that starts at t_s
        for s in range(4):
            if i[s] == n:
                arrive[k_s + 3, j[s]] += w[s]
    Vh = []
    for k in range(steps):
        g = g * np.exp(-dt / tau) + arrive[k]
        hand.input += g * (Erev - hand.V)
        hand.update(k * dt, dt)
        Vh.append(hand.V.copy())
    np.testing.assert_allclose(runner.mon['post.V'], np.array(Vh), rtol=1e-12)
    assert np.abs(np.array(Vh)[-1] + 60.0).max() > 0.5  # the synapses acted


@pytest.mark.parametrize("d", [None, 0, 3])
def test_delay_step_lands_on_its_step(d):
    src = bp.dyn.SpikeTimeGroup(1, indices=[0], times=[0.0])
    post = bp.dyn.AdExIF(1, V_initializer=bp.init.Constant(-65.))
    syn = bp.dyn.ExpCUBA(src, post, bp.conn.One2One(), g_max=1.0, delay_step=d)
    runner = bp.dyn.DSRunner(bp.dyn.Network(syn, src=src, post=post),
                             monitors={'g': syn.name + '.g'}, dt=0.1)
    runner.run(1.0)
    first = int(np.argmax(runner.mon['g'][:, 0] > 0))
    assert first == (1 if d is None else d + 2)


def test_delay_in_ms_and_both_refused():
    src = bp.dyn.SpikeTimeGroup(1, indices=[0], times=[0.0])
    post = bp.dyn.AdExIF(1, V_initializer=bp.init.Constant(-65.))
    syn = bp.dyn.ExpCUBA(src, post, bp.conn.One2One(), delay=0.5)
    runner = bp.dyn.DSRunner(bp.dyn.Network(syn, src=src, post=post),
                             monitors={'g': syn.name + '.g'}, dt=0.1)
    runner.run(1.0)
    assert int(np.argmax(runner.mon['g'][:, 0] > 0)) == 5
    with pytest.raises(ValueError):
        bp.dyn.ExpCUBA(src, post, bp.conn.One2One(), delay=0.5, delay_step=2)
    # a spike source belongs to one network
    other = bp.dyn.ExpCUBA(src, post, bp.conn.One2One())
    with pytest.raises(ValueError, match="one network"):
        bp.dyn.DSRunner(bp.dyn.Network(other, src=src, post=post), dt=0.1).run(1.)
    src2 = bp.dyn.SpikeTimeGroup(1, indices=[0], times=[0.0])
    bad = bp.dyn.ExpCUBA(src2, post, bp.conn.One2One(), delay=0.25)
    with pytest.raises(bp.RangeError, match="multiple of dt"):
        bp.dyn.DSRunner(bp.dyn.Network(bad, src=src2, post=post), dt=0.1).run(1.)


def test_connectors_require():
    c = bp.conn.FixedPreNum(7, include_self=False, seed=3)(50, 40)
    pre, post = c.require('pre_ids', 'post_ids')
    assert pre.size == 7 * 40
    assert np.all(np.bincount(post, minlength=40) == 7)
    mat = c.require('conn_mat')
    assert mat.shape == (50, 40) and mat.sum() == 280
    indices, indptr = c.require('pre2post')
    assert indptr[-1] == 280 and np.all(np.diff(indptr) >= 0)
    p = bp.conn.FixedProb(0.1, seed=5)(200, 300).require('conn_mat').mean()
    assert abs(p - 0.1) < 5 * np.sqrt(0.1 * 0.9 / 60000)
    a = bp.connect.FixedProb(0.1, seed=5)(200, 300).require('conn_mat')
    b = bp.conn.FixedProb(0.1, seed=5)(200, 300).require('conn_mat')
    assert np.array_equal(a, b)
    with pytest.raises(ValueError):
        bp.conn.FixedProb(1.5)


# FixedProb's draws as docs/networks.md writes them, in Python's own
# integers and floats (math.log1p is the C library's): SplitMix64, the
# post neuron's stream, geometric gaps.
M64, GAMMA = (1 << 64) - 1, 0x9E3779B97F4A7C15


def mix64(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


def fixed_prob_pairs(prob, seed, P, Q, exclude_self=False):
    log_q = math.log1p(-prob)
    key = seed ^ ((0x70726F62 * GAMMA) & M64)
    pairs = []
    for j in range(Q):
        stream = mix64((key + (j + 1) * GAMMA) & M64)
        i, m = 0, 0
        while i < P:
            m += 1
            u = (mix64((stream + m * GAMMA) & M64) >> 11) * 2.0 ** -53
            gap = math.floor(math.log1p(-u) / log_q)
            if gap >= P - i:
                break
            i += gap
            if not (exclude_self and i == j):
                pairs.append((i, j))
            i += 1
    return sorted(pairs)  # synapse order: by pre, then by post


@pytest.mark.parametrize("prob,seed,P,Q", [(0.1, 5, 200, 300),
                                           (0.5, 2 ** 63 + 12345, 57, 90),
                                           (0.003, 0, 1000, 400)])
def test_fixed_prob_pairs_are_the_documented_draws(prob, seed, P, Q):
    pre, post = bp.conn.FixedProb(prob, seed=seed)(P, Q).require(
        'pre_ids', 'post_ids')
    assert list(zip(pre.tolist(), post.tolist())) == \
        fixed_prob_pairs(prob, seed, P, Q)


def test_fixed_prob_without_self_is_the_documented_draws():
    a = bp.dyn.AdExIF(120, V_initializer=bp.init.Constant(-65.))
    syn = bp.dyn.ExpCOBA(a, a, bp.conn.FixedProb(0.2, include_self=False,
                                                 seed=77))
    bp.dyn.DSRunner(bp.dyn.Network(syn, a=a), dt=0.1,
                    progress_bar=False).run(0.1)
    pre, post, _, _ = syn.synapses()
    expected = fixed_prob_pairs(0.2, 77, 120, 120, exclude_self=True)
    assert list(zip(pre.tolist(), post.tolist())) == expected
    assert all(i != j for i, j in expected)


def test_conn_as_matrix_and_network_order():
    a = bp.dyn.AdExIF(3, V_initializer=bp.init.Constant(-65.))
    b = bp.dyn.AdExIF(2, V_initializer=bp.init.Constant(-65.))
    m = np.array([[1, 0], [0, 1], [1, 1]], dtype=bool)
    syn = bp.dyn.DeltaSynapse(a, b, m, weights=2.0)
    net = bp.dyn.Network(syn, a=a, b=b)
    bp.dyn.DSRunner(net, dt=0.1).run(0.1)
    pre, post, w, d = syn.synapses()
    assert list(zip(pre, post)) == [(0, 0), (1, 1), (2, 0), (2, 1)]
    assert np.all(w == 2.0) and np.allclose(d, 0.1)
    syn2 = bp.dyn.ExpCUBA(a, b, bp.conn.All2All())
    with pytest.raises(bp.NotSupportedError, match="projections before"):
        bp.dyn.DSRunner(bp.dyn.Network(a, syn2, b=b), dt=0.1).run(0.1)


def test_steps_follow_numpy_arange():
    """The steps of run(duration) are np.arange(start, start + duration, dt),
    as BrainPy's DSRunner; a second run continues the time."""
    p = bp.dyn.AdExIF(2, V_initializer=bp.init.Constant(-65.))
    runner = bp.dyn.DSRunner(bp.dyn.Network(p=p), monitors=['p.V'], dt=0.1)
    runner.run(1.04)
    assert runner.mon['p.V'].shape[0] == np.arange(0, 1.04, 0.1).size == 11
    runner.run(0.5)
    np.testing.assert_allclose(runner.mon.ts, np.arange(1.1, 1.6, 0.1) + 0.1)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_network_state_files_continue_exactly(tmp_path, dtype):
    def build():  # state files key by names: the same ones each time
        net, E, I, syn = coba(seed=7, names=("E", "I", "EE", "EI", "IE", "II", "net"),
                              dtype=dtype)
        return net, E
    import gc
    gc.collect()  # the names of an earlier case's network are free again
    net, E = build()
    r = bp.dyn.DSRunner(net, inputs=[('E.input', 20.), ('I.input', 20.)], dt=0.1)
    r.run(50.)
    net.save_states(tmp_path / "net.h5")
    r.run(30.)
    V_ref = E.V.copy()
    del r, net, E
    gc.collect()
    net, E = build()
    r = bp.dyn.DSRunner(net, inputs=[('E.input', 20.), ('I.input', 20.)], dt=0.1)
    r.run(0.3)  # built, and moved on: the load must undo it
    net.load_states(tmp_path / "net.h5")
    r.run(30.)
    assert E.V.dtype == np.dtype(dtype) and np.array_equal(E.V, V_ref)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_loop_in_c_equals_the_python_loop(dtype):
    """Inputs that are numbers, arrays per neuron or rows per step run the
    whole loop in C; a 'func' input runs it in Python: the same bits."""
    def once(func):
        src = bp.dyn.PoissonGroup(40, freqs=300., seed=3)
        p = bp.dyn.AdExIF(10, V_initializer=bp.init.Uniform(-70., -55., seed=4),
                          dtype=dtype)
        syn = bp.dyn.DualExpCOBA(src, p, bp.conn.FixedProb(0.3, seed=5), g_max=0.3,
                                 delay_step=1, name="S")
        rows = np.linspace(0., 2., 50 * 10).reshape(50, 10)
        inputs = [('p.input', np.arange(10.) * 0.5), ('p.input', rows, 'iter')]
        inputs.append(('p.input', (lambda t, dt: 8.0), 'func') if func
                      else ('p.input', 8.0))
        r = bp.dyn.DSRunner(bp.dyn.Network(syn, src=src, p=p), dt=0.1,
                            monitors=['p.V', ('p.w', [9, 0]), 'src.spike',
                                      ('S.g', [1, 2])],
                            inputs=inputs)
        r.run(5.0)
        out = {k: v.copy() for k, v in r.mon.items()}
        del r, syn, src, p
        import gc
        gc.collect()  # the name "S" is free again
        return out
    a, b = once(False), once(True)
    assert a.keys() == b.keys()
    for k in a:
        assert a[k].tobytes() == b[k].tobytes(), k
    assert a['src.spike'].any() and np.ptp(a['p.V']) > 1.0


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_threads_give_the_same_bits_through_dsrunner(dtype):
    """DSRunner's loop in C on 2 threads (one team of threads for the run,
    each its part of E and I) gives the rows and the state of 1 thread,
    over a run and its continuation."""
    def once(threads):
        E = bp.dyn.AdExIF(3200, V_initializer=bp.init.Uniform(-60., -50., seed=1),
                          tau_ref=5., threads=threads, dtype=dtype, **KW)
        I = bp.dyn.AdExIF(800, V_initializer=bp.init.Uniform(-60., -50., seed=2),
                          tau_ref=5., threads=threads, dtype=dtype, **KW)
        w = 0.5 + 0.2 * np.random.default_rng(7).random(3200 * 64)
        syn = [bp.dyn.ExpCOBA(E, E, bp.conn.FixedPreNum(64, seed=1), g_max=w, tau=5., E=0.),
               bp.dyn.ExpCOBA(E, I, bp.conn.FixedProb(0.02, seed=2), g_max=0.6, tau=5., E=0.),
               bp.dyn.ExpCOBA(I, E, bp.conn.FixedProb(0.02, seed=3), g_max=6.7, tau=10., E=-80.),
               bp.dyn.ExpCOBA(I, I, bp.conn.FixedProb(0.02, seed=4), g_max=6.7, tau=10., E=-80.)]
        net = bp.dyn.Network(*syn, E=E, I=I)
        r = bp.dyn.DSRunner(net, monitors=['E.spike', ('E.V', [0, 1599, 1600, 3199]), 'I.w'],
                            inputs=[('E.input', 20.), ('I.input', 20.)], dt=0.1,
                            progress_bar=False)
        r.run(150.)
        first = {k: v.copy() for k, v in r.mon.items()}
        r.run(50.)
        return first, {k: v.copy() for k, v in r.mon.items()}, E.V.copy(), I.w.copy()
    one, two = once(1), once(2)
    for a, b in zip(one[:2], two[:2]):
        assert a.keys() == b.keys()
        for k in a:
            assert a[k].tobytes() == b[k].tobytes(), k
    assert one[2].tobytes() == two[2].tobytes()
    assert one[3].tobytes() == two[3].tobytes()
    assert one[0]['E.spike'][1000:].sum() > 1000


def test_inputs_as_brainpy():
    """adex.inputs: BrainPy's step counts (floor for sections, ceil for
    ramps), a whole number of steps counted as such (20/0.1 is 200)."""
    a = bp.inputs.section_input([0., 1., 2.], [20., 60., 20.], dt=0.1)
    assert a.shape == (1000,) and a[199] == 0 and a[200] == 1 and a[-1] == 2
    b, length = bp.inputs.section_input([np.ones(3), 2.], [0.25, 0.2], dt=0.1,
                                        return_length=True)
    assert b.shape == (4, 3) and length == pytest.approx(0.45)
    r = bp.inputs.ramp_input(0., 10., 10., t_start=2., t_end=7., dt=0.1)
    assert r.shape == (100,) and r[19] == 0 and r[20] == 0 and r[69] == 10
    np.testing.assert_allclose(r[20:70], np.linspace(0, 10, 50))
    c, length = bp.inputs.constant_input([(1., 5.), (3., 2.)], dt=0.5)
    assert list(c) == [1.] * 10 + [3.] * 4 and length == 7.0
    s = bp.inputs.spike_input([1., 3.], 0.5, [2., 4.], 5., dt=0.1)
    assert s[10:15].tolist() == [2.] * 5 and s[30:35].tolist() == [4.] * 5
    assert s.sum() == pytest.approx(30.0)
    ou = bp.inputs.ou_process(1.0, 0.5, 10., 2000., dt=0.1, n=2, seed=1)
    assert ou.shape == (20000, 2)
    assert abs(ou[5000:].mean() - 1.0) < 0.2
    # stationary sd sigma sqrt(tau/2)
    assert ou[5000:].std() == pytest.approx(0.5 * np.sqrt(5.0), rel=0.2)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_example_script_runs(tmp_path, dtype):
    """examples/coba_network.py, the BrainPy script on adex, runs (short)
    and writes its figure."""
    import subprocess
    import sys
    from conftest import REPO, child_env
    out = tmp_path / "c.png"
    r = subprocess.run([sys.executable, str(REPO / "examples" / "coba_network.py"),
                        "--duration", "100", "--dtype", dtype, "--out", str(out)],
                       env=child_env(), capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stderr
    assert "(%s): E " % dtype in r.stdout and out.stat().st_size > 1000


def _example(tmp_path, script, *args):
    """Runs examples/<script> with args; returns its standard output."""
    import subprocess
    import sys
    from conftest import REPO, child_env
    out = tmp_path / (script + ".png")
    r = subprocess.run([sys.executable, str(REPO / "examples" / script),
                        *args, "--out", str(out)],
                       env=child_env(), capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stderr
    assert out.stat().st_size > 1000
    return r.stdout


def test_example_cuba_network(tmp_path):
    """examples/cuba_network.py: the CUBA network sustains irregular
    activity at a few Hz with no external input (its rest is above V_T),
    E and I at similar rates."""
    out = _example(tmp_path, "cuba_network.py", "--duration", "200")
    fields = out.split()
    rate_e = float(fields[fields.index("E") + 1])
    rate_i = float(fields[fields.index("I") + 1])
    assert 0.5 < rate_e < 50 and 0.5 < rate_i < 50
    assert rate_i == pytest.approx(rate_e, rel=0.5)


def test_example_poisson_population(tmp_path):
    """examples/poisson_population.py: silence without input, and an
    output rate that grows with the sources' rate once above threshold."""
    out = _example(tmp_path, "poisson_population.py", "--duration", "200")
    pairs = [(float(l.split()[1]), float(l.split()[5]))
             for l in out.splitlines() if l.startswith("input")]
    assert len(pairs) == 13 and pairs[0] == (0.0, 0.0)
    outs = [o for _, o in pairs]
    assert outs[-1] > 20.0
    assert all(b >= a for a, b in zip(outs[4:], outs[5:]))


def test_example_synapse_models(tmp_path):
    """examples/synapse_models.py: every synapse model moves the post
    neurons' V the way its sign says (GABAa down, the others up), by a few
    mV, without a spike."""
    out = _example(tmp_path, "synapse_models.py", "--duration", "200")
    lines = [l for l in out.splitlines() if "peak PSP" in l]
    assert len(lines) == 11
    for l in lines:
        f = l.split()
        psp, spikes = float(f[3]), int(f[6])
        assert spikes == 0, l
        if f[0] == "GABAa":
            assert -10.0 < psp < -0.5, l
        else:
            assert 0.5 < psp < 20.0, l


@pytest.mark.parametrize("model", ["DeltaSynapse", "ExpCUBA", "ExpCOBA",
                                   "DualExpCOBA", "NMDA"])
def test_dense_equals_sparse_and_the_matrix_product(model):
    """conn_type='dense' (BrainPy: the spike vector times the weighted
    connection matrix) gives the bits of 'sparse'; one step of arrivals
    into DeltaSynapse equals that matrix product, computed here."""
    def run(conn_type):
        pre = bp.dyn.AdExIF(6, V_initializer=bp.init.Constant(-65.), **KW)
        post = bp.dyn.AdExIF(5, V_initializer=bp.init.Constant(-65.), **KW)
        w = "weights" if model == "DeltaSynapse" else "g_max"
        syn = getattr(bp.dyn, model)(pre, post, bp.conn.FixedProb(0.5, seed=3),
                                     conn_type=conn_type, **{w: 0.7})
        net = bp.dyn.Network(syn, pre=pre, post=post)
        r = bp.dyn.DSRunner(net, monitors=["post.V"], inputs=[("pre.input", 30.)],
                            dt=0.1, progress_bar=False)
        r.run(30.)
        return r.mon["post.V"], syn, pre
    V_sparse, syn, _ = run("sparse")
    V_dense, _, _ = run("dense")
    assert np.array_equal(V_sparse.view(np.uint64), V_dense.view(np.uint64))
    assert np.ptp(V_sparse) > 0.1
    if model == "DeltaSynapse":
        # the pre neurons are identical: they all fire in the same step, and
        # the post neurons' V jumps by the column sums of the weighted
        # matrix (in-degree 0 gives no jump)
        pre_i, post_j, w, _ = syn.synapses()
        mat = np.zeros((6, 5))
        mat[pre_i, post_j] = w
        jumps = np.diff(V_sparse, axis=0)
        k = int(np.argmax(np.abs(jumps).max(axis=1)))
        np.testing.assert_allclose(jumps[k], np.ones(6) @ mat, atol=0.05)


def test_grid_and_gaussian_connectors():
    """adex.conn.GridFour/GridEight/GridN and GaussianProb with BrainPy's
    parameters: grid neighbour counts on a 2-D shape (interior 4, 8, 24;
    corners 2, 3, 8), no self pairs by default; GaussianProb keeps the
    diagonal with include_self (probability 1) and drops it without; a
    3-D grid and pre/post of different sizes are refused."""
    def counts(conn, shape):
        pre = conn(shape, shape).require("pre_ids")
        return np.bincount(pre, minlength=int(np.prod(shape)))
    c = counts(bp.conn.GridFour(), (5, 6))
    assert c[2 * 6 + 3] == 4 and c[0] == 2
    c = counts(bp.conn.GridEight(), (5, 6))
    assert c[2 * 6 + 3] == 8 and c[0] == 3
    c = counts(bp.conn.GridN(N=2), (5, 6))
    assert c[2 * 6 + 3] == 24 and c[0] == 8 and c[2 * 6] == 14
    assert counts(bp.conn.GridFour(include_self=True), (3, 3))[4] == 5
    m = bp.conn.GaussianProb(2.0, seed=4)(30, 30).require("conn_mat")
    assert m.diagonal().all()
    m = bp.conn.GaussianProb(2.0, seed=4, include_self=False)(30, 30) \
        .require("conn_mat")
    assert not m.diagonal().any() and m.sum() > 30
    with pytest.raises(ValueError):
        bp.conn.GaussianProb(0.0)
    with pytest.raises(ValueError, match="1-D or 2-D"):
        bp.conn.GridFour()((2, 2, 2), (2, 2, 2)).require("pre_ids")
    with pytest.raises(ValueError, match="one size"):
        bp.conn.GridFour()(4, 5).require("pre_ids")
