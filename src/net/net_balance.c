/* net_balance.c - the split of a network's neurons among a team's parts
 * that would end the steps soonest (net_balance.h). */
#include "net/net_balance.h"

#include <string.h>

/* Most parts it splits for (a team's threads; more: the split stays). */
#define BALANCE_MAX_PARTS 256

/* Neurons of part q under split b. */
static size_t part_neurons(size_t parts, size_t ngroups, const size_t *b,
                           size_t q) {
  size_t n = 0;
  for (size_t g = 0; g < ngroups; g++)
    n += b[g * (parts + 1) + q + 1] - b[g * (parts + 1) + q];
  return n;
}

/* x rounded up to a multiple of 64, at most `most`. */
static size_t up64(size_t x, size_t most) {
  size_t r = (x + 63) / 64 * 64;
  return r < most ? r : most;
}

bool adex__balance(size_t parts, size_t ngroups, const size_t *cap,
                   const size_t *cur, const double *work, double gain,
                   size_t *next) {
  size_t stride = parts + 1;
  memcpy(next, cur, ngroups * stride * sizeof *next);
  if (parts < 2 || parts > BALANCE_MAX_PARTS) return false;
  double rate[BALANCE_MAX_PARTS], all = 0.0;
  for (size_t q = 0; q < parts; q++) {
    size_t n = part_neurons(parts, ngroups, cur, q);
    if (n == 0 || !(work[q] > 0.0)) return false;
    rate[q] = (double)n / work[q];
    all += rate[q];
  }
  for (size_t g = 0; g < ngroups; g++) {
    size_t *b = next + g * stride, n = b[parts], blocks = (n + 63) / 64;
    double share = 0.0; /* of the parts before q */
    b[0] = 0;
    for (size_t q = 1; q < parts; q++) {
      share += rate[q - 1] / all;
      size_t x = (size_t)(share * (double)blocks + 0.5) * 64;
      /* part q - 1 at most cap[g]; the parts from q on must hold the rest */
      size_t most = b[q - 1] + cap[g] < n ? b[q - 1] + cap[g] : n;
      size_t rest = (parts - q) * cap[g];
      size_t least = n > rest ? up64(n - rest, n) : 0;
      if (least < b[q - 1]) least = b[q - 1];
      if (x > most) x = most;
      if (x < least) x = least;
      b[q] = x;
    }
    b[parts] = n;
  }
  if (memcmp(next, cur, ngroups * stride * sizeof *next) == 0) return false;
  double t_cur = 0.0, t_next = 0.0; /* the slowest part's, predicted */
  for (size_t q = 0; q < parts; q++) {
    double tc = (double)part_neurons(parts, ngroups, cur, q) / rate[q];
    double tn = (double)part_neurons(parts, ngroups, next, q) / rate[q];
    if (tc > t_cur) t_cur = tc;
    if (tn > t_next) t_next = tn;
  }
  if (t_next <= (1.0 - gain) * t_cur) return true;
  memcpy(next, cur, ngroups * stride * sizeof *next);
  return false;
}
