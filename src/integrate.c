/* SPDX-License-Identifier: MIT */
/*
 * The public entry points: options, validation, the symmetries every
 * integral gets for free (a == b, a > b), and the choice of engine.
 */
#include <math.h>
#include <string.h>

#include "internal.h"

void sq_options_init(sq_options *opt)
{
    if (opt == NULL)
        return;
    memset(opt, 0, sizeof *opt);
    opt->epsabs = 0.0;
    opt->epsrel = 1e-10;
    opt->rule = SQ_RULE_DEFAULT;
    opt->control = SQ_CONTROL_DEFAULT;
    opt->max_evals = SQ_DEFAULT_MAX_EVALS;
    opt->max_intervals = SQ_DEFAULT_MAX_INTERVALS;
    opt->threads = 0;
    opt->isa = SQ_ISA_AUTO;
}

static int valid_tolerance(double t)
{
    return isfinite(t) && t >= 0;
}

/* NULL if the call is valid, else which argument is not. */
static const char *check_args(const sq_integrand *f, double a, double b,
                              const sq_options *o)
{
    if (f == NULL || f->kind == SQ_INTEGRAND_INVALID)
        return "integrand: NULL or invalid (unknown kernel name?)";
    if (f->kind == SQ_INTEGRAND_KERNEL && (f->kernel < 0 || f->kernel >= SQK_COUNT))
        return "integrand: kernel index out of range";
    if (f->kind == SQ_INTEGRAND_BATCH && f->batch == NULL)
        return "integrand: NULL callback";
    if (f->kind != SQ_INTEGRAND_KERNEL && f->kind != SQ_INTEGRAND_BATCH)
        return "integrand: unknown kind";
    if (isnan(a))
        return "a: NaN";
    if (isnan(b))
        return "b: NaN";
    if (!valid_tolerance(o->epsabs))
        return "epsabs: must be finite and >= 0";
    if (!valid_tolerance(o->epsrel))
        return "epsrel: must be finite and >= 0";
    if (o->epsabs == 0 && o->epsrel == 0)
        return "epsabs, epsrel: both zero";
    if (o->max_evals == 0)
        return "max_evals: must be > 0";
    if (o->max_intervals == 0)
        return "max_intervals: must be > 0";
    if (o->threads < 0)
        return "threads: must be >= 0";
    if ((unsigned)o->isa >= SQ_ISA_COUNT)
        return "isa: unknown";
    if (sq_isa_resolve(o->isa) == SQ_ISA_COUNT)
        return "isa: not supported by this CPU";
    if (o->rule != SQ_RULE_DEFAULT && o->rule != SQ_RULE_SIMPSON)
        return "rule: unknown";
    if (o->control != SQ_CONTROL_DEFAULT && o->control != SQ_CONTROL_LOCAL)
        return "control: unknown";
    return NULL;
}

static void result_reset(sq_result *res, sq_status status, const char *detail)
{
    memset(res, 0, sizeof *res);
    res->value = status == SQ_OK ? 0.0 : NAN;
    res->error = status == SQ_OK ? 0.0 : INFINITY;
    res->where = NAN;
    res->status = status;
    res->detail = detail;
}

sq_workspace *sq_workspace_new(void)
{
    sq_workspace *ws = sq_alloc(sizeof *ws);
    if (ws != NULL)
        memset(ws, 0, sizeof *ws);
    return ws;
}

void sq_workspace_free(sq_workspace *ws)
{
    if (ws == NULL)
        return;
    sq_simpson_ws_free(ws->simpson);
    sq_free(ws);
}

size_t sq_workspace_bytes(const sq_workspace *ws)
{
    if (ws == NULL)
        return 0;
    return sizeof *ws + sq_simpson_ws_bytes(ws->simpson);
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
        result_reset(res, SQ_BAD_INPUT, bad);
        return SQ_BAD_INPUT;
    }
    if (a == b) {
        result_reset(res, SQ_OK, NULL);
        return SQ_OK;
    }
    if (isinf(a) || isinf(b)) {
        result_reset(res, SQ_BAD_INPUT,
                     "a, b: Simpson's rule evaluates the end points and "
                     "cannot integrate over an infinite range");
        return SQ_BAD_INPUT;
    }

    int reversed = a > b;
    sq_problem p = {reversed ? b : a, reversed ? a : b, opt->epsabs,
                    opt->epsrel};
    sq_evaluator ev = {sq_ops_for(sq_isa_resolve(opt->isa)), NULL, NULL, NULL};
    if (f->kind == SQ_INTEGRAND_KERNEL) {
        ev.kern = ev.ops->kern[f->kernel];
    } else {
        ev.batch = f->batch;
        ev.ctx = f->ctx;
    }
    sq_run run = {&ev, opt->max_evals, opt->max_intervals,
                  sq_threads_for(opt->threads)};
    sq_workspace local = {0};
    sq_workspace *w = ws != NULL ? ws : &local;
    sq_simpson_local(&w->simpson, &run, &p, res);
    if (ws == NULL)
        sq_simpson_ws_free(local.simpson);
    if (reversed)
        res->value = -res->value;
    return res->status;
}
