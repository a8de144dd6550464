/* SPDX-License-Identifier: MIT */
/*
 * Many integrals at once: the six Genz families in one dimension, random
 * parameters from a fixed seed, integrated by simdquad's batch interface
 * and by what a C user writes today: gsl_integration_qags in a loop, on
 * one thread and in an OpenMP parallel for with a workspace per thread.
 * GSL gets the families' scalar twins (libm). Two settings: with the kink
 * or jump of the continuous and discontinuous families given (qagp for
 * GSL; simdquad takes it from the family itself), and without, as most
 * users meet such integrands: then both must find it. Without breakpoints
 * simdquad runs the families three ways: the built-in kernels, the same
 * formulas as expressions, and a parametric C callback over the twins.
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
    int breakpoints;       /* qagp at the kink or jump */
} gsl_run;

static void gsl_one(const set *s, int k, size_t i, gsl_integration_workspace *w,
                    double epsabs, double epsrel, int breakpoints, double *value,
                    size_t *evals, int *ok)
{
    gsl_point g = {s->fam[k], s->p[k] + 2 * i, 0};
    gsl_function f = {gsl_twin, &g};
    double err;
    int st;
    int bp = sq_family_breakpoint((size_t)s->fam[k]);
    double u = s->p[k][2 * i + 1];
    if (breakpoints && bp >= 0 && u > 0 && u < 1) {
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
                gsl_one(s, k, i, w, r->epsabs, r->epsrel, r->breakpoints,
                        &r->o->value[base[k] + i], &e, &ok);
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

/* How simdquad gets the families. */
enum sq_way { WAY_FAMILY, WAY_EXPR, WAY_CALLBACK };

typedef struct sq_run_ctx {
    const set *s;
    outcome *o;
    double epsabs, epsrel;
    int threads;
    sq_workspace *ws;
    sq_result *res;
    enum sq_way way;
    int breakpoints;       /* the families' own (built-in families only) */
    sq_expr *expr[NFAM];
} sq_run_ctx;

/* The families' formulas in the expression language (p0 = a, p1 = u). */
static const char *const formulas[NFAM] = {
    "cos(2*pi*p1 + p0*x)", "1/(p0^-2 + (x - p1)^2)", "(1 + p0*x)^-2",
    "exp(-(p0*p0)*((x - p1)*(x - p1)))", "exp(-(p0*abs(x - p1)))",
    "where(x > p1, 0, exp(p0*x))",
};

/* A parametric callback as a C user writes it: a loop over the points,
 * each with its problem's parameters, through the families' libm twins. */
typedef struct callback_ctx {
    int fam;
    const double *p;
} callback_ctx;

static int genz_callback(size_t n, const double *x, const size_t *pid, double *y,
                         void *ctx)
{
    const callback_ctx *c = ctx;
    for (size_t i = 0; i < n; i++)
        y[i] = sq_family_twin(c->fam, x[i], c->p + 2 * pid[i]);
    return 0;
}

static void run_simdquad(void *ctx)
{
    sq_run_ctx *r = ctx;
    const set *s = r->s;
    sq_options o;
    sq_options_init(&o);
    o.epsabs = r->epsabs;
    o.epsrel = r->epsrel;
    o.threads = r->threads;
    o.family_points = r->breakpoints;
    size_t off = 0, evals = 0, bad = 0;
    for (int k = 0; k < NFAM; k++) {
        callback_ctx cb = {s->fam[k], s->p[k]};
        sq_integrand f = r->way == WAY_EXPR       ? sq_fn_expr(r->expr[k], NULL)
                         : r->way == WAY_CALLBACK ? sq_fn_param(genz_callback, &cb)
                                                  : sq_fn_family(families[k], NULL);
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
    printf("%s | %d | %.3f | %.0f | %.1f | %zu | %zu | %.1e | %.1e | %.2fx |\n",
           what, threads, seconds, (double)s->total / seconds,
           (double)o->evals / (double)s->total, o->not_ok, o->outside, o->worst,
           o->median, base / seconds);
}

/* The rows of the table, in order. */
enum { NGSL = 4, NSQ = 8, NROW = NGSL + NSQ };

void bench_genz_batch(size_t total, int threads, int repeats)
{
    const double epsrel = 1e-10, epsabs = 1e-14;
    set s;
    if (make_set(&s, total) != 0) {
        printf("out of memory\n");
        free_set(&s);
        return;
    }
    outcome out[NROW] = {{0}};
    sq_result *res = malloc(s.total * sizeof *res);
    int fail = res == NULL;
    for (int i = 0; i < NROW; i++) {
        out[i].value = malloc(s.total * sizeof(double));
        fail |= out[i].value == NULL;
    }
    sq_workspace *ws = sq_workspace_new();
    sq_expr *expr[NFAM];
    for (int k = 0; k < NFAM; k++) {
        sq_expr_error err;
        expr[k] = sq_expr_compile(formulas[k], &err);
        fail |= expr[k] == NULL;
    }
    if (fail || ws == NULL) {
        printf("out of memory\n");
        return;
    }
    gsl_set_error_handler_off();

    printf("## Many integrals at once: %zu Genz problems\n\n", s.total);
    printf("The six Genz families in one dimension on [0, 1], %zu problems each, "
           "difficulty a uniform in [2, 12] and location u in [0, 1] (fixed "
           "seed); epsrel %g, epsabs %g (an oscillatory integral can nearly "
           "vanish). GSL: gsl_integration_qags on the families' libm twins, in "
           "a loop and in an OpenMP parallel for with a workspace per thread; "
           "with breakpoints, qagp at u for the continuous and discontinuous "
           "families. simdquad: sq_integrate_batch, one call per family (GK21, "
           "global control), through the families' %s kernels (which give "
           "their breakpoint unless told not to), the same formulas as "
           "expressions, or a parametric callback over the twins. Times are "
           "medians of %d runs; errors are relative to the exact integral "
           "(closed forms in long double); \"outside\" counts results farther "
           "from it than the tolerance; speeds are against the GSL loop of "
           "the same setting on one thread.\n\n",
           s.n[0], epsrel, epsabs, sq_isa_name(sq_isa_resolve(SQ_ISA_AUTO)),
           repeats);
    printf("| breakpoints | method | threads | seconds | integrals/s | "
           "evaluations per integral | not OK | outside | worst rel. error | "
           "median rel. error | speed vs GSL loop |\n"
           "|---|---|---|---|---|---|---|---|---|---|---|\n");

    gsl_run g[NGSL];
    sq_run_ctx q[NSQ];
    bench_stat t[NROW];
    for (int i = 0; i < NGSL; i++) {
        g[i] = (gsl_run){&s, &out[i], epsabs, epsrel, i % 2 ? threads : 1, i < 2};
        t[i] = bench_time(run_gsl, &g[i], repeats);
    }
    static const enum sq_way ways[NSQ / 2] = {WAY_FAMILY, WAY_FAMILY, WAY_EXPR,
                                              WAY_CALLBACK};
    for (int i = 0; i < NSQ; i++) {
        q[i] = (sq_run_ctx){&s, &out[NGSL + i], epsabs, epsrel,
                            i % 2 ? threads : 1, ws, res, ways[i / 2], i < 2,
                            {NULL}};
        memcpy(q[i].expr, expr, sizeof expr);
        t[NGSL + i] = bench_time(run_simdquad, &q[i], repeats);
    }
    static const char *const names[NSQ / 2] = {
        "simdquad batch, family", "simdquad batch, family",
        "simdquad batch, expression", "simdquad batch, parametric callback"};
    for (int i = 0; i < NROW; i++) {
        judge(&s, &out[i], epsabs, epsrel);
        int bp = i < NGSL ? i < 2 : i < NGSL + 2;
        const char *what = i < NGSL ? (i % 2 ? "GSL qags, OpenMP parallel for"
                                             : "GSL qags loop")
                                    : names[(i - NGSL) / 2];
        printf("| %s | ", bp ? "given" : "none");
        line(what, i < NGSL ? g[i].threads : q[i - NGSL].threads, t[i].median, &s,
             &out[i], t[bp ? 0 : 2].median);
    }
    printf("\nOn %d threads, against the GSL OpenMP loop of the same setting: "
           "with breakpoints, families %.2fx; without, families %.2fx, "
           "expressions %.2fx, the parametric callback %.2fx. ", threads,
           t[1].median / t[NGSL + 1].median, t[3].median / t[NGSL + 3].median,
           t[3].median / t[NGSL + 5].median, t[3].median / t[NGSL + 7].median);

    /* Engine efficiency: the kernels alone on as many points. */
    raw_ctx raw = {&s, {0}};
    size_t off = 0;
    run_simdquad(&q[0]);
    for (int k = 0; k < NFAM; k++) {
        for (size_t i = 0; i < s.n[k]; i++)
            raw.evals[k] += res[off + i].evals;
        off += s.n[k];
    }
    double eff = bench_ratio(run_simdquad, &q[0], run_raw, &raw, repeats, NULL, NULL);
    printf("Engine efficiency of the batch with breakpoints, one thread (time "
           "of the raw family kernels for the same %zu evaluations / time of "
           "the batch): %.2f.\n\n", out[NGSL].evals, eff);

    for (int i = 0; i < NROW; i++)
        free(out[i].value);
    for (int k = 0; k < NFAM; k++)
        sq_expr_free(expr[k]);
    free(res);
    sq_workspace_free(ws);
    free_set(&s);
}
