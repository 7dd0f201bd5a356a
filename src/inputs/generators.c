/* generators.c - input generators (adex/inputs.h): each kind planned at
 * create (step windows, probabilities, the OU constants), then one pass
 * over the neurons per step. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "adex/inputs.h"
#include "adex/params.h"
#include "internal.h"
#include "rng.h"

#define SNAP 1e-9

struct adex_gen {
  adex_gen_kind kind;
  size_t num;
  uint64_t first_id, key;
  double *value;     /* CONSTANT: num; POISSON: weight (num) */
  double *sec;       /* SECTION: n_sec x num values */
  uint64_t *sec_end; /* SECTION: first step after section j */
  size_t n_sec, cursor;
  uint64_t next;   /* the step after the last one added */
  uint64_t p1, p2; /* RAMP: window [p1, p2) */
  double from, to;
  double *prob;             /* POISSON: event probability per neuron */
  double *x, *mean, *sigma; /* OU: state, mean, sigma * noise (num) */
  double decay;             /* OU: e^(-dt/tau) */
  double *table;            /* TABLE */
  uint64_t rows;
  size_t cols;
};

static double snapped(double t, double dt, int *exact) {
  double x = t / dt, r = nearbyint(x);
  *exact = fabs(x - r) <= SNAP * fmax(1.0, fabs(x));
  return *exact ? r : x;
}

uint64_t adex_steps_ceil(double t, double dt) {
  int exact;
  double x = snapped(t, dt, &exact);
  if (!(x > 0)) return 0;
  x = exact ? x : ceil(x);
  return x >= 1.8e19 ? UINT64_MAX : (uint64_t)x;
}

uint64_t adex_steps_floor(double t, double dt) {
  int exact;
  double x = snapped(t, dt, &exact);
  if (!(x > 0)) return 0;
  x = exact ? x : floor(x);
  return x >= 1.8e19 ? UINT64_MAX : (uint64_t)x;
}

/* A vector spread to num values (copied), each checked as an input. */
static adex_status spread(const adex_gen_vec *v, size_t num, const char *name,
                          int nonneg, double **out) {
  if (v->v == NULL || (v->n != 1 && v->n != num))
    return adex__fail(ADEX_EINVAL,
                      "%s: give one value or one per neuron (%zu), got %zu",
                      name, num, v->v == NULL ? (size_t)0 : v->n);
  double *a = malloc(num * sizeof *a);
  if (a == NULL) return adex__fail(ADEX_ENOMEM, "out of memory");
  for (size_t i = 0; i < num; i++) {
    double x = v->v[v->n == 1 ? 0 : i];
    if (adex_input_check(name, x) != ADEX_OK ||
        (nonneg && !(x >= 0.0) &&
         adex__fail(ADEX_EINVAL, "%s must be >= 0, got %g", name, x))) {
      free(a);
      return ADEX_EINVAL;
    }
    a[i] = x;
  }
  *out = a;
  return ADEX_OK;
}

static adex_status plan_section(adex_gen *g, const adex_gen_config *c,
                                double dt) {
  g->n_sec = c->n_sec;
  size_t ns = c->n_sec > 0 ? c->n_sec : 1;
  g->sec_end = malloc(ns * sizeof *g->sec_end);
  g->sec = calloc(ns * g->num, sizeof *g->sec);
  if (g->sec_end == NULL || g->sec == NULL)
    return adex__fail(ADEX_ENOMEM, "out of memory");
  if (c->n_sec > 0 && (c->sec_values == NULL || c->durations == NULL))
    return adex__fail(ADEX_EINVAL, "section: values and durations needed");
  uint64_t end = 0;
  for (size_t j = 0; j < c->n_sec; j++) {
    double d = c->durations[j];
    if (!(isfinite(d) && d >= 0))
      return adex__fail(ADEX_EINVAL,
                        "section: durations[%zu] must be finite "
                        "and >= 0 ms, got %g",
                        j, d);
    double *v = NULL;
    adex_status st = spread(&c->sec_values[j], g->num, "section value", 0, &v);
    if (st != ADEX_OK) return st;
    memcpy(g->sec + j * g->num, v, g->num * sizeof *v);
    free(v);
    uint64_t len = adex_steps_floor(d, dt);
    end = len > UINT64_MAX - end ? UINT64_MAX : end + len;
    g->sec_end[j] = end;
  }
  return ADEX_OK;
}

static adex_status plan(adex_gen *g, const adex_gen_config *c, double dt) {
  adex_status st;
  switch (c->kind) {
  case ADEX_GEN_CONSTANT:
    return spread(&c->value, g->num, "value", 0, &g->value);
  case ADEX_GEN_SECTION: return plan_section(g, c, dt);
  case ADEX_GEN_RAMP:
    if (adex_input_check("from", c->from) != ADEX_OK ||
        adex_input_check("to", c->to) != ADEX_OK)
      return ADEX_EINVAL;
    if (!(isfinite(c->t_start) && c->t_start >= 0))
      return adex__fail(ADEX_EINVAL,
                        "t_start must be finite and >= 0 ms, got %g",
                        c->t_start);
    if (!(isfinite(c->t_end) && c->t_end >= c->t_start))
      return adex__fail(ADEX_EINVAL,
                        "t_end must be finite and >= t_start (%g ms), got %g",
                        c->t_start, c->t_end);
    g->from = c->from;
    g->to = c->to;
    g->p1 = adex_steps_ceil(c->t_start, dt);
    g->p2 = adex_steps_ceil(c->t_end, dt);
    return ADEX_OK;
  case ADEX_GEN_POISSON:
    if ((st = spread(&c->rate, g->num, "rate", 1, &g->prob)) != ADEX_OK ||
        (st = spread(&c->weight, g->num, "weight", 0, &g->value)) != ADEX_OK)
      return st;
    for (size_t i = 0; i < g->num; i++) {
      double r = g->prob[i];
      g->prob[i] = r * dt / 1000.0;
      if (g->prob[i] > 1.0)
        return adex__fail(ADEX_EINVAL,
                          "rate*dt/1000 must be <= 1 (one event per step "
                          "at most), got %g Hz with dt %g ms",
                          r, dt);
    }
    return ADEX_OK;
  case ADEX_GEN_OU:
    if (!(isfinite(c->tau) && c->tau > 0))
      return adex__fail(ADEX_EINVAL, "tau must be finite and > 0 ms, got %g",
                        c->tau);
    if ((st = spread(&c->mean, g->num, "mean", 0, &g->mean)) != ADEX_OK ||
        (st = spread(&c->sigma, g->num, "sigma", 1, &g->sigma)) != ADEX_OK)
      return st;
    g->x = malloc(g->num * sizeof *g->x);
    if (g->x == NULL) return adex__fail(ADEX_ENOMEM, "out of memory");
    memcpy(g->x, g->mean, g->num * sizeof *g->x);
    g->decay = exp(-dt / c->tau);
    double noise = sqrt(0.5 * c->tau * -expm1(-2.0 * dt / c->tau));
    for (size_t i = 0; i < g->num; i++) {
      /* the process's stationary spread is an input too */
      if (adex_input_check("sigma*sqrt(tau/2)",
                           g->sigma[i] * sqrt(0.5 * c->tau)) != ADEX_OK)
        return ADEX_EINVAL;
      g->sigma[i] *= noise;
    }
    return ADEX_OK;
  case ADEX_GEN_TABLE:
    if (c->table == NULL || c->rows == 0 || (c->cols != 1 && c->cols != g->num))
      return adex__fail(ADEX_EINVAL,
                        "table: %zu columns, expected 1 or %zu (one per "
                        "neuron), and at least one row",
                        c->cols, g->num);
    if (c->rows > SIZE_MAX / sizeof(double) / c->cols)
      return adex__fail(ADEX_ESIZE, "table: too large");
    g->rows = c->rows;
    g->cols = c->cols;
    g->table = malloc((size_t)c->rows * c->cols * sizeof *g->table);
    if (g->table == NULL) return adex__fail(ADEX_ENOMEM, "out of memory");
    for (size_t q = 0; q < (size_t)c->rows * c->cols; q++) {
      if (adex_input_check("table value", c->table[q]) != ADEX_OK)
        return adex__fail(ADEX_EINVAL, "table row %zu, column %zu: %s",
                          (size_t)(q / c->cols), q % c->cols, adex_errmsg());
      g->table[q] = c->table[q];
    }
    return ADEX_OK;
  default:
    return adex__fail(ADEX_EINVAL, "unknown input kind %d", (int)c->kind);
  }
}

adex_status adex_gen_create(const adex_gen_config *cfg, double dt,
                            adex_gen **out) {
  if (out == NULL || cfg == NULL)
    return adex__fail(ADEX_EINVAL, "cfg and out must not be NULL");
  *out = NULL;
  if (!(isfinite(dt) && dt > 0))
    return adex__fail(ADEX_EINVAL, "dt must be finite and > 0, got %g", dt);
  if (cfg->num == 0)
    return adex__fail(ADEX_EINVAL, "an input needs at least one neuron");
  adex_gen *g = calloc(1, sizeof *g);
  if (g == NULL) return adex__fail(ADEX_ENOMEM, "out of memory");
  g->kind = cfg->kind;
  g->num = cfg->num;
  g->first_id = cfg->first_id;
  g->key = cfg->seed;
  adex_status st = plan(g, cfg, dt);
  if (st != ADEX_OK) {
    adex_gen_destroy(g);
    return st;
  }
  *out = g;
  return ADEX_OK;
}

void adex_gen_destroy(adex_gen *g) {
  if (g == NULL) return;
  free(g->value);
  free(g->sec);
  free(g->sec_end);
  free(g->prob);
  free(g->x);
  free(g->mean);
  free(g->sigma);
  free(g->table);
  free(g);
}

int adex_gen_is_constant(const adex_gen *g) {
  return g->kind == ADEX_GEN_CONSTANT;
}

size_t adex_gen_num(const adex_gen *g) { return g->num; }

/* Ramp: numpy's linspace(from, to, p2 - p1) at index k - p1. */
static double ramp_at(const adex_gen *g, uint64_t k) {
  uint64_t num = g->p2 - g->p1, idx = k - g->p1;
  if (num == 1 || idx == 0) return g->from;
  if (idx == num - 1) return g->to;
  return g->from + (double)idx * ((g->to - g->from) / (double)(num - 1));
}

uint64_t adex_gen_next_step(const adex_gen *g) { return g->next; }

void adex_gen_add(adex_gen *g, uint64_t k, double *a) {
  const size_t n = g->num;
  g->next = k + 1;
  switch (g->kind) {
  case ADEX_GEN_CONSTANT:
    for (size_t i = 0; i < n; i++) a[i] += g->value[i];
    break;
  case ADEX_GEN_SECTION: {
    size_t j = g->cursor;
    if (j > 0 && k < g->sec_end[j - 1]) j = 0; /* steps went back */
    while (j < g->n_sec && k >= g->sec_end[j]) j++;
    g->cursor = j;
    if (j < g->n_sec) {
      const double *v = g->sec + j * n;
      for (size_t i = 0; i < n; i++) a[i] += v[i];
    }
    break;
  }
  case ADEX_GEN_RAMP:
    if (k >= g->p1 && k < g->p2) {
      double v = ramp_at(g, k);
      for (size_t i = 0; i < n; i++) a[i] += v;
    }
    break;
  case ADEX_GEN_POISSON:
    for (size_t i = 0; i < n; i++)
      if (g->prob[i] > 0 &&
          adex__rng_uniform_at(g->key, k, g->first_id + i, 0) < g->prob[i])
        a[i] += g->value[i];
    break;
  case ADEX_GEN_OU:
    for (size_t i = 0; i < n; i++) {
      double mu = g->mean[i], s = g->sigma[i];
      g->x[i] =
          mu + (g->x[i] - mu) * g->decay +
          (s > 0 ? s * adex__rng_normal_at(g->key, k, g->first_id + i) : 0.0);
      a[i] += g->x[i];
    }
    break;
  case ADEX_GEN_TABLE:
    if (k < g->rows) {
      const double *row = g->table + k * g->cols;
      if (g->cols == 1)
        for (size_t i = 0; i < n; i++) a[i] += row[0];
      else
        for (size_t i = 0; i < n; i++) a[i] += row[i];
    }
    break;
  }
}
