/* cli/run/cli_synapses.c - a projection's synapses, whole, in its synapse
 * order (cli_synapses.h). */
#include "cli_synapses.h"

#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_args.h"
#include "cli_dist.h"

/* One synapse as gathered from a rank. */
typedef struct rec5 {
  double pre, post, w, d, given;
} rec5;

static const rec5 *sort_base;
static int sort_by_given;

/* Synapse order: by pre neuron, then by post neuron (generated
 * connectors) or position given (IJ, CSR); stable by gathered place. */
static int cmp_syn(const void *a, const void *b) {
  const rec5 *x = &sort_base[*(const size_t *)a];
  const rec5 *y = &sort_base[*(const size_t *)b];
  double kx = sort_by_given ? x->given : x->post;
  double ky = sort_by_given ? y->given : y->post;
  if (x->pre != y->pre) return x->pre < y->pre ? -1 : 1;
  if (kx != ky) return kx < ky ? -1 : 1;
  size_t i = *(const size_t *)a, j = *(const size_t *)b;
  return (i > j) - (i < j);
}

static int alloc_table(cli_synapses *s, size_t n) {
  size_t m = n ? n : 1;
  s->n = n;
  s->pre = malloc(m * sizeof *s->pre);
  s->post = malloc(m * sizeof *s->post);
  s->given = malloc(m * sizeof *s->given);
  s->from = malloc(m * sizeof *s->from);
  s->w = malloc(m * sizeof *s->w);
  s->d = malloc(m * sizeof *s->d);
  return s->pre && s->post && s->given && s->from && s->w && s->d ? 0 : -1;
}

int cli_synapses_get(adex_net *net, size_t j, int by_given, cli_synapses *s) {
  memset(s, 0, sizeof *s);
  size_t n = adex_net_proj_nsyn(net, j);
  cli_synapses mine;
  memset(&mine, 0, sizeof mine);
  if (alloc_table(&mine, n) != 0 ||
      adex_net_proj_synapses(net, j, mine.pre, mine.post, mine.w, mine.d,
                             mine.given) != ADEX_OK) {
    cli_synapses_free(&mine);
    return cli_error("%s: %s", adex_net_proj_name(net, j), adex_errmsg());
  }
  for (size_t q = 0; q < n; q++) mine.from[q] = q;
  if (cli_dist_comm() == NULL) {
    *s = mine;
    return 0;
  }
  /* several ranks: every rank's synapses to rank 0, sorted there */
  rec5 *send = malloc((n ? n : 1) * sizeof *send);
  if (send == NULL) {
    cli_synapses_free(&mine);
    return cli_dist_fatal(CLI_EXIT_FAILURE, "out of memory");
  }
  for (size_t q = 0; q < n; q++)
    send[q] = (rec5){(double)mine.pre[q], (double)mine.post[q], mine.w[q],
                     mine.d[q], (double)mine.given[q]};
  cli_synapses_free(&mine);
  size_t total = 0;
  rec5 *all = cli_dist_gather_all(send, n, sizeof *send, &total);
  free(send);
  if (!cli_dist_root()) {
    free(all);
    return 0;
  }
  size_t *idx = malloc((total ? total : 1) * sizeof *idx);
  if (all == NULL || idx == NULL || alloc_table(s, total) != 0) {
    free(all);
    free(idx);
    cli_synapses_free(s);
    return cli_dist_fatal(CLI_EXIT_FAILURE, "out of memory");
  }
  for (size_t q = 0; q < total; q++) idx[q] = q;
  sort_base = all;
  sort_by_given = by_given;
  qsort(idx, total, sizeof *idx, cmp_syn);
  for (size_t q = 0; q < total; q++) {
    const rec5 *x = &all[idx[q]];
    s->pre[q] = (size_t)x->pre;
    s->post[q] = (size_t)x->post;
    s->w[q] = x->w;
    s->d[q] = x->d;
    s->given[q] = by_given ? (size_t)x->given : q;
    s->from[idx[q]] = q;
  }
  free(idx);
  free(all);
  return 0;
}

void cli_synapses_free(cli_synapses *s) {
  free(s->pre);
  free(s->post);
  free(s->given);
  free(s->from);
  free(s->w);
  free(s->d);
  memset(s, 0, sizeof *s);
}
