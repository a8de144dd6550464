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
static inline vdouble vset1(double x) { return x; }
static inline vdouble vsqrt(vdouble x) { return sqrt(x); }

static inline vdouble vsin(vdouble x) { return Sleef_sind1_u10purec(x); }
static inline vdouble vcos(vdouble x) { return Sleef_cosd1_u10purec(x); }
static inline vdouble vexp(vdouble x) { return Sleef_expd1_u10purec(x); }
static inline vdouble vlog(vdouble x) { return Sleef_logd1_u10purec(x); }

static inline vdouble vabs(vdouble x) { return fabs(x); }
static inline vdouble vexpm1(vdouble x) { return Sleef_expm1d1_u10purec(x); }
/* a > b ? x : y, lane by lane (false for NaN). */
static inline vdouble vselect_gt(vdouble a, vdouble b, vdouble x, vdouble y)
{
    return a > b ? x : y;
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


#ifdef SQ_DETERMINISTIC
/* SLEEF's deterministic functions (finz_): the same bits at every vector
 * width that has FMA. They replace the ordinary ones in the kernels of the
 * deterministic build. sleef.h declares the scalar ones only when this
 * file is compiled for FMA; they run (and are only called) on CPUs that
 * have it, so they are declared here. */
double Sleef_finz_sind1_u10purecfma(double);
double Sleef_finz_cosd1_u10purecfma(double);
double Sleef_finz_tand1_u10purecfma(double);
double Sleef_finz_asind1_u10purecfma(double);
double Sleef_finz_acosd1_u10purecfma(double);
double Sleef_finz_atand1_u10purecfma(double);
double Sleef_finz_sinhd1_u10purecfma(double);
double Sleef_finz_coshd1_u10purecfma(double);
double Sleef_finz_tanhd1_u10purecfma(double);
double Sleef_finz_asinhd1_u10purecfma(double);
double Sleef_finz_acoshd1_u10purecfma(double);
double Sleef_finz_atanhd1_u10purecfma(double);
double Sleef_finz_expd1_u10purecfma(double);
double Sleef_finz_exp2d1_u10purecfma(double);
double Sleef_finz_expm1d1_u10purecfma(double);
double Sleef_finz_logd1_u10purecfma(double);
double Sleef_finz_log2d1_u10purecfma(double);
double Sleef_finz_log10d1_u10purecfma(double);
double Sleef_finz_log1pd1_u10purecfma(double);
double Sleef_finz_cbrtd1_u10purecfma(double);
double Sleef_finz_erfd1_u10purecfma(double);
double Sleef_finz_tgammad1_u10purecfma(double);
double Sleef_finz_lgammad1_u10purecfma(double);
double Sleef_finz_erfcd1_u15purecfma(double);
double Sleef_finz_floord1_purecfma(double);
double Sleef_finz_ceild1_purecfma(double);
double Sleef_finz_atan2d1_u10purecfma(double, double);
double Sleef_finz_powd1_u10purecfma(double, double);
double Sleef_finz_hypotd1_u05purecfma(double, double);
double Sleef_finz_fmind1_purecfma(double, double);
double Sleef_finz_fmaxd1_purecfma(double, double);
#undef SQ_SLEEF_U10
#undef SQ_SLEEF_U05
#undef SQ_SLEEF_U15
#undef SQ_SLEEF_EXACT
#define SQ_SLEEF_U10(f) Sleef_finz_##f##d1_u10purecfma
#define SQ_SLEEF_U05(f) Sleef_finz_##f##d1_u05purecfma
#define SQ_SLEEF_U15(f) Sleef_finz_##f##d1_u15purecfma
#define SQ_SLEEF_EXACT(f) Sleef_finz_##f##d1_purecfma
#define vsin(v) SQ_SLEEF_U10(sin)(v)
#define vcos(v) SQ_SLEEF_U10(cos)(v)
#define vexp(v) SQ_SLEEF_U10(exp)(v)
#define vlog(v) SQ_SLEEF_U10(log)(v)
#define vexpm1(v) SQ_SLEEF_U10(expm1)(v)
#endif

#endif
