/* SPDX-License-Identifier: MIT */
/*
 * Bare SLEEF and libmvec, compiled once per ISA for the benchmarks (with the library's
 * own vocabulary, kernels/vec_*.h): the built-in kernels written directly
 * on SLEEF's functions, to measure what simdquad's kernel layer costs, and
 * every function of the expression language at 1.0 ulp and, where SLEEF has
 * it, 3.5 ulp.
 *
 * The function table holds SLEEF's functions as pointers and one loop calls
 * them: the same call for every function and ISA, so ratios between rows
 * hold; the kernels' bare loops call SLEEF directly, as the kernels do.
 */
#include "bench_isa.h"

#include <stdint.h>

#include "vec.h"

typedef vdouble (*unary)(vdouble);

/* ---- the kernels, bare -------------------------------------------------------- */

static void b_sin(size_t n, const double *x, double *y)
{
    for (size_t i = 0; i < n; i += SQ_VLEN)
        vstore(y + i, SQ_SLEEF_U10(sin)(vload(x + i)));
}

static void b_cos(size_t n, const double *x, double *y)
{
    for (size_t i = 0; i < n; i += SQ_VLEN)
        vstore(y + i, SQ_SLEEF_U10(cos)(vload(x + i)));
}

static void b_exp(size_t n, const double *x, double *y)
{
    for (size_t i = 0; i < n; i += SQ_VLEN)
        vstore(y + i, SQ_SLEEF_U10(exp)(vload(x + i)));
}

static void b_log(size_t n, const double *x, double *y)
{
    for (size_t i = 0; i < n; i += SQ_VLEN)
        vstore(y + i, SQ_SLEEF_U10(log)(vload(x + i)));
}

/* The kernel uses the hardware's correctly rounded square root, faster
 * than SLEEF's: so does its bare twin. */
static void b_sqrt(size_t n, const double *x, double *y)
{
    for (size_t i = 0; i < n; i += SQ_VLEN)
        vstore(y + i, vsqrt(vload(x + i)));
}

static void b_gauss(size_t n, const double *x, double *y)
{
    for (size_t i = 0; i < n; i += SQ_VLEN) {
        vdouble v = vload(x + i);
        vstore(y + i, SQ_SLEEF_U10(exp)(-(v * v)));
    }
}

static void b_lorentz(size_t n, const double *x, double *y)
{
    const vdouble one = vset1(1.0);
    for (size_t i = 0; i < n; i += SQ_VLEN) {
        vdouble v = vload(x + i);
        vstore(y + i, one / (one + v * v));
    }
}

static void b_poly(size_t n, const double *x, double *y)
{
    const vdouble c0 = vset1(1.0), c2 = vset1(1.0 / 2), c3 = vset1(1.0 / 6);
    const vdouble c4 = vset1(1.0 / 24), c5 = vset1(1.0 / 120);
    for (size_t i = 0; i < n; i += SQ_VLEN) {
        vdouble v = vload(x + i);
        vdouble p = c4 + v * c5;
        p = c3 + v * p;
        p = c2 + v * p;
        p = c0 + v * p;
        vstore(y + i, c0 + v * p);
    }
}

static void b_gauss_cos(size_t n, const double *x, double *y)
{
    const vdouble three = vset1(3.0);
    for (size_t i = 0; i < n; i += SQ_VLEN) {
        vdouble v = vload(x + i);
        vstore(y + i, SQ_SLEEF_U10(exp)(-(v * v)) * SQ_SLEEF_U10(cos)(three * v));
    }
}

/* ---- each backend's library, bare --------------------------------------------- */

#define BARE1(name, fn)                                                       \
    static void name(size_t n, const double *x, double *y)                    \
    {                                                                         \
        for (size_t i = 0; i < n; i += SQ_VLEN)                               \
            vstore(y + i, fn(vload(x + i)));                                  \
    }
#define BARE_GAUSS_COS(name, e, c)                                            \
    static void name(size_t n, const double *x, double *y)                    \
    {                                                                         \
        const vdouble three = vset1(3.0);                                     \
        for (size_t i = 0; i < n; i += SQ_VLEN) {                             \
            vdouble v = vload(x + i);                                         \
            vstore(y + i, e(-(v * v)) * c(three * v));                        \
        }                                                                     \
    }
#define BARE_SET(tag, s, c, e, l)                                             \
    BARE1(tag##_sin, s)                                                       \
    BARE1(tag##_cos, c)                                                       \
    BARE1(tag##_exp, e)                                                       \
    BARE1(tag##_log, l)                                                       \
    BARE_GAUSS_COS(tag##_gauss_cos, e, c)
#define BARE_ROW(tag) {tag##_sin, tag##_cos, tag##_exp, tag##_log, tag##_gauss_cos}

/* SLEEF has no 3.5-ulp exp: the u35 backend uses the 1.0-ulp one. */
BARE_SET(u35, SQ_SLEEF_U35(sin), SQ_SLEEF_U35(cos), SQ_SLEEF_U10(exp),
         SQ_SLEEF_U35(log))
#ifdef SQ_HAVE_LIBMVEC
BARE_SET(mvec, SQ_MVEC1(sin), SQ_MVEC1(cos), SQ_MVEC1(exp), SQ_MVEC1(log))
#endif
#if !defined(SQ_BUILD_SSE2)
#if defined(SQ_BUILD_SCALAR)
double SQ_FINZ_U10(sin)(double);
double SQ_FINZ_U10(cos)(double);
double SQ_FINZ_U10(exp)(double);
double SQ_FINZ_U10(log)(double);
#endif
BARE_SET(det, SQ_FINZ_U10(sin), SQ_FINZ_U10(cos), SQ_FINZ_U10(exp),
         SQ_FINZ_U10(log))
#endif

/* ---- the functions ------------------------------------------------------------- */

static void apply(const void *fn, size_t n, const double *x, double *y)
{
    unary f = (unary)(uintptr_t)fn;
    for (size_t i = 0; i < n; i += SQ_VLEN)
        vstore(y + i, f(vload(x + i)));
}

#define F(fn) ((const void *)(uintptr_t)(fn))

static vdouble f_sqrt(vdouble v) { return vsqrt(v); }
static vdouble f_abs(vdouble v) { return vabs(v); }

static const bench_fn fns[] = {
    {"sin", F(SQ_SLEEF_U10(sin)), F(SQ_SLEEF_U35(sin))},
    {"cos", F(SQ_SLEEF_U10(cos)), F(SQ_SLEEF_U35(cos))},
    {"tan", F(SQ_SLEEF_U10(tan)), F(SQ_SLEEF_U35(tan))},
    {"asin", F(SQ_SLEEF_U10(asin)), F(SQ_SLEEF_U35(asin))},
    {"acos", F(SQ_SLEEF_U10(acos)), F(SQ_SLEEF_U35(acos))},
    {"atan", F(SQ_SLEEF_U10(atan)), F(SQ_SLEEF_U35(atan))},
    {"sinh", F(SQ_SLEEF_U10(sinh)), F(SQ_SLEEF_U35(sinh))},
    {"cosh", F(SQ_SLEEF_U10(cosh)), F(SQ_SLEEF_U35(cosh))},
    {"tanh", F(SQ_SLEEF_U10(tanh)), F(SQ_SLEEF_U35(tanh))},
    {"asinh", F(SQ_SLEEF_U10(asinh)), NULL},
    {"acosh", F(SQ_SLEEF_U10(acosh)), NULL},
    {"atanh", F(SQ_SLEEF_U10(atanh)), NULL},
    {"exp", F(SQ_SLEEF_U10(exp)), NULL},
    {"exp2", F(SQ_SLEEF_U10(exp2)), F(SQ_SLEEF_U35(exp2))},
    {"expm1", F(SQ_SLEEF_U10(expm1)), NULL},
    {"log", F(SQ_SLEEF_U10(log)), F(SQ_SLEEF_U35(log))},
    {"log2", F(SQ_SLEEF_U10(log2)), F(SQ_SLEEF_U35(log2))},
    {"log10", F(SQ_SLEEF_U10(log10)), NULL},
    {"log1p", F(SQ_SLEEF_U10(log1p)), NULL},
    {"sqrt", F(f_sqrt), NULL},
    {"cbrt", F(SQ_SLEEF_U10(cbrt)), F(SQ_SLEEF_U35(cbrt))},
    {"abs", F(f_abs), NULL},
    {"erf", F(SQ_SLEEF_U10(erf)), NULL},
    {"erfc", F(SQ_SLEEF_U15(erfc)), NULL},
    {"tgamma", F(SQ_SLEEF_U10(tgamma)), NULL},
    {"lgamma", F(SQ_SLEEF_U10(lgamma)), NULL},
    {"floor", F(SQ_SLEEF_EXACT(floor)), NULL},
    {"ceil", F(SQ_SLEEF_EXACT(ceil)), NULL},
};

const bench_isa SQ_ISA_SYM(bench_isa) = {
    .isa = SQ_ISA_ID,
    .vlen = SQ_VLEN,
    .bare = {[SQK_SIN] = b_sin, [SQK_COS] = b_cos, [SQK_EXP] = b_exp,
             [SQK_LOG] = b_log, [SQK_SQRT] = b_sqrt, [SQK_GAUSS] = b_gauss,
             [SQK_LORENTZ] = b_lorentz, [SQK_POLY] = b_poly,
             [SQK_GAUSS_COS] = b_gauss_cos},
    .bare_math = {
        [SQ_MATH_SLEEF_U10] = {b_sin, b_cos, b_exp, b_log, b_gauss_cos},
        [SQ_MATH_SLEEF_U35] = BARE_ROW(u35),
#ifdef SQ_HAVE_LIBMVEC
        [SQ_MATH_LIBMVEC] = BARE_ROW(mvec),
#endif
#if !defined(SQ_BUILD_SSE2)
        [SQ_MATH_DETERMINISTIC] = BARE_ROW(det),
#endif
    },
    .fns = fns,
    .nfns = sizeof fns / sizeof *fns,
    .apply = apply,
};
