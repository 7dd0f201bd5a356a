/* cli/run/cli_synapses.h - a projection's synapses, whole, in its synapse
 * order, for the output file (save_synapses) and the recording of
 * per-synapse state (STP), alone or on several ranks (cli_dist.h). */
#ifndef ADEX_CLI_SYNAPSES_H
#define ADEX_CLI_SYNAPSES_H

#include <stddef.h>

#include "adex/adex.h"

typedef struct cli_synapses {
  size_t n;           /* synapses (rank 0 or alone: all; else 0) */
  size_t *pre, *post; /* in the projection's synapse order */
  double *w, *d;      /* weight, delay (ms) */
  size_t *given;      /* position in the pairs given (IJ, CSR), or in
                            the synapse order */
  size_t *from;       /* gathered place q (this rank's synapses, then
                            the next rank's, ...) -> synapse order */
} cli_synapses;

/* The synapses of projection j (by_given: IJ or CSR, whose order within
 * one pre neuron is the order given). Collective on several ranks; the
 * table is rank 0's. 0, or an exit status after a message. */
int cli_synapses_get(adex_net *net, size_t j, int by_given, cli_synapses *s);

void cli_synapses_free(cli_synapses *s);

#endif /* ADEX_CLI_SYNAPSES_H */
