/* SPDX-License-Identifier: MIT */
/*
 * simdquad demo: what simdquad does, on built-in integrals, in a few
 * seconds: the classic adaptive Simpson, the default rule on singular and
 * infinite ranges, a hard integral with its engine efficiency and thread
 * speed-up, SIMD against scalar, a batch of 10^5 integrals, and the
 * math backends side by side.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Median-free quick timing for the demo: the best of a few runs. */
typedef void (*job_fn)(void *ctx);

static double best_time(job_fn fn, void *ctx, int runs)
{
    double best = INFINITY;
    for (int r = 0; r < runs; r++) {
        double t = cli_now();
        fn(ctx);
        t = cli_now() - t;
        if (t < best)
            best = t;
    }
    return best;
}

/* ---- demo --------------------------------------------------------------------- */

typedef struct integral_job {
    sq_integrand f;
    double a, b;
    sq_options opt;
    sq_workspace *ws;
    sq_result r;
} integral_job;

static void run_integral(void *ctx)
{
    integral_job *j = ctx;
    sq_integrate_ws(j->ws, &j->f, j->a, j->b, &j->opt, &j->r);
}

typedef struct kernel_job {
    int kernel;
    sq_isa isa;      /* SQ_ISA_COUNT: the libm twin */
    sq_math math;
    size_t evals;
    double *x, *y;
    size_t n;
} kernel_job;

static void run_kernel(void *ctx)
{
    const kernel_job *k = ctx;
    for (size_t done = 0; done < k->evals; done += k->n) {
        if (k->isa == SQ_ISA_COUNT)
            sq_kernel_eval_twin(k->kernel, k->n, k->x, k->y);
        else
            sq_kernel_eval_math(k->kernel, k->isa, k->math, k->n, k->x, k->y);
    }
}

static int demo_classic(void)
{
    const double pi = 3.14159265358979323846;
    sq_integrand f = sq_fn_kernel("sin");
    sq_options o;
    sq_options_init(&o);
    o.rule = SQ_RULE_SIMPSON;
    o.epsabs = 1e-10;
    o.epsrel = 0;
    sq_result r;
    sq_integrate(&f, 0, pi, &o, &r);
    printf("1. The classic: integral of sin(x) over [0, pi], adaptive Simpson, "
           "absolute tolerance 1e-10\n");
    printf("   value %.17g (exact 2, error %.1e, estimated %.1e)\n", r.value,
           fabs(r.value - 2), r.error);
    printf("   %zu evaluations in %u rounds: the recursive algorithm's points, "
           "evaluated level by level\n\n", r.evals, r.rounds);
    return r.status == SQ_OK;
}

/* QUADPACK's reach: an endpoint singularity, an infinite range and a
 * kink given as a breakpoint, with the default rule. */
static int demo_default(void)
{
    const double pi = 3.14159265358979323846;
    const double kink[] = {1};
    struct {
        const char *what;
        const char *text;
        double a, b, exact;
        const double *points;
        size_t npoints;
    } cases[] = {
        {"log(x)/sqrt(x) on [0, 1] (singular at 0)", "log(x)/sqrt(x)", 0, 1, -4,
         NULL, 0},
        {"exp(-x^2)*cos(3x) on (-inf, inf)", "exp(-x^2)*cos(3*x)", -INFINITY,
         INFINITY, sqrt(pi) * exp(-2.25), NULL, 0},
        {"1/(1+x^2) on [0, inf)", "1/(1+x^2)", 0, INFINITY, pi / 2, NULL, 0},
        {"a kink at 1 on [0, 3], breakpoint 1", "where(x < 1, x, 2 - x/2)", 0, 3,
         2.5, kink, 1},
    };
    printf("2. The default rule, Gauss-Kronrod 10/21 with global error control "
           "and extrapolation, on integrands written as expressions (epsrel "
           "1e-12)\n\n");
    printf("   %-44s %22s %9s %9s %6s %s\n", "integral", "value", "true err",
           "estimate", "evals", "status");
    int ok = 1;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        sq_options o;
        sq_options_init(&o);
        o.epsrel = 1e-12;
        o.points = cases[i].points;
        o.npoints = cases[i].npoints;
        sq_result r;
        sq_expr *e = sq_expr_compile(cases[i].text, NULL);
        sq_integrand f = sq_fn_expr(e, NULL);
        sq_integrate(&f, cases[i].a, cases[i].b, &o, &r);
        sq_expr_free(e);
        double err = fabs(r.value - cases[i].exact);
        printf("   %-44s %22.17g %9.1e %9.1e %6zu %s\n", cases[i].what, r.value,
               err, r.error, r.evals, sq_status_name(r.status));
        ok &= r.status == SQ_OK && err <= r.error + 4e-16 * fabs(cases[i].exact);
    }
    printf("\n");
    return ok;
}

static int demo_hard(void)
{
    integral_job j = {.f = sq_fn_kernel("cos"), .a = 0, .b = 3000};
    sq_options_init(&j.opt);
    j.opt.rule = SQ_RULE_SIMPSON;
    j.opt.epsabs = 1e-12;
    j.opt.epsrel = 0;
    /* Its widest rounds exceed the default interval budget, which is sized
     * for Gauss-Kronrod's; Simpson's intervals take 72 bytes, a tenth. */
    j.opt.max_intervals = 1000000;
    j.ws = sq_workspace_new();
    int threads = sq_default_threads();
    j.opt.threads = 1;
    double t1 = best_time(run_integral, &j, 3);
    j.opt.threads = threads;
    double tn = best_time(run_integral, &j, 3);
    sq_workspace_free(j.ws);

    enum { N = 4096 };
    static double x[N], y[N];
    for (int i = 0; i < N; i++)
        x[i] = 3000.0 * (i + 0.5) / N;
    kernel_job k = {sq_kernel_find("cos"), SQ_ISA_AUTO, SQ_MATH_AUTO, j.r.evals, x, y, N};
    double raw = best_time(run_kernel, &k, 3);

    printf("3. A hard one: integral of cos(x) over [0, 3000], absolute "
           "tolerance 1e-12\n");
    printf("   value %.17g (exact %.17g)\n", j.r.value, sin(3000.0));
    printf("   %zu evaluations, %u rounds, %s\n", j.r.evals, j.r.rounds,
           sq_status_name(j.r.status));
    printf("   1 thread: %.1f ms; %d threads: %.1f ms (%.2fx)\n", t1 * 1e3,
           threads, tn * 1e3, t1 / tn);
    printf("   engine efficiency (raw %s kernel time / integration time, one "
           "thread): %.2f\n\n", sq_isa_name(sq_isa_resolve(SQ_ISA_AUTO)),
           raw / t1);
    return j.r.status == SQ_OK && fabs(j.r.value - sin(3000.0)) <= 1e-6;
}

static void demo_simd_table(void)
{
    enum { N = 4096, EVALS = 1 << 23 };
    static double x[N], y[N];
    for (int i = 0; i < N; i++)
        x[i] = -6 + 12.0 * (i + 0.5) / N;
    int k = sq_kernel_find("gauss");
    printf("4. SIMD versus scalar: exp(-x*x) on one thread, arrays of %d\n\n", N);
    printf("   %-22s %12s %8s\n", "evaluated by", "Mevals/s", "ratio");
    kernel_job j = {k, SQ_ISA_COUNT, SQ_MATH_AUTO, EVALS, x, y, N};
    double base = EVALS / best_time(run_kernel, &j, 3);
    printf("   %-22s %12.0f %7.1fx\n", "libm (scalar twin)", base / 1e6, 1.0);
    for (int isa = SQ_ISA_SCALAR; isa < SQ_ISA_COUNT; isa++) {
        if (!sq_isa_supported((sq_isa)isa))
            continue;
        j.isa = (sq_isa)isa;
        double rate = EVALS / best_time(run_kernel, &j, 3);
        char label[32];
        snprintf(label, sizeof label, "simdquad %s", sq_isa_name((sq_isa)isa));
        printf("   %-22s %12.0f %7.1fx\n", label, rate / 1e6, rate / base);
    }
    printf("\n");
}

/* Many integrals at once: a batch of Genz Gaussians, checked against
 * their closed form. */
static int demo_batch(void)
{
    enum { N = 100000 };
    double *a = malloc(N * sizeof *a), *b = malloc(N * sizeof *b);
    double *p = malloc(2 * N * sizeof *p);
    sq_result *r = malloc(N * sizeof *r);
    int ok = a != NULL && b != NULL && p != NULL && r != NULL;
    if (ok) {
        for (size_t i = 0; i < N; i++) {
            a[i] = 0;
            b[i] = 1;
            p[2 * i] = 2 + 10.0 * (double)(i % 1000) / 1000;   /* width */
            p[2 * i + 1] = (double)(i / 1000) / 100;           /* centre */
        }
        sq_integrand g = sq_fn_family("genz_gaussian", NULL);
        sq_batch bt = {.n = N, .a = a, .b = b, .params = p, .nparams = 2};
        sq_options o;
        sq_options_init(&o);
        double t = cli_now();
        sq_status s = sq_integrate_batch(NULL, &g, &bt, &o, r);
        t = cli_now() - t;
        double worst = 0;
        size_t evals = 0;
        for (size_t i = 0; i < N; i++) {
            double k = p[2 * i], u = p[2 * i + 1];
            double exact = sqrt(3.14159265358979323846) / (2 * k)
                           * (erf(k * (1 - u)) + erf(k * u));
            worst = fmax(worst, fabs(r[i].value - exact) / exact);
            evals += r[i].evals;
        }
        printf("5. Many integrals at once: %d Genz Gaussians exp(-a^2 (x-u)^2) "
               "on [0, 1], one call\n", N);
        printf("   %s, %.0f ms (%.2g integrals/s), %.0f evaluations each, worst "
               "relative error %.1e\n\n", sq_status_name(s), t * 1e3, N / t,
               (double)evals / N, worst);
        ok = s == SQ_OK && worst <= 1e-9;
    }
    free(a);
    free(b);
    free(p);
    free(r);
    return ok;
}

/* The math backends: each one's speed on exp(-x*x)*cos(3x) and the
 * integral it gives, which must agree within the error estimates. */
static int demo_math(void)
{
    enum { N = 4096, EVALS = 1 << 22 };
    static double x[N], y[N];
    for (int i = 0; i < N; i++)
        x[i] = -6 + 12.0 * (i + 0.5) / N;
    int k = sq_kernel_find("gauss_cos");
    sq_isa isa = sq_isa_resolve(SQ_ISA_AUTO);
    printf("6. Math backends: exp(-x*x)*cos(3x), one thread, %s, and its integral "
           "over (-inf, inf) (exact sqrt(pi) e^(-9/4))\n\n", sq_isa_name(isa));
    printf("   %-15s %8s %6s %9s %22s %9s\n", "backend", "Mevals/s", "ratio",
           "ulp bound", "integral", "estimate");
    double base = 0;
    int ok = 1;
    const double exact = 0.18681526145713168;
    for (int m = SQ_MATH_SLEEF_U10; m < SQ_MATH_COUNT; m++) {
        if (!sq_math_supported((sq_math)m, isa))
            continue;
        kernel_job j = {k, isa, (sq_math)m, EVALS, x, y, N};
        double rate = EVALS / best_time(run_kernel, &j, 3);
        if (base == 0)
            base = rate;
        integral_job q = {.f = sq_fn_kernel("gauss_cos"), .a = -INFINITY,
                          .b = INFINITY};
        sq_options_init(&q.opt);
        q.opt.math = (sq_math)m;
        q.opt.epsrel = 1e-12;
        run_integral(&q);
        printf("   %-15s %8.0f %5.1fx %9.1f %22.17g %9.1e\n",
               sq_math_name((sq_math)m), rate / 1e6, rate / base,
               sq_math_ulp_bound((sq_math)m), q.r.value, q.r.error);
        ok &= q.r.status == SQ_OK && fabs(q.r.value - exact) <= q.r.error;
    }
    printf("\n");
    return ok;
}

int cmd_demo(int argc, char **argv)
{
    (void)argv;
    if (argc > 0) {
        fprintf(stderr, "simdquad demo: takes no arguments\n");
        return EXIT_USAGE;
    }
    printf("simdquad %s: adaptive quadrature as array arithmetic "
           "(kernels: %s, %d threads)\n\n", sq_version(),
           sq_isa_name(sq_isa_resolve(SQ_ISA_AUTO)), sq_default_threads());
    if (fflush(stdout) != 0)     /* a closed or full stdout: stop at once */
        return cli_finish("demo", EXIT_ALL_OK);
    int ok = demo_classic();
    ok &= demo_default();
    ok &= demo_hard();
    demo_simd_table();
    ok &= demo_batch();
    ok &= demo_math();
    /* A full or closed stdout is an error, not a silent success. */
    return cli_finish("demo", ok ? EXIT_ALL_OK : EXIT_NOT_OK);
}
