/* kernel.h - what an integration method's step function sees (internal).
 *
 * The population plans once (parameters checked, derived constants
 * computed) and hands each step function an adex__step_ctx: pointers to the
 * state arrays and to the neurons' parameters. A step function advances
 * neurons [lo, hi) from t to t+dt and applies threshold and reset (phases
 * 1-4 of SPEC section 3) in one fused pass, without allocating.
 */
#ifndef ADEX_KERNEL_H
#define ADEX_KERNEL_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>

#include "adex/params.h"

/* One neuron's parameters and the constants derived from them. */
typedef struct adex__nparams {
  adex_params p;  /* the ten model parameters */
  bool iaf;       /* delta_T == 0: no exponential term (IF limit) */
  double dt;      /* step the dt-dependent fields below were made for, ms */
  double w_decay; /* exp_auto: dt * phi(-dt/tau_w), ms */
} adex__nparams;

/* Everything one step of the population needs. */
typedef struct adex__step_ctx {
  double *V;            /* mV [num] */
  double *w;            /* [num] */
  double *input;        /* [num], read as I then zeroed */
  double *t_last_spike; /* ms [num] */
  bool *spike;          /* [num] */
  /* Parameters: `uniform` when all neurons share them, else per[num]. */
  const adex__nparams *uniform;
  const adex__nparams *per;
  double t;  /* ms, start of the step */
  double dt; /* ms, step size */
} adex__step_ctx;

/* Advance neurons [lo, hi) by one step (integrate, threshold, reset). */
typedef void (*adex__step_fn)(const adex__step_ctx *ctx, size_t lo,
                              size_t hi);

/* Recompute the dt-dependent fields of *np for step dt. */
typedef void (*adex__prepare_fn)(adex__nparams *np, double dt);

/* One neuron, one step of size h from (V, w) under input I, without
 * threshold or reset: the method's integration alone, for the general path
 * (sub-steps, precise spikes). Must give the same bits as the fused step
 * for h == dt. err (may be NULL) receives the embedded error estimate
 * (V, w) of a pair; zeros for other methods. */
typedef struct adex_method adex_method;
typedef void (*adex__one_fn)(const adex_method *m, const adex__nparams *np,
                             double V, double w, double I, double h,
                             double out[2], double err[2]);

/* phi(z) = (e^z - 1)/z with phi(0) = 1, accurate near 0 (expm1). */
static inline double adex__phi(double z) {
  return z == 0.0 ? 1.0 : expm1(z) / z;
}

/* Both right-hand sides at (V, w) under input I with NEST's guard
 * V -> min(V, V_th) in every term (SPEC section 5); terms summed in
 * BrainPy's order; RI is R*I. The explicit Runge-Kutta methods and the
 * adaptive driver evaluate the model through this one function. */
static inline void adex__rhs_guarded(const adex__nparams *np, double V,
                                     double w, double RI, double *dV,
                                     double *dw) {
  const adex_params *p = &np->p;
  double Vg = V < p->V_th ? V : p->V_th;
  double ex = np->iaf ? 0.0 : p->delta_T * exp((Vg - p->V_T) / p->delta_T);
  *dV = (-(Vg - p->V_rest) + ex - p->R * w + RI) / p->tau;
  *dw = (p->a * (Vg - p->V_rest) - w) / p->tau_w;
}

/* Magnitude beyond which a value is a numerical blow-up, not a result: far
 * above anything a stable run produces (even the spike-time excursions of
 * fixed-step Runge-Kutta stages), far below overflow of a step's
 * arithmetic with parameters of at most 1e9 (adex_params_check). */
#define ADEX__BLOWUP 1e100

/* Phase 2: does V_new count as a spike? V_new >= V_th, and also every
 * numerical blow-up of a formula: NaN, +-inf, or V_new below -1e100 mV
 * (BrainPy's exp_auto formula can give -4.8e307, overflowing the next step). Written so
 * that NaN compares true: !(x < y) and !(x > y) hold for NaN. */
static inline bool adex__is_spike(const adex__nparams *np, double V_new) {
  return !(V_new < np->p.V_th) | !(V_new > -ADEX__BLOWUP);
}

/* Keep w within +-1e100 (a NaN becomes -1e100): a last safety valve that
 * never acts on a stable run, so that no state is ever non-finite. */
static inline double adex__clamp_w(double w) {
  return fmin(fmax(w, -ADEX__BLOWUP), ADEX__BLOWUP);
}

/* Threshold and reset of one neuron after integration (phases 2-4), the
 * plain hard reset of BrainPy's AdExIF. */
static inline void adex__fire(const adex__step_ctx *c, size_t i,
                              const adex__nparams *np, double V_new,
                              double w_new) {
  bool spk = adex__is_spike(np, V_new);
  c->V[i] = spk ? np->p.V_reset : V_new;
  c->w[i] = adex__clamp_w(spk ? w_new + np->p.b : w_new);
  if (spk) c->t_last_spike[i] = c->t;
  c->spike[i] = spk;
  c->input[i] = 0.0;
}

#endif /* ADEX_KERNEL_H */
