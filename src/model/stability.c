/* stability.c - spectral radius of a fixed step's amplification matrix on
 * the linear part of the model, and the check made whenever dt changes.
 * Reference: Hairer & Wanner, "Solving ODEs II" (1996), IV.2 (stability
 * function R(z) of an explicit Runge-Kutta method, here applied to the
 * 2x2 matrix hJ directly). */
#include <math.h>
#include <stdio.h>

#include "internal.h"
#include "stability.h"

/* After the headers: complex.h defines I, a parameter name there. */
#include <complex.h>
#undef I

/* c = a b for row-major 2x2 matrices (c may not alias a or b). */
static void mat_mul(const double a[4], const double b[4], double c[4]) {
  c[0] = a[0] * b[0] + a[1] * b[2];
  c[1] = a[0] * b[1] + a[1] * b[3];
  c[2] = a[2] * b[0] + a[3] * b[2];
  c[3] = a[2] * b[1] + a[3] * b[3];
}

/* The model's Jacobian below the exponential's range. */
static void jacobian(const adex_params *p, double J[4]) {
  J[0] = -1.0 / p->tau;
  J[1] = -p->R / p->tau;
  J[2] = p->a / p->tau_w;
  J[3] = -1.0 / p->tau_w;
}

/* Spectral radius and largest real part of a 2x2 matrix's eigenvalues. */
static void eigen(const double m[4], double *radius, double *re_max) {
  double half_tr = 0.5 * (m[0] + m[3]);
  double det = m[0] * m[3] - m[1] * m[2];
  double disc = half_tr * half_tr - det;
  if (disc >= 0) {
    double r = sqrt(disc);
    *radius = fmax(fabs(half_tr + r), fabs(half_tr - r));
    *re_max = half_tr + r;
  } else {
    *radius = sqrt(det);
    *re_max = half_tr;
  }
}

void adex__amp_rk(const adex_method *m, const adex_params *p, double h,
                  double M[4]) {
  const adex__rk_tableau *tb = m->tableau;
  double J[4], K[ADEX__RK_MAX_STAGES][4];
  jacobian(p, J);
  for (int s = 0; s < tb->nprop; s++) {
    double Y[4] = {1.0, 0.0, 0.0, 1.0};
    for (int j = 0; j < s; j++)
      for (int e = 0; e < 4; e++) Y[e] += h * tb->a[s][j] * K[j][e];
    mat_mul(J, Y, K[s]);
  }
  double out[4] = {1.0, 0.0, 0.0, 1.0};
  for (int s = 0; s < tb->nprop; s++)
    for (int e = 0; e < 4; e++) out[e] += h * tb->b[s] * K[s][e];
  for (int e = 0; e < 4; e++) M[e] = out[e];
}

/* |R(z)| of a tableau's stability function at complex z = h lambda:
 * k_s = lambda (1 + h sum_j a_sj k_j), R = 1 + h sum_s b_s k_s. */
static double rk_stability_abs(const adex__rk_tableau *tb, double complex z) {
  double complex k[ADEX__RK_MAX_STAGES], r = 1.0;
  for (int s = 0; s < tb->nprop; s++) {
    double complex y = 1.0;
    for (int j = 0; j < s; j++) y += tb->a[s][j] * k[j];
    k[s] = z * y; /* h*k_s */
  }
  for (int s = 0; s < tb->nprop; s++) r += tb->b[s] * k[s];
  return cabs(r);
}

bool adex__step_is_stable(const adex_method *m, const adex_params *p,
                          double h) {
  double J[4], rJ, reJ;
  jacobian(p, J);
  eigen(J, &rJ, &reJ);
  if (m->tableau != NULL) {
    /* Each decaying mode must not grow; a growing mode (a R < -1: the
     * model itself runs away) is only approximated. */
    double half_tr = 0.5 * (J[0] + J[3]);
    double disc = half_tr * half_tr - (J[0] * J[3] - J[1] * J[2]);
    double complex lam[2];
    if (disc >= 0) {
      lam[0] = half_tr + sqrt(disc);
      lam[1] = half_tr - sqrt(disc);
    } else {
      lam[0] = half_tr + _Complex_I * sqrt(-disc);
      lam[1] = half_tr - _Complex_I * sqrt(-disc);
    }
    for (int e = 0; e < 2; e++)
      if (creal(lam[e]) <= 0 &&
          rk_stability_abs(m->tableau, h * lam[e]) > 1.0 + 1e-9)
        return false;
    return true;
  }
  if (m->amplification == NULL || reJ > 0) return true;
  double M[4], rM, reM;
  m->amplification(m, p, h, M);
  eigen(M, &rM, &reM);
  return rM <= 1.0 + 1e-9;
}

adex_status adex__check_stable(const adex_method *m, const adex_params *p,
                               double dt, long long index) {
  if (adex__step_is_stable(m, p, dt)) return ADEX_OK;
  char where[48] = "";
  if (index >= 0) snprintf(where, sizeof where, " (neuron %lld)", index);
  /* Largest stable step by bisection (stable at lo, unstable at hi). */
  double lo = 0.0, hi = dt;
  for (int k = 0; k < 60; k++) {
    double mid = 0.5 * (lo + hi);
    if (adex__step_is_stable(m, p, mid))
      lo = mid;
    else
      hi = mid;
  }
  /* The other ways out that exist for this method and these parameters:
   * the adaptive mode needs an embedded pair, and exp_auto is named only
   * when it is not the method and is stable at this dt. */
  const adex_method *expe = &adex__method_exp_auto;
  bool try_expe = m != expe && adex__step_is_stable(expe, p, dt);
  const char *other;
  if (m->embedded)
    other =
        try_expe ? ", the adaptive mode, or exp_auto" : " or the adaptive mode";
  else
    other = try_expe ? ", exp_auto, or an embedded method (rkf45, rkdp, ...) "
                       "in the adaptive mode"
                     : " or an embedded method (rkf45, rkdp, ...) in the "
                       "adaptive mode";
  return adex__fail_at(
      ADEX_ERANGE, "dt", NULL, index, 0,
      "dt = %g ms is unstable for method '%s' with tau = %g ms, "
      "tau_w = %g ms, a = %g, R = %g%s: errors would grow "
      "every step; use dt <= %.3g ms%s",
      dt, m->name, p->tau, p->tau_w, p->a, p->R, where, lo, other);
}
