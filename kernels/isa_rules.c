/* SPDX-License-Identifier: MIT */
/*
 * Rule kernels, compiled once per ISA: node generation and per-interval
 * estimates, written as plain loops over intervals that the compiler turns
 * into vector code. They use only +, -, *, / and comparisons, which give the
 * same bits in a vector lane as in scalar code (the build disables FMA
 * contraction), so a result never depends on the ISA or on where an interval
 * sits in a tile. The data-movement kernels (emit, compress) use intrinsics
 * where the ISA has a better instruction than a scalar loop.
 */
#include <float.h>
#include <string.h>

#include "kernels.h"
#include "simpson_half.h"
#include "vec.h"

/* ---- Simpson ------------------------------------------------------------------ */

static void simpson_nodes(size_t n, size_t ld, const double *restrict a,
                          const double *restrict b, double *restrict x)
{
    for (size_t j = 0; j < n; j++) {
        double m = sq_mid(a[j], b[j]);
        double lm = sq_mid(a[j], m), rm = sq_mid(m, b[j]);
        x[j] = sq_mid(a[j], lm);
        x[ld + j] = sq_mid(lm, m);
        x[2 * ld + j] = sq_mid(m, rm);
        x[3 * ld + j] = sq_mid(rm, b[j]);
    }
    for (size_t k = 0; k < 4; k++)
        for (size_t j = n; j < ld; j++)
            x[k * ld + j] = x[k * ld];
}

/* Visit both halves of each item; every argument is a separate array, and
 * the function stays out of line so that the compiler keeps `restrict`. */
__attribute__((noinline)) static void
simpson_visit(size_t n, const double *restrict A, const double *restrict B,
              const double *restrict F0, const double *restrict F1,
              const double *restrict F2, const double *restrict F3,
              const double *restrict F4, const double *restrict TOL,
              const double *restrict y0, const double *restrict y1,
              const double *restrict y2, const double *restrict y3,
              double *restrict mid, double *restrict vl, double *restrict vr,
              double *restrict el, double *restrict er,
              int64_t *restrict fl, int64_t *restrict fr)
{
    for (size_t j = 0; j < n; j++) {
        double a = A[j], b = B[j], m = sq_mid(a, b);
        double lm = sq_mid(a, m), rm = sq_mid(m, b);
        double pd = sq_simpson_delta(a, b, F0[j], F1[j], F2[j], F3[j], F4[j]);
        double dl, dr;
        mid[j] = m;
        int64_t fate_l = sq_simpson_half(a, lm, m, F0[j], y0[j], F1[j], y1[j],
                                         F2[j], TOL[j], &vl[j], &dl);
        int64_t fate_r = sq_simpson_half(m, rm, b, F2[j], y2[j], F3[j], y3[j],
                                         F4[j], TOL[j], &vr[j], &dr);
        fl[j] = fate_l;
        fr[j] = fate_r;
        el[j] = sq_simpson_error(fate_l, dl, dl, dr, pd);
        er[j] = sq_simpson_error(fate_r, dr, dl, dr, pd);
        double gl = sq_simpson_rough(m - a, F0[j], y0[j], F1[j], y1[j], F2[j]);
        double gr = sq_simpson_rough(b - m, F2[j], y2[j], F3[j], y3[j], F4[j]);
        double pair = sq_fabs(dl) + sq_fabs(dr), apd = sq_fabs(pd);
        int64_t steady = pd * (dl + dr) > 0 && apd >= 8 * pair && apd <= 32 * pair;
        gl = steady ? 0.0 : gl;
        gr = steady ? 0.0 : gr;
        el[j] = fate_l == SQ_HALF_ACCEPT && gl > el[j] ? gl : el[j];
        er[j] = fate_r == SQ_HALF_ACCEPT && gr > er[j] ? gr : er[j];
    }
}

/* How many halves split; flags ROUNDOFF and NONFINITE ones. */
__attribute__((noinline)) static size_t
count_splits(size_t n, const int64_t *restrict fl, const int64_t *restrict fr,
             int *unusual)
{
    size_t splits = 0;
    int64_t odd = 0;
    for (size_t j = 0; j < n; j++) {
        splits += (size_t)(fl[j] == SQ_HALF_SPLIT)
                + (size_t)(fr[j] == SQ_HALF_SPLIT);
        odd |= (fl[j] > SQ_HALF_SPLIT) | (fr[j] > SQ_HALF_SPLIT);
    }
    *unusual = odd != 0;
    return splits;
}

static size_t simpson_estimate(size_t n, const sq_simpson_items *in,
                               const double *restrict y, size_t ld,
                               const sq_simpson_visit *out, int *unusual)
{
    simpson_visit(n, in->a, in->b, in->f0, in->f1, in->f2, in->f3, in->f4,
                  in->tol, y, y + ld, y + 2 * ld, y + 3 * ld, out->mid,
                  out->val_l, out->val_r, out->err_l, out->err_r,
                  out->fate_l, out->fate_r);
    return count_splits(n, out->fate_l, out->fate_r, unusual);
}

/*
 * A split half as an item of the next round. The left half of item j is
 * [a, m] with values f0, y0, f1, y1, f2; the right half is [m, b] with
 * f2, y2, f3, y3, f4. Field k of the left half comes from left[k], of the
 * right half from right[k]; field TOL is the item's tolerance, which both
 * halves pass on halved to their own halves.
 */
enum { NEMIT = 9, TOL = 7 };

typedef struct emit_plan {
    const double *left[NEMIT], *right[NEMIT];
    double *dst[NEMIT];
} emit_plan;

static void emit_plan_init(emit_plan *p, const sq_simpson_items *in,
                           const double *y, size_t ld,
                           const sq_simpson_visit *v,
                           const sq_simpson_dest *out)
{
    const double *pid = (const double *)(const void *)in->pid;
    const double *l[NEMIT] = {in->a, v->mid, in->f0, y, in->f1, y + ld,
                              in->f2, in->tol, pid};
    const double *r[NEMIT] = {v->mid, in->b, in->f2, y + 2 * ld, in->f3,
                              y + 3 * ld, in->f4, in->tol, pid};
    double *d[NEMIT] = {out->a, out->b, out->f0, out->f1, out->f2, out->f3,
                        out->f4, out->tol, (double *)(void *)out->pid};
    memcpy(p->left, l, sizeof l);
    memcpy(p->right, r, sizeof r);
    memcpy(p->dst, d, sizeof d);
}

/* One 64-bit field of a half, copied as raw bits (the problem id is an
 * integer), except the tolerance, which is halved. */
static inline void emit_field(const emit_plan *p, const double *const *src,
                              int f, size_t j, size_t k)
{
    if (f == TOL) {
        p->dst[f][k] = 0.5 * src[f][j];
    } else {
        memcpy(p->dst[f] + k, src[f] + j, 8);
    }
}

/* Items [j0, n) one half at a time, from output position k; returns the new
 * position. */
static size_t emit_scalar(size_t j0, size_t n, const emit_plan *p,
                          const int64_t *fl, const int64_t *fr, size_t k)
{
    for (size_t j = j0; j < n; j++) {
        for (int f = 0; f < NEMIT; f++)
            emit_field(p, p->left, f, j, k);
        k += fl[j] == SQ_HALF_SPLIT;
        for (int f = 0; f < NEMIT; f++)
            emit_field(p, p->right, f, j, k);
        k += fr[j] == SQ_HALF_SPLIT;
    }
    return k;
}

#if SQ_VLEN == 4
/* For each 4-bit mask, the 32-bit lane indices that move the selected
 * doubles to the front of a vector. */
static const int32_t compress_lut4[16][8] = {
    {0, 1, 2, 3, 4, 5, 6, 7}, {0, 1, 2, 3, 4, 5, 6, 7},
    {2, 3, 0, 1, 4, 5, 6, 7}, {0, 1, 2, 3, 4, 5, 6, 7},
    {4, 5, 0, 1, 2, 3, 6, 7}, {0, 1, 4, 5, 2, 3, 6, 7},
    {2, 3, 4, 5, 0, 1, 6, 7}, {0, 1, 2, 3, 4, 5, 6, 7},
    {6, 7, 0, 1, 2, 3, 4, 5}, {0, 1, 6, 7, 2, 3, 4, 5},
    {2, 3, 6, 7, 0, 1, 4, 5}, {0, 1, 2, 3, 6, 7, 4, 5},
    {4, 5, 6, 7, 0, 1, 2, 3}, {0, 1, 4, 5, 6, 7, 2, 3},
    {2, 3, 4, 5, 6, 7, 0, 1}, {0, 1, 2, 3, 4, 5, 6, 7},
};
#endif

#if SQ_VLEN == 8
/* Spread the 8 bits of x to the even bits of a 16-bit word. */
static inline unsigned spread8(unsigned x)
{
    x = (x | x << 4) & 0x0F0Fu;
    x = (x | x << 2) & 0x3333u;
    x = (x | x << 1) & 0x5555u;
    return x;
}

/* Eight items at a time: interleave left and right halves with a
 * two-source permute, compact in registers, store. */
static size_t simpson_emit(size_t n, const sq_simpson_items *in,
                           const double *restrict y, size_t ld,
                           const sq_simpson_visit *v,
                           const sq_simpson_dest *out)
{
    emit_plan p;
    emit_plan_init(&p, in, y, ld, v, out);
    const __m512i lo_idx = _mm512_setr_epi64(0, 8, 1, 9, 2, 10, 3, 11);
    const __m512i hi_idx = _mm512_setr_epi64(4, 12, 5, 13, 6, 14, 7, 15);
    const __m512i split = _mm512_set1_epi64(SQ_HALF_SPLIT);
    const __m512d half = _mm512_set1_pd(0.5);
    size_t k = 0, j = 0;
    for (; j + 8 <= n; j += 8) {
        unsigned ml = _mm512_cmpeq_epi64_mask(_mm512_loadu_si512(v->fate_l + j), split);
        unsigned mr = _mm512_cmpeq_epi64_mask(_mm512_loadu_si512(v->fate_r + j), split);
        unsigned m = spread8(ml) | spread8(mr) << 1;
        __mmask8 m0 = (__mmask8)(m & 0xFF), m1 = (__mmask8)(m >> 8);
        size_t c0 = (size_t)__builtin_popcount(m0);
        size_t c1 = (size_t)__builtin_popcount(m1);
        for (int f = 0; f < NEMIT; f++) {
            __m512d l = _mm512_loadu_pd(p.left[f] + j);
            __m512d r = _mm512_loadu_pd(p.right[f] + j);
            if (f == TOL) {
                l = _mm512_mul_pd(half, l);
                r = l;
            }
            __m512d lo = _mm512_permutex2var_pd(l, lo_idx, r);
            __m512d hi = _mm512_permutex2var_pd(l, hi_idx, r);
            /* Register-form compress: the memory form is slow on some
             * cores. */
            _mm512_storeu_pd(p.dst[f] + k, _mm512_maskz_compress_pd(m0, lo));
            _mm512_storeu_pd(p.dst[f] + k + c0, _mm512_maskz_compress_pd(m1, hi));
        }
        k += c0 + c1;
    }
    return emit_scalar(j, n, &p, v->fate_l, v->fate_r, k);
}
#elif SQ_VLEN == 4
/* Interleave the left and right sources of items j..j+3 into halves
 * [l0 r0 l1 r1] and [l2 r2 l3 r3]. */
static inline void interleave4(__m256d l, __m256d r, __m256d *lo, __m256d *hi)
{
    __m256d u0 = _mm256_unpacklo_pd(l, r);   /* l0 r0 | l2 r2 */
    __m256d u1 = _mm256_unpackhi_pd(l, r);   /* l1 r1 | l3 r3 */
    *lo = _mm256_permute2f128_pd(u0, u1, 0x20);
    *hi = _mm256_permute2f128_pd(u0, u1, 0x31);
}

/* Four items at a time: interleave, compact with a permutation from a
 * table, store whole vectors. */
static size_t simpson_emit(size_t n, const sq_simpson_items *in,
                           const double *restrict y, size_t ld,
                           const sq_simpson_visit *v,
                           const sq_simpson_dest *out)
{
    emit_plan p;
    emit_plan_init(&p, in, y, ld, v, out);
    const __m256i split = _mm256_set1_epi64x(SQ_HALF_SPLIT);
    const __m256d half = _mm256_set1_pd(0.5);
    size_t k = 0, j = 0;
    for (; j + 4 <= n; j += 4) {
        __m256d ml = _mm256_castsi256_pd(_mm256_cmpeq_epi64(
            _mm256_loadu_si256((const __m256i *)(v->fate_l + j)), split));
        __m256d mr = _mm256_castsi256_pd(_mm256_cmpeq_epi64(
            _mm256_loadu_si256((const __m256i *)(v->fate_r + j)), split));
        __m256d mlo, mhi;
        interleave4(ml, mr, &mlo, &mhi);
        int m0 = _mm256_movemask_pd(mlo), m1 = _mm256_movemask_pd(mhi);
        size_t c0 = (size_t)__builtin_popcount((unsigned)m0);
        size_t c1 = (size_t)__builtin_popcount((unsigned)m1);
        __m256i p0 = _mm256_loadu_si256((const __m256i *)compress_lut4[m0]);
        __m256i p1 = _mm256_loadu_si256((const __m256i *)compress_lut4[m1]);
        for (int f = 0; f < NEMIT; f++) {
            __m256d l = _mm256_loadu_pd(p.left[f] + j);
            __m256d r = _mm256_loadu_pd(p.right[f] + j);
            if (f == TOL) {
                l = _mm256_mul_pd(half, l);
                r = l;
            }
            __m256d lo, hi;
            interleave4(l, r, &lo, &hi);
            _mm256_storeu_si256((__m256i *)(p.dst[f] + k),
                _mm256_permutevar8x32_epi32(_mm256_castpd_si256(lo), p0));
            _mm256_storeu_si256((__m256i *)(p.dst[f] + k + c0),
                _mm256_permutevar8x32_epi32(_mm256_castpd_si256(hi), p1));
        }
        k += c0 + c1;
    }
    return emit_scalar(j, n, &p, v->fate_l, v->fate_r, k);
}
#else
static size_t simpson_emit(size_t n, const sq_simpson_items *in,
                           const double *restrict y, size_t ld,
                           const sq_simpson_visit *v,
                           const sq_simpson_dest *out)
{
    emit_plan p;
    emit_plan_init(&p, in, y, ld, v, out);
    return emit_scalar(0, n, &p, v->fate_l, v->fate_r, 0);
}
#endif

/* ---- canonical sums ------------------------------------------------------------- */

/* s[c % 8] += v[c] in order of c. */
static void sum8(size_t n, const double *restrict v, double *restrict s)
{
    double t[8];
    memcpy(t, s, sizeof t);
    size_t c = 0;
    for (; c + 8 <= n; c += 8)
        for (size_t k = 0; k < 8; k++)
            t[k] += v[c + k];
    for (size_t k = 0; c + k < n; k++)
        t[k] += v[c + k];
    memcpy(s, t, sizeof t);
}

/* s[(2j) % 8] += l[j], s[(2j+1) % 8] += r[j], in order of j. */
static void sum8_pair(size_t n, const double *restrict l,
                      const double *restrict r, double *restrict s)
{
    double sl[4], sr[4];
    for (size_t k = 0; k < 4; k++) {
        sl[k] = s[2 * k];
        sr[k] = s[2 * k + 1];
    }
    size_t j = 0;
    for (; j + 4 <= n; j += 4)
        for (size_t k = 0; k < 4; k++) {
            sl[k] += l[j + k];
            sr[k] += r[j + k];
        }
    for (size_t k = 0; j + k < n; k++) {
        sl[k] += l[j + k];
        sr[k] += r[j + k];
    }
    for (size_t k = 0; k < 4; k++) {
        s[2 * k] = sl[k];
        s[2 * k + 1] = sr[k];
    }
}

/* ---- stream compaction -------------------------------------------------------------- */

#if SQ_VLEN == 8
static size_t compress(size_t n, const uint8_t *restrict keep,
                       const void *restrict src, void *restrict dst)
{
    const double *s = src;
    double *d = dst;
    size_t k = 0, i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t bytes;
        memcpy(&bytes, keep + i, 8);
        /* Gather bit 0 of each byte into an 8-bit mask. */
        __mmask8 m = (__mmask8)(((bytes & 0x0101010101010101ull)
                                 * 0x0102040810204080ull) >> 56);
        /* Compress in a register, then a plain store: the memory form of
         * vcompresspd is microcoded and slow on some cores. */
        _mm512_storeu_pd(d + k, _mm512_maskz_compress_pd(m, _mm512_loadu_pd(s + i)));
        k += (size_t)__builtin_popcount(m);
    }
    for (; i < n; i++) {
        d[k] = s[i];
        k += keep[i];
    }
    return k;
}
#elif SQ_VLEN == 4
static size_t compress(size_t n, const uint8_t *restrict keep,
                       const void *restrict src, void *restrict dst)
{
    const double *s = src;
    double *d = dst;
    size_t k = 0, i = 0;
    for (; i + 4 <= n; i += 4) {
        uint32_t bytes;
        memcpy(&bytes, keep + i, 4);
        /* Gather bit 0 of each byte into a 4-bit mask; the partial products
         * land on distinct bits, so no carry disturbs bits 24..27. */
        unsigned m = ((bytes & 0x01010101u) * 0x01020408u) >> 24 & 0xF;
        __m256i perm = _mm256_loadu_si256((const __m256i *)compress_lut4[m]);
        __m256i v = _mm256_loadu_si256((const __m256i *)(s + i));
        _mm256_storeu_si256((__m256i *)(d + k),
                            _mm256_permutevar8x32_epi32(v, perm));
        k += (size_t)__builtin_popcount(m);
    }
    for (; i < n; i++) {
        d[k] = s[i];
        k += keep[i];
    }
    return k;
}
#else
static size_t compress(size_t n, const uint8_t *restrict keep,
                       const void *restrict src, void *restrict dst)
{
    /* Copy through memcpy: src may hold integers as well as doubles. */
    const unsigned char *s = src;
    unsigned char *d = dst;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        memcpy(d + 8 * k, s + 8 * i, 8);
        k += keep[i];
    }
    return k;
}
#endif

/* ---- the table ------------------------------------------------------------------- */

/* The integrands of each math backend built for this ISA. */
#define SQ_DECLARE_MATH(m)                                                    \
    extern sq_kern_fn *const SQ_CAT(SQ_ISA_SYM(sq_integrands), m)[SQK_COUNT]; \
    extern sq_fam_fn *const SQ_CAT(SQ_ISA_SYM(sq_families), m)[SQF_COUNT];    \
    sq_vm_fn SQ_CAT(SQ_ISA_SYM(sq_vm_run), m);
#define SQ_TABLE_MATH(slot, m)                                                \
    .kern[slot] = SQ_CAT(SQ_ISA_SYM(sq_integrands), m),                       \
    .fam[slot] = SQ_CAT(SQ_ISA_SYM(sq_families), m),                          \
    .vm[slot] = SQ_CAT(SQ_ISA_SYM(sq_vm_run), m)

SQ_DECLARE_MATH(u10)
SQ_DECLARE_MATH(u35)
#ifdef SQ_HAVE_LIBMVEC
SQ_DECLARE_MATH(mvec)
#endif
#if !defined(SQ_BUILD_SSE2)
SQ_DECLARE_MATH(det)
#endif
extern const sq_gk_ops SQ_ISA_SYM(sq_gk_ops);

const sq_isa_ops SQ_ISA_SYM(sq_ops) = {
    .isa = SQ_ISA_ID,
    .vlen = SQ_VLEN,
    SQ_TABLE_MATH(SQ_MATH_SLEEF_U10, u10),
    SQ_TABLE_MATH(SQ_MATH_SLEEF_U35, u35),
#ifdef SQ_HAVE_LIBMVEC
    SQ_TABLE_MATH(SQ_MATH_LIBMVEC, mvec),
#endif
#if !defined(SQ_BUILD_SSE2)
    SQ_TABLE_MATH(SQ_MATH_DETERMINISTIC, det),
#endif
    .simpson_nodes = simpson_nodes,
    .simpson_estimate = simpson_estimate,
    .simpson_emit = simpson_emit,
    .compress = compress,
    .sum8 = sum8,
    .sum8_pair = sum8_pair,
    .gk = &SQ_ISA_SYM(sq_gk_ops),
};
