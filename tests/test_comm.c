/* test_comm.c - the communicator of a process alone and the block rule
 * (adex/comm.h): sizes computed here from the rule's statement. */
#include "adex_test.h"

#include "adex/comm.h"

#include <string.h>

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

/* A population cut into the blocks of the rule, each block a population
 * of its own with first_id = its first neuron, computes what the whole
 * does, bit for bit: random initializers (V, w, a per-neuron parameter),
 * noise, the refractory period, on the fused-noise and general paths. */
static void run_blocks(int ranks, const char *method, bool adaptive) {
  enum { N = 101, STEPS = 300 };
  static double V_whole[N], w_whole[N], tls_whole[N];
  adex_init a_init = adex_init_uniform(1.0, 4.0, 17);
  adex_pop_config cfg;
  adex_pop *whole = NULL, *part[8] = {0};
  size_t lo[8], hi[8];
  for (int r = -1; r < ranks; r++) {
    adex_pop_config_default(&cfg, N);
    cfg.V_init = adex_init_uniform(-70.0, -50.0, 3);
    cfg.w_init = adex_init_normal(2.0, 1.0, 4);
    cfg.param_init[ADEX_P_A] = &a_init;
    cfg.noise = 0.8;
    cfg.noise_seed = 99;
    cfg.tau_ref = 2.0;
    cfg.method = method;
    cfg.adaptive = adaptive;
    if (r >= 0) {
      adex_comm_block(N, ranks, r, &lo[r], &hi[r]);
      cfg.shape[0] = hi[r] - lo[r];
      cfg.first_id = lo[r];
    }
    assert_ok(adex_pop_create(&cfg, r < 0 ? &whole : &part[r]));
  }
  for (size_t k = 0; k < STEPS; k++) {
    double t = 0.1 * (double)k;
    for (size_t i = 0; i < N; i++) adex_pop_input(whole)[i] = 0.3 * (double)i;
    assert_ok(adex_pop_update(whole, t, 0.1));
    for (int r = 0; r < ranks; r++) {
      for (size_t i = lo[r]; i < hi[r]; i++)
        adex_pop_input(part[r])[i - lo[r]] = 0.3 * (double)i;
      assert_ok(adex_pop_update(part[r], t, 0.1));
      assert_memory_equal(adex_pop_spike(part[r]),
                          adex_pop_spike(whole) + lo[r], hi[r] - lo[r]);
    }
  }
  memcpy(V_whole, adex_pop_V(whole), sizeof V_whole);
  memcpy(w_whole, adex_pop_w(whole), sizeof w_whole);
  memcpy(tls_whole, adex_pop_t_last_spike(whole), sizeof tls_whole);
  size_t spikes = 0;
  for (size_t i = 0; i < N; i++) spikes += tls_whole[i] > 0;
  assert_true(spikes > N / 2); /* the inputs and the noise make spikes */
  for (int r = 0; r < ranks; r++) {
    size_t n = hi[r] - lo[r];
    assert_memory_equal(adex_pop_V(part[r]), V_whole + lo[r],
                        n * sizeof(double));
    assert_memory_equal(adex_pop_w(part[r]), w_whole + lo[r],
                        n * sizeof(double));
    assert_memory_equal(adex_pop_t_last_spike(part[r]), tls_whole + lo[r],
                        n * sizeof(double));
    adex_pop_destroy(part[r]);
  }
  adex_pop_destroy(whole);
}

static void test_blocks_compute_the_whole(void **state) {
  (void)state;
  for (int ranks = 1; ranks <= 4; ranks++) {
    run_blocks(ranks, "exp_auto", false); /* the fused-noise path */
    run_blocks(ranks, "rkf45", true);     /* the general path */
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_block_rule),
      cmocka_unit_test(test_single),
      cmocka_unit_test(test_blocks_compute_the_whole),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
