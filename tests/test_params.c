/* test_params.c - parameter defaults (BrainPy's table), lookup by name,
 * and every check of adex_params_check. */
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "adex_test.h"

/* BrainPy's defaults, written out independently of the library's table. */
static void test_defaults_match_seed(void **state) {
  (void)state;
  adex_params p;
  adex_params_default(&p);
  assert_true(p.V_rest == -65.0 && p.V_reset == -68.0 && p.V_th == -30.0);
  assert_true(p.V_T == -59.9 && p.delta_T == 3.48 && p.a == 1.0);
  assert_true(p.b == 1.0 && p.tau == 10.0 && p.tau_w == 30.0 && p.R == 1.0);
  assert_ok(adex_params_check(&p));
}

/* Names round-trip through find, and get/set address the right field. */
static void test_names_and_fields(void **state) {
  (void)state;
  static const char *const names[ADEX_NPARAMS] = {
      "V_rest", "V_reset", "V_th", "V_T",   "delta_T",
      "a",      "b",       "tau",  "tau_w", "R"};
  adex_params p;
  memset(&p, 0, sizeof p);
  for (int id = 0; id < ADEX_NPARAMS; id++) {
    adex_param_id found;
    assert_string_equal(adex_param_name((adex_param_id)id), names[id]);
    assert_ok(adex_param_find(names[id], &found));
    assert_int_equal(found, id);
    adex_params_set(&p, found, 100.0 + id);
  }
  assert_true(p.V_rest == 100.0 && p.tau_w == 108.0 && p.R == 109.0);
  assert_string_equal(adex_param_unit(ADEX_P_TAU), "ms");
  assert_null(adex_param_name(ADEX_NPARAMS));
  adex_param_id id;
  assert_status(adex_param_find("tauw", &id), ADEX_EKEY);
  assert_non_null(strstr(adex_errmsg(), "tauw"));
  assert_non_null(strstr(adex_errmsg(), "tau_w"));
  assert_status(adex_param_find(NULL, &id), ADEX_EKEY);
  /* the message lists every name, from the one list */
  assert_status(adex_param_find("x", &id), ADEX_EKEY);
  assert_non_null(strstr(adex_errmsg(), "valid: V_rest, V_reset, V_th, V_T, "
                                        "delta_T, a, b, tau, tau_w, R"));
}

/* The list's table: the count, the units (mV for potentials, ms for time
 * constants, 1 for a, b, R), descriptions, and defaults equal to
 * adex_params_default's fields. */
static void test_list_table(void **state) {
  (void)state;
  static const char *const units[ADEX_NPARAMS] = {"mV", "mV", "mV", "mV", "mV",
                                                  "1",  "1",  "ms", "ms", "1"};
  assert_int_equal(adex_param_count(), 10);
  assert_int_equal(sizeof(adex_params), 10 * sizeof(double));
  adex_params p;
  adex_params_default(&p);
  for (int id = 0; id < ADEX_NPARAMS; id++) {
    assert_string_equal(adex_param_unit((adex_param_id)id), units[id]);
    assert_true(strlen(adex_param_doc((adex_param_id)id)) > 5);
    assert_true(adex_param_default((adex_param_id)id) ==
                adex_params_get(&p, (adex_param_id)id));
  }
  assert_null(adex_param_doc(ADEX_NPARAMS));
  assert_true(isnan(adex_param_default(ADEX_NPARAMS)));
  assert_int_equal(offsetof(adex_params, tau_w), 8 * sizeof(double));
}

/* One rejected set: the message names the parameter and the value. */
static void expect_rejected(adex_param_id id, double value,
                            const char *message) {
  adex_params p;
  adex_params_default(&p);
  adex_params_set(&p, id, value);
  assert_status(adex_params_check(&p), ADEX_EINVAL);
  if (strstr(adex_errmsg(), message) == NULL) {
    print_error("message '%s' lacks '%s'\n", adex_errmsg(), message);
    fail();
  }
}

static void test_rejections(void **state) {
  (void)state;
  expect_rejected(ADEX_P_TAU, 0.0, "tau must be > 0, got 0");
  expect_rejected(ADEX_P_TAU, -1.0, "tau must be > 0, got -1");
  expect_rejected(ADEX_P_TAU_W, -3.0, "tau_w must be > 0, got -3");
  expect_rejected(ADEX_P_TAU_W, 0.0, "tau_w must be > 0, got 0");
  expect_rejected(ADEX_P_DELTA_T, -0.5, "delta_T must be >= 0, got -0.5");
  expect_rejected(ADEX_P_V_RESET, -30.0, "V_reset must be < V_th");
  expect_rejected(ADEX_P_V_RESET, -10.0, "V_reset = -10, V_th = -30");
  for (int id = 0; id < ADEX_NPARAMS; id++) {
    expect_rejected((adex_param_id)id, NAN, "must be finite");
    expect_rejected((adex_param_id)id, INFINITY, "must be finite");
    expect_rejected((adex_param_id)id, -INFINITY,
                    adex_param_name((adex_param_id)id));
  }
  /* Generous physical bounds that keep every step's arithmetic finite. */
  expect_rejected(ADEX_P_A, 2e9, "a must be within +-1e+09, got 2e+09");
  expect_rejected(ADEX_P_V_REST, -1e10, "V_rest must be within");
  expect_rejected(ADEX_P_TAU, 1e-4, "tau must be >= 0.001 ms, got 0.0001");
  expect_rejected(ADEX_P_TAU_W, 5e-4, "tau_w must be >= 0.001 ms");
  /* (V_th - V_T)/delta_T = 60/0.01 = 6000 would overflow exp(). */
  expect_rejected(ADEX_P_DELTA_T, 0.01, "exponential stays finite");
  assert_status(adex_params_check(NULL), ADEX_EINVAL);
}

/* delta_T = 0 is the integrate-and-fire limit, not an error. */
static void test_iaf_limit_accepted(void **state) {
  (void)state;
  adex_params p;
  adex_params_default(&p);
  p.delta_T = 0.0;
  assert_ok(adex_params_check(&p));
  p.delta_T = 0.1; /* (V_th - V_T)/delta_T = 299: still fine */
  assert_ok(adex_params_check(&p));
}

/* Inputs share the parameters' bound: finite, |I| <= 1e9; the message
 * starts with the caller's name and gives the value. */
static void test_input_check(void **state) {
  (void)state;
  assert_ok(adex_input_check("--input", 0.0));
  assert_ok(adex_input_check("--input", ADEX_INPUT_MAX));
  assert_ok(adex_input_check("--input", -ADEX_INPUT_MAX));
  assert_ok(adex_input_check(NULL, 12.5));
  static const double bad[] = {1.000001e9, -1e200,    1e39,
                               INFINITY,   -INFINITY, NAN};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    assert_status(adex_input_check("inputs[0].value", bad[i]), ADEX_EINVAL);
    assert_non_null(strstr(adex_errmsg(), "inputs[0].value must be"));
  }
  assert_status(adex_input_check("x", -1e200), ADEX_EINVAL);
  assert_string_equal(adex_errmsg(), "x must be within +-1e+09, got -1e+200");
  assert_status(adex_input_check(NULL, NAN), ADEX_EINVAL);
  assert_string_equal(adex_errmsg(), "input must be finite, got nan");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_defaults_match_seed),
      cmocka_unit_test(test_names_and_fields),
      cmocka_unit_test(test_list_table),
      cmocka_unit_test(test_rejections),
      cmocka_unit_test(test_iaf_limit_accepted),
      cmocka_unit_test(test_input_check),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
