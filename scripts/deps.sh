#!/usr/bin/env bash
# Install the Debian packages adex needs, if any is missing.
# Usage: scripts/deps.sh [run|test]   (default: test, the larger set)
# Runs apt-get as root (or through sudo); does nothing when all are present.
set -euo pipefail

RUN_PKGS="cmake make gcc pkg-config libhdf5-dev libzip-dev libcjson-dev python3-matplotlib python3-h5py"
TEST_PKGS="$RUN_PKGS libcmocka-dev python3 python3-numpy python3-pytest python3-h5py python3-matplotlib valgrind clang libclang-rt-14-dev"

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

echo "adex: installing missing packages:$missing" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
