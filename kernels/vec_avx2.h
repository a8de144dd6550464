/* SPDX-License-Identifier: MIT */
/* Vocabulary of AVX2 + FMA: four doubles per vector. Included only through
 * vec.h. */
#ifndef SQ_VEC_AVX2_H
#define SQ_VEC_AVX2_H

#if !defined(__AVX2__) || !defined(__FMA__)
#error Please specify -mavx2 -mfma.
#endif

#include <immintrin.h>
#include <sleef.h>

typedef __m256d vdouble;
#define SQ_VLEN 4
#define SQ_ISA_ID SQ_ISA_AVX2
#define SQ_ISA_SUFFIX avx2

static inline vdouble vload(const double *p) { return _mm256_loadu_pd(p); }
static inline void vstore(double *p, vdouble v) { _mm256_storeu_pd(p, v); }
/* The first m < 4 lanes (the rest zero); nothing beyond p + m is touched. */
static inline __m256i vmask_part(size_t m)
{
    return _mm256_cmpgt_epi64(_mm256_set1_epi64x((long long)m),
                              _mm256_set_epi64x(3, 2, 1, 0));
}
static inline vdouble vload_part(const double *p, size_t m)
{
    return _mm256_maskload_pd(p, vmask_part(m));
}
static inline void vstore_part(double *p, size_t m, vdouble v)
{
    _mm256_maskstore_pd(p, vmask_part(m), v);
}
static inline vdouble vset1(double x) { return _mm256_set1_pd(x); }
static inline vdouble vsqrt(vdouble x) { return _mm256_sqrt_pd(x); }

static inline vdouble vabs(vdouble x)
{
    return _mm256_andnot_pd(_mm256_set1_pd(-0.0), x);
}
/* a > b ? x : y, lane by lane (false for NaN). */
static inline vdouble vselect_gt(vdouble a, vdouble b, vdouble x, vdouble y)
{
    return _mm256_blendv_pd(y, x, _mm256_cmp_pd(a, b, _CMP_GT_OQ));
}

/* x with its mantissa cleared: the power of two at or below |x| (with the
 * sign), 0 for subnormal x. */
static inline vdouble vexpo(vdouble x)
{
    return _mm256_and_pd(x, _mm256_castsi256_pd(_mm256_set1_epi64x((long long)0xFFF0000000000000ull)));
}

/* Comparisons as 1.0 or 0.0 (false for NaN, except !=), and c != 0 ? a : b. */
static inline vdouble vlt(vdouble a, vdouble b)
{
    return _mm256_and_pd(_mm256_cmp_pd(a, b, _CMP_LT_OQ), _mm256_set1_pd(1.0));
}
static inline vdouble vle(vdouble a, vdouble b)
{
    return _mm256_and_pd(_mm256_cmp_pd(a, b, _CMP_LE_OQ), _mm256_set1_pd(1.0));
}
static inline vdouble veq(vdouble a, vdouble b)
{
    return _mm256_and_pd(_mm256_cmp_pd(a, b, _CMP_EQ_OQ), _mm256_set1_pd(1.0));
}
static inline vdouble vne(vdouble a, vdouble b)
{
    return _mm256_and_pd(_mm256_cmp_pd(a, b, _CMP_NEQ_UQ), _mm256_set1_pd(1.0));
}
static inline vdouble vwhere(vdouble c, vdouble a, vdouble b)
{
    return _mm256_blendv_pd(b, a, _mm256_cmp_pd(c, _mm256_setzero_pd(), _CMP_NEQ_UQ));
}
/* SLEEF function names of this ISA, by accuracy. */
#define SQ_SLEEF_U10(f) Sleef_##f##d4_u10avx2
#define SQ_SLEEF_U05(f) Sleef_##f##d4_u05avx2
#define SQ_SLEEF_U15(f) Sleef_##f##d4_u15avx2
#define SQ_SLEEF_U35(f) Sleef_##f##d4_u35avx2
#define SQ_SLEEF_EXACT(f) Sleef_##f##d4_avx2
/* SLEEF's deterministic (finz_) functions of this ISA. */
#define SQ_FINZ_U10(f) Sleef_finz_##f##d4_u10avx2
#define SQ_FINZ_U05(f) Sleef_finz_##f##d4_u05avx2
#define SQ_FINZ_U15(f) Sleef_finz_##f##d4_u15avx2
#define SQ_FINZ_EXACT(f) Sleef_finz_##f##d4_avx2
/* glibc's libmvec, called through the x86-64 vector function ABI. */
#define SQ_MVEC1(f) _ZGVdN4v_##f
#define SQ_MVEC2(f) _ZGVdN4vv_##f

#endif
