/* SPDX-License-Identifier: MIT */
/*
 * The vector math backend of a translation unit. The files whose values
 * depend on elementary functions (isa_integrands.c, isa_families.c,
 * isa_vm.c) are compiled once per ISA and backend, with exactly one of
 *
 *   SQ_MATH_U10    SLEEF's 1.0-ulp functions (the default backend)
 *   SQ_MATH_U35    SLEEF's 3.5-ulp functions where SLEEF has them
 *   SQ_MATH_MVEC   glibc's libmvec (4 ulp), through the vector function ABI
 *   SQ_MATH_DET    SLEEF's deterministic finz_ 1.0-ulp functions
 *
 * defined; files compiled without one (the rules) cannot call a function.
 * Included only through vec.h, after the ISA's vocabulary.
 *
 * The functions fall in classes by what each library offers:
 *   A   SLEEF has a 3.5-ulp version, libmvec has it
 *   B   SLEEF has 1.0 ulp only, libmvec has it
 *   G   SLEEF only (tgamma, lgamma): 1.0-ulp SLEEF in every backend but
 *       the deterministic one
 *   X   exact (floor, ceil, fmin, fmax): SLEEF's, or its finz_ twin
 * and erfc (SLEEF 1.5 ulp) and hypot (SLEEF 0.5 or 3.5 ulp) on their own.
 */
#ifndef SQ_VMATH_H
#define SQ_VMATH_H

#if defined(SQ_HAVE_LIBMVEC) && SQ_VLEN > 1
/* libmvec's entry points for this vector width. They follow the x86-64
 * vector function ABI, which for these signatures is the ordinary calling
 * convention, so they are declared as plain C functions. */
#define SQ_MVEC_DECLARE1(f) vdouble SQ_MVEC1(f)(vdouble);
#define SQ_MVEC_DECLARE2(f) vdouble SQ_MVEC2(f)(vdouble, vdouble);
SQ_MVEC_DECLARE1(sin) SQ_MVEC_DECLARE1(cos) SQ_MVEC_DECLARE1(tan)
SQ_MVEC_DECLARE1(asin) SQ_MVEC_DECLARE1(acos) SQ_MVEC_DECLARE1(atan)
SQ_MVEC_DECLARE1(sinh) SQ_MVEC_DECLARE1(cosh) SQ_MVEC_DECLARE1(tanh)
SQ_MVEC_DECLARE1(asinh) SQ_MVEC_DECLARE1(acosh) SQ_MVEC_DECLARE1(atanh)
SQ_MVEC_DECLARE1(exp) SQ_MVEC_DECLARE1(exp2) SQ_MVEC_DECLARE1(expm1)
SQ_MVEC_DECLARE1(log) SQ_MVEC_DECLARE1(log2) SQ_MVEC_DECLARE1(log10)
SQ_MVEC_DECLARE1(log1p) SQ_MVEC_DECLARE1(cbrt) SQ_MVEC_DECLARE1(erf)
SQ_MVEC_DECLARE1(erfc)
SQ_MVEC_DECLARE2(atan2) SQ_MVEC_DECLARE2(pow) SQ_MVEC_DECLARE2(hypot)
#undef SQ_MVEC_DECLARE1
#undef SQ_MVEC_DECLARE2
#endif

#if defined(SQ_MATH_U10)
#define SQ_MATH_SUFFIX u10
#define SQ_MA(f) SQ_SLEEF_U10(f)
#define SQ_MB(f) SQ_SLEEF_U10(f)
#define SQ_MG(f) SQ_SLEEF_U10(f)
#define SQ_MX(f) SQ_SLEEF_EXACT(f)
#define SQ_M_ERFC SQ_SLEEF_U15(erfc)
#define SQ_M_HYPOT SQ_SLEEF_U05(hypot)
#elif defined(SQ_MATH_U35)
#define SQ_MATH_SUFFIX u35
#define SQ_MA(f) SQ_SLEEF_U35(f)
#define SQ_MB(f) SQ_SLEEF_U10(f)
#define SQ_MG(f) SQ_SLEEF_U10(f)
#define SQ_MX(f) SQ_SLEEF_EXACT(f)
#define SQ_M_ERFC SQ_SLEEF_U15(erfc)
#define SQ_M_HYPOT SQ_SLEEF_U35(hypot)
#elif defined(SQ_MATH_MVEC)
#define SQ_MATH_SUFFIX mvec
#define SQ_MA(f) SQ_MVEC1(f)
#define SQ_MB(f) SQ_MVEC1(f)
#define SQ_MG(f) SQ_SLEEF_U10(f)
#define SQ_MX(f) SQ_SLEEF_EXACT(f)
#define SQ_M_ERFC SQ_MVEC1(erfc)
#define SQ_M_HYPOT SQ_MVEC2(hypot)
#if SQ_VLEN > 1
#define SQ_MA2(f) SQ_MVEC2(f)
#define SQ_MB2(f) SQ_MVEC2(f)
#endif
#elif defined(SQ_MATH_DET)
#define SQ_MATH_SUFFIX det
#define SQ_MA(f) SQ_FINZ_U10(f)
#define SQ_MB(f) SQ_FINZ_U10(f)
#define SQ_MG(f) SQ_FINZ_U10(f)
#define SQ_MX(f) SQ_FINZ_EXACT(f)
#define SQ_M_ERFC SQ_FINZ_U15(erfc)
#define SQ_M_HYPOT SQ_FINZ_U05(hypot)
#if SQ_VLEN == 1
/* sleef.h declares the scalar finz_ functions only when its includer is
 * compiled for FMA; they run (and are only called) on CPUs that have it. */
#define SQ_FINZ_DECLARE1(f) double SQ_FINZ_U10(f)(double);
SQ_FINZ_DECLARE1(sin) SQ_FINZ_DECLARE1(cos) SQ_FINZ_DECLARE1(tan)
SQ_FINZ_DECLARE1(asin) SQ_FINZ_DECLARE1(acos) SQ_FINZ_DECLARE1(atan)
SQ_FINZ_DECLARE1(sinh) SQ_FINZ_DECLARE1(cosh) SQ_FINZ_DECLARE1(tanh)
SQ_FINZ_DECLARE1(asinh) SQ_FINZ_DECLARE1(acosh) SQ_FINZ_DECLARE1(atanh)
SQ_FINZ_DECLARE1(exp) SQ_FINZ_DECLARE1(exp2) SQ_FINZ_DECLARE1(expm1)
SQ_FINZ_DECLARE1(log) SQ_FINZ_DECLARE1(log2) SQ_FINZ_DECLARE1(log10)
SQ_FINZ_DECLARE1(log1p) SQ_FINZ_DECLARE1(cbrt) SQ_FINZ_DECLARE1(erf)
SQ_FINZ_DECLARE1(tgamma) SQ_FINZ_DECLARE1(lgamma)
double SQ_FINZ_U10(atan2)(double, double);
double SQ_FINZ_U10(pow)(double, double);
double SQ_FINZ_U15(erfc)(double);
double SQ_FINZ_U05(hypot)(double, double);
double SQ_FINZ_EXACT(floor)(double);
double SQ_FINZ_EXACT(ceil)(double);
double SQ_FINZ_EXACT(fmin)(double, double);
double SQ_FINZ_EXACT(fmax)(double, double);
#undef SQ_FINZ_DECLARE1
#endif
#endif

#ifdef SQ_MA
#ifndef SQ_MA2
#define SQ_MA2(f) SQ_MA(f)
#define SQ_MB2(f) SQ_MB(f)
#endif

/* The functions the built-in kernels and families use. */
#define vsin(v) SQ_MA(sin)(v)
#define vcos(v) SQ_MA(cos)(v)
#define vexp(v) SQ_MB(exp)(v)
#define vlog(v) SQ_MA(log)(v)
#define vexpm1(v) SQ_MB(expm1)(v)

/*
 * How kernels store a value. SLEEF's functions do not agree on the NaN they
 * return: its AVX-512 log, log2 and log10 keep the input's payload and sign
 * (_mm512_fixupimm_pd) where the scalar and AVX2 versions return the
 * default quiet NaN. The deterministic backend promises the same bits at
 * every ISA, so there every NaN is stored as the one quiet NaN
 * 0x7FF8000000000000; the other backends store values as computed.
 */
#if defined(SQ_MATH_DET)
static inline vdouble vcanon(vdouble v)
{
    return vwhere(vne(v, v), vset1(__builtin_nan("")), v);
}
#define vstore_out(p, v) vstore((p), vcanon(v))
#else
#define vstore_out(p, v) vstore((p), (v))
#endif

/* Per-ISA-and-backend symbols. */
#define SQ_MATH_SYM(name) SQ_CAT(SQ_ISA_SYM(name), SQ_MATH_SUFFIX)
#endif

#endif
