/* pop_delays.c - delays registered by name (docs/semantics.md section 6): a population's
 * own table and the process-wide registry (BrainPy's global_delay_vars).
 *
 * The buffers are adex_delay rings (src/delay/delay.c); this file only names
 * them, ties them to a target variable, keeps per-neuron steps, and grows a
 * buffer when a name is registered again with a larger maximum. Growing
 * needs no scratch history: the new ring is created holding the oldest old
 * row and the `initial` rows, then the other old rows are pushed from the
 * oldest to the newest, which leaves every old row at its old age and the
 * new ages filled with `initial`.
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adex/pop_delays.h"
#include "pop_internal.h"

/* One delay of a population. */
typedef struct entry {
  char name[ADEX_NAME_MAX];
  size_t var;        /* index of the target in the variable table */
  adex_delay *delay; /* the ring */
  size_t *steps;     /* per-neuron steps [num], or NULL */
  double *scratch;   /* [num] for a target that is not float64 (bools as
                        0.0/1.0), else NULL */
} entry;

struct adex__delay_table {
  size_t n;
  entry e[ADEX_MAX_POP_DELAYS];
};

bool adex_delay_name_is_valid(const char *s) {
  if (s == NULL || s[0] == '\0' || strlen(s) >= ADEX_NAME_MAX) return false;
  /* Split at dots; every part must be an identifier. */
  char part[ADEX_NAME_MAX];
  const char *p = s;
  for (;;) {
    const char *dot = strchr(p, '.');
    size_t len = dot != NULL ? (size_t)(dot - p) : strlen(p);
    memcpy(part, p, len);
    part[len] = '\0';
    if (!adex_name_is_valid(part)) return false;
    if (dot == NULL) return true;
    p = dot + 1;
  }
}

/* A new ring of max_delay >= adex_delay_max(old) holding old's history at
 * the same ages and `initial` (or zeros) at the new ages. */
static adex_status grow_delay(const adex_delay *old, size_t max_delay,
                              const double *initial, const adex_allocator *a,
                              adex_delay **out) {
  size_t old_max = adex_delay_max(old);
  adex_status st =
      adex_delay_create(adex_delay_num(old), max_delay,
                        adex_delay_row(old, old_max), initial, a, out);
  if (st != ADEX_OK) return st;
  for (size_t k = old_max; k-- > 0;)
    adex_delay_push(*out, adex_delay_row(old, k));
  return ADEX_OK;
}

/* ------------------------------------------------------------------ local */

/* The entry named `name`, or NULL. */
static entry *find_entry(adex_pop *pop, const char *name) {
  struct adex__delay_table *t = pop->delays;
  for (size_t i = 0; t != NULL && i < t->n; i++)
    if (strcmp(t->e[i].name, name) == 0) return &t->e[i];
  return NULL;
}

/* Find the entry named `name`; ADEX_EKEY listing the names if none. */
static adex_status lookup(adex_pop *pop, const char *name, entry **out) {
  *out = find_entry(pop, name);
  if (*out != NULL) return ADEX_OK;
  char names[256] = "";
  size_t used = 0;
  struct adex__delay_table *t = pop->delays;
  for (size_t i = 0; t != NULL && i < t->n; i++) {
    int k = snprintf(names + used, sizeof names - used, "%s%s", i ? ", " : "",
                     t->e[i].name);
    if (k < 0 || (size_t)k >= sizeof names - used) break;
    used += (size_t)k;
  }
  adex__fail(ADEX_EKEY, "no delay '%.80s' in %s; delays: %s", name,
             pop->name.name, used ? names : "(none registered)");
  return adex__pop_fail(pop, ADEX_EKEY);
}

/* The target's current value as doubles: the variable itself, or
 * (bool, float32) converted into the entry's scratch row. */
static const double *target_values(adex_pop *pop, const entry *e) {
  adex_var v;
  adex_pop_var_at(pop, e->var, &v);
  if (v.dtype == ADEX_DTYPE_F64) return v.data;
  if (v.dtype == ADEX_DTYPE_F32) {
    const float *f = v.data;
    for (size_t i = 0; i < pop->num; i++) e->scratch[i] = (double)f[i];
  } else {
    const bool *b = v.data;
    for (size_t i = 0; i < pop->num; i++) e->scratch[i] = b[i] ? 1.0 : 0.0;
  }
  return e->scratch;
}

/* Free an entry's blocks. */
static void free_entry(adex_pop *pop, entry *e) {
  adex_delay_destroy(e->delay);
  adex__free(&pop->alloc, e->steps, pop->num * sizeof(size_t));
  adex__free(&pop->alloc, e->scratch, pop->num * sizeof(double));
  memset(e, 0, sizeof *e);
}

/* Frees every delay of a population; called by adex_pop_destroy. */
void adex__pop_delays_free(adex_pop *pop) {
  struct adex__delay_table *t = pop->delays;
  if (t == NULL) return;
  for (size_t i = 0; i < t->n; i++) free_entry(pop, &t->e[i]);
  adex__free(&pop->alloc, t, sizeof *t);
  pop->delays = NULL;
}

/* Copy of num per-neuron steps, or NULL on allocation failure. */
static size_t *copy_steps(adex_pop *pop, const size_t *steps) {
  size_t *c = adex__alloc(&pop->alloc, pop->num * sizeof(size_t));
  if (c != NULL) memcpy(c, steps, pop->num * sizeof(size_t));
  return c;
}

/* The checks of a registration: a valid name, and the index of the target
 * variable (the table only ever grows) with its description. */
static adex_status find_target(adex_pop *pop, const char *name,
                               const char *target, size_t *var, adex_var *tv) {
  if (!adex_delay_name_is_valid(name))
    return ADEX__FAIL_ON(adex__pop_fail, pop, ADEX_EINVAL,
                         "delay name '%.80s' is not valid (identifiers "
                         "joined by '.', at most %d characters)",
                         name ? name : "(null)", ADEX_NAME_MAX - 1);
  if (target == NULL)
    return ADEX__FAIL_ON(adex__pop_fail, pop, ADEX_EINVAL,
                         "delay '%s': target must not be NULL", name);
  if (adex_pop_var_find(pop, target, tv) != ADEX_OK) {
    char msg[ADEX__ERRMSG_MAX];
    snprintf(msg, sizeof msg, "%s", adex_errmsg());
    return ADEX__FAIL_ON(adex__pop_fail, pop, ADEX_EKEY,
                         "delay '%s': target: %s", name, msg);
  }
  *var = SIZE_MAX;
  for (size_t i = 0; i < adex_pop_var_count(pop); i++) {
    adex_var v;
    adex_pop_var_at(pop, i, &v);
    if (v.data == tv->data) *var = i;
  }
  return ADEX_OK;
}

/* Register an existing delay again: the same target; the buffer grows to
 * max_delay (keeping its history) and the per-neuron steps are replaced;
 * nothing changes on failure. */
static adex_status register_again(adex_pop *pop, entry *e, const char *name,
                                  size_t var, const adex_var *tv,
                                  size_t max_delay,
                                  const size_t *per_neuron_steps,
                                  const double *initial) {
  adex_var old;
  adex_pop_var_at(pop, e->var, &old);
  if (e->var != var)
    return ADEX__FAIL_ON(adex__pop_fail, pop, ADEX_EINVAL,
                         "delay '%s' is registered for target '%s', not "
                         "'%s'",
                         name, old.name, tv->name);
  adex_delay *grown = NULL;
  size_t *steps = NULL;
  if (max_delay > adex_delay_max(e->delay)) {
    adex_status st =
        grow_delay(e->delay, max_delay, initial, &pop->alloc, &grown);
    if (st != ADEX_OK) return adex__pop_fail(pop, st);
  }
  if (per_neuron_steps != NULL &&
      (steps = copy_steps(pop, per_neuron_steps)) == NULL) {
    adex_delay_destroy(grown);
    return ADEX__FAIL_ON(adex__pop_fail, pop, ADEX_ENOMEM,
                         "out of memory copying the steps of delay '%s'", name);
  }
  if (grown != NULL) {
    adex_delay_destroy(e->delay);
    e->delay = grown;
  }
  if (steps != NULL) {
    adex__free(&pop->alloc, e->steps, pop->num * sizeof(size_t));
    e->steps = steps;
  }
  adex__clear_error();
  return ADEX_OK;
}

/* Register a new delay: an entry with its buffer (and, for a float32
 * target, a double scratch row) in the table, made on first use. */
static adex_status register_new(adex_pop *pop, const char *name, size_t var,
                                const adex_var *tv, size_t max_delay,
                                const size_t *per_neuron_steps,
                                const double *initial) {
  if (pop->delays != NULL && pop->delays->n == ADEX_MAX_POP_DELAYS)
    return ADEX__FAIL_ON(adex__pop_fail, pop, ADEX_ESIZE,
                         "delay '%s': %s holds %d delays already (the most)",
                         name, pop->name.name, ADEX_MAX_POP_DELAYS);
  struct adex__delay_table *table = pop->delays;
  bool new_table = table == NULL;
  entry fresh;
  memset(&fresh, 0, sizeof fresh);
  snprintf(fresh.name, sizeof fresh.name, "%s", name);
  fresh.var = var;
  adex_status st = ADEX_OK;
  if (new_table) {
    table = adex__alloc(&pop->alloc, sizeof *table);
    if (table != NULL) memset(table, 0, sizeof *table);
  }
  if (table == NULL ||
      (per_neuron_steps != NULL &&
       (fresh.steps = copy_steps(pop, per_neuron_steps)) == NULL) ||
      (tv->dtype != ADEX_DTYPE_F64 &&
       (fresh.scratch = adex__alloc(&pop->alloc, pop->num * sizeof(double))) ==
           NULL))
    st = adex__fail(ADEX_ENOMEM, "out of memory registering delay '%s'", name);
  if (st == ADEX_OK)
    st = adex_delay_create(pop->num, max_delay, target_values(pop, &fresh),
                           initial, &pop->alloc, &fresh.delay);
  if (st != ADEX_OK) {
    free_entry(pop, &fresh);
    if (new_table) adex__free(&pop->alloc, table, sizeof *table);
    return adex__pop_fail(pop, st);
  }
  table->e[table->n++] = fresh;
  pop->delays = table;
  adex__clear_error();
  return ADEX_OK;
}

adex_status adex_pop_register_delay(adex_pop *pop, const char *name,
                                    size_t max_delay,
                                    const size_t *per_neuron_steps,
                                    const char *target, const double *initial) {
  if (pop == NULL) return adex__fail(ADEX_EINVAL, "pop must not be NULL");
  size_t var = SIZE_MAX;
  adex_var tv;
  adex_status st = find_target(pop, name, target, &var, &tv);
  if (st != ADEX_OK) return st;
  if (per_neuron_steps != NULL)
    for (size_t i = 0; i < pop->num; i++)
      if (per_neuron_steps[i] > max_delay) max_delay = per_neuron_steps[i];
  entry *e = find_entry(pop, name);
  if (e != NULL)
    return register_again(pop, e, name, var, &tv, max_delay, per_neuron_steps,
                          initial);
  return register_new(pop, name, var, &tv, max_delay, per_neuron_steps,
                      initial);
}

/* Re-state a delay's failure with its name in front. */
static adex_status named_fail(adex_pop *pop, const char *name, adex_status st) {
  char msg[ADEX__ERRMSG_MAX];
  snprintf(msg, sizeof msg, "%s", adex_errmsg());
  adex__fail(st, "delay '%s' of %s: %s", name, pop->name.name, msg);
  return adex__pop_fail(pop, st);
}

/* The entry for a call on (pop, name), checking out for NULL too. */
static adex_status entry_for(adex_pop *pop, const char *name, const void *out,
                             entry **e) {
  if (name == NULL || out == NULL) {
    adex__fail(ADEX_EINVAL, "delay name and output must not be NULL");
    return adex__pop_fail(pop, ADEX_EINVAL);
  }
  return lookup(pop, name, e);
}

adex_status adex_pop_get_delay_data(adex_pop *pop, const char *name,
                                    size_t steps, double *out) {
  if (pop == NULL) return adex__fail(ADEX_EINVAL, "pop must not be NULL");
  entry *e = NULL;
  adex_status st = entry_for(pop, name, out, &e);
  if (st == ADEX_OK) st = adex_delay_get(e->delay, steps, out);
  if (st == ADEX_OK) return ADEX_OK;
  return e != NULL ? named_fail(pop, name, st) : st;
}

adex_status adex_pop_get_delay_data_indices(adex_pop *pop, const char *name,
                                            size_t steps, const size_t *indices,
                                            size_t n, double *out) {
  if (pop == NULL) return adex__fail(ADEX_EINVAL, "pop must not be NULL");
  entry *e = NULL;
  adex_status st = entry_for(pop, name, n ? (const void *)out : "", &e);
  if (st == ADEX_OK)
    st = adex_delay_get_indices(e->delay, steps, indices, n, out);
  if (st == ADEX_OK) return ADEX_OK;
  return e != NULL ? named_fail(pop, name, st) : st;
}

adex_status adex_pop_get_delay_data_gather(adex_pop *pop, const char *name,
                                           double *out) {
  if (pop == NULL) return adex__fail(ADEX_EINVAL, "pop must not be NULL");
  entry *e = NULL;
  adex_status st = entry_for(pop, name, out, &e);
  if (st != ADEX_OK) return st;
  if (e->steps == NULL) {
    adex__fail(ADEX_EINVAL,
               "delay '%s' of %s was registered without "
               "per-neuron steps",
               name, pop->name.name);
    return adex__pop_fail(pop, ADEX_EINVAL);
  }
  st = adex_delay_gather(e->delay, e->steps, out);
  return st == ADEX_OK ? ADEX_OK : named_fail(pop, name, st);
}

adex_status adex_pop_update_delay(adex_pop *pop, const char *name,
                                  const double *value) {
  if (pop == NULL) return adex__fail(ADEX_EINVAL, "pop must not be NULL");
  entry *e = NULL;
  adex_status st = entry_for(pop, name, "", &e);
  if (st != ADEX_OK) return st;
  adex_delay_push(e->delay, value != NULL ? value : target_values(pop, e));
  return ADEX_OK;
}

adex_status adex_pop_reset_delay(adex_pop *pop, const char *name) {
  if (pop == NULL) return adex__fail(ADEX_EINVAL, "pop must not be NULL");
  entry *e = NULL;
  adex_status st = entry_for(pop, name, "", &e);
  if (st != ADEX_OK) return st;
  adex_delay_reset(e->delay, target_values(pop, e));
  return ADEX_OK;
}

adex_delay *adex_pop_delay(adex_pop *pop, const char *name) {
  if (pop == NULL) {
    adex__fail(ADEX_EINVAL, "pop must not be NULL");
    return NULL;
  }
  entry *e = NULL;
  return entry_for(pop, name, "", &e) == ADEX_OK ? e->delay : NULL;
}

size_t adex_pop_delay_count(const adex_pop *pop) {
  return pop != NULL && pop->delays != NULL ? pop->delays->n : 0;
}

adex_status adex_pop_delay_at(adex_pop *pop, size_t i,
                              adex_pop_delay_info *out) {
  if (pop == NULL || out == NULL)
    return adex__fail(ADEX_EINVAL, "pop and out must not be NULL");
  if (i >= adex_pop_delay_count(pop)) {
    adex__fail(ADEX_EKEY, "delay index %zu out of range (%zu delays)", i,
               adex_pop_delay_count(pop));
    return adex__pop_fail(pop, ADEX_EKEY);
  }
  const entry *e = &pop->delays->e[i];
  adex_var v;
  adex_pop_var_at(pop, e->var, &v);
  out->name = e->name;
  out->target = v.name;
  out->max_delay = adex_delay_max(e->delay);
  out->steps = e->steps;
  out->delay = e->delay;
  return ADEX_OK;
}

/* ----------------------------------------------------------------- global */

/* One global delay; nodes come from the default allocator. */
typedef struct gnode {
  char name[ADEX_NAME_MAX];
  adex_delay *delay;
  struct gnode *next;
} gnode;

static pthread_mutex_t glock = PTHREAD_MUTEX_INITIALIZER;
static gnode *ghead; /* registration order */
static size_t gcount;

/* The node named `name`; the caller holds the lock. */
static gnode *gfind_locked(const char *name) {
  for (gnode *g = ghead; g != NULL; g = g->next)
    if (strcmp(g->name, name) == 0) return g;
  return NULL;
}

adex_status adex_global_delay_register(const char *name, size_t num,
                                       size_t max_delay, const double *target,
                                       const double *initial,
                                       adex_delay **out) {
  if (out != NULL) *out = NULL;
  if (!adex_delay_name_is_valid(name))
    return adex__fail(ADEX_EINVAL,
                      "global delay name '%.80s' is not valid (identifiers "
                      "joined by '.', at most %d characters)",
                      name ? name : "(null)", ADEX_NAME_MAX - 1);
  if (target == NULL)
    return adex__fail(ADEX_EINVAL,
                      "global delay '%s': target must not be "
                      "NULL",
                      name);
  const adex_allocator *a = adex_allocator_default();
  adex_status st = ADEX_OK;
  pthread_mutex_lock(&glock);
  gnode *g = gfind_locked(name);
  if (g != NULL) {
    if (adex_delay_num(g->delay) != num) {
      st = adex__fail(ADEX_ESIZE,
                      "global delay '%s' has %zu values per row, "
                      "not %zu",
                      name, adex_delay_num(g->delay), num);
    } else if (max_delay > adex_delay_max(g->delay)) {
      adex_delay *grown = NULL;
      st = grow_delay(g->delay, max_delay, initial, a, &grown);
      if (st == ADEX_OK) {
        adex_delay_destroy(g->delay);
        g->delay = grown;
      }
    }
  } else {
    g = adex__alloc(a, sizeof *g);
    if (g == NULL) {
      st = adex__fail(ADEX_ENOMEM,
                      "out of memory registering global delay "
                      "'%s'",
                      name);
    } else {
      memset(g, 0, sizeof *g);
      snprintf(g->name, sizeof g->name, "%s", name);
      st = adex_delay_create(num, max_delay, target, initial, a, &g->delay);
      if (st != ADEX_OK) {
        adex__free(a, g, sizeof *g);
      } else {
        gnode **tail = &ghead;
        while (*tail != NULL) tail = &(*tail)->next;
        *tail = g;
        gcount++;
      }
    }
  }
  if (st == ADEX_OK && out != NULL) *out = g->delay;
  pthread_mutex_unlock(&glock);
  if (st == ADEX_OK) adex__clear_error();
  return st;
}

adex_status adex_global_delay_find(const char *name, adex_delay **out) {
  if (name == NULL || out == NULL)
    return adex__fail(ADEX_EINVAL, "name and out must not be NULL");
  pthread_mutex_lock(&glock);
  gnode *g = gfind_locked(name);
  *out = g != NULL ? g->delay : NULL;
  pthread_mutex_unlock(&glock);
  if (g == NULL) return adex__fail(ADEX_EKEY, "no global delay '%.80s'", name);
  return ADEX_OK;
}

size_t adex_global_delay_count(void) {
  pthread_mutex_lock(&glock);
  size_t n = gcount;
  pthread_mutex_unlock(&glock);
  return n;
}

adex_status adex_global_delay_at(size_t i, char *name, adex_delay **out) {
  pthread_mutex_lock(&glock);
  gnode *g = ghead;
  for (size_t k = 0; g != NULL && k < i; k++) g = g->next;
  if (g != NULL) {
    if (name != NULL) memcpy(name, g->name, ADEX_NAME_MAX);
    if (out != NULL) *out = g->delay;
  }
  size_t n = gcount;
  pthread_mutex_unlock(&glock);
  if (g == NULL)
    return adex__fail(ADEX_EKEY,
                      "global delay index %zu out of range (%zu "
                      "delays)",
                      i, n);
  return ADEX_OK;
}

adex_status adex_global_delay_remove(const char *name) {
  if (name == NULL) return adex__fail(ADEX_EINVAL, "name must not be NULL");
  gnode *found = NULL;
  pthread_mutex_lock(&glock);
  for (gnode **p = &ghead; *p != NULL; p = &(*p)->next) {
    if (strcmp((*p)->name, name) == 0) {
      found = *p;
      *p = found->next;
      gcount--;
      break;
    }
  }
  pthread_mutex_unlock(&glock);
  if (found == NULL)
    return adex__fail(ADEX_EKEY, "no global delay '%.80s'", name);
  adex_delay_destroy(found->delay);
  adex__free(adex_allocator_default(), found, sizeof *found);
  return ADEX_OK;
}

void adex_global_delay_clear(void) {
  pthread_mutex_lock(&glock);
  gnode *g = ghead;
  ghead = NULL;
  gcount = 0;
  pthread_mutex_unlock(&glock);
  while (g != NULL) {
    gnode *next = g->next;
    adex_delay_destroy(g->delay);
    adex__free(adex_allocator_default(), g, sizeof *g);
    g = next;
  }
}
