#!/bin/sh
# SPDX-License-Identifier: MIT
# Build simdquad with its benchmarks (installing what is missing, GSL and
# gnuplot included) and run them: kernels, math backends, functions, engine
# and a batch (measurements in build/bench-results.json, plots in
# build/bench-plots), then the comparisons with GSL and, for K integrands on
# one subdivision, with cubature. Arguments go to the first two (e.g. --repeats 9).
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh bench
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DSIMDQUAD_BUILD_TESTS=OFF >/dev/null
cmake --build build -j "$(nproc)" >/dev/null
build/bench/simdquad-bench all --json build/bench-results.json \
  --plot build/bench-plots "$@"
build/bench/simdquad-bench peers "$@"
build/bench/simdquad-bench vector
