/* method_exp_euler.c - BrainPy's `exp_auto`: exponential Euler with an
 * automatic Jacobian, each variable advanced with the other frozen.
 *
 *   E  = exp((V - V_T)/delta_T)
 *   fV = (-(V - V_rest) + delta_T E - R w + R I)/tau,   LV = (E - 1)/tau
 *   V' = V + dt phi(dt LV) fV
 *   fw = (a (V - V_rest) - w)/tau_w,                    Lw = -1/tau_w
 *   w' = w + dt phi(dt Lw) fw          (old V)
 *   phi(z) = (e^z - 1)/z
 *
 * The formula is BrainPy's exactly (SPEC section 4). Where it overflows
 * (exp of a large argument gives inf, inf/inf gives NaN) the neuron spikes
 * with finite values; adex__fire() sees to that. delta_T = 0 drops the
 * exponential term (the integrate-and-fire limit, LV = -1/tau).
 * Reference: Hochbruck & Ostermann 2010, "Exponential integrators".
 */
#include <math.h>

#include "kernel.h"
#include "method_internal.h"

/* dt * phi(-dt/tau_w) is the same every step: compute it once per dt. */
static void exp_euler_prepare(adex__nparams *np, double dt) {
  np->dt = dt;
  np->w_decay = dt * adex__phi(dt * (-1.0 / np->p.tau_w));
}

/* One neuron, one step. */
static inline void exp_euler_one(const adex__step_ctx *c, size_t i,
                                 const adex__nparams *np) {
  const adex_params *p = &np->p;
  double V = c->V[i], w = c->w[i], I = c->input[i];
  double E = np->iaf ? 0.0 : exp((V - p->V_T) / p->delta_T);
  double dT_E = np->iaf ? 0.0 : p->delta_T * E;
  double fV = (-(V - p->V_rest) + dT_E - p->R * w + p->R * I) / p->tau;
  double LV = (E - 1.0) / p->tau;
  double V_new = V + c->dt * adex__phi(c->dt * LV) * fV;
  double fw = (p->a * (V - p->V_rest) - w) / p->tau_w;
  double w_new = w + np->w_decay * fw;
  adex__fire(c, i, np, V_new, w_new);
}

/* The population loop: shared parameters are hoisted out of the loop. */
static void exp_euler_step(const adex__step_ctx *c, size_t lo, size_t hi) {
  if (c->uniform != NULL) {
    const adex__nparams np = *c->uniform;
    for (size_t i = lo; i < hi; i++) exp_euler_one(c, i, &np);
  } else {
    for (size_t i = lo; i < hi; i++) exp_euler_one(c, i, &c->per[i]);
  }
}

static const char *const exp_auto_aliases[] = {
    "exp_euler", "exp_euler_auto", "exponential_euler", NULL};

const adex_method adex__method_exp_auto = {
    .name = "exp_auto",
    .aliases = exp_auto_aliases,
    .order = 1,
    .stages = 1,
    .embedded = 0,
    .prepare = exp_euler_prepare,
    .step = exp_euler_step,
};
