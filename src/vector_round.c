/* SPDX-License-Identifier: MIT */
/*
 * A round of the vector engine: the fresh intervals in tiles of a fixed
 * size (so threads never change a bit). Per tile: the nodes (node-major,
 * as the scalar engine lays them out), one evaluation that fills K blocks
 * of values (component-major: y[k * n + i]; the moment and Fourier
 * families expand f straight into the estimate's layout), then one
 * Gauss-Kronrod estimate over all K m columns, component-major, so that
 * vector lanes are full even when the round has a single interval; the
 * values, errors and |f| integrals land in the problem's slots.
 */
#include <math.h>
#include <string.h>

#include "vector.h"

/* A tile of up to `ld` intervals (a multiple of the vector length) of K
 * components and `rows` nodes each; `tcap` doubles for point workers. */
static int tile_reserve(tile *t, size_t ld, size_t K, size_t rows, size_t tcap)
{
    if (ld <= t->cap && K <= t->kcap && rows <= t->rows && tcap <= t->tcap)
        return 0;
    size_t cap = ld > t->cap ? ld : t->cap;
    size_t kc = K > t->kcap ? K : t->kcap;
    size_t rw = rows > t->rows ? rows : t->rows;
    size_t nn = cap * rw;
    size_t nout = sizeof t->outv / sizeof t->outv[0];
    size_t kl = kc * cap;
    /* cc, hh, org, scl: cap each; the outputs, kc and kh: kl each; x, jac,
     * fb: nn each. */
    double *m = sq_alloc_array(4 * cap + (2 + nout) * kl + 3 * nn, sizeof *m);
    int64_t *kind = sq_alloc_array(cap + kl, sizeof *kind);
    size_t *pid = sq_alloc_array(nn, sizeof *pid);
    double *y = sq_alloc_array(nn, 2 * kc * sizeof *y);
    double *tmp = tcap > 0 ? sq_alloc_array(tcap, sizeof *tmp) : NULL;
    sq_eval_scratch es;
    memset(&es, 0, sizeof es);
    int es_bad = sq_eval_scratch_init(&es, rw, cap) != 0;
    if (!m || !kind || !pid || !y || (tcap > 0 && !tmp) || es_bad) {
        sq_free(m);
        sq_free(kind);
        sq_free(pid);
        sq_free(y);
        sq_free(tmp);
        sq_eval_scratch_free(&es);
        return -1;
    }
    sq_free(t->cc);
    sq_free(t->kind);
    sq_free(t->pid);
    sq_free(t->y);
    sq_free(t->tmp);
    sq_eval_scratch_free(&t->es);
    t->cc = m;
    t->hh = m + cap;
    t->org = m + 2 * cap;
    t->scl = m + 3 * cap;
    for (size_t i = 0; i < nout; i++)
        t->outv[i] = m + 4 * cap + i * kl;
    t->kc = m + 4 * cap + nout * kl;
    t->kh = t->kc + kl;
    t->x = t->kh + kl;
    t->jac = t->x + nn;
    t->fb = t->jac + nn;
    t->kind = kind;
    t->bad = kind + cap;
    t->pid = pid;
    t->y = y;
    t->ye = y + nn * kc;
    t->tmp = tmp;
    t->es = es;
    t->cap = cap;
    t->kcap = kc;
    t->rows = rw;
    t->tcap = tcap;
    return 0;
}

/* ---- evaluation --------------------------------------------------------------- */

/*
 * The moment and Fourier families: from f (fb, times the Jacobian when
 * jac is not NULL) at the nodes x of m intervals (rows x ld), component k
 * of interval i at row r into ye[r * LD + k * m + i], the estimate's
 * layout. Component k is x^k f, cos(k w x) f or sin((k + 1) w x) f.
 */
static void expand(const vcall *c, size_t m, size_t ld, size_t LD, size_t rows,
                   const double *x, const double *fb, const double *jac,
                   double *ye)
{
    size_t K = c->K;
    double om = c->f->omega;
    int sine = c->f->kind == SQ_VEC_SINE;
    if (c->f->kind == SQ_VEC_MOMENTS) {
        c->ops->gk->moments(rows, m, ld, LD, K, x, fb, jac, ye);
        return;
    }
    for (size_t r = 0; r < rows; r++) {
        const double *xv = x + r * ld, *fr = fb + r * ld;
        double *dst = ye + r * LD;
        double f[TILE_MAX];
        for (size_t i = 0; i < m; i++)
            f[i] = jac != NULL ? fr[i] * jac[r * ld + i] : fr[i];
        /* cos and sin of j w x by rotation from the last anchor, where
         * they are computed afresh; component k is the multiple j = k
         * (cosine) or k + 1 (sine). */
        for (size_t i = 0; i < m; i++) {
            double c1 = cos(om * xv[i]), s1 = sin(om * xv[i]);
            double cm = 1, sm = 0;
            for (size_t k = 0; k < K; k++) {
                size_t mult = k + (size_t)sine;
                if (mult % ANCHOR == 0 || mult == 1) {
                    double arg = ((double)mult * om) * xv[i];
                    cm = mult == 0 ? 1.0 : mult == 1 ? c1 : cos(arg);
                    sm = mult == 0 ? 0.0 : mult == 1 ? s1 : sin(arg);
                } else {
                    double cn = cm * c1 - sm * s1;
                    sm = sm * c1 + cm * s1;
                    cm = cn;
                }
                dst[k * m + i] = (sine ? sm : cm) * f[i];
            }
        }
    }
}

typedef struct point_job {
    const vcall *c;
    const double *x;
    double *y, *tmp;
    size_t n, rows, m, ld;
    _Atomic int failed;
} point_job;

/* Point i of the real columns (j < m) of every row. */
static void point_body(size_t i, int slot, void *ctx)
{
    point_job *pj = ctx;
    size_t K = pj->c->K;
    size_t p = (i / pj->m) * pj->ld + i % pj->m;
    double *t = pj->tmp + (size_t)slot * K;
    if (pj->c->f->point(pj->x[p], K, t, pj->c->f->ctx) != 0) {
        atomic_store(&pj->failed, 1);
        for (size_t k = 0; k < K; k++)
            t[k] = NAN;
    }
    for (size_t k = 0; k < K; k++)
        pj->y[k * pj->n + p] = t[k];
}

/* Fill t->y (K blocks of rows * ld values) for the m intervals of a tile
 * whose nodes are in t->x. Returns nonzero if a callback failed. */
static int evaluate(const vprob *ps, tile *t, size_t m, size_t ld, size_t rows)
{
    const vcall *c = ps->c;
    size_t n = rows * ld, K = c->K;
    switch (c->f->kind) {
    case SQ_VEC_CALLBACK:
        for (size_t i = 0; i < n; i++)
            t->pid[i] = ps->uid;
        return c->f->fn(n, t->x, t->pid, K, t->y, c->f->ctx) != 0;
    case SQ_VEC_POINT: {
        /* Every real point of the tile in flight at once; the padding
         * columns copy column 0's values, never evaluated twice. */
        point_job pj = {c, t->x, t->y, t->tmp, n, rows, m, ld, 0};
        sq_parallel_for(rows * m, c->workers, point_body, &pj);
        for (size_t k = 0; k < K; k++)
            for (size_t r = 0; r < rows; r++)
                for (size_t j = m; j < ld; j++)
                    t->y[k * n + r * ld + j] = t->y[k * n + r * ld];
        return atomic_load(&pj.failed);
    }
    case SQ_VEC_EXPR: {
        const double *p[SQ_MAX_PARAMS];
        for (size_t k = 0; k < c->nparams; k++) {
            double *col = t->es.par + k * t->es.pcap;
            for (size_t j = 0; j < ld; j++)
                col[j] = c->params[ps->uid * c->pstride + k];
            p[k] = col;
        }
        c->ev.vm_run(c->ev.vm, rows, ld, t->x, p, t->y);
        return 0;
    }
    default: {
        /* The families' common factor only; expand() does the rest. */
        size_t *uid = t->pid;
        for (size_t j = 0; j < ld; j++)
            uid[j] = ps->uid;
        return sq_eval_tile(&c->ev, rows, ld, t->x, uid, &t->es, t->fb) != 0;
    }
    }
}

typedef struct round_job {
    vprob *ps;
    size_t nfresh, per;            /* fresh intervals, per tile */
} round_job;

/* Tile q of the round: nodes, values, estimates, into the slots. */
static void tile_body(size_t q, int slot, void *ctx)
{
    round_job *rj = ctx;
    vprob *ps = rj->ps;
    const vcall *c = ps->c;
    sq_vec_ws *w = ps->w;
    tile *t = &w->tiles[slot];
    size_t lo = q * rj->per;
    size_t m = rj->nfresh - lo < rj->per ? rj->nfresh - lo : rj->per;
    size_t vlen = c->ops->vlen;
    size_t ld = (m + vlen - 1) / vlen * vlen;
    size_t rows = sq_gk_rows(c->rule), K = c->K;
    ps->tile_where[q] = NAN;
    ps->tile_bad[q] = 0;
    size_t tcap = c->f->kind == SQ_VEC_POINT ? (size_t)c->workers * K : 0;
    if (tile_reserve(t, ld, K, rows, tcap) != 0) {
        atomic_store(&ps->nomem, 1);
        return;
    }
    for (size_t i = 0; i < ld; i++) {
        size_t s = w->fresh[lo + (i < m ? i : 0)];
        t->cc[i] = w->c[s];
        t->hh[i] = w->h[s];
    }
    c->ops->gk->nodes(m, ld, c->rule, t->cc, t->hh, t->x);
    const double *jac = NULL;
    if (ps->map != SQ_MAP_NONE) {
        for (size_t j = 0; j < ld; j++) {
            t->kind[j] = ps->map;
            t->org[j] = ps->origin;
            t->scl[j] = ps->scale;
        }
        c->ops->gk->map(rows, ld, t->kind, t->org, t->scl, t->x, t->jac);
        jac = t->jac;
    }
    if (evaluate(ps, t, m, ld, rows) != 0) {
        atomic_store(&ps->failed, 1);
        return;
    }
    size_t n = rows * ld;
    sq_gk_out out = {
        t->outv[0], t->outv[1], t->outv[2], t->outv[3], t->outv[4], t->outv[5],
        t->bad, t->outv[6], t->outv[7], t->outv[8], t->outv[9], t->outv[10],
        {t->outv[11], t->outv[12], t->outv[13], t->outv[14]},
        t->outv[15], t->outv[16], t->outv[17], t->outv[18], t->outv[19]};
    /* One estimate over all K m columns, so that lanes are full however
     * few intervals the round has: the values transposed to the
     * estimate's layout, times the Jacobian. */
    size_t km = K * m, vl = c->ops->vlen;
    size_t LD = (km + vl - 1) / vl * vl;
    for (size_t j = 0, i = 0; j < LD; j++) {
        /* column j is interval i = j mod m (the padding: interval 0) */
        t->kc[j] = j < km ? t->cc[i] : t->cc[0];
        t->kh[j] = j < km ? t->hh[i] : t->hh[0];
        i = i + 1 == m ? 0 : i + 1;
    }
    int family = c->f->kind == SQ_VEC_MOMENTS || c->f->kind == SQ_VEC_COSINE
                 || c->f->kind == SQ_VEC_SINE;
    if (family)
        expand(c, m, ld, LD, rows, t->x, t->fb, jac, t->ye);
    for (size_t r = 0; r < rows; r++) {
        double *dst = t->ye + r * LD;
        const double *jr = jac != NULL ? jac + r * ld : NULL;
        for (size_t k = 0; k < K && !family; k++) {
            const double *src = t->y + k * n + r * ld;
            double *d = dst + k * m;
            if (jr != NULL)
                for (size_t i = 0; i < m; i++)
                    d[i] = src[i] * jr[i];
            else
                for (size_t i = 0; i < m; i++)
                    d[i] = src[i];
        }
        for (size_t j = km; j < LD; j++)
            dst[j] = dst[0];
    }
    size_t nbad = c->ops->gk->estimate(km, LD, c->rule, t->kc, t->kh, t->ye, NULL,
                                       c->errkind | SQ_GK_LEAN, &out);
    for (size_t k = 0; k < K; k++)
        for (size_t i = 0; i < m; i++) {
            size_t s = w->fresh[lo + i], j = k * m + i;
            /* The rounding of the nodes (the kernel's xerr) is added
             * outright, not in quadrature: it matters only at peaks far
             * from 0, where a shifted node is a real error. */
            double v = out.val[j], e = out.err[j] + out.xerr[j];
            w->val[s * K + k] = v;
            w->err[s * K + k] = e;
            w->rabs[s * K + k] = out.resabs[j];
            if (!isfinite(v) || !isfinite(e))
                nbad += out.bad[j] ? 0 : 1;
        }
    double where = NAN;
    if (nbad > 0) {
        ps->tile_bad[q] = 1;
        /* The leftmost node with a non-finite value in any component. */
        for (size_t k = 0; k < K; k++)
            for (size_t r = 0; r < rows; r++)
                for (size_t i = 0; i < m; i++)
                    if (!isfinite(t->ye[r * LD + k * m + i])
                        && !(t->x[r * ld + i] >= where))
                        where = t->x[r * ld + i];
    }
    ps->tile_where[q] = where;
}

sq_status sq_vec_round(vprob *ps, double *where)
{
    sq_vec_ws *w = ps->w;
    const vcall *c = ps->c;
    size_t K = c->K, nf = w->nfresh;
    size_t per = TILE_VALUES / K;
    per = per < 1 ? 1 : per > TILE_MAX ? TILE_MAX : per;
    if (c->f->kind == SQ_VEC_POINT)
        per = nf;                 /* every point of the round in flight */
    size_t ntiles = (nf + per - 1) / per;
    if (ntiles > w->tcap) {
        double *nw = sq_alloc_array(ntiles, sizeof *nw);
        int *nb = sq_alloc_array(ntiles, sizeof *nb);
        if (nw == NULL || nb == NULL) {
            sq_free(nw);
            sq_free(nb);
            return SQ_NOMEM;
        }
        sq_free(w->twhere);
        sq_free(w->tbad);
        w->twhere = nw;
        w->tbad = nb;
        w->tcap = ntiles;
    }
    double *tw = w->twhere;
    int *tb = w->tbad;
    ps->tile_where = tw;
    ps->tile_bad = tb;
    atomic_store(&ps->failed, 0);
    atomic_store(&ps->nomem, 0);
    round_job rj = {ps, nf, per};
    int threads = c->f->kind == SQ_VEC_POINT ? 1 : ps->tile_threads;
    sq_parallel_for_paced(c->pace, ntiles, threads, tile_body, &rj);
    sq_status st = SQ_STATUS_COUNT;
    if (atomic_load(&ps->nomem))
        st = SQ_NOMEM;
    else if (atomic_load(&ps->failed))
        st = SQ_CALLBACK_ABORT;
    else {
        *where = NAN;
        for (size_t q = 0; q < ntiles; q++)
            if (tb[q]) {
                st = SQ_NONFINITE;
                if (!(tw[q] >= *where))
                    *where = tw[q];
            }
    }
    return st;
}

