/* test_inputs.c - the library's input generators (adex/inputs.h), each
 * kind against values computed here from its definition (BrainPy's
 * section_input, ramp_input's linspace, the Bernoulli events' rate, the
 * OU process's mean, variance and autocorrelation), the split of the
 * random streams by global neuron id, and the refusals. */
#include "adex_test.h"

#include <math.h>
#include <string.h>

static adex_gen *make(const adex_gen_config *c, double dt) {
  adex_gen *g = NULL;
  assert_ok(adex_gen_create(c, dt, &g));
  return g;
}

/* Value of step k for n neurons. */
static void values(adex_gen *g, uint64_t k, double *out, size_t n) {
  memset(out, 0, n * sizeof *out);
  adex_gen_add(g, k, out);
}

static void test_constant_and_table(void **state) {
  (void)state;
  double per[3] = {1.5, -2.0, 4.0}, out[3];
  adex_gen_config c = {.kind = ADEX_GEN_CONSTANT, .num = 3, .value = {per, 3}};
  adex_gen *g = make(&c, 0.1);
  assert_true(adex_gen_is_constant(g));
  for (uint64_t k = 0; k < 5; k++) {
    double x[3] = {1.0, 1.0, 1.0};
    adex_gen_add(g, k, x); /* adds */
    for (int i = 0; i < 3; i++) assert_true(x[i] == 1.0 + per[i]);
  }
  adex_gen_destroy(g);
  double tab[4 * 3], col[4] = {7, 8, 9, 10};
  for (int q = 0; q < 12; q++) tab[q] = q * 0.5;
  c = (adex_gen_config){
      .kind = ADEX_GEN_TABLE, .num = 3, .table = tab, .rows = 4, .cols = 3};
  g = make(&c, 0.1);
  assert_false(adex_gen_is_constant(g));
  for (uint64_t k = 0; k < 6; k++) {
    values(g, k, out, 3);
    for (int i = 0; i < 3; i++)
      assert_true(out[i] == (k < 4 ? tab[k * 3 + i] : 0.0));
  }
  adex_gen_destroy(g);
  c.table = col;
  c.cols = 1;
  g = make(&c, 0.1);
  values(g, 2, out, 3);
  for (int i = 0; i < 3; i++) assert_true(out[i] == 9.0);
  adex_gen_destroy(g);
}

/* section_input([5, (1, 2), 0], [0.25, 0.3, 1.0]) at dt 0.1: floor(2.5) = 2
 * steps of 5, 3 steps (0.3/0.1 snapped) of (1, 2), 10 steps of 0, then 0. */
static void test_section(void **state) {
  (void)state;
  double five = 5.0, pair[2] = {1.0, 2.0}, zero = 0.0, out[2];
  adex_gen_vec v[3] = {{&five, 1}, {pair, 2}, {&zero, 1}};
  double d[3] = {0.25, 0.3, 1.0};
  adex_gen_config c = {.kind = ADEX_GEN_SECTION,
                       .num = 2,
                       .sec_values = v,
                       .durations = d,
                       .n_sec = 3};
  adex_gen *g = make(&c, 0.1);
  for (int pass = 0; pass < 2; pass++) /* steps may start again from 0 */
    for (uint64_t k = 0; k < 20; k++) {
      values(g, k, out, 2);
      double w0 = k < 2 ? 5.0 : k < 5 ? 1.0 : 0.0;
      double w1 = k < 2 ? 5.0 : k < 5 ? 2.0 : 0.0;
      assert_true(out[0] == w0 && out[1] == w1);
    }
  adex_gen_destroy(g);
}

/* ramp_input(0, 9, t_start 0.2, t_end 1.1) at dt 0.1: steps 2..10 take
 * numpy's linspace(0, 9, 9) = i * 9/8. */
static void test_ramp(void **state) {
  (void)state;
  adex_gen_config c = {.kind = ADEX_GEN_RAMP,
                       .num = 1,
                       .from = 0.0,
                       .to = 9.0,
                       .t_start = 0.2,
                       .t_end = 1.1};
  adex_gen *g = make(&c, 0.1);
  for (uint64_t k = 0; k < 14; k++) {
    double out;
    values(g, k, &out, 1);
    double want = k < 2 || k >= 11 ? 0.0
                  : k == 10        ? 9.0
                                   : (double)(k - 2) * (9.0 / 8.0);
    assert_true(out == want);
  }
  adex_gen_destroy(g);
}

/* Events at rate*dt/1000 per step, each adding weight; neurons n0.. of a
 * generator with first_id n0 get the same events as in the whole one. */
static void test_poisson(void **state) {
  (void)state;
  enum { N = 50, K = 4000 };
  double rate = 300.0, wgt = 2.5;
  adex_gen_config c = {.kind = ADEX_GEN_POISSON,
                       .num = N,
                       .seed = 42,
                       .rate = {&rate, 1},
                       .weight = {&wgt, 1}};
  adex_gen *g = make(&c, 0.1);
  c.num = 7;
  c.first_id = 20;
  adex_gen *part = make(&c, 0.1);
  double out[N], out2[7], events = 0;
  for (uint64_t k = 0; k < K; k++) {
    values(g, k, out, N);
    values(part, k, out2, 7);
    assert_memory_equal(out2, out + 20, sizeof out2);
    for (int i = 0; i < N; i++) {
      assert_true(out[i] == 0.0 || out[i] == wgt);
      events += out[i] / wgt;
    }
  }
  double p = rate * 0.1 / 1000.0, n = (double)N * K;
  double sd = sqrt(n * p * (1 - p));
  assert_true(fabs(events - n * p) < 5 * sd);
  adex_gen_destroy(g);
  adex_gen_destroy(part);
}

/* OU from X = mean: the stationary mean and variance sigma^2 tau/2 and the
 * lag-one autocorrelation e^(-dt/tau), within a few standard errors. */
static void test_ou(void **state) {
  (void)state;
  enum { N = 400, K = 3000, SKIP = 200 };
  double mean = 10.0, sigma = 3.0, tau = 2.0, dt = 0.1;
  adex_gen_config c = {.kind = ADEX_GEN_OU,
                       .num = N,
                       .seed = 9,
                       .mean = {&mean, 1},
                       .sigma = {&sigma, 1},
                       .tau = tau};
  adex_gen *g = make(&c, dt);
  c.num = 3;
  c.first_id = 100;
  adex_gen *part = make(&c, dt);
  static double prev[N];
  double x[N], y[3], s = 0, s2 = 0, sxy = 0, m = 0;
  for (uint64_t k = 0; k < K; k++) {
    values(g, k, x, N);
    values(part, k, y, 3);
    assert_memory_equal(y, x + 100, sizeof y);
    if (k >= SKIP)
      for (int i = 0; i < N; i++) {
        s += x[i];
        s2 += (x[i] - mean) * (x[i] - mean);
        sxy += (x[i] - mean) * (prev[i] - mean);
        m++;
      }
    memcpy(prev, x, sizeof prev);
  }
  double var = sigma * sigma * tau / 2, rho = exp(-dt / tau);
  /* samples along a path are correlated: about m (1 - rho)/(1 + rho)
   * independent ones */
  double m_eff = m * (1 - rho) / (1 + rho);
  assert_true(fabs(s / m - mean) < 5 * sqrt(var / m_eff));
  assert_true(fabs(s2 / m / var - 1) < 5 * sqrt(2 / m_eff));
  assert_true(fabs(sxy / s2 - rho) < 0.01);
  adex_gen_destroy(g);
  adex_gen_destroy(part);
}

static void test_refusals(void **state) {
  (void)state;
  adex_gen *g = (adex_gen *)&g;
  double big = 20000.0, one = 1.0, nan_ = NAN, neg = -1.0, two[2] = {1, 2};
  adex_gen_config c = {.kind = ADEX_GEN_POISSON,
                       .num = 3,
                       .rate = {&big, 1},
                       .weight = {&one, 1}};
  assert_status(adex_gen_create(&c, 0.1, &g), ADEX_EINVAL);
  assert_null(g);
  assert_non_null(strstr(adex_errmsg(), "rate*dt/1000"));
  c.rate = (adex_gen_vec){&neg, 1};
  assert_status(adex_gen_create(&c, 0.1, &g), ADEX_EINVAL);
  c.rate = (adex_gen_vec){two, 2}; /* neither 1 nor 3 values */
  assert_status(adex_gen_create(&c, 0.1, &g), ADEX_EINVAL);
  assert_non_null(strstr(adex_errmsg(), "one per neuron (3)"));
  c = (adex_gen_config){
      .kind = ADEX_GEN_CONSTANT, .num = 2, .value = {&nan_, 1}};
  assert_status(adex_gen_create(&c, 0.1, &g), ADEX_EINVAL);
  c = (adex_gen_config){.kind = ADEX_GEN_OU,
                        .num = 2,
                        .mean = {&one, 1},
                        .sigma = {&one, 1},
                        .tau = 0.0};
  assert_status(adex_gen_create(&c, 0.1, &g), ADEX_EINVAL);
  adex_gen_vec v = {&one, 1};
  c = (adex_gen_config){.kind = ADEX_GEN_SECTION,
                        .num = 2,
                        .sec_values = &v,
                        .durations = &neg,
                        .n_sec = 1};
  assert_status(adex_gen_create(&c, 0.1, &g), ADEX_EINVAL);
  c = (adex_gen_config){
      .kind = ADEX_GEN_RAMP, .num = 2, .t_start = 2.0, .t_end = 1.0};
  assert_status(adex_gen_create(&c, 0.1, &g), ADEX_EINVAL);
  c = (adex_gen_config){
      .kind = ADEX_GEN_TABLE, .num = 3, .table = two, .rows = 1, .cols = 2};
  assert_status(adex_gen_create(&c, 0.1, &g), ADEX_EINVAL);
  c.num = 0;
  assert_status(adex_gen_create(&c, 0.1, &g), ADEX_EINVAL);
  /* the step counts' snapping */
  assert_int_equal(adex_steps_floor(20.0, 0.1), 200);
  assert_int_equal(adex_steps_ceil(0.3, 0.1), 3);
  assert_int_equal(adex_steps_ceil(0.31, 0.1), 4);
  assert_int_equal(adex_steps_floor(0.39, 0.1), 3);
  assert_int_equal(adex_steps_ceil(-1.0, 0.1), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_constant_and_table),
      cmocka_unit_test(test_section),
      cmocka_unit_test(test_ramp),
      cmocka_unit_test(test_poisson),
      cmocka_unit_test(test_ou),
      cmocka_unit_test(test_refusals),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
