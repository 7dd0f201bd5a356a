/* npy.h - numpy's .npy header, read and written: the one codec of the
 * library's .npz state files and the adex program's .npy inputs, outputs
 * and `adex info` (internal; the program links the static library).
 *
 * Format (numpy/lib/format.py, "NEP 1"): the magic "\x93NUMPY", a major
 * and minor version byte, the header length (2 bytes little-endian in
 * 1.0, 4 bytes in 2.0 and 3.0), then the repr of a Python dict
 * {'descr': '<f8', 'fortran_order': False, 'shape': (100, 3), } padded
 * with spaces and a final newline, then the raw data. Exactly the three
 * keys, once each, as numpy refuses anything else.
 */
#ifndef ADEX_IO_NPY_H
#define ADEX_IO_NPY_H

#include <stdbool.h>
#include <stddef.h>

/* Most dimensions a header may give; longest header accepted (numpy >=
 * 1.24 refuses above 10000 bytes unless told otherwise). */
#define ADEX__NPY_MAX_DIM 32
#define ADEX__NPY_HEADER_MAX 65536

/* numpy's alignment of the data and the digits it reserves for growing
 * the first extent in place (GROWTH_AXIS_MAX_DIGITS). */
#define ADEX__NPY_ALIGN 64
#define ADEX__NPY_GROWTH_DIGITS 21

/* A parsed header. */
typedef struct adex__npy_header {
  int major, minor; /* format version */
  char descr[32];   /* dtype string, e.g. "<f8" */
  bool fortran;     /* fortran_order */
  size_t ndim;
  unsigned long long shape[ADEX__NPY_MAX_DIM];
  size_t data_offset; /* bytes before the data (magic to newline) */
} adex__npy_header;

/* Parse the header from the first len bytes of a file or member. Returns
 * 0; 1 when more bytes are needed (*need: how many in all); -1 with a
 * message in err ("not an .npy file (no \x93NUMPY magic)", "npy format
 * version 4.0 is not supported", "malformed npy header", a structured
 * dtype said so). */
int adex__npy_parse(const unsigned char *buf, size_t len, adex__npy_header *h,
                    size_t *need, char *err, size_t errlen);

/* Write a version 1.0 header (magic to newline) into buf[cap] for data of
 * `descr` and shape[ndim]; returns its length, or 0 when it does not fit.
 * exact_total > 0: exactly that many bytes (padded with spaces), so that
 * a header can be rewritten in place once the final shape is known;
 * exact_total 0: numpy.save's own layout (room for the first extent to
 * grow, the data aligned to ADEX__NPY_ALIGN). */
size_t adex__npy_format_header(const char *descr, size_t ndim,
                               const unsigned long long *shape,
                               size_t exact_total, unsigned char *buf,
                               size_t cap);

/* "(100, 3)", "(5,)", "()" into buf[len]; returns buf. */
const char *adex__npy_shape_str(size_t ndim, const unsigned long long *shape,
                                char *buf, size_t len);

/* Bytes per element of a descr ("<f8" -> 8, "|b1" -> 1); 0 without one. */
size_t adex__npy_itemsize(const char *descr);

/* numpy's name of a descr for messages: "<i8" -> "int64", "|b1" -> "bool",
 * ">f4" -> "float32 (big-endian)"; anything else quoted as written. */
void adex__npy_descr_name(const char *descr, char *out, size_t size);

#endif /* ADEX_IO_NPY_H */
