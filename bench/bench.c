/* SPDX-License-Identifier: MIT */
/*
 * simdquad-bench: what SIMD, cores and the frontier engine buy, measured side
 * by side in one run. Every figure is the median of repeated timings (min and
 * max in brackets); comparisons are ratios within the run, since machines are
 * shared and noisy.
 *
 *   simdquad-bench [kernels|engine|batch|all] [--repeats N] [--threads N]
 *                  [--problems N]
 *
 * kernels: evaluations per second of every built-in kernel, through its
 *          scalar libm twin and through simdquad's kernel at each ISA this
 *          CPU runs, on one thread and on all threads.
 * engine:  engine efficiency, the time the raw kernel needs for the same
 *          number of evaluations divided by the time of the integration, and
 *          the speed-up from one thread to all.
 * batch:   one sq_integrate_batch call of many Genz Gaussian problems
 *          (10^6 by default; --problems 1e7 for the large run): integrals
 *          per second, statuses, workspace and peak memory.
 */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "bench_util.h"
#include "simdquad.h"

enum { ARRAY = 4096 };   /* points per kernel call: x and y stay in L2 */

static int repeats = 7;
static int max_threads = 0;

/* ---- kernels ----------------------------------------------------------------- */

typedef struct kernel_job {
    int kernel;
    sq_isa isa;          /* SQ_ISA_COUNT: the libm twin */
    int threads;
    size_t calls;        /* per thread */
    double lo, hi;       /* input range */
} kernel_job;

static void fill(double *x, size_t n, double lo, double hi)
{
    for (size_t i = 0; i < n; i++)
        x[i] = lo + (hi - lo) * ((double)i + 0.5) / (double)n;
}

static void run_kernel_job(void *ctx)
{
    const kernel_job *j = ctx;
#pragma omp parallel num_threads(j->threads)
    {
        double *x = malloc(ARRAY * sizeof *x), *y = malloc(ARRAY * sizeof *y);
        if (x != NULL && y != NULL) {
            fill(x, ARRAY, j->lo, j->hi);
            for (size_t c = 0; c < j->calls; c++) {
                if (j->isa == SQ_ISA_COUNT)
                    sq_kernel_eval_twin(j->kernel, ARRAY, x, y);
                else
                    sq_kernel_eval(j->kernel, j->isa, ARRAY, x, y);
            }
        }
        free(x);
        free(y);
    }
}

static void kernel_range(const char *name, double *lo, double *hi)
{
    *lo = -10;
    *hi = 10;
    if (strcmp(name, "log") == 0 || strcmp(name, "sqrt") == 0) {
        *lo = 1e-3;
        *hi = 1e3;
    }
}

/* Evaluations per second; stat holds seconds per job. */
static double kernel_rate(int k, sq_isa isa, int threads, bench_stat *st)
{
    kernel_job j = {k, isa, threads, 200, 0, 0};
    kernel_range(sq_kernel_name((size_t)k), &j.lo, &j.hi);
    *st = bench_time(run_kernel_job, &j, repeats);
    return (double)threads * (double)j.calls * ARRAY / st->median;
}

static void bench_kernels(int threads)
{
    printf("## Kernels: evaluations per second (millions)\n\n");
    printf("Arrays of %d points (in cache). Ratios are against the scalar libm "
           "twin on one thread.\n\n", ARRAY);
    printf("| kernel | threads | libm twin |");
    for (int i = SQ_ISA_SCALAR; i < SQ_ISA_COUNT; i++)
        if (sq_isa_supported((sq_isa)i))
            printf(" %s |", sq_isa_name((sq_isa)i));
    printf("\n|---|---|---|");
    for (int i = SQ_ISA_SCALAR; i < SQ_ISA_COUNT; i++)
        if (sq_isa_supported((sq_isa)i))
            printf("---|");
    printf("\n");
    int counts[2] = {1, threads};
    for (size_t k = 0; k < sq_kernel_count(); k++) {
        double base = 0;
        for (int c = 0; c < (threads > 1 ? 2 : 1); c++) {
            bench_stat st;
            double twin = kernel_rate((int)k, SQ_ISA_COUNT, counts[c], &st);
            if (c == 0)
                base = twin;
            printf("| %s | %d | %.0f (%.1fx) |", sq_kernel_name(k), counts[c],
                   twin / 1e6, twin / base);
            for (int i = SQ_ISA_SCALAR; i < SQ_ISA_COUNT; i++) {
                if (!sq_isa_supported((sq_isa)i))
                    continue;
                double r = kernel_rate((int)k, (sq_isa)i, counts[c], &st);
                printf(" %.0f (%.1fx) [%.0f-%.0f] |", r / 1e6, r / base,
                       r * st.median / st.max / 1e6, r * st.median / st.min / 1e6);
            }
            printf("\n");
        }
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
} engine_job;

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
    j->evals = 0;
    if (j->table_n == 0) {
        sq_integrate_ws(j->ws, &f, j->a, j->b, &o, &j->last);
        j->evals = j->last.evals;
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
    const raw_job *r = ctx;
    for (size_t done = 0; done < r->evals; done += ARRAY)
        sq_kernel_eval(r->kernel, SQ_ISA_AUTO, ARRAY, r->x, r->y);
}

static void bench_engine(int threads)
{
    printf("## Engine efficiency\n\n");
    printf("Efficiency = time of the raw %s kernel for the same number of "
           "evaluations (arrays of %d in cache, spread over the job's range) / "
           "time of the integration. Both are timed in alternation and the "
           "median of the per-pair ratios is shown; the speed-up likewise "
           "against the one-thread run.\n\n",
           sq_isa_name(sq_isa_resolve(SQ_ISA_AUTO)), ARRAY);
    printf("| rule | job | evaluations | threads | time (ms) | efficiency | speed-up |\n");
    printf("|---|---|---|---|---|---|---|\n");
    const sq_rule simpson = SQ_RULE_SIMPSON, gk21 = SQ_RULE_GK21;
    engine_job jobs[] = {
        {.name = "exp(-x^2) on [-6, 6], epsabs 1e-15", .rule = simpson,
         .kernel = "gauss", .a = -6, .b = 6, .epsabs = 1e-15},
        {.name = "exp(-x^2) table: [0, 0.005k], k = 1..1200, epsabs 1e-14",
         .rule = simpson, .kernel = "gauss", .table_step = 0.005,
         .table_n = 1200, .epsabs = 1e-14},
        {.name = "cos on [0, 3000], epsabs 1e-12", .rule = simpson,
         .kernel = "cos", .a = 0, .b = 3000, .epsabs = 1e-12},
        {.name = "exp(-x^2) table: [0, 0.005k], k = 1..1200, epsabs 1e-14",
         .rule = gk21, .kernel = "gauss", .table_step = 0.005,
         .table_n = 1200, .epsabs = 1e-14},
        {.name = "cos on [0, 1e5], epsabs 1e-9", .rule = gk21,
         .kernel = "cos", .a = 0, .b = 1e5, .epsabs = 1e-9},
        {.name = "cos on [0, 1e6], epsabs 1e-8", .rule = gk21,
         .kernel = "cos", .a = 0, .b = 1e6, .epsabs = 1e-8},
    };
    static double x[ARRAY], y[ARRAY];
    for (size_t i = 0; i < sizeof jobs / sizeof *jobs; i++) {
        engine_job *j = &jobs[i];
        /* The raw kernel sees the job's own range: the cost of a math
         * function can depend on its argument. */
        if (j->table_n)
            fill(x, ARRAY, 0, j->table_step * (double)j->table_n);
        else
            fill(x, ARRAY, j->a, j->b);
        j->ws = sq_workspace_new();
        /* Measured in alternation with the raw kernel (efficiency) and with
         * the one-thread run (speed-up): medians of per-pair ratios. */
        engine_job one = *j;
        one.threads = 1;
        run_engine_job(&one);
        raw_job r = {sq_kernel_find(j->kernel), one.evals, x, y};
        bench_stat st;
        double eff = bench_ratio(run_engine_job, &one, run_raw_job, &r,
                                 repeats, &st, NULL);
        const char *rule = j->rule == SQ_RULE_SIMPSON ? "Simpson, local" : "GK21, global";
        printf("| %s | %s | %zu | 1 | %.3f [%.3f-%.3f] | %.2f | 1.00x |\n", rule,
               j->name, one.evals, st.median * 1e3, st.min * 1e3, st.max * 1e3, eff);
        if (threads > 1) {
            j->threads = threads;
            bench_stat sn;
            double speedup = bench_ratio(run_engine_job, j, run_engine_job,
                                         &one, repeats, &sn, NULL);
            double effn = bench_ratio(run_engine_job, j, run_raw_job, &r,
                                      repeats, NULL, NULL);
            printf("| %s | %s | %zu | %d | %.3f [%.3f-%.3f] | %.2f | %.2fx |\n",
                   rule, j->name, j->evals, threads, sn.median * 1e3, sn.min * 1e3,
                   sn.max * 1e3, effn, speedup);
        }
        sq_workspace_free(j->ws);
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
    sq_workspace_free(ws);
    free(a);
    free(b);
    free(p);
    free(r);
}

/* ---- main -------------------------------------------------------------------- */

static void usage(void)
{
    fprintf(stderr, "usage: simdquad-bench [kernels|engine|batch|all] "
                    "[--repeats N] [--threads N] [--problems N]\n");
}

int main(int argc, char **argv)
{
    const char *mode = "all";
    size_t problems = 1000000;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--repeats") == 0 && i + 1 < argc) {
            repeats = atoi(argv[++i]);
        } else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
            max_threads = atoi(argv[++i]);
        } else if (strcmp(argv[i], "--problems") == 0 && i + 1 < argc) {
            problems = (size_t)atof(argv[++i]);
        } else if (argv[i][0] != '-') {
            mode = argv[i];
        } else {
            usage();
            return 2;
        }
    }
    if (repeats < 1 || max_threads < 0) {
        usage();
        return 2;
    }
    int threads = max_threads > 0 ? max_threads : omp_get_max_threads();
    int all = strcmp(mode, "all") == 0;
    if (!all && strcmp(mode, "kernels") != 0 && strcmp(mode, "engine") != 0
        && strcmp(mode, "batch") != 0) {
        usage();
        return 2;
    }
    bench_header(stdout, "simdquad benchmark", threads);
    if (all || strcmp(mode, "kernels") == 0)
        bench_kernels(threads);
    if (all || strcmp(mode, "engine") == 0)
        bench_engine(threads);
    if (all || strcmp(mode, "batch") == 0)
        bench_batch(problems, threads);
    return 0;
}
