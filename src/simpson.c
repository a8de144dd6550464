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
 * L1) grouped into units that threads take whole.
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
#include <string.h>

#include "internal.h"
#include "simpson_half.h"

enum {
    TILE = 128,       /* items per tile: 512 nodes per kernel call */
    CHUNK = 1024,     /* items per canonical summation chunk */
    UNIT = 2048,      /* target items per unit of parallel work */
    PAR_MIN = 4096,   /* smaller rounds run on the calling thread */
    NCOL = 8,         /* double fields of an item: a, b, f0..f4, tol */
    SLACK = 2 * SQ_MAX_VLEN,
    STAGGER = 3 * 64  /* bytes between arrays: avoids L1 set conflicts */
};

/* ---- the frontier: items in structure-of-arrays form ---------------------- */

typedef struct items {
    size_t n, cap;
    double *col[NCOL];     /* a, b, f0, f1, f2, f3, f4, tol */
    uint64_t *pid;
    void *mem;
} items;

enum { C_A, C_B, C_F0, C_F1, C_F2, C_F3, C_F4, C_TOL };

/*
 * All arrays come from one allocation, each offset by a few cache lines
 * from the previous so that same-index accesses do not compete for the same
 * L1 set. Existing items are kept.
 */
static int items_reserve(items *s, size_t cap)
{
    if (cap <= s->cap)
        return 0;
    size_t want = s->cap ? s->cap : 1024;
    while (want < cap)
        want *= 2;
    size_t stride = (want + SLACK) * sizeof(double) + STAGGER;
    void *mem = sq_alloc_array(NCOL + 1, stride);
    if (mem == NULL)
        return -1;
    char *base = mem;
    double *col[NCOL];
    for (int k = 0; k < NCOL; k++) {
        col[k] = (double *)(base + (size_t)k * stride);
        if (s->n)
            memcpy(col[k], s->col[k], s->n * sizeof(double));
    }
    uint64_t *pid = (uint64_t *)(base + (size_t)NCOL * stride);
    if (s->n)
        memcpy(pid, s->pid, s->n * sizeof(uint64_t));
    sq_free(s->mem);
    memcpy(s->col, col, sizeof col);
    s->pid = pid;
    s->mem = mem;
    s->cap = want;
    return 0;
}

static void items_free(items *s)
{
    sq_free(s->mem);
    memset(s, 0, sizeof *s);
}

static sq_simpson_items items_view(const items *s, size_t lo)
{
    sq_simpson_items v = {
        s->col[C_A] + lo, s->col[C_B] + lo, s->col[C_F0] + lo,
        s->col[C_F1] + lo, s->col[C_F2] + lo, s->col[C_F3] + lo,
        s->col[C_F4] + lo, s->col[C_TOL] + lo, s->pid + lo,
    };
    return v;
}

/* Best estimate and error of an item that will not be refined further. */
static double item_estimate(const items *s, size_t j, double *err)
{
    return sq_simpson_unfinished(s->col[C_A][j], s->col[C_B][j],
                                 s->col[C_F0][j], s->col[C_F1][j],
                                 s->col[C_F2][j], s->col[C_F3][j],
                                 s->col[C_F4][j], err);
}

/* ---- per-thread tile buffers ---------------------------------------------- */

typedef struct scratch {
    double *x, *y;                 /* 5 rows of TILE (+ padding) nodes */
    double *h[NCOL];               /* the 2 * TILE halves, as items */
    uint64_t *hpid;
    double *val, *err;
    uint8_t *fate, *keep;
    void *mem;
} scratch;

static int scratch_init(scratch *t)
{
    size_t xs = 5 * (TILE + SQ_MAX_VLEN) * sizeof(double);
    size_t hs = (2 * TILE + SLACK) * sizeof(double) + STAGGER;
    size_t bytes = 2 * (xs + STAGGER) + (NCOL + 3) * hs + 2 * hs;
    char *p = sq_alloc(bytes);
    if (p == NULL)
        return -1;
    t->mem = p;
    t->x = (double *)p;
    p += xs + STAGGER;
    t->y = (double *)p;
    p += xs + STAGGER;
    for (int k = 0; k < NCOL; k++, p += hs)
        t->h[k] = (double *)p;
    t->hpid = (uint64_t *)p;
    p += hs;
    t->val = (double *)p;
    p += hs;
    t->err = (double *)p;
    p += hs;
    t->fate = (uint8_t *)p;
    p += hs;
    t->keep = (uint8_t *)p;
    return 0;
}

/* ---- problems, chunks and units --------------------------------------------- */

typedef struct pstate {
    double sum, sumc, err, errc;   /* compensated sums of accepted halves */
    size_t evals, intervals;
    uint32_t rounds;
    size_t start, run;             /* its items in the current frontier */
    size_t next_run;
    sq_status status;
    double where;
    int roundoff;
    int active;
} pstate;

typedef struct chunk {
    size_t prob, lo, hi;           /* frontier items [lo, hi) of one problem */
    double sv[8], se[8];           /* canonical partial sums */
    size_t children;
    int roundoff, nonfinite;
    double where;
} chunk;

typedef struct unit {
    size_t c0, c1;                 /* chunks [c0, c1) */
    size_t lo, hi;                 /* their items */
    size_t out;                    /* where its children go in `next` */
    size_t nout;
    size_t dest;                   /* where they end up in `cur` */
    int failed;                    /* the callback failed ... */
    size_t fail_lo;                /* ... on the tile starting here */
} unit;

typedef struct engine {
    const sq_run *run;
    const sq_isa_ops *ops;
    int pad;                       /* pad node arrays to whole vectors */
    items cur, next;
    pstate *prob;
    size_t nprob;
    chunk *chunks;
    size_t nchunks, chunk_cap;
    unit *units;
    size_t nunits, unit_cap;
    scratch *tls;
    int nthreads;
    int gapped;                    /* units write at 2 * lo (parallel round) */
} engine;

static double fold8(const double *s)
{
    return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
}

/* ---- one tile ------------------------------------------------------------ */

/* Find the chunk holding item j, starting the search at *ci. */
static chunk *chunk_of(engine *e, size_t *ci, size_t j)
{
    while (e->chunks[*ci].hi <= j)
        ++*ci;
    return &e->chunks[*ci];
}

/* Leftmost abscissa among a half's two new values that is not finite. */
static double half_where(const scratch *t, size_t ld, size_t j, int side)
{
    double xa = t->x[(2 * side) * ld + j], xb = t->x[(2 * side + 1) * ld + j];
    double ya = t->y[(2 * side) * ld + j], yb = t->y[(2 * side + 1) * ld + j];
    return isfinite(ya) ? xb : isfinite(yb) ? xa : fmin(xa, xb);
}

/*
 * Visit the halves of items [lo, hi) (within one unit): nodes, evaluation,
 * estimates, canonical sums into the chunks, children into `next` at *out.
 * Returns nonzero if the callback failed.
 */
static int run_tile(engine *e, scratch *t, size_t lo, size_t hi, size_t *ci,
                    size_t *out)
{
    const sq_isa_ops *ops = e->ops;
    size_t n = hi - lo;
    size_t ld = e->pad ? (n + ops->vlen - 1) / ops->vlen * ops->vlen : n;
    const items *cur = &e->cur;

    ops->simpson_nodes(n, ld, cur->col[C_A] + lo, cur->col[C_B] + lo, t->x);
    if (sq_eval(e->run->ev, 4 * ld, t->x, t->y) != 0)
        return -1;

    sq_simpson_items in = items_view(cur, lo);
    sq_simpson_halves h = {
        t->h[C_A], t->h[C_B], t->h[C_F0], t->h[C_F1], t->h[C_F2],
        t->h[C_F3], t->h[C_F4], t->h[C_TOL], t->hpid,
        t->val, t->err, t->fate,
    };
    ops->simpson_estimate(n, &in, t->y, ld, &h);

    size_t nh = 2 * n;
    unsigned special = 0;
    for (size_t k = 0; k < nh; k++) {
        t->keep[k] = t->fate[k] == SQ_HALF_SPLIT;
        special |= t->fate[k] > SQ_HALF_SPLIT;
    }

    /* Canonical sums. Fast path: the tile lies in one chunk and starts at a
     * multiple of 4 items in it, so half c of the tile is half c of the
     * chunk modulo 8. */
    chunk *c = chunk_of(e, ci, lo);
    if (hi <= c->hi && (lo - c->lo) % 4 == 0) {
        ops->sum8(nh, t->val, c->sv);
        ops->sum8(nh, t->err, c->se);
    } else {
        for (size_t k = 0; k < nh; k++) {
            c = chunk_of(e, ci, lo + k / 2);
            size_t pos = 2 * (lo - c->lo) + k;
            c->sv[pos % 8] += t->val[k];
            c->se[pos % 8] += t->err[k];
        }
    }

    size_t kept = ops->compress(nh, t->keep, t->hpid, e->next.pid + *out);
    for (int k = 0; k < NCOL; k++)
        ops->compress(nh, t->keep, t->h[k], e->next.col[k] + *out);
    *out += kept;

    /* Per-chunk children counts and rare events, attributed half by half
     * only when the tile spans chunks or something unusual happened. */
    c = chunk_of(e, ci, lo);
    if (hi <= c->hi && !special) {
        c->children += kept;
    } else {
        for (size_t k = 0; k < nh; k++) {
            c = chunk_of(e, ci, lo + k / 2);
            c->children += t->keep[k];
            if (t->fate[k] == SQ_HALF_ROUNDOFF)
                c->roundoff = 1;
            if (t->fate[k] == SQ_HALF_NONFINITE && !c->nonfinite) {
                c->nonfinite = 1;
                c->where = half_where(t, ld, k / 2, (int)(k % 2));
            }
        }
    }
    return 0;
}


static void run_unit(size_t ui, int slot, void *ctx)
{
    engine *e = ctx;
    unit *u = &e->units[ui];
    scratch *t = &e->tls[slot];
    size_t ci = u->c0;
    size_t out = u->out;
    for (size_t lo = u->lo; lo < u->hi; lo += TILE) {
        size_t hi = lo + TILE < u->hi ? lo + TILE : u->hi;
        if (run_tile(e, t, lo, hi, &ci, &out) != 0) {
            u->failed = 1;
            u->fail_lo = lo;
            break;
        }
    }
    u->nout = out - u->out;
}

/* ---- rounds -------------------------------------------------------------- */

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t want = *cap ? *cap : 64;
    while (want < need)
        want *= 2;
    void *q = sq_alloc_array(want, size);
    if (q == NULL)
        return -1;
    if (*cap)
        memcpy(q, *p, *cap * size);
    sq_free(*p);
    *p = q;
    *cap = want;
    return 0;
}

/* Cut the runs of the active problems into chunks, and chunks into units. */
static int plan_round(engine *e)
{
    size_t nch = 0;
    for (size_t p = 0; p < e->nprob; p++)
        if (e->prob[p].active)
            nch += (e->prob[p].run + CHUNK - 1) / CHUNK;
    if (grow((void **)&e->chunks, &e->chunk_cap, nch, sizeof(chunk)) != 0
        || grow((void **)&e->units, &e->unit_cap, nch, sizeof(unit)) != 0)
        return -1;
    e->nchunks = 0;
    for (size_t p = 0; p < e->nprob; p++) {
        const pstate *ps = &e->prob[p];
        if (!ps->active)
            continue;
        for (size_t off = 0; off < ps->run; off += CHUNK) {
            chunk *c = &e->chunks[e->nchunks++];
            memset(c, 0, sizeof *c);
            c->prob = p;
            c->lo = ps->start + off;
            c->hi = ps->start + (off + CHUNK < ps->run ? off + CHUNK : ps->run);
        }
    }
    e->nunits = 0;
    for (size_t c = 0; c < e->nchunks;) {
        unit *u = &e->units[e->nunits++];
        memset(u, 0, sizeof *u);
        u->c0 = c;
        u->lo = e->chunks[c].lo;
        while (c < e->nchunks && e->chunks[c].lo - u->lo < UNIT)
            c++;
        u->c1 = c;
        u->hi = e->chunks[c - 1].hi;
    }
    return 0;
}

/* Copy frontier `s` items [from, from + n) to position `to` of `d`. */
static void items_move(items *d, size_t to, const items *s, size_t from,
                       size_t n)
{
    for (int k = 0; k < NCOL; k++)
        memmove(d->col[k] + to, s->col[k] + from, n * sizeof(double));
    memmove(d->pid + to, s->pid + from, n * sizeof(uint64_t));
}

/* After a parallel round: move one unit's children to their place. */
static void gather_unit(size_t ui, int slot, void *ctx)
{
    engine *e = ctx;
    const unit *u = &e->units[ui];
    (void)slot;
    items_move(&e->cur, u->dest, &e->next, u->out, u->nout);
}

/* Add the estimates of a problem's unfinished items, in order. */
static void add_unfinished(pstate *ps, const items *s, size_t start,
                           size_t run)
{
    for (size_t j = start; j < start + run; j++) {
        double err;
        double v = item_estimate(s, j, &err);
        sq_sum_add(&ps->sum, &ps->sumc, v);
        sq_sum_add(&ps->err, &ps->errc, err);
    }
}

static void stop(pstate *ps, sq_status status)
{
    ps->active = 0;
    if (ps->status == SQ_OK)
        ps->status = status;
}

/*
 * One round over the whole frontier. Returns -1 if memory ran out (the
 * frontier is then still the round's input).
 */
static int round_once(engine *e)
{
    size_t n = e->cur.n;
    /* Both buffers can hold the largest possible next frontier: the
     * parallel path compacts `next` back into `cur`. */
    if (plan_round(e) != 0 || items_reserve(&e->next, 2 * n + SLACK) != 0
        || items_reserve(&e->cur, 2 * n + SLACK) != 0)
        return -1;
    int parallel = e->nthreads > 1 && n >= PAR_MIN && e->nunits > 1;
    if (parallel) {
        for (size_t u = 0; u < e->nunits; u++)
            e->units[u].out = 2 * e->units[u].lo;
        sq_parallel_for(e->nunits, e->nthreads, run_unit, e);
    } else {
        size_t off = 0;
        for (size_t u = 0; u < e->nunits; u++) {
            e->units[u].out = off;
            run_unit(u, 0, e);
            off += e->units[u].nout;
        }
    }

    /* A failed callback stops its problems as they stood at the start of
     * the round, so what other threads finished meanwhile cannot matter. */
    for (size_t u = 0; u < e->nunits; u++) {
        const unit *un = &e->units[u];
        if (!un->failed)
            continue;
        for (size_t c = un->c0; c < un->c1; c++) {
            pstate *ps = &e->prob[e->chunks[c].prob];
            if (e->chunks[c].hi > un->fail_lo && ps->active) {
                add_unfinished(ps, &e->cur, ps->start, ps->run);
                stop(ps, SQ_CALLBACK_ABORT);
            }
        }
    }

    for (size_t p = 0; p < e->nprob; p++)
        e->prob[p].next_run = 0;
    for (size_t c = 0; c < e->nchunks; c++) {
        const chunk *ch = &e->chunks[c];
        pstate *ps = &e->prob[ch->prob];
        ps->next_run += ch->children;
        if (!ps->active)
            continue;
        sq_sum_add(&ps->sum, &ps->sumc, fold8(ch->sv));
        sq_sum_add(&ps->err, &ps->errc, fold8(ch->se));
        ps->evals += 4 * (ch->hi - ch->lo);
        ps->intervals += 2 * (ch->hi - ch->lo);
        ps->roundoff |= ch->roundoff;
        if (ch->nonfinite && ps->status == SQ_OK) {
            ps->status = SQ_NONFINITE;
            ps->where = ch->where;
        }
    }

    /* The next frontier, compact, in `cur`. */
    size_t total = 0;
    if (parallel) {
        for (size_t u = 0; u < e->nunits; u++) {
            e->units[u].dest = total;
            total += e->units[u].nout;
        }
        sq_parallel_for(e->nunits, e->nthreads, gather_unit, e);
    } else {
        for (size_t u = 0; u < e->nunits; u++)
            total += e->units[u].nout;
        items t = e->cur;
        e->cur = e->next;
        e->next = t;
    }
    e->cur.n = total;

    size_t start = 0;
    for (size_t p = 0; p < e->nprob; p++) {
        pstate *ps = &e->prob[p];
        ps->start = start;
        ps->run = ps->next_run;
        start += ps->run;
    }
    return 0;
}

/*
 * Between rounds: problems without items are done; problems that hit a
 * budget or a non-finite value stop with their unfinished items' estimates
 * and leave the frontier.
 */
static void settle(engine *e)
{
    const sq_run *run = e->run;
    int drop = 0;
    for (size_t p = 0; p < e->nprob; p++) {
        pstate *ps = &e->prob[p];
        if (!ps->active) {
            drop |= ps->run > 0;
            continue;
        }
        sq_status why = SQ_OK;
        if (ps->status == SQ_NONFINITE)
            why = SQ_NONFINITE;
        else if (ps->run > 0 && ps->evals + 4 * ps->run > run->max_evals)
            why = SQ_MAX_EVALS;
        else if (ps->run > run->max_intervals)
            why = SQ_MAX_INTERVALS;
        if (why != SQ_OK) {
            add_unfinished(ps, &e->cur, ps->start, ps->run);
            stop(ps, why);
            drop |= ps->run > 0;
        } else if (ps->run == 0) {
            ps->active = 0;
        }
    }
    if (!drop)
        return;
    size_t to = 0;
    for (size_t p = 0; p < e->nprob; p++) {
        pstate *ps = &e->prob[p];
        if (!ps->active)
            ps->run = 0;
        items_move(&e->cur, to, &e->cur, ps->start, ps->run);
        ps->start = to;
        to += ps->run;
    }
    e->cur.n = to;
}

/* ---- root visits ------------------------------------------------------------ */

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
    scratch *t = &e->tls[0];
    size_t vlen = e->ops->vlen;
    if (items_reserve(&e->cur, e->nprob + SLACK) != 0)
        return -1;
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
        int failed = sq_eval(e->run->ev, 5 * ld, x, y) != 0;
        for (size_t j = 0; j < n; j++) {
            const sq_problem *q = &pr[lo + j];
            pstate *ps = &e->prob[lo + j];
            ps->rounds = 1;
            if (failed) {
                ps->sum = NAN;
                ps->err = INFINITY;
                stop(ps, SQ_CALLBACK_ABORT);
                continue;
            }
            ps->evals = 5;
            ps->intervals = 1;
            double f[5];
            for (int k = 0; k < 5; k++)
                f[k] = y[k * ld + j];
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
            double tol = fmax(q->epsabs, q->epsrel * fabs(first));
            double val;
            uint8_t fate = sq_simpson_half(q->a, x[2 * ld + j], q->b, f[0],
                                           f[1], f[2], f[3], f[4], tol,
                                           &val, &err);
            if (fate != SQ_HALF_SPLIT) {
                ps->sum = val;
                ps->err = err;
                ps->roundoff = fate == SQ_HALF_ROUNDOFF;
                ps->active = 0;
                continue;
            }
            size_t i = e->cur.n++;
            double v[NCOL] = {q->a, q->b, f[0], f[1], f[2], f[3], f[4],
                              0.5 * tol};
            for (int k = 0; k < NCOL; k++)
                e->cur.col[k][i] = v[k];
            e->cur.pid[i] = lo + j;
            ps->start = i;
            ps->run = 1;
        }
    }
    return 0;
}

/* ---- entry point ----------------------------------------------------------- */

static void engine_free(engine *e)
{
    items_free(&e->cur);
    items_free(&e->next);
    if (e->tls != NULL)
        for (int i = 0; i < e->nthreads; i++)
            sq_free(e->tls[i].mem);
    sq_free(e->tls);
    sq_free(e->prob);
    sq_free(e->chunks);
    sq_free(e->units);
}

static int engine_init(engine *e, const sq_run *run, size_t nprob)
{
    memset(e, 0, sizeof *e);
    e->run = run;
    e->ops = run->ev->ops;
    e->pad = sq_eval_pads(run->ev);
    e->nthreads = run->threads > 0 ? run->threads : 1;
    e->nprob = nprob;
    e->prob = sq_alloc_array(nprob, sizeof(pstate));
    e->tls = sq_alloc_array((size_t)e->nthreads, sizeof(scratch));
    if (e->prob == NULL || e->tls == NULL)
        return -1;
    memset(e->tls, 0, (size_t)e->nthreads * sizeof(scratch));
    for (int i = 0; i < e->nthreads; i++)
        if (scratch_init(&e->tls[i]) != 0)
            return -1;
    for (size_t p = 0; p < nprob; p++) {
        pstate *ps = &e->prob[p];
        memset(ps, 0, sizeof *ps);
        ps->status = SQ_OK;
        ps->where = NAN;
        ps->active = 1;
    }
    return 0;
}

static void finish(const pstate *ps, sq_result *res)
{
    res->value = ps->sum + ps->sumc;
    res->error = ps->err + ps->errc;
    res->evals = ps->evals;
    res->intervals = ps->intervals;
    res->rounds = ps->rounds;
    res->status = ps->status;
    if (res->status == SQ_OK && ps->roundoff)
        res->status = SQ_ROUNDOFF;
    res->where = ps->where;
    res->detail = NULL;
}

void sq_simpson_local(const sq_run *run, const sq_problem *p, sq_result *res)
{
    engine e;
    if (engine_init(&e, run, 1) != 0 || visit_roots(&e, p) != 0) {
        engine_free(&e);
        memset(res, 0, sizeof *res);
        res->value = NAN;
        res->error = INFINITY;
        res->where = NAN;
        res->status = SQ_NOMEM;
        return;
    }
    settle(&e);
    while (e.cur.n > 0) {
        for (size_t q = 0; q < e.nprob; q++)
            if (e.prob[q].active)
                e.prob[q].rounds++;
        if (round_once(&e) != 0) {
            for (size_t q = 0; q < e.nprob; q++) {
                pstate *ps = &e.prob[q];
                if (ps->active) {
                    add_unfinished(ps, &e.cur, ps->start, ps->run);
                    stop(ps, SQ_NOMEM);
                }
            }
            break;
        }
        settle(&e);
    }
    finish(&e.prob[0], res);
    engine_free(&e);
}
