/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: any bytes as an expression. Whatever compiles is
 * evaluated at awkward points, by the machine and by the twin, and
 * integrated with a small budget; whatever does not compile must come back
 * as an error with a position inside the text. Any crash, leak, overflow
 * or undefined behaviour is a finding.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "simdquad.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sq_expr_error err;
    sq_expr *e = sq_expr_compile_n((const char *)data, size, &err);
    if (e == NULL) {
        if (err.position > size || err.message[0] == 0)
            abort();
        char *text = malloc(size + 1);
        if (text != NULL) {
            memcpy(text, data, size);
            text[size] = 0;
            char buf[512];
            sq_expr_describe_error(text, &err, buf, sizeof buf);
            free(text);
        }
        return 0;
    }
    static const double xs[] = {0.0, -0.0, 1.0, -1.0, 0.5, 1e-300, 1e300,
                                INFINITY, -INFINITY, NAN, 3.14159, -7.25};
    enum { N = sizeof xs / sizeof *xs };
    size_t K = sq_expr_noutputs(e);
    double p[16], y[N * 128];
    for (int k = 0; k < 16; k++)
        p[k] = 0.5 + k;
    /* Several outputs ("f1; f2"): only the outputs call may fill y. */
    if ((sq_expr_eval(e, SQ_ISA_AUTO, N, xs, p, 0, y) != SQ_OK) != (K != 1))
        abort();
    if (sq_expr_eval_outputs(e, SQ_ISA_AUTO, SQ_MATH_AUTO, N, xs, p, 0, y) != SQ_OK)
        abort();
    for (size_t k = 0; k < K; k++)
        for (int i = 0; i < N; i++)
            (void)sq_expr_twin_output(e, k, xs[i], p);
    sq_options o;
    sq_options_init(&o);
    o.max_evals = 4000;
    o.threads = 1;
    sq_result r;
    sq_status s;
    if (K == 1) {
        sq_integrand f = sq_fn_expr(e, p);
        s = sq_integrate(&f, 0, 1, &o, &r);
    } else {
        double v[128], err[128];
        sq_vec_integrand f = sq_vfn_expr(e, p);
        s = sq_integrate_vec(NULL, &f, 0, 1, &o, v, err, &r);
    }
    if (s != r.status || (s == SQ_OK && !(r.error >= 0)))
        abort();
    sq_expr_free(e);
    return 0;
}
