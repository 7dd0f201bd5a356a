/* cli/run/config_check.c - the checks of a merged description (config
 * and flags) before anything is built, with the config path or flag of
 * each value in the message. */
#define _POSIX_C_SOURCE 200809L

#include "adex/files.h"
#include "config_internal.h"
#include "rng.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_args.h"
#include "cli_npy.h"

/* ------------------------------------------------------------ checks */

const char *cli_where(const cli_sim *sim, const char *path, const char *key,
                      cli_source src, const char *flag, char *buf, size_t len) {
  if (src == CLI_SRC_CONFIG && sim->config_path != NULL) {
    if (key != NULL && key[0] != '\0')
      snprintf(buf, len, "%s: %s.%s", sim->config_path, path, key);
    else
      snprintf(buf, len, "%s: %s", sim->config_path, path);
  } else if (flag != NULL) {
    snprintf(buf, len, "%s", flag);
  } else if (key != NULL && key[0] != '\0') {
    snprintf(buf, len, "%s.%s", path, key);
  } else {
    snprintf(buf, len, "%s", path);
  }
  return buf;
}

/* A per-neuron list must have one value per neuron. */
static int check_len(const cli_sim *sim, const cli_pop_spec *p,
                     const cli_vec *v, const char *path, const char *key,
                     cli_source src, const char *flag) {
  char where[PATH_LEN + 64];
  if (v->n <= 1 || v->n == p->size) return 0;
  cli_where(sim, path, key, src, flag, where, sizeof where);
  return cli_error("%s: has %zu values, expected 1 or %zu (the size of %s)",
                   where, v->n, p->size, p->name != NULL ? p->name : p->path);
}

/* An index and its position, for finding repeats by sorting. */
typedef struct pos_index {
  size_t v, i;
} pos_index;

/* qsort order of pos_index entries: by value, then by position. */
static int cmp_pos_index(const void *pa, const void *pb) {
  const pos_index *a = pa, *b = pb;
  if (a->v != b->v) return (a->v > b->v) - (a->v < b->v);
  return (a->i > b->i) - (a->i < b->i);
}

/* The first position of idx[0..n) whose value an earlier position has,
 * into *pos (SIZE_MAX if none); O(n log n). -1 when out of memory. */
static int first_repeated_index(const size_t *idx, size_t n, size_t *pos) {
  pos_index *k;
  size_t j;
  *pos = SIZE_MAX;
  if (n < 2) return 0;
  if ((k = malloc(n * sizeof *k)) == NULL) return -1;
  for (j = 0; j < n; j++) {
    k[j].v = idx[j];
    k[j].i = j;
  }
  qsort(k, n, sizeof *k, cmp_pos_index);
  for (j = 1; j < n; j++) {
    if (k[j].v == k[j - 1].v && k[j].i < *pos) *pos = k[j].i;
  }
  free(k);
  return 0;
}

/* Parameters, initializers, method and watch list of one population. */
static int check_pop(const cli_sim *sim, const cli_pop_spec *p) {
  char where[PATH_LEN + 64], key[PATH_LEN];
  int i;
  size_t j, twice;
  if (p->model == CLI_MODEL_POISSON && p->freqs.n != 1 && p->freqs.n != p->size)
    return cli_error("%s: has %zu values, expected 1 or %zu (the size)",
                     cli_where(sim, p->path, "freqs", CLI_SRC_CONFIG, NULL,
                               where, sizeof where),
                     p->freqs.n, p->size);
  if (p->model != CLI_MODEL_ADEXIF) return 0;
  for (i = 0; i < ADEX_NPARAMS; i++) {
    const char *name = adex_param_name((adex_param_id)i);
    char flag[32];
    snprintf(key, sizeof key, "params.%s", name);
    snprintf(flag, sizeof flag, "--%s", name);
    if (check_len(sim, p, &p->param[i], p->path, key, p->param_src[i], flag) !=
        0)
      return CLI_EXIT_USAGE;
  }
  if (p->method != NULL) {
    const adex_method *m;
    if (adex_method_find(p->method, &m) != ADEX_OK) {
      if (p->method_src != CLI_SRC_CONFIG)
        return cli_error("%s", adex_errmsg());
      return cli_error("%s: %s",
                       cli_where(sim, p->path, "method", p->method_src,
                                 "--method", where, sizeof where),
                       adex_errmsg());
    }
  }
  for (i = 0; i < 2; i++) {
    const cli_init_spec *in = i == 0 ? &p->V0 : &p->w0;
    const char *k = i == 0 ? "V_initializer" : "w_initializer";
    if (in->src != CLI_SRC_CONFIG) continue;
    cli_where(sim, p->path, k, in->src, NULL, where, sizeof where);
    if (in->init.kind == ADEX_INIT_ARRAY && in->init.len != p->size)
      return cli_error("%s: has %zu values, expected %zu (the size of %s)",
                       where, in->init.len, p->size,
                       p->name != NULL ? p->name : p->path);
    if (adex_init_check(&in->init, p->size, where) != ADEX_OK)
      return cli_error("%s", adex_errmsg());
  }
  cli_where(sim, p->watch_path, NULL,
            p->watch_path[0] != '\0' ? CLI_SRC_CONFIG : CLI_SRC_FLAG, "--watch",
            where, sizeof where);
  if (p->watch_all) return 0;
  if (first_repeated_index(p->watch, p->nwatch, &twice) != 0)
    return cli_error("out of memory");
  for (j = 0; j < p->nwatch; j++) {
    if (p->watch[j] >= p->size)
      return cli_error("%s: neuron %zu out of range (size %zu: 0..%zu)", where,
                       p->watch[j], p->size, p->size - 1);
    if (j == twice)
      return cli_error("%s: neuron %zu listed twice", where, p->watch[j]);
  }
  return 0;
}

/* Input values (a current, R*I in mV) within the library's bound
 * (adex_input_check): key names them after `where`, index j of a list. */
static int check_current(const char *where, const char *key, const cli_vec *v) {
  char name[PATH_LEN + 128];
  size_t j;
  for (j = 0; j < v->n; j++) {
    if (key == NULL)
      snprintf(name, sizeof name, "%s", where);
    else if (v->n == 1)
      snprintf(name, sizeof name, "%s.%s", where, key);
    else
      snprintf(name, sizeof name, "%s.%s[%zu]", where, key, j);
    if (adex_input_check(name, v->v[j]) != ADEX_OK)
      return cli_error("%s", adex_errmsg());
  }
  return 0;
}

/* Per-neuron values and numeric ranges of one input. */
static int check_input(const cli_sim *sim, const cli_input_spec *in) {
  const cli_pop_spec *p = &sim->pops[in->target];
  char where[PATH_LEN + 64];
  size_t i, j;
  const cli_vec *vecs[6];
  const char *keys[6];
  size_t nv = 0;
  const char *flag = in->src == CLI_SRC_FLAG ? "--input" : NULL;
  cli_where(sim, in->path, NULL, in->src, flag, where, sizeof where);
  switch (in->kind) {
  case CLI_IN_CONSTANT:
    vecs[nv] = &in->value;
    keys[nv++] = "value";
    break;
  case CLI_IN_POISSON:
    vecs[nv] = &in->rate;
    keys[nv++] = "rate";
    vecs[nv] = &in->weight;
    keys[nv++] = "weight";
    break;
  case CLI_IN_OU:
    vecs[nv] = &in->mean;
    keys[nv++] = "mean";
    vecs[nv] = &in->sigma;
    keys[nv++] = "sigma";
    break;
  default: break;
  }
  for (i = 0; i < nv; i++) {
    if (check_len(sim, p, vecs[i], in->path, keys[i], in->src, flag) != 0)
      return CLI_EXIT_USAGE;
  }
  for (i = 0; i < in->nsec; i++) {
    char key[40];
    snprintf(key, sizeof key, "values[%zu]", i);
    if (check_len(sim, p, &in->sec_values[i], in->path, key, in->src, flag) !=
        0)
      return CLI_EXIT_USAGE;
    if (check_current(where, key, &in->sec_values[i]) != 0)
      return CLI_EXIT_USAGE;
  }
  /* every value that is a current: the bound of the parameters */
  for (i = 0; i < nv; i++) {
    if (strcmp(keys[i], "rate") == 0) continue;
    if (check_current(where, flag != NULL ? NULL : keys[i], vecs[i]) != 0)
      return CLI_EXIT_USAGE;
  }
  if (in->kind == CLI_IN_RAMP) {
    double f = in->from, t = in->to;
    cli_vec from = {.v = &f, .n = 1}, to = {.v = &t, .n = 1};
    if (check_current(where, "from", &from) != 0 ||
        check_current(where, "to", &to) != 0)
      return CLI_EXIT_USAGE;
  }
  if (in->kind == CLI_IN_POISSON) {
    for (j = 0; j < in->rate.n; j++) {
      double r = in->rate.v[j];
      if (r < 0) return cli_error("%s.rate: must be >= 0 Hz, got %g", where, r);
      if (r * sim->dt / 1000.0 > 1.0)
        return cli_error("%s.rate: rate*dt/1000 must be <= 1 (one event "
                         "per step at most), got %g Hz with dt %g ms",
                         where, r, sim->dt);
    }
  }
  if (in->kind == CLI_IN_OU) {
    if (!(in->tau > 0))
      return cli_error("%s.tau: must be > 0 ms, got %g", where, in->tau);
    for (j = 0; j < in->sigma.n; j++) {
      char name[PATH_LEN + 128];
      if (in->sigma.v[j] < 0)
        return cli_error("%s.sigma: must be >= 0, got %g", where,
                         in->sigma.v[j]);
      /* the process's stationary spread is an input too */
      snprintf(name, sizeof name, "%s: sigma*sqrt(tau/2)", where);
      if (adex_input_check(name, in->sigma.v[j] * sqrt(0.5 * in->tau)) !=
          ADEX_OK)
        return cli_error("%s", adex_errmsg());
    }
  }
  if (in->kind == CLI_IN_RAMP) {
    double t_end = in->t_end < 0 ? sim->duration : in->t_end;
    if (in->t_start < 0)
      return cli_error("%s.t_start: must be >= 0 ms, got %g", where,
                       in->t_start);
    if (t_end < in->t_start)
      return cli_error("%s.t_end: must be >= t_start (%g ms), got %g", where,
                       in->t_start, t_end);
  }
  return 0;
}

int cli_sim_check(const cli_sim *sim) {
  size_t i;
  int rc;
  size_t neurons = 0;
  for (i = 0; i < sim->npops; i++) {
    if ((rc = check_pop(sim, &sim->pops[i])) != 0) return rc;
    neurons += sim->pops[i].model == CLI_MODEL_ADEXIF;
  }
  for (i = 0; i < sim->nprojs; i++) {
    const cli_proj_spec *pr = &sim->projs[i];
    const char *cfgp = sim->config_path != NULL ? sim->config_path : "adex run";
    if (pr->save_synapses && adex_file_kind_of(sim->out) != ADEX_FILE_H5)
      return cli_error("%s: %s.save_synapses: the synapses are written into "
                       "an .h5 output (\"out\"), %s",
                       cfgp, pr->path,
                       sim->out == NULL ? "and there is none"
                                        : "not a .csv or .npy one");
    if (pr->nrec > 0 && sim->out == NULL)
      return cli_error("%s: record.%s: recording needs an output file "
                       "(\"out\")",
                       cfgp, pr->name);
  }
  if (neurons == 0)
    return cli_error("%s: populations: spike sources alone simulate "
                     "nothing; add an AdExIF population",
                     sim->config_path != NULL ? sim->config_path : "adex run");
  for (i = 0; i < sim->ninputs; i++) {
    if ((rc = check_input(sim, &sim->inputs[i])) != 0) return rc;
  }
  adex_file_kind out_kind = adex_file_kind_of(sim->out);
  if (sim->out != NULL && out_kind != ADEX_FILE_H5 &&
      out_kind != ADEX_FILE_CSV && out_kind != ADEX_FILE_NPY) {
    char where[PATH_LEN + 64];
    cli_where(sim, "out", NULL, sim->out_src, "--out", where, sizeof where);
    return cli_error("%s: '%s' has no known extension (.h5, .hdf5, .csv or "
                     ".npy)",
                     where, sim->out);
  }
  return 0;
}
