/* flags.h - the set flags of a bool array, 64 at a time (internal).
 *
 * Spike flags are one byte each, 0 or 1. The lists of spikes (the
 * network's, each step; a population's event list) are found from them
 * 64 flags at a time: adex__flags64 gives a word whose bit q is flag q,
 * whose set bits the caller walks (count trailing zeros, clear the
 * lowest). With SSE2, four compares and four byte masks, with no copy
 * through memory.
 */
#ifndef ADEX_FLAGS_H
#define ADEX_FLAGS_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* Bit q of the result: whether p[q] is set, for q in [0, 64). Spikes
 * are rare: most words of 64 flags are all zero, which eight 8-byte loads
 * OR-ed together tell before the compares. */
static inline uint64_t adex__flags64(const bool *p) {
  uint64_t any = 0;
  for (int q = 0; q < 8; q++) {
    uint64_t x;
    memcpy(&x, p + 8 * q, sizeof x);
    any |= x;
  }
  if (any == 0) return 0;
  uint64_t m = 0;
#if defined(__SSE2__)
  const __m128i zero = _mm_setzero_si128();
  for (int q = 0; q < 4; q++) {
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * q));
    unsigned z = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, zero));
    m |= (uint64_t)(~z & 0xffffu) << (16 * q);
  }
#else
  for (int q = 0; q < 64; q++) m |= (uint64_t)(p[q] != 0) << q;
#endif
  return m;
}

/* The index of the lowest set bit of m (m != 0). */
static inline unsigned adex__flags_low(uint64_t m) {
  return (unsigned)__builtin_ctzll(m);
}

#endif /* ADEX_FLAGS_H */
