/* SPDX-License-Identifier: MIT */
/*
 * Declarations shared by the files of src/. Nothing here is public; every
 * symbol with external linkage still carries the sq_ prefix so that the
 * static library cannot collide with its users' names.
 */
#ifndef SQ_INTERNAL_H
#define SQ_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "simdquad.h"
#include "kernels.h"

#ifdef __FAST_MATH__
#error simdquad must not be built with -ffast-math: it removes NaN checks.
#endif

/* ---- memory ------------------------------------------------------------ */

/* Cache-line aligned allocation; NULL on failure or on size overflow. */
void *sq_alloc(size_t bytes);
void *sq_alloc_array(size_t count, size_t size);
void sq_free(void *p);

/* ---- dispatch ---------------------------------------------------------- */

/* The kernel table of a resolved ISA (never SQ_ISA_AUTO). */
const sq_isa_ops *sq_ops_for(sq_isa isa);

/* ---- integrand evaluation ---------------------------------------------- */

/* What the engine calls to fill y from x: a kernel or a user callback. */
typedef struct sq_evaluator {
    const sq_isa_ops *ops;
    sq_kern_fn *kern;          /* non-NULL for built-in kernels */
    sq_batch_fn batch;         /* non-NULL for user callbacks */
    void *ctx;
} sq_evaluator;

/*
 * Fill y[0 .. n) from x[0 .. n). For kernels n must be a multiple of the
 * vector length (the caller pads); callbacks get exactly the real points.
 * Returns 0, or the callback's nonzero return.
 */
int sq_eval(const sq_evaluator *ev, size_t n, const double *x, double *y);

/* Nonzero if the evaluator needs padded arrays (a SIMD kernel). */
static inline int sq_eval_pads(const sq_evaluator *ev)
{
    return ev->kern != NULL;
}

/* ---- threads ----------------------------------------------------------- */

/*
 * Run body(i, slot, ctx) for i in [0, n) on up to `threads` threads; `slot`
 * in [0, threads) is unique among the iterations running at the same time,
 * for per-thread scratch. Iterations must be independent: which thread runs
 * which i never changes a result. Runs on the calling thread (slot 0) when
 * threads <= 1, n <= 1, or when already inside a parallel region.
 */
void sq_parallel_for(size_t n, int threads,
                     void (*body)(size_t i, int slot, void *ctx), void *ctx);

/* The thread count a call uses: opt->threads, or OpenMP's default. */
int sq_threads_for(int requested);

/* ---- summation ----------------------------------------------------------- */

/* Neumaier's compensated sum: *s + *c is the running total. */
static inline void sq_sum_add(double *s, double *c, double v)
{
    double t = *s + v;
    double as = *s < 0 ? -*s : *s, av = v < 0 ? -v : v;
    if (as >= av)
        *c += (*s - t) + v;
    else
        *c += (v - t) + *s;
    *s = t;
}

/* ---- Wynn's epsilon algorithm (src/wynn.c) ------------------------------- */

enum { SQ_WYNN_LIMIT = 50 };

typedef struct sq_wynn {
    double tab[SQ_WYNN_LIMIT + 3];
    size_t n;           /* elements in the table */
    double res3la[3];   /* the last three limit estimates */
    size_t nres;        /* limit estimates made */
} sq_wynn;

void sq_wynn_init(sq_wynn *w);

/*
 * Append x to the sequence and return the extrapolated limit with an error
 * estimate (DBL_MAX while there are too few estimates to judge).
 */
void sq_wynn_add(sq_wynn *w, double x, double *result, double *abserr);

/* ---- engines ----------------------------------------------------------- */

/* One integral as the engines see it: a < b finite, validated tolerances. */
typedef struct sq_problem {
    double a, b;
    double epsabs, epsrel;
} sq_problem;

/* Rule, control, budgets and threading shared by all problems of a call. */
typedef struct sq_run {
    const sq_evaluator *ev;
    const sq_gk_rule *rule;    /* Gauss-Kronrod engine only */
    int errest;                /* enum sq_gk_error */
    int local;                 /* local error control */
    int extrapolate;
    size_t max_evals;
    size_t max_intervals;
    int threads;
} sq_run;

/* Levels of Simpson's bisection never accepted (the first visit is level 0):
 * the first acceptable interval is a 2^-SQ_SIMPSON_FORCED_LEVELS part of the
 * range, seen through 2^(SQ_SIMPSON_FORCED_LEVELS + 2) + 1 points. */
#define SQ_SIMPSON_FORCED_LEVELS 3

/* Adaptive Simpson with local error control (src/simpson.c), for nprob
 * problems at once. Its buffers live in *ws (allocated on first use) and are
 * kept for the next call. */
struct sq_simpson_ws;
void sq_simpson_local(struct sq_simpson_ws **ws, const sq_run *run,
                      const sq_problem *p, size_t nprob, sq_result *res);
void sq_simpson_ws_free(struct sq_simpson_ws *ws);
size_t sq_simpson_ws_bytes(const struct sq_simpson_ws *ws);

/* Gauss-Kronrod with global or local control (src/adapt.c). */
struct sq_adapt_ws;
void sq_adapt(struct sq_adapt_ws **ws, const sq_run *run, const sq_problem *p,
              const double *points, size_t npoints, sq_result *res);
void sq_adapt_ws_free(struct sq_adapt_ws *ws);
size_t sq_adapt_ws_bytes(const struct sq_adapt_ws *ws);

/* What a workspace holds: each engine's buffers. */
struct sq_workspace {
    struct sq_simpson_ws *simpson;
    struct sq_adapt_ws *adapt;
};

#endif /* SQ_INTERNAL_H */
