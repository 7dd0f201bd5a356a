/* cli/common/cli_npy.h - .npy headers read from and written to files, on the
 * library's codec (src/io/npy.h: the parser and the writer the .npz state
 * files use too).
 */
#ifndef ADEX_CLI_NPY_H
#define ADEX_CLI_NPY_H

#include <stddef.h>
#include <stdio.h>

#include "npy.h"

/* Bytes of the header cli_npy_write_header writes (magic included). */
#define CLI_NPY_HEADER_BYTES 128

/* Read and parse the header at the current position of fp (the start of
 * the file); leaves fp at the data. 0 or -1 with a message in err. */
int cli_npy_read_header(FILE *fp, adex__npy_header *h, char *err,
                        size_t errlen);

/* Write a v1.0 header of exactly CLI_NPY_HEADER_BYTES bytes at the current
 * position (so that it can be rewritten in place once the final shape is
 * known). Returns 0 or -1 (write error, or a shape too long to fit). */
int cli_npy_write_header(FILE *fp, const char *descr, size_t ndim,
                         const unsigned long long *shape);

#endif /* ADEX_CLI_NPY_H */
