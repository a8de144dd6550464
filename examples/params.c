/* SPDX-License-Identifier: MIT */
/*
 * Expressions with parameters and breakpoints: the fraction of a damped
 * oscillation's energy below a cut-off, for a table of damping rates, and
 * a kink the caller knows about.
 *
 *   1. exp(-p0*x) * cos(p1*x)^2 on [0, inf) for 500 (p0, p1) pairs, in one
 *      batch, each row its own parameters;
 *   2. abs(x - p0)^0.5 * exp(-x) on [0, 4] with the kink at p0 given as a
 *      per-problem breakpoint row.
 * Each result is checked against its closed form; prints "ok: ..." if all
 * are within their error estimates.
 */
#include <math.h>
#include <simdquad.h>
#include <stdio.h>

int main(void)
{
    enum { N = 500 };
    static double a[N], b[N], prm[2 * N], pts[N];
    static sq_result r[N];
    sq_expr_error err;
    sq_expr *e = sq_expr_compile("exp(-p0*x) * cos(p1*x)^2", &err);
    if (e == NULL) {
        fprintf(stderr, "%s at %zu\n", err.message, err.position);
        return 1;
    }
    for (size_t i = 0; i < N; i++) {
        a[i] = 0;
        b[i] = INFINITY;
        prm[2 * i] = 0.1 + 0.01 * (double)i;     /* p0: damping */
        prm[2 * i + 1] = 1 + 0.02 * (double)i;   /* p1: frequency */
    }
    sq_integrand f = sq_fn_expr(e, NULL);        /* parameters per row */
    sq_batch batch = {.n = N, .a = a, .b = b, .params = prm, .nparams = 2};
    sq_integrate_batch(NULL, &f, &batch, NULL, r);
    int bad = 0;
    for (size_t i = 0; i < N; i++) {
        double k = prm[2 * i], w = prm[2 * i + 1];
        /* int e^{-kx} cos^2(wx) = 1/(2k) + k / (2 (k^2 + 4 w^2)) */
        double exact = 1 / (2 * k) + k / (2 * (k * k + 4 * w * w));
        bad += r[i].status != SQ_OK || !(fabs(r[i].value - exact) <= r[i].error);
    }
    sq_expr_free(e);

    /* 2. A kink inside the range, one per problem, given as breakpoints. */
    e = sq_expr_compile("abs(x - p0)^0.5 * exp(-x)", &err);
    if (e == NULL)
        return 1;
    for (size_t i = 0; i < N; i++) {
        a[i] = 0;
        b[i] = 4;
        prm[i] = pts[i] = 0.5 + 3 * (double)i / N;
    }
    f = sq_fn_expr(e, NULL);
    sq_batch kinks = {.n = N, .a = a, .b = b, .params = prm, .nparams = 1,
                      .points = pts, .npoints = 1};
    sq_options o;
    sq_options_init(&o);
    o.epsrel = 1e-12;
    sq_integrate_batch(NULL, &f, &kinks, &o, r);
    size_t evals = 0;
    for (size_t i = 0; i < N; i++) {
        /* Checked against the same integral split at the kink by hand. */
        sq_options oi = o;
        sq_result lo, hi;
        sq_integrand g = sq_fn_expr(e, &prm[i]);
        sq_integrate(&g, 0, pts[i], &oi, &lo);
        sq_integrate(&g, pts[i], 4, &oi, &hi);
        double ref = lo.value + hi.value;
        bad += r[i].status != SQ_OK
               || !(fabs(r[i].value - ref) <= r[i].error + lo.error + hi.error);
        evals += r[i].evals;
    }
    sq_expr_free(e);
    if (bad) {
        printf("%d results outside their error estimates\n", bad);
        return 1;
    }
    printf("ok: %d damped oscillations and %d kinks at given breakpoints, %.0f "
           "evaluations per kink\n", N, N, (double)evals / N);
    return 0;
}
