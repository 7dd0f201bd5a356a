"""The state attributes are numpy views of C memory: live both ways,
assignable in place, shaped by keep_size, and never dangling."""

import gc
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import adex
from conftest import child_env


def test_views_share_memory_with_C(pops):
    pop = pops(4, V_initializer=adex.init.Constant(-65.0))
    V = pop.V
    assert V is pop.V  # one view per variable
    assert V.dtype == np.float64 and V.shape == (4,)
    assert V.flags.c_contiguous and V.flags.writeable
    # numpy -> C: a write through the view is what the next update uses
    V[2] = -40.0
    assert pop.dV(pop.V, 0.0, pop.w, 0.0)[2] == pytest.approx(
        pop.dV(-40.0, 0.0, 0.0, 0.0))
    pop.input[:] = [0.0, 0.0, 0.0, 5000.0]
    pop.update(0.0, 0.1)
    # C -> numpy: the same array object sees the update
    assert V[0] != -65.0 and pop.spike[3] and not pop.spike[0]
    assert V[3] == -68.0 and pop.t_last_spike[3] == 0.0
    assert np.all(pop.input == 0.0)  # consumed by the update


def test_assignment_writes_in_place(pops):
    pop = pops(3)
    V = pop.V
    pop.V = -70.0  # a scalar is broadcast
    assert np.all(V == -70.0) and pop.V is V
    pop.V = np.array([-60.0, -61.0, -62.0])
    assert list(V) == [-60.0, -61.0, -62.0]
    pop.w = [1, 2, 3]  # ints are converted
    assert pop.w.dtype == np.float64 and list(pop.w) == [1.0, 2.0, 3.0]
    pop.spike = [True, False, True]
    assert pop.spike.tolist() == [True, False, True]
    pop.input = 5
    assert np.all(pop.input == 5.0)
    with pytest.raises(ValueError, match="shape"):
        pop.V = np.zeros(4)
    with pytest.raises(ValueError, match="shape"):
        pop.V = np.zeros((3, 1))
    with pytest.raises(ValueError):
        pop.V = "abc"
    with pytest.raises(ValueError):
        pop.V = np.nan
    with pytest.raises(ValueError):
        pop.spike = [2, 0, 0]
    assert list(V) == [-60.0, -61.0, -62.0]  # failed assignments change nothing


def test_keep_size_shapes(pops):
    pop = pops((2, 3, 4), keep_size=True)
    assert pop.size == (2, 3, 4) and pop.num == 24
    for key in ("V", "w", "input", "spike", "t_last_spike", "refractory"):
        assert getattr(pop, key).shape == (2, 3, 4)
    pop.V[1, 2, 3] = -50.0
    assert pop.vars()["%s.V" % pop.name].reshape(-1)[23] == -50.0
    flat = pops((2, 3))
    assert flat.V.shape == (6,) and flat.varshape == (6,)
    res = adex.run(pop, 0.5, monitors=["V"], progress=False)
    assert res["V"].shape == (5, 2, 3, 4)


def test_views_outlive_close_and_del(pops):
    pop = pops(5, V_initializer=adex.init.Constant(-65.0))
    V = pop.V
    sp = pop.spike[1:3]
    pop.close()
    gc.collect()
    # the memory is still the population's, kept alive by the views
    assert np.all(V == -65.0) and sp.shape == (2,)
    V[:] = 1.0
    assert np.all(V == 1.0)
    assert pop.closed
    with pytest.raises(adex.ClosedError):
        pop.V
    with pytest.raises(ValueError):  # ClosedError is a ValueError
        pop.update(0.0, 0.1)
    with pytest.raises(adex.ClosedError):
        adex.run(pop, 1.0)
    with pytest.raises(adex.ClosedError):
        pop.save_states("x.npz")
    pop.close()  # twice is fine


def test_name_is_released_when_the_last_view_goes():
    pop = adex.AdExIF(3, name="ViewOwner")
    V = pop.V
    del pop
    gc.collect()
    with pytest.raises(adex.UniqueNameError):  # V keeps the handle
        adex.AdExIF(3, name="ViewOwner")
    del V
    gc.collect()
    again = adex.AdExIF(3, name="ViewOwner")
    again.close()


def test_del_frees_at_once_without_the_garbage_collector():
    """No reference cycle: BrainPy users `del pop` and reuse the name."""
    gc.disable()
    try:
        pop = adex.AdExIF(3, name="Reused")
        pop.update(0.0, 0.1)
        pop.vars(), pop.nodes(), pop.derivative, pop.steps, pop.integral.f
        del pop
        again = adex.AdExIF(3, name="Reused")
        del again
        adex.AdExIF(3, name="Reused").close()
    finally:
        gc.enable()


def test_context_manager():
    with adex.AdExIF(2, name="Ctx") as pop:
        pop.update(0.0, 0.1)
    assert pop.closed
    with adex.AdExIF(2, name="Ctx"):
        pass


def test_no_crash_after_everything_is_gone():
    """Use views, closed objects and freed handles in a child process: it
    must exit normally (a segfault would show as a negative code)."""
    code = textwrap.dedent("""
        import gc, numpy as np, adex
        pop = adex.AdExIF(100)
        views = [pop.V, pop.w, pop.spike[::2], pop.V.reshape(10, 10)]
        pop.close(); del pop; gc.collect()
        for v in views:
            v[...] = 0; float(np.sum(v))
        del views; gc.collect()
        p = adex.AdExIF(10); V = p.V; p.close()
        for f in (lambda: p.update(0, .1), lambda: p.reset(),
                  lambda: p.dV(0, 0, 0, 0), lambda: p.vars(),
                  lambda: p.register_delay('d', 1, 'V'),
                  lambda: p.get_delay_data('d', 0),
                  lambda: p.load_states('x.npz'), lambda: adex.run(p, 1.)):
            try:
                f()
            except ValueError:
                pass
            else:
                raise SystemExit('no exception')
        V += 1
        print('ok')
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True,
                         text=True, timeout=60, env=child_env())
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_close_while_other_threads_use_the_population():
    """Threads updating, reading and running while another closes: each
    call either works or raises ClosedError; the process never crashes."""
    code = textwrap.dedent("""
        import threading, adex
        for trial in range(20):
            pop = adex.AdExIF(2000)
            errors = []
            def work(kind):
                for k in range(200):
                    try:
                        if kind == 0:
                            pop.update(k * 0.1, 0.1)
                        elif kind == 1:
                            adex.run(pop, 0.5, progress=False)
                        else:
                            pop.vars(); pop.dV(-65., 0., 0., 0.)
                    except adex.ClosedError:
                        return
                    except Exception as e:
                        errors.append(repr(e)); return
            ts = [threading.Thread(target=work, args=(i % 3,))
                  for i in range(3)]
            for t in ts: t.start()
            pop.close()
            for t in ts: t.join()
            assert not errors, errors
        print('ok')
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True,
                         text=True, timeout=120, env=child_env())
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.strip() == "ok"
