/* SPDX-License-Identifier: MIT */
/*
 * Vector integrands: K components on one shared subdivision. This file
 * holds the calls (constructors, checks, the batch over threads, K = 1 as
 * the scalar engine) and each problem's decisions; a round's evaluation
 * and estimates are src/vector_round.c's, the shared types src/vector.h's.
 *
 * A problem keeps all its intervals (global control), each with K values
 * and K errors. After a round: the totals of each component (compensated
 * sums in the order of the intervals), the test of the caller's norm, and
 * the selection of the intervals to split: by decreasing weight, the
 * largest of an interval's errors relative to each component's share of
 * the tolerance, until what is left would meet half of it (cubature's rule
 * for a frontier). An interval splits in place: its left half takes its
 * slot, its right half a new one at the end, so the order of the
 * intervals, and every sum over them, depends on the problem's own history
 * only. K = 1 is handed to the scalar engine (same bits as sq_integrate),
 * except the sine family, which has no scalar form.
 */
#include <float.h>
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "vector.h"

/* ---- constructors -------------------------------------------------------- */

/* A vector integrand of the kind with K components, nothing else set. */
static sq_vec_integrand blank(sq_vec_kind kind, size_t K)
{
    sq_vec_integrand v;
    memset(&v, 0, sizeof v);
    v.kind = kind;
    v.K = K;
    return v;
}

sq_vec_integrand sq_vfn_callback(sq_vec_fn f, size_t K, void *ctx)
{
    sq_vec_integrand v = blank(SQ_VEC_CALLBACK, K);
    v.fn = f;
    v.ctx = ctx;
    return v;
}

sq_vec_integrand sq_vfn_point(sq_vec_point_fn f, size_t K, void *ctx)
{
    sq_vec_integrand v = blank(SQ_VEC_POINT, K);
    v.point = f;
    v.ctx = ctx;
    return v;
}

sq_vec_integrand sq_vfn_expr(const sq_expr *e, const double *params)
{
    sq_vec_integrand v = blank(SQ_VEC_EXPR, sq_expr_noutputs(e));
    v.expr = e;
    v.params = params;
    return v;
}

static sq_vec_integrand family_of(sq_vec_kind kind, const sq_integrand *f,
                                  size_t K, double omega)
{
    sq_vec_integrand v = blank(f != NULL ? kind : SQ_VEC_INVALID, K);
    if (f != NULL)
        v.base = *f;
    v.omega = omega;
    return v;
}

sq_vec_integrand sq_vfn_moments(const sq_integrand *f, size_t K)
{
    return family_of(SQ_VEC_MOMENTS, f, K, 0.0);
}

sq_vec_integrand sq_vfn_cosine(const sq_integrand *f, size_t K, double omega)
{
    return family_of(SQ_VEC_COSINE, f, K, omega);
}

sq_vec_integrand sq_vfn_sine(const sq_integrand *f, size_t K, double omega)
{
    return family_of(SQ_VEC_SINE, f, K, omega);
}

/* ---- validation ------------------------------------------------------------ */

static const char *check_vec(const sq_vec_integrand *f, const sq_batch *b,
                             const sq_options *o, int tolerances)
{
    if (f == NULL || f->kind == SQ_VEC_INVALID)
        return "integrand: NULL or invalid";
    if (f->K == 0 || f->K > SQ_VEC_MAX_COMPONENTS)
        return "K: must be from 1 to 65536";
    const char *bad = sq_check_options(o, tolerances);
    if (bad != NULL)
        return bad;
    if (o->rule == SQ_RULE_SIMPSON)
        return "rule: vector integrands need a Gauss-Kronrod rule";
    if (o->control == SQ_CONTROL_LOCAL)
        return "control: vector integrands run with global control only";
    size_t np = 0;
    switch (f->kind) {
    case SQ_VEC_CALLBACK:
        if (f->fn == NULL)
            return "integrand: NULL callback";
        break;
    case SQ_VEC_POINT:
        if (f->point == NULL)
            return "integrand: NULL callback";
        break;
    case SQ_VEC_EXPR:
        if (f->expr == NULL)
            return "integrand: NULL expression";
        if (sq_expr_noutputs(f->expr) != f->K)
            return "K: not the expression's number of outputs";
        np = sq_expr_nparams(f->expr);
        if (np > 0 && f->params == NULL && (b == NULL || b->params == NULL))
            return "params: the expression uses parameters";
        if (np > 0 && b != NULL && b->params != NULL && b->nparams < np)
            return "batch: nparams is below the expression's parameter count";
        break;
    case SQ_VEC_MOMENTS:
    case SQ_VEC_COSINE:
    case SQ_VEC_SINE:
        if (f->base.kind == SQ_INTEGRAND_POINT)
            return "integrand: the moment and Fourier families take a cheap "
                   "integrand (an expensive one: write a vector point "
                   "callback)";
        bad = sq_check_common(&f->base, o);
        if (bad != NULL)
            return bad;
        if (f->base.kind == SQ_INTEGRAND_EXPR && sq_expr_noutputs(f->base.expr) != 1)
            return "integrand: the base expression has several outputs";
        if (!isfinite(f->omega))
            return "omega: not finite";
        if (f->base.kind == SQ_INTEGRAND_FAMILY)
            np = sq_family_table[f->base.family].nparams;
        else if (f->base.kind == SQ_INTEGRAND_EXPR)
            np = sq_expr_nparams(f->base.expr);
        if (np > 0 && f->base.params == NULL && (b == NULL || b->params == NULL))
            return "params: the integrand needs parameters";
        if (np > 0 && b != NULL && b->params != NULL && b->nparams < np)
            return "batch: nparams is below the integrand's parameter count";
        break;
    default:
        return "integrand: unknown kind";
    }
    return NULL;
}

sq_vec_ws *sq_vec_ws_new(int ntiles)
{
    sq_vec_ws *w = sq_calloc(1, sizeof *w);
    if (w == NULL)
        return NULL;
    w->tiles = sq_calloc((size_t)ntiles, sizeof *w->tiles);
    if (w->tiles == NULL) {
        sq_free(w);
        return NULL;
    }
    w->ntiles = ntiles;
    return w;
}

/* Tiles for n threads. */
static int ws_tiles(sq_vec_ws *w, int n)
{
    if (n <= w->ntiles)
        return 0;
    tile *t = sq_calloc((size_t)n, sizeof *t);
    if (t == NULL)
        return -1;
    memcpy(t, w->tiles, (size_t)w->ntiles * sizeof *t);
    sq_free(w->tiles);
    w->tiles = t;
    w->ntiles = n;
    return 0;
}

void sq_vec_ws_free(sq_vec_ws *w)
{
    if (w == NULL)
        return;
    sq_free(w->block);
    sq_free(w->tot);
    sq_free(w->twhere);
    sq_free(w->tbad);
    for (int i = 0; i < w->ntiles; i++) {
        tile *t = &w->tiles[i];
        sq_free(t->cc);
        sq_free(t->kind);
        sq_free(t->pid);
        sq_free(t->y);
        sq_free(t->tmp);
        sq_eval_scratch_free(&t->es);
    }
    sq_free(w->tiles);
    sq_free(w);
}

size_t sq_vec_ws_bytes(const sq_vec_ws *w)
{
    if (w == NULL)
        return 0;
    size_t b = sizeof *w + w->cap * (3 * sizeof(double) + 1 + sizeof(size_t) + sizeof(weight)
                                     + 3 * w->K * sizeof(double))
               + 6 * w->kcap * sizeof(double);
    for (int i = 0; i < w->ntiles; i++) {
        const tile *t = &w->tiles[i];
        b += sizeof *t + t->cap * t->rows * (4 + t->kcap) * sizeof(double)
             + t->cap * 40 * sizeof(double) + t->tcap * sizeof(double);
    }
    return b;
}

/* Room for `need` intervals of K components: the per-interval arrays in
 * one block (the doubles first, then the indices, the weights, the flags),
 * what is there carried over. */
static int ws_reserve(sq_vec_ws *w, size_t need, size_t K)
{
    if (K != w->K) {
        /* Another K: the arrays change shape; nothing is carried over. */
        sq_free(w->block);
        w->block = NULL;
        w->cap = w->n = w->nfresh = 0;
        w->K = K;
    }
    if (K > w->kcap) {
        double *t = sq_alloc_array(6 * K, sizeof *t);
        if (t == NULL)
            return -1;
        sq_free(w->tot);
        w->tot = t;
        w->kcap = K;
    }
    if (need <= w->cap)
        return 0;
    size_t cap = w->cap ? w->cap : 64;
    while (cap < need)
        cap *= 2;
    /* c, h, w, then val, err, rabs (K each): doubles; fresh; order; stuck.
     * Each size is a multiple of 8 bytes but the flags', which come last. */
    size_t each = (3 + 3 * K) * sizeof(double) + sizeof(size_t) + sizeof(weight) + 1;
    char *b = sq_alloc_array(cap, each);
    if (b == NULL)
        return -1;
    double *d = (double *)b;
    size_t *fresh = (size_t *)(d + (3 + 3 * K) * cap);
    weight *order = (weight *)(fresh + cap);
    uint8_t *stuck = (uint8_t *)(order + cap);
    double *c = d, *h = d + cap, *wt = d + 2 * cap, *val = d + 3 * cap;
    double *err = val + K * cap, *rabs = err + K * cap;
    if (w->n > 0) {
        memcpy(c, w->c, w->n * sizeof *c);
        memcpy(h, w->h, w->n * sizeof *h);
        memcpy(val, w->val, w->n * K * sizeof *val);
        memcpy(err, w->err, w->n * K * sizeof *err);
        memcpy(rabs, w->rabs, w->n * K * sizeof *rabs);
        memcpy(stuck, w->stuck, w->n);
    }
    if (w->nfresh > 0)
        memcpy(fresh, w->fresh, w->nfresh * sizeof *fresh);
    sq_free(w->block);
    w->block = b;
    w->c = c;
    w->h = h;
    w->w = wt;
    w->val = val;
    w->err = err;
    w->rabs = rabs;
    w->fresh = fresh;
    w->order = order;
    w->stuck = stuck;
    w->cap = cap;
    return 0;
}

/* ---- one problem ------------------------------------------------------------- */

static int cmp_double(const void *p, const void *q)
{
    double a = *(const double *)p, b = *(const double *)q;
    return (a > b) - (a < b);
}

/* Heaviest first; ties by slot, so that the order is a function of the
 * problem alone. */
static int cmp_weight(const void *p, const void *q)
{
    const weight *x = p, *y = q;
    if (x->w != y->w)
        return x->w > y->w ? -1 : 1;
    return (x->s > y->s) - (x->s < y->s);
}

/* The norms of the values and the errors, and the tolerance the errors'
 * norm must meet. */
static void norms(const vprob *ps, const double *I, const double *E,
                  double *vnorm, double *enorm, double *tol)
{
    size_t K = ps->c->K;
    double vn = 0, en = 0;
    if (ps->c->o->norm == SQ_NORM_L2) {
        for (size_t k = 0; k < K; k++) {
            vn += I[k] * I[k];
            en += E[k] * E[k];
        }
        vn = sqrt(vn);
        en = sqrt(en);
    } else {
        for (size_t k = 0; k < K; k++) {
            vn = fabs(I[k]) > vn ? fabs(I[k]) : vn;
            en = E[k] > en ? E[k] : en;
        }
    }
    *vnorm = vn;
    *enorm = en;
    *tol = sq_tolerance(ps->epsabs, ps->epsrel, vn);
}

/* Each component's share of the tolerance: what its error must meet. */
static void shares(const vprob *ps, const double *I, double *T)
{
    size_t K = ps->c->K;
    double vn, en, tol;
    switch (ps->c->o->norm) {
    case SQ_NORM_MAX:
        norms(ps, I, I, &vn, &en, &tol);
        for (size_t k = 0; k < K; k++)
            T[k] = tol;
        break;
    case SQ_NORM_L2:
        norms(ps, I, I, &vn, &en, &tol);
        for (size_t k = 0; k < K; k++)
            T[k] = tol / sqrt((double)K);
        break;
    default:
        for (size_t k = 0; k < K; k++)
            T[k] = sq_tolerance(ps->epsabs, ps->epsrel, I[k]);
        break;
    }
}

static int converged(const vprob *ps, const double *I, const double *E)
{
    size_t K = ps->c->K;
    if (ps->c->o->norm == SQ_NORM_COMPONENTS) {
        for (size_t k = 0; k < K; k++)
            if (!(E[k] <= sq_tolerance(ps->epsabs, ps->epsrel, I[k])))
                return 0;
        return 1;
    }
    double vn, en, tol;
    norms(ps, I, E, &vn, &en, &tol);
    return en <= tol;
}

/* The totals of every component over the intervals, in slot order (I, E
 * and their compensations are distinct parts of w->tot). */
static void totals(sq_vec_ws *w, double *restrict I, double *restrict E)
{
    size_t K = w->K;
    double *restrict ic = w->tot + K, *restrict ec = w->tot + 3 * K;
    for (size_t k = 0; k < K; k++)
        I[k] = ic[k] = E[k] = ec[k] = 0;
    /* Neumaier's sums (sq_sum_add) with selects for its branch, so that
     * the loop over the components vectorizes; the same bits. */
    for (size_t s = 0; s < w->n; s++) {
        const double *restrict v = w->val + s * K, *restrict e = w->err + s * K;
        for (size_t k = 0; k < K; k++) {
            double t = I[k] + v[k], u = E[k] + e[k];
            ic[k] += fabs(I[k]) >= fabs(v[k]) ? (I[k] - t) + v[k] : (v[k] - t) + I[k];
            ec[k] += fabs(E[k]) >= fabs(e[k]) ? (E[k] - u) + e[k] : (e[k] - u) + E[k];
            I[k] = t;
            E[k] = u;
        }
    }
    for (size_t k = 0; k < K; k++) {
        I[k] += ic[k];
        E[k] += ec[k];
    }
}

/* Whether an interval in t can still be halved: its halves' centres and
 * nodes must be distinct doubles. */
static int splittable(double c, double h)
{
    double q = 0.5 * h;
    return q > 0 && q >= 1024 * DBL_EPSILON * fabs(c) && q >= 1024 * DBL_MIN;
}

/*
 * Choose the intervals to split (into w->fresh, nfresh of them): the
 * heaviest first, until the errors left would meet half the tolerance.
 * An interval whose every error is at QUADPACK's rounding floor (50 eps
 * of its |f| integral, so halving cannot lower it) weighs nothing.
 */
static size_t select_splits(vprob *ps, const double *I, const double *E,
                            int everything)
{
    sq_vec_ws *w = ps->w;
    size_t K = w->K;
    double *T = w->tot + 4 * K;   /* free here: see solve */
    double *R = w->tot + 5 * K;
    double *ic = w->tot + K;      /* the totals' compensations, spent */
    shares(ps, I, T);
    /* The error splitting can remove, per component (R): what is not at
     * the rounding floor. A component that is not met and cannot be met
     * by splitting (what would be left is above half its share, and is
     * most of its error already) is limited by rounding; it neither weighs
     * nor is waited for. */
    for (size_t k = 0; k < K; k++)
        R[k] = 0;
    for (size_t s = 0; s < w->n; s++) {
        if (w->stuck[s])
            continue;
        const double *e = w->err + s * K, *ra = w->rabs + s * K;
        for (size_t k = 0; k < K; k++)
            if (e[k] > 100 * DBL_EPSILON * ra[k])
                R[k] += e[k];
    }
    int any = 0;
    for (size_t k = 0; k < K; k++) {
        int met = E[k] <= T[k];
        int limited = !met && E[k] - R[k] > 0.5 * T[k] && R[k] <= E[k] - R[k];
        ic[k] = everything || (!met && !limited) ? 1 : 0;   /* wanted */
        any |= ic[k] != 0;
    }
    if (ps->c->o->norm != SQ_NORM_COMPONENTS && !any) {
        /* The norm may fail while every share is met: all are wanted. */
        for (size_t k = 0; k < K; k++)
            any |= (int)(ic[k] = R[k] > 0);
    }
    if (!any)
        return 0;
    /* Weights by multiplication: 1 / T once per component (a zero share
     * makes any error infinitely heavy). */
    for (size_t k = 0; k < K; k++)
        R[k] = T[k] > 0 ? 1 / T[k] : INFINITY;
    size_t ncand = 0;
    for (size_t s = 0; s < w->n; s++) {
        double wt = 0;
        if (!w->stuck[s]) {
            const double *e = w->err + s * K, *ra = w->rabs + s * K;
            for (size_t k = 0; k < K; k++) {
                if (ic[k] == 0 || (!(e[k] > 100 * DBL_EPSILON * ra[k]) && !everything))
                    continue;
                double r = e[k] > 0 ? e[k] * R[k] : 0;
                wt = r > wt ? r : wt;
            }
            if (everything)
                wt = wt > 0 ? wt : 1;
        }
        if (wt > 0) {
            w->order[ncand].w = wt;
            w->order[ncand++].s = s;
        }
    }
    if (ncand == 0)
        return 0;
    qsort(w->order, ncand, sizeof *w->order, cmp_weight);
    if (everything) {
        for (size_t i = 0; i < ncand; i++)
            w->fresh[i] = w->order[i].s;
        return ncand;
    }
    /* Heaviest first, until every wanted component's error left is at
     * most half its share. */
    for (size_t k = 0; k < K; k++)
        R[k] = E[k];
    size_t nsel = 0;
    while (nsel < ncand) {
        size_t s = w->order[nsel++].s;
        const double *e = w->err + s * K;
        int left = 0;
        for (size_t k = 0; k < K; k++) {
            R[k] -= e[k];
            left |= ic[k] != 0 && R[k] > 0.5 * T[k];
        }
        if (ps->c->o->norm == SQ_NORM_L2 && left) {
            double r2 = 0, t2 = 0;
            for (size_t k = 0; k < K; k++) {
                double r = R[k] > 0 ? R[k] : 0;
                r2 += r * r;
                t2 += T[k] * T[k];
            }
            left = r2 > 0.25 * t2;
        }
        if (!left)
            break;
    }
    for (size_t i = 0; i < nsel; i++)
        w->fresh[i] = w->order[i].s;
    return nsel;
}

/* Set up the problem's first intervals over [a, b] (a < b) in t. */
static int start(vprob *ps, double a, double b, const double *points,
                 size_t npoints)
{
    sq_vec_ws *w = ps->w;
    sq_range_map rm;
    double t0, t1;
    (void)sq_range_map_for(a, b, &rm, &t0, &t1);
    ps->map = rm.kind;
    ps->origin = rm.origin;
    ps->scale = rm.scale;
    w->n = w->nfresh = 0;
    if (ws_reserve(w, npoints + 2, ps->c->K) != 0)
        return -1;
    /* The pieces' ends in t, sorted, into w->w (free until selection). */
    double *tp = w->w;
    size_t np = 0;
    tp[np++] = t0;
    for (size_t i = 0; i < npoints; i++)
        if (points[i] > a && points[i] < b) {
            tp[np++] = sq_range_to_t(&rm, points[i]);   /* lower map: t falls as x grows */
        }
    tp[np++] = t1;
    qsort(tp + 1, np - 2, sizeof *tp, cmp_double);
    for (size_t i = 0; i + 1 < np; i++) {
        if (!(tp[i + 1] > tp[i]))
            continue;       /* repeated points */
        size_t s = w->n++;
        w->h[s] = 0.5 * tp[i + 1] - 0.5 * tp[i];
        w->c[s] = tp[i] + w->h[s];
        w->stuck[s] = 0;
        w->fresh[w->nfresh++] = s;
    }
    return 0;
}

/*
 * Integrate one problem: values and errors (K each, for [a, b] with a < b),
 * its whole in *res. The intervals live in ps->w.
 */
static void solve(vprob *ps, double a, double b, const double *points,
                  size_t npoints, double *values, double *errors,
                  sq_result *res)
{
    const vcall *c = ps->c;
    sq_vec_ws *w = ps->w;
    size_t K = c->K, rows = sq_gk_rows(c->rule);
    memset(res, 0, sizeof *res);
    res->where = NAN;
    if (start(ps, a, b, points, npoints) != 0) {
        for (size_t k = 0; k < K; k++) {
            values[k] = NAN;
            errors[k] = INFINITY;
        }
        res->value = NAN;
        res->error = INFINITY;
        res->status = SQ_NOMEM;
        return;
    }
    double *I = w->tot, *E = w->tot + 2 * K;
    double *PI = values, *PE = errors;   /* the last good totals */
    for (size_t k = 0; k < K; k++) {
        PI[k] = NAN;
        PE[k] = INFINITY;
    }
    sq_status st = SQ_STATUS_COUNT;
    int seen = 0;                        /* a value other than zero */
    for (;;) {
        double where = NAN;
        sq_status r = sq_vec_round(ps, &where);
        res->rounds++;
        res->evals += w->nfresh * rows;
        res->intervals += w->nfresh;
        if (r != SQ_STATUS_COUNT) {
            st = r;
            res->where = where;
            break;
        }
        totals(w, I, E);
        memcpy(PI, I, K * sizeof *PI);
        memcpy(PE, E, K * sizeof *PE);
        if (c->o->trace != NULL && ps->master) {
            sq_round_info info = {res->rounds, w->nfresh, w->nfresh * rows, 1};
            c->o->trace(&info, c->o->trace_ctx);
        }
        /* Nothing seen yet (every value zero): halve everything for a few
         * rounds before zeros are believed, as the scalar engine does. */
        int all_zero = !c->x_free && !seen;
        for (size_t s = 0; all_zero && s < w->n * K; s++)
            all_zero = w->rabs[s] == 0;
        seen = !all_zero;
        if (!all_zero && converged(ps, I, E)) {
            st = SQ_OK;
            break;
        }
        if (all_zero && res->rounds > ZERO_LOOK) {
            st = SQ_UNSEEN;
            for (size_t k = 0; k < K; k++)
                PE[k] = INFINITY;
            break;
        }
        if (sq_monitor_poll(&ps->c->mon, ps->master)) {
            st = SQ_CANCELLED;
            break;
        }
        if (res->evals >= c->o->max_evals) {
            st = SQ_MAX_EVALS;
            break;
        }
        size_t nsel = select_splits(ps, I, E, all_zero);
        if (nsel == 0) {
            st = SQ_ROUNDOFF;
            break;
        }
        if (w->n + nsel > c->o->max_intervals) {
            st = SQ_MAX_INTERVALS;
            break;
        }
        /* select_splits put the chosen slots in w->fresh; reserve keeps
         * them. */
        w->nfresh = nsel;
        if (ws_reserve(w, w->n + nsel, K) != 0) {
            st = SQ_NOMEM;
            break;
        }
        for (size_t i = 0; i < nsel; i++) {
            size_t s = w->fresh[i], t = w->n++;
            double h = 0.5 * w->h[s];
            w->c[t] = w->c[s] + h;
            w->h[t] = h;
            w->c[s] -= h;
            w->h[s] = h;
            w->stuck[s] = w->stuck[t] = !splittable(w->c[s], h);
            w->fresh[nsel + i] = t;
        }
        w->nfresh = 2 * nsel;
        /* Evaluate in position order of the slots: a function of the
         * problem alone either way, this keeps tiles' memory local. */
    }
    res->status = st;
    double vn, en, tol;
    norms(ps, PI, PE, &vn, &en, &tol);
    res->value = vn;
    res->error = en;
    if (st != SQ_NONFINITE)
        res->where = NAN;
}

/* ---- entry points ------------------------------------------------------------ */

static void fail_all(size_t n, size_t K, double *values, double *errors,
                     sq_result *res, sq_status st, const char *detail)
{
    for (size_t i = 0; i < n; i++) {
        memset(&res[i], 0, sizeof res[i]);
        res[i].value = st == SQ_OK ? 0 : NAN;
        res[i].error = st == SQ_OK ? 0 : INFINITY;
        res[i].where = NAN;
        res[i].status = st;
        res[i].detail = detail;
        for (size_t k = 0; values != NULL && k < K; k++)
            values[i * K + k] = res[i].value;
        for (size_t k = 0; errors != NULL && k < K; k++)
            errors[i * K + k] = res[i].error;
    }
}

/* Problem i of the batch, on the thread's slot. */
static void problem_body(size_t i, int slot, void *ctx)
{
    vcall *c = ctx;
    const sq_batch *b = c->b;
    size_t K = c->K;
    double *values = c->values + i * K, *errors = c->errors + i * K;
    sq_result *res = &c->res[i];
    double lo = b->a[i], hi = b->b[i];
    double ea = b->epsabs ? b->epsabs[i] : c->o->epsabs;
    double er = b->epsrel ? b->epsrel[i] : c->o->epsrel;
    const char *bad = isnan(lo)                    ? "a: NaN"
                      : isnan(hi)                  ? "b: NaN"
                      : !sq_tolerance_valid(ea)    ? "epsabs: must be finite and >= 0"
                      : !sq_tolerance_valid(er)    ? "epsrel: must be finite and >= 0"
                      : ea == 0 && er == 0         ? "epsabs, epsrel: both zero"
                                                   : NULL;
    if (bad != NULL) {
        fail_all(1, K, values, errors, res, SQ_BAD_INPUT, bad);
        sq_monitor_add_done(&c->mon, 1);
        return;
    }
    if (lo == hi) {
        fail_all(1, K, values, errors, res, SQ_OK, NULL);
        sq_monitor_add_done(&c->mon, 1);
        return;
    }
    if (atomic_load(&c->mon.cancel)) {
        fail_all(1, K, values, errors, res, SQ_CANCELLED, NULL);
        return;
    }
    int reversed = lo > hi;
    vprob ps;
    memset(&ps, 0, sizeof ps);
    ps.c = c;
    ps.w = c->slots[slot];
    ps.uid = i;
    ps.epsabs = ea;
    ps.epsrel = er;
    ps.master = slot == 0;
    ps.tile_threads = b->n == 1 ? c->threads : 1;
    const double *pts = b->points != NULL ? b->points + i * b->npoints : c->o->points;
    size_t npts = b->points != NULL ? b->npoints : c->o->npoints;
    double *pbuf = NULL;
    if (ws_tiles(ps.w, ps.tile_threads) != 0) {
        fail_all(1, K, values, errors, res, SQ_NOMEM, NULL);
        return;
    }
    if (pts != NULL && npts > 0) {
        /* Rows may hold NaN or points outside the range: kept out. */
        pbuf = sq_alloc_array(npts, sizeof *pbuf);
        if (pbuf == NULL) {
            fail_all(1, K, values, errors, res, SQ_NOMEM, NULL);
            return;
        }
        size_t m = 0;
        double l = reversed ? hi : lo, h = reversed ? lo : hi;
        for (size_t k = 0; k < npts; k++)
            if (pts[k] > l && pts[k] < h)
                pbuf[m++] = pts[k];
        npts = m;
    }
    solve(&ps, reversed ? hi : lo, reversed ? lo : hi, pbuf, npts, values,
          errors, res);
    sq_free(pbuf);
    if (reversed)
        for (size_t k = 0; k < K; k++)
            values[k] = -values[k];
    sq_monitor_add_done(&c->mon, 1);
}

/* The scalar integrand a vector integrand of one component is. */
typedef struct scalar_of {
    const sq_vec_integrand *f;
} scalar_of;

static int param_one(size_t n, const double *x, const size_t *pid, double *y,
                     void *ctx)
{
    const scalar_of *s = ctx;
    return s->f->fn(n, x, pid, 1, y, s->f->ctx);
}

static int point_one(double x, double *y, void *ctx)
{
    const scalar_of *s = ctx;
    return s->f->point(x, 1, y, s->f->ctx);
}

/* Nonzero (and *g set) if f with K = 1 is a scalar integrand. */
static int as_scalar(const sq_vec_integrand *f, scalar_of *s, sq_integrand *g)
{
    s->f = f;
    memset(g, 0, sizeof *g);
    switch (f->kind) {
    case SQ_VEC_CALLBACK:
        *g = sq_fn_param(param_one, s);
        return 1;
    case SQ_VEC_POINT:
        *g = sq_fn_point(point_one, s);
        return 1;
    case SQ_VEC_EXPR:
        *g = sq_fn_expr(f->expr, f->params);
        return 1;
    case SQ_VEC_MOMENTS:
    case SQ_VEC_COSINE:
        *g = f->base;      /* x^0 f = cos(0) f = f */
        return 1;
    default:
        return 0;
    }
}

sq_status sq_integrate_vec_batch(sq_workspace *ws, const sq_vec_integrand *f,
                                 const sq_batch *batch, const sq_options *opt,
                                 double *values, double *errors,
                                 sq_result *results)
{
    if (batch == NULL || f == NULL
        || (batch->n > 0 && (results == NULL || values == NULL || errors == NULL)))
        return SQ_BAD_INPUT;
    sq_options defaults;
    if (opt == NULL) {
        sq_options_init(&defaults);
        opt = &defaults;
    }
    size_t n = batch->n, K = f->K;
    const char *bad = check_vec(f, batch, opt, 0);
    if (bad == NULL && n > 0 && (batch->a == NULL || batch->b == NULL))
        bad = "batch: a or b is NULL";
    if (bad == NULL && batch->npoints > 0 && batch->points == NULL)
        bad = "batch: points is NULL with npoints > 0";
    if (bad == NULL && batch->epsabs == NULL && batch->epsrel == NULL
        && opt->epsabs == 0 && opt->epsrel == 0)
        bad = "epsabs, epsrel: both zero";
    if (bad != NULL) {
        fail_all(n, K <= SQ_VEC_MAX_COMPONENTS ? K : 0, values, errors, results,
                 SQ_BAD_INPUT, bad);
        return SQ_BAD_INPUT;
    }
    scalar_of so;
    sq_integrand g;
    if (K == 1 && as_scalar(f, &so, &g)) {
        sq_status st = sq_integrate_batch(ws, &g, batch, opt, results);
        for (size_t i = 0; i < n; i++) {
            values[i] = results[i].value;
            errors[i] = results[i].error;
        }
        return st;
    }

    vcall c;
    memset(&c, 0, sizeof c);
    c.f = f;
    c.o = opt;
    c.b = batch;
    c.K = K;
    sq_math m = SQ_MATH_SLEEF_U10;
    (void)sq_dispatch(opt->isa, opt->math, &c.ops, &m);   /* checked */
    c.rule = opt->rule == SQ_RULE_GK15 ? &sq_gk15 : &sq_gk21;
    c.errkind = opt->errest == SQ_ERREST_RAW        ? SQ_GK_ERROR_RAW
                : opt->errest == SQ_ERREST_QUADPACK ? SQ_GK_ERROR_QUADPACK
                                                    : SQ_GK_ERROR_NULL;
    c.threads = sq_threads_for(opt->threads);
    c.workers = opt->workers > 0 ? opt->workers : sq_default_threads();
    c.values = values;
    c.errors = errors;
    c.res = results;
    sq_pace own_pace = {0};
    c.pace = ws != NULL ? sq_workspace_pace(ws) : &own_pace;
    if (f->kind == SQ_VEC_EXPR) {
        c.ev.ops = c.ops;
        c.ev.vm = sq_expr_vm(f->expr);
        c.ev.vm_run = c.ops->vm[m];
        c.nparams = sq_expr_nparams(f->expr);
        c.params = batch->params != NULL ? batch->params : f->params;
        c.pstride = batch->params != NULL ? batch->nparams : 0;
        c.x_free = !sq_expr_uses_x(f->expr);
    } else if (f->kind != SQ_VEC_CALLBACK && f->kind != SQ_VEC_POINT) {
        c.ev = sq_evaluator_of(&f->base, batch, opt);
        c.x_free = f->base.kind == SQ_INTEGRAND_EXPR && !sq_expr_uses_x(f->base.expr);
    }
    sq_monitor_start(&c.mon, opt->progress, opt->progress_ctx, n);
    /* Expensive integrands: one problem at a time, its points over the
     * workers. Otherwise the problems over the threads, or a single
     * problem's tiles. */
    int over_problems = f->kind == SQ_VEC_POINT ? 1 : c.threads;
    if (sq_workspace_vec_slots(ws, c.threads, &c.slots) != 0) {
        fail_all(n, K, values, errors, results, SQ_NOMEM, NULL);
        sq_monitor_end(&c.mon);
        return n > 0 ? SQ_NOMEM : SQ_OK;
    }
    if (n == 1)
        problem_body(0, 0, &c);
    else
        sq_parallel_for_paced(c.pace, n, over_problems, problem_body, &c);
    sq_workspace_vec_done(ws, c.slots, c.threads);
    sq_monitor_end(&c.mon);
    sq_status worst = SQ_OK;
    for (size_t i = 0; i < n; i++)
        worst = sq_status_worse(worst, results[i].status);
    return worst;
}

sq_status sq_integrate_vec(sq_workspace *ws, const sq_vec_integrand *f,
                           double a, double b, const sq_options *opt,
                           double *values, double *errors, sq_result *res)
{
    if (res == NULL || values == NULL || errors == NULL)
        return SQ_BAD_INPUT;
    sq_options defaults;
    if (opt == NULL) {
        sq_options_init(&defaults);
        opt = &defaults;
    }
    const char *bad = check_vec(f, NULL, opt, 1);
    if (bad == NULL && opt->npoints > 0) {
        double lo = a < b ? a : b, hi = a < b ? b : a;
        for (size_t i = 0; i < opt->npoints && bad == NULL; i++)
            if (!isfinite(opt->points[i]))
                bad = "points: not finite";
            else if (opt->points[i] < lo || opt->points[i] > hi)
                bad = "points: outside [a, b]";
    }
    if (bad != NULL) {
        size_t K = f != NULL && f->K <= SQ_VEC_MAX_COMPONENTS ? f->K : 0;
        fail_all(1, K, values, errors, res, SQ_BAD_INPUT, bad);
        return SQ_BAD_INPUT;
    }
    sq_batch one = {.n = 1, .a = &a, .b = &b};
    return sq_integrate_vec_batch(ws, f, &one, opt, values, errors, res);
}
