/* net_internal.h - the network's layout (internal; docs/networks.md).
 *
 * A network is a list of groups (populations and spike sources) and a list
 * of projections. Each projection keeps its synapses by source: row i of
 * `row` lists the synapses of pre neuron i (post index, and where they
 * differ per synapse, weight and delay in steps), so a spike costs its
 * fan-out. Spikes reach the post side through a ring of `ring_len` rows of
 * post-sized sums: a spike found in step s with a delay of d steps is added
 * to row (s + d) mod ring_len and read in the projection update of step
 * s + d.
 */
#ifndef ADEX_NET_INTERNAL_H
#define ADEX_NET_INTERNAL_H

#include "adex/net.h"
#include "names.h"

/* What kind of group. */
typedef enum net_group_kind { NET_GROUP_POP, NET_GROUP_POISSON } net_group_kind;

typedef struct net_group {
  net_group_kind kind;
  size_t num;
  adex_pop *pop;       /* NET_GROUP_POP: borrowed */
  bool *spike;         /* spikes of the last step (the pop's, or own) */
  /* NET_GROUP_POISSON */
  adex__named name;    /* its name (pops keep their own) */
  double *freqs;       /* num values, Hz */
  uint64_t seed;
} net_group;

typedef struct net_proj {
  adex__named name;
  adex_proj_config cfg;  /* conn's arrays are read only in plan */
  /* copies of the user's arrays, taken at add, freed at destroy */
  size_t *conn_a, *conn_b;   /* IJ: i, j; CSR: indices, indptr */
  double *weights_in;        /* per-synapse weights in the given order */
  size_t n_weights_in;
  /* planned connectivity, by source */
  size_t npre, npost;
  size_t nsyn;
  size_t *row;          /* npre + 1 offsets into post_idx */
  uint32_t *post_idx;   /* nsyn post indices */
  double *w;            /* nsyn weights, or NULL: every weight is w_all */
  double w_all;
  uint16_t *dly;        /* nsyn delays in steps, or NULL: every one d_all */
  uint32_t d_all;
  size_t *order;        /* IJ with weights: synapse -> position given */
  /* delivery */
  size_t ring_len;      /* max delay in steps + 1 */
  double *ring;         /* ring_len x npost */
  double *g;            /* npost conductances (Exp models), or NULL */
  double decay;         /* exp(-dt/tau) */
} net_proj;

struct adex_net {
  double t0, dt;
  uint64_t k;           /* steps done */
  bool planned;
  net_group *groups;
  size_t ngroups, cap_groups;
  net_proj *projs;
  size_t nprojs, cap_projs;
  char errmsg[512];
};

/* Draw the connections of p (pre size npre, post size npost, `same`: pre
 * and post are one population) into p->row / p->post_idx (and p->order for
 * IJ). ADEX_ERANGE / ADEX_ENOMEM with a message. */
adex_status adex__net_connect(net_proj *p, bool same);

/* The projection update of step k (phase 2 of docs/networks.md): deliver
 * the spikes of `pre_spike` (found in step k - 1) into the ring, then apply
 * this step's row to the post group. */
void adex__net_proj_update(net_proj *p, const bool *pre_spike, uint64_t k,
                           adex_pop *post);

#endif /* ADEX_NET_INTERNAL_H */
