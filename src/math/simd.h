/* simd.h - the few vector operations the SIMD kernels use (internal).
 *
 * Included only by kernel_simd.c, which CMake compiles once per instruction
 * set with ADEX_SIMD_W set: 8 (AVX-512F, __m512d) or 4 (AVX2 + FMA,
 * __m256d). Arithmetic is written infix on the vector types (GCC and Clang
 * allow it); each operation is a correctly rounded IEEE operation lane by
 * lane, exactly as the scalar code's (the build does not contract a*b + c
 * into an fma: ISO C mode, -ffp-contract=off). The elementary functions
 * (exp, phi, ...) are the library's own, from xmath_body.h, instantiated
 * at the end of this file with the same operations as the scalar ones in
 * xmath.h: a lane gets the scalar function's bits, so every kernel
 * computes the same numbers (tests/test_perf_exactness.c).
 *
 * Comparisons follow the scalar code's NaN rules: an ordered predicate is
 * false for NaN, an unordered one ("not less than") true.
 */
#ifndef ADEX_SIMD_H
#define ADEX_SIMD_H

#include <immintrin.h>
#include <stdint.h>
#include <string.h>

#if ADEX_SIMD_W == 8

typedef __m512d vd;  /* 8 doubles */
typedef __mmask8 vm; /* one bit per lane */
#define VSFX(name) name##_avx512

static inline vd vabs(vd x) { return _mm512_abs_pd(x); }

static inline vd vset1(double x) { return _mm512_set1_pd(x); }
static inline vd vload(const double *p) { return _mm512_loadu_pd(p); }
static inline void vstore(double *p, vd v) { _mm512_storeu_pd(p, v); }
/* p[j] = v[j] where lane j of m is set. */
static inline void vstore_mask(double *p, vm m, vd v) {
  _mm512_mask_storeu_pd(p, m, v);
}
#define VCMP(a, b, pred) _mm512_cmp_pd_mask((a), (b), (pred))
/* The masks' logic in mask registers (written with | and &, the compiler
 * moves them through general registers and back). */
static inline vm vor(vm a, vm b) { return _kor_mask8(a, b); }
static inline vm vand(vm a, vm b) { return _kand_mask8(a, b); }
/* a and not b */
static inline vm vandnot(vm a, vm b) { return _kandn_mask8(b, a); }
static inline vm vnot(vm a) { return _knot_mask8(a); }
static inline vm vtrue(void) { return (vm)0xff; }
static inline vm vfalse(void) { return (vm)0; }
/* every lane set; no lane set */
static inline bool vall(vm m) { return _kortestc_mask8_u8(m, m) != 0; }
static inline bool vnone(vm m) { return _kortestz_mask8_u8(m, m) != 0; }
/* m and a < b: one comparison under the mask m */
static inline vm vand_lt(vm m, vd a, vd b) {
  return _mm512_mask_cmp_pd_mask(m, a, b, _CMP_LT_OQ);
}
/* lo < x < hi (false for NaN): two comparisons, the second under the
 * first's mask */
static inline vm vinside(vd x, vd lo, vd hi) {
  return _mm512_mask_cmp_pd_mask(_mm512_cmp_pd_mask(x, hi, _CMP_LT_OQ), x, lo,
                                 _CMP_GT_OQ);
}
static inline unsigned vbits(vm m) { return (unsigned)m; }
static inline vm vmask(unsigned bits) { return (vm)bits; }
/* m ? a : b, lane by lane. */
static inline vd vsel(vm m, vd a, vd b) {
  return _mm512_mask_blend_pd(m, b, a);
}
/* a < b ? a : b and a > b ? a : b, lane by lane (b where either is NaN). */
static inline vd vmin(vd a, vd b) { return _mm512_min_pd(a, b); }
static inline vd vmax(vd a, vd b) { return _mm512_max_pd(a, b); }
/* a*b + c rounded once (only where an approximation of our own is
 * evaluated: the series of phi). */
static inline vd vfma(vd a, vd b, vd c) { return _mm512_fmadd_pd(a, b, c); }

/* float32: 16 lanes */
typedef __m512 vf;
typedef __mmask16 vmf;
#define WF 16
static inline vf vfset1(float x) { return _mm512_set1_ps(x); }
static inline vf vfload(const float *p) { return _mm512_loadu_ps(p); }
static inline void vfstore(float *p, vf v) { _mm512_storeu_ps(p, v); }
static inline void vfstore_mask(float *p, vmf m, vf v) {
  _mm512_mask_storeu_ps(p, m, v);
}
#define VFCMP(a, b, pred) _mm512_cmp_ps_mask((a), (b), (pred))
static inline vmf vfor(vmf a, vmf b) { return _kor_mask16(a, b); }
static inline vmf vfand(vmf a, vmf b) { return _kand_mask16(a, b); }
/* a and not b */
static inline vmf vfandnot(vmf a, vmf b) { return _kandn_mask16(b, a); }
static inline vmf vfnot(vmf a) { return _knot_mask16(a); }
static inline vmf vftrue(void) { return (vmf)0xffff; }
static inline vmf vffalse(void) { return (vmf)0; }
static inline bool vfall(vmf m) { return _kortestc_mask16_u8(m, m) != 0; }
static inline bool vfnone(vmf m) { return _kortestz_mask16_u8(m, m) != 0; }
static inline vmf vfand_lt(vmf m, vf a, vf b) {
  return _mm512_mask_cmp_ps_mask(m, a, b, _CMP_LT_OQ);
}
static inline vmf vfinside(vf x, vf lo, vf hi) {
  return _mm512_mask_cmp_ps_mask(_mm512_cmp_ps_mask(x, hi, _CMP_LT_OQ), x, lo,
                                 _CMP_GT_OQ);
}
static inline unsigned vfbits(vmf m) { return (unsigned)m; }
static inline vf vfabs(vf x) { return _mm512_abs_ps(x); }
static inline vf vfsel(vmf m, vf a, vf b) {
  return _mm512_mask_blend_ps(m, b, a);
}
static inline vf vfmin(vf a, vf b) { return _mm512_min_ps(a, b); }
static inline vf vfmax(vf a, vf b) { return _mm512_max_ps(a, b); }
static inline vf vffma(vf a, vf b, vf c) { return _mm512_fmadd_ps(a, b, c); }
/* W floats from p widened to double (exact), and two double vectors
 * rounded to float (round to nearest, as the scalar cast) as one float
 * vector: lo's lanes first. */
static inline vd vload_widen(const float *p) {
  return _mm512_cvtps_pd(_mm256_loadu_ps(p));
}
static inline vf vfnarrow(vd lo, vd hi) {
  return _mm512_insertf32x8(_mm512_castps256_ps512(_mm512_cvtpd_ps(lo)),
                            _mm512_cvtpd_ps(hi), 1);
}

#elif ADEX_SIMD_W == 4

typedef __m256d vd; /* 4 doubles */
typedef __m256d vm; /* all-ones or all-zeros lanes */
#define VSFX(name) name##_avx2

static inline vd vabs(vd x) {
  return _mm256_andnot_pd(_mm256_set1_pd(-0.0), x);
}

static inline vd vset1(double x) { return _mm256_set1_pd(x); }
static inline vd vload(const double *p) { return _mm256_loadu_pd(p); }
static inline void vstore(double *p, vd v) { _mm256_storeu_pd(p, v); }
static inline void vstore_mask(double *p, vm m, vd v) {
  _mm256_maskstore_pd(p, _mm256_castpd_si256(m), v);
}
#define VCMP(a, b, pred) _mm256_cmp_pd((a), (b), (pred))
static inline vm vor(vm a, vm b) { return _mm256_or_pd(a, b); }
static inline vm vand(vm a, vm b) { return _mm256_and_pd(a, b); }
static inline vm vandnot(vm a, vm b) { return _mm256_andnot_pd(b, a); }
static inline vm vtrue(void) {
  return _mm256_castsi256_pd(_mm256_set1_epi64x(-1));
}
static inline vm vfalse(void) { return _mm256_setzero_pd(); }
static inline vm vnot(vm a) { return _mm256_xor_pd(a, vtrue()); }
static inline unsigned vbits(vm m) { return (unsigned)_mm256_movemask_pd(m); }
static inline bool vall(vm m) { return vbits(m) == 0xfu; }
static inline bool vnone(vm m) { return _mm256_testz_pd(m, m) != 0; }
static inline vm vand_lt(vm m, vd a, vd b) {
  return _mm256_and_pd(m, _mm256_cmp_pd(a, b, _CMP_LT_OQ));
}
static inline vm vinside(vd x, vd lo, vd hi) {
  return _mm256_and_pd(_mm256_cmp_pd(x, hi, _CMP_LT_OQ),
                       _mm256_cmp_pd(x, lo, _CMP_GT_OQ));
}
/* The mask whose lane j is set where bit j of bits is. */
static inline vm vmask(unsigned bits) {
  __m256i lane = _mm256_set_epi64x(8, 4, 2, 1);
  __m256i b = _mm256_and_si256(_mm256_set1_epi64x((long long)bits), lane);
  return _mm256_castsi256_pd(_mm256_cmpeq_epi64(b, lane));
}
static inline vd vsel(vm m, vd a, vd b) { return _mm256_blendv_pd(b, a, m); }
static inline vd vmin(vd a, vd b) { return _mm256_min_pd(a, b); }
static inline vd vmax(vd a, vd b) { return _mm256_max_pd(a, b); }
static inline vd vfma(vd a, vd b, vd c) { return _mm256_fmadd_pd(a, b, c); }

/* float32: 8 lanes */
typedef __m256 vf;
typedef __m256 vmf;
#define WF 8
static inline vf vfset1(float x) { return _mm256_set1_ps(x); }
static inline vf vfload(const float *p) { return _mm256_loadu_ps(p); }
static inline void vfstore(float *p, vf v) { _mm256_storeu_ps(p, v); }
static inline void vfstore_mask(float *p, vmf m, vf v) {
  _mm256_maskstore_ps(p, _mm256_castps_si256(m), v);
}
#define VFCMP(a, b, pred) _mm256_cmp_ps((a), (b), (pred))
static inline vmf vfor(vmf a, vmf b) { return _mm256_or_ps(a, b); }
static inline vmf vfand(vmf a, vmf b) { return _mm256_and_ps(a, b); }
static inline vmf vfandnot(vmf a, vmf b) { return _mm256_andnot_ps(b, a); }
static inline unsigned vfbits(vmf m) { return (unsigned)_mm256_movemask_ps(m); }
static inline vmf vftrue(void) {
  return _mm256_castsi256_ps(_mm256_set1_epi32(-1));
}
static inline vmf vffalse(void) { return _mm256_setzero_ps(); }
static inline vmf vfnot(vmf a) { return _mm256_xor_ps(a, vftrue()); }
static inline bool vfall(vmf m) { return vfbits(m) == 0xffu; }
static inline bool vfnone(vmf m) { return _mm256_testz_ps(m, m) != 0; }
static inline vmf vfand_lt(vmf m, vf a, vf b) {
  return _mm256_and_ps(m, _mm256_cmp_ps(a, b, _CMP_LT_OQ));
}
static inline vmf vfinside(vf x, vf lo, vf hi) {
  return _mm256_and_ps(_mm256_cmp_ps(x, hi, _CMP_LT_OQ),
                       _mm256_cmp_ps(x, lo, _CMP_GT_OQ));
}
static inline vf vfabs(vf x) {
  return _mm256_andnot_ps(_mm256_set1_ps(-0.0f), x);
}
static inline vf vfsel(vmf m, vf a, vf b) { return _mm256_blendv_ps(b, a, m); }
static inline vf vfmin(vf a, vf b) { return _mm256_min_ps(a, b); }
static inline vf vfmax(vf a, vf b) { return _mm256_max_ps(a, b); }
static inline vf vffma(vf a, vf b, vf c) { return _mm256_fmadd_ps(a, b, c); }
static inline vd vload_widen(const float *p) {
  return _mm256_cvtps_pd(_mm_loadu_ps(p));
}
static inline vf vfnarrow(vd lo, vd hi) {
  return _mm256_set_m128(_mm256_cvtpd_ps(hi), _mm256_cvtpd_ps(lo));
}

#else
#error "ADEX_SIMD_W must be 4 or 8"
#endif

#define W ADEX_SIMD_W
#define ALL_LANES ((1u << W) - 1u)

/* Lane masks of the comparisons the kernels use. */
static inline vm vlt(vd a, vd b) { return VCMP(a, b, _CMP_LT_OQ); }
static inline vm vle(vd a, vd b) { return VCMP(a, b, _CMP_LE_OQ); }
static inline vm vgt(vd a, vd b) { return VCMP(a, b, _CMP_GT_OQ); }
static inline vm vge(vd a, vd b) { return VCMP(a, b, _CMP_GE_OQ); }
static inline vm vnlt(vd a, vd b) { return VCMP(a, b, _CMP_NLT_UQ); }
static inline vm vngt(vd a, vd b) { return VCMP(a, b, _CMP_NGT_UQ); }
static inline vm vnle(vd a, vd b) { return VCMP(a, b, _CMP_NLE_UQ); }
static inline vm veq(vd a, vd b) { return VCMP(a, b, _CMP_EQ_OQ); }
static inline vm visnan(vd a) { return VCMP(a, a, _CMP_UNORD_Q); }

/* libm's fmax and fmin, lane by lane: a NaN argument gives the other. */
static inline vd vlmax(vd a, vd b) { return vsel(visnan(b), a, vmax(a, b)); }
static inline vd vlmin(vd a, vd b) { return vsel(visnan(b), a, vmin(a, b)); }

/* W lanes from W doubles spaced `stride` bytes apart (a field of an array
 * of structs). */
static inline vd vgather(const void *base, size_t stride) {
  double tmp[W];
  for (int j = 0; j < W; j++)
    memcpy(&tmp[j], (const char *)base + (size_t)j * stride, sizeof(double));
  return vload(tmp);
}

/* Lane j of v. */
static inline double vlane(vd v, int j) {
  double tmp[W];
  vstore(tmp, v);
  return tmp[j];
}

/* Whether any bit of any lane of x is set (-0.0 counts). */
static inline bool vany_bits(vd x) {
#if ADEX_SIMD_W == 8
  __m512i u = _mm512_castpd_si512(x);
  return _mm512_test_epi64_mask(u, u) != 0;
#else
  __m256i u = _mm256_castpd_si256(x);
  return !_mm256_testz_si256(u, u);
#endif
}

/* Store the lanes of m as W bools (0 or 1). */
static inline void vstore_bool(bool *p, vm m) {
  uint64_t bytes = _pdep_u64(vbits(m), 0x0101010101010101ull);
  memcpy(p, &bytes, W);
}

/* ------------------------------------------------------------ float32 */

#define ALL_LANES_F ((1u << WF) - 1u)

static inline vmf vflt(vf a, vf b) { return VFCMP(a, b, _CMP_LT_OQ); }
static inline vmf vfle(vf a, vf b) { return VFCMP(a, b, _CMP_LE_OQ); }
static inline vmf vfge(vf a, vf b) { return VFCMP(a, b, _CMP_GE_OQ); }
static inline vmf vfnlt(vf a, vf b) { return VFCMP(a, b, _CMP_NLT_UQ); }
static inline vmf vfngt(vf a, vf b) { return VFCMP(a, b, _CMP_NGT_UQ); }
static inline vmf vfnle(vf a, vf b) { return VFCMP(a, b, _CMP_NLE_UQ); }

/* WF lanes from WF floats spaced `stride` bytes apart. */
static inline vf vfgather(const void *base, size_t stride) {
  float tmp[WF];
  for (int j = 0; j < WF; j++)
    memcpy(&tmp[j], (const char *)base + (size_t)j * stride, sizeof(float));
  return vfload(tmp);
}

/* Whether any bit of any lane of x is set. */
static inline bool vfany_bits(vf x) {
#if ADEX_SIMD_W == 8
  __m512i u = _mm512_castps_si512(x);
  return _mm512_test_epi32_mask(u, u) != 0;
#else
  __m256i u = _mm256_castps_si256(x);
  return !_mm256_testz_si256(u, u);
#endif
}

/* Store the lanes of m as WF bools (0 or 1). */
static inline void vfstore_bool(bool *p, vmf m) {
  unsigned bits = vfbits(m);
  for (int k = 0; k < WF; k += 8) {
    uint64_t bytes = _pdep_u64((bits >> k) & 0xffu, 0x0101010101010101ull);
    memcpy(p + k, &bytes, 8);
  }
}

/* x clamped for exp_in (xmath_body.h): to [-746, 746] in one instruction
 * on AVX-512 (the smaller magnitude of x and 746, with x's sign), as exp
 * clamps elsewhere; float: [-104, 104], as expf. A NaN x gives 746 (104)
 * on AVX-512 where exp gives NaN: only for callers whose result is NaN
 * anyway (the kernels' E, when V is NaN and so is V'). */
#if ADEX_SIMD_W == 8
static inline vd vclamp_exp(vd x) {
  return _mm512_range_pd(x, _mm512_set1_pd(746.0), 2);
}
static inline vf vfclamp_exp(vf x) {
  return _mm512_range_ps(x, _mm512_set1_ps(104.0f), 2);
}
#else
static inline vd vclamp_exp(vd x) {
  return vmax(vset1(-746.0), vmin(vset1(710.0), x));
}
static inline vf vfclamp_exp(vf x) {
  return vfmax(vfset1(-104.0f), vfmin(vfset1(89.0f), x));
}
#endif

/* ------------------------------------------------------------ xmath */

/* The elementary functions of xmath_body.h for vectors: vx_exp, vx_expm1,
 * vx_phi, vx_phi_series, vx_pow_pos, the float twins vx_expf,
 * vx_phif, and the noise's vx_mix64, vx_log, vx_normal_pair; lane by
 * lane the bits of xmath.h's scalar functions. */
#include "xmath.h"

#if ADEX_SIMD_W == 8
typedef __m512i vxu;
typedef __m512i vxuf;
#define XUADDD(u, c) _mm512_add_epi64((u), _mm512_set1_epi64((long long)(c)))
#define XUSUBD(a, b) _mm512_sub_epi64((a), (b))
#define XUANDD(u, c) _mm512_and_si512((u), _mm512_set1_epi64((long long)(c)))
#define XUORD(u, c) _mm512_or_si512((u), _mm512_set1_epi64((long long)(c)))
#define XUSHRD(u, k) _mm512_srli_epi64((u), (k))
#define XUSHLD(u, k) _mm512_slli_epi64((u), (k))
#define XUXORD(a, b) _mm512_xor_si512((a), (b))
#define XUMULD(u, c) vmul64((u), (c))
#define XUHASD(u, c)                                                           \
  _mm512_test_epi64_mask((u), _mm512_set1_epi64((long long)(c)))
#define XSQRTD(x) _mm512_sqrt_pd(x)
#define XBITSD(x) _mm512_castpd_si512(x)
#define XREALD(u) _mm512_castsi512_pd(u)
#define XTABD(tab, u)                                                          \
  _mm512_permutex2var_pd(_mm512_loadu_pd(tab), (u), _mm512_loadu_pd((tab) + 8))
#define XUADDF(u, c) _mm512_add_epi32((u), _mm512_set1_epi32((int)(c)))
#define XUSUBF(a, b) _mm512_sub_epi32((a), (b))
#define XUSHRF(u, k) _mm512_srli_epi32((u), (k))
#define XUSHLF(u, k) _mm512_slli_epi32((u), (k))
#define XBITSF(x) _mm512_castps_si512(x)
#define XREALF(u) _mm512_castsi512_ps(u)
#define XTABF(tab, u) _mm512_permutexvar_ps((u), _mm512_loadu_ps(tab))
/* y 2^floor(n/16), rounded once: the value of xmath_body.h's two-step
 * scaling in one instruction */
#define XSCALED(y, n, ti) _mm512_scalef_pd((y), (n)*_mm512_set1_pd(0.0625))
#define XANDMD(m, n) ((vm)((m) & (n)))
#define XANDMF(m, n) ((vmf)((m) & (n)))
#define XALLD(m) ((unsigned)(m) == ALL_LANES)
#define XNONED(m) ((unsigned)(m) == 0u)
#define XALLF(m) ((unsigned)(m) == ALL_LANES_F)
#define XNONEF(m) ((unsigned)(m) == 0u)
#else
typedef __m256i vxu;
typedef __m256i vxuf;
#define XUADDD(u, c) _mm256_add_epi64((u), _mm256_set1_epi64x((long long)(c)))
#define XUSUBD(a, b) _mm256_sub_epi64((a), (b))
#define XUANDD(u, c) _mm256_and_si256((u), _mm256_set1_epi64x((long long)(c)))
#define XUORD(u, c) _mm256_or_si256((u), _mm256_set1_epi64x((long long)(c)))
#define XUSHRD(u, k) _mm256_srli_epi64((u), (k))
#define XUSHLD(u, k) _mm256_slli_epi64((u), (k))
#define XUXORD(a, b) _mm256_xor_si256((a), (b))
#define XUMULD(u, c) vmul64((u), (c))
/* c a single bit: lanes where u & c == c */
#define XUHASD(u, c)                                                           \
  _mm256_castsi256_pd(_mm256_cmpeq_epi64(                                      \
      _mm256_and_si256((u), _mm256_set1_epi64x((long long)(c))),               \
      _mm256_set1_epi64x((long long)(c))))
#define XSQRTD(x) _mm256_sqrt_pd(x)
#define XBITSD(x) _mm256_castpd_si256(x)
#define XREALD(u) _mm256_castsi256_pd(u)
#define XTABD(tab, u)                                                          \
  _mm256_i64gather_pd((tab), _mm256_and_si256((u), _mm256_set1_epi64x(15)), 8)
#define XUADDF(u, c) _mm256_add_epi32((u), _mm256_set1_epi32((int)(c)))
#define XUSUBF(a, b) _mm256_sub_epi32((a), (b))
#define XUSHRF(u, k) _mm256_srli_epi32((u), (k))
#define XUSHLF(u, k) _mm256_slli_epi32((u), (k))
#define XBITSF(x) _mm256_castps_si256(x)
#define XREALF(u) _mm256_castsi256_ps(u)
/* 16 floats: two permutes of 8, the upper where bit 3 of the index is */
#define XTABF(tab, u)                                                          \
  _mm256_blendv_ps(_mm256_permutevar8x32_ps(_mm256_loadu_ps(tab), (u)),        \
                   _mm256_permutevar8x32_ps(_mm256_loadu_ps((tab) + 8), (u)),  \
                   _mm256_castsi256_ps(_mm256_slli_epi32((u), 28)))
#define XANDMD(m, n) _mm256_and_pd((m), (n))
#define XANDMF(m, n) _mm256_and_ps((m), (n))
#define XALLD(m) ((unsigned)_mm256_movemask_pd(m) == ALL_LANES)
#define XNONED(m) (_mm256_movemask_pd(m) == 0)
#define XALLF(m) ((unsigned)_mm256_movemask_ps(m) == ALL_LANES_F)
#define XNONEF(m) (_mm256_movemask_ps(m) == 0)
#endif
/* u c modulo 2^64 lane by lane: AVX-512DQ's 64-bit product where the
 * kernel is built for it (the AVX-512 kernel is: kernels.c asks the CPU
 * for DQ); else from 32-bit products (AVX2 and AVX-512F have no 64-bit
 * multiply): lo(u) lo(c) + ((hi(u) lo(c) + lo(u) hi(c)) << 32). Both are
 * the exact product modulo 2^64: the same bits. */
static inline vxu vmul64(vxu u, uint64_t c) {
#if ADEX_SIMD_W == 8 && defined(__AVX512DQ__)
  return _mm512_mullo_epi64(u, _mm512_set1_epi64((long long)c));
#elif ADEX_SIMD_W == 8
  __m512i cl = _mm512_set1_epi64((long long)c);
  __m512i ch = _mm512_set1_epi64((long long)(c >> 32));
  __m512i cross = _mm512_add_epi64(
      _mm512_mul_epu32(_mm512_srli_epi64(u, 32), cl), _mm512_mul_epu32(u, ch));
  return _mm512_add_epi64(_mm512_mul_epu32(u, cl),
                          _mm512_slli_epi64(cross, 32));
#else
  __m256i cl = _mm256_set1_epi64x((long long)c);
  __m256i ch = _mm256_set1_epi64x((long long)(c >> 32));
  __m256i cross = _mm256_add_epi64(
      _mm256_mul_epu32(_mm256_srli_epi64(u, 32), cl), _mm256_mul_epu32(u, ch));
  return _mm256_add_epi64(_mm256_mul_epu32(u, cl),
                          _mm256_slli_epi64(cross, 32));
#endif
}
#define XINLINE static inline __attribute__((always_inline))
#define XD vd
#define XF vf
#define XUD vxu
#define XUF vxuf
#define XMD vm
#define XMF vmf
#define XN(name) vx_##name
#define XCD(c) vset1((double)(c))
#define XCF(c) vfset1((float)(c))
#define XFMAD(a, b, c) vfma((a), (b), (c))
#define XFMAF(a, b, c) vffma((a), (b), (c))
#define XMIND(a, b) vmin((a), (b))
#define XMAXD(a, b) vmax((a), (b))
#define XMINF(a, b) vfmin((a), (b))
#define XMAXF(a, b) vfmax((a), (b))
#define XLED(a, b) vle((a), (b))
#define XGED(a, b) vge((a), (b))
#define XGTD(a, b) vgt((a), (b))
#define XLEF(a, b) vfle((a), (b))
#define XGEF(a, b) vfge((a), (b))
#define XGTF(a, b) VFCMP((a), (b), _CMP_GT_OQ)
#define XSELD(m, a, b) vsel((m), (a), (b))
#define XSELF(m, a, b) vfsel((m), (a), (b))

#include "xmath_body.h"
#undef XINLINE
#undef XSCALED

#endif /* ADEX_SIMD_H */
