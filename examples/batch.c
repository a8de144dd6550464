/* SPDX-License-Identifier: MIT */
/* The README's batch example: many integrals of one parametric family in
 * one call, with a built-in family and with a user callback. */
#include <math.h>
#include <simdquad.h>
#include <stdio.h>
#include <stdlib.h>

/* A parametric callback: problem pid[i] is a Gaussian line with its own
 * centre and width, looked up in the caller's arrays. */
typedef struct lines {
    const double *centre, *width;
} lines;

static int line_profile(size_t n, const double *x, const size_t *pid,
                        double *y, void *ctx)
{
    const lines *l = ctx;
    for (size_t i = 0; i < n; i++) {
        double z = (x[i] - l->centre[pid[i]]) / l->width[pid[i]];
        y[i] = exp(-0.5 * z * z) / (l->width[pid[i]] * sqrt(2 * 3.14159265358979323846));
    }
    return 0;
}

int main(void)
{
    enum { N = 1000 };
    static double a[N], b[N], temp[N], centre[N], width[N];
    static sq_result r[N];

    /* 1. Planck's x^3 / (e^(x/T) - 1) on [0, inf) for 1000 temperatures. */
    for (size_t i = 0; i < N; i++) {
        a[i] = 0;
        b[i] = INFINITY;
        temp[i] = 0.5 + 0.01 * (double)i;
    }
    sq_integrand planck = sq_fn_family("planck", NULL);
    sq_batch batch = {.n = N, .a = a, .b = b, .params = temp, .nparams = 1};
    sq_status s1 = sq_integrate_batch(NULL, &planck, &batch, NULL, r);
    double worst = 0;
    for (size_t i = 0; i < N; i++) {
        double pi = 3.14159265358979323846, t = temp[i];
        double exact = pi * pi * pi * pi * t * t * t * t / 15;
        worst = fmax(worst, fabs(r[i].value - exact) / exact);
    }

    /* 2. The fraction of 1000 Gaussian lines inside the band [-1, 1] (of
     * each line's unit area: the error is absolute). */
    for (size_t i = 0; i < N; i++) {
        a[i] = -1;
        b[i] = 1;
        centre[i] = -2 + 0.004 * (double)i;
        width[i] = 0.05 + 0.0005 * (double)i;
    }
    lines l = {centre, width};
    sq_integrand profile = sq_fn_param(line_profile, &l);
    sq_batch band = {.n = N, .a = a, .b = b};
    sq_status s2 = sq_integrate_batch(NULL, &profile, &band, NULL, r);
    for (size_t i = 0; i < N; i++) {
        double s = width[i] * sqrt(2.0);
        double exact = 0.5 * (erf((1 - centre[i]) / s) - erf((-1 - centre[i]) / s));
        worst = fmax(worst, fabs(r[i].value - exact));
    }

    int ok = s1 == SQ_OK && s2 == SQ_OK && worst <= 1e-9;
    printf("%s: 2 x %d integrals, worst error %.1e\n",
           ok ? "ok" : "FAILED", N, worst);
    return ok ? 0 : 1;
}
