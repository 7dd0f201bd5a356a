/* cli/cli_run.c - `adex run`: simulate populations of AdEx neurons.
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

#include "adex/adex.h"
#include "cli.h"
#include "cli_args.h"
#include "cli_config.h"
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
} run_csv;

/* Shorthand: errors of `adex run` (one line, exit 2). */
#define fail cli_error

/* ------------------------------------------------------------ options */

/* Fill o with the plain defaults (used whenever any argument is given). */
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
  o->every = 1;
}

/* Fill o with the built-in f-I curve simulation of `adex run` alone. */
static void opts_builtin(run_opts *o) {
  adex_params p;
  opts_default(o);
  adex_params_default(&p);
  o->size = DEFAULT_SIZE;
  o->size_given = 1;
  o->duration = DEFAULT_DURATION;
  o->duration_given = 1;
  o->V0 = adex_init_constant(p.V_rest);
  o->V0_given = 1;
  o->input.lo = 0.0;
  o->input.hi = DEFAULT_I_HI;
  o->input.is_range = 1;
  o->input_given = 1;
  o->rates = 1;
  o->is_default = 1;
  o->out = DEFAULT_OUT;
  o->record = "V,w";
  o->watch = "0,50,100,150,199";
  o->every = DEFAULT_EVERY;
  o->every_given = 1;
}

/* --size N: a count >= 1. */
static int set_size(run_opts *o, const char *flag, const char *v) {
  if (cli_parse_size(v, &o->size) != 0)
    return fail("%s expects a positive integer, got '%s'", flag, v);
  if (o->size == 0) return fail("%s must be at least 1, got '%s'", flag, v);
  o->size_given = 1;
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
  o->duration_given = 1;
  return set_number(&o->duration, flag, v);
}

/* --dt MS. */
static int set_dt(run_opts *o, const char *flag, const char *v) {
  o->dt_given = 1;
  return set_number(&o->dt, flag, v);
}

/* --start MS. */
static int set_start(run_opts *o, const char *flag, const char *v) {
  o->start_given = 1;
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
  o->method_given = 1;
  return nonempty(flag, v);
}

/* Parse an initializer spec into *out, naming flag on failure. */
static int set_init(adex_init *out, const char *flag, const char *v) {
  if (cli_parse_init(v, out) != 0)
    return fail("%s expects a number, zero, uniform:LO:HI or normal:MEAN:SD, "
                "got '%s'",
                flag, v);
  return 0;
}

/* --V0 X | zero | uniform:LO:HI | normal:MEAN:SD. */
static int set_V0(run_opts *o, const char *flag, const char *v) {
  o->V0_given = 1;
  return set_init(&o->V0, flag, v);
}

/* --w0 (as --V0). */
static int set_w0(run_opts *o, const char *flag, const char *v) {
  o->w0_given = 1;
  return set_init(&o->w0, flag, v);
}

/* --seed N. */
static int set_seed(run_opts *o, const char *flag, const char *v) {
  if (cli_parse_u64(v, &o->seed) != 0)
    return fail("%s expects an unsigned 64-bit integer, got '%s'", flag, v);
  o->seed_given = 1;
  return 0;
}

/* Parse X or LO:HI into *out, naming flag on failure. */
static int set_range(cli_range *out, const char *flag, const char *v) {
  if (cli_parse_range(v, out) != 0)
    return fail("%s expects a finite number X or a range LO:HI, got '%s'", flag,
                v);
  return 0;
}

/* --input X | LO:HI. */
static int set_input(run_opts *o, const char *flag, const char *v) {
  o->input_given = 1;
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

/* --watch LIST (checked against the size after parsing). */
static int set_watch(run_opts *o, const char *flag, const char *v) {
  o->watch = v;
  return nonempty(flag, v);
}

/* --record LIST (checked after parsing). */
static int set_record(run_opts *o, const char *flag, const char *v) {
  o->record = v;
  return nonempty(flag, v);
}

/* --out FILE. */
static int set_out(run_opts *o, const char *flag, const char *v) {
  o->out = v;
  return nonempty(flag, v);
}

/* --record-every STEPS: a count >= 1. */
static int set_every(run_opts *o, const char *flag, const char *v) {
  if (cli_parse_u64(v, &o->every) != 0 || o->every == 0)
    return fail("%s expects a positive number of steps, got '%s'", flag, v);
  o->every_given = 1;
  return 0;
}

/* --adaptive (no value). */
static int set_adaptive(run_opts *o, const char *flag, const char *v) {
  (void)flag;
  (void)v;
  o->opt_given[CLI_OPT_ADAPTIVE] = 1;
  return 0;
}

/* --precise-spikes (no value). */
static int set_precise(run_opts *o, const char *flag, const char *v) {
  (void)flag;
  (void)v;
  o->opt_given[CLI_OPT_PRECISE] = 1;
  return 0;
}

/* --tol X (range checked by the library). */
static int set_tol(run_opts *o, const char *flag, const char *v) {
  o->opt_given[CLI_OPT_TOL] = 1;
  return set_number(&o->tol, flag, v);
}

/* --tau_ref MS (range checked by the library). */
static int set_tau_ref(run_opts *o, const char *flag, const char *v) {
  o->opt_given[CLI_OPT_TAU_REF] = 1;
  return set_number(&o->tau_ref, flag, v);
}

/* --noise SIGMA (range checked by the library). */
static int set_noise(run_opts *o, const char *flag, const char *v) {
  o->opt_given[CLI_OPT_NOISE] = 1;
  return set_number(&o->noise, flag, v);
}

/* --noise-seed N. */
static int set_noise_seed(run_opts *o, const char *flag, const char *v) {
  if (cli_parse_u64(v, &o->noise_seed) != 0)
    return fail("%s expects an unsigned 64-bit integer, got '%s'", flag, v);
  o->opt_given[CLI_OPT_NOISE_SEED] = 1;
  return 0;
}

/* --spk_reset hard|soft. */
static int set_spk_reset(run_opts *o, const char *flag, const char *v) {
  if (strcmp(v, "hard") == 0)
    o->spk_reset = ADEX_SPK_RESET_HARD;
  else if (strcmp(v, "soft") == 0)
    o->spk_reset = ADEX_SPK_RESET_SOFT;
  else
    return fail("%s expects hard or soft, got '%s'", flag, v);
  o->opt_given[CLI_OPT_SPK_RESET] = 1;
  return 0;
}

/* --load-state FILE. */
static int set_load_state(run_opts *o, const char *flag, const char *v) {
  o->load_state = v;
  return nonempty(flag, v);
}

/* --save-state FILE. */
static int set_save_state(run_opts *o, const char *flag, const char *v) {
  o->save_state = v;
  return nonempty(flag, v);
}

/* --threads N: OpenMP threads of every population, 0..CLI_THREADS_MAX. */
static int set_threads(run_opts *o, const char *flag, const char *v) {
  uint64_t n;
  if (cli_parse_u64(v, &n) != 0 || n > CLI_THREADS_MAX)
    return fail("%s expects an integer from 0 (OpenMP's default) to %d, "
                "got '%s'",
                flag, CLI_THREADS_MAX, v);
  o->threads = (int)n;
  o->threads_given = 1;
  return 0;
}

/* --kernel NAME: one this machine can run. */
static int set_kernel(run_opts *o, const char *flag, const char *v) {
  char why[200];
  if (cli_kernel_parse(v, &o->kernel, why, sizeof why) != 0)
    return fail("%s: %s", flag, why);
  o->kernel_given = 1;
  return 0;
}

/* --dtype float64|float32. */
static int set_dtype(run_opts *o, const char *flag, const char *v) {
  if (cli_dtype_parse(v, &o->dtype) != 0)
    return fail("%s expects float64 or float32, got '%s'", flag, v);
  o->dtype_given = 1;
  return 0;
}

/* --rates (no value). */
static int set_rates(run_opts *o, const char *flag, const char *v) {
  (void)flag;
  (void)v;
  o->rates = 1;
  return 0;
}

/* --no-spikes (no value). */
static int set_no_spikes(run_opts *o, const char *flag, const char *v) {
  (void)flag;
  (void)v;
  o->no_spikes = 1;
  return 0;
}

/* --quiet (no value). */
static int set_quiet(run_opts *o, const char *flag, const char *v) {
  (void)flag;
  (void)v;
  o->quiet = 1;
  return 0;
}

typedef struct flag_def {
  const char *name; /* without the leading "--" */
  int takes_value;
  int (*set)(run_opts *o, const char *flag, const char *value);
} flag_def;

/* Every flag except the per-parameter ones (found with adex_param_find). */
static const flag_def flags[] = {
    {"size", 1, set_size},
    {"duration", 1, set_duration},
    {"dt", 1, set_dt},
    {"start", 1, set_start},
    {"method", 1, set_method},
    {"V0", 1, set_V0},
    {"w0", 1, set_w0},
    {"seed", 1, set_seed},
    {"input", 1, set_input},
    {"spikes", 1, set_spikes},
    {"trace", 1, set_trace},
    {"watch", 1, set_watch},
    {"rates", 0, set_rates},
    {"record", 1, set_record},
    {"out", 1, set_out},
    {"record-every", 1, set_every},
    {"no-spikes", 0, set_no_spikes},
    {"quiet", 0, set_quiet},
    {"adaptive", 0, set_adaptive},
    {"tol", 1, set_tol},
    {"precise-spikes", 0, set_precise},
    {"tau_ref", 1, set_tau_ref},
    {"noise", 1, set_noise},
    {"noise-seed", 1, set_noise_seed},
    {"spk_reset", 1, set_spk_reset},
    {"load-state", 1, set_load_state},
    {"save-state", 1, set_save_state},
    {"threads", 1, set_threads},
    {"kernel", 1, set_kernel},
    {"dtype", 1, set_dtype},
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
  if (strcmp(arg, "-q") == 0) return set_quiet(o, arg, NULL);
  if (strncmp(arg, "--", 2) != 0 || arg[2] == '\0') {
    if (arg[0] == '-' || arg[0] == '\0' || o->config != NULL)
      return fail("unexpected argument '%s' (see adex run --help)", arg);
    o->config = arg;
    return 0;
  }
  eq = strchr(arg, '=');
  len = eq != NULL ? (size_t)(eq - arg) - 2 : strlen(arg) - 2;
  if (len >= sizeof name)
    return fail("unknown option '%s' (see adex run --help)", arg);
  memcpy(name, arg + 2, len);
  name[len] = '\0';
  snprintf(flag, sizeof flag, "--%s", name);
  next = *i + 1 < argc ? argv[*i + 1] : NULL;
  if (apply_flag(o, flag, name, eq != NULL ? eq + 1 : NULL, next, &consumed) !=
      0)
    return CLI_EXIT_USAGE;
  *i += consumed;
  return 0;
}

/* Whether any argument is arg (or, with alt, alt). */
static int has_arg(int argc, char **argv, const char *arg, const char *alt) {
  int i;
  for (i = 0; i < argc; i++) {
    if (strcmp(argv[i], arg) == 0 || (alt != NULL && strcmp(argv[i], alt) == 0))
      return 1;
  }
  return 0;
}

/* --list-methods: one method per line: name, order, embedded or fixed
 * step, aliases. */
static void list_methods(FILE *out) {
  size_t i, n = adex_method_count();
  for (i = 0; i < n; i++) {
    const adex_method *m = adex_method_at(i);
    const char *const *al = adex_method_aliases(m);
    fprintf(out, "%-12s order %d  %s", adex_method_name(m),
            adex_method_order(m),
            adex_method_is_embedded(m) ? "embedded (--adaptive possible)"
                                       : "fixed step");
    if (al != NULL && al[0] != NULL) {
      size_t j;
      fprintf(out, "  aliases:");
      for (j = 0; al[j] != NULL; j++)
        fprintf(out, "%s %s", j > 0 ? "," : "", al[j]);
    }
    fprintf(out, "\n");
  }
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

/* ------------------------------------------------------------ the sim */

/* The first per-population flag given, or NULL. */
static const char *pop_flag_given(const run_opts *o) {
  static char buf[40];
  int i;
  if (o->size_given) return "--size";
  if (o->method_given) return "--method";
  if (o->V0_given) return "--V0";
  if (o->w0_given) return "--w0";
  if (o->input_given) return "--input";
  for (i = 0; i < CLI_NOPTS; i++) {
    if (o->opt_given[i]) return cli_opt_flag((cli_opt_id)i);
  }
  for (i = 0; i < ADEX_NPARAMS; i++) {
    if (o->param_given[i]) {
      snprintf(buf, sizeof buf, "--%s", adex_param_name((adex_param_id)i));
      return buf;
    }
  }
  return NULL;
}

/* Set parameter id of p from its flag: a number, or LO..HI over the
 * neurons. */
static int flag_param(cli_pop_spec *p, int id, const cli_range *r) {
  size_t i, n = r->is_range ? p->size : 1;
  double *vals = malloc(n * sizeof *vals);
  if (vals == NULL) {
    cli_error("out of memory (%zu neurons)", p->size);
    return CLI_EXIT_FAILURE;
  }
  for (i = 0; i < n; i++) vals[i] = cli_range_at(r, i, p->size);
  cli_vec_free(&p->param[id]);
  p->param[id].v = vals;
  p->param[id].n = n;
  p->param_src[id] = CLI_SRC_FLAG;
  return 0;
}

/* --input replaces every input of population 0 by one constant input. */
static int flag_input(cli_sim *sim, const run_opts *o) {
  size_t i, j = 0, n = sim->pops[0].size;
  cli_input_spec *in;
  double *vals;
  for (i = 0; i < sim->ninputs; i++) {
    if (sim->inputs[i].target == 0)
      cli_input_clear(&sim->inputs[i]);
    else
      sim->inputs[j++] = sim->inputs[i];
  }
  sim->ninputs = j;
  if ((in = cli_sim_add_input(sim)) == NULL) {
    cli_error("out of memory");
    return CLI_EXIT_FAILURE;
  }
  in->kind = CLI_IN_CONSTANT;
  in->target = 0;
  in->src = CLI_SRC_FLAG;
  snprintf(in->path, sizeof in->path, "--input");
  n = o->input.is_range ? n : 1;
  vals = malloc(n * sizeof *vals);
  if (vals == NULL) {
    cli_error("out of memory");
    return CLI_EXIT_FAILURE;
  }
  for (i = 0; i < n; i++)
    vals[i] = cli_range_at(&o->input, i, sim->pops[0].size);
  in->value.v = vals;
  in->value.n = n;
  return 0;
}

/* Apply the per-population flags to the single population. */
static int apply_pop_flags(cli_sim *sim, const run_opts *o) {
  cli_pop_spec *p = &sim->pops[0];
  const char *flag = pop_flag_given(o);
  int i, rc;
  if (flag == NULL) return 0;
  if (sim->npops != 1)
    return fail("%s applies to a single population, but '%s' has %zu; "
                "set it in the config file",
                flag, o->config, sim->npops);
  if (o->size_given) {
    p->ndim = 1;
    memset(p->shape, 0, sizeof p->shape);
    p->shape[0] = o->size;
    p->size = o->size;
    p->size_src = CLI_SRC_FLAG;
  }
  if (o->method_given) {
    free(p->method);
    if ((p->method = cli_strdup(o->method)) == NULL)
      return fail("out of memory");
    p->method_src = CLI_SRC_FLAG;
  }
  if (o->V0_given) {
    free(p->V0.vals);
    p->V0.vals = NULL;
    p->V0.init = o->V0;
    p->V0.src = CLI_SRC_FLAG;
  }
  if (o->w0_given) {
    free(p->w0.vals);
    p->w0.vals = NULL;
    p->w0.init = o->w0;
    p->w0.src = CLI_SRC_FLAG;
  }
  for (i = 0; i < ADEX_NPARAMS; i++) {
    if (o->param_given[i] && (rc = flag_param(p, i, &o->param[i])) != 0)
      return rc;
  }
  if (o->opt_given[CLI_OPT_ADAPTIVE]) p->adaptive = 1;
  if (o->opt_given[CLI_OPT_TOL]) p->tol = o->tol;
  if (o->opt_given[CLI_OPT_PRECISE]) p->precise_spikes = 1;
  if (o->opt_given[CLI_OPT_TAU_REF]) p->tau_ref = o->tau_ref;
  if (o->opt_given[CLI_OPT_NOISE]) p->noise = o->noise;
  if (o->opt_given[CLI_OPT_NOISE_SEED]) p->noise_seed = o->noise_seed;
  if (o->opt_given[CLI_OPT_SPK_RESET]) p->spk_reset = o->spk_reset;
  for (i = 0; i < CLI_NOPTS; i++) {
    if (o->opt_given[i]) p->opt_src[i] = CLI_SRC_FLAG;
  }
  if (o->input_given && (rc = flag_input(sim, o)) != 0) return rc;
  return 0;
}

/* --threads, --kernel and --dtype set every population. */
static void apply_speed_flags(cli_sim *sim, const run_opts *o) {
  size_t p;
  for (p = 0; p < sim->npops; p++) {
    if (o->threads_given) sim->pops[p].threads = o->threads;
    if (o->kernel_given) sim->pops[p].kernel = o->kernel;
    if (o->dtype_given) sim->pops[p].dtype = o->dtype;
  }
}

/* --record LIST into a mask. */
static int parse_record_flag(const char *s, unsigned *mask) {
  char name[32];
  const char *p = s;
  *mask = 0;
  for (;;) {
    const char *comma = strchr(p, ',');
    size_t len = comma != NULL ? (size_t)(comma - p) : strlen(p);
    cli_var_id v;
    if (len == 0 || len >= sizeof name)
      return fail("--record expects variables like V,w (valid: V, w, input, "
                  "spike, t_last_spike), got '%s'",
                  s);
    memcpy(name, p, len);
    name[len] = '\0';
    if (cli_var_find(name, &v) != 0)
      return fail("--record: unknown variable '%s'; valid: V, w, input, "
                  "spike, t_last_spike",
                  name);
    *mask |= CLI_VAR_BIT(v);
    if (comma == NULL) break;
    p = comma + 1;
  }
  return 0;
}

/* --watch LIST for every population (messages name the flag). */
static int apply_watch(cli_sim *sim, const run_opts *o) {
  size_t p;
  for (p = 0; p < sim->npops; p++) {
    cli_pop_spec *ps = &sim->pops[p];
    char err[160];
    size_t *idx = NULL, count = 0;
    int all = 0;
    if (cli_parse_index_list(o->watch, ps->size, &all, &idx, &count, err,
                             sizeof err) != 0) {
      if (sim->npops > 1) return fail("--watch (%s): %s", ps->name, err);
      return fail("--watch: %s", err);
    }
    free(ps->watch);
    ps->watch = idx;
    ps->nwatch = count;
    ps->watch_all = all;
  }
  return 0;
}

/* A config's "record" (variables, "every", or a watch list that no
 * --trace uses) with no output file would record nothing: refused, as the
 * flags are. */
static int record_needs_out(const cli_sim *sim, const run_opts *o) {
  size_t p;
  if (sim->out != NULL) return 0;
  for (p = 0; p < sim->npops; p++) {
    const cli_pop_spec *ps = &sim->pops[p];
    if (ps->record != 0 || ps->every != 1 ||
        (ps->watch_path[0] != '\0' && o->trace_path == NULL))
      return fail("%s: record: nothing would be recorded for population %s "
                  "without an output file; add \"out\" to the config or "
                  "give --out FILE",
                  sim->config_path != NULL ? sim->config_path : "config",
                  ps->name != NULL ? ps->name : ps->path);
  }
  return 0;
}

/* The recording flags: --record, --watch, --record-every, --out,
 * --no-spikes. */
static int apply_record_flags(cli_sim *sim, const run_opts *o) {
  size_t p;
  int rc;
  if (o->out != NULL) {
    free(sim->out);
    if ((sim->out = cli_strdup(o->out)) == NULL) return fail("out of memory");
    sim->out_src = CLI_SRC_FLAG;
  }
  if (o->no_spikes) sim->spikes = 0;
  if (o->record != NULL) {
    unsigned mask;
    if ((rc = parse_record_flag(o->record, &mask)) != 0) return rc;
    if (sim->out == NULL)
      return fail("--record needs an output file: --out FILE (.h5, .csv or "
                  ".npy)");
    for (p = 0; p < sim->npops; p++) sim->pops[p].record = mask;
  }
  if (o->every_given) {
    if (sim->out == NULL)
      return fail("--record-every needs an output file: --out FILE");
    for (p = 0; p < sim->npops; p++) sim->pops[p].every = o->every;
  }
  if (o->no_spikes && sim->out == NULL)
    return fail("--no-spikes needs an output file: --out FILE");
  if (o->watch != NULL) {
    if (o->trace_path == NULL && sim->out == NULL)
      return fail("--watch needs --trace FILE or --out FILE");
    if ((rc = apply_watch(sim, o)) != 0) return rc;
  }
  return record_needs_out(sim, o);
}

/* --load-state and --save-state: one file per population when there are
 * several (cli_state_path); formats and the save directory are checked
 * before anything runs. */
static int apply_state_flags(cli_sim *sim, const run_opts *o) {
  adex_state_format fmt;
  size_t p;
  int err;
  if (o->load_state != NULL) {
    if (adex_state_format_of(o->load_state, &fmt) != ADEX_OK)
      return fail("--load-state: %s", adex_errmsg());
    if ((sim->load_state = cli_strdup(o->load_state)) == NULL)
      return fail("out of memory");
  }
  if (o->save_state == NULL) return 0;
  if (adex_state_format_of(o->save_state, &fmt) != ADEX_OK)
    return fail("--save-state: %s", adex_errmsg());
  for (p = 0; p < sim->npops; p++) {
    char buf[4096];
    const char *f =
        cli_state_path(sim, o->save_state, sim->pops[p].name, buf, sizeof buf);
    if (f == NULL) return fail("--save-state: file name too long");
    if ((err = cli_output_probe(f)) == EISDIR)
      return fail("--save-state: '%s' is a directory", f);
    if (err == ESPIPE)
      return fail("--save-state: '%s' is not a regular file (a state file "
                  "replaces its target)",
                  f);
    if (err != 0)
      return fail("--save-state: cannot write '%s': %s", f, strerror(err));
  }
  if ((sim->save_state = cli_strdup(o->save_state)) == NULL)
    return fail("out of memory");
  return 0;
}

/* Add a file to the list of check_files. */
static void add_file(cli_file_ref *f, size_t *n, const char *path,
                     const char *what, int output) {
  if (path == NULL) return;
  memset(&f[*n], 0, sizeof f[*n]);
  f[*n].path = path;
  f[*n].what = what;
  f[*n].output = output;
  (*n)++;
}

/* Refuse an output that is another output or one of the run's inputs (the
 * config, --load-state, input files): compared by device and inode, or by
 * directory and name for a file not written yet, so "x.csv", "./x.csv" and
 * "$PWD/x.csv" are one file. --save-state may replace the --load-state
 * file. */
static int check_files(const cli_sim *sim, const run_opts *o) {
  size_t nstate = (sim->save_state != NULL) + (sim->load_state != NULL);
  size_t cap = 4 + nstate * sim->npops + sim->ninputs, n = 0, p, i;
  cli_file_ref *f = malloc(cap * sizeof *f), a, b;
  char **names = calloc(nstate * sim->npops + 1, sizeof *names);
  size_t nnames = 0;
  int rc = 0;
  if (f == NULL || names == NULL) rc = fail("out of memory");
  for (p = 0; rc == 0 && p < nstate * sim->npops; p++) {
    int save = sim->save_state != NULL && p < sim->npops;
    const char *path = save ? sim->save_state : sim->load_state;
    char buf[4096];
    const char *s = cli_state_path(sim, path, sim->pops[p % sim->npops].name,
                                   buf, sizeof buf);
    if (s == NULL)
      rc = fail("%s: file name too long",
                save ? "--save-state" : "--load-state");
    else if ((names[nnames++] = cli_strdup(s)) == NULL)
      rc = fail("out of memory");
    else {
      add_file(f, &n, names[nnames - 1], save ? "--save-state" : "--load-state",
               save);
      /* a state is loaded whole before the run: saving the continued
       * state back into the same file is fine */
      f[n - 1].tag = 1;
    }
  }
  if (rc == 0) {
    add_file(f, &n, sim->out,
             sim->out_src == CLI_SRC_FLAG ? "--out" : "the config's out", 1);
    add_file(f, &n, o->spikes_path, "--spikes", 1);
    add_file(f, &n, o->trace_path, "--trace", 1);
    add_file(f, &n, sim->config_path, "the config file", 0);
    for (i = 0; i < sim->ninputs; i++)
      if (sim->inputs[i].kind == CLI_IN_FILE)
        add_file(f, &n, sim->inputs[i].file, sim->inputs[i].path, 0);
  }
  if (rc == 0 && cli_files_clash(f, n, &a, &b)) {
    if (!a.output) {
      cli_file_ref t = a;
      a = b;
      b = t;
    }
    if (strcmp(a.path, b.path) == 0)
      rc = fail("%s names the same file as %s%s: '%s'", a.what,
                b.output ? "" : "the input ", b.what, a.path);
    else
      rc = fail("%s names the same file as %s%s: '%s' and '%s'", a.what,
                b.output ? "" : "the input ", b.what, a.path, b.path);
  }
  for (i = 0; i < nnames; i++) free(names[i]);
  free(names);
  free(f);
  return rc;
}

/* Build the simulation from the config (if any) and the flags. */
static int build_sim(cli_sim *sim, const run_opts *o) {
  uint64_t nsteps;
  int rc;
  cli_sim_init(sim);
  if (o->config != NULL) {
    if ((rc = cli_config_load(o->config, sim)) != 0) return rc;
  } else if (cli_sim_add_pop(sim) == NULL ||
             (sim->pops[0].name = cli_strdup(FLAG_POP_NAME)) == NULL) {
    return fail("out of memory");
  }
  if (o->duration_given || o->config == NULL) sim->duration = o->duration;
  if (o->dt_given || o->config == NULL) sim->dt = o->dt;
  if (o->start_given || o->config == NULL) sim->start = o->start;
  if (o->seed_given || o->config == NULL) sim->seed = o->seed;
  if ((rc = cli_engine_steps(sim, &nsteps)) != 0) return rc;
  if ((rc = apply_pop_flags(sim, o)) != 0) return rc;
  apply_speed_flags(sim, o);
  if ((rc = apply_record_flags(sim, o)) != 0) return rc;
  if ((o->spikes_path != NULL || o->trace_path != NULL) && sim->npops != 1)
    return fail("--spikes and --trace need a single population, but '%s' "
                "has %zu; use --out FILE",
                o->config, sim->npops);
  if ((rc = apply_state_flags(sim, o)) != 0) return rc;
  if ((rc = check_files(sim, o)) != 0) return rc;
  if ((rc = cli_sim_check(sim)) != 0) return rc;
  cli_engine_note_time(sim, nsteps);
  return 0;
}

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
static int open_csv(run_csv *c, const run_opts *o, const cli_engine *e) {
  const cli_pop_spec *p = &e->sim->pops[0];
  c->pop = e->pops[0];
  c->n = p->size;
  c->sim = e->sim;
  if (!p->watch_all) {
    c->watch = p->watch;
    c->nwatch = p->nwatch;
  }
  if (o->spikes_path != NULL &&
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
    if (open_output(&c->trace, o->trace_path, "--trace", "t,neuron,V,w\n") != 0)
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
static int csv_step(void *ctx, uint64_t k, double t) {
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
  if (c->trace.fp != NULL) {
    double te = cli_sim_time(c->sim, k + 1);
    size_t m = c->watch != NULL ? c->nwatch : c->n;
    cli_pop_gather(c->pop, CLI_VAR_V, c->watch, m, c->V);
    cli_pop_gather(c->pop, CLI_VAR_W, c->watch, m, c->w);
    for (j = 0; j < m; j++) {
      i = c->watch != NULL ? c->watch[j] : j;
      fprintf(c->trace.fp, "%.17g,%zu,%.17g,%.17g\n", te, i, c->V[j], c->w[j]);
    }
    c->trace_rows += m;
  }
  if (output_failed(&c->spikes, "--spikes") ||
      output_failed(&c->trace, "--trace"))
    return CLI_EXIT_FAILURE;
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
static void print_summary(const cli_engine *e) {
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
    printf("adex run: %zu neuron%s, %llu step%s of %g ms (%g ms)", n, plural(n),
           (unsigned long long)e->steps_done, plural(e->steps_done), sim->dt,
           sim_ms);
    if (sim->start != 0) printf(" from t = %g ms", sim->start);
    printf(", method %s\n", adex_method_name(adex_pop_method(e->pops[0])));
    printf("spikes: %llu  mean rate: %.4g Hz\n", (unsigned long long)total,
           mean_rate(total, n, sim_ms));
  } else {
    printf("adex run: %zu populations, %zu neurons, %llu step%s of %g ms "
           "(%g ms)",
           sim->npops, n, (unsigned long long)e->steps_done,
           plural(e->steps_done), sim->dt, sim_ms);
    if (sim->start != 0) printf(" from t = %g ms", sim->start);
    printf("\n");
    for (p = 0; p < sim->npops; p++)
      printf(
          "  %-16s %8zu neuron%s  %-10s spikes: %llu  mean rate: %.4g "
          "Hz\n",
          cli_engine_pop_name(e, p), sim->pops[p].size,
          plural(sim->pops[p].size),
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
static void print_outputs(const run_opts *o, const cli_engine *e,
                          const run_csv *c, const char *saved) {
  if (o->spikes_path != NULL)
    printf("spikes written to %s (%llu row%s)\n", o->spikes_path,
           (unsigned long long)c->spike_rows, plural(c->spike_rows));
  if (o->trace_path != NULL)
    printf("trace written to %s (%llu row%s)\n", o->trace_path,
           (unsigned long long)c->trace_rows, plural(c->trace_rows));
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
static void print_rates(const cli_engine *e) {
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
  if (rc == 0) rc = open_csv(&c, o, &e);
  if (rc == 0) warn_idle_options(sim);
  if (rc == 0) {
    int hook = o->spikes_path != NULL || o->trace_path != NULL;
    if (o->is_default) print_builtin_intro();
    fflush(stdout);
    rc = cli_engine_run(&e, o->quiet, hook ? csv_step : NULL, &c);
    if (rc == 0 || e.signal != 0) {
      rc2 = commit_output(&c.spikes, "--spikes", o->spikes_path);
      if (rc2 == 0) rc2 = commit_output(&c.trace, "--trace", o->trace_path);
      if (rc2 != 0) rc = rc2;
    }
    if ((rc == 0 || (e.signal != 0 && rc == 128 + e.signal)) &&
        sim->save_state != NULL &&
        (rc2 = cli_engine_save_state(&e, saved, sizeof saved)) != 0)
      rc = rc2;
    if (e.signal != 0 && rc == 128 + e.signal) report_signal(o, &e, saved);
    if (rc == 0 || rc == 128 + e.signal) {
      print_summary(&e);
      print_outputs(o, &e, &c, saved);
      if (o->rates) print_rates(&e);
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
  if (has_arg(argc, argv, "--help", "-h")) {
    cli_run_help(stdout);
    return CLI_EXIT_OK;
  }
  if (has_arg(argc, argv, "--list-methods", NULL)) {
    list_methods(stdout);
    return CLI_EXIT_OK;
  }
  /* a closed pipe (--trace /dev/stdout | head) is a write error (EPIPE)
   * that stops the run and removes the temporaries, not a silent death */
  signal(SIGPIPE, SIG_IGN);
  cli_sim_init(&sim);
  rc = parse_opts(&o, argc, argv);
  if (rc == 0) rc = build_sim(&sim, &o);
  if (rc == 0) rc = execute(&o, &sim);
  cli_sim_free(&sim);
  return rc;
}

/* ------------------------------------------------------------ help */

/* Print the parameter flags with units and BrainPy's defaults. */
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
      snprintf(what, sizeof what, "%s", adex_param_doc(id));
    else
      snprintf(what, sizeof what, "%s, %s", adex_param_doc(id), unit);
    fprintf(out, "  %-16s %s [%g]\n", flag, what, adex_params_get(&p, id));
  }
}

/* Print the registered method names, wrapped at 78 columns. */
void cli_help_methods(FILE *out) {
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
  fprintf(
      out,
      "usage: adex run [CONFIG.json] [options]\n"
      "\n"
      "Simulate populations of AdEx neurons (BrainPy's AdExIF) and report "
      "spikes,\n"
      "rates and recordings. Units: mV, ms, input I such that R*I is in mV.\n"
      "Options take their value as the next argument or after '='.\n"
      "\n"
      "CONFIG.json describes the run (time, populations, inputs, recordings,\n"
      "output; schema in docs/cli.md). Options override the file; the\n"
      "population options (--size, --method, the parameters, --V0, --w0,\n"
      "--input and the integrator options) need a config with a single\n"
      "population. Without a config the population is named \"pop\".\n"
      "\n"
      "With no arguments at all, `adex run` runs a built-in demonstration: "
      "the\n"
      "f-I curve of 200 neurons (--size 200 --duration 1000 --input 0:40 --V0 "
      "-65\n"
      "--rates), and writes its spikes, and V and w of neurons "
      "0,50,100,150,199\n"
      "every 1 ms, to " DEFAULT_OUT " in the current directory. Any argument\n"
      "switches it off; the defaults below then apply.\n"
      "\n"
      "Population and time:\n"
      "  --size N         number of neurons, >= 1 [1]\n"
      "  --duration MS    simulated time, ms, >= 0; steps = ceil(MS/dt) "
      "[100]\n"
      "  --dt MS          time step, ms, > 0 [0.1]\n"
      "  --start MS       time of the first step, ms [0]\n"
      "  --method NAME    integration method [exp_auto], one of (or an "
      "alias):\n");
  cli_help_methods(out);
  fprintf(
      out,
      "  --list-methods   print every method with its order and whether it is "
      "an\n"
      "                   embedded pair (usable with --adaptive), then exit\n"
      "\n"
      "Integrator options (beyond BrainPy; defaults give BrainPy's update):\n"
      "  --adaptive       per-neuron sub-steps inside dt with error control; "
      "needs\n"
      "                   an embedded method (rkf12, rkf45, rkdp, ck, bs,\n"
      "                   heun_euler) [off]\n"
      "  --tol X          adaptive: absolute and relative tolerance, 0 < X < "
      "1\n"
      "                   [1e-06]\n"
      "  --precise-spikes locate each V_th crossing inside the step, reset "
      "there\n"
      "                   and integrate the rest of the step; spikes then "
      "carry\n"
      "                   their crossing time [off]\n"
      "  --tau_ref MS     refractory period, ms, >= 0: V is held while\n"
      "                   t - t_last_spike <= MS [0: none]\n"
      "  --noise SIGMA    white noise on V, mV/sqrt(ms), >= 0: V gains\n"
      "                   SIGMA*sqrt(dt)*N(0,1) each step [0: none]\n"
      "  --noise-seed N   seed of the noise stream, unsigned 64-bit [derived "
      "from\n"
      "                   --seed: population p gets mix64(seed ^ "
      "mix64(0x2000+p))]\n"
      "  --spk_reset hard|soft  after a spike V = V_reset (hard) or\n"
      "                   V -= V_th - V_reset (soft) [hard]\n"
      "A dt outside the stability region of a fixed-step method is refused\n"
      "(exit 2) with the largest stable dt.\n");
  fprintf(
      out,
      "\n"
      "Speed (every population; a config sets them per population with the "
      "keys\n"
      "\"threads\", \"kernel\", \"dtype\"):\n"
      "  --threads N      OpenMP threads of an update, 0..4096; 0: OpenMP's "
      "default\n"
      "                   (OMP_NUM_THREADS or every core); every count gives "
      "the\n"
      "                   same bits [1: serial]\n"
      "  --kernel NAME    implementation of the method: auto (the fastest "
      "here),\n"
      "                   scalar (the reference), avx2, avx512; every kernel "
      "gives\n"
      "                   the same bits [auto];\n"
      "                   available here: auto, scalar%s%s\n"
      "  --dtype float64|float32  element type of V, w, input and "
      "t_last_spike;\n"
      "                   float32 halves the state and runs exp_auto in float\n"
      "                   (outputs are still written as float64); fixed steps\n"
      "                   only: not with --adaptive, --precise-spikes, "
      "--tau_ref,\n"
      "                   --noise or --spk_reset soft [float64]\n",
      adex_kernel_available(ADEX_KERNEL_AVX2) ? ", avx2" : "",
      adex_kernel_available(ADEX_KERNEL_AVX512) ? ", avx512" : "");
  fprintf(
      out,
      "\n"
      "Parameters: X for every neuron, or LO:HI spread linearly over the "
      "neurons\n"
      "(neuron i of N gets LO + (HI-LO)*i/(N-1); with N = 1 it gets LO):\n");
  help_params(out);
  fprintf(
      out,
      "\n"
      "Initial state (INIT: X, zero, uniform:LO:HI or normal:MEAN:SD):\n"
      "  --V0 INIT        initial V, mV [zero: V = 0 mV is above V_th, so "
      "every\n"
      "                   neuron spikes in the first step, as in BrainPy]\n"
      "  --w0 INIT        initial w [zero]\n"
      "  --seed N         seed of the random initializers and inputs, "
      "unsigned\n"
      "                   64-bit; population p: V uses N+2p, w N+2p+1 [1]\n"
      "\n"
      "Input (the config's \"inputs\" offer constant, section, ramp, poisson, "
      "ou\n"
      "and file inputs; --input replaces those of the population):\n"
      "  --input X        input I to every neuron, added before every step "
      "[0]\n"
      "  --input LO:HI    neuron i of N gets LO + (HI-LO)*i/(N-1)\n"
      "\n"
      "Recording into one file (format by extension; layouts in docs/cli.md):\n"
      "  --out FILE       .h5/.hdf5 (a group per population: spikes/t, "
      "spikes/\n"
      "                   neuron, one samples x neurons dataset per variable "
      "with\n"
      "                   ts and neurons beside it, parameters as "
      "attributes),\n"
      "                   .csv (rows t,population,neuron,var,value) or .npy "
      "(one\n"
      "                   float64 array: the one recorded variable, samples x\n"
      "                   neurons, or else the spikes as rows t,neuron)\n"
      "  --record LIST    variables to sample, comma-separated: V, w, input,\n"
      "                   spike, t_last_spike (needs --out) [none: spikes "
      "only]\n"
      "  --record-every STEPS  sample every STEPS steps, >= 1 [1]\n"
      "  --no-spikes      do not store spikes in FILE (they are stored, for "
      "every\n"
      "                   neuron, by default)\n"
      "\n"
      "Output in the first form (CSV, one population):\n"
      "  --spikes FILE    CSV 't,neuron': one row per spike, by step then "
      "neuron;\n"
      "                   t is the step's t (with --precise-spikes the "
      "crossing\n"
      "                   time)\n"
      "  --trace FILE     CSV 't,neuron,V,w': the watched neurons after every "
      "step\n"
      "  --watch LIST     neurons to trace and record: all, or indices such "
      "as\n"
      "                   0,3,7 [all]\n"
      "  --rates          print spikes and rate (Hz) per neuron (about 25 "
      "rows)\n"
      "  -q, --quiet      no progress bar (shown on a terminal for runs > 1 "
      "s)\n"
      "  -h, --help       print this help\n"
      "\n");
  fprintf(
      out,
      "State files (.h5/.hdf5 or .npz, the library's save_states format; keys\n"
      "<population>.V, .w, ...; docs/state-files.md):\n"
      "  --load-state FILE  load the population's state before the first step\n"
      "                   (the file's population name must match; keys "
      "missing\n"
      "                   from the file are warned about on stderr)\n"
      "  --save-state FILE  save the state after the last step (also when a\n"
      "                   signal stops the run)\n"
      "With several populations each has its own file, FILE with .<name> "
      "before\n"
      "the extension (s.h5 -> s.exc.h5). To continue a run of D ms, run again\n"
      "with --start <start + D> --load-state FILE: when start is a whole "
      "number\n"
      "of steps (start/dt within 1e-9 of an integer, as start 0), the result\n"
      "equals the uninterrupted run bit for bit. From another start the times\n"
      "(start + D) + k*dt and start + (K + k)*dt can differ by an ulp: the\n"
      "stamps of samples and spikes then do, and so can what reads the time\n"
      "(tau_ref), while a fixed-step run without tau_ref gives the same V, w\n"
      "and spikes. (For the inputs, time counts from each run's start: a\n"
      "constant input continues, others start again.)\n"
      "\n");
  fprintf(
      out,
      "Numbers in the CSV files are printed with 17 significant digits. A file "
      "is\n"
      "written as FILE.tmp.XXXXXX and renamed onto FILE only when the run\n"
      "succeeds; on failure an existing FILE is left untouched. A device or "
      "pipe\n"
      "(/dev/stdout) is written in place; a failed write (full disk, closed "
      "pipe)\n"
      "stops the run with exit 1. Two outputs, or an output and an input, "
      "that\n"
      "are one file are refused. Ctrl-C (SIGINT) or SIGTERM stops the run "
      "before\n"
      "the next step; what was recorded so far is written and the exit status "
      "is\n"
      "130 (SIGINT) or 143 (SIGTERM).\n"
      "\n"
      "Time: steps = ceil(duration/dt) (BrainPy's count; a duration within "
      "1e-9 of\n"
      "a whole number of steps counts exactly: 1 ms at dt 0.1 is 10 steps, "
      "1.04 ms\n"
      "is 11), at least 1 (a warning when steps*dt is not the duration);\n"
      "step k = 0..steps-1 advances the state from\n"
      "t_k = start + k*dt to t_k + dt (when start is a whole number n of "
      "steps,\n"
      "t_k = (n + k)*dt, the times of an uninterrupted run). The times must "
      "tell\n"
      "steps apart: doubles at most dt/1000 apart at every t of the run (with\n"
      "dt 0.1, |t| < 5.5e11 ms). A spike found in the step from t to t+dt\n"
      "is stamped t (the time passed to the update), or with --precise-spikes\n"
      "its crossing time of V_th inside the step (several spikes of one "
      "neuron\n"
      "in one step are each reported and counted); a state recorded after "
      "that\n"
      "step is stamped t+dt, the time the state belongs to; a recorded input "
      "is\n"
      "the one used in it.\n"
      "\n"
      "Exit status: 0 success; 2 bad option, value, config, parameter, output\n"
      "path, unstable dt or state file that cannot be loaded (nothing was\n"
      "written); 1 failure during the run (I/O error, out of memory, a state\n"
      "that cannot be saved); 130/143 stopped by SIGINT/SIGTERM.\n");
}
