#!/usr/bin/python3
"""COBA-AdEx through Python's DSRunner against the same network through
`adex run`: the cost of the Python front end over the library's engine.

- Python: the BrainPy script (adex.dyn, examples/coba_network.py's
  network) with spike monitors of E and I, `runner.run(1000.)`; reported
  is DSRunner's own wall time (what BrainPy's run() returns: the run,
  after the network is built and its synapses drawn; not the
  interpreter's start or the import), first and continued.
- CLI: `adex run examples/coba_adex.json` (spikes of E and I to an .h5
  file), the whole process, and its simulation as it reports with -v.

Best of --repeat for each. Usage: bench/coba_dsrunner.py
[--adex build/adex] [--repeat 5] [--duration 1000] [--dtype float64]
(float32: the populations in float32 in both). Writes only into a
temporary directory.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, "python"))


def python_run(duration, dtype="float64"):
    import adex as bp
    pars = dict(V_rest=-60., V_reset=-60., V_th=-30., V_T=-50., delta_T=2.,
                a=1., b=1., tau=20., tau_w=30., tau_ref=5., dtype=dtype)
    E = bp.dyn.AdExIF(3200, V_initializer=bp.init.Uniform(-60., -50., seed=1),
                      **pars)
    I = bp.dyn.AdExIF(800, V_initializer=bp.init.Uniform(-60., -50., seed=2),
                      **pars)
    syn = [bp.dyn.ExpCOBA(E, E, bp.conn.FixedProb(0.02, seed=1), g_max=0.6, tau=5., E=0.),
           bp.dyn.ExpCOBA(E, I, bp.conn.FixedProb(0.02, seed=2), g_max=0.6, tau=5., E=0.),
           bp.dyn.ExpCOBA(I, E, bp.conn.FixedProb(0.02, seed=3), g_max=6.7, tau=10., E=-80.),
           bp.dyn.ExpCOBA(I, I, bp.conn.FixedProb(0.02, seed=4), g_max=6.7, tau=10., E=-80.)]
    net = bp.dyn.Network(*syn, E=E, I=I)
    runner = bp.dyn.DSRunner(net, monitors=['E.spike', 'I.spike'],
                             inputs=[('E.input', 20.), ('I.input', 20.)],
                             dt=0.1, progress_bar=False)
    wall = runner.run(duration)
    t0 = time.perf_counter()
    runner.run(duration)  # the built network continued: the loop alone
    loop = time.perf_counter() - t0
    spikes = int(runner.mon['E.spike'].sum() + runner.mon['I.spike'].sum())
    return wall, loop, spikes


def cli_run(adex, duration, workdir, dtype="float64"):
    cfg = json.load(open(os.path.join(REPO, "examples", "coba_adex.json")))
    cfg["duration"] = duration
    cfg["out"] = os.path.join(workdir, "coba.h5")
    path = os.path.join(workdir, "coba.json")
    json.dump(cfg, open(path, "w"))
    t0 = time.perf_counter()
    r = subprocess.run([adex, "run", "-q", "--dtype", dtype, path],
                       capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if r.returncode != 0:
        sys.exit("adex run failed: " + r.stderr)
    return wall


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--adex", default=os.path.join(REPO, "build", "adex"))
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--duration", type=float, default=1000.0)
    ap.add_argument("--dtype", choices=("float64", "float32"),
                    default="float64")
    args = ap.parse_args()
    os.environ.setdefault("ADEX_LIBRARY", os.path.join(
        os.path.dirname(os.path.abspath(args.adex)), "libadex.so"))
    workdir = tempfile.mkdtemp(prefix="adex-coba-dsrunner-")
    py = [python_run(args.duration, args.dtype) for _ in range(args.repeat)]
    cli = [cli_run(args.adex, args.duration, workdir, args.dtype)
           for _ in range(args.repeat)]
    wall = min(p[0] for p in py)
    loop = min(p[1] for p in py)
    best_cli = min(cli)
    print("COBA-AdEx, %.0f ms simulated, %s, best of %d"
          % (args.duration, args.dtype, args.repeat))
    print("DSRunner.run, first:           %.3f s   (%d spikes in it)"
          % (wall, py[0][2]))
    print("DSRunner.run, continued:       %.3f s" % loop)
    print("adex run, whole process:       %.3f s" % best_cli)
    print("DSRunner / adex run: %.2f (first run), %.2f (continued)"
          % (wall / best_cli, loop / best_cli))


if __name__ == "__main__":
    main()
