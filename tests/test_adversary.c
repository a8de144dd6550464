/* SPDX-License-Identifier: MIT */
/*
 * Adversarial classes (tests/adversary.c): integrands built to make an
 * adaptive rule say `ok` about what it has not seen, drawn over many
 * placements and scales. Every class must give zero false successes; the
 * reproducers that found each class are kept as cases of their own.
 */
#include <criterion/criterion.h>
#include <math.h>

#include "adversary.h"
#include "simdquad.h"
#include "test_scale.h"

static void class_is_honest(adv_class c, sq_rule rule, sq_control control)
{
    sq_options o;
    sq_options_init(&o);
    o.rule = rule;
    o.control = control;
    size_t draws = sq_test_scaled(3000, 300), ok, bad;
    cr_assert_eq(adv_run(c, 1, draws, &o, &ok, &bad), 0);
    cr_assert_eq(bad, 0, "%s: %zu false successes of %zu ok (%zu draws)",
                 adv_name(c), bad, ok, draws);
    cr_assert_geq(ok, draws * 9 / 10, "%s: only %zu of %zu ok", adv_name(c),
                  ok, draws);
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
