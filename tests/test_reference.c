/* test_reference.c - the library against reference traces made by an
 * independent numpy implementation of docs/semantics.md sections 3-4
 * (tests/data/make_reference.py; the cases and their arguments are listed
 * in tests/data/reference_cases.json). Traces must agree to a relative
 * error of 1e-9; spikes exactly (same step, same neuron). */
#include <stdlib.h>
#include <string.h>

#include "adex_test.h"

/* A per-neuron linear spread LO..HI, as `adex run --X LO:HI` makes it. */
typedef struct spread {
  adex_param_id id;
  double lo, hi;
} spread;

/* One reference case, restated through the C API. */
typedef struct ref_case {
  const char *name;
  size_t n;
  double duration, dt, V0, w0, I_lo, I_hi;
  adex_params params;
  const spread *spreads;
  size_t n_spreads;
  const size_t *watch;
  size_t n_watch;
} ref_case;

static double lin(double lo, double hi, size_t i, size_t n) {
  return n == 1 ? lo : lo + (hi - lo) * (double)i / (double)(n - 1);
}

/* Open tests/data/<name> (directory from ADEX_TEST_DATA). */
static FILE *open_data(const char *name) {
  const char *dir = getenv("ADEX_TEST_DATA");
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", dir ? dir : "tests/data", name);
  FILE *f = fopen(path, "r");
  if (f == NULL) {
    print_error("cannot open %s\n", path);
    fail();
  }
  return f;
}

/* Run one case, streaming the reference files alongside. */
static void run_case(const ref_case *rc) {
  adex_pop_config cfg;
  adex_pop_config_default(&cfg, rc->n);
  cfg.params = rc->params;
  cfg.V_init = adex_init_constant(rc->V0);
  cfg.w_init = adex_init_constant(rc->w0);
  double values[ADEX_NPARAMS][16];
  adex_init inits[ADEX_NPARAMS];
  for (size_t s = 0; s < rc->n_spreads; s++) {
    adex_param_id id = rc->spreads[s].id;
    for (size_t i = 0; i < rc->n; i++)
      values[id][i] = lin(rc->spreads[s].lo, rc->spreads[s].hi, i, rc->n);
    inits[id] = adex_init_array(values[id], rc->n);
    cfg.param_init[id] = &inits[id];
  }
  adex_pop *pop = adex_test_pop(&cfg);
  char name[128];
  snprintf(name, sizeof name, "ref_%s_trace.csv", rc->name);
  FILE *trace = open_data(name);
  snprintf(name, sizeof name, "ref_%s_spikes.csv", rc->name);
  FILE *spikes = open_data(name);
  char line[256];
  assert_non_null(fgets(line, sizeof line, trace));
  assert_string_equal(line, "t,neuron,V,w\n");
  assert_non_null(fgets(line, sizeof line, spikes));
  assert_string_equal(line, "t,neuron\n");
  long steps = lround(rc->duration / rc->dt), n_spikes = 0, rows = 0;
  for (long k = 0; k < steps; k++) {
    double t = (double)k * rc->dt;
    for (size_t i = 0; i < rc->n; i++)
      adex_pop_input(pop)[i] = lin(rc->I_lo, rc->I_hi, i, rc->n);
    assert_ok(adex_pop_update(pop, t, rc->dt));
    for (size_t i = 0; i < rc->n; i++) {
      if (!adex_pop_spike(pop)[i]) continue;
      double ts;
      unsigned long ni;
      assert_int_equal(fscanf(spikes, "%lf,%lu\n", &ts, &ni), 2);
      assert_true(ts == t);
      assert_int_equal(ni, i);
      assert_true(adex_pop_t_last_spike(pop)[i] == t);
      n_spikes++;
    }
    for (size_t j = 0; j < rc->n_watch; j++) {
      double tr, V, w;
      unsigned long ni;
      assert_int_equal(fscanf(trace, "%lf,%lu,%lf,%lf\n", &tr, &ni, &V, &w), 4);
      assert_int_equal(ni, rc->watch[j]);
      assert_close(tr, (double)(k + 1) * rc->dt, 1e-15, 0);
      assert_close(adex_pop_V(pop)[ni], V, 1e-9, 1e-12);
      assert_close(adex_pop_w(pop)[ni], w, 1e-9, 1e-12);
      rows++;
    }
  }
  assert_int_equal(fgetc(spikes), EOF); /* no reference spike left over */
  assert_int_equal(fgetc(trace), EOF);
  assert_true(n_spikes > 0 && rows == steps * (long)rc->n_watch);
  fclose(trace);
  fclose(spikes);
  adex_pop_destroy(pop);
}

/* Seed parameters every one changed (case `changed`). */
static void test_changed_parameters(void **state) {
  (void)state;
  static const size_t watch[] = {0, 2};
  ref_case rc = {.name = "changed",
                 .n = 3,
                 .duration = 200,
                 .dt = 0.05,
                 .V0 = -70,
                 .w0 = 1,
                 .I_lo = 40,
                 .I_hi = 120,
                 .watch = watch,
                 .n_watch = 2};
  rc.params = (adex_params){.V_rest = -70,
                            .V_reset = -58,
                            .V_th = 0,
                            .V_T = -50,
                            .delta_T = 2,
                            .a = 2,
                            .b = 5,
                            .tau = 20,
                            .tau_w = 100,
                            .R = 0.5};
  run_case(&rc);
}

/* Five parameters per neuron (case `hetero`). */
static void test_heterogeneous_parameters(void **state) {
  (void)state;
  static const size_t watch[] = {0, 2, 4};
  static const spread spreads[] = {{ADEX_P_TAU, 5, 20},
                                   {ADEX_P_A, 0, 4},
                                   {ADEX_P_B, 0.5, 3},
                                   {ADEX_P_DELTA_T, 1, 4},
                                   {ADEX_P_V_T, -60, -55}};
  ref_case rc = {.name = "hetero",
                 .n = 5,
                 .duration = 200,
                 .dt = 0.1,
                 .V0 = -65,
                 .w0 = 0,
                 .I_lo = 10,
                 .I_hi = 40,
                 .spreads = spreads,
                 .n_spreads = 5,
                 .watch = watch,
                 .n_watch = 3};
  adex_params_default(&rc.params);
  run_case(&rc);
}

/* Seed defaults from ZeroInit: everyone spikes in the first step. */
static void test_default_zero_init(void **state) {
  (void)state;
  static const size_t watch[] = {0, 1, 2};
  ref_case rc = {.name = "default_zero",
                 .n = 3,
                 .duration = 50,
                 .dt = 0.1,
                 .watch = watch,
                 .n_watch = 3};
  adex_params_default(&rc.params);
  run_case(&rc);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_changed_parameters),
      cmocka_unit_test(test_heterogeneous_parameters),
      cmocka_unit_test(test_default_zero_init),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
