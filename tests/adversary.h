/* SPDX-License-Identifier: MIT */
/*
 * Adversarial classes: integrands built to make an adaptive rule say `ok`
 * about an integral it has not seen, each drawn over many placements and
 * scales from a fixed seed, with exact values in long double. Used by the
 * property tests (tests/test_adversary.c, zero false successes asserted)
 * and by the comparison with GSL on the same draws (simdquad-bench peers
 * honesty).
 */
#ifndef SQ_TESTS_ADVERSARY_H
#define SQ_TESTS_ADVERSARY_H

#include <stddef.h>

#include "simdquad.h"

typedef enum adv_class {
    ADV_LOST_PEAK,   /* exp(-((x - m) / w)^2) on [0, 1] or [-1, 1], w 1e-6
                      * .. 1e-3, m within w/2 of a node of the first rule
                      * (GK21's), which sees it */
    ADV_BREAK_DECAY, /* 1 below p, exp(-k (x - p)) above, k 1e3 .. 1e7, with
                      * the breakpoint p given */
    ADV_FAR_PEAK,    /* exp(-((x - m) / w)^2), w 0.01 .. 10, |m| 10 .. 1e6, on
                      * [-L, L] (L up to 10 |m|), (-inf, inf) or [0, inf):
                      * nodes may see nothing but zeros */
    ADV_INTERIOR_SING, /* |x - m|^-alpha on [0, 1], m 0.05 .. 0.95 not given
                        * as a breakpoint, alpha 0.1 .. 0.8, epsabs 1e-4 ..
                        * 1e-10 of the integral (peers' test suites) */
    ADV_ALGEBRAIC_TAIL, /* (x + c)^-beta on [0, inf), c 0.5 .. 4, beta
                         * 1.05 .. 3, epsabs 1e-4 .. 1e-10 of the integral */
    ADV_CLASS_COUNT
} adv_class;

/* One draw: the range, the integrand's two parameters, a breakpoint (NaN
 * for none) and the absolute tolerance to ask for. */
typedef struct adv_draw {
    double a, b;
    double p[2];
    double point;
    double epsabs;
} adv_draw;

const char *adv_name(adv_class c);
/* The integrand as an expression in x, p0 and p1. */
const char *adv_formula(adv_class c);
/* Draw i of class c (any i, from `seed`). */
adv_draw adv_draw_of(adv_class c, unsigned long long seed, size_t i);
/* f(x) of a draw, and its integral in long double. */
double adv_value(adv_class c, const adv_draw *d, double x);
long double adv_exact(adv_class c, const adv_draw *d);
/* A false success: status OK with a true error above both the reported
 * error and the tolerance's reach (beyond two ulps of the integral). */
int adv_false(double value, double error, long double exact, double epsabs);

/* Solve `draws` draws of class c through the expression, one integral at a
 * time (breakpoints differ from draw to draw), with the given options
 * (epsabs and points are set per draw); count successes and false ones.
 * Returns 0, or -1 if the expression did not compile. */
int adv_run(adv_class c, unsigned long long seed, size_t draws,
            const sq_options *opt, size_t *ok, size_t *false_success);

#endif
