/* team_barrier.c - the waits between the steps of a run on a team of
 * threads (team_barrier.h). */
#define _POSIX_C_SOURCE 200809L /* nanosleep */

#include "run/team_barrier.h"

#include <sched.h>
#include <time.h>

/* The CPU's hint that this is a spin-wait loop. */
static inline void relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

/* One look more of a wait: the pause hint for `spins` looks, then a yield
 * of the CPU for ADEX__BARRIER_YIELDS, then naps of 50 us. */
static void pause_or_nap(unsigned *looks, unsigned spins) {
  if (*looks < spins) {
    relax();
    ++*looks;
  } else if (*looks < spins + ADEX__BARRIER_YIELDS) {
    sched_yield();
    ++*looks;
  } else {
    struct timespec nap = {0, 50000};
    nanosleep(&nap, NULL);
  }
}

void adex__barrier_init(adex__barrier *b, unsigned n, unsigned cpus) {
  atomic_init(&b->arrived, 0u);
  atomic_init(&b->gen, 0u);
  b->n = n;
  b->spins = n > cpus ? ADEX__BARRIER_SPINS_CROWDED : ADEX__BARRIER_SPINS;
}

void adex__barrier_wait(adex__barrier *b) {
  /* read before counting in: the generation cannot end without us */
  unsigned g = atomic_load_explicit(&b->gen, memory_order_relaxed);
  if (atomic_fetch_add_explicit(&b->arrived, 1u, memory_order_acq_rel) ==
      b->n - 1) {
    /* the last: reset the count, then release the others (who cannot
     * count in again before they see the new generation) */
    atomic_store_explicit(&b->arrived, 0u, memory_order_relaxed);
    atomic_store_explicit(&b->gen, g + 1u, memory_order_release);
    return;
  }
  unsigned i = 0; /* looks so far, up to the naps */
  while (atomic_load_explicit(&b->gen, memory_order_acquire) == g)
    pause_or_nap(&i, b->spins);
}

uint64_t adex__barrier_await(const adex__barrier *b, const uint64_t *word,
                             uint64_t at_least) {
  if (__atomic_load_n(word, __ATOMIC_ACQUIRE) >= at_least) return 0;
  uint64_t t0 = adex__ticks();
  unsigned i = 0;
  while (__atomic_load_n(word, __ATOMIC_ACQUIRE) < at_least)
    pause_or_nap(&i, b->spins);
  return adex__ticks() - t0;
}

uint64_t adex__ticks(void) {
#if defined(__x86_64__)
  return __builtin_ia32_rdtsc();
#else
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
#endif
}
