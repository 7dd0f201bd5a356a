/* net.c - the network handle: building and planning (the step: net_step.c)
 * (docs/networks.md for the semantics, include/adex/net.h for the API). */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adex/runner.h"
#include "internal.h"
#include "net/net_internal.h"
#include "pop/pop_internal.h"
#include "run/drive.h"

static const char *const model_names[] = {
    "DeltaSynapse", "ExpCUBA",   "ExpCOBA",   "DualExpCUBA",
    "DualExpCOBA",  "AlphaCUBA", "AlphaCOBA", "NMDA",
    "AMPA",         "GABAa",     "STP"};
#define N_MODELS (sizeof model_names / sizeof model_names[0])

const char *adex_syn_model_name(adex_syn_model model) {
  return (unsigned)model < N_MODELS ? model_names[model] : NULL;
}

adex_status adex_syn_model_find(const char *name, adex_syn_model *out) {
  for (size_t m = 0; name != NULL && m < N_MODELS; m++)
    if (strcmp(name, model_names[m]) == 0) {
      *out = (adex_syn_model)m;
      return ADEX_OK;
    }
  return adex__fail(ADEX_EKEY,
                    "unknown synapse model '%s' (known: "
                    "DeltaSynapse, ExpCUBA, ExpCOBA, DualExpCUBA, DualExpCOBA, "
                    "AlphaCUBA, AlphaCOBA, NMDA, AMPA, GABAa, STP)",
                    name ? name : "(null)");
}

/* ---------------------------------------------------------- connectors */

static adex_conn conn_of(adex_conn_kind kind) {
  adex_conn c;
  memset(&c, 0, sizeof c);
  c.kind = kind;
  c.include_self = true;
  return c;
}
adex_conn adex_conn_one2one(void) { return conn_of(ADEX_CONN_ONE2ONE); }
adex_conn adex_conn_all2all(bool include_self) {
  adex_conn c = conn_of(ADEX_CONN_ALL2ALL);
  c.include_self = include_self;
  return c;
}
adex_conn adex_conn_fixed_prob(double prob, bool include_self, uint64_t seed) {
  adex_conn c = conn_of(ADEX_CONN_FIXED_PROB);
  c.prob = prob;
  c.include_self = include_self;
  c.seed = seed;
  return c;
}
adex_conn adex_conn_fixed_pre_num(size_t num, bool include_self,
                                  uint64_t seed) {
  adex_conn c = conn_of(ADEX_CONN_FIXED_PRE_NUM);
  c.num = num;
  c.include_self = include_self;
  c.seed = seed;
  return c;
}
adex_conn adex_conn_fixed_post_num(size_t num, bool include_self,
                                   uint64_t seed) {
  adex_conn c = conn_of(ADEX_CONN_FIXED_POST_NUM);
  c.num = num;
  c.include_self = include_self;
  c.seed = seed;
  return c;
}
adex_conn adex_conn_ij(const size_t *i, const size_t *j, size_t n) {
  adex_conn c = conn_of(ADEX_CONN_IJ);
  c.i = i;
  c.j = j;
  c.n_pairs = n;
  return c;
}
adex_conn adex_conn_csr(const size_t *indices, const size_t *indptr) {
  adex_conn c = conn_of(ADEX_CONN_CSR);
  c.indices = indices;
  c.indptr = indptr;
  return c;
}

adex_conn adex_conn_gaussian_prob(double sigma, bool normalize,
                                  bool include_self, bool periodic,
                                  uint64_t seed) {
  adex_conn c = conn_of(ADEX_CONN_GAUSSIAN_PROB);
  c.sigma = sigma;
  c.normalize = normalize;
  c.include_self = include_self;
  c.periodic = periodic;
  c.seed = seed;
  return c;
}
adex_conn adex_conn_grid_four(bool include_self) {
  adex_conn c = conn_of(ADEX_CONN_GRID_FOUR);
  c.include_self = include_self;
  return c;
}
adex_conn adex_conn_grid_n(size_t n, bool include_self) {
  adex_conn c = conn_of(ADEX_CONN_GRID_N);
  c.grid_n = n;
  c.include_self = include_self;
  return c;
}

void adex_proj_config_default(adex_proj_config *cfg, adex_syn_model model,
                              size_t pre, size_t post, adex_conn conn) {
  memset(cfg, 0, sizeof *cfg);
  cfg->model = model;
  cfg->pre = pre;
  cfg->post = post;
  cfg->conn = conn;
  cfg->g_max = 1.0;
  cfg->tau = 8.0;
  cfg->E = 0.0;
  cfg->tau_decay = 10.0;
  cfg->tau_rise = 1.0;
  cfg->delay = 0.0;
  switch (model) {
  case ADEX_SYN_NMDA:
    cfg->g_max = 0.15;
    cfg->cc_Mg = 1.2;
    cfg->alpha = 0.062;
    cfg->beta = 3.57;
    cfg->tau_decay = 100.0;
    cfg->a = 0.5;
    cfg->tau_rise = 2.0;
    break;
  case ADEX_SYN_AMPA:
    cfg->g_max = 0.42;
    cfg->alpha = 0.98;
    cfg->beta = 0.18;
    cfg->T = 0.5;
    cfg->T_duration = 0.5;
    break;
  case ADEX_SYN_GABAA:
    cfg->g_max = 0.04;
    cfg->E = -80.0;
    cfg->alpha = 0.53;
    cfg->beta = 0.18;
    cfg->T = 1.0;
    cfg->T_duration = 1.0;
    break;
  case ADEX_SYN_STP:
    cfg->U = 0.15;
    cfg->tau_f = 1500.0;
    cfg->tau_d = 200.0;
    cfg->tau = 8.0;
    cfg->A = 1.0;
    break;
  default: break;
  }
}

/* ------------------------------------------------------------- handle */

/* Keep the thread's message on the handle too, and hand the status back. */
adex_status adex__net_keep(adex_net *net, adex_status st) {
  if (st == ADEX_OK || net == NULL) return st;
  return adex__keep_error(net->errmsg, sizeof net->errmsg, st);
}
#define keep adex__net_keep
#define FAIL(net, st, ...) ADEX__FAIL_ON(adex__net_keep, net, st, __VA_ARGS__)

const char *adex_net_errmsg(const adex_net *net) {
  return net != NULL ? net->errmsg : "";
}

/* A network; `claim`: its name taken in the registry (a user's network),
 * else it has none (the one adex_pop_run makes for its population). */
static adex_status create(double t0, double dt, const char *name, bool claim,
                          adex_net **out) {
  if (out == NULL) return adex__fail(ADEX_EINVAL, "out must not be NULL");
  *out = NULL;
  if (!isfinite(dt) || dt <= 0.0)
    return adex__fail(ADEX_EINVAL, "dt must be finite and > 0, got %g", dt);
  if (!isfinite(t0))
    return adex__fail(ADEX_EINVAL, "t0 must be finite, got %g", t0);
  adex_net *net = calloc(1, sizeof *net);
  if (net == NULL) return adex__fail(ADEX_ENOMEM, "out of memory");
  net->dt = dt;
  net->failed = SIZE_MAX;
  net->nranks = 1;
  adex__net_set_origin(net, t0);
  adex_status st =
      claim ? adex__name_claim(&net->name, "Network", name) : ADEX_OK;
  if (st != ADEX_OK) {
    free(net);
    return st;
  }
  *out = net;
  return ADEX_OK;
}

adex_status adex_net_create(double t0, double dt, const char *name,
                            adex_net **out) {
  return create(t0, dt, name, true, out);
}

adex_status adex__net_create_alone(double t0, double dt, adex_net **out) {
  return create(t0, dt, NULL, false, out);
}

const char *adex_net_name(const adex_net *net) { return net->name.name; }

void adex__net_set_origin(adex_net *net, double t0) { net->t0 = t0; }

static void free_proj(net_proj *p) {
  const adex_allocator *a = adex_allocator_default();
  adex__name_release(&p->name);
  free(p->conn_a);
  free(p->conn_b);
  free(p->weights_in);
  free(p->delays_in);
  adex__free(a, p->dly_pre, (p->npre ? p->npre : 1) * sizeof *p->dly_pre);
  adex__free(a, p->row, (p->npre + 1) * sizeof *p->row);
  size_t ns = p->nsyn ? p->nsyn : 1;
  adex__free(a, p->post_idx, ns * sizeof *p->post_idx);
  adex__free(a, p->w, ns * sizeof *p->w);
  adex__free(a, p->dly, ns * sizeof *p->dly);
  adex__free(a, p->order, ns * sizeof *p->order);
  adex__net_proj_free_state(p);
}

void adex_net_destroy(adex_net *net) {
  if (net == NULL) return;
  for (size_t i = 0; i < net->nprojs; i++) free_proj(&net->projs[i]);
  for (size_t g = 0; g < net->ngroups; g++) {
    net_group *gr = &net->groups[g];
    free(gr->spk);
    free(gr->spk_off);
    free(gr->pend);
    free(gr->pend_n);
    if (gr->gspike != gr->spike) free(gr->gspike);
    free(gr->V64);
    free(gr->in64);
    if (gr->kind != NET_GROUP_POP) {
      adex__name_release(&gr->name);
      free(gr->freqs);
      free(gr->times);
      free(gr->indices);
      free(gr->spike);
    }
  }
  free(net->projs);
  free(net->groups);
  free(net->ctx);
  free(net->chans);
  adex__net_exchange_free(net);
  adex__name_release(&net->name);
  free(net);
}

/* Room for element n of an array of records of `elem` bytes, each
 * embedding a name record at byte `name_at` (projections, spike sources):
 * the registry holds the records' addresses, so the names of records that
 * move are released before and claimed again after. */
static adex_status grow(void **arr, size_t *cap, size_t n, size_t elem,
                        size_t name_at) {
  if (n < *cap) return ADEX_OK;
  size_t nc = *cap ? 2 * *cap : 8;
  void *p = malloc(nc * elem);
  if (p == NULL) return adex__fail(ADEX_ENOMEM, "out of memory");
  memset((char *)p + *cap * elem, 0, (nc - *cap) * elem);
  for (size_t i = 0; i < n; i++) {
    adex__named *old = (adex__named *)((char *)*arr + i * elem + name_at);
    bool linked = old->linked;
    adex__name_release(old);
    memcpy((char *)p + i * elem, (char *)*arr + i * elem, elem);
    adex__named *rec = (adex__named *)((char *)p + i * elem + name_at);
    if (linked) {
      char name[ADEX_NAME_MAX];
      memcpy(name, rec->name, sizeof name);
      memset(rec, 0, sizeof *rec);
      adex__name_claim(rec, "", name); /* its own name, free again */
    }
  }
  free(*arr);
  *arr = p;
  *cap = nc;
  return ADEX_OK;
}

static adex_status may_add(adex_net *net) {
  if (net == NULL) return adex__fail(ADEX_EINVAL, "net must not be NULL");
  if (net->planned)
    return FAIL(net, ADEX_EINVAL,
                "the network is planned: nothing can be "
                "added to it any more");
  return ADEX_OK;
}

adex_status adex_net_set_comm(adex_net *net, const adex_comm *comm) {
  adex_status st = may_add(net);
  if (st != ADEX_OK) return st;
  if (net->ngroups > 0 || net->nprojs > 0)
    return FAIL(net, ADEX_EINVAL,
                "set the communicator before adding anything to the "
                "network");
  if (comm != NULL && (comm->size < 1 || comm->rank < 0 ||
                       comm->rank >= comm->size || comm->allgather_u32 == NULL))
    return FAIL(net, ADEX_EINVAL, "comm: rank %d of %d is not a communicator",
                comm->rank, comm->size);
  net->comm = comm != NULL && comm->size > 1 ? comm : NULL;
  net->rank = net->comm != NULL ? comm->rank : 0;
  net->nranks = net->comm != NULL ? comm->size : 1;
  return ADEX_OK;
}

/* Add pop as this rank's block [lo, lo + n) of a population of `total`. */
static adex_status add_pop(adex_net *net, adex_pop *pop, size_t total,
                           size_t lo, size_t *index) {
  adex_status st = grow((void **)&net->groups, &net->cap_groups, net->ngroups,
                        sizeof *net->groups, offsetof(net_group, name));
  if (st != ADEX_OK) return keep(net, st);
  net_group *gr = &net->groups[net->ngroups];
  memset(gr, 0, sizeof *gr);
  gr->kind = NET_GROUP_POP;
  gr->num = total;
  gr->lo = lo;
  gr->nloc = adex_pop_num(pop);
  gr->pop = pop;
  gr->spike = adex_pop_spike(pop);
  gr->gspike = gr->spike;
  if (index != NULL) *index = net->ngroups;
  net->ngroups++;
  return ADEX_OK;
}

adex_status adex_net_add_pop_part(adex_net *net, adex_pop *pop, size_t total,
                                  size_t *index) {
  adex_status st = may_add(net);
  if (st != ADEX_OK) return st;
  if (pop == NULL) return FAIL(net, ADEX_EINVAL, "pop must not be NULL");
  for (size_t g = 0; g < net->ngroups; g++)
    if (net->groups[g].pop == pop)
      return FAIL(net, ADEX_EINVAL, "%s is in the network already",
                  adex_pop_name(pop));
  size_t lo, hi;
  adex_comm_block(total, net->nranks, net->rank, &lo, &hi);
  if (adex_pop_num(pop) != hi - lo || adex_pop_first_id(pop) != lo)
    return FAIL(net, ADEX_ESIZE,
                "%s: rank %d of %d owns neurons [%zu, %zu) of %zu "
                "(adex_comm_block): make the population of %zu neurons "
                "with first_id %zu, not %zu with first_id %llu",
                adex_pop_name(pop), net->rank, net->nranks, lo, hi, total,
                hi - lo, lo, adex_pop_num(pop),
                (unsigned long long)adex_pop_first_id(pop));
  return add_pop(net, pop, total, lo, index);
}

adex_status adex_net_add_pop(adex_net *net, adex_pop *pop, size_t *index) {
  adex_status st = may_add(net);
  if (st != ADEX_OK) return st;
  if (pop == NULL) return FAIL(net, ADEX_EINVAL, "pop must not be NULL");
  if (net->comm != NULL)
    return FAIL(net, ADEX_EINVAL,
                "%s: a network on %d ranks takes each rank's part of a "
                "population (adex_net_add_pop_part)",
                adex_pop_name(pop), net->nranks);
  for (size_t g = 0; g < net->ngroups; g++)
    if (net->groups[g].pop == pop)
      return FAIL(net, ADEX_EINVAL, "%s is in the network already",
                  adex_pop_name(pop));
  return add_pop(net, pop, adex_pop_num(pop), 0, index);
}

adex_status adex_net_add_poisson(adex_net *net, size_t num, const double *freqs,
                                 size_t freqs_len, uint64_t seed,
                                 const char *name, size_t *index) {
  adex_status st = may_add(net);
  if (st != ADEX_OK) return st;
  if (num == 0) return FAIL(net, ADEX_ESIZE, "PoissonGroup: size must be >= 1");
  if (freqs == NULL || (freqs_len != 1 && freqs_len != num))
    return FAIL(net, ADEX_ESIZE,
                "PoissonGroup: freqs must have 1 or %zu "
                "values, got %zu",
                num, freqs == NULL ? (size_t)0 : freqs_len);
  for (size_t i = 0; i < freqs_len; i++)
    if (!isfinite(freqs[i]) || freqs[i] < 0.0)
      return FAIL(net, ADEX_ERANGE,
                  "PoissonGroup: freqs[%zu] must be finite "
                  "and >= 0 Hz, got %g",
                  i, freqs[i]);
  st = grow((void **)&net->groups, &net->cap_groups, net->ngroups,
            sizeof *net->groups, offsetof(net_group, name));
  if (st != ADEX_OK) return keep(net, st);
  net_group *gr = &net->groups[net->ngroups];
  memset(gr, 0, sizeof *gr);
  gr->kind = NET_GROUP_POISSON;
  gr->num = gr->nloc = num;
  gr->seed = seed;
  gr->freqs = malloc(num * sizeof *gr->freqs);
  gr->spike = calloc(num, sizeof *gr->spike);
  gr->gspike = gr->spike;
  if (gr->freqs == NULL || gr->spike == NULL) {
    free(gr->freqs);
    free(gr->spike);
    return FAIL(net, ADEX_ENOMEM, "out of memory");
  }
  for (size_t i = 0; i < num; i++) gr->freqs[i] = freqs[freqs_len == 1 ? 0 : i];
  st = adex__name_claim(&gr->name, "PoissonGroup", name);
  if (st != ADEX_OK) {
    free(gr->freqs);
    free(gr->spike);
    return keep(net, st);
  }
  if (index != NULL) *index = net->ngroups;
  net->ngroups++;
  return ADEX_OK;
}

/* Order of spikes by time, then by position given (stable). */
typedef struct timed {
  double t;
  size_t i, pos;
} timed;

static int cmp_timed(const void *a, const void *b) {
  const timed *x = a, *y = b;
  if (x->t != y->t) return x->t < y->t ? -1 : 1;
  return (x->pos > y->pos) - (x->pos < y->pos);
}

adex_status adex_net_add_spike_times(adex_net *net, size_t num,
                                     const double *times, const size_t *indices,
                                     size_t n_spikes, const char *name,
                                     size_t *index) {
  adex_status st = may_add(net);
  if (st != ADEX_OK) return st;
  if (num == 0)
    return FAIL(net, ADEX_ESIZE, "SpikeTimeGroup: size must be >= 1");
  if (n_spikes > 0 && (times == NULL || indices == NULL))
    return FAIL(net, ADEX_EINVAL, "SpikeTimeGroup: times and indices needed");
  for (size_t m = 0; m < n_spikes; m++) {
    if (!isfinite(times[m]))
      return FAIL(net, ADEX_ERANGE,
                  "SpikeTimeGroup: times[%zu] must be "
                  "finite, got %g",
                  m, times[m]);
    if (indices[m] >= num)
      return FAIL(net, ADEX_ERANGE,
                  "SpikeTimeGroup: indices[%zu] = %zu is "
                  "out of range for size %zu",
                  m, indices[m], num);
  }
  st = grow((void **)&net->groups, &net->cap_groups, net->ngroups,
            sizeof *net->groups, offsetof(net_group, name));
  if (st != ADEX_OK) return keep(net, st);
  net_group *gr = &net->groups[net->ngroups];
  memset(gr, 0, sizeof *gr);
  gr->kind = NET_GROUP_TIMES;
  gr->num = gr->nloc = num;
  gr->n_spikes = n_spikes;
  timed *tmp = malloc((n_spikes ? n_spikes : 1) * sizeof *tmp);
  gr->times = malloc((n_spikes ? n_spikes : 1) * sizeof *gr->times);
  gr->indices = malloc((n_spikes ? n_spikes : 1) * sizeof *gr->indices);
  gr->spike = calloc(num, sizeof *gr->spike);
  gr->gspike = gr->spike;
  if (tmp == NULL || gr->times == NULL || gr->indices == NULL ||
      gr->spike == NULL) {
    free(tmp);
    free(gr->times);
    free(gr->indices);
    free(gr->spike);
    return FAIL(net, ADEX_ENOMEM, "out of memory");
  }
  for (size_t m = 0; m < n_spikes; m++)
    tmp[m] = (timed){times[m], indices[m], m};
  qsort(tmp, n_spikes, sizeof *tmp, cmp_timed);
  for (size_t m = 0; m < n_spikes; m++) {
    gr->times[m] = tmp[m].t;
    gr->indices[m] = tmp[m].i;
  }
  free(tmp);
  st = adex__name_claim(&gr->name, "SpikeTimeGroup", name);
  if (st != ADEX_OK) {
    free(gr->times);
    free(gr->indices);
    free(gr->spike);
    return keep(net, st);
  }
  if (index != NULL) *index = net->ngroups;
  net->ngroups++;
  return ADEX_OK;
}

/* A copy of n elements (NULL for n == 0). */
static void *dup_array(const void *src, size_t n, size_t elem) {
  void *d = malloc((n ? n : 1) * elem);
  if (d != NULL && n) memcpy(d, src, n * elem);
  return d;
}

/* A parameter that must be finite and > 0 (positive) or finite. */
static adex_status need(adex_net *net, const char *m, const char *what,
                        double v, bool positive) {
  if (!isfinite(v) || (positive && v <= 0.0))
    return FAIL(net, ADEX_ERANGE, "%s: %s must be finite%s, got %g", m, what,
                positive ? " and > 0" : "", v);
  return ADEX_OK;
}

/* The parameters the model reads (docs/networks.md). */
static adex_status check_model_params(adex_net *net, const adex_proj_config *c,
                                      const char *m) {
  adex_status st = need(net, m, "E", c->E, false);
  switch (c->model) {
  case ADEX_SYN_DELTA: break;
  case ADEX_SYN_EXP_CUBA:
  case ADEX_SYN_EXP_COBA:
    if (st == ADEX_OK) st = need(net, m, "tau", c->tau, true);
    break;
  case ADEX_SYN_DUAL_EXP_CUBA:
  case ADEX_SYN_DUAL_EXP_COBA:
    if (st == ADEX_OK) st = need(net, m, "tau_rise", c->tau_rise, true);
    /* fall through */
  case ADEX_SYN_ALPHA_CUBA:
  case ADEX_SYN_ALPHA_COBA:
    if (st == ADEX_OK) st = need(net, m, "tau_decay", c->tau_decay, true);
    break;
  case ADEX_SYN_NMDA:
    if (st == ADEX_OK) st = need(net, m, "tau_decay", c->tau_decay, true);
    if (st == ADEX_OK) st = need(net, m, "tau_rise", c->tau_rise, true);
    if (st == ADEX_OK) st = need(net, m, "beta", c->beta, true);
    if (st == ADEX_OK) st = need(net, m, "alpha", c->alpha, false);
    if (st == ADEX_OK) st = need(net, m, "a", c->a, false);
    if (st == ADEX_OK && !(c->a >= 0.0))
      st = FAIL(net, ADEX_ERANGE, "%s: a must be >= 0, got %g", m, c->a);
    if (st == ADEX_OK && !(c->cc_Mg >= 0.0 && isfinite(c->cc_Mg)))
      st = FAIL(net, ADEX_ERANGE, "%s: cc_Mg must be finite and >= 0, got %g",
                m, c->cc_Mg);
    break;
  case ADEX_SYN_AMPA:
  case ADEX_SYN_GABAA:
    if (st == ADEX_OK) st = need(net, m, "beta", c->beta, true);
    if (st == ADEX_OK) st = need(net, m, "alpha", c->alpha, false);
    if (st == ADEX_OK) st = need(net, m, "T", c->T, false);
    if (st == ADEX_OK) st = need(net, m, "T_duration", c->T_duration, false);
    if (st == ADEX_OK && !(c->alpha >= 0.0 && c->T >= 0.0))
      st = FAIL(net, ADEX_ERANGE,
                "%s: alpha and T must be >= 0, got %g and "
                "%g",
                m, c->alpha, c->T);
    break;
  case ADEX_SYN_STP:
    if (st == ADEX_OK) st = need(net, m, "tau", c->tau, true);
    if (st == ADEX_OK) st = need(net, m, "tau_f", c->tau_f, true);
    if (st == ADEX_OK) st = need(net, m, "tau_d", c->tau_d, true);
    if (st == ADEX_OK) st = need(net, m, "A", c->A, false);
    if (st == ADEX_OK && !(c->U >= 0.0 && c->U <= 1.0))
      st = FAIL(net, ADEX_ERANGE, "%s: U must be in [0, 1], got %g", m, c->U);
    break;
  }
  return st;
}

/* The shape of node g (a population's; a spike source is 1-D). */
static size_t node_shape(const adex_net *net, size_t g,
                         size_t shape[ADEX_MAX_DIM]) {
  const net_group *gr = &net->groups[g];
  if (gr->kind == NET_GROUP_POP && gr->nloc == gr->num)
    return adex_pop_geometry(gr->pop, shape);
  shape[0] = gr->num;
  return 1;
}

/* Check a one-end connector (GaussianProb, the grids): pre and post of one
 * size, and its shape (given, or the pre population's) into *k. */
static adex_status check_one_end(adex_net *net, const adex_proj_config *c,
                                 adex_conn *k, const char *m) {
  static const char *const names[] = {"GaussianProb", "GridFour", "GridN"};
  const char *what = names[k->kind - ADEX_CONN_GAUSSIAN_PROB];
  size_t P = net->groups[c->pre].num, Q = net->groups[c->post].num, n = 1;
  if (P != Q)
    return FAIL(net, ADEX_ESIZE,
                "%s: %s needs pre and post of one size, "
                "got %zu and %zu",
                m, what, P, Q);
  if (k->ndim == 0) k->ndim = node_shape(net, c->pre, k->shape);
  if (k->ndim > ADEX_MAX_DIM)
    return FAIL(net, ADEX_ESIZE,
                "%s: %s's shape has %zu dimensions, at most "
                "%d",
                m, what, k->ndim, ADEX_MAX_DIM);
  for (size_t d = 0; d < k->ndim; d++) n *= k->shape[d];
  if (n != P)
    return FAIL(net, ADEX_ESIZE,
                "%s: %s's shape holds %zu neurons, the "
                "populations %zu",
                m, what, n, P);
  if (k->kind != ADEX_CONN_GAUSSIAN_PROB) {
    if (k->ndim > 2)
      return FAIL(net, ADEX_ESIZE,
                  "%s: %s takes a 1-D or 2-D geometry, got "
                  "%zu dimensions",
                  m, what, k->ndim);
    if (k->kind == ADEX_CONN_GRID_N && k->grid_n > 1000000)
      return FAIL(net, ADEX_ERANGE, "%s: GridN's N must be <= 1e6, got %zu", m,
                  k->grid_n);
    return ADEX_OK;
  }
  if (!(isfinite(k->sigma) && k->sigma > 0.0))
    return FAIL(net, ADEX_ERANGE,
                "%s: GaussianProb's sigma must be finite "
                "and > 0, got %g",
                m, k->sigma);
  if (k->n_ranges != 0 && k->n_ranges != 1 && k->n_ranges != k->ndim)
    return FAIL(net, ADEX_ESIZE,
                "%s: GaussianProb's encoding values: one "
                "range for every dimension or one per dimension (%zu), got "
                "%zu",
                m, k->ndim, k->n_ranges);
  for (size_t d = 0; d < k->n_ranges; d++)
    if (!(isfinite(k->ranges[d][0]) && isfinite(k->ranges[d][1]) &&
          k->ranges[d][0] < k->ranges[d][1]))
      return FAIL(net, ADEX_ERANGE,
                  "%s: GaussianProb's encoding range %zu "
                  "must be finite with min < max, got (%g, %g)",
                  m, d, k->ranges[d][0], k->ranges[d][1]);
  return ADEX_OK;
}

/* Checks that need only the configuration and the group sizes. */
static adex_status check_proj(adex_net *net, const adex_proj_config *c) {
  if ((unsigned)c->model >= N_MODELS)
    return FAIL(net, ADEX_EINVAL, "unknown synapse model %d", (int)c->model);
  const char *m = model_names[c->model];
  if (c->pre >= net->ngroups || c->post >= net->ngroups)
    return FAIL(net, ADEX_ERANGE,
                "%s: pre %zu or post %zu is not a "
                "population of the network (it has %zu)",
                m, c->pre, c->post, net->ngroups);
  if (net->groups[c->post].kind != NET_GROUP_POP)
    return FAIL(net, ADEX_EINVAL,
                "%s: the post population must be an "
                "AdExIF population, not a spike source",
                m);
  size_t P = net->groups[c->pre].num, Q = net->groups[c->post].num;
  if (!isfinite(c->g_max))
    return FAIL(net, ADEX_ERANGE, "%s: g_max must be finite, got %g", m,
                c->g_max);
  adex_status st = check_model_params(net, c, m);
  if (st != ADEX_OK) return st;
  if (!isfinite(c->delay) || c->delay < 0.0)
    return FAIL(net, ADEX_ERANGE,
                "%s: delay must be finite and >= 0 ms, got "
                "%g",
                m, c->delay);
  const adex_conn *k = &c->conn;
  bool same = c->pre == c->post;
  switch (k->kind) {
  case ADEX_CONN_ONE2ONE:
    if (P != Q)
      return FAIL(net, ADEX_ESIZE,
                  "%s: One2One needs pre and post of one "
                  "size, got %zu and %zu",
                  m, P, Q);
    break;
  case ADEX_CONN_ALL2ALL: break;
  case ADEX_CONN_FIXED_PROB:
    if (!(k->prob >= 0.0 && k->prob <= 1.0))
      return FAIL(net, ADEX_ERANGE,
                  "%s: FixedProb's prob must be in [0, 1], "
                  "got %g",
                  m, k->prob);
    break;
  case ADEX_CONN_FIXED_PRE_NUM: {
    size_t avail = same && !k->include_self ? P - 1 : P;
    if (k->num > avail)
      return FAIL(net, ADEX_ERANGE,
                  "%s: FixedPreNum's num %zu is larger than "
                  "the %zu pre neurons available",
                  m, k->num, avail);
    break;
  }
  case ADEX_CONN_FIXED_POST_NUM: {
    size_t avail = same && !k->include_self ? Q - 1 : Q;
    if (k->num > avail)
      return FAIL(net, ADEX_ERANGE,
                  "%s: FixedPostNum's num %zu is larger than "
                  "the %zu post neurons available",
                  m, k->num, avail);
    break;
  }
  case ADEX_CONN_IJ:
    if (k->n_pairs > 0 && (k->i == NULL || k->j == NULL))
      return FAIL(net, ADEX_EINVAL, "%s: IJ needs i and j", m);
    for (size_t q = 0; q < k->n_pairs; q++)
      if (k->i[q] >= P || k->j[q] >= Q)
        return FAIL(net, ADEX_ERANGE,
                    "%s: pair %zu (%zu, %zu) is out of "
                    "range for sizes %zu and %zu",
                    m, q, k->i[q], k->j[q], P, Q);
    break;
  case ADEX_CONN_CSR:
    if (k->indptr == NULL || (k->indptr[P] > 0 && k->indices == NULL))
      return FAIL(net, ADEX_EINVAL, "%s: CSR needs indices and indptr", m);
    if (k->indptr[0] != 0)
      return FAIL(net, ADEX_ERANGE, "%s: CSR indptr[0] must be 0", m);
    for (size_t i = 0; i < P; i++)
      if (k->indptr[i + 1] < k->indptr[i])
        return FAIL(net, ADEX_ERANGE,
                    "%s: CSR indptr must not decrease "
                    "(indptr[%zu] > indptr[%zu])",
                    m, i, i + 1);
    for (size_t q = 0; q < k->indptr[P]; q++)
      if (k->indices[q] >= Q)
        return FAIL(net, ADEX_ERANGE,
                    "%s: CSR indices[%zu] = %zu is out of "
                    "range for post size %zu",
                    m, q, k->indices[q], Q);
    break;
  case ADEX_CONN_GAUSSIAN_PROB:
  case ADEX_CONN_GRID_FOUR:
  case ADEX_CONN_GRID_N: {
    adex_conn copy = *k;
    return check_one_end(net, c, &copy, m);
  }
  default:
    return FAIL(net, ADEX_EINVAL, "%s: unknown connector %d", m, (int)k->kind);
  }
  return ADEX_OK;
}

adex_status adex_net_add_proj(adex_net *net, const adex_proj_config *cfg,
                              size_t *index) {
  adex_status st = may_add(net);
  if (st != ADEX_OK) return st;
  if (cfg == NULL) return FAIL(net, ADEX_EINVAL, "cfg must not be NULL");
  st = check_proj(net, cfg);
  if (st != ADEX_OK) return st;
  st = grow((void **)&net->projs, &net->cap_projs, net->nprojs,
            sizeof *net->projs, offsetof(net_proj, name));
  if (st != ADEX_OK) return keep(net, st);
  net_proj *p = &net->projs[net->nprojs];
  memset(p, 0, sizeof *p);
  p->cfg = *cfg;
  p->npre = net->groups[cfg->pre].num;
  p->npost = net->groups[cfg->post].nloc;
  p->post_lo = net->groups[cfg->post].lo;
  p->post_all = net->groups[cfg->post].num;
  const adex_conn *k = &cfg->conn;
  bool ok = true;
  if (k->kind == ADEX_CONN_IJ) {
    p->conn_a = dup_array(k->i, k->n_pairs, sizeof *k->i);
    p->conn_b = dup_array(k->j, k->n_pairs, sizeof *k->j);
    ok = p->conn_a != NULL && p->conn_b != NULL;
  } else if (k->kind == ADEX_CONN_CSR) {
    p->conn_a = dup_array(k->indices, k->indptr[p->npre], sizeof *k->indices);
    p->conn_b = dup_array(k->indptr, p->npre + 1, sizeof *k->indptr);
    ok = p->conn_a != NULL && p->conn_b != NULL;
  }
  p->cfg.conn.i = p->cfg.conn.j = p->cfg.conn.indices = p->cfg.conn.indptr =
      NULL;
  if (k->kind >= ADEX_CONN_GAUSSIAN_PROB) /* checked: fill in the shape */
    check_one_end(net, cfg, &p->cfg.conn, model_names[cfg->model]);
  p->cfg.weights = NULL;
  p->cfg.name = NULL;
  if (ok) {
    st = adex__name_claim(&p->name, model_names[cfg->model], cfg->name);
    if (st != ADEX_OK) {
      free(p->conn_a);
      free(p->conn_b);
      return keep(net, st);
    }
  }
  if (!ok) {
    free(p->conn_a);
    free(p->conn_b);
    return FAIL(net, ADEX_ENOMEM, "out of memory");
  }
  if (cfg->weights != NULL) {
    for (size_t q = 0; q < cfg->n_weights; q++)
      if (!isfinite(cfg->weights[q])) {
        free_proj(p);
        return FAIL(net, ADEX_ERANGE, "%s: weights[%zu] must be finite, got %g",
                    p->name.name, q, cfg->weights[q]);
      }
    p->weights_in = dup_array(cfg->weights, cfg->n_weights, sizeof(double));
    p->n_weights_in = cfg->n_weights;
    if (p->weights_in == NULL) {
      free_proj(p);
      return FAIL(net, ADEX_ENOMEM, "out of memory");
    }
  }
  if (cfg->delays != NULL) {
    if (cfg->model == ADEX_SYN_STP) {
      free_proj(p);
      return FAIL(net, ADEX_ENOTSUP, "STP takes no delays yet");
    }
    if (adex__net_family(cfg->model) != NET_FAM_EXP &&
        cfg->n_delays != p->npre) {
      free_proj(p);
      return FAIL(net, ADEX_ESIZE,
                  "%s: %zu delays, expected one per pre "
                  "neuron (%zu)",
                  p->name.name, cfg->n_delays, p->npre);
    }
    for (size_t q = 0; q < cfg->n_delays; q++)
      if (!isfinite(cfg->delays[q]) || cfg->delays[q] < 0.0) {
        free_proj(p);
        return FAIL(net, ADEX_ERANGE,
                    "%s: delays[%zu] must be finite and "
                    ">= 0 ms, got %g",
                    p->name.name, q, cfg->delays[q]);
      }
    p->delays_in = dup_array(cfg->delays, cfg->n_delays, sizeof(double));
    p->n_delays_in = cfg->n_delays;
    if (p->delays_in == NULL) {
      free_proj(p);
      return FAIL(net, ADEX_ENOMEM, "out of memory");
    }
  }
  p->cfg.delays = NULL;
  if (index != NULL) *index = net->nprojs;
  net->nprojs++;
  return ADEX_OK;
}

/* ------------------------------------------------------------ planning */

/* The longest delay in steps: what the per-synapse and per-pre delay
 * arrays (uint16_t, net_internal.h) hold. */
#define MAX_DELAY_STEPS UINT16_MAX

/* The delay in whole steps (>= 1) of a delay in ms (0: one step). */
static adex_status delay_steps(adex_net *net, const net_proj *p, double delay,
                               uint32_t *out) {
  if (delay == 0.0) {
    *out = 1;
    return ADEX_OK;
  }
  double r = nearbyint(delay / net->dt);
  if (r < 1.0 || fabs(delay - r * net->dt) > 1e-9 * fmax(delay, net->dt))
    return FAIL(net, ADEX_ERANGE,
                "%s: delay %g ms must be a whole multiple "
                "of dt = %g ms and >= dt",
                p->name.name, delay, net->dt);
  if (r > (double)MAX_DELAY_STEPS)
    return FAIL(net, ADEX_ERANGE,
                "%s: delay %g ms is %.0f steps of dt = %g ms; at most %d "
                "steps (%g ms)",
                p->name.name, delay, r, net->dt, MAX_DELAY_STEPS,
                MAX_DELAY_STEPS * net->dt);
  *out = (uint32_t)r;
  return ADEX_OK;
}

static adex_status plan_proj(adex_net *net, net_proj *p) {
  const adex_allocator *a = adex_allocator_default();
  adex_status st = delay_steps(net, p, p->cfg.delay, &p->d_all);
  if (st != ADEX_OK) return st;
  st = adex__net_connect(p, p->cfg.pre == p->cfg.post);
  if (st != ADEX_OK) return keep(net, st);
  p->rows_sorted = true;
  for (size_t i = 0; i < p->npre && p->rows_sorted; i++)
    for (size_t q = p->row[i] + 1; q < p->row[i + 1]; q++)
      if (p->post_idx[q] <= p->post_idx[q - 1]) {
        p->rows_sorted = false;
        break;
      }
  p->w_all = p->cfg.g_max;
  if (p->weights_in != NULL) {
    if (p->n_weights_in != p->nsyn_all)
      return FAIL(net, ADEX_ESIZE, "%s: %zu weights for %zu synapses",
                  p->name.name, p->n_weights_in, p->nsyn_all);
    p->w = adex__alloc(a, (p->nsyn ? p->nsyn : 1) * sizeof *p->w);
    if (p->w == NULL) return FAIL(net, ADEX_ENOMEM, "out of memory");
    for (size_t s = 0; s < p->nsyn; s++)
      p->w[s] = p->weights_in[p->order != NULL ? p->order[s] : s];
  }
  if (p->cfg.model == ADEX_SYN_STP && p->d_all != 1)
    return FAIL(net, ADEX_ENOTSUP,
                "%s: STP takes no delay beyond one step "
                "yet",
                p->name.name);
  p->ring_len = p->d_all;
  /* every delay given, whichever rank holds its synapse: checked, and
   * the smallest (how often ranks must exchange spikes) */
  p->d_min = p->delays_in != NULL && p->n_delays_in > 0 ? UINT32_MAX : p->d_all;
  for (size_t q = 0; p->delays_in != NULL && q < p->n_delays_in; q++) {
    uint32_t steps;
    st = delay_steps(net, p, p->delays_in[q], &steps);
    if (st != ADEX_OK) return st;
    if (steps < p->d_min) p->d_min = steps;
  }
  if (p->delays_in != NULL) {
    bool per_pre = adex__net_family(p->cfg.model) != NET_FAM_EXP;
    size_t n = per_pre ? p->npre : p->nsyn;
    if (!per_pre && p->n_delays_in != p->nsyn_all)
      return FAIL(net, ADEX_ESIZE, "%s: %zu delays for %zu synapses",
                  p->name.name, p->n_delays_in, p->nsyn_all);
    uint16_t *d =
        adex__alloc(adex_allocator_default(), (n ? n : 1) * sizeof *d);
    if (d == NULL) return FAIL(net, ADEX_ENOMEM, "out of memory");
    if (per_pre)
      p->dly_pre = d;
    else
      p->dly = d;
    for (size_t q = 0; q < n; q++) {
      size_t from = !per_pre && p->order != NULL ? p->order[q] : q;
      uint32_t steps;
      st = delay_steps(net, p, p->delays_in[from], &steps);
      if (st != ADEX_OK) return st;
      d[q] = (uint16_t)steps;
      if (steps > p->ring_len) p->ring_len = steps;
    }
  }
  return keep(net, adex__net_proj_alloc(p, net->dt));
}

/* Which populations' steps may fold the post side of the projections
 * into them (net_group's nfold). */
static void plan_folds(adex_net *net) {
  for (size_t g = 0; g < net->ngroups; g++) {
    size_t n = 0;
    bool ok = net->groups[g].kind == NET_GROUP_POP;
    for (size_t i = 0; i < net->nprojs && ok; i++) {
      if (net->projs[i].cfg.post != g) continue;
      ok = adex__net_proj_foldable(&net->projs[i]) && ++n <= ADEX__MAX_CHANS;
    }
    net->groups[g].nfold = ok ? n : 0;
  }
}

void adex__net_set_fold(adex_net *net, adex__fold how) { net->fold = how; }

void adex__net_set_balance(adex_net *net, size_t every, bool force) {
  net->balance_every = every;
  net->balance_force = force;
}

void adex__net_set_rows(adex_net *net, size_t steps) {
  net->rows_steps = steps;
}

size_t adex__net_folded(const adex_net *net, size_t pop) {
  return net->planned && net->groups[pop].kind == NET_GROUP_POP
             ? net->ctx[pop].nchans
             : 0;
}

/* What the projections into a float32 population work on (net_group's
 * V64, in64, delta_in, direct). */
static adex_status plan_f32_posts(adex_net *net) {
  size_t into[3]; /* the first projections into a group, up to 3 */
  for (size_t g = 0; g < net->ngroups; g++) {
    net_group *gr = &net->groups[g];
    if (gr->kind != NET_GROUP_POP || adex_pop_dtype(gr->pop) != ADEX_DTYPE_F32)
      continue;
    size_t n = 0;
    for (size_t i = 0; i < net->nprojs; i++) {
      if (net->projs[i].cfg.post != g) continue;
      gr->delta_in |= net->projs[i].cfg.model == ADEX_SYN_DELTA;
      if (n < 3) into[n] = i;
      n++;
    }
    if (n == 0) continue;
    if (n <= 2 &&
        adex__net_proj_f32_direct(&net->projs[into[0]],
                                  n == 2 ? &net->projs[into[1]] : NULL)) {
      memcpy(gr->direct, into, n * sizeof *into);
      gr->ndirect = n;
    }
    size_t m = gr->nloc > 0 ? gr->nloc : 1;
    gr->V64 = malloc(m * sizeof *gr->V64);
    gr->in64 = malloc(m * sizeof *gr->in64);
    if (gr->V64 == NULL || gr->in64 == NULL) return ADEX_ENOMEM;
  }
  return ADEX_OK;
}

adex_status adex_net_plan(adex_net *net) {
  if (net == NULL) return adex__fail(ADEX_EINVAL, "net must not be NULL");
  if (net->planned)
    return FAIL(net, ADEX_EINVAL, "the network is planned already");
  for (size_t i = 0; i < net->nprojs; i++) {
    adex_status st = plan_proj(net, &net->projs[i]);
    if (st != ADEX_OK) return st;
  }
  if (plan_f32_posts(net) != ADEX_OK)
    return FAIL(net, ADEX_ENOMEM, "out of memory");
  adex_status st = adex__net_exchange_plan(net);
  if (st != ADEX_OK) return keep(net, st);
  for (size_t i = 0; i < net->nprojs; i++) {
    net_group *pre = &net->groups[net->projs[i].cfg.pre];
    if (pre->spk != NULL) continue;
    size_t lists = pre->exchanged ? net->sync : 1;
    size_t cap = lists * pre->num;
    pre->spk = malloc((cap > 0 ? cap : 1) * sizeof *pre->spk);
    pre->spk_off = calloc(lists + 1, sizeof *pre->spk_off);
    if (pre->spk == NULL || pre->spk_off == NULL)
      return FAIL(net, ADEX_ENOMEM, "out of memory");
  }
  net->ctx = calloc(net->ngroups ? net->ngroups : 1, sizeof *net->ctx);
  net->chans = malloc((net->ngroups ? net->ngroups : 1) * ADEX__MAX_CHANS *
                      sizeof *net->chans);
  if (net->ctx == NULL || net->chans == NULL)
    return FAIL(net, ADEX_ENOMEM, "out of memory");
  plan_folds(net);
  net->planned = true;
  return ADEX_OK;
}

/* ----------------------------------------------------------- accessors */

double adex_net_time(const adex_net *net) {
  return adex_run_time(net->t0, net->dt, net->k);
}
size_t adex_net_failed_pop(const adex_net *net) { return net->failed; }
uint64_t adex_net_steps_done(const adex_net *net) { return net->k; }
double adex_net_dt(const adex_net *net) { return net->dt; }
size_t adex_net_pop_count(const adex_net *net) { return net->ngroups; }
size_t adex_net_proj_count(const adex_net *net) { return net->nprojs; }

const char *adex_net_pop_name(const adex_net *net, size_t pop) {
  if (pop >= net->ngroups) return NULL;
  const net_group *g = &net->groups[pop];
  return g->kind == NET_GROUP_POP ? adex_pop_name(g->pop) : g->name.name;
}

const char *adex_net_proj_name(const adex_net *net, size_t proj) {
  return proj < net->nprojs ? net->projs[proj].name.name : NULL;
}

size_t adex_net_pop_num(const adex_net *net, size_t pop) {
  return pop < net->ngroups ? net->groups[pop].num : 0;
}

void adex_net_pop_part(const adex_net *net, size_t pop, size_t *lo, size_t *n) {
  const net_group *g = pop < net->ngroups ? &net->groups[pop] : NULL;
  if (lo != NULL) *lo = g != NULL ? g->lo : 0;
  if (n != NULL) *n = g != NULL ? g->nloc : 0;
}

size_t adex_net_sync_steps(const adex_net *net) {
  return net->comm != NULL ? net->sync : 1;
}

int adex_net_rank(const adex_net *net) { return net->rank; }
int adex_net_ranks(const adex_net *net) { return net->nranks; }

const bool *adex_net_pop_spike(adex_net *net, size_t pop) {
  return pop < net->ngroups ? net->groups[pop].spike : NULL;
}

size_t adex_net_proj_nsyn(const adex_net *net, size_t proj) {
  return proj < net->nprojs ? net->projs[proj].nsyn : 0;
}

double *adex_net_proj_g(adex_net *net, size_t proj) {
  return proj < net->nprojs ? net->projs[proj].g : NULL;
}

double *adex_net_proj_var(adex_net *net, size_t proj, const char *name,
                          size_t *len) {
  if (net == NULL || proj >= net->nprojs || name == NULL) return NULL;
  net_proj *p = &net->projs[proj];
  net_family fam = adex__net_family(p->cfg.model);
  double *v = NULL;
  size_t n = p->npre;
  if (strcmp(name, "g") == 0) {
    v = p->g;
    if (fam == NET_FAM_EXP) n = p->npost;
  } else if (fam == NET_FAM_DUAL && strcmp(name, "h") == 0) {
    v = p->h;
  } else if (p->cfg.model == ADEX_SYN_NMDA && strcmp(name, "x") == 0) {
    v = p->h;
  } else if (fam == NET_FAM_SUM && p->cfg.model != ADEX_SYN_NMDA &&
             strcmp(name, "spike_arrival_time") == 0) {
    v = p->h;
  } else if (fam == NET_FAM_STP) {
    n = p->nsyn;
    v = strcmp(name, "x") == 0   ? p->sx
        : strcmp(name, "u") == 0 ? p->su
        : strcmp(name, "I") == 0 ? p->sI
                                 : NULL;
  }
  if (v != NULL && len != NULL) *len = n;
  return v;
}

adex_status adex_net_proj_synapses(const adex_net *net, size_t proj,
                                   size_t *pre, size_t *post, double *weight,
                                   double *delay, size_t *given) {
  if (net == NULL || proj >= net->nprojs)
    return adex__fail(ADEX_EINVAL, "no projection %zu", proj);
  const net_proj *p = &net->projs[proj];
  if (!net->planned)
    return adex__fail(ADEX_EINVAL, "%s: plan the network first", p->name.name);
  for (size_t i = 0; i < p->npre; i++)
    for (size_t s = p->row[i]; s < p->row[i + 1]; s++) {
      if (pre) pre[s] = i;
      if (post) post[s] = p->post_lo + p->post_idx[s];
      if (weight) weight[s] = p->w != NULL ? p->w[s] : p->w_all;
      if (delay)
        delay[s] = (double)(p->dly != NULL       ? p->dly[s]
                            : p->dly_pre != NULL ? p->dly_pre[i]
                                                 : p->d_all) *
                   net->dt;
      if (given) given[s] = p->order != NULL ? p->order[s] : s;
    }
  return ADEX_OK;
}

size_t adex_net_bytes(const adex_net *net) {
  size_t b = 0;
  for (size_t i = 0; i < net->nprojs; i++) {
    const net_proj *p = &net->projs[i];
    b += (p->npre + 1) * sizeof *p->row + p->nsyn * sizeof *p->post_idx;
    if (p->w) b += p->nsyn * sizeof *p->w;
    if (p->dly) b += p->nsyn * sizeof *p->dly;
    if (p->dly_pre) b += p->npre * sizeof *p->dly_pre;
    if (p->order) b += p->nsyn * sizeof *p->order;
    net_family fam = adex__net_family(p->cfg.model);
    size_t ng = fam == NET_FAM_EXP ? p->npost : p->npre;
    if (p->ring) b += p->ring_len * p->npost * sizeof *p->ring;
    if (p->sring) b += p->ring_len * p->npre;
    if (p->g) b += ng * sizeof *p->g;
    if (p->h) b += p->npre * sizeof *p->h;
    if (p->G) b += 2 * p->npost * sizeof *p->G;
    if (p->acc) b += p->npost * sizeof *p->acc;
    if (p->sx) b += 3 * p->nsyn * sizeof *p->sx;
  }
  for (size_t g = 0; g < net->ngroups; g++)
    if (net->groups[g].V64 != NULL)
      b += 2 * net->groups[g].nloc * sizeof(double);
  return b;
}
