#!/bin/sh
# SPDX-License-Identifier: MIT
# Line and branch coverage of src/ by the test suite (gcov, summarised by
# gcovr), installing what is missing. Built at -O0 so that branches are the
# source's own. The 10^4-draw honesty suite is left out: it repeats, at
# length, paths the others reach, and at -O0 it would take minutes; so is
# the install check, whose consumers do not link gcov.
# Writes build-coverage/coverage.txt (per file) and prints the totals.
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh coverage
cmake -S . -B build-coverage -DCMAKE_BUILD_TYPE=Debug -DSIMDQUAD_COVERAGE=ON \
  -DSIMDQUAD_BUILD_BENCH=OFF -DSIMDQUAD_BUILD_PYTHON=OFF >/dev/null
cmake --build build-coverage -j "$(nproc)"
find build-coverage -name '*.gcda' -delete
(cd build-coverage && ctest -j 2 -E 'test_honesty|install_consumers' --output-on-failure)
gcovr -r . --object-directory build-coverage --filter 'src/' \
  --exclude-unreachable-branches -b --txt build-coverage/coverage.txt \
  -s | grep -E '^(lines|functions|branches):' | sed 's/^/coverage of src\/: /'
