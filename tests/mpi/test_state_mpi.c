/* test_state_mpi.c - state files of a network spread over 1 to 4 ranks,
 * run by mpirun. The network: two AdExIF populations of sizes that do not
 * divide among the ranks (one with a registered delay), a Poisson and a
 * spike-time source, one projection of every model but STP, all with
 * delays of 3 steps and more (so the spikes are exchanged in batches and
 * some are pending at the save). For .h5 and .npz:
 *   - saved on R ranks after K steps, the file is byte for byte the one
 *     the network alone writes after K steps;
 *   - the network on R ranks continued after its save, the network alone
 *     loaded from the R ranks' file, and the network on R ranks loaded
 *     from the file alone or from its own, each run N steps, give the V
 *     and spikes of the uninterrupted run alone, bit for bit; a network
 *     on R ranks that loads nothing does not (the check can fail).
 * The same with STP projections (per-synapse state, placed in the order of
 * the network alone) from every kind of connector. Then a save into a
 * missing directory and a load of a missing file fail with one status on
 * every rank.
 * Prints one line per failure; exit status non-zero on any rank's. */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "adex/adex.h"
#include "adex/comm.h"
#include "adex/pop_delays.h"
#include "comm_mpi.h"
#include "mpi_fixture.h"

#define K                                                                      \
  104        /* steps before the save: with 3 steps between exchanges,
                  those of steps 101 and 102 (16 spikes) are pending */
#define N 60 /* steps after */
#define NPOP 2

static const size_t sizes[NPOP] = {37, 29};
static const char *const pop_names[NPOP] = {"E", "I"};

/* This rank's block of population p (comm; NULL: the whole), E with a
 * registered delay. */
static adex_pop *make_pop(const adex_comm *comm, size_t p) {
  adex_pop *pop = fx_pop(
      comm, sizes[p],
      &(fx_pop_opts){pop_names[p], p == 0 ? 2.0 : 0.0, 0.0, 1, 21 + p, NULL});
  if (pop != NULL && p == 0)
    CHECK(adex_pop_register_delay(pop, "V_hist", 2, NULL, "V", NULL) ==
          ADEX_OK);
  return pop;
}

/* STP's state is the same for every synapse of a pre neuron unless it
 * starts otherwise: give every synapse its own x (by pre and post neuron,
 * and for IJ and CSR its place given, which tells repeated pairs apart),
 * so that a synapse out of place in a file shows. */
static void distinct_stp(adex_net *net) {
  for (size_t j = 0; j < adex_net_proj_count(net); j++) {
    size_t n = 0;
    double *x = adex_net_proj_var(net, j, "u", &n) != NULL
                    ? adex_net_proj_var(net, j, "x", &n)
                    : NULL;
    if (x == NULL) continue;
    int given = strcmp(adex_net_proj_name(net, j), "P12") == 0 ||
                strcmp(adex_net_proj_name(net, j), "P13") == 0;
    size_t *pre = calloc(n + 1, 8), *post = calloc(n + 1, 8),
           *at = calloc(n + 1, 8);
    CHECK(adex_net_proj_synapses(net, j, pre, post, NULL, NULL, at) == ADEX_OK);
    for (size_t q = 0; q < n; q++)
      x[q] = 0.3 + 0.007 * (double)((pre[q] * 31 + post[q] * 7 +
                                     (given ? at[q] * 3 : 0)) %
                                    97);
    free(pre);
    free(post);
    free(at);
  }
}

/* The network on comm (NULL: alone); with an STP projection if stp. */
static void build(const adex_comm *comm, int stp, fx_net *b) {
  memset(b, 0, sizeof *b);
  b->named = true;
  CHECK(adex_net_create(0.0, 0.1, "Net", &b->net) == ADEX_OK);
  CHECK(adex_net_set_comm(b->net, comm) == ADEX_OK);
  for (size_t p = 0; p < NPOP; p++)
    fx_add_pop(b, comm, sizes[p], make_pop(comm, p));
  double f = 300.0;
  CHECK(adex_net_add_poisson(b->net, 23, &f, 1, 5, "Noise", NULL) == ADEX_OK);
  double times[4] = {1.0, 2.5, 2.5, 7.0};
  size_t idx[4] = {0, 3, 4, 3};
  CHECK(adex_net_add_spike_times(b->net, 5, times, idx, 4, "Kick", NULL) ==
        ADEX_OK);
  fx_every_model(b, false);
  fx_proj(b, ADEX_SYN_EXP_CUBA, 2, 0, adex_conn_fixed_pre_num(4, true, 13), 3.0,
          0.2, NULL, 0, NULL, 0);
  fx_proj(b, ADEX_SYN_DELTA, 3, 1, adex_conn_all2all(true), 4.0, 0.5, NULL, 0,
          NULL, 0);
  if (stp) { /* STP from every kind of connector: generated (by post
                 neuron), IJ in no order with a repeated pair, CSR rows in
                 no order, and from a source */
    static size_t si[40], sj[40], ind[29 * 3], ptr[30];
    for (size_t q = 0; q < 40; q++) {
      si[q] = (q * 13) % 37;
      sj[q] = (q * 5 + 7) % 29;
    }
    si[39] = si[3];
    sj[39] = sj[3];
    size_t m = 0;
    for (size_t i = 0; i < 29; i++) {
      ptr[i] = m;
      for (size_t r = 0; r < i % 4; r++) ind[m++] = (36 - 5 * i - 3 * r) % 37;
    }
    ptr[29] = m;
    fx_proj(b, ADEX_SYN_STP, 0, 0, adex_conn_fixed_prob(0.2, false, 14), 1.0, 0,
            NULL, 0, NULL, 0);
    fx_proj(b, ADEX_SYN_STP, 0, 1, adex_conn_ij(si, sj, 40), 2.0, 0, NULL, 0,
            NULL, 0);
    fx_proj(b, ADEX_SYN_STP, 1, 0, adex_conn_csr(ind, ptr), 2.0, 0, NULL, 0,
            NULL, 0);
    fx_proj(b, ADEX_SYN_STP, 2, 1, adex_conn_fixed_pre_num(3, true, 15), 1.0, 0,
            NULL, 0, NULL, 0);
  }
  adex_status st = adex_net_plan(b->net);
  if (st != ADEX_OK)
    fprintf(stderr, "rank %d: plan: %s\n", fx_me, adex_net_errmsg(b->net));
  CHECK(st == ADEX_OK);
  if (stp) distinct_stp(b->net);
}

/* V and spikes of each population over some steps (this rank's part). */
typedef struct rec {
  double *out[2 * NPOP]; /* steps x width; spikes as bytes */
  size_t width[2 * NPOP];
} rec;

/* Run `steps` steps with the same constant inputs every time; record
 * them when r is not NULL. */
static void run(fx_net *b, size_t steps, rec *r) {
  adex_net_monitor mon[2 * NPOP];
  adex_net_input in[NPOP];
  char keys[2 * NPOP][32];
  for (size_t p = 0; p < NPOP; p++) {
    in[p] = (adex_net_input){p, "input", '+', {0}};
    in[p].in.kind = ADEX_RUN_INPUT_SCALAR;
    in[p].in.value = 20.0 + 3.0 * (double)p;
    size_t lo, n;
    adex_net_pop_part(b->net, p, &lo, &n);
    for (size_t v = 0; r != NULL && v < 2; v++) {
      size_t m = 2 * p + v;
      snprintf(keys[m], sizeof keys[m], "%s.%s", pop_names[p],
               v ? "spike" : "V");
      r->width[m] = n;
      r->out[m] = calloc(steps * n + 1, 8);
      mon[m] = (adex_net_monitor){
          keys[m], NULL, 0, v ? ADEX_DTYPE_BOOL : ADEX_DTYPE_F64, r->out[m]};
    }
  }
  size_t done = 0;
  adex_status st = adex_net_run_io(b->net, steps, in, NPOP, mon,
                                   r != NULL ? 2 * NPOP : 0, NULL, NULL, &done);
  if (st != ADEX_OK)
    fprintf(stderr, "rank %d: run: %s\n", fx_me, adex_net_errmsg(b->net));
  CHECK(st == ADEX_OK && done == steps);
}

static void free_rec(rec *r) {
  for (size_t m = 0; m < 2 * NPOP; m++) free(r->out[m]);
}

/* Whether every rank's part of r, gathered to rank 0, is the whole ref
 * there (collective; the answer on every rank). */
static int same_as(const adex_comm *c, const rec *r, const rec *ref) {
  int64_t bad = 0;
  size_t *counts = calloc((size_t)c->size, sizeof *counts);
  for (size_t m = 0; m < 2 * NPOP; m++) {
    size_t elem = m % 2 ? 1 : 8, n = N * r->width[m] * elem;
    size_t cap = N * sizes[m / 2] * elem + 1;
    char *all = fx_me == 0 ? malloc(cap) : NULL;
    CHECK(c->gather_bytes(c->ctx, r->out[m], n, all, cap, counts, 0) == 0);
    if (fx_me == 0) {
      size_t at = 0, col = 0, wn = sizes[m / 2];
      for (int q = 0; q < c->size; q++) {
        size_t nr = counts[q] / (N * elem);
        for (size_t k = 0; k < N; k++)
          bad += memcmp(all + at + k * nr * elem,
                        (char *)ref->out[m] + (k * wn + col) * elem,
                        nr * elem) != 0;
        at += counts[q];
        col += nr;
      }
      bad += col != wn;
    }
    free(all);
  }
  free(counts);
  c->max_i64(c->ctx, &bad, 1);
  return bad == 0;
}

/* Whether two files hold the same bytes. */
static int same_file(const char *a, const char *b) {
  FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
  int same = fa != NULL && fb != NULL;
  while (same) {
    int x = fgetc(fa), y = fgetc(fb);
    same = x == y;
    if (x == EOF) break;
  }
  if (fa) fclose(fa);
  if (fb) fclose(fb);
  return same;
}

/* Every rank's status is st. */
static int agreed(const adex_comm *c, adex_status st) {
  int64_t v[2] = {st, -(int64_t)st};
  c->max_i64(c->ctx, v, 2);
  return v[0] == st && -v[1] == st;
}

static void load(fx_net *b, const char *file) {
  adex_status st = adex_net_load_states(b->net, file, 0, NULL);
  if (st != ADEX_OK)
    fprintf(stderr, "rank %d: load %s: %s\n", fx_me, file,
            adex_net_errmsg(b->net));
  CHECK(st == ADEX_OK);
}

static void one_format(const adex_comm *c, const char *dir, const char *ext,
                       int stp) {
  char alone[512], parts[512];
  snprintf(alone, sizeof alone, "%s/alone%d.%s", dir, stp, ext);
  snprintf(parts, sizeof parts, "%s/parts%d.%s", dir, stp, ext);
  fx_net b;
  rec ref, r;
  memset(&ref, 0, sizeof ref);
  /* the reference, alone: K steps, saved, N more */
  if (fx_me == 0) {
    build(NULL, stp, &b);
    run(&b, K, NULL);
    CHECK(adex_net_save_states(b.net, alone) == ADEX_OK);
    run(&b, N, &ref);
    fx_destroy(&b);
    size_t spikes = 0;
    for (size_t p = 0; p < NPOP; p++)
      for (size_t q = 0; q < N * sizes[p]; q++)
        spikes += ((unsigned char *)ref.out[2 * p + 1])[q];
    printf("%s%s: %zu spikes in the %d steps after the save\n", ext,
           stp ? " with STP" : "", spikes, N);
    CHECK(spikes > 20);
  }
  int64_t sync = 0;
  c->max_i64(c->ctx, &sync, 1); /* the file alone is written */
  /* on R ranks: K steps, saved, N more (the save changes no bit) */
  build(c, stp, &b);
  run(&b, K, NULL);
  if (fx_me == 0)
    printf("%s: %zu steps between exchanges, %d steps pending at the save\n",
           ext, adex_net_sync_steps(b.net),
           (int)(K % adex_net_sync_steps(b.net)));
  adex_status st = adex_net_save_states(b.net, parts);
  if (st != ADEX_OK)
    fprintf(stderr, "rank %d: save: %s\n", fx_me, adex_errmsg());
  CHECK(st == ADEX_OK);
  run(&b, N, &r);
  CHECK(same_as(c, &r, &ref));
  free_rec(&r);
  fx_destroy(&b);
  /* the file is the one alone, byte for byte */
  if (fx_me == 0) CHECK(same_file(alone, parts));
  /* alone, from the ranks' file */
  if (fx_me == 0) {
    build(NULL, stp, &b);
    load(&b, parts);
    run(&b, N, &r);
    for (size_t m = 0; m < 2 * NPOP; m++)
      CHECK(memcmp(r.out[m], ref.out[m], N * r.width[m] * (m % 2 ? 1 : 8)) ==
            0);
    free_rec(&r);
    fx_destroy(&b);
  }
  /* on R ranks, from the file alone and from the ranks' */
  for (int from = 0; from < 2; from++) {
    build(c, stp, &b);
    load(&b, from ? parts : alone);
    CHECK(adex_net_steps_done(b.net) == K);
    run(&b, N, &r);
    CHECK(same_as(c, &r, &ref));
    free_rec(&r);
    fx_destroy(&b);
  }
  /* loading nothing differs: the comparison can fail */
  build(c, stp, &b);
  run(&b, N, &r);
  CHECK(!same_as(c, &r, &ref));
  free_rec(&r);
  fx_destroy(&b);
  if (fx_me == 0) free_rec(&ref);
}

/* What fails does so on every rank, with one status. */
static void failures_agreed(const adex_comm *c, const char *dir) {
  fx_net b;
  char file[512];
  build(c, 0, &b);
  run(&b, 5, NULL);
  snprintf(file, sizeof file, "%s/no/such/dir/x.npz", dir);
  adex_status st = adex_net_save_states(b.net, file);
  CHECK(st == ADEX_EIO);
  CHECK(agreed(c, st));
  st = adex_net_load_states(b.net, file, 0, NULL);
  CHECK(st == ADEX_EIO);
  CHECK(agreed(c, st));
  CHECK(adex_net_steps_done(b.net) == 5);
  fx_destroy(&b);
}

int main(int argc, char **argv) {
  adex_comm comm;
  if (adex_comm_mpi_init(&argc, &argv, &comm) != 0) {
    fprintf(stderr, "MPI_Init failed\n");
    return 1;
  }
  fx_me = comm.rank;
  /* one scratch directory, made by rank 0 */
  char dir[256] = "";
  if (fx_me == 0) {
    snprintf(dir, sizeof dir, "/tmp/adex_state_mpi_XXXXXX");
    if (mkdtemp(dir) == NULL) dir[0] = '\0';
  }
  comm.bcast(comm.ctx, dir, sizeof dir, 0);
  CHECK(dir[0] != '\0');
  if (dir[0] != '\0') {
    for (int stp = 0; stp < 2; stp++) {
      one_format(&comm, dir, "h5", stp);
      one_format(&comm, dir, "npz", stp);
    }
    failures_agreed(&comm, dir);
  }
  int64_t bad = fx_failures;
  comm.max_i64(comm.ctx, &bad, 1);
  if (fx_me == 0) {
    const char *names[] = {"alone", "parts"}, *exts[] = {"h5", "npz"};
    char path[512];
    for (size_t i = 0; i < 8; i++) {
      snprintf(path, sizeof path, "%s/%s%zu.%s", dir, names[i % 2], i / 4,
               exts[i / 2 % 2]);
      unlink(path);
    }
    rmdir(dir);
    printf("state files over %d rank%s: %s\n", comm.size,
           comm.size == 1 ? "" : "s", bad ? "FAILED" : "ok");
  }
  adex_comm_mpi_finalize(&comm);
  return bad != 0;
}
