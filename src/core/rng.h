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

/* SplitMix64's output function, a bijective 64-bit mixer; streams' seeds
 * are derived with it (e.g. mix64(seed ^ mix64(tag + index))). */
uint64_t adex__rng_mix64(uint64_t z);

/* The k-th 64-bit output of the stream `seed`. */
uint64_t adex__rng_u64(uint64_t seed, uint64_t k);

/* The k-th value of the stream, uniform on [0, 1) with 53 random bits. */
double adex__rng_uniform(uint64_t seed, uint64_t k);

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

#endif /* ADEX_RNG_H */
