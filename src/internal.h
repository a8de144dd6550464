/* SPDX-License-Identifier: MIT */
/*
 * Declarations shared by the files of src/. Nothing here is public; every
 * symbol with external linkage still carries the sq_ prefix so that the
 * static library cannot collide with its users' names.
 */
#ifndef SQ_INTERNAL_H
#define SQ_INTERNAL_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "simdquad.h"
#include "kernels.h"

#if defined(__FAST_MATH__) || (defined(__FINITE_MATH_ONLY__) && __FINITE_MATH_ONLY__)
#error simdquad must not be built with -ffast-math: it removes NaN checks.
#endif

/* ---- memory ------------------------------------------------------------ */

/* Cache-line aligned allocation; NULL on failure or on size overflow. */
void *sq_alloc(size_t bytes);
void *sq_alloc_array(size_t count, size_t size);
/* malloc, calloc and realloc, through the same test hook (sq_realloc only
 * for blocks of these three). */
void *sq_malloc(size_t bytes);
void *sq_calloc(size_t count, size_t size);
void *sq_realloc(void *p, size_t bytes);
/* Frees what any of them returned. */
void sq_free(void *p);

/* ---- dispatch ---------------------------------------------------------- */

/* The kernel table of a resolved ISA (never SQ_ISA_AUTO). */
const sq_isa_ops *sq_ops_for(sq_isa isa);

/* The backend a call with (math, isa) runs: math with SQ_MATH_AUTO
 * resolved, or SQ_MATH_COUNT if it cannot run at that ISA here. */
sq_math sq_math_pick(sq_math math, sq_isa isa);

/* The kernel table and backend of a call's (isa, math), with one look at
 * the detected CPU; the reason when they cannot run here. */
typedef enum sq_dispatch_error {
    SQ_DISPATCH_OK,
    SQ_DISPATCH_ISA_UNKNOWN,
    SQ_DISPATCH_ISA_UNSUPPORTED,
    SQ_DISPATCH_MATH_UNKNOWN,
    SQ_DISPATCH_MATH_UNSUPPORTED,  /* not built for that ISA */
    SQ_DISPATCH_MATH_MISSING,      /* libmvec not built in */
    SQ_DISPATCH_MATH_NO_FMA,       /* deterministic needs FMA */
    SQ_DISPATCH_ENV_ISA,           /* SIMDQUAD_ISA names no ISA */
    SQ_DISPATCH_ENV_MATH           /* SIMDQUAD_MATH names no backend */
} sq_dispatch_error;

sq_dispatch_error sq_dispatch(sq_isa isa, sq_math math, const sq_isa_ops **ops,
                              sq_math *backend);

/* ---- integrand evaluation ---------------------------------------------- */

/* Expensive integrands' workers and cache (src/oracle.c). */
typedef struct sq_oracle sq_oracle;

/* What the engine calls to fill y from x: a kernel, a family, or a user
 * callback. */
typedef struct sq_evaluator {
    const sq_isa_ops *ops;
    sq_kern_fn *kern;          /* a built-in kernel */
    sq_fam_fn *fam;            /* a built-in family ... */
    const sq_vm *vm;           /* ... or an expression (run by vm_run), */
    sq_vm_fn *vm_run;
    const double *params;      /* ... with problem u's parameters at */
    size_t pstride;            /* params + u * pstride (0: one shared row) */
    size_t nparams;
    sq_batch_fn batch;         /* a user callback */
    sq_param_fn param;         /* a user parametric callback */
    sq_oracle *oracle;         /* an expensive integrand's workers */
    int speculate;             /* engines announce the rounds ahead */
    int x_free;                /* known not to depend on x (an expression
                                * without x): zero samples prove zero */
    int workers;
    int gather;                /* callbacks: one call per round (sq_round) */
    void *ctx;
} sq_evaluator;

/* Most parameters of any integrand: an expression's p0 ... p15. */
#define SQ_MAX_PARAMS 16

/* ---- expensive integrands (src/oracle.c) --------------------------------- */

/* A pool of worker threads in front of a cache of points (declared with
 * the evaluator, above). */

sq_oracle *sq_oracle_new(sq_point_fn f, void *ctx, int workers);
void sq_oracle_free(sq_oracle *o);
/* Queue points the algorithm needs, or may need (speculative: only when no
 * needed point waits). Points already known are not queued again. */
void sq_oracle_need(sq_oracle *o, const double *x, size_t n);
void sq_oracle_speculate(sq_oracle *o, const double *x, size_t n);
/* Wait for the values of n points (queued as needed if they are not yet);
 * nonzero if one failed. */
int sq_oracle_get(sq_oracle *o, const double *x, size_t n, double *y);
/* Stop the workers (after the calls in flight), then count the points
 * evaluated and those never asked for by the engines. Returns nonzero if
 * memory ran out for the cache (the points concerned then failed as if the
 * callback had). */
int sq_oracle_stats(sq_oracle *o, size_t *evaluated, size_t *wasted);

/*
 * One call of a callback per round (sq_options.gather): the tiles run
 * twice. Recording, every callback evaluation appends its points (and
 * their problems) here instead of calling; then one call fills y for all
 * of them; replaying, each evaluation copies its values from y at the
 * tile's offset (sq_eval_scratch.round_off). The node arithmetic is the
 * same both times, so the points match.
 */
enum { SQ_ROUND_OFF = 0, SQ_ROUND_RECORD, SQ_ROUND_REPLAY };
typedef struct sq_round {
    double *x, *y;
    size_t *pid;
    size_t n, cap;
    int mode;
    int failed;                /* the call returned nonzero */
    int nomem;                 /* recording ran out of memory */
} sq_round;

/* The one call of a recorded round: fills r->y, sets r->failed. */
void sq_round_call(const sq_evaluator *ev, sq_round *r);
void sq_round_free(sq_round *r);

/* Points lo .. lo + m of x, and their np parameters (p + i * pstride),
 * packed for a vector machine: xt[0 .. ld) and columns cols + k *
 * col_stride, the lanes past m padded with point lo's values. */
void sq_pack_block(const double *x, const double *p, size_t pstride, size_t np,
                   size_t lo, size_t m, size_t ld, double *xt, double *cols,
                   size_t col_stride);

/* Per-thread buffers of sq_eval_tile, for tiles of up to `rows` x `ld`. */
typedef struct sq_eval_scratch {
    sq_round *round;           /* NULL, or the round being gathered */
    size_t round_off;          /* replaying: where this tile's values are */
    size_t *node_pid;          /* rows * ld: the problem of each node */
    double *par;               /* SQ_MAX_PARAMS * ld */
    size_t cap;                /* ld capacity */
    size_t pcap;               /* length of a parameter column */
    size_t rows;
    int owned;                 /* node_pid (par with it) is its own block */
} sq_eval_scratch;

/* Room for a tile of rows x ld nodes: its own block (init; -1 if memory
 * ran out), or in mem, which holds sq_eval_scratch_bytes (0 if that
 * overflows) and outlives it (on). Free releases only its own block. */
int sq_eval_scratch_init(sq_eval_scratch *s, size_t rows, size_t ld);
size_t sq_eval_scratch_bytes(size_t rows, size_t ld);
void sq_eval_scratch_on(sq_eval_scratch *s, size_t rows, size_t ld, void *mem);
void sq_eval_scratch_free(sq_eval_scratch *s);

/*
 * Fill y from x for a tile laid out node-major: x[k * ld + j] is node k of
 * interval j, for k < rows and j < ld, and uid[j] is the user's index of the
 * problem interval j belongs to. Kernels and families need ld a multiple
 * of the vector length (the caller pads); callbacks get exactly the
 * rows * ld points. Returns 0, or the callback's nonzero return.
 */
int sq_eval_tile(const sq_evaluator *ev, size_t rows, size_t ld,
                 const double *x, const size_t *uid, sq_eval_scratch *s,
                 double *y);

/*
 * The same for n points in one flat array: point i belongs to the problem
 * uid[i % cols]. x and y have room for n rounded up to the vector length;
 * this fills the padding of x.
 */
int sq_eval_flat(const sq_evaluator *ev, size_t n, double *x,
                 const size_t *uid, size_t cols, sq_eval_scratch *s, double *y);

/* Nonzero if the evaluator needs padded arrays (a SIMD kernel or family). */
static inline int sq_eval_pads(const sq_evaluator *ev)
{
    return ev->kern != NULL || ev->fam != NULL || ev->vm != NULL;
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

/*
 * sq_parallel_for for a loop run again and again (a round of the frontier),
 * which measures whether its thread team pays: a team that does not (a
 * core busy with another process, a loop too short for the start-up) is
 * set aside for the next loops, which run on the calling thread, and tried
 * again later. Which thread runs what never changes a result. The pace
 * starts zeroed and belongs to one caller.
 */
typedef struct sq_pace {
    double until;        /* loops run on the calling thread until then
                          * (omp_get_wtime) */
    int strikes;         /* how often its teams were held up lately */
    size_t serial_below; /* loops shorter than this run on the calling thread */
} sq_pace;

void sq_parallel_for_paced(sq_pace *pace, size_t n, int threads,
                           void (*body)(size_t i, int slot, void *ctx), void *ctx);
/* A loop within a round that follows the round's record without adding to
 * it: on the calling thread while the pace sets the team aside, else on a
 * team whose late helpers take no work. */
void sq_parallel_for_after(const sq_pace *pace, size_t n, int threads,
                           void (*body)(size_t i, int slot, void *ctx), void *ctx);

/* The thread count a call uses: opt->threads, or OpenMP's default, at
 * most SQ_THREADS_PER_PROC per processor. */
#define SQ_THREADS_PER_PROC 4
int sq_threads_for(int requested);

/* fmax(a, b) as glibc's computes it (NaN loses; of two equal values, b),
 * inline: the library call costs more than the comparison in a loop over
 * every point of a round. */
static inline double sq_fmax(double a, double b)
{
    return a > b || b != b ? a : b;
}

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

/* One integral as the engines see it: a < b (Gauss-Kronrod: either may be
 * infinite), validated tolerances, interior points (any order; those not
 * strictly inside are ignored; Simpson's engine takes none) and the user's
 * index of the problem, which parametric integrands receive. */
typedef struct sq_problem {
    double a, b;
    double epsabs, epsrel;
    const double *points;
    size_t npoints;
    double extra_point;        /* one more, or NaN (a family's breakpoint) */
    size_t uid;
} sq_problem;

/* The change of variable of a range (src/ranges.c): kind (enum
 * sq_map_kind), origin and scale, as the kernels' sq_map_fn takes them. */
typedef struct sq_range_map {
    int64_t kind;
    double origin, scale;
} sq_range_map;

/* The map for [a, b] (a < b; either may be infinite) and the ends in t.
 * Returns nonzero for a finite range whose width overflows (compressed
 * with the doubly infinite map). */
int sq_range_map_for(double a, double b, sq_range_map *m, double *t0, double *t1);

/* t for x under the map. */
double sq_range_to_t(const sq_range_map *m, double x);

/* Progress and cancellation of a call, shared by its threads. */
typedef struct sq_monitor {
    int (*progress)(double fraction, void *ctx);
    void *ctx;
    size_t total;              /* problems of the call */
    _Atomic size_t done;       /* problems finished */
    _Atomic int cancel;
    double last;               /* time of the last progress call */
} sq_monitor;

/* (src/monitor.c) Start a call of `total` problems: progress reports 0. */
void sq_monitor_start(sq_monitor *m, int (*progress)(double, void *), void *ctx,
                      size_t total);
/*
 * Between rounds: on the calling thread (master), report progress if 10 ms
 * have passed; everywhere, return nonzero if the call is cancelled.
 */
int sq_monitor_poll(sq_monitor *m, int master);
/* Add n problems to those finished (m may be NULL): only a progress
 * callback reads the count, and an atomic add is not free. */
void sq_monitor_add_done(sq_monitor *m, size_t n);
/* The call is over: progress reports 1, unless it was cancelled. */
void sq_monitor_end(sq_monitor *m);

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
    sq_monitor *mon;           /* NULL: no progress, no cancellation */
    int master;                /* this engine runs on the calling thread */
    int count_done;            /* add finished problems to mon->done */
    /* Gauss-Kronrod batches: once most of a group is done, set aside
     * (status SQ_DEFERRED, to be run again from the start) a problem whose
     * evaluations pass max(defer_min, 8 times the mean of those finished),
     * so that a few hopeless problems do not hold up a group. 0: never. */
    size_t defer_min;
    void (*trace)(const sq_round_info *info, void *ctx);   /* on the master */
    void *trace_ctx;
    /* Whether thread teams pay, remembered across the calls that share a
     * workspace (NULL: the engine's own, for this call). */
    sq_pace *pace;
} sq_run;

/* The status of a problem set aside by sq_adapt (see sq_run.defer_min). */
#define SQ_DEFERRED ((sq_status)SQ_STATUS_COUNT)

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

/* Gauss-Kronrod with global or local control (src/adapt.c), for nprob
 * problems at once. */
struct sq_adapt_ws;
void sq_adapt(struct sq_adapt_ws **ws, const sq_run *run, const sq_problem *p,
              size_t nprob, sq_result *res);
void sq_adapt_ws_free(struct sq_adapt_ws *ws);
size_t sq_adapt_ws_bytes(const struct sq_adapt_ws *ws);

/* ---- expressions (src/expr.c) ----------------------------------------------- */

/* The machine code of a compiled expression. */
const sq_vm *sq_expr_vm(const sq_expr *e);

/* ---- the call's contract (src/options.c) --------------------------------------- */

/* A tolerance as the library reads it: finite and >= 0. */
static inline int sq_tolerance_valid(double t)
{
    return t == t && t >= 0 && t <= 1.7976931348623157e308;
}

/* What a problem must meet: max(epsabs, epsrel |value|). */
static inline double sq_tolerance(double epsabs, double epsrel, double value)
{
    double r = epsrel * (value < 0 ? -value : value);
    return r > epsabs ? r : epsabs;
}

/* NULL if the options are valid, else a sentence naming the field that is
 * not; tolerances: 0 allows both epsabs and epsrel zero (rows carry their
 * own). */
const char *sq_check_options(const sq_options *o, int tolerances);

/* NULL if the integrand and the options (limits aside) are valid, else a
 * sentence naming the field that is not. */
const char *sq_check_common(const sq_integrand *f, const sq_options *o);

/* ---- calls (src/batch.c) --------------------------------------------------- */

/* The evaluator of f: a kernel or family at the options' ISA, or a
 * callback. Parameters come from the batch rows when given. */
sq_evaluator sq_evaluator_of(const sq_integrand *f, const sq_batch *b,
                             const sq_options *o);

/* Vector integrands' per-thread state (src/vector.c), each with tiles for
 * `ntiles` threads. */
struct sq_vec_ws;
struct sq_vec_ws *sq_vec_ws_new(int ntiles);
void sq_vec_ws_free(struct sq_vec_ws *w);
size_t sq_vec_ws_bytes(const struct sq_vec_ws *w);

/* n slots of vector state from ws (kept there for the next call), or of the
 * call's own when ws is NULL; sq_workspace_vec_done frees those. */
int sq_workspace_vec_slots(sq_workspace *ws, int n, struct sq_vec_ws ***slots);
void sq_workspace_vec_done(sq_workspace *ws, struct sq_vec_ws **slots, int n);
/* Whether ws's loops over groups or problems pay for their thread teams. */
sq_pace *sq_workspace_pace(sq_workspace *ws);

/* sq_integrate_batch once its arguments have been checked (batch and
 * opt not NULL). */
sq_status sq_batch_run(sq_workspace *ws, const sq_integrand *f,
                       const sq_batch *batch, const sq_options *opt,
                       sq_result *results);


#endif /* SQ_INTERNAL_H */
