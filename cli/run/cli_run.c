/* cli/run/cli_run.c - `adex run`: simulate populations of AdEx neurons.
 *
 * Phases, each failing before the next starts:
 *   1. parse the command line into run_opts (errors exit 2);
 *   2. build the cli_sim: the JSON config if one is given (cli_config.c),
 *      else one population from the flags, else the built-in default; then
 *      the flags override it (the population flags need a single
 *      population); check everything (exit 2);
 *   3. set up the engine: populations, --load-state (exit 2 if a file
 *      cannot be loaded), inputs, the output file (exit 2 if it cannot be
 *      created), then the CSV outputs of --spikes and --trace;
 *   4. the step loop (cli_engine.c), with the CSV outputs written by a hook;
 *      an unstable dt is found by the first update (exit 2, temporaries
 *      removed); a signal stops it, and what was recorded is still written
 *      (exit 128 + signal); an I/O failure exits 1;
 *   5. rename the outputs into place, --save-state (exit 1 if it fails),
 *      print the summary and rate table.
 * Time conventions (docs/semantics.md section 7): step k advances from t_k = start + k*dt
 * to t_k + dt (computed by cli_sim_time); a spike found in it is stamped
 * t_k (with --precise-spikes: its crossing time inside the step), a state
 * recorded after it is stamped t_k + dt.
 */
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

/* ------------------------------------------------------------ main */

/* Say on stderr that a signal stopped the run and what was kept. */
static void report_signal(const run_opts *o, const cli_engine *e,
                          const char *saved) {
  const cli_sim *sim = e->sim;
  const char *files[4];
  char list[1024] = "";
  size_t n = 0, i, used = 0;
  if (sim->out != NULL) files[n++] = sim->out;
  if (o->spikes_path != NULL) files[n++] = o->spikes_path;
  if (o->trace_path != NULL) files[n++] = o->trace_path;
  if (saved[0] != '\0') files[n++] = saved;
  for (i = 0; i < n; i++) {
    int w = snprintf(list + used, sizeof list - used, "%s%s", i > 0 ? ", " : "",
                     files[i]);
    if (w < 0 || (size_t)w >= sizeof list - used) break;
    used += (size_t)w;
  }
  fail("interrupted by %s after %llu of %llu steps (t = %g ms); %s%s",
       e->signal == SIGINT    ? "SIGINT"
       : e->signal == SIGTERM ? "SIGTERM"
                              : "a signal",
       (unsigned long long)e->steps_done, (unsigned long long)e->nsteps,
       cli_sim_time(sim, e->steps_done),
       n > 0 ? "what was recorded so far is written to " : "no output file",
       list);
}

/* Say on stderr that option id of population p, which was given, does
 * nothing without another option: `flag` names it for flags, `key` for
 * the config. */
static void warn_idle(const cli_sim *sim, size_t p, cli_opt_id id,
                      const char *flag, const char *key) {
  const cli_pop_spec *ps = &sim->pops[p];
  if (ps->opt_src[id] == CLI_SRC_FLAG || sim->config_path == NULL)
    fail("warning: %s has no effect without %s", cli_opt_flag(id), flag);
  else
    fail("warning: %s: %s.%s: has no effect without %s", sim->config_path,
         ps->path, cli_opt_key(id), key);
}

/* Warn about options that were given but do nothing: a tolerance without
 * the adaptive mode, a noise seed without noise. */
static void warn_idle_options(const cli_sim *sim) {
  size_t p;
  for (p = 0; p < sim->npops; p++) {
    const cli_pop_spec *ps = &sim->pops[p];
    if (ps->opt_src[CLI_OPT_TOL] != CLI_SRC_DEFAULT && !ps->adaptive)
      warn_idle(sim, p, CLI_OPT_TOL, "--adaptive", "\"adaptive\": true");
    if (ps->opt_src[CLI_OPT_NOISE_SEED] != CLI_SRC_DEFAULT && ps->noise == 0)
      warn_idle(sim, p, CLI_OPT_NOISE_SEED, "--noise", "\"noise\" > 0");
  }
}

/* Set up, run, put the outputs in place and report. */
static int execute(const run_opts *o, const cli_sim *sim) {
  cli_engine e;
  run_csv c;
  char saved[2048] = "";
  int rc, rc2;
  memset(&c, 0, sizeof c);
  rc = cli_engine_setup(&e, sim);
  if (rc == 0) rc = cli_dist_agree_rc(cli_run_open_csv(&c, o, &e));
  if (rc == 0) warn_idle_options(sim);
  if (rc == 0) {
    int hook = o->spikes_path != NULL || o->trace_path != NULL;
    if (o->is_default) cli_run_print_intro();
    fflush(stdout);
    rc = cli_engine_run(&e, o->quiet, hook ? cli_run_csv_step : NULL, &c);
    if (rc == 0 || e.signal != 0) {
      rc2 = cli_run_commit_output(&c.spikes, "--spikes", o->spikes_path);
      if (rc2 == 0)
        rc2 = cli_run_commit_output(&c.trace, "--trace", o->trace_path);
      if (rc2 != 0) rc = rc2;
    }
    rc = cli_dist_agree_rc(rc); /* rank 0's files written: all save or not */
    if ((rc == 0 || (e.signal != 0 && rc == 128 + e.signal)) &&
        sim->save_state != NULL &&
        (rc2 = cli_engine_save_state(&e, saved, sizeof saved)) != 0)
      rc = rc2;
    if (e.signal != 0 && rc == 128 + e.signal) report_signal(o, &e, saved);
    if (rc == 0 || rc == 128 + e.signal) {
      cli_run_print_summary(&e);
      cli_run_print_outputs(o, &e, &c, saved);
      if (o->rates) cli_run_print_rates(&e);
    }
  }
  cli_output_abort(&c.spikes);
  cli_output_abort(&c.trace);
  free(c.V);
  free(c.w);
  cli_engine_free(&e);
  return rc;
}

/* `adex run`: parse, build, run, report; returns the exit status. */
int cli_run_main(int argc, char **argv) {
  run_opts o;
  cli_sim sim;
  int rc;
  cli_prog = "adex run";
  if (cli_run_has_arg(argc, argv, "--help", "-h")) {
    cli_run_help(stdout);
    return CLI_EXIT_OK;
  }
  if (cli_run_has_arg(argc, argv, "--list-methods", NULL)) {
    cli_run_list_methods(stdout);
    return CLI_EXIT_OK;
  }
  /* a closed pipe (--trace /dev/stdout | head) is a write error (EPIPE)
   * that stops the run and removes the temporaries, not a silent death */
  signal(SIGPIPE, SIG_IGN);
  rc = cli_dist_begin(&argc, &argv); /* under mpirun: the ranks */
  if (rc != 0) return rc;
  cli_sim_init(&sim);
  rc = cli_run_parse_opts(&o, argc, argv);
  if (rc == 0) rc = cli_run_build_sim(&sim, &o);
  if (rc == 0) rc = execute(&o, &sim);
  cli_sim_free(&sim);
  return cli_dist_end(rc);
}
