/* SPDX-License-Identifier: MIT */
/*
 * What the vector engine's two files share: src/vector.c (the calls and
 * each problem's decisions) and src/vector_round.c (a round's evaluation
 * and estimates, tile by tile).
 */
#ifndef SQ_VECTOR_H
#define SQ_VECTOR_H

#include <stdatomic.h>

#include "internal.h"

enum {
    ZERO_LOOK = 10,       /* rounds of halving before f == 0 is believed */
    TILE_VALUES = 4096,   /* intervals x components a tile holds at most */
    TILE_MAX = 64,        /* intervals per tile */
    ANCHOR = 16           /* Fourier multiples recomputed every ANCHOR */
};

/* A tile's buffers (one per thread). */
typedef struct tile {
    size_t cap, kcap, rows;        /* intervals (ld), components, rows */
    double *cc, *hh, *x, *jac, *y, *fb, *org, *scl, *tmp;
    /* The estimate's columns: component k of interval i is column
     * k * m + i, with its centre and half-width, and its values, row
     * r at ye[r * LD + k * m + i] (LD: K m padded). */
    double *kc, *kh, *ye;
    int64_t *kind;
    size_t *pid;
    double *outv[21];
    int64_t *bad;
    sq_eval_scratch es;
    size_t tcap;                   /* point workers' scratch, doubles */
} tile;

/* An interval's claim to be split. */
typedef struct weight {
    double w;
    size_t s;
} weight;

/* One problem's intervals and totals (one per thread). */
typedef struct sq_vec_ws {
    size_t K, cap, n;
    char *block;                  /* every per-interval array below */
    double *c, *h, *val, *err, *rabs;
    uint8_t *stuck;
    size_t *fresh, nfresh;
    double *w;                    /* scratch: the first pieces' ends */
    struct weight *order;         /* candidates for splitting */
    double *tot;                  /* I, I's compensation, E, E's, prev I, prev E */
    size_t kcap;
    double *twhere;               /* per tile of a round: leftmost non-finite */
    int *tbad;                    /* ... and whether it saw one */
    size_t tcap;
    tile *tiles;
    int ntiles;
} sq_vec_ws;

typedef struct vcall {
    const sq_vec_integrand *f;
    const sq_options *o;
    const sq_batch *b;
    size_t K;
    const sq_isa_ops *ops;
    const sq_gk_rule *rule;
    int errkind;
    sq_evaluator ev;               /* the base of a family, or the expression */
    const double *params;          /* parameter rows (expression, base) */
    size_t pstride, nparams;
    int x_free;                    /* zeros are proof (no x in the expression) */
    int threads;                   /* over tiles (single) or problems (batch) */
    int workers;
    sq_monitor mon;
    /* the batch's outputs */
    double *values, *errors;
    sq_result *res;
    sq_vec_ws **slots;
    sq_pace *pace;                 /* whether teams over problems or tiles pay */
} vcall;

/* The state of the problem a thread runs. */
typedef struct vprob {
    vcall *c;
    sq_vec_ws *w;
    size_t uid;
    int64_t map;
    double origin, scale;
    double epsabs, epsrel;
    int master;
    int tile_threads;
    /* the round's outcome, written by the tiles */
    _Atomic int failed;            /* a callback returned nonzero */
    _Atomic int nomem;
    double where;                  /* leftmost non-finite point, per tile */
    double *tile_where;            /* per tile, NaN: none */
    int *tile_bad;
} vprob;

/* Evaluate the problem's fresh intervals (w->fresh) in tiles over
 * ps->tile_threads threads into their slots; the status that stops the
 * problem (a callback's failure, NaN with the point in *where, NOMEM), or
 * SQ_STATUS_COUNT. */
sq_status sq_vec_round(vprob *ps, double *where);

#endif /* SQ_VECTOR_H */
