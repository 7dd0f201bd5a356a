/* bench_team_ceiling.c - what a machine allows a run on two threads that
 * meet every step, with no simulation in it: the bound that the team's
 * own costs (delivery, waits, copies: docs/performance.md) are measured
 * against.
 *
 * Usage: bench_team_ceiling [step_us=8.5] [steps=10000] [rounds=15]
 *
 *   (gaps) each of two threads reads the clock for one second and counts
 *   the gaps of more than 5 us between two reads: the time the system or
 *   the host took the CPU from a thread that wanted it. Such a gap in
 *   either thread holds a team whose threads meet every step.
 *   (ratio) `rounds` pairs of runs, one after the other in turns (which
 *   goes first alternating): `steps` steps of pure arithmetic of step_us
 *   each on one thread (8.5 us: COBA-AdEx's step on one thread here), and
 *   the same steps on two threads, each doing half of every step's
 *   arithmetic and then waiting for the other's end of the step, as the
 *   team's parts do (a word stored with release and awaited, team_barrier.h).
 *   Nothing else is shared. Prints the times (min, q25, median) and the
 *   median of the rounds' ratios one thread / two threads.
 *   (memory) the same, in the same rounds, with steps that stream over
 *   memory instead: eight float64 arrays as the state of COBA-AdEx's
 *   4 000 neurons (V, w, the input, t_last_spike, four conductances),
 *   updated in place as many times a step as take about step_us on one
 *   thread; on two threads each updates its own arrays of 2 000 neurons
 *   (allocated and first touched by itself, as the team's copies are).
 *   (cpus) in the same rounds, the one-thread arithmetic alone on the
 *   first CPU and alone on the second (the thread pinned; Linux): whether
 *   the two run at the same speed. A virtual machine's vCPUs need not: a
 *   host core shared with another guest's work runs ours slower, for
 *   seconds or minutes at a time. Two threads that share a step's work in
 *   proportion to their speeds (the team's balance) then end it in at
 *   best 1 / (1 / t_fast + 1 / t_slow), so at most 1 + t_fast / t_slow
 *   times sooner than one thread on the faster CPU: the bound printed.
 */
#define _GNU_SOURCE /* bench_cpu.h: sched_setaffinity */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#ifdef _OPENMP
#include <omp.h>
#else /* one thread: the two-thread runs would wait for ever */
#error "bench_team_ceiling needs OpenMP"
#endif

#include "bench_cpu.h"
#include "team_barrier.h"

#define GAP_NS 5000.0 /* a read of the clock this long after the last */

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* `units` rounds of arithmetic on eight independent chains: work that
 * keeps the core's arithmetic busy and touches no memory. */
static double work(long units, double x) {
  double c[8];
  for (int j = 0; j < 8; j++) c[j] = x + j;
  for (long i = 0; i < units; i++)
    for (int j = 0; j < 8; j++) c[j] = c[j] * 0.9999999 + 1e-7;
  double s = 0.0;
  for (int j = 0; j < 8; j++) s += c[j];
  return s;
}

static volatile double sink; /* keeps the arithmetic */

/* One thread's gaps over `seconds`: count, share of the time, and how
 * many of 5-20, 20-50, 50-200 and over 200 us. */
static void gaps(int thread, double seconds) {
  double t0 = now(), last = t0, lost = 0.0;
  long n = 0, bins[4] = {0};
  for (double t = t0; t - t0 < seconds; t = now()) {
    double d = (t - last) * 1e9;
    last = t;
    if (d < GAP_NS) continue;
    n++;
    lost += d;
    bins[d < 20e3 ? 0 : d < 50e3 ? 1 : d < 200e3 ? 2 : 3]++;
  }
  double total = (last - t0) * 1e9;
#pragma omp critical
  printf("thread %d: %ld gaps > 5 us in %.1f s (%.0f a second), %.2f%% of "
         "its time; 5-20 us %ld, 20-50 us %ld, 50-200 us %ld, > 200 us %ld\n",
         thread, n, seconds, (double)n / seconds, 100.0 * lost / total, bins[0],
         bins[1], bins[2], bins[3]);
}

/* The memory variant's state: MEM_N neurons of MEM_ARRAYS float64 arrays
 * on one thread, half of them on each of two. */
#define MEM_N 4000
#define MEM_ARRAYS 8

/* The arrays of n neurons, one after the other in a block of whole pages
 * of its own, written once (the first touch) by the calling thread. */
static double *mem_block(size_t n) {
  size_t bytes = (MEM_ARRAYS * n * sizeof(double) + 4095) / 4096 * 4096;
  double *b = aligned_alloc(4096, bytes);
  if (b == NULL) {
    fprintf(stderr, "bench_team_ceiling: out of memory\n");
    exit(1);
  }
  for (size_t a = 0; a < MEM_ARRAYS; a++)
    for (size_t i = 0; i < n; i++)
      b[a * n + i] = a == 0 ? -60.0 - 1e-4 * (double)i : 0.01;
  return b;
}

/* `reps` updates of the n neurons of block b: each reads and writes every
 * array, with the arithmetic of a conductance-based neuron's step (no
 * exp), in vectors; every value stays in a normal range (a subnormal
 * one would cost the arithmetic a hundred cycles). */
static void mem_work(double *b, size_t n, long reps) {
  double *restrict V = b, *restrict w = b + n, *restrict in = b + 2 * n,
                   *restrict ts = b + 3 * n, *restrict g1 = b + 4 * n,
                   *restrict g2 = b + 5 * n, *restrict g3 = b + 6 * n,
                   *restrict g4 = b + 7 * n;
  for (long r = 0; r < reps; r++)
    for (size_t i = 0; i < n; i++) {
      double v = V[i];
      double I = in[i] - (g1[i] + g3[i]) * v - (g2[i] + g4[i]) * (v + 80.0);
      v += 0.005 * (I - (v + 60.0) - w[i]);
      w[i] = 0.9967 * w[i] + 3.3e-5 * (v + 60.0);
      g1[i] = 0.98 * g1[i] + 2e-4; /* decaying to 0.01, never subnormal */
      g2[i] = 0.99 * g2[i] + 1e-4;
      g3[i] = 0.98 * g3[i] + 2e-4;
      g4[i] = 0.99 * g4[i] + 1e-4;
      ts[i] += 0.1;
      V[i] = v > -30.0 ? -60.0 : v;
    }
}

/* n units of one kind of work: the arithmetic's, or updates of the
 * memory variant's MEM_N neurons (of calibrate_block). */
static double *calibrate_block;
static void arith_units(long n) { sink = work(n, 1.0); }
static void mem_updates(long n) { mem_work(calibrate_block, MEM_N, n); }

/* Units of `run`'s work that take about `us` microseconds on this
 * thread (at least 1): from the best of five timings of at least 20 ms
 * (a gap or a slow minute in one of them would make the steps too
 * short). */
static long calibrate(double us, void (*run)(long n)) {
  for (long n = 1;; n *= 4) {
    double best = 1e30;
    for (int i = 0; i < 5; i++) {
      double t0 = now();
      run(n);
      double t = now() - t0;
      if (t < best) best = t;
    }
    if (best > 0.02) {
      long units = (long)((double)n * us * 1e-6 / best + 0.5);
      return units > 0 ? units : 1;
    }
  }
}

/* Each thread's end of step (a line of its own). */
typedef struct {
  _Alignas(64) uint64_t step;
} step_word;

static double one_thread(long units, long steps) {
  double t0 = now(), x = 1.0;
  for (long k = 0; k < steps; k++) x = work(units, x);
  sink = x;
  return now() - t0;
}

/* Two threads meeting every step: each half of a step of arithmetic
 * (units / 2), or, where `mem` holds the two threads' blocks, `reps`
 * updates of its own MEM_N / 2 neurons. */
static double two_threads(long units, long steps, double *const *mem,
                          long reps) {
  step_word ends[2] = {{0}, {0}};
  adex__barrier bar;
  adex__barrier_init(&bar, 2, (unsigned)omp_get_num_procs());
  double t0 = now();
#pragma omp parallel num_threads(2)
  {
    int me = omp_get_thread_num();
    double x = 1.0 + me;
    for (long k = 1; k <= steps; k++) {
      if (mem != NULL)
        mem_work(mem[me], MEM_N / 2, reps);
      else
        x = work(units / 2, x);
      __atomic_store_n(&ends[me].step, (uint64_t)k, __ATOMIC_RELEASE);
      (void)adex__barrier_await(&bar, &ends[1 - me].step, (uint64_t)k);
    }
    sink = x;
  }
  return now() - t0;
}

/* one_thread on CPU `cpu` alone (the calling thread pinned there, then
 * let go again); negative where it cannot be pinned. */
static double one_thread_on(int cpu, long units, long steps) {
  bench_cpus was;
  if (!bench_pin(cpu, &was)) return -1.0;
  double t = one_thread(units, steps);
  bench_unpin(&was);
  return t;
}

static double one_thread_mem(double *b, long reps, long steps) {
  double t0 = now();
  for (long k = 0; k < steps; k++) mem_work(b, MEM_N, reps);
  return now() - t0;
}

/* Times (min, q25, median) of each of three columns of `rounds`. */
static void report(double *t, int rounds, const char *const name[3]) {
  for (int c = 0; c < 3; c++) {
    double *v = t + c * rounds;
    qsort(v, (size_t)rounds, sizeof *v, cmp_double);
    printf(c < 2 ? "  %-32s min %.4f  q25 %.4f  median %.4f s\n"
                 : "  %-32s min %.3f  q25 %.3f  median %.3f\n",
           name[c], v[0], v[rounds / 4], v[rounds / 2]);
  }
}

int main(int argc, char **argv) {
  double step_us = argc > 1 ? atof(argv[1]) : 8.5;
  long steps = argc > 2 ? atol(argv[2]) : 10000;
  int rounds = argc > 3 ? atoi(argv[3]) : 15;
  if (!(step_us > 0.0 && step_us < 1e6) || steps < 1 || rounds < 1) {
    fprintf(stderr, "usage: bench_team_ceiling [step_us > 0] [steps >= 1] "
                    "[rounds >= 1]\n");
    return 2;
  }
#pragma omp parallel num_threads(2)
  gaps(omp_get_thread_num(), 1.0);
  long units = calibrate(step_us, arith_units);
  double *one = mem_block(MEM_N), *halves[2] = {NULL, NULL};
#pragma omp parallel num_threads(2)
  halves[omp_get_thread_num()] = mem_block(MEM_N / 2); /* each its own */
  calibrate_block = one;
  long reps = calibrate(step_us, mem_updates);
  double *t = malloc(9 * (size_t)rounds * sizeof *t);
  if (t == NULL) return 1;
  double *c0 = t + 6 * rounds, *c1 = t + 7 * rounds, *bound = t + 8 * rounds;
  bool pinned = true;
  double *t1 = t, *t2 = t + rounds, *ratio = t + 2 * rounds;
  double *m1 = t + 3 * rounds, *m2 = t + 4 * rounds, *mratio = t + 5 * rounds;
  for (int r = 0; r < rounds; r++) {
    if (r % 2 == 0) {
      t1[r] = one_thread(units, steps);
      t2[r] = two_threads(units, steps, NULL, 0);
      m1[r] = one_thread_mem(one, reps, steps);
      m2[r] = two_threads(0, steps, halves, reps);
    } else {
      m2[r] = two_threads(0, steps, halves, reps);
      m1[r] = one_thread_mem(one, reps, steps);
      t2[r] = two_threads(units, steps, NULL, 0);
      t1[r] = one_thread(units, steps);
    }
    ratio[r] = t1[r] / t2[r];
    mratio[r] = m1[r] / m2[r];
    c0[r] = one_thread_on(0, units, steps);
    c1[r] = one_thread_on(1, units, steps);
    pinned &= c0[r] > 0.0 && c1[r] > 0.0;
  }
  printf("%ld steps of %.2f us of arithmetic, %d rounds in turns\n", steps,
         step_us, rounds);
  const char *name[3] = {"one thread", "two threads, meeting every step",
                         "ratio of each round"};
  report(t, rounds, name);
  printf("the same steps streaming over %d neurons' state (%ld updates a "
         "step)\n",
         MEM_N, reps);
  report(m1, rounds, name);
  printf("  (one thread's median step: %.2f us)\n",
         1e6 * m1[rounds / 2] / (double)steps);
  if (pinned) {
    int unequal = 0;
    for (int r = 0; r < rounds; r++) {
      unequal += !bench_cpus_alike(c0[r], c1[r]);
      bound[r] = bench_cpus_bound(c0[r], c1[r]);
    }
    printf("the one-thread arithmetic alone on each CPU\n");
    const char *cpu[3] = {"on the first CPU", "on the second CPU",
                          "bound 1 + t_fast / t_slow"};
    report(c0, rounds, cpu);
    printf("  rounds whose CPUs differ by more than 6 %%: %d of %d\n", unequal,
           rounds);
  } else {
    printf("(the threads could not be pinned to the first two CPUs: no "
           "speeds per CPU)\n");
  }
  free(one);
  free(halves[0]);
  free(halves[1]);
  free(t);
  return 0;
}
