/* SPDX-License-Identifier: MIT */
#include "bench_util.h"

#include <sleef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "simdquad.h"

#ifndef SQ_BENCH_CFLAGS
#define SQ_BENCH_CFLAGS "unknown"
#endif

double bench_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int cmp_double(const void *p, const void *q)
{
    double a = *(const double *)p, b = *(const double *)q;
    return (a > b) - (a < b);
}

bench_stat bench_summarize(double *samples, size_t n)
{
    bench_stat s = {0, 0, 0};
    if (n == 0)
        return s;
    qsort(samples, n, sizeof *samples, cmp_double);
    s.min = samples[0];
    s.max = samples[n - 1];
    s.median = n % 2 ? samples[n / 2] : 0.5 * (samples[n / 2 - 1] + samples[n / 2]);
    return s;
}

bench_stat bench_time(void (*fn)(void *ctx), void *ctx, int repeats)
{
    double samples[256];
    if (repeats < 1)
        repeats = 1;
    if (repeats > 256)
        repeats = 256;
    fn(ctx);
    for (int r = 0; r < repeats; r++) {
        double t = bench_now();
        fn(ctx);
        samples[r] = bench_now() - t;
    }
    return bench_summarize(samples, (size_t)repeats);
}

double bench_ratio(void (*fn_a)(void *), void *ctx_a, void (*fn_b)(void *),
                   void *ctx_b, int repeats, bench_stat *a, bench_stat *b)
{
    double ta[256], tb[256], ratio[256];
    if (repeats < 1)
        repeats = 1;
    if (repeats > 256)
        repeats = 256;
    fn_a(ctx_a);
    fn_b(ctx_b);
    for (int r = 0; r < repeats; r++) {
        double t = bench_now();
        fn_a(ctx_a);
        ta[r] = bench_now() - t;
        t = bench_now();
        fn_b(ctx_b);
        tb[r] = bench_now() - t;
        ratio[r] = tb[r] / ta[r];
    }
    if (a != NULL)
        *a = bench_summarize(ta, (size_t)repeats);
    if (b != NULL)
        *b = bench_summarize(tb, (size_t)repeats);
    return bench_summarize(ratio, (size_t)repeats).median;
}

const char *bench_cpu_model(void)
{
    static char model[256];
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (f == NULL)
        return "unknown";
    char line[512];
    snprintf(model, sizeof model, "unknown");
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "model name", 10) == 0) {
            char *colon = strchr(line, ':');
            if (colon) {
                snprintf(model, sizeof model, "%s", colon + 2);
                model[strcspn(model, "\n")] = 0;
            }
            break;
        }
    }
    fclose(f);
    return model;
}

const char *bench_cpu_flags(void)
{
    static char flags[256];
    static const char *const wanted[] = {"sse2", "avx", "fma", "avx2", "avx512f",
                                         "avx512dq", "avx512vl"};
    FILE *f = fopen("/proc/cpuinfo", "r");
    snprintf(flags, sizeof flags, "unknown");
    if (f == NULL)
        return flags;
    char line[8192];
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "flags", 5) != 0)
            continue;
        size_t n = 0;
        flags[0] = 0;
        for (size_t i = 0; i < sizeof wanted / sizeof *wanted; i++) {
            char pat[32];
            snprintf(pat, sizeof pat, " %s ", wanted[i]);
            line[strcspn(line, "\n")] = ' ';
            if (strstr(line, pat) != NULL)
                n += (size_t)snprintf(flags + n, sizeof flags - n, "%s%s",
                                      n ? " " : "", wanted[i]);
        }
        break;
    }
    fclose(f);
    return flags;
}

void bench_header(FILE *out, const char *title, int threads)
{
    fprintf(out, "# %s\n\n", title);
    fprintf(out, "| | |\n|---|---|\n");
    fprintf(out, "| machine | %s, %ld logical cores |\n", bench_cpu_model(),
            sysconf(_SC_NPROCESSORS_ONLN));
    fprintf(out, "| CPU flags | %s |\n", bench_cpu_flags());
    fprintf(out, "| ISAs this CPU runs |");
    for (int i = SQ_ISA_SCALAR; i < SQ_ISA_COUNT; i++)
        if (sq_isa_supported((sq_isa)i))
            fprintf(out, " %s", sq_isa_name((sq_isa)i));
    fprintf(out, " (automatic choice: %s) |\n",
            sq_isa_name(sq_isa_resolve(SQ_ISA_AUTO)));
#if defined(__clang__)
    fprintf(out, "| compiler | clang %s |\n", __clang_version__);
#elif defined(__GNUC__)
    fprintf(out, "| compiler | gcc %s |\n", __VERSION__);
#endif
    fprintf(out, "| flags | %s |\n", SQ_BENCH_CFLAGS);
    fprintf(out, "| SLEEF | %d.%d.%d |\n", SLEEF_VERSION_MAJOR,
            SLEEF_VERSION_MINOR, SLEEF_VERSION_PATCHLEVEL);
    fprintf(out, "| simdquad | %s |\n", sq_version());
    fprintf(out, "| threads | %d |\n\n", threads);
}
