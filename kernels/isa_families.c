/* SPDX-License-Identifier: MIT */
/*
 * Built-in parametric families, compiled once per ISA: the six Genz test
 * families in one dimension and three physical integrands. Each loops over
 * the rows of a tile and, within a row, over whole vectors of intervals,
 * loading each interval's parameters beside its node. The scalar twins in
 * kernels/twins.c evaluate the same expressions with libm.
 */
#include "kernels.h"
#include "vec.h"

#define TWO_PI 6.283185307179586476925286766559
#define INV_SQRT_2PI 0.398942280401432677939946059934
#define INV_PI 0.318309886183790671537767526745

static void f_genz_oscillatory(size_t rows, size_t ld, const double *restrict x,
                               const double *const *p, double *restrict y)
{
    const vdouble two_pi = vset1(TWO_PI);
    for (size_t k = 0; k < rows; k++)
        for (size_t j = 0; j < ld; j += SQ_VLEN) {
            vdouble a = vload(p[0] + j), u = vload(p[1] + j);
            vdouble v = vload(x + k * ld + j);
            vstore_out(y + k * ld + j, vcos(two_pi * u + a * v));
        }
}

static void f_genz_product_peak(size_t rows, size_t ld, const double *restrict x,
                                const double *const *p, double *restrict y)
{
    const vdouble one = vset1(1.0);
    for (size_t k = 0; k < rows; k++)
        for (size_t j = 0; j < ld; j += SQ_VLEN) {
            vdouble a = vload(p[0] + j), u = vload(p[1] + j);
            vdouble d = vload(x + k * ld + j) - u;
            vstore_out(y + k * ld + j, one / (one / (a * a) + d * d));
        }
}

static void f_genz_corner_peak(size_t rows, size_t ld, const double *restrict x,
                               const double *const *p, double *restrict y)
{
    const vdouble one = vset1(1.0);
    for (size_t k = 0; k < rows; k++)
        for (size_t j = 0; j < ld; j += SQ_VLEN) {
            vdouble a = vload(p[0] + j);
            vdouble s = one + a * vload(x + k * ld + j);
            vstore_out(y + k * ld + j, one / (s * s));
        }
}

static void f_genz_gaussian(size_t rows, size_t ld, const double *restrict x,
                            const double *const *p, double *restrict y)
{
    for (size_t k = 0; k < rows; k++)
        for (size_t j = 0; j < ld; j += SQ_VLEN) {
            vdouble a = vload(p[0] + j), u = vload(p[1] + j);
            vdouble d = a * (vload(x + k * ld + j) - u);
            vstore_out(y + k * ld + j, vexp(-(d * d)));
        }
}

static void f_genz_continuous(size_t rows, size_t ld, const double *restrict x,
                              const double *const *p, double *restrict y)
{
    for (size_t k = 0; k < rows; k++)
        for (size_t j = 0; j < ld; j += SQ_VLEN) {
            vdouble a = vload(p[0] + j), u = vload(p[1] + j);
            vdouble d = vabs(vload(x + k * ld + j) - u);
            vstore_out(y + k * ld + j, vexp(-(a * d)));
        }
}

static void f_genz_discontinuous(size_t rows, size_t ld,
                                 const double *restrict x,
                                 const double *const *p, double *restrict y)
{
    const vdouble zero = vset1(0.0);
    for (size_t k = 0; k < rows; k++)
        for (size_t j = 0; j < ld; j += SQ_VLEN) {
            vdouble a = vload(p[0] + j), u = vload(p[1] + j);
            vdouble v = vload(x + k * ld + j);
            vstore_out(y + k * ld + j, vselect_gt(v, u, zero, vexp(a * v)));
        }
}

static void f_gauss_line(size_t rows, size_t ld, const double *restrict x,
                         const double *const *p, double *restrict y)
{
    const vdouble half = vset1(0.5), c = vset1(INV_SQRT_2PI);
    for (size_t k = 0; k < rows; k++)
        for (size_t j = 0; j < ld; j += SQ_VLEN) {
            vdouble x0 = vload(p[0] + j), sigma = vload(p[1] + j);
            vdouble z = (vload(x + k * ld + j) - x0) / sigma;
            vstore_out(y + k * ld + j, c / sigma * vexp(-(half * z * z)));
        }
}

static void f_lorentz_line(size_t rows, size_t ld, const double *restrict x,
                           const double *const *p, double *restrict y)
{
    const vdouble c = vset1(INV_PI);
    for (size_t k = 0; k < rows; k++)
        for (size_t j = 0; j < ld; j += SQ_VLEN) {
            vdouble x0 = vload(p[0] + j), gamma = vload(p[1] + j);
            vdouble d = vload(x + k * ld + j) - x0;
            vstore_out(y + k * ld + j, c * gamma / (d * d + gamma * gamma));
        }
}

/* x^3 / expm1(x / T), and its limit 0 at x = 0 (where the quotient is 0/0). */
static void f_planck(size_t rows, size_t ld, const double *restrict x,
                     const double *const *p, double *restrict y)
{
    const vdouble zero = vset1(0.0);
    for (size_t k = 0; k < rows; k++)
        for (size_t j = 0; j < ld; j += SQ_VLEN) {
            vdouble t = vload(p[0] + j);
            vdouble v = vload(x + k * ld + j);
            vdouble q = v * v * v / vexpm1(v / t);
            vstore_out(y + k * ld + j, vselect_gt(vabs(v), zero, q, zero));
        }
}

/* Indexed by enum sq_family_id; a test checks that no slot is NULL. */
sq_fam_fn *const SQ_MATH_SYM(sq_families)[SQF_COUNT] = {
    [SQF_GENZ_OSCILLATORY] = f_genz_oscillatory,
    [SQF_GENZ_PRODUCT_PEAK] = f_genz_product_peak,
    [SQF_GENZ_CORNER_PEAK] = f_genz_corner_peak,
    [SQF_GENZ_GAUSSIAN] = f_genz_gaussian,
    [SQF_GENZ_CONTINUOUS] = f_genz_continuous,
    [SQF_GENZ_DISCONTINUOUS] = f_genz_discontinuous,
    [SQF_GAUSS_LINE] = f_gauss_line,
    [SQF_LORENTZ_LINE] = f_lorentz_line,
    [SQF_PLANCK] = f_planck,
};
