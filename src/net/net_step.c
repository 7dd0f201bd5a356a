/* net_step.c - a network's step (docs/networks.md, *One step*): the
 * whole step (every projection, then every population), and the step
 * split by post neurons among threads (docs/networks.md, *The split step
 * and threads*). */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "adex/runner.h"
#include "flags.h"
#include "inputs/add.h"
#include "internal.h"
#include "net/net_balance.h"
#include "net/net_internal.h"
#include "net/part_rows.h"
#include "pop/pop_internal.h"
#include "rng.h"
#include "run/team_barrier.h"

#define FAIL(net, st, ...) ADEX__FAIL_ON(adex__net_keep, net, st, __VA_ARGS__)

/* ------------------------------------------------------------- running */

/* The time of step k (docs/networks.md, *One step*). */
static double time_of(const adex_net *net, uint64_t k) {
  return adex_run_time(net->t0, net->dt, k);
}

#define TAG_POISSON 0x706f6973ULL

/* A PoissonGroup's update of step k. */
static void poisson_update(net_group *g, uint64_t k, double dt) {
  uint64_t base = g->seed ^ (TAG_POISSON * ADEX__GOLDEN_GAMMA);
  double scale = dt / 1000.0;
  for (size_t i = 0; i < g->num; i++) {
    uint64_t stream = adex__rng_u64(base, i);
    g->spike[i] = adex__rng_uniform(stream, k) <= g->freqs[i] * scale;
  }
}

/* What the projections into population group gr read and add to, from
 * neuron lo (net_post): a float64 population's own arrays, a float32
 * one's double copies `V`, `in` (f32_open). */
static net_post post_of(net_group *gr, size_t lo, double *V, double *in) {
  bool *ref = adex_pop_refractory(gr->pop);
  if (ref != NULL) ref += lo;
  if (adex_pop_dtype(gr->pop) == ADEX_DTYPE_F32) return (net_post){V, in, ref};
  return (net_post){adex_pop_V(gr->pop) + lo, adex_pop_input(gr->pop) + lo,
                    ref};
}

/* A float32 population's neurons [lo, hi) before the projections' post
 * side: V and the input (what the inputs put there) in double, into V64
 * and in64 (hi - lo each) ... */
ADEX__VEC_CLONES static void f32_open(net_group *gr, size_t lo, size_t hi,
                                      double *restrict V64,
                                      double *restrict in64) {
  const float *restrict V = adex_pop_V_f32(gr->pop) + lo;
  const float *restrict in = adex_pop_input_f32(gr->pop) + lo;
  for (size_t i = 0; i < hi - lo; i++) {
    V64[i] = (double)V[i];
    in64[i] = (double)in[i];
  }
}

/* ... and after: the input (and V, which a DeltaSynapse moves) rounded
 * once to float. */
ADEX__VEC_CLONES static void f32_close(net_group *gr, size_t lo, size_t hi,
                                       const double *restrict V64,
                                       const double *restrict in64) {
  float *restrict in = adex_pop_input_f32(gr->pop) + lo;
  for (size_t i = 0; i < hi - lo; i++) in[i] = (float)in64[i];
  if (!gr->delta_in) return;
  float *restrict V = adex_pop_V_f32(gr->pop) + lo;
  for (size_t i = 0; i < hi - lo; i++) V[i] = (float)V64[i];
}

/* A population's input from neuron lo, in its dtype. */
static void *input_at(adex_pop *pop, size_t lo) {
  return adex_pop_dtype(pop) == ADEX_DTYPE_F32
             ? (void *)(adex_pop_input_f32(pop) + lo)
             : (void *)(adex_pop_input(pop) + lo);
}

size_t adex__net_input_group(const adex_net *net, const void *dst) {
  for (size_t g = 0; g < net->ngroups && dst != NULL; g++) {
    const net_group *gr = &net->groups[g];
    if (gr->kind == NET_GROUP_POP && input_at(gr->pop, 0) == dst) return g;
  }
  return SIZE_MAX;
}

void adex__net_defer_add(adex_net *net, size_t group, double v) {
  net->groups[group].add = v;
  net->groups[group].has_add = true;
}

/* The deferred number of population group gr added to its neurons [lo,
 * hi) (adex__net_defer_add). */
static void deferred_add(net_group *gr, size_t lo, size_t hi) {
  if (gr->has_add)
    adex__add_number(input_at(gr->pop, lo), adex_pop_dtype(gr->pop), hi - lo,
                     gr->add);
}

/* Every population's deferred number added to all its neurons, if any, and
 * none left. */
static void deferred_adds(adex_net *net) {
  for (size_t g = 0; g < net->ngroups; g++) {
    net_group *gr = &net->groups[g];
    if (gr->kind == NET_GROUP_POP) deferred_add(gr, 0, gr->nloc);
    gr->has_add = false;
  }
}

/* The indices of the flags set in sp[lo, hi), in order, plus `base`,
 * into out; how many. 64 flags at a time (flags.h). */
static size_t gather_range(const bool *sp, size_t lo, size_t hi, size_t base,
                           uint32_t *out) {
  size_t n = 0, i = lo;
  for (; i + 64 <= hi; i += 64)
    for (uint64_t m = adex__flags64(sp + i); m != 0; m &= m - 1)
      out[n++] = (uint32_t)(base + i + adex__flags_low(m));
  for (; i < hi; i++)
    if (sp[i]) out[n++] = (uint32_t)(base + i);
  return n;
}

/* The list of the group's spikes of the last step, by local index. */
size_t adex__net_gather_spikes(const net_group *g, uint32_t *out) {
  return gather_range(g->spike, 0, g->nloc, 0, out);
}

/* Step k's spike lists of a group alone on its rank: its spikes of step
 * k - 1. */
static void gather_spikes(net_group *g, uint64_t k) {
  g->nspk = adex__net_gather_spikes(g, g->spk);
  g->nbatch = 1;
  g->s_first = k - 1;
  g->spk_off[0] = 0;
  g->spk_off[1] = g->nspk;
}

/* Neurons per tile of the split step: a tile's projections and its
 * population step run back to back, their arrays in the first-level
 * cache. */
#define NET_TILE 256

/* Fewest neurons (all populations together) per thread of a split step:
 * below, it uses fewer threads (the bits are the same for any number). */
#define NET_MIN_PER_THREAD 1024

/* Whether the step can be split by post neurons: every projection of the
 * Exp family (per-post state, fed by delivery), every population on its
 * fused step. */
static bool splittable(const adex_net *net) {
  for (size_t i = 0; i < net->nprojs; i++)
    if (adex__net_family(net->projs[i].cfg.model) != NET_FAM_EXP) return false;
  for (size_t g = 0; g < net->ngroups; g++)
    if (net->groups[g].kind == NET_GROUP_POP &&
        !adex__pop_fused(net->groups[g].pop))
      return false;
  return true;
}

/* Threads of a split step: the largest `threads` of the populations (0:
 * OpenMP's default), at most one per NET_MIN_PER_THREAD neurons. */
static int split_threads(const adex_net *net) {
#ifdef _OPENMP
  int t = 1;
  size_t n = 0;
  for (size_t g = 0; g < net->ngroups; g++) {
    const net_group *gr = &net->groups[g];
    if (gr->kind != NET_GROUP_POP) continue;
    int pt = gr->pop->threads > 0 ? gr->pop->threads : omp_get_max_threads();
    if (pt > t) t = pt;
    n += gr->nloc;
  }
  size_t most = n / NET_MIN_PER_THREAD;
  if ((size_t)t > most) t = most > 1 ? (int)most : 1;
  return t;
#else
  (void)net;
  return 1;
#endif
}

/* The post side of step k's tile [a, b) of float32 population group gr straight on
 * its float arrays, where its projections allow (net_group's direct) and
 * folding is not switched off (adex__net_set_fold: the tests compare);
 * false, and nothing done, where they do not. */
static bool f32_direct(adex_net *net, net_group *gr, uint64_t k, size_t a,
                       size_t b) {
  if (gr->ndirect == 0 || net->fold == ADEX__FOLD_NONE) return false;
  adex__net_proj_post_f32(&net->projs[gr->direct[0]],
                          gr->ndirect == 2 ? &net->projs[gr->direct[1]] : NULL,
                          k, adex_pop_input_f32(gr->pop) + a,
                          adex_pop_V_f32(gr->pop) + a, a, b);
  return true;
}

/* Part q of `parts` of population group gr: [lo, hi), contiguous, the
 * bounds multiples of 64 (whole cache lines of every state array, whole
 * vectors of every kernel). */
static void part_range(const net_group *gr, size_t q, size_t parts, size_t *lo,
                       size_t *hi) {
  size_t n = gr->nloc, blocks = (n + 63) / 64;
  *lo = blocks * q / parts * 64;
  *hi = blocks * (q + 1) / parts * 64;
  if (*hi > n) *hi = n;
  if (*lo > *hi) *lo = *hi;
}

/* Population group g's neurons [lo, hi) of step k, after the delivery
 * into them: tile by tile, the projections' post side and the
 * population's step (ctx, whose channels, if any, fold the post side
 * into it). */
static void split_tiles(adex_net *net, size_t g, size_t lo, size_t hi,
                        uint64_t k, const adex__step_ctx *ctx) {
  net_group *gr = &net->groups[g];
  bool folded = ctx->nchans > 0;
  for (size_t a = lo; a < hi; a += NET_TILE) {
    size_t b = hi - a < NET_TILE ? hi : a + NET_TILE;
    deferred_add(gr, a, b);
    if (folded || f32_direct(net, gr, k, a, b)) { /* one or the other */
      adex__pop_step_range(gr->pop, ctx, a, b);
      continue;
    }
    net_proj *held = NULL; /* the last one, until its pair is known */
    double V64[NET_TILE], in64[NET_TILE]; /* float32: the tile's copies */
    if (gr->V64 != NULL) f32_open(gr, a, b, V64, in64);
    net_post post = post_of(gr, a, V64, in64);
    for (size_t i = 0; i < net->nprojs; i++) {
      net_proj *p = &net->projs[i];
      if (p->cfg.post != g) continue;
      if (held == NULL) {
        held = p;
        continue;
      }
      adex__net_proj_post2(held, p, k, &post, a, b);
      held = NULL;
    }
    if (held != NULL) adex__net_proj_post(held, k, &post, a, b);
    if (gr->V64 != NULL) f32_close(gr, a, b, V64, in64);
    adex__pop_step_range(gr->pop, ctx, a, b);
  }
}

/* Part `part` of `parts` of a split step: for each population, its range
 * of neurons (part_range): the projections into it deliver to the range,
 * then split_tiles. A neuron's arithmetic is the same whatever the range
 * holding it, and every read of another neuron's state goes through the
 * spike lists gathered before, so any split gives the same bits as the
 * whole step (projections, then populations, docs/networks.md). */
static void split_part(adex_net *net, size_t part, size_t parts) {
  for (size_t g = 0; g < net->ngroups; g++) {
    net_group *gr = &net->groups[g];
    if (gr->kind != NET_GROUP_POP) continue;
    size_t lo, hi;
    part_range(gr, part, parts, &lo, &hi);
    if (lo >= hi) continue;
    for (size_t i = 0; i < net->nprojs; i++) {
      net_proj *p = &net->projs[i];
      if (p->cfg.post == g)
        adex__net_proj_deliver(p, &net->groups[p->cfg.pre], lo, hi);
    }
    split_tiles(net, g, lo, hi, net->k, &net->ctx[g]);
  }
}

/* The channels population g's step folds in step k into ch (none where
 * its projections or its kernel do not allow it: net_group's nfold,
 * adex__pop_takes_chans), in the projections' order; how many. A float32
 * population whose projections run on its arrays directly (f32_direct)
 * keeps that: folding them into its float kernel measured no faster
 * (docs/performance.md). */
static size_t chans_of(adex_net *net, size_t g, uint64_t k, adex__chan *ch) {
  net_group *gr = &net->groups[g];
  if (gr->nfold == 0 || net->fold != ADEX__FOLD_ALL || gr->ndirect > 0 ||
      !adex__pop_takes_chans(gr->pop))
    return 0;
  size_t n = 0;
  for (size_t i = 0; i < net->nprojs; i++)
    if (net->projs[i].cfg.post == g)
      adex__net_proj_chan(&net->projs[i], k, &ch[n++]);
  return n;
}

/* The channels of population g's step under way (chans_of). */
static void fold_chans(adex_net *net, size_t g) {
  adex__chan *ch = net->chans + g * ADEX__MAX_CHANS;
  size_t n = chans_of(net, g, net->k, ch);
  if (n == 0) return;
  net->ctx[g].chans = ch;
  net->ctx[g].nchans = n;
}

/* Every population's update ended (adex__pop_update_end). */
static void end_updates(adex_net *net, double t) {
  for (size_t g = 0; g < net->ngroups; g++)
    if (net->groups[g].kind == NET_GROUP_POP)
      adex__pop_update_end(net->groups[g].pop, t);
}

/* The projections and populations of a splittable step, on threads; false
 * (nothing stepped) when a population refuses its update (the whole step
 * then meets the refusal where it would anyway, with its message). */
static bool split_step(adex_net *net, double t) {
  for (size_t g = 0; g < net->ngroups; g++) {
    net_group *gr = &net->groups[g];
    if (gr->kind != NET_GROUP_POP) continue;
    if (adex__pop_update_begin(gr->pop, t, net->dt, &net->ctx[g]) != ADEX_OK)
      return false;
    fold_chans(net, g);
  }
  int nt = split_threads(net);
  if (nt <= 1) {
    split_part(net, 0, 1);
    end_updates(net, t);
    return true;
  }
#ifdef _OPENMP
#pragma omp parallel num_threads(nt)
  split_part(net, (size_t)omp_get_thread_num(), (size_t)omp_get_num_threads());
#endif
  end_updates(net, t);
  return true;
}

/* The spike sources' update of step k at t. */
static void source_update(adex_net *net, net_group *gr, uint64_t k, double t) {
  if (gr->kind == NET_GROUP_POISSON) {
    poisson_update(gr, k, net->dt);
    return;
  }
  memset(gr->spike, 0, gr->num * sizeof *gr->spike);
  while (gr->cursor < gr->n_spikes && gr->times[gr->cursor] <= t)
    gr->spike[gr->indices[gr->cursor++]] = true;
}

/* A step that went well here: in lockstep, agreed by every rank. */
static adex_status step_done(adex_net *net) {
  if (net->comm != NULL && net->lockstep) {
    adex_status st = adex__net_exchange_agree(net);
    if (st != ADEX_OK) return st;
  }
  net->k++;
  return ADEX_OK;
}

adex_status adex_net_set_lockstep(adex_net *net, bool on) {
  if (net == NULL) return adex__fail(ADEX_EINVAL, "net must not be NULL");
  net->lockstep = on;
  return ADEX_OK;
}

/* adex_net_step of a planned network. */
static adex_status step(adex_net *net) {
  double t = time_of(net, net->k);
  net->failed = SIZE_MAX;
  for (size_t g = 0; g < net->ngroups; g++)
    if (net->groups[g].spk != NULL && !net->groups[g].exchanged)
      gather_spikes(&net->groups[g], net->k);
  if (net->comm != NULL) {
    adex_status st = adex__net_exchange_step(net);
    if (st != ADEX_OK) return st;
  }
  if (splittable(net) && split_step(net, t)) {
    for (size_t g = 0; g < net->ngroups; g++) {
      net->groups[g].has_add = false; /* added tile by tile */
      if (net->groups[g].kind != NET_GROUP_POP)
        source_update(net, &net->groups[g], net->k, t);
    }
    return step_done(net);
  }
  deferred_adds(net);
  for (size_t g = 0; g < net->ngroups; g++) {
    net_group *gr = &net->groups[g];
    if (gr->V64 != NULL) f32_open(gr, 0, gr->nloc, gr->V64, gr->in64);
  }
  for (size_t i = 0; i < net->nprojs; i++) {
    net_proj *p = &net->projs[i];
    net_group *post = &net->groups[p->cfg.post];
    net_post at = post_of(post, 0, post->V64, post->in64);
    adex__net_proj_update(p, &net->groups[p->cfg.pre], net->k, t, &at);
  }
  for (size_t g = 0; g < net->ngroups; g++) {
    net_group *gr = &net->groups[g];
    if (gr->V64 != NULL) f32_close(gr, 0, gr->nloc, gr->V64, gr->in64);
  }
  for (size_t g = 0; g < net->ngroups; g++) {
    net_group *gr = &net->groups[g];
    if (gr->kind != NET_GROUP_POP) {
      source_update(net, gr, net->k, t);
      continue;
    }
    adex_status st = adex_pop_update(gr->pop, t, net->dt);
    if (st != ADEX_OK) {
      net->failed = g; /* the update's message and parts, as they are */
      st = adex__net_keep(net, st);
      return net->comm != NULL ? adex__net_exchange_fail(net, st) : st;
    }
  }
  return step_done(net);
}

adex_status adex_net_step(adex_net *net) {
  if (net == NULL) return adex__fail(ADEX_EINVAL, "net must not be NULL");
  if (!net->planned)
    return FAIL(net, ADEX_EINVAL,
                "plan the network (adex_net_plan) before "
                "stepping it");
  adex_status st = step(net);
  deferred_adds(net); /* a step that ended before it added them */
  return st;
}

/* ------------------------------------------------------------ the team */

/* A run's steps on one team of threads (drive.c, docs/networks.md, *The
 * split step and threads*). Within the team no thread writes, step after
 * step, a cache line another reads, but for each part's message at the
 * end of its step (team_msg) and list of its spikes: each thread builds
 * its own step context and channel table, computes the time from the
 * step number, and gathers the spikes of its own range into a list of
 * the step's parity; the next step delivers the parts' lists in order,
 * which is the order of one list of the group. Where the team keeps
 * copies (team_copy), each thread steps its own copies of its part. */
typedef struct team_nf {
  uint64_t k;               /* the first step that met non-finite values */
  unsigned long long first; /* its smallest key (kernel.h, adex__nf) */
  unsigned long long count; /* all steps' */
} team_nf;

/* The end of each part's step is a message on cache lines of its own
 * (team_msg): the step it ended, then its spike count for each group,
 * then, where they fit, the spikes themselves (their count, then the
 * groups' lists one after the other; TEAM_NONE where they do not fit or
 * the counts were made otherwise). Its thread writes all that and then
 * the step (a release store); the others wait on that word and find the
 * rest on the same line. So one line crosses from each core to the
 * others per step, where a barrier, separate counts and lists took
 * several misses one after the other (docs/performance.md, *Two
 * threads*). Two messages per part, by the step's parity: the next step
 * writes one while the others may still read the other. */
#define TEAM_LINE 64         /* bytes of a cache line */
#define TEAM_NONE UINT32_MAX /* a message's spikes are not in it */
/* Most parts whose lists make the populations' spike lists (team_events);
 * a larger team leaves them to be built from the flags. */
#define TEAM_MAX_EVENT_PARTS 256
/* Most bytes of the spike lists a team keeps for a batch of steps
 * (adex_run_hooks' batch): 64 steps of COBA-AdEx's 4000 neurons take
 * 1 MB; 10^5 neurons a batch of 20 steps; 10^6 none. */
#define TEAM_BATCH_BYTES ((size_t)8 << 20)

/* What one thread owns for a run where the team keeps copies
 * (adex__net_team_own): of each population group, the arrays that its
 * part's steps write, and of each projection, its g and its ring's
 * columns of that part. Two threads stepping halves of the same arrays
 * slowed each other's work twofold on one machine, where copies of their
 * own, as MPI ranks have, kept it (docs/performance.md, *the threads'
 * shared arrays*). Indices in a copy are relative to the part's first
 * neuron. */
typedef struct copy_group {
  size_t lo, n;      /* the part: neurons [lo, lo + n) */
  void *state[4];    /* V, w, input, t_last_spike, in the population's dtype */
  bool *spike, *ref; /* ref NULL where the step keeps no flags */
} copy_group;

typedef struct copy_proj {
  double *g;
  double *ring; /* its columns: ring_len rows of n */
} copy_proj;

typedef struct team_copy {
  char *block;  /* every array below, from the default allocator */
  size_t bytes; /* its size: room for the most neurons a part may hold */
  copy_group *groups;
  copy_proj *projs;
} team_copy;

/* One part's work since the team's last look at it (net_balance.h), on a
 * line of its own: only its thread writes it. */
typedef struct team_work {
  _Alignas(64) uint64_t ticks; /* in its steps, its waits left out */
  uint64_t steps;
  uint64_t clip; /* most ticks one step counts (0: any): four times the
                    last look's mean, so that a step the host held does
                    not count as the part's pace */
} team_work;

struct adex__net_team {
  adex_net *net;
  size_t nt;            /* threads it was made for: parts <= nt */
  size_t parts;         /* threads it runs on (adex__net_team_split) */
  uint32_t **lists;     /* ngroups: nbuf x nloc (by step, modulo nbuf) for
                           populations, NULL for spike sources */
  uint32_t *list_block; /* every group's lists */
  size_t list_bytes;
  size_t nbuf;      /* steps whose lists it keeps: 2, or a batch */
  size_t batch;     /* steps of a batch (adex__net_team_batch) */
  uint64_t *msg;    /* 2 x nt messages of msg_words, on whole lines */
  size_t msg_words; /* the step, then ngroups uint32_t counts, the
                       count of the spikes in it, those spikes */
  size_t msg_room;  /* spikes a message holds */
  uint32_t *mine;   /* nt x nbuf x mine_stride: each part's counts of its
                     steps (by step, modulo nbuf) */
  size_t mine_stride;
  adex__nf *nf;         /* nt x ngroups: one step's non-finite values */
  team_nf *nfs;         /* nt x ngroups */
  uint32_t **cuts;      /* nt x nprojs: each part's part of every row of the
                       projection (ready_rows), or NULL */
  uint32_t **cut_block; /* nt: each part's cuts, in one block of cut_bytes
                           (NULL: out of memory, each row searched) */
  size_t cut_bytes;
  /* nt x nprojs: each part's own rows of each projection (part_rows.h),
   * made where the part has copies and the projection fits (at NULL
   * where it does not: its cuts, then) */
  adex__part_rows *rows;
  void **row_block; /* nt: each part's rows, in one block of row_bytes */
  size_t row_bytes;
  team_copy *copies; /* ncopies of them (adex__net_team_own), or NULL:
                        the steps write the populations' own arrays */
  size_t ncopies;
  /* the parts' ranges (adex__net_team_split, adex__net_team_balance):
   * group g's part q is [b[g (parts + 1) + q], b[g (parts + 1) + q + 1])
   * with b split[1] from step split_from on, split[0] before (whose
   * lists step split_from still reads) */
  size_t *split[2];
  uint64_t split_from;
  size_t *next;    /* a split being weighed */
  size_t *cap;     /* ngroups: most neurons of a group a part holds */
  double *worked;  /* nt: the parts' work, as weighed */
  team_work *work; /* nt */
  size_t every;    /* steps between looks at the work (0: never) */
  bool force;      /* the bounds move at every look (tests) */
  unsigned looks;  /* looks so far */
  bool moved;      /* the last look's verdict (part 0's, read by all) */
};

int adex__net_team_threads(const adex_net *net) {
  if (!net->planned || net->comm != NULL || !splittable(net)) return 1;
  return split_threads(net);
}

/* The team's copies released (adex__net_team_own), none kept. */
static void drop_copies(adex__net_team *tm);
static void place_rows(adex__net_team *tm, size_t parts);

void adex__net_team_free(adex__net_team *tm) {
  if (tm == NULL) return;
  adex__scratch_free(tm->list_block, tm->list_bytes);
  free(tm->lists);
  free(tm->msg);
  free(tm->mine);
  free(tm->nf);
  free(tm->nfs);
  for (size_t q = 0; tm->cut_block != NULL && q < tm->nt; q++)
    adex__scratch_free(tm->cut_block[q], tm->cut_bytes);
  free(tm->cut_block);
  free(tm->cuts);
  for (size_t q = 0; tm->row_block != NULL && q < tm->nt; q++)
    adex__scratch_free(tm->row_block[q], tm->row_bytes);
  free(tm->row_block);
  free(tm->rows);
  drop_copies(tm);
  free(tm->split[0]);
  free(tm->split[1]);
  free(tm->next);
  free(tm->cap);
  free(tm->worked);
  free(tm->work);
  free(tm);
}

adex__net_team *adex__net_team_new(adex_net *net, size_t nt, size_t batch) {
  adex__net_team *tm = calloc(1, sizeof *tm);
  if (tm == NULL) return NULL;
  size_t ng = net->ngroups, nloc = 0;
  for (size_t g = 0; g < ng; g++) nloc += net->groups[g].nloc;
  tm->net = net;
  tm->nt = nt;
  /* a batch's lists, at most TEAM_BATCH_BYTES of them */
  size_t most = TEAM_BATCH_BYTES / (4 * (nloc + ng) + 1);
  tm->nbuf = batch < most ? batch : most;
  if (tm->nbuf < 2 || nt > TEAM_MAX_EVENT_PARTS) tm->nbuf = 2;
  tm->batch = batch > 1 && nt <= TEAM_MAX_EVENT_PARTS ? tm->nbuf : 1;
  tm->lists = calloc(ng, sizeof *tm->lists);
  /* the step's word, then the counts, rounded up to whole lines */
  size_t line = TEAM_LINE / sizeof(uint64_t);
  tm->msg_words = (1 + (ng + 2) / 2 + line - 1) / line * line;
  tm->msg_room = 2 * tm->msg_words - 2 - ng - 1;
  tm->mine_stride =
      (ng + TEAM_LINE / 4 - 1) / (TEAM_LINE / 4) * (TEAM_LINE / 4);
  tm->msg = aligned_alloc(TEAM_LINE, 2 * nt * tm->msg_words * sizeof(uint64_t));
  tm->mine = aligned_alloc(TEAM_LINE,
                           nt * tm->nbuf * tm->mine_stride * sizeof(uint32_t));
  if (tm->msg != NULL)
    memset(tm->msg, 0, 2 * nt * tm->msg_words * sizeof(uint64_t));
  tm->nf = malloc(nt * ng * sizeof *tm->nf);
  tm->nfs = calloc(nt * ng, sizeof *tm->nfs);
  tm->cuts = calloc(nt * net->nprojs + 1, sizeof *tm->cuts);
  /* each part's cuts in a block of its own, on a huge page where the
   * system lends them: its first touch one fault, not one per 4 KB (16 of
   * 14 us each for a part of COBA-AdEx on one machine) */
  for (size_t i = 0; i < net->nprojs; i++)
    tm->cut_bytes +=
        adex__align_up(2 * (net->projs[i].npre + 1) * sizeof(uint32_t));
  if (tm->cut_bytes < ADEX__SCRATCH_HUGE_MIN)
    tm->cut_bytes = ADEX__SCRATCH_HUGE_MIN;
  tm->cut_block = calloc(nt, sizeof *tm->cut_block);
  for (size_t q = 0; tm->cut_block != NULL && q < nt; q++)
    tm->cut_block[q] = adex__scratch_alloc(tm->cut_bytes); /* NULL: none */
  for (size_t v = 0; v < 2; v++)
    tm->split[v] = calloc(ng * (nt + 1), sizeof *tm->split[v]);
  tm->next = calloc(ng * (nt + 1), sizeof *tm->next);
  tm->cap = calloc(ng, sizeof *tm->cap);
  tm->worked = calloc(nt, sizeof *tm->worked);
  tm->work = aligned_alloc(TEAM_LINE, nt * sizeof *tm->work);
  tm->every = net->balance_every == 0          ? ADEX__BALANCE_EVERY
              : net->balance_every == SIZE_MAX ? 0
                                               : net->balance_every;
  tm->force = net->balance_force;
  /* every population's lists, projections from it or not: the spike
   * lists between steps come from them (team_events), and with copies the
   * flags stay in them. One block, on huge pages where large: each step
   * writes the first entries of each part's list, so 4 KB pages would be
   * met for the first time over a batch's steps (a fault of 14 us each
   * on one machine, 2.6 ms a run of COBA-AdEx in batches of 64 steps) */
  size_t words = 0;
  for (size_t g = 0; g < ng; g++)
    if (net->groups[g].kind == NET_GROUP_POP)
      words += tm->nbuf * net->groups[g].nloc + 1;
  tm->list_bytes = words * sizeof(uint32_t);
  tm->list_block = adex__scratch_alloc(tm->list_bytes);
  bool ok = tm->lists != NULL && tm->list_block != NULL && tm->msg != NULL &&
            tm->mine != NULL && tm->nf != NULL && tm->nfs != NULL &&
            tm->cuts != NULL && tm->cut_block != NULL && tm->split[0] != NULL &&
            tm->split[1] != NULL && tm->next != NULL && tm->cap != NULL &&
            tm->work != NULL && tm->worked != NULL;
  for (size_t g = 0, at = 0; ok && g < ng; g++) {
    const net_group *gr = &net->groups[g];
    if (gr->kind != NET_GROUP_POP) continue;
    tm->lists[g] = tm->list_block + at;
    at += tm->nbuf * gr->nloc + 1;
  }
  if (!ok) {
    adex__net_team_free(tm);
    return NULL;
  }
  for (size_t i = 0; i < nt * ng; i++) tm->nf[i] = (adex__nf){0, ADEX__NF_NONE};
  return tm;
}

/* Part q's message of the steps of parity `par`: its first word the
 * step after the one it ended, then the counts (team_count). */
static uint64_t *team_msg(const adex__net_team *tm, size_t par, size_t q) {
  return tm->msg + (par * tm->nt + q) * tm->msg_words;
}

/* Part q's counts of its lists of step k (team_events). */
static uint32_t *team_mine(const adex__net_team *tm, size_t q, uint64_t k) {
  return tm->mine + (q * tm->nbuf + (size_t)(k % tm->nbuf)) * tm->mine_stride;
}

/* Group g's lists of step k: each part's from its first neuron on. */
static uint32_t *team_list(const adex__net_team *tm, size_t g, uint64_t k) {
  return tm->lists[g] + (size_t)(k % tm->nbuf) * tm->net->groups[g].nloc;
}

/* The count of part q's list of group g in buffer `par`. */
static uint32_t *team_count(const adex__net_team *tm, size_t g, size_t par,
                            size_t q) {
  return (uint32_t *)(team_msg(tm, par, q) + 1) + g;
}

/* Group g's part q in step k: [lo, hi). */
static void team_range(const adex__net_team *tm, size_t g, size_t q, uint64_t k,
                       size_t *lo, size_t *hi) {
  const size_t *b = tm->split[k >= tm->split_from] + g * (tm->parts + 1);
  *lo = b[q];
  *hi = b[q + 1];
}

/* The populations' spikes of step k - 1 from their flags, as part 0's
 * lists (the others empty). */
static void team_gather_all(adex__net_team *tm, uint64_t k) {
  size_t par = (size_t)((k - 1) & 1);
  for (size_t g = 0; g < tm->net->ngroups; g++) {
    if (tm->lists[g] == NULL) continue;
    const net_group *gr = &tm->net->groups[g];
    *team_count(tm, g, par, 0) =
        (uint32_t)adex__net_gather_spikes(gr, team_list(tm, g, k - 1));
    for (size_t q = 1; q < tm->nt; q++) *team_count(tm, g, par, q) = 0;
  }
  for (size_t q = 0; q < tm->nt; q++) { /* the lists, not the messages */
    *team_count(tm, tm->net->ngroups, par, q) = TEAM_NONE;
    *team_msg(tm, par, q) = k; /* as if each part had ended step k - 1 */
  }
}

/* Where part q's list of group g of step k is to be read (its first
 * neuron qlo): in its message, where the spikes fit there, else in the
 * group's lists. */
static const uint32_t *team_ids(const adex__net_team *tm, size_t g, uint64_t k,
                                size_t q, size_t qlo) {
  const uint32_t *count = team_count(tm, 0, (size_t)(k & 1), q);
  size_t ng = tm->net->ngroups;
  if (count[ng] == TEAM_NONE) return team_list(tm, g, k) + qlo;
  size_t before = 0;
  for (size_t h = 0; h < g; h++)
    if (tm->lists[h] != NULL) before += count[h];
  return count + ng + 1 + before;
}

adex_status adex__net_team_start(adex__net_team *tm, uint64_t k) {
  adex_net *net = tm->net;
  double t = time_of(net, k);
  net->failed = SIZE_MAX;
  for (size_t g = 0; g < net->ngroups; g++) {
    net_group *gr = &net->groups[g];
    if (gr->kind != NET_GROUP_POP) continue;
    adex_status st = adex__pop_update_begin(gr->pop, t, net->dt, &net->ctx[g]);
    if (st != ADEX_OK) {
      net->failed = g; /* as the step would have */
      return st;
    }
  }
  adex__net_team_before(tm, k, true);
  return ADEX_OK;
}

void adex__net_team_before(adex__net_team *tm, uint64_t k, bool pops) {
  adex_net *net = tm->net;
  for (size_t g = 0; g < net->ngroups; g++) {
    net_group *gr = &net->groups[g];
    if (gr->kind != NET_GROUP_POP && gr->spk != NULL) gather_spikes(gr, k);
  }
  if (pops) team_gather_all(tm, k);
}

static void team_sync(adex__net_team *tm, uint64_t k);
static void copy_part(adex__net_team *tm, size_t part, bool in);

/* The populations' spike lists of step k (adex_pop_spike_events) from
 * the parts' lists of its spikes. */
static void team_events(adex__net_team *tm, uint64_t k) {
  size_t parts = tm->parts;
  const uint32_t *lists[TEAM_MAX_EVENT_PARTS];
  size_t counts[TEAM_MAX_EVENT_PARTS];
  if (parts > TEAM_MAX_EVENT_PARTS) return; /* from the flags, then */
  for (size_t g = 0; g < tm->net->ngroups; g++) {
    const net_group *gr = &tm->net->groups[g];
    if (gr->kind != NET_GROUP_POP || tm->lists[g] == NULL) continue;
    for (size_t q = 0; q < parts; q++) {
      size_t lo, hi;
      team_range(tm, g, q, k, &lo, &hi);
      lists[q] = team_list(tm, g, k) + lo;
      counts[q] = team_mine(tm, q, k)[g];
    }
    adex__pop_events_from(gr->pop, lists, counts, parts);
  }
}

void adex__net_team_after(adex__net_team *tm, uint64_t k) {
  adex_net *net = tm->net;
  team_sync(tm, k);
  team_events(tm, k);
  net->k = k + 1; /* for the caller's code in between (adex_net_time) */
  for (size_t g = 0; g < net->ngroups; g++)
    if (net->groups[g].kind != NET_GROUP_POP)
      source_update(net, &net->groups[g], k, time_of(net, k));
}

size_t adex__net_team_batch(const adex__net_team *tm) { return tm->batch; }

void adex__net_team_replay(adex__net_team *tm, uint64_t k) {
  adex_net *net = tm->net;
  for (size_t g = 0; g < net->ngroups; g++)
    if (net->groups[g].kind == NET_GROUP_POP) /* their events' time */
      net->groups[g].pop->last_t = time_of(net, k);
  team_events(tm, k);
  net->k = k + 1; /* adex_net_time */
}

bool adex__net_team_has_sources(const adex__net_team *tm) {
  for (size_t g = 0; g < tm->net->ngroups; g++)
    if (tm->net->groups[g].kind != NET_GROUP_POP) return true;
  return false;
}

void adex__net_team_range(const adex__net_team *tm, size_t g, size_t part,
                          uint64_t k, size_t *lo, size_t *hi) {
  team_range(tm, g, part, k, lo, hi);
}

size_t adex__net_team_group_of(adex_net *net, const void *data) {
  for (size_t g = 0; g < net->ngroups && data != NULL; g++) {
    net_group *gr = &net->groups[g];
    if (gr->kind != NET_GROUP_POP) continue;
    for (size_t i = 0; i < ADEX__POP_BUILTIN_VARS; i++) {
      adex_var v;
      if (adex_pop_var_at(gr->pop, i, &v) == ADEX_OK && v.data == data)
        return g;
    }
  }
  return SIZE_MAX;
}

/* The most neurons of a group of n a part of `parts` may hold: half as
 * many again as an equal share, in whole blocks of 64. */
static size_t part_cap(size_t n, size_t parts) {
  size_t blocks = (n + 63) / 64;
  size_t most = (3 * blocks + 2 * parts - 1) / (2 * parts) * 64;
  return most < n ? most : n;
}

void adex__net_team_split(adex__net_team *tm, size_t parts) {
  const adex_net *net = tm->net;
  size_t ng = net->ngroups;
  tm->parts = parts;
  tm->split_from = 0;
  for (size_t g = 0; g < ng; g++) {
    const net_group *gr = &net->groups[g];
    bool pop = gr->kind == NET_GROUP_POP;
    size_t *b = tm->split[1] + g * (parts + 1), hi = 0;
    for (size_t q = 0; q < parts; q++)
      if (pop) part_range(gr, q, parts, &b[q], &hi);
    b[parts] = pop ? gr->nloc : 0;
    /* half as many again as an equal share, in whole blocks */
    tm->cap[g] = part_cap(b[parts], parts);
  }
  memcpy(tm->split[0], tm->split[1], ng * (parts + 1) * sizeof *tm->split[0]);
  memset(tm->work, 0, tm->nt * sizeof *tm->work);
}

/* Each part's own rows of the projections that fit (part_rows.h), with
 * room for the synapses into the most neurons a part of `parts` may
 * hold, in a block of its own (on huge pages where large); none where a
 * block is not lent: the cuts, then. */
static void place_rows(adex__net_team *tm, size_t parts) {
  const adex_net *net = tm->net;
  size_t *room = calloc(net->nprojs + 1, sizeof *room);
  if (room == NULL) return;
  for (size_t i = 0; i < net->nprojs; i++) {
    const net_proj *p = &net->projs[i];
    if (!adex__part_rows_fit(p, p->npost)) continue;
    room[i] = adex__part_rows_room(p, part_cap(p->npost, parts));
    if (room[i] > 0) tm->row_bytes += adex__part_rows_bytes(p, room[i]);
  }
  if (tm->row_bytes > 0) {
    tm->rows = calloc(tm->nt * net->nprojs, sizeof *tm->rows);
    tm->row_block = calloc(tm->nt, sizeof *tm->row_block);
  }
  for (size_t q = 0; tm->rows != NULL && tm->row_block != NULL && q < parts;
       q++) {
    char *block = tm->row_block[q] = adex__scratch_alloc(tm->row_bytes);
    for (size_t i = 0; block != NULL && i < net->nprojs; i++) {
      if (room[i] == 0) continue;
      const net_proj *p = &net->projs[i];
      adex__part_rows_place(&tm->rows[q * net->nprojs + i], p, room[i], block);
      block += adex__part_rows_bytes(p, room[i]);
    }
  }
  free(room);
}

/* Part `part`'s own rows of projection i, made or not, or NULL: where the
 * part has copies (the delivery into them reads them). */
static adex__part_rows *rows_of(adex__net_team *tm, size_t part, size_t i) {
  if (tm->rows == NULL || tm->copies == NULL || part >= tm->ncopies)
    return NULL;
  adex__part_rows *r = &tm->rows[part * tm->net->nprojs + i];
  return r->at != NULL ? r : NULL;
}

/* Part `part`'s delivery made ready for its range, at the start and
 * (`moved`) for the projections into a group whose part moved: its own
 * rows of each projection made where it has them (rows_of) and they hold
 * the range's synapses, else its cuts (tm->cuts) cleared: each row's
 * part in the part's range found at its first spike
 * (adex__net_proj_deliver_list). Cuts NULL where a projection's rows are
 * not sorted, or out of memory: each row searched at every spike. */
static void ready_rows(adex__net_team *tm, size_t part, bool moved) {
  adex_net *net = tm->net;
  uint32_t *block = tm->cut_block[part];
  size_t at = 0; /* projection i's cuts in the block */
  for (size_t i = 0; i < net->nprojs; i++) {
    const net_proj *p = &net->projs[i];
    adex__part_rows *r = rows_of(tm, part, i);
    size_t g = p->cfg.post * (tm->parts + 1) + part; /* its bounds */
    const size_t *was = tm->split[0] + g, *b = tm->split[1] + g;
    if (moved && was[0] == b[0] && was[1] == b[1]) {
      /* as it was */
    } else if (r != NULL && adex__part_rows_make(r, p, b[0], b[1])) {
      /* its own rows */
    } else if (block != NULL && p->rows_sorted) {
      tm->cuts[part * net->nprojs + i] = block + at;
      memset(block + at, 0, 2 * p->npre * sizeof *block);
    }
    at += adex__align_up(2 * (p->npre + 1) * sizeof *block) / sizeof *block;
  }
}

void adex__net_team_ready(adex__net_team *tm, size_t part) {
  if (tm->copies != NULL && part < tm->ncopies) copy_part(tm, part, true);
  ready_rows(tm, part, false);
}

/* Deliver one spike list of step k - 1 of projection i into part
 * `part`'s range [lo, hi): from its own rows where it has them, else
 * from the projection's rows with its cuts. */
static void deliver_ids(adex__net_team *tm, size_t i, size_t part,
                        const uint32_t *ids, size_t n, uint64_t k, size_t lo,
                        size_t hi) {
  net_proj *p = &tm->net->projs[i];
  double *into = tm->copies != NULL ? tm->copies[part].projs[i].ring : NULL;
  const adex__part_rows *r = rows_of(tm, part, i);
  if (r != NULL && r->made && into != NULL)
    adex__part_rows_deliver(p, r, ids, n, k - 1, hi - lo, into);
  else
    adex__net_proj_deliver_list(p, ids, n, k - 1, lo, hi,
                                tm->cuts[part * tm->net->nprojs + i], into);
}

/* Deliver into [lo, hi) the spikes of step k - 1 of p (projection i) for
 * part `part`: its pre group's parts' lists in order, or a spike
 * source's one list. Each other part's list once its step k - 1 has
 * ended (bar's wait on its message). Where every synapse of p has the
 * same weight, every sum the delivery makes adds that one number, in
 * whatever order: the part's own list first then, while the others may
 * still be ending their step. Returns the ticks it waited. */
static uint64_t team_deliver(adex__net_team *tm, size_t i, size_t part,
                             size_t parts, uint64_t k, size_t lo, size_t hi,
                             const adex__barrier *bar) {
  const net_proj *p = &tm->net->projs[i];
  size_t pg = p->cfg.pre;
  const net_group *pre = &tm->net->groups[pg];
  if (tm->lists[pg] == NULL) { /* gathered at once: one list */
    deliver_ids(tm, i, part, pre->spk, pre->nspk, k, lo, hi);
    return 0;
  }
  size_t par = (size_t)((k - 1) & 1);
  bool own_first = p->w == NULL;
  uint64_t waited = 0;
  for (size_t j = 0; j < parts; j++) {
    /* own_first: part, then the others in order */
    size_t q = !own_first ? j : j == 0 ? part : j <= part ? j - 1 : j;
    if (q != part) waited += adex__barrier_await(bar, team_msg(tm, par, q), k);
    size_t n = *team_count(tm, pg, par, q), qlo, qhi;
    if (n == 0) continue;
    team_range(tm, pg, q, k - 1, &qlo, &qhi);
    deliver_ids(tm, i, part, team_ids(tm, pg, k - 1, q, qlo), n, k, lo, hi);
  }
  return waited;
}

/* ------------------------------------------------ the team's own copies */

/* Whether a run's team can keep copies (team_copy): every group a
 * population whose step folds the post side of every projection into it,
 * or a float32 one whose projections run on its float arrays directly
 * (f32_direct), so that the delivery, those post sides and the fused
 * kernel are the only writers of what a part steps. */
static bool copies_fit(const adex_net *net) {
  for (size_t g = 0; g < net->ngroups; g++) {
    const net_group *gr = &net->groups[g];
    if (gr->kind != NET_GROUP_POP) return false;
    size_t into = 0;
    for (size_t i = 0; i < net->nprojs; i++)
      into += net->projs[i].cfg.post == g;
    bool folded = gr->nfold > 0 && net->fold == ADEX__FOLD_ALL &&
                  gr->ndirect == 0 && adex__pop_takes_chans(gr->pop);
    bool direct = gr->ndirect == into && net->fold != ADEX__FOLD_NONE;
    if (into > 0 && !folded && !direct) return false;
  }
  return true;
}

/* The step context's state arrays of a population (V, w, input,
 * t_last_spike) in its dtype, and their element's size. */
static size_t state_of(const adex__step_ctx *ctx, void *arr[4]) {
  bool f32 = ctx->V32 != NULL;
  arr[0] = f32 ? (void *)ctx->V32 : (void *)ctx->V;
  arr[1] = f32 ? (void *)ctx->w32 : (void *)ctx->w;
  arr[2] = f32 ? (void *)ctx->input32 : (void *)ctx->input;
  arr[3] = f32 ? (void *)ctx->t_last_spike32 : (void *)ctx->t_last_spike;
  return f32 ? sizeof(float) : sizeof(double);
}

/* Part q's copy of its range from step k on laid out in one block (NULL
 * where `block` is NULL: its size only, into *bytes; where `most`, the
 * size of the largest range the part may hold, tm->cap). */
static void copy_layout(const adex__net_team *tm, size_t q, uint64_t k,
                        bool most, team_copy *c, char *block, size_t *bytes) {
  const adex_net *net = tm->net;
  size_t at = 0;
#define CARVE(ptr, type, count)                                                \
  do {                                                                         \
    if (block != NULL) (ptr) = (type *)(void *)(block + at);                   \
    at += adex__align_up((count) * sizeof(type));                              \
  } while (0)
  for (size_t g = 0; g < net->ngroups; g++) {
    size_t lo, hi;
    team_range(tm, g, q, k, &lo, &hi);
    copy_group *cg = block != NULL ? &c->groups[g] : &(copy_group){0};
    size_t n = most ? tm->cap[g] : hi - lo,
           elem = adex_dtype_size(adex_pop_dtype(net->groups[g].pop));
    cg->lo = lo;
    cg->n = n;
    for (size_t a = 0; a < 4; a++) CARVE(cg->state[a], char, n *elem);
    CARVE(cg->spike, bool, n);
    CARVE(cg->ref, bool, n);
  }
  for (size_t i = 0; i < net->nprojs; i++) {
    const net_proj *p = &net->projs[i];
    size_t lo, hi;
    team_range(tm, p->cfg.post, q, k, &lo, &hi);
    size_t n = most ? tm->cap[p->cfg.post] : hi - lo;
    copy_proj *cp = block != NULL ? &c->projs[i] : &(copy_proj){0};
    CARVE(cp->g, double, n);
    CARVE(cp->ring, double, p->ring_len *n);
  }
#undef CARVE
  *bytes = at;
}

static void drop_copies(adex__net_team *tm) {
  for (size_t q = 0; tm->copies != NULL && q < tm->ncopies; q++) {
    adex__scratch_free(tm->copies[q].block, tm->copies[q].bytes);
    free(tm->copies[q].groups);
    free(tm->copies[q].projs);
  }
  free(tm->copies);
  tm->copies = NULL;
  tm->ncopies = 0;
}

bool adex__net_team_own(adex__net_team *tm, size_t parts, size_t steps) {
  adex_net *net = tm->net;
  if (!copies_fit(net) || parts > tm->nt) return false;
  team_copy *c = tm->copies = calloc(parts, sizeof *c);
  bool ok = c != NULL;
  tm->ncopies = ok ? parts : 0;
  for (size_t q = 0; ok && q < parts; q++) {
    copy_layout(tm, q, UINT64_MAX, true, NULL, NULL, &c[q].bytes);
    /* a huge page's worth at least: on huge pages where the system lends
     * them, its first touch one fault, not one per 4 KB (80 of 14 us each
     * for COBA-AdEx's two parts on one machine) */
    if (c[q].bytes < ADEX__SCRATCH_HUGE_MIN)
      c[q].bytes = ADEX__SCRATCH_HUGE_MIN;
    /* left untouched: its thread writes it first (adex__net_team_ready) */
    c[q].block = adex__scratch_alloc(c[q].bytes);
    c[q].groups = calloc(net->ngroups, sizeof *c[q].groups);
    c[q].projs = calloc(net->nprojs + 1, sizeof *c[q].projs);
    ok = c[q].block != NULL && c[q].groups != NULL && c[q].projs != NULL;
    size_t bytes;
    if (ok) copy_layout(tm, q, UINT64_MAX, false, &c[q], c[q].block, &bytes);
  }
  if (!ok) drop_copies(tm); /* the populations' own arrays, then */
  size_t least = net->rows_steps != 0 ? net->rows_steps : ADEX__TEAM_ROWS_STEPS;
  if (tm->copies != NULL && steps >= least) place_rows(tm, parts);
  return tm->copies != NULL;
}

/* The step context's arrays of group g (adex__pop_step_ctx), for the
 * copies. */
static adex__step_ctx ctx_of(const adex_net *net, size_t g) {
  adex__step_ctx ctx;
  adex__pop_step_ctx(net->groups[g].pop, 0.0, net->dt, &ctx);
  return ctx;
}

/* Copy part `part`'s arrays into its copies (in) or back (out). */
static void copy_part(adex__net_team *tm, size_t part, bool in) {
  adex_net *net = tm->net;
  team_copy *c = &tm->copies[part];
#define MOVE(copy, orig, count)                                                \
  do {                                                                         \
    if (in)                                                                    \
      memcpy((copy), (orig), (count) * sizeof *(copy));                        \
    else                                                                       \
      memcpy((orig), (copy), (count) * sizeof *(copy));                        \
  } while (0)
  for (size_t g = 0; g < net->ngroups; g++) {
    copy_group *cg = &c->groups[g];
    size_t lo = cg->lo, n = cg->n;
    if (n == 0) continue;
    adex__step_ctx ctx = ctx_of(net, g);
    void *arr[4];
    size_t elem = state_of(&ctx, arr);
    for (size_t a = 0; a < 4; a++)
      MOVE((char *)cg->state[a], (char *)arr[a] + lo * elem, n * elem);
    MOVE(cg->spike, ctx.spike + lo, n);
    if (ctx.refractory != NULL) MOVE(cg->ref, ctx.refractory + lo, n);
  }
  for (size_t i = 0; i < net->nprojs; i++) {
    net_proj *p = &net->projs[i];
    const copy_group *cg = &c->groups[p->cfg.post];
    size_t lo = cg->lo, n = cg->n;
    if (n == 0) continue;
    copy_proj *cp = &c->projs[i];
    MOVE(cp->g, p->g + lo, n);
    for (size_t r = 0; r < p->ring_len; r++)
      MOVE(cp->ring + r * n, p->ring + r * p->npost + lo, n);
  }
#undef MOVE
}

void adex__net_team_own_back(adex__net_team *tm, size_t part) {
  if (tm->copies != NULL && part < tm->ncopies) copy_part(tm, part, false);
}

const void *adex__net_team_copy_of(const adex__net_team *tm, size_t part,
                                   size_t g, const void *data) {
  if (tm->copies == NULL || part >= tm->ncopies || g >= tm->net->ngroups)
    return NULL;
  const copy_group *cg = &tm->copies[part].groups[g];
  adex__step_ctx ctx = ctx_of(tm->net, g);
  void *arr[4];
  (void)state_of(&ctx, arr);
  for (size_t a = 0; a < 4; a++)
    if (data == arr[a]) return cg->state[a];
  if (data == ctx.spike) return cg->spike;
  if (ctx.refractory != NULL && data == ctx.refractory) return cg->ref;
  return NULL;
}

/* The step context of part cg of group g at step k on the copies: its
 * arrays, the per-neuron ones it reads from the part's first neuron
 * (parameters in `soa`, which must outlive it), the channels' g and ring
 * rows (ch, filled by chans_of). */
static void copy_ctx(const adex__net_team *tm, const team_copy *c, size_t g,
                     uint64_t k, adex__step_ctx *ctx, adex__chan *ch,
                     adex__nsoa *soa) {
  const copy_group *cg = &c->groups[g];
  size_t lo = cg->lo;
  if (ctx->V32 != NULL) {
    ctx->V32 = cg->state[0];
    ctx->w32 = cg->state[1];
    ctx->input32 = cg->state[2];
    ctx->t_last_spike32 = cg->state[3];
    if (ctx->drive32 != NULL) ctx->drive32 += lo;
    if (ctx->per32 != NULL) ctx->per32 += lo;
  } else {
    ctx->V = cg->state[0];
    ctx->w = cg->state[1];
    ctx->input = cg->state[2];
    ctx->t_last_spike = cg->state[3];
    if (ctx->drive != NULL) ctx->drive += lo;
  }
  ctx->spike = cg->spike;
  if (ctx->refractory != NULL) ctx->refractory = cg->ref;
  if (ctx->per != NULL) ctx->per += lo;
  if (ctx->soa != NULL) {
    *soa = *ctx->soa;
    for (size_t j = 0; j < ADEX__SOA_N; j++)
      if (soa->f[j] != NULL) soa->f[j] += lo;
    ctx->soa = soa;
  }
  ctx->nf_base += lo;
  for (size_t i = 0, n = 0; i < tm->net->nprojs && ctx->nchans > 0; i++) {
    const net_proj *p = &tm->net->projs[i];
    if (p->cfg.post != g) continue;
    ch[n].g = c->projs[i].g;
    ch[n].r = c->projs[i].ring + (k % p->ring_len) * cg->n;
    n++;
  }
}

/* Group g's part of step k on the copies c (its context ctx): tile by
 * tile, the deferred number, the post side run on the float arrays
 * where it is (f32_direct), then the fused step, as split_tiles. */
static void copy_tiles(const adex_net *net, size_t g, const team_copy *c,
                       uint64_t k, const adex__step_ctx *ctx) {
  const net_group *gr = &net->groups[g];
  size_t n = c->groups[g].n;
  bool f32 = ctx->V32 != NULL, direct = ctx->nchans == 0 && gr->ndirect > 0;
  for (size_t a = 0; a < n; a += NET_TILE) {
    size_t b = n - a < NET_TILE ? n : a + NET_TILE;
    if (gr->has_add) {
      void *in = f32 ? (void *)(ctx->input32 + a) : (void *)(ctx->input + a);
      adex__add_number(in, adex_pop_dtype(gr->pop), b - a, gr->add);
    }
    if (direct) {
      double *at[4] = {NULL, NULL, NULL, NULL};
      for (size_t d = 0; d < gr->ndirect; d++) {
        const net_proj *p = &net->projs[gr->direct[d]];
        const copy_proj *cp = &c->projs[gr->direct[d]];
        at[2 * d] = cp->g + a;
        at[2 * d + 1] = cp->ring + (k % p->ring_len) * n + a;
      }
      adex__net_proj_post_f32_on(&net->projs[gr->direct[0]],
                                 gr->ndirect == 2 ? &net->projs[gr->direct[1]]
                                                  : NULL,
                                 at, ctx->input32 + a, ctx->V32 + a, b - a);
    }
    adex__pop_step_range(gr->pop, ctx, a, b);
  }
}

void adex__net_team_part(adex__net_team *tm, size_t part, size_t parts,
                         uint64_t k, const adex__barrier *bar) {
  adex_net *net = tm->net;
  uint64_t t0 = adex__ticks(), waited = 0;
  double t = time_of(net, k);
  size_t ng = net->ngroups, cur = (size_t)(k & 1);
  bool others_done = false; /* every other part's step k - 1 ended */
  for (size_t g = 0; g < ng; g++) {
    net_group *gr = &net->groups[g];
    if (gr->kind != NET_GROUP_POP) continue;
    size_t lo, hi;
    team_range(tm, g, part, k, &lo, &hi);
    if (lo < hi) {
      for (size_t i = 0; i < net->nprojs; i++)
        if (net->projs[i].cfg.post == g)
          waited += team_deliver(tm, i, part, parts, k, lo, hi, bar);
      adex__step_ctx ctx;
      adex__chan ch[ADEX__MAX_CHANS];
      adex__nsoa soa;
      adex__pop_step_ctx(gr->pop, t, net->dt, &ctx);
      adex__nf *nf = &tm->nf[part * ng + g];
      ctx.nf = nf;
      ctx.nchans = chans_of(net, g, k, ch);
      ctx.chans = ctx.nchans > 0 ? ch : NULL;
      if (tm->copies != NULL) {
        copy_ctx(tm, &tm->copies[part], g, k, &ctx, ch, &soa);
        copy_tiles(net, g, &tm->copies[part], k, &ctx);
      } else {
        split_tiles(net, g, lo, hi, k, &ctx);
      }
      if (nf->count != 0) { /* the first step's smallest key, all counts */
        team_nf *f = &tm->nfs[part * ng + g];
        if (f->count == 0) {
          f->k = k;
          f->first = nf->first;
        }
        f->count += nf->count;
        *nf = (adex__nf){0, ADEX__NF_NONE};
      }
    }
    if (tm->lists[g] == NULL) continue;
    /* the list this overwrites (of step k - nbuf) and the message that
     * step k writes (of step k - 2) were last read by the others in their
     * step k - 1 at the latest: ended (mostly seen in the delivery) */
    for (size_t q = 0; q < parts && !others_done; q++)
      if (q != part)
        waited += adex__barrier_await(bar, team_msg(tm, cur ^ 1, q), k);
    others_done = true;
    uint32_t *list = team_list(tm, g, k) + lo;
    /* published by adex__net_team_step_end */
    team_mine(tm, part, k)[g] =
        tm->copies != NULL
            ? (uint32_t)gather_range(tm->copies[part].groups[g].spike, 0,
                                     hi - lo, lo, list)
            : (uint32_t)gather_range(gr->spike, lo, hi, 0, list);
  }
  team_work *w = &tm->work[part];
  uint64_t ticks = adex__ticks() - t0;
  ticks = ticks > waited ? ticks - waited : 0;
  w->ticks += w->clip != 0 && ticks > w->clip ? w->clip : ticks;
  w->steps++;
}

void adex__net_team_step_end(adex__net_team *tm, size_t part, size_t parts,
                             uint64_t k, const adex__barrier *bar, bool wait) {
  size_t par = (size_t)(k & 1), ng = tm->net->ngroups, total = 0;
  uint32_t *count = team_count(tm, 0, par, part);
  const uint32_t *mine = team_mine(tm, part, k);
  for (size_t g = 0; g < ng; g++)
    if (tm->lists[g] != NULL) total += count[g] = mine[g];
  count[ng] = total <= tm->msg_room ? (uint32_t)total : TEAM_NONE;
  for (size_t g = 0, at = 0; g < ng && total <= tm->msg_room; g++) {
    size_t lo, hi;
    if (tm->lists[g] == NULL || mine[g] == 0) continue;
    team_range(tm, g, part, k, &lo, &hi);
    memcpy(count + ng + 1 + at, team_list(tm, g, k) + lo,
           mine[g] * sizeof *count);
    at += mine[g];
  }
  __atomic_store_n(team_msg(tm, par, part), k + 1, __ATOMIC_RELEASE);
  for (size_t q = 0; q < parts && wait; q++)
    if (q != part) adex__barrier_await(bar, team_msg(tm, par, q), k + 1);
}

/* ------------------------------------------------ the parts' balance */

/* On part 0, between barriers: whether the bounds move from step k on
 * (then the new split in tm->next), from the parts' work since the last
 * look (or, forced, as if the parts took turns at being twice as slow). */
static bool team_weigh(adex__net_team *tm, size_t parts) {
  size_t ng = tm->net->ngroups;
  double *work = tm->worked;
  const size_t *b = tm->split[1];
  for (size_t q = 0; q < parts; q++) {
    work[q] = (double)tm->work[q].ticks;
    if (tm->force) { /* its neurons, twice over in its turn */
      work[q] = 0.0;
      for (size_t g = 0; g < ng; g++)
        work[q] +=
            (double)(b[g * (parts + 1) + q + 1] - b[g * (parts + 1) + q]);
      if ((q + tm->looks) % 2 == 0) work[q] *= 2.0;
    }
  }
  tm->looks++;
  return adex__balance(parts, ng, tm->cap, b, work,
                       tm->force ? 0.0 : ADEX__BALANCE_GAIN, tm->next);
}

bool adex__net_team_balance(adex__net_team *tm, size_t part, size_t parts,
                            uint64_t k, size_t done, adex__barrier *bar) {
  if (tm->every == 0 || done == 0 || done % tm->every != 0 || parts < 2)
    return false;
  adex__barrier_wait(bar); /* every part's step k - 1 ended and recorded */
  if (part == 0) tm->moved = team_weigh(tm, parts);
  adex__barrier_wait(bar);
  bool moved = tm->moved;
  team_work *w = &tm->work[part]; /* a new look's work from here */
  w->clip = w->steps > 0 ? 4 * (w->ticks / w->steps) : 0;
  w->ticks = 0;
  w->steps = 0;
  if (!moved) return false;
  bool copies = tm->copies != NULL && part < tm->ncopies;
  if (copies) copy_part(tm, part, false); /* the old range, back */
  adex__barrier_wait(bar);
  if (part == 0) { /* step k still reads the lists of step k - 1 */
    size_t words = tm->net->ngroups * (parts + 1);
    memcpy(tm->split[0], tm->split[1], words * sizeof *tm->split[0]);
    memcpy(tm->split[1], tm->next, words * sizeof *tm->split[1]);
    tm->split_from = k;
  }
  adex__barrier_wait(bar);
  if (copies) { /* the new range, in the same block */
    team_copy *c = &tm->copies[part];
    size_t bytes;
    copy_layout(tm, part, k, false, c, c->block, &bytes);
    copy_part(tm, part, true);
  }
  ready_rows(tm, part, true);
  return true;
}

/* The populations as the steps up to step k (done) would have left
 * them: their last update's time (the spike events'), and the non-finite
 * values the parts met since the last such sync merged step by step. */
static void team_sync(adex__net_team *tm, uint64_t k) {
  adex_net *net = tm->net;
  size_t ng = net->ngroups;
  for (size_t g = 0; g < ng; g++) {
    net_group *gr = &net->groups[g];
    if (gr->kind != NET_GROUP_POP) continue;
    (void)adex__pop_update_begin(gr->pop, time_of(net, k), net->dt,
                                 &net->ctx[g]);
    team_nf all = {UINT64_MAX, ADEX__NF_NONE, 0};
    for (size_t q = 0; q < tm->nt; q++) {
      team_nf *f = &tm->nfs[q * ng + g];
      if (f->count == 0) continue;
      all.count += f->count;
      if (f->k < all.k || (f->k == all.k && f->first < all.first)) {
        all.k = f->k;
        all.first = f->first;
      }
      *f = (team_nf){0, ADEX__NF_NONE, 0};
    }
    if (all.count != 0) { /* as the steps would have merged them */
      gr->pop->nf_step = (adex__nf){all.count, all.first};
      adex__pop_update_end(gr->pop, time_of(net, all.k));
      gr->pop->nf_step = (adex__nf){0, ADEX__NF_NONE};
    }
  }
}

void adex__net_team_end(adex__net_team *tm, uint64_t k) {
  adex_net *net = tm->net;
  for (size_t g = 0; g < net->ngroups; g++) net->groups[g].has_add = false;
  if (k > net->k) {
    team_sync(tm, k - 1);
    net->k = k;
  }
  adex__net_team_free(tm);
}
