/* state_npz.c - state files in numpy's .npz format: a zip archive of
 * <key>.npy members, as numpy.savez writes them.
 *
 * npy format (numpy/lib/format.py, "NEP 1"): the magic "\x93NUMPY", a major
 * and minor version byte, the header length (2 bytes little-endian in 1.0,
 * 4 bytes in 2.0 and 3.0), then the header: the repr of a Python dict
 * {'descr': ..., 'fortran_order': ..., 'shape': (...), } padded with spaces
 * and a final newline so that the data starts at a multiple of 64 bytes.
 * We write exactly what numpy 1.24 writes (version 1.0, the same padding,
 * including the room numpy leaves to grow the first extent), so a member is
 * byte for byte numpy.save's output.
 *
 * The archive is built and parsed in memory with libzip: members are
 * stored uncompressed (ZIP_STORED, as np.savez), with a fixed timestamp so
 * the same state gives the same file. Reading checks each member's CRC-32
 * (libzip verifies it when a member is read to its end).
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "state_internal.h"

/* numpy's constants: the alignment of the data and the digits reserved for
 * growing the first extent in place (GROWTH_AXIS_MAX_DIGITS). */
#define NPY_ALIGN 64
#define NPY_GROWTH_DIGITS 21

/* Longest npy header we read (numpy >= 1.24 refuses above 10000 unless
 * told otherwise). */
#define NPY_HEADER_MAX 65536

/* The timestamp of every member (2000-01-01 00:00:00 UTC). */
#define NPZ_MTIME 946684800

static const char npy_magic[6] = {'\x93', 'N', 'U', 'M', 'P', 'Y'};

/* Whether this machine stores doubles little-endian. */
static bool host_is_le(void) {
  const uint16_t one = 1;
  unsigned char b;
  memcpy(&b, &one, 1);
  return b == 1;
}

/* Reverse the bytes of each of n items of `width` bytes in place. */
static void swap_bytes(unsigned char *p, size_t n, size_t width) {
  for (size_t i = 0; i < n; i++, p += width)
    for (size_t a = 0, b = width - 1; a < b; a++, b--) {
      unsigned char t = p[a];
      p[a] = p[b];
      p[b] = t;
    }
}

/* ------------------------------------------------------------------ save */

/* The npy 1.0 header (magic to newline) of an entry into buf; its length,
 * a multiple of NPY_ALIGN. buf must hold 512 bytes. */
static size_t npy_header(const adex__state_entry *e, unsigned char *buf) {
  char dict[320];
  int n = snprintf(dict, sizeof dict,
                   "{'descr': '%s', 'fortran_order': False, 'shape': (",
                   e->dtype == ADEX_DTYPE_F64   ? "<f8"
                   : e->dtype == ADEX_DTYPE_F32 ? "<f4"
                                                : "|b1");
  for (size_t d = 0; d < e->ndim; d++)
    n += snprintf(dict + n, sizeof dict - (size_t)n, "%s%zu", d ? ", " : "",
                  e->shape[d]);
  n += snprintf(dict + n, sizeof dict - (size_t)n, "%s), }",
                e->ndim == 1 ? "," : "");
  if (e->ndim > 0) {
    char digits[32];
    int nd = snprintf(digits, sizeof digits, "%zu", e->shape[0]);
    for (int k = nd; k < NPY_GROWTH_DIGITS; k++) dict[n++] = ' ';
  }
  /* Pad with spaces so that magic + version + length + dict + newline is
   * a multiple of NPY_ALIGN; numpy pads by 1..NPY_ALIGN spaces. */
  size_t hlen = (size_t)n + 1;
  size_t pad = NPY_ALIGN - (10 + hlen) % NPY_ALIGN;
  size_t total = 10 + (size_t)n + pad + 1;
  memcpy(buf, npy_magic, 6);
  buf[6] = 1;
  buf[7] = 0;
  buf[8] = (unsigned char)((total - 10) & 0xff);
  buf[9] = (unsigned char)((total - 10) >> 8);
  memcpy(buf + 10, dict, (size_t)n);
  memset(buf + 10 + n, ' ', pad);
  buf[total - 1] = '\n';
  return total;
}

/* Bytes of an entry's data in the file: its dtype's, little-endian. */
static size_t data_bytes(const adex__state_entry *e) {
  return e->count * adex_dtype_size(e->dtype);
}

/* Record a libzip failure. */
static adex_status zip_fail(const adex__state *s, const char *what,
                            zip_error_t *ze) {
  return adex__state_fail(s, ADEX_EFORMAT, "%s (libzip: %s)", what,
                          zip_error_strerror(ze));
}

/* Build the archive of the member images into a block from s->alloc. */
static adex_status build_zip(const adex__state *s, unsigned char *members,
                             const size_t *offsets, unsigned char **image,
                             size_t *size) {
  zip_error_t ze;
  zip_error_init(&ze);
  adex_status st = ADEX_OK;
  zip_source_t *out = zip_source_buffer_create(NULL, 0, 0, &ze);
  zip_t *za = out != NULL ? zip_open_from_source(out, ZIP_CREATE |
                                                 ZIP_TRUNCATE, &ze)
                          : NULL;
  if (za == NULL) {
    st = zip_fail(s, "cannot create a zip archive", &ze);
    if (out != NULL) zip_source_free(out);
    zip_error_fini(&ze);
    return st;
  }
  zip_source_keep(out);
  for (size_t i = 0, k = 0; st == ADEX_OK && i < s->n; i++) {
    const adex__state_entry *e = &s->e[i];
    if (!e->selected) continue;
    char name[ADEX_STATE_KEY_MAX + 8];
    snprintf(name, sizeof name, "%s.npy", e->key);
    zip_source_t *m = zip_source_buffer(za, members + offsets[k],
                                        offsets[k + 1] - offsets[k], 0);
    zip_int64_t idx = m != NULL ? zip_file_add(za, name, m, ZIP_FL_ENC_UTF_8)
                                : -1;
    if (idx < 0 && m != NULL) zip_source_free(m);
    if (idx < 0 ||
        zip_set_file_compression(za, (zip_uint64_t)idx, ZIP_CM_STORE, 0) < 0 ||
        zip_file_set_mtime(za, (zip_uint64_t)idx, (time_t)NPZ_MTIME, 0) < 0)
      st = zip_fail(s, "cannot add a zip member", zip_get_error(za));
    k++;
  }
  if (st == ADEX_OK && zip_close(za) < 0) {
    st = zip_fail(s, "cannot write the zip archive", zip_get_error(za));
    zip_discard(za);
  } else if (st != ADEX_OK) {
    zip_discard(za);
  }
  /* Copy the archive out of libzip's buffer source. */
  zip_stat_t zs;
  unsigned char *buf = NULL;
  size_t len = 0;
  if (st == ADEX_OK) {
    zip_stat_init(&zs);
    if (zip_source_open(out) < 0) {
      st = zip_fail(s, "cannot read the zip archive", zip_source_error(out));
    } else {
      if (zip_source_stat(out, &zs) < 0 || !(zs.valid & ZIP_STAT_SIZE) ||
          zs.size == 0 || zs.size > (zip_uint64_t)(PTRDIFF_MAX / 2))
        st = zip_fail(s, "cannot size the zip archive", zip_source_error(out));
      len = st == ADEX_OK ? (size_t)zs.size : 0;
      if (st == ADEX_OK && (buf = adex__alloc(s->alloc, len)) == NULL)
        st = adex__state_fail(s, ADEX_ENOMEM, "out of memory for a %zu-byte "
                              "zip image", len);
      if (st == ADEX_OK &&
          zip_source_read(out, buf, len) != (zip_int64_t)len)
        st = zip_fail(s, "cannot read the zip archive", zip_source_error(out));
      zip_source_close(out);
    }
  }
  zip_source_free(out);
  zip_error_fini(&ze);
  if (st != ADEX_OK) {
    adex__free(s->alloc, buf, len);
    return st;
  }
  *image = buf;
  *size = len;
  return ADEX_OK;
}

adex_status adex__npz_save(const adex__state *s, unsigned char **image,
                           size_t *size) {
  *image = NULL;
  *size = 0;
  /* Member images, one after the other: header then data. */
  size_t nsel = 0, total = 0;
  for (size_t i = 0; i < s->n; i++) {
    if (!s->e[i].selected) continue;
    unsigned char hdr[512];
    total += npy_header(&s->e[i], hdr) + data_bytes(&s->e[i]);
    nsel++;
  }
  size_t off_bytes = (nsel + 1) * sizeof(size_t);
  size_t *offsets = adex__alloc(s->alloc, off_bytes);
  unsigned char *members = adex__alloc(s->alloc, total);
  adex_status st = ADEX_OK;
  if (offsets == NULL || members == NULL) {
    st = adex__state_fail(s, ADEX_ENOMEM, "out of memory for %zu bytes of "
                          "npy members", total);
  } else {
    size_t at = 0, k = 0;
    for (size_t i = 0; i < s->n; i++) {
      const adex__state_entry *e = &s->e[i];
      if (!e->selected) continue;
      offsets[k++] = at;
      at += npy_header(e, members + at);
      memcpy(members + at, e->buf, data_bytes(e));
      if (e->dtype != ADEX_DTYPE_BOOL && !host_is_le())
        swap_bytes(members + at, e->count, adex_dtype_size(e->dtype));
      at += data_bytes(e);
    }
    offsets[k] = at;
    st = build_zip(s, members, offsets, image, size);
  }
  adex__free(s->alloc, members, total);
  adex__free(s->alloc, offsets, off_bytes);
  return st;
}

/* ------------------------------------------------------------------ load */

/* A parsed npy header. */
typedef struct npy_info {
  char descr[16];              /* as written, e.g. "<f8" */
  adex__file_dtype dtype;      /* what descr means to us */
  size_t itemsize;             /* bytes per element in the file */
  bool swap;                   /* stored in the other byte order */
  bool fortran;                /* fortran_order */
  size_t ndim;
  unsigned long long shape[32];
} npy_info;

/* A cursor over the header text. */
typedef struct cursor {
  const char *p, *end;
} cursor;

static void skip_ws(cursor *c) {
  while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' ||
                           *c->p == '\r'))
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
static bool parse_shape(cursor *c, npy_info *h) {
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
    if (h->ndim == sizeof h->shape / sizeof h->shape[0]) return false;
    h->shape[h->ndim++] = v;
    comma = eat(c, ',');
    if (!comma) {
      if (!eat(c, ')')) return false;
      break;
    }
  }
  return h->ndim != 1 || comma;
}

/* What a descr means: our dtype, the item size, whether to swap. */
static void classify_descr(npy_info *h) {
  static const struct {
    const char *descr;
    adex__file_dtype dtype;
    size_t size;
    bool big;
  } known[] = {{"<f8", ADEX__FILE_F64, 8, false},
               {">f8", ADEX__FILE_F64, 8, true},
               {"<f4", ADEX__FILE_F32, 4, false},
               {">f4", ADEX__FILE_F32, 4, true},
               {"|b1", ADEX__FILE_BOOL, 1, false}};
  h->dtype = ADEX__FILE_OTHER;
  for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
    if (strcmp(h->descr, known[i].descr) != 0) continue;
    h->dtype = known[i].dtype;
    h->itemsize = known[i].size;
    h->swap = known[i].big == host_is_le() && known[i].size > 1;
  }
}

/* numpy's name of a descr for messages: "<i8" -> "int64", "|b1" -> "bool",
 * ">f4" -> "float32 (big-endian)"; anything else quoted as written. */
static void descr_name(const char *d, char *out, size_t size) {
  static const struct {
    char kind;
    const char *name;
  } kinds[] = {{'b', "bool"}, {'i', "int"}, {'u', "uint"}, {'f', "float"},
               {'c', "complex"}};
  size_t len = strlen(d);
  if (len >= 3 && strchr("<>|=", d[0]) != NULL && len <= 4) {
    char *end = NULL;
    unsigned long bytes = strtoul(d + 2, &end, 10);
    for (size_t k = 0; end != NULL && *end == '\0' && bytes > 0 &&
                       k < sizeof kinds / sizeof kinds[0]; k++) {
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

/* Parse the dict of an npy header (text[0..len)). */
static bool parse_dict(const char *text, size_t len, npy_info *h) {
  cursor c = {text, text + len};
  bool seen_descr = false, seen_order = false, seen_shape = false;
  if (!eat(&c, '{')) return false;
  for (;;) {
    if (eat(&c, '}')) break;
    char key[32];
    if (!parse_string(&c, key, sizeof key) || !eat(&c, ':')) return false;
    if (strcmp(key, "descr") == 0 && !seen_descr) {
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

/* Read exactly n bytes of a member; false on a short read or an error
 * (which includes a CRC mismatch at the end of the member). */
static bool read_exact(zip_file_t *zf, void *buf, size_t n) {
  unsigned char *p = buf;
  while (n > 0) {
    zip_int64_t r = zip_fread(zf, p, n);
    if (r <= 0) return false;
    p += r;
    n -= (size_t)r;
  }
  return true;
}

/* Check and stage member `idx` (uncompressed size `size`) into entry e.
 * hdr is a scratch buffer of NPY_HEADER_MAX bytes. */
static adex_status stage_member(adex__state *s, adex__state_entry *e,
                                zip_t *za, zip_uint64_t idx,
                                zip_uint64_t size, char *hdr) {
  zip_file_t *zf = zip_fopen_index(za, idx, 0);
  if (zf == NULL)
    return zip_fail(s, "cannot open a zip member", zip_get_error(za));
  adex_status st = ADEX_OK;
  unsigned char pre[12];
  size_t hlen = 0, at = 0;
  npy_info h;
  memset(&h, 0, sizeof h);
  if (size < 10 || !read_exact(zf, pre, 10) || memcmp(pre, npy_magic, 6) != 0)
    st = adex__state_fail(s, ADEX_EFORMAT, "key '%s': not an npy array (no "
                          "npy magic)", e->key);
  if (st == ADEX_OK) {
    if (pre[6] == 1 && pre[7] == 0) {
      hlen = (size_t)pre[8] | (size_t)pre[9] << 8;
      at = 10;
    } else if ((pre[6] == 2 || pre[6] == 3) && pre[7] == 0 &&
               size >= 12 && read_exact(zf, pre + 10, 2)) {
      hlen = (size_t)pre[8] | (size_t)pre[9] << 8 | (size_t)pre[10] << 16 |
             (size_t)pre[11] << 24;
      at = 12;
    } else {
      st = adex__state_fail(s, ADEX_EFORMAT, "key '%s': unsupported npy "
                            "version %u.%u", e->key, pre[6], pre[7]);
    }
  }
  if (st == ADEX_OK && (hlen > NPY_HEADER_MAX || at + hlen > size ||
                        !read_exact(zf, hdr, hlen)))
    st = adex__state_fail(s, ADEX_EFORMAT, "key '%s': truncated or oversized "
                          "npy header", e->key);
  if (st == ADEX_OK && !parse_dict(hdr, hlen, &h))
    st = adex__state_fail(s, ADEX_EFORMAT, "key '%s': malformed npy header",
                          e->key);
  if (st == ADEX_OK) {
    classify_descr(&h);
    char what[48];
    descr_name(h.descr, what, sizeof what);
    st = adex__state_check(s, e, h.dtype, what, h.ndim, h.shape);
  }
  if (st == ADEX_OK && h.fortran) {
    size_t big = 0;
    for (size_t d = 0; d < h.ndim; d++) big += h.shape[d] > 1;
    if (big > 1)
      st = adex__state_fail(s, ADEX_EFORMAT, "key '%s': Fortran-order "
                            "arrays are not supported", e->key);
  }
  /* The data: exactly count items, then the end of the member. It is
   * read into the staging buffer when that holds it (same or wider
   * element), else (float64 data for a float32 variable) into scratch. */
  size_t nbytes = e->count * h.itemsize;
  size_t have = e->count * adex_dtype_size(e->dtype);
  unsigned char *raw = e->buf;
  if (st == ADEX_OK && nbytes > have &&
      (raw = adex__alloc(s->alloc, nbytes)) == NULL)
    st = adex__state_fail(s, ADEX_ENOMEM, "out of memory reading '%s'",
                          e->key);
  if (st == ADEX_OK && at + hlen + nbytes != size)
    st = adex__state_fail(s, ADEX_EFORMAT, "key '%s': the member holds %llu "
                          "data bytes, the header says %zu", e->key,
                          (unsigned long long)(size - at - hlen), nbytes);
  unsigned char extra;
  if (st == ADEX_OK && (!read_exact(zf, raw, nbytes) ||
                        zip_fread(zf, &extra, 1) != 0))
    st = adex__state_fail(s, ADEX_EFORMAT, "key '%s': damaged data (%s)",
                          e->key, zip_file_strerror(zf));
  if (st == ADEX_OK) {
    if (h.swap) swap_bytes(raw, e->count, h.itemsize);
    if (h.dtype == ADEX__FILE_F32 && e->dtype == ADEX_DTYPE_F64) {
      /* Widen in place from the end: double i never overlaps a float
       * above i that is still to be read. */
      double *d = e->buf;
      for (size_t i = e->count; i-- > 0;) {
        float f;
        memcpy(&f, raw + 4 * i, 4);
        d[i] = (double)f;
      }
    } else if (h.dtype == ADEX__FILE_F64 && e->dtype == ADEX_DTYPE_F32) {
      float *f = e->buf;
      for (size_t i = 0; i < e->count; i++) {
        double d;
        memcpy(&d, raw + 8 * i, 8);
        f[i] = adex__state_to_float(d);
      }
    }
    if (h.dtype == ADEX__FILE_BOOL) st = adex__state_check_bools(s, e);
  }
  if (raw != e->buf) adex__free(s->alloc, raw, nbytes);
  zip_fclose(zf);
  return st;
}

/* Check and stage every member of an open archive. */
static adex_status stage_archive(adex__state *s, zip_t *za) {
  zip_int64_t n = zip_get_num_entries(za, 0);
  if (n <= 0)
    return adex__state_fail(s, ADEX_EFORMAT, "the zip archive holds no "
                            "arrays");
  char *hdr = adex__alloc(s->alloc, NPY_HEADER_MAX);
  if (hdr == NULL)
    return adex__state_fail(s, ADEX_ENOMEM, "out of memory");
  adex_status st = ADEX_OK;
  for (zip_uint64_t i = 0; st == ADEX_OK && i < (zip_uint64_t)n; i++) {
    zip_stat_t zs;
    zip_stat_init(&zs);
    if (zip_stat_index(za, i, ZIP_FL_ENC_RAW, &zs) < 0 ||
        !(zs.valid & ZIP_STAT_NAME) || !(zs.valid & ZIP_STAT_SIZE)) {
      st = zip_fail(s, "cannot read a zip member", zip_get_error(za));
      break;
    }
    size_t len = strlen(zs.name);
    if (len < 4 || strcmp(zs.name + len - 4, ".npy") != 0) {
      st = adex__state_fail(s, ADEX_EFORMAT, "zip member '%.*s' is not a "
                            ".npy array", ADEX_STATE_KEY_MAX, zs.name);
      break;
    }
    char key[ADEX_STATE_KEY_MAX + 1];
    size_t klen = len - 4 < sizeof key - 1 ? len - 4 : sizeof key - 1;
    memcpy(key, zs.name, klen);
    key[klen] = '\0';
    if (len - 4 >= sizeof key - 1) key[klen - 1] = '~';
    adex__state_entry *e = NULL;
    st = adex__state_take_key(s, key, &e);
    if (st == ADEX_OK) st = stage_member(s, e, za, i, zs.size, hdr);
  }
  adex__free(s->alloc, hdr, NPY_HEADER_MAX);
  return st;
}

adex_status adex__npz_stage(adex__state *s, const unsigned char *image,
                            size_t size) {
  if (size < 4 || image[0] != 'P' || image[1] != 'K')
    return adex__state_fail(s, ADEX_EFORMAT, "not a zip file (no zip "
                            "signature)");
  zip_error_t ze;
  zip_error_init(&ze);
  zip_source_t *src = zip_source_buffer_create(image, size, 0, &ze);
  zip_t *za = src != NULL ? zip_open_from_source(src, ZIP_RDONLY |
                                                 ZIP_CHECKCONS, &ze)
                          : NULL;
  adex_status st;
  if (za == NULL) {
    st = zip_fail(s, "damaged or not a zip file", &ze);
    if (src != NULL) zip_source_free(src);
  } else {
    st = stage_archive(s, za);
    zip_discard(za);
  }
  zip_error_fini(&ze);
  return st;
}
