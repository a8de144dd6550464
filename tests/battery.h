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

typedef struct battery_problem {
    const char *name;
    const char *source;
    double (*f)(double x);
    double a, b;
    double exact;
    const double *points;   /* interior breakpoints, or NULL */
    size_t npoints;
    int flags;
} battery_problem;

extern const battery_problem battery[];
extern const size_t battery_count;

/* A batch integrand for simdquad: ctx points to the battery_problem. */
int battery_batch(size_t n, const double *x, double *y, void *ctx);

#endif
