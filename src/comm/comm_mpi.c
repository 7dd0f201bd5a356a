/* comm_mpi.c - adex/comm.h over MPI (the adex_mpi library; the core
 * library never includes mpi.h). Counts and sizes travel as 64-bit
 * integers; a block larger than INT_MAX elements is refused. */
#include "comm_mpi.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <mpi.h>

typedef struct mpi_ctx {
  MPI_Comm comm;
  int size;
  int *cnt, *disp; /* size ints each, scratch */
} mpi_ctx;

static int fill_displs(mpi_ctx *c, const long long *n, size_t cap) {
  long long total = 0;
  for (int r = 0; r < c->size; r++) {
    if (n[r] > INT_MAX || total > INT_MAX) return 1;
    c->cnt[r] = (int)n[r];
    c->disp[r] = (int)total;
    total += n[r];
  }
  return total > (long long)cap;
}

static int mpi_allgather(void *ctx, const uint32_t *send, size_t n,
                         uint32_t *recv, size_t cap, size_t *counts) {
  mpi_ctx *c = ctx;
  long long mine = (long long)n, *all = malloc((size_t)c->size * sizeof *all);
  int bad = all == NULL;
  if (!bad)
    bad = MPI_Allgather(&mine, 1, MPI_LONG_LONG, all, 1, MPI_LONG_LONG,
                        c->comm) != MPI_SUCCESS;
  if (!bad) bad = fill_displs(c, all, cap);
  if (!bad)
    bad = MPI_Allgatherv(send, (int)n, MPI_UINT32_T, recv, c->cnt, c->disp,
                         MPI_UINT32_T, c->comm) != MPI_SUCCESS;
  for (int r = 0; !bad && r < c->size; r++) counts[r] = (size_t)all[r];
  free(all);
  return bad;
}

static int mpi_gather(void *ctx, const void *send, size_t n, void *recv,
                      size_t cap, size_t *counts, int root) {
  mpi_ctx *c = ctx;
  int me = 0;
  MPI_Comm_rank(c->comm, &me);
  long long mine = (long long)n, *all = malloc((size_t)c->size * sizeof *all);
  int bad = all == NULL || n > INT_MAX;
  /* every rank takes part in both calls, whatever it found */
  long long flag = bad;
  if (MPI_Allreduce(MPI_IN_PLACE, &flag, 1, MPI_LONG_LONG, MPI_MAX, c->comm) !=
          MPI_SUCCESS ||
      flag != 0) {
    free(all);
    return 1;
  }
  bad = MPI_Gather(&mine, 1, MPI_LONG_LONG, all, 1, MPI_LONG_LONG, root,
                   c->comm) != MPI_SUCCESS;
  if (!bad && me == root) bad = fill_displs(c, all, cap);
  flag = bad;
  MPI_Bcast(&flag, 1, MPI_LONG_LONG, root, c->comm);
  if (flag == 0)
    bad = MPI_Gatherv(send, (int)n, MPI_BYTE, recv, c->cnt, c->disp, MPI_BYTE,
                      root, c->comm) != MPI_SUCCESS;
  else
    bad = 1;
  for (int r = 0; !bad && me == root && r < c->size; r++)
    counts[r] = (size_t)all[r];
  free(all);
  return bad;
}

static int mpi_bcast(void *ctx, void *buf, size_t n, int root) {
  mpi_ctx *c = ctx;
  if (n > INT_MAX) return 1;
  return MPI_Bcast(buf, (int)n, MPI_BYTE, root, c->comm) != MPI_SUCCESS;
}

static int mpi_max(void *ctx, int64_t *v, size_t n) {
  mpi_ctx *c = ctx;
  if (n > INT_MAX) return 1;
  return MPI_Allreduce(MPI_IN_PLACE, v, (int)n, MPI_INT64_T, MPI_MAX,
                       c->comm) != MPI_SUCCESS;
}

int adex_comm_mpi_launched(void) {
  static const char *const vars[] = {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK",
                                     "PMI_SIZE", "PMI_RANK"};
  for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
    if (getenv(vars[i]) != NULL) return 1;
  return 0;
}

int adex_comm_mpi_init(int *argc, char ***argv, adex_comm *out) {
  int inited = 0;
  memset(out, 0, sizeof *out);
  MPI_Initialized(&inited);
  if (!inited && MPI_Init(argc, argv) != MPI_SUCCESS) return 1;
  mpi_ctx *c = calloc(1, sizeof *c);
  if (c == NULL) return 1;
  c->comm = MPI_COMM_WORLD;
  MPI_Comm_size(c->comm, &c->size);
  MPI_Comm_rank(c->comm, &out->rank);
  c->cnt = malloc((size_t)c->size * sizeof *c->cnt);
  c->disp = malloc((size_t)c->size * sizeof *c->disp);
  if (c->cnt == NULL || c->disp == NULL) {
    free(c->cnt);
    free(c->disp);
    free(c);
    return 1;
  }
  out->size = c->size;
  out->ctx = c;
  out->allgather_u32 = mpi_allgather;
  out->gather_bytes = mpi_gather;
  out->bcast = mpi_bcast;
  out->max_i64 = mpi_max;
  return 0;
}

void adex_comm_mpi_abort(const adex_comm *comm, int code) {
  (void)comm;
  MPI_Abort(MPI_COMM_WORLD, code);
}

void adex_comm_mpi_finalize(adex_comm *comm) {
  mpi_ctx *c = comm->ctx;
  if (c != NULL) {
    free(c->cnt);
    free(c->disp);
    free(c);
  }
  memset(comm, 0, sizeof *comm);
  int fin = 0;
  MPI_Finalized(&fin);
  if (!fin) MPI_Finalize();
}
