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
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

enum {
    TILE = 64,           /* intervals per tile */
    PAR_MIN = 256,       /* fewer fresh intervals run on the calling thread */
    SLACK = 2 * SQ_MAX_VLEN,
    STAGGER = 3 * 64,    /* bytes between arrays: avoids L1 set conflicts */
    SMALL_SORT = 48,     /* selection by sorting up to this many intervals */
    ZERO_LOOK = 10       /* rounds of halving before f == 0 is believed */
};

/* Where the end probes go, as a fraction of the half-width of the range. */
static const double PROBE = 0x1p-23;

/* ---- intervals --------------------------------------------------------------- */

enum {
    F_C, F_H, F_VAL, F_ERR, F_RABS, F_RASC, F_PVAL, F_PERR, F_RAW,
    F_EL, F_ER, F_NL, F_NR, F_NLE, F_NRE, F_QE, F_XF, F_DL, F_DR, F_SL, NFIELD
};

/*
 * Intervals of the problems, each problem's run in position order. Fields:
 * centre and half-width (in t); value; error (the rule's, F_RAW, plus the
 * bound on jumps hidden at the ends); QUADPACK's resabs and resasc; the
 * parent's value and error (for fresh intervals); the interpolant
 * extrapolated to the left and right ends; and, across each end, the
 * neighbour's extrapolation to it (F_NL, F_NR) with the neighbour's error
 * per unit width (F_NLE, F_NRE; NaN at ends of the range and breakpoints,
 * where no check is made); QUADPACK's own error estimate (F_QE, which the
 * error F_RAW raises where null rules say so); and the error from the
 * rounding of the nodes (F_XF); the slope of the interpolant at each end
 * (F_DL, F_DR, per unit of t); and the interval's slack at its ends (F_SL,
 * see slack()).
 */
typedef struct ivs {
    size_t n, cap;
    double *f[NFIELD];
    uint64_t *pid;
    void *mem;
} ivs;

static int ivs_reserve(ivs *s, size_t cap, size_t keep)
{
    if (cap <= s->cap)
        return 0;
    size_t want = s->cap ? s->cap : 16;
    while (want < cap)
        want *= 2;
    size_t stride = (want + SLACK) * sizeof(double) + STAGGER;
    char *mem = sq_alloc_array(NFIELD + 1, stride);
    if (mem == NULL)
        return -1;
    for (int k = 0; k < NFIELD; k++) {
        double *col = (double *)(mem + (size_t)k * stride);
        if (keep)
            memcpy(col, s->f[k], keep * sizeof(double));
        s->f[k] = col;
    }
    uint64_t *pid = (uint64_t *)(mem + (size_t)NFIELD * stride);
    if (keep)
        memcpy(pid, s->pid, keep * sizeof(uint64_t));
    sq_free(s->mem);
    s->pid = pid;
    s->mem = mem;
    s->cap = want;
    return 0;
}

static void ivs_free(ivs *s)
{
    sq_free(s->mem);
    memset(s, 0, sizeof *s);
}

static size_t ivs_bytes(const ivs *s)
{
    return s->cap ? (NFIELD + 1) * ((s->cap + SLACK) * sizeof(double) + STAGGER)
                  : 0;
}

/* ---- per-problem state ----------------------------------------------------------- */

typedef struct extrapolation {
    int on;              /* allowed (and not given up) */
    int started;         /* the largest error sits in the smallest intervals */
    double small;        /* width below which an interval counts as small */
    double ertest;       /* tolerance the large intervals must meet first */
    double result, abserr, correc;
    int ktmin;
    int ierro;           /* roundoff spoils the table */
    sq_status stuck;     /* no better limit for five steps: see extrapolate */
    double seed[2];      /* the sums of rounds 1 and 2, the table's first */
    long table;          /* index of its table in the workspace, or -1 until
                          * extrapolation first runs (most problems never
                          * get that far and need none) */
} extrapolation;

typedef struct gstate {
    sq_problem def;
    int64_t map;
    double origin, scale;
    double half_width;             /* half the total width in t */
    int local;
    size_t live_start, live_n, fresh_start, fresh_n;
    size_t next_live_n, next_fresh_n;
    double rsum, rsumc, rerr, rerrc;   /* retired for good */
    double rrabs;                      /* their integral of |f| */
    double rxmax;                      /* their largest node rounding */
    double tol_local;
    size_t evals, visits;
    uint32_t rounds;
    sq_status status;
    double where;
    int active;
    int iroff1, iroff2, iroff3;
    int ksgn;
    double defabs;
    double value, error;           /* set when the problem finishes */
    int bad_round;                 /* a fresh interval had a non-finite value */
    /* Probes just inside the finite ends of the range (in t; -Inf and +Inf
     * for none) and f there times the Jacobian (NaN until evaluated, or if
     * not finite): see probe_ends. */
    double probe_t[2], probe_y[2];
    extrapolation ext;
} gstate;

/* ---- per-thread tile buffers ------------------------------------------------------- */

typedef struct tscratch {
    double *x, *y, *jac;
    double *origin, *scale;
    int64_t *kind, *bad;
    size_t *uid;
    double *nul[4];
    sq_eval_scratch es;
    size_t cap;          /* intervals per tile it has room for */
    void *mem;
} tscratch;

static void tscratch_free(tscratch *t)
{
    sq_free(t->mem);
    sq_eval_scratch_free(&t->es);
    memset(t, 0, sizeof *t);
}

/* Room for tiles of up to cap intervals (cap <= TILE): buffers follow the
 * width of the rounds, so a small integral allocates little. */
static int tscratch_reserve(tscratch *t, size_t cap)
{
    if (cap <= t->cap)
        return 0;
    tscratch_free(t);
    size_t ld = cap + SQ_MAX_VLEN;
    /* 21 rows, the two end probes, and the padding of a flat tile. */
    size_t block = (21 * ld + 2 + SQ_MAX_VLEN) * sizeof(double) + STAGGER;
    size_t col = ld * sizeof(double) + STAGGER;
    char *p = sq_alloc(3 * block + 10 * col);
    if (p == NULL)
        return -1;
    t->mem = p;
    t->x = (double *)p;
    t->y = (double *)(p + block);
    t->jac = (double *)(p + 2 * block);
    p += 3 * block;
    t->origin = (double *)p;
    t->scale = (double *)(p + col);
    t->kind = (int64_t *)(p + 2 * col);
    t->bad = (int64_t *)(p + 3 * col);
    t->uid = (size_t *)(p + 4 * col);
    for (int q = 0; q < 4; q++)
        t->nul[q] = (double *)(p + (size_t)(5 + q) * col);
    if (sq_eval_scratch_init(&t->es, 21, ld) != 0) {
        tscratch_free(t);
        return -1;
    }
    t->cap = cap;
    return 0;
}

/* What a tile reports besides its estimates. */
typedef struct tile_report {
    int failed;            /* the callback returned nonzero */
} tile_report;

/* ---- the workspace -------------------------------------------------------------- */

struct sq_adapt_ws {
    ivs runs[4];           /* what the four pointers below point to */
    ivs *live, *fresh, *next_live, *next_fresh;
    gstate *prob;
    size_t prob_cap;
    tscratch *tls;
    int ntls;
    tile_report *reports;
    size_t report_cap;
    /* decision scratch */
    double *hist;
    size_t hist_cap;
    size_t *order, *pos;
    double *slack;
    uint8_t *fate, *touched;
    size_t order_cap;
    sq_wynn *tables;       /* epsilon tables of the problems that use one */
    size_t ntables, tables_cap;
};

typedef struct engine {
    const sq_run *run;
    const sq_isa_ops *ops;
    const sq_gk_rule *rule;
    size_t rows;
    int pad;
    int errest;
    struct sq_adapt_ws *w;
    size_t nprob;
    int nthreads;
    uint32_t round;            /* rounds run, for the trace */
    int merge_probes;          /* this round's tile carries the end probes */
    sq_pace own_pace;          /* whether the rounds' thread team pays */
    sq_pace *pace;             /* run->pace, or own_pace */
    size_t done_n, done_evals; /* problems finished, and their evaluations */
} engine;

/* ---- evaluation of fresh intervals ---------------------------------------------------- */

/*
 * A callback failed on a tile: evaluate its intervals one at a time, so that
 * only the problems whose points make it fail stop (each interval's values
 * are the same whatever the call they come in). Failed intervals are
 * marked in t->bad with 2.
 */
static void isolate_failures(engine *e, tscratch *t, size_t n, size_t ld)
{
    size_t rows = e->rows;
    double x1[32], y1[32];        /* one interval's nodes: rows <= 21 */
    for (size_t j = 0; j < n; j++) {
        for (size_t k = 0; k < rows; k++)
            x1[k] = t->x[k * ld + j];
        if (sq_eval_tile(e->run->ev, rows, 1, x1, &t->uid[j], &t->es, y1) != 0) {
            t->bad[j] = 2;
            for (size_t k = 0; k < rows; k++)
                t->y[k * ld + j] = 0;
        } else {
            t->bad[j] = 0;
            for (size_t k = 0; k < rows; k++)
                t->y[k * ld + j] = y1[k];
        }
    }
}

/*
 * The layout of a tile. Node-major with ld padded to the vector length
 * lets a family or expression take each interval's parameters as one
 * column shared by all rows; but a narrow tile (one interval: 21 rows of
 * 8 lanes at AVX-512 for 21 nodes) is then mostly padding. A tile that
 * padding would waste lanes of, and whose intervals all share their
 * parameters (one problem, or an integrand without parameters) or would
 * waste a quarter of its lanes, is evaluated flat instead: ld = n and one
 * array of rows * n points. So is a tile that carries end probes.
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
    /* A single problem's first round carries its end probes (probe_ends)
     * at the end of the flat array: one call of the integrand, not two. */
    gstate *first = e->merge_probes ? &w->prob[fr->pid[lo]] : NULL;
    size_t nprobe = 0;

    rep->failed = 0;
    gk->nodes(n, ld, e->rule, fr->f[F_C] + lo, fr->f[F_H] + lo, t->x);
    int mapped = 0;
    for (size_t j = 0; j < ld || j < 2; j++) {
        const gstate *ps = &w->prob[fr->pid[lo + (j < n ? j : 0)]];
        t->kind[j] = ps->map;
        t->origin[j] = ps->origin;
        t->scale[j] = ps->scale;
        t->uid[j] = ps->def.uid;
        mapped |= ps->map != SQ_MAP_NONE;
    }
    if (first != NULL)
        for (int side = 0; side < 2; side++)
            if (!isinf(first->probe_t[side]))
                t->x[rows * n + nprobe++] = first->probe_t[side];
    if (mapped) {
        gk->map(rows, ld, t->kind, t->origin, t->scale, t->x, t->jac);
        if (nprobe > 0)
            gk->map(1, nprobe, t->kind, t->origin, t->scale, t->x + rows * n,
                    t->jac + rows * n);
    }

    int fail = flat ? sq_eval_flat(e->run->ev, rows * n + nprobe, t->x, t->uid,
                                   fr->pid[lo] == fr->pid[hi - 1] ? 1 : n,
                                   &t->es, t->y)
                    : sq_eval_tile(e->run->ev, rows, ld, t->x, t->uid, &t->es, t->y);
    if (fail != 0) {
        rep->failed = 1;
        isolate_failures(e, t, n, ld);
        for (size_t q = 0; q < nprobe; q++) {
            size_t i = rows * n + q;
            double xq[SQ_MAX_VLEN], yq[SQ_MAX_VLEN];
            xq[0] = t->x[i];
            t->y[i] = sq_eval_flat(e->run->ev, 1, xq, t->uid, 1, &t->es, yq) != 0
                          ? NAN : yq[0];
        }
    }
    if (first != NULL) {
        nprobe = 0;
        for (int side = 0; side < 2; side++) {
            if (isinf(first->probe_t[side]))
                continue;
            size_t i = rows * n + nprobe++;
            double y = t->y[i] * (mapped ? t->jac[i] : 1.0);
            first->probe_y[side] = isfinite(y) ? y : NAN;
            first->evals++;
        }
    }
    sq_gk_out out = {fr->f[F_VAL] + lo, fr->f[F_ERR] + lo, fr->f[F_RABS] + lo,
                     fr->f[F_RASC] + lo, fr->f[F_EL] + lo, fr->f[F_ER] + lo,
                     t->bad, fr->f[F_QE] + lo, fr->f[F_XF] + lo,
                     fr->f[F_DL] + lo, fr->f[F_DR] + lo, fr->f[F_SL] + lo,
                     {t->nul[0], t->nul[1], t->nul[2], t->nul[3]}};
    int64_t failed[TILE];
    for (size_t j = 0; rep->failed && j < n; j++)
        failed[j] = t->bad[j];
    gk->estimate(n, ld, e->rule, fr->f[F_C] + lo, fr->f[F_H] + lo, t->y, mapped ? t->jac : NULL,
                 e->errest, &out);
    /* Non-finite values, or an estimate that overflowed: the interval gets
     * a NaN value, and its error field the leftmost abscissa where f was
     * not finite (or its centre). A failed callback: NaN value, error -1. */
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
        *er = isnan(where) ? t->x[j] : where;
    }
}

/*
 * Expensive integrands: before a round, hand the workers every node of the
 * round (needed) and, while workers would otherwise idle, the nodes of the
 * fresh intervals' children and grandchildren (speculative: they are needed
 * only if their parent splits). The node arithmetic is the tiles' own, so
 * the cache recognises the points when the tiles ask for them.
 */
static void announce_round(engine *e)
{
    struct sq_adapt_ws *w = e->w;
    const sq_evaluator *ev = e->run->ev;
    const ivs *fr = w->fresh;
    size_t rows = e->rows;
    size_t budget = 4 * (size_t)ev->workers;       /* speculative points */
    /* Level 0: the fresh intervals; then their halves, twice. */
    size_t n = fr->n, cap = n;
    for (int lev = 0; lev < 3 && cap * rows <= budget + n * rows; lev++)
        cap *= 2;
    double *c = sq_malloc(2 * cap * sizeof *c), *h = sq_malloc(2 * cap * sizeof *h);
    double *x = sq_malloc(rows * (TILE + SQ_MAX_VLEN) * sizeof *x);
    double *jac = sq_malloc(rows * (TILE + SQ_MAX_VLEN) * sizeof *jac);
    uint64_t *pid = sq_malloc(2 * cap * sizeof *pid);
    int64_t kind[TILE + SQ_MAX_VLEN];
    double origin[TILE + SQ_MAX_VLEN], scale[TILE + SQ_MAX_VLEN];
    if (c == NULL || h == NULL || x == NULL || jac == NULL || pid == NULL) {
        sq_free(c);
        sq_free(h);
        sq_free(x);
        sq_free(jac);
        sq_free(pid);
        return;                  /* an optimisation only */
    }
    memcpy(c, fr->f[F_C], n * sizeof *c);
    memcpy(h, fr->f[F_H], n * sizeof *h);
    memcpy(pid, fr->pid, n * sizeof *pid);
    size_t spent = 0;
    for (int lev = 0; n > 0; lev++) {
        for (size_t lo = 0; lo < n; lo += TILE) {
            size_t m = n - lo < TILE ? n - lo : TILE;
            e->ops->gk->nodes(m, m, e->rule, c + lo, h + lo, x);
            int mapped = 0;
            for (size_t j = 0; j < m; j++) {
                const gstate *ps = &w->prob[pid[lo + j]];
                kind[j] = ps->map;
                origin[j] = ps->origin;
                scale[j] = ps->scale;
                mapped |= ps->map != SQ_MAP_NONE;
            }
            if (mapped)
                e->ops->gk->map(rows, m, kind, origin, scale, x, jac);
            if (lev == 0)
                sq_oracle_need(ev->oracle, x, rows * m);
            else
                sq_oracle_speculate(ev->oracle, x, rows * m);
        }
        spent += lev > 0 ? n * rows : 0;
        if (!ev->speculate || 2 * n > cap || spent + 2 * n * rows > budget)
            break;
        /* The halves, as apply() makes them. */
        for (size_t i = n; i-- > 0;) {
            double hh = 0.5 * h[i], cc = c[i];
            c[2 * i] = cc - hh;
            c[2 * i + 1] = cc + hh;
            h[2 * i] = h[2 * i + 1] = hh;
            pid[2 * i] = pid[2 * i + 1] = pid[i];
        }
        n *= 2;
    }
    sq_free(c);
    sq_free(h);
    sq_free(x);
    sq_free(jac);
    sq_free(pid);
}

/* Evaluate all fresh intervals. Returns -1 if memory ran out. */
static int evaluate_fresh(engine *e)
{
    struct sq_adapt_ws *w = e->w;
    if (e->run->ev->oracle != NULL)
        announce_round(e);
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
        if (tscratch_reserve(&w->tls[i], width) != 0)
            return -1;
    sq_parallel_for_paced(e->pace, ntiles, threads, run_fresh_tile, e);

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
        if (ps->status == SQ_OK && !ps->bad_round) {
            ps->bad_round = 1;
            ps->where = w->fresh->f[F_ERR][j];
        }
    }
    return 0;
}

/* ---- decisions ---------------------------------------------------------------------- */

/* An interval of a problem, as the decision sees it: index into live or
 * fresh. */
typedef struct iref {
    const ivs *s;
    size_t i;
} iref;

static iref nth(const struct sq_adapt_ws *w, const gstate *ps, size_t k)
{
    iref r;
    if (k < ps->live_n) {
        r.s = w->live;
        r.i = ps->live_start + k;
    } else {
        r.s = w->fresh;
        r.i = ps->fresh_start + (k - ps->live_n);
    }
    return r;
}

static double fld(iref r, int f)
{
    return r.s->f[f][r.i];
}

/* The spacing of doubles just above v >= 0 (NaN for NaN, Inf, DBL_MAX). */
static double ulp_of(double v)
{
    double next;
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    bits++;
    memcpy(&next, &bits, sizeof next);
    return next - v;
}

/* Can [c - h, c + h] be bisected with every node of both halves strictly
 * inside? The outermost Gauss-Kronrod node lies 0.0043 h from the end (GK21),
 * so a half-width under a few hundred ulps would put it on the end itself. */
static int splittable(double c, double h)
{
    return h >= 512 * ulp_of(fabs(c) + h) && h > 0;
}

/* What happens to an interval. */
enum { KEEP = 0, SPLIT = 1, RETIRE = 2, DROP = 3 };

typedef struct totals {
    double area, errsum, resabs;
    double errsum_q;     /* the same with QUADPACK's estimates (see sum_up) */
    double xnode;        /* rounding of the nodes (included in errsum) */
    double hidden;       /* bounds on jumps the rule cannot see (in errsum) */
    double maxerr, maxerr_width;
    int maxerr_at_end;   /* that interval touches an end or a breakpoint */
    double improvable;   /* error of the intervals above their roundoff floor */
} totals;

/* Is the interval's error its roundoff floor, 50 eps times the integral of
 * |f| over it (QUADPACK's)? Bisection cannot lower that: the halves' floors
 * add up to the same. */
static int at_floor(double err, double rabs)
{
    return err <= 50 * DBL_EPSILON * rabs;
}

static totals sum_up(const struct sq_adapt_ws *w, const gstate *ps,
                     const size_t *pos, size_t n)
{
    totals t = {.resabs = ps->rrabs, .maxerr = -1};
    double ac = 0, ec = 0;
    t.area = ps->rsum;
    ac = ps->rsumc;
    t.errsum = ps->rerr;
    ec = ps->rerrc;
    /* QUADPACK's heuristics for divergence (diverges) read its own
     * estimates: the honest error of the interval at a singularity of
     * x^-0.9 exceeds the whole integral long before extrapolation has
     * found the limit, which would look like divergence to them.
     *
     * The rounding of the nodes (F_XF, see gk_estimate) is not a sum over
     * intervals: the roundings repeat from interval to interval (the same
     * low bits of h xgk[i] around centres with trailing zeros) and cancel
     * over a long smooth range, as cos on [0, 1e5] shows, where a sum
     * would exceed the true error a thousand times. What does not cancel
     * is a peak whose curvature dwarfs its neighbours': 4 times the
     * largest interval's term covers it. */
    t.errsum_q = ps->rerr;
    double xmax = ps->rxmax;
    for (size_t k = 0; k < n; k++) {
        iref r = nth(w, ps, pos[k]);
        double v = fld(r, F_VAL), er = fld(r, F_ERR);
        if (isnan(v))
            continue;
        sq_sum_add(&t.area, &ac, v);
        sq_sum_add(&t.errsum, &ec, er);
        t.errsum_q += fld(r, F_QE);
        t.hidden += er - fld(r, F_RAW);
        if (fld(r, F_XF) > xmax)
            xmax = fld(r, F_XF);
        t.resabs += fld(r, F_RABS);
        if (!at_floor(er, fld(r, F_RABS)))
            t.improvable += er;
        if (er > t.maxerr) {
            t.maxerr = er;
            t.maxerr_width = 2 * fld(r, F_H);
            t.maxerr_at_end = isnan(fld(r, F_NLE)) || isnan(fld(r, F_NRE));
        }
    }
    t.area += ac;
    t.errsum += ec;
    t.xnode = 4 * xmax;
    t.errsum += t.xnode;
    return t;
}

/* Room for n entries in the decision scratch arrays (one allocation). */
static int grow_order(struct sq_adapt_ws *w, size_t n)
{
    if (n <= w->order_cap)
        return 0;
    size_t cap = n > 2 * w->order_cap ? n : 2 * w->order_cap;
    if (cap > SIZE_MAX / (2 * sizeof(size_t) + sizeof(double) + 2))
        return -1;
    char *m = sq_alloc(cap * (2 * sizeof(size_t) + sizeof(double) + 2));
    if (m == NULL)
        return -1;
    sq_free(w->order);
    w->order = (size_t *)m;
    w->pos = w->order + cap;
    w->slack = (double *)(w->pos + cap);
    w->fate = (uint8_t *)(w->slack + cap);
    w->touched = w->fate + cap;
    w->order_cap = cap;
    return 0;
}

/* The binary exponent and two leading mantissa bits of e > 0: an order
 * preserving bucket, 4 per octave. */
static int bucket_of(double e)
{
    uint64_t bits;
    memcpy(&bits, &e, sizeof bits);
    return (int)(bits >> 50);          /* exponent, then two mantissa bits */
}

/*
 * Choose, among the intervals k with eligible(k), the fewest with the
 * largest errors whose removal brings `total` down to `target`, and mark
 * them SPLIT in fate[]. Ties are broken by bucket: every interval in the
 * last bucket needed is taken, so the choice depends on the errors alone.
 * Returns how many were marked, or -1 if memory ran out.
 */
static long select_split(struct sq_adapt_ws *w, const gstate *ps, size_t n,
                         double total, double target, double min_width)
{
    double need = total - target;
    if (!(need > 0))
        return 0;
    size_t m = 0;
    if (grow_order(w, n) != 0)
        return -1;
    for (size_t k = 0; k < n; k++) {
        iref r = nth(w, ps, k);
        if (w->fate[k] != KEEP || !(2 * fld(r, F_H) > min_width)
            || !(fld(r, F_ERR) > 0) || at_floor(fld(r, F_ERR), fld(r, F_RABS)))
            continue;
        w->order[m++] = k;
    }
    if (m == 0)
        return 0;
    long marked = 0;
    if (m <= SMALL_SORT) {
        /* Insertion sort by error, largest first; index breaks ties. */
        for (size_t a = 1; a < m; a++) {
            size_t key = w->order[a];
            double ek = fld(nth(w, ps, key), F_ERR);
            size_t b = a;
            while (b > 0 && fld(nth(w, ps, w->order[b - 1]), F_ERR) < ek) {
                w->order[b] = w->order[b - 1];
                b--;
            }
            w->order[b] = key;
        }
        double removed = 0;
        for (size_t a = 0; a < m && removed < need; a++) {
            w->fate[w->order[a]] = SPLIT;
            removed += fld(nth(w, ps, w->order[a]), F_ERR);
            marked++;
        }
        return marked;
    }
    int lo = INT32_MAX, hi = INT32_MIN;
    for (size_t a = 0; a < m; a++) {
        int b = bucket_of(fld(nth(w, ps, w->order[a]), F_ERR));
        lo = b < lo ? b : lo;
        hi = b > hi ? b : hi;
    }
    size_t nb = (size_t)(hi - lo + 1);
    if (nb > w->hist_cap) {
        double *h = sq_alloc_array(nb, sizeof *h);
        if (h == NULL)
            return -1;
        sq_free(w->hist);
        w->hist = h;
        w->hist_cap = nb;
    }
    memset(w->hist, 0, nb * sizeof *w->hist);
    for (size_t a = 0; a < m; a++) {
        double er = fld(nth(w, ps, w->order[a]), F_ERR);
        w->hist[bucket_of(er) - lo] += er;
    }
    double removed = 0;
    int cut = lo;
    for (int b = hi; b >= lo; b--) {
        removed += w->hist[b - lo];
        cut = b;
        if (removed >= need)
            break;
    }
    for (size_t a = 0; a < m; a++) {
        size_t k = w->order[a];
        if (bucket_of(fld(nth(w, ps, k), F_ERR)) >= cut) {
            w->fate[k] = SPLIT;
            marked++;
        }
    }
    return marked;
}

/*
 * Jumps the rule cannot see. A Gauss-Kronrod rule never evaluates the ends
 * of an interval: between its outermost node and each end lies a margin of
 * blind * h where a jump would go unnoticed by the interval, and by its
 * neighbour on the other side of the end as well. Across every end, the
 * difference between the two neighbours' interpolants extrapolated to it,
 * less what their own inaccuracy explains (their errors per unit width,
 * times 4 for the extrapolation weights), bounds such a jump: it vanishes
 * for smooth f and for neighbours still too coarse to say anything. Each
 * interval's error is its rule's error plus its margins times those bounds,
 * recomputed every round from the current neighbours. A retired neighbour
 * leaves its last values behind (it never changes). Ends of the range and
 * breakpoints are not checked: discontinuities are expected there.
 *
 * Rounding sets a floor under any mismatch: the nodes themselves are
 * rounded to the ulp of the abscissa (1.5e-11 at 1e5, where cos moves by
 * as much), and the values to theirs. So each interval's allowance also
 * holds its slope, bounded by resasc / h^2, times 16 ulps of its end, and
 * 16 eps times its mean |f|; below that a mismatch is noise.
 *
 * `pos` lists the problem's intervals in position order.
 */
/* An interval's share of the mismatch allowance at its ends (times 4 in
 * use): its error per unit width, and the rounding noise of its end values,
 * (F_RAW + 4 eps F_RABS) / (2h) + 4 ulp(|c| + h) F_RASC / h^2. The rule's
 * kernel computes it with the estimate (F_SL), once per interval. */
static double slack(iref x)
{
    return fld(x, F_SL);
}

/* What a smooth f may move between the end and the probe, d away (its
 * slope, the larger of the interpolant's there, F_DL or F_DR as `side`
 * says, and resasc / h^2, times d), with the probe's own rounding: a jump
 * or kink must stand out from that to count. Where the null rules found
 * the interval unresolved (its error raised above QUADPACK's), the
 * interpolant says little about the end: the whole blind margin is
 * allowed for instead, so that an integrable singularity at the end is
 * left to bisection and extrapolation. */
static double probe_noise(iref x, int side, double d, double margin)
{
    double h = fld(x, F_H);
    double slope = fmax(fld(x, F_RASC) / (h * h), fld(x, side ? F_DR : F_DL));
    double reach = fld(x, F_RAW) > fld(x, F_QE) ? margin : d;
    return slope * (reach + ulp_of(fabs(fld(x, F_C)) + h))
           + 4 * DBL_EPSILON * fld(x, F_RABS) / h;
}

static void boundary_terms(const engine *e, struct sq_adapt_ws *w, gstate *ps,
                           const size_t *pos, size_t n)
{
    /* The rule's own error of the fresh intervals, before any bound. */
    for (size_t k = 0; k < ps->fresh_n; k++) {
        size_t i = ps->fresh_start + k;
        w->fresh->f[F_RAW][i] = w->fresh->f[F_ERR][i];
    }
    /* Between two intervals kept from the last round nothing changed: only
     * ends touching a fresh interval are looked at again, and only the
     * intervals at such ends get a new bound. */
    size_t live = ps->live_n;
    uint8_t *touched = w->touched;
    memset(touched, 0, n);
    for (size_t r = 0; r < n; r++)
        if (pos[r] >= live) {
            touched[r] = 1;
            if (r > 0)
                touched[r - 1] = 1;
            if (r + 1 < n)
                touched[r + 1] = 1;
        }
    double *sl = w->slack;
    for (size_t r = 0; r < n; r++)
        if (touched[r]) {
            iref x = nth(w, ps, pos[r]);
            sl[r] = isnan(fld(x, F_VAL)) ? NAN : slack(x);
        }
    for (size_t r = 0; r + 1 < n; r++) {
        if (pos[r] < live && pos[r + 1] < live)
            continue;
        iref a = nth(w, ps, pos[r]), b = nth(w, ps, pos[r + 1]);
        if (isnan(fld(a, F_VAL)) || isnan(fld(b, F_VAL)))
            continue;
        if (isnan(fld(a, F_NRE)) || isnan(fld(b, F_NLE)))
            continue;            /* a breakpoint */
        double ar = fld(a, F_C) + fld(a, F_H), bl = fld(b, F_C) - fld(b, F_H);
        double far = fabs(ar) > fabs(bl) ? fabs(ar) : fabs(bl);
        if (fabs(ar - bl) > 16 * ulp_of(far))
            continue;            /* a retired interval lies between */
        a.s->f[F_NR][a.i] = fld(b, F_EL);
        a.s->f[F_NRE][a.i] = sl[r + 1];
        b.s->f[F_NL][b.i] = fld(a, F_ER);
        b.s->f[F_NLE][b.i] = sl[r];
    }
    double blind = e->rule->blind;
    for (size_t r = 0; r < n; r++) {
        if (!touched[r])
            continue;
        iref x = nth(w, ps, pos[r]);
        if (isnan(fld(x, F_VAL)))
            continue;
        double own = 4 * sl[r];
        double ml = fabs(fld(x, F_NL) - fld(x, F_EL));
        double mr = fabs(fld(x, F_NR) - fld(x, F_ER));
        double el = own + 4 * fld(x, F_NLE), er = own + 4 * fld(x, F_NRE);
        /* At an end of the range, the probe stands in for a neighbour
         * while it lies between the end and the first node. */
        double c = fld(x, F_C), h = fld(x, F_H);
        if (r == 0 && c - h <= ps->probe_t[0]) {
            double d = ps->probe_t[0] - (c - h);
            if (d < blind * h && isnan(fld(x, F_NLE))) {
                ml = fabs(ps->probe_y[0] - fld(x, F_EL));
                el = own + 4 * probe_noise(x, 0, d, blind * h);
            }
        }
        if (r + 1 == n && c + h >= ps->probe_t[1]) {
            double d = (c + h) - ps->probe_t[1];
            if (d < blind * h && isnan(fld(x, F_NRE))) {
                mr = fabs(ps->probe_y[1] - fld(x, F_ER));
                er = own + 4 * probe_noise(x, 1, d, blind * h);
            }
        }
        /* NaN (no check) or an unexplained part of zero gives nothing. */
        ml = ml > el ? ml - el : 0.0;
        mr = mr > er ? mr - er : 0.0;
        double hidden = (ml + mr) * blind * fld(x, F_H);
        x.s->f[F_ERR][x.i] = fld(x, F_RAW) + (isfinite(hidden) ? hidden : 0.0);
    }
}

/* The problem's intervals in position order: the merge of live and fresh,
 * each already in order. Entries are indices as nth() takes them. */
static void position_order(const struct sq_adapt_ws *w, const gstate *ps,
                           size_t *pos)
{
    size_t l = 0, f = 0, k = 0;
    while (l < ps->live_n || f < ps->fresh_n) {
        int take_live;
        if (l == ps->live_n)
            take_live = 0;
        else if (f == ps->fresh_n)
            take_live = 1;
        else
            take_live = w->live->f[F_C][ps->live_start + l]
                      < w->fresh->f[F_C][ps->fresh_start + f];
        pos[k++] = take_live ? l++ : ps->live_n + f++;
    }
}

/*
 * QUADPACK's test that bisection stopped paying: the two halves of a parent
 * together are no better than the parent (the value unchanged to 1e-5, the
 * error not reduced), or the error grew. qags counts such bisections one
 * per iteration; a breadth-first round bisects many intervals at once, so
 * here a round counts once, and only when most of its bisections stalled.
 * With one bisection per round, as next to a singularity, that is qags's
 * count. Siblings are adjacent in fresh.
 */
static void count_roundoff(const struct sq_adapt_ws *w, gstate *ps)
{
    const ivs *fr = w->fresh;
    size_t nlive = ps->live_n + ps->fresh_n;
    size_t pairs = 0, stalled = 0, raised = 0;
    for (size_t k = 0; k + 1 < ps->fresh_n; k += 2) {
        size_t i = ps->fresh_start + k;
        double pv = fr->f[F_PVAL][i], pe = fr->f[F_PERR][i];
        if (isnan(pv))
            continue;            /* a first visit has no parent */
        double v1 = fr->f[F_VAL][i], v2 = fr->f[F_VAL][i + 1];
        double e1 = fr->f[F_ERR][i], e2 = fr->f[F_ERR][i + 1];
        pairs++;
        if (fr->f[F_RASC][i] == e1 || fr->f[F_RASC][i + 1] == e2)
            continue;            /* an estimate at its cap says nothing */
        double area12 = v1 + v2, erro12 = e1 + e2;
        int steady = fabs(pv - area12) <= 1e-5 * fabs(area12);
        stalled += steady && erro12 >= 0.99 * pe;
        /* A raised error counts only with a stable value: a pair still too
         * coarse to resolve an oscillation raises it too. */
        raised += nlive > 10 && erro12 > pe
                  && fabs(pv - area12) <= 1e-3 * fabs(area12);
    }
    if (pairs == 0)
        return;
    if (2 * stalled > pairs) {
        if (ps->ext.started)
            ps->iroff2++;
        else
            ps->iroff1++;
    }
    if (2 * raised > pairs)
        ps->iroff3++;
}

/*
 * The result a problem returns when it stops without meeting the
 * tolerance by plain summation: the plain sum, or the extrapolated limit
 * when its relative error estimate is smaller (QUADPACK's choice, with its
 * test for divergence).
 */
/* QUADPACK's test on an extrapolated limit: far from the plain sum (a
 * factor of 100 either way, or of the other sign), or a plain sum whose
 * error exceeds it, means the sums diverge and the epsilon table found an
 * antilimit (x^-1.5 on [0, 1] gives -2). Not applied when both are small
 * beside the integral of |f| of an integrand of both signs. */
static int diverges(const gstate *ps, const totals *t)
{
    const extrapolation *x = &ps->ext;
    int small_both = ps->ksgn == -1
        && fmax(fabs(x->result), fabs(t->area)) <= 0.01 * ps->defabs;
    double ratio = t->area != 0 ? x->result / t->area : INFINITY;
    return !small_both
           && (!(ratio >= 0.01) || ratio > 100 || t->errsum_q > fabs(t->area));
}

static void finish(gstate *ps, sq_status status, const totals *t, double extra_err)
{
    double value = t->area, error = t->errsum + extra_err;
    const extrapolation *x = &ps->ext;
    /* Why the call stopped, when it was not the integral's doing, is what
     * the caller must hear: no judgement of the sums overrides it. */
    int imposed = status == SQ_NONFINITE || status == SQ_CALLBACK_ABORT
                  || status == SQ_NOMEM || status == SQ_CANCELLED;
    if (status != SQ_OK && status != SQ_NONFINITE
        && status != SQ_CALLBACK_ABORT && x->abserr < DBL_MAX) {
        double xe = x->abserr;   /* already includes erlarg */
        int use = x->result != 0 && t->area != 0
                  ? xe / fabs(x->result) <= t->errsum / fabs(t->area)
                  : xe <= t->errsum;
        if (use) {
            value = x->result;
            error = xe;
            if (!imposed && diverges(ps, t))
                status = SQ_DIVERGENT;
        }
    }
    if (x->stuck && !imposed && status != SQ_DIVERGENT)
        status = x->stuck;
    if (status == SQ_DIVERGENT) {
        /* No limit to trust: the plain sum, with an error that covers the
         * extrapolated value too (the epsilon table turns 2^k - 1, the sums
         * of 1/x^2 on [0, 1], into -1). */
        value = t->area;
        error = t->errsum + extra_err;
        if (x->abserr < DBL_MAX)
            error = fmax(error, fabs(x->result - t->area) + x->abserr);
    }
    ps->value = value;
    ps->error = error;
    if (ps->status == SQ_OK)
        ps->status = status;
    ps->active = 0;
}

/* One step of QUADPACK's extrapolation. Returns 1 if the extrapolated
 * limit met its tolerance (the problem is then finished), -1 if memory ran
 * out. */
/* The problem's epsilon table, made on first use from the first two sums.
 * NULL if memory ran out. */
static sq_wynn *table_of(struct sq_adapt_ws *w, gstate *ps)
{
    extrapolation *x = &ps->ext;
    if (x->table >= 0)
        return &w->tables[x->table];
    if (w->ntables == w->tables_cap) {
        size_t cap = w->tables_cap ? 2 * w->tables_cap : 16;
        sq_wynn *t = sq_alloc_array(cap, sizeof *t);
        if (t == NULL)
            return NULL;
        if (w->ntables > 0)
            memcpy(t, w->tables, w->ntables * sizeof *t);
        sq_free(w->tables);
        w->tables = t;
        w->tables_cap = cap;
    }
    x->table = (long)w->ntables++;
    sq_wynn *tab = &w->tables[x->table];
    sq_wynn_init(tab);
    double r, a;
    sq_wynn_add(tab, x->seed[0], &r, &a);
    sq_wynn_add(tab, x->seed[1], &r, &a);
    return tab;
}

static int extrapolate(struct sq_adapt_ws *w, gstate *ps, const totals *t,
                       double erlarg)
{
    extrapolation *x = &ps->ext;
    double reseps, abseps;
    sq_wynn *tab = table_of(w, ps);
    if (tab == NULL)
        return -1;
    sq_wynn_add(tab, t->area, &reseps, &abseps);
    /* The table's error is the spread of its last few limit estimates, a
     * gauge rather than a bound: near a logarithmic singularity their common
     * bias exceeds their spread (by 1.3 times on x^-0.9 log(1/x)), so four
     * times the spread is reported. The limit is also no more accurate than
     * the sums it was made from: every term carries the error of the large
     * intervals (erlarg), which the table cannot see, and QUADPACK's
     * roundoff floor of 50 eps times the integral of |f|. */
    if (abseps < DBL_MAX)
        abseps = 4 * abseps;
    abseps = fmax(abseps + erlarg, 50 * DBL_EPSILON * t->resabs);
    /* Nor can it see what the sums do not: jumps hidden between an end
     * and the first node, and the rounding of the nodes. */
    abseps += t->hidden + t->xnode;
    /* Five steps without a better limit, which is still far better than
     * the plain sum: QUADPACK reports divergence or too slow convergence.
     * A limit already settled to eight digits is not diverging, though: the
     * table has reached the rounding noise of the sums it is fed (which it
     * amplifies about a thousand times near a singularity), and no further
     * bisection can help: that is roundoff. */
    x->ktmin++;
    if (x->ktmin > 5 && x->abserr < 1e-3 * t->errsum_q)
        x->stuck = x->abserr <= 1e-8 * fabs(x->result) ? SQ_ROUNDOFF
                                                       : SQ_DIVERGENT;
    if (abseps < x->abserr) {
        x->ktmin = 0;
        x->abserr = abseps;
        x->result = reseps;
        x->correc = erlarg;
        x->ertest = fmax(ps->def.epsabs, ps->def.epsrel * fabs(reseps));
        if (x->abserr <= x->ertest) {
            if (diverges(ps, t)) {
                finish(ps, SQ_DIVERGENT, t, 0);
                return 1;
            }
            ps->value = x->result;
            ps->error = x->abserr;
            ps->active = 0;
            return 1;
        }
    }
    if (tab->n == 1)
        x->on = 0;
    x->started = 0;
    x->small *= 0.5;
    return 0;
}

/*
 * Decide problem p after a round: finish it, or mark each of its intervals
 * KEEP, SPLIT, RETIRE or DROP in w->fate. Returns -1 if memory ran out.
 */
static int decide(engine *e, gstate *ps)
{
    struct sq_adapt_ws *w = e->w;
    size_t n = ps->live_n + ps->fresh_n;
    if (grow_order(w, n) != 0)
        return -1;
    memset(w->fate, KEEP, n);

    double extra_err = 0;        /* for intervals we could not evaluate */
    for (size_t k = 0; k < n; k++) {
        iref r = nth(w, ps, k);
        if (isnan(fld(r, F_VAL))) {
            w->fate[k] = DROP;
            double pv = fld(r, F_PVAL);
            extra_err += isnan(pv) ? INFINITY : fabs(pv) + fld(r, F_PERR);
        }
    }
    position_order(w, ps, w->pos);
    boundary_terms(e, w, ps, w->pos, n);
    totals t = sum_up(w, ps, w->pos, n);
    if (ps->status == SQ_CALLBACK_ABORT) {
        finish(ps, SQ_CALLBACK_ABORT, &t, extra_err);
        return 0;
    }
    if (ps->bad_round) {
        finish(ps, SQ_NONFINITE, &t, extra_err);
        return 0;
    }

    double tol = fmax(ps->def.epsabs, ps->def.epsrel * fabs(t.area));
    int first = ps->rounds == 1;
    if (first) {
        ps->defabs = t.resabs;
        ps->ksgn = fabs(t.area) >= (1 - 50 * DBL_EPSILON) * t.resabs ? 1 : -1;
    }

    if (ps->local) {
        /* Each interval against its share of the whole's tolerance, which
         * follows the current estimate: a first estimate that missed a
         * narrow peak (and is near zero) would otherwise ask the impossible
         * of every piece. An interval at its rounding floor cannot improve. */
        ps->tol_local = tol;
        int unsplittable = 0;
        for (size_t k = 0; k < n; k++) {
            if (w->fate[k] == DROP)
                continue;
            iref r = nth(w, ps, k);
            double share = ps->tol_local * (fld(r, F_H) / ps->half_width);
            if (fld(r, F_ERR) + fld(r, F_XF) <= share) {
                w->fate[k] = RETIRE;
            } else if (splittable(fld(r, F_C), fld(r, F_H))
                       && !at_floor(fld(r, F_ERR), fld(r, F_RABS))) {
                w->fate[k] = SPLIT;
            } else {
                w->fate[k] = RETIRE;
                unsplittable = 1;
            }
        }
        if (unsplittable)
            ps->status = SQ_ROUNDOFF;    /* reported once the rest is done */
        return 0;
    }

    count_roundoff(w, ps);
    if (t.errsum <= tol) {
        /* A first estimate at its cap (error == resasc) is not trusted, and
         * an integrand that vanished at every node gets a second look. */
        int trusted = 1;
        if (first) {
            for (size_t k = 0; k < n; k++) {
                iref r = nth(w, ps, k);
                if (fld(r, F_ERR) == fld(r, F_RASC) && fld(r, F_ERR) != 0)
                    trusted = 0;
            }
        }
        /* Nothing but zeros yet: keep halving everything for up to ten
         * rounds (1023 intervals, 21483 nodes with GK21) before believing
         * that f vanishes: a peak at 1/20000 of the range is then found
         * (exp(-x^2) on [-1e4, 1e4]); a narrower one needs breakpoints. */
        if (ps->rounds <= ZERO_LOOK && t.resabs == 0)
            trusted = 0;
        if (trusted) {
            ps->value = t.area;
            ps->error = t.errsum;
            ps->active = 0;
            return 0;
        }
        /* Not trusted: split everything once more. */
        for (size_t k = 0; k < n; k++)
            if (w->fate[k] == KEEP)
                w->fate[k] = SPLIT;
        goto split_checks;
    }
    if (first && t.errsum <= 100 * DBL_EPSILON * t.resabs) {
        finish(ps, SQ_ROUNDOFF, &t, extra_err);
        return 0;
    }
    if (ps->iroff1 + ps->iroff2 >= 10 || ps->iroff3 >= 20) {
        finish(ps, SQ_ROUNDOFF, &t, extra_err);
        return 0;
    }
    /* No error left but rounding, or a tolerance below the rounding floor
     * of the whole integral (which no estimate, extrapolated or not, gets
     * under) with the rest of the error already down to that floor: more
     * bisection cannot help. */
    double floor_sum = 50 * DBL_EPSILON * t.resabs;
    if (t.improvable == 0 || (tol < floor_sum && t.improvable <= floor_sum)) {
        finish(ps, SQ_ROUNDOFF, &t, extra_err);
        return 0;
    }
    if (ps->iroff2 >= 5)
        ps->ext.ierro = 3;

    extrapolation *x = &ps->ext;
    int large_only = 0;
    if (x->on) {
        if (first) {
            x->seed[0] = t.area;
            x->result = t.area;
            x->abserr = DBL_MAX;
        } else if (ps->rounds == 2) {
            x->seed[1] = t.area;
            x->small = 0.75 * ps->half_width;
            x->ertest = tol;
        } else {
            double erlarg = 0;
            for (size_t k = 0; k < n; k++) {
                iref r = nth(w, ps, k);
                if (w->fate[k] != DROP && 2 * fld(r, F_H) > x->small)
                    erlarg += fld(r, F_ERR);
            }
            /* As in qags, extrapolate once the largest error sits in the
             * smallest intervals; but only when that one interval carries a
             * good part of the total, as next to a singularity. Where the
             * error is spread over thousands of small intervals (an
             * oscillation over a long range) the sums are not of the form
             * the epsilon table accelerates.
             *
             * And only while that interval touches an end of the range or
             * a breakpoint. There bisection is self-similar: each round
             * halves the interval at the singularity, whose error shrinks
             * by the same factor each time, and the epsilon algorithm finds
             * the limit of that geometric sequence. At an interior point
             * the singularity falls each round at a new place in its
             * interval (the next binary digit of its position decides), the
             * sequence is irregular, and its extrapolated limit and error
             * are guesses: a jump at 5/6 (binary 0.11010101...) makes a
             * perfect geometric sequence whose limit is wrong for any point
             * that differs from 5/6 in a later digit. Interior features
             * are resolved by plain bisection, or declared as points. */
            if (!x->started && t.maxerr_width <= x->small
                && t.maxerr >= 0.1 * t.errsum && t.maxerr_at_end)
                x->started = 1;
            if (x->started && t.maxerr_at_end) {
                if (x->ierro != 3 && erlarg > x->ertest) {
                    large_only = 1;
                } else {
                    int done = extrapolate(w, ps, &t, erlarg);
                    if (done != 0)
                        return done < 0 ? -1 : 0;
                    if (x->stuck) {
                        finish(ps, x->stuck, &t, extra_err);
                        return 0;
                    }
                }
            }
            if (large_only) {
                long m = select_split(w, ps, n, erlarg, x->ertest, x->small);
                if (m < 0)
                    return -1;
                if (m == 0) {
                    /* No large interval left to refine: extrapolate now. */
                    large_only = 0;
                    int done = extrapolate(w, ps, &t, erlarg);
                    if (done != 0)
                        return done < 0 ? -1 : 0;
                    if (x->stuck) {
                        finish(ps, x->stuck, &t, extra_err);
                        return 0;
                    }
                }
            }
        }
    }
    if (!large_only) {
        /* The rule's errors must leave room for the rounding of the nodes
         * (up to half the tolerance). Where that is too large, at a peak
         * far sharper than the ulps of its abscissae, the intervals where
         * it is made are halved too: each half has a quarter of the
         * curvature. */
        double room = tol - fmin(t.xnode, 0.5 * tol);
        if (select_split(w, ps, n, t.errsum - t.xnode, room, 0.0) < 0)
            return -1;
        if (t.xnode > 0.5 * tol)
            for (size_t k = 0; k < n; k++)
                if (w->fate[k] == KEEP && 4 * fld(nth(w, ps, k), F_XF) > 0.5 * tol)
                    w->fate[k] = SPLIT;
    }

    /* Intervals too small to matter again are retired for good. */
    double negligible = tol * 0x1p-10 / (double)n;
    for (size_t k = 0; k < n; k++)
        if (w->fate[k] == KEEP && fld(nth(w, ps, k), F_ERR) <= negligible)
            w->fate[k] = RETIRE;

split_checks:;
    /* An interval that cannot be bisected any more keeps its error. One
     * 2^-100 of the range wide that still carries error sits next to a
     * singularity that extrapolation could not handle: an integrand that
     * behaves like x^-a there has all but (2^-100)^(1-a) of its integral
     * resolved, so only a >= 1 (divergence) or a within a hair of 1 (too
     * slow to converge) get this far. */
    size_t splits = 0;
    int deep = 0;
    for (size_t k = 0; k < n; k++) {
        if (w->fate[k] != SPLIT)
            continue;
        iref r = nth(w, ps, k);
        deep |= fld(r, F_H) < 0x1p-100 * ps->half_width;
        if (splittable(fld(r, F_C), fld(r, F_H)))
            splits++;
        else
            w->fate[k] = KEEP;
    }
    if (deep) {
        finish(ps, SQ_DIVERGENT, &t, extra_err);
        return 0;
    }
    if (splits == 0) {
        finish(ps, SQ_ROUNDOFF, &t, extra_err);
        return 0;
    }
    return 0;
}

/* Apply the fates of problem ps: kept intervals to next_live, children of
 * split ones to next_fresh, retired ones into the retired sums. */
static void apply(engine *e, gstate *ps)
{
    struct sq_adapt_ws *w = e->w;
    size_t n = ps->live_n + ps->fresh_n;
    ivs *nl = w->next_live, *nf = w->next_fresh;
    size_t l0 = nl->n, f0 = nf->n;
    for (size_t q = 0; q < n; q++) {
        size_t k = w->pos[q];
        iref r = nth(w, ps, k);
        switch (w->fate[k]) {
        case KEEP:
            for (int f = 0; f < NFIELD; f++)
                nl->f[f][nl->n] = fld(r, f);
            nl->pid[nl->n++] = r.s->pid[r.i];
            break;
        case RETIRE:
            sq_sum_add(&ps->rsum, &ps->rsumc, fld(r, F_VAL));
            sq_sum_add(&ps->rerr, &ps->rerrc, fld(r, F_ERR));
            ps->rrabs += fld(r, F_RABS);
            if (fld(r, F_XF) > ps->rxmax)
                ps->rxmax = fld(r, F_XF);
            break;
        case SPLIT: {
            double c = fld(r, F_C), h = 0.5 * fld(r, F_H);
            double cs[2] = {c - h, c + h};
            for (int side = 0; side < 2; side++) {
                size_t i = nf->n++;
                nf->f[F_C][i] = cs[side];
                nf->f[F_H][i] = h;
                nf->f[F_PVAL][i] = fld(r, F_VAL);
                nf->f[F_PERR][i] = fld(r, F_ERR);
                /* The outer ends keep what lies across them; the middle is
                 * filled in once both halves are evaluated. */
                nf->f[F_NL][i] = side == 0 ? fld(r, F_NL) : 0.0;
                nf->f[F_NLE][i] = side == 0 ? fld(r, F_NLE) : INFINITY;
                nf->f[F_NR][i] = side == 1 ? fld(r, F_NR) : 0.0;
                nf->f[F_NRE][i] = side == 1 ? fld(r, F_NRE) : INFINITY;
                nf->pid[i] = r.s->pid[r.i];
            }
            break;
        }
        default:
            break;
        }
    }
    ps->next_live_n = nl->n - l0;
    ps->next_fresh_n = nf->n - f0;
    ps->live_start = l0;
    ps->fresh_start = f0;
}

/* Best estimate of a problem stopped between rounds: its intervals, and the
 * parents of fresh intervals not yet evaluated (one per sibling pair). */
static totals pending_totals(const struct sq_adapt_ws *w, const gstate *ps)
{
    totals t = {.area = ps->rsum, .errsum = ps->rerr, .maxerr = -1};
    double ac = ps->rsumc, ec = ps->rerrc;
    double xmax = ps->rxmax;
    for (size_t k = 0; k < ps->live_n; k++) {
        size_t i = ps->live_start + k;
        sq_sum_add(&t.area, &ac, w->live->f[F_VAL][i]);
        sq_sum_add(&t.errsum, &ec, w->live->f[F_ERR][i]);
        xmax = fmax(xmax, w->live->f[F_XF][i]);
    }
    for (size_t k = 0; k + 1 < ps->fresh_n; k += 2) {
        size_t i = ps->fresh_start + k;
        sq_sum_add(&t.area, &ac, w->fresh->f[F_PVAL][i]);
        sq_sum_add(&t.errsum, &ec, w->fresh->f[F_PERR][i]);
    }
    t.area += ac;
    t.errsum += ec;
    t.xnode = 4 * xmax;
    t.errsum += t.xnode;
    return t;
}

/* ---- problems ------------------------------------------------------------------ */

/* t for x under a problem's change of variable. */
static double to_t(const gstate *ps, double x)
{
    switch (ps->map) {
    case SQ_MAP_UPPER: {
        double u = (x - ps->origin) / ps->scale;
        return u / (1 + u);
    }
    case SQ_MAP_LOWER: {
        double u = (ps->origin - x) / ps->scale;
        return u / (1 + u);
    }
    case SQ_MAP_BOTH:
        /* 2x / (1 + sqrt(1 + 4x^2)), written so that nothing overflows. */
        return x / (0.5 + hypot(0.5, x));
    default:
        return x;
    }
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
    ps->map = SQ_MAP_NONE;
    ps->origin = 0;
    ps->scale = 1;
    double t0 = a, t1 = b;
    /* A finite range whose width overflows (such as [-DBL_MAX, DBL_MAX]) is
     * compressed with the doubly infinite map, restricted to [t(a), t(b)]. */
    int huge = isinf(b - a);
    if (isinf(a) && isinf(b)) {
        ps->map = SQ_MAP_BOTH;
        t0 = -1;
        t1 = 1;
    } else if (isinf(b)) {
        ps->map = SQ_MAP_UPPER;
        ps->origin = a;
        ps->scale = fmax(1.0, fabs(a));
        t0 = 0;
        t1 = 1;
    } else if (isinf(a)) {
        ps->map = SQ_MAP_LOWER;
        ps->origin = b;
        ps->scale = fmax(1.0, fabs(b));
        t0 = 0;
        t1 = 1;
    } else if (huge) {
        ps->map = SQ_MAP_BOTH;
        t0 = to_t(ps, a);
        t1 = to_t(ps, b);
    }
    ps->half_width = 0.5 * t1 - 0.5 * t0;   /* never overflows */
    /* t0 is x = a, or b under the lower map; t1 is x = b, or infinity
     * under the half-infinite maps. */
    int fin_lo = ps->map == SQ_MAP_LOWER ? isfinite(b) : isfinite(a);
    int fin_hi = ps->map == SQ_MAP_UPPER || ps->map == SQ_MAP_LOWER ? 0 : isfinite(b);
    ps->probe_t[0] = fin_lo ? t0 + PROBE * ps->half_width : -INFINITY;
    ps->probe_t[1] = fin_hi ? t1 - PROBE * ps->half_width : INFINITY;
    ps->probe_y[0] = ps->probe_y[1] = NAN;
    if (ivs_reserve(w->fresh, w->fresh->n + npoints + 2 + SLACK, w->fresh->n) != 0)
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
        /* Ends of the range and breakpoints: no jump check. */
        w->fresh->f[F_NL][j] = 0;
        w->fresh->f[F_NR][j] = 0;
        w->fresh->f[F_NLE][j] = NAN;
        w->fresh->f[F_NRE][j] = NAN;
        w->fresh->pid[j] = pid;
        ps->fresh_n++;
    }
    ps->live_n = 0;
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
    ivs_free(w->live);
    ivs_free(w->fresh);
    ivs_free(w->next_live);
    ivs_free(w->next_fresh);
    for (int i = 0; i < w->ntls; i++)
        tscratch_free(&w->tls[i]);
    sq_free(w->tls);
    sq_free(w->prob);
    sq_free(w->reports);
    sq_free(w->hist);
    sq_free(w->order);          /* pos, slack, fate and touched with it */
    sq_free(w->tables);
    sq_free(w);
}

size_t sq_adapt_ws_bytes(const struct sq_adapt_ws *w)
{
    if (w == NULL)
        return 0;
    return sizeof *w + ivs_bytes(w->live) + ivs_bytes(w->fresh)
         + ivs_bytes(w->next_live) + ivs_bytes(w->next_fresh)
         + w->prob_cap * sizeof(gstate) + (size_t)w->ntls * sizeof(tscratch)
         + w->report_cap * sizeof(tile_report) + w->hist_cap * sizeof(double)
         + w->order_cap * (2 * sizeof(size_t) + sizeof(double) + 2)
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
        tscratch *t = sq_alloc_array((size_t)nthreads, sizeof *t);
        if (t == NULL)
            return -1;
        memset(t, 0, (size_t)nthreads * sizeof *t);
        if (w->ntls)
            memcpy(t, w->tls, (size_t)w->ntls * sizeof *t);
        sq_free(w->tls);
        w->tls = t;
        w->ntls = nthreads;
    }
    if (npoints + 2 > w->hist_cap) {
        double *h = sq_alloc_array(npoints + 2, sizeof *h);
        if (h == NULL)
            return -1;
        sq_free(w->hist);
        w->hist = h;
        w->hist_cap = npoints + 2;
    }
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

/* Budgets, checked between rounds: a problem whose next round would spend
 * too much stops with its best estimate. */
static void check_budgets(engine *e, gstate *ps)
{
    if (!ps->active)
        return;
    size_t next_evals = ps->fresh_n * e->rows;
    sq_status why = SQ_OK;
    if (ps->evals + next_evals > e->run->max_evals)
        why = SQ_MAX_EVALS;
    else if (ps->live_n + ps->fresh_n > e->run->max_intervals)
        why = SQ_MAX_INTERVALS;
    if (why != SQ_OK) {
        totals t = pending_totals(e->w, ps);
        finish(ps, why, &t, 0);
    }
}

/*
 * End probes. A Gauss-Kronrod rule never evaluates the ends of an interval,
 * and between an end of the range and the first node (0.43% of the
 * interval's width for GK21, 0.85% for GK15) nothing is seen: a jump there
 * would pass unnoticed by any number of bisections, since the outermost
 * interval's blind margin shrinks with it but always contains the end.
 * Inside ends are watched by the neighbours (boundary_terms); the ends of
 * the range get a probe instead, 2^-23 of the range from each finite end,
 * evaluated once with the first round: while the probe lies in the
 * outermost interval's margin, a probe value the interpolant does not
 * predict is a hidden feature and adds to that interval's error. A probe
 * whose value is not finite, or whose call fails, is simply not used:
 * probes are not nodes of any rule. Two evaluations per problem, counted
 * in its evals.
 */
static int probe_ends(engine *e)
{
    struct sq_adapt_ws *w = e->w;
    tscratch *t = &w->tls[0];
    if (tscratch_reserve(t, 2 * e->nprob < TILE ? 2 * e->nprob : TILE) != 0)
        return -1;
    size_t vlen = e->ops->vlen;
    size_t col_p[TILE], n = 0;
    int col_s[TILE];
    for (size_t p = 0; p <= e->nprob; p++) {
        int flush = p == e->nprob;
        for (int side = 0; !flush && side < 2; side++) {
            gstate *ps = &w->prob[p];
            if (!ps->active || ps->rounds != 0 || isinf(ps->probe_t[side]))
                continue;
            col_p[n] = p;
            col_s[n] = side;
            ps->evals++;
            if (++n == TILE)
                break;
        }
        if (n == 0 || (!flush && n + 2 <= TILE))
            continue;
        size_t ld = e->pad ? (n + vlen - 1) / vlen * vlen : n;
        int mapped = 0;
        for (size_t j = 0; j < ld; j++) {
            const gstate *ps = &w->prob[col_p[j < n ? j : 0]];
            t->x[j] = ps->probe_t[col_s[j < n ? j : 0]];
            t->kind[j] = ps->map;
            t->origin[j] = ps->origin;
            t->scale[j] = ps->scale;
            t->uid[j] = ps->def.uid;
            mapped |= ps->map != SQ_MAP_NONE;
        }
        if (mapped)
            e->ops->gk->map(1, ld, t->kind, t->origin, t->scale, t->x, t->jac);
        if (sq_eval_tile(e->run->ev, 1, ld, t->x, t->uid, &t->es, t->y) != 0) {
            for (size_t j = 0; j < n; j++)
                if (sq_eval_tile(e->run->ev, 1, 1, &t->x[j], &t->uid[j], &t->es,
                                 &t->y[j]) != 0)
                    t->y[j] = NAN;
        }
        for (size_t j = 0; j < n; j++) {
            double y = t->y[j] * (mapped ? t->jac[j] : 1.0);
            w->prob[col_p[j]].probe_y[col_s[j]] = isfinite(y) ? y : NAN;
        }
        n = 0;
    }
    return 0;
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
            ps->live_n = ps->fresh_n = 0;
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
    if (!e->merge_probes && probe_ends(e) != 0)
        return -1;
    if (evaluate_fresh(e) != 0)
        return -1;
    size_t total = w->live->n + w->fresh->n;
    if (ivs_reserve(w->next_live, total + SLACK, 0) != 0
        || ivs_reserve(w->next_fresh, 2 * total + SLACK, 0) != 0)
        return -1;
    w->next_live->n = w->next_fresh->n = 0;
    size_t finished = 0;
    for (size_t p = 0; p < e->nprob; p++) {
        gstate *ps = &w->prob[p];
        if (!ps->active)
            continue;
        ps->evals += ps->fresh_n * e->rows;
        ps->visits += ps->fresh_n;
        ps->rounds++;
        if (decide(e, ps) != 0)
            return -1;
        if (!ps->active) {
            ps->live_n = ps->fresh_n = 0;
            finished++;
            e->done_n++;
            e->done_evals += ps->evals;
            continue;
        }
        apply(e, ps);
        ps->live_n = ps->next_live_n;
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
    for (size_t p = 0; p < e->nprob; p++) {
        int was = w->prob[p].active;
        check_budgets(e, &w->prob[p]);
        finished += was && !w->prob[p].active;
    }
    if (e->run->mon != NULL && e->run->count_done && finished > 0)
        atomic_fetch_add(&e->run->mon->done, finished);
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
            for (int f = 0; f < NFIELD; f++)
                memmove(w->fresh->f[f] + to, w->fresh->f[f] + ps->fresh_start,
                        ps->fresh_n * sizeof(double));
        if (ps->fresh_start != to)
            memmove(w->fresh->pid + to, w->fresh->pid + ps->fresh_start,
                    ps->fresh_n * sizeof(uint64_t));
        ps->fresh_start = to;
        to += ps->fresh_n;
    }
    w->fresh->n = to;
    return 0;
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
        totals t = pending_totals(e->w, ps);
        finish(ps, status, &t, 0);
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
            totals t = pending_totals(e.w, ps);
            ps->value = t.area;
            ps->error = t.errsum;
            ps->active = 0;
            double tol = fmax(ps->def.epsabs, ps->def.epsrel * fabs(t.area));
            if (ps->status == SQ_OK && t.errsum > tol)
                ps->status = SQ_INACCURATE;
        }
        result_of(ps, &res[i]);
    }
}
