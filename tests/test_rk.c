/* test_rk.c - the explicit Runge-Kutta methods (docs/semantics.md sections 4 and 5):
 * every BrainPy name is registered; each tableau satisfies the order
 * conditions of its registered order (and not the next); the empirical
 * convergence order on a smooth subthreshold trajectory; agreement with a
 * plain Butcher loop written here (joint stages, the min(V, V_th) guard,
 * threshold and reset) on spiking trajectories, for shared and per-neuron
 * parameters; and V, w finite for thousands of random parameter sets,
 * inputs up to 1e9 and starts in [-200, 100], for every method. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "adex_test.h"
#include "method_internal.h"

/* Every explicit RK method, with the order, stages and embedded flag it
 * must be registered with (orders of the row BrainPy propagates). */
static const struct {
  const char *name;
  int order, stages, embedded;
} rk_methods[] = {
    {"euler", 1, 1, 0},    {"midpoint", 2, 2, 0}, {"heun2", 2, 2, 0},
    {"ralston2", 2, 2, 0}, {"rk2", 2, 2, 0},      {"rk3", 3, 3, 0},
    {"heun3", 3, 3, 0},    {"ralston3", 3, 3, 0}, {"ssprk3", 3, 3, 0},
    {"rk4", 4, 4, 0},      {"ralston4", 4, 4, 0}, {"rk4_38rule", 4, 4, 0},
    {"rkf12", 2, 3, 1},    {"rkf45", 5, 6, 1},    {"rkdp", 5, 7, 1},
    {"ck", 5, 6, 1},       {"bs", 3, 4, 1},       {"heun_euler", 2, 2, 1},
};
#define N_RK (sizeof rk_methods / sizeof rk_methods[0])

static const adex_method *find(const char *name) {
  const adex_method *m = NULL;
  assert_ok(adex_method_find(name, &m));
  assert_non_null(m);
  return m;
}

/* ------------------------------------------------------------ registry */

/* All 18 names and exp_auto's aliases are found; the tables agree with
 * their tableaux; an unknown name's message lists every name. */
static void test_registry(void **state) {
  (void)state;
  assert_int_equal(adex_method_count(), N_RK + 1);
  for (size_t k = 0; k < N_RK; k++) {
    const adex_method *m = find(rk_methods[k].name);
    assert_string_equal(adex_method_name(m), rk_methods[k].name);
    assert_int_equal(adex_method_order(m), rk_methods[k].order);
    assert_int_equal(adex_method_stages(m), rk_methods[k].stages);
    assert_int_equal(adex_method_is_embedded(m), rk_methods[k].embedded);
    assert_null(adex_method_aliases(m)[0]);
    const adex__rk_tableau *tb = m->tableau;
    assert_non_null(tb);
    assert_int_equal(tb->stages, rk_methods[k].stages);
    assert_int_equal(tb->order, rk_methods[k].order);
    assert_true(tb->stages <= ADEX__RK_MAX_STAGES);
    assert_true((tb->order_hat > 0) == (rk_methods[k].embedded == 1));
    assert_ptr_equal(adex_method_at(k + 1), m); /* listed in BrainPy order */
  }
  static const char *const exp_names[] = {
      "exp_auto", "exp_euler", "exp_euler_auto", "exponential_euler"};
  for (size_t k = 0; k < 4; k++)
    assert_ptr_equal(find(exp_names[k]), &adex__method_exp_auto);
  assert_null(adex__method_exp_auto.tableau);

  const adex_method *m = NULL;
  assert_status(adex_method_find("rk5", &m), ADEX_EMETHOD);
  assert_null(m);
  const char *msg = adex_errmsg();
  assert_non_null(strstr(msg, "'rk5'"));
  for (size_t k = 0; k < N_RK; k++) {
    char item[32];
    snprintf(item, sizeof item, " %s,", rk_methods[k].name);
    if (k + 1 == N_RK) snprintf(item, sizeof item, " %s", rk_methods[k].name);
    assert_non_null(strstr(msg, item));
  }
  assert_non_null(strstr(msg, "exponential_euler"));
  /* A population can be made with each name. */
  for (size_t k = 0; k < N_RK; k++) {
    adex_pop_config cfg;
    adex_pop_config_default(&cfg, 1);
    cfg.method = rk_methods[k].name;
    adex_pop *pop = adex_test_pop(&cfg);
    assert_string_equal(adex_method_name(adex_pop_method(pop)),
                        rk_methods[k].name);
    adex_pop_destroy(pop);
  }
}

/* ------------------------------------------------------------ tableaux */

typedef double vec[ADEX__RK_MAX_STAGES];

/* out = A v over s stages. */
static void mat_vec(const adex__rk_tableau *tb, const double *v, double *out) {
  for (int i = 0; i < tb->stages; i++) {
    out[i] = 0.0;
    for (int j = 0; j < tb->stages; j++) out[i] += tb->a[i][j] * v[j];
  }
}

static double dot(const double *u, const double *v, int s) {
  double r = 0.0;
  for (int i = 0; i < s; i++) r += u[i] * v[i];
  return r;
}

static void mul(const double *u, const double *v, double *out, int s) {
  for (int i = 0; i < s; i++) out[i] = u[i] * v[i];
}

/* Largest defect of the order conditions of exactly order q (1..5) for the
 * weights w: the elementary weights of the rooted trees with q nodes
 * against 1/gamma (Butcher; Hairer-Norsett-Wanner II.2, Table 2.2). */
static double order_defect(const adex__rk_tableau *tb, const double *w, int q) {
  int s = tb->stages;
  vec one, c, c2, c3, c4, Ac, Ac2, AAc, cAc, c2Ac, cAc2, cAAc, AcAc, Ac3, AcAc_,
      AAc2, AAAc;
  for (int i = 0; i < s; i++) one[i] = 1.0;
  memcpy(c, tb->c, sizeof c);
  mul(c, c, c2, s);
  mul(c2, c, c3, s);
  mul(c3, c, c4, s);
  mat_vec(tb, c, Ac);
  mat_vec(tb, c2, Ac2);
  mat_vec(tb, Ac, AAc);
  mul(c, Ac, cAc, s);
  mul(c2, Ac, c2Ac, s);
  mul(c, Ac2, cAc2, s);
  mul(c, AAc, cAAc, s);
  mul(Ac, Ac, AcAc, s);
  mat_vec(tb, c3, Ac3);
  mat_vec(tb, cAc, AcAc_);
  mat_vec(tb, Ac2, AAc2);
  mat_vec(tb, AAc, AAAc);
  struct {
    const double *v;
    double g;
  } t[17] = {
      {one, 1.0},                                            /* q = 1 */
      {c, 2.0},                                              /* q = 2 */
      {c2, 3.0},   {Ac, 6.0},                                /* q = 3 */
      {c3, 4.0},   {cAc, 8.0},    {Ac2, 12.0},  {AAc, 24.0}, /* q = 4 */
      {c4, 5.0},   {c2Ac, 10.0},  {cAc2, 15.0}, {cAAc, 30.0},  {AcAc, 20.0},
      {Ac3, 20.0}, {AcAc_, 40.0}, {AAc2, 60.0}, {AAAc, 120.0}, /* q = 5 */
  };
  static const int first[6] = {0, 0, 1, 2, 4, 8}, count[6] = {0, 1, 1, 2, 4, 9};
  double worst = 0.0;
  for (int k = first[q]; k < first[q] + count[q]; k++)
    worst = fmax(worst, fabs(dot(w, t[k].v, s) - 1.0 / t[k].g));
  return worst;
}

/* The registered orders are what the rows achieve: every condition up to
 * the order holds to rounding, and (up to 5, the trees listed) some
 * condition of the next order fails. c_i is the row sum of A; A is
 * strictly lower triangular; unused entries are zero; nprop is right. */
static void test_tableaux(void **state) {
  (void)state;
  for (size_t k = 0; k < N_RK; k++) {
    const adex__rk_tableau *tb = find(rk_methods[k].name)->tableau;
    int s = tb->stages;
    for (int i = 0; i < ADEX__RK_MAX_STAGES; i++) {
      double row = 0.0;
      for (int j = 0; j < ADEX__RK_MAX_STAGES; j++) {
        if (j >= i || i >= s) assert_true(tb->a[i][j] == 0.0);
        row += tb->a[i][j];
      }
      assert_close(tb->c[i], row, 0, 1e-15);
      if (i >= s) assert_true(tb->b[i] == 0.0 && tb->bh[i] == 0.0);
    }
    int last = 0;
    for (int i = 0; i < s; i++)
      if (tb->b[i] != 0.0) last = i;
    assert_int_equal(tb->nprop, last + 1);
    for (int i = 0; tb->order_hat == 0 && i < s; i++)
      assert_true(tb->bh[i] == 0.0);
    const double *rows[2] = {tb->b, tb->bh};
    const int orders[2] = {tb->order, tb->order_hat};
    for (int r = 0; r < 2; r++) {
      for (int q = 1; q <= orders[r]; q++)
        assert_true(order_defect(tb, rows[r], q) < 1e-14);
      if (orders[r] > 0 && orders[r] < 5)
        assert_true(order_defect(tb, rows[r], orders[r] + 1) > 1e-6);
    }
  }
}

/* ------------------------------------------------------------ reference */

/* The model's right-hand side with the guard V -> min(V, V_th), written out
 * as docs/numerics.md states it. */
static void guarded_rhs(const adex_params *p, double V, double w, double I,
                        double *dV, double *dw) {
  double Vg = fmin(V, p->V_th);
  double ex =
      p->delta_T == 0.0 ? 0.0 : p->delta_T * exp((Vg - p->V_T) / p->delta_T);
  *dV = (-(Vg - p->V_rest) + ex - p->R * w + p->R * I) / p->tau;
  *dw = (p->a * (Vg - p->V_rest) - w) / p->tau_w;
}

/* One step of a tableau on one neuron, as a textbook loop over all stages
 * of the tableau, then threshold and reset. Returns whether it spiked.
 * From V below V_th, a stage whose slope reaches V_th by the end of the
 * step (V_i + (1 - c_i) h kV_i >= V_th) has crossed: the later stages take
 * V_th and the step spikes (docs/numerics.md). */
static bool butcher_step(const adex__rk_tableau *tb, const adex_params *p,
                         double I, double h, double *V, double *w) {
  double kV[ADEX__RK_MAX_STAGES], kw[ADEX__RK_MAX_STAGES];
  bool below = *V < p->V_th, crossed = false;
  for (int i = 0; i < tb->stages; i++) {
    double Vi = 0.0, wi = 0.0;
    for (int j = 0; j < i; j++) {
      Vi += tb->a[i][j] * kV[j];
      wi += tb->a[i][j] * kw[j];
    }
    Vi = *V + h * Vi;
    guarded_rhs(p, crossed ? p->V_th : Vi, *w + h * wi, I, &kV[i], &kw[i]);
    if (below && Vi + (1.0 - tb->c[i]) * h * kV[i] >= p->V_th) crossed = true;
  }
  double dV = 0.0, dw = 0.0;
  for (int i = 0; i < tb->stages; i++) {
    dV += tb->b[i] * kV[i];
    dw += tb->b[i] * kw[i];
  }
  double V_new = *V + h * dV, w_new = *w + h * dw;
  bool spike = crossed || V_new >= p->V_th;
  *V = spike ? p->V_reset : V_new;
  *w = spike ? w_new + p->b : w_new;
  return spike;
}

/* The default model's right-hand side in extended precision, unguarded
 * (the reference trajectory stays far below V_th). */
static void rhs_ld(long double V, long double w, long double I, long double *dV,
                   long double *dw) {
  *dV = (-(V + 65.0L) + 3.48L * expl((V + 59.9L) / 3.48L) - w + I) / 10.0L;
  *dw = ((V + 65.0L) - w) / 30.0L;
}

/* Classic RK4 in long double from V0 = -65, w0 = 0 under input I to T:
 * the high-resolution solution, with rounding below that of the runs it
 * judges (where long double is wider than double). */
static void rk4_solution(double I, double T, double h, double *V, double *w) {
  long double v = -65.0L, x = 0.0L, H = h;
  long steps = lround(T / h);
  for (long k = 0; k < steps; k++) {
    long double a1, b1, a2, b2, a3, b3, a4, b4;
    rhs_ld(v, x, I, &a1, &b1);
    rhs_ld(v + H / 2 * a1, x + H / 2 * b1, I, &a2, &b2);
    rhs_ld(v + H / 2 * a2, x + H / 2 * b2, I, &a3, &b3);
    rhs_ld(v + H * a3, x + H * b3, I, &a4, &b4);
    v += H / 6 * (a1 + 2 * a2 + 2 * a3 + a4);
    x += H / 6 * (b1 + 2 * b2 + 2 * b3 + b4);
  }
  *V = (double)v;
  *w = (double)x;
}

static bool verbose(void) { return getenv("ADEX_TEST_VERBOSE") != NULL; }

/* ------------------------------------------------------------ convergence */

/* Empirical order on the subthreshold trajectory from V0 = -65, w0 = 0
 * under I = 4 (defaults) to T: each halving of dt divides the error
 * |dV| + |dw| by 2^p, p within 0.2 of the registered order. The first dt
 * grows with the order so that the errors stay well above rounding. T is
 * 40 ms, except 20 ms for the 5th-order methods: by 40 ms the trajectory
 * has settled near its fixed point and what is left of the 5th-order
 * error (cash-karp: 3e-13 at dt = 0.3125) is too close to rounding for
 * the asymptotic regime to show before it. */
static void test_convergence(void **state) {
  (void)state;
  const double I = 4.0;
  enum { LEVELS = 4 };
  static const double dt0[6] = {0, 0.4, 0.4, 0.8, 1.6, 2.5};
  static const double Tend[6] = {0, 40.0, 40.0, 40.0, 40.0, 20.0};
  double V_ref[6], w_ref[6];
  for (int q = 1; q <= 5; q++) {
    double V_chk, w_chk;
    rk4_solution(I, Tend[q], 2e-3, &V_ref[q], &w_ref[q]);
    rk4_solution(I, Tend[q], 4e-3, &V_chk, &w_chk);
    /* converged (1e-13 with x87 long double; 1e-12 where long double is
     * only double, e.g. under valgrind) */
    assert_close(V_chk, V_ref[q], 0, 1e-12);
    assert_close(w_chk, w_ref[q], 0, 1e-12);
    assert_true(V_ref[q] < -55.0); /* and stays subthreshold */
  }
  for (size_t k = 0; k < N_RK; k++) {
    int order = rk_methods[k].order;
    double err[LEVELS], T = Tend[order];
    for (int j = 0; j < LEVELS; j++) {
      double dt = dt0[order] / (1 << j);
      adex_pop_config cfg;
      adex_pop_config_default(&cfg, 1);
      cfg.V_init = adex_init_constant(-65.0);
      cfg.method = rk_methods[k].name;
      adex_pop *pop = adex_test_pop(&cfg);
      long steps = lround(T / dt);
      assert_close((double)steps * dt, T, 0, 1e-12);
      for (long n = 0; n < steps; n++) {
        adex_pop_input(pop)[0] = I;
        assert_ok(adex_pop_update(pop, (double)n * dt, dt));
        assert_false(adex_pop_spike(pop)[0]);
      }
      err[j] = fabs(adex_pop_V(pop)[0] - V_ref[order]) +
               fabs(adex_pop_w(pop)[0] - w_ref[order]);
      assert_true(err[j] > 1e-12); /* well above rounding */
      adex_pop_destroy(pop);
    }
    double p[LEVELS - 1];
    for (int j = 0; j + 1 < LEVELS; j++) {
      p[j] = log2(err[j] / err[j + 1]);
      assert_close(p[j], (double)order, 0, 0.2);
    }
    if (verbose())
      printf("%-11s order %d  measured %.3f %.3f %.3f  errors %.2e .. %.2e "
             "(dt %g .. %g, T %g)\n",
             rk_methods[k].name, order, p[0], p[1], p[2], err[0],
             err[LEVELS - 1], dt0[order], dt0[order] / (1 << (LEVELS - 1)), T);
  }
}

/* ------------------------------------------------------------ agreement */

/* Run a population and the Butcher loop side by side for `steps` steps of
 * dt with per-neuron inputs I[i] and parameters P[i]; every step, from the
 * population's state, V and w agree to 1e-12 relative and the spikes are
 * the same. (The loop starts each step from the population's state: the
 * library's exp and quotients round differently from libm's exp and
 * division by an ulp now and then, and over thousands of steps through
 * spikes such differences grow like any change of rounding.) Returns the
 * number of spikes seen. The SIMD kernels are held to the scalar one bit
 * for bit in test_perf_exactness.c. */
static long compare_run(adex_pop *pop, const adex__rk_tableau *tb,
                        const adex_params *P, const double *I, size_t n,
                        int steps, double dt) {
  double *V = malloc(n * sizeof *V), *w = malloc(n * sizeof *w);
  assert_non_null(V);
  assert_non_null(w);
  long spikes = 0;
  for (int k = 0; k < steps; k++) {
    memcpy(V, adex_pop_V(pop), n * sizeof *V);
    memcpy(w, adex_pop_w(pop), n * sizeof *w);
    memcpy(adex_pop_input(pop), I, n * sizeof *I);
    assert_ok(adex_pop_update(pop, k * dt, dt));
    for (size_t i = 0; i < n; i++) {
      bool spk = butcher_step(tb, &P[i], I[i], dt, &V[i], &w[i]);
      assert_int_equal(adex_pop_spike(pop)[i], spk);
      assert_close(adex_pop_V(pop)[i], V[i], 1e-12, 1e-12);
      assert_close(adex_pop_w(pop)[i], w[i], 1e-12, 1e-12);
      spikes += spk;
    }
  }
  free(V);
  free(w);
  return spikes;
}

/* Shared default parameters: neurons from different starts (one above
 * V_th) under different inputs, spiking and resetting. */
static void test_matches_butcher_loop_default(void **state) {
  (void)state;
  enum { n = 6 };
  static const double V0[n] = {-65.0, -70.0, -50.0, -31.0, 10.0, -65.0};
  static const double I[n] = {4.0, 20.0, 35.0, 60.0, 150.0, 500.0};
  adex_params P[n];
  for (int i = 0; i < n; i++) adex_params_default(&P[i]);
  for (size_t k = 0; k < N_RK; k++) {
    adex_pop_config cfg;
    adex_pop_config_default(&cfg, n);
    cfg.V_init = adex_init_array(V0, n);
    cfg.w_init = adex_init_constant(0.5);
    cfg.method = rk_methods[k].name;
    cfg.kernel = ADEX_KERNEL_SCALAR;
    adex_pop *pop = adex_test_pop(&cfg);
    long spikes =
        compare_run(pop, find(rk_methods[k].name)->tableau, P, I, n, 1500, 0.1);
    assert_true(spikes > 100);
    adex_pop_destroy(pop);
  }
}

/* Per-neuron parameters, including delta_T = 0 and negative a. */
static void test_matches_butcher_loop_hetero(void **state) {
  (void)state;
  enum { n = 8 };
  double tau[n], tau_w[n], a[n], b[n], delta_T[n], VT[n], Vth[n], R[n], V0[n],
      I[n];
  for (int i = 0; i < n; i++) {
    tau[i] = 5.0 + 2.5 * i;
    tau_w[i] = 20.0 + 15.0 * i;
    a[i] = -0.6 + 0.4 * i;
    b[i] = 0.5 + i;
    delta_T[i] = i == 3 ? 0.0 : 0.5 + 0.5 * i;
    VT[i] = -60.0 + 0.8 * i;
    Vth[i] = -40.0 + 6.0 * i;
    R[i] = 0.5 + 0.25 * i;
    V0[i] = -70.0 + 3.0 * i;
    I[i] = (10.0 + 12.0 * i) / R[i];
  }
  adex_init inits[8] = {adex_init_array(tau, n),     adex_init_array(tau_w, n),
                        adex_init_array(a, n),       adex_init_array(b, n),
                        adex_init_array(delta_T, n), adex_init_array(VT, n),
                        adex_init_array(Vth, n),     adex_init_array(R, n)};
  static const adex_param_id ids[8] = {ADEX_P_TAU,  ADEX_P_TAU_W,   ADEX_P_A,
                                       ADEX_P_B,    ADEX_P_DELTA_T, ADEX_P_V_T,
                                       ADEX_P_V_TH, ADEX_P_R};
  adex_params P[n];
  for (int i = 0; i < n; i++) {
    adex_params_default(&P[i]);
    P[i].tau = tau[i];
    P[i].tau_w = tau_w[i];
    P[i].a = a[i];
    P[i].b = b[i];
    P[i].delta_T = delta_T[i];
    P[i].V_T = VT[i];
    P[i].V_th = Vth[i];
    P[i].R = R[i];
    assert_ok(adex_params_check(&P[i]));
  }
  for (size_t k = 0; k < N_RK; k++) {
    adex_pop_config cfg;
    adex_pop_config_default(&cfg, n);
    for (int j = 0; j < 8; j++) cfg.param_init[ids[j]] = &inits[j];
    cfg.V_init = adex_init_array(V0, n);
    cfg.method = rk_methods[k].name;
    cfg.kernel = ADEX_KERNEL_SCALAR;
    adex_pop *pop = adex_test_pop(&cfg);
    long spikes =
        compare_run(pop, find(rk_methods[k].name)->tableau, P, I, n, 2000, 0.1);
    assert_true(spikes > 100);
    adex_pop_destroy(pop);
  }
}

/* ------------------------------------------------------------ the guard */

/* Euler above V_th: both equations see V_th, not V (V0 = 100 > V_th = -30;
 * without the guard exp((100 + 59.9)/3.48) and a*(100 - V_rest) would
 * enter). The result spikes, and w moved by a*(V_th - V_rest). */
static void test_guard_in_both_equations(void **state) {
  (void)state;
  adex_pop_config cfg;
  adex_pop_config_default(&cfg, 2);
  cfg.method = "euler";
  cfg.V_init = adex_init_constant(100.0);
  cfg.w_init = adex_init_constant(2.0);
  adex_pop *pop = adex_test_pop(&cfg);
  adex_pop_input(pop)[1] = -1e9; /* V_new = 100 + dt*(...) far below */
  const double dt = 0.1;
  assert_ok(adex_pop_update(pop, 0.0, dt));
  double dw = (1.0 * (-30.0 + 65.0) - 2.0) / 30.0;
  assert_true(adex_pop_spike(pop)[0]);
  assert_close(adex_pop_w(pop)[0], 2.0 + dt * dw + 1.0, 1e-15, 0);
  double dV =
      (-(-30.0 + 65.0) + 3.48 * exp((-30.0 + 59.9) / 3.48) - 2.0 - 1e9) / 10.0;
  assert_false(adex_pop_spike(pop)[1]);
  assert_close(adex_pop_V(pop)[1], 100.0 + dt * dV, 1e-15, 0);
  assert_close(adex_pop_w(pop)[1], 2.0 + dt * dw, 1e-15, 0);
  adex_pop_destroy(pop);
}

/* Just below V_th with a steep exponential: BrainPy's unguarded RK4 would
 * evaluate exp of a huge argument (inf, then NaN); here every method spikes
 * with finite values. */
static void test_guard_near_threshold(void **state) {
  (void)state;
  for (size_t k = 0; k < N_RK; k++) {
    adex_pop_config cfg;
    adex_pop_config_default(&cfg, 1);
    cfg.method = rk_methods[k].name;
    cfg.params.delta_T = 0.06; /* (V_th - V_T)/delta_T = 498 */
    cfg.V_init = adex_init_constant(-30.5);
    adex_pop *pop = adex_test_pop(&cfg);
    assert_ok(adex_pop_update(pop, 0.0, 0.1));
    assert_true(adex_pop_spike(pop)[0]);
    assert_true(adex_pop_V(pop)[0] == -68.0);
    assert_true(isfinite(adex_pop_w(pop)[0]));
    adex_pop_destroy(pop);
  }
}

/* ------------------------------------------------------------ property */

/* splitmix64, for reproducible random draws. */
static uint64_t rng_state = 0x5eed5eed2024ULL;
static double uniform01(void) {
  uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  return (double)(z >> 11) * 0x1.0p-53;
}
static double uniform(double lo, double hi) {
  return lo + (hi - lo) * uniform01();
}
/* Magnitude log-uniform in [1e-3, 1e9], random sign. */
static double drive(void) {
  double mag = pow(10.0, uniform(-3.0, 9.0));
  return uniform01() < 0.5 ? -mag : mag;
}

/* One random parameter set in plausible ranges, accepted by the check. */
static void random_params(adex_params *p) {
  do {
    p->V_rest = uniform(-80.0, -50.0);
    p->V_th = uniform(-50.0, 20.0);
    p->V_reset = uniform(-90.0, p->V_th);
    p->V_T = uniform(-65.0, -35.0);
    double u = uniform01();
    p->delta_T = u < 0.1    ? 0.0
                 : u < 0.25 ? pow(10.0, uniform(-6.0, -1.0)) /* tiny */
                            : uniform(0.2, 10.0);
    /* A tiny delta_T needs V_T close to (or above) V_th for the check:
     * draw those so that some pass, up to the limit of 500 slopes. */
    if (p->delta_T > 0.0 && p->delta_T < 0.1)
      p->V_T = p->V_th - uniform(-5.0, 505.0 * p->delta_T);
    p->a = uniform(-5.0, 5.0);
    p->b = uniform01() < 0.2 ? uniform(100.0, 1e4) : uniform(0.0, 20.0);
    p->tau = pow(10.0, uniform(0.0, 2.0));   /* 1 .. 100 ms */
    p->tau_w = pow(10.0, uniform(0.7, 3.0)); /* 5 .. 1000 ms */
    p->R = pow(10.0, uniform(-1.0, 0.5));    /* 0.1 .. 3.2 */
  } while (adex_params_check(p) != ADEX_OK);
}

/* Thousands of random valid parameter sets (one per neuron), random starts
 * in [-200, 100] mV, and random inputs up to 1e9 in magnitude every step,
 * with dt = 0.01, 0.1 and 0.25 ms in turn: with every method V and w stay
 * finite and below V_th after each step. The ranges are plausible ones
 * (tau >= 1 ms, tau_w >= 5 ms): a fixed explicit step far beyond a
 * method's stability limit (dt >> tau_w) diverges whatever the guard. */
static void test_property_finite(void **state) {
  (void)state;
  enum { n = 2000, steps = 300 };
  static double vals[ADEX_NPARAMS][n];
  static double V0[n], w0[n], Vth[n];
  adex_params p;
  long n_iaf = 0, n_tiny = 0, n_neg_a = 0;
  for (int i = 0; i < n; i++) {
    random_params(&p);
    for (int id = 0; id < ADEX_NPARAMS; id++)
      vals[id][i] = adex_params_get(&p, (adex_param_id)id);
    Vth[i] = p.V_th;
    V0[i] = uniform(-200.0, 100.0);
    w0[i] = uniform(-50.0, 50.0);
    n_iaf += p.delta_T == 0.0;
    n_tiny += p.delta_T > 0.0 && p.delta_T < 0.1;
    n_neg_a += p.a < 0.0;
  }
  if (verbose())
    printf("property: %d sets, %ld IF, %ld tiny delta_T, %ld a < 0\n", n, n_iaf,
           n_tiny, n_neg_a);
  assert_true(n_iaf > 100 && n_tiny > 100 && n_neg_a > 500);
  adex_init inits[ADEX_NPARAMS];
  static const double dts[3] = {0.01, 0.1, 0.25};
  for (size_t k = 0; k < adex_method_count(); k++) {
    adex_pop_config cfg;
    adex_pop_config_default(&cfg, n);
    for (int id = 0; id < ADEX_NPARAMS; id++) {
      inits[id] = adex_init_array(vals[id], n);
      cfg.param_init[id] = &inits[id];
    }
    cfg.V_init = adex_init_array(V0, n);
    cfg.w_init = adex_init_array(w0, n);
    cfg.method = adex_method_name(adex_method_at(k));
    adex_pop *pop = adex_test_pop(&cfg);
    double *V = adex_pop_V(pop), *w = adex_pop_w(pop), t = 0.0;
    for (int s = 0; s < steps; s++) {
      double dt = dts[3 * s / steps]; /* a third of the steps each */
      double *in = adex_pop_input(pop);
      for (int i = 0; i < n; i++) in[i] = drive();
      assert_ok(adex_pop_update(pop, t, dt));
      t += dt;
      for (int i = 0; i < n; i++) {
        if (!(isfinite(V[i]) && isfinite(w[i]) && V[i] < Vth[i])) {
          print_error("%s, neuron %d, step %d: V = %g, w = %g\n", cfg.method, i,
                      s, V[i], w[i]);
          fail();
        }
      }
    }
    adex_pop_destroy(pop);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_registry),
      cmocka_unit_test(test_tableaux),
      cmocka_unit_test(test_convergence),
      cmocka_unit_test(test_matches_butcher_loop_default),
      cmocka_unit_test(test_matches_butcher_loop_hetero),
      cmocka_unit_test(test_guard_in_both_equations),
      cmocka_unit_test(test_guard_near_threshold),
      cmocka_unit_test(test_property_finite),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
