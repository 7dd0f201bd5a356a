/* spike_accuracy.c - spike-time error against run time, for every method
 * at several dt (fixed steps, with and without precise spike times) and
 * every embedded pair at several tolerances (adaptive, precise): the
 * trade-off docs/numerics.md plots.
 *
 * Population: N neurons of NEST's high-precision reference case (docs/semantics.md
 * section 8, C = 200 pF, gL = 11 nS, ...), input spread linearly over
 * 350..700 pA, 200 ms. Reference: rkdp, adaptive, tol 1e-12, precise (itself
 * checked against an independent RK4 solution in tests/test_options.c).
 * Error: mean and max |t - t_ref| over spikes matched by rank per neuron;
 * neurons whose spike count differs from the reference are counted apart.
 *
 * Output: CSV on stdout (method,mode,dt,tol,wall_s,mean_err_ms,
 * max_err_ms,count_mismatch). Usage: spike_accuracy [N] */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "adex/adex.h"

#define T_END 200.0
#define MAX_SPK 64

typedef struct train {
  int n;
  double t[MAX_SPK];
} train;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Run one configuration; fill trains[N]; return wall seconds (-1 on a
 * refused configuration, e.g. an unstable dt). */
static double run(size_t N, const char *method, int adaptive, int precise,
                  double dt, double tol, train *trains) {
  adex_pop_config cfg;
  adex_pop_config_default(&cfg, N);
  cfg.params = (adex_params){.V_rest = -70,
                             .V_reset = -58,
                             .V_th = 0,
                             .V_T = -50,
                             .delta_T = 2,
                             .a = 3,
                             .b = 0,
                             .tau = 200.0 / 11,
                             .tau_w = 300,
                             .R = 1.0 / 11};
  cfg.V_init = adex_init_constant(-70.0);
  cfg.w_init = adex_init_constant(5.0);
  cfg.method = method;
  cfg.adaptive = adaptive;
  cfg.precise_spikes = precise;
  cfg.tol = tol;
  adex_pop *pop;
  if (adex_pop_create(&cfg, &pop) != ADEX_OK) return -1;
  memset(trains, 0, N * sizeof *trains);
  long steps = lround(T_END / dt);
  double t0 = now();
  for (long k = 0; k < steps; k++) {
    double *in = adex_pop_input(pop);
    for (size_t i = 0; i < N; i++)
      in[i] = 350.0 + 350.0 * (double)i / (double)(N - 1);
    if (adex_pop_update(pop, (double)k * dt, dt) != ADEX_OK) {
      adex_pop_destroy(pop);
      return -1;
    }
    const adex_spike_event *ev;
    size_t ne;
    adex_pop_spike_events(pop, &ev, &ne);
    for (size_t j = 0; j < ne; j++) {
      train *tr = &trains[ev[j].neuron];
      if (tr->n < MAX_SPK) tr->t[tr->n++] = ev[j].t;
    }
  }
  double wall = now() - t0;
  adex_pop_destroy(pop);
  return wall;
}

/* Compare with the reference and print one CSV row. */
static void report(size_t N, const char *method, const char *mode, double dt,
                   double tol, double wall, const train *got,
                   const train *ref) {
  double sum = 0, max = 0;
  long matched = 0, mismatch = 0;
  for (size_t i = 0; i < N; i++) {
    if (got[i].n != ref[i].n) mismatch++;
    int n = got[i].n < ref[i].n ? got[i].n : ref[i].n;
    for (int j = 0; j < n; j++) {
      double e = fabs(got[i].t[j] - ref[i].t[j]);
      sum += e;
      max = e > max ? e : max;
      matched++;
    }
  }
  printf("%s,%s,%g,%g,%.6f,%.3e,%.3e,%ld\n", method, mode, dt, tol, wall,
         matched ? sum / (double)matched : NAN, max, mismatch);
  fflush(stdout);
}

int main(int argc, char **argv) {
  size_t N = argc > 1 ? (size_t)atol(argv[1]) : 200;
  if (N < 2) N = 2;
  train *ref = calloc(N, sizeof *ref), *got = calloc(N, sizeof *got);
  if (ref == NULL || got == NULL) return 1;
  if (run(N, "rkdp", 1, 1, 0.1, 1e-12, ref) < 0) return 1;
  printf("method,mode,dt,tol,wall_s,mean_err_ms,max_err_ms,count_mismatch\n");
  static const double dts[] = {0.1, 0.05, 0.02, 0.01, 0.005};
  for (size_t m = 0; m < adex_method_count(); m++) {
    const char *name = adex_method_name(adex_method_at(m));
    for (size_t d = 0; d < sizeof dts / sizeof dts[0]; d++) {
      for (int precise = 0; precise <= 1; precise++) {
        double wall = run(N, name, 0, precise, dts[d], 1e-6, got);
        if (wall >= 0)
          report(N, name, precise ? "fixed+precise" : "fixed", dts[d], 0, wall,
                 got, ref);
      }
    }
    if (adex_method_is_embedded(adex_method_at(m))) {
      for (double tol = 1e-3; tol >= 1e-10; tol /= 10) {
        double wall = run(N, name, 1, 1, 0.1, tol, got);
        if (wall >= 0)
          report(N, name, "adaptive+precise", 0.1, tol, wall, got, ref);
      }
    }
  }
  free(ref);
  free(got);
  return 0;
}
