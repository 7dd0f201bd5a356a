/* adex/delay.h - delay buffers: the last max_delay + 1 values of a variable.
 *
 * BrainPy's register_delay / get_delay_data / update_delay / reset_delay
 * (docs/semantics.md section 6). A delay keeps a ring of max_delay + 1 rows of num values
 * each. Ages are counted in steps, that is in pushes: the row of age 0 is the
 * newest value, the row of age k is the value pushed k pushes ago, and an age
 * above max_delay is an error (ADEX_ERANGE). For a per-neuron array of
 * delay steps, create with max_delay = the largest of them.
 *
 * Right after adex_delay_create, age 0 holds `target` (the variable's value
 * at registration) and every older age holds `initial` (zeros if NULL).
 * adex_delay_push(value) makes `value` age 0; every row ages by one and the
 * row of age max_delay is dropped. adex_delay_reset(target) zeroes every row
 * and puts `target` at age 0.
 *
 * All memory (the handle and one ADEX_ALIGN-aligned block of
 * (max_delay + 1) * num doubles) is allocated by adex_delay_create; nothing
 * afterwards allocates. A push is one row copy, O(num), whatever max_delay.
 * The caller's arrays are only read (or, for outputs, written) during a call;
 * none is kept.
 *
 * A handle is not thread-safe for writes: push, reset and import must not run
 * while another thread uses the same handle. The reading functions (get,
 * get_indices, gather, row, export) do not change the handle and may run
 * concurrently with each other. Failures set adex_errmsg() for the calling
 * thread.
 */
#ifndef ADEX_DELAY_H
#define ADEX_DELAY_H

#include <stddef.h>

#include "adex/alloc.h"
#include "adex/export.h"
#include "adex/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct adex_delay adex_delay;

/* Build a delay of num values per row and ages 0..max_delay (steps).
 * target: num values, stored at age 0 (required). initial: NULL for zeros,
 * else num values stored at every age 1..max_delay. alloc: NULL for
 * adex_allocator_default(); it is copied and used for the life of the handle.
 * On success *out is a new handle; on failure *out is NULL (when out is not
 * NULL) and nothing is left allocated.
 * Returns ADEX_OK, ADEX_EINVAL (out or target NULL), ADEX_ESIZE (num 0, or
 * (max_delay + 1) * num doubles not addressable), ADEX_ENOMEM. */
ADEX_API adex_status adex_delay_create(size_t num, size_t max_delay,
                                       const double *target,
                                       const double *initial,
                                       const adex_allocator *alloc,
                                       adex_delay **out);

/* Free a delay and its buffer. NULL is a no-op. */
ADEX_API void adex_delay_destroy(adex_delay *d);

/* Values per row (neurons); 0 for NULL. */
ADEX_API size_t adex_delay_num(const adex_delay *d);

/* Largest age (steps) that can be read; 0 for NULL. */
ADEX_API size_t adex_delay_max(const adex_delay *d);

/* Push value[0..num) as the new age 0; every row ages by one step and the
 * row of age max_delay is dropped. O(num), no allocation. value may point
 * into the delay itself (a row from adex_delay_row).
 * Returns ADEX_OK or ADEX_EINVAL (d or value NULL; the delay is unchanged). */
ADEX_API adex_status adex_delay_push(adex_delay *d, const double *value);

/* Copy the row of age `steps` (pushed `steps` pushes ago) into out[0..num).
 * Returns ADEX_OK, ADEX_EINVAL (NULL pointer) or ADEX_ERANGE (steps >
 * max_delay); out is untouched on failure. */
ADEX_API adex_status adex_delay_get(const adex_delay *d, size_t steps,
                                    double *out);

/* Gather some values of the row of age `steps`: out[j] = that row's value
 * at indices[j], for j < n. n = 0 does nothing (indices and out may then be
 * NULL). Returns ADEX_OK, ADEX_EINVAL (NULL pointer), ADEX_ERANGE (steps >
 * max_delay, or an index >= num; the message names it); out is untouched
 * on failure. */
ADEX_API adex_status adex_delay_get_indices(const adex_delay *d, size_t steps,
                                            const size_t *indices, size_t n,
                                            double *out);

/* Per-neuron delays: out[i] = value at i of the row of age steps[i], for
 * i < num. Returns ADEX_OK, ADEX_EINVAL (NULL pointer) or ADEX_ERANGE (some
 * steps[i] > max_delay; the message names the first such i); out is
 * untouched on failure. */
ADEX_API adex_status adex_delay_gather(const adex_delay *d, const size_t *steps,
                                       double *out);

/* The stored row of age `steps` (num values), for reading without a copy;
 * NULL if d is NULL or steps > max_delay. The memory belongs to the delay
 * and lives until adex_delay_destroy, but the next adex_delay_push, _reset
 * or _import invalidates the pointer: afterwards it no longer holds the
 * row of that age (ask again). */
ADEX_API const double *adex_delay_row(const adex_delay *d, size_t steps);

/* Zero every row and put target[0..num) at age 0 (BrainPy's reset_delay;
 * the `initial` given at create is not restored).
 * Returns ADEX_OK or ADEX_EINVAL (d or target NULL; the delay is
 * unchanged). */
ADEX_API adex_status adex_delay_reset(adex_delay *d, const double *target);

/* Copy the whole history into out, (max_delay + 1) * num doubles, by age:
 * out[k * num + i] = value at i of the row of age k (row 0 is the newest).
 * Returns ADEX_OK or ADEX_EINVAL (NULL pointer). */
ADEX_API adex_status adex_delay_export(const adex_delay *d, double *out);

/* Replace the whole history from `in`, laid out as adex_delay_export writes
 * it; afterwards adex_delay_get(d, k, .) gives row k of `in`. in must not
 * point into the delay. Returns ADEX_OK or ADEX_EINVAL (NULL pointer; the
 * delay is unchanged). */
ADEX_API adex_status adex_delay_import(adex_delay *d, const double *in);

#ifdef __cplusplus
}
#endif
#endif /* ADEX_DELAY_H */
