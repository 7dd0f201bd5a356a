/* test_patterns.c - the eight firing patterns of Naud, Marcille, Clopath &
 * Gerstner (2008), Biol. Cybern. 99:335, Table 1 (docs/semantics.md section 8), each
 * recognised from its interspike intervals (ISIs) over 500 ms of constant
 * input. Parameters are given in NEST's conductance form and mapped to
 * BrainPy's with docs/semantics.md section 1: tau = C/gL, R = 1/gL, V_rest = EL,
 * V_T = VT, V_th = V_peak = 0 mV. Each pattern is checked with two
 * integrators: rkf45 (adaptive, precise spike times) and rk4 (dt 0.01). */
#include <stdlib.h>
#include <string.h>

#include "adex_test.h"

/* C pF, gL nS, EL mV, VT mV, DeltaT mV, a nS, tau_w ms, b pA, Vr mV, I pA */
typedef struct naud {
  const char *name;
  double C, gL, EL, VT, DeltaT, a, tau_w, b, Vr, I;
} naud;

static const naud patterns[8] = {
    {"tonic", 200, 10, -70, -50, 2, 2, 30, 0, -58, 500},
    {"adapting", 200, 12, -70, -50, 2, 2, 300, 60, -58, 500},
    {"initial burst", 130, 18, -58, -50, 2, 4, 150, 120, -50, 400},
    {"regular bursting", 200, 10, -58, -50, 2, 2, 120, 100, -46, 210},
    {"delayed accelerating", 200, 12, -70, -50, 2, -10, 300, 0, -58, 300},
    {"delayed regular bursting", 100, 10, -65, -50, 2, -10, 90, 30, -47, 110},
    {"transient spiking", 100, 10, -65, -50, 2, 10, 90, 100, -47, 180},
    {"irregular", 100, 12, -60, -50, 2, -11, 130, 30, -48, 160},
};

enum { MAX_SPIKES = 400 };

/* Spike times of a pattern over T ms, from rest (V = EL, w = 0); the
 * largest |w| seen into *w_max and the final w into *w_end when given. */
static int simulate_ex(const naud *q, const char *method, bool adaptive,
                       bool precise, double dt, double T, double *times,
                       double *w_max, double *w_end) {
  adex_pop_config cfg;
  adex_pop_config_default(&cfg, 1);
  cfg.params = (adex_params){.V_rest = q->EL,
                             .V_reset = q->Vr,
                             .V_th = 0.0,
                             .V_T = q->VT,
                             .delta_T = q->DeltaT,
                             .a = q->a,
                             .b = q->b,
                             .tau = q->C / q->gL,
                             .tau_w = q->tau_w,
                             .R = 1.0 / q->gL};
  cfg.V_init = adex_init_constant(q->EL);
  cfg.method = method;
  cfg.adaptive = adaptive;
  cfg.tol = 1e-8;
  cfg.precise_spikes = precise;
  adex_pop *pop = adex_test_pop(&cfg);
  int n = 0;
  double wm = 0.0;
  long steps = lround(T / dt);
  for (long k = 0; k < steps; k++) {
    adex_pop_input(pop)[0] = q->I;
    assert_ok(adex_pop_update(pop, (double)k * dt, dt));
    const adex_spike_event *ev;
    size_t ne;
    assert_ok(adex_pop_spike_events(pop, &ev, &ne));
    for (size_t j = 0; j < ne && n < MAX_SPIKES; j++) times[n++] = ev[j].t;
    wm = fmax(wm, fabs(adex_pop_w(pop)[0]));
  }
  if (w_max != NULL) *w_max = wm;
  if (w_end != NULL) *w_end = adex_pop_w(pop)[0];
  adex_pop_destroy(pop);
  return n;
}

static int simulate(const naud *q, const char *method, bool adaptive, double dt,
                    double T, double *times) {
  return simulate_ex(q, method, adaptive, true, dt, T, times, NULL, NULL);
}

/* Coefficient of variation of isi[lo..hi). */
static double cv(const double *isi, int lo, int hi) {
  double m = 0, v = 0;
  for (int j = lo; j < hi; j++) m += isi[j] / (hi - lo);
  for (int j = lo; j < hi; j++) v += (isi[j] - m) * (isi[j] - m) / (hi - lo);
  return sqrt(v) / m;
}

/* Check one pattern's ISIs; the criteria are the patterns' definitions in
 * Naud et al. 2008 (Fig. 4) and Gerstner et al., "Neuronal Dynamics",
 * ch. 6.1, written as inequalities with wide margins. */
static void check_pattern(int k, const double *t, int n) {
  double isi[MAX_SPIKES];
  for (int j = 0; j + 1 < n; j++) isi[j] = t[j + 1] - t[j];
  int m = n - 1; /* number of ISIs */
  switch (k) {
  case 0: /* tonic: regular firing from the start, no adaptation to speak of */
    assert_true(n >= 30);
    assert_true(cv(isi, 3, m) < 0.05);
    assert_true(isi[m - 1] < 1.2 * isi[0]);
    break;
  case 1: /* adapting: ISIs lengthen monotonically, several-fold */
    assert_true(n >= 5);
    for (int j = 0; j + 1 < 5; j++) assert_true(isi[j + 1] > isi[j]);
    assert_true(isi[m - 1] > 3.0 * isi[0]);
    break;
  case 2: /* initial burst: 2-3 short ISIs, then regular long ones */
    assert_true(n >= 6);
    assert_true(isi[0] < 10.0 && isi[m - 1] > 4.0 * isi[0]);
    assert_true(cv(isi, m - 4, m) < 0.05); /* then tonic */
    break;
  case 3: /* regular bursting: bimodal ISIs, short within bursts and long
           * between, the long ones repeating */
  case 5: /* delayed regular bursting: the same after a long latency */
  {
    int shorts = 0, longs = 0;
    for (int j = 0; j < m; j++) {
      if (isi[j] < 10.0)
        shorts++;
      else if (isi[j] > 40.0)
        longs++;
    }
    assert_true(shorts >= 4 && longs >= 2 && shorts + longs == m);
    if (k == 5) assert_true(t[0] > 40.0); /* delayed onset */
    break;
  }
  case 4: /* delayed accelerating: late first spike, ISIs shorten */
    assert_true(n >= 10);
    assert_true(t[0] > isi[0]);
    for (int j = 0; j + 1 < m; j++) assert_true(isi[j + 1] <= isi[j] + 1e-9);
    assert_true(isi[m - 1] < 0.75 * isi[0]);
    break;
  case 6: /* transient spiking: a few spikes at onset, then silence */
    assert_true(n >= 1 && n <= 4);
    assert_true(t[n - 1] < 100.0);
    break;
  case 7: /* irregular: no regular rhythm, widely scattered ISIs */
    assert_true(n >= 15);
    assert_true(cv(isi, 3, m) > 0.3);
    break;
  }
}

static void test_patterns(void **state) {
  (void)state;
  double t[MAX_SPIKES];
  for (int k = 0; k < 8; k++) {
    int n = simulate(&patterns[k], "rkf45", true, 0.1, 500.0, t);
    if (getenv("ADEX_TEST_VERBOSE")) {
      printf("%-25s %3d spikes, first at %.1f ms, ISIs:", patterns[k].name, n,
             n ? t[0] : 0.0);
      for (int j = 0; j + 1 < n && j < 12; j++)
        printf(" %.1f", t[j + 1] - t[j]);
      printf("\n");
    }
    check_pattern(k, t, n);
    n = simulate(&patterns[k], "rk4", false, 0.01, 500.0, t);
    check_pattern(k, t, n);
  }
}

/* Every method at a fixed dt of 0.01 ms, on the plain step and with
 * precise spike times: each pattern as the adaptive rkf45 solution has it,
 * the same number of spikes (the irregular one, chaotic, within 2), w on
 * the solution's scale throughout and at the end within the methods'
 * accuracy, and the spike times too. The step in which V runs up to the cut-off (0 mV, 25 delta_T
 * above V_T: slopes near 1e10 mV/ms) takes stage values from the steep
 * exponential; a tableau with negative coefficients (rkf45, rkdp, ck)
 * must still end it as one spike. */
static void test_patterns_every_method(void **state) {
  (void)state;
  static double t_ref[8][MAX_SPIKES], w_ref[8], wmax_ref[8];
  static int n_ref[8];
  double t[MAX_SPIKES];
  for (int k = 0; k < 8; k++)
    n_ref[k] = simulate_ex(&patterns[k], "rkf45", true, true, 0.1, 500.0,
                           t_ref[k], &wmax_ref[k], &w_ref[k]);
  for (size_t m = 0; m < adex_method_count(); m++) {
    const char *name = adex_method_name(adex_method_at(m));
    for (int precise = 0; precise < 2; precise++) {
      for (int k = 0; k < 8; k++) {
        double w_max, w_end;
        int n = simulate_ex(&patterns[k], name, false, precise, 0.01, 500.0, t,
                            &w_max, &w_end);
        double dt_max = 0.0; /* largest spike-time error, matched in order */
        for (int j = 0; j < n && j < n_ref[k]; j++)
          dt_max = fmax(dt_max, fabs(t[j] - t_ref[k][j]));
        if (getenv("ADEX_TEST_VERBOSE"))
          printf("%-11s %d %-25s %3d spikes (adaptive %3d), w max %.4g, "
                 "end %.4g (%.4g), spike times off by %.3g ms at most\n",
                 name, precise, patterns[k].name, n, n_ref[k], w_max, w_end,
                 w_ref[k], dt_max);
        check_pattern(k, t, n);
        if (k == 7) {
          assert_in_range(n, n_ref[k] - 2, n_ref[k] + 2);
        } else {
          assert_int_equal(n, n_ref[k]);
          assert_close(w_end, w_ref[k], 0.02, 5.0);
          /* first-order spike times, drifting over 50 spikes: euler's
           * worst is 2.4 ms, the 3rd to 5th-order methods' 0.75 */
          assert_true(dt_max < 2.5);
        }
        assert_true(w_max < 1.5 * wmax_ref[k] + 10.0);
        if (n > 0) assert_close(t[0], t_ref[k][0], 0, 0.1);
      }
    }
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_patterns),
      cmocka_unit_test(test_patterns_every_method),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
