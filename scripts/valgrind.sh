#!/bin/sh
# SPDX-License-Identifier: MIT
# Valgrind memcheck on the test suites (and the programs they start), with
# zero errors and zero definite or indirect leaks allowed, installing what
# is missing. The suites whose size is their point (the 10^4-draw honesty
# families, the 20-repeat determinism matrix, the MPFR references) run
# natively elsewhere; under valgrind's fifty-fold slowdown they would take
# hours and find nothing the smaller suites do not reach.
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh valgrind
cmake -S . -B build-valgrind -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSIMDQUAD_BUILD_BENCH=OFF -DSIMDQUAD_BUILD_PYTHON=OFF -DSIMDQUAD_BUILD_MPI=OFF >/dev/null
cmake --build build-valgrind -j "$(nproc)"
cd build-valgrind
vg="valgrind --trace-children=yes --leak-check=full --show-leak-kinds=definite,indirect \
  --errors-for-leak-kinds=definite,indirect --error-exitcode=99 -q"
# Criterion runs each test in a child process and does not pass on the
# child's valgrind exit code, so any valgrind report (with -q it reports
# nothing else) fails the job.
check() {
  name=$1 log=$2 code=$3
  if [ "$code" -eq 0 ] && ! grep -Eq '^==[0-9]+== ' "$log"; then
    echo "valgrind: $name clean"
  else
    echo "valgrind: $name FAILED (exit $code), see build-valgrind/$log" >&2
    grep -E '^==[0-9]+== ' "$log" | head -40 >&2
    return 1
  fi
}
suite() {
  t=$1 code=0
  # The demo is seconds natively and many minutes under valgrind; it runs
  # the paths the other suites do. So are the streaming and Ctrl-C tests'
  # 10^5-row batches, and the streaming test measures the command's own
  # peak memory, which valgrind's would swamp.
  filter="*"
  [ "$t" = test_cli ] && filter='!(cli/the_demo*|cli/a_batch_streams*|cli/ctrl_c*)'
  $vg "tests/$t" --jobs=1 --filter "$filter" >"$t.valgrind.log" 2>&1 || code=$?
  check "$t" "$t.valgrind.log" $code
}
program() {
  p=$1 code=0
  log=$(basename "${p% *}").valgrind.log
  $vg $p >/dev/null 2>"$log" || code=$?
  check "$p" "$log" $code
}
# Valgrind runs one thread at a time: two lanes of about equal time keep
# both cores busy (the whole job took ten minutes in one lane).
lane() {
  failed=0
  for item in "$@"; do
    case $item in
      tests/*|./*) program "$item" || failed=1 ;;
      *) suite "$item" || failed=1 ;;
    esac
  done
  return $failed
}
lane test_batch test_threads test_simpson test_vector test_expr test_api \
     test_deterministic test_cli &
first=$!
status=0
lane test_badinput test_faults test_kernels test_rules \
     "tests/threads_driver 1" ./example_bessel ./example_batch ./example_expensive \
     ./example_params ./example_workspace || status=1
wait "$first" || status=1
# Alone: test_expensive counts the points in flight at once (each call
# sleeps 50 ms), which a second valgrind beside it can starve.
lane test_expensive || status=1
exit $status
