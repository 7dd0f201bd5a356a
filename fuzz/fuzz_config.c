/* fuzz_config.c - libFuzzer target of the `adex run` config parser
 * (cli_config_load, then cli_sim_check on what it accepts). Each input is
 * written to a temporary .json file and parsed into a fresh cli_sim; the
 * sanitizers and the parser's own promise (an error is reported, never a
 * crash or a leak) are what is checked. Seed corpus: fuzz/corpus_config
 * (the shipped examples). Build and run with scripts/fuzz.sh, which
 * passes -close_fd_mask=2: the parser's messages are not what is tested,
 * and libFuzzer still reports a crash. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_config.h"
#include "cli_sim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[256];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (path[0] == '\0') {
    snprintf(path, sizeof path, "/tmp/adex-fuzz-config-%ld.json",
             (long)getpid());
  }
  FILE *f = fopen(path, "wb");
  if (f == NULL) abort();
  if (size > 0 && fwrite(data, 1, size, f) != size) abort();
  if (fclose(f) != 0) abort();
  cli_sim sim;
  cli_sim_init(&sim);
  if (cli_config_load(path, &sim) == 0) (void)cli_sim_check(&sim);
  cli_sim_free(&sim);
  unlink(path);
  return 0;
}
