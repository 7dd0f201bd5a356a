/* rng.c - SplitMix64 as a counter-based generator, uniform and normal
 * variates; the scalar generator of the noise's normal variates (its
 * arithmetic in xmath_body.h, shared with the SIMD kernels). */
#include <math.h>

#include "rng.h"
#include "xmath.h"

double adex__rng_normal(uint64_t seed, uint64_t k) {
  const double two_pi = 6.283185307179586476925286766559;
  double u1 = 1.0 - adex__rng_uniform(seed, 2 * k); /* (0, 1]: log is finite */
  double u2 = adex__rng_uniform(seed, 2 * k + 1);
  return sqrt(-2.0 * log(u1)) * cos(two_pi * u2);
}

double adex__rng_uniform_at(uint64_t key, uint64_t step, uint64_t neuron,
                            unsigned draw) {
  uint64_t h = adex__rng_mix64(key + ADEX__GOLDEN_GAMMA * (step + 1));
  h = adex__rng_mix64(
      h ^ adex__rng_mix64((neuron << 1 | (draw & 1u)) + ADEX__GOLDEN_GAMMA));
  return (double)(h >> 11) * 0x1.0p-53;
}

double adex__rng_normal_at(uint64_t key, uint64_t step, uint64_t neuron) {
  const double two_pi = 6.283185307179586476925286766559;
  double u1 = 1.0 - adex__rng_uniform_at(key, step, neuron, 0); /* (0, 1] */
  double u2 = adex__rng_uniform_at(key, step, neuron, 1);
  return sqrt(-2.0 * log(u1)) * cos(two_pi * u2);
}

/* rng.h's generator, one pair at a time. */
static inline __attribute__((always_inline)) void
normals(uint64_t key, uint64_t c0, size_t nc, double *out) {
  for (size_t c = 0; c < nc; c++, out += ADEX__NORMAL_CHUNK)
    for (unsigned l = 0; l < 8; l++) {
      uint64_t j = 8 * (c0 + c) + l;
      adex__normal_pair(key + (2 * j + 1) * ADEX__GOLDEN_GAMMA, &out[l],
                        &out[8 + l]);
    }
}

void adex__normals_scalar(uint64_t key, uint64_t c0, size_t nc, double *out) {
  normals(key, c0, nc, out);
}

#ifdef ADEX__NORMALS_FMA
/* The same compiled with the fma instruction instead of calls of the C
 * library's fma: the same values (both round once), faster. */
__attribute__((target("fma"))) void
adex__normals_scalar_fma(uint64_t key, uint64_t c0, size_t nc, double *out) {
  normals(key, c0, nc, out);
}
#endif
