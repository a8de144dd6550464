/* SPDX-License-Identifier: MIT */
/*
 * Many integrals in one call; a single integral is a batch of one.
 *
 * Problems stream through in groups of consecutive problems. A group is
 * one frontier: its problems' intervals share tiles and kernel calls. With
 * one group the engine spreads each round over the threads; with several,
 * threads take whole groups (each with its own engine workspace, "slot"),
 * so they rarely meet and memory beyond the results is a few groups'
 * frontiers, whatever the number of problems.
 *
 * A problem's arithmetic never involves another problem: its nodes, its
 * estimates and its decisions are its own, and a tile's values do not
 * depend on the other intervals of the tile. So the grouping, the order and
 * the thread count change no bit of any result.
 *
 * Per problem, before the engines see it: validation (a bad problem gets
 * SQ_BAD_INPUT alone), a == b (zero), a > b (the reversed range, negated),
 * and the breakpoints: the rows of the batch or the options' points, plus a
 * family's own breakpoint parameter. Simpson's engine takes no breakpoints:
 * there each piece is a problem of its own, held to its share of epsabs,
 * and the pieces are summed in order.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

enum {
    GROUP_MAX = 256,     /* problems per group */
    GROUP_MAX_GATHER = 16384,   /* ... when a callback gets a round per call */
    GROUP_MIN = 32,      /* ... unless the batch is smaller */
    GROUPS_PER_THREAD = 4,
    DEFER_MIN = 512      /* evaluations before an outlier may be set aside */
};

/* One thread's buffers: its engines' workspaces and a group's problems. */
typedef struct sq_slot {
    struct sq_simpson_ws *simpson;
    struct sq_adapt_ws *adapt;
    sq_problem *probs;       /* the group's engine problems */
    sq_result *parts;        /* their results */
    size_t *owner;           /* engine problem -> problem of the batch */
    size_t cap;
    double *cuts;            /* one problem's piece ends (Simpson) */
    size_t cuts_cap;
    sq_pace pace;            /* whether its engines' thread teams pay */
} sq_slot;

struct sq_workspace {
    sq_slot *slots;
    int nslots;
    sq_pace pace;            /* whether the loops over groups or problems pay */
    struct sq_vec_ws **vec;  /* vector integrands' slots (src/vector.c) */
    int nvec;
};

sq_workspace *sq_workspace_new(void)
{
    sq_workspace *ws = sq_alloc(sizeof *ws);
    if (ws != NULL)
        memset(ws, 0, sizeof *ws);
    return ws;
}

static void slot_free(sq_slot *s)
{
    sq_simpson_ws_free(s->simpson);
    sq_adapt_ws_free(s->adapt);
    sq_free(s->probs);          /* parts and owner with it */
    sq_free(s->cuts);
    memset(s, 0, sizeof *s);
}

static void workspace_clear(sq_workspace *ws)
{
    for (int i = 0; i < ws->nslots; i++)
        slot_free(&ws->slots[i]);
    sq_free(ws->slots);
    ws->slots = NULL;
    ws->nslots = 0;
    for (int i = 0; i < ws->nvec; i++)
        sq_vec_ws_free(ws->vec[i]);
    sq_free(ws->vec);
    ws->vec = NULL;
    ws->nvec = 0;
}

void sq_workspace_free(sq_workspace *ws)
{
    if (ws == NULL)
        return;
    workspace_clear(ws);
    sq_free(ws);
}

size_t sq_workspace_bytes(const sq_workspace *ws)
{
    if (ws == NULL)
        return 0;
    size_t bytes = sizeof *ws + (size_t)ws->nslots * sizeof(sq_slot);
    for (int i = 0; i < ws->nslots; i++) {
        const sq_slot *s = &ws->slots[i];
        bytes += sq_simpson_ws_bytes(s->simpson) + sq_adapt_ws_bytes(s->adapt)
               + s->cap * (sizeof(sq_problem) + sizeof(sq_result) + sizeof(size_t))
               + s->cuts_cap * sizeof(double);
    }
    for (int i = 0; i < ws->nvec; i++)
        bytes += sq_vec_ws_bytes(ws->vec[i]);
    return bytes;
}

sq_pace *sq_workspace_pace(sq_workspace *ws)
{
    return &ws->pace;
}

int sq_workspace_vec_slots(sq_workspace *ws, int n, struct sq_vec_ws ***slots)
{
    struct sq_vec_ws **v;
    if (ws == NULL) {
        /* A call without a workspace: slots of its own, freed at its end. */
        v = sq_alloc_array((size_t)n, sizeof *v);
        if (v == NULL)
            return -1;
        for (int i = 0; i < n; i++)
            v[i] = NULL;
    } else if (n > ws->nvec) {
        v = sq_alloc_array((size_t)n, sizeof *v);
        if (v == NULL)
            return -1;
        for (int i = 0; i < n; i++)
            v[i] = i < ws->nvec ? ws->vec[i] : NULL;
        sq_free(ws->vec);
        ws->vec = v;
        ws->nvec = n;
    } else {
        v = ws->vec;
    }
    for (int i = 0; i < n; i++)
        if (v[i] == NULL && (v[i] = sq_vec_ws_new(n)) == NULL) {
            sq_workspace_vec_done(ws, v, n);
            return -1;
        }
    *slots = v;
    return 0;
}

void sq_workspace_vec_done(sq_workspace *ws, struct sq_vec_ws **slots, int n)
{
    if (ws != NULL)
        return;
    for (int i = 0; i < n; i++)
        sq_vec_ws_free(slots[i]);
    sq_free(slots);
}

static int workspace_slots(sq_workspace *ws, int n)
{
    if (n <= ws->nslots)
        return 0;
    sq_slot *s = sq_alloc_array((size_t)n, sizeof *s);
    if (s == NULL)
        return -1;
    memset(s, 0, (size_t)n * sizeof *s);
    if (ws->nslots > 0)
        memcpy(s, ws->slots, (size_t)ws->nslots * sizeof *s);
    sq_free(ws->slots);
    ws->slots = s;
    ws->nslots = n;
    return 0;
}

static int slot_reserve(sq_slot *s, size_t nprob, size_t ncuts)
{
    if (nprob > s->cap) {
        /* The three arrays in one allocation, problems first. */
        size_t each = sizeof(sq_problem) + sizeof(sq_result) + sizeof(size_t);
        char *m = sq_alloc_array(nprob, each);
        if (m == NULL)
            return -1;
        sq_free(s->probs);
        s->probs = (sq_problem *)m;
        s->parts = (sq_result *)(m + nprob * sizeof(sq_problem));
        s->owner = (size_t *)(m + nprob * (sizeof(sq_problem) + sizeof(sq_result)));
        s->cap = nprob;
    }
    if (ncuts > s->cuts_cap) {
        double *c = sq_alloc_array(ncuts, sizeof *c);
        if (c == NULL)
            return -1;
        sq_free(s->cuts);
        s->cuts = c;
        s->cuts_cap = ncuts;
    }
    return 0;
}

/* ---- validation ---------------------------------------------------------------- */

static const char *check_batch(const sq_integrand *f, const sq_batch *b,
                               const sq_options *o)
{
    if (b->n > 0 && (b->a == NULL || b->b == NULL))
        return "batch: a or b is NULL";
    if (b->params != NULL && f->kind == SQ_INTEGRAND_FAMILY
        && b->nparams < sq_family_table[f->family].nparams)
        return "batch: nparams is below the family's parameter count";
    if (f->kind == SQ_INTEGRAND_FAMILY && b->params == NULL && f->params == NULL)
        return "params: the family needs parameters (batch rows or the "
               "integrand's own)";
    if (f->kind == SQ_INTEGRAND_EXPR) {
        size_t np = sq_expr_nparams(f->expr);
        if (np > 0 && b->params == NULL && f->params == NULL)
            return "params: the expression uses parameters (batch rows or the "
                   "integrand's own)";
        if (np > 0 && b->params != NULL && b->nparams < np)
            return "batch: nparams is below the expression's parameter count";
    }
    if (b->npoints > 0 && b->points == NULL)
        return "batch: points is NULL with npoints > 0";
    if (b->epsabs == NULL && b->epsrel == NULL && o->epsabs == 0
        && o->epsrel == 0)
        return "epsabs, epsrel: both zero";
    return NULL;
}

/* ---- one call ---------------------------------------------------------------------- */

typedef struct call {
    const sq_batch *b;
    const sq_options *o;
    const sq_evaluator *ev;
    sq_run run;              /* threads and master set per group */
    sq_result *res;
    sq_workspace *ws;
    sq_monitor mon;
    size_t group;            /* problems per group */
    const size_t *idx;       /* problems of the second pass, or NULL */
    size_t b_n;              /* problems in this pass (idx's length) */
    int threads;
    int family_bp;           /* the family's breakpoint parameter, or -1 */
    int simpson;
} call;

static void result_reset(sq_result *res, sq_status status, const char *detail)
{
    memset(res, 0, sizeof *res);
    res->value = status == SQ_OK ? 0.0 : NAN;
    res->error = status == SQ_OK ? 0.0 : INFINITY;
    res->where = NAN;
    res->status = status;
    res->detail = detail;
}

sq_status sq_status_worse(sq_status a, sq_status b)
{
    static const int rank[SQ_STATUS_COUNT] = {
        [SQ_OK] = 0, [SQ_ROUNDOFF] = 1, [SQ_INACCURATE] = 1, [SQ_UNSEEN] = 1,
        [SQ_MAX_INTERVALS] = 2, [SQ_MAX_EVALS] = 3, [SQ_DIVERGENT] = 4,
        [SQ_NONFINITE] = 5, [SQ_CANCELLED] = 6, [SQ_CALLBACK_ABORT] = 7,
        [SQ_NOMEM] = 8, [SQ_BAD_INPUT] = 9,
    };
    int ra = (unsigned)a < SQ_STATUS_COUNT ? rank[a] : 0;
    int rb = (unsigned)b < SQ_STATUS_COUNT ? rank[b] : 0;
    return rb > ra ? b : a;
}

/* Problem i as an engine sees it (returns SQ_STATUS_COUNT), or the status
 * of a problem that needs no engine. */
static sq_status prepare(const call *c, size_t i, sq_problem *q, int *reversed,
                         const char **detail)
{
    const sq_batch *b = c->b;
    double lo = b->a[i], hi = b->b[i];
    double ea = b->epsabs ? b->epsabs[i] : c->o->epsabs;
    double er = b->epsrel ? b->epsrel[i] : c->o->epsrel;
    *detail = NULL;
    if (isnan(lo) || isnan(hi)) {
        *detail = isnan(lo) ? "a: NaN" : "b: NaN";
        return SQ_BAD_INPUT;
    }
    if (!sq_tolerance_valid(ea)) {
        *detail = "epsabs: must be finite and >= 0";
        return SQ_BAD_INPUT;
    }
    if (!sq_tolerance_valid(er)) {
        *detail = "epsrel: must be finite and >= 0";
        return SQ_BAD_INPUT;
    }
    if (ea == 0 && er == 0) {
        *detail = "epsabs, epsrel: both zero";
        return SQ_BAD_INPUT;
    }
    if (c->simpson && (isinf(lo) || isinf(hi)) && lo != hi) {
        *detail = "a, b: Simpson's rule evaluates the end points and cannot "
                  "integrate over an infinite range; use a Gauss-Kronrod rule";
        return SQ_BAD_INPUT;
    }
    if (lo == hi)
        return SQ_OK;
    *reversed = lo > hi;
    q->a = *reversed ? hi : lo;
    q->b = *reversed ? lo : hi;
    q->epsabs = ea;
    q->epsrel = er;
    if (b->points != NULL) {
        q->points = b->points + i * b->npoints;
        q->npoints = b->npoints;
    } else {
        q->points = c->o->points;
        q->npoints = c->o->npoints;
    }
    q->extra_point = NAN;
    if (c->family_bp >= 0) {
        const double *row = c->ev->params + i * c->ev->pstride;
        q->extra_point = row[c->family_bp];
    }
    q->uid = i;
    return SQ_STATUS_COUNT;
}

static int cmp_double(const void *p, const void *q)
{
    double x = *(const double *)p, y = *(const double *)q;
    return (x > y) - (x < y);
}

/*
 * Simpson's pieces of q: the ends and the interior points, sorted, in
 * s->cuts; returns their number.
 */
static size_t simpson_cuts(sq_slot *s, const sq_problem *q)
{
    size_t np = 0;
    s->cuts[np++] = q->a;
    for (size_t k = 0; q->points != NULL && k < q->npoints; k++)
        if (q->points[k] > q->a && q->points[k] < q->b)
            s->cuts[np++] = q->points[k];
    if (q->extra_point > q->a && q->extra_point < q->b)
        s->cuts[np++] = q->extra_point;
    s->cuts[np++] = q->b;
    if (np > 2)
        qsort(s->cuts + 1, np - 2, sizeof *s->cuts, cmp_double);
    return np;
}

/* Problems [lo, hi) of the batch (of c->idx when set) on slot s with
 * `threads` threads. */
static void run_group(call *c, sq_slot *s, size_t lo, size_t hi, int threads,
                      int master)
{
#define PROBLEM(j) (c->idx != NULL ? c->idx[j] : (j))
    size_t maxpts = c->b->points != NULL ? c->b->npoints : c->o->npoints;
    size_t per = c->simpson ? maxpts + 2 : 1;     /* engine problems each */
    size_t finished = 0;
    if (slot_reserve(s, (hi - lo) * per, c->simpson ? maxpts + 3 : 0) != 0) {
        for (size_t j = lo; j < hi; j++)
            result_reset(&c->res[PROBLEM(j)], SQ_NOMEM, NULL);
        sq_monitor_add_done(&c->mon, hi - lo);
        return;
    }
    /* Engine problems, and the batch problem each belongs to. */
    size_t n = 0;
    uint8_t reversed[GROUP_MAX_GATHER];   /* the largest group */
    for (size_t j = lo; j < hi; j++) {
        size_t i = PROBLEM(j);
        sq_problem q;
        int rev = 0;
        const char *detail;
        sq_status st = prepare(c, i, &q, &rev, &detail);
        reversed[j - lo] = (uint8_t)rev;
        if (st != SQ_STATUS_COUNT) {
            result_reset(&c->res[i], st, detail);
            finished++;
            continue;
        }
        if (!c->simpson) {
            s->owner[n] = j;
            s->probs[n++] = q;
            continue;
        }
        size_t np = simpson_cuts(s, &q);
        double half = 0.5 * q.b - 0.5 * q.a;
        for (size_t k = 0; k + 1 < np; k++) {
            if (!(s->cuts[k + 1] > s->cuts[k]))
                continue;                 /* a repeated point */
            double share = (0.5 * s->cuts[k + 1] - 0.5 * s->cuts[k]) / half;
            sq_problem piece = q;
            piece.a = s->cuts[k];
            piece.b = s->cuts[k + 1];
            piece.epsabs = q.epsabs * share;
            piece.points = NULL;
            piece.npoints = 0;
            piece.extra_point = NAN;
            s->owner[n] = j;
            s->probs[n++] = piece;
        }
    }
    sq_monitor_add_done(&c->mon, finished);

    sq_run run = c->run;
    run.threads = threads;
    run.master = master;
    run.pace = &s->pace;
    if (n > 0) {
        if (c->simpson) {
            /* Pieces are not problems: count them done as a group. */
            run.count_done = 0;
            sq_simpson_local(&s->simpson, &run, s->probs, n, s->parts);
            sq_monitor_add_done(&c->mon, hi - lo - finished);
        } else {
            sq_adapt(&s->adapt, &run, s->probs, n, s->parts);
        }
    }

    /* Results: a problem's pieces, in order, summed. */
    for (size_t k = 0; k < n;) {
        size_t j = s->owner[k], i = PROBLEM(j);
        sq_result *r = &c->res[i];
        if (!c->simpson) {
            *r = s->parts[k++];
        } else {
            result_reset(r, SQ_OK, NULL);
            double vc = 0, ec = 0;
            for (; k < n && s->owner[k] == j; k++) {
                const sq_result *p = &s->parts[k];
                sq_sum_add(&r->value, &vc, p->value);
                sq_sum_add(&r->error, &ec, p->error);
                r->evals += p->evals;
                r->intervals += p->intervals;
                r->rounds = p->rounds > r->rounds ? p->rounds : r->rounds;
                if (p->status == SQ_NONFINITE && r->status != SQ_NONFINITE)
                    r->where = p->where;
                r->status = sq_status_worse(r->status, p->status);
            }
            r->value += vc;
            r->error += ec;
            /* Pieces that overflowed (their error infinite) leave NaN in a
             * compensated sum: no estimate, an infinite error. */
            if (!(isfinite(r->value) && r->error >= 0)) {
                r->error = INFINITY;
                if (r->status == SQ_OK || r->status == SQ_ROUNDOFF
                    || r->status == SQ_INACCURATE || r->status == SQ_MAX_EVALS
                    || r->status == SQ_MAX_INTERVALS)
                    r->status = SQ_NONFINITE;
            }
        }
        if (reversed[j - lo])
            r->value = -r->value;
    }
#undef PROBLEM
}

static void group_body(size_t g, int slot, void *ctx)
{
    call *c = ctx;
    size_t lo = g * c->group;
    size_t hi = lo + c->group < c->b_n ? lo + c->group : c->b_n;
    run_group(c, &c->ws->slots[slot], lo, hi, 1, slot == 0);
}

sq_evaluator sq_evaluator_of(const sq_integrand *f, const sq_batch *b,
                             const sq_options *o)
{
    sq_evaluator ev;
    memset(&ev, 0, sizeof ev);
    sq_math m = SQ_MATH_SLEEF_U10;
    ev.ops = NULL;
    (void)sq_dispatch(o->isa, o->math, &ev.ops, &m);   /* checked before */
    switch (f->kind) {
    case SQ_INTEGRAND_KERNEL:
        ev.kern = ev.ops->kern[m][f->kernel];
        break;
    case SQ_INTEGRAND_FAMILY:
        ev.fam = ev.ops->fam[m][f->family];
        ev.nparams = sq_family_table[f->family].nparams;
        ev.params = b->params != NULL ? b->params : f->params;
        ev.pstride = b->params != NULL ? b->nparams : 0;
        break;
    case SQ_INTEGRAND_PARAM:
        ev.param = f->param;
        ev.ctx = f->ctx;
        ev.gather = o->gather != 0;
        break;
    case SQ_INTEGRAND_POINT:
        ev.speculate = o->speculate != 0;
        ev.workers = o->workers > 0 ? o->workers : sq_default_threads();
        ev.ctx = f->ctx;         /* the oracle is made by the call */
        break;
    case SQ_INTEGRAND_EXPR:
        ev.vm = sq_expr_vm(f->expr);
        ev.vm_run = ev.ops->vm[m];
        ev.nparams = sq_expr_nparams(f->expr);
        ev.x_free = !sq_expr_uses_x(f->expr);
        ev.params = b->params != NULL ? b->params : f->params;
        ev.pstride = b->params != NULL ? b->nparams : 0;
        break;
    default:
        ev.batch = f->batch;
        ev.ctx = f->ctx;
        ev.gather = o->gather != 0;
        break;
    }
    return ev;
}

/*
 * The problems the first pass set aside (sq_run.defer_min), run again from
 * the start with their full budget, in groups of their own. Their results
 * are what they would have been in the first pass: nothing but a problem's
 * own computation decides them.
 */
static void second_pass(call *c)
{
    size_t n = c->b->n, m = 0;
    for (size_t i = 0; i < n; i++)
        m += c->res[i].status == SQ_DEFERRED;
    if (m == 0)
        return;
    size_t *idx = sq_alloc_array(m, sizeof *idx);
    if (idx == NULL) {
        for (size_t i = 0; i < n; i++)
            if (c->res[i].status == SQ_DEFERRED)
                result_reset(&c->res[i], SQ_NOMEM, NULL);
        sq_monitor_add_done(&c->mon, m);
        return;
    }
    m = 0;
    for (size_t i = 0; i < n; i++)
        if (c->res[i].status == SQ_DEFERRED)
            idx[m++] = i;
    c->idx = idx;
    c->run.defer_min = 0;
    size_t per = (m + (size_t)c->threads - 1) / (size_t)c->threads;
    c->group = per < GROUP_MAX ? per : GROUP_MAX;
    size_t ngroups = (m + c->group - 1) / c->group;
    /* group_body reads [g * group, ...) of idx. */
    c->b_n = m;
    if (ngroups == 1)
        run_group(c, &c->ws->slots[0], 0, m, c->threads, 1);
    else
        sq_parallel_for_paced(&c->ws->pace, ngroups, c->threads, group_body, c);
    c->idx = NULL;
    sq_free(idx);
}

sq_status sq_integrate_batch(sq_workspace *ws, const sq_integrand *f,
                             const sq_batch *batch, const sq_options *opt,
                             sq_result *results)
{
    if (batch == NULL || (results == NULL && batch->n > 0))
        return SQ_BAD_INPUT;
    sq_options defaults;
    if (opt == NULL) {
        sq_options_init(&defaults);
        opt = &defaults;
    }
    const char *bad = sq_check_common(f, opt);
    if (bad == NULL)
        bad = check_batch(f, batch, opt);
    if (bad != NULL) {
        for (size_t i = 0; i < batch->n; i++)
            result_reset(&results[i], SQ_BAD_INPUT, bad);
        return SQ_BAD_INPUT;
    }
    return sq_batch_run(ws, f, batch, opt, results);
}

sq_status sq_batch_run(sq_workspace *ws, const sq_integrand *f,
                       const sq_batch *batch, const sq_options *opt,
                       sq_result *results)
{
    sq_evaluator ev = sq_evaluator_of(f, batch, opt);
    if (f->kind == SQ_INTEGRAND_POINT && batch->n > 0) {
        ev.oracle = sq_oracle_new(f->point, f->ctx, ev.workers);
        if (ev.oracle == NULL) {
            for (size_t i = 0; i < batch->n; i++)
                result_reset(&results[i], SQ_NOMEM, NULL);
            return SQ_NOMEM;
        }
    }
    call c;
    memset(&c, 0, sizeof c);
    c.b = batch;
    c.b_n = batch->n;
    c.o = opt;
    c.ev = &ev;
    c.res = results;
    c.simpson = opt->rule == SQ_RULE_SIMPSON;
    c.family_bp = f->kind == SQ_INTEGRAND_FAMILY && opt->family_points
                      ? sq_family_table[f->family].breakpoint : -1;
    c.threads = sq_threads_for(opt->threads);
    c.run.ev = &ev;
    c.run.rule = opt->rule == SQ_RULE_GK15 ? &sq_gk15 : &sq_gk21;
    c.run.errest = opt->errest == SQ_ERREST_RAW        ? SQ_GK_ERROR_RAW
                   : opt->errest == SQ_ERREST_QUADPACK ? SQ_GK_ERROR_QUADPACK
                                                       : SQ_GK_ERROR_NULL;
    c.run.local = opt->control == SQ_CONTROL_LOCAL;
    c.run.extrapolate = opt->extrapolate != 0;
    c.run.max_evals = opt->max_evals;
    c.run.max_intervals = opt->max_intervals;
    c.run.mon = &c.mon;
    c.run.count_done = opt->progress != NULL;
    c.run.trace = opt->trace;
    c.run.trace_ctx = opt->trace_ctx;
    sq_monitor_start(&c.mon, opt->progress, opt->progress_ctx, batch->n);

    /* Groups: a few per thread for balance, each big enough to fill tiles. */
    size_t n = batch->n;
    size_t per_thread = (n + (size_t)c.threads * GROUPS_PER_THREAD - 1)
                        / ((size_t)c.threads * GROUPS_PER_THREAD);
    /* A callback called once per round (gather) pays its cost per call:
     * fewer, larger groups make fewer calls. */
    size_t g = per_thread < GROUP_MAX ? per_thread : GROUP_MAX;
    if (ev.gather)
        g = n < GROUP_MAX_GATHER ? n : GROUP_MAX_GATHER;
    size_t gmin = n < GROUP_MIN ? n : GROUP_MIN;
    c.group = g > gmin ? g : gmin;
    size_t ngroups = c.group ? (n + c.group - 1) / c.group : 0;

    sq_workspace local = {0};
    c.ws = ws != NULL ? ws : &local;
    int slots = ngroups > 1 ? c.threads : 1;
    if (workspace_slots(c.ws, slots) != 0) {
        for (size_t i = 0; i < n; i++)
            result_reset(&results[i], SQ_NOMEM, NULL);
        workspace_clear(&local);
        sq_oracle_free(ev.oracle);
        return n > 0 ? SQ_NOMEM : SQ_OK;
    }
    /* Set aside the hopeless few, if there are groups to hold up. */
    if (!c.simpson && ngroups > 1 && opt->max_evals > DEFER_MIN)
        c.run.defer_min = DEFER_MIN;
    if (ngroups == 1)
        run_group(&c, &c.ws->slots[0], 0, n, c.threads, 1);
    else if (ngroups > 1)
        sq_parallel_for_paced(&c.ws->pace, ngroups, c.threads, group_body, &c);
    if (c.run.defer_min != 0)
        second_pass(&c);
    workspace_clear(&local);
    if (ev.oracle != NULL) {
        size_t evaluated, wasted;
        int nomem = sq_oracle_stats(ev.oracle, &evaluated, &wasted);
        sq_oracle_free(ev.oracle);
        for (size_t i = 0; i < n; i++) {
            results[i].wasted = wasted;
            /* A point the cache had no room for failed like a callback. */
            if (nomem && results[i].status == SQ_CALLBACK_ABORT)
                results[i].status = SQ_NOMEM;
        }
    }

    sq_monitor_end(&c.mon);
    sq_status worst = SQ_OK;
    for (size_t i = 0; i < n; i++)
        worst = sq_status_worse(worst, results[i].status);
    return worst;
}
