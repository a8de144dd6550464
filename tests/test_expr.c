/* SPDX-License-Identifier: MIT */
/*
 * Expressions: the grammar and its precedence, every function at every ISA
 * against the libm twin and against C, folding and sharing, errors with
 * their positions, the limits on size and depth, locale independence, and
 * expressions as integrands of single integrals and batches.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <float.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels.h"
#include "simdquad.h"

static sq_expr *compile(const char *text)
{
    sq_expr_error err;
    sq_expr *e = sq_expr_compile(text, &err);
    cr_assert_not_null(e, "'%s': %s at %zu", text, err.message, err.position);
    return e;
}

/* Relative distance, with an absolute floor for values near zero. */
static double distance(double a, double b, double scale)
{
    if (isnan(a) && isnan(b))
        return 0;
    if (a == b)
        return 0;
    return fabs(a - b) / fmax(fmax(fabs(a), fabs(b)), scale);
}

/* ---- values --------------------------------------------------------------------- */

typedef struct cased {
    const char *text;
    double (*ref)(double x, const double *p);
    double lo, hi;           /* x range */
    double tol;              /* relative, against C */
} cased;

static double r_gauss_cos(double x, const double *p) { (void)p; return exp(-x * x) * cos(3 * x); }
static double r_poly(double x, const double *p) { (void)p; return x * x + 2 * x + 1; }
static double r_negsq(double x, const double *p) { (void)p; return -(x * x); }
static double r_params(double x, const double *p) { return p[0] * x + p[1] * p[1]; }
static double r_where(double x, const double *p) { (void)p; return x > 0.5 ? 1.0 : x; }
static double r_cmp(double x, const double *p)
{
    (void)p;
    return (x < 0) + 2.0 * (x <= 0) + 4.0 * (x > 0) + 8.0 * (x >= 0)
           + 16.0 * (x == 0) + 32.0 * (x != 0);
}
static double r_trig(double x, const double *p)
{
    (void)p;
    return sin(x) + cos(x) + tan(x) + atan(x) + atan2(x, 2);
}
static double r_arc(double x, const double *p) { (void)p; return asin(x) + acos(x); }
static double r_hyp(double x, const double *p)
{
    (void)p;
    return sinh(x) + cosh(x) + tanh(x) + asinh(x);
}
static double r_ahyp(double x, const double *p) { (void)p; return acosh(1 + x * x) + atanh(x / 2); }
static double r_exps(double x, const double *p) { (void)p; return exp(x) + exp2(x) + expm1(x); }
static double r_logs(double x, const double *p)
{
    (void)p;
    return log(x) + log2(x) + log10(x) + log1p(x) + sqrt(x) + cbrt(x);
}
static double r_special(double x, const double *p)
{
    (void)p;
    int s;
    return erf(x) + erfc(x) + tgamma(x) + lgamma_r(x, &s);
}
static double r_rounding(double x, const double *p)
{
    (void)p;
    return floor(x) + ceil(x) + fabs(x) + fmin(x, 0.5) + fmax(x, 0.5) + hypot(x, 3);
}
static double r_pow(double x, const double *p) { (void)p; return pow(x, 2.5) + pow(x, 3) + 1 / (x * x); }
static double r_consts(double x, const double *p)
{
    (void)p;
    return 3.141592653589793 * x + 2.718281828459045 + 1.5 + 0.5 + 1e-3;
}

static const cased cases[] = {
    {"exp(-x*x)*cos(3*x)", r_gauss_cos, -6, 6, 4e-16},
    {"x^2+2*x+1", r_poly, -3, 3, 0},
    {"-x^2", r_negsq, -3, 3, 0},
    {"p0*x + p1^2", r_params, -3, 3, 0},
    {"where(x > 0.5, 1, x)", r_where, -1, 2, 0},
    {"(x<0) + 2*(x<=0) + 4*(x>0) + 8*(x>=0) + 16*(x==0) + 32*(x!=0)", r_cmp, -1, 1, 0},
    {"sin(x) + cos(x) + tan(x) + atan(x) + atan2(x, 2)", r_trig, -1.5, 1.5, 4e-15},
    {"asin(x) + acos(x)", r_arc, -1, 1, 4e-16},
    {"sinh(x) + cosh(x) + tanh(x) + asinh(x)", r_hyp, -5, 5, 4e-16},
    {"acosh(1 + x*x) + atanh(x/2)", r_ahyp, -1.9, 1.9, 4e-15},
    {"exp(x) + exp2(x) + expm1(x)", r_exps, -20, 20, 4e-16},
    {"log(x) + log2(x) + log10(x) + log1p(x) + sqrt(x) + cbrt(x)", r_logs, 0.01, 100, 4e-15},
    {"erf(x) + erfc(x) + tgamma(x) + lgamma(x)", r_special, 0.1, 10, 2e-15},
    {"floor(x) + ceil(x) + abs(x) + min(x, 0.5) + max(x, 0.5) + hypot(x, 3)", r_rounding, -4, 4, 4e-16},
    {"pow(x, 2.5) + x^3 + x^-2", r_pow, 0.1, 4, 4e-16},
    {"pi*x + e + 1.5 + .5 + 1e-3", r_consts, -1, 1, 4e-16},
};

Test(expr, values_agree_with_c_and_the_twin_at_every_isa)
{
    enum { N = 1000 };
    static double x[N], y[N];
    double p[2] = {1.75, -0.5};
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        sq_expr *e = compile(cases[c].text);
        for (size_t i = 0; i < N; i++)
            x[i] = cases[c].lo + (cases[c].hi - cases[c].lo) * ((double)i + 0.5) / N;
        for (size_t i = 0; i < N; i++) {
            double t = sq_expr_twin(e, x[i], p), r = cases[c].ref(x[i], p);
            cr_assert(distance(t, r, 1e-300) <= cases[c].tol,
                      "'%s' twin at %.17g: %.17g vs C %.17g", cases[c].text, x[i],
                      t, r);
        }
        for (int isa = SQ_ISA_SCALAR; isa < SQ_ISA_COUNT; isa++) {
            if (!sq_isa_supported((sq_isa)isa))
                continue;
            cr_assert_eq(sq_expr_eval(e, (sq_isa)isa, N, x, p, 0, y), SQ_OK);
            for (size_t i = 0; i < N; i++) {
                double t = sq_expr_twin(e, x[i], p);
                /* SLEEF's 1-ulp functions against libm's, summed terms:
                 * a few ulps of the largest term. */
                cr_assert(distance(y[i], t, 1.0) <= 1e-14,
                          "'%s' isa %d at %.17g: %.17g vs twin %.17g",
                          cases[c].text, isa, x[i], y[i], t);
            }
        }
        sq_expr_free(e);
    }
}

Test(expr, precedence_and_associativity)
{
    static const struct { const char *text; double x, value; } t[] = {
        {"-x^2", 3, -9}, {"2^3^2", 0, 512}, {"2^-1", 0, 0.5}, {"-2^2", 0, -4},
        {"1-2-3", 0, -4}, {"12/3/2", 0, 2}, {"1+2*3", 0, 7}, {"(1+2)*3", 0, 9},
        {"2*-x", 4, -8}, {"--x", 5, 5}, {"+x", 5, 5}, {"1 < 2 == 1", 0, 1},
        {"x^0", NAN, 1}, {"where(0, 1, 2)", 0, 2}, {"where(inf - inf, 1, 2)", 0, 1},
        {"min(1, 0/0)", 0, 1}, {" \t\n x \r\n", 7, 7}, {"1e2+.5e1+5.", 0, 110},
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        sq_expr *e = compile(t[i].text);
        double v = sq_expr_twin(e, t[i].x, NULL), y;
        cr_assert_eq(v, t[i].value, "'%s': %.17g", t[i].text, v);
        cr_assert_eq(sq_expr_eval(e, SQ_ISA_AUTO, 1, &t[i].x, NULL, 0, &y), SQ_OK);
        cr_assert_eq(y, t[i].value, "'%s' vm: %.17g", t[i].text, y);
        sq_expr_free(e);
    }
}

/* Folding, sharing, hoisting: what compiles to what. */
Test(expr, constants_are_folded_and_equal_parts_shared)
{
    static const struct { const char *text; size_t ops; int uses_x; size_t np; } t[] = {
        {"2*3*4", 2, 0, 0},                  /* CONST, COPY */
        {"sin(x) + sin(x)", 2, 1, 0},        /* SIN, ADD */
        {"x", 1, 1, 0},                      /* COPY */
        {"p3", 1, 0, 4},                     /* COPY */
        {"x^8", 3, 1, 0},                    /* three squarings */
        {"exp(-x*x) * exp(-x*x)", 4, 1, 0},
        {"sqrt(2)*x", 2, 1, 0},              /* CONST folded from sqrt(2), MUL */
        {"p0*p1*x", 2, 1, 2},                /* p0*p1 hoisted, then one MUL */
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        sq_expr *e = compile(t[i].text);
        cr_assert_eq(sq_expr_ops(e), t[i].ops, "'%s': %zu ops", t[i].text, sq_expr_ops(e));
        cr_assert_eq(sq_expr_uses_x(e), t[i].uses_x, "'%s'", t[i].text);
        cr_assert_eq(sq_expr_nparams(e), t[i].np, "'%s'", t[i].text);
        sq_expr_free(e);
    }
}

/* ---- errors ----------------------------------------------------------------------- */

Test(expr, errors_say_what_and_where)
{
    static const struct { const char *text; size_t pos; const char *msg; } t[] = {
        {"", 0, "empty"},
        {"   ", 3, "empty"},
        {"2x", 1, "after the expression"},
        {"sin(", 4, "end"},
        {"sin(x", 5, "expected ',' or ')'"},
        {"(x", 2, "expected ')'"},
        {"x)", 1, "after the expression"},
        {"foo(x)", 0, "unknown function 'foo'"},
        {"y + 1", 0, "unknown name 'y'"},
        {"sin + 1", 0, "needs arguments"},
        {"x +* 2", 3, "unexpected '*'"},
        {"1e999", 0, "too large"},
        {"p16", 0, "unknown parameter"},
        {"p01", 0, "unknown parameter"},
        {"sin(1, 2)", 0, "takes 1 argument"},
        {"atan2(1)", 0, "takes 2 arguments"},
        {"where(1, 2, 3, 4)", 14, "too many arguments"},
        {"x # 2", 2, "unexpected '#'"},
        {"x \xc3\xa9", 2, "byte 0xc3"},
        {"1 ** 2", 3, "unexpected '*'"},
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        sq_expr_error err;
        sq_expr *e = sq_expr_compile(t[i].text, &err);
        cr_assert_null(e, "'%s' compiled", t[i].text);
        cr_assert_eq(err.position, t[i].pos, "'%s': position %zu (%s)", t[i].text,
                     err.position, err.message);
        cr_assert(strstr(err.message, t[i].msg) != NULL, "'%s': '%s'", t[i].text,
                  err.message);
    }
    sq_expr_error err;
    cr_assert_null(sq_expr_compile(NULL, &err));
    cr_assert_null(sq_expr_compile_n("x\0+1", 4, &err));
    cr_assert_eq(err.position, 1);
    cr_assert(strstr(err.message, "NUL") != NULL);
    cr_assert_null(sq_expr_compile("nope", NULL));   /* no error struct: fine */
}

Test(expr, the_caret_points_at_the_error)
{
    sq_expr_error err;
    const char *text = "exp(-x*x) * cos(3*y)";
    cr_assert_null(sq_expr_compile(text, &err));
    char buf[256];
    size_t need = sq_expr_describe_error(text, &err, buf, sizeof buf);
    cr_assert_lt(need, sizeof buf);
    cr_assert(strstr(buf, "unknown name 'y' at position 18") != NULL, "%s", buf);
    cr_assert(strstr(buf, "\n  exp(-x*x) * cos(3*y)\n                    ^") != NULL,
              "%s", buf);
    char tiny[8];
    cr_assert_eq(sq_expr_describe_error(text, &err, tiny, sizeof tiny), need);
    cr_assert_eq(strlen(tiny), sizeof tiny - 1);
}

/* ---- limits -------------------------------------------------------------------- */

static char *repeat(const char *head, const char *unit, size_t n, const char *tail)
{
    size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail);
    char *s = malloc(hl + ul * n + tl + 1);
    cr_assert_not_null(s);
    memcpy(s, head, hl);
    for (size_t i = 0; i < n; i++)
        memcpy(s + hl + i * ul, unit, ul);
    memcpy(s + hl + n * ul, tail, tl + 1);
    return s;
}

Test(expr, limits_are_errors_not_crashes)
{
    sq_expr_error err;
    /* 65536 bytes: fine; one more: too long; a megabyte: too long. */
    char *s = repeat("x", "+x", 32767, "");
    cr_assert_eq(strlen(s), 65535);
    sq_expr *e = sq_expr_compile(s, &err);
    cr_assert_not_null(e, "%s", err.message);
    cr_assert_eq(sq_expr_twin(e, 1, NULL), 32768);
    sq_expr_free(e);
    free(s);
    s = repeat("x", "+x", 32768, "");
    cr_assert_null(sq_expr_compile(s, &err));
    cr_assert(strstr(err.message, "longer") != NULL);
    free(s);
    s = repeat("", "x*", 500000, "x");
    cr_assert_null(sq_expr_compile(s, &err));
    free(s);
    /* Nesting: 200 parentheses compile, 201 and 60000 are refused without
     * recursion going deeper than the limit. */
    char *open = repeat("", "(", 200, "x");
    char *both = repeat(open, ")", 200, "");
    e = sq_expr_compile(both, &err);
    cr_assert_not_null(e, "%s", err.message);
    sq_expr_free(e);
    free(open);
    free(both);
    open = repeat("", "(", 201, "x");
    both = repeat(open, ")", 201, "");
    cr_assert_null(sq_expr_compile(both, &err));
    cr_assert(strstr(err.message, "nesting") != NULL, "%s", err.message);
    free(open);
    free(both);
    /* A chain of powers recurses too: 200 levels compile, 5000 do not. */
    s = repeat("", "x^", 200, "1");
    e = sq_expr_compile(s, &err);
    cr_assert_not_null(e, "%s", err.message);
    sq_expr_free(e);
    free(s);
    s = repeat("", "x^", 5000, "1");
    cr_assert_null(sq_expr_compile(s, &err));
    cr_assert(strstr(err.message, "nesting") != NULL, "%s", err.message);
    free(s);
    s = repeat("", "(", 60000, "x");
    cr_assert_null(sq_expr_compile(s, &err));
    cr_assert(strstr(err.message, "nesting") != NULL, "%s", err.message);
    free(s);
    s = repeat("", "-", 60000, "x");
    cr_assert_null(sq_expr_compile(s, &err));
    cr_assert(strstr(err.message, "nesting") != NULL, "%s", err.message);
    free(s);
    s = repeat("", "sin(", 1000, "x");
    cr_assert_null(sq_expr_compile(s, &err));
    free(s);
    /* More live values than registers: forty hoisted parameter terms. */
    char buf[8192];
    size_t n = 0;
    for (int k = 0; k < 40; k++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%sx*(p0+%d)", k ? "+" : "", k);
    cr_assert_null(sq_expr_compile(buf, &err));
    cr_assert(strstr(err.message, "registers") != NULL, "%s", err.message);
    /* A long chain of distinct terms still fits: the machine frees as it
     * goes. */
    n = 0;
    for (int k = 0; k < 200; k++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%ssin(x+%d)", k ? "+" : "", k);
    e = sq_expr_compile(buf, &err);
    cr_assert_not_null(e, "%s", err.message);
    sq_expr_free(e);
}

/* Numbers never depend on the locale, even one with a decimal comma. */
Test(expr, numbers_ignore_the_locale)
{
    const char *names[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "C.UTF-8", "C"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (setlocale(LC_NUMERIC, names[i]) != NULL)
            break;
    sq_expr *e = compile("1.5*x + 0.25");
    cr_assert_eq(sq_expr_twin(e, 2, NULL), 3.25);
    sq_expr_free(e);
    setlocale(LC_NUMERIC, "C");
}

/* ---- as integrands ---------------------------------------------------------------- */

Test(expr, expressions_integrate_alone_and_in_batches)
{
    sq_expr *e = compile("exp(-x*x)*cos(3*x)");
    sq_integrand f = sq_fn_expr(e, NULL);
    sq_result r;
    cr_assert_eq(sq_integrate(&f, -INFINITY, INFINITY, NULL, &r), SQ_OK);
    double exact = sqrt(3.141592653589793) * exp(-2.25);
    cr_assert(fabs(r.value - exact) <= fmax(r.error, 1e-16), "%.17g", r.value);
    sq_expr_free(e);

    /* Gaussians with parameters per problem, against the closed form. */
    e = compile("exp(-(p0*(x - p1))^2)");
    enum { N = 64 };
    double a[N], b[N], p[2 * N];
    for (size_t i = 0; i < N; i++) {
        a[i] = 0;
        b[i] = 1;
        p[2 * i] = 2 + 0.1 * (double)i;
        p[2 * i + 1] = (double)i / N;
    }
    f = sq_fn_expr(e, NULL);
    sq_batch bt = {.n = N, .a = a, .b = b, .params = p, .nparams = 2};
    sq_result rs[N];
    cr_assert_eq(sq_integrate_batch(NULL, &f, &bt, NULL, rs), SQ_OK);
    for (size_t i = 0; i < N; i++) {
        double k = p[2 * i], u = p[2 * i + 1];
        double ex = sqrt(3.141592653589793) / (2 * k) * (erf(k * (1 - u)) + erf(k * u));
        cr_assert(fabs(rs[i].value - ex) <= fmax(rs[i].error, 4e-16 * ex), "%zu", i);
        /* The same problem alone, with the integrand's own parameters. */
        sq_integrand one = sq_fn_expr(e, p + 2 * i);
        sq_result alone;
        sq_integrate(&one, a[i], b[i], NULL, &alone);
        cr_assert(memcmp(&alone.value, &rs[i].value, sizeof alone.value) == 0);
    }
    /* Parameters are required when the expression uses them. */
    sq_integrand bare = sq_fn_expr(e, NULL);
    cr_assert_eq(sq_integrate(&bare, 0, 1, NULL, &r), SQ_BAD_INPUT);
    sq_batch narrow = {.n = N, .a = a, .b = b, .params = p, .nparams = 1};
    cr_assert_eq(sq_integrate_batch(NULL, &f, &narrow, NULL, rs), SQ_BAD_INPUT);
    sq_expr_free(e);
    cr_assert_eq(sq_fn_expr(NULL, NULL).kind, SQ_INTEGRAND_INVALID);
}

/* Overflow and domain errors are values: NaN and Inf reach the engine,
 * which reports them. */
Test(expr, overflow_in_an_integrand_is_reported)
{
    sq_expr *e = compile("exp(x)");
    sq_integrand f = sq_fn_expr(e, NULL);
    sq_result r;
    cr_assert_eq(sq_integrate(&f, 0, 800, NULL, &r), SQ_NONFINITE);
    cr_assert(r.where > 700 && r.where <= 800, "%g", r.where);
    sq_expr_free(e);
    e = compile("1/0 + x");
    f = sq_fn_expr(e, NULL);
    cr_assert_eq(sq_integrate(&f, 0, 1, NULL, &r), SQ_NONFINITE);
    sq_expr_free(e);
}

/* The parser's recursion is bounded by its nesting limit, whatever the
 * text: on a thread with a 256 KiB stack, the deepest accepted expressions
 * compile and the deep ones of every kind are refused without overflowing
 * it. */
static void *compile_deep(void *arg)
{
    (void)arg;
    const char *units[] = {"(", "-", "x^", "sin(", "+"};
    static const size_t counts[] = {200, 5000, 100000};
    long refused = 0, compiled = 0;
    for (size_t u = 0; u < sizeof units / sizeof *units; u++) {
        for (size_t k = 0; k < sizeof counts / sizeof *counts; k++) {
            size_t n = counts[k], len = strlen(units[u]);
            char *s = malloc(n * (len + 1) + 2);
            size_t p = 0;
            for (size_t i = 0; i < n; i++) {
                memcpy(s + p, units[u], len);
                p += len;
            }
            s[p++] = units[u][0] == 'x' ? '1' : 'x';
            for (size_t i = 0; units[u][len - 1] == '(' && i < n; i++)
                s[p++] = ')';
            s[p] = 0;
            sq_expr_error err;
            sq_expr *e = sq_expr_compile(s, &err);
            compiled += e != NULL;
            refused += e == NULL;
            sq_expr_free(e);
            free(s);
        }
    }
    return (void *)(refused * 100 + compiled);
}

Test(expr, deep_expressions_fit_a_small_stack)
{
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 256 * 1024);
    pthread_t t;
    cr_assert_eq(pthread_create(&t, &attr, compile_deep, NULL), 0);
    void *ret;
    pthread_join(t, &ret);
    pthread_attr_destroy(&attr);
    long v = (long)ret;
    /* 200 levels of each kind compile ("+" signs count as levels too);
     * 5000 and 100000 never do. */
    cr_assert_eq(v % 100, 5, "compiled %ld", v % 100);
    cr_assert_eq(v / 100, 10, "refused %ld", v / 100);
}

Test(expr, which_parameters_are_read)
{
    sq_expr *e = sq_expr_compile("p1*x + p3", NULL);
    cr_assert_not_null(e);
    cr_assert_eq(sq_expr_nparams(e), 4);
    cr_assert(!sq_expr_uses_param(e, 0) && sq_expr_uses_param(e, 1));
    cr_assert(!sq_expr_uses_param(e, 2) && sq_expr_uses_param(e, 3));
    cr_assert(!sq_expr_uses_param(e, 4) && !sq_expr_uses_param(e, 99));
    cr_assert(!sq_expr_uses_param(NULL, 0));
    sq_expr_free(e);
}
