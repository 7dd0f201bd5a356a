/* cli/cli_run.c - `adex run`: simulate a population of AdEx neurons.
 *
 * Four phases, each failing before the next starts:
 *   1. parse the flags into run_opts (errors exit 2);
 *   2. check them and build an adex_pop (errors, library ones included,
 *      exit 2), open the output temporaries (exit 2 if one cannot be made);
 *   3. the step loop: write the input, adex_pop_update(t_k, dt), append the
 *      spikes and trace rows; no allocation, no string work beyond printing
 *      (an I/O failure exits 1, temporaries removed);
 *   4. rename the outputs into place, print the summary and rate table.
 * Time conventions (SPEC section 7): step k advances from t_k = start + k*dt
 * to t_k + dt; a spike found in it is stamped t_k, a trace row recorded after
 * it is stamped t_k + dt. With no flags at all a built-in f-I curve runs.
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "adex/adex.h"
#include "cli.h"
#include "cli_args.h"
#include "cli_output.h"

#define MAX_STEPS 1e12        /* most steps one run may take */
#define RATE_ROWS 25          /* about this many rows in the --rates table */
#define DEFAULT_SIZE 200      /* the built-in simulation: neurons */
#define DEFAULT_DURATION 1000 /* ms */
#define DEFAULT_I_HI 40.0     /* input 0..40 across neurons (R*I in mV) */

/* Everything the command line says, before any checking against size. */
typedef struct run_opts {
  size_t size;                       /* neurons [1] */
  double duration;                   /* ms [100] */
  double dt;                         /* ms [0.1] */
  double start;                      /* ms, time of step 0 [0] */
  const char *method;                /* integration method [exp_auto] */
  cli_range param[ADEX_NPARAMS];     /* parameter flags given */
  int param_given[ADEX_NPARAMS];     /* 1 if --<param> was given */
  adex_init V0, w0;                  /* initializers (seed set later) */
  uint64_t seed;                     /* V uses seed, w seed+1 [1] */
  cli_range input;                   /* input current (R*I in mV) [0] */
  const char *spikes_path;           /* --spikes FILE or NULL */
  const char *trace_path;            /* --trace FILE or NULL */
  const char *watch;                 /* --watch LIST or NULL */
  int rates;                         /* --rates given */
  int is_default;                    /* the built-in simulation */
} run_opts;

/* What a run owns; everything is freed by run_free. */
typedef struct run_state {
  adex_pop *pop;
  size_t n;                            /* neurons */
  uint64_t nsteps;                     /* steps to take */
  double *input;                       /* input[n], written every step */
  uint64_t *counts;                    /* spikes per neuron */
  double *param_vals[ADEX_NPARAMS];    /* per-neuron parameter arrays */
  adex_init param_inits[ADEX_NPARAMS]; /* their initializers */
  size_t *watch;                       /* traced neurons */
  size_t nwatch;
  int watch_all;
  cli_output spikes, trace;            /* fp NULL when not asked for */
  uint64_t total_spikes, trace_rows;
  double wall_s;                       /* seconds spent in the loop */
} run_state;

/* Short help of each parameter, in adex_param_id order. */
static const char *const param_help[ADEX_NPARAMS] = {
    "resting potential", "reset potential after a spike",
    "spike cut-off: spike when V >= V_th", "threshold of the exponential",
    "spike slope factor (0: integrate-and-fire)",
    "subthreshold adaptation coupling", "spike-triggered adaptation jump",
    "membrane time constant", "adaptation time constant",
    "membrane resistance"};

_Static_assert(ADEX_NPARAMS == 10, "param_help lists ten parameters");

#if defined(__GNUC__) || defined(__clang__)
#define CLI_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CLI_PRINTF(f, a)
#endif

static int fail(const char *fmt, ...) CLI_PRINTF(1, 2);

/* Print "adex run: <message>" as one line on stderr; returns CLI_EXIT_USAGE. */
static int fail(const char *fmt, ...) {
  va_list ap;
  fputs("adex run: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  return CLI_EXIT_USAGE;
}

/* ------------------------------------------------------------ options */

/* Fill o with the plain defaults (used whenever any flag is given). */
static void opts_default(run_opts *o) {
  memset(o, 0, sizeof *o);
  o->size = 1;
  o->duration = 100.0;
  o->dt = 0.1;
  o->start = 0.0;
  o->method = "exp_auto";
  o->V0 = adex_init_zero();
  o->w0 = adex_init_zero();
  o->seed = 1;
}

/* Fill o with the built-in f-I curve simulation of `adex run` alone. */
static void opts_builtin(run_opts *o) {
  adex_params p;
  opts_default(o);
  adex_params_default(&p);
  o->size = DEFAULT_SIZE;
  o->duration = DEFAULT_DURATION;
  o->V0 = adex_init_constant(p.V_rest);
  o->input.lo = 0.0;
  o->input.hi = DEFAULT_I_HI;
  o->input.is_range = 1;
  o->rates = 1;
  o->is_default = 1;
}

/* --size N: a count >= 1. */
static int set_size(run_opts *o, const char *flag, const char *v) {
  if (cli_parse_size(v, &o->size) != 0)
    return fail("%s expects a positive integer, got '%s'", flag, v);
  if (o->size == 0) return fail("%s must be at least 1, got '%s'", flag, v);
  return 0;
}

/* Parse a finite number into *out, naming flag on failure. */
static int set_number(double *out, const char *flag, const char *v) {
  if (cli_parse_double(v, out) != 0)
    return fail("%s expects a finite number, got '%s'", flag, v);
  return 0;
}

/* --duration MS. */
static int set_duration(run_opts *o, const char *flag, const char *v) {
  return set_number(&o->duration, flag, v);
}

/* --dt MS. */
static int set_dt(run_opts *o, const char *flag, const char *v) {
  return set_number(&o->dt, flag, v);
}

/* --start MS. */
static int set_start(run_opts *o, const char *flag, const char *v) {
  return set_number(&o->start, flag, v);
}

/* Reject an empty string value. */
static int nonempty(const char *flag, const char *v) {
  if (v[0] == '\0') return fail("%s expects a value, got ''", flag);
  return 0;
}

/* --method NAME (checked by the library). */
static int set_method(run_opts *o, const char *flag, const char *v) {
  o->method = v;
  return nonempty(flag, v);
}

/* Parse an initializer spec into *out, naming flag on failure. */
static int set_init(adex_init *out, const char *flag, const char *v) {
  if (cli_parse_init(v, out) != 0)
    return fail("%s expects a number, zero, uniform:LO:HI or normal:MEAN:SD, "
                "got '%s'", flag, v);
  return 0;
}

/* --V0 SPEC. */
static int set_V0(run_opts *o, const char *flag, const char *v) {
  return set_init(&o->V0, flag, v);
}

/* --w0 SPEC. */
static int set_w0(run_opts *o, const char *flag, const char *v) {
  return set_init(&o->w0, flag, v);
}

/* --seed N. */
static int set_seed(run_opts *o, const char *flag, const char *v) {
  if (cli_parse_u64(v, &o->seed) != 0)
    return fail("%s expects an unsigned 64-bit integer, got '%s'", flag, v);
  return 0;
}

/* Parse X or LO:HI into *out, naming flag on failure. */
static int set_range(cli_range *out, const char *flag, const char *v) {
  if (cli_parse_range(v, out) != 0)
    return fail("%s expects a finite number X or a range LO:HI, got '%s'",
                flag, v);
  return 0;
}

/* --input X | LO:HI. */
static int set_input(run_opts *o, const char *flag, const char *v) {
  return set_range(&o->input, flag, v);
}

/* --spikes FILE. */
static int set_spikes(run_opts *o, const char *flag, const char *v) {
  o->spikes_path = v;
  return nonempty(flag, v);
}

/* --trace FILE. */
static int set_trace(run_opts *o, const char *flag, const char *v) {
  o->trace_path = v;
  return nonempty(flag, v);
}

/* --watch LIST (checked against --size after parsing). */
static int set_watch(run_opts *o, const char *flag, const char *v) {
  o->watch = v;
  return nonempty(flag, v);
}

/* --rates (no value). */
static int set_rates(run_opts *o, const char *flag, const char *v) {
  (void)flag;
  (void)v;
  o->rates = 1;
  return 0;
}

typedef struct flag_def {
  const char *name; /* without the leading "--" */
  int takes_value;
  int (*set)(run_opts *o, const char *flag, const char *value);
} flag_def;

/* Every flag except the per-parameter ones (found with adex_param_find). */
static const flag_def flags[] = {
    {"size", 1, set_size},     {"duration", 1, set_duration},
    {"dt", 1, set_dt},         {"start", 1, set_start},
    {"method", 1, set_method}, {"V0", 1, set_V0},
    {"w0", 1, set_w0},         {"seed", 1, set_seed},
    {"input", 1, set_input},   {"spikes", 1, set_spikes},
    {"trace", 1, set_trace},   {"watch", 1, set_watch},
    {"rates", 0, set_rates},
};

/* The flag_def named name, or NULL. */
static const flag_def *find_flag(const char *name) {
  size_t i;
  for (i = 0; i < sizeof flags / sizeof flags[0]; i++) {
    if (strcmp(flags[i].name, name) == 0) return &flags[i];
  }
  return NULL;
}

/* The parameter id of flag name (a seed name); -1 if there is none. */
static int param_of(const char *name) {
  adex_param_id id;
  if (adex_param_find(name, &id) != ADEX_OK) return -1;
  return (int)id;
}

/* --<param> X | LO:HI. */
static int set_param(run_opts *o, int id, const char *flag, const char *v) {
  o->param_given[id] = 1;
  return set_range(&o->param[id], flag, v);
}

/* Apply the flag `--name` (spelled flag). Its value is inline_v (after '=')
 * or else next (the following argument); *consumed says next was used. */
static int apply_flag(run_opts *o, const char *flag, const char *name,
                      const char *inline_v, const char *next, int *consumed) {
  const flag_def *f = find_flag(name);
  const char *v = inline_v != NULL ? inline_v : next;
  int id = f == NULL ? param_of(name) : -1;
  *consumed = 0;
  if (f == NULL && id < 0)
    return fail("unknown option '%s' (see adex run --help)", flag);
  if (f != NULL && !f->takes_value) {
    if (inline_v != NULL) return fail("%s takes no value", flag);
    return f->set(o, flag, NULL);
  }
  if (v == NULL) return fail("%s needs a value", flag);
  *consumed = inline_v == NULL;
  return f != NULL ? f->set(o, flag, v) : set_param(o, id, flag, v);
}

/* Parse the argument argv[*i] (and maybe its value, argv[*i + 1]). */
static int parse_one(run_opts *o, int argc, char **argv, int *i) {
  char name[64], flag[68];
  const char *arg = argv[*i], *eq, *next;
  size_t len;
  int consumed = 0;
  if (strncmp(arg, "--", 2) != 0 || arg[2] == '\0')
    return fail("unexpected argument '%s' (see adex run --help)", arg);
  eq = strchr(arg, '=');
  len = eq != NULL ? (size_t)(eq - arg) - 2 : strlen(arg) - 2;
  if (len >= sizeof name)
    return fail("unknown option '%s' (see adex run --help)", arg);
  memcpy(name, arg + 2, len);
  name[len] = '\0';
  snprintf(flag, sizeof flag, "--%s", name);
  next = *i + 1 < argc ? argv[*i + 1] : NULL;
  if (apply_flag(o, flag, name, eq != NULL ? eq + 1 : NULL, next,
                 &consumed) != 0)
    return CLI_EXIT_USAGE;
  *i += consumed;
  return 0;
}

/* Whether any argument asks for help. */
static int wants_help(int argc, char **argv) {
  int i;
  for (i = 0; i < argc; i++) {
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
      return 1;
  }
  return 0;
}

/* Parse argv into o: the built-in simulation when argc == 0. */
static int parse_opts(run_opts *o, int argc, char **argv) {
  int i;
  if (argc == 0) {
    opts_builtin(o);
    return 0;
  }
  opts_default(o);
  for (i = 0; i < argc; i++) {
    if (parse_one(o, argc, argv, &i) != 0) return CLI_EXIT_USAGE;
  }
  return 0;
}

/* ------------------------------------------------------------ checks */

/* Check the time flags and compute the number of steps. */
static int check_time(const run_opts *o, uint64_t *nsteps) {
  double ratio, end;
  if (o->duration < 0)
    return fail("--duration must be >= 0 ms, got %g", o->duration);
  if (!(o->dt > 0)) return fail("--dt must be > 0 ms, got %g", o->dt);
  ratio = o->duration / o->dt;
  if (!isfinite(ratio) || ratio >= MAX_STEPS + 0.5)
    return fail("--duration %g / --dt %g gives more than %g steps",
                o->duration, o->dt, MAX_STEPS);
  *nsteps = (uint64_t)llround(ratio);
  end = o->start + (double)*nsteps * o->dt;
  if (!isfinite(end))
    return fail("the run would end at a time that is not finite (--start %g)",
                o->start);
  return 0;
}

/* Check the output flags against each other and against --size. */
static int check_outputs(const run_opts *o, run_state *s) {
  char err[160];
  s->watch_all = 1;
  if (o->watch != NULL && o->trace_path == NULL)
    return fail("--watch needs --trace FILE");
  if (o->spikes_path != NULL && o->trace_path != NULL &&
      strcmp(o->spikes_path, o->trace_path) == 0)
    return fail("--spikes and --trace name the same file '%s'", o->spikes_path);
  if (o->watch == NULL) return 0;
  if (cli_parse_index_list(o->watch, o->size, &s->watch_all, &s->watch,
                           &s->nwatch, err, sizeof err) != 0)
    return fail("--watch: %s", err);
  return 0;
}

/* ------------------------------------------------------------ setup */

/* Say why pop creation failed; out of memory is a failure, the rest usage. */
static int fail_library(adex_status st) {
  const char *msg = adex_errmsg();
  if (msg == NULL || msg[0] == '\0') msg = adex_status_str(st);
  fail("%s", msg);
  return st == ADEX_ENOMEM ? CLI_EXIT_FAILURE : CLI_EXIT_USAGE;
}

/* Give parameter id a per-neuron array LO..HI in cfg. */
static int ramp_param(run_state *s, adex_pop_config *cfg, adex_param_id id,
                      const cli_range *r) {
  size_t i;
  double *vals = malloc(s->n * sizeof *vals);
  if (vals == NULL) {
    fail("out of memory (%zu neurons)", s->n);
    return CLI_EXIT_FAILURE;
  }
  for (i = 0; i < s->n; i++) vals[i] = cli_range_at(r, i, s->n);
  s->param_vals[id] = vals;
  s->param_inits[id] = adex_init_array(vals, s->n);
  cfg->param_init[id] = &s->param_inits[id];
  return 0;
}

/* Fill cfg from o: parameters, initializers, method. */
static int build_config(const run_opts *o, run_state *s, adex_pop_config *cfg) {
  int p, rc;
  adex_pop_config_default(cfg, s->n);
  for (p = 0; p < ADEX_NPARAMS; p++) {
    adex_param_id id = (adex_param_id)p;
    if (!o->param_given[p]) continue;
    if (!o->param[p].is_range) {
      adex_params_set(&cfg->params, id, o->param[p].lo);
    } else if ((rc = ramp_param(s, cfg, id, &o->param[p])) != 0) {
      return rc;
    }
  }
  cfg->V_init = o->V0;
  cfg->V_init.seed = o->seed;
  cfg->w_init = o->w0;
  cfg->w_init.seed = o->seed + 1;
  cfg->method = o->method;
  return 0;
}

/* Allocate the input and spike-count arrays and fill the input. */
static int alloc_buffers(const run_opts *o, run_state *s) {
  size_t i;
  s->input = malloc(s->n * sizeof *s->input);
  s->counts = calloc(s->n, sizeof *s->counts);
  if (s->input == NULL || s->counts == NULL) {
    fail("out of memory (%zu neurons)", s->n);
    return CLI_EXIT_FAILURE;
  }
  for (i = 0; i < s->n; i++) s->input[i] = cli_range_at(&o->input, i, s->n);
  return 0;
}

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
static int open_outputs(const run_opts *o, run_state *s) {
  if (o->spikes_path != NULL &&
      open_output(&s->spikes, o->spikes_path, "--spikes", "t,neuron\n") != 0)
    return CLI_EXIT_USAGE;
  if (o->trace_path != NULL &&
      open_output(&s->trace, o->trace_path, "--trace", "t,neuron,V,w\n") != 0)
    return CLI_EXIT_USAGE;
  return 0;
}

/* Check o, build the population and open the outputs. */
static int setup(const run_opts *o, run_state *s) {
  adex_pop_config cfg;
  adex_status st;
  int rc;
  s->n = o->size;
  if ((rc = check_time(o, &s->nsteps)) != 0) return rc;
  if ((rc = check_outputs(o, s)) != 0) return rc;
  if ((rc = build_config(o, s, &cfg)) != 0) return rc;
  st = adex_pop_create(&cfg, &s->pop);
  if (st != ADEX_OK) return fail_library(st);
  if ((rc = alloc_buffers(o, s)) != 0) return rc;
  return open_outputs(o, s);
}

/* Free everything s owns and remove any temporary still open. */
static void run_free(run_state *s) {
  int p;
  adex_pop_destroy(s->pop);
  free(s->input);
  free(s->counts);
  free(s->watch);
  for (p = 0; p < ADEX_NPARAMS; p++) free(s->param_vals[p]);
  cli_output_abort(&s->spikes);
  cli_output_abort(&s->trace);
}

/* ------------------------------------------------------------ the loop */

/* Count the spikes of the last step and append them, stamped t. */
static void record_spikes(run_state *s, const bool *spike, double t) {
  FILE *fp = s->spikes.fp;
  size_t i;
  for (i = 0; i < s->n; i++) {
    if (!spike[i]) continue;
    s->counts[i]++;
    s->total_spikes++;
    if (fp != NULL) fprintf(fp, "%.17g,%zu\n", t, i);
  }
}

/* Append one trace row per watched neuron, stamped t (end of the step). */
static void record_trace(run_state *s, const double *V, const double *w,
                         double t) {
  FILE *fp = s->trace.fp;
  size_t j, m = s->watch_all ? s->n : s->nwatch;
  for (j = 0; j < m; j++) {
    size_t i = s->watch_all ? j : s->watch[j];
    fprintf(fp, "%.17g,%zu,%.17g,%.17g\n", t, i, V[i], w[i]);
  }
  s->trace_rows += m;
}

/* Report a failed write to one output; returns 1 if there was one. */
static int output_failed(const cli_output *out, const char *what) {
  int err = cli_output_failed(out);
  if (err == 0) return 0;
  fail("cannot write %s file '%s': %s", what, out->path, strerror(err));
  return 1;
}

/* Seconds on the monotonic clock. */
static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Take every step: input, update, record. Returns 0 or CLI_EXIT_FAILURE. */
static int run_loop(const run_opts *o, run_state *s) {
  double *input = adex_pop_input(s->pop);
  const bool *spike = adex_pop_spike(s->pop);
  const double *V = adex_pop_V(s->pop), *w = adex_pop_w(s->pop);
  double t0 = now_s();
  uint64_t k;
  for (k = 0; k < s->nsteps; k++) {
    double t = o->start + (double)k * o->dt;
    memcpy(input, s->input, s->n * sizeof *input);
    if (adex_pop_update(s->pop, t, o->dt) != ADEX_OK) {
      fail("step %llu at t = %g ms failed: %s", (unsigned long long)k, t,
           adex_pop_errmsg(s->pop));
      return CLI_EXIT_FAILURE;
    }
    record_spikes(s, spike, t);
    if (s->trace.fp != NULL)
      record_trace(s, V, w, (double)(k + 1) * o->dt + o->start);
    if (output_failed(&s->spikes, "--spikes") ||
        output_failed(&s->trace, "--trace"))
      return CLI_EXIT_FAILURE;
  }
  s->wall_s = now_s() - t0;
  return 0;
}

/* Rename one finished output into place; 0 or CLI_EXIT_FAILURE. */
static int commit_output(cli_output *out, const char *what, const char *path) {
  int err;
  if (out->fp == NULL) return 0;
  err = cli_output_commit(out);
  if (err == 0) return 0;
  fail("cannot write %s file '%s': %s", what, path, strerror(err));
  return CLI_EXIT_FAILURE;
}

/* ------------------------------------------------------------ report */

/* "s" unless count is one. */
static const char *plural(uint64_t count) { return count == 1 ? "" : "s"; }

/* Print the lines that introduce the built-in simulation. */
static void print_builtin_intro(void) {
  adex_params p;
  adex_params_default(&p);
  printf("default simulation: f-I curve of %d AdEx neurons with the seed's "
         "parameters, input I = 0..%g (R*I in mV) spread linearly across "
         "them, %d ms, dt 0.1 ms, method exp_auto; any option switches this "
         "off (see adex run --help)\n",
         DEFAULT_SIZE, DEFAULT_I_HI, DEFAULT_DURATION);
  printf("V0 = %g mV (V_rest): the seed's default ZeroInit would start V at "
         "0 mV, above V_th, and make every neuron spike at step 0\n",
         p.V_rest);
}

/* Print what ran, the spike count and the wall time. */
static void print_summary(const run_opts *o, const run_state *s) {
  double sim_ms = (double)s->nsteps * o->dt;
  double steps = (double)s->n * (double)s->nsteps;
  double mean = sim_ms > 0 ? (double)s->total_spikes / (double)s->n /
                                 (sim_ms / 1000.0)
                           : 0.0;
  printf("adex run: %zu neuron%s, %llu step%s of %g ms (%g ms)", s->n,
         plural(s->n), (unsigned long long)s->nsteps, plural(s->nsteps), o->dt,
         sim_ms);
  if (o->start != 0) printf(" from t = %g ms", o->start);
  printf(", method %s\n", adex_method_name(adex_pop_method(s->pop)));
  printf("spikes: %llu  mean rate: %.4g Hz\n",
         (unsigned long long)s->total_spikes, mean);
  printf("wall time: %.3f s", s->wall_s);
  if (steps > 0) printf(" (%.1f ns per neuron-step)", 1e9 * s->wall_s / steps);
  printf("\n");
}

/* Print where the outputs went. */
static void print_outputs(const run_opts *o, const run_state *s) {
  if (o->spikes_path != NULL)
    printf("spikes written to %s (%llu row%s)\n", o->spikes_path,
           (unsigned long long)s->total_spikes, plural(s->total_spikes));
  if (o->trace_path != NULL)
    printf("trace written to %s (%llu row%s)\n", o->trace_path,
           (unsigned long long)s->trace_rows, plural(s->trace_rows));
}

/* Print the row of neuron i of the --rates table. */
static void print_rate_row(const run_state *s, size_t i, double sim_s) {
  double rate = sim_s > 0 ? (double)s->counts[i] / sim_s : 0.0;
  printf("%8zu  %12.6g  %8llu  %10.6g\n", i, s->input[i],
         (unsigned long long)s->counts[i], rate);
}

/* Print the --rates table: every neuron, or every k-th plus the last. */
static void print_rates(const run_opts *o, const run_state *s) {
  double sim_s = (double)s->nsteps * o->dt / 1000.0;
  size_t step = (s->n + RATE_ROWS - 1) / RATE_ROWS, i;
  printf("%8s  %12s  %8s  %10s\n", "neuron", "input", "spikes", "rate_Hz");
  for (i = 0; i < s->n; i += step) print_rate_row(s, i, sim_s);
  if ((s->n - 1) % step != 0) print_rate_row(s, s->n - 1, sim_s);
}

/* ------------------------------------------------------------ main */

/* Run the loop, put the outputs in place and report. */
static int execute(const run_opts *o, run_state *s) {
  int rc;
  if (o->is_default) print_builtin_intro();
  fflush(stdout);
  if ((rc = run_loop(o, s)) != 0) return rc;
  if ((rc = commit_output(&s->spikes, "--spikes", o->spikes_path)) != 0)
    return rc;
  if ((rc = commit_output(&s->trace, "--trace", o->trace_path)) != 0)
    return rc;
  print_summary(o, s);
  print_outputs(o, s);
  if (o->rates) print_rates(o, s);
  return CLI_EXIT_OK;
}

/* `adex run`: parse, set up, run, report; returns the exit status. */
int cli_run_main(int argc, char **argv) {
  run_opts o;
  run_state s;
  int rc;
  if (wants_help(argc, argv)) {
    cli_run_help(stdout);
    return CLI_EXIT_OK;
  }
  memset(&s, 0, sizeof s);
  rc = parse_opts(&o, argc, argv);
  if (rc == 0) rc = setup(&o, &s);
  if (rc == 0) rc = execute(&o, &s);
  run_free(&s);
  return rc;
}

/* ------------------------------------------------------------ help */

/* Print the parameter flags with units and the seed's defaults. */
static void help_params(FILE *out) {
  adex_params p;
  int i;
  adex_params_default(&p);
  for (i = 0; i < ADEX_NPARAMS; i++) {
    adex_param_id id = (adex_param_id)i;
    const char *unit = adex_param_unit(id);
    char flag[32], what[80];
    snprintf(flag, sizeof flag, "--%s X", adex_param_name(id));
    if (strcmp(unit, "1") == 0)
      snprintf(what, sizeof what, "%s", param_help[i]);
    else
      snprintf(what, sizeof what, "%s, %s", param_help[i], unit);
    fprintf(out, "  %-16s %s [%g]\n", flag, what, adex_params_get(&p, id));
  }
}

/* Print the registered method names, wrapped at 78 columns. */
static void help_methods(FILE *out) {
  static const char lead[] = "                   ";
  size_t i, n = adex_method_count(), col = sizeof lead - 1;
  fprintf(out, "%s", lead);
  for (i = 0; i < n; i++) {
    const char *name = adex_method_name(adex_method_at(i));
    size_t len = strlen(name);
    if (i > 0 && col + len + 1 > 78) {
      fprintf(out, "\n%s", lead);
      col = sizeof lead - 1;
    }
    fprintf(out, "%s%s", name, i + 1 < n ? " " : "\n");
    col += len + 1;
  }
}

/* Print the full option list of `adex run`. */
void cli_run_help(FILE *out) {
  fprintf(out,
"usage: adex run [options]\n"
"\n"
"Simulate a population of AdEx neurons (BrainPy's AdExIF) with a constant\n"
"input and report spikes, rates and traces. Units: mV, ms, input I such that\n"
"R*I is in mV. Options take their value as the next argument or after '='.\n"
"\n"
"With no options at all, `adex run` runs a built-in demonstration: the f-I\n"
"curve of 200 neurons (--size 200 --duration 1000 --input 0:40 --V0 -65\n"
"--rates). Any option switches it off; the defaults below then apply.\n"
"\n"
"Population and time:\n"
"  --size N         number of neurons, >= 1 [1]\n"
"  --duration MS    simulated time, ms, >= 0; steps = round(MS/dt) [100]\n"
"  --dt MS          time step, ms, > 0 [0.1]\n"
"  --start MS       time of the first step, ms [0]\n"
"  --method NAME    integration method [exp_auto], one of (or an alias):\n");
  help_methods(out);
  fprintf(out,
"\n"
"Parameters: X for every neuron, or LO:HI spread linearly over the neurons\n"
"(neuron i of N gets LO + (HI-LO)*i/(N-1); with N = 1 it gets LO):\n");
  help_params(out);
  fprintf(out,
"\n"
"Initial state (SPEC: X, zero, uniform:LO:HI or normal:MEAN:SD):\n"
"  --V0 SPEC        initial V, mV [zero: V = 0 mV is above V_th, so every\n"
"                   neuron spikes in the first step, as in BrainPy]\n"
"  --w0 SPEC        initial w [zero]\n"
"  --seed N         seed of the random initializers, unsigned 64-bit;\n"
"                   V uses N, w uses N+1 [1]\n"
"\n"
"Input:\n"
"  --input X        input I to every neuron, written before every step [0]\n"
"  --input LO:HI    neuron i of N gets LO + (HI-LO)*i/(N-1)\n"
"\n"
"Output:\n"
"  --spikes FILE    CSV 't,neuron': one row per spike, by step then neuron\n"
"  --trace FILE     CSV 't,neuron,V,w': the watched neurons after every step\n"
"  --watch LIST     neurons to trace: all, or indices such as 0,3,7 [all]\n"
"  --rates          print spikes and rate (Hz) per neuron (about 25 rows)\n"
"  -h, --help       print this help\n"
"\n"
"Numbers in the CSV files are printed with 17 significant digits. A file is\n"
"written as FILE.tmp.XXXXXX and renamed onto FILE only when the run\n"
"succeeds; on failure an existing FILE is left untouched.\n"
"\n"
"Time: step k = 0..steps-1 advances the state from t_k = start + k*dt to\n"
"t_k + dt. A spike found in the step from t to t+dt is stamped t (the time\n"
"passed to the update); a trace row recorded after that step is stamped\n"
"t+dt, the time the state belongs to.\n"
"\n"
"Exit status: 0 success; 2 bad option, value, parameter or output path\n"
"(nothing was run); 1 failure during the run (I/O error, out of memory).\n");
}
