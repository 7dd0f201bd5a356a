/* cli/run/cli_sim.c - the simulation description: construction, names of
 * variables and input kinds, seeds, and freeing. */
#include "cli_sim.h"
#include "rng.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const var_names[CLI_NVARS] = {"V", "w", "input", "spike",
                                                 "t_last_spike"};

static const char *const kind_names[CLI_NINPUT_KINDS] = {
    "constant", "section", "ramp", "poisson", "ou", "file"};

static const char *const opt_keys[CLI_NOPTS] = {
    "adaptive", "tol",        "precise_spikes", "tau_ref",
    "noise",    "noise_seed", "spk_reset"};

static const char *const opt_flags[CLI_NOPTS] = {
    "--adaptive", "--tol",        "--precise-spikes", "--tau_ref",
    "--noise",    "--noise-seed", "--spk_reset"};

const char *cli_opt_key(cli_opt_id id) {
  return (unsigned)id < CLI_NOPTS ? opt_keys[id] : NULL;
}

const char *cli_opt_flag(cli_opt_id id) {
  return (unsigned)id < CLI_NOPTS ? opt_flags[id] : NULL;
}

int cli_kernel_parse(const char *name, adex_kernel *out, char *why,
                     size_t len) {
  adex_kernel k;
  if (adex_kernel_find(name, &k) != ADEX_OK) {
    snprintf(why, len,
             "unknown kernel '%s'; valid: auto, scalar, avx2, "
             "avx512",
             name);
    return -1;
  }
  if (!adex_kernel_available(k)) {
    snprintf(why, len,
             "kernel %s is not available on this machine (not "
             "built in, or the CPU lacks it); available: auto, scalar%s%s",
             adex_kernel_name(k),
             adex_kernel_available(ADEX_KERNEL_AVX2) ? ", avx2" : "",
             adex_kernel_available(ADEX_KERNEL_AVX512) ? ", avx512" : "");
    return -1;
  }
  *out = k;
  return 0;
}

int cli_dtype_parse(const char *name, adex_dtype *out) {
  if (strcmp(name, "float64") == 0)
    *out = ADEX_DTYPE_F64;
  else if (strcmp(name, "float32") == 0)
    *out = ADEX_DTYPE_F32;
  else
    return -1;
  return 0;
}

const char *cli_var_name(cli_var_id v) {
  return (unsigned)v < CLI_NVARS ? var_names[v] : NULL;
}

int cli_var_find(const char *name, cli_var_id *out) {
  int i;
  for (i = 0; i < CLI_NVARS; i++) {
    if (strcmp(name, var_names[i]) == 0) {
      *out = (cli_var_id)i;
      return 0;
    }
  }
  return -1;
}

const char *cli_input_kind_name(cli_input_kind k) {
  return (unsigned)k < CLI_NINPUT_KINDS ? kind_names[k] : NULL;
}

char *cli_strdup(const char *s) {
  size_t n;
  char *d;
  if (s == NULL) return NULL;
  n = strlen(s) + 1;
  d = malloc(n);
  if (d != NULL) memcpy(d, s, n);
  return d;
}

void cli_vec_free(cli_vec *v) {
  free(v->v);
  v->v = NULL;
  v->n = 0;
}

int cli_vec_set(cli_vec *v, const double *vals, size_t n) {
  double *copy = malloc((n > 0 ? n : 1) * sizeof *copy);
  if (copy == NULL) return -1;
  if (n > 0) memcpy(copy, vals, n * sizeof *copy);
  cli_vec_free(v);
  v->v = copy;
  v->n = n;
  return 0;
}

void cli_sim_init(cli_sim *sim) {
  memset(sim, 0, sizeof *sim);
  sim->duration = 100.0;
  sim->dt = 0.1;
  sim->start = 0.0;
  sim->seed = 1;
  sim->spikes = 1;
}

/* Free what one population owns. */
static void pop_free(cli_pop_spec *p) {
  int i;
  free(p->name);
  free(p->method);
  for (i = 0; i < ADEX_NPARAMS; i++) cli_vec_free(&p->param[i]);
  free(p->V0.vals);
  free(p->w0.vals);
  free(p->watch);
  free(p->title);
  free(p->w_unit);
  free(p->input_unit);
  free(p->attrs);
  cli_vec_free(&p->freqs);
  free(p->times);
  free(p->indices);
}

void cli_input_clear(cli_input_spec *in) {
  size_t i;
  cli_vec_free(&in->value);
  for (i = 0; i < in->nsec && in->sec_values != NULL; i++)
    cli_vec_free(&in->sec_values[i]);
  free(in->sec_values);
  free(in->durations);
  cli_vec_free(&in->rate);
  cli_vec_free(&in->weight);
  cli_vec_free(&in->mean);
  cli_vec_free(&in->sigma);
  free(in->file);
  memset(in, 0, sizeof *in);
}

void cli_sim_free(cli_sim *sim) {
  size_t i;
  for (i = 0; i < sim->npops; i++) pop_free(&sim->pops[i]);
  for (i = 0; i < sim->ninputs; i++) cli_input_clear(&sim->inputs[i]);
  for (i = 0; i < sim->nprojs; i++) {
    cli_proj_spec *pr = &sim->projs[i];
    free(pr->name);
    free(pr->conn_a);
    free(pr->conn_b);
    free(pr->weights);
    free(pr->delays);
    for (int v = 0; v < pr->nrec; v++) free(pr->rec_vars[v]);
  }
  free(sim->pops);
  free(sim->inputs);
  free(sim->projs);
  free(sim->out);
  free(sim->config_path);
  free(sim->config_text);
  free(sim->kind);
  free(sim->load_state);
  free(sim->save_state);
  cli_sim_init(sim);
}

/* Make room for element n of an array that holds n elements. Its
 * capacity is 4 while n <= 4 and the next power of two above n after
 * that, so it grows only when n is 0 or a power of two >= 4, and n appends
 * copy O(n) elements in all. */
static int grow(void **arr, size_t n, size_t size) {
  size_t cap;
  void *grown;
  if (n != 0 && (n < 4 || (n & (n - 1)) != 0)) return 0;
  cap = n == 0 ? 4 : 2 * n;
  if (cap < n || cap > SIZE_MAX / size) return -1;
  if ((grown = realloc(*arr, cap * size)) == NULL) return -1;
  *arr = grown;
  return 0;
}

cli_pop_spec *cli_sim_add_pop(cli_sim *sim) {
  cli_pop_spec *p;
  adex_pop_config def;
  if (grow((void **)&sim->pops, sim->npops, sizeof *sim->pops) != 0)
    return NULL;
  p = &sim->pops[sim->npops];
  memset(p, 0, sizeof *p);
  p->ndim = 1;
  p->shape[0] = 1;
  p->size = 1;
  p->V0.init = adex_init_zero();
  p->w0.init = adex_init_zero();
  p->watch_all = 1;
  p->every = 1;
  adex_pop_config_default(&def, 1);
  p->adaptive = def.adaptive;
  p->tol = def.tol;
  p->precise_spikes = def.precise_spikes;
  p->tau_ref = def.tau_ref;
  p->noise = def.noise;
  p->noise_seed = def.noise_seed;
  p->spk_reset = def.spk_reset;
  p->threads = def.threads;
  p->kernel = def.kernel;
  p->dtype = def.dtype;
  snprintf(p->path, sizeof p->path, "populations[%zu]", sim->npops);
  sim->npops++;
  return p;
}

cli_input_spec *cli_sim_add_input(cli_sim *sim) {
  cli_input_spec *in;
  if (grow((void **)&sim->inputs, sim->ninputs, sizeof *sim->inputs) != 0)
    return NULL;
  in = &sim->inputs[sim->ninputs];
  memset(in, 0, sizeof *in);
  in->t_end = -1.0;
  snprintf(in->path, sizeof in->path, "inputs[%zu]", sim->ninputs);
  sim->ninputs++;
  return in;
}

cli_proj_spec *cli_sim_add_proj(cli_sim *sim) {
  cli_proj_spec *pr;
  if (grow((void **)&sim->projs, sim->nprojs, sizeof *sim->projs) != 0)
    return NULL;
  pr = &sim->projs[sim->nprojs];
  memset(pr, 0, sizeof *pr);
  snprintf(pr->path, sizeof pr->path, "projections[%zu]", sim->nprojs);
  sim->nprojs++;
  return pr;
}

uint64_t cli_pop_init_seed(const cli_sim *sim, size_t p, int is_w) {
  return sim->seed + 2 * (uint64_t)p + (is_w ? 1 : 0);
}

uint64_t cli_input_seed(const cli_sim *sim, size_t i) {
  const cli_input_spec *in = &sim->inputs[i];
  if (in->seed_given) return in->seed;
  return adex__rng_mix64(sim->seed ^
                         adex__rng_mix64(UINT64_C(0x1000) + (uint64_t)i));
}

uint64_t cli_source_seed(const cli_sim *sim, size_t p) {
  const cli_pop_spec *s = &sim->pops[p];
  if (s->source_seed_given) return s->source_seed;
  return adex__rng_mix64(sim->seed ^ adex__rng_mix64(UINT64_C(0x4000) + p));
}

uint64_t cli_pop_noise_seed(const cli_sim *sim, size_t p) {
  const cli_pop_spec *s = &sim->pops[p];
  if (s->opt_src[CLI_OPT_NOISE_SEED] != CLI_SRC_DEFAULT) return s->noise_seed;
  return adex__rng_mix64(sim->seed ^
                         adex__rng_mix64(UINT64_C(0x2000) + (uint64_t)p));
}

double cli_sim_time(const cli_sim *sim, uint64_t k) {
  return adex_run_time(sim->start, sim->dt, k); /* the library's rule */
}

const char *cli_state_path(const cli_sim *sim, const char *path,
                           const char *pop_name, char *buf, size_t len) {
  const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');
  size_t stem;
  int w;
  if (sim->npops <= 1) {
    w = snprintf(buf, len, "%s", path);
    return w < 0 || (size_t)w >= len ? NULL : buf;
  }
  if (dot == NULL || (slash != NULL && dot < slash) || dot == path ||
      dot[-1] == '/')
    dot = path + strlen(path);
  stem = (size_t)(dot - path);
  w = snprintf(buf, len, "%.*s.%s%s", (int)stem, path, pop_name, dot);
  return w < 0 || (size_t)w >= len ? NULL : buf;
}
