/* cli/run/cli_dist.h - `adex run` on several processes (mpirun).
 *
 * Started by mpirun with more than one process (and built with Open MPI),
 * `adex run` spreads its network over the processes (ranks): each builds
 * the same network from the same configuration and steps its block of
 * every population (adex_net_set_comm; docs/scaling.md). Everything the
 * program reads of a population goes through cli_spike_events and
 * cli_pop_gather, which then gather the parts to rank 0; every rank runs
 * the same recording code, in the same order (the gathers are collective
 * calls), and only rank 0 writes files and messages: the other ranks'
 * standard output and error go to /dev/null, except for fatal errors
 * (cli_dist_fatal), which end the whole job. The exit status is agreed
 * by all ranks. Alone, every function here is a plain pass-through.
 */
#ifndef ADEX_CLI_DIST_H
#define ADEX_CLI_DIST_H

#include <stddef.h>
#include <stdint.h>

#include "adex/adex.h"

/* Start MPI when launched by mpirun (else nothing): the other ranks'
 * standard output and error are silenced. 0, or an exit status. */
int cli_dist_begin(int *argc, char ***argv);

/* Agree on the exit status (the largest of the ranks') and end MPI;
 * returns the agreed status. */
int cli_dist_end(int status);

/* The communicator of the job, or NULL alone (or one rank). */
const adex_comm *cli_dist_comm(void);

/* Whether this process writes files and messages (rank 0, or alone). */
int cli_dist_root(void);

/* The sum of the ranks' values (alone: v). */
uint64_t cli_dist_sum(uint64_t v);

/* Agree on a status after a phase that may fail on some ranks only (a
 * file one rank cannot read): when rank 0 succeeded but another failed,
 * the first such rank prints its message (cli_last_error) on its real
 * standard error. Returns the largest status (alone: rc). */
int cli_dist_agree_rc(int rc);

/* The largest of the ranks' values (alone: v). */
int cli_dist_agree(int v);

/* Print a message on this rank's real standard error ("adex run (rank r):
 * ...") and end every rank of the job with `code`. Alone: prints it
 * ("adex run: ...") and returns code. */
int cli_dist_fatal(int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Register population pop, this rank's neurons [lo, lo + n) of `total`:
 * from then on cli_spike_events and cli_pop_gather of pop gather. */
int cli_dist_add_pop(adex_pop *pop, size_t lo, size_t total);

/* After each step: gather every registered population's spike events of
 * that step to rank 0 (global neuron indices). 0, or an exit status. */
int cli_dist_step(void);

/* The registered population's gathered events (rank 0: every rank's, by
 * global index; the others: none). 1 if pop is registered, else 0. */
int cli_dist_events(adex_pop *pop, const adex_spike_event **ev, size_t *n);

/* If pop is registered: gather values of neurons idx[0..n) (global; NULL:
 * 0..n-1) of pop to rank 0 into dst, each rank reading its own through
 * `read` (local indices); returns 1. Else 0. */
int cli_dist_gather(adex_pop *pop, const size_t *idx, size_t n, double *dst,
                    void (*read)(adex_pop *pop, const size_t *idx, size_t n,
                                 double *dst, void *ctx),
                    void *ctx);

/* Every rank's nbytes of `mine` to rank 0's out (cap bytes), in rank
 * order (alone: a copy). Collective; 0, or a failure that ended the job
 * (cli_dist_fatal). */
int cli_dist_gather_to(const void *mine, size_t nbytes, void *out, size_t cap);

/* Gather n records of `size` bytes of every rank to rank 0: there a
 * malloc'ed array of them in rank order (*total records), elsewhere NULL
 * (*total 0). Collective. Alone: a copy. */
void *cli_dist_gather_all(const void *mine, size_t n, size_t size,
                          size_t *total);

/* Free the registry (cli_dist_end does). */
void cli_dist_clear(void);

#endif /* ADEX_CLI_DIST_H */
