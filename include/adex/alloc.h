/* adex/alloc.h - the one allocator libadex uses.
 *
 * Every allocation of a handle goes through an adex_allocator, so an
 * application can account for memory, place it, or inject failures (the
 * test-suite does). NULL means the default: aligned_alloc/free from libc.
 * Blocks asked for are aligned to ADEX_ALIGN bytes (SIMD-friendly).
 */
#ifndef ADEX_ALLOC_H
#define ADEX_ALLOC_H

#include <stddef.h>

#include "adex/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Alignment, in bytes, of every state and parameter array. */
#define ADEX_ALIGN 64

typedef struct adex_allocator {
  /* Return a block of `size` bytes aligned to `align` (a power of two), or
   * NULL on failure. Never called with size 0. */
  void *(*alloc)(void *ud, size_t size, size_t align);
  /* Release a block from alloc (ptr is never NULL; size is what was asked). */
  void (*free)(void *ud, void *ptr, size_t size);
  void *ud; /* user data passed to both */
} adex_allocator;

/* The default allocator (libc's aligned_alloc and free). Blocks of 2 MiB
 * or more it aligns to 2 MiB and, on Linux, marks as wanting transparent
 * huge pages (madvise), which the system grants where its setting allows
 * (/sys/kernel/mm/transparent_hugepage/enabled: always or madvise): their
 * first touch then costs a page fault per 2 MiB instead of per 4 KiB.
 * Never NULL. */
ADEX_API const adex_allocator *adex_allocator_default(void);

#ifdef __cplusplus
}
#endif
#endif /* ADEX_ALLOC_H */
