#!/bin/sh
# SPDX-License-Identifier: MIT
# Build the expression fuzzer with clang (libFuzzer, AddressSanitizer,
# UndefinedBehaviorSanitizer), installing what is missing, and run it for
# $1 seconds (default 60) from the corpus in tests/fuzz/corpus. New inputs
# go to a temporary directory; a crash leaves its input in build-fuzz/.
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh fuzz
seconds=${1:-60}
CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSIMDQUAD_FUZZ=ON -DSIMDQUAD_SANITIZE=address,undefined,fuzzer-no-link \
  -DSIMDQUAD_WERROR=ON -DSIMDQUAD_BUILD_TESTS=OFF -DSIMDQUAD_BUILD_BENCH=OFF \
  -DSIMDQUAD_BUILD_CLI=OFF >/dev/null
cmake --build build-fuzz -j "$(nproc)" --target fuzz_expr
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd build-fuzz
./fuzz_expr -max_total_time="$seconds" -max_len=4096 -timeout=10 \
  -rss_limit_mb=2048 -print_final_stats=1 "$work" ../tests/fuzz/corpus
