#!/bin/sh
# SPDX-License-Identifier: MIT
# Build simdquad with its benchmarks (installing what is missing, GSL
# included) and run them: kernels and engine, then the battery against GSL.
# Arguments go to both programs (e.g. --repeats 9).
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh bench
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DSIMDQUAD_BUILD_TESTS=OFF >/dev/null
cmake --build build -j "$(nproc)" >/dev/null
build/bench/simdquad-bench "$@"
build/bench/simdquad-peers "$@"
