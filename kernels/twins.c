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

const sq_kernel_meta sq_kernel_table[SQK_COUNT] = {
    [SQK_SIN] = {"sin", "sin(x)", t_sin},
    [SQK_COS] = {"cos", "cos(x)", t_cos},
    [SQK_EXP] = {"exp", "exp(x)", t_exp},
    [SQK_LOG] = {"log", "log(x)", t_log},
    [SQK_SQRT] = {"sqrt", "sqrt(x)", t_sqrt},
    [SQK_GAUSS] = {"gauss", "exp(-x*x)", t_gauss},
    [SQK_LORENTZ] = {"lorentz", "1/(1+x*x)", t_lorentz},
    [SQK_POLY] = {"poly", "1+x+x^2/2+x^3/6+x^4/24+x^5/120", t_poly},
    [SQK_GAUSS_COS] = {"gauss_cos", "exp(-x*x)*cos(3*x)", t_gauss_cos},
};
