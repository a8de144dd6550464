/* SPDX-License-Identifier: MIT */
/*
 * Expensive integrands (sq_fn_point): what the Gauss-Kronrod engine tells
 * the workers before a round, so that they are busy while the tiles wait:
 * the end probes of new problems and every node of the round (needed), and
 * the nodes of the rounds that may follow (speculative).
 */
#include "adapt.h"

/*
 * Expensive integrands: before a round, hand the workers every node of the
 * round (needed) and, while workers would otherwise idle, the nodes of the
 * fresh intervals' children and grandchildren (speculative: they are needed
 * only if their parent splits). The node arithmetic is the tiles' own, so
 * the cache recognises the points when the tiles ask for them.
 */
static void round_points(void *ctx, const double *c, const double *h,
                         const uint64_t *pid, size_t m, double *x)
{
    const engine *e = ctx;
    int64_t kind[SQ_GK_TILE];
    double origin[SQ_GK_TILE], scale[SQ_GK_TILE], jac[21 * SQ_GK_TILE];
    e->ops->gk->nodes(m, m, e->rule, c, h, x);
    int mapped = 0;
    for (size_t j = 0; j < m; j++) {
        const gstate *ps = &e->w->prob[pid[j]];
        kind[j] = ps->map;
        origin[j] = ps->origin;
        scale[j] = ps->scale;
        mapped |= ps->map != SQ_MAP_NONE;
    }
    if (mapped)
        e->ops->gk->map(e->rows, m, kind, origin, scale, x, jac);
}

/* The halves, as sq_adapt_apply makes them. */
static void halve_round(double *c, double *h, uint64_t *pid, size_t n)
{
    for (size_t i = n; i-- > 0;) {
        double hh = 0.5 * h[i], cc = c[i];
        c[2 * i] = cc - hh;
        c[2 * i + 1] = cc + hh;
        h[2 * i] = h[2 * i + 1] = hh;
        pid[2 * i] = pid[2 * i + 1] = pid[i];
    }
}

/* The end probes of problems in their first round are needed with it:
 * announced first, they do not wait behind speculation for a call-time of
 * their own. */
static void announce_probes(engine *e)
{
    const ivs *fr = e->w->fresh;
    int64_t kind[SQ_GK_TILE];
    double origin[SQ_GK_TILE], scale[SQ_GK_TILE], x[SQ_GK_TILE], jac[SQ_GK_TILE];
    size_t m = 0;
    for (size_t i = 0; i <= fr->n; i++) {
        for (int side = 0; i < fr->n && side < 2; side++) {
            const gstate *ps = &e->w->prob[fr->pid[i]];
            double q = fr->f[side ? F_QR : F_QL][i];
            if (!ps->active || ps->rounds != 0 || isnan(q))
                continue;
            x[m] = q;
            kind[m] = ps->map;
            origin[m] = ps->origin;
            scale[m] = ps->scale;
            m++;
        }
        if (m + 2 > SQ_GK_TILE || (i == fr->n && m > 0)) {
            e->ops->gk->map(1, m, kind, origin, scale, x, jac);
            sq_oracle_need(e->run->ev->oracle, x, m);
            m = 0;
        }
    }
}

void sq_adapt_announce_round(engine *e)
{
    const ivs *fr = e->w->fresh;
    announce_probes(e);
    sq_announcer a = {e->rows, round_points, halve_round, e};
    sq_announce(e->run->ev, &a, fr->f[F_C], fr->f[F_H], fr->pid, fr->n, 1);
}

