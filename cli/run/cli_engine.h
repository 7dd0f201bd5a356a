/* cli/run/cli_engine.h - build and run a cli_sim.
 *
 * Setup (all before the first step, so that a bad setting or an output
 * that cannot be written is reported before anything runs): the time
 * grid, one adex_pop per population (library messages are mapped onto the
 * config path or the flag of the value at fault), --load-state (before
 * any output exists), the inputs, the recorder.
 *
 * The steps are the library's run loop (adex_net_run_hooked on a network
 * of every population, spike source and projection; src/run/drive.c) with
 * the program's hooks. Each step k = 0..nsteps-1 from t = start + k*dt to
 * t + dt, in this order:
 *   1. (before_step) every input adds its value for step k into its
 *      population's input; the recorder keeps the inputs it samples;
 *   2. the network's step (phases 2-3 of docs/networks.md: every
 *      projection, then every population, adex_pop_update(t, dt));
 *   3. (after_step) spikes are counted and recorded from the population's
 *      event list (stamped t, or the crossing time with precise_spikes),
 *      samples taken (t + dt), progress shown;
 *   4. the caller's hook runs (the CSV outputs of --spikes and --trace).
 * t = cli_sim_time(sim, k). An ADEX_ERANGE of the first update (a dt
 * outside the stability region of the method) is a usage error (exit 2;
 * the caller removes every temporary). A SIGINT or SIGTERM stops the loop
 * before the next step; the output is then finished with what was
 * recorded.
 */
#ifndef ADEX_CLI_ENGINE_H
#define ADEX_CLI_ENGINE_H

#include <stdint.h>

#include "adex/adex.h"
#include "cli_inputs.h"
#include "cli_record.h"
#include "cli_sim.h"

/* Called after each step; returns 0 or an exit status that stops the run. */
typedef int (*cli_step_hook)(void *ctx, uint64_t k, double t);

typedef struct cli_engine {
  const cli_sim *sim;
  adex_pop **pops;  /* npops handles */
  double **inputs;  /* their input arrays (float64 populations), or
                             a zeroed double buffer added into the
                             float32 input after the inputs ran */
  double **scratch; /* those buffers (NULL for float64 ones) */
  int any_f32;      /* some population is float32 */
  cli_inputs *ins;
  cli_recorder *rec;      /* NULL without an output file */
  uint64_t nsteps;        /* steps planned */
  uint64_t steps_done;    /* steps taken */
  uint64_t **counts;      /* spikes per neuron, per population */
  uint64_t *totals;       /* spikes per population */
  double wall_s;          /* seconds in the loop */
  int signal;             /* the signal that stopped the run, or 0 */
  adex_init *param_inits; /* npops x ADEX_NPARAMS (per-neuron values) */
  adex_net *net;          /* the library's network of every population
                             (borrowed), spike source and projection: its
                             run loop takes the steps */
  int coupled;            /* it has projections or spike sources, or
                             runs on several ranks (one state file for
                             the whole network) */
  size_t *lo;             /* this rank's first neuron of each population
                             (0 alone; cli_dist.h) */
} cli_engine;

/* Whether population p is a spike source (PoissonGroup, SpikeTimeGroup:
 * a node of the network, e->pops[p] NULL). */
int cli_engine_is_source(const cli_engine *e, size_t p);

/* The name of population p (a population's or a source's). */
const char *cli_engine_pop_name(const cli_engine *e, size_t p);

/* Number of steps of sim: ceil(duration/dt) (adex_run_steps), checked: at least one when
 * the duration is not 0, and a time grid the library accepts
 * (adex_run_check_time: --start 1e20 cannot tell steps of 0.1 ms apart).
 * Returns 0 or CLI_EXIT_USAGE after printing the problem. */
int cli_engine_steps(const cli_sim *sim, uint64_t *nsteps);

/* Warn on stderr when those steps do not make up the duration asked for
 * (--dt 0.4 --duration 1 simulates 3 steps, 1.2 ms). */
void cli_engine_note_time(const cli_sim *sim, uint64_t nsteps);

/* Build everything; e is zeroed first. Returns 0 or an exit status after
 * printing the problem (cli_engine_free must still be called). */
int cli_engine_setup(cli_engine *e, const cli_sim *sim);

/* Take the steps (hook may be NULL), showing progress unless quiet, and
 * finish the output file. Returns 0, CLI_EXIT_FAILURE, or 128 + signal
 * when a signal stopped the run (the output then holds what was done). */
int cli_engine_run(cli_engine *e, int quiet, cli_step_hook hook, void *ctx);

/* --save-state: save every population's state to sim->save_state (one
 * file per population when there are several: cli_state_path). Writes
 * the file names, ", "-separated, into done. Returns 0 or
 * CLI_EXIT_FAILURE after printing the library's message. */
int cli_engine_save_state(cli_engine *e, char *done, size_t len);

/* The spike events of pop's last update (adex_pop_spike_events); 0, or
 * -1 after printing the problem. */
int cli_spike_events(adex_pop *pop, const adex_spike_event **ev, size_t *n);

/* Copy variable v (V, w, input or t_last_spike) of neurons idx[0..n)
 * (idx NULL: neurons 0..n-1) of pop into dst, as double whatever the
 * population's dtype. */
void cli_pop_gather(adex_pop *pop, cli_var_id v, const size_t *idx, size_t n,
                    double *dst);

/* Free everything (removes an unfinished output). */
void cli_engine_free(cli_engine *e);

#endif /* ADEX_CLI_ENGINE_H */
