/* SPDX-License-Identifier: MIT */
/* Integrand descriptors, the built-in kernel catalogue and evaluation. */
#include <string.h>

#include "internal.h"

sq_integrand sq_fn_kernel(const char *name)
{
    sq_integrand f = {0};
    int k = sq_kernel_find(name);
    if (k >= 0) {
        f.kind = SQ_INTEGRAND_KERNEL;
        f.kernel = k;
    }
    return f;
}

sq_integrand sq_fn_batch(sq_batch_fn fn, void *ctx)
{
    sq_integrand f = {0};
    if (fn != NULL) {
        f.kind = SQ_INTEGRAND_BATCH;
        f.batch = fn;
        f.ctx = ctx;
    }
    return f;
}

size_t sq_kernel_count(void)
{
    return SQK_COUNT;
}

const char *sq_kernel_name(size_t i)
{
    return i < SQK_COUNT ? sq_kernel_table[i].name : NULL;
}

const char *sq_kernel_formula(size_t i)
{
    return i < SQK_COUNT ? sq_kernel_table[i].formula : NULL;
}

int sq_kernel_find(const char *name)
{
    if (name == NULL)
        return -1;
    for (int k = 0; k < SQK_COUNT; k++)
        if (strcmp(name, sq_kernel_table[k].name) == 0)
            return k;
    return -1;
}

double sq_kernel_twin(int kernel, double x)
{
    if (kernel < 0 || kernel >= SQK_COUNT)
        return 0.0 / 0.0;
    return sq_kernel_table[kernel].twin(x);
}

sq_status sq_kernel_eval_twin(int kernel, size_t n, const double *x,
                              double *y)
{
    if (kernel < 0 || kernel >= SQK_COUNT || (n > 0 && (x == NULL || y == NULL)))
        return SQ_BAD_INPUT;
    sq_kernel_table[kernel].twin_loop(n, x, y);
    return SQ_OK;
}

sq_status sq_kernel_eval(int kernel, sq_isa isa, size_t n, const double *x,
                         double *y)
{
    if (kernel < 0 || kernel >= SQK_COUNT || (n > 0 && (x == NULL || y == NULL)))
        return SQ_BAD_INPUT;
    const sq_isa_ops *ops = sq_ops_for(sq_isa_resolve(isa));
    if (ops == NULL)
        return SQ_BAD_INPUT;
    /* Whole vectors in place, then the tail through a padded buffer, so that
     * every point takes the same vector path. */
    size_t bulk = n - n % ops->vlen;
    if (bulk > 0)
        ops->kern[kernel](bulk, x, y);
    if (bulk < n) {
        double xt[SQ_MAX_VLEN], yt[SQ_MAX_VLEN];
        for (size_t i = 0; i < ops->vlen; i++)
            xt[i] = x[bulk + (bulk + i < n ? i : 0)];
        ops->kern[kernel](ops->vlen, xt, yt);
        memcpy(y + bulk, yt, (n - bulk) * sizeof *y);
    }
    return SQ_OK;
}

int sq_eval(const sq_evaluator *ev, size_t n, const double *x, double *y)
{
    if (ev->kern != NULL) {
        ev->kern(n, x, y);
        return 0;
    }
    return ev->batch(n, x, y, ev->ctx);
}
