/* test_run.c - the library's one step loop (src/run/drive.c) and the time
 * rule of a run (adex_run_time): adex_pop_run, adex_net_run_io and
 * adex_net_run_hooked are that loop; what each adds is checked against a
 * loop written here by hand with adex_pop_update. */
#include "adex_test.h"

#include <math.h>
#include <string.h>

enum { N = 37, STEPS = 120 };

static adex_pop *make(const char *name, adex_dtype dtype, const char *method) {
  adex_pop_config cfg;
  adex_pop_config_default(&cfg, N);
  cfg.name = name;
  cfg.dtype = dtype;
  cfg.method = method;
  cfg.V_init = adex_init_uniform(-70.0, -50.0, 3);
  adex_pop *pop = NULL;
  assert_ok(adex_pop_create(&cfg, &pop));
  return pop;
}

/* The time rule, written out: (n + k)*dt from a whole number n of steps,
 * else t0 + k*dt. */
static void test_time_rule(void **state) {
  (void)state;
  const double dts[] = {0.1, 0.025, 0.3, 1.0 / 3.0};
  for (size_t d = 0; d < 4; d++) {
    double dt = dts[d];
    for (uint64_t k = 0; k < 5000; k += 7) {
      assert_true(adex_run_time(0.0, dt, k) == (double)k * dt);
      assert_true(adex_run_time(50.0 * dt, dt, k) == (50.0 + (double)k) * dt);
      /* a run continued from the end of another takes the very same
       * times as the uninterrupted run */
      double end = adex_run_time(0.0, dt, 1000);
      assert_true(adex_run_time(end, dt, k) ==
                  adex_run_time(0.0, dt, 1000 + k));
    }
    /* not a whole number of steps: t0 + k*dt */
    assert_true(adex_run_time(0.4 * dt, dt, 9) == 0.4 * dt + 9.0 * dt);
  }
  assert_true(adex_run_time(5.0, 0.1, 3) == 53.0 * 0.1);
  assert_true(adex_run_time(5.0, 0.1, 3) != 5.0 + 3.0 * 0.1); /* rounding */
}

/* adex_pop_run = a loop by hand (inputs, update at the rule's times,
 * rows): float64 and float32, with monitors and an input per step. */
static void test_pop_run_is_the_loop(void **state) {
  (void)state;
  static double table[STEPS * N], V[STEPS][N], w[STEPS][3];
  static float Vf[STEPS][N];
  static bool spk[STEPS][N];
  static double tls[STEPS][N], otls[STEPS][N];
  for (size_t q = 0; q < STEPS * N; q++) table[q] = (double)(q % 53);
  for (int f32 = 0; f32 < 2; f32++) {
    adex_dtype dt = f32 ? ADEX_DTYPE_F32 : ADEX_DTYPE_F64;
    adex_pop *a = make("A", dt, "exp_auto"), *b = make("B", dt, "exp_auto");
    const double t0 = 2.5;
    size_t idx[3] = {4, 4, 36};
    for (size_t k = 0; k < STEPS; k++) {
      for (size_t i = 0; i < N; i++) {
        if (f32)
          adex_pop_input_f32(a)[i] =
              (float)((double)adex_pop_input_f32(a)[i] + table[k * N + i]);
        else
          adex_pop_input(a)[i] += table[k * N + i];
      }
      assert_ok(adex_pop_update(a, adex_run_time(t0, 0.1, k), 0.1));
      for (size_t i = 0; i < N; i++) {
        if (f32)
          Vf[k][i] = adex_pop_V_f32(a)[i];
        else
          V[k][i] = adex_pop_V(a)[i];
        spk[k][i] = adex_pop_spike(a)[i];
        if (!f32) tls[k][i] = adex_pop_t_last_spike(a)[i];
      }
      for (size_t q = 0; q < 3 && !f32; q++) w[k][q] = adex_pop_w(a)[idx[q]];
    }
    static double oV[STEPS][N], ow[STEPS][3];
    static float oVf[STEPS][N];
    static bool osp[STEPS][N];
    adex_run_monitor mon[4] = {
        {"V", NULL, 0, dt, f32 ? (void *)oVf : (void *)oV},
        {"B.w", idx, 3, dt, ow},
        {"spike", NULL, 0, ADEX_DTYPE_BOOL, osp},
        {"t_last_spike", NULL, 0, dt, otls}};
    adex_run_input in = {ADEX_RUN_INPUT_STEP, 0.0, table, NULL};
    size_t done = 0;
    assert_ok(adex_pop_run(b, t0, 0.1, STEPS, &in, mon, f32 ? 1 : 4, NULL, NULL,
                           &done));
    assert_int_equal(done, STEPS);
    if (f32) {
      assert_memory_equal(oVf, Vf, sizeof oVf);
    } else {
      assert_memory_equal(oV, V, sizeof oV);
      assert_memory_equal(osp, spk, sizeof osp);
      assert_memory_equal(ow, w, sizeof ow);
      assert_memory_equal(otls, tls, sizeof otls); /* the times' bits */
    }
    adex_pop_destroy(a);
    adex_pop_destroy(b);
  }
}

/* The hooks of adex_net_run_hooked: called around each step in order, the
 * monitors' row k written before after_step(k), a non-zero return stops
 * the run there and comes back in *stop. */
typedef struct log_t {
  char seq[64];
  size_t n;
  size_t stop_before, stop_after;
  const double *row0; /* the monitor's buffer */
  adex_pop *pop;
  int rows_ok;
} log_t;

static int before(void *u, size_t k) {
  log_t *l = u;
  l->seq[l->n++] = 'b';
  return k == l->stop_before ? 11 : 0;
}

static int after(void *u, size_t k) {
  log_t *l = u;
  l->seq[l->n++] = 'a';
  l->rows_ok &= l->row0[k * N + 5] == adex_pop_V(l->pop)[5];
  return k == l->stop_after ? 22 : 0;
}

static int progress(void *u, size_t done, size_t total) {
  log_t *l = u;
  (void)done;
  (void)total;
  l->seq[l->n++] = 'p';
  return 0;
}

static void test_hooks(void **state) {
  (void)state;
  static double out[STEPS * N];
  for (int which = 0; which < 2; which++) {
    adex_pop *pop = make("H", ADEX_DTYPE_F64, "exp_auto");
    adex_net *net = NULL;
    assert_ok(adex_net_create(0.0, 0.1, NULL, &net));
    assert_ok(adex_net_add_pop(net, pop, NULL));
    assert_ok(adex_net_plan(net));
    log_t l = {.stop_before = which == 0 ? 3 : 99,
               .stop_after = which == 1 ? 4 : 99,
               .row0 = out,
               .pop = pop,
               .rows_ok = 1};
    adex_run_hooks h = {&l, before, after, progress, false, false, 0};
    adex_net_monitor mon = {"H.V", NULL, 0, ADEX_DTYPE_F64, out};
    adex_net_input in = {0, NULL, 0, {ADEX_RUN_INPUT_SCALAR, 30.0, NULL, NULL}};
    size_t done = 99;
    int stop = -1;
    assert_ok(adex_net_run_hooked(net, 8, &in, 1, &mon, 1, &h, &done, &stop));
    l.seq[l.n] = '\0';
    if (which == 0) { /* stopped before step 3 */
      assert_int_equal(stop, 11);
      assert_int_equal(done, 3);
      assert_string_equal(l.seq, "bapbapbapb");
    } else { /* stopped after step 4 */
      assert_int_equal(stop, 22);
      assert_int_equal(done, 5);
      assert_string_equal(l.seq, "bapbapbapbapba");
    }
    assert_int_equal(adex_net_steps_done(net), done);
    assert_true(l.rows_ok);
    adex_net_destroy(net);
    adex_pop_destroy(pop);
  }
}

/* float32 populations run in a network beside float64 ones, and with a
 * spike source driving them (the synapses' arithmetic is checked in
 * tests/test_net.c). */
static void test_float32_in_networks(void **state) {
  (void)state;
  adex_pop *a = make("F", ADEX_DTYPE_F32, "exp_auto");
  adex_pop *b = make("G", ADEX_DTYPE_F64, "exp_auto");
  adex_net *net = NULL;
  assert_ok(adex_net_create(0.0, 0.1, NULL, &net));
  assert_ok(adex_net_add_pop(net, a, NULL));
  assert_ok(adex_net_add_pop(net, b, NULL));
  assert_ok(adex_net_plan(net));
  assert_ok(adex_net_run(net, 10, NULL, NULL, NULL));
  adex_net_destroy(net);
  assert_ok(adex_net_create(0.0, 0.1, NULL, &net));
  size_t ia, src;
  assert_ok(adex_net_add_pop(net, a, &ia));
  assert_ok(adex_net_add_poisson(net, 3, (double[]){2000.0}, 1, 1, NULL, &src));
  adex_proj_config pc;
  adex_proj_config_default(&pc, ADEX_SYN_EXP_CUBA, src, ia,
                           adex_conn_all2all(true));
  pc.g_max = 20.0;
  assert_ok(adex_net_add_proj(net, &pc, NULL));
  assert_ok(adex_net_plan(net));
  float V0 = adex_pop_V_f32(a)[0];
  assert_ok(adex_net_run(net, 10, NULL, NULL, NULL));
  assert_true(adex_pop_V_f32(a)[0] > V0 + 1.0f); /* the source drove it */
  adex_net_destroy(net);
  adex_pop_destroy(a);
  adex_pop_destroy(b);
}

/* The three inputs onto `var` of the float32 tests below: a number per
 * neuron (per, N of them, spanning 12 orders of magnitude and both
 * signs, so that the sums round in every way), then 4.3, then 0.1f. */
static void three_inputs(const char *var, double *per, adex_net_input *in) {
  for (size_t i = 0; i < N; i++)
    per[i] = (i % 2 ? -1.0 : 1.0) * (0.1 * (double)i + 1.0 / 3.0) *
             pow(10.0, (double)(i % 12) - 8.0);
  adex_run_input v[3] = {{ADEX_RUN_INPUT_NEURON, 0.0, per, NULL},
                         {ADEX_RUN_INPUT_SCALAR, 4.3, NULL, NULL},
                         {ADEX_RUN_INPUT_SCALAR, (double)0.1f, NULL, NULL}};
  for (size_t q = 0; q < 3; q++) in[q] = (adex_net_input){0, var, '+', v[q]};
}

/* A network of pop alone, run `steps` steps with those inputs. */
static adex_net *run_three(adex_pop *pop, const adex_net_input *in,
                           size_t steps) {
  adex_net *net = NULL;
  assert_ok(adex_net_create(0.0, 0.1, NULL, &net));
  assert_ok(adex_net_add_pop(net, pop, NULL));
  assert_ok(adex_net_plan(net));
  assert_ok(adex_net_run_io(net, steps, in, 3, NULL, 0, NULL, NULL, NULL));
  return net;
}

/* Inputs into float32 variables (adex_net_input): each computed in
 * double and rounded to float, in order: a number per neuron, then a
 * number for all that is not a float (4.3) and one that is (0.1f, every
 * bit of its mantissa set to something; the loop adds it in float),
 * against that by hand in double. The numbers per neuron span 12 orders
 * of magnitude and both signs, so the sums round in every way. */
static void test_float32_inputs_by_hand(void **state) {
  (void)state;
  adex_pop *a = make("A", ADEX_DTYPE_F32, "exp_auto");
  adex_pop *b = make("B", ADEX_DTYPE_F32, "exp_auto");
  double per[N];
  adex_net_input in[3];
  three_inputs("input", per, in);
  adex_net *net = run_three(a, in, 200);
  for (int k = 0; k < 200; k++) {
    float *x = adex_pop_input_f32(b);
    for (size_t i = 0; i < N; i++) {
      x[i] = (float)((double)x[i] + per[i]);
      x[i] = (float)((double)x[i] + 4.3);
      x[i] = (float)((double)x[i] + (double)0.1f);
    }
    assert_ok(adex_pop_update(b, adex_run_time(0.0, 0.1, (uint64_t)k), 0.1));
  }
  assert_memory_equal(adex_pop_V_f32(a), adex_pop_V_f32(b), N * sizeof(float));
  assert_memory_equal(adex_pop_w_f32(a), adex_pop_w_f32(b), N * sizeof(float));
  adex_net_destroy(net);
  adex_pop_destroy(a);
  adex_pop_destroy(b);
}

/* The same three inputs into w of float32 neurons whose step leaves w
 * as it is (a = 0, tau_w = 1e9: w moves by 1e-10 w, below half an ulp;
 * b = 0: spikes, where w drives V up, leave it too),
 * so that w shows every rounding of every input, step after step: the
 * bits of the double formula by hand. */
static void test_float32_inputs_exact(void **state) {
  (void)state;
  adex_pop_config cfg;
  adex_pop_config_default(&cfg, N);
  cfg.dtype = ADEX_DTYPE_F32;
  cfg.params.a = 0.0;
  cfg.params.b = 0.0;
  cfg.params.tau_w = 1e9;
  cfg.V_init = adex_init_constant(-70.0);
  adex_pop *pop = NULL;
  assert_ok(adex_pop_create(&cfg, &pop));
  double per[N];
  adex_net_input in[3];
  three_inputs("w", per, in);
  adex_net *net = run_three(pop, in, 50);
  float w[N] = {0};
  for (int k = 0; k < 50; k++)
    for (size_t i = 0; i < N; i++) {
      w[i] = (float)((double)w[i] + per[i]);
      w[i] = (float)((double)w[i] + 4.3);
      w[i] = (float)((double)w[i] + (double)0.1f);
    }
  assert_memory_equal(adex_pop_w_f32(pop), w, sizeof w);
  adex_net_destroy(net);
  adex_pop_destroy(pop);
}

/* A network of one population of 2600 neurons (`threads` threads: the
 * split step takes two from 2048 neurons on) driven by a PoissonGroup
 * through ExpCOBA, and with `whole` a silent DualExpCUBA projection that
 * makes every step take the unsplit path. */
static adex_net *defer_net(adex_dtype dtype, bool whole, int threads,
                           adex_pop **pop) {
  adex_pop_config cfg;
  adex_pop_config_default(&cfg, 2600);
  cfg.dtype = dtype;
  cfg.threads = threads;
  cfg.tau_ref = 2.0;
  cfg.V_init = adex_init_uniform(-70.0, -50.0, 5);
  assert_ok(adex_pop_create(&cfg, pop));
  adex_net *net = NULL;
  assert_ok(adex_net_create(0.0, 0.1, NULL, &net));
  size_t p, src, silent;
  assert_ok(adex_net_add_pop(net, *pop, &p));
  double f = 50.0, zero = 0.0;
  assert_ok(adex_net_add_poisson(net, 100, &f, 1, 3, NULL, &src));
  adex_proj_config pc;
  adex_proj_config_default(&pc, ADEX_SYN_EXP_COBA, src, p,
                           adex_conn_fixed_prob(0.05, true, 4));
  pc.g_max = 0.5;
  assert_ok(adex_net_add_proj(net, &pc, NULL));
  if (whole) {
    assert_ok(adex_net_add_poisson(net, 1, &zero, 1, 6, NULL, &silent));
    adex_proj_config_default(&pc, ADEX_SYN_DUAL_EXP_CUBA, silent, p,
                             adex_conn_all2all(true));
    assert_ok(adex_net_add_proj(net, &pc, NULL));
  }
  assert_ok(adex_net_plan(net));
  return net;
}

/* a and b (one size and dtype) hold the same bits of V and w. */
static void same_V_w(adex_pop *a, adex_pop *b) {
  for (int q = 0; q < 2; q++) {
    adex_var x, y;
    assert_ok(adex_pop_var_find(a, q ? "w" : "V", &x));
    assert_ok(adex_pop_var_find(b, q ? "w" : "V", &y));
    assert_memory_equal(x.data, y.data,
                        adex_pop_num(a) * adex_dtype_size(x.dtype));
  }
}

/* A number added to a population's input is added by the network's step
 * itself, tile by tile, where no later input writes the input
 * (adex__net_defer_add): the same bits as every input applied before the
 * step by hand, on the split step (1 and 2 threads) and the whole one,
 * float64 and float32, for a number that is a float and one that is not;
 * a number followed by another input ('*') keeps its place. */
static void test_deferred_inputs(void **state) {
  (void)state;
  enum { M = 2600, STEPS_D = 300 };
  static double per[M];
  for (size_t i = 0; i < M; i++) per[i] = 0.01 * (double)(i % 97);
  adex_net_input sets[3][2] = {
      {{0, "input", '+', {ADEX_RUN_INPUT_NEURON, 0.0, per, NULL}},
       {0, "input", '+', {ADEX_RUN_INPUT_SCALAR, 4.3, NULL, NULL}}},
      {{0, "input", '+', {ADEX_RUN_INPUT_SCALAR, 30.0, NULL, NULL}},
       {0, "input", '*', {ADEX_RUN_INPUT_SCALAR, 0.25, NULL, NULL}}},
      {{0, "input", '+', {ADEX_RUN_INPUT_SCALAR, 7.5, NULL, NULL}},
       {0, "V", '+', {ADEX_RUN_INPUT_SCALAR, 0.01, NULL, NULL}}}};
  for (int f32 = 0; f32 < 2; f32++)
    for (int whole = 0; whole < 2; whole++)
      for (int threads = 1; threads <= 2; threads++)
        for (size_t set = 0; set < 3; set++) {
          adex_dtype dt = f32 ? ADEX_DTYPE_F32 : ADEX_DTYPE_F64;
          adex_pop *a, *b;
          adex_net *na = defer_net(dt, whole, threads, &a);
          adex_net *nb = defer_net(dt, whole, threads, &b);
          assert_ok(adex_net_run_io(na, STEPS_D, sets[set], 2, NULL, 0, NULL,
                                    NULL, NULL));
          for (int k = 0; k < STEPS_D; k++) {
            for (size_t q = 0; q < 2; q++) {
              const adex_net_input *in = &sets[set][q];
              bool V = strcmp(in->var, "V") == 0;
              for (size_t i = 0; i < M; i++) {
                double v = in->in.kind == ADEX_RUN_INPUT_NEURON ? in->in.data[i]
                                                                : in->in.value;
                if (f32) {
                  float *x = V ? adex_pop_V_f32(b) : adex_pop_input_f32(b);
                  x[i] = (float)(in->op == '+' ? (double)x[i] + v
                                               : (double)x[i] * v);
                } else {
                  double *x = V ? adex_pop_V(b) : adex_pop_input(b);
                  x[i] = in->op == '+' ? x[i] + v : x[i] * v;
                }
              }
            }
            assert_ok(adex_net_step(nb));
          }
          same_V_w(a, b);
          adex_net_destroy(na);
          adex_net_destroy(nb);
          adex_pop_destroy(a);
          adex_pop_destroy(b);
        }
}

/* A first step that fails (a dt the method cannot take stably) leaves the
 * inputs' variables as they were, names the population, and keeps the
 * parts of the update's error. */
static void test_first_step_fails_cleanly(void **state) {
  (void)state;
  adex_pop_config cfg;
  adex_pop_config_default(&cfg, N);
  cfg.method = "euler";
  cfg.name = "U";
  cfg.params.tau_w = 0.01; /* euler is unstable at dt 0.1 */
  cfg.V_init = adex_init_constant(-65.0);
  adex_pop *pop = NULL;
  assert_ok(adex_pop_create(&cfg, &pop));
  adex_run_input in = {ADEX_RUN_INPUT_SCALAR, 5.0, NULL, NULL};
  size_t done = 9;
  assert_status(
      adex_pop_run(pop, 0.0, 0.1, 10, &in, NULL, 0, NULL, NULL, &done),
      ADEX_ERANGE);
  assert_int_equal(done, 0);
  for (size_t i = 0; i < N; i++) {
    assert_true(adex_pop_input(pop)[i] == 0.0);
    assert_true(adex_pop_V(pop)[i] == -65.0);
  }
  assert_non_null(strstr(adex_pop_errmsg(pop), "dt"));
  adex_pop *other = make("O", ADEX_DTYPE_F64, "exp_auto");
  adex_net *net = NULL;
  assert_ok(adex_net_create(0.0, 0.1, NULL, &net));
  assert_ok(adex_net_add_pop(net, other, NULL));
  assert_ok(adex_net_add_pop(net, pop, NULL));
  assert_ok(adex_net_plan(net));
  assert_int_equal(adex_net_failed_pop(net), SIZE_MAX);
  adex_net_input nin = {
      1, "input", '=', {ADEX_RUN_INPUT_SCALAR, 7.0, NULL, NULL}};
  assert_status(adex_net_run_io(net, 5, &nin, 1, NULL, 0, NULL, NULL, &done),
                ADEX_ERANGE);
  assert_int_equal(adex_net_failed_pop(net), 1);
  assert_true(adex_pop_input(pop)[3] == 0.0);
  assert_string_equal(adex_net_errmsg(net), adex_pop_errmsg(pop));
  adex_net_destroy(net);
  adex_pop_destroy(other);
  adex_pop_destroy(pop);
}

/* A generator as a run's input (ADEX_RUN_INPUT_GEN) adds the steps a
 * table of its values would, and a second run goes on with its stream:
 * float64 (added in place) and float32 (through the scratch row). */
static void test_generator_input(void **state) {
  (void)state;
  static double table[2 * STEPS * N];
  for (int f32 = 0; f32 < 2; f32++) {
    adex_dtype dt = f32 ? ADEX_DTYPE_F32 : ADEX_DTYPE_F64;
    double rate = 900.0, wgt = 9.0;
    adex_gen_config c = {.kind = ADEX_GEN_POISSON,
                         .num = N,
                         .seed = 5,
                         .rate = {&rate, 1},
                         .weight = {&wgt, 1}};
    adex_gen *g = NULL, *ref = NULL;
    assert_ok(adex_gen_create(&c, 0.1, &g));
    assert_ok(adex_gen_create(&c, 0.1, &ref));
    memset(table, 0, sizeof table);
    for (size_t k = 0; k < 2 * STEPS; k++) adex_gen_add(ref, k, table + k * N);
    adex_pop *a = make("GA", dt, "exp_auto"), *b = make("GB", dt, "exp_auto");
    adex_run_input by_table = {ADEX_RUN_INPUT_STEP, 0.0, table, NULL};
    adex_run_input by_gen = {ADEX_RUN_INPUT_GEN, 0.0, NULL, g};
    assert_ok(adex_pop_run(a, 0.0, 0.1, 2 * STEPS, &by_table, NULL, 0, NULL,
                           NULL, NULL));
    assert_ok(
        adex_pop_run(b, 0.0, 0.1, STEPS, &by_gen, NULL, 0, NULL, NULL, NULL));
    assert_int_equal(adex_gen_next_step(g), STEPS);
    assert_ok(adex_pop_run(b, adex_run_time(0.0, 0.1, STEPS), 0.1, STEPS,
                           &by_gen, NULL, 0, NULL, NULL, NULL));
    size_t bytes = N * adex_dtype_size(dt);
    assert_memory_equal(f32 ? (void *)adex_pop_V_f32(a) : (void *)adex_pop_V(a),
                        f32 ? (void *)adex_pop_V_f32(b) : (void *)adex_pop_V(b),
                        bytes);
    /* a generator of another size is refused */
    adex_pop *small = NULL;
    adex_pop_config cfg;
    adex_pop_config_default(&cfg, N - 1);
    assert_ok(adex_pop_create(&cfg, &small));
    assert_status(
        adex_pop_run(small, 0.0, 0.1, 3, &by_gen, NULL, 0, NULL, NULL, NULL),
        ADEX_ESIZE);
    adex_pop_destroy(small);
    adex_pop_destroy(a);
    adex_pop_destroy(b);
    adex_gen_destroy(g);
    adex_gen_destroy(ref);
  }
}

/* A network's step (split by post neurons when it can be, on 1 and 2
 * threads) counts the non-finite values its populations meet, as a
 * population's own update does. */
static void test_network_counts_nonfinite(void **state) {
  (void)state;
  for (int threads = 1; threads <= 2; threads++) {
    adex_pop_config cfg;
    adex_pop_config_default(&cfg, 2048);
    cfg.name = "NF";
    cfg.threads = threads;
    adex_pop *pop = NULL;
    assert_ok(adex_pop_create(&cfg, &pop));
    adex_net *net = NULL;
    size_t src = 0;
    assert_ok(adex_net_create(0.0, 0.1, NULL, &net));
    assert_ok(adex_net_add_pop(net, pop, NULL));
    assert_ok(
        adex_net_add_poisson(net, 10, (double[]){50.0}, 1, 3, NULL, &src));
    adex_proj_config pc;
    adex_proj_config_default(&pc, ADEX_SYN_EXP_COBA, src, 0,
                             adex_conn_all2all(false));
    assert_ok(adex_net_add_proj(net, &pc, NULL));
    assert_ok(adex_net_plan(net));
    assert_ok(adex_net_run(net, 3, NULL, NULL, NULL));
    unsigned long long n = 9;
    assert_ok(adex_pop_nonfinite(pop, &n, NULL, NULL, NULL));
    assert_int_equal(n, 0);
    adex_pop_input(pop)[1500] = NAN;
    assert_ok(adex_net_step(net));
    size_t first = 0;
    const char *var = NULL;
    double t = 0;
    assert_ok(adex_pop_nonfinite(pop, &n, &first, &var, &t));
    assert_int_equal(n, 1);
    assert_int_equal(first, 1500);
    assert_string_equal(var, "input");
    assert_true(t == adex_run_time(0.0, 0.1, 3));
    adex_net_destroy(net);
    adex_pop_destroy(pop);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_time_rule),
      cmocka_unit_test(test_pop_run_is_the_loop),
      cmocka_unit_test(test_hooks),
      cmocka_unit_test(test_float32_in_networks),
      cmocka_unit_test(test_float32_inputs_by_hand),
      cmocka_unit_test(test_float32_inputs_exact),
      cmocka_unit_test(test_deferred_inputs),
      cmocka_unit_test(test_first_step_fails_cleanly),
      cmocka_unit_test(test_generator_input),
      cmocka_unit_test(test_network_counts_nonfinite),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
