/* SPDX-License-Identifier: MIT */
/*
 * Determinism, the whole matrix: value, error, evaluations, intervals and
 * status are bitwise identical for every thread count from 1 to 8, for any
 * split of a batch into calls, for any order of its problems, and over 20
 * repeats of each, for every rule and error control. The problem set mixes
 * what usually breaks determinism: problems that fail (NaN, Inf, a spent
 * budget), per-problem tolerances, singular and discontinuous integrands
 * whose bisection runs deep, and problems with no work at all. And the
 * rule arithmetic is the same at every ISA: with a batch callback, the
 * battery gives the same bits at each one the CPU runs.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "battery.h"
#include "simdquad.h"
#include "test_scale.h"

enum { N = 240, MAX_THREADS = 8 };

/* 20 repeats (at least 2 in the sanitizer builds). */
static int repeats(void)
{
    return (int)sq_test_scaled(20, 2);
}

/* One problem: a kind and its parameters. */
typedef struct {
    int kind;
    double lam, s;
} prob;

typedef struct {
    const prob *p;
} ctx_t;

static double eval_one(const prob *q, double x)
{
    double d = x - q->lam;
    switch (q->kind) {
    case 0:  return exp(-q->s * d * d);                   /* smooth peak */
    case 1:  return pow(fabs(d), q->s);                   /* |x-l|^alpha */
    case 2:  return 1 / (d * d + q->s * q->s);            /* near pole */
    case 3:  return x < q->lam ? 0.25 : 1.5 + x;          /* step */
    case 4:  return x > q->lam ? NAN : cos(x);            /* NaN part way */
    case 5:  return x > q->lam ? INFINITY : x;            /* Inf part way */
    case 6:  return 1e300 * (1 + x * x);                  /* huge, overflows */
    default: return sin(q->s * x);                        /* oscillatory */
    }
}

static int param_fn(size_t n, const double *x, const size_t *pid, double *y,
                    void *ctx)
{
    const ctx_t *c = ctx;
    for (size_t i = 0; i < n; i++)
        y[i] = eval_one(&c->p[pid[i]], x[i]);
    return 0;
}

static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static double uniform(uint64_t *s, double lo, double hi)
{
    return lo + (hi - lo) * (double)(rng_next(s) >> 11) * 0x1p-53;
}

typedef struct {
    prob p[N];
    double a[N], b[N], ea[N], er[N];
} problem_set;

static void make(problem_set *ps)
{
    uint64_t seed = 0x5eed1234abcdULL;
    for (size_t i = 0; i < N; i++) {
        prob *q = &ps->p[i];
        q->kind = (int)(i % 8);
        q->lam = uniform(&seed, 0.05, 0.95);
        ps->a[i] = 0;
        ps->b[i] = 1;
        switch (q->kind) {
        case 0: q->s = uniform(&seed, 1, 400); break;
        case 1: q->s = uniform(&seed, -0.9, 0.5); break;
        case 2: q->s = pow(10, -uniform(&seed, 1, 9)); break;
        case 7: q->s = uniform(&seed, 10, 3000); ps->b[i] = 3; break;
        default: q->s = 0; break;
        }
        ps->ea[i] = 0;
        ps->er[i] = i % 3 == 0 ? 1e-6 : i % 3 == 1 ? 1e-10 : 1e-13;
        if (i % 11 == 0) {                     /* reversed limits */
            double t = ps->a[i];
            ps->a[i] = ps->b[i];
            ps->b[i] = t;
        }
        if (i % 29 == 0)
            ps->b[i] = ps->a[i];               /* no work at all */
    }
}

static int same_bits(const sq_result *x, const sq_result *y)
{
    return memcmp(&x->value, &y->value, sizeof x->value) == 0
           && memcmp(&x->error, &y->error, sizeof x->error) == 0
           && x->evals == y->evals && x->intervals == y->intervals
           && x->status == y->status;
}

typedef struct {
    sq_rule rule;
    sq_control control;
} config;

static sq_options opts(const config *c, int threads)
{
    sq_options o;
    sq_options_init(&o);
    o.rule = c->rule;
    o.control = c->control;
    o.threads = threads;
    o.max_evals = 60000;       /* the near poles and the 1e-13 rows spend it */
    return o;
}

/* Problems [lo, lo + n) of `ps` in one call, results to r + lo. */
static void run(const problem_set *ps, const config *c, int threads, size_t lo,
                size_t n, sq_result *r)
{
    ctx_t ctx = {ps->p + lo};
    sq_integrand f = sq_fn_param(param_fn, &ctx);
    sq_batch b = {.n = n, .a = ps->a + lo, .b = ps->b + lo,
                  .epsabs = ps->ea + lo, .epsrel = ps->er + lo};
    sq_options o = opts(c, threads);
    sq_integrate_batch(NULL, &f, &b, &o, r + lo);
}

static void check_config(const config *c)
{
    static problem_set ps, perm;
    make(&ps);
    sq_result ref[N], r[N];
    run(&ps, c, 1, 0, N, ref);

    /* The set has what it claims: successes and each kind of failure. */
    int seen[16] = {0};
    for (size_t i = 0; i < N; i++)
        seen[ref[i].status & 15] = 1;
    cr_assert(seen[SQ_OK] && seen[SQ_NONFINITE] && seen[SQ_MAX_EVALS],
              "the problem set should succeed and fail in several ways");

    /* Every thread count, repeated. */
    for (int rep = 0, nrep = repeats(); rep < nrep; rep++)
        for (int t = 1; t <= MAX_THREADS; t++) {
            memset(r, 0, sizeof r);
            run(&ps, c, t, 0, N, r);
            for (size_t i = 0; i < N; i++)
                cr_assert(same_bits(&r[i], &ref[i]),
                          "rule %d control %d, %d threads, repeat %d, problem "
                          "%zu: %.17g %g %s vs %.17g %g %s", c->rule,
                          c->control, t, rep, i, r[i].value, r[i].error,
                          sq_status_name(r[i].status), ref[i].value,
                          ref[i].error, sq_status_name(ref[i].status));
        }

    /* Any split of the batch into calls. */
    const size_t chunks[] = {1, 7, 64, N / 3 + 1};
    for (size_t k = 0; k < sizeof chunks / sizeof *chunks; k++)
        for (int t = 1; t <= MAX_THREADS; t += 3) {
            memset(r, 0, sizeof r);
            for (size_t lo = 0; lo < N; lo += chunks[k])
                run(&ps, c, t, lo, lo + chunks[k] > N ? N - lo : chunks[k], r);
            for (size_t i = 0; i < N; i++)
                cr_assert(same_bits(&r[i], &ref[i]),
                          "chunks of %zu, %d threads, problem %zu", chunks[k],
                          t, i);
        }

    /* Any order of the problems. */
    uint64_t seed = 99;
    size_t idx[N];
    for (int order = 0; order < 3; order++) {
        for (size_t i = 0; i < N; i++)
            idx[i] = i;
        for (size_t i = N - 1; i > 0; i--) {          /* Fisher-Yates */
            size_t j = (size_t)(rng_next(&seed) % (i + 1));
            size_t t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }
        for (size_t i = 0; i < N; i++) {
            perm.p[i] = ps.p[idx[i]];
            perm.a[i] = ps.a[idx[i]];
            perm.b[i] = ps.b[idx[i]];
            perm.ea[i] = ps.ea[idx[i]];
            perm.er[i] = ps.er[idx[i]];
        }
        for (int t = 1; t <= MAX_THREADS; t++) {
            memset(r, 0, sizeof r);
            run(&perm, c, t, 0, N, r);
            for (size_t i = 0; i < N; i++)
                cr_assert(same_bits(&r[i], &ref[idx[i]]),
                          "order %d, %d threads, problem %zu", order, t,
                          idx[i]);
        }
    }
}

Test(determinism, batches_gk21_global, .timeout = 300)
{
    config c = {SQ_RULE_GK21, SQ_CONTROL_GLOBAL};
    check_config(&c);
}

Test(determinism, batches_gk15_local, .timeout = 300)
{
    config c = {SQ_RULE_GK15, SQ_CONTROL_LOCAL};
    check_config(&c);
}

Test(determinism, batches_simpson, .timeout = 300)
{
    config c = {SQ_RULE_SIMPSON, SQ_CONTROL_LOCAL};
    check_config(&c);
}

/* Single integrals wide enough that every round is cut across threads. */
static int wiggle(size_t n, const double *x, double *y, void *ctx)
{
    (void)ctx;
    for (size_t i = 0; i < n; i++)
        y[i] = cos(x[i]) * exp(-1e-3 * x[i]) + sqrt(fabs(x[i] - 977.5));
    return 0;
}

Test(determinism, single_integrals, .timeout = 300)
{
    sq_expr *e = sq_expr_compile("cos(x)*exp(-0.001*x) + sqrt(abs(x - 977.5))",
                                 NULL);
    cr_assert_not_null(e);
    sq_integrand fs[3] = {sq_fn_kernel("cos"), sq_fn_batch(wiggle, NULL),
                          sq_fn_expr(e, NULL)};
    const sq_rule rules[3] = {SQ_RULE_SIMPSON, SQ_RULE_GK21, SQ_RULE_GK15};
    for (int k = 0; k < 3; k++)
        for (int ru = 0; ru < 3; ru++) {
            sq_options o;
            sq_options_init(&o);
            o.rule = rules[ru];
            o.epsabs = 1e-8;
            o.epsrel = 0;
            double b = rules[ru] == SQ_RULE_SIMPSON ? 1500 : 8000;
            sq_result ref, r;
            o.threads = 1;
            sq_integrate(&fs[k], 0, b, &o, &ref);
            cr_assert(ref.rounds > 5 && ref.evals > 5000, "a real job: integrand %d rule %d, %zu evals %d rounds", k, rules[ru], (size_t)ref.evals, (int)ref.rounds);
            for (int rep = 0, nrep = repeats(); rep < nrep; rep++)
                for (int t = 2; t <= MAX_THREADS; t++) {
                    o.threads = t;
                    memset(&r, 0, sizeof r);
                    sq_integrate(&fs[k], 0, b, &o, &r);
                    cr_assert(same_bits(&r, &ref) && r.rounds == ref.rounds,
                              "integrand %d rule %d, %d threads, repeat %d: "
                              "%.17g vs %.17g", k, rules[ru], t, rep, r.value,
                              ref.value);
                }
        }
    sq_expr_free(e);
}

/* The rule arithmetic uses correctly rounded operations only, in the same
 * order in every lane (whole vectors, masked last vectors, the scalar
 * ISA): with a callback, whose values do not depend on the ISA, every
 * integral of the battery is the same bits at every ISA. */
Test(determinism, the_same_bits_at_every_isa)
{
    const sq_isa isas[] = {SQ_ISA_SCALAR, SQ_ISA_SSE2, SQ_ISA_AVX2, SQ_ISA_AVX512};
    const sq_rule rules[] = {SQ_RULE_GK21, SQ_RULE_GK15};
    size_t compared = 0;
    for (size_t q = 0; q < 2; q++)
        for (size_t k = 0; k < battery_count; k++) {
            const battery_problem *p = &battery[k];
            sq_integrand f = sq_fn_batch(battery_batch, (void *)p);
            sq_result first;
            int have = 0;
            for (size_t i = 0; i < sizeof isas / sizeof *isas; i++) {
                if (!sq_isa_supported(isas[i]))
                    continue;
                sq_options o;
                sq_options_init(&o);
                o.isa = isas[i];
                o.rule = rules[q];
                o.threads = 1;
                o.points = p->points;
                o.npoints = p->npoints;
                sq_result r;
                sq_integrate(&f, p->a, p->b, &o, &r);
                if (!have) {
                    first = r;
                    have = 1;
                    continue;
                }
                compared++;
                cr_assert(memcmp(&r.value, &first.value, sizeof r.value) == 0
                              && memcmp(&r.error, &first.error, sizeof r.error) == 0
                              && r.evals == first.evals && r.status == first.status,
                          "%s, %s: %.17g +- %g at %s, %.17g +- %g at scalar", p->name,
                          rules[q] == SQ_RULE_GK21 ? "gk21" : "gk15", r.value, r.error,
                          sq_isa_name(isas[i]), first.value, first.error);
            }
        }
    cr_assert_gt(compared, 0);
}
