#!/usr/bin/python3
"""One small network per synapse model, as BrainPy V2.1 scripts on adex.

For each of BrainPy's synapse models a SpikeTimeGroup of 5 sources, firing
a short burst (every 3 ms from 20 ms) and one late spike (at 150 ms), drives
10 AdExIF neurons through All2All connections. The script records the
first post neuron's V and the synapse's own variables and draws one panel
per model: the post-synaptic potential each model gives, and its state
(g, h, x, u, ...). The weights are chosen so that every model depolarises
the neurons by a few mV without firing them; GABAa is inhibitory.

Usage: PYTHONPATH=python /usr/bin/python3 examples/synapse_models.py
       [--duration 300] [--out synapse_models.png]
"""

import argparse

import numpy as np

import adex as bp

# model name -> (weight keyword and value, extra parameters, variables shown)
MODELS = {
    "DeltaSynapse": ({"weights": 0.5}, {}, ()),
    "ExpCUBA": ({"g_max": 1.0}, {"tau": 5.0}, ("g",)),
    "ExpCOBA": ({"g_max": 0.02}, {"tau": 5.0, "E": 0.0}, ("g",)),
    "DualExpCUBA": ({"g_max": 0.5}, {"tau_decay": 10.0, "tau_rise": 1.0},
                    ("g", "h")),
    "DualExpCOBA": ({"g_max": 0.01}, {"tau_decay": 10.0, "tau_rise": 1.0,
                                      "E": 0.0}, ("g", "h")),
    "AlphaCUBA": ({"g_max": 0.1}, {"tau_decay": 10.0}, ("g", "h")),
    "AlphaCOBA": ({"g_max": 0.002}, {"tau_decay": 10.0, "E": 0.0},
                  ("g", "h")),
    "NMDA": ({"g_max": 0.3}, {}, ("g", "x")),
    "AMPA": ({"g_max": 0.05}, {}, ("g",)),
    "GABAa": ({"g_max": 0.1}, {}, ("g",)),
    "STP": ({}, {"A": 2.0, "U": 0.2, "tau_f": 100.0, "tau_d": 50.0},
            ("x", "u", "I")),
}

BURST = [20.0 + 3.0 * k for k in range(8)] + [150.0]


def run(model, duration):
    """Times, the first post neuron's V and the synapse's variables."""
    weight, params, shown = MODELS[model]
    times = [t for t in BURST for _ in range(5)]
    indices = [i for _ in BURST for i in range(5)]
    src = bp.dyn.SpikeTimeGroup(5, indices=indices, times=times)
    post = bp.dyn.AdExIF(10, V_rest=-65., V_reset=-68., V_th=-30., V_T=-50.,
                         delta_T=2., a=0., b=0., tau=10., tau_w=30., R=1.,
                         V_initializer=bp.init.Constant(-65.))
    cls = getattr(bp.dyn, model)
    syn = cls(src, post, bp.conn.All2All(), name="syn_" + model, **weight, **params)
    net = bp.dyn.Network(syn, src=src, post=post)
    monitors = ["post.V"] + ["syn_%s.%s" % (model, v) for v in shown]
    runner = bp.dyn.DSRunner(net, monitors=monitors, dt=0.1,
                             progress_bar=False)
    runner.run(duration)
    return runner


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--duration", type=float, default=300.0, help="ms")
    ap.add_argument("--out", default="synapse_models.png")
    args = ap.parse_args()

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(len(MODELS), 2, figsize=(10, 2.0 * len(MODELS)),
                             sharex=True)
    for row, model in enumerate(MODELS):
        runner = run(model, args.duration)
        ts = runner.mon.ts
        v = runner.mon["post.V"][:, 0]
        print("%-12s peak PSP %+7.3f mV, spikes %d"
              % (model, (v.max() if model != "GABAa" else v.min()) + 65.0,
                 int(np.sum(np.diff(v) < -10.0))))
        axes[row, 0].plot(ts, v, lw=0.8)
        axes[row, 0].set_ylabel(model + "\nV (mV)", fontsize=8)
        for var in MODELS[model][2]:
            x = runner.mon["syn_%s.%s" % (model, var)]
            x = x.reshape(len(ts), -1)[:, 0]
            axes[row, 1].plot(ts, x, lw=0.8, label=var)
        if MODELS[model][2]:
            axes[row, 1].legend(fontsize=7, loc="upper right")
        else:
            axes[row, 1].text(0.5, 0.5, "no state of its own", ha="center",
                              va="center", transform=axes[row, 1].transAxes)
            axes[row, 1].set_yticks([])
    axes[-1, 0].set_xlabel("time (ms)")
    axes[-1, 1].set_xlabel("time (ms)")
    fig.tight_layout()
    fig.savefig(args.out, dpi=80)
    print("figure written to", args.out)


if __name__ == "__main__":
    main()
