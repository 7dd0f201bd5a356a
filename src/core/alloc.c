/* alloc.c - the default allocator, the aligned-allocation helpers, and
 * scratch blocks on huge pages. */
#define _DEFAULT_SOURCE /* mmap's MAP_ANONYMOUS, madvise */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "adex/alloc.h"
#include "internal.h"

/* The size of a huge page (x86-64, arm64 with 4 KiB pages). */
#define HUGE_PAGE ((size_t)2 << 20)

/* x rounded down / up to a huge page's boundary (up: 0 past the top). */
static inline uintptr_t huge_down(uintptr_t x) {
  return x & ~(uintptr_t)(HUGE_PAGE - 1);
}
static inline uintptr_t huge_up(uintptr_t x) {
  return huge_down(x + HUGE_PAGE - 1);
}

/* Where the system lends huge pages on request (Linux's transparent huge
 * pages, `madvise` mode or `always`), ask for them for [p, p + len): the
 * whole 2 MiB stretches in it then fault in at once. A hint only. */
static void want_huge(void *p, size_t len) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  uintptr_t lo = huge_up((uintptr_t)p), hi = huge_down((uintptr_t)p + len);
  if (hi > lo) (void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
#else
  (void)p;
  (void)len;
#endif
}

/* aligned_alloc wants the size to be a multiple of the alignment. Blocks
 * of 2 MiB or more start on a huge page's boundary, and ask for huge
 * pages: a first touch then costs one fault per 2 MiB, not one per 4 KiB
 * (docs/performance.md). */
static void *libc_alloc(void *ud, size_t size, size_t align) {
  (void)ud;
  bool huge = size >= HUGE_PAGE && align <= HUGE_PAGE;
  if (huge) align = HUGE_PAGE;
  size_t rounded = (size + align - 1) / align * align;
  if (rounded < size) return NULL;
  void *p = aligned_alloc(align, rounded);
  if (p != NULL && huge) want_huge(p, size);
  return p;
}

/* free() ignores the size. */
static void libc_free(void *ud, void *ptr, size_t size) {
  (void)ud;
  (void)size;
  free(ptr);
}

static const adex_allocator libc_allocator = {libc_alloc, libc_free, NULL};

const adex_allocator *adex_allocator_default(void) { return &libc_allocator; }

/* Allocate through the given allocator with the library's alignment. */
void *adex__alloc(const adex_allocator *a, size_t size) {
  if (size == 0) return NULL;
  return a->alloc(a->ud, size, ADEX_ALIGN);
}

/* Release through the given allocator. */
void adex__free(const adex_allocator *a, void *ptr, size_t size) {
  if (ptr != NULL) a->free(a->ud, ptr, size);
}

/* Round up to the alignment; 0 signals overflow. */
size_t adex__align_up(size_t n) {
  size_t r = (n + (ADEX_ALIGN - 1)) & ~(size_t)(ADEX_ALIGN - 1);
  return r < n ? 0 : r;
}

/* ------------------------------------------------------------ scratch */

/* Under AddressSanitizer scratch blocks come from the C library, whose
 * blocks it guards (a write past a mapped block's end would go unseen). */
#if defined(__SANITIZE_ADDRESS__)
#define SCRATCH_MAPPED 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SCRATCH_MAPPED 0
#endif
#endif
#if !defined(SCRATCH_MAPPED) && defined(__linux__) && defined(MAP_ANONYMOUS)
#define SCRATCH_MAPPED 1
#elif !defined(SCRATCH_MAPPED)
#define SCRATCH_MAPPED 0
#endif

bool adex__scratch_mapped(void) { return SCRATCH_MAPPED; }

#if SCRATCH_MAPPED
/* A scratch block's mapping: whole huge pages; 0 on overflow. */
static size_t scratch_len(size_t size) {
  size_t len = (size_t)huge_up(size);
  return len < size || len + HUGE_PAGE < len ? 0 : len;
}
#endif

void *adex__scratch_alloc(size_t size) {
  if (size == 0) return NULL;
#if SCRATCH_MAPPED
  if (size >= ADEX__SCRATCH_HUGE_MIN) {
    size_t len = scratch_len(size);
    if (len == 0) return NULL;
    /* a huge page's more, to cut the mapping at a boundary */
    char *m = mmap(NULL, len + HUGE_PAGE, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) return NULL;
    char *p = (char *)huge_up((uintptr_t)m);
    size_t head = (size_t)(p - m);
    if (head > 0) (void)munmap(m, head);
    if (HUGE_PAGE - head > 0) (void)munmap(p + len, HUGE_PAGE - head);
    want_huge(p, len);
    return p;
  }
#endif
  size_t r = adex__align_up(size);
  return r == 0 ? NULL : aligned_alloc(ADEX_ALIGN, r);
}

void adex__scratch_free(void *ptr, size_t size) {
  (void)size; /* used where mapped */
  if (ptr == NULL) return;
#if SCRATCH_MAPPED
  if (size >= ADEX__SCRATCH_HUGE_MIN) {
    (void)munmap(ptr, scratch_len(size));
    return;
  }
#endif
  free(ptr);
}
