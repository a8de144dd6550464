/* SPDX-License-Identifier: MIT */
/*
 * The simdquad command, driven as a user drives it: run it, read what it
 * prints and how it exits. Its numbers must be the library's, bit for bit.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "simdquad.h"

extern char **environ;

typedef struct outcome {
    int code;                  /* exit status, or -1 if killed */
    char out[1 << 16], err[1 << 13];
} outcome;

static void slurp(int fd, char *buf, size_t size)
{
    lseek(fd, 0, SEEK_SET);
    ssize_t n = read(fd, buf, size - 1);
    buf[n > 0 ? n : 0] = 0;
    close(fd);
}

static int temp_file(void)
{
    char name[] = "/tmp/sq_cli_XXXXXX";
    int fd = mkstemp(name);
    cr_assert_geq(fd, 0);
    unlink(name);
    return fd;
}

/* Run the command with args (NULL-terminated), stdin from `input`, one more
 * environment entry `env` (or NULL); stdout closed if close_out. */
static outcome *run_full(const char *const *args, const char *input,
                         const char *env, int close_out)
{
    static outcome o;
    memset(&o, 0, sizeof o);
    int in = temp_file(), out = temp_file(), err = temp_file();
    if (input != NULL)
        cr_assert_eq(write(in, input, strlen(input)), (ssize_t)strlen(input));
    lseek(in, 0, SEEK_SET);
    const char *argv[32] = {SQ_CLI_PATH};
    size_t n = 1;
    for (; args[n - 1] != NULL; n++)
        argv[n] = args[n - 1];
    argv[n] = NULL;
    char *envp[256];
    size_t ne = 0;
    for (char **e = environ; *e && ne < 250; e++)
        envp[ne++] = *e;
    if (env != NULL)
        envp[ne++] = (char *)env;
    envp[ne] = NULL;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in, 0);
    if (close_out)
        posix_spawn_file_actions_addclose(&fa, 1);
    else
        posix_spawn_file_actions_adddup2(&fa, out, 1);
    posix_spawn_file_actions_adddup2(&fa, err, 2);
    pid_t pid;
    cr_assert_eq(posix_spawn(&pid, SQ_CLI_PATH, &fa, NULL, (char **)argv, envp), 0);
    posix_spawn_file_actions_destroy(&fa);
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    o.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    close(in);
    slurp(out, o.out, sizeof o.out);
    slurp(err, o.err, sizeof o.err);
    return &o;
}

static outcome *run(const char *const *args)
{
    return run_full(args, NULL, NULL, 0);
}

/* The number after "key": in a JSON object. */
static double json_number(const char *json, const char *key)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\": ", key);
    const char *p = strstr(json, pat);
    cr_assert_not_null(p, "no key %s in %s", key, json);
    return strtod(p + strlen(pat), NULL);
}

/* The library's own result for the same integral. */
static sq_result library(const char *text, double a, double b, double epsrel)
{
    sq_expr *e = sq_expr_compile(text, NULL);
    cr_assert_not_null(e);
    sq_integrand f = sq_fn_expr(e, NULL);
    sq_options o;
    sq_options_init(&o);
    o.epsrel = epsrel;
    sq_result r;
    sq_integrate(&f, a, b, &o, &r);
    sq_expr_free(e);
    return r;
}

Test(cli, integrate_prints_the_library_result)
{
    const char *args[] = {"integrate", "exp(-x*x)*cos(3*x)", "-inf", "inf",
                          "--epsrel", "1e-12", NULL};
    outcome *o = run(args);
    cr_assert_eq(o->code, 0, "%s", o->err);
    sq_result r = library("exp(-x*x)*cos(3*x)", -INFINITY, INFINITY, 1e-12);
    char want[64];
    snprintf(want, sizeof want, "ok: %.17g +- ", r.value);
    cr_assert(strncmp(o->out, want, strlen(want)) == 0, "%s", o->out);
    cr_assert(strstr(o->out, "evaluations") != NULL);
}

Test(cli, json_round_trips_every_number)
{
    const char *args[] = {"integrate", "log(x)/sqrt(x)", "0", "1", "--json", NULL};
    outcome *o = run(args);
    cr_assert_eq(o->code, 0, "%s", o->err);
    sq_result r = library("log(x)/sqrt(x)", 0, 1, 1e-10);
    double v = json_number(o->out, "value"), e = json_number(o->out, "error");
    cr_assert(memcmp(&v, &r.value, sizeof v) == 0, "%.17g vs %.17g", v, r.value);
    cr_assert(memcmp(&e, &r.error, sizeof e) == 0);
    cr_assert_eq((size_t)json_number(o->out, "evals"), r.evals);
    cr_assert_eq((unsigned)json_number(o->out, "rounds"), r.rounds);
    cr_assert_eq((size_t)json_number(o->out, "intervals"), r.intervals);
    cr_assert(strstr(o->out, "\"status\": \"ok\"") != NULL);
    cr_assert(json_number(o->out, "seconds") >= 0);
    cr_assert(json_number(o->out, "threads") >= 1);
    cr_assert(strstr(o->out, "\"isa\": \"") != NULL);
    /* Exactly one object on one line. */
    cr_assert_eq(o->out[0], '{');
    cr_assert_eq(strchr(o->out, '\n'), o->out + strlen(o->out) - 1);
}

Test(cli, limits_are_constant_expressions)
{
    const char *args[] = {"integrate", "sin(x)", "0", "pi/2", "--json", NULL};
    outcome *o = run(args);
    cr_assert_eq(o->code, 0);
    cr_assert(fabs(json_number(o->out, "value") - 1) < 1e-14);
    const char *bad[] = {"integrate", "x", "0", "x+1", NULL};
    o = run(bad);
    cr_assert_eq(o->code, 2);
    cr_assert(strstr(o->err, "B must be a constant") != NULL, "%s", o->err);
}

Test(cli, options_reach_the_library)
{
    const char *args[] = {"integrate", "sin(x)", "0", "pi", "--rule", "simpson",
                          "--epsabs=1e-10", "--epsrel", "0", "--threads", "1",
                          "--isa", "scalar", "--json", NULL};
    outcome *o = run(args);
    cr_assert_eq(o->code, 0, "%s", o->err);
    cr_assert_eq((size_t)json_number(o->out, "evals"), 473);
    cr_assert(strstr(o->out, "\"isa\": \"scalar\"") != NULL);
    cr_assert(strstr(o->out, "\"rule\": \"simpson\"") != NULL);
    char deflt[64];
    snprintf(deflt, sizeof deflt, "\"math\": \"%s\"",
             sq_math_name(sq_math_resolve(SQ_MATH_AUTO)));
    cr_assert(strstr(o->out, deflt) != NULL, "%s", o->out);
    /* --math reaches the library, and reaches the same value within the
     * error estimates. */
    double v_u10 = json_number(o->out, "value"), e_u10 = json_number(o->out, "error");
    for (int m = SQ_MATH_SLEEF_U10; m < SQ_MATH_COUNT; m++) {
        if (!sq_math_supported((sq_math)m, SQ_ISA_AUTO))
            continue;
        const char *name = sq_math_name((sq_math)m);
        const char *with[] = {"integrate", "sin(x)", "0", "pi", "--math", name,
                              "--epsabs=1e-10", "--epsrel", "0", "--json", NULL};
        o = run(with);
        cr_assert_eq(o->code, 0, "%s", o->err);
        char field[64];
        snprintf(field, sizeof field, "\"math\": \"%s\"", name);
        cr_assert(strstr(o->out, field) != NULL, "%s", o->out);
        double v = json_number(o->out, "value"), e = json_number(o->out, "error");
        cr_assert(fabs(v - v_u10) <= e + e_u10, "%s: %.17g vs %.17g", name, v, v_u10);
    }
    /* SIMDQUAD_MATH picks the default backend; a name it does not know is
     * an error naming the accepted ones (a misspelt deterministic run would
     * otherwise not be one), and so is one SIMDQUAD_ISA does not know. */
    const char *plain[] = {"integrate", "sin(x)", "0", "pi", "--json", NULL};
    o = run_full(plain, NULL, "SIMDQUAD_MATH=sleef-u35", 0);
    cr_assert_eq(o->code, 0, "%s", o->err);
    cr_assert(strstr(o->out, "\"math\": \"sleef-u35\"") != NULL, "%s", o->out);
    o = run_full(plain, NULL, "SIMDQUAD_MATH=determinstic", 0);
    cr_assert_eq(o->code, 2, "%s", o->out);
    cr_assert(strstr(o->err, "SIMDQUAD_MATH") != NULL
                  && strstr(o->err, "deterministic") != NULL, "%s", o->err);
    o = run_full(plain, NULL, "SIMDQUAD_ISA=avx3", 0);
    cr_assert_eq(o->code, 2, "%s", o->out);
    cr_assert(strstr(o->err, "SIMDQUAD_ISA") != NULL && strstr(o->err, "avx2") != NULL,
              "%s", o->err);
    /* An explicit choice does not read the variable. */
    const char *explicit_isa[] = {"integrate", "sin(x)", "0", "pi", "--isa", "scalar",
                                  "--math", "sleef-u10", NULL};
    o = run_full(explicit_isa, NULL, "SIMDQUAD_ISA=avx3", 0);
    cr_assert_eq(o->code, 0, "%s", o->err);
    const char *budget[] = {"integrate", "sin(1/x)", "0", "1", "--max-evals", "100",
                            "--control", "local", NULL};
    o = run(budget);
    cr_assert_eq(o->code, 1);
    cr_assert(strncmp(o->out, "max_evals: ", 11) == 0, "%s", o->out);
    const char *intervals[] = {"integrate", "cos(x)", "0", "300", "--epsabs", "1e-12",
                               "--epsrel", "0", "--max-intervals", "16", NULL};
    o = run(intervals);
    cr_assert_eq(o->code, 1);
    cr_assert(strncmp(o->out, "max_intervals: ", 15) == 0, "%s", o->out);
}

/* libgomp ends the process when it cannot create a thread; the library
 * checks first and runs on the calling thread (a stack no system gives). */
Test(cli, a_thread_team_the_system_refuses_is_not_an_exit)
{
    const char *args[] = {"integrate", "cos(x)", "0", "1e5", "--epsabs", "1e-9",
                          "--threads", "2", NULL};
    outcome *o = run_full(args, NULL, "OMP_STACKSIZE=1000000G", 0);
    cr_assert_eq(o->code, 0, "%s", o->err);
    cr_assert(strncmp(o->out, "ok: 0.0357487979", 16) == 0, "%s", o->out);
}

/* Breakpoints from the command line, and per row in a batch. */
Test(cli, breakpoints_from_the_command_line_and_the_csv)
{
    const double exact = 2 * (sqrt(0.3) + sqrt(0.7));
    const char *with[] = {"integrate", "1/sqrt(abs(x-0.3))", "0", "1", "--points",
                          "0.3", "--json", NULL};
    outcome *o = run(with);
    cr_assert_eq(o->code, 0, "%s", o->err);
    cr_assert(fabs(json_number(o->out, "value") - exact) <= 1e-10, "%s", o->out);
    /* Several, as constant expressions with commas inside parentheses. */
    const char *many[] = {"integrate", "1/sqrt(abs(x-0.3))", "0", "1", "--points",
                          "atan2(1, 1)/pi, 0.3", NULL};
    o = run(many);
    cr_assert_eq(o->code, 0, "%s", o->err);
    const char *bad[] = {"integrate", "x", "0", "1", "--points", "0.3,zz", NULL};
    o = run(bad);
    cr_assert_eq(o->code, 2);
    cr_assert(strstr(o->err, "--points") != NULL, "%s", o->err);
    /* A points column: ;-separated, empty for none. */
    const char *args[] = {"batch", "1/sqrt(abs(x-0.3))", "--params", "-", NULL};
    o = run_full(args, "a,b,points\n0,1,0.3\n0,1,\n0,1,0.5;0.3\n", NULL, 0);
    cr_assert_eq(o->code, 1, "%s", o->err);    /* the row without is roundoff */
    char *line = strchr(o->out, '\n') + 1;
    cr_assert(fabs(strtod(line, NULL) - exact) <= 1e-10, "%s", o->out);
    cr_assert(strstr(line, ",ok,") != NULL, "%s", o->out);
    line = strchr(strchr(line, '\n') + 1, '\n') + 1;
    cr_assert(fabs(strtod(line, NULL) - exact) <= 1e-10, "%s", o->out);
    cr_assert(strstr(line, ",ok,") != NULL, "%s", o->out);
    o = run_full(args, "a,b,points\n0,1,0.3;zz\n", NULL, 0);
    cr_assert_eq(o->code, 1);
    cr_assert(strstr(o->err, "line 2, points") != NULL, "%s", o->err);
    cr_assert(strstr(o->out, ",bad_input,") != NULL, "%s", o->out);
}

/* A row's output says why: where a value was not finite, and what was bad
 * about a bad_input row (a row with both tolerances 0 used to print only
 * nan,inf,0,bad_input). */
Test(cli, the_batch_output_says_why)
{
    const char *args[] = {"batch", "1/(x-0.25)", "--params", "-", NULL};
    outcome *o = run_full(args, "a,b,epsabs,epsrel\n0,1,0,0\n0.5,1,1e-10,0\n", NULL, 0);
    cr_assert_eq(o->code, 1, "%s", o->err);
    cr_assert(strncmp(o->out, "value,error,evals,status,intervals,where,detail\n", 47)
                  == 0, "%s", o->out);
    cr_assert(strstr(o->out, ",bad_input,0,nan,\"epsabs, epsrel: both zero\"\n") != NULL,
              "%s", o->out);
    cr_assert(strstr(o->out, ",ok,") != NULL, "%s", o->out);
    const char *jargs[] = {"batch", "1/(x-0.25)", "--params", "-", "--json", NULL};
    o = run_full(jargs, "a,b,epsabs,epsrel\n0,1,0,0\n0,1,1e-10,0\n", NULL, 0);
    cr_assert(strstr(o->out, "\"detail\": \"epsabs, epsrel: both zero\"") != NULL,
              "%s", o->out);
    cr_assert(strstr(o->out, "\"status\": \"nonfinite\", \"where\": 0.25") != NULL
                  || strstr(o->out, "\"status\": \"nonfinite\", \"where\": 0.2") != NULL,
              "%s", o->out);
}

/* Ctrl-C during a batch keeps what was done: every row is written (the
 * unfinished ones cancelled with their best estimates), exit 130. */
Test(cli, ctrl_c_keeps_what_was_done, .timeout = 120)
{
    char in[] = "/tmp/sq_cli_sigint_in_XXXXXX", out[] = "/tmp/sq_cli_sigint_out_XXXXXX";
    int fd = mkstemp(in);
    cr_assert_geq(fd, 0);
    FILE *f = fdopen(fd, "w");
    enum { ROWS = 100000 };
    fprintf(f, "a,b,p0,epsabs,epsrel\n");
    for (int i = 0; i < ROWS; i++)
        fprintf(f, "0,1000,%.6f,1e-14,0\n", 1 + 49.0 * i / ROWS);
    fclose(f);
    int ofd = mkstemp(out);
    cr_assert_geq(ofd, 0);
    close(ofd);
    unlink(out);               /* the command creates it: the signal to go */
    const char *argv[] = {SQ_CLI_PATH, "batch", "cos(p0*x)*exp(-x/p0)", "--params", in,
                          "--out", out, "--threads", "1", NULL};
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid;
    cr_assert_eq(posix_spawn(&pid, SQ_CLI_PATH, &fa, NULL, (char **)argv, environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    struct stat st;
    for (int k = 0; k < 60000 && stat(out, &st) != 0; k++)
        usleep(1000);
    usleep(200000);
    kill(pid, SIGINT);
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFEXITED(status), "killed by signal %d", WTERMSIG(status));
    cr_assert_eq(WEXITSTATUS(status), 130);
    f = fopen(out, "r");
    cr_assert_not_null(f);
    char line[512];
    size_t rows = 0, cancelled = 0;
    cr_assert_not_null(fgets(line, sizeof line, f));    /* the header */
    while (fgets(line, sizeof line, f) != NULL) {
        rows++;
        cancelled += strstr(line, ",cancelled,") != NULL;
    }
    fclose(f);
    unlink(in);
    unlink(out);
    cr_assert_eq(rows, ROWS);
    cr_assert_gt(cancelled, 0);
}

/* A batch streams: read a chunk, solve it, write it, in input order, so
 * memory is bounded by the chunk (65,536 rows), not by the file. 400,000
 * rows through a pipe: every row, in order, and (without the sanitizers'
 * own memory) well under what holding them all would take. */
Test(cli, a_batch_streams_in_input_order_in_bounded_memory, .timeout = 300)
{
    enum { ROWS = 400000 };
    int fds[2], ofd;
    cr_assert_eq(pipe(fds), 0);
    char out[] = "/tmp/sq_cli_stream_XXXXXX";
    ofd = mkstemp(out);
    cr_assert_geq(ofd, 0);
    const char *argv[] = {SQ_CLI_PATH, "batch", "p0*x", "--params", "-", "--threads",
                          "1", NULL};
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[0], 0);
    posix_spawn_file_actions_addclose(&fa, fds[1]);
    posix_spawn_file_actions_adddup2(&fa, ofd, 1);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid;
    cr_assert_eq(posix_spawn(&pid, SQ_CLI_PATH, &fa, NULL, (char **)argv, environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[0]);
    FILE *in = fdopen(fds[1], "w");
    fprintf(in, "a,b,p0\n");
    for (int i = 0; i < ROWS; i++)
        fprintf(in, "0,1,%d\n", i + 1);   /* p0 = 0 would be unseen */
    fclose(in);
    int status;
    struct rusage ru;
    cr_assert_eq(wait4(pid, &status, 0, &ru), pid);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %d", status);
    FILE *f = fopen(out, "r");
    char line[256];
    cr_assert_not_null(fgets(line, sizeof line, f));
    size_t rows = 0, misplaced = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        /* p0 * x on [0, 1] is p0 / 2: row i says (i + 1) / 2. */
        double want = 0.5 * (double)(rows + 1);
        misplaced += fabs(strtod(line, NULL) - want) > 1e-12 * want;
        rows++;
    }
    fclose(f);
    close(ofd);
    unlink(out);
    cr_assert_eq(rows, ROWS);
    cr_assert_eq(misplaced, 0);
#if !defined(__SANITIZE_ADDRESS__)
    /* ru_maxrss is in KiB: all 400,000 rows and results at once took 44 MB;
     * streamed, 12 MB. */
    cr_assert_lt(ru.ru_maxrss, 30 * 1024, "peak %ld KiB", ru.ru_maxrss);
#endif
}

/* --help and -h on every subcommand: its usage, exit 0. */
Test(cli, every_subcommand_has_help)
{
    const char *names[] = {"integrate", "batch", "bench", "demo", "version", "help"};
    for (int k = 0; k < 6; k++)
        for (int h = 0; h < 2; h++) {
            const char *args[] = {names[k], h ? "-h" : "--help", NULL};
            outcome *o = run(args);
            cr_assert_eq(o->code, 0, "%s %s: %s", names[k], args[1], o->err);
            cr_assert(strncmp(o->out, "usage: simdquad ", 16) == 0, "%s", o->out);
            cr_assert(strstr(o->out, names[k]) != NULL, "%s", o->out);
        }
}

Test(cli, a_failed_integral_exits_1_with_its_status)
{
    const char *args[] = {"integrate", "1/x", "0", "1", NULL};
    outcome *o = run(args);
    cr_assert_eq(o->code, 1);
    cr_assert(strncmp(o->out, "divergent: ", 11) == 0, "%s", o->out);
    const char *nan[] = {"integrate", "log(x - 0.5)", "0", "1", "--json", NULL};
    o = run(nan);
    cr_assert_eq(o->code, 1);
    cr_assert(strstr(o->out, "\"status\": \"nonfinite\"") != NULL, "%s", o->out);
    double where = json_number(o->out, "where");
    cr_assert(where >= 0 && where <= 0.5, "%g", where);
}

Test(cli, usage_and_parse_errors_exit_2_with_one_message)
{
    static const struct { const char *args[8]; const char *msg; } t[] = {
        {{"integrate", "exp(-x*y)", "0", "1"}, "unknown name 'y' at position 7"},
        {{"integrate", "x"}, "needs EXPR A B"},
        {{"integrate", "x", "0", "1", "--frobnicate", "2"}, "unknown option"},
        {{"integrate", "x", "0", "1", "--epsrel", "fast"}, "needs a finite number"},
        {{"integrate", "x", "0", "1", "--rule", "trapezoid"}, "not a choice"},
        {{"integrate", "x", "0", "1", "--epsrel"}, "needs a value"},
        {{"integrate", "p0*x", "0", "1"}, "parameters"},
        {{"integrate", "x", "0", "1", "--epsrel", "-1"}, "epsrel"},
        {{"frobnicate"}, "unknown command"},
        {{"batch", "x"}, "--params"},
        {{"batch", "x", "--params", "/nonexistent/problems.csv"}, "cannot read"},
        {{"bench", "--kernel", "nope"}, "unknown kernel"},
        {{"integrate", "x", "0", "1", "--math", "fast"}, "not a choice for --math"},
        {{"integrate", "x", "0", "1", "--epsabs", "1e999"}, "needs a finite number"},
        {{"integrate", "x", "0", "1", "--epsabs", "1e-400"}, "needs a finite number"},
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        outcome *o = run(t[i].args);
        cr_assert_eq(o->code, 2, "%s: exit %d", t[i].args[0], o->code);
        cr_assert(strstr(o->err, t[i].msg) != NULL, "expected '%s' in '%s'",
                  t[i].msg, o->err);
        cr_assert_eq(o->out[0], 0, "stdout should be empty: %s", o->out);
    }
    const char *none[] = {NULL};
    cr_assert_eq(run(none)->code, 2);
    const char *caret[] = {"integrate", "sin(x", "0", "1", NULL};
    outcome *o = run(caret);
    cr_assert(strstr(o->err, "  sin(x\n       ^") != NULL, "%s", o->err);
}

/* A subnormal tolerance is a number like any other (strtod reports it
 * with ERANGE): it is taken, and the integral ends as any other whose
 * tolerance is below the rounding floor. */
Test(cli, subnormal_tolerances_are_numbers)
{
    const char *args[] = {"integrate", "x", "0", "1", "--epsabs", "1e-310",
                          "--epsrel", "0", "--json", NULL};
    outcome *o = run(args);
    cr_assert(o->code == 0 || o->code == 1, "exit %d: %s", o->code, o->err);
    cr_assert(strstr(o->out, "\"status\"") != NULL, "%s", o->out);
    cr_assert_lt(fabs(json_number(o->out, "value") - 0.5), 1e-15, "%s", o->out);
}

Test(cli, batch_writes_one_row_per_problem_in_order)
{
    const char *csv = "a, b, p0, epsrel\n"
                      "0, 1, 1, 1e-10\n"
                      "\n"
                      "0, 2, 2.5, 1e-12\n"
                      "1, 1, 3, 1e-10\n"
                      "1, 0, 4, 1e-8\n";
    const char *args[] = {"batch", "exp(-p0*x*x)", "--params", "-", NULL};
    outcome *o = run_full(args, csv, NULL, 0);
    cr_assert_eq(o->code, 0, "%s", o->err);
    double a[4] = {0, 0, 1, 1}, b[4] = {1, 2, 1, 0}, p[4] = {1, 2.5, 3, 4};
    double er[4] = {1e-10, 1e-12, 1e-10, 1e-8};
    sq_expr *e = sq_expr_compile("exp(-p0*x*x)", NULL);
    sq_integrand f = sq_fn_expr(e, NULL);
    sq_batch bt = {.n = 4, .a = a, .b = b, .epsrel = er, .params = p, .nparams = 1};
    sq_result r[4];
    sq_integrate_batch(NULL, &f, &bt, NULL, r);
    sq_expr_free(e);
    char want[1024];
    size_t n = (size_t)snprintf(want, sizeof want,
                                "value,error,evals,status,intervals,where,detail\n");
    for (int i = 0; i < 4; i++)
        n += (size_t)snprintf(want + n, sizeof want - n, "%.17g,%.17g,%zu,%s,%zu,nan,\n",
                              r[i].value, r[i].error, r[i].evals,
                              sq_status_name(r[i].status), r[i].intervals);
    cr_assert_str_eq(o->out, want);
    cr_assert(strstr(o->err, "4 problems") != NULL, "%s", o->err);
    cr_assert(strstr(o->err, "0 not ok") != NULL, "%s", o->err);
    /* JSON Lines: the same numbers, one object per problem. */
    const char *jargs[] = {"batch", "exp(-p0*x*x)", "--params", "-", "--json", NULL};
    o = run_full(jargs, csv, NULL, 0);
    cr_assert_eq(o->code, 0, "%s", o->err);
    const char *line = o->out;
    for (int i = 0; i < 4; i++) {
        double v = json_number(line, "value");
        cr_assert(memcmp(&v, &r[i].value, sizeof v) == 0, "row %d", i);
        line = strchr(line, '\n');
        cr_assert_not_null(line);
        line++;
    }
    cr_assert_eq(*line, 0);
}

Test(cli, batch_reports_bad_rows_and_bad_files)
{
    const char *args[] = {"batch", "p0*x", "--params", "-", NULL};
    /* Bad files stop before any work. */
    static const struct { const char *csv; const char *msg; } t[] = {
        {"a,b\n0,1\n", "no column p0"},
        {"a,p0\n0,1\n", "columns a and b"},
        {"a,b,p0,q\n", "unknown column 'q'"},
        {"a,b,a\n", "repeated column 'a'"},
        {"", "no header"},
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        outcome *o = run_full(args, t[i].csv, NULL, 0);
        cr_assert_eq(o->code, 2, "'%s': exit %d", t[i].csv, o->code);
        cr_assert(strstr(o->err, t[i].msg) != NULL, "'%s': %s", t[i].csv, o->err);
    }
    /* A bad row is bad_input with its line and reason, on stderr and in the
     * detail column; every other row is computed; exit 1. --strict stops at
     * the first, as before. A BOM and # comments are accepted. */
    static const struct { const char *row; const char *msg; } r[] = {
        {"0,1", "line 4: 2 fields, the header has 3"},
        {"0,1,2,3", "line 4: 4 fields"},
        {"0,1,zz", "line 4: p0: 'zz' is not a number"},
        {"0,1e999,1", "line 4: b: '1e999' is out of the range of doubles"},
        {"1e-400,1,1", "line 4: a: '1e-400' is out of the range of doubles"},
    };
    for (size_t i = 0; i < sizeof r / sizeof *r; i++) {
        char csv[256];
        snprintf(csv, sizeof csv, "\xEF\xBB\xBF" "a,b,p0\n# problems\n0,1,2\n%s\n0,2,1\n",
                 r[i].row);
        outcome *o = run_full(args, csv, NULL, 0);
        cr_assert_eq(o->code, 1, "'%s': exit %d %s", r[i].row, o->code, o->err);
        /* stderr: "-:4: reason"; the detail: "line 4: reason". */
        char err[256];
        snprintf(err, sizeof err, "-:4: %s", r[i].msg + strlen("line 4: "));
        cr_assert(strstr(o->err, err) != NULL, "'%s': %s", r[i].row, o->err);
        char want[256];
        snprintf(want, sizeof want, "nan,inf,0,bad_input,0,nan,\"%s", r[i].msg);
        cr_assert(strstr(o->out, want) != NULL, "'%s': %s", r[i].row, o->out);
        /* The good rows around it: 2 * 1/2 and 1 * 2. */
        cr_assert(strncmp(strchr(o->out, '\n') + 1, "1,", 2) == 0
                      || strncmp(strchr(o->out, '\n') + 1, "0.99999999999999", 16) == 0,
                  "%s", o->out);
        cr_assert(strstr(o->out, "\n2,") != NULL || strstr(o->out, "\n1.9999999999999") != NULL,
                  "%s", o->out);
        const char *strict[] = {"batch", "p0*x", "--params", "-", "--strict", NULL};
        o = run_full(strict, csv, NULL, 0);
        cr_assert_eq(o->code, 2, "'%s' --strict: exit %d", r[i].row, o->code);
        cr_assert(strstr(o->out, "bad_input") == NULL, "%s", o->out);
    }
    /* A problem that is not ok: exit 1, its status in its row. */
    outcome *o = run_full(args, "a,b,p0\n0,1,1\nnan,1,1\n", NULL, 0);
    cr_assert_eq(o->code, 1, "%s", o->err);
    cr_assert(strstr(o->out, ",bad_input,0,nan,\"a: NaN\"\n") != NULL, "%s", o->out);
}

Test(cli, batch_writes_to_a_file)
{
    char path[] = "/tmp/sq_cli_out_XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    close(fd);
    const char *args[] = {"batch", "x*p0", "--params", "-", "--out", path, NULL};
    outcome *o = run_full(args, "a,b,p0\n0,1,2\n", NULL, 0);
    cr_assert_eq(o->code, 0, "%s", o->err);
    cr_assert_eq(o->out[0], 0);
    FILE *f = fopen(path, "r");
    char buf[256] = {0};
    cr_assert_not_null(f);
    cr_assert(fread(buf, 1, sizeof buf - 1, f) > 0);
    fclose(f);
    unlink(path);
    double a = 0, b = 1, p = 2;
    sq_expr *e = sq_expr_compile("x*p0", NULL);
    sq_integrand g = sq_fn_expr(e, &p);
    sq_result r;
    sq_integrate(&g, a, b, NULL, &r);
    sq_expr_free(e);
    char want[256];
    snprintf(want, sizeof want,
             "value,error,evals,status,intervals,where,detail\n%.17g,%.17g,%zu,ok,%zu,nan,\n",
             r.value, r.error, r.evals, r.intervals);
    cr_assert_str_eq(buf, want);
}

Test(cli, a_closed_stdout_is_an_error_not_a_crash)
{
    const char *args[] = {"integrate", "x", "0", "1", NULL};
    outcome *o = run_full(args, NULL, NULL, 1);
    cr_assert_eq(o->code, 2);
    cr_assert(strstr(o->err, "cannot write the output") != NULL, "%s", o->err);
    /* The demo and a batch too (the demo used to exit 0). */
    const char *demo[] = {"demo", NULL};
    o = run_full(demo, NULL, NULL, 1);
    cr_assert_eq(o->code, 2, "%s", o->err);
    const char *batch[] = {"batch", "x", "--params", "-", NULL};
    o = run_full(batch, "a,b\n0,1\n", NULL, 1);
    cr_assert_eq(o->code, 2, "%s", o->err);
    /* An --out that cannot be written is reported before any work: the
     * file is not even read. */
    const char *bad_out[] = {"batch", "x", "--params", "/nonexistent/in.csv", "--out",
                             "/nonexistent/out.csv", NULL};
    o = run(bad_out);
    cr_assert_eq(o->code, 2);
    cr_assert(strstr(o->err, "cannot write '/nonexistent/out.csv'") != NULL, "%s",
              o->err);
}

Test(cli, a_decimal_comma_locale_changes_nothing)
{
    const char *args[] = {"integrate", "1.5*x", "0", "1", "--json", NULL};
    outcome *o = run_full(args, NULL, "LC_ALL=de_DE.UTF-8", 0);
    cr_assert_eq(o->code, 0, "%s", o->err);
    cr_assert(strstr(o->out, "\"value\": 0.75") != NULL, "%s", o->out);
}

Test(cli, the_expensive_mode_reports_call_times_and_waste)
{
    const char *args[] = {"integrate", "sin(x)", "0", "pi", "--rule", "simpson",
                          "--epsabs", "1e-10", "--epsrel", "0", "--workers", "64",
                          "--cost", "0.001", "--json", NULL};
    outcome *o = run(args);
    cr_assert_eq(o->code, 0, "%s", o->err);
    cr_assert_eq((size_t)json_number(o->out, "evals"), 473);
    double calls = json_number(o->out, "call_times");
    cr_assert(calls > 0, "%s", o->out);
    cr_assert(strstr(o->out, "\"wasted_evals\": ") != NULL, "%s", o->out);
    cr_assert_eq((int)json_number(o->out, "workers"), 64);
    /* Without speculation nothing is wasted; the value is the same. */
    const char *barrier[] = {"integrate", "sin(x)", "0", "pi", "--rule", "simpson",
                             "--epsabs", "1e-10", "--epsrel", "0", "--workers", "64",
                             "--cost", "0.001", "--no-speculate", "--json", NULL};
    char first[64];
    snprintf(first, sizeof first, "%.17g", json_number(o->out, "value"));
    o = run(barrier);
    cr_assert_eq(o->code, 0, "%s", o->err);
    cr_assert_eq((size_t)json_number(o->out, "wasted_evals"), 0);
    char second[64];
    snprintf(second, sizeof second, "%.17g", json_number(o->out, "value"));
    cr_assert_str_eq(first, second);
}

Test(cli, bench_and_help_and_version)
{
    const char *bench[] = {"bench", "--kernel", "gauss", "--n", "1024", "--threads",
                           "1", "--json", NULL};
    outcome *o = run(bench);
    cr_assert_eq(o->code, 0, "%s", o->err);
    cr_assert(strstr(o->out, "\"impl\": \"libm\"") != NULL, "%s", o->out);
    /* glibc's exp, measured against long double like the rows below. */
    double libm_ulps = json_number(strstr(o->out, "\"impl\": \"libm\""), "worst_ulps");
    cr_assert(libm_ulps > 0 && libm_ulps <= 1, "%g", libm_ulps);
    /* A row per ISA and backend, each with its distance from libm. */
    for (int m = SQ_MATH_SLEEF_U10; m < SQ_MATH_COUNT; m++) {
        char row[64];
        snprintf(row, sizeof row, "\"impl\": \"scalar %s\"", sq_math_name((sq_math)m));
        const char *at = strstr(o->out, row);
        cr_assert_eq(at != NULL, sq_math_supported((sq_math)m, SQ_ISA_SCALAR), "%s",
                     row);
        if (at != NULL) {
            /* exp(-x*x): the backend's bound for exp, and the rounding of
             * the argument's sign-flip (none). */
            double u = json_number(at, "worst_ulps");
            cr_assert(u >= 0 && u <= sq_math_ulp_bound((sq_math)m), "%s: %g", row, u);
        }
    }
    cr_assert(json_number(strstr(o->out, "\"rows\""), "evals_per_s_1") > 0);
    const char *one[] = {"bench", "--kernel", "sin", "--n", "64", "--threads", "1",
                         "--math", "sleef-u35", "--json", NULL};
    o = run(one);
    cr_assert_eq(o->code, 0, "%s", o->err);
    cr_assert(strstr(o->out, "\"impl\": \"scalar sleef-u35\"") != NULL, "%s", o->out);
    cr_assert(strstr(o->out, "sleef-u10") == NULL, "%s", o->out);
    const char *bad[] = {"bench", "--math", "fast", NULL};
    o = run(bad);
    cr_assert_eq(o->code, 2);
    cr_assert(strstr(o->err, "--math") != NULL, "%s", o->err);
    const char *expr[] = {"bench", "--expr", "exp(-x*x)*cos(3*x)", "--n", "1024",
                          "--threads", "1", "--json", NULL};
    o = run(expr);
    cr_assert_eq(o->code, 0, "%s", o->err);
    cr_assert(json_number(o->out, "machine_vs_kernel") > 0, "%s", o->out);
    const char *help[] = {"help", NULL};
    o = run(help);
    cr_assert_eq(o->code, 0);
    static const char *const words[] = {"integrate EXPR A B", "--epsabs", "--epsrel",
        "--rule simpson|gk15|gk21", "--control local|global", "--threads",
        "--max-evals", "--max-intervals", "--isa", "--json", "--workers N", "--cost SECONDS",
        "--no-speculate", "--deterministic", "--math sleef-u10|sleef-u35|libmvec|",
        "batch EXPR --params FILE", "--out",
        "bench [--kernel NAME | --expr EXPR]", "demo", "Exit status"};
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        cr_assert(strstr(o->out, words[i]) != NULL, "help lacks '%s'", words[i]);
    const char *version[] = {"--version", NULL};
    o = run(version);
    cr_assert_eq(o->code, 0);
    cr_assert(strstr(o->out, sq_version()) != NULL);
}

/* The README's first command: every part of the demonstration runs and
 * says ok where it checks itself. */
Test(cli, the_demo_runs_every_part, .timeout = 300)
{
    const char *demo[] = {"demo", NULL};
    outcome *o = run(demo);
    cr_assert_eq(o->code, 0, "%s", o->err);
    static const char *const parts[] = {
        "1. The classic", "473 evaluations", "2. The default rule",
        "log(x)/sqrt(x) on [0, 1]", "3. A hard one", "engine efficiency",
        "4. SIMD versus scalar", "libm (scalar twin)", "5. Many integrals at once",
        "   ok, ", "6. Math backends", "sleef-u10", "sleef-u35"};
    for (size_t i = 0; i < sizeof parts / sizeof *parts; i++)
        cr_assert(strstr(o->out, parts[i]) != NULL, "the demo lacks '%s':\n%s",
                  parts[i], o->out);
    cr_assert(strstr(o->out, "wrong") == NULL && strstr(o->out, "FAIL") == NULL,
              "%s", o->out);
}

/* The expensive mode in a batch, and --math with workers: the same rows,
 * the same bits as the vectorized path at that backend. */
Test(cli, batch_takes_the_expensive_mode_and_math_holds_with_workers)
{
    const char *csv = "a,b\n0,1\n0,2\n1,3\n";
    const char *plain[] = {"batch", "sin(x)*exp(x)", "--params", "-", "--math",
                           "sleef-u10", NULL};
    outcome *o = run_full(plain, csv, NULL, 0);
    cr_assert_eq(o->code, 0, "%s", o->err);
    static char rows[sizeof o->out];
    memcpy(rows, o->out, sizeof rows);
    const char *slow[] = {"batch", "sin(x)*exp(x)", "--params", "-", "--math", "sleef-u10",
                          "--workers", "8", "--cost", "0.001", NULL};
    o = run_full(slow, csv, NULL, 0);
    cr_assert_eq(o->code, 0, "%s", o->err);
    cr_assert_str_eq(o->out, rows);
    cr_assert(strstr(o->err, "8 workers") != NULL && strstr(o->err, "call-times") != NULL,
              "%s", o->err);
    /* integrate: --math with --workers is the vectorized path's bits. */
    const char *maths[] = {"sleef-u35", "deterministic"};
    for (int k = 0; k < 2; k++) {
        const char *v[] = {"integrate", "sin(x)*exp(x)", "0", "3", "--math", maths[k],
                           "--json", NULL};
        const char *w[] = {"integrate", "sin(x)*exp(x)", "0", "3", "--math", maths[k],
                           "--workers", "4", "--json", NULL};
        o = run(v);
        char a[64], b[64];
        snprintf(a, sizeof a, "%.17g", json_number(o->out, "value"));
        o = run(w);
        snprintf(b, sizeof b, "%.17g", json_number(o->out, "value"));
        cr_assert_str_eq(a, b, "--math %s", maths[k]);
    }
    /* Parameters and workers do not mix: the values are kept by x. */
    const char *bad[] = {"batch", "sin(p0*x)", "--params", "-", "--workers", "4", NULL};
    o = run_full(bad, "a,b,p0\n0,1,2\n", NULL, 0);
    cr_assert_eq(o->code, 2);
    cr_assert(strstr(o->err, "without parameters") != NULL, "%s", o->err);
}

/* The batch's bar: on a terminal it shows the problems done and the time
 * left; with stderr not a terminal (every other test here) it is off. */
Test(cli, the_progress_bar_is_drawn_on_a_terminal_only)
{
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    cr_assert_geq(master, 0);
    cr_assert_eq(grantpt(master), 0);
    cr_assert_eq(unlockpt(master), 0);
    int slave = open(ptsname(master), O_RDWR | O_NOCTTY);
    cr_assert_geq(slave, 0);
    int in = temp_file(), out = temp_file();
    const char *csv_head = "a,b,p0\n";
    cr_assert_eq(write(in, csv_head, strlen(csv_head)), (ssize_t)strlen(csv_head));
    for (int i = 0; i < 20000; i++) {
        char row[64];
        int len = snprintf(row, sizeof row, "0,1,%d\n", 1 + i % 50);
        cr_assert_eq(write(in, row, (size_t)len), len);
    }
    lseek(in, 0, SEEK_SET);
    const char *argv[] = {SQ_CLI_PATH, "batch", "sin(p0*x)+2", "--params", "-", NULL};
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in, 0);
    posix_spawn_file_actions_adddup2(&fa, out, 1);
    posix_spawn_file_actions_adddup2(&fa, slave, 2);
    pid_t pid;
    cr_assert_eq(posix_spawn(&pid, SQ_CLI_PATH, &fa, NULL, (char **)argv, environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    close(slave);
    static char tty[1 << 16];
    size_t got = 0;
    for (;;) {
        struct pollfd p = {master, POLLIN, 0};
        if (poll(&p, 1, 100) > 0) {
            ssize_t k = read(master, tty + got, sizeof tty - 1 - got);
            if (k <= 0)
                break;               /* EIO: the child closed its side */
            got += (size_t)k;
        } else if (waitpid(pid, NULL, WNOHANG) == pid) {
            pid = 0;
            break;
        }
    }
    tty[got] = 0;
    if (pid != 0)
        waitpid(pid, NULL, 0);
    close(master);
    close(in);
    close(out);
    cr_assert(strstr(tty, "100%") != NULL, "%s", tty);
    cr_assert(strstr(tty, "problems done") != NULL && strstr(tty, "s left") != NULL,
              "%s", tty);
    cr_assert(strstr(tty, "20000 problems") != NULL, "the summary: %s", tty);
    /* The same batch with stderr in a file: the summary line only. */
    static char csv[1 << 20];
    size_t len = (size_t)snprintf(csv, sizeof csv, "%s", csv_head);
    for (int i = 0; i < 20000; i++)
        len += (size_t)snprintf(csv + len, sizeof csv - len, "0,1,%d\n", 1 + i % 50);
    const char *args[] = {"batch", "sin(p0*x)+2", "--params", "-", NULL};
    outcome *o = run_full(args, csv, NULL, 0);
    cr_assert_eq(o->code, 0, "%s", o->err);
    cr_assert(strchr(o->err, '\r') == NULL && strstr(o->err, "problems done") == NULL,
              "%s", o->err);
}

/* A missing parameter column names the parameter the expression reads, and
 * one it does not read is not required ("p1*x" reads p1 only). */
Test(cli, a_missing_column_is_the_one_the_expression_reads)
{
    const char *only_p1[] = {"batch", "p1*x", "--params", "-", NULL};
    outcome *o = run_full(only_p1, "a,b,p1\n0,1,2\n", NULL, 0);
    cr_assert_eq(o->code, 0, "%s", o->err);
    const char *row = strchr(o->out, '\n');
    cr_assert(row != NULL && fabs(strtod(row + 1, NULL) - 1) < 1e-14, "%s", o->out);
    cr_assert(strstr(o->out, ",ok,") != NULL, "%s", o->out);
    const char *both[] = {"batch", "p1*x+p0", "--params", "-", NULL};
    o = run_full(both, "a,b,p0\n0,1,2\n", NULL, 0);
    cr_assert_eq(o->code, 2);
    cr_assert(strstr(o->err, "uses p1, the file has no column p1") != NULL, "%s", o->err);
    o = run_full(both, "a,b,p1\n0,1,2\n", NULL, 0);
    cr_assert_eq(o->code, 2);
    cr_assert(strstr(o->err, "uses p0, the file has no column p0") != NULL, "%s", o->err);
}

Test(cli, several_outputs_give_a_row_or_columns_per_component)
{
    /* integrate: a row per component, the library's numbers. */
    const char *text = "exp(-x*x); x*exp(-x*x)";
    const char *args[] = {"integrate", text, "0", "inf", NULL};
    outcome *o = run(args);
    cr_assert_eq(o->code, 0, "%s", o->err);
    sq_expr *e = sq_expr_compile(text, NULL);
    sq_vec_integrand f = sq_vfn_expr(e, NULL);
    double v[2], err[2];
    sq_result r;
    sq_integrate_vec(NULL, &f, 0, INFINITY, NULL, v, err, &r);
    char want[512];
    snprintf(want, sizeof want, "0: %.17g +- %.3g\n1: %.17g +- %.3g\nok: 2 components",
             v[0], err[0], v[1], err[1]);
    cr_assert(strncmp(o->out, want, strlen(want)) == 0, "%s", o->out);
    const char *jargs[] = {"integrate", text, "0", "inf", "--json", NULL};
    o = run(jargs);
    cr_assert_eq(o->code, 0, "%s", o->err);
    cr_assert(strstr(o->out, "\"values\": [") != NULL, "%s", o->out);
    /* batch: K value and K error columns, the same numbers. */
    const char *csv = "a,b,p0\n0,1,2\n2,0,3\n";
    const char *bargs[] = {"batch", "p0*x; x*x; exp(-x)", "--params", "-", NULL};
    o = run_full(bargs, csv, NULL, 0);
    cr_assert_eq(o->code, 0, "%s", o->err);
    sq_expr_free(e);
    e = sq_expr_compile("p0*x; x*x; exp(-x)", NULL);
    double a[2] = {0, 2}, b[2] = {1, 0}, p[2] = {2, 3}, bv[6], be[6];
    sq_result br[2];
    sq_batch bt = {.n = 2, .a = a, .b = b, .params = p, .nparams = 1};
    f = sq_vfn_expr(e, NULL);
    sq_integrate_vec_batch(NULL, &f, &bt, NULL, bv, be, br);
    char bwant[1024];
    size_t n = (size_t)snprintf(bwant, sizeof bwant,
                                "value0,value1,value2,error0,error1,error2,evals,"
                                "status,intervals,where,detail\n");
    for (int i = 0; i < 2; i++)
        n += (size_t)snprintf(bwant + n, sizeof bwant - n,
                              "%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%zu,ok,%zu,nan,\n",
                              bv[3 * i], bv[3 * i + 1], bv[3 * i + 2], be[3 * i],
                              be[3 * i + 1], be[3 * i + 2], br[i].evals,
                              br[i].intervals);
    cr_assert_str_eq(o->out, bwant);
    /* JSON Lines: arrays of K; the expensive mode: all outputs at a point
     * in one call, the same numbers. */
    const char *jb[] = {"batch", "p0*x; x*x; exp(-x)", "--params", "-", "--json", NULL};
    o = run_full(jb, csv, NULL, 0);
    cr_assert_eq(o->code, 0, "%s", o->err);
    char first[256];
    snprintf(first, sizeof first, "{\"values\": [%.17g, %.17g, %.17g], \"errors\": [",
             bv[0], bv[1], bv[2]);
    cr_assert(strncmp(o->out, first, strlen(first)) == 0, "%s", o->out);
    const char *wargs[] = {"integrate", "exp(-x*x); x*exp(-x*x)", "0", "3", "--workers",
                           "3", NULL};
    o = run(wargs);
    cr_assert_eq(o->code, 0, "%s", o->err);
    sq_expr *e2 = sq_expr_compile("exp(-x*x); x*exp(-x*x)", NULL);
    sq_vec_integrand g2 = sq_vfn_expr(e2, NULL);
    double v2[2], err2[2];
    sq_result r2;
    sq_integrate_vec(NULL, &g2, 0, 3, NULL, v2, err2, &r2);
    snprintf(want, sizeof want, "0: %.17g +- %.3g\n1: %.17g +- %.3g\n", v2[0], err2[0],
             v2[1], err2[1]);
    cr_assert(strncmp(o->out, want, strlen(want)) == 0, "%s", o->out);
    sq_expr_free(e2);
    sq_expr_free(e);
}
