#!/usr/bin/python3
"""A Poisson-driven AdEx population, as a BrainPy V2.1 script on adex.

A PoissonGroup of 1000 independent sources drives 200 AdExIF neurons
through conductance-based exponential synapses (ExpCOBA, FixedPreNum: each
neuron receives 50 sources). The script sweeps the sources' rate and
draws the neurons' output rate against it (the population's transfer
curve), with the raster of one run. Each rate is one network run from a
fresh state, the whole loop in C.

Usage: PYTHONPATH=python /usr/bin/python3 examples/poisson_population.py
       [--duration 1000] [--out poisson_population.png]
"""

import argparse

import numpy as np

import adex as bp


def run(rate_hz, duration):
    """Mean output rate (Hz) and the runner, for inputs at rate_hz."""
    src = bp.dyn.PoissonGroup(1000, freqs=rate_hz, seed=7)
    pop = bp.dyn.AdExIF(200, V_rest=-70., V_reset=-58., V_th=-30.,
                        V_T=-50., delta_T=2., a=2., b=10., tau=20.,
                        tau_w=120., tau_ref=2., R=0.5,
                        V_initializer=bp.init.Uniform(-70., -60., seed=3))
    syn = bp.dyn.ExpCOBA(src, pop, bp.conn.FixedPreNum(50, seed=5),
                         g_max=0.2, tau=5., E=0.)
    net = bp.dyn.Network(syn, src=src, pop=pop)
    runner = bp.dyn.DSRunner(net, monitors=['pop.spike'], dt=0.1,
                             progress_bar=False)
    runner.run(duration)
    rate = runner.mon['pop.spike'].sum() / (200 * duration / 1000.0)
    return rate, runner


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--duration", type=float, default=1000.0, help="ms")
    ap.add_argument("--out", default="poisson_population.png")
    args = ap.parse_args()

    rates_in = np.arange(0.0, 61.0, 5.0)
    rates_out = []
    shown = None
    for r in rates_in:
        out, runner = run(float(r), args.duration)
        rates_out.append(out)
        print("input %4.0f Hz -> output %6.2f Hz" % (r, out))
        if r == 30.0:
            shown = runner

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    axes[0].plot(rates_in, rates_out, "o-")
    axes[0].set_xlabel("rate of each Poisson source (Hz)")
    axes[0].set_ylabel("output rate (Hz)")
    axes[0].set_title("transfer curve, 50 sources per neuron")
    bp.visualize.raster_plot(shown.mon.ts, shown.mon['pop.spike'], ax=axes[1],
                             markersize=1, title="sources at 30 Hz")
    fig.tight_layout()
    fig.savefig(args.out, dpi=100)
    print("figure written to", args.out)


if __name__ == "__main__":
    main()
