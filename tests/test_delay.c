/* test_delay.c - delay buffers (docs/semantics.md section 6) against hand-computed
 * histories: the state right after registration, every age after every push
 * (wrapping the ring many times), per-neuron gathers, index gathers,
 * max_delay = 0, reset, export/import, every error with its message, and
 * allocation failure at every allocation (nothing leaks, nothing is
 * allocated after create).
 *
 * The histories use distinct values: the k-th push (k = 1, 2, ...) stores
 * value(k, i) = 100 k + i + 0.5 at neuron i, and the target given at create
 * counts as push 0. After P pushes the row of age a therefore holds
 * value(P - a, i) when a <= P and the initial value otherwise. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "adex_test.h"

/* Value of push k at neuron i; push 0 is the target at registration. */
static double pushed(size_t k, size_t i) {
  return 100.0 * (double)k + (double)i + 0.5;
}

/* Value at neuron i of initial_delay_data in these tests (or 0). */
static double initial_value(size_t i, int have_initial) {
  return have_initial ? -1.0 - (double)i : 0.0;
}

/* Expected value at neuron i of the row of age a after P pushes. */
static double expected(size_t P, size_t a, size_t i, int have_initial) {
  return a <= P ? pushed(P - a, i) : initial_value(i, have_initial);
}

/* Fill row[0..num) with push k. */
static void fill_push(double *row, size_t num, size_t k) {
  for (size_t i = 0; i < num; i++) row[i] = pushed(k, i);
}

/* Make a delay whose target is push 0, failing the test if it cannot. */
static adex_delay *make_delay(size_t num, size_t max_delay, int have_initial) {
  double target[64], initial[64];
  assert_true(num <= 64);
  for (size_t i = 0; i < num; i++) {
    target[i] = pushed(0, i);
    initial[i] = initial_value(i, 1);
  }
  adex_delay *d = NULL;
  assert_ok(adex_delay_create(num, max_delay, target,
                              have_initial ? initial : NULL, NULL, &d));
  assert_non_null(d);
  return d;
}

/* Every age of d after P pushes, through get, row and export. */
static void check_history(const adex_delay *d, size_t P, int have_initial) {
  size_t num = adex_delay_num(d), max = adex_delay_max(d);
  double got[64], all[64 * 16];
  assert_true(num <= 64 && (max + 1) * num <= 64 * 16);
  assert_ok(adex_delay_export(d, all));
  for (size_t a = 0; a <= max; a++) {
    assert_ok(adex_delay_get(d, a, got));
    const double *row = adex_delay_row(d, a);
    assert_non_null(row);
    for (size_t i = 0; i < num; i++) {
      double e = expected(P, a, i, have_initial);
      if (got[i] != e || row[i] != e || all[a * num + i] != e) {
        print_error("after %zu pushes, age %zu, neuron %zu: get %g, row %g, "
                    "export %g, expected %g\n",
                    P, a, i, got[i], row[i], all[a * num + i], e);
        fail();
      }
    }
  }
  assert_null(adex_delay_row(d, max + 1));
}

/* Right after registration: age 0 is the target, older ages the initial
 * data, or zeros when none is given. */
static void test_registration(void **state) {
  (void)state;
  for (int have_initial = 0; have_initial <= 1; have_initial++) {
    adex_delay *d = make_delay(3, 4, have_initial);
    assert_int_equal(adex_delay_num(d), 3);
    assert_int_equal(adex_delay_max(d), 4);
    check_history(d, 0, have_initial);
    /* Spelled out once, by hand. */
    double got[3];
    assert_ok(adex_delay_get(d, 0, got));
    assert_true(got[0] == 0.5 && got[1] == 1.5 && got[2] == 2.5);
    assert_ok(adex_delay_get(d, 4, got));
    if (have_initial)
      assert_true(got[0] == -1.0 && got[1] == -2.0 && got[2] == -3.0);
    else
      assert_true(got[0] == 0.0 && got[1] == 0.0 && got[2] == 0.0);
    /* The buffer is aligned for SIMD (age 0 is the first row at create). */
    assert_int_equal((uintptr_t)adex_delay_row(d, 0) % ADEX_ALIGN, 0);
    adex_delay_destroy(d);
  }
}

/* Distinct values pushed, every age checked after every push, the ring
 * wrapped many times over; num values per row from 1 to 7. */
static void test_push_history(void **state) {
  (void)state;
  const size_t maxes[] = {1, 2, 4, 5, 15};
  for (size_t m = 0; m < sizeof maxes / sizeof maxes[0]; m++) {
    for (size_t num = 1; num <= 7; num += 3) {
      for (int have_initial = 0; have_initial <= 1; have_initial++) {
        adex_delay *d = make_delay(num, maxes[m], have_initial);
        size_t pushes = 7 * (maxes[m] + 1) + 3;
        double v[64];
        for (size_t P = 1; P <= pushes; P++) {
          fill_push(v, num, P);
          assert_ok(adex_delay_push(d, v));
          check_history(d, P, have_initial);
        }
        adex_delay_destroy(d);
      }
    }
  }
}

/* A hand-written history, max_delay 2 and one value: the ring is short
 * enough to write every state down. */
static void test_push_by_hand(void **state) {
  (void)state;
  const double target = 10.0, initial = 7.0;
  adex_delay *d = NULL;
  assert_ok(adex_delay_create(1, 2, &target, &initial, NULL, &d));
  const double pushes[5] = {11, 12, 13, 14, 15};
  /* Ages 0, 1, 2 after each push. */
  const double want[6][3] = {{10, 7, 7},   {11, 10, 7},  {12, 11, 10},
                             {13, 12, 11}, {14, 13, 12}, {15, 14, 13}};
  for (int p = 0; p <= 5; p++) {
    if (p > 0) assert_ok(adex_delay_push(d, &pushes[p - 1]));
    for (size_t a = 0; a < 3; a++) {
      double x = -1;
      assert_ok(adex_delay_get(d, a, &x));
      assert_true(x == want[p][a]);
    }
  }
  adex_delay_destroy(d);
}

/* max_delay = 0: only the newest value; a push replaces it. */
static void test_max_delay_zero(void **state) {
  (void)state;
  adex_delay *d = make_delay(4, 0, 1);
  check_history(d, 0, 1);
  double v[4], got[4] = {9, 9, 9, 9};
  assert_status(adex_delay_get(d, 1, got), ADEX_ERANGE);
  assert_true(got[0] == 9 && got[3] == 9);
  for (size_t P = 1; P <= 5; P++) {
    fill_push(v, 4, P);
    assert_ok(adex_delay_push(d, v));
    check_history(d, P, 1);
  }
  const size_t steps[4] = {0, 0, 0, 0};
  assert_ok(adex_delay_gather(d, steps, got));
  for (size_t i = 0; i < 4; i++) assert_true(got[i] == pushed(5, i));
  adex_delay_destroy(d);
}

/* Per-neuron steps: out[i] = value steps[i] pushes ago at neuron i,
 * before and after the ring wraps, and with ages beyond the pushes so far
 * (initial data). */
static void test_gather(void **state) {
  (void)state;
  const size_t num = 6, max = 3;
  adex_delay *d = make_delay(num, max, 1);
  const size_t steps[6] = {0, 3, 1, 2, 0, 3};
  double v[6], out[6];
  for (size_t P = 0; P <= 13; P++) {
    if (P > 0) {
      fill_push(v, num, P);
      assert_ok(adex_delay_push(d, v));
    }
    assert_ok(adex_delay_gather(d, steps, out));
    for (size_t i = 0; i < num; i++)
      assert_true(out[i] == expected(P, steps[i], i, 1));
  }
  /* After 13 pushes, by hand: 1300.5, 1001.5, 1202.5, 1103.5, 1304.5,
   * 1005.5. */
  const double want[6] = {1300.5, 1001.5, 1202.5, 1103.5, 1304.5, 1005.5};
  for (size_t i = 0; i < num; i++) assert_true(out[i] == want[i]);
  adex_delay_destroy(d);
}

/* get_indices: some values of one age, repeats and any order allowed. */
static void test_get_indices(void **state) {
  (void)state;
  const size_t num = 5, max = 2;
  adex_delay *d = make_delay(num, max, 0);
  double v[5];
  for (size_t P = 1; P <= 4; P++) {
    fill_push(v, num, P);
    assert_ok(adex_delay_push(d, v));
  }
  const size_t idx[4] = {4, 0, 4, 2};
  double out[4];
  for (size_t a = 0; a <= max; a++) {
    assert_ok(adex_delay_get_indices(d, a, idx, 4, out));
    for (size_t j = 0; j < 4; j++)
      assert_true(out[j] == expected(4, a, idx[j], 0));
  }
  /* Age 2 after 4 pushes is push 2: 204.5, 200.5, 204.5, 202.5. */
  assert_true(out[0] == 204.5 && out[1] == 200.5 && out[2] == 204.5 &&
              out[3] == 202.5);
  /* n = 0 reads nothing; the arrays may then be NULL. */
  assert_ok(adex_delay_get_indices(d, 1, NULL, 0, NULL));
  adex_delay_destroy(d);
}

/* reset: zeros everywhere but the newest slot, which holds the target;
 * initial data is not restored; pushes carry on from there. */
static void test_reset(void **state) {
  (void)state;
  const size_t num = 3, max = 3;
  adex_delay *d = make_delay(num, max, 1);
  double v[3];
  for (size_t P = 1; P <= 6; P++) {
    fill_push(v, num, P);
    assert_ok(adex_delay_push(d, v));
  }
  /* Reset to push 0's values: the history is then push 0, zeros. */
  fill_push(v, num, 0);
  assert_ok(adex_delay_reset(d, v));
  check_history(d, 0, 0);
  for (size_t P = 1; P <= 9; P++) {
    fill_push(v, num, P);
    assert_ok(adex_delay_push(d, v));
    check_history(d, P, 0);
  }
  /* The target may be a row of the delay itself (age 2 = push 7). */
  assert_ok(adex_delay_reset(d, adex_delay_row(d, 2)));
  double got[3];
  assert_ok(adex_delay_get(d, 0, got));
  for (size_t i = 0; i < num; i++) assert_true(got[i] == pushed(7, i));
  for (size_t a = 1; a <= max; a++) {
    assert_ok(adex_delay_get(d, a, got));
    for (size_t i = 0; i < num; i++) assert_true(got[i] == 0.0);
  }
  adex_delay_destroy(d);
}

/* A push of one of the delay's own rows (the zero-copy pointer) works,
 * even of the oldest row, which the push overwrites. */
static void test_push_own_row(void **state) {
  (void)state;
  const size_t num = 4, max = 2;
  adex_delay *d = make_delay(num, max, 1);
  double v[4], got[4];
  for (size_t P = 1; P <= 4; P++) {
    fill_push(v, num, P);
    assert_ok(adex_delay_push(d, v));
  }
  /* Ages now 4, 3, 2. Push age 2 (the oldest): ages 2, 4, 3. */
  assert_ok(adex_delay_push(d, adex_delay_row(d, max)));
  const size_t order[3] = {2, 4, 3};
  for (size_t a = 0; a <= max; a++) {
    assert_ok(adex_delay_get(d, a, got));
    for (size_t i = 0; i < num; i++) assert_true(got[i] == pushed(order[a], i));
  }
  /* Push age 0 again: ages 2, 2, 4. */
  assert_ok(adex_delay_push(d, adex_delay_row(d, 0)));
  const size_t order2[3] = {2, 2, 4};
  for (size_t a = 0; a <= max; a++) {
    assert_ok(adex_delay_get(d, a, got));
    for (size_t i = 0; i < num; i++)
      assert_true(got[i] == pushed(order2[a], i));
  }
  adex_delay_destroy(d);
}

/* export writes row k = k pushes ago; import restores it into another
 * delay whose ring head is elsewhere; both then continue identically. */
static void test_export_import(void **state) {
  (void)state;
  const size_t num = 3, max = 4, len = (max + 1) * num;
  adex_delay *a = make_delay(num, max, 1);
  double v[3];
  for (size_t P = 1; P <= 7; P++) {
    fill_push(v, num, P);
    assert_ok(adex_delay_push(a, v));
  }
  double ex[15];
  assert_ok(adex_delay_export(a, ex));
  /* Layout, by hand: row 0 is push 7, row 4 is push 3. */
  assert_true(ex[0] == 700.5 && ex[1] == 701.5 && ex[2] == 702.5);
  assert_true(ex[3] == 600.5 && ex[12] == 300.5 && ex[14] == 302.5);
  for (size_t k = 0; k <= max; k++)
    for (size_t i = 0; i < num; i++)
      assert_true(ex[k * num + i] == pushed(7 - k, i));

  /* Import into a delay pushed a different number of times. */
  adex_delay *b = make_delay(num, max, 0);
  for (size_t P = 1; P <= 3; P++) {
    double w[3] = {-5, -6, -7};
    assert_ok(adex_delay_push(b, w));
  }
  assert_ok(adex_delay_import(b, ex));
  check_history(b, 7, 1);
  double ex_b[15];
  for (size_t P = 8; P <= 20; P++) {
    fill_push(v, num, P);
    assert_ok(adex_delay_push(a, v));
    assert_ok(adex_delay_push(b, v));
    assert_ok(adex_delay_export(a, ex));
    assert_ok(adex_delay_export(b, ex_b));
    assert_memory_equal(ex, ex_b, len * sizeof(double));
    check_history(b, P, 1);
  }
  adex_delay_destroy(a);
  adex_delay_destroy(b);
}

/* ------------------------------------------------------------------
 * A adex_test_counting allocator: it fails the k-th request and keeps
 * count of what is outstanding (as in test_pop_errors.c). */

/* The call must fail with `st` and a message containing `words`. */
static void expect_error(adex_status got, adex_status st, const char *words) {
  if (got != st) {
    print_error("returned %s (%s), expected %s\n", adex_status_name(got),
                adex_errmsg(), adex_status_name(st));
    fail();
  }
  if (strstr(adex_errmsg(), words) == NULL) {
    print_error("message '%s' lacks '%s'\n", adex_errmsg(), words);
    fail();
  }
}

/* Create must fail with `st` and `words`, leaving *out NULL, before it
 * asks the allocator for anything. */
static void expect_create_refused(size_t num, size_t max, const double *target,
                                  adex_status st, const char *words) {
  adex_test_counting c = {0, -1, 0, 0};
  adex_allocator a = {adex_test_counting_alloc, adex_test_counting_free, &c};
  adex_delay *d = (adex_delay *)(uintptr_t)1;
  expect_error(adex_delay_create(num, max, target, NULL, &a, &d), st, words);
  assert_null(d);
  assert_int_equal(c.calls, 0);
}

static void test_create_errors(void **state) {
  (void)state;
  const double t[4] = {1, 2, 3, 4};
  expect_create_refused(0, 3, t, ADEX_ESIZE, "num must be > 0, got 0");
  expect_create_refused(SIZE_MAX / 2, 4, t, ADEX_ESIZE, "too large");
  expect_create_refused(SIZE_MAX / 16, 4, t, ADEX_ESIZE, "too large");
  expect_create_refused(1, SIZE_MAX, t, ADEX_ESIZE, "too large");
  expect_create_refused(4, SIZE_MAX / 8, t, ADEX_ESIZE, "too large");
  /* No object may exceed PTRDIFF_MAX bytes, even if size_t could count it. */
  expect_create_refused(1, (size_t)PTRDIFF_MAX / sizeof(double), t, ADEX_ESIZE,
                        "too large");
  expect_create_refused(2, (size_t)PTRDIFF_MAX / (2 * sizeof(double)), t,
                        ADEX_ESIZE, "too large");
  expect_create_refused(4, 3, NULL, ADEX_EINVAL, "target must not be NULL");
  expect_error(adex_delay_create(4, 3, t, NULL, NULL, NULL), ADEX_EINVAL,
               "out must not be NULL");
}

static void test_errors(void **state) {
  (void)state;
  const size_t num = 4;
  adex_delay *d = make_delay(num, 5, 1);
  double v[4] = {1, 2, 3, 4};
  double out[4] = {9, 9, 9, 9};
  const double sentinel[4] = {9, 9, 9, 9};

  /* Ages beyond the maximum, with both numbers in the message; out is
   * untouched. */
  expect_error(adex_delay_get(d, 7, out), ADEX_ERANGE,
               "delay step 7 exceeds the registered maximum 5");
  expect_error(adex_delay_get(d, 6, out), ADEX_ERANGE,
               "delay step 6 exceeds the registered maximum 5");
  expect_error(adex_delay_get(d, SIZE_MAX, out), ADEX_ERANGE, "maximum 5");
  const size_t idx[3] = {1, 2, 3};
  expect_error(adex_delay_get_indices(d, 6, idx, 3, out), ADEX_ERANGE,
               "delay step 6 exceeds the registered maximum 5");
  const size_t steps[4] = {0, 5, 8, 9};
  expect_error(adex_delay_gather(d, steps, out), ADEX_ERANGE,
               "delay step 8 of neuron 2 exceeds the registered maximum 5");
  assert_memory_equal(out, sentinel, sizeof out);
  const size_t edge[4] = {5, 0, 5, 6}; /* just past the maximum */
  expect_error(adex_delay_gather(d, edge, out), ADEX_ERANGE,
               "delay step 6 of neuron 3 exceeds the registered maximum 5");
  assert_memory_equal(out, sentinel, sizeof out);
  assert_null(adex_delay_row(d, 6));
  assert_null(adex_delay_row(d, SIZE_MAX));

  /* Indices out of range, the first one named; out untouched. */
  const size_t bad_idx[4] = {0, 3, 4, 9};
  expect_error(adex_delay_get_indices(d, 1, bad_idx, 4, out), ADEX_ERANGE,
               "index 4 (indices[2]) is out of range for a delay of 4");
  assert_memory_equal(out, sentinel, sizeof out);

  /* NULL pointers. */
  expect_error(adex_delay_push(NULL, v), ADEX_EINVAL, "delay must not be NULL");
  expect_error(adex_delay_push(d, NULL), ADEX_EINVAL, "must not be NULL");
  expect_error(adex_delay_get(NULL, 0, out), ADEX_EINVAL, "must not be NULL");
  expect_error(adex_delay_get(d, 0, NULL), ADEX_EINVAL, "must not be NULL");
  expect_error(adex_delay_get_indices(NULL, 0, idx, 3, out), ADEX_EINVAL,
               "must not be NULL");
  expect_error(adex_delay_get_indices(d, 0, NULL, 3, out), ADEX_EINVAL,
               "must not be NULL");
  expect_error(adex_delay_get_indices(d, 0, idx, 3, NULL), ADEX_EINVAL,
               "must not be NULL");
  expect_error(adex_delay_gather(NULL, steps, out), ADEX_EINVAL,
               "must not be NULL");
  expect_error(adex_delay_gather(d, NULL, out), ADEX_EINVAL,
               "must not be NULL");
  expect_error(adex_delay_gather(d, steps, NULL), ADEX_EINVAL,
               "must not be NULL");
  expect_error(adex_delay_reset(NULL, v), ADEX_EINVAL, "must not be NULL");
  expect_error(adex_delay_reset(d, NULL), ADEX_EINVAL, "must not be NULL");
  expect_error(adex_delay_export(NULL, out), ADEX_EINVAL, "must not be NULL");
  expect_error(adex_delay_export(d, NULL), ADEX_EINVAL, "must not be NULL");
  expect_error(adex_delay_import(NULL, v), ADEX_EINVAL, "must not be NULL");
  expect_error(adex_delay_import(d, NULL), ADEX_EINVAL, "must not be NULL");
  assert_null(adex_delay_row(NULL, 0));
  assert_int_equal(adex_delay_num(NULL), 0);
  assert_int_equal(adex_delay_max(NULL), 0);
  adex_delay_destroy(NULL);

  /* None of the failures changed the delay. */
  check_history(d, 0, 1);
  adex_delay_destroy(d);
}

/* Fail each allocation of create in turn: ENOMEM, *out NULL, nothing
 * leaked. Then succeed, use the delay (no further allocation) and destroy:
 * nothing leaked. */
static void test_allocation_failure(void **state) {
  (void)state;
  const size_t num = 50, max = 6;
  double target[50], v[50], all[350];
  for (size_t i = 0; i < num; i++) target[i] = pushed(0, i);
  adex_test_counting c = {0, -1, 0, 0};
  adex_allocator a = {adex_test_counting_alloc, adex_test_counting_free, &c};
  adex_delay *d = NULL;
  assert_ok(adex_delay_create(num, max, target, NULL, &a, &d));
  int total = c.calls;
  assert_true(total >= 2);
  assert_true(c.live > 0);
  assert_true(c.bytes >= (max + 1) * num * sizeof(double));
  /* No allocation after create. */
  const size_t steps[50] = {0, 6, 3};
  for (size_t P = 1; P <= 20; P++) {
    fill_push(v, num, P);
    assert_ok(adex_delay_push(d, v));
    assert_ok(adex_delay_gather(d, steps, v));
    assert_ok(adex_delay_get(d, 5, v));
  }
  assert_ok(adex_delay_export(d, all));
  assert_ok(adex_delay_import(d, all));
  assert_ok(adex_delay_reset(d, target));
  assert_int_equal(c.calls, total);
  adex_delay_destroy(d);
  assert_int_equal(c.live, 0);
  assert_int_equal(c.bytes, 0);

  for (int k = 0; k < total; k++) {
    c = (adex_test_counting){0, k, 0, 0};
    d = (adex_delay *)(uintptr_t)1;
    assert_status(adex_delay_create(num, max, target, NULL, &a, &d),
                  ADEX_ENOMEM);
    assert_null(d);
    assert_non_null(strstr(adex_errmsg(), "out of memory"));
    assert_int_equal(c.live, 0);
    assert_int_equal(c.bytes, 0);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_registration),
      cmocka_unit_test(test_push_history),
      cmocka_unit_test(test_push_by_hand),
      cmocka_unit_test(test_max_delay_zero),
      cmocka_unit_test(test_gather),
      cmocka_unit_test(test_get_indices),
      cmocka_unit_test(test_reset),
      cmocka_unit_test(test_push_own_row),
      cmocka_unit_test(test_export_import),
      cmocka_unit_test(test_create_errors),
      cmocka_unit_test(test_errors),
      cmocka_unit_test(test_allocation_failure),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
