/* adex/runner.h - run a population for many steps in one call: inputs added
 * before each step, variables recorded after it (BrainPy's DSRunner with
 * monitors; the loop behind Python's adex.run).
 *
 * adex_pop_run(pop, t0, dt, steps, ...) does, for k = 0 .. steps-1:
 *   1. input[i] += the input spec's value for step k and neuron i
 *      (added to what is already there, as BrainPy's runner does; the
 *      update then consumes and zeroes input);
 *   2. adex_pop_update(pop, adex_run_time(t0, dt, k), dt)  (t0 + k*dt,
 *      computed from the integer k, never accumulated);
 *   3. row k of every monitor = the variable after the update (a state
 *      recorded after the step belongs to t0 + (k+1)*dt; a spike in row k
 *      was found in the step that starts at t0 + k*dt);
 *   4. every `progress_every` steps and after the last one, the progress
 *      callback, which may stop the run.
 * Everything is checked before the first step; the loop itself does not
 * allocate, format strings or look names up. It is the library's one
 * driver (the same loop as adex_net_run_io's, on a network of this one
 * population, src/run/drive.c).
 *
 * Not thread-safe beyond the population's rule (one thread per handle).
 */
#ifndef ADEX_RUNNER_H
#define ADEX_RUNNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "adex/export.h"
#include "adex/names.h"
#include "adex/pop.h"
#include "adex/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Most monitors one run may have. */
#define ADEX_RUN_MAX_MONITORS 64

/* How the input of each step is given. */
typedef enum adex_run_input_kind {
  ADEX_RUN_INPUT_NONE,   /* nothing is added */
  ADEX_RUN_INPUT_SCALAR, /* input[i] += value, every step, every neuron */
  ADEX_RUN_INPUT_NEURON, /* input[i] += data[i], every step; data[num] */
  ADEX_RUN_INPUT_STEP,   /* input[i] += data[k*num + i] at step k;
                            data[steps * num], C order */
  ADEX_RUN_INPUT_GEN     /* input[i] += a generator's next step
                            (adex/inputs.h), streamed: no array */
} adex_run_input_kind;

struct adex_gen;

/* The input spec; units of input (R*I in mV). */
typedef struct adex_run_input {
  adex_run_input_kind kind;
  double value;         /* SCALAR */
  const double *data;   /* NEURON, STEP; only read during the call */
  struct adex_gen *gen; /* GEN: of the target's size; each step adds
                           its next step (adex_gen_next_step), so a run
                           continued goes on with the generator's stream
                           (a first step that fails has taken one step of
                           it: the one thing it does not put back) */
} adex_run_input;

/* One recorded variable. */
typedef struct adex_run_monitor {
  const char *var;       /* variable name, relative ("V", "spike") or
                            absolute ("AdExIF0.V"); any of adex_pop_var_at */
  const size_t *indices; /* NULL: every neuron; else n_indices flat neuron
                            indices (each < num, repeats allowed) */
  size_t n_indices;      /* with indices: how many (>= 1) */
  adex_dtype dtype;      /* element type of out; must be the variable's
                            (spike: ADEX_DTYPE_BOOL) */
  void *out;             /* steps x width elements, C order, width = num or
                            n_indices; row k = the variable after step k.
                            Written only for the steps done. */
} adex_run_monitor;

/* Progress callback: `done` of `total` steps are finished. Return 0 to go
 * on, nonzero to stop the run after this step. */
typedef int (*adex_run_progress_fn)(void *user, size_t done, size_t total);

/* The finest time grid a run may have, as a fraction of dt: the spacing
 * of doubles near every time of the run must be at most dt times this. */
#define ADEX_TIME_RESOLUTION 1e-3

/* Most steps one run may take (adex_run_steps refuses more). */
#define ADEX_RUN_MAX_STEPS 1000000000000.0

/* The number of steps of dt ms a run of `duration` ms takes, the one rule
 * of the library, the adex program and Python (docs/semantics.md, *Time*):
 * BrainPy's count, len(np.arange(start, start + duration, dt)), i.e.
 * ceil(duration / dt), without the rounding artefacts of that expression:
 * a duration within 1e-9 (relative) of a whole number of steps counts as
 * that number (1.0 / 0.1 is 10 steps, 1.04 / 0.1 is 11, 0.3 / 0.1 is 3
 * from any start). duration 0 gives 0 steps, any duration > 0 at least
 * one (BrainPy's arange(0, 1, 2.5) has one element). Returns ADEX_OK, or
 * ADEX_EINVAL (duration not finite or < 0, dt not finite or <= 0, more
 * than ADEX_RUN_MAX_STEPS steps, steps NULL) with the message. */
ADEX_API adex_status adex_run_steps(double duration, double dt, size_t *steps);

/* Check the time grid of a run of `steps` steps of dt ms from t0 ms,
 * t_k = t0 + k*dt: dt finite and > 0, t0 and the end t0 + steps*dt
 * finite, and at every time of the run the spacing of doubles at most
 * ADEX_TIME_RESOLUTION * dt. Beyond that the times no longer tell the
 * steps apart (from t0 = 1e20 ms every t_k is 1e20; t - t_last_spike of a
 * refractory period never grows). Returns ADEX_OK, or ADEX_EINVAL with
 * the message (for a coarse grid it gives the largest |t| that dt
 * allows). adex_pop_run checks this first; front ends that take the
 * steps themselves (the adex program) call it. */
ADEX_API adex_status adex_run_check_time(double t0, double dt, size_t steps);

/* The time (ms) of step k of a run from t0 with steps of dt, the one
 * rule of the library, the adex program and Python: (n0 + k)*dt when t0
 * is a whole number n0 of steps (within 1e-9, relative) and n0 + k is
 * exact in a double, else t0 + k*dt; never accumulated. A run continued
 * from where another stopped (t0 = the first's end) thus takes the times
 * of the uninterrupted run, bit for bit. */
ADEX_API double adex_run_time(double t0, double dt, uint64_t k);

/* What a front end adds to a run of the library's driver (adex_net_run_hooked,
 * behind the adex program): each may be NULL. before_step(user, k) runs
 * before step k's inputs (a front end's own input generators),
 * after_step(user, k) after the step and its monitors (counts, streamed
 * recordings); a non-zero return stops the run there and is handed back.
 * progress as adex_run_progress_fn. keeps_spikes: the hooks never write a
 * population's spike flags (the adex program's only read them); a run on
 * threads then takes the lists of spikes its threads gathered, where it
 * would otherwise read every flag again after each step. spikes_only:
 * more, the hooks read nothing of the network but the populations' spike
 * lists (adex_pop_spike_events) and write nothing of it; a run on threads
 * may then keep each thread's part of the state in copies of its own
 * between the hooks, written back at the end and before each progress
 * call. false, the default, is always right for both. batch (with both
 * keeps_spikes and spikes_only): the hooks may run late, a batch of up to
 * `batch` steps at a time, so that a run on threads waits for them once
 * a batch, not once a step. before_step then runs before a batch's first
 * step only; after_step for each of its steps after its last, in order,
 * each seeing that step's spike lists and time (adex_net_time); progress
 * ends a batch. A non-zero return of before_step stops the run before
 * the batch; of after_step, at the end of the batch (after_step is not
 * called for its later steps; `done` counts every step taken). 0 or 1,
 * the default: no batch. Runs that take no team (one thread, several
 * ranks) call the hooks after each step. */
typedef struct adex_run_hooks {
  void *user;
  int (*before_step)(void *user, size_t k);
  int (*after_step)(void *user, size_t k);
  int (*progress)(void *user, size_t done, size_t total);
  bool keeps_spikes;
  bool spikes_only;
  size_t batch;
} adex_run_hooks;

/* Steps between progress calls for a run of `steps`: about 1% of them,
 * at least 1. */
ADEX_API size_t adex_run_progress_every(size_t steps);

/* Run pop for `steps` steps of dt ms from t0 ms, as described above.
 * input: NULL or kind NONE for no input. monitors: n_monitors entries (may
 * be NULL when n_monitors is 0). progress: NULL or called every
 * adex_run_progress_every(steps) steps and after the last one, with `user`.
 * done (may be NULL) receives the number of steps finished; it is `steps`
 * unless the callback stopped the run or an update failed.
 * Returns ADEX_OK (also when the callback stopped the run); ADEX_EINVAL
 * (NULL pop, a time grid adex_run_check_time refuses: dt not finite and
 * > 0, t0 or the end time not finite or too large for dt, an
 * input spec or monitor with a NULL pointer or an unknown kind, a monitor
 * whose dtype is not its variable's, an input variable of a dtype other
 * than float64/float32); ADEX_EKEY (a monitor of an unknown variable; the
 * message lists the valid names); ADEX_ERANGE (a monitor index >= num, or
 * the status of a failing adex_pop_update, e.g. an unstable dt); ADEX_ESIZE
 * (more than ADEX_RUN_MAX_MONITORS monitors, or a monitor or input
 * buffer too large to address); ADEX_ENOMEM (no memory for the copy of
 * the input kept during the first step). Nothing is changed when the checks
 * or the first update fail (the first update is the one that refuses an
 * unstable dt); when a later update fails, the steps before it stay done.
 * Memory: one block of num values, for the first step only; the loop
 * itself allocates nothing. */
ADEX_API adex_status adex_pop_run(adex_pop *pop, double t0, double dt,
                                  size_t steps, const adex_run_input *input,
                                  const adex_run_monitor *monitors,
                                  size_t n_monitors,
                                  adex_run_progress_fn progress, void *user,
                                  size_t *done);

/* Size in bytes of a public struct of libadex, by its C name
 * ("adex_pop_config", "adex_init", "adex_var", "adex_run_input",
 * "adex_run_monitor", "adex_state_report", "adex_pop_delay_info",
 * "adex_spike_event", "adex_params"); 0 for another name. Lets a binding
 * (Python's ctypes) check its copies of the layouts at load time. */
ADEX_API size_t adex_abi_sizeof(const char *type_name);

#ifdef __cplusplus
}
#endif
#endif /* ADEX_RUNNER_H */
