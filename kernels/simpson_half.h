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
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "kernels.h"

#ifndef SQ_SIMPSON_DECAY
#define SQ_SIMPSON_DECAY 0.25
#define SQ_SIMPSON_ROUGH 0.25
#endif

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

/* fabs is a compiler builtin: one AND, no libm call, no errno. */
static inline double sq_fabs(double v)
{
    return fabs(v);
}

/* The spacing of doubles near |x| (at least the smallest subnormal). */
static inline double sq_ulp(double x)
{
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    bits &= 0x7ff0000000000000ull;          /* 2^exponent, as a double */
    double pow2;
    memcpy(&pow2, &bits, sizeof pow2);
    double u = pow2 * 0x1p-52;
    return u > 0x1p-1074 ? u : 0x1p-1074;
}

/*
 * Visit [c, e] with midpoint p: fc, fp, fe are known, q1 and q3 are the new
 * values at the quarter points sq_mid(c, p) and sq_mid(p, e). As in the
 * classic recursive algorithm, whole is the parent's estimate of [c, e] and
 * the visit is accepted when |left + right - whole| <= 15 tol, with value
 * left + right + delta / 15. Returns the fate (enum sq_simpson_fate) and
 * writes the contribution (zero unless accepted) and delta (signed).
 */
static inline int64_t sq_simpson_half(double c, double p, double e,
                                      double fc, double q1, double fp,
                                      double q3, double fe, double tol,
                                      double *val, double *delta_out)
{
    /* Written without branches, with 64-bit flags, so that the compiler
     * turns the estimate loop into straight vector code in one width. The
     * four divisions are the classic algorithm's own. */
    double wl = (p - c) / 6, wr = (e - p) / 6;
    double whole = sq_simpson_rule(c, e, fc, fp, fe);
    double left = wl * (fc + 4 * q1 + fp);
    double right = wr * (fp + 4 * q3 + fe);
    double delta = left + right - whole;
    double ad = sq_fabs(delta);
    int64_t finite_q1 = sq_fabs(q1) <= DBL_MAX, finite_q3 = sq_fabs(q3) <= DBL_MAX;
    int64_t finite = finite_q1 & finite_q3;

    /* Roundoff floor of delta, after QUADPACK's 50 * eps * resabs. */
    double resabs = wl * (sq_fabs(fc) + 4 * sq_fabs(q1) + sq_fabs(fp))
                  + wr * (sq_fabs(fp) + 4 * sq_fabs(q3) + sq_fabs(fe));
    int64_t noisy = ad <= 50 * DBL_EPSILON * resabs;

    /* Were [c, e] split, its halves would evaluate points an eighth of its
     * width apart. Below 32 ulps some would coincide with known points (or
     * differ by rounding alone): bisection can go no further. */
    double far = sq_fabs(c) > sq_fabs(e) ? sq_fabs(c) : sq_fabs(e);
    int64_t splittable = e - c >= 32 * sq_ulp(far);

    int64_t within = ad <= 15 * tol;
    int64_t accept = finite & within;
    int64_t rejected = finite & (accept ^ 1);
    int64_t roundoff = rejected & (noisy | (splittable ^ 1));
    int64_t split = rejected & (roundoff ^ 1);
    *val = accept | roundoff ? left + right + delta / 15 : 0.0;
    *delta_out = delta;
    return split * SQ_HALF_SPLIT + roundoff * SQ_HALF_ROUNDOFF
         + (finite ^ 1) * SQ_HALF_NONFINITE;
}

/*
 * The error a half reports. Richardson's estimate |delta| / 15 assumes the
 * error falls as h^5: then the deltas of the two halves of an interval add
 * up to R = 16 times less than its own delta (parent_delta), with the same
 * sign. If the error falls as h^p instead, R = 2^(p-1) and a half's finer
 * estimate is off by |delta| / (R - 1). Where the pair's deltas fell faster
 * than the model says (R > 16) the agreement is partly luck (two estimates
 * close by coincidence) and the model's own prediction, the half's share of
 * parent_delta / 16, is used instead. So a half reports
 * max(|delta|, its share of parent_delta / 16) / clamp(R - 1, 1, 15).
 *
 * All of that presumes the asymptotic regime, whose mark is a common sign:
 * the error of a rule keeps its sign as h halves, so parent_delta and the
 * pair's summed delta agree in sign. Where they do not, the three levels
 * of estimates are not converging in order yet, and a half's own |delta| can
 * be many times below its error (exp(-225 (x - 0.6)^2) on [0.5, 0.625]:
 * |delta| 8e-6, error 6e-5, because the coarser estimate of its parent
 * overshot and changed sign). Such a half reports, without credit, the
 * larger of its |delta| and half the pair's total |delta|. A roundoff-limited
 * half reports its |delta|; the decisions stay the classic ones.
 */
static inline double sq_simpson_error(int64_t fate, double delta,
                                      double delta_l, double delta_r,
                                      double parent_delta)
{
    double ad = sq_fabs(delta);
    double pair_ad = sq_fabs(delta_l) + sq_fabs(delta_r);
    double ratio = sq_fabs(parent_delta) / pair_ad;   /* NaN if 0 / 0 */
    double divisor = ratio - 1;
    divisor = divisor < 15 ? divisor : 15;            /* NaN takes 15 */
    divisor = divisor > 1 ? divisor : 1;
    double share = pair_ad > 0 ? ad / pair_ad : 0.5;
    double predicted = sq_fabs(parent_delta) * (1.0 / 16) * share;
    double modelled = (ad > predicted ? ad : predicted) / divisor;
    double half_pair = 0.5 * pair_ad;
    double uncredited = ad > half_pair ? ad : half_pair;
    int64_t ordered = parent_delta * (delta_l + delta_r) > 0;
    double err = ordered ? modelled : uncredited;
    return fate == SQ_HALF_ACCEPT ? err
         : fate == SQ_HALF_ROUNDOFF ? ad : 0.0;
}

/*
 * Differences that do not decay. Five equally spaced values have second,
 * third and fourth differences; where f is smooth and resolved each order
 * is smaller than the one before by the ratio of h to f's scale, and
 * Simpson's delta (the fourth) measures the error. Where they do not fall
 * (a kink or a singularity between the points) delta can be small by
 * chance, and the half's error is at least SQ_SIMPSON_ROUGH times its
 * width times the largest of them. Returns 0 where they decay.
 */
static inline double sq_simpson_rough(double w, double v0, double v1,
                                      double v2, double v3, double v4)
{
    double d2 = (sq_fabs(v0 - 2 * v1 + v2) + sq_fabs(v1 - 2 * v2 + v3)
                 + sq_fabs(v2 - 2 * v3 + v4)) * (1.0 / 3);
    double d3 = (sq_fabs(v0 - 3 * v1 + 3 * v2 - v3)
                 + sq_fabs(v1 - 3 * v2 + 3 * v3 - v4)) * 0.5;
    double d4 = sq_fabs(v0 - 4 * v1 + 6 * v2 - 4 * v3 + v4);
    double big = d2 > d3 ? d2 : d3;
    big = big > d4 ? big : d4;
    int64_t decays = d4 <= SQ_SIMPSON_DECAY * (d2 > d3 ? d2 : d3);
    double noise = 64 * DBL_EPSILON * (sq_fabs(v0) + sq_fabs(v2) + sq_fabs(v4));
    return decays || big <= noise ? 0.0 : SQ_SIMPSON_ROUGH * w * big;
}

/* delta (signed) of an interval evaluated at its five Simpson points. */
static inline double sq_simpson_delta(double a, double b, double f0,
                                      double f1, double f2, double f3,
                                      double f4)
{
    double m = sq_mid(a, b);
    double whole = sq_simpson_rule(a, b, f0, f2, f4);
    double left = sq_simpson_rule(a, m, f0, f1, f2);
    double right = sq_simpson_rule(m, b, f2, f3, f4);
    return left + right - whole;
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
