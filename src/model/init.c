/* init.c - initializers (BrainPy's ZeroInit, OneInit, Constant, Uniform,
 * Normal, and a caller's array): construction, checks, evaluation. */
#include <math.h>
#include <string.h>

#include "adex/init.h"
#include "internal.h"
#include "rng.h"

/* A zeroed initializer of the given kind. */
static adex_init make(adex_init_kind kind, double a, double b, uint64_t seed) {
  adex_init init;
  memset(&init, 0, sizeof init);
  init.kind = kind;
  init.a = a;
  init.b = b;
  init.seed = seed;
  return init;
}

adex_init adex_init_zero(void) { return make(ADEX_INIT_ZERO, 0, 0, 0); }
adex_init adex_init_one(double value) {
  return make(ADEX_INIT_ONE, value, 0, 0);
}
adex_init adex_init_constant(double value) {
  return make(ADEX_INIT_CONSTANT, value, 0, 0);
}
adex_init adex_init_uniform(double min, double max, uint64_t seed) {
  return make(ADEX_INIT_UNIFORM, min, max, seed);
}
adex_init adex_init_normal(double mean, double scale, uint64_t seed) {
  return make(ADEX_INIT_NORMAL, mean, scale, seed);
}
adex_init adex_init_array(const double *values, size_t len) {
  adex_init init = make(ADEX_INIT_ARRAY, 0, 0, 0);
  init.array = values;
  init.len = len;
  return init;
}

/* "V_initializer: reason": the failure's key and, for an array value,
 * its index (no " (neuron i)" suffix: the reason names it). */
#define COLON(status, key, index, ...)                                         \
  adex__fail_at(status, key, ": ", index, 0, __VA_ARGS__)

adex_status adex_init_check(const adex_init *init, size_t n, const char *what) {
  if (what == NULL) what = "initializer";
  if (init == NULL)
    return ADEX__FAIL_KEY(ADEX_EINVAL, what, -1, "must not be NULL");
  switch (init->kind) {
  case ADEX_INIT_ZERO: return ADEX_OK;
  case ADEX_INIT_ONE:
  case ADEX_INIT_CONSTANT:
    if (!isfinite(init->a))
      return COLON(ADEX_EINVAL, what, -1, "value must be finite, got %g",
                   init->a);
    return ADEX_OK;
  case ADEX_INIT_UNIFORM:
    if (!isfinite(init->a) || !isfinite(init->b) || !(init->a < init->b) ||
        !isfinite(init->b - init->a))
      return COLON(ADEX_EINVAL, what, -1,
                   "Uniform needs finite min < max, got min = %g, max = %g",
                   init->a, init->b);
    return ADEX_OK;
  case ADEX_INIT_NORMAL:
    if (!isfinite(init->a) || !isfinite(init->b) || !(init->b >= 0))
      return COLON(ADEX_EINVAL, what, -1,
                   "Normal needs a finite mean and scale >= 0, got mean = "
                   "%g, scale = %g",
                   init->a, init->b);
    return ADEX_OK;
  case ADEX_INIT_ARRAY:
    if (init->array == NULL)
      return COLON(ADEX_EINVAL, what, -1, "array must not be NULL");
    if (init->len != n)
      return COLON(ADEX_ESIZE, what, -1, "array has %zu values, expected %zu",
                   init->len, n);
    for (size_t i = 0; i < n; i++)
      if (!isfinite(init->array[i]))
        return COLON(ADEX_EINVAL, what, (long long)i,
                     "array value %zu must be finite, got %g", i,
                     init->array[i]);
    return ADEX_OK;
  }
  return COLON(ADEX_EINVAL, what, -1, "unknown initializer kind %d",
               (int)init->kind);
}

adex_status adex_init_eval(const adex_init *init, double *out, size_t n,
                           const char *what) {
  return adex_init_eval_at(init, out, n, 0, what);
}

adex_status adex_init_eval_at(const adex_init *init, double *out, size_t n,
                              uint64_t first, const char *what) {
  adex_status st = adex_init_check(init, n, what);
  if (st != ADEX_OK) return st;
  switch (init->kind) {
  case ADEX_INIT_ZERO:
    for (size_t i = 0; i < n; i++) out[i] = 0.0;
    break;
  case ADEX_INIT_ONE:
  case ADEX_INIT_CONSTANT:
    for (size_t i = 0; i < n; i++) out[i] = init->a;
    break;
  case ADEX_INIT_UNIFORM:
    for (size_t i = 0; i < n; i++)
      out[i] = init->a +
               (init->b - init->a) * adex__rng_uniform(init->seed, first + i);
    break;
  case ADEX_INIT_NORMAL:
    for (size_t i = 0; i < n; i++)
      out[i] = init->a + init->b * adex__rng_normal(init->seed, first + i);
    break;
  case ADEX_INIT_ARRAY: memmove(out, init->array, n * sizeof *out); break;
  }
  return ADEX_OK;
}
