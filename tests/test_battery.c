/* SPDX-License-Identifier: MIT */
/*
 * The accuracy battery: every problem at several tolerances with the default
 * rule (Gauss-Kronrod 10/21, global control), and in every other
 * configuration never a false success (status OK with a true error above the
 * reported estimate or the tolerance). Then properties: reversed limits,
 * linearity, additivity, affine changes of variable.
 */
#include <criterion/criterion.h>
#include <float.h>
#include <math.h>
#include <string.h>

#include "battery.h"
#include "simdquad.h"

static sq_options opts(double epsabs, double epsrel)
{
    sq_options o;
    sq_options_init(&o);
    o.epsabs = epsabs;
    o.epsrel = epsrel;
    return o;
}

static sq_result solve(const battery_problem *p, sq_options o, double a,
                       double b)
{
    sq_integrand f = sq_fn_batch(battery_batch, (void *)p);
    o.points = p->points;
    o.npoints = p->npoints;
    sq_result r;
    sq_integrate(&f, a, b, &o, &r);
    return r;
}

/* The true error is covered by the estimate (up to the rounding of I). */
static int honest(const battery_problem *p, const sq_result *r)
{
    double true_err = fabs(r->value - p->exact);
    return true_err <= fmax(r->error, 2 * DBL_EPSILON * fabs(p->exact));
}

static int within(const battery_problem *p, const sq_result *r,
                  double epsabs, double epsrel)
{
    double tol = fmax(epsabs, epsrel * fabs(p->exact));
    return fabs(r->value - p->exact) <= fmax(tol, 2 * DBL_EPSILON * fabs(p->exact));
}

/* Relative and absolute-only tolerances. An absolute tolerance below what
 * double precision can reach for the integral may end in ROUNDOFF: below
 * 100 eps |I| for any integral, below 1000 eps |I| for an endpoint
 * singularity, whose extrapolated limit carries the rounding of the sums
 * amplified by the epsilon table. */
static const struct { double epsabs, epsrel; } tolerances[] = {
    {0, 1e-6}, {0, 1e-10}, {1e-7, 0}, {1e-11, 0},
};

Test(battery, default_rule_meets_every_tolerance, .timeout = 120)
{
    for (size_t i = 0; i < battery_count; i++) {
        const battery_problem *p = &battery[i];
        if (p->flags & BATTERY_TRAP)
            continue;            /* see traps_have_a_breakpoint_variant */
        for (size_t t = 0; t < sizeof tolerances / sizeof *tolerances; t++) {
            double ea = tolerances[t].epsabs, er = tolerances[t].epsrel;
            sq_result r = solve(p, opts(ea, er), p->a, p->b);
            cr_expect(r.status != SQ_OK || (honest(p, &r) && within(p, &r, ea, er)),
                      "%s (%s), epsabs %g epsrel %g: FALSE SUCCESS, value %.17g, "
                      "error %g, true error %g", p->name, p->source, ea, er,
                      r.value, r.error, fabs(r.value - p->exact));
            if (p->flags & BATTERY_HARD)
                continue;
            double reach = (p->flags & BATTERY_SINGULAR ? 1000 : 100) * DBL_EPSILON
                           * fabs(p->exact);
            int below_roundoff = ea > 0 && ea < reach;
            cr_assert(r.status == SQ_OK || (below_roundoff && r.status == SQ_ROUNDOFF),
                      "%s (%s), epsabs %g epsrel %g: %s after %zu evaluations, "
                      "value %.17g error %g", p->name, p->source, ea, er,
                      sq_status_name(r.status), r.evals, r.value, r.error);
            cr_assert(honest(p, &r), "%s: true error %g above the estimate %g",
                      p->name, fabs(r.value - p->exact), r.error);
        }
    }
}

Test(battery, reversed_limits_give_the_negated_bits, .timeout = 60)
{
    for (size_t i = 0; i < battery_count; i++) {
        const battery_problem *p = &battery[i];
        sq_result f = solve(p, opts(0, 1e-10), p->a, p->b);
        sq_result b = solve(p, opts(0, 1e-10), p->b, p->a);
        double neg = -f.value;
        cr_assert(memcmp(&neg, &b.value, sizeof neg) == 0, "%s", p->name);
        cr_assert(memcmp(&f.error, &b.error, sizeof f.error) == 0, "%s", p->name);
        cr_assert_eq(f.evals, b.evals, "%s", p->name);
        cr_assert_eq(f.status, b.status, "%s", p->name);
    }
}

/* Every rule, control and error estimate, at tolerances 1e-3 to 1e-12:
 * whatever the status, never a false success. */
Test(battery, no_false_success_in_any_configuration, .timeout = 300)
{
    struct { sq_rule rule; sq_control control; sq_errest errest; int extrapolate; }
    configs[] = {
        {SQ_RULE_GK21, SQ_CONTROL_GLOBAL, SQ_ERREST_DEFAULT, 1},
        {SQ_RULE_GK15, SQ_CONTROL_GLOBAL, SQ_ERREST_DEFAULT, 1},
        {SQ_RULE_GK21, SQ_CONTROL_LOCAL, SQ_ERREST_DEFAULT, 1},
        {SQ_RULE_GK21, SQ_CONTROL_GLOBAL, SQ_ERREST_DEFAULT, 0},
        {SQ_RULE_GK15, SQ_CONTROL_GLOBAL, SQ_ERREST_QUADPACK, 1},
        {SQ_RULE_GK21, SQ_CONTROL_GLOBAL, SQ_ERREST_QUADPACK, 0},
        {SQ_RULE_GK21, SQ_CONTROL_LOCAL, SQ_ERREST_QUADPACK, 1},
        {SQ_RULE_GK15, SQ_CONTROL_LOCAL, SQ_ERREST_QUADPACK, 1},
        {SQ_RULE_SIMPSON, SQ_CONTROL_LOCAL, SQ_ERREST_DEFAULT, 1},
    };
    const double rels[] = {1e-3, 1e-6, 1e-9, 1e-12};
    for (size_t c = 0; c < sizeof configs / sizeof *configs; c++)
        for (size_t i = 0; i < battery_count; i++) {
            const battery_problem *p = &battery[i];
            if (p->flags & BATTERY_TRAP)
                continue;
            if (configs[c].rule == SQ_RULE_SIMPSON
                && (isinf(p->a) || isinf(p->b)))
                continue;
            for (size_t t = 0; t < 4; t++) {
                sq_options o = opts(0, rels[t]);
                o.rule = configs[c].rule;
                o.control = configs[c].control;
                o.errest = configs[c].errest;
                o.extrapolate = configs[c].extrapolate;
                o.max_evals = 2000000;
                sq_result r = solve(p, o, p->a, p->b);
                if (r.status != SQ_OK)
                    continue;
                cr_expect(honest(p, &r) && within(p, &r, 0, rels[t]),
                          "config %zu, %s, epsrel %g: FALSE SUCCESS %.17g "
                          "(error %g, true %g)", c, p->name, rels[t], r.value,
                          r.error, fabs(r.value - p->exact));
            }
        }
}

/* A trap is a problem whose difficulty is invisible to sampling; the same
 * integral, told where the feature is, must be an ordinary problem of the
 * battery (and so pass every check above). */
Test(battery, traps_have_a_breakpoint_variant)
{
    size_t traps = 0;
    for (size_t i = 0; i < battery_count; i++) {
        const battery_problem *p = &battery[i];
        if (!(p->flags & BATTERY_TRAP))
            continue;
        traps++;
        int found = 0;
        for (size_t j = 0; j < battery_count; j++) {
            const battery_problem *q = &battery[j];
            if (q->f == p->f && q->a == p->a && q->b == p->b && q->npoints > 0
                && !(q->flags & (BATTERY_TRAP | BATTERY_HARD))) {
                cr_assert_eq(q->exact, p->exact, "%s", p->name);
                found = 1;
            }
        }
        cr_assert(found, "trap %s has no breakpoint variant", p->name);
    }
    cr_assert(traps <= 2, "traps are the exception");
}

/* ---- properties ------------------------------------------------------------------- */

typedef struct combo {
    double alpha, beta;
    double (*f)(double), (*g)(double);
    double shift, scale;           /* affine map for f: x = scale u + shift */
} combo;

static int combo_batch(size_t n, const double *x, double *y, void *ctx)
{
    const combo *c = ctx;
    for (size_t i = 0; i < n; i++) {
        double u = c->scale * x[i] + c->shift;
        y[i] = c->alpha * c->f(u) + (c->g ? c->beta * c->g(u) : 0.0);
    }
    return 0;
}

static sq_result integrate_combo(const combo *c, double a, double b, double tol)
{
    sq_integrand f = sq_fn_batch(combo_batch, (void *)c);
    sq_options o = opts(tol, 0);
    sq_result r;
    sq_integrate(&f, a, b, &o, &r);
    cr_assert_eq(r.status, SQ_OK);
    return r;
}

static const battery_problem *find(const char *name)
{
    for (size_t i = 0; i < battery_count; i++)
        if (strcmp(battery[i].name, name) == 0)
            return &battery[i];
    cr_assert_fail("no battery problem %s", name);
    return NULL;
}

Test(battery, linearity_in_the_integrand)
{
    const battery_problem *p = find("1/(x^4+x^2+0.9)");
    const battery_problem *q = find("23/25 cosh x - cos x");
    combo c = {2.5, -0.75, p->f, q->f, 0, 1};
    sq_result r = integrate_combo(&c, -1, 1, 1e-12);
    double want = 2.5 * p->exact - 0.75 * q->exact;
    cr_assert(fabs(r.value - want) <= r.error + 1e-15, "%.17g vs %.17g", r.value, want);
}

Test(battery, additivity_over_subintervals)
{
    const battery_problem *p = find("x/(e^x-1)");
    combo c = {1, 0, p->f, NULL, 0, 1};
    const double cuts[] = {0.1, 0.37, 0.5, 0.93};
    sq_result whole = integrate_combo(&c, 0, 1, 1e-13);
    for (size_t k = 0; k < 4; k++) {
        sq_result left = integrate_combo(&c, 0, cuts[k], 1e-13);
        sq_result right = integrate_combo(&c, cuts[k], 1, 1e-13);
        double sum = left.value + right.value;
        cr_assert(fabs(sum - whole.value) <= left.error + right.error + whole.error + 1e-15,
                  "split at %g: %.17g vs %.17g", cuts[k], sum, whole.value);
        cr_assert(fabs(sum - p->exact) <= left.error + right.error + 1e-15);
    }
}

Test(battery, affine_change_of_variable)
{
    /* Integral of f over [a, b] = s * integral of f(s u + t) over
     * [(a - t) / s, (b - t) / s]. */
    const battery_problem *p = find("1/(1+(230x-30)^2)");
    const double scales[] = {0.5, 2.0, -3.0, 1e3}, shifts[] = {0.0, 0.25, -1.0, 7.0};
    for (size_t k = 0; k < 4; k++) {
        double s = scales[k], t = shifts[k];
        combo c = {1, 0, p->f, NULL, t, s};
        double a = (p->a - t) / s, b = (p->b - t) / s;
        sq_result r = integrate_combo(&c, a, b, 1e-14 / fabs(s));
        cr_assert(fabs(s * r.value - p->exact) <= fabs(s) * r.error + 1e-15,
                  "scale %g shift %g: %.17g vs %.17g", s, t, s * r.value, p->exact);
    }
}

/* The benchmarks' larger jobs (10^4 to 10^5 evaluations) are ordinary
 * problems for the default rule too. */
Test(battery, heavy_problems_meet_their_tolerance, .timeout = 120)
{
    const double rels[] = {1e-6, 1e-10};
    for (size_t i = 0; i < battery_heavy_count; i++) {
        const battery_problem *p = &battery_heavy[i];
        for (size_t t = 0; t < 2; t++) {
            sq_result r = solve(p, opts(0, rels[t]), p->a, p->b);
            cr_expect(r.status == SQ_OK && honest(p, &r)
                      && within(p, &r, 0, rels[t]),
                      "%s, epsrel %g: %s, value %.17g, error %g, true error %g",
                      p->name, rels[t], sq_status_name(r.status), r.value,
                      r.error, fabs(r.value - p->exact));
        }
    }
}

/* The expression forms of the integrands (the benchmarks' third column)
 * are the same functions: each compiles to one output and agrees with its
 * C function to 1e-12 (relative) at 400 points across each problem's range
 * (infinite ranges from 60 units of it), non-finite where it is. */
static void same_function(const battery_problem *p)
{
    const char *text = battery_expr[p->fn];
    cr_assert_not_null(text, "%s: no expression", p->name);
    sq_expr_error err;
    sq_expr *e = sq_expr_compile(text, &err);
    cr_assert_not_null(e, "%s: %s does not compile", p->name, text);
    cr_assert_eq(sq_expr_noutputs(e), 1);
    double lo = isinf(p->a) ? (isinf(p->b) ? -30 : p->b - 60) : p->a;
    double hi = isinf(p->b) ? lo + 60 : p->b;
    enum { N = 400 };
    for (int i = 0; i < N; i++) {
        double x = lo + (hi - lo) * (i + 0.37) / N;
        double want = p->f(x), got = sq_expr_twin(e, x, NULL);
        if (!isfinite(want)) {
            cr_assert(!isfinite(got) && (isnan(want) == isnan(got)),
                      "%s at %.17g: %g vs %g", p->name, x, got, want);
            continue;
        }
        cr_assert(fabs(got - want) <= 1e-12 * fabs(want) + 1e-300,
                  "%s (%s) at %.17g: %.17g vs %.17g", p->name, text, x, got, want);
    }
    sq_expr_free(e);
}

Test(battery, expressions_are_the_same_functions)
{
    for (size_t i = 0; i < battery_count; i++)
        same_function(&battery[i]);
    for (size_t i = 0; i < battery_heavy_count; i++)
        same_function(&battery_heavy[i]);
}
