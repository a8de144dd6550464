/* SPDX-License-Identifier: MIT */
/* Bare SLEEF and libmvec per ISA, for the benchmarks (bench/isa_bench.c). */
#ifndef SQ_BENCH_ISA_H
#define SQ_BENCH_ISA_H

#include <stddef.h>

#include "kernels.h"

typedef void bench_loop(size_t n, const double *x, double *y);

/* A function of the expression language: SLEEF's 1.0-ulp version and its
 * 3.5-ulp one (NULL where SLEEF has none), as opaque pointers for apply. */
typedef struct bench_fn {
    const char *name;
    const void *u10, *u35;
} bench_fn;

/* The functions the math backends are compared on, bare. */
enum bench_math_fn { BM_SIN, BM_COS, BM_EXP, BM_LOG, BM_GAUSS_COS, BM_COUNT };

typedef struct bench_isa {
    int isa;
    size_t vlen;
    bench_loop *bare[SQK_COUNT];   /* the kernels, on SLEEF directly */
    const bench_fn *fns;
    size_t nfns;
    /* Each backend's library called directly, in the same loop as the
     * kernels (indexed by sq_math; NULL where this ISA lacks it). */
    bench_loop *bare_math[SQ_MATH_COUNT][BM_COUNT];
    /* y = fn(x) over n points (a multiple of vlen). */
    void (*apply)(const void *fn, size_t n, const double *x, double *y);
} bench_isa;

extern const bench_isa bench_isa_scalar, bench_isa_sse2, bench_isa_avx2,
    bench_isa_avx512;

#endif
