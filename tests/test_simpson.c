/* SPDX-License-Identifier: MIT */
/*
 * The Simpson engine against the classic recursive algorithm, written here
 * in its textbook form: the same multiset of evaluated points, bit for bit,
 * and the same value within a few ulps (only the order of the final
 * summation differs). Plus accuracy against exact values.
 */
#include <criterion/criterion.h>
#include <float.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "simdquad.h"

#define PI 3.14159265358979323846

/* ---- a recording integrand ------------------------------------------------ */

typedef double (*scalar_f)(double);

/* Records every point it is asked for. The engine may call it from several
 * threads at once, so it takes a lock. */
typedef struct recorder {
    scalar_f f;
    double *pts;
    size_t n, cap;
    pthread_mutex_t lock;
} recorder;

static void record(recorder *r, double x)
{
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 1024;
        r->pts = realloc(r->pts, r->cap * sizeof *r->pts);
        cr_assert_not_null(r->pts);
    }
    r->pts[r->n++] = x;
}

static int recording_batch(size_t n, const double *x, double *y, void *ctx)
{
    recorder *r = ctx;
    pthread_mutex_lock(&r->lock);
    for (size_t i = 0; i < n; i++)
        record(r, x[i]);
    pthread_mutex_unlock(&r->lock);
    for (size_t i = 0; i < n; i++)
        y[i] = r->f(x[i]);
    return 0;
}

/* ---- the classic recursive algorithm ------------------------------------------ */

static double ref_eval(recorder *r, double x)
{
    record(r, x);
    return r->f(x);
}

static double ref_asr(recorder *r, double a, double fa, double b, double fb,
                      double eps, double whole, double m, double fm)
{
    double lm = (a + m) / 2, rm = (m + b) / 2;
    double flm = ref_eval(r, lm), frm = ref_eval(r, rm);
    double left = fabs(m - a) / 6 * (fa + 4 * flm + fm);
    double right = fabs(b - m) / 6 * (fm + 4 * frm + fb);
    double delta = left + right - whole;
    if (fabs(delta) <= 15 * eps)
        return left + right + delta / 15;
    return ref_asr(r, a, fa, m, fm, eps / 2, left, lm, flm)
         + ref_asr(r, m, fm, b, fb, eps / 2, right, rm, frm);
}

static double ref_simpson(recorder *r, double a, double b, double eps)
{
    double fa = ref_eval(r, a), fb = ref_eval(r, b);
    double m = (a + b) / 2, fm = ref_eval(r, m);
    return ref_asr(r, a, fa, b, fb, eps, fabs(b - a) / 6 * (fa + 4 * fm + fb),
                   m, fm);
}

static int cmp_double(const void *p, const void *q)
{
    double a = *(const double *)p, b = *(const double *)q;
    return (a > b) - (a < b);
}

/* ---- the comparison ------------------------------------------------------------ */

static double f_sin(double x) { return sin(x); }
static double f_gauss(double x) { return exp(-x * x); }
static double f_lorentz(double x) { return 1 / (1 + x * x); }
static double f_sqrt(double x) { return sqrt(x); }
static double f_osc(double x) { return cos(30 * x) * exp(x); }
static double f_peak(double x) { return 1 / (1e-4 + (x - 0.3) * (x - 0.3)); }

typedef struct classic_case {
    scalar_f f;
    double a, b, eps;
    size_t expected_evals;   /* 0: not pinned */
} classic_case;

static const classic_case classic_cases[] = {
    {f_sin, 0, PI, 1e-10, 473},
    {f_sin, 0, PI, 1e-6, 0},
    {f_gauss, -3, 3, 1e-12, 0},
    {f_lorentz, -10, 10, 1e-9, 0},
    {f_sqrt, 0, 1, 1e-9, 0},
    {f_osc, 0, 2, 1e-10, 0},
    {f_peak, 0, 1, 1e-8, 0},
};

static void check_classic(const classic_case *c, int threads)
{
    recorder mine = {c->f, NULL, 0, 0, PTHREAD_MUTEX_INITIALIZER};
    recorder ref = {c->f, NULL, 0, 0, PTHREAD_MUTEX_INITIALIZER};
    sq_integrand g = sq_fn_batch(recording_batch, &mine);
    sq_options o;
    sq_options_init(&o);
    o.rule = SQ_RULE_SIMPSON;
    o.epsabs = c->eps;
    o.epsrel = 0;
    o.threads = threads;
    sq_result r;
    sq_status st = sq_integrate(&g, c->a, c->b, &o, &r);
    double expect = ref_simpson(&ref, c->a, c->b, c->eps);

    cr_assert_eq(st, SQ_OK, "status %s", sq_status_name(st));
    cr_assert_eq(r.evals, ref.n, "evals %zu, classic %zu", r.evals, ref.n);
    cr_assert_eq(mine.n, ref.n);
    if (c->expected_evals)
        cr_assert_eq(r.evals, c->expected_evals);
    qsort(mine.pts, mine.n, sizeof(double), cmp_double);
    qsort(ref.pts, ref.n, sizeof(double), cmp_double);
    cr_assert(memcmp(mine.pts, ref.pts, mine.n * sizeof(double)) == 0,
              "the evaluated points differ from the classic algorithm's");
    for (size_t i = 1; i < mine.n; i++)
        cr_assert(mine.pts[i] != mine.pts[i - 1], "point %.17g evaluated twice",
                  mine.pts[i]);
    double ulp = nextafter(fabs(expect), INFINITY) - fabs(expect);
    cr_assert(fabs(r.value - expect) <= 8 * ulp,
              "value %.17g, classic %.17g", r.value, expect);
    free(mine.pts);
    free(ref.pts);
}

Test(simpson, same_points_and_value_as_classic_recursion)
{
    for (size_t i = 0; i < sizeof classic_cases / sizeof *classic_cases; i++)
        check_classic(&classic_cases[i], 1);
}

Test(simpson, sin_on_0_pi_takes_473_evaluations_with_every_kernel_isa)
{
    sq_integrand g = sq_fn_kernel("sin");
    sq_options o;
    sq_options_init(&o);
    o.rule = SQ_RULE_SIMPSON;
    o.epsabs = 1e-10;
    o.epsrel = 0;
    for (int isa = SQ_ISA_SCALAR; isa < SQ_ISA_COUNT; isa++) {
        if (!sq_isa_supported((sq_isa)isa))
            continue;
        o.isa = (sq_isa)isa;
        sq_result r;
        cr_assert_eq(sq_integrate(&g, 0, PI, &o, &r), SQ_OK);
        cr_assert_eq(r.evals, 473, "%s: %zu evaluations",
                     sq_isa_name((sq_isa)isa), r.evals);
        cr_assert(fabs(r.value - 2) <= r.error);
    }
}

/* ---- accuracy against exact values ------------------------------------------------ */

typedef struct exact_case {
    const char *kernel;
    double a, b, exact;
} exact_case;

static const exact_case exact_cases[] = {
    {"sin", 0, PI, 2.0},
    {"cos", 0, 1, 0.8414709848078965066525023},
    {"exp", 0, 1, 1.7182818284590452353602875},
    {"log", 1, 2, 0.3862943611198906188344642},
    {"sqrt", 0, 1, 2.0 / 3},
    {"gauss", -2, 2, 1.7641627815248430373587858},
    {"lorentz", -1, 1, 1.5707963267948966192313217},
    {"poly", -1, 1, 141.0 / 60},
    /* sqrt(pi) exp(-9/4); the tails beyond |x| = 8 are below 1e-28 */
    {"gauss_cos", -8, 8, 0.18681526145713169401467764},
};

Test(simpson, accuracy_against_exact_values)
{
    const double tols[] = {1e-6, 1e-10, 1e-13};
    for (size_t i = 0; i < sizeof exact_cases / sizeof *exact_cases; i++) {
        const exact_case *c = &exact_cases[i];
        for (size_t t = 0; t < 3; t++) {
            sq_integrand g = sq_fn_kernel(c->kernel);
            sq_options o;
            sq_options_init(&o);
            o.rule = SQ_RULE_SIMPSON;
            o.epsabs = tols[t];
            o.epsrel = 0;
            sq_result r;
            sq_status st = sq_integrate(&g, c->a, c->b, &o, &r);
            double true_err = fabs(r.value - c->exact);
            cr_assert_eq(st, SQ_OK, "%s tol %g: %s", c->kernel, tols[t],
                         sq_status_name(st));
            cr_assert(true_err <= tols[t], "%s tol %g: error %g", c->kernel,
                      tols[t], true_err);
            cr_assert(true_err <= fmax(r.error, 4 * DBL_EPSILON * fabs(c->exact)),
                      "%s tol %g: true error %g above the estimate %g",
                      c->kernel, tols[t], true_err, r.error);
        }
    }
}

Test(simpson, relative_tolerance_is_met)
{
    sq_integrand g = sq_fn_kernel("exp");
    sq_options o;
    sq_options_init(&o);
    o.rule = SQ_RULE_SIMPSON;
    o.epsrel = 1e-12;
    sq_result r;
    cr_assert_eq(sq_integrate(&g, 0, 10, &o, &r), SQ_OK);
    double exact = expm1(10.0);
    cr_assert(fabs(r.value - exact) <= 1e-12 * exact);
}

Test(simpson, reversed_limits_negate_exactly)
{
    sq_integrand g = sq_fn_kernel("gauss_cos");
    sq_options o;
    sq_options_init(&o);
    o.rule = SQ_RULE_SIMPSON;
    sq_result f, b;
    sq_integrate(&g, -1.5, 2.5, &o, &f);
    sq_integrate(&g, 2.5, -1.5, &o, &b);
    cr_assert_eq(b.value, -f.value);
    cr_assert_eq(b.error, f.error);
    cr_assert_eq(b.evals, f.evals);
    cr_assert_eq(b.intervals, f.intervals);
    cr_assert_eq(b.rounds, f.rounds);
}

/* Each bisection visits two intervals, and each visit after the first
 * evaluates two points: the counts are tied together. */
Test(simpson, counts_are_consistent)
{
    sq_integrand g = sq_fn_kernel("lorentz");
    sq_options o;
    sq_options_init(&o);
    o.rule = SQ_RULE_SIMPSON;
    sq_result r;
    sq_integrate(&g, -100, 100, &o, &r);
    cr_assert_eq(r.evals, 3 + 2 * r.intervals);
    cr_assert(r.rounds >= 2);
}

/* A job whose rounds are wider than the window: the engine takes the
 * leftmost items first and parks the rest, and still evaluates exactly the
 * classic algorithm's points. */
static double f_cos(double x) { return cos(x); }

Test(simpson, wide_jobs_still_match_the_classic_algorithm, .timeout = 120)
{
    classic_case c = {f_cos, 0, 1000, 1e-12, 0};
    check_classic(&c, 1);
    check_classic(&c, 2);
}

Test(simpson, a_reused_workspace_gives_the_same_bits)
{
    sq_workspace *ws = sq_workspace_new();
    cr_assert_not_null(ws);
    cr_assert_eq(sq_workspace_bytes(ws) > 0, 1);
    const struct { const char *k; double a, b, tol; } jobs[] = {
        {"cos", 0, 1000, 1e-11}, {"gauss", -3, 3, 1e-14}, {"sin", 0, 1, 1e-6},
        {"cos", 0, 1000, 1e-11},
    };
    size_t grown = 0;
    for (size_t i = 0; i < 4; i++) {
        sq_integrand f = sq_fn_kernel(jobs[i].k);
        sq_options o;
        sq_options_init(&o);
        o.rule = SQ_RULE_SIMPSON;
        o.epsabs = jobs[i].tol;
        o.epsrel = 0;
        sq_result fresh, reused;
        sq_integrate(&f, jobs[i].a, jobs[i].b, &o, &fresh);
        sq_integrate_ws(ws, &f, jobs[i].a, jobs[i].b, &o, &reused);
        cr_assert_eq(fresh.value, reused.value, "job %zu", i);
        cr_assert_eq(fresh.error, reused.error);
        cr_assert_eq(fresh.evals, reused.evals);
        if (i == 0)
            grown = sq_workspace_bytes(ws);
    }
    /* The second run of the first job needed no more memory. */
    cr_assert(sq_workspace_bytes(ws) >= grown);
    sq_workspace_free(ws);
    sq_workspace_free(NULL);
    cr_assert_eq(sq_workspace_bytes(NULL), 0);
}
