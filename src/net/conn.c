/* conn.c - connectors: which pre neuron reaches which post neuron.
 *
 * Every connector is written once as a walk that emits (pre, post) pairs.
 * The walk runs twice: first to count each pre neuron's synapses, then to
 * place them, so the synapses are stored by source (CSR) without a
 * temporary list of pairs. (The random connectors, whose walk costs a
 * draw per synapse, keep the pairs of the first walk when they take at
 * most LOG_MAX_BYTES, and place those instead of drawing again.) Random
 * connectors draw from counter-based streams keyed by (seed, the global
 * index of the neuron that owns the draw): FixedProb and FixedPreNum by
 * post neuron, FixedPostNum by pre neuron. The pairs are therefore a pure
 * function of the connector and the sizes: the same for any number of
 * threads, and drawable part by part: on several ranks each one walks
 * only the post neurons it owns where the connector is keyed by them (the
 * others filter the pairs by target).
 *
 * FixedProb skips from one connected pre neuron to the next by geometric
 * gaps (one draw per synapse, not per pair); FixedPreNum/FixedPostNum pick
 * distinct neurons by Floyd's algorithm (Bentley & Floyd 1987, "Programming
 * pearls: a sample of brilliance").
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "method_internal.h"
#include "net/net_internal.h"
#include "rng.h"

/* Stream tags, so that two connectors with one seed draw differently. */
#define TAG_PROB 0x70726f62ULL
#define TAG_PRE 0x7072656eULL
#define TAG_POST 0x706f7374ULL
#define TAG_GAUSS 0x67617573ULL

/* The stream of neuron `owner` under `seed` and `tag`. */
static uint64_t stream_of(uint64_t seed, uint64_t tag, uint64_t owner) {
  return adex__rng_u64(seed ^ (tag * ADEX__GOLDEN_GAMMA), owner);
}

/* A uniform integer in [0, n) from draw m of a stream. */
static size_t draw_below(uint64_t stream, uint64_t m, size_t n) {
  size_t r = (size_t)(adex__rng_uniform(stream, m) * (double)n);
  return r < n ? r : n - 1;
}

/* The most memory the pairs of a first walk may take to be kept. */
#define LOG_MAX_BYTES ((size_t)64 << 20)

/* Where the walk puts its pairs: counting (cursor NULL) or placing. */
typedef struct sink {
  size_t *count;  /* pass 1: synapses per pre */
  size_t *cursor; /* pass 2: next free slot per pre */
  uint32_t *post; /* pass 2: post indices */
  size_t *order;  /* pass 2, IJ: position given of each synapse */
  uint32_t *log;  /* pass 1: the pairs (pre, post) in walk order, room for
                     cap_log pairs, or NULL */
  size_t n_log, cap_log; /* pairs emitted, room */
  size_t qlo, qn;        /* the post neurons kept: [qlo, qlo + qn), stored
                            as post - qlo */
  size_t *gcount;        /* counting every pair, kept or not (then only
                            this): synapses per pre, and in `below` those
                            whose post neuron is before qlo */
  size_t *below;
} sink;

static void emit(sink *s, size_t pre, size_t post, size_t given) {
  if (s->gcount != NULL) {
    s->gcount[pre]++;
    if (post < s->qlo) s->below[pre]++;
    return;
  }
  if (post - s->qlo >= s->qn) return;
  if (s->cursor == NULL) {
    s->count[pre]++;
    if (s->n_log < s->cap_log) {
      s->log[2 * s->n_log] = (uint32_t)pre;
      s->log[2 * s->n_log + 1] = (uint32_t)post;
    }
    s->n_log++;
    return;
  }
  size_t at = s->cursor[pre]++;
  s->post[at] = (uint32_t)(post - s->qlo);
  if (s->order != NULL) s->order[at] = given;
}

/* emit(s, pre[k], post, 0) for the n pre neurons of one post neuron, in
 * order: the same counts and log, the sink's branches taken once. */
static void emit_column(sink *s, size_t post, const uint32_t *pre, size_t n) {
  if (s->gcount != NULL || s->cursor != NULL || post - s->qlo >= s->qn) {
    for (size_t k = 0; k < n; k++) emit(s, pre[k], post, 0);
    return;
  }
  for (size_t k = 0; k < n; k++) s->count[pre[k]]++;
  size_t room = s->n_log < s->cap_log ? s->cap_log - s->n_log : 0;
  uint32_t *log = s->log + 2 * s->n_log;
  for (size_t k = 0; k < n && k < room; k++) {
    log[2 * k] = pre[k];
    log[2 * k + 1] = (uint32_t)post;
  }
  s->n_log += n;
}

/* Place the n pairs of a first walk's log (emit's placing branch; the
 * random connectors, whose synapses have no given order). */
static void place_log(sink *s, const uint32_t *log, size_t n) {
  for (size_t q = 0; q < n; q++) {
    size_t post = log[2 * q + 1] - s->qlo;
    if (post >= s->qn) continue;
    s->post[s->cursor[log[2 * q]]++] = (uint32_t)post;
  }
}

/* One gap of FixedProb's walk (prob_column): the quotient q skips
 * floor(q) pre neurons from *i; false when that reaches past the last
 * (q < P - i tests floor(q) < P - i, and (size_t)q is floor(q) for
 * q >= 0). */
static inline bool prob_step(double q, size_t P, size_t self, uint32_t *pre,
                             size_t *i, size_t *n) {
  if (!(q < (double)(P - *i))) return false;
  *i += (size_t)q;
  pre[*n] = (uint32_t)*i;
  *n += *i != self;
  (*i)++;
  return true;
}

/* FixedProb's pre neurons of one post neuron, ascending, into pre (room
 * for P); returns how many. From i = 0, each synapse skips a geometric
 * gap floor(log1p(-u) / log1p(-prob)) of pre neurons, u the stream's next
 * uniform value, until the gap reaches past the last pre neuron; the
 * neuron `self` is skipped (SIZE_MAX: none). With the vector quotients
 * (gaps, kernel.h: 16 at a time, xmath's log, and C's log1p for the lanes
 * near an integer, so the same gaps), else four at a time ahead of their
 * use, so that the CPU overlaps their latencies (up to three computed
 * past the end are not used; eight at a time was slower). */
static size_t prob_column(uint64_t st, size_t P, double prob, double log_q,
                          size_t self, uint32_t *pre, adex__gaps_fn gaps) {
  size_t n = 0, i = 0;
  if (prob >= 1.0) {
    for (size_t k = 0; k < P; k++)
      if (k != self) pre[n++] = (uint32_t)k;
    return n;
  }
  if (gaps != NULL)
    for (uint64_t m = 0;; m += 16) {
      double q[16];
      for (unsigned near = gaps(st, m, log_q, q); near != 0; near &= near - 1) {
        unsigned k = (unsigned)__builtin_ctz(near);
        q[k] = log1p(-adex__rng_uniform(st, m + k)) / log_q;
      }
      for (unsigned k = 0; k < 16; k++)
        if (!prob_step(q[k], P, self, pre, &i, &n)) return n;
    }
  for (uint64_t m = 0;; m += 4) {
    double q[4];
    for (unsigned k = 0; k < 4; k++)
      q[k] = log1p(-adex__rng_uniform(st, m + k)) / log_q;
    for (unsigned k = 0; k < 4; k++)
      if (!prob_step(q[k], P, self, pre, &i, &n)) return n;
  }
}

/* Floyd's sample of `num` distinct values of [0, n) (n excludes `skip`
 * when skip < n + 1: values at or above skip move up by one), into out,
 * with `mark` (n + 1 stamps) telling which are taken. */
static void floyd(uint64_t stream, size_t n, size_t num, size_t skip,
                  uint32_t *mark, uint32_t stamp, size_t *out) {
  size_t got = 0;
  for (size_t m = n - num; m < n; m++) {
    size_t t = draw_below(stream, got, m + 1);
    if (mark[t] == stamp) t = m;
    mark[t] = stamp;
    out[got++] = t;
  }
  for (size_t q = 0; q < num; q++)
    if (out[q] >= skip) out[q]++;
}

/* The value of neuron m's position along dimension d (GaussianProb): its
 * coordinate c_d = (m / (shape[0] ... shape[d-1])) mod shape[d] (BrainPy's
 * order) spread over the encoding range: lo + c_d (hi - lo) / shape[d]. */
static double position(const adex_conn *c, size_t m, size_t d, double *size) {
  size_t below = 1;
  for (size_t e = 0; e < d; e++) below *= c->shape[e];
  size_t coord = (m / below) % c->shape[d];
  const double *r = c->n_ranges == 0   ? NULL
                    : c->n_ranges == 1 ? c->ranges[0]
                                       : c->ranges[d];
  double lo = r != NULL ? r[0] : 0.0;
  double hi = r != NULL ? r[1] : (double)c->shape[d];
  *size = hi - lo;
  return lo + (double)coord * ((hi - lo) / (double)c->shape[d]);
}

/* GaussianProb's probability of the pair (i, j), BrainPy's formula:
 * exp(-(|v_i - v_j| / sigma)^2 / 2), distances wrapping at half the range
 * when periodic. Normalizing divides by the largest probability, which is
 * 1 (every neuron is at distance 0 from itself): it changes nothing. */
static double gauss_prob(const adex_conn *c, size_t i, size_t j) {
  double sum = 0.0;
  for (size_t d = 0; d < c->ndim; d++) {
    double size, vi = position(c, i, d, &size), vj = position(c, j, d, &size);
    double dist = fabs(vi - vj);
    if (c->periodic && dist > size / 2) dist = size - dist;
    sum += dist * dist;
  }
  double r = sqrt(sum) / c->sigma;
  return exp(-r * r / 2);
}

static int cmp_size(const void *a, const void *b) {
  size_t x = *(const size_t *)a, y = *(const size_t *)b;
  return (x > y) - (x < y);
}

/* Emit every pair of the connector, in storage order within each pre row
 * (increasing post index; IJ and CSR: the order given); where the post
 * neuron owns the draws, only those of the post neurons s keeps
 * (j0 <= j < j1; the sink filters the others). scratch: FixedPreNum's and
 * FixedPostNum's num + 1 values; mark: their stamps (need + 1, zero), or
 * FixedProb's column (P + 1; adex__net_connect's need). */
static adex_status walk(const net_proj *p, bool same, sink *s, size_t *scratch,
                        uint32_t *mark) {
  const adex_conn *c = &p->cfg.conn;
  size_t P = p->npre, Q = p->post_all;
  size_t j0 = s->gcount != NULL ? 0 : s->qlo,
         j1 = s->gcount != NULL ? Q : s->qlo + s->qn;
  bool no_self = same && !c->include_self;
  switch (c->kind) {
  case ADEX_CONN_ONE2ONE:
    for (size_t i = j0; i < j1 && i < P; i++) emit(s, i, i, i);
    break;
  case ADEX_CONN_ALL2ALL:
    for (size_t j = j0; j < j1; j++)
      for (size_t i = 0; i < P; i++)
        if (!(no_self && i == j)) emit(s, i, j, 0);
    break;
  case ADEX_CONN_FIXED_PROB: {
    if (c->prob <= 0.0) break;
    double log_q = log1p(-c->prob); /* -inf when prob is 1 */
    adex__gaps_fn gaps = adex__kernel_gaps();
    for (size_t j = j0; j < j1; j++) { /* mark: the column, P entries */
      size_t n = prob_column(stream_of(c->seed, TAG_PROB, j), P, c->prob, log_q,
                             no_self ? j : SIZE_MAX, mark, gaps);
      emit_column(s, j, mark, n);
    }
    break;
  }
  case ADEX_CONN_FIXED_PRE_NUM:
    for (size_t j = j0; j < j1; j++) {
      size_t n = no_self && j < P ? P - 1 : P;
      floyd(stream_of(c->seed, TAG_PRE, j), n, c->num,
            no_self && j < P ? j : SIZE_MAX, mark, (uint32_t)(j + 1), scratch);
      for (size_t q = 0; q < c->num; q++) emit(s, scratch[q], j, 0);
    }
    break;
  case ADEX_CONN_FIXED_POST_NUM:
    for (size_t i = 0; i < P; i++) {
      size_t n = no_self && i < Q ? Q - 1 : Q;
      floyd(stream_of(c->seed, TAG_POST, i), n, c->num,
            no_self && i < Q ? i : SIZE_MAX, mark, (uint32_t)(i + 1), scratch);
      qsort(scratch, c->num, sizeof *scratch, cmp_size);
      for (size_t q = 0; q < c->num; q++) emit(s, i, scratch[q], 0);
    }
    break;
  case ADEX_CONN_IJ:
    for (size_t m = 0; m < c->n_pairs; m++)
      emit(s, p->conn_a[m], p->conn_b[m], m);
    break;
  case ADEX_CONN_CSR:
    for (size_t i = 0; i < P; i++)
      for (size_t m = p->conn_b[i]; m < p->conn_b[i + 1]; m++)
        emit(s, i, p->conn_a[m], m);
    break;
  case ADEX_CONN_GAUSSIAN_PROB:
    /* every pair, drawn from the post neuron's stream (BrainPy: p >= U) */
    for (size_t j = j0; j < j1; j++) {
      uint64_t st = stream_of(c->seed, TAG_GAUSS, j);
      for (size_t i = 0; i < P; i++) {
        if (i == j && !c->include_self) continue;
        if (gauss_prob(c, i, j) >= adex__rng_uniform(st, i)) emit(s, i, j, 0);
      }
    }
    break;
  case ADEX_CONN_GRID_FOUR:
  case ADEX_CONN_GRID_N: {
    /* 1-D: height = size, width 1; 2-D: row-major height x width */
    size_t H = c->shape[0], W = c->ndim == 2 ? c->shape[1] : 1;
    long n = c->kind == ADEX_CONN_GRID_FOUR ? 1 : (long)c->grid_n;
    for (size_t i = 0; i < P; i++) {
      long row = (long)(i / W), col = (long)(i % W);
      for (long dr = -n; dr <= n; dr++)
        for (long dc = -n; dc <= n; dc++) {
          if (dr == 0 && dc == 0
                  ? !c->include_self
                  : c->kind == ADEX_CONN_GRID_FOUR && labs(dr) + labs(dc) != 1)
            continue;
          long r = row + dr, q = col + dc;
          if (r < 0 || r >= (long)H || q < 0 || q >= (long)W) continue;
          emit(s, i, (size_t)r * W + (size_t)q, 0);
        }
    }
    break;
  }
  }
  return ADEX_OK;
}

/* Physical memory in bytes (0 if unknown). */
static double physical_bytes(void) {
  long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
  return pages > 0 && size > 0 ? (double)pages * (double)size : 0.0;
}

/* The expected number of synapses, known before any is drawn. */
static double expected_synapses(const net_proj *p) {
  const adex_conn *c = &p->cfg.conn;
  double P = (double)p->npre, Q = (double)p->npost;
  switch (c->kind) {
  case ADEX_CONN_ONE2ONE: return P;
  case ADEX_CONN_ALL2ALL: return P * Q;
  case ADEX_CONN_FIXED_PROB: return c->prob * P * Q;
  case ADEX_CONN_FIXED_PRE_NUM: return (double)c->num * Q;
  case ADEX_CONN_FIXED_POST_NUM: return (double)c->num * P;
  case ADEX_CONN_IJ: return (double)c->n_pairs;
  case ADEX_CONN_CSR: return (double)p->conn_b[p->npre];
  case ADEX_CONN_GAUSSIAN_PROB: {
    /* the Gaussian's volume over the encoding volume, per neuron */
    double frac = 1.0, size;
    for (size_t d = 0; d < c->ndim; d++) {
      position(c, 0, d, &size);
      frac *= fmin(1.0, 2.5066282746310002 * c->sigma / size);
    }
    return P * Q * frac;
  }
  case ADEX_CONN_GRID_FOUR: return 5.0 * P;
  case ADEX_CONN_GRID_N: {
    double side = 2.0 * (double)c->grid_n + 1.0;
    return P * fmin(side * side, Q);
  }
  }
  return 0.0;
}

/* The position of each of p's synapses among all of the projection's (on
 * every rank; generated connectors, whose rows increase by post index):
 * the synapses of the rows before, of this row before this rank's post
 * neurons, then its place in the row. count and below: P + 1 scratch. */
static void global_positions(net_proj *p, bool same, size_t *count,
                             size_t *below, size_t *scratch, uint32_t *mark,
                             size_t need) {
  size_t P = p->npre;
  memset(count, 0, (P + 1) * sizeof *count);
  memset(below, 0, (P + 1) * sizeof *below);
  if (mark) memset(mark, 0, (need + 1) * sizeof *mark);
  sink s = {NULL, NULL,       NULL,     NULL,  NULL, 0,
            0,    p->post_lo, p->npost, count, below};
  walk(p, same, &s, scratch, mark);
  size_t before = 0;
  for (size_t i = 0; i < P; i++) {
    for (size_t q = p->row[i]; q < p->row[i + 1]; q++)
      p->order[q] = before + below[i] + (q - p->row[i]);
    before += count[i];
  }
  p->nsyn_all = before;
}

/* Free adex__net_connect's counts (P + 1), scratch (nscratch) and
 * stamps (need + 1). */
static void free_walk_buffers(const adex_allocator *a, size_t *count, size_t P,
                              size_t *scratch, size_t nscratch, uint32_t *mark,
                              size_t need) {
  adex__free(a, count, (P + 1) * sizeof *count);
  adex__free(a, scratch, nscratch * sizeof *scratch);
  adex__free(a, mark, (need + 1) * sizeof *mark);
}

adex_status adex__net_connect(net_proj *p, bool same) {
  const adex_allocator *a = adex_allocator_default();
  const adex_conn *c = &p->cfg.conn;
  size_t P = p->npre, Q = p->post_all;
  if (P > UINT32_MAX || Q > UINT32_MAX)
    return adex__fail(ADEX_ESIZE,
                      "%s: populations of more than %u neurons "
                      "are not supported",
                      p->name.name, UINT32_MAX);
  double est = expected_synapses(p);
  double per_syn = 4.0 + (p->weights_in != NULL ? 8.0 : 0.0);
  double phys = physical_bytes();
  if (phys > 0.0 && est * per_syn > 0.8 * phys)
    return adex__fail(ADEX_ENOMEM,
                      "%s: about %.3g synapses (%.3g GB) would "
                      "not fit in this machine's %.3g GB of memory",
                      p->name.name, est, est * per_syn / 1e9, phys / 1e9);
  bool sample =
      c->kind == ADEX_CONN_FIXED_PRE_NUM || c->kind == ADEX_CONN_FIXED_POST_NUM;
  size_t need = c->kind == ADEX_CONN_FIXED_PRE_NUM    ? P
                : c->kind == ADEX_CONN_FIXED_POST_NUM ? Q
                : c->kind == ADEX_CONN_FIXED_PROB     ? P
                                                      : 0;
  size_t nscratch = sample ? c->num + 1 : 0;
  size_t *count = adex__alloc(a, (P + 1) * sizeof *count);
  size_t *scratch =
      nscratch ? adex__alloc(a, nscratch * sizeof *scratch) : NULL;
  uint32_t *mark = need ? adex__alloc(a, (need + 1) * sizeof *mark) : NULL;
  if (count == NULL || (nscratch && scratch == NULL) ||
      (need && mark == NULL)) {
    free_walk_buffers(a, count, P, scratch, nscratch, mark, need);
    return adex__fail(ADEX_ENOMEM, "%s: out of memory", p->name.name);
  }
  memset(count, 0, (P + 1) * sizeof *count);
  if (mark) memset(mark, 0, (need + 1) * sizeof *mark);
  sink s = {count, NULL,       NULL,     NULL, NULL, 0,
            0,     p->post_lo, p->npost, NULL, NULL};
  bool random =
      c->kind == ADEX_CONN_FIXED_PROB || c->kind == ADEX_CONN_FIXED_PRE_NUM ||
      c->kind == ADEX_CONN_FIXED_POST_NUM || c->kind == ADEX_CONN_GAUSSIAN_PROB;
  /* room for the expected count and 8 standard deviations more, in a
   * scratch block (on huge pages where the system lends them: the log is
   * written once through, page after page) */
  double room = est + 8.0 * sqrt(est) + 64.0;
  if (random && room * 8.0 <= (double)LOG_MAX_BYTES) {
    s.cap_log = (size_t)room;
    s.log = adex__scratch_alloc(s.cap_log * 2 * sizeof *s.log);
    if (s.log == NULL) s.cap_log = 0; /* draw twice */
  }
  walk(p, same, &s, scratch, mark);
  /* offsets */
  size_t total = 0;
  for (size_t i = 0; i < P; i++) {
    size_t n = count[i];
    count[i] = total;
    total += n;
  }
  count[P] = total;
  if (total > UINT32_MAX) {
    free_walk_buffers(a, count, P, scratch, nscratch, mark, need);
    adex__scratch_free(s.log, s.cap_log * 2 * sizeof *s.log);
    return adex__fail(ADEX_ESIZE,
                      "%s: %zu synapses in one projection; at "
                      "most %u: split it into several",
                      p->name.name, total, UINT32_MAX);
  }
  p->nsyn = total;
  p->nsyn_all = c->kind == ADEX_CONN_IJ    ? c->n_pairs
                : c->kind == ADEX_CONN_CSR ? p->conn_b[P]
                                           : total; /* alone, or below */
  p->row = adex__alloc(a, (P + 1) * sizeof *p->row);
  if (p->row != NULL)
    for (size_t i = 0; i <= P; i++) p->row[i] = (uint32_t)count[i];
  p->post_idx = adex__alloc(a, (total ? total : 1) * sizeof *p->post_idx);
  size_t *cursor = adex__alloc(a, (P + 1) * sizeof *cursor);
  bool given = c->kind == ADEX_CONN_IJ || c->kind == ADEX_CONN_CSR;
  /* a part of the synapses with arrays in the order of all of them */
  bool part =
      p->npost != p->post_all && !given &&
      (p->weights_in != NULL ||
       (p->delays_in != NULL && adex__net_family(p->cfg.model) == NET_FAM_EXP));
  bool want_order = given || part;
  if (want_order)
    p->order = adex__alloc(a, (total ? total : 1) * sizeof *p->order);
  adex_status st = ADEX_OK;
  if (p->row == NULL || p->post_idx == NULL || cursor == NULL ||
      (want_order && p->order == NULL)) {
    st = adex__fail(ADEX_ENOMEM, "%s: out of memory for %zu synapses",
                    p->name.name, total);
  } else {
    memcpy(cursor, count, (P + 1) * sizeof *cursor);
    if (mark) memset(mark, 0, (need + 1) * sizeof *mark);
    sink s2 = {count,    cursor, p->post_idx, given ? p->order : NULL,
               NULL,     0,      0,           p->post_lo,
               p->npost, NULL,   NULL};
    if (s.n_log <= s.cap_log) /* kept whole (or nothing to place) */
      place_log(&s2, s.log, s.n_log);
    else
      walk(p, same, &s2, scratch, mark);
  }
  adex__scratch_free(s.log, s.cap_log * 2 * sizeof *s.log);
  if (st == ADEX_OK && part)
    global_positions(p, same, count, cursor, scratch, mark, need);
  adex__free(a, cursor, (P + 1) * sizeof *cursor);
  free_walk_buffers(a, count, P, scratch, nscratch, mark, need);
  return st;
}
