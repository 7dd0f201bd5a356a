/* rng.h - counter-based random numbers (not installed).
 *
 * Value k of the stream `seed` is a pure function of (seed, k): SplitMix64's
 * k-th output (Steele, Lea & Flood 2014, "Fast splittable pseudorandom
 * number generators"). No state to carry, so any neuron's value can be
 * computed on any thread or rank and reproduced exactly.
 */
#ifndef ADEX_RNG_H
#define ADEX_RNG_H

#include <stdint.h>

/* The k-th 64-bit output of the stream `seed`. */
uint64_t adex__rng_u64(uint64_t seed, uint64_t k);

/* The k-th value of the stream, uniform on [0, 1) with 53 random bits. */
double adex__rng_uniform(uint64_t seed, uint64_t k);

/* The k-th standard normal value of the stream (Box-Muller on the uniform
 * values 2k and 2k+1). */
double adex__rng_normal(uint64_t seed, uint64_t k);

#endif /* ADEX_RNG_H */
