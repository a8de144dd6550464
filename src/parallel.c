/* SPDX-License-Identifier: MIT */
/*
 * The only file that speaks OpenMP. Every threaded loop of the library goes
 * through sq_parallel_for, so scheduling policy lives in one place.
 */
#include <omp.h>

#include "internal.h"

int sq_threads_for(int requested)
{
    if (requested > 0)
        return requested;
    int t = omp_get_max_threads();
    return t > 0 ? t : 1;
}

int sq_default_threads(void)
{
    return sq_threads_for(0);
}

void sq_parallel_for(size_t n, int threads,
                     void (*body)(size_t i, int slot, void *ctx), void *ctx)
{
    /* Nested calls (an integrand that integrates, a caller already in a
     * parallel region) run serially: the results are the same either way,
     * and oversubscription only costs time. */
    if (threads <= 1 || n <= 1 || omp_in_parallel()) {
        for (size_t i = 0; i < n; i++)
            body(i, 0, ctx);
        return;
    }
    if ((size_t)threads > n)
        threads = (int)n;
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
    for (size_t i = 0; i < n; i++)
        body(i, omp_get_thread_num(), ctx);
}
