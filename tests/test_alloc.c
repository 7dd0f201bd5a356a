/* test_alloc.c - the default allocator and the scratch blocks
 * (src/core/alloc.c): every block aligned as promised and usable to its
 * last byte; blocks of 2 MiB or more, and large scratch blocks, on a huge
 * page's boundary, so that the system can back them with huge pages. Whether
 * it does is its choice (Linux: /sys/kernel/mm/transparent_hugepage): that is
 * printed, not asserted. */
#include "adex_test.h"

#include <stdint.h>
#include <string.h>

#include "core/internal.h"

#define MIB ((size_t)1 << 20)

/* Fill every byte, then check them: the whole block is ours. */
static void fill_check(unsigned char *p, size_t n, unsigned char seed) {
  for (size_t i = 0; i < n; i++) p[i] = (unsigned char)(seed + i * 7);
  for (size_t i = 0; i < n; i += 4093)
    assert_int_equal(p[i], (unsigned char)(seed + i * 7));
  assert_int_equal(p[n - 1], (unsigned char)(seed + (n - 1) * 7));
}

static void test_default_allocator(void **state) {
  (void)state;
  const adex_allocator *a = adex_allocator_default();
  size_t sizes[] = {1, 63, 4096, 100000, 2 * MIB - 1, 2 * MIB, 5 * MIB + 3};
  for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
    unsigned char *p = adex__alloc(a, sizes[k]);
    assert_non_null(p);
    size_t want = sizes[k] >= 2 * MIB ? 2 * MIB : ADEX_ALIGN;
    assert_int_equal((uintptr_t)p % want, 0);
    fill_check(p, sizes[k], (unsigned char)k);
    adex__free(a, p, sizes[k]);
  }
  assert_null(adex__alloc(a, 0));
  assert_null(adex__alloc(a, SIZE_MAX - 10)); /* refused, not wrapped */
}

static void test_scratch(void **state) {
  (void)state;
  size_t sizes[] = {
      1,       1000,        ADEX__SCRATCH_HUGE_MIN - 1, ADEX__SCRATCH_HUGE_MIN,
      2 * MIB, 3 * MIB + 17};
  unsigned char *held[sizeof sizes / sizeof *sizes];
  for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
    unsigned char *p = adex__scratch_alloc(sizes[k]);
    assert_non_null(p);
    assert_int_equal((uintptr_t)p % ADEX_ALIGN, 0);
    if (adex__scratch_mapped() && sizes[k] >= ADEX__SCRATCH_HUGE_MIN)
      assert_int_equal((uintptr_t)p % (2 * MIB), 0);
    fill_check(p, sizes[k], (unsigned char)(k + 3));
    held[k] = p;
  }
  /* all held at once: no block overlaps another */
  for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
    for (size_t i = 0; i < sizes[k]; i += 4093)
      assert_int_equal(held[k][i], (unsigned char)(k + 3 + i * 7));
    adex__scratch_free(held[k], sizes[k]);
  }
  assert_null(adex__scratch_alloc(0));
  assert_null(adex__scratch_alloc(SIZE_MAX - 10));
  adex__scratch_free(NULL, 5 * MIB); /* a no-op */
}

/* What the system did with a large scratch block (informative). */
static void test_report_huge_pages(void **state) {
  (void)state;
  FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
  char mode[128] = "(not available)";
  if (f != NULL) {
    if (fgets(mode, sizeof mode, f) == NULL) strcpy(mode, "(unreadable)");
    fclose(f);
    mode[strcspn(mode, "\n")] = '\0';
  }
  print_message("transparent huge pages: %s; scratch blocks %s\n", mode,
                adex__scratch_mapped() ? "mapped" : "from the C library");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_default_allocator),
      cmocka_unit_test(test_scratch),
      cmocka_unit_test(test_report_huge_pages),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
