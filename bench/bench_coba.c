/* bench_coba.c - the COBA-AdEx network (docs/networks.md) and its scaling:
 * time to build, time per simulated second, spikes and bytes per synapse.
 *
 * Usage: bench_coba [seconds=1] [threads=1]
 *                   [coba|split|all|ratio|sizes|cpus] [float64|float32]
 *                   [rounds=15]
 *   prints the benchmark network (4000 neurons, FixedProb(0.02)): its
 *   loop's time per simulated second and the median step's time x the
 *   steps per simulated second (the figure other work on a shared machine
 *   disturbs least), both stepping with adex_net_step, and the time of
 *   the same steps of a new network as one run with its spikes monitored
 *   (adex_net_run_io; on threads one team for the run); then
 *   (split) the same network with each projection split in two of
 *   FixedProb(0.01), other seeds: each population takes four
 *   projections, which the post side handles otherwise than two;
 *   (all, the default) the same neurons at 10^4, 10^5 and 10^6 neurons
 *   with 80 synapses each (FixedPreNum(80)), 0.1 s each; the populations'
 *   dtype is float64 unless the fourth argument says float32;
 *   (ratio) the benchmark network's run with spike monitors on one thread
 *   and on `threads`, `rounds` times each, one after the other in turns
 *   (which goes first alternating): the times of each (min, q25, median)
 *   and the ratio one thread / `threads` of each round's pair, whose
 *   median a machine whose speed drifts over minutes disturbs least;
 *   (sizes) the same pairs for networks of other sizes, each round
 *   going through them all: 4000 neurons with FixedProb(0.02) (the
 *   benchmark) and FixedPreNum(80), 10^4 with FixedPreNum(80) and
 *   FixedProb(0.008), 2 x 10^4 with FixedPreNum(80) (a network whose
 *   recording would take more than 200 MB left out): whether two
 *   threads gain more on a larger step;
 *   (cpus) each round the benchmark network's run with spike monitors on
 *   `threads` threads, on one thread alone on the first CPU and alone on
 *   the second (the thread pinned; Linux), in turns: whether the CPUs run
 *   the step at the same speed (a virtual machine's vCPUs need not), the
 *   bound that unequal speeds set (two threads sharing the work in
 *   proportion to their speeds end a step at best 1 + t_fast / t_slow
 *   times sooner than one thread on the faster CPU), and the ratio
 *   one thread / `threads` in the rounds whose CPUs ran at the same
 *   speed (within 6 %), against the mean of the two.
 */
#define _GNU_SOURCE /* bench_cpu.h: sched_setaffinity */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "adex/adex.h"
#include "bench_cpu.h"
#include "coba_pop.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int check(adex_status st, const char *what) {
  if (st != ADEX_OK) {
    fprintf(stderr, "bench_coba: %s: %s\n", what, adex_errmsg());
    exit(1);
  }
  return 0;
}

/* malloc, or the program ends with a message. */
static void *alloc(size_t bytes) {
  void *p = malloc(bytes);
  if (p == NULL) {
    fprintf(stderr, "bench_coba: out of memory\n");
    exit(1);
  }
  return p;
}

/* The steps of `seconds` simulated at dt = 0.1 ms. */
static size_t steps_of(double seconds) {
  return (size_t)(seconds * 10000.0 + 0.5);
}

static adex_dtype dtype = ADEX_DTYPE_F64; /* of the populations */

static adex_pop *population(size_t n, const char *name, uint64_t seed,
                            int threads) {
  adex_pop_config cfg;
  coba_pop_config(&cfg, n, 0, seed, threads);
  cfg.name = name;
  cfg.dtype = dtype;
  adex_pop *pop;
  check(adex_pop_create(&cfg, &pop), "population");
  check(adex_pop_enable_drive(pop), "drive");
  for (size_t i = 0; i < n; i++)
    if (dtype == ADEX_DTYPE_F32)
      adex_pop_drive_f32(pop)[i] = 20.0f;
    else
      adex_pop_drive(pop)[i] = 20.0;
  return pop;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* The spikes of one step, eight flags at a time (the count is not the
 * library's work: it should not weigh in the timing). */
static long count(const bool *sp, size_t m) {
  long n = 0;
  size_t q = 0;
  for (; q + 8 <= m; q += 8) {
    uint64_t word;
    memcpy(&word, sp + q, sizeof word);
    n += (long)((word * 0x0101010101010101ULL) >> 56);
  }
  for (; q < m; q++) n += sp[q];
  return n;
}

/* One network: n neurons (80 % E), FixedProb(prob) or FixedPreNum(num)
 * per projection (num split 80/20 between E and I sources), planned; its
 * populations into *pE, *pI. */
static adex_net *build(size_t n, double prob, size_t num, int threads,
                       int halves, adex_pop **pE, adex_pop **pI) {
  size_t ne = n * 4 / 5, ni = n - ne;
  adex_pop *E = population(ne, "E", 1, threads);
  adex_pop *I = population(ni, "I", 2, threads);
  adex_net *net;
  check(adex_net_create(0.0, 0.1, NULL, &net), "net");
  size_t e, i;
  check(adex_net_add_pop(net, E, &e), "add E");
  check(adex_net_add_pop(net, I, &i), "add I");
  struct {
    size_t pre, post;
    double g, tau, E;
    size_t num;
  } P[] = {{e, e, 0.6, 5.0, 0.0, num * 4 / 5},
           {e, i, 0.6, 5.0, 0.0, num * 4 / 5},
           {i, e, 6.7, 10.0, -80.0, num / 5},
           {i, i, 6.7, 10.0, -80.0, num / 5}};
  size_t nproj = 4 * (size_t)halves;
  for (size_t k = 0; k < nproj; k++) {
    size_t c = k % 4;
    adex_conn conn =
        num ? adex_conn_fixed_pre_num(P[c].num, true, (uint64_t)k + 1)
            : adex_conn_fixed_prob(prob / halves, true, (uint64_t)k + 1);
    adex_proj_config pc;
    adex_proj_config_default(&pc, ADEX_SYN_EXP_COBA, P[c].pre, P[c].post, conn);
    pc.g_max = P[c].g;
    pc.tau = P[c].tau;
    pc.E = P[c].E;
    check(adex_net_add_proj(net, &pc, NULL), "projection");
  }
  check(adex_net_plan(net), "plan");
  *pE = E;
  *pI = I;
  return net;
}

static void destroy(adex_net *net, adex_pop *E, adex_pop *I) {
  adex_net_destroy(net);
  adex_pop_destroy(E);
  adex_pop_destroy(I);
}

/* The time of a run of `steps` steps of a new network of build with both
 * populations' spikes monitored (adex_net_run_io: the loop of DSRunner,
 * on threads one team for the whole run); -1 where the recording would
 * take more than 200 MB. */
static double monitored(size_t n, double prob, size_t num, int threads,
                        int halves, size_t steps) {
  if (steps * n > 200000000) return -1.0;
  size_t ne = n * 4 / 5;
  adex_pop *E, *I;
  adex_net *net = build(n, prob, num, threads, halves, &E, &I);
  bool *rec = alloc(steps * n * sizeof *rec);
  /* its pages touched before the run (with a byte other than 0: the
   * compiler turns malloc and a memset with 0 into calloc, which leaves
   * fresh pages untouched, and the run then pays a page fault every 4 KB,
   * 1 to 2.5 us a step on this kind of machine) */
  memset(rec, 1, steps * n * sizeof *rec);
  adex_net_monitor mon[2] = {
      {.key = "E.spike", .dtype = ADEX_DTYPE_BOOL, .out = rec},
      {.key = "I.spike", .dtype = ADEX_DTYPE_BOOL, .out = rec + steps * ne}};
  double t0 = now();
  check(adex_net_run_io(net, steps, NULL, 0, mon, 2, NULL, NULL, NULL), "run");
  double t = now() - t0;
  free(rec);
  destroy(net, E, I);
  return t;
}

/* The network of build: its build time, its loop step by step (each step
 * timed), then the same steps of a new one as one run with monitors. */
static void run(size_t n, double prob, size_t num, double seconds, int threads,
                int halves) {
  size_t nproj = 4 * (size_t)halves;
  adex_pop *E, *I;
  double t_build = now();
  adex_net *net = build(n, prob, num, threads, halves, &E, &I);
  t_build = now() - t_build;
  size_t nsyn = 0;
  for (size_t p = 0; p < nproj; p++) nsyn += adex_net_proj_nsyn(net, p);
  size_t steps = steps_of(seconds);
  long spikes = 0;
  /* each step timed as well: on a shared machine the median step is the
   * figure least disturbed by other work, the closest to the code's own
   * cost (the timer's own cost, ~20 ns a step, is in it) */
  double *dt = alloc(steps * sizeof *dt);
  double t0 = now(), t_prev = t0;
  for (size_t k = 0; k < steps; k++) {
    check(adex_net_step(net), "step");
    for (size_t g = 0; g < 2; g++)
      spikes += count(adex_net_pop_spike(net, g), adex_net_pop_num(net, g));
    double t = now();
    dt[k] = t - t_prev;
    t_prev = t;
  }
  double t_run = now() - t0;
  qsort(dt, steps, sizeof *dt, cmp_double);
  double median = dt[steps / 2];
  free(dt);
  size_t bytes = adex_net_bytes(net);
  destroy(net, E, I);
  double t_mon = monitored(n, prob, num, threads, halves, steps);
  printf("%8zu neurons %10zu synapses  build %7.3f s  %8.3f s per simulated s"
         "  %6.2f Hz  %5.2f bytes/synapse",
         n, nsyn, t_build, t_run / seconds,
         (double)spikes / ((double)n * seconds), (double)bytes / (double)nsyn);
  printf("  median step x steps %.3f s", median * (double)steps / seconds);
  if (t_mon >= 0.0) printf("  run with spike monitors %.3f s", t_mon / seconds);
  printf("\n");
}

/* The ratio mode: `rounds` pairs of monitored runs, 1 and `threads`
 * threads, in alternating order. */
static void ratio(double seconds, int threads, int rounds) {
  size_t steps = steps_of(seconds);
  double *t1 = alloc(3 * (size_t)rounds * sizeof *t1);
  double *tn = t1 + rounds, *q = tn + rounds;
  for (int r = 0; r < rounds; r++) {
    bool one_first = r % 2 == 0;
    double a = monitored(4000, 0.02, 0, one_first ? 1 : threads, 1, steps);
    double b = monitored(4000, 0.02, 0, one_first ? threads : 1, 1, steps);
    t1[r] = (one_first ? a : b) / seconds;
    tn[r] = (one_first ? b : a) / seconds;
    q[r] = t1[r] / tn[r];
  }
  qsort(t1, (size_t)rounds, sizeof *t1, cmp_double);
  qsort(tn, (size_t)rounds, sizeof *tn, cmp_double);
  qsort(q, (size_t)rounds, sizeof *q, cmp_double);
  int q1 = rounds / 4, m = rounds / 2;
  printf("  run with spike monitors, %d rounds (min / q25 / median):\n"
         "    1 thread   %.4f / %.4f / %.4f s per simulated s\n"
         "    %d threads  %.4f / %.4f / %.4f s per simulated s\n"
         "    1 thread / %d threads, each round's pair: median %.2fx "
         "(q25 %.2fx, q75 %.2fx)\n",
         rounds, t1[0], t1[q1], t1[m], threads, tn[0], tn[q1], tn[m], threads,
         q[m], q[q1], q[rounds - 1 - q1]);
  free(t1);
}

/* The benchmark network's monitored run on one thread alone on CPU
 * `cpu`; negative where the thread cannot be pinned there. */
static double monitored_on(int cpu, size_t steps) {
  bench_cpus was;
  if (!bench_pin(cpu, &was)) return -1.0;
  double t = monitored(4000, 0.02, 0, 1, 1, steps);
  bench_unpin(&was);
  return t;
}

/* The cpus mode: `rounds` rounds of a run on `threads` threads and one
 * thread alone on each of the first two CPUs, in turns (the order
 * reversed every other round; the team's threads made before any pin, so
 * that none inherits it). */
static void cpus(double seconds, int threads, int rounds) {
  size_t steps = steps_of(seconds);
  double *t = alloc(6 * (size_t)rounds * sizeof *t);
  double *c0 = t, *c1 = c0 + rounds, *tn = c1 + rounds, *bound = tn + rounds,
         *fast = bound + rounds, *same = fast + rounds;
  int nsame = 0;
  for (int r = 0; r < rounds; r++) {
    if (r % 2 == 0) {
      tn[r] = monitored(4000, 0.02, 0, threads, 1, steps);
      c0[r] = monitored_on(0, steps);
      c1[r] = monitored_on(1, steps);
    } else {
      c1[r] = monitored_on(1, steps);
      c0[r] = monitored_on(0, steps);
      tn[r] = monitored(4000, 0.02, 0, threads, 1, steps);
    }
    if (c0[r] < 0.0 || c1[r] < 0.0) {
      printf("  the thread could not be pinned to the first two CPUs\n");
      free(t);
      return;
    }
    bound[r] = bench_cpus_bound(c0[r], c1[r]);
    fast[r] = (c0[r] < c1[r] ? c0[r] : c1[r]) / tn[r];
    if (bench_cpus_alike(c0[r], c1[r]))
      same[nsame++] = 0.5 * (c0[r] + c1[r]) / tn[r];
  }
  char many[32], ratio_fast[48];
  snprintf(many, sizeof many, "%d threads", threads);
  snprintf(ratio_fast, sizeof ratio_fast, "1 thread on the faster / %d",
           threads);
  const char *name[6] = {"1 thread on the first CPU",
                         "1 thread on the second CPU",
                         many,
                         "bound 1 + t_fast / t_slow",
                         ratio_fast,
                         "the same, CPUs within 6 %"};
  printf("  run with spike monitors, %d rounds (min / q25 / median; times in "
         "s per simulated s):\n",
         rounds);
  for (int c = 0; c < 6; c++) {
    int n = c == 5 ? nsame : rounds;
    double *v = t + c * rounds;
    if (n == 0) {
      printf("    %-34s no such round\n", name[c]);
      continue;
    }
    for (int r = 0; r < n && c < 3; r++) v[r] /= seconds;
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    printf("    %-34s %.4f / %.4f / %.4f%s\n", name[c], v[0], v[n / 4],
           v[n / 2], c == 5 ? " (mean of the CPUs)" : "");
  }
  printf("    rounds whose CPUs ran within 6 %% of each other: %d of %d\n",
         nsame, rounds);
  free(t);
}

/* The sizes mode: `rounds` rounds, each a pair (1 and `threads` threads,
 * in alternating order) of monitored runs of every network below. */
static void sizes(double seconds, int threads, int rounds) {
  static const struct {
    size_t n;
    double prob;
    size_t num;
  } C[] = {{4000, 0.02, 0},
           {4000, 0.0, 80},
           {10000, 0.0, 80},
           {10000, 0.008, 0},
           {20000, 0.0, 80}};
  enum { NC = sizeof C / sizeof C[0] };
  size_t steps = steps_of(seconds);
  double *t = alloc(3 * NC * (size_t)rounds * sizeof *t);
  for (int r = 0; r < rounds; r++)
    for (size_t c = 0; c < NC; c++)
      for (int j = 0; j < 2; j++) { /* which goes first alternating */
        bool one = (j == 0) == (r % 2 == 0);
        double x = monitored(C[c].n, C[c].prob, C[c].num, one ? 1 : threads, 1,
                             steps) /
                   seconds;
        t[(3 * c + (one ? 0 : 1)) * (size_t)rounds + (size_t)r] = x;
      }
  printf("  run with spike monitors, %d rounds (median s per simulated s; "
         "ratio 1 thread / %d threads of each round's pair: median, q25, "
         "q75):\n",
         rounds, threads);
  for (size_t c = 0; c < NC; c++) {
    if (t[3 * c * (size_t)rounds] < 0.0) { /* monitored() did not run it */
      printf("    %6zu neurons: not run (its recording would take more "
             "than 200 MB)\n",
             C[c].n);
      continue;
    }
    double *t1 = t + 3 * c * (size_t)rounds, *tn = t1 + rounds,
           *q = tn + rounds;
    for (int r = 0; r < rounds; r++) q[r] = t1[r] / tn[r];
    qsort(t1, (size_t)rounds, sizeof *t1, cmp_double);
    qsort(tn, (size_t)rounds, sizeof *tn, cmp_double);
    qsort(q, (size_t)rounds, sizeof *q, cmp_double);
    int q1 = rounds / 4, m = rounds / 2;
    char conn[48];
    if (C[c].num > 0)
      snprintf(conn, sizeof conn, "FixedPreNum(%zu)", C[c].num);
    else
      snprintf(conn, sizeof conn, "FixedProb(%g)", C[c].prob);
    printf("    %6zu neurons %-16s 1 thread %.4f  %d threads %.4f  "
           "%.2fx (%.2fx, %.2fx)\n",
           C[c].n, conn, t1[m], threads, tn[m], q[m], q[q1],
           q[rounds - 1 - q1]);
  }
  free(t);
}

int main(int argc, char **argv) {
  double seconds = argc > 1 ? atof(argv[1]) : 1.0;
  int threads = argc > 2 ? atoi(argv[2]) : 1;
  if (argc > 4 && strcmp(argv[4], "float32") == 0) dtype = ADEX_DTYPE_F32;
  if (!(seconds > 0.0) || threads < 0 ||
      (argc > 4 && dtype != ADEX_DTYPE_F32 && strcmp(argv[4], "float64"))) {
    fprintf(stderr, "usage: bench_coba [seconds > 0] [threads >= 0] "
                    "[coba|split|all|ratio|sizes|cpus] [float64|float32] "
                    "[rounds]\n");
    return 2;
  }
  bool by_size = argc > 3 && strcmp(argv[3], "sizes") == 0;
  bool by_cpu = argc > 3 && strcmp(argv[3], "cpus") == 0;
  if (argc > 3 && (strcmp(argv[3], "ratio") == 0 || by_size || by_cpu)) {
    int rounds = argc > 5 ? atoi(argv[5]) : 15;
    if (rounds < 1 || threads < 2) {
      fprintf(stderr,
              "bench_coba: %s needs threads >= 2 and rounds >= "
              "1\n",
              argv[3]);
      return 2;
    }
    printf("COBA-AdEx%s, 1 and %d threads, %s:\n",
           by_size  ? " by size"
           : by_cpu ? " by CPU"
                    : "",
           threads, adex_dtype_name(dtype));
    if (by_size)
      sizes(seconds, threads, rounds);
    else if (by_cpu)
      cpus(seconds, threads, rounds);
    else
      ratio(seconds, threads, rounds);
    return 0;
  }
  printf("COBA-AdEx, %d thread(s), %s:\n", threads, adex_dtype_name(dtype));
  run(4000, 0.02, 0, seconds, threads, 1);
  if (argc > 3 && strcmp(argv[3], "coba") == 0) return 0;
  if (argc > 3 && strcmp(argv[3], "split") == 0) {
    printf("each projection split in two, four into each population:\n");
    run(4000, 0.02, 0, seconds, threads, 2);
    return 0;
  }
  printf("80 synapses per neuron, 0.1 s:\n");
  for (size_t n = 10000; n <= 1000000; n *= 10)
    run(n, 0.0, 80, 0.1, threads, 1);
  return 0;
}
