/* test_perf_exactness.c - the fast paths give the reference's numbers.
 *
 *   - every SIMD kernel (adex_kernel) against the plain scalar one, for
 *     every method: each step starts both from the same state; V, w,
 *     spikes and t_last_spike agree bit for bit (the kernels share their
 *     elementary functions, src/math/xmath_body.h; ADEX_TEST_VERBOSE=1 prints
 *     how many values are 0, 1, 2.. ulp apart: all 0);
 *   - the adaptive mode: the SIMD driver (the default under AUTO where the
 *     CPU has a SIMD kernel, or a SIMD kernel named) gives the scalar
 *     driver's bits: V, w, sub-step sizes and the event list;
 *   - float32: the SIMD float kernels give the scalar float formula's
 *     bits, with a refractory period and the soft reset too; the variable
 *     table and accessors;
 *   - every number of threads gives the same bits as one thread, for the
 *     fused step and the general path (event list included);
 *   - noise: every kernel gives the scalar kernel's bits and two threads
 *     one thread's (the normal values depend on seed, step and neuron
 *     only; test_init checks the generator itself);
 *   - the general path agrees with the fused step bit for bit for every
 *     kernel (test_options does it for the default one);
 *   - the fixed-step options the fused step applies (a refractory period,
 *     the soft reset, both; precise spike times, whose fused step leaves
 *     the neurons that spike to the general one; noise, added after the
 *     fused step) and the adaptive
 *     SIMD driver's (a refractory period, the soft reset) give the general
 *     path's bits for every kernel,
 *     with neurons entering and leaving the refractory period next to
 *     each other in a vector and spikes in the first and last lane of a
 *     tile;
 *   - no allocation per step, and at most 48 bytes of state per neuron.
 * Timings are not tested here: bench/bench_pop prints them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "adex_test.h"
#include "pop_internal.h"

static bool verbose(void) { return getenv("ADEX_TEST_VERBOSE") != NULL; }

/* Distance in units in the last place between two finite doubles. */
static uint64_t ulp_diff(double a, double b) {
  int64_t ia, ib;
  memcpy(&ia, &a, sizeof ia);
  memcpy(&ib, &b, sizeof ib);
  if (ia < 0) ia = INT64_MIN - ia;
  if (ib < 0) ib = INT64_MIN - ib;
  return ia > ib ? (uint64_t)ia - (uint64_t)ib : (uint64_t)ib - (uint64_t)ia;
}

static const adex_kernel simd_kernels[] = {ADEX_KERNEL_AVX2,
                                           ADEX_KERNEL_AVX512};
#define N_SIMD (sizeof simd_kernels / sizeof simd_kernels[0])

/* Run `fast` and `ref` (same config, kernels differ) for `steps` steps of
 * dt with input I[i], copying fast's state into ref before each step;
 * assert V, w, spikes and t_last_spike equal bit for bit. Adds the number
 * of values 0, 1, 2, 3, 4 or more ulp apart to hist[5] (before the
 * assertion, for the message) and returns the spikes. */
static long compare_kernels(adex_pop *fast, adex_pop *ref, const double *I,
                            size_t n, int steps, double dt, long hist[5]) {
  long spikes = 0;
  for (int k = 0; k < steps; k++) {
    memcpy(adex_pop_V(ref), adex_pop_V(fast), n * sizeof(double));
    memcpy(adex_pop_w(ref), adex_pop_w(fast), n * sizeof(double));
    memcpy(adex_pop_t_last_spike(ref), adex_pop_t_last_spike(fast),
           n * sizeof(double));
    memcpy(adex_pop_input(fast), I, n * sizeof *I);
    memcpy(adex_pop_input(ref), I, n * sizeof *I);
    assert_ok(adex_pop_update(fast, k * dt, dt));
    assert_ok(adex_pop_update(ref, k * dt, dt));
    for (size_t i = 0; i < n; i++) {
      uint64_t dV = ulp_diff(adex_pop_V(fast)[i], adex_pop_V(ref)[i]);
      uint64_t dw = ulp_diff(adex_pop_w(fast)[i], adex_pop_w(ref)[i]);
      if (dV != 0 || dw != 0)
        print_error("step %d neuron %zu: V %a vs %a, w %a vs %a\n", k, i,
                    adex_pop_V(fast)[i], adex_pop_V(ref)[i],
                    adex_pop_w(fast)[i], adex_pop_w(ref)[i]);
      hist[dV < 4 ? dV : 4]++;
      hist[dw < 4 ? dw : 4]++;
      spikes += adex_pop_spike(ref)[i];
    }
    assert_memory_equal(adex_pop_V(fast), adex_pop_V(ref), n * sizeof(double));
    assert_memory_equal(adex_pop_w(fast), adex_pop_w(ref), n * sizeof(double));
    assert_memory_equal(adex_pop_spike(fast), adex_pop_spike(ref),
                        n * sizeof(bool));
    assert_memory_equal(adex_pop_t_last_spike(fast), adex_pop_t_last_spike(ref),
                        n * sizeof(double));
  }
  return spikes;
}

/* A spiking population with shared parameters, from spread states under
 * inputs from 0 to 60 (rest to fast tonic firing), n not a multiple of
 * any vector width. */
static void config_shared(adex_pop_config *cfg, size_t n, const char *m) {
  adex_pop_config_default(cfg, n);
  cfg->method = m;
  cfg->V_init = adex_init_uniform(-70.0, -40.0, 11);
  cfg->w_init = adex_init_uniform(0.0, 5.0, 12);
}

static void test_kernels_match_scalar_shared(void **state) {
  (void)state;
  enum { n = 67 };
  double I[n];
  for (int i = 0; i < n; i++) I[i] = 60.0 * i / (n - 1);
  for (size_t kk = 0; kk < N_SIMD; kk++) {
    if (!adex_kernel_available(simd_kernels[kk])) continue;
    for (size_t m = 0; m < adex_method_count(); m++) {
      const char *name = adex_method_name(adex_method_at(m));
      /* exp_auto also at coarse steps, where z = h LV is larger: h/tau
       * 0.1, then 0.2 (above 1/8, where the kernels' lean form, which
       * takes z >= -1/8, is not used), and with R = 2 (nor there) */
      static const double dts[] = {0.1, 1.0, 2.0, 0.1};
      for (int c = 0; c < (m == 0 ? 4 : 1); c++) {
        double dt = dts[c];
        adex_pop_config cfg;
        config_shared(&cfg, n, name);
        if (c == 3) cfg.params.R = 2.0;
        cfg.kernel = simd_kernels[kk];
        adex_pop *fast = adex_test_pop(&cfg);
        cfg.kernel = ADEX_KERNEL_SCALAR;
        adex_pop *ref = adex_test_pop(&cfg);
        long hist[5] = {0};
        long spikes = compare_kernels(fast, ref, I, n, 500, dt, hist);
        assert_true(spikes > 300);
        if (verbose())
          printf("%-7s %-11s dt %.1f: %ld spikes; V and w values 0/1/2/3/4+ "
                 "ulp apart: %ld %ld %ld %ld %ld\n",
                 adex_kernel_name(simd_kernels[kk]), name, dt, spikes, hist[0],
                 hist[1], hist[2], hist[3], hist[4]);
        adex_pop_destroy(fast);
        adex_pop_destroy(ref);
      }
    }
  }
}

/* Per-neuron parameters (gathered into the lanes), including delta_T = 0
 * (the integrate-and-fire limit) and negative a. */
static void test_kernels_match_scalar_hetero(void **state) {
  (void)state;
  enum { n = 11 };
  double tau[n], a[n], b[n], delta_T[n], VT[n], Vth[n], I[n];
  for (int i = 0; i < n; i++) {
    tau[i] = 5.0 + 2.5 * i;
    a[i] = -0.6 + 0.3 * i;
    b[i] = 0.5 + i;
    delta_T[i] = i == 3 ? 0.0 : 0.5 + 0.5 * i;
    VT[i] = -60.0 + 0.8 * i;
    Vth[i] = -40.0 + 4.0 * i;
    I[i] = 10.0 + 9.0 * i;
  }
  adex_init inits[6] = {adex_init_array(tau, n), adex_init_array(a, n),
                        adex_init_array(b, n),   adex_init_array(delta_T, n),
                        adex_init_array(VT, n),  adex_init_array(Vth, n)};
  static const adex_param_id ids[6] = {ADEX_P_TAU,     ADEX_P_A,   ADEX_P_B,
                                       ADEX_P_DELTA_T, ADEX_P_V_T, ADEX_P_V_TH};
  for (size_t kk = 0; kk < N_SIMD; kk++) {
    if (!adex_kernel_available(simd_kernels[kk])) continue;
    for (size_t m = 0; m < adex_method_count(); m++) {
      adex_pop_config cfg;
      config_shared(&cfg, n, adex_method_name(adex_method_at(m)));
      for (int j = 0; j < 6; j++) cfg.param_init[ids[j]] = &inits[j];
      cfg.kernel = simd_kernels[kk];
      adex_pop *fast = adex_test_pop(&cfg);
      cfg.kernel = ADEX_KERNEL_SCALAR;
      adex_pop *ref = adex_test_pop(&cfg);
      long hist[5] = {0};
      long spikes = compare_kernels(fast, ref, I, n, 2000, 0.1, hist);
      if (verbose())
        printf("%-7s %-11s hetero: %ld spikes; 0/1/2/3/4+ ulp: %ld %ld %ld "
               "%ld %ld\n",
               adex_kernel_name(simd_kernels[kk]),
               adex_method_name(adex_method_at(m)), spikes, hist[0], hist[1],
               hist[2], hist[3], hist[4]);
      assert_true(spikes > 100);
      adex_pop_destroy(fast);
      adex_pop_destroy(ref);
    }
  }
}

/* The adaptive mode. The SIMD driver (W neurons at once) runs under AUTO
 * where the CPU has a SIMD kernel, and where one is named; step by step
 * from the same state, sub-step size included, it gives the scalar
 * driver's bits: V, w, the sub-step sizes and the event list, for every
 * kernel (measured: all bit for bit). */
static void test_adaptive_kernels_match_scalar(void **state) {
  (void)state;
  enum { n = 157 }; /* two whole tiles of 64 neurons and a part */
  double I[n];
  for (int i = 0; i < n; i++) I[i] = 60.0 * i / (n - 1);
  static const char *const methods[] = {"rkf45", "rkdp", "bs", "heun_euler"};
  static const adex_kernel kernels[] = {ADEX_KERNEL_AUTO, ADEX_KERNEL_AVX2,
                                        ADEX_KERNEL_AVX512};
  double tau[n];
  for (int i = 0; i < n; i++) tau[i] = 5.0 + 0.1 * i;
  adex_init tau_init = adex_init_array(tau, n);
  for (size_t kk = 0; kk < 3; kk++) {
    if (!adex_kernel_available(kernels[kk])) continue;
    /* the four methods with shared parameters, then rkf45 with tau per
     * neuron (the parameters gathered into the lanes) */
    for (size_t m = 0; m < 5; m++) {
      adex_pop_config cfg;
      config_shared(&cfg, n, methods[m % 4]);
      if (m == 4) cfg.param_init[ADEX_P_TAU] = &tau_init;
      cfg.adaptive = true;
      cfg.kernel = kernels[kk];
      adex_pop *fast = adex_test_pop(&cfg);
      cfg.kernel = ADEX_KERNEL_SCALAR;
      adex_pop *ref = adex_test_pop(&cfg);
      adex_var hf, hr;
      assert_ok(adex_pop_var_find(fast, "step_size", &hf));
      assert_ok(adex_pop_var_find(ref, "step_size", &hr));
      long spikes = 0;
      for (int k = 0; k < 300; k++) {
        memcpy(hr.data, hf.data, n * sizeof(double));
        memcpy(adex_pop_V(ref), adex_pop_V(fast), n * sizeof(double));
        memcpy(adex_pop_w(ref), adex_pop_w(fast), n * sizeof(double));
        memcpy(adex_pop_input(fast), I, sizeof I);
        memcpy(adex_pop_input(ref), I, sizeof I);
        assert_ok(adex_pop_update(fast, k * 0.1, 0.1));
        assert_ok(adex_pop_update(ref, k * 0.1, 0.1));
        assert_memory_equal(adex_pop_V(fast), adex_pop_V(ref),
                            n * sizeof(double));
        assert_memory_equal(adex_pop_w(fast), adex_pop_w(ref),
                            n * sizeof(double));
        assert_memory_equal(hf.data, hr.data, n * sizeof(double));
        assert_memory_equal(adex_pop_spike(fast), adex_pop_spike(ref), n);
        assert_memory_equal(adex_pop_t_last_spike(fast),
                            adex_pop_t_last_spike(ref), n * sizeof(double));
        for (int i = 0; i < n; i++) assert_true(adex_pop_input(fast)[i] == 0.0);
        const adex_spike_event *a, *b;
        size_t na, nb;
        assert_ok(adex_pop_spike_events(fast, &a, &na));
        assert_ok(adex_pop_spike_events(ref, &b, &nb));
        assert_int_equal(na, nb);
        assert_memory_equal(a, b, na * sizeof *a);
        spikes += (long)na;
      }
      if (verbose())
        printf("%-7s %-11s adaptive: %ld spikes; V, w, step sizes bit for "
               "bit%s\n",
               adex_kernel_name(kernels[kk]), methods[m % 4], spikes,
               m == 4 ? " (tau per neuron)" : "");
      assert_true(spikes > 100);
      adex_pop_destroy(fast);
      adex_pop_destroy(ref);
    }
  }
}

/* ------------------------------------------------------------ float32 */

/* Distance in units in the last place between two finite floats. */
static uint32_t ulp_diff_f(float a, float b) {
  int32_t ia, ib;
  memcpy(&ia, &a, sizeof ia);
  memcpy(&ib, &b, sizeof ib);
  if (ia < 0) ia = INT32_MIN - ia;
  if (ib < 0) ib = INT32_MIN - ib;
  return ia > ib ? (uint32_t)ia - (uint32_t)ib : (uint32_t)ib - (uint32_t)ia;
}

/* float32 exp_auto: each SIMD kernel against the scalar float formula,
 * step by step from the same state (shared and per-neuron parameters;
 * without options, with a refractory period, the soft reset and both,
 * all in float): V, w, spikes, t_last_spike and the refractory flags bit
 * for bit (ADEX_TEST_VERBOSE=1 prints how many values are 0, 1, 2.. float
 * ulp apart: all 0). */
static void test_f32_kernels_match_scalar(void **state) {
  (void)state;
  enum { n = 75 };
  double tau[n], I[n];
  float If[n];
  for (int i = 0; i < n; i++) {
    tau[i] = 6.0 + 0.2 * i;
    I[i] = 60.0 * i / (n - 1);
    If[i] = (float)I[i];
  }
  adex_init tau_init = adex_init_array(tau, n);
  for (size_t kk = 0; kk < N_SIMD; kk++) {
    if (!adex_kernel_available(simd_kernels[kk])) continue;
    for (int opt = 0; opt < 4; opt++)
      for (int hetero = 0; hetero < 2; hetero++) {
        adex_pop_config cfg;
        config_shared(&cfg, n, "exp_auto");
        cfg.dtype = ADEX_DTYPE_F32;
        cfg.tau_ref = opt & 1 ? 2.0 : 0.0;
        cfg.spk_reset = opt & 2 ? ADEX_SPK_RESET_SOFT : ADEX_SPK_RESET_HARD;
        if (hetero) cfg.param_init[ADEX_P_TAU] = &tau_init;
        cfg.kernel = simd_kernels[kk];
        adex_pop *fast = adex_test_pop(&cfg);
        cfg.kernel = ADEX_KERNEL_SCALAR;
        adex_pop *ref = adex_test_pop(&cfg);
        long hist[5] = {0}, spikes = 0, held = 0;
        for (int k = 0; k < 1500; k++) {
          memcpy(adex_pop_V_f32(ref), adex_pop_V_f32(fast), n * sizeof(float));
          memcpy(adex_pop_w_f32(ref), adex_pop_w_f32(fast), n * sizeof(float));
          memcpy(adex_pop_t_last_spike_f32(ref),
                 adex_pop_t_last_spike_f32(fast), n * sizeof(float));
          memcpy(adex_pop_input_f32(fast), If, sizeof If);
          memcpy(adex_pop_input_f32(ref), If, sizeof If);
          assert_ok(adex_pop_update(fast, k * 0.1, 0.1));
          assert_ok(adex_pop_update(ref, k * 0.1, 0.1));
          for (int i = 0; i < n; i++) {
            uint32_t dV =
                ulp_diff_f(adex_pop_V_f32(fast)[i], adex_pop_V_f32(ref)[i]);
            uint32_t dw =
                ulp_diff_f(adex_pop_w_f32(fast)[i], adex_pop_w_f32(ref)[i]);
            if (dV != 0 || dw != 0)
              print_error("step %d neuron %d: V %a vs %a, w %a vs %a\n", k, i,
                          (double)adex_pop_V_f32(fast)[i],
                          (double)adex_pop_V_f32(ref)[i],
                          (double)adex_pop_w_f32(fast)[i],
                          (double)adex_pop_w_f32(ref)[i]);
            hist[dV < 4 ? dV : 4]++;
            hist[dw < 4 ? dw : 4]++;
            spikes += adex_pop_spike(ref)[i];
            held += adex_pop_refractory(ref)[i] && !adex_pop_spike(ref)[i];
          }
          assert_memory_equal(adex_pop_V_f32(fast), adex_pop_V_f32(ref),
                              n * sizeof(float));
          assert_memory_equal(adex_pop_w_f32(fast), adex_pop_w_f32(ref),
                              n * sizeof(float));
          assert_memory_equal(adex_pop_spike(fast), adex_pop_spike(ref),
                              n * sizeof(bool));
          assert_memory_equal(adex_pop_t_last_spike_f32(fast),
                              adex_pop_t_last_spike_f32(ref),
                              n * sizeof(float));
          assert_memory_equal(adex_pop_refractory(fast),
                              adex_pop_refractory(ref), n * sizeof(bool));
        }
        assert_true(spikes > 300);
        if (opt & 1) assert_true(held > 1000);
        if (verbose())
          printf("%-7s exp_auto float32%s, tau_ref %d, soft %d: %ld spikes; "
                 "0/1/2/3/4+ ulp: %ld %ld %ld %ld %ld\n",
                 adex_kernel_name(simd_kernels[kk]), hetero ? " hetero" : "",
                 opt & 1, opt >> 1, spikes, hist[0], hist[1], hist[2], hist[3],
                 hist[4]);
        adex_pop_destroy(fast);
        adex_pop_destroy(ref);
      }
  }
}

/* A float32 population: its variables are float32 in the table, the
 * double accessors give NULL, and it follows a float64 one closely
 * (exp_auto in float, rk4 in double with the state rounded to float). */
static void test_f32_population(void **state) {
  (void)state;
  enum { n = 40 };
  static const char *const methods[] = {"exp_auto", "rk4"};
  for (int m = 0; m < 2; m++) {
    adex_pop_config cfg;
    config_shared(&cfg, n, methods[m]);
    adex_pop *p64 = adex_test_pop(&cfg);
    cfg.dtype = ADEX_DTYPE_F32;
    adex_pop *p32 = adex_test_pop(&cfg);
    assert_int_equal(adex_pop_dtype(p32), ADEX_DTYPE_F32);
    assert_int_equal(adex_pop_dtype(p64), ADEX_DTYPE_F64);
    assert_null(adex_pop_V(p32));
    assert_null(adex_pop_V_f32(p64));
    adex_var v;
    assert_ok(adex_pop_var_find(p32, "t_last_spike", &v));
    assert_int_equal(v.dtype, ADEX_DTYPE_F32);
    assert_ptr_equal(v.data, adex_pop_t_last_spike_f32(p32));
    assert_ok(adex_pop_var_find(p32, "spike", &v));
    assert_int_equal(v.dtype, ADEX_DTYPE_BOOL);
    for (int i = 0; i < n; i++) {
      assert_true(adex_pop_V_f32(p32)[i] == (float)adex_pop_V(p64)[i]);
      assert_true(adex_pop_t_last_spike_f32(p32)[i] == -1e7f);
    }
    long s32 = 0, s64 = 0;
    for (int k = 0; k < 100; k++) {
      for (int i = 0; i < n; i++) {
        adex_pop_input(p64)[i] = 0.5 * i;
        adex_pop_input_f32(p32)[i] = 0.5f * (float)i;
      }
      assert_ok(adex_pop_update(p64, k * 0.1, 0.1));
      assert_ok(adex_pop_update(p32, k * 0.1, 0.1));
      for (int i = 0; i < n; i++) {
        s64 += adex_pop_spike(p64)[i];
        s32 += adex_pop_spike(p32)[i];
        assert_true(adex_pop_input_f32(p32)[i] == 0.0f);
        if (adex_pop_spike(p32)[i])
          assert_true(adex_pop_t_last_spike_f32(p32)[i] == (float)(k * 0.1));
      }
    }
    assert_true(s64 > 10);
    assert_true(labs(s32 - s64) <= 2);
    for (int i = 0; i < n; i++)
      if (!adex_pop_spike(p64)[i] && !adex_pop_spike(p32)[i])
        assert_close(adex_pop_V_f32(p32)[i], adex_pop_V(p64)[i], 1e-4, 1e-3);
    assert_ok(adex_pop_reset(p32));
    assert_ok(adex_pop_reset(p64));
    for (int i = 0; i < n; i++)
      assert_true(adex_pop_V_f32(p32)[i] == (float)adex_pop_V(p64)[i]);
    adex_pop_destroy(p64);
    adex_pop_destroy(p32);
  }
  /* the general path (noise here) needs float64; tau_ref and the soft
   * reset run on the fixed step (tests/test_f32_options.c) */
  adex_pop_config cfg;
  adex_pop_config_default(&cfg, 4);
  cfg.dtype = ADEX_DTYPE_F32;
  cfg.noise = 1.0;
  adex_pop *pop = NULL;
  assert_status(adex_pop_create(&cfg, &pop), ADEX_EINVAL);
  cfg.noise = 0.0;
  cfg.dtype = ADEX_DTYPE_BOOL;
  assert_status(adex_pop_create(&cfg, &pop), ADEX_EINVAL);
}

/* ------------------------------------------------------------ threads */

/* Run configs a and b (which differ in threads or kernel only) side by
 * side for `steps` steps and assert every state array and event list
 * equal each step. */
static void compare_configs(const adex_pop_config *ca,
                            const adex_pop_config *cb, size_t n, int steps) {
  double *I = malloc(n * sizeof *I);
  assert_non_null(I);
  for (size_t i = 0; i < n; i++) I[i] = 50.0 * (double)(i % 1000) / 999.0;
  adex_pop *one = adex_test_pop(ca);
  adex_pop *many = adex_test_pop(cb);
  long spikes = 0;
  for (int k = 0; k < steps; k++) {
    memcpy(adex_pop_input(one), I, n * sizeof *I);
    memcpy(adex_pop_input(many), I, n * sizeof *I);
    assert_ok(adex_pop_update(one, k * 0.1, 0.1));
    assert_ok(adex_pop_update(many, k * 0.1, 0.1));
    assert_memory_equal(adex_pop_V(one), adex_pop_V(many), n * sizeof(double));
    assert_memory_equal(adex_pop_w(one), adex_pop_w(many), n * sizeof(double));
    assert_memory_equal(adex_pop_spike(one), adex_pop_spike(many), n);
    assert_memory_equal(adex_pop_t_last_spike(one), adex_pop_t_last_spike(many),
                        n * sizeof(double));
    if (ca->tau_ref > 0)
      assert_memory_equal(adex_pop_refractory(one), adex_pop_refractory(many),
                          n);
    const adex_spike_event *a, *b;
    size_t na, nb;
    assert_ok(adex_pop_spike_events(one, &a, &na));
    assert_ok(adex_pop_spike_events(many, &b, &nb));
    assert_int_equal(na, nb);
    assert_memory_equal(a, b, na * sizeof *a);
    spikes += (long)na;
  }
  assert_true(spikes > 100);
  assert_int_equal(adex_pop_spike_events_dropped(one),
                   adex_pop_spike_events_dropped(many));
  adex_pop_destroy(one);
  adex_pop_destroy(many);
  free(I);
}

/* The same config with 1 and with `threads` threads. */
static void compare_threads(adex_pop_config *cfg, size_t n, int threads,
                            int steps) {
  adex_pop_config many = *cfg;
  cfg->threads = 1;
  many.threads = threads;
  compare_configs(cfg, &many, n, steps);
}

/* The same for float32: exp_auto in float, rk4 through double. */
static void compare_threads_f32(adex_pop_config *cfg, size_t n, int threads,
                                int steps) {
  cfg->dtype = ADEX_DTYPE_F32;
  cfg->threads = 1;
  adex_pop *one = adex_test_pop(cfg);
  cfg->threads = threads;
  adex_pop *many = adex_test_pop(cfg);
  for (int k = 0; k < steps; k++) {
    for (size_t i = 0; i < n; i++)
      adex_pop_input_f32(one)[i] = adex_pop_input_f32(many)[i] =
          0.05f * (float)(i % 1000);
    assert_ok(adex_pop_update(one, k * 0.1, 0.1));
    assert_ok(adex_pop_update(many, k * 0.1, 0.1));
    assert_memory_equal(adex_pop_V_f32(one), adex_pop_V_f32(many),
                        n * sizeof(float));
    assert_memory_equal(adex_pop_w_f32(one), adex_pop_w_f32(many),
                        n * sizeof(float));
    assert_memory_equal(adex_pop_spike(one), adex_pop_spike(many), n);
    assert_memory_equal(adex_pop_t_last_spike_f32(one),
                        adex_pop_t_last_spike_f32(many), n * sizeof(float));
    assert_memory_equal(adex_pop_refractory(one), adex_pop_refractory(many), n);
  }
  adex_pop_destroy(one);
  adex_pop_destroy(many);
}

static void test_threads_identical(void **state) {
  (void)state;
  enum { n = 10007 }; /* 4 threads of >= 2048 neurons, a ragged end */
  static const int counts[] = {2, 3};
  static double tau[n], a[n];
  for (int i = 0; i < n; i++) {
    tau[i] = 8.0 + 4.0 * i / n;
    a[i] = 0.5 + 1.0 * i / n;
  }
  adex_init tau_init = adex_init_array(tau, n);
  adex_init a_init = adex_init_array(a, n);
  for (size_t c = 0; c < sizeof counts / sizeof counts[0]; c++) {
    adex_pop_config cfg;
    config_shared(&cfg, n, "exp_auto");
    compare_threads_f32(&cfg, n, counts[c], 30);
    config_shared(&cfg, n, "rk4");
    compare_threads_f32(&cfg, n, counts[c], 10);
    /* float32 with a refractory period and the soft reset: exp_auto's
     * float kernel, rk4's double tiles */
    config_shared(&cfg, n, "exp_auto");
    cfg.tau_ref = 2.0;
    cfg.spk_reset = ADEX_SPK_RESET_SOFT;
    compare_threads_f32(&cfg, n, counts[c], 40);
    config_shared(&cfg, n, "exp_auto");
    cfg.tau_ref = 2.0;
    compare_threads_f32(&cfg, n, counts[c], 40);
    config_shared(&cfg, n, "rk4");
    cfg.tau_ref = 2.0;
    cfg.spk_reset = ADEX_SPK_RESET_SOFT;
    compare_threads_f32(&cfg, n, counts[c], 10);
    config_shared(&cfg, n, "exp_auto");
    compare_threads(&cfg, n, counts[c], 40);
    config_shared(&cfg, n, "rk4");
    compare_threads(&cfg, n, counts[c], 20);
    /* the general path: refractoriness with precise spike times, and the
     * adaptive mode with its per-neuron sub-steps */
    config_shared(&cfg, n, "exp_auto");
    cfg.tau_ref = 2.0;
    cfg.precise_spikes = true;
    compare_threads(&cfg, n, counts[c], 15);
    config_shared(&cfg, n, "rkf45");
    cfg.adaptive = true;
    compare_threads(&cfg, n, counts[c], 8);
    /* per-neuron parameters (the SIMD kernels read them as arrays, each
     * thread its part): the fused step and the adaptive driver */
    config_shared(&cfg, n, "exp_auto");
    cfg.param_init[ADEX_P_TAU] = &tau_init;
    cfg.param_init[ADEX_P_A] = &a_init;
    compare_threads(&cfg, n, counts[c], 20);
    config_shared(&cfg, n, "rkf45");
    cfg.param_init[ADEX_P_TAU] = &tau_init;
    cfg.param_init[ADEX_P_A] = &a_init;
    cfg.adaptive = true;
    compare_threads(&cfg, n, counts[c], 8);
  }
}

/* Noise: each kernel gives the scalar kernel's bits, and two threads one
 * thread's for each kernel, every population run on its own from the
 * same start (the noise's normal values are a function of the seed, the
 * step and the neuron only): the fused-noise path (with and without
 * tau_ref and the soft reset, shared and per-neuron parameters) and the
 * general path (precise spike times; the adaptive mode). n = 10007: five
 * threads' worth of blocks and a ragged end (not a whole chunk). */
static void test_noise_kernels_and_threads(void **state) {
  (void)state;
  enum { n = 10007 };
  static const adex_kernel kernels[] = {ADEX_KERNEL_SCALAR, ADEX_KERNEL_AVX2,
                                        ADEX_KERNEL_AVX512};
  static double vth[n];
  for (int i = 0; i < n; i++) vth[i] = -50.0 + 0.001 * i;
  adex_init vth_init = adex_init_array(vth, n);
  for (int variant = 0; variant < 5; variant++) {
    adex_pop_config cfg;
    config_shared(&cfg, n, variant == 4 ? "rkf45" : "exp_auto");
    cfg.noise = 5.0;
    cfg.noise_seed = 99;
    if (variant == 1 || variant == 2) {
      cfg.tau_ref = 2.0;
      cfg.spk_reset = ADEX_SPK_RESET_SOFT;
    }
    if (variant == 2) cfg.param_init[ADEX_P_V_TH] = &vth_init;
    if (variant == 3) cfg.precise_spikes = true;
    if (variant == 4) cfg.adaptive = true;
    int steps = variant >= 3 ? 8 : 30;
    for (size_t k = 0; k < 3; k++) {
      if (!adex_kernel_available(kernels[k])) continue;
      cfg.kernel = kernels[k];
      if (k > 0) {
        adex_pop_config ref = cfg;
        ref.kernel = ADEX_KERNEL_SCALAR;
        compare_configs(&ref, &cfg, n, steps);
      }
      compare_threads(&cfg, n, 2, steps);
    }
  }
}

/* ------------------------------------------------------------ paths */

/* The general path (on through tau_ref = 1e-300, which never holds V) and
 * the fused step give the same bits with every kernel. */
static void test_general_matches_fused_each_kernel(void **state) {
  (void)state;
  static const char *const methods[] = {"exp_auto", "euler", "rk4", "rkf45"};
  static const adex_kernel kernels[] = {ADEX_KERNEL_SCALAR, ADEX_KERNEL_AVX2,
                                        ADEX_KERNEL_AVX512};
  enum { n = 13 };
  for (size_t kk = 0; kk < 3; kk++) {
    if (!adex_kernel_available(kernels[kk])) continue;
    for (size_t m = 0; m < 4; m++) {
      adex_pop_config cfg;
      config_shared(&cfg, n, methods[m]);
      cfg.kernel = kernels[kk];
      adex_pop *fused = adex_test_pop(&cfg);
      cfg.tau_ref = 1e-300;
      adex_pop *general = adex_test_pop(&cfg);
      adex__pop_force_general(general);
      long spikes = 0;
      for (int k = 0; k < 1500; k++) {
        for (int i = 0; i < n; i++)
          adex_pop_input(fused)[i] = adex_pop_input(general)[i] = 5.0 * i;
        assert_ok(adex_pop_update(fused, k * 0.1, 0.1));
        assert_ok(adex_pop_update(general, k * 0.1, 0.1));
        assert_memory_equal(adex_pop_V(fused), adex_pop_V(general),
                            n * sizeof(double));
        assert_memory_equal(adex_pop_w(fused), adex_pop_w(general),
                            n * sizeof(double));
        for (int i = 0; i < n; i++) spikes += adex_pop_spike(fused)[i];
      }
      assert_true(spikes > 100);
      adex_pop_destroy(fused);
      adex_pop_destroy(general);
    }
  }
}

/* The fixed-step options on the fused step against the general path
 * (adex__pop_force_general): every method (fixed step) with a refractory
 * period, the soft reset and both, and four methods also with precise
 * spike times or noise (alone and with the others), for every kernel,
 * with shared parameters and with V_th and tau per neuron (the parameter
 * arrays, and gathered lanes in the last partial vector). Both populations run side by side from the same
 * state; V, w, spikes, t_last_spike, the refractory flags and the event
 * list agree bit for bit at every step. n = 157: two whole tiles of 64
 * neurons and a partial vector; every neuron spikes (first and last lane
 * of each tile included), and vectors hold refractory and free neurons
 * side by side, neurons entering and leaving the period in one step. */
static void test_fused_options_match_general(void **state) {
  (void)state;
  enum { n = 157 };
  static const adex_kernel kernels[] = {ADEX_KERNEL_SCALAR, ADEX_KERNEL_AVX2,
                                        ADEX_KERNEL_AVX512};
  double I[n], vth[n], tau[n];
  for (int i = 0; i < n; i++) {
    I[i] = 15.0 + 45.0 * ((i * 37) % n) / n;
    vth[i] = -45.0 + 0.1 * ((i * 11) % n);
    tau[i] = 5.0 + 0.05 * i;
  }
  adex_init vth_init = adex_init_array(vth, n);
  adex_init tau_init = adex_init_array(tau, n);
  for (size_t kk = 0; kk < 3; kk++) {
    if (!adex_kernel_available(kernels[kk])) continue;
    for (size_t m = 0; m < adex_method_count(); m++) {
      const char *name = adex_method_name(adex_method_at(m));
      /* precise spike times (opt & 4) or noise (opt & 8) with four of
       * the methods */
      bool some = strcmp(name, "exp_auto") == 0 || strcmp(name, "euler") == 0 ||
                  strcmp(name, "rk4") == 0 || strcmp(name, "rkf45") == 0;
      for (int opt = 1; opt < (some ? 12 : 4); opt++) {
        if ((opt & 12) == 12) continue;
        /* shared parameters with the four, per-neuron ones with all */
        for (int hetero = some ? 0 : 1; hetero < 2; hetero++) {
          adex_pop_config cfg;
          config_shared(&cfg, n, name);
          cfg.kernel = kernels[kk];
          cfg.tau_ref = opt & 1 ? 2.0 : 0.0;
          cfg.spk_reset = opt & 2 ? ADEX_SPK_RESET_SOFT : ADEX_SPK_RESET_HARD;
          cfg.precise_spikes = opt & 4;
          cfg.noise = opt & 8 ? 20.0 : 0.0; /* 6.3 mV per step */
          cfg.noise_seed = 5;
          if (hetero) {
            cfg.param_init[ADEX_P_V_TH] = &vth_init;
            cfg.param_init[ADEX_P_TAU] = &tau_init;
          }
          adex_pop *fast = adex_test_pop(&cfg);
          adex_pop *gen = adex_test_pop(&cfg);
          /* the fused step applies them, or runs first (precise, noise) */
          assert_true(opt & 4   ? fast->fused_precise
                      : opt & 8 ? fast->fused_noise
                                : fast->fused_opts);
          adex__pop_force_general(gen);
          long spikes[n] = {0}, mixed = 0, soft = 0;
          for (int k = 0; k < 800; k++) {
            memcpy(adex_pop_input(fast), I, sizeof I);
            memcpy(adex_pop_input(gen), I, sizeof I);
            assert_ok(adex_pop_update(fast, k * 0.1, 0.1));
            assert_ok(adex_pop_update(gen, k * 0.1, 0.1));
            assert_memory_equal(adex_pop_V(fast), adex_pop_V(gen), sizeof I);
            assert_memory_equal(adex_pop_w(fast), adex_pop_w(gen), sizeof I);
            assert_memory_equal(adex_pop_t_last_spike(fast),
                                adex_pop_t_last_spike(gen), sizeof I);
            assert_memory_equal(adex_pop_spike(fast), adex_pop_spike(gen), n);
            assert_memory_equal(adex_pop_refractory(fast),
                                adex_pop_refractory(gen), n);
            const adex_spike_event *a, *b;
            size_t na, nb;
            assert_ok(adex_pop_spike_events(fast, &a, &na));
            assert_ok(adex_pop_spike_events(gen, &b, &nb));
            assert_int_equal(na, nb);
            assert_memory_equal(a, b, na * sizeof *a);
            const bool *r = adex_pop_refractory(fast);
            for (int i = 0; i < n; i++) {
              spikes[i] += adex_pop_spike(fast)[i];
              if (adex_pop_spike(fast)[i] && adex_pop_V(fast)[i] != -68.0)
                soft++;
              /* a held and a free neuron in one vector of 4 */
              if (i % 4 == 3 && (r[i] != r[i - 1] || r[i - 2] != r[i - 3]))
                mixed++;
            }
          }
          for (int i = 0; i < n; i++) assert_true(spikes[i] > 2);
          if (opt & 1) assert_true(mixed > 1000);
          /* soft resets, not V_reset (with precise spike times, a step of
           * euler crosses V_th exactly, V - 38 is V_reset and then held) */
          if (opt == 2 || opt == 3) assert_true(soft > 100);
          adex_pop_destroy(fast);
          adex_pop_destroy(gen);
        }
      }
    }
  }
}

/* The adaptive mode with a refractory period, the soft reset and both:
 * the SIMD driver (AVX2, AVX-512 named) against the general per-neuron
 * path (adex__pop_force_general), V, w, sub-step sizes, t_last_spike,
 * the refractory flags and the event list bit for bit, with shared and
 * per-neuron parameters (n = 157: whole tiles and a partial one). */
static void test_adaptive_options_match_general(void **state) {
  (void)state;
  enum { n = 157 };
  static const adex_kernel kernels[] = {ADEX_KERNEL_AVX2, ADEX_KERNEL_AVX512};
  static const char *const methods[] = {"rkf45", "bs"};
  double I[n], tau[n];
  for (int i = 0; i < n; i++) {
    I[i] = 15.0 + 45.0 * ((i * 37) % n) / n;
    tau[i] = 5.0 + 0.05 * i;
  }
  adex_init tau_init = adex_init_array(tau, n);
  for (size_t kk = 0; kk < 2; kk++) {
    if (!adex_kernel_available(kernels[kk])) continue;
    for (size_t m = 0; m < 2; m++) {
      for (int opt = 1; opt < 4; opt++) {
        adex_pop_config cfg;
        config_shared(&cfg, n, methods[m]);
        if (m == 1) cfg.param_init[ADEX_P_TAU] = &tau_init;
        cfg.kernel = kernels[kk];
        cfg.adaptive = true;
        cfg.tau_ref = opt & 1 ? 2.0 : 0.0;
        cfg.spk_reset = opt & 2 ? ADEX_SPK_RESET_SOFT : ADEX_SPK_RESET_HARD;
        adex_pop *fast = adex_test_pop(&cfg);
        adex_pop *gen = adex_test_pop(&cfg);
        adex__pop_force_general(gen);
        adex_var hf, hg;
        assert_ok(adex_pop_var_find(fast, "step_size", &hf));
        assert_ok(adex_pop_var_find(gen, "step_size", &hg));
        long spikes = 0, held = 0;
        for (int k = 0; k < 600; k++) {
          memcpy(adex_pop_input(fast), I, sizeof I);
          memcpy(adex_pop_input(gen), I, sizeof I);
          assert_ok(adex_pop_update(fast, k * 0.1, 0.1));
          assert_ok(adex_pop_update(gen, k * 0.1, 0.1));
          assert_memory_equal(adex_pop_V(fast), adex_pop_V(gen), sizeof I);
          assert_memory_equal(adex_pop_w(fast), adex_pop_w(gen), sizeof I);
          assert_memory_equal(hf.data, hg.data, sizeof I);
          assert_memory_equal(adex_pop_t_last_spike(fast),
                              adex_pop_t_last_spike(gen), sizeof I);
          assert_memory_equal(adex_pop_spike(fast), adex_pop_spike(gen), n);
          assert_memory_equal(adex_pop_refractory(fast),
                              adex_pop_refractory(gen), n);
          const adex_spike_event *a, *b;
          size_t na, nb;
          assert_ok(adex_pop_spike_events(fast, &a, &na));
          assert_ok(adex_pop_spike_events(gen, &b, &nb));
          assert_int_equal(na, nb);
          assert_memory_equal(a, b, na * sizeof *a);
          spikes += (long)na;
          for (int i = 0; i < n; i++) held += adex_pop_refractory(fast)[i];
        }
        assert_true(spikes > 500);
        if (opt & 1) assert_true(held > spikes);
        adex_pop_destroy(fast);
        adex_pop_destroy(gen);
      }
    }
  }
}

/* ------------------------------------------------------------ memory */

/* An allocator that counts calls and live bytes. */
typedef struct counting {
  long calls;
  size_t live;
} counting;

static void *count_alloc(void *ud, size_t size, size_t align) {
  counting *c = ud;
  c->calls++;
  c->live += size;
  size_t rounded = (size + align - 1) / align * align;
  return aligned_alloc(align, rounded);
}

static void count_free(void *ud, void *ptr, size_t size) {
  counting *c = ud;
  c->live -= size;
  free(ptr);
}

/* After the first update (which may make the spike list), updates, resets
 * and spike lists allocate nothing, in every path. */
static void test_no_allocation_per_step(void **state) {
  (void)state;
  enum { n = 5000 };
  counting cnt = {0, 0};
  adex_allocator al = {count_alloc, count_free, &cnt};
  for (int variant = 0; variant < 8; variant++) {
    adex_pop_config cfg;
    config_shared(&cfg, n, variant == 1 || variant == 6 ? "rk4" : "exp_auto");
    cfg.alloc = &al;
    if (variant == 5 || variant == 6) cfg.dtype = ADEX_DTYPE_F32;
    cfg.threads = variant == 4 ? 2 : 1;
    if (variant == 2) cfg.tau_ref = 2.0;
    if (variant == 3) {
      cfg.method = "rkf45";
      cfg.adaptive = true;
    }
    if (variant == 4) cfg.kernel = ADEX_KERNEL_SCALAR;
    if (variant == 7) {
      cfg.method = "rkf45";
      cfg.adaptive = true;
      cfg.kernel = adex_kernel_best();
    }
    adex_pop *pop = adex_test_pop(&cfg);
    const adex_spike_event *ev;
    size_t nev;
    assert_ok(adex_pop_update(pop, 0.0, 0.1));
    assert_ok(adex_pop_spike_events(pop, &ev, &nev));
    long calls = cnt.calls;
    for (int k = 1; k < 40; k++) {
      adex_var in;
      assert_ok(adex_pop_var_find(pop, "input", &in));
      for (int i = 0; i < n; i++) {
        if (in.dtype == ADEX_DTYPE_F32)
          ((float *)in.data)[i] = 0.01f * (float)i;
        else
          ((double *)in.data)[i] = 0.01 * i;
      }
      assert_ok(adex_pop_update(pop, k * 0.1, 0.1));
      assert_ok(adex_pop_spike_events(pop, &ev, &nev));
      if (k == 20) assert_ok(adex_pop_reset(pop));
    }
    assert_int_equal(cnt.calls, calls);
    adex_pop_destroy(pop);
    assert_int_equal(cnt.live, 0);
  }
}

/* The state of a float64 population with shared parameters takes at most
 * 48 bytes per neuron (V, w, input, t_last_spike: 8 bytes each; spike,
 * refractory: 1 byte each: 34), all blocks of the handle included; a
 * float32 one 18, plus 8 where reset evaluates the initializers. */
static void test_state_bytes_per_neuron(void **state) {
  (void)state;
  enum { n = 100000 };
  for (int f32 = 0; f32 < 2; f32++) {
    counting cnt = {0, 0};
    adex_allocator al = {count_alloc, count_free, &cnt};
    adex_pop_config cfg;
    adex_pop_config_default(&cfg, n);
    cfg.alloc = &al;
    cfg.dtype = f32 ? ADEX_DTYPE_F32 : ADEX_DTYPE_F64;
    adex_pop *pop = adex_test_pop(&cfg);
    if (verbose())
      printf("%s population of %d: %zu bytes, %.2f per neuron\n",
             adex_dtype_name(cfg.dtype), n, cnt.live, (double)cnt.live / n);
    assert_true(cnt.live <= (f32 ? 27 : 35) * (size_t)n);
    adex_pop_destroy(pop);
  }
}

/* ------------------------------------------------------------ options */

static void test_kernel_and_thread_options(void **state) {
  (void)state;
  adex_kernel k;
  assert_ok(adex_kernel_find("scalar", &k));
  assert_int_equal(k, ADEX_KERNEL_SCALAR);
  assert_status(adex_kernel_find("sse9", &k), ADEX_EKEY);
  assert_string_equal(adex_kernel_name(ADEX_KERNEL_AVX512), "avx512");
  assert_string_equal(adex_kernel_name((adex_kernel)42), "invalid");
  assert_true(adex_kernel_available(ADEX_KERNEL_AUTO));
  assert_true(adex_kernel_available(ADEX_KERNEL_SCALAR));
  assert_true(adex_kernel_available(adex_kernel_best()));
  assert_false(adex_kernel_available((adex_kernel)42));
  adex_pop_config cfg;
  adex_pop_config_default(&cfg, 4);
  adex_pop *pop = NULL;
  cfg.kernel = (adex_kernel)42;
  assert_status(adex_pop_create(&cfg, &pop), ADEX_EINVAL);
  for (size_t kk = 0; kk < N_SIMD; kk++) {
    if (adex_kernel_available(simd_kernels[kk])) continue;
    cfg.kernel = simd_kernels[kk];
    assert_status(adex_pop_create(&cfg, &pop), ADEX_EINVAL);
  }
  cfg.kernel = ADEX_KERNEL_AUTO;
  cfg.threads = -1;
  assert_status(adex_pop_create(&cfg, &pop), ADEX_EINVAL);
  assert_null(pop);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_kernels_match_scalar_shared),
      cmocka_unit_test(test_kernels_match_scalar_hetero),
      cmocka_unit_test(test_adaptive_kernels_match_scalar),
      cmocka_unit_test(test_f32_kernels_match_scalar),
      cmocka_unit_test(test_f32_population),
      cmocka_unit_test(test_threads_identical),
      cmocka_unit_test(test_noise_kernels_and_threads),
      cmocka_unit_test(test_general_matches_fused_each_kernel),
      cmocka_unit_test(test_fused_options_match_general),
      cmocka_unit_test(test_adaptive_options_match_general),
      cmocka_unit_test(test_no_allocation_per_step),
      cmocka_unit_test(test_state_bytes_per_neuron),
      cmocka_unit_test(test_kernel_and_thread_options),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
