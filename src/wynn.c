/* SPDX-License-Identifier: MIT */
/*
 * Wynn's epsilon algorithm, as QUADPACK's qelg uses it to accelerate the
 * sequence of integral estimates near an endpoint singularity.
 *
 * The table holds the last column of the epsilon scheme; each new element
 * extends it by one diagonal. The new limit estimate is the best element of
 * the new diagonal (the one whose neighbours differ least); its error is
 * estimated from the last three limit estimates. Irregular behaviour (two
 * neighbours equal to machine precision, or a vanishing correction) cuts the
 * table short. Everything is plain arithmetic on one small array per
 * integral: deterministic and free of allocation.
 */
#include <float.h>
#include <math.h>

#include "internal.h"

void sq_wynn_init(sq_wynn *w)
{
    /* Entries are written before they are read: the counts suffice. */
    w->n = 0;
    w->nres = 0;
}

static double max2(double a, double b)
{
    return a > b ? a : b;
}

void sq_wynn_add(sq_wynn *w, double x, double *result, double *abserr)
{
    double *e = w->tab;
    size_t num = w->n + 1;       /* elements, the new one included */
    size_t m = num - 1;          /* index of the new element */
    e[m] = x;
    *result = x;
    *abserr = DBL_MAX;
    w->n = num;
    if (num < 3)
        return;                  /* nothing to extrapolate yet */
    size_t count = w->nres++;    /* limit estimates made before this one */

    size_t newelm = m / 2;
    size_t kept = num;           /* elements the table keeps */
    e[m + 2] = e[m];
    e[m] = DBL_MAX;
    for (size_t i = 0; i < newelm; i++) {
        size_t k1 = m - 2 * i;
        double res = e[k1 + 2];
        double e0 = e[k1 - 2], e1 = e[k1 - 1], e2 = res;
        double delta2 = e2 - e1, err2 = fabs(delta2);
        double tol2 = max2(fabs(e2), fabs(e1)) * DBL_EPSILON;
        double delta3 = e1 - e0, err3 = fabs(delta3);
        double tol3 = max2(fabs(e1), fabs(e0)) * DBL_EPSILON;
        if (err2 <= tol2 && err3 <= tol3) {
            /* e0, e1, e2 agree to machine precision: converged. The
             * limit still counts as one of the last three estimates. */
            *result = res;
            *abserr = max2(err2 + err3, 5 * DBL_EPSILON * fabs(res));
            if (count < 3) {
                w->res3la[count] = res;
            } else {
                w->res3la[0] = w->res3la[1];
                w->res3la[1] = w->res3la[2];
                w->res3la[2] = res;
            }
            return;
        }
        double e3 = e[k1];
        e[k1] = e1;
        double delta1 = e1 - e3, err1 = fabs(delta1);
        double tol1 = max2(fabs(e1), fabs(e3)) * DBL_EPSILON;
        double ss = 0;
        if (err1 > tol1 && err2 > tol2 && err3 > tol3)
            ss = (1 / delta1 + 1 / delta2) - 1 / delta3;
        if (ss == 0 || fabs(ss * e1) <= 1e-4) {
            /* Two elements too close, or an irregular step: keep only the
             * part of the table before it. */
            kept = 2 * i + 1;
            break;
        }
        res = e1 + 1 / ss;
        e[k1] = res;
        double error = err2 + fabs(res - e2) + err3;
        if (error <= *abserr) {
            *abserr = error;
            *result = res;
        }
    }
    if (kept == SQ_WYNN_LIMIT)
        kept = 2 * (SQ_WYNN_LIMIT / 2) - 1;

    /* Shift the new diagonal's elements into place, then drop what was cut
     * off at the top. */
    for (size_t i = num % 2 == 1 ? 0 : 1, k = 0; k <= newelm; i += 2, k++)
        e[i] = e[i + 2];
    if (kept != num)
        for (size_t i = 0; i < kept; i++)
            e[i] = e[num - kept + i];
    w->n = kept;

    if (count < 3) {
        w->res3la[count] = *result;
        *abserr = DBL_MAX;
        return;
    }
    *abserr = fabs(*result - w->res3la[2]) + fabs(*result - w->res3la[1])
            + fabs(*result - w->res3la[0]);
    /* QUADPACK's estimate sums the last three differences. When the limit
     * estimates themselves converge slowly and steadily (ratio rho close to
     * 1, as near a logarithmic singularity) the distance to the limit is the
     * geometric tail d rho / (1 - rho), which can be larger. */
    double d_old = fabs(w->res3la[2] - w->res3la[1]);
    double d_new = fabs(*result - w->res3la[2]);
    if (d_old > 0) {
        double rho = d_new / d_old;
        if (rho < 1)
            *abserr = max2(*abserr, d_new * rho / (1 - rho));
    }
    w->res3la[0] = w->res3la[1];
    w->res3la[1] = w->res3la[2];
    w->res3la[2] = *result;
    *abserr = max2(*abserr, 5 * DBL_EPSILON * fabs(*result));
}
