/* SPDX-License-Identifier: MIT */
/*
 * Deterministic mode: with SLEEF's finz_ functions every built-in kernel,
 * family and expression gives the same bits at the scalar, AVX2 and AVX-512
 * ISAs, and so does every integral. On a CPU without FMA the mode must be
 * refused instead.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "simdquad.h"

/* The ISAs that run deterministic kernels here, scalar first. */
static size_t det_isas(sq_isa *out)
{
    size_t n = 0;
    const sq_isa all[] = {SQ_ISA_SCALAR, SQ_ISA_AVX2, SQ_ISA_AVX512};
    for (size_t i = 0; i < 3; i++)
        if (sq_math_supported(SQ_MATH_DETERMINISTIC, all[i]))
            out[n++] = all[i];
    return n;
}

Test(deterministic, the_mode_is_refused_where_it_cannot_run)
{
    cr_assert(!sq_math_supported(SQ_MATH_DETERMINISTIC, SQ_ISA_SSE2));
    double x = 1, y;
    cr_assert_eq(sq_kernel_eval_math(0, SQ_ISA_SSE2, SQ_MATH_DETERMINISTIC, 1,
                                     &x, &y),
                 SQ_BAD_INPUT);
    sq_options o;
    sq_options_init(&o);
    o.math = SQ_MATH_DETERMINISTIC;
    o.isa = SQ_ISA_SSE2;
    sq_integrand f = sq_fn_kernel("exp");
    sq_result r;
    cr_assert_eq(sq_integrate(&f, 0, 1, &o, &r), SQ_BAD_INPUT);
    cr_assert(strstr(r.detail, "deterministic") != NULL);
    /* Without FMA (no AVX2) nothing runs it; with FMA the scalar ISA does. */
    cr_assert_eq(sq_math_supported(SQ_MATH_DETERMINISTIC, SQ_ISA_SCALAR),
                 sq_isa_supported(SQ_ISA_AVX2));
}

Test(deterministic, kernels_give_the_same_bits_at_every_isa)
{
    sq_isa isas[3];
    size_t n = det_isas(isas);
    if (n == 0) {
        double x = 1, y;
        cr_assert_eq(sq_kernel_eval_math(0, SQ_ISA_SCALAR, SQ_MATH_DETERMINISTIC,
                                         1, &x, &y),
                     SQ_BAD_INPUT);
        return;
    }
    enum { N = 20000 };
    static double x[N], y0[N], y1[N];
    for (size_t i = 0; i < N; i++)
        x[i] = -700 + 1400 * ((double)i * 0.6180339887498949 - floor((double)i * 0.6180339887498949));
    x[0] = 0;
    x[1] = -0.0;
    x[2] = 1e-300;
    x[3] = NAN;
    x[4] = INFINITY;
    for (int k = 0; k < (int)sq_kernel_count(); k++) {
        cr_assert_eq(sq_kernel_eval_math(k, isas[0], SQ_MATH_DETERMINISTIC, N, x,
                                         y0),
                     SQ_OK);
        for (size_t j = 1; j < n; j++) {
            cr_assert_eq(sq_kernel_eval_math(k, isas[j], SQ_MATH_DETERMINISTIC,
                                             N, x, y1),
                         SQ_OK);
            cr_assert(memcmp(y0, y1, sizeof y0) == 0, "%s differs at %s",
                      sq_kernel_name((size_t)k), sq_isa_name(isas[j]));
        }
    }
}

static int same(const sq_result *a, const sq_result *b)
{
    return memcmp(&a->value, &b->value, sizeof a->value) == 0
           && memcmp(&a->error, &b->error, sizeof a->error) == 0
           && a->evals == b->evals && a->status == b->status;
}

Test(deterministic, integrals_give_the_same_bits_at_every_isa)
{
    sq_isa isas[3];
    size_t n = det_isas(isas);
    cr_assert_eq(n > 0, sq_isa_supported(SQ_ISA_AVX2));
    if (n < 2)
        return;                    /* one ISA: nothing to compare */
    static const char *const texts[] = {
        "exp(-x*x)*cos(3*x)",
        "sin(x)^2 + log1p(x*x) + atan(x) - tanh(x) + cbrt(abs(x)) + erf(x)",
        "hypot(x, 1) * pow(abs(x) + 1, 0.3) + lgamma(abs(x) + 1)",
    };
    for (size_t t = 0; t < sizeof texts / sizeof *texts; t++) {
        sq_expr *e = sq_expr_compile(texts[t], NULL);
        cr_assert_not_null(e);
        sq_integrand f = sq_fn_expr(e, NULL);
        sq_result r[3];
        for (size_t j = 0; j < n; j++) {
            sq_options o;
            sq_options_init(&o);
            o.math = SQ_MATH_DETERMINISTIC;
            o.isa = isas[j];
            o.epsrel = 1e-12;
            cr_assert_eq(sq_integrate(&f, -3, 4, &o, &r[j]), SQ_OK, "%s", texts[t]);
        }
        for (size_t j = 1; j < n; j++)
            cr_assert(same(&r[0], &r[j]), "'%s': %.17g at %s, %.17g at %s",
                      texts[t], r[0].value, sq_isa_name(isas[0]), r[j].value,
                      sq_isa_name(isas[j]));
        sq_expr_free(e);
    }
    /* A batch of every family. */
    for (size_t fam = 0; fam < sq_family_count(); fam++) {
        enum { N = 50 };
        double a[N], b[N], p[2 * N];
        for (size_t i = 0; i < N; i++) {
            a[i] = 0;
            b[i] = 1 + (double)i / 10;
            p[2 * i] = 2 + (double)i / 5;
            p[2 * i + 1] = 0.3 + (double)i / 100;
        }
        sq_integrand g = sq_fn_family(sq_family_name(fam), NULL);
        sq_batch bt = {.n = N, .a = a, .b = b, .params = p, .nparams = 2};
        sq_result r0[N], r1[N];
        sq_options o;
        sq_options_init(&o);
        o.math = SQ_MATH_DETERMINISTIC;
        o.isa = isas[0];
        sq_integrate_batch(NULL, &g, &bt, &o, r0);
        for (size_t j = 1; j < n; j++) {
            o.isa = isas[j];
            sq_integrate_batch(NULL, &g, &bt, &o, r1);
            for (size_t i = 0; i < N; i++)
                cr_assert(same(&r0[i], &r1[i]), "%s problem %zu at %s",
                          sq_family_name(fam), i, sq_isa_name(isas[j]));
        }
    }
}
