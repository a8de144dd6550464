/* SPDX-License-Identifier: MIT */
/*
 * The kernel layer: every function the engine needs that depends on the
 * vector width. Each ISA fills one sq_isa_ops table from the same sources
 * (kernels/isa_*.c compiled once per ISA); the engine reaches kernels only
 * through that table and never names an ISA itself.
 *
 * Only plain arrays of doubles cross this boundary. Every kernel is a pure
 * function of its inputs, lane by lane: the value at a point never depends
 * on the other points of a call, nor on where in a vector the point sits.
 * That, and -ffp-contract=off everywhere, is what makes results independent
 * of chunking, tiling and thread count.
 */
#ifndef SQ_KERNELS_H
#define SQ_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#include "simdquad.h"

/* Built-in integrands. The order is the public kernel index. */
enum sq_kernel_id {
    SQK_SIN,
    SQK_COS,
    SQK_EXP,
    SQK_LOG,
    SQK_SQRT,
    SQK_GAUSS,      /* exp(-x*x) */
    SQK_LORENTZ,    /* 1/(1+x*x) */
    SQK_POLY,       /* a degree-5 polynomial in Horner form */
    SQK_GAUSS_COS,  /* exp(-x*x)*cos(3*x) */
    SQK_COUNT
};

/* Largest vector length of any ISA; arrays handed to kernels are padded to
 * a multiple of it. */
#define SQ_MAX_VLEN 8

/* Built-in parametric families. The order is the public family index. */
enum sq_family_id {
    SQF_GENZ_OSCILLATORY,   /* cos(2 pi u + a x) */
    SQF_GENZ_PRODUCT_PEAK,  /* 1 / (a^-2 + (x - u)^2) */
    SQF_GENZ_CORNER_PEAK,   /* (1 + a x)^-2 */
    SQF_GENZ_GAUSSIAN,      /* exp(-a^2 (x - u)^2) */
    SQF_GENZ_CONTINUOUS,    /* exp(-a |x - u|) */
    SQF_GENZ_DISCONTINUOUS, /* x > u ? 0 : exp(a x) */
    SQF_GAUSS_LINE,         /* normal density, centre x0, width sigma */
    SQF_LORENTZ_LINE,       /* Cauchy density, centre x0, half-width gamma */
    SQF_PLANCK,             /* x^3 / (exp(x / T) - 1) */
    SQF_COUNT
};

/* Most parameters of any family. */
#define SQ_FAMILY_MAX_PARAMS 2

/*
 * A family over a tile laid out node-major: y[k * ld + j] = f(x[k * ld + j];
 * p[0][j], p[1][j], ...) for k < rows and j < ld: the parameters are those of
 * interval j, shared by its rows. ld is a multiple of the ISA's vector
 * length.
 */
typedef void sq_fam_fn(size_t rows, size_t ld, const double *restrict x,
                       const double *const *p, double *restrict y);

/*
 * y[i] = f(x[i]) for i < n. n is a multiple of the ISA's vector length;
 * x and y do not overlap.
 */
typedef void sq_kern_fn(size_t n, const double *restrict x,
                        double *restrict y);

/*
 * Simpson, a frontier "item" is an interval [a, b] already evaluated at its
 * five Simpson points a, lm, m, rm, b (f0..f4) and found not accurate
 * enough; the round visits its two halves. `tol` is the tolerance each half
 * is held to (half of the item's own).
 */
typedef struct sq_simpson_items {
    const double *a, *b, *f0, *f1, *f2, *f3, *f4, *tol;
    const uint64_t *pid;
} sq_simpson_items;

/*
 * Nodes of one Simpson round: the quarter points of both halves of n items,
 * written as x[k * ld + j] for k = 0..3 (left half: k = 0, 1; right half:
 * k = 2, 3). Columns n..ld-1 repeat column 0 so that padded lanes compute
 * harmless values.
 */
typedef void sq_simpson_nodes_fn(size_t n, size_t ld,
                                 const double *restrict a,
                                 const double *restrict b,
                                 double *restrict x);

/* What happens to a half after its visit. */
enum sq_simpson_fate {
    SQ_HALF_ACCEPT = 0,     /* converged: contributes val and err */
    SQ_HALF_SPLIT = 1,      /* becomes an item of the next round */
    SQ_HALF_ROUNDOFF = 2,   /* cannot improve in double precision: accepted */
    SQ_HALF_NONFINITE = 3   /* a new value is NaN or Inf */
};

/*
 * The outcome of one Simpson round for n items: the left and right half of
 * item j. In position order half 2j is the left half of item j, half 2j+1
 * its right half.
 */
typedef struct sq_simpson_visit {
    double *mid;               /* the items' midpoints */
    double *val_l, *val_r;     /* contributions (zero unless accepted) */
    double *err_l, *err_r;     /* their error estimates */
    int64_t *fate_l, *fate_r;  /* sq_simpson_fate; 64-bit like the other
                                * fields, so the loop runs in one width */
} sq_simpson_visit;

/*
 * Visit both halves of n items, from the values y laid out as the nodes of
 * sq_simpson_nodes_fn with leading dimension ld. Returns how many halves
 * split; *unusual is set nonzero if any half is ROUNDOFF or NONFINITE.
 */
typedef size_t sq_simpson_estimate_fn(size_t n, const sq_simpson_items *in,
                                      const double *restrict y, size_t ld,
                                      const sq_simpson_visit *out,
                                      int *unusual);

/* Where the next round's items go. */
typedef struct sq_simpson_dest {
    double *a, *b, *f0, *f1, *f2, *f3, *f4, *tol;
    uint64_t *pid;
} sq_simpson_dest;

/*
 * Write the halves that split as items of the next round, in position
 * order, and return how many. Each array needs 2 * SQ_MAX_VLEN doubles of
 * slack past the last item written (kernels store whole vectors).
 */
typedef size_t sq_simpson_emit_fn(size_t n, const sq_simpson_items *in,
                                  const double *restrict y, size_t ld,
                                  const sq_simpson_visit *v,
                                  const sq_simpson_dest *out);

/*
 * Canonical sums of halves given as left/right arrays:
 * s[(2j) % 8] += l[j] and s[(2j + 1) % 8] += r[j], in order of j. This is
 * sq_sum8_fn over the halves in position order, lane for lane.
 */
typedef void sq_sum8_pair_fn(size_t n, const double *restrict l,
                             const double *restrict r, double *restrict s);

/* ---- Gauss-Kronrod ------------------------------------------------------ */

/*
 * A Gauss-Kronrod rule (kernels/gk_tables.c): 2 npair + 1 nodes on [-1, 1],
 * the centre and the pairs +-xgk[i] (decreasing). The embedded Gauss rule
 * uses the pairs of odd index, with weights wg[i / 2], and the centre with
 * weight wg_centre (zero when the Gauss rule has an even number of nodes).
 */
typedef struct sq_gk_rule {
    const char *name;
    int npair;
    const double *xgk, *wgk;
    double wgk_centre;
    const double *wg;
    double wg_centre;
    /* Weights of the rows' values for the interpolant at +1 (mirrored for
     * -1), and 1 - xgk[0]: the fraction of the half-width between the
     * outermost node and an end, where the rule sees nothing. */
    const double *end;
    /* Weights of the rows' values for the interpolant's derivative at +1
     * (mirrored and negated for -1). */
    const double *dend;
    double blind;
    /* SQ_GK_NULL null rules (gk_tables.c): the centre's weight of each, and
     * npair weights of each (null[q * npair + i] for the pair +-xgk[i];
     * even q weigh both values alike, odd q the -x value negated). */
    const double *null_centre, *null;
    /* The coefficient of P_2 in the interpolant: the centre's weight and
     * the weight of each pair (both values alike). */
    double p2_centre;
    const double *p2;
    /* 1 / (xgk[i] - xgk[i + 1]) with xgk[npair] = 0: the inverse gaps
     * between neighbouring nodes, for the slopes of gk_jump. */
    const double *gap_inv;
} sq_gk_rule;

enum { SQ_GK_NULL = 6 };

/* The most pairs of nodes a rule has (GK21's ten). */
enum { SQ_GK_MAX_PAIRS = 10 };

extern const sq_gk_rule sq_gk15, sq_gk21;

/* Rows of a node block: row 0 is the centre, rows 2i+1 and 2i+2 the
 * nodes c - h xgk[i] and c + h xgk[i]. */
static inline size_t sq_gk_rows(const sq_gk_rule *r)
{
    return 2 * (size_t)r->npair + 1;
}

/*
 * Nodes of n intervals with centres c and half-widths h (h > 0):
 * x[k * ld + j]. Columns n..ld-1 repeat column 0.
 */
typedef void sq_gk_nodes_fn(size_t n, size_t ld, const sq_gk_rule *r,
                            const double *restrict c,
                            const double *restrict h, double *restrict x);

/* Changes of variable for infinite ranges; t is the integration variable. */
enum sq_map_kind {
    SQ_MAP_NONE = 0,    /* x = t */
    SQ_MAP_UPPER = 1,   /* [o, inf):  x = o + s t / (1 - t),   t in [0, 1) */
    SQ_MAP_LOWER = 2,   /* (-inf, o]: x = o - s t / (1 - t),   t in [0, 1) */
    SQ_MAP_BOTH = 3     /* (-inf, inf): x = s t / (1 - t^2),   t in (-1, 1) */
};

/*
 * Map a block of rows x ld nodes in place from t to x, column j by the
 * change of variable (kind[j], origin o[j], scale s[j]), and write the
 * Jacobian dx/dt. Columns of kind SQ_MAP_NONE get x = t, jac = 1.
 */
typedef void sq_map_fn(size_t rows, size_t ld, const int64_t *restrict kind,
                       const double *restrict origin,
                       const double *restrict scale, double *restrict x,
                       double *restrict jac);

/* Error estimate of a Gauss-Kronrod visit. */
enum sq_gk_error {
    SQ_GK_ERROR_NULL = 0,       /* QUADPACK's, raised by the null rules */
    SQ_GK_ERROR_RAW = 1,        /* |K - G| itself */
    SQ_GK_ERROR_QUADPACK = 2,   /* QUADPACK's rescaled |K - G| */
    /* Or'ed into the error kind: only val, err, resabs, resasc, qerr,
     * xerr and bad are written (the vector engine, which has no neighbour
     * checks and never cuts at a jump); the value and error are the same
     * bits as without it. */
    SQ_GK_LEAN = 16
};

/* The outcome of Gauss-Kronrod visits: per interval the Kronrod value,
 * its error estimate, QUADPACK's resabs (integral of |f|) and resasc
 * (integral of |f - mean|), the rule's interpolant extrapolated to the left
 * and right ends, and bad = 1 if a value was NaN or Inf. The error is
 * QUADPACK's, raised where the null rules say the rule is not in its
 * asymptotic regime; qerr is QUADPACK's alone; xerr the error from the
 * rounding of the nodes (to be added in quadrature); dl and dr the
 * magnitudes of the interpolant's slope at the left and right ends (per
 * unit of x); slack what the interval's own error and rounding explain of
 * a mismatch at its ends, per unit of width (see the engine's
 * boundary_terms). nul[0..3] are scratch (the null rules' pair magnitudes,
 * |c2|). */
typedef struct sq_gk_out {
    double *val, *err, *resabs, *resasc;
    double *endl, *endr;
    int64_t *bad;
    double *qerr, *xerr;
    double *dl, *dr, *slack;
    double *nul[4];
    /* The largest |value| among the nodes left of the centre and the
     * centre, and its node's offset from the centre in units of h (ties:
     * the node nearest the centre); the same on the right. */
    double *left_max, *left_at, *right_max, *right_at;
    /* Where a jump or a kink lies between the nodes (see gk_jump): 32 a + b
     * when it lies between nodes a < b, counted from the left from 0 (a >=
     * 2, b <= rows - 3); 0 when the nodes saw neither. */
    double *jump;
} sq_gk_out;

/*
 * Estimate n intervals with centres c and half-widths h from the values y
 * of their nodes (as laid out by sq_gk_nodes_fn), multiplied first by jac
 * when jac is not NULL (y is overwritten with the products). Returns the number of
 * intervals with a non-finite value.
 */
typedef size_t sq_gk_estimate_fn(size_t n, size_t ld, const sq_gk_rule *r,
                                 const double *restrict c,
                                 const double *restrict h, double *restrict y,
                                 const double *restrict jac, int error_kind,
                                 const sq_gk_out *out);

/*
 * The moments x^k f, k < K, at the nodes of m intervals (x and f laid out
 * rows x ld as the nodes; f multiplied first by jac when jac is not NULL),
 * in the layout of a vector integrand's estimate: row r of component k of
 * interval i at ye[r * LD + k * m + i]. Each power is the previous one
 * times x, so every lane gives the scalar loop's bits.
 */
typedef void sq_gk_moments_fn(size_t rows, size_t m, size_t ld, size_t LD,
                              size_t K, const double *restrict x,
                              const double *restrict f,
                              const double *restrict jac, double *restrict ye);

/* The Gauss-Kronrod kernels of one ISA. */
/* The part of the estimate after the sums (sq_gk_out's val ... endr, bad,
 * nul and the node maxima written): scaling, the error estimates and the
 * jump scan, with y already multiplied by the Jacobian. Returns the
 * number of intervals with a non-finite value. */
typedef size_t sq_gk_after_sums_fn(size_t n, size_t ld, const sq_gk_rule *r,
                               const double *restrict c, const double *restrict h,
                               const double *restrict y, int error_kind,
                               const sq_gk_out *out);

typedef struct sq_gk_ops {
    sq_gk_nodes_fn *nodes;
    sq_map_fn *map;
    sq_gk_estimate_fn *estimate;
    sq_gk_after_sums_fn *after_sums;
    sq_gk_moments_fn *moments;
} sq_gk_ops;

/*
 * Stream compaction of 64-bit values: copy src[i] to dst[k++] for every i < n
 * with keep[i] == 1 (keep[i] is 0 or 1), in order. Returns k. dst must have
 * room for n values plus SQ_MAX_VLEN of slack (the kernel may write whole
 * vectors past the last kept value).
 */
typedef size_t sq_compress_fn(size_t n, const uint8_t *restrict keep,
                              const void *restrict src, void *restrict dst);

/*
 * Canonical partial sums: s[c % 8] += v[c] in order of c, for c < n. The
 * engine's sums are defined this way so that a vector unit can form them
 * lane by lane and scalar code can reproduce them bit for bit.
 */
typedef void sq_sum8_fn(size_t n, const double *restrict v,
                        double *restrict s);

/* ---- the expression machine ---------------------------------------------- */

/*
 * A compiled expression (src/expr.c) as the per-ISA machines run it. Values
 * live in slots: SQ_VM_REGS registers of one chunk of doubles each, the
 * node row x, the parameter columns p0..p15 and the output row. The
 * prologue (everything that does not depend on x: constants, parameter
 * arithmetic) runs once per chunk of intervals, the body once per row.
 */
enum {
    SQ_VM_REGS = 32,
    SQ_VM_X = SQ_VM_REGS,          /* slot of the node row */
    SQ_VM_P0,                      /* slots of the parameter columns */
    SQ_VM_OUT = SQ_VM_P0 + 16,     /* slots of the output rows */
    SQ_VM_MAX_OUT = 128,           /* outputs of one expression, at most */
    SQ_VM_SLOTS = SQ_VM_OUT + SQ_VM_MAX_OUT,
    SQ_VM_CHUNK = 64               /* doubles per register */
};

/* Operations. Unary functions form one run, binary ones another, so that
 * the machines can index function tables. */
enum sq_vm_op {
    SQ_OP_CONST,                   /* dst = imm */
    SQ_OP_COPY,                    /* dst = a */
    SQ_OP_NEG, SQ_OP_ADD, SQ_OP_SUB, SQ_OP_MUL, SQ_OP_DIV,
    SQ_OP_LT, SQ_OP_LE, SQ_OP_GT, SQ_OP_GE, SQ_OP_EQ, SQ_OP_NE,
    SQ_OP_WHERE,                   /* dst = a != 0 ? b : c */
    SQ_OP_SIN, SQ_OP_COS, SQ_OP_TAN, SQ_OP_ASIN, SQ_OP_ACOS, SQ_OP_ATAN,
    SQ_OP_SINH, SQ_OP_COSH, SQ_OP_TANH, SQ_OP_ASINH, SQ_OP_ACOSH, SQ_OP_ATANH,
    SQ_OP_EXP, SQ_OP_EXP2, SQ_OP_EXPM1, SQ_OP_LOG, SQ_OP_LOG2, SQ_OP_LOG10,
    SQ_OP_LOG1P, SQ_OP_SQRT, SQ_OP_CBRT, SQ_OP_ABS, SQ_OP_ERF, SQ_OP_ERFC,
    SQ_OP_TGAMMA, SQ_OP_LGAMMA, SQ_OP_FLOOR, SQ_OP_CEIL,
    SQ_OP_ATAN2, SQ_OP_POW, SQ_OP_HYPOT, SQ_OP_MIN, SQ_OP_MAX,
    SQ_OP_COUNT,
    SQ_OP_UNARY_FIRST = SQ_OP_SIN,
    SQ_OP_UNARY_LAST = SQ_OP_CEIL,
    SQ_OP_BINARY_FIRST = SQ_OP_ATAN2,
    SQ_OP_BINARY_LAST = SQ_OP_MAX
};

typedef struct sq_vm_instr {
    uint8_t op, dst, a, b, c;      /* slots */
    double imm;                    /* SQ_OP_CONST */
} sq_vm_instr;

typedef struct sq_vm {
    const sq_vm_instr *code;
    size_t nprologue, nbody;       /* code[0 .. nprologue), then the body */
    size_t nparams;
    size_t nout;                   /* outputs: row r of output k is y + k *
                                    * rows * ld + r * ld */
} sq_vm;

/* y = f(x; p) over a tile laid out as for sq_fam_fn. */
typedef void sq_vm_fn(const sq_vm *vm, size_t rows, size_t ld,
                      const double *restrict x, const double *const *p,
                      double *restrict y);

typedef struct sq_isa_ops {
    int isa;            /* sq_isa value */
    size_t vlen;        /* doubles per vector */
    /* The integrands, one set per math backend (indexed by sq_math; NULL
     * where the backend is not built for this ISA, and at SQ_MATH_AUTO). */
    sq_kern_fn *const *kern[SQ_MATH_COUNT];  /* SQK_COUNT entries */
    sq_fam_fn *const *fam[SQ_MATH_COUNT];    /* SQF_COUNT entries */
    sq_vm_fn *vm[SQ_MATH_COUNT];
    sq_simpson_nodes_fn *simpson_nodes;
    sq_simpson_estimate_fn *simpson_estimate;
    sq_simpson_emit_fn *simpson_emit;
    sq_compress_fn *compress;
    sq_sum8_fn *sum8;
    sq_sum8_pair_fn *sum8_pair;
    const sq_gk_ops *gk;
} sq_isa_ops;

extern const sq_isa_ops sq_ops_scalar;
extern const sq_isa_ops sq_ops_sse2;
extern const sq_isa_ops sq_ops_avx2;
extern const sq_isa_ops sq_ops_avx512;

/* Kernel metadata and scalar twins (kernels/twins.c, compiled once). */
typedef struct sq_kernel_meta {
    const char *name;
    const char *formula;
    double (*twin)(double x);
    void (*twin_loop)(size_t n, const double *x, double *y);
} sq_kernel_meta;

extern const sq_kernel_meta sq_kernel_table[SQK_COUNT];

/* Family metadata and scalar twins (kernels/twins.c). */
typedef struct sq_family_meta {
    const char *name;
    const char *formula;
    size_t nparams;
    int breakpoint;   /* index of the parameter where f has a kink or a jump
                       * (the engine splits there), or -1 */
    double (*twin)(double x, const double *p);
} sq_family_meta;

extern const sq_family_meta sq_family_table[SQF_COUNT];

#endif /* SQ_KERNELS_H */
