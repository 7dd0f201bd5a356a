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
 * The formula is BrainPy's (docs/semantics.md section 4), evaluated as
 * adex__expe_integrate in method_formulas.h says (the operations every
 * kernel repeats). Where it overflows (exp of a large argument gives inf,
 * inf/inf gives NaN) the neuron spikes with finite values; adex__fire()
 * sees to that. delta_T = 0 drops the exponential term (the
 * integrate-and-fire limit, LV = -1/tau).
 * Reference: Hochbruck & Ostermann 2010, "Exponential integrators".
 */
#include <math.h>

#include "kernel.h"
#include "method_formulas.h"
#include "method_internal.h"

/* The coefficients of a step of dt: computed once per dt. */
static void exp_euler_prepare(adex__nparams *np, double dt) {
  np->dt = dt;
  adex__expe_coefs(np, dt, &np->h_k, &np->w_k);
}

/* One neuron, one step of dt (fused with threshold and reset), with the
 * options ref (a refractory period) and soft (the soft reset) when set. */
ADEX__FORMULA void exp_euler_one(const adex__step_ctx *c, size_t i,
                                 const adex__nparams *np, bool ref, bool soft) {
  double V_new, w_new;
  adex__expe_integrate(np, c->V[i], c->w[i], adex__ctx_I(c, i), np->h_k,
                       np->w_k, &V_new, &w_new);
  if (ref || soft)
    adex__fire_opts(c, i, np, c->V[i], V_new, w_new, ref, soft);
  else
    adex__fire(c, i, np, V_new, w_new);
}

/* Neurons [lo, hi) with the options as constants: shared parameters are
 * hoisted out of the loop. */
ADEX__FORMULA void exp_euler_range(const adex__step_ctx *c, size_t lo,
                                   size_t hi, bool ref, bool soft) {
  if (c->uniform != NULL) {
    const adex__nparams np = *c->uniform;
    for (size_t i = lo; i < hi; i++) exp_euler_one(c, i, &np, ref, soft);
  } else {
    for (size_t i = lo; i < hi; i++) exp_euler_one(c, i, &c->per[i], ref, soft);
  }
}

/* One step of any size h, for the general path. */
ADEX__FMA_CLONES
static void exp_euler_any(const adex_method *m, const adex__nparams *np,
                          double V, double w, double I, double h, double out[2],
                          double err[2]) {
  (void)m;
  adex__expe_any(np, V, w, I, h, out, err);
}

/* The population loop, one specialised loop per combination of the
 * options. */
ADEX__FMA_CLONES
static void exp_euler_step(const adex__step_ctx *c, size_t lo, size_t hi) {
  bool ref = c->tau_ref > 0;
  if (ref && c->soft)
    exp_euler_range(c, lo, hi, true, true);
  else if (ref)
    exp_euler_range(c, lo, hi, true, false);
  else if (c->soft)
    exp_euler_range(c, lo, hi, false, true);
  else
    exp_euler_range(c, lo, hi, false, false);
}

/* ------------------------------------------------------------ float32 */

/* Phases 2-4 in float (adex__fire), with the float blow-up bound. */
ADEX__FORMULA void fire32(const adex__step_ctx *c, size_t i,
                          const adex__np32 *q, float V_new, float w_new) {
  bool spk = !(V_new < q->V_th) | !(V_new > -ADEX__BLOWUP_F32);
  if (spk) {
    /* a blow-up: count non-finite start values (adex__nf_check) */
    if (!(V_new < INFINITY) | !(V_new > -ADEX__BLOWUP_F32))
      adex__nf_note(c->nf, c->nf_base + i, c->V32[i], c->w32[i], c->input32[i],
                    c->drive32 != NULL ? c->drive32[i] : 0.0f);
    c->t_last_spike32[i] = (float)c->t;
  }
  float w = spk ? w_new + q->b : w_new;
  c->V32[i] = spk ? q->V_reset : V_new;
  c->w32[i] = w >= -ADEX__BLOWUP_F32
                  ? (w > ADEX__BLOWUP_F32 ? ADEX__BLOWUP_F32 : w)
                  : -ADEX__BLOWUP_F32;
  c->spike[i] = spk;
  c->input32[i] = 0.0f;
}

/* fire32 with the fixed-step options (adex__fire_opts, in float): ref,
 * held (the neuron's t - t_last_spike <= tau_ref, in float): it keeps its
 * old V (V_old) while w takes its step, and cannot spike; soft, the soft
 * reset in float (adex__reset_soft32). The flags are constants at each
 * call. */
ADEX__FORMULA void fire32_opts(const adex__step_ctx *c, size_t i,
                               const adex__np32 *q, bool held, float V_old,
                               float V_new, float w_new, float tf, bool ref,
                               bool soft) {
  bool spk = !held && (!(V_new < q->V_th) | !(V_new > -ADEX__BLOWUP_F32));
  if (spk) {
    if (!(V_new < INFINITY) | !(V_new > -ADEX__BLOWUP_F32))
      adex__nf_note(c->nf, c->nf_base + i, c->V32[i], c->w32[i], c->input32[i],
                    c->drive32 != NULL ? c->drive32[i] : 0.0f);
    c->t_last_spike32[i] = tf;
  }
  /* a held neuron does not spike: its non-finite start values show in V
   * or in w' (adex__fire_opts) */
  if (held && (!(fabsf(V_old) < INFINITY) | !(fabsf(w_new) < ADEX__BLOWUP_F32)))
    adex__nf_note(c->nf, c->nf_base + i, V_old, c->w32[i], c->input32[i],
                  c->drive32 != NULL ? c->drive32[i] : 0.0f);
  float V_spk = soft ? adex__reset_soft32(q, V_new) : q->V_reset;
  float w = spk ? w_new + q->b : w_new;
  c->V32[i] = spk ? V_spk : held ? V_old : V_new;
  c->w32[i] = w >= -ADEX__BLOWUP_F32
                  ? (w > ADEX__BLOWUP_F32 ? ADEX__BLOWUP_F32 : w)
                  : -ADEX__BLOWUP_F32;
  c->spike[i] = spk;
  if (ref) c->refractory[i] = held || spk;
  c->input32[i] = 0.0f;
}

/* Float32 neurons [lo, hi) with the options as constants. A held neuron
 * (t - t_last_spike <= tau_ref: tf, trf are t and tau_ref rounded to
 * float, the difference in float) takes w's step alone: its V' would
 * not be used, and after a soft reset that leaves V high up the upstroke
 * it would cost phi's slow branch on every held step. */
ADEX__FORMULA void exp_euler_range_f32(const adex__step_ctx *c, size_t lo,
                                       size_t hi, bool ref, bool soft) {
  const float tf = (float)c->t, trf = (float)c->tau_ref;
  for (size_t i = lo; i < hi; i++) {
    const adex__np32 *q = c->uniform32 != NULL ? c->uniform32 : &c->per32[i];
    float V = c->V32[i], w = c->w32[i], V_new, w_new;
    bool held = ref && tf - c->t_last_spike32[i] <= trf;
    if (held) {
      V_new = V;
      w_new = adex__expe_w32(q, V, w);
    } else {
      adex__expe_integrate32(q, V, w, adex__ctx_I32(c, i), &V_new, &w_new);
    }
    if (ref || soft)
      fire32_opts(c, i, q, held, V, V_new, w_new, tf, ref, soft);
    else
      fire32(c, i, q, V_new, w_new);
  }
}

/* The float32 population loop (the scalar reference of the float SIMD
 * kernels), one specialised loop per combination of the options. */
ADEX__FMA_CLONES
static void exp_euler_step_f32(const adex__step_ctx *c, size_t lo, size_t hi) {
  bool ref = c->tau_ref > 0;
  if (ref && c->soft)
    exp_euler_range_f32(c, lo, hi, true, true);
  else if (ref)
    exp_euler_range_f32(c, lo, hi, true, false);
  else if (c->soft)
    exp_euler_range_f32(c, lo, hi, false, true);
  else
    exp_euler_range_f32(c, lo, hi, false, false);
}

/* Amplification on the linear part (E -> 0): each variable is advanced
 * exactly with the other frozen, so
 *   dV' = e1 dV - (1 - e1) R dw,   dw' = (1 - e2) a dV + e2 dw,
 * e1 = exp(-h/tau), e2 = exp(-h/tau_w): stable unless a R is large. */
static void exp_euler_amplification(const adex_method *m, const adex_params *p,
                                    double h, double M[4]) {
  (void)m;
  double e1 = exp(-h / p->tau), e2 = exp(-h / p->tau_w);
  M[0] = e1;
  M[1] = -(1.0 - e1) * p->R;
  M[2] = (1.0 - e2) * p->a;
  M[3] = e2;
}

static const char *const exp_auto_aliases[] = {"exp_euler", "exp_euler_auto",
                                               "exponential_euler", NULL};

const adex_method adex__method_exp_auto = {
    .name = "exp_auto",
    .aliases = exp_auto_aliases,
    .order = 1,
    .stages = 1,
    .embedded = 0,
    .prepare = exp_euler_prepare,
    .step = exp_euler_step,
    .one = exp_euler_any,
    .step32 = exp_euler_step_f32,
    .fused_opts = true,
    .amplification = exp_euler_amplification,
    .tableau = NULL,
    .simd = &adex__simd_expe,
};
