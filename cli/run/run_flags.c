/* cli/run/run_flags.c - `adex run`'s command line: every flag into
 * run_opts (phase 1), then run_opts and the config into a cli_sim
 * (phase 2; cli_run.c). */
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
int cli_run_has_arg(int argc, char **argv, const char *arg, const char *alt) {
  int i;
  for (i = 0; i < argc; i++) {
    if (strcmp(argv[i], arg) == 0 || (alt != NULL && strcmp(argv[i], alt) == 0))
      return 1;
  }
  return 0;
}

/* --list-methods: one method per line: name, order, embedded or fixed
 * step, aliases. */
void cli_run_list_methods(FILE *out) {
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
int cli_run_parse_opts(run_opts *o, int argc, char **argv) {
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
int cli_run_build_sim(cli_sim *sim, const run_opts *o) {
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
