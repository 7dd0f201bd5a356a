/* drive.h - the library's one step loop (internal).
 *
 * Every run of the library goes through adex__drive: adex_pop_run (a
 * population alone, behind Python's adex.run), adex_net_run and
 * adex_net_run_io (behind Python's DSRunner) and adex_net_run_hooked
 * (behind the adex program). The callers resolve their inputs and
 * monitors to memory first (adex__drive_in, adex__drive_mon); the loop
 * then allocates nothing. Step k, in this order:
 *   1. the caller's before_step hook (the program's own input generators);
 *   2. every input, in order, onto its variable (a number added to a
 *      population's input that no later input writes: handed to the
 *      step, which adds it first, tile by tile, adex__net_defer_add);
 *   3. the network's step (adex_net_step), at adex_run_time(t0, dt, k);
 *   4. row k of every monitor;
 *   5. the caller's after_step hook (spike counts, streamed recordings);
 *   6. every `every` steps and after the last, the progress callback.
 * A non-zero return of a hook or of the progress callback stops the run
 * (hooks: their value is passed on in *stop). When the first step fails,
 * the variables the inputs wrote are put back as they were. After the
 * first step, a network whose step splits among threads (net_internal.h,
 * adex__net_team_*) takes the rest on one team of threads, in the same
 * order, with the same results (docs/networks.md).
 */
#ifndef ADEX_DRIVE_H
#define ADEX_DRIVE_H

#include <stddef.h>

#include "adex/net.h"
#include "adex/runner.h"

/* An input resolved: what it adds (or applies) to which array. */
typedef struct adex__drive_in {
  void *dst;          /* the variable's elements */
  adex_dtype dtype;   /* ADEX_DTYPE_F64 or ADEX_DTYPE_F32 */
  size_t n;           /* elements */
  char op;            /* '+', '-', '*', '/' or '=' */
  adex_run_input src; /* SCALAR, NEURON or STEP values (double) */
} adex__drive_in;

/* A monitor resolved. */
typedef struct adex__drive_mon {
  const unsigned char *src; /* the variable's elements */
  size_t elem;              /* bytes per element */
  size_t width;             /* elements per row */
  const size_t *idx;        /* NULL: every element, in order */
  unsigned char *out;       /* row 0 */
} adex__drive_mon;

/* Run `steps` steps of the planned network. *done gets
 * the steps finished; *stop (may be NULL) the non-zero value of the hook
 * that stopped the run, else 0. Returns ADEX_OK (also when a hook or the
 * progress callback stopped the run) or the status of the failing step
 * (kept on the network); ADEX_ENOMEM when the copies of the inputs'
 * variables for the first step do not fit. */
adex_status adex__drive(adex_net *net, size_t steps, const adex__drive_in *ins,
                        size_t n_ins, const adex__drive_mon *mons,
                        size_t n_mons, const adex_run_hooks *hooks,
                        size_t *done, int *stop);

/* Check an input's values (kind, data, size for `steps` steps), its op
 * and its target, and fill `r`; `what` names it in messages ("input 0").
 * The target variable is given as (data, dtype, n). */
adex_status adex__drive_plan_in(const adex_run_input *in, char op, size_t steps,
                                void *data, adex_dtype dtype, size_t n,
                                const char *what, adex__drive_in *r);

/* Check a monitor of a variable (data, dtype, len) against its buffer
 * (out, out_dtype, indices) for `steps` rows, and fill `r`. */
adex_status adex__drive_plan_mon(const void *data, adex_dtype dtype, size_t len,
                                 const size_t *indices, size_t n_indices,
                                 adex_dtype out_dtype, void *out, size_t steps,
                                 const char *what, adex__drive_mon *r);

/* A network of its own for one population (adex_pop_run): no name in
 * the registry, time from t0. */
adex_status adex__net_create_alone(double t0, double dt, adex_net **out);

#endif /* ADEX_DRIVE_H */
