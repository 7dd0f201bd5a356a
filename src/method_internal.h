/* method_internal.h - the layout of a method table (internal).
 *
 * Adding a method is adding one of these constant tables to the registry in
 * method_registry.c; the population never switches on the method.
 */
#ifndef ADEX_METHOD_INTERNAL_H
#define ADEX_METHOD_INTERNAL_H

#include "adex/method.h"
#include "kernel.h"

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
  int stages;      /* s, the tableau's size */
  int nprop;       /* stages the propagated row needs: 1 + last i, b_i != 0
                      (FSAL pairs such as rkdp, bs skip their last stage) */
  int order;       /* order of the propagated row b */
  int order_hat;   /* order of the embedded row bh (0: none) */
  int adaptive_hat; /* 1: the adaptive mode propagates bh, the row whose
                       error the estimate measures (Fehlberg 1(2), whose
                       1st-order row has the tiny error constant) */
  double c[ADEX__RK_MAX_STAGES];                      /* c_i = sum_j a_ij */
  double a[ADEX__RK_MAX_STAGES][ADEX__RK_MAX_STAGES]; /* strictly lower */
  double b[ADEX__RK_MAX_STAGES];                      /* propagated weights */
  double bh[ADEX__RK_MAX_STAGES];                     /* embedded weights */
} adex__rk_tableau;

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
  const adex__rk_tableau *tableau; /* explicit RK methods; NULL otherwise */
  /* Amplification matrix of a step on the linear part (stability.h);
   * NULL: unconditionally stable. */
  void (*amplification)(const adex_method *m, const adex_params *p, double h,
                        double M[4]);
};

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
