/* test_names.c - object names (automatic per class, user names validated
 * and unique, released on destroy, safe across threads) and the variable
 * table of a population (BrainPy's vars()). */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "adex_test.h"
#include "names.h"

static adex_pop *named_pop(const char *name, size_t n) {
  adex_pop_config cfg;
  adex_pop_config_default(&cfg, n);
  cfg.name = name;
  return adex_test_pop(&cfg);
}

/* Automatic names count up per class; the integrator is named too. */
static void test_automatic_names(void **state) {
  (void)state;
  adex_pop *a = named_pop(NULL, 1), *b = named_pop(NULL, 1);
  unsigned long ka, kb;
  assert_int_equal(sscanf(adex_pop_name(a), "AdExIF%lu", &ka), 1);
  assert_int_equal(sscanf(adex_pop_name(b), "AdExIF%lu", &kb), 1);
  assert_true(kb > ka);
  assert_true(adex_name_in_use(adex_pop_name(a)));
  assert_int_equal(strncmp(adex_pop_integrator_name(a), "ODEIntegrator", 13),
                   0);
  assert_string_not_equal(adex_pop_integrator_name(a),
                          adex_pop_integrator_name(b));
  char name_a[ADEX_NAME_MAX];
  snprintf(name_a, sizeof name_a, "%s", adex_pop_name(a));
  adex_pop_destroy(a);
  assert_false(adex_name_in_use(name_a));
  adex_pop_destroy(b);
}

/* A user name is used as given, must be an identifier, must be unique
 * among live objects, and is free again after destroy. */
static void test_user_names(void **state) {
  (void)state;
  adex_pop *e = named_pop("exc", 2);
  assert_string_equal(adex_pop_name(e), "exc");
  adex_pop_config cfg;
  adex_pop_config_default(&cfg, 2);
  adex_pop *dup = NULL;
  cfg.name = "exc";
  assert_status(adex_pop_create(&cfg, &dup), ADEX_EINVAL);
  assert_non_null(strstr(adex_errmsg(), "already used"));
  char too_long[ADEX_NAME_MAX + 1];
  memset(too_long, 'x', ADEX_NAME_MAX);
  too_long[ADEX_NAME_MAX] = '\0';
  const char *const bad[] = {"", "1abc", "a-b", "a.b", "sp ace", too_long};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    cfg.name = bad[i];
    assert_status(adex_pop_create(&cfg, &dup), ADEX_EINVAL);
    assert_non_null(strstr(adex_errmsg(), "not a valid identifier"));
    assert_null(dup);
  }
  assert_true(adex_name_is_valid("_x9"));
  adex_pop_destroy(e);
  e = named_pop("exc", 2); /* released, so available again */
  adex_pop_destroy(e);
}

/* An automatic name skips one a user took. */
static void test_automatic_skips_taken(void **state) {
  (void)state;
  adex_pop *probe = named_pop(NULL, 1);
  unsigned long k;
  assert_int_equal(sscanf(adex_pop_name(probe), "AdExIF%lu", &k), 1);
  char next[ADEX_NAME_MAX];
  snprintf(next, sizeof next, "AdExIF%lu", k + 1);
  adex_pop *user = named_pop(next, 1);
  adex_pop *autop = named_pop(NULL, 1);
  assert_string_not_equal(adex_pop_name(autop), next);
  adex_pop_destroy(autop);
  adex_pop_destroy(user);
  adex_pop_destroy(probe);
}

/* Threads creating and destroying at once never get the same name. */
enum { THREADS = 4, PER_THREAD = 200 };
static char seen[THREADS][PER_THREAD][ADEX_NAME_MAX];

static void *worker(void *arg) {
  size_t t = (size_t)arg;
  adex_pop *held[PER_THREAD];
  for (int i = 0; i < PER_THREAD; i++) {
    adex_pop_config cfg;
    adex_pop_config_default(&cfg, 1);
    if (adex_pop_create(&cfg, &held[i]) != ADEX_OK) return (void *)1;
    snprintf(seen[t][i], ADEX_NAME_MAX, "%s", adex_pop_name(held[i]));
  }
  for (int i = 0; i < PER_THREAD; i++) adex_pop_destroy(held[i]);
  return NULL;
}

static void test_threads(void **state) {
  (void)state;
  pthread_t th[THREADS];
  for (size_t t = 0; t < THREADS; t++)
    assert_int_equal(pthread_create(&th[t], NULL, worker, (void *)t), 0);
  for (size_t t = 0; t < THREADS; t++) {
    void *ret;
    pthread_join(th[t], &ret);
    assert_null(ret);
  }
  /* All names held at the same time were distinct: check every pair. */
  for (int a = 0; a < THREADS * PER_THREAD; a++)
    for (int b = a + 1; b < THREADS * PER_THREAD; b++)
      assert_true(strcmp(seen[a / PER_THREAD][a % PER_THREAD],
                         seen[b / PER_THREAD][b % PER_THREAD]) != 0);
}

/* Seconds since an arbitrary start. */
static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Many live names: claimed (user and automatic names mixed), looked up
 * and released in the order they were claimed, then again in a shuffled
 * order. Each costs O(log n), so 2 x 100000 names take well under a
 * second; a registry that scans every live name per call needs minutes,
 * and the test stops it at a generous time limit. */
enum { MANY = 100000 };
#define MANY_LIMIT_S 20.0

static void test_many_names(void **state) {
  (void)state;
  adex__named *recs = calloc(MANY, sizeof *recs), extra;
  size_t *order = malloc(MANY * sizeof *order);
  uint64_t rng = 12345;
  double t0 = now_s();
  assert_non_null(recs);
  assert_non_null(order);
  for (int round = 0; round < 2; round++) {
    for (size_t i = 0; i < MANY; i++) {
      char user[32];
      snprintf(user, sizeof user, "many_%zu", i);
      assert_ok(
          adex__name_claim(&recs[i], "ManyProbe", i % 2 == 0 ? user : NULL));
      if (i % 1024 == 0) assert_true(now_s() - t0 < MANY_LIMIT_S);
    }
    assert_status(adex__name_claim(&extra, "ManyProbe", "many_0"), ADEX_EINVAL);
    assert_status(adex__name_claim(&extra, "ManyProbe", "many_99998"),
                  ADEX_EINVAL);
    assert_ok(adex__name_claim(&extra, "ManyProbe", "many_1"));
    adex__name_release(&extra);
    for (size_t i = 0; i < MANY; i++) order[i] = i;
    if (round == 1) {
      for (size_t i = MANY - 1; i > 0; i--) {
        size_t j, tmp;
        rng = rng * 6364136223846793005u + 1442695040888963407u;
        j = (size_t)(rng >> 33) % (i + 1);
        tmp = order[i];
        order[i] = order[j];
        order[j] = tmp;
      }
    }
    for (size_t k = 0; k < MANY; k++) {
      adex__named *r = &recs[order[k]];
      char name[ADEX_NAME_MAX];
      assert_true(adex_name_in_use(r->name));
      snprintf(name, sizeof name, "%s", r->name);
      adex__name_release(r);
      assert_false(adex_name_in_use(name));
      if (k + 1 < MANY) assert_true(adex_name_in_use(recs[order[k + 1]].name));
      if (k % 1024 == 0) assert_true(now_s() - t0 < MANY_LIMIT_S);
    }
  }
  free(order);
  free(recs);
}

/* vars(): the built-in variables in order, with dtype, shape and the same
 * pointers as the accessors; lookup by relative and absolute name. */
static void test_variable_table(void **state) {
  (void)state;
  adex_pop_config cfg;
  adex_pop_config_default(&cfg, 6);
  cfg.ndim = 2;
  cfg.shape[0] = 2;
  cfg.shape[1] = 3;
  cfg.keep_size = true;
  cfg.name = "grid";
  adex_pop *pop = adex_test_pop(&cfg);
  static const char *const names[] = {"V",     "w",          "input",
                                      "spike", "refractory", "t_last_spike"};
  assert_int_equal(adex_pop_var_count(pop), 6);
  for (size_t i = 0; i < 6; i++) {
    adex_var v;
    assert_ok(adex_pop_var_at(pop, i, &v));
    assert_string_equal(v.name, names[i]);
    assert_int_equal(v.ndim, 2);
    assert_true(v.shape[0] == 2 && v.shape[1] == 3);
  }
  adex_var v;
  assert_ok(adex_pop_var_find(pop, "grid.t_last_spike", &v));
  assert_ptr_equal(v.data, adex_pop_t_last_spike(pop));
  assert_int_equal(v.dtype, ADEX_DTYPE_F64);
  assert_ok(adex_pop_var_find(pop, "spike", &v));
  assert_ptr_equal(v.data, adex_pop_spike(pop));
  assert_int_equal(v.dtype, ADEX_DTYPE_BOOL);
  assert_string_equal(adex_dtype_name(v.dtype), "bool");
  assert_status(adex_pop_var_find(pop, "other.V", &v), ADEX_EKEY);
  assert_status(adex_pop_var_find(pop, "U", &v), ADEX_EKEY);
  assert_non_null(strstr(adex_pop_errmsg(pop), "t_last_spike"));
  assert_status(adex_pop_var_at(pop, 6, &v), ADEX_EKEY);
  adex_pop_destroy(pop);
}

/* Registered variables join the table; bad registrations are refused. */
static void test_register_var(void **state) {
  (void)state;
  adex_pop *pop = named_pop("reg", 4);
  double g[4] = {1, 2, 3, 4};
  assert_ok(adex_pop_register_var(pop, "g_exc", ADEX_DTYPE_F64, g));
  assert_int_equal(adex_pop_var_count(pop), 7);
  adex_var v;
  assert_ok(adex_pop_var_find(pop, "reg.g_exc", &v));
  assert_ptr_equal(v.data, g);
  assert_status(adex_pop_register_var(pop, "g_exc", ADEX_DTYPE_F64, g),
                ADEX_EINVAL);
  assert_status(adex_pop_register_var(pop, "V", ADEX_DTYPE_F64, g),
                ADEX_EINVAL);
  assert_status(adex_pop_register_var(pop, "9x", ADEX_DTYPE_F64, g),
                ADEX_EINVAL);
  assert_status(adex_pop_register_var(pop, "h", ADEX_DTYPE_F64, NULL),
                ADEX_EINVAL);
  assert_status(adex_pop_register_var(pop, "h", (adex_dtype)9, g), ADEX_EINVAL);
  for (int i = 1; i < ADEX_MAX_EXTRA_VARS; i++) {
    char name[16];
    snprintf(name, sizeof name, "x%d", i);
    assert_ok(adex_pop_register_var(pop, name, ADEX_DTYPE_F64, g));
  }
  assert_status(adex_pop_register_var(pop, "one_more", ADEX_DTYPE_F64, g),
                ADEX_ESIZE);
  adex_pop_destroy(pop);
}

/* adex_pop_check_values: the one rule for values written into the
 * state, with the variable and the first bad element in the message. */
static void test_check_values(void **state) {
  (void)state;
  adex_pop *pop = named_pop("chk", 3);
  double g[3] = {0};
  assert_ok(adex_pop_register_var(pop, "g", ADEX_DTYPE_F64, g));
  const double ok[3] = {-65.0, 1e12, -1e12};
  assert_ok(adex_pop_check_values(pop, "V", ok, 3, NULL));
  assert_ok(adex_pop_check_values(pop, "chk.w", ok, 3, NULL));
  assert_ok(adex_pop_check_values(pop, "V", NULL, 0, NULL));
  const double big[3] = {0.0, 1e200, 0.0};
  assert_ok(adex_pop_check_values(pop, "input", big, 3, NULL));
  assert_ok(adex_pop_check_values(pop, "t_last_spike", big, 3, NULL));
  size_t at = 99;
  assert_status(adex_pop_check_values(pop, "w", big, 3, &at), ADEX_ERANGE);
  assert_int_equal(at, 1);
  assert_string_equal(adex_pop_errmsg(pop),
                      "w: element 1 is 1e+200, outside +-1e+12");
  const double over[3] = {-65.0, -65.0, 1.0000001e12};
  assert_status(adex_pop_check_values(pop, "V", over, 3, &at), ADEX_ERANGE);
  assert_int_equal(at, 2);
  assert_string_equal(adex_errmsg(),
                      "V: element 2 is 1.0000001e+12, outside +-1e+12");
  const double bad[3] = {0.0, NAN, INFINITY};
  static const char *const real[] = {"V", "w", "input", "t_last_spike"};
  for (size_t k = 0; k < 4; k++) {
    assert_status(adex_pop_check_values(pop, real[k], bad, 3, NULL),
                  ADEX_ERANGE);
    char want[128];
    snprintf(want, sizeof want,
             "%s: element 1 is nan; values must be "
             "finite",
             real[k]);
    assert_string_equal(adex_errmsg(), want);
  }
  assert_ok(adex_pop_check_values(pop, "g", bad, 3, NULL)); /* anything */
  const double bits[3] = {0.0, 1.0, 2.0};
  assert_ok(adex_pop_check_values(pop, "spike", bits, 2, NULL));
  assert_status(adex_pop_check_values(pop, "refractory", bits, 3, NULL),
                ADEX_ERANGE);
  assert_string_equal(adex_errmsg(), "refractory: element 2 is 2; a bool "
                                     "variable takes 0 or 1");
  assert_status(adex_pop_check_values(pop, "u", ok, 3, NULL), ADEX_EKEY);
  assert_status(adex_pop_check_values(pop, "V", NULL, 3, NULL), ADEX_EINVAL);
  assert_status(adex_pop_check_values(NULL, "V", ok, 3, NULL), ADEX_EINVAL);
  adex_pop_destroy(pop);
  /* float32 state: within the float range */
  adex_pop_config cfg;
  adex_pop_config_default(&cfg, 3);
  cfg.dtype = ADEX_DTYPE_F32;
  pop = adex_test_pop(&cfg);
  const double wide[3] = {0.0, 0.0, 1e39};
  assert_status(adex_pop_check_values(pop, "input", wide, 3, NULL),
                ADEX_ERANGE);
  assert_non_null(strstr(adex_errmsg(), "input: element 2 is 1e+39, "
                                        "outside +-3.40282e+38"));
  adex_pop_destroy(pop);
}

/* nodes(): the population, its integrator, then registered children. */
static void test_nodes(void **state) {
  (void)state;
  adex_pop *pop = named_pop("net", 2);
  assert_int_equal(adex_pop_node_count(pop), 2);
  assert_string_equal(adex_pop_node_at(pop, 0), "net");
  assert_string_equal(adex_pop_node_at(pop, 1), adex_pop_integrator_name(pop));
  assert_ok(adex_pop_register_node(pop, "syn"));
  assert_int_equal(adex_pop_node_count(pop), 3);
  assert_string_equal(adex_pop_node_at(pop, 2), "syn");
  assert_null(adex_pop_node_at(pop, 3));
  assert_status(adex_pop_register_node(pop, "syn"), ADEX_EINVAL);
  assert_non_null(strstr(adex_pop_errmsg(pop), "already a node"));
  assert_status(adex_pop_register_node(pop, "net"), ADEX_EINVAL);
  assert_status(adex_pop_register_node(pop, "1x"), ADEX_EINVAL);
  assert_status(adex_pop_register_node(pop, NULL), ADEX_EINVAL);
  for (int i = 1; i < ADEX_MAX_EXTRA_NODES; i++) {
    char name[16];
    snprintf(name, sizeof name, "n%d", i);
    assert_ok(adex_pop_register_node(pop, name));
  }
  assert_status(adex_pop_register_node(pop, "last"), ADEX_ESIZE);
  adex_pop_destroy(pop);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_automatic_names),
      cmocka_unit_test(test_user_names),
      cmocka_unit_test(test_automatic_skips_taken),
      cmocka_unit_test(test_threads),
      cmocka_unit_test(test_many_names),
      cmocka_unit_test(test_variable_table),
      cmocka_unit_test(test_register_var),
      cmocka_unit_test(test_check_values),
      cmocka_unit_test(test_nodes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
