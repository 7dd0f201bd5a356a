/* comm.c - the communicator of a process alone, and the block rule
 * (adex/comm.h). */
#include <string.h>

#include "adex/comm.h"

static int single_allgather(void *ctx, const uint32_t *send, size_t n,
                            uint32_t *recv, size_t cap, size_t *counts) {
  (void)ctx;
  if (n > cap) return 1;
  if (n > 0) memmove(recv, send, n * sizeof *send);
  counts[0] = n;
  return 0;
}

static int single_gather(void *ctx, const void *send, size_t n, void *recv,
                         size_t cap, size_t *counts, int root) {
  (void)ctx;
  if (root != 0 || n > cap) return 1;
  if (n > 0) memmove(recv, send, n);
  counts[0] = n;
  return 0;
}

static int single_bcast(void *ctx, void *buf, size_t n, int root) {
  (void)ctx;
  (void)buf;
  (void)n;
  return root != 0;
}

static int single_max(void *ctx, int64_t *v, size_t n) {
  (void)ctx;
  (void)v;
  (void)n;
  return 0;
}

const adex_comm *adex_comm_single(void) {
  static const adex_comm one = {
      0, 1, NULL, single_allgather, single_gather, single_bcast, single_max};
  return &one;
}

void adex_comm_block(size_t num, int size, int rank, size_t *lo, size_t *hi) {
  size_t s = size > 0 ? (size_t)size : 1;
  size_t r = rank > 0 ? (size_t)rank : 0;
  size_t base = num / s, extra = num % s;
  if (r > s) r = s;
  *lo = r * base + (r < extra ? r : extra);
  *hi = *lo + (r < s ? base + (r < extra ? 1 : 0) : 0);
}
