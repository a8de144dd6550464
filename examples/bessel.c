/* SPDX-License-Identifier: MIT */
/* The README example: Bessel's integral for J_2(1). */
#define _DEFAULT_SOURCE   /* M_PI */
#include <math.h>
#include <simdquad.h>
#include <stdio.h>

/* A batch integrand: fill y[i] = f(x[i]) for i < n. Called with large
 * chunks, possibly from several threads at once. */
static int bessel_like(size_t n, const double *x, double *y, void *ctx)
{
    const double *nu = ctx;
    for (size_t i = 0; i < n; i++)
        y[i] = cos(*nu * x[i] - sin(x[i])) / M_PI;
    return 0;   /* nonzero stops the integral with SQ_CALLBACK_ABORT */
}

int main(void)
{
    double nu = 2;
    sq_integrand f = sq_fn_batch(bessel_like, &nu);   /* J_2(1) */

    sq_options opt;
    sq_options_init(&opt);     /* the defaults, then change what you need */
    opt.epsabs = 1e-13;
    opt.epsrel = 0;

    sq_result r;
    sq_status s = sq_integrate(&f, 0, M_PI, &opt, &r);
    printf("%s: %.17g +- %.2g, %zu evaluations in %u rounds\n",
           sq_status_name(s), r.value, r.error, r.evals, r.rounds);
    return s == SQ_OK ? 0 : 1;
}
