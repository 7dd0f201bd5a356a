/* cli/common/cli_progress.h - a progress bar on stderr, and stopping on signals.
 *
 * The bar appears only when stderr is a terminal, --quiet is not given and
 * the run has taken more than a second; it shows the simulated time, the
 * speed (simulated ms per wall-clock second) and the time left, redrawn in
 * place about five times a second and erased at the end, so nothing of it
 * ends up in files or pipes.
 *
 * SIGINT and SIGTERM set a flag that the step loop checks before each
 * step; the run then stops, writes what it has and exits 128 + signal. A
 * second signal of the same kind ends the program at once.
 */
#ifndef ADEX_CLI_PROGRESS_H
#define ADEX_CLI_PROGRESS_H

#include <stdint.h>

typedef struct cli_progress {
  int enabled;      /* stderr is a terminal and not quiet */
  int shown;        /* the bar is on screen */
  uint64_t total;   /* steps of the run */
  double dt, start; /* ms */
  double t0, last;  /* wall-clock seconds: start, last redraw */
} cli_progress;

/* Start measuring a run of total steps of dt ms from start. */
void cli_progress_begin(cli_progress *pg, uint64_t total, double dt,
                        double start, int quiet);

/* Report that done steps are finished (cheap; redraws when due). */
void cli_progress_update(cli_progress *pg, uint64_t done);

/* Erase the bar if it is shown. */
void cli_progress_end(cli_progress *pg);

/* Seconds on the monotonic clock. */
double cli_now(void);

/* Catch SIGINT and SIGTERM (until cli_signals_restore). */
void cli_signals_install(void);

/* The signal that asked the run to stop, or 0. */
int cli_signals_caught(void);

/* Put the previous handlers back. */
void cli_signals_restore(void);

#endif /* ADEX_CLI_PROGRESS_H */
