/* cli/run/config_inputs.c - "inputs": the kinds of docs/cli.md, their
 * targets, values and files. */
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

/* ------------------------------------------------------------ inputs */

/* Keys allowed for each input kind (beyond kind, target, seed). */
static const char *const *input_keys(cli_input_kind k) {
  static const char *const constant[] = {"kind", "target", "value", NULL};
  static const char *const section[] = {"kind", "target", "values", "durations",
                                        NULL};
  static const char *const ramp[] = {"kind",    "target", "from", "to",
                                     "t_start", "t_end",  NULL};
  static const char *const poisson[] = {"kind",   "target", "rate",
                                        "weight", "seed",   NULL};
  static const char *const ou[] = {"kind", "target", "mean", "sigma",
                                   "tau",  "seed",   NULL};
  static const char *const file[] = {"kind", "target", "path", NULL};
  switch (k) {
  case CLI_IN_CONSTANT: return constant;
  case CLI_IN_SECTION: return section;
  case CLI_IN_RAMP: return ramp;
  case CLI_IN_POISSON: return poisson;
  case CLI_IN_OU: return ou;
  case CLI_IN_FILE: return file;
  default: return NULL;
  }
}

/* A member that must be present, as a vector. */
static int req_vec(const cfg_ctx *c, const cJSON *obj, const char *path,
                   const char *key, cli_vec *out) {
  char sub[PATH_LEN];
  const cJSON *it = cfg_require(c, obj, path, key);
  if (it == NULL) return -1;
  cfg_join_key(sub, path, key);
  return cfg_vec(c, it, sub, out);
}

/* A member that must be present, as a number. */
int cfg_req_number(const cfg_ctx *c, const cJSON *obj, const char *path,
                   const char *key, double *out) {
  char sub[PATH_LEN];
  const cJSON *it = cfg_require(c, obj, path, key);
  if (it == NULL) return -1;
  cfg_join_key(sub, path, key);
  return cfg_number(c, it, sub, out);
}

/* An optional number member (out untouched when absent). */
int cfg_opt_number(const cfg_ctx *c, const cJSON *obj, const char *path,
                   const char *key, double *out) {
  char sub[PATH_LEN];
  const cJSON *it = cfg_member(obj, key);
  if (it == NULL) return 0;
  cfg_join_key(sub, path, key);
  return cfg_number(c, it, sub, out);
}

/* section: "values" (each a number or a list) and "durations". */
static int parse_section(const cfg_ctx *c, const cJSON *obj, const char *path,
                         cli_input_spec *in) {
  const cJSON *vals = cfg_require(c, obj, path, "values"), *durs, *it;
  char vpath[PATH_LEN], dpath[PATH_LEN], sub[PATH_LEN];
  size_t n, i;
  if (vals == NULL) return -1;
  if ((durs = cfg_require(c, obj, path, "durations")) == NULL) return -1;
  cfg_join_key(vpath, path, "values");
  cfg_join_key(dpath, path, "durations");
  if (!cJSON_IsArray(vals) || cJSON_GetArraySize(vals) == 0)
    return cfg_fail(c, vpath, "must be a non-empty list, got %s",
                    cfg_type_name(vals));
  if (!cJSON_IsArray(durs))
    return cfg_fail(c, dpath, "must be a list of numbers, got %s",
                    cfg_type_name(durs));
  n = (size_t)cJSON_GetArraySize(vals);
  if ((size_t)cJSON_GetArraySize(durs) != n)
    return cfg_fail(c, dpath, "has %d entries, values has %zu",
                    cJSON_GetArraySize(durs), n);
  in->sec_values = calloc(n, sizeof *in->sec_values);
  in->durations = calloc(n, sizeof *in->durations);
  if (in->sec_values == NULL || in->durations == NULL)
    return cfg_fail(c, path, "out of memory");
  in->nsec = n;
  for (i = 0, it = vals->child; it != NULL; it = it->next, i++) {
    cfg_join_index(sub, vpath, i);
    if (cfg_vec(c, it, sub, &in->sec_values[i]) != 0) return -1;
  }
  for (i = 0, it = durs->child; it != NULL; it = it->next, i++) {
    cfg_join_index(sub, dpath, i);
    if (cfg_number(c, it, sub, &in->durations[i]) != 0) return -1;
    if (in->durations[i] < 0)
      return cfg_fail(c, sub, "must be >= 0 ms, got %g", in->durations[i]);
  }
  return 0;
}

/* A path as given, relative to the config file's folder unless absolute
 * (malloc'd; NULL when out of memory). */
char *cfg_relative(const cfg_ctx *c, const char *s) {
  if (s[0] == '/' || c->sim->config_path == NULL ||
      strrchr(c->sim->config_path, '/') == NULL)
    return cli_strdup(s);
  const char *dir = c->sim->config_path;
  size_t dlen = (size_t)(strrchr(dir, '/') - dir) + 1;
  char *out = malloc(dlen + strlen(s) + 1);
  if (out == NULL) return NULL;
  memcpy(out, dir, dlen);
  strcpy(out + dlen, s);
  return out;
}

/* The kind-specific members of an input. */
static int parse_input_body(const cfg_ctx *c, const cJSON *obj,
                            const char *path, cli_input_spec *in) {
  const cJSON *it;
  const char *s = NULL;
  char sub[PATH_LEN];
  switch (in->kind) {
  case CLI_IN_CONSTANT: return req_vec(c, obj, path, "value", &in->value);
  case CLI_IN_SECTION: return parse_section(c, obj, path, in);
  case CLI_IN_RAMP:
    if (cfg_req_number(c, obj, path, "from", &in->from) != 0 ||
        cfg_req_number(c, obj, path, "to", &in->to) != 0 ||
        cfg_opt_number(c, obj, path, "t_start", &in->t_start) != 0 ||
        cfg_opt_number(c, obj, path, "t_end", &in->t_end) != 0)
      return -1;
    if (cfg_member(obj, "t_end") == NULL) in->t_end = -1.0;
    return 0;
  case CLI_IN_POISSON:
    return req_vec(c, obj, path, "rate", &in->rate) != 0 ||
                   req_vec(c, obj, path, "weight", &in->weight) != 0
               ? -1
               : 0;
  case CLI_IN_OU:
    if (cfg_member(obj, "mean") != NULL) {
      if (req_vec(c, obj, path, "mean", &in->mean) != 0) return -1;
    } else {
      double zero = 0.0;
      if (cli_vec_set(&in->mean, &zero, 1) != 0)
        return cfg_fail(c, path, "out of memory");
    }
    return req_vec(c, obj, path, "sigma", &in->sigma) != 0 ||
                   cfg_req_number(c, obj, path, "tau", &in->tau) != 0
               ? -1
               : 0;
  case CLI_IN_FILE:
    if ((it = cfg_require(c, obj, path, "path")) == NULL) return -1;
    cfg_join_key(sub, path, "path");
    if (cfg_string(c, it, sub, &s) != 0) return -1;
    if ((in->file = cfg_relative(c, s)) == NULL)
      return cfg_fail(c, sub, "out of memory");
    return 0;
  default: return -1;
  }
}

/* One entry of "inputs". */
static int parse_input(const cfg_ctx *c, const cJSON *obj, const char *path,
                       cli_input_spec *in) {
  const cJSON *kind, *target, *seed;
  char sub[PATH_LEN], names[256];
  const char *s = NULL;
  int k;
  if (!cJSON_IsObject(obj))
    return cfg_fail(c, path, "must be an object, got %s", cfg_type_name(obj));
  if ((kind = cfg_require(c, obj, path, "kind")) == NULL) return -1;
  cfg_join_key(sub, path, "kind");
  if (cfg_string(c, kind, sub, &s) != 0) return -1;
  for (k = 0; k < CLI_NINPUT_KINDS; k++) {
    if (strcmp(s, cli_input_kind_name((cli_input_kind)k)) == 0) break;
  }
  if (k == CLI_NINPUT_KINDS)
    return cfg_fail(c, sub,
                    "unknown kind \"%s\"; valid: constant, section, "
                    "ramp, poisson, ou, file",
                    s);
  in->kind = (cli_input_kind)k;
  in->src = CLI_SRC_CONFIG;
  if (cfg_check_keys(c, obj, path, input_keys(in->kind)) != 0) return -1;
  cfg_join_key(sub, path, "target");
  target = cfg_member(obj, "target");
  if (target == NULL) {
    if (c->sim->npops != 1)
      return cfg_fail(c, sub,
                      "missing (required when there are several "
                      "populations: %s)",
                      cfg_pop_names(c->sim, names, sizeof names));
    in->target = 0;
  } else {
    long idx;
    if (cfg_string(c, target, sub, &s) != 0) return -1;
    if ((idx = cfg_find_pop(c, s)) < 0)
      return cfg_fail(c, sub,
                      "no population is called \"%s\" (populations: "
                      "%s)",
                      s, cfg_pop_names(c->sim, names, sizeof names));
    if (c->sim->pops[idx].model != CLI_MODEL_ADEXIF)
      return cfg_fail(c, sub,
                      "\"%s\" is a spike source (%s): it takes no "
                      "input",
                      s,
                      c->sim->pops[idx].model == CLI_MODEL_POISSON
                          ? "PoissonGroup"
                          : "SpikeTimeGroup");
    in->target = (size_t)idx;
  }
  if ((seed = cfg_member(obj, "seed")) != NULL) {
    cfg_join_key(sub, path, "seed");
    if (cfg_u64(c, seed, sub, &in->seed) != 0) return -1;
    in->seed_given = 1;
  }
  return parse_input_body(c, obj, path, in);
}

/* "inputs": a list of input objects. */
int cfg_parse_inputs(const cfg_ctx *c, const cJSON *arr) {
  const cJSON *it;
  size_t i = 0;
  if (!cJSON_IsArray(arr))
    return cfg_fail(c, "inputs", "must be a list of objects, got %s",
                    cfg_type_name(arr));
  for (it = arr->child; it != NULL; it = it->next, i++) {
    char path[PATH_LEN];
    cli_input_spec *in = cli_sim_add_input(c->sim);
    cfg_join_index(path, "inputs", i);
    if (in == NULL) return cfg_fail(c, path, "out of memory");
    if (parse_input(c, it, path, in) != 0) return -1;
  }
  return 0;
}
