#!/bin/sh
# SPDX-License-Identifier: MIT
# Line and branch coverage of src/ by the test suite (gcov, summarised by
# gcovr), installing what is missing. Built at -O0 so that branches are the
# source's own. The 10^4-draw honesty suite is left out: it repeats, at
# length, paths the others reach, and at -O0 it would take minutes; so is
# the install check, whose consumers do not link gcov. The other soaks (the
# adversarial classes, the determinism matrix) run at a tenth of their size,
# as under the sanitizers: their paths are the same, and at -O0 one class
# alone takes most of its five-minute limit on this 2-core machine.
# Writes build-coverage/coverage.txt (per file) and prints the totals.
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh coverage
cmake -S . -B build-coverage -DCMAKE_BUILD_TYPE=Debug -DSIMDQUAD_COVERAGE=ON \
  -DSIMDQUAD_BUILD_BENCH=OFF -DSIMDQUAD_BUILD_PYTHON=OFF -DSIMDQUAD_BUILD_MPI=OFF >/dev/null
cmake --build build-coverage -j "$(nproc)"
find build-coverage -name '*.gcda' -delete
SIMDQUAD_TEST_SCALE=0.1
export SIMDQUAD_TEST_SCALE
(cd build-coverage && ctest -j 2 -E 'test_honesty|install_consumers' --output-on-failure)
# src/alloc.c is compiled twice, with and without the fault hook, and
# gcovr cannot merge the two; the plain one, which users link, is counted.
find build-coverage -path '*sq_alloc_faults.dir*' \( -name '*.gcno' -o -name '*.gcda' \) \
  -delete
# The summary must come out: a gcovr failure fails the job.
gcovr -r . --object-directory build-coverage --filter 'src/' \
  --exclude-unreachable-branches -b --txt build-coverage/coverage.txt \
  -s > build-coverage/coverage-summary.txt
grep -E '^(lines|functions|branches):' build-coverage/coverage-summary.txt \
  | sed 's/^/coverage of src\/: /'
