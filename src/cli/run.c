/* SPDX-License-Identifier: MIT */
/*
 * simdquad integrate EXPR A B [options]   one integral
 * simdquad batch EXPR --params FILE       one integral per row of a CSV
 */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

static const char *const run_options =
    "epsabs epsrel rule control threads max-evals max-intervals points isa math json "
    "deterministic";
static const char *const integrate_options =
    "epsabs epsrel rule control threads max-evals max-intervals points isa math json "
    "deterministic workers cost no-speculate";

/* ---- integrate ------------------------------------------------------------------ */

/* The expensive mode: the expression point by point, with the call's ISA
 * and math backend (--math holds here too), each call first waiting
 * `cost` seconds, as a slow simulation would. */
typedef struct slow {
    const sq_expr *e;
    double cost;
    sq_isa isa;
    sq_math math;
} slow;

static int slow_point(double x, double *y, void *ctx)
{
    const slow *s = ctx;
    if (s->cost > 0) {
        struct timespec t;
        t.tv_sec = (time_t)s->cost;
        t.tv_nsec = (long)((s->cost - (double)t.tv_sec) * 1e9);
        while (nanosleep(&t, &t) != 0 && errno == EINTR)
            ;
    }
    return sq_expr_eval_math(s->e, s->isa, s->math, 1, &x, NULL, 0, y) != SQ_OK;
}

static const char *control_name(const sq_options *o)
{
    if (o->control == SQ_CONTROL_LOCAL || o->rule == SQ_RULE_SIMPSON)
        return "local";
    return "global";
}

static const char *rule_name(const sq_options *o)
{
    return o->rule == SQ_RULE_SIMPSON ? "simpson"
         : o->rule == SQ_RULE_GK15 ? "gk15" : "gk21";
}

int cmd_integrate(int argc, char **argv)
{
    const char *cmd = "integrate";
    cli_options o;
    const char *pos[3];
    int n = cli_parse(cmd, argc, argv, integrate_options, &o, pos, 3);
    if (n < 0)
        return EXIT_USAGE;
    if (n != 3) {
        fprintf(stderr, "simdquad integrate: needs EXPR A B, e.g. simdquad "
                        "integrate 'exp(-x*x)' -inf inf\n");
        return EXIT_USAGE;
    }
    double a, b;
    if (cli_constant(cmd, "A", pos[1], &a) != 0
        || cli_constant(cmd, "B", pos[2], &b) != 0)
        return EXIT_USAGE;
    sq_expr *e = cli_compile(cmd, pos[0]);
    if (e == NULL)
        return EXIT_USAGE;
    if (sq_expr_nparams(e) > 0) {
        fprintf(stderr, "simdquad integrate: the expression uses parameters "
                        "(p0 ...): give them per problem with simdquad batch\n");
        sq_expr_free(e);
        return EXIT_USAGE;
    }
    sq_integrand f = sq_fn_expr(e, NULL);
    slow expensive = {e, o.cost, o.opt.isa, o.opt.math};
    if (o.workers_given)
        f = sq_fn_point(slow_point, &expensive);
    sq_result r;
    double t = cli_now();
    sq_status s = sq_integrate(&f, a, b, &o.opt, &r);
    t = cli_now() - t;
    sq_expr_free(e);
    if (s == SQ_BAD_INPUT) {
        fprintf(stderr, "simdquad integrate: %s\n", r.detail ? r.detail : sq_strerror(s));
        return EXIT_USAGE;
    }
    const char *isa = sq_isa_name(sq_isa_resolve(o.opt.isa));
    int threads = o.opt.threads > 0 ? o.opt.threads : sq_default_threads();
    if (o.json) {
        printf("{\"value\": ");
        cli_json_number(stdout, r.value);
        printf(", \"error\": ");
        cli_json_number(stdout, r.error);
        printf(", \"evals\": %zu, \"rounds\": %u, \"intervals\": %zu, "
               "\"status\": \"%s\", \"seconds\": ", r.evals, r.rounds,
               r.intervals, sq_status_name(s));
        cli_json_number(stdout, t);
        printf(", \"isa\": \"%s\", \"threads\": %d, \"rule\": \"%s\", "
               "\"control\": \"%s\", \"math\": \"%s\", \"a\": ", isa, threads,
               rule_name(&o.opt), control_name(&o.opt),
               sq_math_name(sq_math_resolve(o.opt.math)));
        cli_json_number(stdout, a);
        printf(", \"b\": ");
        cli_json_number(stdout, b);
        printf(", \"where\": ");
        cli_json_number(stdout, r.where);
        if (o.workers_given) {
            printf(", \"workers\": %d, \"call_times\": ",
                   o.opt.workers > 0 ? o.opt.workers : sq_default_threads());
            cli_json_number(stdout, o.cost > 0 ? t / o.cost : NAN);
            printf(", \"wasted_evals\": %zu", r.wasted);
        }
        printf("}\n");
    } else {
        printf("%s: %.17g +- %.3g\n", sq_status_name(s), r.value, r.error);
        printf("  %zu evaluations, %u rounds, %zu intervals, %s %s, %s, %d "
               "threads, %.3g s\n", r.evals, r.rounds, r.intervals,
               rule_name(&o.opt), control_name(&o.opt), isa, threads, t);
        if (s != SQ_OK)
            printf("  %s%s\n", sq_strerror(s),
                   s == SQ_NONFINITE && !isnan(r.where) ? " (see where below)" : "");
        if (s == SQ_NONFINITE && !isnan(r.where))
            printf("  where: x = %.17g\n", r.where);
        if (o.workers_given)
            printf("  %d workers, %zu speculative evaluations unused%s\n",
                   o.opt.workers > 0 ? o.opt.workers : sq_default_threads(),
                   r.wasted, o.cost > 0 ? "" : "");
        if (o.workers_given && o.cost > 0)
            printf("  %.2f call-times (wall time / cost; %.0f one after another)\n",
                   t / o.cost, (double)r.evals);
    }
    return cli_finish(cmd, s == SQ_OK ? EXIT_ALL_OK : EXIT_NOT_OK);
}

/* ---- batch -------------------------------------------------------------------------- */

enum { COL_A, COL_B, COL_EPSABS, COL_EPSREL, COL_P0, NCOL = COL_P0 + 16 };

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

static void table_free(table *t)
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

/* The problems file, read a chunk of rows at a time. */
typedef struct reader {
    const char *cmd, *path;
    FILE *f;
    char *line;
    size_t cap, lineno;
    int map[NCOL + 2], ncols;
    int strict;
    int done;                  /* the end of the file was reached */
} reader;

static int reader_open(reader *r, const char *cmd, const char *path, int strict,
                       table *t)
{
    memset(r, 0, sizeof *r);
    memset(t, 0, sizeof *t);
    r->cmd = cmd;
    r->path = path;
    r->strict = strict;
    r->f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    if (r->f == NULL) {
        fprintf(stderr, "simdquad %s: cannot read '%s': %s\n", cmd, path,
                strerror(errno));
        return -1;
    }
    return 0;
}

static void reader_close(reader *r)
{
    free(r->line);
    if (r->f != NULL && r->f != stdin)
        fclose(r->f);
    r->f = NULL;
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

/*
 * Read the header, if not read yet, and up to `max` rows into t (whose
 * earlier rows are cleared); -1 after a message naming the line. A row
 * that cannot be read (a cell that is not a number, a wrong number of
 * fields) is kept as a bad row with its reason in t->why, reported on
 * stderr, unless `strict`, when it stops the reading. A UTF-8 byte order
 * mark and lines starting with # are skipped.
 */
static int read_rows(reader *r, table *t, size_t max)
{
    const char *cmd = r->cmd, *path = r->path;
    FILE *f = r->f;
    int strict = r->strict;
    int *map = r->map;
    table_clear_rows(t);
    ssize_t len;
    int status = 0;
    char *fields[NCOL + 2];
    while (t->n < max && (len = getline(&r->line, &r->cap, f)) >= 0) {
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
    if (status == 0 && t->n < max) {
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

/* Ctrl-C during a batch: set by the handler, read by the progress
 * callback, which cancels through the library (the command's only
 * process-wide state). */
static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
    (void)sig;
    interrupted = 1;
}

/* The progress of a batch: a bar on stderr for the chunk being solved,
 * with the problems done and the chunk's time left (when stderr is a
 * terminal), redrawn when the percentage changes; and the cancellation of
 * a Ctrl-C. */
typedef struct bar {
    int draw;
    int shown;
    size_t n, before;          /* the chunk's problems; those done before it */
    double start;
} bar;

static int on_progress(double fraction, void *ctx)
{
    bar *b = ctx;
    if (interrupted)
        return 1;
    int pct = (int)(fraction * 100);
    if (!b->draw || pct == b->shown)
        return 0;
    b->shown = pct;
    char cells[31];
    int full = pct * 30 / 100;
    for (int i = 0; i < 30; i++)
        cells[i] = i < full ? '#' : '.';
    cells[30] = 0;
    double spent = cli_now() - b->start;
    double left = fraction > 0 ? spent * (1 - fraction) / fraction : 0;
    fprintf(stderr, "\r[%s] %3d%% %zu problems done, %.0f s left in this chunk   ",
            cells, pct, b->before + (size_t)(fraction * (double)b->n), left);
    return 0;
}

/* Rows of results, CSV or JSON Lines; returns how many are not ok. */
static size_t write_rows(FILE *out, int json, const sq_result *res, size_t n)
{
    size_t not_ok = 0;
    for (size_t i = 0; i < n; i++) {
        if (json) {
            fputs("{\"value\": ", out);
            cli_json_number(out, res[i].value);
            fputs(", \"error\": ", out);
            cli_json_number(out, res[i].error);
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

/* Rows per chunk: memory is bounded by a chunk, whatever the file's size. */
enum { CHUNK = 65536 };

/* The chunk's problems in t, solved into res (room for CHUNK), with the
 * scratch arrays the library reads; the batch's worst status in *worst.
 * -1 if the breakpoint rows could not be made. */
static int solve_chunk(const table *t, sq_expr *e, size_t np, sq_options *opt,
                       const slow *expensive, double *params, double *ea,
                       double *er, sq_result *res, sq_status *worst_out)
{
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
    sq_integrand f = expensive != NULL ? sq_fn_point(slow_point, (void *)expensive)
                                       : sq_fn_expr(e, NULL);
    sq_status worst = sq_integrate_batch(NULL, &f, &bt, opt, res);
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
            worst = SQ_BAD_INPUT;     /* the most serious of all */
        }
    *worst_out = worst;
    return 0;
}

int cmd_batch(int argc, char **argv)
{
    const char *cmd = "batch";
    cli_options o;
    const char *pos[1];
    char allowed[160];
    snprintf(allowed, sizeof allowed, "%s params out strict workers cost no-speculate",
             run_options);
    int n = cli_parse(cmd, argc, argv, allowed, &o, pos, 1);
    if (n < 0)
        return EXIT_USAGE;
    if (n != 1 || o.params == NULL) {
        fprintf(stderr, "simdquad batch: needs EXPR and --params FILE, e.g. "
                        "simdquad batch 'exp(-p0*x*x)' --params problems.csv\n");
        return EXIT_USAGE;
    }
    sq_expr *e = cli_compile(cmd, pos[0]);
    if (e == NULL)
        return EXIT_USAGE;
    if (o.workers_given && sq_expr_nparams(e) > 0) {
        fprintf(stderr, "simdquad batch: --workers needs an expression without "
                        "parameters: the expensive mode keeps f(x) by x alone, "
                        "shared by every row (rows may still differ in a, b, "
                        "tolerances and points)\n");
        sq_expr_free(e);
        return EXIT_USAGE;
    }
    slow expensive = {e, o.cost, o.opt.isa, o.opt.math};
    {
        /* The options, checked once on an empty problem. */
        double zero = 0, p[16] = {0};
        sq_integrand g = sq_fn_expr(e, p);
        sq_batch probe = {.n = 1, .a = &zero, .b = &zero};
        sq_result r;
        if (sq_integrate_batch(NULL, &g, &probe, &o.opt, &r) == SQ_BAD_INPUT) {
            fprintf(stderr, "simdquad batch: %s\n", r.detail ? r.detail : "bad options");
            sq_expr_free(e);
            return EXIT_USAGE;
        }
    }
    /* Ctrl-C from here on cancels: the problems not finished come back
     * cancelled with their best estimates, every row is written, and the
     * exit is 130. */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    /* Where the results go, before any work. */
    FILE *out = strcmp(o.out, "-") == 0 ? stdout : fopen(o.out, "w");
    if (out == NULL) {
        fprintf(stderr, "simdquad batch: cannot write '%s': %s\n", o.out,
                strerror(errno));
        sq_expr_free(e);
        return EXIT_USAGE;
    }
    /* Read a chunk, solve it, write it, in input order: memory is bounded
     * by the chunk, and standard input and output work as pipes. */
    reader rd;
    table t;
    int status = reader_open(&rd, cmd, o.params, o.strict, &t) != 0
                     ? EXIT_USAGE
                     : read_rows(&rd, &t, CHUNK) != 0 ? EXIT_USAGE : EXIT_ALL_OK;
    size_t np = sq_expr_nparams(e);
    for (size_t k = 0; status == EXIT_ALL_OK && k < np; k++)
        if (!t.has[COL_P0 + k] && sq_expr_uses_param(e, k)) {
            fprintf(stderr, "simdquad batch: the expression uses p%zu, the "
                            "file has no column p%zu\n", k, k);
            status = EXIT_USAGE;
        }
    double *params = malloc(CHUNK * (np > 0 ? np : 1) * sizeof *params);
    double *ea = malloc(CHUNK * sizeof *ea), *er = malloc(CHUNK * sizeof *er);
    sq_result *res = malloc(CHUNK * sizeof *res);
    if (status == EXIT_ALL_OK && (!params || !ea || !er || !res)) {
        fprintf(stderr, "simdquad batch: out of memory\n");
        status = EXIT_USAGE;
    }
    size_t done = 0, not_ok = 0, wasted = 0;
    sq_status worst = SQ_OK;
    double secs = 0;
    if (status == EXIT_ALL_OK && !o.json)
        fprintf(out, "value,error,evals,status,intervals,where,detail\n");
    bar progress = {isatty(2), -1, 0, 0, 0};
    o.opt.progress = on_progress;
    o.opt.progress_ctx = &progress;
    while (status == EXIT_ALL_OK && t.n > 0) {
        progress.n = t.n;
        progress.before = done;
        progress.start = cli_now();
        double t0 = cli_now();
        sq_status w;
        if (solve_chunk(&t, e, np, &o.opt, o.workers_given ? &expensive : NULL, params, ea, er,
                        res, &w) != 0) {
            fprintf(stderr, "simdquad batch: out of memory\n");
            status = EXIT_USAGE;
            break;
        }
        secs += cli_now() - t0;
        worst = sq_status_worse(worst, w);
        not_ok += write_rows(out, o.json, res, t.n);
        wasted += t.n > 0 ? res[0].wasted : 0;   /* the chunk's, in every row */
        done += t.n;
        /* After a Ctrl-C the rest is still read and written, cancelled
         * (the library cancels a chunk at its first look at progress). */
        if (rd.done)
            break;
        if (read_rows(&rd, &t, CHUNK) != 0)
            status = EXIT_USAGE;
    }
    if (progress.shown >= 0)
        fprintf(stderr, "\r%70s\r", "");
    reader_close(&rd);
    int werr = out == stdout ? 0 : fclose(out) != 0;
    if (status == EXIT_ALL_OK) {
        fprintf(stderr, "simdquad batch: %zu problems, %.3g s, %.3g problems/s, "
                        "%zu not ok (worst: %s)\n", done, secs,
                secs > 0 ? (double)done / secs : 0.0, not_ok, sq_status_name(worst));
        if (o.workers_given)
            fprintf(stderr, "simdquad batch: %d workers, %zu speculative evaluations "
                            "unused, %.3g call-times (wall time / cost)\n",
                    o.opt.workers > 0 ? o.opt.workers : sq_default_threads(), wasted,
                    o.cost > 0 ? secs / o.cost : NAN);
        status = not_ok ? EXIT_NOT_OK : EXIT_ALL_OK;
    }
    if (werr) {
        fprintf(stderr, "simdquad batch: cannot write '%s': %s\n", o.out,
                strerror(errno));
        status = EXIT_USAGE;
    }
    if (interrupted && status != EXIT_USAGE) {
        fprintf(stderr, "simdquad batch: interrupted; the unfinished problems are "
                        "cancelled with their best estimates\n");
        status = EXIT_INTERRUPTED;
    }
    free(params);
    free(ea);
    free(er);
    free(res);
    sq_expr_free(e);
    table_free(&t);
    return cli_finish(cmd, status);
}
