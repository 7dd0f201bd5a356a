/* pop.c - a population of AdEx neurons: create (validate, allocate, plan),
 * update (one fused step through the method's table), reset, accessors.
 * The phase order of a step is documented in include/adex/pop.h. */
#include <math.h>
#include <stdint.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#include <stdio.h>
#include <string.h>

#include "adex/pop.h"
#include "flags.h"
#include "method_internal.h"
#include "params_internal.h"
#include "pop_internal.h"
#include "stability.h"

void adex_pop_config_default(adex_pop_config *cfg, size_t num) {
  memset(cfg, 0, sizeof *cfg);
  cfg->ndim = 1;
  cfg->shape[0] = num;
  cfg->keep_size = false;
  adex_params_default(&cfg->params);
  cfg->V_init = adex_init_zero();
  cfg->w_init = adex_init_zero();
  cfg->method = "exp_auto";
  cfg->alloc = NULL;
  cfg->tol = 1e-6;
  cfg->spk_reset = ADEX_SPK_RESET_HARD;
  cfg->threads = 1;
  cfg->kernel = ADEX_KERNEL_AUTO;
}

adex_status adex__pop_fail(adex_pop *pop, adex_status status) {
  return adex__keep_error(pop->errmsg, sizeof pop->errmsg, status);
}

/* Number of neurons of a shape, checked for zero extents and overflow. */
static adex_status shape_num(const adex_pop_config *cfg, size_t *num) {
  if (cfg->ndim < 1 || cfg->ndim > ADEX_MAX_DIM)
    return adex__fail(ADEX_ESIZE, "size must have 1 to %d dimensions, got %zu",
                      ADEX_MAX_DIM, cfg->ndim);
  size_t n = 1;
  for (size_t d = 0; d < cfg->ndim; d++) {
    if (cfg->shape[d] == 0)
      return adex__fail(ADEX_ESIZE, "size must be > 0, got 0 in dimension %zu",
                        d);
    if (n > SIZE_MAX / cfg->shape[d])
      return adex__fail(ADEX_ESIZE, "size overflows: product of the shape is "
                                    "too large");
    n *= cfg->shape[d];
  }
  /* Every per-neuron block must be addressable in bytes, with room. */
  if (n > SIZE_MAX / (16 * sizeof(adex__nparams)))
    return adex__fail(ADEX_ESIZE, "size overflows: %zu neurons is too many", n);
  *num = n;
  return ADEX_OK;
}

/* Check the options beyond BrainPy. */
static adex_status check_options(const adex_pop_config *cfg,
                                 const adex_method *method) {
  if (cfg->adaptive && !adex_method_is_embedded(method))
    return ADEX__FAIL_KEY(ADEX_EINVAL, "adaptive", -1,
                          "needs an embedded method (rkf12, rkf45, rkdp, "
                          "ck, bs, heun_euler), got %s",
                          adex_method_name(method));
  if (!(cfg->tol > 0 && cfg->tol < 1))
    return ADEX__FAIL_KEY(ADEX_EINVAL, "tol", -1, "must be > 0 and < 1, got %g",
                          cfg->tol);
  if (!(cfg->tau_ref >= 0 && cfg->tau_ref <= 1e9))
    return ADEX__FAIL_KEY(ADEX_EINVAL, "tau_ref", -1,
                          "must be >= 0 ms (0: none) and <= 1e9 ms, got %g",
                          cfg->tau_ref);
  if (!(cfg->noise >= 0 && cfg->noise <= 1e9))
    return ADEX__FAIL_KEY(ADEX_EINVAL, "noise", -1,
                          "must be >= 0 (0: none) and <= 1e9, got %g",
                          cfg->noise);
  if (cfg->spk_reset != ADEX_SPK_RESET_HARD &&
      cfg->spk_reset != ADEX_SPK_RESET_SOFT)
    return ADEX__FAIL_KEY(ADEX_EINVAL, "spk_reset", -1,
                          "must be hard or soft, got %d", (int)cfg->spk_reset);
  if (cfg->threads < 0 || cfg->threads > 4096)
    return ADEX__FAIL_KEY(ADEX_EINVAL, "threads", -1,
                          "must be 0 (OpenMP default) to 4096, got %d",
                          cfg->threads);
  if (cfg->dtype != ADEX_DTYPE_F64 && cfg->dtype != ADEX_DTYPE_F32)
    return ADEX__FAIL_KEY(ADEX_EINVAL, "dtype", -1,
                          "must be float64 or float32, got %s",
                          adex_dtype_name(cfg->dtype));
  if (cfg->dtype == ADEX_DTYPE_F32 &&
      (cfg->adaptive || cfg->precise_spikes || cfg->noise > 0 ||
       ((cfg->tau_ref > 0 || cfg->spk_reset != ADEX_SPK_RESET_HARD) &&
        !method->fused_opts)))
    return ADEX__FAIL_KEY(ADEX_EINVAL, "dtype", -1,
                          "float32 runs the fixed-step update only (with "
                          "tau_ref and the soft reset): adaptive, "
                          "precise_spikes and noise need float64");
  adex__impl impl;
  return adex__method_impl(method, cfg->kernel, &impl);
}

/* Check everything in the config that does not need memory. */
static adex_status check_config(const adex_pop_config *cfg, size_t *num,
                                const adex_method **method) {
  adex_status st = shape_num(cfg, num);
  if (st != ADEX_OK) return st;
  st = adex_method_find(cfg->method != NULL ? cfg->method : "exp_auto", method);
  if (st != ADEX_OK) return st;
  st = adex_init_check(&cfg->V_init, *num, "V_initializer");
  if (st != ADEX_OK) return st;
  st = adex_init_check(&cfg->w_init, *num, "w_initializer");
  if (st != ADEX_OK) return st;
  bool any_array = false;
  for (int id = 0; id < ADEX_NPARAMS; id++) {
    if (cfg->param_init[id] == NULL) continue;
    any_array = true;
    st = adex_init_check(cfg->param_init[id], *num,
                         adex_param_name((adex_param_id)id));
    if (st != ADEX_OK) return st;
  }
  st = check_options(cfg, *method);
  if (st != ADEX_OK) return st;
  /* The scalar set is checked here; per-neuron sets after evaluation. */
  if (!any_array) return adex_params_check(&cfg->params);
  return ADEX_OK;
}

/* Lay the state arrays out in one aligned block. */
static adex_status alloc_state(adex_pop *pop) {
  size_t dbytes = adex__align_up(pop->num * adex_dtype_size(pop->dtype));
  size_t bbytes = adex__align_up(pop->num * sizeof(bool));
  pop->state_bytes = 4 * dbytes + 2 * bbytes;
  char *block = adex__alloc(&pop->alloc, pop->state_bytes);
  if (block == NULL)
    return adex__fail(ADEX_ENOMEM,
                      "out of memory allocating the state of "
                      "%zu neurons (%zu bytes)",
                      pop->num, pop->state_bytes);
  pop->state_block = block;
  void *arrays[4];
  for (int k = 0; k < 4; k++) arrays[k] = block + (size_t)k * dbytes;
  if (pop->dtype == ADEX_DTYPE_F32) {
    pop->V.f32 = arrays[0];
    pop->w.f32 = arrays[1];
    pop->input.f32 = arrays[2];
    pop->t_last_spike.f32 = arrays[3];
    pop->init_scratch = adex__alloc(&pop->alloc, pop->num * sizeof(double));
    if (pop->init_scratch == NULL)
      return adex__fail(ADEX_ENOMEM,
                        "out of memory allocating the state of "
                        "%zu neurons",
                        pop->num);
  } else {
    pop->V.f64 = arrays[0];
    pop->w.f64 = arrays[1];
    pop->input.f64 = arrays[2];
    pop->t_last_spike.f64 = arrays[3];
  }
  pop->spike = (bool *)(block + 4 * dbytes);
  pop->refractory = (bool *)(block + 4 * dbytes + bbytes);
  return ADEX_OK;
}

/* Keep an initializer; a caller's array is copied so reset() can reuse it. */
static adex_status keep_init(adex_pop *pop, const adex_init *src,
                             adex_init *dst, double **copy) {
  *dst = *src;
  if (src->kind != ADEX_INIT_ARRAY) return ADEX_OK;
  *copy = adex__alloc(&pop->alloc, pop->num * sizeof(double));
  if (*copy == NULL)
    return adex__fail(ADEX_ENOMEM,
                      "out of memory copying an initializer "
                      "array of %zu values",
                      pop->num);
  memcpy(*copy, src->array, pop->num * sizeof(double));
  dst->array = *copy;
  return ADEX_OK;
}

/* Build per-neuron parameter sets: scalars, then each per-neuron override,
 * then check every neuron's set. */
static adex_status plan_per_neuron(adex_pop *pop, const adex_pop_config *cfg) {
  size_t n = pop->num;
  pop->per = adex__alloc(&pop->alloc, n * sizeof *pop->per);
  double *scratch = adex__alloc(&pop->alloc, n * sizeof(double));
  if (pop->per == NULL || scratch == NULL) {
    adex__free(&pop->alloc, scratch, n * sizeof(double));
    return adex__fail(ADEX_ENOMEM,
                      "out of memory allocating per-neuron "
                      "parameters of %zu neurons",
                      n);
  }
  for (size_t i = 0; i < n; i++) pop->per[i] = pop->uniform;
  adex_status st = ADEX_OK;
  for (int id = 0; id < ADEX_NPARAMS && st == ADEX_OK; id++) {
    if (cfg->param_init[id] == NULL) continue;
    pop->is_array[id] = true;
    st = adex_init_eval_at(cfg->param_init[id], scratch, n, cfg->first_id,
                           adex_param_name((adex_param_id)id));
    for (size_t i = 0; i < n && st == ADEX_OK; i++)
      adex_params_set(&pop->per[i].p, (adex_param_id)id, scratch[i]);
  }
  adex__free(&pop->alloc, scratch, n * sizeof(double));
  for (size_t i = 0; i < n && st == ADEX_OK; i++) {
    st = adex__params_check_at(&pop->per[i].p, (long long)i);
    adex__nparams_derive(&pop->per[i]);
  }
  return st;
}

/* Field k of the SIMD kernels' parameter arrays (kernel.h) in set np. */
static double soa_value(const adex__nparams *np, int k) {
  switch (k) {
#define CASE(ID, value)                                                        \
  case ADEX__SOA_##ID: return value;
    ADEX__SOA_LIST(CASE)
#undef CASE
  default: return 0.0;
  }
}

/* Whether field k differs between the neurons' sets (bit patterns; the
 * step coefficients h_k, w_k differ where 1/tau, resp. tau_w, do). */
static bool soa_varies(const adex_pop *pop, int k) {
  if (k == ADEX__SOA_H_K) k = ADEX__SOA_INV_TAU;
  for (size_t i = 1; i < pop->num; i++) {
    double a =
        k == ADEX__SOA_W_K ? pop->per[i].p.tau_w : soa_value(&pop->per[i], k);
    double b =
        k == ADEX__SOA_W_K ? pop->per[0].p.tau_w : soa_value(&pop->per[0], k);
    if (memcmp(&a, &b, sizeof a) != 0) return true;
  }
  return false;
}

/* float64 with per-neuron parameters: one array for each field that
 * differs between neurons (filled by soa_fill when dt is planned). */
static adex_status plan_soa(adex_pop *pop) {
  if (pop->per == NULL || pop->dtype != ADEX_DTYPE_F64) return ADEX_OK;
  bool varies[ADEX__SOA_N];
  size_t count = 0;
  for (int k = 0; k < ADEX__SOA_N; k++) count += varies[k] = soa_varies(pop, k);
  if (count == 0) return ADEX_OK;
  pop->soa_block = adex__alloc(&pop->alloc, count * pop->num * sizeof(double));
  if (pop->soa_block == NULL)
    return adex__fail(ADEX_ENOMEM,
                      "out of memory allocating per-neuron "
                      "parameters of %zu neurons",
                      pop->num);
  pop->soa_count = count;
  size_t used = 0;
  for (int k = 0; k < ADEX__SOA_N; k++)
    if (varies[k]) pop->soa.f[k] = pop->soa_block + pop->num * used++;
  return ADEX_OK;
}

/* The arrays and shared values from the sets (after they were prepared
 * for dt). */
static void soa_fill(adex_pop *pop) {
  if (pop->per == NULL || pop->dtype != ADEX_DTYPE_F64) return;
  for (int k = 0; k < ADEX__SOA_N; k++) {
    pop->soa.one[k] = soa_value(&pop->per[0], k);
    for (size_t i = 0; pop->soa.f[k] != NULL && i < pop->num; i++)
      pop->soa.f[k][i] = soa_value(&pop->per[i], k);
  }
}

/* Buffers of the general path: sub-step sizes and the spike list. */
static adex_status alloc_general(adex_pop *pop) {
  if (pop->adaptive) {
    pop->h_sub = adex__alloc(&pop->alloc, pop->num * sizeof(double));
    if (pop->h_sub == NULL)
      return adex__fail(ADEX_ENOMEM,
                        "out of memory allocating sub-step "
                        "sizes of %zu neurons",
                        pop->num);
    memset(pop->h_sub, 0, pop->num * sizeof(double));
    adex_status st =
        adex_pop_register_var(pop, "step_size", ADEX_DTYPE_F64, pop->h_sub);
    if (st != ADEX_OK) return st;
  }
  size_t nb = (pop->num + ADEX__EV_BLOCK - 1) / ADEX__EV_BLOCK, lo, hi, off,
         cap;
  adex__ev_block_at(pop->num, nb - 1, &lo, &hi, &off, &cap);
  pop->cap_events = off + cap;
  pop->events =
      adex__alloc(&pop->alloc, pop->cap_events * sizeof(adex_spike_event));
  pop->ev_blocks = adex__alloc(&pop->alloc, nb * sizeof *pop->ev_blocks);
  if (pop->events == NULL || pop->ev_blocks == NULL)
    return adex__fail(ADEX_ENOMEM,
                      "out of memory allocating the spike list "
                      "of %zu neurons",
                      pop->num);
  return ADEX_OK;
}

/* Initial values must leave room for a step's arithmetic (no overflow):
 * array k of the state (0: V, 1: w) in whichever dtype. */
static adex_status check_state_range(const adex_pop *pop, int k,
                                     const char *what) {
  adex__arr x = k == 0 ? pop->V : pop->w;
  bool f32 = pop->dtype == ADEX_DTYPE_F32;
  for (size_t i = 0; i < pop->num; i++) {
    double v = f32 ? (double)x.f32[i] : x.f64[i];
    if (!(fabs(v) <= ADEX_STATE_MAX))
      return adex__fail_at(ADEX_EINVAL, what, ": ", (long long)i, 0,
                           "value %zu is %g, outside +-%g", i, v,
                           ADEX_STATE_MAX);
  }
  return ADEX_OK;
}

adex_status adex_pop_create(const adex_pop_config *cfg, adex_pop **out) {
  if (out == NULL) return adex__fail(ADEX_EINVAL, "out must not be NULL");
  *out = NULL;
  if (cfg == NULL) return adex__fail(ADEX_EINVAL, "config must not be NULL");
  size_t num = 0;
  const adex_method *method = NULL;
  adex_status st = check_config(cfg, &num, &method);
  if (st != ADEX_OK) return st;

  const adex_allocator *a = cfg->alloc ? cfg->alloc : adex_allocator_default();
  adex_pop *pop = adex__alloc(a, sizeof *pop);
  if (pop == NULL)
    return adex__fail(ADEX_ENOMEM, "out of memory allocating a population");
  memset(pop, 0, sizeof *pop);
  pop->alloc = *a;
  pop->num = num;
  pop->ndim = cfg->ndim;
  memcpy(pop->shape, cfg->shape, sizeof pop->shape);
  pop->keep_size = cfg->keep_size;
  pop->method = method;
  pop->uniform.p = cfg->params;
  adex__nparams_derive(&pop->uniform);
  adex__method_impl(method, cfg->kernel, &pop->impl); /* checked above */
  pop->kernel =
      cfg->kernel == ADEX_KERNEL_AUTO ? adex_kernel_best() : cfg->kernel;
  pop->threads = cfg->threads;
  pop->dtype = cfg->dtype;
  pop->planned_dt = NAN;
  pop->adaptive = cfg->adaptive;
  pop->precise = cfg->precise_spikes;
  pop->tol = cfg->tol;
  pop->tau_ref = cfg->tau_ref;
  pop->noise = cfg->noise;
  pop->noise_seed = cfg->noise_seed;
  pop->first_id = cfg->first_id;
  pop->normals = adex__kernel_normals(pop->kernel);
  pop->noise_add = adex__kernel_noise_add(pop->kernel);
  pop->spk_reset = cfg->spk_reset;
  pop->general = cfg->adaptive || cfg->precise_spikes || cfg->tau_ref > 0 ||
                 cfg->noise > 0 || cfg->spk_reset != ADEX_SPK_RESET_HARD;
  pop->fused_opts = pop->general && !cfg->adaptive && !cfg->precise_spikes &&
                    cfg->noise == 0 && method->fused_opts;
  pop->fused_precise = cfg->precise_spikes && !cfg->adaptive &&
                       cfg->noise == 0 && cfg->dtype == ADEX_DTYPE_F64 &&
                       method->fused_opts;
  pop->fused_noise = cfg->noise > 0 && !cfg->precise_spikes && !cfg->adaptive &&
                     cfg->dtype == ADEX_DTYPE_F64 && method->fused_opts;

  st = adex__name_claim(&pop->name, "AdExIF", cfg->name);
  if (st == ADEX_OK)
    st = adex__name_claim(&pop->integral, "ODEIntegrator", NULL);
  if (st == ADEX_OK) st = alloc_state(pop);
  if (st == ADEX_OK)
    st = keep_init(pop, &cfg->V_init, &pop->V_init, &pop->V_init_copy);
  if (st == ADEX_OK)
    st = keep_init(pop, &cfg->w_init, &pop->w_init, &pop->w_init_copy);
  bool any_array = false;
  for (int id = 0; id < ADEX_NPARAMS; id++)
    any_array = any_array || cfg->param_init[id] != NULL;
  if (st == ADEX_OK && any_array) st = plan_per_neuron(pop, cfg);
  if (st == ADEX_OK && any_array) st = plan_soa(pop);
  if (st == ADEX_OK && any_array && pop->dtype == ADEX_DTYPE_F32) {
    pop->per32 = adex__alloc(&pop->alloc, num * sizeof *pop->per32);
    if (pop->per32 == NULL)
      st = adex__fail(ADEX_ENOMEM,
                      "out of memory allocating per-neuron "
                      "parameters of %zu neurons",
                      num);
  }
  if (st == ADEX_OK && pop->general) st = alloc_general(pop);
  if (st == ADEX_OK) st = adex_pop_reset(pop);
  if (st == ADEX_OK) st = check_state_range(pop, 0, "V_initializer");
  if (st == ADEX_OK) st = check_state_range(pop, 1, "w_initializer");
  if (st != ADEX_OK) {
    adex_pop_destroy(pop);
    return st;
  }
  adex__clear_error();
  *out = pop;
  return ADEX_OK;
}

void adex_pop_destroy(adex_pop *pop) {
  if (pop == NULL) return;
  adex__pop_delays_free(pop);
  adex_allocator a = pop->alloc;
  size_t n = pop->num;
  adex__name_release(&pop->name);
  adex__name_release(&pop->integral);
  adex__free(&a, pop->per, n * sizeof *pop->per);
  adex__free(&a, pop->per32, n * sizeof *pop->per32);
  adex__free(&a, pop->init_scratch, n * sizeof(double));
  adex__free(
      &a, pop->drive.any,
      n * (pop->dtype == ADEX_DTYPE_F32 ? sizeof(float) : sizeof(double)));
  adex__free(&a, pop->soa_block, pop->soa_count * n * sizeof(double));
  adex__free(&a, pop->h_sub, n * sizeof(double));
  adex__free(&a, pop->events, pop->cap_events * sizeof(adex_spike_event));
  adex__free(&a, pop->ev_blocks,
             (n + ADEX__EV_BLOCK - 1) / ADEX__EV_BLOCK *
                 sizeof *pop->ev_blocks);
  adex__free(&a, pop->V_init_copy, n * sizeof(double));
  adex__free(&a, pop->w_init_copy, n * sizeof(double));
  adex__free(&a, pop->state_block, pop->state_bytes);
  adex__free(&a, pop, sizeof *pop);
}

adex_status adex_pop_reset(adex_pop *pop) {
  if (pop == NULL) return adex__fail(ADEX_EINVAL, "pop must not be NULL");
  /* The initializers were checked at create, so evaluation cannot fail.
   * float32: evaluated in double, then rounded. */
  bool f32 = pop->dtype == ADEX_DTYPE_F32;
  adex_status st =
      adex_init_eval_at(&pop->V_init, f32 ? pop->init_scratch : pop->V.f64,
                        pop->num, pop->first_id, "V_initializer");
  for (size_t i = 0; f32 && st == ADEX_OK && i < pop->num; i++)
    pop->V.f32[i] = (float)pop->init_scratch[i];
  if (st == ADEX_OK)
    st = adex_init_eval_at(&pop->w_init, f32 ? pop->init_scratch : pop->w.f64,
                           pop->num, pop->first_id, "w_initializer");
  for (size_t i = 0; f32 && st == ADEX_OK && i < pop->num; i++)
    pop->w.f32[i] = (float)pop->init_scratch[i];
  if (st != ADEX_OK) return adex__pop_fail(pop, st);
  for (size_t i = 0; i < pop->num; i++) {
    if (f32) {
      pop->input.f32[i] = 0.0f;
      pop->t_last_spike.f32[i] = (float)ADEX_T_LAST_SPIKE_INIT;
    } else {
      pop->input.f64[i] = 0.0;
      pop->t_last_spike.f64[i] = ADEX_T_LAST_SPIKE_INIT;
    }
    pop->spike[i] = false;
    pop->refractory[i] = false;
    if (pop->h_sub != NULL) pop->h_sub[i] = 0.0;
  }
  pop->n_events = 0;
  pop->events_stale = false;
  adex_pop_nonfinite_clear(pop);
  return ADEX_OK;
}

/* When dt changes (rarely): check that a fixed step of dt is stable for
 * every neuron (stability.h; the adaptive mode needs no such check), then
 * recompute the dt-dependent constants. */
static adex_status plan_dt(adex_pop *pop, double dt) {
  adex_status st = ADEX_OK;
  if (!pop->adaptive) {
    if (pop->per == NULL)
      st = adex__check_stable(pop->method, &pop->uniform.p, dt, -1);
    for (size_t i = 0; pop->per != NULL && i < pop->num && st == ADEX_OK; i++)
      st = adex__check_stable(pop->method, &pop->per[i].p, dt, (long long)i);
  }
  if (st != ADEX_OK) return adex__pop_fail(pop, st);
  adex__prepare_fn prepare = pop->method->prepare;
  if (prepare != NULL) {
    prepare(&pop->uniform, dt);
    for (size_t i = 0; pop->per != NULL && i < pop->num; i++)
      prepare(&pop->per[i], dt);
  }
  soa_fill(pop);
  if (pop->dtype == ADEX_DTYPE_F32) {
    adex__np32_make(&pop->uniform, dt, &pop->uniform32);
    for (size_t i = 0; pop->per32 != NULL && i < pop->num; i++)
      adex__np32_make(&pop->per[i], dt, &pop->per32[i]);
  }
  pop->planned_dt = dt;
  return ADEX_OK;
}

int adex__pop_threads(const adex_pop *pop, size_t n) {
#ifdef _OPENMP
  int t = pop->threads > 0 ? pop->threads : omp_get_max_threads();
  size_t most = n / ADEX__MIN_PER_THREAD;
  if ((size_t)t > most) t = most > 1 ? (int)most : 1;
  return t;
#else
  (void)pop;
  (void)n;
  return 1;
#endif
}

/* Neurons a float32 population converts to double at a time. */
#define F32_TILE 256

/* A step of neurons [lo, hi) of a float32 population by a method without
 * a float kernel: tiles converted to double, stepped by the double kernel,
 * rounded back (the state stays float32, the arithmetic is double). */
static void step_f32_via_f64(const adex_pop *pop, const adex__step_ctx *c,
                             size_t lo, size_t hi) {
  double V[F32_TILE], w[F32_TILE], I[F32_TILE], tls[F32_TILE];
  for (size_t i = lo; i < hi; i += F32_TILE) {
    size_t n = hi - i < F32_TILE ? hi - i : F32_TILE;
    for (size_t j = 0; j < n; j++) {
      V[j] = c->V32[i + j];
      w[j] = c->w32[i + j];
      I[j] = c->drive32 != NULL ? c->input32[i + j] + c->drive32[i + j]
                                : c->input32[i + j];
      tls[j] = c->t_last_spike32[i + j];
    }
    adex__step_ctx d = *c;
    d.V = V;
    d.w = w;
    d.input = I;
    d.drive = NULL;
    d.soa = NULL; /* the tile's sets are per + i: gathered */
    d.t_last_spike = tls;
    d.spike = c->spike + i;
    d.refractory = c->refractory != NULL ? c->refractory + i : NULL;
    d.per = c->per != NULL ? c->per + i : NULL;
    adex__nf met = {0, ADEX__NF_NONE};
    d.nf = &met;
    pop->impl.step(&d, 0, n);
    /* non-finite values met: the float arrays, not yet written, say which
     * (the tile's I joins input and drive) */
    for (size_t j = 0; met.count != 0 && j < n; j++)
      adex__nf_note(c->nf, c->nf_base + i + j, c->V32[i + j], c->w32[i + j],
                    c->input32[i + j],
                    c->drive32 != NULL ? c->drive32[i + j] : 0.0f);
    for (size_t j = 0; j < n; j++) {
      c->V32[i + j] = (float)V[j];
      /* w within the float kernels' bound (+-1e30), as they keep it: the
       * double one (+-1e100) would round to +-inf */
      float wf = (float)w[j];
      c->w32[i + j] = wf >= -ADEX__BLOWUP_F32
                          ? (wf > ADEX__BLOWUP_F32 ? ADEX__BLOWUP_F32 : wf)
                          : -ADEX__BLOWUP_F32;
      c->input32[i + j] = 0.0f;
      c->t_last_spike32[i + j] = (float)tls[j];
    }
  }
}

/* Neurons [lo, hi) by the population's kernel, in its dtype. */
static void step_range(const adex_pop *pop, const adex__step_ctx *ctx,
                       size_t lo, size_t hi) {
  if (pop->dtype != ADEX_DTYPE_F32)
    pop->impl.step(ctx, lo, hi);
  else if (pop->impl.step32 != NULL) /* with tau_ref and the soft reset */
    pop->impl.step32(ctx, lo, hi);
  else /* a method without a float kernel: the double kernels' */
    step_f32_via_f64(pop, ctx, lo, hi);
}

/* The fused step over every neuron: serially, or split among threads into
 * contiguous ranges whose bounds are multiples of 64 neurons (whole cache
 * lines of every state array, whole vectors of every kernel). Each neuron
 * is computed the same way wherever its range starts. (Chunks of 1024
 * dealt out round robin would balance a cost that varies along the
 * population, but measured slower and less steady here: exp_auto, 10^5
 * neurons, 2 threads, 1.7 to 3.8 ns per neuron-step against 1.40 to
 * 1.48.) */
static void run_fused(const adex_pop *pop, const adex__step_ctx *ctx) {
  size_t n = pop->num;
  int nt = adex__pop_threads(pop, n);
  if (nt <= 1) {
    step_range(pop, ctx, 0, n);
    return;
  }
#ifdef _OPENMP
  size_t blocks = (n + 63) / 64;
#pragma omp parallel num_threads(nt)
  {
    size_t k = (size_t)omp_get_thread_num(), m = (size_t)omp_get_num_threads();
    size_t lo = blocks * k / m * 64, hi = blocks * (k + 1) / m * 64;
    if (hi > n) hi = n;
    if (lo < hi) step_range(pop, ctx, lo, hi);
  }
#endif
}

/* After an update of t that met non-finite values: add them to the
 * population's count, the first of them kept where it is the first. */
static void nf_merge(adex_pop *pop, double t) {
  if (pop->nf_count == 0) {
    pop->nf_neuron = (size_t)(pop->nf_step.first / 4);
    pop->nf_var = (int)(pop->nf_step.first % 4);
    pop->nf_t = t;
  }
  pop->nf_count += pop->nf_step.count;
}

static const char *const nf_var_names[] = {"V", "w", "input", "drive"};

adex_status adex_pop_nonfinite(const adex_pop *pop, unsigned long long *count,
                               size_t *first_neuron, const char **first_var,
                               double *first_t) {
  if (pop == NULL) return adex__fail(ADEX_EINVAL, "pop must not be NULL");
  bool any = pop->nf_count != 0;
  if (count != NULL) *count = pop->nf_count;
  if (first_neuron != NULL) *first_neuron = any ? pop->nf_neuron : 0;
  if (first_var != NULL) *first_var = any ? nf_var_names[pop->nf_var] : NULL;
  if (first_t != NULL) *first_t = any ? pop->nf_t : NAN;
  return ADEX_OK;
}

void adex_pop_nonfinite_clear(adex_pop *pop) {
  if (pop != NULL) pop->nf_count = 0;
}

bool adex__pop_fused(const adex_pop *pop) {
  return !pop->general || pop->fused_opts;
}

bool adex__pop_takes_chans(const adex_pop *pop) {
  if (!adex__pop_fused(pop)) return false;
  bool f32 = pop->dtype == ADEX_DTYPE_F32;
  const adex__impl *v[] = {&adex__simd_expe.avx2, &adex__simd_expe.avx512};
  for (size_t k = 0; k < 2; k++) {
    adex__step_fn mine = f32 ? pop->impl.step32 : pop->impl.step;
    adex__step_fn simd = f32 ? v[k]->step32 : v[k]->step;
    if (simd != NULL && mine == simd) return true;
  }
  return false;
}

void adex__pop_step_range(const adex_pop *pop, const adex__step_ctx *ctx,
                          size_t lo, size_t hi) {
  step_range(pop, ctx, lo, hi);
}

/* adex_pop_update's checks of t and dt, and the constants for dt. */
static adex_status update_checks(adex_pop *pop, double t, double dt) {
  if (!(isfinite(dt) && dt > 0)) {
    adex__fail(ADEX_EINVAL, "dt must be finite and > 0, got %g", dt);
    return adex__pop_fail(pop, ADEX_EINVAL);
  }
  if (!isfinite(t)) {
    adex__fail(ADEX_EINVAL, "t must be finite, got %g", t);
    return adex__pop_fail(pop, ADEX_EINVAL);
  }
  if (dt != pop->planned_dt) {
    adex_status st = plan_dt(pop, dt);
    if (st != ADEX_OK) return st;
  }
  pop->last_t = t;
  pop->nf_step = (adex__nf){0, ADEX__NF_NONE};
  return ADEX_OK;
}

void adex__pop_update_end(adex_pop *pop, double t) {
  if (pop->nf_step.count != 0) nf_merge(pop, t);
}

void adex__pop_step_ctx(adex_pop *pop, double t, double dt,
                        adex__step_ctx *ctx) {
  /* the typed pointers of the population's dtype, the others NULL */
  bool f32 = pop->dtype == ADEX_DTYPE_F32;
  *ctx = (adex__step_ctx){
      .method = pop->method,
      .V = f32 ? NULL : pop->V.f64,
      .w = f32 ? NULL : pop->w.f64,
      .input = f32 ? NULL : pop->input.f64,
      .drive = f32 ? NULL : pop->drive.f64,
      .t_last_spike = f32 ? NULL : pop->t_last_spike.f64,
      .spike = pop->spike,
      .uniform = pop->per == NULL ? &pop->uniform : NULL,
      .per = pop->per,
      .soa = adex__pop_soa(pop),
      .t = t,
      .dt = dt,
      .tau_ref = pop->tau_ref,
      .soft = pop->spk_reset == ADEX_SPK_RESET_SOFT,
      .refractory = pop->tau_ref > 0 ? pop->refractory : NULL,
      .V32 = f32 ? pop->V.f32 : NULL,
      .w32 = f32 ? pop->w.f32 : NULL,
      .input32 = f32 ? pop->input.f32 : NULL,
      .drive32 = f32 ? pop->drive.f32 : NULL,
      .t_last_spike32 = f32 ? pop->t_last_spike.f32 : NULL,
      .uniform32 = pop->per32 == NULL ? &pop->uniform32 : NULL,
      .per32 = pop->per32,
      .nf = &pop->nf_step,
  };
}

adex_status adex__pop_update_begin(adex_pop *pop, double t, double dt,
                                   adex__step_ctx *ctx) {
  adex_status st = update_checks(pop, t, dt);
  if (st != ADEX_OK) return st;
  pop->events_stale = true;
  adex__pop_step_ctx(pop, t, dt, ctx);
  return ADEX_OK;
}

adex_status adex_pop_update(adex_pop *pop, double t, double dt) {
  if (pop == NULL) return adex__fail(ADEX_EINVAL, "pop must not be NULL");
  if (!adex__pop_fused(pop)) {
    adex_status st = update_checks(pop, t, dt);
    if (st != ADEX_OK) return st;
    adex__pop_step_general(pop, t, dt);
    adex__pop_update_end(pop, t);
    return ADEX_OK;
  }
  adex__step_ctx ctx;
  adex_status st = adex__pop_update_begin(pop, t, dt, &ctx);
  if (st != ADEX_OK) return st;
  run_fused(pop, &ctx);
  adex__pop_update_end(pop, t);
  return ADEX_OK;
}

void adex__pop_force_general(adex_pop *pop) {
  pop->fused_opts = false;
  pop->fused_precise = false;
  pop->fused_noise = false;
  pop->force_general = true;
}

size_t adex_pop_num(const adex_pop *pop) { return pop->num; }
uint64_t adex_pop_first_id(const adex_pop *pop) { return pop->first_id; }

size_t adex_pop_geometry(const adex_pop *pop, size_t shape[ADEX_MAX_DIM]) {
  memcpy(shape, pop->shape, pop->ndim * sizeof *shape);
  return pop->ndim;
}

size_t adex_pop_shape(const adex_pop *pop, size_t shape[ADEX_MAX_DIM]) {
  if (!pop->keep_size) {
    shape[0] = pop->num;
    return 1;
  }
  memcpy(shape, pop->shape, pop->ndim * sizeof *shape);
  return pop->ndim;
}

const adex_method *adex_pop_method(const adex_pop *pop) { return pop->method; }
/* The typed pointer of an array when the population has that dtype. */
static double *f64_of(const adex_pop *pop, adex__arr a) {
  return pop->dtype == ADEX_DTYPE_F64 ? a.f64 : NULL;
}
static float *f32_of(const adex_pop *pop, adex__arr a) {
  return pop->dtype == ADEX_DTYPE_F32 ? a.f32 : NULL;
}

double *adex_pop_V(adex_pop *pop) { return f64_of(pop, pop->V); }
double *adex_pop_w(adex_pop *pop) { return f64_of(pop, pop->w); }
double *adex_pop_input(adex_pop *pop) { return f64_of(pop, pop->input); }

adex_status adex_pop_enable_drive(adex_pop *pop) {
  if (pop == NULL) return adex__fail(ADEX_EINVAL, "pop must not be NULL");
  if (pop->drive.any != NULL) return ADEX_OK;
  bool f32 = pop->dtype == ADEX_DTYPE_F32;
  size_t bytes = pop->num * (f32 ? sizeof(float) : sizeof(double));
  void *d = adex__alloc(&pop->alloc, bytes);
  if (d == NULL) {
    adex__fail(ADEX_ENOMEM,
               "out of memory allocating the drive of %zu "
               "neurons",
               pop->num);
    return adex__pop_fail(pop, ADEX_ENOMEM);
  }
  memset(d, 0, bytes); /* all-zero bits: 0.0 */
  if (f32)
    pop->drive.f32 = d;
  else
    pop->drive.f64 = d;
  return ADEX_OK;
}

double *adex_pop_drive(adex_pop *pop) { return f64_of(pop, pop->drive); }
float *adex_pop_drive_f32(adex_pop *pop) { return f32_of(pop, pop->drive); }
bool *adex_pop_spike(adex_pop *pop) { return pop->spike; }
double *adex_pop_t_last_spike(adex_pop *pop) {
  return f64_of(pop, pop->t_last_spike);
}
adex_dtype adex_pop_dtype(const adex_pop *pop) { return pop->dtype; }
float *adex_pop_V_f32(adex_pop *pop) { return f32_of(pop, pop->V); }
float *adex_pop_w_f32(adex_pop *pop) { return f32_of(pop, pop->w); }
float *adex_pop_input_f32(adex_pop *pop) { return f32_of(pop, pop->input); }
float *adex_pop_t_last_spike_f32(adex_pop *pop) {
  return f32_of(pop, pop->t_last_spike);
}
bool *adex_pop_refractory(adex_pop *pop) { return pop->refractory; }
const char *adex_pop_errmsg(const adex_pop *pop) { return pop->errmsg; }

/* The spikes in spike[0..n) as events stamped t, in neuron order; returns
 * their number. 64 flags at a time (flags.h): most are false. */
static size_t collect_spikes(const bool *spike, size_t n, double t,
                             adex_spike_event *events) {
  size_t count = 0, i = 0;
  for (; i + 64 <= n; i += 64)
    for (uint64_t m = adex__flags64(spike + i); m != 0; m &= m - 1)
      events[count++] = (adex_spike_event){i + adex__flags_low(m), t};
  for (; i < n; i++)
    if (spike[i]) events[count++] = (adex_spike_event){i, t};
  return count;
}

/* The spike list's room for every neuron; false: out of memory. */
static bool events_room(adex_pop *pop) {
  if (pop->events != NULL) return true;
  pop->events = adex__alloc(&pop->alloc, pop->num * sizeof(adex_spike_event));
  pop->cap_events = pop->events != NULL ? pop->num : 0;
  return pop->events != NULL;
}

void adex__pop_events_from(adex_pop *pop, const uint32_t *const *lists,
                           const size_t *counts, size_t n) {
  if (!events_room(pop)) return;
  size_t m = 0;
  for (size_t q = 0; q < n; q++)
    for (size_t j = 0; j < counts[q]; j++)
      pop->events[m++] = (adex_spike_event){lists[q][j], pop->last_t};
  pop->n_events = m;
  pop->events_stale = false;
}

adex_status adex_pop_spike_events(adex_pop *pop,
                                  const adex_spike_event **events, size_t *n) {
  if (pop->events_stale) {
    if (!events_room(pop)) {
      adex__fail(ADEX_ENOMEM, "out of memory allocating the spike list");
      return adex__pop_fail(pop, ADEX_ENOMEM);
    }
    pop->n_events =
        collect_spikes(pop->spike, pop->num, pop->last_t, pop->events);
    pop->events_stale = false;
  }
  *events = pop->events;
  *n = pop->n_events;
  return ADEX_OK;
}

unsigned long long adex_pop_spike_events_dropped(const adex_pop *pop) {
  return pop->events_dropped;
}

bool adex_pop_param_is_array(const adex_pop *pop, adex_param_id id) {
  return (unsigned)id < ADEX_NPARAMS && pop->is_array[id];
}

adex_status adex_pop_param(const adex_pop *pop, adex_param_id id, double *out) {
  if ((unsigned)id >= ADEX_NPARAMS || out == NULL)
    return adex__fail(ADEX_EINVAL, "invalid parameter id %d or NULL output",
                      (int)id);
  for (size_t i = 0; i < pop->num; i++)
    out[i] = adex_params_get(pop->per ? &pop->per[i].p : &pop->uniform.p, id);
  return ADEX_OK;
}
