#!/bin/sh
# The built programs' RUNPATH has no empty entry: the loader reads one as
# the current directory, and would look there first for every library
# (CMakeLists.txt, CMAKE_BUILD_WITH_INSTALL_RPATH).
# Usage: tests/check_runpath.sh FILE...   (exit 0: none has one)
status=0
for f in "$@"; do
  if [ ! -f "$f" ]; then
    echo "check_runpath: $f: no such file" >&2
    status=1
    continue
  fi
  line=$(readelf -d "$f" | grep -E '\((RUNPATH|RPATH)\)')
  if [ -z "$line" ]; then
    echo "check_runpath: $f: no run path"
    continue
  fi
  paths=$(echo "$line" | sed -n 's/.*\[\(.*\)\]/\1/p')
  case ":$paths:" in
  *::*)
    echo "check_runpath: $f: empty entry in its run path '$paths'" >&2
    status=1
    ;;
  *) echo "check_runpath: $f: '$paths'" ;;
  esac
done
exit $status
