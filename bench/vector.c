/* SPDX-License-Identifier: MIT */
/*
 * simdquad-bench vector: K moments x^k exp(-x^2) cos(3x), k < K, on [0, 10]
 * at epsrel 1e-10 on one thread, integrated four ways in one run:
 *
 *   vector     sq_integrate_vec with sq_vfn_moments: one subdivision, f
 *              once per node, a multiplication per component;
 *   separate   K calls of sq_integrate, each with the expression
 *              "x^k*exp(-x*x)*cos(3*x)";
 *   cubature   cubature's hcubature_v in one dimension (its 15-point Gauss-Kronrod
 *              rule, as hquadrature), fdim = K (its vectorized
 *              interface, ERROR_INDIVIDUAL: every component its own
 *              tolerance, as simdquad's default), when the library is there;
 *
 * each with its time (median of repeats, alternating), its points of f and
 * the worst component error against a reference computed in long double
 * (composite 20-point Gauss-Legendre on 4000 panels). SciPy's quad_vec is
 * measured by bench/vector.py.
 *
 *   simdquad-bench vector [--repeats N] [--epsrel E]
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "simdquad.h"
#include "vector_bench.h"

#ifdef SQ_BENCH_HAVE_CUBATURE
#include <cubature.h>
#endif

enum { KMAX = 64, PANELS = 4000, GL = 20 };

static const double LO = 0.0, HI = 10.0;

/* ---- reference values ---------------------------------------------------- */

/* Gauss-Legendre nodes and weights on [-1, 1] in long double (Newton on
 * the Legendre recurrence). */
static void gauss_legendre(int n, long double *x, long double *w)
{
    const long double pi = 3.141592653589793238462643383279502884L;
    for (int i = 0; i < n; i++) {
        long double z = cosl(pi * (i + 0.75L) / (n + 0.5L)), pp = 0;
        for (int it = 0; it < 100; it++) {
            long double p0 = 1, p1 = z;
            for (int k = 2; k <= n; k++) {
                long double p2 = ((2 * k - 1) * z * p1 - (k - 1) * p0) / k;
                p0 = p1;
                p1 = p2;
            }
            pp = n * (z * p1 - p0) / (z * z - 1);
            long double dz = p1 / pp;
            z -= dz;
            if (fabsl(dz) < 1e-19L)
                break;
        }
        x[i] = z;
        w[i] = 2 / ((1 - z * z) * pp * pp);
    }
}

static void reference(size_t K, double *ref)
{
    long double gx[GL], gw[GL], acc[KMAX] = {0};
    gauss_legendre(GL, gx, gw);
    long double h = (long double)(HI - LO) / PANELS;
    for (int p = 0; p < PANELS; p++) {
        long double c = LO + (p + 0.5L) * h;
        for (int i = 0; i < GL; i++) {
            long double x = c + 0.5L * h * gx[i];
            long double f = 0.5L * h * gw[i] * expl(-x * x) * cosl(3 * x), v = f;
            for (size_t k = 0; k < K; k++) {
                acc[k] += v;
                v *= x;
            }
        }
    }
    for (size_t k = 0; k < K; k++)
        ref[k] = (double)acc[k];
}

/* ---- the four ways ------------------------------------------------------- */

typedef struct job {
    size_t K;
    double epsrel;
    sq_workspace *ws;
    sq_vec_integrand vec;
    sq_integrand sep[KMAX];
    sq_expr *expr[KMAX];
    double v[KMAX], e[KMAX];
    size_t evals;
    int ok;
} job;

static void run_vector(void *ctx)
{
    job *j = ctx;
    sq_options o;
    sq_options_init(&o);
    o.epsrel = j->epsrel;
    o.threads = 1;
    sq_result r;
    j->ok = sq_integrate_vec(j->ws, &j->vec, LO, HI, &o, j->v, j->e, &r) == SQ_OK;
    j->evals = r.evals;
}

static void run_separate(void *ctx)
{
    job *j = ctx;
    sq_options o;
    sq_options_init(&o);
    o.epsrel = j->epsrel;
    o.threads = 1;
    j->evals = 0;
    j->ok = 1;
    for (size_t k = 0; k < j->K; k++) {
        sq_result r;
        j->ok &= sq_integrate_ws(j->ws, &j->sep[k], LO, HI, &o, &r) == SQ_OK;
        j->v[k] = r.value;
        j->e[k] = r.error;
        j->evals += r.evals;
    }
}

#ifdef SQ_BENCH_HAVE_CUBATURE
typedef struct cub_ctx {
    size_t points;
} cub_ctx;

static int cub_moments(unsigned ndim, size_t npts, const double *x, void *fdata,
                       unsigned fdim, double *fval)
{
    (void)ndim;
    cub_ctx *c = fdata;
    c->points += npts;
    for (size_t i = 0; i < npts; i++) {
        double xi = x[i], v = exp(-xi * xi) * cos(3 * xi);
        for (unsigned k = 0; k < fdim; k++) {
            fval[i * fdim + k] = v;
            v *= xi;
        }
    }
    return 0;
}

static void run_cubature(void *ctx)
{
    job *j = ctx;
    cub_ctx c = {0};
    double xmin = LO, xmax = HI;
    j->ok = hcubature_v((unsigned)j->K, cub_moments, &c, 1, &xmin, &xmax, 0, 0,
                          j->epsrel, ERROR_INDIVIDUAL, j->v, j->e) == 0;
    j->evals = c.points;
}
#endif

/* The worst relative error of a job's values, and whether every one is
 * within its reported error. */
static double worst(const job *j, const double *ref, int *honest)
{
    double w = 0;
    *honest = 1;
    for (size_t k = 0; k < j->K; k++) {
        double d = fabs(j->v[k] - ref[k]);
        double r = d / fabs(ref[k]);
        w = r > w ? r : w;
        if (d > j->e[k] + 4 * DBL_EPSILON * fabs(ref[k]))
            *honest = 0;
    }
    return w;
}

int bench_vector(int argc, char **argv)
{
    int repeats = 9;
    double epsrel = 1e-10;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--repeats") == 0 && i + 1 < argc)
            repeats = atoi(argv[++i]);
        else if (strcmp(argv[i], "--epsrel") == 0 && i + 1 < argc)
            epsrel = atof(argv[++i]);
        else {
            fprintf(stderr, "usage: simdquad-bench vector [--repeats N] [--epsrel E]\n");
            return 2;
        }
    }
    bench_header(stdout, "K integrands on one subdivision", 1);
    printf("K moments x^k exp(-x^2) cos(3x) on [0, 10], epsrel %g, one thread; "
           "time per call (median of %d, each side alternating with the "
           "vector call), points of f, worst relative error of a component "
           "(against long double Gauss-Legendre); honest: every true error "
           "within its estimate.\n\n", epsrel, repeats);
    printf("| K | vector us | points | worst | separate us | points | worst | "
           "separate/vector |");
#ifdef SQ_BENCH_HAVE_CUBATURE
    printf(" cubature us | points | worst | cubature/vector |");
#endif
    printf("\n|---|---|---|---|---|---|---|---|");
#ifdef SQ_BENCH_HAVE_CUBATURE
    printf("---|---|---|---|");
#endif
    printf("\n");
    sq_integrand base = sq_fn_kernel("gauss_cos");
    static const size_t Ks[] = {1, 4, 16, 64};
    int all_honest = 1;
    for (size_t q = 0; q < sizeof Ks / sizeof Ks[0]; q++) {
        size_t K = Ks[q];
        double ref[KMAX];
        reference(K, ref);
        static job jv, js, jc;
        memset(&jv, 0, sizeof jv);
        jv.K = K;
        jv.epsrel = epsrel;
        jv.ws = sq_workspace_new();
        jv.vec = sq_vfn_moments(&base, K);
        memset(&js, 0, sizeof js);
        js.K = K;
        js.epsrel = epsrel;
        js.ws = jv.ws;
        for (size_t k = 0; k < K; k++) {
            char text[64];
            snprintf(text, sizeof text, "x^%zu*exp(-x*x)*cos(3*x)", k);
            js.expr[k] = sq_expr_compile(text, NULL);
            js.sep[k] = sq_fn_expr(js.expr[k], NULL);
        }
        bench_stat tv, ts;
        double rs = bench_ratio(run_vector, &jv, run_separate, &js, repeats, &tv, &ts);
        int hv, hs;
        double wv = worst(&jv, ref, &hv), ws_ = worst(&js, ref, &hs);
        all_honest &= hv && hs && jv.ok && js.ok;
        printf("| %zu | %.1f | %zu | %.1e%s | %.1f | %zu | %.1e%s | %.2fx |", K,
               tv.median * 1e6, jv.evals, wv, hv && jv.ok ? "" : " (!)",
               ts.median * 1e6, js.evals, ws_, hs && js.ok ? "" : " (!)", rs);
#ifdef SQ_BENCH_HAVE_CUBATURE
        memset(&jc, 0, sizeof jc);
        jc.K = K;
        jc.epsrel = epsrel;
        bench_stat tv2, tc;
        double rc = bench_ratio(run_vector, &jv, run_cubature, &jc, repeats, &tv2, &tc);
        int hc;
        double wc = worst(&jc, ref, &hc);
        printf(" %.1f | %zu | %.1e%s | %.2fx |", tc.median * 1e6, jc.evals, wc,
               hc && jc.ok ? "" : " (!)", rc);
#else
        (void)jc;
#endif
        printf("\n");
        for (size_t k = 0; k < K; k++)
            sq_expr_free(js.expr[k]);
        sq_workspace_free(jv.ws);
    }
    printf("\n(!): a component's true error above its estimate, or a status "
           "other than ok.%s\n",
           all_honest ? "" : " simdquad was not honest in this run.");
    return 0;
}
