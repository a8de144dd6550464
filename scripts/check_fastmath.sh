#!/bin/sh
# SPDX-License-Identifier: MIT
# The build must refuse -ffast-math (and -ffinite-math-only, -Ofast): they
# let the compiler assume no NaN or Inf, which deletes the library's checks
# for them. Both guards are tried: CMake's, at configure time, for flags
# given to CMake; the sources' own #error, for flags that reach the
# compiler some other way.
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh build
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
for flag in -ffast-math -Ofast -ffinite-math-only; do
  if cmake -S . -B "$dir/b" -DCMAKE_C_FLAGS="$flag" >"$dir/log" 2>&1; then
    echo "check_fastmath: CMake accepted $flag" >&2
    exit 1
  fi
  grep -q "refuses to build" "$dir/log" || { cat "$dir/log" >&2; exit 1; }
  rm -rf "$dir/b"
  for src in src/adapt.c kernels/isa_gk.c; do
    if cc -std=c11 -fsyntax-only $flag -DSQ_BUILD_SCALAR -Iinclude -Ikernels \
         -Isrc $(pkg-config --cflags sleef) "$src" 2>"$dir/err"; then
      echo "check_fastmath: $src compiled with $flag" >&2
      exit 1
    fi
    grep -q "must not be built with -ffast-math" "$dir/err" || {
      cat "$dir/err" >&2; exit 1; }
  done
done
echo "check_fastmath: -ffast-math, -Ofast and -ffinite-math-only are refused"
