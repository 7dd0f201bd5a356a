/* test_drive.c - the drive: a constant input current per neuron that every
 * update adds to `input` (adex_pop_enable_drive, adex_pop_drive).
 *
 * A population driven by its drive must give the bits of the same
 * population whose caller writes the current into `input` before every
 * update: for the fused step of every kernel, the general path (adaptive,
 * precise spike times, refractoriness), float32, and with input and drive
 * together. The drive is not state: update zeroes input and keeps the
 * drive, reset and state files leave it alone.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "adex_test.h"

enum { N = 203 }; /* not a multiple of any vector width */

/* Currents from 0 to 45 over the n neurons. */
static double current(size_t i, size_t n) {
  return 45.0 * (double)i / (double)(n - 1);
}

/* A config of n neurons with spread initial states. */
static void config_n(adex_pop_config *cfg, const char *method, size_t n) {
  adex_pop_config_default(cfg, n);
  cfg->method = method;
  cfg->V_init = adex_init_uniform(-70.0, -45.0, 5);
  cfg->w_init = adex_init_uniform(0.0, 3.0, 6);
}

static void base_config(adex_pop_config *cfg, const char *method) {
  config_n(cfg, method, N);
}

/* Run `a` with the currents written into input each step and `b` with
 * them as its drive (plus `extra` written into both inputs), `steps`
 * steps of dt; assert the same bits every step. Returns the spikes. */
static long compare(adex_pop *a, adex_pop *b, int steps, double dt,
                    double extra) {
  bool f32 = adex_pop_dtype(a) == ADEX_DTYPE_F32;
  size_t n = adex_pop_num(a);
  assert_ok(adex_pop_enable_drive(b));
  for (size_t i = 0; i < n; i++) {
    if (f32)
      adex_pop_drive_f32(b)[i] = (float)current(i, n);
    else
      adex_pop_drive(b)[i] = current(i, n);
  }
  long spikes = 0;
  adex_var va, vb;
  for (int k = 0; k < steps; k++) {
    for (size_t i = 0; i < n; i++) {
      if (f32) {
        adex_pop_input_f32(a)[i] = (float)extra + (float)current(i, n);
        adex_pop_input_f32(b)[i] = (float)extra;
      } else {
        adex_pop_input(a)[i] = extra + current(i, n);
        adex_pop_input(b)[i] = extra;
      }
    }
    assert_ok(adex_pop_update(a, k * dt, dt));
    assert_ok(adex_pop_update(b, k * dt, dt));
    static const char *const vars[] = {"V", "w", "t_last_spike", "input",
                                       "spike"};
    for (size_t v = 0; v < 5; v++) {
      assert_ok(adex_pop_var_find(a, vars[v], &va));
      assert_ok(adex_pop_var_find(b, vars[v], &vb));
      assert_memory_equal(va.data, vb.data, n * adex_dtype_size(va.dtype));
    }
    const adex_spike_event *ea, *eb;
    size_t na, nb;
    assert_ok(adex_pop_spike_events(a, &ea, &na));
    assert_ok(adex_pop_spike_events(b, &eb, &nb));
    assert_int_equal(na, nb);
    if (na > 0) assert_memory_equal(ea, eb, na * sizeof *ea);
    spikes += (long)na;
  }
  return spikes;
}

static void run_case(adex_pop_config *cfg, int steps, double dt, double extra) {
  adex_pop *a = adex_test_pop(cfg);
  adex_pop *b = adex_test_pop(cfg);
  long spikes = compare(a, b, steps, dt, extra);
  size_t n = adex_pop_num(b);
  assert_true(spikes > 50); /* the comparison covered spikes */
  /* input zeroed by the last update, the drive kept */
  for (size_t i = 0; i < n; i++) {
    if (adex_pop_dtype(b) == ADEX_DTYPE_F32) {
      assert_true(adex_pop_input_f32(b)[i] == 0.0f);
      assert_true(adex_pop_drive_f32(b)[i] == (float)current(i, n));
    } else {
      assert_true(adex_pop_input(b)[i] == 0.0);
      assert_true(adex_pop_drive(b)[i] == current(i, n));
    }
  }
  adex_pop_destroy(a);
  adex_pop_destroy(b);
}

/* The fused step: every method with every kernel this machine has. */
static void test_drive_fused_every_kernel(void **state) {
  (void)state;
  static const adex_kernel kernels[] = {ADEX_KERNEL_SCALAR, ADEX_KERNEL_AVX2,
                                        ADEX_KERNEL_AVX512};
  static const char *const methods[] = {"exp_auto", "euler", "rk4", "rkf45"};
  for (size_t k = 0; k < 3; k++) {
    if (!adex_kernel_available(kernels[k])) continue;
    for (size_t m = 0; m < 4; m++) {
      adex_pop_config cfg;
      base_config(&cfg, methods[m]);
      cfg.kernel = kernels[k];
      run_case(&cfg, 400, 0.1, 0.0);
    }
  }
}

/* input and drive together: I = input + drive. */
static void test_drive_plus_input(void **state) {
  (void)state;
  adex_pop_config cfg;
  base_config(&cfg, "exp_auto");
  run_case(&cfg, 400, 0.1, 2.5);
}

/* The general path: adaptive sub-steps, precise spike times, tau_ref. */
static void test_drive_general_path(void **state) {
  (void)state;
  adex_pop_config cfg;
  base_config(&cfg, "rkf45");
  cfg.adaptive = true;
  run_case(&cfg, 300, 0.1, 0.0);
  base_config(&cfg, "rk4");
  cfg.precise_spikes = true;
  cfg.tau_ref = 2.0;
  run_case(&cfg, 300, 0.1, 0.0);
}

/* float32: the float kernel and a method computed through double. */
static void test_drive_float32(void **state) {
  (void)state;
  static const char *const methods[] = {"exp_auto", "rk4"};
  for (size_t m = 0; m < 2; m++) {
    adex_pop_config cfg;
    base_config(&cfg, methods[m]);
    cfg.dtype = ADEX_DTYPE_F32;
    run_case(&cfg, 400, 0.1, 0.0);
  }
}

/* Two threads: the fused step and the general path split the neurons
 * into ranges and blocks, each reading its part of the drive. */
static void test_drive_threads(void **state) {
  (void)state;
  static const char *const methods[] = {"exp_auto", "rkf45"};
  for (size_t m = 0; m < 2; m++) {
    adex_pop_config cfg;
    config_n(&cfg, methods[m], 6007);
    cfg.threads = 2;
    cfg.adaptive = m == 1;
    run_case(&cfg, 60, 0.1, 0.0);
  }
}

/* Accessors by dtype; enabling twice keeps the values; reset and state
 * files leave the drive alone. */
static void test_drive_not_state(void **state) {
  (void)state;
  adex_pop_config cfg;
  base_config(&cfg, "exp_auto");
  adex_pop *p = adex_test_pop(&cfg);
  assert_null(adex_pop_drive(p));
  assert_null(adex_pop_drive_f32(p));
  assert_ok(adex_pop_enable_drive(p));
  assert_non_null(adex_pop_drive(p));
  assert_null(adex_pop_drive_f32(p));
  for (size_t i = 0; i < N; i++) assert_true(adex_pop_drive(p)[i] == 0.0);
  adex_pop_drive(p)[7] = 3.25;
  double *before = adex_pop_drive(p);
  assert_ok(adex_pop_enable_drive(p));
  assert_ptr_equal(adex_pop_drive(p), before);
  assert_true(adex_pop_drive(p)[7] == 3.25);
  assert_ok(adex_pop_reset(p));
  assert_true(adex_pop_drive(p)[7] == 3.25);
  /* the variable table (and so the state files) has no drive */
  adex_var v;
  assert_status(adex_pop_var_find(p, "drive", &v), ADEX_EKEY);
  char dir[] = "/tmp/adex-test-drive-XXXXXX", path[64];
  assert_non_null(mkdtemp(dir));
  snprintf(path, sizeof path, "%s/s.npz", dir);
  assert_ok(adex_pop_save_states(p, path, NULL, 0));
  adex_pop_drive(p)[7] = 1.0;
  assert_ok(adex_pop_load_states(p, path, 0, NULL));
  assert_true(adex_pop_drive(p)[7] == 1.0);
  remove(path);
  rmdir(dir);
  adex_pop_destroy(p);

  cfg.dtype = ADEX_DTYPE_F32;
  p = adex_test_pop(&cfg);
  assert_ok(adex_pop_enable_drive(p));
  assert_null(adex_pop_drive(p));
  assert_non_null(adex_pop_drive_f32(p));
  adex_pop_destroy(p);
  assert_status(adex_pop_enable_drive(NULL), ADEX_EINVAL);
}

/* Out of memory: ADEX_ENOMEM with a message, no drive, nothing leaked. */
static void test_drive_out_of_memory(void **state) {
  (void)state;
  adex_test_counting c = {0, -1, 0, 0};
  adex_allocator al = {adex_test_counting_alloc, adex_test_counting_free, &c};
  adex_pop_config cfg;
  base_config(&cfg, "exp_auto");
  cfg.alloc = &al;
  adex_pop *p = adex_test_pop(&cfg);
  c.fail_at = c.calls; /* the next request */
  assert_status(adex_pop_enable_drive(p), ADEX_ENOMEM);
  assert_null(adex_pop_drive(p));
  assert_non_null(strstr(adex_pop_errmsg(p), "drive"));
  c.fail_at = -1;
  assert_ok(adex_pop_enable_drive(p));
  adex_pop_destroy(p);
  assert_int_equal(c.live, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_drive_fused_every_kernel),
      cmocka_unit_test(test_drive_plus_input),
      cmocka_unit_test(test_drive_general_path),
      cmocka_unit_test(test_drive_float32),
      cmocka_unit_test(test_drive_threads),
      cmocka_unit_test(test_drive_not_state),
      cmocka_unit_test(test_drive_out_of_memory),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
