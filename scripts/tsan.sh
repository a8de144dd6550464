#!/bin/sh
# SPDX-License-Identifier: MIT
# ThreadSanitizer on the threaded paths: clang with LLVM's OpenMP runtime,
# whose Archer tool (libarcher) tells TSan what OpenMP's barriers and
# tasks synchronise, installing what is missing. Criterion's sandbox cannot
# start under TSan (Snaipe/Criterion#274), so the threaded paths run from
# tests/threads_driver.c, and the expensive-integrand example exercises the
# worker pool. A planted race (tests/tsan_canary.c) must be reported first,
# so that silence means something.
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh tsan
rounds=${1:-2}
CC=clang cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSIMDQUAD_SANITIZE=thread -DSIMDQUAD_WERROR=ON -DSIMDQUAD_BUILD_BENCH=OFF -DSIMDQUAD_BUILD_PYTHON=OFF \
  -DSIMDQUAD_BUILD_CLI=OFF >/dev/null
cmake --build build-tsan -j "$(nproc)" --target threads_driver example_expensive
archer=/usr/lib/llvm-14/lib/libarcher.so
export OMP_TOOL_LIBRARIES="$archer"
# The OpenMP runtime itself is not instrumented: Archer supplies its
# synchronisation, and its internal allocator is not ours to check.
export TSAN_OPTIONS="ignore_noninstrumented_modules=1 halt_on_error=1 exitcode=66"

clang -fopenmp -fsanitize=thread -g tests/tsan_canary.c -o build-tsan/tsan_canary
if build-tsan/tsan_canary >/dev/null 2>build-tsan/canary.log; then
  echo "tsan.sh: the planted race went unreported; the set-up is broken" >&2
  exit 1
fi
grep -q "data race" build-tsan/canary.log || {
  cat build-tsan/canary.log >&2; exit 1; }
echo "tsan.sh: the planted race is reported"

build-tsan/tests/threads_driver "$rounds"
build-tsan/example_expensive
echo "tsan.sh: no data race"
