#!/bin/sh
# SPDX-License-Identifier: MIT
# Build simdquad (installing what is missing) and run its demonstration.
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh build
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DSIMDQUAD_BUILD_TESTS=OFF >/dev/null
cmake --build build -j "$(nproc)" >/dev/null
exec build/simdquad demo
