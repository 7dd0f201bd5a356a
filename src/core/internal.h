/* internal.h - helpers shared by the library's modules (not installed).
 *
 * Error reporting (the thread's last message and a handle's copy) and
 * allocation through the population's allocator.
 */
#ifndef ADEX_INTERNAL_H
#define ADEX_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "adex/alloc.h"
#include "adex/status.h"

/* Longest detail message kept, terminator included. */
#define ADEX__ERRMSG_MAX 512

#if defined(__GNUC__) || defined(__clang__)
#define ADEX__PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define ADEX__PRINTF(f, a)
#endif

/* Plain loops that run over every neuron each step (the network's post
 * side, the inputs of a run) are compiled for the vector units the CPU
 * has (the loader picks a clone). Each element's operations are the same
 * in every clone (no contraction into fma: the library is compiled with
 * -ffp-contract=off), so the bits are too. */
#if defined(__x86_64__) && defined(__has_attribute) && !defined(__clang__)
#if __has_attribute(target_clones)
#define ADEX__VEC_CLONES                                                       \
  __attribute__((target_clones("avx512f", "avx2", "default")))
#endif
#endif
#ifndef ADEX__VEC_CLONES
#define ADEX__VEC_CLONES
#endif

/* Record a failure: format the message into the calling thread's buffer
 * (adex_errmsg) and return `status`, so that callers write
 * `return adex__fail(ADEX_EINVAL, "tau must be > 0, got %g", tau);`. */
adex_status adex__fail(adex_status status, const char *fmt, ...)
    ADEX__PRINTF(2, 3);

/* Record a failure with its parts (adex_errkey, adex_errindex,
 * adex_errreason): the reason is fmt formatted; the message is
 * key + sep + reason, plus " (neuron <index>)" when index >= 0 and
 * neuron_suffix; with sep NULL the key is left out of the message (a
 * detail only). Returns status. */
adex_status adex__fail_at(adex_status status, const char *key, const char *sep,
                          long long index, int neuron_suffix, const char *fmt,
                          ...) ADEX__PRINTF(6, 7);

/* "tau must be > 0, got -3 (neuron 2)": a parameter or option at fault. */
#define ADEX__FAIL_KEY(status, key, index, ...)                                \
  adex__fail_at(status, key, " ", index, 1, __VA_ARGS__)

/* Keep the thread's last message in a handle's buffer (what its
 * adex_<type>_errmsg returns) and return `status`: the one way a handle
 * records a failure (adex__pop_fail, adex__net_keep). */
adex_status adex__keep_error(char *buf, size_t size, adex_status status);

/* Fail on a handle: format the message (adex__fail), keep it on the
 * handle with `keep` (adex__pop_fail, adex__net_keep) and return status. */
#define ADEX__FAIL_ON(keep, handle, status, ...)                               \
  keep((handle), adex__fail((status), __VA_ARGS__))

/* Clear the calling thread's message (a call that succeeds leaves it). */
void adex__clear_error(void);

/* Allocate `size` bytes aligned to ADEX_ALIGN through `a`; NULL on failure
 * or when size is 0. */
void *adex__alloc(const adex_allocator *a, size_t size);

/* Release a block from adex__alloc (NULL is a no-op). */
void adex__free(const adex_allocator *a, void *ptr, size_t size);

/* Round n up to a multiple of ADEX_ALIGN; 0 on overflow. */
size_t adex__align_up(size_t n);

/* A scratch block: memory the library fills and drops within one call
 * (a connector's list of pairs), never seen by an adex_allocator. From
 * ADEX__SCRATCH_HUGE_MIN bytes on it is mapped in whole 2 MiB huge pages
 * where the system lends them on request (its size rounded up: it is
 * short-lived), which saves one page fault per 4 KiB; below, a block of
 * the C library. Aligned to ADEX_ALIGN; NULL on failure or for size 0.
 * adex__scratch_free takes the size asked for. */
#define ADEX__SCRATCH_HUGE_MIN ((size_t)256 << 10)
void *adex__scratch_alloc(size_t size);
void adex__scratch_free(void *ptr, size_t size);
/* Whether large scratch blocks are mapped in huge pages in this build
 * (Linux; not under AddressSanitizer, which guards the C library's). */
bool adex__scratch_mapped(void);

#endif /* ADEX_INTERNAL_H */
