/* adex/pop_delays.h - delay buffers registered by name: a population's own
 * (BrainPy's register_delay, get_delay_data, update_delay, reset_delay;
 * docs/semantics.md section 6) and a process-wide registry shared across objects
 * (BrainPy's global_delay_vars).
 *
 * A registered delay is an adex_delay (adex/delay.h: a ring of
 * max_delay + 1 rows of num values; age 0 is the newest row) plus its name,
 * its target variable and, optionally, one delay in steps per neuron.
 *
 * Local registry (per population):
 *   - the target is a variable of the population (adex_pop_var_find: "V",
 *     "spike", a registered variable, ...). A bool target is stored as
 *     0.0 / 1.0. Right after registration, age 0 holds the target's current
 *     value and every older age holds `initial` (zeros when NULL).
 *   - the delays are saved and loaded with the state (adex/state.h), under
 *     the key "<population name>.<delay name>.data".
 *   - adex_pop_reset() leaves them alone (docs/semantics.md section 3); adex_pop_destroy()
 *     frees them.
 *   - registering a name that exists keeps one buffer with the larger
 *     maximum (as BrainPy, which keeps the larger delay): with a maximum
 *     <= the registered one nothing changes except the per-neuron steps
 *     (replaced when given); with a larger one the buffer grows, the
 *     whole history is kept at the same ages, and the new, older ages are
 *     filled with `initial` (zeros when NULL). The target must be the same
 *     as at the first registration (ADEX_EINVAL otherwise). Growing
 *     replaces the adex_delay handle: a handle from adex_pop_delay() or
 *     adex_pop_delay_at() is valid until the next registration of the same
 *     name or adex_pop_destroy().
 *
 * BrainPy makes a population's delays aliases of global entries of the
 * same name; here they are separate: a population owns its delays, and the
 * global registry is an independent, explicit name -> delay map.
 *
 * Delay names are one or more identifiers joined by dots ("spike",
 * "pre.spike"), shorter than ADEX_NAME_MAX.
 *
 * Nothing here allocates after registration: update, get, gather and reset
 * copy rows. A population's registry follows the population's rule (one
 * thread at a time); the global registry's functions are thread-safe (one
 * mutex), but the adex_delay handles it hands out are not (see
 * adex/delay.h).
 *
 * Failures set adex_errmsg() for the calling thread and, for the functions
 * on a population, adex_pop_errmsg(pop).
 */
#ifndef ADEX_POP_DELAYS_H
#define ADEX_POP_DELAYS_H

#include <stdbool.h>
#include <stddef.h>

#include "adex/delay.h"
#include "adex/export.h"
#include "adex/pop.h"
#include "adex/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Most delays one population can hold. */
#define ADEX_MAX_POP_DELAYS 16

/* One registered delay of a population. */
typedef struct adex_pop_delay_info {
  const char *name;    /* delay name; owned by the population */
  const char *target;  /* relative name of the target variable ("V") */
  size_t max_delay;    /* largest readable age, steps */
  const size_t *steps; /* per-neuron delays [num], steps, or NULL */
  adex_delay *delay;   /* the buffer; see the handle rule above */
} adex_pop_delay_info;

/* Whether s is a valid delay name: identifiers joined by '.', shorter than
 * ADEX_NAME_MAX ("spike", "exc.spike"). */
ADEX_API bool adex_delay_name_is_valid(const char *s);

/* ------------------------------------------------------------------ local */

/* Register (or grow, see above) the delay `name` of variable `target`.
 * max_delay: the largest age, steps. per_neuron_steps: NULL, or num values
 * (steps); then the maximum is the larger of max_delay and their largest
 * value (pass max_delay 0 to use theirs), and
 * adex_pop_get_delay_data_gather reads neuron i at age per_neuron_steps[i]. initial: NULL (zeros) or num
 * values for the ages 1..max_delay. All arrays are copied.
 * Returns ADEX_OK, ADEX_EINVAL (NULL pop/name/target, a name that is not
 * valid, another target than the registered one), ADEX_EKEY (no such
 * target variable), ADEX_ESIZE (ADEX_MAX_POP_DELAYS delays already, or a
 * buffer too large to address), ADEX_ENOMEM. On failure nothing changes. */
ADEX_API adex_status adex_pop_register_delay(adex_pop *pop, const char *name,
                                             size_t max_delay,
                                             const size_t *per_neuron_steps,
                                             const char *target,
                                             const double *initial);

/* Copy the value pushed `steps` updates ago (0: the newest) into
 * out[0..num). Returns ADEX_OK, ADEX_EINVAL (NULL pointer), ADEX_EKEY
 * (no delay of that name; the message lists the registered ones),
 * ADEX_ERANGE (steps above the maximum; the message names both). */
ADEX_API adex_status adex_pop_get_delay_data(adex_pop *pop, const char *name,
                                             size_t steps, double *out);

/* out[j] = value at neuron indices[j] pushed `steps` updates ago, j < n.
 * Returns as adex_pop_get_delay_data, plus ADEX_ERANGE for an index >= num. */
ADEX_API adex_status adex_pop_get_delay_data_indices(adex_pop *pop,
                                                     const char *name,
                                                     size_t steps,
                                                     const size_t *indices,
                                                     size_t n, double *out);

/* Per-neuron delays: out[i] = value at neuron i pushed steps[i] updates
 * ago, with the steps given at registration. Returns as
 * adex_pop_get_delay_data, plus ADEX_EINVAL when the delay was registered
 * without per-neuron steps. */
ADEX_API adex_status adex_pop_get_delay_data_gather(adex_pop *pop,
                                                    const char *name,
                                                    double *out);

/* Push value[0..num) as the newest row (BrainPy's update_delay); NULL
 * pushes the target's current value (bools as 0.0 / 1.0). No allocation.
 * Returns ADEX_OK, ADEX_EINVAL, ADEX_EKEY. */
ADEX_API adex_status adex_pop_update_delay(adex_pop *pop, const char *name,
                                           const double *value);

/* Zero the whole history and put the target's current value at age 0
 * (BrainPy's reset_delay). Returns ADEX_OK, ADEX_EINVAL, ADEX_EKEY. */
ADEX_API adex_status adex_pop_reset_delay(adex_pop *pop, const char *name);

/* The buffer of delay `name`, or NULL (ADEX_EKEY in the messages) when
 * there is none. Valid as the handle rule above says. */
ADEX_API adex_delay *adex_pop_delay(adex_pop *pop, const char *name);

/* Number of delays registered on the population (0 for NULL). */
ADEX_API size_t adex_pop_delay_count(const adex_pop *pop);

/* Describe delay i (registration order). Returns ADEX_OK, ADEX_EINVAL
 * (NULL pointer) or ADEX_EKEY (i out of range). */
ADEX_API adex_status adex_pop_delay_at(adex_pop *pop, size_t i,
                                       adex_pop_delay_info *out);

/* ----------------------------------------------------------------- global */

/* Register the global delay `name` of num values and ages 0..max_delay:
 * a new name creates it from target (age 0, required) and initial (older
 * ages; NULL for zeros). An existing name with max_delay <= its maximum
 * returns the existing buffer unchanged; with a larger one the buffer grows
 * as a population's does (history kept, new ages from `initial`), and the
 * old handle is destroyed. *out (may be NULL) receives the buffer, which
 * the registry owns. Returns ADEX_OK, ADEX_EINVAL (NULL name/target, an
 * invalid name), ADEX_ESIZE (num differs from the registered one, or the
 * buffer is too large), ADEX_ENOMEM. */
ADEX_API adex_status adex_global_delay_register(const char *name, size_t num,
                                                size_t max_delay,
                                                const double *target,
                                                const double *initial,
                                                adex_delay **out);

/* Look a global delay up. Returns ADEX_OK, ADEX_EINVAL (NULL pointer) or
 * ADEX_EKEY (no such name; *out is then NULL). */
ADEX_API adex_status adex_global_delay_find(const char *name, adex_delay **out);

/* Number of global delays. */
ADEX_API size_t adex_global_delay_count(void);

/* The i-th global delay in registration order: its name is copied into
 * name[ADEX_NAME_MAX] (may be NULL), its handle into *out (may be NULL).
 * Returns ADEX_OK or ADEX_EKEY (i out of range). */
ADEX_API adex_status adex_global_delay_at(size_t i, char *name,
                                          adex_delay **out);

/* Remove and destroy one global delay. Returns ADEX_OK, ADEX_EINVAL or
 * ADEX_EKEY. */
ADEX_API adex_status adex_global_delay_remove(const char *name);

/* Remove and destroy every global delay (their handles become invalid). */
ADEX_API void adex_global_delay_clear(void);

#ifdef __cplusplus
}
#endif
#endif /* ADEX_POP_DELAYS_H */
