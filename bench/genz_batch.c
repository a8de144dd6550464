/* SPDX-License-Identifier: MIT */
/*
 * Many integrals at once: the six Genz families in one dimension, random
 * parameters from a fixed seed, integrated by simdquad's batch interface
 * and by what a C user writes today: gsl_integration_qags in a loop, on
 * one thread and in an OpenMP parallel for with a workspace per thread.
 * GSL gets the families' scalar twins (libm) and, for the continuous and
 * discontinuous families, their kink or jump as a qagp breakpoint, which
 * simdquad takes from the family itself.
 */
#include "genz_batch.h"

#include <float.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "simdquad.h"

enum { NFAM = 6, GSL_LIMIT = 1000 };

static const char *const families[NFAM] = {
    "genz_oscillatory", "genz_product_peak", "genz_corner_peak",
    "genz_gaussian", "genz_continuous", "genz_discontinuous",
};

typedef struct set {
    size_t n[NFAM], total;
    double *a[NFAM], *b[NFAM], *p[NFAM], *exact[NFAM];
    int fam[NFAM];
} set;

static double lcg(unsigned long long *s)
{
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(*s >> 11) * 0x1p-53;
}

/* The integral over [0, 1], in long double from closed forms. */
static double exact_of(int k, double a, double u)
{
    long double A = a, U = u;
    switch (k) {
    case 0:
        return (double)((sinl(2 * 3.14159265358979323846264338327950288L * U + A)
                         - sinl(2 * 3.14159265358979323846264338327950288L * U))
                        / A);
    case 1:
        return (double)(A * (atanl(A * (1 - U)) + atanl(A * U)));
    case 2:
        return (double)((1 - 1 / (1 + A)) / A);
    case 3:
        return (double)(sqrtl(3.14159265358979323846264338327950288L) / (2 * A)
                        * (erfl(A * (1 - U)) + erfl(A * U)));
    case 4:
        return (double)((2 - expl(-A * U) - expl(-A * (1 - U))) / A);
    default:
        return (double)((expl(A * U) - 1) / A);
    }
}

static int make_set(set *s, size_t total)
{
    memset(s, 0, sizeof *s);
    unsigned long long seed = 20261121;
    for (int k = 0; k < NFAM; k++) {
        size_t n = total / NFAM + ((size_t)k < total % NFAM);
        s->n[k] = n;
        s->total += n;
        s->fam[k] = sq_family_find(families[k]);
        s->a[k] = malloc(n * sizeof(double));
        s->b[k] = malloc(n * sizeof(double));
        s->p[k] = malloc(2 * n * sizeof(double));
        s->exact[k] = malloc(n * sizeof(double));
        if (!s->a[k] || !s->b[k] || !s->p[k] || !s->exact[k] || s->fam[k] < 0)
            return -1;
        for (size_t i = 0; i < n; i++) {
            s->a[k][i] = 0;
            s->b[k][i] = 1;
            s->p[k][2 * i] = 2 + 10 * lcg(&seed);     /* difficulty */
            s->p[k][2 * i + 1] = lcg(&seed);          /* location */
            s->exact[k][i] = exact_of(k, s->p[k][2 * i], s->p[k][2 * i + 1]);
        }
    }
    return 0;
}

static void free_set(set *s)
{
    for (int k = 0; k < NFAM; k++) {
        free(s->a[k]);
        free(s->b[k]);
        free(s->p[k]);
        free(s->exact[k]);
    }
}

/* ---- accuracy of one method ------------------------------------------------------- */

typedef struct outcome {
    double *value, *error;
    size_t evals, not_ok, outside;
    double worst, median;        /* relative errors */
} outcome;

static int cmp_double(const void *p, const void *q)
{
    double x = *(const double *)p, y = *(const double *)q;
    return (x > y) - (x < y);
}

static void judge(const set *s, outcome *o, double epsabs, double epsrel)
{
    double *rel = malloc(s->total * sizeof *rel);
    size_t m = 0, off = 0;
    o->outside = 0;
    o->worst = 0;
    for (int k = 0; k < NFAM; k++) {
        for (size_t i = 0; i < s->n[k]; i++, off++) {
            double e = s->exact[k][i], v = o->value[off];
            double err = fabs(v - e);
            double tol = fmax(epsabs, epsrel * fabs(e));
            o->outside += !(err <= fmax(tol, 4 * DBL_EPSILON * fabs(e)));
            double r = err / fmax(fabs(e), epsabs / epsrel);
            o->worst = r > o->worst || isnan(r) ? r : o->worst;
            if (rel != NULL)
                rel[m++] = r;
        }
    }
    if (rel != NULL) {
        qsort(rel, m, sizeof *rel, cmp_double);
        o->median = m ? rel[m / 2] : 0;
        free(rel);
    }
}

/* ---- GSL ---------------------------------------------------------------------- */

typedef struct gsl_point {
    int fam;
    const double *p;
    size_t evals;
} gsl_point;

static double gsl_twin(double x, void *ctx)
{
    gsl_point *g = ctx;
    g->evals++;
    return sq_family_twin(g->fam, x, g->p);
}

typedef struct gsl_run {
    const set *s;
    outcome *o;
    double epsabs, epsrel;
    int threads;
} gsl_run;

static void gsl_one(const set *s, int k, size_t i, gsl_integration_workspace *w,
                    double epsabs, double epsrel, double *value, size_t *evals,
                    int *ok)
{
    gsl_point g = {s->fam[k], s->p[k] + 2 * i, 0};
    gsl_function f = {gsl_twin, &g};
    double err;
    int st;
    int bp = sq_family_breakpoint((size_t)s->fam[k]);
    double u = s->p[k][2 * i + 1];
    if (bp >= 0 && u > 0 && u < 1) {
        double pts[3] = {0, u, 1};
        st = gsl_integration_qagp(&f, pts, 3, epsabs, epsrel, GSL_LIMIT, w,
                                  value, &err);
    } else {
        st = gsl_integration_qags(&f, 0, 1, epsabs, epsrel, GSL_LIMIT, w, value,
                                  &err);
    }
    *evals = g.evals;
    *ok = st == GSL_SUCCESS;
}

static void run_gsl(void *ctx)
{
    gsl_run *r = ctx;
    const set *s = r->s;
    size_t evals = 0, bad = 0;
    size_t base[NFAM + 1] = {0};
    for (int k = 0; k < NFAM; k++)
        base[k + 1] = base[k] + s->n[k];
#pragma omp parallel num_threads(r->threads) reduction(+ : evals, bad)
    {
        gsl_integration_workspace *w = gsl_integration_workspace_alloc(GSL_LIMIT);
        for (int k = 0; k < NFAM; k++) {
#pragma omp for schedule(dynamic, 64)
            for (size_t i = 0; i < s->n[k]; i++) {
                size_t e;
                int ok;
                gsl_one(s, k, i, w, r->epsabs, r->epsrel, &r->o->value[base[k] + i],
                        &e, &ok);
                evals += e;
                bad += !ok;
            }
        }
        gsl_integration_workspace_free(w);
    }
    r->o->evals = evals;
    r->o->not_ok = bad;
}

/* ---- simdquad ------------------------------------------------------------------ */

typedef struct sq_run_ctx {
    const set *s;
    outcome *o;
    double epsabs, epsrel;
    int threads;
    sq_workspace *ws;
    sq_result *res;
} sq_run_ctx;

static void run_simdquad(void *ctx)
{
    sq_run_ctx *r = ctx;
    const set *s = r->s;
    sq_options o;
    sq_options_init(&o);
    o.epsabs = r->epsabs;
    o.epsrel = r->epsrel;
    o.threads = r->threads;
    size_t off = 0, evals = 0, bad = 0;
    for (int k = 0; k < NFAM; k++) {
        sq_integrand f = sq_fn_family(families[k], NULL);
        sq_batch b = {.n = s->n[k], .a = s->a[k], .b = s->b[k],
                      .params = s->p[k], .nparams = 2};
        sq_integrate_batch(r->ws, &f, &b, &o, r->res + off);
        for (size_t i = 0; i < s->n[k]; i++) {
            r->o->value[off + i] = r->res[off + i].value;
            evals += r->res[off + i].evals;
            bad += r->res[off + i].status != SQ_OK;
        }
        off += s->n[k];
    }
    r->o->evals = evals;
    r->o->not_ok = bad;
}

/* The families' kernels alone, on as many points as the batch evaluated:
 * arrays of 4096 in cache, each point with its problem's parameters. */
typedef struct raw_ctx {
    const set *s;
    size_t evals[NFAM];
} raw_ctx;

static void run_raw(void *ctx)
{
    raw_ctx *r = ctx;
    enum { N = 4096 };
    static double x[N], y[N], p[2 * N];
    for (int k = 0; k < NFAM; k++) {
        const set *s = r->s;
        for (size_t i = 0; i < N; i++) {
            x[i] = (i + 0.5) / N;
            size_t q = i % s->n[k];
            p[2 * i] = s->p[k][2 * q];
            p[2 * i + 1] = s->p[k][2 * q + 1];
        }
        for (size_t done = 0; done < r->evals[k]; done += N)
            sq_family_eval(s->fam[k], SQ_ISA_AUTO, N, x, p, 2, y);
    }
}

/* ---- the report ------------------------------------------------------------------ */

static void line(const char *what, int threads, double seconds, const set *s,
                 const outcome *o, double base)
{
    printf("| %s | %d | %.3f | %.0f | %.1f | %zu | %zu | %.1e | %.1e | %.2fx |\n",
           what, threads, seconds, (double)s->total / seconds,
           (double)o->evals / (double)s->total, o->not_ok, o->outside, o->worst,
           o->median, base / seconds);
}

void bench_genz_batch(size_t total, int threads, int repeats)
{
    const double epsrel = 1e-10, epsabs = 1e-14;
    set s;
    if (make_set(&s, total) != 0) {
        printf("out of memory\n");
        free_set(&s);
        return;
    }
    outcome og1 = {0}, ogn = {0}, os1 = {0}, osn = {0};
    outcome *all[4] = {&og1, &ogn, &os1, &osn};
    sq_result *res = malloc(s.total * sizeof *res);
    int fail = res == NULL;
    for (int i = 0; i < 4; i++) {
        all[i]->value = malloc(s.total * sizeof(double));
        fail |= all[i]->value == NULL;
    }
    sq_workspace *ws = sq_workspace_new();
    if (fail || ws == NULL) {
        printf("out of memory\n");
        return;
    }
    gsl_set_error_handler_off();

    gsl_run g1 = {&s, &og1, epsabs, epsrel, 1}, gn = {&s, &ogn, epsabs, epsrel, threads};
    sq_run_ctx s1 = {&s, &os1, epsabs, epsrel, 1, ws, res};
    sq_run_ctx sn = {&s, &osn, epsabs, epsrel, threads, ws, res};

    printf("## Many integrals at once: %zu Genz problems\n\n", s.total);
    printf("The six Genz families in one dimension on [0, 1], %zu problems each, "
           "difficulty a uniform in [2, 12] and location u in [0, 1] (fixed "
           "seed); epsrel %g, epsabs %g (an oscillatory integral can nearly "
           "vanish). GSL: gsl_integration_qags (qagp at u for the continuous "
           "and discontinuous families) on the families' libm twins, in a loop "
           "and in an OpenMP parallel for with a workspace per thread. "
           "simdquad: sq_integrate_batch, one call per family (GK21, global "
           "control), the families' %s kernels. Times are medians of %d runs; "
           "errors are relative to the exact integral (closed forms in long "
           "double); \"outside\" counts results farther from it than the "
           "tolerance.\n\n",
           s.n[0], epsrel, epsabs, sq_isa_name(sq_isa_resolve(SQ_ISA_AUTO)),
           repeats);
    printf("| method | threads | seconds | integrals/s | evaluations per "
           "integral | not OK | outside | worst rel. error | median rel. error "
           "| speed vs GSL loop |\n|---|---|---|---|---|---|---|---|---|---|\n");

    bench_stat tg1 = bench_time(run_gsl, &g1, repeats);
    bench_stat tgn = bench_time(run_gsl, &gn, repeats);
    bench_stat ts1 = bench_time(run_simdquad, &s1, repeats);
    bench_stat tsn = bench_time(run_simdquad, &sn, repeats);
    for (int i = 0; i < 4; i++)
        judge(&s, all[i], epsabs, epsrel);
    line("GSL qags loop", 1, tg1.median, &s, &og1, tg1.median);
    line("GSL qags, OpenMP parallel for", threads, tgn.median, &s, &ogn, tg1.median);
    line("simdquad batch", 1, ts1.median, &s, &os1, tg1.median);
    line("simdquad batch", threads, tsn.median, &s, &osn, tg1.median);
    printf("\nsimdquad against the GSL OpenMP loop on %d threads: %.2fx. ",
           threads, tgn.median / tsn.median);

    /* Engine efficiency: the kernels alone on as many points. */
    raw_ctx raw = {&s, {0}};
    size_t off = 0;
    run_simdquad(&s1);
    for (int k = 0; k < NFAM; k++) {
        for (size_t i = 0; i < s.n[k]; i++)
            raw.evals[k] += res[off + i].evals;
        off += s.n[k];
    }
    double eff = bench_ratio(run_simdquad, &s1, run_raw, &raw, repeats, NULL, NULL);
    printf("Engine efficiency of the batch, one thread (time of the raw "
           "family kernels for the same %zu evaluations / time of the "
           "batch): %.2f.\n\n", os1.evals, eff);

    for (int i = 0; i < 4; i++)
        free(all[i]->value);
    free(res);
    sq_workspace_free(ws);
    free_set(&s);
}
