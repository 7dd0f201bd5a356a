/* test_status.c - status codes, their strings, and the per-thread message. */
#include <string.h>

#include "adex_test.h"

/* Every code has a distinct name and a non-empty message. */
static void test_codes_named(void **state) {
  (void)state;
  static const adex_status codes[] = {
#define CODE(name, num, msg) ADEX_##name,
      ADEX_STATUS_LIST(CODE)
#undef CODE
  };
  size_t n = sizeof codes / sizeof codes[0];
  assert_int_equal(ADEX_OK, 0);
  for (size_t i = 0; i < n; i++) {
    assert_true(strlen(adex_status_str(codes[i])) > 0);
    assert_true(strncmp(adex_status_name(codes[i]), "ADEX_", 5) == 0);
    for (size_t j = 0; j < i; j++)
      assert_string_not_equal(adex_status_name(codes[i]),
                              adex_status_name(codes[j]));
  }
  assert_string_equal(adex_status_name(ADEX_ENOMEM), "ADEX_ENOMEM");
  assert_string_equal(adex_status_str((adex_status)999), "unknown status");
}

/* A failure leaves its detail; a later success clears it. */
static void test_errmsg_lifecycle(void **state) {
  (void)state;
  adex_pop_config cfg;
  adex_pop_config_default(&cfg, 4);
  cfg.params.tau_w = -3;
  adex_pop *pop = NULL;
  assert_status(adex_pop_create(&cfg, &pop), ADEX_EINVAL);
  assert_null(pop);
  assert_string_equal(adex_errmsg(), "tau_w must be > 0, got -3");
  cfg.params.tau_w = 30;
  pop = adex_test_pop(&cfg);
  assert_string_equal(adex_errmsg(), "");
  adex_pop_destroy(pop);
}

/* The version string matches the header's. */
static void test_version(void **state) {
  (void)state;
  assert_string_equal(adex_version(), ADEX_VERSION_STRING);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_codes_named),
      cmocka_unit_test(test_errmsg_lifecycle),
      cmocka_unit_test(test_version),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
