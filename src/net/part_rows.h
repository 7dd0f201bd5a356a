/* part_rows.h - a team part's own rows of a projection (internal).
 *
 * A run on threads splits each population into ranges of neurons, one a
 * part (net_step.c, the team). Each part delivers every spike of the step
 * to the synapses whose post neuron is in its range. From the
 * projection's rows (by pre neuron, every post neuron) that meant, for
 * each spike, finding the part's stretch of the row (its cut) and a few
 * cache misses, for both parts, each for half of the row: the delivery
 * did not halve on two threads (docs/performance.md). A part's own rows
 * hold only the synapses into its range, by pre neuron, each post neuron
 * as its index from the range's first (16 bits): half the bytes of the
 * part's stretches of the projection's rows, one after the other, and no
 * cut to look up.
 *
 * They are made where every synapse of the projection has the same
 * weight and the same delay (so that a post neuron's sum is the same in
 * whatever order its weights come), its rows are sorted and its post
 * population has at most 65 536 neurons; made again each time the
 * part's range moves (adex__net_team_balance), in runs long enough to
 * pay for that (adex__net_set_rows). Their room is for the synapses into
 * the most neurons a part may hold; a range with more is not made, and
 * the part delivers with the cuts.
 */
#ifndef ADEX_PART_ROWS_H
#define ADEX_PART_ROWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/net_internal.h"

typedef struct adex__part_rows {
  uint32_t *at;  /* npre + 1: pre neuron i's synapses [at[i], at[i + 1]) */
  uint16_t *idx; /* their post neurons, from the range's first */
  size_t room;   /* synapses idx holds */
  bool made;     /* for the part's range (else too many synapses) */
} adex__part_rows;

/* Whether p's synapses may be delivered from a part's own rows: weights
 * and delays all the same, rows sorted, a ring of sums (the Exp and
 * DualExp families), at most 65 536 post neurons. */
bool adex__part_rows_fit(const net_proj *p, size_t post_neurons);

/* The most synapses of p into `most` consecutive post neurons: room for
 * the synapses of any range a part may hold; 0 out of memory. */
size_t adex__part_rows_room(const net_proj *p, size_t most);

/* Bytes of a part's rows of p with room for `room` synapses. */
size_t adex__part_rows_bytes(const net_proj *p, size_t room);

/* r's arrays laid out in `block` (adex__part_rows_bytes of it). */
void adex__part_rows_place(adex__part_rows *r, const net_proj *p, size_t room,
                           void *block);

/* r made from p's rows for the post neurons [lo, hi) of this rank's;
 * false (r not made) where they hold more synapses than r's room. */
bool adex__part_rows_make(adex__part_rows *r, const net_proj *p, size_t lo,
                          size_t hi);

/* The synapses of the pre neurons ids[0..n) (a spike list of step s) from
 * r into `into`: ring_len rows of `span` sums, the part's columns of p's
 * ring (adex__net_proj_deliver_list's copy), in the rows of the steps in
 * which they act. */
void adex__part_rows_deliver(const net_proj *p, const adex__part_rows *r,
                             const uint32_t *ids, size_t n, uint64_t s,
                             size_t span, double *into);

#endif
