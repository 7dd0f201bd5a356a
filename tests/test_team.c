/* test_team.c - a network's run on a team of threads (drive.c, net_step.c:
 * one parallel region for the whole run, each thread keeping its part of
 * every population) gives the bits of the same run on one thread: the
 * monitors' rows, the final state, the steps done, what the hooks see
 * between steps and the non-finite counts, whatever runs between the
 * steps (hooks, inputs other than numbers, spike sources, monitors of a
 * projection, progress that stops the run), and whether the threads step
 * the populations' arrays or copies of their own parts (where nothing but
 * progress and hooks that read only spike lists runs between the steps).
 * And the barrier that ends
 * each step (run/team_barrier.h) on its own: no thread passes it early,
 * each sees the others' writes, with the long spin and the short one. */
#include "adex_test.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "coba_pop.h"         /* bench/: the COBA-AdEx neurons */
#include "net/net_balance.h"  /* adex__balance */
#include "net/net_internal.h" /* adex__net_team_threads */
#include "net/part_rows.h"    /* adex__part_rows */
#include "run/team_barrier.h" /* adex__barrier */

#include <pthread.h>
#include <time.h>

#define STEPS 300
#define NE 3200
#define NI 800

/* What a case puts around the steps. */
typedef struct team_case {
  bool poisson;      /* a PoissonGroup into E */
  bool step_input;   /* an input of one value per step and neuron (times
                       0.999 onto I's input: not a number the step adds) */
  bool hooks;        /* hooks that log the time and E's spikes, and one
                       that makes a neuron spike */
  bool g_monitor;    /* a projection's g monitored */
  size_t stop_at;    /* progress stops the run after this many steps (0:
                       never) */
  size_t hook_stop;  /* before_step stops the run at this step (0: never) */
  bool nan_start;    /* a NaN drive in two neurons (one per half), held
                       at first, the one of the second half shorter */
  bool nan_later;    /* a hook puts NaN into two neurons' V, the later
                       step in the first half */
  bool events;       /* hooks that only read: E's and I's spike lists
                       (adex_pop_spike_events) after each step, with
                       keeps_spikes (the team's own lists, not the flags) */
  bool spikes_only;  /* and nothing else (spikes_only: the threads keep
                       their parts in copies between the hooks) */
  bool f32;          /* float32 populations (their post side on their float
                       arrays); only E's spikes monitored */
  size_t batch;      /* with spikes_only: hooks run late, after batches of
                       this many steps (adex_run_hooks' batch); before_step
                       then logs only at its calls that any run makes */
  size_t after_stop; /* after_step stops the run at this step (0: never) */
  size_t balance;    /* the team's bounds move every this many steps, the
                        parts taking turns at being the slow one
                        (adex__net_set_balance; 0: as a run would) */
} team_case;

/* What a run gives. */
typedef struct team_out {
  bool Espk[STEPS][NE];
  double EV[STEPS][4];
  double Iw[STEPS][NI];
  double g[STEPS][3];
  double V[NE + NI], w[NE + NI];
  size_t done;
  int stop;
  double hook_t[STEPS][2]; /* before and after each step: the net's time */
  long hook_spikes[STEPS];
  size_t ev_n[STEPS][2];               /* each step's spike list: its length, */
  unsigned long long ev_sum[STEPS][2]; /* neurons weighted by position */
  double ev_t[STEPS][2];               /* and the time of its events */
  double progress_V[STEPS]; /* E's V[1600] as each progress call saw it */
  size_t befores;           /* before_step's calls */
  size_t last_ev_n[2];      /* the populations' spike lists after the run */
  unsigned long long last_ev_sum[2];
  unsigned long long nf_count[2];
  size_t nf_neuron[2];
  double nf_t[2];
} team_out;

typedef struct hook_ctx {
  adex_net *net;
  adex_pop *E, *I;
  team_out *out;
  const team_case *c;
} hook_ctx;

/* A step before which a run in batches of `batch` steps calls before_step
 * (the first of each batch; the first two steps of any run: the first runs
 * alone, the team takes the others). */
static bool batch_start(size_t k, size_t batch) {
  return batch < 2 || k <= 1 || k % batch == 0;
}

static int before(void *user, size_t k) {
  hook_ctx *h = user;
  h->out->befores++;
  if (batch_start(k, h->c->batch)) h->out->hook_t[k][0] = adex_net_time(h->net);
  if (h->c->hooks && k == 200) adex_pop_spike(h->E)[17] = true; /* sent */
  if (h->c->nan_later && k == 120) adex_pop_V(h->E)[2900] = NAN;
  if (h->c->nan_later && k == 150) adex_pop_V(h->E)[7] = NAN;
  return h->c->hook_stop != 0 && k == h->c->hook_stop ? 7 : 0;
}

static int after(void *user, size_t k) {
  hook_ctx *h = user;
  h->out->hook_t[k][1] = adex_net_time(h->net);
  long n = 0;
  for (size_t i = 0; i < NE && !h->c->spikes_only; i++)
    n += adex_pop_spike(h->E)[i];
  h->out->hook_spikes[k] = n;
  adex_pop *pops[2] = {h->E, h->I};
  for (int p = 0; p < 2 && h->c->events; p++) {
    const adex_spike_event *ev;
    size_t m;
    assert_ok(adex_pop_spike_events(pops[p], &ev, &m));
    h->out->ev_n[k][p] = m;
    for (size_t j = 0; j < m; j++) {
      h->out->ev_sum[k][p] += (j + 1) * (ev[j].neuron + 1);
      assert_true(ev[j].t == ev[0].t);
      if (j > 0) assert_true(ev[j].neuron > ev[j - 1].neuron);
    }
    h->out->ev_t[k][p] = m > 0 ? ev[0].t : 0.0;
    if (p == 0 && !h->c->spikes_only) assert_int_equal(m, n); /* the flags */
  }
  return h->c->after_stop != 0 && k == h->c->after_stop ? 9 : 0;
}

static int progress(void *user, size_t done, size_t total) {
  (void)total;
  hook_ctx *h = user;
  /* the state of the step done (the threads' copies written back) */
  h->out->progress_V[done - 1] =
      h->c->f32 ? adex_pop_V_f32(h->E)[1600] : adex_pop_V(h->E)[1600];
  return h->c->stop_at != 0 && done >= h->c->stop_at;
}

/* The COBA-AdEx network (3200 E, 800 I, FixedProb(0.02) ExpCOBA) on
 * `threads` threads, run STEPS steps with case c. */
static void team_run(const team_case *c, int threads, team_out *out) {
  memset(out, 0, sizeof *out);
  adex_pop_config cfg;
  adex_pop *E, *I;
  coba_pop_config(&cfg, NE, 0, 1, threads);
  cfg.name = "E";
  if (c->f32) cfg.dtype = ADEX_DTYPE_F32;
  assert_ok(adex_pop_create(&cfg, &E));
  coba_pop_config(&cfg, NI, 0, 2, threads);
  cfg.name = "I";
  if (c->f32) cfg.dtype = ADEX_DTYPE_F32;
  assert_ok(adex_pop_create(&cfg, &I));
  if (c->nan_start) { /* met once each refractory period is over */
    assert_ok(adex_pop_enable_drive(E));
    adex_pop_drive(E)[5] = NAN;
    adex_pop_drive(E)[3100] = NAN;
    adex_pop_t_last_spike(E)[5] = 0.0;     /* held up to 5 ms */
    adex_pop_t_last_spike(E)[3100] = -1.0; /* held up to 4 ms */
  }
  adex_net *net;
  assert_ok(adex_net_create(0.0, 0.1, NULL, &net));
  size_t e, i, src = 0;
  assert_ok(adex_net_add_pop(net, E, &e));
  assert_ok(adex_net_add_pop(net, I, &i));
  if (c->poisson) {
    double f = 40.0;
    assert_ok(adex_net_add_poisson(net, 200, &f, 1, 9, "P", &src));
  }
  const struct {
    size_t pre, post;
    double g, tau, E;
  } P[] = {{e, e, 0.6, 5.0, 0.0},
           {e, i, 0.6, 5.0, 0.0},
           {i, e, 6.7, 10.0, -80.0},
           {i, i, 6.7, 10.0, -80.0}};
  /* E -> E: 64 synapses into each neuron, weights of their own (so that
   * the order of delivery shows in the bits) */
  static double wEE[NE * 64];
  for (size_t j = 0; j < NE * 64; j++)
    wEE[j] = 0.5 + 0.2 * (double)((j * 7919) % 1000) / 1000.0;
  for (int k = 0; k < 4 + c->poisson; k++) {
    adex_proj_config pc;
    bool p = k == 4;
    adex_proj_config_default(
        &pc, ADEX_SYN_EXP_COBA, p ? src : P[k].pre, p ? e : P[k].post,
        k == 0 ? adex_conn_fixed_pre_num(64, true, 1)
               : adex_conn_fixed_prob(p ? 0.1 : 0.02, true, (uint64_t)k + 1));
    pc.g_max = p ? 0.3 : P[k].g;
    if (k == 0) {
      pc.weights = wEE;
      pc.n_weights = NE * 64;
    }
    pc.tau = p ? 5.0 : P[k].tau;
    pc.E = p ? 0.0 : P[k].E;
    assert_ok(adex_net_add_proj(net, &pc, NULL));
  }
  assert_ok(adex_net_plan(net));
  assert_int_equal(adex__net_team_threads(net), threads); /* a team */
  /* bounds moved: each part's own rows too (made at the start and at each
   * move), which a run as short as this one would not keep */
  if (c->balance != 0) {
    adex__net_set_balance(net, c->balance, true);
    adex__net_set_rows(net, 1);
  }

  static double steps_in[STEPS][NI];
  for (size_t k = 0; k < STEPS; k++)
    for (size_t j = 0; j < NI; j++)
      steps_in[k][j] = 1.0 - 1e-3 * (double)((k + j) % 5);
  adex_net_input in[3] = {
      {.pop = e, .in = {.kind = ADEX_RUN_INPUT_SCALAR, .value = 20.0}},
      {.pop = i, .in = {.kind = ADEX_RUN_INPUT_SCALAR, .value = 20.0}},
      {.pop = i,
       .op = '*',
       .in = {.kind = ADEX_RUN_INPUT_STEP, .data = &steps_in[0][0]}}};
  static const size_t EVidx[4] = {0, 1599, 1600, 3199},
                      gidx[3] = {0, 1700, 3199};
  char gkey[64];
  snprintf(gkey, sizeof gkey, "%s.g", adex_net_proj_name(net, 0));
  adex_net_monitor mon[4] = {
      {.key = "E.spike", .dtype = ADEX_DTYPE_BOOL, .out = out->Espk},
      {.key = "E.V",
       .indices = EVidx,
       .n_indices = 4,
       .dtype = ADEX_DTYPE_F64,
       .out = out->EV},
      {.key = "I.w", .dtype = ADEX_DTYPE_F64, .out = out->Iw},
      {.key = gkey,
       .indices = gidx,
       .n_indices = 3,
       .dtype = ADEX_DTYPE_F64,
       .out = out->g}};
  hook_ctx h = {net, E, I, out, c};
  adex_run_hooks hooks = {.user = &h,
                          .progress = c->stop_at != 0 ? progress : NULL,
                          .keeps_spikes = c->events,
                          .spikes_only = c->spikes_only,
                          .batch = c->batch};
  if (c->hooks || c->hook_stop || c->nan_later || c->events) {
    hooks.before_step = before;
    hooks.after_step = after;
  }
  assert_ok(adex_net_run_hooked(net, STEPS, in, c->step_input ? 3 : 2, mon,
                                c->f32         ? 1
                                : c->g_monitor ? 4
                                               : 3,
                                &hooks, &out->done, &out->stop));
  for (size_t j = 0; j < NE + NI; j++) { /* float32: exact in double */
    adex_pop *p = j < NE ? E : I;
    size_t q = j < NE ? j : j - NE;
    out->V[j] = c->f32 ? adex_pop_V_f32(p)[q] : adex_pop_V(p)[q];
    out->w[j] = c->f32 ? adex_pop_w_f32(p)[q] : adex_pop_w(p)[q];
  }
  adex_pop *pops[2] = {E, I};
  for (int p = 0; p < 2; p++) { /* those of the last step done */
    const adex_spike_event *ev;
    assert_ok(adex_pop_spike_events(pops[p], &ev, &out->last_ev_n[p]));
    for (size_t j = 0; j < out->last_ev_n[p]; j++)
      out->last_ev_sum[p] += (j + 1) * (ev[j].neuron + 1);
  }
  for (int p = 0; p < 2; p++) {
    const char *var;
    assert_ok(adex_pop_nonfinite(pops[p], &out->nf_count[p], &out->nf_neuron[p],
                                 &var, &out->nf_t[p]));
    if (out->nf_count[p] == 0) out->nf_t[p] = 0.0; /* NaN: not comparable */
  }
  /* the network's time follows the steps done */
  assert_true(adex_net_steps_done(net) == out->done);
  adex_net_destroy(net);
  adex_pop_destroy(E);
  adex_pop_destroy(I);
}

/* Case c on 2 (and, with three, 3) threads against 1 thread: as a run
 * would split the neurons, and with the split moved every 23 steps (in
 * the middle of the batches of 16 and 5 too). */
static void same_as(const team_case *c, bool three) {
  static team_out one, many;
  team_run(c, 1, &one);
  long spikes = 0;
  for (size_t k = 0; k < one.done; k++)
    for (size_t j = 0; j < NE; j++) spikes += one.Espk[k][j];
  if (one.done > 100) assert_true(spikes > 50); /* the network is alive */
  for (int run = 0; run < 2 * (three ? 2 : 1); run++) {
    int threads = 2 + run / 2;
    team_case moved = *c;
    moved.balance = run % 2 == 1 ? 23 : 0;
    team_run(&moved, threads, &many);
    assert_int_equal(many.done, one.done);
    assert_int_equal(many.stop, one.stop);
    if (c->batch > 1) { /* before_step called at each batch's start only */
      size_t starts = 0;
      for (size_t k = 0; k < many.done + (many.stop != 0); k++)
        starts += batch_start(k, c->batch);
      if (c->stop_at == 0) assert_int_equal(many.befores, starts);
      assert_true(many.befores < one.befores);
      many.befores = one.befores;
    }
    assert_memory_equal(&many, &one, sizeof one);
  }
}

static void same_as_one(const team_case *c) { same_as(c, false); }

static void test_plain(void **state) {
  (void)state;
  same_as(&(team_case){0}, true);
}

static void test_serial_every_step(void **state) {
  (void)state;
  same_as_one(&(team_case){.poisson = true});
  same_as_one(&(team_case){.step_input = true});
  same_as_one(&(team_case){.hooks = true});
  same_as_one(&(team_case){.events = true});
  same_as(&(team_case){.events = true, .poisson = true}, true);
  same_as(&(team_case){.events = true, .spikes_only = true}, true);
  same_as_one(&(team_case){.events = true, .spikes_only = true, .stop_at = 97});
  same_as(&(team_case){.f32 = true}, true);
  same_as_one(&(team_case){.f32 = true, .events = true, .spikes_only = true});
  same_as_one(&(team_case){.g_monitor = true});
}

/* Hooks that read only spike lists, run after batches of steps: what
 * they see, the steps done and the state as one thread's run calling
 * them after every step; a stop by after_step within a batch ends the
 * run at the batch's end, in the state of one thread's run of as many
 * steps. */
static void test_batches(void **state) {
  (void)state;
  team_case c = {.events = true, .spikes_only = true, .batch = 16};
  same_as(&c, true);
  same_as(
      &(team_case){
          .events = true, .spikes_only = true, .batch = 5, .f32 = true},
      true);
  c.hook_stop = 160; /* before_step: a batch's first step */
  same_as_one(&c);
  c.hook_stop = 0;
  c.stop_at = 97; /* progress every 3 steps ends a batch as well */
  same_as_one(&c);
  c.stop_at = 0;
  /* a stop by after_step at step 100, within the batch of steps 96-111 */
  static team_out late, one;
  c.after_stop = 100;
  team_run(&c, 2, &late);
  assert_int_equal(late.done, 112);
  assert_int_equal(late.stop, 9);
  assert_true(late.hook_t[100][1] > 0.0); /* after_step up to the stop */
  assert_true(late.hook_t[101][1] == 0.0 && late.ev_n[101][0] == 0);
  /* the state of one thread's run of those 112 steps (stopped before
   * step 112 by before_step) */
  team_run(&(team_case){.events = true, .spikes_only = true, .hook_stop = 112},
           1, &one);
  assert_int_equal(one.done, 112);
  assert_memory_equal(late.Espk, one.Espk, sizeof one.Espk);
  assert_memory_equal(late.V, one.V, sizeof one.V);
  assert_memory_equal(late.w, one.w, sizeof one.w);
  assert_memory_equal(late.last_ev_n, one.last_ev_n, sizeof one.last_ev_n);
  assert_memory_equal(late.last_ev_sum, one.last_ev_sum,
                      sizeof one.last_ev_sum);
  for (int p = 0; p < 2; p++) /* the last step's */
    assert_int_equal(one.last_ev_n[p], one.ev_n[111][p]);
}

static void test_stops(void **state) {
  (void)state;
  static team_out out;
  team_case by_progress = {.stop_at = 249}; /* progress every 3 steps */
  same_as_one(&by_progress);
  team_run(&by_progress, 2, &out);
  assert_int_equal(out.done, 249);
  assert_int_equal(out.stop, 0);
  team_case by_hook = {.hook_stop = 1}; /* the first step of the team */
  same_as_one(&by_hook);
  team_run(&by_hook, 2, &out);
  assert_int_equal(out.done, 1);
  assert_int_equal(out.stop, 7);
  by_hook.hook_stop = 211;
  same_as_one(&by_hook);
}

/* Non-finite values counted as the steps would, the first by time
 * reported (not the smallest index): a NaN drive met first in the second
 * half, in steps the team takes without the calling thread (merged at the
 * end), and NaN put into V by a hook (merged step by step). */
static void test_nonfinite(void **state) {
  (void)state;
  static team_out out;
  team_case start = {.nan_start = true};
  same_as(&start, true);
  team_run(&start, 2, &out);
  assert_int_equal(out.nf_neuron[0], 3100); /* the first by time */
  assert_close(out.nf_t[0], 4.1, 1e-12, 1e-9);
  assert_true(out.nf_count[0] > 2);
  team_case later = {.nan_later = true};
  same_as_one(&later);
  team_run(&later, 2, &out);
  assert_int_equal(out.nf_neuron[0], 2900);
  assert_true(out.nf_count[0] >= 2);
  assert_close(out.nf_t[0], 12.0, 1e-12, 1e-9);
}

/* ------------------------------------------- the barrier between steps */

#define BAR_THREADS 4 /* more than this machine's cores: the yields too */
#define BAR_ROUNDS 600

typedef struct bar_shared {
  adex__barrier bar;
  size_t slot[BAR_THREADS]; /* written by one thread, read by all */
  size_t errors[BAR_THREADS];
} bar_shared;

typedef struct bar_arg {
  bar_shared *sh;
  size_t me;
} bar_arg;

/* Each round: write the own slot, wait, read every slot (each must hold
 * this round's value), wait. Thread 0 now and then sleeps 3 ms before it
 * writes, so that the others wait past the spins and the yields. */
static void *bar_thread(void *p) {
  bar_arg *a = p;
  bar_shared *sh = a->sh;
  for (size_t r = 0; r < BAR_ROUNDS; r++) {
    if (a->me == 0 && r % 200 == 199) {
      struct timespec ms3 = {0, 3000000};
      nanosleep(&ms3, NULL);
    }
    sh->slot[a->me] = r * BAR_THREADS + a->me;
    adex__barrier_wait(&sh->bar);
    for (size_t q = 0; q < BAR_THREADS; q++)
      sh->errors[a->me] += sh->slot[q] != r * BAR_THREADS + q;
    adex__barrier_wait(&sh->bar);
  }
  return NULL;
}

/* BAR_ROUNDS rounds of BAR_THREADS threads on a barrier made for a
 * process of `cpus` CPUs (fewer than the threads: the short spin). */
static void barrier_rounds(unsigned cpus) {
  static bar_shared sh;
  memset(&sh, 0, sizeof sh);
  adex__barrier_init(&sh.bar, BAR_THREADS, cpus);
  assert_int_equal(sh.bar.spins, cpus < BAR_THREADS
                                     ? ADEX__BARRIER_SPINS_CROWDED
                                     : ADEX__BARRIER_SPINS);
  pthread_t th[BAR_THREADS];
  bar_arg args[BAR_THREADS];
  for (size_t t = 0; t < BAR_THREADS; t++) {
    args[t] = (bar_arg){&sh, t};
    assert_int_equal(pthread_create(&th[t], NULL, bar_thread, &args[t]), 0);
  }
  for (size_t t = 0; t < BAR_THREADS; t++)
    assert_int_equal(pthread_join(th[t], NULL), 0);
  for (size_t t = 0; t < BAR_THREADS; t++) assert_int_equal(sh.errors[t], 0);
  assert_int_equal(atomic_load(&sh.bar.gen), 2 * BAR_ROUNDS);
  assert_int_equal(atomic_load(&sh.bar.arrived), 0);
}

/* No thread passes the barrier before all have reached it, and each sees
 * the others' writes from before it; every generation counted once;
 * with the long spin and the short one. */
/* A population alone (no projection, so no spike lists that delivery
 * needs) run with hooks that read its spike list after each step: the
 * same lists and state on 2 and 3 threads as on one, whether the threads
 * step its arrays or copies of their parts (spikes_only). */
#define LONE 4096
#define LONE_STEPS 200

typedef struct lone_log {
  adex_pop *pop;
  size_t n[LONE_STEPS];
  unsigned long long sum[LONE_STEPS];
} lone_log;

static int lone_after(void *user, size_t k) {
  lone_log *l = user;
  const adex_spike_event *ev;
  size_t m;
  assert_ok(adex_pop_spike_events(l->pop, &ev, &m));
  l->n[k] = m;
  for (size_t j = 0; j < m; j++) l->sum[k] += (j + 1) * (ev[j].neuron + 1);
  return 0;
}

static void lone_run(int threads, bool spikes_only, lone_log *l, double *V) {
  memset(l, 0, sizeof *l);
  adex_pop_config cfg;
  adex_pop_config_default(&cfg, LONE);
  cfg.threads = threads;
  cfg.name = "L";
  assert_ok(adex_pop_create(&cfg, &l->pop));
  assert_ok(adex_pop_enable_drive(l->pop));
  for (size_t i = 0; i < LONE; i++)
    adex_pop_drive(l->pop)[i] = 40.0 * (double)i / (LONE - 1);
  adex_net *net;
  assert_ok(adex_net_create(0.0, 0.1, NULL, &net));
  assert_ok(adex_net_add_pop(net, l->pop, NULL));
  assert_ok(adex_net_plan(net));
  adex_run_hooks h = {.user = l,
                      .after_step = lone_after,
                      .keeps_spikes = true,
                      .spikes_only = spikes_only};
  size_t done;
  int stop;
  assert_ok(
      adex_net_run_hooked(net, LONE_STEPS, NULL, 0, NULL, 0, &h, &done, &stop));
  assert_int_equal(done, LONE_STEPS);
  memcpy(V, adex_pop_V(l->pop), LONE * sizeof *V);
  adex_net_destroy(net);
  adex_pop_destroy(l->pop);
  l->pop = NULL;
}

static void test_lone_population(void **state) {
  (void)state;
  static lone_log one, many;
  static double V1[LONE], Vn[LONE];
  lone_run(1, false, &one, V1);
  size_t spikes = 0;
  for (size_t k = 0; k < LONE_STEPS; k++) spikes += one.n[k];
  assert_true(spikes > 1000 && spikes < (size_t)LONE * LONE_STEPS / 10);
  for (int threads = 2; threads <= 3; threads++)
    for (int so = 0; so < 2; so++) {
      lone_run(threads, so, &many, Vn);
      assert_memory_equal(many.n, one.n, sizeof one.n);
      assert_memory_equal(many.sum, one.sum, sizeof one.sum);
      assert_memory_equal(Vn, V1, sizeof V1);
    }
}

static void test_barrier(void **state) {
  (void)state;
  barrier_rounds(2);
  barrier_rounds(BAR_THREADS);
  /* a team of one passes at once */
  adex__barrier one;
  adex__barrier_init(&one, 1, 1);
  for (int i = 0; i < 3; i++) adex__barrier_wait(&one);
  assert_int_equal(atomic_load(&one.gen), 3);
}

/* The split that balances the parts (net/net_balance.h) against shares
 * worked out by hand: E 3200 and I 800 neurons (50 and 13 blocks of 64),
 * split in halves as a run starts (E 1600, I 384). */
static void test_balance_split(void **state) {
  (void)state;
  const size_t cap[2] = {38 * 64, 10 * 64}; /* 1.5 x an equal share */
  const size_t cur[6] = {0, 1600, NE, 0, 384, NI};
  size_t next[6];
  size_t n0 = 1600 + 384, n1 = NE + NI - n0;
  /* part 1 25% slower per neuron: part 0 gets 1 / (1 + 1 / 1.25) = 5 / 9
   * of each: 27.8 blocks of E (28: 1792), 7.2 of I (7: 448) */
  double work[3] = {(double)n0, 1.25 * (double)n1};
  assert_true(adex__balance(2, 2, cap, cur, work, 0.03, next));
  const size_t want[6] = {0, 1792, NE, 0, 448, NI};
  assert_memory_equal(next, want, sizeof want);
  /* as fast: the split stays, and so it does for a gain below 3% (part
   * 1 2% slower: one block more for part 0 would gain less) */
  work[1] = (double)n1;
  assert_false(adex__balance(2, 2, cap, cur, work, 0.03, next));
  assert_memory_equal(next, cur, sizeof cur);
  work[1] = 1.02 * (double)n1;
  assert_false(adex__balance(2, 2, cap, cur, work, 0.03, next));
  assert_memory_equal(next, cur, sizeof cur);
  /* part 1 ten times slower: part 0 holds all it may, cap */
  work[1] = 10.0 * (double)n1;
  assert_true(adex__balance(2, 2, cap, cur, work, 0.03, next));
  const size_t capped[6] = {0, 38 * 64, NE, 0, 10 * 64, NI};
  assert_memory_equal(next, capped, sizeof capped);
  /* a part that measured nothing: the split stays */
  work[1] = 0.0;
  assert_false(adex__balance(2, 2, cap, cur, work, 0.0, next));
  assert_memory_equal(next, cur, sizeof cur);
  /* three parts, the middle one twice as slow: shares 2/5, 1/5, 2/5 of
   * 50 blocks (20, 10, 20) and of 13 (5.2 and 7.8: bounds at 5 and 8) */
  const size_t cap3[2] = {25 * 64, 7 * 64};
  const size_t cur3[8] = {0, 1024, 2112, NE, 0, 256, 512, NI};
  size_t next3[8], m[3];
  for (size_t q = 0; q < 3; q++)
    m[q] = cur3[q + 1] - cur3[q] + cur3[4 + q + 1] - cur3[4 + q];
  double work3[3] = {(double)m[0], 2.0 * (double)m[1], (double)m[2]};
  assert_true(adex__balance(3, 2, cap3, cur3, work3, 0.03, next3));
  const size_t want3[8] = {0, 1280, 1920, NE, 0, 320, 512, NI};
  assert_memory_equal(next3, want3, sizeof want3);
}

/* A part's own rows (net/part_rows.h) of a projection wired by hand,
 * against its rows filtered one synapse at a time: what they hold for
 * several ranges, and where a spike list's weights land in the part's
 * columns of the ring, with one delay for all and one per pre neuron. */
static void test_part_rows(void **state) {
  (void)state;
  enum { P = 5, Q = 300, L = 4 };
  /* rows sorted; row 2 empty; row 4 all below 64 */
  static const uint32_t row[P + 1] = {0, 6, 9, 9, 15, 18};
  static uint32_t post[18] = {0,  5,   63,  64,  200, 299, /* pre 0 */
                              64, 127, 128,                /* pre 1 */
                              1,  99,  100, 150, 250, 251, /* pre 3 */
                              2,  30,  63};                /* pre 4 */
  double ring_mark = 0.0;
  net_proj p;
  memset(&p, 0, sizeof p);
  p.npre = P;
  p.npost = Q;
  p.nsyn = 18;
  p.row = (uint32_t *)row;
  p.post_idx = post;
  p.rows_sorted = true;
  p.ring = &ring_mark; /* a ring of sums: the Exp family */
  p.ring_len = L;
  p.d_all = 1;
  p.w_all = 0.25;
  assert_true(adex__part_rows_fit(&p, Q));
  assert_false(adex__part_rows_fit(&p, 65537));
  double w1 = 1.0;
  uint16_t d1 = 1;
  p.w = &w1;
  assert_false(adex__part_rows_fit(&p, Q)); /* weights of their own */
  p.w = NULL;
  p.dly = &d1;
  assert_false(adex__part_rows_fit(&p, Q)); /* delays of their own */
  p.dly = NULL;
  p.rows_sorted = false;
  assert_false(adex__part_rows_fit(&p, Q));
  p.rows_sorted = true;
  p.ring = NULL;
  assert_false(adex__part_rows_fit(&p, Q)); /* a per-pre model */
  p.ring = &ring_mark;

  /* room: the most synapses into any `most` consecutive post neurons */
  static const size_t most[] = {1, 2, 64, 100, 150, 299, Q, 2 * Q};
  for (size_t c = 0; c < sizeof most / sizeof *most; c++) {
    size_t want = 0;
    for (size_t a = 0; a + most[c] <= Q || a == 0; a++) {
      size_t in = 0;
      for (size_t q = 0; q < 18; q++)
        in += post[q] >= a && post[q] < a + most[c];
      if (in > want) want = in;
    }
    assert_int_equal(adex__part_rows_room(&p, most[c]), want);
  }
  static unsigned char block[4096];
  adex__part_rows r;
  /* too little room: not made (the part delivers with its cuts then) */
  assert_true(adex__part_rows_bytes(&p, 7) <= sizeof block);
  adex__part_rows_place(&r, &p, 7, block);
  assert_false(adex__part_rows_make(&r, &p, 0, Q));
  assert_false(r.made);
  assert_true(adex__part_rows_make(&r, &p, 0, 64)); /* 7 of them */
  assert_true(r.made);
  assert_false(adex__part_rows_make(&r, &p, 0, 65)); /* 9 */
  assert_false(r.made);
  assert_true(adex__part_rows_bytes(&p, 18) <= sizeof block);
  adex__part_rows_place(&r, &p, 18, block);
  static const size_t range[][2] = {{0, 64}, {64, 128},  {128, Q},
                                    {0, Q},  {100, 101}, {3, 3}};
  static const uint16_t dly_pre[P] = {1, 3, 2, 2, 1};
  static const uint32_t ids[] = {3, 0, 4, 3, 1, 2};
  const size_t n = sizeof ids / sizeof *ids;
  for (size_t c = 0; c < sizeof range / sizeof *range; c++) {
    size_t lo = range[c][0], hi = range[c][1], span = hi - lo;
    assert_true(adex__part_rows_make(&r, &p, lo, hi));
    for (size_t i = 0; i < P; i++) { /* pre i's synapses in [lo, hi) */
      size_t at = r.at[i];
      for (size_t q = row[i]; q < row[i + 1]; q++)
        if (post[q] >= lo && post[q] < hi) {
          assert_true(at < r.at[i + 1]);
          assert_int_equal(r.idx[at++], post[q] - lo);
        }
      assert_int_equal(at, r.at[i + 1]);
    }
    for (int per_pre = 0; per_pre < 2; per_pre++) {
      p.dly_pre = per_pre ? (uint16_t *)dly_pre : NULL;
      double got[L * Q], want[L * Q];
      memset(got, 0, sizeof got);
      memset(want, 0, sizeof want);
      uint64_t s = 6; /* the list's step */
      adex__part_rows_deliver(&p, &r, ids, n, s, span, got);
      for (size_t m = 0; m < n; m++) {
        size_t i = ids[m], d = per_pre ? dly_pre[i] : 1;
        for (size_t q = row[i]; q < row[i + 1]; q++)
          if (post[q] >= lo && post[q] < hi)
            want[((s + d) % L) * span + post[q] - lo] += 0.25;
      }
      assert_memory_equal(got, want, L * span * sizeof *got);
    }
    p.dly_pre = NULL;
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_barrier),
      cmocka_unit_test(test_balance_split),
      cmocka_unit_test(test_part_rows),
      cmocka_unit_test(test_plain),
      cmocka_unit_test(test_serial_every_step),
      cmocka_unit_test(test_batches),
      cmocka_unit_test(test_stops),
      cmocka_unit_test(test_nonfinite),
      cmocka_unit_test(test_lone_population),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
