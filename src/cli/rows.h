/* SPDX-License-Identifier: MIT */
/*
 * The batch's problems file (CSV, a header naming the columns) read a
 * chunk of rows at a time, and the results written as rows: shared by
 * the one-process batch (run.c) and the batch over MPI ranks
 * (batch_mpi.c).
 */
#ifndef SQ_CLI_ROWS_H
#define SQ_CLI_ROWS_H

#include <stdio.h>
#include <sys/types.h>

#include "cli.h"

enum { COL_A, COL_B, COL_EPSABS, COL_EPSREL, COL_P0, NCOL = COL_P0 + 16 };

/* Rows per chunk: memory is bounded by a chunk, whatever the file's size. */
enum { CHUNK = 65536 };

typedef struct table {
    size_t n, cap;
    double *col[NCOL];
    int has[NCOL];
    /* The points column: row i's breakpoints are pts[off[i] .. off[i+1]). */
    int has_points;
    double *pts;
    size_t npts, pts_cap, *off, widest;
    /* Rows that could not be read: why (with the line), NULL for good ones. */
    char **why;
    size_t nbad;
} table;

/* The problems file, read a chunk of rows at a time. */
typedef struct reader {
    const char *cmd, *path;
    FILE *f;
    char *line;
    size_t cap, lineno;
    int map[NCOL + 2], ncols;
    int strict;
    int done;                  /* the end of the file (or of the limit) was reached */
    off_t pos;                 /* the byte where the next line starts */
    off_t limit;               /* no line starting here or later is read (-1: none) */
    off_t body;                /* where the line after the header starts */
    size_t body_lineno;        /* the lines up to and including the header */
} reader;

/* Open `path` ("-": standard input) and clear t; -1 after a message. */
int reader_open(reader *r, const char *cmd, const char *path, int strict, table *t);
void reader_close(reader *r);
void table_free(table *t);

/*
 * Read the header, if not read yet, and up to `max` rows into t (whose
 * earlier rows are cleared); -1 after a message naming the line. With
 * max = 0 only the header is read. A row that cannot be read (a cell that
 * is not a number, a wrong number of fields) is kept as a bad row with
 * its reason in t->why, reported on stderr, unless `strict`, when it stops
 * the reading. A UTF-8 byte order mark and lines starting with # are
 * skipped.
 */
int read_rows(reader *r, table *t, size_t max);

/*
 * Continue reading at the first line that starts at or after byte
 * `start` (a line starts after a newline), numbering it `lineno_before`
 * + 1, and stop before the first line that starts at or after `limit`.
 * The header must have been read. -1 if the file cannot seek.
 */
int reader_seek(reader *r, off_t start, off_t limit, size_t lineno_before);

/* Rows of results, CSV or JSON Lines; returns how many are not ok. */
size_t write_rows(FILE *out, int json, const sq_result *res, size_t n);

/* With K > 1 (an expression of K outputs) the components' values and
 * errors, v[i * K + k] and e[i * K + k], replace the value and error
 * columns. */
size_t write_rows_vec(FILE *out, int json, const sq_result *res, size_t n,
                      size_t K, const double *v, const double *e);

/* The CSV header of the results. */
extern const char rows_csv_header[];

/* The CSV header of K components: value0, ..., error0, ..., then the rest. */
void rows_csv_header_vec(FILE *out, size_t K);

/* An sq_vec_point_fn over a cli_slow: every output at one point. */
int cli_slow_vector_point(double x, size_t K, double *y, void *ctx);

/* The chunk's problems in t, solved into res (room for CHUNK), with the
 * scratch arrays the library reads; the batch's worst status in *worst.
 * -1 if the breakpoint rows could not be made. */
int solve_rows(const table *t, sq_expr *e, size_t np, sq_options *opt,
               const cli_slow *expensive, double *params, double *ea, double *er,
               sq_result *res, sq_status *worst_out);

/* The same for an expression of K > 1 outputs, the components into v and
 * err (K a row); v NULL: solve_rows. */
int solve_rows_vec(const table *t, sq_expr *e, size_t np, sq_options *opt,
                   const cli_slow *expensive, double *params, double *ea,
                   double *er, sq_result *res, double *v, double *err,
                   sq_status *worst_out);

/* The first parameter the expression uses that t has no column for, or -1. */
int rows_missing_param(const table *t, const sq_expr *e);

#endif
