/* xmath_body.h - the elementary functions of the kernels, written once for
 * scalars and for vectors (internal; no include guard on purpose).
 *
 * xmath.h includes this file with scalar types (double, float) and simd.h
 * with vector types (AVX2, AVX-512), each time with the macros below
 * defined. Every function is a fixed sequence of IEEE operations (+, -,
 * *, /, fused multiply-add, integer operations on the bits, compare and
 * select), so that a lane of a vector gets exactly the bits the scalar
 * function gives for the same argument. That is what makes the SIMD
 * kernels agree with the scalar reference bit for bit (docs/numerics.md,
 * "Elementary functions").
 *
 * Macros (D for double, F for float):
 *   XD, XF        the real types;  XUD, XUF  unsigned integers of their width
 *   XMD, XMF      comparison results (bool or a lane mask)
 *   XN(name)      the name a function gets in this instantiation
 *   XINLINE       how the hot functions are declared (always inlined)
 *   XCD(c), XCF(c)             a constant
 *   XFMAD(a,b,c), XFMAF        a*b + c rounded once
 *   XMIND(a,b), XMAXD(a,b)     a < b ? a : b,  a > b ? a : b (and F)
 *   XBITSD(x), XREALD(u)       reinterpretation of the bits (and F)
 *   XUADDD(u,c), XUSUBD(a,b), XUANDD(u,c), XUORD(u,c), XUSHRD(u,k),
 *   XUSHLD(u,k)                integer arithmetic, logical shifts (and F)
 *   XUXORD(a,b), XUMULD(u,c)   exclusive or; product modulo 2^64 (double only)
 *   XUHASD(u,c)                the lanes where u has the bit c (a mask)
 *   XSQRTD(x)                  the correctly rounded square root
 *   XTABD(tab,u), XTABF        tab[u & 15] for a table of 16
 *   XLED(a,b), XGED, XGTD      comparisons, false for NaN (and F)
 *   XANDMD(m,n), XALLD(m)      both; all lanes set (and F)
 *   XNONED(m)                  no lane set (and F)
 *   XSELD(m,a,b)               m ? a : b (and F)
 *
 * Accuracy (tests/test_xmath.c measures it against long double):
 *   exp   within 0.56 ulp of the exact value for normal results (a table
 *         of 2^(j/16) in two parts, a degree-7 polynomial on
 *         |r| <= ln2/32); 0 below about -745.1, inf above 709.78, NaN for
 *         NaN; expf the same in float (degree 4), 0.54 float ulp;
 *   expm1 within 1.1 ulp for |x| >= 1/8, the only place it is used (phi);
 *   phi   (e^z - 1)/z: an economized polynomial for |z| <= 1/8 (0.63
 *         ulp), expm1(z)/z beyond (relative error below 1.6 2^-52,
 *         measured 1.32 2^-52), inf at +inf;
 *   pow_pos  q^e for the adaptive step factor, relative error ~1e-15;
 *   log   (positive normal arguments) within 1.2 ulp, sin_small and
 *         cos_small (|x| <= pi/4) within 1 ulp: the noise's normal values.
 */

/* ------------------------------------------------------------ double */

/* e^r - 1 for |r| <= ln2/32 (Taylor to r^7/7!; the first term left out
 * is below 1.2e-18 relative). */
XINLINE XD XN(expm1_small)(XD r) {
  XD p = XFMAD(r, XCD(1.0 / 5040.0), XCD(1.0 / 720.0));
  p = XFMAD(r, p, XCD(1.0 / 120.0));
  p = XFMAD(r, p, XCD(1.0 / 24.0));
  p = XFMAD(r, p, XCD(1.0 / 6.0));
  p = XFMAD(r, p, XCD(0.5));
  return XFMAD(r * r, p, r);
}

/* x = n ln2/16 + r, n = 16 m + j: returns r, and n (as a double) and *ti
 * (bits whose low 4 are j and from which m follows, XM_D_MBIAS). */
XINLINE XD XN(exp_reduce)(XD x, XD *n, XUD *ti) {
  XD t = XFMAD(x, XCD(XM_D_INV_L), XCD(XM_D_SHIFT));
  *n = t - XCD(XM_D_SHIFT);
  XD r = XFMAD(*n, XCD(-XM_D_L_HI), x); /* exact */
  *ti = XBITSD(t);
  return XFMAD(*n, XCD(-XM_D_L_LO), r);
}

/* y 2^m for y in [1/2, 2), m = floor(n/16) from the reduction (n, or
 * ti): rounded once (into a subnormal or to inf where the result is one).
 * AVX-512 does it in one instruction (scalef, simd.h); elsewhere as
 * 2^m1 2^m2, m1 = floor(m/2): both factors normal over the whole range,
 * the first product exact, the second rounding once; the same value. */
#ifndef XSCALED
XINLINE XD XN(exp_scale)(XD y, XUD ti) {
  XUD mb = XUSHRD(XUADDD(ti, XM_D_MBIAS), 4); /* m + 2048 */
  XUD m1b = XUSHRD(mb, 1);                    /* m1 + 1024 */
  y = y * XREALD(XUSHLD(XUADDD(m1b, (uint64_t)-1), 52));
  return y * XREALD(XUSHLD(XUADDD(XUSUBD(mb, m1b), (uint64_t)-1), 52));
}
#define XSCALED(y, n, ti) XN(exp_scale)((y), (ti))
#endif

/* The clamps below are written min(c, x), max(c, x): a NaN x comes out as
 * itself (the second operand, as with the vector min and max) and then
 * propagates through every operation to the result. */
/* exp for xc in [-746, 746] (a caller that clamps x itself: every result
 * from 709.79 up is inf, so any upper bound from there to 746 gives the
 * same bits), or NaN */
XINLINE XD XN(exp_in)(XD xc) {
  XD n;
  XUD ti;
  XD q = XN(expm1_small)(XN(exp_reduce)(xc, &n, &ti));
  XD th = XTABD(adex__xm_exp2_hi, ti), tl = XTABD(adex__xm_exp2_lo, ti);
  return XSCALED(th + XFMAD(th, q, tl), n, ti);
}

XINLINE XD XN(exp)(XD x) {
  return XN(exp_in)(XMAXD(XCD(-746.0), XMIND(XCD(710.0), x)));
}

static inline XD XN(expm1)(XD x) {
  /* -60 <= x <= 2: (2^m T - 1) + 2^m T q, the difference S - 1 carried
   * exactly as hi + lo (Fast2Sum, |S| < 1 <= ... or exact by Sterbenz);
   * beyond 2, exp(x) - 1 loses nothing */
  XD xc = XMAXD(XCD(-60.0), XMIND(XCD(2.0), x)), n;
  XUD ti;
  XD q = XN(expm1_small)(XN(exp_reduce)(xc, &n, &ti));
  XD s =
      XREALD(XUSHLD(XUADDD(XUSHRD(XUADDD(ti, XM_D_MBIAS), 4), (uint64_t)-1025),
                    52)); /* 2^m */
  XD S = XTABD(adex__xm_exp2_hi, ti) * s;
  XD Tl = XTABD(adex__xm_exp2_lo, ti) * s;
  XD hi = S - XCD(1.0), lo = S - (hi + XCD(1.0)); /* S - 1 = hi + lo */
  XD mid = hi + (lo + XFMAD(S, q, Tl));
  XMD big = XGTD(x, XCD(2.0));
  if (XNONED(big)) return mid; /* exp only where some lane needs it */
  return XSELD(big, XN(exp)(x) - XCD(1.0), mid);
}

/* phi(z) = (e^z - 1)/z for |z| <= 1/8: a polynomial of degree 8, the
 * series z^n/(n+1)! economized on [-1/8, 1/8] (Chebyshev; the terms left
 * out sum to 8.1e-18, 0.07 ulp), evaluated as 1 + z (c1 + z T(z)) with
 * the tail T by Estrin's scheme: the last two operations round near 1
 * and 1/2, so the result is within about 0.6 ulp. phi(0) = 1. */
XINLINE XD XN(phi_series)(XD z) {
  XD z2 = z * z, z4 = z2 * z2;
  XD t01 = XFMAD(z, XCD(0x1.5555555566acfp-5), XCD(0x1.5555555555550p-3));
  XD t23 = XFMAD(z, XCD(0x1.6c16bf78a5859p-10), XCD(0x1.111111111b93bp-7));
  XD t45 = XFMAD(z, XCD(0x1.a0439fc0ad363p-16), XCD(0x1.a019ffc941b44p-13));
  XD t03 = XFMAD(z2, t23, t01);
  XD t46 = XFMAD(z2, XCD(0x1.71ffdb98657abp-19), t45);
  XD T = XFMAD(z4, t46, t03);
  return XFMAD(z, XFMAD(z, T, XCD(0x1.ffffffffffff6p-2)), XCD(1.0));
}

/* phi for z >= -1/8 (or NaN), where it gives phi's bits with one
 * comparison fewer: the exp_auto kernels' z = (E - 1) h/tau is at least
 * -h/tau, as E >= 0 (kernel_simd.c, vopts.lean). */
XINLINE XD XN(phi_up)(XD z) {
  XD ps = XN(phi_series)(z);
  XMD small = XLED(z, XCD(0.125));
  if (XALLD(small)) return ps;
  XD far = XSELD(XGTD(z, XCD(1.7976931348623157e308)), z, XN(expm1)(z) / z);
  return XSELD(small, ps, far);
}

XINLINE XD XN(phi)(XD z) {
  XD ps = XN(phi_series)(z);
  XMD small = XANDMD(XLED(z, XCD(0.125)), XGED(z, XCD(-0.125)));
  if (XALLD(small)) return ps;
  /* (e^z - 1)/z; at z = +inf that is inf/inf: the limit, inf, instead */
  XD far = XSELD(XGTD(z, XCD(1.7976931348623157e308)), z, XN(expm1)(z) / z);
  return XSELD(small, ps, far);
}

/* q^e for q > 0 (clamped to [1e-300, 1e300]): e log q, log by the
 * exponent and atanh's series on the mantissa in [sqrt(1/2), sqrt(2)). */
static inline XD XN(pow_pos)(XD q, double e) {
  XD qc = XMAXD(XMIND(q, XCD(1e300)), XCD(1e-300));
  XUD u = XBITSD(qc);
  XD m = XREALD(XUORD(XUANDD(u, 0x000fffffffffffffull), 0x3ff0000000000000ull));
  /* the biased exponent as a double: 2^52 + e_b, exactly */
  XD k = XREALD(XUORD(XUSHRD(u, 52), 0x4330000000000000ull)) -
         XCD(4503599627370496.0 + 1023.0);
  XMD big = XGTD(m, XCD(1.4142135623730951));
  m = XSELD(big, m * XCD(0.5), m);
  k = XSELD(big, k + XCD(1.0), k);
  XD s = (m - XCD(1.0)) / (m + XCD(1.0)), s2 = s * s;
  XD p = XFMAD(s2, XCD(1.0 / 17.0), XCD(1.0 / 15.0));
  p = XFMAD(s2, p, XCD(1.0 / 13.0));
  p = XFMAD(s2, p, XCD(1.0 / 11.0));
  p = XFMAD(s2, p, XCD(1.0 / 9.0));
  p = XFMAD(s2, p, XCD(1.0 / 7.0));
  p = XFMAD(s2, p, XCD(1.0 / 5.0));
  p = XFMAD(s2, p, XCD(1.0 / 3.0));
  XD lm = XFMAD(s2 * p, XCD(2.0) * s, XCD(2.0) * s); /* log m */
  XD lq = XFMAD(k, XCD(0.6931471805599453), lm);
  return XN(exp)(XCD(e) * lq);
}

/* ------------------------------------------------------------ float */

/* e^r - 1 for |r| <= ln2/32 in float (to r^4/4!: 4e-11 left out). */
XINLINE XF XN(expm1f_small)(XF r) {
  XF p = XFMAF(r, XCF(1.0f / 24.0f), XCF(1.0f / 6.0f));
  p = XFMAF(r, p, XCF(0.5f));
  return XFMAF(r * r, p, r);
}

XINLINE XF XN(expf_reduce)(XF x, XUF *ti) {
  XF t = XFMAF(x, XCF(XM_F_INV_L), XCF(XM_F_SHIFT));
  XF n = t - XCF(XM_F_SHIFT);
  XF r = XFMAF(n, XCF(-XM_F_L_HI), x);
  *ti = XBITSF(t);
  return XFMAF(n, XCF(-XM_F_L_LO), r);
}

/* expf for xc in [-104, 104] (every result from 88.73 up is inf), or NaN:
 * for a caller that clamps x itself (exp_in) */
XINLINE XF XN(expf_in)(XF xc) {
  XUF ti;
  XF q = XN(expm1f_small)(XN(expf_reduce)(xc, &ti));
  XF th = XTABF(adex__xm_exp2f_hi, ti), tl = XTABF(adex__xm_exp2f_lo, ti);
  XF y = th + XFMAF(th, q, tl);
  XUF mb = XUSHRF(XUADDF(ti, XM_F_MBIAS), 4); /* m + 256 */
  XUF m1b = XUSHRF(mb, 1);                    /* m1 + 128 */
  y = y * XREALF(XUSHLF(XUADDF(m1b, (uint32_t)-1), 23));
  return y * XREALF(XUSHLF(XUADDF(XUSUBF(mb, m1b), (uint32_t)-1), 23));
}

XINLINE XF XN(expf)(XF x) {
  return XN(expf_in)(XMAXF(XCF(-104.0f), XMINF(XCF(89.0f), x)));
}

static inline XF XN(expm1f)(XF x) {
  XF xc = XMAXF(XCF(-30.0f), XMINF(XCF(2.0f), x));
  XUF ti;
  XF q = XN(expm1f_small)(XN(expf_reduce)(xc, &ti));
  XF s = XREALF(XUSHLF(
      XUADDF(XUSHRF(XUADDF(ti, XM_F_MBIAS), 4), (uint32_t)-129), 23)); /* 2^m */
  XF S = XTABF(adex__xm_exp2f_hi, ti) * s;
  XF Tl = XTABF(adex__xm_exp2f_lo, ti) * s;
  XF hi = S - XCF(1.0f), lo = S - (hi + XCF(1.0f));
  XF mid = hi + (lo + XFMAF(S, q, Tl));
  XMF big = XGTF(x, XCF(2.0f));
  if (XNONEF(big)) return mid;
  return XSELF(big, XN(expf)(x) - XCF(1.0f), mid);
}

/* phi in float: the series to z^5/6! for |z| <= 1/8 (1e-9 left out),
 * as 1 + z (1/2 + z T(z)) like the double one. */
XINLINE XF XN(phif_series)(XF z) {
  XF T = XFMAF(z * z, XFMAF(z, XCF(1.0f / 720.0f), XCF(1.0f / 120.0f)),
               XFMAF(z, XCF(1.0f / 24.0f), XCF(1.0f / 6.0f)));
  return XFMAF(z, XFMAF(z, T, XCF(0.5f)), XCF(1.0f));
}

XINLINE XF XN(phif)(XF z) {
  XF ps = XN(phif_series)(z);
  XMF small = XANDMF(XLEF(z, XCF(0.125f)), XGEF(z, XCF(-0.125f)));
  if (XALLF(small)) return ps;
  XF far = XSELF(XGTF(z, XCF(3.40282347e38f)), z, XN(expm1f)(z) / z);
  return XSELF(small, ps, far);
}

/* ------------------------------------------------------------ normal */

/* The noise's normal variates (docs/numerics.md, "Noise: the normal
 * values"): a counter-based generator, so that a value depends on its
 * counter only, whatever the kernel, the vector lane or the thread.
 * Double only. */

/* SplitMix64's output function (Steele, Lea & Flood 2014): a bijective
 * mixer of 64 bits, the one of src/core/rng.c. */
XINLINE XUD XN(mix64)(XUD z) {
  z = XUMULD(XUXORD(z, XUSHRD(z, 30)), 0xBF58476D1CE4E5B9ull);
  z = XUMULD(XUXORD(z, XUSHRD(z, 27)), 0x94D049BB133111EBull);
  return XUXORD(z, XUSHRD(z, 31));
}

/* ln x for a positive, finite, normal x, without a division. x = 2^k m
 * with m in [sqrt(1/2), sqrt(2)); n = RN(16 m) in 11..23 picks 1/c =
 * RN(16/n) and -ln(1/c) = hi + lo from a table (xmath.c; c = 1 for n =
 * 16, so that near x = 1 nothing cancels); r = m/c - 1 by one fma, |r| <=
 * 1/22; ln(1 + r) by its Taylor series to r^13/13 (what is left out is
 * below 1e-18 relative). ln x = (k ln2_hi + hi) + (r + (k ln2_lo + lo +
 * r^2 P(r))), the first sum carried exactly. Within 1.2 ulp (test_xmath). */
XINLINE XD XN(log)(XD x) {
  XUD u = XBITSD(x);
  XD m = XREALD(XUORD(XUANDD(u, 0x000fffffffffffffull), 0x3ff0000000000000ull));
  /* the biased exponent as a double: 2^52 + e_b, exactly */
  XD k = XREALD(XUORD(XUSHRD(u, 52), 0x4330000000000000ull)) -
         XCD(4503599627370496.0 + 1023.0);
  XMD big = XGTD(m, XCD(1.4142135623730951));
  m = XSELD(big, m * XCD(0.5), m);
  k = XSELD(big, k + XCD(1.0), k);
  XUD ti = XBITSD(XFMAD(m, XCD(16.0), XCD(XM_D_SHIFT))); /* n in its bits */
  XD r = XFMAD(m, XTABD(adex__xm_log_invc, ti), XCD(-1.0));
  XD p = XFMAD(r, XCD(1.0 / 13.0), XCD(-1.0 / 12.0));
  p = XFMAD(r, p, XCD(1.0 / 11.0));
  p = XFMAD(r, p, XCD(-1.0 / 10.0));
  p = XFMAD(r, p, XCD(1.0 / 9.0));
  p = XFMAD(r, p, XCD(-1.0 / 8.0));
  p = XFMAD(r, p, XCD(1.0 / 7.0));
  p = XFMAD(r, p, XCD(-1.0 / 6.0));
  p = XFMAD(r, p, XCD(1.0 / 5.0));
  p = XFMAD(r, p, XCD(-1.0 / 4.0));
  p = XFMAD(r, p, XCD(1.0 / 3.0));
  p = XFMAD(r, p, XCD(-0.5));
  /* k ln2_hi + hi as s + e exactly (k ln2_hi is exact, and larger than
   * hi where k != 0: Fast2Sum) */
  XD a = k * XCD(XM_LN2_HI), b = XTABD(adex__xm_log_hi, ti);
  XD s = a + b, e = (a - s) + b;
  XD lo = XFMAD(k, XCD(XM_LN2_LO), XTABD(adex__xm_log_lo, ti)) + e;
  return s + (r + XFMAD(r * r, p, lo));
}

/* sin x and cos x for |x| <= pi/4: Taylor polynomials to x^17/17! and
 * x^16/16! (what is left out is below 1e-18 relative), within about 1
 * ulp (test_xmath). */
XINLINE XD XN(sin_small)(XD x) {
  XD z = x * x;
  XD p = XFMAD(z, XCD(1.0 / 355687428096000.0), XCD(-1.0 / 1307674368000.0));
  p = XFMAD(z, p, XCD(1.0 / 6227020800.0));
  p = XFMAD(z, p, XCD(-1.0 / 39916800.0));
  p = XFMAD(z, p, XCD(1.0 / 362880.0));
  p = XFMAD(z, p, XCD(-1.0 / 5040.0));
  p = XFMAD(z, p, XCD(1.0 / 120.0));
  p = XFMAD(z, p, XCD(-1.0 / 6.0));
  return XFMAD(x * z, p, x);
}

XINLINE XD XN(cos_small)(XD x) {
  XD z = x * x;
  XD q = XFMAD(z, XCD(1.0 / 20922789888000.0), XCD(-1.0 / 87178291200.0));
  q = XFMAD(z, q, XCD(1.0 / 479001600.0));
  q = XFMAD(z, q, XCD(-1.0 / 3628800.0));
  q = XFMAD(z, q, XCD(1.0 / 40320.0));
  q = XFMAD(z, q, XCD(-1.0 / 720.0));
  q = XFMAD(z, q, XCD(1.0 / 24.0));
  /* 1 - (z/2 - z^2 q): the bracket is at most 0.31, its rounding small */
  return XCD(1.0) - (z * XCD(0.5) - (z * z) * q);
}

/* Two independent standard normal values from one counter z per lane:
 * h1 and h2, SplitMix64's outputs at z and z + its gamma (two consecutive
 * outputs of a stream, XM_GAMMA), give Box-Muller's radius and angle,
 * both of its values used. The radius sqrt(-2 ln u) with u = 1 - n 2^-52
 * in (0, 1] from h1's top 52 bits (at most 8.49: the normal's tail beyond
 * it has probability 2e-17). The angle uniform on the circle: x uniform
 * on [-pi/4, pi/4) from h2's low 52 bits, then one of the square's eight
 * symmetries from its top three bits (swap sin and cos, the sign of
 * either), so only sin and cos near 0 are needed. */
XINLINE void XN(normal_pair)(XUD z, XD *a, XD *b) {
  XUD h1 = XN(mix64)(z), h2 = XN(mix64)(XUADDD(z, XM_GAMMA));
  XD u = XCD(2.0) - XREALD(XUORD(XUSHRD(h1, 12), 0x3ff0000000000000ull));
  XD r = XSQRTD(XCD(-2.0) * XN(log)(u));
  XD g =
      XREALD(XUORD(XUANDD(h2, 0x000fffffffffffffull), 0x3ff0000000000000ull));
  XD x = (g - XCD(1.5)) * XCD(1.5707963267948966); /* g - 1.5 exact */
  XD c = XN(cos_small)(x), s = XN(sin_small)(x);
  XMD swap = XUHASD(h2, 0x2000000000000000ull);
  XD p = XSELD(swap, s, c), q = XSELD(swap, c, s);
  *a = r * XREALD(XUXORD(XBITSD(p), XUANDD(h2, 0x8000000000000000ull)));
  *b = r *
       XREALD(XUXORD(XBITSD(q), XUANDD(XUSHLD(h2, 1), 0x8000000000000000ull)));
}
