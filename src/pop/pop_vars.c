/* pop_vars.c - a population's name and variable table (BrainPy's vars(),
 * register_implicit_vars): the one place that lists the state arrays, so
 * that saving, loading and the bindings iterate instead of naming them. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "pop_internal.h"

/* The built-in variables, in BrainPy's order. The real ones are in the
 * population's dtype (an adex__arr, one pointer whatever the dtype).
 * `limit` is
 * the largest magnitude a value may have (docs/numerics.md, *Guards*):
 * V and w leave room for a step's arithmetic, the others need only be
 * finite (and fit a float32 variable). */
static const struct {
  const char *name;
  adex_dtype dtype;
  size_t offset; /* of the data pointer (or adex__arr) in struct adex_pop */
  double limit;  /* largest |value| (real variables) */
} builtin[] = {
    {"V", ADEX_DTYPE_F64, offsetof(adex_pop, V), ADEX_STATE_MAX},
    {"w", ADEX_DTYPE_F64, offsetof(adex_pop, w), ADEX_STATE_MAX},
    {"input", ADEX_DTYPE_F64, offsetof(adex_pop, input), DBL_MAX},
    {"spike", ADEX_DTYPE_BOOL, offsetof(adex_pop, spike), 0},
    {"refractory", ADEX_DTYPE_BOOL, offsetof(adex_pop, refractory), 0},
    {"t_last_spike", ADEX_DTYPE_F64, offsetof(adex_pop, t_last_spike), DBL_MAX},
};

#define N_BUILTIN (sizeof builtin / sizeof builtin[0])
_Static_assert(N_BUILTIN == ADEX__POP_BUILTIN_VARS, "pop_internal.h");

const char *adex_pop_name(const adex_pop *pop) { return pop->name.name; }
const char *adex_pop_integrator_name(const adex_pop *pop) {
  return pop->integral.name;
}

size_t adex_pop_var_count(const adex_pop *pop) {
  return N_BUILTIN + pop->n_extra;
}

adex_status adex_pop_var_at(adex_pop *pop, size_t i, adex_var *out) {
  if (i >= adex_pop_var_count(pop)) {
    adex__fail(ADEX_EKEY, "variable index %zu out of range (%zu variables)", i,
               adex_pop_var_count(pop));
    return adex__pop_fail(pop, ADEX_EKEY);
  }
  memset(out, 0, sizeof *out);
  out->ndim = adex_pop_shape(pop, out->shape);
  if (i < N_BUILTIN) {
    bool f32 =
        builtin[i].dtype == ADEX_DTYPE_F64 && pop->dtype == ADEX_DTYPE_F32;
    out->name = builtin[i].name;
    out->dtype = f32 ? ADEX_DTYPE_F32 : builtin[i].dtype;
    memcpy(&out->data, (char *)pop + builtin[i].offset, sizeof out->data);
  } else {
    size_t j = i - N_BUILTIN;
    out->name = pop->extra_names[j];
    out->dtype = pop->extra_dtype[j];
    out->data = pop->extra_data[j];
  }
  return ADEX_OK;
}

/* Strip "<pop name>." from an absolute name; NULL if another object's. */
static const char *relative(const adex_pop *pop, const char *name) {
  const char *dot = strchr(name, '.');
  if (dot == NULL) return name;
  size_t len = (size_t)(dot - name);
  if (strlen(pop->name.name) != len || strncmp(pop->name.name, name, len) != 0)
    return NULL;
  return dot + 1;
}

double adex__var_limit(const adex_pop *pop, size_t i) {
  if (i >= N_BUILTIN || builtin[i].dtype == ADEX_DTYPE_BOOL) return NAN;
  double limit = builtin[i].limit;
  if (pop->dtype == ADEX_DTYPE_F32 && limit > FLT_MAX) limit = FLT_MAX;
  return limit;
}

adex_status adex__value_check(const char *what, const double *x, size_t n,
                              double limit, adex_status code, size_t *bad) {
  if (isnan(limit)) return ADEX_OK;
  /* Blocks with a branch-free test the compiler vectorises; the element
   * loop below only runs from the first block that fails. */
  size_t i = 0;
  while (i < n) {
    size_t end = n - i > 256 ? i + 256 : n;
    int ok = 1;
    for (size_t j = i; j < end; j++) ok &= fabs(x[j]) <= limit;
    if (!ok) break;
    i = end;
  }
  for (; i < n; i++) {
    if (fabs(x[i]) <= limit) continue;
    if (bad != NULL) *bad = i;
    if (!isfinite(x[i]))
      return adex__fail(code, "%s: element %zu is %.9g; values must be finite",
                        what, i, x[i]);
    return adex__fail(code, "%s: element %zu is %.9g, outside +-%g", what, i,
                      x[i], limit);
  }
  return ADEX_OK;
}

/* The index of variable `name` (relative or absolute) in the table, or
 * the variable count when there is none. */
static size_t var_index(adex_pop *pop, const char *name) {
  const char *rel = name != NULL ? relative(pop, name) : NULL;
  size_t i = 0, n = adex_pop_var_count(pop);
  for (; rel != NULL && i < n; i++) {
    adex_var v;
    adex_pop_var_at(pop, i, &v);
    if (strcmp(v.name, rel) == 0) return i;
  }
  return n;
}

adex_status adex_pop_check_values(adex_pop *pop, const char *name,
                                  const double *x, size_t n, size_t *bad) {
  if (pop == NULL) return adex__fail(ADEX_EINVAL, "pop must not be NULL");
  adex_var v;
  adex_status st = adex_pop_var_find(pop, name, &v);
  if (st != ADEX_OK) return st;
  if (x == NULL && n > 0)
    st = adex__fail(ADEX_EINVAL, "values must not be NULL");
  else if (v.dtype == ADEX_DTYPE_BOOL) {
    for (size_t j = 0; j < n && st == ADEX_OK; j++)
      if (!(x[j] == 0.0 || x[j] == 1.0)) {
        if (bad != NULL) *bad = j;
        st = adex__fail(ADEX_ERANGE,
                        "%s: element %zu is %g; a bool "
                        "variable takes 0 or 1",
                        v.name, j, x[j]);
      }
  } else {
    st = adex__value_check(v.name, x, n,
                           adex__var_limit(pop, var_index(pop, name)),
                           ADEX_ERANGE, bad);
  }
  if (st != ADEX_OK) return adex__pop_fail(pop, st);
  adex__clear_error();
  return ADEX_OK;
}

adex_status adex_pop_var_find(adex_pop *pop, const char *name, adex_var *out) {
  const char *rel = name != NULL ? relative(pop, name) : NULL;
  for (size_t i = 0; rel != NULL && i < adex_pop_var_count(pop); i++) {
    adex_var v;
    adex_pop_var_at(pop, i, &v);
    if (strcmp(v.name, rel) == 0) {
      *out = v;
      return ADEX_OK;
    }
  }
  char names[256] = "";
  for (size_t i = 0, used = 0; i < adex_pop_var_count(pop); i++) {
    adex_var v;
    adex_pop_var_at(pop, i, &v);
    int n = snprintf(names + used, sizeof names - used, "%s%s", i ? ", " : "",
                     v.name);
    if (n < 0 || (size_t)n >= sizeof names - used) break;
    used += (size_t)n;
  }
  adex__fail(ADEX_EKEY, "no variable '%.80s' in %s; variables: %s",
             name ? name : "(null)", pop->name.name, names);
  return adex__pop_fail(pop, ADEX_EKEY);
}

adex_status adex_pop_register_var(adex_pop *pop, const char *name,
                                  adex_dtype dtype, void *data) {
  adex_var existing;
  adex_status st = ADEX_OK;
  if (!adex_name_is_valid(name))
    st = adex__fail(ADEX_EINVAL,
                    "variable name '%.80s' is not a valid "
                    "identifier",
                    name ? name : "(null)");
  else if (data == NULL)
    st = adex__fail(ADEX_EINVAL, "variable '%s': data must not be NULL", name);
  else if (adex_dtype_size(dtype) == 0)
    st = adex__fail(ADEX_EINVAL, "variable '%s': invalid dtype %d", name,
                    (int)dtype);
  else if (pop->n_extra == ADEX_MAX_EXTRA_VARS)
    st = adex__fail(ADEX_ESIZE, "at most %d variables can be registered",
                    ADEX_MAX_EXTRA_VARS);
  else if (adex_pop_var_find(pop, name, &existing) == ADEX_OK)
    st = adex__fail(ADEX_EINVAL, "variable '%s' already exists in %s", name,
                    pop->name.name);
  if (st != ADEX_OK) return adex__pop_fail(pop, st);
  size_t j = pop->n_extra++;
  snprintf(pop->extra_names[j], ADEX_NAME_MAX, "%s", name);
  pop->extra_dtype[j] = dtype;
  pop->extra_data[j] = data;
  adex__clear_error();
  return ADEX_OK;
}

size_t adex_pop_node_count(const adex_pop *pop) { return 2 + pop->n_nodes; }

const char *adex_pop_node_at(const adex_pop *pop, size_t i) {
  if (i == 0) return pop->name.name;
  if (i == 1) return pop->integral.name;
  return i - 2 < pop->n_nodes ? pop->node_names[i - 2] : NULL;
}

adex_status adex_pop_register_node(adex_pop *pop, const char *name) {
  adex_status st = ADEX_OK;
  if (!adex_name_is_valid(name))
    st = adex__fail(ADEX_EINVAL,
                    "node name '%.80s' is not a valid "
                    "identifier",
                    name ? name : "(null)");
  for (size_t i = 0; st == ADEX_OK && i < adex_pop_node_count(pop); i++)
    if (strcmp(adex_pop_node_at(pop, i), name) == 0)
      st = adex__fail(ADEX_EINVAL, "node '%s' is already a node of %s", name,
                      pop->name.name);
  if (st == ADEX_OK && pop->n_nodes == ADEX_MAX_EXTRA_NODES)
    st = adex__fail(ADEX_ESIZE, "at most %d nodes can be registered",
                    ADEX_MAX_EXTRA_NODES);
  if (st != ADEX_OK) return adex__pop_fail(pop, st);
  snprintf(pop->node_names[pop->n_nodes++], ADEX_NAME_MAX, "%s", name);
  adex__clear_error();
  return ADEX_OK;
}
