/* SPDX-License-Identifier: MIT */
/*
 * The machine-readable side of a benchmark run: every measurement as one
 * JSON object in a file, and gnuplot plots when gnuplot is installed.
 */
#ifndef SQ_BENCH_REPORT_H
#define SQ_BENCH_REPORT_H

#include <stddef.h>

#include "bench_util.h"

typedef struct report report;

/* Open a report writing JSON to `json_path` (NULL: none) and plots into
 * `plot_dir` (NULL: none). Returns NULL only if memory runs out. */
report *report_open(const char *json_path, const char *plot_dir, int threads);

/* One measurement: what (section, name, implementation, ISA), at which
 * array size and thread count, in evaluations per second (or any unit
 * named by `unit`), with its median, min and max. */
void report_add(report *r, const char *section, const char *name,
                const char *impl, const char *isa, size_t n, int threads,
                const char *unit, double median, double min, double max);

/* A data series for a plot: (x, y) points under a label, with the
 * repeats' range [lo, hi] drawn as a bar. */
void report_point(report *r, const char *plot, const char *label, double x,
                  double y, double lo, double hi);

/* Write the plots (PNG via gnuplot, or a note that it is missing), close the
 * JSON file and free everything. */
void report_close(report *r);

#endif
