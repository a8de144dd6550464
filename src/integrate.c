/* SPDX-License-Identifier: MIT */
/*
 * The public entry points: options, validation, the symmetries every
 * integral gets for free (a == b, a > b), breakpoints, and the choice of
 * engine.
 */
#include <math.h>
#include <stdlib.h>
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
    opt->errest = SQ_ERREST_DEFAULT;
    opt->extrapolate = 1;
    opt->points = NULL;
    opt->npoints = 0;
    opt->max_evals = SQ_DEFAULT_MAX_EVALS;
    opt->max_intervals = SQ_DEFAULT_MAX_INTERVALS;
    opt->threads = 0;
    opt->isa = SQ_ISA_AUTO;
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
    sq_adapt_ws_free(ws->adapt);
    sq_free(ws);
}

size_t sq_workspace_bytes(const sq_workspace *ws)
{
    if (ws == NULL)
        return 0;
    return sizeof *ws + sq_simpson_ws_bytes(ws->simpson)
         + sq_adapt_ws_bytes(ws->adapt);
}

static int valid_tolerance(double t)
{
    return isfinite(t) && t >= 0;
}

static int is_simpson(const sq_options *o)
{
    return o->rule == SQ_RULE_SIMPSON;
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
    if ((unsigned)o->rule > SQ_RULE_GK21)
        return "rule: unknown";
    if ((unsigned)o->control > SQ_CONTROL_GLOBAL)
        return "control: unknown";
    if ((unsigned)o->errest > SQ_ERREST_RAW)
        return "errest: unknown";
    if (is_simpson(o) && o->control == SQ_CONTROL_GLOBAL)
        return "control: Simpson's rule runs with local control only";
    if (is_simpson(o) && (isinf(a) || isinf(b)) && a != b)
        return "a, b: Simpson's rule evaluates the end points and cannot "
               "integrate over an infinite range; use a Gauss-Kronrod rule";
    if (o->npoints > 0 && o->points == NULL)
        return "points: NULL with npoints > 0";
    double lo = a < b ? a : b, hi = a < b ? b : a;
    for (size_t i = 0; i < o->npoints; i++) {
        if (!isfinite(o->points[i]))
            return "points: not finite";
        if (o->points[i] < lo || o->points[i] > hi)
            return "points: outside [a, b]";
    }
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

/* The more serious of two statuses, for pieces combined into one result. */
static sq_status worse(sq_status a, sq_status b)
{
    static const int rank[SQ_STATUS_COUNT] = {
        [SQ_OK] = 0, [SQ_ROUNDOFF] = 1, [SQ_INACCURATE] = 1,
        [SQ_MAX_INTERVALS] = 2,
        [SQ_MAX_EVALS] = 3, [SQ_DIVERGENT] = 4, [SQ_NONFINITE] = 5,
        [SQ_CANCELLED] = 6, [SQ_CALLBACK_ABORT] = 7, [SQ_NOMEM] = 8,
        [SQ_BAD_INPUT] = 9,
    };
    return rank[b] > rank[a] ? b : a;
}

static int cmp_double(const void *p, const void *q)
{
    double x = *(const double *)p, y = *(const double *)q;
    return (x > y) - (x < y);
}

/*
 * Simpson over [a, b] cut at the interior points: one problem per piece,
 * each held to its share of epsabs (in proportion to its width), summed in
 * order.
 */
static void simpson_pieces(sq_workspace *w, const sq_run *run, double a,
                           double b, const sq_options *o, sq_result *res)
{
    size_t np = 0, cap = o->npoints + 2;
    double *cuts = sq_alloc_array(cap, sizeof *cuts);
    sq_problem *pieces = sq_alloc_array(cap, sizeof *pieces);
    sq_result *parts = sq_alloc_array(cap, sizeof *parts);
    if (cuts == NULL || pieces == NULL || parts == NULL) {
        sq_free(cuts);
        sq_free(pieces);
        sq_free(parts);
        result_reset(res, SQ_NOMEM, NULL);
        return;
    }
    cuts[np++] = a;
    for (size_t i = 0; i < o->npoints; i++)
        if (o->points[i] > a && o->points[i] < b)
            cuts[np++] = o->points[i];
    cuts[np++] = b;
    qsort(cuts, np, sizeof *cuts, cmp_double);
    size_t n = 0;
    double half = 0.5 * b - 0.5 * a;
    for (size_t i = 0; i + 1 < np; i++) {
        if (!(cuts[i + 1] > cuts[i]))
            continue;
        double share = (0.5 * cuts[i + 1] - 0.5 * cuts[i]) / half;
        sq_problem q = {cuts[i], cuts[i + 1], o->epsabs * share, o->epsrel};
        pieces[n++] = q;
    }
    sq_simpson_local(&w->simpson, run, pieces, n, parts);
    result_reset(res, SQ_OK, NULL);
    double vc = 0, ec = 0;
    for (size_t i = 0; i < n; i++) {
        sq_sum_add(&res->value, &vc, parts[i].value);
        sq_sum_add(&res->error, &ec, parts[i].error);
        res->evals += parts[i].evals;
        res->intervals += parts[i].intervals;
        res->rounds = parts[i].rounds > res->rounds ? parts[i].rounds : res->rounds;
        if (parts[i].status == SQ_NONFINITE && res->status != SQ_NONFINITE)
            res->where = parts[i].where;
        res->status = worse(res->status, parts[i].status);
    }
    res->value += vc;
    res->error += ec;
    sq_free(cuts);
    sq_free(pieces);
    sq_free(parts);
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

    /* [b, a] negated: the same bits as integrating [b, a] and negating. */
    int reversed = a > b;
    if (reversed) {
        double t = a;
        a = b;
        b = t;
    }
    sq_evaluator ev = {sq_ops_for(sq_isa_resolve(opt->isa)), NULL, NULL, NULL};
    if (f->kind == SQ_INTEGRAND_KERNEL) {
        ev.kern = ev.ops->kern[f->kernel];
    } else {
        ev.batch = f->batch;
        ev.ctx = f->ctx;
    }
    sq_run run = {
        .ev = &ev,
        .rule = opt->rule == SQ_RULE_GK15 ? &sq_gk15 : &sq_gk21,
        .errest = opt->errest == SQ_ERREST_RAW ? SQ_GK_ERROR_RAW
                                                : SQ_GK_ERROR_QUADPACK,
        .local = opt->control == SQ_CONTROL_LOCAL,
        .extrapolate = opt->extrapolate != 0,
        .max_evals = opt->max_evals,
        .max_intervals = opt->max_intervals,
        .threads = sq_threads_for(opt->threads),
    };

    sq_workspace local = {0};
    sq_workspace *w = ws != NULL ? ws : &local;
    sq_problem p = {a, b, opt->epsabs, opt->epsrel};
    if (is_simpson(opt)) {
        if (opt->npoints > 0)
            simpson_pieces(w, &run, a, b, opt, res);
        else
            sq_simpson_local(&w->simpson, &run, &p, 1, res);
    } else {
        sq_adapt(&w->adapt, &run, &p, opt->points, opt->npoints, res);
    }
    if (ws == NULL) {
        sq_simpson_ws_free(local.simpson);
        sq_adapt_ws_free(local.adapt);
    }
    if (reversed)
        res->value = -res->value;
    return res->status;
}
