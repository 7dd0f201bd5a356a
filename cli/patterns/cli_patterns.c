/* cli/patterns/cli_patterns.c - `adex patterns`: the eight firing patterns of
 * Naud, Marcille, Clopath & Gerstner (2008), "Firing patterns in the
 * adaptive exponential integrate-and-fire model", Biol Cybern 99:335-347,
 * Table 1 (with the corrected delayed-regular-bursting and transient rows
 * that reproduce the paper's figures, as Brian2's example uses them).
 *
 * One single-neuron population per pattern, converted from the paper's
 * conductance form (C dV/dt = -gL(V-EL) + gL DeltaT exp((V-VT)/DeltaT) - w
 * + I) to adex's (docs/semantics.md section 1): tau = C/gL, R = 1/gL, V_rest = EL,
 * V_T = VT, V_reset = Vr, V_th = V_peak = 0 mV, a, b, tau_w unchanged, so w
 * and I stay in pA. V starts at EL, w at 0; a step of I pA starts at the
 * onset. The run goes through the engine of `adex run` (one .h5 group per
 * pattern) and the plotting helper draws the gallery.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "cli_args.h"
#include "cli_engine.h"
#include "cli_plot.h"
#include "cli_sim.h"

#define NPATTERNS 8
#define DATA_NAME "patterns.h5"
#define PNG_NAME "patterns.png"

/* One row of Naud et al. 2008, Table 1 (NEST/paper units). */
typedef struct pattern {
  const char *name;  /* group name */
  const char *title; /* figure label */
  double C;          /* pF */
  double gL;         /* nS */
  double EL;         /* mV */
  double VT;         /* mV */
  double DeltaT;     /* mV */
  double a;          /* nS */
  double tau_w;      /* ms */
  double b;          /* pA */
  double Vr;         /* mV */
  double I;          /* pA */
} pattern;

static const pattern patterns[NPATTERNS] = {
    {"tonic", "Tonic spiking", 200, 10, -70, -50, 2, 2, 30, 0, -58, 500},
    {"adapting", "Adaptation", 200, 12, -70, -50, 2, 2, 300, 60, -58, 500},
    {"initial_burst", "Initial burst", 130, 18, -58, -50, 2, 4, 150, 120, -50,
     400},
    {"regular_bursting", "Regular bursting", 200, 10, -58, -50, 2, 2, 120, 100,
     -46, 210},
    {"delayed_accelerating", "Delayed accelerating", 200, 12, -70, -50, 2, -10,
     300, 0, -58, 300},
    {"delayed_regular_bursting", "Delayed regular bursting", 100, 10, -65, -50,
     2, -10, 90, 30, -47, 110},
    {"transient_spiking", "Transient spiking", 100, 10, -65, -50, 2, 10, 90,
     100, -47, 180},
    {"irregular", "Irregular spiking", 100, 12, -60, -50, 2, -11, 130, 30, -48,
     160},
};

#define V_PEAK 0.0 /* mV: the spike cut-off of the paper */

typedef struct patterns_opts {
  const char *dir;    /* output directory ["."] */
  double dt;          /* ms [0.01] */
  double duration;    /* ms [600] */
  double onset;       /* ms, start of the current step [50] */
  const char *method; /* [rk4] */
  uint64_t every;     /* sample every this many steps [10] */
  int quiet, no_plot;
} patterns_opts;

void cli_patterns_help(FILE *out) {
  fprintf(
      out,
      "usage: adex patterns [--out DIR] [options]\n"
      "\n"
      "Simulate the eight firing patterns of Naud et al. 2008 (Table 1: tonic\n"
      "spiking, adaptation, initial burst, regular bursting, delayed "
      "accelerating,\n"
      "delayed regular bursting, transient spiking, irregular spiking), one\n"
      "neuron each, and write DIR/" DATA_NAME
      " (a group per pattern: spikes, V, w\n"
      "and input, the paper's parameters as attributes) and DIR/" PNG_NAME
      ", a\n"
      "4 x 2 gallery of the V and w traces. Parameters are converted from the\n"
      "paper's conductance form: tau = C/gL, R = 1/gL, V_rest = EL, V_T = VT,\n"
      "V_reset = Vr, V_th = V_peak = 0 mV; w and I in pA. V starts at EL, w at "
      "0.\n"
      "\n"
      "  --out DIR        directory for the files, created if missing [.]\n"
      "  --dt MS          time step, ms [0.01]\n"
      "  --duration MS    simulated time, ms [600]\n"
      "  --onset MS       time the current step starts, ms [50]\n"
      "  --method NAME    integration method [rk4]\n"
      "  --record-every STEPS  sample V, w, input every STEPS steps [10]\n"
      "  --no-plot        write the data only\n"
      "  -q, --quiet      no progress bar\n"
      "  -h, --help       print this help\n"
      "\n"
      "Exit status: 0 success; 2 bad arguments or DIR not writable; 1 the "
      "data\n"
      "was written but the gallery could not be drawn (python3 or matplotlib\n"
      "missing), or another failure.\n");
}

/* Parse the value of a numeric option. */
static int opt_number(const char *flag, const char *v, double *out) {
  if (v == NULL) return cli_error("%s needs a value", flag);
  if (cli_parse_double(v, out) != 0)
    return cli_error("%s expects a finite number, got '%s'", flag, v);
  return 0;
}

/* Parse the command line. */
static int parse(patterns_opts *o, int argc, char **argv) {
  int i;
  memset(o, 0, sizeof *o); /* quiet, no_plot: off unless given */
  o->dir = ".";
  o->dt = 0.01;
  o->duration = 600.0;
  o->onset = 50.0;
  o->method = "rk4";
  o->every = 10;
  for (i = 0; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    int used = 1, rc = 0;
    if (strcmp(a, "--out") == 0) {
      if (v == NULL || v[0] == '\0')
        return cli_error("--out needs a directory");
      o->dir = v;
    } else if (strcmp(a, "--dt") == 0) {
      rc = opt_number(a, v, &o->dt);
      if (rc == 0 && !(o->dt > 0))
        return cli_error("--dt must be > 0 ms, got %g", o->dt);
    } else if (strcmp(a, "--duration") == 0) {
      rc = opt_number(a, v, &o->duration);
      if (rc == 0 && !(o->duration > 0))
        return cli_error("--duration must be > 0 ms, got %g", o->duration);
    } else if (strcmp(a, "--onset") == 0) {
      rc = opt_number(a, v, &o->onset);
      if (rc == 0 && o->onset < 0)
        return cli_error("--onset must be >= 0 ms, got %g", o->onset);
    } else if (strcmp(a, "--method") == 0) {
      if (v == NULL || v[0] == '\0') return cli_error("--method needs a name");
      o->method = v;
    } else if (strcmp(a, "--record-every") == 0) {
      if (v == NULL || cli_parse_u64(v, &o->every) != 0 || o->every == 0)
        return cli_error("--record-every expects a positive number of "
                         "steps, got '%s'",
                         v != NULL ? v : "");
    } else if (strcmp(a, "--no-plot") == 0) {
      o->no_plot = 1;
      used = 0;
    } else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
      o->quiet = 1;
      used = 0;
    } else {
      return cli_error("unknown argument '%s' (see adex patterns --help)", a);
    }
    if (rc != 0) return rc;
    i += used;
  }
  if (o->onset >= o->duration)
    return cli_error("--onset (%g ms) must come before the end of the run "
                     "(--duration %g ms)",
                     o->onset, o->duration);
  return 0;
}

/* Add an attribute to a population spec. */
static int add_attr(cli_pop_spec *p, const char *name, double value) {
  cli_attr *grown = realloc(p->attrs, (p->nattrs + 1) * sizeof *grown);
  if (grown == NULL) return -1;
  p->attrs = grown;
  snprintf(p->attrs[p->nattrs].name, sizeof p->attrs[p->nattrs].name, "%s",
           name);
  p->attrs[p->nattrs++].value = value;
  return 0;
}

/* Set one parameter of p to a single value. */
static int set_param(cli_pop_spec *p, adex_param_id id, double v) {
  p->param_src[id] = CLI_SRC_CONFIG;
  return cli_vec_set(&p->param[id], &v, 1);
}

/* The population and input of pattern k. */
static int add_pattern(cli_sim *sim, const patterns_opts *o, size_t k) {
  const pattern *q = &patterns[k];
  cli_pop_spec *p = cli_sim_add_pop(sim);
  cli_input_spec *in;
  int rc = 0;
  if (p == NULL) return -1;
  p->name = cli_strdup(q->name);
  p->title = cli_strdup(q->title);
  p->method = cli_strdup(o->method);
  p->w_unit = cli_strdup("pA");
  p->input_unit = cli_strdup("pA");
  if (p->name == NULL || p->title == NULL || p->method == NULL ||
      p->w_unit == NULL || p->input_unit == NULL)
    return -1;
  p->method_src = CLI_SRC_FLAG;
  rc |= set_param(p, ADEX_P_TAU, q->C / q->gL);
  rc |= set_param(p, ADEX_P_R, 1.0 / q->gL);
  rc |= set_param(p, ADEX_P_V_REST, q->EL);
  rc |= set_param(p, ADEX_P_V_T, q->VT);
  rc |= set_param(p, ADEX_P_DELTA_T, q->DeltaT);
  rc |= set_param(p, ADEX_P_V_TH, V_PEAK);
  rc |= set_param(p, ADEX_P_V_RESET, q->Vr);
  rc |= set_param(p, ADEX_P_A, q->a);
  rc |= set_param(p, ADEX_P_B, q->b);
  rc |= set_param(p, ADEX_P_TAU_W, q->tau_w);
  p->V0.init = adex_init_constant(q->EL);
  p->record = CLI_VAR_BIT(CLI_VAR_V) | CLI_VAR_BIT(CLI_VAR_W) |
              CLI_VAR_BIT(CLI_VAR_INPUT);
  p->every = o->every;
  rc |= add_attr(p, "C_pF", q->C);
  rc |= add_attr(p, "gL_nS", q->gL);
  rc |= add_attr(p, "EL_mV", q->EL);
  rc |= add_attr(p, "VT_mV", q->VT);
  rc |= add_attr(p, "DeltaT_mV", q->DeltaT);
  rc |= add_attr(p, "a_nS", q->a);
  rc |= add_attr(p, "tau_w_ms", q->tau_w);
  rc |= add_attr(p, "b_pA", q->b);
  rc |= add_attr(p, "Vr_mV", q->Vr);
  rc |= add_attr(p, "I_pA", q->I);
  rc |= add_attr(p, "V_peak_mV", V_PEAK);
  rc |= add_attr(p, "onset_ms", o->onset);
  rc |= add_attr(p, "pattern_index", (double)k);
  if (rc != 0) return -1;
  /* the step: 0 until the onset, then I pA (R*I in mV = I/gL) */
  if ((in = cli_sim_add_input(sim)) == NULL) return -1;
  in->kind = CLI_IN_SECTION;
  in->target = k;
  in->src = CLI_SRC_FLAG;
  in->nsec = 2;
  in->sec_values = calloc(2, sizeof *in->sec_values);
  in->durations = calloc(2, sizeof *in->durations);
  if (in->sec_values == NULL || in->durations == NULL) return -1;
  {
    double zero = 0.0;
    if (cli_vec_set(&in->sec_values[0], &zero, 1) != 0 ||
        cli_vec_set(&in->sec_values[1], &q->I, 1) != 0)
      return -1;
  }
  in->durations[0] = o->onset;
  in->durations[1] = o->duration - o->onset;
  return 0;
}

/* mkdir -p for one path (parents included). */
static int make_dirs(const char *dir) {
  char *buf = cli_strdup(dir), *p;
  int rc = 0;
  if (buf == NULL) return ENOMEM;
  for (p = buf + 1; *p != '\0' && rc == 0; p++) {
    if (*p != '/') continue;
    *p = '\0';
    if (mkdir(buf, 0777) != 0 && errno != EEXIST) rc = errno;
    *p = '/';
  }
  if (rc == 0 && mkdir(buf, 0777) != 0 && errno != EEXIST) rc = errno;
  free(buf);
  return rc;
}

/* dir + "/" + name, malloc'd. */
static char *join(const char *dir, const char *name) {
  size_t a = strlen(dir), b = strlen(name);
  char *s = malloc(a + b + 2);
  if (s == NULL) return NULL;
  memcpy(s, dir, a);
  s[a] = '/';
  memcpy(s + a + 1, name, b + 1);
  return s;
}

/* Spike times of every pattern, collected by the step hook. */
typedef struct spike_log {
  const cli_engine *e;
  double *t[NPATTERNS]; /* ms */
  size_t n[NPATTERNS], cap[NPATTERNS];
  int nomem;
} spike_log;

/* The step hook: note the spike times of each pattern (from the event
 * list: t of the step, or the crossing time with precise spikes). */
static int log_spikes(void *ctx, uint64_t k, double t) {
  spike_log *log = ctx;
  size_t p, j;
  (void)k;
  (void)t;
  for (p = 0; p < NPATTERNS; p++) {
    const adex_spike_event *ev;
    size_t n;
    if (cli_spike_events(log->e->pops[p], &ev, &n) != 0)
      return CLI_EXIT_FAILURE;
    for (j = 0; j < n; j++) {
      if (log->n[p] == log->cap[p]) {
        size_t cap = log->cap[p] == 0 ? 64 : 2 * log->cap[p];
        double *grown = realloc(log->t[p], cap * sizeof *grown);
        if (grown == NULL) {
          log->nomem = 1;
          continue;
        }
        log->t[p] = grown;
        log->cap[p] = cap;
      }
      log->t[p][log->n[p]++] = ev[j].t;
    }
  }
  return 0;
}

/* Print one line per pattern: spikes, first-spike latency after the
 * onset, the first and last inter-spike intervals and their CV. */
static void print_table(const spike_log *log, const patterns_opts *o) {
  size_t k, i;
  printf("%-25s %6s %9s  %s\n", "pattern", "spikes", "latency",
         "inter-spike intervals (ms): first ... last, CV");
  for (k = 0; k < NPATTERNS; k++) {
    const double *t = log->t[k];
    size_t n = log->n[k];
    printf("%-25s %6zu", patterns[k].title, n);
    if (n > 0)
      printf(" %6.1f ms", t[0] - o->onset);
    else
      printf(" %9s", "-");
    if (n >= 2) {
      double sum = 0, sq = 0, mean, cv;
      size_t m = n - 1;
      printf("  ");
      for (i = 1; i < n && i <= 3; i++)
        printf("%s%.1f", i > 1 ? ", " : "", t[i] - t[i - 1]);
      if (n > 4) printf(" ... %.1f", t[n - 1] - t[n - 2]);
      for (i = 1; i < n; i++) sum += t[i] - t[i - 1];
      mean = sum / (double)m;
      for (i = 1; i < n; i++) {
        double d = t[i] - t[i - 1] - mean;
        sq += d * d;
      }
      cv = mean > 0 ? sqrt(sq / (double)m) / mean : 0.0;
      printf(", CV %.2f", cv);
    }
    printf("\n");
  }
}

int cli_patterns_main(int argc, char **argv) {
  patterns_opts o;
  cli_sim sim;
  cli_engine e;
  spike_log log;
  char *data = NULL, *png = NULL;
  size_t k;
  int rc, err;
  cli_prog = "adex patterns";
  for (k = 0; k < (size_t)argc; k++) {
    if (strcmp(argv[k], "--help") == 0 || strcmp(argv[k], "-h") == 0) {
      cli_patterns_help(stdout);
      return CLI_EXIT_OK;
    }
  }
  memset(&e, 0, sizeof e);
  memset(&log, 0, sizeof log);
  log.e = &e;
  if ((rc = parse(&o, argc, argv)) != 0) return rc;
  if ((err = make_dirs(o.dir)) != 0)
    return cli_error("cannot create directory '%s': %s", o.dir, strerror(err));
  cli_sim_init(&sim);
  data = join(o.dir, DATA_NAME);
  png = join(o.dir, PNG_NAME);
  sim.dt = o.dt;
  sim.duration = o.duration;
  sim.kind = cli_strdup("patterns");
  sim.out = data != NULL ? cli_strdup(data) : NULL;
  sim.out_src = CLI_SRC_FLAG;
  rc = data == NULL || png == NULL || sim.kind == NULL || sim.out == NULL;
  for (k = 0; k < NPATTERNS && rc == 0; k++) rc = add_pattern(&sim, &o, k);
  if (rc != 0) {
    cli_error("out of memory");
    rc = CLI_EXIT_FAILURE;
  }
  if (rc == 0) rc = cli_engine_setup(&e, &sim);
  if (rc == 0) cli_engine_note_time(&sim, e.nsteps);
  if (rc == 0) rc = cli_engine_run(&e, o.quiet, log_spikes, &log);
  if (rc == 0) {
    printf("adex patterns: %zu patterns, %llu steps of %g ms (%g ms), "
           "method %s, wall time %.2f s\n",
           (size_t)NPATTERNS, (unsigned long long)e.steps_done, o.dt,
           o.duration, o.method, e.wall_s);
    print_table(&log, &o);
    printf("data written to %s\n", data);
    fflush(stdout);
    if (!o.no_plot) {
      rc = cli_plot_draw("patterns", data, png);
      if (rc == 0) printf("gallery written to %s\n", png);
    }
  } else if (e.signal != 0) {
    cli_error("interrupted; what was simulated is in %s", data);
  }
  cli_engine_free(&e);
  cli_sim_free(&sim);
  for (k = 0; k < NPATTERNS; k++) free(log.t[k]);
  free(data);
  free(png);
  return rc;
}
