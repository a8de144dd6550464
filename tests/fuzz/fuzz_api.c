/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the integration API with fuzzed arguments and a fuzzed
 * integrand. The bytes choose the rule, control, error estimate, budgets,
 * threads, limits, tolerances and breakpoints (any doubles, NaN and
 * infinities included), a smooth, peaked, singular or oscillating base
 * function, and points where the integrand returns NaN, Inf, huge values or
 * makes its callback fail (chosen by a hash of the abscissa, so that the
 * same x always gets the same answer). Then:
 *
 *   - one integral: the returned status is the result's, valid, and an OK
 *     result has a finite value and a finite, non-negative error;
 *   - the same problems as a batch: each result is the same bits as the
 *     problem alone;
 *   - sometimes, the integrand as an expensive point function on worker
 *     threads: the same bits as the batch callback.
 *
 * Any crash, hang, leak, overflow, undefined behaviour or broken invariant
 * is a finding.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "simdquad.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ---- reading the bytes ------------------------------------------------------------ */

typedef struct {
    const uint8_t *p;
    size_t n;
} bytes;

static uint8_t u8(bytes *b)
{
    if (b->n == 0)
        return 0;
    b->n--;
    return *b->p++;
}

static uint64_t u64(bytes *b)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | u8(b);
    return v;
}

/* A double: mostly from a table of awkward and ordinary values, sometimes
 * any bit pattern. */
static double number(bytes *b)
{
    static const double table[] = {
        0.0, -0.0, 1.0, -1.0, 0.5, 2.0, 3.0, 10.0, -10.0, 1e-300, 1e300,
        -1e300, 1e-3, 1e-6, 1e-9, 1e-12, 1e-15, 1e-20, 4.9e-324, 2.2e-308,
        1.7976931348623157e308, -1.7976931348623157e308, INFINITY, -INFINITY,
        NAN, 0.3333333333333333, 100.0, -3.0, 1e5, 7.0, 0.1, 1.5};
    uint8_t k = u8(b);
    if (k < 224)
        return table[k % (sizeof table / sizeof *table)];
    uint64_t bits = u64(b);
    double v;
    memcpy(&v, &bits, sizeof v);
    return v;
}

/* ---- the integrand ------------------------------------------------------------------- */

typedef struct {
    int base;            /* which function */
    double c, k;         /* its position and scale */
    uint32_t modulus;    /* poison: hash(x) % modulus == residue ... */
    uint32_t residue;
    int poison;          /* ... gives NaN, Inf, -Inf, huge, or fails */
} spec;

static uint32_t hash(double x)
{
    uint64_t h;
    memcpy(&h, &x, sizeof h);
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return (uint32_t)h;
}

/* f(x); *fail set if the callback is to fail at x. */
static double value(const spec *s, double x, int *fail)
{
    double d = x - s->c, y;
    switch (s->base) {
    case 0: y = 1 + x * x; break;
    case 1: y = exp(-s->k * d * d); break;
    case 2: y = 1 / sqrt(fabs(d)); break;
    case 3: y = sin(s->k * x); break;
    case 4: y = d < 0 ? -1.0 : 2.0; break;
    case 5: y = log(fabs(d)); break;
    case 6: y = 1 / (d * d + s->k * s->k * 1e-8); break;
    default: y = pow(fabs(d), -s->k); break;
    }
    if (s->modulus != 0 && hash(x) % s->modulus == s->residue) {
        switch (s->poison) {
        case 0: y = NAN; break;
        case 1: y = INFINITY; break;
        case 2: y = -INFINITY; break;
        case 3: y = 1e308; break;
        default: *fail = 1; break;
        }
    }
    return y;
}

static int batch_fn(size_t n, const double *x, double *y, void *ctx)
{
    int fail = 0;
    for (size_t i = 0; i < n; i++)
        y[i] = value(ctx, x[i], &fail);
    return fail;
}

static int point_fn(double x, double *y, void *ctx)
{
    int fail = 0;
    *y = value(ctx, x, &fail);
    return fail;
}

/* ---- invariants -------------------------------------------------------------------------- */

static void check(const sq_result *r, sq_status returned)
{
    if (returned != r->status || (unsigned)r->status >= SQ_STATUS_COUNT)
        abort();
    if (r->status == SQ_OK
        && !(isfinite(r->value) && isfinite(r->error) && r->error >= 0))
        abort();
    if (sq_status_name(r->status) == NULL || sq_strerror(r->status) == NULL)
        abort();
}

static int same(const sq_result *x, const sq_result *y)
{
    return memcmp(&x->value, &y->value, sizeof x->value) == 0
           && memcmp(&x->error, &y->error, sizeof x->error) == 0
           && x->evals == y->evals && x->status == y->status;
}

enum { MAXP = 6, MAXPTS = 4 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    bytes b = {data, size};
    spec s;
    s.base = u8(&b) % 8;
    s.c = number(&b);
    s.k = fabs(number(&b));
    if (!(s.k < 1e6))
        s.k = 1;
    s.modulus = u8(&b) % 64;
    s.residue = s.modulus ? u8(&b) % s.modulus : 0;
    s.poison = u8(&b) % 5;

    sq_options o;
    sq_options_init(&o);
    uint8_t flags = u8(&b);
    o.rule = (sq_rule)(flags % 4);
    o.control = (sq_control)(flags / 4 % 3);
    o.errest = (sq_errest)(flags / 12 % 3);
    o.extrapolate = flags / 36 % 2;
    o.math = (sq_math)(flags % SQ_MATH_COUNT);
    o.threads = 1 + u8(&b) % 3;
    o.max_evals = 1 + (size_t)u8(&b) * 400;
    o.max_intervals = 1 + (size_t)u8(&b) * 40;
    o.epsabs = number(&b);
    o.epsrel = number(&b);
    double pts[MAXPTS];
    o.npoints = u8(&b) % (MAXPTS + 1);
    for (size_t i = 0; i < o.npoints; i++)
        pts[i] = number(&b);
    o.points = pts;

    size_t np = 1 + u8(&b) % MAXP;
    double a[MAXP], bb[MAXP], ea[MAXP], er[MAXP];
    for (size_t i = 0; i < np; i++) {
        a[i] = number(&b);
        bb[i] = number(&b);
        ea[i] = number(&b);
        er[i] = number(&b);
    }

    /* Alone. */
    sq_integrand f = sq_fn_batch(batch_fn, &s);
    sq_result alone[MAXP];
    for (size_t i = 0; i < np; i++) {
        sq_options oi = o;
        oi.epsabs = ea[i];
        oi.epsrel = er[i];
        check(&alone[i], sq_integrate(&f, a[i], bb[i], &oi, &alone[i]));
    }

    /* Together: the same bits, except where either refuses the problem (a
     * batch ignores the options' breakpoints outside a problem's range,
     * which a single integral refuses, and may refuse the whole call). */
    sq_batch batch = {.n = np, .a = a, .b = bb, .epsabs = ea, .epsrel = er};
    sq_result together[MAXP];
    sq_status bs = sq_integrate_batch(NULL, &f, &batch, &o, together);
    if ((unsigned)bs >= SQ_STATUS_COUNT)
        abort();
    for (size_t i = 0; i < np; i++) {
        if ((unsigned)together[i].status >= SQ_STATUS_COUNT)
            abort();
        if (together[i].status != SQ_BAD_INPUT && alone[i].status != SQ_BAD_INPUT
            && !same(&together[i], &alone[i]))
            abort();
    }

    /* As an expensive point function: the same bits as the callback. */
    if (u8(&b) % 4 == 0) {
        sq_options op = o;
        op.workers = 1 + u8(&b) % 3;
        op.speculate = u8(&b) % 2;
        op.epsabs = ea[0];
        op.epsrel = er[0];
        op.max_evals = op.max_evals < 4000 ? op.max_evals : 4000;
        sq_options ob = op;
        sq_integrand g = sq_fn_point(point_fn, &s);
        sq_result rp, rb;
        check(&rp, sq_integrate(&g, a[0], bb[0], &op, &rp));
        check(&rb, sq_integrate(&f, a[0], bb[0], &ob, &rb));
        if (!same(&rp, &rb))
            abort();
    }
    return 0;
}
