/* SPDX-License-Identifier: MIT */
/* Many Genz integrals at once: simdquad's batch against GSL loops. */
#ifndef SQ_GENZ_BATCH_H
#define SQ_GENZ_BATCH_H

#include <stddef.h>

/* Print the comparison for `total` problems on 1 and `threads` threads. */
void bench_genz_batch(size_t total, int threads, int repeats);

#endif
