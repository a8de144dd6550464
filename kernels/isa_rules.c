/* SPDX-License-Identifier: MIT */
/*
 * Rule kernels, compiled once per ISA: node generation and per-interval
 * estimates, written as plain loops over intervals that the compiler turns
 * into vector code. They use only +, -, *, / and comparisons, which give the
 * same bits in a vector lane as in scalar code (the build disables FMA
 * contraction), so a result never depends on the ISA or on where an interval
 * sits in a tile.
 */
#include <float.h>
#include <string.h>

#include "kernels.h"
#include "simpson_half.h"
#include "vec.h"

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

/* Visit n halves laid out as items (see simpson_estimate). */
__attribute__((noinline)) static void
simpson_visit(size_t n, const double *restrict c,
                          const double *restrict e, const double *restrict f0,
                          const double *restrict f1, const double *restrict f2,
                          const double *restrict f3, const double *restrict f4,
                          const double *restrict child_tol,
                          double *restrict val, double *restrict err,
                          int64_t *restrict fate)
{
    for (size_t h = 0; h < n; h++) {
        /* A half is held to its item's tolerance, twice its own children's
         * (doubling is exact). */
        fate[h] = sq_simpson_half(c[h], sq_mid(c[h], e[h]), e[h], f0[h], f1[h],
                                  f2[h], f3[h], f4[h], 2 * child_tol[h],
                                  &val[h], &err[h]);
    }
}

/*
 * Two passes, both straight vector loops: first lay out the halves of the
 * items in position order (half 2j is the left half of item j, 2j+1 its
 * right half) as the items they would become; then visit each half, whose
 * inputs are exactly those fields.
 */
/* keep[h] = (fate[h] == SPLIT); returns the count, flags unusual fates. */
__attribute__((noinline)) static size_t
simpson_keep(size_t n, const int64_t *restrict fate, uint8_t *restrict keep,
             int *unusual)
{
    size_t nsplit = 0;
    int64_t odd = 0;
    for (size_t h = 0; h < n; h++) {
        int64_t split = fate[h] == SQ_HALF_SPLIT;
        keep[h] = (uint8_t)split;
        nsplit += (size_t)split;
        odd |= fate[h] > SQ_HALF_SPLIT;
    }
    *unusual = odd != 0;
    return nsplit;
}

static size_t simpson_estimate(size_t n, const sq_simpson_items *in,
                               const double *restrict y, size_t ld,
                               const sq_simpson_halves *out, int *unusual)
{
    const double *restrict A = in->a, *restrict B = in->b;
    const double *restrict F0 = in->f0, *restrict F1 = in->f1;
    const double *restrict F2 = in->f2, *restrict F3 = in->f3;
    const double *restrict F4 = in->f4, *restrict TOL = in->tol;
    const uint64_t *restrict PID = in->pid;
    double *restrict oa = out->a, *restrict ob = out->b;
    double *restrict o0 = out->f0, *restrict o1 = out->f1;
    double *restrict o2 = out->f2, *restrict o3 = out->f3;
    double *restrict o4 = out->f4, *restrict ot = out->tol;
    uint64_t *restrict op = out->pid;
    double *restrict ov = out->val, *restrict oe = out->err;
    int64_t *restrict of = out->fate;

    SQ_INDEPENDENT_ITERATIONS
    for (size_t j = 0; j < n; j++) {
        double a = A[j], b = B[j], m = sq_mid(a, b);
        double half_tol = 0.5 * TOL[j];
        size_t l = 2 * j, r = 2 * j + 1;
        oa[l] = a;          ob[l] = m;          o0[l] = F0[j];
        o1[l] = y[j];       o2[l] = F1[j];      o3[l] = y[ld + j];
        o4[l] = F2[j];      ot[l] = half_tol;   op[l] = PID[j];
        oa[r] = m;          ob[r] = b;          o0[r] = F2[j];
        o1[r] = y[2 * ld + j]; o2[r] = F3[j];   o3[r] = y[3 * ld + j];
        o4[r] = F4[j];      ot[r] = half_tol;   op[r] = PID[j];
    }
    simpson_visit(2 * n, oa, ob, o0, o1, o2, o3, o4, ot, ov, oe, of);
    return simpson_keep(2 * n, of, out->keep, unusual);
}

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
/* For each 4-bit keep mask, the 32-bit lane indices that move the kept
 * doubles to the front of a vector. */
static const int32_t compress_lut[16][8] = {
    {0, 1, 2, 3, 4, 5, 6, 7}, {0, 1, 2, 3, 4, 5, 6, 7},
    {2, 3, 0, 1, 4, 5, 6, 7}, {0, 1, 2, 3, 4, 5, 6, 7},
    {4, 5, 0, 1, 2, 3, 6, 7}, {0, 1, 4, 5, 2, 3, 6, 7},
    {2, 3, 4, 5, 0, 1, 6, 7}, {0, 1, 2, 3, 4, 5, 6, 7},
    {6, 7, 0, 1, 2, 3, 4, 5}, {0, 1, 6, 7, 2, 3, 4, 5},
    {2, 3, 6, 7, 0, 1, 4, 5}, {0, 1, 2, 3, 6, 7, 4, 5},
    {4, 5, 6, 7, 0, 1, 2, 3}, {0, 1, 4, 5, 6, 7, 2, 3},
    {2, 3, 4, 5, 6, 7, 0, 1}, {0, 1, 2, 3, 4, 5, 6, 7},
};

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
        __m256i perm = _mm256_loadu_si256((const __m256i *)compress_lut[m]);
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

extern sq_kern_fn *const SQ_ISA_SYM(sq_integrands)[SQK_COUNT];

const sq_isa_ops SQ_ISA_SYM(sq_ops) = {
    .isa = SQ_ISA_ID,
    .vlen = SQ_VLEN,
    .kern = SQ_ISA_SYM(sq_integrands),
    .simpson_nodes = simpson_nodes,
    .simpson_estimate = simpson_estimate,
    .compress = compress,
    .sum8 = sum8,
};
