/* cli/run/cli_config.c - read a JSON config (cJSON) into a cli_sim, and check a
 * merged cli_sim before anything is built.
 *
 * The walk is strict: every object's keys are checked against the schema
 * (an unknown key is an error that lists the valid ones, a key given twice
 * is an error), every value's type is checked, and every message names the
 * JSON path of the value. Keys starting with '_' and "comment" are ignored
 * everywhere, so that configs can carry notes.
 *
 * cJSON keeps numbers as doubles and strings NUL-terminated, so one scan
 * of the text (scan_text) adds what it loses: the literal of every number,
 * from which integers are read exactly up to 2^64 - 1 (seeds), and the
 * place of any \u0000 escape, which is refused (a string would end there).
 * Repeated keys and names are found by sorting, and populations are looked
 * up by name in a sorted index, so that large configs parse in
 * O(n log n).
 */
#define _POSIX_C_SOURCE 200809L

#include "cli_config.h"
#include "adex/files.h"
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

#define MAX_CONFIG_BYTES (1u << 30)      /* 1 GiB: more is surely a mistake */
#define MAX_EXACT_INT 9007199254740992.0 /* 2^53 */
#define PATH_LEN 160

/* A string and its position, for finding repeats by sorting. */
typedef struct keyed {
  const char *s;
  size_t i;
} keyed;

/* A number of the config and the offset of its literal in the text. */
typedef struct num_lit {
  const cJSON *item;
  size_t off;
} num_lit;

/* The file being read, for messages, and what scan_text found. */
typedef struct cfg_ctx {
  const char *file;
  cli_sim *sim;
  const char *text; /* the config's text */
  num_lit *nums;    /* every number item, sorted by item address */
  size_t nnums;
  keyed *pops; /* named populations, sorted by name */
  size_t npops;
} cfg_ctx;

static int cfg_fail(const cfg_ctx *c, const char *path, const char *fmt, ...)
    CLI_PRINTF(3, 4);

/* Print "<prog>: FILE: PATH: message"; returns -1. */
static int cfg_fail(const cfg_ctx *c, const char *path, const char *fmt, ...) {
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (path != NULL && path[0] != '\0')
    cli_error("%s: %s: %s", c->file, path, msg);
  else
    cli_error("%s: %s", c->file, msg);
  return -1;
}

/* Describe the JSON type of item ("a string", "an array"). */
static const char *type_name(const cJSON *item) {
  if (item == NULL) return "nothing";
  if (cJSON_IsNumber(item)) return "a number";
  if (cJSON_IsString(item)) return "a string";
  if (cJSON_IsArray(item)) return "an array";
  if (cJSON_IsObject(item)) return "an object";
  if (cJSON_IsBool(item)) return "a boolean";
  if (cJSON_IsNull(item)) return "null";
  return "an invalid value";
}

/* Append s to out (holding *n chars of PATH_LEN), cutting it short. */
static void append(char *out, size_t *n, const char *s) {
  while (*s != '\0' && *n + 1 < PATH_LEN) out[(*n)++] = *s++;
  out[*n] = '\0';
}

/* path + "." + key into out (key alone at the top level). */
static void join_key(char *out, const char *path, const char *key) {
  size_t n = 0;
  out[0] = '\0';
  append(out, &n, path);
  if (path[0] != '\0') append(out, &n, ".");
  append(out, &n, key);
}

/* path + "[i]" into out. */
static void join_index(char *out, const char *path, size_t i) {
  char num[32];
  size_t n = 0, k = sizeof num - 1;
  num[k] = '\0';
  do {
    num[--k] = (char)('0' + i % 10);
    i /= 10;
  } while (i > 0);
  out[0] = '\0';
  append(out, &n, path);
  append(out, &n, "[");
  append(out, &n, num + k);
  append(out, &n, "]");
}

/* Whether a key is a note the schema ignores. */
static int is_note(const char *key) {
  return key[0] == '_' || strcmp(key, "comment") == 0;
}

/* qsort order of keyed entries: by string, then by position. */
static int cmp_keyed(const void *pa, const void *pb) {
  const keyed *a = pa, *b = pb;
  int d = strcmp(a->s, b->s);
  if (d != 0) return d;
  return (a->i > b->i) - (a->i < b->i);
}

/* Sort k[0..n) and find the first position (in the original order) whose
 * string an earlier position has: 1 with *pos and, in *orig, the first
 * position holding that string; 0 if every string is unique. */
static int first_repeat_of(keyed *k, size_t n, size_t *pos, size_t *orig) {
  size_t j, group = 0;
  int found = 0;
  qsort(k, n, sizeof *k, cmp_keyed);
  for (j = 1; j < n; j++) {
    if (strcmp(k[j].s, k[group].s) != 0) {
      group = j;
    } else if (!found || k[j].i < *pos) {
      *pos = k[j].i;
      *orig = k[group].i;
      found = 1;
    }
  }
  return found;
}

/* The first member of obj, in document order, whose key an earlier member
 * has; NULL if there is none. -1 when out of memory (after saying so). */
static int first_repeat(const cfg_ctx *c, const cJSON *obj, const char *path,
                        const cJSON **out) {
  const cJSON *it;
  keyed *k;
  size_t n = 0, pos = 0, orig = 0;
  *out = NULL;
  for (it = obj->child; it != NULL; it = it->next) n++;
  if (n < 2) return 0;
  if ((k = malloc(n * sizeof *k)) == NULL)
    return cfg_fail(c, path, "out of memory");
  n = 0;
  for (it = obj->child; it != NULL; it = it->next, n++) {
    k[n].s = it->string;
    k[n].i = n;
  }
  if (first_repeat_of(k, n, &pos, &orig))
    for (*out = obj->child; pos > 0; pos--) *out = (*out)->next;
  free(k);
  return 0;
}

/* Check that obj is an object whose keys are all in allowed (NULL-ended)
 * and none is given twice. */
static int check_keys(const cfg_ctx *c, const cJSON *obj, const char *path,
                      const char *const *allowed) {
  const cJSON *it, *twice;
  if (!cJSON_IsObject(obj))
    return cfg_fail(c, path, "must be an object, got %s", type_name(obj));
  if (first_repeat(c, obj, path, &twice) != 0) return -1;
  for (it = obj->child; it != NULL; it = it->next) {
    size_t i;
    int ok = 0;
    char sub[PATH_LEN];
    join_key(sub, path, it->string);
    if (it == twice) return cfg_fail(c, sub, "given twice");
    if (is_note(it->string)) continue;
    for (i = 0; allowed[i] != NULL && !ok; i++)
      ok = strcmp(allowed[i], it->string) == 0;
    if (!ok) {
      char list[256] = "";
      size_t used = 0;
      for (i = 0; allowed[i] != NULL; i++) {
        int w = snprintf(list + used, sizeof list - used, "%s%s",
                         i > 0 ? ", " : "", allowed[i]);
        if (w < 0 || (size_t)w >= sizeof list - used) break;
        used += (size_t)w;
      }
      return cfg_fail(c, sub, "unknown key; valid keys here: %s", list);
    }
  }
  return 0;
}

/* A finite number. */
static int get_number(const cfg_ctx *c, const cJSON *item, const char *path,
                      double *out) {
  if (!cJSON_IsNumber(item))
    return cfg_fail(c, path, "must be a number, got %s", type_name(item));
  if (!isfinite(item->valuedouble))
    return cfg_fail(c, path, "must be a finite number");
  *out = item->valuedouble;
  return 0;
}

/* qsort and bsearch order of num_lit entries: by item address. */
static int cmp_num_lit(const void *pa, const void *pb) {
  uintptr_t a = (uintptr_t)((const num_lit *)pa)->item;
  uintptr_t b = (uintptr_t)((const num_lit *)pb)->item;
  return (a > b) - (a < b);
}

/* The literal of a number item in the config's text (it ends where the
 * number does), or NULL if it is not known. */
static const char *literal(const cfg_ctx *c, const cJSON *item) {
  num_lit key;
  const num_lit *hit;
  if (c->nnums == 0) return NULL;
  key.item = item;
  key.off = 0;
  hit = bsearch(&key, c->nums, c->nnums, sizeof key, cmp_num_lit);
  return hit != NULL ? c->text + hit->off : NULL;
}

/* Whether ch can be part of a JSON number literal. */
static int in_number(char ch) {
  return (ch >= '0' && ch <= '9') || ch == '-' || ch == '+' || ch == '.' ||
         ch == 'e' || ch == 'E';
}

/* A copy of the literal lit (up to 40 characters) into buf, for
 * messages; "%.17g" of v when the literal is not known. */
static const char *shown(const char *lit, double v, char *buf, size_t len) {
  size_t n = 0;
  if (lit == NULL) {
    snprintf(buf, len, "%.17g", v);
    return buf;
  }
  while (in_number(lit[n]) && n < 40) n++;
  snprintf(buf, len, "%.*s%s", (int)n, lit, in_number(lit[n]) ? "..." : "");
  return buf;
}

/* A non-negative integer: below 2^64 when written with digits only (read
 * exactly from the text, as seeds need), below 2^53 otherwise (1e3, 5.0:
 * read as a double). */
static int get_u64(const cfg_ctx *c, const cJSON *item, const char *path,
                   uint64_t *out) {
  double v = 0;
  const char *lit, *d;
  char buf[64];
  uint64_t x = 0;
  int neg;
  if (get_number(c, item, path, &v) != 0) return -1;
  lit = literal(c, item);
  neg = lit != NULL && lit[0] == '-';
  d = lit != NULL ? lit + neg : NULL;
  if (d != NULL && d[strspn(d, "0123456789")] != '.' &&
      strchr("eE", d[strspn(d, "0123456789")]) == NULL) {
    for (; *d >= '0' && *d <= '9'; d++) {
      unsigned digit = (unsigned)(*d - '0');
      if (x > (UINT64_MAX - digit) / 10)
        return cfg_fail(c, path,
                        "must be a non-negative integer below "
                        "2^64, got %s",
                        shown(lit, v, buf, sizeof buf));
      x = x * 10 + digit;
    }
    if (neg && x != 0)
      return cfg_fail(c, path, "must be a non-negative integer, got %s",
                      shown(lit, v, buf, sizeof buf));
    *out = x;
    return 0;
  }
  if (v < 0 || v != floor(v))
    return cfg_fail(c, path, "must be a non-negative integer, got %s",
                    shown(lit, v, buf, sizeof buf));
  if (v >= MAX_EXACT_INT)
    return cfg_fail(c, path,
                    "must be written with digits only when it is "
                    "2^53 or more (exactly as an integer), got %s",
                    shown(lit, v, buf, sizeof buf));
  *out = (uint64_t)v;
  return 0;
}

/* A number or an array of numbers. */
static int get_vec(const cfg_ctx *c, const cJSON *item, const char *path,
                   cli_vec *out) {
  size_t n, i = 0;
  const cJSON *it;
  double *vals;
  if (cJSON_IsNumber(item)) {
    double v = 0;
    if (get_number(c, item, path, &v) != 0) return -1;
    if (cli_vec_set(out, &v, 1) != 0) return cfg_fail(c, path, "out of memory");
    return 0;
  }
  if (!cJSON_IsArray(item))
    return cfg_fail(c, path, "must be a number or a list of numbers, got %s",
                    type_name(item));
  n = (size_t)cJSON_GetArraySize(item);
  if (n == 0) return cfg_fail(c, path, "must not be an empty list");
  vals = malloc(n * sizeof *vals);
  if (vals == NULL) return cfg_fail(c, path, "out of memory");
  for (it = item->child; it != NULL; it = it->next, i++) {
    char sub[PATH_LEN];
    join_index(sub, path, i);
    if (get_number(c, it, sub, &vals[i]) != 0) {
      free(vals);
      return -1;
    }
  }
  cli_vec_free(out);
  out->v = vals;
  out->n = n;
  return 0;
}

/* A non-empty string. */
static int get_string(const cfg_ctx *c, const cJSON *item, const char *path,
                      const char **out) {
  if (!cJSON_IsString(item) || item->valuestring == NULL)
    return cfg_fail(c, path, "must be a string, got %s", type_name(item));
  if (item->valuestring[0] == '\0')
    return cfg_fail(c, path, "must not be empty");
  *out = item->valuestring;
  return 0;
}

/* obj[key] or NULL (keys are case-sensitive). */
static const cJSON *member(const cJSON *obj, const char *key) {
  return cJSON_GetObjectItemCaseSensitive(obj, key);
}

/* A required member; fails naming it when missing. */
static const cJSON *require(const cfg_ctx *c, const cJSON *obj,
                            const char *path, const char *key) {
  const cJSON *it = member(obj, key);
  if (it == NULL) {
    char sub[PATH_LEN];
    join_key(sub, path, key);
    cfg_fail(c, sub, "missing (required)");
  }
  return it;
}

/* ------------------------------------------------------------ populations */

/* size: a count >= 1 or a shape [n1, ..., nk] with k <= 4. */
static int parse_size(const cfg_ctx *c, const cJSON *item, const char *path,
                      cli_pop_spec *p) {
  uint64_t v;
  size_t total = 1, d = 0;
  const cJSON *it;
  if (cJSON_IsNumber(item)) {
    if (get_u64(c, item, path, &v) != 0) return -1;
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
                    type_name(item));
  if (cJSON_GetArraySize(item) < 1 || cJSON_GetArraySize(item) > ADEX_MAX_DIM)
    return cfg_fail(c, path, "a shape has 1 to %d dimensions, got %d",
                    ADEX_MAX_DIM, cJSON_GetArraySize(item));
  for (it = item->child; it != NULL; it = it->next, d++) {
    char sub[PATH_LEN];
    join_index(sub, path, d);
    if (get_u64(c, it, sub, &v) != 0) return -1;
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
                    type_name(item));
  join_index(sub, path, 0);
  if (get_number(c, item->child, sub, a) != 0) return -1;
  join_index(sub, path, 1);
  return get_number(c, item->child->next, sub, b);
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
    if (get_number(c, item, path, &a) != 0) return -1;
    out->init = adex_init_constant(a);
    return 0;
  }
  if (cJSON_IsArray(item)) {
    cli_vec v = {NULL, 0};
    if (get_vec(c, item, path, &v) != 0) return -1;
    free(out->vals);
    out->vals = v.v;
    out->init = adex_init_array(v.v, v.n);
    return 0;
  }
  if (!cJSON_IsObject(item) || item->child == NULL || item->child->next != NULL)
    return cfg_fail(c, path, "expected %s, got %s", forms, type_name(item));
  join_key(sub, path, item->child->string);
  if (strcmp(item->child->string, "one") == 0 ||
      strcmp(item->child->string, "constant") == 0) {
    if (get_number(c, item->child, sub, &a) != 0) return -1;
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
    return cfg_fail(c, path, "must be an object, got %s", type_name(obj));
  if (first_repeat(c, obj, path, &twice) != 0) return -1;
  for (it = obj->child; it != NULL; it = it->next) {
    adex_param_id id;
    char sub[PATH_LEN];
    join_key(sub, path, it->string);
    if (it == twice) return cfg_fail(c, sub, "given twice");
    if (is_note(it->string)) continue;
    if (adex_param_find(it->string, &id) != ADEX_OK) {
      char names[160] = "";
      size_t used = 0;
      for (int k = 0; k < ADEX_NPARAMS && used < sizeof names; k++)
        used +=
            (size_t)snprintf(names + used, sizeof names - used, "%s%s",
                             k ? ", " : "", adex_param_name((adex_param_id)k));
      return cfg_fail(c, sub, "unknown parameter; valid: %s", names);
    }
    if (get_vec(c, it, sub, &p->param[id]) != 0) return -1;
    p->param_src[id] = CLI_SRC_CONFIG;
  }
  return 0;
}

/* A boolean member. */
static int get_bool(const cfg_ctx *c, const cJSON *item, const char *path,
                    int *out) {
  if (!cJSON_IsBool(item))
    return cfg_fail(c, path, "must be true or false, got %s", type_name(item));
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
    const cJSON *it = member(obj, key);
    char sub[PATH_LEN];
    int rc = 0;
    if (it == NULL) continue;
    join_key(sub, path, key);
    switch ((cli_opt_id)i) {
    case CLI_OPT_ADAPTIVE: rc = get_bool(c, it, sub, &p->adaptive); break;
    case CLI_OPT_PRECISE: rc = get_bool(c, it, sub, &p->precise_spikes); break;
    case CLI_OPT_TOL: rc = get_number(c, it, sub, &p->tol); break;
    case CLI_OPT_TAU_REF: rc = get_number(c, it, sub, &p->tau_ref); break;
    case CLI_OPT_NOISE: rc = get_number(c, it, sub, &p->noise); break;
    case CLI_OPT_NOISE_SEED: rc = get_u64(c, it, sub, &p->noise_seed); break;
    case CLI_OPT_SPK_RESET:
      if (!cJSON_IsString(it) || it->valuestring == NULL)
        return cfg_fail(c, sub, "must be \"hard\" or \"soft\", got %s",
                        type_name(it));
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
  if ((it = member(obj, "threads")) != NULL) {
    uint64_t v = 0;
    join_key(sub, path, "threads");
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
                      CLI_THREADS_MAX, type_name(it));
    }
    if (get_u64(c, it, sub, &v) != 0) return -1;
    p->threads = (int)v;
  }
  if ((it = member(obj, "kernel")) != NULL) {
    join_key(sub, path, "kernel");
    if (get_string(c, it, sub, &s) != 0) return -1;
    if (cli_kernel_parse(s, &p->kernel, why, sizeof why) != 0)
      return cfg_fail(c, sub, "%s", why);
  }
  if ((it = member(obj, "dtype")) != NULL) {
    join_key(sub, path, "dtype");
    if (!cJSON_IsString(it) || it->valuestring == NULL)
      return cfg_fail(c, sub, "must be \"float64\" or \"float32\", got %s",
                      type_name(it));
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
  if (member(obj, "size") == NULL)
    return cfg_fail(c, path, "a %s needs \"size\"",
                    poisson ? "PoissonGroup" : "SpikeTimeGroup");
  if (poisson) {
    if ((it = require(c, obj, path, "freqs")) == NULL) return -1;
    join_key(sub, path, "freqs");
    if (get_vec(c, it, sub, &p->freqs) != 0) return -1;
    for (size_t i = 0; i < p->freqs.n; i++)
      if (!(p->freqs.v[i] >= 0.0 && p->freqs.v[i] <= 1e9))
        return cfg_fail(c, sub, "rates must be >= 0 and <= 1e9 Hz, got %g",
                        p->freqs.v[i]);
    if ((it = member(obj, "seed")) != NULL) {
      join_key(sub, path, "seed");
      if (get_u64(c, it, sub, &p->source_seed) != 0) return -1;
      p->source_seed_given = 1;
    }
    return 0;
  }
  const cJSON *times = require(c, obj, path, "times");
  const cJSON *indices =
      times != NULL ? require(c, obj, path, "indices") : NULL;
  if (indices == NULL) return -1;
  if (!cJSON_IsArray(times) || !cJSON_IsArray(indices)) {
    join_key(sub, path, cJSON_IsArray(times) ? "indices" : "times");
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
  join_key(sub, path, "times");
  for (it = times->child; it != NULL; it = it->next, k++) {
    char at[PATH_LEN];
    join_index(at, sub, k);
    if (get_number(c, it, at, &p->times[k]) != 0) return -1;
  }
  k = 0;
  for (it = indices->child; it != NULL; it = it->next, k++) {
    uint64_t v;
    char at[PATH_LEN];
    join_key(sub, path, "indices");
    join_index(at, sub, k);
    if (get_u64(c, it, at, &v) != 0) return -1;
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
  if (cJSON_IsObject(obj) && (it = member(obj, "model")) != NULL) {
    join_key(sub, path, "model");
    if (get_string(c, it, sub, &s) != 0) return -1;
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
  if (check_keys(c, obj, path,
                 p->model == CLI_MODEL_ADEXIF ? keys : source_keys(p)) != 0)
    return -1;
  if ((it = member(obj, "name")) != NULL) {
    join_key(sub, path, "name");
    if (get_string(c, it, sub, &s) != 0) return -1;
    if (!adex_name_is_valid(s))
      return cfg_fail(c, sub,
                      "\"%s\" is not a valid name (letters, digits "
                      "and '_', not starting with a digit, under %d "
                      "characters)",
                      s, ADEX_NAME_MAX);
    if ((p->name = cli_strdup(s)) == NULL)
      return cfg_fail(c, sub, "out of memory");
  }
  if ((it = member(obj, "size")) != NULL) {
    join_key(sub, path, "size");
    if (parse_size(c, it, sub, p) != 0) return -1;
  }
  if (p->model != CLI_MODEL_ADEXIF) return parse_source(c, obj, path, p);
  if ((it = member(obj, "method")) != NULL) {
    join_key(sub, path, "method");
    if (get_string(c, it, sub, &s) != 0) return -1;
    if ((p->method = cli_strdup(s)) == NULL)
      return cfg_fail(c, sub, "out of memory");
    p->method_src = CLI_SRC_CONFIG;
  }
  if ((it = member(obj, "params")) != NULL) {
    join_key(sub, path, "params");
    if (parse_params(c, it, sub, p) != 0) return -1;
  }
  if ((it = member(obj, "V_initializer")) != NULL) {
    join_key(sub, path, "V_initializer");
    if (parse_init(c, it, sub, &p->V0) != 0) return -1;
  }
  if ((it = member(obj, "w_initializer")) != NULL) {
    join_key(sub, path, "w_initializer");
    if (parse_init(c, it, sub, &p->w0) != 0) return -1;
  }
  if (parse_speed(c, obj, path, p) != 0) return -1;
  return parse_options(c, obj, path, p);
}

/* "populations": a non-empty list of objects with unique names; leaves
 * the named ones in c->pops, sorted by name, for find_pop. */
static int parse_pops(cfg_ctx *c, const cJSON *arr) {
  const cJSON *it;
  size_t i = 0, n = 0, twice = SIZE_MAX, orig = 0;
  if (!cJSON_IsArray(arr))
    return cfg_fail(c, "populations", "must be a list of objects, got %s",
                    type_name(arr));
  if (cJSON_GetArraySize(arr) == 0)
    return cfg_fail(c, "populations", "must hold at least one population");
  for (it = arr->child; it != NULL; it = it->next, i++) {
    char path[PATH_LEN];
    cli_pop_spec *p = cli_sim_add_pop(c->sim);
    join_index(path, "populations", i);
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
  if (!first_repeat_of(c->pops, n, &twice, &orig)) twice = SIZE_MAX;
  for (i = 0; i < c->sim->npops; i++) {
    const cli_pop_spec *p = &c->sim->pops[i];
    char path[PATH_LEN];
    join_key(path, p->path, "name");
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
static long find_pop(const cfg_ctx *c, const char *name) {
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
static const char *pop_names(const cli_sim *sim, char *buf, size_t len) {
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
  const cJSON *it = require(c, obj, path, key);
  if (it == NULL) return -1;
  join_key(sub, path, key);
  return get_vec(c, it, sub, out);
}

/* A member that must be present, as a number. */
static int req_number(const cfg_ctx *c, const cJSON *obj, const char *path,
                      const char *key, double *out) {
  char sub[PATH_LEN];
  const cJSON *it = require(c, obj, path, key);
  if (it == NULL) return -1;
  join_key(sub, path, key);
  return get_number(c, it, sub, out);
}

/* An optional number member (out untouched when absent). */
static int opt_number(const cfg_ctx *c, const cJSON *obj, const char *path,
                      const char *key, double *out) {
  char sub[PATH_LEN];
  const cJSON *it = member(obj, key);
  if (it == NULL) return 0;
  join_key(sub, path, key);
  return get_number(c, it, sub, out);
}

/* section: "values" (each a number or a list) and "durations". */
static int parse_section(const cfg_ctx *c, const cJSON *obj, const char *path,
                         cli_input_spec *in) {
  const cJSON *vals = require(c, obj, path, "values"), *durs, *it;
  char vpath[PATH_LEN], dpath[PATH_LEN], sub[PATH_LEN];
  size_t n, i;
  if (vals == NULL) return -1;
  if ((durs = require(c, obj, path, "durations")) == NULL) return -1;
  join_key(vpath, path, "values");
  join_key(dpath, path, "durations");
  if (!cJSON_IsArray(vals) || cJSON_GetArraySize(vals) == 0)
    return cfg_fail(c, vpath, "must be a non-empty list, got %s",
                    type_name(vals));
  if (!cJSON_IsArray(durs))
    return cfg_fail(c, dpath, "must be a list of numbers, got %s",
                    type_name(durs));
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
    join_index(sub, vpath, i);
    if (get_vec(c, it, sub, &in->sec_values[i]) != 0) return -1;
  }
  for (i = 0, it = durs->child; it != NULL; it = it->next, i++) {
    join_index(sub, dpath, i);
    if (get_number(c, it, sub, &in->durations[i]) != 0) return -1;
    if (in->durations[i] < 0)
      return cfg_fail(c, sub, "must be >= 0 ms, got %g", in->durations[i]);
  }
  return 0;
}

/* A path as given, relative to the config file's folder unless absolute
 * (malloc'd; NULL when out of memory). */
static char *config_relative(const cfg_ctx *c, const char *s) {
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
    if (req_number(c, obj, path, "from", &in->from) != 0 ||
        req_number(c, obj, path, "to", &in->to) != 0 ||
        opt_number(c, obj, path, "t_start", &in->t_start) != 0 ||
        opt_number(c, obj, path, "t_end", &in->t_end) != 0)
      return -1;
    if (member(obj, "t_end") == NULL) in->t_end = -1.0;
    return 0;
  case CLI_IN_POISSON:
    return req_vec(c, obj, path, "rate", &in->rate) != 0 ||
                   req_vec(c, obj, path, "weight", &in->weight) != 0
               ? -1
               : 0;
  case CLI_IN_OU:
    if (member(obj, "mean") != NULL) {
      if (req_vec(c, obj, path, "mean", &in->mean) != 0) return -1;
    } else {
      double zero = 0.0;
      if (cli_vec_set(&in->mean, &zero, 1) != 0)
        return cfg_fail(c, path, "out of memory");
    }
    return req_vec(c, obj, path, "sigma", &in->sigma) != 0 ||
                   req_number(c, obj, path, "tau", &in->tau) != 0
               ? -1
               : 0;
  case CLI_IN_FILE:
    if ((it = require(c, obj, path, "path")) == NULL) return -1;
    join_key(sub, path, "path");
    if (get_string(c, it, sub, &s) != 0) return -1;
    if ((in->file = config_relative(c, s)) == NULL)
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
    return cfg_fail(c, path, "must be an object, got %s", type_name(obj));
  if ((kind = require(c, obj, path, "kind")) == NULL) return -1;
  join_key(sub, path, "kind");
  if (get_string(c, kind, sub, &s) != 0) return -1;
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
  if (check_keys(c, obj, path, input_keys(in->kind)) != 0) return -1;
  join_key(sub, path, "target");
  target = member(obj, "target");
  if (target == NULL) {
    if (c->sim->npops != 1)
      return cfg_fail(c, sub,
                      "missing (required when there are several "
                      "populations: %s)",
                      pop_names(c->sim, names, sizeof names));
    in->target = 0;
  } else {
    long idx;
    if (get_string(c, target, sub, &s) != 0) return -1;
    if ((idx = find_pop(c, s)) < 0)
      return cfg_fail(c, sub,
                      "no population is called \"%s\" (populations: "
                      "%s)",
                      s, pop_names(c->sim, names, sizeof names));
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
  if ((seed = member(obj, "seed")) != NULL) {
    join_key(sub, path, "seed");
    if (get_u64(c, seed, sub, &in->seed) != 0) return -1;
    in->seed_given = 1;
  }
  return parse_input_body(c, obj, path, in);
}

/* "inputs": a list of input objects. */
static int parse_inputs(const cfg_ctx *c, const cJSON *arr) {
  const cJSON *it;
  size_t i = 0;
  if (!cJSON_IsArray(arr))
    return cfg_fail(c, "inputs", "must be a list of objects, got %s",
                    type_name(arr));
  for (it = arr->child; it != NULL; it = it->next, i++) {
    char path[PATH_LEN];
    cli_input_spec *in = cli_sim_add_input(c->sim);
    join_index(path, "inputs", i);
    if (in == NULL) return cfg_fail(c, path, "out of memory");
    if (parse_input(c, it, path, in) != 0) return -1;
  }
  return 0;
}

/* ------------------------------------------------------------ projections */

/* The model parameters each synapse model takes (BrainPy's names). */
static const char *const *model_params(adex_syn_model m) {
  static const char *const delta[] = {"post_has_ref", NULL};
  static const char *const exp_cuba[] = {"tau", NULL};
  static const char *const exp_coba[] = {"tau", "E", NULL};
  static const char *const dual_cuba[] = {"tau_decay", "tau_rise", NULL};
  static const char *const dual_coba[] = {"tau_decay", "tau_rise", "E", NULL};
  static const char *const alpha_cuba[] = {"tau_decay", NULL};
  static const char *const alpha_coba[] = {"tau_decay", "E", NULL};
  static const char *const nmda[] = {"E",         "cc_Mg", "alpha",    "beta",
                                     "tau_decay", "a",     "tau_rise", NULL};
  static const char *const ampa[] = {"E", "alpha",      "beta",
                                     "T", "T_duration", NULL};
  static const char *const stp[] = {"U", "tau_f", "tau_d", "tau", "A", NULL};
  switch (m) {
  case ADEX_SYN_DELTA: return delta;
  case ADEX_SYN_EXP_CUBA: return exp_cuba;
  case ADEX_SYN_EXP_COBA: return exp_coba;
  case ADEX_SYN_DUAL_EXP_CUBA: return dual_cuba;
  case ADEX_SYN_DUAL_EXP_COBA: return dual_coba;
  case ADEX_SYN_ALPHA_CUBA: return alpha_cuba;
  case ADEX_SYN_ALPHA_COBA: return alpha_coba;
  case ADEX_SYN_NMDA: return nmda;
  case ADEX_SYN_AMPA:
  case ADEX_SYN_GABAA: return ampa;
  case ADEX_SYN_STP: return stp;
  }
  return delta;
}

/* Where each parameter lives in adex_proj_config. */
static double *param_slot(adex_proj_config *cfg, const char *key) {
  static const struct {
    const char *key;
    size_t off;
  } slots[] = {{"tau", offsetof(adex_proj_config, tau)},
               {"E", offsetof(adex_proj_config, E)},
               {"tau_decay", offsetof(adex_proj_config, tau_decay)},
               {"tau_rise", offsetof(adex_proj_config, tau_rise)},
               {"cc_Mg", offsetof(adex_proj_config, cc_Mg)},
               {"alpha", offsetof(adex_proj_config, alpha)},
               {"beta", offsetof(adex_proj_config, beta)},
               {"a", offsetof(adex_proj_config, a)},
               {"T", offsetof(adex_proj_config, T)},
               {"T_duration", offsetof(adex_proj_config, T_duration)},
               {"U", offsetof(adex_proj_config, U)},
               {"tau_f", offsetof(adex_proj_config, tau_f)},
               {"tau_d", offsetof(adex_proj_config, tau_d)},
               {"A", offsetof(adex_proj_config, A)}};
  for (size_t i = 0; i < sizeof slots / sizeof slots[0]; i++)
    if (strcmp(slots[i].key, key) == 0)
      return (double *)(void *)((char *)cfg + slots[i].off);
  return NULL;
}

/* A list of n >= 0 non-negative integers (indices) into *out (owned). */
static int get_index_list(const cfg_ctx *c, const cJSON *item, const char *path,
                          size_t **out, size_t *n) {
  const cJSON *it;
  size_t i = 0;
  if (!cJSON_IsArray(item))
    return cfg_fail(c, path, "must be a list of indices, got %s",
                    type_name(item));
  *n = (size_t)cJSON_GetArraySize(item);
  *out = malloc((*n ? *n : 1) * sizeof **out);
  if (*out == NULL) return cfg_fail(c, path, "out of memory");
  for (it = item->child; it != NULL; it = it->next, i++) {
    char sub[PATH_LEN];
    uint64_t v = 0;
    join_index(sub, path, i);
    if (get_u64(c, it, sub, &v) != 0) return -1;
    if (v > SIZE_MAX / 2) return cfg_fail(c, sub, "is too large");
    (*out)[i] = (size_t)v;
  }
  return 0;
}

/* "conn": {"kind": <BrainPy connector name>, its parameters}. */

/* The pairs of a "file" connector: a .npy array of shape (n, 2) of
 * integers (pre, post), or a .csv file of lines "pre,post" (a first line
 * that is not two numbers is a header). Into conn_a, conn_b. */
static int read_pairs(const cfg_ctx *c, const char *sub, const char *file,
                      cli_proj_spec *pr, size_t *n) {
  FILE *fp = fopen(file, "rb");
  size_t cap = 0, got = 0;
  if (fp == NULL)
    return cfg_fail(c, sub, "cannot open '%s': %s", file, strerror(errno));
  int rc = 0;
  if (adex_file_kind_of(file) == ADEX_FILE_NPY) {
    adex__npy_header h;
    char err[200];
    if (cli_npy_read_header(fp, &h, err, sizeof err) != 0) {
      fclose(fp);
      return cfg_fail(c, sub, "'%s': %s", file, err);
    }
    size_t item = adex__npy_itemsize(h.descr);
    int ok_type = (h.descr[0] == '<' || h.descr[0] == '|') &&
                  (h.descr[1] == 'i' || h.descr[1] == 'u') &&
                  (item == 4 || item == 8);
    if (!ok_type || h.ndim != 2 || h.shape[1] != 2 || h.fortran) {
      fclose(fp);
      return cfg_fail(c, sub,
                      "'%s' must hold an integer array of shape "
                      "(n, 2) in C order (pre, post), got '%s' of %zu "
                      "dimensions",
                      file, h.descr, h.ndim);
    }
    got = (size_t)h.shape[0];
    pr->conn_a = malloc((got ? got : 1) * sizeof *pr->conn_a);
    pr->conn_b = malloc((got ? got : 1) * sizeof *pr->conn_b);
    if (pr->conn_a == NULL || pr->conn_b == NULL) rc = -2;
    for (size_t m = 0; rc == 0 && m < 2 * got; m++) {
      unsigned char raw[8];
      long long v;
      if (fread(raw, 1, item, fp) != item) {
        rc = -3;
        break;
      }
      if (item == 8) {
        int64_t x;
        memcpy(&x, raw, 8);
        v = (long long)x;
      } else {
        int32_t x;
        memcpy(&x, raw, 4);
        v = h.descr[1] == 'u' ? (long long)(uint32_t)x : (long long)x;
      }
      if (v < 0)
        rc = -4;
      else
        (m % 2 == 0 ? pr->conn_a : pr->conn_b)[m / 2] = (size_t)v;
    }
  } else {
    char line[256];
    int first = 1;
    while (rc == 0 && fgets(line, sizeof line, fp) != NULL) {
      unsigned long long a, b;
      char tail;
      if (sscanf(line, " %llu , %llu %c", &a, &b, &tail) != 2) {
        if (first && strspn(line, " \t\r\n") != strlen(line) &&
            sscanf(line, " %llu", &a) != 1) {
          first = 0; /* a header */
          continue;
        }
        if (strspn(line, " \t\r\n") == strlen(line)) continue;
        rc = -5;
        break;
      }
      first = 0;
      if (got == cap) {
        cap = cap ? 2 * cap : 1024;
        size_t *na = realloc(pr->conn_a, cap * sizeof *na);
        if (na != NULL) pr->conn_a = na;
        size_t *nb = realloc(pr->conn_b, cap * sizeof *nb);
        if (nb != NULL) pr->conn_b = nb;
        if (na == NULL || nb == NULL) {
          rc = -2;
          break;
        }
      }
      pr->conn_a[got] = (size_t)a;
      pr->conn_b[got++] = (size_t)b;
    }
  }
  fclose(fp);
  if (rc == -2) return cfg_fail(c, sub, "out of memory reading '%s'", file);
  if (rc == -3) return cfg_fail(c, sub, "'%s' ends early", file);
  if (rc == -4) return cfg_fail(c, sub, "'%s' holds a negative index", file);
  if (rc == -5)
    return cfg_fail(c, sub,
                    "'%s': pair %zu is not \"pre,post\" (two "
                    "indices)",
                    file, got);
  *n = got;
  return 0;
}

static int parse_conn(const cfg_ctx *c, const cJSON *obj, const char *path,
                      cli_proj_spec *pr, size_t pre_num, size_t post_num,
                      size_t index) {
  static const char *const k_gauss[] = {"kind",
                                        "sigma",
                                        "encoding_values",
                                        "normalize",
                                        "include_self",
                                        "periodic_boundary",
                                        "seed",
                                        NULL};
  static const char *const k_grid[] = {"kind", "include_self", NULL};
  static const char *const k_gridn[] = {"kind", "N", "include_self", NULL};
  static const char *const k_file[] = {"kind", "path", NULL};
  static const char *const k_one[] = {"kind", NULL};
  static const char *const k_all[] = {"kind", "include_self", NULL};
  static const char *const k_prob[] = {"kind", "prob", "include_self", "seed",
                                       NULL};
  static const char *const k_num[] = {"kind", "num", "include_self", "seed",
                                      NULL};
  static const char *const k_ij[] = {"kind", "i", "j", NULL};
  static const char *const k_csr[] = {"kind", "indices", "indptr", NULL};
  adex_conn *cn = &pr->cfg.conn;
  const cJSON *it;
  const char *kind = NULL;
  char sub[PATH_LEN];
  int flag = 1;
  if (!cJSON_IsObject(obj))
    return cfg_fail(c, path, "must be an object with a \"kind\", got %s",
                    type_name(obj));
  if ((it = require(c, obj, path, "kind")) == NULL) return -1;
  join_key(sub, path, "kind");
  if (get_string(c, it, sub, &kind) != 0) return -1;
  memset(cn, 0, sizeof *cn);
  cn->include_self = true;
  /* the stream of a random connector without a seed: the run's seed and
   * the projection's index */
  cn->seed =
      adex__rng_mix64(c->sim->seed ^ adex__rng_mix64(0x3000 + (uint64_t)index));
  if (strcmp(kind, "One2One") == 0) {
    cn->kind = ADEX_CONN_ONE2ONE;
    return check_keys(c, obj, path, k_one);
  }
  if (strcmp(kind, "All2All") == 0) {
    cn->kind = ADEX_CONN_ALL2ALL;
    if (check_keys(c, obj, path, k_all) != 0) return -1;
  } else if (strcmp(kind, "FixedProb") == 0) {
    cn->kind = ADEX_CONN_FIXED_PROB;
    if (check_keys(c, obj, path, k_prob) != 0 ||
        req_number(c, obj, path, "prob", &cn->prob) != 0)
      return -1;
    if (!(cn->prob >= 0.0 && cn->prob <= 1.0)) {
      join_key(sub, path, "prob");
      return cfg_fail(c, sub, "must be in [0, 1], got %g", cn->prob);
    }
  } else if (strcmp(kind, "FixedPreNum") == 0 ||
             strcmp(kind, "FixedPostNum") == 0) {
    int pre = kind[5] == 'r';
    double num = 0;
    size_t of = pre ? pre_num : post_num;
    cn->kind = pre ? ADEX_CONN_FIXED_PRE_NUM : ADEX_CONN_FIXED_POST_NUM;
    if (check_keys(c, obj, path, k_num) != 0 ||
        req_number(c, obj, path, "num", &num) != 0)
      return -1;
    join_key(sub, path, "num");
    if (num < 0 || (num >= 1 && num != floor(num)))
      return cfg_fail(c, sub,
                      "must be a count (a whole number) or a "
                      "fraction in [0, 1) of the %s population's %zu "
                      "neurons, got %g",
                      pre ? "pre" : "post", of, num);
    cn->num = num < 1 ? (size_t)(num * (double)of) : (size_t)num;
  } else if (strcmp(kind, "IJ") == 0) {
    size_t ni = 0, nj = 0;
    cn->kind = ADEX_CONN_IJ;
    if (check_keys(c, obj, path, k_ij) != 0) return -1;
    if ((it = require(c, obj, path, "i")) == NULL) return -1;
    join_key(sub, path, "i");
    if (get_index_list(c, it, sub, &pr->conn_a, &ni) != 0) return -1;
    if ((it = require(c, obj, path, "j")) == NULL) return -1;
    join_key(sub, path, "j");
    if (get_index_list(c, it, sub, &pr->conn_b, &nj) != 0) return -1;
    if (ni != nj)
      return cfg_fail(c, sub,
                      "has %zu entries, \"i\" has %zu: they must "
                      "have one length",
                      nj, ni);
    cn->i = pr->conn_a;
    cn->j = pr->conn_b;
    cn->n_pairs = ni;
    return 0;
  } else if (strcmp(kind, "CSR") == 0) {
    size_t nind = 0, nptr = 0;
    cn->kind = ADEX_CONN_CSR;
    if (check_keys(c, obj, path, k_csr) != 0) return -1;
    if ((it = require(c, obj, path, "indices")) == NULL) return -1;
    join_key(sub, path, "indices");
    if (get_index_list(c, it, sub, &pr->conn_a, &nind) != 0) return -1;
    if ((it = require(c, obj, path, "indptr")) == NULL) return -1;
    join_key(sub, path, "indptr");
    if (get_index_list(c, it, sub, &pr->conn_b, &nptr) != 0) return -1;
    if (nptr != pre_num + 1)
      return cfg_fail(c, sub, "must have pre size + 1 = %zu entries, got %zu",
                      pre_num + 1, nptr);
    if (pr->conn_b[pre_num] != nind)
      return cfg_fail(c, sub, "ends at %zu, but \"indices\" has %zu entries",
                      pr->conn_b[pre_num], nind);
    cn->indices = pr->conn_a;
    cn->indptr = pr->conn_b;
    return 0;
  } else if (strcmp(kind, "file") == 0) {
    size_t n = 0;
    const char *s = NULL;
    cn->kind = ADEX_CONN_IJ;
    if (check_keys(c, obj, path, k_file) != 0) return -1;
    if ((it = require(c, obj, path, "path")) == NULL) return -1;
    join_key(sub, path, "path");
    if (get_string(c, it, sub, &s) != 0) return -1;
    char *file = config_relative(c, s);
    if (file == NULL) return cfg_fail(c, sub, "out of memory");
    int rc = read_pairs(c, sub, file, pr, &n);
    free(file);
    if (rc != 0) return -1;
    cn->i = pr->conn_a;
    cn->j = pr->conn_b;
    cn->n_pairs = n;
    return 0;
  } else if (strcmp(kind, "GaussianProb") == 0) {
    cn->kind = ADEX_CONN_GAUSSIAN_PROB;
    cn->normalize = true;
    if (check_keys(c, obj, path, k_gauss) != 0 ||
        req_number(c, obj, path, "sigma", &cn->sigma) != 0)
      return -1;
    if (!(cn->sigma > 0)) {
      join_key(sub, path, "sigma");
      return cfg_fail(c, sub, "must be > 0, got %g", cn->sigma);
    }
    if ((it = member(obj, "normalize")) != NULL) {
      join_key(sub, path, "normalize");
      if (get_bool(c, it, sub, &flag) != 0) return -1;
      cn->normalize = flag != 0;
    }
    if ((it = member(obj, "periodic_boundary")) != NULL) {
      join_key(sub, path, "periodic_boundary");
      if (get_bool(c, it, sub, &flag) != 0) return -1;
      cn->periodic = flag != 0;
    }
    if ((it = member(obj, "encoding_values")) != NULL) {
      const cJSON *r;
      join_key(sub, path, "encoding_values");
      int nested =
          cJSON_IsArray(it) && it->child != NULL && cJSON_IsArray(it->child);
      if (!cJSON_IsArray(it) || cJSON_GetArraySize(it) == 0 ||
          (!nested && cJSON_GetArraySize(it) != 2) ||
          (nested && cJSON_GetArraySize(it) > ADEX_MAX_DIM))
        return cfg_fail(c, sub,
                        "must be [min, max] or one [min, max] per "
                        "dimension");
      size_t d = 0;
      for (r = nested ? it->child : it; r != NULL && d < ADEX_MAX_DIM;
           r = nested ? r->next : NULL, d++) {
        cJSON *lo = cJSON_GetArrayItem(r, 0), *hi = cJSON_GetArrayItem(r, 1);
        char at[PATH_LEN];
        join_index(at, sub, d);
        if (cJSON_GetArraySize(r) != 2 ||
            get_number(c, lo, nested ? at : sub, &cn->ranges[d][0]) != 0 ||
            get_number(c, hi, nested ? at : sub, &cn->ranges[d][1]) != 0)
          return cfg_fail(c, nested ? at : sub, "must be [min, max]");
        if (!(cn->ranges[d][0] < cn->ranges[d][1]))
          return cfg_fail(c, nested ? at : sub,
                          "must have min < max, got "
                          "[%g, %g]",
                          cn->ranges[d][0], cn->ranges[d][1]);
      }
      cn->n_ranges = d;
    }
  } else if (strcmp(kind, "GridFour") == 0 || strcmp(kind, "GridEight") == 0) {
    cn->kind = kind[4] == 'F' ? ADEX_CONN_GRID_FOUR : ADEX_CONN_GRID_N;
    cn->grid_n = 1;
    cn->include_self = false;
    if (check_keys(c, obj, path, k_grid) != 0) return -1;
  } else if (strcmp(kind, "GridN") == 0) {
    double nn = 1;
    cn->kind = ADEX_CONN_GRID_N;
    cn->include_self = false;
    if (check_keys(c, obj, path, k_gridn) != 0) return -1;
    if ((it = member(obj, "N")) != NULL) {
      join_key(sub, path, "N");
      if (get_number(c, it, sub, &nn) != 0) return -1;
      if (!(nn >= 0 && nn == floor(nn) && nn <= 1e6))
        return cfg_fail(c, sub, "must be a whole number >= 0, got %g", nn);
    }
    cn->grid_n = (size_t)nn;
  } else {
    return cfg_fail(c, sub,
                    "unknown connector \"%s\"; valid: One2One, "
                    "All2All, FixedProb, FixedPreNum, FixedPostNum, IJ, CSR, "
                    "GaussianProb, GridFour, GridEight, GridN, file",
                    kind);
  }
  if ((it = member(obj, "include_self")) != NULL) {
    join_key(sub, path, "include_self");
    if (get_bool(c, it, sub, &flag) != 0) return -1;
    cn->include_self = flag != 0;
  }
  if ((it = member(obj, "seed")) != NULL) {
    join_key(sub, path, "seed");
    if (get_u64(c, it, sub, &cn->seed) != 0) return -1;
  }
  return 0;
}

/* A population named by a projection's "pre" or "post". */
static int proj_end(const cfg_ctx *c, const cJSON *obj, const char *path,
                    const char *key, size_t *out) {
  const cJSON *it = require(c, obj, path, key);
  const char *s = NULL;
  char sub[PATH_LEN], names[256];
  long idx;
  if (it == NULL) return -1;
  join_key(sub, path, key);
  if (get_string(c, it, sub, &s) != 0) return -1;
  if ((idx = find_pop(c, s)) < 0)
    return cfg_fail(c, sub,
                    "no population is called \"%s\" (populations: "
                    "%s)",
                    s, pop_names(c->sim, names, sizeof names));
  if (strcmp(key, "post") == 0 && c->sim->pops[idx].model != CLI_MODEL_ADEXIF)
    return cfg_fail(c, sub,
                    "\"%s\" is a spike source: it can only be a "
                    "projection's pre",
                    s);
  *out = (size_t)idx;
  return 0;
}

/* One projection object. */
static int parse_proj(const cfg_ctx *c, const cJSON *obj, const char *path,
                      cli_proj_spec *pr, size_t index) {
  static const char *const common[] = {"name",       "pre",           "post",
                                       "model",      "conn",          "delay",
                                       "delay_step", "save_synapses", NULL};
  const char *allowed[32];
  const cJSON *it;
  const char *s = NULL;
  char sub[PATH_LEN];
  adex_syn_model model = ADEX_SYN_EXP_COBA;
  size_t n = 0, pre = 0, post = 0;
  if (!cJSON_IsObject(obj))
    return cfg_fail(c, path, "must be an object, got %s", type_name(obj));
  if ((it = require(c, obj, path, "model")) == NULL) return -1;
  join_key(sub, path, "model");
  if (get_string(c, it, sub, &s) != 0) return -1;
  if (adex_syn_model_find(s, &model) != ADEX_OK)
    return cfg_fail(c, sub, "%s", adex_errmsg());
  for (size_t i = 0; common[i] != NULL; i++) allowed[n++] = common[i];
  allowed[n++] = model == ADEX_SYN_DELTA ? "weights" : "g_max";
  for (const char *const *q = model_params(model); *q != NULL; q++)
    allowed[n++] = *q;
  allowed[n] = NULL;
  if (check_keys(c, obj, path, allowed) != 0) return -1;
  if (proj_end(c, obj, path, "pre", &pre) != 0 ||
      proj_end(c, obj, path, "post", &post) != 0)
    return -1;
  if ((it = member(obj, "name")) != NULL) {
    join_key(sub, path, "name");
    if (get_string(c, it, sub, &s) != 0) return -1;
    if (!adex_name_is_valid(s))
      return cfg_fail(c, sub,
                      "\"%s\" is not a valid name (letters, digits "
                      "and _, not starting with a digit)",
                      s);
    if (find_pop(c, s) >= 0)
      return cfg_fail(c, sub, "\"%s\" is the name of a population", s);
    for (size_t q = 0; q < index; q++)
      if (c->sim->projs[q].name != NULL &&
          strcmp(c->sim->projs[q].name, s) == 0)
        return cfg_fail(c, sub, "\"%s\" names projections[%zu] too", s, q);
    if ((pr->name = cli_strdup(s)) == NULL)
      return cfg_fail(c, sub, "out of memory");
  }
  if ((it = require(c, obj, path, "conn")) == NULL) return -1;
  join_key(sub, path, "conn");
  if (parse_conn(c, it, sub, pr, c->sim->pops[pre].size,
                 c->sim->pops[post].size, index) != 0)
    return -1;
  adex_conn conn = pr->cfg.conn;
  adex_proj_config_default(&pr->cfg, model, pre, post, conn);
  pr->cfg.name = pr->name;
  for (const char *const *q = model_params(model); *q != NULL; q++) {
    double *slot = param_slot(&pr->cfg, *q);
    if ((it = member(obj, *q)) == NULL) continue;
    join_key(sub, path, *q);
    if (slot == NULL) { /* post_has_ref */
      int b = 0;
      if (get_bool(c, it, sub, &b) != 0) return -1;
      pr->cfg.post_has_ref = b != 0;
    } else if (get_number(c, it, sub, slot) != 0) {
      return -1;
    }
  }
  /* weights: one number, or one per synapse */
  const char *wkey = model == ADEX_SYN_DELTA ? "weights" : "g_max";
  if ((it = member(obj, wkey)) != NULL) {
    cli_vec w = {NULL, 0};
    join_key(sub, path, wkey);
    if (get_vec(c, it, sub, &w) != 0) return -1;
    if (cJSON_IsNumber(it)) {
      pr->cfg.g_max = w.v[0];
      cli_vec_free(&w);
    } else {
      pr->weights = w.v;
      pr->cfg.weights = w.v;
      pr->cfg.n_weights = w.n;
    }
  }
  /* delays: "delay" in ms (one, or a list) or BrainPy's "delay_step" */
  const cJSON *dl = member(obj, "delay"), *ds = member(obj, "delay_step");
  if (dl != NULL && ds != NULL) {
    join_key(sub, path, "delay_step");
    return cfg_fail(c, sub, "give \"delay\" (ms) or \"delay_step\", not both");
  }
  if (dl != NULL || ds != NULL) {
    cli_vec d = {NULL, 0};
    join_key(sub, path, dl != NULL ? "delay" : "delay_step");
    if (get_vec(c, dl != NULL ? dl : ds, sub, &d) != 0) return -1;
    for (size_t q = 0; ds != NULL && q < d.n; q++) {
      if (d.v[q] < 0 || d.v[q] != floor(d.v[q])) {
        cli_vec_free(&d);
        return cfg_fail(c, sub, "must be whole numbers of steps >= 0");
      }
      d.v[q] = (d.v[q] + 2.0) * c->sim->dt; /* BrainPy's delay_step */
    }
    if (cJSON_IsNumber(dl != NULL ? dl : ds)) {
      pr->cfg.delay = d.v[0];
      cli_vec_free(&d);
    } else {
      pr->delays = d.v;
      pr->cfg.delays = d.v;
      pr->cfg.n_delays = d.n;
    }
  }
  if ((it = member(obj, "save_synapses")) != NULL) {
    join_key(sub, path, "save_synapses");
    if (get_bool(c, it, sub, &pr->save_synapses) != 0) return -1;
  }
  return 0;
}

/* "projections": a list of projection objects, after the populations. */
static int parse_projs(const cfg_ctx *c, const cJSON *arr) {
  const cJSON *it;
  size_t i = 0;
  if (!cJSON_IsArray(arr))
    return cfg_fail(c, "projections", "must be a list of objects, got %s",
                    type_name(arr));
  for (it = arr->child; it != NULL; it = it->next, i++) {
    char path[PATH_LEN];
    cli_proj_spec *pr = cli_sim_add_proj(c->sim);
    join_index(path, "projections", i);
    if (pr == NULL) return cfg_fail(c, path, "out of memory");
    if (parse_proj(c, it, path, pr, i) != 0) return -1;
  }
  return 0;
}

/* ------------------------------------------------------------ record */

/* A list of variable names into a bit mask. */
static int parse_vars(const cfg_ctx *c, const cJSON *arr, const char *path,
                      unsigned *mask) {
  const cJSON *it;
  size_t i = 0;
  if (!cJSON_IsArray(arr))
    return cfg_fail(c, path, "must be a list of variable names, got %s",
                    type_name(arr));
  *mask = 0;
  for (it = arr->child; it != NULL; it = it->next, i++) {
    char sub[PATH_LEN];
    const char *s = NULL;
    cli_var_id v;
    join_index(sub, path, i);
    if (get_string(c, it, sub, &s) != 0) return -1;
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
                    type_name(item));
  n = (size_t)cJSON_GetArraySize(item);
  free(p->watch);
  p->watch = malloc(n * sizeof *p->watch);
  if (p->watch == NULL) return cfg_fail(c, path, "out of memory");
  for (it = item->child; it != NULL; it = it->next, i++) {
    char sub[PATH_LEN];
    uint64_t v;
    join_index(sub, path, i);
    if (get_u64(c, it, sub, &v) != 0) return -1;
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
                    type_name(item));
  if (check_keys(c, item, path, keys) != 0) return -1;
  if ((it = member(item, "vars")) != NULL) {
    join_key(sub, path, "vars");
    if (parse_vars(c, it, sub, &p->record) != 0) return -1;
  }
  if ((it = member(item, "watch")) != NULL) {
    join_key(sub, path, "watch");
    if (parse_watch(c, it, sub, p) != 0) return -1;
  }
  if ((it = member(item, "every")) != NULL) {
    join_key(sub, path, "every");
    if (get_u64(c, it, sub, &p->every) != 0) return -1;
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
    if (check_keys(c, item, path, keys) != 0) return -1;
    if ((it = member(item, "every")) != NULL) {
      join_key(sub, path, "every");
      if (get_u64(c, it, sub, &pr->rec_every) != 0) return -1;
      if (pr->rec_every == 0)
        return cfg_fail(c, sub, "must be at least 1 step");
    }
    if ((vars = require(c, item, path, "vars")) == NULL) return -1;
    join_key(sub, path, "vars");
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
    join_index(at, path, (size_t)pr->nrec);
    if (get_string(c, it, at, &s) != 0) return -1;
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
static int parse_record(const cfg_ctx *c, const cJSON *item) {
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
                    type_name(item));
  if (first_repeat(c, item, "record", &twice) != 0) return -1;
  for (it = item->child; it != NULL; it = it->next) {
    char sub[PATH_LEN];
    long idx;
    join_key(sub, "record", it->string);
    if (it == twice) return cfg_fail(c, sub, "given twice");
    if (is_note(it->string)) continue;
    if ((idx = find_pop(c, it->string)) < 0 &&
        (idx = find_proj(c, it->string)) >= 0) {
      if (parse_record_proj(c, it, sub, &c->sim->projs[idx]) != 0) return -1;
      continue;
    }
    if (idx < 0)
      return cfg_fail(c, sub,
                      "no population or projection is called "
                      "\"%s\" (populations: %s)",
                      it->string, pop_names(c->sim, names, sizeof names));
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

/* ------------------------------------------------------------ top level */

/* The top-level object. */
static int parse_root(cfg_ctx *c, const cJSON *root) {
  static const char *const keys[] = {
      "duration", "dt",  "start",  "seed",        "populations", "inputs",
      "record",   "out", "spikes", "projections", NULL};
  cli_sim *sim = c->sim;
  const cJSON *it;
  const char *s = NULL;
  if (check_keys(c, root, "", keys) != 0) return -1;
  if (opt_number(c, root, "", "duration", &sim->duration) != 0) return -1;
  if (sim->duration < 0)
    return cfg_fail(c, "duration", "must be >= 0 ms, got %g", sim->duration);
  if (opt_number(c, root, "", "dt", &sim->dt) != 0) return -1;
  if (!(sim->dt > 0))
    return cfg_fail(c, "dt", "must be > 0 ms, got %g", sim->dt);
  if (opt_number(c, root, "", "start", &sim->start) != 0) return -1;
  if ((it = member(root, "seed")) != NULL &&
      get_u64(c, it, "seed", &sim->seed) != 0)
    return -1;
  if ((it = require(c, root, "", "populations")) == NULL) return -1;
  if (parse_pops(c, it) != 0) return -1;
  if ((it = member(root, "projections")) != NULL && parse_projs(c, it) != 0)
    return -1;
  if ((it = member(root, "inputs")) != NULL && parse_inputs(c, it) != 0)
    return -1;
  if ((it = member(root, "record")) != NULL && parse_record(c, it) != 0)
    return -1;
  if ((it = member(root, "out")) != NULL && !cJSON_IsNull(it)) {
    if (get_string(c, it, "out", &s) != 0) return -1;
    if ((sim->out = cli_strdup(s)) == NULL)
      return cfg_fail(c, "out", "out of memory");
    sim->out_src = CLI_SRC_CONFIG;
  }
  if ((it = member(root, "spikes")) != NULL) {
    if (!cJSON_IsBool(it))
      return cfg_fail(c, "spikes", "must be true or false, got %s",
                      type_name(it));
    sim->spikes = cJSON_IsTrue(it) ? 1 : 0;
  }
  return 0;
}

/* ------------------------------------------------------------ the text */

/* Line and column (1-based) of offset off of text. */
static void line_col(const char *text, size_t off, size_t *line, size_t *col) {
  size_t i;
  *line = 1;
  *col = 1;
  for (i = 0; i < off; i++) {
    if (text[i] == '\n') {
      (*line)++;
      *col = 1;
    } else {
      (*col)++;
    }
  }
}

/* Scan a JSON text that cJSON accepted: the offsets of its number
 * literals, in order, into *offs (*n of them, malloc'ed), and the offset
 * of the first \u0000 escape inside a string into *nul (SIZE_MAX if
 * none). Returns -1 when out of memory. */
static int scan_text(const char *text, size_t len, size_t **offs, size_t *n,
                     size_t *nul) {
  size_t i = 0, k = 0, cap = 0, *o = NULL;
  *nul = SIZE_MAX;
  while (i < len) {
    char ch = text[i];
    if (ch == '"') {
      for (i++; i < len && text[i] != '"'; i++) {
        if (text[i] != '\\') continue;
        if (*nul == SIZE_MAX && i + 5 < len && text[i + 1] == 'u' &&
            strncmp(text + i + 2, "0000", 4) == 0)
          *nul = i;
        i++; /* the escaped character */
      }
      i++;
    } else if (ch == '-' || (ch >= '0' && ch <= '9')) {
      if (k == cap) {
        size_t *grown;
        cap = cap == 0 ? 64 : 2 * cap;
        if ((grown = realloc(o, cap * sizeof *o)) == NULL) {
          free(o);
          return -1;
        }
        o = grown;
      }
      o[k++] = i;
      while (i < len && in_number(text[i])) i++;
    } else {
      i++;
    }
  }
  *offs = o;
  *n = k;
  return 0;
}

/* Append the number items under item (its siblings after it included),
 * in document order, to out (room for cap; *k counts them all). */
static void collect_numbers(const cJSON *item, num_lit *out, size_t cap,
                            size_t *k) {
  for (; item != NULL; item = item->next) {
    if (cJSON_IsNumber(item)) {
      if (*k < cap) out[*k].item = item;
      (*k)++;
    }
    if (item->child != NULL) collect_numbers(item->child, out, cap, k);
  }
}

/* Check the parsed text for what cJSON cannot tell (a \u0000 escape) and
 * pair every number item with its literal (c->nums). Returns 0, or -1
 * after saying what is wrong. */
static int match_text(cfg_ctx *c, const cJSON *root, size_t len) {
  size_t *offs = NULL, n = 0, nul = SIZE_MAX, k = 0, i;
  if (scan_text(c->text, len, &offs, &n, &nul) != 0)
    return cfg_fail(c, NULL, "out of memory");
  if (nul != SIZE_MAX) {
    size_t line, col;
    free(offs);
    line_col(c->text, nul, &line, &col);
    return cfg_fail(c, NULL,
                    "line %zu, column %zu: a string holds \\u0000 "
                    "(a NUL character), which no name, path or value may "
                    "contain",
                    line, col);
  }
  if (n > 0 && (c->nums = malloc(n * sizeof *c->nums)) == NULL) {
    free(offs);
    return cfg_fail(c, NULL, "out of memory");
  }
  collect_numbers(root, c->nums, n, &k);
  if (k == n && n > 0) {
    for (i = 0; i < n; i++) c->nums[i].off = offs[i];
    qsort(c->nums, n, sizeof *c->nums, cmp_num_lit);
    c->nnums = n;
  }
  free(offs);
  return 0;
}

/* Read a whole file into a NUL-terminated buffer. */
static char *read_file(const char *path, size_t *len, int *err) {
  FILE *fp = fopen(path, "rb");
  char *buf = NULL;
  size_t cap = 0, n = 0;
  *err = 0;
  if (fp == NULL) {
    *err = errno != 0 ? errno : EIO;
    return NULL;
  }
  for (;;) {
    size_t got;
    if (n + 1 >= cap) {
      char *grown;
      if (cap >= MAX_CONFIG_BYTES) {
        *err = EFBIG;
        break;
      }
      cap = cap == 0 ? 4096 : cap * 2;
      grown = realloc(buf, cap);
      if (grown == NULL) {
        *err = ENOMEM;
        break;
      }
      buf = grown;
    }
    got = fread(buf + n, 1, cap - n - 1, fp);
    n += got;
    if (got == 0) {
      if (ferror(fp)) *err = errno != 0 ? errno : EIO;
      break;
    }
  }
  fclose(fp);
  if (*err != 0) {
    free(buf);
    return NULL;
  }
  buf[n] = '\0';
  *len = n;
  return buf;
}

/* How many brackets are open at offset off of text (strings skipped). */
static size_t depth_at(const char *text, size_t off) {
  size_t i, depth = 0;
  for (i = 0; i < off; i++) {
    if (text[i] == '"') {
      for (i++; i < off && text[i] != '"'; i++) {
        if (text[i] == '\\') i++;
      }
    } else if (text[i] == '[' || text[i] == '{') {
      depth++;
    } else if ((text[i] == ']' || text[i] == '}') && depth > 0) {
      depth--;
    }
  }
  return depth;
}

/* Report a parse error at pos: line and column (1-based), and the text
 * of that line up to a little after pos. A bracket opened at cJSON's
 * nesting limit is said to be one. */
static int syntax_error(const cfg_ctx *c, const char *text, size_t len,
                        const char *pos) {
  size_t line = 1, col = 1, i, off, begin = 0, end;
  char snippet[72];
  size_t k = 0;
  if (pos == NULL || pos < text || pos > text + len) pos = text + len;
  off = (size_t)(pos - text);
  for (i = 0; i < off; i++) {
    if (text[i] == '\n') {
      line++;
      col = 1;
      begin = i + 1;
    } else {
      col++;
    }
  }
  if (off - begin > 50) begin = off - 50;
  for (end = off; end < len && text[end] != '\n' && end < off + 10; end++) {
  }
  for (i = begin; i < end && k + 1 < sizeof snippet; i++) {
    if (k == 0 && (text[i] == ' ' || text[i] == '\t')) continue;
    snippet[k++] = (text[i] >= 32 && text[i] < 127) ? text[i] : '?';
  }
  snippet[k] = '\0';
  if (off < len && (text[off] == '[' || text[off] == '{') &&
      depth_at(text, off) >= CJSON_NESTING_LIMIT)
    return cfg_fail(c, NULL,
                    "line %zu, column %zu: lists and objects are "
                    "nested more than %d deep, the most the JSON parser "
                    "takes",
                    line, col, CJSON_NESTING_LIMIT);
  if (off >= len)
    return cfg_fail(c, NULL,
                    "line %zu, column %zu: malformed JSON: the "
                    "file ends too early (an unclosed bracket or string?)",
                    line, col);
  return cfg_fail(c, NULL,
                  "line %zu, column %zu: malformed JSON at "
                  "'%s'",
                  line, col, snippet);
}

/* Whether text is only white space. */
static int blank(const char *text, size_t len) {
  size_t i;
  for (i = 0; i < len; i++) {
    if (strchr(" \t\r\n", text[i]) == NULL) return 0;
  }
  return 1;
}

int cli_config_load(const char *path, cli_sim *sim) {
  cfg_ctx c;
  size_t len = 0;
  int err = 0, rc;
  const char *end = NULL;
  cJSON *root;
  char *text = read_file(path, &len, &err);
  memset(&c, 0, sizeof c);
  c.file = path;
  c.sim = sim;
  c.text = text;
  if (text == NULL)
    return cli_error("cannot read config '%s': %s", path, strerror(err));
  if (strlen(text) != len) {
    free(text);
    cfg_fail(&c, NULL, "contains a NUL byte; not a JSON text file");
    return CLI_EXIT_USAGE;
  }
  if (blank(text, len)) {
    free(text);
    cfg_fail(&c, NULL, "is empty (expected a JSON object)");
    return CLI_EXIT_USAGE;
  }
  root = cJSON_ParseWithLengthOpts(text, len + 1, &end, 1);
  if (root == NULL) {
    syntax_error(&c, text, len, end != NULL ? end : cJSON_GetErrorPtr());
    free(text);
    return CLI_EXIT_USAGE;
  }
  sim->config_path = cli_strdup(path);
  sim->config_text = text;
  if (sim->config_path == NULL) {
    cJSON_Delete(root);
    return cli_error("out of memory");
  }
  rc = match_text(&c, root, len);
  if (rc == 0) rc = parse_root(&c, root);
  cJSON_Delete(root);
  free(c.nums);
  free(c.pops);
  return rc == 0 ? 0 : CLI_EXIT_USAGE;
}

/* ------------------------------------------------------------ checks */

const char *cli_where(const cli_sim *sim, const char *path, const char *key,
                      cli_source src, const char *flag, char *buf, size_t len) {
  if (src == CLI_SRC_CONFIG && sim->config_path != NULL) {
    if (key != NULL && key[0] != '\0')
      snprintf(buf, len, "%s: %s.%s", sim->config_path, path, key);
    else
      snprintf(buf, len, "%s: %s", sim->config_path, path);
  } else if (flag != NULL) {
    snprintf(buf, len, "%s", flag);
  } else if (key != NULL && key[0] != '\0') {
    snprintf(buf, len, "%s.%s", path, key);
  } else {
    snprintf(buf, len, "%s", path);
  }
  return buf;
}

/* A per-neuron list must have one value per neuron. */
static int check_len(const cli_sim *sim, const cli_pop_spec *p,
                     const cli_vec *v, const char *path, const char *key,
                     cli_source src, const char *flag) {
  char where[PATH_LEN + 64];
  if (v->n <= 1 || v->n == p->size) return 0;
  cli_where(sim, path, key, src, flag, where, sizeof where);
  return cli_error("%s: has %zu values, expected 1 or %zu (the size of %s)",
                   where, v->n, p->size, p->name != NULL ? p->name : p->path);
}

/* An index and its position, for finding repeats by sorting. */
typedef struct pos_index {
  size_t v, i;
} pos_index;

/* qsort order of pos_index entries: by value, then by position. */
static int cmp_pos_index(const void *pa, const void *pb) {
  const pos_index *a = pa, *b = pb;
  if (a->v != b->v) return (a->v > b->v) - (a->v < b->v);
  return (a->i > b->i) - (a->i < b->i);
}

/* The first position of idx[0..n) whose value an earlier position has,
 * into *pos (SIZE_MAX if none); O(n log n). -1 when out of memory. */
static int first_repeated_index(const size_t *idx, size_t n, size_t *pos) {
  pos_index *k;
  size_t j;
  *pos = SIZE_MAX;
  if (n < 2) return 0;
  if ((k = malloc(n * sizeof *k)) == NULL) return -1;
  for (j = 0; j < n; j++) {
    k[j].v = idx[j];
    k[j].i = j;
  }
  qsort(k, n, sizeof *k, cmp_pos_index);
  for (j = 1; j < n; j++) {
    if (k[j].v == k[j - 1].v && k[j].i < *pos) *pos = k[j].i;
  }
  free(k);
  return 0;
}

/* Parameters, initializers, method and watch list of one population. */
static int check_pop(const cli_sim *sim, const cli_pop_spec *p) {
  char where[PATH_LEN + 64], key[PATH_LEN];
  int i;
  size_t j, twice;
  if (p->model == CLI_MODEL_POISSON && p->freqs.n != 1 && p->freqs.n != p->size)
    return cli_error("%s: has %zu values, expected 1 or %zu (the size)",
                     cli_where(sim, p->path, "freqs", CLI_SRC_CONFIG, NULL,
                               where, sizeof where),
                     p->freqs.n, p->size);
  if (p->model != CLI_MODEL_ADEXIF) return 0;
  for (i = 0; i < ADEX_NPARAMS; i++) {
    const char *name = adex_param_name((adex_param_id)i);
    char flag[32];
    snprintf(key, sizeof key, "params.%s", name);
    snprintf(flag, sizeof flag, "--%s", name);
    if (check_len(sim, p, &p->param[i], p->path, key, p->param_src[i], flag) !=
        0)
      return CLI_EXIT_USAGE;
  }
  if (p->method != NULL) {
    const adex_method *m;
    if (adex_method_find(p->method, &m) != ADEX_OK) {
      if (p->method_src != CLI_SRC_CONFIG)
        return cli_error("%s", adex_errmsg());
      return cli_error("%s: %s",
                       cli_where(sim, p->path, "method", p->method_src,
                                 "--method", where, sizeof where),
                       adex_errmsg());
    }
  }
  for (i = 0; i < 2; i++) {
    const cli_init_spec *in = i == 0 ? &p->V0 : &p->w0;
    const char *k = i == 0 ? "V_initializer" : "w_initializer";
    if (in->src != CLI_SRC_CONFIG) continue;
    cli_where(sim, p->path, k, in->src, NULL, where, sizeof where);
    if (in->init.kind == ADEX_INIT_ARRAY && in->init.len != p->size)
      return cli_error("%s: has %zu values, expected %zu (the size of %s)",
                       where, in->init.len, p->size,
                       p->name != NULL ? p->name : p->path);
    if (adex_init_check(&in->init, p->size, where) != ADEX_OK)
      return cli_error("%s", adex_errmsg());
  }
  cli_where(sim, p->watch_path, NULL,
            p->watch_path[0] != '\0' ? CLI_SRC_CONFIG : CLI_SRC_FLAG, "--watch",
            where, sizeof where);
  if (p->watch_all) return 0;
  if (first_repeated_index(p->watch, p->nwatch, &twice) != 0)
    return cli_error("out of memory");
  for (j = 0; j < p->nwatch; j++) {
    if (p->watch[j] >= p->size)
      return cli_error("%s: neuron %zu out of range (size %zu: 0..%zu)", where,
                       p->watch[j], p->size, p->size - 1);
    if (j == twice)
      return cli_error("%s: neuron %zu listed twice", where, p->watch[j]);
  }
  return 0;
}

/* Input values (a current, R*I in mV) within the library's bound
 * (adex_input_check): key names them after `where`, index j of a list. */
static int check_current(const char *where, const char *key, const cli_vec *v) {
  char name[PATH_LEN + 128];
  size_t j;
  for (j = 0; j < v->n; j++) {
    if (key == NULL)
      snprintf(name, sizeof name, "%s", where);
    else if (v->n == 1)
      snprintf(name, sizeof name, "%s.%s", where, key);
    else
      snprintf(name, sizeof name, "%s.%s[%zu]", where, key, j);
    if (adex_input_check(name, v->v[j]) != ADEX_OK)
      return cli_error("%s", adex_errmsg());
  }
  return 0;
}

/* Per-neuron values and numeric ranges of one input. */
static int check_input(const cli_sim *sim, const cli_input_spec *in) {
  const cli_pop_spec *p = &sim->pops[in->target];
  char where[PATH_LEN + 64];
  size_t i, j;
  const cli_vec *vecs[6];
  const char *keys[6];
  size_t nv = 0;
  const char *flag = in->src == CLI_SRC_FLAG ? "--input" : NULL;
  cli_where(sim, in->path, NULL, in->src, flag, where, sizeof where);
  switch (in->kind) {
  case CLI_IN_CONSTANT:
    vecs[nv] = &in->value;
    keys[nv++] = "value";
    break;
  case CLI_IN_POISSON:
    vecs[nv] = &in->rate;
    keys[nv++] = "rate";
    vecs[nv] = &in->weight;
    keys[nv++] = "weight";
    break;
  case CLI_IN_OU:
    vecs[nv] = &in->mean;
    keys[nv++] = "mean";
    vecs[nv] = &in->sigma;
    keys[nv++] = "sigma";
    break;
  default: break;
  }
  for (i = 0; i < nv; i++) {
    if (check_len(sim, p, vecs[i], in->path, keys[i], in->src, flag) != 0)
      return CLI_EXIT_USAGE;
  }
  for (i = 0; i < in->nsec; i++) {
    char key[40];
    snprintf(key, sizeof key, "values[%zu]", i);
    if (check_len(sim, p, &in->sec_values[i], in->path, key, in->src, flag) !=
        0)
      return CLI_EXIT_USAGE;
    if (check_current(where, key, &in->sec_values[i]) != 0)
      return CLI_EXIT_USAGE;
  }
  /* every value that is a current: the bound of the parameters */
  for (i = 0; i < nv; i++) {
    if (strcmp(keys[i], "rate") == 0) continue;
    if (check_current(where, flag != NULL ? NULL : keys[i], vecs[i]) != 0)
      return CLI_EXIT_USAGE;
  }
  if (in->kind == CLI_IN_RAMP) {
    double f = in->from, t = in->to;
    cli_vec from = {.v = &f, .n = 1}, to = {.v = &t, .n = 1};
    if (check_current(where, "from", &from) != 0 ||
        check_current(where, "to", &to) != 0)
      return CLI_EXIT_USAGE;
  }
  if (in->kind == CLI_IN_POISSON) {
    for (j = 0; j < in->rate.n; j++) {
      double r = in->rate.v[j];
      if (r < 0) return cli_error("%s.rate: must be >= 0 Hz, got %g", where, r);
      if (r * sim->dt / 1000.0 > 1.0)
        return cli_error("%s.rate: rate*dt/1000 must be <= 1 (one event "
                         "per step at most), got %g Hz with dt %g ms",
                         where, r, sim->dt);
    }
  }
  if (in->kind == CLI_IN_OU) {
    if (!(in->tau > 0))
      return cli_error("%s.tau: must be > 0 ms, got %g", where, in->tau);
    for (j = 0; j < in->sigma.n; j++) {
      char name[PATH_LEN + 128];
      if (in->sigma.v[j] < 0)
        return cli_error("%s.sigma: must be >= 0, got %g", where,
                         in->sigma.v[j]);
      /* the process's stationary spread is an input too */
      snprintf(name, sizeof name, "%s: sigma*sqrt(tau/2)", where);
      if (adex_input_check(name, in->sigma.v[j] * sqrt(0.5 * in->tau)) !=
          ADEX_OK)
        return cli_error("%s", adex_errmsg());
    }
  }
  if (in->kind == CLI_IN_RAMP) {
    double t_end = in->t_end < 0 ? sim->duration : in->t_end;
    if (in->t_start < 0)
      return cli_error("%s.t_start: must be >= 0 ms, got %g", where,
                       in->t_start);
    if (t_end < in->t_start)
      return cli_error("%s.t_end: must be >= t_start (%g ms), got %g", where,
                       in->t_start, t_end);
  }
  return 0;
}

int cli_sim_check(const cli_sim *sim) {
  size_t i;
  int rc;
  size_t neurons = 0;
  for (i = 0; i < sim->npops; i++) {
    if ((rc = check_pop(sim, &sim->pops[i])) != 0) return rc;
    neurons += sim->pops[i].model == CLI_MODEL_ADEXIF;
  }
  for (i = 0; i < sim->nprojs; i++) {
    const cli_proj_spec *pr = &sim->projs[i];
    const char *cfgp = sim->config_path != NULL ? sim->config_path : "adex run";
    if (pr->save_synapses && adex_file_kind_of(sim->out) != ADEX_FILE_H5)
      return cli_error("%s: %s.save_synapses: the synapses are written into "
                       "an .h5 output (\"out\"), %s",
                       cfgp, pr->path,
                       sim->out == NULL ? "and there is none"
                                        : "not a .csv or .npy one");
    if (pr->nrec > 0 && sim->out == NULL)
      return cli_error("%s: record.%s: recording needs an output file "
                       "(\"out\")",
                       cfgp, pr->name);
  }
  if (neurons == 0)
    return cli_error("%s: populations: spike sources alone simulate "
                     "nothing; add an AdExIF population",
                     sim->config_path != NULL ? sim->config_path : "adex run");
  for (i = 0; i < sim->ninputs; i++) {
    if ((rc = check_input(sim, &sim->inputs[i])) != 0) return rc;
  }
  adex_file_kind out_kind = adex_file_kind_of(sim->out);
  if (sim->out != NULL && out_kind != ADEX_FILE_H5 &&
      out_kind != ADEX_FILE_CSV && out_kind != ADEX_FILE_NPY) {
    char where[PATH_LEN + 64];
    cli_where(sim, "out", NULL, sim->out_src, "--out", where, sizeof where);
    return cli_error("%s: '%s' has no known extension (.h5, .hdf5, .csv or "
                     ".npy)",
                     where, sim->out);
  }
  return 0;
}
