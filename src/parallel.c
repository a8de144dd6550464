/* SPDX-License-Identifier: MIT */
/*
 * The only file that speaks OpenMP. Every threaded loop of the library goes
 * through sq_parallel_for, so scheduling policy lives in one place.
 */
#include <omp.h>
#include <threads.h>

#include "internal.h"

/* Processors available, asked once per process (omp_get_num_procs is a
 * system call); written under call_once, read-only afterwards. */
static once_flag procs_once = ONCE_FLAG_INIT;
static int nprocs;

static void count_processors(void)
{
    nprocs = omp_get_num_procs();
}

static int processors(void)
{
    call_once(&procs_once, count_processors);
    return nprocs;
}

int sq_threads_for(int requested)
{
    int t = requested > 0 ? requested : omp_get_max_threads();
    /* The engine's threads compute: beyond a few per processor they only
     * cost memory and thread start-ups (a million asked for would take
     * seconds and gigabytes). Results are the same for any count. */
    int procs = processors();
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

void sq_parallel_for_paced(sq_pace *pace, size_t n, int threads,
                           void (*body)(size_t i, int slot, void *ctx), void *ctx)
{
    if (threads <= 1 || n <= 1 || omp_in_parallel()) {
        sq_parallel_for(n, 1, body, ctx);
        return;
    }
    if (pace->skip > 0 || n < pace->serial_below) {
        pace->skip -= pace->skip > 0;
        sq_parallel_for(n, 1, body, ctx);
        return;
    }
    if ((size_t)threads > n)
        threads = (int)n;
    double start = omp_get_wtime(), busy = 0;
#pragma omp parallel num_threads(threads) reduction(+ : busy)
    {
        int slot = omp_get_thread_num();
#pragma omp for schedule(dynamic, 1) nowait
        for (size_t i = 0; i < n; i++) {
            double t = omp_get_wtime();
            body(i, slot, ctx);
            busy += omp_get_wtime() - t;
        }
    }
    double wall = omp_get_wtime() - start;
    /* The team paid if the loop took clearly less than its work would on
     * one thread. When it did not, either a helper started late, a time
     * slice after the others (a core busy with another process): then the
     * next loops run on the calling thread, twice as many after each such
     * loop in a row (at most 1024), before the team is tried again; or the
     * loop was too short for the team's start-up: then loops of this many
     * iterations or fewer run on the calling thread from now on. */
    if (wall > 0.8 * busy) {
        if (wall - busy / threads > 2e-4) {
            pace->strikes = pace->strikes < 10 ? pace->strikes + 1 : 10;
            pace->skip = 1 << pace->strikes;
        } else if (n >= pace->serial_below) {
            pace->serial_below = n + 1;
        }
    } else {
        pace->strikes = 0;
    }
}
