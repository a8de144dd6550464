/* SPDX-License-Identifier: MIT */
/*
 * The single integral: strict validation of its arguments (the options'
 * own in src/options.c), and a batch of one (src/batch.c), which handles
 * a == b, a > b, breakpoints and the choice of engine.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* NULL if the call is valid, else which argument is not. */
static const char *check_args(const sq_integrand *f, double a, double b,
                              const sq_options *o)
{
    const char *bad = sq_check_common(f, o);
    if (bad != NULL)
        return bad;
    if (isnan(a))
        return "a: NaN";
    if (isnan(b))
        return "b: NaN";
    if (o->epsabs == 0 && o->epsrel == 0)
        return "epsabs, epsrel: both zero";
    if (f->kind == SQ_INTEGRAND_FAMILY && f->params == NULL)
        return "params: the family needs parameters";
    if (f->kind == SQ_INTEGRAND_EXPR && sq_expr_nparams(f->expr) > 0
        && f->params == NULL)
        return "params: the expression uses parameters";
    if (o->rule == SQ_RULE_SIMPSON && (isinf(a) || isinf(b)) && a != b)
        return "a, b: Simpson's rule evaluates the end points and cannot "
               "integrate over an infinite range; use a Gauss-Kronrod rule";
    double lo = a < b ? a : b, hi = a < b ? b : a;
    for (size_t i = 0; i < o->npoints; i++) {
        if (!isfinite(o->points[i]))
            return "points: not finite";
        if (o->points[i] < lo || o->points[i] > hi)
            return "points: outside [a, b]";
    }
    return NULL;
}

sq_status sq_integrate(const sq_integrand *f, double a, double b,
                       const sq_options *opt, sq_result *res)
{
    return sq_integrate_ws(NULL, f, a, b, opt, res);
}

sq_status sq_integrate_ws(sq_workspace *ws, const sq_integrand *f, double a,
                          double b, const sq_options *opt, sq_result *res)
{
    if (res == NULL)
        return SQ_BAD_INPUT;
    sq_options defaults;
    if (opt == NULL) {
        sq_options_init(&defaults);
        opt = &defaults;
    }
    const char *bad = check_args(f, a, b, opt);
    if (bad != NULL) {
        memset(res, 0, sizeof *res);
        res->value = NAN;
        res->error = INFINITY;
        res->where = NAN;
        res->status = SQ_BAD_INPUT;
        res->detail = bad;
        return SQ_BAD_INPUT;
    }
    /* check_args has checked all that check_batch would. */
    sq_batch one = {.n = 1, .a = &a, .b = &b};
    return sq_batch_run(ws, f, &one, opt, res);
}
