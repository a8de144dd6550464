/* SPDX-License-Identifier: MIT */
/*
 * Progress and cancellation of a call, shared by its engines and threads:
 * the only part of the library that reads a clock, and only for a call
 * with a progress callback.
 */
#include <time.h>

#include "internal.h"

static double seconds(void)
{
    struct timespec t;
    timespec_get(&t, TIME_UTC);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void report(sq_monitor *m, double fraction)
{
    if (m->progress != NULL && m->progress(fraction, m->ctx) != 0)
        atomic_store(&m->cancel, 1);
}

void sq_monitor_start(sq_monitor *m, int (*progress)(double, void *), void *ctx,
                      size_t total)
{
    m->progress = progress;
    m->ctx = ctx;
    m->total = total;
    atomic_init(&m->done, 0);
    atomic_init(&m->cancel, 0);
    m->last = progress != NULL ? seconds() : 0.0;
    report(m, 0.0);
}

int sq_monitor_poll(sq_monitor *m, int master)
{
    if (master && m->progress != NULL) {
        double t = seconds();
        if (t - m->last >= 0.01) {
            m->last = t;
            size_t done = atomic_load(&m->done);
            report(m, m->total ? (double)done / (double)m->total : 0.0);
        }
    }
    return atomic_load_explicit(&m->cancel, memory_order_relaxed);
}

void sq_monitor_add_done(sq_monitor *m, size_t n)
{
    if (m != NULL && m->progress != NULL && n > 0)
        atomic_fetch_add(&m->done, n);
}

void sq_monitor_end(sq_monitor *m)
{
    if (!atomic_load(&m->cancel))
        report(m, 1.0);
}
