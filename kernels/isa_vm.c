/* SPDX-License-Identifier: MIT */
/*
 * The expression machine, compiled once per ISA: runs a compiled expression
 * (sq_vm, built by src/expr.c) over a tile of nodes. Each instruction is
 * one loop over a chunk of up to SQ_VM_CHUNK doubles held in a register
 * array on the stack (16 KiB), so dispatch costs one switch per chunk and
 * instruction, and the values never leave L1. Math functions are those of
 * the backend the file is compiled for (kernels/vmath.h), called directly.
 * The prologue (what does not depend on x) runs once per chunk of
 * intervals; the body once per row.
 */
#include <string.h>

#include "kernels.h"
#include "vec.h"

/* The loop of one instruction over m doubles (a multiple of SQ_VLEN). */
#define EACH(expr)                                                            \
    for (size_t j = 0; j < m; j += SQ_VLEN) {                                 \
        vdouble A = vload(a + j);                                             \
        (void)A;                                                              \
        vstore(d + j, (expr));                                                \
    }

static void run(const sq_vm_instr *code, size_t n, double *const *slot,
                size_t m)
{
    for (size_t i = 0; i < n; i++) {
        const sq_vm_instr *in = &code[i];
        double *d = slot[in->dst];
        const double *a = slot[in->a], *b = slot[in->b], *c = slot[in->c];
        int op = in->op;
        switch (op) {
        case SQ_OP_CONST: {
            vdouble k = vset1(in->imm);
            for (size_t j = 0; j < m; j += SQ_VLEN)
                vstore(d + j, k);
            break;
        }
        case SQ_OP_COPY:
            memmove(d, a, m * sizeof *d);
            break;
        case SQ_OP_NEG:
            EACH(-A)
            break;
        case SQ_OP_ADD:
            EACH(A + vload(b + j))
            break;
        case SQ_OP_SUB:
            EACH(A - vload(b + j))
            break;
        case SQ_OP_MUL:
            EACH(A * vload(b + j))
            break;
        case SQ_OP_DIV:
            EACH(A / vload(b + j))
            break;
        case SQ_OP_LT:
            EACH(vlt(A, vload(b + j)))
            break;
        case SQ_OP_LE:
            EACH(vle(A, vload(b + j)))
            break;
        case SQ_OP_GT:
            EACH(vlt(vload(b + j), A))
            break;
        case SQ_OP_GE:
            EACH(vle(vload(b + j), A))
            break;
        case SQ_OP_EQ:
            EACH(veq(A, vload(b + j)))
            break;
        case SQ_OP_NE:
            EACH(vne(A, vload(b + j)))
            break;
        case SQ_OP_WHERE:
            EACH(vwhere(A, vload(b + j), vload(c + j)))
            break;
        case SQ_OP_SQRT:
            EACH(vsqrt(A))
            break;
        case SQ_OP_ABS:
            EACH(vabs(A))
            break;
        case SQ_OP_SIN:
            EACH(SQ_MA(sin)(A))
            break;
        case SQ_OP_COS:
            EACH(SQ_MA(cos)(A))
            break;
        case SQ_OP_TAN:
            EACH(SQ_MA(tan)(A))
            break;
        case SQ_OP_ASIN:
            EACH(SQ_MA(asin)(A))
            break;
        case SQ_OP_ACOS:
            EACH(SQ_MA(acos)(A))
            break;
        case SQ_OP_ATAN:
            EACH(SQ_MA(atan)(A))
            break;
        case SQ_OP_SINH:
            EACH(SQ_MA(sinh)(A))
            break;
        case SQ_OP_COSH:
            EACH(SQ_MA(cosh)(A))
            break;
        case SQ_OP_TANH:
            EACH(SQ_MA(tanh)(A))
            break;
        case SQ_OP_ASINH:
            EACH(SQ_MB(asinh)(A))
            break;
        case SQ_OP_ACOSH:
            EACH(SQ_MB(acosh)(A))
            break;
        case SQ_OP_ATANH:
            EACH(SQ_MB(atanh)(A))
            break;
        case SQ_OP_EXP:
            EACH(SQ_MB(exp)(A))
            break;
        case SQ_OP_EXP2:
            EACH(SQ_MA(exp2)(A))
            break;
        case SQ_OP_EXPM1:
            EACH(SQ_MB(expm1)(A))
            break;
        case SQ_OP_LOG:
            EACH(SQ_MA(log)(A))
            break;
        case SQ_OP_LOG2:
            EACH(SQ_MA(log2)(A))
            break;
        case SQ_OP_LOG10:
            EACH(SQ_MB(log10)(A))
            break;
        case SQ_OP_LOG1P:
            EACH(SQ_MB(log1p)(A))
            break;
        case SQ_OP_CBRT:
            EACH(SQ_MA(cbrt)(A))
            break;
        case SQ_OP_ERF:
            EACH(SQ_MB(erf)(A))
            break;
        case SQ_OP_ERFC:
            EACH(SQ_M_ERFC(A))
            break;
        case SQ_OP_TGAMMA:
            EACH(SQ_MG(tgamma)(A))
            break;
        case SQ_OP_LGAMMA:
            EACH(SQ_MG(lgamma)(A))
            break;
        case SQ_OP_FLOOR:
            EACH(SQ_MX(floor)(A))
            break;
        case SQ_OP_CEIL:
            EACH(SQ_MX(ceil)(A))
            break;
        case SQ_OP_ATAN2:
            EACH(SQ_MA2(atan2)(A, vload(b + j)))
            break;
        case SQ_OP_POW:
            EACH(SQ_MB2(pow)(A, vload(b + j)))
            break;
        case SQ_OP_HYPOT:
            EACH(SQ_M_HYPOT(A, vload(b + j)))
            break;
        case SQ_OP_MIN:
            EACH(SQ_MX(fmin)(A, vload(b + j)))
            break;
        case SQ_OP_MAX:
            EACH(SQ_MX(fmax)(A, vload(b + j)))
            break;
        default:
            break;
        }
    }
}

sq_vm_fn SQ_MATH_SYM(sq_vm_run);

void SQ_MATH_SYM(sq_vm_run)(const sq_vm *prog, size_t rows, size_t ld,
                           const double *restrict x, const double *const *p,
                           double *restrict y)
{
    _Alignas(64) double regs[SQ_VM_REGS][SQ_VM_CHUNK];
    double *slot[SQ_VM_SLOTS];
    for (int r = 0; r < SQ_VM_REGS; r++)
        slot[r] = regs[r];
    for (int k = 0; k < 16; k++)
        slot[SQ_VM_P0 + k] = regs[0];      /* unused parameters */
    const sq_vm_instr *body = prog->code + prog->nprologue;
    size_t nout = prog->nout > 0 ? prog->nout : 1;
    for (size_t j0 = 0; j0 < ld; j0 += SQ_VM_CHUNK) {
        size_t m = ld - j0 < SQ_VM_CHUNK ? ld - j0 : SQ_VM_CHUNK;
        for (size_t k = 0; k < prog->nparams; k++)
            slot[SQ_VM_P0 + k] = (double *)(uintptr_t)(p[k] + j0);
        run(prog->code, prog->nprologue, slot, m);
        for (size_t r = 0; r < rows; r++) {
            slot[SQ_VM_X] = (double *)(uintptr_t)(x + r * ld + j0);
            for (size_t k = 0; k < nout; k++)
                slot[SQ_VM_OUT + k] = y + k * rows * ld + r * ld + j0;
            run(body, prog->nbody, slot, m);
#if defined(SQ_MATH_DET)
            for (size_t k = 0; k < nout; k++) {
                double *out = y + k * rows * ld + r * ld + j0;
                for (size_t j = 0; j < m; j += SQ_VLEN)
                    vstore_out(out + j, vload(out + j));
            }
#endif
        }
    }
}
