/* SPDX-License-Identifier: MIT */
/*
 * Every threaded path of the library, driven without a test framework so
 * that it can run under ThreadSanitizer (Criterion's sandbox cannot start
 * under TSan): OpenMP teams inside one integral and across the groups of a
 * batch, callers on several POSIX threads at once, calls from inside an
 * OpenMP parallel region, expensive integrands on worker threads with and
 * without speculation, progress callbacks and cancellation. Each result is
 * compared with the one-thread result, bit for bit.
 *
 *   threads_driver [rounds]     (default 2)
 *
 * Exits 0, or 1 after printing the first difference. Part of the test
 * suite; scripts/tsan.sh runs it under ThreadSanitizer.
 */
#include <math.h>
#include <omp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "simdquad.h"

static int failures;

static int same(const sq_result *a, const sq_result *b)
{
    return memcmp(&a->value, &b->value, sizeof a->value) == 0
           && memcmp(&a->error, &b->error, sizeof a->error) == 0
           && a->evals == b->evals && a->status == b->status;
}

static void expect_same(const char *what, const sq_result *a, const sq_result *b)
{
    if (!same(a, b)) {
        fprintf(stderr, "%s: %.17g %g %zu %s vs %.17g %g %zu %s\n", what, a->value,
                a->error, a->evals, sq_status_name(a->status), b->value, b->error,
                b->evals, sq_status_name(b->status));
        failures++;
    }
}

static int wave(size_t n, const double *x, double *y, void *ctx)
{
    (void)ctx;
    for (size_t i = 0; i < n; i++)
        y[i] = cos(x[i]) * exp(-1e-3 * x[i]) + sqrt(fabs(x[i] - 977.5));
    return 0;
}

static int wave_point(double x, double *y, void *ctx)
{
    return wave(1, &x, y, ctx);
}

/* Vector integrands: 8 moments of the wave, and the same from points. */
static int wave_vec_point(double x, size_t K, double *y, void *ctx)
{
    double f;
    wave(1, &x, &f, ctx);
    for (size_t k = 0; k < K; k++, f *= x / 2000)
        y[k] = f;
    return 0;
}

static void vector_run(int threads, int workers, int points, double *v)
{
    sq_integrand f = sq_fn_batch(wave, NULL);
    sq_vec_integrand m = points ? sq_vfn_point(wave_vec_point, 8, NULL)
                                : sq_vfn_cosine(&f, 8, 0.01);
    sq_options o;
    sq_options_init(&o);
    o.threads = threads;
    o.workers = workers;
    o.epsabs = 1e-8;
    double e[8];
    sq_result r;
    sq_integrate_vec(NULL, &m, 0, 2000, &o, v, e, &r);
    v[8] = (double)r.evals;
    /* A batch of them over the threads: the grid of limits. */
    double a[6] = {0, 1, 2, 3, 4, 5}, b[6] = {500, 900, 1300, 1700, 2100, 2500};
    sq_batch bt = {.n = 6, .a = a, .b = b};
    double bv[48], be[48];
    sq_result br[6];
    sq_integrate_vec_batch(NULL, &m, &bt, &o, bv, be, br);
    memcpy(v + 9, bv, sizeof bv);
}

static void expect_same_vec(const char *what, const double *a, const double *b)
{
    if (memcmp(a, b, 57 * sizeof *a) != 0) {
        fprintf(stderr, "%s: the vector results differ\n", what);
        failures++;
    }
}

static sq_result single(int threads, sq_rule rule)
{
    sq_integrand f = sq_fn_batch(wave, NULL);
    sq_options o;
    sq_options_init(&o);
    o.rule = rule;
    o.threads = threads;
    o.epsabs = 1e-8;
    o.epsrel = 0;
    sq_result r;
    sq_integrate(&f, 0, rule == SQ_RULE_SIMPSON ? 1500 : 8000, &o, &r);
    return r;
}

/* An integral whose widest rounds hold more than two chunks of intervals:
 * its decisions' passes run on the threads too. */
static sq_result wide(int threads)
{
    sq_integrand f = sq_fn_kernel("cos");
    sq_options o;
    sq_options_init(&o);
    o.threads = threads;
    o.epsabs = 1e-9;
    o.epsrel = 0;
    sq_result r;
    sq_integrate(&f, 0, 2e4, &o, &r);
    return r;
}

/* ---- batches ------------------------------------------------------------------------ */

enum { NB = 600 };

typedef struct {
    double a[NB], b[NB], p[2 * NB];
} problems;

static void make(problems *q)
{
    for (size_t i = 0; i < NB; i++) {
        q->a[i] = 0;
        q->b[i] = 1 + (double)(i % 7);
        q->p[2 * i] = 1 + (double)(i % 13);
        q->p[2 * i + 1] = (double)(i % 5) / 5;
    }
}

static int ticks(double fraction, void *ctx)
{
    atomic_int *n = ctx;
    (void)fraction;
    atomic_fetch_add(n, 1);
    return 0;
}

static int cancel_half(double fraction, void *ctx)
{
    (void)ctx;
    return fraction >= 0.5;
}

static void batch(int threads, const problems *q, sq_result *r, int progress)
{
    sq_integrand f = sq_fn_family("genz_gaussian", NULL);
    sq_batch b = {.n = NB, .a = q->a, .b = q->b, .params = q->p, .nparams = 2};
    sq_options o;
    sq_options_init(&o);
    o.threads = threads;
    o.epsrel = 1e-10;
    atomic_int n = 0;
    if (progress) {
        o.progress = ticks;
        o.progress_ctx = &n;
    }
    sq_integrate_batch(NULL, &f, &b, &o, r);
}

/* ---- concurrent callers ---------------------------------------------------------------- */

typedef struct {
    int threads;
    sq_result r;
    sq_result rb[NB];
    const problems *q;
} caller;

static void *call(void *arg)
{
    caller *c = arg;
    c->r = single(c->threads, SQ_RULE_GK21);
    batch(c->threads, c->q, c->rb, 1);
    return NULL;
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 2;
    static problems q;
    static sq_result ref_b[NB], rb[NB];
    make(&q);
    const sq_rule rules[] = {SQ_RULE_GK21, SQ_RULE_GK15, SQ_RULE_SIMPSON};
    sq_result ref[3];
    for (int k = 0; k < 3; k++)
        ref[k] = single(1, rules[k]);
    sq_result ref_w = wide(1);
    batch(1, &q, ref_b, 0);
    static double ref_v[57], ref_p[57], vv[57];
    vector_run(1, 1, 0, ref_v);
    vector_run(1, 1, 1, ref_p);

    for (int round = 0; round < rounds; round++) {
        /* One integral, a team of threads. */
        for (int k = 0; k < 3; k++)
            for (int t = 2; t <= 4; t++) {
                sq_result r = single(t, rules[k]);
                expect_same("single", &r, &ref[k]);
            }
        for (int t = 2; t <= 4; t++) {
            sq_result r = wide(t);
            expect_same("wide", &r, &ref_w);
        }

        /* A batch, groups on several threads, with progress reports. */
        for (int t = 2; t <= 4; t++) {
            batch(t, &q, rb, 1);
            for (size_t i = 0; i < NB; i++)
                expect_same("batch", &rb[i], &ref_b[i]);
        }

        /* Vector integrands: tiles and problems over threads, points
         * over workers. */
        for (int t = 2; t <= 4; t++) {
            vector_run(t, 1, 0, vv);
            expect_same_vec("vector", vv, ref_v);
            vector_run(1, 2 * t, 1, vv);
            expect_same_vec("vector points", vv, ref_p);
        }

        /* Cancellation from the progress callback. */
        {
            sq_integrand f = sq_fn_family("genz_gaussian", NULL);
            sq_batch b = {.n = NB, .a = q.a, .b = q.b, .params = q.p, .nparams = 2};
            sq_options o;
            sq_options_init(&o);
            o.threads = 3;
            o.progress = cancel_half;
            sq_integrate_batch(NULL, &f, &b, &o, rb);
        }

        /* Several callers at once, each with its own team. */
        enum { NC = 3 };
        static caller c[NC];
        pthread_t th[NC];
        for (int i = 0; i < NC; i++) {
            c[i].threads = 1 + i;
            c[i].q = &q;
            if (pthread_create(&th[i], NULL, call, &c[i]) != 0) {
                fprintf(stderr, "pthread_create failed\n");
                return 1;
            }
        }
        for (int i = 0; i < NC; i++) {
            pthread_join(th[i], NULL);
            expect_same("concurrent single", &c[i].r, &ref[0]);
            for (size_t j = 0; j < NB; j++)
                expect_same("concurrent batch", &c[i].rb[j], &ref_b[j]);
        }

        /* From inside a parallel region. */
        sq_result inside[4];
#pragma omp parallel num_threads(4)
        {
            int me = omp_get_thread_num();
            if (me < 4)
                inside[me] = single(2, SQ_RULE_GK21);
        }
        for (int i = 0; i < 4; i++)
            expect_same("inside a parallel region", &inside[i], &ref[0]);

        /* Expensive integrands: workers, speculation, a shared cache. */
        for (int spec = 0; spec < 2; spec++)
            for (int workers = 1; workers <= 6; workers += 5) {
                sq_integrand g = sq_fn_point(wave_point, NULL);
                sq_options o;
                sq_options_init(&o);
                o.workers = workers;
                o.speculate = spec;
                o.epsabs = 1e-8;
                o.epsrel = 0;
                sq_result r, rr;
                sq_integrate(&g, 0, 2000, &o, &r);
                sq_integrand f = sq_fn_batch(wave, NULL);
                sq_integrate(&f, 0, 2000, &o, &rr);
                expect_same("expensive", &r, &rr);
            }
    }
    if (failures) {
        fprintf(stderr, "%d differences\n", failures);
        return 1;
    }
    printf("ok: %d rounds, every result the same bits\n", rounds);
    return 0;
}
