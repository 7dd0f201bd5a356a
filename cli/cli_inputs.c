/* cli/cli_inputs.c - input generation for `adex run`.
 *
 * Kinds (values in input units, R*I in mV; times in ms since the start):
 *   constant  value (scalar or per neuron) every step.
 *   section   BrainPy's section_input(values, durations): section j holds
 *             values[j] for floor(durations[j]/dt) steps, one after the
 *             other from step 0; after the last section the input is 0.
 *   ramp      BrainPy's ramp_input(from, to, duration, t_start, t_end):
 *             steps p1 = ceil(t_start/dt) .. p2-1, p2 = ceil(t_end/dt), get
 *             linspace(from, to, p2 - p1) (both ends included); 0 outside.
 *   poisson   in each step, independently per neuron, an event with
 *             probability rate*dt/1000 (rate in Hz) adds weight.
 *   ou        Ornstein-Uhlenbeck process dX = (mean - X)/tau dt + sigma dW
 *             (BrainPy's ou_process), advanced with its exact
 *             discretisation X' = mean + (X - mean) e^(-dt/tau)
 *             + sigma sqrt(tau/2 (1 - e^(-2 dt/tau))) N(0,1), from X = mean;
 *             step k uses the value after k+1 updates (as BrainPy). The
 *             stationary standard deviation is sigma*sqrt(tau/2).
 *   file      row k of a steps x neurons table (CSV or .npy, '<f8'/'<f4');
 *             one column applies to every neuron.
 * Step counts use floor/ceil as BrainPy, but a quotient t/dt within 1e-9
 * of an integer counts as that integer (20/0.1 is 200 steps, not 199).
 */
#define _POSIX_C_SOURCE 200809L

#include "cli_inputs.h"
#include "adex/files.h"
#include "rng.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_args.h"
#include "cli_npy.h"

#define GOLDEN UINT64_C(0x9e3779b97f4a7c15)
#define SNAP 1e-9
#define TWO_PI 6.283185307179586476925286766559

/* The plan of one input. */
typedef struct input_plan {
  const cli_input_spec *spec;
  int taken;           /* constant, moved into the population's drive */
  size_t n;            /* neurons of the target */
  uint64_t key;        /* random stream */
  uint64_t *sec_end;   /* section: first step after section j */
  size_t sec_cursor;   /* section: current section */
  uint64_t p1, p2;     /* ramp: window [p1, p2) */
  double *prob;        /* poisson: per-neuron event probability */
  double *x;           /* ou: state */
  double decay, noise; /* ou: e^(-dt/tau), sigma*sqrt(tau/2 (1-e^(-2dt/tau))) */
  double *table;       /* file: rows x cols */
  uint64_t rows;
  size_t cols;
} input_plan;

struct cli_inputs {
  input_plan *plans;
  size_t count;
  size_t *by_pop; /* plan indices grouped by target, in the order given */
  size_t *first;  /* population p's are by_pop[first[p] .. first[p+1]) */
  size_t *active; /* per population: plans not taken into the drive */
};

/* ------------------------------------------------------------ steps */

/* t/dt, or the nearest integer when it is within SNAP (relative). */
static double snapped(double t, double dt, int *exact) {
  double x = t / dt, r = nearbyint(x);
  *exact = fabs(x - r) <= SNAP * fmax(1.0, fabs(x));
  return *exact ? r : x;
}

uint64_t cli_steps_ceil(double t, double dt) {
  int exact;
  double x = snapped(t, dt, &exact);
  if (x <= 0) return 0;
  x = exact ? x : ceil(x);
  return x >= 1.8e19 ? UINT64_MAX : (uint64_t)x;
}

uint64_t cli_steps_floor(double t, double dt) {
  int exact;
  double x = snapped(t, dt, &exact);
  if (x <= 0) return 0;
  x = exact ? x : floor(x);
  return x >= 1.8e19 ? UINT64_MAX : (uint64_t)x;
}

/* ------------------------------------------------------------ files */

/* Message prefix for an input: "run.json: inputs[0].path" or the path. */
static const char *where_of(const cli_sim *sim, const cli_input_spec *in,
                            char *buf, size_t len) {
  if (sim->config_path != NULL)
    snprintf(buf, len, "%s: %s.path", sim->config_path, in->path);
  else
    snprintf(buf, len, "%s.path", in->path);
  return buf;
}

/* Load a .npy table ('<f8' or '<f4', 1 or 2 dimensions). */
static int load_npy(const char *file, input_plan *pl, char *err,
                    size_t errlen) {
  FILE *fp = fopen(file, "rb");
  adex__npy_header h;
  uint64_t rows, cols, count, r, c;
  size_t item, i;
  unsigned char *raw;
  if (fp == NULL) {
    snprintf(err, errlen, "cannot open '%s': %s", file, strerror(errno));
    return -1;
  }
  if (cli_npy_read_header(fp, &h, err, errlen) != 0) {
    fclose(fp);
    return -1;
  }
  if (strcmp(h.descr, "<f8") != 0 && strcmp(h.descr, "<f4") != 0) {
    snprintf(err, errlen, "'%s' has dtype '%s'; expected '<f8' or '<f4'", file,
             h.descr);
    fclose(fp);
    return -1;
  }
  if (h.ndim != 1 && h.ndim != 2) {
    snprintf(err, errlen,
             "'%s' has %zu dimensions; expected steps or "
             "steps x neurons",
             file, h.ndim);
    fclose(fp);
    return -1;
  }
  rows = h.shape[0];
  cols = h.ndim == 2 ? h.shape[1] : 1;
  if (rows == 0 || cols == 0 || rows > SIZE_MAX / 8 / cols) {
    snprintf(err, errlen, "'%s' has an empty or too large shape", file);
    fclose(fp);
    return -1;
  }
  count = rows * cols;
  item = h.descr[2] == '8' ? 8 : 4;
  raw = malloc((size_t)count * item);
  pl->table = malloc((size_t)count * sizeof *pl->table);
  if (raw == NULL || pl->table == NULL) {
    free(raw);
    snprintf(err, errlen, "out of memory reading '%s'", file);
    fclose(fp);
    return -1;
  }
  if (fread(raw, item, (size_t)count, fp) != (size_t)count) {
    free(raw);
    snprintf(err, errlen, "'%s' is shorter than its header says", file);
    fclose(fp);
    return -1;
  }
  fclose(fp);
  for (r = 0; r < rows; r++) {
    for (c = 0; c < cols; c++) {
      /* Fortran order stores column after column. */
      size_t src = (size_t)(h.fortran ? c * rows + r : r * cols + c);
      double v;
      if (item == 8) {
        uint64_t u = 0;
        for (i = 0; i < 8; i++) u |= (uint64_t)raw[src * 8 + i] << (8 * i);
        memcpy(&v, &u, sizeof v);
      } else {
        uint32_t u = 0;
        float f;
        for (i = 0; i < 4; i++) u |= (uint32_t)raw[src * 4 + i] << (8 * i);
        memcpy(&f, &u, sizeof f);
        v = (double)f;
      }
      pl->table[r * cols + c] = v;
    }
  }
  free(raw);
  pl->rows = rows;
  pl->cols = (size_t)cols;
  return 0;
}

/* Parse the numbers of one CSV line into vals (growing it). Returns the
 * count, or -1 for a field that is not a finite number. */
static long parse_csv_line(char *line, double **vals, size_t *cap) {
  size_t n = 0;
  char *p = line;
  for (;;) {
    char *end;
    double v;
    while (*p == ' ' || *p == '\t') p++;
    errno = 0;
    v = strtod(p, &end);
    if (end == p || !isfinite(v)) return -1;
    p = end;
    while (*p == ' ' || *p == '\t' || *p == '\r') p++;
    if (n == *cap) {
      size_t ncap = *cap == 0 ? 16 : *cap * 2;
      double *grown = realloc(*vals, ncap * sizeof *grown);
      if (grown == NULL) return -2;
      *vals = grown;
      *cap = ncap;
    }
    (*vals)[n++] = v;
    if (*p == ',') {
      p++;
      continue;
    }
    if (*p == '\0' || *p == '\n') break;
    return -1;
  }
  return (long)n;
}

/* Load a CSV table of plain numbers (no header; '#' lines are comments). */
static int load_csv(const char *file, input_plan *pl, char *err,
                    size_t errlen) {
  FILE *fp = fopen(file, "r");
  char *line = NULL;
  size_t linecap = 0, cap = 0, tcap = 0, lineno = 0, cols = 0;
  double *vals = NULL;
  uint64_t rows = 0;
  ssize_t got;
  int rc = 0;
  if (fp == NULL) {
    snprintf(err, errlen, "cannot open '%s': %s", file, strerror(errno));
    return -1;
  }
  while ((got = getline(&line, &linecap, fp)) >= 0) {
    long n;
    char *p = line;
    lineno++;
    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') p++;
    if (*p == '\0' || *p == '#') continue;
    n = parse_csv_line(p, &vals, &cap);
    if (n < 0) {
      snprintf(err, errlen,
               n == -2 ? "out of memory reading '%s'"
                       : "'%s' line %zu: expected numbers "
                         "separated by commas",
               file, lineno);
      rc = -1;
      break;
    }
    if (rows == 0) cols = (size_t)n;
    if ((size_t)n != cols) {
      snprintf(err, errlen,
               "'%s' line %zu has %ld values, the first row "
               "has %zu",
               file, lineno, n, cols);
      rc = -1;
      break;
    }
    if ((rows + 1) * cols > tcap) {
      size_t ncap = tcap == 0 ? 1024 : tcap * 2;
      double *grown;
      while (ncap < (rows + 1) * cols) ncap *= 2;
      grown = realloc(pl->table, ncap * sizeof *grown);
      if (grown == NULL) {
        snprintf(err, errlen, "out of memory reading '%s'", file);
        rc = -1;
        break;
      }
      pl->table = grown;
      tcap = ncap;
    }
    memcpy(pl->table + rows * cols, vals, cols * sizeof *vals);
    rows++;
  }
  if (rc == 0 && ferror(fp)) {
    snprintf(err, errlen, "cannot read '%s': %s", file, strerror(errno));
    rc = -1;
  }
  if (rc == 0 && rows == 0) {
    snprintf(err, errlen, "'%s' holds no rows of numbers", file);
    rc = -1;
  }
  free(line);
  free(vals);
  fclose(fp);
  pl->rows = rows;
  pl->cols = cols;
  return rc;
}

/* Load and check an input file against the target size and the steps. */
static int plan_file(const cli_sim *sim, const cli_input_spec *in,
                     input_plan *pl, uint64_t nsteps) {
  char err[512], where[256];
  int rc = adex_file_kind_of(in->file) == ADEX_FILE_NPY
               ? load_npy(in->file, pl, err, sizeof err)
               : load_csv(in->file, pl, err, sizeof err);
  where_of(sim, in, where, sizeof where);
  if (rc != 0) return cli_error("%s: %s", where, err);
  if (pl->cols != 1 && pl->cols != pl->n)
    return cli_error("%s: '%s' has %zu columns, expected 1 or %zu (one per "
                     "neuron)",
                     where, in->file, pl->cols, pl->n);
  if (pl->rows < nsteps)
    return cli_error("%s: '%s' has %llu rows, the run has %llu steps (one "
                     "row per step)",
                     where, in->file, (unsigned long long)pl->rows,
                     (unsigned long long)nsteps);
  /* the checks of every other input (a .npy can hold NaN, inf, 1e300) */
  for (uint64_t r = 0; r < pl->rows; r++) {
    for (size_t c = 0; c < pl->cols; c++) {
      if (adex_input_check("the value", pl->table[r * pl->cols + c]) != ADEX_OK)
        return cli_error("%s: '%s' row %llu, column %zu: %s", where, in->file,
                         (unsigned long long)r + 1, c + 1, adex_errmsg());
    }
  }
  return 0;
}

/* ------------------------------------------------------------ planning */

/* Derive what input i needs before the loop. */
static int plan_one(const cli_sim *sim, size_t i, input_plan *pl,
                    uint64_t nsteps) {
  const cli_input_spec *in = &sim->inputs[i];
  size_t j;
  uint64_t end = 0;
  pl->spec = in;
  pl->n = sim->pops[in->target].size;
  pl->key = cli_input_seed(sim, i);
  switch (in->kind) {
  case CLI_IN_SECTION:
    pl->sec_end = malloc(in->nsec * sizeof *pl->sec_end);
    if (pl->sec_end == NULL) break;
    for (j = 0; j < in->nsec; j++) {
      uint64_t len = cli_steps_floor(in->durations[j], sim->dt);
      end = len > UINT64_MAX - end ? UINT64_MAX : end + len;
      pl->sec_end[j] = end;
    }
    return 0;
  case CLI_IN_RAMP:
    pl->p1 = cli_steps_ceil(in->t_start, sim->dt);
    pl->p2 = cli_steps_ceil(in->t_end < 0 ? sim->duration : in->t_end, sim->dt);
    return 0;
  case CLI_IN_POISSON:
    pl->prob = malloc(pl->n * sizeof *pl->prob);
    if (pl->prob == NULL) break;
    for (j = 0; j < pl->n; j++)
      pl->prob[j] = cli_vec_at(&in->rate, j) * sim->dt / 1000.0;
    return 0;
  case CLI_IN_OU:
    pl->x = malloc(pl->n * sizeof *pl->x);
    if (pl->x == NULL) break;
    for (j = 0; j < pl->n; j++) pl->x[j] = cli_vec_at(&in->mean, j);
    pl->decay = exp(-sim->dt / in->tau);
    pl->noise = sqrt(0.5 * in->tau * -expm1(-2.0 * sim->dt / in->tau));
    return 0;
  case CLI_IN_FILE: return plan_file(sim, in, pl, nsteps);
  default: return 0;
  }
  cli_error("out of memory planning %s", in->path);
  return CLI_EXIT_FAILURE;
}

/* Index the plans by target population (a counting sort, stable), so
 * that the per-population questions cost the population's inputs only. */
static int group_by_pop(cli_inputs *ins, const cli_sim *sim) {
  size_t i, p, np = sim->npops;
  ins->by_pop = malloc((ins->count > 0 ? ins->count : 1) * sizeof *ins->by_pop);
  ins->first = calloc(np + 1, sizeof *ins->first);
  ins->active = calloc(np > 0 ? np : 1, sizeof *ins->active);
  if (ins->by_pop == NULL || ins->first == NULL || ins->active == NULL)
    return -1;
  for (i = 0; i < ins->count; i++) ins->active[ins->plans[i].spec->target]++;
  for (p = 0; p < np; p++) ins->first[p + 1] = ins->first[p] + ins->active[p];
  for (p = 0; p < np; p++) ins->active[p] = ins->first[p];
  for (i = 0; i < ins->count; i++)
    ins->by_pop[ins->active[ins->plans[i].spec->target]++] = i;
  for (p = 0; p < np; p++) ins->active[p] = ins->first[p + 1] - ins->first[p];
  return 0;
}

int cli_inputs_create(const cli_sim *sim, uint64_t nsteps, cli_inputs **out) {
  cli_inputs *ins = calloc(1, sizeof *ins);
  size_t i;
  int rc;
  *out = NULL;
  if (ins == NULL) {
    cli_error("out of memory");
    return CLI_EXIT_FAILURE;
  }
  ins->plans = calloc(sim->ninputs > 0 ? sim->ninputs : 1, sizeof *ins->plans);
  if (ins->plans == NULL) {
    free(ins);
    cli_error("out of memory");
    return CLI_EXIT_FAILURE;
  }
  for (i = 0; i < sim->ninputs; i++) {
    ins->count = i + 1;
    if ((rc = plan_one(sim, i, &ins->plans[i], nsteps)) != 0) {
      cli_inputs_free(ins);
      return rc;
    }
  }
  if (group_by_pop(ins, sim) != 0) {
    cli_inputs_free(ins);
    cli_error("out of memory");
    return CLI_EXIT_FAILURE;
  }
  *out = ins;
  return 0;
}

void cli_inputs_free(cli_inputs *ins) {
  size_t i;
  if (ins == NULL) return;
  for (i = 0; i < ins->count; i++) {
    free(ins->plans[i].sec_end);
    free(ins->plans[i].prob);
    free(ins->plans[i].x);
    free(ins->plans[i].table);
  }
  free(ins->plans);
  free(ins->by_pop);
  free(ins->first);
  free(ins->active);
  free(ins);
}

/* ------------------------------------------------------------ the step */

/* Add a vector (scalar or per neuron) into a. */
static void add_vec(double *a, const cli_vec *v, size_t n) {
  size_t i;
  if (v->n == 1) {
    double x = v->v[0];
    for (i = 0; i < n; i++) a[i] += x;
  } else {
    for (i = 0; i < n; i++) a[i] += v->v[i];
  }
}

/* Section: the values of the section step k falls in (none after the end). */
static void apply_section(input_plan *pl, uint64_t k, double *a) {
  const cli_input_spec *in = pl->spec;
  size_t j = pl->sec_cursor;
  if (j > 0 && k < pl->sec_end[j - 1]) j = 0; /* steps went back: rescan */
  while (j < in->nsec && k >= pl->sec_end[j]) j++;
  pl->sec_cursor = j;
  if (j < in->nsec) add_vec(a, &in->sec_values[j], pl->n);
}

/* Ramp: numpy's linspace(from, to, p2 - p1) at index k - p1. */
static void apply_ramp(const input_plan *pl, uint64_t k, double *a) {
  const cli_input_spec *in = pl->spec;
  uint64_t num = pl->p2 - pl->p1, idx;
  double v;
  size_t i;
  if (k < pl->p1 || k >= pl->p2) return;
  idx = k - pl->p1;
  if (num == 1 || idx == 0)
    v = in->from;
  else if (idx == num - 1)
    v = in->to;
  else
    v = in->from + (double)idx * ((in->to - in->from) / (double)(num - 1));
  for (i = 0; i < pl->n; i++) a[i] += v;
}

/* Poisson: one independent Bernoulli(rate*dt/1000) event per neuron. */
static void apply_poisson(const input_plan *pl, uint64_t k, double *a) {
  const cli_vec *w = &pl->spec->weight;
  size_t i;
  for (i = 0; i < pl->n; i++) {
    if (pl->prob[i] > 0 && adex__rng_uniform_at(pl->key, k, i, 0) < pl->prob[i])
      a[i] += cli_vec_at(w, i);
  }
}

/* OU: advance the state one exact step, then add it. */
static void apply_ou(input_plan *pl, uint64_t k, double *a) {
  const cli_input_spec *in = pl->spec;
  size_t i;
  for (i = 0; i < pl->n; i++) {
    double mu = cli_vec_at(&in->mean, i);
    double s = cli_vec_at(&in->sigma, i) * pl->noise;
    pl->x[i] = mu + (pl->x[i] - mu) * pl->decay +
               (s > 0 ? s * adex__rng_normal_at(pl->key, k, i) : 0.0);
    a[i] += pl->x[i];
  }
}

/* File: row k. */
static void apply_file(const input_plan *pl, uint64_t k, double *a) {
  const double *row;
  size_t i;
  if (k >= pl->rows) return;
  row = pl->table + k * pl->cols;
  if (pl->cols == 1) {
    for (i = 0; i < pl->n; i++) a[i] += row[0];
  } else {
    for (i = 0; i < pl->n; i++) a[i] += row[i];
  }
}

size_t cli_inputs_take_constant(cli_inputs *ins, size_t p, double *drive) {
  size_t j, taken = 0;
  for (j = ins->first[p]; j < ins->first[p + 1]; j++)
    if (ins->plans[ins->by_pop[j]].spec->kind != CLI_IN_CONSTANT) return 0;
  for (j = ins->first[p]; j < ins->first[p + 1]; j++) {
    input_plan *pl = &ins->plans[ins->by_pop[j]];
    if (pl->taken) continue;
    add_vec(drive, &pl->spec->value, pl->n);
    pl->taken = 1;
    ins->active[p]--;
    taken++;
  }
  return taken;
}

int cli_inputs_any(const cli_inputs *ins, size_t p) {
  return ins->active[p] > 0;
}

void cli_inputs_apply(cli_inputs *ins, uint64_t k, double *const *arrays) {
  size_t j;
  for (j = 0; j < ins->count; j++) {
    input_plan *pl = &ins->plans[j];
    double *a = arrays[pl->spec->target];
    if (pl->taken) continue;
    switch (pl->spec->kind) {
    case CLI_IN_CONSTANT: add_vec(a, &pl->spec->value, pl->n); break;
    case CLI_IN_SECTION: apply_section(pl, k, a); break;
    case CLI_IN_RAMP: apply_ramp(pl, k, a); break;
    case CLI_IN_POISSON: apply_poisson(pl, k, a); break;
    case CLI_IN_OU: apply_ou(pl, k, a); break;
    case CLI_IN_FILE: apply_file(pl, k, a); break;
    default: break;
    }
  }
}
