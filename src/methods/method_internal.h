/* method_internal.h - the layout of a method table (internal).
 *
 * Adding a method is adding one of these constant tables to the registry in
 * method_registry.c; the population never switches on the method.
 */
#ifndef ADEX_METHOD_INTERNAL_H
#define ADEX_METHOD_INTERNAL_H

#include "adex/method.h"
#include "kernel.h"
#include "rng.h"

/* Most stages of an explicit Runge-Kutta tableau (Dormand-Prince has 7). */
#define ADEX__RK_MAX_STAGES 7

/* The Butcher tableau of an explicit Runge-Kutta method (method_rk.c):
 *
 *   c_i | a_i1 ... a_i,i-1            stage i: k_i = f(y + h sum_j a_ij k_j)
 *   ----+---------------------
 *       | b_1  ... b_s                y' = y + h sum_i b_i k_i   (propagated)
 *       | bh_1 ... bh_s               y^ = y + h sum_i bh_i k_i  (embedded)
 *
 * `b` is the row the fixed-step method propagates (BrainPy's choice), `bh`
 * the other row of an embedded pair, for the error estimate h sum (b-bh) k
 * of the adaptive mode; all zero for a method without one. */
typedef struct adex__rk_tableau {
  int stages;       /* s, the tableau's size */
  int nprop;        /* stages the propagated row needs: 1 + last i, b_i != 0
                      (FSAL pairs such as rkdp, bs skip their last stage) */
  int order;        /* order of the propagated row b */
  int order_hat;    /* order of the embedded row bh (0: none) */
  int adaptive_hat; /* 1: the adaptive mode propagates bh, the row whose
                       error the estimate measures (Fehlberg 1(2), whose
                       1st-order row has the tiny error constant) */
  double c[ADEX__RK_MAX_STAGES];                      /* c_i = sum_j a_ij */
  double a[ADEX__RK_MAX_STAGES][ADEX__RK_MAX_STAGES]; /* strictly lower */
  double b[ADEX__RK_MAX_STAGES];                      /* propagated weights */
  double bh[ADEX__RK_MAX_STAGES];                     /* embedded weights */
} adex__rk_tableau;

/* One implementation of a method's arithmetic: the fused population loop
 * and the one-neuron step of the general path, which agree bit for bit. */
typedef struct adex__impl {
  adex__step_fn step;
  adex__one_fn one;
  adex__step_fn step32;    /* float32 state computed in float; NULL: the
                           population computes in double through `step`
                           (pop.c) */
  adex__adapt_fn adaptive; /* the plain adaptive mode for many neurons at
                              once; NULL: one neuron at a time through the
                              plain scalar `one` (step_general.c) */
} adex__impl;

/* The SIMD implementations of a family of methods (kernels.c); an entry
 * is {NULL, NULL} where the build has none. */
typedef struct adex__simd_set {
  adex__impl avx2;   /* ADEX_KERNEL_AVX2 */
  adex__impl avx512; /* ADEX_KERNEL_AVX512 */
} adex__simd_set;

struct adex_method {
  const char *name;           /* canonical name, as BrainPy registers it */
  const char *const *aliases; /* NULL-terminated; never NULL */
  int order;                  /* order of accuracy of the propagated solution */
  int stages;                 /* stages of the method (an RK tableau's s); the
                                 fixed step evaluates the right-hand side this
                                 often, FSAL pairs once less */
  int embedded;               /* 1 if it carries an error estimate */
  adex__prepare_fn prepare;   /* dt-dependent constants (may be NULL) */
  adex__step_fn step;         /* one fused step over a range of neurons */
  adex__one_fn one;           /* one neuron, any step size, no reset */
  adex__step_fn step32;       /* float32 state in float, or NULL */
  bool fused_opts;            /* `step` (every kernel's) applies tau_ref and
                                 the soft reset (adex__step_ctx) */
  const adex__rk_tableau *tableau; /* explicit RK methods; NULL otherwise */
  const adex__simd_set *simd;      /* vector kernels; NULL: scalar only.
                                 `step` and `one` above are the plain
                                 scalar reference (ADEX_KERNEL_SCALAR) */
  /* Amplification matrix of a step on the linear part (stability.h);
   * NULL: unconditionally stable. */
  void (*amplification)(const adex_method *m, const adex_params *p, double h,
                        double M[4]);
};

/* The SIMD sets (kernels.c): exp_auto's, and the Runge-Kutta one that
 * reads the tableau from the step's method. */
extern const adex__simd_set adex__simd_expe;
extern const adex__simd_set adex__simd_rk;

/* The implementation of method m for kernel k: ADEX_KERNEL_AUTO picks the
 * fastest the CPU and the build support. Returns ADEX_OK or ADEX_EINVAL
 * (k unknown, or not available here). */
adex_status adex__method_impl(const adex_method *m, adex_kernel k,
                              adex__impl *out);

/* The noise's generator of normal variates for kernel k (rng.h; not AUTO,
 * and available): the same bits whichever. */
adex__normals_fn adex__kernel_normals(adex_kernel k);

/* Its addition of the noise on the fused path (kernel.h). */
adex__noise_add_fn adex__kernel_noise_add(adex_kernel k);

/* FixedProb's vector gap quotients on the best kernel of this CPU
 * (kernel.h), or NULL where there is none (conn.c then computes them one
 * at a time). */
adex__gaps_fn adex__kernel_gaps(void);

/* The method tables, defined by their modules. */
extern const adex_method adex__method_exp_auto;

/* Explicit Runge-Kutta methods (method_rk.c), in BrainPy's order. */
extern const adex_method adex__method_euler;
extern const adex_method adex__method_midpoint;
extern const adex_method adex__method_heun2;
extern const adex_method adex__method_ralston2;
extern const adex_method adex__method_rk2;
extern const adex_method adex__method_rk3;
extern const adex_method adex__method_heun3;
extern const adex_method adex__method_ralston3;
extern const adex_method adex__method_ssprk3;
extern const adex_method adex__method_rk4;
extern const adex_method adex__method_ralston4;
extern const adex_method adex__method_rk4_38rule;
extern const adex_method adex__method_rkf12;
extern const adex_method adex__method_rkf45;
extern const adex_method adex__method_rkdp;
extern const adex_method adex__method_ck;
extern const adex_method adex__method_bs;
extern const adex_method adex__method_heun_euler;

#endif /* ADEX_METHOD_INTERNAL_H */
