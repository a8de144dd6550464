/* SPDX-License-Identifier: MIT */
/*
 * Run-time choice of the kernel table. This file is compiled without any ISA
 * flag: it only asks the CPU (CPUID) and the operating system (XGETBV: are
 * the vector registers saved on a context switch?) what can run, once per
 * process, newest ISA first.
 */
#include <stdlib.h>
#include <string.h>
#include <threads.h>

#include "internal.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#define SQ_X86 1
#endif

static const char *const isa_names[SQ_ISA_COUNT] = {
    [SQ_ISA_AUTO] = "auto",
    [SQ_ISA_SCALAR] = "scalar",
    [SQ_ISA_SSE2] = "sse2",
    [SQ_ISA_AVX2] = "avx2",
    [SQ_ISA_AVX512] = "avx512",
};

static const char *const math_names[SQ_MATH_COUNT] = {
    [SQ_MATH_AUTO] = "auto",
    [SQ_MATH_SLEEF_U10] = "sleef-u10",
    [SQ_MATH_SLEEF_U35] = "sleef-u35",
    [SQ_MATH_LIBMVEC] = "libmvec",
    [SQ_MATH_DETERMINISTIC] = "deterministic",
};

static const sq_isa_ops *const isa_tables[SQ_ISA_COUNT] = {
    [SQ_ISA_SCALAR] = &sq_ops_scalar,
#ifdef SQ_X86
    [SQ_ISA_SSE2] = &sq_ops_sse2,
    [SQ_ISA_AVX2] = &sq_ops_avx2,
    [SQ_ISA_AVX512] = &sq_ops_avx512,
#endif
};

/* Written once under call_once, read-only afterwards. */
static once_flag detect_once = ONCE_FLAG_INIT;
static int supported[SQ_ISA_COUNT];
static sq_isa preferred;
static sq_math preferred_math;
static int env_isa_bad, env_math_bad;  /* SIMDQUAD_ISA, SIMDQUAD_MATH misspelt */

#ifdef SQ_X86
static unsigned long long xgetbv0(void)
{
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((unsigned long long)hi << 32) | lo;
}
#endif

static void detect(void)
{
    supported[SQ_ISA_SCALAR] = 1;
#ifdef SQ_X86
    unsigned a, b, c, d;
    if (__get_cpuid(1, &a, &b, &c, &d)) {
        supported[SQ_ISA_SSE2] = (d >> 26) & 1;
        int osxsave = (c >> 27) & 1, avx = (c >> 28) & 1, fma = (c >> 12) & 1;
        unsigned long long xcr0 = osxsave ? xgetbv0() : 0;
        int ymm_saved = (xcr0 & 0x6) == 0x6;
        int zmm_saved = (xcr0 & 0xE6) == 0xE6;
        if (__get_cpuid_max(0, NULL) >= 7) {
            __cpuid_count(7, 0, a, b, c, d);
            int avx2 = (b >> 5) & 1;
            int avx512f = (b >> 16) & 1, avx512dq = (b >> 17) & 1;
            supported[SQ_ISA_AVX2] = avx && avx2 && fma && ymm_saved;
            supported[SQ_ISA_AVX512] = supported[SQ_ISA_AVX2] && avx512f
                                       && avx512dq && zmm_saved;
        }
    }
#endif
    preferred = SQ_ISA_SCALAR;
    for (int isa = SQ_ISA_COUNT - 1; isa > SQ_ISA_AUTO; isa--) {
        if (supported[isa]) {
            preferred = (sq_isa)isa;
            break;
        }
    }
    /* SIMDQUAD_ISA forces the automatic choice, when the CPU can run it. */
    const char *forced = getenv("SIMDQUAD_ISA");
    if (forced != NULL) {
        sq_isa f = sq_isa_from_name(forced);
        env_isa_bad = f == SQ_ISA_COUNT || f == SQ_ISA_AUTO;
        if (!env_isa_bad && supported[f])
            preferred = f;
    }
    /* The default backend is the fastest that keeps every function within
     * a few ulps, measured (simdquad-bench math, AVX2 and AVX-512):
     * glibc's libmvec, 1.4 to 3.3 times SLEEF's 1.0-ulp functions for sin,
     * cos, exp and log, within 3 ulps each (4 documented); without it,
     * SLEEF's 3.5-ulp functions, 1.5 to 2.7 times faster for sin, cos and
     * log and the same for exp. SIMDQUAD_MATH chooses another, when it is
     * built for the preferred ISA (and, deterministic, the CPU has FMA). */
    preferred_math = isa_tables[preferred] != NULL
                             && isa_tables[preferred]->kern[SQ_MATH_LIBMVEC] != NULL
                         ? SQ_MATH_LIBMVEC
                         : SQ_MATH_SLEEF_U35;
    const char *math = getenv("SIMDQUAD_MATH");
    if (math != NULL) {
        sq_math m = sq_math_from_name(math);
        env_math_bad = m == SQ_MATH_COUNT || m == SQ_MATH_AUTO;
        if (m != SQ_MATH_COUNT && m != SQ_MATH_AUTO
            && isa_tables[preferred] != NULL
            && isa_tables[preferred]->kern[m] != NULL
            && (m != SQ_MATH_DETERMINISTIC || supported[SQ_ISA_AVX2]))
            preferred_math = m;
    }
}

/* Index of name in names[0 .. n), or n. */
static int index_of(const char *const *names, int n, const char *name)
{
    if (name == NULL)
        return n;
    for (int i = 0; i < n; i++)
        if (strcmp(name, names[i]) == 0)
            return i;
    return n;
}

const char *sq_isa_name(sq_isa isa)
{
    if ((unsigned)isa >= SQ_ISA_COUNT)
        return "unknown";
    return isa_names[isa];
}

sq_isa sq_isa_from_name(const char *name)
{
    return (sq_isa)index_of(isa_names, SQ_ISA_COUNT, name);
}

int sq_isa_supported(sq_isa isa)
{
    if ((unsigned)isa >= SQ_ISA_COUNT || isa == SQ_ISA_AUTO)
        return 0;
    call_once(&detect_once, detect);
    return supported[isa] && isa_tables[isa] != NULL;
}

sq_isa sq_isa_resolve(sq_isa requested)
{
    call_once(&detect_once, detect);
    if (requested == SQ_ISA_AUTO)
        return preferred;
    return sq_isa_supported(requested) ? requested : SQ_ISA_COUNT;
}

const sq_isa_ops *sq_ops_for(sq_isa isa)
{
    if (!sq_isa_supported(isa))
        return NULL;
    return isa_tables[isa];
}

const char *sq_math_name(sq_math math)
{
    if ((unsigned)math >= SQ_MATH_COUNT)
        return "unknown";
    return math_names[math];
}

sq_math sq_math_from_name(const char *name)
{
    return (sq_math)index_of(math_names, SQ_MATH_COUNT, name);
}

sq_math sq_math_resolve(sq_math requested)
{
    call_once(&detect_once, detect);
    return requested == SQ_MATH_AUTO ? preferred_math : requested;
}

sq_math sq_math_pick(sq_math math, sq_isa isa)
{
    if ((unsigned)math >= SQ_MATH_COUNT)
        return SQ_MATH_COUNT;
    sq_math m = sq_math_resolve(math);
    const sq_isa_ops *ops = sq_ops_for(sq_isa_resolve(isa));
    if (ops == NULL || ops->kern[m] == NULL)
        return SQ_MATH_COUNT;
    /* The finz_ functions use FMA even at the scalar ISA. */
    if (m == SQ_MATH_DETERMINISTIC && !supported[SQ_ISA_AVX2])
        return SQ_MATH_COUNT;
    return m;
}

sq_dispatch_error sq_dispatch(sq_isa isa, sq_math math, const sq_isa_ops **ops,
                              sq_math *backend)
{
    call_once(&detect_once, detect);
    if ((unsigned)isa >= SQ_ISA_COUNT)
        return SQ_DISPATCH_ISA_UNKNOWN;
    /* A misspelt variable is an error, not silently the default (a
     * deterministic run that is not). */
    if (isa == SQ_ISA_AUTO && env_isa_bad)
        return SQ_DISPATCH_ENV_ISA;
    if (math == SQ_MATH_AUTO && env_math_bad)
        return SQ_DISPATCH_ENV_MATH;
    sq_isa r = isa == SQ_ISA_AUTO ? preferred : isa;
    if (!supported[r] || isa_tables[r] == NULL)
        return SQ_DISPATCH_ISA_UNSUPPORTED;
    if ((unsigned)math >= SQ_MATH_COUNT)
        return SQ_DISPATCH_MATH_UNKNOWN;
    sq_math m = math == SQ_MATH_AUTO ? preferred_math : math;
    if (isa_tables[r]->kern[m] == NULL)
        return m == SQ_MATH_LIBMVEC         ? SQ_DISPATCH_MATH_MISSING
               : m == SQ_MATH_DETERMINISTIC ? SQ_DISPATCH_MATH_NO_FMA
                                            : SQ_DISPATCH_MATH_UNSUPPORTED;
    if (m == SQ_MATH_DETERMINISTIC && !supported[SQ_ISA_AVX2])
        return SQ_DISPATCH_MATH_NO_FMA;
    *ops = isa_tables[r];
    *backend = m;
    return SQ_DISPATCH_OK;
}

int sq_math_supported(sq_math math, sq_isa isa)
{
    return sq_math_pick(math, isa) != SQ_MATH_COUNT;
}

double sq_math_ulp_bound(sq_math math)
{
    if ((unsigned)math >= SQ_MATH_COUNT)
        return 0.0;
    switch (sq_math_resolve(math)) {
    case SQ_MATH_SLEEF_U35:
        return 3.5;
    case SQ_MATH_LIBMVEC:
        return 4.0;
    default:
        return 1.0;
    }
}
