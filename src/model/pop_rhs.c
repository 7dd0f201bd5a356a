/* pop_rhs.c - the model's right-hand sides dV and dw over arrays, with the
 * population's parameters (BrainPy's AdExIF.dV / AdExIF.dw). */
#include <math.h>

#include "pop_internal.h"

/* Parameters of neuron i (or the shared set). */
static const adex_params *params_at(const adex_pop *pop, size_t i) {
  return pop->per != NULL ? &pop->per[i].p : &pop->uniform.p;
}

/* Arrays of n values fit the population: any n if parameters are shared. */
static adex_status check_n(const adex_pop *pop, const void *a, const void *b,
                           const void *c, const void *out, size_t n) {
  if (a == NULL || b == NULL || c == NULL || out == NULL)
    return adex__fail(ADEX_EINVAL, "arrays must not be NULL");
  if (n == 0) return adex__fail(ADEX_ESIZE, "n must be > 0");
  if (pop->per != NULL && n != pop->num)
    return adex__fail(ADEX_ESIZE,
                      "arrays have %zu values, expected %zu (per-neuron "
                      "parameters)",
                      n, pop->num);
  return ADEX_OK;
}

adex_status adex_pop_dV(const adex_pop *pop, const double *V, double t,
                        const double *w, const double *I_ext, double *out,
                        size_t n) {
  (void)t;
  adex_status st = check_n(pop, V, w, I_ext, out, n);
  if (st != ADEX_OK) return st;
  for (size_t i = 0; i < n; i++) {
    const adex_params *p = params_at(pop, i);
    double expo = p->delta_T == 0.0
                      ? 0.0
                      : p->delta_T * exp((V[i] - p->V_T) / p->delta_T);
    out[i] =
        (-(V[i] - p->V_rest) + expo - p->R * w[i] + p->R * I_ext[i]) / p->tau;
  }
  return ADEX_OK;
}

adex_status adex_pop_dw(const adex_pop *pop, const double *w, double t,
                        const double *V, double *out, size_t n) {
  (void)t;
  adex_status st = check_n(pop, w, V, V, out, n);
  if (st != ADEX_OK) return st;
  for (size_t i = 0; i < n; i++) {
    const adex_params *p = params_at(pop, i);
    out[i] = (p->a * (V[i] - p->V_rest) - w[i]) / p->tau_w;
  }
  return ADEX_OK;
}
