#!/bin/sh
# SPDX-License-Identifier: MIT
# Build the fuzzers with clang (libFuzzer, AddressSanitizer,
# UndefinedBehaviorSanitizer), installing what is missing, and run each for
# $1 seconds (default 60): fuzz_expr (the expression compiler and machine)
# from tests/fuzz/corpus, fuzz_api (the integration API with fuzzed
# arguments and integrands) from tests/fuzz/corpus_api. New inputs go to a
# temporary directory; a crash leaves its input in build-fuzz/.
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh fuzz
seconds=${1:-60}
CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSIMDQUAD_FUZZ=ON -DSIMDQUAD_SANITIZE=address,undefined,fuzzer-no-link \
  -DSIMDQUAD_WERROR=ON -DSIMDQUAD_BUILD_TESTS=OFF -DSIMDQUAD_BUILD_BENCH=OFF -DSIMDQUAD_BUILD_PYTHON=OFF \
  -DSIMDQUAD_BUILD_CLI=OFF >/dev/null
cmake --build build-fuzz -j "$(nproc)" --target fuzz_expr fuzz_api
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd build-fuzz
mkdir -p "$work/expr" "$work/api"
./fuzz_expr -max_total_time="$seconds" -max_len=4096 -timeout=10 \
  -rss_limit_mb=2048 -print_final_stats=1 "$work/expr" ../tests/fuzz/corpus
./fuzz_api -max_total_time="$seconds" -max_len=512 -timeout=20 \
  -rss_limit_mb=2048 -print_final_stats=1 "$work/api" ../tests/fuzz/corpus_api
