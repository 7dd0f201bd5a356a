/* cli/cli_npy.h - the header of numpy's .npy format, read and written.
 *
 * Format (numpy's NEP 1): the magic "\x93NUMPY", a major and minor version
 * byte, the header length (2 bytes little-endian in v1, 4 bytes in v2 and
 * v3), then a Python dict literal such as
 *   {'descr': '<f8', 'fortran_order': False, 'shape': (100, 3), }
 * padded with spaces and a newline, then the raw data. Only what adex
 * needs is understood: any descr is reported, shapes of up to 8 dims.
 */
#ifndef ADEX_CLI_NPY_H
#define ADEX_CLI_NPY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CLI_NPY_MAX_DIM 8
/* Bytes of the header cli_npy_write_header writes (magic included). */
#define CLI_NPY_HEADER_BYTES 128

typedef struct cli_npy_header {
  int major, minor;                /* format version */
  char descr[32];                  /* dtype string, e.g. "<f8" */
  int fortran_order;               /* 1 if column-major */
  size_t ndim;
  uint64_t shape[CLI_NPY_MAX_DIM];
  size_t data_offset;              /* bytes before the data */
} cli_npy_header;

/* Parse a header from the first len bytes of a file. Returns 0, 1 when
 * more bytes are needed (*need says how many in all), or -1 with a
 * message in err. */
int cli_npy_parse(const unsigned char *buf, size_t len, cli_npy_header *h,
                  size_t *need, char *err, size_t errlen);

/* Read and parse the header at the current position of fp (the start of
 * the file); leaves fp at the data. 0 or -1 with a message in err. */
int cli_npy_read_header(FILE *fp, cli_npy_header *h, char *err,
                        size_t errlen);

/* Write a v1.0 header of exactly CLI_NPY_HEADER_BYTES bytes at the current
 * position (so that it can be rewritten in place once the final shape is
 * known). Returns 0 or -1 (write error, or a shape too long to fit). */
int cli_npy_write_header(FILE *fp, const char *descr, size_t ndim,
                         const uint64_t *shape);

/* Bytes per element of a descr such as "<f8", "|b1", "<i8"; 0 if the
 * string has no size. */
size_t cli_npy_itemsize(const char *descr);

/* "(100, 3)" into buf. */
const char *cli_npy_shape_str(size_t ndim, const uint64_t *shape, char *buf,
                              size_t len);

#endif /* ADEX_CLI_NPY_H */
