"""An independent numpy implementation of docs/semantics.md sections 3 and 4: one step
of exp_auto (each variable on its own, the other frozen) or of an explicit
Runge-Kutta method (joint stages, V replaced by min(V, V_th) inside the
right-hand side, a crossing inside the stages held at V_th), then
threshold, reset, stamp, zeroed input.

Written from the specification only (no code of the library), vectorised
over neurons with per-neuron parameters.
"""

import numpy as np

PARAMS = ("V_rest", "V_reset", "V_th", "V_T", "delta_T", "a", "b", "tau",
          "tau_w", "R")
DEFAULTS = dict(V_rest=-65.0, V_reset=-68.0, V_th=-30.0, V_T=-59.9,
                delta_T=3.48, a=1.0, b=1.0, tau=10.0, tau_w=30.0, R=1.0)

# Butcher tableaux (c, A, b) of the fixed-step methods used in the tests.
TABLEAUX = {
    "euler": ([0.0], [[]], [1.0]),
    "midpoint": ([0.0, 0.5], [[], [0.5]], [0.0, 1.0]),
    "heun2": ([0.0, 1.0], [[], [1.0]], [0.5, 0.5]),
    "rk4": ([0.0, 0.5, 0.5, 1.0], [[], [0.5], [0.0, 0.5], [0.0, 0.0, 1.0]],
            [1 / 6, 1 / 3, 1 / 3, 1 / 6]),
    "rk3": ([0.0, 0.5, 1.0], [[], [0.5], [-1.0, 2.0]], [1 / 6, 2 / 3, 1 / 6]),
}


def phi(z):
    """(e^z - 1)/z, 1 at 0."""
    z = np.asarray(z, dtype=float)
    out = np.ones_like(z)
    nz = z != 0
    out[nz] = np.expm1(z[nz]) / z[nz]
    return out


def expo(V, p):
    """delta_T exp((V - V_T)/delta_T), 0 in the IF limit delta_T = 0."""
    dT = p["delta_T"]
    safe = np.where(dT > 0, dT, 1.0)
    return np.where(dT > 0, dT * np.exp((V - p["V_T"]) / safe), 0.0)


def rhs(V, w, I, p, guard):
    Vg = np.minimum(V, p["V_th"]) if guard else V
    dV = (-(Vg - p["V_rest"]) + expo(Vg, p) - p["R"] * w + p["R"] * I) / p["tau"]
    dw = (p["a"] * (Vg - p["V_rest"]) - w) / p["tau_w"]
    return dV, dw


def integrate(method, V, w, I, p, dt):
    """The method's (V, w) after dt, before the threshold."""
    if method == "exp_auto":
        dT = p["delta_T"]
        safe = np.where(dT > 0, dT, 1.0)
        E = np.where(dT > 0, np.exp((V - p["V_T"]) / safe), 0.0)
        fV = (-(V - p["V_rest"]) + dT * E - p["R"] * w + p["R"] * I) / p["tau"]
        LV = (E - 1.0) / p["tau"]  # d fV / dV; -1/tau in the IF limit
        Vn = V + dt * phi(dt * LV) * fV
        fw = (p["a"] * (V - p["V_rest"]) - w) / p["tau_w"]
        Lw = -1.0 / p["tau_w"]
        wn = w + dt * phi(dt * Lw * np.ones_like(V)) * fw
        return Vn, wn
    # From V below V_th, a stage whose slope reaches V_th by the end of the
    # step has crossed the threshold: the later stages take V_th and the
    # step ends at V_th at least (a spike).
    c, A, b = TABLEAUX[method]
    below = V < p["V_th"]
    crossed = np.zeros_like(below)
    kV, kw = [], []
    for s in range(len(c)):
        Vs = V + dt * sum(A[s][j] * kV[j] for j in range(s))
        ws = w + dt * sum(A[s][j] * kw[j] for j in range(s))
        dV, dw = rhs(np.where(crossed, p["V_th"], Vs), ws, I, p, guard=True)
        crossed |= below & (Vs + (1.0 - c[s]) * dt * dV >= p["V_th"])
        kV.append(dV)
        kw.append(dw)
    Vn = V + dt * sum(bi * k for bi, k in zip(b, kV))
    return (np.where(crossed, np.maximum(Vn, p["V_th"]), Vn),
            w + dt * sum(bi * k for bi, k in zip(b, kw)))


class Population:
    """State and per-neuron parameters of n neurons."""

    def __init__(self, n, V0, w0, method="exp_auto", **params):
        self.p = {k: np.broadcast_to(np.asarray(params.get(k, DEFAULTS[k]),
                                                dtype=float), (n,)).copy()
                  for k in PARAMS}
        self.method = method
        self.V = np.broadcast_to(np.asarray(V0, float), (n,)).copy()
        self.w = np.broadcast_to(np.asarray(w0, float), (n,)).copy()
        self.input = np.zeros(n)
        self.spike = np.zeros(n, dtype=bool)
        self.t_last_spike = np.full(n, -1e7)

    def update(self, t, dt):
        with np.errstate(over="ignore", invalid="ignore"):
            Vn, wn = integrate(self.method, self.V, self.w, self.input,
                               self.p, dt)
        spike = ~(Vn < self.p["V_th"])  # V >= V_th, and a non-finite V
        Vn = np.where(spike, self.p["V_reset"], Vn)
        wn = np.where(spike, wn + self.p["b"], wn)
        self.t_last_spike = np.where(spike, t, self.t_last_spike)
        self.V, self.w, self.spike = Vn, wn, spike
        self.input = np.zeros_like(self.input)
