/* cli/common/cli_npy.c - .npy headers from and to files (cli_npy.h), on the
 * library's codec (src/io/npy.c). */
#include "cli_npy.h"

#include <stdlib.h>

int cli_npy_read_header(FILE *fp, adex__npy_header *h, char *err,
                        size_t errlen) {
  unsigned char *buf = NULL;
  size_t have = 0, need = 10;
  int rc = -1;
  for (int round = 0; round < 3; round++) {
    unsigned char *grown = realloc(buf, need);
    if (grown == NULL) {
      snprintf(err, errlen, "out of memory");
      rc = -1;
      break;
    }
    buf = grown;
    have += fread(buf + have, 1, need - have, fp);
    if (have < need) {
      /* a short file: the parser says what is wrong with what is there */
      if (have == 0 || adex__npy_parse(buf, have, h, &need, err, errlen) >= 0)
        snprintf(err, errlen, "file ends inside the npy header");
      rc = -1;
      break;
    }
    rc = adex__npy_parse(buf, have, h, &need, err, errlen);
    if (rc != 1) break;
  }
  free(buf);
  if (rc != 0) return -1;
  if (fseek(fp, (long)h->data_offset, SEEK_SET) != 0) {
    snprintf(err, errlen, "cannot seek past the npy header");
    return -1;
  }
  return 0;
}

int cli_npy_write_header(FILE *fp, const char *descr, size_t ndim,
                         const unsigned long long *shape) {
  unsigned char head[CLI_NPY_HEADER_BYTES];
  size_t n = adex__npy_format_header(descr, ndim, shape, CLI_NPY_HEADER_BYTES,
                                     head, sizeof head);
  if (n != CLI_NPY_HEADER_BYTES) return -1;
  return fwrite(head, 1, n, fp) == n ? 0 : -1;
}
