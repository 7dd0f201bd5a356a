/* test_comm.c - the communicator of a process alone and the block rule
 * (adex/comm.h): sizes computed here from the rule's statement. */
#include "adex_test.h"

#include "adex/comm.h"

static void test_block_rule(void **state) {
  (void)state;
  size_t lo, hi;
  /* 10 neurons on 4 ranks: 3, 3, 2, 2 */
  const size_t want[4][2] = {{0, 3}, {3, 6}, {6, 8}, {8, 10}};
  for (int r = 0; r < 4; r++) {
    adex_comm_block(10, 4, r, &lo, &hi);
    assert_int_equal(lo, want[r][0]);
    assert_int_equal(hi, want[r][1]);
  }
  for (int size = 1; size <= 7; size++)
    for (size_t num = 0; num < 50; num++) {
      size_t next = 0, most = 0, least = (size_t)-1;
      for (int r = 0; r < size; r++) {
        adex_comm_block(num, size, r, &lo, &hi);
        assert_int_equal(lo, next);
        next = hi;
        most = hi - lo > most ? hi - lo : most;
        least = hi - lo < least ? hi - lo : least;
      }
      assert_int_equal(next, num);
      assert_true(most - least <= 1);
    }
  adex_comm_block(5, 1, 0, &lo, &hi);
  assert_true(lo == 0 && hi == 5);
}

static void test_single(void **state) {
  (void)state;
  const adex_comm *c = adex_comm_single();
  assert_int_equal(c->rank, 0);
  assert_int_equal(c->size, 1);
  uint32_t send[3] = {7, 8, 9}, recv[3] = {0};
  size_t counts[1] = {0};
  assert_int_equal(c->allgather_u32(c->ctx, send, 3, recv, 3, counts), 0);
  assert_memory_equal(recv, send, sizeof send);
  assert_int_equal(counts[0], 3);
  assert_int_not_equal(c->allgather_u32(c->ctx, send, 3, recv, 2, counts), 0);
  char b[4] = "abc", o[4] = "";
  assert_int_equal(c->gather_bytes(c->ctx, b, 4, o, 4, counts, 0), 0);
  assert_string_equal(o, "abc");
  int64_t v = 5;
  assert_int_equal(c->max_i64(c->ctx, &v, 1), 0);
  assert_int_equal(v, 5);
  double x = 2.0;
  assert_int_equal(c->bcast(c->ctx, &x, sizeof x, 0), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_block_rule),
      cmocka_unit_test(test_single),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
