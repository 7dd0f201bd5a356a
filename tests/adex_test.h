/* adex_test.h - helpers shared by the unit tests (cmocka).
 *
 * cmocka's assert_float_equal casts to float, so doubles are compared with
 * assert_close(actual, expected, rtol, atol): |a - e| <= atol + rtol*|e|.
 */
#ifndef ADEX_TEST_H
#define ADEX_TEST_H

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include <cmocka.h>

#include "adex/adex.h"

/* Fail the test with a readable message if a and e are not close. */
#define assert_close(a, e, rtol, atol) \
  adex_test_close((a), (e), (rtol), (atol), #a, __FILE__, __LINE__)

static inline void adex_test_close(double a, double e, double rtol,
                                   double atol, const char *expr,
                                   const char *file, int line) {
  if (!(fabs(a - e) <= atol + rtol * fabs(e))) {
    print_error("%s = %.17g, expected %.17g (rtol %g, atol %g)\n", expr, a, e,
                rtol, atol);
    _fail(file, line);
  }
}

/* Assert a status with the message on failure. */
#define assert_status(call, expected)                                       \
  do {                                                                      \
    adex_status st_ = (call);                                               \
    if (st_ != (expected)) {                                                \
      print_error("%s returned %s (%s), expected %s\n", #call,              \
                  adex_status_name(st_), adex_errmsg(),                     \
                  adex_status_name(expected));                              \
      fail();                                                               \
    }                                                                       \
  } while (0)

#define assert_ok(call) assert_status((call), ADEX_OK)

/* Make a population from a config, failing the test if it cannot. */
static inline adex_pop *adex_test_pop(const adex_pop_config *cfg) {
  adex_pop *pop = NULL;
  assert_ok(adex_pop_create(cfg, &pop));
  assert_non_null(pop);
  return pop;
}

#endif /* ADEX_TEST_H */
