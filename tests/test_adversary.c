/* SPDX-License-Identifier: MIT */
/*
 * Adversarial classes (tests/adversary.c): integrands built to make an
 * adaptive rule say `ok` about what it has not seen, drawn over many
 * placements and scales. Every class must give zero false successes; the
 * reproducers that found each class are kept as cases of their own.
 */
#include <criterion/criterion.h>
#include <float.h>
#include <math.h>

#include "adversary.h"
#include "simdquad.h"
#include "test_scale.h"

/* Zero false successes over the class's draws, and at least `min_ok` of
 * them ok (a fraction). */
static void class_is_honest_at(adv_class c, sq_rule rule, sq_control control,
                               double min_ok)
{
    sq_options o;
    sq_options_init(&o);
    o.rule = rule;
    o.control = control;
    size_t draws = sq_test_scaled(3000, 300), ok, bad;
    cr_assert_eq(adv_run(c, 1, draws, &o, &ok, &bad), 0);
    cr_assert_eq(bad, 0, "%s: %zu false successes of %zu ok (%zu draws)",
                 adv_name(c), bad, ok, draws);
    cr_assert_geq((double)ok, min_ok * (double)draws, "%s: only %zu of %zu ok",
                  adv_name(c), ok, draws);
}

static void class_is_honest(adv_class c, sq_rule rule, sq_control control)
{
    class_is_honest_at(c, rule, control, 0.9);
}

Test(adversary, a_peak_seen_once_is_not_lost, .timeout = 300)
{
    class_is_honest(ADV_LOST_PEAK, SQ_RULE_GK21, SQ_CONTROL_GLOBAL);
}

Test(adversary, a_peak_seen_once_is_not_lost_local_control, .timeout = 300)
{
    class_is_honest(ADV_LOST_PEAK, SQ_RULE_GK21, SQ_CONTROL_LOCAL);
}

Test(adversary, a_fast_decay_at_a_breakpoint_is_seen, .timeout = 300)
{
    class_is_honest(ADV_BREAK_DECAY, SQ_RULE_GK21, SQ_CONTROL_GLOBAL);
}

Test(adversary, a_fast_decay_at_a_breakpoint_is_seen_gk15_local, .timeout = 300)
{
    class_is_honest(ADV_BREAK_DECAY, SQ_RULE_GK15, SQ_CONTROL_LOCAL);
}

/*
 * Peers' test suites: an interior singularity that no breakpoint names, and
 * an algebraic tail on [0, inf). simdquad gives up more of the former than
 * qags, whose extrapolation works at any point (see the README); what it
 * must never do is say ok wrongly, or end with an error that does not cover
 * the truth.
 */
static void class_covers(adv_class c, sq_rule rule, sq_control control,
                         double min_ok)
{
    class_is_honest_at(c, rule, control, min_ok);
    sq_expr *e = sq_expr_compile(adv_formula(c), NULL);
    cr_assert(e != NULL);
    sq_options o;
    sq_options_init(&o);
    o.rule = rule;
    o.control = control;
    size_t draws = sq_test_scaled(1000, 200), uncovered = 0;
    for (size_t i = 0; i < draws; i++) {
        adv_draw d = adv_draw_of(c, 1, i);
        sq_integrand f = sq_fn_expr(e, d.p);
        o.epsabs = d.epsabs;
        o.epsrel = 0;
        sq_result r;
        sq_integrate(&f, d.a, d.b, &o, &r);
        double err = (double)fabsl((long double)r.value - adv_exact(c, &d));
        if (!(err <= r.error)) {
            uncovered++;
            cr_log_error("%s p = {%.17g, %.17g} at %.3g: %s %.17g +- %.3g, "
                         "true error %.3g", adv_name(c), d.p[0], d.p[1], d.epsabs,
                         sq_status_name(r.status), r.value, r.error, err);
        }
    }
    sq_expr_free(e);
    cr_assert_eq(uncovered, 0, "%s: %zu of %zu errors below the truth",
                 adv_name(c), uncovered, draws);
}

Test(adversary, an_unnamed_interior_singularity, .timeout = 300)
{
    class_covers(ADV_INTERIOR_SING, SQ_RULE_GK21, SQ_CONTROL_GLOBAL, 0.4);
}

/* Local control succeeds on none of these (every piece against its share
 * of the tolerance asks the impossible of the piece at the singularity)
 * and never wrongly; its roundoff errors can still fall below the truth
 * (README, Reliability: still open), so only the first half is asserted. */
Test(adversary, an_unnamed_interior_singularity_gk15_local, .timeout = 300)
{
    class_is_honest_at(ADV_INTERIOR_SING, SQ_RULE_GK15, SQ_CONTROL_LOCAL, 0.0);
}

Test(adversary, an_algebraic_tail, .timeout = 300)
{
    class_covers(ADV_ALGEBRAIC_TAIL, SQ_RULE_GK21, SQ_CONTROL_GLOBAL, 0.9);
}

Test(adversary, an_algebraic_tail_gk15_local, .timeout = 300)
{
    class_covers(ADV_ALGEBRAIC_TAIL, SQ_RULE_GK15, SQ_CONTROL_LOCAL, 0.25);
}

/* A peak far out on a wide or infinite range is found, or the integral is
 * not called ok: unseen says that every node saw 0. */
Test(adversary, a_far_peak_is_found_or_not_called_zero, .timeout = 300)
{
    class_is_honest_at(ADV_FAR_PEAK, SQ_RULE_GK21, SQ_CONTROL_GLOBAL, 0.1);
}

Test(adversary, a_far_peak_gk15_local, .timeout = 300)
{
    class_is_honest_at(ADV_FAR_PEAK, SQ_RULE_GK15, SQ_CONTROL_LOCAL, 0.1);
}

/* Simpson keeps the textbook's acceptance (two estimates that agree), which
 * a tail seen at one point can fool; what it must never do is call a run
 * of zeros ok. Its draws on [-L, L] that saw nothing but zeros are
 * unseen, with an infinite error. */
Test(adversary, a_far_peak_simpson_zeros_are_unseen, .timeout = 300)
{
    sq_expr *e = sq_expr_compile(adv_formula(ADV_FAR_PEAK), NULL);
    cr_assert_not_null(e);
    size_t unseen = 0;
    for (size_t i = 0; i < sq_test_scaled(3000, 300); i++) {
        adv_draw d = adv_draw_of(ADV_FAR_PEAK, 1, i);
        if (isinf(d.a) || isinf(d.b))
            continue;
        sq_integrand f = sq_fn_expr(e, d.p);
        sq_options o;
        sq_options_init(&o);
        o.rule = SQ_RULE_SIMPSON;
        o.epsabs = d.epsabs;
        o.epsrel = 0;
        o.max_evals = 200000;
        sq_result r;
        sq_integrate(&f, d.a, d.b, &o, &r);
        if (r.value == 0) {
            cr_assert_eq(r.status, SQ_UNSEEN, "draw %zu: %s", i,
                         sq_status_name(r.status));
            cr_assert(isinf(r.error));
            unseen++;
        }
    }
    sq_expr_free(e);
    cr_assert_gt(unseen, 0);
}

static int zero_cb(size_t n, const double *x, double *y, void *ctx)
{
    (void)x;
    (void)ctx;
    for (size_t i = 0; i < n; i++)
        y[i] = 0;
    return 0;
}

/* Zeros at every node: all_zero with an infinite error, unless the
 * integrand is an expression without x, whose zeros are proof. */
Test(adversary, zero_samples_are_not_proof)
{
    const char *far = "exp(-0.5*(x-1000)^2)/sqrt(2*pi)";
    double lims[3][2] = {{-INFINITY, INFINITY}, {0, INFINITY}, {-1e7, 1e7}};
    const char *exprs[3] = {far, "exp(-0.5*(x-1e4)^2)/sqrt(2*pi)", "0*x"};
    for (int k = 0; k < 3; k++) {
        sq_expr *e = sq_expr_compile(exprs[k], NULL);
        cr_assert_not_null(e);
        sq_integrand f = sq_fn_expr(e, NULL);
        sq_result r;
        sq_integrate(&f, lims[k][0], lims[k][1], NULL, &r);
        double exact = k < 2 ? 1 : 0;
        cr_assert(r.status != SQ_OK
                      || fabs(r.value - exact) <= fmax(r.error, 1e-10),
                  "%s: %s %g +- %g", exprs[k], sq_status_name(r.status), r.value,
                  r.error);
        if (r.status != SQ_OK) {
            cr_assert_eq(r.status, SQ_UNSEEN, "%s: %s", exprs[k],
                         sq_status_name(r.status));
            cr_assert_eq(r.value, 0);
            cr_assert(isinf(r.error));
        }
        sq_expr_free(e);
    }
    /* Without x: exact, in one round, for both rules. A callback that
     * returns 0 cannot be told from a far peak: unseen. */
    sq_expr *zero = sq_expr_compile("0", NULL);
    sq_rule rules[2] = {SQ_RULE_GK21, SQ_RULE_SIMPSON};
    for (int k = 0; k < 4; k++) {
        int expr = k < 2;
        sq_integrand f = expr ? sq_fn_expr(zero, NULL) : sq_fn_batch(zero_cb, NULL);
        sq_options o;
        sq_options_init(&o);
        o.rule = rules[k % 2];
        sq_result r;
        cr_assert_eq(sq_integrate(&f, -3, 5, &o, &r), expr ? SQ_OK : SQ_UNSEEN, "%s",
                     sq_status_name(r.status));
        cr_assert_eq(r.value, 0);
        cr_assert(expr ? r.error == 0 : isinf(r.error));
        cr_assert(expr ? r.evals <= 33 : r.evals > 0, "%zu evaluations", r.evals);
    }
    sq_expr_free(zero);
}

/* One expression over [a, b]: within its reported error of `exact`. */
static void covers(const char *expr, double a, double b, double epsabs,
                   const double *points, size_t npoints, double exact)
{
    sq_expr *e = sq_expr_compile(expr, NULL);
    cr_assert_not_null(e);
    sq_integrand f = sq_fn_expr(e, NULL);
    sq_options o;
    sq_options_init(&o);
    o.epsabs = epsabs;
    o.points = points;
    o.npoints = npoints;
    sq_result r;
    sq_integrate(&f, a, b, &o, &r);
    double err = fabs(r.value - exact);
    cr_assert(r.status != SQ_OK || err <= fmax(r.error, 4e-16 * fabs(exact)),
              "%s on [%g, %g]: %s %.17g +- %.3g, truth %.17g", expr, a, b,
              sq_status_name(r.status), r.value, r.error, exact);
    cr_assert_eq(r.status, SQ_OK, "%s: %s", expr, sq_status_name(r.status));
    sq_expr_free(e);
}

Test(adversary, the_reproducers_of_lost_peaks)
{
    double rp = sqrt(M_PI);
    covers("exp(-x*x*1e8)", -1, 1, 1e-6, NULL, 0, rp * 1e-4);
    covers("exp(-abs(x)*1e4)", -1, 1, 1e-9, NULL, 0, 2e-4 * (1 - exp(-1e4)));
    covers("exp(-(x-0.5)^2*1e10)", 0, 1, 1e-12, NULL, 0, rp * 1e-5);
}

Test(adversary, the_reproducers_of_decays_at_breakpoints)
{
    double half = 0.5;
    covers("where(x<0.5, 1, exp(-1e6*(x-0.5)))", 0, 1, 1e-10, &half, 1,
           0.5 + (1 - exp(-0.5e6)) / 1e6);
    /* The family's own breakpoint at u: exp(-a |x - u|). */
    double p[2] = {1e6, 1e-6};
    sq_integrand f = sq_fn_family("genz_continuous", p);
    sq_result r;
    sq_integrate(&f, 0, 1, NULL, &r);
    double exact = (2 - exp(-1e6 * 1e-6) - exp(-1e6 * (1 - 1e-6))) / 1e6;
    cr_assert_eq(r.status, SQ_OK);
    cr_assert(fabs(r.value - exact) <= fmax(r.error, 1e-10 * exact),
              "genz_continuous: %.17g +- %.3g, truth %.17g", r.value, r.error,
              exact);
}

/*
 * Roundoff alarms on right answers: a tolerance above the rounding floor
 * of the integral (50 eps times the integral of |f|, QUADPACK's) is met,
 * not refused. Smooth integrands over many scales, at tolerances from 1.2
 * to 10 times that floor, epsrel 0: every one ok and within its error.
 */
Test(adversary, tolerances_above_the_floor_are_met, .timeout = 300)
{
    sq_expr *g = sq_expr_compile("exp(-p0*x*x)", NULL);
    sq_expr *c = sq_expr_compile("cos(p0*x)+2", NULL);
    cr_assert(g != NULL && c != NULL);
    size_t draws = sq_test_scaled(1000, 200), bad = 0;
    unsigned long long s = 12345;
    for (size_t i = 0; i < draws; i++) {
        double u[3];
        for (int k = 0; k < 3; k++) {
            s = s * 6364136223846793005ull + 1442695040888963407ull;
            u[k] = (double)(s >> 11) * 0x1p-53;
        }
        int gauss = i % 2 == 0;
        double p = gauss ? pow(10, -1 + 2 * u[0]) : 1 + 20 * u[0];
        double b = gauss ? 0.1 + 4.9 * u[1] : 0.5 + 5 * u[1];
        long double exact = gauss ? 0.886226925452758013649083741671L
                                        / sqrtl((long double)p)
                                        * erfl(sqrtl((long double)p) * b)
                                  : sinl((long double)p * b) / p + 2.0L * b;
        double tol = (1.2 + 8.8 * u[2]) * 50 * DBL_EPSILON * (double)exact;
        double prm[1] = {p};
        sq_integrand f = sq_fn_expr(gauss ? g : c, prm);
        sq_options o;
        sq_options_init(&o);
        o.epsabs = tol;
        o.epsrel = 0;
        sq_result r;
        sq_integrate(&f, 0, b, &o, &r);
        double err = (double)fabsl((long double)r.value - exact);
        if (r.status != SQ_OK || err > r.error) {
            bad++;
            cr_log_error("%s p=%g on [0, %g] at %.3g: %s %.17g +- %.3g, error %.3g",
                         gauss ? "exp(-p x^2)" : "cos(p x)+2", p, b, tol,
                         sq_status_name(r.status), r.value, r.error, err);
        }
    }
    sq_expr_free(g);
    sq_expr_free(c);
    cr_assert_eq(bad, 0, "%zu of %zu refused or wrong", bad, draws);
    /* The reproducer: GK21 used to stop after one round with `roundoff`. */
    sq_expr *e = sq_expr_compile("exp(-x*x)", NULL);
    sq_integrand f = sq_fn_expr(e, NULL);
    sq_options o;
    sq_options_init(&o);
    o.epsabs = 1e-14;
    o.epsrel = 0;
    sq_result r;
    cr_assert_eq(sq_integrate(&f, 0, 2, &o, &r), SQ_OK, "%s", sq_status_name(r.status));
    cr_assert_leq(fabs(r.value - 0.88208139076242168), r.error);
    sq_expr_free(e);
}
