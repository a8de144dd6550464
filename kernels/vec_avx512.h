/* SPDX-License-Identifier: MIT */
/* Vocabulary of AVX-512 (F and DQ): eight doubles per vector. Included only
 * through vec.h. */
#ifndef SQ_VEC_AVX512_H
#define SQ_VEC_AVX512_H

#if !defined(__AVX512F__) || !defined(__AVX512DQ__)
#error Please specify -mavx512f -mavx512dq.
#endif

#include <immintrin.h>
#include <sleef.h>

typedef __m512d vdouble;
#define SQ_VLEN 8
#define SQ_ISA_ID SQ_ISA_AVX512
#define SQ_ISA_SUFFIX avx512

static inline vdouble vload(const double *p) { return _mm512_loadu_pd(p); }
static inline void vstore(double *p, vdouble v) { _mm512_storeu_pd(p, v); }
/* The first m < 8 lanes (the rest zero); nothing beyond p + m is touched. */
static inline vdouble vload_part(const double *p, size_t m)
{
    return _mm512_maskz_loadu_pd((__mmask8)((1u << m) - 1), p);
}
static inline void vstore_part(double *p, size_t m, vdouble v)
{
    _mm512_mask_storeu_pd(p, (__mmask8)((1u << m) - 1), v);
}
static inline vdouble vset1(double x) { return _mm512_set1_pd(x); }
static inline vdouble vsqrt(vdouble x) { return _mm512_sqrt_pd(x); }

static inline vdouble vabs(vdouble x)
{
    return _mm512_andnot_pd(_mm512_set1_pd(-0.0), x);
}
/* a > b ? x : y, lane by lane (false for NaN). */
static inline vdouble vselect_gt(vdouble a, vdouble b, vdouble x, vdouble y)
{
    return _mm512_mask_blend_pd(_mm512_cmp_pd_mask(a, b, _CMP_GT_OQ), y, x);
}

/* x with its mantissa cleared: the power of two at or below |x| (with the
 * sign), 0 for subnormal x. */
static inline vdouble vexpo(vdouble x)
{
    return _mm512_and_pd(x, _mm512_castsi512_pd(_mm512_set1_epi64((long long)0xFFF0000000000000ull)));
}

/* Comparisons as 1.0 or 0.0 (false for NaN, except !=), and c != 0 ? a : b. */
static inline vdouble vlt(vdouble a, vdouble b)
{
    return _mm512_maskz_mov_pd(_mm512_cmp_pd_mask(a, b, _CMP_LT_OQ), _mm512_set1_pd(1.0));
}
static inline vdouble vle(vdouble a, vdouble b)
{
    return _mm512_maskz_mov_pd(_mm512_cmp_pd_mask(a, b, _CMP_LE_OQ), _mm512_set1_pd(1.0));
}
static inline vdouble veq(vdouble a, vdouble b)
{
    return _mm512_maskz_mov_pd(_mm512_cmp_pd_mask(a, b, _CMP_EQ_OQ), _mm512_set1_pd(1.0));
}
static inline vdouble vne(vdouble a, vdouble b)
{
    return _mm512_maskz_mov_pd(_mm512_cmp_pd_mask(a, b, _CMP_NEQ_UQ), _mm512_set1_pd(1.0));
}
static inline vdouble vwhere(vdouble c, vdouble a, vdouble b)
{
    return _mm512_mask_blend_pd(_mm512_cmp_pd_mask(c, _mm512_setzero_pd(), _CMP_NEQ_UQ), b, a);
}
/* SLEEF function names of this ISA, by accuracy. */
#define SQ_SLEEF_U10(f) Sleef_##f##d8_u10avx512f
#define SQ_SLEEF_U05(f) Sleef_##f##d8_u05avx512f
#define SQ_SLEEF_U15(f) Sleef_##f##d8_u15avx512f
#define SQ_SLEEF_U35(f) Sleef_##f##d8_u35avx512f
#define SQ_SLEEF_EXACT(f) Sleef_##f##d8_avx512f
/* SLEEF's deterministic (finz_) functions of this ISA. */
#define SQ_FINZ_U10(f) Sleef_finz_##f##d8_u10avx512f
#define SQ_FINZ_U05(f) Sleef_finz_##f##d8_u05avx512f
#define SQ_FINZ_U15(f) Sleef_finz_##f##d8_u15avx512f
#define SQ_FINZ_EXACT(f) Sleef_finz_##f##d8_avx512f
/* glibc's libmvec, called through the x86-64 vector function ABI. */
#define SQ_MVEC1(f) _ZGVeN8v_##f
#define SQ_MVEC2(f) _ZGVeN8vv_##f

#endif
