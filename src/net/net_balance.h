/* net_balance.h - how a team of threads shares a network's neurons
 * (net_step.c, the team; internal).
 *
 * A team's parts each step a contiguous range of every population
 * (whole blocks of 64 neurons), and every step ends when its slowest
 * part ends: the others wait for its spikes. Parts of the same size are
 * not equally fast where the cores are not: a virtual machine's vCPUs
 * whose host cores are shared, hybrid CPUs' fast and slow cores, a core
 * busy with another program. On one 2-vCPU machine the same compute
 * loop ran 20-30% slower on one vCPU than on the other for seconds at a
 * time, in turns (docs/performance.md). So every so many steps the team
 * measures each part's work (its ticks in the step, waits left out) and,
 * where another split would end the steps sooner by a clear margin,
 * moves the ranges' bounds, each part's share of neurons in proportion
 * to the rate at which it stepped its neurons.
 *
 * The bounds change nothing in the results: a neuron's arithmetic is the
 * same in whatever part, and each neuron receives its inputs in the same
 * order (test_team runs with bounds moved every few steps). */
#ifndef ADEX_NET_BALANCE_H
#define ADEX_NET_BALANCE_H

#include <stdbool.h>
#include <stddef.h>

/* Steps between two looks at the parts' work (a team's run). */
#define ADEX__BALANCE_EVERY 512
/* The least gain (a fraction of the predicted step time) for which the
 * bounds move: each move costs a few barriers and the copies' refill. */
#define ADEX__BALANCE_GAIN 0.03

/* The split of `ngroups` groups among `parts` parts that would end the
 * steps soonest, given the current split cur (for each group, parts + 1
 * bounds: part q holds [cur[g (parts + 1) + q], cur[g (parts + 1) + q +
 * 1]), the last bound the group's size) and the work of each part under it
 * (work[q] > 0, any unit). Each part's share is made proportional to its
 * rate (its neurons per unit of work); the bounds are multiples of 64
 * (the last the group's size), and no part holds more than cap[g]
 * neurons of group g (cap[g] x parts >= the size, a multiple of 64 or
 * the size).
 * Returns whether it differs from cur and its predicted step time (the
 * slowest part's neurons over its rate) is below cur's by `gain` or
 * more: then the split is in next (laid out as cur), else next is cur.
 * A part without neurons or work keeps the split as it is. */
bool adex__balance(size_t parts, size_t ngroups, const size_t *cap,
                   const size_t *cur, const double *work, double gain,
                   size_t *next);

#endif
