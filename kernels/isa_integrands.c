/* SPDX-License-Identifier: MIT */
/*
 * Built-in integrands, compiled once per ISA. Each loops over whole vectors:
 * callers pad n to a multiple of SQ_VLEN, so no point ever takes a scalar
 * path and a value never depends on its position in the array.
 */
#include "kernels.h"
#include "vec.h"

static void k_sin(size_t n, const double *restrict x, double *restrict y)
{
    for (size_t i = 0; i < n; i += SQ_VLEN)
        vstore_out(y + i, vsin(vload(x + i)));
}

static void k_cos(size_t n, const double *restrict x, double *restrict y)
{
    for (size_t i = 0; i < n; i += SQ_VLEN)
        vstore_out(y + i, vcos(vload(x + i)));
}

static void k_exp(size_t n, const double *restrict x, double *restrict y)
{
    for (size_t i = 0; i < n; i += SQ_VLEN)
        vstore_out(y + i, vexp(vload(x + i)));
}

static void k_log(size_t n, const double *restrict x, double *restrict y)
{
    for (size_t i = 0; i < n; i += SQ_VLEN)
        vstore_out(y + i, vlog(vload(x + i)));
}

static void k_sqrt(size_t n, const double *restrict x, double *restrict y)
{
    for (size_t i = 0; i < n; i += SQ_VLEN)
        vstore_out(y + i, vsqrt(vload(x + i)));
}

static void k_gauss(size_t n, const double *restrict x, double *restrict y)
{
    for (size_t i = 0; i < n; i += SQ_VLEN) {
        vdouble v = vload(x + i);
        vstore_out(y + i, vexp(-(v * v)));
    }
}

static void k_lorentz(size_t n, const double *restrict x, double *restrict y)
{
    const vdouble one = vset1(1.0);
    for (size_t i = 0; i < n; i += SQ_VLEN) {
        vdouble v = vload(x + i);
        vstore_out(y + i, one / (one + v * v));
    }
}

/* 1 + x + x^2/2 + x^3/6 + x^4/24 + x^5/120 in Horner form; the scalar twin
 * evaluates the same expression, so the two agree to the bit. */
static void k_poly(size_t n, const double *restrict x, double *restrict y)
{
    const vdouble c0 = vset1(1.0), c1 = vset1(1.0), c2 = vset1(1.0 / 2);
    const vdouble c3 = vset1(1.0 / 6), c4 = vset1(1.0 / 24);
    const vdouble c5 = vset1(1.0 / 120);
    for (size_t i = 0; i < n; i += SQ_VLEN) {
        vdouble v = vload(x + i);
        vdouble p = c4 + v * c5;
        p = c3 + v * p;
        p = c2 + v * p;
        p = c1 + v * p;
        vstore_out(y + i, c0 + v * p);
    }
}

static void k_gauss_cos(size_t n, const double *restrict x,
                        double *restrict y)
{
    const vdouble three = vset1(3.0);
    for (size_t i = 0; i < n; i += SQ_VLEN) {
        vdouble v = vload(x + i);
        vstore_out(y + i, vexp(-(v * v)) * vcos(three * v));
    }
}

/* Indexed by enum sq_kernel_id; a test checks that no slot is NULL. */
sq_kern_fn *const SQ_MATH_SYM(sq_integrands)[SQK_COUNT] = {
    [SQK_SIN] = k_sin,
    [SQK_COS] = k_cos,
    [SQK_EXP] = k_exp,
    [SQK_LOG] = k_log,
    [SQK_SQRT] = k_sqrt,
    [SQK_GAUSS] = k_gauss,
    [SQK_LORENTZ] = k_lorentz,
    [SQK_POLY] = k_poly,
    [SQK_GAUSS_COS] = k_gauss_cos,
};
