/* rng.h - counter-based random numbers (not installed).
 *
 * Value k of the stream `seed` is a pure function of (seed, k): SplitMix64's
 * k-th output (Steele, Lea & Flood 2014, "Fast splittable pseudorandom
 * number generators"). No state to carry, so any neuron's value can be
 * computed on any thread or rank and reproduced exactly.
 */
#ifndef ADEX_RNG_H
#define ADEX_RNG_H

#include <stddef.h>
#include <stdint.h>

/* SplitMix64's increment. */
#define ADEX__GOLDEN_GAMMA 0x9E3779B97F4A7C15ULL

/* SplitMix64's output function, a bijective 64-bit mixer; streams' seeds
 * are derived with it (e.g. mix64(seed ^ mix64(tag + index))). */
static inline uint64_t adex__rng_mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

/* The k-th 64-bit output of the stream `seed`. */
static inline uint64_t adex__rng_u64(uint64_t seed, uint64_t k) {
  return adex__rng_mix64(seed + (k + 1) * ADEX__GOLDEN_GAMMA);
}

/* The k-th value of the stream, uniform on [0, 1) with 53 random bits. */
static inline double adex__rng_uniform(uint64_t seed, uint64_t k) {
  return (double)(adex__rng_u64(seed, k) >> 11) * 0x1.0p-53;
}

/* The k-th standard normal value of the stream (Box-Muller on the uniform
 * values 2k and 2k+1). */
double adex__rng_normal(uint64_t seed, uint64_t k);

/* The draws of a per-step, per-neuron stream (the random inputs: poisson,
 * ou): draw 0 or 1 of neuron `neuron` (its global index) in step `step`
 * of the stream `key`, uniform on [0, 1) with 53 random bits, a pure
 * function of the four, so that a neuron's inputs are the same on any
 * thread and, distributed, on any rank. */
double adex__rng_uniform_at(uint64_t key, uint64_t step, uint64_t neuron,
                            unsigned draw);

/* A standard normal value of the same stream (Box-Muller on draws 0 and 1
 * of the neuron and step). */
double adex__rng_normal_at(uint64_t key, uint64_t step, uint64_t neuron);

/* The noise's normal variates (step_general.c; docs/numerics.md, "Noise:
 * the normal values"), in chunks of ADEX__NORMAL_CHUNK neurons: neuron i
 * of step key `key` gets value (i % 16) of chunk i / 16. Chunk c holds
 * the eight pairs j = 8c + l (l = 0..7) of Box-Muller values of
 * xmath_body.h's normal_pair, whose counter is key + (2j + 1) gamma
 * (SplitMix64's outputs 2j and 2j+1 of the stream key): the first value
 * of pair 8c + l is neuron 16c + l's, the second neuron 16c + 8 + l's. A
 * value depends only on (key, i): every kernel computes the same bits (it
 * is written once, in xmath_body.h). Fills out[16 (c - c0) + r] for the
 * chunks c0 .. c0 + nc - 1. */
#define ADEX__NORMAL_CHUNK 16
typedef void (*adex__normals_fn)(uint64_t key, uint64_t c0, size_t nc,
                                 double *out);

/* The scalar one (the SIMD ones are in kernel_simd.c); on x86-64 also
 * compiled for CPUs with FMA (kernels.c picks it where the CPU has it). */
void adex__normals_scalar(uint64_t key, uint64_t c0, size_t nc, double *out);
#if defined(__GNUC__) && defined(__x86_64__)
#define ADEX__NORMALS_FMA 1
void adex__normals_scalar_fma(uint64_t key, uint64_t c0, size_t nc,
                              double *out);
#endif

#endif /* ADEX_RNG_H */
