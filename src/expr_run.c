/* SPDX-License-Identifier: MIT */
/*
 * Running compiled expressions: the scalar twin (libm, one operation at a
 * time, the reference the vector machines are checked against), evaluation
 * at any ISA and backend, and errors described for people.
 */
#define _GNU_SOURCE   /* strnlen */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "expr.h"

/* ---- the scalar twin of every operation ---------------------------------- */

double sq_expr_apply(int op, double a, double b, double c)
{
    switch (op) {
    case SQ_OP_NEG: return -a;
    case SQ_OP_ADD: return a + b;
    case SQ_OP_SUB: return a - b;
    case SQ_OP_MUL: return a * b;
    case SQ_OP_DIV: return a / b;
    case SQ_OP_LT: return a < b ? 1.0 : 0.0;
    case SQ_OP_LE: return a <= b ? 1.0 : 0.0;
    case SQ_OP_GT: return a > b ? 1.0 : 0.0;
    case SQ_OP_GE: return a >= b ? 1.0 : 0.0;
    case SQ_OP_EQ: return a == b ? 1.0 : 0.0;
    case SQ_OP_NE: return a != b ? 1.0 : 0.0;
    case SQ_OP_WHERE: return a != 0 ? b : c;
    case SQ_OP_SIN: return sin(a);
    case SQ_OP_COS: return cos(a);
    case SQ_OP_TAN: return tan(a);
    case SQ_OP_ASIN: return asin(a);
    case SQ_OP_ACOS: return acos(a);
    case SQ_OP_ATAN: return atan(a);
    case SQ_OP_SINH: return sinh(a);
    case SQ_OP_COSH: return cosh(a);
    case SQ_OP_TANH: return tanh(a);
    case SQ_OP_ASINH: return asinh(a);
    case SQ_OP_ACOSH: return acosh(a);
    case SQ_OP_ATANH: return atanh(a);
    case SQ_OP_EXP: return exp(a);
    case SQ_OP_EXP2: return exp2(a);
    case SQ_OP_EXPM1: return expm1(a);
    case SQ_OP_LOG: return log(a);
    case SQ_OP_LOG2: return log2(a);
    case SQ_OP_LOG10: return log10(a);
    case SQ_OP_LOG1P: return log1p(a);
    case SQ_OP_SQRT: return sqrt(a);
    case SQ_OP_CBRT: return cbrt(a);
    case SQ_OP_ABS: return fabs(a);
    case SQ_OP_ERF: return erf(a);
    case SQ_OP_ERFC: return erfc(a);
    case SQ_OP_TGAMMA: return tgamma(a);
    case SQ_OP_LGAMMA: {
        int sign;          /* lgamma_r: lgamma would write the global signgam */
        return lgamma_r(a, &sign);
    }
    case SQ_OP_FLOOR: return floor(a);
    case SQ_OP_CEIL: return ceil(a);
    case SQ_OP_ATAN2: return atan2(a, b);
    case SQ_OP_POW: return pow(a, b);
    case SQ_OP_HYPOT: return hypot(a, b);
    case SQ_OP_MIN: return fmin(a, b);
    case SQ_OP_MAX: return fmax(a, b);
    default: return NAN;
    }
}

double sq_expr_twin(const sq_expr *e, double x, const double *p)
{
    return sq_expr_twin_output(e, 0, x, p);
}

double sq_expr_twin_output(const sq_expr *e, size_t out, double x,
                           const double *p)
{
    if (e == NULL || (e->vm.nparams > 0 && p == NULL) || out >= e->vm.nout)
        return NAN;
    double r[SQ_VM_SLOTS];
    for (int i = 0; i < SQ_VM_SLOTS; i++)
        r[i] = 0;
    r[SQ_VM_X] = x;
    for (size_t k = 0; k < e->vm.nparams; k++)
        r[SQ_VM_P0 + k] = p[k];
    for (size_t i = 0; i < e->ncode; i++) {
        const sq_vm_instr *in = &e->code[i];
        double v;
        if (in->op == SQ_OP_CONST)
            v = in->imm;
        else if (in->op == SQ_OP_COPY)
            v = r[in->a];
        else
            v = sq_expr_apply(in->op, r[in->a], r[in->b], r[in->c]);
        r[in->dst] = v;
    }
    return r[SQ_VM_OUT + out];
}

size_t sq_expr_describe_error(const char *text, const sq_expr_error *err,
                              char *buf, size_t size)
{
    if (err == NULL)
        return 0;
    /* The line of text holding the position, and a caret under it. */
    size_t len = text != NULL ? strnlen(text, SQ_EXPR_MAX_TEXT) : 0;
    size_t pos = err->position < len ? err->position : len;
    size_t lo = pos, hi = pos;
    while (lo > 0 && text[lo - 1] != '\n' && pos - lo < 60)
        lo--;
    while (hi < len && text[hi] != '\n' && hi - pos < 60)
        hi++;
    char line[128], caret[128];
    size_t n = 0;
    for (size_t i = lo; i < hi && n < sizeof line - 1; i++) {
        unsigned char ch = (unsigned char)text[i];
        line[n++] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
    }
    line[n] = 0;
    size_t c = pos - lo < sizeof caret - 2 ? pos - lo : sizeof caret - 2;
    memset(caret, ' ', c);
    caret[c] = '^';
    caret[c + 1] = 0;
    int w = snprintf(buf, size, "%s at position %zu\n  %s\n  %s", err->message,
                     err->position, line, caret);
    return w > 0 ? (size_t)w : 0;
}

sq_status sq_expr_eval(const sq_expr *e, sq_isa isa, size_t n, const double *x,
                       const double *p, size_t pstride, double *y)
{
    return sq_expr_eval_math(e, isa, SQ_MATH_AUTO, n, x, p, pstride, y);
}

sq_status sq_expr_eval_math(const sq_expr *e, sq_isa isa, sq_math math,
                            size_t n, const double *x, const double *p,
                            size_t pstride, double *y)
{
    /* y holds n values: an expression of several outputs would need more. */
    if (e != NULL && e->vm.nout != 1)
        return SQ_BAD_INPUT;
    return sq_expr_eval_outputs(e, isa, math, n, x, p, pstride, y);
}

sq_status sq_expr_eval_outputs(const sq_expr *e, sq_isa isa, sq_math math,
                               size_t n, const double *x, const double *p,
                               size_t pstride, double *y)
{
    if (e == NULL || (n > 0 && (x == NULL || y == NULL)))
        return SQ_BAD_INPUT;
    size_t np = e->vm.nparams;
    if (np > 0 && p == NULL)
        return SQ_BAD_INPUT;
    if (np > 0 && pstride != 0 && pstride < np)
        return SQ_BAD_INPUT;
    const sq_isa_ops *ops = sq_ops_for(sq_isa_resolve(isa));
    sq_math backend = sq_math_pick(math, isa);
    if (ops == NULL || backend == SQ_MATH_COUNT)
        return SQ_BAD_INPUT;
    sq_vm_fn *run = ops->vm[backend];
    enum { BLOCK = 256 };
    double xt[BLOCK], yt[BLOCK];
    size_t nout = e->vm.nout;
    if (np == 0 && nout == 1) {
        /* Whole vectors in place, the tail through a padded copy. */
        size_t bulk = n - n % ops->vlen;
        if (bulk > 0)
            run(&e->vm, 1, bulk, x, NULL, y);
        if (bulk < n) {
            for (size_t j = 0; j < ops->vlen; j++)
                xt[j] = x[bulk + (bulk + j < n ? j : 0)];
            run(&e->vm, 1, ops->vlen, xt, NULL, yt);
            memcpy(y + bulk, yt, (n - bulk) * sizeof *y);
        }
        return SQ_OK;
    }
    /* Parameters or several outputs (y[k * n + i]): through padded blocks. */
    double *cols = sq_malloc((np + nout) * BLOCK * sizeof *cols);
    if (cols == NULL)
        return SQ_NOMEM;
    double *ys = cols + np * BLOCK;
    const double *pc[16];
    for (size_t k = 0; k < np; k++)
        pc[k] = cols + k * BLOCK;
    for (size_t lo = 0; lo < n; lo += BLOCK) {
        size_t m = n - lo < BLOCK ? n - lo : BLOCK;
        size_t ld = (m + ops->vlen - 1) / ops->vlen * ops->vlen;
        sq_pack_block(x, p, pstride, np, lo, m, ld, xt, cols, BLOCK);
        run(&e->vm, 1, ld, xt, pc, ys);
        for (size_t k = 0; k < nout; k++)
            memcpy(y + k * n + lo, ys + k * ld, m * sizeof *y);
    }
    sq_free(cols);
    return SQ_OK;
}
