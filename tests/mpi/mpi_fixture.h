/* mpi_fixture.h - what the MPI network tests share: a check that counts
 * failures per rank, the populations (COBA-AdEx neurons, this rank's
 * block of each), projections, and the network of every synapse model
 * among two populations of sizes that do not divide among the ranks. */
#ifndef ADEX_TEST_MPI_FIXTURE_H
#define ADEX_TEST_MPI_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "adex/adex.h"
#include "adex/comm.h"

extern int fx_failures; /* checks failed on this rank */
extern int fx_me;       /* this rank */

#define CHECK(c)                                                               \
  do {                                                                         \
    if (!(c)) {                                                                \
      fprintf(stderr, "rank %d: %s:%d: %s\n", fx_me, __FILE__, __LINE__, #c);  \
      fx_failures++;                                                           \
    }                                                                          \
  } while (0)

#define FX_MAXP 4 /* AdExIF populations of a test network, at most */

/* A test network and its AdExIF populations (network indices
 * 0 .. npops - 1), which it does not own. */
typedef struct fx_net {
  adex_net *net;
  adex_pop *pops[FX_MAXP];
  size_t npops;
  bool named; /* projections named P<k> (k: the index), the same names in
                 every build (one build at a time: names are unique) */
} fx_net;

/* How a population differs from the plain COBA-AdEx one. */
typedef struct fx_pop_opts {
  const char *name;          /* or NULL: the library's */
  double tau_ref;            /* ms */
  double noise;              /* mV/sqrt(ms) */
  int threads;               /* adex_pop_config.threads */
  uint64_t seed;             /* of V's uniform initializer and the noise */
  const adex_init *tau_init; /* tau per neuron, or NULL */
} fx_pop_opts;

/* This rank's block (comm; NULL: the whole) of a population of `total`
 * COBA-AdEx neurons (docs/networks.md), V uniform in [-60, -50] mV. NULL
 * (and the message printed) when the library refuses it. */
adex_pop *fx_pop(const adex_comm *comm, size_t total, const fx_pop_opts *o);

/* Add p, this rank's block of `total` neurons, to b (a part on comm). */
void fx_add_pop(fx_net *b, const adex_comm *comm, size_t total, adex_pop *p);

/* Add a projection (named P<k> where b->named); returns its index k. */
size_t fx_proj(fx_net *b, adex_syn_model m, size_t pre, size_t post,
               adex_conn conn, double g_max, double delay, const double *delays,
               size_t nd, const double *w, size_t nw);

/* One projection of every synapse model but STP between populations 0
 * (37 neurons) and 1 (29), delays of 3 steps and more, per-synapse and
 * per-pre delays and weights, IJ pairs with repeats; AlphaCOBA on
 * GridFour where alpha_coba. */
void fx_every_model(fx_net *b, bool alpha_coba);

/* The network, then its populations. */
void fx_destroy(fx_net *b);

#endif
