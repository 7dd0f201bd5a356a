/* cli/run/config_record.c - "record": variables, watched neurons and
 * intervals of populations and projections. */
#define _POSIX_C_SOURCE 200809L

#include "adex/files.h"
#include "config_internal.h"
#include "rng.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_args.h"
#include "cli_npy.h"

/* ------------------------------------------------------------ record */

/* A list of variable names into a bit mask. */
static int parse_vars(const cfg_ctx *c, const cJSON *arr, const char *path,
                      unsigned *mask) {
  const cJSON *it;
  size_t i = 0;
  if (!cJSON_IsArray(arr))
    return cfg_fail(c, path, "must be a list of variable names, got %s",
                    cfg_type_name(arr));
  *mask = 0;
  for (it = arr->child; it != NULL; it = it->next, i++) {
    char sub[PATH_LEN];
    const char *s = NULL;
    cli_var_id v;
    cfg_join_index(sub, path, i);
    if (cfg_string(c, it, sub, &s) != 0) return -1;
    if (cli_var_find(s, &v) != 0)
      return cfg_fail(c, sub,
                      "unknown variable \"%s\"; valid: V, w, input, "
                      "spike, t_last_spike",
                      s);
    *mask |= CLI_VAR_BIT(v);
  }
  return 0;
}

/* "watch": "all" or a list of neuron indices (checked against the size
 * later, when flags may have changed it). */
static int parse_watch(const cfg_ctx *c, const cJSON *item, const char *path,
                       cli_pop_spec *p) {
  const cJSON *it;
  size_t i = 0, n;
  if (cJSON_IsString(item) && strcmp(item->valuestring, "all") == 0) {
    p->watch_all = 1;
    return 0;
  }
  if (!cJSON_IsArray(item) || cJSON_GetArraySize(item) == 0)
    return cfg_fail(c, path,
                    "must be \"all\" or a non-empty list of neuron "
                    "indices, got %s",
                    cfg_type_name(item));
  n = (size_t)cJSON_GetArraySize(item);
  free(p->watch);
  p->watch = malloc(n * sizeof *p->watch);
  if (p->watch == NULL) return cfg_fail(c, path, "out of memory");
  for (it = item->child; it != NULL; it = it->next, i++) {
    char sub[PATH_LEN];
    uint64_t v;
    cfg_join_index(sub, path, i);
    if (cfg_u64(c, it, sub, &v) != 0) return -1;
    p->watch[i] = (size_t)v;
  }
  p->nwatch = n;
  p->watch_all = 0;
  snprintf(p->watch_path, sizeof p->watch_path, "%.*s",
           (int)sizeof p->watch_path - 1, path);
  return 0;
}

/* What to record of one population: a list of variables, or an object
 * {"vars": [...], "watch": ..., "every": N}. */
static int parse_record_one(const cfg_ctx *c, const cJSON *item,
                            const char *path, cli_pop_spec *p) {
  static const char *const keys[] = {"vars", "watch", "every", NULL};
  const cJSON *it;
  char sub[PATH_LEN];
  if (cJSON_IsArray(item)) return parse_vars(c, item, path, &p->record);
  if (!cJSON_IsObject(item))
    return cfg_fail(c, path,
                    "must be a list of variables or an object "
                    "{\"vars\", \"watch\", \"every\"}, got %s",
                    cfg_type_name(item));
  if (cfg_check_keys(c, item, path, keys) != 0) return -1;
  if ((it = cfg_member(item, "vars")) != NULL) {
    cfg_join_key(sub, path, "vars");
    if (parse_vars(c, it, sub, &p->record) != 0) return -1;
  }
  if ((it = cfg_member(item, "watch")) != NULL) {
    cfg_join_key(sub, path, "watch");
    if (parse_watch(c, it, sub, p) != 0) return -1;
  }
  if ((it = cfg_member(item, "every")) != NULL) {
    cfg_join_key(sub, path, "every");
    if (cfg_u64(c, it, sub, &p->every) != 0) return -1;
    if (p->every == 0) return cfg_fail(c, sub, "must be at least 1 step");
  }
  return 0;
}

/* The record entry of a projection: a list of its state variables, or
 * {"vars": [...], "every": k}; checked against its model when the
 * network is built (cli_record.c). */
static int parse_record_proj(const cfg_ctx *c, const cJSON *item,
                             const char *path, cli_proj_spec *pr) {
  static const char *const keys[] = {"vars", "every", NULL};
  const cJSON *vars = item, *it;
  char sub[PATH_LEN];
  if (cJSON_IsObject(item)) {
    if (cfg_check_keys(c, item, path, keys) != 0) return -1;
    if ((it = cfg_member(item, "every")) != NULL) {
      cfg_join_key(sub, path, "every");
      if (cfg_u64(c, it, sub, &pr->rec_every) != 0) return -1;
      if (pr->rec_every == 0)
        return cfg_fail(c, sub, "must be at least 1 step");
    }
    if ((vars = cfg_require(c, item, path, "vars")) == NULL) return -1;
    cfg_join_key(sub, path, "vars");
    path = sub;
  }
  if (!cJSON_IsArray(vars) || cJSON_GetArraySize(vars) == 0 ||
      cJSON_GetArraySize(vars) > 8)
    return cfg_fail(c, path,
                    "must be a list of 1 to 8 variable names of "
                    "the projection (\"g\", \"h\", \"x\", \"u\", "
                    "\"I\", \"spike_arrival_time\")");
  for (it = vars->child; it != NULL; it = it->next) {
    const char *s = NULL;
    char at[PATH_LEN];
    cfg_join_index(at, path, (size_t)pr->nrec);
    if (cfg_string(c, it, at, &s) != 0) return -1;
    for (int v = 0; v < pr->nrec; v++)
      if (strcmp(pr->rec_vars[v], s) == 0)
        return cfg_fail(c, at, "\"%s\" listed twice", s);
    if ((pr->rec_vars[pr->nrec] = cli_strdup(s)) == NULL)
      return cfg_fail(c, at, "out of memory");
    pr->nrec++;
  }
  return 0;
}

/* The projection called `name` (given names only), or -1. */
static long find_proj(const cfg_ctx *c, const char *name) {
  for (size_t j = 0; j < c->sim->nprojs; j++)
    if (c->sim->projs[j].name != NULL &&
        strcmp(c->sim->projs[j].name, name) == 0)
      return (long)j;
  return -1;
}

/* "record": per population name, or one spec for every population. */
int cfg_parse_record(const cfg_ctx *c, const cJSON *item) {
  const cJSON *it, *twice;
  char names[256];
  size_t i;
  if (cJSON_IsArray(item)) {
    for (i = 0; i < c->sim->npops; i++) {
      if (parse_vars(c, item, "record", &c->sim->pops[i].record) != 0)
        return -1;
    }
    return 0;
  }
  if (!cJSON_IsObject(item))
    return cfg_fail(c, "record",
                    "must be an object keyed by population "
                    "name (or a list of variables), got %s",
                    cfg_type_name(item));
  if (cfg_first_repeat(c, item, "record", &twice) != 0) return -1;
  for (it = item->child; it != NULL; it = it->next) {
    char sub[PATH_LEN];
    long idx;
    cfg_join_key(sub, "record", it->string);
    if (it == twice) return cfg_fail(c, sub, "given twice");
    if (cfg_is_note(it->string)) continue;
    if ((idx = cfg_find_pop(c, it->string)) < 0 &&
        (idx = find_proj(c, it->string)) >= 0) {
      if (parse_record_proj(c, it, sub, &c->sim->projs[idx]) != 0) return -1;
      continue;
    }
    if (idx < 0)
      return cfg_fail(c, sub,
                      "no population or projection is called "
                      "\"%s\" (populations: %s)",
                      it->string, cfg_pop_names(c->sim, names, sizeof names));
    if (c->sim->pops[idx].model != CLI_MODEL_ADEXIF)
      return cfg_fail(c, sub,
                      "\"%s\" is a spike source: its spikes are "
                      "stored with every population's; it has no variables "
                      "to record",
                      it->string);
    if (parse_record_one(c, it, sub, &c->sim->pops[idx]) != 0) return -1;
  }
  return 0;
}
