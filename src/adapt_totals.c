/* SPDX-License-Identifier: MIT */
/*
 * A problem's totals: after a round over its retired sums and its
 * intervals (sq_adapt_totals), and for a problem stopped between rounds,
 * over what it holds (sq_adapt_pending).
 */
#include "adapt.h"

typedef struct sum_job {
    const gstate *ps;
    const view *v;
    chunk_part *parts;
} sum_job;

/* The share of intervals lo..hi-1 of columns f in the totals, added to *t
 * and its compensations *ac, *ec, and to the largest node rounding *xmax. */
static inline void sum_range(double *const *f, size_t lo, size_t hi, totals *tp,
                             double *acp, double *ecp, double *xmaxp)
{
    totals t = *tp;
    double ac = *acp, ec = *ecp, xmax = *xmaxp;
    for (size_t k = lo; k < hi; k++) {
        double val = f[F_VAL][k], er = f[F_ERR][k];
        if (isnan(val)) {
            t.overflows += er == SQ_GK_OVERFLOW;
            t.unevaluated += er != SQ_GK_OVERFLOW;
            continue;
        }
        sq_sum_add(&t.area, &ac, val);
        sq_sum_add(&t.errsum, &ec, er);
        t.errsum_q += f[F_QE][k];
        t.hidden += er - f[F_RAW][k];
        t.missed += f[F_MISS][k];
        if (f[F_XF][k] > xmax)
            xmax = f[F_XF][k];
        t.resabs += f[F_RABS][k];
        if (!at_floor(er, f[F_RABS][k]))
            t.improvable += er;
        if (unresolved_at(f[F_RAW][k], f[F_RASC][k]))
            t.unresolved += f[F_RABS][k];
        if (er > t.maxerr) {
            t.maxerr = er;
            t.maxerr_width = 2 * f[F_H][k];
            t.maxerr_rabs = f[F_RABS][k];
            t.maxerr_at_end = isnan(f[F_NLE][k]) || isnan(f[F_NRE][k]);
        }
    }
    *tp = t;
    *acp = ac;
    *ecp = ec;
    *xmaxp = xmax;
}

/* The totals start from the retired sums. */
static inline totals retired_totals(const gstate *ps, double *ac, double *ec,
                                    double *xmax)
{
    totals t = {.maxerr = -1};
    t.resabs = ps->ret.rabs;
    t.area = ps->ret.sum;
    *ac = ps->ret.sumc;
    t.errsum = ps->ret.err;
    *ec = ps->ret.errc;
    t.errsum_q = ps->ret.err;
    *xmax = ps->ret.xmax;
    return t;
}

/* Chunk c's share of the totals: the first starts from the retired sums. */
SQ_ALWAYS_INLINE void sum_chunk(size_t c, size_t lo, size_t hi, void *ctx)
{
    const sum_job *j = ctx;
    chunk_part *pt = &j->parts[c];
    pt->ac = pt->ec = pt->xmax = 0;
    if (c == 0)
        pt->t = retired_totals(j->ps, &pt->ac, &pt->ec, &pt->xmax);
    else
        pt->t = (totals){.maxerr = -1};
    sum_range(j->v->f, lo, hi, &pt->t, &pt->ac, &pt->ec, &pt->xmax);
}

static inline totals totals_done(totals t, double ac, double ec, double xmax)
{
    t.area += ac;
    t.errsum += ec;
    t.xnode = 4 * xmax;
    t.errsum += t.xnode;
    return t;
}

/* The totals of ps over its retired sums and intervals lo..hi-1 of columns
 * f, in one loop. */
totals sq_adapt_totals_of(const gstate *ps, double *const *f, size_t lo, size_t hi)
{
    double ac, ec, xmax;
    totals t = retired_totals(ps, &ac, &ec, &xmax);
    sum_range(f, lo, hi, &t, &ac, &ec, &xmax);
    return totals_done(t, ac, ec, xmax);
}

/*
 * A problem's totals over its retired sums and its intervals, with
 * compensated sums in position order (chunk by chunk, see
 * sq_adapt_chunks).
 *
 * QUADPACK's heuristics for divergence (diverges) read its own estimates
 * (errsum_q): the honest error of the interval at a singularity of x^-0.9
 * exceeds the whole integral long before extrapolation has found the
 * limit, which would look like divergence to them.
 *
 * The rounding of the nodes (F_XF, see gk_estimate) is not a sum over
 * intervals: the roundings repeat from interval to interval (the same low
 * bits of h xgk[i] around centres with trailing zeros) and cancel over a
 * long smooth range, as cos on [0, 1e5] shows, where a sum would exceed
 * the true error a thousand times. What does not cancel is a peak whose
 * curvature dwarfs its neighbours': 4 times the largest interval's term
 * covers it.
 */
totals sq_adapt_totals(engine *e, const gstate *ps, const view *v)
{
    size_t nch = sq_gk_nchunks(v->n);
    if (nch <= 1)
        return sq_adapt_totals_of(ps, v->f, 0, v->n);   /* most problems */
    chunk_part *parts = sq_adapt_parts(e->w, v->n);
    sum_job j = {ps, v, parts};
    sq_adapt_chunks(e, v->n, sum_chunk, &j);
    totals t = parts[0].t;
    double ac = parts[0].ac, ec = parts[0].ec, xmax = parts[0].xmax;
    for (size_t c = 1; c < nch; c++) {
        const totals *u = &parts[c].t;
        sq_sum_add(&t.area, &ac, u->area);
        ac += parts[c].ac;
        sq_sum_add(&t.errsum, &ec, u->errsum);
        ec += parts[c].ec;
        t.errsum_q += u->errsum_q;
        t.hidden += u->hidden;
        t.missed += u->missed;
        t.resabs += u->resabs;
        t.improvable += u->improvable;
        t.unresolved += u->unresolved;
        t.overflows += u->overflows;
        t.unevaluated += u->unevaluated;
        if (parts[c].xmax > xmax)
            xmax = parts[c].xmax;
        if (u->maxerr > t.maxerr) {
            t.maxerr = u->maxerr;
            t.maxerr_width = u->maxerr_width;
            t.maxerr_rabs = u->maxerr_rabs;
            t.maxerr_at_end = u->maxerr_at_end;
        }
    }
    return totals_done(t, ac, ec, xmax);
}

/* Best estimate of a problem stopped between rounds: its intervals, and the
 * parents of fresh intervals not yet evaluated (one per sibling pair). */
totals sq_adapt_pending(const struct sq_adapt_ws *w, const gstate *ps)
{
    totals t = {.area = ps->ret.sum, .errsum = ps->ret.err, .maxerr = -1};
    double ac = ps->ret.sumc, ec = ps->ret.errc;
    double xmax = ps->ret.xmax;
    for (size_t k = 0; k < ps->live_len; k++) {
        size_t i = ps->live_start + k;
        if (w->live->pid[i] & SQ_GK_GONE)
            continue;
        sq_sum_add(&t.area, &ac, w->live->f[F_VAL][i]);
        sq_sum_add(&t.errsum, &ec, w->live->f[F_ERR][i]);
        xmax = fmax(xmax, w->live->f[F_XF][i]);
        if (unresolved_at(w->live->f[F_RAW][i], w->live->f[F_RASC][i]))
            t.unresolved += w->live->f[F_RABS][i];
    }
    for (size_t k = 0, ns; k < ps->fresh_n; k += ns) {
        size_t i = ps->fresh_start + k;
        ns = sq_adapt_siblings(w->fresh, i, ps->fresh_n - k);
        if (ns < 2)
            continue;
        sq_sum_add(&t.area, &ac, w->fresh->f[F_PVAL][i]);
        sq_sum_add(&t.errsum, &ec, w->fresh->f[F_PERR][i]);
        t.unresolved += w->fresh->f[F_PUNR][i];
    }
    return totals_done(t, ac, ec, xmax);
}
