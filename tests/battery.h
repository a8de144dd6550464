/* SPDX-License-Identifier: MIT */
/*
 * The accuracy battery: integrals with known values from the published test
 * sets (Kahaner / Gander-Gautschi, QUADPACK and GSL, the Genz families in one
 * dimension), infinite and semi-infinite ranges, oscillatory and peaked
 * integrands, endpoint and interior singularities. Shared by the tests and
 * by the benchmarks against GSL.
 *
 * Every exact value was computed with MPFR at 256 bits, from the closed form
 * where there is one and by tanh-sinh quadrature otherwise (tests/reference.c),
 * and test_reference checks the table against that computation.
 */
#ifndef SQ_BATTERY_H
#define SQ_BATTERY_H

#include <stddef.h>

enum {
    BATTERY_HARD = 1,      /* may stop without meeting the tolerance (never
                            * with a wrong OK): discontinuities without
                            * breakpoints */
    BATTERY_SINGULAR = 2,  /* an integrable singularity at an end point */
    BATTERY_TRAP = 4       /* a feature no rule that never evaluates the
                            * ends of its intervals can see unless told
                            * where it is: a peak narrower than the node
                            * spacing, a jump within 0.5% of an end of the
                            * range. Published, not asserted; the same
                            * problem with breakpoints is in the battery. */
};

/* Every integrand of tests/battery_fns.h, by name. */
#define BATTERY_FNS(X) \
    X(gg01) \
    X(gg02) \
    X(gg03) \
    X(gg04) \
    X(gg05) \
    X(gg06) \
    X(gg07) \
    X(gg08) \
    X(gg09) \
    X(gg10) \
    X(gg11) \
    X(gg12) \
    X(gg13) \
    X(gg14) \
    X(gg15) \
    X(gg16) \
    X(gg17) \
    X(gg18) \
    X(gg19) \
    X(gg20) \
    X(gg21) \
    X(gg22) \
    X(gg23) \
    X(gg24) \
    X(gg25) \
    X(qp_f1a) \
    X(qp_f1b) \
    X(qp_f3) \
    X(qp_f11) \
    X(qp_f15) \
    X(qp_f16) \
    X(qp_f454) \
    X(qp_f455) \
    X(gz_osc) \
    X(gz_prod) \
    X(gz_corner) \
    X(gz_gauss) \
    X(gz_cont) \
    X(gz_disc) \
    X(inf_gauss) \
    X(inf_lorentz) \
    X(inf_exp) \
    X(inf_inv2) \
    X(inf_sing) \
    X(inf_damped) \
    X(inf_quartic) \
    X(inf_normal) \
    X(inf_xexp) \
    X(osc_xsin) \
    X(osc_sinc) \
    X(osc_cos100) \
    X(pk_lorentz) \
    X(pk_gauss) \
    X(pk_sech2) \
    X(sg_logsqrt) \
    X(sg_x09) \
    X(sg_log2) \
    X(sg_xlog) \
    X(sg_arcsine) \
    X(sg_semicircle) \
    X(sg_inner_sqrt) \
    X(sg_inner_log) \
    X(hv_abssin) \
    X(hv_damped50) \
    X(hv_peaks)

enum battery_fn {
#define BATTERY_ENUM(name) BATTERY_FN_##name,
    BATTERY_FNS(BATTERY_ENUM)
#undef BATTERY_ENUM
    BATTERY_FN_COUNT
};

typedef struct battery_problem {
    const char *name;
    const char *source;
    double (*f)(double x);
    enum battery_fn fn;     /* which integrand: an index into vector tables */
    double a, b;
    double exact;
    const double *points;   /* interior breakpoints, or NULL */
    size_t npoints;
    int flags;
} battery_problem;

extern const battery_problem battery[];
extern const size_t battery_count;

/* Larger jobs for the benchmarks (and one test): problems that need 10^4
 * to 10^5 evaluations at epsrel 1e-10. */
extern const battery_problem battery_heavy[];
extern const size_t battery_heavy_count;

/* A batch integrand for simdquad: ctx points to the battery_problem. */
int battery_batch(size_t n, const double *x, double *y, void *ctx);

/* Each integrand in the expression language (tests/battery_expr.c), by
 * battery_problem.fn. */
extern const char *const battery_expr[BATTERY_FN_COUNT];

#endif
