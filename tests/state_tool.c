/* state_tool.c - a small program for the state-file interop tests
 * (tests/state/): it builds a population with delays, and saves, loads or
 * shows its state, printing JSON that the Python tests compare with what
 * h5py and numpy read and write.
 *
 *   state_tool save FILE [options] [--var KEY]...   run, then save
 *   state_tool load FILE [options]                  load into a fresh pop
 *   state_tool show [options]                       the state after the run
 *
 * options: --name NAME (AdExIF0)  --num N (5)  --steps K (100; load: 0)
 *          --shape AxB (keep_size with that shape)  --no-delays
 *          --verbose
 *
 * Output (stdout), one JSON object:
 *   {"status": "ADEX_OK", "message": "...", "log": "...",
 *    "missing": N, "keys": {KEY: {"dtype": "float64"|"bool",
 *    "shape": [...], "values": ["%a" hex floats or 0/1]}}}
 * Values are C99 hex floats so that Python compares bits
 * (float.fromhex). Exit code 0 when the call returned ADEX_OK, 1 when it
 * failed, 2 for bad usage.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adex/adex.h"

typedef struct opts {
  const char *name;
  size_t num;
  long steps;
  size_t ndim, shape[2];
  int delays;
  int verbose;
  const char *vars[32];
  size_t nvars;
} opts;

static int usage(void) {
  fprintf(stderr, "usage: state_tool save|load FILE [options] | show "
                  "[options]\n");
  return 2;
}

/* A population with non-trivial state: uniform V, a ramp of inputs, a
 * bool-target delay with per-neuron steps and a V delay. */
static adex_pop *make_pop(const opts *o) {
  adex_pop_config cfg;
  adex_pop_config_default(&cfg, o->num);
  cfg.name = o->name;
  cfg.V_init = adex_init_uniform(-70.0, -50.0, 7);
  cfg.w_init = adex_init_constant(0.5);
  if (o->ndim == 2) {
    cfg.ndim = 2;
    cfg.shape[0] = o->shape[0];
    cfg.shape[1] = o->shape[1];
    cfg.keep_size = true;
  }
  adex_pop *pop = NULL;
  if (adex_pop_create(&cfg, &pop) != ADEX_OK) {
    fprintf(stderr, "state_tool: %s\n", adex_errmsg());
    exit(2);
  }
  if (o->delays) {
    size_t n = adex_pop_num(pop);
    size_t *steps = malloc(n * sizeof *steps);
    for (size_t i = 0; i < n; i++) steps[i] = i % 4;
    if (adex_pop_register_delay(pop, "spk", 3, steps, "spike", NULL) !=
            ADEX_OK ||
        adex_pop_register_delay(pop, "V_hist", 2, NULL, "V", NULL) != ADEX_OK) {
      fprintf(stderr, "state_tool: %s\n", adex_errmsg());
      exit(2);
    }
    free(steps);
  }
  return pop;
}

/* Run o->steps steps of 0.1 ms with input 60 + 8 i on neuron i (all
 * spike within the default 100 steps). */
static void run(adex_pop *pop, const opts *o) {
  size_t n = adex_pop_num(pop);
  for (long k = 0; k < o->steps; k++) {
    double *in = adex_pop_input(pop);
    for (size_t i = 0; i < n; i++) in[i] = 60.0 + 8.0 * (double)i;
    adex_pop_update(pop, 0.1 * (double)k, 0.1);
    if (o->delays) {
      adex_pop_update_delay(pop, "spk", NULL);
      adex_pop_update_delay(pop, "V_hist", NULL);
    }
  }
}

/* Print a JSON string (keys and messages are plain ASCII here). */
static void json_str(const char *s) {
  putchar('"');
  for (; *s; s++) {
    if (*s == '"' || *s == '\\')
      printf("\\%c", *s);
    else if (*s == '\n')
      printf("\\n");
    else if ((unsigned char)*s < 0x20)
      printf("\\u%04x", *s);
    else
      putchar(*s);
  }
  putchar('"');
}

static void print_array(const char *key, const char *dtype, size_t ndim,
                        const size_t *shape, const double *d, const bool *b,
                        size_t count, int first) {
  printf("%s", first ? "" : ",");
  json_str(key);
  printf(": {\"dtype\": \"%s\", \"shape\": [", dtype);
  for (size_t k = 0; k < ndim; k++) printf("%s%zu", k ? ", " : "", shape[k]);
  printf("], \"values\": [");
  for (size_t i = 0; i < count; i++) {
    if (d != NULL)
      printf("%s\"%a\"", i ? ", " : "", d[i]);
    else
      printf("%s%d", i ? ", " : "", b[i] ? 1 : 0);
  }
  printf("]}");
}

/* Every key of the population with its current value. */
static void print_keys(adex_pop *pop) {
  printf("{");
  int first = 1;
  char key[ADEX_STATE_KEY_MAX];
  for (size_t i = 0; i < adex_pop_var_count(pop); i++, first = 0) {
    adex_var v;
    adex_pop_var_at(pop, i, &v);
    snprintf(key, sizeof key, "%s.%s", adex_pop_name(pop), v.name);
    size_t n = adex_pop_num(pop);
    double *d = NULL;
    if (v.dtype == ADEX_DTYPE_F64) {
      d = v.data;
    } else if (v.dtype == ADEX_DTYPE_F32) {
      d = malloc(n * sizeof *d);
      for (size_t k = 0; k < n; k++) d[k] = ((const float *)v.data)[k];
    }
    print_array(key, adex_dtype_name(v.dtype), v.ndim, v.shape, d,
                d != NULL ? NULL : v.data, n, first);
    if (v.dtype == ADEX_DTYPE_F32) free(d);
  }
  for (size_t j = 0; j < adex_pop_delay_count(pop); j++, first = 0) {
    adex_pop_delay_info d;
    adex_pop_delay_at(pop, j, &d);
    size_t shape[ADEX_MAX_DIM + 1];
    size_t nd = adex_pop_shape(pop, shape + 1) + 1;
    shape[0] = d.max_delay + 1;
    size_t count = shape[0] * adex_pop_num(pop);
    double *buf = malloc(count * sizeof *buf);
    adex_delay_export(d.delay, buf);
    snprintf(key, sizeof key, "%s.%s.data", adex_pop_name(pop), d.name);
    print_array(key, "float64", nd, shape, buf, NULL, count, first);
    free(buf);
  }
  printf("}");
}

int main(int argc, char **argv) {
  if (argc < 2) return usage();
  const char *cmd = argv[1];
  int has_file = strcmp(cmd, "save") == 0 || strcmp(cmd, "load") == 0;
  if (!has_file && strcmp(cmd, "show") != 0) return usage();
  if (has_file && argc < 3) return usage();
  const char *file = has_file ? argv[2] : NULL;
  opts o = {"AdExIF0", 5, strcmp(cmd, "load") == 0 ? 0 : 100, 1, {0, 0}, 1, 0,
            {NULL},    0};
  for (int a = has_file ? 3 : 2; a < argc; a++) {
    const char *arg = argv[a], *val = a + 1 < argc ? argv[a + 1] : NULL;
    if (strcmp(arg, "--no-delays") == 0) {
      o.delays = 0;
    } else if (strcmp(arg, "--verbose") == 0) {
      o.verbose = 1;
    } else if (val == NULL) {
      return usage();
    } else if (strcmp(arg, "--name") == 0) {
      o.name = val, a++;
    } else if (strcmp(arg, "--num") == 0) {
      o.num = strtoul(val, NULL, 10), a++;
    } else if (strcmp(arg, "--steps") == 0) {
      o.steps = strtol(val, NULL, 10), a++;
    } else if (strcmp(arg, "--shape") == 0) {
      if (sscanf(val, "%zux%zu", &o.shape[0], &o.shape[1]) != 2) return usage();
      o.ndim = 2, o.num = o.shape[0] * o.shape[1], a++;
    } else if (strcmp(arg, "--var") == 0 && o.nvars < 32) {
      o.vars[o.nvars++] = val, a++;
    } else {
      return usage();
    }
  }
  adex_pop *pop = make_pop(&o);
  run(pop, &o);
  adex_status st = ADEX_OK;
  char *log = NULL;
  size_t log_len = 0;
  FILE *logf = open_memstream(&log, &log_len);
  adex_state_report rep;
  memset(&rep, 0, sizeof rep);
  if (strcmp(cmd, "save") == 0)
    st = adex_pop_save_states(pop, file, o.nvars ? o.vars : NULL, o.nvars);
  else if (strcmp(cmd, "load") == 0)
    st = adex_pop_load_states_report(pop, file, o.verbose, logf, &rep);
  fclose(logf);
  printf("{\"status\": \"%s\", \"message\": ", adex_status_name(st));
  json_str(st == ADEX_OK ? "" : adex_errmsg());
  printf(", \"log\": ");
  json_str(log != NULL ? log : "");
  printf(", \"missing\": %zu, \"keys\": ", rep.n_missing);
  print_keys(pop);
  printf("}\n");
  free(log);
  adex_pop_destroy(pop);
  return st == ADEX_OK ? 0 : 1;
}
