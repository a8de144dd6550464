/* SPDX-License-Identifier: MIT */
/*
 * Error-estimate honesty on randomised Lyness-Kaganove families: a
 * singularity |x - l|^a, a peak 1/((x - l)^2 + d^2) of width 1e-1 ... 1e-6
 * and a jump, at a place l drawn uniformly from a fixed seed, 10^4 draws
 * per family at tolerances 1e-3, 1e-6, 1e-9 and 1e-12. A false success is a
 * result with status OK whose true error exceeds its reported error or the
 * tolerance. With Gauss-Kronrod rules, global or local control, at most one
 * draw in a thousand may be one, per family and tolerance; the adaptive
 * Simpson rule (the classic algorithm's five-point estimates) is held to
 * the bounds the README documents for it. The README's table comes from
 * tests/honesty_report.c, on the same draws.
 */
#include <criterion/criterion.h>

#include "lk.h"
#include "test_scale.h"

/* 10^4 draws (at least 1000 in the sanitizer builds). */
static size_t draws(void)
{
    return sq_test_scaled(10000, 1000);
}

static const double tols[] = {1e-3, 1e-6, 1e-9, 1e-12};

static void check(const lk_config *c, double rate_loose, double rate_tight)
{
    for (int f = 0; f < LK_FAMILY_COUNT; f++)
        for (size_t t = 0; t < 4; t++) {
            lk_stats s;
            size_t n = draws();
            cr_assert_eq(lk_run((lk_family)f, c, tols[t], n, 1, &s), 0);
            cr_assert_eq(s.draws, n);
            double rate = (double)s.false_success / (double)s.draws;
            double bound = t == 0 ? rate_loose : rate_tight;
            cr_expect(rate <= bound, "%s, %s, epsrel %g: %zu false successes "
                      "in %zu draws (%zu OK)", c->name, lk_name((lk_family)f),
                      tols[t], s.false_success, s.draws, s.ok);
        }
}

/* The default configuration must also succeed: honesty by refusing every
 * problem would pass the rate check. */
Test(honesty, default_rule_succeeds_on_the_tame_families, .timeout = 300)
{
    for (int f = LK_POLE1; f <= LK_POLE4; f++) {
        lk_stats s;
        cr_assert_eq(lk_run((lk_family)f, &lk_configs[0], 1e-9, 1000, 1, &s), 0);
        cr_expect(s.ok == s.draws, "%s: %zu of %zu OK", lk_name((lk_family)f),
                  s.ok, s.draws);
    }
    lk_stats s;
    cr_assert_eq(lk_run(LK_STEP, &lk_configs[0], 1e-9, 1000, 1, &s), 0);
    cr_expect(s.ok == s.draws, "step: %zu of %zu OK", s.ok, s.draws);
}

Test(honesty, gk21_global_at_most_one_in_a_thousand, .timeout = 600)
{
    check(&lk_configs[0], 1e-3, 1e-3);
}

Test(honesty, gk15_global_at_most_one_in_a_thousand, .timeout = 600)
{
    check(&lk_configs[1], 1e-3, 1e-3);
}

Test(honesty, gk21_local_at_most_one_in_a_thousand, .timeout = 600)
{
    check(&lk_configs[2], 1e-3, 1e-3);
}

Test(honesty, simpson_within_its_documented_bounds, .timeout = 600)
{
    check(&lk_configs[3], 5e-2, 1e-2);
}

/* ---- the mechanisms, one regression each ------------------------------------------- */

#include <math.h>

#include "simdquad.h"

typedef struct {
    double at;          /* jump position */
    long calls_below;   /* points asked for below `nan_below` */
    double nan_below;
} step_ctx;

static int step_fn(size_t n, const double *x, double *y, void *ctx)
{
    step_ctx *c = ctx;
    for (size_t i = 0; i < n; i++) {
        y[i] = x[i] < c->at ? 0.25 : 1.5 + x[i];
        if (x[i] < c->nan_below) {
            y[i] = NAN;
            c->calls_below++;
        }
    }
    return 0;
}

static double step_exact(double a, double b, double at)
{
    return 0.25 * (at - a) + 1.5 * (b - at) + 0.5 * (b * b - at * at);
}

static void expect_honest(const sq_result *r, double exact, double tol, const char *what)
{
    double err = fabs(r->value - exact);
    cr_expect(r->status != SQ_OK || (err <= r->error && err <= tol),
              "%s: FALSE SUCCESS %.17g, exact %.17g, error %g, estimate %g", what,
              r->value, exact, err, r->error);
}

/* Jumps between an end of the range and the first node (0.2% of the range
 * for GK21) are invisible to every rule evaluation; the end probes see
 * them. */
Test(honesty, jumps_next_to_the_ends_are_seen)
{
    const sq_rule rules[] = {SQ_RULE_GK21, SQ_RULE_GK15};
    const double ats[] = {2.0 + 1e-3, 2.0 + 1e-6, 7.0 - 1e-3, 7.0 - 1e-6};
    for (size_t r = 0; r < 2; r++)
        for (size_t k = 0; k < 4; k++) {
            step_ctx c = {ats[k], 0, -INFINITY};
            sq_integrand f = sq_fn_batch(step_fn, &c);
            sq_options o;
            sq_options_init(&o);
            o.rule = rules[r];
            o.epsrel = 1e-10;
            sq_result res;
            sq_integrate(&f, 2, 7, &o, &res);
            double exact = step_exact(2, 7, ats[k]);
            expect_honest(&res, exact, 1e-10 * exact, "jump next to an end");
            cr_expect(res.status == SQ_OK, "rule %d, jump at %g: %s", rules[r],
                      ats[k], sq_status_name(res.status));
        }
}

/* The same in a batch whose problems mostly finish in their first round
 * (a first estimate that meets the tolerance is accepted without the
 * general decision's passes): breakpoints split each range in two first
 * intervals, and the probes still stand in for a neighbour at either end
 * of the range, never at the breakpoint. Smooth problems finish in one
 * round; the jumps next to an end take more and end honest. */
Test(honesty, jumps_next_to_the_ends_are_seen_in_a_batch)
{
    enum { N = 64 };
    const double at = 4.5, gaps[] = {1e-3, 1e-6};
    double a[N], b[N], pts[N], exact[N];
    int jump[N];
    for (int i = 0; i < N; i++) {
        double w = 1 + 0.25 * (i / 4), gap = gaps[i % 2];
        switch (i / 2 % 2) {
        case 0: a[i] = at - gap; b[i] = a[i] + w; break;   /* jump at the left */
        default: b[i] = at + gap; a[i] = b[i] - w; break;  /* at the right */
        }
        jump[i] = i % 8 < 4;
        if (!jump[i]) {                /* smooth: all on one side */
            a[i] += i % 8 < 6 ? -2 * w : 2 * w;
            b[i] += i % 8 < 6 ? -2 * w : 2 * w;
        }
        pts[i] = 0.5 * a[i] + 0.5 * b[i];
        double j = at < a[i] ? a[i] : at > b[i] ? b[i] : at;
        exact[i] = step_exact(a[i], b[i], j);
    }
    step_ctx c = {at, 0, -INFINITY};
    sq_integrand f = sq_fn_batch(step_fn, &c);
    sq_batch bt = {.n = N, .a = a, .b = b, .points = pts, .npoints = 1};
    sq_options o;
    sq_options_init(&o);
    o.epsrel = 1e-10;
    sq_result res[N];
    cr_assert_eq(sq_integrate_batch(NULL, &f, &bt, &o, res), SQ_OK);
    for (int i = 0; i < N; i++) {
        expect_honest(&res[i], exact[i], 1e-10 * fabs(exact[i]), "batch, next to an end");
        if (jump[i])
            cr_expect_gt(res[i].rounds, 1, "problem %d [%g, %g]: the probe saw no jump",
                         i, a[i], b[i]);
        else
            cr_expect_eq(res[i].rounds, 1, "problem %d [%g, %g] smooth: %u rounds", i,
                         a[i], b[i], (unsigned)res[i].rounds);
    }
}

/* A probe is not a node: a NaN there (and nowhere the rule looks) changes
 * nothing; two probes are counted, one on a half-infinite range. */
Test(honesty, probes_are_not_nodes)
{
    step_ctx c = {-1, 0, 1e-7};      /* NaN at the left probe (6e-8) only */
    sq_integrand f = sq_fn_batch(step_fn, &c);
    sq_options o;
    sq_options_init(&o);
    sq_result res;
    cr_assert_eq(sq_integrate(&f, 0, 1, &o, &res), SQ_OK);
    cr_assert_eq(c.calls_below, 1, "points below 1e-7: %ld", c.calls_below);
    cr_assert(fabs(res.value - 2.0) <= res.error, "%.17g +- %g", res.value, res.error);
    cr_assert_eq(res.evals, 21 + 2);

    sq_integrand g = sq_fn_kernel("gauss");
    cr_assert_eq(sq_integrate(&g, 0, INFINITY, &o, &res), SQ_OK);
    cr_assert_eq(res.evals % 21, 1, "one probe, at the finite end: %zu", res.evals);
    cr_assert_eq(sq_integrate(&g, -INFINITY, INFINITY, &o, &res), SQ_OK);
    cr_assert_eq(res.evals % 21, 0, "no probe on (-inf, inf): %zu", res.evals);
}

/* A jump at 5/6 (binary 0.110101...) makes bisection's sums a perfect
 * geometric sequence whose extrapolated limit is exact for 5/6 and wrong
 * for any point that differs from it in a later digit. Extrapolation is
 * only used at the ends of the range and at breakpoints. */
Test(honesty, extrapolation_is_not_fooled_by_an_interior_jump)
{
    const double ats[] = {5.0 / 6, 5.0 / 6 + 0x1p-20, 1.0 / 3 + 0x1p-24, 0.8331268271817};
    for (size_t k = 0; k < 4; k++) {
        step_ctx c = {ats[k], 0, -INFINITY};
        sq_integrand f = sq_fn_batch(step_fn, &c);
        sq_result res;
        for (int e = 3; e <= 12; e += 3) {
            sq_options o;
            sq_options_init(&o);
            o.epsrel = pow(10, -e);
            sq_integrate(&f, 0, 1, &o, &res);
            double exact = step_exact(0, 1, ats[k]);
            expect_honest(&res, exact, o.epsrel * exact, "interior jump");
        }
    }
}

/* A peak far narrower than the spacing of the doubles around it is
 * integrated from rounded nodes: the rounding is part of the error. */
Test(honesty, the_rounding_of_the_nodes_is_counted)
{
    /* The closed form for d^2 = 1e-12 as the integrand has it, rounded. */
    const double lam = 0.7071067811865476, d = sqrt(1e-12);
    const double exact = (atan((1 - lam) / d) + atan(lam / d)) / d;
    sq_expr *e = sq_expr_compile("1/((x - 0.7071067811865476)^2 + 1e-12)", NULL);
    cr_assert_not_null(e);
    sq_integrand f = sq_fn_expr(e, NULL);
    sq_options o;
    sq_options_init(&o);
    o.epsrel = 1e-12;
    sq_result res;
    sq_integrate(&f, 0, 1, &o, &res);
    expect_honest(&res, exact, 1e-12 * exact, "sharp peak");
    sq_expr_free(e);
}
