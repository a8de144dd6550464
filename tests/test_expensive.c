/* SPDX-License-Identifier: MIT */
/*
 * Expensive integrands: workers and speculation change nothing but time.
 * The same bits with one worker or many, with speculation or without, as
 * the same function given as a batch callback; no point evaluated twice;
 * every speculative evaluation accounted for; a failing callback stops
 * only the integrals that need it, and nothing hangs.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "simdquad.h"

/* A recording integrand: every x it is called with, and a failure zone. */
typedef struct recorder {
    pthread_mutex_t lock;
    double *xs;
    size_t n, cap;
    double fail_lo, fail_hi;      /* return 1 for x in [lo, hi] */
    long sleep_ns;
} recorder;

static double f_of(double x)
{
    return sin(x) * exp(-0.1 * x) + 1 / (1 + x * x);
}

static int point(double x, double *y, void *ctx)
{
    recorder *r = ctx;
    if (r->sleep_ns > 0) {
        struct timespec t = {0, r->sleep_ns};
        nanosleep(&t, NULL);
    }
    pthread_mutex_lock(&r->lock);
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 1024;
        r->xs = realloc(r->xs, r->cap * sizeof *r->xs);
    }
    r->xs[r->n++] = x;
    pthread_mutex_unlock(&r->lock);
    if (x >= r->fail_lo && x <= r->fail_hi)
        return 1;
    *y = f_of(x);
    return 0;
}

static int batch(size_t n, const double *x, double *y, void *ctx)
{
    (void)ctx;
    for (size_t i = 0; i < n; i++)
        y[i] = f_of(x[i]);
    return 0;
}

static recorder *recorder_new(void)
{
    recorder *r = calloc(1, sizeof *r);
    pthread_mutex_init(&r->lock, NULL);
    r->fail_lo = INFINITY;
    r->fail_hi = -INFINITY;
    return r;
}

static void recorder_free(recorder *r)
{
    pthread_mutex_destroy(&r->lock);
    free(r->xs);
    free(r);
}

static int cmp_bits(const void *a, const void *b)
{
    return memcmp(a, b, sizeof(double));
}

/* Every recorded x distinct (as bits). */
static int all_distinct(recorder *r)
{
    qsort(r->xs, r->n, sizeof *r->xs, cmp_bits);
    for (size_t i = 1; i < r->n; i++)
        if (memcmp(&r->xs[i - 1], &r->xs[i], sizeof(double)) == 0)
            return 0;
    return 1;
}

static int same(const sq_result *a, const sq_result *b)
{
    return memcmp(&a->value, &b->value, sizeof a->value) == 0
           && memcmp(&a->error, &b->error, sizeof a->error) == 0
           && a->evals == b->evals && a->intervals == b->intervals
           && a->status == b->status;
}

static void compare_modes(sq_rule rule, double epsabs)
{
    sq_options o;
    sq_options_init(&o);
    o.rule = rule;
    o.epsabs = epsabs;
    o.epsrel = 0;
    sq_integrand plain = sq_fn_batch(batch, NULL);
    sq_result ref;
    sq_integrate(&plain, 0, 20, &o, &ref);
    cr_assert_eq(ref.status, SQ_OK);
    const struct { int workers, speculate; } modes[] = {
        {1, 0}, {1, 1}, {7, 0}, {64, 1}, {200, 1},
    };
    for (size_t m = 0; m < sizeof modes / sizeof *modes; m++) {
        recorder *r = recorder_new();
        sq_integrand f = sq_fn_point(point, r);
        o.workers = modes[m].workers;
        o.speculate = modes[m].speculate;
        sq_result res;
        cr_assert_eq(sq_integrate(&f, 0, 20, &o, &res), SQ_OK);
        cr_assert(same(&res, &ref), "rule %d, %d workers, speculation %d: %.17g vs "
                  "%.17g", rule, modes[m].workers, modes[m].speculate, res.value,
                  ref.value);
        cr_assert(all_distinct(r), "a point was evaluated twice");
        cr_assert_eq(r->n, res.evals + res.wasted, "%zu calls, %zu needed, %zu "
                     "wasted", r->n, res.evals, res.wasted);
        if (!modes[m].speculate)
            cr_assert_eq(res.wasted, 0);
        recorder_free(r);
    }
}

Test(expensive, the_same_bits_with_any_workers_and_speculation_simpson)
{
    compare_modes(SQ_RULE_SIMPSON, 1e-9);
}

Test(expensive, the_same_bits_with_any_workers_and_speculation_gk21)
{
    compare_modes(SQ_RULE_GK21, 1e-12);
}

/* The classic case: sin on [0, pi] at 1e-10 with Simpson, 473 points. */
Test(expensive, the_classic_473)
{
    recorder *r = recorder_new();
    r->sleep_ns = 100000;
    sq_integrand f = sq_fn_point(point, r);
    sq_options o;
    sq_options_init(&o);
    o.rule = SQ_RULE_SIMPSON;
    o.epsabs = 1e-10;
    o.epsrel = 0;
    o.workers = 64;
    sq_result res;
    /* f_of is not sin, but the tree shape is what matters: same count as a
     * plain run of the same function. */
    cr_assert_eq(sq_integrate(&f, 0, 3.141592653589793, &o, &res), SQ_OK);
    sq_integrand plain = sq_fn_batch(batch, NULL);
    sq_result ref;
    sq_integrate(&plain, 0, 3.141592653589793, &o, &ref);
    cr_assert(same(&res, &ref));
    cr_assert(all_distinct(r));
    recorder_free(r);
}

/* A batch of problems sharing the workers, some of them failing. */
Test(expensive, a_failing_callback_stops_only_its_integrals)
{
    enum { N = 12 };
    double a[N], b[N];
    for (size_t i = 0; i < N; i++) {
        a[i] = (double)i;
        b[i] = (double)i + 1.5;
    }
    recorder *r = recorder_new();
    r->fail_lo = 5.2;            /* inside problems 4 and 5 */
    r->fail_hi = 5.3;
    sq_integrand f = sq_fn_point(point, r);
    sq_integrand plain = sq_fn_batch(batch, NULL);
    sq_batch bt = {.n = N, .a = a, .b = b};
    const sq_rule rules[] = {SQ_RULE_GK21, SQ_RULE_SIMPSON};
    for (size_t k = 0; k < 2; k++) {
        sq_options o;
        sq_options_init(&o);
        o.rule = rules[k];
        o.workers = 16;
        sq_result res[N], ref[N];
        sq_integrate_batch(NULL, &plain, &bt, &o, ref);
        r->n = 0;
        cr_assert_eq(sq_integrate_batch(NULL, &f, &bt, &o, res), SQ_CALLBACK_ABORT);
        for (size_t i = 0; i < N; i++) {
            int hit = a[i] <= 5.3 && b[i] >= 5.2;
            if (hit)
                cr_assert_eq(res[i].status, SQ_CALLBACK_ABORT, "rule %d problem %zu",
                             rules[k], i);
            else
                cr_assert(same(&res[i], &ref[i]), "rule %d problem %zu", rules[k], i);
        }
        cr_assert(all_distinct(r));
    }
    recorder_free(r);
}

Test(expensive, bad_arguments)
{
    sq_integrand none = sq_fn_point(NULL, NULL);
    cr_assert_eq(none.kind, SQ_INTEGRAND_INVALID);
    recorder *r = recorder_new();
    sq_integrand f = sq_fn_point(point, r);
    sq_options o;
    sq_options_init(&o);
    o.workers = -1;
    sq_result res;
    cr_assert_eq(sq_integrate(&f, 0, 1, &o, &res), SQ_BAD_INPUT);
    cr_assert_eq(r->n, 0);
    o.workers = 0;               /* the default: one per core */
    cr_assert_eq(sq_integrate(&f, 0, 1, &o, &res), SQ_OK);
    recorder_free(r);
}

/* In flight at once, and the distinct threads that made the calls. */
typedef struct crowd {
    pthread_mutex_t lock;
    int now, most;
    pthread_t seen[512];
    int nseen;
} crowd;

static int crowded(double x, double *y, void *ctx)
{
    crowd *c = ctx;
    pthread_mutex_lock(&c->lock);
    c->most = ++c->now > c->most ? c->now : c->most;
    int known = 0;
    for (int i = 0; i < c->nseen; i++)
        known |= pthread_equal(c->seen[i], pthread_self());
    if (!known && c->nseen < 512)
        c->seen[c->nseen++] = pthread_self();
    pthread_mutex_unlock(&c->lock);
    struct timespec t = {0, 50000000};   /* 50 ms: every point queued by then */
    nanosleep(&t, NULL);
    pthread_mutex_lock(&c->lock);
    c->now--;
    pthread_mutex_unlock(&c->lock);
    *y = sin(x);
    return 0;
}

/* The end probes are needed with the first round: the 21 nodes and the
 * two probes of GK21 are in flight together, one wave, not 21 then 2. And
 * workers follow the points: 10^5 allowed, a 23-point integral starts 23. */
Test(expensive, probes_go_with_the_first_round_and_workers_follow_the_points)
{
    crowd c = {.lock = PTHREAD_MUTEX_INITIALIZER};
    sq_integrand f = sq_fn_point(crowded, &c);
    sq_options o;
    sq_options_init(&o);
    o.workers = 100000;
    o.speculate = 0;
    o.epsabs = 1e-10;
    o.epsrel = 0;
    sq_result r;
    cr_assert_eq(sq_integrate(&f, 0, 3.14159265358979323846, &o, &r), SQ_OK);
    cr_assert_eq(r.evals, 23);
    cr_assert_eq(c.most, 23, "at most %d in flight", c.most);
    cr_assert_leq(c.nseen, 23, "%d threads made the calls", c.nseen);
    /* With speculation, three rounds ahead at most. */
    crowd s = {.lock = PTHREAD_MUTEX_INITIALIZER};
    f = sq_fn_point(crowded, &s);
    o.speculate = 1;
    cr_assert_eq(sq_integrate(&f, 0, 3.14159265358979323846, &o, &r), SQ_OK);
    cr_assert_leq(s.nseen, 23 + 21 * (2 + 4 + 8), "%d threads", s.nseen);
}
