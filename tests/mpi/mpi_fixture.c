/* mpi_fixture.c - see mpi_fixture.h. */
#include "mpi_fixture.h"

#include "coba_pop.h" /* bench/: the COBA-AdEx neurons */

#include <stdlib.h>
#include <string.h>

int fx_failures;
int fx_me;

adex_pop *fx_pop(const adex_comm *comm, size_t total, const fx_pop_opts *o) {
  size_t lo = 0, hi = total;
  if (comm != NULL) adex_comm_block(total, comm->size, comm->rank, &lo, &hi);
  adex_pop_config c;
  coba_pop_config(&c, hi - lo, lo, o->seed, o->threads);
  c.name = o->name;
  c.tau_ref = o->tau_ref;
  c.noise = o->noise;
  c.noise_seed = o->seed;
  c.param_init[ADEX_P_TAU] = o->tau_init;
  adex_pop *p = NULL;
  if (adex_pop_create(&c, &p) != ADEX_OK)
    fprintf(stderr, "rank %d: %s\n", fx_me, adex_errmsg());
  return p;
}

void fx_add_pop(fx_net *b, const adex_comm *comm, size_t total, adex_pop *p) {
  CHECK(p != NULL && b->npops < FX_MAXP);
  if (p == NULL || b->npops >= FX_MAXP) return;
  CHECK(comm != NULL ? adex_net_add_pop_part(b->net, p, total, NULL) == ADEX_OK
                     : adex_net_add_pop(b->net, p, NULL) == ADEX_OK);
  b->pops[b->npops++] = p;
}

size_t fx_proj(fx_net *b, adex_syn_model m, size_t pre, size_t post,
               adex_conn conn, double g_max, double delay, const double *delays,
               size_t nd, const double *w, size_t nw) {
  /* names of their own: the keys of every build are the same (the
   * library keeps the pointer) */
  static char names[32][16];
  size_t k = adex_net_proj_count(b->net);
  CHECK(!b->named || k < 32);
  adex_proj_config c;
  adex_proj_config_default(&c, m, pre, post, conn);
  if (b->named && k < 32) {
    snprintf(names[k], sizeof names[k], "P%zu", k);
    c.name = names[k];
  }
  c.g_max = g_max;
  c.delay = delay;
  c.delays = delays;
  c.n_delays = nd;
  c.weights = w;
  c.n_weights = nw;
  size_t idx = 0;
  adex_status st = adex_net_add_proj(b->net, &c, &idx);
  if (st != ADEX_OK)
    fprintf(stderr, "rank %d: %s\n", fx_me, adex_net_errmsg(b->net));
  CHECK(st == ADEX_OK);
  return idx;
}

void fx_every_model(fx_net *b, bool alpha_coba) {
  static double dpre[37], dsyn[37 * 29], wsyn[37 * 29];
  for (size_t i = 0; i < 37; i++) dpre[i] = 0.3 + 0.1 * (double)(i % 4);
  for (size_t s = 0; s < 37 * 29; s++) {
    dsyn[s] = 0.3 + 0.1 * (double)(s % 5);
    wsyn[s] = 0.5 + 0.01 * (double)(s % 13);
  }
  /* IJ pairs, some repeated, in no order */
  static size_t ii[60], jj[60];
  for (size_t q = 0; q < 60; q++) {
    ii[q] = (q * 7) % 37;
    jj[q] = (q * 11 + 3) % 29;
  }
  fx_proj(b, ADEX_SYN_DELTA, 0, 1, adex_conn_ij(ii, jj, 60), 1.5, 0.3, NULL, 0,
          wsyn, 60);
  fx_proj(b, ADEX_SYN_EXP_CUBA, 0, 1, adex_conn_all2all(true), 0.05, 0, dsyn,
          37 * 29, wsyn, 37 * 29);
  fx_proj(b, ADEX_SYN_EXP_COBA, 1, 0, adex_conn_fixed_pre_num(5, true, 7), 0.4,
          0.5, NULL, 0, NULL, 0);
  fx_proj(b, ADEX_SYN_DUAL_EXP_CUBA, 0, 0,
          adex_conn_fixed_post_num(6, false, 8), 0.3, 0, dpre, 37, NULL, 0);
  fx_proj(b, ADEX_SYN_DUAL_EXP_COBA, 0, 1, adex_conn_fixed_prob(0.3, true, 9),
          0.2, 0.4, NULL, 0, NULL, 0);
  fx_proj(b, ADEX_SYN_ALPHA_CUBA, 1, 1, adex_conn_one2one(), 0.5, 0.3, NULL, 0,
          NULL, 0);
  if (alpha_coba)
    fx_proj(b, ADEX_SYN_ALPHA_COBA, 0, 0, adex_conn_grid_four(false), 0.2, 0.6,
            NULL, 0, NULL, 0);
  fx_proj(b, ADEX_SYN_NMDA, 0, 1, adex_conn_fixed_prob(0.2, true, 10), 0.3, 0,
          dpre, 37, NULL, 0);
  fx_proj(b, ADEX_SYN_AMPA, 1, 0, adex_conn_fixed_prob(0.2, true, 11), 0.4, 0.3,
          NULL, 0, NULL, 0);
  fx_proj(b, ADEX_SYN_GABAA, 0, 0, adex_conn_fixed_prob(0.1, false, 12), 0.1,
          0.3, NULL, 0, NULL, 0);
}

void fx_destroy(fx_net *b) {
  adex_net_destroy(b->net);
  for (size_t p = 0; p < b->npops; p++) adex_pop_destroy(b->pops[p]);
  memset(b, 0, sizeof *b);
}
