/* test_net.c - networks: connectors, delivery and delays, the synapse
 * models against their equations (docs/networks.md) computed here
 * independently, PoissonGroup, errors, and the COBA-AdEx benchmark. */
#include "adex_test.h"

#include <string.h>

#include "coba_pop.h"         /* bench/: the COBA-AdEx neurons */
#include "kernel_simd.h"      /* adex__gaps_avx2, _avx512 */
#include "net/net_internal.h" /* adex__net_set_fold, _folded, _gather_spikes */
#include "rng.h"

/* A population of n neurons at rest (V0 = V_rest), optionally with
 * COBA-AdEx's parameters. */
static adex_pop *make_typed_pop(size_t n, const char *name, double V0,
                                adex_dtype dtype) {
  adex_pop_config cfg;
  adex_pop_config_default(&cfg, n);
  cfg.V_init = adex_init_constant(V0);
  cfg.name = name;
  cfg.dtype = dtype;
  adex_pop *pop = NULL;
  assert_ok(adex_pop_create(&cfg, &pop));
  return pop;
}

static adex_pop *make_pop(size_t n, const char *name, double V0) {
  return make_typed_pop(n, name, V0, ADEX_DTYPE_F64);
}

/* One pre neuron that spikes in the network's first step (V starts above
 * V_th) and never again (no input, rest below threshold). */
static adex_pop *one_shot(const char *name) { return make_pop(1, name, 0.0); }

/* ------------------------------------------------------------ delivery */

/* One spike into ExpCUBA: g = w exp(-(t - t_arrival)/tau), arriving one
 * step after the step the spike was found in, or `delay` later. */
static void test_exp_cuba_one_spike_and_delays(void **state) {
  (void)state;
  const double dt = 0.1, w = 0.75, tau = 5.0;
  for (int d = 1; d <= 6; d++) {
    adex_net *net;
    assert_ok(adex_net_create(0.0, dt, NULL, &net));
    adex_pop *pre = one_shot(NULL), *post = make_pop(1, NULL, -65.0);
    size_t ipre, ipost;
    assert_ok(adex_net_add_pop(net, pre, &ipre));
    assert_ok(adex_net_add_pop(net, post, &ipost));
    adex_proj_config pc;
    adex_proj_config_default(&pc, ADEX_SYN_EXP_CUBA, ipre, ipost,
                             adex_conn_one2one());
    pc.g_max = w;
    pc.tau = tau;
    pc.delay = d == 1 ? 0.0 : d * dt; /* 0 is the minimum: one step */
    assert_ok(adex_net_add_proj(net, &pc, NULL));
    assert_ok(adex_net_plan(net));
    const double *g = adex_net_proj_g(net, 0);
    for (int k = 0; k < 40; k++) {
      assert_ok(adex_net_step(net));
      if (k == 0) assert_true(adex_net_pop_spike(net, ipre)[0]);
      /* the spike was found in step 0: it acts in step d */
      double expect = k < d ? 0.0 : w * exp(-(k - d) * dt / tau);
      assert_close(g[0], expect, 1e-12, 0.0);
    }
    assert_int_equal(adex_net_steps_done(net), 40);
    assert_close(adex_net_time(net), 4.0, 1e-15, 0.0);
    adex_net_destroy(net);
    adex_pop_destroy(pre);
    adex_pop_destroy(post);
  }
}

/* The projection's effect on its target, against a second population
 * driven by hand with the model's equations: the same bits. A float32
 * target (docs/networks.md, *float32 populations*): the synapses read V
 * in double, and the input (or V, for DeltaSynapse) gets their sum added
 * in double and rounded once to float. `whole`: plus a DualExpCUBA
 * projection from a silent source, which adds nothing but makes every
 * step take the unsplit path. */
static void check_against_hand(adex_syn_model model, adex_dtype dtype,
                               bool whole) {
  const double dt = 0.1, tau = 4.0, E = -80.0, w = 2.5;
  const int steps = 300, n_post = 3;
  bool f32 = dtype == ADEX_DTYPE_F32;
  adex_net *net;
  assert_ok(adex_net_create(0.0, dt, NULL, &net));
  /* two pre neurons, driven to fire regularly */
  adex_pop *pre = make_pop(2, NULL, -65.0);
  adex_pop *post = make_typed_pop(n_post, NULL, -60.0, dtype);
  adex_pop *hand = make_typed_pop(n_post, NULL, -60.0, dtype);
  size_t ipre, ipost;
  assert_ok(adex_net_add_pop(net, pre, &ipre));
  assert_ok(adex_net_add_pop(net, post, &ipost));
  size_t ii[] = {0, 1, 1, 0}, jj[] = {0, 1, 2, 2};
  double ww[] = {w, 2 * w, 0.5 * w, -w};
  adex_proj_config pc;
  adex_proj_config_default(&pc, model, ipre, ipost, adex_conn_ij(ii, jj, 4));
  pc.weights = ww;
  pc.n_weights = 4;
  pc.tau = tau;
  pc.E = E;
  pc.delay = 3 * dt;
  assert_ok(adex_net_add_proj(net, &pc, NULL));
  if (whole) {
    double zero = 0.0;
    size_t silent;
    /* named: automatic names count up, and later tests expect theirs */
    assert_ok(adex_net_add_poisson(net, 1, &zero, 1, 5, "Silent", &silent));
    adex_proj_config_default(&pc, ADEX_SYN_DUAL_EXP_CUBA, silent, ipost,
                             adex_conn_all2all(true));
    pc.name = "FromSilent";
    assert_ok(adex_net_add_proj(net, &pc, NULL));
  }
  assert_ok(adex_net_plan(net));
  /* the hand-made model: spikes of step s act in step s + 3 */
  double g[3] = {0, 0, 0}, pending[8][3];
  memset(pending, 0, sizeof pending);
  double decay = exp(-dt / tau);
  const bool *pre_spike = adex_pop_spike(pre);
  int fired = 0;
  for (int k = 0; k < steps; k++) {
    /* inputs of this step (phase 1); the targets' is no float sum */
    adex_pop_input(pre)[0] = 30.0;
    adex_pop_input(pre)[1] = 45.0;
    for (int j = 0; j < n_post; j++)
      if (f32) {
        adex_pop_input_f32(post)[j] = adex_pop_input_f32(hand)[j] = 0.3f;
      } else {
        adex_pop_input(post)[j] = adex_pop_input(hand)[j] = 0.3;
      }
    /* hand: what the spikes of step k - 1 do */
    if (k > 0)
      for (int s = 0; s < 4; s++)
        if (pre_spike[ii[s]]) pending[(k - 1 + 3) % 8][jj[s]] += ww[s];
    for (int j = 0; j < n_post; j++) {
      double vs = pending[k % 8][j];
      pending[k % 8][j] = 0.0;
      double V = f32 ? (double)adex_pop_V_f32(hand)[j] : adex_pop_V(hand)[j];
      double in =
          f32 ? (double)adex_pop_input_f32(hand)[j] : adex_pop_input(hand)[j];
      if (model == ADEX_SYN_DELTA) {
        V += vs;
      } else {
        g[j] = g[j] * decay + vs;
        in += model == ADEX_SYN_EXP_CUBA ? g[j] : g[j] * (E - V);
      }
      if (f32) {
        adex_pop_V_f32(hand)[j] = (float)V;
        adex_pop_input_f32(hand)[j] = (float)in;
      } else {
        adex_pop_V(hand)[j] = V;
        adex_pop_input(hand)[j] = in;
      }
    }
    assert_ok(adex_net_step(net));
    assert_ok(adex_pop_update(hand, k * dt, dt));
    for (int i = 0; i < 2; i++) fired += pre_spike[i];
    for (int j = 0; j < n_post; j++)
      if (f32) {
        assert_true(adex_pop_V_f32(post)[j] == adex_pop_V_f32(hand)[j]);
        assert_true(adex_pop_w_f32(post)[j] == adex_pop_w_f32(hand)[j]);
      } else {
        assert_true(adex_pop_V(post)[j] == adex_pop_V(hand)[j]);
        assert_true(adex_pop_w(post)[j] == adex_pop_w(hand)[j]);
      }
  }
  assert_true(fired >= 4); /* the synapses did something */
  double V0 = f32 ? (double)adex_pop_V_f32(hand)[0] : adex_pop_V(hand)[0];
  assert_true(fabs(V0 - (-65.0)) > 1e-3);
  adex_net_destroy(net);
  adex_pop_destroy(pre);
  adex_pop_destroy(post);
  adex_pop_destroy(hand);
}

static void check_against_hand_all(adex_syn_model model) {
  check_against_hand(model, ADEX_DTYPE_F64, false);
  check_against_hand(model, ADEX_DTYPE_F64, true);
  check_against_hand(model, ADEX_DTYPE_F32, false);
  check_against_hand(model, ADEX_DTYPE_F32, true);
}

static void test_exp_cuba_against_hand(void **s) {
  (void)s;
  check_against_hand_all(ADEX_SYN_EXP_CUBA);
}
static void test_exp_coba_against_hand(void **s) {
  (void)s;
  check_against_hand_all(ADEX_SYN_EXP_COBA);
}
static void test_delta_against_hand(void **s) {
  (void)s;
  check_against_hand_all(ADEX_SYN_DELTA);
}

/* The per-pre and per-synapse models, against a hand-made version that
 * follows docs/networks.md literally: per-pre state, the post input summed
 * over the synapses (the library uses superposition for DualExp/Alpha),
 * exp_auto written as x + (e^{A dt} - 1)/A f(x). V and w to 1e-9. */
static void check_model_by_hand(adex_syn_model model, int d) {
  const double dt = 0.1;
  const int steps = 600, n_post = 3;
  adex_net *net;
  assert_ok(adex_net_create(0.0, dt, NULL, &net));
  adex_pop *pre = make_pop(2, NULL, -65.0);
  adex_pop *post = make_pop(n_post, NULL, -60.0);
  adex_pop *hand = make_pop(n_post, NULL, -60.0);
  adex_pop *free_pop = make_pop(n_post, NULL, -60.0); /* no synapses */
  double effect = 0.0;
  size_t ipre, ipost;
  assert_ok(adex_net_add_pop(net, pre, &ipre));
  assert_ok(adex_net_add_pop(net, post, &ipost));
  size_t ii[] = {0, 1, 1, 0}, jj[] = {0, 1, 2, 2};
  double ww[] = {1.5, 3.0, 0.75, 0.5};
  adex_proj_config pc;
  adex_proj_config_default(&pc, model, ipre, ipost, adex_conn_ij(ii, jj, 4));
  pc.weights = ww;
  pc.n_weights = 4;
  pc.delay = d * dt;
  if (model == ADEX_SYN_STP) pc.A = 4.0, pc.tau_d = 20.0, pc.tau_f = 50.0;
  adex_proj_config c = pc; /* the parameters the hand model uses */
  assert_ok(adex_net_add_proj(net, &pc, NULL));
  assert_ok(adex_net_plan(net));
  double g[2] = {0, 0}, h[2] = {0, 0}, arrival[2] = {-1e7, -1e7};
  double sx[4] = {1, 1, 1, 1}, su[4] = {0, 0, 0, 0}, sI[4] = {0, 0, 0, 0};
  bool hist[64][2];
  memset(hist, 0, sizeof hist);
  const bool *pre_spike = adex_pop_spike(pre);
  bool alpha = model == ADEX_SYN_ALPHA_CUBA || model == ADEX_SYN_ALPHA_COBA;
  double tr = alpha ? c.tau_decay : c.tau_rise, td = c.tau_decay;
  int fired = 0;
  for (int k = 0; k < steps; k++) {
    double t = k * dt;
    adex_pop_input(pre)[0] = 30.0;
    adex_pop_input(pre)[1] = 45.0;
    /* spikes found in step k - 1, and those that act now (step k - d) */
    for (int i = 0; i < 2; i++) hist[k % 64][i] = k > 0 && pre_spike[i];
    bool now[2];
    for (int i = 0; i < 2; i++)
      now[i] = k - d + 1 >= 0 && hist[(k - d + 1) % 64][i];
    double *hin = adex_pop_input(hand), *hV = adex_pop_V(hand);
    double G[3] = {0, 0, 0};
    if (model == ADEX_SYN_STP) {
      for (int s = 0; s < 4; s++) hin[jj[s]] += sI[s];
      for (int s = 0; s < 4; s++) {
        double u0 = su[s], x0 = sx[s];
        double I = sI[s] + (exp(-dt / c.tau) - 1) * sI[s];
        double u = u0 + (exp(-dt / c.tau_f) - 1) * u0;
        double x =
            x0 + (exp(-dt / c.tau_d) - 1) * (-c.tau_d) * ((1 - x0) / c.tau_d);
        if (now[ii[s]]) {
          u = u + c.U * (1 - u0);
          x = x - u * x0;
          I = I + c.A * u * x0;
        }
        sI[s] = I, su[s] = u, sx[s] = x;
      }
    } else {
      for (int i = 0; i < 2; i++) {
        if (model == ADEX_SYN_NMDA) {
          double A = -1 / td - c.a * h[i];
          double f = -g[i] / td + c.a * h[i] * (1 - g[i]);
          g[i] = g[i] + (exp(A * dt) - 1) / A * f;
          h[i] = h[i] + (exp(-dt / tr) - 1) * h[i] + now[i];
        } else if (model == ADEX_SYN_AMPA || model == ADEX_SYN_GABAA) {
          if (now[i]) arrival[i] = t;
          double TT = t - arrival[i] < c.T_duration ? c.T : 0.0;
          double A = -(c.alpha * TT + c.beta);
          double f = c.alpha * TT * (1 - g[i]) - c.beta * g[i];
          g[i] = g[i] + (exp(A * dt) - 1) / A * f;
        } else {
          double f = -g[i] / td + h[i];
          g[i] = g[i] + (exp(-dt / td) - 1) * (-td) * f;
          h[i] = h[i] + (exp(-dt / tr) - 1) * h[i] + now[i];
        }
      }
      for (int s = 0; s < 4; s++) G[jj[s]] += ww[s] * g[ii[s]];
      for (int j = 0; j < n_post; j++) {
        double V = hV[j];
        switch (model) {
        case ADEX_SYN_DUAL_EXP_CUBA:
        case ADEX_SYN_ALPHA_CUBA: hin[j] += G[j]; break;
        case ADEX_SYN_NMDA:
          hin[j] +=
              G[j] * (c.E - V) / (1 + c.cc_Mg / c.beta * exp(-c.alpha * V));
          break;
        case ADEX_SYN_AMPA:
        case ADEX_SYN_GABAA: hin[j] -= G[j] * (V - c.E); break;
        default: hin[j] += G[j] * (c.E - V);
        }
      }
    }
    assert_ok(adex_net_step(net));
    assert_ok(adex_pop_update(hand, t, dt));
    assert_ok(adex_pop_update(free_pop, t, dt));
    for (int i = 0; i < 2; i++) fired += pre_spike[i];
    for (int j = 0; j < n_post; j++) {
      effect =
          fmax(effect, fabs(adex_pop_V(post)[j] - adex_pop_V(free_pop)[j]));
      assert_close(adex_pop_V(post)[j], adex_pop_V(hand)[j], 1e-9, 1e-9);
      assert_close(adex_pop_w(post)[j], adex_pop_w(hand)[j], 1e-9, 1e-9);
    }
  }
  size_t len = 0;
  if (model != ADEX_SYN_STP) {
    const double *lg = adex_net_proj_var(net, 0, "g", &len);
    assert_int_equal(len, 2);
    assert_close(lg[0], g[0], 1e-9, 1e-12);
    assert_close(lg[1], g[1], 1e-9, 1e-12);
  } else {
    const double *lu = adex_net_proj_var(net, 0, "u", &len);
    assert_int_equal(len, 4);
    const int stored[] = {0, 3, 1, 2}; /* by pre: (0,0) (0,2) (1,1) (1,2) */
    for (int s = 0; s < 4; s++) assert_close(lu[s], su[stored[s]], 1e-12, 0.0);
  }
  assert_true(fired >= 6);
  assert_true(effect > 0.05); /* mV: the synapses moved V */
  adex_net_destroy(net);
  adex_pop_destroy(free_pop);
  adex_pop_destroy(pre);
  adex_pop_destroy(post);
  adex_pop_destroy(hand);
}

static void test_per_pre_models_against_hand(void **state) {
  (void)state;
  const adex_syn_model models[] = {
      ADEX_SYN_DUAL_EXP_CUBA, ADEX_SYN_DUAL_EXP_COBA, ADEX_SYN_ALPHA_CUBA,
      ADEX_SYN_ALPHA_COBA,    ADEX_SYN_NMDA,          ADEX_SYN_AMPA,
      ADEX_SYN_GABAA};
  for (size_t m = 0; m < sizeof models / sizeof *models; m++) {
    print_message("%s\n", adex_syn_model_name(models[m]));
    check_model_by_hand(models[m], 1);
    check_model_by_hand(models[m], 4);
  }
  check_model_by_hand(ADEX_SYN_STP, 1);
}

/* One spike into DualExpCUBA: g peaks tau_r tau_d / (tau_d - tau_r)
 * ln(tau_d / tau_r) after it arrives (to the step). */
static void test_dual_exp_peak_time(void **state) {
  (void)state;
  const double dt = 0.01, td = 10.0, tr = 1.0;
  adex_net *net;
  assert_ok(adex_net_create(0.0, dt, NULL, &net));
  adex_pop *pre = one_shot(NULL), *post = make_pop(1, NULL, -65.0);
  size_t a, b;
  assert_ok(adex_net_add_pop(net, pre, &a));
  assert_ok(adex_net_add_pop(net, post, &b));
  adex_proj_config pc;
  adex_proj_config_default(&pc, ADEX_SYN_DUAL_EXP_CUBA, a, b,
                           adex_conn_one2one());
  pc.tau_decay = td;
  pc.tau_rise = tr;
  assert_ok(adex_net_add_proj(net, &pc, NULL));
  assert_ok(adex_net_plan(net));
  const double *g = adex_net_proj_g(net, 0);
  double best = -1.0;
  int at = -1;
  for (int k = 0; k < 2000; k++) {
    assert_ok(adex_net_step(net));
    if (g[0] > best) best = g[0], at = k;
  }
  /* h jumps in step 1; g starts rising in step 2 */
  double expect = tr * td / (td - tr) * log(td / tr);
  assert_close((at - 1) * dt, expect, 0.0, 1.5 * dt);
  adex_net_destroy(net);
  adex_pop_destroy(pre);
  adex_pop_destroy(post);
}

/* ---------------------------------------------------------- connectors */

typedef struct drawn {
  size_t n;
  size_t *pre, *post;
  double *w;
} drawn;

/* Plan a projection of `conn` from a population of P to one of Q (the same
 * population when same) and read its synapses back. */
static drawn draw(adex_conn conn, size_t P, size_t Q, bool same) {
  adex_net *net;
  assert_ok(adex_net_create(0.0, 0.1, NULL, &net));
  adex_pop *a = make_pop(P, NULL, -65.0);
  adex_pop *b = same ? a : make_pop(Q, NULL, -65.0);
  size_t ia, ib = 0;
  assert_ok(adex_net_add_pop(net, a, &ia));
  if (!same)
    assert_ok(adex_net_add_pop(net, b, &ib));
  else
    ib = ia;
  adex_proj_config pc;
  adex_proj_config_default(&pc, ADEX_SYN_EXP_COBA, ia, ib, conn);
  assert_ok(adex_net_add_proj(net, &pc, NULL));
  assert_ok(adex_net_plan(net));
  drawn d;
  d.n = adex_net_proj_nsyn(net, 0);
  d.pre = calloc(d.n + 1, sizeof *d.pre);
  d.post = calloc(d.n + 1, sizeof *d.post);
  d.w = calloc(d.n + 1, sizeof *d.w);
  assert_ok(adex_net_proj_synapses(net, 0, d.pre, d.post, d.w, NULL, NULL));
  adex_net_destroy(net);
  adex_pop_destroy(a);
  if (!same) adex_pop_destroy(b);
  return d;
}

static void drawn_free(drawn *d) {
  free(d->pre);
  free(d->post);
  free(d->w);
}

/* Every pair once (sorted by pre, then post), in range, and i -> i only if
 * allowed; counts per pre and per post into the arrays given. */
static void check_pairs(const drawn *d, size_t P, size_t Q, bool self_ok,
                        size_t *per_pre, size_t *per_post) {
  memset(per_pre, 0, P * sizeof *per_pre);
  memset(per_post, 0, Q * sizeof *per_post);
  for (size_t s = 0; s < d->n; s++) {
    assert_true(d->pre[s] < P && d->post[s] < Q);
    if (!self_ok) assert_true(d->pre[s] != d->post[s]);
    if (s > 0)
      assert_true(d->pre[s] > d->pre[s - 1] ||
                  (d->pre[s] == d->pre[s - 1] && d->post[s] > d->post[s - 1]));
    per_pre[d->pre[s]]++;
    per_post[d->post[s]]++;
  }
}

static void test_connectors_exact_counts(void **state) {
  (void)state;
  size_t per_pre[300], per_post[300];
  drawn d = draw(adex_conn_one2one(), 50, 50, false);
  assert_int_equal(d.n, 50);
  for (size_t s = 0; s < d.n; s++) assert_int_equal(d.pre[s], d.post[s]);
  drawn_free(&d);

  d = draw(adex_conn_all2all(true), 7, 9, false);
  assert_int_equal(d.n, 63);
  drawn_free(&d);
  d = draw(adex_conn_all2all(false), 9, 9, true);
  assert_int_equal(d.n, 72);
  check_pairs(&d, 9, 9, false, per_pre, per_post);
  drawn_free(&d);
  /* include_self only matters within one population */
  d = draw(adex_conn_all2all(false), 9, 9, false);
  assert_int_equal(d.n, 81);
  drawn_free(&d);

  d = draw(adex_conn_fixed_pre_num(13, false, 5), 120, 120, true);
  assert_int_equal(d.n, 13 * 120);
  check_pairs(&d, 120, 120, false, per_pre, per_post);
  for (size_t j = 0; j < 120; j++) assert_int_equal(per_post[j], 13);
  drawn_free(&d);
  /* all of them but itself */
  d = draw(adex_conn_fixed_pre_num(119, false, 5), 120, 120, true);
  assert_int_equal(d.n, 119 * 120);
  check_pairs(&d, 120, 120, false, per_pre, per_post);
  drawn_free(&d);

  d = draw(adex_conn_fixed_post_num(17, true, 9), 80, 300, false);
  assert_int_equal(d.n, 17 * 80);
  check_pairs(&d, 80, 300, true, per_pre, per_post);
  for (size_t i = 0; i < 80; i++) assert_int_equal(per_pre[i], 17);
  drawn_free(&d);
}

/* A grid connector on a height x width shape. */
static adex_conn on_grid(adex_conn c, size_t height, size_t width) {
  c.ndim = width > 0 ? 2 : 1;
  c.shape[0] = height;
  c.shape[1] = width;
  return c;
}

/* Grid neighbours counted from the geometry: GridFour on 3 x 4 (corners
 * 2, edges 3, inside 4), with include_self one more each; GridN(2) on
 * 5 x 5 (the centre 24, a corner 8); 1-D: height = size, width 1 (ends
 * 1, inside 2); pairs symmetric, in range, sorted, each once. */
static void test_grid_connectors(void **state) {
  (void)state;
  size_t per_pre[64], per_post[64];
  drawn d = draw(on_grid(adex_conn_grid_four(false), 3, 4), 12, 12, true);
  check_pairs(&d, 12, 12, false, per_pre, per_post);
  for (size_t i = 0; i < 12; i++) {
    size_t r = i / 4, c = i % 4;
    size_t want = (r > 0) + (r < 2) + (c > 0) + (c < 3);
    assert_int_equal(per_pre[i], want);
    assert_int_equal(per_post[i], want);
  }
  for (size_t s = 0; s < d.n; s++) {
    long dr = (long)(d.pre[s] / 4) - (long)(d.post[s] / 4);
    long dc = (long)(d.pre[s] % 4) - (long)(d.post[s] % 4);
    assert_int_equal(labs(dr) + labs(dc), 1);
  }
  assert_int_equal(d.n, 2 * (3 * 3 + 2 * 4)); /* 17 undirected edges */
  drawn_free(&d);
  d = draw(on_grid(adex_conn_grid_four(true), 3, 4), 12, 12, true);
  check_pairs(&d, 12, 12, true, per_pre, per_post);
  assert_int_equal(d.n, 34 + 12);
  drawn_free(&d);
  d = draw(on_grid(adex_conn_grid_n(2, false), 5, 5), 25, 25, true);
  check_pairs(&d, 25, 25, false, per_pre, per_post);
  assert_int_equal(per_pre[12], 24);
  assert_int_equal(per_pre[0], 8);
  assert_int_equal(per_pre[2], 14); /* top edge, middle: 3 rows x 5 - 1 */
  drawn_free(&d);
  /* GridEight is GridN(1) */
  d = draw(on_grid(adex_conn_grid_n(1, false), 3, 3), 9, 9, true);
  assert_int_equal(d.n, 4 * 3 + 4 * 5 + 8);
  drawn_free(&d);
  /* 1-D from the population's own shape */
  d = draw(adex_conn_grid_four(false), 6, 6, true);
  check_pairs(&d, 6, 6, false, per_pre, per_post);
  assert_int_equal(d.n, 10);
  assert_int_equal(per_pre[0], 1);
  assert_int_equal(per_pre[3], 2);
  drawn_free(&d);
}

/* GaussianProb against its probability: on a ring of 400 neurons (1-D,
 * periodic, sigma 6), the pairs at each distance k occur with frequency
 * exp(-k^2 / 72) within 5 standard errors; no pair at distance 0 without
 * include_self; across the ends (0, 399) as near as (0, 1); without
 * periodic, (0, 399) is never drawn (probability e^-2200). */
static void test_gaussian_prob_statistics(void **state) {
  (void)state;
  const size_t n = 400;
  adex_conn c = adex_conn_gaussian_prob(6.0, true, false, true, 11);
  drawn d = draw(c, n, n, true);
  size_t count[201] = {0}, per_pre[400], per_post[400];
  check_pairs(&d, n, n, false, per_pre, per_post);
  for (size_t s = 0; s < d.n; s++) {
    size_t k =
        d.pre[s] > d.post[s] ? d.pre[s] - d.post[s] : d.post[s] - d.pre[s];
    if (k > n / 2) k = n - k;
    count[k]++;
  }
  assert_int_equal(count[0], 0);
  for (size_t k = 1; k < 30; k++) {
    double p = exp(-(double)(k * k) / 72.0);
    double pairs = 2.0 * (double)n; /* ordered pairs at distance k */
    double se = sqrt(pairs * p * (1 - p)) + 1e-9;
    if (fabs((double)count[k] - pairs * p) > 5 * se + 1.0)
      fail_msg("distance %zu: %zu pairs, want %.1f", k, count[k], pairs * p);
  }
  drawn_free(&d);
  c = adex_conn_gaussian_prob(6.0, true, true, false, 11);
  d = draw(c, n, n, true);
  size_t self = 0, wrap = 0;
  for (size_t s = 0; s < d.n; s++) {
    self += d.pre[s] == d.post[s];
    wrap += d.pre[s] == 0 && d.post[s] == n - 1;
  }
  assert_int_equal(self, n); /* probability 1 at distance 0 */
  assert_int_equal(wrap, 0);
  drawn_free(&d);
  /* 2-D encoding ranges: a 10 x 10 sheet on [0, 1)^2 with sigma 1e-3
   * connects each neuron only to itself */
  c = adex_conn_gaussian_prob(1e-3, true, true, false, 3);
  c.ndim = 2;
  c.shape[0] = c.shape[1] = 10;
  c.n_ranges = 1;
  c.ranges[0][0] = 0.0;
  c.ranges[0][1] = 1.0;
  d = draw(c, 100, 100, true);
  assert_int_equal(d.n, 100);
  for (size_t s = 0; s < d.n; s++) assert_int_equal(d.pre[s], d.post[s]);
  drawn_free(&d);
  /* refused: sizes that differ, sigma <= 0, a shape of another size, a
   * 3-D grid, a bad encoding range */
  adex_net *net;
  assert_ok(adex_net_create(0.0, 0.1, NULL, &net));
  adex_pop *a = make_pop(12, NULL, -65.0), *b = make_pop(10, NULL, -65.0);
  size_t ia, ib;
  assert_ok(adex_net_add_pop(net, a, &ia));
  assert_ok(adex_net_add_pop(net, b, &ib));
  adex_proj_config pc;
  struct {
    adex_conn c;
    size_t post;
    adex_status st;
    const char *msg;
  } bad[] = {
      {adex_conn_grid_four(false), 1, ADEX_ESIZE, "one size"},
      {adex_conn_gaussian_prob(0.0, true, true, false, 1), 0, ADEX_ERANGE,
       "sigma"},
      {on_grid(adex_conn_grid_n(1, false), 5, 5), 0, ADEX_ESIZE, "shape holds"},
      {on_grid(adex_conn_grid_four(false), 2, 3), 0, ADEX_ESIZE, "shape holds"},
  };
  bad[3].c.ndim = 3;
  bad[3].c.shape[2] = 2;
  bad[3].msg = "1-D or 2-D";
  for (size_t q = 0; q < sizeof bad / sizeof bad[0]; q++) {
    adex_proj_config_default(&pc, ADEX_SYN_EXP_CUBA, ia, bad[q].post ? ib : ia,
                             bad[q].c);
    assert_status(adex_net_add_proj(net, &pc, NULL), bad[q].st);
    if (strstr(adex_net_errmsg(net), bad[q].msg) == NULL)
      fail_msg("'%s' lacks '%s'", adex_net_errmsg(net), bad[q].msg);
  }
  adex_conn g = adex_conn_gaussian_prob(1.0, true, true, false, 1);
  g.n_ranges = 1;
  g.ranges[0][0] = 1.0;
  g.ranges[0][1] = 1.0;
  adex_proj_config_default(&pc, ADEX_SYN_EXP_CUBA, ia, ia, g);
  assert_status(adex_net_add_proj(net, &pc, NULL), ADEX_ERANGE);
  adex_net_destroy(net);
  adex_pop_destroy(a);
  adex_pop_destroy(b);
}

static void test_fixed_prob_statistics(void **state) {
  (void)state;
  const size_t P = 400, Q = 300;
  const double dP = 400.0, dQ = 300.0;
  size_t per_pre[400], per_post[300];
  const double probs[] = {0.0, 0.02, 0.3, 1.0};
  for (int k = 0; k < 4; k++) {
    double p = probs[k];
    drawn d = draw(adex_conn_fixed_prob(p, true, 11), P, Q, false);
    check_pairs(&d, P, Q, true, per_pre, per_post);
    double mean = p * dP * dQ, sd = sqrt(dP * dQ * p * (1 - p));
    assert_true(fabs((double)d.n - mean) <= 5 * sd + 1e-9);
    if (p == 0.3) {
      /* each post neuron's count is Binomial(P, p): its mean and variance */
      double m = 0, v = 0;
      for (size_t j = 0; j < Q; j++) m += (double)per_post[j];
      m /= dQ;
      for (size_t j = 0; j < Q; j++) v += pow((double)per_post[j] - m, 2);
      v /= dQ - 1;
      assert_close(m, dP * p, 0.0, 5 * sqrt(dP * p * (1 - p) / dQ));
      assert_close(v, dP * p * (1 - p), 0.25, 0.0);
      /* and the pre side too (independence across post neurons) */
      double mp = 0;
      for (size_t i = 0; i < P; i++) mp += (double)per_pre[i];
      assert_close(mp / dP, dQ * p, 0.0, 5 * sqrt(dQ * p * (1 - p) / dP));
    }
    drawn_free(&d);
  }
  /* no self-connections when excluded within one population */
  drawn d = draw(adex_conn_fixed_prob(0.5, false, 3), 100, 100, true);
  check_pairs(&d, 100, 100, false, per_pre, per_post);
  drawn_free(&d);
  /* the same seed gives the same pairs; another seed others */
  drawn a = draw(adex_conn_fixed_prob(0.1, true, 42), 200, 200, false);
  drawn b = draw(adex_conn_fixed_prob(0.1, true, 42), 200, 200, false);
  drawn c = draw(adex_conn_fixed_prob(0.1, true, 43), 200, 200, false);
  assert_int_equal(a.n, b.n);
  assert_memory_equal(a.pre, b.pre, a.n * sizeof *a.pre);
  assert_memory_equal(a.post, b.post, a.n * sizeof *a.post);
  assert_true(a.n != c.n || memcmp(a.post, c.post, a.n * sizeof *a.post) != 0);
  drawn_free(&a);
  drawn_free(&b);
  drawn_free(&c);
}

/* FixedProb's vector gap quotients (kernel_simd.c, adex__gaps) against
 * conn.c's definition, C's log1p(-u) / log_q: over 2^18 draws for each of
 * several probabilities, every lane not returned as near an integer
 * agrees with it in floor and ceiling (so in the gap and in the test
 * against the pre neurons left), within 1e-15 relative; the lanes
 * returned are about as many as the tolerance (1e-12 relative, at least
 * 1e-12) makes likely. And lanes made to lie near an integer: a log_q for
 * which draw 0's quotient is 7 to 1 ulp must be returned. */
static void test_fixed_prob_vector_gaps(void **state) {
  (void)state;
#if defined(ADEX_HAVE_AVX2) || defined(ADEX_HAVE_AVX512)
  adex__gaps_fn fns[2] = {NULL, NULL};
  const adex_kernel ks[2] = {ADEX_KERNEL_AVX2, ADEX_KERNEL_AVX512};
#ifdef ADEX_HAVE_AVX2
  fns[0] = adex__gaps_avx2;
#endif
#ifdef ADEX_HAVE_AVX512
  fns[1] = adex__gaps_avx512;
#endif
  const double probs[] = {0.02, 0.5, 1e-4, 0.999, 1e-9};
  for (size_t f = 0; f < 2; f++) {
    if (fns[f] == NULL || !adex_kernel_available(ks[f])) continue;
    long near = 0;
    double likely = 0.0; /* the expected count: 2 tol per draw */
    for (size_t p = 0; p < sizeof probs / sizeof probs[0]; p++) {
      double log_q = log1p(-probs[p]);
      uint64_t st = adex__rng_u64(99, p);
      for (uint64_t m = 0; m < (1u << 18); m += 16) {
        double q[16];
        unsigned bits = fns[f](st, m, log_q, q);
        for (unsigned k = 0; k < 16; k++) {
          double g = log1p(-adex__rng_uniform(st, m + k)) / log_q;
          likely += 2e-12 * fmax(g, 1.0);
          if ((bits >> k) & 1u) {
            near++;
            continue;
          }
          assert_true(floor(q[k]) == floor(g) && ceil(q[k]) == ceil(g));
          assert_true(fabs(q[k] - g) <= 1e-15 * g);
        }
      }
    }
    print_message("%s: %ld of %d quotients near an integer (%.0f likely)\n",
                  adex_kernel_name(ks[f]), near, 5 << 18, likely);
    assert_true((double)near < 1.5 * likely + 20.0);
    /* draw 0 of stream 5: its quotient made 7 (and 7 + 1 ulp) */
    double L = log1p(-adex__rng_uniform(5, 0)), q[16];
    for (int d = 0; d < 2; d++) {
      double log_q = L / (d == 0 ? 7.0 : nextafter(7.0, 8.0));
      assert_true(fns[f](5, 0, log_q, q) & 1u);
    }
  }
#else
  skip();
#endif
}

/* A population's pairs do not depend on the other sizes: post neuron j's
 * pres are drawn from j's own stream (what lets several processes draw
 * their own targets). */
static void test_fixed_prob_keyed_by_target(void **state) {
  (void)state;
  drawn small = draw(adex_conn_fixed_prob(0.2, true, 8), 100, 10, false);
  drawn big = draw(adex_conn_fixed_prob(0.2, true, 8), 100, 40, false);
  size_t n_small = 0;
  for (size_t s = 0; s < big.n; s++)
    if (big.post[s] < 10) {
      assert_true(n_small < small.n);
      assert_int_equal(big.pre[s], small.pre[n_small]);
      assert_int_equal(big.post[s], small.post[n_small]);
      n_small++;
    }
  assert_int_equal(n_small, small.n);
  drawn_free(&small);
  drawn_free(&big);
}

static void test_ij_and_csr_keep_the_order_given(void **state) {
  (void)state;
  adex_net *net;
  assert_ok(adex_net_create(0.0, 0.1, NULL, &net));
  adex_pop *a = make_pop(3, NULL, -65.0), *b = make_pop(4, NULL, -65.0);
  size_t ia, ib;
  assert_ok(adex_net_add_pop(net, a, &ia));
  assert_ok(adex_net_add_pop(net, b, &ib));
  size_t i[] = {2, 0, 2, 1, 0}, j[] = {3, 1, 0, 1, 1};
  double w[] = {1, 2, 3, 4, 5};
  adex_proj_config pc;
  adex_proj_config_default(&pc, ADEX_SYN_EXP_CUBA, ia, ib,
                           adex_conn_ij(i, j, 5));
  pc.weights = w;
  pc.n_weights = 5;
  pc.name = "IJproj";
  assert_ok(adex_net_add_proj(net, &pc, NULL));
  size_t indptr[] = {0, 2, 2, 3}, indices[] = {3, 0, 2};
  adex_proj_config_default(&pc, ADEX_SYN_EXP_CUBA, ia, ib,
                           adex_conn_csr(indices, indptr));
  assert_ok(adex_net_add_proj(net, &pc, NULL));
  assert_ok(adex_net_plan(net));
  assert_string_equal(adex_net_proj_name(net, 0), "IJproj");
  assert_true(strncmp(adex_net_proj_name(net, 1), "ExpCUBA", 7) == 0);
  size_t pre[5], post[5], given[5];
  double ww[5], dl[5];
  assert_int_equal(adex_net_proj_nsyn(net, 0), 5);
  assert_ok(adex_net_proj_synapses(net, 0, pre, post, ww, dl, given));
  /* by pre, the pairs of one pre neuron in the order given */
  size_t expect_given[] = {1, 4, 3, 0, 2};
  for (int s = 0; s < 5; s++) {
    assert_int_equal(given[s], expect_given[s]);
    assert_int_equal(pre[s], i[given[s]]);
    assert_int_equal(post[s], j[given[s]]);
    assert_true(ww[s] == w[given[s]]);
    assert_close(dl[s], 0.1, 1e-15, 0.0);
  }
  assert_int_equal(adex_net_proj_nsyn(net, 1), 3);
  assert_ok(adex_net_proj_synapses(net, 1, pre, post, NULL, NULL, NULL));
  size_t epre[] = {0, 0, 2};
  for (int s = 0; s < 3; s++) {
    assert_int_equal(pre[s], epre[s]);
    assert_int_equal(post[s], indices[s]);
  }
  adex_net_destroy(net);
  adex_pop_destroy(a);
  adex_pop_destroy(b);
}

/* ------------------------------------------------------------- sources */

static void test_poisson_group_rate(void **state) {
  (void)state;
  const size_t n = 2000;
  const int steps = 1000;
  const double dt = 0.1, f = 20.0; /* Hz */
  adex_net *net;
  assert_ok(adex_net_create(0.0, dt, NULL, &net));
  double freqs[1] = {f};
  size_t ip;
  assert_ok(adex_net_add_poisson(net, n, freqs, 1, 7, NULL, &ip));
  assert_string_equal(adex_net_pop_name(net, ip), "PoissonGroup0");
  assert_ok(adex_net_plan(net));
  long total = 0, both = 0;
  bool prev0 = false;
  for (int k = 0; k < steps; k++) {
    assert_ok(adex_net_step(net));
    const bool *sp = adex_net_pop_spike(net, ip);
    for (size_t i = 0; i < n; i++) total += sp[i];
    both += prev0 && sp[0];
    prev0 = sp[0];
  }
  double p = f * dt / 1000.0, N = (double)n * steps;
  assert_close((double)total, N * p, 0.0, 5 * sqrt(N * p * (1 - p)));
  adex_net_destroy(net);
}

/* SpikeTimeGroup: each spike in the update of the step whose start t is
 * the first >= its time; two in one step are one spike. */
static void test_spike_time_group(void **state) {
  (void)state;
  adex_net *net;
  assert_ok(adex_net_create(0.0, 0.5, NULL, &net));
  double times[] = {2.0, 0.0, 1.2, 1.3, 3.0};
  size_t idx[] = {1, 0, 2, 2, 2};
  size_t ig;
  assert_ok(adex_net_add_spike_times(net, 3, times, idx, 5, "src", &ig));
  assert_string_equal(adex_net_pop_name(net, ig), "src");
  assert_ok(adex_net_plan(net));
  /* steps start at 0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0 */
  const bool expect[7][3] = {{1, 0, 0}, {0, 0, 0}, {0, 0, 0}, {0, 0, 1},
                             {0, 1, 0}, {0, 0, 0}, {0, 0, 1}};
  for (int k = 0; k < 7; k++) {
    assert_ok(adex_net_step(net));
    const bool *sp = adex_net_pop_spike(net, ig);
    for (int i = 0; i < 3; i++) assert_int_equal(sp[i], expect[k][i]);
  }
  adex_net_destroy(net);
  assert_ok(adex_net_create(0.0, 0.5, NULL, &net));
  size_t bad[] = {3};
  assert_status(adex_net_add_spike_times(net, 3, times, bad, 1, NULL, NULL),
                ADEX_ERANGE);
  double nan_t[] = {NAN};
  assert_status(adex_net_add_spike_times(net, 3, nan_t, idx, 1, NULL, NULL),
                ADEX_ERANGE);
  adex_net_destroy(net);
}

/* Delays per synapse (ExpCUBA) and per pre neuron (DualExpCUBA): each
 * synapse's first effect lands on the step its own delay says. */
static void test_heterogeneous_delays(void **state) {
  (void)state;
  const double dt = 0.1;
  adex_net *net;
  assert_ok(adex_net_create(0.0, dt, NULL, &net));
  double t0[] = {0.0, 0.0};
  size_t i0[] = {0, 1};
  size_t src, post;
  assert_ok(adex_net_add_spike_times(net, 2, t0, i0, 2, NULL, &src));
  adex_pop *p = make_pop(4, NULL, -65.0);
  assert_ok(adex_net_add_pop(net, p, &post));
  /* ExpCUBA: 0->0, 0->1, 1->2, 1->3 (given out of order) */
  size_t ii[] = {1, 0, 1, 0}, jj[] = {3, 0, 2, 1};
  double dl[] = {5 * dt, 1 * dt, 0.0, 3 * dt}; /* 0: one step */
  adex_proj_config pc;
  adex_proj_config_default(&pc, ADEX_SYN_EXP_CUBA, src, post,
                           adex_conn_ij(ii, jj, 4));
  pc.delays = dl;
  pc.n_delays = 4;
  assert_ok(adex_net_add_proj(net, &pc, NULL));
  /* DualExpCUBA, one delay per pre neuron */
  double dpre[] = {2 * dt, 4 * dt};
  adex_proj_config_default(&pc, ADEX_SYN_DUAL_EXP_CUBA, src, post,
                           adex_conn_all2all(true));
  pc.delays = dpre;
  pc.n_delays = 2;
  assert_ok(adex_net_add_proj(net, &pc, NULL));
  assert_ok(adex_net_plan(net));
  const double *g = adex_net_proj_g(net, 0);
  size_t len;
  const double *h = adex_net_proj_var(net, 1, "h", &len);
  assert_int_equal(len, 2);
  int first_g[4] = {-1, -1, -1, -1}, first_h[2] = {-1, -1};
  for (int k = 0; k < 10; k++) {
    assert_ok(adex_net_step(net));
    for (int j = 0; j < 4; j++)
      if (first_g[j] < 0 && g[j] != 0.0) first_g[j] = k;
    for (int i = 0; i < 2; i++)
      if (first_h[i] < 0 && h[i] != 0.0) first_h[i] = k;
  }
  /* the spikes are found in step 0 */
  assert_int_equal(first_g[0], 1); /* 0->0: 1 step */
  assert_int_equal(first_g[1], 3); /* 0->1: 3 */
  assert_int_equal(first_g[2], 1); /* 1->2: 0 = one step */
  assert_int_equal(first_g[3], 5); /* 1->3: 5 */
  assert_int_equal(first_h[0], 2);
  assert_int_equal(first_h[1], 4);
  double dd[4];
  size_t given[4];
  assert_ok(adex_net_proj_synapses(net, 0, NULL, NULL, NULL, dd, given));
  for (int s = 0; s < 4; s++)
    assert_close(dd[s], dl[given[s]] == 0.0 ? dt : dl[given[s]], 1e-12, 0.0);
  adex_net_destroy(net);
  adex_pop_destroy(p);
}

/* ---------------------------------------------------------- state files */

/* A network with every kind of group and model, delays of several kinds. */
typedef struct mixed {
  adex_net *net;
  adex_pop *E, *I;
} mixed;

static mixed build_mixed(void) {
  mixed m;
  adex_pop_config cfg;
  adex_pop_config_default(&cfg, 50);
  cfg.V_init = adex_init_uniform(-70.0, -50.0, 3);
  cfg.name = "E";
  cfg.tau_ref = 2.0;
  assert_ok(adex_pop_create(&cfg, &m.E));
  cfg.shape[0] = 20;
  cfg.name = "I";
  cfg.tau_ref = 0.0;
  assert_ok(adex_pop_create(&cfg, &m.I));
  assert_ok(adex_net_create(0.0, 0.1, "Net", &m.net));
  size_t e, i, p, st;
  assert_ok(adex_net_add_pop(m.net, m.E, &e));
  assert_ok(adex_net_add_pop(m.net, m.I, &i));
  double f[1] = {200.0};
  assert_ok(adex_net_add_poisson(m.net, 30, f, 1, 5, "P", &p));
  double times[] = {1.0, 2.0, 3.0, 7.5, 7.5, 9.0};
  size_t idx[] = {0, 1, 2, 3, 4, 0};
  assert_ok(adex_net_add_spike_times(m.net, 5, times, idx, 6, "T", &st));
  adex_proj_config pc;
  adex_proj_config_default(&pc, ADEX_SYN_EXP_COBA, e, e,
                           adex_conn_fixed_prob(0.2, false, 1));
  pc.g_max = 0.3;
  pc.delay = 0.2;
  pc.name = "EE";
  assert_ok(adex_net_add_proj(m.net, &pc, NULL));
  double dpre[30];
  for (int q = 0; q < 30; q++) dpre[q] = 0.1 * (1 + q % 4);
  adex_proj_config_default(&pc, ADEX_SYN_DUAL_EXP_COBA, p, e,
                           adex_conn_fixed_pre_num(5, true, 2));
  pc.delays = dpre;
  pc.n_delays = 30;
  pc.g_max = 0.2;
  pc.name = "PE";
  assert_ok(adex_net_add_proj(m.net, &pc, NULL));
  adex_proj_config_default(&pc, ADEX_SYN_NMDA, e, i,
                           adex_conn_fixed_post_num(4, true, 3));
  pc.delay = 0.3;
  pc.name = "EI";
  assert_ok(adex_net_add_proj(m.net, &pc, NULL));
  adex_proj_config_default(&pc, ADEX_SYN_AMPA, i, e,
                           adex_conn_fixed_prob(0.3, true, 4));
  pc.name = "IE";
  assert_ok(adex_net_add_proj(m.net, &pc, NULL));
  adex_proj_config_default(&pc, ADEX_SYN_STP, st, i, adex_conn_all2all(true));
  pc.name = "TI";
  assert_ok(adex_net_add_proj(m.net, &pc, NULL));
  adex_proj_config_default(&pc, ADEX_SYN_DELTA, p, i,
                           adex_conn_fixed_prob(0.1, true, 6));
  pc.g_max = 0.5;
  pc.name = "PI";
  assert_ok(adex_net_add_proj(m.net, &pc, NULL));
  assert_ok(adex_net_plan(m.net));
  return m;
}

static void drive_mixed(mixed *m, int steps) {
  for (int k = 0; k < steps; k++) {
    for (size_t q = 0; q < 50; q++) adex_pop_input(m->E)[q] += 12.0;
    for (size_t q = 0; q < 20; q++) adex_pop_input(m->I)[q] += 10.0;
    assert_ok(adex_net_step(m->net));
  }
}

static void free_mixed(mixed *m) {
  adex_net_destroy(m->net);
  adex_pop_destroy(m->E);
  adex_pop_destroy(m->I);
}

/* save -> load into a new network built the same way -> continue: the
 * same bits as the uninterrupted run. */
static void test_net_state_continuation(void **state) {
  (void)state;
  const char *files[] = {"test_net_state.h5", "test_net_state.npz"};
  for (int f = 0; f < 2; f++) {
    mixed a = build_mixed();
    drive_mixed(&a, 150);
    assert_ok(adex_net_save_states(a.net, files[f]));
    drive_mixed(&a, 250);
    /* what the uninterrupted run ends with */
    double VE[50], wE[50], VI[20], g[6][200];
    size_t glen[6];
    memcpy(VE, adex_pop_V(a.E), sizeof VE);
    memcpy(wE, adex_pop_w(a.E), sizeof wE);
    memcpy(VI, adex_pop_V(a.I), sizeof VI);
    for (size_t p = 0; p < 5; p++) { /* the sixth, DeltaSynapse, has none */
      const double *v =
          adex_net_proj_var(a.net, p, p == 4 ? "u" : "g", &glen[p]);
      assert_non_null(v);
      assert_true(glen[p] <= 200);
      memcpy(g[p], v, glen[p] * sizeof *v);
    }
    double t_last = -1e7; /* the run did something: spikes in E */
    for (size_t q = 0; q < 50; q++)
      t_last = fmax(t_last, adex_pop_t_last_spike(a.E)[q]);
    assert_true(t_last > 15.0);
    free_mixed(&a); /* the names are free again */

    mixed b = build_mixed();
    drive_mixed(&b, 7); /* b differs before the load */
    assert_ok(adex_net_load_states(b.net, files[f], 0, NULL));
    assert_int_equal(adex_net_steps_done(b.net), 150);
    drive_mixed(&b, 250);
    assert_memory_equal(adex_pop_V(b.E), VE, sizeof VE);
    assert_memory_equal(adex_pop_w(b.E), wE, sizeof wE);
    assert_memory_equal(adex_pop_V(b.I), VI, sizeof VI);
    for (size_t p = 0; p < 5; p++) {
      size_t len = 0;
      const double *v = adex_net_proj_var(b.net, p, p == 4 ? "u" : "g", &len);
      assert_int_equal(len, glen[p]);
      assert_memory_equal(v, g[p], len * sizeof *v);
    }
    free_mixed(&b);
    remove(files[f]);
  }
}

static void test_net_state_refuses_other_networks(void **state) {
  (void)state;
  mixed a = build_mixed();
  drive_mixed(&a, 20);
  assert_ok(adex_net_save_states(a.net, "test_net_state2.h5"));
  free_mixed(&a);
  /* a smaller E: the shapes differ */
  adex_pop_config cfg;
  adex_pop_config_default(&cfg, 49);
  cfg.name = "E";
  cfg.V_init = adex_init_constant(-65.0);
  adex_pop *E;
  assert_ok(adex_pop_create(&cfg, &E));
  adex_net *net;
  assert_ok(adex_net_create(0.0, 0.1, "Net", &net));
  size_t e;
  assert_ok(adex_net_add_pop(net, E, &e));
  assert_ok(adex_net_plan(net));
  assert_status(adex_net_load_states(net, "test_net_state2.h5", 0, NULL),
                ADEX_ESIZE);
  assert_non_null(strstr(adex_net_errmsg(net), "E.V"));
  assert_true(adex_pop_V(E)[0] == -65.0);
  assert_int_equal(adex_net_steps_done(net), 0);
  adex_net_destroy(net);
  adex_pop_destroy(E);
  remove("test_net_state2.h5");
}

/* adex_net_run_io: the loop in C gives the bits of the loop by hand,
 * with inputs of every kind and op, and monitors with and without
 * indices; bad keys are refused before anything runs. */
static void test_run_io_equals_the_loop_by_hand(void **state) {
  (void)state;
  const size_t steps = 300;
  double VE[300][5], gEE[300];
  bool spI[300][20];
  for (int pass = 0; pass < 2; pass++) {
    mixed m = build_mixed();
    double per[50];
    for (int q = 0; q < 50; q++) per[q] = 0.1 * q;
    static double table[300 * 20];
    for (size_t q = 0; q < 300 * 20; q++) table[q] = (double)(q % 7);
    size_t idx[5] = {0, 7, 7, 49, 3};
    if (pass == 0) {
      for (size_t k = 0; k < steps; k++) {
        for (size_t q = 0; q < 50; q++) adex_pop_input(m.E)[q] += 12.0;
        for (size_t q = 0; q < 50; q++) adex_pop_input(m.E)[q] += per[q];
        for (size_t q = 0; q < 20; q++)
          adex_pop_input(m.I)[q] = table[k * 20 + q];
        assert_ok(adex_net_step(m.net));
        for (int q = 0; q < 5; q++) VE[k][q] = adex_pop_V(m.E)[idx[q]];
        gEE[k] = adex_net_proj_g(m.net, 0)[3];
        memcpy(spI[k], adex_pop_spike(m.I), 20);
      }
    } else {
      static double oV[300][5], og[300][1];
      static bool osp[300][20];
      size_t one = 3;
      adex_net_input in[3] = {
          {0, NULL, 0, {ADEX_RUN_INPUT_SCALAR, 12.0, NULL, NULL}},
          {0, "input", '+', {ADEX_RUN_INPUT_NEURON, 0.0, per, NULL}},
          {1, "input", '=', {ADEX_RUN_INPUT_STEP, 0.0, table, NULL}}};
      adex_net_monitor mon[3] = {{"E.V", idx, 5, ADEX_DTYPE_F64, oV},
                                 {"EE.g", &one, 1, ADEX_DTYPE_F64, og},
                                 {"I.spike", NULL, 0, ADEX_DTYPE_BOOL, osp}};
      adex_net_monitor bad = {"EX.g", NULL, 0, ADEX_DTYPE_F64, og};
      assert_status(
          adex_net_run_io(m.net, steps, in, 3, &bad, 1, NULL, NULL, NULL),
          ADEX_EKEY);
      assert_non_null(strstr(adex_net_errmsg(m.net), "EE"));
      bad.key = "EE.g";
      bad.dtype = ADEX_DTYPE_BOOL;
      assert_status(
          adex_net_run_io(m.net, steps, in, 3, &bad, 1, NULL, NULL, NULL),
          ADEX_EINVAL);
      assert_int_equal(adex_net_steps_done(m.net), 0);
      size_t done = 0;
      assert_ok(
          adex_net_run_io(m.net, steps, in, 3, mon, 3, NULL, NULL, &done));
      assert_int_equal(done, steps);
      assert_memory_equal(oV, VE, sizeof oV);
      for (size_t k = 0; k < steps; k++) assert_true(og[k][0] == gEE[k]);
      assert_memory_equal(osp, spI, sizeof osp);
    }
    free_mixed(&m);
  }
}

/* -------------------------------------------------------------- errors */

/* More projections and spike sources than the first allocation holds (8):
 * their names stay registered as they move (a network of 20 of each, its
 * names found, claimed and released; was a use after free). */
static void test_many_nodes_keep_names(void **state) {
  (void)state;
  adex_pop *pop = make_pop(3, NULL, -65.0);
  adex_net *net = NULL;
  assert_int_equal(adex_net_create(0.0, 0.1, NULL, &net), ADEX_OK);
  assert_int_equal(adex_net_add_pop(net, pop, NULL), ADEX_OK);
  char name[32];
  double f = 10.0;
  for (int q = 0; q < 20; q++) {
    snprintf(name, sizeof name, "Src%d", q);
    assert_int_equal(
        adex_net_add_poisson(net, 2, &f, 1, (uint64_t)q, name, NULL), ADEX_OK);
    adex_proj_config c;
    adex_proj_config_default(&c, ADEX_SYN_EXP_CUBA, (size_t)q + 1, 0,
                             adex_conn_all2all(true));
    snprintf(name, sizeof name, "P%d", q);
    c.name = name;
    assert_int_equal(adex_net_add_proj(net, &c, NULL), ADEX_OK);
  }
  assert_int_equal(adex_net_plan(net), ADEX_OK);
  for (int q = 0; q < 20; q++) {
    snprintf(name, sizeof name, "P%d", q);
    assert_string_equal(adex_net_proj_name(net, (size_t)q), name);
    /* still registered: the name cannot be claimed again */
    adex_proj_config c;
    adex_proj_config_default(&c, ADEX_SYN_EXP_CUBA, 0, 0,
                             adex_conn_all2all(true));
    c.name = name;
    adex_net *other = NULL;
    assert_int_equal(adex_net_create(0.0, 0.1, NULL, &other), ADEX_OK);
    adex_pop *p2 = make_pop(1, NULL, -65.0);
    assert_int_equal(adex_net_add_pop(other, p2, NULL), ADEX_OK);
    assert_int_equal(adex_net_add_proj(other, &c, NULL), ADEX_EINVAL);
    adex_net_destroy(other);
    adex_pop_destroy(p2);
    snprintf(name, sizeof name, "Src%d", q);
    assert_string_equal(adex_net_pop_name(net, (size_t)q + 1), name);
  }
  assert_int_equal(adex_net_run(net, 20, NULL, NULL, NULL), ADEX_OK);
  adex_net_destroy(net);
  /* released: the names are free again */
  adex_net *again = NULL;
  assert_int_equal(adex_net_create(0.0, 0.1, NULL, &again), ADEX_OK);
  assert_int_equal(adex_net_add_poisson(again, 1, &f, 1, 1, "Src7", NULL),
                   ADEX_OK);
  adex_net_destroy(again);
  adex_pop_destroy(pop);
}

static void test_errors(void **state) {
  (void)state;
  adex_net *net = NULL;
  assert_status(adex_net_create(0.0, 0.0, NULL, &net), ADEX_EINVAL);
  assert_status(adex_net_create(NAN, 0.1, NULL, &net), ADEX_EINVAL);
  assert_ok(adex_net_create(0.0, 0.1, NULL, &net));
  adex_pop *a = make_pop(10, NULL, -65.0), *b = make_pop(20, NULL, -65.0);
  size_t ia, ib;
  assert_ok(adex_net_add_pop(net, a, &ia));
  assert_ok(adex_net_add_pop(net, b, &ib));
  assert_status(adex_net_add_pop(net, a, NULL), ADEX_EINVAL);
  assert_status(adex_net_step(net), ADEX_EINVAL);
  adex_proj_config pc;
  adex_proj_config_default(&pc, ADEX_SYN_EXP_COBA, ia, ib, adex_conn_one2one());
  assert_status(adex_net_add_proj(net, &pc, NULL), ADEX_ESIZE);
  adex_proj_config_default(&pc, ADEX_SYN_EXP_COBA, ia, 7,
                           adex_conn_all2all(true));
  assert_status(adex_net_add_proj(net, &pc, NULL), ADEX_ERANGE);
  adex_proj_config_default(&pc, ADEX_SYN_EXP_COBA, ia, ib,
                           adex_conn_fixed_prob(1.5, true, 0));
  assert_status(adex_net_add_proj(net, &pc, NULL), ADEX_ERANGE);
  assert_non_null(strstr(adex_net_errmsg(net), "prob"));
  adex_proj_config_default(&pc, ADEX_SYN_EXP_COBA, ia, ia,
                           adex_conn_fixed_pre_num(10, false, 0));
  assert_status(adex_net_add_proj(net, &pc, NULL), ADEX_ERANGE);
  adex_proj_config_default(&pc, ADEX_SYN_EXP_COBA, ia, ib,
                           adex_conn_all2all(true));
  pc.tau = 0.0;
  assert_status(adex_net_add_proj(net, &pc, NULL), ADEX_ERANGE);
  size_t bad_i[] = {0, 10}, bad_j[] = {0, 0};
  adex_proj_config_default(&pc, ADEX_SYN_EXP_COBA, ia, ib,
                           adex_conn_ij(bad_i, bad_j, 2));
  assert_status(adex_net_add_proj(net, &pc, NULL), ADEX_ERANGE);
  double w3[] = {1, 2, 3};
  adex_proj_config_default(&pc, ADEX_SYN_EXP_COBA, ia, ib,
                           adex_conn_all2all(true));
  pc.weights = w3;
  pc.n_weights = 3; /* 200 synapses */
  assert_ok(adex_net_add_proj(net, &pc, NULL));
  assert_status(adex_net_plan(net), ADEX_ESIZE);
  adex_net_destroy(net);

  assert_ok(adex_net_create(0.0, 0.1, NULL, &net));
  assert_ok(adex_net_add_pop(net, a, &ia));
  adex_proj_config_default(&pc, ADEX_SYN_EXP_COBA, ia, ia,
                           adex_conn_all2all(true));
  pc.delay = 0.25; /* not a multiple of dt */
  assert_ok(adex_net_add_proj(net, &pc, NULL));
  assert_status(adex_net_plan(net), ADEX_ERANGE);
  assert_non_null(strstr(adex_net_errmsg(net), "multiple of dt"));
  adex_net_destroy(net);

  /* the longest delay is 65535 steps: one more is refused, naming it */
  for (int extra = 0; extra < 2; extra++) {
    assert_ok(adex_net_create(0.0, 0.1, NULL, &net));
    assert_ok(adex_net_add_pop(net, a, &ia));
    adex_proj_config_default(&pc, ADEX_SYN_EXP_COBA, ia, ia,
                             adex_conn_one2one());
    pc.delay = (65535 + extra) * 0.1;
    assert_ok(adex_net_add_proj(net, &pc, NULL));
    if (extra == 0) {
      assert_ok(adex_net_plan(net));
    } else {
      assert_status(adex_net_plan(net), ADEX_ERANGE);
      assert_non_null(strstr(adex_net_errmsg(net), "65536 steps"));
      assert_non_null(strstr(adex_net_errmsg(net), "at most 65535"));
    }
    adex_net_destroy(net);
  }

  /* far too many synapses: refused at once, with the size */
  assert_ok(adex_net_create(0.0, 0.1, NULL, &net));
  adex_pop *big = make_pop(3000000, NULL, -65.0);
  assert_ok(adex_net_add_pop(net, big, &ia));
  adex_proj_config_default(&pc, ADEX_SYN_EXP_COBA, ia, ia,
                           adex_conn_all2all(true));
  assert_ok(adex_net_add_proj(net, &pc, NULL));
  assert_status(adex_net_plan(net), ADEX_ENOMEM);
  assert_non_null(strstr(adex_net_errmsg(net), "GB"));
  assert_ok(adex_net_plan(net) == ADEX_ENOMEM ? ADEX_OK : ADEX_EINVAL);
  adex_net_destroy(net);
  adex_pop_destroy(big);

  /* nothing can be added after planning */
  assert_ok(adex_net_create(0.0, 0.1, NULL, &net));
  assert_ok(adex_net_add_pop(net, a, &ia));
  assert_ok(adex_net_plan(net));
  assert_status(adex_net_add_pop(net, b, NULL), ADEX_EINVAL);
  adex_net_destroy(net);
  adex_pop_destroy(a);
  adex_pop_destroy(b);
}

/* ----------------------------------------------------------- COBA-AdEx */

/* The benchmark network of docs/networks.md: 3200 E and 800 I AdExIF
 * neurons, ExpCOBA with FixedProb(0.02), tau_ref 5 ms, input 20. Brian2 and
 * NEST give 12-13 Hz on it; here its mean rate over 0.2-0.5 s must be in
 * 10-16 Hz. */
static int coba_threads = 1;
static adex_dtype coba_dtype = ADEX_DTYPE_F64;

static adex_net *coba(adex_pop **E, adex_pop **I) {
  adex_pop_config cfg;
  coba_pop_config(&cfg, 3200, 0, 1, coba_threads);
  cfg.name = "E";
  cfg.dtype = coba_dtype;
  assert_ok(adex_pop_create(&cfg, E));
  coba_pop_config(&cfg, 800, 0, 2, coba_threads);
  cfg.name = "I";
  cfg.dtype = coba_dtype;
  assert_ok(adex_pop_create(&cfg, I));
  assert_ok(adex_pop_enable_drive(*E));
  assert_ok(adex_pop_enable_drive(*I));
  bool f32 = coba_dtype == ADEX_DTYPE_F32;
  for (size_t i = 0; i < 3200; i++)
    f32 ? (adex_pop_drive_f32(*E)[i] = 20.0f) : (adex_pop_drive(*E)[i] = 20.0);
  for (size_t i = 0; i < 800; i++)
    f32 ? (adex_pop_drive_f32(*I)[i] = 20.0f) : (adex_pop_drive(*I)[i] = 20.0);
  adex_net *net;
  assert_ok(adex_net_create(0.0, 0.1, NULL, &net));
  size_t e, i;
  assert_ok(adex_net_add_pop(net, *E, &e));
  assert_ok(adex_net_add_pop(net, *I, &i));
  struct {
    size_t pre, post;
    double g, tau, E;
    uint64_t seed;
  } P[] = {{e, e, 0.6, 5.0, 0.0, 1},
           {e, i, 0.6, 5.0, 0.0, 2},
           {i, e, 6.7, 10.0, -80.0, 3},
           {i, i, 6.7, 10.0, -80.0, 4}};
  for (int k = 0; k < 4; k++) {
    adex_proj_config pc;
    adex_proj_config_default(&pc, ADEX_SYN_EXP_COBA, P[k].pre, P[k].post,
                             adex_conn_fixed_prob(0.02, true, P[k].seed));
    pc.g_max = P[k].g;
    pc.tau = P[k].tau;
    pc.E = P[k].E;
    assert_ok(adex_net_add_proj(net, &pc, NULL));
  }
  assert_ok(adex_net_plan(net));
  return net;
}

/* A COBA-AdEx run's end: V and w of E then I in the populations' dtype
 * (float64 or float32, as bytes), and the spikes from step `from` on. */
typedef struct coba_end {
  unsigned char V[4000 * sizeof(double)], w[4000 * sizeof(double)];
  long spikes;
} coba_end;

static void coba_run(adex_net *net, adex_pop *E, adex_pop *I, int steps,
                     int from, coba_end *end) {
  end->spikes = 0;
  for (int k = 0; k < steps; k++) {
    assert_ok(adex_net_step(net));
    for (size_t g = 0; g < 2 && k >= from; g++)
      for (size_t i = 0; i < adex_net_pop_num(net, g); i++)
        end->spikes += adex_net_pop_spike(net, g)[i];
  }
  bool f32 = adex_pop_dtype(E) == ADEX_DTYPE_F32;
  size_t el = f32 ? sizeof(float) : sizeof(double);
  memcpy(end->V, f32 ? (void *)adex_pop_V_f32(E) : (void *)adex_pop_V(E),
         3200 * el);
  memcpy(end->V + 3200 * el,
         f32 ? (void *)adex_pop_V_f32(I) : (void *)adex_pop_V(I), 800 * el);
  memcpy(end->w, f32 ? (void *)adex_pop_w_f32(E) : (void *)adex_pop_w(E),
         3200 * el);
  memcpy(end->w + 3200 * el,
         f32 ? (void *)adex_pop_w_f32(I) : (void *)adex_pop_w(I), 800 * el);
}

/* Threads: the benchmark network stepped by 1, 2 and 3 threads (its step
 * split by post neurons) gives the same bits: V, w and the spike counts of
 * both populations. */
static void test_threads_same_bits(void **state) {
  (void)state;
  static coba_end one, end;
  for (int threads = 1; threads <= 3; threads++) {
    adex_pop *E, *I;
    coba_threads = threads;
    adex_net *net = coba(&E, &I);
    coba_threads = 1;
    coba_run(net, E, I, 1500, 0, threads == 1 ? &one : &end);
    if (threads > 1) {
      assert_int_equal(end.spikes, one.spikes);
      assert_memory_equal(end.V, one.V, sizeof end.V);
      assert_memory_equal(end.w, one.w, sizeof end.w);
    }
    assert_true(one.spikes > 100);
    adex_net_destroy(net);
    adex_pop_destroy(E);
    adex_pop_destroy(I);
  }
}

/* A network whose step is split by post neurons (every projection of the
 * Exp family): A (2500 neurons, tau_ref 2 ms, a drive of 0.3-0.306) and
 * B (1100) driven by a PoissonGroup through ExpCOBA; A -> A ExpCUBA through IJ pairs with their
 * own weights and delays; A -> B DeltaSynapse with post_has_ref, delay
 * 0.3 ms; B -> A ExpCOBA twice (E -80 and -70 mV, the second with a
 * delay of 0.2 ms: the two pass over A together). `whole`: plus a DualExpCUBA projection
 * from a silent source, which adds nothing but makes every step take the
 * unsplit path (projections, then populations). After `steps` steps: V
 * and w of A then B (3600 each), and the spikes of both. */
#define SPLIT_IJ 30000
static bool split_fold = true; /* fold the channels where the step can */
static adex_dtype split_dtype = ADEX_DTYPE_F64;     /* of A and B */
static adex_kernel split_kernel = ADEX_KERNEL_AUTO; /* of A and B */
static size_t split_folded[2]; /* how many A's and B's steps folded */
static long split_net(int threads, bool whole, int steps, double *V,
                      double *w) {
  adex_pop_config cfg;
  adex_pop_config_default(&cfg, 2500);
  cfg.threads = threads;
  cfg.tau_ref = 2.0;
  cfg.dtype = split_dtype;
  cfg.kernel = split_kernel;
  cfg.V_init = adex_init_uniform(-70.0, -50.0, 7);
  adex_pop *A, *B;
  assert_ok(adex_pop_create(&cfg, &A));
  assert_ok(adex_pop_enable_drive(A)); /* added after the folded channels */
  for (size_t i = 0; i < 2500; i++) {
    double d = 0.3 + 0.001 * (double)(i % 7);
    if (split_dtype == ADEX_DTYPE_F32)
      adex_pop_drive_f32(A)[i] = (float)d;
    else
      adex_pop_drive(A)[i] = d;
  }
  cfg.shape[0] = 1100;
  cfg.tau_ref = 0.0;
  cfg.V_init = adex_init_uniform(-70.0, -50.0, 8);
  assert_ok(adex_pop_create(&cfg, &B));
  adex_net *net;
  assert_ok(adex_net_create(0.0, 0.1, NULL, &net));
  size_t a, b, src, silent;
  assert_ok(adex_net_add_pop(net, A, &a));
  assert_ok(adex_net_add_pop(net, B, &b));
  double f = 40.0, zero = 0.0;
  assert_ok(adex_net_add_poisson(net, 400, &f, 1, 11, NULL, &src));
  adex_proj_config pc;
  adex_proj_config_default(&pc, ADEX_SYN_EXP_COBA, src, a,
                           adex_conn_fixed_pre_num(20, true, 1));
  pc.g_max = 0.1;
  assert_ok(adex_net_add_proj(net, &pc, NULL));
  adex_proj_config_default(&pc, ADEX_SYN_EXP_COBA, src, b,
                           adex_conn_fixed_pre_num(20, true, 2));
  pc.g_max = 0.1;
  assert_ok(adex_net_add_proj(net, &pc, NULL));
  static size_t ii[SPLIT_IJ], jj[SPLIT_IJ];
  static double ww[SPLIT_IJ], dd[SPLIT_IJ];
  uint64_t x = 12345;
  for (size_t s = 0; s < SPLIT_IJ; s++) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    ii[s] = (size_t)(x >> 33) % 2500;
    jj[s] = (size_t)(x >> 17) % 2500;
    ww[s] = 0.05 + 0.01 * (double)((x >> 40) % 16);
    dd[s] = 0.1 * (double)(1 + (x >> 50) % 4);
  }
  adex_proj_config_default(&pc, ADEX_SYN_EXP_CUBA, a, a,
                           adex_conn_ij(ii, jj, SPLIT_IJ));
  pc.weights = ww;
  pc.n_weights = SPLIT_IJ;
  pc.delays = dd;
  pc.n_delays = SPLIT_IJ;
  assert_ok(adex_net_add_proj(net, &pc, NULL));
  adex_proj_config_default(&pc, ADEX_SYN_DELTA, a, b,
                           adex_conn_fixed_prob(0.01, true, 3));
  pc.g_max = 0.5;
  pc.delay = 0.3;
  pc.post_has_ref = true;
  assert_ok(adex_net_add_proj(net, &pc, NULL));
  adex_proj_config_default(&pc, ADEX_SYN_EXP_COBA, b, a,
                           adex_conn_fixed_prob(0.02, true, 4));
  pc.g_max = 2.0;
  pc.tau = 10.0;
  pc.E = -80.0;
  assert_ok(adex_net_add_proj(net, &pc, NULL));
  adex_proj_config_default(&pc, ADEX_SYN_EXP_COBA, b, a,
                           adex_conn_fixed_prob(0.01, true, 5));
  pc.g_max = 1.0;
  pc.tau = 6.0;
  pc.E = -70.0;
  pc.delay = 0.2;
  assert_ok(adex_net_add_proj(net, &pc, NULL));
  if (whole) {
    assert_ok(adex_net_add_poisson(net, 1, &zero, 1, 5, NULL, &silent));
    adex_proj_config_default(&pc, ADEX_SYN_DUAL_EXP_CUBA, silent, a,
                             adex_conn_all2all(true));
    assert_ok(adex_net_add_proj(net, &pc, NULL));
  }
  assert_ok(adex_net_plan(net));
  adex__net_set_fold(net, split_fold ? ADEX__FOLD_ALL : ADEX__FOLD_NONE);
  long n = 0;
  bool f32 = split_dtype == ADEX_DTYPE_F32;
  for (int k = 0; k < steps; k++) {
    for (size_t q = 0; q < 2500; q++)
      f32 ? (adex_pop_input_f32(A)[q] += 1.0f) : (adex_pop_input(A)[q] += 1.0);
    for (size_t q = 0; q < 1100; q++)
      f32 ? (adex_pop_input_f32(B)[q] += 1.0f) : (adex_pop_input(B)[q] += 1.0);
    assert_ok(adex_net_step(net));
    for (size_t g = 0; g < 2; g++)
      for (size_t i = 0; i < adex_net_pop_num(net, g); i++)
        n += adex_net_pop_spike(net, g)[i];
  }
  split_folded[0] = adex__net_folded(net, a);
  split_folded[1] = adex__net_folded(net, b);
  for (size_t q = 0; q < 3600; q++) {
    adex_pop *P = q < 2500 ? A : B;
    size_t i = q < 2500 ? q : q - 2500;
    V[q] = f32 ? (double)adex_pop_V_f32(P)[i] : adex_pop_V(P)[i];
    w[q] = f32 ? (double)adex_pop_w_f32(P)[i] : adex_pop_w(P)[i];
  }
  adex_net_destroy(net);
  adex_pop_destroy(A);
  adex_pop_destroy(B);
  return n;
}

/* The split step on `threads` threads gives the whole step's n0 spikes
 * and its V0, w0 (3600 each). */
static void split_equals(int threads, long n0, const double *V0,
                         const double *w0) {
  static double V[3600], w[3600];
  long n = split_net(threads, false, 800, V, w);
  assert_int_equal(n, n0);
  assert_memory_equal(V, V0, sizeof V);
  assert_memory_equal(w, w0, sizeof w);
}

/* The split step, on 1, 2 and 3 threads, gives the bits of the whole one,
 * with per-synapse weights and delays, DeltaSynapse into refractory
 * neurons, and a spike source. */
static void test_split_step_same_bits(void **state) {
  (void)state;
  static double V0[3600], w0[3600];
  long n0 = split_net(1, true, 800, V0, w0);
  print_message("split network: %ld spikes\n", n0);
  assert_true(n0 > 1000);
  for (int threads = 1; threads <= 3; threads++)
    split_equals(threads, n0, V0, w0);
  /* A's step folded its four channels (three ExpCOBA, one ExpCUBA with
   * per-synapse delays; 2500 neurons: a partial last vector) where its
   * kernel can; B's, with a DeltaSynapse into it, never. The same bits
   * with folding off. */
  bool simd = adex_kernel_best() != ADEX_KERNEL_SCALAR;
  assert_int_equal(split_folded[0], simd ? 4 : 0);
  assert_int_equal(split_folded[1], 0);
  split_fold = false;
  for (int threads = 1; threads <= 2; threads++) {
    split_equals(threads, n0, V0, w0);
    assert_int_equal(split_folded[0], 0);
  }
  split_fold = true;
}

/* The same with float32 populations: the split step on 1, 2 and 3
 * threads gives the bits of the whole one (whose projections work on the
 * populations' double copies), with A's four channels folded into its
 * float kernel on each SIMD kernel (2500 neurons: a partial last vector
 * of 16 or 8 floats), never on the scalar one, and with folding off; and
 * about the spikes of float64 (the traces part, the network is
 * chaotic). */
static void test_split_step_float32(void **state) {
  (void)state;
  static double V0[3600], w0[3600], V[3600], w[3600];
  long n64 = split_net(1, false, 800, V, w);
  split_dtype = ADEX_DTYPE_F32;
  long n0 = split_net(1, true, 800, V0, w0);
  print_message("float32: %ld spikes, float64 %ld\n", n0, n64);
  assert_true(fabs((double)n0 - (double)n64) < 0.05 * (double)n64);
  double most = 0.0; /* float32 traces: float values, near float64's */
  for (size_t q = 0; q < 3600; q++) {
    assert_true(V0[q] == (double)(float)V0[q]);
    most = fmax(most, fabs(V0[q] - V[q]));
  }
  print_message("largest |V32 - V64|: %g mV\n", most);
  assert_true(most > 0.0);
  bool simd = adex_kernel_best() != ADEX_KERNEL_SCALAR;
  for (int threads = 1; threads <= 3; threads++) {
    split_equals(threads, n0, V0, w0);
    assert_int_equal(split_folded[0], simd ? 4 : 0);
    assert_int_equal(split_folded[1], 0);
  }
  const adex_kernel kernels[] = {ADEX_KERNEL_SCALAR, ADEX_KERNEL_AVX2,
                                 ADEX_KERNEL_AVX512};
  for (size_t q = 0; q < 3; q++) {
    if (!adex_kernel_available(kernels[q])) continue;
    split_kernel = kernels[q];
    split_equals(1, n0, V0, w0);
    assert_int_equal(split_folded[0], q > 0 ? 4 : 0);
  }
  split_kernel = ADEX_KERNEL_AUTO;
  split_fold = false;
  split_equals(2, n0, V0, w0);
  assert_int_equal(split_folded[0], 0);
  split_fold = true;
  split_dtype = ADEX_DTYPE_F64;
}

/* The spike lists gathered from the flags (64 at a time, then the rest)
 * list exactly the set flags, in order: every single position of 200,
 * and patterns with the ends of each 64-flag word. */
static void test_gather_spikes(void **state) {
  (void)state;
  static bool sp[200];
  uint32_t out[200];
  net_group g = {0};
  g.spike = sp;
  for (size_t num = 1; num <= 200; num += 199 / 7) {
    g.nloc = num;
    for (size_t i = 0; i < num; i++) {
      memset(sp, 0, sizeof sp);
      sp[i] = true;
      if (num < 200) sp[num] = true; /* past the end: not listed */
      assert_int_equal(adex__net_gather_spikes(&g, out), 1);
      assert_int_equal(out[0], i);
    }
  }
  const size_t pat[] = {0, 1, 7, 8, 62, 63, 64, 65, 127, 128, 191, 192, 199};
  const size_t np = sizeof pat / sizeof pat[0];
  memset(sp, 0, sizeof sp);
  for (size_t q = 0; q < np; q++) sp[pat[q]] = true;
  g.nloc = 200;
  assert_int_equal(adex__net_gather_spikes(&g, out), np);
  for (size_t q = 0; q < np; q++) assert_int_equal(out[q], pat[q]);
  memset(sp, 1, sizeof sp);
  assert_int_equal(adex__net_gather_spikes(&g, out), 200);
  for (size_t q = 0; q < 200; q++) assert_int_equal(out[q], q);
}

/* A conductance that overflows into a folded channel: the neurons that
 * blow up are counted with their input as the culprit, as without
 * folding (the input the step saw includes the channels' terms), in
 * float64 and float32 (20 neurons: whole vectors and a part). */
static void test_folded_channel_nonfinite(void **state) {
  (void)state;
  for (int f32 = 0; f32 < 2; f32++) {
    unsigned long long count[2];
    size_t first[2];
    const char *var[2];
    double V[2][20];
    for (int fold = 0; fold < 2; fold++) {
      adex_net *net;
      assert_ok(adex_net_create(0.0, 0.1, NULL, &net));
      adex_pop *P =
          make_typed_pop(20, "P", -65.0, f32 ? ADEX_DTYPE_F32 : ADEX_DTYPE_F64);
      size_t p, src;
      assert_ok(adex_net_add_pop(net, P, &p));
      double t0 = 0.0;
      size_t i0 = 0;
      assert_ok(adex_net_add_spike_times(net, 1, &t0, &i0, 1, "S", &src));
      adex_proj_config pc;
      adex_proj_config_default(&pc, ADEX_SYN_EXP_COBA, src, p,
                               adex_conn_all2all(true));
      pc.g_max = 1e308; /* g (E - V): +inf */
      assert_ok(adex_net_add_proj(net, &pc, NULL));
      adex_proj_config_default(&pc, ADEX_SYN_EXP_CUBA, src, p,
                               adex_conn_all2all(true));
      assert_ok(adex_net_add_proj(net, &pc, NULL));
      assert_ok(adex_net_plan(net));
      adex__net_set_fold(net, fold == 1 ? ADEX__FOLD_ALL : ADEX__FOLD_NONE);
      for (int k = 0; k < 3; k++) (void)adex_net_step(net);
      if (fold == 1 && adex_kernel_best() != ADEX_KERNEL_SCALAR)
        assert_int_equal(adex__net_folded(net, p), 2);
      assert_ok(
          adex_pop_nonfinite(P, &count[fold], &first[fold], &var[fold], NULL));
      for (size_t i = 0; i < 20; i++)
        V[fold][i] = f32 ? (double)adex_pop_V_f32(P)[i] : adex_pop_V(P)[i];
      adex_net_destroy(net);
      adex_pop_destroy(P);
    }
    /* the spike of step 0 arrives in step 1; steps 1 and 2 overflow */
    assert_true(count[0] == 40);
    assert_string_equal(var[0], "input");
    assert_true(count[1] == count[0]);
    assert_int_equal(first[1], first[0]);
    assert_string_equal(var[1], var[0]);
    assert_memory_equal(V[1], V[0], sizeof V[0]);
  }
}

/* A float64 population of 1003 neurons (a partial last vector; tau_ref
 * 2 ms) driven by 200 Poisson neurons through exactly two Exp
 * projections, whose constants the kernels hoist (kernel_simd.c,
 * vchan2): ExpCUBA where cuba[k], else ExpCOBA (E -5 and -60 mV; a CUBA
 * one's unused E 20); with a drive when drive. V and w after 600 steps
 * into V, w; returns the spikes, and how many channels the step folded
 * in *folded. */
static long two_chan_net(adex_kernel kernel, adex__fold fold, const bool *cuba,
                         bool drive, double *V, double *w, size_t *folded) {
  adex_pop_config cfg;
  adex_pop_config_default(&cfg, 1003);
  cfg.tau_ref = 2.0;
  cfg.kernel = kernel;
  cfg.V_init = adex_init_uniform(-70.0, -50.0, 9);
  adex_pop *P;
  assert_ok(adex_pop_create(&cfg, &P));
  if (drive) {
    assert_ok(adex_pop_enable_drive(P));
    for (size_t i = 0; i < 1003; i++)
      adex_pop_drive(P)[i] = 5.0 + 0.01 * (double)(i % 11);
  }
  adex_net *net;
  assert_ok(adex_net_create(0.0, 0.1, NULL, &net));
  size_t p, src;
  assert_ok(adex_net_add_pop(net, P, &p));
  double f = 30.0;
  assert_ok(adex_net_add_poisson(net, 200, &f, 1, 21, NULL, &src));
  for (int k = 0; k < 2; k++) {
    adex_proj_config pc;
    adex_proj_config_default(&pc,
                             cuba[k] ? ADEX_SYN_EXP_CUBA : ADEX_SYN_EXP_COBA,
                             src, p, adex_conn_fixed_prob(0.1, true, 30 + k));
    pc.g_max = cuba[k] ? 1.5 : 0.2 - 0.1 * k;
    pc.tau = cuba[k] ? 4.0 : 7.0 + k;
    pc.E = cuba[k] ? 20.0 : -5.0 - 55.0 * k;
    pc.delay = 0.1 * (k + 1);
    assert_ok(adex_net_add_proj(net, &pc, NULL));
  }
  assert_ok(adex_net_plan(net));
  adex__net_set_fold(net, fold);
  long n = 0;
  for (int k = 0; k < 600; k++) {
    for (size_t i = 0; i < 1003; i++) adex_pop_input(P)[i] += 10.0;
    assert_ok(adex_net_step(net));
    for (size_t i = 0; i < 1003; i++) n += adex_pop_spike(P)[i];
  }
  *folded = adex__net_folded(net, p);
  memcpy(V, adex_pop_V(P), 1003 * sizeof *V);
  memcpy(w, adex_pop_w(P), 1003 * sizeof *w);
  adex_net_destroy(net);
  adex_pop_destroy(P);
  return n;
}

/* Two channels folded into the float64 kernels give the bits of the
 * projections' own loops, on each SIMD kernel: two COBA, COBA and CUBA
 * in either order, with and without a drive. */
static void test_two_channels_folded(void **state) {
  (void)state;
  static double V0[1003], w0[1003], V[1003], w[1003];
  const adex_kernel kernels[] = {ADEX_KERNEL_AVX2, ADEX_KERNEL_AVX512};
  const bool kinds[3][2] = {{false, false}, {false, true}, {true, false}};
  for (int c = 0; c < 6; c++) {
    const bool *cuba = kinds[c % 3];
    bool drive = c >= 3;
    size_t folded;
    long n0 = two_chan_net(ADEX_KERNEL_AUTO, ADEX__FOLD_NONE, cuba, drive, V0,
                           w0, &folded);
    assert_int_equal(folded, 0);
    assert_true(n0 > 1000);
    for (size_t q = 0; q < 2; q++) {
      if (!adex_kernel_available(kernels[q])) continue;
      long n =
          two_chan_net(kernels[q], ADEX__FOLD_ALL, cuba, drive, V, w, &folded);
      assert_int_equal(folded, 2);
      assert_int_equal(n, n0);
      assert_memory_equal(V, V0, sizeof V);
      assert_memory_equal(w, w0, sizeof w);
    }
  }
}

/* COBA-AdEx with float32 populations: each takes two ExpCOBA
 * projections, whose post side then runs on the float arrays directly
 * (adex__net_proj_post_f32), not folded into the float kernel (which
 * takes other sets: test_split_step_float32). The same bits with that
 * path off (the tiles' double copies) and on 2 threads; about float64's
 * rate. */
static void test_coba_float32(void **state) {
  (void)state;
  static coba_end first, end;
  coba_dtype = ADEX_DTYPE_F32;
  const adex__fold how[] = {ADEX__FOLD_ALL, ADEX__FOLD_NONE, ADEX__FOLD_ALL};
  for (int run = 0; run < 3; run++) {
    adex_pop *E, *I;
    coba_threads = run == 2 ? 2 : 1;
    adex_net *net = coba(&E, &I);
    coba_threads = 1;
    adex__net_set_fold(net, how[run]);
    coba_run(net, E, I, 5000, 2000, run == 0 ? &first : &end);
    for (size_t g = 0; g < 2; g++)
      assert_int_equal(adex__net_folded(net, g), 0);
    if (run == 0) {
      double rate = (double)first.spikes / (4000.0 * 0.3);
      print_message("COBA-AdEx float32: %.2f Hz over 0.2-0.5 s\n", rate);
      assert_true(rate > 10.0 && rate < 16.0);
    } else {
      assert_int_equal(end.spikes, first.spikes);
      assert_memory_equal(end.V, first.V, 4000 * sizeof(float));
      assert_memory_equal(end.w, first.w, 4000 * sizeof(float));
    }
    adex_net_destroy(net);
    adex_pop_destroy(E);
    adex_pop_destroy(I);
  }
  coba_dtype = ADEX_DTYPE_F64;
}

static void test_coba_adex(void **state) {
  (void)state;
  adex_pop *E, *I;
  adex_net *net = coba(&E, &I);
  size_t nsyn = 0;
  for (size_t p = 0; p < 4; p++) nsyn += adex_net_proj_nsyn(net, p);
  /* 0.02 x 4000 x 4000 synapses, 5 sigma */
  assert_close((double)nsyn, 320000.0, 0.0, 5 * sqrt(320000.0 * 0.98));
  assert_true((double)adex_net_bytes(net) <
              (double)nsyn * 4.5 + 4 * 4000 * 8 * 3);
  assert_ok(adex_net_run(net, 2000, NULL, NULL, NULL));
  long spikes = 0;
  for (int k = 0; k < 3000; k++) {
    assert_ok(adex_net_step(net));
    for (size_t g = 0; g < 2; g++) {
      const bool *sp = adex_net_pop_spike(net, g);
      for (size_t i = 0; i < adex_net_pop_num(net, g); i++) spikes += sp[i];
    }
  }
  double rate = (double)spikes / (4000.0 * 0.3);
  print_message("COBA-AdEx: %ld spikes in 0.2-0.5 s, %.2f Hz\n", spikes, rate);
  assert_true(rate > 10.0 && rate < 16.0);
  adex_net_destroy(net);
  adex_pop_destroy(E);
  adex_pop_destroy(I);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_exp_cuba_one_spike_and_delays),
      cmocka_unit_test(test_exp_cuba_against_hand),
      cmocka_unit_test(test_exp_coba_against_hand),
      cmocka_unit_test(test_delta_against_hand),
      cmocka_unit_test(test_per_pre_models_against_hand),
      cmocka_unit_test(test_dual_exp_peak_time),
      cmocka_unit_test(test_connectors_exact_counts),
      cmocka_unit_test(test_fixed_prob_statistics),
      cmocka_unit_test(test_grid_connectors),
      cmocka_unit_test(test_gaussian_prob_statistics),
      cmocka_unit_test(test_fixed_prob_keyed_by_target),
      cmocka_unit_test(test_fixed_prob_vector_gaps),
      cmocka_unit_test(test_ij_and_csr_keep_the_order_given),
      cmocka_unit_test(test_poisson_group_rate),
      cmocka_unit_test(test_spike_time_group),
      cmocka_unit_test(test_heterogeneous_delays),
      cmocka_unit_test(test_net_state_continuation),
      cmocka_unit_test(test_net_state_refuses_other_networks),
      cmocka_unit_test(test_run_io_equals_the_loop_by_hand),
      cmocka_unit_test(test_errors),
      cmocka_unit_test(test_many_nodes_keep_names),
      cmocka_unit_test(test_threads_same_bits),
      cmocka_unit_test(test_split_step_same_bits),
      cmocka_unit_test(test_split_step_float32),
      cmocka_unit_test(test_folded_channel_nonfinite),
      cmocka_unit_test(test_two_channels_folded),
      cmocka_unit_test(test_gather_spikes),
      cmocka_unit_test(test_coba_adex),
      cmocka_unit_test(test_coba_float32),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
