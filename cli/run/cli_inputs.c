/* cli/run/cli_inputs.c - the inputs of `adex run`: each input of the
 * description becomes one of the library's input generators
 * (adex/inputs.h: constant, section, ramp, poisson, ou, and file as a
 * table), whose kinds and step rules docs/cli.md describes; this file
 * reads the input files and groups the inputs by population.
 */
#define _POSIX_C_SOURCE 200809L

#include "cli_inputs.h"
#include "adex/files.h"
#include "adex/inputs.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_args.h"
#include "cli_npy.h"

/* The plan of one input. */
typedef struct input_plan {
  const cli_input_spec *spec;
  int taken;     /* constant, moved into the population's drive */
  size_t n;      /* neurons of the target */
  adex_gen *gen; /* the library's generator */
  double *table; /* file: rows x cols, while planning */
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

/* A cli_vec as the library's vector. */

/* The values of neurons [lo, lo + n) of a number or per-neuron list. */
static adex_gen_vec gpart(const cli_vec *v, size_t lo, size_t n) {
  return v->n > 1 ? (adex_gen_vec){v->v + lo, n} : (adex_gen_vec){v->v, v->n};
}

/* Keep columns [lo, lo + n) of the rows x cols table (cols > 1). */
static int table_part(input_plan *pl, size_t lo, size_t n) {
  if (pl->cols <= 1 || n == pl->cols) return 0;
  size_t cells = (size_t)pl->rows * n;
  double *t = malloc((cells > 0 ? cells : 1) * sizeof *t);
  if (t == NULL) return cli_error("out of memory");
  for (uint64_t r = 0; r < pl->rows; r++)
    memcpy(t + r * n, pl->table + r * pl->cols + lo, n * sizeof *t);
  free(pl->table);
  pl->table = t;
  pl->cols = n;
  return 0;
}

/* Make input i's generator, for neurons [lo, lo + n) of its target (this
 * process's block on several ranks; random draws keyed by global index). */
static int plan_one(const cli_sim *sim, size_t i, input_plan *pl,
                    uint64_t nsteps, size_t lo, size_t n) {
  const cli_input_spec *in = &sim->inputs[i];
  adex_gen_config c = {0};
  adex_gen_vec *secs = NULL;
  int rc;
  pl->spec = in;
  pl->n = sim->pops[in->target].size;
  c.num = n;
  c.first_id = lo;
  c.seed = cli_input_seed(sim, i);
  switch (in->kind) {
  case CLI_IN_CONSTANT:
    c.kind = ADEX_GEN_CONSTANT;
    c.value = gpart(&in->value, lo, n);
    break;
  case CLI_IN_SECTION:
    c.kind = ADEX_GEN_SECTION;
    secs = calloc(in->nsec > 0 ? in->nsec : 1, sizeof *secs);
    if (secs == NULL) {
      cli_error("out of memory planning %s", in->path);
      return CLI_EXIT_FAILURE;
    }
    for (size_t j = 0; j < in->nsec; j++)
      secs[j] = gpart(&in->sec_values[j], lo, n);
    c.sec_values = secs;
    c.durations = in->durations;
    c.n_sec = in->nsec;
    break;
  case CLI_IN_RAMP:
    c.kind = ADEX_GEN_RAMP;
    c.from = in->from;
    c.to = in->to;
    c.t_start = in->t_start;
    c.t_end = in->t_end < 0 ? sim->duration : in->t_end;
    break;
  case CLI_IN_POISSON:
    c.kind = ADEX_GEN_POISSON;
    c.rate = gpart(&in->rate, lo, n);
    c.weight = gpart(&in->weight, lo, n);
    break;
  case CLI_IN_OU:
    c.kind = ADEX_GEN_OU;
    c.mean = gpart(&in->mean, lo, n);
    c.sigma = gpart(&in->sigma, lo, n);
    c.tau = in->tau;
    break;
  case CLI_IN_FILE:
    if ((rc = plan_file(sim, in, pl, nsteps)) != 0) return rc;
    if ((rc = table_part(pl, lo, n)) != 0) return rc;
    c.kind = ADEX_GEN_TABLE;
    c.table = pl->table;
    c.rows = pl->rows;
    c.cols = pl->cols;
    break;
  default: return 0;
  }
  adex_status st = adex_gen_create(&c, sim->dt, &pl->gen);
  free(secs);
  free(pl->table); /* the generator has its copy */
  pl->table = NULL;
  if (st == ADEX_OK) return 0;
  cli_error("%s%s%s: %s", sim->config_path ? sim->config_path : "",
            sim->config_path ? ": " : "", in->path, adex_errmsg());
  return st == ADEX_ENOMEM ? CLI_EXIT_FAILURE : CLI_EXIT_USAGE;
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

int cli_inputs_create(const cli_sim *sim, uint64_t nsteps, const size_t *lo,
                      const size_t *num, cli_inputs **out) {
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
    size_t t = sim->inputs[i].target;
    if ((rc = plan_one(sim, i, &ins->plans[i], nsteps, lo ? lo[t] : 0,
                       num ? num[t] : sim->pops[t].size)) != 0) {
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
    adex_gen_destroy(ins->plans[i].gen);
    free(ins->plans[i].table);
  }
  free(ins->plans);
  free(ins->by_pop);
  free(ins->first);
  free(ins->active);
  free(ins);
}

/* ------------------------------------------------------------ the step */

size_t cli_inputs_take_constant(cli_inputs *ins, size_t p, double *drive) {
  size_t j, taken = 0;
  for (j = ins->first[p]; j < ins->first[p + 1]; j++)
    if (!adex_gen_is_constant(ins->plans[ins->by_pop[j]].gen)) return 0;
  for (j = ins->first[p]; j < ins->first[p + 1]; j++) {
    input_plan *pl = &ins->plans[ins->by_pop[j]];
    if (pl->taken) continue;
    adex_gen_add(pl->gen, 0, drive);
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
  for (size_t j = 0; j < ins->count; j++) {
    input_plan *pl = &ins->plans[j];
    if (!pl->taken && pl->gen != NULL)
      adex_gen_add(pl->gen, k, arrays[pl->spec->target]);
  }
}
