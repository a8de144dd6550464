/* SPDX-License-Identifier: MIT */
/*
 * simdquad-bench peers: the accuracy battery side by side with GSL's QUADPACK
 * (qags, qagp with breakpoints, qagi/qagiu/qagil on infinite ranges), in
 * one run. Per problem: evaluations, time and true error of each, and the
 * speed-up of simdquad on one thread with two integrands: the same scalar
 * function GSL gets (wrapped in a batch loop), and the same text compiled
 * for four doubles with SLEEF (tests/battery_fns.h). Then medians.
 *
 *   simdquad-bench peers [all|battery|heavy|batch|honesty] [--epsrel E]
 *                        [--repeats N] [--threads N] [--problems N]
 *                        [--draws N]
 *
 * batch: many Genz integrals at once against GSL loops (bench/genz_batch.c).
 * honesty: false successes of GSL's qags and of simdquad's default on the
 * randomised Lyness-Kaganove families of tests/lk.c (not part of "all").
 *
 * Timing: each side runs the integral often enough to take about a
 * millisecond; GSL and simdquad alternate, and the speed-up is the median
 * of the per-pair ratios (machines are shared and noisy).
 */
#include <float.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_version.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "battery.h"
#include "battery_simd.h"
#include "bench_util.h"
#include "genz_batch.h"
#include "adversary.h"
#include "lk.h"
#include "peers.h"
#include "simdquad.h"

enum { GSL_LIMIT = 100000 };

static int repeats = 7;

/* ---- GSL ------------------------------------------------------------------ */

typedef struct gsl_job {
    const battery_problem *p;
    double epsrel;
    gsl_integration_workspace *w;
    size_t reps;
    size_t evals;
    int status;
    double value, error;
} gsl_job;

static double gsl_f(double x, void *ctx)
{
    const battery_problem *p = ctx;
    return p->f(x);
}

static size_t counted;

static double gsl_f_counted(double x, void *ctx)
{
    counted++;
    return gsl_f(x, ctx);
}

static int gsl_once(gsl_job *j, gsl_function *f)
{
    const battery_problem *p = j->p;
    double pts[64];
    if (p->npoints > 0 && p->npoints + 2 <= sizeof pts / sizeof *pts) {
        pts[0] = p->a;
        memcpy(pts + 1, p->points, p->npoints * sizeof *pts);
        pts[p->npoints + 1] = p->b;
        return gsl_integration_qagp(f, pts, p->npoints + 2, 0, j->epsrel,
                                    GSL_LIMIT, j->w, &j->value, &j->error);
    }
    if (isinf(p->a) && isinf(p->b))
        return gsl_integration_qagi(f, 0, j->epsrel, GSL_LIMIT, j->w, &j->value,
                                    &j->error);
    if (isinf(p->b))
        return gsl_integration_qagiu(f, p->a, 0, j->epsrel, GSL_LIMIT, j->w,
                                     &j->value, &j->error);
    if (isinf(p->a))
        return gsl_integration_qagil(f, p->b, 0, j->epsrel, GSL_LIMIT, j->w,
                                     &j->value, &j->error);
    return gsl_integration_qags(f, p->a, p->b, 0, j->epsrel, GSL_LIMIT, j->w,
                                &j->value, &j->error);
}

static void run_gsl(void *ctx)
{
    gsl_job *j = ctx;
    gsl_function f = {gsl_f, (void *)j->p};
    for (size_t r = 0; r < j->reps; r++)
        j->status = gsl_once(j, &f);
}

/* QUADPACK's non-adaptive rule (qng: 21, 43 then 87 points), the cheapest
 * call GSL has, for the fixed cost of a call. */
static void run_gsl_qng(void *ctx)
{
    gsl_job *j = ctx;
    gsl_function f = {gsl_f, (void *)j->p};
    size_t neval;
    for (size_t r = 0; r < j->reps; r++)
        j->status = gsl_integration_qng(&f, j->p->a, j->p->b, 0, j->epsrel,
                                        &j->value, &j->error, &neval);
    j->evals = neval;
}

/* ---- simdquad -------------------------------------------------------------- */

typedef struct sq_job {
    const battery_problem *p;
    double epsrel;
    int simd;
    const sq_expr *expr;     /* the integrand as an expression, or NULL */
    int threads;
    sq_workspace *ws;
    size_t reps;
    sq_result r;
} sq_job;

static void run_sq(void *ctx)
{
    sq_job *j = ctx;
    const battery_problem *p = j->p;
    sq_integrand f = j->expr != NULL ? sq_fn_expr(j->expr, NULL)
                     : sq_fn_batch(j->simd ? battery_simd_batch : battery_batch,
                                   (void *)p);
    sq_options o;
    sq_options_init(&o);
    o.epsabs = 0;
    o.epsrel = j->epsrel;
    o.points = p->points;
    o.npoints = p->npoints;
    o.threads = j->threads;
    for (size_t r = 0; r < j->reps; r++)
        sq_integrate_ws(j->ws, &f, p->a, p->b, &o, &j->r);
}

/* ---- the fixed cost of a call --------------------------------------------------- */

/*
 * exp on [0, 1] (one interval: 21 points and the two end probes) in a loop
 * of calls: the cost of a call beyond its evaluations. simdquad with a
 * reused workspace, without one (each call makes and frees its own), and
 * with the integrand as an expression; GSL's qags and qng on the same
 * scalar function.
 */
static void call_cost(double epsrel, gsl_integration_workspace *w, sq_workspace *ws)
{
    const battery_problem *p = NULL;
    for (size_t i = 0; i < battery_count && p == NULL; i++)
        if (battery[i].fn == BATTERY_FN_gg01)
            p = &battery[i];
    sq_expr_error err;
    sq_expr *e = p != NULL ? sq_expr_compile(battery_expr[p->fn], &err) : NULL;
    if (e == NULL)
        return;
    enum { REPS = 2000 };
    gsl_job g = {.p = p, .epsrel = epsrel, .w = w, .reps = REPS};
    sq_job with = {.p = p, .epsrel = epsrel, .threads = 1, .ws = ws, .reps = REPS};
    sq_job without = with, expr = with;
    without.ws = NULL;
    expr.expr = e;
    struct {
        const char *name;
        void (*fn)(void *);
        void *ctx;
    } calls[] = {
        {"simdquad, a workspace reused", run_sq, &with},
        {"simdquad, no workspace", run_sq, &without},
        {"simdquad, the expression, a workspace reused", run_sq, &expr},
        {"GSL qng", run_gsl_qng, &g},
    };
    printf("### The fixed cost of a call\n\n");
    printf("%s on [%g, %g] at epsrel %g in a loop of %d calls, one thread; "
           "median of %d alternating pairs with GSL's qags.\n\n"
           "| call | evaluations | us per call | x qags's time |\n|---|---|---|---|\n",
           p->name, p->a, p->b, epsrel, REPS, repeats);
    gsl_job once = g;
    gsl_function fc = {gsl_f_counted, (void *)p};
    counted = 0;
    gsl_once(&once, &fc);
    bench_stat gs;
    for (size_t i = 0; i < sizeof calls / sizeof *calls; i++) {
        bench_stat cs;
        double ratio = bench_ratio(run_gsl, &g, calls[i].fn, calls[i].ctx, repeats,
                                   &gs, &cs);
        size_t evals = calls[i].fn == run_gsl_qng ? g.evals : with.r.evals;
        printf("| %s | %zu | %.3f | %.2f |\n", calls[i].name, evals,
               cs.median / REPS * 1e6, ratio);
    }
    printf("| GSL qags | %zu | %.3f | 1.00 |\n\n", counted, gs.median / REPS * 1e6);
    sq_expr_free(e);
}

/* ---- one problem ------------------------------------------------------------ */

typedef struct row {
    size_t gsl_evals, sq_evals;
    double gsl_us, speedup_scalar, speedup_simd, speedup_threads, speedup_expr;
    int gsl_ok, sq_ok;
} row;

/* Within the tolerance and within the reported error (up to the rounding
 * of the exact value). */
static int correct(const battery_problem *p, double value, double error,
                   double epsrel)
{
    double true_err = fabs(value - p->exact);
    double slack = 2 * DBL_EPSILON * fabs(p->exact);
    return true_err <= fmax(error, slack)
           && true_err <= fmax(epsrel * fabs(p->exact), slack);
}

static const char *gsl_status_name(int s)
{
    switch (s) {
    case GSL_SUCCESS: return "ok";
    case GSL_EMAXITER: return "maxiter";
    case GSL_EROUND: return "roundoff";
    case GSL_ESING: return "singular";
    case GSL_EDIVERGE: return "divergent";
    default: return "error";
    }
}

static row measure(const battery_problem *p, double epsrel, int threads,
                   gsl_integration_workspace *w, sq_workspace *ws, int simd)
{
    row out;
    memset(&out, 0, sizeof out);
    gsl_job g = {.p = p, .epsrel = epsrel, .w = w, .reps = 1};
    gsl_function fc = {gsl_f_counted, (void *)p};
    counted = 0;
    g.status = gsl_once(&g, &fc);
    out.gsl_evals = counted;
    out.gsl_ok = g.status == GSL_SUCCESS && correct(p, g.value, g.error, epsrel);

    sq_job s = {.p = p, .epsrel = epsrel, .threads = 1, .ws = ws, .reps = 1};
    run_sq(&s);
    out.sq_evals = s.r.evals;
    out.sq_ok = s.r.status == SQ_OK && correct(p, s.r.value, s.r.error, epsrel);

    /* About a millisecond per timed call on the GSL side. */
    double t0 = bench_now();
    size_t calib = 0;
    do {
        run_gsl(&g);
        calib++;
    } while (bench_now() - t0 < 2e-3);
    double per = (bench_now() - t0) / (double)calib;
    size_t reps = (size_t)(1e-3 / per) + 1;
    g.reps = s.reps = reps;

    bench_stat gs;
    out.speedup_scalar = bench_ratio(run_sq, &s, run_gsl, &g, repeats, NULL, &gs);
    out.gsl_us = gs.median / (double)reps * 1e6;
    /* The same integrand compiled from its text: the expression machine at
     * the CPU's widest ISA with the default math backend. A result that
     * misses the tolerance counts as wrong like the callback's. */
    sq_expr_error err;
    sq_expr *e = sq_expr_compile(battery_expr[p->fn], &err);
    out.speedup_expr = NAN;
    if (e != NULL) {
        sq_job x = s;
        x.expr = e;
        x.reps = 1;
        run_sq(&x);
        out.sq_ok &= x.r.status == SQ_OK && correct(p, x.r.value, x.r.error, epsrel);
        x.reps = reps;
        out.speedup_expr = bench_ratio(run_sq, &x, run_gsl, &g, repeats, NULL, NULL);
        sq_expr_free(e);
    }
    out.speedup_simd = NAN;
    if (simd) {
        sq_job v = s;
        v.simd = 1;
        out.speedup_simd = bench_ratio(run_sq, &v, run_gsl, &g, repeats, NULL, NULL);
        if (threads > 1) {
            sq_job t = v;
            t.threads = threads;
            out.speedup_threads = bench_ratio(run_sq, &t, run_gsl, &g, repeats,
                                              NULL, NULL);
        }
    }

    printf("| %s | %zu | %zu | %.2f | %.2f | %s%s | %s%s | %.2fx | ", p->name,
           out.gsl_evals, out.sq_evals,
           (double)out.sq_evals / (double)out.gsl_evals, out.gsl_us,
           gsl_status_name(g.status), out.gsl_ok ? "" : " **wrong**",
           sq_status_name(s.r.status), out.sq_ok ? "" : " **wrong**",
           out.speedup_scalar);
    if (simd)
        printf("%.2fx |", out.speedup_simd);
    else
        printf("- |");
    printf(" %.2fx |", out.speedup_expr);
    if (threads > 1)
        printf(simd ? " %.2fx |" : " - |", out.speedup_threads);
    printf(" %.1e | %.1e |\n", fabs(g.value - p->exact), fabs(s.r.value - p->exact));
    return out;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
    if (n == 0)
        return NAN;
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static void table_head(int threads)
{
    printf("| problem | GSL evals | simdquad evals | evals ratio | GSL us "
           "| GSL | simdquad | speed-up, scalar f | speed-up, SLEEF f "
           "| speed-up, expression |");
    if (threads > 1)
        printf(" speed-up, SLEEF f, %d threads |", threads);
    printf(" GSL true error | simdquad true error |\n|---|---|---|---|---|---|---|---|---|---|");
    if (threads > 1)
        printf("---|");
    printf("---|---|\n");
}

static void summary(const char *what, row *rows, size_t n, int simd)
{
    double *ev = malloc(n * sizeof *ev), *sc = malloc(n * sizeof *sc),
           *sv = malloc(n * sizeof *sv), *se = malloc(n * sizeof *se);
    if (ev == NULL || sc == NULL || sv == NULL || se == NULL) {
        free(ev);
        free(sc);
        free(sv);
        free(se);
        return;
    }
    size_t gsl_bad = 0, sq_bad = 0;
    for (size_t i = 0; i < n; i++) {
        ev[i] = (double)rows[i].sq_evals / (double)rows[i].gsl_evals;
        sc[i] = rows[i].speedup_scalar;
        sv[i] = rows[i].speedup_simd;
        se[i] = rows[i].speedup_expr;
        gsl_bad += !rows[i].gsl_ok;
        sq_bad += !rows[i].sq_ok;
    }
    printf("%s (%zu problems): median evaluations simdquad/GSL %.2f; median "
           "speed-up %.2fx with the scalar integrand",
           what, n, median(ev, n), median(sc, n));
    if (simd)
        printf(", %.2fx with the SLEEF integrand", median(sv, n));
    printf(", %.2fx with the expression", median(se, n));
    printf("; not OK or wrong: GSL %zu, simdquad %zu.\n\n", gsl_bad, sq_bad);
    free(ev);
    free(sc);
    free(sv);
    free(se);
}

static void usage(void)
{
    fprintf(stderr, "usage: simdquad-bench peers [all|battery|heavy|batch|honesty] "
                    "[--epsrel E] [--repeats N] [--threads N] [--problems N] "
                    "[--draws N]\n");
}

/* ---- error honesty ----------------------------------------------------------- */

typedef struct lk_point {
    lk_family f;
    double lam, alpha, delta;
} lk_point;

static double lk_gsl_f(double x, void *ctx)
{
    const lk_point *p = ctx;
    return lk_value(p->f, x, p->lam, p->alpha, p->delta);
}

typedef struct adv_point {
    adv_class c;
    adv_draw d;
} adv_point;

static double adv_gsl_f(double x, void *ctx)
{
    const adv_point *p = ctx;
    return adv_value(p->c, &p->d, x);
}

/* The adversarial classes: the same draws through qags (qagp at the
 * breakpoint where the draw has one) and simdquad's default. */
static void adversarial(size_t draws, gsl_integration_workspace *w)
{
    printf("## Error honesty: adversarial classes\n\n"
           "%zu draws of each class (tests/adversary.c, seed 1), each at its own "
           "absolute tolerance, epsrel 0; GSL %s qags (qagp given the breakpoint, "
           "qagi and qagiu on infinite ranges) "
           "against simdquad's default, one integral at a time. Each cell: false "
           "successes / successes.\n\n"
           "| class | integrand | GSL | simdquad |\n|---|---|---|---|\n",
           draws, GSL_VERSION);
    for (int c = 0; c < ADV_CLASS_COUNT; c++) {
        adv_point pt;
        pt.c = (adv_class)c;
        gsl_function F = {adv_gsl_f, &pt};
        size_t ok = 0, bad = 0;
        for (size_t i = 0; i < draws; i++) {
            pt.d = adv_draw_of(pt.c, 1, i);
            double v, e, pts[3] = {pt.d.a, pt.d.point, pt.d.b};
            int st;
            if (isinf(pt.d.a) && isinf(pt.d.b))
                st = gsl_integration_qagi(&F, pt.d.epsabs, 0, GSL_LIMIT, w, &v, &e);
            else if (isinf(pt.d.b))
                st = gsl_integration_qagiu(&F, pt.d.a, pt.d.epsabs, 0, GSL_LIMIT, w,
                                           &v, &e);
            else if (isnan(pt.d.point))
                st = gsl_integration_qags(&F, pt.d.a, pt.d.b, pt.d.epsabs, 0,
                                          GSL_LIMIT, w, &v, &e);
            else
                st = gsl_integration_qagp(&F, pts, 3, pt.d.epsabs, 0, GSL_LIMIT, w,
                                          &v, &e);
            if (st != 0)
                continue;
            ok++;
            bad += (size_t)adv_false(v, e, adv_exact(pt.c, &pt.d), pt.d.epsabs);
        }
        sq_options o;
        sq_options_init(&o);
        size_t sok = 0, sbad = 0;
        adv_run(pt.c, 1, draws, &o, &sok, &sbad);
        printf("| %s | `%s` | %zu / %zu | %zu / %zu |\n", adv_name(pt.c),
               adv_formula(pt.c), bad, ok, sbad, sok);
        fflush(stdout);
    }
    printf("\n");
}

/* The same draws through qags and through simdquad's default. */
static int honesty(size_t draws, gsl_integration_workspace *w)
{
    static const double tols[] = {1e-3, 1e-6, 1e-9, 1e-12};
    double *lam = malloc(draws * sizeof *lam), *alpha = malloc(draws * sizeof *alpha);
    if (lam == NULL || alpha == NULL) {
        free(lam);
        free(alpha);
        return -1;
    }
    printf("## Error honesty: randomised Lyness-Kaganove families\n\n"
           "%zu draws of each family on [0, 1] (tests/lk.c, seed 1); GSL %s "
           "qags (workspace limit %d) against simdquad's default (GK21, global "
           "control, batch of all draws). Each cell: false successes / "
           "successes, where a false success is status OK with a true error "
           "above the reported error or the tolerance.\n\n"
           "| family | epsrel | GSL qags | simdquad |\n|---|---|---|---|\n",
           draws, GSL_VERSION, GSL_LIMIT);
    for (int f = 0; f < LK_FAMILY_COUNT; f++)
        for (size_t t = 0; t < 4; t++) {
            lk_point pt = {(lk_family)f, 0, 0, 0};
            lk_draw(pt.f, draws, 1, lam, alpha, &pt.delta);
            size_t ok = 0, bad = 0;
            gsl_function F = {lk_gsl_f, &pt};
            for (size_t i = 0; i < draws; i++) {
                pt.lam = lam[i];
                pt.alpha = alpha[i];
                double v, e;
                if (gsl_integration_qags(&F, 0, 1, 0, tols[t], GSL_LIMIT, w, &v, &e) != 0)
                    continue;
                ok++;
                bad += (size_t)lk_false(v, e, lk_exact(pt.f, pt.lam, pt.alpha, pt.delta),
                                        tols[t]);
            }
            lk_stats s;
            if (lk_run(pt.f, &lk_configs[0], tols[t], draws, 1, &s) != 0)
                return -1;
            printf("| %s | %g | %zu / %zu | %zu / %zu |\n", lk_name(pt.f), tols[t],
                   bad, ok, s.false_success, s.ok);
            fflush(stdout);
        }
    printf("\n");
    free(lam);
    free(alpha);
    adversarial(draws, w);
    return 0;
}

int bench_peers(int argc, char **argv)
{
    double epsrel = 1e-10;
    int threads = 0;
    size_t problems = 100000, draws = 10000;
    const char *mode = "all";
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--epsrel") == 0 && i + 1 < argc) {
            epsrel = atof(argv[++i]);
        } else if (strcmp(argv[i], "--repeats") == 0 && i + 1 < argc) {
            repeats = atoi(argv[++i]);
        } else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
            threads = atoi(argv[++i]);
        } else if (strcmp(argv[i], "--problems") == 0 && i + 1 < argc) {
            problems = (size_t)atof(argv[++i]);
        } else if (strcmp(argv[i], "--draws") == 0 && i + 1 < argc) {
            draws = (size_t)atof(argv[++i]);
        } else if (argv[i][0] != '-') {
            mode = argv[i];
        } else {
            usage();
            return 2;
        }
    }
    int all = strcmp(mode, "all") == 0;
    int battery_on = all || strcmp(mode, "battery") == 0;
    int heavy_on = all || battery_on || strcmp(mode, "heavy") == 0;
    int batch_on = all || strcmp(mode, "batch") == 0;
    int honesty_on = strcmp(mode, "honesty") == 0;
    if (!(epsrel > 0) || repeats < 1 || threads < 0 || problems < 6 || draws < 1
        || !(battery_on || heavy_on || batch_on || honesty_on)) {
        usage();
        return 2;
    }
    if (threads == 0)
        threads = omp_get_max_threads();
    gsl_set_error_handler_off();
    gsl_integration_workspace *w = gsl_integration_workspace_alloc(GSL_LIMIT);
    sq_workspace *ws = sq_workspace_new();
    row *rows = malloc((battery_count + battery_heavy_count) * sizeof *rows);
    if (w == NULL || ws == NULL || rows == NULL) {
        fprintf(stderr, "simdquad-bench peers: out of memory\n");
        return 1;
    }
    int simd = battery_simd_available();

    bench_header(stdout, "simdquad against GSL's QUADPACK", threads);
    if (honesty_on && honesty(draws, w) != 0) {
        fprintf(stderr, "simdquad-bench peers: out of memory\n");
        return 1;
    }
    if (batch_on)
        bench_genz_batch(problems, threads, repeats < 3 ? repeats : 3);
    if (!heavy_on)
        goto done;
    printf("## Single integrals\n\n");
    printf("GSL %s: qags, qagp with the problem's breakpoints, qagi/qagiu/qagil "
           "on infinite ranges, workspace limit %d. simdquad: default rule "
           "(Gauss-Kronrod 10/21, global control), one thread, a reused "
           "workspace. epsrel %g, epsabs 0. Speed-up = GSL time / simdquad time, "
           "median of %d alternating pairs. The scalar integrand is the "
           "function GSL gets, called in a loop; the SLEEF one is the same "
           "text on four doubles (AVX2, u10 functions)%s; the expression is "
           "the same function as simdquad text (tests/battery_expr.c), run by "
           "the expression machine at the CPU's widest ISA with the default "
           "math backend. Traps (features no "
           "sampling sees) are left out; their breakpoint variants are in.\n\n",
           GSL_VERSION, GSL_LIMIT, epsrel, repeats,
           simd ? "" : ", not run: this CPU has no AVX2");

    size_t n = 0;
    if (battery_on)
        call_cost(epsrel, w, ws);
    if (battery_on) {
        printf("### The battery\n\n");
        table_head(1);
        for (size_t i = 0; i < battery_count; i++) {
            if (battery[i].flags & BATTERY_TRAP)
                continue;
            rows[n++] = measure(&battery[i], epsrel, 1, w, ws, simd);
        }
        printf("\n");
        summary("Battery", rows, n, simd);
    }
    printf("### Larger jobs\n\n");
    table_head(threads);
    row *heavy = rows + n;
    for (size_t i = 0; i < battery_heavy_count; i++)
        heavy[i] = measure(&battery_heavy[i], epsrel, threads, w, ws, simd);
    printf("\n");
    summary("Larger jobs", heavy, battery_heavy_count, simd);

    /* Problems needing 10^4 evaluations or more (by GSL's count). */
    size_t m = 0;
    for (size_t i = 0; i < n + battery_heavy_count; i++)
        if (rows[i].gsl_evals >= 10000)
            rows[m++] = rows[i];
    summary("Problems where GSL needs >= 10^4 evaluations", rows, m, simd);

done:
    free(rows);
    sq_workspace_free(ws);
    gsl_integration_workspace_free(w);
    return 0;
}
