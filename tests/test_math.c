/* SPDX-License-Identifier: MIT */
/*
 * The math backends: every function of the expression language, at every
 * ISA this CPU runs and with every backend built, stays within the
 * backend's documented bound in ulps of the exact value (MPFR, 256 bits)
 * over a sweep of inputs that includes the hard ones: huge arguments of the
 * trigonometric functions, subnormal inputs and results, arguments next to
 * overflow, values next to 1 for log. And integrals agree across backends
 * within their error estimates.
 */
#include <criterion/criterion.h>
#include <float.h>
#include <math.h>
#include <mpfr.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "simdquad.h"

typedef int (*mp_fn1)(mpfr_ptr, mpfr_srcptr, mpfr_rnd_t);
typedef int (*mp_fn2)(mpfr_ptr, mpfr_srcptr, mpfr_srcptr, mpfr_rnd_t);

/* How each library offers a function (kernels/vmath.h). */
enum cls {
    A,      /* SLEEF 1.0 and 3.5 ulp, libmvec */
    B,      /* SLEEF 1.0 ulp only, libmvec */
    G,      /* SLEEF 1.0 ulp only, no libmvec */
    ERFC,   /* SLEEF 1.5 ulp, libmvec */
    HYPOT,  /* SLEEF 0.5 and 3.5 ulp, libmvec */
    EXACT   /* exact in every backend */
};

/* The documented bound of a function of class c in backend m. */
static double bound(enum cls c, sq_math m)
{
    if (c == EXACT)
        return 0;
    if (m == SQ_MATH_LIBMVEC && c != G)
        return 4;
    if (m == SQ_MATH_SLEEF_U35 && (c == A || c == HYPOT))
        return 3.5;
    return c == ERFC ? 1.5 : c == HYPOT ? 0.5 : 1;
}

typedef struct fn1 {
    const char *name;
    mp_fn1 mp;
    enum cls cls;
    double lo, hi;          /* the random sweep */
    double hard[12];        /* more inputs (0 ends the list) */
    /* SLEEF's domain: beyond |x| = sleef_max (if nonzero) its functions
     * return +-inf although the exact value is finite (documented in
     * simdquad.h); the tests hold them to that. */
    double sleef_max;
} fn1;

static int mp_abs(mpfr_ptr y, mpfr_srcptr x, mpfr_rnd_t r) { return mpfr_abs(y, x, r); }
static int mp_floor(mpfr_ptr y, mpfr_srcptr x, mpfr_rnd_t r)
{
    (void)r;
    return mpfr_floor(y, x);
}
static int mp_ceil(mpfr_ptr y, mpfr_srcptr x, mpfr_rnd_t r)
{
    (void)r;
    return mpfr_ceil(y, x);
}

#define SUB 4.9406564584124654e-324   /* the least subnormal */
#define HUGE_TRIG 0x1.6ac5b262ca1ffp+849  /* close to a multiple of pi/2 */

static const fn1 fns[] = {
    {"sin", mpfr_sin, A, -20, 20,
     {1e22, 1e300, DBL_MAX, HUGE_TRIG, 1e15, 3.1415926535897931, 1e-310, SUB, -1e-300}, 0},
    {"cos", mpfr_cos, A, -20, 20,
     {1e22, 1e300, DBL_MAX, HUGE_TRIG, 1e15, 1.5707963267948966, 1e-310, SUB}, 0},
    {"tan", mpfr_tan, A, -1.5, 1.5,
     {1e22, 1e300, HUGE_TRIG, 1.5707963267948966, 1e-310, SUB}, 0},
    {"asin", mpfr_asin, A, -1, 1, {1, -1, 0.99999999999, 1e-310, SUB}, 0},
    {"acos", mpfr_acos, A, -1, 1, {1, -1, 0.99999999999, -0.99999999999, 1e-310}, 0},
    {"atan", mpfr_atan, A, -50, 50, {1e300, -1e300, DBL_MAX, 1e-310, SUB}, 0},
    {"sinh", mpfr_sinh, A, -20, 20, {709, -709, 710.4, -710.4, 1e-310, SUB, 1e-8}, 709},
    {"cosh", mpfr_cosh, A, -20, 20, {709, -709, 710.4, -710.4, 1e-310}, 709},
    {"tanh", mpfr_tanh, A, -20, 20, {19, 30, -30, 1e-310, SUB, 1e-8}, 0},
    {"asinh", mpfr_asinh, B, -50, 50,
     {1.34e154, -1.34e154, 1e300, -1e300, DBL_MAX, 1e-310, SUB}, 1.34e154},
    {"acosh", mpfr_acosh, B, 1, 50, {1, 1.0000000001, 1.34e154, 1e300, DBL_MAX},
     1.34e154},
    {"atanh", mpfr_atanh, B, -1, 1, {0.99999999999, -0.99999999999, 1e-310, SUB}, 0},
    {"exp", mpfr_exp, B, -50, 50,
     {709.78, 709.782712893384, -708.39, -740, -745.1, 1e-310, -1e-300},
     709.78271114955742},
    {"exp2", mpfr_exp2, A, -50, 50, {1023.99, -1022.5, -1070, -1074, 1e-310}, 0},
    {"expm1", mpfr_expm1, B, -5, 5, {709.78, -40, 1e-10, -1e-10, 1e-310, SUB}, 0},
    {"log", mpfr_log, A, 1e-3, 1e3,
     {SUB, 1e-310, DBL_MIN, DBL_MAX, 1.0000000000000002, 0.99999999999999989,
      1e300}, 0},
    {"log2", mpfr_log2, A, 1e-3, 1e3, {SUB, 1e-310, DBL_MIN, DBL_MAX, 1.0000000000000002}, 0},
    {"log10", mpfr_log10, B, 1e-3, 1e3, {SUB, 1e-310, DBL_MIN, DBL_MAX, 1.0000000000000002}, 0},
    {"log1p", mpfr_log1p, B, -0.5, 1e3,
     {1e-10, -1e-10, 1e-310, SUB, 1e307, DBL_MAX, -0.9999999}, 1e307},
    {"cbrt", mpfr_cbrt, A, -1e3, 1e3, {SUB, 1e-310, DBL_MIN, DBL_MAX, -DBL_MAX}, 0},
    {"erf", mpfr_erf, B, -6, 6, {1e-310, SUB, 1e-8, 5.9}, 0},
    {"erfc", mpfr_erfc, ERFC, -6, 26, {26.5, 27.2, 1e-310, -6}, 0},
    {"tgamma", mpfr_gamma, G, 0.5, 20, {170.5, 1e-300, 1.5, 30.1}, 0},
    {"lgamma", mpfr_lngamma, G, 3, 1e3, {1e300, 1e-300, 100.5, 2.5}, 0},
    {"abs", mp_abs, EXACT, -10, 10, {-SUB, DBL_MAX}, 0},
    {"floor", mp_floor, EXACT, -1e6, 1e6, {-SUB, 4503599627370495.5, -0.5}, 0},
    {"ceil", mp_ceil, EXACT, -1e6, 1e6, {-SUB, 4503599627370495.5, -0.5}, 0},
};

typedef struct fn2 {
    const char *name;
    mp_fn2 mp;
    enum cls cls;
    double lo, hi, lo2, hi2;
} fn2;

static const fn2 fns2[] = {
    {"atan2", mpfr_atan2, A, -10, 10, -10, 10},
    {"pow", mpfr_pow, B, 0.01, 10, -30, 30},
    {"hypot", mpfr_hypot, HYPOT, -1e3, 1e3, -1e3, 1e3},
};

/* An exact value: rounded to double (r), the rounding in ulps (d0), the
 * ulp (that of a subnormal is 2^-1074), and whether it is zero. Computed
 * once per input, compared with every ISA and backend. */
typedef struct exact {
    double r, d0, ulp;
    int zero;
} exact;

static exact reference(mpfr_srcptr v)
{
    exact e = {mpfr_get_d(v, MPFR_RNDN), 0, 0, mpfr_zero_p(v) != 0};
    if (!isfinite(e.r) || e.zero)
        return e;
    long ex = mpfr_get_exp(v);
    if (ex < -1021)
        ex = -1021;
    e.ulp = ldexp(1.0, (int)ex - 53);
    mpfr_t d;
    mpfr_init2(d, 256);
    mpfr_set_d(d, e.r, MPFR_RNDN);
    mpfr_sub(d, d, v, MPFR_RNDN);
    mpfr_mul_2si(d, d, 53 - ex, MPFR_RNDN);
    e.d0 = mpfr_get_d(d, MPFR_RNDN);
    mpfr_clear(d);
    return e;
}

/* |y - exact| in ulps of the exact value; 0 when both are the same
 * non-finite value. y - r is exact when it matters (Sterbenz). */
static double ulps(double y, const exact *e)
{
    if (!isfinite(e->r) || !isfinite(y))
        return (y == e->r || (isnan(y) && isnan(e->r))) ? 0 : INFINITY;
    if (e->zero)
        return y == 0 ? 0 : INFINITY;
    return fabs((y - e->r) / e->ulp + e->d0);
}

static uint64_t next(uint64_t *s)
{
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return *s >> 11;
}

static double uniform(uint64_t *s, double lo, double hi)
{
    return lo + (hi - lo) * (double)next(s) / 9007199254740992.0;
}

/* The ISAs this CPU runs. */
static size_t isas(sq_isa *out)
{
    size_t n = 0;
    for (int i = SQ_ISA_SCALAR; i < SQ_ISA_COUNT; i++)
        if (sq_isa_supported((sq_isa)i))
            out[n++] = (sq_isa)i;
    return n;
}

enum { N = 3000 };

Test(math, names_and_bounds)
{
    for (int m = 0; m < SQ_MATH_COUNT; m++)
        cr_assert_eq((int)sq_math_from_name(sq_math_name((sq_math)m)), m);
    cr_assert_eq(sq_math_from_name("fast"), SQ_MATH_COUNT);
    cr_assert_eq(sq_math_from_name(NULL), SQ_MATH_COUNT);
    cr_assert_str_eq(sq_math_name(SQ_MATH_COUNT), "unknown");
    cr_assert_eq(sq_math_ulp_bound(SQ_MATH_SLEEF_U10), 1.0);
    cr_assert_eq(sq_math_ulp_bound(SQ_MATH_SLEEF_U35), 3.5);
    cr_assert_eq(sq_math_ulp_bound(SQ_MATH_LIBMVEC), 4.0);
    cr_assert_eq(sq_math_ulp_bound(SQ_MATH_DETERMINISTIC), 1.0);
    cr_assert_eq(sq_math_ulp_bound(SQ_MATH_COUNT), 0.0);
    cr_assert(!sq_math_supported(SQ_MATH_COUNT, SQ_ISA_AUTO));
    /* The default backend, and the ones every build has. */
    if (getenv("SIMDQUAD_MATH") == NULL)
        cr_assert_eq(sq_math_resolve(SQ_MATH_AUTO),
                     sq_math_supported(SQ_MATH_LIBMVEC, SQ_ISA_AUTO)
                         ? SQ_MATH_LIBMVEC
                         : SQ_MATH_SLEEF_U35);
    cr_assert(sq_math_supported(SQ_MATH_SLEEF_U10, SQ_ISA_SCALAR));
    cr_assert(sq_math_supported(SQ_MATH_SLEEF_U35, SQ_ISA_SCALAR));
    cr_assert(!sq_math_supported(SQ_MATH_DETERMINISTIC, SQ_ISA_SSE2));
    /* An option the ISA cannot run is refused with a reason. */
    double x = 1, y;
    cr_assert_eq(sq_kernel_eval_math(0, SQ_ISA_AUTO, SQ_MATH_COUNT, 1, &x, &y),
                 SQ_BAD_INPUT);
    sq_options o;
    sq_options_init(&o);
    cr_assert_eq(o.math, SQ_MATH_AUTO);
    o.math = (sq_math)77;
    sq_integrand f = sq_fn_kernel("exp");
    sq_result r;
    cr_assert_eq(sq_integrate(&f, 0, 1, &o, &r), SQ_BAD_INPUT);
    cr_assert(strstr(r.detail, "math") != NULL, "%s", r.detail);
}

/* Every unary function at every ISA and backend, within its bound. */
Test(math, unary_functions_stay_within_their_bounds, .timeout = 600)
{
    sq_isa is[SQ_ISA_COUNT];
    size_t ni = isas(is);
    static double x[N], y[N];
    static exact ref[N];
    mpfr_t mx, my;
    mpfr_inits2(256, mx, my, (mpfr_ptr)0);
    for (size_t f = 0; f < sizeof fns / sizeof *fns; f++) {
        char text[32];
        snprintf(text, sizeof text, "%s(x)", fns[f].name);
        sq_expr *e = sq_expr_compile(text, NULL);
        cr_assert_not_null(e, "%s", text);
        uint64_t seed = 0x2545f4914f6cdd1dull + f;
        size_t n = 0;
        for (size_t h = 0; h < 12 && fns[f].hard[h] != 0; h++)
            x[n++] = fns[f].hard[h];
        while (n < N)
            x[n++] = uniform(&seed, fns[f].lo, fns[f].hi);
        for (size_t k = 0; k < N; k++) {
            mpfr_set_d(mx, x[k], MPFR_RNDN);
            fns[f].mp(my, mx, MPFR_RNDN);
            ref[k] = reference(my);
        }
        for (size_t i = 0; i < ni; i++)
            for (int m = SQ_MATH_SLEEF_U10; m < SQ_MATH_COUNT; m++) {
                if (!sq_math_supported((sq_math)m, is[i]))
                    continue;
                cr_assert_eq(sq_expr_eval_math(e, is[i], (sq_math)m, N, x, NULL, 0, y),
                             SQ_OK);
                double excess = 0, worst = 0, at = 0, at_bound = 0;
                for (size_t k = 0; k < N; k++) {
                    double u = ulps(y[k], &ref[k]);
                    double b = bound(fns[f].cls, (sq_math)m);
                    /* glibc reduces huge arguments of sin, cos and tan to
                     * fewer bits than results next to a multiple of pi/2
                     * need (documented in simdquad.h). */
                    if (m == SQ_MATH_LIBMVEC && fabs(x[k]) > 0x1p30
                        && (strcmp(fns[f].name, "sin") == 0
                            || strcmp(fns[f].name, "cos") == 0
                            || strcmp(fns[f].name, "tan") == 0))
                        b = 16;
                    double reach = strcmp(fns[f].name, "exp") == 0 ? x[k] : fabs(x[k]);
                    if (m != SQ_MATH_LIBMVEC && fns[f].sleef_max > 0
                        && reach > fns[f].sleef_max) {
                        cr_expect(isinf(y[k]) && (y[k] > 0) == (x[k] > 0
                                                 || fns[f].name[0] == 'c'),
                                  "%s(%g) with %s: %g", fns[f].name, x[k],
                                  sq_math_name((sq_math)m), y[k]);
                        continue;
                    }
                    double r = b > 0 ? u / b : u > 0 ? INFINITY : 0;
                    if (r > excess) {
                        excess = r;
                        worst = u;
                        at = x[k];
                        at_bound = b;
                    }
                }
                cr_expect(excess <= 1,
                          "%s at %s with %s: %.3g ulp at x = %.17g (bound %g)",
                          fns[f].name, sq_isa_name(is[i]), sq_math_name((sq_math)m),
                          worst, at, at_bound);
            }
        sq_expr_free(e);
    }
    mpfr_clears(mx, my, (mpfr_ptr)0);
}

Test(math, binary_functions_stay_within_their_bounds, .timeout = 600)
{
    sq_isa is[SQ_ISA_COUNT];
    size_t ni = isas(is);
    static double x[N], p[N], y[N];
    static exact ref[N];
    mpfr_t mx, mp, my;
    mpfr_inits2(256, mx, mp, my, (mpfr_ptr)0);
    for (size_t f = 0; f < sizeof fns2 / sizeof *fns2; f++) {
        char text[32];
        snprintf(text, sizeof text, "%s(x, p0)", fns2[f].name);
        sq_expr *e = sq_expr_compile(text, NULL);
        cr_assert_not_null(e, "%s", text);
        uint64_t seed = 0x9e3779b97f4a7c15ull + f;
        for (size_t k = 0; k < N; k++) {
            x[k] = uniform(&seed, fns2[f].lo, fns2[f].hi);
            p[k] = uniform(&seed, fns2[f].lo2, fns2[f].hi2);
        }
        /* Hard pairs: results next to overflow and in the subnormals. */
        if (strcmp(fns2[f].name, "pow") == 0) {
            x[0] = 2, p[0] = 1023.99;
            x[1] = 0.5, p[1] = 1070.5;
            x[2] = 10, p[2] = -320;
            x[3] = 1.0000000000000002, p[3] = 1e15;
        } else if (strcmp(fns2[f].name, "hypot") == 0) {
            x[0] = 1e308, p[0] = 1e308;
            x[1] = SUB, p[1] = 3 * SUB;
        } else {
            x[0] = SUB, p[0] = 1e300;
            x[1] = -1e300, p[1] = SUB;
        }
        for (size_t k = 0; k < N; k++) {
            mpfr_set_d(mx, x[k], MPFR_RNDN);
            mpfr_set_d(mp, p[k], MPFR_RNDN);
            fns2[f].mp(my, mx, mp, MPFR_RNDN);
            ref[k] = reference(my);
        }
        for (size_t i = 0; i < ni; i++)
            for (int m = SQ_MATH_SLEEF_U10; m < SQ_MATH_COUNT; m++) {
                if (!sq_math_supported((sq_math)m, is[i]))
                    continue;
                cr_assert_eq(sq_expr_eval_math(e, is[i], (sq_math)m, N, x, p, 1, y),
                             SQ_OK);
                double b = bound(fns2[f].cls, (sq_math)m), worst = 0;
                size_t at = 0;
                for (size_t k = 0; k < N; k++) {
                    double u = ulps(y[k], &ref[k]);
                    if (u > worst) {
                        worst = u;
                        at = k;
                    }
                }
                cr_assert(worst <= b,
                          "%s at %s with %s: %.3g ulp at (%.17g, %.17g) (bound %g)",
                          fns2[f].name, sq_isa_name(is[i]), sq_math_name((sq_math)m),
                          worst, x[at], p[at], b);
            }
        sq_expr_free(e);
    }
    mpfr_clears(mx, mp, my, (mpfr_ptr)0);
}

/* The kernels and families with every backend give what the same formula
 * gives through the expression machine with that backend: one library
 * behind both. */
Test(math, kernels_use_the_chosen_backend)
{
    static const char *const formulas[] = {"sin(x)", "cos(x)", "exp(x)", "log(x)"};
    static const char *const kernels[] = {"sin", "cos", "exp", "log"};
    sq_isa is[SQ_ISA_COUNT];
    size_t ni = isas(is);
    enum { M = 512 };
    double x[M], yk[M], ye[M];
    for (size_t k = 0; k < M; k++)
        x[k] = 0.01 + 13.7 * (double)k / M;
    for (size_t f = 0; f < 4; f++) {
        sq_expr *e = sq_expr_compile(formulas[f], NULL);
        int kernel = sq_kernel_find(kernels[f]);
        for (size_t i = 0; i < ni; i++)
            for (int m = SQ_MATH_SLEEF_U10; m < SQ_MATH_COUNT; m++) {
                if (!sq_math_supported((sq_math)m, is[i]))
                    continue;
                cr_assert_eq(sq_kernel_eval_math(kernel, is[i], (sq_math)m, M, x, yk),
                             SQ_OK);
                cr_assert_eq(sq_expr_eval_math(e, is[i], (sq_math)m, M, x, NULL, 0, ye),
                             SQ_OK);
                cr_assert(memcmp(yk, ye, sizeof yk) == 0, "%s at %s with %s",
                          kernels[f], sq_isa_name(is[i]), sq_math_name((sq_math)m));
            }
        sq_expr_free(e);
    }
    /* Backends differ somewhere (else the option would do nothing): sin
     * with SLEEF's 1.0 and 3.5-ulp functions over many points. */
    enum { BIG = 20000 };
    static double xs[BIG], y10[BIG], y35[BIG];
    for (size_t k = 0; k < BIG; k++)
        xs[k] = -50 + 100 * (double)k / BIG;
    int sin_k = sq_kernel_find("sin");
    sq_kernel_eval_math(sin_k, SQ_ISA_AUTO, SQ_MATH_SLEEF_U10, BIG, xs, y10);
    sq_kernel_eval_math(sin_k, SQ_ISA_AUTO, SQ_MATH_SLEEF_U35, BIG, xs, y35);
    cr_assert(memcmp(y10, y35, sizeof y10) != 0);
}

/* Integrals with every backend: each within its own error estimate of the
 * exact value, and so within the sum of the estimates of each other. */
Test(math, integrals_agree_across_backends)
{
    static const struct {
        const char *text;
        double a, b, exact;
    } t[] = {
        {"exp(-x*x)*cos(3*x)", -INFINITY, INFINITY, 0.18681526145713168},
        {"sin(x)", 0, 10, 1.8390715290764525},
        {"log(x)", 0, 1, -1},
        {"1/(1 + x*x)", 0, INFINITY, 1.5707963267948966},
        {"pow(x, 0.3) * atan(x) + tanh(x) + cbrt(x)", 0, 2, 0},
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        sq_expr *e = sq_expr_compile(t[i].text, NULL);
        cr_assert_not_null(e);
        sq_integrand f = sq_fn_expr(e, NULL);
        sq_result r[SQ_MATH_COUNT];
        int have[SQ_MATH_COUNT] = {0};
        for (int m = SQ_MATH_SLEEF_U10; m < SQ_MATH_COUNT; m++) {
            if (!sq_math_supported((sq_math)m, SQ_ISA_AUTO))
                continue;
            sq_options o;
            sq_options_init(&o);
            o.math = (sq_math)m;
            o.epsrel = 1e-11;
            cr_assert_eq(sq_integrate(&f, t[i].a, t[i].b, &o, &r[m]), SQ_OK, "%s %s",
                         t[i].text, sq_math_name((sq_math)m));
            have[m] = 1;
            if (t[i].exact != 0)
                cr_assert(fabs(r[m].value - t[i].exact) <= r[m].error,
                          "%s with %s: %.17g, error %.3g, exact %.17g", t[i].text,
                          sq_math_name((sq_math)m), r[m].value, r[m].error,
                          t[i].exact);
        }
        for (int m = SQ_MATH_SLEEF_U35; m < SQ_MATH_COUNT; m++)
            if (have[m])
                cr_assert(fabs(r[m].value - r[SQ_MATH_SLEEF_U10].value)
                              <= r[m].error + r[SQ_MATH_SLEEF_U10].error,
                          "%s: %s %.17g vs sleef-u10 %.17g", t[i].text,
                          sq_math_name((sq_math)m), r[m].value,
                          r[SQ_MATH_SLEEF_U10].value);
        sq_expr_free(e);
    }
    /* A batch of a family. */
    enum { P = 64 };
    double a[P], b[P], p[2 * P];
    for (size_t i = 0; i < P; i++) {
        a[i] = 0;
        b[i] = 1;
        p[2 * i] = 5 + (double)i;
        p[2 * i + 1] = 0.25 + (double)i / 200;
    }
    sq_integrand g = sq_fn_family("genz_gaussian", NULL);
    sq_batch bt = {.n = P, .a = a, .b = b, .params = p, .nparams = 2};
    sq_result r0[P], r1[P];
    sq_options o;
    sq_options_init(&o);
    o.math = SQ_MATH_SLEEF_U10;
    cr_assert_eq(sq_integrate_batch(NULL, &g, &bt, &o, r0), SQ_OK);
    for (int m = SQ_MATH_SLEEF_U35; m < SQ_MATH_COUNT; m++) {
        if (!sq_math_supported((sq_math)m, SQ_ISA_AUTO))
            continue;
        o.math = (sq_math)m;
        cr_assert_eq(sq_integrate_batch(NULL, &g, &bt, &o, r1), SQ_OK);
        for (size_t i = 0; i < P; i++)
            cr_assert(fabs(r0[i].value - r1[i].value) <= r0[i].error + r1[i].error,
                      "problem %zu with %s", i, sq_math_name((sq_math)m));
    }
}
