#!/usr/bin/env bash
# The whole test suite: install what is missing, check the C formatting,
# build with warnings as errors, run every test (C unit tests and
# command-line tests), then the same suite under AddressSanitizer + UBSan,
# then the unit tests under
# valgrind, then a short fuzz run of the state-file loaders and the config
# parser. Exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh test

echo "== C sources formatted as .clang-format says"
scripts/check-format.sh

echo "== build (Release, -Werror)"
scripts/build.sh build -DADEX_WERROR=ON -DADEX_REQUIRE_TESTS=ON -DADEX_REQUIRE_MPI=ON
echo "== tests"
(cd build && ctest --output-on-failure -j "$(nproc)")

echo "== sanitizer build (ASan + UBSan)"
BUILD_TYPE=Debug scripts/build.sh build-asan -DADEX_WERROR=ON -DADEX_SANITIZE=ON -DADEX_REQUIRE_TESTS=ON -DADEX_REQUIRE_MPI=ON
echo "== tests under ASan + UBSan"
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -j "$(nproc)")

echo "== unit tests under valgrind"
# The long arithmetic checks (bit-exactness of every kernel, the elementary
# functions, random properties, the firing patterns of one neuron with
# every method: 2 x 19 x 8 runs of 50 000 steps) run under ASan + UBSan
# above; under valgrind they would take most of half an hour (the
# patterns alone 7 minutes). The MPI tests (label mpi)
# run under mpirun, whose own allocations valgrind would report. The
# run-path check is a shell script over readelf: no code of ours runs.
(cd build && ctest -j "$(nproc)" --output-on-failure -LE mpi \
   -E '^(cli|python|state_interop|runpath|test_property|test_perf_exactness|test_xmath|test_patterns)$' -T memcheck \
   --overwrite MemoryCheckSuppressionFile="$PWD/../tests/valgrind.supp" --overwrite MemoryCheckCommandOptions="--error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect" \
   >/tmp/adex-memcheck.log 2>&1) || { cat /tmp/adex-memcheck.log; exit 1; }
tail -n 3 /tmp/adex-memcheck.log

echo "== a short, bounded fuzz run of the state-file loaders and the config parser (libFuzzer)"
scripts/fuzz.sh "${ADEX_FUZZ_SECONDS:-15}"
echo "adex: all tests passed"
