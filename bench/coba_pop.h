/* coba_pop.h - the COBA-AdEx neurons (docs/networks.md) of the
 * benchmarks and of the tests that build that network (tests/test_net.c,
 * tests/mpi/mpi_fixture.c): BrainPy's example parameters, a 5 ms
 * refractory period, V uniform in [-60, -50] mV. */
#ifndef ADEX_BENCH_COBA_POP_H
#define ADEX_BENCH_COBA_POP_H

#include <stddef.h>
#include <stdint.h>

#include "adex/adex.h"

/* The configuration of n such neurons, the first with global id first. */
static inline void coba_pop_config(adex_pop_config *cfg, size_t n, size_t first,
                                   uint64_t seed, int threads) {
  adex_pop_config_default(cfg, n);
  cfg->first_id = first;
  cfg->params.tau = 20.0;
  cfg->params.V_rest = -60.0;
  cfg->params.V_reset = -60.0;
  cfg->params.V_T = -50.0;
  cfg->params.delta_T = 2.0;
  cfg->params.V_th = -30.0;
  cfg->params.a = 1.0;
  cfg->params.b = 1.0;
  cfg->params.tau_w = 30.0;
  cfg->tau_ref = 5.0;
  cfg->threads = threads;
  cfg->V_init = adex_init_uniform(-60.0, -50.0, seed);
}

#endif
