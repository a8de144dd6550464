/* SPDX-License-Identifier: MIT */
/*
 * Threads never change a result: the same bits for any thread count, from
 * concurrent callers, from inside a parallel region, and for nested
 * integrals.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <omp.h>
#include <pthread.h>
#include <string.h>

#include "simdquad.h"

static int same_bits(const sq_result *a, const sq_result *b)
{
    return memcmp(&a->value, &b->value, sizeof a->value) == 0
        && memcmp(&a->error, &b->error, sizeof a->error) == 0
        && a->evals == b->evals && a->intervals == b->intervals
        && a->rounds == b->rounds && a->status == b->status;
}

static int cos_batch(size_t n, const double *x, double *y, void *ctx)
{
    (void)ctx;
    for (size_t i = 0; i < n; i++)
        y[i] = cos(x[i]) * exp(-1e-3 * x[i]);
    return 0;
}

/* Wide enough that rounds are cut into many units across threads. */
static sq_result big_job(const sq_integrand *f, int threads, sq_rule rule)
{
    sq_options o;
    sq_options_init(&o);
    o.rule = rule;
    o.epsabs = 1e-9;
    o.epsrel = 0;
    o.threads = threads;
    sq_result r;
    /* Gauss-Kronrod needs far fewer points: give it a longer range. */
    double b = rule == SQ_RULE_SIMPSON ? 3000 : 30000;
    sq_status st = sq_integrate(f, 0, b, &o, &r);
    cr_assert_eq(st, SQ_OK, "%s", sq_status_name(st));
    return r;
}

Test(threads, same_bits_for_every_thread_count)
{
    sq_integrand fs[2] = {sq_fn_kernel("cos"), sq_fn_batch(cos_batch, NULL)};
    const sq_rule rules[2] = {SQ_RULE_SIMPSON, SQ_RULE_GK21};
    const size_t wide[2] = {100000, 20000};
    const int counts[] = {2, 3, 8};
    for (int r = 0; r < 2; r++)
        for (int k = 0; k < 2; k++) {
            sq_result one = big_job(&fs[k], 1, rules[r]);
            cr_assert(one.evals > wide[r], "the job should have wide rounds");
            for (int i = 0; i < 3; i++) {
                sq_result t = big_job(&fs[k], counts[i], rules[r]);
                cr_assert(same_bits(&one, &t), "rule %d, %d threads: %.17g vs %.17g",
                          rules[r], counts[i], t.value, one.value);
            }
        }
}

/* The widest round of a call, from its trace. */
static void widest_round(const sq_round_info *info, void *ctx)
{
    size_t *widest = ctx;
    if (info->intervals > *widest)
        *widest = info->intervals;
}

static int damped_cos(size_t n, const double *x, double *y, void *ctx)
{
    (void)ctx;
    for (size_t i = 0; i < n; i++)
        y[i] = cos(x[i]) * exp(-x[i] / 3e4);
    return 0;
}

/*
 * A problem whose rounds hold several chunks of 1024 intervals has its
 * decisions' passes (neighbour checks, totals, families, fates) run over
 * the threads: the same bits for every count, alone or in a batch, and
 * the true error within the estimate. The damped integrand's errors vary
 * along the range, so some intervals are kept unsplit and the decisions
 * read merged runs.
 */
Test(threads, wide_decisions_same_bits_for_every_thread_count)
{
    sq_integrand fs[2] = {sq_fn_kernel("cos"), sq_fn_batch(damped_cos, NULL)};
    const double B = 1e5;
    const double exact[2] = {sin(B),
                             /* the integral of cos(x) e^(-x/L), L = 3e4 */
                             (1 / 3e4 + exp(-B / 3e4) * (sin(B) - cos(B) / 3e4))
                                 / (1 + 1 / 9e8)};
    for (int k = 0; k < 2; k++) {
        sq_options o;
        sq_options_init(&o);
        o.epsabs = 1e-9;
        o.epsrel = 0;
        o.threads = 1;
        size_t widest = 0;
        o.trace = widest_round;
        o.trace_ctx = &widest;
        sq_result one;
        cr_assert_eq(sq_integrate(&fs[k], 0, B, &o, &one), SQ_OK);
        cr_assert(widest > 2 * 4096, "rounds of %zu intervals: not wide enough", widest);
        cr_assert(fabs(one.value - exact[k]) <= one.error, "%.17g vs %.17g +- %g",
                  one.value, exact[k], one.error);
        o.trace = NULL;
        const int counts[] = {2, 3, 8};
        for (int i = 0; i < 3; i++) {
            o.threads = counts[i];
            sq_result t;
            sq_integrate(&fs[k], 0, B, &o, &t);
            cr_assert(same_bits(&one, &t), "%d threads: %.17g vs %.17g", counts[i],
                      t.value, one.value);
        }
        /* In a batch of one group, beside a small problem. */
        double a[2] = {0, 0}, b[2] = {1, B};
        sq_batch bt = {.n = 2, .a = a, .b = b};
        sq_result rs[2];
        o.threads = 2;
        sq_integrate_batch(NULL, &fs[k], &bt, &o, rs);
        cr_assert(same_bits(&one, &rs[1]), "in a batch: %.17g vs %.17g", rs[1].value,
                  one.value);
    }
}

/* Threads beyond a few per processor are not made: a million asked for
 * give the same bits, and the workspace holds buffers for the threads the
 * work used, not for the request. */
/* A chirp whose rounds stop doubling: x cos(x^2 / 1000), whose integral
 * over [0, B] is 500 sin(B^2 / 1000). Its slow left part is done early and
 * its fast right part is not, so thousands of intervals stay unsplit from
 * round to round (the view merged in place, the intervals that leave
 * marked gone) while the frontier is several chunks wide. */
static int chirp(size_t n, const double *x, double *y, void *ctx)
{
    (void)ctx;
    for (size_t i = 0; i < n; i++)
        y[i] = x[i] * cos(x[i] * x[i] * 1e-3);
    return 0;
}

typedef struct rounds_seen {
    size_t last, shrank, widest;
} rounds_seen;

static void count_rounds(const sq_round_info *info, void *ctx)
{
    rounds_seen *r = ctx;
    if (info->intervals < 2 * r->last && info->active > 0)
        r->shrank++;
    r->last = info->intervals;
    r->widest = info->intervals > r->widest ? info->intervals : r->widest;
}

Test(threads, kept_intervals_same_bits_for_every_thread_count)
{
    sq_integrand f = sq_fn_batch(chirp, NULL);
    const double B[2] = {4000, 6000}, eps[2] = {1e-7, 3e-7};
    for (int k = 0; k < 2; k++) {
        sq_options o;
        sq_options_init(&o);
        o.epsabs = eps[k];
        o.epsrel = 0;
        o.threads = 1;
        rounds_seen seen = {0, 0, 0};
        o.trace = count_rounds;
        o.trace_ctx = &seen;
        sq_result one;
        cr_assert_eq(sq_integrate(&f, 0, B[k], &o, &one), SQ_OK);
        /* Rounds that did not double while the problem went on: intervals
         * were kept (or retired); and wider than a chunk. */
        cr_assert(seen.shrank >= 3, "%zu rounds kept intervals", seen.shrank);
        cr_assert(seen.widest > 1024, "rounds of %zu intervals", seen.widest);
        double exact = 500 * sin(B[k] * B[k] * 1e-3);
        cr_assert(fabs(one.value - exact) <= one.error, "%.17g vs %.17g +- %g",
                  one.value, exact, one.error);
        o.trace = NULL;
        const int counts[] = {2, 3, 8};
        for (int i = 0; i < 3; i++) {
            o.threads = counts[i];
            sq_result t;
            sq_integrate(&f, 0, B[k], &o, &t);
            cr_assert(same_bits(&one, &t), "%d threads: %.17g vs %.17g", counts[i],
                      t.value, one.value);
        }
        /* In one group with problems that finish early and one that keeps
         * intervals too: the live runs of several problems side by side. */
        double a[4] = {0, 0, 0, 0}, b[4] = {1, B[k], 2, 3000};
        sq_batch bt = {.n = 4, .a = a, .b = b};
        sq_result rs[4];
        o.threads = 2;
        sq_integrate_batch(NULL, &f, &bt, &o, rs);
        cr_assert(same_bits(&one, &rs[1]), "in a batch: %.17g vs %.17g", rs[1].value,
                  one.value);
        sq_result alone;
        o.threads = 1;
        sq_integrate(&f, 0, 3000, &o, &alone);
        cr_assert(same_bits(&alone, &rs[3]), "[0, 3000] in a batch: %.17g vs %.17g",
                  rs[3].value, alone.value);
    }
}

Test(threads, a_million_threads_asked_for)
{
    sq_integrand f = sq_fn_batch(cos_batch, NULL);
    sq_result one = big_job(&f, 1, SQ_RULE_GK21);
    sq_workspace *ws = sq_workspace_new();
    sq_options o;
    sq_options_init(&o);
    o.epsabs = 1e-9;
    o.epsrel = 0;
    o.threads = 1000000;
    sq_result r;
    cr_assert_eq(sq_integrate_ws(ws, &f, 0, 30000, &o, &r), SQ_OK);
    cr_assert(same_bits(&one, &r));
    cr_assert_lt(sq_workspace_bytes(ws), (size_t)64 << 20, "%zu bytes",
                 sq_workspace_bytes(ws));
    sq_workspace_free(ws);
}

Test(threads, same_bits_from_inside_a_parallel_region)
{
    sq_integrand f = sq_fn_kernel("cos");
    sq_result want = big_job(&f, 1, SQ_RULE_GK21);
    sq_result got[4];
    cr_assert(want.evals > 20000);
    int ok[4] = {0};
#pragma omp parallel num_threads(4)
    {
        int t = omp_get_thread_num();
        sq_options o;
        sq_options_init(&o);
        o.epsabs = 1e-9;
        o.epsrel = 0;
        o.threads = 2;
        ok[t] = sq_integrate(&f, 0, 30000, &o, &got[t]) == SQ_OK;
    }
    for (int t = 0; t < 4; t++) {
        cr_assert(ok[t]);
        cr_assert(same_bits(&want, &got[t]), "thread %d", t);
    }
}

typedef struct caller {
    sq_result r;
    int threads;
} caller;

static void *call(void *arg)
{
    caller *c = arg;
    sq_integrand f = sq_fn_batch(cos_batch, NULL);
    sq_options o;
    sq_options_init(&o);
    o.epsabs = 1e-9;
    o.epsrel = 0;
    o.threads = c->threads;
    sq_integrate(&f, 0, 30000, &o, &c->r);
    return NULL;
}

Test(threads, concurrent_callers_get_the_same_bits)
{
    sq_integrand f = sq_fn_batch(cos_batch, NULL);
    sq_result want = big_job(&f, 1, SQ_RULE_GK21);
    enum { N = 4 };
    pthread_t th[N];
    caller c[N];
    for (int i = 0; i < N; i++) {
        c[i].threads = 1 + i % 2;
        cr_assert_eq(pthread_create(&th[i], NULL, call, &c[i]), 0);
    }
    for (int i = 0; i < N; i++) {
        pthread_join(th[i], NULL);
        cr_assert(same_bits(&want, &c[i].r), "caller %d", i);
    }
}

/* Integrand of the outer integral: y(x) = integral over [0, x] of cos, by
 * an inner simdquad call, so y = sin(x). */
static int inner_integral(size_t n, const double *x, double *y, void *ctx)
{
    (void)ctx;
    sq_integrand f = sq_fn_kernel("cos");
    sq_options o;
    sq_options_init(&o);
    o.epsabs = 1e-12;
    o.epsrel = 0;
    o.threads = 2;
    for (size_t i = 0; i < n; i++) {
        sq_result r;
        if (sq_integrate(&f, 0, x[i], &o, &r) != SQ_OK)
            return 1;
        y[i] = r.value;
    }
    return 0;
}

Test(threads, nested_integrals_from_several_threads)
{
    sq_integrand f = sq_fn_batch(inner_integral, NULL);
    sq_options o;
    sq_options_init(&o);
    o.epsabs = 1e-9;
    o.epsrel = 0;
    o.threads = 2;
    sq_result r;
    cr_assert_eq(sq_integrate(&f, 0, 20, &o, &r), SQ_OK);
    /* integral of sin over [0, 20] */
    double exact = 1 - cos(20.0);
    cr_assert(fabs(r.value - exact) <= 1e-8, "%.17g vs %.17g", r.value, exact);
    o.threads = 1;
    sq_result s;
    cr_assert_eq(sq_integrate(&f, 0, 20, &o, &s), SQ_OK);
    cr_assert(same_bits(&r, &s));
}
