/* SPDX-License-Identifier: MIT */
/*
 * Adaptive Simpson with local error control (see simpson.h for the
 * algorithm and its determinism): the first visit of each problem,
 * expensive integrands, the workspace and the entry point.
 */
#include "simpson.h"

/* ---- per-thread tile buffers ----------------------------------------------- */

static void scratch_free(scratch *t)
{
    sq_free(t->mem);
    sq_eval_scratch_free(&t->es);
    memset(t, 0, sizeof *t);
}

static int scratch_init(scratch *t)
{
    size_t xs = 5 * (TILE + SQ_MAX_VLEN) * sizeof(double);
    size_t hs = (TILE + SLACK) * sizeof(double);
    size_t bytes[10] = {xs, xs, hs, hs, hs, hs, hs, hs, hs, hs};
    char *part[10];
    t->mem = sq_carve(10, bytes, part);
    if (t->mem == NULL)
        return -1;
    t->x = (double *)part[0];
    t->y = (double *)part[1];
    double **cols[5] = {&t->mid, &t->vl, &t->vr, &t->el, &t->er};
    for (int k = 0; k < 5; k++)
        *cols[k] = (double *)part[2 + k];
    t->fl = (int64_t *)part[7];
    t->fr = (int64_t *)part[8];
    t->uid = (size_t *)part[9];
    if (sq_eval_scratch_init(&t->es, 5, TILE + SQ_MAX_VLEN) != 0) {
        scratch_free(t);
        return -1;
    }
    return 0;
}

/* ---- expensive integrands ---------------------------------------------------- */

/* The four points a visit of item [a, b] evaluates, as simpson_nodes does. */
static void quarter_points(double a, double b, double *x)
{
    double m = sq_mid(a, b), lm = sq_mid(a, m), rm = sq_mid(m, b);
    x[0] = sq_mid(a, lm);
    x[1] = sq_mid(lm, m);
    x[2] = sq_mid(m, rm);
    x[3] = sq_mid(rm, b);
}

static void item_points(void *ctx, const double *a, const double *b,
                        const uint64_t *tag, size_t n, double *x)
{
    (void)ctx;
    (void)tag;
    for (size_t i = 0; i < n; i++)
        quarter_points(a[i], b[i], x + 4 * i);
}

static void halve_items(double *lo, double *hi, uint64_t *tag, size_t n)
{
    (void)tag;
    for (size_t i = n; i-- > 0;) {
        double m = sq_mid(lo[i], hi[i]);
        lo[2 * i + 1] = m;
        hi[2 * i + 1] = hi[i];
        hi[2 * i] = m;
        lo[2 * i] = lo[i];
    }
}

/* Hand the workers the points of the items [a[i], b[i]] that the coming
 * visit needs (needed: nonzero) or may need, then those of their halves
 * (sq_announce): a narrow frontier then keeps every worker busy on the
 * levels below it. */
static void announce(const sq_evaluator *ev, const double *a, const double *b,
                     size_t n, int needed)
{
    sq_announcer an = {4, item_points, halve_items, NULL};
    sq_announce(ev, &an, a, b, NULL, n, needed);
}

/* ---- root visits --------------------------------------------------------------- */

/* Leftmost of the five root abscissae whose value is not finite, or NaN. */
static double root_where(const double *x, const double *y, size_t ld,
                         size_t j)
{
    double w = NAN;
    for (int k = 0; k < 5; k++)
        if (!isfinite(y[k * ld + j]) && !(x[k * ld + j] >= w))
            w = x[k * ld + j];
    return w;
}

/*
 * The first visit of each problem: its five Simpson points in one array per
 * tile of problems. Problems not accepted at once become the first items.
 */
static int visit_roots(engine *e, const sq_problem *pr)
{
    struct sq_simpson_ws *w = e->w;
    scratch *t = &w->tls[0];
    size_t vlen = e->ops->vlen;
    if (items_reserve(&w->cur, e->nprob + SLACK, 0) != 0)
        return -1;
    w->cur.n = 0;
    if (e->run->ev->oracle != NULL) {
        /* The five points of each root, then the levels below them. */
        double *a = sq_malloc(e->nprob * sizeof *a), *b = sq_malloc(e->nprob * sizeof *b);
        double *x = sq_malloc(5 * e->nprob * sizeof *x);
        if (a != NULL && b != NULL && x != NULL) {
            for (size_t i = 0; i < e->nprob; i++) {
                double m = sq_mid(pr[i].a, pr[i].b);
                a[i] = pr[i].a;
                b[i] = pr[i].b;
                double r[5] = {pr[i].a, sq_mid(pr[i].a, m), m, sq_mid(m, pr[i].b),
                               pr[i].b};
                memcpy(x + 5 * i, r, sizeof r);
            }
            sq_oracle_need(e->run->ev->oracle, x, 5 * e->nprob);
            announce(e->run->ev, a, b, e->nprob, 0);
        }
        sq_free(a);
        sq_free(b);
        sq_free(x);
    }
    for (size_t lo = 0; lo < e->nprob; lo += TILE) {
        size_t n = e->nprob - lo < TILE ? e->nprob - lo : TILE;
        size_t ld = e->pad ? (n + vlen - 1) / vlen * vlen : n;
        double *x = t->x, *y = t->y;
        for (size_t j = 0; j < ld; j++) {
            const sq_problem *q = &pr[lo + (j < n ? j : 0)];
            double m = sq_mid(q->a, q->b);
            x[j] = q->a;
            x[ld + j] = sq_mid(q->a, m);
            x[2 * ld + j] = m;
            x[3 * ld + j] = sq_mid(m, q->b);
            x[4 * ld + j] = q->b;
        }
        for (size_t j = 0; j < ld; j++)
            t->uid[j] = pr[lo + (j < n ? j : 0)].uid;
        uint8_t failed[TILE];
        memset(failed, 0, sizeof failed);
        if (sq_eval_tile(e->run->ev, 5, ld, x, t->uid, &t->es, y) != 0)
            sq_isolate_failures(e->run->ev, 5, n, ld, t->x, t->uid, &t->es, t->y,
                                failed);
        for (size_t j = 0; j < n; j++) {
            const sq_problem *q = &pr[lo + j];
            pstate *ps = &w->prob[lo + j];
            ps->rounds = 1;
            ps->uid = q->uid;
            ps->evals = 5;       /* the callback ran, failing or not */
            ps->width = fabs(q->b - q->a);
            ps->intervals = 1;
            if (failed[j]) {
                ps->sum = NAN;
                ps->err = INFINITY;
                sq_simpson_stop(ps, SQ_CALLBACK_ABORT);
                continue;
            }
            double f[5];
            for (int k = 0; k < 5; k++) {
                f[k] = y[k * ld + j];
                ps->absmax = fmax(ps->absmax, fabs(f[k]));
            }
            double where = root_where(x, y, ld, j);
            if (!isnan(where)) {
                ps->sum = NAN;
                ps->err = INFINITY;
                ps->where = where;
                sq_simpson_stop(ps, SQ_NONFINITE);
                continue;
            }
            double err;
            double first = sq_simpson_unfinished(q->a, q->b, f[0], f[1], f[2],
                                                 f[3], f[4], &err);
            double tol = sq_tolerance(q->epsabs, q->epsrel, first);
            ps->epsabs = q->epsabs;
            ps->epsrel = q->epsrel;
            double val;
            int64_t fate = sq_simpson_half(q->a, x[2 * ld + j], q->b, f[0],
                                           f[1], f[2], f[3], f[4], tol,
                                           &val, &err);
            /* The textbook algorithm may accept this first five-point
             * estimate, but two estimates can agree by coincidence (Kahaner's
             * test 4 is built that way) and nothing checks them: the halves
             * are always visited, and checked against this one. */
            if (fate == SQ_HALF_ROUNDOFF) {
                ps->sum = val;
                ps->err = fabs(err);
                ps->roundoff = 1;
                ps->active = 0;
                continue;
            }
            size_t i = w->cur.n++;
            double v[NCOL] = {q->a, q->b, f[0], f[1], f[2], f[3], f[4],
                              0.5 * tol};
            for (int k = 0; k < NCOL; k++)
                w->cur.f[k][i] = v[k];
            w->cur.pid[i] = lo + j;
            ps->start = i;
            ps->run = 1;
        }
    }
    return 0;
}

/* ---- the workspace ----------------------------------------------------------- */

void sq_simpson_ws_free(struct sq_simpson_ws *w)
{
    if (w == NULL)
        return;
    sq_cols_free(&w->cur);
    sq_cols_free(&w->next);
    for (size_t p = 0; p < w->prob_cap; p++)
        sq_cols_free(&w->prob[p].pend);
    for (int i = 0; i < w->ntls; i++)
        scratch_free(&w->tls[i]);
    sq_free(w->tls);
    sq_free(w->prob);
    sq_free(w->chunks);
    sq_free(w->units);
    sq_free(w);
}

size_t sq_simpson_ws_bytes(const struct sq_simpson_ws *w)
{
    if (w == NULL)
        return 0;
    size_t b = sizeof *w + sq_cols_bytes(&w->cur) + sq_cols_bytes(&w->next);
    for (size_t p = 0; p < w->prob_cap; p++)
        b += sq_cols_bytes(&w->prob[p].pend);
    b += w->prob_cap * sizeof(pstate) + w->chunk_cap * sizeof(chunk)
       + w->unit_cap * sizeof(unit) + (size_t)w->ntls * sizeof(scratch);
    return b;
}

/* Make the workspace ready for nprob problems on nthreads threads. */
static int ws_prepare(struct sq_simpson_ws **wp, size_t nprob, int nthreads)
{
    struct sq_simpson_ws *w = *wp;
    if (w == NULL) {
        w = sq_alloc(sizeof *w);
        if (w == NULL)
            return -1;
        memset(w, 0, sizeof *w);
        *wp = w;
    }
    if (nprob > w->prob_cap) {
        pstate *p = sq_alloc_array(nprob, sizeof(pstate));
        if (p == NULL)
            return -1;
        memset(p, 0, nprob * sizeof(pstate));
        for (size_t i = 0; i < w->prob_cap; i++)
            p[i].pend = w->prob[i].pend;
        sq_free(w->prob);
        w->prob = p;
        w->prob_cap = nprob;
    }
    if (nthreads > w->ntls) {
        if (sq_extend((void **)&w->tls, (size_t)w->ntls, (size_t)nthreads,
                      sizeof *w->tls) != 0)
            return -1;
        for (int i = w->ntls; i < nthreads; i++) {
            if (scratch_init(&w->tls[i]) != 0)
                return -1;
            w->ntls = i + 1;
        }
    }
    for (size_t p = 0; p < nprob; p++) {
        pstate *ps = &w->prob[p];
        items pend = ps->pend;
        memset(ps, 0, sizeof *ps);
        ps->pend = pend;
        ps->pend.n = 0;
        ps->status = SQ_OK;
        ps->where = NAN;
        ps->active = 1;
    }
    w->cur.n = 0;
    w->next.n = 0;
    return 0;
}

/* ---- entry point ------------------------------------------------------------- */

/* A problem's result. One that saw nothing ends SQ_UNSEEN with an
 * infinite error, unless its integrand is known not to depend on x
 * (x_free): f was 0 at every point, or all it saw is below the tolerance
 * (the largest |f| times the width) and not resolved (an error estimate
 * over a millionth of that): the tail of a peak between the points. */
static void finish(const pstate *ps, int x_free, sq_result *res)
{
    res->value = ps->sum + ps->sumc;
    res->error = ps->err + ps->errc;
    res->evals = ps->evals;
    res->intervals = ps->intervals;
    res->rounds = ps->rounds;
    res->status = ps->status;
    if (res->status == SQ_OK && ps->roundoff)
        res->status = SQ_ROUNDOFF;
    /* Finished by the classic local tests, but the honest error can exceed
     * the tolerance: where Richardson's model fails, or when the first
     * estimate (which set the working tolerance) was too large. */
    double tol = sq_tolerance(ps->epsabs, ps->epsrel, res->value);
    if (res->status == SQ_OK && res->error > tol)
        res->status = SQ_INACCURATE;
    double seen = ps->absmax * ps->width;
    if (res->status == SQ_OK && !x_free
        && (seen == 0 || (seen <= tol && res->error > 1e-6 * seen))) {
        res->status = SQ_UNSEEN;
        res->error = INFINITY;
    }
    res->where = ps->where;
    /* Finite values whose sums overflowed (1e308 times a weight over 1):
     * no estimate to stand behind. */
    if (!(isfinite(res->value) && res->error >= 0)) {
        res->error = INFINITY;
        if (res->status != SQ_CALLBACK_ABORT && res->status != SQ_CANCELLED
            && res->status != SQ_NOMEM)
            res->status = SQ_NONFINITE;
    }
    res->detail = NULL;
}

static void fail_nomem(sq_result *res)
{
    memset(res, 0, sizeof *res);
    res->value = NAN;
    res->error = INFINITY;
    res->where = NAN;
    res->status = SQ_NOMEM;
}

/* Tell the monitor how many problems finished since the last call. */
static void report_finished(engine *e, size_t *active)
{
    if (e->run->mon == NULL || !e->run->count_done)
        return;
    size_t now = 0;
    for (size_t q = 0; q < e->nprob; q++)
        now += e->w->prob[q].active != 0;
    if (now < *active)
        sq_monitor_add_done(e->run->mon, *active - now);
    *active = now;
}

void sq_simpson_local(struct sq_simpson_ws **wp, const sq_run *run,
                      const sq_problem *p, size_t nprob, sq_result *res)
{
    engine e = {0};
    e.run = run;
    e.pace = run->pace != NULL ? run->pace : &e.own_pace;
    e.ops = run->ev->ops;
    e.pad = sq_eval_pads(run->ev);
    e.nthreads = run->threads > 0 ? run->threads : 1;
    e.nprob = nprob;
    if (ws_prepare(wp, e.nprob, e.nthreads) != 0) {
        for (size_t q = 0; q < nprob; q++)
            fail_nomem(&res[q]);
        return;
    }
    e.w = *wp;
    if (visit_roots(&e, p) != 0) {
        for (size_t q = 0; q < nprob; q++)
            fail_nomem(&res[q]);
        return;
    }
    int nomem = sq_simpson_settle(&e) != 0;
    size_t active = nprob;
    while (!nomem) {
        report_finished(&e, &active);
        if (e.w->cur.n == 0)
            break;
        if (run->mon != NULL && sq_monitor_poll(run->mon, run->master)) {
            for (size_t q = 0; q < e.nprob; q++) {
                pstate *ps = &e.w->prob[q];
                if (ps->active) {
                    sq_simpson_add_unfinished(ps, &e.w->cur);
                    sq_simpson_stop(ps, SQ_CANCELLED);
                }
            }
            break;
        }
        for (size_t q = 0; q < e.nprob; q++)
            if (e.w->prob[q].active)
                e.w->prob[q].rounds++;
        if (run->ev->oracle != NULL)
            announce(run->ev, e.w->cur.f[C_A], e.w->cur.f[C_B], e.w->cur.n, 1);
        /* The root visit is level 0; round r visits level r. */
        e.round++;
        e.forced = e.round < FORCED;
        size_t visited = e.w->cur.n;
        nomem = sq_simpson_round(&e) != 0 || sq_simpson_settle(&e) != 0;
        if (!nomem && run->trace != NULL && run->master) {
            size_t left = 0;
            for (size_t q = 0; q < e.nprob; q++)
                left += e.w->prob[q].active != 0;
            sq_round_info info = {e.round, 2 * visited, 4 * visited, left};
            run->trace(&info, run->trace_ctx);
        }
    }
    if (nomem) {
        for (size_t q = 0; q < e.nprob; q++) {
            pstate *ps = &e.w->prob[q];
            if (ps->active) {
                sq_simpson_add_unfinished(ps, &e.w->cur);
                sq_simpson_stop(ps, SQ_NOMEM);
            }
        }
    }
    for (size_t q = 0; q < nprob; q++)
        finish(&e.w->prob[q], run->ev->x_free, &res[q]);
}
