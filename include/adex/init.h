/* adex/init.h - initializers: how a per-neuron array gets its values.
 *
 * BrainPy's initializers (ZeroInit, OneInit, Constant, Uniform, Normal) and a
 * caller's array. They give V and w their initial (and reset) values and may
 * give any parameter one value per neuron. Random kinds are counter-based:
 * value i depends only on (seed, i), never on how many values were drawn
 * before, so a population split across threads or ranks gets the same values.
 */
#ifndef ADEX_INIT_H
#define ADEX_INIT_H

#include <stddef.h>
#include <stdint.h>

#include "adex/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum adex_init_kind {
  ADEX_INIT_ZERO,     /* every value 0 (BrainPy ZeroInit; the default) */
  ADEX_INIT_ONE,      /* every value `a` (BrainPy OneInit(value)) */
  ADEX_INIT_CONSTANT, /* every value `a` (BrainPy Constant(value)) */
  ADEX_INIT_UNIFORM,  /* uniform on [a, b) (BrainPy Uniform(min, max)) */
  ADEX_INIT_NORMAL,   /* normal, mean a, standard deviation b (Normal) */
  ADEX_INIT_ARRAY     /* the caller's values: array[0..len) */
} adex_init_kind;

/* A value struct; build it with the adex_init_* helpers below. */
typedef struct adex_init {
  adex_init_kind kind;
  double a;            /* value, min, or mean (unit of the target) */
  double b;            /* max, or standard deviation (unit of the target) */
  uint64_t seed;       /* random kinds: the stream's seed */
  const double *array; /* ARRAY: the values; copied by whoever keeps the init */
  size_t len;          /* ARRAY: number of values; must equal the target's */
} adex_init;

ADEX_API adex_init adex_init_zero(void);
ADEX_API adex_init adex_init_one(double value);
ADEX_API adex_init adex_init_constant(double value);
ADEX_API adex_init adex_init_uniform(double min, double max, uint64_t seed);
ADEX_API adex_init adex_init_normal(double mean, double scale, uint64_t seed);
ADEX_API adex_init adex_init_array(const double *values, size_t len);

/* Check an initializer for a target of n values: finite numbers, min < max,
 * scale >= 0, an array of length n without NaN or inf. `what` names the target
 * in the message ("V_initializer"). Returns ADEX_OK, ADEX_EINVAL or ADEX_ESIZE. */
ADEX_API adex_status adex_init_check(const adex_init *init, size_t n,
                                     const char *what);

/* Evaluate an initializer into out[0..n). Deterministic for a given init.
 * Returns the status of adex_init_check; out is untouched on failure. */
ADEX_API adex_status adex_init_eval(const adex_init *init, double *out,
                                    size_t n, const char *what);

/* The values of neurons first .. first+n-1 of the initializer's sequence
 * (Uniform and Normal draw value k from their stream's k-th number; the
 * others give the same values as adex_init_eval: an array initializer
 * holds these n neurons' values). adex_init_eval is first = 0. */
ADEX_API adex_status adex_init_eval_at(const adex_init *init, double *out,
                                       size_t n, uint64_t first,
                                       const char *what);

#ifdef __cplusplus
}
#endif
#endif /* ADEX_INIT_H */
