/* SPDX-License-Identifier: MIT */
/*
 * The frontier layer shared by both engines: see frontier.h.
 */
#include <string.h>

#include "frontier.h"

/* ---- columns ---------------------------------------------------------------- */

/*
 * All arrays come from one allocation, each offset by a few cache lines
 * from the previous so that same-index accesses do not compete for the same
 * L1 set.
 */
int sq_cols_reserve(sq_cols *s, int ncol, size_t cap, size_t keep, size_t first)
{
    if (cap <= s->cap)
        return 0;
    size_t want = s->cap ? s->cap : first;
    while (want < cap)
        want *= 2;
    size_t stride = (want + SQ_COL_SLACK) * sizeof(double) + SQ_STAGGER;
    char *mem = sq_alloc_array((size_t)ncol + 1, stride);
    if (mem == NULL)
        return -1;
    for (int k = 0; k < ncol; k++) {
        double *col = (double *)(mem + (size_t)k * stride);
        if (keep)
            memcpy(col, s->f[k], keep * sizeof(double));
        s->f[k] = col;
    }
    uint64_t *pid = (uint64_t *)(mem + (size_t)ncol * stride);
    if (keep)
        memcpy(pid, s->pid, keep * sizeof(uint64_t));
    sq_free(s->mem);
    s->pid = pid;
    s->mem = mem;
    s->cap = want;
    s->ncol = ncol;
    return 0;
}

void sq_cols_free(sq_cols *s)
{
    sq_free(s->mem);
    memset(s, 0, sizeof *s);
}

size_t sq_cols_bytes(const sq_cols *s)
{
    return s->cap ? ((size_t)s->ncol + 1)
                        * ((s->cap + SQ_COL_SLACK) * sizeof(double) + SQ_STAGGER)
                  : 0;
}

void sq_cols_move(sq_cols *d, size_t to, const sq_cols *s, size_t from, size_t n)
{
    if (n == 0)
        return;                  /* the arrays may not exist yet */
    for (int k = 0; k < s->ncol; k++)
        memmove(d->f[k] + to, s->f[k] + from, n * sizeof(double));
    memmove(d->pid + to, s->pid + from, n * sizeof(uint64_t));
}

typedef struct reverse_job {
    sq_cols *d;
    const sq_cols *s;
    size_t to, from, n;
} reverse_job;

static void reverse_column(size_t k, int slot, void *ctx)
{
    const reverse_job *j = ctx;
    (void)slot;
    if (k < (size_t)j->s->ncol) {
        double *restrict d = j->d->f[k] + j->to;
        const double *restrict s = j->s->f[k] + j->from;
        for (size_t i = 0; i < j->n; i++)
            d[i] = s[j->n - 1 - i];
    } else {
        uint64_t *restrict d = j->d->pid + j->to;
        const uint64_t *restrict s = j->s->pid + j->from;
        for (size_t i = 0; i < j->n; i++)
            d[i] = s[j->n - 1 - i];
    }
}

void sq_cols_move_reversed(sq_cols *d, size_t to, const sq_cols *s, size_t from,
                           size_t n, const sq_pace *pace, int threads,
                           size_t par_min)
{
    if (n == 0)
        return;                  /* the arrays may not exist yet */
    reverse_job j = {d, s, to, from, n};
    sq_parallel_for_after(pace, (size_t)s->ncol + 1, n >= par_min ? threads : 1,
                          reverse_column, &j);
}

/* ---- buffers ---------------------------------------------------------------- */

void *sq_carve(size_t n, const size_t *bytes, char **parts)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        size_t b = bytes[i] + SQ_STAGGER;
        if (b < bytes[i] || total + b < total)
            return NULL;
        total += b;
    }
    char *p = sq_alloc(total);
    if (p == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        parts[i] = p;
        p += bytes[i] + SQ_STAGGER;
    }
    return parts[0];
}

int sq_grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t want = *cap ? *cap : 64;
    while (want < need)
        want *= 2;
    void *q = sq_alloc_array(want, size);
    if (q == NULL)
        return -1;
    sq_free(*p);
    *p = q;
    *cap = want;
    return 0;
}

int sq_extend(void **p, size_t have, size_t need, size_t size)
{
    char *q = sq_alloc_array(need, size);
    if (q == NULL)
        return -1;
    if (have > 0)
        memcpy(q, *p, have * size);
    memset(q + have * size, 0, (need - have) * size);
    sq_free(*p);
    *p = q;
    return 0;
}

/* ---- failures ---------------------------------------------------------------- */

void sq_isolate_failures(const sq_evaluator *ev, size_t rows, size_t n,
                         size_t ld, const double *x, const size_t *uid,
                         sq_eval_scratch *es, double *y, uint8_t *failed)
{
    double x1[32], y1[32];
    for (size_t j = 0; j < n; j++) {
        for (size_t k = 0; k < rows; k++)
            x1[k] = x[k * ld + j];
        failed[j] = sq_eval_tile(ev, rows, 1, x1, &uid[j], es, y1) != 0;
        for (size_t k = 0; k < rows; k++)
            y[k * ld + j] = failed[j] ? 0.0 : y1[k];
    }
}

/* ---- announcements ------------------------------------------------------------ */

enum {
    ANNOUNCE_CHUNK = 64,    /* intervals whose points are made at once */
    SPECULATE_LEVELS = 3    /* rounds ahead that speculation reaches */
};

static void announce_level(const sq_evaluator *ev, const sq_announcer *a,
                           const double *u, const double *v, const uint64_t *tag,
                           size_t n, int needed, double *x)
{
    for (size_t lo = 0; lo < n; lo += ANNOUNCE_CHUNK) {
        size_t m = n - lo < ANNOUNCE_CHUNK ? n - lo : ANNOUNCE_CHUNK;
        a->points(a->ctx, u + lo, v + lo, tag != NULL ? tag + lo : NULL, m, x);
        if (needed)
            sq_oracle_need(ev->oracle, x, a->per * m);
        else
            sq_oracle_speculate(ev->oracle, x, a->per * m);
    }
}

void sq_announce(const sq_evaluator *ev, const sq_announcer *a, const double *u,
                 const double *v, const uint64_t *tag, size_t n, int needed)
{
    if (n == 0)
        return;
    /* Levels below the round: each doubles the intervals; speculative
     * points (all of them when the round itself is not needed) count
     * against the budget. Three levels at most: deeper guesses are rarely
     * used, and would only start workers for nothing (10^5 workers on a
     * 23-point integral used to start tens of thousands of threads). */
    size_t budget = 4 * (size_t)ev->workers;
    size_t spent = needed ? 0 : a->per * n, width = n;
    int levels = 0;
    while (ev->speculate && levels < SPECULATE_LEVELS
           && spent + 2 * width * a->per <= budget) {
        width *= 2;
        spent += width * a->per;
        levels++;
    }
    double *x = sq_malloc(a->per * ANNOUNCE_CHUNK * sizeof *x);
    if (x == NULL)
        return;                  /* an optimisation only */
    announce_level(ev, a, u, v, tag, n, needed, x);
    if (levels > 0) {
        double *uu = sq_malloc(width * sizeof *uu), *vv = sq_malloc(width * sizeof *vv);
        uint64_t *tt = tag != NULL ? sq_malloc(width * sizeof *tt) : NULL;
        if (uu != NULL && vv != NULL && (tt != NULL || tag == NULL)) {
            memcpy(uu, u, n * sizeof *uu);
            memcpy(vv, v, n * sizeof *vv);
            if (tag != NULL)
                memcpy(tt, tag, n * sizeof *tt);
            for (int lev = 0; lev < levels; lev++) {
                a->halve(uu, vv, tt, n);
                n *= 2;
                announce_level(ev, a, uu, vv, tt, n, 0, x);
            }
        }
        sq_free(uu);
        sq_free(vv);
        sq_free(tt);
    }
    sq_free(x);
}
