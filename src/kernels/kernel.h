/* kernel.h - what an integration method's step function sees (internal).
 *
 * The population plans once (parameters checked, derived constants
 * computed) and hands each step function an adex__step_ctx: pointers to the
 * state arrays and to the neurons' parameters. A step function advances
 * neurons [lo, hi) from t to t+dt and applies threshold and reset (phases
 * 1-4 of docs/semantics.md section 3) in one fused pass, without allocating.
 */
#ifndef ADEX_KERNEL_H
#define ADEX_KERNEL_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "adex/params.h"
#include "adex/pop.h"
#include "xmath.h"

/* One neuron's parameters and the constants derived from them. */
typedef struct adex__nparams {
  adex_params p; /* the ten model parameters */
  bool iaf;      /* delta_T == 0: no exponential term (IF limit) */
  double dt;     /* step the dt-dependent fields below were made for, ms */
  double h_k;    /* exp_auto: dt/tau */
  double w_k;    /* exp_auto: dt phi(-dt/tau_w)/tau_w */
  /* Reciprocals: every kernel divides by multiplying with them. */
  /* exponent (V - V_T_x)/delta_T_x: V_T and delta_T, or when iaf 1e300 mV
   * and 1 mV, so that exp gives exactly 0 */
  double V_T_x;
  double inv_delta_T_x; /* 1/delta_T (iaf: 1), 1/mV */
  double inv_tau;       /* 1/tau, 1/ms */
  double inv_tau_w;     /* 1/tau_w, 1/ms */
} adex__nparams;

/* A neuron's parameters for the float32 kernels: the double ones rounded
 * to float, and what is derived from them computed in float (for one
 * step size h). adex__np32_make is the one place that makes them, for
 * the scalar and the SIMD float kernels alike. */
typedef struct adex__np32 {
#define ADEX__NP32_FIELD(name, ID, unit, dflt, doc) float name;
  ADEX_PARAM_LIST(ADEX__NP32_FIELD) /* the parameters, rounded to float */
#undef ADEX__NP32_FIELD
  float h;        /* ms, the step these are for */
  float h_k, w_k; /* h/tau and h phi(-h/tau_w)/tau_w, in float */
  float V_T_x, inv_delta_T_x, inv_tau; /* as in adex__nparams */
  bool iaf;
} adex__np32;

typedef struct adex_method adex_method;

/* The fields of a neuron's parameter set the SIMD kernels read, as
 * per-neuron arrays (structure of arrays: one vector load per field and
 * vector): f[k] is NULL where every neuron has the same value, one[k].
 * A population with per-neuron parameters builds it (pop.c), so that a
 * step reads only the fields that differ, contiguously, instead of
 * gathering whole sets.
 * The list: X(ID, the field's value in an adex__nparams *np). */
#define ADEX__SOA_LIST(X)                                                      \
  X(V_REST, np->p.V_rest)                                                      \
  X(V_RESET, np->p.V_reset)                                                    \
  X(V_TH, np->p.V_th)                                                          \
  X(DELTA_T, np->p.delta_T)                                                    \
  X(A, np->p.a)                                                                \
  X(B, np->p.b)                                                                \
  X(R, np->p.R)                                                                \
  X(V_T_X, np->V_T_x)                                                          \
  X(INV_DELTA_T_X, np->inv_delta_T_x)                                          \
  X(INV_TAU, np->inv_tau)                                                      \
  X(INV_TAU_W, np->inv_tau_w)                                                  \
  X(H_K, np->h_k)                                                              \
  X(W_K, np->w_k)
enum {
#define ADEX__SOA_ID(ID, value) ADEX__SOA_##ID,
  ADEX__SOA_LIST(ADEX__SOA_ID)
#undef ADEX__SOA_ID
      ADEX__SOA_N
};
typedef struct adex__nsoa {
  double *f[ADEX__SOA_N];
  double one[ADEX__SOA_N];
} adex__nsoa;

/* The non-finite values an update met (docs/numerics.md, *Guards*): a
 * neuron whose V, w, input or drive was NaN or +-inf at the start of its
 * step. The kernels look for them only where a step blew up (the guard of
 * adex__is_spike), which such a value always causes, so the common path
 * does no extra work; adex__nf_note then counts the neuron, from any
 * thread. `first` is the smallest key neuron * 4 + variable
 * (ADEX__NF_V, _W, _INPUT, _DRIVE) of the update, ADEX__NF_NONE when
 * none: the same whatever the number of threads. */
typedef struct adex__nf {
  unsigned long long count; /* neurons met with a non-finite value */
  unsigned long long first; /* smallest key, or ADEX__NF_NONE */
} adex__nf;
enum { ADEX__NF_V, ADEX__NF_W, ADEX__NF_INPUT, ADEX__NF_DRIVE };
#define ADEX__NF_NONE (~0ULL)

/* Count neuron `neuron` in *nf (NULL: nothing) if V, w, I or D (the drive,
 * 0 without one) is not finite; the first such variable is its key's.
 * Called only in the rare branch of a blow-up (kernels.c). */
void adex__nf_note(adex__nf *nf, size_t neuron, double V, double w, double I,
                   double D);

/* A network's synaptic channel folded into the step (exp_auto's float64
 * SIMD kernels: adex__pop_takes_chans): before a neuron's arithmetic,
 * g = g decay + r (r: the projection's ring row of this step, then
 * cleared), and the neuron's input gets g (E - V), or g where cuba; the
 * channels in their order. That is, operation for operation, what the
 * projections' own post-side loops do before the step (src/net/syn.c),
 * so the bits are the same; the step saves the loops' traffic through
 * the input array. The arrays are indexed as V. */
typedef struct adex__chan {
  double *g;    /* [num] the projection's conductance (or current) */
  double *r;    /* [num] its ring row of this step */
  double decay; /* exp(-dt/tau) */
  double E;     /* reversal potential, mV (not read where cuba) */
  bool cuba;    /* ExpCUBA: input += g */
} adex__chan;

/* The most channels one step folds (more: the network's own loops). */
#define ADEX__MAX_CHANS 4

/* Everything one step of the population needs. */
typedef struct adex__step_ctx {
  const adex_method *method; /* whose step this is (its tableau, if any) */
  double *V;                 /* mV [num] */
  double *w;                 /* [num] */
  double *input;             /* [num], read as I then zeroed */
  const double *drive;  /* [num] added to input, or NULL (adex_pop_drive) */
  double *t_last_spike; /* ms [num] */
  bool *spike;          /* [num] */
  /* Parameters: `uniform` when all neurons share them, else per[num] (and
   * the same as arrays, for the SIMD kernels). */
  const adex__nparams *uniform;
  const adex__nparams *per;
  const adex__nsoa *soa;
  double t;  /* ms, start of the step */
  double dt; /* ms, step size */
  /* The fixed-step options the fused steps apply (step_general.c is the
   * reference): a refractory period of tau_ref ms (0: none; then
   * `refractory` [num] receives the flags, else it is NULL) and the soft
   * reset. */
  double tau_ref;
  bool soft;
  bool *refractory;
  /* float32 populations: the state in float (the double pointers above
   * are then NULL), and the parameters in float (uniform32, or per32).
   * Their float kernels take t and tau_ref rounded to float, and test
   * the refractory period in float: (float)t - t_last_spike32 <=
   * (float)tau_ref (docs/numerics.md, *float32*). */
  float *V32, *w32, *input32, *t_last_spike32;
  const float *drive32;
  const adex__np32 *uniform32;
  const adex__np32 *per32;
  /* where non-finite values met are counted (or NULL), and the index of
   * neuron 0 of the arrays above in the population (a tile's copy) */
  adex__nf *nf;
  size_t nf_base;
  /* the channels folded into this step (nchans 0: none) */
  const adex__chan *chans;
  size_t nchans;
} adex__step_ctx;

/* Advance neurons [lo, hi) by one step (integrate, threshold, reset). */
typedef void (*adex__step_fn)(const adex__step_ctx *ctx, size_t lo, size_t hi);

/* The adaptive mode's bounds (step_general.c): never a sub-step below
 * H_MIN ms; after MAX_SUBSTEPS sub-steps of one neuron in one step,
 * accepted or rejected, the rest of the step is taken in one. */
#define ADEX__H_MIN 1e-12
#define ADEX__MAX_SUBSTEPS 10000

/* What a SIMD kernel's adaptive driver needs: the general path's
 * adaptive case without precise spike times or noise (a refractory
 * period and the soft reset included), for neurons [lo, hi) of one block
 * of the event list. */
typedef struct adex__adapt_ctx {
  const adex_method *method; /* an embedded pair */
  double *V, *w, *input, *t_last_spike, *h_sub;
  const double *drive; /* or NULL */
  bool *spike;
  const adex__nparams *uniform; /* or per[num] and soa */
  const adex__nparams *per;
  const adex__nsoa *soa;
  double t, dt, tol;
  /* the refractory period (0: none; then `refractory` [num] receives the
   * flags, else it is NULL) and the soft reset, as in adex__step_ctx */
  double tau_ref;
  bool soft;
  bool *refractory;
  /* the block's part of the event list, filled in neuron order */
  adex_spike_event *ev;
  size_t n_ev, cap_ev;
  unsigned long long dropped;
  adex__nf *nf; /* non-finite values met, or NULL */
} adex__adapt_ctx;

typedef void (*adex__adapt_fn)(adex__adapt_ctx *a, size_t lo, size_t hi);

/* The adaptive mode's first sub-step size of a neuron (step_general.c). */
double adex__initial_step(const adex__nparams *np, double V, double w, double I,
                          double dt, double tol, int p_hat);

/* Recompute the dt-dependent fields of *np for step dt. */
typedef void (*adex__prepare_fn)(adex__nparams *np, double dt);

/* One neuron, one step of size h from (V, w) under input I, without
 * threshold or reset: the method's integration alone, for the general path
 * (sub-steps, precise spikes). Must give the same bits as the fused step
 * for h == dt. err (may be NULL) receives the embedded error estimate
 * (V, w) of a pair; zeros for other methods. */
typedef void (*adex__one_fn)(const adex_method *m, const adex__nparams *np,
                             double V, double w, double I, double h,
                             double out[2], double err[2]);

/* The float parameters of *np for a step of h (adex__np32). */
static inline void adex__np32_make(const adex__nparams *np, double h,
                                   adex__np32 *o) {
  const adex_params *p = &np->p;
#define ADEX__NP32_COPY(name, ID, unit, dflt, doc) o->name = (float)p->name;
  ADEX_PARAM_LIST(ADEX__NP32_COPY)
#undef ADEX__NP32_COPY
  o->h = (float)h;
  o->iaf = np->iaf;
  o->V_T_x = o->iaf ? 1e30f : o->V_T;
  o->inv_delta_T_x = 1.0f / (o->iaf ? 1.0f : o->delta_T);
  o->inv_tau = 1.0f / o->tau;
  o->h_k = o->h * o->inv_tau;
  o->w_k = o->h * adex__phif(o->h * (-1.0f / o->tau_w)) / o->tau_w;
}

/* The dt-independent derived constants of a parameter set (np->p set). */
static inline void adex__nparams_derive(adex__nparams *np) {
  np->iaf = np->p.delta_T == 0.0;
  np->V_T_x = np->iaf ? 1e300 : np->p.V_T;
  np->inv_delta_T_x = 1.0 / (np->iaf ? 1.0 : np->p.delta_T);
  np->inv_tau = 1.0 / np->p.tau;
  np->inv_tau_w = 1.0 / np->p.tau_w;
}

/* exp_auto's coefficients for a step of h: h/tau and
 * h phi(-h/tau_w)/tau_w. The fused step and the one-neuron step of every
 * kernel take them from here, so that they agree bit for bit. */
static inline void adex__expe_coefs(const adex__nparams *np, double h,
                                    double *h_k, double *w_k) {
  *h_k = h * np->inv_tau;
  *w_k = h * adex__phi(h * (-1.0 / np->p.tau_w)) / np->p.tau_w;
}

/* Both right-hand sides at (V, w) under input I with NEST's guard
 * V -> min(V, V_th) in every term (docs/numerics.md); terms summed in
 * BrainPy's order; RI is R*I. The explicit Runge-Kutta methods and the
 * adaptive driver evaluate the model through this one function, the SIMD
 * kernels lane by lane with the same operations (so the same bits): the
 * exponential adex__exp (xmath.h), the divisions by delta_T, tau and
 * tau_w as products with the reciprocals. With delta_T = 0 the exponent
 * is -1e300 (V_T_x) and the term 0 * 0 = 0. adex__rhs_at takes the
 * guarded value Vg (<= V_th) itself. */
static inline __attribute__((always_inline)) void
adex__rhs_at(const adex__nparams *np, double Vg, double w, double RI,
             double *dV, double *dw) {
  const adex_params *p = &np->p;
  double E = adex__exp((Vg - np->V_T_x) * np->inv_delta_T_x);
  double d = Vg - p->V_rest;
  *dV = (fma(p->delta_T, E, -d) - p->R * w + RI) * np->inv_tau;
  *dw = (p->a * d - w) * np->inv_tau_w;
}

static inline __attribute__((always_inline)) void
adex__rhs_guarded(const adex__nparams *np, double V, double w, double RI,
                  double *dV, double *dw) {
  adex__rhs_at(np, V < np->p.V_th ? V : np->p.V_th, w, RI, dV, dw);
}

/* Magnitude beyond which a value is a numerical blow-up, not a result: far
 * above anything a stable run produces (even the spike-time excursions of
 * fixed-step Runge-Kutta stages), far below overflow of a step's
 * arithmetic with parameters of at most 1e9 (adex_params_check). */
#define ADEX__BLOWUP 1e100

/* The same for float32 state: far below FLT_MAX (3.4e38). */
#define ADEX__BLOWUP_F32 1e30f

/* Phase 2: does V_new count as a spike? V_new >= V_th, and also every
 * numerical blow-up of a formula: NaN, +-inf, or V_new below -1e100 mV
 * (BrainPy's exp_auto formula can give -4.8e307, overflowing the next step). Written so
 * that NaN compares true: !(x < y) and !(x > y) hold for NaN. */
static inline bool adex__is_spike(const adex__nparams *np, double V_new) {
  return !(V_new < np->p.V_th) | !(V_new > -ADEX__BLOWUP);
}

/* The noise on the fused path (step_general.c): V[k] += amp xi[k] for the
 * n neurons not held (held[k], when held is not NULL); flag[k] = 1 where
 * the neuron spiked in the fused step (spk[k]) or, not held, the noise
 * brings V to the threshold (vth[k], or vth1 when vth is NULL; the rule
 * of adex__is_spike), else 0. One per kernel (kernels.c), the same
 * values: an addition and a product, rounded as written. */
typedef void (*adex__noise_add_fn)(double *V, const double *xi, const bool *spk,
                                   const bool *held, const double *vth,
                                   double vth1, double amp, size_t n,
                                   unsigned char *flag);

/* FixedProb's gap quotients, 16 at a time (kernel_simd.c, adex__gaps;
 * conn.c's prob_column): q[k] for the draws m + k of the stream, and as
 * bits the lanes whose quotient the caller must compute itself. */
typedef unsigned (*adex__gaps_fn)(uint64_t stream, uint64_t m, double log_q,
                                  double *q);

/* Keep w within +-1e100 (a NaN becomes -1e100): a last safety valve that
 * never acts on a stable run, so that no state is ever non-finite. */
static inline double adex__clamp_w(double w) {
  /* fmin(fmax(w, -B), B) as comparisons, which compile to branch-free
   * code instead of calls: the same value for every w, NaN included. */
  return w >= -ADEX__BLOWUP ? (w > ADEX__BLOWUP ? ADEX__BLOWUP : w)
                            : -ADEX__BLOWUP;
}

/* V after a spike whose pre-reset value is V_spk, with the soft reset:
 * V_spk - (V_th - V_reset) where that is finite and below V_th, else
 * V_reset (a blow-up, or a jump so far above V_th that one subtraction
 * leaves it above). */
static inline double adex__reset_soft(const adex__nparams *np, double V_spk) {
  if (isfinite(V_spk) && V_spk > -ADEX__BLOWUP) {
    double V = V_spk - (np->p.V_th - np->p.V_reset);
    if (V < np->p.V_th) return V;
  }
  return np->p.V_reset;
}

/* adex__reset_soft in float, for float32 state (q's V_th and V_reset, the
 * float blow-up bound): the float kernels' soft reset. */
static inline float adex__reset_soft32(const adex__np32 *q, float V_spk) {
  if (isfinite(V_spk) && V_spk > -ADEX__BLOWUP_F32) {
    float V = V_spk - (q->V_th - q->V_reset);
    if (V < q->V_th) return V;
  }
  return q->V_reset;
}

/* Does V_new come from a blow-up (non-finite, or below -1e100 mV)? The
 * part of adex__is_spike that is not a threshold crossing. */
static inline bool adex__is_blowup(double V_new) {
  return !(V_new < INFINITY) | !(V_new > -ADEX__BLOWUP);
}

/* In the rare branch of a spike: if it was a blow-up, count neuron i's
 * non-finite start values (read before phases 2-4 overwrite them). */
static inline void adex__nf_check(const adex__step_ctx *c, size_t i,
                                  double V_new) {
  if (adex__is_blowup(V_new))
    adex__nf_note(c->nf, c->nf_base + i, c->V[i], c->w[i], c->input[i],
                  c->drive != NULL ? c->drive[i] : 0.0);
}

/* The input current of neuron i in this step: input, plus the drive. */
static inline double adex__ctx_I(const adex__step_ctx *c, size_t i) {
  return c->drive != NULL ? c->input[i] + c->drive[i] : c->input[i];
}

static inline float adex__ctx_I32(const adex__step_ctx *c, size_t i) {
  return c->drive32 != NULL ? c->input32[i] + c->drive32[i] : c->input32[i];
}

/* Threshold and reset of one neuron after integration (phases 2-4), the
 * plain hard reset of BrainPy's AdExIF. */
static inline void adex__fire(const adex__step_ctx *c, size_t i,
                              const adex__nparams *np, double V_new,
                              double w_new) {
  bool spk = adex__is_spike(np, V_new);
  if (spk) {
    adex__nf_check(c, i, V_new);
    c->t_last_spike[i] = c->t;
  }
  c->V[i] = spk ? np->p.V_reset : V_new;
  c->w[i] = adex__clamp_w(spk ? w_new + np->p.b : w_new);
  c->spike[i] = spk;
  c->input[i] = 0.0;
}

/* adex__fire with the fixed-step options of c (the general path's
 * non-adaptive step without precise spike times or noise, bit for bit):
 * ref (c->tau_ref > 0): a neuron with t - t_last_spike <= tau_ref keeps
 * its old V (V_old) while w takes its step, and cannot spike; soft: the
 * soft reset. The flags are constants at each call, so each combination
 * compiles to its own loop. */
static inline __attribute__((always_inline)) void
adex__fire_opts(const adex__step_ctx *c, size_t i, const adex__nparams *np,
                double V_old, double V_new, double w_new, bool ref, bool soft) {
  bool held = ref && c->t - c->t_last_spike[i] <= c->tau_ref;
  bool spk = !held && adex__is_spike(np, V_new);
  if (spk) {
    adex__nf_check(c, i, V_new);
    c->t_last_spike[i] = c->t;
  }
  /* a held neuron does not spike: its non-finite start values show in V
   * or in w' (adex__nf_note tells) */
  if (held && (!(fabs(V_old) < INFINITY) | !(fabs(w_new) < ADEX__BLOWUP)))
    adex__nf_note(c->nf, c->nf_base + i, V_old, c->w[i], c->input[i],
                  c->drive != NULL ? c->drive[i] : 0.0);
  double V_spk = soft ? adex__reset_soft(np, V_new) : np->p.V_reset;
  c->V[i] = spk ? V_spk : held ? V_old : V_new;
  c->w[i] = adex__clamp_w(spk ? w_new + np->p.b : w_new);
  c->spike[i] = spk;
  if (ref) c->refractory[i] = held || spk;
  c->input[i] = 0.0;
}

#endif /* ADEX_KERNEL_H */
