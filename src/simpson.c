/* SPDX-License-Identifier: MIT */
/*
 * Adaptive Simpson with local error control, as a breadth-first frontier.
 *
 * The classic recursive algorithm visits an interval [a, b] whose values
 * f(a), f(m), f(b) and Simpson estimate `whole` it inherits from its parent,
 * evaluates the two quarter points, and accepts left + right + delta / 15 if
 * |delta| = |left + right - whole| <= 15 tol; otherwise it recurses into both
 * halves with tol / 2. This engine makes exactly the same decisions on exactly
 * the same points, level by level instead of depth first:
 *
 *   - the frontier holds "items": intervals evaluated at their five Simpson
 *     points and found not accurate enough (structure of arrays);
 *   - a round visits both halves of every item: it gathers their quarter
 *     points (four per item) into one array, evaluates it, estimates all
 *     halves (kernels), accumulates the accepted ones into their problem's
 *     sum and compacts the others into the next frontier.
 *
 * Work is cut into tiles of TILE items (gather, evaluate and estimate stay in
 * L1), grouped into units that threads take whole.
 *
 * Memory stays bounded: a problem takes at most WINDOW items into a round.
 * Items beyond the window wait on its pending stack, kept in reverse
 * position order so that the leftmost ones are on top and are taken first.
 * Since every decision of local control concerns one interval alone, the
 * window changes neither the points nor the decisions, only the order in
 * which accepted halves are summed.
 *
 * Determinism. A problem's sum must not depend on the thread count, on the
 * tiling or on other problems sharing the frontier. So it is defined
 * canonically: in each round, the problem's items (in position order) are
 * cut into chunks of CHUNK items; within a chunk, half c (the left half of
 * item i is 2i, its right half 2i+1) is added to partial s[c % 8]; the chunk
 * total is ((s0+s1)+(s2+s3))+((s4+s5)+(s6+s7)); chunk totals are added to the
 * problem's compensated running sum in order. Units never split a chunk.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "frontier.h"
#include "simpson_half.h"

enum {
    FORCED = SQ_SIMPSON_FORCED_LEVELS,  /* levels never accepted */
    TILE = 128,       /* items per tile: 512 nodes per kernel call */
    CHUNK = 1024,     /* items per canonical summation chunk */
    UNIT = 2048,      /* target items per unit of parallel work */
    WINDOW = 65536,   /* most items of one problem in one round */
    PAR_MIN = 4096,   /* smaller rounds run on the calling thread */
    NCOL = 8,         /* double fields of an item: a, b, f0..f4, tol */
    SLACK = SQ_COL_SLACK
};

/* ---- items in structure-of-arrays form ------------------------------------- */

/* Items are frontier columns (frontier.h): a, b, f0 ... f4, tol. */
typedef sq_cols items;

enum { C_A, C_B, C_F0, C_F1, C_F2, C_F3, C_F4, C_TOL };

static int items_reserve(items *s, size_t cap, size_t keep)
{
    return sq_cols_reserve(s, NCOL, cap, keep, 1024);
}

static sq_simpson_items items_view(const items *s, size_t lo)
{
    sq_simpson_items v = {
        s->f[C_A] + lo, s->f[C_B] + lo, s->f[C_F0] + lo,
        s->f[C_F1] + lo, s->f[C_F2] + lo, s->f[C_F3] + lo,
        s->f[C_F4] + lo, s->f[C_TOL] + lo, s->pid + lo,
    };
    return v;
}

/* Best estimate and error of an item that will not be refined further. */
static double item_estimate(const items *s, size_t j, double *err)
{
    return sq_simpson_unfinished(s->f[C_A][j], s->f[C_B][j],
                                 s->f[C_F0][j], s->f[C_F1][j],
                                 s->f[C_F2][j], s->f[C_F3][j],
                                 s->f[C_F4][j], err);
}

/* ---- per-thread tile buffers ----------------------------------------------- */

typedef struct scratch {
    double *x, *y;                 /* 5 rows of TILE (+ padding) nodes */
    double *mid, *vl, *vr, *el, *er;
    int64_t *fl, *fr;
    size_t *uid;                   /* each item's problem, as the user knows it */
    sq_eval_scratch es;
    void *mem;
} scratch;

static void scratch_free(scratch *t)
{
    sq_free(t->mem);
    sq_eval_scratch_free(&t->es);
    memset(t, 0, sizeof *t);
}

static int scratch_init(scratch *t)
{
    size_t xs = 5 * (TILE + SQ_MAX_VLEN) * sizeof(double);
    size_t hs = (TILE + SLACK) * sizeof(double);
    size_t bytes[10] = {xs, xs, hs, hs, hs, hs, hs, hs, hs, hs};
    char *part[10];
    t->mem = sq_carve(10, bytes, part);
    if (t->mem == NULL)
        return -1;
    t->x = (double *)part[0];
    t->y = (double *)part[1];
    double **cols[5] = {&t->mid, &t->vl, &t->vr, &t->el, &t->er};
    for (int k = 0; k < 5; k++)
        *cols[k] = (double *)part[2 + k];
    t->fl = (int64_t *)part[7];
    t->fr = (int64_t *)part[8];
    t->uid = (size_t *)part[9];
    if (sq_eval_scratch_init(&t->es, 5, TILE + SQ_MAX_VLEN) != 0) {
        scratch_free(t);
        return -1;
    }
    return 0;
}

/* ---- problems, chunks and units ---------------------------------------------- */

typedef struct pstate {
    double sum, sumc, err, errc;   /* compensated sums of accepted halves */
    size_t evals, intervals;
    uint32_t rounds;
    size_t start, run;             /* its items in the current frontier */
    size_t next_run;
    items pend;                    /* waiting items, rightmost first */
    sq_status status;
    double where;
    int roundoff;
    double absmax;                 /* the largest |f| it saw */
    double width;                  /* |b - a| */
    int active;
    double epsabs, epsrel;
    size_t uid;                    /* the user's index of the problem */
} pstate;

typedef struct chunk {
    size_t prob, lo, hi;           /* frontier items [lo, hi) of one problem */
    double sv[8], se[8];           /* canonical partial sums */
    size_t children;
    int roundoff, nonfinite;
    double absmax;                 /* the largest |f| its items saw */
    int failed;                    /* the callback failed on its points */
    double where;
} chunk;

typedef struct unit {
    size_t c0, c1;                 /* chunks [c0, c1) */
    size_t lo, hi;                 /* their items */
    size_t out;                    /* where its children go in `next` */
    size_t nout;
    size_t dest;                   /* where they end up in `cur` */
} unit;

/* The buffers an integration needs, kept by a workspace between calls. */
struct sq_simpson_ws {
    items cur, next;
    pstate *prob;
    size_t prob_cap;
    chunk *chunks;
    size_t chunk_cap;
    unit *units;
    size_t unit_cap;
    scratch *tls;
    int ntls;
};

typedef struct engine {
    const sq_run *run;
    const sq_isa_ops *ops;
    int pad;                       /* pad node arrays to whole vectors */
    int forced;                    /* this round accepts nothing */
    uint32_t round;
    struct sq_simpson_ws *w;
    size_t nprob;
    size_t nchunks, nunits;
    int nthreads;
    sq_pace own_pace;          /* whether the rounds' thread team pays */
    sq_pace *pace;             /* run->pace, or own_pace */
} engine;

static double fold8(const double *s)
{
    return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
}

/* ---- one tile ---------------------------------------------------------------- */

/* Find the chunk holding item j, starting the search at *ci. */
static chunk *chunk_of(engine *e, size_t *ci, size_t j)
{
    while (e->w->chunks[*ci].hi <= j)
        ++*ci;
    return &e->w->chunks[*ci];
}

/* Leftmost abscissa among a half's two new values that is not finite. */
static double half_where(const scratch *t, size_t ld, size_t j, int side)
{
    double xa = t->x[(2 * side) * ld + j], xb = t->x[(2 * side + 1) * ld + j];
    double ya = t->y[(2 * side) * ld + j], yb = t->y[(2 * side + 1) * ld + j];
    return isfinite(ya) ? xb : isfinite(yb) ? xa : fmin(xa, xb);
}

/*
 * In the first rounds nothing is accepted: five or nine points say too
 * little (two estimates can agree by coincidence, an oscillation can alias
 * into a smooth curve), so every half splits once more. Returns the new
 * number of splits.
 */
static size_t force_splits(size_t n, const sq_simpson_visit *v)
{
    size_t nsplit = 0;
    int64_t *fates[2] = {v->fate_l, v->fate_r};
    double *vals[2] = {v->val_l, v->val_r}, *errs[2] = {v->err_l, v->err_r};
    for (int side = 0; side < 2; side++)
        for (size_t j = 0; j < n; j++) {
            if (fates[side][j] == SQ_HALF_ACCEPT) {
                fates[side][j] = SQ_HALF_SPLIT;
                vals[side][j] = 0;
                errs[side][j] = 0;
            }
            nsplit += fates[side][j] == SQ_HALF_SPLIT;
        }
    return nsplit;
}

/*
 * Visit the halves of items [lo, hi) (within one unit): nodes, evaluation,
 * estimates, canonical sums into the chunks, children into `next` at *out.
 * Items whose points make the callback fail mark their chunk.
 */
static void run_tile(engine *e, scratch *t, size_t lo, size_t hi, size_t *ci,
                    size_t *out)
{
    const sq_isa_ops *ops = e->ops;
    const items *cur = &e->w->cur;
    items *next = &e->w->next;
    size_t n = hi - lo;
    size_t ld = e->pad ? (n + ops->vlen - 1) / ops->vlen * ops->vlen : n;

    ops->simpson_nodes(n, ld, cur->f[C_A] + lo, cur->f[C_B] + lo, t->x);
    for (size_t j = 0; j < ld; j++)
        t->uid[j] = e->w->prob[cur->pid[lo + (j < n ? j : 0)]].uid;
    if (sq_eval_tile(e->run->ev, 4, ld, t->x, t->uid, &t->es, t->y) != 0) {
        /* Only the problems whose points fail stop; the round goes on for
         * the others (their chunk sums are dropped with them). */
        uint8_t failed[TILE];
        sq_isolate_failures(e->run->ev, 4, n, ld, t->x, t->uid, &t->es, t->y,
                            failed);
        size_t cj = *ci;
        for (size_t j = 0; j < n; j++)
            if (failed[j])
                chunk_of(e, &cj, lo + j)->failed = 1;
    }

    /* Zero samples prove nothing (see finish): the largest |f| seen. */
    for (size_t j = 0, cj = *ci; j < n; j++) {
        double m = sq_fmax(sq_fmax(fabs(t->y[j]), fabs(t->y[ld + j])),
                           sq_fmax(fabs(t->y[2 * ld + j]), fabs(t->y[3 * ld + j])));
        chunk *cm = chunk_of(e, &cj, lo + j);
        cm->absmax = sq_fmax(cm->absmax, m);
    }

    sq_simpson_items in = items_view(cur, lo);
    sq_simpson_visit v = {t->mid, t->vl, t->vr, t->el, t->er, t->fl, t->fr};
    int unusual;
    size_t nsplit = ops->simpson_estimate(n, &in, t->y, ld, &v, &unusual);
    if (e->forced)
        nsplit = force_splits(n, &v);

    size_t first = *ci;    /* the chunk holding item lo */

    /* Canonical sums. Fast path: the tile lies in one chunk and starts at a
     * multiple of 4 items in it, so half c of the tile is half c of the
     * chunk modulo 8. */
    chunk *c = chunk_of(e, ci, lo);
    if (hi <= c->hi && (lo - c->lo) % 4 == 0) {
        ops->sum8_pair(n, t->vl, t->vr, c->sv);
        ops->sum8_pair(n, t->el, t->er, c->se);
    } else {
        for (size_t j = 0; j < n; j++) {
            c = chunk_of(e, ci, lo + j);
            size_t pos = 2 * (lo + j - c->lo);
            c->sv[pos % 8] += t->vl[j];
            c->se[pos % 8] += t->el[j];
            c->sv[(pos + 1) % 8] += t->vr[j];
            c->se[(pos + 1) % 8] += t->er[j];
        }
    }

    if (nsplit > 0) {
        sq_simpson_dest d = {
            next->f[C_A] + *out, next->f[C_B] + *out,
            next->f[C_F0] + *out, next->f[C_F1] + *out,
            next->f[C_F2] + *out, next->f[C_F3] + *out,
            next->f[C_F4] + *out, next->f[C_TOL] + *out,
            next->pid + *out,
        };
        ops->simpson_emit(n, &in, t->y, ld, &v, &d);
        *out += nsplit;
    }

    /* Per-chunk children counts and rare events, attributed half by half
     * only when the tile spans chunks or something unusual happened. The
     * search starts again from the tile's first chunk. */
    size_t cf = first;
    c = chunk_of(e, &cf, lo);
    if (hi <= c->hi && !unusual) {
        c->children += nsplit;
    } else {
        for (size_t j = 0; j < n; j++) {
            c = chunk_of(e, &cf, lo + j);
            const int64_t fate[2] = {t->fl[j], t->fr[j]};
            for (int side = 0; side < 2; side++) {
                c->children += fate[side] == SQ_HALF_SPLIT;
                if (fate[side] == SQ_HALF_ROUNDOFF)
                    c->roundoff = 1;
                if (fate[side] == SQ_HALF_NONFINITE && !c->nonfinite) {
                    c->nonfinite = 1;
                    c->where = half_where(t, ld, j, side);
                }
            }
        }
    }
}

static void run_unit(size_t ui, int slot, void *ctx)
{
    engine *e = ctx;
    unit *u = &e->w->units[ui];
    scratch *t = &e->w->tls[slot];
    size_t ci = u->c0;
    size_t out = u->out;
    for (size_t lo = u->lo; lo < u->hi; lo += TILE) {
        size_t hi = lo + TILE < u->hi ? lo + TILE : u->hi;
        run_tile(e, t, lo, hi, &ci, &out);
    }
    u->nout = out - u->out;
}

/* After a parallel round: move one unit's children to their place. */
static void gather_unit(size_t ui, int slot, void *ctx)
{
    engine *e = ctx;
    const unit *u = &e->w->units[ui];
    (void)slot;
    sq_cols_move(&e->w->cur, u->dest, &e->w->next, u->out, u->nout);
}

/* ---- rounds ------------------------------------------------------------------ */

/* Cut the runs of the active problems into chunks, and chunks into units of
 * contiguous items. */
static int plan_round(engine *e)
{
    struct sq_simpson_ws *w = e->w;
    size_t nch = 0;
    for (size_t p = 0; p < e->nprob; p++)
        if (w->prob[p].active)
            nch += (w->prob[p].run + CHUNK - 1) / CHUNK;
    if (sq_grow((void **)&w->chunks, &w->chunk_cap, nch, sizeof(chunk)) != 0
        || sq_grow((void **)&w->units, &w->unit_cap, nch, sizeof(unit)) != 0)
        return -1;
    e->nchunks = 0;
    for (size_t p = 0; p < e->nprob; p++) {
        const pstate *ps = &w->prob[p];
        if (!ps->active)
            continue;
        for (size_t off = 0; off < ps->run; off += CHUNK) {
            chunk *c = &w->chunks[e->nchunks++];
            memset(c, 0, sizeof *c);
            c->prob = p;
            c->lo = ps->start + off;
            c->hi = ps->start + (off + CHUNK < ps->run ? off + CHUNK : ps->run);
        }
    }
    e->nunits = 0;
    for (size_t c = 0; c < e->nchunks;) {
        unit *u = &w->units[e->nunits++];
        memset(u, 0, sizeof *u);
        u->c0 = c;
        u->lo = w->chunks[c].lo;
        c++;
        while (c < e->nchunks && w->chunks[c].lo == w->chunks[c - 1].hi
               && w->chunks[c].lo - u->lo < UNIT)
            c++;
        u->c1 = c;
        u->hi = w->chunks[c - 1].hi;
    }
    return 0;
}

/* Add the estimates of a problem's unfinished items (its run in `s`, then
 * its pending items) in position order. */
static void add_unfinished(pstate *ps, const items *s)
{
    for (size_t j = ps->start; j < ps->start + ps->run; j++) {
        double err;
        double v = item_estimate(s, j, &err);
        sq_sum_add(&ps->sum, &ps->sumc, v);
        sq_sum_add(&ps->err, &ps->errc, err);
    }
    for (size_t j = ps->pend.n; j-- > 0;) {
        double err;
        double v = item_estimate(&ps->pend, j, &err);
        sq_sum_add(&ps->sum, &ps->sumc, v);
        sq_sum_add(&ps->err, &ps->errc, err);
    }
    ps->pend.n = 0;
}

static void stop(pstate *ps, sq_status status)
{
    ps->active = 0;
    if (ps->status == SQ_OK)
        ps->status = status;
}

/*
 * One round over the whole frontier. Returns -1 if memory ran out before
 * anything was evaluated (the frontier is then intact).
 */
static int round_once(engine *e)
{
    struct sq_simpson_ws *w = e->w;
    size_t n = w->cur.n;
    /* Both buffers can hold the largest possible next frontier: the
     * parallel path compacts `next` back into `cur`. */
    if (plan_round(e) != 0 || items_reserve(&w->next, 2 * n + SLACK, 0) != 0
        || items_reserve(&w->cur, 2 * n + SLACK, n) != 0)
        return -1;
    int parallel = e->nthreads > 1 && n >= PAR_MIN && e->nunits > 1;
    if (parallel) {
        for (size_t u = 0; u < e->nunits; u++)
            w->units[u].out = 2 * w->units[u].lo;
        sq_parallel_for_paced(e->pace, e->nunits, e->nthreads, run_unit, e);
    } else {
        size_t off = 0;
        for (size_t u = 0; u < e->nunits; u++) {
            w->units[u].out = off;
            run_unit(u, 0, e);
            off += w->units[u].nout;
        }
    }

    /* A failed callback stops its problems as they stood at the start of
     * the round, so what other threads finished meanwhile cannot matter. */
    for (size_t c = 0; c < e->nchunks; c++) {
        pstate *ps = &w->prob[w->chunks[c].prob];
        if (w->chunks[c].failed && ps->active) {
            add_unfinished(ps, &w->cur);
            stop(ps, SQ_CALLBACK_ABORT);
        }
    }

    for (size_t p = 0; p < e->nprob; p++)
        w->prob[p].next_run = 0;
    for (size_t c = 0; c < e->nchunks; c++) {
        const chunk *ch = &w->chunks[c];
        pstate *ps = &w->prob[ch->prob];
        ps->next_run += ch->children;
        if (!ps->active)
            continue;
        sq_sum_add(&ps->sum, &ps->sumc, fold8(ch->sv));
        sq_sum_add(&ps->err, &ps->errc, fold8(ch->se));
        ps->evals += 4 * (ch->hi - ch->lo);
        ps->intervals += 2 * (ch->hi - ch->lo);
        ps->roundoff |= ch->roundoff;
        ps->absmax = fmax(ps->absmax, ch->absmax);
        if (ch->nonfinite && ps->status == SQ_OK) {
            ps->status = SQ_NONFINITE;
            ps->where = ch->where;
        }
    }

    /* The next frontier, compact, in `cur`. */
    size_t total = 0;
    if (parallel) {
        for (size_t u = 0; u < e->nunits; u++) {
            w->units[u].dest = total;
            total += w->units[u].nout;
        }
        /* A short copy: its team would not pay by itself, and its pace
         * must not set aside run_unit's, which loops as many units. */
        sq_parallel_for_after(e->pace, e->nunits, e->nthreads, gather_unit, e);
    } else {
        for (size_t u = 0; u < e->nunits; u++)
            total += w->units[u].nout;
        items t = w->cur;
        w->cur = w->next;
        w->next = t;
    }
    w->cur.n = total;
    size_t start = 0;
    for (size_t p = 0; p < e->nprob; p++) {
        pstate *ps = &w->prob[p];
        ps->start = start;
        ps->run = ps->next_run;
        start += ps->run;
    }
    return 0;
}

/*
 * Between rounds: problems without items are done; problems that hit a
 * budget or a non-finite value stop with their unfinished items' estimates;
 * every other problem takes exactly min(WINDOW, items left) items into the
 * next round, its leftmost ones. The frontier is then rebuilt compactly.
 * Returns -1 if memory ran out.
 */
static int settle(engine *e)
{
    struct sq_simpson_ws *w = e->w;
    const sq_run *run = e->run;
    int relayout = 0;
    for (size_t p = 0; p < e->nprob; p++) {
        pstate *ps = &w->prob[p];
        if (!ps->active) {
            relayout |= ps->run > 0;
            continue;
        }
        size_t left = ps->run + ps->pend.n;
        size_t next = left < WINDOW ? left : WINDOW;   /* the next round's */
        sq_status why = SQ_OK;
        if (ps->status == SQ_NONFINITE)
            why = SQ_NONFINITE;
        else if (left > 0 && ps->evals + 4 * next > run->max_evals)
            why = SQ_MAX_EVALS;
        else if (left > run->max_intervals)
            why = SQ_MAX_INTERVALS;
        if (why != SQ_OK) {
            add_unfinished(ps, &w->cur);
            stop(ps, why);
            relayout |= ps->run > 0;
        } else if (left == 0) {
            ps->active = 0;
        } else if (ps->run != WINDOW && (ps->run > WINDOW || ps->pend.n > 0)) {
            relayout = 1;
        }
    }
    if (!relayout)
        return 0;

    /* Room for what moves to the pending stacks, and for the new frontier. */
    size_t need = 0;
    for (size_t p = 0; p < e->nprob; p++) {
        pstate *ps = &w->prob[p];
        if (!ps->active)
            continue;
        if (ps->run > WINDOW
            && items_reserve(&ps->pend, ps->pend.n + ps->run - WINDOW + SLACK,
                             ps->pend.n) != 0)
            return -1;
        size_t left = ps->run + ps->pend.n;
        need += left < WINDOW ? left : WINDOW;
    }
    /* With one problem in the frontier its run stays where it is (truncate,
     * append): no copy. Otherwise rebuild the frontier in `next`. */
    int in_place = e->nprob == 1 && w->prob[0].active;
    items *dst = in_place ? &w->cur : &w->next;
    if (items_reserve(dst, need + SLACK, in_place ? w->cur.n : 0) != 0)
        return -1;

    size_t to = 0;
    for (size_t p = 0; p < e->nprob; p++) {
        pstate *ps = &w->prob[p];
        if (!ps->active) {
            ps->run = 0;
            continue;
        }
        size_t take = ps->run < WINDOW ? ps->run : WINDOW;
        if (ps->run > take) {
            /* The surplus lies left of everything already pending. */
            sq_cols_move_reversed(&ps->pend, ps->pend.n, &w->cur, ps->start + take,
                                  ps->run - take, e->pace, e->nthreads, PAR_MIN);
            ps->pend.n += ps->run - take;
        }
        if (!in_place)
            sq_cols_move(dst, to, &w->cur, ps->start, take);
        size_t refill = WINDOW - take < ps->pend.n ? WINDOW - take : ps->pend.n;
        sq_cols_move_reversed(dst, to + take, &ps->pend, ps->pend.n - refill,
                              refill, e->pace, e->nthreads, PAR_MIN);
        ps->pend.n -= refill;
        ps->start = to;
        ps->run = take + refill;
        to += ps->run;
    }
    if (!in_place) {
        items t = w->cur;
        w->cur = w->next;
        w->next = t;
    }
    w->cur.n = to;
    return 0;
}

/* ---- expensive integrands ---------------------------------------------------- */

/* The four points a visit of item [a, b] evaluates, as simpson_nodes does. */
static void quarter_points(double a, double b, double *x)
{
    double m = sq_mid(a, b), lm = sq_mid(a, m), rm = sq_mid(m, b);
    x[0] = sq_mid(a, lm);
    x[1] = sq_mid(lm, m);
    x[2] = sq_mid(m, rm);
    x[3] = sq_mid(rm, b);
}

static void item_points(void *ctx, const double *a, const double *b,
                        const uint64_t *tag, size_t n, double *x)
{
    (void)ctx;
    (void)tag;
    for (size_t i = 0; i < n; i++)
        quarter_points(a[i], b[i], x + 4 * i);
}

static void halve_items(double *lo, double *hi, uint64_t *tag, size_t n)
{
    (void)tag;
    for (size_t i = n; i-- > 0;) {
        double m = sq_mid(lo[i], hi[i]);
        lo[2 * i + 1] = m;
        hi[2 * i + 1] = hi[i];
        hi[2 * i] = m;
        lo[2 * i] = lo[i];
    }
}

/* Hand the workers the points of the items [a[i], b[i]] that the coming
 * visit needs (needed: nonzero) or may need, then those of their halves
 * (sq_announce): a narrow frontier then keeps every worker busy on the
 * levels below it. */
static void announce(const sq_evaluator *ev, const double *a, const double *b,
                     size_t n, int needed)
{
    sq_announcer an = {4, item_points, halve_items, NULL};
    sq_announce(ev, &an, a, b, NULL, n, needed);
}

/* ---- root visits --------------------------------------------------------------- */

/* Leftmost of the five root abscissae whose value is not finite, or NaN. */
static double root_where(const double *x, const double *y, size_t ld,
                         size_t j)
{
    double w = NAN;
    for (int k = 0; k < 5; k++)
        if (!isfinite(y[k * ld + j]) && !(x[k * ld + j] >= w))
            w = x[k * ld + j];
    return w;
}

/*
 * The first visit of each problem: its five Simpson points in one array per
 * tile of problems. Problems not accepted at once become the first items.
 */
static int visit_roots(engine *e, const sq_problem *pr)
{
    struct sq_simpson_ws *w = e->w;
    scratch *t = &w->tls[0];
    size_t vlen = e->ops->vlen;
    if (items_reserve(&w->cur, e->nprob + SLACK, 0) != 0)
        return -1;
    w->cur.n = 0;
    if (e->run->ev->oracle != NULL) {
        /* The five points of each root, then the levels below them. */
        double *a = sq_malloc(e->nprob * sizeof *a), *b = sq_malloc(e->nprob * sizeof *b);
        double *x = sq_malloc(5 * e->nprob * sizeof *x);
        if (a != NULL && b != NULL && x != NULL) {
            for (size_t i = 0; i < e->nprob; i++) {
                double m = sq_mid(pr[i].a, pr[i].b);
                a[i] = pr[i].a;
                b[i] = pr[i].b;
                double r[5] = {pr[i].a, sq_mid(pr[i].a, m), m, sq_mid(m, pr[i].b),
                               pr[i].b};
                memcpy(x + 5 * i, r, sizeof r);
            }
            sq_oracle_need(e->run->ev->oracle, x, 5 * e->nprob);
            announce(e->run->ev, a, b, e->nprob, 0);
        }
        sq_free(a);
        sq_free(b);
        sq_free(x);
    }
    for (size_t lo = 0; lo < e->nprob; lo += TILE) {
        size_t n = e->nprob - lo < TILE ? e->nprob - lo : TILE;
        size_t ld = e->pad ? (n + vlen - 1) / vlen * vlen : n;
        double *x = t->x, *y = t->y;
        for (size_t j = 0; j < ld; j++) {
            const sq_problem *q = &pr[lo + (j < n ? j : 0)];
            double m = sq_mid(q->a, q->b);
            x[j] = q->a;
            x[ld + j] = sq_mid(q->a, m);
            x[2 * ld + j] = m;
            x[3 * ld + j] = sq_mid(m, q->b);
            x[4 * ld + j] = q->b;
        }
        for (size_t j = 0; j < ld; j++)
            t->uid[j] = pr[lo + (j < n ? j : 0)].uid;
        uint8_t failed[TILE];
        memset(failed, 0, sizeof failed);
        if (sq_eval_tile(e->run->ev, 5, ld, x, t->uid, &t->es, y) != 0)
            sq_isolate_failures(e->run->ev, 5, n, ld, t->x, t->uid, &t->es, t->y,
                                failed);
        for (size_t j = 0; j < n; j++) {
            const sq_problem *q = &pr[lo + j];
            pstate *ps = &w->prob[lo + j];
            ps->rounds = 1;
            ps->uid = q->uid;
            ps->evals = 5;       /* the callback ran, failing or not */
            ps->width = fabs(q->b - q->a);
            ps->intervals = 1;
            if (failed[j]) {
                ps->sum = NAN;
                ps->err = INFINITY;
                stop(ps, SQ_CALLBACK_ABORT);
                continue;
            }
            double f[5];
            for (int k = 0; k < 5; k++) {
                f[k] = y[k * ld + j];
                ps->absmax = fmax(ps->absmax, fabs(f[k]));
            }
            double where = root_where(x, y, ld, j);
            if (!isnan(where)) {
                ps->sum = NAN;
                ps->err = INFINITY;
                ps->where = where;
                stop(ps, SQ_NONFINITE);
                continue;
            }
            double err;
            double first = sq_simpson_unfinished(q->a, q->b, f[0], f[1], f[2],
                                                 f[3], f[4], &err);
            double tol = sq_tolerance(q->epsabs, q->epsrel, first);
            ps->epsabs = q->epsabs;
            ps->epsrel = q->epsrel;
            double val;
            int64_t fate = sq_simpson_half(q->a, x[2 * ld + j], q->b, f[0],
                                           f[1], f[2], f[3], f[4], tol,
                                           &val, &err);
            /* The textbook algorithm may accept this first five-point
             * estimate, but two estimates can agree by coincidence (Kahaner's
             * test 4 is built that way) and nothing checks them: the halves
             * are always visited, and checked against this one. */
            if (fate == SQ_HALF_ROUNDOFF) {
                ps->sum = val;
                ps->err = fabs(err);
                ps->roundoff = 1;
                ps->active = 0;
                continue;
            }
            size_t i = w->cur.n++;
            double v[NCOL] = {q->a, q->b, f[0], f[1], f[2], f[3], f[4],
                              0.5 * tol};
            for (int k = 0; k < NCOL; k++)
                w->cur.f[k][i] = v[k];
            w->cur.pid[i] = lo + j;
            ps->start = i;
            ps->run = 1;
        }
    }
    return 0;
}

/* ---- the workspace ----------------------------------------------------------- */

void sq_simpson_ws_free(struct sq_simpson_ws *w)
{
    if (w == NULL)
        return;
    sq_cols_free(&w->cur);
    sq_cols_free(&w->next);
    for (size_t p = 0; p < w->prob_cap; p++)
        sq_cols_free(&w->prob[p].pend);
    for (int i = 0; i < w->ntls; i++)
        scratch_free(&w->tls[i]);
    sq_free(w->tls);
    sq_free(w->prob);
    sq_free(w->chunks);
    sq_free(w->units);
    sq_free(w);
}

size_t sq_simpson_ws_bytes(const struct sq_simpson_ws *w)
{
    if (w == NULL)
        return 0;
    size_t b = sizeof *w + sq_cols_bytes(&w->cur) + sq_cols_bytes(&w->next);
    for (size_t p = 0; p < w->prob_cap; p++)
        b += sq_cols_bytes(&w->prob[p].pend);
    b += w->prob_cap * sizeof(pstate) + w->chunk_cap * sizeof(chunk)
       + w->unit_cap * sizeof(unit) + (size_t)w->ntls * sizeof(scratch);
    return b;
}

/* Make the workspace ready for nprob problems on nthreads threads. */
static int ws_prepare(struct sq_simpson_ws **wp, size_t nprob, int nthreads)
{
    struct sq_simpson_ws *w = *wp;
    if (w == NULL) {
        w = sq_alloc(sizeof *w);
        if (w == NULL)
            return -1;
        memset(w, 0, sizeof *w);
        *wp = w;
    }
    if (nprob > w->prob_cap) {
        pstate *p = sq_alloc_array(nprob, sizeof(pstate));
        if (p == NULL)
            return -1;
        memset(p, 0, nprob * sizeof(pstate));
        for (size_t i = 0; i < w->prob_cap; i++)
            p[i].pend = w->prob[i].pend;
        sq_free(w->prob);
        w->prob = p;
        w->prob_cap = nprob;
    }
    if (nthreads > w->ntls) {
        if (sq_extend((void **)&w->tls, (size_t)w->ntls, (size_t)nthreads,
                      sizeof *w->tls) != 0)
            return -1;
        for (int i = w->ntls; i < nthreads; i++) {
            if (scratch_init(&w->tls[i]) != 0)
                return -1;
            w->ntls = i + 1;
        }
    }
    for (size_t p = 0; p < nprob; p++) {
        pstate *ps = &w->prob[p];
        items pend = ps->pend;
        memset(ps, 0, sizeof *ps);
        ps->pend = pend;
        ps->pend.n = 0;
        ps->status = SQ_OK;
        ps->where = NAN;
        ps->active = 1;
    }
    w->cur.n = 0;
    w->next.n = 0;
    return 0;
}

/* ---- entry point ------------------------------------------------------------- */

/* A problem's result. One that saw nothing ends SQ_UNSEEN with an
 * infinite error, unless its integrand is known not to depend on x
 * (x_free): f was 0 at every point, or all it saw is below the tolerance
 * (the largest |f| times the width) and not resolved (an error estimate
 * over a millionth of that): the tail of a peak between the points. */
static void finish(const pstate *ps, int x_free, sq_result *res)
{
    res->value = ps->sum + ps->sumc;
    res->error = ps->err + ps->errc;
    res->evals = ps->evals;
    res->intervals = ps->intervals;
    res->rounds = ps->rounds;
    res->status = ps->status;
    if (res->status == SQ_OK && ps->roundoff)
        res->status = SQ_ROUNDOFF;
    /* Finished by the classic local tests, but the honest error can exceed
     * the tolerance: where Richardson's model fails, or when the first
     * estimate (which set the working tolerance) was too large. */
    double tol = sq_tolerance(ps->epsabs, ps->epsrel, res->value);
    if (res->status == SQ_OK && res->error > tol)
        res->status = SQ_INACCURATE;
    double seen = ps->absmax * ps->width;
    if (res->status == SQ_OK && !x_free
        && (seen == 0 || (seen <= tol && res->error > 1e-6 * seen))) {
        res->status = SQ_UNSEEN;
        res->error = INFINITY;
    }
    res->where = ps->where;
    /* Finite values whose sums overflowed (1e308 times a weight over 1):
     * no estimate to stand behind. */
    if (!(isfinite(res->value) && res->error >= 0)) {
        res->error = INFINITY;
        if (res->status != SQ_CALLBACK_ABORT && res->status != SQ_CANCELLED
            && res->status != SQ_NOMEM)
            res->status = SQ_NONFINITE;
    }
    res->detail = NULL;
}

static void fail_nomem(sq_result *res)
{
    memset(res, 0, sizeof *res);
    res->value = NAN;
    res->error = INFINITY;
    res->where = NAN;
    res->status = SQ_NOMEM;
}

/* Tell the monitor how many problems finished since the last call. */
static void report_finished(engine *e, size_t *active)
{
    if (e->run->mon == NULL || !e->run->count_done)
        return;
    size_t now = 0;
    for (size_t q = 0; q < e->nprob; q++)
        now += e->w->prob[q].active != 0;
    if (now < *active)
        sq_monitor_add_done(e->run->mon, *active - now);
    *active = now;
}

void sq_simpson_local(struct sq_simpson_ws **wp, const sq_run *run,
                      const sq_problem *p, size_t nprob, sq_result *res)
{
    engine e = {0};
    e.run = run;
    e.pace = run->pace != NULL ? run->pace : &e.own_pace;
    e.ops = run->ev->ops;
    e.pad = sq_eval_pads(run->ev);
    e.nthreads = run->threads > 0 ? run->threads : 1;
    e.nprob = nprob;
    if (ws_prepare(wp, e.nprob, e.nthreads) != 0) {
        for (size_t q = 0; q < nprob; q++)
            fail_nomem(&res[q]);
        return;
    }
    e.w = *wp;
    if (visit_roots(&e, p) != 0) {
        for (size_t q = 0; q < nprob; q++)
            fail_nomem(&res[q]);
        return;
    }
    int nomem = settle(&e) != 0;
    size_t active = nprob;
    while (!nomem) {
        report_finished(&e, &active);
        if (e.w->cur.n == 0)
            break;
        if (run->mon != NULL && sq_monitor_poll(run->mon, run->master)) {
            for (size_t q = 0; q < e.nprob; q++) {
                pstate *ps = &e.w->prob[q];
                if (ps->active) {
                    add_unfinished(ps, &e.w->cur);
                    stop(ps, SQ_CANCELLED);
                }
            }
            break;
        }
        for (size_t q = 0; q < e.nprob; q++)
            if (e.w->prob[q].active)
                e.w->prob[q].rounds++;
        if (run->ev->oracle != NULL)
            announce(run->ev, e.w->cur.f[C_A], e.w->cur.f[C_B], e.w->cur.n, 1);
        /* The root visit is level 0; round r visits level r. */
        e.round++;
        e.forced = e.round < FORCED;
        size_t visited = e.w->cur.n;
        nomem = round_once(&e) != 0 || settle(&e) != 0;
        if (!nomem && run->trace != NULL && run->master) {
            size_t left = 0;
            for (size_t q = 0; q < e.nprob; q++)
                left += e.w->prob[q].active != 0;
            sq_round_info info = {e.round, 2 * visited, 4 * visited, left};
            run->trace(&info, run->trace_ctx);
        }
    }
    if (nomem) {
        for (size_t q = 0; q < e.nprob; q++) {
            pstate *ps = &e.w->prob[q];
            if (ps->active) {
                add_unfinished(ps, &e.w->cur);
                stop(ps, SQ_NOMEM);
            }
        }
    }
    for (size_t q = 0; q < nprob; q++)
        finish(&e.w->prob[q], run->ev->x_free, &res[q]);
}
