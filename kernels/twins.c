/* SPDX-License-Identifier: MIT */
/*
 * Kernel names and their scalar twins: the same functions written with the C
 * library's scalar libm, one point at a time. The twins are the reference
 * the SIMD kernels are tested against and the "scalar libm" column of the
 * benchmarks. Compiled once, without ISA flags.
 */
#include <math.h>

#include "kernels.h"

static double t_sin(double x) { return sin(x); }
static double t_cos(double x) { return cos(x); }
static double t_exp(double x) { return exp(x); }
static double t_log(double x) { return log(x); }
static double t_sqrt(double x) { return sqrt(x); }
static double t_gauss(double x) { return exp(-(x * x)); }
static double t_lorentz(double x) { return 1.0 / (1.0 + x * x); }

static double t_poly(double x)
{
    double p = 1.0 / 24 + x * (1.0 / 120);
    p = 1.0 / 6 + x * p;
    p = 1.0 / 2 + x * p;
    p = 1.0 + x * p;
    return 1.0 + x * p;
}

static double t_gauss_cos(double x) { return exp(-(x * x)) * cos(3.0 * x); }

/* One loop per twin, so that the compiler inlines the twin into it: the
 * scalar baseline of the benchmarks pays no call per point. */
static void l_sin(size_t n, const double *x, double *y)
{
    for (size_t i = 0; i < n; i++)
        y[i] = t_sin(x[i]);
}

static void l_cos(size_t n, const double *x, double *y)
{
    for (size_t i = 0; i < n; i++)
        y[i] = t_cos(x[i]);
}

static void l_exp(size_t n, const double *x, double *y)
{
    for (size_t i = 0; i < n; i++)
        y[i] = t_exp(x[i]);
}

static void l_log(size_t n, const double *x, double *y)
{
    for (size_t i = 0; i < n; i++)
        y[i] = t_log(x[i]);
}

static void l_sqrt(size_t n, const double *x, double *y)
{
    for (size_t i = 0; i < n; i++)
        y[i] = t_sqrt(x[i]);
}

static void l_gauss(size_t n, const double *x, double *y)
{
    for (size_t i = 0; i < n; i++)
        y[i] = t_gauss(x[i]);
}

static void l_lorentz(size_t n, const double *x, double *y)
{
    for (size_t i = 0; i < n; i++)
        y[i] = t_lorentz(x[i]);
}

static void l_poly(size_t n, const double *x, double *y)
{
    for (size_t i = 0; i < n; i++)
        y[i] = t_poly(x[i]);
}

static void l_gauss_cos(size_t n, const double *x, double *y)
{
    for (size_t i = 0; i < n; i++)
        y[i] = t_gauss_cos(x[i]);
}

/* ---- families --------------------------------------------------------------------- */

#define TWO_PI 6.283185307179586476925286766559
#define INV_SQRT_2PI 0.398942280401432677939946059934
#define INV_PI 0.318309886183790671537767526745

static double t_genz_oscillatory(double x, const double *p)
{
    return cos(TWO_PI * p[1] + p[0] * x);
}

static double t_genz_product_peak(double x, const double *p)
{
    double d = x - p[1];
    return 1.0 / (1.0 / (p[0] * p[0]) + d * d);
}

static double t_genz_corner_peak(double x, const double *p)
{
    double s = 1.0 + p[0] * x;
    return 1.0 / (s * s);
}

static double t_genz_gaussian(double x, const double *p)
{
    double d = p[0] * (x - p[1]);
    return exp(-(d * d));
}

static double t_genz_continuous(double x, const double *p)
{
    return exp(-(p[0] * fabs(x - p[1])));
}

static double t_genz_discontinuous(double x, const double *p)
{
    return x > p[1] ? 0.0 : exp(p[0] * x);
}

static double t_gauss_line(double x, const double *p)
{
    double z = (x - p[0]) / p[1];
    return INV_SQRT_2PI / p[1] * exp(-(0.5 * z * z));
}

static double t_lorentz_line(double x, const double *p)
{
    double d = x - p[0];
    return INV_PI * p[1] / (d * d + p[1] * p[1]);
}

static double t_planck(double x, const double *p)
{
    return fabs(x) > 0 ? x * x * x / expm1(x / p[0]) : 0.0;
}

const sq_family_meta sq_family_table[SQF_COUNT] = {
    [SQF_GENZ_OSCILLATORY] = {"genz_oscillatory", "cos(2*pi*p1 + p0*x)", 2, -1,
                              t_genz_oscillatory},
    [SQF_GENZ_PRODUCT_PEAK] = {"genz_product_peak", "1/(p0^-2 + (x-p1)^2)", 2,
                               -1, t_genz_product_peak},
    [SQF_GENZ_CORNER_PEAK] = {"genz_corner_peak", "(1 + p0*x)^-2", 1, -1,
                              t_genz_corner_peak},
    [SQF_GENZ_GAUSSIAN] = {"genz_gaussian", "exp(-p0^2*(x-p1)^2)", 2, -1,
                           t_genz_gaussian},
    [SQF_GENZ_CONTINUOUS] = {"genz_continuous", "exp(-p0*|x-p1|)", 2, 1,
                             t_genz_continuous},
    [SQF_GENZ_DISCONTINUOUS] = {"genz_discontinuous",
                                "x > p1 ? 0 : exp(p0*x)", 2, 1,
                                t_genz_discontinuous},
    [SQF_GAUSS_LINE] = {"gauss_line",
                        "exp(-(x-p0)^2/(2*p1^2))/(p1*sqrt(2*pi))", 2, -1,
                        t_gauss_line},
    [SQF_LORENTZ_LINE] = {"lorentz_line", "p1/(pi*((x-p0)^2 + p1^2))", 2, -1,
                          t_lorentz_line},
    [SQF_PLANCK] = {"planck", "x^3/(exp(x/p0) - 1)", 1, -1, t_planck},
};

/* ---- kernels ------------------------------------------------------------------------ */

const sq_kernel_meta sq_kernel_table[SQK_COUNT] = {
    [SQK_SIN] = {"sin", "sin(x)", t_sin, l_sin},
    [SQK_COS] = {"cos", "cos(x)", t_cos, l_cos},
    [SQK_EXP] = {"exp", "exp(x)", t_exp, l_exp},
    [SQK_LOG] = {"log", "log(x)", t_log, l_log},
    [SQK_SQRT] = {"sqrt", "sqrt(x)", t_sqrt, l_sqrt},
    [SQK_GAUSS] = {"gauss", "exp(-x*x)", t_gauss, l_gauss},
    [SQK_LORENTZ] = {"lorentz", "1/(1+x*x)", t_lorentz, l_lorentz},
    [SQK_POLY] = {"poly", "1+x+x^2/2+x^3/6+x^4/24+x^5/120", t_poly, l_poly},
    [SQK_GAUSS_COS] = {"gauss_cos", "exp(-x*x)*cos(3*x)", t_gauss_cos,
                       l_gauss_cos},
};
