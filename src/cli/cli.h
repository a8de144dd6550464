/* SPDX-License-Identifier: MIT */
/* Shared by the subcommands of the simdquad command. */
#ifndef SQ_CLI_H
#define SQ_CLI_H

#include <signal.h>
#include <stddef.h>
#include <stdio.h>

#include "simdquad.h"

/* Exit statuses: every integral ok, one was not, usage or input error. */
enum { EXIT_ALL_OK = 0, EXIT_NOT_OK = 1, EXIT_USAGE = 2, EXIT_INTERRUPTED = 130 };

/* Ctrl-C (and, under MPI, SIGTERM and SIGUSR1) during a batch: set by
 * cli_on_interrupt, read by the progress callbacks, which cancel through
 * the library (the command's only process-wide state). */
extern volatile sig_atomic_t cli_interrupted;
void cli_on_interrupt(int sig);
/* From now on, signal `sig` sets cli_interrupted. */
void cli_catch(int sig);

/* Seconds on a monotonic clock. */
double cli_now(void);

/* Most breakpoints --points or a CSV cell takes. */
enum { CLI_MAX_POINTS = 1024 };

/* The expensive mode: the expression point by point, with the call's ISA
 * and math backend (--math holds here too), each call first waiting
 * `cost` seconds, as a slow simulation would. */
typedef struct cli_slow {
    const sq_expr *e;
    double cost;
    sq_isa isa;
    sq_math math;
} cli_slow;

/* An sq_point_fn over a cli_slow. */
int cli_slow_point(double x, double *y, void *ctx);

/* Options shared by integrate and batch, as parsed from the command line. */
typedef struct cli_options {
    sq_options opt;
    int json;
    int strict;              /* batch: stop at the first bad row */
    double cost;             /* integrate: seconds each evaluation waits */
    int workers_given;       /* --workers or --cost: the expensive mode */
    const char *params;      /* batch: the CSV of problems */
    const char *out;         /* batch: where results go ("-": stdout) */
    size_t block;            /* batch under MPI: bytes of the file a rank takes at a time (0: automatic) */
    double points[CLI_MAX_POINTS]; /* --points, constant expressions */
} cli_options;

/*
 * Parse argv: options (--name VALUE or --name=VALUE) anywhere, the rest
 * into pos[] (at most npos; "--" ends the options). `allowed` is a string
 * of the option names this command takes, e.g. "epsabs epsrel json".
 * Returns the number of positional arguments, or -1 after printing one
 * message on stderr.
 */
int cli_parse(const char *cmd, int argc, char **argv, const char *allowed,
              cli_options *o, const char **pos, int npos);

/* Breakpoints: constant expressions separated by `sep` (outside
 * parentheses), at most CLI_MAX_POINTS, into pts; their count, or -1 after
 * a message naming `where`. An empty text is no points. */
int cli_points(const char *cmd, const char *where, const char *text, char sep,
               double *pts);

/* The usage text of a subcommand, for --help. */
void cli_usage(const char *cmd);

/* A constant expression (0, pi/2, -inf) as a number; -1 on error (printed). */
int cli_constant(const char *cmd, const char *what, const char *text,
                 double *value);

/* Compile an expression, printing the error with a caret on failure. */
sq_expr *cli_compile(const char *cmd, const char *text);

/* A string as JSON (quoted, escaped) and as a CSV field (quoted, quotes
 * doubled). */
void cli_json_string(FILE *f, const char *s);
void cli_csv_string(FILE *f, const char *s);

/* A number as JSON: %.17g, or the string "inf", "-inf" or "nan". */
void cli_json_number(FILE *f, double v);

/* Flush stdout; on a write error print one message and return EXIT_USAGE,
 * else `status`. */
int cli_finish(const char *cmd, int status);

int cmd_integrate(int argc, char **argv);
int cmd_batch(int argc, char **argv);

/* Whether an MPI launcher (mpirun, srun) started this process, and the
 * batch over its ranks (batch_mpi.c, built with MPI; given the options
 * batch parsed, the expression and the batch's options string). */
int cli_mpi_launched(void);
int cmd_batch_mpi(const char *cmd, cli_options *o, sq_expr *e);
int cmd_bench(int argc, char **argv);
int cmd_demo(int argc, char **argv);

#endif
