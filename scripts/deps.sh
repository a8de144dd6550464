#!/bin/sh
# SPDX-License-Identifier: MIT
# Install, on Debian or Ubuntu, whatever simdquad needs and is missing.
#   scripts/deps.sh build   compiler, CMake, pkg-config, SLEEF
#   scripts/deps.sh test    the above, Criterion, MPFR, Open MPI, and for the
#                           Python package Python's headers, NumPy, pytest,
#                           SciPy, tqdm, Dask's distributed, mpi4py, venv,
#                           wheel
#   scripts/deps.sh bench   the above, GSL (the peer in the benchmarks),
#                           cubature (the vector benchmark's) and gnuplot
#                           (the plots)
#   scripts/deps.sh fuzz    the above and clang with libFuzzer and OpenMP
#   scripts/deps.sh tsan    test's, and clang with OpenMP and its ThreadSanitizer
#                           support (libarcher)
#   scripts/deps.sh valgrind     test's and valgrind
#   scripts/deps.sh coverage     test's and gcovr
set -eu

need=""
have_pc() { pkg-config --exists "$1" 2>/dev/null; }
command -v cmake >/dev/null 2>&1 || need="$need cmake"
command -v cc >/dev/null 2>&1 || need="$need gcc"
command -v make >/dev/null 2>&1 || need="$need make"
command -v pkg-config >/dev/null 2>&1 || need="$need pkg-config"
have_pc sleef || need="$need libsleef-dev"
group=${1:-build}
case "$group" in
  test|tsan|valgrind|coverage)
    have_pc criterion || need="$need libcriterion-dev"
    have_pc mpfr || need="$need libmpfr-dev" ;;
esac
if [ "$group" = test ]; then
  # The MPI batch and its tests (mpirun on loopback).
  have_pc ompi-c || need="$need libopenmpi-dev"
  command -v mpirun >/dev/null 2>&1 || need="$need openmpi-bin"
  py=/usr/bin/python3
  [ -x "$py" ] || need="$need python3"
  [ -x "$py" ] && "$py" -c 'import sysconfig, os; assert os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h"))' 2>/dev/null || need="$need python3-dev"
  # wheel and setuptools: pip's build of the package in a venv that sees
  # the system's site-packages (the README's install, tested).
  for m in numpy:python3-numpy pytest:python3-pytest scipy:python3-scipy \
           tqdm:python3-tqdm distributed:python3-distributed ensurepip:python3-venv \
           wheel:python3-wheel setuptools:python3-setuptools mpi4py:python3-mpi4py; do
    [ -x "$py" ] && "$py" -c "import ${m%%:*}" 2>/dev/null || need="$need ${m#*:}"
  done
fi
case "$group" in
  tsan)
    command -v clang >/dev/null 2>&1 || need="$need clang"
    [ -f /usr/lib/llvm-14/lib/libarcher.so ] || need="$need libomp-14-dev" ;;
  valgrind)
    command -v valgrind >/dev/null 2>&1 || need="$need valgrind" ;;
  coverage)
    command -v gcovr >/dev/null 2>&1 || need="$need gcovr" ;;
  bench)
    have_pc gsl || need="$need libgsl-dev"
    # cubature's hcubature_v, the peer of simdquad-bench vector (no .pc file).
    [ -f /usr/include/cubature.h ] || need="$need libcubature-dev"
    command -v gnuplot >/dev/null 2>&1 || need="$need gnuplot-nox" ;;
  fuzz)
    command -v clang >/dev/null 2>&1 || need="$need clang"
    # libFuzzer and the sanitizer runtimes; OpenMP for clang.
    clang_rt=$(clang -print-file-name=libclang_rt.fuzzer-x86_64.a 2>/dev/null || true)
    [ -f "$clang_rt" ] || need="$need libclang-rt-14-dev"
    [ -f /usr/lib/llvm-14/lib/libomp.so ] || need="$need libomp-14-dev" ;;
esac

if [ -n "$need" ]; then
  echo "installing:$need" >&2
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo=sudo; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $need >/dev/null
fi
