/* test_pop_delays.c - delays registered by name (docs/semantics.md section 6): a
 * population's own (register_delay, get_delay_data with and without
 * indices, per-neuron gathers, update_delay, reset_delay, growing on
 * re-registration) against hand-computed histories, every error with its
 * message, allocation failure at every allocation, no allocation after
 * registration; and the global registry, also from several threads.
 *
 * The histories use distinct values: the k-th push (k = 1, 2, ...) at
 * neuron i is 100 k + i + 0.5; the target at registration is push 0. */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "adex_test.h"

#define NUM 4

static double pushed(size_t k, size_t i) {
  return 100.0 * (double)k + (double)i + 0.5;
}

/* A population of NUM neurons whose V is push 0. */
static adex_pop *make_pop(const char *name, const adex_allocator *a) {
  adex_pop_config cfg;
  adex_pop_config_default(&cfg, NUM);
  cfg.name = name;
  cfg.alloc = a;
  adex_pop *pop = adex_test_pop(&cfg);
  for (size_t i = 0; i < NUM; i++) adex_pop_V(pop)[i] = pushed(0, i);
  return pop;
}

/* The message must contain `words`. */
static void expect_msg(const char *words) {
  if (strstr(adex_errmsg(), words) == NULL) {
    print_error("message '%s' lacks '%s'\n", adex_errmsg(), words);
    fail();
  }
}

/* Age a of delay `name` after P pushes: push P - a, or beyond that the
 * initial data init_base - i (zeros when init_base is 0). */
static void check_ages(adex_pop *pop, const char *name, size_t max, size_t P,
                       double init_base) {
  double got[NUM];
  for (size_t a = 0; a <= max; a++) {
    assert_ok(adex_pop_get_delay_data(pop, name, a, got));
    for (size_t i = 0; i < NUM; i++) {
      double e = a <= P             ? pushed(P - a, i)
                 : init_base != 0.0 ? init_base - (double)i
                                    : 0.0;
      if (got[i] != e) {
        print_error("%s after %zu pushes, age %zu, neuron %zu: %g, expected "
                    "%g\n",
                    name, P, a, i, got[i], e);
        fail();
      }
    }
  }
}

/* Registration, pushes of given values and of the target (NULL), ages
 * through many wraps of the ring. */
static void test_history(void **state) {
  (void)state;
  adex_pop *pop = make_pop(NULL, NULL);
  double init[NUM], row[NUM];
  for (size_t i = 0; i < NUM; i++) init[i] = -1.0 - (double)i;
  assert_ok(adex_pop_register_delay(pop, "vh", 3, NULL, "V", init));
  assert_ok(adex_pop_register_delay(pop, "vz", 2, NULL, "V", NULL));
  check_ages(pop, "vh", 3, 0, -1.0);
  check_ages(pop, "vz", 2, 0, 0.0);
  for (size_t k = 1; k <= 11; k++) {
    for (size_t i = 0; i < NUM; i++) row[i] = pushed(k, i);
    assert_ok(adex_pop_update_delay(pop, "vh", row));
    /* The target's current value when value is NULL. */
    memcpy(adex_pop_V(pop), row, sizeof row);
    assert_ok(adex_pop_update_delay(pop, "vz", NULL));
    check_ages(pop, "vh", 3, k, -1.0);
    check_ages(pop, "vz", 2, k, 0.0);
  }
  /* Indices of one age. */
  const size_t idx[3] = {3, 0, 3};
  double out[3];
  assert_ok(adex_pop_get_delay_data_indices(pop, "vh", 2, idx, 3, out));
  assert_true(out[0] == pushed(9, 3) && out[1] == pushed(9, 0) &&
              out[2] == pushed(9, 3));
  assert_ok(adex_pop_get_delay_data_indices(pop, "vh", 2, NULL, 0, NULL));
  /* reset_delay: zeros, and the target's value at age 0. */
  for (size_t i = 0; i < NUM; i++) adex_pop_V(pop)[i] = 7.0 + (double)i;
  assert_ok(adex_pop_reset_delay(pop, "vh"));
  for (size_t a = 0; a <= 3; a++) {
    assert_ok(adex_pop_get_delay_data(pop, "vh", a, row));
    for (size_t i = 0; i < NUM; i++)
      assert_true(row[i] == (a == 0 ? 7.0 + (double)i : 0.0));
  }
  /* adex_pop_reset leaves delays alone (docs/semantics.md section 3). */
  assert_ok(adex_pop_reset(pop));
  assert_ok(adex_pop_get_delay_data(pop, "vh", 0, row));
  assert_true(row[0] == 7.0);
  adex_pop_destroy(pop);
}

/* A bool target is stored as 0.0 / 1.0; per-neuron steps gather. */
static void test_bool_target_and_gather(void **state) {
  (void)state;
  adex_pop *pop = make_pop(NULL, NULL);
  bool *spk = adex_pop_spike(pop);
  const bool pattern[3][NUM] = {{1, 0, 0, 1}, {0, 1, 0, 0}, {1, 1, 1, 0}};
  memcpy(spk, pattern[0], NUM);
  const size_t steps[NUM] = {0, 1, 2, 1};
  /* max_delay 0: the maximum comes from the steps (2). */
  assert_ok(adex_pop_register_delay(pop, "spk", 0, steps, "spike", NULL));
  assert_int_equal(adex_delay_max(adex_pop_delay(pop, "spk")), 2);
  for (int k = 1; k < 3; k++) {
    memcpy(spk, pattern[k], NUM);
    assert_ok(adex_pop_update_delay(pop, "spk", NULL));
  }
  /* Now age a holds pattern[2 - a]. */
  double row[NUM], g[NUM];
  for (size_t a = 0; a <= 2; a++) {
    assert_ok(adex_pop_get_delay_data(pop, "spk", a, row));
    for (size_t i = 0; i < NUM; i++)
      assert_true(row[i] == (pattern[2 - a][i] ? 1.0 : 0.0));
  }
  assert_ok(adex_pop_get_delay_data_gather(pop, "spk", g));
  for (size_t i = 0; i < NUM; i++)
    assert_true(g[i] == (pattern[2 - steps[i]][i] ? 1.0 : 0.0));
  /* reset_delay of a bool target. */
  assert_ok(adex_pop_reset_delay(pop, "spk"));
  assert_ok(adex_pop_get_delay_data(pop, "spk", 0, row));
  assert_true(row[0] == 1.0 && row[3] == 0.0);
  adex_pop_destroy(pop);
}

/* Registering a name again keeps the larger maximum and the history. */
static void test_reregister(void **state) {
  (void)state;
  adex_pop *pop = make_pop(NULL, NULL);
  assert_ok(adex_pop_register_delay(pop, "vh", 2, NULL, "V", NULL));
  double row[NUM];
  for (size_t k = 1; k <= 5; k++) {
    for (size_t i = 0; i < NUM; i++) row[i] = pushed(k, i);
    assert_ok(adex_pop_update_delay(pop, "vh", row));
  }
  /* Smaller or equal: nothing changes, not even the handle. */
  adex_delay *before = adex_pop_delay(pop, "vh");
  assert_ok(adex_pop_register_delay(pop, "vh", 1, NULL, "V", NULL));
  assert_ptr_equal(adex_pop_delay(pop, "vh"), before);
  check_ages(pop, "vh", 2, 5, 0.0);
  /* Larger: ages 0..2 keep pushes 5, 4, 3; ages 3..4 get `initial`. */
  double init[NUM];
  for (size_t i = 0; i < NUM; i++) init[i] = -9.0 - (double)i;
  assert_ok(adex_pop_register_delay(pop, "vh", 4, NULL, "V", init));
  assert_int_equal(adex_delay_max(adex_pop_delay(pop, "vh")), 4);
  for (size_t a = 0; a <= 4; a++) {
    assert_ok(adex_pop_get_delay_data(pop, "vh", a, row));
    for (size_t i = 0; i < NUM; i++)
      assert_true(row[i] == (a <= 2 ? pushed(5 - a, i) : -9.0 - (double)i));
  }
  /* Per-neuron steps given again replace the old ones; NULL keeps them. */
  const size_t s1[NUM] = {1, 1, 1, 1}, s2[NUM] = {0, 1, 2, 3};
  assert_ok(adex_pop_register_delay(pop, "vh", 0, s1, "V", NULL));
  adex_pop_delay_info info;
  assert_ok(adex_pop_delay_at(pop, 0, &info));
  assert_true(info.steps != NULL && info.steps[3] == 1 && info.max_delay == 4);
  assert_ok(adex_pop_register_delay(pop, "vh", 0, s2, "V", NULL));
  assert_ok(adex_pop_register_delay(pop, "vh", 0, NULL, "V", NULL));
  assert_ok(adex_pop_delay_at(pop, 0, &info));
  assert_true(info.steps[3] == 3);
  assert_string_equal(info.name, "vh");
  assert_string_equal(info.target, "V");
  assert_int_equal(adex_pop_delay_count(pop), 1);
  /* Another target under the same name is refused. */
  assert_status(adex_pop_register_delay(pop, "vh", 9, NULL, "w", NULL),
                ADEX_EINVAL);
  expect_msg("registered for target 'V', not 'w'");
  assert_int_equal(adex_delay_max(adex_pop_delay(pop, "vh")), 4);
  adex_pop_destroy(pop);
}

/* Every error, with the name or number it is about. */
static void test_errors(void **state) {
  (void)state;
  adex_pop *pop = make_pop("errpop", NULL);
  double out[NUM];
  assert_status(adex_pop_get_delay_data(pop, "nope", 0, out), ADEX_EKEY);
  expect_msg("no delay 'nope' in errpop; delays: (none registered)");
  assert_ok(adex_pop_register_delay(pop, "a", 2, NULL, "V", NULL));
  assert_ok(adex_pop_register_delay(pop, "pre.spike", 1, NULL, "spike", NULL));
  assert_status(adex_pop_get_delay_data(pop, "nope", 0, out), ADEX_EKEY);
  expect_msg("delays: a, pre.spike");
  assert_string_equal(adex_pop_errmsg(pop), adex_errmsg());
  assert_status(adex_pop_get_delay_data(pop, "a", 3, out), ADEX_ERANGE);
  expect_msg("delay 'a' of errpop: delay step 3 exceeds the registered "
             "maximum 2");
  const size_t bad_idx[2] = {0, NUM};
  assert_status(adex_pop_get_delay_data_indices(pop, "a", 0, bad_idx, 2, out),
                ADEX_ERANGE);
  expect_msg("index 4");
  assert_status(adex_pop_get_delay_data_gather(pop, "a", out), ADEX_EINVAL);
  expect_msg("without per-neuron steps");
  assert_status(adex_pop_update_delay(pop, "zz", NULL), ADEX_EKEY);
  assert_status(adex_pop_reset_delay(pop, "zz"), ADEX_EKEY);
  assert_null(adex_pop_delay(pop, "zz"));
  assert_status(adex_pop_register_delay(pop, "b", 1, NULL, "nosuch", NULL),
                ADEX_EKEY);
  expect_msg("delay 'b': target: no variable 'nosuch'");
  assert_status(adex_pop_register_delay(pop, "b", 1, NULL, "other.V", NULL),
                ADEX_EKEY);
  const char *bad_names[] = {"", "1a", "a..b", ".a", "a.", "a-b", NULL};
  for (size_t i = 0; i < sizeof bad_names / sizeof bad_names[0]; i++) {
    assert_status(
        adex_pop_register_delay(pop, bad_names[i], 1, NULL, "V", NULL),
        ADEX_EINVAL);
    expect_msg("is not valid");
  }
  assert_status(adex_pop_register_delay(pop, "b", 1, NULL, NULL, NULL),
                ADEX_EINVAL);
  assert_status(adex_pop_register_delay(NULL, "b", 1, NULL, "V", NULL),
                ADEX_EINVAL);
  assert_status(adex_pop_get_delay_data(pop, "a", 0, NULL), ADEX_EINVAL);
  assert_status(adex_pop_get_delay_data(NULL, "a", 0, out), ADEX_EINVAL);
  adex_pop_delay_info info;
  assert_status(adex_pop_delay_at(pop, 2, &info), ADEX_EKEY);
  assert_int_equal(adex_pop_delay_count(NULL), 0);
  /* A too large buffer. */
  assert_status(
      adex_pop_register_delay(pop, "huge", SIZE_MAX / 4, NULL, "V", NULL),
      ADEX_ESIZE);
  /* At most ADEX_MAX_POP_DELAYS. */
  for (int k = 2; k < ADEX_MAX_POP_DELAYS; k++) {
    char name[16];
    snprintf(name, sizeof name, "d%d", k);
    assert_ok(adex_pop_register_delay(pop, name, 0, NULL, "w", NULL));
  }
  assert_status(adex_pop_register_delay(pop, "last", 0, NULL, "w", NULL),
                ADEX_ESIZE);
  expect_msg("holds 16 delays already");
  assert_int_equal(adex_pop_delay_count(pop), ADEX_MAX_POP_DELAYS);
  assert_true(adex_delay_name_is_valid("a.b_c.D9"));
  adex_pop_destroy(pop);
}

/* ------------------------------------------------------------------
 * Allocation: fail each allocation of a registration in turn (ENOMEM,
 * nothing changed, nothing leaked), and none after registration. */

/* Register a bool delay with steps on a fresh pop, then grow it. */
static adex_status register_all(adex_pop *pop) {
  const size_t steps[NUM] = {0, 1, 2, 3};
  adex_status st = adex_pop_register_delay(pop, "s", 0, steps, "spike", NULL);
  if (st == ADEX_OK)
    st = adex_pop_register_delay(pop, "s", 6, steps, "spike", NULL);
  return st;
}

static void test_allocation(void **state) {
  (void)state;
  adex_test_counting c = {0, -1, 0, 0};
  adex_allocator a = {adex_test_counting_alloc, adex_test_counting_free, &c};
  adex_pop *pop = make_pop(NULL, &a);
  int base = c.calls;
  assert_ok(register_all(pop));
  int total = c.calls - base;
  assert_true(total >= 5);
  /* No allocation afterwards. */
  int before = c.calls;
  double out[NUM];
  for (int k = 0; k < 50; k++) {
    assert_ok(adex_pop_update_delay(pop, "s", NULL));
    assert_ok(adex_pop_get_delay_data_gather(pop, "s", out));
    assert_ok(adex_pop_get_delay_data(pop, "s", 6, out));
    assert_ok(adex_pop_update(pop, 0.1 * k, 0.1));
  }
  assert_ok(adex_pop_reset_delay(pop, "s"));
  assert_int_equal(c.calls, before);
  adex_pop_destroy(pop);
  assert_int_equal(c.live, 0);
  for (int k = 0; k < total; k++) {
    c = (adex_test_counting){0, -1, 0, 0};
    pop = make_pop(NULL, &a);
    c.fail_at = c.calls + k;
    adex_status st = register_all(pop);
    assert_int_equal(st, ADEX_ENOMEM);
    expect_msg("out of memory");
    /* Whatever registered before the failure is whole and usable. */
    adex_delay *d = adex_pop_delay(pop, "s");
    if (d != NULL) {
      assert_true(adex_delay_max(d) == 3);
      assert_ok(adex_pop_get_delay_data_gather(pop, "s", out));
    }
    adex_pop_destroy(pop);
    assert_int_equal(c.live, 0);
  }
}

/* ------------------------------------------------------------- global */

static void test_global(void **state) {
  (void)state;
  adex_global_delay_clear();
  double t0[3] = {1, 2, 3}, init[3] = {-1, -2, -3}, out[3];
  adex_delay *d = NULL, *e = NULL;
  assert_ok(adex_global_delay_register("net.spike", 3, 2, t0, init, &d));
  assert_non_null(d);
  assert_ok(adex_global_delay_find("net.spike", &e));
  assert_ptr_equal(d, e);
  assert_int_equal(adex_global_delay_count(), 1);
  /* Smaller or equal: the same buffer. */
  assert_ok(adex_global_delay_register("net.spike", 3, 1, t0, NULL, &e));
  assert_ptr_equal(d, e);
  double p1[3] = {10, 20, 30};
  assert_ok(adex_delay_push(d, p1));
  /* Larger: history kept, new ages from initial. */
  double init2[3] = {-7, -8, -9};
  assert_ok(adex_global_delay_register("net.spike", 3, 4, t0, init2, &d));
  assert_int_equal(adex_delay_max(d), 4);
  const double expect[5][3] = {
      {10, 20, 30}, {1, 2, 3}, {-1, -2, -3}, {-7, -8, -9}, {-7, -8, -9}};
  for (size_t a = 0; a <= 4; a++) {
    assert_ok(adex_delay_get(d, a, out));
    assert_memory_equal(out, expect[a], sizeof out);
  }
  assert_status(adex_global_delay_register("net.spike", 4, 1, t0, NULL, &e),
                ADEX_ESIZE);
  expect_msg("has 3 values per row, not 4");
  assert_status(adex_global_delay_register("bad name", 3, 1, t0, NULL, &e),
                ADEX_EINVAL);
  assert_status(adex_global_delay_register("x", 3, 1, NULL, NULL, &e),
                ADEX_EINVAL);
  assert_ok(adex_global_delay_register("other", 3, 0, t0, NULL, NULL));
  char name[ADEX_NAME_MAX];
  assert_ok(adex_global_delay_at(1, name, &e));
  assert_string_equal(name, "other");
  assert_status(adex_global_delay_at(2, name, &e), ADEX_EKEY);
  assert_status(adex_global_delay_find("missing", &e), ADEX_EKEY);
  assert_null(e);
  assert_ok(adex_global_delay_remove("net.spike"));
  assert_status(adex_global_delay_remove("net.spike"), ADEX_EKEY);
  assert_int_equal(adex_global_delay_count(), 1);
  adex_global_delay_clear();
  assert_int_equal(adex_global_delay_count(), 0);
}

/* Threads register, find and remove their own names concurrently. */
#define THREADS 8
#define PER_THREAD 40

static void *global_worker(void *arg) {
  size_t id = (size_t)(uintptr_t)arg;
  double t[2] = {(double)id, 0};
  for (int k = 0; k < PER_THREAD; k++) {
    char name[32];
    snprintf(name, sizeof name, "t%zu.d%d", id, k);
    adex_delay *d = NULL, *e = NULL;
    if (adex_global_delay_register(name, 2, (size_t)k % 3, t, NULL, &d) !=
            ADEX_OK ||
        adex_global_delay_find(name, &e) != ADEX_OK || d != e)
      return (void *)1;
    if (k % 2 == 1 && adex_global_delay_remove(name) != ADEX_OK)
      return (void *)1;
  }
  return NULL;
}

static void test_global_threads(void **state) {
  (void)state;
  adex_global_delay_clear();
  pthread_t th[THREADS];
  for (size_t i = 0; i < THREADS; i++)
    assert_int_equal(
        pthread_create(&th[i], NULL, global_worker, (void *)(uintptr_t)i), 0);
  for (size_t i = 0; i < THREADS; i++) {
    void *r = NULL;
    pthread_join(th[i], &r);
    assert_null(r);
  }
  assert_int_equal(adex_global_delay_count(), THREADS * PER_THREAD / 2);
  adex_global_delay_clear();
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_history),
      cmocka_unit_test(test_bool_target_and_gather),
      cmocka_unit_test(test_reregister),
      cmocka_unit_test(test_errors),
      cmocka_unit_test(test_allocation),
      cmocka_unit_test(test_global),
      cmocka_unit_test(test_global_threads),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
