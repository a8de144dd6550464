/* SPDX-License-Identifier: MIT */
/*
 * Shared by the benchmark programs: a monotonic clock, medians of repeated
 * measurements, and the report header that says what was measured on.
 */
#ifndef SQ_BENCH_UTIL_H
#define SQ_BENCH_UTIL_H

#include <stddef.h>
#include <stdio.h>

/* Seconds on a monotonic clock. */
double bench_now(void);

/* Summary of repeated timings. */
typedef struct bench_stat {
    double median, min, max;
} bench_stat;

/* Median, min and max of n samples (the array is sorted in place). */
bench_stat bench_summarize(double *samples, size_t n);

/*
 * Time fn(ctx) `repeats` times after one warm-up call; each sample is the
 * time of one call.
 */
bench_stat bench_time(void (*fn)(void *ctx), void *ctx, int repeats);

/*
 * Time fn_a and fn_b alternately, `repeats` pairs after one warm-up each, so
 * that both see the same machine state. Returns the median over pairs of
 * time(b) / time(a); *a and *b (if not NULL) get each side's summary.
 */
double bench_ratio(void (*fn_a)(void *), void *ctx_a, void (*fn_b)(void *),
                   void *ctx_b, int repeats, bench_stat *a, bench_stat *b);

/* Print the machine, compiler, flags, SLEEF version and ISA as Markdown. */
void bench_header(FILE *out, const char *title, int threads);

/* The CPU model name from /proc/cpuinfo, or "unknown". */
const char *bench_cpu_model(void);

/* The vector-related CPU flags from /proc/cpuinfo (sse2 ... avx512vl). */
const char *bench_cpu_flags(void);

#endif
