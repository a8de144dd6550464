/* SPDX-License-Identifier: MIT */
/*
 * Selects the vocabulary of the ISA this translation unit is compiled for.
 * The build compiles every kernels/isa_*.c once per ISA with exactly one of
 * SQ_BUILD_SCALAR, SQ_BUILD_SSE2, SQ_BUILD_AVX2, SQ_BUILD_AVX512 defined.
 */
#ifndef SQ_VEC_H
#define SQ_VEC_H

#include "simdquad.h"

#if defined(SQ_BUILD_SCALAR)
#include "vec_scalar.h"
#elif defined(SQ_BUILD_SSE2)
#include "vec_sse2.h"
#elif defined(SQ_BUILD_AVX2)
#include "vec_avx2.h"
#elif defined(SQ_BUILD_AVX512)
#include "vec_avx512.h"
#else
#error Define one of SQ_BUILD_SCALAR, SQ_BUILD_SSE2, SQ_BUILD_AVX2, SQ_BUILD_AVX512.
#endif

#if defined(__FAST_MATH__) || (defined(__FINITE_MATH_ONLY__) && __FINITE_MATH_ONLY__)
#error simdquad must not be built with -ffast-math: it removes NaN checks.
#endif

/* Before a loop whose iterations touch distinct arrays (inputs never alias
 * outputs): lets the compiler vectorize without run-time alias checks,
 * which it gives up on beyond a handful of pointers. */
#if defined(__clang__)
#define SQ_INDEPENDENT_ITERATIONS _Pragma("clang loop vectorize(assume_safety)")
#elif defined(__GNUC__)
#define SQ_INDEPENDENT_ITERATIONS _Pragma("GCC ivdep")
#else
#define SQ_INDEPENDENT_ITERATIONS
#endif

/* Names of the per-ISA symbols shared between files of one ISA. */
#define SQ_CAT_(a, b) a##_##b
#define SQ_CAT(a, b) SQ_CAT_(a, b)
#define SQ_ISA_SYM(name) SQ_CAT(name, SQ_ISA_SUFFIX)

#include "vmath.h"

#endif
