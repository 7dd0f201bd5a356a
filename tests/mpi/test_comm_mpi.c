/* test_comm_mpi.c - the MPI communicator (src/comm/comm_mpi.c), run by
 * mpirun on 1 to 4 processes: every collective against what each rank
 * knows the others sent (rank r sends r + 1 values r*100 + i), and the
 * block rule covering every neuron once. Prints one line per failure and
 * exits non-zero (no cmocka: each rank checks for itself, rank 0 reports
 * the agreed result). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adex/comm.h"
#include "comm_mpi.h"

static int failures;

#define CHECK(c)                                                               \
  do {                                                                         \
    if (!(c)) {                                                                \
      fprintf(stderr, "rank %d: %s:%d: %s\n", comm.rank, __FILE__, __LINE__,   \
              #c);                                                             \
      failures++;                                                              \
    }                                                                          \
  } while (0)

int main(int argc, char **argv) {
  adex_comm comm;
  if (adex_comm_mpi_init(&argc, &argv, &comm) != 0) {
    fprintf(stderr, "MPI_Init failed\n");
    return 1;
  }
  int R = comm.size, me = comm.rank;
  CHECK(adex_comm_mpi_launched());
  CHECK(R >= 1 && me >= 0 && me < R);

  /* allgather: rank r's r + 1 values, in rank order */
  uint32_t send[8], recv[64];
  size_t counts[16], n = (size_t)me + 1;
  for (size_t i = 0; i < n; i++) send[i] = (uint32_t)(me * 100 + (int)i);
  CHECK(comm.allgather_u32(comm.ctx, send, n, recv, 64, counts) == 0);
  size_t q = 0;
  for (int r = 0; r < R; r++) {
    CHECK(counts[r] == (size_t)r + 1);
    for (int i = 0; i <= r; i++) CHECK(recv[q++] == (uint32_t)(r * 100 + i));
  }
  /* nothing sent by anyone */
  CHECK(comm.allgather_u32(comm.ctx, send, 0, recv, 64, counts) == 0);
  for (int r = 0; r < R; r++) CHECK(counts[r] == 0);
  /* too little room: every rank fails alike */
  CHECK(comm.allgather_u32(comm.ctx, send, n, recv, 0, counts) != 0 ||
        (R == 1 && n == 0));

  /* gather to the last rank: rank r's bytes "r" x (r + 1) */
  char bytes[8], all[64];
  memset(bytes, 'a' + me, sizeof bytes);
  int root = R - 1;
  CHECK(comm.gather_bytes(comm.ctx, bytes, n, all, sizeof all, counts, root) ==
        0);
  if (me == root) {
    q = 0;
    for (int r = 0; r < R; r++) {
      CHECK(counts[r] == (size_t)r + 1);
      for (int i = 0; i <= r; i++) CHECK(all[q++] == 'a' + r);
    }
  }

  /* bcast from rank 0, and the agreed maximum */
  double x = me == 0 ? 3.25 : -1.0;
  CHECK(comm.bcast(comm.ctx, &x, sizeof x, 0) == 0 && x == 3.25);
  int64_t v[2] = {me, -me};
  CHECK(comm.max_i64(comm.ctx, v, 2) == 0);
  CHECK(v[0] == R - 1 && v[1] == 0);

  /* the block rule: every neuron on exactly one rank, in order */
  for (size_t num = 0; num < 40; num++) {
    size_t next = 0;
    for (int r = 0; r < R; r++) {
      size_t lo, hi;
      adex_comm_block(num, R, r, &lo, &hi);
      CHECK(lo == next && hi >= lo);
      next = hi;
    }
    CHECK(next == num);
  }

  int64_t bad = failures;
  comm.max_i64(comm.ctx, &bad, 1);
  if (me == 0)
    printf("comm over %d rank%s: %s\n", R, R == 1 ? "" : "s",
           bad ? "FAILED" : "ok");
  adex_comm_mpi_finalize(&comm);
  return bad != 0;
}
