/* SPDX-License-Identifier: MIT */
/*
 * An expensive integrand: each evaluation stands for a simulation that takes
 * 5 ms (here it sleeps, then returns sin x). 64 workers evaluate points
 * concurrently, speculating on the points the next levels may need; no
 * point is evaluated twice and the result is the same bits as one worker
 * would give.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <simdquad.h>
#include <stdio.h>
#include <time.h>

static int simulation(double x, double *y, void *ctx)
{
    const double *seconds = ctx;
    struct timespec t = {0, (long)(*seconds * 1e9)};
    nanosleep(&t, NULL);     /* the expensive part */
    *y = sin(x);
    return 0;                /* nonzero would stop the integral */
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int main(void)
{
    double cost = 0.005;
    sq_integrand f = sq_fn_point(simulation, &cost);
    sq_options o;
    sq_options_init(&o);
    o.rule = SQ_RULE_SIMPSON;    /* the classic experiment */
    o.epsabs = 1e-10;
    o.epsrel = 0;
    o.workers = 64;              /* more workers than cores: they mostly wait */
    sq_result r;
    double t = now();
    sq_status s = sq_integrate(&f, 0, 3.14159265358979323846, &o, &r);
    t = now() - t;
    printf("%s: %.17g, %zu evaluations (%zu speculative unused) in %.1f "
           "evaluation-times\n", sq_status_name(s), r.value, r.evals, r.wasted,
           t / cost);
    return s == SQ_OK && fabs(r.value - 2) < 1e-9 ? 0 : 1;
}
