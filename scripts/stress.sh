#!/bin/sh
# SPDX-License-Identifier: MIT
# The stress run (tests/stress.c): a batch of $1 problems (default 10^7),
# one in a hundred hopeless, installing what is missing. Checks that every
# problem gets one status, the tame ones are right, the hopeless ones spend
# their budget, and memory beyond the inputs and results stays bounded;
# reports peak memory and how much the hopeless 1% delays the rest.
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh test
cmake -S . -B build-test -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build-test -j "$(nproc)" --target stress
build-test/tests/stress "${1:-1e7}"
