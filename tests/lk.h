/* SPDX-License-Identifier: MIT */
/*
 * Randomised Lyness-Kaganove families: a feature at a random place lambda
 * in [0, 1], drawn uniformly from a fixed seed, solved as one batch and
 * checked against closed forms evaluated in long double. Used by the
 * honesty test (rates asserted), the honesty report (the README's table)
 * and the comparison with GSL (simdquad-bench peers honesty).
 */
#ifndef SQ_TESTS_LK_H
#define SQ_TESTS_LK_H

#include <stddef.h>

#include "simdquad.h"

typedef enum lk_family {
    LK_POWER,      /* |x - lambda|^alpha, alpha uniform in [-0.9, 1]       */
    LK_POLE1,      /* 1 / ((x - lambda)^2 + delta^2), delta = 10^-k ...    */
    LK_POLE2,
    LK_POLE3,
    LK_POLE4,
    LK_POLE5,
    LK_POLE6,
    LK_STEP,       /* 0.25 below lambda, 1.5 + x above                     */
    LK_FAMILY_COUNT
} lk_family;

typedef struct lk_config {
    const char *name;
    sq_rule rule;
    sq_control control;
} lk_config;

/* The configurations the honesty checks cover, and their count. */
extern const lk_config lk_configs[];
extern const size_t lk_config_count;

/* What a family's draws gave at one tolerance. */
typedef struct lk_stats {
    size_t draws;
    size_t ok;              /* status OK */
    size_t false_success;   /* OK, but the true error exceeds the reported
                               error or the tolerance */
    size_t evals;           /* total evaluations */
} lk_stats;

/* A family's name and formula, for reports. */
const char *lk_name(lk_family f);
const char *lk_formula(lk_family f);

/* The draws of family f from `seed`: lambda and alpha for each (alpha is
 * used by LK_POWER only), and the family's delta (0 if it has none). */
void lk_draw(lk_family f, size_t draws, unsigned long long seed, double *lam,
             double *alpha, double *delta);

/* f(x) for one draw, and its integral over [0, 1] in long double. */
double lk_value(lk_family f, double x, double lam, double alpha, double delta);
long double lk_exact(lk_family f, double lam, double alpha, double delta);

/* Is a successful result a false success: a true error above the reported
 * error or the tolerance, beyond two ulps of the integral? */
int lk_false(double value, double error, long double exact, double epsrel);

/* Draw `draws` problems of family f from `seed`, solve them as one batch
 * with configuration c at relative tolerance epsrel, and count. Returns 0,
 * or -1 if memory ran out. */
int lk_run(lk_family f, const lk_config *c, double epsrel, size_t draws,
           unsigned long long seed, lk_stats *out);

#endif
