/* net_internal.h - the network's layout (internal; docs/networks.md).
 *
 * A network is a list of groups (populations and spike sources) and a list
 * of projections. Each projection keeps its synapses by source: row i of
 * `row` lists the synapses of pre neuron i (post index, and where they
 * differ per synapse, weight and delay in steps), so a spike costs its
 * fan-out. Spikes reach the post side through a ring of `ring_len` rows of
 * post-sized sums (ring_len: the longest delay in steps): a spike found in
 * step s with a delay of d steps is added to row (s + d) mod ring_len and
 * read, then cleared, in the projection update of step s + d.
 *
 * On several ranks (adex_net_set_comm) every population is cut into blocks
 * by adex_comm_block: a group's `lo`, `nloc` are this rank's neurons, a
 * projection keeps the synapses that end on them (post indices local,
 * pre indices global), and the populations' spikes are exchanged every
 * `sync` steps (the smallest delay), each rank gathering its spikes into
 * a pending list until then (docs/scaling.md). Spike sources are computed
 * whole on every rank.
 */
#ifndef ADEX_NET_INTERNAL_H
#define ADEX_NET_INTERNAL_H

#include "adex/net.h"
#include "names.h"

/* What kind of group. */
typedef enum net_group_kind {
  NET_GROUP_POP,     /* an AdExIF population */
  NET_GROUP_POISSON, /* PoissonGroup */
  NET_GROUP_TIMES    /* SpikeTimeGroup */
} net_group_kind;

typedef struct net_group {
  net_group_kind kind;
  size_t num;      /* neurons of the whole population */
  size_t lo, nloc; /* this rank's: [lo, lo + nloc) (alone: 0, num) */
  adex_pop *pop;   /* NET_GROUP_POP: borrowed (nloc neurons) */
  bool *spike;     /* spikes of the last step (the pop's, or own: nloc) */
  uint32_t *spk;   /* the spike lists delivered in this step (global
                        indices), or NULL when no projection starts here */
  size_t nspk;     /* their total length */
  size_t nbatch;   /* how many lists: of steps s_first, s_first + 1, ...
                        (alone: one, the last step's; exchanged: none, or
                        the steps since the last exchange) */
  uint64_t s_first;
  size_t *spk_off; /* nbatch + 1 offsets into spk */
  bool exchanged;  /* a population on several ranks that some
                        projection starts from: its spikes are sent */
  bool *gspike;    /* exchanged and read by STP: the last list as flags
                        by global index (num), else spike */
  uint32_t *pend;  /* exchanged: local indices of the steps not sent
                        yet (sync x nloc capacity), and their counts */
  size_t *pend_n;
  adex__named name; /* sources: their name (pops keep their own) */
  /* NET_GROUP_POP: how many projections end here when their post side
   * can be folded into its step (plan: all ExpCOBA or ExpCUBA, at most
   * ADEX__MAX_CHANS); else 0 */
  size_t nfold;
  /* NET_GROUP_POP of float32 with projections into it (plan; else NULL):
   * double copies of V and the input, nloc each, that the projections of a
   * whole step read and add to (net_post; a split step keeps a tile's on
   * its stack), and whether a DeltaSynapse ends here (it changes V) */
  double *V64, *in64;
  bool delta_in;
  /* ... and where its post side runs on its float arrays directly
   * (adex__net_proj_f32_direct; plan): the one or two projections into
   * it, by index, else ndirect 0 */
  size_t direct[2], ndirect;
  /* NET_GROUP_POP: a number to add to the input at the start of the next
   * step (adex__net_defer_add), where has_add */
  double add;
  bool has_add;
  /* NET_GROUP_POISSON */
  double *freqs; /* num values, Hz */
  uint64_t seed;
  /* NET_GROUP_TIMES */
  double *times;   /* n_spikes times, sorted (ms) */
  size_t *indices; /* their neurons */
  size_t n_spikes;
  size_t cursor;       /* the first not yet emitted */
  double cursor_saved; /* cursor as state files hold it */
} net_group;

typedef struct net_proj {
  adex__named name;
  adex_proj_config cfg; /* conn's arrays are read only in plan */
  /* copies of the user's arrays, taken at add, freed at destroy */
  size_t *conn_a, *conn_b; /* IJ: i, j; CSR: indices, indptr */
  double *weights_in;      /* per-synapse weights in the given order */
  size_t n_weights_in;
  double *delays_in; /* per-synapse or per-pre delays (ms) */
  size_t n_delays_in;
  /* planned connectivity, by source */
  size_t npre, npost;       /* pre neurons (all), post neurons of this rank */
  size_t post_lo, post_all; /* the first of them, the post population's */
  size_t nsyn;
  size_t nsyn_all;    /* synapses on every rank (alone: nsyn); known
                         where per-synapse arrays are given */
  uint32_t *row;      /* npre + 1 offsets into post_idx (a projection
                           holds at most 2^32 - 1 synapses) */
  uint32_t *post_idx; /* nsyn post indices */
  bool rows_sorted;   /* every row's post indices increase (plan) */
  double *w;          /* nsyn weights, or NULL: every weight is w_all */
  double w_all;
  uint16_t *dly;     /* nsyn delays in steps (Exp family), or NULL */
  uint16_t *dly_pre; /* npre delays in steps (per-pre models), or NULL */
  uint32_t d_all;    /* the delay in steps where neither is set */
  uint32_t d_min;    /* the smallest delay of all its synapses (plan) */
  size_t *order;     /* IJ with weights: synapse -> position given */
  /* delivery */
  size_t ring_len; /* the longest delay in steps */
  double *ring;    /* ring_len x npost sums of weights (Exp, DualExp
                           families), or NULL */
  uint8_t *sring;  /* ring_len x npre delayed spikes (per-pre models),
                           or NULL */
  /* state */
  double *g;            /* Exp: npost; per-pre models: npre; else NULL */
  double *h;            /* DualExp/Alpha: h, NMDA: x, AMPA/GABAa: spike
                           arrival time (npre); else NULL */
  double *G, *H;        /* DualExp/Alpha: the post-side sums of w g and
                           w h (npost), evolved by superposition */
  double *acc;          /* NMDA/AMPA/GABAa: npost scratch for sum w g */
  double *sx, *su, *sI; /* STP: nsyn each */
  /* coefficients of one step (plan) */
  double decay;       /* exp(-dt/tau) (Exp; STP's I) */
  double c_g;         /* DualExp/Alpha: -tau_decay expm1(-dt/tau_decay) */
  double e_r;         /* DualExp/Alpha, NMDA: exp(-dt/tau_rise) */
  double c_on, c_off; /* AMPA/GABAa: expm1(A dt)/A with TT = T, TT = 0 */
  double e_f, e_d;    /* STP: exp(-dt/tau_f), exp(-dt/tau_d) */
  double dt;
} net_proj;

/* Where the projections' post side runs (adex__net_set_fold). */
typedef enum { ADEX__FOLD_ALL, ADEX__FOLD_DIRECT, ADEX__FOLD_NONE } adex__fold;

struct adex_net {
  adex__named name;
  double t0, dt;
  uint64_t k;      /* steps done */
  double k_saved;  /* k as state files hold it */
  double t0_saved; /* t0 as state files hold it */
  bool planned;
  size_t failed; /* the group whose update failed last, or SIZE_MAX */
  net_group *groups;
  size_t ngroups, cap_groups;
  net_proj *projs;
  size_t nprojs, cap_projs;
  struct adex__step_ctx *ctx; /* ngroups, from plan: the populations' fused
                                 updates of the step under way */
  struct adex__chan *chans;   /* ngroups x ADEX__MAX_CHANS, from plan: the
                                 channels those steps fold (kernel.h) */
  adex__fold fold;            /* what may fold (adex__net_set_fold) */
  size_t balance_every;       /* a team's steps between looks at its parts' work
                           (adex__net_set_balance; 0: ADEX__BALANCE_EVERY) */
  bool balance_force;         /* tests: the bounds move at every look */
  size_t rows_steps; /* the fewest steps of a team's run whose parts keep
                        their own rows (adex__net_set_rows; 0:
                        ADEX__TEAM_ROWS_STEPS) */
  /* several ranks (NULL comm: alone) */
  const struct adex_comm *comm;
  int rank, nranks;
  uint32_t sync;           /* steps between exchanges (the smallest delay) */
  bool lockstep;           /* every step ends with an agreement on failures */
  size_t npend;            /* steps gathered since the last exchange */
  uint64_t pend_first;     /* the first of them */
  uint32_t *xsend, *xrecv; /* exchange buffers (plan) */
  size_t xsend_cap, xrecv_cap;
  size_t *xcounts; /* nranks */
  char errmsg[512];
};

/* Draw the connections of p (pre size npre, post size npost, `same`: pre
 * and post are one population) into p->row / p->post_idx (and p->order for
 * IJ). ADEX_ERANGE / ADEX_ENOMEM with a message. */
adex_status adex__net_connect(net_proj *p, bool same);

/* Keep the thread's message on the network too; returns st. */
adex_status adex__net_keep(adex_net *net, adex_status st);

/* Set the time of step 0 (times: adex_run_time(t0, dt, k)). */
void adex__net_set_origin(adex_net *net, double t0);

/* How a model keeps its state (docs/networks.md). */
typedef enum net_family {
  NET_FAM_EXP,  /* Delta, ExpCUBA, ExpCOBA: post-side ring and g */
  NET_FAM_DUAL, /* DualExp, Alpha: per-pre g, h; post-side G, H */
  NET_FAM_SUM,  /* NMDA, AMPA, GABAa: per-pre state, summed over synapses */
  NET_FAM_STP   /* per-synapse state */
} net_family;

net_family adex__net_family(adex_syn_model model);
/* What a projection's post side reads and adds to, from the first post
 * neuron of the range it is given: the post population's V and input (a
 * float64 population's own arrays, a float32 one's double copies, rounded
 * back after the projections) and its refractory flags (NULL: none). */
typedef struct net_post {
  double *V, *in;
  const bool *ref;
} net_post;

/* Allocate and zero p's state and set its coefficients for step dt. */
adex_status adex__net_proj_alloc(net_proj *p, double dt);

/* Free what adex__net_proj_alloc allocated. */
void adex__net_proj_free_state(net_proj *p);

/* The projection update of step k at time t (phase 2 of docs/networks.md):
 * deliver the spike lists of `pre` (pre->spk: alone, those found in step
 * k - 1), evolve the model's state and add its output to the post
 * population. */
void adex__net_proj_update(net_proj *p, const net_group *pre, uint64_t k,
                           double t, const net_post *post);

/* Pre neuron i's synapses whose post neuron is in [lo, hi): [*a, *b) of
 * p's synapses (its row sorted by post index). */
void adex__net_row_part(const net_proj *p, size_t i, size_t lo, size_t hi,
                        size_t *a, size_t *b);

/* The Exp family's update in parts, by ranges of post neurons (a
 * network's step split among threads): deliver the spike lists of `pre`
 * to the synapses whose post neuron is in [lo, hi), ... */
void adex__net_proj_deliver(net_proj *p, const net_group *pre, size_t lo,
                            size_t hi);

/* ... or one list of spikes of step s, ids[0 .. n) (a part's, in a run on
 * a team of threads: the parts' lists in order make the group's), to the
 * same synapses; `cut` (NULL: none; only where p's rows are sorted by
 * post index) the rows' parts in [lo, hi): for pre neuron i, the synapses
 * [cut[2 i] - 1, cut[2 i + 1]) of the row, or, where cut[2 i] is 0, found
 * by a search of the row when a spike of i first comes, and kept there
 * (cut: 2 npre, all 0 at first and wherever [lo, hi) changes: no pass
 * over every row before the steps, and the rows searched are those the
 * delivery reads anyway); into the projection's ring, or where `into` is
 * not NULL into a copy of its columns [lo, hi) (ring_len rows of hi - lo
 * sums, a team's thread's own) ... */
void adex__net_proj_deliver_list(net_proj *p, const uint32_t *ids, size_t n,
                                 uint64_t s, size_t lo, size_t hi,
                                 uint32_t *cut, double *into);

/* ... then the post side of step k for post neurons [lo, hi), which may be
 * taken in smaller ranges (tiles): the same bits as
 * adex__net_proj_update. `post` starts at neuron lo. */
void adex__net_proj_post(net_proj *p, uint64_t k, const net_post *post,
                         size_t lo, size_t hi);

/* adex__net_proj_post of p, then of q (into the same population), in one
 * pass where both are ExpCOBA. */
void adex__net_proj_post2(net_proj *p, net_proj *q, uint64_t k,
                          const net_post *post, size_t lo, size_t hi);

/* Whether the post side of a float32 population whose only projections
 * are p (q NULL) or p and q can run straight on its float arrays: p
 * ExpCOBA or ExpCUBA alone, or both ExpCOBA. */
bool adex__net_proj_f32_direct(const net_proj *p, const net_proj *q);
/* That post side of step k, on the population's float input and V from
 * neuron lo: the bits of widening them, the passes of
 * adex__net_proj_post and rounding back. */
void adex__net_proj_post_f32(net_proj *p, net_proj *q, uint64_t k, float *in,
                             const float *V, size_t lo, size_t hi);
/* The same on n neurons whose g and ring row of step k are at[0] and
 * at[1] for p, at[2] and at[3] for q (a team's copies). */
void adex__net_proj_post_f32_on(const net_proj *p, const net_proj *q,
                                double *const at[4], float *in, const float *V,
                                size_t n);
/* Whether p's post side can be folded into its population's step, and
 * if so its channel of step k into *ch (kernel.h, adex__chan): ExpCOBA
 * and ExpCUBA, whose post loops block_I_chans repeats. */
bool adex__net_proj_foldable(const net_proj *p);
void adex__net_proj_chan(net_proj *p, uint64_t k, struct adex__chan *ch);

/* Tests: where the projections' post side runs (the bits are the same
 * either way; this lets a test show it): folded into the populations'
 * steps where they take it, else on a float32 population's arrays
 * directly where its projections allow (ALL, the default); only the
 * latter (DIRECT); neither (NONE: the projections' own loops, on a
 * float32 population's double copies). */
void adex__net_set_fold(adex_net *net, adex__fold how);
/* How often a team of threads looks at its parts' work and moves the
 * bounds of their ranges (net_balance.h): every `every` steps (0: every
 * ADEX__BALANCE_EVERY, SIZE_MAX: never); `force` (tests): at every look,
 * as if the parts took turns at being twice as slow as the others, so
 * that the bounds move each time whatever the cores. */
void adex__net_set_balance(adex_net *net, size_t every, bool force);
/* A team's run of this many steps or more keeps each part's own rows of
 * the projections that allow them (part_rows.h): making them reads the
 * projections' rows, 250-350 us a part for COBA-AdEx's 320 000 synapses
 * on one machine, and they save about 600 cycles a step, so a run of a
 * few thousand steps pays for them. */
#define ADEX__TEAM_ROWS_STEPS 4096
/* The fewest steps of a team's run that keeps own rows (0: the default,
 * ADEX__TEAM_ROWS_STEPS; tests: 1). */
void adex__net_set_rows(adex_net *net, size_t steps);

/* Inputs the step applies itself (the run loop's `(key, number)` with op
 * '+' onto a population's input, drive.c): the population group whose
 * input array is dst (this rank's), else SIZE_MAX; and v to add to that
 * group's input at the start of the next step (adex__add_number's
 * arithmetic; one number per group and step), tile by tile where the step
 * is split, so that the input is read once, in the first-level cache,
 * instead of in a pass of its own before the step. Only the step reads
 * the input between the inputs and the step; a step that ends early adds
 * what it has not. */
size_t adex__net_input_group(const adex_net *net, const void *dst);
void adex__net_defer_add(adex_net *net, size_t group, double v);

/* A run on one team of threads (drive.c; net_step.c, *the team*): the
 * steps of a splittable network alone on its rank, each thread keeping
 * its part of every population for the whole run. The bits are the split
 * step's, so those of one thread. */
typedef struct adex__net_team adex__net_team;

/* The threads a run of net keeps as a team: > 1 where its steps split
 * (Exp-family projections, fused populations, no communicator) among
 * several threads; else 1. */
int adex__net_team_threads(const adex_net *net);
/* A team's buffers for at most nt threads (NULL: out of memory; nothing
 * done), and their release. batch > 1: it keeps the spike lists of that
 * many steps (fewer where they would take more than TEAM_BATCH_BYTES),
 * for hooks run after a batch of steps (adex__net_team_replay). */
adex__net_team *adex__net_team_new(adex_net *net, size_t nt, size_t batch);
void adex__net_team_free(adex__net_team *tm);
/* Before its first step, k: the populations' update checks (a refusal's
 * status returned, with its message) and the spikes of step k - 1. */
adex_status adex__net_team_start(adex__net_team *tm, uint64_t k);
/* On one thread, before the others start, where nothing but the steps
 * (and progress, or hooks that read only spike lists) runs between the
 * steps: the team keeps copies of what each part's steps write, each
 * part's own (of a network whose every group is a population that folds
 * its projections into its step or, in float32, runs them on its float
 * arrays; false, and the populations' own arrays stepped, elsewhere or
 * out of memory). A run of `steps` steps, enough to pay for them
 * (adex__net_set_rows), also keeps each part's own rows of the
 * projections that allow them (part_rows.h). Each
 * thread then steps its copies, the monitors of its part read them
 * (adex__net_team_copy_of), and adex__net_team_own_back writes them
 * back: before the calling thread's code between steps and at the end. */
bool adex__net_team_own(adex__net_team *tm, size_t parts, size_t steps);
/* On one thread, before the others start and before
 * adex__net_team_own: the team runs on `parts` threads, each part first
 * an equal share of every population (whole blocks of 64 neurons). */
void adex__net_team_split(adex__net_team *tm, size_t parts);
/* Each thread of the team, before the part of step k, the `done`-th step
 * of the run: every ADEX__BALANCE_EVERY steps (adex__net_set_balance),
 * the parts' work since the last look compared, and the bounds of their
 * ranges moved from step k on where another split would end the steps
 * sooner (net_balance.h); every thread waits there for the others
 * (bar's barrier). Returns whether the bounds moved (the copies then
 * moved too: adex__net_team_copy_of again). */
struct adex__barrier;
bool adex__net_team_balance(adex__net_team *tm, size_t part, size_t parts,
                            uint64_t k, size_t done, struct adex__barrier *bar);
/* Each thread of the team, before its first part: what it keeps for
 * its part (`part` of adex__net_team_split's parts) of every step, its
 * copies filled. */
void adex__net_team_ready(adex__net_team *tm, size_t part);
/* Part `part`'s copies written back into the populations and
 * projections (nothing where the team keeps none). */
void adex__net_team_own_back(adex__net_team *tm, size_t part);
/* The copy of part `part` of group g's variable `data` (one of the
 * arrays adex__pop_step_ctx gives), indexed from the part's first neuron;
 * NULL where the team keeps no copy of it. */
const void *adex__net_team_copy_of(const adex__net_team *tm, size_t part,
                                   size_t g, const void *data);
/* Part `part` of `parts` of step k: delivery into the part's neurons, the
 * projections' post side, the populations' step, the part's spikes
 * gathered. It reads the other parts' spike lists of step k - 1 once
 * their step k - 1 has ended (adex__net_team_step_end, waited for as
 * bar's threads wait), and writes its own list of step k once they have:
 * the parts need no other wait between steps. */
struct adex__barrier;
void adex__net_team_part(adex__net_team *tm, size_t part, size_t parts,
                         uint64_t k, const struct adex__barrier *bar);
/* After part `part`'s step k (and what else its thread writes that the
 * others read after the step): its end published to the others, with its
 * spike counts; then, where `wait`, the wait (as bar's) until every other
 * part's step k has ended: a barrier, each thread sees every write the
 * others made before it (needed before adex__net_team_after). */
void adex__net_team_step_end(adex__net_team *tm, size_t part, size_t parts,
                             uint64_t k, const struct adex__barrier *bar,
                             bool wait);
/* Between the parts of steps k and k + 1, on one thread: the populations
 * as step k left them (the time of their last update, the non-finite
 * values met) and the spike sources' update of step k
 * (adex__net_team_after); then, before step k +
 * 1 (adex__net_team_before), their spikes' lists, and the populations'
 * from their flags again where `pops` (the caller's code ran in between
 * and may have changed them). */
void adex__net_team_after(adex__net_team *tm, uint64_t k);
void adex__net_team_before(adex__net_team *tm, uint64_t k, bool pops);
/* The steps of a batch the team keeps the spike lists of: 1 where it
 * keeps none beyond the step before. */
size_t adex__net_team_batch(const adex__net_team *tm);
/* On one thread, between the parts' steps, after adex__net_team_after
 * of a batch's last step: the populations' spike lists
 * (adex_pop_spike_events, their events' time) and the network's time as
 * step k of the batch left them, for hooks that read nothing else. The
 * last step's again before the steps go on. */
void adex__net_team_replay(adex__net_team *tm, uint64_t k);
/* Whether the network has spike sources (whose update needs
 * adex__net_team_after every step). */
bool adex__net_team_has_sources(const adex__net_team *tm);
/* Group g's neurons [lo, hi) in part `part` in step k. */
void adex__net_team_range(const adex__net_team *tm, size_t g, size_t part,
                          uint64_t k, size_t *lo, size_t *hi);
/* The population group one of whose built-in variables is `data` (a
 * monitor that each thread can record for its own part), else SIZE_MAX. */
size_t adex__net_team_group_of(adex_net *net, const void *data);
/* After the steps up to k (exclusive): the network at step k, the
 * populations' last update and non-finite counts as the steps would have
 * left them; the team freed. */
void adex__net_team_end(adex__net_team *tm, uint64_t k);

/* How many channels population `pop`'s step folded in the last step. */
size_t adex__net_folded(const adex_net *net, size_t pop);

/* Exchange (src/net/net_exchange.c). Plan the buffers of a network on
 * several ranks: which groups are exchanged, `sync`, the capacities. */
adex_status adex__net_exchange_plan(adex_net *net);

/* Free what adex__net_exchange_plan allocated. */
void adex__net_exchange_free(adex_net *net);

/* Step k's spike lists on several ranks: keep this rank's spikes of step
 * k - 1, and when `sync` steps are kept, exchange them (every group's
 * lists for delivery in this step); else no list is delivered. A failure
 * of another rank, or of the transport, returns an error (message set). */
adex_status adex__net_exchange_step(adex_net *net);

/* This rank's update failed with `st`: tell the other ranks (at their
 * next exchange) and hand st back. */
adex_status adex__net_exchange_fail(adex_net *net, adex_status st);

/* Lockstep: the end of a step that went well on this rank; an error
 * naming the rank whose step failed, if one did. */
adex_status adex__net_exchange_agree(adex_net *net);

/* Exchange the pending lists now and deliver them to every projection's
 * rings as the step would, in step order (npend becomes 0): the rings
 * then hold what a process alone has after the same steps, the spikes of
 * the last step still in the populations' flags (a state file's view).
 * Collective; the run continues with the same bits. */
adex_status adex__net_exchange_flush(adex_net *net);

/* Put the spike lists of pre's batch into p's rings (the delivery half of
 * a projection update, nothing evolved). */
void adex__net_proj_take(net_proj *p, const net_group *pre);

/* The list of the group's spikes of the last step, by local index, into
 * out; returns its length. */
size_t adex__net_gather_spikes(const net_group *g, uint32_t *out);

#endif /* ADEX_NET_INTERNAL_H */
