/* xmath.h - the kernels' elementary functions for scalars (internal):
 * adex__exp, adex__expm1, adex__phi, adex__pow_pos and their float twins
 * adex__expf, adex__expm1f, adex__phif; the noise's normal variates
 * (adex__mix64, adex__log, adex__sin_small, adex__cos_small,
 * adex__normal_pair).
 *
 * The algorithms are in xmath_body.h, written once for scalars and SIMD
 * vectors (simd.h instantiates them for AVX2 and AVX-512), so that every
 * kernel computes the same bits (docs/numerics.md). fma() is the C
 * library's: an instruction where the compiler may use one (the SIMD
 * translation units), else glibc's exact emulation.
 */
#ifndef ADEX_XMATH_H
#define ADEX_XMATH_H

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* 2^(j/16) = hi + lo, j = 0..15 (xmath.c), double and float. */
extern const double adex__xm_exp2_hi[16], adex__xm_exp2_lo[16];
extern const float adex__xm_exp2f_hi[16], adex__xm_exp2f_lo[16];
/* The log's table (xmath.c): 1/c and -ln(1/c) = hi + lo for c = n/16. */
extern const double adex__xm_log_invc[16], adex__xm_log_hi[16],
    adex__xm_log_lo[16];

/* Constants of the reduction x = n ln2/16 + r (n = RN(x 16/ln2) by adding
 * 1.5 2^52, resp. 1.5 2^23, whose low mantissa bits then hold n). */
#define XM_D_INV_L 0x1.71547652b82fep+4 /* 16/ln2 */
#define XM_D_SHIFT 0x1.8p52
#define XM_D_L_HI 0x1.62e42fefa39efp-5 /* ln2/16 = L_HI + L_LO */
#define XM_D_L_LO 0x1.abc9e3b39803fp-60
/* bits(1.5 2^52 + n) + MBIAS = n + 32768 (mod 2^64) */
#define XM_D_MBIAS ((uint64_t)32768 - 0x4338000000000000ull)
#define XM_F_INV_L 0x1.715476p+4f
#define XM_F_SHIFT 0x1.8p23f
#define XM_F_L_HI 0x1.62e430p-5f
#define XM_F_L_LO -0x1.05c610p-33f
#define XM_F_MBIAS ((uint32_t)4096 - 0x4b400000u)
/* ln2 = XM_LN2_HI + XM_LN2_LO, the first with 40 bits (k XM_LN2_HI is
 * exact for |k| < 2^13; the log of the normal variates) */
#define XM_LN2_HI 0x1.62e42fefa2000p-1
#define XM_LN2_LO 0x1.9ef35793c7673p-41
/* SplitMix64's increment, the golden ratio's 64-bit fraction */
#define XM_GAMMA 0x9E3779B97F4A7C15ull

static inline uint64_t adex__xm_bits(double x) {
  uint64_t u;
  memcpy(&u, &x, sizeof u);
  return u;
}
static inline double adex__xm_real(uint64_t u) {
  double x;
  memcpy(&x, &u, sizeof x);
  return x;
}
static inline uint32_t adex__xm_bitsf(float x) {
  uint32_t u;
  memcpy(&u, &x, sizeof u);
  return u;
}
static inline float adex__xm_realf(uint32_t u) {
  float x;
  memcpy(&x, &u, sizeof x);
  return x;
}

/* Always inlined, so that a caller compiled for fma (the SIMD units,
 * method_formulas.h's clones) gets the instruction, not a call of a copy
 * compiled without it. */
#define XINLINE static inline __attribute__((always_inline))
#define XD double
#define XF float
#define XUD uint64_t
#define XUF uint32_t
#define XMD bool
#define XMF bool
#define XN(name) adex__##name
#define XCD(c) ((double)(c))
#define XCF(c) ((float)(c))
#define XFMAD(a, b, c) fma((a), (b), (c))
#define XFMAF(a, b, c) fmaf((a), (b), (c))
#define XMIND(a, b) ((a) < (b) ? (a) : (b))
#define XMAXD(a, b) ((a) > (b) ? (a) : (b))
#define XMINF(a, b) ((a) < (b) ? (a) : (b))
#define XMAXF(a, b) ((a) > (b) ? (a) : (b))
#define XBITSD(x) adex__xm_bits(x)
#define XREALD(u) adex__xm_real(u)
#define XBITSF(x) adex__xm_bitsf(x)
#define XREALF(u) adex__xm_realf(u)
#define XUADDD(u, c) ((uint64_t)((u) + (uint64_t)(c)))
#define XUSUBD(a, b) ((uint64_t)((a) - (b)))
#define XUANDD(u, c) ((uint64_t)((u) & (uint64_t)(c)))
#define XUORD(u, c) ((uint64_t)((u) | (uint64_t)(c)))
#define XUSHRD(u, k) ((uint64_t)((u) >> (k)))
#define XUSHLD(u, k) ((uint64_t)((u) << (k)))
#define XUXORD(a, b) ((uint64_t)((a) ^ (b)))
#define XUMULD(u, c) ((uint64_t)((u) * (uint64_t)(c)))
#define XUHASD(u, c) (((u) & (uint64_t)(c)) != 0)
#define XSQRTD(x) sqrt(x)
#define XUADDF(u, c) ((uint32_t)((u) + (uint32_t)(c)))
#define XUSUBF(a, b) ((uint32_t)((a) - (b)))
#define XUSHRF(u, k) ((uint32_t)((u) >> (k)))
#define XUSHLF(u, k) ((uint32_t)((u) << (k)))
#define XTABD(tab, u) ((tab)[(u)&15u])
#define XTABF(tab, u) ((tab)[(u)&15u])
#define XLED(a, b) ((a) <= (b))
#define XGED(a, b) ((a) >= (b))
#define XGTD(a, b) ((a) > (b))
#define XLEF(a, b) ((a) <= (b))
#define XGEF(a, b) ((a) >= (b))
#define XGTF(a, b) ((a) > (b))
#define XANDMD(m, n) ((m) && (n))
#define XANDMF(m, n) ((m) && (n))
#define XALLD(m) (m)
#define XNONED(m) (!(m))
#define XALLF(m) (m)
#define XNONEF(m) (!(m))
#define XSELD(m, a, b) ((m) ? (a) : (b))
#define XSELF(m, a, b) ((m) ? (a) : (b))

#include "xmath_body.h"
#undef XINLINE

#undef XD
#undef XF
#undef XUD
#undef XUF
#undef XMD
#undef XMF
#undef XN
#undef XCD
#undef XCF
#undef XFMAD
#undef XFMAF
#undef XMIND
#undef XMAXD
#undef XMINF
#undef XMAXF
#undef XBITSD
#undef XREALD
#undef XBITSF
#undef XREALF
#undef XUADDD
#undef XUSUBD
#undef XUANDD
#undef XUORD
#undef XUSHRD
#undef XUSHLD
#undef XUXORD
#undef XUMULD
#undef XUHASD
#undef XSQRTD
#undef XUADDF
#undef XUSUBF
#undef XUSHRF
#undef XUSHLF
#undef XTABD
#undef XTABF
#undef XLED
#undef XGED
#undef XGTD
#undef XLEF
#undef XGEF
#undef XGTF
#undef XANDMD
#undef XANDMF
#undef XALLD
#undef XNONED
#undef XALLF
#undef XNONEF
#undef XSELD
#undef XSELF
#undef XSCALED

#endif /* ADEX_XMATH_H */
