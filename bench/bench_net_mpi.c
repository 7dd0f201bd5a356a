/* bench_net_mpi.c - COBA-AdEx spread over MPI ranks (adex_net_set_comm):
 * N neurons (80 % E), 80 synapses per neuron (FixedPreNum, 64 from E, 16
 * from I), refractory 5 ms, bias 20, ExpCOBA with a delay of D ms. Each
 * rank builds its part; prints the time per simulated second (the
 * slowest rank's, the exchanges included), the build time, the rate and
 * the steps between exchanges.
 *
 *   mpirun -np P build/bench_net_mpi [N] [SECONDS] [THREADS] [DELAY_MS]
 *   defaults: 40000 neurons, 1 s, 1 thread per rank, 0.1 ms
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "adex/adex.h"
#include "coba_pop.h"
#include "comm_mpi.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void check(adex_status st, const char *what, const adex_comm *c) {
  if (st != ADEX_OK) {
    fprintf(stderr, "bench_net_mpi: rank %d: %s: %s\n", c->rank, what,
            adex_errmsg());
    adex_comm_mpi_abort(c, 1);
  }
}

static adex_pop *population(const adex_comm *c, size_t n, uint64_t seed,
                            int threads) {
  size_t lo, hi;
  adex_comm_block(n, c->size, c->rank, &lo, &hi);
  adex_pop_config cfg;
  coba_pop_config(&cfg, hi - lo, lo, seed, threads);
  adex_pop *pop;
  check(adex_pop_create(&cfg, &pop), "population", c);
  check(adex_pop_enable_drive(pop), "drive", c);
  for (size_t i = 0; i < hi - lo; i++) adex_pop_drive(pop)[i] = 20.0;
  return pop;
}

static long count(const bool *sp, size_t m) {
  long n = 0;
  for (size_t q = 0; q < m; q++) n += sp[q];
  return n;
}

int main(int argc, char **argv) {
  adex_comm comm;
  if (adex_comm_mpi_init(&argc, &argv, &comm) != 0) {
    fprintf(stderr, "bench_net_mpi: MPI_Init failed\n");
    return 1;
  }
  const adex_comm *c = &comm;
  size_t n = argc > 1 ? (size_t)atol(argv[1]) : 40000;
  double seconds = argc > 2 ? atof(argv[2]) : 1.0;
  int threads = argc > 3 ? atoi(argv[3]) : 1;
  double delay = argc > 4 ? atof(argv[4]) : 0.1;
  size_t ne = n * 4 / 5, ni = n - ne;
  double t_build = now();
  adex_pop *E = population(c, ne, 1, threads);
  adex_pop *I = population(c, ni, 2, threads);
  adex_net *net;
  check(adex_net_create(0.0, 0.1, NULL, &net), "net", c);
  check(adex_net_set_comm(net, c), "comm", c);
  size_t e, i;
  check(adex_net_add_pop_part(net, E, ne, &e), "add E", c);
  check(adex_net_add_pop_part(net, I, ni, &i), "add I", c);
  struct {
    size_t pre, post;
    double g, tau, E;
    size_t num;
  } P[] = {{e, e, 0.6, 5.0, 0.0, 64},
           {e, i, 0.6, 5.0, 0.0, 64},
           {i, e, 6.7, 10.0, -80.0, 16},
           {i, i, 6.7, 10.0, -80.0, 16}};
  for (int k = 0; k < 4; k++) {
    adex_proj_config pc;
    adex_proj_config_default(
        &pc, ADEX_SYN_EXP_COBA, P[k].pre, P[k].post,
        adex_conn_fixed_pre_num(P[k].num, true, (uint64_t)k + 1));
    pc.g_max = P[k].g;
    pc.tau = P[k].tau;
    pc.E = P[k].E;
    pc.delay = delay;
    check(adex_net_add_proj(net, &pc, NULL), "projection", c);
  }
  check(adex_net_plan(net), "plan", c);
  t_build = now() - t_build;
  size_t steps = (size_t)(seconds * 10000.0 + 0.5);
  long spikes = 0;
  double t0 = now();
  for (size_t k = 0; k < steps; k++) {
    if (adex_net_step(net) != ADEX_OK) {
      fprintf(stderr, "bench_net_mpi: rank %d: %s\n", c->rank,
              adex_net_errmsg(net));
      adex_comm_mpi_abort(c, 1);
    }
    for (size_t g = 0; g < 2; g++) {
      size_t part;
      adex_net_pop_part(net, g, NULL, &part);
      spikes += count(adex_net_pop_spike(net, g), part);
    }
  }
  double t_run = now() - t0;
  /* the slowest rank's times (in ns), the sum of the spikes */
  int64_t most[2] = {(int64_t)(t_run * 1e9), (int64_t)(t_build * 1e9)};
  c->max_i64(c->ctx, most, 2);
  uint32_t mine = (uint32_t)spikes, all[1024];
  size_t counts[1024];
  c->allgather_u32(c->ctx, &mine, 1, all, 1024, counts);
  long total = 0;
  for (int r = 0; r < c->size; r++) total += all[r];
  if (c->rank == 0)
    printf("%d rank%s x %d thread%s: %zu neurons  build %.3f s  %.4f s per "
           "simulated s  %.2f Hz  exchange every %zu step%s\n",
           c->size, c->size == 1 ? "" : "s", threads, threads == 1 ? "" : "s",
           n, (double)most[1] * 1e-9, (double)most[0] * 1e-9 / seconds,
           (double)total / ((double)n * seconds), adex_net_sync_steps(net),
           adex_net_sync_steps(net) == 1 ? "" : "s");
  adex_net_destroy(net);
  adex_pop_destroy(E);
  adex_pop_destroy(I);
  adex_comm_mpi_finalize(&comm);
  return 0;
}
