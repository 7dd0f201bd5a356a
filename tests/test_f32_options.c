/* test_f32_options.c - float32 populations with a refractory period and
 * the soft reset (fixed step): the double kernels' fused step on tiles
 * converted from and rounded back to float (pop.c, step_f32_via_f64). The
 * same bits on every kernel and thread count; no spike within tau_ref of
 * the last one (by the float t_last_spike); and the float64 population's
 * behaviour up to float rounding. */
#include "adex_test.h"

#include <math.h>
#include <string.h>

enum { N = 300, STEPS = 400 };

static adex_pop *make(adex_dtype dtype, const char *method, adex_kernel kern,
                      int threads, double tau_ref, adex_spk_reset reset) {
  adex_pop_config cfg;
  adex_pop_config_default(&cfg, N);
  cfg.dtype = dtype;
  cfg.method = method;
  cfg.kernel = kern;
  cfg.threads = threads;
  cfg.tau_ref = tau_ref;
  cfg.spk_reset = reset;
  cfg.V_init = adex_init_uniform(-70.0, -50.0, 5);
  adex_pop *pop = NULL;
  assert_ok(adex_pop_create(&cfg, &pop));
  return pop;
}

/* Run STEPS steps with input 10 + 150 i / N; spikes per neuron in count,
 * and the smallest gap between two spikes of one neuron in *gap (ms). */
static void run(adex_pop *pop, unsigned *count, double *gap) {
  static double last[N];
  for (size_t i = 0; i < N; i++) last[i] = -1e9;
  *gap = 1e9;
  memset(count, 0, N * sizeof *count);
  for (size_t k = 0; k < STEPS; k++) {
    double t = 0.1 * (double)k;
    for (size_t i = 0; i < N; i++) {
      double I = 10.0 + 150.0 * (double)i / N;
      if (adex_pop_dtype(pop) == ADEX_DTYPE_F32)
        adex_pop_input_f32(pop)[i] = (float)I;
      else
        adex_pop_input(pop)[i] = I;
    }
    assert_ok(adex_pop_update(pop, t, 0.1));
    for (size_t i = 0; i < N; i++)
      if (adex_pop_spike(pop)[i]) {
        count[i]++;
        if (t - last[i] < *gap) *gap = t - last[i];
        last[i] = t;
      }
  }
}

static void test_same_bits_everywhere(void **state) {
  (void)state;
  const char *methods[] = {"exp_auto", "rk4"};
  const adex_kernel kernels[] = {ADEX_KERNEL_SCALAR, ADEX_KERNEL_AVX2,
                                 ADEX_KERNEL_AVX512};
  static float V0[N], w0[N];
  unsigned c0[N], c[N];
  double gap;
  for (int m = 0; m < 2; m++)
    for (int soft = 0; soft < 2; soft++) {
      adex_spk_reset r = soft ? ADEX_SPK_RESET_SOFT : ADEX_SPK_RESET_HARD;
      adex_pop *ref =
          make(ADEX_DTYPE_F32, methods[m], ADEX_KERNEL_SCALAR, 1, 2.0, r);
      run(ref, c0, &gap);
      memcpy(V0, adex_pop_V_f32(ref), sizeof V0);
      memcpy(w0, adex_pop_w_f32(ref), sizeof w0);
      adex_pop_destroy(ref);
      for (int k = 0; k < 3; k++)
        for (int threads = 1; threads <= 2; threads++) {
          if (!adex_kernel_available(kernels[k])) continue;
          adex_pop *p =
              make(ADEX_DTYPE_F32, methods[m], kernels[k], threads, 2.0, r);
          run(p, c, &gap);
          assert_memory_equal(adex_pop_V_f32(p), V0, sizeof V0);
          assert_memory_equal(adex_pop_w_f32(p), w0, sizeof w0);
          assert_memory_equal(c, c0, sizeof c);
          adex_pop_destroy(p);
        }
    }
}

/* No spike while t - t_last_spike <= tau_ref: gaps of more than tau_ref;
 * and the counts of the float64 population up to rounding. */
static void test_refractory_and_float64(void **state) {
  (void)state;
  unsigned c32[N], c64[N];
  double gap32, gap64;
  for (int soft = 0; soft < 2; soft++) {
    adex_spk_reset r = soft ? ADEX_SPK_RESET_SOFT : ADEX_SPK_RESET_HARD;
    adex_pop *a = make(ADEX_DTYPE_F32, "exp_auto", ADEX_KERNEL_AUTO, 1, 3.0, r);
    adex_pop *b = make(ADEX_DTYPE_F64, "exp_auto", ADEX_KERNEL_AUTO, 1, 3.0, r);
    run(a, c32, &gap32);
    run(b, c64, &gap64);
    assert_true(gap32 > 3.0 - 1e-6 && gap64 > 3.0 - 1e-9);
    size_t total32 = 0, total64 = 0, same = 0;
    for (size_t i = 0; i < N; i++) {
      total32 += c32[i];
      total64 += c64[i];
      same += c32[i] == c64[i];
    }
    assert_true(total64 > N); /* the refractory period is reached */
    /* per neuron, rounding moves a spike across the end of the run now and
     * then (more often after a soft reset, which restarts near V_T): 291
     * and 254 of 300 counts equal when written; totals within 0.2 % */
    assert_true(same >= 3 * N / 4);
    assert_true(fabs((double)total32 - (double)total64) <=
                0.01 * (double)total64);
    /* without tau_ref the neurons fire faster: the period does act */
    adex_pop *c = make(ADEX_DTYPE_F32, "exp_auto", ADEX_KERNEL_AUTO, 1, 0.0, r);
    unsigned cf[N];
    double gapf;
    run(c, cf, &gapf);
    assert_true(gapf < 3.0);
    adex_pop_destroy(a);
    adex_pop_destroy(b);
    adex_pop_destroy(c);
  }
  /* still refused: what needs the general path */
  adex_pop_config cfg;
  adex_pop_config_default(&cfg, 3);
  cfg.dtype = ADEX_DTYPE_F32;
  cfg.noise = 1.0;
  adex_pop *p = NULL;
  assert_status(adex_pop_create(&cfg, &p), ADEX_EINVAL);
  cfg.noise = 0;
  cfg.precise_spikes = true;
  assert_status(adex_pop_create(&cfg, &p), ADEX_EINVAL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_same_bits_everywhere),
      cmocka_unit_test(test_refractory_and_float64),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
