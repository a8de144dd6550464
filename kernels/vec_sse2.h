/* SPDX-License-Identifier: MIT */
/* Vocabulary of SSE2: two doubles per vector. Included only through vec.h. */
#ifndef SQ_VEC_SSE2_H
#define SQ_VEC_SSE2_H

#ifndef __SSE2__
#error Please specify -msse2.
#endif

#include <emmintrin.h>
#include <sleef.h>

typedef __m128d vdouble;
#define SQ_VLEN 2
#define SQ_ISA_ID SQ_ISA_SSE2
#define SQ_ISA_SUFFIX sse2

static inline vdouble vload(const double *p) { return _mm_loadu_pd(p); }
static inline void vstore(double *p, vdouble v) { _mm_storeu_pd(p, v); }
/* The first m < 2 lanes (the rest zero); nothing beyond p + m is touched. */
static inline vdouble vload_part(const double *p, size_t m)
{
    (void)m;
    return _mm_load_sd(p);
}
static inline void vstore_part(double *p, size_t m, vdouble v)
{
    (void)m;
    _mm_store_sd(p, v);
}
static inline vdouble vset1(double x) { return _mm_set1_pd(x); }
static inline vdouble vsqrt(vdouble x) { return _mm_sqrt_pd(x); }

static inline vdouble vabs(vdouble x)
{
    return _mm_andnot_pd(_mm_set1_pd(-0.0), x);
}
/* a > b ? x : y, lane by lane (false for NaN). */
static inline vdouble vselect_gt(vdouble a, vdouble b, vdouble x, vdouble y)
{
    __m128d m = _mm_cmpgt_pd(a, b);
    return _mm_or_pd(_mm_and_pd(m, x), _mm_andnot_pd(m, y));
}

/* x with its mantissa cleared: the power of two at or below |x| (with the
 * sign), 0 for subnormal x. */
static inline vdouble vexpo(vdouble x)
{
    return _mm_and_pd(x, _mm_castsi128_pd(_mm_set1_epi64x((long long)0xFFF0000000000000ull)));
}

/* Comparisons as 1.0 or 0.0 (false for NaN, except !=), and c != 0 ? a : b. */
static inline vdouble vlt(vdouble a, vdouble b)
{
    return _mm_and_pd(_mm_cmplt_pd(a, b), _mm_set1_pd(1.0));
}
static inline vdouble vle(vdouble a, vdouble b)
{
    return _mm_and_pd(_mm_cmple_pd(a, b), _mm_set1_pd(1.0));
}
static inline vdouble veq(vdouble a, vdouble b)
{
    return _mm_and_pd(_mm_cmpeq_pd(a, b), _mm_set1_pd(1.0));
}
static inline vdouble vne(vdouble a, vdouble b)
{
    return _mm_and_pd(_mm_cmpneq_pd(a, b), _mm_set1_pd(1.0));
}
static inline vdouble vwhere(vdouble c, vdouble a, vdouble b)
{
    __m128d m = _mm_cmpneq_pd(c, _mm_setzero_pd());
    return _mm_or_pd(_mm_and_pd(m, a), _mm_andnot_pd(m, b));
}
/* SLEEF function names of this ISA, by accuracy. */
#define SQ_SLEEF_U10(f) Sleef_##f##d2_u10sse2
#define SQ_SLEEF_U05(f) Sleef_##f##d2_u05sse2
#define SQ_SLEEF_U15(f) Sleef_##f##d2_u15sse2
#define SQ_SLEEF_U35(f) Sleef_##f##d2_u35sse2
#define SQ_SLEEF_EXACT(f) Sleef_##f##d2_sse2
/* glibc's libmvec, called through the x86-64 vector function ABI. */
#define SQ_MVEC1(f) _ZGVbN2v_##f
#define SQ_MVEC2(f) _ZGVbN2vv_##f

#endif
