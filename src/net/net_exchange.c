/* net_exchange.c - the spikes of a network spread over several ranks.
 *
 * Each rank steps its block of every population (adex_comm_block) and the
 * synapses that end there. The spikes a projection delivers in step k are
 * those of step k - d (d its delay, >= `sync` steps, the smallest delay
 * of the projections that start from a population), so a rank need not
 * hear of the others' spikes before `sync` steps have passed: it keeps
 * its own spikes of each step in a pending list and, every `sync` steps,
 * one allgather hands every rank the lists of all (docs/scaling.md).
 *
 * A message, per rank, in 32-bit words:
 *   status (0, or the adex_status of a failed update), message length L,
 *   L words of its text (a failed rank's message), then for every
 *   exchanged group in network order, for every pending step: the count,
 *   then the local indices of its spikes.
 * The lists of a step are then the ranks' lists, each shifted by its
 * block's first index, in rank order: increasing global indices, the
 * order of the list of one process, so the rings receive the same sums
 * in the same order and every rank count gives the same bits.
 *
 * A rank whose update fails sends its status and message at once (its
 * call meets the others' next exchange) and returns the error; the others
 * return one naming it from that exchange. The run stops on every rank.
 * In lockstep (adex_net_set_lockstep) every step ends with a call that
 * carries only the statuses, so every rank's step k fails together and
 * the caller may make its own collective calls between steps.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "net/net_internal.h"

/* Steps between exchanges when no projection starts from a population
 * (only failures are exchanged). */
#define SYNC_IDLE 64

/* Words of a failed rank's message. */
#define MSG_WORDS 64

adex_status adex__net_exchange_plan(adex_net *net) {
  net->sync = 1;
  if (net->comm == NULL) return ADEX_OK;
  uint32_t sync = UINT32_MAX;
  for (size_t i = 0; i < net->nprojs; i++) {
    const net_proj *p = &net->projs[i];
    net_group *pre = &net->groups[p->cfg.pre];
    if (pre->kind != NET_GROUP_POP) continue; /* sources: on every rank */
    pre->exchanged = true;
    if (p->d_min < sync) sync = p->d_min;
  }
  net->sync = sync == UINT32_MAX ? SYNC_IDLE : sync;
  size_t R = (size_t)net->nranks, send = 2 + MSG_WORDS,
         recv = R * (2 + MSG_WORDS);
  for (size_t g = 0; g < net->ngroups; g++) {
    net_group *gr = &net->groups[g];
    if (!gr->exchanged) continue;
    send += net->sync * (1 + gr->nloc);
    recv += net->sync * (R + gr->num);
    size_t cap = net->sync * gr->nloc;
    gr->pend = malloc((cap > 0 ? cap : 1) * sizeof *gr->pend);
    gr->pend_n = calloc(net->sync, sizeof *gr->pend_n);
    if (gr->pend == NULL || gr->pend_n == NULL)
      return adex__fail(ADEX_ENOMEM, "out of memory");
    for (size_t i = 0; i < net->nprojs; i++)
      if (net->projs[i].cfg.pre == g &&
          net->projs[i].cfg.model == ADEX_SYN_STP && gr->gspike == gr->spike) {
        gr->gspike = calloc(gr->num ? gr->num : 1, sizeof *gr->gspike);
        if (gr->gspike == NULL) {
          gr->gspike = gr->spike;
          return adex__fail(ADEX_ENOMEM, "out of memory");
        }
      }
  }
  net->xsend = malloc(send * sizeof *net->xsend);
  net->xrecv = malloc(recv * sizeof *net->xrecv);
  net->xcounts = calloc(2 * R, sizeof *net->xcounts);
  if (net->xsend == NULL || net->xrecv == NULL || net->xcounts == NULL)
    return adex__fail(ADEX_ENOMEM, "out of memory");
  net->xsend_cap = send;
  net->xrecv_cap = recv;
  net->npend = 0;
  return ADEX_OK;
}

void adex__net_exchange_free(adex_net *net) {
  free(net->xsend);
  free(net->xrecv);
  free(net->xcounts);
  net->xsend = net->xrecv = NULL;
  net->xcounts = NULL;
}

/* One allgather of every rank's status and, with `lists`, its pending
 * lists; on success every exchanged group's batch holds them. */
static adex_status exchange(adex_net *net, adex_status status, bool lists) {
  uint32_t *w = net->xsend;
  size_t n = 0;
  w[n++] = (uint32_t)status;
  size_t len = 0;
  if (status != ADEX_OK) {
    len = strlen(net->errmsg) + 1;
    if (len > 4 * MSG_WORDS) len = 4 * MSG_WORDS;
  }
  size_t words = (len + 3) / 4;
  w[n++] = (uint32_t)words;
  memset(w + n, 0, words * 4);
  memcpy(w + n, net->errmsg, len);
  if (words > 0) ((char *)(w + n))[4 * words - 1] = '\0';
  n += words;
  for (size_t g = 0; lists && g < net->ngroups; g++) {
    const net_group *gr = &net->groups[g];
    if (!gr->exchanged) continue;
    for (size_t b = 0; b < net->npend; b++) {
      size_t c = status == ADEX_OK ? gr->pend_n[b] : 0;
      w[n++] = (uint32_t)c;
      memcpy(w + n, gr->pend + b * gr->nloc, c * sizeof *w);
      n += c;
    }
  }
  const adex_comm *cm = net->comm;
  size_t R = (size_t)net->nranks, *counts = net->xcounts, *at = counts + R;
  if (cm->allgather_u32(cm->ctx, w, n, net->xrecv, net->xrecv_cap, counts) != 0)
    return adex__net_keep(net, adex__fail(ADEX_EIO,
                                          "the exchange of spikes among "
                                          "the %zu ranks failed",
                                          R));
  const uint32_t *x = net->xrecv;
  size_t off = 0;
  for (size_t r = 0; r < R; r++) {
    at[r] = off;
    off += counts[r];
  }
  if (status != ADEX_OK) return status;
  for (size_t r = 0; r < R; r++)
    if (x[at[r]] != 0) {
      const char *msg = (const char *)(x + at[r] + 2);
      return adex__net_keep(
          net, adex__fail((adex_status)x[at[r]], "rank %zu stopped: %s", r,
                          x[at[r] + 1] > 0 ? msg : "(no message)"));
    }
  if (!lists) return ADEX_OK;
  for (size_t r = 0; r < R; r++) at[r] += 2 + x[at[r] + 1];
  for (size_t g = 0; g < net->ngroups; g++) {
    net_group *gr = &net->groups[g];
    if (!gr->exchanged) continue;
    size_t m = 0;
    for (size_t b = 0; b < net->npend; b++) {
      gr->spk_off[b] = m;
      for (size_t r = 0; r < R; r++) {
        size_t lo, hi, c = x[at[r]++];
        adex_comm_block(gr->num, net->nranks, (int)r, &lo, &hi);
        for (size_t q = 0; q < c; q++)
          gr->spk[m++] = (uint32_t)(lo + x[at[r]++]);
      }
    }
    gr->spk_off[net->npend] = m;
    gr->nspk = m;
    gr->nbatch = net->npend;
    gr->s_first = net->pend_first;
    if (gr->gspike != gr->spike) { /* the last list as flags (STP) */
      memset(gr->gspike, 0, gr->num * sizeof *gr->gspike);
      for (size_t q = gr->spk_off[net->npend - 1]; q < m; q++)
        gr->gspike[gr->spk[q]] = true;
    }
  }
  net->npend = 0;
  return ADEX_OK;
}

adex_status adex__net_exchange_step(adex_net *net) {
  if (net->npend == 0) net->pend_first = net->k - 1;
  for (size_t g = 0; g < net->ngroups; g++) {
    net_group *gr = &net->groups[g];
    if (!gr->exchanged) continue;
    gr->pend_n[net->npend] =
        adex__net_gather_spikes(gr, gr->pend + net->npend * gr->nloc);
    gr->nbatch = 0;
    gr->nspk = 0;
  }
  net->npend++;
  if (net->npend < net->sync) return ADEX_OK;
  return exchange(net, ADEX_OK, true);
}

adex_status adex__net_exchange_fail(adex_net *net, adex_status st) {
  exchange(net, st, !net->lockstep);
  return st;
}

adex_status adex__net_exchange_agree(adex_net *net) {
  return exchange(net, ADEX_OK, false);
}

adex_status adex__net_exchange_flush(adex_net *net) {
  /* npend is the same on every rank (it counts steps), so either all
   * ranks exchange here or none does */
  if (net->comm == NULL || net->npend == 0) return ADEX_OK;
  adex_status st = exchange(net, ADEX_OK, true);
  if (st != ADEX_OK) return st;
  for (size_t i = 0; i < net->nprojs; i++) {
    net_proj *p = &net->projs[i];
    const net_group *pre = &net->groups[p->cfg.pre];
    if (pre->exchanged) adex__net_proj_take(p, pre);
  }
  /* delivered: the next step must not deliver them again */
  for (size_t g = 0; g < net->ngroups; g++)
    if (net->groups[g].exchanged) {
      net->groups[g].nbatch = 0;
      net->groups[g].nspk = 0;
    }
  return ADEX_OK;
}
