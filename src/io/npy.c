/* npy.c - numpy's .npy header (npy.h): the parser and the writer shared
 * by the .npz state files and the adex program. */
#include "npy.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const unsigned char npy_magic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};

/* ------------------------------------------------------------ the dict */

/* A cursor over the header text. */
typedef struct cursor {
  const char *p, *end;
} cursor;

static void skip_ws(cursor *c) {
  while (c->p < c->end &&
         (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
    c->p++;
}

/* Consume character ch (after whitespace); false if it is not there. */
static bool eat(cursor *c, char ch) {
  skip_ws(c);
  if (c->p < c->end && *c->p == ch) {
    c->p++;
    return true;
  }
  return false;
}

/* A quoted string without escapes into out[size]. */
static bool parse_string(cursor *c, char *out, size_t size) {
  skip_ws(c);
  if (c->p >= c->end || (*c->p != '\'' && *c->p != '"')) return false;
  char q = *c->p++;
  size_t n = 0;
  while (c->p < c->end && *c->p != q) {
    if (*c->p == '\\' || n + 1 >= size) return false;
    out[n++] = *c->p++;
  }
  if (c->p >= c->end) return false;
  c->p++;
  out[n] = '\0';
  return true;
}

/* A bare word (True, False) equal to w. */
static bool parse_word(cursor *c, const char *w) {
  skip_ws(c);
  size_t n = strlen(w);
  if ((size_t)(c->end - c->p) < n || memcmp(c->p, w, n) != 0) return false;
  c->p += n;
  return true;
}

/* A tuple of non-negative integers; (3) is not a tuple, (3,) is. */
static bool parse_shape(cursor *c, adex__npy_header *h) {
  if (!eat(c, '(')) return false;
  h->ndim = 0;
  bool comma = false;
  for (;;) {
    skip_ws(c);
    if (eat(c, ')')) break;
    if (c->p >= c->end || *c->p < '0' || *c->p > '9') return false;
    unsigned long long v = 0;
    while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
      unsigned digit = (unsigned)(*c->p++ - '0');
      if (v > (ULLONG_MAX - digit) / 10) return false;
      v = v * 10 + digit;
    }
    if (h->ndim == ADEX__NPY_MAX_DIM) return false;
    h->shape[h->ndim++] = v;
    comma = eat(c, ',');
    if (!comma) {
      if (!eat(c, ')')) return false;
      break;
    }
  }
  return h->ndim != 1 || comma;
}

/* Parse the dict of a header (text[0..len)): the three keys once each. */
static bool parse_dict(const char *text, size_t len, adex__npy_header *h,
                       bool *structured) {
  cursor c = {text, text + len};
  bool seen_descr = false, seen_order = false, seen_shape = false;
  if (!eat(&c, '{')) return false;
  for (;;) {
    if (eat(&c, '}')) break;
    char key[32];
    if (!parse_string(&c, key, sizeof key) || !eat(&c, ':')) return false;
    if (strcmp(key, "descr") == 0 && !seen_descr) {
      skip_ws(&c);
      *structured = c.p < c.end && *c.p == '[';
      seen_descr = parse_string(&c, h->descr, sizeof h->descr);
      if (!seen_descr) return false;
    } else if (strcmp(key, "fortran_order") == 0 && !seen_order) {
      if (parse_word(&c, "True"))
        h->fortran = true;
      else if (parse_word(&c, "False"))
        h->fortran = false;
      else
        return false;
      seen_order = true;
    } else if (strcmp(key, "shape") == 0 && !seen_shape) {
      if (!parse_shape(&c, h)) return false;
      seen_shape = true;
    } else {
      return false; /* an unknown or repeated key, as numpy refuses */
    }
    if (!eat(&c, ',')) {
      if (!eat(&c, '}')) return false;
      break;
    }
  }
  skip_ws(&c);
  return c.p == c.end && seen_descr && seen_order && seen_shape;
}

/* ------------------------------------------------------------ parse */

int adex__npy_parse(const unsigned char *buf, size_t len, adex__npy_header *h,
                    size_t *need, char *err, size_t errlen) {
  memset(h, 0, sizeof *h);
  size_t magic_len = len < 6 ? len : 6;
  if (memcmp(buf, npy_magic, magic_len) != 0) {
    snprintf(err, errlen, "not an .npy file (no npy magic \\x93NUMPY)");
    return -1;
  }
  if (len < 10) {
    *need = 10;
    return 1;
  }
  h->major = buf[6];
  h->minor = buf[7];
  size_t pre, hlen;
  if (h->major == 1 && h->minor == 0) {
    pre = 10;
    hlen = (size_t)buf[8] | (size_t)buf[9] << 8;
  } else if ((h->major == 2 || h->major == 3) && h->minor == 0) {
    if (len < 12) {
      *need = 12;
      return 1;
    }
    pre = 12;
    hlen = (size_t)buf[8] | (size_t)buf[9] << 8 | (size_t)buf[10] << 16 |
           (size_t)buf[11] << 24;
  } else {
    snprintf(err, errlen, "npy format version %d.%d is not supported", h->major,
             h->minor);
    return -1;
  }
  if (hlen > ADEX__NPY_HEADER_MAX) {
    snprintf(err, errlen,
             "npy header of %zu bytes is implausible (at most "
             "%d)",
             hlen, ADEX__NPY_HEADER_MAX);
    return -1;
  }
  if (len < pre + hlen) {
    *need = pre + hlen;
    return 1;
  }
  bool structured = false;
  if (!parse_dict((const char *)buf + pre, hlen, h, &structured)) {
    if (structured)
      snprintf(err, errlen,
               "npy header: a structured dtype (record fields) "
               "is not supported; a plain numeric array is expected");
    else
      snprintf(err, errlen, "malformed npy header");
    return -1;
  }
  h->data_offset = pre + hlen;
  return 0;
}

/* ------------------------------------------------------------ write */

const char *adex__npy_shape_str(size_t ndim, const unsigned long long *shape,
                                char *buf, size_t len) {
  size_t used = 0;
  int w = snprintf(buf, len, "(");
  used = w > 0 ? (size_t)w : 0;
  for (size_t i = 0; i < ndim && used < len; i++) {
    w = snprintf(buf + used, len - used, "%s%llu", i > 0 ? ", " : "", shape[i]);
    if (w < 0) break;
    used += (size_t)w;
  }
  if (used < len) snprintf(buf + used, len - used, "%s)", ndim == 1 ? "," : "");
  return buf;
}

size_t adex__npy_format_header(const char *descr, size_t ndim,
                               const unsigned long long *shape,
                               size_t exact_total, unsigned char *buf,
                               size_t cap) {
  char dict[768], sh[ADEX__NPY_MAX_DIM * 22 + 8];
  adex__npy_shape_str(ndim, shape, sh, sizeof sh);
  int w = snprintf(dict, sizeof dict,
                   "{'descr': '%s', 'fortran_order': False, 'shape': %s, }",
                   descr, sh);
  if (w < 0 || (size_t)w >= sizeof dict) return 0;
  size_t n = (size_t)w, total;
  if (exact_total > 0) {
    total = exact_total;
  } else {
    /* numpy: room for the first extent to grow to GROWTH_AXIS_MAX_DIGITS
     * digits, then 1..ALIGN spaces so that the data starts aligned */
    if (ndim > 0) {
      char digits[32];
      int nd = snprintf(digits, sizeof digits, "%llu", shape[0]);
      if (nd < ADEX__NPY_GROWTH_DIGITS)
        n += (size_t)(ADEX__NPY_GROWTH_DIGITS - nd);
    }
    size_t pad = ADEX__NPY_ALIGN - (10 + n + 1) % ADEX__NPY_ALIGN;
    total = 10 + n + pad + 1;
  }
  if (total < 10 + (size_t)w + 1 || total > cap || total - 10 > 0xffff)
    return 0;
  memcpy(buf, npy_magic, 6);
  buf[6] = 1;
  buf[7] = 0;
  buf[8] = (unsigned char)((total - 10) & 0xff);
  buf[9] = (unsigned char)((total - 10) >> 8);
  memcpy(buf + 10, dict, (size_t)w);
  memset(buf + 10 + w, ' ', total - 10 - (size_t)w - 1);
  buf[total - 1] = '\n';
  return total;
}

/* ------------------------------------------------------------ descr */

size_t adex__npy_itemsize(const char *descr) {
  const char *p = descr;
  while (*p != '\0' && (*p < '0' || *p > '9')) p++;
  if (*p == '\0') return 0;
  return (size_t)strtoul(p, NULL, 10);
}

void adex__npy_descr_name(const char *d, char *out, size_t size) {
  static const struct {
    char kind;
    const char *name;
  } kinds[] = {{'b', "bool"},
               {'i', "int"},
               {'u', "uint"},
               {'f', "float"},
               {'c', "complex"}};
  size_t len = strlen(d);
  if (len >= 3 && strchr("<>|=", d[0]) != NULL && len <= 4) {
    char *end = NULL;
    unsigned long bytes = strtoul(d + 2, &end, 10);
    for (size_t k = 0; end != NULL && *end == '\0' && bytes > 0 &&
                       k < sizeof kinds / sizeof kinds[0];
         k++) {
      if (kinds[k].kind != d[1]) continue;
      const char *order = d[0] == '>' && bytes > 1 ? " (big-endian)" : "";
      if (d[1] == 'b')
        snprintf(out, size, "bool%s", bytes == 1 ? "" : " of odd size");
      else
        snprintf(out, size, "%s%lu%s", kinds[k].name, 8 * bytes, order);
      return;
    }
  }
  snprintf(out, size, "'%.40s'", d);
}
