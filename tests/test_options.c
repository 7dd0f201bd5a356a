/* test_options.c - what adex does beyond BrainPy (docs/semantics.md section 5), each
 * against an independent expectation: adaptive steps meet their tolerance
 * on a known solution; precise spike times match NEST's high-precision
 * reference and an independent high-resolution solution; the refractory
 * period, noise, soft reset, several spikes in one step; the stability
 * check of fixed steps; and the general path giving the fused path's bits
 * when its options do nothing. */
#include <stdlib.h>
#include <string.h>

#include "adex_test.h"
#include "pop_internal.h"

/* ------------------------------------------------------------------ */
/* The NEST reference case (docs/semantics.md section 8) in BrainPy units: tau = C/gL,
 * R = 1/gL, V_rest = EL, V_T = VT, V_th = V_peak. */
static adex_params nest_params(void) {
  return (adex_params){.V_rest = -70,
                       .V_reset = -58,
                       .V_th = 0,
                       .V_T = -50,
                       .delta_T = 2,
                       .a = 3,
                       .b = 0,
                       .tau = 200.0 / 11,
                       .tau_w = 300,
                       .R = 1.0 / 11};
}
static const double nest_I = 420.0;
static const double nest_times[7] = {18.7153, 30.5606, 42.4952, 54.5175,
                                     66.6260, 78.8193, 91.0957};

/* Right-hand side with NEST's guard V -> min(V, V_th). */
static void nest_rhs(const adex_params *p, double V, double w, double I,
                     double *dV, double *dw) {
  double Vg = fmin(V, p->V_th);
  *dV = (-(Vg - p->V_rest) + p->delta_T * exp((Vg - p->V_T) / p->delta_T) -
         p->R * w + p->R * I) /
        p->tau;
  *dw = (p->a * (Vg - p->V_rest) - w) / p->tau_w;
}

/* Independent high-resolution solution: classic RK4 with h = 1e-4 ms; a
 * crossing is placed by linear interpolation inside its step (error below
 * h), then the neuron restarts from (V_reset, w + b) at that time. */
static int reference_spikes(const adex_params *p, double I, double V0,
                            double w0, double T, double *times, int max) {
  const double h0 = 1e-4;
  double V = V0, w = w0, t = 0.0;
  int n = 0;
  while (t < T && n < max) {
    double h = h0, a1, b1, a2, b2, a3, b3, a4, b4;
    nest_rhs(p, V, w, I, &a1, &b1);
    nest_rhs(p, V + h / 2 * a1, w + h / 2 * b1, I, &a2, &b2);
    nest_rhs(p, V + h / 2 * a2, w + h / 2 * b2, I, &a3, &b3);
    nest_rhs(p, V + h * a3, w + h * b3, I, &a4, &b4);
    double V1 = V + h / 6 * (a1 + 2 * a2 + 2 * a3 + a4);
    double w1 = w + h / 6 * (b1 + 2 * b2 + 2 * b3 + b4);
    if (V1 >= p->V_th) {
      double theta = (p->V_th - V) / (V1 - V);
      times[n++] = t + theta * h;
      t += theta * h;
      V = p->V_reset;
      w = w + theta * (w1 - w) + p->b;
    } else {
      V = V1;
      w = w1;
      t += h;
    }
  }
  return n;
}

/* Spike times of one neuron in a run of `steps` steps of dt. */
static int run_spikes(adex_pop *pop, double I, double dt, long steps,
                      double *times, int max) {
  int n = 0;
  for (long k = 0; k < steps; k++) {
    adex_pop_input(pop)[0] = I;
    assert_ok(adex_pop_update(pop, (double)k * dt, dt));
    const adex_spike_event *ev;
    size_t ne;
    assert_ok(adex_pop_spike_events(pop, &ev, &ne));
    for (size_t j = 0; j < ne && n < max; j++) times[n++] = ev[j].t;
  }
  return n;
}

/* NEST's case with precise adaptive steps: every spike within 0.01 ms of
 * NEST's LSODAR times and within 1e-3 ms of the independent solution. */
static void test_nest_reference_precise(void **state) {
  (void)state;
  adex_params p = nest_params();
  double ref[16];
  int n_ref = reference_spikes(&p, nest_I, -70.0, 5.0, 100.0, ref, 16);
  assert_int_equal(n_ref, 7);
  for (int j = 0; j < 7; j++) assert_close(ref[j], nest_times[j], 0, 0.01);
  static const char *const methods[] = {"rkf45", "rkdp", "ck", "bs"};
  for (int m = 0; m < 4; m++) {
    adex_pop_config cfg;
    adex_pop_config_default(&cfg, 1);
    cfg.params = p;
    cfg.V_init = adex_init_constant(-70.0);
    cfg.w_init = adex_init_constant(5.0);
    cfg.method = methods[m];
    cfg.adaptive = true;
    cfg.tol = 1e-9;
    cfg.precise_spikes = true;
    adex_pop *pop = adex_test_pop(&cfg);
    double got[16];
    int n = run_spikes(pop, nest_I, 0.1, 1000, got, 16);
    assert_int_equal(n, 7);
    for (int j = 0; j < 7; j++) {
      assert_close(got[j], nest_times[j], 0, 0.01);
      assert_close(got[j], ref[j], 0, 1e-3);
    }
    assert_true(adex_pop_t_last_spike(pop)[0] == got[6]);
    adex_pop_destroy(pop);
  }
}

/* Without precise times a spike is stamped with its step's start. */
static void test_grid_times_without_precise(void **state) {
  (void)state;
  adex_pop_config cfg;
  adex_pop_config_default(&cfg, 1);
  cfg.params = nest_params();
  cfg.V_init = adex_init_constant(-70.0);
  cfg.w_init = adex_init_constant(5.0);
  cfg.method = "rkf45";
  cfg.adaptive = true;
  cfg.tol = 1e-9;
  adex_pop *pop = adex_test_pop(&cfg);
  double got[16], ref[16];
  adex_params p = nest_params();
  assert_int_equal(reference_spikes(&p, nest_I, -70.0, 5.0, 100.0, ref, 16), 7);
  int n = run_spikes(pop, nest_I, 0.1, 1000, got, 16);
  assert_int_equal(n, 7);
  for (int j = 0; j < 7; j++) {
    double k = got[j] / 0.1;
    assert_close(k, round(k), 0, 1e-9); /* on the grid: the step's start */
    assert_true(got[j] <= ref[j] + 1e-6 && got[j] > ref[j] - 0.1 - 1e-6);
  }
  adex_pop_destroy(pop);
}

/* ------------------------------------------------------------------ */
/* Adaptive steps meet the tolerance on a known solution. tol bounds the
 * local error of each sub-step (absolute + relative, as GSL and NEST); for
 * the pairs whose estimate is of order >= 2 the global error stays within
 * 10 tol, for the 1st-order pairs (rkf12, heun_euler) it grows with the
 * number of sub-steps, to at most 1000 tol here (measured 1-300 tol).
 * delta_T = 0,
 * a = 0, so w = w0 exp(-t/tau_w) and
 *   V = V_inf + K exp(-t/tau_w) + (V0 - V_inf - K) exp(-t/tau),
 *   V_inf = V_rest + R I,  K = -R w0 tau_w/(tau_w - tau). */
static void test_adaptive_meets_tolerance(void **state) {
  (void)state;
  static const char *const methods[] = {"rkf12", "rkf45", "rkdp",
                                        "ck",    "bs",    "heun_euler"};
  const double tau = 1, tau_w = 30, R = 2, I = 5, V0 = -75, w0 = 4;
  const double V_inf = -65 + R * I, K = -R * w0 * tau_w / (tau_w - tau);
  for (int m = 0; m < 6; m++) {
    double prev_err = INFINITY;
    for (double tol = 1e-4; tol >= 1e-8; tol /= 100) {
      adex_pop_config cfg;
      adex_pop_config_default(&cfg, 1);
      cfg.params.delta_T = 0;
      cfg.params.a = 0;
      cfg.params.R = R;
      cfg.params.V_th = 100;
      cfg.params.tau = tau;
      cfg.V_init = adex_init_constant(V0);
      cfg.w_init = adex_init_constant(w0);
      cfg.method = methods[m];
      cfg.adaptive = true;
      cfg.tol = tol;
      adex_pop *pop = adex_test_pop(&cfg);
      double max_err = 0;
      const double dt = 5.0; /* large steps: the sub-steps do the work */
      for (int k = 0; k < 20; k++) {
        adex_pop_input(pop)[0] = I;
        assert_ok(adex_pop_update(pop, k * dt, dt));
        double t = (k + 1) * dt;
        double V =
            V_inf + K * exp(-t / tau_w) + (V0 - V_inf - K) * exp(-t / tau);
        double w = w0 * exp(-t / tau_w);
        double e = fmax(fabs(adex_pop_V(pop)[0] - V) / (1 + fabs(V)),
                        fabs(adex_pop_w(pop)[0] - w) / (1 + fabs(w)));
        max_err = fmax(max_err, e);
      }
      if (getenv("ADEX_TEST_VERBOSE"))
        printf("%-10s tol %g: max relative error %.3g\n", methods[m], tol,
               max_err);
      const adex_method *meth = NULL;
      assert_ok(adex_method_find(methods[m], &meth));
      double bound = strcmp(methods[m], "rkf12") == 0 ||
                             strcmp(methods[m], "heun_euler") == 0
                         ? 1000 * tol
                         : 10 * tol;
      if (max_err > bound) {
        print_error("%s tol %g: max relative error %g\n", methods[m], tol,
                    max_err);
        fail();
      }
      assert_true(max_err <= prev_err); /* tighter tol, no larger error */
      prev_err = max_err;
      adex_pop_destroy(pop);
    }
  }
}

/* adaptive needs an embedded pair; bad option values are refused. */
static void test_option_errors(void **state) {
  (void)state;
  adex_pop_config cfg;
  adex_pop *pop = NULL;
  adex_pop_config_default(&cfg, 1);
  cfg.method = "rk4";
  cfg.adaptive = true;
  assert_status(adex_pop_create(&cfg, &pop), ADEX_EINVAL);
  assert_non_null(strstr(adex_errmsg(), "adaptive needs an embedded method"));
  adex_pop_config_default(&cfg, 1);
  cfg.tol = 0;
  assert_status(adex_pop_create(&cfg, &pop), ADEX_EINVAL);
  assert_non_null(strstr(adex_errmsg(), "tol must be > 0"));
  adex_pop_config_default(&cfg, 1);
  cfg.tau_ref = -1;
  assert_status(adex_pop_create(&cfg, &pop), ADEX_EINVAL);
  assert_non_null(strstr(adex_errmsg(), "tau_ref must be >= 0"));
  adex_pop_config_default(&cfg, 1);
  cfg.noise = NAN;
  assert_status(adex_pop_create(&cfg, &pop), ADEX_EINVAL);
  assert_non_null(strstr(adex_errmsg(), "noise must be >= 0"));
  adex_pop_config_default(&cfg, 1);
  cfg.spk_reset = (adex_spk_reset)5;
  assert_status(adex_pop_create(&cfg, &pop), ADEX_EINVAL);
  assert_non_null(strstr(adex_errmsg(), "spk_reset"));
  assert_null(pop);
}

/* ------------------------------------------------------------------ */
/* Refractory period (BrainPy 2.2.3): while t - t_last_spike <= tau_ref, V
 * stays at its value (V_reset after the spike) and w keeps integrating. */
static void test_refractory(void **state) {
  (void)state;
  adex_pop_config cfg;
  adex_pop_config_default(&cfg, 2);
  cfg.V_init = adex_init_constant(-65.0);
  cfg.tau_ref = 2.0;
  adex_pop *pop = adex_test_pop(&cfg);
  adex_pop_config_default(&cfg, 1);
  cfg.V_init = adex_init_constant(-65.0);
  adex_pop *free_pop = adex_test_pop(&cfg);
  const double dt = 0.1;
  double t_spike = -1, w_prev = 0;
  int k_spike = -1;
  for (int k = 0; k < 600; k++) {
    double t = k * dt;
    adex_pop_input(pop)[0] = adex_pop_input(pop)[1] = 40.0;
    adex_pop_input(free_pop)[0] = 40.0;
    assert_ok(adex_pop_update(pop, t, dt));
    assert_ok(adex_pop_update(free_pop, t, dt));
    if (adex_pop_spike(pop)[0] && k_spike < 0) {
      k_spike = k;
      t_spike = t;
      assert_true(adex_pop_refractory(pop)[0]);
    } else if (k_spike >= 0 && t - t_spike <= 2.0) {
      /* held: V stays at V_reset, w moves, the neuron counts as refractory */
      assert_true(adex_pop_V(pop)[0] == -68.0);
      assert_true(adex_pop_w(pop)[0] != w_prev);
      assert_true(adex_pop_refractory(pop)[0]);
      assert_false(adex_pop_spike(pop)[0]);
    } else if (k_spike >= 0 && t - t_spike > 2.05) {
      assert_false(adex_pop_refractory(pop)[0] && !adex_pop_spike(pop)[0]);
      break;
    }
    w_prev = adex_pop_w(pop)[0];
  }
  assert_true(k_spike >= 0);
  /* the free neuron (no tau_ref) left V_reset right after its spike */
  assert_true(adex_pop_V(free_pop)[0] != -68.0);
  adex_pop_destroy(pop);
  adex_pop_destroy(free_pop);
}

/* Rates: a refractory period of 5 ms caps the rate at 200 Hz. */
static void test_refractory_caps_rate(void **state) {
  (void)state;
  adex_pop_config cfg;
  adex_pop_config_default(&cfg, 1);
  cfg.V_init = adex_init_constant(-65.0);
  cfg.params.b = 0;
  cfg.tau_ref = 5.0;
  adex_pop *pop = adex_test_pop(&cfg);
  long n = 0;
  for (int k = 0; k < 10000; k++) {
    adex_pop_input(pop)[0] = 1e4; /* would fire every step */
    assert_ok(adex_pop_update(pop, k * 0.1, 0.1));
    n += adex_pop_spike(pop)[0];
  }
  /* one spike per 5.1 ms (the first free step after 5 ms) */
  assert_close((double)n, 1000.0 / 5.1, 0.02, 0);
  adex_pop_destroy(pop);
}

/* ------------------------------------------------------------------ */
/* Noise on V: with delta_T = 0, a = 0 and no threshold in reach, V is an
 * Ornstein-Uhlenbeck process, stationary mean V_rest + R I and variance
 * sigma^2 tau/2. Seeded: same seed, same path; another seed, another. */
static void test_noise_statistics(void **state) {
  (void)state;
  enum { n = 2000, steps = 4000 };
  adex_pop_config cfg;
  adex_pop_config_default(&cfg, n);
  cfg.params.delta_T = 0;
  cfg.params.a = 0;
  cfg.params.V_th = 1000;
  cfg.V_init = adex_init_constant(-65.0);
  cfg.noise = 2.0;
  cfg.noise_seed = 11;
  adex_pop *pop = adex_test_pop(&cfg);
  adex_pop *twin = adex_test_pop(&cfg);
  cfg.noise_seed = 12;
  adex_pop *other = adex_test_pop(&cfg);
  const double dt = 0.05;
  for (int k = 0; k < steps; k++) {
    assert_ok(adex_pop_update(pop, k * dt, dt));
    assert_ok(adex_pop_update(twin, k * dt, dt));
    assert_ok(adex_pop_update(other, k * dt, dt));
  }
  double mean = 0, var = 0;
  for (int i = 0; i < n; i++) mean += adex_pop_V(pop)[i] / n;
  for (int i = 0; i < n; i++) {
    double d = adex_pop_V(pop)[i] - mean;
    var += d * d / (n - 1);
  }
  /* exact variance of the discrete process: sigma^2 dt/(1 - e^(-2dt/tau)) */
  double v_exact = 4.0 * dt / (1 - exp(-2 * dt / 10.0));
  assert_close(v_exact, 4.0 * 10.0 / 2, 0.01, 0); /* close to sigma^2 tau/2 */
  assert_close(mean, -65.0, 0, 6 * sqrt(v_exact / n));
  assert_close(var, v_exact, 6 * sqrt(2.0 / n), 0);
  assert_memory_equal(adex_pop_V(pop), adex_pop_V(twin), n * sizeof(double));
  assert_true(memcmp(adex_pop_V(pop), adex_pop_V(other), n * sizeof(double)));
  adex_pop_destroy(pop);
  adex_pop_destroy(twin);
  adex_pop_destroy(other);
}

/* Soft reset subtracts V_th - V_reset from the value that crossed. */
static void test_soft_reset(void **state) {
  (void)state;
  adex_pop_config cfg;
  adex_pop_config_default(&cfg, 1);
  cfg.params.delta_T = 0; /* linear: V_new computable here */
  cfg.params.a = 0;
  cfg.params.b = 0;
  cfg.V_init = adex_init_constant(-30.5);
  cfg.spk_reset = ADEX_SPK_RESET_SOFT;
  adex_pop *pop = adex_test_pop(&cfg);
  const double I = 200.0, dt = 0.1;
  double V_new = -65.0 + I + (-30.5 + 65.0 - I) * exp(-dt / 10.0);
  assert_true(V_new > -30.0);
  adex_pop_input(pop)[0] = I;
  assert_ok(adex_pop_update(pop, 0.0, dt));
  assert_true(adex_pop_spike(pop)[0]);
  assert_close(adex_pop_V(pop)[0], V_new - (-30.0 + 68.0), 1e-13, 0);
  adex_pop_destroy(pop);
}

/* Under a huge drive, precise mode reports several spikes in one step, each
 * with its own time inside the step, in increasing order; V, w finite. */
static void test_several_spikes_per_step(void **state) {
  (void)state;
  adex_pop_config cfg;
  adex_pop_config_default(&cfg, 1);
  cfg.V_init = adex_init_constant(-65.0);
  cfg.method = "rk4";
  cfg.precise_spikes = true;
  cfg.params.b = 0.0;
  adex_pop *pop = adex_test_pop(&cfg);
  adex_pop_input(pop)[0] = 30000.0; /* a spike every ~0.013 ms */
  assert_ok(adex_pop_update(pop, 5.0, 0.1));
  const adex_spike_event *ev;
  size_t n;
  assert_ok(adex_pop_spike_events(pop, &ev, &n));
  assert_true(n >= 3 && n <= ADEX_MAX_SPIKES_PER_STEP);
  for (size_t j = 0; j < n; j++) {
    assert_int_equal(ev[j].neuron, 0);
    assert_true(ev[j].t > 5.0 && ev[j].t <= 5.1);
    if (j > 0) assert_true(ev[j].t > ev[j - 1].t);
  }
  assert_true(adex_pop_t_last_spike(pop)[0] == ev[n - 1].t);
  /* and for 1e9 too: capped, finite */
  adex_pop_input(pop)[0] = 1e9;
  assert_ok(adex_pop_update(pop, 5.1, 0.1));
  assert_ok(adex_pop_spike_events(pop, &ev, &n));
  assert_int_equal(n, ADEX_MAX_SPIKES_PER_STEP);
  assert_true(isfinite(adex_pop_V(pop)[0]) && isfinite(adex_pop_w(pop)[0]));
  adex_pop_destroy(pop);
}

/* ------------------------------------------------------------------ */
/* A fixed step outside the stability region is refused with the largest
 * stable dt; that dt and below run; the adaptive mode has no such limit. */
static void test_stability_check(void **state) {
  (void)state;
  adex_pop_config cfg;
  adex_pop_config_default(&cfg, 1);
  cfg.V_init = adex_init_constant(-65.0);
  cfg.params.tau_w = 0.01;
  cfg.method = "euler";
  adex_pop *pop = adex_test_pop(&cfg);
  assert_status(adex_pop_update(pop, 0.0, 0.1), ADEX_ERANGE);
  const char *msg = adex_pop_errmsg(pop);
  assert_non_null(strstr(msg, "unstable for method 'euler'"));
  double limit = atof(strstr(msg, "use dt <= ") + 10);
  /* euler on -1/tau_w: stable iff dt <= 2 tau_w */
  assert_close(limit, 0.02, 0.01, 0);
  assert_true(adex_pop_V(pop)[0] == -65.0); /* unchanged */
  for (int k = 0; k < 20000; k++) {
    adex_pop_input(pop)[0] = 1e6 * ((k % 2) ? 1 : -1);
    assert_ok(adex_pop_update(pop, k * 0.0199, 0.0199));
    assert_true(isfinite(adex_pop_V(pop)[0]) && isfinite(adex_pop_w(pop)[0]));
    assert_true(fabs(adex_pop_w(pop)[0]) < 1e12);
  }
  adex_pop_destroy(pop);
  cfg.method = "rkf45";
  cfg.adaptive = true;
  pop = adex_test_pop(&cfg);
  assert_ok(adex_pop_update(pop, 0.0, 0.1));
  adex_pop_destroy(pop);
  /* rk4 reaches further along the negative axis: 2.785 tau_w */
  cfg.adaptive = false;
  cfg.method = "rk4";
  pop = adex_test_pop(&cfg);
  assert_status(adex_pop_update(pop, 0.0, 0.1), ADEX_ERANGE);
  limit = atof(strstr(adex_pop_errmsg(pop), "use dt <= ") + 10);
  assert_close(limit, 2.785 * 0.01, 0.01, 0);
  adex_pop_destroy(pop);
}

/* The advice of an unstable step names only the ways out that exist: the
 * adaptive mode for an embedded method (another one needs one), exp_auto
 * when it is not the method and is stable at that dt. */
static void test_stability_advice(void **state) {
  (void)state;
  static const struct {
    const char *method;
    double tau_w, a, dt;
    const char *tail; /* what follows "use dt <= X ms" */
  } cases[] = {
      {"euler", 0.01, 1.0, 0.1,
       ", exp_auto, or an embedded method (rkf45, rkdp, ...) in the "
       "adaptive mode"},
      {"rkf45", 0.01, 1.0, 0.1, ", the adaptive mode, or exp_auto"},
      {"exp_auto", 30.0, 1000.0, 1.0,
       " or an embedded method (rkf45, rkdp, ...) in the adaptive mode"},
      {"exp_auto", 30.0, 1e9, 0.1,
       " or an embedded method (rkf45, rkdp, ...) in the adaptive mode"},
  };
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    adex_pop_config cfg;
    adex_pop_config_default(&cfg, 1);
    cfg.V_init = adex_init_constant(-65.0);
    cfg.method = cases[k].method;
    cfg.params.tau_w = cases[k].tau_w;
    cfg.params.a = cases[k].a;
    adex_pop *pop = adex_test_pop(&cfg);
    assert_status(adex_pop_update(pop, 0.0, cases[k].dt), ADEX_ERANGE);
    const char *msg = adex_pop_errmsg(pop);
    const char *ms = strstr(msg, "use dt <= ");
    assert_non_null(ms);
    ms = strstr(ms, " ms");
    assert_non_null(ms);
    if (strcmp(ms + 3, cases[k].tail) != 0)
      fail_msg("%s: got '%s'", cases[k].method, msg);
    adex_pop_destroy(pop);
  }
}

/* ------------------------------------------------------------------ */
/* The general path computes the fused path's bits when its options do
 * nothing: a refractory period no step can fall into, precise spike times
 * for a neuron that never spikes. */
static void test_general_path_matches_fused(void **state) {
  (void)state;
  for (size_t m = 0; m < adex_method_count(); m++) {
    const char *name = adex_method_name(adex_method_at(m));
    adex_pop_config cfg;
    adex_pop_config_default(&cfg, 6);
    cfg.method = name;
    cfg.V_init = adex_init_uniform(-70, -50, 3);
    cfg.w_init = adex_init_uniform(0, 5, 4);
    adex_pop *fused = adex_test_pop(&cfg);
    cfg.tau_ref = 1e-300;
    adex_pop *general = adex_test_pop(&cfg);
    adex__pop_force_general(general); /* the fused step applies tau_ref */
    long spikes = 0;
    for (int k = 0; k < 3000; k++) {
      for (int i = 0; i < 6; i++)
        adex_pop_input(fused)[i] = adex_pop_input(general)[i] = 8.0 * i;
      assert_ok(adex_pop_update(fused, k * 0.05, 0.05));
      assert_ok(adex_pop_update(general, k * 0.05, 0.05));
      assert_memory_equal(adex_pop_V(fused), adex_pop_V(general),
                          6 * sizeof(double));
      assert_memory_equal(adex_pop_w(fused), adex_pop_w(general),
                          6 * sizeof(double));
      const adex_spike_event *a, *b;
      size_t na, nb;
      assert_ok(adex_pop_spike_events(fused, &a, &na));
      assert_ok(adex_pop_spike_events(general, &b, &nb));
      assert_int_equal(na, nb);
      assert_memory_equal(a, b, na * sizeof *a);
      spikes += (long)na;
    }
    assert_true(spikes > 50);
    adex_pop_destroy(fused);
    adex_pop_destroy(general);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_nest_reference_precise),
      cmocka_unit_test(test_grid_times_without_precise),
      cmocka_unit_test(test_adaptive_meets_tolerance),
      cmocka_unit_test(test_option_errors),
      cmocka_unit_test(test_refractory),
      cmocka_unit_test(test_refractory_caps_rate),
      cmocka_unit_test(test_noise_statistics),
      cmocka_unit_test(test_soft_reset),
      cmocka_unit_test(test_several_spikes_per_step),
      cmocka_unit_test(test_stability_check),
      cmocka_unit_test(test_stability_advice),
      cmocka_unit_test(test_general_path_matches_fused),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
