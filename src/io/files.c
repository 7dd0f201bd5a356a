/* files.c - a file's kind from its name (include/adex/files.h): the one
 * extension rule of the library and the adex program. */
#include <stddef.h>
#include <string.h>

#include "adex/files.h"

int adex_file_has_ext(const char *path, const char *ext) {
  if (path == NULL || ext == NULL) return 0;
  size_t n = strlen(path), m = strlen(ext);
  if (n <= m) return 0;
  for (size_t i = 0; i < m; i++) {
    char a = path[n - m + i], b = ext[i];
    if (a >= 'A' && a <= 'Z') a = (char)(a - 'A' + 'a');
    if (b >= 'A' && b <= 'Z') b = (char)(b - 'A' + 'a');
    if (a != b) return 0;
  }
  return 1;
}

adex_file_kind adex_file_kind_of(const char *path) {
  static const struct {
    const char *ext;
    adex_file_kind kind;
  } table[] = {{".h5", ADEX_FILE_H5},   {".hdf5", ADEX_FILE_H5},
               {".npz", ADEX_FILE_NPZ}, {".npy", ADEX_FILE_NPY},
               {".csv", ADEX_FILE_CSV}, {".txt", ADEX_FILE_TXT}};
  for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
    if (adex_file_has_ext(path, table[i].ext)) return table[i].kind;
  return ADEX_FILE_UNKNOWN;
}
