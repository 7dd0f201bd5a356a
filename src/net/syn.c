/* syn.c - the synapse models' state and update (phase 2 of a network step;
 * docs/networks.md gives every model's equations).
 *
 * Delivery is event driven: each spike of the pre population adds its
 * synapses' weights to the ring row of the step in which they act (the
 * Exp and DualExp families), or marks the pre neuron in a ring of delayed
 * spikes (the models whose state lives per pre neuron), so the work of a
 * spike grows with its fan-out. exp_auto of a model's joint system treats
 * each variable's own linear part exactly, the others frozen at their old
 * values: x_new = x + f(x) expm1(A dt) / A, A = df/dx.
 *
 * DualExp and Alpha are linear in their inputs, so the post-side sums
 * G = sum_i w_ij g_i and H = sum_i w_ij h_i obey the same equations as g
 * and h, driven by the delivered weights: the post input costs O(post)
 * per step, not O(synapses) (equal to summing w g to rounding). NMDA,
 * AMPA and GABAa saturate (their g is not linear in the spikes) and sum
 * w g over the synapses each step.
 */
#include <math.h>
#include <string.h>

#include "internal.h"
#include "kernel.h"
#include "net/net_internal.h"

net_family adex__net_family(adex_syn_model model) {
  switch (model) {
  case ADEX_SYN_DELTA:
  case ADEX_SYN_EXP_CUBA:
  case ADEX_SYN_EXP_COBA: return NET_FAM_EXP;
  case ADEX_SYN_DUAL_EXP_CUBA:
  case ADEX_SYN_DUAL_EXP_COBA:
  case ADEX_SYN_ALPHA_CUBA:
  case ADEX_SYN_ALPHA_COBA: return NET_FAM_DUAL;
  case ADEX_SYN_NMDA:
  case ADEX_SYN_AMPA:
  case ADEX_SYN_GABAA: return NET_FAM_SUM;
  case ADEX_SYN_STP: return NET_FAM_STP;
  }
  return NET_FAM_EXP;
}

/* expm1(A dt) / A for A < 0: the exp_auto factor of a linear part A. */
static double euler_factor(double A, double dt) { return expm1(A * dt) / A; }

static double *zeros(size_t n) {
  double *p = adex__alloc(adex_allocator_default(), (n ? n : 1) * sizeof *p);
  if (p != NULL) memset(p, 0, (n ? n : 1) * sizeof *p);
  return p;
}

static void release(double **p, size_t n) {
  adex__free(adex_allocator_default(), *p, (n ? n : 1) * sizeof **p);
  *p = NULL;
}

void adex__net_proj_free_state(net_proj *p) {
  const adex_allocator *a = adex_allocator_default();
  net_family fam = adex__net_family(p->cfg.model);
  size_t ng = fam == NET_FAM_EXP ? p->npost : p->npre;
  if (p->ring != NULL) release(&p->ring, p->ring_len * p->npost);
  if (p->sring != NULL)
    adex__free(a, p->sring,
               p->ring_len * p->npre > 0 ? p->ring_len * p->npre : 1);
  p->sring = NULL;
  if (p->g != NULL) release(&p->g, ng);
  if (p->h != NULL) release(&p->h, p->npre);
  if (p->G != NULL) release(&p->G, p->npost);
  if (p->H != NULL) release(&p->H, p->npost);
  if (p->acc != NULL) release(&p->acc, p->npost);
  if (p->sx != NULL) release(&p->sx, p->nsyn);
  if (p->su != NULL) release(&p->su, p->nsyn);
  if (p->sI != NULL) release(&p->sI, p->nsyn);
}

adex_status adex__net_proj_alloc(net_proj *p, double dt) {
  const adex_proj_config *c = &p->cfg;
  net_family fam = adex__net_family(c->model);
  size_t P = p->npre, Q = p->npost, L = p->ring_len;
  bool ok = true;
  p->dt = dt;
  if (fam == NET_FAM_EXP || fam == NET_FAM_DUAL)
    ok &= (p->ring = zeros(L * Q)) != NULL;
  if (fam == NET_FAM_DUAL || fam == NET_FAM_SUM) {
    size_t nb = L * P > 0 ? L * P : 1;
    p->sring = adex__alloc(adex_allocator_default(), nb);
    if (p->sring != NULL) memset(p->sring, 0, nb);
    ok &= p->sring != NULL;
    ok &= (p->g = zeros(P)) != NULL;
    ok &= (p->h = zeros(P)) != NULL;
  }
  switch (fam) {
  case NET_FAM_EXP:
    if (c->model != ADEX_SYN_DELTA) ok &= (p->g = zeros(Q)) != NULL;
    p->decay = exp(-dt / c->tau);
    break;
  case NET_FAM_DUAL: {
    ok &= (p->G = zeros(Q)) != NULL;
    ok &= (p->H = zeros(Q)) != NULL;
    double td = c->tau_decay;
    double tr =
        c->model == ADEX_SYN_ALPHA_CUBA || c->model == ADEX_SYN_ALPHA_COBA
            ? c->tau_decay
            : c->tau_rise;
    p->c_g = euler_factor(-1.0 / td, dt);
    p->e_r = exp(-dt / tr);
    break;
  }
  case NET_FAM_SUM:
    ok &= (p->acc = zeros(Q)) != NULL;
    if (c->model == ADEX_SYN_NMDA) {
      p->e_r = exp(-dt / c->tau_rise);
    } else {
      p->c_on = euler_factor(-(c->alpha * c->T + c->beta), dt);
      p->c_off = euler_factor(-c->beta, dt);
      if (p->h != NULL)
        for (size_t i = 0; i < P; i++) p->h[i] = -1e7; /* BrainPy's "never" */
    }
    break;
  case NET_FAM_STP:
    ok &= (p->sx = zeros(p->nsyn)) != NULL;
    ok &= (p->su = zeros(p->nsyn)) != NULL;
    ok &= (p->sI = zeros(p->nsyn)) != NULL;
    if (p->sx != NULL)
      for (size_t s = 0; s < p->nsyn; s++) p->sx[s] = 1.0;
    p->decay = exp(-dt / c->tau);
    p->e_f = exp(-dt / c->tau_f);
    p->e_d = exp(-dt / c->tau_d);
    break;
  }
  if (!ok) {
    adex__net_proj_free_state(p);
    return adex__fail(ADEX_ENOMEM, "%s: out of memory for its state",
                      p->name.name);
  }
  return ADEX_OK;
}

/* ------------------------------------------------------------ delivery */

/* The first s in [a, b) with idx[s] >= x (idx increasing there), or b. */
static size_t first_at_least(const uint32_t *idx, size_t a, size_t b,
                             size_t x) {
  while (a < b) {
    size_t mid = a + (b - a) / 2;
    if (idx[mid] < x)
      a = mid + 1;
    else
      b = mid;
  }
  return a;
}

void adex__net_row_part(const net_proj *p, size_t i, size_t lo, size_t hi,
                        size_t *a, size_t *b) {
  *a = p->row[i];
  *b = p->row[i + 1];
  if (lo > 0) *a = first_at_least(p->post_idx, *a, *b, lo);
  if (hi < p->npost) *b = first_at_least(p->post_idx, *a, *b, hi);
}

/* Add the synapses of the pre neurons of one spike list (ids[0..n), found
 * in step s) to the ring rows of the steps in which they act: those whose
 * post neuron is in [lo, hi). Each post neuron receives its weights in
 * the same order (the order of the lists, then of the row) whatever the
 * range, so a network split among threads by post ranges sums the same
 * bits, and so does one whose lists come several steps at once (on
 * several ranks). */
static void deliver_list(net_proj *p, const uint32_t *ids, size_t n, uint64_t s,
                         size_t lo, size_t hi, uint32_t *cut, double *into) {
  size_t L = p->ring_len, Q = p->npost, span = hi - lo;
  /* the ring: the projection's, or a copy of its columns [lo, hi) */
  double *ring = into != NULL ? into : p->ring;
  size_t stride = into != NULL ? span : Q, off = into != NULL ? lo : 0;
  /* every synapse of [a, b) below has its post neuron in [lo, hi) */
  bool all = (lo == 0 && hi == Q) || cut != NULL;
  /* the rows of the spikes are far apart in memory: ask for their first
   * lines at once, so that their misses overlap */
  for (size_t m = 0; m < n; m++) {
    size_t at = cut != NULL ? cut[2 * ids[m]] : 0; /* 0: not found yet */
    const uint32_t *first = p->post_idx + (at != 0 ? at - 1 : p->row[ids[m]]);
    __builtin_prefetch(first);
    __builtin_prefetch(first + 16);
  }
  for (size_t m = 0; m < n; m++) {
    size_t i = ids[m];
    size_t a = p->row[i], b = p->row[i + 1];
    if (cut != NULL && cut[2 * i] != 0) { /* the row's part, found before */
      a = cut[2 * i] - 1;
      b = cut[2 * i + 1];
    } else if (cut != NULL) { /* the row's part in [lo, hi), kept */
      adex__net_row_part(p, i, lo, hi, &a, &b);
      cut[2 * i] = (uint32_t)(a + 1);
      cut[2 * i + 1] = (uint32_t)b;
    } else if (!all && p->rows_sorted) { /* the row's part in [lo, hi) */
      adex__net_row_part(p, i, lo, hi, &a, &b);
    }
    if (p->dly == NULL && p->w == NULL) {
      uint64_t d = p->dly_pre != NULL ? p->dly_pre[i] : p->d_all;
      double *r = ring + ((s + d) % L) * stride;
      /* in locals: the stores into r could alias them for the compiler */
      const uint32_t *post = p->post_idx;
      const double w = p->w_all;
      if (all)
        for (size_t q = a; q < b; q++) r[post[q] - off] += w;
      else
        for (size_t q = a; q < b; q++) {
          size_t j = post[q];
          if (j - lo < span) r[j - off] += w;
        }
    } else {
      for (size_t q = a; q < b; q++) {
        size_t j = p->post_idx[q];
        if (!all && j - lo >= span) continue;
        uint64_t d = p->dly != NULL       ? p->dly[q]
                     : p->dly_pre != NULL ? p->dly_pre[i]
                                          : p->d_all;
        double w = p->w != NULL ? p->w[q] : p->w_all;
        ring[((s + d) % L) * stride + (j - off)] += w;
      }
    }
  }
}

/* Every list of pre's batch, in the order of their steps. */
static void deliver_weights(net_proj *p, const net_group *pre, size_t lo,
                            size_t hi) {
  for (size_t b = 0; b < pre->nbatch; b++)
    deliver_list(p, pre->spk + pre->spk_off[b],
                 pre->spk_off[b + 1] - pre->spk_off[b], pre->s_first + b, lo,
                 hi, NULL, NULL);
}

/* Mark the pre neurons of pre's lists in the rows of the steps in which
 * their spikes act; return the row of step k. */
static uint8_t *deliver_spikes(net_proj *p, const net_group *pre, uint64_t k) {
  size_t L = p->ring_len, P = p->npre;
  for (size_t b = 0; b < pre->nbatch; b++) {
    uint64_t s = pre->s_first + b;
    for (size_t m = pre->spk_off[b]; m < pre->spk_off[b + 1]; m++) {
      size_t i = pre->spk[m];
      uint64_t d = p->dly_pre != NULL ? p->dly_pre[i] : p->d_all;
      p->sring[((s + d) % L) * P + i] = 1;
    }
  }
  return p->sring + (k % L) * P;
}

/* The post-side loops run over every post neuron each step:
 * ADEX__VEC_CLONES (internal.h). */
/* ExpCOBA's step over n post neurons: g, the input, the row cleared. */
ADEX__VEC_CLONES static void exp_coba_post(size_t n, double *restrict g,
                                           double *restrict r,
                                           double *restrict in,
                                           const double *restrict V,
                                           double decay, double E) {
  for (size_t j = 0; j < n; j++) {
    double gj = g[j] * decay + r[j];
    g[j] = gj;
    in[j] += gj * (E - V[j]);
    r[j] = 0.0;
  }
}

/* Two ExpCOBA projections into one population in one pass: the first's
 * step then the second's for each neuron (the input summed in that
 * order, V unchanged between them: the bits of two passes). */
ADEX__VEC_CLONES static void exp_coba2_post(size_t n, double *restrict g1,
                                            double *restrict r1, double decay1,
                                            double E1, double *restrict g2,
                                            double *restrict r2, double decay2,
                                            double E2, double *restrict in,
                                            const double *restrict V) {
  for (size_t j = 0; j < n; j++) {
    double a = g1[j] * decay1 + r1[j];
    double b = g2[j] * decay2 + r2[j];
    g1[j] = a;
    g2[j] = b;
    double x = in[j] + a * (E1 - V[j]);
    in[j] = x + b * (E2 - V[j]);
    r1[j] = 0.0;
    r2[j] = 0.0;
  }
}

/* The same two into a float32 population (docs/networks.md, *float32
 * populations*): V and the input widened to double, the sum as there,
 * the input rounded once. */
ADEX__VEC_CLONES static void
exp_coba2_post32(size_t n, double *restrict g1, double *restrict r1,
                 double decay1, double E1, double *restrict g2,
                 double *restrict r2, double decay2, double E2,
                 float *restrict in, const float *restrict V) {
  for (size_t j = 0; j < n; j++) {
    double a = g1[j] * decay1 + r1[j];
    double b = g2[j] * decay2 + r2[j];
    g1[j] = a;
    g2[j] = b;
    double v = (double)V[j];
    double x = (double)in[j] + a * (E1 - v);
    in[j] = (float)(x + b * (E2 - v));
    r1[j] = 0.0;
    r2[j] = 0.0;
  }
}

/* One ExpCOBA (cuba false) or ExpCUBA projection into a float32
 * population, likewise. */
ADEX__VEC_CLONES static void exp_post32(size_t n, double *restrict g,
                                        double *restrict r, double decay,
                                        double E, bool cuba, float *restrict in,
                                        const float *restrict V) {
  if (cuba) {
    for (size_t j = 0; j < n; j++) {
      double gj = g[j] * decay + r[j];
      g[j] = gj;
      in[j] = (float)((double)in[j] + gj);
      r[j] = 0.0;
    }
    return;
  }
  for (size_t j = 0; j < n; j++) {
    double gj = g[j] * decay + r[j];
    g[j] = gj;
    in[j] = (float)((double)in[j] + gj * (E - (double)V[j]));
    r[j] = 0.0;
  }
}

/* ExpCUBA's: g, the input g, the row cleared. */
ADEX__VEC_CLONES static void exp_cuba_post(size_t n, double *restrict g,
                                           double *restrict r,
                                           double *restrict in, double decay) {
  for (size_t j = 0; j < n; j++) {
    double gj = g[j] * decay + r[j];
    g[j] = gj;
    in[j] += gj;
    r[j] = 0.0;
  }
}

/* ------------------------------------------------------------- outputs */

/* post.input += G (E - V) or G, by the model's kind. */
static void add_conductance(const net_proj *p, const double *restrict G,
                            const net_post *post) {
  double *restrict in = post->in;
  const double *restrict V = post->V;
  double E = p->cfg.E;
  size_t Q = p->npost;
  switch (p->cfg.model) {
  case ADEX_SYN_EXP_CUBA:
  case ADEX_SYN_DUAL_EXP_CUBA:
  case ADEX_SYN_ALPHA_CUBA:
    for (size_t j = 0; j < Q; j++) in[j] += G[j];
    break;
  case ADEX_SYN_NMDA: {
    double k = p->cfg.cc_Mg / p->cfg.beta, alpha = p->cfg.alpha;
    for (size_t j = 0; j < Q; j++)
      in[j] += G[j] * (E - V[j]) / (1.0 + k * exp(-alpha * V[j]));
    break;
  }
  case ADEX_SYN_AMPA:
  case ADEX_SYN_GABAA:
    for (size_t j = 0; j < Q; j++) in[j] -= G[j] * (V[j] - E);
    break;
  default: /* the COBA models */
    for (size_t j = 0; j < Q; j++) in[j] += G[j] * (E - V[j]);
    break;
  }
}

/* acc[j] = sum over synapses i -> j of w_ij g_i, in synapse order. */
static void sum_over_synapses(net_proj *p, const double *g) {
  double *acc = p->acc;
  memset(acc, 0, p->npost * sizeof *acc);
  for (size_t i = 0; i < p->npre; i++) {
    double gi = g[i];
    if (gi == 0.0) continue;
    for (size_t s = p->row[i]; s < p->row[i + 1]; s++)
      acc[p->post_idx[s]] += (p->w != NULL ? p->w[s] : p->w_all) * gi;
  }
}

void adex__net_proj_take(net_proj *p, const net_group *pre) {
  if (p->ring != NULL) deliver_weights(p, pre, 0, p->npost);
  if (p->sring != NULL) (void)deliver_spikes(p, pre, 0);
}

/* -------------------------------------------------------------- models */

void adex__net_proj_deliver(net_proj *p, const net_group *pre, size_t lo,
                            size_t hi) {
  deliver_weights(p, pre, lo, hi);
}

void adex__net_proj_deliver_list(net_proj *p, const uint32_t *ids, size_t n,
                                 uint64_t s, size_t lo, size_t hi,
                                 uint32_t *cut, double *into) {
  deliver_list(p, ids, n, s, lo, hi, cut, into);
}

void adex__net_proj_post(net_proj *p, uint64_t k, const net_post *post,
                         size_t lo, size_t hi) {
  size_t n = hi - lo;
  double *vs = p->ring + (k % p->ring_len) * p->npost + lo;
  switch (p->cfg.model) {
  case ADEX_SYN_EXP_COBA:
    exp_coba_post(n, p->g + lo, vs, post->in, post->V, p->decay, p->cfg.E);
    break;
  case ADEX_SYN_EXP_CUBA:
    exp_cuba_post(n, p->g + lo, vs, post->in, p->decay);
    break;
  default: { /* DeltaSynapse */
    double *V = post->V;
    const bool *ref = p->cfg.post_has_ref ? post->ref : NULL;
    for (size_t j = 0; j < n; j++) {
      if (ref == NULL || !ref[j]) V[j] += vs[j];
      vs[j] = 0.0;
    }
    break;
  }
  }
}

void adex__net_proj_post2(net_proj *p, net_proj *q, uint64_t k,
                          const net_post *post, size_t lo, size_t hi) {
  if (p->cfg.model != ADEX_SYN_EXP_COBA || q->cfg.model != ADEX_SYN_EXP_COBA) {
    adex__net_proj_post(p, k, post, lo, hi);
    adex__net_proj_post(q, k, post, lo, hi);
    return;
  }
  double *r1 = p->ring + (k % p->ring_len) * p->npost + lo;
  double *r2 = q->ring + (k % q->ring_len) * q->npost + lo;
  exp_coba2_post(hi - lo, p->g + lo, r1, p->decay, p->cfg.E, q->g + lo, r2,
                 q->decay, q->cfg.E, post->in, post->V);
}

bool adex__net_proj_f32_direct(const net_proj *p, const net_proj *q) {
  if (q != NULL)
    return p->cfg.model == ADEX_SYN_EXP_COBA &&
           q->cfg.model == ADEX_SYN_EXP_COBA;
  return p->cfg.model == ADEX_SYN_EXP_COBA || p->cfg.model == ADEX_SYN_EXP_CUBA;
}

void adex__net_proj_post_f32_on(const net_proj *p, const net_proj *q,
                                double *const at[4], float *in, const float *V,
                                size_t n) {
  if (q == NULL) {
    exp_post32(n, at[0], at[1], p->decay, p->cfg.E,
               p->cfg.model == ADEX_SYN_EXP_CUBA, in, V);
    return;
  }
  exp_coba2_post32(n, at[0], at[1], p->decay, p->cfg.E, at[2], at[3], q->decay,
                   q->cfg.E, in, V);
}

void adex__net_proj_post_f32(net_proj *p, net_proj *q, uint64_t k, float *in,
                             const float *V, size_t lo, size_t hi) {
  double *at[4] = {p->g + lo, p->ring + (k % p->ring_len) * p->npost + lo, NULL,
                   NULL};
  if (q != NULL) {
    at[2] = q->g + lo;
    at[3] = q->ring + (k % q->ring_len) * q->npost + lo;
  }
  adex__net_proj_post_f32_on(p, q, at, in, V, hi - lo);
}

bool adex__net_proj_foldable(const net_proj *p) {
  return p->cfg.model == ADEX_SYN_EXP_COBA || p->cfg.model == ADEX_SYN_EXP_CUBA;
}

void adex__net_proj_chan(net_proj *p, uint64_t k, adex__chan *ch) {
  *ch = (adex__chan){p->g, p->ring + (k % p->ring_len) * p->npost, p->decay,
                     p->cfg.E, p->cfg.model == ADEX_SYN_EXP_CUBA};
}

static void update_exp(net_proj *p, const net_group *pre, uint64_t k,
                       const net_post *post) {
  deliver_weights(p, pre, 0, p->npost);
  adex__net_proj_post(p, k, post, 0, p->npost);
}

static void update_dual(net_proj *p, const net_group *pre, uint64_t k,
                        const net_post *post) {
  deliver_weights(p, pre, 0, p->npost);
  uint8_t *sp = deliver_spikes(p, pre, k);
  double c_g = p->c_g, e_r = p->e_r, inv_td = 1.0 / p->cfg.tau_decay;
  /* per pre neuron (BrainPy's g and h, for reading and recording) */
  for (size_t i = 0; i < p->npre; i++) {
    p->g[i] += c_g * (p->h[i] - p->g[i] * inv_td);
    p->h[i] = p->h[i] * e_r + (double)sp[i];
    sp[i] = 0;
  }
  /* the post-side sums, by superposition */
  size_t Q = p->npost;
  double *vs = p->ring + (k % p->ring_len) * Q;
  for (size_t j = 0; j < Q; j++) {
    p->G[j] += c_g * (p->H[j] - p->G[j] * inv_td);
    p->H[j] = p->H[j] * e_r + vs[j];
  }
  memset(vs, 0, Q * sizeof *vs);
  add_conductance(p, p->G, post);
}

static void update_sum(net_proj *p, const net_group *pre, uint64_t k, double t,
                       const net_post *post) {
  uint8_t *sp = deliver_spikes(p, pre, k);
  const adex_proj_config *c = &p->cfg;
  double *g = p->g, *h = p->h, dt = p->dt;
  if (c->model == ADEX_SYN_NMDA) {
    double inv_td = 1.0 / c->tau_decay, a = c->a, e_r = p->e_r;
    for (size_t i = 0; i < p->npre; i++) {
      double A = -inv_td - a * h[i];
      double f = -g[i] * inv_td + a * h[i] * (1.0 - g[i]);
      g[i] += f * euler_factor(A, dt);
      h[i] = h[i] * e_r + (double)sp[i];
      sp[i] = 0;
    }
  } else {
    double alpha = c->alpha, beta = c->beta, T = c->T, dur = c->T_duration;
    for (size_t i = 0; i < p->npre; i++) {
      if (sp[i]) h[i] = t;
      sp[i] = 0;
      bool on = t - h[i] < dur;
      double TT = on ? T : 0.0;
      double f = alpha * TT * (1.0 - g[i]) - beta * g[i];
      g[i] += f * (on ? p->c_on : p->c_off);
    }
  }
  sum_over_synapses(p, g);
  add_conductance(p, p->acc, post);
}

static void update_stp(net_proj *p, const bool *pre_spike,
                       const net_post *post) {
  const adex_proj_config *c = &p->cfg;
  double *in = post->in;
  /* the post input from the current I */
  for (size_t s = 0; s < p->nsyn; s++) in[p->post_idx[s]] += p->sI[s];
  /* evolve, then the jumps of the synapses whose pre neuron spiked */
  double U = c->U, A = c->A, dI = p->decay, du = p->e_f, dx = p->e_d;
  for (size_t i = 0; i < p->npre; i++) {
    bool fired = pre_spike[i];
    for (size_t s = p->row[i]; s < p->row[i + 1]; s++) {
      double u_old = p->su[s], x_old = p->sx[s];
      double I = p->sI[s] * dI, u = u_old * du;
      double x = x_old + (1.0 - x_old) * (1.0 - dx);
      if (fired) {
        u = u + U * (1.0 - u_old);
        x = x - u * x_old;
        I = I + A * u * x_old;
      }
      p->sI[s] = I;
      p->su[s] = u;
      p->sx[s] = x;
    }
  }
}

void adex__net_proj_update(net_proj *p, const net_group *pre, uint64_t k,
                           double t, const net_post *post) {
  switch (adex__net_family(p->cfg.model)) {
  case NET_FAM_EXP: update_exp(p, pre, k, post); break;
  case NET_FAM_DUAL: update_dual(p, pre, k, post); break;
  case NET_FAM_SUM: update_sum(p, pre, k, t, post); break;
  case NET_FAM_STP: update_stp(p, pre->gspike, post); break;
  }
}
