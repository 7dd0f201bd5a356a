/* test_nonfinite.c - non-finite values written by the caller into V, w,
 * input or the drive (adex_pop_nonfinite, docs/numerics.md, *Guards*).
 *
 * An update that meets them keeps the state finite (the blow-up guard: a
 * spike, w clamped) and counts them: how many neuron-steps, and the first
 * (smallest neuron, its variable, the step's time). The same for every
 * kernel, float64 and float32, one or two threads, the fused step and
 * every general path (precise spike times, noise, the adaptive driver,
 * the plain per-neuron step); the model's own overflow under a huge
 * finite input is not counted.
 */
#include <string.h>

#include "adex_test.h"
#include "pop_internal.h"

/* Two threads split a population from 2 * 2048 neurons on; not a multiple
 * of any vector width, so the last vector is partial. */
enum { N = 4099 };

/* Write x into variable var ("V", "w", "input", "drive") of neuron i. */
static void put(adex_pop *p, const char *var, size_t i, double x) {
  bool f32 = adex_pop_dtype(p) == ADEX_DTYPE_F32;
  if (strcmp(var, "drive") == 0) {
    assert_ok(adex_pop_enable_drive(p));
    if (f32)
      adex_pop_drive_f32(p)[i] = (float)x;
    else
      adex_pop_drive(p)[i] = x;
    return;
  }
  float *f = strcmp(var, "V") == 0   ? adex_pop_V_f32(p)
             : strcmp(var, "w") == 0 ? adex_pop_w_f32(p)
                                     : adex_pop_input_f32(p);
  double *d = strcmp(var, "V") == 0   ? adex_pop_V(p)
              : strcmp(var, "w") == 0 ? adex_pop_w(p)
                                      : adex_pop_input(p);
  if (f32)
    f[i] = (float)x;
  else
    d[i] = x;
}

/* Every V and w of p finite. */
static void assert_state_finite(adex_pop *p) {
  bool f32 = adex_pop_dtype(p) == ADEX_DTYPE_F32;
  for (size_t i = 0; i < adex_pop_num(p); i++) {
    double V = f32 ? adex_pop_V_f32(p)[i] : adex_pop_V(p)[i];
    double w = f32 ? adex_pop_w_f32(p)[i] : adex_pop_w(p)[i];
    if (!isfinite(V) || !isfinite(w)) {
      print_error("neuron %zu: V = %g, w = %g\n", i, V, w);
      fail();
    }
  }
}

/* Every w of p finite (a held neuron keeps the V it was given). */
static void assert_state_finite_w(adex_pop *p) {
  bool f32 = adex_pop_dtype(p) == ADEX_DTYPE_F32;
  for (size_t i = 0; i < adex_pop_num(p); i++)
    assert_true(isfinite(f32 ? adex_pop_w_f32(p)[i] : adex_pop_w(p)[i]));
}

/* The count and first of p. */
static void expect(adex_pop *p, unsigned long long count, size_t neuron,
                   const char *var, double t) {
  unsigned long long n = 99;
  size_t first = 99;
  const char *v = "x";
  double ft = 0;
  assert_ok(adex_pop_nonfinite(p, &n, &first, &v, &ft));
  if (n != count) {
    print_error("count %llu, expected %llu (%s, %s)\n", n, count,
                adex_method_name(adex_pop_method(p)),
                adex_kernel_name(p->kernel));
    fail();
  }
  if (count == 0) {
    assert_null(v);
    assert_true(isnan(ft));
    return;
  }
  assert_int_equal(first, neuron);
  assert_string_equal(v, var);
  assert_close(ft, t, 0, 0);
}

/* A population of N neurons with method m, resting under a mild input. */
static adex_pop *make(const char *m, adex_kernel k, adex_dtype dt, int threads,
                      void (*opts)(adex_pop_config *)) {
  adex_pop_config cfg;
  adex_pop_config_default(&cfg, N);
  cfg.method = m;
  cfg.kernel = k;
  cfg.dtype = dt;
  cfg.threads = threads;
  cfg.V_init = adex_init_uniform(-70.0, -60.0, 3);
  cfg.w_init = adex_init_uniform(0.0, 2.0, 4);
  if (opts != NULL) opts(&cfg);
  return adex_test_pop(&cfg);
}

/* Bad values in four neurons (one in the last, partial vector, one on
 * the second thread's half), two updates: the first counts four, with
 * neuron 7's input first; the second meets only finite values. */
static void check_case(adex_pop *p) {
  put(p, "input", 7, NAN);
  put(p, "V", 100, INFINITY);
  put(p, "w", 3000, -INFINITY);
  put(p, "w", N - 2, NAN);
  put(p, "input", N - 2, INFINITY); /* w comes first in the order */
  expect(p, 0, 0, NULL, 0);
  assert_ok(adex_pop_update(p, 2.5, 0.1));
  assert_state_finite(p);
  expect(p, 4, 7, "input", 2.5);
  assert_ok(adex_pop_update(p, 2.6, 0.1));
  assert_state_finite(p);
  expect(p, 4, 7, "input", 2.5);
  /* a later one adds to the count, the first stays */
  put(p, "V", 3, NAN);
  assert_ok(adex_pop_update(p, 2.7, 0.1));
  expect(p, 5, 7, "input", 2.5);
  adex_pop_nonfinite_clear(p);
  expect(p, 0, 0, NULL, 0);
  put(p, "w", 9, INFINITY);
  assert_ok(adex_pop_update(p, 2.8, 0.1));
  expect(p, 1, 9, "w", 2.8);
  assert_ok(adex_pop_reset(p));
  expect(p, 0, 0, NULL, 0);
  /* the drive, then the model's own overflow: not counted */
  put(p, "drive", 11, NAN);
  assert_ok(adex_pop_update(p, 0.0, 0.1));
  assert_state_finite(p);
  expect(p, 1, 11, "drive", 0.0);
  put(p, "drive", 11, 0.0);
  adex_pop_nonfinite_clear(p);
  for (size_t i = 0; i < N; i += 97) put(p, "input", i, 1e9);
  assert_ok(adex_pop_update(p, 0.1, 0.1));
  assert_state_finite(p);
  expect(p, 0, 0, NULL, 0);
  adex_pop_destroy(p);
}

static const char *const methods[] = {"exp_auto", "rk4"};
static const adex_kernel kernels[] = {ADEX_KERNEL_SCALAR, ADEX_KERNEL_AVX2,
                                      ADEX_KERNEL_AVX512};

/* The fused step: every kernel, dtype, thread count, method. */
static void test_nonfinite_fused(void **state) {
  (void)state;
  for (size_t k = 0; k < 3; k++) {
    if (!adex_kernel_available(kernels[k])) continue;
    for (int f32 = 0; f32 < 2; f32++)
      for (int th = 1; th <= 2; th++)
        for (size_t m = 0; m < 2; m++)
          check_case(make(methods[m], kernels[k],
                          f32 ? ADEX_DTYPE_F32 : ADEX_DTYPE_F64, th, NULL));
  }
}

static void opt_precise(adex_pop_config *c) { c->precise_spikes = true; }
static void opt_noise(adex_pop_config *c) {
  c->noise = 0.5;
  c->noise_seed = 3;
}
static void opt_ref_soft(adex_pop_config *c) {
  c->tau_ref = 0.5;
  c->spk_reset = ADEX_SPK_RESET_SOFT;
}
static void opt_adaptive(adex_pop_config *c) {
  c->method = "rkf45";
  c->adaptive = true;
  c->tol = 1e-4;
}

/* The options' paths: the fused step with tau_ref and the soft reset,
 * precise spike times (fused, then the general step), noise, the
 * adaptive mode (the SIMD driver, the scalar one) and the general step
 * forced; every kernel, threads 1 and 2; float32 with tau_ref and the
 * soft reset. */
static void test_nonfinite_general(void **state) {
  (void)state;
  void (*opts[])(adex_pop_config *) = {opt_ref_soft, opt_precise, opt_noise,
                                       opt_adaptive};
  for (size_t k = 0; k < 3; k++) {
    if (!adex_kernel_available(kernels[k])) continue;
    for (int th = 1; th <= 2; th++) {
      for (size_t o = 0; o < 4; o++)
        check_case(make("rk4", kernels[k], ADEX_DTYPE_F64, th, opts[o]));
      /* float32 with tau_ref and the soft reset: exp_auto's float
       * kernels, rk4's double tiles */
      for (size_t m = 0; m < 2; m++)
        check_case(
            make(methods[m], kernels[k], ADEX_DTYPE_F32, th, opt_ref_soft));
      adex_pop *p = make("exp_auto", kernels[k], ADEX_DTYPE_F64, th, NULL);
      adex__pop_force_general(p);
      check_case(p);
      p = make("rkf45", kernels[k], ADEX_DTYPE_F64, th, opt_adaptive);
      adex__pop_force_general(p);
      check_case(p);
    }
  }
}

/* A neuron held refractory (fixed step, tau_ref) integrates w only: a
 * non-finite V or w is still counted, every step it is met, on the fused
 * step of every kernel (float64 and float32), with precise spike times
 * and on the general path. */
static void check_held(adex_pop *p) {
  for (size_t i = 5; i <= 8; i++) put(p, "input", i, 1e4);
  assert_ok(adex_pop_update(p, 0.0, 0.1)); /* they spike, then are held */
  expect(p, 0, 0, NULL, 0);
  put(p, "w", 5, NAN);
  put(p, "V", 6, INFINITY);
  put(p, "V", 7, -INFINITY);
  put(p, "V", 8, NAN);
  assert_ok(adex_pop_update(p, 0.1, 0.1));
  expect(p, 4, 5, "w", 0.1);
  assert_state_finite_w(p);
  adex_pop_destroy(p);
}

static void opt_ref(adex_pop_config *c) { c->tau_ref = 2.0; }
static void opt_ref_precise(adex_pop_config *c) {
  c->tau_ref = 2.0;
  c->precise_spikes = true;
}

static void test_nonfinite_held(void **state) {
  (void)state;
  for (size_t k = 0; k < 3; k++) {
    if (!adex_kernel_available(kernels[k])) continue;
    for (size_t m = 0; m < 2; m++) {
      check_held(make(methods[m], kernels[k], ADEX_DTYPE_F64, 1, opt_ref));
      check_held(make(methods[m], kernels[k], ADEX_DTYPE_F32, 1, opt_ref));
      check_held(
          make(methods[m], kernels[k], ADEX_DTYPE_F64, 1, opt_ref_precise));
      adex_pop *p = make(methods[m], kernels[k], ADEX_DTYPE_F64, 1, opt_ref);
      adex__pop_force_general(p);
      check_held(p);
    }
  }
}

/* p's V, w and spikes equal q's bit for bit (same size and dtype). */
static void assert_same_state(adex_pop *p, adex_pop *q) {
  bool f32 = adex_pop_dtype(p) == ADEX_DTYPE_F32;
  size_t n = adex_pop_num(p), esz = f32 ? sizeof(float) : sizeof(double);
  assert_memory_equal(f32 ? (const void *)adex_pop_V_f32(p) : adex_pop_V(p),
                      f32 ? (const void *)adex_pop_V_f32(q) : adex_pop_V(q),
                      n * esz);
  assert_memory_equal(f32 ? (const void *)adex_pop_w_f32(p) : adex_pop_w(p),
                      f32 ? (const void *)adex_pop_w_f32(q) : adex_pop_w(q),
                      n * esz);
  assert_memory_equal(adex_pop_spike(p), adex_pop_spike(q), n);
}

/* Finite w beyond the clamp (1e100; 1e30 in float) in neurons that do not
 * spike (w' so large that V' falls far below rest): after a step, w is clamped,
 * exactly as the scalar kernel clamps it, in a vector whose other lanes
 * are calm; with a refractory period also in a held neuron (counted, as
 * the scalar kernel counts it). Every kernel, float64 and float32, the
 * fused step of exp_auto and rk4. */
static void put_huge_w(adex_pop *p, bool ref) {
  bool f32 = adex_pop_dtype(p) == ADEX_DTYPE_F32;
  double huge = f32 ? 4e30 : 5e100;
  if (ref) {
    put(p, "input", 9, 1e4);
    assert_ok(adex_pop_update(p, 0.0, 0.1)); /* 9 spikes, then is held */
    put(p, "w", 9, huge);
  }
  put(p, "w", 5, huge);
  put(p, "w", 100, 0.5 * huge);
  put(p, "w", N - 2, huge);
}

static void check_w_clamped(const char *m, adex_kernel k, adex_dtype dt,
                            void (*opts)(adex_pop_config *)) {
  bool ref = opts != NULL, f32 = dt == ADEX_DTYPE_F32;
  adex_pop *p = make(m, k, dt, 1, opts);
  adex_pop *q = make(m, ADEX_KERNEL_SCALAR, dt, 1, opts);
  put_huge_w(p, ref);
  put_huge_w(q, ref);
  assert_ok(adex_pop_update(p, 0.1, 0.1));
  assert_ok(adex_pop_update(q, 0.1, 0.1));
  assert_same_state(p, q);
  double clamp = f32 ? (double)ADEX__BLOWUP_F32 : ADEX__BLOWUP;
  double w5 = f32 ? adex_pop_w_f32(p)[5] : adex_pop_w(p)[5];
  assert_true(w5 == clamp);
  assert_false(adex_pop_spike(p)[5]);
  unsigned long long cp = 0, cq = 0;
  assert_ok(adex_pop_nonfinite(p, &cp, NULL, NULL, NULL));
  assert_ok(adex_pop_nonfinite(q, &cq, NULL, NULL, NULL));
  assert_true(cp == cq);
  adex_pop_destroy(p);
  adex_pop_destroy(q);
}

static void test_w_clamped(void **state) {
  (void)state;
  for (size_t k = 1; k < 3; k++) {
    if (!adex_kernel_available(kernels[k])) continue;
    for (size_t m = 0; m < 2; m++) {
      check_w_clamped(methods[m], kernels[k], ADEX_DTYPE_F64, NULL);
      check_w_clamped(methods[m], kernels[k], ADEX_DTYPE_F64, opt_ref);
      check_w_clamped(methods[m], kernels[k], ADEX_DTYPE_F32, NULL);
      check_w_clamped(methods[m], kernels[k], ADEX_DTYPE_F32, opt_ref);
    }
  }
}

/* V so high (or low) that the exponential's argument (V - V_T)/delta_T
 * lies around the clamps of exp (710 and -746; float: 89 and -104) and
 * beyond them: the states after a step equal the scalar kernel's, bit
 * for bit, float64 and float32, exp_auto and rk4. (The SIMD kernels'
 * own clamp of that argument, vclamp_exp, is checked in test_xmath:
 * here phi is already inf for every argument it touches.) */
static void put_huge_V(adex_pop *p) {
  static const double Vs[] = {2409.0, 2412.0, 2420.0,  2480.0,  2535.0,  2540.0,
                              3000.0, 1e6,    -2600.0, -2650.0, -2660.0, 250.0,
                              270.0,  302.0,  310.0,   -420.0,  -425.0};
  for (size_t i = 0; i < sizeof Vs / sizeof Vs[0]; i++)
    put(p, "V", 17 + 3 * i, Vs[i]);
}

static void check_huge_V(const char *m, adex_kernel k, adex_dtype dt) {
  adex_pop *p = make(m, k, dt, 1, NULL);
  adex_pop *q = make(m, ADEX_KERNEL_SCALAR, dt, 1, NULL);
  put_huge_V(p);
  put_huge_V(q);
  assert_ok(adex_pop_update(p, 0.1, 0.1));
  assert_ok(adex_pop_update(q, 0.1, 0.1));
  assert_same_state(p, q);
  assert_true(adex_pop_spike(p)[17 + 3 * 6]); /* V = 3000 spikes */
  adex_pop_destroy(p);
  adex_pop_destroy(q);
}

static void test_huge_V(void **state) {
  (void)state;
  for (size_t k = 1; k < 3; k++) {
    if (!adex_kernel_available(kernels[k])) continue;
    for (size_t m = 0; m < 2; m++) {
      check_huge_V(methods[m], kernels[k], ADEX_DTYPE_F64);
      check_huge_V(methods[m], kernels[k], ADEX_DTYPE_F32);
    }
  }
}

static void test_nonfinite_null(void **state) {
  (void)state;
  assert_status(adex_pop_nonfinite(NULL, NULL, NULL, NULL, NULL), ADEX_EINVAL);
  adex_pop_nonfinite_clear(NULL);
  adex_pop *p = make("exp_auto", ADEX_KERNEL_AUTO, ADEX_DTYPE_F64, 1, NULL);
  assert_ok(adex_pop_nonfinite(p, NULL, NULL, NULL, NULL));
  adex_pop_destroy(p);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_nonfinite_fused),
      cmocka_unit_test(test_nonfinite_general),
      cmocka_unit_test(test_nonfinite_held),
      cmocka_unit_test(test_w_clamped),
      cmocka_unit_test(test_huge_V),
      cmocka_unit_test(test_nonfinite_null),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
