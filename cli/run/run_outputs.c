/* cli/run/run_outputs.c - the CSV outputs of --spikes and --trace,
 * written by the step hook, renamed into place at the end. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_args.h"
#include "cli_config.h"
#include "cli_dist.h"
#include "run_internal.h"

/* ------------------------------------------------------------ CSV outputs */

/* Open one output temporary and write its header line. */
static int open_output(cli_output *out, const char *path, const char *what,
                       const char *header) {
  int err = cli_output_open(out, path);
  if (err != 0)
    return fail("cannot create %s file '%s': %s", what, path, strerror(err));
  fputs(header, out->fp);
  return 0;
}

/* Open the temporaries of --spikes and --trace before anything runs. */
int cli_run_open_csv(run_csv *c, const run_opts *o, const cli_engine *e) {
  const cli_pop_spec *p = &e->sim->pops[0];
  c->pop = e->pops[0];
  c->n = p->size;
  c->sim = e->sim;
  if (!p->watch_all) {
    c->watch = p->watch;
    c->nwatch = p->nwatch;
  }
  /* on several ranks the others take part in the gathers only */
  c->mute = !cli_dist_root();
  c->tracing = o->trace_path != NULL;
  if (o->spikes_path != NULL && !c->mute &&
      open_output(&c->spikes, o->spikes_path, "--spikes", "t,neuron\n") != 0)
    return CLI_EXIT_USAGE;
  if (o->trace_path != NULL) {
    size_t m = c->watch != NULL ? c->nwatch : c->n;
    c->V = malloc((m > 0 ? m : 1) * sizeof *c->V);
    c->w = malloc((m > 0 ? m : 1) * sizeof *c->w);
    if (c->V == NULL || c->w == NULL) {
      fail("out of memory (%zu neurons)", m);
      return CLI_EXIT_FAILURE;
    }
    if (!c->mute &&
        open_output(&c->trace, o->trace_path, "--trace", "t,neuron,V,w\n") != 0)
      return CLI_EXIT_USAGE;
  }
  return 0;
}

/* Report a failed write to one output; returns 1 if there was one. */
static int output_failed(const cli_output *out, const char *what) {
  int err = cli_output_failed(out);
  if (err == 0) return 0;
  fail("cannot write %s file '%s': %s", what, out->path, strerror(err));
  return 1;
}

/* The step hook: append the spikes (from the event list: stamped t, or
 * the crossing time with --precise-spikes) and trace rows (t + dt). */
int cli_run_csv_step(void *ctx, uint64_t k, double t) {
  run_csv *c = ctx;
  size_t i, j;
  (void)t;
  if (c->spikes.fp != NULL) {
    const adex_spike_event *ev;
    size_t n;
    if (cli_spike_events(c->pop, &ev, &n) != 0) return CLI_EXIT_FAILURE;
    for (j = 0; j < n; j++)
      fprintf(c->spikes.fp, "%.17g,%zu\n", ev[j].t, ev[j].neuron);
    c->spike_rows += n;
  }
  if (c->tracing) {
    double te = cli_sim_time(c->sim, k + 1);
    size_t m = c->watch != NULL ? c->nwatch : c->n;
    cli_pop_gather(c->pop, CLI_VAR_V, c->watch, m, c->V);
    cli_pop_gather(c->pop, CLI_VAR_W, c->watch, m, c->w);
    for (j = 0; j < m && !c->mute; j++) {
      i = c->watch != NULL ? c->watch[j] : j;
      fprintf(c->trace.fp, "%.17g,%zu,%.17g,%.17g\n", te, i, c->V[j], c->w[j]);
    }
    c->trace_rows += c->mute ? 0 : m;
  }
  if (output_failed(&c->spikes, "--spikes") ||
      output_failed(&c->trace, "--trace"))
    return CLI_EXIT_FAILURE;
  return 0;
}

/* Rename one finished output into place; 0 or CLI_EXIT_FAILURE. */
int cli_run_commit_output(cli_output *out, const char *what, const char *path) {
  int err;
  if (out->fp == NULL) return 0;
  err = cli_output_commit(out);
  if (err == 0) return 0;
  fail("cannot write %s file '%s': %s", what, path, strerror(err));
  return CLI_EXIT_FAILURE;
}
