#!/bin/sh
# SPDX-License-Identifier: MIT
# The command's batch under mpirun against the same command in one process,
# side by side in one run, medians of repeats: N problems (1% hopeless, as
# tests/mpi_cli.sh draws them) from a CSV file to a CSV file.
#
#   bench/mpi_batch.sh [BUILD_DIR [N [REPEATS]]]     (build 1000000 3)
#
# Times are the jobs' own (the summary line: from MPI's start to the output
# renamed), so mpirun's start and its slow exit after a non-zero status are
# left out; the one-process times are whole runs of the command.
set -eu
build=${1:-build}
n=${2:-1000000}
repeats=${3:-3}
sq=$(cd "$build" && pwd)/simdquad
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_btl=self,vader,tcp OMPI_MCA_btl_tcp_if_include=lo
export OMPI_MCA_oob_tcp_if_include=lo
awk -v n="$n" 'BEGIN {
  print "a,b,p0,p1,p2"; s = 12345
  for (i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648; p0 = 1 + 19 * s / 2147483648
    s = (s * 1103515245 + 12345) % 2147483648; p1 = s / 2147483648
    s = (s * 1103515245 + 12345) % 2147483648; p2 = s / 2147483648
    printf "0,1,%.9f,%.9f,%.9f\n", p0, p1, p2
  }
}' > problems.csv
expr='where(p2 > 0.99, abs(x-p1)^(-0.999), exp(-p0*p0*(x-p1)^2))'

echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores"
echo "compiler: $(cc --version | head -1); MPI: $(mpirun --version 2>/dev/null | head -1)"
echo "simdquad: $("$sq" version)"
echo "$n problems, $(wc -c < problems.csv) bytes of CSV, median of $repeats"

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
one() {
  for r in $(seq "$repeats"); do
    s=$(date +%s.%N)
    "$sq" batch "$expr" --params problems.csv --out one.csv --max-evals 20000 \
      --threads "$1" 2>/dev/null || true
    awk -v a="$s" -v b="$(date +%s.%N)" 'BEGIN { print b - a }'
  done | median
}
ranks() {
  np=$1; shift
  for r in $(seq "$repeats"); do
    mpirun -n "$np" "$@" "$sq" batch "$expr" --params problems.csv --out mpi.csv \
      --max-evals 20000 --threads 1 2>&1 >/dev/null |
      sed -n 's/.* on [0-9]* ranks, \([0-9.e+-]*\) s .*/\1/p'
    cmp -s one.csv mpi.csv || { echo "not the bits of one process" >&2; exit 1; }
  done | median
}
t1=$(one 1)
t2=$(one 2)
r1=$(ranks 1)
r2=$(ranks 2)
r4=$(ranks 4 --oversubscribe)
printf '%-36s %8s %10s\n' "run" "seconds" "vs 2 threads"
for row in "one process, 1 thread:$t1" "one process, 2 threads:$t2" \
           "mpirun -n 1, 1 thread:$r1" "mpirun -n 2, 1 thread each:$r2" \
           "mpirun -n 4 (oversubscribed):$r4"; do
  name=${row%:*}
  t=${row##*:}
  printf '%-36s %8.2f %9.2fx\n' "$name" "$t" "$(awk -v a="$t" -v b="$t2" 'BEGIN { print a / b }')"
done
echo "every MPI output identical to the one-process file"
