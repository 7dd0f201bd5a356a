/* adex/files.h - what kind of file a name says it is.
 *
 * One rule for every front end: a file's kind comes from its name's
 * extension, compared without regard to ASCII letter case (r.H5 is an
 * HDF5 file as r.h5 is). The state files (adex/state.h), the adex
 * program's outputs, inputs and `adex info` all decide by this table. */
#ifndef ADEX_FILES_H
#define ADEX_FILES_H

#include "adex/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The kinds of file adex reads or writes, by extension. */
typedef enum adex_file_kind {
  ADEX_FILE_UNKNOWN = 0, /* none of the extensions below */
  ADEX_FILE_H5,          /* .h5, .hdf5: HDF5 */
  ADEX_FILE_NPZ,         /* .npz: numpy's zip of .npy members */
  ADEX_FILE_NPY,         /* .npy: one numpy array */
  ADEX_FILE_CSV,         /* .csv: comma-separated text */
  ADEX_FILE_TXT          /* .txt: text (read as CSV where text is taken) */
} adex_file_kind;

/* The kind of the file `path` names, by its extension (any letter case);
 * ADEX_FILE_UNKNOWN for NULL, a name that is only the extension (".h5"),
 * or another extension. */
ADEX_API adex_file_kind adex_file_kind_of(const char *path);

/* Whether `path` ends in `ext` (".png"), ASCII letters compared without
 * regard to case, with at least one character before it; 0 for NULL. */
ADEX_API int adex_file_has_ext(const char *path, const char *ext);

#ifdef __cplusplus
}
#endif

#endif /* ADEX_FILES_H */
