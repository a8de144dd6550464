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
static double probe_noise(iref x, int side, double d, double margin)
{
    double h = fld(x, F_H);
    double slope = fmax(fld(x, F_RASC) / (h * h), fld(x, side ? F_DR : F_DL));
    double reach = fld(x, F_RAW) > fld(x, F_QE) ? margin : d;
    return slope * (reach + ulp_of(fabs(fld(x, F_C)) + h))
           + 4 * DBL_EPSILON * fld(x, F_RABS) / h;
}

void sq_adapt_edges(const engine *e, struct sq_adapt_ws *w, gstate *ps,
                    const size_t *pos, size_t n)
{
    /* The rule's own error of the fresh intervals, before any bound. */
    for (size_t k = 0; k < ps->fresh_n; k++) {
        size_t i = ps->fresh_start + k;
        w->fresh->f[F_RAW][i] = w->fresh->f[F_ERR][i];
    }
    /* Between two intervals kept from the last round nothing changed: only
     * ends touching a fresh interval are looked at again, and only the
     * intervals at such ends get a new bound. */
    size_t live = ps->live_n;
    uint8_t *touched = w->touched;
    memset(touched, 0, n);
    for (size_t r = 0; r < n; r++)
        if (pos[r] >= live) {
            touched[r] = 1;
            if (r > 0)
                touched[r - 1] = 1;
            if (r + 1 < n)
                touched[r + 1] = 1;
        }
    double *sl = w->slack;
    for (size_t r = 0; r < n; r++)
        if (touched[r]) {
            iref x = nth(w, ps, pos[r]);
            sl[r] = isnan(fld(x, F_VAL)) ? NAN : fld(x, F_SL);
        }
    for (size_t r = 0; r + 1 < n; r++) {
        if (pos[r] < live && pos[r + 1] < live)
            continue;
        iref a = nth(w, ps, pos[r]), b = nth(w, ps, pos[r + 1]);
        if (isnan(fld(a, F_VAL)) || isnan(fld(b, F_VAL)))
            continue;
        if (isnan(fld(a, F_NRE)) || isnan(fld(b, F_NLE)))
            continue;            /* a breakpoint */
        double ar = fld(a, F_C) + fld(a, F_H), bl = fld(b, F_C) - fld(b, F_H);
        double far = fabs(ar) > fabs(bl) ? fabs(ar) : fabs(bl);
        if (fabs(ar - bl) > 16 * ulp_of(far))
            continue;            /* a retired interval lies between */
        a.s->f[F_NR][a.i] = fld(b, F_EL);
        a.s->f[F_NRE][a.i] = sl[r + 1];
        b.s->f[F_NL][b.i] = fld(a, F_ER);
        b.s->f[F_NLE][b.i] = sl[r];
    }
    double blind = e->rule->blind;
    for (size_t r = 0; r < n; r++) {
        if (!touched[r])
            continue;
        iref x = nth(w, ps, pos[r]);
        if (isnan(fld(x, F_VAL)))
            continue;
        double own = 4 * sl[r];
        double ml = fabs(fld(x, F_NL) - fld(x, F_EL));
        double mr = fabs(fld(x, F_NR) - fld(x, F_ER));
        double el = own + 4 * fld(x, F_NLE), er = own + 4 * fld(x, F_NRE);
        /* At an end of the range, the probe stands in for a neighbour
         * while it lies between the end and the first node. */
        double c = fld(x, F_C), h = fld(x, F_H);
        if (r == 0 && c - h <= ps->probe_t[0]) {
            double d = ps->probe_t[0] - (c - h);
            if (d < blind * h && isnan(fld(x, F_NLE))) {
                ml = fabs(ps->probe_y[0] - fld(x, F_EL));
                el = own + 4 * probe_noise(x, 0, d, blind * h);
            }
        }
        if (r + 1 == n && c + h >= ps->probe_t[1]) {
            double d = (c + h) - ps->probe_t[1];
            if (d < blind * h && isnan(fld(x, F_NRE))) {
                mr = fabs(ps->probe_y[1] - fld(x, F_ER));
                er = own + 4 * probe_noise(x, 1, d, blind * h);
            }
        }
        /* NaN (no check) or an unexplained part of zero gives nothing. */
        ml = ml > el ? ml - el : 0.0;
        mr = mr > er ? mr - er : 0.0;
        double hidden = (ml + mr) * blind * fld(x, F_H);
        x.s->f[F_ERR][x.i] = fld(x, F_RAW) + (isfinite(hidden) ? hidden : 0.0)
                             + fld(x, F_MISS);
    }
}

/* The problem's intervals in position order: the merge of live and fresh,
 * each already in order. Entries are indices as nth() takes them. */
void sq_adapt_position_order(const struct sq_adapt_ws *w, const gstate *ps,
                             size_t *pos)
{
    size_t l = 0, f = 0, k = 0;
    while (l < ps->live_n || f < ps->fresh_n) {
        int take_live;
        if (l == ps->live_n)
            take_live = 0;
        else if (f == ps->fresh_n)
            take_live = 1;
        else
            take_live = w->live->f[F_C][ps->live_start + l]
                      < w->fresh->f[F_C][ps->fresh_start + f];
        pos[k++] = take_live ? l++ : ps->live_n + f++;
    }
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
    tscratch *t = &w->tls[0];
    const ivs *fr = w->fresh;
    if (sq_adapt_tscratch(t, 2 * fr->n < SQ_GK_TILE ? 2 * fr->n : SQ_GK_TILE) != 0)
        return -1;
    size_t vlen = e->ops->vlen;
    size_t col_i[SQ_GK_TILE], n = 0;
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
        if (sq_eval_tile(e->run->ev, 1, ld, t->x, t->uid, &t->es, t->y) != 0) {
            for (size_t j = 0; j < n; j++)
                if (sq_eval_tile(e->run->ev, 1, 1, &t->x[j], &t->uid[j], &t->es,
                                 &t->y[j]) != 0)
                    t->y[j] = NAN;
        }
        for (size_t j = 0; j < n; j++)
            sq_adapt_probe_seen(e, col_i[j], q[j], t->y[j] * (mapped ? t->jac[j] : 1.0));
        n = 0;
    }
    return 0;
}

