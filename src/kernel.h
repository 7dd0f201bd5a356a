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

/* phi(z) = (e^z - 1)/z with phi(0) = 1, accurate near 0 (expm1). */
static inline double adex__phi(double z) {
  return z == 0.0 ? 1.0 : expm1(z) / z;
}

/* Threshold and reset of one neuron after integration (phases 2-4).
 * A non-finite V_new (overflow of BrainPy's exp_auto formula) also counts
 * as a spike: !(V < V_th) is true for NaN and +inf, and -inf is tested. */
static inline void adex__fire(const adex__step_ctx *c, size_t i,
                              const adex__nparams *np, double V_new,
                              double w_new) {
  bool spk = !(V_new < np->p.V_th) | (V_new == -INFINITY);
  c->V[i] = spk ? np->p.V_reset : V_new;
  c->w[i] = spk ? w_new + np->p.b : w_new;
  if (spk) c->t_last_spike[i] = c->t;
  c->spike[i] = spk;
  c->input[i] = 0.0;
}

#endif /* ADEX_KERNEL_H */
