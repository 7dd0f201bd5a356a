/* test_net_mpi.c - a network spread over 1 to 4 ranks (adex_net_set_comm)
 * against the same network alone, run by mpirun. Every rank builds each
 * network twice: alone (the reference, whole) and as its part of the
 * distributed one; both run the same steps, recording V, spikes and the
 * projections' state; rank 0 gathers the parts and compares them, bit
 * for bit, with its reference, and the synapses (pre, post, weight,
 * delay) with the reference's. The networks: COBA-AdEx (the split step,
 * on 1 and 2 threads), one projection of every synapse model with
 * per-synapse and per-pre delays and weights (spikes exchanged every 3
 * steps), a Poisson- and spike-time-driven population with noise (the
 * general path), all of sizes that do not divide evenly among the ranks.
 * Then a rank whose update fails: every rank's step fails, none hangs.
 * Prints one line per failure; exit status non-zero on any rank's. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adex/adex.h"
#include "adex/comm.h"
#include "comm_mpi.h"
#include "mpi_fixture.h"

#define STEPS 300

/* A population of `total` neurons (this rank's part on comm). */
static adex_pop *make_pop(const adex_comm *comm, size_t total, double tau_ref,
                          double noise, int threads, uint64_t seed) {
  return fx_pop(comm, total,
                &(fx_pop_opts){NULL, tau_ref, noise, threads, seed, NULL});
}

/* Network `which` on comm (NULL: alone). */
static void build(int which, const adex_comm *comm, int threads, fx_net *b) {
  memset(b, 0, sizeof *b);
  CHECK(adex_net_create(0.0, 0.1, NULL, &b->net) == ADEX_OK);
  CHECK(adex_net_set_comm(b->net, comm) == ADEX_OK);
  if (which == 0) { /* COBA-AdEx, small */
    fx_add_pop(b, comm, 403, make_pop(comm, 403, 5.0, 0.0, threads, 11));
    fx_add_pop(b, comm, 101, make_pop(comm, 101, 5.0, 0.0, threads, 12));
    fx_proj(b, ADEX_SYN_EXP_COBA, 0, 0, adex_conn_fixed_prob(0.1, false, 1),
            0.6, 0, NULL, 0, NULL, 0);
    fx_proj(b, ADEX_SYN_EXP_COBA, 0, 1, adex_conn_fixed_prob(0.1, true, 2), 0.6,
            0, NULL, 0, NULL, 0);
    fx_proj(b, ADEX_SYN_EXP_COBA, 1, 0, adex_conn_fixed_prob(0.1, true, 3), 6.7,
            0, NULL, 0, NULL, 0);
    fx_proj(b, ADEX_SYN_EXP_COBA, 1, 1, adex_conn_fixed_prob(0.1, false, 4),
            6.7, 0, NULL, 0, NULL, 0);
  } else if (which == 1) { /* every model, delays of 3 steps and more */
    fx_add_pop(b, comm, 37, make_pop(comm, 37, 2.0, 0.0, threads, 21));
    fx_add_pop(b, comm, 29, make_pop(comm, 29, 0.0, 0.0, threads, 22));
    fx_every_model(b, true);
  } else if (which == 2) { /* sources, noise, STP (exchange every step) */
    fx_add_pop(b, comm, 53, make_pop(comm, 53, 1.0, 0.8, threads, 31));
    double f = 400.0;
    CHECK(adex_net_add_poisson(b->net, 40, &f, 1, 5, NULL, NULL) == ADEX_OK);
    double times[4] = {1.0, 2.5, 2.5, 7.0};
    size_t idx[4] = {0, 3, 4, 3};
    CHECK(adex_net_add_spike_times(b->net, 5, times, idx, 4, NULL, NULL) ==
          ADEX_OK);
    fx_proj(b, ADEX_SYN_EXP_CUBA, 1, 0, adex_conn_fixed_pre_num(4, true, 13),
            3.0, 0.2, NULL, 0, NULL, 0);
    fx_proj(b, ADEX_SYN_DELTA, 2, 0, adex_conn_all2all(true), 4.0, 0, NULL, 0,
            NULL, 0);
    fx_proj(b, ADEX_SYN_STP, 0, 0, adex_conn_fixed_prob(0.2, false, 14), 1.0, 0,
            NULL, 0, NULL, 0);
  }
  adex_status st = adex_net_plan(b->net);
  if (st != ADEX_OK)
    fprintf(stderr, "rank %d: plan: %s\n", fx_me, adex_net_errmsg(b->net));
  CHECK(st == ADEX_OK);
}

/* What is recorded: per population V and spike, per projection with a
 * per-post or per-pre g, g. */
typedef struct rec {
  size_t n; /* monitors */
  char keys[16][64];
  double *out[16]; /* steps x width (spikes as 0/1 bytes in doubles) */
  size_t width[16];
  int post_side[16]; /* rows are per post neuron of a population (cut
                           by ranks), else replicated */
  size_t pop_of[16]; /* the population whose block cuts the row */
} rec;

static void run(fx_net *b, rec *r) {
  adex_net_monitor mon[16];
  adex_net_input in[FX_MAXP];
  memset(r, 0, sizeof *r);
  size_t nin = 0;
  for (size_t p = 0; p < b->npops; p++) {
    const char *name = adex_net_pop_name(b->net, p);
    size_t lo, n;
    adex_net_pop_part(b->net, p, &lo, &n);
    for (int v = 0; v < 2; v++) {
      snprintf(r->keys[r->n], 64, "%s.%s", name, v ? "spike" : "V");
      r->width[r->n] = n;
      r->post_side[r->n] = 1;
      r->pop_of[r->n] = p;
      r->n++;
    }
    in[nin] = (adex_net_input){p, "input", '+', {0}};
    in[nin].in.kind = ADEX_RUN_INPUT_SCALAR;
    in[nin].in.value = 20.0 + 3.0 * (double)p;
    nin++;
  }
  for (size_t j = 0; j < adex_net_proj_count(b->net) && r->n < 16; j++) {
    size_t len = 0;
    if (adex_net_proj_var(b->net, j, "g", &len) == NULL) continue;
    const char *name = adex_net_proj_name(b->net, j);
    snprintf(r->keys[r->n], 64, "%s.g", name);
    r->width[r->n] = len;
    r->n++;
  }
  for (size_t m = 0; m < r->n; m++) {
    r->out[m] = calloc(STEPS * (r->width[m] ? r->width[m] : 1), 8);
    mon[m] = (adex_net_monitor){r->keys[m], NULL, 0, ADEX_DTYPE_F64, r->out[m]};
    if (strstr(r->keys[m], ".spike") != NULL) mon[m].dtype = ADEX_DTYPE_BOOL;
  }
  size_t done = 0;
  adex_status st =
      adex_net_run_io(b->net, STEPS, in, nin, mon, r->n, NULL, NULL, &done);
  if (st != ADEX_OK)
    fprintf(stderr, "rank %d: run: %s\n", fx_me, adex_net_errmsg(b->net));
  CHECK(st == ADEX_OK && done == STEPS);
}

static void free_rec(rec *r) {
  for (size_t m = 0; m < r->n; m++) free(r->out[m]);
}

/* Gather this rank's bytes to rank 0; returns the buffer there (counts in
 * counts[]), NULL elsewhere. */
static char *gather(const adex_comm *c, const void *buf, size_t n,
                    size_t *counts) {
  int64_t most = (int64_t)n;
  c->max_i64(c->ctx, &most, 1);
  size_t cap = (size_t)most * (size_t)c->size + 1;
  char *all = fx_me == 0 ? malloc(cap) : NULL;
  CHECK(c->gather_bytes(c->ctx, buf, n, all, cap, counts, 0) == 0);
  return all;
}

/* One network: distributed (on comm) against alone, compared on rank 0. */
static void compare(const adex_comm *c, int which, int threads) {
  fx_net whole, part;
  rec rw, rp;
  build(which, NULL, threads, &whole);
  build(which, c, threads, &part);
  run(&whole, &rw);
  run(&part, &rp);
  CHECK(rw.n == rp.n);
  size_t *counts = calloc((size_t)c->size, sizeof *counts);
  for (size_t m = 0; m < rp.n && m < rw.n; m++) {
    size_t elem = strstr(rp.keys[m], ".spike") ? 1 : 8;
    size_t wn = rw.width[m], pn = rp.width[m];
    /* populations' rows and per-post g are cut by ranks, per-pre g is
     * whole on every rank */
    int cut = rp.post_side[m] == 1 || pn != wn;
    char *all = gather(c, rp.out[m], STEPS * pn * elem, counts);
    if (fx_me != 0) continue;
    if (!cut) { /* replicated: rank 0's own must equal the whole */
      CHECK(memcmp(rp.out[m], rw.out[m], STEPS * wn * elem) == 0);
    } else {
      size_t at = 0, col = 0, bad = 0;
      for (int r = 0; r < c->size; r++) {
        size_t nr = counts[r] / (STEPS * elem);
        for (size_t k = 0; k < STEPS; k++)
          bad +=
              memcmp(all + at + k * nr * elem,
                     (char *)rw.out[m] + (k * wn + col) * elem, nr * elem) != 0;
        at += counts[r];
        col += nr;
      }
      CHECK(col == wn);
      if (bad)
        fprintf(stderr, "net %d, %s: %zu rows differ on %d ranks\n", which,
                rp.keys[m], bad, c->size);
      CHECK(bad == 0);
    }
    free(all);
  }
  /* the network did something: spikes */
  if (fx_me == 0) {
    size_t spikes = 0;
    for (size_t m = 0; m < rw.n; m++)
      if (strstr(rw.keys[m], ".spike"))
        for (size_t q = 0; q < STEPS * rw.width[m]; q++)
          spikes += ((unsigned char *)rw.out[m])[q];
    CHECK(spikes > 20);
    printf("net %d, %d thread%s: %zu spikes alone, same on %d rank%s, "
           "exchange every %zu steps\n",
           which, threads, threads == 1 ? "" : "s", spikes, c->size,
           c->size == 1 ? "" : "s", adex_net_sync_steps(part.net));
  }
  /* the synapses: every rank's, in order, are the whole one's */
  for (size_t j = 0; j < adex_net_proj_count(part.net); j++) {
    size_t ns = adex_net_proj_nsyn(part.net, j),
           nw = adex_net_proj_nsyn(whole.net, j);
    double *mine = calloc(5 * (ns ? ns : 1), sizeof *mine);
    size_t *pre = calloc(ns + 1, sizeof *pre), *post = calloc(ns + 1, 8),
           *given = calloc(ns + 1, 8);
    double *w = calloc(ns + 1, 8), *d = calloc(ns + 1, 8);
    CHECK(adex_net_proj_synapses(part.net, j, pre, post, w, d, given) ==
          ADEX_OK);
    for (size_t s = 0; s < ns; s++) {
      mine[5 * s] = (double)pre[s];
      mine[5 * s + 1] = (double)post[s];
      mine[5 * s + 2] = w[s];
      mine[5 * s + 3] = d[s];
      mine[5 * s + 4] = (double)given[s];
    }
    char *all = gather(c, mine, 5 * ns * sizeof *mine, counts);
    if (fx_me == 0) {
      size_t total = 0;
      for (int r = 0; r < c->size; r++) total += counts[r] / (5 * 8);
      CHECK(total == nw);
      size_t *wp = calloc(nw + 1, 8), *wq = calloc(nw + 1, 8),
             *wg = calloc(nw + 1, 8);
      double *ww = calloc(nw + 1, 8), *wd = calloc(nw + 1, 8);
      adex_net_proj_synapses(whole.net, j, wp, wq, ww, wd, wg);
      /* every gathered synapse is the whole's synapse with its key
       * (pre, post, and its position among equal pairs) */
      const double *x = (const double *)all;
      size_t bad = 0;
      for (size_t q = 0; q < total && total == nw; q++) {
        size_t i = (size_t)x[5 * q], jj = (size_t)x[5 * q + 1];
        int found = 0;
        for (size_t s = 0; s < nw && !found; s++)
          found = wp[s] == i && wq[s] == jj && ww[s] == x[5 * q + 2] &&
                  wd[s] == x[5 * q + 3];
        bad += !found;
      }
      if (bad)
        fprintf(stderr, "net %d, %s: %zu synapses not found\n", which,
                adex_net_proj_name(part.net, j), bad);
      CHECK(bad == 0);
      free(wp);
      free(wq);
      free(wg);
      free(ww);
      free(wd);
    }
    free(all);
    free(mine);
    free(pre);
    free(post);
    free(given);
    free(w);
    free(d);
  }
  free(counts);
  free_rec(&rw);
  free_rec(&rp);
  fx_destroy(&whole);
  fx_destroy(&part);
}

/* The last neuron's tau makes euler unstable at dt 0.1: only the rank
 * that owns it fails its first update; every rank's run must fail. */
static void failing_rank(const adex_comm *c, bool lockstep) {
  static double tau[31];
  size_t lo, hi;
  adex_comm_block(31, c->size, c->rank, &lo, &hi);
  for (size_t i = 0; i < 31; i++) tau[i] = i == 30 ? 0.001 : 20.0;
  adex_init ti = adex_init_array(tau + lo, hi - lo);
  fx_net b;
  memset(&b, 0, sizeof b);
  CHECK(adex_net_create(0.0, 0.1, NULL, &b.net) == ADEX_OK);
  CHECK(adex_net_set_comm(b.net, c) == ADEX_OK);
  CHECK(adex_net_set_lockstep(b.net, lockstep) == ADEX_OK);
  adex_pop_config cfg;
  adex_pop_config_default(&cfg, hi - lo);
  cfg.first_id = lo;
  cfg.method = "euler";
  cfg.param_init[ADEX_P_TAU] = &ti;
  adex_pop *p = NULL;
  CHECK(adex_pop_create(&cfg, &p) == ADEX_OK);
  CHECK(adex_net_add_pop_part(b.net, p, 31, NULL) == ADEX_OK);
  adex_proj_config pc;
  adex_proj_config_default(&pc, ADEX_SYN_EXP_CUBA, 0, 0,
                           adex_conn_fixed_prob(0.2, true, 3));
  pc.delay = 0.5;
  CHECK(adex_net_add_proj(b.net, &pc, NULL) == ADEX_OK);
  CHECK(adex_net_plan(b.net) == ADEX_OK);
  size_t done = 0;
  adex_status st = adex_net_run(b.net, 50, NULL, NULL, &done);
  CHECK(st != ADEX_OK);
  if (c->size > 1 && hi != 31)
    CHECK(strstr(adex_net_errmsg(b.net), "rank ") != NULL);
  /* lockstep: every rank stopped in the same step (the first) */
  int64_t d[2] = {(int64_t)done, -(int64_t)done};
  c->max_i64(c->ctx, d, 2);
  if (lockstep) CHECK(d[0] == 0 && d[1] == 0);
  if (fx_me == 0)
    printf("a failing rank%s: every rank stopped after %lld to %lld steps "
           "(rank 0: \"%.60s...\")\n",
           lockstep ? " (lockstep)" : "", (long long)-d[1], (long long)d[0],
           adex_net_errmsg(b.net));
  adex_net_destroy(b.net);
  adex_pop_destroy(p);
}

int main(int argc, char **argv) {
  adex_comm comm;
  if (adex_comm_mpi_init(&argc, &argv, &comm) != 0) {
    fprintf(stderr, "MPI_Init failed\n");
    return 1;
  }
  fx_me = comm.rank;
  compare(&comm, 0, 1);
  compare(&comm, 1, 1);
  compare(&comm, 2, 1);
  failing_rank(&comm, false);
  failing_rank(&comm, true);
  /* a part that is not this rank's block is refused */
  adex_net *n = NULL;
  adex_pop *p = NULL;
  adex_pop_config cfg;
  adex_pop_config_default(&cfg, 10);
  CHECK(adex_pop_create(&cfg, &p) == ADEX_OK);
  CHECK(adex_net_create(0.0, 0.1, NULL, &n) == ADEX_OK);
  CHECK(adex_net_set_comm(n, &comm) == ADEX_OK);
  if (comm.size > 1) {
    CHECK(adex_net_add_pop_part(n, p, 10, NULL) == ADEX_ESIZE);
    CHECK(adex_net_add_pop(n, p, NULL) == ADEX_EINVAL);
  }
  adex_net_destroy(n);
  adex_pop_destroy(p);

  int64_t bad = fx_failures;
  comm.max_i64(comm.ctx, &bad, 1);
  if (fx_me == 0)
    printf("network over %d rank%s: %s\n", comm.size, comm.size == 1 ? "" : "s",
           bad ? "FAILED" : "ok");
  adex_comm_mpi_finalize(&comm);
  return bad != 0;
}
