/* SPDX-License-Identifier: MIT */
#include "bench_report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "simdquad.h"

typedef struct point {
    char plot[32], label[48];
    double x, y, lo, hi;
} point;

struct report {
    FILE *json;
    int first;
    char *plot_dir;
    point *pts;
    size_t npts, cap;
};

static void json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fputc('\\', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

report *report_open(const char *json_path, const char *plot_dir, int threads)
{
    report *r = calloc(1, sizeof *r);
    if (r == NULL)
        return NULL;
    r->first = 1;
    if (plot_dir != NULL) {
        r->plot_dir = strdup(plot_dir);
        mkdir(plot_dir, 0777);
    }
    if (json_path != NULL) {
        r->json = fopen(json_path, "w");
        if (r->json == NULL) {
            fprintf(stderr, "simdquad-bench: cannot write %s\n", json_path);
        } else {
            fprintf(r->json, "{\"machine\": {\"cpu\": ");
            json_string(r->json, bench_cpu_model());
            fprintf(r->json, ", \"flags\": ");
            json_string(r->json, bench_cpu_flags());
            fprintf(r->json, ", \"threads\": %d, \"simdquad\": ", threads);
            json_string(r->json, sq_version());
            fprintf(r->json, "},\n \"results\": [\n");
        }
    }
    return r;
}

void report_add(report *r, const char *section, const char *name,
                const char *impl, const char *isa, size_t n, int threads,
                const char *unit, double median, double min, double max)
{
    if (r == NULL || r->json == NULL)
        return;
    fprintf(r->json, "%s  {\"section\": ", r->first ? "" : ",\n");
    r->first = 0;
    json_string(r->json, section);
    fprintf(r->json, ", \"name\": ");
    json_string(r->json, name);
    fprintf(r->json, ", \"impl\": ");
    json_string(r->json, impl);
    fprintf(r->json, ", \"isa\": ");
    json_string(r->json, isa);
    fprintf(r->json, ", \"n\": %zu, \"threads\": %d, \"unit\": ", n, threads);
    json_string(r->json, unit);
    fprintf(r->json, ", \"median\": %.6g, \"min\": %.6g, \"max\": %.6g}", median,
            min, max);
}

void report_point(report *r, const char *plot, const char *label, double x,
                  double y, double lo, double hi)
{
    if (r == NULL || r->plot_dir == NULL)
        return;
    if (r->npts == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 64;
        point *p = realloc(r->pts, cap * sizeof *p);
        if (p == NULL)
            return;
        r->pts = p;
        r->cap = cap;
    }
    point *p = &r->pts[r->npts++];
    snprintf(p->plot, sizeof p->plot, "%s", plot);
    snprintf(p->label, sizeof p->label, "%s", label);
    p->x = x;
    p->y = y;
    p->lo = lo;
    p->hi = hi;
}

/* One colour per ISA (and for libm), the same in every plot; other
 * labels take gnuplot's own. */
static const char *colour_of(const char *label)
{
    static const char *const map[][2] = {
        {"libm", "#7f7f7f"}, {"scalar", "#2ca02c"}, {"sse2", "#9467bd"},
        {"avx2", "#1f77b4"}, {"avx512", "#d62728"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(label, map[i][0]) == 0)
            return map[i][1];
    return NULL;
}

/* One PNG per plot name: a line per label. */
static void write_plots(report *r)
{
    FILE *probe = popen("gnuplot --version 2>/dev/null", "r");
    char ver[64] = {0};
    int have = probe != NULL && fgets(ver, sizeof ver, probe) != NULL;
    if (probe != NULL)
        pclose(probe);
    if (!have) {
        printf("Plots skipped: gnuplot is not installed (apt-get install "
               "gnuplot-nox).\n\n");
        return;
    }
    for (size_t i = 0; i < r->npts; i++) {
        const char *plot = r->pts[i].plot;
        int seen = 0;
        for (size_t j = 0; j < i; j++)
            seen |= strcmp(r->pts[j].plot, plot) == 0;
        if (seen)
            continue;
        char cmd[1024];
        snprintf(cmd, sizeof cmd, "gnuplot > /dev/null 2>&1");
        FILE *g = popen(cmd, "w");
        if (g == NULL)
            continue;
        int sizes = strstr(plot, "size") != NULL;
        fprintf(g, "set terminal pngcairo size 900,560 noenhanced\n");
        fprintf(g, "set output '%s/%s.png'\n", r->plot_dir, plot);
        fprintf(g, "set key outside right\nset grid\n");
        double xmax = 0;
        for (size_t j = i; j < r->npts; j++)
            if (strcmp(r->pts[j].plot, plot) == 0 && r->pts[j].x > xmax)
                xmax = r->pts[j].x;
        if (sizes) {
            /* Powers of two as 2^k, not 1.04858e+06. */
            fprintf(g, "set logscale x 2\nset format x '2^%%L'\n"
                       "set offsets graph 0.04, graph 0.04, graph 0.05, 0\n"
                       "set xlabel 'points per array (x and y: 16 bytes each)'\n"
                       "set ylabel 'million evaluations per second'\n");
            fprintf(g, "set title '%s: throughput against array size, one thread "
                       "(bars: min-max of the repeats)'\n", plot);
        } else {
            /* Whole threads only, the measured counts marked, and the
             * ideal speed-up for reference. */
            fprintf(g, "set xtics 1\nset mxtics 1\nset xrange [0.5:%g]\n"
                       "set yrange [0:*]\nset xlabel 'threads'\n"
                       "set ylabel 'speed-up over one thread'\n"
                       "set title '%s: speed-up against threads (bars: min-max "
                       "of the repeats)'\n", xmax + 0.5, plot);
        }
        /* Labels of this plot, each as an inline data block. */
        fprintf(g, "plot ");
        int nl = 0;
        for (size_t j = i; j < r->npts; j++) {
            if (strcmp(r->pts[j].plot, plot) != 0)
                continue;
            int dup = 0;
            for (size_t k = i; k < j; k++)
                dup |= strcmp(r->pts[k].plot, plot) == 0
                       && strcmp(r->pts[k].label, r->pts[j].label) == 0;
            if (dup)
                continue;
            const char *c = colour_of(r->pts[j].label);
            fprintf(g, "%s'-' using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 1.2 %s%s%s "
                       "title '%s'", nl++ ? ", " : "", c ? "lc rgb '" : "", c ? c : "",
                    c ? "'" : "", r->pts[j].label);
        }
        if (!sizes)
            fprintf(g, ", x with lines dt 2 lc rgb '#aaaaaa' title 'ideal'");
        fprintf(g, "\n");
        for (size_t j = i; j < r->npts; j++) {
            if (strcmp(r->pts[j].plot, plot) != 0)
                continue;
            int dup = 0;
            for (size_t k = i; k < j; k++)
                dup |= strcmp(r->pts[k].plot, plot) == 0
                       && strcmp(r->pts[k].label, r->pts[j].label) == 0;
            if (dup)
                continue;
            for (size_t k = j; k < r->npts; k++)
                if (strcmp(r->pts[k].plot, plot) == 0
                    && strcmp(r->pts[k].label, r->pts[j].label) == 0)
                    fprintf(g, "%.6g %.6g %.6g %.6g\n", r->pts[k].x, r->pts[k].y,
                            r->pts[k].lo, r->pts[k].hi);
            fprintf(g, "e\n");
        }
        pclose(g);
        printf("Plot: %s/%s.png\n", r->plot_dir, plot);
    }
    printf("\n");
}

void report_close(report *r)
{
    if (r == NULL)
        return;
    if (r->plot_dir != NULL)
        write_plots(r);
    if (r->json != NULL) {
        fprintf(r->json, "\n ]}\n");
        fclose(r->json);
    }
    free(r->plot_dir);
    free(r->pts);
    free(r);
}
