/* SPDX-License-Identifier: MIT */
/*
 * Which intervals of a problem to split: the fewest with the largest
 * errors that bring its error sum down to a target, chosen by sorting a
 * few candidates or, for many, by a histogram of their errors in buckets
 * (see sq_adapt_select).
 */
#include "adapt.h"

enum {
    SMALL_SORT = 48      /* selection by sorting up to this many intervals */
};

/* The binary exponent and two leading mantissa bits of e > 0: an order
 * preserving bucket, 4 per octave. */
static int bucket_of(double e)
{
    uint64_t bits;
    memcpy(&bits, &e, sizeof bits);
    return (int)(bits >> 50);          /* exponent, then two mantissa bits */
}

typedef struct select_job {
    struct sq_adapt_ws *w;
    const view *v;
    chunk_part *parts;
    double min_width;
    int lo;              /* the lowest bucket, */
    size_t nb;           /* ... how many buckets */
    int cut;             /* and the lowest one taken */
} select_job;

/* The chunk's candidates, listed from its first position in w->order, and
 * the range of their buckets. */
SQ_ALWAYS_INLINE void candidates_chunk(size_t c, size_t lo, size_t hi, void *ctx)
{
    const select_job *j = ctx;
    const double *err = j->v->f[F_ERR], *h = j->v->f[F_H], *rabs = j->v->f[F_RABS];
    const uint8_t *fate = j->w->fate;
    const double min_width = j->min_width;
    size_t *order = j->w->order + lo, m = 0;
    for (size_t k = lo; k < hi; k++) {
        if (fate[k] != KEEP || !(2 * h[k] > min_width) || !(err[k] > 0)
            || at_floor(err[k], rabs[k]))
            continue;
        order[m++] = k;
    }
    j->parts[c].marked = m;
}

/* The range of the buckets of the chunk's candidates. */
static void buckets_chunk(size_t c, size_t lo, size_t hi, void *ctx)
{
    (void)hi;
    const select_job *j = ctx;
    const double *err = j->v->f[F_ERR];
    const size_t *order = j->w->order + lo;
    const size_t m = j->parts[c].marked;
    int blo = INT32_MAX, bhi = INT32_MIN;
    for (size_t a = 0; a < m; a++) {
        int bk = bucket_of(err[order[a]]);
        blo = bk < blo ? bk : blo;
        bhi = bk > bhi ? bk : bhi;
    }
    j->parts[c].blo = blo;
    j->parts[c].bhi = bhi;
}

/* The chunk's errors by bucket, in its own row of w->hist. */
static void histogram_chunk(size_t c, size_t lo, size_t hi, void *ctx)
{
    (void)hi;
    const select_job *j = ctx;
    const double *err = j->v->f[F_ERR];
    const size_t *order = j->w->order + lo;
    double *hist = j->w->hist + c * j->nb;
    memset(hist, 0, j->nb * sizeof *hist);
    for (size_t a = 0; a < j->parts[c].marked; a++) {
        double er = err[order[a]];
        hist[bucket_of(er) - j->lo] += er;
    }
}

static void mark_chunk(size_t c, size_t lo, size_t hi, void *ctx)
{
    (void)hi;
    const select_job *j = ctx;
    const double *err = j->v->f[F_ERR];
    const size_t *order = j->w->order + lo;
    uint8_t *fate = j->w->fate;
    const size_t m = j->parts[c].marked;
    const int cut = j->cut;
    size_t marked = 0;
    for (size_t a = 0; a < m; a++)
        if (bucket_of(err[order[a]]) >= cut) {
            fate[order[a]] = SPLIT;
            marked++;
        }
    j->parts[c].first = marked;
}

/*
 * Choose, among the intervals k with eligible(k), the fewest with the
 * largest errors whose removal brings `total` down to `target`, and mark
 * them SPLIT in fate[]. Ties are broken by bucket: every interval in the
 * last bucket needed is taken, so the choice depends on the errors alone.
 * Each chunk lists its candidates and sums its errors by bucket; the sums
 * are added in chunk order. Returns how many were marked, or -1 if memory
 * ran out.
 */
long sq_adapt_select(engine *e, const view *v, double total, double target,
                     double min_width)
{
    struct sq_adapt_ws *w = e->w;
    double need = total - target;
    if (!(need > 0))
        return 0;
    size_t nch = sq_gk_nchunks(v->n);
    select_job j = {w, v, sq_adapt_parts(w, v->n), min_width, 0, 0, 0};
    sq_adapt_chunks(e, v->n, candidates_chunk, &j);
    size_t m = 0;
    for (size_t c = 0; c < nch; c++)
        m += j.parts[c].marked;
    if (m == 0)
        return 0;
    const double *err = v->f[F_ERR];
    long marked = 0;
    if (m <= SMALL_SORT) {
        /* The chunks' lists, one after the other. */
        for (size_t c = 1, at = j.parts[0].marked; c < nch; c++) {
            memmove(w->order + at, w->order + c * SQ_GK_CHUNK,
                    j.parts[c].marked * sizeof *w->order);
            at += j.parts[c].marked;
        }
        /* Insertion sort by error, largest first; index breaks ties. */
        for (size_t a = 1; a < m; a++) {
            size_t key = w->order[a];
            double ek = err[key];
            size_t b = a;
            while (b > 0 && err[w->order[b - 1]] < ek) {
                w->order[b] = w->order[b - 1];
                b--;
            }
            w->order[b] = key;
        }
        double removed = 0;
        for (size_t a = 0; a < m && removed < need; a++) {
            w->fate[w->order[a]] = SPLIT;
            removed += err[w->order[a]];
            marked++;
        }
        return marked;
    }
    sq_adapt_chunks(e, v->n, buckets_chunk, &j);
    int lo = INT32_MAX, hi = INT32_MIN;
    for (size_t c = 0; c < nch; c++) {
        lo = j.parts[c].blo < lo ? j.parts[c].blo : lo;
        hi = j.parts[c].bhi > hi ? j.parts[c].bhi : hi;
    }
    j.lo = lo;
    j.nb = (size_t)(hi - lo + 1);
    if (j.nb > SIZE_MAX / nch
        || sq_grow((void **)&w->hist, &w->hist_cap, nch * j.nb, sizeof *w->hist) != 0)
        return -1;
    sq_adapt_chunks(e, v->n, histogram_chunk, &j);
    for (size_t c = 1; c < nch; c++)
        for (size_t b = 0; b < j.nb; b++)
            w->hist[b] += w->hist[c * j.nb + b];
    double removed = 0;
    int cut = lo;
    for (int b = hi; b >= lo; b--) {
        removed += w->hist[b - lo];
        cut = b;
        if (removed >= need)
            break;
    }
    j.cut = cut;
    sq_adapt_chunks(e, v->n, mark_chunk, &j);
    for (size_t c = 0; c < nch; c++)
        marked += (long)j.parts[c].first;
    return marked;
}
