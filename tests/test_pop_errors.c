/* test_pop_errors.c - every way adex_pop_create can refuse a config, with
 * its status and message, and allocation failure at every allocation
 * (nothing leaks, nothing is half-built). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "adex_test.h"

/* Create must fail with `st` and a message containing `words`. */
static void expect_refused(const adex_pop_config *cfg, adex_status st,
                           const char *words) {
  adex_pop *pop = (adex_pop *)(uintptr_t)1;
  assert_status(adex_pop_create(cfg, &pop), st);
  assert_null(pop);
  if (strstr(adex_errmsg(), words) == NULL) {
    print_error("message '%s' lacks '%s'\n", adex_errmsg(), words);
    fail();
  }
}

static void test_bad_parameters(void **state) {
  (void)state;
  adex_pop_config cfg;
  adex_pop_config_default(&cfg, 3);
  cfg.params.tau = 0.0;
  expect_refused(&cfg, ADEX_EINVAL, "tau must be > 0, got 0");
  adex_pop_config_default(&cfg, 3);
  cfg.params.tau_w = -3.0;
  expect_refused(&cfg, ADEX_EINVAL, "tau_w must be > 0, got -3");
  adex_pop_config_default(&cfg, 3);
  cfg.params.delta_T = -1.0;
  expect_refused(&cfg, ADEX_EINVAL, "delta_T must be >= 0, got -1");
  adex_pop_config_default(&cfg, 3);
  cfg.params.V_reset = -30.0;
  expect_refused(&cfg, ADEX_EINVAL, "V_reset must be < V_th");
  adex_pop_config_default(&cfg, 3);
  cfg.params.b = NAN;
  expect_refused(&cfg, ADEX_EINVAL, "b must be finite");
  adex_pop_config_default(&cfg, 3);
  cfg.method = "rk99";
  expect_refused(&cfg, ADEX_EMETHOD, "unknown method 'rk99'; valid: exp_auto");
  expect_refused(NULL, ADEX_EINVAL, "config must not be NULL");
  assert_status(adex_pop_create(&cfg, NULL), ADEX_EINVAL);
}

/* Per-neuron values are checked neuron by neuron. */
/* The parts of the last failure match what the front ends need: the key,
 * the neuron and the reason, with the message their composition. */
static void expect_parts(const adex_pop_config *cfg, adex_status st,
                         const char *key, long long index, const char *reason) {
  adex_pop *pop = NULL;
  assert_status(adex_pop_create(cfg, &pop), st);
  assert_string_equal(adex_errkey(), key);
  assert_int_equal(adex_errindex(), index);
  if (strstr(adex_errreason(), reason) != adex_errreason()) {
    print_error("reason '%s' does not start with '%s'\n", adex_errreason(),
                reason);
    fail();
  }
}

static void test_failure_parts(void **state) {
  (void)state;
  const double taus[4] = {10, 10, -3, 10};
  const double V0[4] = {-65, -65, -65, NAN};
  adex_init tau_init = adex_init_array(taus, 4);
  adex_init V_init = adex_init_array(V0, 4);
  adex_pop_config cfg;
  adex_pop_config_default(&cfg, 4);
  cfg.param_init[ADEX_P_TAU] = &tau_init;
  expect_parts(&cfg, ADEX_EINVAL, "tau", 2, "must be > 0, got -3");
  assert_string_equal(adex_errmsg(), "tau must be > 0, got -3 (neuron 2)");
  adex_pop_config_default(&cfg, 4);
  cfg.params.tau_w = -1;
  expect_parts(&cfg, ADEX_EINVAL, "tau_w", -1, "must be > 0, got -1");
  assert_string_equal(adex_errmsg(), "tau_w must be > 0, got -1");
  adex_pop_config_default(&cfg, 4);
  cfg.tol = 2.0;
  expect_parts(&cfg, ADEX_EINVAL, "tol", -1, "must be > 0 and < 1, got 2");
  adex_pop_config_default(&cfg, 4);
  cfg.V_init = V_init;
  expect_parts(&cfg, ADEX_EINVAL, "V_initializer", 3,
               "array value 3 must be finite");
  assert_string_equal(adex_errmsg(),
                      "V_initializer: array value 3 must be finite, got nan");
  adex_pop_config_default(&cfg, 4);
  cfg.params.V_T = -60.0;
  cfg.params.delta_T = 0.01;
  expect_parts(&cfg, ADEX_EINVAL, "params", -1, "(V_th - V_T)/delta_T");
  assert_string_equal(adex_errmsg(), adex_errreason());
  /* an unstable step of neuron 1: key "dt", the whole message as reason */
  const double tw[2] = {30, 0.01};
  adex_init tw_init = adex_init_array(tw, 2);
  adex_pop_config_default(&cfg, 2);
  cfg.method = "euler";
  cfg.param_init[ADEX_P_TAU_W] = &tw_init;
  adex_pop *pop = adex_test_pop(&cfg);
  assert_status(adex_pop_update(pop, 0.0, 0.1), ADEX_ERANGE);
  assert_string_equal(adex_errkey(), "dt");
  assert_int_equal(adex_errindex(), 1);
  assert_non_null(strstr(adex_errreason(), "(neuron 1)"));
  adex_pop_destroy(pop);
  /* a failure that names nothing clears the parts */
  adex_param_id id;
  assert_status(adex_param_find("nope", &id), ADEX_EKEY);
  assert_string_equal(adex_errkey(), "");
  assert_int_equal(adex_errindex(), -1);
  assert_string_equal(adex_errreason(), adex_errmsg());
}

static void test_bad_per_neuron(void **state) {
  (void)state;
  const double taus[4] = {10, 10, 10, -2};
  const double resets[4] = {-70, -70, -10, -70};
  adex_init tau_init = adex_init_array(taus, 4);
  adex_init reset_init = adex_init_array(resets, 4);
  adex_init short_init = adex_init_array(taus, 3);
  adex_pop_config cfg;
  adex_pop_config_default(&cfg, 4);
  cfg.param_init[ADEX_P_TAU] = &tau_init;
  expect_refused(&cfg, ADEX_EINVAL, "tau must be > 0, got -2 (neuron 3)");
  adex_pop_config_default(&cfg, 4);
  cfg.param_init[ADEX_P_V_RESET] = &reset_init;
  expect_refused(&cfg, ADEX_EINVAL, "(neuron 2)");
  adex_pop_config_default(&cfg, 4);
  cfg.param_init[ADEX_P_A] = &short_init;
  expect_refused(&cfg, ADEX_ESIZE, "a: array has 3 values, expected 4");
  /* A per-neuron value replaces the scalar, even an invalid scalar. */
  adex_pop_config_default(&cfg, 4);
  const double good[4] = {5, 6, 7, 8};
  adex_init good_init = adex_init_array(good, 4);
  cfg.params.tau = -1.0;
  cfg.param_init[ADEX_P_TAU] = &good_init;
  adex_pop *pop = adex_test_pop(&cfg);
  adex_pop_destroy(pop);
}

static void test_bad_initializers(void **state) {
  (void)state;
  const double v[2] = {1, 2};
  adex_pop_config cfg;
  adex_pop_config_default(&cfg, 3);
  cfg.V_init = adex_init_array(v, 2);
  expect_refused(&cfg, ADEX_ESIZE, "V_initializer: array has 2 values");
  adex_pop_config_default(&cfg, 3);
  cfg.w_init = adex_init_uniform(1, 0, 0);
  expect_refused(&cfg, ADEX_EINVAL, "w_initializer: Uniform");
  adex_pop_config_default(&cfg, 3);
  adex_init bad = adex_init_normal(0, -1, 0);
  cfg.param_init[ADEX_P_B] = &bad;
  expect_refused(&cfg, ADEX_EINVAL, "b: Normal");
  adex_pop_config_default(&cfg, 3);
  cfg.V_init = adex_init_constant(-1e308);
  expect_refused(&cfg, ADEX_EINVAL, "V_initializer: value 0 is -1e+308");
  adex_pop_config_default(&cfg, 3);
  cfg.w_init = adex_init_normal(0.0, 1e13, 5);
  expect_refused(&cfg, ADEX_EINVAL, "w_initializer: value");
}

static void test_bad_sizes(void **state) {
  (void)state;
  adex_pop_config cfg;
  adex_pop_config_default(&cfg, 0);
  expect_refused(&cfg, ADEX_ESIZE, "size must be > 0");
  adex_pop_config_default(&cfg, 3);
  cfg.ndim = 0;
  expect_refused(&cfg, ADEX_ESIZE, "1 to 4 dimensions, got 0");
  cfg.ndim = 5;
  expect_refused(&cfg, ADEX_ESIZE, "1 to 4 dimensions, got 5");
  cfg.ndim = 2;
  cfg.shape[0] = SIZE_MAX / 2;
  cfg.shape[1] = 4;
  expect_refused(&cfg, ADEX_ESIZE, "overflows");
  adex_pop_config_default(&cfg, SIZE_MAX / 64);
  expect_refused(&cfg, ADEX_ESIZE, "too many");
}

/* ------------------------------------------------------------------
 * Allocation failure: an allocator that fails the k-th request and keeps
 * count of what is outstanding. */

/* Fail each allocation of creating `cfg` in turn: ENOMEM, nothing leaked;
 * then succeed and destroy: nothing leaked. Returns the allocation count. */
static int exhaust(adex_pop_config *cfg) {
  adex_test_counting c = {0, -1, 0, 0};
  adex_allocator a = {adex_test_counting_alloc, adex_test_counting_free, &c};
  cfg->alloc = &a;
  adex_pop *pop = adex_test_pop(cfg);
  int total = c.calls;
  assert_true(c.live > 0);
  adex_pop_destroy(pop);
  assert_int_equal(c.live, 0);
  assert_int_equal(c.bytes, 0);
  for (int k = 0; k < total; k++) {
    c = (adex_test_counting){0, k, 0, 0};
    pop = (adex_pop *)(uintptr_t)1;
    assert_status(adex_pop_create(cfg, &pop), ADEX_ENOMEM);
    assert_null(pop);
    assert_non_null(strstr(adex_errmsg(), "out of memory"));
    assert_int_equal(c.live, 0);
    assert_int_equal(c.bytes, 0);
  }
  return total;
}

static void test_allocation_failure(void **state) {
  (void)state;
  adex_pop_config cfg;
  adex_pop_config_default(&cfg, 100);
  assert_true(exhaust(&cfg) >= 2);
  /* Arrays to copy and per-neuron parameters: more allocations. */
  double v[100], tau[100];
  for (int i = 0; i < 100; i++) {
    v[i] = -65.0 + 0.01 * i;
    tau[i] = 10.0 + i;
  }
  adex_init tau_init = adex_init_array(tau, 100);
  adex_pop_config_default(&cfg, 100);
  cfg.V_init = adex_init_array(v, 100);
  cfg.w_init = adex_init_array(v, 100);
  cfg.param_init[ADEX_P_TAU] = &tau_init;
  assert_true(exhaust(&cfg) >= 5);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_bad_parameters),
      cmocka_unit_test(test_bad_per_neuron),
      cmocka_unit_test(test_failure_parts),
      cmocka_unit_test(test_bad_initializers),
      cmocka_unit_test(test_bad_sizes),
      cmocka_unit_test(test_allocation_failure),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
