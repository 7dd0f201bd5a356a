/* test_init.c - initializers: values, reproducibility, statistics of the
 * random kinds, and every rejected specification; the random streams
 * (rng.h), the noise's normal values among them. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "adex_test.h"
#include "method_internal.h"
#include "rng.h"

#define N 200000

static double buf[N];

static void test_deterministic_kinds(void **state) {
  (void)state;
  double out[5] = {9, 9, 9, 9, 9};
  adex_init z = adex_init_zero();
  assert_ok(adex_init_eval(&z, out, 5, "x"));
  for (int i = 0; i < 5; i++) assert_true(out[i] == 0.0);
  adex_init one = adex_init_one(-2.5);
  assert_ok(adex_init_eval(&one, out, 5, "x"));
  for (int i = 0; i < 5; i++) assert_true(out[i] == -2.5);
  adex_init c = adex_init_constant(7.0);
  assert_ok(adex_init_eval(&c, out, 5, "x"));
  for (int i = 0; i < 5; i++) assert_true(out[i] == 7.0);
  const double vals[5] = {1, 2, 3, 4, 5};
  adex_init arr = adex_init_array(vals, 5);
  assert_ok(adex_init_eval(&arr, out, 5, "x"));
  assert_memory_equal(out, vals, sizeof vals);
}

/* Mean and variance of n values. */
static void moments(const double *x, size_t n, double *mean, double *var) {
  double s = 0, s2 = 0;
  for (size_t i = 0; i < n; i++) s += x[i];
  *mean = s / (double)n;
  for (size_t i = 0; i < n; i++) s2 += (x[i] - *mean) * (x[i] - *mean);
  *var = s2 / (double)(n - 1);
}

/* Uniform: inside [min, max), mean and variance within 6 standard errors. */
static void test_uniform(void **state) {
  (void)state;
  adex_init u = adex_init_uniform(-70.0, -50.0, 42);
  assert_ok(adex_init_eval(&u, buf, N, "V"));
  for (size_t i = 0; i < N; i++) assert_true(buf[i] >= -70.0 && buf[i] < -50.0);
  double mean, var;
  moments(buf, N, &mean, &var);
  double sd = 20.0 / sqrt(12.0);
  assert_close(mean, -60.0, 0, 6 * sd / sqrt(N));
  assert_close(var, sd * sd, 0.02, 0);
}

static void test_normal(void **state) {
  (void)state;
  adex_init g = adex_init_normal(3.0, 2.0, 7);
  assert_ok(adex_init_eval(&g, buf, N, "w"));
  double mean, var;
  moments(buf, N, &mean, &var);
  assert_close(mean, 3.0, 0, 6 * 2.0 / sqrt(N));
  assert_close(var, 4.0, 0.02, 0);
  /* Tail: about 4.55% of values lie beyond 2 standard deviations. */
  size_t tail = 0;
  for (size_t i = 0; i < N; i++) tail += fabs(buf[i] - 3.0) > 4.0;
  assert_close((double)tail / N, 0.0455, 0.05, 0);
}

/* Same seed, same values; value i does not depend on n; seeds differ. */
static void test_reproducible_and_counter_based(void **state) {
  (void)state;
  double a[100], b[10], c[100];
  adex_init g = adex_init_normal(0.0, 1.0, 123);
  assert_ok(adex_init_eval(&g, a, 100, "x"));
  assert_ok(adex_init_eval(&g, b, 10, "x"));
  assert_memory_equal(a, b, sizeof b);
  g.seed = 124;
  assert_ok(adex_init_eval(&g, c, 100, "x"));
  int same = 0;
  for (int i = 0; i < 100; i++) same += a[i] == c[i];
  assert_int_equal(same, 0);
}

/* A rejected initializer names the target and leaves out untouched. */
static void expect_bad(adex_init init, size_t n, adex_status st,
                       const char *words) {
  double out[4] = {5, 5, 5, 5};
  assert_status(adex_init_eval(&init, out, n, "V_initializer"), st);
  assert_non_null(strstr(adex_errmsg(), "V_initializer"));
  assert_non_null(strstr(adex_errmsg(), words));
  for (int i = 0; i < 4; i++) assert_true(out[i] == 5);
}

static void test_rejections(void **state) {
  (void)state;
  const double vals[3] = {1, NAN, 3};
  expect_bad(adex_init_uniform(1, 1, 0), 4, ADEX_EINVAL, "min < max");
  expect_bad(adex_init_uniform(2, 1, 0), 4, ADEX_EINVAL, "min < max");
  expect_bad(adex_init_uniform(-INFINITY, 1, 0), 4, ADEX_EINVAL, "min < max");
  expect_bad(adex_init_uniform(-DBL_MAX, DBL_MAX, 0), 4, ADEX_EINVAL,
             "min < max");
  expect_bad(adex_init_normal(0, -1, 0), 4, ADEX_EINVAL, "scale >= 0");
  expect_bad(adex_init_normal(NAN, 1, 0), 4, ADEX_EINVAL, "mean");
  expect_bad(adex_init_constant(INFINITY), 4, ADEX_EINVAL, "finite");
  expect_bad(adex_init_array(vals, 3), 4, ADEX_ESIZE, "3 values, expected 4");
  expect_bad(adex_init_array(vals, 3), 3, ADEX_EINVAL, "value 1");
  expect_bad(adex_init_array(NULL, 3), 3, ADEX_EINVAL, "NULL");
  adex_init bogus = adex_init_zero();
  bogus.kind = (adex_init_kind)77;
  expect_bad(bogus, 4, ADEX_EINVAL, "unknown initializer kind");
  assert_status(adex_init_check(NULL, 1, NULL), ADEX_EINVAL);
}

/* The per-step, per-neuron stream of the random inputs: a pure function
 * of (key, step, neuron, draw); uniform with mean 1/2 and variance 1/12,
 * normal with mean 0 and variance 1 (4 standard errors), neighbours in
 * neuron, step and draw uncorrelated. */
static void test_keyed_stream(void **state) {
  (void)state;
  const int n = 200000;
  double su = 0, suu = 0, sn = 0, snn = 0, cross_neuron = 0, cross_step = 0;
  double cross_draw = 0;
  for (int i = 0; i < n; i++) {
    uint64_t step = (uint64_t)i / 1000, neuron = (uint64_t)i % 1000;
    double u = adex__rng_uniform_at(42, step, neuron, 0);
    assert_true(u >= 0.0 && u < 1.0);
    assert_true(u == adex__rng_uniform_at(42, step, neuron, 0));
    su += u;
    suu += u * u;
    cross_neuron +=
        (u - 0.5) * (adex__rng_uniform_at(42, step, neuron + 1, 0) - 0.5);
    cross_step +=
        (u - 0.5) * (adex__rng_uniform_at(42, step + 1, neuron, 0) - 0.5);
    cross_draw += (u - 0.5) * (adex__rng_uniform_at(42, step, neuron, 1) - 0.5);
    double z = adex__rng_normal_at(42, step, neuron);
    sn += z;
    snn += z * z;
  }
  double mu = su / n, var = suu / n - mu * mu;
  assert_close(mu, 0.5, 0, 4 * sqrt(1.0 / 12 / n));
  assert_close(var, 1.0 / 12, 0.01, 0);
  assert_close(sn / n, 0.0, 0, 4 / sqrt((double)n));
  assert_close(snn / n, 1.0, 0.02, 0);
  double se = 4 * (1.0 / 12) / sqrt((double)n); /* of a mean product */
  assert_close(cross_neuron / n, 0.0, 0, se);
  assert_close(cross_step / n, 0.0, 0, se);
  assert_close(cross_draw / n, 0.0, 0, se);
  assert_true(adex__rng_uniform_at(42, 0, 0, 0) !=
              adex__rng_uniform_at(43, 0, 0, 0));
  assert_true(adex__rng_mix64(1) != adex__rng_mix64(2));
}

/* ------------------------------------------------------------ noise */

/* The noise's normal values (rng.h) of `steps` steps of m neurons: row k
 * is step k's (key adex__rng_u64(seed, k)), by generator f. */
static void noise_rows(adex__normals_fn f, uint64_t seed, size_t steps,
                       size_t m, double *x) {
  for (size_t k = 0; k < steps; k++)
    f(adex__rng_u64(seed, k), 0, m / ADEX__NORMAL_CHUNK, x + k * m);
}

/* Whether x (steps rows of m neurons) looks like independent standard
 * normal values: mean, variance, third and fourth moments, the fractions
 * beyond 3 and 4 sigma, and the correlations (of the values, and of
 * their squares) between neighbouring neurons, the two values of a
 * Box-Muller pair (i, i + 8), the next chunk (i, i + 16) and the next
 * step, each within 5 standard errors of the normal's. `why` names the
 * first that is not. */
static bool looks_normal(const double *x, size_t steps, size_t m,
                         const char **why) {
  size_t n = steps * m;
  double s1 = 0, s2 = 0, s3 = 0, s4 = 0, t3 = 0, t4 = 0, big = 0;
  double c1 = 0, c8 = 0, c16 = 0, cs = 0, q8 = 0, qs = 0;
  double n1 = 0, ns = 0;
  for (size_t k = 0; k < steps; k++)
    for (size_t i = 0; i < m; i++) {
      double v = x[k * m + i], v2 = v * v;
      s1 += v;
      s2 += v2;
      s3 += v2 * v;
      s4 += v2 * v2;
      t3 += fabs(v) > 3.0;
      t4 += fabs(v) > 4.0;
      big = fmax(big, fabs(v));
      if (i + 16 < m) {
        const double *p = x + k * m + i;
        c1 += v * p[1];
        c8 += v * p[8];
        c16 += v * p[16];
        q8 += (v2 - 1) * (p[8] * p[8] - 1);
        n1++;
      }
      if (k + 1 < steps) {
        double u = x[(k + 1) * m + i];
        cs += v * u;
        qs += (v2 - 1) * (u * u - 1);
        ns++;
      }
    }
  const double p3 = 2.6997960632601866e-3, p4 = 6.3342483666239957e-5;
  const double dn = (double)n, rn = sqrt(dn);
  struct {
    const char *what;
    double value, expected, se;
  } checks[] = {
      {"mean", s1 / dn, 0.0, 1 / rn},
      {"variance", s2 / dn, 1.0, sqrt(2.0) / rn},
      {"third moment", s3 / dn, 0.0, sqrt(15.0) / rn},
      {"fourth moment", s4 / dn, 3.0, sqrt(96.0) / rn},
      {"beyond 3 sigma", t3 / dn, p3, sqrt(p3 * (1 - p3)) / rn},
      {"beyond 4 sigma", t4 / dn, p4, sqrt(p4 * (1 - p4)) / rn},
      {"correlation i, i+1", c1 / n1, 0.0, 1 / sqrt(n1)},
      {"correlation i, i+8", c8 / n1, 0.0, 1 / sqrt(n1)},
      {"correlation i, i+16", c16 / n1, 0.0, 1 / sqrt(n1)},
      {"correlation of squares i, i+8", q8 / n1, 0.0, 2 / sqrt(n1)},
      {"correlation k, k+1", cs / ns, 0.0, 1 / sqrt(ns)},
      {"correlation of squares k, k+1", qs / ns, 0.0, 2 / sqrt(ns)},
  };
  for (size_t c = 0; c < sizeof checks / sizeof checks[0]; c++)
    if (!(fabs(checks[c].value - checks[c].expected) <= 5 * checks[c].se)) {
      *why = checks[c].what;
      return false;
    }
  *why = big <= 8.5 ? NULL : "beyond 8.5 sigma";
  return *why == NULL;
}

/* The noise's generator: a pure function of (key, neuron), the same bits
 * from every kernel, for any chunk range (a block split); the statistics
 * of independent standard normal values over 2^21 of them (256 steps of
 * 8192 neurons); and the check fails on values that are not (variance
 * off by 2%, a correlated neighbour, the tails cut at 3.5 sigma). */
static void test_noise_generator(void **state) {
  (void)state;
  enum { steps = 256, m = 8192 };
  const size_t n = (size_t)steps * m;
  double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
  assert_non_null(x);
  assert_non_null(y);
  adex_kernel best = adex_kernel_best();
  noise_rows(adex__kernel_normals(best), 7, steps, m, x);
  /* every kernel, and any range of chunks, the same bits */
  static const adex_kernel kernels[] = {ADEX_KERNEL_SCALAR, ADEX_KERNEL_AVX2,
                                        ADEX_KERNEL_AVX512};
  for (size_t k = 0; k < 3; k++) {
    if (!adex_kernel_available(kernels[k])) continue;
    adex__normals_fn f = adex__kernel_normals(kernels[k]);
    noise_rows(f, 7, 4, m, y);
    assert_memory_equal(x, y, 4 * m * sizeof *x);
    uint64_t key = adex__rng_u64(7, 3);
    for (size_t c0 = 0; c0 < 40; c0 += 13) {
      f(key, c0, 3, y);
      assert_memory_equal(y, x + 3 * m + c0 * ADEX__NORMAL_CHUNK,
                          3 * ADEX__NORMAL_CHUNK * sizeof *y);
    }
    /* far counters: the same values whichever kernel */
    double far[2 * ADEX__NORMAL_CHUNK], far0[2 * ADEX__NORMAL_CHUNK];
    f(key, (uint64_t)1 << 58, 2, far);
    adex__normals_scalar(key, (uint64_t)1 << 58, 2, far0);
    assert_memory_equal(far, far0, sizeof far);
  }
  const char *why = NULL;
  bool ok = looks_normal(x, steps, m, &why);
  if (!ok) print_error("noise generator: %s\n", why);
  assert_true(ok);
  /* another seed: other values, as normal */
  noise_rows(adex__kernel_normals(best), 8, steps, m, y);
  assert_true(memcmp(x, y, m * sizeof *x) != 0);
  assert_true(looks_normal(y, steps, m, &why));
  /* the check can fail */
  for (size_t i = 0; i < n; i++) y[i] = 1.01 * x[i];
  assert_false(looks_normal(y, steps, m, &why));
  assert_string_equal(why, "variance");
  for (size_t i = 0; i < n; i++)
    y[i] = i % m + 1 < m ? 0.99 * x[i] + 0.141 * x[i + 1] : x[i];
  assert_false(looks_normal(y, steps, m, &why));
  assert_string_equal(why, "correlation i, i+1");
  for (size_t i = 0; i < n; i++) y[i] = fabs(x[i]) > 3.5 ? 0.0 : x[i];
  assert_false(looks_normal(y, steps, m, &why));
  free(x);
  free(y);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_deterministic_kinds),
      cmocka_unit_test(test_uniform),
      cmocka_unit_test(test_normal),
      cmocka_unit_test(test_reproducible_and_counter_based),
      cmocka_unit_test(test_rejections),
      cmocka_unit_test(test_keyed_stream),
      cmocka_unit_test(test_noise_generator),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
