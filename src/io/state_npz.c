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

#include "npy.h"
#include "state_internal.h"

/* The timestamp of every member (2000-01-01 00:00:00 UTC). */
#define NPZ_MTIME 946684800

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

/* The npy 1.0 header (magic to newline) of an entry into buf, as
 * numpy.save writes it (npy.c); its length, a multiple of ADEX__NPY_ALIGN.
 * buf must hold 512 bytes. */
static size_t npy_header(const adex__state_entry *e, unsigned char *buf) {
  unsigned long long shape[ADEX__NPY_MAX_DIM];
  for (size_t d = 0; d < e->ndim; d++) shape[d] = e->shape[d];
  return adex__npy_format_header(e->dtype == ADEX_DTYPE_F64   ? "<f8"
                                 : e->dtype == ADEX_DTYPE_F32 ? "<f4"
                                                              : "|b1",
                                 e->ndim, shape, 0, buf, 512);
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
  zip_t *za = out != NULL
                  ? zip_open_from_source(out, ZIP_CREATE | ZIP_TRUNCATE, &ze)
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
    zip_int64_t idx =
        m != NULL ? zip_file_add(za, name, m, ZIP_FL_ENC_UTF_8) : -1;
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
        st = adex__state_fail(s, ADEX_ENOMEM,
                              "out of memory for a %zu-byte "
                              "zip image",
                              len);
      if (st == ADEX_OK && zip_source_read(out, buf, len) != (zip_int64_t)len)
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
    st = adex__state_fail(s, ADEX_ENOMEM,
                          "out of memory for %zu bytes of "
                          "npy members",
                          total);
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

/* A member's header (npy.c) and what its descr means to us. */
typedef struct npy_info {
  adex__npy_header h;
  adex__file_dtype dtype; /* what descr means to us */
  size_t itemsize;        /* bytes per element in the file */
  bool swap;              /* stored in the other byte order */
} npy_info;

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
    if (strcmp(h->h.descr, known[i].descr) != 0) continue;
    h->dtype = known[i].dtype;
    h->itemsize = known[i].size;
    h->swap = known[i].big == host_is_le() && known[i].size > 1;
  }
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

/* Read and parse the header of a member of `size` bytes into h (hdr: a
 * scratch buffer of ADEX__NPY_HEADER_MAX + 12 bytes): exactly the header's
 * bytes are read, so that the data comes next. */
static adex_status read_header(adex__state *s, const adex__state_entry *e,
                               zip_file_t *zf, zip_uint64_t size,
                               unsigned char *hdr, npy_info *h) {
  size_t have = 0, need = 10;
  char err[200];
  for (int round = 0; round < 3; round++) {
    if (need > size || need > ADEX__NPY_HEADER_MAX + 12)
      return adex__state_fail(s, ADEX_EFORMAT,
                              "key '%s': truncated or "
                              "oversized npy header",
                              e->key);
    if (!read_exact(zf, hdr + have, need - have))
      return adex__state_fail(s, ADEX_EFORMAT,
                              "key '%s': truncated npy "
                              "header",
                              e->key);
    have = need;
    int rc = adex__npy_parse(hdr, have, &h->h, &need, err, sizeof err);
    if (rc == 0) return ADEX_OK;
    if (rc < 0)
      return adex__state_fail(s, ADEX_EFORMAT, "key '%s': %s", e->key, err);
  }
  return adex__state_fail(s, ADEX_EFORMAT, "key '%s': malformed npy header",
                          e->key);
}

/* Check and stage member `idx` (uncompressed size `size`) into entry e.
 * hdr is a scratch buffer of ADEX__NPY_HEADER_MAX + 12 bytes. */
static adex_status stage_member(adex__state *s, adex__state_entry *e, zip_t *za,
                                zip_uint64_t idx, zip_uint64_t size,
                                char *hdr) {
  zip_file_t *zf = zip_fopen_index(za, idx, 0);
  if (zf == NULL)
    return zip_fail(s, "cannot open a zip member", zip_get_error(za));
  adex_status st = ADEX_OK;
  npy_info h;
  memset(&h, 0, sizeof h);
  size_t at = 0;
  st = read_header(s, e, zf, size, (unsigned char *)hdr, &h);
  if (st == ADEX_OK) {
    at = h.h.data_offset;
    classify_descr(&h);
    char what[48];
    adex__npy_descr_name(h.h.descr, what, sizeof what);
    st = adex__state_check(s, e, h.dtype, what, h.h.ndim, h.h.shape);
  }
  if (st == ADEX_OK && h.h.fortran) {
    size_t big = 0;
    for (size_t d = 0; d < h.h.ndim; d++) big += h.h.shape[d] > 1;
    if (big > 1)
      st = adex__state_fail(s, ADEX_EFORMAT,
                            "key '%s': Fortran-order "
                            "arrays are not supported",
                            e->key);
  }
  /* The data: exactly count items, then the end of the member. It is
   * read into the staging buffer when that holds it (same or wider
   * element), else (float64 data for a float32 variable) into scratch. */
  size_t nbytes = e->count * h.itemsize;
  size_t have = e->count * adex_dtype_size(e->dtype);
  unsigned char *raw = e->buf;
  if (st == ADEX_OK && nbytes > have &&
      (raw = adex__alloc(s->alloc, nbytes)) == NULL)
    st = adex__state_fail(s, ADEX_ENOMEM, "out of memory reading '%s'", e->key);
  if (st == ADEX_OK && at + nbytes != size)
    st = adex__state_fail(s, ADEX_EFORMAT,
                          "key '%s': the member holds %llu "
                          "data bytes, the header says %zu",
                          e->key, (unsigned long long)(size - at), nbytes);
  unsigned char extra;
  if (st == ADEX_OK &&
      (!read_exact(zf, raw, nbytes) || zip_fread(zf, &extra, 1) != 0))
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
    return adex__state_fail(s, ADEX_EFORMAT,
                            "the zip archive holds no "
                            "arrays");
  char *hdr = adex__alloc(s->alloc, ADEX__NPY_HEADER_MAX + 12);
  if (hdr == NULL) return adex__state_fail(s, ADEX_ENOMEM, "out of memory");
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
      st = adex__state_fail(s, ADEX_EFORMAT,
                            "zip member '%.*s' is not a "
                            ".npy array",
                            ADEX_STATE_KEY_MAX, zs.name);
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
  adex__free(s->alloc, hdr, ADEX__NPY_HEADER_MAX + 12);
  return st;
}

adex_status adex__npz_stage(adex__state *s, const unsigned char *image,
                            size_t size) {
  if (size < 4 || image[0] != 'P' || image[1] != 'K')
    return adex__state_fail(s, ADEX_EFORMAT,
                            "not a zip file (no zip "
                            "signature)");
  zip_error_t ze;
  zip_error_init(&ze);
  zip_source_t *src = zip_source_buffer_create(image, size, 0, &ze);
  zip_t *za = src != NULL
                  ? zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze)
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
