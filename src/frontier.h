/* SPDX-License-Identifier: MIT */
/*
 * The frontier layer, shared by both engines (src/adapt.c for Gauss-Kronrod,
 * src/simpson.c for Simpson): the columns that hold a round's intervals,
 * the per-thread buffers of its tiles, the re-evaluation that isolates a
 * failing callback, and the announcement of a round's points to the
 * workers of an expensive integrand. What an engine does with the values,
 * its rule and its decisions, stays with the engine.
 */
#ifndef SQ_FRONTIER_H
#define SQ_FRONTIER_H

#include "internal.h"

enum {
    SQ_COLS_MAX = 32,               /* double columns of a frontier */
    SQ_COL_SLACK = 2 * SQ_MAX_VLEN, /* room past the end for vector tails */
    SQ_STAGGER = 3 * 64             /* bytes between arrays: avoids L1 set
                                     * conflicts between same-index reads */
};

/*
 * Intervals in structure-of-arrays form: ncol columns of doubles and the
 * index of each interval's problem, all in one allocation.
 */
typedef struct sq_cols {
    size_t n, cap;
    int ncol;
    double *f[SQ_COLS_MAX];
    uint64_t *pid;
    void *mem;
} sq_cols;

/* Room for cap intervals of ncol columns, keeping the first `keep`; the
 * capacity doubles from `first` (or the current one). -1 if memory ran
 * out (s is then unchanged). */
int sq_cols_reserve(sq_cols *s, int ncol, size_t cap, size_t keep, size_t first);
void sq_cols_free(sq_cols *s);
size_t sq_cols_bytes(const sq_cols *s);
/* Copy intervals [from, from + n) of s to position `to` of d (both with
 * the same columns; the ranges may overlap). */
void sq_cols_move(sq_cols *d, size_t to, const sq_cols *s, size_t from, size_t n);
/* The same, reversed; copies of par_min intervals or more are spread over
 * threads, one column each, as the round's pace allows. */
void sq_cols_move_reversed(sq_cols *d, size_t to, const sq_cols *s, size_t from,
                           size_t n, const sq_pace *pace, int threads,
                           size_t par_min);

/*
 * One allocation carved into n arrays of bytes[i] bytes each (each
 * followed by SQ_STAGGER bytes); parts[i] receives their addresses.
 * Returns the allocation, to be given to sq_free, or NULL.
 */
void *sq_carve(size_t n, const size_t *bytes, char **parts);

/* Grow *p (an array of `size`-byte elements, contents not kept) to at least
 * `need` elements, doubling from 64. -1 if memory ran out. */
int sq_grow(void **p, size_t *cap, size_t need, size_t size);

/* Extend *p from `have` to `need` elements of `size` bytes (need > have),
 * keeping the first `have` and zeroing the rest: per-thread slots. -1 if
 * memory ran out (*p is then unchanged). */
int sq_extend(void **p, size_t have, size_t need, size_t size);

/*
 * A callback failed on a node-major tile (x[k * ld + j], node k of
 * interval j, rows <= 32): evaluate its n intervals one at a time, so that
 * only the problems whose points make it fail stop; each interval's values
 * are the same whatever call they come in. failed[j] is set for those that
 * fail again, whose values are set to 0; the others get theirs in y.
 */
void sq_isolate_failures(const sq_evaluator *ev, size_t rows, size_t n,
                         size_t ld, const double *x, const size_t *uid,
                         sq_eval_scratch *es, double *y, uint8_t *failed);

/*
 * Expensive integrands: hand the workers the points of a round's intervals
 * (needed, unless `needed` is 0) and, while speculation is on and the
 * workers' budget (4 points each) lasts, those of their halves, level by
 * level. An interval is the pair (u[i], v[i]) with a tag[i] (its problem;
 * tag may be NULL),
 * in the engine's own representation: `points` writes the `per` points of
 * each of n intervals to x (per * n, in the order the engine's tiles
 * compute them, so that the cache recognises them) and `halve` replaces n
 * intervals by their 2n halves in place, interval i by 2i and 2i + 1.
 */
typedef struct sq_announcer {
    size_t per;
    void (*points)(void *ctx, const double *u, const double *v,
                   const uint64_t *tag, size_t n, double *x);
    void (*halve)(double *u, double *v, uint64_t *tag, size_t n);
    void *ctx;
} sq_announcer;

void sq_announce(const sq_evaluator *ev, const sq_announcer *a, const double *u,
                 const double *v, const uint64_t *tag, size_t n, int needed);

#endif /* SQ_FRONTIER_H */
