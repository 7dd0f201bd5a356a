/* alloc.c - the default allocator and the aligned-allocation helpers. */
#include <stdlib.h>

#include "adex/alloc.h"
#include "internal.h"

/* aligned_alloc wants the size to be a multiple of the alignment. */
static void *libc_alloc(void *ud, size_t size, size_t align) {
  (void)ud;
  size_t rounded = (size + align - 1) / align * align;
  if (rounded < size) return NULL;
  return aligned_alloc(align, rounded);
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
