/* SPDX-License-Identifier: MIT */
/*
 * Where the Gauss-Kronrod engine splits an interval: in halves, or, around
 * a jump or a kink its nodes saw (gk_jump in kernels/isa_gk.c), in three.
 */
#include "adapt.h"

/* The offset from the centre, in units of h, of node s counted from the
 * left (see sq_gk_out.jump). */
static double node_offset(const sq_gk_rule *r, size_t s)
{
    size_t np = (size_t)r->npair;
    return s < np ? -r->xgk[s] : s == np ? 0.0 : r->xgk[2 * np - s];
}

/*
 * How many children interval k of v makes when it is split. Three when its
 * nodes saw a jump or a kink between nodes a and b (F_JUMP = 32 a + b, see
 * gk_jump) that the rule has not resolved (its error at the cap, resasc):
 * it is cut around those nodes, cut[0] < cut[1] (in t), so that the middle
 * child, which holds the feature, is an eighth of the parent or less (three
 * sixteenths for a kink's window of two gaps). Halving gains one bit of the
 * feature's position per two intervals' evaluations, this two to five bits
 * per three; the outer children are smooth and usually done next round. Two (halves) otherwise, or when a
 * child would be too narrow to split again.
 */
size_t sq_adapt_children(const engine *e, const view *v, size_t k, double cut[2])
{
    if (!is_fresh(v, k) || !(v->f[F_JUMP][k] >= 1 && v->f[F_JUMP][k] < 32 * 32)
        || !unresolved_at(v->f[F_RAW][k], v->f[F_RASC][k]))
        return 2;
    size_t ab = (size_t)v->f[F_JUMP][k], a = ab / 32, b = ab % 32;
    size_t centre = (size_t)e->rule->npair;
    if (a <= centre && centre <= b)
        return 2;    /* at the centre, halving puts an end on it (|x - 1/2|) */
    double c = v->f[F_C][k], h = v->f[F_H][k], l = c - h, r = c + h;
    /* Cuts on the grid of sixteenths of h around the two nodes: every
     * child is a union of cells that bisection would make four levels
     * down, so a jump at a dyadic point (1/2 of [0, 1]) still ends on an
     * end, as halving puts it. */
    double u0 = floor(16 * node_offset(e->rule, a)) / 16;
    double u1 = ceil(16 * node_offset(e->rule, b)) / 16;
    if (!(u0 > -1 && u1 < 1))
        return 2;
    cut[0] = c + h * u0;
    cut[1] = c + h * u1;
    double ends[4] = {l, cut[0], cut[1], r};
    for (int q = 0; q < 3; q++)
        if (!(ends[q + 1] > ends[q])
            || !splittable(0.5 * ends[q] + 0.5 * ends[q + 1],
                           0.5 * ends[q + 1] - 0.5 * ends[q]))
            return 2;
    return 3;
}

/* The three children of interval k of v, cut at cut[0] and cut[1] (see
 * sq_adapt_children), appended to nf: as halves are (sq_adapt_apply), with each
 * of the parent's two witnesses handed to the child it lies in. */
void sq_adapt_split_at(ivs *nf, size_t at, const view *v, size_t k,
                       const double cut[2], uint64_t pid)
{
    double *const *f = v->f;
    double c = f[F_C][k], h = f[F_H][k];
    double ends[4] = {c - h, cut[0], cut[1], c + h};
    double wy[2] = {f[F_HLY][k], f[F_HRY][k]};
    double wx[2] = {c + h * f[F_HLX][k], c + h * f[F_HRX][k]};
    double punr = unresolved_at(f[F_RAW][k], f[F_RASC][k]) ? f[F_RABS][k] : 0.0;
    for (int q = 0; q < 3; q++) {
        size_t i = at + (size_t)q;
        double lo = ends[q], hi = ends[q + 1];
        nf->f[F_C][i] = 0.5 * lo + 0.5 * hi;
        nf->f[F_H][i] = 0.5 * hi - 0.5 * lo;
        nf->f[F_PVAL][i] = f[F_VAL][k];
        nf->f[F_PERR][i] = f[F_ERR][k];
        nf->f[F_PUNR][i] = punr;
        nf->f[F_NL][i] = q == 0 ? f[F_NL][k] : 0.0;
        nf->f[F_NLE][i] = q == 0 ? f[F_NLE][k] : INFINITY;
        nf->f[F_NR][i] = q == 2 ? f[F_NR][k] : 0.0;
        nf->f[F_NRE][i] = q == 2 ? f[F_NRE][k] : INFINITY;
        nf->f[F_WY][i] = 0;
        nf->f[F_WX][i] = NAN;
        for (int side = 0; side < 2; side++)
            if (wx[side] >= lo && wx[side] <= hi && wy[side] > nf->f[F_WY][i]) {
                nf->f[F_WY][i] = wy[side];
                nf->f[F_WX][i] = wx[side];
            }
        nf->f[F_SIBS][i] = q == 0 ? 3 : 0;
        nf->pid[i] = pid;
    }
}
