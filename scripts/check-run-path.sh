#!/usr/bin/env bash
# Prove that the main job needs nothing outside the run package set.
#
# On a developer's or CI's machine the test packages are usually installed,
# which would hide a run path that quietly needs one of them. This script
# hides them and then meets adex as a new user does, in a fresh clone of
# the committed tree:
#   - pkg-config (and so CMake) sees every installed .pc file except the
#     test-only ones (cmocka, MPI: the run path builds without it);
#   - the test-only programs (clang, valgrind, pytest, mpicc, mpirun) are shadowed on PATH
#     by stubs that fail;
#   - Python cannot import pytest.
# Then it runs scripts/run.sh (must print the default simulation's summary),
# a plain `cmake -S . -B build && cmake --build build` (tests off with a
# notice), `cmake --install` with a program compiled against the installed
# library through pkg-config, and `import adex` from the source tree.
# Before that it checks that the hiding works: a configure that requires
# the tests must fail, so this check fails if the run path starts to need
# a test-only package again.
# Usage: scripts/check-run-path.sh     (exit 0: the run path is clean)
set -euo pipefail
cd "$(dirname "$0")/.."
src="$PWD"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The run packages themselves (nothing else).
scripts/deps.sh run

# 1. pkg-config without the test-only .pc files.
TEST_PC="cmocka mpi mpi-c ompi ompi-c orte"
mkdir -p "$work/pc"
for d in $(pkg-config --variable pc_path pkg-config | tr ':' ' '); do
  [ -d "$d" ] || continue
  for f in "$d"/*.pc; do
    [ -e "$f" ] || continue
    name="$(basename "$f" .pc)"
    case " $TEST_PC " in *" $name "*) continue ;; esac
    [ -e "$work/pc/$name.pc" ] || ln -s "$f" "$work/pc/$name.pc"
  done
done
export PKG_CONFIG_LIBDIR="$work/pc"
export PKG_CONFIG_PATH=""

# 2. Test-only programs shadowed by failing stubs.
mkdir -p "$work/bin"
for tool in clang clang-14 clang-15 clang-format valgrind pytest pytest-3 py.test afl-fuzz mpicc mpirun mpiexec; do
  printf '#!/bin/sh\necho "%s is a test-only tool, hidden by check-run-path.sh" >&2\nexit 127\n' \
    "$tool" >"$work/bin/$tool"
  chmod +x "$work/bin/$tool"
done
export PATH="$work/bin:$PATH"

# 3. Python without pytest.
mkdir -p "$work/py/pytest" "$work/py/_pytest"
for m in pytest _pytest; do
  echo 'raise ImportError("pytest is hidden by check-run-path.sh")' \
    >"$work/py/$m/__init__.py"
done
export PYTHONPATH="$work/py"

fail() { echo "check-run-path: FAILED: $*" >&2; exit 1; }

# The hiding must work, or this check proves nothing.
pkg-config --exists cmocka && fail "cmocka still visible to pkg-config"
/usr/bin/python3 -c "import pytest" 2>/dev/null && fail "pytest still importable"
command -v clang | grep -q "^$work/bin/" || fail "clang not shadowed"
if cmake -S "$src" -B "$work/probe" -DADEX_REQUIRE_TESTS=ON \
     >"$work/probe.log" 2>&1; then
  fail "a configure requiring the tests passed with cmocka hidden"
fi
if cmake -S "$src" -B "$work/probe-mpi" -DADEX_REQUIRE_MPI=ON \
     >"$work/probe-mpi.log" 2>&1; then
  fail "a configure requiring MPI passed with MPI hidden"
fi
echo "check-run-path: test-only packages hidden (cmocka, pytest, clang, valgrind, MPI)"

# A fresh clone of what is committed, as a new user gets it.
git clone -q "$src" "$work/clone"
cd "$work/clone"

echo "check-run-path: scripts/run.sh in a fresh clone"
scripts/run.sh >"$work/run.out" 2>"$work/run.err" \
  || { cat "$work/run.err" >&2; fail "scripts/run.sh exited non-zero"; }
grep -q "^spikes: [0-9]* *mean rate:" "$work/run.out" \
  || { cat "$work/run.out" "$work/run.err" >&2; fail "no summary from scripts/run.sh"; }
grep -q "tests off" "$work/run.err" \
  || fail "no notice that the tests are off"
[ -f adex-default.h5 ] || fail "the default run wrote no adex-default.h5"
grep "^spikes:" "$work/run.out"

echo "check-run-path: scripts/run.sh again (no rebuild, no install)"
before="$(stat -c %Y.%s build/adex build/libadex.so)"
sleep 1
scripts/run.sh >"$work/run2.out" 2>"$work/run2.err" || fail "second scripts/run.sh failed"
grep -q "installing" "$work/run2.err" && fail "second run installed packages"
[ "$(stat -c %Y.%s build/adex build/libadex.so)" = "$before" ] \
  || fail "second run rebuilt the program or the library"
cmp -s <(grep "^spikes:" "$work/run.out") <(grep "^spikes:" "$work/run2.out") \
  || fail "second run gave another summary"

echo "check-run-path: plain cmake configure, build, install"
cmake -S . -B "$work/plain" >"$work/plain.log" 2>&1 \
  || { cat "$work/plain.log" >&2; fail "plain configure failed"; }
cmake --build "$work/plain" -j "$(nproc)" >>"$work/plain.log" 2>&1 \
  || { tail -n 30 "$work/plain.log" >&2; fail "plain build failed"; }
cmake --install "$work/plain" --prefix "$work/prefix" >>"$work/plain.log" 2>&1 \
  || { tail -n 30 "$work/plain.log" >&2; fail "cmake --install failed"; }
[ -x "$work/prefix/bin/adex" ] || fail "installed adex missing"
libdir="$(ls -d "$work"/prefix/lib*/pkgconfig | head -n 1)"
# The installed pkg-config file must let a program build and run.
PKG_CONFIG_LIBDIR="$libdir:$PKG_CONFIG_LIBDIR" \
  gcc -o "$work/fi" examples/fi_curve.c \
    $(PKG_CONFIG_LIBDIR="$libdir:$PKG_CONFIG_LIBDIR" pkg-config --cflags --libs adex) \
  || fail "examples/fi_curve.c does not build against the installed library"
LD_LIBRARY_PATH="$(dirname "$libdir")" "$work/fi" | grep -q "input  rate" \
  || fail "the installed library's example does not run"
"$work/prefix/bin/adex" --version >/dev/null || fail "installed adex does not run"

echo "check-run-path: the Python package after scripts/run.sh alone"
PYTHONPATH="$work/py:python" /usr/bin/python3 -c \
  "import adex; p = adex.AdExIF(2, V_initializer=-65.); p.update(0., 0.1); print('import adex:', adex.__version__)" \
  || fail "import adex failed"
echo "check-run-path: ok"
