/* SPDX-License-Identifier: MIT */
/*
 * Gauss-Kronrod kernels, compiled once per ISA: nodes, changes of variable
 * and estimates for a tile of intervals. Loops run over intervals with the
 * node index outside, so the inner loop is a plain vector loop whatever the
 * rule's size; only correctly rounded arithmetic and sqrt are used, so the
 * results are the same bits at every ISA.
 */
#include <float.h>
#include <math.h>

#include "kernels.h"
#include "vec.h"

static void gk_nodes(size_t n, size_t ld, const sq_gk_rule *r,
                     const double *restrict c, const double *restrict h,
                     double *restrict x)
{
    for (size_t j = 0; j < n; j++)
        x[j] = c[j];
    for (int i = 0; i < r->npair; i++) {
        double xi = r->xgk[i];
        double *lo = x + (2 * (size_t)i + 1) * ld, *hi = lo + ld;
        for (size_t j = 0; j < n; j++) {
            double d = h[j] * xi;
            lo[j] = c[j] - d;
            hi[j] = c[j] + d;
        }
    }
    size_t rows = sq_gk_rows(r);
    for (size_t k = 0; k < rows; k++)
        for (size_t j = n; j < ld; j++)
            x[k * ld + j] = x[k * ld];
}

static void map_nodes(size_t rows, size_t ld, const int64_t *restrict kind,
                      const double *restrict origin,
                      const double *restrict scale, double *restrict x,
                      double *restrict jac)
{
    for (size_t k = 0; k < rows; k++) {
        double *xr = x + k * ld, *jr = jac + k * ld;
        for (size_t j = 0; j < ld; j++) {
            double t = xr[j], s = scale[j], o = origin[j];
            /* Half-infinite: u = t / (1 - t), dx/dt = s / (1 - t)^2. */
            double om = 1 - t;
            double u = t / om, du = 1 / (om * om);
            /* Doubly infinite: x = s t / (1 - t^2), dx/dt = s (1 + t^2) /
             * (1 - t^2)^2. */
            double q = (1 - t) * (1 + t);
            double v = t / q, dv = (1 + t * t) / (q * q);
            int64_t kd = kind[j];
            double xv = kd == SQ_MAP_UPPER ? o + s * u
                      : kd == SQ_MAP_LOWER ? o - s * u
                      : kd == SQ_MAP_BOTH ? s * v : t;
            double jv = kd == SQ_MAP_UPPER || kd == SQ_MAP_LOWER ? s * du
                      : kd == SQ_MAP_BOTH ? s * dv : 1.0;
            xr[j] = xv;
            jr[j] = jv;
        }
    }
}

static size_t gk_estimate(size_t n, size_t ld, const sq_gk_rule *r,
                          const double *restrict h, double *restrict y,
                          const double *restrict jac, int error_kind,
                          const sq_gk_out *out)
{
    size_t rows = sq_gk_rows(r);
    double *restrict resk = out->val, *restrict resg = out->err;
    double *restrict rabs = out->resabs, *restrict rasc = out->resasc;
    int64_t *restrict bad = out->bad;

    if (jac != NULL)
        for (size_t i = 0; i < rows * ld; i++)
            y[i] *= jac[i];

    /* Kronrod and Gauss sums, and the integral of |f|, node by node. */
    for (size_t j = 0; j < n; j++) {
        double fc = y[j];
        resk[j] = fc * r->wgk_centre;
        resg[j] = fc * r->wg_centre;
        rabs[j] = fabs(resk[j]);
        bad[j] = !(fabs(fc) <= DBL_MAX);
    }
    for (int i = 0; i < r->npair; i++) {
        const double *lo = y + (2 * (size_t)i + 1) * ld, *hi = lo + ld;
        double wk = r->wgk[i], wgi = i % 2 ? r->wg[i / 2] : 0.0;
        for (size_t j = 0; j < n; j++) {
            double f1 = lo[j], f2 = hi[j], sum = f1 + f2;
            resk[j] += wk * sum;
            resg[j] += wgi * sum;
            rabs[j] += wk * (fabs(f1) + fabs(f2));
            bad[j] |= !(fabs(f1) <= DBL_MAX) | !(fabs(f2) <= DBL_MAX);
        }
    }
    /* The interpolant at both ends: fixed weighted sums of the values, the
     * right end's weights mirrored for the left end. */
    double *restrict el = out->endl, *restrict er = out->endr;
    for (size_t j = 0; j < n; j++) {
        el[j] = r->end[0] * y[j];
        er[j] = r->end[0] * y[j];
    }
    for (int i = 0; i < r->npair; i++) {
        const double *lo = y + (2 * (size_t)i + 1) * ld, *hi = lo + ld;
        double wn = r->end[2 * i + 1], wp = r->end[2 * i + 2];
        for (size_t j = 0; j < n; j++) {
            er[j] += wn * lo[j] + wp * hi[j];
            el[j] += wp * lo[j] + wn * hi[j];
        }
    }
    /* The integral of |f - mean|, QUADPACK's measure of smoothness. */
    for (size_t j = 0; j < n; j++)
        rasc[j] = r->wgk_centre * fabs(y[j] - 0.5 * resk[j]);
    for (int i = 0; i < r->npair; i++) {
        const double *lo = y + (2 * (size_t)i + 1) * ld, *hi = lo + ld;
        double wk = r->wgk[i];
        for (size_t j = 0; j < n; j++) {
            double mean = 0.5 * resk[j];
            rasc[j] += wk * (fabs(lo[j] - mean) + fabs(hi[j] - mean));
        }
    }
    /* Scale by the half-width and form the error estimate: QUADPACK's
     * rescaling (with x^1.5 as x * sqrt(x)) and its roundoff floor. */
    size_t nbad = 0;
    for (size_t j = 0; j < n; j++) {
        double hj = h[j];
        double e = fabs((resk[j] - resg[j]) * hj);
        double ra = rabs[j] * hj, rs = rasc[j] * hj;
        double ratio = rs != 0 ? 200 * e / rs : 0.0;
        double scaled = ratio * sqrt(ratio);
        double qe = rs != 0 && e != 0 ? (scaled < 1 ? rs * scaled : rs) : e;
        double floor_ = ra > DBL_MIN / (50 * DBL_EPSILON) ? 50 * DBL_EPSILON * ra : 0.0;
        qe = qe > floor_ ? qe : floor_;
        resk[j] *= hj;
        resg[j] = error_kind == SQ_GK_ERROR_RAW ? e : qe;
        rabs[j] = ra;
        rasc[j] = rs;
        nbad += (size_t)bad[j];
    }
    return nbad;
}

const sq_gk_ops SQ_ISA_SYM(sq_gk_ops) = {
    .nodes = gk_nodes,
    .map = map_nodes,
    .estimate = gk_estimate,
};
