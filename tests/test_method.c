/* test_method.c - the method registry: lookup by name and alias, the list
 * of names, and the error for an unknown name. */
#include <string.h>

#include "adex_test.h"

static void test_exp_auto_and_aliases(void **state) {
  (void)state;
  const adex_method *m = NULL, *alias = NULL;
  assert_ok(adex_method_find("exp_auto", &m));
  assert_string_equal(adex_method_name(m), "exp_auto");
  assert_int_equal(adex_method_order(m), 1);
  assert_int_equal(adex_method_is_embedded(m), 0);
  static const char *const names[] = {"exp_euler", "exp_euler_auto",
                                      "exponential_euler"};
  for (size_t i = 0; i < 3; i++) {
    assert_ok(adex_method_find(names[i], &alias));
    assert_ptr_equal(alias, m);
  }
}

/* Every registered method is found by its own name and every alias. */
static void test_registry_consistent(void **state) {
  (void)state;
  assert_true(adex_method_count() >= 1);
  for (size_t i = 0; i < adex_method_count(); i++) {
    const adex_method *m = adex_method_at(i), *found = NULL;
    assert_ok(adex_method_find(adex_method_name(m), &found));
    assert_ptr_equal(found, m);
    assert_true(adex_method_order(m) >= 1 && adex_method_stages(m) >= 1);
    for (const char *const *a = adex_method_aliases(m); *a; a++) {
      assert_ok(adex_method_find(*a, &found));
      assert_ptr_equal(found, m);
    }
  }
  assert_null(adex_method_at(adex_method_count()));
}

/* An unknown name is an error listing the valid names. */
static void test_unknown(void **state) {
  (void)state;
  const adex_method *m = NULL;
  assert_status(adex_method_find("rk99", &m), ADEX_EMETHOD);
  assert_null(m);
  assert_non_null(strstr(adex_errmsg(), "rk99"));
  assert_non_null(strstr(adex_errmsg(), "exp_auto"));
  assert_non_null(strstr(adex_errmsg(), "exponential_euler"));
  assert_status(adex_method_find(NULL, &m), ADEX_EMETHOD);
  assert_status(adex_method_find("", &m), ADEX_EMETHOD);
}

/* The list is complete when it fits and safely cut when it does not. */
static void test_list(void **state) {
  (void)state;
  char big[2048], small[8];
  size_t need = adex_method_list(big, sizeof big);
  assert_int_equal(need, strlen(big));
  assert_non_null(strstr(big, "exp_auto, exp_euler"));
  assert_int_equal(adex_method_list(small, sizeof small), need);
  assert_int_equal(strlen(small), sizeof small - 1);
  assert_int_equal(adex_method_list(NULL, 0), need);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_exp_auto_and_aliases),
      cmocka_unit_test(test_registry_consistent),
      cmocka_unit_test(test_unknown),
      cmocka_unit_test(test_list),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
