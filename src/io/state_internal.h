/* state_internal.h - what the state-file formats share (internal).
 *
 * src/io/state.c builds the key table of a population (its variables and
 * registered delays), chooses the format, stages data, writes files
 * atomically and commits a load; src/io/state_h5.c and src/io/state_npz.c turn
 * the table into a file image and a file image into staged data. A format
 * module never touches the population: on load it only fills the staging
 * buffers of the table, so a refused file cannot change anything.
 */
#ifndef ADEX_STATE_INTERNAL_H
#define ADEX_STATE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include <stdio.h>

#include "adex/delay.h"
#include "adex/pop.h"
#include "adex/state.h"
#include "internal.h"

/* One key of a population. */
typedef struct adex__state_entry {
  char key[ADEX_STATE_KEY_MAX];   /* "<pop>.<var>" or "<pop>.<delay>.data" */
  adex_dtype dtype;               /* F64, F32 or BOOL */
  size_t ndim;                    /* dimensions of shape */
  size_t shape[ADEX_MAX_DIM + 1]; /* extents, C order */
  size_t count;                   /* elements: product of shape */
  void *var;                      /* the variable's data, or NULL (delay) */
  adex_delay *delay;              /* the delay, or NULL (variable) */
  double limit;                   /* largest |value| a load accepts (NaN:
                                     anything; adex__var_limit) */
  bool selected;                  /* save: write this key */
  bool found;                     /* load: the file has it */
  size_t order;                   /* load: its position in the file */
  /* save: the data to write (bool as bytes 0/1); load: where the format
   * module stages it, in the entry's dtype (bytes 0/1 for BOOL) */
  void *buf;
  /* a network on several ranks: this rank holds columns [cut_lo, cut_lo +
   * cut_n) of cut_all along the last axis (cut_all 0: the whole entry,
   * the same on every rank), or, where cut_pos is set (1-D), the cut_n
   * elements at positions cut_pos[] of cut_all */
  size_t cut_lo, cut_n, cut_all;
  const size_t *cut_pos;
} adex__state_entry;

/* The key table of one save or load. */
typedef struct adex__state {
  const char *filename;        /* for messages */
  size_t n;                    /* keys */
  size_t cap;                  /* room in e */
  adex__state_entry *e;        /* [n] */
  size_t n_file;               /* load: keys met in the file so far */
  const adex_allocator *alloc; /* the population's */
} adex__state;

/* Building a key table (for one population, or a network's several
 * objects): init, add entries, then save or load, then free. */
void adex__state_init(adex__state *s, const char *filename,
                      const adex_allocator *alloc);

/* A new zeroed entry at the end of the table, or NULL (ADEX_ENOMEM, with
 * the message). */
adex__state_entry *adex__state_add(adex__state *s);

/* Add the keys of pop: its variables, then its delays. */
adex_status adex__state_add_pop(adex__state *s, adex_pop *pop);

/* Write the selected entries to s->filename in `format`, atomically. */
adex_status adex__state_save(adex__state *s, adex_state_format format);

/* Read s->filename, check every key, shape, dtype and value, and only
 * then write the entries found into their variables (logging to `log`
 * when verbose; missing keys warned there and listed in *report). */
adex_status adex__state_load(adex__state *s, adex_state_format format,
                             int verbose, FILE *log, adex_state_report *report);

void adex__state_free(adex__state *s);

/* What a file says about a key's element type. */
typedef enum adex__file_dtype {
  ADEX__FILE_F64,  /* float64, either byte order */
  ADEX__FILE_F32,  /* float32, either byte order */
  ADEX__FILE_BOOL, /* h5py's enum / numpy '|b1' */
  ADEX__FILE_OTHER /* anything else (described in text for messages) */
} adex__file_dtype;

/* Record `st` with the message "<file>: <formatted>". */
adex_status adex__state_fail(const adex__state *s, adex_status st,
                             const char *fmt, ...) ADEX__PRINTF(3, 4);

/* Account for a key met in the file: the entry it names, checked to be a
 * key of the population (ADEX_EKEY) not met before (ADEX_EFORMAT). On
 * success *out is the entry, marked found, with its file position. */
adex_status adex__state_take_key(adex__state *s, const char *key,
                                 adex__state_entry **out);

/* Check a file's element type (described by `what`, e.g. "int64") and
 * shape against the entry: ADEX_EFORMAT for a type that does not fit,
 * ADEX_ESIZE for another shape. */
adex_status adex__state_check(const adex__state *s, const adex__state_entry *e,
                              adex__file_dtype dtype, const char *what,
                              size_t ndim, const unsigned long long *shape);

/* The float nearest to d, with IEEE overflow to +-inf (a C cast of an
 * out-of-range double is undefined). */
float adex__state_to_float(double d);

/* Check staged real values against the entry's limit (finite, and
 * within +-limit), else ADEX_EFORMAT naming the key and the element. */
adex_status adex__state_check_values(const adex__state *s,
                                     const adex__state_entry *e);

/* Check staged bool bytes: all 0 or 1, else ADEX_EFORMAT. */
adex_status adex__state_check_bools(const adex__state *s,
                                    const adex__state_entry *e);

/* Formats. Save: build a complete file image of the selected entries into
 * a block from s->alloc (*size bytes; free with adex__free(s->alloc, *image,
 * *size)). Stage: parse a file image and fill the staging buffers of the
 * entries the file has (found, order), checking everything; never writes
 * anywhere else. */
adex_status adex__h5_save(const adex__state *s, unsigned char **image,
                          size_t *size);
adex_status adex__h5_stage(adex__state *s, const unsigned char *image,
                           size_t size);
/* Walk an HDF5 image with bounds checks before libhdf5 sees it; accept
 * only the layout h5py writes by default (src/io/state_h5check.c). Returns
 * ADEX_OK or ADEX_EFORMAT with the reason. */
adex_status adex__h5_precheck(const adex__state *s, const unsigned char *image,
                              size_t size);
adex_status adex__npz_save(const adex__state *s, unsigned char **image,
                           size_t *size);
adex_status adex__npz_stage(adex__state *s, const unsigned char *image,
                            size_t size);

#endif /* ADEX_STATE_INTERNAL_H */
