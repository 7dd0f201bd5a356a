/* part_rows.c - a team part's own rows of a projection (part_rows.h). */
#include "net/part_rows.h"

#include <stdlib.h>

#include "internal.h"

#define PART_ROWS_MOST_POST 65536u /* post neurons a 16-bit index reaches */

bool adex__part_rows_fit(const net_proj *p, size_t post_neurons) {
  return p->ring != NULL && p->w == NULL && p->dly == NULL && p->rows_sorted &&
         post_neurons <= PART_ROWS_MOST_POST;
}

/* The offsets' bytes, to whole cache lines: the indices follow. */
static size_t at_bytes(const net_proj *p) {
  return adex__align_up((p->npre + 1) * sizeof(uint32_t));
}

size_t adex__part_rows_room(const net_proj *p, size_t most) {
  size_t Q = p->npost, room = 0, sum = 0;
  if (most >= Q) return p->nsyn;
  uint32_t *into = calloc(Q, sizeof *into); /* each post neuron's */
  if (into == NULL) return 0;
  for (size_t q = 0; q < p->nsyn; q++) into[p->post_idx[q]]++;
  for (size_t j = 0; j < Q; j++) { /* the window (j - most, j] */
    sum += into[j];
    if (j >= most) sum -= into[j - most];
    if (sum > room) room = sum;
  }
  free(into);
  return room;
}

size_t adex__part_rows_bytes(const net_proj *p, size_t room) {
  return at_bytes(p) + adex__align_up(room * sizeof(uint16_t));
}

void adex__part_rows_place(adex__part_rows *r, const net_proj *p, size_t room,
                           void *block) {
  r->at = block;
  r->idx = (uint16_t *)((char *)block + at_bytes(p));
  r->room = room;
  r->made = false;
}

bool adex__part_rows_make(adex__part_rows *r, const net_proj *p, size_t lo,
                          size_t hi) {
  size_t at = 0;
  r->at[0] = 0;
  r->made = false;
  for (size_t i = 0; i < p->npre; i++) {
    size_t a, b;
    adex__net_row_part(p, i, lo, hi, &a, &b);
    if (b - a > r->room - at) return false; /* cuts, then */
    for (size_t q = a; q < b; q++)
      r->idx[at++] = (uint16_t)(p->post_idx[q] - lo);
    r->at[i + 1] = (uint32_t)at;
  }
  r->made = true;
  return true;
}

void adex__part_rows_deliver(const net_proj *p, const adex__part_rows *r,
                             const uint32_t *ids, size_t n, uint64_t s,
                             size_t span, double *into) {
  size_t L = p->ring_len;
  const double w = p->w_all;
  const uint32_t *at = r->at;
  const uint16_t *idx = r->idx;
  /* the rows' first lines asked for at once, so that their misses
   * overlap */
  for (size_t m = 0; m < n; m++) __builtin_prefetch(idx + at[ids[m]]);
  for (size_t m = 0; m < n; m++) {
    size_t i = ids[m];
    uint64_t d = p->dly_pre != NULL ? p->dly_pre[i] : p->d_all;
    double *sums = into + ((s + d) % L) * span;
    for (uint32_t q = at[i], b = at[i + 1]; q < b; q++) sums[idx[q]] += w;
  }
}
