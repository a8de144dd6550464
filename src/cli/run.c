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

#include "rows.h"

static const char *const run_options =
    "epsabs epsrel rule control threads max-evals max-intervals points isa math json "
    "deterministic";
static const char *const integrate_options =
    "epsabs epsrel rule control threads max-evals max-intervals points isa math json "
    "deterministic workers cost no-speculate";

/* ---- integrate ------------------------------------------------------------------ */

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

/* `simdquad integrate 'f1; f2; ...' A B`: one subdivision for all, a row
 * per component. */
static int integrate_vector(const cli_options *o, const sq_expr *e, double a,
                            double b)
{
    const char *cmd = "integrate";
    size_t K = sq_expr_noutputs(e);
    sq_vec_integrand f = sq_vfn_expr(e, NULL);
    cli_slow expensive = {e, o->cost, o->opt.isa, o->opt.math};
    if (o->workers_given)
        f = sq_vfn_point(cli_slow_vector_point, K, &expensive);
    double *v = malloc(2 * K * sizeof *v);
    if (v == NULL) {
        fprintf(stderr, "simdquad integrate: out of memory\n");
        return EXIT_NOT_OK;
    }
    double *err = v + K;
    sq_result r;
    double t = cli_now();
    sq_status s = sq_integrate_vec(NULL, &f, a, b, &o->opt, v, err, &r);
    t = cli_now() - t;
    if (s == SQ_BAD_INPUT) {
        fprintf(stderr, "simdquad integrate: %s\n", r.detail ? r.detail : sq_strerror(s));
        free(v);
        return EXIT_USAGE;
    }
    const char *isa = sq_isa_name(sq_isa_resolve(o->opt.isa));
    int threads = o->opt.threads > 0 ? o->opt.threads : sq_default_threads();
    if (o->json) {
        printf("{\"values\": [");
        for (size_t k = 0; k < K; k++) {
            printf(k ? ", " : "");
            cli_json_number(stdout, v[k]);
        }
        printf("], \"errors\": [");
        for (size_t k = 0; k < K; k++) {
            printf(k ? ", " : "");
            cli_json_number(stdout, err[k]);
        }
        printf("], \"evals\": %zu, \"rounds\": %u, \"intervals\": %zu, "
               "\"status\": \"%s\", \"seconds\": ", r.evals, r.rounds,
               r.intervals, sq_status_name(s));
        cli_json_number(stdout, t);
        printf(", \"isa\": \"%s\", \"threads\": %d, \"rule\": \"%s\", "
               "\"where\": ", isa, threads, rule_name(&o->opt));
        cli_json_number(stdout, r.where);
        printf("}\n");
    } else {
        for (size_t k = 0; k < K; k++)
            printf("%zu: %.17g +- %.3g\n", k, v[k], err[k]);
        printf("%s: %zu components on one subdivision\n", sq_status_name(s), K);
        printf("  %zu evaluations, %u rounds, %zu intervals, %s, %s, %d "
               "threads, %.3g s\n", r.evals, r.rounds, r.intervals,
               rule_name(&o->opt), isa, threads, t);
        if (s != SQ_OK)
            printf("  %s\n", sq_strerror(s));
        if (s == SQ_NONFINITE && !isnan(r.where))
            printf("  where: x = %.17g\n", r.where);
    }
    free(v);
    return cli_finish(cmd, s == SQ_OK ? EXIT_ALL_OK : EXIT_NOT_OK);
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
    if (sq_expr_noutputs(e) > 1) {
        int rc = integrate_vector(&o, e, a, b);
        sq_expr_free(e);
        return rc;
    }
    sq_integrand f = sq_fn_expr(e, NULL);
    cli_slow expensive = {e, o.cost, o.opt.isa, o.opt.math};
    if (o.workers_given)
        f = sq_fn_point(cli_slow_point, &expensive);
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
    if (cli_interrupted)
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

int cmd_batch(int argc, char **argv)
{
    const char *cmd = "batch";
    cli_options o;
    const char *pos[1];
    char allowed[160];
    snprintf(allowed, sizeof allowed, "%s params out strict workers cost no-speculate block",
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
    cli_slow expensive = {e, o.cost, o.opt.isa, o.opt.math};
    {
        /* The options, checked once on an empty problem. */
        double zero = 0, p[16] = {0}, v[2 * 128];
        sq_batch probe = {.n = 1, .a = &zero, .b = &zero};
        sq_result r;
        sq_status st;
        if (sq_expr_noutputs(e) > 1) {
            sq_vec_integrand g = sq_vfn_expr(e, p);
            st = sq_integrate_vec_batch(NULL, &g, &probe, &o.opt, v,
                                        v + 128, &r);
        } else {
            sq_integrand g = sq_fn_expr(e, p);
            st = sq_integrate_batch(NULL, &g, &probe, &o.opt, &r);
        }
        if (st == SQ_BAD_INPUT) {
            fprintf(stderr, "simdquad batch: %s\n", r.detail ? r.detail : "bad options");
            sq_expr_free(e);
            return EXIT_USAGE;
        }
    }
    if (cli_mpi_launched()) {
#ifdef SQ_CLI_MPI
        int s = EXIT_USAGE;
        if (sq_expr_noutputs(e) > 1)
            fprintf(stderr, "simdquad batch: an expression of several outputs "
                            "runs in one process (not yet over MPI ranks)\n");
        else
            s = cmd_batch_mpi(cmd, &o, e);
#else
        fprintf(stderr, "simdquad batch: started by an MPI launcher, but this "
                        "simdquad was built without MPI (every rank would solve "
                        "the whole file): build it with SIMDQUAD_BUILD_MPI=ON\n");
        int s = EXIT_USAGE;
#endif
        sq_expr_free(e);
        return s;
    }
    /* Ctrl-C from here on cancels: the problems not finished come back
     * cancelled with their best estimates, every row is written, and the
     * exit is 130. */
    cli_catch(SIGINT);
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
                     : read_rows(&rd, &t, 0) != 0 ? EXIT_USAGE : EXIT_ALL_OK;
    size_t np = sq_expr_nparams(e);
    int missing = status == EXIT_ALL_OK ? rows_missing_param(&t, e) : -1;
    if (missing >= 0) {
        fprintf(stderr, "simdquad batch: the expression uses p%d, the file has no "
                        "column p%d\n", missing, missing);
        status = EXIT_USAGE;
    }
    double *params = malloc(CHUNK * (np > 0 ? np : 1) * sizeof *params);
    double *ea = malloc(CHUNK * sizeof *ea), *er = malloc(CHUNK * sizeof *er);
    sq_result *res = malloc(CHUNK * sizeof *res);
    /* Several outputs: K values and errors a row, in chunks of fewer rows
     * so that a chunk's memory stays about the same. */
    size_t K = sq_expr_noutputs(e);
    size_t chunk = K > 1 ? CHUNK / K : CHUNK;
    double *vals = K > 1 ? malloc(2 * chunk * K * sizeof *vals) : NULL;
    double *verr = vals != NULL ? vals + chunk * K : NULL;
    if (status == EXIT_ALL_OK && (!params || !ea || !er || !res || (K > 1 && !vals))) {
        fprintf(stderr, "simdquad batch: out of memory\n");
        status = EXIT_USAGE;
    }
    size_t done = 0, not_ok = 0, wasted = 0;
    sq_status worst = SQ_OK;
    double secs = 0;
    if (status == EXIT_ALL_OK && read_rows(&rd, &t, chunk) != 0)
        status = EXIT_USAGE;
    if (status == EXIT_ALL_OK && !o.json && K > 1)
        rows_csv_header_vec(out, K);
    else if (status == EXIT_ALL_OK && !o.json)
        fputs(rows_csv_header, out);
    bar progress = {isatty(2), -1, 0, 0, 0};
    o.opt.progress = on_progress;
    o.opt.progress_ctx = &progress;
    while (status == EXIT_ALL_OK && t.n > 0) {
        progress.n = t.n;
        progress.before = done;
        progress.start = cli_now();
        double t0 = cli_now();
        sq_status w;
        if (solve_rows_vec(&t, e, np, &o.opt, o.workers_given ? &expensive : NULL,
                           params, ea, er, res, vals, verr, &w) != 0) {
            fprintf(stderr, "simdquad batch: out of memory\n");
            status = EXIT_USAGE;
            break;
        }
        secs += cli_now() - t0;
        worst = sq_status_worse(worst, w);
        not_ok += write_rows_vec(out, o.json, res, t.n, K, vals, verr);
        wasted += t.n > 0 ? res[0].wasted : 0;   /* the chunk's, in every row */
        done += t.n;
        /* After a Ctrl-C the rest is still read and written, cancelled
         * (the library cancels a chunk at its first look at progress). */
        if (rd.done)
            break;
        if (read_rows(&rd, &t, chunk) != 0)
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
    if (cli_interrupted && status != EXIT_USAGE) {
        fprintf(stderr, "simdquad batch: interrupted; the unfinished problems are "
                        "cancelled with their best estimates\n");
        status = EXIT_INTERRUPTED;
    }
    free(params);
    free(vals);
    free(ea);
    free(er);
    free(res);
    sq_expr_free(e);
    table_free(&t);
    return cli_finish(cmd, status);
}
