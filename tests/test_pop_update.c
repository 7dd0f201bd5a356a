/* test_pop_update.c - one step of a population (docs/semantics.md sections 2-4, 7)
 * checked against independent expectations: BrainPy's first step, the
 * exact solution of the linear case, first-order convergence to a
 * high-resolution solution, per-neuron parameters, finiteness under any
 * drive, reset, and the right-hand sides. */
#include <stdint.h>
#include <string.h>

#include "adex_test.h"
#include "kernel.h"

/* A default config of n neurons with V0 = V_rest. */
static adex_pop_config rest_config(size_t n) {
  adex_pop_config cfg;
  adex_pop_config_default(&cfg, n);
  cfg.V_init = adex_init_constant(-65.0);
  return cfg;
}

/* Seed defaults, ZeroInit: V = 0 > V_th, so every neuron spikes at once:
 * V -> -68 and w -> 0 + dt*phi(-dt/tau_w)*(a*(0 - V_rest) - 0)/tau_w + b,
 * which is 65*(1 - exp(-dt/30)) + 1 exactly. */
static void test_first_step_of_defaults(void **state) {
  (void)state;
  adex_pop_config cfg;
  adex_pop_config_default(&cfg, 5);
  adex_pop *pop = adex_test_pop(&cfg);
  for (size_t i = 0; i < 5; i++) {
    assert_true(adex_pop_V(pop)[i] == 0.0 && adex_pop_w(pop)[i] == 0.0);
    assert_true(adex_pop_t_last_spike(pop)[i] == -1e7);
  }
  assert_ok(adex_pop_update(pop, 0.0, 0.1));
  double w_expected = 65.0 * -expm1(-0.1 / 30.0) + 1.0;
  assert_close(w_expected, 1.2163059565, 0, 1e-10);
  for (size_t i = 0; i < 5; i++) {
    assert_true(adex_pop_V(pop)[i] == -68.0);
    assert_close(adex_pop_w(pop)[i], w_expected, 1e-14, 0);
    assert_true(adex_pop_spike(pop)[i]);
    assert_true(adex_pop_t_last_spike(pop)[i] == 0.0);
  }
  adex_pop_destroy(pop);
}

/* delta_T = 0, a = 0: V(t) = V_inf + (V0 - V_inf) exp(-t/tau) with
 * V_inf = V_rest + R I, and w(t) = w0 exp(-t/tau_w) when R = 0.
 * Exponential Euler is exact on linear equations: error at rounding level. */
static void test_linear_case_exact(void **state) {
  (void)state;
  adex_pop_config cfg;
  adex_pop_config_default(&cfg, 2);
  cfg.params.delta_T = 0.0;
  cfg.params.a = 0.0;
  cfg.params.b = 0.0;
  cfg.params.V_th = 100.0;
  cfg.params.R = 2.0;
  cfg.params.tau = 12.0;
  cfg.V_init = adex_init_constant(-70.0);
  adex_pop *pop = adex_test_pop(&cfg);
  cfg.params.R = 0.0;
  cfg.w_init = adex_init_constant(5.0);
  adex_pop *pop_w = adex_test_pop(&cfg);
  const double I = 7.5, dt = 0.1, V_inf = -65.0 + 2.0 * I;
  for (int k = 0; k < 2000; k++) {
    adex_pop_input(pop)[0] = adex_pop_input(pop)[1] = I;
    assert_ok(adex_pop_update(pop, k * dt, dt));
    assert_ok(adex_pop_update(pop_w, k * dt, dt));
    double t = (k + 1) * dt;
    assert_close(adex_pop_V(pop)[0], V_inf + (-70.0 - V_inf) * exp(-t / 12.0),
                 1e-12, 0);
    assert_true(adex_pop_w(pop)[1] == 0.0 && !adex_pop_spike(pop)[0]);
    assert_close(adex_pop_V(pop_w)[0], -65.0 + (-70.0 + 65.0) * exp(-t / 12.0),
                 1e-12, 0);
    assert_close(adex_pop_w(pop_w)[0], 5.0 * exp(-t / 30.0), 1e-12, 1e-300);
  }
  adex_pop_destroy(pop);
  adex_pop_destroy(pop_w);
}

/* Right-hand side of the default model, written out here for the test's
 * own high-resolution RK4 solution. */
static void rhs(double V, double w, double I, double *dV, double *dw) {
  *dV = (-(V + 65.0) + 3.48 * exp((V + 59.9) / 3.48) - w + I) / 10.0;
  *dw = ((V + 65.0) - w) / 30.0;
}

/* Subthreshold (V, w) at time T from V0 = -65 under input I, classic RK4. */
static void rk4_solution(double I, double T, double h, double *V, double *w) {
  double v = -65.0, x = 0.0;
  long steps = lround(T / h);
  for (long k = 0; k < steps; k++) {
    double a1, b1, a2, b2, a3, b3, a4, b4;
    rhs(v, x, I, &a1, &b1);
    rhs(v + h / 2 * a1, x + h / 2 * b1, I, &a2, &b2);
    rhs(v + h / 2 * a2, x + h / 2 * b2, I, &a3, &b3);
    rhs(v + h * a3, x + h * b3, I, &a4, &b4);
    v += h / 6 * (a1 + 2 * a2 + 2 * a3 + a4);
    x += h / 6 * (b1 + 2 * b2 + 2 * b3 + b4);
  }
  *V = v;
  *w = x;
}

/* exp_auto is first order: halving dt halves the error (order within 0.2). */
static void test_first_order_convergence(void **state) {
  (void)state;
  const double I = 4.0, T = 40.0;
  double V_ref, w_ref;
  rk4_solution(I, T, 1e-4, &V_ref, &w_ref);
  assert_true(V_ref < -55.0); /* the trajectory stays subthreshold */
  double err[4];
  for (int j = 0; j < 4; j++) {
    double dt = 0.2 / (1 << j);
    adex_pop_config cfg = rest_config(1);
    adex_pop *pop = adex_test_pop(&cfg);
    long steps = lround(T / dt);
    for (long k = 0; k < steps; k++) {
      adex_pop_input(pop)[0] = I;
      assert_ok(adex_pop_update(pop, (double)k * dt, dt));
    }
    assert_false(adex_pop_spike(pop)[0]);
    err[j] =
        fabs(adex_pop_V(pop)[0] - V_ref) + fabs(adex_pop_w(pop)[0] - w_ref);
    adex_pop_destroy(pop);
  }
  for (int j = 0; j + 1 < 4; j++) {
    double order = log2(err[j] / err[j + 1]);
    assert_close(order, 1.0, 0, 0.2);
  }
}

/* Input is consumed and zeroed; only spiking neurons are stamped with t. */
static void test_input_consumed_and_spikes_stamped(void **state) {
  (void)state;
  adex_pop_config cfg = rest_config(3);
  adex_pop *pop = adex_test_pop(&cfg);
  adex_pop_V(pop)[1] = -30.5; /* just below V_th: strong upstroke */
  adex_pop_input(pop)[2] = 1e6;
  assert_ok(adex_pop_update(pop, 12.5, 0.1));
  for (size_t i = 0; i < 3; i++) assert_true(adex_pop_input(pop)[i] == 0.0);
  assert_false(adex_pop_spike(pop)[0]);
  assert_true(adex_pop_spike(pop)[1] && adex_pop_spike(pop)[2]);
  assert_true(adex_pop_t_last_spike(pop)[0] == -1e7);
  assert_true(adex_pop_t_last_spike(pop)[1] == 12.5);
  assert_true(adex_pop_V(pop)[1] == -68.0 && adex_pop_V(pop)[2] == -68.0);
  assert_ok(adex_pop_update(pop, 12.6, 0.1));
  assert_false(adex_pop_spike(pop)[1] || adex_pop_spike(pop)[2]);
  assert_true(adex_pop_t_last_spike(pop)[1] == 12.5);
  adex_pop_destroy(pop);
}

/* A population with per-neuron parameters evolves exactly like separate
 * populations that each hold one neuron's values as scalars. */
static void test_heterogeneous_equals_separate(void **state) {
  (void)state;
  enum { n = 8, steps = 3000 };
  double tau[n], a[n], b[n], delta_T[n], VT[n], V0[n], I[n];
  for (int i = 0; i < n; i++) {
    tau[i] = 5.0 + 2.5 * i;
    a[i] = -1.0 + 0.7 * i;
    b[i] = 0.5 + i;
    delta_T[i] = i == 3 ? 0.0 : 0.5 + 0.5 * i;
    VT[i] = -60.0 + 0.8 * i;
    V0[i] = -70.0 + i;
    I[i] = 5.0 + 6.0 * i;
  }
  adex_init inits[5] = {adex_init_array(tau, n), adex_init_array(a, n),
                        adex_init_array(b, n), adex_init_array(delta_T, n),
                        adex_init_array(VT, n)};
  adex_pop_config cfg;
  adex_pop_config_default(&cfg, n);
  cfg.param_init[ADEX_P_TAU] = &inits[0];
  cfg.param_init[ADEX_P_A] = &inits[1];
  cfg.param_init[ADEX_P_B] = &inits[2];
  cfg.param_init[ADEX_P_DELTA_T] = &inits[3];
  cfg.param_init[ADEX_P_V_T] = &inits[4];
  cfg.V_init = adex_init_array(V0, n);
  adex_pop *pop = adex_test_pop(&cfg);
  assert_true(adex_pop_param_is_array(pop, ADEX_P_TAU));
  assert_false(adex_pop_param_is_array(pop, ADEX_P_R));
  double got[n];
  assert_ok(adex_pop_param(pop, ADEX_P_A, got));
  assert_memory_equal(got, a, sizeof a);
  adex_pop *single[n];
  for (int i = 0; i < n; i++) {
    adex_pop_config c1;
    adex_pop_config_default(&c1, 1);
    c1.params.tau = tau[i];
    c1.params.a = a[i];
    c1.params.b = b[i];
    c1.params.delta_T = delta_T[i];
    c1.params.V_T = VT[i];
    c1.V_init = adex_init_constant(V0[i]);
    single[i] = adex_test_pop(&c1);
  }
  long spikes = 0;
  for (int k = 0; k < steps; k++) {
    memcpy(adex_pop_input(pop), I, sizeof I);
    assert_ok(adex_pop_update(pop, k * 0.1, 0.1));
    for (int i = 0; i < n; i++) {
      adex_pop_input(single[i])[0] = I[i];
      assert_ok(adex_pop_update(single[i], k * 0.1, 0.1));
      assert_memory_equal(&adex_pop_V(pop)[i], adex_pop_V(single[i]),
                          sizeof(double));
      assert_memory_equal(&adex_pop_w(pop)[i], adex_pop_w(single[i]),
                          sizeof(double));
      assert_int_equal(adex_pop_spike(pop)[i], adex_pop_spike(single[i])[0]);
      spikes += adex_pop_spike(pop)[i];
    }
  }
  assert_true(spikes > 50); /* the comparison covered resets too */
  for (int i = 0; i < n; i++) adex_pop_destroy(single[i]);
  adex_pop_destroy(pop);
}

/* No drive, start or parameter makes V or w non-finite (docs/semantics.md section 5). */
static void test_never_nan(void **state) {
  (void)state;
  static const double drives[] = {1e9, -1e9, 1e12, -1e12, 0.0, 1e15};
  static const double starts[] = {-1e3, 0.0, 1e3, -59.9 + 800 * 3.48, -30.0};
  enum { n = 30 };
  adex_pop_config cfg;
  adex_pop_config_default(&cfg, n);
  adex_pop *pop = adex_test_pop(&cfg);
  for (int i = 0; i < n; i++) adex_pop_V(pop)[i] = starts[i % 5];
  for (int k = 0; k < 2000; k++) {
    for (int i = 0; i < n; i++) adex_pop_input(pop)[i] = drives[(i / 5) % 6];
    assert_ok(adex_pop_update(pop, k * 0.1, 0.1));
    for (int i = 0; i < n; i++) {
      assert_true(isfinite(adex_pop_V(pop)[i]));
      assert_true(isfinite(adex_pop_w(pop)[i]));
      assert_true(adex_pop_V(pop)[i] < -30.0);
    }
  }
  adex_pop_destroy(pop);
}

/* exp overflow (V far above V_T) counts as a spike with finite values,
 * where BrainPy's formula would give NaN. */
static void test_overflow_is_a_spike(void **state) {
  (void)state;
  adex_pop_config cfg;
  adex_pop_config_default(&cfg, 1);
  adex_pop *pop = adex_test_pop(&cfg);
  adex_pop_V(pop)[0] = -59.9 + 750 * 3.48; /* exp(750) = inf */
  adex_pop_w(pop)[0] = 2.0;
  assert_ok(adex_pop_update(pop, 3.0, 0.1));
  assert_true(adex_pop_spike(pop)[0]);
  assert_true(adex_pop_V(pop)[0] == -68.0);
  assert_true(isfinite(adex_pop_w(pop)[0]) && adex_pop_w(pop)[0] > 3.0);
  assert_true(adex_pop_t_last_spike(pop)[0] == 3.0);
  adex_pop_destroy(pop);
}

/* reset() re-evaluates the initializers (same seeded values) and clears
 * input, spike and t_last_spike. */
static void test_reset(void **state) {
  (void)state;
  enum { n = 50 };
  adex_pop_config cfg;
  adex_pop_config_default(&cfg, n);
  cfg.V_init = adex_init_uniform(-70.0, -50.0, 9);
  cfg.w_init = adex_init_normal(1.0, 0.5, 10);
  adex_pop *pop = adex_test_pop(&cfg);
  double V0[n], w0[n];
  memcpy(V0, adex_pop_V(pop), sizeof V0);
  memcpy(w0, adex_pop_w(pop), sizeof w0);
  for (int k = 0; k < 500; k++) {
    for (int i = 0; i < n; i++) adex_pop_input(pop)[i] = 30.0;
    assert_ok(adex_pop_update(pop, k * 0.1, 0.1));
  }
  adex_pop_input(pop)[3] = 1.0;
  assert_ok(adex_pop_reset(pop));
  assert_memory_equal(adex_pop_V(pop), V0, sizeof V0);
  assert_memory_equal(adex_pop_w(pop), w0, sizeof w0);
  for (int i = 0; i < n; i++) {
    assert_true(adex_pop_input(pop)[i] == 0.0 && !adex_pop_spike(pop)[i]);
    assert_true(adex_pop_t_last_spike(pop)[i] == -1e7);
    assert_false(adex_pop_refractory(pop)[i]);
  }
  assert_status(adex_pop_reset(NULL), ADEX_EINVAL);
  adex_pop_destroy(pop);
}

/* dV and dw are BrainPy's right-hand sides. */
static void test_rhs(void **state) {
  (void)state;
  adex_pop_config cfg;
  adex_pop_config_default(&cfg, 1);
  adex_pop *pop = adex_test_pop(&cfg);
  const double V[3] = {-65.0, -55.0, -40.0}, w[3] = {0.0, 2.0, -1.0};
  const double I[3] = {0.0, 10.0, -3.0};
  double dV[3], dw[3];
  assert_ok(adex_pop_dV(pop, V, 0.0, w, I, dV, 3));
  assert_ok(adex_pop_dw(pop, w, 0.0, V, dw, 3));
  for (int i = 0; i < 3; i++) {
    double e, f;
    rhs(V[i], w[i], I[i], &e, &f);
    assert_close(dV[i], e, 1e-14, 1e-15);
    assert_close(dw[i], f, 1e-14, 1e-15);
  }
  adex_pop_destroy(pop);
  /* Per-neuron parameters: arrays must have num values. */
  double taus[2] = {10.0, 20.0};
  adex_init tau_init = adex_init_array(taus, 2);
  adex_pop_config_default(&cfg, 2);
  cfg.params.delta_T = 0.0;
  cfg.param_init[ADEX_P_TAU] = &tau_init;
  pop = adex_test_pop(&cfg);
  assert_status(adex_pop_dV(pop, V, 0.0, w, I, dV, 3), ADEX_ESIZE);
  assert_status(adex_pop_dV(pop, V, 0.0, w, NULL, dV, 2), ADEX_EINVAL);
  assert_status(adex_pop_dw(pop, w, 0.0, V, dw, 0), ADEX_ESIZE);
  assert_ok(adex_pop_dV(pop, V, 0.0, w, I, dV, 2));
  assert_close(dV[1], (-(-55.0 + 65.0) - 2.0 + 10.0) / 20.0, 1e-15, 1e-15);
  adex_pop_destroy(pop);
}

/* keep_size decides the reported shape; num is the product. */
static void test_shape(void **state) {
  (void)state;
  adex_pop_config cfg;
  adex_pop_config_default(&cfg, 1);
  cfg.ndim = 3;
  cfg.shape[0] = 2;
  cfg.shape[1] = 3;
  cfg.shape[2] = 4;
  size_t shape[ADEX_MAX_DIM];
  adex_pop *pop = adex_test_pop(&cfg);
  assert_int_equal(adex_pop_num(pop), 24);
  assert_int_equal(adex_pop_shape(pop, shape), 1);
  assert_int_equal(shape[0], 24);
  adex_pop_destroy(pop);
  cfg.keep_size = true;
  pop = adex_test_pop(&cfg);
  assert_int_equal(adex_pop_shape(pop, shape), 3);
  assert_true(shape[0] == 2 && shape[1] == 3 && shape[2] == 4);
  /* State arrays are aligned for vector loads. */
  assert_int_equal((uintptr_t)adex_pop_V(pop) % ADEX_ALIGN, 0);
  assert_int_equal((uintptr_t)adex_pop_spike(pop) % ADEX_ALIGN, 0);
  assert_string_equal(adex_method_name(adex_pop_method(pop)), "exp_auto");
  adex_pop_destroy(pop);
}

/* A bad dt or t changes nothing and leaves a message on the handle. */
static void test_bad_step(void **state) {
  (void)state;
  adex_pop_config cfg = rest_config(2);
  adex_pop *pop = adex_test_pop(&cfg);
  adex_pop_input(pop)[0] = 3.0;
  static const double bad_dt[] = {0.0, -0.1, NAN, INFINITY};
  for (int j = 0; j < 4; j++) {
    assert_status(adex_pop_update(pop, 0.0, bad_dt[j]), ADEX_EINVAL);
    assert_non_null(strstr(adex_pop_errmsg(pop), "dt must be"));
  }
  assert_status(adex_pop_update(pop, NAN, 0.1), ADEX_EINVAL);
  assert_non_null(strstr(adex_pop_errmsg(pop), "t must be finite"));
  assert_true(adex_pop_V(pop)[0] == -65.0 && adex_pop_input(pop)[0] == 3.0);
  assert_status(adex_pop_update(NULL, 0.0, 0.1), ADEX_EINVAL);
  adex_pop_destroy(pop);
  adex_pop_destroy(NULL);
}

/* phi is accurate near 0, where (exp(z) - 1)/z loses digits. */
static void test_phi_accuracy(void **state) {
  (void)state;
  assert_true(adex__phi(0.0) == 1.0);
  static const double zs[] = {1e-12, -1e-9, 3e-6, -2e-4, 1e-3};
  for (int j = 0; j < 5; j++) {
    double z = zs[j];
    double series =
        1 + z / 2 + z * z / 6 + z * z * z / 24 + z * z * z * z / 120;
    assert_close(adex__phi(z), series, 4e-16, 0);
  }
  assert_close(adex__phi(1.0), exp(1.0) - 1.0, 1e-15, 0);
  assert_close(adex__phi(-30.0), (1 - exp(-30.0)) / 30.0, 1e-15, 0);
}

/* The time grid of a run (adex_run_check_time, checked first by
 * adex_pop_run): the steps must stay apart in double, to dt/1000. */
static void test_time_grid(void **state) {
  (void)state;
  assert_ok(adex_run_check_time(0.0, 0.1, 1000000));
  assert_ok(adex_run_check_time(1e11, 0.1, 1000));
  assert_ok(adex_run_check_time(-5e11, 0.1, 10));
  assert_ok(adex_run_check_time(1e14, 100.0, 10));
  /* 2^39 ms is where doubles get 2^-14 ms > 0.1/1000 apart */
  assert_ok(adex_run_check_time(0x1p39 - 1.0, 0.1, 0));
  assert_status(adex_run_check_time(0x1p39, 0.1, 0), ADEX_EINVAL);
  assert_status(adex_run_check_time(0x1p39 - 10.0, 0.1, 1000), ADEX_EINVAL);
  assert_status(adex_run_check_time(1e20, 0.1, 10), ADEX_EINVAL);
  assert_non_null(strstr(adex_errmsg(), "16384 ms apart"));
  assert_status(adex_run_check_time(1e308, 0.1, 10), ADEX_EINVAL);
  assert_status(adex_run_check_time(0.0, 1e308, 10), ADEX_EINVAL);
  assert_status(adex_run_check_time(NAN, 0.1, 10), ADEX_EINVAL);
  assert_status(adex_run_check_time(0.0, 0.0, 10), ADEX_EINVAL);
  assert_status(adex_run_check_time(0.0, -0.1, 10), ADEX_EINVAL);
  /* the runner refuses such a grid before any step, with the message */
  adex_pop_config cfg = rest_config(2);
  adex_pop *pop = adex_test_pop(&cfg);
  size_t done = 7;
  assert_status(
      adex_pop_run(pop, 1e20, 0.1, 10, NULL, NULL, 0, NULL, NULL, &done),
      ADEX_EINVAL);
  assert_int_equal(done, 0);
  assert_non_null(strstr(adex_pop_errmsg(pop), "too large for steps"));
  assert_close(adex_pop_V(pop)[0], -65.0, 0, 0);
  assert_ok(adex_pop_run(pop, 1e11, 0.1, 10, NULL, NULL, 0, NULL, NULL, &done));
  assert_int_equal(done, 10);
  adex_pop_destroy(pop);
}

/* The number of steps of a run (adex_run_steps): BrainPy's
 * len(np.arange(start, start + duration, dt)) = ceil(duration/dt), a
 * duration within 1e-9 of a whole number of steps counted as that number.
 * The expectations are counted here from exact decimal arithmetic. */
static void test_run_steps(void **state) {
  (void)state;
  static const struct {
    double duration, dt;
    size_t steps;
  } cases[] = {
      {1.0, 0.1, 10},      {1.04, 0.1, 11},      {0.3, 0.1, 3},
      {1.0, 0.3, 4},       {1.0, 0.4, 3},        {100.0, 200.0, 1},
      {0.0, 0.1, 0},       {1000.0, 0.1, 10000}, {0.7, 0.1, 7},
      {0.1 + 0.2, 0.1, 3}, {2.5, 0.5, 5},        {2.6, 0.5, 6},
      {1e-300, 0.1, 1},    {1.0, 1e308, 1},      {1e11, 0.1, 1000000000000ull}};
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    size_t n = 12345;
    assert_ok(adex_run_steps(cases[k].duration, cases[k].dt, &n));
    if (n != cases[k].steps)
      fail_msg("duration %g dt %g: %zu steps, want %zu", cases[k].duration,
               cases[k].dt, n, cases[k].steps);
  }
  size_t n = 7;
  assert_status(adex_run_steps(-1.0, 0.1, &n), ADEX_EINVAL);
  assert_int_equal(n, 0);
  assert_status(adex_run_steps(NAN, 0.1, &n), ADEX_EINVAL);
  assert_status(adex_run_steps(INFINITY, 0.1, &n), ADEX_EINVAL);
  assert_status(adex_run_steps(1.0, 0.0, &n), ADEX_EINVAL);
  assert_status(adex_run_steps(1.0, -0.1, &n), ADEX_EINVAL);
  assert_status(adex_run_steps(1.0, NAN, &n), ADEX_EINVAL);
  assert_status(adex_run_steps(1e12, 0.1, &n), ADEX_EINVAL);
  assert_non_null(strstr(adex_errmsg(), "more than 1e+12 steps"));
  assert_status(adex_run_steps(1.0, 0.1, NULL), ADEX_EINVAL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_run_steps),
      cmocka_unit_test(test_first_step_of_defaults),
      cmocka_unit_test(test_linear_case_exact),
      cmocka_unit_test(test_first_order_convergence),
      cmocka_unit_test(test_input_consumed_and_spikes_stamped),
      cmocka_unit_test(test_heterogeneous_equals_separate),
      cmocka_unit_test(test_never_nan),
      cmocka_unit_test(test_overflow_is_a_spike),
      cmocka_unit_test(test_reset),
      cmocka_unit_test(test_rhs),
      cmocka_unit_test(test_shape),
      cmocka_unit_test(test_bad_step),
      cmocka_unit_test(test_phi_accuracy),
      cmocka_unit_test(test_time_grid),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
