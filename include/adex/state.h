/* adex/state.h - save and load a population's state (BrainPy's save_states
 * and load_states; docs/semantics.md section 6). docs/state-files.md is the full
 * description of the files.
 *
 * Keys. One array per key; the keys of a population named P are
 *   P.<var>          every variable of adex_pop_var_at (V, w, input, spike,
 *                    refractory, t_last_spike, then registered ones), with
 *                    the variable's dtype and shape (adex_pop_shape);
 *   P.<delay>.data   every delay registered on the population
 *                    (adex/pop_delays.h): float64, shape
 *                    (max_delay + 1, <variable shape>), row k = the value
 *                    pushed k updates ago (row 0 the newest), as
 *                    adex_delay_export lays it out.
 * A file belongs to a population of that name: to continue a run, load
 * into a population created with the same name, shape and delays.
 *
 * Formats, chosen by the extension of the file name:
 *   .h5 / .hdf5  HDF5, one dataset per key at the root, named the key, as
 *                h5py writes f[key] = array: float64 (float32) as IEEE
 *                little-endian doubles (floats), bool as h5py's enum
 *                (int8, FALSE = 0, TRUE = 1),
 *                contiguous, no timestamps (the same state gives the same
 *                bytes);
 *   .npz         a zip of <key>.npy members, stored (not compressed), each
 *                in npy format 1.0 exactly as numpy.savez writes them
 *                ('<f8', '<f4' or '|b1', C order, header padded to 64
 *                bytes).
 * Any other extension is ADEX_EINVAL.
 *
 * Loading accepts what BrainPy, h5py and numpy write for this model:
 *   - float64 variables (and delays) from float32 or float64 data in
 *     either byte order (exact); float32 variables from the same (float64
 *     rounded to nearest, beyond the float range to +-inf); bool variables
 *     only from bool data (h5py's enum, numpy '|b1') whose bytes are all 0
 *     or 1;
 *   - every value as adex_pop_check_values requires (finite; V and w
 *     within +-ADEX_STATE_MAX; float32 ones within the float range after
 *     rounding), delay values finite;
 *   - every key must be a key of the population: an unknown key (another
 *     population's, a delay not registered here, a group) is ADEX_EKEY;
 *   - every shape must be the key's shape exactly;
 *   - a key of the population missing from the file is not an error: the
 *     variable keeps its value, and a warning is written to the log (a
 *     BrainPy V2.1.12 file has no t_last_spike);
 *   - .npz members may also be compressed (numpy.savez_compressed) and
 *     may use npy format 2.0 or 3.0; Fortran order only where it is the
 *     same layout as C order (at most one extent above 1).
 * Everything is read and checked into temporary memory before the first
 * variable is written: a load that fails changes nothing.
 *
 * Saving writes the whole file to a temporary file in the same directory
 * (the name plus ".tmp.<pid>.<n>"), flushes it to disk and renames it over
 * `filename`: a save that fails leaves any existing file as it was. A
 * symbolic link at `filename` is replaced, not followed.
 *
 * The library never prints: HDF5's automatic error printing is switched
 * off for the calling thread during a call (and restored afterwards), and
 * only adex_pop_load_states writes, to the `log` it is given.
 *
 * Thread safety: calls on different populations may run concurrently
 * (libhdf5 is used through its thread-safe build; each call has its own
 * zip archive). A population must not be updated while it is saved or
 * loaded.
 */
#ifndef ADEX_STATE_H
#define ADEX_STATE_H

#include <stddef.h>
#include <stdio.h>

#include "adex/export.h"
#include "adex/pop.h"
#include "adex/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Longest state key, terminator included: "<pop>.<delay>.data". */
#define ADEX_STATE_KEY_MAX (2 * ADEX_NAME_MAX + 8)

/* File formats. */
typedef enum adex_state_format {
  ADEX_STATE_H5, /* .h5, .hdf5 */
  ADEX_STATE_NPZ /* .npz */
} adex_state_format;

/* The format of a file name by its extension. Returns ADEX_OK or
 * ADEX_EINVAL (NULL, or another extension; the message names the
 * supported ones). */
ADEX_API adex_status adex_state_format_of(const char *filename,
                                          adex_state_format *out);

/* What a load did. */
typedef struct adex_state_report {
  size_t n_file;     /* keys in the file */
  size_t n_loaded;   /* keys loaded (n_file on success, 0 on failure) */
  size_t n_missing;  /* keys of the population not in the file (unchanged) */
  char missing[512]; /* their names, ", "-separated; "..." when cut */
} adex_state_report;

/* Save the state of pop to filename (format by extension, see above).
 * Bool variables are written as 0 or 1 whatever byte they hold.
 * variables: NULL saves every key; else n_variables names, each a key
 * ("AdExIF0.V", "AdExIF0.spk.data") or a key relative to the population
 * ("V", "spk.data"); duplicates are saved once.
 * Returns ADEX_OK; ADEX_EINVAL (NULL pop or filename, an unsupported
 * extension, variables given with n_variables 0); ADEX_EKEY (a name that
 * is no key of the population; the message lists the keys); ADEX_EIO
 * (the temporary file cannot be created, written or renamed; the message
 * has the reason); ADEX_EFORMAT (the HDF5 or zip library failed to build
 * the file); ADEX_ENOMEM. On failure filename is untouched. */
ADEX_API adex_status adex_pop_save_states(adex_pop *pop, const char *filename,
                                          const char *const *variables,
                                          size_t n_variables);

/* Load a state file into pop, checking it all before changing anything.
 * verbose: write "Loading KEY ...\n" for every key loaded (in file order)
 * after the checks passed. Warnings ("Warning: KEY is not in FILE; left
 * unchanged\n") and the verbose lines go to `log`; with log NULL they go
 * to stderr when verbose and nowhere otherwise.
 * Returns ADEX_OK; ADEX_EINVAL (NULL pop or filename, an unsupported
 * extension); ADEX_EIO (the file cannot be opened or read); ADEX_EFORMAT
 * (not an HDF5 / zip file, damaged or truncated, a bad npy header, a
 * member that is not .npy, a key twice, a dtype that does not fit the
 * variable, a bool byte other than 0 or 1, no arrays at all, a value the
 * variable may not hold: NaN or inf, V or w beyond +-ADEX_STATE_MAX, see
 * adex_pop_check_values; delays must be finite); ADEX_EKEY
 * (a key that is not the population's); ADEX_ESIZE (a shape that differs
 * from the key's); ADEX_ENOMEM. The message names the file and the key.
 * On failure the population is unchanged. */
ADEX_API adex_status adex_pop_load_states(adex_pop *pop, const char *filename,
                                          int verbose, FILE *log);

/* adex_pop_load_states, also filling *report (may be NULL). */
ADEX_API adex_status adex_pop_load_states_report(adex_pop *pop,
                                                 const char *filename,
                                                 int verbose, FILE *log,
                                                 adex_state_report *report);

#ifdef __cplusplus
}
#endif
#endif /* ADEX_STATE_H */
