/* SPDX-License-Identifier: MIT */
/*
 * The only file that speaks OpenMP. Every threaded loop of the library goes
 * through sq_parallel_for, so scheduling policy lives in one place.
 */
#include <ctype.h>
#include <omp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
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

/* The stack libgomp gives its threads: OMP_STACKSIZE (or GOMP_STACKSIZE),
 * a size with an optional B, K, M or G (K by default); 0 for the system's
 * default. */
static size_t omp_stack_bytes(void)
{
    const char *s = getenv("OMP_STACKSIZE");
    if (s == NULL)
        s = getenv("GOMP_STACKSIZE");
    if (s == NULL)
        return 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (end == s)
        return 0;
    while (isspace((unsigned char)*end))
        end++;
    unsigned long long unit = 1024;
    switch (tolower((unsigned char)*end)) {
    case 'b': unit = 1; break;
    case 'k': unit = 1ull << 10; break;
    case 'm': unit = 1ull << 20; break;
    case 'g': unit = 1ull << 30; break;
    case '\0': break;
    default: return 0;
    }
    return v > SIZE_MAX / unit ? SIZE_MAX : (size_t)(v * unit);
}

static void *no_work(void *arg)
{
    return arg;
}

/*
 * How many threads a team can have. libgomp ends the process when it
 * cannot create a thread ("Thread creation failed"), and the library must
 * never end the process; so before the first team of a size on a calling
 * thread, as many threads as the team needs are created (with libgomp's
 * stack size) and joined. If the system refuses some, the team is as
 * large as the system allowed, or the loop runs on the calling thread.
 * libgomp keeps a team's threads for the later teams of the same calling
 * thread, so each calling thread probes a size once: the largest size
 * that worked is remembered per calling thread (thread-local, so calls
 * from different threads never share it).
 */
static int team_fits(int threads)
{
    static _Thread_local int verified = 1;
    if (threads <= verified)
        return threads;
    pthread_t *t = malloc((size_t)(threads - 1) * sizeof *t);
    if (t == NULL)
        return 1;
    pthread_attr_t attr;
    int have_attr = pthread_attr_init(&attr) == 0;
    size_t stack = omp_stack_bytes();
    if (have_attr && stack > 0 && pthread_attr_setstacksize(&attr, stack) != 0) {
        pthread_attr_destroy(&attr);
        free(t);
        return 1;               /* a stack libgomp could not have either */
    }
    int made = 0;
    while (made < threads - 1
           && pthread_create(&t[made], have_attr ? &attr : NULL, no_work, NULL) == 0)
        made++;
    for (int i = 0; i < made; i++)
        pthread_join(t[i], NULL);
    if (have_attr)
        pthread_attr_destroy(&attr);
    free(t);
    if (made + 1 > verified)
        verified = made + 1;
    return made + 1;
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
    threads = team_fits(threads);
    if (threads <= 1) {
        for (size_t i = 0; i < n; i++)
            body(i, 0, ctx);
        return;
    }
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
    for (size_t i = 0; i < n; i++)
        body(i, omp_get_thread_num(), ctx);
}

/* How late a helper may start a paced loop: a team's start-up takes tens
 * of microseconds. */
#define SQ_LATE_START 2e-4

/*
 * The loop of a team of `threads` (team_fits already asked). Iterations are
 * handed out one at a time from a counter. A helper that starts more than
 * SQ_LATE_START after the loop did has waited for its core (a time slice
 * of another process) or woken from sleep; if by then half the iterations
 * are handed out it takes none, and the others finish the loop instead of
 * waiting for an iteration it would start and perhaps be preempted in.
 * Who runs an iteration never changes its result. *busy gets the summed
 * time of the iterations, *declined how late the latest helper that took
 * none was (0: none declined).
 */
static void team_loop(size_t n, int threads, void (*body)(size_t i, int slot, void *ctx),
                      void *ctx, double start, double *busy_out, double *declined_out)
{
    double busy = 0, declined = 0;
    _Atomic size_t next = 0;
#pragma omp parallel num_threads(threads) reduction(+ : busy) reduction(max : declined)
    {
        int slot = omp_get_thread_num();
        double begun = omp_get_wtime() - start;
        if (slot != 0 && begun > SQ_LATE_START
            && atomic_load_explicit(&next, memory_order_relaxed) >= n / 2)
            declined = begun;
        else
            for (;;) {
                size_t i = atomic_fetch_add_explicit(&next, 1, memory_order_relaxed);
                if (i >= n)
                    break;
                double t = omp_get_wtime();
                body(i, slot, ctx);
                busy += omp_get_wtime() - t;
            }
    }
    *busy_out = busy;
    *declined_out = declined;
}

/* The size of the team for a loop of n iterations on `threads` threads
 * under `pace` (paced: the loop also keeps its record): 1 to run it on the
 * calling thread. */
static int team_for(size_t n, int threads, const sq_pace *pace, int paced)
{
    if (threads <= 1 || n <= 1 || omp_in_parallel())
        return 1;
    if ((paced && n < pace->serial_below) || omp_get_wtime() < pace->until)
        return 1;
    if ((size_t)threads > n)
        threads = (int)n;
    return team_fits(threads);
}

void sq_parallel_for_after(const sq_pace *pace, size_t n, int threads,
                           void (*body)(size_t i, int slot, void *ctx), void *ctx)
{
    threads = team_for(n, threads, pace, 0);
    if (threads <= 1) {
        sq_parallel_for(n, 1, body, ctx);
        return;
    }
    double busy, late;
    team_loop(n, threads, body, ctx, omp_get_wtime(), &busy, &late);
}

void sq_parallel_for_paced(sq_pace *pace, size_t n, int threads,
                           void (*body)(size_t i, int slot, void *ctx), void *ctx)
{
    threads = team_for(n, threads, pace, 1);
    if (threads <= 1) {
        sq_parallel_for(n, 1, body, ctx);
        return;
    }
    double start = omp_get_wtime(), busy, declined;
    team_loop(n, threads, body, ctx, start, &busy, &declined);
    double wall = omp_get_wtime() - start;
    /*
     * The team paid if the loop took clearly less than its work would on
     * one thread. When it did not, either a helper was held up (its core
     * busy with another process: it started late, or was preempted in an
     * iteration): the loop lost `late` seconds, and the loops of the next
     * 2^strikes times as long run on the calling thread (at most a second)
     * before the team is tried again; or the loop was too short for the
     * team's start-up: then loops of this many iterations or fewer run on
     * the calling thread from now on.
     *
     * A loop held up costs two strikes, one whose delay was a
     * millisecond, a scheduler's time slice, three; a loop that paid
     * forgives one. On a core shared with another process a helper is on
     * time about half the time, and each loop it holds up costs a time
     * slice: forgiving all after a lucky loop, or as many as are given,
     * kept trying such a team (measured: a batch of 1200 integrals at 0.2
     * times its one-thread speed). This way a team held up in more than a
     * third of its loops is set aside for longer and longer, and one held
     * up now and then (a virtual machine's host takes a slice on an idle
     * machine too) soon runs again. The time set aside is measured in
     * seconds, not loops: a batch's one loop may last a second, a round's
     * a microsecond.
     */
    if (declined > 0 || wall > 0.8 * busy) {
        double late = declined > 0 ? declined : wall - busy / threads;
        if (late > SQ_LATE_START) {
            int add = late > 1e-3 ? 3 : 2;
            pace->strikes = pace->strikes + add < 10 ? pace->strikes + add : 10;
            double aside = late * (double)(1 << pace->strikes);
            pace->until = omp_get_wtime() + (aside < 1.0 ? aside : 1.0);
        } else if (n >= pace->serial_below) {
            pace->serial_below = n + 1;
        }
    } else {
        pace->strikes -= pace->strikes > 0;
    }
}
