/* runner.c - the time rules of a run (step count, time of a step, the
 * time grid's check) and adex_pop_run: a population's inputs and
 * monitors resolved, then the library's one loop (src/run/drive.c) on a
 * network of the population alone (adex/runner.h). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "adex/inputs.h"
#include "adex/net.h"
#include "adex/pop_delays.h"
#include "adex/runner.h"
#include "adex/state.h"
#include "internal.h"
#include "pop_internal.h"
#include "run/drive.h"

size_t adex_run_progress_every(size_t steps) {
  size_t every = steps / 100;
  return every > 0 ? every : 1;
}

/* Record a failure on the handle and the thread. */
#define FAIL(pop, st, ...) ADEX__FAIL_ON(adex__pop_fail, pop, st, __VA_ARGS__)

double adex_run_time(double t0, double dt, uint64_t k) {
  double q = t0 / dt, n0 = nearbyint(q);
  if (fabs(q - n0) <= 1e-9 * fmax(1.0, fabs(q)) &&
      fabs(n0) + (double)k < 9007199254740992.0 /* 2^53 */)
    return (n0 + (double)k) * dt;
  return t0 + (double)k * dt;
}

/* Check monitor i and resolve it. */
static adex_status plan_monitor(adex_pop *pop, const adex_run_monitor *m,
                                size_t i, size_t steps, adex__drive_mon *out) {
  if (m->var == NULL)
    return FAIL(pop, ADEX_EINVAL, "monitor %zu: variable name is NULL", i);
  adex_var v;
  adex_status st = adex_pop_var_find(pop, m->var, &v);
  if (st != ADEX_OK) return adex__pop_fail(pop, st);
  char what[ADEX_NAME_MAX + 64];
  snprintf(what, sizeof what, "monitor %zu (%s)", i, m->var);
  st = adex__drive_plan_mon(v.data, v.dtype, adex_pop_num(pop), m->indices,
                            m->n_indices, m->dtype, m->out, steps, what, out);
  return st == ADEX_OK ? st : adex__pop_fail(pop, st);
}

/* Check the input spec and resolve it; *n = 0 without one. */
static adex_status plan_input(adex_pop *pop, const adex_run_input *in,
                              size_t steps, adex__drive_in *r, size_t *n) {
  *n = 0;
  if (in == NULL || in->kind == ADEX_RUN_INPUT_NONE) return ADEX_OK;
  adex_var v;
  adex_status st = adex_pop_var_find(pop, "input", &v);
  if (st != ADEX_OK) return adex__pop_fail(pop, st);
  st = adex__drive_plan_in(in, '+', steps, v.data, v.dtype, adex_pop_num(pop),
                           "input", r);
  if (st != ADEX_OK) return adex__pop_fail(pop, st);
  *n = 1;
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
  if (n_monitors > ADEX_RUN_MAX_MONITORS)
    return FAIL(pop, ADEX_ESIZE, "%zu monitors, at most %d", n_monitors,
                ADEX_RUN_MAX_MONITORS);
  adex__drive_in in = {0};
  size_t n_in;
  adex_status st = plan_input(pop, input, steps, &in, &n_in);
  if (st != ADEX_OK) return st;
  adex__drive_mon plans[ADEX_RUN_MAX_MONITORS] = {0};
  for (size_t m = 0; m < n_monitors; m++) {
    st = plan_monitor(pop, &monitors[m], m, steps, &plans[m]);
    if (st != ADEX_OK) return st;
  }
  /* the library's one loop, on a network of this population alone */
  adex_net *net = NULL;
  st = adex__net_create_alone(t0, dt, &net);
  if (st == ADEX_OK) st = adex_net_add_pop(net, pop, NULL);
  if (st == ADEX_OK) st = adex_net_plan(net);
  adex_run_hooks hooks = {.user = user, .progress = progress};
  if (st == ADEX_OK)
    st = adex__drive(net, steps, &in, n_in, plans, n_monitors, &hooks, done,
                     NULL);
  adex_net_destroy(net);
  if (st != ADEX_OK) return adex__pop_fail(pop, st); /* the step's message */
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
      {"adex_gen_config", sizeof(adex_gen_config)},
  };
  if (type_name == NULL) return 0;
  for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
    if (strcmp(table[i].name, type_name) == 0) return table[i].size;
  return 0;
}
