/* SPDX-License-Identifier: MIT */
/*
 * A workspace reused in a loop: one integral per time step of a
 * simulation, each depending on the last result. The workspace keeps the
 * frontier's buffers from call to call, so after the first call the loop
 * allocates nothing; sq_workspace_bytes says how much it holds.
 */
#include <math.h>
#include <simdquad.h>
#include <stdio.h>

/* The integrand of one step: exp(-s x^2) cos(x), s from the last step. */
static int step_integrand(size_t n, const double *x, double *y, void *ctx)
{
    const double *s = ctx;
    for (size_t i = 0; i < n; i++)
        y[i] = exp(-*s * x[i] * x[i]) * cos(x[i]);
    return 0;
}

int main(void)
{
    sq_workspace *ws = sq_workspace_new();
    if (ws == NULL)
        return 1;
    double s = 1, pi = 3.14159265358979323846;
    sq_integrand f = sq_fn_batch(step_integrand, &s);
    sq_options o;
    sq_options_init(&o);
    o.epsrel = 1e-12;
    size_t held = 0, evals = 0;
    int bad = 0;
    for (int step = 0; step < 10000; step++) {
        sq_result r;
        sq_integrate_ws(ws, &f, -INFINITY, INFINITY, &o, &r);
        double exact = sqrt(pi / s) * exp(-1 / (4 * s));
        bad += r.status != SQ_OK || !(fabs(r.value - exact) <= r.error);
        evals += r.evals;
        if (step == 0)
            held = sq_workspace_bytes(ws);
        /* The next step's width follows the last integral. */
        s = 0.5 + 0.5 * r.value;
    }
    size_t after = sq_workspace_bytes(ws);
    sq_workspace_free(ws);
    printf("%s: 10000 steps, %zu evaluations, workspace %zu bytes after the first "
           "call and %zu after the last\n", bad ? "wrong" : "ok", evals, held, after);
    return bad ? 1 : 0;
}
