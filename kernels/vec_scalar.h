/* SPDX-License-Identifier: MIT */
/* Vocabulary of the scalar ISA: one double per "vector", SLEEF's portable C
 * functions. Included only through vec.h. */
#ifndef SQ_VEC_SCALAR_H
#define SQ_VEC_SCALAR_H

#include <math.h>
#include <sleef.h>

typedef double vdouble;
#define SQ_VLEN 1
#define SQ_ISA_ID SQ_ISA_SCALAR
#define SQ_ISA_SUFFIX scalar

static inline vdouble vload(const double *p) { return *p; }
static inline void vstore(double *p, vdouble v) { *p = v; }
/* The first m lanes (here always the one). */
static inline vdouble vload_part(const double *p, size_t m) { (void)m; return *p; }
static inline void vstore_part(double *p, size_t m, vdouble v) { (void)m; *p = v; }
static inline vdouble vset1(double x) { return x; }
static inline vdouble vsqrt(vdouble x) { return sqrt(x); }

static inline vdouble vabs(vdouble x) { return fabs(x); }
/* a > b ? x : y, lane by lane (false for NaN). */
static inline vdouble vselect_gt(vdouble a, vdouble b, vdouble x, vdouble y)
{
    return a > b ? x : y;
}

/* x with its mantissa cleared: the power of two at or below |x| (with the
 * sign), 0 for subnormal x. */
static inline vdouble vexpo(vdouble x)
{
    unsigned long long bits;
    __builtin_memcpy(&bits, &x, sizeof bits);
    bits &= 0xFFF0000000000000ull;
    __builtin_memcpy(&x, &bits, sizeof x);
    return x;
}

/* Comparisons as 1.0 or 0.0 (false for NaN, except !=), and c != 0 ? a : b. */
static inline vdouble vlt(vdouble a, vdouble b) { return a < b ? 1.0 : 0.0; }
static inline vdouble vle(vdouble a, vdouble b) { return a <= b ? 1.0 : 0.0; }
static inline vdouble veq(vdouble a, vdouble b) { return a == b ? 1.0 : 0.0; }
static inline vdouble vne(vdouble a, vdouble b) { return a != b ? 1.0 : 0.0; }
static inline vdouble vwhere(vdouble c, vdouble a, vdouble b)
{
    return c != 0 ? a : b;
}
/* SLEEF function names of this ISA, by accuracy. */
#define SQ_SLEEF_U10(f) Sleef_##f##d1_u10purec
#define SQ_SLEEF_U05(f) Sleef_##f##d1_u05purec
#define SQ_SLEEF_U15(f) Sleef_##f##d1_u15purec
#define SQ_SLEEF_U35(f) Sleef_##f##d1_u35purec
#define SQ_SLEEF_EXACT(f) Sleef_##f##d1_purec
/* SLEEF's deterministic (finz_) functions of this ISA. */
#define SQ_FINZ_U10(f) Sleef_finz_##f##d1_u10purecfma
#define SQ_FINZ_U05(f) Sleef_finz_##f##d1_u05purecfma
#define SQ_FINZ_U15(f) Sleef_finz_##f##d1_u15purecfma
#define SQ_FINZ_EXACT(f) Sleef_finz_##f##d1_purecfma
/* The scalar ISA's stand-in for libmvec: glibc's scalar libm. */
#define SQ_MVEC1(f) f
#define SQ_MVEC2(f) f

#endif
