/* SPDX-License-Identifier: MIT */
/*
 * Stress: a batch of many problems, one in a hundred of them hopeless (an
 * oscillation far too fast for its budget, so it spends all of it).
 *
 *   stress [problems] [threads]       (default 10^7, all cores)
 *
 * Checks, and exits 1 if any fails: every problem gets exactly one status
 * (a sentinel in every result slot must be overwritten); every tame problem
 * is OK within its tolerance; every hopeless one ends MAX_EVALS within one
 * round of its budget; the memory beyond the caller's inputs and results
 * stays under a fixed bound, whatever the number of problems.
 *
 * Reports, without judging (timings belong to benchmarks): the peak
 * resident memory, and how much the hopeless 1% delays the other 99%: the
 * time until 99% of the mixed batch has finished, against the time the
 * tame problems take alone.
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "simdquad.h"

enum { BUDGET = 20000, EVERY = 100 };
static const size_t OVERHEAD_MAX = (size_t)256 << 20;   /* bytes */

typedef struct {
    const double *a, *u;
    const unsigned char *hopeless;
} params;

static int f(size_t n, const double *x, const size_t *pid, double *y, void *ctx)
{
    const params *p = ctx;
    for (size_t i = 0; i < n; i++) {
        size_t k = pid[i];
        double d = x[i] - p->u[k];
        y[i] = p->hopeless[k] ? cos(1e7 * p->a[k] * x[i])
                              : exp(-p->a[k] * p->a[k] * d * d);
    }
    return 0;
}

static double exact(double a, double u)
{
    return sqrt(3.14159265358979323846) / (2 * a) * (erf(a * (1 - u)) + erf(a * u));
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static size_t peak_rss(void)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return (size_t)u.ru_maxrss * 1024;
}

typedef struct {
    double start, t99;
} clock99;

static int progress(double fraction, void *ctx)
{
    clock99 *c = ctx;
    if (fraction >= 0.99 && c->t99 == 0)
        c->t99 = now() - c->start;
    return 0;
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? (size_t)atof(argv[1]) : 10000000;
    int threads = argc > 2 ? atoi(argv[2]) : 0;
    double *lo = malloc(n * sizeof *lo), *hi = malloc(n * sizeof *hi);
    double *a = malloc(n * sizeof *a), *u = malloc(n * sizeof *u);
    unsigned char *hopeless = malloc(n);
    sq_result *r = malloc(n * sizeof *r);
    if (!lo || !hi || !a || !u || !hopeless || !r) {
        fprintf(stderr, "stress: out of memory for %zu problems\n", n);
        return 1;
    }
    unsigned long long s = 42;
    size_t nhopeless = 0;
    for (size_t i = 0; i < n; i++) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        double r1 = (double)(s >> 11) * 0x1p-53;
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        double r2 = (double)(s >> 11) * 0x1p-53;
        lo[i] = 0;
        hi[i] = 1;
        a[i] = 5 + 45 * r1;
        u[i] = r2;
        hopeless[i] = i % EVERY == EVERY / 2;
        nhopeless += hopeless[i];
    }
    size_t inputs = n * (4 * sizeof(double) + 1 + sizeof(sq_result));
    params p = {a, u, hopeless};
    sq_integrand g = sq_fn_param(f, &p);
    sq_options o;
    sq_options_init(&o);
    o.threads = threads;
    o.epsrel = 1e-10;
    o.max_evals = BUDGET;

    /* The tame problems alone, for the comparison: the same arrays with
     * the hopeless ones given an empty range (no work, no evaluation). */
    for (size_t i = 0; i < n; i++)
        if (hopeless[i])
            hi[i] = 0;
    sq_batch b = {.n = n, .a = lo, .b = hi};
    double t0 = now();
    sq_integrate_batch(NULL, &g, &b, &o, r);
    double t_tame = now() - t0;
    for (size_t i = 0; i < n; i++)
        if (hopeless[i])
            hi[i] = 1;

    /* The mixed batch, with every result slot poisoned first. */
    memset(r, 0xA5, n * sizeof *r);
    clock99 c = {now(), 0};
    o.progress = progress;
    o.progress_ctx = &c;
    sq_integrate_batch(NULL, &g, &b, &o, r);
    double t_mixed = now() - c.start;
    size_t rss = peak_rss();

    int bad = 0;
    size_t ok = 0, spent = 0;
    for (size_t i = 0; i < n; i++) {
        if ((unsigned)r[i].status >= SQ_STATUS_COUNT) {
            if (bad++ < 5)
                fprintf(stderr, "problem %zu: no status\n", i);
            continue;
        }
        if (hopeless[i]) {
            if (r[i].status != SQ_MAX_EVALS || r[i].evals > 2 * BUDGET) {
                if (bad++ < 5)
                    fprintf(stderr, "hopeless problem %zu: %s after %zu evaluations\n",
                            i, sq_status_name(r[i].status), r[i].evals);
            } else {
                spent++;
            }
            continue;
        }
        double ex = exact(a[i], u[i]);
        if (r[i].status != SQ_OK || fabs(r[i].value - ex) > fmax(r[i].error, 1e-10 * ex)
            || r[i].error > 1e-10 * fabs(r[i].value)) {
            if (bad++ < 5)
                fprintf(stderr, "problem %zu: %s %.17g (exact %.17g) +- %g\n", i,
                        sq_status_name(r[i].status), r[i].value, ex, r[i].error);
        } else {
            ok++;
        }
    }
    size_t overhead = rss > inputs ? rss - inputs : 0;
    printf("%zu problems (%zu hopeless, budget %d evaluations), %d threads: "
           "%zu OK, %zu spent their budget, %d wrong\n", n, nhopeless, BUDGET,
           threads ? threads : sq_default_threads(), ok, spent, bad);
    printf("peak resident memory %.0f MiB: %.0f MiB inputs and results, %.0f MiB "
           "beyond (bound %.0f MiB)\n", (double)rss / 1048576, (double)inputs / 1048576,
           (double)overhead / 1048576, (double)OVERHEAD_MAX / 1048576);
    printf("tame problems alone %.3f s; mixed: 99%% finished at %.3f s (%.2fx), "
           "all at %.3f s\n", t_tame, c.t99, c.t99 / t_tame, t_mixed);
    if (overhead > OVERHEAD_MAX) {
        fprintf(stderr, "stress: %zu bytes beyond inputs and results\n", overhead);
        bad++;
    }
    free(lo);
    free(hi);
    free(a);
    free(u);
    free(hopeless);
    free(r);
    return bad ? 1 : 0;
}
