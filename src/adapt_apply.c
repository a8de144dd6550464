/* SPDX-License-Identifier: MIT */
/*
 * A problem's new runs once its fates are decided: kept intervals to the
 * next live run, the children of split ones to the next fresh run (halves,
 * or three pieces around a jump: adapt_cuts.c), retired ones into its
 * retired sums; chunk by chunk when it has several (see sq_adapt_chunks).
 */
#include "adapt.h"

typedef struct fates_job {
    engine *e;
    gstate *ps;
    const view *v;
    chunk_part *parts;
    size_t l0, f0;       /* where the problem's next runs start */
} fates_job;

SQ_ALWAYS_INLINE void count_chunk(size_t c, size_t lo, size_t hi, void *ctx)
{
    const fates_job *j = ctx;
    const uint8_t *fate = j->e->w->fate;
    size_t keep = 0, born = 0;
    double cut[2];
    for (size_t k = lo; k < hi; k++) {
        keep += fate[k] == KEEP;
        born += fate[k] == SPLIT ? sq_adapt_nchildren(j->e, j->v, k, cut) : 0;
    }
    j->parts[c].keep = keep;
    j->parts[c].born = born;
}

/* How many intervals the fates keep and how many children they make, per
 * chunk into parts, and in all. */
void sq_adapt_count_fates(engine *e, const view *v, chunk_part *parts, size_t *keep,
                          size_t *born)
{
    fates_job j = {e, NULL, v, parts, 0, 0};
    sq_adapt_chunks(e, v->n, count_chunk, &j);
    *keep = *born = 0;
    for (size_t c = 0; c < sq_gk_nchunks(v->n); c++) {
        *keep += parts[c].keep;
        *born += parts[c].born;
    }
    e->w->counted = 1;
}

/* The fates of intervals lo..hi-1: kept ones to next_live from l, children
 * to next_fresh from b, retired ones into *r. */
SQ_ALWAYS_INLINE void apply_range(engine *e, const gstate *ps, const view *v,
                               size_t lo, size_t hi, size_t l, size_t b,
                               retired *rp)
{
    struct sq_adapt_ws *w = e->w;
    double *const *f = v->f;
    ivs *nl = w->next_live, *nf = w->next_fresh;
    const uint8_t *fate = w->fate;
    uint64_t pid = (uint64_t)(ps - w->prob);
    retired r = *rp;
    double cut[2];
    /* Kept intervals are listed (in w->order, free once the fates are
     * known) and copied field by field after the loop: one stream each.
     * A view merged in place holds them where they go already, and the
     * others are marked gone there. */
    size_t *kept = w->order + lo, nkept = 0;
    uint64_t *here = v->in_place ? nl->pid + l : NULL;
    for (size_t k = lo; k < hi; k++) {
        if (here != NULL && fate[k] != KEEP)
            here[k - lo] |= SQ_GK_GONE;
        switch (fate[k]) {
        case KEEP:
            if (here == NULL)
                kept[nkept++] = k;
            break;
        case RETIRE:
            sq_sum_add(&r.sum, &r.sumc, f[F_VAL][k]);
            sq_sum_add(&r.err, &r.errc, f[F_ERR][k]);
            r.rabs += f[F_RABS][k];
            if (f[F_XF][k] > r.xmax)
                r.xmax = f[F_XF][k];
            break;
        case SPLIT: {
            if (sq_adapt_nchildren(e, v, k, cut) == 3) {
                sq_adapt_split_at(nf, b, v, k, cut, pid);
                b += 3;
                break;
            }
            double cc = f[F_C][k], h = 0.5 * f[F_H][k];
            double cs[2] = {cc - h, cc + h};
            for (int side = 0; side < 2; side++) {
                size_t i = b++;
                nf->f[F_C][i] = cs[side];
                nf->f[F_H][i] = h;
                nf->f[F_PVAL][i] = f[F_VAL][k];
                nf->f[F_PERR][i] = f[F_ERR][k];
                nf->f[F_PUNR][i] = unresolved_at(f[F_RAW][k], f[F_RASC][k])
                                       ? f[F_RABS][k] : 0.0;
                /* The outer ends keep what lies across them; the middle is
                 * filled in once both halves are evaluated. */
                nf->f[F_NL][i] = side == 0 ? f[F_NL][k] : 0.0;
                nf->f[F_NLE][i] = side == 0 ? f[F_NLE][k] : INFINITY;
                nf->f[F_NR][i] = side == 1 ? f[F_NR][k] : 0.0;
                nf->f[F_NRE][i] = side == 1 ? f[F_NRE][k] : INFINITY;
                /* What the parent saw on this side (witness_check). */
                nf->f[F_WY][i] = f[side ? F_HRY : F_HLY][k];
                nf->f[F_WX][i] = cc + 2 * h * f[side ? F_HRX : F_HLX][k];
                nf->f[F_SIBS][i] = side == 0 ? 2 : 0;
                nf->pid[i] = pid;
            }
            break;
        }
        default:
            break;
        }
    }
    for (int q = 0; q < NLIVE; q++) {
        double *to = nl->f[q] + l;
        const double *from = f[q];
        for (size_t i = 0; i < nkept; i++)
            to[i] = from[kept[i]];
    }
    for (size_t i = 0; i < nkept; i++)
        nl->pid[l + i] = pid;
    *rp = r;
}

/* Chunk c of the fates, at the chunk's offsets (parts[c].keep and .born,
 * once sq_adapt_apply has turned the counts into offsets), retiring into
 * the chunk's share of the sums (the first chunk's start from the
 * problem's). */
static void apply_chunk(size_t c, size_t lo, size_t hi, void *ctx)
{
    const fates_job *j = ctx;
    const gstate *ps = j->ps;
    chunk_part *pt = &j->parts[c];
    pt->ret = c == 0 ? ps->ret : (retired){0, 0, 0, 0, 0, 0};
    apply_range(j->e, ps, j->v, lo, hi, j->l0 + pt->keep, j->f0 + pt->born, &pt->ret);
}

int sq_adapt_apply(engine *e, gstate *ps)
{
    struct sq_adapt_ws *w = e->w;
    const view *v = &w->cur;
    ivs *nl = w->next_live, *nf = w->next_fresh;
    chunk_part *parts = sq_adapt_parts(w, v->n);
    size_t keep, born, nch = sq_gk_nchunks(v->n);
    if (w->counted) {
        keep = born = 0;
        for (size_t c = 0; c < nch; c++) {
            keep += parts[c].keep;
            born += parts[c].born;
        }
    } else {
        sq_adapt_count_fates(e, v, parts, &keep, &born);
    }
    w->counted = 0;
    /* In place, the next live run holds the whole view (view_of made the
     * room), the gone entries with the kept ones. */
    size_t len = v->in_place ? v->n : keep;
    if ((!v->in_place
         && sq_cols_reserve(nl, NLIVE, nl->n + keep + SQ_COL_SLACK, nl->n, 16) != 0)
        || sq_cols_reserve(nf, NFIELD, nf->n + born + SQ_COL_SLACK, nf->n, 16) != 0)
        return -1;
    retired r = ps->ret;
    if (nch <= 1) {
        /* Most problems: one chunk, in place. */
        apply_range(e, ps, v, 0, v->n, nl->n, nf->n, &r);
    } else {
        /* Counts to offsets (in place, a chunk's kept intervals stay at
         * its own positions: the offsets are the chunks' starts). */
        for (size_t c = 0, ko = 0, bo = 0; c < nch; c++) {
            size_t kc = v->in_place ? SQ_GK_CHUNK : parts[c].keep, bc = parts[c].born;
            parts[c].keep = ko;
            parts[c].born = bo;
            ko += kc;
            bo += bc;
        }
        fates_job j = {e, ps, v, parts, nl->n, nf->n};
        sq_adapt_chunks(e, v->n, apply_chunk, &j);
        r = parts[0].ret;
        for (size_t c = 1; c < nch; c++) {
            const retired *u = &parts[c].ret;
            sq_sum_add(&r.sum, &r.sumc, u->sum);
            r.sumc += u->sumc;
            sq_sum_add(&r.err, &r.errc, u->err);
            r.errc += u->errc;
            r.rabs += u->rabs;
            if (u->xmax > r.xmax)
                r.xmax = u->xmax;
        }
    }
    ps->ret = r;
    ps->next_live_n = keep;
    ps->next_live_len = len;
    ps->next_fresh_n = born;
    ps->live_start = nl->n;
    ps->fresh_start = nf->n;
    nl->n += len;
    nf->n += born;
    return 0;
}
