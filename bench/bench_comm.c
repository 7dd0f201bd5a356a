/* bench_comm.c - the spike exchange of a distributed network, measured:
 * run under mpirun with P ranks, each rank owning its block of N neurons
 * (adex_comm_block) that spike at RATE Hz (Bernoulli per neuron and step,
 * counter-based, so every P sees the same spikes); every D steps of DT ms
 * (the min-delay) the ranks exchange the ids of the spikes of those
 * steps with one allgather (adex/comm.h). Prints per exchange: ids and
 * bytes sent by one rank and received by each, messages, and the time of
 * the allgather after the ranks met (mean over the exchanges, the slowest
 * rank's).
 *
 *   mpirun -np P build/bench_comm [N] [RATE] [D] [SECONDS_SIMULATED]
 *   defaults: 40000 neurons, 12.5 Hz, 1 step of 0.1 ms, 1 s
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "adex/comm.h"
#include "comm_mpi.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* SplitMix64's finaliser: a uniform in [0, 1) for (step, neuron). */
static double uniform(uint64_t k, uint64_t i) {
  uint64_t z = k * 0x9e3779b97f4a7c15ULL ^ (i + 0x632be59bd9b4e019ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  return (double)(z >> 11) * 0x1.0p-53;
}

int main(int argc, char **argv) {
  adex_comm comm;
  if (adex_comm_mpi_init(&argc, &argv, &comm) != 0) {
    fprintf(stderr, "bench_comm: MPI_Init failed\n");
    return 1;
  }
  size_t N = argc > 1 ? (size_t)atol(argv[1]) : 40000;
  double rate = argc > 2 ? atof(argv[2]) : 12.5;
  size_t D = argc > 3 ? (size_t)atol(argv[3]) : 1;
  double T = argc > 4 ? atof(argv[4]) : 1.0;
  const double dt = 0.1;
  size_t steps = (size_t)(T * 1000.0 / dt + 0.5), lo, hi;
  adex_comm_block(N, comm.size, comm.rank, &lo, &hi);
  double p = rate * dt / 1000.0;
  size_t cap = N * D + 1;
  uint32_t *send = malloc(cap * sizeof *send),
           *recv = malloc(cap * sizeof *recv);
  size_t *counts = malloc((size_t)comm.size * sizeof *counts);
  if (send == NULL || recv == NULL || counts == NULL) return 1;
  double t_comm = 0, sent = 0, got = 0;
  size_t exchanges = 0, n = 0;
  for (size_t k = 0; k < steps; k++) {
    for (size_t i = lo; i < hi; i++)
      if (uniform(k, i) < p) send[n++] = (uint32_t)i;
    if ((k + 1) % D != 0 && k + 1 != steps) continue;
    /* the ranks meet first, so that the time is the exchange's, not the
     * wait for a slower rank's steps */
    int64_t sync = 0;
    comm.max_i64(comm.ctx, &sync, 1);
    double t0 = now();
    if (comm.allgather_u32(comm.ctx, send, n, recv, cap, counts) != 0) return 1;
    t_comm += now() - t0;
    size_t total = 0;
    for (int r = 0; r < comm.size; r++) total += counts[r];
    sent += (double)n;
    got += (double)total;
    exchanges++;
    n = 0;
  }
  /* the slowest rank's time */
  int64_t us = (int64_t)(t_comm * 1e6);
  comm.max_i64(comm.ctx, &us, 1);
  if (comm.rank == 0) {
    double e = (double)exchanges;
    printf("ranks %d, %zu neurons at %.3g Hz, min-delay %zu step(s) of %g ms, "
           "%zu exchanges\n",
           comm.size, N, rate, D, dt, exchanges);
    printf("per exchange: rank 0 sends %.1f ids (%.0f bytes), each rank "
           "receives %.1f ids (%.0f bytes); %d messages per rank (counts "
           "+ ids, allgather)\n",
           sent / e, 4 * sent / e, got / e, 4 * got / e, 2 * (comm.size - 1));
    printf("allgather time: %.2f us per exchange (slowest rank), %.3f s per "
           "simulated second\n",
           (double)us / e, (double)us * 1e-6 / T);
  }
  free(send);
  free(recv);
  free(counts);
  adex_comm_mpi_finalize(&comm);
  return 0;
}
