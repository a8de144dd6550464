/* SPDX-License-Identifier: MIT */
/*
 * simdquad bench [--kernel NAME | --expr EXPR] [--n N] [--threads N]
 *                [--math NAME|all] [--json]
 *
 * SIMD against scalar for one integrand: evaluations per second of its libm
 * twin and of its SIMD code at every ISA this CPU runs and every math
 * backend (or the one --math names), on one thread and on N, each the
 * median of 7 timings of about 20 ms, with its worst error in ulps (a
 * kernel against long double, an expression as its distance from the libm
 * twin). For an expression whose text is a built-in kernel's
 * formula, also the machine against the kernel.
 */
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

typedef struct subject {
    int kernel;              /* or -1 */
    sq_expr *expr;           /* or NULL */
    int twin;                /* evaluate the scalar twin */
    sq_isa isa;
    sq_math math;
} subject;

static void evaluate(const subject *s, size_t n, const double *x, double *y)
{
    if (s->kernel >= 0) {
        if (s->twin)
            sq_kernel_eval_twin(s->kernel, n, x, y);
        else
            sq_kernel_eval_math(s->kernel, s->isa, s->math, n, x, y);
    } else if (s->twin) {
        for (size_t i = 0; i < n; i++)
            y[i] = sq_expr_twin(s->expr, x[i], NULL);
    } else {
        sq_expr_eval_math(s->expr, s->isa, s->math, n, x, NULL, 0, y);
    }
}

static int cmp_double(const void *p, const void *q)
{
    double a = *(const double *)p, b = *(const double *)q;
    return (a > b) - (a < b);
}

/* |a - b| in units in the last place of b (the ulp of a subnormal is
 * 2^-1074). */
static double ulps(double a, long double b)
{
    if ((long double)a == b || (isnan(a) && isnan(b)))
        return 0;
    if (!isfinite(a) || !isfinite(b))
        return INFINITY;
    int e;
    frexpl(b, &e);
    if (e < -1021)
        e = -1021;
    return (double)(fabsl((long double)a - b) / ldexpl(1.0L, e - 53));
}

/*
 * A built-in kernel in long double (64 significant bits on x86-64, glibc's
 * x87 functions within a few of their ulps: a reference good to about a
 * thousandth of a double's ulp), as a function of the same rounded
 * intermediates the kernel forms (x*x, 3*x), so that the figure is the
 * error of the elementary functions and the final operations.
 */
static long double reference(const char *kernel, double x)
{
    long double xl = x, xx = (long double)(x * x);
    if (strcmp(kernel, "sin") == 0)
        return sinl(xl);
    if (strcmp(kernel, "cos") == 0)
        return cosl(xl);
    if (strcmp(kernel, "exp") == 0)
        return expl(xl);
    if (strcmp(kernel, "log") == 0)
        return logl(xl);
    if (strcmp(kernel, "sqrt") == 0)
        return sqrtl(xl);
    if (strcmp(kernel, "gauss") == 0)
        return expl(-xx);
    if (strcmp(kernel, "lorentz") == 0)
        return 1.0L / (1.0L + xx);
    if (strcmp(kernel, "gauss_cos") == 0)
        return expl(-xx) * cosl((long double)(3 * x));
    return xl * (xl * (xl * (xl * (xl / 120 + 1.0L / 24) + 1.0L / 6) + 0.5L) + 1)
           + 1;   /* poly */
}

/* The largest error of the subject over n points in (0, 6), in ulps: of a
 * kernel against its long double reference, of an expression against its
 * libm twin (distance, not error: libm's own is below an ulp). */
static double worst_ulps(const subject *s, size_t n)
{
    double *x = calloc(n, sizeof *x), *y = malloc(n * sizeof *y);
    double *t = malloc(n * sizeof *t);
    double worst = NAN;
    if (x != NULL && y != NULL && t != NULL) {
        for (size_t i = 0; i < n; i++)
            x[i] = 6.0 * ((double)i + 0.5) / (double)n;
        subject tw = *s;
        tw.twin = 1;
        if (s->kernel < 0)
            evaluate(&tw, n, x, t);     /* an expression's reference */
        evaluate(s, n, x, y);
        worst = 0;
        for (size_t i = 0; i < n; i++) {
            long double r = s->kernel >= 0
                                ? reference(sq_kernel_name((size_t)s->kernel), x[i])
                                : (long double)t[i];
            worst = fmax(worst, ulps(y[i], r));
        }
    }
    free(x);
    free(y);
    free(t);
    return worst;
}

/* Evaluations per second: each thread evaluates its own array of n points
 * `calls` times; the median of 7 such runs. */
static double rate(const subject *s, size_t n, int threads)
{
    double *x = malloc((size_t)threads * n * sizeof *x);
    double *y = malloc((size_t)threads * n * sizeof *y);
    if (x == NULL || y == NULL) {
        free(x);
        free(y);
        return NAN;
    }
    for (size_t i = 0; i < (size_t)threads * n; i++)
        x[i] = 6.0 * ((double)(i % n) + 0.5) / (double)n;   /* (0, 6) */
    /* Calibrate: about 20 ms per run. */
    double t = cli_now();
    evaluate(s, n, x, y);
    t = cli_now() - t;
    size_t calls = t > 0 ? (size_t)(0.02 / t) + 1 : 1000;
    double samples[7];
    for (int r = 0; r < 7; r++) {
        double t0 = cli_now();
#pragma omp parallel for num_threads(threads) schedule(static)
        for (int k = 0; k < threads; k++)
            for (size_t c = 0; c < calls; c++)
                evaluate(s, n, x + (size_t)k * n, y + (size_t)k * n);
        samples[r] = cli_now() - t0;
    }
    qsort(samples, 7, sizeof *samples, cmp_double);
    free(x);
    free(y);
    return (double)calls * (double)n * threads / samples[3];
}

int cmd_bench(int argc, char **argv)
{
    const char *cmd = "bench";
    const char *kernel = NULL, *text = NULL;
    size_t n = 4096;
    int threads = sq_default_threads(), json = 0;
    int math_all = 1;
    sq_math math = SQ_MATH_AUTO;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--json") == 0) {
            json = 1;
        } else if (strcmp(a, "--deterministic") == 0) {
            math_all = 0;
            math = SQ_MATH_DETERMINISTIC;
        } else if (strcmp(a, "--math") == 0 && v) {
            math_all = strcmp(v, "all") == 0;
            math = math_all ? SQ_MATH_AUTO : sq_math_from_name(v);
            if (math == SQ_MATH_COUNT) {
                fprintf(stderr, "simdquad bench: --math needs sleef-u10, sleef-u35, "
                                "libmvec, deterministic, auto or all, not '%s'\n", v);
                return EXIT_USAGE;
            }
            i++;
        } else if (strcmp(a, "--kernel") == 0 && v) {
            kernel = v;
            i++;
        } else if (strcmp(a, "--expr") == 0 && v) {
            text = v;
            i++;
        } else if (strcmp(a, "--n") == 0 && v) {
            char *end;
            double d = strtod(v, &end);
            if (*end || !(d >= 8 && d <= 1e7) || d != floor(d)) {
                fprintf(stderr, "simdquad bench: --n needs a whole number from 8 "
                                "to 10^7, not '%s'\n", v);
                return EXIT_USAGE;
            }
            n = (size_t)d;
            i++;
        } else if (strcmp(a, "--threads") == 0 && v) {
            char *end;
            long t = strtol(v, &end, 10);
            if (*end || t < 1 || t > 4096) {
                fprintf(stderr, "simdquad bench: --threads needs a whole number "
                                "from 1 to 4096, not '%s'\n", v);
                return EXIT_USAGE;
            }
            threads = (int)t;
            i++;
        } else {
            fprintf(stderr, "simdquad bench: unexpected argument '%s' (see "
                            "simdquad help)\n", a);
            return EXIT_USAGE;
        }
    }
    if ((kernel != NULL) == (text != NULL)) {
        if (kernel == NULL)
            kernel = "gauss_cos";       /* the default subject */
        else {
            fprintf(stderr, "simdquad bench: give --kernel or --expr, not both\n");
            return EXIT_USAGE;
        }
    }
    subject s = {-1, NULL, 0, SQ_ISA_AUTO, SQ_MATH_AUTO};
    int twin_kernel = -1;
    const char *name;
    if (kernel != NULL) {
        s.kernel = sq_kernel_find(kernel);
        if (s.kernel < 0) {
            fprintf(stderr, "simdquad bench: unknown kernel '%s'; the kernels "
                            "are:", kernel);
            for (size_t k = 0; k < sq_kernel_count(); k++)
                fprintf(stderr, " %s", sq_kernel_name(k));
            fprintf(stderr, "\n");
            return EXIT_USAGE;
        }
        name = sq_kernel_formula((size_t)s.kernel);
    } else {
        s.expr = cli_compile(cmd, text);
        if (s.expr == NULL)
            return EXIT_USAGE;
        if (sq_expr_nparams(s.expr) > 0 || sq_expr_noutputs(s.expr) != 1) {
            fprintf(stderr, "simdquad bench: the expression %s\n",
                    sq_expr_nparams(s.expr) > 0 ? "uses parameters"
                                                : "has several outputs");
            sq_expr_free(s.expr);
            return EXIT_USAGE;
        }
        name = text;
        for (size_t k = 0; k < sq_kernel_count(); k++)
            if (strcmp(sq_kernel_formula(k), text) == 0)
                twin_kernel = (int)k;
    }

    /* Rows: the twin, then each ISA and backend; on 1 thread and on
     * `threads`. */
    typedef struct row {
        char impl[40];
        double r1, rn, ulps;
    } row;
    row rows[SQ_ISA_COUNT * SQ_MATH_COUNT + 2];
    size_t nr = 0;
    s.twin = 1;
    rows[nr] = (row){"", rate(&s, n, 1), rate(&s, n, threads),
                     s.kernel >= 0 ? worst_ulps(&s, n) : 0};
    snprintf(rows[nr++].impl, sizeof rows[0].impl, "%s",
             kernel ? "libm" : "libm, interpreted");
    s.twin = 0;
    for (int isa = SQ_ISA_SCALAR; isa < SQ_ISA_COUNT; isa++) {
        if (!sq_isa_supported((sq_isa)isa))
            continue;
        s.isa = (sq_isa)isa;
        for (int m = SQ_MATH_SLEEF_U10; m < SQ_MATH_COUNT; m++) {
            if (math_all ? !sq_math_supported((sq_math)m, s.isa)
                         : (sq_math)m != sq_math_resolve(math)
                               || !sq_math_supported(math, s.isa))
                continue;
            s.math = (sq_math)m;
            rows[nr] = (row){"", rate(&s, n, 1), rate(&s, n, threads),
                             worst_ulps(&s, n)};
            snprintf(rows[nr++].impl, sizeof rows[0].impl, "%s %s",
                     sq_isa_name(s.isa), sq_math_name(s.math));
        }
    }
    double vs_kernel = NAN;
    if (twin_kernel >= 0) {
        subject k = {twin_kernel, NULL, 0, SQ_ISA_AUTO, SQ_MATH_AUTO};
        s.isa = SQ_ISA_AUTO;
        s.math = SQ_MATH_AUTO;
        double rk = rate(&k, n, 1), re = rate(&s, n, 1);
        vs_kernel = re / rk;
    }
    const char *best = sq_isa_name(sq_isa_resolve(SQ_ISA_AUTO));
    if (json) {
        printf("{\"integrand\": \"");
        for (const char *c = name; *c; c++)
            printf(*c == '"' || *c == '\\' ? "\\%c" : "%c", *c);
        printf("\", \"kind\": \"%s\", \"n\": %zu, \"threads\": %d, \"isa\": \"%s\", "
               "\"rows\": [", kernel ? "kernel" : "expression", n, threads, best);
        for (size_t i = 0; i < nr; i++) {
            printf("%s{\"impl\": \"%s\", \"evals_per_s_1\": ", i ? ", " : "",
                   rows[i].impl);
            cli_json_number(stdout, rows[i].r1);
            printf(", \"evals_per_s_n\": ");
            cli_json_number(stdout, rows[i].rn);
            printf(", \"worst_ulps\": ");
            cli_json_number(stdout, rows[i].ulps);
            printf("}");
        }
        printf("], \"machine_vs_kernel\": ");
        cli_json_number(stdout, vs_kernel);
        printf("}\n");
    } else {
        printf("%s, arrays of %zu points in (0, 6), median of 7 runs\n\n", name, n);
        printf("  %-24s %14s %8s %14s %8s %9s\n", "evaluated", "Mevals/s 1t",
               "ratio", "Mevals/s", "ratio", "ulps");
        for (size_t i = 0; i < nr; i++) {
            char tn[32];
            snprintf(tn, sizeof tn, "%dt", threads);
            printf("  %-24s %14.1f %7.2fx %11.1f %-2s %7.2fx %9.2f\n",
                   rows[i].impl, rows[i].r1 / 1e6, rows[i].r1 / rows[0].r1,
                   rows[i].rn / 1e6, tn, rows[i].rn / rows[0].r1, rows[i].ulps);
        }
        printf("\n  ulps: the largest error in units in the last place, %s\n",
               kernel ? "against the kernel in long double"
                      : "as the distance from the libm twin");
        if (!isnan(vs_kernel))
            printf("\n  the expression machine at %s runs at %.2f of the speed of the "
                   "hand-written kernel '%s'\n", best, vs_kernel,
                   sq_kernel_name((size_t)twin_kernel));
    }
    sq_expr_free(s.expr);
    return cli_finish(cmd, EXIT_ALL_OK);
}
