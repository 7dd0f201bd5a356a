/* cli/run/run_report.c - what `adex run` prints after a run: the
 * summary, the outputs written, the --rates table. */
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
#include "run_internal.h"

/* ------------------------------------------------------------ report */

/* "s" unless count is one. */
const char *cli_plural(uint64_t count) { return count == 1 ? "" : "s"; }

/* Print the lines that introduce the built-in simulation. */
void cli_run_print_intro(void) {
  adex_params p;
  adex_params_default(&p);
  printf(
      "default simulation: f-I curve of %d AdEx neurons with BrainPy's default "
      "parameters, input I = 0..%g (R*I in mV) spread linearly across "
      "them, %d ms, dt 0.1 ms, method exp_auto; any option switches this "
      "off (see adex run --help)\n",
      DEFAULT_SIZE, DEFAULT_I_HI, DEFAULT_DURATION);
  printf("V0 = %g mV (V_rest): BrainPy's default ZeroInit would start V at "
         "0 mV, above V_th, and make every neuron spike at step 0\n",
         p.V_rest);
}

/* Mean rate in Hz of count spikes of n neurons over sim_ms. */
static double mean_rate(uint64_t count, size_t n, double sim_ms) {
  return sim_ms > 0 ? (double)count / (double)n / (sim_ms / 1000.0) : 0.0;
}

/* Print what ran, the spike counts and the wall time. */
void cli_run_print_summary(const cli_engine *e) {
  const cli_sim *sim = e->sim;
  double sim_ms = (double)e->steps_done * sim->dt;
  size_t p, n = 0;
  uint64_t total = 0;
  double steps;
  for (p = 0; p < sim->npops; p++) {
    n += sim->pops[p].size;
    total += e->totals[p];
  }
  steps = (double)n * (double)e->steps_done;
  if (sim->npops == 1) {
    printf("adex run: %zu neuron%s, %llu step%s of %g ms (%g ms)", n,
           cli_plural(n), (unsigned long long)e->steps_done,
           cli_plural(e->steps_done), sim->dt, sim_ms);
    if (sim->start != 0) printf(" from t = %g ms", sim->start);
    printf(", method %s\n", adex_method_name(adex_pop_method(e->pops[0])));
    printf("spikes: %llu  mean rate: %.4g Hz\n", (unsigned long long)total,
           mean_rate(total, n, sim_ms));
  } else {
    printf("adex run: %zu populations, %zu neurons, %llu step%s of %g ms "
           "(%g ms)",
           sim->npops, n, (unsigned long long)e->steps_done,
           cli_plural(e->steps_done), sim->dt, sim_ms);
    if (sim->start != 0) printf(" from t = %g ms", sim->start);
    printf("\n");
    for (p = 0; p < sim->npops; p++)
      printf(
          "  %-16s %8zu neuron%s  %-10s spikes: %llu  mean rate: %.4g "
          "Hz\n",
          cli_engine_pop_name(e, p), sim->pops[p].size,
          cli_plural(sim->pops[p].size),
          e->pops[p] == NULL
              ? (sim->pops[p].model == CLI_MODEL_POISSON ? "Poisson" : "times")
              : adex_method_name(adex_pop_method(e->pops[p])),
          (unsigned long long)e->totals[p],
          mean_rate(e->totals[p], sim->pops[p].size, sim_ms));
    printf("spikes: %llu  mean rate: %.4g Hz\n", (unsigned long long)total,
           mean_rate(total, n, sim_ms));
  }
  printf("wall time: %.3f s", e->wall_s);
  if (steps > 0) printf(" (%.1f ns per neuron-step)", 1e9 * e->wall_s / steps);
  printf("\n");
}

/* Print s as one shell word: as it is when it holds only characters no
 * shell treats specially, else in single quotes (' written as '\''). */
static void print_shell_word(const char *s) {
  const char *p;
  int plain = s[0] != '\0';
  for (p = s; *p != '\0' && plain; p++)
    plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
            (*p >= '0' && *p <= '9') || strchr("_./:@%+,=-", *p) != NULL;
  if (plain) {
    fputs(s, stdout);
    return;
  }
  putchar('\'');
  for (p = s; *p != '\0'; p++) {
    if (*p == '\'')
      fputs("'\\''", stdout);
    else
      putchar(*p);
  }
  putchar('\'');
}

/* Print where the outputs went. */
void cli_run_print_outputs(const run_opts *o, const cli_engine *e,
                           const run_csv *c, const char *saved) {
  if (o->spikes_path != NULL)
    printf("spikes written to %s (%llu row%s)\n", o->spikes_path,
           (unsigned long long)c->spike_rows, cli_plural(c->spike_rows));
  if (o->trace_path != NULL)
    printf("trace written to %s (%llu row%s)\n", o->trace_path,
           (unsigned long long)c->trace_rows, cli_plural(c->trace_rows));
  if (e->rec != NULL) {
    char what[512];
    printf("output written to %s (%s)\n", e->sim->out,
           cli_record_describe(e->rec, what, sizeof what));
    if (o->is_default)
      printf("see it with: adex info %s; draw it with: adex plot %s\n",
             e->sim->out, e->sim->out);
  }
  if (saved[0] != '\0') {
    double t = cli_sim_time(e->sim, e->steps_done);
    printf("state at t = %.15g ms saved to %s (continue with --start %.15g "
           "--load-state ",
           t, saved, t);
    print_shell_word(e->sim->save_state);
    printf(")\n");
  }
}

/* The one input of each population, for the --rates table: the index of
 * its input if it has exactly one, SIZE_MAX if none, SIZE_MAX - 1 if
 * several. NULL when out of memory. */
static size_t *sole_inputs(const cli_sim *sim) {
  size_t p, j, *sole = malloc(sim->npops * sizeof *sole);
  if (sole == NULL) return NULL;
  for (p = 0; p < sim->npops; p++) sole[p] = SIZE_MAX;
  for (j = 0; j < sim->ninputs; j++) {
    size_t *s = &sole[sim->inputs[j].target];
    *s = *s == SIZE_MAX ? j : SIZE_MAX - 1;
  }
  return sole;
}

/* The constant input of neuron i, given the population's sole input (see
 * sole_inputs): 0 without inputs, NAN unless it is one constant input. */
static double known_input(const cli_sim *sim, size_t sole, size_t i) {
  const cli_input_spec *in;
  if (sole == SIZE_MAX) return 0.0;
  if (sole == SIZE_MAX - 1) return NAN;
  in = &sim->inputs[sole];
  if (in->kind != CLI_IN_CONSTANT) return NAN;
  return cli_vec_at(&in->value, i);
}

/* Print the row of neuron i of population p (whose sole input is sole) in
 * the --rates table. */
static void print_rate_row(const cli_engine *e, size_t p, size_t sole, size_t i,
                           double sim_s) {
  double rate = sim_s > 0 ? (double)e->counts[p][i] / sim_s : 0.0;
  double input = known_input(e->sim, sole, i);
  if (isnan(input))
    printf("%8zu  %12s  %8llu  %10.6g\n", i, "-",
           (unsigned long long)e->counts[p][i], rate);
  else
    printf("%8zu  %12.6g  %8llu  %10.6g\n", i, input,
           (unsigned long long)e->counts[p][i], rate);
}

/* Print the --rates table: every neuron, or every k-th plus the last. */
void cli_run_print_rates(const cli_engine *e) {
  double sim_s = (double)e->steps_done * e->sim->dt / 1000.0;
  size_t p, *sole = sole_inputs(e->sim);
  if (sole == NULL) {
    fail("out of memory (--rates)");
    return;
  }
  for (p = 0; p < e->sim->npops; p++) {
    size_t n = e->sim->pops[p].size;
    size_t step = (n + RATE_ROWS - 1) / RATE_ROWS, i;
    if (e->sim->npops > 1)
      printf("population %s:\n", adex_pop_name(e->pops[p]));
    printf("%8s  %12s  %8s  %10s\n", "neuron", "input", "spikes", "rate_Hz");
    for (i = 0; i < n; i += step) print_rate_row(e, p, sole[p], i, sim_s);
    if ((n - 1) % step != 0) print_rate_row(e, p, sole[p], n - 1, sim_s);
  }
  free(sole);
}
