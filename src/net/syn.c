/* syn.c - the synapse models' update (phase 2 of a network step).
 *
 * Delivery is event driven: each spike of the pre population adds its
 * synapses' weights to the ring row of the step in which they act, so the
 * work grows with spikes x fan-out. Then the row of this step is the
 * post-synaptic sum of the models (BrainPy's `post_vs`), and the model
 * turns it into the post population's input (docs/networks.md):
 *
 *   DeltaSynapse  V += post_vs            (not where refractory, if asked)
 *   ExpCUBA       g = g exp(-dt/tau) + post_vs;  input += g
 *   ExpCOBA       g = g exp(-dt/tau) + post_vs;  input += g (E - V)
 */
#include <string.h>

#include "net/net_internal.h"

/* Add the synapses of every pre neuron that spiked in step k - 1 to the
 * rows of the steps in which they act. */
static void deliver(net_proj *p, const bool *pre_spike, uint64_t k) {
  size_t L = p->ring_len, Q = p->npost;
  for (size_t i = 0; i < p->npre; i++) {
    if (!pre_spike[i]) continue;
    size_t a = p->row[i], b = p->row[i + 1];
    if (p->dly == NULL && p->w == NULL) {
      double *r = p->ring + ((k - 1 + p->d_all) % L) * Q;
      for (size_t s = a; s < b; s++) r[p->post_idx[s]] += p->w_all;
    } else {
      for (size_t s = a; s < b; s++) {
        uint64_t d = p->dly != NULL ? p->dly[s] : p->d_all;
        double w = p->w != NULL ? p->w[s] : p->w_all;
        p->ring[((k - 1 + d) % L) * Q + p->post_idx[s]] += w;
      }
    }
  }
}

void adex__net_proj_update(net_proj *p, const bool *pre_spike, uint64_t k,
                           adex_pop *post) {
  deliver(p, pre_spike, k);
  size_t Q = p->npost;
  double *vs = p->ring + (k % p->ring_len) * Q;
  double *V = adex_pop_V(post);
  switch (p->cfg.model) {
  case ADEX_SYN_DELTA:
    if (p->cfg.post_has_ref) {
      const bool *ref = adex_pop_refractory(post);
      for (size_t j = 0; j < Q; j++)
        if (!ref[j]) V[j] += vs[j];
    } else {
      for (size_t j = 0; j < Q; j++) V[j] += vs[j];
    }
    break;
  case ADEX_SYN_EXP_CUBA: {
    double *in = adex_pop_input(post), *g = p->g, decay = p->decay;
    for (size_t j = 0; j < Q; j++) {
      g[j] = g[j] * decay + vs[j];
      in[j] += g[j];
    }
    break;
  }
  case ADEX_SYN_EXP_COBA: {
    double *in = adex_pop_input(post), *g = p->g, decay = p->decay;
    double E = p->cfg.E;
    for (size_t j = 0; j < Q; j++) {
      g[j] = g[j] * decay + vs[j];
      in[j] += g[j] * (E - V[j]);
    }
    break;
  }
  }
  memset(vs, 0, Q * sizeof *vs);
}
