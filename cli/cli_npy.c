/* cli/cli_npy.c - read and write the header of .npy files (numpy NEP 1).
 *
 * The header dict is parsed by looking for its three keys rather than by a
 * general Python-literal parser: numpy always writes exactly 'descr',
 * 'fortran_order' and 'shape', and nothing else is accepted.
 */
#include "cli_npy.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static const unsigned char magic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};

/* Skip spaces. */
static const char *skip_ws(const char *p) {
  while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++;
  return p;
}

/* Find 'key' (quoted) in dict and return the position after its ':'. */
static const char *find_key(const char *dict, const char *key) {
  char quoted[32];
  const char *p;
  snprintf(quoted, sizeof quoted, "'%s'", key);
  p = strstr(dict, quoted);
  if (p == NULL) {
    snprintf(quoted, sizeof quoted, "\"%s\"", key);
    p = strstr(dict, quoted);
  }
  if (p == NULL) return NULL;
  p = skip_ws(p + strlen(quoted));
  if (*p != ':') return NULL;
  return skip_ws(p + 1);
}

/* Parse the dict text into h. */
static int parse_dict(const char *dict, cli_npy_header *h, char *err,
                      size_t errlen) {
  const char *p = find_key(dict, "descr"), *q;
  size_t n;
  if (p != NULL && *p == '[') {
    snprintf(err, errlen, "npy header: a structured dtype (record fields) "
             "is not supported; a plain numeric array is expected");
    return -1;
  }
  if (p == NULL || (*p != '\'' && *p != '"')) {
    snprintf(err, errlen, "npy header has no 'descr' string");
    return -1;
  }
  q = strchr(p + 1, *p);
  if (q == NULL || (size_t)(q - p - 1) >= sizeof h->descr) {
    snprintf(err, errlen, "npy header: bad or unsupported 'descr'");
    return -1;
  }
  memcpy(h->descr, p + 1, (size_t)(q - p - 1));
  h->descr[q - p - 1] = '\0';
  p = find_key(dict, "fortran_order");
  if (p == NULL || (strncmp(p, "True", 4) != 0 && strncmp(p, "False", 5) != 0)) {
    snprintf(err, errlen, "npy header has no 'fortran_order' True/False");
    return -1;
  }
  h->fortran_order = p[0] == 'T';
  p = find_key(dict, "shape");
  if (p == NULL || *p != '(') {
    snprintf(err, errlen, "npy header has no 'shape' tuple");
    return -1;
  }
  p = skip_ws(p + 1);
  n = 0;
  while (*p != ')') {
    char *end;
    unsigned long long v;
    if (!isdigit((unsigned char)*p) || n == CLI_NPY_MAX_DIM) {
      snprintf(err, errlen, "npy header: bad or unsupported 'shape'");
      return -1;
    }
    v = strtoull(p, &end, 10);
    h->shape[n++] = (uint64_t)v;
    p = skip_ws(end);
    if (*p == ',') p = skip_ws(p + 1);
    else if (*p != ')') {
      snprintf(err, errlen, "npy header: bad 'shape'");
      return -1;
    }
  }
  h->ndim = n;
  return 0;
}

int cli_npy_parse(const unsigned char *buf, size_t len, cli_npy_header *h,
                  size_t *need, char *err, size_t errlen) {
  size_t hlen, pre;
  char *dict;
  int rc;
  memset(h, 0, sizeof *h);
  if (len < 10) {
    *need = 12;
    if (len >= 6 && memcmp(buf, magic, 6) != 0) goto not_npy;
    return 1;
  }
  if (memcmp(buf, magic, 6) != 0) goto not_npy;
  h->major = buf[6];
  h->minor = buf[7];
  if (h->major == 1) {
    pre = 10;
    hlen = (size_t)buf[8] | ((size_t)buf[9] << 8);
  } else if (h->major == 2 || h->major == 3) {
    if (len < 12) {
      *need = 12;
      return 1;
    }
    pre = 12;
    hlen = (size_t)buf[8] | ((size_t)buf[9] << 8) | ((size_t)buf[10] << 16) |
           ((size_t)buf[11] << 24);
    if (hlen > (1u << 24)) {
      snprintf(err, errlen, "npy header of %zu bytes is implausible", hlen);
      return -1;
    }
  } else {
    snprintf(err, errlen, "npy format version %d.%d is not supported",
             h->major, h->minor);
    return -1;
  }
  if (len < pre + hlen) {
    *need = pre + hlen;
    return 1;
  }
  dict = malloc(hlen + 1);
  if (dict == NULL) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  memcpy(dict, buf + pre, hlen);
  dict[hlen] = '\0';
  rc = parse_dict(dict, h, err, errlen);
  free(dict);
  h->data_offset = pre + hlen;
  return rc;
not_npy:
  snprintf(err, errlen, "not an .npy file (no \\x93NUMPY magic)");
  return -1;
}

int cli_npy_read_header(FILE *fp, cli_npy_header *h, char *err,
                        size_t errlen) {
  unsigned char *buf = NULL;
  size_t have = 0, need = 12;
  int rc = -1, round;
  for (round = 0; round < 3; round++) {
    unsigned char *grown = realloc(buf, need);
    if (grown == NULL) {
      snprintf(err, errlen, "out of memory");
      rc = -1;
      break;
    }
    buf = grown;
    have += fread(buf + have, 1, need - have, fp);
    rc = cli_npy_parse(buf, have, h, &need, err, errlen);
    if (rc != 1) break;
    if (need <= have || feof(fp) || ferror(fp)) {
      snprintf(err, errlen, "file ends inside the npy header");
      rc = -1;
      break;
    }
  }
  free(buf);
  if (rc != 0) return -1;
  if (fseek(fp, (long)h->data_offset, SEEK_SET) != 0) {
    snprintf(err, errlen, "cannot seek past the npy header");
    return -1;
  }
  return 0;
}

const char *cli_npy_shape_str(size_t ndim, const uint64_t *shape, char *buf,
                              size_t len) {
  size_t i, used = 0;
  int w = snprintf(buf, len, "(");
  used = w > 0 ? (size_t)w : 0;
  for (i = 0; i < ndim && used < len; i++) {
    w = snprintf(buf + used, len - used, "%s%llu", i > 0 ? ", " : "",
                 (unsigned long long)shape[i]);
    if (w < 0) break;
    used += (size_t)w;
  }
  if (used < len)
    snprintf(buf + used, len - used, "%s)", ndim == 1 ? "," : "");
  return buf;
}

int cli_npy_write_header(FILE *fp, const char *descr, size_t ndim,
                         const uint64_t *shape) {
  char dict[CLI_NPY_HEADER_BYTES], sh[96];
  unsigned char pre[10];
  size_t hlen = CLI_NPY_HEADER_BYTES - 10, n;
  int w;
  cli_npy_shape_str(ndim, shape, sh, sizeof sh);
  w = snprintf(dict, sizeof dict,
               "{'descr': '%s', 'fortran_order': False, 'shape': %s, }",
               descr, sh);
  if (w < 0 || (size_t)w + 1 > hlen) return -1;
  n = (size_t)w;
  memset(dict + n, ' ', hlen - n - 1);
  dict[hlen - 1] = '\n';
  memcpy(pre, magic, 6);
  pre[6] = 1;
  pre[7] = 0;
  pre[8] = (unsigned char)(hlen & 0xff);
  pre[9] = (unsigned char)(hlen >> 8);
  if (fwrite(pre, 1, 10, fp) != 10 || fwrite(dict, 1, hlen, fp) != hlen)
    return -1;
  return 0;
}

size_t cli_npy_itemsize(const char *descr) {
  const char *p = descr;
  while (*p != '\0' && !isdigit((unsigned char)*p)) p++;
  if (*p == '\0') return 0;
  return (size_t)strtoul(p, NULL, 10);
}
