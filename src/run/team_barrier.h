/* team_barrier.h - the waits between the steps of a run on a team of
 * threads (drive.c, drive_team; net_step.c, adex__net_team_step_end;
 * internal): a barrier, and the wait for a word another thread stores
 * (the end of its step).
 *
 * A run on threads meets a barrier after every step, so its cost is paid
 * 10^4 times per simulated second at dt = 0.1 ms. OpenMP's barrier
 * (libgomp) makes a futex system call each time it releases the team;
 * measured on a 2-vCPU virtual machine that took 1.5-1.7 us a barrier,
 * against 0.23 us for the one below (docs/performance.md). Here the
 * threads count in on one cache line and wait on another: they spin
 * with the CPU's pause hint for ADEX__BARRIER_SPINS rounds (fewer where
 * the team has more threads than CPUs), then yield the CPU between
 * looks, then nap 50 us between looks, so that a long wait (the calling
 * thread's hooks: a Python callback, a file write) or more threads than
 * cores does not keep a core busy.
 *
 * Memory: every write a thread made before adex__barrier_wait is seen by
 * every thread after it (the count is an acquire-release read-modify-
 * write, the release of the generation a release store seen with
 * acquire), as after OpenMP's barrier.
 */
#ifndef ADEX_TEAM_BARRIER_H
#define ADEX_TEAM_BARRIER_H

#include <stdatomic.h>
#include <stdint.h>

/* Rounds of the pause hint before a waiting thread yields: 2^10 rounds
 * are 4-60 us by CPU (24 us on Zen 5), longer than a small step's
 * imbalance. Longer spins lose where other processes want the cores:
 * two runs of 2 threads at once on 2 cores took 2.7-3.4 s each with 2^14
 * rounds, 0.18-0.40 s with 2^10, 0.52-1.6 s with OpenMP's barrier
 * (docs/performance.md). A team with more threads than the process has
 * CPUs spins ADEX__BARRIER_SPINS_CROWDED rounds only: there the thread
 * waited for may need the very core the waiting one holds. */
#define ADEX__BARRIER_SPINS 1024u
#define ADEX__BARRIER_SPINS_CROWDED 64u
/* Yields before a waiting thread naps between looks. */
#define ADEX__BARRIER_YIELDS 256u

typedef struct adex__barrier {
  _Alignas(64) atomic_uint arrived; /* threads in this generation so far */
  _Alignas(64) atomic_uint gen;     /* generations completed */
  unsigned n;                       /* threads of the team */
  unsigned spins;                   /* rounds of the pause hint */
} adex__barrier;

/* Ready for a team of n >= 1 threads on a process that may run `cpus`
 * threads at once; before any of them waits. */
void adex__barrier_init(adex__barrier *b, unsigned n, unsigned cpus);
/* Wait until all n threads of the team have called it. */
void adex__barrier_wait(adex__barrier *b);
/* Wait, as the threads of b do, until *word (stored by another thread
 * with release) is at least `at_least`; every write that thread made
 * before that store is seen after. Returns the ticks (adex__ticks) it
 * waited: 0 where the word was there at the first look. */
uint64_t adex__barrier_await(const adex__barrier *b, const uint64_t *word,
                             uint64_t at_least);

/* A clock for short spans of one thread's work (the team's balance,
 * net_balance.h): the time-stamp counter where the CPU has one that runs
 * at a constant rate (x86-64), else the monotonic clock's nanoseconds.
 * Only differences of the same thread's readings mean anything. */
uint64_t adex__ticks(void);

#endif
