#!/usr/bin/env bash
# Install the Debian packages adex needs, if any is missing.
# Usage: scripts/deps.sh [run|test]   (default: test, the larger set)
# Runs apt-get as root (or through sudo); does nothing when all are present.
# Without root or sudo it names the missing packages and stops; with
# ADEX_SKIP_DEPS=1 it only warns (for packages installed another way).
set -euo pipefail

RUN_PKGS="cmake make gcc pkg-config libhdf5-dev libzip-dev libcjson-dev python3 python3-numpy python3-matplotlib python3-h5py"
TEST_PKGS="$RUN_PKGS libcmocka-dev python3-pytest valgrind clang clang-format libclang-rt-14-dev libopenmpi-dev openmpi-bin"

case "${1:-test}" in
  run) want="$RUN_PKGS" ;;
  test) want="$TEST_PKGS" ;;
  *) echo "usage: $0 [run|test]" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ -n "${ADEX_SKIP_DEPS:-}" ]; then
  echo "adex: ADEX_SKIP_DEPS is set; not installing:$missing" >&2
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null; then
    echo "adex: these Debian packages are missing:$missing" >&2
    echo "adex: install them as root (apt-get install$missing)," >&2
    echo "adex: or set ADEX_SKIP_DEPS=1 if they are installed another way" >&2
    exit 1
  fi
  SUDO="sudo"
fi
echo "adex: installing missing packages:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
