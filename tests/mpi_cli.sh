#!/bin/sh
# SPDX-License-Identifier: MIT
# The command's batch under mpirun gives the file of one process, byte for
# byte, and fails or cancels cleanly.
#
#   mpi_cli.sh SIMDQUAD MPIEXEC same N ROWS   N ranks: automatic blocks and
#                                             blocks of 997 bytes, CSV and JSON
#   mpi_cli.sh SIMDQUAD MPIEXEC faults        a bad row with --strict, a
#                                             missing column, unwritable
#                                             output, stdin
#   mpi_cli.sh SIMDQUAD MPIEXEC cancel        SIGUSR1 to mpirun: every row
#                                             written, exit 130
set -eu
sq=$1
mpiexec=$2
what=$3
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"
run() { np=$1; shift; "$mpiexec" -n "$np" --oversubscribe "$sq" "$@"; }
fail() { echo "FAIL: $*"; exit 1; }

# Problems: 1% hopeless (a near-divergent singularity that spends its
# budget), breakpoints on some rows, comments, a blank line, a bad cell and
# a short row, each with its line number in the output.
rows() {
  awk -v n="$1" 'BEGIN {
    print "# problems for the MPI batch"
    print "a,b,p0,p1,p2,points"
    s = 12345
    for (i = 0; i < n; i++) {
      s = (s * 1103515245 + 12345) % 2147483648; p0 = 1 + 19 * s / 2147483648
      s = (s * 1103515245 + 12345) % 2147483648; p1 = s / 2147483648
      s = (s * 1103515245 + 12345) % 2147483648; p2 = s / 2147483648
      pts = (i % 10 == 3) ? sprintf("%.6f", p1) : ""
      if (i == 100) print "0,1,abc,0.5,0,"
      else if (i == 200) print "0,1,2"
      else if (i == 300) { print ""; print "# a comment inside" }
      else printf "0,1,%.9f,%.9f,%.9f,%s\n", p0, p1, p2, pts
    }
  }' > problems.csv
}
expr='where(p2 > 0.99, abs(x-p1)^(-0.999), exp(-p0*p0*(x-p1)^2))'

case "$what" in
same)
  np=$4
  rows "$5"
  rc1=0; "$sq" batch "$expr" --params problems.csv --out one.csv --max-evals 20000 \
    2>/dev/null || rc1=$?
  [ "$rc1" = 1 ] || fail "one process exited $rc1, not 1 (bad rows)"
  grep -q '^.*,bad_input,.*line 103: p0' one.csv || fail "no bad_input row with its line"
  "$sq" batch "$expr" --params problems.csv --out one.json --json --max-evals 20000 \
    2>/dev/null || true
  for block in auto 997; do
    extra=""
    [ "$block" = auto ] || extra="--block $block"
    rc=0; run "$np" batch "$expr" --params problems.csv --out mpi.csv --max-evals 20000 \
      $extra 2>err.txt >/dev/null || rc=$?
    [ "$rc" = "$rc1" ] || { cat err.txt; fail "$np ranks, block $block: exit $rc"; }
    cmp one.csv mpi.csv || fail "$np ranks, block $block: not the rows of one process"
    rc=0; run "$np" batch "$expr" --params problems.csv --out mpi.json --json \
      --max-evals 20000 $extra 2>/dev/null >/dev/null || rc=$?
    cmp one.json mpi.json || fail "$np ranks, block $block, JSON: not one process's"
    ls ./*.part-* >/dev/null 2>&1 && fail "a temporary file was left"
  done
  grep -c "max_evals" one.csv >/dev/null || fail "no hopeless problem ran out"
  echo "$np ranks: $(($(wc -l < one.csv) - 1)) rows identical to one process"
  ;;
faults)
  rows 3000
  rc=0; run 3 batch "$expr" --params problems.csv --out out.csv --strict --block 2000 \
    2>err.txt >/dev/null || rc=$?
  [ "$rc" != 0 ] || fail "--strict with a bad row exited 0"
  [ ! -e out.csv ] || fail "--strict with a bad row left an output file"
  ls ./*.part-* >/dev/null 2>&1 && fail "--strict left a temporary file"
  grep -q "problems.csv:103: p0: 'abc' is not a number" err.txt || fail "no line in the message"
  grep -q "no output was written" err.txt || fail "no word that nothing was written"
  rc=0; run 2 batch 'exp(-p7*x)' --params problems.csv --out out.csv 2>err.txt \
    >/dev/null || rc=$?
  [ "$rc" = 2 ] || fail "a missing column exited $rc"
  [ "$(grep -c 'uses p7' err.txt)" = 1 ] || fail "the missing column not said once"
  rc=0; run 2 batch "$expr" --params problems.csv --out /nonexistent/out.csv 2>err.txt \
    >/dev/null || rc=$?
  [ "$rc" = 2 ] && grep -q "cannot write" err.txt || fail "an unwritable output: $rc"
  rc=0; run 2 batch "$expr" --params - --out out.csv < problems.csv 2>err.txt \
    >/dev/null || rc=$?
  [ "$rc" = 2 ] && grep -q "must be files" err.txt || fail "stdin under MPI: $rc"
  echo "faults: ok"
  ;;
cancel)
  # Every problem is hopeless and the budget large: only the signal ends it.
  awk 'BEGIN { print "a,b,p0"; for (i = 0; i < 20000; i++) print "0,1," (i % 7 + 2) }' \
    > slow.csv
  "$mpiexec" -n 2 --oversubscribe "$sq" batch 'abs(x-1/p0)^(-0.9999)' --params slow.csv \
    --out out.csv --threads 1 --block 20000 --max-evals 100000000 2>err.txt >/dev/null &
  pid=$!
  # Once the ranks are solving (the temporary output exists, so their
  # handlers are in place), ask for a cancel.
  i=0
  while ! ls out.csv.part-* >/dev/null 2>&1; do
    i=$((i + 1))
    [ "$i" -lt 1200 ] || fail "the batch did not start in 120 s"
    sleep 0.1
  done
  sleep 0.5
  kill -USR1 "$pid"
  rc=0; wait "$pid" || rc=$?
  [ "$rc" = 130 ] || { cat err.txt; fail "cancel exited $rc, not 130"; }
  [ "$(wc -l < out.csv)" = 20001 ] || fail "not every row was written"
  grep -q ",cancelled," out.csv || fail "no row was cancelled"
  grep -q "interrupted" err.txt || fail "no word of the interruption"
  echo "cancel: $(grep -c ',cancelled,' out.csv) of 20000 rows cancelled, every row written"
  ;;
*)
  fail "unknown mode $what"
  ;;
esac
