#!/usr/bin/env bash
# The main job: install what is missing, build, and run the default
# simulation (an f-I curve of 200 AdEx neurons). Extra arguments go to
# `adex run`, e.g. scripts/run.sh --size 1000 --input 0:50 --duration 500
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh run
scripts/build.sh build >/dev/null
exec build/adex run "$@"
