/* params.c - the parameter table (names, units, defaults) and the checks
 * of one parameter set (docs/semantics.md sections 1 and 5). */
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "adex/params.h"
#include "internal.h"
#include "params_internal.h"

/* One row per parameter, in adex_param_id order, from ADEX_PARAM_LIST. */
static const struct {
  const char *name;
  const char *unit;
  size_t offset;
  double fallback; /* BrainPy's default */
  const char *doc;
} param_table[ADEX_NPARAMS] = {
#define ROW(name, ID, unit, dflt, doc)                                         \
  {#name, unit, offsetof(adex_params, name), dflt, doc},
    ADEX_PARAM_LIST(ROW)
#undef ROW
};

/* "V_rest, V_reset, ..., R": the names for messages. */
#define NAME_OF(name, ID, unit, dflt, doc) ", " #name
static const char names_list[] = ADEX_PARAM_LIST(NAME_OF);
#undef NAME_OF
#define PARAM_NAMES (names_list + 2) /* without the leading ", " */

void adex_params_default(adex_params *p) {
  for (int id = 0; id < ADEX_NPARAMS; id++)
    adex_params_set(p, (adex_param_id)id, param_table[id].fallback);
}

const char *adex_param_name(adex_param_id id) {
  return (unsigned)id < ADEX_NPARAMS ? param_table[id].name : NULL;
}

const char *adex_param_unit(adex_param_id id) {
  return (unsigned)id < ADEX_NPARAMS ? param_table[id].unit : NULL;
}

const char *adex_param_doc(adex_param_id id) {
  return (unsigned)id < ADEX_NPARAMS ? param_table[id].doc : NULL;
}

double adex_param_default(adex_param_id id) {
  return (unsigned)id < ADEX_NPARAMS ? param_table[id].fallback : NAN;
}

int adex_param_count(void) { return ADEX_NPARAMS; }

adex_status adex_param_find(const char *name, adex_param_id *id) {
  for (int i = 0; name != NULL && i < ADEX_NPARAMS; i++) {
    if (strcmp(name, param_table[i].name) == 0) {
      *id = (adex_param_id)i;
      return ADEX_OK;
    }
  }
  return adex__fail(ADEX_EKEY, "unknown parameter '%s'; valid: %s",
                    name != NULL ? name : "(null)", PARAM_NAMES);
}

double adex_params_get(const adex_params *p, adex_param_id id) {
  double v;
  memcpy(&v, (const char *)p + param_table[id].offset, sizeof v);
  return v;
}

void adex_params_set(adex_params *p, adex_param_id id, double value) {
  memcpy((char *)p + param_table[id].offset, &value, sizeof value);
}

/* Check one set of neuron `index` (-1: a set for every neuron); the
 * failure names the parameter (adex_errkey) and the neuron. */
adex_status adex__params_check_at(const adex_params *p, long long index) {
  for (int id = 0; id < ADEX_NPARAMS; id++) {
    double v = adex_params_get(p, (adex_param_id)id);
    if (!isfinite(v))
      return ADEX__FAIL_KEY(ADEX_EINVAL, param_table[id].name, index,
                            "must be finite, got %g", v);
  }
  if (!(p->tau > 0))
    return ADEX__FAIL_KEY(ADEX_EINVAL, "tau", index, "must be > 0, got %g",
                          p->tau);
  if (!(p->tau_w > 0))
    return ADEX__FAIL_KEY(ADEX_EINVAL, "tau_w", index, "must be > 0, got %g",
                          p->tau_w);
  for (int id = 0; id < ADEX_NPARAMS; id++) {
    double v = adex_params_get(p, (adex_param_id)id);
    if (!(fabs(v) <= ADEX__PARAM_MAX))
      return ADEX__FAIL_KEY(ADEX_EINVAL, param_table[id].name, index,
                            "must be within +-%g, got %g", ADEX__PARAM_MAX, v);
  }
  if (!(p->tau >= ADEX__TAU_MIN) || !(p->tau_w >= ADEX__TAU_MIN))
    return ADEX__FAIL_KEY(ADEX_EINVAL,
                          p->tau >= ADEX__TAU_MIN ? "tau_w" : "tau", index,
                          "must be >= %g ms, got %g", ADEX__TAU_MIN,
                          p->tau >= ADEX__TAU_MIN ? p->tau_w : p->tau);
  if (!(p->delta_T >= 0))
    return ADEX__FAIL_KEY(ADEX_EINVAL, "delta_T", index, "must be >= 0, got %g",
                          p->delta_T);
  if (!(p->V_reset < p->V_th))
    return ADEX__FAIL_KEY(ADEX_EINVAL, "V_reset", index,
                          "must be < V_th, got V_reset = %g, V_th = %g",
                          p->V_reset, p->V_th);
  if (p->delta_T > 0 && !((p->V_th - p->V_T) / p->delta_T <= ADEX__EXP_ARG_MAX))
    return adex__fail_at(ADEX_EINVAL, "params", NULL, index, 1,
                         "(V_th - V_T)/delta_T must be <= %g so that the "
                         "exponential stays finite, got (%g - %g)/%g = %g",
                         ADEX__EXP_ARG_MAX, p->V_th, p->V_T, p->delta_T,
                         (p->V_th - p->V_T) / p->delta_T);
  return ADEX_OK;
}

adex_status adex_input_check(const char *name, double value) {
  if (name == NULL) name = "input";
  if (!isfinite(value))
    return adex__fail(ADEX_EINVAL, "%s must be finite, got %g", name, value);
  if (!(fabs(value) <= ADEX_INPUT_MAX))
    return adex__fail(ADEX_EINVAL, "%s must be within +-%g, got %g", name,
                      ADEX_INPUT_MAX, value);
  return ADEX_OK;
}

adex_status adex_params_check(const adex_params *p) {
  if (p == NULL) return adex__fail(ADEX_EINVAL, "params must not be NULL");
  return adex__params_check_at(p, -1);
}
