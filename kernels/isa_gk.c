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

/* Loads and stores of the first m <= SQ_VLEN lanes (masked for m below
 * a whole vector: nothing beyond p + m is touched). */
static inline vdouble vload_n(const double *p, size_t m)
{
    return m >= SQ_VLEN ? vload(p) : vload_part(p, m);
}

static inline void vstore_n(double *p, size_t m, vdouble v)
{
    if (m >= SQ_VLEN)
        vstore(p, v);
    else
        vstore_part(p, m, v);
}

/*
 * The sums of SQ_VLEN consecutive intervals from j, with the accumulators in
 * vector registers across all rows: the Kronrod and Gauss sums, the
 * integral of |f|, the end interpolants and a finiteness flag (f - f is 0
 * for finite f and NaN otherwise), then the integral of |f - mean|, which
 * needs the Kronrod sum; m <= SQ_VLEN lanes are real. Each lane performs
 * the same correctly rounded operations in the same order, so a value
 * never depends on how intervals are grouped or on the ISA.
 */
static inline void gk_block(size_t j, size_t m, size_t ld, const sq_gk_rule *r,
                            const double *restrict y, const sq_gk_out *out,
                            const int full)
{
    const vdouble wkc = vset1(r->wgk_centre), e0 = vset1(r->end[0]);
    vdouble fc = vload_n(y + j, m);
    vdouble k = fc * wkc, g = fc * vset1(r->wg_centre), a = vabs(k);
    vdouble l = e0 * fc, rr = e0 * fc, nb = fc - fc;
    const double *nw = r->null, *nc = r->null_centre;
    const size_t np = (size_t)r->npair;
    vdouble n0 = vset1(nc[0]) * fc, n1 = vset1(nc[1]) * fc;
    vdouble n2 = vset1(nc[2]) * fc, n3 = vset1(nc[3]) * fc;
    vdouble n4 = vset1(nc[4]) * fc, n5 = vset1(nc[5]) * fc;
    vdouble q2 = vset1(r->p2_centre) * fc;
    const vdouble d0 = vset1(r->dend[0]);
    vdouble dl = d0 * fc, dr = d0 * fc;
    vdouble hl = vabs(fc), hr = hl, ol = fc - fc, orr = ol;
    for (int i = 0; i < r->npair; i++) {
        vdouble f1 = vload_n(y + (2 * (size_t)i + 1) * ld + j, m);
        vdouble f2 = vload_n(y + (2 * (size_t)i + 2) * ld + j, m);
        vdouble a1 = vabs(f1), a2 = vabs(f2);
        if (full) {
            vdouble xi = vset1(r->xgk[i]);
            ol = vselect_gt(a1, hl, vset1(-r->xgk[i]), ol);
            hl = vselect_gt(a1, hl, a1, hl);
            orr = vselect_gt(a2, hr, xi, orr);
            hr = vselect_gt(a2, hr, a2, hr);
        }
        vdouble wk = vset1(r->wgk[i]), wgi = vset1(i % 2 ? r->wg[i / 2] : 0.0);
        vdouble sum = f1 + f2, dif = f2 - f1;
        k = k + wk * sum;
        g = g + wgi * sum;
        a = a + wk * (a1 + a2);
        if (full) {
            vdouble wn = vset1(r->end[2 * i + 1]), wp = vset1(r->end[2 * i + 2]);
            rr = rr + (wn * f1 + wp * f2);
            l = l + (wp * f1 + wn * f2);
        }
        nb = nb + ((f1 - f1) + (f2 - f2));
        n0 = n0 + vset1(nw[i]) * sum;
        n1 = n1 + vset1(nw[np + i]) * dif;
        n2 = n2 + vset1(nw[2 * np + i]) * sum;
        n3 = n3 + vset1(nw[3 * np + i]) * dif;
        n4 = n4 + vset1(nw[4 * np + i]) * sum;
        n5 = n5 + vset1(nw[5 * np + i]) * dif;
        q2 = q2 + vset1(r->p2[i]) * sum;
        if (full) {
            vdouble dn = vset1(r->dend[2 * i + 1]), dp = vset1(r->dend[2 * i + 2]);
            dr = dr + (dn * f1 + dp * f2);
            dl = dl + (dp * f1 + dn * f2);
        }
    }
    if (full) {
        vstore_n(out->left_max + j, m, hl);
        vstore_n(out->left_at + j, m, ol);
        vstore_n(out->right_max + j, m, hr);
        vstore_n(out->right_at + j, m, orr);
        vstore_n(out->dl + j, m, dl);
        vstore_n(out->dr + j, m, dr);
    }
    vstore_n(out->nul[0] + j, m, vabs(n0) + vabs(n1));
    vstore_n(out->nul[3] + j, m, vabs(q2));
    vstore_n(out->nul[1] + j, m, vabs(n2) + vabs(n3));
    vstore_n(out->nul[2] + j, m, vabs(n4) + vabs(n5));
    vdouble mean = vset1(0.5) * k;
    vdouble s = wkc * vabs(fc - mean);
    for (int i = 0; i < r->npair; i++) {
        vdouble f1 = vload_n(y + (2 * (size_t)i + 1) * ld + j, m);
        vdouble f2 = vload_n(y + (2 * (size_t)i + 2) * ld + j, m);
        s = s + vset1(r->wgk[i]) * (vabs(f1 - mean) + vabs(f2 - mean));
    }
    vstore_n(out->val + j, m, k);
    vstore_n(out->err + j, m, g);
    vstore_n(out->resabs + j, m, a);
    vstore_n(out->resasc + j, m, s);
    if (full) {
        vstore_n(out->endl + j, m, l);
        vstore_n(out->endr + j, m, rr);
    }
    double flag[SQ_VLEN];
    vstore(flag, nb);
    for (size_t q = 0; q < m; q++)
        out->bad[j + q] = flag[q] != flag[q];
}

/*
 * Where a jump or a kink lies between the nodes of SQ_VLEN intervals from
 * j (see sq_gk_out.jump), for the lanes whose error is at the cap (resasc,
 * after gk_finish): the rule has not resolved them. The nodes from left to
 * right (position s = 0 .. 2 npair) are rows 1, 3, ..., 2 npair - 1
 * (c - h xgk[i], i rising), the centre (row 0), then rows 2 npair, ..., 4,
 * 2 (c + h xgk[i], i falling).
 *
 * A jump is a cliff in the values: one step (between nodes s - 1 and s)
 * at least 3/4 of all the steps together and four times each step beside
 * it. A kink is a cliff in the slopes: the slope changes at two
 * neighbouring nodes s and s + 1 together at least 3/4 of all the changes
 * and 32 times each change beside them; it lies between nodes s and s + 1
 * when both changes are real (an eighth of the two or more), else next to
 * the one that is, and the lines through the nodes on its two sides must
 * cross there. Either needs three nodes on each side, its own included. A
 * pole, a narrow peak or an interior singularity rises and falls (its
 * slope changes at three nodes or more, and the lines beside it cross
 * elsewhere), and a steep rise towards an end grows step after step:
 * none is a cliff. Each of these limits was found by a false success when
 * it was looser: a peak between the last two nodes cut as a jump (168 in
 * 10^4 poles at 1e-12), a pole whose lines crossed beside the window and
 * a singularity |x - m|^-a with neighbours an eighth of the pair.
 *
 * The scans are vector passes; the verdict of each lane is scalar code on
 * the lane's own values (the same operations, so the same bits at every
 * ISA), and a block with no lane at its cap costs one comparison.
 */
/* The row of the node at position s from the left (see gk_jump), and its
 * offset from the centre in units of h. */
static inline size_t gk_row(size_t np, size_t s)
{
    return s < np ? 2 * s + 1 : s == np ? 0 : 2 * (2 * np - s) + 2;
}

static inline double gk_offset(const sq_gk_rule *r, size_t s)
{
    size_t np = (size_t)r->npair;
    return s < np ? -r->xgk[s] : s == np ? 0.0 : r->xgk[2 * np - s];
}

/* The nodes from left to right, as gk_jump walks them: the row of the
 * node at each position, and the inverse gap between it and the node
 * before (position 0 has none). Filled once per call of the estimate,
 * when a block first needs a scan. */
typedef struct gk_walk {
    size_t row[2 * SQ_GK_MAX_PAIRS + 1];
    double gap[2 * SQ_GK_MAX_PAIRS + 1];
} gk_walk;

static void gk_walk_of(const sq_gk_rule *r, gk_walk *w)
{
    size_t np = (size_t)r->npair, last = 2 * np;
    for (size_t s = 0; s <= last; s++) {
        w->row[s] = gk_row(np, s);
        w->gap[s] = s == 0 ? 0.0 : r->gap_inv[s <= np ? s - 1 : last - s];
    }
}

/* One step of the walk, from the node before position s to s: the
 * value's change (added to *tot) and the slope between them. */
static inline vdouble gk_step(const gk_walk *w, size_t s, const double *y,
                              size_t ld, size_t j, size_t m, vdouble *prev,
                              vdouble *tot, vdouble *ad)
{
    vdouble cur = vload_n(y + w->row[s] * ld + j, m);
    vdouble d = cur - *prev;
    *ad = vabs(d);
    *tot = *tot + *ad;
    *prev = cur;
    return d * vset1(w->gap[s]);
}

static inline void gk_jump(size_t j, size_t m, size_t ld, const sq_gk_rule *r,
                           const gk_walk *w, const double *restrict y,
                           const sq_gk_out *out)
{
    enum { MAXPOS = 2 * SQ_GK_MAX_PAIRS + 1 };
    const size_t np = (size_t)r->npair, last = 2 * np;
    const vdouble zero = vset1(0.0);
    /* Steps and slopes between neighbours, changes of slope; the largest
     * step (positions 3 .. last - 2). The verdicts read the few values
     * they need again from y. The walk is peeled so that each step does
     * only its own work; every accumulator sees the same operations in
     * the same order as a plain loop. */
    double change[MAXPOS][SQ_VLEN];
    vdouble prev = vload_n(y + w->row[0] * ld + j, m), tot = zero, ctot = zero;
    vdouble best = zero, at = zero, ad;
    vdouble sl_prev = gk_step(w, 1, y, ld, j, m, &prev, &tot, &ad), sl, ch;
#define SQ_CHANGE(s)                    \
    ch = vabs(sl - sl_prev);            \
    vstore(change[(s) - 1], ch);        \
    ctot = ctot + ch;                   \
    sl_prev = sl
    sl = gk_step(w, 2, y, ld, j, m, &prev, &tot, &ad);
    SQ_CHANGE(2);
    for (size_t s = 3; s + 2 <= last; s++) {
        sl = gk_step(w, s, y, ld, j, m, &prev, &tot, &ad);
        vdouble up = vlt(best, ad);
        at = vwhere(up, vset1((double)s), at);
        best = vwhere(up, ad, best);
        SQ_CHANGE(s);
    }
    for (size_t s = last - 1; s <= last; s++) {
        sl = gk_step(w, s, y, ld, j, m, &prev, &tot, &ad);
        SQ_CHANGE(s);
    }
#undef SQ_CHANGE
    /* The largest pair of changes whose neighbours are 32 times smaller. */
    vdouble kbest = zero, ks = zero;
    for (size_t s = 3; s + 4 <= last; s++) {
        vdouble pair = vload(change[s]) + vload(change[s + 1]);
        vdouble lo = vload(change[s - 1]), hi = vload(change[s + 2]);
        vdouble side = vselect_gt(lo, hi, lo, hi);
        vdouble up = vlt(kbest, pair) * vle(vset1(32.0) * side, pair);
        ks = vwhere(up, vset1((double)s), ks);
        kbest = vwhere(up, pair, kbest);
    }
    double tb[SQ_VLEN], ta[SQ_VLEN], tt[SQ_VLEN], kb[SQ_VLEN], kk[SQ_VLEN],
        kt[SQ_VLEN];
    vstore(tb, best);
    vstore(ta, at);
    vstore(tt, tot);
    vstore(kb, kbest);
    vstore(kk, ks);
    vstore(kt, ctot);
    for (size_t q = 0; q < m; q++) {
        double code = 0;
        const double *yq = y + j + q;
#define SQ_NODE(s) yq[w->row[s] * ld]
        if (out->err[j + q] > 0 && out->err[j + q] >= out->resasc[j + q]) {
            size_t s = (size_t)ta[q];
            if (tb[q] > 0 && 0.75 * tt[q] <= tb[q]
                && 4 * fabs(SQ_NODE(s - 1) - SQ_NODE(s - 2)) <= tb[q]
                && 4 * fabs(SQ_NODE(s + 1) - SQ_NODE(s)) <= tb[q]) {
                code = (double)(32 * (s - 1) + s);
            } else if (kb[q] > 0 && 0.75 * kt[q] <= kb[q]) {
                /* Between nodes s and s + 1, or next to the one real
                 * change; where the lines through the nodes on either side
                 * cross inside the window, as a kink's two sides do. */
                s = (size_t)kk[q];
                double lone = 0.125 * kb[q];
                size_t a = change[s][q] < lone ? s : change[s + 1][q] < lone ? s - 1 : s;
                size_t b = change[s][q] < lone ? s + 2 : s + 1;
                double oa = gk_offset(r, a), ob = gk_offset(r, b);
                double va = SQ_NODE(a), vb = SQ_NODE(b);
                double sa = (va - SQ_NODE(a - 1)) * r->gap_inv[a <= np ? a - 1 : last - a];
                double sb = (SQ_NODE(b + 1) - vb) * r->gap_inv[b + 1 <= np ? b : last - b - 1];
                double d = sa - sb;
                double n = vb - va + sa * oa - sb * ob;
                if (d != 0 && (n - oa * d) * d >= 0 && (ob * d - n) * d >= 0)
                    code = (double)(32 * a + b);
            }
        }
#undef SQ_NODE
        out->jump[j + q] = code;
    }
}

/* The spacing of doubles at v >= 0 (an upper bound, from the exponent):
 * 2^(E - 1074) for the biased exponent E, the leading power of two times
 * 2^-51, and never below the smallest subnormal. Exact in every lane. */
static inline vdouble gk_ulp(vdouble v)
{
    vdouble u = vexpo(v) * vset1(0x1p-51);
    return vselect_gt(u, vset1(0x1p-1074), u, vset1(0x1p-1074));
}

/* The columns gk_finish reads and writes, from interval j on. */
typedef struct gk_cols {
    double *val, *err, *rabs, *rasc, *qerr, *xerr, *dl, *dr, *slack;
    const double *c, *h;
    double *nul[4];
} gk_cols;

/*
 * Scale SQ_VLEN intervals' sums by their half-widths and form the error
 * estimate (see gk_estimate), with every choice a select, so that each
 * lane does the same arithmetic whatever its neighbours.
 */
static inline void gk_finish(size_t j, size_t m, const gk_cols *k, int error_kind,
                             const int full)
{
    const vdouble zero = vset1(0.0), one = vset1(1.0);
    const vdouble feps = vset1(50 * DBL_EPSILON);
    vdouble hj = vload_n(k->h + j, m);
    vdouble resk = vload_n(k->val + j, m), resg = vload_n(k->err + j, m);
    vdouble e = vabs((resk - resg) * hj);
    vdouble ra = vload_n(k->rabs + j, m) * hj, rs = vload_n(k->rasc + j, m) * hj;
    vdouble ratio = vwhere(vne(rs, zero), vset1(200.0) * e / rs, zero);
    vdouble scaled = ratio * vsqrt(ratio);
    vdouble qe = vwhere(vne(rs, zero) * vne(e, zero),
                        vselect_gt(one, scaled, rs * scaled, rs), e);
    vdouble floor_ = vselect_gt(ra, vset1(DBL_MIN / (50 * DBL_EPSILON)), feps * ra,
                                zero);
    qe = vselect_gt(qe, floor_, qe, floor_);
    if (error_kind == SQ_GK_ERROR_RAW)
        qe = e;
    vstore_n(k->qerr + j, m, qe);
    vdouble err = qe;
    vdouble ulp = gk_ulp(vabs(vload_n(k->c + j, m)) + hj);
    if (error_kind == SQ_GK_ERROR_NULL) {
        vdouble e1 = vload_n(k->nul[0] + j, m), e2 = vload_n(k->nul[1] + j, m);
        vdouble e3 = vload_n(k->nul[2] + j, m);
        vdouble emax = vselect_gt(e1, e2, e1, e2);
        emax = vselect_gt(emax, e3, emax, e3);
        vdouble noise = ulp * (rs / (hj * hj))
                        + vset1(4 * DBL_EPSILON) * (ra / hj);
        vdouble quiet = vset1(4.0) * noise;
        vdouble decay = vset1(SQ_GK_DECAY);
        vdouble d1 = vle(e1, decay * e2) + vle(e1, quiet);
        vdouble d2 = vle(e2, decay * e3) + vle(e2, quiet);
        vdouble na = vset1(SQ_GK_SAFETY) * emax * hj;
        /* Not decaying (d1 or d2 zero), above the noise, above err. */
        vdouble raise = veq(d1 * d2, zero) * vlt(vset1(16.0) * noise, emax)
                        * vlt(err, na);
        err = vwhere(raise, na, err);
    }
    /* The nodes are rounded: f is evaluated a fraction of an ulp away
     * from them. Around a representable centre the roundings of c + d
     * and c - d are opposite, so the first-order error cancels and what
     * is left is about 1.5 ulp times the curvature coefficient c2 (an
     * ulp times f'' h^2). Summed over intervals in quadrature by the
     * engine; it matters only at sharp peaks far from 0. */
    vstore_n(k->xerr + j, m, vset1(1.5) * ulp * vload_n(k->nul[3] + j, m));
    vstore_n(k->val + j, m, resk * hj);
    vstore_n(k->err + j, m, err);
    if (!full) {
        vstore_n(k->rabs + j, m, ra);
        vstore_n(k->rasc + j, m, rs);
        return;
    }
    /* The end slopes per unit of x, and the slack: the error per unit
     * width, the rounding of |f| and 4 ulps of the end times the slope
     * bound resasc / h^2 (the ulp is the spacing just above |c| + h). */
    vdouble inv = one / hj;
    vstore_n(k->dl + j, m, vabs(vload_n(k->dl + j, m)) / hj);
    vstore_n(k->dr + j, m, vabs(vload_n(k->dr + j, m)) / hj);
    vdouble above = vexpo(vabs(vload_n(k->c + j, m)) + hj) * vset1(0x1p-52);
    above = vselect_gt(above, vset1(0x1p-1074), above, vset1(0x1p-1074));
    vdouble slope = rs * inv * inv;
    vstore_n(k->slack + j, m,
             (err + vset1(4 * DBL_EPSILON) * ra) * (vset1(0.5) * inv)
                 + vset1(4.0) * above * slope);
    vstore_n(k->rabs + j, m, ra);
    vstore_n(k->rasc + j, m, rs);
}

#if SQ_VLEN > 1
/* The scalar ISA's table (and AVX2's, for AVX-512): the same arithmetic,
 * lane for lane. */
extern const sq_gk_ops sq_gk_ops_scalar;
#if SQ_VLEN > 4
extern const sq_gk_ops sq_gk_ops_avx2;
#endif
#endif

static size_t gk_after_sums(size_t n, size_t ld, const sq_gk_rule *r,
                       const double *restrict c, const double *restrict h,
                       const double *restrict y, int error_kind, const sq_gk_out *out);

#if SQ_VLEN == 4
/*
 * The sums of one interval with the lanes across them instead of across
 * intervals: a round of one interval (every single integral's first)
 * would fill one lane of each vector. Lanes of p0 and p1 hold the
 * Kronrod and Gauss sums, the null rules and P_2's coefficient, each an
 * accumulator plus its weight times the pair's sum or difference; lanes
 * of s hold the end interpolants and slopes, an accumulator plus w1 f1 +
 * w2 f2. Each lane does exactly gk_block's operations for its
 * accumulator, in the same order, so every value has the same bits.
 */
static void gk_one(size_t ld, const sq_gk_rule *r, const double *restrict y,
                   const sq_gk_out *out)
{
    const size_t np = (size_t)r->npair;
    const double *nw = r->null, *nc = r->null_centre;
    const double fc = y[0];
    const vdouble fcv = vset1(fc);
    /* p0 = [k, g, n0, n2], p1 = [n4, q2, n1, n3], s = [rr, l, dr, dl] */
    double w[4] = {r->wgk_centre, r->wg_centre, nc[0], nc[2]};
    vdouble p0 = fcv * vload(w);
    w[0] = nc[4], w[1] = r->p2_centre, w[2] = nc[1], w[3] = nc[3];
    vdouble p1 = fcv * vload(w);
    w[0] = w[1] = r->end[0], w[2] = w[3] = r->dend[0];
    vdouble sv = fcv * vload(w);
    double n5 = nc[5] * fc, a = fabs(fc * r->wgk_centre), nb = fc - fc;
    double hl = fabs(fc), hr = hl, ol = fc - fc, orr = ol;
    const double dmask[4] = {0, 0, 1, 1};
    const vdouble dsel = vload(dmask);
    for (size_t i = 0; i < np; i++) {
        double f1 = y[(2 * i + 1) * ld], f2 = y[(2 * i + 2) * ld];
        double a1 = fabs(f1), a2 = fabs(f2);
        ol = a1 > hl ? -r->xgk[i] : ol;
        hl = a1 > hl ? a1 : hl;
        orr = a2 > hr ? r->xgk[i] : orr;
        hr = a2 > hr ? a2 : hr;
        double sum = f1 + f2, dif = f2 - f1, wk = r->wgk[i];
        a = a + wk * (a1 + a2);
        nb = nb + ((f1 - f1) + (f2 - f2));
        n5 = n5 + nw[5 * np + i] * dif;
        vdouble sv_ = vset1(sum), dv = vset1(dif);
        double w0[4] = {wk, i % 2 ? r->wg[i / 2] : 0.0, nw[i], nw[2 * np + i]};
        double w1[4] = {nw[4 * np + i], r->p2[i], nw[np + i], nw[3 * np + i]};
        double e1[4] = {r->end[2 * i + 1], r->end[2 * i + 2], r->dend[2 * i + 1],
                        r->dend[2 * i + 2]};
        double e2[4] = {e1[1], e1[0], e1[3], e1[2]};
        p0 = p0 + vload(w0) * sv_;
        p1 = p1 + vload(w1) * vwhere(dsel, dv, sv_);
        sv = sv + (vload(e1) * vset1(f1) + vload(e2) * vset1(f2));
    }
    double q0[4], q1[4], qs[4];
    vstore(q0, p0);
    vstore(q1, p1);
    vstore(qs, sv);
    double k = q0[0];
    out->left_max[0] = hl;
    out->left_at[0] = ol;
    out->right_max[0] = hr;
    out->right_at[0] = orr;
    out->dl[0] = qs[3];
    out->dr[0] = qs[2];
    out->nul[0][0] = fabs(q0[2]) + fabs(q1[2]);
    out->nul[3][0] = fabs(q1[1]);
    out->nul[1][0] = fabs(q0[3]) + fabs(q1[3]);
    out->nul[2][0] = fabs(q1[0]) + fabs(n5);
    double mean = 0.5 * k;
    double s = r->wgk_centre * fabs(fc - mean);
    for (size_t i = 0; i < np; i++) {
        double f1 = y[(2 * i + 1) * ld], f2 = y[(2 * i + 2) * ld];
        s = s + r->wgk[i] * (fabs(f1 - mean) + fabs(f2 - mean));
    }
    out->val[0] = k;
    out->err[0] = q0[1];
    out->resabs[0] = a;
    out->resasc[0] = s;
    out->endl[0] = qs[1];
    out->endr[0] = qs[0];
    out->bad[0] = nb != nb;
}
#endif

static size_t gk_estimate(size_t n, size_t ld, const sq_gk_rule *r,
                          const double *restrict c, const double *restrict h,
                          double *restrict y,
                          const double *restrict jac, int error_kind,
                          const sq_gk_out *out)
{
#if SQ_VLEN > 1
    /* One interval is a masked vector of one real lane: the scalar
     * kernel does the same operations for less (divisions and square
     * roots of one double, not of a whole register; measured on the
     * battery). Every ISA gives the same bits, so this changes no value.
     * At AVX2 its sums run across the lanes (gk_one), the rest is the
     * scalar kernel's. */
#if SQ_VLEN == 4
    if (n == 1 && !(error_kind & SQ_GK_LEAN)) {
        if (jac != NULL)
            for (size_t i = 0; i < sq_gk_rows(r) * ld; i++)
                y[i] *= jac[i];
        gk_one(ld, r, y, out);
        return sq_gk_ops_scalar.after_sums(1, ld, r, c, h, y, error_kind, out);
    }
#endif
    if (n == 1)
        return sq_gk_ops_scalar.estimate(n, ld, r, c, h, y, jac, error_kind, out);
#if SQ_VLEN > 4
    /* Likewise up to four intervals at AVX-512: half a register of real
     * lanes runs faster in AVX2's. */
    if (n <= 4)
        return sq_gk_ops_avx2.estimate(n, ld, r, c, h, y, jac, error_kind, out);
#endif
#endif
    size_t rows = sq_gk_rows(r);
    if (jac != NULL)
        for (size_t i = 0; i < rows * ld; i++)
            y[i] *= jac[i];

    /* Whole vectors of intervals, the last one partial (masked loads and
     * stores): lanes are independent, so an interval's values do not
     * depend on where in a vector it falls. */
    /* Lean: the value and error alone (the ends, slopes, node maxima and
     * jumps are for the scalar engine's neighbour checks and cuts). Each
     * loop calls gk_block with a constant, so each is compiled apart. */
    int lean = (error_kind & SQ_GK_LEAN) != 0;
    if (lean)
        for (size_t j = 0; j < n; j += SQ_VLEN)
            gk_block(j, n - j < SQ_VLEN ? n - j : SQ_VLEN, ld, r, y, out, 0);
    else
        for (size_t j = 0; j < n; j += SQ_VLEN)
            gk_block(j, n - j < SQ_VLEN ? n - j : SQ_VLEN, ld, r, y, out, 1);

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
    return gk_after_sums(n, ld, r, c, h, y, error_kind, out);
}

static size_t gk_after_sums(size_t n, size_t ld, const sq_gk_rule *r,
                       const double *restrict c, const double *restrict h,
                       const double *restrict y, int error_kind, const sq_gk_out *out)
{
    int lean = (error_kind & SQ_GK_LEAN) != 0;
    gk_cols cols = {out->val, out->err, out->resabs, out->resasc, out->qerr,
                    out->xerr, out->dl, out->dr, out->slack, c, h,
                    {out->nul[0], out->nul[1], out->nul[2], out->nul[3]}};
    int kind = error_kind & ~SQ_GK_LEAN;
    if (lean) {
        for (size_t j = 0; j < n; j += SQ_VLEN)
            gk_finish(j, n - j < SQ_VLEN ? n - j : SQ_VLEN, &cols, kind, 0);
    } else {
        for (size_t j = 0; j < n; j += SQ_VLEN)
            gk_finish(j, n - j < SQ_VLEN ? n - j : SQ_VLEN, &cols, kind, 1);
        /* Jumps and kinks, once the errors are known: only where the rule
         * has not resolved the interval. */
        gk_walk walk;
        int walked = 0;
        for (size_t j = 0; j < n; j += SQ_VLEN) {
            size_t m = n - j < SQ_VLEN ? n - j : SQ_VLEN;
            int any = 0;
            for (size_t q = 0; q < m; q++)
                any |= out->err[j + q] > 0 && out->err[j + q] >= out->resasc[j + q];
            if (!any) {
                vstore_n(out->jump + j, m, vset1(0.0));
                continue;
            }
            if (!walked)
                gk_walk_of(r, &walk);    /* the first block that needs it */
            walked = 1;
            gk_jump(j, m, ld, r, &walk, y, out);
        }
    }
    size_t nbad = 0;
    for (size_t j = 0; j < n; j++)
        nbad += (size_t)out->bad[j];
    return nbad;
}

static void gk_moments(size_t rows, size_t m, size_t ld, size_t LD, size_t K,
                       const double *restrict x, const double *restrict f,
                       const double *restrict jac, double *restrict ye)
{
    /* ld is a multiple of the vector length: whole loads; the runs of m
     * in ye are stored masked, so nothing past a run is touched. Four rows
     * at a time: four chains of multiplications in flight, not one. */
    for (size_t i = 0; i < m; i += SQ_VLEN) {
        size_t mm = m - i < SQ_VLEN ? m - i : SQ_VLEN;
        size_t r = 0;
        for (; r + 4 <= rows; r += 4) {
            vdouble p[4], xv[4];
            for (int q = 0; q < 4; q++) {
                p[q] = vload(f + (r + q) * ld + i);
                xv[q] = vload(x + (r + q) * ld + i);
                if (jac != NULL)
                    p[q] = p[q] * vload(jac + (r + q) * ld + i);
            }
            for (size_t k = 0; k < K; k++)
                for (int q = 0; q < 4; q++) {
                    vstore_n(ye + (r + q) * LD + k * m + i, mm, p[q]);
                    p[q] = p[q] * xv[q];
                }
        }
        for (; r < rows; r++) {
            vdouble p = vload(f + r * ld + i), xv = vload(x + r * ld + i);
            if (jac != NULL)
                p = p * vload(jac + r * ld + i);
            for (size_t k = 0; k < K; k++) {
                vstore_n(ye + r * LD + k * m + i, mm, p);
                p = p * xv;
            }
        }
    }
}

const sq_gk_ops SQ_ISA_SYM(sq_gk_ops) = {
    .nodes = gk_nodes,
    .map = map_nodes,
    .estimate = gk_estimate,
    .after_sums = gk_after_sums,
    .moments = gk_moments,
};
