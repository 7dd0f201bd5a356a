/* test_property.c - "no input makes V or w non-finite", over the whole
 * range of parameters adex_params_check accepts (docs/semantics.md section 5): random
 * parameter sets (time constants from 1e-3 ms, couplings and resistances
 * over six decades, cut-offs up to 500 slopes above V_T), random starts,
 * inputs up to 1e9 in magnitude, every method, fixed steps (halved until
 * the stability check accepts them) and the adaptive and precise modes.
 * After every step V and w are finite and V is below V_th. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "adex_test.h"

static uint64_t rng_state = 0xadec0ffeeULL;

/* splitmix64 in [0, 1). */
static double u01(void) {
  uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return (double)((z ^ (z >> 31)) >> 11) * 0x1.0p-53;
}
static double unif(double lo, double hi) { return lo + (hi - lo) * u01(); }
static double logu(double lo, double hi) {
  return pow(10.0, unif(log10(lo), log10(hi)));
}
static double sign(void) { return u01() < 0.5 ? -1.0 : 1.0; }

/* A random set over the accepted range. */
static void random_params(adex_params *p) {
  do {
    p->V_rest = unif(-100.0, 0.0);
    p->V_th = unif(-60.0, 50.0);
    p->V_reset = unif(-120.0, p->V_th);
    double u = u01();
    p->delta_T = u < 0.1 ? 0.0 : logu(1e-3, 20.0);
    p->V_T = p->V_th - unif(-10.0, 500.0 * fmax(p->delta_T, 0.01));
    p->a = sign() * logu(1e-3, 1e2);
    p->b = logu(1e-3, 1e4);
    p->tau = logu(1e-3, 1e4);
    p->tau_w = logu(1e-3, 1e4);
    p->R = logu(1e-3, 1e3);
  } while (adex_params_check(p) != ADEX_OK);
}

/* Run one set with one method for n steps; returns the steps taken. */
static int run_one(const adex_params *p, const char *method, bool adaptive,
                   bool precise, int n) {
  adex_pop_config cfg;
  adex_pop_config_default(&cfg, 1);
  cfg.params = *p;
  cfg.method = method;
  cfg.adaptive = adaptive;
  cfg.precise_spikes = precise;
  cfg.tol = 1e-4;
  cfg.V_init = adex_init_constant(unif(-200.0, 100.0));
  cfg.w_init = adex_init_constant(sign() * logu(1e-3, 1e3));
  adex_pop *pop = adex_test_pop(&cfg);
  double dt = u01() < 0.5 ? 0.1 : 0.01, t = 0.0;
  int steps = 0;
  for (int k = 0; k < n; k++) {
    adex_pop_input(pop)[0] = sign() * logu(1e-3, 1e9);
    adex_status st;
    while ((st = adex_pop_update(pop, t, dt)) == ADEX_ERANGE) {
      assert_false(adaptive); /* only fixed steps are checked */
      dt *= 0.5;
      assert_true(dt > 1e-9);
      adex_pop_input(pop)[0] = 1.0;
    }
    assert_ok(st);
    t += dt;
    steps++;
    double V = adex_pop_V(pop)[0], w = adex_pop_w(pop)[0];
    if (!(isfinite(V) && isfinite(w) && V < p->V_th)) {
      print_error("%s%s%s: V = %g, w = %g (tau %g, tau_w %g, a %g, R %g, "
                  "delta_T %g, dt %g)\n",
                  method, adaptive ? " adaptive" : "",
                  precise ? " precise" : "", V, w, p->tau, p->tau_w, p->a, p->R,
                  p->delta_T, dt);
      fail();
    }
  }
  adex_pop_destroy(pop);
  return steps;
}

static void test_finite_everywhere(void **state) {
  (void)state;
  long steps = 0;
  for (int s = 0; s < 200; s++) {
    adex_params p;
    random_params(&p);
    for (size_t m = 0; m < adex_method_count(); m++) {
      const adex_method *meth = adex_method_at(m);
      steps += run_one(&p, adex_method_name(meth), false, s % 4 == 0, 40);
      /* Absurdly stiff sets run the adaptive mode into its sub-step cap
       * (10000 per step): fewer, shorter adaptive runs. */
      if (adex_method_is_embedded(meth) && s % 16 == 0)
        steps += run_one(&p, adex_method_name(meth), true, s % 32 == 0, 8);
    }
  }
  assert_true(steps > 145000);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_finite_everywhere),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
