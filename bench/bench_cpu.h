/* bench_cpu.h - the calling thread pinned to one CPU and let go again
 * (Linux), for the benchmarks that time one thread on each CPU of the
 * machine in turn: a virtual machine's vCPUs need not run at the same
 * speed (docs/performance.md). The including file defines _GNU_SOURCE
 * before any system header. */
#ifndef ADEX_BENCH_CPU_H
#define ADEX_BENCH_CPU_H

#include <stdbool.h>

#ifdef __linux__
#include <sched.h>

typedef cpu_set_t bench_cpus;

/* Pin the calling thread to `cpu`, its mask before in *was; false (and
 * nothing changed) where the machine has no such CPU or refuses. */
static inline bool bench_pin(int cpu, bench_cpus *was) {
  bench_cpus on;
  if (sched_getaffinity(0, sizeof *was, was) != 0 || !CPU_ISSET(cpu, was))
    return false;
  CPU_ZERO(&on);
  CPU_SET(cpu, &on);
  return sched_setaffinity(0, sizeof on, &on) == 0;
}

/* The calling thread's mask as bench_pin found it. */
static inline void bench_unpin(const bench_cpus *was) {
  (void)sched_setaffinity(0, sizeof *was, was);
}
#else
typedef int bench_cpus;
static inline bool bench_pin(int cpu, bench_cpus *was) {
  (void)cpu;
  (void)was;
  return false;
}
static inline void bench_unpin(const bench_cpus *was) { (void)was; }
#endif

/* Whether two CPUs' times for the same work are alike: the slower within
 * 6 % of the faster. */
static inline bool bench_cpus_alike(double a, double b) {
  return a < b ? b <= 1.06 * a : a <= 1.06 * b;
}

/* The most that two threads sharing a step in proportion to their CPUs'
 * speeds gain over one thread on the faster CPU, from the two CPUs'
 * times for the same work: 1 + t_fast / t_slow. */
static inline double bench_cpus_bound(double a, double b) {
  return 1.0 + (a < b ? a / b : b / a);
}

#endif
