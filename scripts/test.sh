#!/bin/sh
# SPDX-License-Identifier: MIT
# Build simdquad with -Wall -Wextra -Werror (installing what is missing) and
# run every test. With --sanitize, build and test under AddressSanitizer and
# UndefinedBehaviorSanitizer instead.
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh test

dir=build-test
flags="-DCMAKE_BUILD_TYPE=Release"
if [ "${1:-}" = "--sanitize" ]; then
  dir=build-sanitize
  flags="-DCMAKE_BUILD_TYPE=RelWithDebInfo -DSIMDQUAD_SANITIZE=address,undefined"
fi
cmake -S . -B "$dir" -DSIMDQUAD_WERROR=ON $flags >/dev/null
cmake --build "$dir" -j "$(nproc)"
cd "$dir"
ctest --output-on-failure -j 2
