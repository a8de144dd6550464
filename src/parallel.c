/* SPDX-License-Identifier: MIT */
/*
 * The only file that speaks OpenMP. Every threaded loop of the library goes
 * through sq_parallel_for, so scheduling policy lives in one place.
 */
#include <omp.h>

#include "internal.h"

int sq_threads_for(int requested)
{
    int t = requested > 0 ? requested : omp_get_max_threads();
    /* The engine's threads compute: beyond a few per processor they only
     * cost memory and thread start-ups (a million asked for would take
     * seconds and gigabytes). Results are the same for any count. */
    int procs = omp_get_num_procs();
    int cap = procs > 0 ? SQ_THREADS_PER_PROC * procs : SQ_THREADS_PER_PROC;
    if (t > cap)
        t = cap;
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
