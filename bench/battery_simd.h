/* SPDX-License-Identifier: MIT */
/* The battery's integrands vectorized with SLEEF (AVX2), for the benchmarks. */
#ifndef SQ_BATTERY_SIMD_H
#define SQ_BATTERY_SIMD_H

#include <stddef.h>

#include "battery.h"

/* 1 if this CPU runs the AVX2 integrands. */
int battery_simd_available(void);

/* A batch integrand for simdquad: ctx points to the battery_problem. */
int battery_simd_batch(size_t n, const double *x, double *y, void *ctx);

#endif
