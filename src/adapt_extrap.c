/* SPDX-License-Identifier: MIT */
/*
 * Extrapolation, as QUADPACK's qags runs it: the sequence of a problem's
 * sums, one per level of refinement at a singularity, fed to Wynn's epsilon
 * algorithm (src/wynn.c); its verdicts (limit met, divergence, too slow);
 * and the result a problem returns when it stops.
 */
#include "adapt.h"

/* QUADPACK's test on an extrapolated limit: far from the plain sum (a
 * factor of 100 either way, or of the other sign), or a plain sum whose
 * error exceeds it, means the sums diverge and the epsilon table found an
 * antilimit (x^-1.5 on [0, 1] gives -2). Not applied when both are small
 * beside the integral of |f| of an integrand of both signs. */
static int diverges(const gstate *ps, const totals *t)
{
    const extrapolation *x = &ps->ext;
    int small_both = ps->ksgn == -1
        && fmax(fabs(x->result), fabs(t->area)) <= 0.01 * ps->defabs;
    double ratio = t->area != 0 ? x->result / t->area : INFINITY;
    return !small_both
           && (!(ratio >= 0.01) || ratio > 100 || t->errsum_q > fabs(t->area));
}

/*
 * What is left when bisection stalls: the estimates of the last three
 * rounds, A2, A1 and A0, differ by d1 = A0 - A1 and d2 = A1 - A2. Next to
 * a singularity like |x - m|^-a that no breakpoint names, each round
 * halves the interval holding it, and the corrections shrink by a steady
 * ratio r = d1 / d2 = 2^(a-1): the sum of those still to come is
 * |d1| r / (1 - r), 4 |d1| at a = 0.68, which the rule's error on the
 * last interval does not see. Corrections that do not shrink steadily
 * leave at least one more of their size.
 */
static double stalled_tail(const gstate *ps, const totals *t)
{
    if (ps->npast < 2)
        return 0;
    double d1 = t->area - ps->past_area[0], d2 = ps->past_area[0] - ps->past_area[1];
    double r = d2 != 0 ? d1 / d2 : 0;
    if (!isfinite(d1))
        return 0;
    if (!(r > 0 && r < 1))
        return fabs(d1);
    return fabs(d1) * fmin(r, 0.99) / (1 - fmin(r, 0.99));
}

/*
 * The result a problem returns when it stops without meeting the
 * tolerance by plain summation: the plain sum, or the extrapolated limit
 * when its relative error estimate is smaller (QUADPACK's choice, with its
 * test for divergence).
 */
void sq_adapt_finish(gstate *ps, sq_status status, const totals *t,
                     double extra_err)
{
    double value = t->area, error = t->errsum + extra_err;
    const extrapolation *x = &ps->ext;
    /* Why the call stopped, when it was not the integral's doing (or a
     * budget, which the caller can raise), is what the caller must hear:
     * no judgement of the sums overrides it. */
    int imposed = status == SQ_NONFINITE || status == SQ_CALLBACK_ABORT
                  || status == SQ_NOMEM || status == SQ_CANCELLED
                  || status == SQ_MAX_EVALS || status == SQ_MAX_INTERVALS;
    if (status != SQ_OK && status != SQ_NONFINITE
        && status != SQ_CALLBACK_ABORT && x->abserr < DBL_MAX) {
        double xe = x->abserr;   /* already includes erlarg */
        int use = x->result != 0 && t->area != 0
                  ? xe / fabs(x->result) <= t->errsum / fabs(t->area)
                  : xe <= t->errsum;
        if (use) {
            value = x->result;
            error = xe;
            if (!imposed && diverges(ps, t))
                status = SQ_DIVERGENT;
        }
    }
    if (x->stuck && !imposed && status != SQ_DIVERGENT)
        status = x->stuck;
    if (status == SQ_DIVERGENT) {
        /* No limit to trust: the plain sum, with an error that covers the
         * extrapolated value too (the epsilon table turns 2^k - 1, the sums
         * of 1/x^2 on [0, 1], into -1). */
        value = t->area;
        error = t->errsum + extra_err;
        if (x->abserr < DBL_MAX)
            error = fmax(error, fabs(x->result - t->area) + x->abserr);
    }
    /* A budget, a cancellation or memory stopped the problem before it was
     * done: intervals the rule has not resolved may hold anything up to
     * their integral of |f| (sin(x)/x on [0, inf), whose last intervals
     * alias the oscillation, used to end 1.01 +- 0.31 with truth pi/2),
     * and an extrapolated value is only as good as the sums under it. */
    if (status == SQ_MAX_EVALS || status == SQ_MAX_INTERVALS
        || status == SQ_CANCELLED || status == SQ_NOMEM) {
        double cover = t->errsum + extra_err + t->unresolved;
        if (value != t->area)
            cover += fabs(value - t->area);
        error = fmax(error, cover);
    }
    /* Stalled bisection: what the corrections still to come add up to;
     * as for a budget, the intervals the rule has not resolved; and where
     * the largest error is a large part of its interval's integral of |f|
     * (not rounding, as on a smooth integrand, but a singularity no node
     * comes near), that whole integral. */
    if ((status == SQ_ROUNDOFF || ps->status == SQ_ROUNDOFF) && value == t->area) {
        error += stalled_tail(ps, t) + t->unresolved + ps->stalled_rabs;
        if (t->maxerr > 1e-3 * t->maxerr_rabs)
            error += t->maxerr_rabs;
    }
    /* Growth at an end (see count_doublings in adapt_decide.c): not
     * double precision's fault, and no limit to trust. On a finite range
     * whose width overflows, sums that do not settle at its ends mean an
     * integral beyond double (1 on [-1e308, 1e308]). */
    int growing = ps->doublings >= 5 || (ps->huge && t->maxerr_at_end);
    if ((status == SQ_ROUNDOFF || status == SQ_DIVERGENT) && growing) {
        status = ps->huge ? SQ_NONFINITE : SQ_DIVERGENT;
        value = t->area;
        error = INFINITY;
        if (ps->huge)
            ps->where = NAN;
    }
    ps->value = value;
    ps->error = error;
    if (ps->status == SQ_OK)
        ps->status = status;
    ps->active = 0;
}

/* The problem's epsilon table, made on first use from the first two sums.
 * NULL if memory ran out. */
static sq_wynn *table_of(struct sq_adapt_ws *w, gstate *ps)
{
    extrapolation *x = &ps->ext;
    double r, a;
    if (x->table >= 0) {
        sq_wynn *tab = &w->tables[x->table];
        if (x->reseed) {
            sq_wynn_init(tab);
            sq_wynn_add(tab, x->seed[0], &r, &a);
            sq_wynn_add(tab, x->seed[1], &r, &a);
            x->reseed = 0;
        }
        return tab;
    }
    if (w->ntables == w->tables_cap) {
        size_t cap = w->tables_cap ? 2 * w->tables_cap : 16;
        sq_wynn *t = sq_alloc_array(cap, sizeof *t);
        if (t == NULL)
            return NULL;
        if (w->ntables > 0)
            memcpy(t, w->tables, w->ntables * sizeof *t);
        sq_free(w->tables);
        w->tables = t;
        w->tables_cap = cap;
    }
    x->table = (long)w->ntables++;
    sq_wynn *tab = &w->tables[x->table];
    sq_wynn_init(tab);
    x->reseed = 0;
    sq_wynn_add(tab, x->seed[0], &r, &a);
    sq_wynn_add(tab, x->seed[1], &r, &a);
    return tab;
}

/* One step of QUADPACK's extrapolation. Returns 1 if the extrapolated
 * limit met its tolerance (the problem is then finished), -1 if memory ran
 * out. */
int sq_adapt_extrapolate(struct sq_adapt_ws *w, gstate *ps, const totals *t,
                         double erlarg)
{
    extrapolation *x = &ps->ext;
    double reseps, abseps;
    sq_wynn *tab = table_of(w, ps);
    if (tab == NULL)
        return -1;
    sq_wynn_add(tab, t->area, &reseps, &abseps);
    /* The table's error is the spread of its last few limit estimates, a
     * gauge rather than a bound: near a logarithmic singularity their common
     * bias exceeds their spread (by 1.3 times on x^-0.9 log(1/x)), so four
     * times the spread is reported. The limit is also no more accurate than
     * the sums it was made from: every term carries the error of the large
     * intervals (erlarg), which the table cannot see, and QUADPACK's
     * roundoff floor of 50 eps times the integral of |f|. */
    if (abseps < DBL_MAX)
        abseps = 4 * abseps;
    abseps = fmax(abseps + erlarg, 50 * DBL_EPSILON * t->resabs);
    /* Nor can it see what the sums do not: jumps hidden between an end
     * and the first node, and the rounding of the nodes. */
    abseps += t->hidden + t->xnode;
    /* Five steps without a better limit, which is still far better than
     * the plain sum: QUADPACK reports divergence or too slow convergence.
     * A limit already settled to eight digits is not diverging, though: the
     * table has reached the rounding noise of the sums it is fed (which it
     * amplifies about a thousand times near a singularity), and no further
     * bisection can help: that is roundoff. */
    x->ktmin++;
    if (x->ktmin > 5 && x->abserr < 1e-3 * t->errsum_q)
        x->stuck = x->abserr <= 1e-8 * fabs(x->result) ? SQ_ROUNDOFF
                                                       : SQ_DIVERGENT;
    if (abseps < x->abserr) {
        x->ktmin = 0;
        x->abserr = abseps;
        x->result = reseps;
        x->correc = erlarg;
        x->ertest = sq_tolerance(ps->def.epsabs, ps->def.epsrel, reseps);
        if (x->abserr <= x->ertest) {
            if (diverges(ps, t)) {
                sq_adapt_finish(ps, SQ_DIVERGENT, t, 0);
                return 1;
            }
            ps->value = x->result;
            ps->error = x->abserr;
            ps->active = 0;
            return 1;
        }
    }
    if (tab->n == 1)
        x->on = 0;
    x->started = 0;
    x->small *= 0.5;
    return 0;
}

