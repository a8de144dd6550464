/* SPDX-License-Identifier: MIT */
/*
 * Gauss-Kronrod quadrature with global or local error control, as a
 * breadth-first frontier.
 *
 * Each problem owns two runs of intervals: `live` (evaluated, kept from
 * earlier rounds) and `fresh` (created by the last round's splits, not yet
 * evaluated). A round
 *
 *   1. evaluates every fresh interval: the nodes of a tile of intervals form
 *      one array (mapped to x for infinite ranges), one integrand call, one
 *      estimate kernel (kernels/isa_gk.c); tiles run on several threads;
 *   2. decides each problem from all its intervals (live then fresh, an
 *      order that depends on the problem alone): it stops when the sum of
 *      the errors meets max(epsabs, epsrel |I|); otherwise it splits the
 *      fewest largest-error intervals whose removal would meet it (global
 *      control, as cubature's parallel mode), keeps the others, and retires
 *      for good those too small ever to matter. With local control an
 *      interval is accepted when its error is below its share of the
 *      tolerance, in proportion to its width, and split otherwise.
 *
 * Near an endpoint singularity the error concentrates in the smallest
 * intervals and shrinks slowly. As QUADPACK's qags does, the engine then
 * refines the larger intervals first, and feeds the sequence of estimates
 * (one per level of refinement at the singularity) to Wynn's epsilon
 * algorithm, whose limit often meets the tolerance long before plain
 * bisection would.
 *
 * Sums over a problem's intervals are formed in the problem's own order with
 * compensated summation, so results never depend on threads or tiling.
 *
 * This file runs the rounds; what a problem decides after one is in
 * adapt_decide.c, extrapolation in adapt_extrap.c, the checks at the ends
 * of intervals in adapt_edges.c, the columns under them in frontier.c.
 */
#include <stdlib.h>

#include "adapt.h"

enum {
    TILE = SQ_GK_TILE,
    PAR_MIN = 256,       /* fewer fresh intervals run on the calling thread */
    SLACK = SQ_COL_SLACK
};

/* ---- per-thread tile buffers ------------------------------------------------------- */

static void tscratch_free(tscratch *t)
{
    sq_free(t->mem);
    sq_eval_scratch_free(&t->es);
    memset(t, 0, sizeof *t);
}

/* ---- chunks of the decisions ----------------------------------------------------------- */

typedef struct chunk_job {
    sq_chunk_fn *fn;
    void *ctx;
    size_t n;
} chunk_job;

static void chunk_body(size_t c, int slot, void *ctx)
{
    (void)slot;
    const chunk_job *j = ctx;
    size_t lo = c * SQ_GK_CHUNK;
    j->fn(c, lo, j->n - lo < SQ_GK_CHUNK ? j->n : lo + SQ_GK_CHUNK, j->ctx);
}

/* The rounds' pace decides: a team the tiles' loops found not to pay (a
 * core busy with another process) is not asked here either. (The chunks'
 * loops are not measured themselves: the last chunk is usually short, and
 * such a loop would look like a team too slow to start.) */
void sq_adapt_chunks_wide(const engine *e, size_t n, sq_chunk_fn *fn, void *ctx)
{
    chunk_job j = {fn, ctx, n};
    sq_parallel_for_after(e->pace, sq_gk_nchunks(n), e->nthreads, chunk_body, &j);
}

/* Room for tiles of up to cap intervals (cap <= TILE): buffers follow the
 * width of the rounds, so a small integral allocates little. */
int sq_adapt_tscratch(tscratch *t, size_t cap)
{
    if (cap <= t->cap)
        return 0;
    tscratch_free(t);
    size_t ld = cap + SQ_MAX_VLEN;
    /* 21 rows, two probes per interval, and the padding of a flat tile;
     * the columns of a tile, or of its probes. */
    size_t block = (23 * ld + SQ_MAX_VLEN) * sizeof(double);
    size_t col = 2 * ld * sizeof(double);
    size_t es = sq_eval_scratch_bytes(23, ld);
    size_t bytes[13] = {block, block, block, col, col, col, col, col, col, col, col, col,
                        es};
    char *part[13];
    t->mem = es != 0 ? sq_carve(13, bytes, part) : NULL;
    if (t->mem == NULL)
        return -1;
    t->x = (double *)part[0];
    t->y = (double *)part[1];
    t->jac = (double *)part[2];
    t->origin = (double *)part[3];
    t->scale = (double *)part[4];
    t->kind = (int64_t *)part[5];
    t->bad = (int64_t *)part[6];
    t->uid = (size_t *)part[7];
    for (int q = 0; q < 4; q++)
        t->nul[q] = (double *)part[8 + q];
    sq_eval_scratch_on(&t->es, 23, ld, part[12]);   /* no block of its own */
    t->cap = cap;
    return 0;
}

/* What a tile reports besides its estimates. */
struct tile_report {
    int failed;            /* the callback returned nonzero */
    size_t round_off;      /* where its points are in w->round (gather) */
};

/* ---- evaluation of fresh intervals ---------------------------------------------------- */

/* A callback failed on a tile: only the problems whose points make it fail
 * stop (sq_isolate_failures). Failed intervals are marked in t->bad with 2. */
static void isolate_failures(engine *e, tscratch *t, size_t n, size_t ld)
{
    uint8_t failed[TILE];
    sq_isolate_failures(e->run->ev, e->rows, n, ld, t->x, t->uid, &t->es, t->y,
                        failed);
    for (size_t j = 0; j < n; j++)
        t->bad[j] = failed[j] ? 2 : 0;
}

/*
 * The layout of a tile. Node-major with ld padded to the vector length
 * lets a family or expression take each interval's parameters as one
 * column shared by all rows; but a narrow tile (one interval: 21 rows of
 * 8 lanes at AVX-512 for 21 nodes) is then mostly padding. A tile that
 * padding would waste lanes of, and whose intervals all share their
 * parameters (one problem, or an integrand without parameters) or would
 * waste a quarter of its lanes, is evaluated flat instead: ld = n and one
 * array of rows * n points. So is a single problem's tile that carries its
 * end probes at the end; a batch's first tiles carry theirs as two more
 * rows, flat or not.
 */
static int tile_is_flat(const engine *e, size_t lo, size_t n, size_t ld_pad)
{
    const ivs *fr = e->w->fresh;
    if (e->merge_probes || !e->pad)
        return 1;
    if (ld_pad == n)
        return 0;
    return fr->pid[lo] == fr->pid[lo + n - 1] || e->run->ev->pstride == 0
           || 4 * (ld_pad - n) > ld_pad;
}

/*
 * Features seen once and lost. A parent's node may see a narrow peak that
 * none of its children's nodes comes near: the children then agree with
 * each other and with their neighbours, their errors are tiny, and the
 * peak is gone (exp(-1e8 x^2) on [-1, 1]: the centre node sees f(0) = 1,
 * the halves only zeros). So each interval records the largest |f| among
 * its nodes on each side of its centre, and hands it to the child on that
 * side as its witness, with the witness it got itself if that lies there
 * and is larger. An interval whose nodes all lie SQ_GK_WITNESS times below
 * its witness has not seen what is there: smooth f never varies that much
 * between a point and the nearest of 21 nodes around it unless the
 * interval is unresolved anyway. Such an interval's error gets the most a
 * feature of the witness's height could hold between two of its nodes,
 * the witness times its widest node gap; it shrinks with h, and vanishes
 * once the nodes see the feature (F_MISS, added to the error with the
 * other bounds the rule cannot see, sq_adapt_edges). The probes just inside the ends of the
 * range and of the breakpoints are witnesses too (a decay faster than the
 * first node next to a breakpoint). An interval the null rules found
 * unresolved (its error raised above QUADPACK's) with an error within 64
 * times of that bound is left alone: its error already says so, and next
 * to an integrable singularity (x^-0.9 at a breakpoint) a witness would
 * only slow the extrapolation down.
 */
static void witness_check(const engine *e, size_t lo, size_t n)
{
    ivs *fr = e->w->fresh;
    double *hl = fr->f[F_HLY] + lo, *hr = fr->f[F_HRY] + lo;
    double *ol = fr->f[F_HLX] + lo, *orr = fr->f[F_HRX] + lo;
    const double *wy = fr->f[F_WY] + lo, *wx = fr->f[F_WX] + lo;
    const double *c = fr->f[F_C] + lo, *h = fr->f[F_H] + lo;
    const double *err = fr->f[F_ERR] + lo, *qe = fr->f[F_QE] + lo;
    double *miss = fr->f[F_MISS] + lo;
    for (size_t j = 0; j < n; j++) {
        miss[j] = 0;
        if (!(wy[j] > 0) || !isfinite(wy[j]))
            continue;
        double missed = wy[j] * e->gap * h[j];
        if (wy[j] > SQ_GK_WITNESS * sq_fmax(hl[j], hr[j])
            && !(err[j] > qe[j] && 64 * err[j] >= missed))
            miss[j] = missed;
        /* The witness is handed on with what the nodes saw. */
        double at = (wx[j] - c[j]) / h[j];
        if (at <= 0 && wy[j] > hl[j]) {
            hl[j] = wy[j];
            ol[j] = at;
        }
        if (at >= 0 && wy[j] > hr[j]) {
            hr[j] = wy[j];
            orr[j] = at;
        }
    }
}

/* Does fresh interval i carry end probes (its problem starts this round,
 * as sq_adapt_probe_ends asks)? */
static int probe_due(const engine *e, size_t i)
{
    const gstate *ps = &e->w->prob[e->w->fresh->pid[i]];
    return ps->active && ps->rounds == 0;
}

/* A batch's first round: each interval's end probes (F_QL, F_QR) as rows
 * rows and rows + 1 of its tile, evaluated with its nodes and with its
 * parameters; where it has none, its centre stands in (its value is not
 * used). Probes are not nodes: the estimate reads the first rows only. */
static void probe_rows(const engine *e, tscratch *t, size_t lo, size_t n, size_t ld)
{
    const ivs *fr = e->w->fresh;
    double *q = t->x + e->rows * ld;
    for (size_t j = 0; j < ld; j++) {
        size_t i = lo + (j < n ? j : 0);
        for (int side = 0; side < 2; side++) {
            double at = fr->f[side ? F_QR : F_QL][i];
            q[(size_t)side * ld + j] = !isnan(at) && probe_due(e, i) ? at : t->x[j];
        }
    }
}

/*
 * Can this round's tiles carry the end probes as rows? In a batch's first
 * round (problems start together), when every interval has both probes
 * or the integrand pads its tiles anyway: a user's callback must not see
 * the stand-ins of the probes an infinite end lacks.
 */
static int first_with_probes(const engine *e)
{
    const ivs *fr = e->w->fresh;
    if (fr->n == 0 || e->w->prob[fr->pid[0]].rounds != 0)
        return 0;
    for (size_t i = 0; !e->pad && i < fr->n; i++)
        if (isnan(fr->f[F_QL][i]) || isnan(fr->f[F_QR][i]) || !probe_due(e, i))
            return 0;
    return 1;
}

static void run_fresh_tile(size_t ti, int slot, void *ctx)
{
    engine *e = ctx;
    struct sq_adapt_ws *w = e->w;
    tscratch *t = &w->tls[slot];
    tile_report *rep = &w->reports[ti];
    ivs *fr = w->fresh;
    size_t lo = ti * TILE, hi = lo + TILE < fr->n ? lo + TILE : fr->n;
    size_t n = hi - lo, vlen = e->ops->vlen, rows = e->rows;
    size_t ld_pad = (n + vlen - 1) / vlen * vlen;
    int flat = tile_is_flat(e, lo, n, ld_pad);
    size_t ld = flat ? n : ld_pad;
    const sq_gk_ops *gk = e->ops->gk;
    /* A first round carries the end probes with its nodes: a single
     * problem's at the end of the flat array (one call of the integrand,
     * not two), a batch's as two more rows (probe_rows). */
    size_t nprobe = 0, probe_of[2 * TILE];
    double probe_q[2 * TILE];
    for (size_t j = 0; e->merge_probes && j < n; j++)
        for (int side = 0; side < 2; side++) {
            double q = fr->f[side ? F_QR : F_QL][lo + j];
            if (isnan(q))
                continue;
            probe_q[nprobe] = q;
            probe_of[nprobe++] = lo + j;
        }

    rep->failed = 0;
    sq_round *round = &w->round;
    t->es.round = round->mode != SQ_ROUND_OFF ? round : NULL;
    if (round->mode == SQ_ROUND_RECORD)
        rep->round_off = round->n;
    t->es.round_off = rep->round_off;
    gk->nodes(n, ld, e->rule, fr->f[F_C] + lo, fr->f[F_H] + lo, t->x);
    size_t erows = e->probe_rows ? rows + 2 : rows;   /* rows evaluated */
    if (e->probe_rows)
        probe_rows(e, t, lo, n, ld);
    int mapped = 0;
    for (size_t j = 0; j < ld || j < nprobe; j++) {
        const gstate *ps = &w->prob[fr->pid[lo + (j < n ? j : 0)]];
        t->kind[j] = ps->map;
        t->origin[j] = ps->origin;
        t->scale[j] = ps->scale;
        t->uid[j] = ps->def.uid;
        mapped |= ps->map != SQ_MAP_NONE;
    }
    memcpy(t->x + rows * n, probe_q, nprobe * sizeof *probe_q);
    if (mapped) {
        gk->map(erows, ld, t->kind, t->origin, t->scale, t->x, t->jac);
        if (nprobe > 0)
            gk->map(1, nprobe, t->kind, t->origin, t->scale, t->x + rows * n,
                    t->jac + rows * n);
    }

    int fail = flat ? sq_eval_flat(e->run->ev, erows * n + nprobe, t->x, t->uid,
                                   fr->pid[lo] == fr->pid[hi - 1] ? 1 : n,
                                   &t->es, t->y)
                    : sq_eval_tile(e->run->ev, erows, ld, t->x, t->uid, &t->es, t->y);
    if (round->mode == SQ_ROUND_RECORD) {
        t->es.round = NULL;
        return;                  /* evaluated by the round's one call */
    }
    if (fail != 0) {
        /* Each interval again by a call of its own, as without gather. */
        t->es.round = NULL;
        rep->failed = 1;
        isolate_failures(e, t, n, ld);
        for (size_t q = 0; q < nprobe; q++) {
            size_t i = rows * n + q;
            double xq[SQ_MAX_VLEN], yq[SQ_MAX_VLEN];
            xq[0] = t->x[i];
            t->y[i] = sq_eval_flat(e->run->ev, 1, xq, t->uid, 1, &t->es, yq) != 0
                          ? NAN : yq[0];
        }
        for (size_t k = rows; k < erows; k++)      /* each probe alone */
            for (size_t j = 0; j < n; j++) {
                size_t i = k * ld + j;
                double yq;
                int bad = sq_eval_tile(e->run->ev, 1, 1, &t->x[i], &t->uid[j], &t->es,
                                       &yq) != 0;
                t->y[i] = bad ? NAN : yq;
            }
    }
    for (size_t j = 0; e->probe_rows && j < n; j++)
        for (int side = 0; side < 2; side++) {
            double q = fr->f[side ? F_QR : F_QL][lo + j];
            if (!isnan(q) && probe_due(e, lo + j)) {
                size_t i = (rows + (size_t)side) * ld + j;
                sq_adapt_probe_seen(e, lo + j, q, t->y[i] * (mapped ? t->jac[i] : 1.0));
            }
        }
    for (size_t q = 0; q < nprobe; q++) {
        size_t i = rows * n + q;
        sq_adapt_probe_seen(e, probe_of[q], probe_q[q],
                            t->y[i] * (mapped ? t->jac[i] : 1.0));
    }
    sq_gk_out out = {fr->f[F_VAL] + lo, fr->f[F_ERR] + lo, fr->f[F_RABS] + lo,
                     fr->f[F_RASC] + lo, fr->f[F_EL] + lo, fr->f[F_ER] + lo,
                     t->bad, fr->f[F_QE] + lo, fr->f[F_XF] + lo,
                     fr->f[F_DL] + lo, fr->f[F_DR] + lo, fr->f[F_SL] + lo,
                     {t->nul[0], t->nul[1], t->nul[2], t->nul[3]},
                     fr->f[F_HLY] + lo, fr->f[F_HLX] + lo, fr->f[F_HRY] + lo,
                     fr->f[F_HRX] + lo, fr->f[F_JUMP] + lo};
    int64_t failed[TILE];
    for (size_t j = 0; rep->failed && j < n; j++)
        failed[j] = t->bad[j];
    gk->estimate(n, ld, e->rule, fr->f[F_C] + lo, fr->f[F_H] + lo, t->y,
                 mapped ? t->jac : NULL, e->errest, &out);
    witness_check(e, lo, n);
    /* Non-finite values: the interval gets a NaN value, and its error
     * field the leftmost abscissa where f was not finite. Finite values
     * whose estimate overflowed: NaN value, error SQ_GK_OVERFLOW (it is
     * halved) or, if the values alone are too large for any width, its
     * centre. A failed callback: NaN value, error -1. */
    for (size_t j = 0; j < n; j++) {
        double *v = fr->f[F_VAL] + lo + j, *er = fr->f[F_ERR] + lo + j;
        if (rep->failed && failed[j] == 2) {
            *v = NAN;
            *er = -1;
            continue;
        }
        if (!t->bad[j] && isfinite(*v) && isfinite(*er))
            continue;
        double where = NAN;
        for (size_t k = 0; k < rows; k++) {
            double xk = t->x[k * ld + j];
            if (!isfinite(t->y[k * ld + j]) && !(xk >= where))
                where = xk;
        }
        *v = NAN;
        /* Halving helps only where the half-width made the sum overflow,
         * not the values themselves (each weight is below 1): their sum,
         * scaled down to stay finite, below DBL_MAX / 2. */
        double sum = 0;
        for (size_t k = 0; k < rows; k++)
            sum += 0x1p-5 * fabs(t->y[k * ld + j] * (mapped ? t->jac[k * ld + j] : 1.0));
        *er = !isnan(where)              ? where
              : sum < 0x1p-6 * DBL_MAX ? SQ_GK_OVERFLOW
                                         : t->x[j];
    }
}

/* Evaluate the end probes of new problems (unless the first tile carries
 * them) and all fresh intervals. Returns -1 if memory ran out. */
static int evaluate_fresh(engine *e)
{
    struct sq_adapt_ws *w = e->w;
    if (e->run->ev->oracle != NULL)
        sq_adapt_announce_round(e);
    /* One call for the whole round (sq_options.gather): the probes and the
     * tiles record their points, the callback gets them all, and they run
     * again with the values. Out of memory for the record, it is call by
     * call. */
    sq_round *round = &w->round;
    const sq_evaluator *ev = e->run->ev;
    int gather = ev->gather && (ev->param != NULL || ev->batch != NULL);
    round->n = 0;
    round->nomem = 0;
    round->mode = gather ? SQ_ROUND_RECORD : SQ_ROUND_OFF;
    if (!e->merge_probes && !e->probe_rows && sq_adapt_probe_ends(e) != 0) {
        round->mode = SQ_ROUND_OFF;
        return -1;
    }
    size_t ntiles = (w->fresh->n + TILE - 1) / TILE;
    if (ntiles > w->report_cap) {
        tile_report *r = sq_alloc_array(ntiles, sizeof *r);
        if (r == NULL)
            return -1;
        sq_free(w->reports);
        w->reports = r;
        w->report_cap = ntiles;
    }
    int threads = w->fresh->n >= PAR_MIN ? e->nthreads : 1;
    if ((size_t)threads > ntiles)
        threads = (int)ntiles;
    size_t width = w->fresh->n < TILE ? w->fresh->n : TILE;
    for (int i = 0; i < threads; i++)
        if (sq_adapt_tscratch(&w->tls[i], width) != 0)
            return -1;
    if (gather) {
        for (size_t ti = 0; ti < ntiles; ti++)
            run_fresh_tile(ti, 0, e);
        round->mode = SQ_ROUND_OFF;
        if (!round->nomem) {
            sq_round_call(ev, round);
            round->mode = SQ_ROUND_REPLAY;
        }
        if (!e->merge_probes && !e->probe_rows && sq_adapt_probe_ends(e) != 0) {
            round->mode = SQ_ROUND_OFF;
            return -1;
        }
    }
    sq_parallel_for_paced(e->pace, ntiles, threads, run_fresh_tile, e);
    round->mode = SQ_ROUND_OFF;
    for (int i = 0; i < threads; i++)
        w->tls[i].es.round = NULL;

    /* Callback failures, then non-finite values, in frontier order: each
     * problem reports the first of its intervals that had one. */
    for (size_t j = 0; j < w->fresh->n; j++) {
        if (!isnan(w->fresh->f[F_VAL][j]))
            continue;
        gstate *ps = &w->prob[w->fresh->pid[j]];
        if (w->fresh->f[F_ERR][j] == -1) {
            if (ps->status == SQ_OK)
                ps->status = SQ_CALLBACK_ABORT;
            continue;
        }
        if (w->fresh->f[F_ERR][j] == SQ_GK_OVERFLOW)
            continue;            /* halved (halve_overflows) */
        if (ps->status == SQ_OK && !ps->bad_round) {
            ps->bad_round = 1;
            ps->where = w->fresh->f[F_ERR][j];
        }
    }
    return 0;
}

/* ---- decisions ---------------------------------------------------------------------- */

/* ---- problems ------------------------------------------------------------------ */

/* t for x under a problem's change of variable. */
static double to_t(const gstate *ps, double x)
{
    sq_range_map m = {ps->map, ps->origin, ps->scale};
    return sq_range_to_t(&m, x);
}

static int cmp_double(const void *p, const void *q)
{
    double a = *(const double *)p, b = *(const double *)q;
    return (a > b) - (a < b);
}

/*
 * Set up problem ps over [a, b] (a < b, either may be infinite) with the
 * given interior points, and append its first intervals to fresh.
 */
static int start_problem(engine *e, gstate *ps, const sq_problem *def,
                         uint64_t pid)
{
    const double *points = def->points;
    size_t npoints = def->points != NULL ? def->npoints : 0;
    struct sq_adapt_ws *w = e->w;
    double a = def->a, b = def->b;
    ps->def = *def;
    sq_range_map rm;
    double t0, t1;
    ps->huge = sq_range_map_for(a, b, &rm, &t0, &t1);
    ps->map = rm.kind;
    ps->origin = rm.origin;
    ps->scale = rm.scale;
    ps->half_width = 0.5 * t1 - 0.5 * t0;   /* never overflows */
    /* t0 is x = a, or b under the lower map; t1 is x = b, or infinity
     * under the half-infinite maps. */
    int fin_lo = ps->map == SQ_MAP_LOWER ? isfinite(b) : isfinite(a);
    int fin_hi = ps->map == SQ_MAP_UPPER || ps->map == SQ_MAP_LOWER ? 0 : isfinite(b);
    ps->probe_t[0] = fin_lo ? t0 + SQ_GK_PROBE * ps->half_width : -INFINITY;
    ps->probe_t[1] = fin_hi ? t1 - SQ_GK_PROBE * ps->half_width : INFINITY;
    ps->probe_y[0] = ps->probe_y[1] = NAN;
    if (sq_cols_reserve(w->fresh, NFIELD, w->fresh->n + npoints + 2 + SLACK,
                        w->fresh->n, 16) != 0)
        return -1;

    /* Pieces in t: the ends and the mapped interior points, sorted. */
    size_t np = 0;
    double *tp = w->hist;        /* borrowed: hist_cap >= npoints + 3 */
    tp[np++] = t0;
    for (size_t i = 0; i < npoints; i++) {
        double x = points[i];
        if (x > a && x < b)
            tp[np++] = to_t(ps, x);
    }
    if (def->extra_point > a && def->extra_point < b)
        tp[np++] = to_t(ps, def->extra_point);
    tp[np++] = t1;
    if (np > 2)
        qsort(tp + 1, np - 2, sizeof *tp, cmp_double);   /* interior only */
    ps->fresh_start = w->fresh->n;
    ps->fresh_n = 0;
    for (size_t i = 0; i + 1 < np; i++) {
        double lo = tp[i], hi = tp[i + 1];
        if (!(hi > lo))
            continue;            /* repeated point */
        size_t j = w->fresh->n++;
        w->fresh->f[F_C][j] = 0.5 * lo + 0.5 * hi;
        w->fresh->f[F_H][j] = 0.5 * hi - 0.5 * lo;
        w->fresh->f[F_PVAL][j] = NAN;
        w->fresh->f[F_PERR][j] = NAN;
        w->fresh->f[F_PUNR][j] = 0;
        w->fresh->f[F_SIBS][j] = 1;
        /* Ends of the range and breakpoints: no jump check. */
        w->fresh->f[F_NL][j] = 0;
        w->fresh->f[F_NR][j] = 0;
        w->fresh->f[F_NLE][j] = NAN;
        w->fresh->f[F_NRE][j] = NAN;
        w->fresh->f[F_WY][j] = 0;        /* no ancestor, no witness */
        w->fresh->f[F_WX][j] = NAN;
        /* Probes just inside the ends of the range (probe_t) and of the
         * breakpoints: see sq_adapt_probe_ends. */
        double d = SQ_GK_PROBE * ps->half_width;
        double ql = i == 0 ? ps->probe_t[0] : lo + d;
        double qr = i + 2 == np ? ps->probe_t[1] : hi - d;
        w->fresh->f[F_QL][j] = isfinite(ql) && ql > lo && ql < hi ? ql : NAN;
        w->fresh->f[F_QR][j] = isfinite(qr) && qr > lo && qr < hi ? qr : NAN;
        w->fresh->pid[j] = pid;
        ps->fresh_n++;
    }
    ps->live_n = ps->live_len = 0;
    ps->status = SQ_OK;
    ps->where = NAN;
    ps->active = 1;
    ps->local = e->run->local;
    ps->ext.on = e->run->extrapolate && !ps->local;
    ps->ext.abserr = DBL_MAX;
    ps->ext.table = -1;
    return 0;
}

/* ---- the workspace ----------------------------------------------------------------- */

void sq_adapt_ws_free(struct sq_adapt_ws *w)
{
    if (w == NULL)
        return;
    sq_cols_free(w->live);
    sq_cols_free(w->fresh);
    sq_cols_free(w->next_live);
    sq_cols_free(w->next_fresh);
    for (int i = 0; i < w->ntls; i++)
        tscratch_free(&w->tls[i]);
    sq_free(w->tls);
    sq_free(w->prob);
    sq_free(w->reports);
    sq_free(w->hist);
    sq_free(w->order);          /* slack, fate, touched, isfresh with it */
    sq_free(w->parts);
    sq_cols_free(&w->merged);
    sq_free(w->tables);
    sq_round_free(&w->round);
    sq_free(w);
}

size_t sq_adapt_ws_bytes(const struct sq_adapt_ws *w)
{
    if (w == NULL)
        return 0;
    return sizeof *w + sq_cols_bytes(w->live) + sq_cols_bytes(w->fresh)
         + sq_cols_bytes(w->next_live) + sq_cols_bytes(w->next_fresh)
         + w->prob_cap * sizeof(gstate) + (size_t)w->ntls * sizeof(tscratch)
         + w->report_cap * sizeof(tile_report) + w->hist_cap * sizeof(double)
         + w->order_cap * (sizeof(size_t) + sizeof(double) + 3)
         + w->parts_cap * sizeof(chunk_part)
         + sq_cols_bytes(&w->merged)
         + w->tables_cap * sizeof(sq_wynn);
}

static int ws_prepare(struct sq_adapt_ws **wp, size_t nprob, int nthreads,
                      size_t npoints)
{
    struct sq_adapt_ws *w = *wp;
    if (w == NULL) {
        w = sq_alloc(sizeof *w);
        if (w == NULL)
            return -1;
        memset(w, 0, sizeof *w);
        w->live = &w->runs[0];
        w->fresh = &w->runs[1];
        w->next_live = &w->runs[2];
        w->next_fresh = &w->runs[3];
        *wp = w;
    }
    if (nprob > w->prob_cap) {
        gstate *p = sq_alloc_array(nprob, sizeof *p);
        if (p == NULL)
            return -1;
        sq_free(w->prob);
        w->prob = p;
        w->prob_cap = nprob;
    }
    memset(w->prob, 0, nprob * sizeof *w->prob);
    if (nthreads > w->ntls) {
        if (sq_extend((void **)&w->tls, (size_t)w->ntls, (size_t)nthreads,
                      sizeof *w->tls) != 0)
            return -1;
        w->ntls = nthreads;
    }
    if (sq_grow((void **)&w->hist, &w->hist_cap, npoints + 2, sizeof *w->hist) != 0)
        return -1;
    w->live->n = w->fresh->n = w->next_live->n = w->next_fresh->n = 0;
    /* Rounds swap each pair; the first round of the next call fills fresh
     * and the next runs: hand those the buffers that grew, so that a call
     * with a workspace allocates nothing that an earlier one had. */
    if (w->next_live->cap < w->live->cap) {
        ivs *t = w->live;
        w->live = w->next_live;
        w->next_live = t;
    }
    if (w->next_fresh->cap < w->fresh->cap) {
        ivs *t = w->fresh;
        w->fresh = w->next_fresh;
        w->next_fresh = t;
    }
    w->ntables = 0;
    return 0;
}

/* ---- rounds -------------------------------------------------------------------- */

/* A problem's intervals leave the runs (it stopped, or waits its turn):
 * its live count and the live run's entries, gone ones included, both. */
static void drop_intervals(gstate *ps)
{
    ps->live_n = ps->live_len = ps->fresh_n = 0;
}

/*
 * In a batch, a group of problems is done only when its slowest problem
 * is: one hopeless problem would hold up every group it is in, and with 1%
 * of them, nearly all. Once most of the group is done, a problem that has
 * spent far more evaluations than those finished (8 times their mean, and
 * at least defer_min) is set aside, with its intervals dropped; the batch
 * runs it again from the start once every group is through. Its result is then exactly what it
 * would have been (each problem's computation depends on nothing else),
 * and the waste is bounded by the threshold.
 */
static void defer_outliers(engine *e)
{
    size_t min = e->run->defer_min;
    if (min == 0 || 2 * e->done_n < e->nprob)
        return;                  /* outliers only once most are done */
    size_t limit = 8 * (e->done_evals / e->done_n);
    limit = limit > min ? limit : min;
    for (size_t p = 0; p < e->nprob; p++) {
        gstate *ps = &e->w->prob[p];
        if (ps->active && ps->evals > limit) {
            ps->active = 0;
            ps->status = SQ_DEFERRED;
            ps->value = NAN;
            ps->error = INFINITY;
            drop_intervals(ps);
        }
    }
}

/* One round: evaluate, decide, apply. Returns -1 if memory ran out. */
static int round_once(engine *e)
{
    struct sq_adapt_ws *w = e->w;
    size_t evaluated = w->fresh->n;
    e->merge_probes = e->nprob == 1 && w->prob[0].active
                      && w->prob[0].rounds == 0 && w->fresh->n <= TILE;
    e->probe_rows = !e->merge_probes && first_with_probes(e);
    if (evaluate_fresh(e) != 0)
        return -1;
    w->next_live->n = w->next_fresh->n = 0;
    size_t finished = 0;
    int nomem = 0;
    for (size_t p = 0; p < e->nprob; p++) {
        gstate *ps = &w->prob[p];
        /* A problem left without intervals (local control retired them
         * all) is done: the other problems' rounds are not its own. */
        if (!ps->active || ps->live_n + ps->fresh_n == 0)
            continue;
        ps->evals += ps->fresh_n * e->rows;
        ps->visits += ps->fresh_n;
        ps->rounds++;
        if (sq_adapt_decide(e, ps) != 0)
            return -1;
        if (!ps->active) {
            drop_intervals(ps);
            finished++;
            e->done_n++;
            e->done_evals += ps->evals;
            continue;
        }
        if (sq_adapt_apply(e, ps) != 0) {
            /* The next runs could not grow: this problem and the rest stop
             * here with what the current runs hold (the ones before have
             * moved to the next runs and stop after the swap). */
            nomem = 1;
            for (size_t q = p; q < e->nprob; q++) {
                gstate *qs = &w->prob[q];
                if (!qs->active)
                    continue;
                if (q > p) {
                    qs->evals += qs->fresh_n * e->rows;
                    qs->visits += qs->fresh_n;
                    qs->rounds++;
                }
                totals t = sq_adapt_pending(w, qs);
                sq_adapt_finish(qs, SQ_NOMEM, &t, 0);
                drop_intervals(qs);
            }
            break;
        }
        ps->live_n = ps->next_live_n;
        ps->live_len = ps->next_live_len;
        ps->fresh_n = ps->next_fresh_n;
        ps->bad_round = 0;
    }
    ivs *t = w->live;
    w->live = w->next_live;
    w->next_live = t;
    t = w->fresh;
    w->fresh = w->next_fresh;
    w->next_fresh = t;
    defer_outliers(e);
    if (e->run->count_done)
        sq_monitor_add_done(e->run->mon, finished);
    if (e->run->trace != NULL && e->run->master) {
        size_t active = 0;
        for (size_t p = 0; p < e->nprob; p++)
            active += w->prob[p].active != 0;
        sq_round_info info = {++e->round, evaluated, evaluated * e->rows, active};
        e->run->trace(&info, e->run->trace_ctx);
    }
    /* Stopped problems leave the frontier: compact the fresh run. */
    size_t to = 0;
    for (size_t p = 0; p < e->nprob; p++) {
        gstate *ps = &w->prob[p];
        if (!ps->active) {
            ps->fresh_n = 0;
            continue;
        }
        if (ps->fresh_start != to)
            sq_cols_move(w->fresh, to, w->fresh, ps->fresh_start, ps->fresh_n);
        ps->fresh_start = to;
        to += ps->fresh_n;
    }
    w->fresh->n = to;
    return nomem ? -1 : 0;
}

/* ---- entry point --------------------------------------------------------------- */

static void result_of(const gstate *ps, sq_result *res)
{
    res->value = ps->value;
    res->error = ps->error;
    res->evals = ps->evals;
    res->intervals = ps->visits;
    res->rounds = ps->rounds;
    res->status = ps->status;
    res->where = ps->where;
    res->detail = NULL;
    /* Sums that overflowed although every value was finite: no estimate
     * to stand behind. */
    if (!(isfinite(res->value) && res->error >= 0)) {
        res->error = INFINITY;
        if (res->status != SQ_CALLBACK_ABORT && res->status != SQ_CANCELLED
            && res->status != SQ_NOMEM && res->status != SQ_DIVERGENT
            && res->status != SQ_DEFERRED)
            res->status = SQ_NONFINITE;
    }
}

/* Stop every active problem with `status` and its best estimate so far. */
static void stop_all(engine *e, sq_status status)
{
    for (size_t p = 0; p < e->nprob; p++) {
        gstate *ps = &e->w->prob[p];
        if (!ps->active && ps->rounds == 0 && ps->status == SQ_OK) {
            /* Never started (memory ran out while setting up the
             * problems): nothing to report but the status. */
            ps->status = status;
            ps->value = NAN;
            ps->error = INFINITY;
            ps->where = NAN;
            continue;
        }
        if (!ps->active)
            continue;
        totals t = sq_adapt_pending(e->w, ps);
        sq_adapt_finish(ps, status, &t, 0);
        if (ps->rounds == 0) {
            ps->value = NAN;
            ps->error = INFINITY;
        }
    }
}

void sq_adapt(struct sq_adapt_ws **wp, const sq_run *run, const sq_problem *p,
              size_t nprob, sq_result *res)
{
    engine e = {0};
    e.run = run;
    e.pace = run->pace != NULL ? run->pace : &e.own_pace;
    e.ops = run->ev->ops;
    e.rule = run->rule;
    e.rows = sq_gk_rows(run->rule);
    e.pad = sq_eval_pads(run->ev);
    e.errest = run->errest;
    e.gap = run->rule->blind;
    for (int q = 0; q < run->rule->npair; q++) {
        double next = q + 1 < run->rule->npair ? run->rule->xgk[q + 1] : 0.0;
        e.gap = sq_fmax(e.gap, run->rule->xgk[q] - next);
    }
    e.nthreads = run->threads > 0 ? run->threads : 1;
    e.nprob = nprob;
    size_t maxpoints = 0;
    for (size_t i = 0; i < nprob; i++)
        if (p[i].points != NULL && p[i].npoints > maxpoints)
            maxpoints = p[i].npoints;
    if (ws_prepare(wp, nprob, e.nthreads, maxpoints + 1) != 0) {
        for (size_t i = 0; i < nprob; i++) {
            memset(&res[i], 0, sizeof res[i]);
            res[i].value = NAN;
            res[i].error = INFINITY;
            res[i].where = NAN;
            res[i].status = SQ_NOMEM;
        }
        return;
    }
    e.w = *wp;
    int nomem = 0;
    for (size_t i = 0; i < nprob && !nomem; i++)
        nomem = start_problem(&e, &e.w->prob[i], &p[i], i) != 0;
    while (!nomem && e.w->fresh->n > 0) {
        if (run->mon != NULL && sq_monitor_poll(run->mon, run->master)) {
            stop_all(&e, SQ_CANCELLED);
            break;
        }
        nomem = round_once(&e) != 0;
    }
    if (nomem)
        stop_all(&e, SQ_NOMEM);
    for (size_t i = 0; i < nprob; i++) {
        gstate *ps = &e.w->prob[i];
        if (ps->active) {
            /* Local control ran out of intervals to split: done, unless
             * the pieces, each within its share when it was retired, add
             * up to more than the tolerance of the final estimate. */
            totals t = sq_adapt_pending(e.w, ps);
            ps->value = t.area;
            ps->error = t.errsum;
            ps->active = 0;
            double tol = sq_tolerance(ps->def.epsabs, ps->def.epsrel, t.area);
            if (ps->status == SQ_OK && t.errsum > tol)
                ps->status = SQ_INACCURATE;

        }
        result_of(ps, &res[i]);
    }
}
