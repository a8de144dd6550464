/* SPDX-License-Identifier: MIT */
/* The batch's problems file read in chunks of rows, and its results
 * written as rows (rows.h). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rows.h"

const char rows_csv_header[] = "value,error,evals,status,intervals,where,detail\n";

void table_free(table *t)
{
    for (int c = 0; c < NCOL; c++)
        free(t->col[c]);
    free(t->pts);
    free(t->off);
    for (size_t i = 0; t->why != NULL && i < t->n; i++)
        free(t->why[i]);
    free(t->why);
}

/* Append a row's breakpoints (a ;-separated cell); -1 after a message. */
static int add_points(const char *cmd, table *t, const char *cell, const char *where)
{
    double p[CLI_MAX_POINTS];
    int n = cli_points(cmd, where, cell, ';', p);
    if (n < 0)
        return -1;
    if (t->npts + (size_t)n > t->pts_cap) {
        size_t nc = t->pts_cap ? 2 * t->pts_cap : 1024;
        while (nc < t->npts + (size_t)n)
            nc *= 2;
        double *q = realloc(t->pts, nc * sizeof *q);
        if (q == NULL) {
            fprintf(stderr, "simdquad %s: out of memory at %s\n", cmd, where);
            return -1;
        }
        t->pts = q;
        t->pts_cap = nc;
    }
    memcpy(t->pts + t->npts, p, (size_t)n * sizeof *p);
    t->npts += (size_t)n;
    if ((size_t)n > t->widest)
        t->widest = (size_t)n;
    return 0;
}

enum { COL_POINTS = NCOL };

static int column_of(const char *name)
{
    if (strcmp(name, "points") == 0)
        return COL_POINTS;
    if (strcmp(name, "a") == 0)
        return COL_A;
    if (strcmp(name, "b") == 0)
        return COL_B;
    if (strcmp(name, "epsabs") == 0)
        return COL_EPSABS;
    if (strcmp(name, "epsrel") == 0)
        return COL_EPSREL;
    if (name[0] == 'p' && name[1] >= '0' && name[1] <= '9') {
        char *end;
        long k = strtol(name + 1, &end, 10);
        int canonical = *end == 0 && (name[1] != '0' || name[2] == 0);
        if (canonical && k >= 0 && k < 16)
            return COL_P0 + (int)k;
    }
    return -1;
}

/* Split a line at commas in place; trims spaces. Returns the field count. */
static size_t split(char *line, char **fields, size_t max)
{
    size_t n = 0;
    char *p = line;
    for (;;) {
        while (*p == ' ' || *p == '\t')
            p++;
        char *start = p;
        while (*p && *p != ',')
            p++;
        char *end = p;
        while (end > start && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'
                               || end[-1] == '\n'))
            end--;
        int last = *p == 0;
        *end = 0;
        if (n < max)
            fields[n] = start;
        n++;
        if (last)
            break;
        p++;
    }
    return n;
}

static const char *column_name(int c)
{
    static const char *const fixed[] = {"a", "b", "epsabs", "epsrel"};
    static const char *const p[] = {"p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7",
                                    "p8", "p9", "p10", "p11", "p12", "p13", "p14",
                                    "p15"};
    return c < COL_P0 ? fixed[c] : p[c - COL_P0];
}

/* A number cell: 0, or -1 with the reason in why. Overflow and underflow
 * to zero are refused, as the limits' parser refuses them (a subnormal is
 * a number). */
static int read_cell(const char *cell, const char *column, double *v, char *why,
                     size_t len)
{
    char *end;
    errno = 0;
    *v = strtod(cell, &end);
    if (end == cell || *end != 0) {
        snprintf(why, len, "%s: '%s' is not a number", column, cell);
        return -1;
    }
    if (errno == ERANGE && (isinf(*v) || *v == 0)) {
        snprintf(why, len, "%s: '%s' is out of the range of doubles", column, cell);
        return -1;
    }
    return 0;
}

int reader_open(reader *r, const char *cmd, const char *path, int strict, table *t)
{
    memset(r, 0, sizeof *r);
    memset(t, 0, sizeof *t);
    r->cmd = cmd;
    r->path = path;
    r->strict = strict;
    r->limit = -1;
    r->f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    if (r->f == NULL) {
        fprintf(stderr, "simdquad %s: cannot read '%s': %s\n", cmd, path,
                strerror(errno));
        return -1;
    }
    return 0;
}

void reader_close(reader *r)
{
    free(r->line);
    if (r->f != NULL && r->f != stdin)
        fclose(r->f);
    r->f = NULL;
}

int reader_seek(reader *r, off_t start, off_t limit, size_t lineno_before)
{
    r->done = 0;
    r->limit = limit;
    if (start <= r->body) {
        /* At or before the header's end: the rows start after it. */
        r->pos = r->body;
        r->lineno = r->body_lineno;
        return fseeko(r->f, r->body, SEEK_SET) != 0 ? -1 : 0;
    }
    /* A line starts at `start` if the byte before it is a newline; else
     * the first line after it is the first that starts past `start`. */
    if (fseeko(r->f, start - 1, SEEK_SET) != 0)
        return -1;
    r->pos = start - 1;
    r->lineno = lineno_before;
    int c;
    while ((c = getc(r->f)) != EOF) {
        r->pos++;
        if (c == '\n')
            break;
    }
    return ferror(r->f) ? -1 : 0;
}

/* Forget the rows of the last chunk, keeping the columns and their room. */
static void table_clear_rows(table *t)
{
    for (size_t i = 0; t->why != NULL && i < t->n; i++) {
        free(t->why[i]);
        t->why[i] = NULL;
    }
    t->n = 0;
    t->npts = 0;
    t->widest = 0;
}

int read_rows(reader *r, table *t, size_t max)
{
    const char *cmd = r->cmd, *path = r->path;
    FILE *f = r->f;
    int strict = r->strict;
    int *map = r->map;
    table_clear_rows(t);
    ssize_t len;
    int status = 0;
    char *fields[NCOL + 2];
    int at_end = 0;
    while (r->ncols == 0 || t->n < max) {
        if (r->limit >= 0 && r->pos >= r->limit) {
            at_end = 1;
            break;
        }
        if ((len = getline(&r->line, &r->cap, f)) < 0) {
            at_end = 1;
            break;
        }
        r->pos += (off_t)len;
        char *line = r->line;
        size_t lineno = ++r->lineno;
        if (memchr(line, 0, (size_t)len) != NULL) {
            fprintf(stderr, "simdquad %s: %s:%zu: NUL byte\n", cmd, path, lineno);
            status = -1;
            break;
        }
        char *p = line;
        if (lineno == 1 && strncmp(p, "\xEF\xBB\xBF", 3) == 0)
            memmove(line, line + 3, strlen(line + 3) + 1);     /* a BOM */
        while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
            p++;
        if (*p == 0 || *p == '#')
            continue;                          /* blank line or comment */
        size_t nf = split(line, fields, NCOL + 2);
        if (r->ncols == 0) {
            /* The header. */
            if (nf > NCOL + 1) {
                fprintf(stderr, "simdquad %s: %s:%zu: too many columns\n", cmd,
                        path, lineno);
                status = -1;
                break;
            }
            for (size_t i = 0; i < nf; i++) {
                int c = column_of(fields[i]);
                int seen = c == COL_POINTS ? t->has_points : c >= 0 && t->has[c];
                if (c < 0 || seen) {
                    fprintf(stderr, "simdquad %s: %s:%zu: %s column '%s' (a, b, "
                                    "epsabs, epsrel, p0 ... p15, points)\n", cmd,
                            path, lineno, c < 0 ? "unknown" : "repeated", fields[i]);
                    status = -1;
                    break;
                }
                if (c == COL_POINTS)
                    t->has_points = 1;
                else
                    t->has[c] = 1;
                map[i] = c;
            }
            if (status != 0)
                break;
            if (!t->has[COL_A] || !t->has[COL_B]) {
                fprintf(stderr, "simdquad %s: %s:%zu: the header needs columns a "
                                "and b\n", cmd, path, lineno);
                status = -1;
                break;
            }
            r->ncols = (int)nf;
            r->body = r->pos;
            r->body_lineno = lineno;
            continue;
        }
        char why[256] = "";
        if (nf != (size_t)r->ncols)
            snprintf(why, sizeof why, "%zu fields, the header has %d", nf,
                     r->ncols);
        if (why[0] != 0 && strict) {
            fprintf(stderr, "simdquad %s: %s:%zu: %s\n", cmd, path, lineno, why);
            status = -1;
            break;
        }
        if (t->n == t->cap) {
            size_t nc = t->cap ? 2 * t->cap : 1024;
            for (int c = 0; c < NCOL; c++) {
                if (!t->has[c])
                    continue;
                double *q = realloc(t->col[c], nc * sizeof *q);
                if (q == NULL) {
                    fprintf(stderr, "simdquad %s: out of memory at line %zu\n",
                            cmd, lineno);
                    status = -1;
                    break;
                }
                t->col[c] = q;
            }
            if (status != 0)
                break;
            char **wq = realloc(t->why, nc * sizeof *wq);
            if (wq == NULL) {
                fprintf(stderr, "simdquad %s: out of memory at line %zu\n", cmd,
                        lineno);
                status = -1;
                break;
            }
            t->why = wq;
            if (t->has_points) {
                size_t *q = realloc(t->off, (nc + 1) * sizeof *q);
                if (q == NULL) {
                    fprintf(stderr, "simdquad %s: out of memory at line %zu\n",
                            cmd, lineno);
                    status = -1;
                    break;
                }
                t->off = q;
                t->off[0] = 0;
            }
            t->cap = nc;
        }
        for (int c = 0; c < NCOL; c++)
            if (t->has[c])
                t->col[c][t->n] = NAN;
        if (t->has_points)
            t->off[t->n + 1] = t->npts;
        size_t npts_row = t->npts;
        for (int i = 0; why[0] == 0 && i < r->ncols; i++) {
            if (map[i] == COL_POINTS) {
                char where[64];
                snprintf(where, sizeof where, "line %zu, points", lineno);
                if (add_points(cmd, t, fields[i], where) != 0)
                    snprintf(why, sizeof why, "points: '%s' is not a list of "
                             "constant expressions", fields[i]);
                continue;
            }
            double v;
            if (read_cell(fields[i], column_name(map[i]), &v, why, sizeof why) == 0)
                t->col[map[i]][t->n] = v;
        }
        t->why[t->n] = NULL;
        if (why[0] != 0) {
            if (strict) {
                fprintf(stderr, "simdquad %s: %s:%zu: %s\n", cmd, path, lineno, why);
                status = -1;
                break;
            }
            /* The row stays, as bad_input with its reason; the others go on.
             * The first ten are reported here, all in the detail column. */
            if (t->nbad < 10)
                fprintf(stderr, "simdquad %s: %s:%zu: %s (the row is bad_input)\n",
                        cmd, path, lineno, why);
            else if (t->nbad == 10)
                fprintf(stderr, "simdquad %s: %s: more bad rows (see the detail "
                                "column)\n", cmd, path);
            char full[300];
            snprintf(full, sizeof full, "line %zu: %s", lineno, why);
            t->why[t->n] = strdup(full);
            t->nbad++;
            for (int c = 0; c < NCOL; c++)
                if (t->has[c])
                    t->col[c][t->n] = NAN;
            t->npts = npts_row;
        }
        if (t->has_points)
            t->off[t->n + 1] = t->npts;
        t->n++;
    }
    if (status == 0 && at_end) {
        r->done = 1;
        if (ferror(f)) {
            fprintf(stderr, "simdquad %s: cannot read '%s': %s\n", cmd, path,
                    strerror(errno));
            status = -1;
        } else if (r->ncols == 0) {
            fprintf(stderr, "simdquad %s: %s: no header (a,b,...)\n", cmd, path);
            status = -1;
        }
    }
    return status;
}

void rows_csv_header_vec(FILE *out, size_t K)
{
    for (size_t k = 0; k < K; k++)
        fprintf(out, "value%zu,", k);
    for (size_t k = 0; k < K; k++)
        fprintf(out, "error%zu,", k);
    fputs("evals,status,intervals,where,detail\n", out);
}

int cli_slow_vector_point(double x, size_t K, double *y, void *ctx)
{
    (void)K;   /* the expression's outputs: y[k] at one point */
    return cli_slow_point(x, y, ctx);
}

/* A JSON array of K numbers. */
static void json_array(FILE *out, const double *v, size_t K)
{
    fputc('[', out);
    for (size_t k = 0; k < K; k++) {
        if (k > 0)
            fputs(", ", out);
        cli_json_number(out, v[k]);
    }
    fputc(']', out);
}

size_t write_rows(FILE *out, int json, const sq_result *res, size_t n)
{
    return write_rows_vec(out, json, res, n, 1, NULL, NULL);
}

size_t write_rows_vec(FILE *out, int json, const sq_result *res, size_t n,
                      size_t K, const double *v, const double *e)
{
    size_t not_ok = 0;
    for (size_t i = 0; i < n; i++) {
        if (v != NULL && !json) {
            for (size_t k = 0; k < K; k++)
                fprintf(out, "%.17g,", v[i * K + k]);
            for (size_t k = 0; k < K; k++)
                fprintf(out, "%.17g,", e[i * K + k]);
            fprintf(out, "%zu,%s,%zu,%.17g,", res[i].evals,
                    sq_status_name(res[i].status), res[i].intervals, res[i].where);
            if (res[i].detail != NULL)
                cli_csv_string(out, res[i].detail);
            fputc('\n', out);
            not_ok += res[i].status != SQ_OK;
            continue;
        }
        if (json && v != NULL) {
            fputs("{\"values\": ", out);
            json_array(out, v + i * K, K);
            fputs(", \"errors\": ", out);
            json_array(out, e + i * K, K);
        } else if (json) {
            fputs("{\"value\": ", out);
            cli_json_number(out, res[i].value);
            fputs(", \"error\": ", out);
            cli_json_number(out, res[i].error);
        }
        if (json) {
            fprintf(out, ", \"evals\": %zu, \"intervals\": %zu, \"rounds\": %u, "
                         "\"status\": \"%s\", \"where\": ", res[i].evals,
                    res[i].intervals, res[i].rounds, sq_status_name(res[i].status));
            cli_json_number(out, res[i].where);
            fputs(", \"detail\": ", out);
            if (res[i].detail != NULL)
                cli_json_string(out, res[i].detail);
            else
                fputs("null", out);
            fputs("}\n", out);
        } else {
            fprintf(out, "%.17g,%.17g,%zu,%s,%zu,%.17g,", res[i].value, res[i].error,
                    res[i].evals, sq_status_name(res[i].status), res[i].intervals,
                    res[i].where);
            if (res[i].detail != NULL)
                cli_csv_string(out, res[i].detail);
            fputc('\n', out);
        }
        not_ok += res[i].status != SQ_OK;
    }
    return not_ok;
}

int solve_rows(const table *t, sq_expr *e, size_t np, sq_options *opt,
               const cli_slow *expensive, double *params, double *ea, double *er,
               sq_result *res, sq_status *worst_out)
{
    return solve_rows_vec(t, e, np, opt, expensive, params, ea, er, res, NULL,
                          NULL, worst_out);
}

int solve_rows_vec(const table *t, sq_expr *e, size_t np, sq_options *opt,
                   const cli_slow *expensive, double *params, double *ea,
                   double *er, sq_result *res, double *v, double *err,
                   sq_status *worst_out)
{
    size_t K = sq_expr_noutputs(e);
    size_t width = t->has_points ? t->widest : 0;
    double *rows = width > 0 ? malloc(t->n * width * sizeof *rows) : NULL;
    if (width > 0 && rows == NULL)
        return -1;
    for (size_t i = 0; i < t->n; i++) {
        for (size_t k = 0; k < np; k++)
            params[i * np + k] = t->has[COL_P0 + k] ? t->col[COL_P0 + k][i] : 0.0;
        ea[i] = t->has[COL_EPSABS] ? t->col[COL_EPSABS][i] : opt->epsabs;
        er[i] = t->has[COL_EPSREL] ? t->col[COL_EPSREL][i] : opt->epsrel;
        for (size_t k = 0; k < width; k++) {
            size_t at = t->off[i] + k;
            rows[i * width + k] = at < t->off[i + 1] ? t->pts[at] : NAN;
        }
    }
    sq_batch bt = {.n = t->n, .a = t->col[COL_A], .b = t->col[COL_B], .epsabs = ea,
                   .epsrel = er, .params = np > 0 ? params : NULL, .nparams = np,
                   .points = rows, .npoints = width};
    sq_status worst;
    if (v != NULL) {
        sq_vec_integrand f = expensive != NULL
                                 ? sq_vfn_point(cli_slow_vector_point, K,
                                                (void *)expensive)
                                 : sq_vfn_expr(e, NULL);
        worst = sq_integrate_vec_batch(NULL, &f, &bt, opt, v, err, res);
    } else {
        sq_integrand f = expensive != NULL
                             ? sq_fn_point(cli_slow_point, (void *)expensive)
                             : sq_fn_expr(e, NULL);
        worst = sq_integrate_batch(NULL, &f, &bt, opt, res);
    }
    free(rows);
    /* Rows that could not be read: bad_input with the reason and line. */
    for (size_t i = 0; i < t->n; i++)
        if (t->why[i] != NULL) {
            res[i].status = SQ_BAD_INPUT;
            res[i].detail = t->why[i];
            res[i].value = NAN;
            res[i].error = INFINITY;
            res[i].evals = res[i].intervals = 0;
            res[i].where = NAN;
            for (size_t k = 0; v != NULL && k < K; k++) {
                v[i * K + k] = NAN;
                err[i * K + k] = INFINITY;
            }
            worst = SQ_BAD_INPUT;     /* the most serious of all */
        }
    *worst_out = worst;
    return 0;
}

int rows_missing_param(const table *t, const sq_expr *e)
{
    size_t np = sq_expr_nparams(e);
    for (size_t k = 0; k < np; k++)
        if (!t->has[COL_P0 + k] && sq_expr_uses_param(e, k))
            return (int)k;
    return -1;
}
