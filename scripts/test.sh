#!/bin/sh
# SPDX-License-Identifier: MIT
# Build simdquad with -Wall -Wextra -Werror (installing what is missing) and
# run every test. With --sanitize, build and test under AddressSanitizer and
# UndefinedBehaviorSanitizer instead (C only: the Python package would need
# the sanitizers' runtimes preloaded into the interpreter, and Open MPI's own
# allocations would be reported as leaks), with the two long soaks (honesty's
# 10^4 draws, determinism's 20 repeats) at a tenth of their size: the code
# paths are the same, and the plain run has checked the full size.
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh test

dir=build-test
# The Python package, for Debian's interpreter (where the packages above go).
flags="-DCMAKE_BUILD_TYPE=Release -DSIMDQUAD_BUILD_PYTHON=ON -DPython3_EXECUTABLE=/usr/bin/python3 -DSIMDQUAD_BUILD_MPI=ON"
if [ "${1:-}" = "--sanitize" ]; then
  dir=build-sanitize
  flags="-DCMAKE_BUILD_TYPE=RelWithDebInfo -DSIMDQUAD_SANITIZE=address,undefined -DSIMDQUAD_BUILD_PYTHON=OFF -DSIMDQUAD_BUILD_MPI=OFF"
  SIMDQUAD_TEST_SCALE=0.1
  export SIMDQUAD_TEST_SCALE
fi
cmake -S . -B "$dir" -DSIMDQUAD_WERROR=ON $flags >/dev/null
cmake --build "$dir" -j "$(nproc)"
cd "$dir"
ctest --output-on-failure -j 2
