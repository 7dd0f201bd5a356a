#!/usr/bin/env bash
# Check that every C source and header is formatted as .clang-format says
# (clang-format from Debian's clang-format package, installed by
# scripts/deps.sh test). Prints the files that differ and exits 1 if any
# does; `scripts/check-format.sh --fix` reformats them instead.
set -euo pipefail
cd "$(dirname "$0")/.."
fmt=$(command -v clang-format || command -v clang-format-14 || true)
if [ -z "$fmt" ]; then
  echo "check-format: clang-format is not installed (scripts/deps.sh test)" >&2
  exit 1
fi
# tracked files and new ones not yet added (not the ignored build trees)
mapfile -t files < <(git ls-files --cached --others --exclude-standard '*.c' '*.h')
if [ "${1:-}" = "--fix" ]; then
  "$fmt" -i "${files[@]}"
  exit 0
fi
bad=0
for f in "${files[@]}"; do
  if ! "$fmt" "$f" | cmp -s - "$f"; then
    echo "check-format: $f is not formatted (scripts/check-format.sh --fix)"
    bad=1
  fi
done
[ "$bad" = 0 ] && echo "check-format: ${#files[@]} files formatted"
exit "$bad"
