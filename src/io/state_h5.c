/* state_h5.c - state files in HDF5 (.h5 / .hdf5), as h5py writes
 * `f[key] = array`: one dataset per key at the root, named the key.
 *
 * Files are built and parsed in memory with HDF5's core driver (no backing
 * store) and a file image, so that src/io/state.c alone touches the disk (the
 * atomic write) and a load parses one snapshot of the file. Every call
 * switches off HDF5's automatic error printing for its thread and restores
 * it; HDF5's own error stack is turned into the message.
 *
 * h5py's conventions (checked against h5py 3.7 on HDF5 1.10): float64 is
 * H5T_IEEE_F64LE; numpy bool is an enum on a signed 8-bit integer with the
 * members FALSE = 0 and TRUE = 1; a 0-d array has a scalar dataspace.
 */
#include <hdf5.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "state_internal.h"

/* The 8-byte signature that starts an HDF5 superblock. */
static const unsigned char h5_signature[8] = {0x89, 'H',  'D',  'F',
                                              '\r', '\n', 0x1a, '\n'};

/* HDF5 error printing, off for the duration of one call. */
typedef struct quiet {
  H5E_auto2_t func;
  void *data;
} quiet;

static void quiet_begin(quiet *q) {
  q->func = NULL;
  q->data = NULL;
  H5Eget_auto2(H5E_DEFAULT, &q->func, &q->data);
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  H5Eclear2(H5E_DEFAULT);
}

static void quiet_end(const quiet *q) {
  H5Eclear2(H5E_DEFAULT);
  H5Eset_auto2(H5E_DEFAULT, q->func, q->data);
}

/* The outermost and innermost descriptions of HDF5's error stack. */
typedef struct h5_err {
  char outer[160];
  char inner[160];
  int n;
} h5_err;

static herr_t walk_cb(unsigned n, const H5E_error2_t *err, void *data) {
  h5_err *e = data;
  (void)n;
  const char *d = err->desc != NULL ? err->desc : "";
  if (e->n++ == 0) snprintf(e->inner, sizeof e->inner, "%s", d);
  snprintf(e->outer, sizeof e->outer, "%s", d);
  return 0;
}

/* Record `st` with "<what>: HDF5: <outer>: <inner>" from the error stack. */
static adex_status h5_fail(const adex__state *s, adex_status st,
                           const char *what) {
  h5_err e;
  memset(&e, 0, sizeof e);
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, walk_cb, &e);
  H5Eclear2(H5E_DEFAULT);
  if (e.n == 0) return adex__state_fail(s, st, "%s", what);
  if (e.n == 1 || strcmp(e.outer, e.inner) == 0)
    return adex__state_fail(s, st, "%s (HDF5: %s)", what, e.inner);
  return adex__state_fail(s, st, "%s (HDF5: %s: %s)", what, e.outer, e.inner);
}

/* A file access list for an in-memory file, optionally opened from an
 * image; and a name no other open in-memory file has (the core driver
 * tells files apart by name). */
static hid_t core_fapl(const unsigned char *image, size_t size) {
  hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  if (fapl < 0) return -1;
  if (H5Pset_fapl_core(fapl, 64 * 1024, 0) < 0 ||
      H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG) < 0 ||
      (image != NULL &&
       H5Pset_file_image(fapl, (void *)(uintptr_t)image, size) < 0)) {
    H5Pclose(fapl);
    return -1;
  }
  return fapl;
}

static void core_name(char *buf, size_t size) {
  static atomic_ulong counter;
  snprintf(buf, size, "adex-state-image-%ld-%lu", (long)getpid(),
           (unsigned long)atomic_fetch_add(&counter, 1));
}

/* h5py's bool type on integer base `base`: enum {FALSE = 0, TRUE = 1}. */
static hid_t bool_type(hid_t base) {
  hid_t t = H5Tenum_create(base);
  signed char f = 0, tr = 1;
  if (t < 0) return -1;
  if (H5Tenum_insert(t, "FALSE", &f) < 0 ||
      H5Tenum_insert(t, "TRUE", &tr) < 0) {
    H5Tclose(t);
    return -1;
  }
  return t;
}

/* ------------------------------------------------------------------ save */

/* Write every selected entry as a dataset of file fid. */
static adex_status write_datasets(const adex__state *s, hid_t fid) {
  adex_status st = ADEX_OK;
  hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
  hid_t fbool = bool_type(H5T_STD_I8LE), mbool = bool_type(H5T_NATIVE_SCHAR);
  if (dcpl < 0 || fbool < 0 || mbool < 0 || H5Pset_obj_track_times(dcpl, 0) < 0)
    st = h5_fail(s, ADEX_EFORMAT, "cannot set up HDF5 types");
  for (size_t i = 0; st == ADEX_OK && i < s->n; i++) {
    const adex__state_entry *e = &s->e[i];
    if (!e->selected) continue;
    hsize_t dims[ADEX_MAX_DIM + 1];
    for (size_t d = 0; d < e->ndim; d++) dims[d] = e->shape[d];
    hid_t ftype = e->dtype == ADEX_DTYPE_F64   ? H5T_IEEE_F64LE
                  : e->dtype == ADEX_DTYPE_F32 ? H5T_IEEE_F32LE
                                               : fbool;
    hid_t mtype = e->dtype == ADEX_DTYPE_F64   ? H5T_NATIVE_DOUBLE
                  : e->dtype == ADEX_DTYPE_F32 ? H5T_NATIVE_FLOAT
                                               : mbool;
    hid_t space = H5Screate_simple((int)e->ndim, dims, NULL);
    hid_t dset = space < 0 ? -1
                           : H5Dcreate2(fid, e->key, ftype, space, H5P_DEFAULT,
                                        dcpl, H5P_DEFAULT);
    if (dset < 0 ||
        H5Dwrite(dset, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, e->buf) < 0) {
      char what[ADEX_STATE_KEY_MAX + 32];
      snprintf(what, sizeof what, "cannot write dataset '%s'", e->key);
      st = h5_fail(s, ADEX_EFORMAT, what);
    }
    if (dset >= 0) H5Dclose(dset);
    if (space >= 0) H5Sclose(space);
  }
  if (mbool >= 0) H5Tclose(mbool);
  if (fbool >= 0) H5Tclose(fbool);
  if (dcpl >= 0) H5Pclose(dcpl);
  return st;
}

adex_status adex__h5_save(const adex__state *s, unsigned char **image,
                          size_t *size) {
  *image = NULL;
  *size = 0;
  quiet q;
  quiet_begin(&q);
  char name[64];
  core_name(name, sizeof name);
  adex_status st = ADEX_OK;
  hid_t fapl = core_fapl(NULL, 0);
  hid_t fid = fapl < 0 ? -1 : H5Fcreate(name, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
  if (fid < 0) st = h5_fail(s, ADEX_EFORMAT, "cannot create an HDF5 file");
  if (st == ADEX_OK) st = write_datasets(s, fid);
  ssize_t len = -1;
  if (st == ADEX_OK && (H5Fflush(fid, H5F_SCOPE_GLOBAL) < 0 ||
                        (len = H5Fget_file_image(fid, NULL, 0)) <= 0))
    st = h5_fail(s, ADEX_EFORMAT, "cannot build the HDF5 file image");
  unsigned char *buf = NULL;
  if (st == ADEX_OK && (buf = adex__alloc(s->alloc, (size_t)len)) == NULL)
    st = adex__state_fail(s, ADEX_ENOMEM,
                          "out of memory for a %zd-byte "
                          "HDF5 image",
                          len);
  if (st == ADEX_OK && H5Fget_file_image(fid, buf, (size_t)len) != len)
    st = h5_fail(s, ADEX_EFORMAT, "cannot copy the HDF5 file image");
  if (fid >= 0 && H5Fclose(fid) < 0 && st == ADEX_OK)
    st = h5_fail(s, ADEX_EFORMAT, "cannot close the HDF5 file");
  if (fapl >= 0) H5Pclose(fapl);
  quiet_end(&q);
  if (st != ADEX_OK) {
    adex__free(s->alloc, buf, len > 0 ? (size_t)len : 0);
    return st;
  }
  *image = buf;
  *size = (size_t)len;
  return ADEX_OK;
}

/* ------------------------------------------------------------------ load */

/* Whether an enum type is h5py's bool: two members FALSE = 0, TRUE = 1 on
 * a one-byte integer. */
static bool is_h5py_bool(hid_t type) {
  hid_t super = H5Tget_super(type);
  if (super < 0) return false;
  bool ok = H5Tget_class(super) == H5T_INTEGER && H5Tget_size(super) == 1 &&
            H5Tget_nmembers(type) == 2;
  H5Tclose(super);
  for (unsigned m = 0; ok && m < 2; m++) {
    unsigned char v = 0xff;
    char *mname = H5Tget_member_name(type, m);
    ok = mname != NULL && H5Tget_member_value(type, m, &v) >= 0 &&
         ((strcmp(mname, "FALSE") == 0 && v == 0) ||
          (strcmp(mname, "TRUE") == 0 && v == 1));
    if (mname != NULL) H5free_memory(mname);
  }
  return ok;
}

/* Classify a dataset's type; `what` describes it for messages. */
static adex__file_dtype classify(hid_t type, char *what, size_t size) {
  static const struct {
    const char *name;
    hid_t *id;
    adex__file_dtype dtype;
  } floats[] = {{"float64", &H5T_IEEE_F64LE_g, ADEX__FILE_F64},
                {"float64 (big-endian)", &H5T_IEEE_F64BE_g, ADEX__FILE_F64},
                {"float32", &H5T_IEEE_F32LE_g, ADEX__FILE_F32},
                {"float32 (big-endian)", &H5T_IEEE_F32BE_g, ADEX__FILE_F32}};
  H5T_class_t cls = H5Tget_class(type);
  size_t bytes = H5Tget_size(type);
  if (cls == H5T_FLOAT) {
    for (size_t i = 0; i < sizeof floats / sizeof floats[0]; i++) {
      if (H5Tequal(type, *floats[i].id) > 0) {
        snprintf(what, size, "%s", floats[i].name);
        return floats[i].dtype;
      }
    }
    snprintf(what, size, "a %zu-byte non-IEEE float", bytes);
    return ADEX__FILE_OTHER;
  }
  if (cls == H5T_ENUM && is_h5py_bool(type)) {
    snprintf(what, size, "bool");
    return ADEX__FILE_BOOL;
  }
  if (cls == H5T_INTEGER) {
    snprintf(what, size, "%sint%zu",
             H5Tget_sign(type) == H5T_SGN_NONE ? "u" : "", 8 * bytes);
  } else {
    static const char *const names[] = {[H5T_TIME] = "time",
                                        [H5T_STRING] = "string",
                                        [H5T_BITFIELD] = "bitfield",
                                        [H5T_OPAQUE] = "opaque",
                                        [H5T_COMPOUND] = "compound",
                                        [H5T_REFERENCE] = "reference",
                                        [H5T_ENUM] = "enum (not h5py's bool)",
                                        [H5T_VLEN] = "vlen",
                                        [H5T_ARRAY] = "array"};
    const char *n = cls >= 0 && (size_t)cls < sizeof names / sizeof names[0]
                        ? names[cls]
                        : NULL;
    snprintf(what, size, "%s", n != NULL ? n : "an unknown HDF5 type");
  }
  return ADEX__FILE_OTHER;
}

/* Check and stage one dataset into its entry. */
static adex_status stage_dataset(adex__state *s, adex__state_entry *e,
                                 hid_t dset) {
  adex_status st = ADEX_OK;
  hid_t type = H5Dget_type(dset), space = H5Dget_space(dset);
  char what[64];
  if (type < 0 || space < 0)
    st = h5_fail(s, ADEX_EFORMAT, "cannot read a dataset's type or shape");
  adex__file_dtype dtype = ADEX__FILE_OTHER;
  if (st == ADEX_OK) dtype = classify(type, what, sizeof what);
  unsigned long long shape[H5S_MAX_RANK];
  size_t ndim = 0;
  if (st == ADEX_OK) {
    H5S_class_t sc = H5Sget_simple_extent_type(space);
    hsize_t dims[H5S_MAX_RANK];
    int nd =
        sc == H5S_SIMPLE ? H5Sget_simple_extent_dims(space, dims, NULL) : 0;
    if (sc == H5S_NULL || sc == H5S_NO_CLASS || nd < 0 || nd > H5S_MAX_RANK)
      st = adex__state_fail(
          s, ADEX_EFORMAT, "key '%s' has no data (an empty dataspace)", e->key);
    ndim = nd > 0 ? (size_t)nd : 0;
    for (size_t d = 0; d < ndim; d++) shape[d] = dims[d];
  }
  if (st == ADEX_OK) st = adex__state_check(s, e, dtype, what, ndim, shape);
  if (st == ADEX_OK) {
    /* Floats are read as doubles (exact from float32 and float64), then
     * narrowed for a float32 variable; bools are read as stored (one byte,
     * no conversion) and checked to be 0 or 1. */
    bool narrow = e->dtype == ADEX_DTYPE_F32 && dtype == ADEX__FILE_F64;
    hid_t mem = e->dtype == ADEX_DTYPE_BOOL             ? type
                : e->dtype == ADEX_DTYPE_F32 && !narrow ? H5T_NATIVE_FLOAT
                                                        : H5T_NATIVE_DOUBLE;
    void *dst =
        narrow ? adex__alloc(s->alloc, e->count * sizeof(double)) : e->buf;
    if (dst == NULL) {
      st = adex__state_fail(s, ADEX_ENOMEM, "out of memory reading '%s'",
                            e->key);
    } else if (H5Dread(dset, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, dst) < 0) {
      char msg[ADEX_STATE_KEY_MAX + 32];
      snprintf(msg, sizeof msg, "cannot read key '%s'", e->key);
      st = h5_fail(s, ADEX_EFORMAT, msg);
    }
    if (narrow && dst != NULL) {
      const double *d = dst;
      float *f = e->buf;
      for (size_t i = 0; i < e->count; i++) f[i] = adex__state_to_float(d[i]);
      adex__free(s->alloc, dst, e->count * sizeof(double));
    }
  }
  if (st == ADEX_OK && e->dtype == ADEX_DTYPE_BOOL)
    st = adex__state_check_bools(s, e);
  if (space >= 0) H5Sclose(space);
  if (type >= 0) H5Tclose(type);
  return st;
}

/* Check and stage every link of the root group, in name order. */
static adex_status stage_root(adex__state *s, hid_t fid) {
  H5G_info_t info;
  if (H5Gget_info(fid, &info) < 0)
    return h5_fail(s, ADEX_EFORMAT, "cannot read the root group");
  adex_status st = ADEX_OK;
  for (hsize_t i = 0; st == ADEX_OK && i < info.nlinks; i++) {
    char key[ADEX_STATE_KEY_MAX + 1];
    ssize_t len = H5Lget_name_by_idx(fid, ".", H5_INDEX_NAME, H5_ITER_INC, i,
                                     key, sizeof key, H5P_DEFAULT);
    if (len < 0) {
      st = h5_fail(s, ADEX_EFORMAT, "cannot read the name of a dataset");
      break;
    }
    if ((size_t)len >= sizeof key - 1) key[sizeof key - 2] = '~';
    adex__state_entry *e = NULL;
    st = adex__state_take_key(s, key, &e);
    if (st != ADEX_OK) break;
    /* Only hard links: a soft or external link could lead anywhere. */
    H5L_info_t linfo;
    if (H5Lget_info(fid, key, &linfo, H5P_DEFAULT) < 0) {
      st = h5_fail(s, ADEX_EFORMAT, "cannot read a link");
      break;
    }
    if (linfo.type != H5L_TYPE_HARD) {
      st = adex__state_fail(s, ADEX_EFORMAT,
                            "key '%s' is a soft or external link, not a "
                            "dataset",
                            key);
      break;
    }
    hid_t obj = H5Oopen(fid, key, H5P_DEFAULT);
    if (obj < 0) {
      st = h5_fail(s, ADEX_EFORMAT, "cannot open a dataset");
      break;
    }
    if (H5Iget_type(obj) != H5I_DATASET)
      st = adex__state_fail(s, ADEX_EFORMAT, "key '%s' is not a dataset", key);
    else
      st = stage_dataset(s, e, obj);
    H5Oclose(obj);
  }
  return st;
}

adex_status adex__h5_stage(adex__state *s, const unsigned char *image,
                           size_t size) {
  /* The superblock starts at 0 or after a user block of 512 * 2^k bytes. */
  bool signed_ok = false;
  for (size_t at = 0; !signed_ok && at + 8 <= size; at = at ? 2 * at : 512)
    signed_ok = memcmp(image + at, h5_signature, 8) == 0;
  if (!signed_ok)
    return adex__state_fail(s, ADEX_EFORMAT,
                            "not an HDF5 file (no HDF5 "
                            "signature)");
  adex_status pre = adex__h5_precheck(s, image, size);
  if (pre != ADEX_OK) return pre;
  quiet q;
  quiet_begin(&q);
  char name[64];
  core_name(name, sizeof name);
  adex_status st = ADEX_OK;
  hid_t fapl = core_fapl(image, size);
  hid_t fid = fapl < 0 ? -1 : H5Fopen(name, H5F_ACC_RDONLY, fapl);
  if (fid < 0) st = h5_fail(s, ADEX_EFORMAT, "damaged or not an HDF5 file");
  if (st == ADEX_OK) st = stage_root(s, fid);
  if (fid >= 0) H5Fclose(fid);
  if (fapl >= 0) H5Pclose(fapl);
  quiet_end(&q);
  return st;
}
