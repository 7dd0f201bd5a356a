/* cli/common/cli_args.c - strict parsing of numbers, ranges, initializers and index
 * lists given on the adex command line.
 *
 * Everything is all-or-nothing: a string is accepted only if it is consumed
 * completely, numbers must be finite (no "nan", no "inf", no overflow), and
 * integers are plain decimal digits (strtoull would silently wrap "-1").
 */
#include "cli_args.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *cli_prog = "adex";

/* The last message cli_error printed (a rank whose standard error is
 * silenced tells it again when it alone failed: cli/run/cli_dist.c). */
static char last_error[1024];

const char *cli_last_error(void) { return last_error; }

int cli_error(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(last_error, sizeof last_error, fmt, ap);
  va_end(ap);
  fprintf(stderr, "%s: %s\n", cli_prog, last_error);
  return 2; /* CLI_EXIT_USAGE */
}

/* Read one finite number at the start of s; *end gets the first char after. */
static int scan_double(const char *s, double *out, const char **end) {
  char *stop = NULL;
  double v;
  if (s[0] == '\0' || isspace((unsigned char)s[0])) return -1;
  errno = 0;
  v = strtod(s, &stop);
  if (stop == s || !isfinite(v)) return -1;
  *out = v;
  *end = stop;
  return 0;
}

/* Whether s is a non-empty string of decimal digits. */
static int all_digits(const char *s) {
  if (*s == '\0') return 0;
  for (; *s != '\0'; s++) {
    if (!isdigit((unsigned char)*s)) return 0;
  }
  return 1;
}

/* Parse a finite number that makes up all of s. */
int cli_parse_double(const char *s, double *out) {
  const char *end = NULL;
  double v;
  if (scan_double(s, &v, &end) != 0 || *end != '\0') return -1;
  *out = v;
  return 0;
}

/* Parse a plain decimal unsigned 64-bit integer. */
int cli_parse_u64(const char *s, uint64_t *out) {
  unsigned long long v;
  if (!all_digits(s)) return -1;
  errno = 0;
  v = strtoull(s, NULL, 10);
  if (errno == ERANGE) return -1;
#if ULLONG_MAX > UINT64_MAX
  if (v > UINT64_MAX) return -1;
#endif
  *out = (uint64_t)v;
  return 0;
}

/* Parse a plain decimal count that fits size_t. */
int cli_parse_size(const char *s, size_t *out) {
  uint64_t v;
  if (cli_parse_u64(s, &v) != 0 || v > SIZE_MAX) return -1;
  *out = (size_t)v;
  return 0;
}

/* Parse "X" or "LO:HI". */
int cli_parse_range(const char *s, cli_range *out) {
  const char *end = NULL;
  double lo, hi;
  if (scan_double(s, &lo, &end) != 0) return -1;
  if (*end == '\0') {
    out->lo = lo;
    out->hi = lo;
    out->is_range = 0;
    return 0;
  }
  if (*end != ':' || cli_parse_double(end + 1, &hi) != 0) return -1;
  out->lo = lo;
  out->hi = hi;
  out->is_range = 1;
  return 0;
}

/* Value of neuron i of n: LO + (HI-LO)*i/(n-1), evaluated in that order. */
double cli_range_at(const cli_range *r, size_t i, size_t n) {
  if (!r->is_range || n < 2) return r->lo;
  return r->lo + (r->hi - r->lo) * (double)i / (double)(n - 1);
}

/* Parse the "A:B" part of "uniform:A:B" / "normal:A:B" (two numbers). */
static int parse_pair(const char *s, double *a, double *b) {
  cli_range r;
  if (cli_parse_range(s, &r) != 0 || !r.is_range) return -1;
  *a = r.lo;
  *b = r.hi;
  return 0;
}

/* Parse an initializer spec (seed left 0). */
int cli_parse_init(const char *s, adex_init *out) {
  static const char uni[] = "uniform:";
  static const char nor[] = "normal:";
  double a, b;
  if (strcmp(s, "zero") == 0) {
    *out = adex_init_zero();
  } else if (strncmp(s, uni, sizeof uni - 1) == 0) {
    if (parse_pair(s + sizeof uni - 1, &a, &b) != 0) return -1;
    *out = adex_init_uniform(a, b, 0);
  } else if (strncmp(s, nor, sizeof nor - 1) == 0) {
    if (parse_pair(s + sizeof nor - 1, &a, &b) != 0) return -1;
    *out = adex_init_normal(a, b, 0);
  } else {
    if (cli_parse_double(s, &a) != 0) return -1;
    *out = adex_init_constant(a);
  }
  return 0;
}

/* Parse the decimal index in s[0..len); -1 if empty, not digits or too big. */
static int parse_index(const char *s, size_t len, size_t *out) {
  size_t v = 0;
  size_t i;
  if (len == 0) return -1;
  for (i = 0; i < len; i++) {
    size_t d;
    if (!isdigit((unsigned char)s[i])) return -1;
    d = (size_t)(s[i] - '0');
    if (v > (SIZE_MAX - d) / 10) return -1;
    v = v * 10 + d;
  }
  *out = v;
  return 0;
}

/* qsort comparison of two size_t values. */
static int cmp_size(const void *pa, const void *pb) {
  size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
  return (a > b) - (a < b);
}

/* Find a value listed twice in idx[0..count); 0 if none, else 1 and *dup. */
static int find_duplicate(const size_t *idx, size_t count, size_t *dup,
                          int *nomem) {
  size_t *sorted;
  size_t i;
  int found = 0;
  *nomem = 0;
  if (count < 2) return 0;
  sorted = malloc(count * sizeof *sorted);
  if (sorted == NULL) {
    *nomem = 1;
    return 0;
  }
  memcpy(sorted, idx, count * sizeof *sorted);
  qsort(sorted, count, sizeof *sorted, cmp_size);
  for (i = 1; i < count && !found; i++) {
    if (sorted[i] == sorted[i - 1]) {
      *dup = sorted[i];
      found = 1;
    }
  }
  free(sorted);
  return found;
}

/* Split s at commas into idx[0..*count), each checked against n. */
static int fill_indices(const char *s, size_t n, size_t *idx, size_t *count,
                        char *err, size_t errlen) {
  const char *p = s;
  size_t k = 0;
  for (;;) {
    const char *comma = strchr(p, ',');
    size_t len = comma != NULL ? (size_t)(comma - p) : strlen(p);
    if (parse_index(p, len, &idx[k]) != 0) {
      snprintf(err, errlen, "expected 'all' or indices like 0,3,7, got '%s'",
               s);
      return -1;
    }
    if (idx[k] >= n) {
      snprintf(err, errlen, "neuron %zu out of range (size %zu: 0..%zu)",
               idx[k], n, n - 1);
      return -1;
    }
    k++;
    if (comma == NULL) break;
    p = comma + 1;
  }
  *count = k;
  return 0;
}

/* Parse "all" or a duplicate-free list of indices below n. */
int cli_parse_index_list(const char *s, size_t n, int *all, size_t **idx,
                         size_t *count, char *err, size_t errlen) {
  size_t cap = 1, got = 0, dup = 0;
  size_t *list;
  const char *p;
  int nomem = 0;
  if (strcmp(s, "all") == 0) {
    *all = 1;
    *idx = NULL;
    *count = 0;
    return 0;
  }
  for (p = s; *p != '\0'; p++) cap += (*p == ',');
  list = malloc(cap * sizeof *list);
  if (list == NULL) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  if (fill_indices(s, n, list, &got, err, errlen) != 0) {
    free(list);
    return -1;
  }
  if (find_duplicate(list, got, &dup, &nomem) || nomem) {
    if (nomem)
      snprintf(err, errlen, "out of memory");
    else
      snprintf(err, errlen, "neuron %zu listed twice in '%s'", dup, s);
    free(list);
    return -1;
  }
  *all = 0;
  *idx = list;
  *count = got;
  return 0;
}
