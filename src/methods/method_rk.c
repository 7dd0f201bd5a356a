/* method_rk.c - the explicit Runge-Kutta methods BrainPy registers, as
 * constant Butcher tableaux run by one generic step.
 *
 * (V, w) are integrated jointly: stage i evaluates both right-hand sides at
 *   V_i = V + h sum_j a_ij kV_j,   w_i = w + h sum_j a_ij kw_j   (j < i)
 * and the step is y' = y + h sum_i b_i k_i. The input I is constant over the
 * step, and the model is autonomous, so the nodes c_i are not needed here.
 *
 * The guard of docs/semantics.md section 5 (NEST's aeif_cond_alpha): inside the
 * right-hand side V is replaced by min(V, V_th) in every term of both
 * equations. Below the cut-off nothing changes; above it the exponential
 * is at most exp((V_th - V_T)/delta_T) <= exp(500) (adex_params_check), so
 * no stage overflows where BrainPy's would turn V into NaN. After the step
 * adex__fire() applies threshold and reset (phases 2-4).
 *
 * Embedded pairs carry both weight rows. In fixed-step mode the row BrainPy
 * v2 propagates (its B1) is `b`: the higher-order one for every pair here
 * (rkf45 propagates the 5th-order solution; rkf12's B1 is its 2nd-order
 * row). The other row is `bh`, for the adaptive mode's error estimate.
 *
 * Tableaux: Butcher, "Numerical Methods for Ordinary Differential
 * Equations" (2016); Hairer, Norsett & Wanner, "Solving ODEs I" (1993),
 * II.1 and II.4; Ralston, Math. Comp. 16:431 (1962) (ralston2/3/4, with the
 * exact surd values of the 4th-order method where BrainPy rounds to 8
 * digits); Shu & Osher, J. Comp. Phys. 77:439 (1988) (ssprk3); Fehlberg,
 * NASA TR R-315 (1969) (rkf12, rkf45); Dormand & Prince, J. Comp. Appl.
 * Math. 6:19 (1980); Cash & Karp, ACM TOMS 16:201 (1990); Bogacki &
 * Shampine, Appl. Math. Lett. 2:321 (1989) (the published a_43 = 4/9, where
 * BrainPy's copy has 4/0).
 */
#include <stdbool.h>
#include <stddef.h>

#include "kernel.h"
#include "method_formulas.h"
#include "method_internal.h"
#include "stability.h"

/* ------------------------------------------------------------ tableaux */

static const adex__rk_tableau tab_euler = {
    .stages = 1,
    .nprop = 1,
    .order = 1,
    .order_hat = 0,
    .c = {0.0},
    .b = {1.0},
};

static const adex__rk_tableau tab_midpoint = {
    .stages = 2,
    .nprop = 2,
    .order = 2,
    .order_hat = 0,
    .c = {0.0, 0.5},
    .a = {{0}, {0.5}},
    .b = {0.0, 1.0},
};

static const adex__rk_tableau tab_heun2 = {
    .stages = 2,
    .nprop = 2,
    .order = 2,
    .order_hat = 0,
    .c = {0.0, 1.0},
    .a = {{0}, {1.0}},
    .b = {0.5, 0.5},
};

static const adex__rk_tableau tab_ralston2 = {
    .stages = 2,
    .nprop = 2,
    .order = 2,
    .order_hat = 0,
    .c = {0.0, 2.0 / 3.0},
    .a = {{0}, {2.0 / 3.0}},
    .b = {0.25, 0.75},
};

/* Generic second order with beta = 2/3 (BrainPy's default):
 * a_21 = c_2 = beta, b = (1 - 1/(2 beta), 1/(2 beta)). */
#define RK2_BETA (2.0 / 3.0)
static const adex__rk_tableau tab_rk2 = {
    .stages = 2,
    .nprop = 2,
    .order = 2,
    .order_hat = 0,
    .c = {0.0, RK2_BETA},
    .a = {{0}, {RK2_BETA}},
    .b = {1.0 - 1.0 / (2.0 * RK2_BETA), 1.0 / (2.0 * RK2_BETA)},
};

/* Kutta's third-order method. */
static const adex__rk_tableau tab_rk3 = {
    .stages = 3,
    .nprop = 3,
    .order = 3,
    .order_hat = 0,
    .c = {0.0, 0.5, 1.0},
    .a = {{0}, {0.5}, {-1.0, 2.0}},
    .b = {1.0 / 6.0, 2.0 / 3.0, 1.0 / 6.0},
};

static const adex__rk_tableau tab_heun3 = {
    .stages = 3,
    .nprop = 3,
    .order = 3,
    .order_hat = 0,
    .c = {0.0, 1.0 / 3.0, 2.0 / 3.0},
    .a = {{0}, {1.0 / 3.0}, {0.0, 2.0 / 3.0}},
    .b = {0.25, 0.0, 0.75},
};

static const adex__rk_tableau tab_ralston3 = {
    .stages = 3,
    .nprop = 3,
    .order = 3,
    .order_hat = 0,
    .c = {0.0, 0.5, 0.75},
    .a = {{0}, {0.5}, {0.0, 0.75}},
    .b = {2.0 / 9.0, 1.0 / 3.0, 4.0 / 9.0},
};

/* Shu-Osher strong-stability-preserving third order. */
static const adex__rk_tableau tab_ssprk3 = {
    .stages = 3,
    .nprop = 3,
    .order = 3,
    .order_hat = 0,
    .c = {0.0, 1.0, 0.5},
    .a = {{0}, {1.0}, {0.25, 0.25}},
    .b = {1.0 / 6.0, 1.0 / 6.0, 2.0 / 3.0},
};

static const adex__rk_tableau tab_rk4 = {
    .stages = 4,
    .nprop = 4,
    .order = 4,
    .order_hat = 0,
    .c = {0.0, 0.5, 0.5, 1.0},
    .a = {{0}, {0.5}, {0.0, 0.5}, {0.0, 0.0, 1.0}},
    .b = {1.0 / 6.0, 1.0 / 3.0, 1.0 / 3.0, 1.0 / 6.0},
};

/* Ralston's minimum-error-bound 4th order, exact values (s = sqrt 5):
 * c3 = 7/8 - 3s/16, a31 = (1428s - 2889)/1024, a32 = (3785 - 1620s)/1024,
 * a41 = (2094s - 3365)/6040, a42 = -(975 + 3046s)/2552,
 * a43 = (467040 + 203968s)/240845, b1 = (263 + 24s)/1812,
 * b2 = (125 - 1000s)/3828, b3 = 1024(3346 + 1623s)/5924787,
 * b4 = (30 - 4s)/123. */
static const adex__rk_tableau tab_ralston4 = {
    .stages = 4,
    .nprop = 4,
    .order = 4,
    .order_hat = 0,
    .c = {0.0, 0.4, 0.455737254218789431923, 1.0},
    .a = {{0},
          {0.4},
          {0.296977609247753600071, 0.158759644971035831853},
          {0.218100388225920467596, -3.05096514869293080535,
           3.83286476046701033776}},
    .b = {0.174760282262690371255, -0.551480662878732940546,
          1.20553559939652353503, 0.171184781219519034263},
};

/* Kutta's 3/8 rule. */
static const adex__rk_tableau tab_rk4_38rule = {
    .stages = 4,
    .nprop = 4,
    .order = 4,
    .order_hat = 0,
    .c = {0.0, 1.0 / 3.0, 2.0 / 3.0, 1.0},
    .a = {{0}, {1.0 / 3.0}, {-1.0 / 3.0, 1.0}, {1.0, -1.0, 1.0}},
    .b = {0.125, 0.375, 0.375, 0.125},
};

/* Fehlberg 1(2): BrainPy propagates the 2nd-order row; the adaptive mode
 * propagates the 1st-order one, as Fehlberg designed the pair: its error
 * constant is 1/512 of the usual, and the estimate measures its error. */
static const adex__rk_tableau tab_rkf12 = {
    .stages = 3,
    .nprop = 3,
    .order = 2,
    .order_hat = 1,
    .adaptive_hat = 1,
    .c = {0.0, 0.5, 1.0},
    .a = {{0}, {0.5}, {1.0 / 256.0, 255.0 / 256.0}},
    .b = {1.0 / 512.0, 255.0 / 256.0, 1.0 / 512.0},
    .bh = {1.0 / 256.0, 255.0 / 256.0, 0.0},
};

/* Fehlberg 4(5): the 5th-order row is propagated (local extrapolation). */
static const adex__rk_tableau tab_rkf45 = {
    .stages = 6,
    .nprop = 6,
    .order = 5,
    .order_hat = 4,
    .c = {0.0, 0.25, 0.375, 12.0 / 13.0, 1.0, 0.5},
    .a = {{0},
          {0.25},
          {3.0 / 32.0, 9.0 / 32.0},
          {1932.0 / 2197.0, -7200.0 / 2197.0, 7296.0 / 2197.0},
          {439.0 / 216.0, -8.0, 3680.0 / 513.0, -845.0 / 4104.0},
          {-8.0 / 27.0, 2.0, -3544.0 / 2565.0, 1859.0 / 4104.0, -11.0 / 40.0}},
    .b = {16.0 / 135.0, 0.0, 6656.0 / 12825.0, 28561.0 / 56430.0, -9.0 / 50.0,
          2.0 / 55.0},
    .bh = {25.0 / 216.0, 0.0, 1408.0 / 2565.0, 2197.0 / 4104.0, -0.2, 0.0},
};

/* Dormand-Prince 5(4); FSAL: the 7th stage only serves the estimate. */
static const adex__rk_tableau tab_rkdp = {
    .stages = 7,
    .nprop = 6,
    .order = 5,
    .order_hat = 4,
    .c = {0.0, 0.2, 0.3, 0.8, 8.0 / 9.0, 1.0, 1.0},
    .a = {{0},
          {0.2},
          {3.0 / 40.0, 9.0 / 40.0},
          {44.0 / 45.0, -56.0 / 15.0, 32.0 / 9.0},
          {19372.0 / 6561.0, -25360.0 / 2187.0, 64448.0 / 6561.0,
           -212.0 / 729.0},
          {9017.0 / 3168.0, -355.0 / 33.0, 46732.0 / 5247.0, 49.0 / 176.0,
           -5103.0 / 18656.0},
          {35.0 / 384.0, 0.0, 500.0 / 1113.0, 125.0 / 192.0, -2187.0 / 6784.0,
           11.0 / 84.0}},
    .b = {35.0 / 384.0, 0.0, 500.0 / 1113.0, 125.0 / 192.0, -2187.0 / 6784.0,
          11.0 / 84.0, 0.0},
    .bh = {5179.0 / 57600.0, 0.0, 7571.0 / 16695.0, 393.0 / 640.0,
           -92097.0 / 339200.0, 187.0 / 2100.0, 1.0 / 40.0},
};

/* Cash-Karp 5(4). */
static const adex__rk_tableau tab_ck = {
    .stages = 6,
    .nprop = 6,
    .order = 5,
    .order_hat = 4,
    .c = {0.0, 0.2, 0.3, 0.6, 1.0, 0.875},
    .a = {{0},
          {0.2},
          {3.0 / 40.0, 9.0 / 40.0},
          {0.3, -0.9, 1.2},
          {-11.0 / 54.0, 2.5, -70.0 / 27.0, 35.0 / 27.0},
          {1631.0 / 55296.0, 175.0 / 512.0, 575.0 / 13824.0, 44275.0 / 110592.0,
           253.0 / 4096.0}},
    .b = {37.0 / 378.0, 0.0, 250.0 / 621.0, 125.0 / 594.0, 0.0, 512.0 / 1771.0},
    .bh = {2825.0 / 27648.0, 0.0, 18575.0 / 48384.0, 13525.0 / 55296.0,
           277.0 / 14336.0, 0.25},
};

/* Bogacki-Shampine 3(2), the published tableau; FSAL. */
static const adex__rk_tableau tab_bs = {
    .stages = 4,
    .nprop = 3,
    .order = 3,
    .order_hat = 2,
    .c = {0.0, 0.5, 0.75, 1.0},
    .a = {{0}, {0.5}, {0.0, 0.75}, {2.0 / 9.0, 1.0 / 3.0, 4.0 / 9.0}},
    .b = {2.0 / 9.0, 1.0 / 3.0, 4.0 / 9.0, 0.0},
    .bh = {7.0 / 24.0, 0.25, 1.0 / 3.0, 0.125},
};

/* Heun 2 with Euler 1 embedded. */
static const adex__rk_tableau tab_heun_euler = {
    .stages = 2,
    .nprop = 2,
    .order = 2,
    .order_hat = 1,
    .c = {0.0, 1.0},
    .a = {{0}, {1.0}},
    .b = {0.5, 0.5},
    .bh = {1.0, 0.0},
};

/* ------------------------------------------------------------ the step */

/* One neuron, one step of dt, fused with threshold and reset, with the
 * options ref (a refractory period) and soft (the soft reset) when set. */
ADEX__FORMULA void rk_one(const adex__rk_tableau *tb, const adex__step_ctx *c,
                          size_t i, const adex__nparams *np, bool ref,
                          bool soft) {
  double out[2];
  adex__rk_integrate(tb, np, c->V[i], c->w[i], np->p.R * adex__ctx_I(c, i),
                     c->dt, out, NULL);
  if (ref || soft)
    adex__fire_opts(c, i, np, c->V[i], out[0], out[1], ref, soft);
  else
    adex__fire(c, i, np, out[0], out[1]);
}

/* Neurons [lo, hi) with the options as constants: shared parameters are
 * hoisted out of the loop. */
ADEX__FORMULA void rk_range_opts(const adex__rk_tableau *tb,
                                 const adex__step_ctx *c, size_t lo, size_t hi,
                                 bool ref, bool soft) {
  if (c->uniform != NULL) {
    const adex__nparams np = *c->uniform;
    for (size_t i = lo; i < hi; i++) rk_one(tb, c, i, &np, ref, soft);
  } else {
    for (size_t i = lo; i < hi; i++) rk_one(tb, c, i, &c->per[i], ref, soft);
  }
}

/* The population loop, one specialised loop per combination of the
 * options. */
ADEX__FORMULA void rk_range(const adex__rk_tableau *tb, const adex__step_ctx *c,
                            size_t lo, size_t hi) {
  bool ref = c->tau_ref > 0;
  if (ref && c->soft)
    rk_range_opts(tb, c, lo, hi, true, true);
  else if (ref)
    rk_range_opts(tb, c, lo, hi, true, false);
  else if (c->soft)
    rk_range_opts(tb, c, lo, hi, false, true);
  else
    rk_range_opts(tb, c, lo, hi, false, false);
}

/* ------------------------------------------------------------ the tables */

static const char *const no_aliases[] = {NULL};

/* One method: a step function specialised to its tableau (the generic
 * rk_range inlined with constant coefficients) and its table. */
#define ADEX__RK_METHOD(id, ord, nstages, emb)                                 \
  ADEX__FMA_CLONES                                                             \
  static void id##_step(const adex__step_ctx *c, size_t lo, size_t hi) {       \
    rk_range(&tab_##id, c, lo, hi);                                            \
  }                                                                            \
  ADEX__FMA_CLONES                                                             \
  static void id##_one(const adex_method *m, const adex__nparams *np,          \
                       double V, double w, double I, double h, double out[2],  \
                       double err[2]) {                                        \
    (void)m;                                                                   \
    adex__rk_any(&tab_##id, np, V, w, I, h, out, err);                         \
  }                                                                            \
  const adex_method adex__method_##id = {                                      \
      .name = #id,                                                             \
      .aliases = no_aliases,                                                   \
      .order = ord,                                                            \
      .stages = nstages,                                                       \
      .embedded = emb,                                                         \
      .prepare = NULL,                                                         \
      .step = id##_step,                                                       \
      .one = id##_one,                                                         \
      .fused_opts = true,                                                      \
      .amplification = adex__amp_rk,                                           \
      .tableau = &tab_##id,                                                    \
      .simd = &adex__simd_rk,                                                  \
  }

ADEX__RK_METHOD(euler, 1, 1, 0);
ADEX__RK_METHOD(midpoint, 2, 2, 0);
ADEX__RK_METHOD(heun2, 2, 2, 0);
ADEX__RK_METHOD(ralston2, 2, 2, 0);
ADEX__RK_METHOD(rk2, 2, 2, 0);
ADEX__RK_METHOD(rk3, 3, 3, 0);
ADEX__RK_METHOD(heun3, 3, 3, 0);
ADEX__RK_METHOD(ralston3, 3, 3, 0);
ADEX__RK_METHOD(ssprk3, 3, 3, 0);
ADEX__RK_METHOD(rk4, 4, 4, 0);
ADEX__RK_METHOD(ralston4, 4, 4, 0);
ADEX__RK_METHOD(rk4_38rule, 4, 4, 0);
ADEX__RK_METHOD(rkf12, 2, 3, 1);
ADEX__RK_METHOD(rkf45, 5, 6, 1);
ADEX__RK_METHOD(rkdp, 5, 7, 1);
ADEX__RK_METHOD(ck, 5, 6, 1);
ADEX__RK_METHOD(bs, 3, 4, 1);
ADEX__RK_METHOD(heun_euler, 2, 2, 1);
