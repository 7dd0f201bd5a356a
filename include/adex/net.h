/* net.h - networks: populations connected by projections.
 *
 * A network holds populations (AdExIF populations made with adex_pop_create,
 * and spike sources) and projections between them, and advances them
 * together, one step of dt at a time, in the order of docs/networks.md:
 *
 *   1. the caller adds this step's inputs to the populations' `input`
 *      (or uses the population's drive);
 *   2. every projection, in the order added, reads its pre population's
 *      spikes of the previous step and its post population's V, and adds
 *      its output to the post population's `input` (DeltaSynapse: to V);
 *   3. every population, in the order added, updates from t to t + dt.
 *
 * Step k of a network runs from t_k to t_k + dt, k counted from the
 * network's creation (or restored by adex_net_load_states): t_k =
 * (n0 + k) dt when t0 is a whole number n0 of steps (t0/dt within 1e-9 of
 * an integer), else t0 + k dt. So a run continued in several calls, or
 * from a state file, takes exactly the times of one long run.
 *
 * Life cycle (plan once, then step without allocation):
 *   adex_net_create -> adex_net_add_pop / adex_net_add_poisson /
 *   adex_net_add_proj (any order) -> adex_net_plan (draws the connections,
 *   allocates every buffer) -> adex_net_step / adex_net_run ... ->
 *   adex_net_destroy.
 *
 * Connectivity is drawn from counter-based random streams keyed by the
 * connector's seed and the global index of the neuron that owns the
 * synapse (the target for FixedProb and FixedPreNum, the source for
 * FixedPostNum): the same synapses whatever the number of threads, and
 * ready to be drawn part by part on several processes. Synapses live with
 * their targets and are stored by source, so one spike costs its fan-out.
 */
#ifndef ADEX_NET_H
#define ADEX_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "adex/comm.h"
#include "adex/export.h"
#include "adex/pop.h"
#include "adex/runner.h"
#include "adex/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct adex_net adex_net;

/* Synapse models (docs/networks.md gives each one's update). */
typedef enum adex_syn_model {
  ADEX_SYN_DELTA,         /* DeltaSynapse: post.V += sum of weights */
  ADEX_SYN_EXP_CUBA,      /* ExpCUBA: g per post neuron, post.input += g */
  ADEX_SYN_EXP_COBA,      /* ExpCOBA: post.input += g (E - post.V) */
  ADEX_SYN_DUAL_EXP_CUBA, /* DualExpCUBA: g, h per pre neuron */
  ADEX_SYN_DUAL_EXP_COBA, /* DualExpCOBA */
  ADEX_SYN_ALPHA_CUBA,    /* AlphaCUBA: DualExp with tau_rise = tau_decay */
  ADEX_SYN_ALPHA_COBA,    /* AlphaCOBA */
  ADEX_SYN_NMDA,          /* NMDA: g, x per pre neuron, Mg block */
  ADEX_SYN_AMPA,          /* AMPA: g, spike arrival time per pre neuron */
  ADEX_SYN_GABAA,         /* GABAa: AMPA's equations, other defaults */
  ADEX_SYN_STP            /* STP: x, u, I per synapse */
} adex_syn_model;

/* BrainPy's class name of a model ("ExpCOBA"), or NULL if out of range. */
ADEX_API const char *adex_syn_model_name(adex_syn_model model);

/* The model called `name` (BrainPy's class names); ADEX_EKEY if unknown. */
ADEX_API adex_status adex_syn_model_find(const char *name, adex_syn_model *out);

/* Connectors, with BrainPy's names and parameters. */
typedef enum adex_conn_kind {
  ADEX_CONN_ONE2ONE,        /* i -> i; pre and post of equal size */
  ADEX_CONN_ALL2ALL,        /* every pair (i -> i only with include_self when
                               pre is post) */
  ADEX_CONN_FIXED_PROB,     /* each pair independently with probability prob */
  ADEX_CONN_FIXED_PRE_NUM,  /* each post neuron: exactly num distinct pres */
  ADEX_CONN_FIXED_POST_NUM, /* each pre neuron: exactly num distinct posts */
  ADEX_CONN_IJ,             /* the pairs (i[m], j[m]) given */
  ADEX_CONN_CSR,            /* pre i -> indices[indptr[i] .. indptr[i+1]) */
  ADEX_CONN_GAUSSIAN_PROB,  /* pair (i, j) with probability
                               exp(-|v_i - v_j|^2 / (2 sigma^2)), v a
                               neuron's position (docs/networks.md) */
  ADEX_CONN_GRID_FOUR,      /* the 4 nearest neighbours on a 1-D or 2-D grid */
  ADEX_CONN_GRID_N          /* the (2N+1)^2 - 1 nearest (GridEight: N = 1) */
} adex_conn_kind;

typedef struct adex_conn {
  adex_conn_kind kind;
  bool include_self; /* ALL2ALL, FIXED_*: allow i -> i when pre is post */
  double prob;       /* FIXED_PROB: in [0, 1] */
  size_t num;        /* FIXED_PRE_NUM: <= pre size; FIXED_POST_NUM: <= post */
  uint64_t seed;     /* FIXED_*: the random stream */
  const size_t *i;   /* IJ: pre indices (read during adex_net_plan) */
  const size_t *j;   /* IJ: post indices */
  size_t n_pairs;    /* IJ: how many pairs */
  const size_t *indices; /* CSR: post indices, indptr[pre size] of them */
  const size_t *indptr;  /* CSR: pre size + 1 offsets, non-decreasing */
  /* GaussianProb and the grids (BrainPy's one-end connectors: pre and post
   * of one size, positions on the pre population's shape) */
  size_t ndim; /* the shape's dimensions; 0: the pre
                            population's (a spike source: 1-D) */
  size_t shape[ADEX_MAX_DIM];
  double sigma;    /* GAUSSIAN_PROB: width, in position units, > 0 */
  bool normalize;  /* GAUSSIAN_PROB: divide by the largest
                            probability (1 at distance 0: no change) */
  bool periodic;   /* GAUSSIAN_PROB: distances wrap around */
  size_t n_ranges; /* GAUSSIAN_PROB encoding values: 0: dimension d
                            spans [0, shape[d]); 1: every dimension spans
                            ranges[0]; ndim: dimension d spans ranges[d] */
  double ranges[ADEX_MAX_DIM][2];
  size_t grid_n; /* GRID_N: N >= 0 */
} adex_conn;

ADEX_API adex_conn adex_conn_one2one(void);
ADEX_API adex_conn adex_conn_all2all(bool include_self);
ADEX_API adex_conn adex_conn_fixed_prob(double prob, bool include_self,
                                        uint64_t seed);
ADEX_API adex_conn adex_conn_fixed_pre_num(size_t num, bool include_self,
                                           uint64_t seed);
ADEX_API adex_conn adex_conn_fixed_post_num(size_t num, bool include_self,
                                            uint64_t seed);
ADEX_API adex_conn adex_conn_ij(const size_t *i, const size_t *j, size_t n);
ADEX_API adex_conn adex_conn_csr(const size_t *indices, const size_t *indptr);
/* BrainPy's GaussianProb(sigma, normalize, include_self, periodic_boundary,
 * seed): the pair (i, j) with probability exp(-|v_i - v_j|^2 /
 * (2 sigma^2)), each pair drawn independently from the post neuron's
 * stream. Positions: neuron m has coordinate c_d = (m / (shape[0] ...
 * shape[d-1])) mod shape[d] and value v_d = lo_d + c_d (hi_d - lo_d) /
 * shape[d] (the ranges above); distances wrap at half the range when
 * periodic. include_self: the pair (i, i). */
ADEX_API adex_conn adex_conn_gaussian_prob(double sigma, bool normalize,
                                           bool include_self, bool periodic,
                                           uint64_t seed);
/* BrainPy's GridFour(include_self) and GridN(N, include_self) (GridEight
 * is GridN(1)): on the pre population's 1-D (height = size, width 1) or
 * 2-D (height x width, row-major) shape, neuron (r, c) reaches the
 * neurons within |dr| + |dc| = 1 (GridFour), max(|dr|, |dc|) <= N
 * (GridN), inside the grid (no wrapping), itself only with include_self. */
ADEX_API adex_conn adex_conn_grid_four(bool include_self);
ADEX_API adex_conn adex_conn_grid_n(size_t n, bool include_self);

/* A projection from population `pre` to population `post` (indices in the
 * order they were added to the network). */
typedef struct adex_proj_config {
  const char *name; /* NULL: automatic, the model's name + a number */
  adex_syn_model model;
  size_t pre, post; /* population indices in the network */
  adex_conn conn;
  double g_max;          /* weight of every synapse (DeltaSynapse: `weights`),
                           finite; ignored when weights is set */
  const double *weights; /* NULL, or n_weights finite weights, one per
                            synapse: for IJ and CSR in the order the pairs
                            were given, else in the projection's synapse
                            order (adex_net_proj_synapses); copied by
                            adex_net_add_proj */
  size_t n_weights;      /* must equal the number of synapses drawn */
  /* Model parameters, BrainPy's names; adex_proj_config_default fills
   * each model's defaults (docs/networks.md), the others are ignored. */
  double tau;           /* ms, > 0: ExpCUBA/ExpCOBA decay [8], STP's I [8] */
  double E;             /* mV: reversal potential of the COBA models, NMDA
                           [0], AMPA [0], GABAa [-80] */
  double tau_decay;     /* ms, > 0: DualExp/Alpha [10], NMDA [100] */
  double tau_rise;      /* ms, > 0: DualExp [1], NMDA [2] */
  double cc_Mg;         /* mM, >= 0: NMDA [1.2] */
  double alpha;         /* NMDA [0.062] (1/mV); AMPA [0.98], GABAa [0.53] */
  double beta;          /* NMDA [3.57] (mM); AMPA [0.18], GABAa [0.18] */
  double a;             /* NMDA [0.5] (1/ms) */
  double T;             /* mM: AMPA [0.5], GABAa [1] */
  double T_duration;    /* ms: AMPA [0.5], GABAa [1] */
  double U;             /* STP [0.15], in [0, 1] */
  double tau_f;         /* ms, > 0: STP [1500] */
  double tau_d;         /* ms, > 0: STP [200] */
  double A;             /* STP [1] */
  double delay;         /* ms: spikes found in the step that starts at
                           t - delay act at t; a whole multiple of dt,
                           >= dt and <= 65535 dt; 0 means dt (the
                           minimum, one step) */
  const double *delays; /* NULL, or n_delays delays in ms, each as `delay`
                           (which is then ignored): one per synapse for
                           DeltaSynapse, ExpCUBA and ExpCOBA (in the order
                           of weights), one per pre neuron for DualExp,
                           Alpha, NMDA, AMPA and GABAa; copied */
  size_t n_delays;
  bool post_has_ref; /* DeltaSynapse: not into refractory neurons */
} adex_proj_config;

/* Fill cfg with BrainPy's defaults for `model` (its g_max and parameters,
 * the minimum delay) from pre to post through conn. */
ADEX_API void adex_proj_config_default(adex_proj_config *cfg,
                                       adex_syn_model model, size_t pre,
                                       size_t post, adex_conn conn);

/* A new, empty network with time step dt (ms, finite, > 0) whose step 0
 * starts at t0 (ms, finite), called `name` (NULL: automatic, "Network0",
 * ...; it prefixes the network's own keys in state files). ADEX_EINVAL for
 * bad values or a name in use, ADEX_ENOMEM. */
ADEX_API adex_status adex_net_create(double t0, double dt, const char *name,
                                     adex_net **out);

/* The network's name. */
ADEX_API const char *adex_net_name(const adex_net *net);

/* Free the network and its projections; NULL is a no-op. Populations added
 * with adex_net_add_pop stay the caller's. */
ADEX_API void adex_net_destroy(adex_net *net);

/* Spread the network over the ranks of `comm` (adex/comm.h; it must
 * outlive the network), called before anything is added. Every rank then
 * builds the same network with the same calls, except that it adds its
 * part of each AdExIF population (adex_net_add_pop_part); spike sources
 * are computed whole on every rank, each projection keeps the synapses
 * that end on this rank's neurons (drawn here from the same streams), and
 * the ranks exchange their populations' spikes every adex_net_sync_steps
 * steps (the smallest delay of the projections from populations), so the
 * network takes the same steps, bit for bit, whatever the number of
 * ranks. Every step is then collective: all ranks step together, and an
 * update that fails on one rank makes adex_net_step fail on every rank
 * (the others' message names it) within adex_net_sync_steps steps. NULL,
 * or a communicator of one rank: the network is alone (the default).
 * State files are the same on any number of ranks (adex_net_save_states). */
ADEX_API adex_status adex_net_set_comm(adex_net *net, const adex_comm *comm);

/* On several ranks, end every step with one collective call that agrees
 * on failures (`on`; off by default): a step that fails on one rank then
 * fails in the same step on every rank, with the failed rank's message,
 * so that the caller may make collective calls of its own between steps
 * (the adex program gathers its recordings). Costs one allgather of a few
 * bytes per step. Alone: no effect. */
ADEX_API adex_status adex_net_set_lockstep(adex_net *net, bool on);

/* Add this rank's part of an AdExIF population of `total` neurons: pop
 * holds neurons [lo, hi) = adex_comm_block(total, ranks, rank), made with
 * num = hi - lo and first_id = lo (so that its random initializers and
 * noise are those of the whole population); ADEX_ESIZE otherwise. Alone,
 * total is pop's size. */
ADEX_API adex_status adex_net_add_pop_part(adex_net *net, adex_pop *pop,
                                           size_t total, size_t *index);

/* Add an AdExIF population (borrowed: it must outlive the network and not
 * be added twice). Its index is the number of populations before it. A
 * float32 population takes its projections' currents in double, rounded
 * to float once per step (docs/networks.md, *float32 populations*).
 * ADEX_EINVAL after adex_net_plan. */
ADEX_API adex_status adex_net_add_pop(adex_net *net, adex_pop *pop,
                                      size_t *index);

/* Add a PoissonGroup of `num` neurons owned by the network: in the update
 * of step k neuron i spikes when U(seed, i, k) <= freq_i dt / 1000, with
 * freq in Hz, one value (freqs_len 1) or one per neuron; U is the
 * counter-based uniform stream of the seed, keyed by neuron and step.
 * `name` NULL: automatic ("PoissonGroup0"). */
ADEX_API adex_status adex_net_add_poisson(adex_net *net, size_t num,
                                          const double *freqs, size_t freqs_len,
                                          uint64_t seed, const char *name,
                                          size_t *index);

/* Add a SpikeTimeGroup of `num` neurons owned by the network: in the
 * update of the step that starts at t, neuron indices[m] spikes for every
 * times[m] <= t (ms) not yet emitted (several in one step are one spike).
 * times must be finite and indices < num; any order (sorted here, stably).
 * `name` NULL: automatic ("SpikeTimeGroup0"). */
ADEX_API adex_status adex_net_add_spike_times(adex_net *net, size_t num,
                                              const double *times,
                                              const size_t *indices,
                                              size_t n_spikes, const char *name,
                                              size_t *index);

/* Add a projection (checked here: indices, model parameters, connector
 * parameters that do not need the connections drawn). Its index is the
 * number of projections before it. */
ADEX_API adex_status adex_net_add_proj(adex_net *net,
                                       const adex_proj_config *cfg,
                                       size_t *index);

/* Draw every projection's connections and allocate every buffer. After
 * this, populations and projections can no longer be added. ADEX_ERANGE
 * for indices out of range, a connector that cannot be satisfied, or a
 * delay that is not a whole multiple of dt; ADEX_ESIZE for a weight list
 * of the wrong length; ADEX_ENOMEM with the estimated size when the
 * synapses do not fit. */
ADEX_API adex_status adex_net_plan(adex_net *net);

/* One step of the network (planned first; ADEX_EINVAL otherwise): from
 * t = adex_net_time(net) to t + dt. When every projection is of the Exp
 * family (DeltaSynapse, ExpCUBA, ExpCOBA) and every population takes its
 * fused step (no adaptive step, precise spike times or noise), the step
 * is split by post neurons and runs on as many OpenMP threads as the
 * largest adex_pop_config.threads of its populations (0: OpenMP's
 * default), one per 1024 neurons at most; every number of threads gives
 * the same bits (docs/networks.md). */
ADEX_API adex_status adex_net_step(adex_net *net);

/* Called every adex_run_progress_every(steps) steps and at the end; a
 * non-zero return stops the run after the current step. */
typedef int (*adex_net_progress_fn)(void *user, size_t done, size_t total);

/* `steps` steps; *done (if not NULL) gets how many ran. */
ADEX_API adex_status adex_net_run(adex_net *net, size_t steps,
                                  adex_net_progress_fn progress, void *user,
                                  size_t *done);

/* An input of a network run: added (or applied by `op`) to a
 * population's variable before each step (a float32 variable: each input
 * computed in double and rounded to float). */
typedef struct adex_net_input {
  size_t pop;        /* population index (an AdExIF population) */
  const char *var;   /* "input" (NULL means it), "V" or "w" */
  char op;           /* '+' (0 means it), '-', '*', '/' or '=' */
  adex_run_input in; /* SCALAR, NEURON (num values) or STEP (steps x num,
                          C order); only read during the call */
} adex_net_input;

/* A recorded variable of a network run. */
typedef struct adex_net_monitor {
  const char *key;       /* "<node name>.<var>": a population's variable
                            ("E.V", "E.spike", any of its vars()), a spike
                            source's "spike", a projection's state
                            ("E2E.g") */
  const size_t *indices; /* NULL: every element; else n_indices of them */
  size_t n_indices;
  adex_dtype dtype; /* the variable's element type */
  void *out;        /* steps x width, C order; row k = after step k */
} adex_net_monitor;

/* adex_net_run with inputs and monitors, the whole loop in C (what the
 * command line and Python's DSRunner use): for each step, the inputs in
 * order, the network's step, then one row of every monitor. Checked
 * before the first step (ADEX_EKEY for an unknown key, naming the known
 * ones; ADEX_ERANGE for an index out of range; ADEX_EINVAL for a wrong
 * dtype, op, variable or a source as an input's target); the loop itself
 * allocates nothing. */
ADEX_API adex_status adex_net_run_io(
    adex_net *net, size_t steps, const adex_net_input *inputs, size_t n_inputs,
    const adex_net_monitor *monitors, size_t n_monitors,
    adex_net_progress_fn progress, void *user, size_t *done);

/* adex_net_run_io with a front end's hooks (adex_run_hooks, runner.h):
 * for each step k, hooks->before_step, the inputs, the network's step,
 * the monitors' rows, hooks->after_step, progress. The loop of the adex
 * program. *stop (may be NULL) gets the non-zero value of the hook that
 * stopped the run, else 0. */
ADEX_API adex_status adex_net_run_hooked(
    adex_net *net, size_t steps, const adex_net_input *inputs, size_t n_inputs,
    const adex_net_monitor *monitors, size_t n_monitors,
    const adex_run_hooks *hooks, size_t *done, int *stop);

/* Start time of the next step (ms) and the number of steps done. */
ADEX_API double adex_net_time(const adex_net *net);
ADEX_API uint64_t adex_net_steps_done(const adex_net *net);
ADEX_API double adex_net_dt(const adex_net *net);

/* The population whose update failed in the last step (its message is
 * the network's), or SIZE_MAX. */
ADEX_API size_t adex_net_failed_pop(const adex_net *net);

/* Counts and names. */
ADEX_API size_t adex_net_pop_count(const adex_net *net);
ADEX_API size_t adex_net_proj_count(const adex_net *net);
ADEX_API const char *adex_net_pop_name(const adex_net *net, size_t pop);
ADEX_API const char *adex_net_proj_name(const adex_net *net, size_t proj);
ADEX_API size_t adex_net_pop_num(const adex_net *net, size_t pop);

/* This rank's neurons of population `pop`: [*lo, *lo + *n) (alone, and
 * for spike sources: 0 and the size). Either pointer may be NULL. */
ADEX_API void adex_net_pop_part(const adex_net *net, size_t pop, size_t *lo,
                                size_t *n);

/* Steps between two exchanges of spikes among ranks (planned; 1 alone). */
ADEX_API size_t adex_net_sync_steps(const adex_net *net);

/* This rank and the number of ranks (0 and 1 alone). */
ADEX_API int adex_net_rank(const adex_net *net);
ADEX_API int adex_net_ranks(const adex_net *net);

/* Spikes of population `pop` in the last step (num bools; on several
 * ranks this rank's part of a population), or NULL. */
ADEX_API const bool *adex_net_pop_spike(adex_net *net, size_t pop);

/* Number of synapses of a planned projection (0 before planning). */
ADEX_API size_t adex_net_proj_nsyn(const adex_net *net, size_t proj);

/* The synapses of a planned projection in its synapse order: by pre
 * index; within one pre neuron by post index (generated connectors) or in
 * the order given (IJ, CSR). Per-synapse state (STP's x, u, I) is in this
 * order too. Outputs, each adex_net_proj_nsyn long, any may be NULL: pre
 * and post indices, weight, delay (ms), and `given`: for IJ and CSR the
 * position of each synapse in the pairs given (for the others its own
 * position). */
ADEX_API adex_status adex_net_proj_synapses(const adex_net *net, size_t proj,
                                            size_t *pre, size_t *post,
                                            double *weight, double *delay,
                                            size_t *given);

/* The projection's conductance g (ExpCUBA/ExpCOBA: one per post neuron;
 * DualExp, Alpha, NMDA, AMPA, GABAa: one per pre neuron), writable; NULL
 * for models without it or before planning. */
ADEX_API double *adex_net_proj_g(adex_net *net, size_t proj);

/* A state variable of a planned projection by name ("g", "h", "x",
 * "spike_arrival_time", "u", "I"), with its length; NULL if the model has
 * none of that name. */
ADEX_API double *adex_net_proj_var(adex_net *net, size_t proj, const char *name,
                                   size_t *len);

/* Bytes held by the planned projections' connectivity, weights, delays and
 * buffers, and by the double copies of V and the input that the
 * projections into a float32 population work on (the figure adex_net_plan
 * compares with memory). */
ADEX_API size_t adex_net_bytes(const adex_net *net);

/* Save the state of a planned network to `filename` (.h5/.hdf5 or .npz,
 * docs/state-files.md): every AdExIF population's variables and delays
 * under its own keys ("E.V", ...), the spike sources' spikes, every
 * projection's state ("ExpCOBA0.g", ...) and delivery rings, and the step
 * count and the time of step 0 ("Network0.step", "Network0.t0"), so that
 * a network built the same way, loaded from the file, continues exactly
 * as the saved one would have, at the saved one's times. Written
 * atomically.
 * On several ranks (adex_net_set_comm) it is collective: every rank calls
 * it; the spikes the ranks hold for their next exchange are delivered
 * first (the run continues with the same bits), and rank 0 gathers every
 * rank's block and writes one file, byte for byte the one the network
 * alone writes after the same steps (STP's per-synapse state in the
 * order of the network alone); every rank returns the same status. */
ADEX_API adex_status adex_net_save_states(adex_net *net, const char *filename);

/* Load such a file into a planned network built the same way. Every key,
 * shape, dtype and value is checked before anything changes; keys the
 * file lacks are left as they are (warned on `log` when not NULL, with a
 * line per key loaded when verbose). On several ranks, collective: every
 * rank reads and checks the whole file (written on any number of ranks),
 * then takes its block; the same status on every rank, the log lines from
 * rank 0 only. */
ADEX_API adex_status adex_net_load_states(adex_net *net, const char *filename,
                                          int verbose, FILE *log);

/* The message of the last failure on this network. */
ADEX_API const char *adex_net_errmsg(const adex_net *net);

#ifdef __cplusplus
}
#endif
#endif /* ADEX_NET_H */
