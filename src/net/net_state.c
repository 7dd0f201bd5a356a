/* net_state.c - save_states / load_states of a whole network
 * (docs/state-files.md, *Networks*).
 *
 * One key table for the network: every AdExIF population's keys as its
 * own save_states writes them, then the spike sources' spikes, then each
 * projection's state and delivery rings, then the step count. The shared
 * steps of src/io/state.c write it atomically, and on load check every key,
 * shape, dtype and value before anything changes.
 *
 * On several ranks the file is the one of the network alone: each entry
 * cut by ranks (along its last axis: post neurons) knows this rank's
 * columns, rank 0 gathers them into whole arrays and writes, and on load
 * every rank reads the whole file into scratch and takes its columns.
 * STP's per-synapse arrays are cut by places instead: each synapse's
 * position in the order of the projection alone (syn_places). Every
 * status is agreed by all ranks, so none waits in a collective the others
 * have left.
 */
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/net_internal.h"
#include "state_internal.h"

/* Add one array key "<object>.<var>" of `ndim` extents. */
static adex_status add_array(adex__state *s, const char *object,
                             const char *var, adex_dtype dtype, void *data,
                             double limit, size_t ndim, ...) {
  adex__state_entry *e = adex__state_add(s);
  if (e == NULL) return ADEX_ENOMEM;
  snprintf(e->key, sizeof e->key, "%s.%s", object, var);
  e->dtype = dtype;
  e->ndim = ndim;
  e->count = 1;
  va_list ap;
  va_start(ap, ndim);
  for (size_t d = 0; d < ndim; d++) {
    e->shape[d] = va_arg(ap, size_t);
    e->count *= e->shape[d];
  }
  va_end(ap);
  e->var = data;
  e->limit = limit;
  return ADEX_OK;
}

/* STP's synapses on several ranks: where each of this rank's lies among
 * all of the projection's, in the order of the network alone. */
typedef struct syn_places {
  size_t *pos; /* nsyn positions, or NULL (not STP, or alone) */
  size_t total;
} syn_places;

/* Mark the entries from `from` on as cut by ranks along their last axis:
 * this rank's [lo, lo + n) of all. */
static void cut(adex__state *s, size_t from, size_t lo, size_t n, size_t all) {
  for (size_t i = from; i < s->n; i++) {
    s->e[i].cut_lo = lo;
    s->e[i].cut_n = n;
    s->e[i].cut_all = all;
  }
}

/* Add a per-post entry of p (cut by the post population's blocks). */
static adex_status add_post(adex__state *s, net_proj *p, const char *var,
                            double *data) {
  size_t from = s->n;
  adex_status st = add_array(s, p->name.name, var, ADEX_DTYPE_F64, data,
                             DBL_MAX, 1, p->npost);
  cut(s, from, p->post_lo, p->npost, p->post_all);
  return st;
}

/* The keys of one projection: its model's state, then the rings. Per-pre
 * state is the same on every rank; per-post state and the delay ring's
 * columns are this rank's. */
static adex_status add_proj(adex__state *s, net_proj *p, const syn_places *at) {
  const char *n = p->name.name;
  net_family fam = adex__net_family(p->cfg.model);
  size_t P = p->npre;
  adex_status st = ADEX_OK;
  switch (fam) {
  case NET_FAM_EXP:
    if (p->g != NULL) st = add_post(s, p, "g", p->g);
    break;
  case NET_FAM_DUAL:
    st = add_array(s, n, "g", ADEX_DTYPE_F64, p->g, DBL_MAX, 1, P);
    if (st == ADEX_OK)
      st = add_array(s, n, "h", ADEX_DTYPE_F64, p->h, DBL_MAX, 1, P);
    if (st == ADEX_OK) st = add_post(s, p, "g_post", p->G);
    if (st == ADEX_OK) st = add_post(s, p, "h_post", p->H);
    break;
  case NET_FAM_SUM:
    st = add_array(s, n, "g", ADEX_DTYPE_F64, p->g, DBL_MAX, 1, P);
    if (st == ADEX_OK)
      st = add_array(s, n,
                     p->cfg.model == ADEX_SYN_NMDA ? "x" : "spike_arrival_time",
                     ADEX_DTYPE_F64, p->h, DBL_MAX, 1, P);
    break;
  case NET_FAM_STP:
    st = add_array(s, n, "x", ADEX_DTYPE_F64, p->sx, DBL_MAX, 1, p->nsyn);
    if (st == ADEX_OK)
      st = add_array(s, n, "u", ADEX_DTYPE_F64, p->su, DBL_MAX, 1, p->nsyn);
    if (st == ADEX_OK)
      st = add_array(s, n, "I", ADEX_DTYPE_F64, p->sI, DBL_MAX, 1, p->nsyn);
    for (size_t i = s->n - 3;
         st == ADEX_OK && at != NULL && at->pos != NULL && i < s->n; i++) {
      s->e[i].cut_n = p->nsyn;
      s->e[i].cut_all = at->total;
      s->e[i].cut_pos = at->pos;
    }
    break;
  }
  if (st == ADEX_OK && p->ring != NULL) {
    size_t from = s->n;
    st = add_array(s, n, "delay_ring", ADEX_DTYPE_F64, p->ring, DBL_MAX, 2,
                   p->ring_len, p->npost);
    cut(s, from, p->post_lo, p->npost, p->post_all);
  }
  if (st == ADEX_OK && p->sring != NULL)
    st = add_array(s, n, "spike_ring", ADEX_DTYPE_BOOL, p->sring, NAN, 2,
                   p->ring_len, P);
  return st;
}

/* The network's key table. */
static adex_status build(adex_net *net, const char *filename, adex__state *s,
                         const syn_places *places) {
  adex__state_init(s, filename, adex_allocator_default());
  adex_status st = ADEX_OK;
  for (size_t g = 0; st == ADEX_OK && g < net->ngroups; g++) {
    net_group *gr = &net->groups[g];
    if (gr->kind == NET_GROUP_POP) {
      size_t from = s->n;
      st = adex__state_add_pop(s, gr->pop);
      cut(s, from, gr->lo, gr->nloc, gr->num);
      continue;
    }
    st = add_array(s, gr->name.name, "spike", ADEX_DTYPE_BOOL, gr->spike, NAN,
                   1, gr->num);
    if (st == ADEX_OK && gr->kind == NET_GROUP_TIMES)
      st = add_array(s, gr->name.name, "i", ADEX_DTYPE_F64, &gr->cursor_saved,
                     (double)gr->n_spikes, 1, (size_t)1);
  }
  for (size_t i = 0; st == ADEX_OK && i < net->nprojs; i++)
    st = add_proj(s, &net->projs[i], places != NULL ? &places[i] : NULL);
  if (st == ADEX_OK)
    st = add_array(s, net->name.name, "step", ADEX_DTYPE_F64, &net->k_saved,
                   0x1p53, 1, (size_t)1);
  if (st == ADEX_OK)
    st = add_array(s, net->name.name, "t0", ADEX_DTYPE_F64, &net->t0_saved,
                   DBL_MAX, 1, (size_t)1);
  for (size_t i = 0; i < s->n; i++) s->e[i].selected = true;
  return st;
}

/* Check the handle and the file name; the format. */
static adex_status begin(adex_net *net, const char *filename,
                         adex_state_format *format) {
  if (net == NULL) return adex__fail(ADEX_EINVAL, "net must not be NULL");
  if (!net->planned)
    return adex__fail(ADEX_EINVAL,
                      "%s: plan the network before saving or "
                      "loading its state",
                      net->name.name);
  return adex_state_format_of(filename, format);
}

/* ------------------------------------------------------ several ranks */

/* The first failing rank's status and message on every rank (alone: st),
 * so that a collective save or load returns the same everywhere. */
static adex_status agree(adex_net *net, adex_status st) {
  const adex_comm *c = net->comm;
  if (c == NULL) return st;
  int64_t who = st != ADEX_OK ? net->nranks - net->rank : 0;
  if (c->max_i64(c->ctx, &who, 1) != 0)
    return adex__fail(ADEX_EIO, "%s: the ranks could not agree on a status",
                      net->name.name);
  if (who == 0) return ADEX_OK;
  int root = net->nranks - (int)who;
  struct {
    int64_t st;
    char msg[ADEX__ERRMSG_MAX];
  } m;
  memset(&m, 0, sizeof m);
  if (net->rank == root) {
    m.st = st;
    snprintf(m.msg, sizeof m.msg, "%s", adex_errmsg());
  }
  if (c->bcast(c->ctx, &m, sizeof m, root) != 0)
    return adex__fail(ADEX_EIO, "%s: rank %d failed, its message was lost",
                      net->name.name, root);
  if (net->rank == root) return st;
  return adex__fail((adex_status)m.st, "rank %d: %s", root, m.msg);
}

/* IJ: the place alone of each of p's synapses: by pre neuron, then in
 * the order given (the walk's), from the pairs every rank holds. */
static adex_status ij_places(const net_proj *p, size_t *pos) {
  size_t n = p->cfg.conn.n_pairs, P = p->npre;
  size_t *start = calloc(P + 1, sizeof *start);
  size_t *alone = malloc((n ? n : 1) * sizeof *alone);
  if (start == NULL || alone == NULL) {
    free(start);
    free(alone);
    return adex__fail(ADEX_ENOMEM, "%s: out of memory", p->name.name);
  }
  for (size_t g = 0; g < n; g++) start[p->conn_a[g] + 1]++;
  for (size_t i = 1; i <= P; i++) start[i] += start[i - 1];
  for (size_t g = 0; g < n; g++) alone[g] = start[p->conn_a[g]]++;
  for (size_t q = 0; q < p->nsyn; q++) pos[q] = alone[p->order[q]];
  free(start);
  free(alone);
  return ADEX_OK;
}

/* Generated connectors: a row alone lists its synapses by post neuron, so
 * it is the ranks' parts of the row in rank order; every rank's row
 * lengths (one allgather) place this rank's. Collective. */
static adex_status gen_places(adex_net *net, const net_proj *p, size_t *pos,
                              size_t *total) {
  const adex_comm *c = net->comm;
  size_t P = p->npre, R = (size_t)net->nranks;
  uint32_t *len = malloc((P + 1) * sizeof *len);
  uint32_t *all = malloc((R * P + 1) * sizeof *all);
  adex_status st = ADEX_OK;
  if (len == NULL || all == NULL)
    st = adex__fail(ADEX_ENOMEM, "%s: out of memory", p->name.name);
  for (size_t i = 0; st == ADEX_OK && i < P; i++)
    len[i] = p->row[i + 1] - p->row[i];
  st = agree(net, st); /* all ranks meet the allgather, or none */
  if (st == ADEX_OK &&
      c->allgather_u32(c->ctx, len, P, all, R * P, net->xcounts) != 0)
    st = adex__fail(ADEX_EIO, "%s: gathering the rows of %s failed",
                    net->name.name, p->name.name);
  size_t base = 0;
  for (size_t i = 0; st == ADEX_OK && i < P; i++) {
    size_t before = 0, row = 0;
    for (size_t r = 0; r < R; r++) {
      if (r < (size_t)net->rank) before += all[r * P + i];
      row += all[r * P + i];
    }
    for (size_t q = p->row[i]; q < p->row[i + 1]; q++)
      pos[q] = base + before + (q - p->row[i]);
    base += row;
  }
  *total = base;
  free(len);
  free(all);
  return st;
}

/* The places of every STP projection's synapses (several ranks; all
 * ranks call it, and agree on the status). Every rank walks every
 * projection whatever failed, so that all meet the same collectives. */
static adex_status plan_places(adex_net *net, syn_places *places) {
  adex_status st = ADEX_OK;
  for (size_t i = 0; i < net->nprojs; i++) {
    const net_proj *p = &net->projs[i];
    if (p->cfg.model != ADEX_SYN_STP) continue;
    adex_conn_kind kind = p->cfg.conn.kind;
    places[i].pos = malloc((p->nsyn ? p->nsyn : 1) * sizeof *places[i].pos);
    if (places[i].pos == NULL && st == ADEX_OK)
      st = adex__fail(ADEX_ENOMEM, "%s: out of memory", p->name.name);
    if (kind != ADEX_CONN_IJ && kind != ADEX_CONN_CSR) {
      st = agree(net, st);
      if (st == ADEX_OK)
        st = gen_places(net, p, places[i].pos, &places[i].total);
    } else if (st == ADEX_OK && kind == ADEX_CONN_IJ) {
      st = ij_places(p, places[i].pos);
      places[i].total = p->cfg.conn.n_pairs;
    } else if (st == ADEX_OK) { /* CSR: the place given is the place */
      memcpy(places[i].pos, p->order, p->nsyn * sizeof *p->order);
      places[i].total = p->conn_b[p->npre];
    }
  }
  return agree(net, st);
}

/* The places of the STP synapses for a save or load on several ranks
 * (*out: nprojs entries, free with free_places). */
static adex_status find_places(adex_net *net, syn_places **out) {
  *out = calloc(net->nprojs + 1, sizeof **out);
  adex_status st = agree(
      net, *out != NULL ? ADEX_OK : adex__fail(ADEX_ENOMEM, "out of memory"));
  return st == ADEX_OK ? plan_places(net, *out) : st;
}

static void free_places(const adex_net *net, syn_places *places) {
  for (size_t i = 0; places != NULL && i < net->nprojs; i++)
    free(places[i].pos);
  free(places);
}

/* A part's room in the gathered buffers: whole doubles, so that each
 * part starts aligned (delays are exported as doubles in place). */
static size_t pad8(size_t n) { return (n + 7) & ~(size_t)7; }

/* Bytes of n elements of e. */
static size_t bytes_of(const adex__state_entry *e, size_t n) {
  return n * adex_dtype_size(e->dtype);
}

/* This rank's columns of entry e: [*lo, *lo + *n) (replicated: all). */
static void part_of(const adex__state_entry *e, size_t *lo, size_t *n) {
  *lo = e->cut_all > 0 ? e->cut_lo : 0;
  *n = e->cut_all > 0 ? e->cut_n : e->shape[e->ndim - 1];
}

/* Copy columns [lo, lo + n) of every row of a whole entry (rows x all
 * elements of es bytes) to or from a part (rows x n). */
static void copy_cols(unsigned char *whole, unsigned char *part, size_t rows,
                      size_t lo, size_t n, size_t all, size_t es, bool in) {
  for (size_t r = 0; r < rows; r++) {
    unsigned char *w = whole + (r * all + lo) * es, *p = part + r * n * es;
    memcpy(in ? w : p, in ? p : w, n * es);
  }
}

/* A local entry's data as the file holds it (delays by age, bools as
 * bytes 0/1) into out. */
static void export_local(const adex__state_entry *e, unsigned char *out) {
  if (e->delay != NULL) {
    adex_delay_export(e->delay, (double *)(void *)out);
  } else if (e->dtype == ADEX_DTYPE_BOOL) {
    const unsigned char *v = e->var;
    for (size_t j = 0; j < e->count; j++) out[j] = v[j] != 0;
  } else {
    memcpy(out, e->var, bytes_of(e, e->count));
  }
}

/* Bytes of this rank's part of a cut entry in the gathered buffer: its
 * elements (padded to whole doubles), after their count and places where
 * the entry is cut by places. */
static size_t part_bytes(const adex__state_entry *e) {
  size_t b = pad8(bytes_of(e, e->count));
  return e->cut_pos != NULL ? b + 8 * (1 + e->count) : b;
}

/* This rank's part of a cut entry at out (part_bytes of it). */
static void pack_part(const adex__state_entry *e, unsigned char *out) {
  if (e->cut_pos != NULL) {
    uint64_t n = e->count;
    memcpy(out, &n, 8);
    for (size_t q = 0; q < e->count; q++) {
      uint64_t x = e->cut_pos[q];
      memcpy(out + 8 * (1 + q), &x, 8);
    }
    out += 8 * (1 + e->count);
  }
  export_local(e, out);
}

/* Rank 0: one rank's part of an entry cut by places (count, places,
 * values; at most `room` bytes) into the whole x; *used its bytes. */
static adex_status unpack_places(const adex__state *s, adex__state_entry *x,
                                 const unsigned char *in, size_t room,
                                 size_t *used) {
  uint64_t n = 0;
  size_t es = adex_dtype_size(x->dtype);
  if (room >= 8) memcpy(&n, in, 8);
  if (room < 8 || n > room / 8 || 8 * (1 + n) + pad8(n * es) > room)
    return adex__state_fail(s, ADEX_EIO, "key '%s': a rank's part is short",
                            x->key);
  const unsigned char *v = in + 8 * (1 + n);
  for (size_t q = 0; q < n; q++) {
    uint64_t at;
    memcpy(&at, in + 8 * (1 + q), 8);
    if (at >= x->count)
      return adex__state_fail(s, ADEX_EIO, "key '%s': place %llu of %zu",
                              x->key, (unsigned long long)at, x->count);
    memcpy((unsigned char *)x->var + at * es, v + q * es, es);
  }
  *used = 8 * (1 + n) + pad8(n * es);
  return ADEX_OK;
}

/* The whole network's table w (initialized, empty) like s (this rank's),
 * every cut entry widened to its whole extent, each pointing into one
 * scratch block. */
static adex_status widen(const adex__state *s, adex__state *w,
                         unsigned char **block, size_t *size) {
  *block = NULL;
  *size = 0;
  for (size_t i = 0; i < s->n; i++) {
    const adex__state_entry *e = &s->e[i];
    if (e->cut_all > 0 && e->shape[e->ndim - 1] != e->cut_n)
      return adex__state_fail(s, ADEX_ENOTSUP,
                              "key '%s': a population part of several "
                              "dimensions is not written on several ranks",
                              e->key);
    adex__state_entry *x = adex__state_add(w);
    if (x == NULL) return ADEX_ENOMEM;
    *x = *e;
    x->delay = NULL;
    x->found = false;
    if (e->cut_all > 0) {
      x->shape[x->ndim - 1] = e->cut_all;
      x->count = 1;
      for (size_t d = 0; d < x->ndim; d++) x->count *= x->shape[d];
    }
    *size += adex__align_up(bytes_of(x, x->count));
  }
  if (*size > 0 && (*block = adex__alloc(w->alloc, *size)) == NULL)
    return adex__state_fail(s, ADEX_ENOMEM,
                            "out of memory for the whole state "
                            "(%zu bytes)",
                            *size);
  for (size_t i = 0, off = 0; i < w->n; i++) {
    w->e[i].var = *block + off;
    off += adex__align_up(bytes_of(&w->e[i], w->e[i].count));
  }
  return ADEX_OK;
}

/* Rank 0: the gathered parts of the cut entries (rank by rank, each the
 * concatenation of its parts) into the whole table, and its own copy of
 * the replicated ones. */
static adex_status assemble(const adex_net *net, const adex__state *s,
                            adex__state *w, unsigned char *recv,
                            const size_t *counts) {
  size_t at = 0;
  for (int r = 0; r < net->nranks; r++) {
    size_t end = at + counts[r];
    for (size_t i = 0; i < w->n; i++) {
      adex__state_entry *x = &w->e[i];
      if (x->cut_all == 0) continue;
      if (x->cut_pos != NULL) {
        size_t used = 0;
        adex_status st = unpack_places(s, x, recv + at, end - at, &used);
        if (st != ADEX_OK) return st;
        at += used;
        continue;
      }
      size_t lo, hi, all = x->cut_all, es = adex_dtype_size(x->dtype);
      adex_comm_block(all, net->nranks, r, &lo, &hi);
      size_t rows = x->count / all, n = (hi - lo) * rows * es;
      if (pad8(n) > end - at)
        return adex__state_fail(s, ADEX_EIO, "rank %d sent %zu bytes, short", r,
                                counts[r]);
      copy_cols(x->var, recv + at, rows, lo, hi - lo, all, es, true);
      at += pad8(n);
    }
    if (at != end)
      return adex__state_fail(s, ADEX_EIO, "rank %d sent %zu bytes, too many",
                              r, counts[r]);
  }
  for (size_t i = 0; i < w->n; i++)
    if (w->e[i].cut_all == 0) export_local(&s->e[i], w->e[i].var);
  return ADEX_OK;
}

/* Save on several ranks: every rank sends its parts of the cut entries to
 * rank 0, which writes the whole network's file. */
static adex_status save_parts(adex_net *net, adex__state *s,
                              adex_state_format format, adex_status st) {
  const adex_comm *c = net->comm;
  bool root = net->rank == 0;
  adex__state w;
  unsigned char *block = NULL, *send = NULL, *recv = NULL;
  size_t size = 0, nsend = 0, nrecv = 0;
  adex__state_init(&w, s->filename, s->alloc);
  if (st == ADEX_OK && root) st = widen(s, &w, &block, &size);
  size_t R = (size_t)net->nranks;
  for (size_t i = 0; i < s->n; i++)
    if (s->e[i].cut_all > 0) nsend += part_bytes(&s->e[i]);
  for (size_t i = 0; root && st == ADEX_OK && i < w.n; i++)
    if (w.e[i].cut_all > 0)
      nrecv += bytes_of(&w.e[i], w.e[i].count) + 8 * R +
               (w.e[i].cut_pos != NULL ? 8 * (R + w.e[i].count) : 0);
  if (st == ADEX_OK && (send = adex__alloc(s->alloc, nsend + 1)) == NULL)
    st = adex__state_fail(s, ADEX_ENOMEM, "out of memory");
  if (st == ADEX_OK && root &&
      (recv = adex__alloc(s->alloc, nrecv + 1)) == NULL)
    st = adex__state_fail(s, ADEX_ENOMEM, "out of memory");
  for (size_t i = 0, off = 0; st == ADEX_OK && i < s->n; i++)
    if (s->e[i].cut_all > 0) {
      pack_part(&s->e[i], send + off);
      off += part_bytes(&s->e[i]);
    }
  st = agree(net, st); /* all ranks meet the gather, or none */
  if (st == ADEX_OK && c->gather_bytes(c->ctx, send, nsend, recv, nrecv + 1,
                                       net->xcounts, 0) != 0)
    st = adex__state_fail(s, ADEX_EIO, "gathering the ranks' state failed");
  if (st == ADEX_OK && root) st = assemble(net, s, &w, recv, net->xcounts);
  if (st == ADEX_OK && root) st = adex__state_save(&w, format);
  st = agree(net, st);
  adex__free(s->alloc, recv, nrecv + 1);
  adex__free(s->alloc, send, nsend + 1);
  adex__free(w.alloc, block, size);
  adex__state_free(&w);
  return st;
}

/* Load on several ranks: every rank reads the whole file into scratch
 * (checking it all), and only when every rank has, takes its part. */
static adex_status load_parts(adex_net *net, adex__state *s,
                              adex_state_format format, int verbose, FILE *log,
                              adex_status st) {
  bool root = net->rank == 0;
  adex__state w;
  unsigned char *block = NULL, *tmp = NULL;
  size_t size = 0, ntmp = 1;
  adex__state_init(&w, s->filename, s->alloc);
  if (st == ADEX_OK) st = widen(s, &w, &block, &size);
  for (size_t i = 0; i < s->n; i++)
    if (s->e[i].delay != NULL && bytes_of(&s->e[i], s->e[i].count) > ntmp)
      ntmp = bytes_of(&s->e[i], s->e[i].count);
  if (st == ADEX_OK && (tmp = adex__alloc(s->alloc, ntmp)) == NULL)
    st = adex__state_fail(s, ADEX_ENOMEM, "out of memory");
  if (st == ADEX_OK) /* the messages once, from rank 0 */
    st = adex__state_load(&w, format, root ? verbose : 0, root ? log : NULL,
                          NULL);
  st = agree(net, st);
  for (size_t i = 0; st == ADEX_OK && i < s->n; i++) {
    adex__state_entry *e = &s->e[i], *x = &w.e[i];
    if (!x->found) continue;
    size_t lo, n, all = x->shape[x->ndim - 1], es = adex_dtype_size(e->dtype);
    part_of(e, &lo, &n);
    size_t rows = all > 0 ? x->count / all : 0;
    unsigned char *to = e->delay != NULL ? tmp : e->var;
    if (e->cut_pos != NULL)
      for (size_t q = 0; q < e->count; q++)
        memcpy(to + q * es, (unsigned char *)x->var + e->cut_pos[q] * es, es);
    else
      copy_cols(x->var, to, rows, lo, n, all, es, false);
    if (e->delay != NULL) adex_delay_import(e->delay, (double *)(void *)tmp);
  }
  adex__free(s->alloc, tmp, ntmp);
  adex__free(w.alloc, block, size);
  adex__state_free(&w);
  return st;
}

static adex_status finish(adex_net *net, adex_status st) {
  if (st != ADEX_OK) {
    snprintf(net->errmsg, sizeof net->errmsg, "%s", adex_errmsg());
    return st;
  }
  adex__clear_error();
  return ADEX_OK;
}

/* Check, agreed by every rank. */
static adex_status start(adex_net *net, const char *filename,
                         adex_state_format *format) {
  adex_status st = begin(net, filename, format);
  return net != NULL && net->comm != NULL ? agree(net, st) : st;
}

adex_status adex_net_save_states(adex_net *net, const char *filename) {
  adex_state_format format;
  adex_status st = start(net, filename, &format);
  if (st != ADEX_OK) return net != NULL ? finish(net, st) : st;
  /* the rings as alone: every spike of the steps before the last
   * delivered (those of the last are in the spike flags) */
  st = agree(net, adex__net_exchange_flush(net));
  if (st != ADEX_OK) return finish(net, st);
  for (size_t g = 0; g < net->ngroups; g++)
    net->groups[g].cursor_saved = (double)net->groups[g].cursor;
  net->k_saved = (double)net->k;
  net->t0_saved = net->t0;
  syn_places *places = NULL;
  if (net->comm != NULL) st = find_places(net, &places);
  adex__state s;
  adex__state_init(&s, filename, adex_allocator_default());
  if (st == ADEX_OK) st = build(net, filename, &s, places);
  if (net->comm != NULL)
    st = save_parts(net, &s, format, st);
  else if (st == ADEX_OK)
    st = adex__state_save(&s, format);
  adex__state_free(&s);
  free_places(net, places);
  return finish(net, st);
}

adex_status adex_net_load_states(adex_net *net, const char *filename,
                                 int verbose, FILE *log) {
  adex_state_format format;
  adex_status st = start(net, filename, &format);
  if (st != ADEX_OK) return net != NULL ? finish(net, st) : st;
  for (size_t g = 0; g < net->ngroups; g++)
    net->groups[g].cursor_saved = (double)net->groups[g].cursor;
  net->k_saved = (double)net->k;
  net->t0_saved = net->t0;
  syn_places *places = NULL;
  if (net->comm != NULL) st = find_places(net, &places);
  adex__state s;
  adex__state_init(&s, filename, adex_allocator_default());
  if (st == ADEX_OK) st = build(net, filename, &s, places);
  if (net->comm != NULL)
    st = load_parts(net, &s, format, verbose, log, st);
  else if (st == ADEX_OK)
    st = adex__state_load(&s, format, verbose, log, NULL);
  adex__state_free(&s);
  free_places(net, places);
  if (st == ADEX_OK) {
    /* whole counts (the value check kept them within range) */
    for (size_t g = 0; g < net->ngroups; g++)
      net->groups[g].cursor =
          (size_t)floor(fmax(net->groups[g].cursor_saved, 0.0));
    net->k = (uint64_t)floor(fmax(net->k_saved, 0.0));
    adex__net_set_origin(net, net->t0_saved);
    /* the file's spike flags are the last step's: the next step sends
     * them; what was pending belongs to the state replaced */
    net->npend = 0;
    for (size_t g = 0; g < net->ngroups; g++)
      if (net->groups[g].exchanged) {
        net->groups[g].nbatch = 0;
        net->groups[g].nspk = 0;
      }
  }
  return finish(net, st);
}
