/* cli/run/config_pops.c - "populations": sizes, parameters,
 * initializers, options, speed settings and spike sources. */
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

/* ------------------------------------------------------------ populations */

/* size: a count >= 1 or a shape [n1, ..., nk] with k <= 4. */
static int parse_size(const cfg_ctx *c, const cJSON *item, const char *path,
                      cli_pop_spec *p) {
  uint64_t v;
  size_t total = 1, d = 0;
  const cJSON *it;
  if (cJSON_IsNumber(item)) {
    if (cfg_u64(c, item, path, &v) != 0) return -1;
    if (v == 0 || v > SIZE_MAX / sizeof(double))
      return cfg_fail(c, path, "must be at least 1, got %llu",
                      (unsigned long long)v);
    p->ndim = 1;
    p->shape[0] = (size_t)v;
    p->size = (size_t)v;
    p->size_src = CLI_SRC_CONFIG;
    return 0;
  }
  if (!cJSON_IsArray(item))
    return cfg_fail(c, path,
                    "must be a positive integer or a shape list, "
                    "got %s",
                    cfg_type_name(item));
  if (cJSON_GetArraySize(item) < 1 || cJSON_GetArraySize(item) > ADEX_MAX_DIM)
    return cfg_fail(c, path, "a shape has 1 to %d dimensions, got %d",
                    ADEX_MAX_DIM, cJSON_GetArraySize(item));
  for (it = item->child; it != NULL; it = it->next, d++) {
    char sub[PATH_LEN];
    cfg_join_index(sub, path, d);
    if (cfg_u64(c, it, sub, &v) != 0) return -1;
    if (v == 0) return cfg_fail(c, sub, "must be at least 1, got 0");
    if (v > SIZE_MAX / sizeof(double) / total)
      return cfg_fail(c, path, "too many neurons");
    p->shape[d] = (size_t)v;
    total *= (size_t)v;
  }
  p->ndim = d;
  p->size = total;
  p->size_src = CLI_SRC_CONFIG;
  return 0;
}

/* Two numbers [a, b] of an initializer object. */
static int get_pair(const cfg_ctx *c, const cJSON *item, const char *path,
                    double *a, double *b) {
  char sub[PATH_LEN];
  if (!cJSON_IsArray(item) || cJSON_GetArraySize(item) != 2)
    return cfg_fail(c, path, "must be a list of two numbers, got %s",
                    cfg_type_name(item));
  cfg_join_index(sub, path, 0);
  if (cfg_number(c, item->child, sub, a) != 0) return -1;
  cfg_join_index(sub, path, 1);
  return cfg_number(c, item->child->next, sub, b);
}

/* An initializer: "zero", a number, {"one"|"constant": v},
 * {"uniform": [lo, hi]}, {"normal": [mean, sd]}, or a list. */
static int parse_init(const cfg_ctx *c, const cJSON *item, const char *path,
                      cli_init_spec *out) {
  static const char forms[] =
      "\"zero\", a number, {\"one\": v}, {\"constant\": v}, "
      "{\"uniform\": [lo, hi]}, {\"normal\": [mean, sd]} or a list";
  char sub[PATH_LEN];
  double a = 0, b = 0;
  out->src = CLI_SRC_CONFIG;
  if (cJSON_IsString(item)) {
    if (strcmp(item->valuestring, "zero") == 0) {
      out->init = adex_init_zero();
      return 0;
    }
    return cfg_fail(c, path, "unknown initializer \"%s\"; expected %s",
                    item->valuestring, forms);
  }
  if (cJSON_IsNumber(item)) {
    if (cfg_number(c, item, path, &a) != 0) return -1;
    out->init = adex_init_constant(a);
    return 0;
  }
  if (cJSON_IsArray(item)) {
    cli_vec v = {NULL, 0};
    if (cfg_vec(c, item, path, &v) != 0) return -1;
    free(out->vals);
    out->vals = v.v;
    out->init = adex_init_array(v.v, v.n);
    return 0;
  }
  if (!cJSON_IsObject(item) || item->child == NULL || item->child->next != NULL)
    return cfg_fail(c, path, "expected %s, got %s", forms, cfg_type_name(item));
  cfg_join_key(sub, path, item->child->string);
  if (strcmp(item->child->string, "one") == 0 ||
      strcmp(item->child->string, "constant") == 0) {
    if (cfg_number(c, item->child, sub, &a) != 0) return -1;
    out->init = item->child->string[0] == 'o' ? adex_init_one(a)
                                              : adex_init_constant(a);
    return 0;
  }
  if (strcmp(item->child->string, "uniform") == 0) {
    if (get_pair(c, item->child, sub, &a, &b) != 0) return -1;
    out->init = adex_init_uniform(a, b, 0);
    return 0;
  }
  if (strcmp(item->child->string, "normal") == 0) {
    if (get_pair(c, item->child, sub, &a, &b) != 0) return -1;
    out->init = adex_init_normal(a, b, 0);
    return 0;
  }
  return cfg_fail(c, sub, "unknown initializer; expected %s", forms);
}

/* params: {"tau": 20, "a": [..per neuron..], ...}. */
static int parse_params(const cfg_ctx *c, const cJSON *obj, const char *path,
                        cli_pop_spec *p) {
  const cJSON *it, *twice;
  if (!cJSON_IsObject(obj))
    return cfg_fail(c, path, "must be an object, got %s", cfg_type_name(obj));
  if (cfg_first_repeat(c, obj, path, &twice) != 0) return -1;
  for (it = obj->child; it != NULL; it = it->next) {
    adex_param_id id;
    char sub[PATH_LEN];
    cfg_join_key(sub, path, it->string);
    if (it == twice) return cfg_fail(c, sub, "given twice");
    if (cfg_is_note(it->string)) continue;
    if (adex_param_find(it->string, &id) != ADEX_OK) {
      char names[160] = "";
      size_t used = 0;
      for (int k = 0; k < ADEX_NPARAMS && used < sizeof names; k++)
        used +=
            (size_t)snprintf(names + used, sizeof names - used, "%s%s",
                             k ? ", " : "", adex_param_name((adex_param_id)k));
      return cfg_fail(c, sub, "unknown parameter; valid: %s", names);
    }
    if (cfg_vec(c, it, sub, &p->param[id]) != 0) return -1;
    p->param_src[id] = CLI_SRC_CONFIG;
  }
  return 0;
}

/* A boolean member. */
int cfg_bool(const cfg_ctx *c, const cJSON *item, const char *path, int *out) {
  if (!cJSON_IsBool(item))
    return cfg_fail(c, path, "must be true or false, got %s",
                    cfg_type_name(item));
  *out = cJSON_IsTrue(item) ? 1 : 0;
  return 0;
}

/* The integrator options of a population (adaptive, tol, precise_spikes,
 * tau_ref, noise, noise_seed, spk_reset); their ranges are the library's
 * to check (its messages are put on these paths by the engine). */
static int parse_options(const cfg_ctx *c, const cJSON *obj, const char *path,
                         cli_pop_spec *p) {
  int i;
  for (i = 0; i < CLI_NOPTS; i++) {
    const char *key = cli_opt_key((cli_opt_id)i);
    const cJSON *it = cfg_member(obj, key);
    char sub[PATH_LEN];
    int rc = 0;
    if (it == NULL) continue;
    cfg_join_key(sub, path, key);
    switch ((cli_opt_id)i) {
    case CLI_OPT_ADAPTIVE: rc = cfg_bool(c, it, sub, &p->adaptive); break;
    case CLI_OPT_PRECISE: rc = cfg_bool(c, it, sub, &p->precise_spikes); break;
    case CLI_OPT_TOL: rc = cfg_number(c, it, sub, &p->tol); break;
    case CLI_OPT_TAU_REF: rc = cfg_number(c, it, sub, &p->tau_ref); break;
    case CLI_OPT_NOISE: rc = cfg_number(c, it, sub, &p->noise); break;
    case CLI_OPT_NOISE_SEED: rc = cfg_u64(c, it, sub, &p->noise_seed); break;
    case CLI_OPT_SPK_RESET:
      if (!cJSON_IsString(it) || it->valuestring == NULL)
        return cfg_fail(c, sub, "must be \"hard\" or \"soft\", got %s",
                        cfg_type_name(it));
      if (strcmp(it->valuestring, "hard") == 0)
        p->spk_reset = ADEX_SPK_RESET_HARD;
      else if (strcmp(it->valuestring, "soft") == 0)
        p->spk_reset = ADEX_SPK_RESET_SOFT;
      else
        return cfg_fail(c, sub, "must be \"hard\" or \"soft\", got \"%s\"",
                        it->valuestring);
      break;
    default: break;
    }
    if (rc != 0) return -1;
    p->opt_src[i] = CLI_SRC_CONFIG;
  }
  return 0;
}

/* The speed options of a population: "threads" (integer 0..4096),
 * "kernel" (a name this machine can run), "dtype" ("float64" or
 * "float32"). */
static int parse_speed(const cfg_ctx *c, const cJSON *obj, const char *path,
                       cli_pop_spec *p) {
  const cJSON *it;
  const char *s = NULL;
  char sub[PATH_LEN], why[200];
  if ((it = cfg_member(obj, "threads")) != NULL) {
    uint64_t v = 0;
    cfg_join_key(sub, path, "threads");
    if (!cJSON_IsNumber(it) || it->valuedouble < 0 ||
        it->valuedouble != floor(it->valuedouble) ||
        it->valuedouble > CLI_THREADS_MAX) {
      if (cJSON_IsNumber(it))
        return cfg_fail(c, sub,
                        "must be an integer from 0 (OpenMP's "
                        "default) to %d, got %.17g",
                        CLI_THREADS_MAX, it->valuedouble);
      return cfg_fail(c, sub,
                      "must be an integer from 0 (OpenMP's default) "
                      "to %d, got %s",
                      CLI_THREADS_MAX, cfg_type_name(it));
    }
    if (cfg_u64(c, it, sub, &v) != 0) return -1;
    p->threads = (int)v;
  }
  if ((it = cfg_member(obj, "kernel")) != NULL) {
    cfg_join_key(sub, path, "kernel");
    if (cfg_string(c, it, sub, &s) != 0) return -1;
    if (cli_kernel_parse(s, &p->kernel, why, sizeof why) != 0)
      return cfg_fail(c, sub, "%s", why);
  }
  if ((it = cfg_member(obj, "dtype")) != NULL) {
    cfg_join_key(sub, path, "dtype");
    if (!cJSON_IsString(it) || it->valuestring == NULL)
      return cfg_fail(c, sub, "must be \"float64\" or \"float32\", got %s",
                      cfg_type_name(it));
    if (cli_dtype_parse(it->valuestring, &p->dtype) != 0)
      return cfg_fail(c, sub,
                      "must be \"float64\" or \"float32\", got "
                      "\"%s\"",
                      it->valuestring);
  }
  return 0;
}

/* A spike source of "populations" (model PoissonGroup or SpikeTimeGroup):
 * its keys, BrainPy's parameters (docs/cli.md, *Spike sources*). */
static const char *const *source_keys(const cli_pop_spec *p) {
  static const char *const poisson_keys[] = {"name",  "model", "size",
                                             "freqs", "seed",  NULL};
  static const char *const times_keys[] = {"name",  "model",   "size",
                                           "times", "indices", NULL};
  return p->model == CLI_MODEL_POISSON ? poisson_keys : times_keys;
}

static int parse_source(const cfg_ctx *c, const cJSON *obj, const char *path,
                        cli_pop_spec *p) {
  const int poisson = p->model == CLI_MODEL_POISSON;
  const cJSON *it;
  char sub[PATH_LEN];
  if (cfg_member(obj, "size") == NULL)
    return cfg_fail(c, path, "a %s needs \"size\"",
                    poisson ? "PoissonGroup" : "SpikeTimeGroup");
  if (poisson) {
    if ((it = cfg_require(c, obj, path, "freqs")) == NULL) return -1;
    cfg_join_key(sub, path, "freqs");
    if (cfg_vec(c, it, sub, &p->freqs) != 0) return -1;
    for (size_t i = 0; i < p->freqs.n; i++)
      if (!(p->freqs.v[i] >= 0.0 && p->freqs.v[i] <= 1e9))
        return cfg_fail(c, sub, "rates must be >= 0 and <= 1e9 Hz, got %g",
                        p->freqs.v[i]);
    if ((it = cfg_member(obj, "seed")) != NULL) {
      cfg_join_key(sub, path, "seed");
      if (cfg_u64(c, it, sub, &p->source_seed) != 0) return -1;
      p->source_seed_given = 1;
    }
    return 0;
  }
  const cJSON *times = cfg_require(c, obj, path, "times");
  const cJSON *indices =
      times != NULL ? cfg_require(c, obj, path, "indices") : NULL;
  if (indices == NULL) return -1;
  if (!cJSON_IsArray(times) || !cJSON_IsArray(indices)) {
    cfg_join_key(sub, path, cJSON_IsArray(times) ? "indices" : "times");
    return cfg_fail(c, sub, "must be a list of numbers");
  }
  size_t n = (size_t)cJSON_GetArraySize(times), k = 0;
  if ((size_t)cJSON_GetArraySize(indices) != n)
    return cfg_fail(c, path,
                    "times and indices must have one length, got "
                    "%zu and %d",
                    n, cJSON_GetArraySize(indices));
  p->times = malloc((n ? n : 1) * sizeof *p->times);
  p->indices = malloc((n ? n : 1) * sizeof *p->indices);
  if (p->times == NULL || p->indices == NULL)
    return cfg_fail(c, path, "out of memory");
  p->nspikes = n;
  cfg_join_key(sub, path, "times");
  for (it = times->child; it != NULL; it = it->next, k++) {
    char at[PATH_LEN];
    cfg_join_index(at, sub, k);
    if (cfg_number(c, it, at, &p->times[k]) != 0) return -1;
  }
  k = 0;
  for (it = indices->child; it != NULL; it = it->next, k++) {
    uint64_t v;
    char at[PATH_LEN];
    cfg_join_key(sub, path, "indices");
    cfg_join_index(at, sub, k);
    if (cfg_u64(c, it, at, &v) != 0) return -1;
    if (v >= p->size)
      return cfg_fail(c, at, "neuron %llu is out of range (size %zu)",
                      (unsigned long long)v, p->size);
    p->indices[k] = (size_t)v;
  }
  return 0;
}

/* One entry of "populations". */
static int parse_pop(const cfg_ctx *c, const cJSON *obj, const char *path,
                     cli_pop_spec *p) {
  static const char *const keys[] = {
      "name",           "size",      "method",
      "params",         "model",     "V_initializer",
      "w_initializer",  "adaptive",  "tol",
      "precise_spikes", "tau_ref",   "noise",
      "noise_seed",     "spk_reset", "threads",
      "kernel",         "dtype",     NULL};
  const cJSON *it;
  const char *s = NULL;
  char sub[PATH_LEN];
  if (cJSON_IsObject(obj) && (it = cfg_member(obj, "model")) != NULL) {
    cfg_join_key(sub, path, "model");
    if (cfg_string(c, it, sub, &s) != 0) return -1;
    if (strcmp(s, "PoissonGroup") == 0)
      p->model = CLI_MODEL_POISSON;
    else if (strcmp(s, "SpikeTimeGroup") == 0)
      p->model = CLI_MODEL_SPIKE_TIMES;
    else if (strcmp(s, "AdExIF") != 0)
      return cfg_fail(c, sub,
                      "unknown model \"%s\"; valid: AdExIF, "
                      "PoissonGroup, SpikeTimeGroup",
                      s);
  }
  if (cfg_check_keys(c, obj, path,
                     p->model == CLI_MODEL_ADEXIF ? keys : source_keys(p)) != 0)
    return -1;
  if ((it = cfg_member(obj, "name")) != NULL) {
    cfg_join_key(sub, path, "name");
    if (cfg_string(c, it, sub, &s) != 0) return -1;
    if (!adex_name_is_valid(s))
      return cfg_fail(c, sub,
                      "\"%s\" is not a valid name (letters, digits "
                      "and '_', not starting with a digit, under %d "
                      "characters)",
                      s, ADEX_NAME_MAX);
    if ((p->name = cli_strdup(s)) == NULL)
      return cfg_fail(c, sub, "out of memory");
  }
  if ((it = cfg_member(obj, "size")) != NULL) {
    cfg_join_key(sub, path, "size");
    if (parse_size(c, it, sub, p) != 0) return -1;
  }
  if (p->model != CLI_MODEL_ADEXIF) return parse_source(c, obj, path, p);
  if ((it = cfg_member(obj, "method")) != NULL) {
    cfg_join_key(sub, path, "method");
    if (cfg_string(c, it, sub, &s) != 0) return -1;
    if ((p->method = cli_strdup(s)) == NULL)
      return cfg_fail(c, sub, "out of memory");
    p->method_src = CLI_SRC_CONFIG;
  }
  if ((it = cfg_member(obj, "params")) != NULL) {
    cfg_join_key(sub, path, "params");
    if (parse_params(c, it, sub, p) != 0) return -1;
  }
  if ((it = cfg_member(obj, "V_initializer")) != NULL) {
    cfg_join_key(sub, path, "V_initializer");
    if (parse_init(c, it, sub, &p->V0) != 0) return -1;
  }
  if ((it = cfg_member(obj, "w_initializer")) != NULL) {
    cfg_join_key(sub, path, "w_initializer");
    if (parse_init(c, it, sub, &p->w0) != 0) return -1;
  }
  if (parse_speed(c, obj, path, p) != 0) return -1;
  return parse_options(c, obj, path, p);
}

/* "populations": a non-empty list of objects with unique names; leaves
 * the named ones in c->pops, sorted by name, for find_pop. */
int cfg_parse_pops(cfg_ctx *c, const cJSON *arr) {
  const cJSON *it;
  size_t i = 0, n = 0, twice = SIZE_MAX, orig = 0;
  if (!cJSON_IsArray(arr))
    return cfg_fail(c, "populations", "must be a list of objects, got %s",
                    cfg_type_name(arr));
  if (cJSON_GetArraySize(arr) == 0)
    return cfg_fail(c, "populations", "must hold at least one population");
  for (it = arr->child; it != NULL; it = it->next, i++) {
    char path[PATH_LEN];
    cli_pop_spec *p = cli_sim_add_pop(c->sim);
    cfg_join_index(path, "populations", i);
    if (p == NULL) return cfg_fail(c, path, "out of memory");
    if (parse_pop(c, it, path, p) != 0) return -1;
  }
  if ((c->pops = malloc(c->sim->npops * sizeof *c->pops)) == NULL)
    return cfg_fail(c, "populations", "out of memory");
  for (i = 0; i < c->sim->npops; i++) {
    if (c->sim->pops[i].name == NULL) continue;
    c->pops[n].s = c->sim->pops[i].name;
    c->pops[n++].i = i;
  }
  c->npops = n;
  if (!cfg_first_repeat_of(c->pops, n, &twice, &orig)) twice = SIZE_MAX;
  for (i = 0; i < c->sim->npops; i++) {
    const cli_pop_spec *p = &c->sim->pops[i];
    char path[PATH_LEN];
    cfg_join_key(path, p->path, "name");
    if (p->name == NULL && c->sim->npops > 1)
      return cfg_fail(c, path,
                      "missing (required when there are several "
                      "populations)");
    if (i == twice)
      return cfg_fail(c, path,
                      "\"%s\" is already the name of "
                      "populations[%zu]",
                      p->name, orig);
  }
  return 0;
}

/* The index of the population called name, or -1 (a binary search of the
 * index parse_pops made). */
long cfg_find_pop(const cfg_ctx *c, const char *name) {
  size_t lo = 0, hi = c->npops;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int d = strcmp(name, c->pops[mid].s);
    if (d == 0) return (long)c->pops[mid].i;
    if (d < 0)
      hi = mid;
    else
      lo = mid + 1;
  }
  return -1;
}

/* The names of every population, comma-separated, into buf. */
const char *cfg_pop_names(const cli_sim *sim, char *buf, size_t len) {
  size_t i, used = 0;
  buf[0] = '\0';
  for (i = 0; i < sim->npops; i++) {
    int w = snprintf(buf + used, len - used, "%s%s", i > 0 ? ", " : "",
                     sim->pops[i].name != NULL ? sim->pops[i].name
                                               : "one without a \"name\"");
    if (w < 0 || (size_t)w >= len - used) break;
    used += (size_t)w;
  }
  return buf;
}
