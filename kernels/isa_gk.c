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

/* Null rules (see gk_estimate): the decay per pair of degrees below which
 * f counts as resolved, and the error of an interval where it is not, as
 * a multiple of the largest pair. */
#define SQ_GK_DECAY 0.25
#define SQ_GK_SAFETY 10.0

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

/*
 * The sums of SQ_VLEN consecutive intervals from j, with the accumulators in
 * vector registers across all rows: the Kronrod and Gauss sums, the
 * integral of |f|, the end interpolants and a finiteness flag (f - f is 0
 * for finite f and NaN otherwise), then the integral of |f - mean|, which
 * needs the Kronrod sum. Each lane performs exactly the operations of
 * gk_one, in the same order, so a value never depends on how intervals are
 * grouped or on the ISA.
 */
static inline void gk_block(size_t j, size_t ld, const sq_gk_rule *r,
                            const double *restrict y, const sq_gk_out *out)
{
    const vdouble wkc = vset1(r->wgk_centre), e0 = vset1(r->end[0]);
    vdouble fc = vload(y + j);
    vdouble k = fc * wkc, g = fc * vset1(r->wg_centre), a = vabs(k);
    vdouble l = e0 * fc, rr = e0 * fc, nb = fc - fc;
    const double *nw = r->null, *nc = r->null_centre;
    const size_t np = (size_t)r->npair;
    vdouble n0 = vset1(nc[0]) * fc, n1 = vset1(nc[1]) * fc;
    vdouble n2 = vset1(nc[2]) * fc, n3 = vset1(nc[3]) * fc;
    vdouble n4 = vset1(nc[4]) * fc, n5 = vset1(nc[5]) * fc;
    vdouble q2 = vset1(r->p2_centre) * fc;
    for (int i = 0; i < r->npair; i++) {
        vdouble f1 = vload(y + (2 * (size_t)i + 1) * ld + j);
        vdouble f2 = vload(y + (2 * (size_t)i + 2) * ld + j);
        vdouble wk = vset1(r->wgk[i]), wgi = vset1(i % 2 ? r->wg[i / 2] : 0.0);
        vdouble wn = vset1(r->end[2 * i + 1]), wp = vset1(r->end[2 * i + 2]);
        vdouble sum = f1 + f2, dif = f2 - f1;
        k = k + wk * sum;
        g = g + wgi * sum;
        a = a + wk * (vabs(f1) + vabs(f2));
        rr = rr + (wn * f1 + wp * f2);
        l = l + (wp * f1 + wn * f2);
        nb = nb + ((f1 - f1) + (f2 - f2));
        n0 = n0 + vset1(nw[i]) * sum;
        n1 = n1 + vset1(nw[np + i]) * dif;
        n2 = n2 + vset1(nw[2 * np + i]) * sum;
        n3 = n3 + vset1(nw[3 * np + i]) * dif;
        n4 = n4 + vset1(nw[4 * np + i]) * sum;
        n5 = n5 + vset1(nw[5 * np + i]) * dif;
        q2 = q2 + vset1(r->p2[i]) * sum;
    }
    vstore(out->nul[0] + j, vabs(n0) + vabs(n1));
    vstore(out->nul[3] + j, vabs(q2));
    vstore(out->nul[1] + j, vabs(n2) + vabs(n3));
    vstore(out->nul[2] + j, vabs(n4) + vabs(n5));
    vdouble mean = vset1(0.5) * k;
    vdouble s = wkc * vabs(fc - mean);
    for (int i = 0; i < r->npair; i++) {
        vdouble f1 = vload(y + (2 * (size_t)i + 1) * ld + j);
        vdouble f2 = vload(y + (2 * (size_t)i + 2) * ld + j);
        s = s + vset1(r->wgk[i]) * (vabs(f1 - mean) + vabs(f2 - mean));
    }
    vstore(out->val + j, k);
    vstore(out->err + j, g);
    vstore(out->resabs + j, a);
    vstore(out->resasc + j, s);
    vstore(out->endl + j, l);
    vstore(out->endr + j, rr);
    double flag[SQ_VLEN];
    vstore(flag, nb);
    for (size_t q = 0; q < SQ_VLEN; q++)
        out->bad[j + q] = flag[q] != flag[q];
}

/* The same sums for interval j alone, in the same order, with the
 * accumulators in registers. */
static inline void gk_one(size_t j, size_t ld, const sq_gk_rule *r,
                          const double *restrict y, const sq_gk_out *out)
{
    const double wkc = r->wgk_centre, e0 = r->end[0];
    double fc = y[j];
    double k = fc * wkc, g = fc * r->wg_centre, a = fabs(k);
    double l = e0 * fc, rr = e0 * fc;
    int64_t b = !(fabs(fc) <= DBL_MAX);
    const double *nw = r->null, *nc = r->null_centre;
    const size_t np = (size_t)r->npair;
    double n0 = nc[0] * fc, n1 = nc[1] * fc, n2 = nc[2] * fc;
    double n3 = nc[3] * fc, n4 = nc[4] * fc, n5 = nc[5] * fc;
    double q2 = r->p2_centre * fc;
    for (int i = 0; i < r->npair; i++) {
        double f1 = y[(2 * (size_t)i + 1) * ld + j];
        double f2 = y[(2 * (size_t)i + 2) * ld + j];
        double wk = r->wgk[i], wgi = i % 2 ? r->wg[i / 2] : 0.0;
        double wn = r->end[2 * i + 1], wp = r->end[2 * i + 2];
        double sum = f1 + f2, dif = f2 - f1;
        k += wk * sum;
        g += wgi * sum;
        a += wk * (fabs(f1) + fabs(f2));
        rr += wn * f1 + wp * f2;
        l += wp * f1 + wn * f2;
        b |= !(fabs(f1) <= DBL_MAX) | !(fabs(f2) <= DBL_MAX);
        n0 += nw[i] * sum;
        n1 += nw[np + i] * dif;
        n2 += nw[2 * np + i] * sum;
        n3 += nw[3 * np + i] * dif;
        n4 += nw[4 * np + i] * sum;
        n5 += nw[5 * np + i] * dif;
        q2 += r->p2[i] * sum;
    }
    out->nul[0][j] = fabs(n0) + fabs(n1);
    out->nul[3][j] = fabs(q2);
    out->nul[1][j] = fabs(n2) + fabs(n3);
    out->nul[2][j] = fabs(n4) + fabs(n5);
    double mean = 0.5 * k;
    double s = wkc * fabs(fc - mean);
    for (int i = 0; i < r->npair; i++) {
        double f1 = y[(2 * (size_t)i + 1) * ld + j];
        double f2 = y[(2 * (size_t)i + 2) * ld + j];
        s += r->wgk[i] * (fabs(f1 - mean) + fabs(f2 - mean));
    }
    out->val[j] = k;
    out->err[j] = g;
    out->resabs[j] = a;
    out->resasc[j] = s;
    out->endl[j] = l;
    out->endr[j] = rr;
    out->bad[j] = b;
}

/* The spacing of doubles at v >= 0 (an upper bound, from the exponent). */
static inline double gk_ulp(double v)
{
    int e;
    frexp(v, &e);
    return ldexp(DBL_EPSILON, e);
}

static size_t gk_estimate(size_t n, size_t ld, const sq_gk_rule *r,
                          const double *restrict c, const double *restrict h,
                          double *restrict y,
                          const double *restrict jac, int error_kind,
                          const sq_gk_out *out)
{
    size_t rows = sq_gk_rows(r);
    if (jac != NULL)
        for (size_t i = 0; i < rows * ld; i++)
            y[i] *= jac[i];

    /* Whole vectors of intervals, then the rest one at a time. */
    size_t j = 0;
    for (; j + SQ_VLEN <= n; j += SQ_VLEN)
        gk_block(j, ld, r, y, out);
    for (; j < n; j++)
        gk_one(j, ld, r, y, out);

    /*
     * Scale by the half-width and form the error estimate: QUADPACK's
     * rescaling (with x^1.5 as x * sqrt(x)) and its roundoff floor; then,
     * unless QUADPACK's estimate alone is asked for, the null rules.
     *
     * |K - G| is one linear combination of the values: it sees only the
     * highest Legendre coefficient of the rule's interpolant, which can
     * vanish by chance where the interpolant is not converging at all (a
     * singularity or a jump between the nodes; the coefficients of
     * |x - l|^a then oscillate without decaying). Such an interval is
     * accepted with an error hundreds of times too small. The null rules
     * measure the next coefficients too, in pairs E1 (degrees n, n - 1),
     * E2 and E3. Where f is smooth and resolved they fall geometrically,
     * by far more than SQ_GK_DECAY per pair; where they do not, the rule
     * is not in its asymptotic regime and the interval's error is at least
     * SQ_GK_SAFETY times the largest of them (times h), whatever |K - G|
     * says. Values are noisy by the rounding of the nodes (an ulp of the
     * abscissa times the slope, bounded by resasc / h^2) and by their own:
     * null rules under 16 times that noise say nothing.
     */
    double *restrict resk = out->val, *restrict resg = out->err;
    double *restrict rabs = out->resabs, *restrict rasc = out->resasc;
    const int64_t *restrict bad = out->bad;
    size_t nbad = 0;
    for (j = 0; j < n; j++) {
        double hj = h[j];
        double e = fabs((resk[j] - resg[j]) * hj);
        double ra = rabs[j] * hj, rs = rasc[j] * hj;
        double ratio = rs != 0 ? 200 * e / rs : 0.0;
        double scaled = ratio * sqrt(ratio);
        double qe = rs != 0 && e != 0 ? (scaled < 1 ? rs * scaled : rs) : e;
        double floor_ = ra > DBL_MIN / (50 * DBL_EPSILON) ? 50 * DBL_EPSILON * ra : 0.0;
        qe = qe > floor_ ? qe : floor_;
        if (error_kind == SQ_GK_ERROR_RAW)
            qe = e;
        out->qerr[j] = qe;
        double err = qe;
        if (error_kind == SQ_GK_ERROR_NULL) {
            double e1 = out->nul[0][j], e2 = out->nul[1][j], e3 = out->nul[2][j];
            double emax = e1 > e2 ? e1 : e2;
            emax = emax > e3 ? emax : e3;
            double noise = gk_ulp(fabs(c[j]) + hj) * (rs / (hj * hj))
                           + 4 * DBL_EPSILON * (ra / hj);
            double quiet = 4 * noise;
            int decays = (e1 <= SQ_GK_DECAY * e2 || e1 <= quiet)
                         && (e2 <= SQ_GK_DECAY * e3 || e2 <= quiet);
            double na = SQ_GK_SAFETY * emax * hj;
            if (!decays && emax > 16 * noise && na > err)
                err = na;
        }
        /* The nodes are rounded: f is evaluated a fraction of an ulp away
         * from them. Around a representable centre the roundings of c + d
         * and c - d are opposite, so the first-order error cancels and what
         * is left is about 1.5 ulp times the curvature coefficient c2 (an
         * ulp times f'' h^2). Summed over intervals in quadrature by the
         * engine; it matters only at sharp peaks far from 0. */
        out->xerr[j] = 1.5 * gk_ulp(fabs(c[j]) + hj) * out->nul[3][j];
        resk[j] *= hj;
        resg[j] = err;
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
