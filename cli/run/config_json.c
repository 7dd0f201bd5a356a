/* cli/run/config_json.c - the strict walk of a JSON config: every
 * object's keys checked against the schema (an unknown key lists the valid
 * ones, a key given twice is an error), every value's type checked, every
 * message naming the JSON path of the value; numbers read from their
 * literal (integers exact up to 2^64 - 1). Keys starting with '_' and
 * "comment" are notes, ignored everywhere. */
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

/* Print "<prog>: FILE: PATH: message"; returns -1. */
int cfg_fail(const cfg_ctx *c, const char *path, const char *fmt, ...) {
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
const char *cfg_type_name(const cJSON *item) {
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
void cfg_join_key(char *out, const char *path, const char *key) {
  size_t n = 0;
  out[0] = '\0';
  append(out, &n, path);
  if (path[0] != '\0') append(out, &n, ".");
  append(out, &n, key);
}

/* path + "[i]" into out. */
void cfg_join_index(char *out, const char *path, size_t i) {
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
int cfg_is_note(const char *key) {
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
int cfg_first_repeat_of(keyed *k, size_t n, size_t *pos, size_t *orig) {
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
int cfg_first_repeat(const cfg_ctx *c, const cJSON *obj, const char *path,
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
  if (cfg_first_repeat_of(k, n, &pos, &orig))
    for (*out = obj->child; pos > 0; pos--) *out = (*out)->next;
  free(k);
  return 0;
}

/* Check that obj is an object whose keys are all in allowed (NULL-ended)
 * and none is given twice. */
int cfg_check_keys(const cfg_ctx *c, const cJSON *obj, const char *path,
                   const char *const *allowed) {
  const cJSON *it, *twice;
  if (!cJSON_IsObject(obj))
    return cfg_fail(c, path, "must be an object, got %s", cfg_type_name(obj));
  if (cfg_first_repeat(c, obj, path, &twice) != 0) return -1;
  for (it = obj->child; it != NULL; it = it->next) {
    size_t i;
    int ok = 0;
    char sub[PATH_LEN];
    cfg_join_key(sub, path, it->string);
    if (it == twice) return cfg_fail(c, sub, "given twice");
    if (cfg_is_note(it->string)) continue;
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
int cfg_number(const cfg_ctx *c, const cJSON *item, const char *path,
               double *out) {
  if (!cJSON_IsNumber(item))
    return cfg_fail(c, path, "must be a number, got %s", cfg_type_name(item));
  if (!isfinite(item->valuedouble))
    return cfg_fail(c, path, "must be a finite number");
  *out = item->valuedouble;
  return 0;
}

/* qsort and bsearch order of num_lit entries: by item address. */
int cfg_cmp_num_lit(const void *pa, const void *pb) {
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
  hit = bsearch(&key, c->nums, c->nnums, sizeof key, cfg_cmp_num_lit);
  return hit != NULL ? c->text + hit->off : NULL;
}

/* Whether ch can be part of a JSON number literal. */
int cfg_in_number(char ch) {
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
  while (cfg_in_number(lit[n]) && n < 40) n++;
  snprintf(buf, len, "%.*s%s", (int)n, lit, cfg_in_number(lit[n]) ? "..." : "");
  return buf;
}

/* A non-negative integer: below 2^64 when written with digits only (read
 * exactly from the text, as seeds need), below 2^53 otherwise (1e3, 5.0:
 * read as a double). */
int cfg_u64(const cfg_ctx *c, const cJSON *item, const char *path,
            uint64_t *out) {
  double v = 0;
  const char *lit, *d;
  char buf[64];
  uint64_t x = 0;
  int neg;
  if (cfg_number(c, item, path, &v) != 0) return -1;
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
int cfg_vec(const cfg_ctx *c, const cJSON *item, const char *path,
            cli_vec *out) {
  size_t n, i = 0;
  const cJSON *it;
  double *vals;
  if (cJSON_IsNumber(item)) {
    double v = 0;
    if (cfg_number(c, item, path, &v) != 0) return -1;
    if (cli_vec_set(out, &v, 1) != 0) return cfg_fail(c, path, "out of memory");
    return 0;
  }
  if (!cJSON_IsArray(item))
    return cfg_fail(c, path, "must be a number or a list of numbers, got %s",
                    cfg_type_name(item));
  n = (size_t)cJSON_GetArraySize(item);
  if (n == 0) return cfg_fail(c, path, "must not be an empty list");
  vals = malloc(n * sizeof *vals);
  if (vals == NULL) return cfg_fail(c, path, "out of memory");
  for (it = item->child; it != NULL; it = it->next, i++) {
    char sub[PATH_LEN];
    cfg_join_index(sub, path, i);
    if (cfg_number(c, it, sub, &vals[i]) != 0) {
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
int cfg_string(const cfg_ctx *c, const cJSON *item, const char *path,
               const char **out) {
  if (!cJSON_IsString(item) || item->valuestring == NULL)
    return cfg_fail(c, path, "must be a string, got %s", cfg_type_name(item));
  if (item->valuestring[0] == '\0')
    return cfg_fail(c, path, "must not be empty");
  *out = item->valuestring;
  return 0;
}

/* obj[key] or NULL (keys are case-sensitive). */
const cJSON *cfg_member(const cJSON *obj, const char *key) {
  return cJSON_GetObjectItemCaseSensitive(obj, key);
}

/* A required member; fails naming it when missing. */
const cJSON *cfg_require(const cfg_ctx *c, const cJSON *obj, const char *path,
                         const char *key) {
  const cJSON *it = cfg_member(obj, key);
  if (it == NULL) {
    char sub[PATH_LEN];
    cfg_join_key(sub, path, key);
    cfg_fail(c, sub, "missing (required)");
  }
  return it;
}
