/* runner.c - many steps of a population in one call, with inputs and
 * monitors (adex/runner.h): plan (resolve names, check sizes), then a loop
 * that only adds inputs, updates and copies rows. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "adex/net.h"
#include "adex/pop_delays.h"
#include "adex/runner.h"
#include "adex/state.h"
#include "internal.h"
#include "pop_internal.h"

/* A monitor resolved before the loop. */
typedef struct plan {
  const unsigned char *src; /* the variable's data */
  unsigned char *dst;       /* row 0 of the output */
  const size_t *indices;    /* NULL: whole rows */
  size_t width;             /* elements per row */
  size_t esize;             /* bytes per element */
} plan;

size_t adex_run_progress_every(size_t steps) {
  size_t every = steps / 100;
  return every > 0 ? every : 1;
}

/* Record a failure on the handle and the thread. */
#define FAIL(pop, st, ...) ADEX__FAIL_ON(adex__pop_fail, pop, st, __VA_ARGS__)

/* Check one monitor and fill its plan. */
static adex_status plan_monitor(adex_pop *pop, const adex_run_monitor *m,
                                size_t i, size_t steps, plan *out) {
  if (m->var == NULL)
    return FAIL(pop, ADEX_EINVAL, "monitor %zu: variable name is NULL", i);
  adex_var v;
  adex_status st = adex_pop_var_find(pop, m->var, &v);
  if (st != ADEX_OK) return adex__pop_fail(pop, st);
  if (m->dtype != v.dtype)
    return FAIL(pop, ADEX_EINVAL,
                "monitor %zu (%s): buffer dtype %s, but the variable is %s", i,
                m->var, adex_dtype_name(m->dtype), adex_dtype_name(v.dtype));
  size_t num = adex_pop_num(pop);
  size_t width = num;
  if (m->indices != NULL) {
    if (m->n_indices == 0)
      return FAIL(pop, ADEX_EINVAL,
                  "monitor %zu (%s): indices given with "
                  "n_indices 0",
                  i, m->var);
    for (size_t j = 0; j < m->n_indices; j++)
      if (m->indices[j] >= num)
        return FAIL(pop, ADEX_ERANGE,
                    "monitor %zu (%s): index %zu is %zu, but there are %zu "
                    "neurons",
                    i, m->var, j, m->indices[j], num);
    width = m->n_indices;
  }
  size_t esize = adex_dtype_size(v.dtype);
  if (esize == 0 || width > SIZE_MAX / esize ||
      (steps > 0 && width * esize > (size_t)PTRDIFF_MAX / steps))
    return FAIL(pop, ADEX_ESIZE,
                "monitor %zu (%s): %zu x %zu values do not "
                "fit in memory",
                i, m->var, steps, width);
  if (m->out == NULL && steps > 0)
    return FAIL(pop, ADEX_EINVAL, "monitor %zu (%s): output buffer is NULL", i,
                m->var);
  out->src = v.data;
  out->dst = m->out;
  out->indices = m->indices;
  out->width = width;
  out->esize = esize;
  return ADEX_OK;
}

/* Copy the current values of a monitored variable into row k. */
static void record(const plan *p, size_t k) {
  unsigned char *row = p->dst + k * p->width * p->esize;
  if (p->indices == NULL) {
    memcpy(row, p->src, p->width * p->esize);
    return;
  }
  switch (p->esize) {
  case 8:
    for (size_t j = 0; j < p->width; j++)
      memcpy(row + 8 * j, p->src + 8 * p->indices[j], 8);
    break;
  case 4:
    for (size_t j = 0; j < p->width; j++)
      memcpy(row + 4 * j, p->src + 4 * p->indices[j], 4);
    break;
  case 1:
    for (size_t j = 0; j < p->width; j++) row[j] = p->src[p->indices[j]];
    break;
  default:
    for (size_t j = 0; j < p->width; j++)
      memcpy(row + p->esize * j, p->src + p->esize * p->indices[j], p->esize);
  }
}

/* input += the spec's values for step k (double or float input). */
static void add_input(void *input, adex_dtype dtype, size_t num,
                      const adex_run_input *in, size_t k) {
  const double *src = NULL;
  if (in->kind == ADEX_RUN_INPUT_NEURON) src = in->data;
  if (in->kind == ADEX_RUN_INPUT_STEP) src = in->data + k * num;
  if (dtype == ADEX_DTYPE_F64) {
    double *x = input;
    if (src == NULL)
      for (size_t i = 0; i < num; i++) x[i] += in->value;
    else
      for (size_t i = 0; i < num; i++) x[i] += src[i];
  } else {
    float *x = input;
    if (src == NULL)
      for (size_t i = 0; i < num; i++) x[i] = (float)(x[i] + in->value);
    else
      for (size_t i = 0; i < num; i++) x[i] = (float)(x[i] + src[i]);
  }
}

/* Check the input spec and find the input array. */
static adex_status plan_input(adex_pop *pop, const adex_run_input *in,
                              size_t steps, void **data, adex_dtype *dtype) {
  *data = NULL;
  if (in == NULL || in->kind == ADEX_RUN_INPUT_NONE) return ADEX_OK;
  switch (in->kind) {
  case ADEX_RUN_INPUT_SCALAR:
    if (!isfinite(in->value))
      return FAIL(pop, ADEX_EINVAL, "input must be finite, got %g", in->value);
    break;
  case ADEX_RUN_INPUT_NEURON:
  case ADEX_RUN_INPUT_STEP:
    if (in->data == NULL) return FAIL(pop, ADEX_EINVAL, "input data is NULL");
    if (in->kind == ADEX_RUN_INPUT_STEP && steps > 0 &&
        adex_pop_num(pop) > SIZE_MAX / sizeof(double) / steps)
      return FAIL(pop, ADEX_ESIZE,
                  "input of %zu x %zu values does not fit "
                  "in memory",
                  steps, adex_pop_num(pop));
    break;
  default:
    return FAIL(pop, ADEX_EINVAL, "unknown input kind %d", (int)in->kind);
  }
  adex_var v;
  adex_status st = adex_pop_var_find(pop, "input", &v);
  if (st != ADEX_OK) return adex__pop_fail(pop, st);
  if (v.dtype != ADEX_DTYPE_F64 && v.dtype != ADEX_DTYPE_F32)
    return FAIL(pop, ADEX_EINVAL, "input variable has dtype %s",
                adex_dtype_name(v.dtype));
  if (steps == 0) return ADEX_OK;
  *data = v.data;
  *dtype = v.dtype;
  return ADEX_OK;
}

adex_status adex_run_steps(double duration, double dt, size_t *steps) {
  if (steps == NULL) return adex__fail(ADEX_EINVAL, "steps must not be NULL");
  *steps = 0;
  if (!(isfinite(duration) && duration >= 0))
    return adex__fail(ADEX_EINVAL,
                      "duration must be finite and >= 0 ms, "
                      "got %g",
                      duration);
  if (!(isfinite(dt) && dt > 0))
    return adex__fail(ADEX_EINVAL, "dt must be finite and > 0 ms, got %g", dt);
  double n = duration / dt;
  if (!(n < ADEX_RUN_MAX_STEPS + 0.5))
    return adex__fail(ADEX_EINVAL,
                      "duration %g ms / dt %g ms gives more "
                      "than %g steps",
                      duration, dt, ADEX_RUN_MAX_STEPS);
  double r = round(n);
  /* snapped to a whole number >= 1 only: any duration > 0 takes a step */
  *steps = (size_t)(r >= 1.0 && fabs(n - r) <= 1e-9 * n ? r : ceil(n));
  return ADEX_OK;
}

adex_status adex_run_check_time(double t0, double dt, size_t steps) {
  if (!(isfinite(dt) && dt > 0))
    return adex__fail(ADEX_EINVAL, "dt must be finite and > 0, got %g", dt);
  double end = t0 + (double)steps * dt;
  if (!isfinite(t0) || !isfinite(end))
    return adex__fail(ADEX_EINVAL,
                      "t0 and the end time must be finite, got t0 = %g, "
                      "%zu steps of %g",
                      t0, steps, dt);
  /* |t| is largest at one end; the spacing of doubles just below 2^e is
   * 2^(e-53), so |t| < 2^e keeps it within dt * ADEX_TIME_RESOLUTION */
  double span = fmax(fabs(t0), fabs(end));
  int e = (int)floor(log2(dt * ADEX_TIME_RESOLUTION)) + 53;
  double limit = ldexp(1.0, e);
  if (!(span < limit))
    return adex__fail(ADEX_EINVAL,
                      "time %g ms is too large for steps of %g ms: doubles "
                      "there are %g ms apart; with this dt every time of the "
                      "run must stay below %g ms in magnitude",
                      fabs(t0) >= fabs(end) ? t0 : end, dt,
                      span - nextafter(span, 0.0), limit);
  return ADEX_OK;
}

adex_status adex_pop_run(adex_pop *pop, double t0, double dt, size_t steps,
                         const adex_run_input *input,
                         const adex_run_monitor *monitors, size_t n_monitors,
                         adex_run_progress_fn progress, void *user,
                         size_t *done) {
  if (done != NULL) *done = 0;
  if (pop == NULL) return adex__fail(ADEX_EINVAL, "pop must not be NULL");
  if (adex_run_check_time(t0, dt, steps) != ADEX_OK)
    return adex__pop_fail(pop, ADEX_EINVAL);
  if (n_monitors > 0 && monitors == NULL)
    return FAIL(pop, ADEX_EINVAL, "monitors is NULL with n_monitors %zu",
                n_monitors);

  void *in_data = NULL;
  adex_dtype in_dtype = ADEX_DTYPE_F64;
  adex_status st = plan_input(pop, input, steps, &in_data, &in_dtype);
  if (st != ADEX_OK) return st;

  if (n_monitors > ADEX_RUN_MAX_MONITORS)
    return FAIL(pop, ADEX_ESIZE, "%zu monitors, at most %d", n_monitors,
                ADEX_RUN_MAX_MONITORS);
  plan plans[ADEX_RUN_MAX_MONITORS];
  for (size_t m = 0; m < n_monitors; m++) {
    st = plan_monitor(pop, &monitors[m], m, steps, &plans[m]);
    if (st != ADEX_OK) return st;
  }

  /* An update fails only when dt is refused (unstable for a fixed-step
   * method), which the first one finds: keep the input it would consume so
   * that a refused run leaves the population as it was. */
  size_t num = adex_pop_num(pop);
  size_t in_bytes = num * adex_dtype_size(in_dtype);
  void *saved = NULL;
  if (in_data != NULL) {
    saved = adex__alloc(&pop->alloc, in_bytes);
    if (saved == NULL)
      return FAIL(pop, ADEX_ENOMEM,
                  "out of memory saving the input of %zu "
                  "neurons",
                  num);
    memcpy(saved, in_data, in_bytes);
  }
  size_t every = adex_run_progress_every(steps);
  for (size_t k = 0; k < steps; k++) {
    if (in_data != NULL) add_input(in_data, in_dtype, num, input, k);
    st = adex_pop_update(pop, t0 + (double)k * dt, dt);
    if (k == 0 && saved != NULL) {
      if (st != ADEX_OK) memcpy(in_data, saved, in_bytes);
      adex__free(&pop->alloc, saved, in_bytes);
      saved = NULL;
    }
    if (st != ADEX_OK) return st; /* the update set both messages */
    for (size_t m = 0; m < n_monitors; m++) record(&plans[m], k);
    if (done != NULL) *done = k + 1;
    if (progress != NULL && ((k + 1) % every == 0 || k + 1 == steps) &&
        progress(user, k + 1, steps) != 0)
      break;
  }
  adex__clear_error();
  return ADEX_OK;
}

size_t adex_abi_sizeof(const char *type_name) {
  static const struct {
    const char *name;
    size_t size;
  } table[] = {
      {"adex_pop_config", sizeof(adex_pop_config)},
      {"adex_init", sizeof(adex_init)},
      {"adex_params", sizeof(adex_params)},
      {"adex_var", sizeof(adex_var)},
      {"adex_run_input", sizeof(adex_run_input)},
      {"adex_run_monitor", sizeof(adex_run_monitor)},
      {"adex_state_report", sizeof(adex_state_report)},
      {"adex_pop_delay_info", sizeof(adex_pop_delay_info)},
      {"adex_spike_event", sizeof(adex_spike_event)},
      {"adex_conn", sizeof(adex_conn)},
      {"adex_proj_config", sizeof(adex_proj_config)},
      {"adex_net_input", sizeof(adex_net_input)},
      {"adex_net_monitor", sizeof(adex_net_monitor)},
  };
  if (type_name == NULL) return 0;
  for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
    if (strcmp(table[i].name, type_name) == 0) return table[i].size;
  return 0;
}
