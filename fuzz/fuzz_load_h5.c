/* fuzz_load_h5.c - libFuzzer target of the .h5 state-file loader
 * (adex_pop_load_states); see fuzz_common.h. Build with scripts/fuzz.sh. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  return fuzz_one("h5", data, size);
}
