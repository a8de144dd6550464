/* SPDX-License-Identifier: MIT */
/*
 * Batches: many problems in one call. Every family's integrals against
 * closed forms (MPFR); each result bitwise equal to the problem solved
 * alone, in any order, on any number of threads, with any rule; failures
 * confined to their own problem; bad problems, bad calls, empty batches;
 * progress and cancellation; memory bounded by the group, not the batch.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <mpfr.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "simdquad.h"

/* ---- exact integrals of the families ---------------------------------------- */

enum { PREC = 160 };

/* mpfr helpers: v = op(v) with the given rounding, kept short. */
#define R MPFR_RNDN

/* The integral of family `name` over [lo, hi] with parameters p, in double. */
static double family_exact(const char *name, double lo, double hi,
                           const double *p)
{
    mpfr_t v, t, u, x, pi;
    mpfr_inits2(PREC, v, t, u, x, pi, (mpfr_ptr)0);
    mpfr_const_pi(pi, R);
    double a = p[0], c = p[1];
    if (strcmp(name, "genz_oscillatory") == 0) {
        /* (sin(2 pi c + a hi) - sin(2 pi c + a lo)) / a */
        mpfr_mul_2ui(t, pi, 1, R);
        mpfr_mul_d(t, t, c, R);
        mpfr_set_d(u, a, R);
        mpfr_mul_d(u, u, hi, R);
        mpfr_add(u, u, t, R);
        mpfr_sin(v, u, R);
        mpfr_set_d(u, a, R);
        mpfr_mul_d(u, u, lo, R);
        mpfr_add(u, u, t, R);
        mpfr_sin(u, u, R);
        mpfr_sub(v, v, u, R);
        mpfr_div_d(v, v, a, R);
    } else if (strcmp(name, "genz_product_peak") == 0) {
        /* a (atan(a (hi - c)) - atan(a (lo - c))) */
        mpfr_set_d(t, hi, R);
        mpfr_sub_d(t, t, c, R);
        mpfr_mul_d(t, t, a, R);
        mpfr_atan(v, t, R);
        mpfr_set_d(t, lo, R);
        mpfr_sub_d(t, t, c, R);
        mpfr_mul_d(t, t, a, R);
        mpfr_atan(t, t, R);
        mpfr_sub(v, v, t, R);
        mpfr_mul_d(v, v, a, R);
    } else if (strcmp(name, "genz_corner_peak") == 0) {
        /* (1 / (1 + a lo) - 1 / (1 + a hi)) / a */
        mpfr_set_d(t, a, R);
        mpfr_mul_d(t, t, lo, R);
        mpfr_add_ui(t, t, 1, R);
        mpfr_ui_div(v, 1, t, R);
        mpfr_set_d(t, a, R);
        mpfr_mul_d(t, t, hi, R);
        mpfr_add_ui(t, t, 1, R);
        mpfr_ui_div(t, 1, t, R);
        mpfr_sub(v, v, t, R);
        mpfr_div_d(v, v, a, R);
    } else if (strcmp(name, "genz_gaussian") == 0) {
        /* sqrt(pi) / (2 a) (erf(a (hi - c)) - erf(a (lo - c))) */
        mpfr_set_d(t, hi, R);
        mpfr_sub_d(t, t, c, R);
        mpfr_mul_d(t, t, a, R);
        mpfr_erf(v, t, R);
        mpfr_set_d(t, lo, R);
        mpfr_sub_d(t, t, c, R);
        mpfr_mul_d(t, t, a, R);
        mpfr_erf(t, t, R);
        mpfr_sub(v, v, t, R);
        mpfr_sqrt(t, pi, R);
        mpfr_mul(v, v, t, R);
        mpfr_div_d(v, v, 2 * a, R);
    } else if (strcmp(name, "genz_continuous") == 0) {
        /* exp(-a |x - c|): pieces left and right of c */
        mpfr_set_zero(v, 1);
        double l1 = lo < c ? lo : c, h1 = hi < c ? hi : c;   /* left of c */
        if (h1 > l1) {
            /* (exp(-a (c - h1)) - exp(-a (c - l1))) / a */
            mpfr_set_d(t, c, R);
            mpfr_sub_d(t, t, h1, R);
            mpfr_mul_d(t, t, -a, R);
            mpfr_exp(t, t, R);
            mpfr_set_d(u, c, R);
            mpfr_sub_d(u, u, l1, R);
            mpfr_mul_d(u, u, -a, R);
            mpfr_exp(u, u, R);
            mpfr_sub(t, t, u, R);
            mpfr_div_d(t, t, a, R);
            mpfr_add(v, v, t, R);
        }
        double l2 = lo > c ? lo : c, h2 = hi > c ? hi : c;   /* right of c */
        if (h2 > l2) {
            mpfr_set_d(t, l2, R);
            mpfr_sub_d(t, t, c, R);
            mpfr_mul_d(t, t, -a, R);
            mpfr_exp(t, t, R);
            mpfr_set_d(u, h2, R);
            mpfr_sub_d(u, u, c, R);
            mpfr_mul_d(u, u, -a, R);
            mpfr_exp(u, u, R);
            mpfr_sub(t, t, u, R);
            mpfr_div_d(t, t, a, R);
            mpfr_add(v, v, t, R);
        }
    } else if (strcmp(name, "genz_discontinuous") == 0) {
        /* (exp(a min(hi, c)) - exp(a lo)) / a where lo < c */
        mpfr_set_zero(v, 1);
        double top = hi < c ? hi : c;
        if (top > lo) {
            mpfr_set_d(t, a, R);
            mpfr_mul_d(t, t, top, R);
            mpfr_exp(v, t, R);
            mpfr_set_d(t, a, R);
            mpfr_mul_d(t, t, lo, R);
            mpfr_exp(t, t, R);
            mpfr_sub(v, v, t, R);
            mpfr_div_d(v, v, a, R);
        }
    } else if (strcmp(name, "gauss_line") == 0) {
        /* (erf((hi - x0) / (s sqrt 2)) - erf((lo - x0) / (s sqrt 2))) / 2 */
        mpfr_set_ui(u, 2, R);
        mpfr_sqrt(u, u, R);
        mpfr_mul_d(u, u, c, R);
        mpfr_set_d(t, hi, R);
        mpfr_sub_d(t, t, a, R);
        mpfr_div(t, t, u, R);
        mpfr_erf(v, t, R);
        mpfr_set_d(t, lo, R);
        mpfr_sub_d(t, t, a, R);
        mpfr_div(t, t, u, R);
        mpfr_erf(t, t, R);
        mpfr_sub(v, v, t, R);
        mpfr_div_2ui(v, v, 1, R);
    } else if (strcmp(name, "lorentz_line") == 0) {
        /* (atan((hi - x0) / g) - atan((lo - x0) / g)) / pi */
        mpfr_set_d(t, hi, R);
        mpfr_sub_d(t, t, a, R);
        mpfr_div_d(t, t, c, R);
        mpfr_atan(v, t, R);
        mpfr_set_d(t, lo, R);
        mpfr_sub_d(t, t, a, R);
        mpfr_div_d(t, t, c, R);
        mpfr_atan(t, t, R);
        mpfr_sub(v, v, t, R);
        mpfr_div(v, v, pi, R);
    } else {
        /* planck on [0, inf): pi^4 T^4 / 15 */
        mpfr_pow_ui(v, pi, 4, R);
        mpfr_set_d(t, a, R);
        mpfr_pow_ui(t, t, 4, R);
        mpfr_mul(v, v, t, R);
        mpfr_div_ui(v, v, 15, R);
    }
    double d = mpfr_get_d(v, R);
    mpfr_clears(v, t, u, x, pi, (mpfr_ptr)0);
    return d;
}

/* ---- random problems ------------------------------------------------------------ */

static double uniform(unsigned *seed, double lo, double hi)
{
    *seed = *seed * 1103515245u + 12345u;
    return lo + (hi - lo) * ((double)(*seed >> 8) / (double)(1u << 24));
}

typedef struct problems {
    size_t n;
    double *a, *b, *p;
} problems;

/* Parameters in the ranges a benchmark would use: difficulty a in
 * [2, 12], location u in [0, 1]; line centres in [-1, 1], widths in
 * [0.01, 1]; Planck temperatures in [0.5, 5]. */
static problems make(const char *family, size_t n, unsigned seed)
{
    problems q = {n, malloc(n * sizeof(double)), malloc(n * sizeof(double)),
                  malloc(2 * n * sizeof(double))};
    cr_assert(q.a && q.b && q.p);
    for (size_t i = 0; i < n; i++) {
        double *p = q.p + 2 * i;
        if (strncmp(family, "genz", 4) == 0) {
            q.a[i] = 0;
            q.b[i] = 1;
            p[0] = uniform(&seed, 2, 12);
            p[1] = uniform(&seed, 0, 1);
        } else if (strcmp(family, "planck") == 0) {
            q.a[i] = 0;
            q.b[i] = INFINITY;
            p[0] = uniform(&seed, 0.5, 5);
            p[1] = 0;
        } else {
            q.a[i] = uniform(&seed, -3, 0);
            q.b[i] = uniform(&seed, 0, 3);
            p[0] = uniform(&seed, -1, 1);
            p[1] = uniform(&seed, 0.01, 1);
        }
    }
    return q;
}

static void release(problems *q)
{
    free(q->a);
    free(q->b);
    free(q->p);
}

static sq_options opts(int threads)
{
    sq_options o;
    sq_options_init(&o);
    o.threads = threads;
    return o;
}

static int same_bits(const sq_result *x, const sq_result *y)
{
    return memcmp(&x->value, &y->value, sizeof x->value) == 0
           && memcmp(&x->error, &y->error, sizeof x->error) == 0
           && x->evals == y->evals && x->intervals == y->intervals
           && x->status == y->status;
}

/* ---- accuracy ---------------------------------------------------------------------- */

Test(batch, every_family_meets_its_tolerance, .timeout = 120)
{
    for (size_t f = 0; f < sq_family_count(); f++) {
        const char *name = sq_family_name(f);
        problems q = make(name, 200, 7 + (unsigned)f);
        sq_integrand g = sq_fn_family(name, NULL);
        sq_batch b = {.n = q.n, .a = q.a, .b = q.b, .params = q.p, .nparams = 2};
        sq_options o = opts(0);
        o.epsrel = 1e-10;
        o.epsabs = 1e-14;    /* an oscillatory integral can nearly vanish */
        sq_result *r = malloc(q.n * sizeof *r);
        cr_assert_not_null(r);
        sq_integrate_batch(NULL, &g, &b, &o, r);
        for (size_t i = 0; i < q.n; i++) {
            double exact = family_exact(name, q.a[i], q.b[i], q.p + 2 * i);
            double err = fabs(r[i].value - exact);
            double tol = fmax(o.epsabs, o.epsrel * fabs(exact));
            double slack = 4 * 2.2e-16 * fabs(exact);
            cr_expect(r[i].status == SQ_OK, "%s #%zu: %s", name, i,
                      sq_status_name(r[i].status));
            cr_expect(err <= fmax(r[i].error, slack) && err <= fmax(tol, slack),
                      "%s #%zu (a %g, u %g): value %.17g exact %.17g, error "
                      "%g, estimate %g", name, i, q.p[2 * i], q.p[2 * i + 1],
                      r[i].value, exact, err, r[i].error);
        }
        free(r);
        release(&q);
    }
}

/* ---- alone or together -------------------------------------------------------------- */

/* A mixed batch: reversed ranges, empty ones, infinite ones, per-problem
 * tolerances; each result against the same problem solved alone. */
static void check_against_alone(sq_rule rule, sq_control control, double tight)
{
    size_t n = 300;
    problems q = make("gauss_line", n, 11);
    double *ea = malloc(n * sizeof *ea), *er = malloc(n * sizeof *er);
    cr_assert(ea && er);
    for (size_t i = 0; i < n; i++) {
        ea[i] = 0;
        er[i] = i % 3 == 0 ? 1e-6 : i % 3 == 1 ? 1e-8 : tight;
        if (i % 7 == 0) {                 /* reversed */
            double t = q.a[i];
            q.a[i] = q.b[i];
            q.b[i] = t;
        }
        if (i % 13 == 0)
            q.b[i] = q.a[i];              /* empty */
        if (i % 17 == 0 && rule != SQ_RULE_SIMPSON)
            q.a[i] = -INFINITY;
    }
    sq_integrand g = sq_fn_family("gauss_line", NULL);
    sq_result *alone = malloc(n * sizeof *alone), *r = malloc(n * sizeof *r);
    cr_assert(alone && r);
    for (size_t i = 0; i < n; i++) {
        sq_integrand one = sq_fn_family("gauss_line", q.p + 2 * i);
        sq_options o = opts(1);
        o.rule = rule;
        o.control = control;
        o.max_evals = 2000000;     /* spent by a few: budgets are per problem */
        o.epsabs = ea[i];
        o.epsrel = er[i];
        sq_integrate(&one, q.a[i], q.b[i], &o, &alone[i]);
    }
    const int threads[] = {1, 2, 3};
    for (size_t t = 0; t < 3; t++) {
        sq_batch b = {.n = n, .a = q.a, .b = q.b, .epsabs = ea, .epsrel = er,
                      .params = q.p, .nparams = 2};
        sq_options o = opts(threads[t]);
        o.rule = rule;
        o.control = control;
        o.max_evals = 2000000;
        sq_integrate_batch(NULL, &g, &b, &o, r);
        for (size_t i = 0; i < n; i++)
            cr_assert(same_bits(&r[i], &alone[i]),
                      "rule %d, %d threads, problem %zu: %.17g (%s) alone "
                      "%.17g (%s)", rule, threads[t], i, r[i].value,
                      sq_status_name(r[i].status), alone[i].value,
                      sq_status_name(alone[i].status));
    }
    /* The same problems in reverse order. */
    double *ra = malloc(n * sizeof *ra), *rb = malloc(n * sizeof *rb);
    double *rp = malloc(2 * n * sizeof *rp), *rea = malloc(n * sizeof *rea);
    double *rer = malloc(n * sizeof *rer);
    cr_assert(ra && rb && rp && rea && rer);
    for (size_t i = 0; i < n; i++) {
        size_t j = n - 1 - i;
        ra[i] = q.a[j];
        rb[i] = q.b[j];
        rp[2 * i] = q.p[2 * j];
        rp[2 * i + 1] = q.p[2 * j + 1];
        rea[i] = ea[j];
        rer[i] = er[j];
    }
    sq_batch b = {.n = n, .a = ra, .b = rb, .epsabs = rea, .epsrel = rer,
                  .params = rp, .nparams = 2};
    sq_options o = opts(2);
    o.rule = rule;
    o.control = control;
    o.max_evals = 2000000;
    sq_integrate_batch(NULL, &g, &b, &o, r);
    for (size_t i = 0; i < n; i++)
        cr_assert(same_bits(&r[i], &alone[n - 1 - i]), "reversed order, %zu", i);
    free(ra);
    free(rb);
    free(rp);
    free(rea);
    free(rer);
    free(alone);
    free(r);
    free(ea);
    free(er);
    release(&q);
}

Test(batch, results_equal_the_problems_alone_gk21_global, .timeout = 120)
{
    check_against_alone(SQ_RULE_GK21, SQ_CONTROL_GLOBAL, 1e-12);
}

Test(batch, results_equal_the_problems_alone_gk15_local, .timeout = 120)
{
    check_against_alone(SQ_RULE_GK15, SQ_CONTROL_LOCAL, 1e-12);
}

Test(batch, results_equal_the_problems_alone_simpson, .timeout = 120)
{
    /* Simpson's classic rule needs millions of points for 1e-12. */
    check_against_alone(SQ_RULE_SIMPSON, SQ_CONTROL_LOCAL, 1e-9);
}

/* Breakpoints per problem: Simpson cuts them into pieces, Gauss-Kronrod
 * starts from them; either way the same as alone with the same points. */
Test(batch, breakpoint_rows_equal_the_problems_alone)
{
    enum { N = 40 };
    double a[N], b[N], p[2 * N], pts[2 * N];
    unsigned seed = 5;
    for (size_t i = 0; i < N; i++) {
        a[i] = 0;
        b[i] = 1;
        p[2 * i] = uniform(&seed, 2, 12);
        p[2 * i + 1] = uniform(&seed, 0, 1);
        pts[2 * i] = uniform(&seed, 0, 1);
        pts[2 * i + 1] = i % 2 ? NAN : 2.0;   /* ignored: NaN, outside */
    }
    const sq_rule rules[] = {SQ_RULE_GK21, SQ_RULE_SIMPSON};
    for (size_t k = 0; k < 2; k++) {
        sq_options o = opts(2);
        o.rule = rules[k];
        sq_integrand g = sq_fn_family("genz_gaussian", NULL);
        sq_batch bt = {.n = N, .a = a, .b = b, .params = p, .nparams = 2,
                       .points = pts, .npoints = 2};
        sq_result r[N];
        sq_integrate_batch(NULL, &g, &bt, &o, r);
        for (size_t i = 0; i < N; i++) {
            sq_integrand one = sq_fn_family("genz_gaussian", p + 2 * i);
            sq_options oi = o;
            oi.points = pts + 2 * i;
            oi.npoints = 1;
            sq_result alone;
            sq_integrate(&one, a[i], b[i], &oi, &alone);
            cr_assert(same_bits(&r[i], &alone), "rule %d, problem %zu", rules[k], i);
        }
    }
}

/* The family's own breakpoint (the jump of genz_discontinuous at u) is used:
 * the jump costs nothing, as if the caller had given it. */
Test(batch, a_family_breakpoint_is_a_breakpoint)
{
    double p[2] = {3, 0.3141};
    sq_integrand g = sq_fn_family("genz_discontinuous", p);
    sq_result r;
    cr_assert_eq(sq_integrate(&g, 0, 1, NULL, &r), SQ_OK);
    cr_assert_leq(r.evals, 2 * 21 * 2, "%zu evaluations", r.evals);
    double exact = (exp(3 * 0.3141) - 1) / 3;
    cr_assert(fabs(r.value - exact) <= 1e-14, "%.17g", r.value);
}

/* ---- parametric callbacks and failures ---------------------------------------------- */

typedef struct pctx {
    const double *a, *b, *p;
    size_t fail, nan;        /* problems that fail, that give NaN */
    atomic_int wrong_pid;    /* a point outside its problem's range */
} pctx;

static int genz_gauss_cb(size_t n, const double *x, const size_t *pid,
                         double *y, void *ctx)
{
    pctx *c = ctx;
    for (size_t i = 0; i < n; i++) {
        size_t k = pid[i];
        double lo = fmin(c->a[k], c->b[k]), hi = fmax(c->a[k], c->b[k]);
        if (!(x[i] >= lo && x[i] <= hi))       /* Simpson evaluates ends */
            atomic_store(&c->wrong_pid, 1);
        if (k == c->fail)
            return 3;
        double d = c->p[2 * k] * (x[i] - c->p[2 * k + 1]);
        y[i] = k == c->nan ? NAN : exp(-d * d);
    }
    return 0;
}

Test(batch, failures_stay_with_their_problem)
{
    size_t n = 500;
    problems q = make("genz_gaussian", n, 3);
    pctx clean = {q.a, q.b, q.p, (size_t)-1, (size_t)-1, 0};
    pctx bad = {q.a, q.b, q.p, 77, 301, 0};
    sq_integrand gc = sq_fn_param(genz_gauss_cb, &clean);
    sq_integrand gb = sq_fn_param(genz_gauss_cb, &bad);
    sq_batch b = {.n = n, .a = q.a, .b = q.b};
    sq_result *r0 = malloc(n * sizeof *r0), *r1 = malloc(n * sizeof *r1);
    cr_assert(r0 && r1);
    const sq_rule rules[] = {SQ_RULE_GK21, SQ_RULE_SIMPSON};
    for (size_t k = 0; k < 2; k++) {
        sq_options o = opts(2);
        o.rule = rules[k];
        sq_status st = sq_integrate_batch(NULL, &gc, &b, &o, r0);
        cr_assert(st == SQ_OK || rules[k] == SQ_RULE_SIMPSON, "%s",
                  sq_status_name(st));
        sq_status worst = sq_integrate_batch(NULL, &gb, &b, &o, r1);
        cr_assert_eq(worst, SQ_CALLBACK_ABORT, "%s", sq_status_name(worst));
        cr_assert(!atomic_load(&clean.wrong_pid) && !atomic_load(&bad.wrong_pid),
                  "a point was given the wrong problem index");
        for (size_t i = 0; i < n; i++) {
            if (i == 77) {
                cr_assert_eq(r1[i].status, SQ_CALLBACK_ABORT);
            } else if (i == 301) {
                cr_assert_eq(r1[i].status, SQ_NONFINITE);
                cr_assert(r1[i].where >= 0 && r1[i].where <= 1);
            } else {
                cr_assert(same_bits(&r0[i], &r1[i]), "rule %d, problem %zu",
                          rules[k], i);
            }
        }
    }
    free(r0);
    free(r1);
    release(&q);
}

/* ---- one call per round (gather) ------------------------------------------------ */

typedef struct counted {
    pctx p;
    atomic_int calls;
    atomic_size_t points;
} counted;

static int counted_cb(size_t n, const double *x, const size_t *pid, double *y, void *ctx)
{
    counted *c = ctx;
    atomic_fetch_add(&c->calls, 1);
    atomic_fetch_add(&c->points, n);
    return genz_gauss_cb(n, x, pid, y, &c->p);
}

static void count_rounds(const sq_round_info *info, void *ctx)
{
    (void)info;
    ++*(int *)ctx;
}

/* gather: one call per round of the frontier, the same bits as tile by
 * tile, on any number of threads; failures still stay with their problem. */
Test(batch, gather_makes_one_call_per_round)
{
    size_t n = 3000;
    problems q = make("genz_gaussian", n, 5);
    counted tiles = {{q.a, q.b, q.p, 77, 301, 0}, 0, 0};
    counted one = tiles;
    sq_batch b = {.n = n, .a = q.a, .b = q.b};
    sq_result *r0 = malloc(n * sizeof *r0), *r1 = malloc(n * sizeof *r1);
    cr_assert(r0 && r1);
    sq_integrand f0 = sq_fn_param(counted_cb, &tiles), f1 = sq_fn_param(counted_cb, &one);
    sq_options o = opts(1);
    int rounds = 0;
    sq_integrate_batch(NULL, &f0, &b, &o, r0);
    for (int threads = 1; threads <= 2; threads++) {
        o = opts(threads);
        o.gather = 1;
        sq_integrate_batch(NULL, &f1, &b, &o, r1);
        for (size_t i = 0; i < n; i++)
            cr_assert(same_bits(&r0[i], &r1[i]), "%d threads, problem %zu", threads, i);
        cr_assert_eq(r1[77].status, SQ_CALLBACK_ABORT);
        cr_assert_eq(r1[301].status, SQ_NONFINITE);
    }
    /* Without failures, one call per round of each group (trace counts
     * every group's rounds when all run on the calling thread). */
    counted clean = {{q.a, q.b, q.p, (size_t)-1, (size_t)-1, 0}, 0, 0};
    counted clean_tiles = clean;
    sq_integrand fc = sq_fn_param(counted_cb, &clean), ft = sq_fn_param(counted_cb, &clean_tiles);
    o = opts(1);
    sq_integrate_batch(NULL, &ft, &b, &o, r0);
    rounds = 0;
    o.gather = 1;
    o.trace = count_rounds;
    o.trace_ctx = &rounds;
    sq_integrate_batch(NULL, &fc, &b, &o, r1);
    for (size_t i = 0; i < n; i++)
        cr_assert(same_bits(&r0[i], &r1[i]), "problem %zu", i);
    cr_assert_eq(atomic_load(&clean.calls), rounds, "%d calls in %d rounds",
                 atomic_load(&clean.calls), rounds);
    cr_assert_eq(atomic_load(&clean.points), atomic_load(&clean_tiles.points));
    cr_assert_lt(atomic_load(&clean.calls), atomic_load(&clean_tiles.calls) / 4,
                 "%d calls with gather, %d without", atomic_load(&clean.calls),
                 atomic_load(&clean_tiles.calls));
    /* A single integral: exactly one call per round, probes included. */
    counted single = {{q.a, q.b, q.p, (size_t)-1, (size_t)-1, 0}, 0, 0};
    sq_integrand fs = sq_fn_param(counted_cb, &single);
    o = opts(1);
    o.gather = 1;
    o.epsrel = 1e-13;
    sq_result r;
    sq_integrate(&fs, 0, 1, &o, &r);
    cr_assert_gt(r.rounds, 2);
    cr_assert_eq((uint32_t)atomic_load(&single.calls), r.rounds, "%d calls, %u rounds",
                 atomic_load(&single.calls), r.rounds);
    free(r0);
    free(r1);
    release(&q);
}

/* ---- bad input ------------------------------------------------------------------- */

Test(batch, bad_problems_fail_alone)
{
    enum { N = 6 };
    double a[N] = {0, NAN, 0, 0, 0, 1};
    double b[N] = {1, 1, 1, 1, 1, 0};
    double er[N] = {1e-10, 1e-10, -1, 1e-10, 0, 1e-10};
    double p[2] = {5, 0.5};
    sq_integrand g = sq_fn_family("genz_gaussian", p);
    sq_batch bt = {.n = N, .a = a, .b = b, .epsrel = er};
    sq_result r[N];
    cr_assert_eq(sq_integrate_batch(NULL, &g, &bt, NULL, r), SQ_BAD_INPUT);
    cr_assert_eq(r[0].status, SQ_OK);
    cr_assert_eq(r[1].status, SQ_BAD_INPUT);
    cr_assert(strstr(r[1].detail, "a") != NULL);
    cr_assert_eq(r[2].status, SQ_BAD_INPUT);
    cr_assert(strstr(r[2].detail, "epsrel") != NULL);
    cr_assert_eq(r[3].status, SQ_OK);
    cr_assert_eq(r[4].status, SQ_BAD_INPUT);     /* both tolerances zero */
    cr_assert_eq(r[5].status, SQ_OK);
    cr_assert(same_bits(&r[0], &r[3]));    /* fields: padding is undefined */
    double neg = -r[0].value;
    cr_assert(memcmp(&r[5].value, &neg, sizeof neg) == 0);
}

static int never(size_t n, const double *x, const size_t *pid, double *y,
                 void *ctx)
{
    (void)n, (void)x, (void)pid, (void)y;
    atomic_int *calls = ctx;
    atomic_fetch_add(calls, 1);
    return 0;
}

Test(batch, bad_calls_are_rejected_whole)
{
    enum { N = 3 };
    double a[N] = {0, 0, 0}, b[N] = {1, 1, 1}, p[2 * N] = {1, 0.5, 2, 0.3, 3, 0.7};
    sq_result r[N];
    atomic_int calls = 0;
    sq_integrand cb = sq_fn_param(never, &calls);
    sq_batch nul = {.n = N, .a = NULL, .b = b};
    cr_assert_eq(sq_integrate_batch(NULL, &cb, &nul, NULL, r), SQ_BAD_INPUT);
    for (size_t i = 0; i < N; i++)
        cr_assert_eq(r[i].status, SQ_BAD_INPUT);
    sq_integrand fam = sq_fn_family("genz_gaussian", NULL);
    sq_batch nop = {.n = N, .a = a, .b = b};
    cr_assert_eq(sq_integrate_batch(NULL, &fam, &nop, NULL, r), SQ_BAD_INPUT);
    cr_assert(strstr(r[0].detail, "params") != NULL, "%s", r[0].detail);
    sq_batch narrow = {.n = N, .a = a, .b = b, .params = p, .nparams = 1};
    cr_assert_eq(sq_integrate_batch(NULL, &fam, &narrow, NULL, r), SQ_BAD_INPUT);
    sq_integrand unknown = sq_fn_family("no_such_family", p);
    cr_assert_eq(unknown.kind, SQ_INTEGRAND_INVALID);
    sq_batch ok = {.n = N, .a = a, .b = b};
    cr_assert_eq(sq_integrate_batch(NULL, &unknown, &ok, NULL, r), SQ_BAD_INPUT);
    cr_assert_eq(sq_integrate_batch(NULL, &cb, NULL, NULL, r), SQ_BAD_INPUT);
    cr_assert_eq(sq_integrate_batch(NULL, &cb, &ok, NULL, NULL), SQ_BAD_INPUT);
    /* Simpson on an infinite range: that problem alone. */
    double binf[N] = {1, INFINITY, 1};
    sq_options o = opts(1);
    o.rule = SQ_RULE_SIMPSON;
    sq_batch mixed = {.n = N, .a = a, .b = binf, .params = p, .nparams = 2};
    sq_integrate_batch(NULL, &fam, &mixed, &o, r);
    cr_assert_eq(r[0].status, SQ_OK);
    cr_assert_eq(r[1].status, SQ_BAD_INPUT);
    cr_assert_eq(r[2].status, SQ_OK);
    cr_assert_eq(atomic_load(&calls), 0);
}

Test(batch, an_empty_batch_is_fine)
{
    atomic_int calls = 0;
    sq_integrand cb = sq_fn_param(never, &calls);
    sq_batch b = {.n = 0};
    cr_assert_eq(sq_integrate_batch(NULL, &cb, &b, NULL, NULL), SQ_OK);
    cr_assert_eq(atomic_load(&calls), 0);
}

/* ---- progress and cancellation ------------------------------------------------------- */

typedef struct progress_log {
    double seen[4096];
    size_t n;
    int cancel_after;        /* cancel at this call (0: never) */
} progress_log;

static int record(double fraction, void *ctx)
{
    progress_log *l = ctx;
    if (l->n < 4096)
        l->seen[l->n] = fraction;
    l->n++;
    return l->cancel_after > 0 && (int)l->n >= l->cancel_after;
}

/* A slow parametric integrand: at least a millisecond per call. */
static int slow_gauss(size_t n, const double *x, const size_t *pid, double *y,
                      void *ctx)
{
    const double *p = ctx;
    for (size_t i = 0; i < n; i++) {
        double d = p[2 * pid[i]] * (x[i] - p[2 * pid[i] + 1]);
        y[i] = exp(-d * d);
    }
    struct timespec t = {0, 1000000};
    nanosleep(&t, NULL);
    return 0;
}

Test(batch, progress_runs_from_zero_to_one, .timeout = 120)
{
    size_t n = 2000;
    problems q = make("genz_gaussian", n, 9);
    progress_log log = {.n = 0};
    sq_options o = opts(2);
    o.progress = record;
    o.progress_ctx = &log;
    sq_integrand g = sq_fn_param(slow_gauss, q.p);
    sq_batch b = {.n = n, .a = q.a, .b = q.b};
    sq_result *r = malloc(n * sizeof *r);
    cr_assert_not_null(r);
    cr_assert_eq(sq_integrate_batch(NULL, &g, &b, &o, r), SQ_OK);
    cr_assert_geq(log.n, 3, "%zu calls", log.n);
    cr_assert_eq(log.seen[0], 0.0);
    cr_assert_eq(log.seen[log.n - 1], 1.0);
    for (size_t i = 1; i < log.n && i < 4096; i++)
        cr_assert_geq(log.seen[i], log.seen[i - 1]);
    free(r);
    release(&q);
}

Test(batch, cancel_stops_the_rest_with_best_estimates, .timeout = 120)
{
    size_t n = 8000;     /* about half a second: the cancel lands midway */
    problems q = make("genz_gaussian", n, 9);
    sq_integrand g = sq_fn_param(slow_gauss, q.p);
    sq_batch b = {.n = n, .a = q.a, .b = q.b};
    sq_result *r = malloc(n * sizeof *r), *full = malloc(n * sizeof *full);
    cr_assert(r && full);
    sq_options o = opts(2);
    sq_integrate_batch(NULL, &g, &b, &o, full);

    /* Cancelled at the first call: nothing is integrated. */
    progress_log now = {.n = 0, .cancel_after = 1};
    o.progress = record;
    o.progress_ctx = &now;
    sq_status st = sq_integrate_batch(NULL, &g, &b, &o, r);
    cr_assert_eq(st, SQ_CANCELLED, "%s", sq_status_name(st));
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(r[i].status, SQ_CANCELLED, "%zu: %s", i,
                     sq_status_name(r[i].status));

    /* Cancelled midway: finished problems are exact, the rest cancelled
     * with an estimate, and every problem has a status. */
    progress_log mid = {.n = 0, .cancel_after = 2};
    o.progress_ctx = &mid;
    cr_assert_eq(sq_integrate_batch(NULL, &g, &b, &o, r), SQ_CANCELLED);
    size_t done = 0, cancelled = 0;
    for (size_t i = 0; i < n; i++) {
        if (r[i].status == SQ_OK) {
            done++;
            cr_assert(same_bits(&r[i], &full[i]), "%zu", i);
        } else {
            cr_assert_eq(r[i].status, SQ_CANCELLED, "%zu: %s", i,
                         sq_status_name(r[i].status));
            cancelled++;
            if (r[i].rounds > 0)
                cr_assert(isfinite(r[i].value) && r[i].error >= 0);
        }
    }
    cr_assert_gt(cancelled, 0);
    cr_assert_eq(done + cancelled, n);
    free(r);
    free(full);
    release(&q);
}

/* A single integral cancelled while its extrapolation runs (sin(x)/x on
 * [0, inf) spends seconds before its budget ends it) says cancelled, with
 * its best estimate: never divergent or roundoff, which are judgements of
 * sums the caller stopped. */
static int slow_sinc(size_t n, const double *x, double *y, void *ctx)
{
    (void)ctx;
    for (size_t i = 0; i < n; i++)
        y[i] = x[i] == 0 ? 1.0 : sin(x[i]) / x[i];
    struct timespec t = {0, 200000};
    nanosleep(&t, NULL);
    return 0;
}

Test(batch, a_cancelled_integral_says_cancelled, .timeout = 120)
{
    sq_integrand f = sq_fn_batch(slow_sinc, NULL);
    sq_options o;
    sq_options_init(&o);
    o.threads = 1;
    o.max_evals = 3000000;
    progress_log log = {.n = 0, .cancel_after = 3};
    o.progress = record;
    o.progress_ctx = &log;
    sq_result r;
    cr_assert_eq(sq_integrate(&f, 0, INFINITY, &o, &r), SQ_CANCELLED);
    cr_assert_eq(r.status, SQ_CANCELLED, "%s", sq_status_name(r.status));
    cr_assert(isfinite(r.value) && r.error > 0 && r.evals > 0);
}

/* ---- memory ---------------------------------------------------------------------- */

/* The workspace grows with the group, not with the batch: ten times the
 * problems, about the same memory. */
Test(batch, memory_is_bounded_by_the_group, .timeout = 120)
{
    sq_workspace *ws = sq_workspace_new();
    cr_assert_not_null(ws);
    sq_integrand g = sq_fn_family("genz_product_peak", NULL);
    size_t sizes[2] = {20000, 200000}, bytes[2];
    for (size_t k = 0; k < 2; k++) {
        problems q = make("genz_product_peak", sizes[k], 1);
        sq_batch b = {.n = q.n, .a = q.a, .b = q.b, .params = q.p, .nparams = 2};
        sq_result *r = malloc(q.n * sizeof *r);
        cr_assert_not_null(r);
        sq_options o = opts(2);
        cr_assert_eq(sq_integrate_batch(ws, &g, &b, &o, r), SQ_OK);
        bytes[k] = sq_workspace_bytes(ws);
        free(r);
        release(&q);
    }
    cr_assert_leq(bytes[1], 2 * bytes[0], "%zu bytes for %zu problems, %zu for %zu",
                  bytes[0], sizes[0], bytes[1], sizes[1]);
    cr_assert_leq(bytes[1], (size_t)16 << 20, "%zu bytes", bytes[1]);
    sq_workspace_free(ws);
}

/* ---- a few hopeless problems ------------------------------------------------------------ */

static int mostly_tame(size_t n, const double *x, const size_t *pid, double *y,
                       void *ctx)
{
    (void)ctx;
    for (size_t i = 0; i < n; i++) {
        double a = 3 + (double)(pid[i] % 17);
        y[i] = pid[i] % 30 == 7 ? cos(1e7 * x[i]) : exp(-a * a * x[i] * x[i]);
    }
    return 0;
}

/* One problem in thirty spends its whole budget. The batch sets those aside
 * and finishes them last; every result is still the problem's own, which is
 * what the same batch gives when that problem is the only one with work
 * (the others get empty ranges, so it runs alone, with its own pid). */
Test(batch, hopeless_problems_are_finished_last_and_unchanged, .timeout = 120)
{
    enum { N = 600 };
    static double a[N], b[N], b_only[N];
    static sq_result r[N], ro[N];
    for (size_t i = 0; i < N; i++) {
        a[i] = -1;
        b[i] = 1 + (double)(i % 5);
    }
    sq_integrand f = sq_fn_param(mostly_tame, NULL);
    sq_batch bt = {.n = N, .a = a, .b = b};
    for (int threads = 1; threads <= 3; threads++) {
        sq_options o = opts(threads);
        o.max_evals = 30000;
        sq_integrate_batch(NULL, &f, &bt, &o, r);
        for (size_t i = 7; i < N; i += 30)
            cr_assert_eq(r[i].status, SQ_MAX_EVALS, "problem %zu: %s", i,
                         sq_status_name(r[i].status));
        for (size_t i = 0; i < N; i++) {
            if (i % 10 != 7 && i % 97 != 0)
                continue;
            for (size_t k = 0; k < N; k++)
                b_only[k] = k == i ? b[i] : a[k];
            sq_batch only = {.n = N, .a = a, .b = b_only};
            sq_integrate_batch(NULL, &f, &only, &o, ro);
            cr_assert(same_bits(&r[i], &ro[i]), "%d threads, problem %zu: %s %.17g "
                      "vs alone %s %.17g", threads, i, sq_status_name(r[i].status),
                      r[i].value, sq_status_name(ro[i].status), ro[i].value);
        }
    }
}

static int zero_or_sqrt(size_t n, const double *x, double *y, void *ctx)
{
    (void)ctx;
    for (size_t i = 0; i < n; i++)
        y[i] = x[i] > 1e-300 ? sqrt(x[i]) : 0.0;
    return 0;
}

/* A problem that local control finishes in its first round (one interval
 * of subnormal width, unsplittable) is the same alone and next to one that
 * takes many rounds: the other problem's rounds are not its own (they used
 * to give it a look for zeros it never had, and an infinite error). */
Test(batch, a_problem_done_early_is_not_decided_again)
{
    sq_integrand f = sq_fn_batch(zero_or_sqrt, NULL);
    sq_options o;
    sq_options_init(&o);
    o.rule = SQ_RULE_GK15;
    o.control = SQ_CONTROL_LOCAL;
    o.epsabs = 4.94e-324;
    o.epsrel = 1e-14;
    double a[2] = {0, 0}, b[2] = {4.94e-324, 1};
    sq_result alone, together[2];
    sq_integrate(&f, a[0], b[0], &o, &alone);
    sq_batch bt = {.n = 2, .a = a, .b = b};
    sq_integrate_batch(NULL, &f, &bt, &o, together);
    cr_assert_gt(together[1].rounds, 11, "%u", together[1].rounds);
    cr_assert_eq(together[0].status, alone.status, "%s vs %s",
                 sq_status_name(together[0].status), sq_status_name(alone.status));
    cr_assert_eq(memcmp(&together[0].error, &alone.error, sizeof alone.error), 0,
                 "%g vs %g", together[0].error, alone.error);
    cr_assert_eq(together[0].evals, alone.evals);
    cr_assert_eq(together[0].rounds, alone.rounds);
}
