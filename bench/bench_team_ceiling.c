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
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#ifdef _OPENMP
#include <omp.h>
#else /* one thread: the two-thread runs would wait for ever */
#error "bench_team_ceiling needs OpenMP"
#endif

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

/* Units of work that take about `us` microseconds on this thread: from
 * the best of five timings of at least 20 ms (a gap or a slow minute in
 * one of them would make the steps too short). */
static long calibrate(double us) {
  long units = 1000;
  for (;;) {
    double best = 1e30;
    for (int i = 0; i < 5; i++) {
      double t0 = now();
      sink = work(units, 1.0);
      double t = now() - t0;
      if (t < best) best = t;
    }
    if (best > 0.02) return (long)((double)units * us * 1e-6 / best) + 1;
    units *= 4;
  }
}

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

static double two_threads(long units, long steps) {
  step_word ends[2] = {{0}, {0}};
  adex__barrier bar;
  adex__barrier_init(&bar, 2, (unsigned)omp_get_num_procs());
  double t0 = now();
#pragma omp parallel num_threads(2)
  {
    int me = omp_get_thread_num();
    double x = 1.0 + me;
    for (long k = 1; k <= steps; k++) {
      x = work(units / 2, x);
      __atomic_store_n(&ends[me].step, (uint64_t)k, __ATOMIC_RELEASE);
      (void)adex__barrier_await(&bar, &ends[1 - me].step, (uint64_t)k);
    }
    sink = x;
  }
  return now() - t0;
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
  long units = calibrate(step_us);
  double *t = malloc(3 * (size_t)rounds * sizeof *t);
  if (t == NULL) return 1;
  double *t1 = t, *t2 = t + rounds, *ratio = t + 2 * rounds;
  for (int r = 0; r < rounds; r++) {
    if (r % 2 == 0) {
      t1[r] = one_thread(units, steps);
      t2[r] = two_threads(units, steps);
    } else {
      t2[r] = two_threads(units, steps);
      t1[r] = one_thread(units, steps);
    }
    ratio[r] = t1[r] / t2[r];
  }
  printf("%ld steps of %.2f us of arithmetic, %d rounds in turns\n", steps,
         step_us, rounds);
  const char *name[3] = {"one thread", "two threads, meeting every step",
                         "ratio of each round"};
  for (int c = 0; c < 3; c++) {
    double *v = t + c * rounds;
    qsort(v, (size_t)rounds, sizeof *v, cmp_double);
    printf(c < 2 ? "  %-32s min %.4f  q25 %.4f  median %.4f s\n"
                 : "  %-32s min %.3f  q25 %.3f  median %.3f\n",
           name[c], v[0], v[rounds / 4], v[rounds / 2]);
  }
  free(t);
  return 0;
}
