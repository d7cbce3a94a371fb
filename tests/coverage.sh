#!/bin/sh
# Line coverage of src/ from a --coverage build of the test suite (gcov,
# which comes with gcc). Usage: sh tests/coverage.sh BUILD_DIR
# Prints one line per file and the total; .gcov files go to BUILD_DIR/gcov/.
set -eu
build=${1:-build-cov}
out="$build/gcov"
mkdir -p "$out"
top=$(pwd)
for src in src/*.c src/dist/*.c src/sample/*.c; do
    obj="$build/$(dirname "$src")"
    (cd "$out" && gcov -n -o "$top/$obj" "$top/$src" 2>/dev/null) |
        awk -v f="$src" '/^File/ { cur = $2; gsub(/\x27/, "", cur) }
             /^Lines executed/ && index(cur, f) {
                 split($2, a, ":"); sub(/%/, "", a[2]); print f, a[2], $4; exit }'
done | awk '{ pct = $2; n = $3; hit = pct * n / 100;
              printf "%-28s %6.1f%% of %5d lines\n", $1, pct, n; H += hit; N += n }
            END { printf "%-28s %6.1f%% of %5d lines\n", "TOTAL src/", 100 * H / N, N }'
