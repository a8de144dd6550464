/* SPDX-License-Identifier: MIT */
/*
 * The arithmetic of one Simpson visit, shared by the per-ISA estimate kernel
 * (which runs it lane by lane) and the engine (root visits, unfinished
 * items). It uses only +, -, *, / and comparisons, so both give the same
 * bits.
 */
#ifndef SQ_SIMPSON_HALF_H
#define SQ_SIMPSON_HALF_H

#include <float.h>
#include <stdint.h>

#include "kernels.h"

static inline double sq_mid(double u, double v)
{
    /* Equal to (u + v) / 2 for every normal u, v, and never overflows. */
    return 0.5 * u + 0.5 * v;
}

/* Simpson's rule on [c, e] with values fc, fm (at the midpoint), fe, written
 * exactly as the classic algorithm writes it. */
static inline double sq_simpson_rule(double c, double e, double fc, double fm,
                                     double fe)
{
    return (e - c) / 6 * (fc + 4 * fm + fe);
}

static inline double sq_fabs(double v)
{
    return v < 0 ? -v : v;
}

/*
 * Visit [c, e] with midpoint p: fc, fp, fe are known, q1 and q3 are the new
 * values at the quarter points sq_mid(c, p) and sq_mid(p, e). As in the
 * classic recursive algorithm, whole is the parent's estimate of [c, e] and
 * the visit is accepted when |left + right - whole| <= 15 tol, with value
 * left + right + delta / 15. Returns the fate (enum sq_simpson_fate) and
 * writes the contribution (zero unless accepted) and its error.
 */
static inline uint8_t sq_simpson_half(double c, double p, double e,
                                      double fc, double q1, double fp,
                                      double q3, double fe, double tol,
                                      double *val, double *err)
{
    double whole = sq_simpson_rule(c, e, fc, fp, fe);
    double left = sq_simpson_rule(c, p, fc, q1, fp);
    double right = sq_simpson_rule(p, e, fp, q3, fe);
    double delta = left + right - whole;
    double ad = sq_fabs(delta);
    int finite = sq_fabs(q1) <= DBL_MAX && sq_fabs(q3) <= DBL_MAX;

    /* Roundoff floor of delta, after QUADPACK's 50 * eps * resabs. */
    double resabs = sq_simpson_rule(c, p, sq_fabs(fc), sq_fabs(q1), sq_fabs(fp))
                  + sq_simpson_rule(p, e, sq_fabs(fp), sq_fabs(q3), sq_fabs(fe));
    int noisy = ad <= 50 * DBL_EPSILON * resabs;

    /* Were [c, e] split, its halves would evaluate these points. When two
     * neighbouring abscissae are adjacent doubles a new point coincides with
     * a known one, and bisection can go no further. */
    double p1 = sq_mid(c, p), p3 = sq_mid(p, e);
    double g0 = sq_mid(c, p1), g1 = sq_mid(p1, p);
    double g2 = sq_mid(p, p3), g3 = sq_mid(p3, e);
    int degenerate = !(c < g0 && g0 < p1 && p1 < g1 && g1 < p && p < g2
                       && g2 < p3 && p3 < g3 && g3 < e);

    int accept = ad <= 15 * tol;
    uint8_t fate = !finite ? SQ_HALF_NONFINITE
                 : accept ? SQ_HALF_ACCEPT
                 : (noisy || degenerate) ? SQ_HALF_ROUNDOFF
                 : SQ_HALF_SPLIT;
    int counts = fate == SQ_HALF_ACCEPT || fate == SQ_HALF_ROUNDOFF;
    *val = counts ? left + right + delta / 15 : 0.0;
    /* A roundoff-limited half reports the whole discrepancy. */
    *err = fate == SQ_HALF_ACCEPT ? ad / 15
         : fate == SQ_HALF_ROUNDOFF ? ad : 0.0;
    return fate;
}

/* Best estimate of an interval that will not be visited again, with the
 * whole discrepancy as its (pessimistic) error. */
static inline double sq_simpson_unfinished(double a, double b, double f0,
                                           double f1, double f2, double f3,
                                           double f4, double *err)
{
    double m = sq_mid(a, b);
    double whole = sq_simpson_rule(a, b, f0, f2, f4);
    double left = sq_simpson_rule(a, m, f0, f1, f2);
    double right = sq_simpson_rule(m, b, f2, f3, f4);
    double delta = left + right - whole;
    *err = sq_fabs(delta);
    return left + right + delta / 15;
}

#endif
