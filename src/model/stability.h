/* stability.h - the linear stability of a fixed step (internal).
 *
 * Below the exponential's range (E -> 0) the model is linear with Jacobian
 *   J = [[-1/tau, -R/tau], [a/tau_w, -1/tau_w]].
 * A fixed explicit step multiplies perturbations by an amplification
 * matrix M(h J); when its spectral radius exceeds the growth of the exact
 * flow, errors grow without bound and the state ends in overflow (euler
 * with tau_w = 0.01 ms at dt = 0.1 ms: x9 per step). adex refuses such a dt
 * with a message giving the largest stable one, instead of producing
 * garbage.
 */
#ifndef ADEX_STABILITY_H
#define ADEX_STABILITY_H

#include "adex/params.h"
#include "adex/status.h"
#include "method_internal.h"

/* Amplification matrix (row-major 2x2) of one step of size h applied to
 * the linear part of the model with parameters p. */
typedef void (*adex__amp_fn)(const adex_method *m, const adex_params *p,
                             double h, double M[4]);

/* Amplification of an explicit Runge-Kutta tableau: stages
 * K_s = J (I + h sum_j a_sj K_j), M = I + h sum_s b_s K_s. */
void adex__amp_rk(const adex_method *m, const adex_params *p, double h,
                  double M[4]);

/* Whether a step of h is stable for p: for a Runge-Kutta method, |R(h
 * lambda)| <= 1 for every eigenvalue lambda of J with Re lambda <= 0; for
 * another method (exp_auto), the spectral radius of its amplification
 * matrix is at most 1 when J has no growing mode (1e-9 slack). */
bool adex__step_is_stable(const adex_method *m, const adex_params *p, double h);

/* ADEX_OK if dt is stable for p (the set of neuron `index`, -1 for every
 * neuron's), else ADEX_ERANGE with a message naming the method, the time
 * constants, the neuron and the largest stable dt (adex_errkey "dt",
 * adex_errindex the neuron). */
adex_status adex__check_stable(const adex_method *m, const adex_params *p,
                               double dt, long long index);

#endif /* ADEX_STABILITY_H */
