/* SPDX-License-Identifier: MIT */
/*
 * The kernel layer at every ISA this CPU runs: integrands against their
 * scalar libm twins, and the rule kernels bit for bit against the scalar
 * ISA (they use only correctly rounded arithmetic, so any difference is a
 * bug).
 */
#include <criterion/criterion.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "kernels.h"
#include "simdquad.h"

static const sq_isa_ops *const all_ops[] = {
    &sq_ops_scalar, &sq_ops_sse2, &sq_ops_avx2, &sq_ops_avx512,
};
enum { NOPS = sizeof all_ops / sizeof *all_ops };

static int runnable(const sq_isa_ops *ops)
{
    return sq_isa_supported((sq_isa)ops->isa);
}

/* Deterministic xorshift; tests never depend on a global seed. */
static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static double rng_uniform(uint64_t *s, double lo, double hi)
{
    return lo + (hi - lo) * ((double)(rng_next(s) >> 11) * 0x1p-53);
}

/* Distance in units in the last place between two finite doubles. */
static double ulp_distance(double a, double b)
{
    if (a == b)
        return 0;
    if (isnan(a) || isnan(b))
        return isnan(a) && isnan(b) ? 0 : INFINITY;
    double big = fmax(fabs(a), fabs(b));
    double ulp = nextafter(big, INFINITY) - big;
    if (!isfinite(ulp))
        ulp = nextafter(big, 0) - big;
    return fabs(a - b) / fabs(ulp);
}

Test(kernels, every_table_is_complete)
{
    /* libmvec is built for every ISA or none. */
    int mvec = sq_ops_scalar.kern[SQ_MATH_LIBMVEC] != NULL;
    for (size_t i = 0; i < NOPS; i++) {
        const sq_isa_ops *ops = all_ops[i];
        cr_assert_null(ops->kern[SQ_MATH_AUTO]);
        for (int m = SQ_MATH_SLEEF_U10; m < SQ_MATH_COUNT; m++) {
            int built = m == SQ_MATH_LIBMVEC ? mvec
                        : m == SQ_MATH_DETERMINISTIC ? ops->isa != SQ_ISA_SSE2
                                                     : 1;
            cr_assert_eq(ops->kern[m] != NULL, built, "isa %d math %d", ops->isa, m);
            cr_assert_eq(ops->fam[m] != NULL, built, "isa %d math %d", ops->isa, m);
            cr_assert_eq(ops->vm[m] != NULL, built, "isa %d math %d", ops->isa, m);
            if (!built)
                continue;
            for (int k = 0; k < SQK_COUNT; k++)
                cr_assert_not_null(ops->kern[m][k], "isa %d kernel %d", ops->isa, k);
            for (int k = 0; k < SQF_COUNT; k++)
                cr_assert_not_null(ops->fam[m][k], "isa %d family %d", ops->isa, k);
        }
        cr_assert_not_null(ops->simpson_nodes);
        cr_assert_not_null(ops->simpson_estimate);
        cr_assert_not_null(ops->simpson_emit);
        cr_assert_not_null(ops->compress);
        cr_assert_not_null(ops->sum8);
        cr_assert_not_null(ops->sum8_pair);
        cr_assert(ops->vlen >= 1 && ops->vlen <= SQ_MAX_VLEN);
    }
    cr_assert_eq(sq_math_supported(SQ_MATH_LIBMVEC, SQ_ISA_SCALAR), mvec);
    cr_assert(sq_isa_supported(SQ_ISA_SCALAR));
}

/* Inputs for one kernel: a sweep of its natural range plus hard cases. */
static size_t kernel_inputs(int k, double *x, size_t cap, uint64_t *seed)
{
    static const double hard_trig[] = {0.0, -0.0, 1e-300, 3.141592653589793,
        1.5707963267948966, 1e6, 123456.789, 1e15, -1e15, 6.2831853071795862};
    static const double hard_exp[] = {0.0, -0.0, 1e-300, 709.0, 709.78, -708.0,
        -745.0, -744.4, 1e-16, 700.5};
    static const double hard_log[] = {1.0, 4.9e-324, 2.2250738585072014e-308,
        1e-310, 1.7976931348623157e308, 0.999999999999, 1.000000000001, 2.0};
    const double *hard = NULL;
    size_t nhard = 0;
    double lo = -10, hi = 10;
    switch (k) {
    case SQK_SIN:
    case SQK_COS:
        hard = hard_trig;
        nhard = sizeof hard_trig / sizeof *hard_trig;
        lo = -1e4;
        hi = 1e4;
        break;
    case SQK_EXP:
        hard = hard_exp;
        nhard = sizeof hard_exp / sizeof *hard_exp;
        lo = -740;
        hi = 709;
        break;
    case SQK_LOG:
    case SQK_SQRT:
        hard = hard_log;
        nhard = sizeof hard_log / sizeof *hard_log;
        lo = 0;
        hi = 1e6;
        break;
    case SQK_GAUSS:
        lo = -28;
        hi = 28;
        break;
    case SQK_LORENTZ:
        lo = -1e8;
        hi = 1e8;
        break;
    default:
        break;
    }
    size_t n = 0;
    for (size_t i = 0; i < nhard && n < cap; i++)
        x[n++] = hard[i];
    while (n < cap)
        x[n++] = rng_uniform(seed, lo, hi);
    return n;
}

Test(kernels, simd_kernels_match_their_scalar_twins)
{
    enum { N = 4096 };
    static double x[N], y[N];
    for (size_t i = 0; i < NOPS; i++) {
        const sq_isa_ops *ops = all_ops[i];
        if (!runnable(ops))
            continue;
        for (int m = SQ_MATH_SLEEF_U10; m < SQ_MATH_COUNT; m++)
        for (int k = 0; k < SQK_COUNT; k++) {
            if (!sq_math_supported((sq_math)m, (sq_isa)ops->isa))
                break;
            uint64_t seed = 0x9e3779b97f4a7c15ull + (uint64_t)k;
            size_t n = kernel_inputs(k, x, N, &seed);
            ops->kern[m][k](n, x, y);
            for (size_t j = 0; j < n; j++) {
                double t = sq_kernel_table[k].twin(x[j]);
                double d = ulp_distance(y[j], t);
                if (k == SQK_GAUSS_COS) {
                    /* cos(3x) has zeros: bound the absolute error by the
                     * size of its factors instead. */
                    double scale = exp(-x[j] * x[j]);
                    cr_assert(fabs(y[j] - t) <= 8 * DBL_EPSILON * scale + DBL_MIN,
                              "%s isa %d x=%.17g: %.17g vs %.17g",
                              sq_kernel_table[k].name, ops->isa, x[j], y[j], t);
                } else {
                    /* The backend's bound, and the twin's own error. */
                    double bound = k == SQK_POLY ? 0
                                   : k == SQK_SQRT ? 1
                                                   : sq_math_ulp_bound((sq_math)m) + 1;
                    cr_assert(d <= bound,
                              "%s isa %d math %d x=%.17g: %.17g vs %.17g (%g ulp)",
                              sq_kernel_table[k].name, ops->isa, m, x[j], y[j], t, d);
                }
            }
        }
    }
}

/* Families: every ISA against the libm twin, each point with its own
 * parameters, through the tile layout (rows sharing an interval's
 * parameters). Bounded by the values' own scale: cos and the Genz
 * oscillatory family have zeros. */
Test(kernels, families_match_their_scalar_twins)
{
    enum { ROWS = 3, LD = 64 };
    static double x[ROWS * LD], y[ROWS * LD], p0[LD], p1[LD];
    for (size_t i = 0; i < NOPS; i++) {
        const sq_isa_ops *ops = all_ops[i];
        if (!runnable(ops))
            continue;
        for (int m = SQ_MATH_SLEEF_U10; m < SQ_MATH_COUNT; m++)
        for (int k = 0; k < SQF_COUNT; k++) {
            if (!sq_math_supported((sq_math)m, (sq_isa)ops->isa))
                break;
            uint64_t seed = 0x51ed27f1ull + (uint64_t)k;
            for (size_t trial = 0; trial < 32; trial++) {
                for (size_t j = 0; j < LD; j++) {
                    p0[j] = rng_uniform(&seed, 0.5, 20);
                    p1[j] = rng_uniform(&seed, 0.01, 1);
                    for (size_t r = 0; r < ROWS; r++)
                        x[r * LD + j] = rng_uniform(&seed, -2, 3);
                }
                x[0] = 0.0;                 /* planck's 0/0, a kink at x = u */
                x[1] = p1[1];
                const double *p[2] = {p0, p1};
                ops->fam[m][k](ROWS, LD, x, p, y);
                for (size_t r = 0; r < ROWS; r++)
                    for (size_t j = 0; j < LD; j++) {
                        double pj[2] = {p0[j], p1[j]};
                        double xv = x[r * LD + j];
                        double t = sq_family_table[k].twin(xv, pj);
                        double scale = fabs(t);
                        if (k == SQF_GENZ_OSCILLATORY)
                            scale = 1;
                        cr_assert(fabs(y[r * LD + j] - t) <= 8 * DBL_EPSILON * scale
                                                               + DBL_MIN,
                                  "%s isa %d math %d x=%.17g p=(%g, %g): %.17g vs "
                                  "%.17g", sq_family_table[k].name, ops->isa, m, xv, pj[0],
                                  pj[1], y[r * LD + j], t);
                    }
            }
        }
    }
}

/* The public family evaluator: any pstride, any length, as the twins. */
Test(kernels, family_eval_follows_the_parameter_stride)
{
    double x[37], y[37], p[2 * 37];
    for (size_t i = 0; i < 37; i++) {
        x[i] = 0.1 * (double)i - 1;
        p[2 * i] = 1 + 0.5 * (double)i;
        p[2 * i + 1] = 0.02 * (double)i;
    }
    int g = sq_family_find("genz_gaussian");
    cr_assert_geq(g, 0);
    cr_assert_eq(sq_family_eval(g, SQ_ISA_AUTO, 37, x, p, 2, y), SQ_OK);
    for (size_t i = 0; i < 37; i++) {
        double t = sq_family_twin(g, x[i], p + 2 * i);
        cr_assert(fabs(y[i] - t) <= 4 * DBL_EPSILON * fabs(t), "%zu", i);
    }
    cr_assert_eq(sq_family_eval(g, SQ_ISA_AUTO, 37, x, p, 0, y), SQ_OK);
    for (size_t i = 0; i < 37; i++) {
        double t = sq_family_twin(g, x[i], p);
        cr_assert(fabs(y[i] - t) <= 4 * DBL_EPSILON * fabs(t), "%zu", i);
    }
    cr_assert_eq(sq_family_eval(g, SQ_ISA_AUTO, 37, x, p, 1, y), SQ_BAD_INPUT);
    cr_assert_eq(sq_family_eval(-1, SQ_ISA_AUTO, 37, x, p, 2, y), SQ_BAD_INPUT);
    cr_assert_eq(sq_family_eval(g, SQ_ISA_AUTO, 37, NULL, p, 2, y), SQ_BAD_INPUT);
    cr_assert_eq(sq_family_count(), (size_t)SQF_COUNT);
    for (size_t k = 0; k < sq_family_count(); k++) {
        cr_assert_eq(sq_family_find(sq_family_name(k)), (int)k);
        cr_assert_not_null(sq_family_formula(k));
        cr_assert(sq_family_nparams(k) >= 1 && sq_family_nparams(k) <= 2);
    }
    cr_assert_eq(sq_family_breakpoint(sq_family_find("genz_continuous")), 1);
    cr_assert_eq(sq_family_breakpoint(sq_family_find("planck")), -1);
    cr_assert_null(sq_family_name(sq_family_count()));
}

Test(kernels, special_values_agree_with_the_twins)
{
    const double specials[8] = {NAN, INFINITY, -INFINITY, -1.0, 0.0, -0.0,
                                4.9e-324, 1e308};
    double y[8];
    for (size_t i = 0; i < NOPS; i++) {
        const sq_isa_ops *ops = all_ops[i];
        if (!runnable(ops))
            continue;
        for (int m = SQ_MATH_SLEEF_U10; m < SQ_MATH_COUNT; m++)
        for (int k = 0; k < SQK_COUNT; k++) {
            if (!sq_math_supported((sq_math)m, (sq_isa)ops->isa))
                break;
            ops->kern[m][k](8, specials, y);
            for (int j = 0; j < 8; j++) {
                double t = sq_kernel_table[k].twin(specials[j]);
                cr_assert(isnan(t) == isnan(y[j]) && isinf(t) == isinf(y[j]),
                          "%s isa %d math %d x=%g: %g vs twin %g",
                          sq_kernel_table[k].name, ops->isa, m, specials[j], y[j], t);
            }
        }
    }
}

Test(kernels, kernel_eval_is_independent_of_position_and_length)
{
    enum { N = 37 };
    double x[N], whole[N], part[N];
    for (int i = 0; i < N; i++)
        x[i] = -3 + 0.17 * i;
    for (int isa = SQ_ISA_SCALAR; isa < SQ_ISA_COUNT; isa++) {
        if (!sq_isa_supported((sq_isa)isa))
            continue;
        for (int k = 0; k < SQK_COUNT; k++) {
            cr_assert_eq(sq_kernel_eval(k, (sq_isa)isa, N, x, whole), SQ_OK);
            for (int len = 1; len <= 9; len++)
                for (int lo = 0; lo + len <= N; lo += len) {
                    cr_assert_eq(sq_kernel_eval(k, (sq_isa)isa, (size_t)len,
                                                x + lo, part + lo), SQ_OK);
                    cr_assert(memcmp(part + lo, whole + lo, (size_t)len * sizeof(double)) == 0,
                              "kernel %d isa %d depends on position", k, isa);
                }
        }
    }
}

/* Reference compaction. */
static size_t compress_ref(size_t n, const uint8_t *keep, const uint64_t *src,
                           uint64_t *dst)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (keep[i])
            dst[k++] = src[i];
    return k;
}

Test(kernels, compress_matches_the_reference_bit_for_bit)
{
    enum { N = 300 };
    uint64_t src[N], want[N], got[N + SQ_MAX_VLEN];
    uint8_t keep[N];
    uint64_t seed = 12345;
    for (size_t i = 0; i < N; i++)
        src[i] = rng_next(&seed);   /* includes NaN payloads as doubles */
    for (size_t i = 0; i < NOPS; i++) {
        const sq_isa_ops *ops = all_ops[i];
        if (!runnable(ops))
            continue;
        /* Every 8-bit pattern at every alignment, then random lengths. */
        for (unsigned pat = 0; pat < 256; pat++) {
            for (size_t j = 0; j < N; j++)
                keep[j] = (pat >> (j % 8)) & 1;
            for (size_t n = 0; n < 20; n++) {
                size_t a = compress_ref(n, keep, src, want);
                size_t b = ops->compress(n, keep, src, got);
                cr_assert_eq(a, b);
                cr_assert(memcmp(want, got, a * 8) == 0);
            }
        }
        for (int trial = 0; trial < 200; trial++) {
            size_t n = rng_next(&seed) % N;
            for (size_t j = 0; j < n; j++)
                keep[j] = (rng_next(&seed) >> 40) & 1;
            size_t a = compress_ref(n, keep, src, want);
            size_t b = ops->compress(n, keep, src, got);
            cr_assert_eq(a, b, "isa %d n %zu", ops->isa, n);
            cr_assert(memcmp(want, got, a * 8) == 0, "isa %d n %zu", ops->isa, n);
        }
    }
}

Test(kernels, canonical_sums_are_the_same_bits_everywhere)
{
    enum { N = 1000 };
    double v[N];
    uint64_t seed = 777;
    for (size_t i = 0; i < N; i++)
        v[i] = rng_uniform(&seed, -1, 1) * exp2(rng_uniform(&seed, -40, 40));
    for (size_t n = 0; n <= N; n += 37) {
        double want[8] = {0.25, 0, 0, 0, 0, 0, 0, -1};
        for (size_t c = 0; c < n; c++)
            want[c % 8] += v[c];
        for (size_t i = 0; i < NOPS; i++) {
            if (!runnable(all_ops[i]))
                continue;
            double got[8] = {0.25, 0, 0, 0, 0, 0, 0, -1};
            all_ops[i]->sum8(n, v, got);
            cr_assert(memcmp(want, got, sizeof want) == 0, "isa %d n %zu",
                      all_ops[i]->isa, n);
        }
    }
}

/* A random frontier of Simpson items with values of a smooth function,
 * plus NaN and Inf here and there. */
Test(kernels, simpson_rule_kernels_are_the_same_bits_at_every_isa)
{
    enum { N = 203, LD = 208, S = N + 2 * SQ_MAX_VLEN };
    static double a[N], b[N], f[5][N], tol[N], x[4 * LD], y[4 * LD];
    static uint64_t pid[N];
    uint64_t seed = 4242;
    for (size_t j = 0; j < N; j++) {
        a[j] = rng_uniform(&seed, -5, 5);
        b[j] = a[j] + exp2(rng_uniform(&seed, -45, 3));
        for (int k = 0; k < 5; k++)
            f[k][j] = sin(a[j] + (b[j] - a[j]) * k / 4);
        tol[j] = exp2(rng_uniform(&seed, -60, -10));
        pid[j] = j % 7;
    }
    sq_simpson_items in = {a, b, f[0], f[1], f[2], f[3], f[4], tol, pid};

    /* Reference: the scalar ISA. */
    static double rv[5][N], ov[5][N];
    static int64_t rf[2][N], of[2][N];
    static double rd[8][2 * S], od[8][2 * S];
    static uint64_t rp[2 * S], op[2 * S];
    double xr[4 * LD];
    sq_ops_scalar.simpson_nodes(N, LD, a, b, xr);
    for (size_t i = 0; i < 4 * LD; i++)
        y[i] = cos(xr[i]) * (i % 97 == 5 ? NAN : i % 89 == 7 ? INFINITY : 1.0);
    sq_simpson_visit vr = {rv[0], rv[1], rv[2], rv[3], rv[4], rf[0], rf[1]};
    int unusual_ref;
    size_t nsplit_ref = sq_ops_scalar.simpson_estimate(N, &in, y, LD, &vr,
                                                       &unusual_ref);
    sq_simpson_dest dr = {rd[0], rd[1], rd[2], rd[3], rd[4], rd[5], rd[6],
                          rd[7], rp};
    cr_assert_eq(sq_ops_scalar.simpson_emit(N, &in, y, LD, &vr, &dr), nsplit_ref);

    int fates[4] = {0};
    size_t count = 0;
    for (size_t j = 0; j < N; j++)
        for (int s = 0; s < 2; s++) {
            fates[rf[s][j]]++;
            count += rf[s][j] == SQ_HALF_SPLIT;
        }
    cr_assert_eq(count, nsplit_ref);
    cr_assert(unusual_ref);
    cr_assert(fates[SQ_HALF_ACCEPT] > 0 && fates[SQ_HALF_SPLIT] > 0
              && fates[SQ_HALF_NONFINITE] > 0,
              "the test frontier should exercise several fates");

    /* The emitted items are the split halves, in position order. */
    size_t k = 0;
    for (size_t j = 0; j < N; j++) {
        double m = 0.5 * a[j] + 0.5 * b[j];
        if (rf[0][j] == SQ_HALF_SPLIT) {
            cr_assert(rd[0][k] == a[j] && rd[1][k] == m && rd[2][k] == f[0][j]
                      && rd[6][k] == f[2][j] && rd[7][k] == 0.5 * tol[j]
                      && rp[k] == pid[j], "left half of item %zu", j);
            k++;
        }
        if (rf[1][j] == SQ_HALF_SPLIT) {
            cr_assert(rd[0][k] == m && rd[1][k] == b[j] && rd[2][k] == f[2][j]
                      && rd[3][k] == y[2 * LD + j] && rd[6][k] == f[4][j]
                      && rp[k] == pid[j], "right half of item %zu", j);
            k++;
        }
    }
    cr_assert_eq(k, nsplit_ref);

    for (size_t i = 0; i < NOPS; i++) {
        const sq_isa_ops *ops = all_ops[i];
        if (!runnable(ops))
            continue;
        ops->simpson_nodes(N, LD, a, b, x);
        cr_assert(memcmp(x, xr, sizeof x) == 0, "nodes differ at isa %d", ops->isa);
        sq_simpson_visit vo = {ov[0], ov[1], ov[2], ov[3], ov[4], of[0], of[1]};
        int unusual;
        cr_assert_eq(ops->simpson_estimate(N, &in, y, LD, &vo, &unusual),
                     nsplit_ref);
        cr_assert_eq(unusual, unusual_ref);
        cr_assert(memcmp(ov, rv, sizeof ov) == 0, "values differ at isa %d", ops->isa);
        cr_assert(memcmp(of, rf, sizeof of) == 0, "fates differ at isa %d", ops->isa);
        sq_simpson_dest d = {od[0], od[1], od[2], od[3], od[4], od[5], od[6],
                             od[7], op};
        /* Every prefix length, to cover the vector loops' tails. */
        for (size_t n = 0; n <= N; n += (n < 20 ? 1 : 17)) {
            size_t want = 0;
            for (size_t j = 0; j < n; j++)
                want += (rf[0][j] == SQ_HALF_SPLIT) + (rf[1][j] == SQ_HALF_SPLIT);
            cr_assert_eq(ops->simpson_emit(n, &in, y, LD, &vo, &d), want);
            for (int fld = 0; fld < 8; fld++)
                cr_assert(memcmp(od[fld], rd[fld], want * sizeof(double)) == 0,
                          "emitted field %d differs at isa %d, n %zu", fld,
                          ops->isa, n);
            cr_assert(memcmp(op, rp, want * sizeof(uint64_t)) == 0);
        }
    }
}

Test(kernels, paired_sums_equal_sums_over_interleaved_halves)
{
    enum { N = 301 };
    double l[N], r[N], both[2 * N];
    uint64_t seed = 99;
    for (size_t j = 0; j < N; j++) {
        l[j] = rng_uniform(&seed, -1, 1) * exp2(rng_uniform(&seed, -30, 30));
        r[j] = rng_uniform(&seed, -1, 1) * exp2(rng_uniform(&seed, -30, 30));
        both[2 * j] = l[j];
        both[2 * j + 1] = r[j];
    }
    for (size_t i = 0; i < NOPS; i++) {
        if (!runnable(all_ops[i]))
            continue;
        for (size_t n = 0; n <= N; n += 13) {
            double want[8] = {1, 2, 3, 4, 5, 6, 7, 8}, got[8] = {1, 2, 3, 4, 5, 6, 7, 8};
            sq_ops_scalar.sum8(2 * n, both, want);
            all_ops[i]->sum8_pair(n, l, r, got);
            cr_assert(memcmp(want, got, sizeof want) == 0, "isa %d n %zu",
                      all_ops[i]->isa, n);
        }
    }
}

/* ---- the Gauss-Kronrod estimate ------------------------------------------------ */

enum { GK_MAXN = 70, GK_LD = 72, GK_ROWS = 21 };

typedef struct gk_outputs {
    double f[20][GK_MAXN];
    int64_t bad[GK_MAXN];
} gk_outputs;

static sq_gk_out gk_out_of(gk_outputs *o)
{
    sq_gk_out out = {o->f[0], o->f[1], o->f[2], o->f[3], o->f[4], o->f[5], o->bad,
                     o->f[6], o->f[7], o->f[8], o->f[9], o->f[10],
                     {o->f[11], o->f[12], o->f[13], o->f[14]},
                     o->f[15], o->f[16], o->f[17], o->f[18], o->f[19]};
    return out;
}

/*
 * The estimate of n intervals (n = 1 to 70: one interval, the narrow
 * rounds AVX-512 gives to AVX2, whole and partial vectors) from smooth,
 * peaked, jumping and non-finite values, with and without a Jacobian, for
 * each error estimate, lean or not, GK21 and GK15: every output field the
 * same bits at every ISA as at the scalar one. A single interval takes its
 * own path at AVX2 and AVX-512 (its sums across the lanes).
 */
Test(kernels, gauss_kronrod_estimate_is_the_same_bits_at_every_isa)
{
    static const size_t sizes[] = {1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 64, 70};
    static const int kinds[] = {SQ_GK_ERROR_NULL, SQ_GK_ERROR_QUADPACK, SQ_GK_ERROR_RAW,
                                SQ_GK_ERROR_NULL | SQ_GK_LEAN};
    const sq_gk_rule *rules[] = {&sq_gk21, &sq_gk15};
    static double c[GK_MAXN], h[GK_MAXN], y0[GK_ROWS * GK_LD], jac[GK_ROWS * GK_LD];
    static double yr[GK_ROWS * GK_LD], yo[GK_ROWS * GK_LD];
    static gk_outputs ref, got;
    uint64_t seed = 2026;
    size_t checked = 0;
    for (int trial = 0; trial < 40; trial++) {
        for (size_t j = 0; j < GK_MAXN; j++) {
            c[j] = rng_uniform(&seed, -1e3, 1e3);
            h[j] = exp2(rng_uniform(&seed, -30, 4));
        }
        for (size_t i = 0; i < GK_ROWS * GK_LD; i++) {
            double x = rng_uniform(&seed, -3, 3);
            int shape = (int)(i / GK_LD + (size_t)trial) % 5;
            y0[i] = shape == 0 ? exp(-x * x)
                  : shape == 1 ? 1 / (1e-4 + x * x)
                  : shape == 2 ? (x > 0.3 ? 2.0 : -1.0)
                  : shape == 3 ? cos(40 * x) : fabs(x) * 1e300;
            if (trial % 7 == 3 && i % 53 == 11)
                y0[i] = i % 2 ? NAN : -INFINITY;
            jac[i] = exp2(rng_uniform(&seed, -4, 4));
        }
        const sq_gk_rule *r = rules[trial % 2];
        int kind = kinds[trial % 4];
        int with_jac = trial % 3 == 1;
        for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
            size_t n = sizes[s], ld = n == 1 ? 1 : GK_LD;
            memset(&ref, 0, sizeof ref);
            memcpy(yr, y0, sizeof yr);
            sq_gk_out ro = gk_out_of(&ref);
            size_t nbad = sq_ops_scalar.gk->estimate(n, ld, r, c, h, yr,
                                                     with_jac ? jac : NULL, kind, &ro);
            for (size_t i = 0; i < NOPS; i++) {
                const sq_isa_ops *ops = all_ops[i];
                if (!runnable(ops))
                    continue;
                memset(&got, 0, sizeof got);
                memcpy(yo, y0, sizeof yo);
                sq_gk_out go = gk_out_of(&got);
                cr_assert_eq(ops->gk->estimate(n, ld, r, c, h, yo, with_jac ? jac : NULL,
                                               kind, &go), nbad);
                for (int f = 0; f < 20; f++)
                    cr_assert(memcmp(got.f[f], ref.f[f], n * sizeof(double)) == 0,
                              "field %d differs at isa %d, n %zu, trial %d", f, ops->isa,
                              n, trial);
                cr_assert(memcmp(got.bad, ref.bad, n * sizeof(int64_t)) == 0);
                cr_assert(memcmp(yo, yr, sizeof yo) == 0, "values times the Jacobian");
                checked++;
            }
        }
    }
    cr_assert(checked >= 40 * 12);
}
