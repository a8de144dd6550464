/* SPDX-License-Identifier: MIT */
/*
 * What the expression compiler (expr.c) and the code that runs compiled
 * expressions (expr_run.c) share.
 */
#ifndef SQ_EXPR_H
#define SQ_EXPR_H

#include "internal.h"

/* The longest text compiled. */
#define SQ_EXPR_MAX_TEXT 65536

struct sq_expr {
    sq_vm vm;
    sq_vm_instr *code;
    size_t ncode;
    int uses_x;
    uint32_t params_used;          /* bit k: p<k> is read */
};

/* One operation of the machine on scalars, with libm: the scalar twin's,
 * and the compiler's for folding constants. */
double sq_expr_apply(int op, double a, double b, double c);

#endif
