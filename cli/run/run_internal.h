/* cli/run/run_internal.h - what the files of `adex run` share: the
 * options of its command line, the CSV outputs of --spikes and --trace,
 * and the functions of each phase (cli_run.c lists them in order). */
#ifndef ADEX_CLI_RUN_INTERNAL_H
#define ADEX_CLI_RUN_INTERNAL_H

#include <stdint.h>
#include <stdio.h>

#include "adex/adex.h"
#include "cli.h"
#include "cli_engine.h"
#include "cli_output.h"
#include "cli_sim.h"

#define RATE_ROWS 25          /* about this many rows in the --rates table */
#define DEFAULT_SIZE 200      /* the built-in simulation: neurons */
#define DEFAULT_DURATION 1000 /* ms */
#define DEFAULT_I_HI 40.0     /* input 0..40 across neurons (R*I in mV) */
#define DEFAULT_OUT "adex-default.h5"
#define DEFAULT_EVERY 10    /* the default's samples: every 1 ms */
#define FLAG_POP_NAME "pop" /* name of the population made from flags */

/* Everything the command line says, before any checking against size. */
typedef struct run_opts {
  const char *config;            /* CONFIG.json or NULL */
  size_t size;                   /* neurons [1] */
  double duration;               /* ms [100] */
  double dt;                     /* ms [0.1] */
  double start;                  /* ms, time of step 0 [0] */
  const char *method;            /* integration method [exp_auto] */
  cli_range param[ADEX_NPARAMS]; /* parameter flags given */
  int param_given[ADEX_NPARAMS]; /* 1 if --<param> was given */
  adex_init V0, w0;              /* initializers (seed set later) */
  uint64_t seed;                 /* V uses seed, w seed+1 [1] */
  cli_range input;               /* input current (R*I in mV) [0] */
  double tol, tau_ref, noise;    /* integrator options */
  uint64_t noise_seed;
  adex_spk_reset spk_reset;
  int opt_given[CLI_NOPTS]; /* 1 if the option's flag was given */
  int threads;              /* --threads N (every population) */
  adex_kernel kernel;       /* --kernel NAME (every population) */
  adex_dtype dtype;         /* --dtype NAME (every population) */
  int threads_given, kernel_given, dtype_given;
  const char *load_state;  /* --load-state FILE or NULL */
  const char *save_state;  /* --save-state FILE or NULL */
  const char *spikes_path; /* --spikes FILE or NULL */
  const char *trace_path;  /* --trace FILE or NULL */
  const char *watch;       /* --watch LIST or NULL */
  const char *record;      /* --record LIST or NULL */
  const char *out;         /* --out FILE or NULL */
  uint64_t every;          /* --record-every STEPS */
  int rates;               /* --rates given */
  int no_spikes;           /* --no-spikes given */
  int quiet;               /* --quiet given */
  int is_default;          /* the built-in simulation */
  /* which of the overridable flags were given */
  int size_given, duration_given, dt_given, start_given, method_given;
  int V0_given, w0_given, seed_given, input_given, every_given;
} run_opts;

/* The CSV outputs of --spikes and --trace, written by the step hook. */
typedef struct run_csv {
  adex_pop *pop; /* population 0 */
  size_t n;
  size_t *watch; /* traced neurons (NULL: all) */
  size_t nwatch;
  cli_output spikes, trace; /* fp NULL when not asked for */
  double *V, *w;            /* one trace row's values (owned) */
  uint64_t spike_rows, trace_rows;
  const cli_sim *sim; /* for the times of the steps */
  int tracing;        /* --trace asked for */
  int mute;           /* a rank other than 0: gathers, writes nothing */
} run_csv;

/* Shorthand: errors of `adex run` (one line, exit 2). */
#define fail cli_error

/* run_flags.c: the command line into run_opts, run_opts into a cli_sim */
int cli_run_has_arg(int argc, char **argv, const char *arg, const char *alt);
void cli_run_list_methods(FILE *out);
int cli_run_parse_opts(run_opts *o, int argc, char **argv);
int cli_run_build_sim(cli_sim *sim, const run_opts *o);

/* run_outputs.c: the CSV outputs of --spikes and --trace */
int cli_run_open_csv(run_csv *c, const run_opts *o, const cli_engine *e);
int cli_run_csv_step(void *ctx, uint64_t k, double t);
int cli_run_commit_output(cli_output *out, const char *what, const char *path);

/* run_report.c: what is printed after the run */
const char *cli_plural(uint64_t count);
void cli_run_print_intro(void);
void cli_run_print_summary(const cli_engine *e);
void cli_run_print_outputs(const run_opts *o, const cli_engine *e,
                           const run_csv *c, const char *saved);
void cli_run_print_rates(const cli_engine *e);

#endif /* ADEX_CLI_RUN_INTERNAL_H */
