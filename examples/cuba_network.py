#!/usr/bin/python3
"""The CUBA E/I network (Vogels and Abbott) as a BrainPy V2.1 script, on adex.

BrainPy's current-based E/I example with ``import adex as bp``: 3200
excitatory and 800 inhibitory neurons, FixedProb(0.02), current-based
exponential synapses (ExpCUBA: g jumps by g_max at each arriving spike,
decays with tau, and is added to the post neurons' input). The benchmark's
numbers (Brette et al. 2007): membrane time constant 20 ms, rest -49 mV,
reset -60 mV, refractory 5 ms, excitatory weight 1.62 mV with tau 5 ms,
inhibitory -9 mV with tau 10 ms. The neurons are AdExIF with V_T = -50 mV
and a sharp exponential (delta_T = 0.5 mV), no adaptation (a = b = 0),
so the network is the benchmark's with a soft threshold. Draws the raster
of E and I and the population rate; writes the figure.

Usage: PYTHONPATH=python /usr/bin/python3 examples/cuba_network.py
       [--duration 1000] [--out cuba_network.png]
"""

import argparse

import numpy as np

import adex as bp


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--duration", type=float, default=1000.0, help="ms")
    ap.add_argument("--out", default="cuba_network.png")
    args = ap.parse_args()

    pars = dict(V_rest=-49., V_reset=-60., V_th=-40., V_T=-50., delta_T=0.5,
                a=0., b=0., tau=20., tau_w=30., tau_ref=5., R=1.)
    E = bp.dyn.AdExIF(3200, V_initializer=bp.init.Uniform(-60., -50., seed=1),
                      **pars)
    I = bp.dyn.AdExIF(800, V_initializer=bp.init.Uniform(-60., -50., seed=2),
                      **pars)
    E2E = bp.dyn.ExpCUBA(E, E, bp.conn.FixedProb(0.02, seed=1), g_max=1.62,
                         tau=5.)
    E2I = bp.dyn.ExpCUBA(E, I, bp.conn.FixedProb(0.02, seed=2), g_max=1.62,
                         tau=5.)
    I2E = bp.dyn.ExpCUBA(I, E, bp.conn.FixedProb(0.02, seed=3), g_max=-9.,
                         tau=10.)
    I2I = bp.dyn.ExpCUBA(I, I, bp.conn.FixedProb(0.02, seed=4), g_max=-9.,
                         tau=10.)
    net = bp.dyn.Network(E2E, E2I, I2E, I2I, E=E, I=I)
    runner = bp.dyn.DSRunner(net, monitors=['E.spike', 'I.spike'], dt=0.1)
    wall = runner.run(args.duration)
    seconds = args.duration / 1000.0
    rate_e = runner.mon['E.spike'].sum() / (3200 * seconds)
    rate_i = runner.mon['I.spike'].sum() / (800 * seconds)
    print("%.0f ms in %.2f s: E %.2f Hz, I %.2f Hz"
          % (args.duration, wall, rate_e, rate_i))

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(3, 1, figsize=(8, 7), sharex=True,
                             gridspec_kw={"height_ratios": [3, 1, 1]})
    bp.visualize.raster_plot(runner.mon.ts, runner.mon['E.spike'], ax=axes[0],
                             markersize=1, title="E (3200)")
    bp.visualize.raster_plot(runner.mon.ts, runner.mon['I.spike'], ax=axes[1],
                             markersize=1, color="C3", title="I (800)")
    spikes = np.concatenate([runner.mon['E.spike'], runner.mon['I.spike']],
                            axis=1)
    width = 5.0  # ms
    k = max(1, int(round(width / 0.1)))
    counts = spikes.sum(axis=1)
    rate = np.convolve(counts, np.ones(k) / (k * 0.1e-3 * 4000), mode="same")
    axes[2].plot(runner.mon.ts, rate, lw=0.8)
    axes[2].set_ylabel("rate (Hz)")
    axes[2].set_xlabel("time (ms)")
    fig.tight_layout()
    fig.savefig(args.out, dpi=100)
    print("figure written to", args.out)


if __name__ == "__main__":
    main()
