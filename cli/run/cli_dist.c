/* cli/run/cli_dist.c - `adex run` on several processes (cli_dist.h). */
#define _POSIX_C_SOURCE 200809L
#include "cli_dist.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_args.h"
#ifdef ADEX_HAVE_MPI
#include "comm_mpi.h"
#endif

/* One registered population: this rank's block and the gathered events. */
typedef struct dist_pop {
  adex_pop *pop;
  size_t lo, n, total;
  adex_spike_event *ev; /* rank 0: this step's events of every rank */
  size_t nev, cap;
} dist_pop;

static struct {
  int on;     /* a job of more than one rank */
  int err_fd; /* this rank's real standard error (other ranks) */
  adex_comm comm;
  dist_pop *pops;
  size_t npops;
  adex_spike_event *send; /* scratch: this rank's events, global indices */
  size_t send_cap;
  double *vals;  /* scratch of cli_dist_gather: values received, */
  double *part;  /* this rank's values, */
  size_t *local; /* and their local indices (vals_cap each) */
  size_t vals_cap;
  size_t *counts; /* per rank */
  size_t *taken;
} D = {.err_fd = 2};

int cli_dist_begin(int *argc, char ***argv) {
#ifdef ADEX_HAVE_MPI
  if (!adex_comm_mpi_launched()) return 0;
  if (adex_comm_mpi_init(argc, argv, &D.comm) != 0) {
    fprintf(stderr, "adex run: MPI could not be started\n");
    return CLI_EXIT_FAILURE;
  }
  if (D.comm.size <= 1) return 0;
  D.on = 1;
  D.counts = calloc(2 * (size_t)D.comm.size, sizeof *D.counts);
  if (D.counts == NULL)
    return cli_dist_fatal(CLI_EXIT_FAILURE, "out of memory");
  D.taken = D.counts + D.comm.size;
  if (D.comm.rank != 0) { /* messages and files: rank 0's */
    fflush(stdout);
    fflush(stderr);
    D.err_fd = dup(2);
    int null = open("/dev/null", O_WRONLY);
    if (null >= 0) {
      dup2(null, 1);
      dup2(null, 2);
      close(null);
    }
  }
#else
  (void)argc;
  (void)argv;
#endif
  return 0;
}

int cli_dist_end(int status) {
#ifdef ADEX_HAVE_MPI
  if (adex_comm_mpi_launched() && D.comm.size >= 1 && D.comm.ctx != NULL) {
    if (D.on) status = cli_dist_agree(status);
    cli_dist_clear();
    free(D.counts);
    D.counts = NULL;
    fflush(stdout);
    adex_comm_mpi_finalize(&D.comm);
  }
#endif
  return status;
}

const adex_comm *cli_dist_comm(void) { return D.on ? &D.comm : NULL; }

int cli_dist_root(void) { return !D.on || D.comm.rank == 0; }

uint64_t cli_dist_sum(uint64_t v) {
  if (!D.on) return v;
  /* each rank's value as two words, gathered by all */
  size_t R = (size_t)D.comm.size;
  uint32_t mine[2] = {(uint32_t)v, (uint32_t)(v >> 32)};
  uint32_t *all = malloc(2 * R * sizeof *all);
  if (all == NULL ||
      D.comm.allgather_u32(D.comm.ctx, mine, 2, all, 2 * R, D.counts) != 0) {
    free(all);
    return (uint64_t)cli_dist_fatal(CLI_EXIT_FAILURE, "the ranks could not "
                                                      "sum a count");
  }
  uint64_t sum = 0;
  for (size_t r = 0; r < R; r++)
    sum += (uint64_t)all[2 * r] | (uint64_t)all[2 * r + 1] << 32;
  free(all);
  return sum;
}

int cli_dist_agree_rc(int rc) {
  if (!D.on) return rc;
  size_t R = (size_t)D.comm.size;
  uint32_t mine = (uint32_t)rc, *all = malloc(R * sizeof *all);
  if (all == NULL ||
      D.comm.allgather_u32(D.comm.ctx, &mine, 1, all, R, D.counts) != 0) {
    free(all);
    return cli_dist_fatal(CLI_EXIT_FAILURE, "the ranks could not agree");
  }
  int most = 0, first = -1;
  for (size_t r = 0; r < R; r++) {
    if ((int)all[r] > most) most = (int)all[r];
    if (all[r] != 0 && first < 0) first = (int)r;
  }
  free(all);
  if (first > 0 && first == D.comm.rank) /* rank 0 said nothing */
    dprintf(D.err_fd, "adex run (rank %d of %d): %s\n", D.comm.rank,
            D.comm.size, cli_last_error());
  return most;
}

int cli_dist_agree(int v) {
  if (!D.on) return v;
  int64_t x = v;
  if (D.comm.max_i64(D.comm.ctx, &x, 1) != 0)
    return cli_dist_fatal(CLI_EXIT_FAILURE, "the ranks could not agree");
  return (int)x;
}

int cli_dist_fatal(int code, const char *fmt, ...) {
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (!D.on) {
    fprintf(stderr, "adex run: %s\n", msg);
    return code;
  }
  fflush(stdout);
  fflush(stderr);
  dprintf(D.comm.rank == 0 ? 2 : D.err_fd, "adex run (rank %d of %d): %s\n",
          D.comm.rank, D.comm.size, msg);
#ifdef ADEX_HAVE_MPI
  adex_comm_mpi_abort(&D.comm, code);
#endif
  return code;
}

int cli_dist_add_pop(adex_pop *pop, size_t lo, size_t total) {
  if (!D.on) return 0;
  dist_pop *np = realloc(D.pops, (D.npops + 1) * sizeof *np);
  if (np == NULL) return cli_error("out of memory");
  D.pops = np;
  dist_pop *d = &D.pops[D.npops++];
  memset(d, 0, sizeof *d);
  d->pop = pop;
  d->lo = lo;
  d->n = adex_pop_num(pop);
  d->total = total;
  /* rank 0's room: two events per neuron (adaptive steps may hold more
   * than one spike of a neuron; more stops the run with a message) */
  d->cap = D.comm.rank == 0 ? 2 * total + 64 : 1;
  d->ev = malloc(d->cap * sizeof *d->ev);
  if (d->ev == NULL) return cli_error("out of memory (%zu neurons)", total);
  if (2 * d->n + 64 > D.send_cap) {
    free(D.send);
    D.send_cap = 2 * d->n + 64;
    D.send = malloc(D.send_cap * sizeof *D.send);
    if (D.send == NULL) return cli_error("out of memory");
  }
  return 0;
}

static dist_pop *find(const adex_pop *pop) {
  for (size_t p = 0; D.on && p < D.npops; p++)
    if (D.pops[p].pop == pop) return &D.pops[p];
  return NULL;
}

int cli_dist_step(void) {
  for (size_t p = 0; D.on && p < D.npops; p++) {
    dist_pop *d = &D.pops[p];
    const adex_spike_event *ev;
    size_t n;
    if (adex_pop_spike_events(d->pop, &ev, &n) != ADEX_OK)
      return cli_dist_fatal(CLI_EXIT_FAILURE, "%s", adex_pop_errmsg(d->pop));
    if (n > D.send_cap)
      return cli_dist_fatal(CLI_EXIT_FAILURE,
                            "%zu spike events of population %s in one step: "
                            "more than the %zu gathered",
                            n, adex_pop_name(d->pop), D.send_cap);
    for (size_t q = 0; q < n; q++)
      D.send[q] = (adex_spike_event){ev[q].neuron + d->lo, ev[q].t};
    if (D.comm.gather_bytes(D.comm.ctx, D.send, n * sizeof *D.send, d->ev,
                            d->cap * sizeof *d->ev, D.counts, 0) != 0)
      return cli_dist_fatal(CLI_EXIT_FAILURE,
                            "gathering the spikes of population %s failed "
                            "(more than %zu in one step?)",
                            adex_pop_name(d->pop), d->cap);
    d->nev = 0;
    if (D.comm.rank == 0)
      for (int r = 0; r < D.comm.size; r++) d->nev += D.counts[r] / sizeof *ev;
  }
  return 0;
}

int cli_dist_events(adex_pop *pop, const adex_spike_event **ev, size_t *n) {
  dist_pop *d = find(pop);
  if (d == NULL) return 0;
  *ev = d->ev;
  *n = D.comm.rank == 0 ? d->nev : 0;
  return 1;
}

/* The rank that owns neuron i of d (the block rule). */
static int owner(const dist_pop *d, size_t i) {
  int lo = 0, hi = D.comm.size - 1;
  while (lo < hi) { /* the last rank whose block starts at or before i */
    int mid = (lo + hi + 1) / 2;
    size_t a, b;
    adex_comm_block(d->total, D.comm.size, mid, &a, &b);
    if (a <= i)
      lo = mid;
    else
      hi = mid - 1;
  }
  return lo;
}

/* Release D's scratch for gathered values. */
static void scratch_free(void) {
  free(D.vals);
  free(D.part);
  free(D.local);
  D.vals = D.part = NULL;
  D.local = NULL;
  D.vals_cap = 0;
}

/* Room for n values in D's scratch (grown, never shrunk: the step path
 * then allocates nothing after its first samples). */
static int room(size_t n) {
  if (n + 1 <= D.vals_cap) return 0;
  size_t cap = 2 * n + 64;
  double *v = malloc(cap * sizeof *v), *p = malloc(cap * sizeof *p);
  size_t *l = malloc(cap * sizeof *l);
  if (v == NULL || p == NULL || l == NULL) {
    free(v);
    free(p);
    free(l);
    return cli_dist_fatal(CLI_EXIT_FAILURE, "out of memory");
  }
  scratch_free();
  D.vals = v;
  D.part = p;
  D.local = l;
  D.vals_cap = cap;
  return 0;
}

int cli_dist_gather(adex_pop *pop, const size_t *idx, size_t n, double *dst,
                    void (*read)(adex_pop *pop, const size_t *idx, size_t n,
                                 double *dst, void *ctx),
                    void *ctx) {
  dist_pop *d = find(pop);
  if (d == NULL) return 0;
  if (room(n) != 0) return 1;
  /* this rank's watched neurons, in the order asked, local indices */
  size_t m = 0;
  for (size_t q = 0; q < n; q++) {
    size_t i = idx != NULL ? idx[q] : q;
    if (i - d->lo < d->n) D.local[m++] = i - d->lo;
  }
  read(pop, D.local, m, D.part, ctx);
  if (cli_dist_gather_to(D.part, m * sizeof *D.part, D.vals,
                         D.vals_cap * sizeof *D.vals) != 0)
    return 1;
  if (D.comm.rank != 0) {
    memset(dst, 0, n * sizeof *dst);
    return 1;
  }
  /* each value from its owner's list, in order */
  size_t at = 0;
  for (int r = 0; r < D.comm.size; r++) {
    D.taken[r] = at;
    at += D.counts[r] / sizeof *D.vals;
  }
  for (size_t q = 0; q < n; q++) {
    size_t i = idx != NULL ? idx[q] : q;
    dst[q] = D.vals[D.taken[owner(d, i)]++];
  }
  return 1;
}

int cli_dist_gather_to(const void *mine, size_t nbytes, void *out, size_t cap) {
  if (!D.on) {
    if (nbytes > cap)
      return cli_dist_fatal(CLI_EXIT_FAILURE, "%zu bytes for %zu", nbytes, cap);
    if (nbytes > 0) memcpy(out, mine, nbytes);
    return 0;
  }
  if (D.comm.gather_bytes(D.comm.ctx, mine, nbytes, out, cap, D.counts, 0) != 0)
    return cli_dist_fatal(CLI_EXIT_FAILURE, "gathering values failed");
  return 0;
}

void *cli_dist_gather_all(const void *mine, size_t n, size_t size,
                          size_t *total) {
  size_t all = (size_t)cli_dist_sum(n);
  char *out = cli_dist_root() ? malloc(all * size + 1) : NULL;
  *total = 0;
  if (cli_dist_root() && out == NULL) {
    cli_dist_fatal(CLI_EXIT_FAILURE, "out of memory (%zu records)", all);
    return NULL;
  }
  if (cli_dist_gather_to(mine, n * size, out, all * size + 1) != 0) {
    free(out);
    return NULL;
  }
  *total = cli_dist_root() ? all : 0;
  return out;
}

void cli_dist_clear(void) {
  for (size_t p = 0; p < D.npops; p++) free(D.pops[p].ev);
  free(D.pops);
  free(D.send);
  scratch_free();
  D.pops = NULL;
  D.npops = 0;
  D.send = NULL;
  D.send_cap = 0;
}
