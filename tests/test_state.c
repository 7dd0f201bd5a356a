/* test_state.c - save_states / load_states (docs/semantics.md section 6) in both formats:
 * bit-exact round trips; a run continued from a file equals the
 * uninterrupted run bit for bit; key selection; damaged files (truncated
 * at every 7th byte, random byte flips, wrong shapes and dtypes, extra and
 * missing keys, another population's file) refused or warned about with
 * the state unchanged byte for byte; every I/O error; the verbose log;
 * deterministic files; allocation failure at every allocation.
 *
 * "State" here is every byte a file holds: each variable of the table and
 * each delay's history (snapshot()). */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <float.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "adex_test.h"

#define NUM 6
#define DT 0.1

static char dir[64]; /* the test's scratch directory */

/* Path of `name` in the scratch directory (static buffer, two in turn). */
static const char *path(const char *name) {
  static char buf[2][400];
  static int which;
  which ^= 1;
  snprintf(buf[which], sizeof buf[which], "%s/%s", dir, name);
  return buf[which];
}

/* The two formats, by extension. */
static const char *const exts[] = {"h5", "npz"};

/* ------------------------------------------------------------- helpers */

typedef struct pop_opts {
  const char *name;
  size_t num;
  bool keep_size; /* shape 2 x num/2 */
  const char *method;
  size_t v_hist_max; /* max of the V delay */
  bool delays;
  const adex_allocator *alloc;
} pop_opts;

static pop_opts defaults(const char *name) {
  pop_opts o = {name, NUM, false, "exp_auto", 2, true, NULL};
  return o;
}

/* A population with a random V, and two delays: the spikes with
 * per-neuron steps and V with initial data. */
static adex_pop *make(const pop_opts *o) {
  adex_pop_config cfg;
  adex_pop_config_default(&cfg, o->num);
  cfg.name = o->name;
  cfg.method = o->method;
  cfg.alloc = o->alloc;
  cfg.V_init = adex_init_uniform(-70.0, -50.0, 3);
  cfg.w_init = adex_init_constant(0.25);
  if (o->keep_size) {
    cfg.ndim = 2;
    cfg.shape[0] = 2;
    cfg.shape[1] = o->num / 2;
    cfg.keep_size = true;
  }
  adex_pop *pop = adex_test_pop(&cfg);
  if (o->delays) {
    size_t steps[64];
    double init[64];
    for (size_t i = 0; i < o->num; i++) {
      steps[i] = i % 4;
      init[i] = -100.0 - (double)i;
    }
    assert_ok(adex_pop_register_delay(pop, "spk", 0, steps, "spike", NULL));
    assert_ok(
        adex_pop_register_delay(pop, "V_hist", o->v_hist_max, NULL, "V", init));
  }
  return pop;
}

/* Steps k0 .. k0+n-1: input 60 + 8 i (every neuron spikes within a few
 * ms), update from t = k dt, push delays. */
static void run(adex_pop *pop, long k0, long n) {
  size_t num = adex_pop_num(pop);
  for (long k = k0; k < k0 + n; k++) {
    double *in = adex_pop_input(pop);
    for (size_t i = 0; i < num; i++) in[i] = 60.0 + 8.0 * (double)i;
    assert_ok(adex_pop_update(pop, (double)k * DT, DT));
    for (size_t d = 0; d < adex_pop_delay_count(pop); d++) {
      adex_pop_delay_info info;
      assert_ok(adex_pop_delay_at(pop, d, &info));
      assert_ok(adex_pop_update_delay(pop, info.name, NULL));
    }
  }
}

/* Every byte of the state: the variables, then the delay histories. */
typedef struct snap {
  unsigned char bytes[8192];
  size_t size;
} snap;

static void append(snap *s, const void *p, size_t n) {
  assert_true(s->size + n <= sizeof s->bytes);
  memcpy(s->bytes + s->size, p, n);
  s->size += n;
}

static void snapshot(adex_pop *pop, snap *s) {
  s->size = 0;
  for (size_t i = 0; i < adex_pop_var_count(pop); i++) {
    adex_var v;
    assert_ok(adex_pop_var_at(pop, i, &v));
    append(s, v.data, adex_pop_num(pop) * adex_dtype_size(v.dtype));
  }
  for (size_t d = 0; d < adex_pop_delay_count(pop); d++) {
    adex_pop_delay_info info;
    assert_ok(adex_pop_delay_at(pop, d, &info));
    double buf[1024];
    assert_true((info.max_delay + 1) * adex_pop_num(pop) <= 1024);
    assert_ok(adex_delay_export(info.delay, buf));
    append(s, buf, (info.max_delay + 1) * adex_pop_num(pop) * sizeof(double));
  }
}

static void same_state(const snap *a, const snap *b, const char *what) {
  if (a->size != b->size || memcmp(a->bytes, b->bytes, a->size) != 0) {
    size_t k = 0;
    while (k < a->size && k < b->size && a->bytes[k] == b->bytes[k]) k++;
    print_error("%s: states differ (sizes %zu, %zu; first byte %zu)\n", what,
                a->size, b->size, k);
    fail();
  }
}

static void expect_msg(const char *words) {
  if (strstr(adex_errmsg(), words) == NULL) {
    print_error("message '%s' lacks '%s'\n", adex_errmsg(), words);
    fail();
  }
}

/* Read a whole file (malloc'd). */
static unsigned char *slurp(const char *p, size_t *size) {
  FILE *f = fopen(p, "rb");
  assert_non_null(f);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  unsigned char *b = malloc((size_t)n + 1);
  assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
  fclose(f);
  *size = (size_t)n;
  return b;
}

static void spit(const char *p, const void *b, size_t n) {
  FILE *f = fopen(p, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(b, 1, n, f), n);
  fclose(f);
}

/* No file of the scratch directory has ".tmp." in its name. */
static void no_temporaries(void) {
  DIR *d = opendir(dir);
  assert_non_null(d);
  struct dirent *e;
  while ((e = readdir(d)) != NULL)
    if (strstr(e->d_name, ".tmp.") != NULL) {
      print_error("temporary file left: %s\n", e->d_name);
      fail();
    }
  closedir(d);
}

/* -------------------------------------------------------------- tests */

/* Save, destroy, load into a fresh population of the same name: every
 * byte equal; flat and keep_size shapes. */
static void test_round_trip(void **state) {
  (void)state;
  for (int shaped = 0; shaped <= 1; shaped++) {
    for (size_t f = 0; f < 2; f++) {
      char file[32];
      snprintf(file, sizeof file, "rt%d.%s", shaped, exts[f]);
      pop_opts o = defaults("rt");
      o.keep_size = shaped;
      adex_pop *a = make(&o);
      run(a, 0, 37);
      snap before, after, fresh;
      snapshot(a, &before);
      assert_ok(adex_pop_save_states(a, path(file), NULL, 0));
      adex_pop_destroy(a);
      adex_pop *b = make(&o);
      snapshot(b, &fresh);
      assert_true(memcmp(fresh.bytes, before.bytes, fresh.size) != 0);
      adex_state_report rep;
      assert_ok(adex_pop_load_states_report(b, path(file), 0, NULL, &rep));
      assert_int_equal(rep.n_file, 8);
      assert_int_equal(rep.n_loaded, 8);
      assert_int_equal(rep.n_missing, 0);
      snapshot(b, &after);
      same_state(&before, &after, file);
      adex_pop_destroy(b);
    }
  }
  no_temporaries();
}

/* 60 steps == 30 steps, save, load into a new population, 30 more. */
static void test_continuation(void **state) {
  (void)state;
  const char *methods[] = {"exp_auto", "rk4"};
  for (size_t m = 0; m < 2; m++) {
    for (size_t f = 0; f < 2; f++) {
      pop_opts o = defaults("cont");
      o.method = methods[m];
      adex_pop *ref = make(&o);
      run(ref, 0, 60);
      snap want, got;
      snapshot(ref, &want);
      /* The run must have spiked, or the test would prove little. */
      bool spiked = false;
      for (size_t i = 0; i < NUM; i++)
        spiked = spiked || adex_pop_t_last_spike(ref)[i] > 3.0;
      assert_true(spiked);
      adex_pop_destroy(ref);
      char file[32];
      snprintf(file, sizeof file, "cont%zu.%s", m, exts[f]);
      adex_pop *first = make(&o);
      run(first, 0, 30);
      assert_ok(adex_pop_save_states(first, path(file), NULL, 0));
      adex_pop_destroy(first);
      adex_pop *second = make(&o);
      assert_ok(adex_pop_load_states(second, path(file), 0, NULL));
      run(second, 30, 30);
      snapshot(second, &got);
      same_state(&want, &got, file);
      adex_pop_destroy(second);
    }
  }
}

/* `variables` selects keys, absolute or relative; unknown names fail. */
static void test_selection(void **state) {
  (void)state;
  for (size_t f = 0; f < 2; f++) {
    char file[32];
    snprintf(file, sizeof file, "sel.%s", exts[f]);
    pop_opts o = defaults("sel");
    adex_pop *a = make(&o);
    run(a, 0, 12);
    const char *const vars[] = {"V", "sel.w", "spk.data", "V"};
    assert_ok(adex_pop_save_states(a, path(file), vars, 4));
    snap sa;
    snapshot(a, &sa);
    adex_pop_destroy(a);
    adex_pop *b = make(&o);
    adex_state_report rep;
    char *log = NULL;
    size_t log_len = 0;
    FILE *lf = open_memstream(&log, &log_len);
    assert_ok(adex_pop_load_states_report(b, path(file), 0, lf, &rep));
    fclose(lf);
    assert_int_equal(rep.n_file, 3);
    assert_int_equal(rep.n_missing, 5);
    assert_string_equal(rep.missing, "sel.input, sel.spike, sel.refractory, "
                                     "sel.t_last_spike, sel.V_hist.data");
    assert_non_null(strstr(log, "Warning: sel.t_last_spike is not in"));
    free(log);
    assert_memory_equal(adex_pop_V(b), sa.bytes, NUM * sizeof(double));
    adex_pop_destroy(b);

    a = make(&o);
    const char *const bad[] = {"V", "nosuch"};
    assert_status(adex_pop_save_states(a, path("never.h5"), bad, 2), ADEX_EKEY);
    expect_msg("cannot save 'nosuch': no such key");
    expect_msg("sel.V_hist.data");
    assert_status(adex_pop_save_states(a, path("never.h5"), bad, 0),
                  ADEX_EINVAL);
    assert_int_equal(access(path("never.h5"), F_OK), -1);
    adex_pop_destroy(a);
  }
}

/* Save a reference file of population "dmg" (run 40 steps) and make a
 * target population "dmg" with another state. */
static adex_pop *damage_setup(const char *file, unsigned char **bytes,
                              size_t *size, snap *target_state) {
  pop_opts o = defaults("dmg");
  adex_pop *a = make(&o);
  run(a, 0, 40);
  assert_ok(adex_pop_save_states(a, path(file), NULL, 0));
  adex_pop_destroy(a);
  *bytes = slurp(path(file), size);
  adex_pop *t = make(&o);
  run(t, 0, 7);
  snapshot(t, target_state);
  return t;
}

/* A file cut at every 7th byte is refused; nothing changes. */
static void test_truncated(void **state) {
  (void)state;
  for (size_t f = 0; f < 2; f++) {
    char file[32], cut[32];
    snprintf(file, sizeof file, "full.%s", exts[f]);
    snprintf(cut, sizeof cut, "cut.%s", exts[f]);
    unsigned char *bytes;
    size_t size;
    snap want, got;
    adex_pop *t = damage_setup(file, &bytes, &size, &want);
    for (size_t n = 0; n < size; n += 7) {
      spit(path(cut), bytes, n);
      adex_status st = adex_pop_load_states(t, path(cut), 0, NULL);
      if (st == ADEX_OK) {
        print_error("%s cut at %zu of %zu bytes was accepted\n", exts[f], n,
                    size);
        fail();
      }
      assert_true(st == ADEX_EFORMAT);
      snapshot(t, &got);
      same_state(&want, &got, "truncated");
    }
    free(bytes);
    adex_pop_destroy(t);
  }
}

/* Random byte flips: refused with nothing changed, or (a flip in bytes
 * nobody checks: HDF5 raw data, zip timestamps) loaded whole. */
static void test_flipped(void **state) {
  (void)state;
  uint64_t rng = 0x9E3779B97F4A7C15u;
  for (size_t f = 0; f < 2; f++) {
    char file[32], bad[32];
    snprintf(file, sizeof file, "flip.%s", exts[f]);
    snprintf(bad, sizeof bad, "flipped.%s", exts[f]);
    unsigned char *bytes;
    size_t size;
    snap want, got;
    adex_pop *t = damage_setup(file, &bytes, &size, &want);
    int refused = 0, trials = 300;
    for (int k = 0; k < trials; k++) {
      rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
      size_t at = (size_t)(rng % size);
      unsigned char flip = (unsigned char)(1 + (rng >> 32) % 255);
      bytes[at] ^= flip;
      spit(path(bad), bytes, size);
      bytes[at] ^= flip;
      adex_status st = adex_pop_load_states(t, path(bad), 0, NULL);
      if (st != ADEX_OK) {
        refused++;
        snapshot(t, &got);
        same_state(&want, &got, "flipped");
      } else {
        /* Accepted: restore the reference target state for the next. */
        adex_pop_destroy(t);
        free(bytes);
        t = damage_setup(file, &bytes, &size, &want);
      }
    }
    print_message("%s: %d of %d random flips refused\n", exts[f], refused,
                  trials);
    assert_true(refused > 0);
    free(bytes);
    adex_pop_destroy(t);
  }
}

/* A flip inside an npz member's data is caught by its CRC-32. */
static void test_npz_crc(void **state) {
  (void)state;
  unsigned char *bytes;
  size_t size;
  snap want, got;
  adex_pop *t = damage_setup("crc.npz", &bytes, &size, &want);
  /* Find the saved t_last_spike bytes of the first neuron that spiked. */
  pop_opts o = defaults("dmg_ref");
  adex_pop *r = make(&o);
  run(r, 0, 40);
  double v0 = adex_pop_V(r)[0];
  adex_pop_destroy(r);
  size_t at = SIZE_MAX;
  for (size_t k = 0; k + 8 <= size && at == SIZE_MAX; k++)
    if (memcmp(bytes + k, &v0, 8) == 0) at = k;
  assert_true(at != SIZE_MAX);
  bytes[at + 3] ^= 0x10;
  spit(path("crc_bad.npz"), bytes, size);
  assert_status(adex_pop_load_states(t, path("crc_bad.npz"), 0, NULL),
                ADEX_EFORMAT);
  expect_msg("damaged data");
  snapshot(t, &got);
  same_state(&want, &got, "crc");
  free(bytes);
  adex_pop_destroy(t);
}

/* Shapes, dtypes, extra and missing keys, another population's file. */
static void test_mismatches(void **state) {
  (void)state;
  for (size_t f = 0; f < 2; f++) {
    char file[32];
    snap want, got;
    pop_opts o = defaults("mm");
    adex_pop *t = make(&o);
    run(t, 0, 9);
    snapshot(t, &want);

    /* Another size: every shape differs. */
    adex_pop_destroy(t);
    pop_opts small = defaults("mm");
    small.num = 4;
    adex_pop *s = make(&small);
    snprintf(file, sizeof file, "shape.%s", exts[f]);
    assert_ok(adex_pop_save_states(s, path(file), NULL, 0));
    adex_pop_destroy(s);
    t = make(&o);
    run(t, 0, 9);
    assert_status(adex_pop_load_states(t, path(file), 0, NULL), ADEX_ESIZE);
    expect_msg("has shape (4,), expected (6,)");
    snapshot(t, &got);
    same_state(&want, &got, "shape");

    /* A delay with another maximum. */
    adex_pop_destroy(t);
    pop_opts longer = defaults("mm");
    longer.v_hist_max = 5;
    s = make(&longer);
    snprintf(file, sizeof file, "dshape.%s", exts[f]);
    assert_ok(adex_pop_save_states(s, path(file), NULL, 0));
    adex_pop_destroy(s);
    t = make(&o);
    run(t, 0, 9);
    assert_status(adex_pop_load_states(t, path(file), 0, NULL), ADEX_ESIZE);
    expect_msg("key 'mm.V_hist.data' has shape (6, 6), expected (3, 6)");
    snapshot(t, &got);
    same_state(&want, &got, "delay shape");

    /* An extra key (a variable the target lacks), and a dtype that does
     * not fit (bool data for a float64 variable). */
    adex_pop_destroy(t);
    bool extra[NUM] = {1, 0, 1, 0, 1, 1};
    s = make(&o);
    assert_ok(adex_pop_register_var(s, "gate", ADEX_DTYPE_BOOL, extra));
    snprintf(file, sizeof file, "extra.%s", exts[f]);
    assert_ok(adex_pop_save_states(s, path(file), NULL, 0));
    adex_pop_destroy(s);
    t = make(&o);
    run(t, 0, 9);
    assert_status(adex_pop_load_states(t, path(file), 0, NULL), ADEX_EKEY);
    expect_msg("unknown key 'mm.gate'");
    snapshot(t, &got);
    same_state(&want, &got, "extra key");
    double gate[NUM] = {0};
    assert_ok(adex_pop_register_var(t, "gate", ADEX_DTYPE_F64, gate));
    snapshot(t, &want);
    assert_status(adex_pop_load_states(t, path(file), 0, NULL), ADEX_EFORMAT);
    expect_msg("key 'mm.gate' has dtype bool, expected float64 or float32");
    snapshot(t, &got);
    same_state(&want, &got, "dtype");

    /* A delay the target did not register: unknown key. */
    adex_pop_destroy(t);
    pop_opts nodelay = defaults("mm");
    nodelay.delays = false;
    s = make(&o);
    snprintf(file, sizeof file, "delays.%s", exts[f]);
    assert_ok(adex_pop_save_states(s, path(file), NULL, 0));
    adex_pop_destroy(s);
    t = make(&nodelay);
    snapshot(t, &want);
    assert_status(adex_pop_load_states(t, path(file), 0, NULL), ADEX_EKEY);
    expect_msg(".data'");
    snapshot(t, &got);
    same_state(&want, &got, "delay key");

    /* Another population's file: its keys are unknown here. */
    adex_pop_destroy(t);
    pop_opts other = defaults("elsewhere");
    s = make(&other);
    snprintf(file, sizeof file, "other.%s", exts[f]);
    assert_ok(adex_pop_save_states(s, path(file), NULL, 0));
    adex_pop_destroy(s);
    t = make(&o);
    snapshot(t, &want);
    assert_status(adex_pop_load_states(t, path(file), 0, NULL), ADEX_EKEY);
    expect_msg("unknown key 'elsewhere.");
    expect_msg("(this population's keys: mm.V, mm.w");
    snapshot(t, &got);
    same_state(&want, &got, "other population");
    adex_pop_destroy(t);
  }
}

/* verbose: "Loading KEY ..." per key, in file order, after the checks;
 * warnings for missing keys go to the log too. */
static void test_log(void **state) {
  (void)state;
  pop_opts o = defaults("lg");
  o.delays = false;
  adex_pop *a = make(&o);
  const char *const vars[] = {"w", "V"};
  assert_ok(adex_pop_save_states(a, path("log.npz"), vars, 2));
  assert_ok(adex_pop_save_states(a, path("log.h5"), vars, 2));
  char *log = NULL;
  size_t len = 0;
  FILE *lf = open_memstream(&log, &len);
  assert_ok(adex_pop_load_states(a, path("log.npz"), 1, lf));
  assert_ok(adex_pop_load_states(a, path("log.h5"), 0, lf));
  fclose(lf);
  char want[1024];
  snprintf(want, sizeof want,
           "Loading lg.V ...\nLoading lg.w ...\n"
           "Warning: lg.input is not in %s; left unchanged\n"
           "Warning: lg.spike is not in %s; left unchanged\n"
           "Warning: lg.refractory is not in %s; left unchanged\n"
           "Warning: lg.t_last_spike is not in %s; left unchanged\n",
           path("log.npz"), path("log.npz"), path("log.npz"), path("log.npz"));
  /* npz keeps the saving order (V before w), HDF5 lists names sorted. */
  assert_true(strncmp(log, want, strlen(want)) == 0 ||
              (print_error("log:\n%s\nwanted first:\n%s\n", log, want), 0));
  assert_null(strstr(log + strlen(want), "Loading"));
  assert_non_null(strstr(log + strlen(want), "Warning: lg.input"));
  free(log);
  /* A refused file prints nothing. */
  log = NULL;
  lf = open_memstream(&log, &len);
  spit(path("junk.h5"), "not hdf5 at all", 15);
  assert_status(adex_pop_load_states(a, path("junk.h5"), 1, lf), ADEX_EFORMAT);
  fclose(lf);
  assert_int_equal(len, 0);
  free(log);
  adex_pop_destroy(a);
}

/* The same state gives the same bytes; saving replaces a file whole. */
static void test_deterministic(void **state) {
  (void)state;
  for (size_t f = 0; f < 2; f++) {
    char f1[32], f2[32];
    snprintf(f1, sizeof f1, "det1.%s", exts[f]);
    snprintf(f2, sizeof f2, "det2.%s", exts[f]);
    pop_opts o = defaults("det");
    adex_pop *a = make(&o);
    run(a, 0, 5);
    assert_ok(adex_pop_save_states(a, path(f1), NULL, 0));
    spit(path(f2), "old contents that are longer than nothing", 40);
    assert_ok(adex_pop_save_states(a, path(f2), NULL, 0));
    size_t n1, n2;
    unsigned char *b1 = slurp(path(f1), &n1), *b2 = slurp(path(f2), &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(b1, b2, n1);
    free(b1);
    free(b2);
    adex_pop_destroy(a);
  }
}

/* Extensions, unwritable places, unreadable and foreign files. */
static void test_io_errors(void **state) {
  (void)state;
  pop_opts o = defaults("io");
  adex_pop *a = make(&o);
  snap want, got;
  snapshot(a, &want);
  const char *bad_ext[] = {"x.txt", "x", "x.h5x", "x.npy", "h5", ".npz"};
  for (size_t i = 0; i < sizeof bad_ext / sizeof bad_ext[0]; i++) {
    assert_status(adex_pop_save_states(a, path(bad_ext[i]), NULL, 0),
                  i == 5 ? ADEX_OK : ADEX_EINVAL);
    if (i == 5) continue; /* "dir/.npz" is a hidden file named .npz */
    expect_msg(".h5, .hdf5 (HDF5) or .npz (numpy)");
    assert_status(adex_pop_load_states(a, path(bad_ext[i]), 0, NULL),
                  ADEX_EINVAL);
  }
  assert_status(adex_pop_save_states(a, NULL, NULL, 0), ADEX_EINVAL);
  assert_status(adex_pop_save_states(NULL, "x.h5", NULL, 0), ADEX_EINVAL);
  assert_status(adex_pop_load_states(NULL, "x.h5", 0, NULL), ADEX_EINVAL);
  adex_state_format fmt;
  assert_ok(adex_state_format_of("a/b.c.hdf5", &fmt));
  assert_int_equal(fmt, ADEX_STATE_H5);
  /* the extension in any letter case, as the program's --out takes it */
  assert_ok(adex_state_format_of("S.H5", &fmt));
  assert_int_equal(fmt, ADEX_STATE_H5);
  assert_ok(adex_state_format_of("s.Hdf5", &fmt));
  assert_int_equal(fmt, ADEX_STATE_H5);
  assert_ok(adex_state_format_of("s.NPZ", &fmt));
  assert_int_equal(fmt, ADEX_STATE_NPZ);
  /* the one extension rule of the library and the program (adex/files.h) */
  static const struct {
    const char *name;
    adex_file_kind kind;
  } kinds[] = {{"r.h5", ADEX_FILE_H5},       {"r.H5", ADEX_FILE_H5},
               {"d/r.HdF5", ADEX_FILE_H5},   {"s.npz", ADEX_FILE_NPZ},
               {"x.NPY", ADEX_FILE_NPY},     {"t.Csv", ADEX_FILE_CSV},
               {"t.TXT", ADEX_FILE_TXT},     {".h5", ADEX_FILE_UNKNOWN},
               {"h5", ADEX_FILE_UNKNOWN},    {"r.h5.bak", ADEX_FILE_UNKNOWN},
               {"r.h55", ADEX_FILE_UNKNOWN}, {"", ADEX_FILE_UNKNOWN},
               {NULL, ADEX_FILE_UNKNOWN}};
  for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
    if (adex_file_kind_of(kinds[k].name) != kinds[k].kind)
      fail_msg("'%s': kind %d, want %d", kinds[k].name ? kinds[k].name : "NULL",
               (int)adex_file_kind_of(kinds[k].name), (int)kinds[k].kind);
  assert_true(adex_file_has_ext("fig.PNG", ".png"));
  assert_true(adex_file_has_ext("fig.png", ".PNG"));
  assert_false(adex_file_has_ext(".png", ".png"));
  assert_false(adex_file_has_ext(NULL, ".png"));

  for (size_t f = 0; f < 2; f++) {
    char p[300];
    /* A directory that does not exist; a file used as a directory. */
    snprintf(p, sizeof p, "%s/no/such/dir/s.%s", dir, exts[f]);
    assert_status(adex_pop_save_states(a, p, NULL, 0), ADEX_EIO);
    expect_msg("cannot create the temporary file");
    spit(path("plain"), "x", 1);
    snprintf(p, sizeof p, "%s/plain/s.%s", dir, exts[f]);
    assert_status(adex_pop_save_states(a, p, NULL, 0), ADEX_EIO);
    /* The target is a directory: the rename fails, nothing is left. */
    snprintf(p, sizeof p, "%s/isdir.%s", dir, exts[f]);
    mkdir(p, 0755);
    assert_status(adex_pop_save_states(a, p, NULL, 0), ADEX_EIO);
    expect_msg("cannot rename");
    no_temporaries();
    /* Loads: missing, a directory, empty, foreign, the other format. */
    snprintf(p, sizeof p, "%s/missing.%s", dir, exts[f]);
    assert_status(adex_pop_load_states(a, p, 0, NULL), ADEX_EIO);
    expect_msg("cannot open: No such file or directory");
    snprintf(p, sizeof p, "%s/isdir.%s", dir, exts[f]);
    assert_status(adex_pop_load_states(a, p, 0, NULL), ADEX_EIO);
    snprintf(p, sizeof p, "empty.%s", exts[f]);
    spit(path(p), "", 0);
    assert_status(adex_pop_load_states(a, path(p), 0, NULL), ADEX_EFORMAT);
    expect_msg("empty file");
    snprintf(p, sizeof p, "text.%s", exts[f]);
    const char text[] = "V,w\n-65,0\n";
    spit(path(p), text, sizeof text - 1);
    assert_status(adex_pop_load_states(a, path(p), 0, NULL), ADEX_EFORMAT);
    expect_msg(f == 0 ? "not an HDF5 file" : "not a zip file");
    snapshot(a, &got);
    same_state(&want, &got, "io errors");
  }
  /* An HDF5 file named .npz and a zip named .h5. */
  assert_ok(adex_pop_save_states(a, path("real.h5"), NULL, 0));
  assert_ok(adex_pop_save_states(a, path("real.npz"), NULL, 0));
  assert_int_equal(rename(path("real.h5"), path("swapped.npz")), 0);
  assert_int_equal(rename(path("real.npz"), path("swapped.h5")), 0);
  assert_status(adex_pop_load_states(a, path("swapped.npz"), 0, NULL),
                ADEX_EFORMAT);
  assert_status(adex_pop_load_states(a, path("swapped.h5"), 0, NULL),
                ADEX_EFORMAT);
  adex_pop_destroy(a);
}

/* A registered float32 variable: saved as float32, loaded exactly from
 * float32 and rounded from float64 (here from a float64 variable of the
 * same name in another population). */
static void test_float32_variable(void **state) {
  (void)state;
  for (size_t f = 0; f < 2; f++) {
    char file[32], wide[32];
    snprintf(file, sizeof file, "f32.%s", exts[f]);
    snprintf(wide, sizeof wide, "f32wide.%s", exts[f]);
    pop_opts o = defaults("f32");
    o.delays = false;
    float g[NUM] = {1.5f, -2.25f, 3.0e38f, 1e-40f, 0.1f, -0.0f};
    adex_pop *a = make(&o);
    assert_ok(adex_pop_register_var(a, "g", ADEX_DTYPE_F32, g));
    assert_ok(adex_pop_save_states(a, path(file), NULL, 0));
    adex_pop_destroy(a);
    float back[NUM] = {0};
    a = make(&o);
    assert_ok(adex_pop_register_var(a, "g", ADEX_DTYPE_F32, back));
    assert_ok(adex_pop_load_states(a, path(file), 0, NULL));
    assert_memory_equal(back, g, sizeof g);
    adex_pop_destroy(a);
    /* float64 data into the float32 variable: rounded, overflow to inf. */
    /* FLT_MAX + a quarter ulp rounds to FLT_MAX, + half an ulp (a tie,
     * FLT_MAX is odd) to inf. */
    double gd[NUM] = {0.1,   1e300, -0x1.ffffffp+127, 0x1.fffffe8p+127,
                      1e-50, 2.0};
    a = make(&o);
    assert_ok(adex_pop_register_var(a, "g", ADEX_DTYPE_F64, gd));
    assert_ok(adex_pop_save_states(a, path(wide), NULL, 0));
    adex_pop_destroy(a);
    a = make(&o);
    assert_ok(adex_pop_register_var(a, "g", ADEX_DTYPE_F32, back));
    assert_ok(adex_pop_load_states(a, path(wide), 0, NULL));
    assert_true(back[0] == 0.1f && back[1] == INFINITY &&
                back[2] == -INFINITY && back[3] == FLT_MAX && back[4] == 0.0f &&
                back[5] == 2.0f);
    /* A delay on a float32 target holds its values as doubles. */
    assert_ok(adex_pop_register_delay(a, "gd", 1, NULL, "g", NULL));
    double row[NUM];
    assert_ok(adex_pop_get_delay_data(a, "gd", 0, row));
    assert_true(row[0] == (double)0.1f && row[5] == 2.0);
    adex_pop_destroy(a);
  }
}

/* Values no other way into the state accepts are refused with the key
 * and the first bad element, and nothing changes: NaN and inf anywhere in
 * the real state and the delays, V or w beyond +-ADEX_STATE_MAX, float64
 * data that overflows a float32 variable. */
static void test_bad_values(void **state) {
  (void)state;
  static const struct {
    const char *var; /* a variable, or NULL: the V_hist delay */
    size_t i;
    double x;
    const char *msg;
  } cases[] = {
      {"V", 1, NAN, "key 'bv.V': element 1 is nan; values must be finite"},
      {"w", 2, INFINITY, "key 'bv.w': element 2 is inf"},
      {"V", 0, 1e13, "key 'bv.V': element 0 is 1e+13, outside +-1e+12"},
      {"w", 5, -2e12, "key 'bv.w': element 5 is -2e+12, outside +-1e+12"},
      {"input", 3, -INFINITY, "key 'bv.input': element 3 is -inf"},
      {"t_last_spike", 4, NAN, "key 'bv.t_last_spike': element 4 is nan"},
      {NULL, 7, NAN, "key 'bv.V_hist.data': element 7 is nan"},
  };
  for (size_t f = 0; f < 2; f++) {
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
      char file[32];
      snprintf(file, sizeof file, "bad%zu.%s", c, exts[f]);
      pop_opts o = defaults("bv");
      adex_pop *s = make(&o);
      run(s, 0, 3);
      if (cases[c].var != NULL) {
        adex_var v;
        assert_ok(adex_pop_var_find(s, cases[c].var, &v));
        ((double *)v.data)[cases[c].i] = cases[c].x;
      } else {
        double hist[3 * NUM];
        adex_delay *d = adex_pop_delay(s, "V_hist");
        assert_ok(adex_delay_export(d, hist));
        hist[cases[c].i] = cases[c].x;
        assert_ok(adex_delay_import(d, hist));
      }
      assert_ok(adex_pop_save_states(s, path(file), NULL, 0));
      adex_pop_destroy(s);
      adex_pop *t = make(&o);
      run(t, 0, 5);
      snap want, got;
      snapshot(t, &want);
      assert_status(adex_pop_load_states(t, path(file), 0, NULL), ADEX_EFORMAT);
      expect_msg(cases[c].msg);
      snapshot(t, &got);
      same_state(&want, &got, cases[c].msg);
      adex_pop_destroy(t);
    }
    /* float64 1e300 would load into float32 state as inf. */
    char file[32];
    snprintf(file, sizeof file, "wide.%s", exts[f]);
    pop_opts o = defaults("bv");
    o.delays = false;
    adex_pop *s = make(&o);
    adex_pop_input(s)[2] = 1e300;
    assert_ok(adex_pop_save_states(s, path(file), NULL, 0));
    adex_pop_destroy(s);
    adex_pop_config cfg;
    adex_pop_config_default(&cfg, NUM);
    cfg.name = "bv";
    cfg.dtype = ADEX_DTYPE_F32;
    cfg.V_init = adex_init_constant(-65.0);
    adex_pop *t = adex_test_pop(&cfg);
    assert_status(adex_pop_load_states(t, path(file), 0, NULL), ADEX_EFORMAT);
    expect_msg("key 'bv.input': element 2 is inf; values must be finite "
               "(and fit float32)");
    assert_true(adex_pop_V_f32(t)[0] == -65.0f);
    adex_pop_destroy(t);
  }
}

/* A bool variable holding a byte other than 0 or 1 (written through
 * another type) is saved as 1, so that its own file loads back. */
static void test_bool_bytes_saved_as_0_1(void **state) {
  (void)state;
  for (size_t f = 0; f < 2; f++) {
    char file[32];
    snprintf(file, sizeof file, "bools.%s", exts[f]);
    pop_opts o = defaults("bb");
    o.delays = false;
    adex_pop *s = make(&o);
    unsigned char two = 2;
    memcpy(&adex_pop_spike(s)[3], &two, 1);
    assert_ok(adex_pop_save_states(s, path(file), NULL, 0));
    unsigned char back;
    memcpy(&back, &adex_pop_spike(s)[3], 1);
    assert_int_equal(back, 2); /* the state itself is left alone */
    adex_pop_destroy(s);
    adex_pop *t = make(&o);
    assert_ok(adex_pop_load_states(t, path(file), 0, NULL));
    memcpy(&back, &adex_pop_spike(t)[3], 1);
    assert_int_equal(back, 1);
    memcpy(&back, &adex_pop_spike(t)[2], 1);
    assert_int_equal(back, 0);
    adex_pop_destroy(t);
  }
}

/* ------------------------------------------------------------------
 * Allocation failure: an allocator failing its k-th request. */

/* Fail each allocation of a save and of a load in turn: ENOMEM, the
 * existing file and the state unchanged, nothing leaked. */
static void test_allocation_failure(void **state) {
  (void)state;
  for (size_t f = 0; f < 2; f++) {
    adex_test_counting c = {0, -1, 0, 0};
    adex_allocator al = {adex_test_counting_alloc, adex_test_counting_free, &c};
    pop_opts o = defaults("al");
    o.alloc = &al;
    adex_pop *a = make(&o);
    run(a, 0, 11);
    char file[32], other[32];
    snprintf(file, sizeof file, "alloc.%s", exts[f]);
    snprintf(other, sizeof other, "alloc_old.%s", exts[f]);
    long live = c.live;
    int base = c.calls;
    assert_ok(adex_pop_save_states(a, path(file), NULL, 0));
    int n_save = c.calls - base;
    base = c.calls;
    assert_ok(adex_pop_load_states(a, path(file), 0, NULL));
    int n_load = c.calls - base;
    assert_int_equal(c.live, live);
    assert_true(n_save >= 3 && n_load >= 3);
    /* A file to protect, with another state. */
    run(a, 11, 3);
    assert_ok(adex_pop_save_states(a, path(other), NULL, 0));
    size_t n_old;
    unsigned char *old = slurp(path(other), &n_old);
    snap want, got;
    snapshot(a, &want);
    for (int k = 0; k < n_save; k++) {
      c.fail_at = c.calls + k;
      assert_status(adex_pop_save_states(a, path(other), NULL, 0), ADEX_ENOMEM);
      assert_int_equal(c.live, live);
      size_t n_now;
      unsigned char *now = slurp(path(other), &n_now);
      assert_int_equal(n_now, n_old);
      assert_memory_equal(now, old, n_old);
      free(now);
    }
    for (int k = 0; k < n_load; k++) {
      c.fail_at = c.calls + k;
      assert_status(adex_pop_load_states(a, path(file), 0, NULL), ADEX_ENOMEM);
      assert_int_equal(c.live, live);
      snapshot(a, &got);
      same_state(&want, &got, "allocation failure");
    }
    c.fail_at = -1;
    free(old);
    no_temporaries();
    adex_pop_destroy(a);
    assert_int_equal(c.live, 0);
  }
}

/* ------------------------------------------------------------- setup */

static int make_dir(void **state) {
  (void)state;
  snprintf(dir, sizeof dir, "/tmp/adex-test-state-XXXXXX");
  return mkdtemp(dir) == NULL ? -1 : 0;
}

/* Remove the scratch directory and what is in it (one level of
 * subdirectories, which the tests create empty). */
static int remove_dir(void **state) {
  (void)state;
  DIR *d = opendir(dir);
  if (d == NULL) return 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    const char *p = path(e->d_name);
    if (unlink(p) != 0) rmdir(p);
  }
  closedir(d);
  rmdir(dir);
  return 0;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_round_trip),
      cmocka_unit_test(test_continuation),
      cmocka_unit_test(test_selection),
      cmocka_unit_test(test_truncated),
      cmocka_unit_test(test_flipped),
      cmocka_unit_test(test_npz_crc),
      cmocka_unit_test(test_mismatches),
      cmocka_unit_test(test_log),
      cmocka_unit_test(test_deterministic),
      cmocka_unit_test(test_io_errors),
      cmocka_unit_test(test_float32_variable),
      cmocka_unit_test(test_bad_values),
      cmocka_unit_test(test_bool_bytes_saved_as_0_1),
      cmocka_unit_test(test_allocation_failure),
  };
  return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
