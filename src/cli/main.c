/* SPDX-License-Identifier: MIT */
/*
 * The simdquad command. Subcommands are a table; each prints to stdout and
 * returns the process exit status: 0 when every integral succeeded, 1 when
 * one did not, 2 for usage errors.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* ---- dispatch ------------------------------------------------------------------ */

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *usage;
} command;

static int cmd_version(int argc, char **argv);
static int cmd_help(int argc, char **argv);

static const command commands[] = {
    {"integrate", cmd_integrate,
     "integrate EXPR A B [--epsabs E] [--epsrel E] [--rule simpson|gk15|gk21]\n"
     "            [--control local|global] [--threads N] [--max-evals N]\n"
     "            [--max-intervals N] [--points P,P,...] [--isa scalar|sse2|avx2|avx512]\n"
     "            [--math sleef-u10|sleef-u35|libmvec|deterministic]\n"
     "            [--deterministic] [--workers N] [--cost SECONDS] [--no-speculate] [--json]\n"
     "      One integral of EXPR (in x) over [A, B]; A and B are constant\n"
     "      expressions (0, pi/2, -inf). --points: breakpoints (kinks, jumps,\n"
     "      singularities), constant expressions separated by commas.\n"
     "      --json prints one object with value,\n"
     "      error, evals, rounds, intervals, status, seconds, isa, threads.\n"
     "      --math: the vector math library (default libmvec where built in,\n"
     "      else sleef-u35; or the environment's SIMDQUAD_MATH): sleef-u10\n"
     "      1 ulp, sleef-u35 3.5 ulp,\n"
     "      libmvec (glibc) 4 ulp, deterministic 1 ulp and the same bits at the\n"
     "      scalar, avx2 and avx512 ISAs; --deterministic = --math deterministic.\n"
     "      --workers/--cost: the expensive mode: N workers evaluate the\n"
     "      expression point by point (with --math and --isa), each call first\n"
     "      waiting SECONDS (workers start as points arrive, at most N),\n"
     "      with speculation unless --no-speculate; --json then adds\n"
     "      call_times (wall time / cost) and wasted_evals."},
    {"batch", cmd_batch,
     "batch EXPR --params FILE [--out FILE] [--strict] [--block BYTES]\n"
     "            [the options of integrate]\n"
     "      One integral per row of the CSV FILE, whose header names columns\n"
     "      among a, b, p0 ... p15, epsabs, epsrel, points (- is standard\n"
     "      input); a points cell lists that row's breakpoints separated by\n"
     "      semicolons (0.3;0.7), empty for none.\n"
     "      Writes value,error,evals,status,intervals,where,detail per row\n"
     "      (where: the abscissa of a non-finite value, detail: why a row is\n"
     "      bad_input: a row that cannot be read is, with its line, and the\n"
     "      others are computed; --strict stops at it), in order, to --out\n"
     "      (default -, standard output), or with --json one object per line;\n"
     "      a summary line goes to stderr. --workers/--cost/--no-speculate: the\n"
     "      expensive mode as for integrate, for an EXPR without parameters\n"
     "      (its values are kept by x, shared by every row).\n"
     "      Under mpirun (a simdquad built with MPI): every rank reads and\n"
     "      writes its own blocks of the files (both must be files that every\n"
     "      rank reaches), taken as ranks finish; the output has the rows and\n"
     "      bits of one process and appears only when complete. --block BYTES\n"
     "      sets the block (default: about 16 per rank, 64 KiB to 16 MiB).\n"
     "      SIGUSR1 to mpirun (or SIGTERM/SIGINT to the ranks) cancels and\n"
     "      writes every row, exit 130; a failed rank or --strict's bad row\n"
     "      leaves no output file."},
    {"bench", cmd_bench,
     "bench [--kernel NAME | --expr EXPR] [--n N] [--threads N]\n"
     "            [--math NAME|all] [--json]\n"
     "      Evaluations per second of one integrand: its libm twin and its\n"
     "      SIMD code at every ISA this CPU runs with every math backend (or\n"
     "      the one --math names), on 1 and N threads, and each one's worst\n"
     "      error in ulps (a kernel against long double, an expression as its\n"
     "      distance from the libm twin)."},
    {"demo", cmd_demo,
     "demo\n"
     "      What simdquad does, on built-in integrals, in a few seconds."},
    {"version", cmd_version, "version\n      Print the version."},
    {"help", cmd_help, "help\n      This text."},
};

static int cmd_version(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("simdquad %s\n", sq_version());
    return cli_finish("version", EXIT_ALL_OK);
}

void cli_usage(const char *cmd)
{
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (strcmp(cmd, commands[i].name) == 0)
            printf("usage: simdquad %s\n\nsimdquad help describes the "
                   "expressions, the options and the exit statuses.\n",
                   commands[i].usage);
}

static int cmd_help(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("simdquad: adaptive numerical integration at the speed of the hardware\n\n"
           "usage: simdquad COMMAND [ARGS]\n\n");
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        printf("  simdquad %s\n\n", commands[i].usage);
    printf("Expressions: numbers, x, p0 ... p15, pi, e, inf; + - * / ^ (right-\n"
           "associative), comparisons < <= > >= == != (1 or 0), where(c, a, b);\n"
           "sin cos tan asin acos atan atan2 sinh cosh tanh asinh acosh atanh exp\n"
           "exp2 expm1 log log2 log10 log1p sqrt cbrt abs pow hypot erf erfc\n"
           "tgamma lgamma floor ceil min max. Quote them for the shell.\n\n"
           "Options take their value as --name VALUE or --name=VALUE; defaults\n"
           "are the library's (epsrel 1e-10, Gauss-Kronrod 10/21, global control).\n"
           "Numbers are printed with 17 significant digits and read back exactly.\n\n"
           "Exit status: 0 every integral ok, 1 one was not (its status is\n"
           "printed), 2 usage, expression or input errors (one message on stderr).\n");
    return cli_finish("help", EXIT_ALL_OK);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: simdquad COMMAND [ARGS] (simdquad help lists "
                        "the commands)\n");
        return EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0)
        return cmd_help(0, NULL);
    if (strcmp(name, "--version") == 0)
        return cmd_version(0, NULL);
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++) {
        if (strcmp(name, commands[i].name) != 0)
            continue;
        /* --help or -h anywhere before "--": the command's usage. */
        for (int k = 2; k < argc && strcmp(argv[k], "--") != 0; k++)
            if (strcmp(argv[k], "--help") == 0 || strcmp(argv[k], "-h") == 0) {
                cli_usage(name);
                return cli_finish(name, EXIT_ALL_OK);
            }
        return commands[i].run(argc - 2, argv + 2);
    }
    fprintf(stderr, "simdquad: unknown command '%s' (simdquad help lists the "
                    "commands)\n", name);
    return EXIT_USAGE;
}
