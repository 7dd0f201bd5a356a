#!/usr/bin/env bash
# Fuzz the state-file loaders and the config parser: build
# fuzz/fuzz_load_h5, fuzz_load_npz and fuzz_config with clang (libFuzzer,
# ASan, UBSan) into build-fuzz/ and run each for SECONDS (default 20) from
# its seed corpus (fuzz/corpus_h5, corpus_npz, corpus_config).
# New inputs go to a scratch directory; the seed corpora stay as they are.
# A crash, leak, timeout or sanitizer report stops the script with a
# non-zero status; the input that caused it is kept in build-fuzz/artifacts/.
# Usage: scripts/fuzz.sh [SECONDS]    (env: FUZZ_ARGS, extra libFuzzer flags)
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-20}"
dir=build-fuzz
command -v clang >/dev/null || { echo "fuzz.sh: clang not found" >&2; exit 1; }
cmake -S . -B "$dir" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DADEX_FUZZ=ON -DBUILD_TESTING=OFF >/dev/null
cmake --build "$dir" --target fuzz_load_h5 fuzz_load_npz fuzz_config \
      -j "$(nproc)" >/dev/null
mkdir -p "$dir/artifacts"
for t in load_h5 load_npz config; do
  work="$(mktemp -d)"
  log="$dir/fuzz_$t.log"
  extra=""
  # the parser's messages go to stderr: closed (libFuzzer still reports)
  [ "$t" = config ] && extra="-close_fd_mask=2"
  echo "== fuzz_$t for ${secs}s (log: $log)"
  set +e
  # shellcheck disable=SC2086
  "$dir/fuzz/fuzz_$t" -max_total_time="$secs" -timeout=10 \
    -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 $extra \
    -artifact_prefix="$dir/artifacts/$t-" ${FUZZ_ARGS:-} \
    "$work" "fuzz/corpus_${t#load_}" >"$log" 2>&1
  status=$?
  set -e
  rm -rf "$work"
  grep -E "^(#[0-9]+[[:space:]]+(INITED|DONE)|stat::)" "$log" || true
  if [ "$status" -ne 0 ]; then
    tail -n 60 "$log" >&2
    echo "fuzz.sh: fuzz_$t failed (status $status); input in $dir/artifacts/" >&2
    exit "$status"
  fi
done
echo "fuzz.sh: no failures"
