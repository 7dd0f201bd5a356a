/* method_formulas.h - one neuron's step of each method, the scalar
 * reference formulas (internal).
 *
 * method_exp_euler.c and method_rk.c build the scalar kernels from these;
 * kernel_simd.c compiles them again, with the instruction set's fused
 * multiply-add, as its one-neuron functions (the general path's
 * sub-steps). The SIMD kernels compute the same operations lane by lane,
 * so every kernel gives the same bits (tests/test_perf_exactness.c).
 */
#ifndef ADEX_METHOD_FORMULAS_H
#define ADEX_METHOD_FORMULAS_H

#include <stdbool.h>
#include <stddef.h>

#include "kernel.h"
#include "method_internal.h"
#include "xmath.h"

/* The scalar kernels' entry points are compiled twice where the compiler
 * can (x86-64 GCC and Clang): for CPUs with fused multiply-add, which the
 * formulas use through fma(), as an instruction, and for the others, with
 * the C library's fma (exact, and slow); the loader picks one. Both give
 * the same bits: fma is correctly rounded either way. */
#if defined(__x86_64__) && !defined(__FMA__) && defined(__has_attribute)
#if __has_attribute(target_clones)
#define ADEX__FMA_CLONES __attribute__((target_clones("fma", "default")))
#endif
#endif
#ifndef ADEX__FMA_CLONES
#define ADEX__FMA_CLONES
#endif

/* The formulas, and the loops of the scalar kernels around them, are
 * always inlined: into each clone, with its own target. */
#define ADEX__FORMULA static inline __attribute__((always_inline))

/* BrainPy's exponential Euler (docs/semantics.md section 4) for one neuron over a step
 * h, from the old (V, w):
 *   E = exp((V - V_T)/delta_T),
 *   V' = V + h phi(h (E - 1)/tau) (-(V - V_rest) + delta_T E - R w + R I)/tau,
 *   w' = w + h phi(-h/tau_w) (a (V - V_rest) - w)/tau_w,
 * with h_k = h/tau and w_k = h phi(-h/tau_w)/tau_w (adex__expe_coefs):
 *   S = fma(delta_T, E, -(V - V_rest)) + R (I - w),
 *   V' = fma(phi((E - 1) h_k), S h_k, V),   w' = fma(w_k, a (V - V_rest) - w, w).
 * Every division is a product with a reciprocal: against the correctly
 * rounded quotient in the exponent, that leaves the error of V' as it was
 * (measured over V in [-80, -40] mV, w in [0, 20], I in [0, 40], against
 * long double: at most 2.9 ulp of V against 2.6, above 0.5 ulp in 3.6% of
 * the cases against 3.5%) and saves two of the step's 33 multiply-adds.
 * delta_T = 0: the exponent is -1e300 (V_T_x), E = 0.
 * The same operations as the SIMD kernels, lane by lane. */
ADEX__FORMULA void adex__expe_integrate(const adex__nparams *np, double V,
                                        double w, double I, double h_k,
                                        double w_k, double *V_new,
                                        double *w_new) {
  const adex_params *p = &np->p;
  double E = adex__exp((V - np->V_T_x) * np->inv_delta_T_x);
  double d = V - p->V_rest;
  double S = fma(p->delta_T, E, -d) + p->R * (I - w);
  *V_new = fma(adex__phi((E - 1.0) * h_k), S * h_k, V);
  *w_new = fma(w_k, p->a * d - w, w);
}

/* The one-neuron step of exp_auto for any h (the general path). */
ADEX__FORMULA void adex__expe_any(const adex__nparams *np, double V, double w,
                                  double I, double h, double out[2],
                                  double err[2]) {
  double h_k = np->h_k, w_k = np->w_k;
  if (h != np->dt) adex__expe_coefs(np, h, &h_k, &w_k);
  adex__expe_integrate(np, V, w, I, h_k, w_k, &out[0], &out[1]);
  if (err != NULL) err[0] = err[1] = 0.0;
}

/* w' of exp_auto in float (adex__expe_integrate32's), alone: for a
 * neuron whose V is held, whose V' is not needed. */
ADEX__FORMULA float adex__expe_w32(const adex__np32 *q, float V, float w) {
  float d = V - q->V_rest;
  return fmaf(q->w_k, q->a * d - w, w);
}

/* The same in float, over the step q was made for. */
ADEX__FORMULA void adex__expe_integrate32(const adex__np32 *q, float V, float w,
                                          float I, float *V_new, float *w_new) {
  float E = adex__expf((V - q->V_T_x) * q->inv_delta_T_x);
  float d = V - q->V_rest;
  float S = fmaf(q->delta_T, E, -d) + q->R * (I - w);
  *V_new = fmaf(adex__phif((E - 1.0f) * q->h_k), S * q->h_k, V);
  *w_new = adex__expe_w32(q, V, w);
}

/* A Butcher tableau's step of size h from (V, w): the propagated solution
 * and, if err is not NULL, the embedded estimate h sum (b_i - bh_i) k_i.
 * Stage i evaluates both right-hand sides (adex__rhs_at) at
 *   V_i = V + h sum_j a_ij kV_j,   w_i = w + h sum_j a_ij kw_j   (j < i),
 * with V_i replaced by min(V_i, V_th) (NEST's guard).
 * Zero coefficients are skipped (with a constant tableau the compiler
 * drops them); sums run in index order from 0, each term added by a
 * fused multiply-add (one rounding per term, and half the operations).
 *
 * A fixed step (err NULL) from V < V_th crosses the threshold inside its
 * stages when a stage's slope carries it to V_th by the end of the step,
 * V_i + (1 - c_i) h kV_i >= V_th. From then on every stage takes
 * V = V_th, where the guarded solution stays until the reset, and the
 * step ends at V_th at least: a spike. Without this, a tableau with
 * negative coefficients (rkf45, rkdp, ck) cancels slopes of the cut-off's
 * size (up to exp((V_th - V_T)/delta_T)/tau) into stages far below any V
 * the neuron takes, V' below V_th and w' far off scale (docs/numerics.md,
 * *Fixed steps at the cut-off*). The adaptive mode (err given) keeps the
 * plain guard: its error estimate rejects such a sub-step. */
ADEX__FORMULA void adex__rk_integrate(const adex__rk_tableau *tb,
                                      const adex__nparams *np, double V,
                                      double w, double RI, double h,
                                      double out[2], double err[2]) {
  double kV[ADEX__RK_MAX_STAGES], kw[ADEX__RK_MAX_STAGES];
  const double V_th = np->p.V_th;
  int stages = err != NULL ? tb->stages : tb->nprop;
  /* what a stage's slope must reach: V_th; from V >= V_th, or in the
   * adaptive mode, nothing (inf) */
  const double cross_at = err == NULL && V < V_th ? V_th : INFINITY;
  bool crossed = false;
  for (int s = 0; s < stages; s++) {
    double sV = 0.0, sw = 0.0;
    for (int j = 0; j < s; j++) {
      if (tb->a[s][j] == 0.0) continue;
      sV = fma(tb->a[s][j], kV[j], sV);
      sw = fma(tb->a[s][j], kw[j], sw);
    }
    double Vs = V + h * sV;
    double Vg = Vs < V_th && !crossed ? Vs : V_th;
    adex__rhs_at(np, Vg, w + h * sw, RI, &kV[s], &kw[s]);
    /* the stage's slope carries it to V_th within the step */
    crossed |= fma((1.0 - tb->c[s]) * h, kV[s], Vs) >= cross_at;
  }
  const double *b = err != NULL && tb->adaptive_hat ? tb->bh : tb->b;
  double sV = 0.0, sw = 0.0;
  for (int s = 0; s < stages; s++) {
    if (b[s] == 0.0) continue;
    sV = fma(b[s], kV[s], sV);
    sw = fma(b[s], kw[s], sw);
  }
  double V_new = V + h * sV;
  out[0] = crossed && V_new < V_th ? V_th : V_new;
  out[1] = w + h * sw;
  if (err == NULL) return;
  double eV = 0.0, ew = 0.0;
  for (int s = 0; s < tb->stages; s++) {
    double d = tb->b[s] - tb->bh[s];
    if (d == 0.0) continue;
    eV = fma(d, kV[s], eV);
    ew = fma(d, kw[s], ew);
  }
  err[0] = h * eV;
  err[1] = h * ew;
}

/* One step of any size h, for the general path (the error estimate only
 * for embedded pairs). */
ADEX__FORMULA void adex__rk_any(const adex__rk_tableau *tb,
                                const adex__nparams *np, double V, double w,
                                double I, double h, double out[2],
                                double err[2]) {
  if (err != NULL && tb->order_hat == 0) {
    err[0] = err[1] = 0.0;
    err = NULL;
  }
  adex__rk_integrate(tb, np, V, w, np->p.R * I, h, out, err);
}

#endif /* ADEX_METHOD_FORMULAS_H */
