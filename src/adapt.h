/* SPDX-License-Identifier: MIT */
/*
 * The Gauss-Kronrod engine's own declarations, shared by its files:
 *
 *   adapt.c          the rounds: evaluation of fresh intervals, problems,
 *                    the workspace, the entry point (sq_adapt);
 *   adapt_decide.c   what each problem does after a round: totals, the
 *                    stopping tests, the fate of each interval;
 *   adapt_select.c   which intervals to split;
 *   adapt_apply.c    the new runs once the fates are known;
 *   adapt_totals.c   a problem's totals, after a round or when it stops;
 *   adapt_extrap.c   Wynn's epsilon extrapolation as QUADPACK's qags runs
 *                    it, and the result of a problem that stops;
 *   adapt_edges.c    jumps the rule cannot see: neighbour checks across
 *                    every inside end, probes at the ends of the range;
 *   adapt_cuts.c     where an interval is split: halves, or three pieces
 *                    around a jump or a kink between its nodes.
 *
 * The columns and buffers under them are the frontier layer's (frontier.h).
 */
#ifndef SQ_ADAPT_H
#define SQ_ADAPT_H

#include <float.h>
#include <math.h>
#include <string.h>

#include "frontier.h"

enum {
    SQ_GK_TILE = 64,     /* intervals per tile */
    SQ_GK_ZERO_LOOK = 10, /* rounds of halving before f == 0 is believed */
    SQ_GK_WITNESS = 8     /* how far below its witness an interval's
                           * nodes may all lie before it is not believed */
};

/* The error field of an interval whose sums overflowed although every
 * value was finite (its value is NaN): it is halved (halve_overflows). */
#define SQ_GK_OVERFLOW (-2.0)

/* Where the end probes go, as a fraction of the half-width of the range. */
#define SQ_GK_PROBE 0x1p-23

/* ---- intervals --------------------------------------------------------------- */

enum {
    F_C, F_H, F_VAL, F_ERR, F_RABS, F_RASC, F_RAW,
    F_EL, F_ER, F_NL, F_NR, F_NLE, F_NRE, F_QE, F_XF, F_DL, F_DR, F_SL,
    F_HLY, F_HLX, F_HRY, F_HRX, F_MISS,
    NLIVE,               /* the fields below matter only to fresh intervals */
    F_PVAL = NLIVE, F_PERR, F_PUNR, F_WY, F_WX, F_QL, F_QR, F_JUMP, F_SIBS,
    NFIELD
};

/*
 * Intervals of the problems, each problem's run in position order. Fields:
 * centre and half-width (in t); value; error (the rule's, F_RAW, plus the
 * bound on jumps hidden at the ends); QUADPACK's resabs and resasc; the
 * parent's value and error (for fresh intervals), and its integral of |f|
 * if the rule had not resolved it (F_PUNR, else 0; see totals); the interpolant
 * extrapolated to the left and right ends; and, across each end, the
 * neighbour's extrapolation to it (F_NL, F_NR) with the neighbour's error
 * per unit width (F_NLE, F_NRE; NaN at ends of the range and breakpoints,
 * where no check is made); QUADPACK's own error estimate (F_QE, which the
 * error F_RAW raises where null rules say so); and the error from the
 * rounding of the nodes (F_XF); the slope of the interpolant at each end
 * (F_DL, F_DR, per unit of t); the interval's slack at its ends (F_SL,
 * see sq_adapt_edges); the largest |f| (times the Jacobian) among its nodes
 * left and right of the centre, the centre counting for both, with their
 * nodes' offsets from the centre in units of h (F_HLY, F_HLX, F_HRY,
 * F_HRX; witness_check in adapt.c adds what the interval's witness says
 * about each side), and what its witness says its nodes missed (F_MISS); and, for fresh intervals only, its witness (F_WY,
 * F_WX): the largest |f| an ancestor or a probe saw inside it, and where
 * (0 and NaN for none); and for the first intervals of a problem, where in
 * t their probes go (F_QL, F_QR: just inside an end of the range or a
 * breakpoint; NaN for none); where a single jump lies between its nodes
 * (F_JUMP, see sq_gk_out.jump; sq_adapt_children cuts there); and the number of
 * children its parent had, on the first of them (F_SIBS; 0 on the others,
 * 1 on a first interval): siblings are adjacent in the fresh run.
 */
typedef sq_cols ivs;

/*
 * A problem's intervals in position order, as columns the decisions read
 * and write directly. Nearly always every interval is fresh (an interval
 * the decisions keep unsplit is rare), and the view is then the problem's
 * slice of the fresh run; otherwise the live and fresh runs are merged,
 * with fresh[k] saying which came from where. The merge is written where
 * the problem's next live run goes (the fields a live interval keeps; the
 * fresh-only ones in the workspace's scratch columns, w->merged): the
 * intervals it keeps are then already in place, and the others are
 * marked gone (SQ_GK_GONE) rather than moved out. In the long tail of a
 * wide integral, where hundreds of thousands of intervals are kept for a
 * few thousand split, this saves a copy of every kept interval a round.
 */
typedef struct view {
    double *f[NFIELD];
    const uint8_t *fresh;   /* 1 for a fresh interval; NULL: all are */
    size_t n;
    int in_place;           /* the merge was written where the problem's
                             * next live run goes (see view_of) */
} view;

/* A live-run entry whose interval has left (split, retired or dropped):
 * its pid carries this bit, and the next merge passes over it. */
#define SQ_GK_GONE (UINT64_C(1) << 63)

static inline int is_fresh(const view *v, size_t k)
{
    return v->fresh == NULL || v->fresh[k];
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
    double seed[2];      /* the first two sums, the table's first */
    int seeded;          /* how many of them are known */
    int reseed;          /* the table must start again from the seeds */
    long table;          /* index of its table in the workspace, or -1 until
                          * extrapolation first runs (most problems never
                          * get that far and need none) */
} extrapolation;

/* What intervals retired for good add up to: value and error sums, each
 * with its compensation, the integral of |f| and the largest node
 * rounding. A problem's, or one chunk's share of a round's. */
typedef struct retired {
    double sum, sumc, err, errc, rabs, xmax;
} retired;

typedef struct gstate {
    sq_problem def;
    int64_t map;
    double origin, scale;
    double half_width;             /* half the total width in t */
    int local;
    size_t live_start, live_n, fresh_start, fresh_n;
    size_t live_len;               /* live-run entries, gone ones included */
    size_t next_live_n, next_fresh_n, next_live_len;
    retired ret;                   /* what it retired for good */
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
    int huge;                      /* a finite range whose width overflows */
    double last_resabs;            /* the integral of |f| a round ago */
    double past_area[2];           /* the estimate one and two rounds ago */
    uint32_t npast;                /* how many of them are set */
    double stalled_rabs;           /* integral of |f| over intervals retired
                                    * unsplittable with a large error */
    int doublings;                 /* rounds in a row it doubled (see
                                    * count_doublings) */
    /* Probes just inside the finite ends of the range (in t; -Inf and +Inf
     * for none) and f there times the Jacobian (NaN until evaluated, or if
     * not finite): see probe_ends. */
    double probe_t[2], probe_y[2];
    extrapolation ext;
} gstate;

/* One thread's tile buffers. */
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

typedef struct tile_report tile_report;

typedef struct totals {
    double area, errsum, resabs;
    double errsum_q;     /* the same with QUADPACK's estimates (see sq_adapt_totals) */
    double xnode;        /* rounding of the nodes (included in errsum) */
    double hidden;       /* bounds on jumps the rule cannot see (in errsum) */
    double missed;       /* the part of it that witnesses say (F_MISS) */
    double maxerr, maxerr_width;
    double maxerr_rabs;  /* that interval's integral of |f| */
    int maxerr_at_end;   /* that interval touches an end or a breakpoint */
    double improvable;   /* error of the intervals above their roundoff floor */
    size_t overflows;    /* intervals whose sums overflowed (halve_overflows) */
    size_t unevaluated;  /* other intervals without a value (drop_unevaluated) */
    double unresolved;   /* integral of |f| over the intervals whose error
                          * is at the rule's cap (resasc): their values may
                          * be aliased, and a problem stopped by a budget
                          * adds it to its error */
} totals;

/* What a chunk of a problem's intervals (see sq_adapt_chunks) gives a pass:
 * its intervals kept and children made, and what it retired. */
typedef struct chunk_part {
    size_t keep, born;
    retired ret;
    totals t;            /* its share of the problem's totals (sq_adapt_totals) */
    double ac, ec, xmax;
    size_t pairs, stalled, raised;   /* count_roundoff's */
    double extra;        /* drop_unevaluated's */
    size_t marked;       /* intervals whose fate a pass changed */
    size_t first;        /* the first of them that a pass stops at, or SIZE_MAX */
    int flag;
    int blo, bhi;        /* sq_adapt_select's lowest and highest buckets */
} chunk_part;

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
    size_t *order;
    double *slack;
    uint8_t *fate, *touched, *isfresh;
    size_t order_cap;
    chunk_part *parts;     /* per chunk of the problem being decided, */
    size_t parts_cap;
    chunk_part one_part;   /* ... or its only chunk's */
    int counted;           /* parts[].keep and .born hold its fates' counts */
    ivs merged;            /* the fresh-only fields (NLIVE on) of a merged
                            * view, column f - NLIVE */
    view cur;              /* the view of the problem being decided */
    sq_wynn *tables;       /* epsilon tables of the problems that use one */
    size_t ntables, tables_cap;
    sq_round round;        /* the round's points, for one call (gather) */
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
    int probe_rows;            /* this round's tiles carry them as two more
                                * rows (a batch's first round) */
    sq_pace own_pace;          /* whether the rounds' thread team pays */
    sq_pace *pace;             /* run->pace, or own_pace */
    size_t done_n, done_evals; /* problems finished, and their evaluations */
    double gap;                /* widest gap between nodes, or between the
                                * outermost node and an end, per unit of h */
} engine;

/* ---- small helpers of the decisions ------------------------------------------------ */

/* The spacing of doubles just above v >= 0 (NaN for NaN, Inf, DBL_MAX). */
static inline double ulp_of(double v)
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
static inline int splittable(double c, double h)
{
    return h >= 512 * ulp_of(fabs(c) + h) && h > 0;
}

/* What happens to an interval. */
enum { KEEP = 0, SPLIT = 1, RETIRE = 2, DROP = 3 };



/* Is an interval's error at the rule's cap, resasc: has the rule not
 * resolved it at all? */
static inline int unresolved_at(double err, double rasc)
{
    return err > 0 && err >= rasc;
}

/* Is the interval's error its roundoff floor, 50 eps times the integral of
 * |f| over it (QUADPACK's)? Bisection cannot lower that: the halves' floors
 * add up to the same. */
static inline int at_floor(double err, double rabs)
{
    return err <= 50 * DBL_EPSILON * rabs;
}

/* ---- the decisions' array passes --------------------------------------------------- */

/*
 * The passes of a problem's decisions over its intervals run in chunks of
 * SQ_GK_CHUNK consecutive intervals, over the engine's threads when a
 * problem has several chunks. A pass's sums are formed chunk by chunk and
 * then added in chunk order, so they depend on the chunk size, which is
 * fixed, and not on the thread count; a problem of one chunk (up to 1024
 * intervals a round) sums exactly as a single loop would.
 */
enum { SQ_GK_CHUNK = 1024 };

static inline size_t sq_gk_nchunks(size_t n)
{
    return (n + SQ_GK_CHUNK - 1) / SQ_GK_CHUNK;
}

/* A pass's loop that a one-chunk problem runs in place and the chunks of
 * a wider one run on the threads: inlined into the former. */
#if defined(__GNUC__)
#define SQ_ALWAYS_INLINE static inline __attribute__((always_inline))
#else
#define SQ_ALWAYS_INLINE static inline
#endif

/* fn(c, lo, hi, ctx) for every chunk c = [lo, hi) of n intervals. */
typedef void sq_chunk_fn(size_t c, size_t lo, size_t hi, void *ctx);
void sq_adapt_chunks_wide(const engine *e, size_t n, sq_chunk_fn *fn, void *ctx);

static inline void sq_adapt_chunks(const engine *e, size_t n, sq_chunk_fn *fn,
                                   void *ctx)
{
    if (n <= SQ_GK_CHUNK) {
        if (n > 0)
            fn(0, 0, n, ctx);    /* most problems: one chunk, no team */
        return;
    }
    sq_adapt_chunks_wide(e, n, fn, ctx);
}

/* The parts of a problem of n intervals: the workspace's, or for one chunk
 * its own (no allocation). */
static inline chunk_part *sq_adapt_parts(struct sq_adapt_ws *w, size_t n)
{
    return sq_gk_nchunks(n) > 1 ? w->parts : &w->one_part;
}

/* The family of fresh interval i (its siblings, adjacent in the run, at
 * most `left` of them): its size on its first member, 0 on the others, 1
 * for a first interval, which has no parent. */
static inline size_t sq_adapt_siblings(const ivs *fr, size_t i, size_t left)
{
    size_t ns = (size_t)fr->f[F_SIBS][i];
    return ns == 0 ? 1 : ns < left ? ns : left;
}

/* ---- across the engine's files ------------------------------------------------------ */

/* Decide problem ps after a round: finish it, or mark each of its
 * intervals in w->fate (adapt_decide.c). -1 if memory ran out. */
int sq_adapt_decide(engine *e, gstate *ps);
/* Apply the fates (to the view sq_adapt_decide left in w->cur): kept
 * intervals to next_live, children of split ones to next_fresh, retired
 * ones into the retired sums. The next runs grow to what they receive
 * (kept intervals carry only the NLIVE fields). -1 if memory ran out. */
int sq_adapt_apply(engine *e, gstate *ps);
/* A problem's totals over its retired sums and its intervals in v
 * (adapt_totals.c). */
totals sq_adapt_totals(engine *e, const gstate *ps, const view *v);
/* The same over the retired sums and intervals lo..hi-1 of columns f, in
 * one loop (what sq_adapt_totals does for a problem of one chunk). */
totals sq_adapt_totals_of(const gstate *ps, double *const *f, size_t lo, size_t hi);
/* Best estimate of a problem stopped between rounds (adapt_totals.c). */
totals sq_adapt_pending(const struct sq_adapt_ws *w, const gstate *ps);
/* How many intervals the fates of v keep and how many children they make,
 * per chunk into parts and in all; marks the counts valid (w->counted) for
 * sq_adapt_apply (adapt_apply.c). */
void sq_adapt_count_fates(engine *e, const view *v, chunk_part *parts, size_t *keep,
                          size_t *born);
/* Mark SPLIT (in w->fate) the fewest KEEP intervals of v wider than
 * min_width, largest errors first, whose errors bring `total` down to
 * `target` (adapt_select.c). Returns how many, or -1 if memory ran out. */
long sq_adapt_select(engine *e, const view *v, double total, double target,
                     double min_width);

/* How many children interval k of v makes when split (2 or 3), and for 3
 * the cuts in t; and the three children, appended to nf (adapt_cuts.c). */
size_t sq_adapt_children(const engine *e, const view *v, size_t k, double cut[2]);
void sq_adapt_split_at(ivs *nf, size_t at, const view *v, size_t k,
                       const double cut[2], uint64_t pid);

/* sq_adapt_children without a call for the intervals whose nodes saw no
 * jump (nearly all). */
static inline size_t sq_adapt_nchildren(const engine *e, const view *v, size_t k,
                                        double cut[2])
{
    if (!is_fresh(v, k) || !(v->f[F_JUMP][k] >= 1))
        return 2;
    return sq_adapt_children(e, v, k, cut);
}

/* Stop ps with `status` and its best estimate from t (adapt_extrap.c). */
void sq_adapt_finish(gstate *ps, sq_status status, const totals *t,
                     double extra_err);
/* One step of the extrapolation: 1 if its limit met the tolerance (ps is
 * then finished), -1 if memory ran out. */
int sq_adapt_extrapolate(struct sq_adapt_ws *w, gstate *ps, const totals *t,
                         double erlarg);

/* Each interval's error: its rule's, plus the bound on jumps hidden at
 * its ends (adapt_edges.c). */
void sq_adapt_edges(const engine *e, struct sq_adapt_ws *w, const gstate *ps,
                    const view *v);
/* The error sq_adapt_edges gives interval i of columns f (F_RAW set, its
 * value not NaN) when no neighbour is checked across its ends; first and
 * last: it is the problem's first or last. */
double sq_adapt_edge_error(const engine *e, const gstate *ps, double *const *f,
                           size_t i, int first, int last);
/* Evaluate the probes of problems starting their first round. -1 if
 * memory ran out. */
int sq_adapt_probe_ends(engine *e);

/* Expensive integrands: announce a round's points to the workers before
 * the tiles ask for them (src/adapt_announce.c). */
void sq_adapt_announce_round(engine *e);
/* Fresh interval i's probe at q (in t) gave y (f times the Jacobian, NaN
 * if not finite or if the call failed). */
void sq_adapt_probe_seen(engine *e, size_t i, double q, double y);
/* Room in t for tiles of up to cap intervals (cap <= SQ_GK_TILE; adapt.c).
 * -1 if memory ran out. */
int sq_adapt_tscratch(tscratch *t, size_t cap);

#endif /* SQ_ADAPT_H */
