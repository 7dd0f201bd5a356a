/* cli/run/cli_record.h - recordings of `adex run`, streamed to one output file.
 *
 * The format follows the extension of the output path (layouts in
 * docs/cli.md):
 *   .h5/.hdf5  one group per population (named by its name) holding
 *              spikes/t (float64, ms) and spikes/neuron (int64), and for
 *              each recorded variable a float64 dataset of shape
 *              samples x watched neurons, with `ts` (float64, ms, the time
 *              of each sample) and `neurons` (int64, the watched indices)
 *              beside them; attributes carry the parameters, dt, method,
 *              seed and adex version. Datasets are chunked and extendible
 *              and are appended to during the run, so memory stays bounded.
 *   .csv       long format, one row per value: t,population,neuron,var,value
 *              (spikes as var "spike" with value 1, at the spike time).
 *   .npy       one float64 array: the one recorded variable of the one
 *              population (samples x watched neurons), or, when no
 *              variable is recorded, its spikes as rows (t, neuron).
 * The file is written under a temporary name and renamed when finished;
 * a run stopped by a signal still finishes the file (with the attribute
 * interrupted = 1 in .h5 files).
 */
#ifndef ADEX_CLI_RECORD_H
#define ADEX_CLI_RECORD_H

#include <stdint.h>

#include "adex/adex.h"
#include "cli_sim.h"

typedef struct cli_recorder cli_recorder;

/* Open sim->out for a run of nsteps steps of the populations pops (built
 * from sim->pops) and the network net of sim->projs (NULL without
 * projections; .h5 files get a group per projection whose attributes say
 * what it is): check that the format can hold what is recorded, create
 * the temporary file and its layout. Returns 0, or an exit status after
 * printing the problem (CLI_EXIT_USAGE if the file cannot be made). */
int cli_record_open(const cli_sim *sim, adex_pop *const *pops, adex_net *net,
                    uint64_t nsteps, cli_recorder **out);

/* Before the update of step k: keep the inputs of sampled neurons (the
 * update consumes them). */
void cli_record_before(cli_recorder *r, uint64_t k);

/* Whether r reads nothing of the populations but their spike lists (no
 * variable sampled, no projection recorded). */
int cli_record_spikes_only(const cli_recorder *r);

/* After the update of step k from t to t + dt: store the spikes of the
 * populations' event lists (each at its event time: t, or the crossing
 * time with precise_spikes) and, every `every` steps, a sample of each
 * variable (stamped cli_sim_time(k + 1)). Returns 0, or CLI_EXIT_FAILURE
 * after printing a write error. */
int cli_record_after(cli_recorder *r, uint64_t k, double t);

/* Flush everything, write the closing attributes (steps done, whether
 * the run was interrupted by signal sig, 0 if not) and rename the file
 * into place. Returns 0 or CLI_EXIT_FAILURE after printing the problem.
 * The recorder must still be freed. */
int cli_record_finish(cli_recorder *r, uint64_t steps_done, int sig);

/* One line on what the file holds ("spikes of 200 neurons, V and w of 5
 * neurons every 10 steps"), into buf. */
const char *cli_record_describe(const cli_recorder *r, char *buf, size_t len);

/* Free the recorder; removes the temporary if not finished. NULL: no-op. */
void cli_record_free(cli_recorder *r);

#endif /* ADEX_CLI_RECORD_H */
