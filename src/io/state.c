/* state.c - save_states / load_states (docs/semantics.md section 6), the part common to
 * both formats: the key table of a population, the choice of format by
 * extension, reading a whole file, writing one atomically (temporary file,
 * fsync, rename), and committing a load only after every key passed.
 *
 * The key table is built from the population's variable table
 * (adex_pop_var_at) and its registered delays (adex_pop_delay_at); nothing
 * here names a variable. docs/state-files.md describes the files.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "adex/files.h"
#include "adex/pop_delays.h"
#include "adex/state.h"
#include "pop_internal.h"
#include "state_internal.h"

/* Bool variables are written and staged as their bytes. */
_Static_assert(sizeof(bool) == 1, "adex state files need a one-byte bool");

/* --------------------------------------------------------------- messages */

adex_status adex__state_fail(const adex__state *s, adex_status st,
                             const char *fmt, ...) {
  char msg[ADEX__ERRMSG_MAX];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return adex__fail(st, "%.200s: %s", s->filename, msg);
}

/* The text of errno `err` (thread-safe). */
static void errno_text(int err, char *buf, size_t size) {
  if (strerror_r(err, buf, size) != 0) snprintf(buf, size, "error %d", err);
}

/* numpy's repr of a shape: "()", "(3,)", "(2, 3)". */
static void shape_text(size_t ndim, const unsigned long long *shape, char *buf,
                       size_t size) {
  size_t used = 0;
  int k = snprintf(buf, size, "(");
  for (size_t d = 0; k >= 0 && (size_t)k < size - used && d < ndim; d++) {
    used += (size_t)k;
    k = snprintf(buf + used, size - used, "%s%llu", d ? ", " : "", shape[d]);
  }
  if (k >= 0 && (size_t)k < size - used) used += (size_t)k;
  snprintf(buf + used, size - used, ndim == 1 ? ",)" : ")");
}

/* ------------------------------------------------------------- key table */

adex_status adex_state_format_of(const char *filename, adex_state_format *out) {
  if (filename == NULL || out == NULL)
    return adex__fail(ADEX_EINVAL, "file name must not be NULL");
  switch (adex_file_kind_of(filename)) { /* the one extension rule */
  case ADEX_FILE_H5: *out = ADEX_STATE_H5; return ADEX_OK;
  case ADEX_FILE_NPZ: *out = ADEX_STATE_NPZ; return ADEX_OK;
  default: break;
  }
  return adex__fail(ADEX_EINVAL,
                    "unsupported state file '%.200s': the name must end in "
                    ".h5, .hdf5 (HDF5) or .npz (numpy)",
                    filename);
}

void adex__state_init(adex__state *s, const char *filename,
                      const adex_allocator *alloc) {
  memset(s, 0, sizeof *s);
  s->filename = filename;
  s->alloc = alloc;
}

adex__state_entry *adex__state_add(adex__state *s) {
  if (s->n == s->cap) {
    size_t ncap = s->cap ? 2 * s->cap : 16;
    adex__state_entry *e = adex__alloc(s->alloc, ncap * sizeof *e);
    if (e == NULL) {
      adex__state_fail(s, ADEX_ENOMEM, "out of memory for the key table");
      return NULL;
    }
    if (s->n) memcpy(e, s->e, s->n * sizeof *e);
    adex__free(s->alloc, s->e, s->cap * sizeof *s->e);
    s->e = e;
    s->cap = ncap;
  }
  adex__state_entry *e = &s->e[s->n++];
  memset(e, 0, sizeof *e);
  return e;
}

adex_status adex__state_add_pop(adex__state *s, adex_pop *pop) {
  size_t nv = adex_pop_var_count(pop), nd = adex_pop_delay_count(pop);
  size_t shape[ADEX_MAX_DIM];
  size_t ndim = adex_pop_shape(pop, shape);
  for (size_t i = 0; i < nv; i++) {
    adex__state_entry *e = adex__state_add(s);
    if (e == NULL) return ADEX_ENOMEM;
    adex_var v;
    adex_pop_var_at(pop, i, &v);
    snprintf(e->key, sizeof e->key, "%s.%s", adex_pop_name(pop), v.name);
    e->dtype = v.dtype;
    e->ndim = v.ndim;
    memcpy(e->shape, v.shape, v.ndim * sizeof v.shape[0]);
    e->count = adex_pop_num(pop);
    e->var = v.data;
    e->limit = adex__var_limit(pop, i);
  }
  for (size_t j = 0; j < nd; j++) {
    adex__state_entry *e = adex__state_add(s);
    if (e == NULL) return ADEX_ENOMEM;
    adex_pop_delay_info d;
    adex_pop_delay_at(pop, j, &d);
    snprintf(e->key, sizeof e->key, "%s.%s.data", adex_pop_name(pop), d.name);
    e->dtype = ADEX_DTYPE_F64;
    e->ndim = ndim + 1;
    e->shape[0] = d.max_delay + 1;
    memcpy(e->shape + 1, shape, ndim * sizeof shape[0]);
    e->count = (d.max_delay + 1) * adex_pop_num(pop);
    e->delay = d.delay;
    e->limit = DBL_MAX; /* delays hold any finite value */
  }
  return ADEX_OK;
}

/* Fill s with the keys of pop: its variables, then its delays. */
static adex_status build_table(adex_pop *pop, const char *filename,
                               adex__state *s) {
  adex__state_init(s, filename, &pop->alloc);
  return adex__state_add_pop(s, pop);
}

void adex__state_free(adex__state *s) {
  adex__free(s->alloc, s->e, s->cap * sizeof *s->e);
  s->e = NULL;
  s->n = s->cap = 0;
}
#define free_table adex__state_free

/* Bytes one entry stages or writes: its elements in its own dtype (one
 * byte per bool). */
static size_t entry_bytes(const adex__state_entry *e) {
  return e->count * adex_dtype_size(e->dtype);
}

adex_status adex__state_take_key(adex__state *s, const char *key,
                                 adex__state_entry **out) {
  *out = NULL;
  for (size_t i = 0; i < s->n; i++) {
    adex__state_entry *e = &s->e[i];
    if (strcmp(e->key, key) != 0) continue;
    if (e->found)
      return adex__state_fail(s, ADEX_EFORMAT, "key '%s' appears twice", key);
    e->found = true;
    e->order = s->n_file++;
    *out = e;
    return ADEX_OK;
  }
  /* Not ours: list the keys so that a name mismatch is easy to see. */
  char keys[256] = "";
  size_t used = 0;
  for (size_t i = 0; i < s->n; i++) {
    int k = snprintf(keys + used, sizeof keys - used, "%s%s", i ? ", " : "",
                     s->e[i].key);
    if (k < 0 || (size_t)k >= sizeof keys - used) break;
    used += (size_t)k;
  }
  return adex__state_fail(s, ADEX_EKEY,
                          "unknown key '%.*s' (this population's keys: %s)",
                          ADEX_STATE_KEY_MAX, key, keys);
}

adex_status adex__state_check(const adex__state *s, const adex__state_entry *e,
                              adex__file_dtype dtype, const char *what,
                              size_t ndim, const unsigned long long *shape) {
  bool real = e->dtype == ADEX_DTYPE_F64 || e->dtype == ADEX_DTYPE_F32;
  bool fits = real ? (dtype == ADEX__FILE_F64 || dtype == ADEX__FILE_F32)
                   : dtype == ADEX__FILE_BOOL;
  if (!fits)
    return adex__state_fail(
        s, ADEX_EFORMAT, "key '%s' has dtype %s, expected %s", e->key, what,
        real ? (e->dtype == ADEX_DTYPE_F64 ? "float64 or float32"
                                           : "float32 or float64")
             : "bool");
  bool same = ndim == e->ndim;
  for (size_t d = 0; same && d < ndim; d++)
    same = shape[d] == (unsigned long long)e->shape[d];
  if (!same) {
    unsigned long long want[ADEX_MAX_DIM + 1];
    for (size_t d = 0; d < e->ndim; d++) want[d] = e->shape[d];
    char got_s[128], want_s[128];
    shape_text(ndim < 32 ? ndim : 32, shape, got_s, sizeof got_s);
    shape_text(e->ndim, want, want_s, sizeof want_s);
    return adex__state_fail(s, ADEX_ESIZE,
                            "key '%s' has shape %s, expected "
                            "%s",
                            e->key, got_s, want_s);
  }
  return ADEX_OK;
}

float adex__state_to_float(double d) {
  /* Beyond FLT_MAX + half an ulp (2^103) round-to-nearest gives inf;
   * between, FLT_MAX. */
  const double top = (double)FLT_MAX + 0x1p103;
  if (d >= top) return INFINITY;
  if (d <= -top) return -INFINITY;
  if (d > FLT_MAX) return FLT_MAX;
  if (d < -FLT_MAX) return -FLT_MAX;
  return (float)d; /* also NaN */
}

adex_status adex__state_check_values(const adex__state *s,
                                     const adex__state_entry *e) {
  if (e->dtype == ADEX_DTYPE_BOOL || isnan(e->limit)) return ADEX_OK;
  const double *d = e->buf;
  const float *f = e->buf;
  for (size_t i = 0; i < e->count; i++) {
    double x = e->dtype == ADEX_DTYPE_F32 ? (double)f[i] : d[i];
    if (fabs(x) <= e->limit) continue;
    if (!isfinite(x))
      return adex__state_fail(
          s, ADEX_EFORMAT,
          "key '%s': element %zu is "
          "%.9g; values must be finite%s",
          e->key, i, x, e->dtype == ADEX_DTYPE_F32 ? " (and fit float32)" : "");
    return adex__state_fail(s, ADEX_EFORMAT,
                            "key '%s': element %zu is %.9g, "
                            "outside +-%g",
                            e->key, i, x, e->limit);
  }
  return ADEX_OK;
}

adex_status adex__state_check_bools(const adex__state *s,
                                    const adex__state_entry *e) {
  const unsigned char *b = e->buf;
  for (size_t i = 0; i < e->count; i++)
    if (b[i] > 1)
      return adex__state_fail(s, ADEX_EFORMAT,
                              "key '%s': bool element %zu "
                              "is %u, not 0 or 1",
                              e->key, i, b[i]);
  return ADEX_OK;
}

/* ------------------------------------------------------------ file I/O */

/* Read the whole file into a block from s->alloc. */
static adex_status read_file(const adex__state *s, unsigned char **out,
                             size_t *size) {
  char why[128];
  *out = NULL;
  *size = 0;
  int fd = open(s->filename, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    errno_text(errno, why, sizeof why);
    return adex__state_fail(s, ADEX_EIO, "cannot open: %s", why);
  }
  struct stat sb;
  adex_status st = ADEX_OK;
  if (fstat(fd, &sb) != 0) {
    errno_text(errno, why, sizeof why);
    st = adex__state_fail(s, ADEX_EIO, "cannot stat: %s", why);
  } else if (!S_ISREG(sb.st_mode)) {
    st = adex__state_fail(s, ADEX_EIO, "not a regular file");
  } else if (sb.st_size == 0) {
    st = adex__state_fail(s, ADEX_EFORMAT, "empty file");
  } else if ((uintmax_t)sb.st_size > (uintmax_t)(PTRDIFF_MAX / 2)) {
    st = adex__state_fail(s, ADEX_ENOMEM, "file too large (%jd bytes)",
                          (intmax_t)sb.st_size);
  }
  unsigned char *buf = NULL;
  size_t n = st == ADEX_OK ? (size_t)sb.st_size : 0, got = 0;
  if (st == ADEX_OK && (buf = adex__alloc(s->alloc, n)) == NULL)
    st = adex__state_fail(s, ADEX_ENOMEM, "out of memory reading %zu bytes", n);
  while (st == ADEX_OK && got < n) {
    ssize_t r = read(fd, buf + got, n - got);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      errno_text(errno, why, sizeof why);
      st = adex__state_fail(s, ADEX_EIO, "read error: %s", why);
    } else if (r == 0) {
      st = adex__state_fail(s, ADEX_EIO, "the file shrank while read");
    } else {
      got += (size_t)r;
    }
  }
  close(fd);
  if (st != ADEX_OK) {
    adex__free(s->alloc, buf, n);
    return st;
  }
  *out = buf;
  *size = n;
  return ADEX_OK;
}

/* Fsync the directory holding `path` so that a rename is durable; best
 * effort (some file systems refuse to sync directories). */
static void sync_dir(const char *path) {
  const char *slash = strrchr(path, '/');
  char dir[4096];
  if (slash == NULL) {
    snprintf(dir, sizeof dir, ".");
  } else if (slash == path) {
    snprintf(dir, sizeof dir, "/");
  } else {
    size_t len = (size_t)(slash - path);
    if (len >= sizeof dir) return;
    memcpy(dir, path, len);
    dir[len] = '\0';
  }
  int fd = open(dir, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  (void)fsync(fd);
  close(fd);
}

/* Write data to "<path>.tmp.<pid>.<n>", fsync, rename over path. On
 * failure the temporary file is removed and path is untouched. */
static adex_status write_atomic(const adex__state *s, const unsigned char *data,
                                size_t size) {
  static atomic_ulong counter;
  char why[128];
  size_t len = strlen(s->filename) + 64;
  char *tmp = malloc(len);
  if (tmp == NULL) return adex__state_fail(s, ADEX_ENOMEM, "out of memory");
  int fd = -1;
  for (int attempt = 0; fd < 0 && attempt < 100; attempt++) {
    snprintf(tmp, len, "%s.tmp.%ld.%lu", s->filename, (long)getpid(),
             (unsigned long)atomic_fetch_add(&counter, 1));
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0 && errno != EEXIST) break;
  }
  if (fd < 0) {
    errno_text(errno, why, sizeof why);
    adex_status st = adex__state_fail(s, ADEX_EIO,
                                      "cannot create the "
                                      "temporary file '%.200s': %s",
                                      tmp, why);
    free(tmp);
    return st;
  }
  adex_status st = ADEX_OK;
  size_t done = 0;
  while (st == ADEX_OK && done < size) {
    ssize_t w = write(fd, data + done, size - done);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      errno_text(w < 0 ? errno : EIO, why, sizeof why);
      st = adex__state_fail(s, ADEX_EIO, "cannot write '%.200s': %s", tmp, why);
    } else {
      done += (size_t)w;
    }
  }
  if (st == ADEX_OK && fsync(fd) != 0) {
    errno_text(errno, why, sizeof why);
    st = adex__state_fail(s, ADEX_EIO, "cannot flush '%.200s': %s", tmp, why);
  }
  if (close(fd) != 0 && st == ADEX_OK) {
    errno_text(errno, why, sizeof why);
    st = adex__state_fail(s, ADEX_EIO, "cannot close '%.200s': %s", tmp, why);
  }
  if (st == ADEX_OK && rename(tmp, s->filename) != 0) {
    errno_text(errno, why, sizeof why);
    st = adex__state_fail(s, ADEX_EIO,
                          "cannot rename '%.200s' to the "
                          "target: %s",
                          tmp, why);
  }
  if (st != ADEX_OK)
    unlink(tmp);
  else
    sync_dir(s->filename);
  free(tmp);
  return st;
}

/* ------------------------------------------------------------------ save */

/* Mark the entries to save: all, or those named (absolute or relative). */
static adex_status select_keys(adex_pop *pop, adex__state *s,
                               const char *const *variables, size_t n) {
  for (size_t i = 0; i < s->n; i++) s->e[i].selected = variables == NULL;
  if (variables == NULL) return ADEX_OK;
  if (n == 0)
    return adex__state_fail(s, ADEX_EINVAL,
                            "no variables selected "
                            "(variables given with n_variables 0)");
  const char *pname = adex_pop_name(pop);
  size_t plen = strlen(pname);
  for (size_t j = 0; j < n; j++) {
    const char *want = variables[j];
    if (want == NULL)
      return adex__state_fail(s, ADEX_EINVAL, "variables[%zu] is NULL", j);
    bool hit = false;
    for (size_t i = 0; i < s->n && !hit; i++) {
      const char *key = s->e[i].key;
      hit = strcmp(key, want) == 0 || strcmp(key + plen + 1, want) == 0;
      if (hit) s->e[i].selected = true;
    }
    if (!hit) {
      adex__state_entry *unused;
      adex__state_take_key(s, want, &unused); /* the message with the keys */
      char msg[ADEX__ERRMSG_MAX];
      const char *m = strstr(adex_errmsg(), "(this population");
      snprintf(msg, sizeof msg, "%s", m ? m : "");
      return adex__state_fail(s, ADEX_EKEY,
                              "cannot save '%.80s': no such "
                              "key %s",
                              want, msg);
    }
  }
  return ADEX_OK;
}

adex_status adex__state_save(adex__state *s, adex_state_format format) {
  adex_status st = ADEX_OK;
  /* Real variables are written from where they live; delays are exported
   * into one block first, and bool variables copied there as bytes 0/1
   * (a byte written through a uint8 view of a bool array may be another
   * value, which no loader would take back). */
  size_t delay_bytes = 0;
  unsigned char *delay_block = NULL;
  for (size_t i = 0; st == ADEX_OK && i < s->n; i++)
    if (s->e[i].selected &&
        (s->e[i].delay != NULL || s->e[i].dtype == ADEX_DTYPE_BOOL))
      delay_bytes += adex__align_up(entry_bytes(&s->e[i]));
  if (st == ADEX_OK && delay_bytes > 0 &&
      (delay_block = adex__alloc(s->alloc, delay_bytes)) == NULL)
    st = adex__state_fail(s, ADEX_ENOMEM, "out of memory exporting delays");
  for (size_t i = 0, off = 0; st == ADEX_OK && i < s->n; i++) {
    adex__state_entry *e = &s->e[i];
    if (!e->selected) continue;
    if (e->delay == NULL && e->dtype != ADEX_DTYPE_BOOL) {
      e->buf = e->var;
    } else if (e->delay == NULL) {
      const unsigned char *v = e->var;
      unsigned char *b = delay_block + off;
      for (size_t j = 0; j < e->count; j++) b[j] = v[j] != 0;
      e->buf = b;
      off += adex__align_up(entry_bytes(e));
    } else {
      e->buf = delay_block + off;
      off += adex__align_up(entry_bytes(e));
      adex_delay_export(e->delay, e->buf);
    }
  }
  unsigned char *image = NULL;
  size_t size = 0;
  if (st == ADEX_OK)
    st = format == ADEX_STATE_H5 ? adex__h5_save(s, &image, &size)
                                 : adex__npz_save(s, &image, &size);
  if (st == ADEX_OK) st = write_atomic(s, image, size);
  adex__free(s->alloc, image, size);
  adex__free(s->alloc, delay_block, delay_bytes);
  return st;
}

adex_status adex_pop_save_states(adex_pop *pop, const char *filename,
                                 const char *const *variables,
                                 size_t n_variables) {
  if (pop == NULL) return adex__fail(ADEX_EINVAL, "pop must not be NULL");
  adex_state_format format;
  adex_status st = adex_state_format_of(filename, &format);
  if (st != ADEX_OK) return adex__pop_fail(pop, st);
  adex__state s;
  st = build_table(pop, filename, &s);
  if (st == ADEX_OK) st = select_keys(pop, &s, variables, n_variables);
  if (st == ADEX_OK) st = adex__state_save(&s, format);
  free_table(&s);
  if (st != ADEX_OK) return adex__pop_fail(pop, st);
  adex__clear_error();
  return ADEX_OK;
}

/* ------------------------------------------------------------------ load */

/* Write the staged data of every entry found into the population, in file
 * order, with the verbose lines; then the warnings and the report. */
static void commit(adex__state *s, int verbose, FILE *log,
                   adex_state_report *report) {
  for (size_t k = 0; k < s->n_file; k++) {
    for (size_t i = 0; i < s->n; i++) {
      adex__state_entry *e = &s->e[i];
      if (!e->found || e->order != k) continue;
      if (verbose && log != NULL) fprintf(log, "Loading %s ...\n", e->key);
      if (e->delay != NULL) {
        adex_delay_import(e->delay, e->buf);
      } else if (e->dtype != ADEX_DTYPE_BOOL) {
        memcpy(e->var, e->buf, entry_bytes(e));
      } else {
        const unsigned char *b = e->buf;
        bool *v = e->var;
        for (size_t j = 0; j < e->count; j++) v[j] = b[j] != 0;
      }
    }
  }
  size_t used = 0;
  for (size_t i = 0; i < s->n; i++) {
    adex__state_entry *e = &s->e[i];
    if (e->found) continue;
    if (log != NULL)
      fprintf(log, "Warning: %s is not in %s; left unchanged\n", e->key,
              s->filename);
    if (report == NULL) continue;
    report->n_missing++;
    size_t room = sizeof report->missing - used;
    int k = snprintf(report->missing + used, room, "%s%s", used ? ", " : "",
                     e->key);
    if (k >= 0 && (size_t)k < room) {
      used += (size_t)k;
    } else if (room > 4) {
      snprintf(report->missing + sizeof report->missing - 4, 4, "...");
      used = sizeof report->missing - 1;
    }
  }
  if (report != NULL) {
    report->n_file = s->n_file;
    report->n_loaded = s->n_file;
  }
}

adex_status adex__state_load(adex__state *s, adex_state_format format,
                             int verbose, FILE *log,
                             adex_state_report *report) {
  adex_status st = ADEX_OK;
  /* One staging block for every key, each part aligned. */
  size_t stage_bytes = 0;
  unsigned char *stage = NULL;
  for (size_t i = 0; st == ADEX_OK && i < s->n; i++)
    stage_bytes += adex__align_up(entry_bytes(&s->e[i]));
  if (st == ADEX_OK && (stage = adex__alloc(s->alloc, stage_bytes)) == NULL)
    st = adex__state_fail(s, ADEX_ENOMEM, "out of memory staging %zu bytes",
                          stage_bytes);
  for (size_t i = 0, off = 0; st == ADEX_OK && i < s->n; i++) {
    s->e[i].buf = stage + off;
    off += adex__align_up(entry_bytes(&s->e[i]));
  }
  unsigned char *image = NULL;
  size_t size = 0;
  if (st == ADEX_OK) st = read_file(s, &image, &size);
  if (st == ADEX_OK)
    st = format == ADEX_STATE_H5 ? adex__h5_stage(s, image, size)
                                 : adex__npz_stage(s, image, size);
  if (st == ADEX_OK && s->n_file == 0)
    st = adex__state_fail(s, ADEX_EFORMAT, "the file holds no arrays");
  for (size_t i = 0; st == ADEX_OK && i < s->n; i++)
    if (s->e[i].found) st = adex__state_check_values(s, &s->e[i]);
  if (st == ADEX_OK)
    commit(s, verbose, log != NULL ? log : verbose ? stderr : NULL, report);
  adex__free(s->alloc, image, size);
  adex__free(s->alloc, stage, stage_bytes);
  return st;
}

adex_status adex_pop_load_states_report(adex_pop *pop, const char *filename,
                                        int verbose, FILE *log,
                                        adex_state_report *report) {
  if (report != NULL) memset(report, 0, sizeof *report);
  if (pop == NULL) return adex__fail(ADEX_EINVAL, "pop must not be NULL");
  adex_state_format format;
  adex_status st = adex_state_format_of(filename, &format);
  if (st != ADEX_OK) return adex__pop_fail(pop, st);
  adex__state s;
  st = build_table(pop, filename, &s);
  if (st == ADEX_OK) st = adex__state_load(&s, format, verbose, log, report);
  free_table(&s);
  if (st != ADEX_OK) return adex__pop_fail(pop, st);
  adex__clear_error();
  return ADEX_OK;
}

adex_status adex_pop_load_states(adex_pop *pop, const char *filename,
                                 int verbose, FILE *log) {
  return adex_pop_load_states_report(pop, filename, verbose, log, NULL);
}
