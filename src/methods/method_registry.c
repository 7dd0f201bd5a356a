/* method_registry.c - the table of integration methods and lookup by name. */
#include <stdio.h>
#include <string.h>

#include "adex/method.h"
#include "internal.h"
#include "method_internal.h"

/* Every method, in the order they are listed to users. */
static const adex_method *const registry[] = {
    &adex__method_exp_auto,
    /* explicit Runge-Kutta (method_rk.c) */
    &adex__method_euler,
    &adex__method_midpoint,
    &adex__method_heun2,
    &adex__method_ralston2,
    &adex__method_rk2,
    &adex__method_rk3,
    &adex__method_heun3,
    &adex__method_ralston3,
    &adex__method_ssprk3,
    &adex__method_rk4,
    &adex__method_ralston4,
    &adex__method_rk4_38rule,
    /* embedded pairs, fixed step */
    &adex__method_rkf12,
    &adex__method_rkf45,
    &adex__method_rkdp,
    &adex__method_ck,
    &adex__method_bs,
    &adex__method_heun_euler,
};

#define N_METHODS (sizeof registry / sizeof registry[0])

size_t adex_method_count(void) { return N_METHODS; }

const adex_method *adex_method_at(size_t i) {
  return i < N_METHODS ? registry[i] : NULL;
}

const char *adex_method_name(const adex_method *m) { return m->name; }
int adex_method_order(const adex_method *m) { return m->order; }
int adex_method_stages(const adex_method *m) { return m->stages; }
int adex_method_is_embedded(const adex_method *m) { return m->embedded; }
const char *const *adex_method_aliases(const adex_method *m) {
  return m->aliases;
}

/* Append `s` (with a ", " separator unless first) to buf; track the need. */
static size_t append(char *buf, size_t len, size_t used, const char *s) {
  int n = snprintf(used < len ? buf + used : NULL, used < len ? len - used : 0,
                   "%s%s", used > 0 ? ", " : "", s);
  return used + (n > 0 ? (size_t)n : 0);
}

size_t adex_method_list(char *buf, size_t len) {
  size_t used = 0;
  if (buf != NULL && len > 0)
    buf[0] = '\0';
  else
    len = 0;
  for (size_t i = 0; i < N_METHODS; i++) {
    used = append(buf, len, used, registry[i]->name);
    for (const char *const *a = registry[i]->aliases; *a != NULL; a++)
      used = append(buf, len, used, *a);
  }
  return used;
}

adex_status adex_method_find(const char *name, const adex_method **method) {
  for (size_t i = 0; name != NULL && i < N_METHODS; i++) {
    const adex_method *m = registry[i];
    if (strcmp(name, m->name) == 0) {
      *method = m;
      return ADEX_OK;
    }
    for (const char *const *a = m->aliases; *a != NULL; a++) {
      if (strcmp(name, *a) == 0) {
        *method = m;
        return ADEX_OK;
      }
    }
  }
  char names[ADEX__ERRMSG_MAX - 64];
  adex_method_list(names, sizeof names);
  return adex__fail(ADEX_EMETHOD, "unknown method '%.32s'; valid: %s",
                    name != NULL ? name : "(null)", names);
}
