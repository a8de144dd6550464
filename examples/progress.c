/* SPDX-License-Identifier: MIT */
/*
 * A progress bar with cancel: a batch of 200,000 integrals reports the
 * fraction finished about every 10 ms (always from the calling thread);
 * returning nonzero cancels, and the problems not yet finished come back
 * SQ_CANCELLED with their best estimates (NaN +- inf for one that had not
 * started). Here the callback draws a bar on stderr and cancels once half
 * the batch is done.
 */
#include <math.h>
#include <simdquad.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct bar {
    double stop_at;      /* cancel at this fraction */
    int calls;
} bar;

static int draw(double fraction, void *ctx)
{
    bar *b = ctx;
    b->calls++;
    int width = 40, filled = (int)(fraction * width);
    fprintf(stderr, "\r[%.*s%*s] %5.1f%%", filled,
            "########################################", width - filled, "",
            100 * fraction);
    if (fraction >= 1 || fraction >= b->stop_at)
        fputc('\n', stderr);
    return fraction >= b->stop_at;       /* nonzero: cancel */
}

int main(void)
{
    enum { N = 200000 };
    double *a = calloc(N, sizeof *a), *b = malloc(N * sizeof *b);
    double *p = malloc(2 * N * sizeof *p);
    sq_result *r = malloc(N * sizeof *r);
    if (!a || !b || !p || !r)
        return 1;
    for (size_t i = 0; i < N; i++) {
        b[i] = 1;
        p[2 * i] = 5 + 45 * (double)(i % 1000) / 1000;   /* genz_oscillatory */
        p[2 * i + 1] = (double)(i % 7) / 7;
    }
    sq_integrand f = sq_fn_family("genz_oscillatory", NULL);
    sq_batch batch = {.n = N, .a = a, .b = b, .params = p, .nparams = 2};
    bar state = {0.5, 0};
    sq_options o;
    sq_options_init(&o);
    o.epsrel = 1e-10;
    o.progress = draw;
    o.progress_ctx = &state;
    sq_integrate_batch(NULL, &f, &batch, &o, r);
    size_t ok = 0, cancelled = 0, wrong = 0;
    for (size_t i = 0; i < N; i++) {
        double u = p[2 * i + 1], k = p[2 * i], pi = 3.14159265358979323846;
        double exact = (sin(2 * pi * u + k) - sin(2 * pi * u)) / k;
        ok += r[i].status == SQ_OK;
        cancelled += r[i].status == SQ_CANCELLED;
        /* Finished or not, the estimate comes with an honest error. */
        int unstarted = isnan(r[i].value) && isinf(r[i].error);
        wrong += !unstarted && !(fabs(r[i].value - exact) <= r[i].error);
    }
    printf("%s: %zu ok, %zu cancelled, %d progress calls\n",
           cancelled > 0 && ok > 0 && wrong == 0 ? "ok" : "unexpected", ok, cancelled,
           state.calls);
    free(a);
    free(b);
    free(p);
    free(r);
    return cancelled > 0 && ok > 0 && wrong == 0 ? 0 : 1;
}
