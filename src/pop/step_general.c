/* step_general.c - the general per-neuron step, used when any option
 * beyond BrainPy is on (docs/semantics.md section 5):
 *
 *   adaptive        embedded pair, per-neuron sub-steps with error control
 *                   (NEST's scheme: its aeif models use GSL's rkf45 with
 *                   abs = rel = tol); V_th is tested after every accepted
 *                   sub-step; a rejected sub-step leaves the state as it
 *                   was; the sub-step size carries over to the next step.
 *   precise_spikes  the crossing of V_th inside a (sub-)step is located by
 *                   root finding over the step fraction theta, each trial a
 *                   real step of size theta*h from the step's start:
 *                   exp_auto's crossing of its own (linearised) step
 *                   solved for as the first trial, then regula falsi
 *                   with the Anderson-Bjorck modification (Anderson &
 *                   Bjorck, BIT 13, 1973, a refinement of Dowell &
 *                   Jarratt's 1971 Illinois variant; docs/numerics.md,
 *                   *Precise spike times*); the neuron is reset there and
 *                   integrated for the rest.
 *   tau_ref         while t - t_last_spike <= tau_ref, V is held and w keeps
 *                   integrating (BrainPy 2.2.3's AdExIF); with precise spike
 *                   times the hold ends inside the step, at t_last + tau_ref.
 *   noise           V gains sigma*sqrt(dt)*xi after the deterministic step
 *                   (Euler-Maruyama for additive noise), xi ~ N(0,1) from a
 *                   counter-based stream keyed by (seed, round(t/dt), i),
 *                   a block's values at once by the kernel's generator
 *                   (rng.h, xmath_body.h's normal_pair).
 *   spk_reset soft  V = V - (V_th - V_reset) instead of V = V_reset.
 *
 * With every option off this path computes exactly what the fused step of
 * the method computes (same arithmetic, same bits); the tests check that.
 */
#include <math.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "method_internal.h"
#include "pop_internal.h"
#include "rng.h"

_Static_assert(ADEX__EV_BLOCK % ADEX__NORMAL_CHUNK == 0,
               "a block's normal values start at a chunk");

/* Per neuron per step, accepted or rejected: past MAX_SUBSTEPS the rest
 * of the step is taken in one sub-step (only absurd stiffness gets
 * there); never a sub-step below H_MIN ms. In kernel.h, which the SIMD
 * driver shares. */
#define MAX_SUBSTEPS ADEX__MAX_SUBSTEPS
#define H_MIN ADEX__H_MIN

/* Scaled error of an embedded estimate: <= 1 means accept. */
static double error_ratio(const double err[2], const double y0[2],
                          const double y1[2], double tol) {
  double sV = tol + tol * fmax(fabs(y0[0]), fabs(y1[0]));
  double sw = tol + tol * fmax(fabs(y0[1]), fabs(y1[1]));
  double q = fmax(fabs(err[0]) / sV, fabs(err[1]) / sw);
  return q == q ? q : INFINITY; /* a NaN estimate rejects */
}

/* Standard step-size factor for an estimate of order p_hat. */
static double step_factor(double q, int p_hat) {
  if (q == 0.0) return 5.0;
  double f = 0.9 * adex__pow_pos(q, -1.0 / (p_hat + 1));
  return fmin(5.0, fmax(0.2, f));
}

/* First sub-step size of a neuron (Hairer, Norsett & Wanner, "Solving ODEs
 * I", II.4, the starting step size): from the sizes of y and f(y) and the
 * change of f over a trial Euler step, so that the first error estimate is
 * meaningful rather than, by chance, small for a far too large step. */
double adex__initial_step(const adex__nparams *np, double V, double w, double I,
                          double dt, double tol, int p_hat) {
  double RI = np->p.R * I, fV, fw, gV, gw;
  adex__rhs_guarded(np, V, w, RI, &fV, &fw);
  double sV = tol + tol * fabs(V), sw = tol + tol * fabs(w);
  double d0 = fmax(fabs(V) / sV, fabs(w) / sw);
  double d1 = fmax(fabs(fV) / sV, fabs(fw) / sw);
  double h0 = (d0 < 1e-5 || d1 < 1e-5) ? 1e-6 : 0.01 * d0 / d1;
  h0 = fmin(h0, dt);
  adex__rhs_guarded(np, V + h0 * fV, w + h0 * fw, RI, &gV, &gw);
  double d2 = fmax(fabs(gV - fV) / sV, fabs(gw - fw) / sw) / h0;
  double dm = fmax(d1, d2);
  double h1 =
      dm <= 1e-15 ? fmax(1e-6, h0 * 1e-3) : pow(0.01 / dm, 1.0 / (p_hat + 1));
  double h = fmin(fmin(100 * h0, h1), dt);
  return h == h && h > H_MIN ? h : H_MIN;
}

/* V minus V_th for the threshold search; a blow-up counts as above. */
static double above(const adex__nparams *np, double V) {
  return adex__is_spike(np, V) && !(V >= np->p.V_th) ? INFINITY
                                                     : V - np->p.V_th;
}

/* A monotone compression of V - V_th for the interpolation: x itself
 * near 0, logarithmic beyond 1. Past the threshold V grows exponentially,
 * and a far end orders of magnitude above would pin the secant to the
 * near one. */
static double squash(double x) {
  return fabs(x) <= 1.0 ? x : copysign(1.0 + log(fabs(x)), x);
}

/* The step fraction where the linearised solution from (V, w) reaches
 * V_th + aim: with fV and J = dfV/dV = (E - 1)/tau at the start and w
 * frozen, V(theta h) = V + h fV (e^(c theta) - 1)/c, c = h J. It is
 * exp_auto's own step of theta*h, to rounding. NaN or out of (0, 1) where
 * the model has no crossing. */
static double first_guess(const adex__nparams *np, double V, double w, double I,
                          double h, double aim) {
  const adex_params *p = &np->p;
  double E = exp((V - np->V_T_x) * np->inv_delta_T_x);
  double D =
      h * (p->delta_T * E - (V - p->V_rest) + p->R * (I - w)) * np->inv_tau;
  double c = h * (E - 1.0) * np->inv_tau, r = (p->V_th + aim - V) / D;
  return fabs(c * r) < 1e-8 ? r : log1p(c * r) / c;
}

/* The searched value at a trial that reached V_th, g = V - V_th >= 0:
 * g - aim, but 0 below aim (V_th exactly, by the stage rule), which the
 * secant cannot pass: a bisection step follows. */
static double above_aim(double g, double aim) {
  return g > aim ? g - aim : 0.0;
}

/* Find theta in (0, 1] where the step of theta*h from (V, w) reaches V_th,
 * given that the full step (y_end) does. Returns theta and the state there
 * (V >= V_th, just). Each trial is a step of the mode's kind: in the
 * adaptive mode with the error estimate (the same row and plain guard as
 * its sub-steps), in fixed steps without (a trial whose stages cross V_th
 * ends at V_th exactly: adex__rk_integrate), so that only a trial that
 * reaches V_th by itself ends the search early.
 *
 * The first trial of exp_auto is first_guess; the others come from regula
 * falsi with the Anderson-Bjorck modification (Anderson & Bjorck, BIT 13,
 * 1973: where a new point falls on the side of the last one, the value
 * kept on the other side is scaled by 1 - f_new/f_last, or by 1/2 as
 * Illinois does if that is not positive) on the compressed values of
 * V - V_th - tol/2. The search aims at the middle of the window
 * 0 <= V - V_th < tol that ends it, so that a converged estimate lands in
 * it instead of on either side of V_th in turn. */
static double locate_crossing(const adex_method *m, adex__one_fn one,
                              const adex__nparams *np, bool adaptive, double V,
                              double w, double I, double h,
                              const double y_end[2], double y_cross[2]) {
  const double tol = 1e-12 * (1.0 + fabs(np->p.V_th)), aim = 0.5 * tol;
  /* V_th exactly is a crossing, unless the stage rule may have put it
   * there (fixed Runge-Kutta steps) */
  const bool exact = m->tableau == NULL || adaptive;
  double a = 0.0, ga = V - np->p.V_th, fa = ga - aim, b = 1.0, fb;
  double err[2];
  int side = 0;
  y_cross[0] = y_end[0];
  y_cross[1] = y_end[1];
  double g = above(np, y_end[0]);
  if (exact && g < tol) return 1.0;
  fb = above_aim(g, aim);
  /* exp_auto's step is the linearised solution: its crossing, solved for,
   * is the first trial; for the Runge-Kutta methods it is a worse first
   * trial than the secant (it knows nothing of the exponential's growth) */
  double guess = m->tableau == NULL ? first_guess(np, V, w, I, h, aim) : NAN;
  for (int it = 0; it < 200 && b - a > 1e-15; it++) {
    double mid = 0.5 * (a + b);
    if (it == 0 && guess > 0.0 && guess < 1.0) {
      mid = guess;
    } else if (isfinite(fb)) {
      double ca = squash(fa), cb = squash(fb);
      mid = (a * cb - b * ca) / (cb - ca);
    }
    if (!(mid > a && mid < b)) mid = 0.5 * (a + b);
    double ym[2];
    one(m, np, V, w, I, mid * h, ym, adaptive ? err : NULL);
    g = above(np, ym[0]);
    if (g >= 0) {
      y_cross[0] = ym[0];
      y_cross[1] = ym[1];
      if (g < tol && (g > 0 || exact)) {
        b = mid;
        if (exact) break;
        /* A fixed Runge-Kutta step may reach V_th earlier by the stage
         * rule (V_th exactly, up to where V passes it by itself): one
         * trial a little before, where V - V_th is about -tol if this is
         * the first crossing, else the search goes on to its left. */
        double th = mid - tol * (mid - a) / (g - ga), yv[2];
        if (!(th > a)) break;
        one(m, np, V, w, I, th * h, yv, NULL);
        double gv = above(np, yv[0]);
        if (gv < 0) break;
        y_cross[0] = yv[0];
        y_cross[1] = yv[1];
        b = th;
        fb = above_aim(gv, aim);
        side = 1;
        continue;
      }
      /* (V_th by the stage rule: bisection) */
      double fm = above_aim(g, aim);
      if (side == 1) {
        double k = 1.0 - fm / fb;
        fa *= k > 0 ? k : 0.5;
      }
      b = mid;
      fb = fm;
      side = 1;
    } else {
      double fm = g - aim;
      if (side == -1 && isfinite(fb)) {
        double k = 1.0 - fm / fa;
        fb *= k > 0 ? k : 0.5;
      }
      a = mid;
      fa = fm;
      ga = g;
      side = -1;
    }
  }
  return b;
}

/* V after a spike whose pre-reset value is V_spk. */
static double reset_V(const adex_pop *pop, const adex__nparams *np,
                      double V_spk) {
  return pop->spk_reset == ADEX_SPK_RESET_SOFT ? adex__reset_soft(np, V_spk)
                                               : np->p.V_reset;
}

/* Where one block of neurons writes its spikes: its own part of the event
 * list (adex__ev_block_at), so that blocks can run on different threads. */
typedef struct ev_sink {
  adex_spike_event *ev;
  size_t n, cap;
  unsigned long long dropped;
  const double *xi; /* with noise: this step's normal values of the
                       block's neurons, xi[i - lo]; else NULL */
  size_t lo;        /* the block's first neuron */
} ev_sink;

/* Append a spike to the block's events and stamp t_last_spike. A block
 * holds 4 spikes per neuron per step on average, plus one neuron's most
 * (adex__ev_block_at); beyond that, events are counted as dropped
 * (adex_pop_spike_events_dropped) while spike[] and t_last_spike stay
 * exact. */
static void record_spike(adex_pop *pop, ev_sink *sink, size_t i, double t) {
  if (sink->n < sink->cap)
    sink->ev[sink->n++] = (adex_spike_event){i, t};
  else
    sink->dropped++;
  pop->t_last_spike.f64[i] = t;
}

/* One neuron on its way through a step: the state reached at offset s
 * from the step's start, the next sub-step and the refractory hold. */
typedef struct nstep {
  double V, w; /* state at offset s (mV, mV-scaled w) */
  double s;    /* ms from the step's start reached so far */
  double h;    /* next sub-step in the adaptive mode (ms) */
  double hold; /* V is held on [0, hold) (ms from the start) */
  int n_spk;   /* spikes in this step so far */
} nstep;

/* The neuron's integrator for one sub-step and its error order. */
typedef struct nmethod {
  const adex_method *m;
  adex__one_fn one;
  int p_hat;
} nmethod;

/* The kernel's step, which agrees with its fused step bit for bit; but
 * the plain scalar one in the adaptive mode, which has no fused step: a
 * neuron's sub-steps then give the same bits on every machine, and one
 * neuron at a time the scalar code is faster than a vector with one lane
 * used. */
static nmethod method_of(const adex_pop *pop) {
  const adex_method *m = pop->method;
  return (nmethod){m, pop->adaptive ? m->one : pop->impl.one,
                   m->tableau != NULL ? m->tableau->order_hat : 0};
}

/* A spike found at the end of a sub-step of length hh from (V, w) with
 * result y: its time (the crossing when precise), the reset, and the hold
 * that follows it (refractory period, or the rest of the step once the
 * neuron has fired ADEX_MAX_SPIKES_PER_STEP times). */
static void fire_in_step(adex_pop *pop, ev_sink *sink, size_t i,
                         const adex__nparams *np, const nmethod *nm, double I,
                         double t, double dt, double hh, double seg_end,
                         const double y[2], nstep *ns) {
  double theta = 1.0, yc[2] = {y[0], y[1]};
  if (pop->precise)
    theta = locate_crossing(nm->m, nm->one, np, pop->adaptive, ns->V, ns->w, I,
                            hh, y, yc);
  double s_spk = pop->precise ? ns->s + theta * hh : ns->s + hh;
  record_spike(pop, sink, i, pop->precise ? t + s_spk : t);
  ns->V = reset_V(pop, np, yc[0]);
  ns->w = adex__clamp_w(yc[1] + np->p.b);
  ns->s = s_spk >= seg_end ? seg_end : s_spk;
  if (++ns->n_spk >= ADEX_MAX_SPIKES_PER_STEP)
    ns->hold = dt;
  else if (pop->tau_ref > 0)
    ns->hold = pop->precise ? fmin(dt, ns->s + pop->tau_ref) : dt;
}

/* One sub-step of neuron i from ns->s: at most ns->h in the adaptive
 * mode, never past the end of the refractory hold or of the step. An
 * adaptive step whose error is too large is rejected (false; only ns->h
 * changes); an accepted one advances ns, firing if V crosses. */
static bool substep(adex_pop *pop, ev_sink *sink, size_t i,
                    const adex__nparams *np, const nmethod *nm, double I,
                    double t, double dt, bool capped, nstep *ns) {
  bool holding = ns->s < ns->hold;
  double seg_end = holding ? ns->hold : dt;
  double hh = seg_end - ns->s;
  if (pop->adaptive && ns->h < hh && !capped) hh = ns->h;
  double y[2], err[2], y0[2] = {ns->V, ns->w};
  nm->one(nm->m, np, ns->V, ns->w, I, hh, y, pop->adaptive ? err : NULL);
  double h_next = ns->h;
  if (pop->adaptive) {
    if (holding) err[0] = 0.0; /* V is held: only w's error counts */
    double q = error_ratio(err, y0, y, pop->tol);
    double f = step_factor(q, nm->p_hat);
    if (q > 1.0 && hh > H_MIN && !capped) {
      ns->h = fmax(hh * f, H_MIN); /* reject: the state is untouched */
      return false;
    }
    h_next = fmax(hh * f, H_MIN);
  }
  if (holding) y[0] = ns->V; /* refractory: V held, w integrated */
  if (!holding && adex__is_spike(np, y[0])) {
    fire_in_step(pop, sink, i, np, nm, I, t, dt, hh, seg_end, y, ns);
  } else {
    ns->V = y[0];
    ns->w = adex__clamp_w(y[1]);
    ns->s = hh == seg_end - ns->s ? seg_end : ns->s + hh;
  }
  ns->h = h_next;
  return true;
}

/* The noise term after the step's integration (Euler-Maruyama: V gets
 * noise sqrt(dt) N(0, 1), the neuron's value of the step's counter-based
 * normal variates), unless V is held for the whole step; a crossing it
 * causes is a spike at the step's end. */
static void add_noise(adex_pop *pop, ev_sink *sink, size_t i,
                      const adex__nparams *np, double t, double dt, nstep *ns) {
  if (!(pop->noise > 0) || ns->hold >= dt) return;
  ns->V += pop->noise * sqrt(dt) * sink->xi[i - sink->lo];
  if (adex__is_spike(np, ns->V)) {
    record_spike(pop, sink, i, pop->precise ? t + dt : t);
    ns->V = reset_V(pop, np, ns->V);
    ns->w = adex__clamp_w(ns->w + np->p.b);
    ns->n_spk++;
  }
}

/* Advance neuron i from t to t+dt with its parameters np (counting its
 * non-finite start values where count_nf): sub-steps until
 * the step's end (one for a fixed step outside a spike or a hold), then
 * noise, then the state and flags written back. */
static void neuron_step(adex_pop *pop, ev_sink *sink, size_t i,
                        const adex__nparams *np, double t, double dt,
                        bool count_nf) {
  const nmethod nm = method_of(pop);
  const double I = pop->drive.f64 != NULL
                       ? pop->input.f64[i] + pop->drive.f64[i]
                       : pop->input.f64[i];
  nstep ns = {pop->V.f64[i], pop->w.f64[i], 0.0, dt, 0.0, 0};
  /* non-finite start values are counted (x - x is not 0 for them); this
   * path's cost per neuron dwarfs the test */
  double sum = ns.V + ns.w + I;
  if (count_nf && !(sum - sum == 0.0))
    adex__nf_note(&pop->nf_step, i, ns.V, ns.w, pop->input.f64[i],
                  pop->drive.f64 != NULL ? pop->drive.f64[i] : 0.0);
  bool refr = pop->tau_ref > 0 && t - pop->t_last_spike.f64[i] <= pop->tau_ref;
  if (refr)
    ns.hold = pop->precise
                  ? fmin(dt, pop->t_last_spike.f64[i] + pop->tau_ref - t)
                  : dt;
  if (pop->adaptive)
    ns.h = pop->h_sub[i] > 0
               ? pop->h_sub[i]
               : adex__initial_step(np, ns.V, ns.w, I, dt, pop->tol, nm.p_hat);
  long sub = 0;
  while (ns.s < dt)
    substep(pop, sink, i, np, &nm, I, t, dt, ++sub >= MAX_SUBSTEPS, &ns);
  add_noise(pop, sink, i, np, t, dt, &ns);
  if (pop->adaptive) pop->h_sub[i] = ns.h;
  pop->V.f64[i] = ns.V;
  pop->w.f64[i] = ns.w;
  pop->spike[i] = ns.n_spk > 0;
  if (pop->tau_ref > 0) pop->refractory[i] = refr || ns.n_spk > 0;
  pop->input.f64[i] = 0.0;
}

void adex__ev_block_at(size_t num, size_t b, size_t *lo, size_t *hi,
                       size_t *offset, size_t *cap) {
  *lo = b * ADEX__EV_BLOCK;
  *hi = *lo + ADEX__EV_BLOCK < num ? *lo + ADEX__EV_BLOCK : num;
  *offset = b * (4 * ADEX__EV_BLOCK + ADEX_MAX_SPIKES_PER_STEP + 1);
  *cap = 4 * (*hi - *lo) + ADEX_MAX_SPIKES_PER_STEP + 1;
}

/* The kernel's fused step of neurons [lo, hi), with the refractory
 * period and the soft reset; non-finite values met counted in *nf (or
 * not, NULL). */
static void fused_step(adex_pop *pop, size_t lo, size_t hi, double t, double dt,
                       adex__nf *nf) {
  adex__step_ctx c;
  adex__pop_step_ctx(pop, t, dt, &c);
  c.nf = nf;
  pop->impl.step(&c, lo, hi);
}

/* Noise on a fixed step without precise spike times: the kernel's fused
 * step for neurons [lo, hi), which is neuron_step's deterministic part
 * bit for bit (refractory period and soft reset included), then each
 * neuron's noise as neuron_step adds it: not while V is held (refractory
 * at the start, or after a spike when tau_ref > 0), and a second spike
 * where the noise reaches the threshold. The noise is added to every
 * neuron at once (the kernel's noise_add); then the flagged ones, in
 * order, get their spikes recorded and the second spike's reset. */
static void run_block_fused_noise(adex_pop *pop, ev_sink *sink, size_t lo,
                                  size_t hi, double t, double dt) {
  fused_step(pop, lo, hi, t, dt, &pop->nf_step);
  const bool ref = pop->tau_ref > 0;
  size_t n = hi - lo;
  /* (refractory without a spike, or after a spike: held all step) */
  const bool *held = ref ? pop->refractory + lo : NULL;
  unsigned char flag[ADEX__EV_BLOCK + 8] = {0};
  double vth[ADEX__EV_BLOCK];
  if (pop->per != NULL)
    for (size_t k = 0; k < n; k++) vth[k] = pop->per[lo + k].p.V_th;
  pop->noise_add(pop->V.f64 + lo, sink->xi, pop->spike + lo, held,
                 pop->per != NULL ? vth : NULL, pop->uniform.p.V_th,
                 pop->noise * sqrt(dt), n, flag);
  for (size_t k0 = 0; k0 < n; k0 += 8) {
    uint64_t word;
    memcpy(&word, flag + k0, sizeof word);
    if (word == 0) continue; /* the common case: 8 neurons at once */
    for (size_t i = lo + k0; i < lo + k0 + 8 && i < hi; i++) {
      if (!flag[i - lo]) continue;
      if (pop->spike[i]) record_spike(pop, sink, i, t);
      if (held != NULL && held[i - lo]) continue;
      const adex__nparams *np = pop->per != NULL ? &pop->per[i] : &pop->uniform;
      if (!adex__is_spike(np, pop->V.f64[i])) continue;
      record_spike(pop, sink, i, t);
      pop->V.f64[i] = reset_V(pop, np, pop->V.f64[i]);
      pop->w.f64[i] = adex__clamp_w(pop->w.f64[i] + np->p.b);
      pop->spike[i] = true;
      if (ref) pop->refractory[i] = true;
    }
  }
}

/* Precise spike times on a fixed step (no noise): the kernel's fused step
 * for neurons [lo, hi), then neuron_step again, from the state saved
 * before, for the neurons the fused step cannot finish: those that
 * spiked (their crossing is located, and the rest of the step integrated)
 * and those whose refractory period ends inside the step. Every other
 * neuron takes one whole step of dt, free or held, which is what
 * neuron_step computes for it, bit for bit. A block goes in chunks of
 * PRECISE_CHUNK neurons, whose saved state stays in the first-level
 * cache from the save to the redo. */
#define PRECISE_CHUNK 256

/* On x86-64 without AVX2 in the baseline, an AVX2 clone of redo_flags as
 * well, which the loader picks where the CPU has it: its loop mixes
 * doubles and bytes, which the compiler vectorises with AVX2, not SSE2. */
#if defined(__x86_64__) && !defined(__AVX2__) && defined(__has_attribute)
#if __has_attribute(target_clones)
#define REDO_CLONES __attribute__((target_clones("avx2", "default")))
#endif
#endif
#ifndef REDO_CLONES
#define REDO_CLONES
#endif

/* The neurons of a chunk to redo, redo[k] = 1: spiked (spk[k]), or held
 * at the start (ref[k]) with the hold ending inside the step (held the
 * whole step, the fused step's result is exact); tls[k] is the last
 * spike's time, which the fused step changes only where it spiked. No
 * branch per neuron: the held ones are a few per cent, in no order a
 * predictor learns. */
REDO_CLONES
static void redo_flags(uint8_t *restrict redo, const uint8_t *restrict spk,
                       const uint8_t *restrict ref, const double *restrict tls,
                       size_t n, double tr, double t, double dt) {
  for (size_t k = 0; k < n; k++) {
    uint8_t ends = !(tls[k] + tr - t >= dt);
    redo[k] = spk[k] | (ref[k] & ends);
  }
}

/* One chunk of run_block_fused_precise, neurons [lo, hi); c is the
 * kernel's context of the step. */
static void run_chunk_fused_precise(adex_pop *pop, const adex__step_ctx *c,
                                    ev_sink *sink, size_t lo, size_t hi,
                                    double t, double dt) {
  double V0[PRECISE_CHUNK], w0[PRECISE_CHUNK], I0[PRECISE_CHUNK];
  uint8_t redo[PRECISE_CHUNK + 8];
  size_t n = hi - lo;
  double tr = pop->tau_ref;
  memcpy(V0, pop->V.f64 + lo, n * sizeof *V0);
  memcpy(w0, pop->w.f64 + lo, n * sizeof *w0);
  memcpy(I0, pop->input.f64 + lo, n * sizeof *I0);
  /* non-finite values counted there, not again by neuron_step */
  pop->impl.step(c, lo, hi);
  if (tr > 0)
    redo_flags(redo, (const uint8_t *)(pop->spike + lo),
               (const uint8_t *)(pop->refractory + lo),
               pop->t_last_spike.f64 + lo, n, tr, t, dt);
  else
    memcpy(redo, pop->spike + lo, n);
  memset(redo + n, 0, 8);
  /* the flags eight at a time */
  for (size_t k0 = 0; k0 < n; k0 += 8) {
    uint64_t word;
    memcpy(&word, redo + k0, sizeof word);
    for (; word != 0; word &= word - 1) { /* a flag is one byte, 0 or 1 */
      size_t k = k0 + (size_t)(__builtin_ctzll(word) >> 3), i = lo + k;
      pop->V.f64[i] = V0[k];
      pop->w.f64[i] = w0[k];
      pop->input.f64[i] = I0[k];
      /* The last spike's time, which the fused step stamped where it
       * spiked, was not saved: such a neuron was not held at the start
       * (the fused step holds it then), its last spike more than tau_ref
       * before t, and any such time, -inf as well, reads the same in
       * neuron_step; the spike found again replaces it. */
      if (tr > 0 && pop->spike[i]) pop->t_last_spike.f64[i] = -INFINITY;
      neuron_step(pop, sink, i, pop->per != NULL ? &pop->per[i] : &pop->uniform,
                  t, dt, false);
    }
  }
}

static void run_block_fused_precise(adex_pop *pop, ev_sink *sink, size_t lo,
                                    size_t hi, double t, double dt) {
  adex__step_ctx c;
  adex__pop_step_ctx(pop, t, dt, &c);
  c.nf = &pop->nf_step;
  for (size_t k = lo; k < hi; k += PRECISE_CHUNK)
    run_chunk_fused_precise(pop, &c, sink, k,
                            hi - k > PRECISE_CHUNK ? k + PRECISE_CHUNK : hi, t,
                            dt);
}

/* Advance the neurons of block b; its spikes go to its part of the list.
 * The adaptive mode without precise spike times or noise goes to the
 * kernel's driver when it has one (many neurons at once, kernel_simd.c). */
static void run_block(adex_pop *pop, size_t b, double t, double dt) {
  size_t lo, hi, off, cap;
  adex__ev_block_at(pop->num, b, &lo, &hi, &off, &cap);
  if (pop->impl.adaptive != NULL && pop->adaptive && !pop->precise &&
      pop->noise == 0 && !pop->force_general) {
    adex__adapt_ctx a = {
        .method = pop->method,
        .V = pop->V.f64,
        .w = pop->w.f64,
        .input = pop->input.f64,
        .drive = pop->drive.f64,
        .t_last_spike = pop->t_last_spike.f64,
        .h_sub = pop->h_sub,
        .spike = pop->spike,
        .uniform = pop->per == NULL ? &pop->uniform : NULL,
        .per = pop->per,
        .soa = adex__pop_soa(pop),
        .t = t,
        .dt = dt,
        .tol = pop->tol,
        .tau_ref = pop->tau_ref,
        .soft = pop->spk_reset == ADEX_SPK_RESET_SOFT,
        .refractory = pop->tau_ref > 0 ? pop->refractory : NULL,
        .ev = pop->events + off,
        .n_ev = 0,
        .cap_ev = cap,
        .dropped = 0,
        .nf = &pop->nf_step,
    };
    pop->impl.adaptive(&a, lo, hi);
    pop->ev_blocks[b].n = a.n_ev;
    pop->ev_blocks[b].dropped = a.dropped;
    return;
  }
  /* the step's normal values of the block's neurons: the stream of the
   * step (keyed by the noise seed and the step's index), value i of it
   * for neuron i (rng.h), by the kernel's generator */
  double xi[ADEX__EV_BLOCK + 2 * ADEX__NORMAL_CHUNK];
  ev_sink sink = {pop->events + off, 0, cap, 0, NULL, lo};
  if (pop->noise > 0) {
    /* by global id (first_id + i): the chunks that cover the block */
    uint64_t key = adex__rng_u64(pop->noise_seed, (uint64_t)llround(t / dt));
    uint64_t g = pop->first_id + lo, c0 = g / ADEX__NORMAL_CHUNK;
    uint64_t c1 =
        (pop->first_id + hi + ADEX__NORMAL_CHUNK - 1) / ADEX__NORMAL_CHUNK;
    pop->normals(key, c0, c1 - c0, xi);
    sink.xi = xi + (g - c0 * ADEX__NORMAL_CHUNK);
  }
  if (pop->fused_precise || pop->fused_noise) {
    if (pop->fused_precise)
      run_block_fused_precise(pop, &sink, lo, hi, t, dt);
    else
      run_block_fused_noise(pop, &sink, lo, hi, t, dt);
    pop->ev_blocks[b].n = sink.n;
    pop->ev_blocks[b].dropped = sink.dropped;
    return;
  }
  for (size_t i = lo; i < hi; i++)
    neuron_step(pop, &sink, i, pop->per != NULL ? &pop->per[i] : &pop->uniform,
                t, dt, true);
  pop->ev_blocks[b].n = sink.n;
  pop->ev_blocks[b].dropped = sink.dropped;
}

/* Blocks of neurons, each on its own (OpenMP threads take them one at a
 * time: the cost per neuron varies, with sub-steps and spikes), then the
 * blocks' events moved together in block order: the list is the same
 * whatever the number of threads. */
void adex__pop_step_general(adex_pop *pop, double t, double dt) {
  size_t nb = (pop->num + ADEX__EV_BLOCK - 1) / ADEX__EV_BLOCK;
  int nt = adex__pop_threads(pop, pop->num);
  if (nt > 1) {
#ifdef _OPENMP
#pragma omp parallel for num_threads(nt) schedule(dynamic, 1)
    for (size_t b = 0; b < nb; b++) run_block(pop, b, t, dt);
#endif
  } else {
    for (size_t b = 0; b < nb; b++) run_block(pop, b, t, dt);
  }
  size_t total = 0;
  for (size_t b = 0; b < nb; b++) {
    size_t lo, hi, off, cap;
    adex__ev_block_at(pop->num, b, &lo, &hi, &off, &cap);
    if (off != total && pop->ev_blocks[b].n > 0)
      memmove(pop->events + total, pop->events + off,
              pop->ev_blocks[b].n * sizeof *pop->events);
    total += pop->ev_blocks[b].n;
    pop->events_dropped += pop->ev_blocks[b].dropped;
  }
  pop->n_events = total;
}
