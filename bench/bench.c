/* SPDX-License-Identifier: MIT */
/*
 * simdquad-bench: what SIMD and cores buy, measured side by side in one run.
 *
 *   simdquad-bench [kernels|math|functions|engine|batch|all] [--repeats N]
 *                  [--threads N] [--problems N] [--json FILE] [--plot DIR]
 *                  [--pin]
 *   simdquad-bench peers [all|battery|heavy|batch] [...]   (with GSL)
 *
 * kernels:   every built-in kernel through its libm twin, SLEEF's scalar
 *            code and each SIMD ISA this CPU runs; the kernel layer against
 *            bare SLEEF; a sweep of array sizes (L1 to main memory) and of
 *            thread counts; what deterministic mode costs.
 * math:      each math backend (SLEEF u10, u35, libmvec, deterministic) on
 *            sin, cos, exp, log and exp(-x*x)*cos(3x): the library called
 *            directly against simdquad's kernel, and the worst ulp error
 *            against MPFR over the same inputs.
 * functions: every function of the expression language: libm, SLEEF scalar
 *            and SIMD at 1.0 ulp and, where SLEEF has it, 3.5 ulp, and the
 *            expression machine running "f(x)".
 * engine:    efficiency (raw kernel time for the same evaluations / time of
 *            the integration) per rule, single integrals and a batch, the
 *            speed-up from one thread to --threads, alone and with one core
 *            kept busy by another process, and the width of the frontier
 *            round by round.
 * batch:     one call with many problems: rate, statuses, memory.
 * expensive: the classic experiment: sin on [0, pi] at 1e-10 with each call
 *            waiting 20 ms, 64 workers, Simpson and Gauss-Kronrod, with and
 *            without speculation.
 * peers:     the accuracy battery and 10^5 Genz problems against GSL's
 *            QUADPACK (bench/peers.c; built when GSL is installed).
 *
 * Every figure is the median of repeated timings after a warm-up, with min
 * and max; ratios of two implementations come from alternating pairs
 * (machines are shared and noisy). --json writes every measurement,
 * --plot writes PNGs with gnuplot (skipped with a note if it is missing),
 * --pin binds OpenMP threads to cores.
 */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_isa.h"
#include "bench_report.h"
#include "bench_util.h"
#include "simdquad.h"
#ifdef SQ_BENCH_HAVE_MPFR
#include <mpfr.h>
#endif
#ifdef SQ_BENCH_HAVE_GSL
#include "peers.h"
#include "vector_bench.h"
#endif

static int repeats = 7;
static report *rep;

/* The per-ISA bare SLEEF tables this build has. */
static const bench_isa *isa_table(sq_isa isa)
{
    switch (isa) {
    case SQ_ISA_SCALAR: return &bench_isa_scalar;
#ifdef SQ_BENCH_X86
    case SQ_ISA_SSE2: return &bench_isa_sse2;
    case SQ_ISA_AVX2: return &bench_isa_avx2;
    case SQ_ISA_AVX512: return &bench_isa_avx512;
#endif
    default: return NULL;
    }
}

/* ---- jobs: something evaluated over arrays, per thread ---------------------- */

enum impl {
    IMPL_TWIN,          /* the kernel's libm twin */
    IMPL_KERNEL,        /* sq_kernel_eval_math with the job's backend */
    IMPL_BARE,          /* the kernel on SLEEF directly */
    IMPL_BARE_MATH,     /* a backend's library directly (bench_math_fn) */
    IMPL_LIBM,          /* a libm function */
    IMPL_SLEEF,         /* a SLEEF function through the bench table */
    IMPL_MACHINE        /* a compiled expression */
};

typedef struct job {
    enum impl impl;
    int kernel;
    sq_isa isa;
    sq_math math;       /* IMPL_KERNEL, IMPL_BARE_MATH */
    int fn;             /* IMPL_BARE_MATH: a bench_math_fn */
    double (*libm)(double);
    const void *sleef;
    const sq_expr *expr;
    size_t n;           /* points per array */
    int threads;
    size_t calls;       /* per thread and run */
    double lo, hi;      /* input range */
    double *mem;        /* each thread's x and y, made before timing */
} job;

static void fill(double *x, size_t n, double lo, double hi)
{
    for (size_t i = 0; i < n; i++)
        x[i] = lo + (hi - lo) * ((double)i + 0.5) / (double)n;
}

static void eval_once(const job *j, const double *x, double *y)
{
    switch (j->impl) {
    case IMPL_TWIN:
        sq_kernel_eval_twin(j->kernel, j->n, x, y);
        break;
    case IMPL_KERNEL:
        sq_kernel_eval_math(j->kernel, j->isa, j->math, j->n, x, y);
        break;
    case IMPL_BARE_MATH:
        isa_table(j->isa)->bare_math[j->math][j->fn](j->n, x, y);
        break;
    case IMPL_BARE:
        isa_table(j->isa)->bare[j->kernel](j->n, x, y);
        break;
    case IMPL_LIBM:
        for (size_t i = 0; i < j->n; i++)
            y[i] = j->libm(x[i]);
        break;
    case IMPL_SLEEF:
        isa_table(j->isa)->apply(j->sleef, j->n, x, y);
        break;
    case IMPL_MACHINE:
        sq_expr_eval(j->expr, j->isa, j->n, x, NULL, 0, y);
        break;
    }
}

static void run_job(void *ctx)
{
    const job *j = ctx;
#pragma omp parallel num_threads(j->threads)
    {
        double *x = j->mem + (size_t)omp_get_thread_num() * 2 * j->n, *y = x + j->n;
        for (size_t c = 0; c < j->calls; c++)
            eval_once(j, x, y);
    }
}

/* The arrays (allocated and touched before anything is timed), and about
 * 20 ms per timed run. */
static void calibrate(job *j)
{
    free(j->mem);
    j->mem = malloc((size_t)j->threads * 2 * j->n * sizeof *j->mem);
    if (j->mem == NULL) {
        fprintf(stderr, "simdquad-bench: out of memory\n");
        exit(1);
    }
#pragma omp parallel num_threads(j->threads)
    {
        double *x = j->mem + (size_t)omp_get_thread_num() * 2 * j->n;
        fill(x, j->n, j->lo, j->hi);
        memset(x + j->n, 0, j->n * sizeof *x);    /* first touch by its thread */
    }
    j->calls = 1;
    double t = bench_now();
    run_job(j);
    t = bench_now() - t;
    j->calls = t > 0 ? (size_t)(0.02 / t) + 1 : 1000;
}

static double evals_of(const job *j)
{
    return (double)j->n * (double)j->calls * (double)j->threads;
}

/* Millions of evaluations per second: median, min, max. */
static bench_stat mrate(job *j)
{
    calibrate(j);
    bench_stat t = bench_time(run_job, j, repeats);
    double e = evals_of(j) / 1e6;
    bench_stat r = {e / t.median, e / t.max, e / t.min};
    free(j->mem);
    j->mem = NULL;
    return r;
}

static void record(const char *section, const char *name, const char *impl,
                   const char *isa, const job *j, bench_stat r)
{
    report_add(rep, section, name, impl, isa, j->n, j->threads, "Mevals/s",
               r.median, r.min, r.max);
}

/* ---- kernels ------------------------------------------------------------------ */

static void kernel_range(int k, double *lo, double *hi)
{
    const char *name = sq_kernel_name((size_t)k);
    *lo = -10;
    *hi = 10;
    if (strcmp(name, "log") == 0 || strcmp(name, "sqrt") == 0) {
        *lo = 1e-3;
        *hi = 1e3;
    }
}

static void print_rate(bench_stat r)
{
    printf(" %.0f [%.0f-%.0f] |", r.median, r.min, r.max);
}

static int runnable(sq_isa isa)
{
    return sq_isa_supported(isa) && isa_table(isa) != NULL;
}

static void bench_kernels(int threads)
{
    enum { N = 4096 };
    printf("## Kernels\n\n");
    printf("Millions of evaluations per second, one thread, arrays of %d points "
           "(in L1 and L2), median [min-max] of %d runs. \"libm\" is the "
           "kernel's scalar twin; \"scalar\" is SLEEF's portable C code.\n\n",
           N, repeats);
    printf("| kernel | libm |");
    for (int isa = SQ_ISA_SCALAR; isa < SQ_ISA_COUNT; isa++)
        if (runnable((sq_isa)isa))
            printf(" %s |", sq_isa_name((sq_isa)isa));
    printf(" best / libm |\n|---|---|");
    for (int isa = SQ_ISA_SCALAR; isa < SQ_ISA_COUNT; isa++)
        if (runnable((sq_isa)isa))
            printf("---|");
    printf("---|\n");
    for (int k = 0; k < (int)sq_kernel_count(); k++) {
        const char *name = sq_kernel_name((size_t)k);
        job j = {.impl = IMPL_TWIN, .kernel = k, .n = N, .threads = 1};
        kernel_range(k, &j.lo, &j.hi);
        bench_stat base = mrate(&j);
        record("kernels", name, "libm", "scalar", &j, base);
        printf("| %s |", name);
        print_rate(base);
        double best = base.median;
        for (int isa = SQ_ISA_SCALAR; isa < SQ_ISA_COUNT; isa++) {
            if (!runnable((sq_isa)isa))
                continue;
            j.impl = IMPL_KERNEL;
            j.isa = (sq_isa)isa;
            bench_stat r = mrate(&j);
            record("kernels", name, "simdquad", sq_isa_name((sq_isa)isa), &j, r);
            print_rate(r);
            best = r.median > best ? r.median : best;
        }
        printf(" %.2fx |\n", best / base.median);
    }

    /* The kernel layer against bare SLEEF, in alternating pairs. */
    printf("\nThe kernel layer against bare SLEEF: throughput of sq_kernel_eval "
           "divided by that of the same loop written directly on SLEEF's "
           "functions (sqrt: on the hardware's square root, which the kernel "
           "uses, being faster than SLEEF's), median of %d alternating pairs, "
           "arrays of %d.\n\n", repeats, N);
    printf("| kernel |");
    for (int isa = SQ_ISA_SCALAR; isa < SQ_ISA_COUNT; isa++)
        if (runnable((sq_isa)isa))
            printf(" %s |", sq_isa_name((sq_isa)isa));
    printf("\n|---|");
    for (int isa = SQ_ISA_SCALAR; isa < SQ_ISA_COUNT; isa++)
        if (runnable((sq_isa)isa))
            printf("---|");
    printf("\n");
    double worst = INFINITY;
    for (int k = 0; k < (int)sq_kernel_count(); k++) {
        const char *name = sq_kernel_name((size_t)k);
        printf("| %s |", name);
        for (int isa = SQ_ISA_SCALAR; isa < SQ_ISA_COUNT; isa++) {
            if (!runnable((sq_isa)isa))
                continue;
            job a = {.impl = IMPL_KERNEL, .kernel = k, .isa = (sq_isa)isa, .n = N,
                     .threads = 1, .math = SQ_MATH_SLEEF_U10};
            kernel_range(k, &a.lo, &a.hi);
            calibrate(&a);
            job b = a;
            b.impl = IMPL_BARE;         /* shares a's arrays */
            /* time(bare) / time(kernel): the kernel's share of bare speed */
            double ratio = bench_ratio(run_job, &a, run_job, &b, repeats, NULL, NULL);
            free(a.mem);
            report_add(rep, "kernel-layer", name, "simdquad/bare",
                       sq_isa_name((sq_isa)isa), N, 1, "ratio", ratio, ratio, ratio);
            printf(" %.3f |", ratio);
            worst = ratio < worst ? ratio : worst;
        }
        printf("\n");
    }
    printf("\nLowest ratio: %.3f.\n\n", worst);

    /* Array sizes. */
    static const size_t sizes[] = {256, 4096, 65536, 1u << 20};
    static const char *const where[] = {"L1", "L2", "L2/L3", "memory"};
    const int sweep[] = {sq_kernel_find("exp"), sq_kernel_find("gauss_cos")};
    printf("Array sizes, one thread, Mevals/s (x and y: 16 bytes per point):\n\n");
    printf("| kernel | ISA |");
    for (size_t s = 0; s < 4; s++)
        printf(" %zu (%s) |", sizes[s], where[s]);
    printf("\n|---|---|---|---|---|---|\n");
    for (size_t q = 0; q < 2; q++) {
        int k = sweep[q];
        const char *name = sq_kernel_name((size_t)k);
        char plot[48];
        snprintf(plot, sizeof plot, "%s-size", name);
        for (int isa = SQ_ISA_SCALAR - 1; isa < SQ_ISA_COUNT; isa++) {
            int twin = isa < SQ_ISA_SCALAR;
            if (!twin && !runnable((sq_isa)isa))
                continue;
            const char *label = twin ? "libm" : sq_isa_name((sq_isa)isa);
            printf("| %s | %s |", name, label);
            for (size_t s = 0; s < 4; s++) {
                job j = {.impl = twin ? IMPL_TWIN : IMPL_KERNEL, .kernel = k,
                         .isa = (sq_isa)isa, .n = sizes[s], .threads = 1};
                kernel_range(k, &j.lo, &j.hi);
                bench_stat r = mrate(&j);
                record("sizes", name, twin ? "libm" : "simdquad", label, &j, r);
                report_point(rep, plot, label, (double)sizes[s], r.median, r.min, r.max);
                printf(" %.0f |", r.median);
            }
            printf("\n");
        }
    }

    /* Threads. */
    sq_isa best = sq_isa_resolve(SQ_ISA_AUTO);
    printf("\nThreads: exp at %s, each thread on its own array of %d points.\n\n",
           sq_isa_name(best), N);
    printf("| threads | Mevals/s | speed-up |\n|---|---|---|\n");
    double one = 0;
    for (int t = 1; t <= threads; t = t < threads && 2 * t > threads ? threads : 2 * t) {
        job j = {.impl = IMPL_KERNEL, .kernel = sq_kernel_find("exp"), .isa = best,
                 .n = N, .threads = t};
        kernel_range(j.kernel, &j.lo, &j.hi);
        bench_stat r = mrate(&j);
        if (t == 1)
            one = r.median;
        record("threads", "exp", "simdquad", sq_isa_name(best), &j, r);
        report_point(rep, "threads", "exp", t, r.median / one, r.min / one, r.max / one);
        printf("| %d | %.0f [%.0f-%.0f] | %.2fx |\n", t, r.median, r.min, r.max,
               r.median / one);
        if (t == threads)
            break;
    }

    /* Deterministic mode. */
    printf("\nDeterministic mode (SLEEF's finz_ functions, the same bits at every "
           "ISA): throughput relative to the ordinary kernels, one thread, "
           "alternating pairs.\n\n| kernel |");
    for (int isa = SQ_ISA_SCALAR; isa < SQ_ISA_COUNT; isa++)
        if (runnable((sq_isa)isa) && sq_math_supported(SQ_MATH_DETERMINISTIC, (sq_isa)isa))
            printf(" %s |", sq_isa_name((sq_isa)isa));
    printf("\n|---|");
    for (int isa = SQ_ISA_SCALAR; isa < SQ_ISA_COUNT; isa++)
        if (runnable((sq_isa)isa) && sq_math_supported(SQ_MATH_DETERMINISTIC, (sq_isa)isa))
            printf("---|");
    printf("\n");
    for (int k = 0; k < (int)sq_kernel_count(); k++) {
        const char *name = sq_kernel_name((size_t)k);
        printf("| %s |", name);
        for (int isa = SQ_ISA_SCALAR; isa < SQ_ISA_COUNT; isa++) {
            if (!runnable((sq_isa)isa) || !sq_math_supported(SQ_MATH_DETERMINISTIC, (sq_isa)isa))
                continue;
            job a = {.impl = IMPL_KERNEL, .kernel = k, .isa = (sq_isa)isa, .n = N,
                     .threads = 1, .math = SQ_MATH_SLEEF_U10};
            kernel_range(k, &a.lo, &a.hi);
            calibrate(&a);
            job d = a;
            d.math = SQ_MATH_DETERMINISTIC;
            double ratio = bench_ratio(run_job, &d, run_job, &a, repeats, NULL, NULL);
            free(a.mem);
            report_add(rep, "deterministic", name, "finz/ordinary",
                       sq_isa_name((sq_isa)isa), N, 1, "ratio", ratio, ratio, ratio);
            printf(" %.2f |", ratio);
        }
        printf("\n");
    }
    printf("\n");
}

/* ---- math backends ---------------------------------------------------------------- */

/* The kernels the backends are compared on, by bench_math_fn. */
static const int math_kernels[BM_COUNT] = {
    [BM_SIN] = SQK_SIN, [BM_COS] = SQK_COS, [BM_EXP] = SQK_EXP,
    [BM_LOG] = SQK_LOG, [BM_GAUSS_COS] = SQK_GAUSS_COS,
};

#ifdef SQ_BENCH_HAVE_MPFR
/*
 * The error of y = f(x) in ulps of the exact value, computed with 256-bit
 * MPFR. For exp(-x*x)*cos(3*x) the exact value is that of the rounded
 * arguments x*x and 3*x, so that the figure is the error of the elementary
 * functions and the final product, not the (shared) rounding of x*x.
 */
static double ulp_error(int fn, double x, double y)
{
    mpfr_t t, r, u;
    mpfr_inits2(256, t, r, u, (mpfr_ptr)0);
    static int (*const unary[])(mpfr_ptr, mpfr_srcptr, mpfr_rnd_t) = {
        [BM_SIN] = mpfr_sin, [BM_COS] = mpfr_cos, [BM_EXP] = mpfr_exp,
        [BM_LOG] = mpfr_log,
    };
    if (fn != BM_GAUSS_COS) {
        mpfr_set_d(t, x, MPFR_RNDN);
        unary[fn](r, t, MPFR_RNDN);
    } else {
        mpfr_set_d(t, -(x * x), MPFR_RNDN);
        mpfr_exp(r, t, MPFR_RNDN);
        mpfr_set_d(t, 3 * x, MPFR_RNDN);
        mpfr_cos(u, t, MPFR_RNDN);
        mpfr_mul(r, r, u, MPFR_RNDN);
    }
    double e = 0;
    double rd = mpfr_get_d(r, MPFR_RNDN);
    if (isnan(y) || isinf(y) || isinf(rd)) {
        e = y == rd ? 0 : INFINITY;
    } else if (!mpfr_zero_p(r) || y != 0) {
        long ex = mpfr_zero_p(r) ? -1021 : mpfr_get_exp(r);
        if (ex < -1021)
            ex = -1021;               /* subnormal: the ulp is 2^-1074 */
        mpfr_set_d(t, y, MPFR_RNDN);
        mpfr_sub(t, t, r, MPFR_RNDN);
        mpfr_mul_2si(t, t, 53 - ex, MPFR_RNDN);
        e = fabs(mpfr_get_d(t, MPFR_RNDN));
    }
    mpfr_clears(t, r, u, (mpfr_ptr)0);
    return e;
}
#endif

/*
 * Every backend against its library called directly: per function, the
 * bare loop and simdquad's kernel (the same loop behind sq_kernel_eval_math),
 * evaluations per second on one thread over arrays in L1/L2, and the worst
 * error over the very same inputs against MPFR. Then, per function, the
 * backend whose bare library is the fastest, through simdquad against bare,
 * in alternating pairs (a lower bound on the fastest through simdquad over
 * the fastest bare: single medians on a shared machine are too noisy to
 * pick the fastest of two equal loops).
 */
static void bench_math(void)
{
    enum { N = 4096 };
    printf("## Math backends\n\nOne thread, %d points in cache, median of %d runs, "
           "Mevals/s; `same bits` checks that simdquad returns exactly the "
           "library's values; `worst ulp` is over the same %d inputs%s.\n\n",
           N, repeats, N,
#ifdef SQ_BENCH_HAVE_MPFR
           ", against MPFR at 256 bits"
#else
           " (built without MPFR: not measured)"
#endif
    );
    for (int isa = SQ_ISA_SCALAR; isa < SQ_ISA_COUNT; isa++) {
        const bench_isa *t = isa_table((sq_isa)isa);
        if (!runnable((sq_isa)isa) || t == NULL)
            continue;
        printf("### %s\n\n| function | backend | bare | simdquad | simdquad/bare "
               "| same bits | worst ulp |\n|---|---|---|---|---|---|---|\n",
               sq_isa_name((sq_isa)isa));
        for (int fn = 0; fn < BM_COUNT; fn++) {
            int k = math_kernels[fn];
            const char *name = sq_kernel_name((size_t)k);
            double best_bare = 0;
            job best_bare_job = {0}, best_sq_job = {0};
            for (int m = SQ_MATH_SLEEF_U10; m < SQ_MATH_COUNT; m++) {
                if (!sq_math_supported((sq_math)m, (sq_isa)isa)
                    || t->bare_math[m][fn] == NULL)
                    continue;
                job b = {.impl = IMPL_BARE_MATH, .kernel = k, .isa = (sq_isa)isa,
                         .math = (sq_math)m, .fn = fn, .n = N, .threads = 1};
                kernel_range(k, &b.lo, &b.hi);
                job q = b;
                q.impl = IMPL_KERNEL;
                /* The values, and their errors. */
                double *x = malloc(3 * N * sizeof *x), *yb = x + N, *yq = x + 2 * N;
                if (x == NULL)
                    return;
                fill(x, N, b.lo, b.hi);
                eval_once(&b, x, yb);
                eval_once(&q, x, yq);
                int same = memcmp(yb, yq, N * sizeof *yb) == 0;
                double worst = NAN;
#ifdef SQ_BENCH_HAVE_MPFR
                worst = 0;
                for (size_t i = 0; i < N; i++)
                    worst = fmax(worst, ulp_error(fn, x[i], yq[i]));
#endif
                free(x);
                bench_stat rb = mrate(&b), rq = mrate(&q);
                const char *mname = sq_math_name((sq_math)m);
                record("math-bare", name, mname, sq_isa_name((sq_isa)isa), &b, rb);
                record("math-simdquad", name, mname, sq_isa_name((sq_isa)isa), &q, rq);
                report_add(rep, "math-ulp", name, mname, sq_isa_name((sq_isa)isa),
                           N, 1, "ulp", worst, worst, worst);
                printf("| %s | %s | %.0f | %.0f | %.2f | %s | %.2f |\n", name, mname,
                       rb.median, rq.median, rq.median / rb.median,
                       same ? "yes" : "NO", worst);
                if (rb.median > best_bare) {
                    best_bare = rb.median;
                    best_bare_job = b;
                    best_sq_job = q;
                }
            }
            if (best_bare == 0)
                continue;
            /* The headline pair, alternated: time(bare) / time(simdquad). */
            calibrate(&best_bare_job);
            calibrate(&best_sq_job);
            best_sq_job.calls = best_bare_job.calls;
            double ratio = bench_ratio(run_job, &best_sq_job, run_job,
                                       &best_bare_job, repeats, NULL, NULL);
            free(best_bare_job.mem);
            free(best_sq_job.mem);
            report_add(rep, "math-fastest", name,
                       sq_math_name(best_sq_job.math), sq_isa_name((sq_isa)isa),
                       N, 1, "ratio", ratio, ratio, ratio);
            printf("| %s | **fastest bare: %s, simdquad / bare in pairs** | | | "
                   "**%.2f** | | |\n", name, sq_math_name(best_bare_job.math), ratio);
        }
        printf("\n");
    }
}

/* ---- functions -------------------------------------------------------------------- */

typedef struct libm_fn {
    const char *name;
    double (*f)(double);
    double lo, hi;
} libm_fn;

static double l_abs(double x) { return fabs(x); }

static const libm_fn libm_fns[] = {
    {"sin", sin, -10, 10}, {"cos", cos, -10, 10}, {"tan", tan, -1.5, 1.5},
    {"asin", asin, -1, 1}, {"acos", acos, -1, 1}, {"atan", atan, -10, 10},
    {"sinh", sinh, -20, 20}, {"cosh", cosh, -20, 20}, {"tanh", tanh, -20, 20},
    {"asinh", asinh, -10, 10}, {"acosh", acosh, 1, 10}, {"atanh", atanh, -1, 1},
    {"exp", exp, -50, 50}, {"exp2", exp2, -50, 50}, {"expm1", expm1, -50, 50},
    {"log", log, 1e-3, 1e3}, {"log2", log2, 1e-3, 1e3}, {"log10", log10, 1e-3, 1e3},
    {"log1p", log1p, 0, 1e3}, {"sqrt", sqrt, 0, 1e3}, {"cbrt", cbrt, -1e3, 1e3},
    {"abs", l_abs, -10, 10}, {"erf", erf, -5, 5}, {"erfc", erfc, -5, 5},
    {"tgamma", tgamma, 0.1, 20}, {"lgamma", lgamma, 0.1, 20},
    {"floor", floor, -10, 10}, {"ceil", ceil, -10, 10},
};

static void bench_functions(void)
{
    enum { N = 4096 };
    sq_isa best = sq_isa_resolve(SQ_ISA_AUTO);
    printf("## Functions of the expression language\n\n");
    printf("Millions of evaluations per second, one thread, arrays of %d in each "
           "function's natural range. SLEEF's functions at 1.0 ulp (u10) and, "
           "where SLEEF offers it, 3.5 ulp (u35), called through one pointer "
           "per function; \"machine\" is simdquad's expression machine running "
           "\"f(x)\" at %s.\n\n", N, sq_isa_name(best));
    printf("| function | libm |");
    for (int isa = SQ_ISA_SCALAR; isa < SQ_ISA_COUNT; isa++)
        if (runnable((sq_isa)isa))
            printf(" %s u10 | %s u35 |", sq_isa_name((sq_isa)isa),
                   sq_isa_name((sq_isa)isa));
    printf(" machine | machine / %s u10 |\n|---|---|", sq_isa_name(best));
    for (int isa = SQ_ISA_SCALAR; isa < SQ_ISA_COUNT; isa++)
        if (runnable((sq_isa)isa))
            printf("---|---|");
    printf("---|---|\n");
    const bench_isa *tb = isa_table(best);
    for (size_t f = 0; f < sizeof libm_fns / sizeof *libm_fns; f++) {
        const libm_fn *lf = &libm_fns[f];
        job j = {.impl = IMPL_LIBM, .libm = lf->f, .n = N, .threads = 1,
                 .lo = lf->lo, .hi = lf->hi};
        bench_stat r = mrate(&j);
        record("functions", lf->name, "libm", "scalar", &j, r);
        printf("| %s | %.0f |", lf->name, r.median);
        double best_u10 = NAN;
        for (int isa = SQ_ISA_SCALAR; isa < SQ_ISA_COUNT; isa++) {
            if (!runnable((sq_isa)isa))
                continue;
            const bench_isa *t = isa_table((sq_isa)isa);
            const bench_fn *bf = NULL;
            for (size_t q = 0; q < t->nfns; q++)
                if (strcmp(t->fns[q].name, lf->name) == 0)
                    bf = &t->fns[q];
            for (int acc = 0; acc < 2; acc++) {
                const void *fp = bf == NULL ? NULL : acc ? bf->u35 : bf->u10;
                if (fp == NULL) {
                    printf(" - |");
                    continue;
                }
                job s = j;
                s.mem = NULL;
                s.impl = IMPL_SLEEF;
                s.isa = (sq_isa)isa;
                s.sleef = fp;
                bench_stat rs = mrate(&s);
                record("functions", lf->name, acc ? "sleef-u35" : "sleef-u10",
                       sq_isa_name((sq_isa)isa), &s, rs);
                printf(" %.0f |", rs.median);
                if (!acc && t == tb)
                    best_u10 = rs.median;
            }
        }
        char text[32];
        snprintf(text, sizeof text, "%s(x)", lf->name);
        sq_expr *e = sq_expr_compile(text, NULL);
        job m = j;
        m.mem = NULL;
        m.impl = IMPL_MACHINE;
        m.expr = e;
        m.isa = best;
        bench_stat rm = mrate(&m);
        record("functions", lf->name, "machine", sq_isa_name(best), &m, rm);
        printf(" %.0f | %.2f |\n", rm.median, rm.median / best_u10);
        sq_expr_free(e);
    }
    printf("\n");
}

/* ---- engine ------------------------------------------------------------------ */

typedef struct engine_job {
    const char *name;
    sq_rule rule;
    const char *kernel;
    double a, b;              /* one integral, or ... */
    double table_step;        /* ... integrals over [0, k * step], k = 1..n */
    size_t table_n;
    double epsabs;
    int threads;
    sq_workspace *ws;
    sq_result last;
    size_t evals;
    int batch;                /* the table as one batch */
    size_t max_intervals;     /* 0: the default */
} engine_job;

typedef struct trace_log {
    size_t n;
    size_t intervals[64];
} trace_log;

static void log_round(const sq_round_info *info, void *ctx)
{
    trace_log *t = ctx;
    if (t->n < 64)
        t->intervals[t->n] = info->intervals;
    t->n++;
}

static void run_engine_job(void *ctx)
{
    engine_job *j = ctx;
    sq_integrand f = sq_fn_kernel(j->kernel);
    sq_options o;
    sq_options_init(&o);
    o.rule = j->rule;
    o.epsabs = j->epsabs;
    o.epsrel = 0;
    o.threads = j->threads;
    if (j->max_intervals > 0)
        o.max_intervals = j->max_intervals;
    j->evals = 0;
    if (j->table_n == 0) {
        sq_integrate_ws(j->ws, &f, j->a, j->b, &o, &j->last);
        j->evals = j->last.evals;
        return;
    }
    if (j->batch) {
        double a[1200], b[1200];
        static sq_result res[1200];
        for (size_t k = 0; k < j->table_n && k < 1200; k++) {
            a[k] = 0;
            b[k] = (double)(k + 1) * j->table_step;
        }
        sq_batch bt = {.n = j->table_n, .a = a, .b = b};
        sq_integrate_batch(j->ws, &f, &bt, &o, res);
        for (size_t k = 0; k < j->table_n; k++)
            j->evals += res[k].evals;
        j->last = res[j->table_n - 1];
        return;
    }
    for (size_t k = 1; k <= j->table_n; k++) {
        sq_integrate_ws(j->ws, &f, 0, (double)k * j->table_step, &o, &j->last);
        j->evals += j->last.evals;
    }
}

typedef struct raw_job {
    int kernel;
    size_t evals;
    double *x, *y;
} raw_job;

static void run_raw_job(void *ctx)
{
    enum { ARRAY = 4096 };
    const raw_job *r = ctx;
    for (size_t done = 0; done < r->evals; done += ARRAY)
        sq_kernel_eval(r->kernel, SQ_ISA_AUTO, ARRAY, r->x, r->y);
}

/* Another process that keeps one core busy (a spinning child) for as long as
 * it runs; 0 if it could not be started. */
static pid_t busy_core_start(void)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        volatile unsigned long spin = 0;
        for (;;)
            spin++;
    }
    return pid > 0 ? pid : 0;
}

static void busy_core_stop(pid_t pid)
{
    if (pid > 0) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
    }
}

static const char *rule_name(sq_rule r)
{
    return r == SQ_RULE_SIMPSON ? "Simpson, local"
         : r == SQ_RULE_GK15 ? "GK15, global" : "GK21, global";
}

static void bench_engine(int threads)
{
    enum { ARRAY = 4096 };
    printf("## Engine efficiency\n\n");
    printf("Efficiency = time of the raw %s kernel for the same number of "
           "evaluations (arrays of %d in cache, spread over the job's range) / "
           "time of the integration, median of per-pair ratios; the speed-up "
           "likewise against the one-thread run, and again with one core kept "
           "busy by another process (a spinning child) during both runs.\n\n",
           sq_isa_name(sq_isa_resolve(SQ_ISA_AUTO)), ARRAY);
    printf("| rule | job | evaluations | threads | time (ms) | efficiency | "
           "speed-up | speed-up, a core busy |\n|---|---|---|---|---|---|---|---|\n");
    const sq_rule simpson = SQ_RULE_SIMPSON, gk21 = SQ_RULE_GK21,
                  gk15 = SQ_RULE_GK15;
    engine_job jobs[] = {
        {.name = "exp(-x^2) on [-6, 6], epsabs 1e-15", .rule = simpson,
         .kernel = "gauss", .a = -6, .b = 6, .epsabs = 1e-15},
        {.name = "cos on [0, 3000], epsabs 1e-12", .rule = simpson,
         .kernel = "cos", .a = 0, .b = 3000, .epsabs = 1e-12,
         .max_intervals = 1000000},
        {.name = "exp(-x^2) over [0, 0.005k], k = 1..1200, epsabs 1e-14, a loop",
         .rule = simpson, .kernel = "gauss", .table_step = 0.005,
         .table_n = 1200, .epsabs = 1e-14},
        {.name = "the same 1200 integrals as one batch", .rule = simpson,
         .kernel = "gauss", .table_step = 0.005, .table_n = 1200, .epsabs = 1e-14,
         .batch = 1},
        {.name = "cos on [0, 1e5], epsabs 1e-9", .rule = gk15, .kernel = "cos",
         .a = 0, .b = 1e5, .epsabs = 1e-9},
        {.name = "cos on [0, 1e5], epsabs 1e-9", .rule = gk21, .kernel = "cos",
         .a = 0, .b = 1e5, .epsabs = 1e-9},
        {.name = "cos on [0, 1e6], epsabs 1e-8", .rule = gk21, .kernel = "cos",
         .a = 0, .b = 1e6, .epsabs = 1e-8, .max_intervals = 1000000},
        {.name = "exp(-x^2) over [0, 0.005k], k = 1..1200, epsabs 1e-14, a loop",
         .rule = gk21, .kernel = "gauss", .table_step = 0.005, .table_n = 1200,
         .epsabs = 1e-14},
        {.name = "the same 1200 integrals as one batch", .rule = gk21,
         .kernel = "gauss", .table_step = 0.005, .table_n = 1200, .epsabs = 1e-14,
         .batch = 1},
    };
    static double x[ARRAY], y[ARRAY];
    trace_log traces[sizeof jobs / sizeof *jobs];
    for (size_t i = 0; i < sizeof jobs / sizeof *jobs; i++) {
        engine_job *j = &jobs[i];
        fill(x, ARRAY, j->table_n ? 0 : j->a,
             j->table_n ? j->table_step * (double)j->table_n : j->b);
        j->ws = sq_workspace_new();
        engine_job one = *j;
        one.threads = 1;
        run_engine_job(&one);
        raw_job r = {sq_kernel_find(j->kernel), one.evals, x, y};
        bench_stat st;
        double eff = bench_ratio(run_engine_job, &one, run_raw_job, &r, repeats,
                                 &st, NULL);
        const char *rule = rule_name(j->rule);
        printf("| %s | %s | %zu | 1 | %.3f [%.3f-%.3f] | %.2f | 1.00x | 1.00x |\n", rule,
               j->name, one.evals, st.median * 1e3, st.min * 1e3, st.max * 1e3, eff);
        report_add(rep, "engine", j->name, rule, "auto", one.evals, 1, "efficiency",
                   eff, eff, eff);
        if (threads > 1) {
            j->threads = threads;
            bench_stat sn;
            double speedup = bench_ratio(run_engine_job, j, run_engine_job, &one,
                                         repeats, &sn, NULL);
            double effn = bench_ratio(run_engine_job, j, run_raw_job, &r, repeats,
                                      NULL, NULL);
            /* The same pair with one core taken by another process: a team
             * that waits for its slowest thread would take longer than the
             * calling thread alone. */
            pid_t spinner = busy_core_start();
            bench_stat sb;
            double busy = bench_ratio(run_engine_job, j, run_engine_job, &one,
                                      repeats, &sb, NULL);
            busy_core_stop(spinner);
            printf("| %s | %s | %zu | %d | %.3f [%.3f-%.3f] | %.2f | %.2fx | ",
                   rule, j->name, j->evals, threads, sn.median * 1e3, sn.min * 1e3,
                   sn.max * 1e3, effn, speedup);
            if (spinner > 0)
                printf("%.2fx |\n", busy);
            else
                printf("(no process) |\n");
            report_add(rep, "engine-speedup", j->name, rule, "auto", j->evals,
                       threads, "speed-up", speedup, sn.min, sn.max);
            if (spinner > 0)
                report_add(rep, "engine-speedup-busy", j->name, rule, "auto",
                           j->evals, threads, "speed-up", busy, sb.min, sb.max);
        }
        /* The frontier's width, round by round (calling thread). */
        traces[i].n = 0;
        sq_integrand f = sq_fn_kernel(j->kernel);
        sq_options o;
        sq_options_init(&o);
        o.rule = j->rule;
        o.epsabs = j->epsabs;
        o.epsrel = 0;
        if (j->max_intervals > 0)
            o.max_intervals = j->max_intervals;
        o.trace = log_round;
        o.trace_ctx = &traces[i];
        sq_result res;
        if (j->table_n == 0)
            sq_integrate_ws(j->ws, &f, j->a, j->b, &o, &res);
        sq_workspace_free(j->ws);
    }
    printf("\nFrontier width (intervals evaluated per round) of the single "
           "integrals:\n\n");
    for (size_t i = 0; i < sizeof jobs / sizeof *jobs; i++) {
        if (jobs[i].table_n != 0)
            continue;
        printf("- %s, %s: ", rule_name(jobs[i].rule), jobs[i].name);
        for (size_t k = 0; k < traces[i].n && k < 64; k++)
            printf("%s%zu", k ? " " : "", traces[i].intervals[k]);
        printf("\n");
    }
    printf("\n");
}

/* ---- one large batch -------------------------------------------------------------- */

static double peak_mib(void)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return (double)u.ru_maxrss / 1024;    /* Linux reports KiB */
}

static void bench_batch(size_t n, int threads)
{
    printf("## One batch of %zu problems\n\n", n);
    double before = peak_mib();
    double *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
    double *p = malloc(2 * n * sizeof *p);
    sq_result *r = malloc(n * sizeof *r);
    if (a == NULL || b == NULL || p == NULL || r == NULL) {
        printf("out of memory for the inputs and results\n\n");
        free(a);
        free(b);
        free(p);
        free(r);
        return;
    }
    unsigned long long seed = 7;
    for (size_t i = 0; i < n; i++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        double u1 = (double)(seed >> 11) * 0x1p-53;
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        double u2 = (double)(seed >> 11) * 0x1p-53;
        a[i] = 0;
        b[i] = 1;
        p[2 * i] = 2 + 10 * u1;
        p[2 * i + 1] = u2;
    }
    /* Touch the results so that their pages count before the call (with a
     * pattern: zeros could become a calloc that touches nothing). */
    memset(r, 0xA5, n * sizeof *r);
    double inputs = peak_mib();
    sq_integrand f = sq_fn_family("genz_gaussian", NULL);
    sq_batch bt = {.n = n, .a = a, .b = b, .params = p, .nparams = 2};
    sq_options o;
    sq_options_init(&o);
    o.threads = threads;
    sq_workspace *ws = sq_workspace_new();
    double t = bench_now();
    sq_status worst = sq_integrate_batch(ws, &f, &bt, &o, r);
    t = bench_now() - t;
    size_t counts[SQ_STATUS_COUNT] = {0}, evals = 0, statuses = 0;
    for (size_t i = 0; i < n; i++) {
        if ((unsigned)r[i].status < SQ_STATUS_COUNT) {
            counts[r[i].status]++;
            statuses++;
        }
        evals += r[i].evals;
    }
    double peak = peak_mib();
    printf("| | |\n|---|---|\n");
    printf("| integrand | genz_gaussian, a in [2, 12], u in [0, 1], on [0, 1] |\n");
    printf("| threads | %d |\n", threads);
    printf("| time | %.2f s |\n", t);
    printf("| integrals per second | %.3g |\n", (double)n / t);
    printf("| evaluations per integral | %.1f |\n", (double)evals / (double)n);
    printf("| statuses written | %zu of %zu (worst: %s; ok %zu) |\n", statuses, n,
           sq_status_name(worst), counts[SQ_OK]);
    printf("| inputs and results (%zu + %zu bytes per problem) | %.0f MiB |\n",
           4 * sizeof(double), sizeof(sq_result), inputs - before);
    printf("| workspace after the call | %.2f MiB |\n",
           (double)sq_workspace_bytes(ws) / (1 << 20));
    printf("| peak resident memory of the process | %.0f MiB (%.0f MiB above "
           "inputs and results) |\n\n", peak, peak - inputs);
    report_add(rep, "batch", "genz_gaussian", "simdquad", "auto", n, threads,
               "integrals/s", (double)n / t, (double)n / t, (double)n / t);
    sq_workspace_free(ws);
    free(a);
    free(b);
    free(p);
    free(r);
}

/* ---- expensive integrands ----------------------------------------------------------- */

typedef struct slow_sin {
    double cost;
} slow_sin;

static int slow_sin_point(double x, double *y, void *ctx)
{
    const slow_sin *s = ctx;
    struct timespec t = {0, (long)(s->cost * 1e9)};
    nanosleep(&t, NULL);
    *y = sin(x);
    return 0;
}

static void bench_expensive(void)
{
    const double cost = 0.020;
    const int workers = 64;
    slow_sin ctx = {cost};
    printf("## Expensive integrands\n\n");
    printf("sin on [0, pi], absolute tolerance 1e-10, each call waiting %.0f ms, "
           "%d workers. Call-times = wall time / cost; the speed-up is over "
           "evaluating the same points one after another. Without speculation "
           "the frontier waits for each round: that is the round barrier.\n\n",
           cost * 1e3, workers);
    printf("| rule | speculation | evaluations | unused speculative | wall (s) | "
           "call-times | speed-up |\n|---|---|---|---|---|---|---|\n");
    const sq_rule rules[] = {SQ_RULE_SIMPSON, SQ_RULE_GK21};
    for (size_t k = 0; k < 2; k++)
        for (int spec = 1; spec >= 0; spec--) {
            sq_integrand f = sq_fn_point(slow_sin_point, &ctx);
            sq_options o;
            sq_options_init(&o);
            o.rule = rules[k];
            o.epsabs = 1e-10;
            o.epsrel = 0;
            o.workers = workers;
            o.speculate = spec;
            double samples[3];
            sq_result r;
            for (int run = 0; run < 3; run++) {
                double t = bench_now();
                sq_integrate(&f, 0, 3.14159265358979323846, &o, &r);
                samples[run] = bench_now() - t;
            }
            bench_stat st = bench_summarize(samples, 3);
            double calls = st.median / cost;
            printf("| %s | %s | %zu | %zu | %.3f [%.3f-%.3f] | %.2f | %.1fx |\n",
                   rules[k] == SQ_RULE_SIMPSON ? "Simpson, local" : "GK21, global",
                   spec ? "on" : "off (round barrier)", r.evals, r.wasted,
                   st.median, st.min, st.max, calls,
                   (double)r.evals * cost / st.median);
            report_add(rep, "expensive",
                       rules[k] == SQ_RULE_SIMPSON ? "simpson" : "gk21",
                       spec ? "speculation" : "barrier", "-", r.evals, workers,
                       "call-times", calls, st.min / cost, st.max / cost);
        }
    printf("\n");
}

/* ---- main -------------------------------------------------------------------- */

static void usage(void)
{
    fprintf(stderr, "usage: simdquad-bench [kernels|math|functions|engine|batch|expensive|all] "
                    "[--repeats N] [--threads N] [--problems N] [--json FILE] "
                    "[--plot DIR] [--pin]\n"
                    "       simdquad-bench peers [all|battery|heavy|batch] "
                    "[--epsrel E] [--repeats N] [--threads N] [--problems N]\n"
                    "       simdquad-bench vector [--repeats N] [--epsrel E]\n");
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "vector") == 0)
        return bench_vector(argc - 2, argv + 2);
    if (argc > 1 && strcmp(argv[1], "peers") == 0) {
#ifdef SQ_BENCH_HAVE_GSL
        return bench_peers(argc - 2, argv + 2);
#else
        fprintf(stderr, "simdquad-bench: built without GSL: no peers "
                        "(scripts/deps.sh bench installs it)\n");
        return 2;
#endif
    }
    const char *mode = "all", *json = NULL, *plot = NULL;
    size_t problems = 1000000;
    int max_threads = 0, pin = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--repeats") == 0 && i + 1 < argc) {
            repeats = atoi(argv[++i]);
        } else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
            max_threads = atoi(argv[++i]);
        } else if (strcmp(argv[i], "--problems") == 0 && i + 1 < argc) {
            problems = (size_t)atof(argv[++i]);
        } else if (strcmp(argv[i], "--json") == 0 && i + 1 < argc) {
            json = argv[++i];
        } else if (strcmp(argv[i], "--plot") == 0 && i + 1 < argc) {
            plot = argv[++i];
        } else if (strcmp(argv[i], "--pin") == 0) {
            pin = 1;
        } else if (argv[i][0] != '-') {
            mode = argv[i];
        } else {
            usage();
            return 2;
        }
    }
    static const char *const modes[] = {"all", "kernels", "math", "functions",
                                        "engine", "batch", "expensive"};
    int known = 0;
    for (size_t m = 0; m < sizeof modes / sizeof *modes; m++)
        known |= strcmp(mode, modes[m]) == 0;
    if (!known || repeats < 1 || max_threads < 0 || problems < 1) {
        usage();
        return 2;
    }
    /* Pinning must be set before OpenMP starts its threads. */
    if (pin) {
        setenv("OMP_PROC_BIND", "close", 1);
        setenv("OMP_PLACES", "cores", 1);
    }
    int threads = max_threads > 0 ? max_threads : omp_get_max_threads();
    int all = strcmp(mode, "all") == 0;
    bench_header(stdout, "simdquad benchmark", threads);
    printf("Repeats: %d; threads pinned: %s.\n\n", repeats,
           pin ? "yes (OMP_PROC_BIND=close, OMP_PLACES=cores)" : "no");
    rep = report_open(json, plot, threads);
    if (all || strcmp(mode, "kernels") == 0)
        bench_kernels(threads);
    if (all || strcmp(mode, "math") == 0)
        bench_math();
    if (all || strcmp(mode, "functions") == 0)
        bench_functions();
    if (all || strcmp(mode, "engine") == 0)
        bench_engine(threads);
    if (all || strcmp(mode, "batch") == 0)
        bench_batch(problems, threads);
    if (all || strcmp(mode, "expensive") == 0)
        bench_expensive();
    report_close(rep);
    if (json != NULL)
        printf("Measurements: %s\n", json);
    return 0;
}
