/* SPDX-License-Identifier: MIT */
/*
 * Jumps the rule cannot see: neighbour checks across the inside ends of
 * a problem's intervals, and probes just inside the ends of the range.
 */
#include "adapt.h"

/*
 * Jumps the rule cannot see. A Gauss-Kronrod rule never evaluates the ends
 * of an interval: between its outermost node and each end lies a margin of
 * blind * h where a jump would go unnoticed by the interval, and by its
 * neighbour on the other side of the end as well. Across every end, the
 * difference between the two neighbours' interpolants extrapolated to it,
 * less what their own inaccuracy explains (their errors per unit width,
 * times 4 for the extrapolation weights), bounds such a jump: it vanishes
 * for smooth f and for neighbours still too coarse to say anything. Each
 * interval's error is its rule's error plus its margins times those bounds,
 * recomputed every round from the current neighbours. A retired neighbour
 * leaves its last values behind (it never changes). Ends of the range and
 * breakpoints are not checked: discontinuities are expected there.
 *
 * Rounding sets a floor under any mismatch: the nodes themselves are
 * rounded to the ulp of the abscissa (1.5e-11 at 1e5, where cos moves by
 * as much), and the values to theirs. So each interval's allowance also
 * holds its slope, bounded by resasc / h^2, times 16 ulps of its end, and
 * 16 eps times its mean |f|; below that a mismatch is noise.
 *
 * An interval's share of the mismatch allowance at its ends (times 4 in
 * use) is its error per unit width and the rounding noise of its end
 * values, (F_RAW + 4 eps F_RABS) / (2h) + 4 ulp(|c| + h) F_RASC / h^2: the
 * rule's kernel computes it with the estimate (F_SL), once per interval.
 */

/* What a smooth f may move between the end and the probe, d away (its
 * slope, the larger of the interpolant's there, F_DL or F_DR as `side`
 * says, and resasc / h^2, times d), with the probe's own rounding: a jump
 * or kink must stand out from that to count. Where the null rules found
 * the interval unresolved (its error raised above QUADPACK's), the
 * interpolant says little about the end: the whole blind margin is
 * allowed for instead, so that an integrable singularity at the end is
 * left to bisection and extrapolation. */
static double probe_noise(double *const *f, size_t k, int side, double d,
                          double margin)
{
    double h = f[F_H][k];
    double slope = sq_fmax(f[F_RASC][k] / (h * h), f[side ? F_DR : F_DL][k]);
    double reach = f[F_RAW][k] > f[F_QE][k] ? margin : d;
    return slope * (reach + ulp_of(fabs(f[F_C][k]) + h))
           + 4 * DBL_EPSILON * f[F_RABS][k] / h;
}

typedef struct edges_job {
    const engine *e;
    const gstate *ps;
    const view *v;
    uint8_t *touched;
    double *sl;
} edges_job;

/* The rule's own error of the fresh intervals, before any bound; which
 * intervals have an end touching a fresh interval (between two intervals
 * kept from the last round nothing changed, and only intervals at such
 * ends get a new bound); and their slack. */
SQ_ALWAYS_INLINE void edges_prepare(size_t c, size_t lo, size_t hi, void *ctx)
{
    (void)c;
    const edges_job *j = ctx;
    const view *v = j->v;
    const uint8_t *fresh = v->fresh;
    double *raw = v->f[F_RAW], *sl = j->sl;
    const double *err = v->f[F_ERR], *val = v->f[F_VAL], *slack = v->f[F_SL];
    uint8_t *touched = j->touched;
    size_t n = v->n;
    for (size_t k = lo; k < hi; k++)
        if (fresh == NULL || fresh[k])
            raw[k] = err[k];
    if (fresh == NULL)
        memset(touched + lo, 1, hi - lo);
    else
        for (size_t r = lo; r < hi; r++)
            touched[r] = fresh[r] || (r > 0 && fresh[r - 1])
                         || (r + 1 < n && fresh[r + 1]);
    for (size_t r = lo; r < hi; r++)
        if (touched[r])
            sl[r] = isnan(val[r]) ? NAN : slack[r];
}

/* Across the end between r and r + 1: each side's extrapolation to it
 * and allowance, for the other. */
SQ_ALWAYS_INLINE void edge_pair(const edges_job *j, size_t r)
{
    const view *v = j->v;
    double *const *f = v->f;
    if (!is_fresh(v, r) && !is_fresh(v, r + 1))
        return;
    if (isnan(f[F_VAL][r]) || isnan(f[F_VAL][r + 1]))
        return;
    if (isnan(f[F_NRE][r]) || isnan(f[F_NLE][r + 1]))
        return;                  /* a breakpoint */
    double ar = f[F_C][r] + f[F_H][r], bl = f[F_C][r + 1] - f[F_H][r + 1];
    double far = fabs(ar) > fabs(bl) ? fabs(ar) : fabs(bl);
    if (fabs(ar - bl) > 16 * ulp_of(far))
        return;                  /* a retired interval lies between */
    f[F_NR][r] = f[F_EL][r + 1];
    f[F_NRE][r] = j->sl[r + 1];
    f[F_NL][r + 1] = f[F_ER][r];
    f[F_NLE][r + 1] = j->sl[r];
}

/* Interval r's error: its rule's (F_RAW), the mismatches at its ends that
 * its neighbours (or the probes) do not explain, and its witness's; sl is
 * its slack (F_SL), first and last say whether it is the problem's first
 * or last interval (where a probe may stand in for a neighbour). */
SQ_ALWAYS_INLINE double edge_error(const engine *e, const gstate *ps,
                                   double *const *f, size_t r, int first, int last,
                                   double sl)
{
    double blind = e->rule->blind;
    double own = 4 * sl;
    double ml = fabs(f[F_NL][r] - f[F_EL][r]);
    double mr = fabs(f[F_NR][r] - f[F_ER][r]);
    double el = own + 4 * f[F_NLE][r], er = own + 4 * f[F_NRE][r];
    /* At an end of the range, the probe stands in for a neighbour
     * while it lies between the end and the first node. */
    double c = f[F_C][r], h = f[F_H][r];
    if (first && c - h <= ps->probe_t[0]) {
        double d = ps->probe_t[0] - (c - h);
        if (d < blind * h && isnan(f[F_NLE][r])) {
            ml = fabs(ps->probe_y[0] - f[F_EL][r]);
            el = own + 4 * probe_noise(f, r, 0, d, blind * h);
        }
    }
    if (last && c + h >= ps->probe_t[1]) {
        double d = (c + h) - ps->probe_t[1];
        if (d < blind * h && isnan(f[F_NRE][r])) {
            mr = fabs(ps->probe_y[1] - f[F_ER][r]);
            er = own + 4 * probe_noise(f, r, 1, d, blind * h);
        }
    }
    /* NaN (no check) or an unexplained part of zero gives nothing. */
    ml = ml > el ? ml - el : 0.0;
    mr = mr > er ? mr - er : 0.0;
    double hidden = (ml + mr) * blind * h;
    return f[F_RAW][r] + (isfinite(hidden) ? hidden : 0.0) + f[F_MISS][r];
}

SQ_ALWAYS_INLINE void edge_bound(const edges_job *j, size_t r)
{
    const view *v = j->v;
    if (!j->touched[r] || isnan(v->f[F_VAL][r]))
        return;
    v->f[F_ERR][r] = edge_error(j->e, j->ps, v->f, r, r == 0, r + 1 == v->n,
                                j->sl[r]);
}

/* The ends from lo on (each written by the interval on its left), then
 * the bounds of the intervals both of whose ends this chunk wrote: the
 * first interval of a chunk after the first waits for the chunk before. */
SQ_ALWAYS_INLINE void edges_ends(size_t c, size_t lo, size_t hi, void *ctx)
{
    const edges_job *j = ctx;
    for (size_t r = lo; r < hi && r + 1 < j->v->n; r++)
        edge_pair(j, r);
    for (size_t r = c > 0 ? lo + 1 : lo; r < hi; r++)
        edge_bound(j, r);
}

void sq_adapt_edges(const engine *e, struct sq_adapt_ws *w, const gstate *ps,
                    const view *v)
{
    edges_job j = {e, ps, v, w->touched, w->slack};
    sq_adapt_chunks(e, v->n, edges_prepare, &j);
    sq_adapt_chunks(e, v->n, edges_ends, &j);
    for (size_t c = 1; c < sq_gk_nchunks(v->n); c++)
        edge_bound(&j, c * SQ_GK_CHUNK);
}

double sq_adapt_edge_error(const engine *e, const gstate *ps, double *const *f,
                           size_t i, int first, int last)
{
    return edge_error(e, ps, f, i, first, last, f[F_SL][i]);
}

/*
 * End probes. A Gauss-Kronrod rule never evaluates the ends of an interval,
 * and between an end of the range and the first node (0.43% of the
 * interval's width for GK21, 0.85% for GK15) nothing is seen: a jump there
 * would pass unnoticed by any number of bisections, since the outermost
 * interval's blind margin shrinks with it but always contains the end.
 * Inside ends are watched by the neighbours (sq_adapt_edges); the ends of
 * the range get a probe instead, 2^-23 of the range from each finite end,
 * evaluated once with the first round: while the probe lies in the
 * outermost interval's margin, a probe value the interpolant does not
 * predict is a hidden feature and adds to that interval's error. A probe
 * whose value is not finite, or whose call fails, is simply not used:
 * probes are not nodes of any rule. Two evaluations per problem, counted
 * in its evals.
 */
void sq_adapt_probe_seen(engine *e, size_t i, double q, double y)
{
    ivs *fr = e->w->fresh;
    gstate *ps = &e->w->prob[fr->pid[i]];
    ps->evals++;
    if (!isfinite(y))
        return;                  /* probes are not nodes: simply not used */
    for (int side = 0; side < 2; side++)
        if (q == ps->probe_t[side])
            ps->probe_y[side] = y;
    if (fabs(y) > fr->f[F_WY][i]) {
        fr->f[F_WY][i] = fabs(y);
        fr->f[F_WX][i] = q;
    }
}

int sq_adapt_probe_ends(engine *e)
{
    struct sq_adapt_ws *w = e->w;
    /* Only problems in their first round have probes: after it, the scan
     * of every fresh interval below would find none. */
    size_t starting = 0;
    for (size_t p = 0; p < e->nprob; p++)
        starting += w->prob[p].active && w->prob[p].rounds == 0;
    if (starting == 0)
        return 0;
    tscratch *t = &w->tls[0];
    const ivs *fr = w->fresh;
    if (sq_adapt_tscratch(t, 2 * fr->n < SQ_GK_TILE ? 2 * fr->n : SQ_GK_TILE) != 0)
        return -1;
    size_t vlen = e->ops->vlen;
    size_t col_i[SQ_GK_TILE], n = 0;
    /* Gathered rounds (sq_round): the probes' points come first. */
    sq_round *round = &w->round;
    t->es.round = round->mode != SQ_ROUND_OFF ? round : NULL;
    t->es.round_off = 0;
    for (size_t i = 0; i <= fr->n; i++) {
        int flush = i == fr->n;
        for (int side = 0; !flush && side < 2; side++) {
            const gstate *ps = &w->prob[fr->pid[i]];
            double q = fr->f[side ? F_QR : F_QL][i];
            if (!ps->active || ps->rounds != 0 || isnan(q))
                continue;
            t->x[n] = q;
            col_i[n++] = i;
        }
        if (n == 0 || (!flush && n + 2 <= SQ_GK_TILE))
            continue;
        size_t ld = e->pad ? (n + vlen - 1) / vlen * vlen : n;
        int mapped = 0;
        for (size_t j = 0; j < ld; j++) {
            const gstate *ps = &w->prob[fr->pid[col_i[j < n ? j : 0]]];
            if (j >= n)
                t->x[j] = t->x[0];
            t->kind[j] = ps->map;
            t->origin[j] = ps->origin;
            t->scale[j] = ps->scale;
            t->uid[j] = ps->def.uid;
            mapped |= ps->map != SQ_MAP_NONE;
        }
        double q[SQ_GK_TILE + SQ_MAX_VLEN];
        memcpy(q, t->x, ld * sizeof *q);
        if (mapped)
            e->ops->gk->map(1, ld, t->kind, t->origin, t->scale, t->x, t->jac);
        int fail = sq_eval_tile(e->run->ev, 1, ld, t->x, t->uid, &t->es, t->y);
        if (round->mode == SQ_ROUND_RECORD) {
            n = 0;
            continue;            /* evaluated by the round's one call */
        }
        if (fail != 0) {
            t->es.round = NULL;  /* each probe by a call of its own */
            for (size_t j = 0; j < n; j++)
                if (sq_eval_tile(e->run->ev, 1, 1, &t->x[j], &t->uid[j], &t->es,
                                 &t->y[j]) != 0)
                    t->y[j] = NAN;
        }
        for (size_t j = 0; j < n; j++)
            sq_adapt_probe_seen(e, col_i[j], q[j], t->y[j] * (mapped ? t->jac[j] : 1.0));
        n = 0;
        t->es.round = round->mode != SQ_ROUND_OFF ? round : NULL;
    }
    t->es.round = NULL;
    return 0;
}

