/* SPDX-License-Identifier: MIT */
/*
 * The battery's integrands as AVX2 batch callbacks with SLEEF: what a user
 * who writes an integrand the way simdquad evaluates it would pass. The
 * function bodies are tests/battery_fns.h, the same text as the scalar ones
 * GSL is given, instantiated here on four doubles.
 *
 * Compiled with -mavx2 -mfma; battery_simd_available() says whether this
 * CPU runs it.
 */
#include "battery_simd.h"

#include <immintrin.h>
#include <sleef.h>
#include <string.h>

#include "simdquad.h"

typedef double T __attribute__((vector_size(32)));
typedef long long M __attribute__((vector_size(32)));

static inline T splat(double c)
{
    return (T){c, c, c, c};
}

static inline T sel(M c, T a, T b)
{
    return (T)((c & (M)a) | (~c & (M)b));
}

/* Constants in arithmetic broadcast by themselves; as arguments they are
 * made vectors explicitly. */
static inline T same(T v)
{
    return v;
}
#define V(a) _Generic((a), T: same, default: splat)(a)
#define SEL(c, a, b) sel((c), V(a), V(b))
#define BFN(name) static inline T name(T x)
#define EXP(v) Sleef_expd4_u10avx2(V(v))
#define LOG(v) Sleef_logd4_u10avx2(V(v))
#define SIN(v) Sleef_sind4_u10avx2(V(v))
#define COS(v) Sleef_cosd4_u10avx2(V(v))
#define SQRT(v) _mm256_sqrt_pd(V(v))
#define POW(v, c) Sleef_powd4_u10avx2(V(v), splat(c))
#define FABS(v) Sleef_fabsd4_avx2(V(v))
#define COSH(v) Sleef_coshd4_u10avx2(V(v))
#define EXPM1(v) Sleef_expm1d4_u10avx2(V(v))
#define FLOOR(v) Sleef_floord4_avx2(V(v))
#include "battery_fns.h"

/* Wrappers taking the vector by pointer: the table then holds ordinary
 * function pointers whatever the caller's vector ABI. */
#define BATTERY_LOOP(name)                                                   \
    static void loop_##name(size_t n, const double *x, double *y)            \
    {                                                                        \
        size_t i = 0;                                                        \
        for (; i + 4 <= n; i += 4) {                                         \
            T v;                                                             \
            memcpy(&v, x + i, sizeof v);                                     \
            v = name(v);                                                     \
            memcpy(y + i, &v, sizeof v);                                     \
        }                                                                    \
        if (i < n) {                                                         \
            double in[4] = {x[i], x[i], x[i], x[i]}, out[4];                 \
            memcpy(in, x + i, (n - i) * sizeof *x);                          \
            T v;                                                             \
            memcpy(&v, in, sizeof v);                                        \
            v = name(v);                                                     \
            memcpy(out, &v, sizeof v);                                       \
            memcpy(y + i, out, (n - i) * sizeof *y);                         \
        }                                                                    \
    }
BATTERY_FNS(BATTERY_LOOP)

static void (*const loops[BATTERY_FN_COUNT])(size_t, const double *, double *) = {
#define BATTERY_ENTRY(name) [BATTERY_FN_##name] = loop_##name,
    BATTERY_FNS(BATTERY_ENTRY)
};

int battery_simd_available(void)
{
    return sq_isa_supported(SQ_ISA_AVX2);
}

int battery_simd_batch(size_t n, const double *x, double *y, void *ctx)
{
    const battery_problem *p = ctx;
    loops[p->fn](n, x, y);
    return 0;
}
