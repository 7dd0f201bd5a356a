/* test_xmath.c - the library's elementary functions (src/math/xmath.h, written
 * once in src/math/xmath_body.h) against long double, and the vector ones of
 * src/math/simd.h lane by lane against the scalar ones.
 *
 *   - the tables: adex__xm_exp2_hi[j] = RN(2^(j/16)) and hi + lo =
 *     2^(j/16) within 2^-106 relative (checked in __float128 by raising
 *     hi + lo to the 16th power; exp2l, x87's 64-bit mantissa, can only
 *     confirm it to about 1e-19); the float tables likewise;
 *   - exp within 0.56 ulp of expl for normal results, within 1 ulp (of
 *     2^-1074) for subnormal ones, +0 for x <= -745.14, inf for x >=
 *     709.79, NaN for NaN; expm1 within 1.1 ulp of expm1l for |x| >= 1/8;
 *     phi_series within 0.65 ulp of expm1l(z)/z for |z| <= 1/8; phi
 *     within 1.6 2^-52 relative (not 1.6 ulp: 2.2 ulp measured) for |z| >
 *     1/8 where e^z is finite, z <= 709.78 (beyond, phi is inf as expm1
 *     is, though (e^z - 1)/z is finite up to about 716.3; phi(+inf) =
 *     inf), and the result normal (z >= -1/DBL_MIN); expf within 0.76 float ulp of expl for
 *     normal results; pow_pos
 *     within 1e-14 relative of powl for q in [1e-6, 1e6] and the exponents
 *     -1/2 .. -1/6 of the step control; the noise's log within 1.2 ulp
 *     of logl for positive normal arguments (its table: hi + lo within
 *     2^-62 relative of -logl(1/c)), sin_small and cos_small
 *     within 1 ulp of sinl, cosl on [-pi/4, pi/4], mix64 = rng.c's;
 *   - every vector function, AVX2 and AVX-512 where the CPU runs them,
 *     gives the scalar function's bits for every argument: the random
 *     ones above, special values and random bit patterns (NaN, inf,
 *     subnormals); a NaN matches any NaN.
 * Arguments come from a fixed xorshift64* sequence, a few million in all.
 * ADEX_TEST_VERBOSE=1 prints the worst errors measured.
 *
 * valgrind computes x87 long double arithmetic in double precision: there
 * the reference is no better than what it checks, so the accuracy checks
 * are left out and fewer arguments are drawn (the bit checks stay; valgrind
 * has no AVX-512, so only the AVX2 functions run there).
 */
#include <float.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "adex_test.h"
#include "rng.h"
#include "xmath.h"
#include "xmath_lanes.h"

static bool verbose(void) { return getenv("ADEX_TEST_VERBOSE") != NULL; }

/* Whether long double has its 64-bit mantissa here (not under valgrind). */
static bool reference_exact(void) {
  volatile long double one = 1.0L, eps = LDBL_EPSILON;
  return LDBL_MANT_DIG >= 64 && one + eps != one;
}

/* n arguments, or a 64th of them where the reference is emulated. */
static size_t count(size_t n) { return reference_exact() ? n : n / 64 + 1; }

/* ------------------------------------------------------------ arguments */

typedef struct rng {
  uint64_t s;
} rng;

/* xorshift64* (Vigna 2016). */
static uint64_t next_u64(rng *r) {
  r->s ^= r->s >> 12;
  r->s ^= r->s << 25;
  r->s ^= r->s >> 27;
  return r->s * 0x2545f4914f6cdd1dULL;
}
static double u01(rng *r) { return (double)(next_u64(r) >> 11) * 0x1.0p-53; }
static double unif(rng *r, double lo, double hi) {
  return lo + (hi - lo) * u01(r);
}
/* |x| log-uniform in [lo, hi], the sign random. */
static double logu_signed(rng *r, double lo, double hi) {
  double x = exp(unif(r, log(lo), log(hi)));
  return next_u64(r) >> 63 ? -x : x;
}
/* Any double: NaNs, infinities, subnormals included. */
static double any_double(rng *r) {
  uint64_t u = next_u64(r);
  double x;
  memcpy(&x, &u, sizeof x);
  return x;
}

/* An array of arguments, grown by the sets appended to it. */
typedef struct args {
  double *x;
  size_t n, cap;
} args;

static void push(args *a, double x) {
  if (a->n == a->cap) {
    a->cap = a->cap ? 2 * a->cap : 4096;
    a->x = realloc(a->x, a->cap * sizeof *a->x);
    assert_non_null(a->x);
  }
  a->x[a->n++] = x;
}

static void push_unif(args *a, rng *r, size_t n, double lo, double hi) {
  for (size_t i = 0; i < count(n); i++) push(a, unif(r, lo, hi));
}
static void push_logu(args *a, rng *r, size_t n, double lo, double hi) {
  for (size_t i = 0; i < count(n); i++) push(a, logu_signed(r, lo, hi));
}
static void push_any(args *a, rng *r, size_t n) {
  for (size_t i = 0; i < count(n); i++) push(a, any_double(r));
}

/* The special values every function gets. */
static const double specials[] = {NAN,
                                  -NAN,
                                  INFINITY,
                                  -INFINITY,
                                  0.0,
                                  -0.0,
                                  709.78,
                                  709.79,
                                  -745.13,
                                  -745.14,
                                  -708.4,
                                  1e300,
                                  -1e300,
                                  0x1p-1074,
                                  -0x1p-1074,
                                  DBL_MIN,
                                  DBL_MAX,
                                  -DBL_MAX,
                                  0.125,
                                  -0.125,
                                  0x1.0000000000001p-3,
                                  -0x1.0000000000001p-3,
                                  1.0,
                                  -1.0,
                                  2.0,
                                  0x1.0000000000001p+1,
                                  -60.0,
                                  -0x1.e000000000001p+5,
                                  709.782712893384,
                                  716.0,
                                  -746.0,
                                  710.0};
#define N_SPECIALS (sizeof specials / sizeof specials[0])

static void push_specials(args *a) {
  for (size_t i = 0; i < N_SPECIALS; i++) push(a, specials[i]);
}

/* ------------------------------------------------------------ lanes */

typedef void lanes_d(const double *x, double *y, size_t n);
typedef void lanes_f(const float *x, float *y, size_t n);

static const char *const isa_name[2] = {"avx2", "avx512"};

/* Whether the vector functions of instruction set k are built and the CPU
 * runs them (the checks of src/kernels/kernels.c, plus FMA for AVX-512). */
static bool isa_runs(int k) {
#ifdef ADEX_TEST_LANES
  if (k == 0)
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
           __builtin_cpu_supports("bmi2");
  return __builtin_cpu_supports("avx512f") &&
         __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("fma") &&
         __builtin_cpu_supports("bmi2");
#else
  (void)k;
  return false;
#endif
}

#ifdef ADEX_TEST_LANES
#define LANES(fn)                                                              \
  { xm_##fn##_avx2, xm_##fn##_avx512 }
#else
#define LANES(fn)                                                              \
  { NULL, NULL }
#endif

/* Equal bits, or both NaN. */
static bool same_bits(double a, double b) {
  if (isnan(a) || isnan(b)) return isnan(a) && isnan(b);
  return memcmp(&a, &b, sizeof a) == 0;
}
static bool same_bits_f(float a, float b) {
  if (isnan(a) || isnan(b)) return isnan(a) && isnan(b);
  return memcmp(&a, &b, sizeof a) == 0;
}

/* Assert that each vector instantiation the CPU runs gives y's bits. */
static void check_lanes_d(const char *name, lanes_d *const vec[2],
                          const double *x, const double *y, size_t n) {
  double *v = malloc(n * sizeof *v);
  assert_non_null(v);
  for (int k = 0; k < 2; k++) {
    if (!isa_runs(k)) continue;
    vec[k](x, v, n);
    for (size_t i = 0; i < n; i++)
      if (!same_bits(v[i], y[i])) {
        print_error("%s %s(%a) = %a, scalar %a\n", isa_name[k], name, x[i],
                    v[i], y[i]);
        fail();
      }
  }
  free(v);
}

static void check_lanes_f(const char *name, lanes_f *const vec[2],
                          const float *x, const float *y, size_t n) {
  float *v = malloc(n * sizeof *v);
  assert_non_null(v);
  for (int k = 0; k < 2; k++) {
    if (!isa_runs(k)) continue;
    vec[k](x, v, n);
    for (size_t i = 0; i < n; i++)
      if (!same_bits_f(v[i], y[i])) {
        print_error("%s %s(%a) = %a, scalar %a\n", isa_name[k], name,
                    (double)x[i], (double)v[i], (double)y[i]);
        fail();
      }
  }
  free(v);
}

/* y[i] = f(x[i]) by the scalar function; the vector ones give the same. */
static double *eval_d(const char *name, double (*f)(double),
                      lanes_d *const vec[2], const args *a) {
  double *y = malloc(a->n * sizeof *y);
  assert_non_null(y);
  for (size_t i = 0; i < a->n; i++) y[i] = f(a->x[i]);
  check_lanes_d(name, vec, a->x, y, a->n);
  return y;
}

/* ------------------------------------------------------------ errors */

/* |y - ref| in units in the last place of ref as a double (2^-1074 below
 * DBL_MIN, 2^971 above DBL_MAX); 0 for an inf where ref rounds to one,
 * for NaN where ref is NaN. */
static double ulps(double y, long double ref) {
  if (isnan(y) || isnan(ref)) return isnan(y) && isnan(ref) ? 0.0 : INFINITY;
  long double a = fabsl(ref);
  if (isinf(y))
    return !signbit(y) == !signbit(ref) && a >= (long double)DBL_MAX + 0x1p970L
               ? 0.0
               : INFINITY;
  int e = a < DBL_MIN ? -1022 : ilogbl(a) > 1023 ? 1023 : ilogbl(a);
  return (double)(fabsl((long double)y - ref) / ldexpl(1.0L, e - 52));
}

/* The same for floats (2^-149 below FLT_MIN, 2^104 above FLT_MAX). */
static double ulps_f(float y, long double ref) {
  if (isnan(y) || isnan(ref)) return isnan(y) && isnan(ref) ? 0.0 : INFINITY;
  long double a = fabsl(ref);
  if (isinf(y))
    return !signbit(y) == !signbit(ref) && a >= (long double)FLT_MAX + 0x1p103L
               ? 0.0
               : INFINITY;
  int e = a < FLT_MIN ? -126 : ilogbl(a) > 127 ? 127 : ilogbl(a);
  return (double)(fabsl((long double)y - ref) / ldexpl(1.0L, e - 23));
}

/* The worst error over a set of arguments and where it was. */
typedef struct worst {
  double err, at;
  long n;
} worst;

static void note(worst *w, double err, double x) {
  w->n++;
  if (!(err <= w->err)) {
    w->err = err;
    w->at = x;
  }
}

/* Assert the worst error within bound (printed with ADEX_TEST_VERBOSE). */
static void check_worst(const char *what, const worst *w, double bound,
                        const char *unit) {
  if (verbose())
    printf("%-34s %8ld args: worst %.4g %s at %a (bound %g)\n", what, w->n,
           w->err, unit, w->at, bound);
  if (!(w->err <= bound)) {
    print_error("%s: %.4g %s at x = %a (%.17g), bound %g\n", what, w->err, unit,
                w->at, w->at, bound);
    fail();
  }
}

/* ------------------------------------------------------------ tables */

#if defined(__SIZEOF_FLOAT128__)
__extension__ typedef __float128 quad;
#endif

/* hi = RN(2^(j/16)) and hi + lo = 2^(j/16) within 2^-106 relative, for
 * the double tables; hi = RN_float(2^(j/16)) and hi + lo within 2^-48 for
 * the float ones. exp2l has a 64-bit mantissa here (x87): it confirms hi
 * + lo to about 1e-19 only. The 2^-106 is checked in __float128 (113
 * bits), where hi + lo is exact: (hi + lo)^16 by four squarings, each
 * rounding by at most 2^-113, is 2^j (1 + 16 d) with d the relative error
 * of hi + lo, up to 15 2^-113. */
static void test_tables(void **state) {
  (void)state;
  double worst_ld = 0.0, worst_q = 0.0;
  for (int j = 0; j < 16; j++) {
    double hi = adex__xm_exp2_hi[j], lo = adex__xm_exp2_lo[j];
    float hif = adex__xm_exp2f_hi[j], lof = adex__xm_exp2f_lo[j];
    assert_true(fabs(lo) <= 0x1p-53 * hi);
    assert_true(fabsf(lof) <= 0x1p-24f * hif);
    if (reference_exact()) {
      long double e = exp2l(j / 16.0L);
      assert_true(hi == (double)e);
      assert_true(hif == (float)e);
      /* hi - e is exact (Sterbenz); lo then nearly cancels it */
      double d = (double)fabsl(((long double)hi - e + lo) / e);
      worst_ld = fmax(worst_ld, d);
      assert_true(d <= 2e-19);
      double df = (double)fabsl(((long double)hif - e + lof) / e);
      assert_true(df <= 0x1p-48 + 2e-19);
    }
#if defined(__SIZEOF_FLOAT128__)
    quad t = (quad)hi + (quad)lo, p = t;
    for (int k = 0; k < 4; k++) p = p * p;
    quad two_j = (quad)ldexp(1.0, j);
    double rel = fabs((double)((p - two_j) / two_j));
    double d = (rel + 15 * 0x1p-113) / 16;
    worst_q = fmax(worst_q, d);
    assert_true(d <= 0x1p-106);
#endif
  }
  if (verbose())
    printf("tables: hi + lo vs exp2l %.3g, vs 2^(j/16) in __float128 %.3g "
           "relative at most\n",
           worst_ld, worst_q);
}

/* ------------------------------------------------------------ exp */

static double s_exp(double x) { return adex__exp(x); }
static double s_expm1(double x) { return adex__expm1(x); }
static double s_phi(double x) { return adex__phi(x); }
static double s_phi_series(double x) { return adex__phi_series(x); }

static lanes_d *const exp_lanes[2] = LANES(exp);
static lanes_d *const expm1_lanes[2] = LANES(expm1);
static lanes_d *const phi_lanes[2] = LANES(phi);
static lanes_d *const phi_series_lanes[2] = LANES(phi_series);

static void test_exp(void **state) {
  (void)state;
  rng r = {0x9e3779b97f4a7c15ULL};
  args a = {0};
  push_specials(&a);
  push_unif(&a, &r, 1000000, -746.0, 710.5); /* the whole range */
  push_unif(&a, &r, 100000, -745.2, -708.3); /* subnormal results */
  push_unif(&a, &r, 20000, 709.7, 709.9);    /* the overflow threshold */
  push_logu(&a, &r, 200000, 0x1p-60, 1.0);   /* near 0 */
  push_any(&a, &r, 100000);                  /* anything */
  double *y = eval_d("exp", s_exp, exp_lanes, &a);
  worst normal = {0}, sub = {0};
  for (size_t i = 0; i < a.n; i++) {
    double x = a.x[i];
    if (isnan(x)) assert_true(isnan(y[i]));
    if (x >= 709.79) assert_true(y[i] == INFINITY);
    if (x <= -745.14) assert_true(y[i] == 0.0 && !signbit(y[i]));
    if (!reference_exact() || isnan(x)) continue;
    long double ref = expl((long double)x);
    note(ref >= DBL_MIN ? &normal : &sub, ulps(y[i], ref), x);
  }
  if (reference_exact()) {
    check_worst("exp, normal results", &normal, 0.56, "ulp");
    check_worst("exp, subnormal results", &sub, 1.0, "ulp");
  }
  /* the special values */
  assert_true(isnan(adex__exp(NAN)));
  assert_true(adex__exp(INFINITY) == INFINITY);
  assert_true(adex__exp(-INFINITY) == 0.0 && !signbit(adex__exp(-INFINITY)));
  assert_true(adex__exp(0.0) == 1.0 && adex__exp(-0.0) == 1.0);
  assert_true(adex__exp(0x1p-1074) == 1.0 && adex__exp(-0x1p-1074) == 1.0);
  assert_true(adex__exp(709.78) < DBL_MAX);
  assert_true(adex__exp(709.79) == INFINITY);
  assert_true(adex__exp(1e300) == INFINITY);
  assert_true(adex__exp(-745.13) == 0x1p-1074);
  assert_true(adex__exp(-745.14) == 0.0);
  assert_true(adex__exp(-1e300) == 0.0);
  assert_true(adex__exp(-708.4) < DBL_MIN && adex__exp(-708.4) > 0.0);
  assert_true(adex__exp(1.0) == 0x1.5bf0a8b145769p+1); /* RN(e) */
  free(y);
  free(a.x);
}

static void test_expm1(void **state) {
  (void)state;
  rng r = {0x243f6a8885a308d3ULL};
  args a = {0};
  push_specials(&a);
  push_logu(&a, &r, 400000, 0.125, 750.0);   /* the claimed range */
  push_unif(&a, &r, 100000, -70.0, 10.0);    /* the reduced branch */
  push_logu(&a, &r, 100000, 0x1p-60, 0.125); /* phi does not use these */
  push_any(&a, &r, 100000);
  double *y = eval_d("expm1", s_expm1, expm1_lanes, &a);
  worst big = {0}, small = {0};
  for (size_t i = 0; i < a.n; i++) {
    double x = a.x[i];
    if (isnan(x)) assert_true(isnan(y[i]));
    if (x >= 709.79) assert_true(y[i] == INFINITY);
    if (!reference_exact() || isnan(x)) continue;
    long double ref = expm1l((long double)x);
    note(fabs(x) >= 0.125 ? &big : &small, ulps(y[i], ref), x);
  }
  if (reference_exact()) {
    check_worst("expm1, |x| >= 1/8", &big, 1.1, "ulp");
    if (verbose()) /* no claim: phi's series takes |x| < 1/8 */
      printf("%-34s %8ld args: worst %.4g ulp at %a (not checked)\n",
             "expm1, |x| < 1/8", small.n, small.err, small.at);
  }
  assert_true(isnan(adex__expm1(NAN)));
  assert_true(adex__expm1(INFINITY) == INFINITY);
  assert_true(adex__expm1(-INFINITY) == -1.0);
  assert_true(adex__expm1(-1e300) == -1.0);
  assert_true(adex__expm1(1e300) == INFINITY);
  assert_true(adex__expm1(0.0) == 0.0);
  free(y);
  free(a.x);
}

/* The reference of phi: expm1l(z)/z, 1 at 0. */
static long double phi_ref(double z) {
  return z == 0.0 ? 1.0L : expm1l((long double)z) / (long double)z;
}

static void test_phi_series(void **state) {
  (void)state;
  rng r = {0xb7e151628aed2a6bULL};
  /* |z| <= 1/8: the series, through phi_series and through phi (all lanes
   * small: phi's shortcut) */
  args s = {0};
  push(&s, 0.0);
  push(&s, -0.0);
  push(&s, 0.125);
  push(&s, -0.125);
  push(&s, 0x1p-1074);
  push(&s, -0x1p-1074);
  push_unif(&s, &r, 300000, -0.125, 0.125);
  push_logu(&s, &r, 100000, 0x1p-60, 0.125);
  double *ys = eval_d("phi_series", s_phi_series, phi_series_lanes, &s);
  double *yp = eval_d("phi", s_phi, phi_lanes, &s);
  worst series = {0};
  for (size_t i = 0; i < s.n; i++) {
    assert_true(same_bits(yp[i], ys[i]));
    if (reference_exact()) note(&series, ulps(ys[i], phi_ref(s.x[i])), s.x[i]);
  }
  if (reference_exact())
    check_worst("phi_series, |z| <= 1/8", &series, 0.65, "ulp");
  assert_true(adex__phi(0.0) == 1.0 && adex__phi(-0.0) == 1.0);
  free(ys);
  free(yp);
  free(s.x);
}

static void test_phi(void **state) {
  (void)state;
  rng r = {0x6a09e667f3bcc908ULL};
  /* small and large z mixed in the lanes */
  args a = {0};
  push_specials(&a);
  push_unif(&a, &r, 300000, -1.0, 1.0);
  push_logu(&a, &r, 300000, 0.125, 709.78);
  push_logu(&a, &r, 50000, 709.78, 1e300);
  push_any(&a, &r, 100000);
  double *y = eval_d("phi", s_phi, phi_lanes, &a);
  worst rel = {0}, ulp = {0};
  for (size_t i = 0; i < a.n; i++) {
    double z = a.x[i];
    if (isnan(z)) assert_true(isnan(y[i]));
    if (fabs(z) <= 0.125) assert_true(same_bits(y[i], adex__phi_series(z)));
    if (!reference_exact() || !(fabs(z) > 0.125 && z <= 709.78)) continue;
    long double ref = phi_ref(z);
    if (ref < DBL_MIN) continue; /* -1/z for z below -1/DBL_MIN */
    note(&rel, (double)(fabsl((long double)y[i] - ref) / ref) * 0x1p52, z);
    note(&ulp, ulps(y[i], ref), z);
  }
  if (reference_exact()) {
    /* expm1's 1.1 ulp and the division's 0.5 are relative errors of at
     * most 1.1 2^-52 and 2^-53: 1.6 2^-52 relative. In ulps of phi that
     * is up to 3.2 where expm1(z) is at the bottom of its binade and phi
     * at the top of its own (measured 2.2 near z = 37): not checked. */
    check_worst("phi, |z| > 1/8, z <= 709.78", &rel, 1.6, "2^-52 rel.");
    if (verbose())
      printf("%-34s %8ld args: worst %.4g ulp at %a (not checked)\n",
             "phi, |z| > 1/8, z <= 709.78", ulp.n, ulp.err, ulp.at);
  }
  /* phi(+inf): the limit, not inf/inf */
  assert_true(adex__phi(INFINITY) == INFINITY);
  assert_true(isnan(adex__phi(NAN)));
  assert_true(adex__phi(1e300) == INFINITY);
  assert_true(adex__phi(-INFINITY) == 0.0);
  assert_true(adex__phi(-1e300) == 1e-300);
  free(y);
  free(a.x);
}

/* ------------------------------------------------------------ pow */

static void test_pow_pos(void **state) {
  (void)state;
  rng r = {0xa4093822299f31d0ULL};
  args a = {0};
  push(&a, 1.0);
  push(&a, 1e-6);
  push(&a, 1e6);
  for (size_t i = 0; i < count(200000); i++)
    push(&a, exp(unif(&r, log(1e-6), log(1e6))));
  size_t in_range = a.n; /* the claim's range ends here */
  push_specials(&a);     /* outside it: only the bits of the lanes */
  for (size_t i = 0; i < count(20000); i++) push(&a, fabs(any_double(&r)));
  double *y = malloc(a.n * sizeof *y), *v = malloc(a.n * sizeof *v);
  assert_true(y && v);
  for (int k = 2; k <= 6; k++) {
    double e = -1.0 / k;
    worst rel = {0};
    for (size_t i = 0; i < a.n; i++) {
      y[i] = adex__pow_pos(a.x[i], e);
      if (i < in_range && reference_exact()) {
        long double ref = powl((long double)a.x[i], (long double)e);
        note(&rel, (double)fabsl(((long double)y[i] - ref) / ref), a.x[i]);
      }
    }
    assert_true(adex__pow_pos(1.0, e) == 1.0);
    if (reference_exact()) {
      char what[64];
      snprintf(what, sizeof what, "pow_pos, q in [1e-6, 1e6], e = -1/%d", k);
      check_worst(what, &rel, 1e-14, "relative");
    }
#ifdef ADEX_TEST_LANES
    void (*const vp[2])(const double *, double, double *,
                        size_t) = {xm_pow_pos_avx2, xm_pow_pos_avx512};
    for (int isa = 0; isa < 2; isa++) {
      if (!isa_runs(isa)) continue;
      vp[isa](a.x, e, v, a.n);
      for (size_t i = 0; i < a.n; i++)
        if (!same_bits(v[i], y[i])) {
          print_error("%s pow_pos(%a, -1/%d) = %a, scalar %a\n", isa_name[isa],
                      a.x[i], k, v[i], y[i]);
          fail();
        }
    }
#endif
  }
  free(y);
  free(v);
  free(a.x);
}

/* ------------------------------------------------------------ float */

static lanes_f *const expf_lanes[2] = LANES(expf);
static lanes_f *const expm1f_lanes[2] = LANES(expm1f);
static lanes_f *const phif_lanes[2] = LANES(phif);
static lanes_f *const phif_series_lanes[2] = LANES(phif_series);

static const float specials_f[] = {
    NAN,       -NAN,       INFINITY, -INFINITY, 0.0f,     -0.0f,  88.72f,
    88.73f,    -87.33f,    -103.97f, -104.0f,   -105.0f,  1e30f,  -1e30f,
    0x1p-149f, -0x1p-149f, FLT_MIN,  FLT_MAX,   -FLT_MAX, 0.125f, -0.125f,
    2.0f,      -30.0f,     1.0f,     -1.0f};

/* expf over the whole range; expm1f, phif and phif_series: the lanes'
 * bits only (xmath_body.h claims no accuracy for them; the worst errors
 * against long double are printed with ADEX_TEST_VERBOSE). */
static void test_float(void **state) {
  (void)state;
  rng r = {0x1b873593cc9e2d51ULL};
  size_t n = 0, cap = count(600000) + count(100000) + count(100000) +
                      sizeof specials_f / sizeof specials_f[0];
  float *x = malloc(cap * sizeof *x), *y = malloc(cap * sizeof *y);
  assert_true(x && y);
  for (size_t i = 0; i < sizeof specials_f / sizeof specials_f[0]; i++)
    x[n++] = specials_f[i];
  for (size_t i = 0; i < count(600000); i++)
    x[n++] = (float)unif(&r, -105.0, 89.5);
  for (size_t i = 0; i < count(100000); i++)
    x[n++] = (float)logu_signed(&r, 0x1p-30, 1.0);
  for (size_t i = 0; i < count(100000); i++) {
    uint32_t u = (uint32_t)(next_u64(&r) >> 32);
    memcpy(&x[n++], &u, sizeof u);
  }
  assert_true(n == cap);

  worst normal = {0}, sub = {0};
  for (size_t i = 0; i < n; i++) {
    y[i] = adex__expf(x[i]);
    if (isnan(x[i])) assert_true(isnan(y[i]));
    if (!reference_exact() || isnan(x[i])) continue;
    long double ref = expl((long double)x[i]);
    note(ref >= FLT_MIN ? &normal : &sub, ulps_f(y[i], ref), x[i]);
  }
  check_lanes_f("expf", expf_lanes, x, y, n);
  if (reference_exact()) {
    check_worst("expf, normal results", &normal, 0.76, "float ulp");
    if (verbose())
      printf("%-34s %8ld args: worst %.4g float ulp at %a (not checked)\n",
             "expf, subnormal results", sub.n, sub.err, sub.at);
  }
  assert_true(adex__expf(INFINITY) == INFINITY);
  assert_true(adex__expf(-INFINITY) == 0.0f);
  assert_true(adex__expf(0.0f) == 1.0f && adex__expf(-0.0f) == 1.0f);
  assert_true(adex__expf(88.73f) == INFINITY);
  assert_true(adex__expf(-105.0f) == 0.0f);

  static const struct {
    const char *name;
    float (*f)(float);
    lanes_f *const *vec;
  } others[] = {{"expm1f", adex__expm1f, expm1f_lanes},
                {"phif", adex__phif, phif_lanes},
                {"phif_series", adex__phif_series, phif_series_lanes}};
  for (size_t k = 0; k < 3; k++) {
    worst w = {0};
    for (size_t i = 0; i < n; i++) {
      y[i] = others[k].f(x[i]);
      if (!verbose() || !reference_exact() || !isfinite(x[i])) continue;
      double z = x[i];
      bool in = k == 0   ? fabs(z) >= 0.125 && z <= 88.72
                : k == 1 ? z <= 88.72
                         : fabs(z) <= 0.125;
      if (in) note(&w, ulps_f(y[i], k == 0 ? expm1l(z) : phi_ref(z)), z);
    }
    check_lanes_f(others[k].name, others[k].vec, x, y, n);
    if (verbose() && reference_exact())
      printf("%-34s %8ld args: worst %.4g float ulp at %a (not checked)\n",
             k == 0   ? "expm1f, 1/8 <= |x|, x <= 88.72"
             : k == 1 ? "phif, z <= 88.72"
                      : "phif_series, |z| <= 1/8",
             w.n, w.err, w.at);
  }
  free(x);
  free(y);
}

/* ------------------------------------------------------------ noise */

static lanes_d *const log_lanes[2] = LANES(log);
static lanes_d *const sin_small_lanes[2] = LANES(sin_small);
static lanes_d *const cos_small_lanes[2] = LANES(cos_small);
static double s_log(double x) { return adex__log(x); }
static double s_sin_small(double x) { return adex__sin_small(x); }
static double s_cos_small(double x) { return adex__cos_small(x); }

/* log for positive normal arguments: the noise's u in (0, 1] (1 - n
 * 2^-52), near 1, and the whole range; within 1.2 ulp of logl (1.18
 * measured). */
static void test_log(void **state) {
  (void)state;
  rng r = {0x243f6a8885a308d3ULL};
  args a = {0};
  static const double fixed[] = {
      1.0,     0x1p-52, 0.5, 2.0, 0x1.fffffffffffffp-1, 0x1.0000000000001p+0,
      DBL_MIN, DBL_MAX};
  for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
    push(&a, fixed[i]);
  for (size_t i = 0; i < count(500000); i++) /* the generator's u */
    push(&a, 1.0 - (double)(next_u64(&r) >> 12) * 0x1p-52);
  for (size_t i = 0; i < count(200000); i++)
    push(&a, fabs(logu_signed(&r, 0x1p-52, 1.0)));
  for (size_t i = 0; i < count(200000); i++)
    push(&a, 1.0 + logu_signed(&r, 0x1p-52, 0.5));
  for (size_t i = 0; i < count(200000); i++)
    push(&a, fabs(logu_signed(&r, DBL_MIN, DBL_MAX)));
  double *y = eval_d("log", s_log, log_lanes, &a);
  worst w = {0};
  for (size_t i = 0; reference_exact() && i < a.n; i++)
    note(&w, ulps(y[i], logl((long double)a.x[i])), a.x[i]);
  if (reference_exact()) check_worst("log, positive normal", &w, 1.2, "ulp");
  assert_true(adex__log(1.0) == 0.0);
  assert_true(adex__log(2.0) == 0x1.62e42fefa39efp-1); /* RN(ln 2) */
  /* the table: 1/c = RN(16/n) at n & 15, and hi + lo = -ln(1/c) to
   * long double's precision (2^-64 relative; 300 bits made them) */
  for (int n = 11; n <= 23; n++) {
    double invc = adex__xm_log_invc[n & 15];
    assert_true(invc == 16.0 / n);
    if (!reference_exact()) continue;
    long double L = -logl((long double)invc);
    long double d = (long double)adex__xm_log_hi[n & 15] - L +
                    (long double)adex__xm_log_lo[n & 15];
    assert_true(fabsl(d) <= 0x1p-62L * fabsl(L));
    assert_true(adex__xm_log_hi[n & 15] == (double)L);
  }
  /* ln2 = XM_LN2_HI + XM_LN2_LO, the first with 40 bits */
  assert_true(XM_LN2_HI == ldexp(floor(ldexp(XM_LN2_HI, 40)), -40));
  if (reference_exact())
    assert_true(fabsl((long double)XM_LN2_HI + (long double)XM_LN2_LO -
                      0.6931471805599453094172321214581766L) <= 0x1p-63L);
  free(y);
  free(a.x);
}

/* sin and cos on [-pi/4, pi/4] (the Box-Muller angle): within 1 ulp of
 * sinl, cosl; and the mixer's lanes against rng.c's. */
static void test_sincos_small_and_mix(void **state) {
  (void)state;
  rng r = {0x13198a2e03707344ULL};
  const double q = 0.78539816339744831; /* RN(pi/4) */
  args a = {0};
  push(&a, 0.0);
  push(&a, q);
  push(&a, -q);
  push_unif(&a, &r, 500000, -q, q);
  push_logu(&a, &r, 100000, 0x1p-60, q);
  double *ys = eval_d("sin_small", s_sin_small, sin_small_lanes, &a);
  double *yc = eval_d("cos_small", s_cos_small, cos_small_lanes, &a);
  worst ws = {0}, wc = {0};
  for (size_t i = 0; reference_exact() && i < a.n; i++) {
    note(&ws, ulps(ys[i], sinl((long double)a.x[i])), a.x[i]);
    note(&wc, ulps(yc[i], cosl((long double)a.x[i])), a.x[i]);
  }
  if (reference_exact()) {
    check_worst("sin_small, |x| <= pi/4", &ws, 1.0, "ulp");
    check_worst("cos_small, |x| <= pi/4", &wc, 1.0, "ulp");
  }
  assert_true(adex__sin_small(0.0) == 0.0 && adex__cos_small(0.0) == 1.0);
  free(ys);
  free(yc);
  free(a.x);
  /* the mixer: rng.c's, lane by lane */
  enum { nz = 10007 };
  static uint64_t z[nz], h[nz], v[nz];
  for (size_t i = 0; i < nz; i++) {
    z[i] = i < 3 ? (uint64_t)i - 1 : next_u64(&r);
    h[i] = adex__rng_mix64(z[i]);
    assert_true(adex__mix64(z[i]) == h[i]);
  }
#ifdef ADEX_TEST_LANES
  void (*const mix[2])(const uint64_t *, uint64_t *,
                       size_t) = {xm_mix64_avx2, xm_mix64_avx512};
  for (int k = 0; k < 2; k++) {
    if (!isa_runs(k)) continue;
    mix[k](z, v, nz);
    assert_memory_equal(v, h, sizeof h);
  }
#else
  (void)v;
#endif
}

/* ------------------------------------------------------------ clamped */

static lanes_d *const exp_clamped_lanes[2] = LANES(exp_clamped);
static lanes_f *const expf_clamped_lanes[2] = LANES(expf_clamped);

/* exp_in after the kernels' own clamp (one instruction on AVX-512, with
 * bounds +-746 and +-104 where exp clamps to 710 and 89): the bits of exp
 * and expf for every argument but NaN (for which the AVX-512 form gives
 * inf: documented in simd.h), around and beyond the clamps above all. */
static void test_exp_clamped(void **state) {
  (void)state;
  rng r = {0x3c6ef372fe94f82bULL};
  args a = {0};
  push_specials(&a);
  push_unif(&a, &r, 100000, 709.0, 760.0);
  push_unif(&a, &r, 100000, -760.0, -744.0);
  push_unif(&a, &r, 100000, -800.0, 800.0);
  push_any(&a, &r, 100000);
  size_t n = 0;
  for (size_t i = 0; i < a.n; i++)
    if (!isnan(a.x[i])) a.x[n++] = a.x[i];
  a.n = n;
  free(eval_d("exp_clamped", s_exp, exp_clamped_lanes, &a));
  float *x = malloc(a.n * sizeof *x), *y = malloc(a.n * sizeof *y);
  assert_non_null(x);
  assert_non_null(y);
  size_t m = 0;
  for (size_t i = 0; i < count(100000); i++)
    x[m++] = (float)unif(&r, 85.0, 110.0);
  for (size_t i = 0; i < count(100000); i++)
    x[m++] = (float)unif(&r, -110.0, -100.0);
  for (size_t i = 0; i < a.n && m < a.n; i++)
    if (!isnan((float)a.x[i])) x[m++] = (float)a.x[i];
  for (size_t i = 0; i < m; i++) y[i] = adex__expf(x[i]);
  check_lanes_f("expf_clamped", expf_clamped_lanes, x, y, m);
  free(x);
  free(y);
  free(a.x);
}

/* ------------------------------------------------------------ any bits */

/* Every double function on random bit patterns: the lanes' bits. */
static void test_lanes_any_argument(void **state) {
  (void)state;
  rng r = {0x510e527fade682d1ULL};
  args a = {0};
  push_specials(&a);
  push_any(&a, &r, 200000);
  free(eval_d("exp", s_exp, exp_lanes, &a));
  free(eval_d("expm1", s_expm1, expm1_lanes, &a));
  free(eval_d("phi", s_phi, phi_lanes, &a));
  free(eval_d("phi_series", s_phi_series, phi_series_lanes, &a));
  free(eval_d("log", s_log, log_lanes, &a));
  free(eval_d("sin_small", s_sin_small, sin_small_lanes, &a));
  free(eval_d("cos_small", s_cos_small, cos_small_lanes, &a));
  if (verbose()) {
    for (int k = 0; k < 2; k++)
      printf("lanes %s: %s\n", isa_name[k],
             isa_runs(k) ? "checked" : "not run (CPU or build)");
    printf("long double reference: %s\n",
           reference_exact() ? "64-bit mantissa, accuracy checked"
                             : "emulated, accuracy not checked");
  }
  free(a.x);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_tables),
      cmocka_unit_test(test_exp),
      cmocka_unit_test(test_expm1),
      cmocka_unit_test(test_phi_series),
      cmocka_unit_test(test_phi),
      cmocka_unit_test(test_pow_pos),
      cmocka_unit_test(test_float),
      cmocka_unit_test(test_log),
      cmocka_unit_test(test_sincos_small_and_mix),
      cmocka_unit_test(test_exp_clamped),
      cmocka_unit_test(test_lanes_any_argument),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
