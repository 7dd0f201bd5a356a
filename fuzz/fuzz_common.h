/* fuzz_common.h - what the two state-file fuzz targets share.
 *
 * Each input is written to a temporary file with the target's extension
 * and loaded into one small population (3 neurons named AdExIF0, delays
 * "spk" on spike and "V_hist" on V, as tests/state_tool.c builds them, so
 * that the seed corpus made by fuzz/make_corpus.sh reaches every check,
 * plus a registered float32 variable "g" for the narrowing paths).
 * Besides the sanitizers, the harness checks the loader's promise: a load
 * that fails changes no byte of the state (it aborts otherwise). Before
 * each input the state is set back to the same baseline.
 */
#ifndef ADEX_FUZZ_COMMON_H
#define ADEX_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "adex/adex.h"

#define FUZZ_NUM 3
#define FUZZ_SNAP 4096

static adex_pop *fuzz_pop;
static char fuzz_path[256];
static unsigned char fuzz_base[FUZZ_SNAP]; /* the baseline state */
static size_t fuzz_base_size;
static float fuzz_g[FUZZ_NUM] = {0.5f, -1.0f, 2.0f}; /* variable "g" */

/* Copy every byte of the state into (to_pop = 0) or out of (1) buf. */
static size_t fuzz_state(unsigned char *buf, int to_pop) {
  size_t at = 0;
  for (size_t i = 0; i < adex_pop_var_count(fuzz_pop); i++) {
    adex_var v;
    adex_pop_var_at(fuzz_pop, i, &v);
    size_t n = FUZZ_NUM * adex_dtype_size(v.dtype);
    if (to_pop)
      memcpy(v.data, buf + at, n);
    else
      memcpy(buf + at, v.data, n);
    at += n;
  }
  for (size_t d = 0; d < adex_pop_delay_count(fuzz_pop); d++) {
    adex_pop_delay_info info;
    adex_pop_delay_at(fuzz_pop, d, &info);
    size_t n = (info.max_delay + 1) * FUZZ_NUM * sizeof(double);
    double tmp[64];
    if (to_pop) {
      memcpy(tmp, buf + at, n);
      adex_delay_import(info.delay, tmp);
    } else {
      adex_delay_export(info.delay, tmp);
      memcpy(buf + at, tmp, n);
    }
    at += n;
  }
  return at;
}

/* Build the population and its baseline state once. */
static void fuzz_init(const char *ext) {
  adex_pop_config cfg;
  adex_pop_config_default(&cfg, FUZZ_NUM);
  cfg.name = "AdExIF0";
  cfg.V_init = adex_init_uniform(-70.0, -50.0, 7);
  if (adex_pop_create(&cfg, &fuzz_pop) != ADEX_OK) abort();
  if (adex_pop_register_var(fuzz_pop, "g", ADEX_DTYPE_F32, fuzz_g) != ADEX_OK)
    abort();
  const size_t steps[FUZZ_NUM] = {0, 1, 2};
  if (adex_pop_register_delay(fuzz_pop, "spk", 3, steps, "spike", NULL) !=
          ADEX_OK ||
      adex_pop_register_delay(fuzz_pop, "V_hist", 2, NULL, "V", NULL) !=
          ADEX_OK)
    abort();
  for (int k = 0; k < 5; k++) {
    adex_pop_input(fuzz_pop)[1] = 80.0;
    adex_pop_update(fuzz_pop, 0.1 * k, 0.1);
    adex_pop_update_delay(fuzz_pop, "spk", NULL);
    adex_pop_update_delay(fuzz_pop, "V_hist", NULL);
  }
  fuzz_base_size = fuzz_state(fuzz_base, 0);
  const char *tmp = getenv("TMPDIR");
  snprintf(fuzz_path, sizeof fuzz_path, "%s/adex-fuzz-%ld.%s",
           tmp != NULL ? tmp : "/tmp", (long)getpid(), ext);
}

/* Load one input; abort if a failed load changed the state. */
static int fuzz_one(const char *ext, const uint8_t *data, size_t size) {
  if (fuzz_pop == NULL) fuzz_init(ext);
  fuzz_state(fuzz_base, 1);
  FILE *f = fopen(fuzz_path, "wb");
  if (f == NULL) abort();
  if (size > 0 && fwrite(data, 1, size, f) != size) abort();
  fclose(f);
  adex_status st = adex_pop_load_states(fuzz_pop, fuzz_path, 0, NULL);
  if (st != ADEX_OK) {
    unsigned char now[FUZZ_SNAP];
    fuzz_state(now, 0);
    if (memcmp(now, fuzz_base, fuzz_base_size) != 0) {
      fprintf(stderr, "a failed load (%s: %s) changed the state\n",
              adex_status_name(st), adex_errmsg());
      abort();
    }
  }
  unlink(fuzz_path);
  return 0;
}

#endif /* ADEX_FUZZ_COMMON_H */
