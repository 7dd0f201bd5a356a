/* internal.h - helpers shared by the library's modules (not installed).
 *
 * Error reporting (the thread's last message and a handle's copy) and
 * allocation through the population's allocator.
 */
#ifndef ADEX_INTERNAL_H
#define ADEX_INTERNAL_H

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

/* Record a failure: format the message into the calling thread's buffer
 * (adex_errmsg) and return `status`, so that callers write
 * `return adex__fail(ADEX_EINVAL, "tau must be > 0, got %g", tau);`. */
adex_status adex__fail(adex_status status, const char *fmt, ...)
    ADEX__PRINTF(2, 3);

/* Clear the calling thread's message (a call that succeeds leaves it). */
void adex__clear_error(void);

/* Allocate `size` bytes aligned to ADEX_ALIGN through `a`; NULL on failure
 * or when size is 0. */
void *adex__alloc(const adex_allocator *a, size_t size);

/* Release a block from adex__alloc (NULL is a no-op). */
void adex__free(const adex_allocator *a, void *ptr, size_t size);

/* Round n up to a multiple of ADEX_ALIGN; 0 on overflow. */
size_t adex__align_up(size_t n);

#endif /* ADEX_INTERNAL_H */
