/* SPDX-License-Identifier: MIT */
/* Option parsing, constants, expressions and output for the subcommands. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

volatile sig_atomic_t cli_interrupted;

void cli_on_interrupt(int sig)
{
    (void)sig;
    cli_interrupted = 1;
}

void cli_catch(int sig)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = cli_on_interrupt;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

double cli_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Is `name` a word of the space-separated list? */
static int allowed_name(const char *list, const char *name, size_t len)
{
    const char *p = list;
    while (*p) {
        size_t n = strcspn(p, " ");
        if (n == len && strncmp(p, name, len) == 0)
            return 1;
        p += n;
        while (*p == ' ')
            p++;
    }
    return 0;
}

static int parse_double(const char *cmd, const char *name, const char *s,
                        double *v)
{
    char *end;
    errno = 0;
    double d = strtod(s, &end);
    /* strtod says ERANGE for a subnormal result too (1e-310 is a fine
     * tolerance); only overflow, and underflow to zero, lose the number. */
    int lost = errno == ERANGE && (isinf(d) || d == 0);
    if (end == s || *end != 0 || lost || !isfinite(d)) {
        fprintf(stderr, "simdquad %s: --%s needs a finite number, not '%s'\n",
                cmd, name, s);
        return -1;
    }
    *v = d;
    return 0;
}

static int parse_count(const char *cmd, const char *name, const char *s,
                       double max, size_t *v)
{
    double d;
    if (parse_double(cmd, name, s, &d) != 0)
        return -1;
    if (d < 0 || d != floor(d) || d > max) {
        fprintf(stderr, "simdquad %s: --%s needs a whole number from 0 to %.0f, "
                        "not '%s'\n", cmd, name, max, s);
        return -1;
    }
    *v = (size_t)d;
    return 0;
}

/* One option with its value; -1 after a message. */
static int apply_option(const char *cmd, const char *name, const char *value,
                        cli_options *o)
{
    sq_options *opt = &o->opt;
    if (strcmp(name, "epsabs") == 0)
        return parse_double(cmd, name, value, &opt->epsabs);
    if (strcmp(name, "epsrel") == 0)
        return parse_double(cmd, name, value, &opt->epsrel);
    if (strcmp(name, "threads") == 0) {
        size_t t;
        if (parse_count(cmd, name, value, 4096, &t) != 0)
            return -1;
        opt->threads = (int)t;
        return 0;
    }
    if (strcmp(name, "max-evals") == 0 || strcmp(name, "max-intervals") == 0) {
        size_t m;
        if (parse_count(cmd, name, value, 9e15, &m) != 0)
            return -1;
        *(name[4] == 'e' ? &opt->max_evals : &opt->max_intervals) = m;
        return 0;
    }
    if (strcmp(name, "rule") == 0) {
        if (strcmp(value, "simpson") == 0)
            opt->rule = SQ_RULE_SIMPSON;
        else if (strcmp(value, "gk15") == 0)
            opt->rule = SQ_RULE_GK15;
        else if (strcmp(value, "gk21") == 0)
            opt->rule = SQ_RULE_GK21;
        else
            goto bad_choice;
        return 0;
    }
    if (strcmp(name, "control") == 0) {
        if (strcmp(value, "local") == 0)
            opt->control = SQ_CONTROL_LOCAL;
        else if (strcmp(value, "global") == 0)
            opt->control = SQ_CONTROL_GLOBAL;
        else
            goto bad_choice;
        return 0;
    }
    if (strcmp(name, "isa") == 0) {
        sq_isa isa = sq_isa_from_name(value);
        if (isa == SQ_ISA_COUNT)
            goto bad_choice;
        if (isa != SQ_ISA_AUTO && !sq_isa_supported(isa)) {
            fprintf(stderr, "simdquad %s: this CPU does not run %s kernels\n",
                    cmd, value);
            return -1;
        }
        opt->isa = isa;
        return 0;
    }
    if (strcmp(name, "math") == 0) {
        sq_math m = sq_math_from_name(value);
        if (m == SQ_MATH_COUNT)
            goto bad_choice;
        opt->math = m;
        return 0;
    }
    if (strcmp(name, "workers") == 0) {
        size_t w;
        if (parse_count(cmd, name, value, 100000, &w) != 0)
            return -1;
        opt->workers = (int)w;
        o->workers_given = 1;
        return 0;
    }
    if (strcmp(name, "cost") == 0) {
        if (parse_double(cmd, name, value, &o->cost) != 0)
            return -1;
        if (o->cost < 0 || o->cost > 3600) {
            fprintf(stderr, "simdquad %s: --cost needs seconds from 0 to 3600, "
                            "not '%s'\n", cmd, value);
            return -1;
        }
        o->workers_given = 1;
        return 0;
    }
    if (strcmp(name, "points") == 0) {
        int n = cli_points(cmd, "--points", value, ',', o->points);
        if (n < 0)
            return -1;
        opt->points = n > 0 ? o->points : NULL;
        opt->npoints = (size_t)n;
        return 0;
    }
    if (strcmp(name, "params") == 0) {
        o->params = value;
        return 0;
    }
    if (strcmp(name, "block") == 0) {
        if (parse_count(cmd, name, value, 1e15, &o->block) != 0)
            return -1;
        if (o->block == 0) {
            fprintf(stderr, "simdquad %s: --block needs a positive number of "
                            "bytes\n", cmd);
            return -1;
        }
        return 0;
    }
    if (strcmp(name, "out") == 0) {
        o->out = value;
        return 0;
    }
bad_choice:
    fprintf(stderr, "simdquad %s: '%s' is not a choice for --%s (see simdquad "
                    "help)\n", cmd, value, name);
    return -1;
}

int cli_parse(const char *cmd, int argc, char **argv, const char *allowed,
              cli_options *o, const char **pos, int npos)
{
    sq_options_init(&o->opt);
    o->json = 0;
    o->strict = 0;
    o->cost = 0;
    o->workers_given = 0;
    o->params = NULL;
    o->out = "-";
    o->opt.points = NULL;
    o->opt.npoints = 0;
    int n = 0, options = 1;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (options && strcmp(a, "--") == 0) {
            options = 0;
            continue;
        }
        if (!options || strncmp(a, "--", 2) != 0) {
            if (n == npos) {
                fprintf(stderr, "simdquad %s: unexpected argument '%s' (see "
                                "simdquad help)\n", cmd, a);
                return -1;
            }
            pos[n++] = a;
            continue;
        }
        const char *name = a + 2, *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        if (!allowed_name(allowed, name, len)) {
            fprintf(stderr, "simdquad %s: unknown option '%.*s' (see simdquad "
                            "help)\n", cmd, (int)len + 2, a);
            return -1;
        }
        char key[32];
        snprintf(key, sizeof key, "%.*s", (int)len, name);
        if (strcmp(key, "json") == 0 || strcmp(key, "deterministic") == 0
            || strcmp(key, "no-speculate") == 0 || strcmp(key, "strict") == 0) {
            if (eq != NULL) {
                fprintf(stderr, "simdquad %s: --%s takes no value\n", cmd, key);
                return -1;
            }
            if (key[0] == 'j')
                o->json = 1;
            else if (key[0] == 's')
                o->strict = 1;
            else if (key[0] == 'd')
                o->opt.math = SQ_MATH_DETERMINISTIC;
            else
                o->opt.speculate = 0;
            continue;
        }
        const char *value = eq ? eq + 1 : NULL;
        if (value == NULL) {
            if (i + 1 == argc) {
                fprintf(stderr, "simdquad %s: --%s needs a value\n", cmd, key);
                return -1;
            }
            value = argv[++i];
        }
        if (apply_option(cmd, key, value, o) != 0)
            return -1;
    }
    return n;
}

sq_expr *cli_compile(const char *cmd, const char *text)
{
    sq_expr_error err;
    sq_expr *e = sq_expr_compile(text, &err);
    if (e == NULL) {
        char buf[512];
        sq_expr_describe_error(text, &err, buf, sizeof buf);
        fprintf(stderr, "simdquad %s: %s\n", cmd, buf);
    }
    return e;
}

int cli_points(const char *cmd, const char *where, const char *text, char sep,
               double *pts)
{
    size_t len = strlen(text), n = 0;
    char *buf = malloc(len + 1);
    if (buf == NULL) {
        fprintf(stderr, "simdquad %s: out of memory\n", cmd);
        return -1;
    }
    memcpy(buf, text, len + 1);
    int status = 0, depth = 0;
    char *start = buf;
    for (char *p = buf;; p++) {
        depth += *p == '(';
        depth -= *p == ')';
        if (*p != 0 && (*p != sep || depth > 0))
            continue;
        int last = *p == 0;
        *p = 0;
        char *q = start;
        while (*q == ' ' || *q == '\t')
            q++;
        if (*q != 0 || !last || n > 0) {
            if (n == CLI_MAX_POINTS) {
                fprintf(stderr, "simdquad %s: %s: more than %d points\n", cmd,
                        where, CLI_MAX_POINTS);
                status = -1;
                break;
            }
            char label[128];
            snprintf(label, sizeof label, "%s: %s", cmd, where);
            if (cli_constant(label, "a point", start, &pts[n]) != 0) {
                status = -1;
                break;
            }
            n++;
        }
        if (last)
            break;
        start = p + 1;
    }
    free(buf);
    return status == 0 ? (int)n : -1;
}

int cli_constant(const char *cmd, const char *what, const char *text,
                 double *value)
{
    sq_expr *e = cli_compile(cmd, text);
    if (e == NULL)
        return -1;
    int constant = !sq_expr_uses_x(e) && sq_expr_nparams(e) == 0;
    if (constant)
        *value = sq_expr_twin(e, 0, NULL);
    sq_expr_free(e);
    if (!constant) {
        fprintf(stderr, "simdquad %s: %s must be a constant, not '%s'\n", cmd,
                what, text);
        return -1;
    }
    if (isnan(*value)) {
        fprintf(stderr, "simdquad %s: %s '%s' is not a number\n", cmd, what, text);
        return -1;
    }
    return 0;
}

void cli_json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

void cli_csv_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

void cli_json_number(FILE *f, double v)
{
    if (isfinite(v))
        fprintf(f, "%.17g", v);
    else
        fputs(isnan(v) ? "\"nan\"" : v > 0 ? "\"inf\"" : "\"-inf\"", f);
}

int cli_finish(const char *cmd, int status)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "simdquad %s: cannot write the output: %s\n", cmd,
                strerror(errno));
        return EXIT_USAGE;
    }
    return status;
}

int cli_slow_point(double x, double *y, void *ctx)
{
    const cli_slow *s = ctx;
    if (s->cost > 0) {
        struct timespec t;
        t.tv_sec = (time_t)s->cost;
        t.tv_nsec = (long)((s->cost - (double)t.tv_sec) * 1e9);
        while (nanosleep(&t, &t) != 0 && errno == EINTR)
            ;
    }
    return sq_expr_eval_outputs(s->e, s->isa, s->math, 1, &x, NULL, 0, y) != SQ_OK;
}

int cli_mpi_launched(void)
{
    /* Open MPI, PMIx (Slurm, MPICH's Hydra) and PMI-1/2 launchers. */
    static const char *const vars[] = {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK",
                                       "PMI_SIZE", "PMI_RANK"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
        if (getenv(vars[i]) != NULL)
            return 1;
    return 0;
}
