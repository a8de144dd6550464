/* SPDX-License-Identifier: MIT */
/*
 * The Gauss-Kronrod engine's decisions: after a round, each problem's
 * totals, its stopping tests (tolerance met, roundoff, extrapolation's
 * verdict) and the fate of each of its intervals. Which to split is
 * adapt_select.c's; the new runs, adapt_apply.c's.
 */
#include "adapt.h"

/* Room for n entries in the decision scratch arrays (one allocation). */
static int grow_order(struct sq_adapt_ws *w, size_t n)
{
    /* A problem of one chunk keeps its part in the workspace (sq_adapt_parts). */
    size_t nch = sq_gk_nchunks(n);
    if (nch > 1 && sq_grow((void **)&w->parts, &w->parts_cap, nch, sizeof *w->parts) != 0)
        return -1;
    if (n <= w->order_cap)
        return 0;
    size_t cap = n > 2 * w->order_cap ? n : 2 * w->order_cap;
    if (cap > SIZE_MAX / (sizeof(size_t) + sizeof(double) + 3))
        return -1;
    char *m = sq_alloc(cap * (sizeof(size_t) + sizeof(double) + 3));
    if (m == NULL)
        return -1;
    sq_free(w->order);
    w->order = (size_t *)m;
    w->slack = (double *)(w->order + cap);
    w->fate = (uint8_t *)(w->slack + cap);
    w->touched = w->fate + cap;
    w->isfresh = w->touched + cap;
    w->order_cap = cap;
    return 0;
}



/*
 * QUADPACK's test that bisection stopped paying: the two halves of a parent
 * together are no better than the parent (the value unchanged to 1e-5, the
 * error not reduced), or the error grew. qags counts such bisections one
 * per iteration; a breadth-first round bisects many intervals at once, so
 * here a round counts once, and only when most of its bisections stalled.
 * With one bisection per round, as next to a singularity, that is qags's
 * count. Siblings are adjacent in fresh.
 */
typedef struct family_job {
    struct sq_adapt_ws *w;
    const gstate *ps;
    chunk_part *parts;
} family_job;

/* The first family of ps's fresh run that starts at or after k (chunks of
 * the family passes begin there; a family belongs to the chunk it starts
 * in). */
static size_t family_from(const ivs *fr, const gstate *ps, size_t k)
{
    while (k > 0 && k < ps->fresh_n && fr->f[F_SIBS][ps->fresh_start + k] == 0)
        k++;
    return k;
}

SQ_ALWAYS_INLINE void roundoff_chunk(size_t c, size_t lo, size_t hi, void *ctx)
{
    const family_job *j = ctx;
    const gstate *ps = j->ps;
    const ivs *fr = j->w->fresh;
    size_t nlive = ps->live_n + ps->fresh_n;
    size_t pairs = 0, stalled = 0, raised = 0;
    for (size_t k = family_from(fr, ps, lo), ns; k < hi; k += ns) {
        size_t i = ps->fresh_start + k;
        ns = sq_adapt_siblings(fr, i, ps->fresh_n - k);
        double pv = fr->f[F_PVAL][i], pe = fr->f[F_PERR][i];
        if (ns < 2 || isnan(pv))
            continue;            /* a first visit has no parent */
        double area12 = fr->f[F_VAL][i], erro12 = fr->f[F_ERR][i];
        int capped = fr->f[F_RASC][i] == erro12;
        for (size_t q = 1; q < ns; q++) {
            area12 += fr->f[F_VAL][i + q];
            erro12 += fr->f[F_ERR][i + q];
            capped |= fr->f[F_RASC][i + q] == fr->f[F_ERR][i + q];
        }
        pairs++;
        if (capped)
            continue;            /* an estimate at its cap says nothing */
        int steady = fabs(pv - area12) <= 1e-5 * fabs(area12);
        stalled += steady && erro12 >= 0.99 * pe;
        /* A raised error counts only with a stable value: a pair still too
         * coarse to resolve an oscillation raises it too. */
        raised += nlive > 10 && erro12 > pe
                  && fabs(pv - area12) <= 1e-3 * fabs(area12);
    }
    j->parts[c].pairs = pairs;
    j->parts[c].stalled = stalled;
    j->parts[c].raised = raised;
}

static void count_roundoff(engine *e, gstate *ps)
{
    if (ps->rounds == 1)
        return;                  /* first intervals: no bisections yet */
    family_job j = {e->w, ps, sq_adapt_parts(e->w, ps->fresh_n)};
    sq_adapt_chunks(e, ps->fresh_n, roundoff_chunk, &j);
    size_t pairs = 0, stalled = 0, raised = 0;
    for (size_t c = 0; c < sq_gk_nchunks(ps->fresh_n); c++) {
        pairs += j.parts[c].pairs;
        stalled += j.parts[c].stalled;
        raised += j.parts[c].raised;
    }
    if (pairs == 0)
        return;
    if (2 * stalled > pairs) {
        if (ps->ext.started)
            ps->iroff2++;
        else
            ps->iroff1++;
    }
    if (2 * raised > pairs)
        ps->iroff3++;
}

/*
 * A bisection measures its parent's true error: the halves' sum is the
 * better estimate, and |parent - (left + right)| is what the parent missed.
 * Where that exceeds the halves' own errors together, the rule's error
 * estimate is not to be trusted at this scale either (next to an interior
 * singularity it undershoots at some placements by a factor of two), and
 * the halves' errors are raised to it, the larger half taking the
 * difference. Smooth integrands are untouched: there the halves' errors
 * exceed what the parent missed by orders of magnitude.
 */
SQ_ALWAYS_INLINE void floor_chunk(size_t c, size_t lo, size_t hi, void *ctx)
{
    (void)c;
    const family_job *j = ctx;
    const gstate *ps = j->ps;
    ivs *fr = j->w->fresh;
    for (size_t k = family_from(fr, ps, lo), ns; k < hi; k += ns) {
        size_t i = ps->fresh_start + k;
        ns = sq_adapt_siblings(fr, i, ps->fresh_n - k);
        if (ns < 2)
            continue;
        double pv = fr->f[F_PVAL][i];
        double *e = fr->f[F_ERR] + i;
        /* What rounding alone makes of d: the nodes' (F_XF, far from the
         * origin, cos on [0, 1e5]) and the sums'. */
        double xf = fr->f[F_XF][i], rabs = fr->f[F_RABS][i], v = fr->f[F_VAL][i];
        double esum = e[0];
        int valid = e[0] >= 0;
        size_t most = 0;
        for (size_t q = 1; q < ns; q++) {
            xf += fr->f[F_XF][i + q];
            rabs += fr->f[F_RABS][i + q];
            v += fr->f[F_VAL][i + q];
            esum += e[q];
            valid &= e[q] >= 0;
            if (e[q] > e[most])
                most = q;
        }
        double noise = 4 * xf + 8 * DBL_EPSILON * rabs;
        double d = fabs(pv - v) - noise;
        if (!isfinite(d) || !valid || !(d > esum))
            continue;
        e[most] += d - esum;     /* the child with the largest error */
    }
}

static void parent_floor(engine *e, const gstate *ps)
{
    if (ps->rounds == 1)
        return;                  /* first intervals: no parents */
    family_job j = {e->w, ps, NULL};
    sq_adapt_chunks(e, ps->fresh_n, floor_chunk, &j);
}

/* The simple passes over a problem's fates, chunk by chunk. */
typedef struct pass_job {
    struct sq_adapt_ws *w;
    const gstate *ps;
    const view *v;
    chunk_part *parts;
    double limit;        /* check_chunk: retire KEEP intervals with err <= limit */
    int retire;
    engine *e;
} pass_job;

SQ_ALWAYS_INLINE void drop_chunk(size_t c, size_t lo, size_t hi, void *ctx)
{
    const pass_job *j = ctx;
    const double *val = j->v->f[F_VAL], *err = j->v->f[F_ERR];
    const double *pval = j->v->f[F_PVAL], *perr = j->v->f[F_PERR];
    uint8_t *fate = j->w->fate;
    double extra_err = 0;
    for (size_t k = lo; k < hi; k++) {
        if (isnan(val[k]) && err[k] != SQ_GK_OVERFLOW) {
            fate[k] = DROP;
            extra_err += isnan(pval[k]) ? INFINITY : fabs(pval[k]) + perr[k];
        }
    }
    j->parts[c].extra = extra_err;
}

/* Intervals that could not be evaluated are dropped; their parents' values
 * and errors (or infinity, for a first visit) bound what they miss. */
static double drop_unevaluated(engine *e, const view *v)
{
    pass_job j = {e->w, NULL, v, sq_adapt_parts(e->w, v->n), 0, 0, e};
    sq_adapt_chunks(e, v->n, drop_chunk, &j);
    double extra_err = 0;
    for (size_t c = 0; c < sq_gk_nchunks(v->n); c++)
        extra_err += j.parts[c].extra;
    return extra_err;
}

/*
 * Has the problem seen nothing? Every node gave 0, or what the nodes saw
 * in all (the integral of |f|) is below the tolerance and the rule has not
 * resolved its shape (an error over a millionth of it): the far tail of a
 * narrow peak between the nodes looks like that, with values like 1e-130
 * that the tolerance would accept at once. A problem whose witnesses say
 * its nodes missed something is not blind: it follows them (see
 * unconfirmed); nor one whose integrand is known not to depend on x: its
 * zeros are proof. A small integrand the rule resolves (1e-5 sin(x) at
 * epsabs 1e-3) is not blind either.
 */
static int blind(const engine *e, const totals *t, double tol)
{
    if (e->run->ev->x_free || t->missed > 0)
        return 0;
    return t->resabs == 0
           || (t->resabs <= tol && t->errsum - t->xnode > 1e-6 * t->resabs);
}

/*
 * A witness no node has confirmed (F_MISS, see witness_check in adapt.c)
 * says only that f reached its height somewhere in the interval: the
 * feature may be far taller (the witness may have seen the far tail of a
 * narrow peak, 1e-4 of its height). Its penalty bounds a feature of the
 * witness's height, not that; so no interval with one is accepted or
 * retired while it is wider than 2^-40 of the range: it is halved until
 * its nodes see what the witness saw, which for continuous f takes a few
 * rounds (the halves close in on the witness's abscissa). Returns 1 if
 * interval k of v is such an interval.
 */
static int unconfirmed(const gstate *ps, const view *v, size_t k)
{
    return v->f[F_MISS][k] > 0 && v->f[F_H][k] > 0x1p-40 * ps->half_width
           && splittable(v->f[F_C][k], v->f[F_H][k]);
}

/* A problem that has seen nothing (blind) stops with its estimate and an
 * infinite error. */
static void unseen_exit(gstate *ps, const totals *t)
{
    ps->value = t->area;
    ps->error = INFINITY;
    if (ps->status == SQ_OK)
        ps->status = SQ_UNSEEN;
    ps->active = 0;
}

/*
 * Local control: each interval against its share of the whole's tolerance,
 * which follows the current estimate: a first estimate that missed a
 * narrow peak (and is near zero) would otherwise ask the impossible of
 * every piece. An interval at its rounding floor cannot improve. A
 * problem that has seen nothing (blind) splits everything, as accept does
 * under global control, and stops SQ_UNSEEN if it still has after the
 * zero look.
 */
static void decide_local(struct sq_adapt_ws *w, gstate *ps, const view *v,
                         double tol, int blinded, const totals *t)
{
    ps->tol_local = tol;
    int unsplittable = 0;
    double *const *f = v->f;
    if (blinded && ps->rounds > SQ_GK_ZERO_LOOK) {
        unseen_exit(ps, t);
        return;
    }
    for (size_t k = 0; k < v->n; k++) {
        if (w->fate[k] == DROP)
            continue;
        if ((blinded && splittable(f[F_C][k], f[F_H][k])) || unconfirmed(ps, v, k)) {
            w->fate[k] = SPLIT;
            continue;
        }
        double share = ps->tol_local * (f[F_H][k] / ps->half_width);
        if (f[F_ERR][k] + f[F_XF][k] <= share) {
            w->fate[k] = RETIRE;
        } else if (splittable(f[F_C][k], f[F_H][k])
                   && !at_floor(f[F_ERR][k], f[F_RABS][k])) {
            w->fate[k] = SPLIT;
        } else {
            w->fate[k] = RETIRE;
            unsplittable = 1;
            /* Not rounding but a singularity no node comes near: the
             * interval may miss up to its whole integral of |f|. */
            if (f[F_ERR][k] > 1e-3 * f[F_RABS][k])
                ps->stalled_rabs += f[F_RABS][k];
        }
    }
    if (unsplittable)
        ps->status = SQ_ROUNDOFF;    /* reported once the rest is done */
}

/*
 * The sums meet the tolerance. A first estimate at its cap (error ==
 * resasc) is not trusted, and an integrand that vanished at every node gets
 * a second look: everything is halved for up to ten rounds (1023 intervals,
 * 21483 nodes with GK21) before f == 0 is believed, so that a peak at
 * 1/20000 of the range is found (exp(-x^2) on [-1e4, 1e4]); a narrower one
 * needs breakpoints. The same holds when all the nodes saw is the far tail
 * of something (see blind). Returns 1 if ps is finished, 0 if every
 * interval it keeps is to be split once more.
 */
/* Is one of the n first estimates err[k] at its cap, resasc? */
static int capped(const double *err, const double *rasc, size_t n)
{
    int any = 0;
    for (size_t k = 0; k < n; k++)
        any |= err[k] == rasc[k] && err[k] != 0;
    return any;
}

static int accept(struct sq_adapt_ws *w, gstate *ps, const totals *t,
                  const view *v, int blinded)
{
    size_t n = v->n;
    int trusted = !(ps->rounds == 1 && capped(v->f[F_ERR], v->f[F_RASC], n));
    if (ps->rounds <= SQ_GK_ZERO_LOOK && blinded)
        trusted = 0;
    if (trusted && t->missed > 0) {
        /* Only the intervals whose witness is unconfirmed are halved. */
        size_t halved = 0;
        for (size_t k = 0; k < n; k++)
            if (w->fate[k] == KEEP && unconfirmed(ps, v, k)) {
                w->fate[k] = SPLIT;
                halved++;
            }
        if (halved > 0)
            return 0;
    }
    if (trusted) {
        ps->value = t->area;
        ps->error = blinded ? INFINITY : t->errsum;
        ps->status = blinded && ps->status == SQ_OK ? SQ_UNSEEN : ps->status;
        ps->active = 0;
        return 1;
    }
    for (size_t k = 0; k < n; k++)
        if (w->fate[k] == KEEP)
            w->fate[k] = SPLIT;
    return 0;
}

/*
 * Roundoff: a first estimate already at the rounding floor, with a
 * tolerance below it; QUADPACK's counts of bisections that stopped paying;
 * no error left but rounding (unless the rounding of the nodes alone keeps
 * the sum above the tolerance: halving lowers that); or a tolerance below
 * the rounding floor of the whole integral (which no estimate,
 * extrapolated or not, gets under) with the rest of the error already down
 * to that floor. Returns 1 if ps stops.
 */
static int roundoff_exit(gstate *ps, const totals *t, double tol, double extra_err)
{
    double floor_sum = 50 * DBL_EPSILON * t->resabs;
    /* A first estimate near its floor stops only when the tolerance is
     * below the floor itself: above it, bisection lowers the rest (node
     * rounding, bounds at the ends) and meets it (exp(-x^2) on [0, 2] at
     * epsabs 1e-14, floor 9.8e-15). */
    if ((ps->rounds == 1 && t->errsum <= 100 * DBL_EPSILON * t->resabs
         && tol < floor_sum)
        || ps->iroff1 + ps->iroff2 >= 10 || ps->iroff3 >= 20
        || (t->improvable == 0 && !(t->xnode > 0 && t->errsum - t->xnode <= tol))
        || (tol < floor_sum && t->improvable <= floor_sum)) {
        sq_adapt_finish(ps, SQ_ROUNDOFF, t, extra_err);
        return 1;
    }
    if (ps->iroff2 >= 5)
        ps->ext.ierro = 3;
    return 0;
}

/* One step of extrapolation, finishing ps when its limit is good enough or
 * the table is stuck. Returns 1 if ps is finished, -1 if memory ran out. */
static int extrapolate_now(struct sq_adapt_ws *w, gstate *ps, const totals *t,
                           double erlarg, double extra_err)
{
    int done = sq_adapt_extrapolate(w, ps, t, erlarg);
    if (done != 0)
        return done;
    if (ps->ext.stuck) {
        sq_adapt_finish(ps, ps->ext.stuck, t, extra_err);
        return 1;
    }
    return 0;
}

/*
 * Extrapolation's part of a round: the first two sums seed the table
 * (sums of rounds where a witness says a feature is missed do not count);
 * later, as in qags, the large intervals are refined first (*large_only,
 * with their splits marked) until their error meets the tolerance, and
 * then the sequence is extrapolated. Returns 1 if ps is finished, -1 if
 * memory ran out.
 */
static int extrapolation_round(engine *e, gstate *ps, const totals *t,
                               const view *v, double tol, double extra_err,
                               int *large_only)
{
    struct sq_adapt_ws *w = e->w;
    extrapolation *x = &ps->ext;
    if (t->missed > 0) {
        /* A witness says the nodes have not seen all there is: sums that
         * miss a feature converge to the wrong limit, and the table would
         * find it. It starts again from the sums after the feature. */
        x->seeded = 0;
        x->started = 0;
        x->reseed = x->table >= 0;
        x->ktmin = 0;
        return 0;
    }
    if (x->seeded == 0) {
        x->seed[0] = t->area;
        x->result = t->area;
        x->abserr = DBL_MAX;
        x->seeded = 1;
        return 0;
    }
    if (x->seeded == 1) {
        x->seeded = 2;
        x->seed[1] = t->area;
        x->small = 0.75 * ps->half_width;
        x->ertest = tol;
        return 0;
    }
    double erlarg = 0;
    for (size_t k = 0; k < v->n; k++)
        if (w->fate[k] != DROP && 2 * v->f[F_H][k] > x->small)
            erlarg += v->f[F_ERR][k];
    /* As in qags, extrapolate once the largest error sits in the smallest
     * intervals; but only when that one interval carries a good part of the
     * total, as next to a singularity. Where the error is spread over
     * thousands of small intervals (an oscillation over a long range) the
     * sums are not of the form the epsilon table accelerates.
     *
     * And only while that interval touches an end of the range or a
     * breakpoint. There bisection is self-similar: each round halves the
     * interval at the singularity, whose error shrinks by the same factor
     * each time, and the epsilon algorithm finds the limit of that
     * geometric sequence. At an interior point the singularity falls each
     * round at a new place in its interval (the next binary digit of its
     * position decides), the sequence is irregular, and its extrapolated
     * limit and error are guesses: a jump at 5/6 (binary 0.11010101...)
     * makes a perfect geometric sequence whose limit is wrong for any point
     * that differs from 5/6 in a later digit. Interior features are
     * resolved by plain bisection, or declared as points. */
    if (!x->started && t->maxerr_width <= x->small && t->maxerr >= 0.1 * t->errsum
        && t->maxerr_at_end)
        x->started = 1;
    if (!x->started || !t->maxerr_at_end)
        return 0;
    if (x->ierro == 3 || erlarg <= x->ertest)
        return extrapolate_now(w, ps, t, erlarg, extra_err);
    long m = sq_adapt_select(e, v, erlarg, x->ertest, x->small);
    if (m < 0)
        return -1;
    if (m > 0) {
        *large_only = 1;
        return 0;
    }
    /* No large interval left to refine: extrapolate now. */
    return extrapolate_now(w, ps, t, erlarg, extra_err);
}

/*
 * Plain bisection: the fewest largest errors whose removal meets the
 * tolerance. The rule's errors must leave room for the rounding of the
 * nodes (up to half the tolerance). Where that is too large, at a peak far
 * sharper than the ulps of its abscissae, the intervals where it is made
 * are halved too: each half has a quarter of the curvature. Returns -1 if
 * memory ran out.
 */
static int plain_splits(engine *e, const view *v, const totals *t,
                        double tol)
{
    struct sq_adapt_ws *w = e->w;
    double room = tol - fmin(t->xnode, 0.5 * tol);
    if (sq_adapt_select(e, v, t->errsum - t->xnode, room, 0.0) < 0)
        return -1;
    /* Where only the rounding of the nodes stands between the sum and the
     * tolerance (every other error at its floor), the intervals that make
     * it are halved: that quarters their curvature term. Not while other
     * errors can still fall: cos on [0, 1e6] at 1e-8 would halve nearly
     * every interval each round (four times the evaluations). */
    double xroom = t->improvable == 0 && t->errsum - t->xnode <= tol
                       ? tol - (t->errsum - t->xnode)
                       : 0.5 * tol;
    if (t->xnode > 0.5 * tol || t->xnode > xroom)
        for (size_t k = 0; k < v->n; k++)
            if (w->fate[k] == KEEP && 4 * v->f[F_XF][k] > fmin(0.5 * tol, xroom))
                w->fate[k] = SPLIT;
    return 0;
}

/* The last pass of a problem's fates: the negligible intervals retired
 * (if asked), splits that cannot be made kept (and whether one is deep),
 * then the intervals kept and the children made (see sq_adapt_count_fates). */
SQ_ALWAYS_INLINE void check_chunk(size_t c, size_t lo, size_t hi, void *ctx)
{
    const pass_job *j = ctx;
    size_t splits = 0, keep = 0, born = 0;
    int deep = 0;
    const double *cc = j->v->f[F_C], *h = j->v->f[F_H], *err = j->v->f[F_ERR];
    const double deepest = 0x1p-100 * j->ps->half_width, limit = j->limit;
    const int retire = j->retire;
    uint8_t *fate = j->w->fate;
    double cut[2];
    for (size_t k = lo; k < hi; k++) {
        if (fate[k] == KEEP) {
            if (retire && err[k] <= limit)
                fate[k] = RETIRE;
            else
                keep++;
            continue;
        }
        if (fate[k] != SPLIT)
            continue;
        deep |= h[k] < deepest;
        if (splittable(cc[k], h[k])) {
            splits++;
            born += sq_adapt_nchildren(j->e, j->v, k, cut);
        } else {
            fate[k] = KEEP;
            keep++;
        }
    }
    chunk_part *pt = &j->parts[c];
    pt->marked = splits;
    pt->flag = deep;
    pt->keep = keep;
    pt->born = born;
}

/* An interval that cannot be bisected any more keeps its error. One 2^-100
 * of the range wide that still carries error sits next to a singularity
 * that extrapolation could not handle: an integrand that behaves like x^-a
 * there has all but (2^-100)^(1-a) of its integral resolved, so only a >= 1
 * (divergence) or a within a hair of 1 (too slow to converge) get this far.
 * First, with retire, the KEEP intervals whose error is at most `limit`
 * are retired for good. The fates are final after this: their counts are
 * kept for budget_exit and sq_adapt_apply. */
static void check_splits(engine *e, gstate *ps, const totals *t,
                         const view *v, double extra_err, int retire, double limit)
{
    pass_job j = {e->w, ps, v, sq_adapt_parts(e->w, v->n), limit, retire, e};
    sq_adapt_chunks(e, v->n, check_chunk, &j);
    size_t splits = 0;
    int deep = 0;
    for (size_t c = 0; c < sq_gk_nchunks(v->n); c++) {
        splits += j.parts[c].marked;
        deep |= j.parts[c].flag;
    }
    e->w->counted = 1;
    if (deep)
        sq_adapt_finish(ps, SQ_DIVERGENT, t, extra_err);
    else if (splits == 0)
        sq_adapt_finish(ps, SQ_ROUNDOFF, t, extra_err);
}

/*
 * The view of ps's intervals in position order (see view in adapt.h): its
 * slice of the fresh run when all are fresh, else the merge of its live
 * run (in order, gone entries passed over) and its fresh run (in order).
 * Returns -1 if memory ran out.
 */
typedef struct merge_job {
    struct sq_adapt_ws *w;
    const gstate *ps;
    size_t at;           /* where the merge goes in the next live run */
} merge_job;

/* Outputs lo..hi-1 of the merge, from the map view_of made (w->order: the
 * entry of the live run or the index in the fresh run; w->isfresh: which),
 * field by field: each field one stream. A live interval carries NLIVE
 * fields, a fresh one all of them. */
SQ_ALWAYS_INLINE void merge_chunk(size_t c, size_t lo, size_t hi, void *ctx)
{
    (void)c;
    const merge_job *j = ctx;
    struct sq_adapt_ws *w = j->w;
    const gstate *ps = j->ps;
    const ivs *lv = w->live, *fr = w->fresh;
    ivs *nl = w->next_live;
    const size_t *src = w->order;
    const uint8_t *isfresh = w->isfresh;
    for (int f = 0; f < NFIELD; f++) {
        const double *fcol = fr->f[f] + ps->fresh_start;
        if (f >= NLIVE) {
            double *out = w->merged.f[f - NLIVE];
            for (size_t k = lo; k < hi; k++)
                if (isfresh[k])
                    out[k] = fcol[src[k]];
            continue;
        }
        double *out = nl->f[f] + j->at;
        const double *lcol = lv->f[f] + ps->live_start;
        for (size_t k = lo; k < hi; k++)
            out[k] = isfresh[k] ? fcol[src[k]] : lcol[src[k]];
    }
    uint64_t pid = (uint64_t)(ps - w->prob);
    for (size_t k = lo; k < hi; k++)
        nl->pid[j->at + k] = pid;
}

static int view_of(engine *e, const gstate *ps, view *v)
{
    struct sq_adapt_ws *w = e->w;
    size_t n = ps->live_n + ps->fresh_n;
    v->n = n;
    v->fresh = NULL;
    v->in_place = 0;
    if (ps->live_n == 0) {
        double *const *src = w->fresh->f;
        const size_t off = ps->fresh_start;
        for (int f = 0; f < NFIELD; f++)
            v->f[f] = src[f] + off;
        return 0;
    }
    ivs *nl = w->next_live;
    if (sq_cols_reserve(&w->merged, NFIELD - NLIVE, n + SQ_COL_SLACK, 0, 64) != 0
        || sq_cols_reserve(nl, NLIVE, nl->n + n + SQ_COL_SLACK, nl->n, 16) != 0)
        return -1;
    /* The map: one walk over the centres (the chunks' starts depend on how
     * many gone entries precede them), then the copies over the threads. */
    const ivs *lv = w->live, *fr = w->fresh;
    const double *lc = lv->f[F_C] + ps->live_start, *fc = fr->f[F_C] + ps->fresh_start;
    const uint64_t *lpid = lv->pid + ps->live_start;
    const size_t len = ps->live_len, fresh_n = ps->fresh_n;
    size_t *src = w->order;
    uint8_t *isfresh = w->isfresh;
    for (size_t k = 0, l = 0, q = 0; k < n; k++) {
        while (l < len && (lpid[l] & SQ_GK_GONE))
            l++;
        int take_live = q == fresh_n || (l < len && lc[l] < fc[q]);
        src[k] = take_live ? l++ : q++;
        isfresh[k] = (uint8_t)!take_live;
    }
    merge_job j = {w, ps, nl->n};
    sq_adapt_chunks(e, n, merge_chunk, &j);
    for (int f = 0; f < NFIELD; f++)
        v->f[f] = f < NLIVE ? nl->f[f] + nl->n : w->merged.f[f - NLIVE];
    v->fresh = w->isfresh;
    v->in_place = 1;
    return 0;
}

/*
 * Budgets: a problem whose next round would spend more evaluations than
 * it has left, or hold more live intervals than allowed, stops now with
 * this round's estimates, before the next runs grow for it.
 */
static void budget_exit(engine *e, gstate *ps, const view *v,
                        const totals *t, double extra_err)
{
    size_t keep = 0, born = 0;
    chunk_part *parts = sq_adapt_parts(e->w, v->n);
    if (e->w->counted)
        for (size_t c = 0; c < sq_gk_nchunks(v->n); c++) {
            keep += parts[c].keep;
            born += parts[c].born;
        }
    else
        sq_adapt_count_fates(e, v, parts, &keep, &born);
    if (keep + born > e->run->max_intervals)
        sq_adapt_finish(ps, SQ_MAX_INTERVALS, t, extra_err);
    else if (ps->evals + born * e->rows > e->run->max_evals)
        sq_adapt_finish(ps, SQ_MAX_EVALS, t, extra_err);
}

/*
 * An integral of |f| that doubles round after round while the largest
 * error sits at an end of the range (or a breakpoint): near an end where f
 * behaves like |x - end|^-a, halving the last interval multiplies what the
 * nodes see by 2^(a-1), so a steady doubling means a >= 2, not integrable
 * there (x on (-inf, inf), 1/x^2 on [0, 1]). A peak close to an end grows
 * the same way until it is resolved, so the count only changes the verdict
 * of a problem that stops anyway (sq_adapt_finish): roundoff or divergence
 * after five such rounds in a row is divergence with an infinite error
 * (x on the real line used to end `roundoff 0 +- 3e-8`).
 */
static void count_doublings(gstate *ps, const totals *t)
{
    int doubled = ps->last_resabs > 0 && t->resabs >= 2 * ps->last_resabs
                  && t->maxerr_at_end;
    ps->doublings = doubled ? ps->doublings + 1 : 0;
    ps->last_resabs = t->resabs;
}

/* QUADPACK's defabs and ksgn, from the first round's totals. */
static void first_seen(gstate *ps, const totals *t)
{
    ps->defabs = t->resabs;
    ps->ksgn = fabs(t->area) >= (1 - 50 * DBL_EPSILON) * t->resabs ? 1 : -1;
}

static void remember_area(gstate *ps, const totals *t)
{
    ps->past_area[1] = ps->past_area[0];
    ps->past_area[0] = t->area;
    ps->npast += ps->npast < 2;
}

/*
 * Intervals whose sums overflowed although every value was finite
 * (exp(x) on [0, 708]: 21 values up to 3e307 times a half-width of 354)
 * are halved until their integrals fit; nothing else is decided this
 * round. Returns 1 if there were any (ps finishes NONFINITE if one cannot
 * be halved).
 */
SQ_ALWAYS_INLINE void overflow_chunk(size_t c, size_t lo, size_t hi, void *ctx)
{
    const pass_job *j = ctx;
    const double *val = j->v->f[F_VAL], *err = j->v->f[F_ERR];
    const double *cc = j->v->f[F_C], *h = j->v->f[F_H];
    uint8_t *fate = j->w->fate;
    size_t over = 0, first = SIZE_MAX;
    for (size_t k = lo; k < hi; k++) {
        if (!(isnan(val[k]) && err[k] == SQ_GK_OVERFLOW))
            continue;
        over++;
        fate[k] = SPLIT;
        if (!splittable(cc[k], h[k])) {
            first = k;
            break;
        }
    }
    j->parts[c].marked = over;
    j->parts[c].first = first;
}

static int halve_overflows(engine *e, gstate *ps, const view *v,
                           const totals *t, double extra_err)
{
    if (t->overflows == 0)
        return 0;
    pass_job j = {e->w, ps, v, sq_adapt_parts(e->w, v->n), 0, 0, e};
    sq_adapt_chunks(e, v->n, overflow_chunk, &j);
    size_t over = 0;
    for (size_t c = 0; c < sq_gk_nchunks(v->n); c++) {
        over += j.parts[c].marked;
        size_t k = j.parts[c].first;
        if (k != SIZE_MAX) {
            ps->where = v->f[F_C][k];
            sq_adapt_finish(ps, SQ_NONFINITE, t, extra_err);
            ps->error = INFINITY;
            return 1;
        }
    }
    return over > 0;
}

/* The fates of ps's intervals once its totals t are known (see
 * sq_adapt_decide). Returns -1 if memory ran out. */
static int mark_fates(engine *e, gstate *ps, view *v, const totals *tp,
                      double extra_err)
{
    struct sq_adapt_ws *w = e->w;
    size_t n = v->n;
    totals t = *tp;
    count_doublings(ps, &t);
    if (halve_overflows(e, ps, v, &t, extra_err))
        return 0;
    double tol = sq_tolerance(ps->def.epsabs, ps->def.epsrel, t.area);
    if (ps->rounds == 1)
        first_seen(ps, &t);
    int blinded = blind(e, &t, tol);
    if (ps->local) {
        decide_local(w, ps, v, tol, blinded, &t);
        return 0;
    }
    count_roundoff(e, ps);
    if (t.errsum <= tol) {
        if (!accept(w, ps, &t, v, blinded))
            check_splits(e, ps, &t, v, extra_err, 0, 0);
        return 0;
    }
    if (roundoff_exit(ps, &t, tol, extra_err))
        return 0;
    int large_only = 0;
    if (ps->ext.on) {
        int r = extrapolation_round(e, ps, &t, v, tol, extra_err, &large_only);
        if (r != 0)
            return r < 0 ? -1 : 0;
    }
    if (!large_only && plain_splits(e, v, &t, tol) != 0)
        return -1;
    /* Intervals too small to matter again are retired for good. */
    check_splits(e, ps, &t, v, extra_err, 1, tol * 0x1p-10 / (double)n);
    return 0;
}

/*
 * First rounds without neighbours to check across an end (one interval,
 * or first intervals that breakpoints separate: nearly every problem's
 * first round) need none of the passes of sq_adapt_edges: each interval's
 * error with the end probes, and the totals, come straight from the fresh
 * run. Returns 0 (nothing written) if ps needs the general way.
 */
static int first_errors(engine *e, gstate *ps, totals *t)
{
    size_t n = ps->fresh_n;
    if (ps->rounds != 1 || ps->live_n != 0 || n == 0 || n > SQ_GK_CHUNK)
        return 0;
    double *const *f = e->w->fresh->f;
    size_t lo = ps->fresh_start, hi = lo + n;
    for (size_t i = lo; i < hi; i++)
        if (isnan(f[F_VAL][i]) || (i + 1 < hi && !isnan(f[F_NRE][i])
                                   && !isnan(f[F_NLE][i + 1])))
            return 0;            /* no value, or neighbours to check */
    for (size_t i = lo; i < hi; i++) {
        f[F_RAW][i] = f[F_ERR][i];
        f[F_ERR][i] = sq_adapt_edge_error(e, ps, f, i, i == lo, i + 1 == hi);
    }
    *t = sq_adapt_totals_of(ps, f, lo, hi);
    return 1;
}

/*
 * Most problems of a parametric family meet their tolerance with their
 * first estimate: for them the decision is this, the steps mark_fates and
 * accept take for such a problem, with none of the set-up of a view and
 * its fates. Anything else (local control, a status, a witness, an error
 * over the tolerance or at the rule's cap, a blind first look) goes the
 * general way. Returns 1 if ps is finished.
 */
static int first_accept(engine *e, gstate *ps, const totals *tp)
{
    if (ps->local || ps->status != SQ_OK || ps->bad_round)
        return 0;
    totals t = *tp;
    double tol = sq_tolerance(ps->def.epsabs, ps->def.epsrel, t.area);
    if (!(t.errsum <= tol) || t.missed > 0 || blind(e, &t, tol))
        return 0;
    double *const *f = e->w->fresh->f;
    if (capped(f[F_ERR] + ps->fresh_start, f[F_RASC] + ps->fresh_start, ps->fresh_n))
        return 0;
    count_doublings(ps, &t);
    first_seen(ps, &t);
    ps->value = t.area;
    ps->error = t.errsum;
    ps->active = 0;
    remember_area(ps, &t);
    return 1;
}

/*
 * Decide problem p after a round: finish it, or mark each of its intervals
 * KEEP, SPLIT, RETIRE or DROP in w->fate (indexed by position, as w->cur).
 * Returns -1 if memory ran out.
 */
int sq_adapt_decide(engine *e, gstate *ps)
{
    struct sq_adapt_ws *w = e->w;
    view *v = &w->cur;
    totals t;
    int first = first_errors(e, ps, &t);
    if (first && first_accept(e, ps, &t))
        return 0;
    size_t n = ps->live_n + ps->fresh_n;
    if (grow_order(w, n) != 0)
        return -1;
    parent_floor(e, ps);
    if (view_of(e, ps, v) != 0)
        return -1;
    memset(w->fate, KEEP, n);
    w->counted = 0;
    if (!first) {
        sq_adapt_edges(e, w, ps, v);
        t = sq_adapt_totals(e, ps, v);
    }
    /* Neither the edges nor the totals look at fates: the intervals
     * without a value are dropped once the totals have counted them. */
    double extra_err = t.unevaluated > 0 ? drop_unevaluated(e, v) : 0;
    if (ps->status == SQ_CALLBACK_ABORT || ps->bad_round) {
        sq_adapt_finish(ps, ps->status == SQ_CALLBACK_ABORT ? SQ_CALLBACK_ABORT
                                                            : SQ_NONFINITE,
                        &t, extra_err);
        return 0;
    }
    int r = mark_fates(e, ps, v, &t, extra_err);
    remember_area(ps, &t);
    if (r == 0 && ps->active)
        budget_exit(e, ps, v, &t, extra_err);
    return r;
}
