/* adex/comm.h - what a network run needs from a group of processes.
 *
 * A network can be spread over several processes (ranks): each rank owns
 * a contiguous block of every population's neurons (adex_comm_block) and
 * the synapses that end on them, and the ranks exchange the spikes of
 * each step. The library itself never calls MPI: a front end that runs
 * under MPI hands it an adex_comm whose functions call MPI (the adex
 * program's, src/comm/comm_mpi.c, in the separate adex_mpi library);
 * adex_comm_single() is the communicator of a process alone, where every
 * collective is a copy. docs/scaling.md describes the design.
 *
 * Every function is collective: all ranks call it in the same order. Each
 * returns 0, or non-zero after a failure of the transport (the run then
 * stops on every rank).
 */
#ifndef ADEX_COMM_H
#define ADEX_COMM_H

#include <stddef.h>
#include <stdint.h>

#include "adex/export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct adex_comm {
  int rank; /* 0 .. size-1 */
  int size; /* ranks, >= 1 */
  void *ctx;
  /* Every rank gives n values; recv (capacity cap values) gets the values
   * of rank 0, then rank 1, ...; counts[r] (size entries) how many rank r
   * gave. Non-zero also when the total exceeds cap. */
  int (*allgather_u32)(void *ctx, const uint32_t *send, size_t n,
                       uint32_t *recv, size_t cap, size_t *counts);
  /* Blocks of bytes to `root`: recv (on root only; cap bytes) gets rank
   * 0's block, then rank 1's, ...; counts[r] (root only) their sizes. */
  int (*gather_bytes)(void *ctx, const void *send, size_t n, void *recv,
                      size_t cap, size_t *counts, int root);
  /* n bytes of root's buf to every rank's buf. */
  int (*bcast)(void *ctx, void *buf, size_t n, int root);
  /* v[0..n) becomes the largest of the ranks' v, on every rank (an error
   * or a stop request seen by one rank, agreed by all). */
  int (*max_i64)(void *ctx, int64_t *v, size_t n);
} adex_comm;

/* The communicator of a process alone (rank 0 of 1). */
ADEX_API const adex_comm *adex_comm_single(void);

/* The block of `num` neurons that rank `rank` of `size` owns: [*lo, *hi),
 * contiguous, in rank order; the first num % size ranks own one neuron
 * more than the others (10 neurons on 4 ranks: 3, 3, 2, 2). The one rule
 * by which populations, their state files and their outputs are split. */
ADEX_API void adex_comm_block(size_t num, int size, int rank, size_t *lo,
                              size_t *hi);

#ifdef __cplusplus
}
#endif
#endif /* ADEX_COMM_H */
