/* SPDX-License-Identifier: MIT */
/*
 * Jumps and kinks between the nodes are cut out of an interval, not halved
 * towards (children_of in src/adapt_decide.c, gk_jump in kernels/isa_gk.c):
 * closed-form checks, the evaluation and round counts that halving cannot
 * reach, the centre left to halving, and the same bits alone, in a batch
 * and on any number of threads.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "simdquad.h"

/* A step from 1 to 2 at p: 2 - p on [0, 1]. */
static const char *const step = "where(x < p0, 1, 2)";
/* A kink at p: p^2/2 + (1 - p)^2/2 on [0, 1]. */
static const char *const kink = "abs(x - p0)";

static double exact(const char *text, double p)
{
    return text == step ? 2 - p : 0.5 * p * p + 0.5 * (1 - p) * (1 - p);
}

static sq_result solve(const char *text, double p, int threads)
{
    sq_expr *e = sq_expr_compile(text, NULL);
    cr_assert_not_null(e);
    double params[1] = {p};
    sq_integrand f = sq_fn_expr(e, params);
    sq_options o;
    sq_options_init(&o);
    o.epsabs = 1e-10;
    o.epsrel = 0;
    o.threads = threads;
    sq_result r;
    sq_integrate(&f, 0, 1, &o, &r);
    sq_expr_free(e);
    return r;
}

static const double places[] = {0.3, 0.375 + 1e-9, 0.7123, 0.1234567, 0.9};

Test(cuts, a_jump_is_closed_in_on_faster_than_halving)
{
    /* Halving gains one bit of the jump's place a round: a unit step needs
     * about 33 rounds and 1,400 evaluations at epsabs 1e-10. */
    for (size_t i = 0; i < sizeof places / sizeof places[0]; i++) {
        sq_result r = solve(step, places[i], 1);
        double truth = exact(step, places[i]);
        cr_assert_eq(r.status, SQ_OK, "step at %g: %s", places[i],
                     sq_status_name(r.status));
        cr_assert_leq(fabs(r.value - truth), r.error, "step at %g: %.17g +- %g",
                      places[i], r.value, r.error);
        cr_assert_lt(r.rounds, 20u, "step at %g: %u rounds", places[i], r.rounds);
        cr_assert_lt(r.evals, 1000u, "step at %g: %zu evaluations", places[i],
                     r.evals);
    }
}

Test(cuts, a_kink_is_closed_in_on_faster_than_halving)
{
    /* Halving needs 695 evaluations for |x - 0.3| at epsabs 1e-10. */
    for (size_t i = 0; i < sizeof places / sizeof places[0]; i++) {
        sq_result r = solve(kink, places[i], 1);
        double truth = exact(kink, places[i]);
        cr_assert_eq(r.status, SQ_OK, "kink at %g", places[i]);
        cr_assert_leq(fabs(r.value - truth), r.error, "kink at %g: %.17g +- %g",
                      places[i], r.value, r.error);
    }
    cr_assert_lt(solve(kink, 0.3, 1).evals, 550u);
}

Test(cuts, a_feature_at_the_centre_is_halved_onto)
{
    /* Bisection puts an end exactly on 1/2 and 1/4: nothing to cut. */
    sq_result half = solve(kink, 0.5, 1), quarter = solve(kink, 0.25, 1);
    cr_assert_eq(half.status, SQ_OK);
    cr_assert_eq(quarter.status, SQ_OK);
    cr_assert_leq(fabs(half.value - 0.25), half.error + 1e-16);
    cr_assert_leq(fabs(quarter.value - 0.3125), quarter.error + 1e-16);
    cr_assert_leq(half.evals, 150u, "|x - 1/2|: %zu evaluations", half.evals);
    cr_assert_leq(quarter.evals, 150u, "|x - 1/4|: %zu evaluations", quarter.evals);
}

Test(cuts, the_same_bits_alone_in_a_batch_and_on_two_threads)
{
    enum { N = 5 };
    for (int which = 0; which < 2; which++) {
        const char *text = which ? kink : step;
        sq_expr *e = sq_expr_compile(text, NULL);
        cr_assert_not_null(e);
        sq_integrand f = sq_fn_expr(e, NULL);
        double a[N], b[N], p[N];
        for (int i = 0; i < N; i++) {
            a[i] = 0;
            b[i] = 1;
            p[i] = places[i];
        }
        sq_batch bt = {.n = N, .a = a, .b = b, .params = p, .nparams = 1};
        sq_options o;
        sq_options_init(&o);
        o.epsabs = 1e-10;
        o.epsrel = 0;
        sq_result r1[N], r2[N];
        o.threads = 1;
        sq_integrate_batch(NULL, &f, &bt, &o, r1);
        o.threads = 2;
        sq_integrate_batch(NULL, &f, &bt, &o, r2);
        for (int i = 0; i < N; i++) {
            sq_result alone = solve(text, places[i], 1);
            cr_assert(memcmp(&alone.value, &r1[i].value, sizeof(double)) == 0
                          && memcmp(&alone.error, &r1[i].error, sizeof(double)) == 0
                          && alone.evals == r1[i].evals,
                      "%s at %g: alone and in a batch differ", text, places[i]);
            cr_assert(memcmp(&r1[i].value, &r2[i].value, sizeof(double)) == 0
                          && memcmp(&r1[i].error, &r2[i].error, sizeof(double)) == 0
                          && r1[i].evals == r2[i].evals,
                      "%s at %g: one and two threads differ", text, places[i]);
        }
        sq_expr_free(e);
    }
}
