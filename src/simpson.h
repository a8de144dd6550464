/* SPDX-License-Identifier: MIT */
/*
 * Adaptive Simpson with local error control, as a breadth-first frontier:
 * the engine's own declarations, shared by its files:
 *
 *   simpson.c          the first visit of each problem, expensive
 *                      integrands, the workspace, the entry point
 *                      (sq_simpson_local);
 *   simpson_rounds.c   one tile, and the rounds: planning the chunks and
 *                      units of a round, visiting every item's halves,
 *                      settling the next frontier and the pending stacks.
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
#ifndef SQ_SIMPSON_H
#define SQ_SIMPSON_H

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

static inline int items_reserve(items *s, size_t cap, size_t keep)
{
    return sq_cols_reserve(s, NCOL, cap, keep, 1024);
}

static inline sq_simpson_items items_view(const items *s, size_t lo)
{
    sq_simpson_items v = {
        s->f[C_A] + lo, s->f[C_B] + lo, s->f[C_F0] + lo,
        s->f[C_F1] + lo, s->f[C_F2] + lo, s->f[C_F3] + lo,
        s->f[C_F4] + lo, s->f[C_TOL] + lo, s->pid + lo,
    };
    return v;
}

/* Best estimate and error of an item that will not be refined further. */
static inline double item_estimate(const items *s, size_t j, double *err)
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

static inline double fold8(const double *s)
{
    return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
}

/* ---- across the engine's files ------------------------------------------------- */

/* One round: every item's halves visited, accepted ones summed, the rest
 * written to the next frontier (simpson_rounds.c). -1 if memory ran out. */
int sq_simpson_round(engine *e);
/* The next frontier becomes the current one, topped up from the pending
 * stacks up to each problem's window. -1 if memory ran out. */
int sq_simpson_settle(engine *e);
/* Add what ps's items in s (and its pending ones) would give to its sums. */
void sq_simpson_add_unfinished(pstate *ps, const items *s);
/* Stop ps with `status` (unless it already has one). */
static inline void sq_simpson_stop(pstate *ps, sq_status status)
{
    ps->active = 0;
    if (ps->status == SQ_OK)
        ps->status = status;
}

#endif /* SQ_SIMPSON_H */
