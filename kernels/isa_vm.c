/* SPDX-License-Identifier: MIT */
/*
 * The expression machine, compiled once per ISA: runs a compiled expression
 * (sq_vm, built by src/expr.c) over a tile of nodes. Each instruction is
 * one loop over a chunk of up to SQ_VM_CHUNK doubles held in a register
 * array on the stack (16 KiB), so dispatch costs one switch per chunk and
 * instruction, and the values never leave L1. The prologue (what does not
 * depend on x) runs once per chunk of intervals; the body once per row.
 */
#include <string.h>

#include "kernels.h"
#include "vec.h"

typedef vdouble (*unary_fn)(vdouble);
typedef vdouble (*binary_fn)(vdouble, vdouble);

static vdouble f_sqrt(vdouble v) { return vsqrt(v); }
static vdouble f_abs(vdouble v) { return vabs(v); }

/* Indexed by op - SQ_OP_UNARY_FIRST, in the order of enum sq_vm_op. */
static const unary_fn unary[SQ_OP_UNARY_LAST - SQ_OP_UNARY_FIRST + 1] = {
    SQ_SLEEF_U10(sin), SQ_SLEEF_U10(cos), SQ_SLEEF_U10(tan),
    SQ_SLEEF_U10(asin), SQ_SLEEF_U10(acos), SQ_SLEEF_U10(atan),
    SQ_SLEEF_U10(sinh), SQ_SLEEF_U10(cosh), SQ_SLEEF_U10(tanh),
    SQ_SLEEF_U10(asinh), SQ_SLEEF_U10(acosh), SQ_SLEEF_U10(atanh),
    SQ_SLEEF_U10(exp), SQ_SLEEF_U10(exp2), SQ_SLEEF_U10(expm1),
    SQ_SLEEF_U10(log), SQ_SLEEF_U10(log2), SQ_SLEEF_U10(log10),
    SQ_SLEEF_U10(log1p), f_sqrt, SQ_SLEEF_U10(cbrt), f_abs,
    SQ_SLEEF_U10(erf), SQ_SLEEF_U15(erfc), SQ_SLEEF_U10(tgamma),
    SQ_SLEEF_U10(lgamma), SQ_SLEEF_EXACT(floor), SQ_SLEEF_EXACT(ceil),
};

static const binary_fn binary[SQ_OP_BINARY_LAST - SQ_OP_BINARY_FIRST + 1] = {
    SQ_SLEEF_U10(atan2), SQ_SLEEF_U10(pow), SQ_SLEEF_U05(hypot),
    SQ_SLEEF_EXACT(fmin), SQ_SLEEF_EXACT(fmax),
};

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
        default:
            if (op >= SQ_OP_UNARY_FIRST && op <= SQ_OP_UNARY_LAST) {
                unary_fn f = unary[op - SQ_OP_UNARY_FIRST];
                EACH(f(A))
            } else {
                binary_fn f = binary[op - SQ_OP_BINARY_FIRST];
                EACH(f(A, vload(b + j)))
            }
            break;
        }
    }
}

sq_vm_fn SQ_ISA_SYM(sq_vm_run);

void SQ_ISA_SYM(sq_vm_run)(const sq_vm *prog, size_t rows, size_t ld,
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
    for (size_t j0 = 0; j0 < ld; j0 += SQ_VM_CHUNK) {
        size_t m = ld - j0 < SQ_VM_CHUNK ? ld - j0 : SQ_VM_CHUNK;
        for (size_t k = 0; k < prog->nparams; k++)
            slot[SQ_VM_P0 + k] = (double *)(uintptr_t)(p[k] + j0);
        run(prog->code, prog->nprologue, slot, m);
        for (size_t r = 0; r < rows; r++) {
            slot[SQ_VM_X] = (double *)(uintptr_t)(x + r * ld + j0);
            slot[SQ_VM_OUT] = y + r * ld + j0;
            run(body, prog->nbody, slot, m);
        }
    }
}
