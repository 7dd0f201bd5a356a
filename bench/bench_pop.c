/* bench_pop.c - how fast adex_pop_update() runs: neuron-steps per second
 * and nanoseconds per neuron-step, per method, population size, number of
 * threads, dtype and kernel.
 *
 * The population of the performance targets: BrainPy's
 * parameters, V starting at -65 mV, w at 0, dt = 0.1 ms, and a
 * heterogeneous constant input spread linearly over the neurons (neuron i
 * of N gets 40*i/(N-1), so the upper part fires tonically and the lower
 * part stays below threshold). As in `adex run`, the input is written
 * before every step (the update zeroes it). The first steps are not timed
 * (planning, and most of the transient from V = -65 mV: 1000 steps, or
 * 2e8/N steps for large N, at least 200).
 *
 * Columns: `update` is the wall time of adex_pop_update() alone, the
 * library's cost; `loop` the wall time of the whole loop, the caller's
 * input copy included; `cpu` the process CPU time of the loop (all
 * threads), which does not count time other processes had the cores.
 * Each is the minimum over --repeat timed runs of at least --time seconds:
 * the machine is shared, and the minimum is the least disturbed run.
 *
 * Usage: bench_pop [--methods LIST] [--sizes LIST] [--threads LIST]
 *                  [--dtypes LIST] [--time S] [--repeat R] [--csv]
 *   LIST is comma-separated. A method is a name, optionally followed by
 *   ":adaptive" (with tol 1e-6) and a kernel (":scalar", ":avx2",
 *   ":avx512", ":best") and neuron options (":ref=5" for tau_ref 5 ms,
 *   ":soft", ":noise=0.5", ":precise"); "all" is every registered
 *   method. Defaults:
 *   exp_auto,exp_auto:scalar,euler,rk2,rk4,rkf45,rkf45:adaptive,
 *   rkf45:adaptive:scalar; 1000,10000,100000,1000000; 1,2; f64,f32 (f32
 *   only where the method supports it). Every kernel gives the same
 *   numbers; the scalar rows show what the SIMD kernels gain.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "adex/adex.h"

#define DT 0.1
#define MAX_ITEMS 64

typedef struct bench_opts {
  char *methods[MAX_ITEMS];
  size_t n_methods;
  size_t sizes[MAX_ITEMS];
  size_t n_sizes;
  int threads[MAX_ITEMS];
  size_t n_threads;
  adex_dtype dtypes[MAX_ITEMS];
  size_t n_dtypes;
  double min_time; /* s per timed run */
  int repeat;
  int csv;
} bench_opts;

static double clock_s(clockid_t id) {
  struct timespec ts;
  clock_gettime(id, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double now_s(void) { return clock_s(CLOCK_MONOTONIC); }

/* CPU time of the process, all threads: unlike the wall clock it does not
 * count the time other processes had the core. */
static double cpu_s(void) { return clock_s(CLOCK_PROCESS_CPUTIME_ID); }

/* Split a comma-separated list in place into at most MAX_ITEMS items. */
static size_t split(char *s, char *items[]) {
  size_t n = 0;
  for (char *tok = strtok(s, ","); tok != NULL && n < MAX_ITEMS;
       tok = strtok(NULL, ","))
    items[n++] = tok;
  return n;
}

/* A method spec "name[:option...]" into the config; options: adaptive
 * (tol 1e-6), a kernel name (auto, scalar, avx2, avx512), best (the
 * widest SIMD kernel this machine has, named: the adaptive mode then runs
 * its SIMD driver, which AUTO does not), and the neuron options ref=MS
 * (tau_ref), soft (the soft reset), noise=SIGMA, precise (precise spike
 * times). */
static int apply_method(char *spec, adex_pop_config *cfg, char *name,
                        size_t len) {
  snprintf(name, len, "%s", spec);
  cfg->kernel = ADEX_KERNEL_AUTO;
  char *opt = strchr(name, ':');
  if (opt != NULL) *opt++ = '\0';
  while (opt != NULL) {
    char *next = strchr(opt, ':');
    if (next != NULL) *next++ = '\0';
    if (strcmp(opt, "adaptive") == 0) {
      cfg->adaptive = true;
      cfg->tol = 1e-6;
    } else if (strcmp(opt, "best") == 0) {
      cfg->kernel = adex_kernel_best();
    } else if (strncmp(opt, "ref=", 4) == 0) {
      cfg->tau_ref = atof(opt + 4);
    } else if (strcmp(opt, "soft") == 0) {
      cfg->spk_reset = ADEX_SPK_RESET_SOFT;
    } else if (strncmp(opt, "noise=", 6) == 0) {
      cfg->noise = atof(opt + 6);
    } else if (strcmp(opt, "precise") == 0) {
      cfg->precise_spikes = true;
    } else if (adex_kernel_find(opt, &cfg->kernel) != ADEX_OK) {
      fprintf(stderr, "bench_pop: unknown method option '%s'\n", opt);
      return -1;
    }
    opt = next;
  }
  cfg->method = name;
  return 0;
}

/* Time one configuration; returns ns per neuron-step, or a negative value
 * if the configuration is not available (reason printed to stderr). */
static double run_one(const char *spec, size_t n, int threads, adex_dtype dtype,
                      const bench_opts *o, long *steps_out,
                      double *spikes_per_step, double *cpu_ns,
                      double *loop_ns) {
  adex_pop_config cfg;
  adex_pop_config_default(&cfg, n);
  char name[64], specbuf[64];
  snprintf(specbuf, sizeof specbuf, "%s", spec);
  if (apply_method(specbuf, &cfg, name, sizeof name) != 0) return -1;
  cfg.V_init = adex_init_constant(-65.0);
  cfg.w_init = adex_init_zero();
  cfg.threads = threads;
  cfg.dtype = dtype;
  adex_pop *pop = NULL;
  if (adex_pop_create(&cfg, &pop) != ADEX_OK) {
    fprintf(stderr, "bench_pop: %s n=%zu threads=%d %s: %s\n", spec, n, threads,
            adex_dtype_name(dtype), adex_errmsg());
    return -1;
  }
  double *I = malloc(n * sizeof *I);
  float *If = malloc(n * sizeof *If);
  if (I == NULL || If == NULL) {
    fprintf(stderr, "bench_pop: out of memory\n");
    exit(1);
  }
  for (size_t i = 0; i < n; i++) {
    I[i] = n > 1 ? 40.0 * (double)i / (double)(n - 1) : 40.0;
    If[i] = (float)I[i];
  }
  void *input = NULL;
  adex_var v;
  if (adex_pop_var_find(pop, "input", &v) == ADEX_OK) input = v.data;
  const void *src = dtype == ADEX_DTYPE_F32 ? (const void *)If : (void *)I;
  size_t bytes = n * adex_dtype_size(dtype);
  const bool *spike = adex_pop_spike(pop);

  long k = 0, warmup = (long)(2e8 / (double)n);
  warmup = warmup < 200 ? 200 : warmup > 1000 ? 1000 : warmup;
  for (; k < warmup; k++) {
    memcpy(input, src, bytes);
    adex_pop_update(pop, (double)k * DT, DT);
  }
  /* Steps per timed run: enough for min_time, estimated from a probe. */
  double t0 = now_s();
  long probe = 0;
  while (now_s() - t0 < 0.02 || probe < 2) {
    memcpy(input, src, bytes);
    adex_pop_update(pop, (double)(k++) * DT, DT);
    probe++;
  }
  double per_step = (now_s() - t0) / (double)probe;
  long steps = (long)(o->min_time / per_step) + 1;
  if (steps < 5) steps = 5;

  double best = 1e300, best_loop = 1e300, best_cpu = 1e300;
  for (int r = 0; r < o->repeat; r++) {
    double start = now_s(), cstart = cpu_s(), upd = 0.0;
    for (long s = 0; s < steps; s++) {
      memcpy(input, src, bytes);
      double u0 = now_s();
      adex_pop_update(pop, (double)(k++) * DT, DT);
      upd += now_s() - u0;
    }
    double el = now_s() - start, cel = cpu_s() - cstart;
    if (upd < best) best = upd;
    if (el < best_loop) best_loop = el;
    if (cel < best_cpu) best_cpu = cel;
  }
  double ns = 1e9 / ((double)steps * (double)n);
  *cpu_ns = best_cpu * ns;
  *loop_ns = best_loop * ns;
  size_t total = 0;
  for (size_t i = 0; i < n; i++) total += spike[i];
  *spikes_per_step = (double)total;
  *steps_out = steps;
  free(I);
  free(If);
  adex_pop_destroy(pop);
  return best * ns;
}

static void usage(void) {
  fprintf(stderr,
          "usage: bench_pop [--methods LIST] [--sizes LIST] [--threads LIST]"
          " [--dtypes f64,f32] [--time S] [--repeat R] [--csv]\n");
  exit(2);
}

int main(int argc, char **argv) {
  static char def_methods[] =
      "exp_auto,exp_auto:scalar,euler,rk2,rk4,rkf45,rkf45:adaptive,"
      "rkf45:adaptive:scalar";
  static char def_sizes[] = "1000,10000,100000,1000000";
  static char def_threads[] = "1,2";
  static char def_dtypes[] = "f64,f32";
  char *m_list = def_methods, *s_list = def_sizes, *t_list = def_threads,
       *d_list = def_dtypes;
  bench_opts o = {.min_time = 0.2, .repeat = 3};
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--csv") == 0) {
      o.csv = 1;
      continue;
    }
    if (i + 1 >= argc) usage();
    char *v = argv[++i];
    if (strcmp(a, "--methods") == 0)
      m_list = v;
    else if (strcmp(a, "--sizes") == 0)
      s_list = v;
    else if (strcmp(a, "--threads") == 0)
      t_list = v;
    else if (strcmp(a, "--dtypes") == 0)
      d_list = v;
    else if (strcmp(a, "--time") == 0)
      o.min_time = atof(v);
    else if (strcmp(a, "--repeat") == 0)
      o.repeat = atoi(v);
    else
      usage();
  }
  static char all_buf[2048];
  if (strcmp(m_list, "all") == 0) {
    size_t used = 0;
    for (size_t i = 0; i < adex_method_count(); i++)
      used +=
          (size_t)snprintf(all_buf + used, sizeof all_buf - used, "%s%s",
                           i ? "," : "", adex_method_name(adex_method_at(i)));
    m_list = all_buf;
  }
  o.n_methods = split(m_list, o.methods);
  char *items[MAX_ITEMS];
  o.n_sizes = split(s_list, items);
  for (size_t i = 0; i < o.n_sizes; i++)
    o.sizes[i] = (size_t)strtod(items[i], NULL);
  o.n_threads = split(t_list, items);
  for (size_t i = 0; i < o.n_threads; i++) o.threads[i] = atoi(items[i]);
  o.n_dtypes = split(d_list, items);
  for (size_t i = 0; i < o.n_dtypes; i++)
    o.dtypes[i] =
        strcmp(items[i], "f32") == 0 ? ADEX_DTYPE_F32 : ADEX_DTYPE_F64;
  if (o.repeat < 1 || !(o.min_time > 0)) usage();

  if (o.csv)
    printf("method,dtype,threads,size,steps,update_ns_per_neuron_step,"
           "mneuron_steps_per_s,loop_ns,cpu_ns,spikes_last_step\n");
  else
    printf("%-30s %-7s %7s %8s %7s %10s %10s %8s %8s %7s\n", "method", "dtype",
           "threads", "size", "steps", "update ns", "Mn-step/s", "loop ns",
           "cpu ns", "spiking");
  for (size_t m = 0; m < o.n_methods; m++)
    for (size_t d = 0; d < o.n_dtypes; d++)
      for (size_t s = 0; s < o.n_sizes; s++)
        for (size_t t = 0; t < o.n_threads; t++) {
          long steps = 0;
          double spk = 0, cpu = 0, loop = 0;
          double ns = run_one(o.methods[m], o.sizes[s], o.threads[t],
                              o.dtypes[d], &o, &steps, &spk, &cpu, &loop);
          if (ns < 0) continue;
          if (o.csv)
            printf("%s,%s,%d,%zu,%ld,%.4f,%.2f,%.4f,%.4f,%.0f\n", o.methods[m],
                   adex_dtype_name(o.dtypes[d]), o.threads[t], o.sizes[s],
                   steps, ns, 1e3 / ns, loop, cpu, spk);
          else
            printf("%-30s %-7s %7d %8zu %7ld %10.3f %10.1f %8.3f %8.3f %7.0f"
                   "\n",
                   o.methods[m], adex_dtype_name(o.dtypes[d]), o.threads[t],
                   o.sizes[s], steps, ns, 1e3 / ns, loop, cpu, spk);
          fflush(stdout);
        }
  return 0;
}
