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
#include <stdlib.h>

#include <cmocka.h>

#include "adex/adex.h"

/* Fail the test with a readable message if a and e are not close. */
#define assert_close(a, e, rtol, atol)                                         \
  adex_test_close((a), (e), (rtol), (atol), #a, __FILE__, __LINE__)

static inline void adex_test_close(double a, double e, double rtol, double atol,
                                   const char *expr, const char *file,
                                   int line) {
  if (!(fabs(a - e) <= atol + rtol * fabs(e))) {
    print_error("%s = %.17g, expected %.17g (rtol %g, atol %g)\n", expr, a, e,
                rtol, atol);
    _fail(file, line);
  }
}

/* Assert a status with the message on failure. */
#define assert_status(call, expected)                                          \
  do {                                                                         \
    adex_status st_ = (call);                                                  \
    if (st_ != (expected)) {                                                   \
      print_error("%s returned %s (%s), expected %s\n", #call,                 \
                  adex_status_name(st_), adex_errmsg(),                        \
                  adex_status_name(expected));                                 \
      fail();                                                                  \
    }                                                                          \
  } while (0)

#define assert_ok(call) assert_status((call), ADEX_OK)

/* An allocator that fails its fail_at-th request (0-based; -1: never) and
 * counts what is outstanding, for the allocation-failure tests:
 *   adex_test_counting c = {0, k, 0, 0};
 *   adex_allocator a = {adex_test_counting_alloc, adex_test_counting_free, &c};
 */
typedef struct adex_test_counting {
  int calls;    /* requests so far */
  int fail_at;  /* the request that fails */
  long live;    /* blocks outstanding */
  size_t bytes; /* bytes outstanding */
} adex_test_counting;

static inline void *adex_test_counting_alloc(void *ud, size_t size,
                                             size_t align) {
  adex_test_counting *c = ud;
  if (c->calls++ == c->fail_at) return NULL;
  void *p = aligned_alloc(align, (size + align - 1) / align * align);
  if (p != NULL) {
    c->live++;
    c->bytes += size;
  }
  return p;
}

static inline void adex_test_counting_free(void *ud, void *ptr, size_t size) {
  adex_test_counting *c = ud;
  c->live--;
  c->bytes -= size;
  free(ptr);
}

/* Make a population from a config, failing the test if it cannot. */
static inline adex_pop *adex_test_pop(const adex_pop_config *cfg) {
  adex_pop *pop = NULL;
  assert_ok(adex_pop_create(cfg, &pop));
  assert_non_null(pop);
  return pop;
}

#endif /* ADEX_TEST_H */
