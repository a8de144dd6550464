/* SPDX-License-Identifier: MIT */
/*
 * The contract of a call in one place: the options' defaults, the one check
 * of the options every entry point makes (sq_options_check), and the check
 * of the integrand. What a single integral or a batch adds (its limits, its
 * rows) is checked where they are read, in src/integrate.c and src/batch.c;
 * the tolerance a problem must meet is sq_tolerance (internal.h).
 */
#include <string.h>

#include "internal.h"

void sq_options_init(sq_options *opt)
{
    if (opt == NULL)
        return;
    memset(opt, 0, sizeof *opt);
    opt->epsabs = 0.0;
    opt->epsrel = 1e-10;
    opt->rule = SQ_RULE_DEFAULT;
    opt->control = SQ_CONTROL_DEFAULT;
    opt->errest = SQ_ERREST_DEFAULT;
    opt->extrapolate = 1;
    opt->points = NULL;
    opt->npoints = 0;
    opt->max_evals = SQ_DEFAULT_MAX_EVALS;
    opt->max_intervals = SQ_DEFAULT_MAX_INTERVALS;
    opt->threads = 0;
    opt->isa = SQ_ISA_AUTO;
    opt->speculate = 1;
    opt->family_points = 1;
    opt->gather = 0;
    opt->norm = SQ_NORM_COMPONENTS;
}

/* The options alone; a batch whose rows carry their own tolerances may
 * leave both of the options' zero (tolerances: 0). */
const char *sq_check_options(const sq_options *o, int tolerances)
{
    if (!sq_tolerance_valid(o->epsabs))
        return "epsabs: must be finite and >= 0";
    if (!sq_tolerance_valid(o->epsrel))
        return "epsrel: must be finite and >= 0";
    if (tolerances && o->epsabs == 0 && o->epsrel == 0)
        return "epsabs, epsrel: both zero";
    if (o->max_evals == 0)
        return "max_evals: must be > 0";
    if (o->max_intervals == 0)
        return "max_intervals: must be > 0";
    if (o->threads < 0)
        return "threads: must be >= 0";
    if (o->workers < 0 || o->workers > 100000)
        return "workers: must be from 0 to 100000";
    if ((unsigned)o->rule > SQ_RULE_GK21)
        return "rule: unknown";
    if ((unsigned)o->control > SQ_CONTROL_GLOBAL)
        return "control: unknown";
    if ((unsigned)o->errest > SQ_ERREST_RAW)
        return "errest: unknown";
    if ((unsigned)o->norm >= SQ_NORM_COUNT)
        return "norm: unknown";
    if (o->rule == SQ_RULE_SIMPSON && o->control == SQ_CONTROL_GLOBAL)
        return "control: Simpson's rule runs with local control only";
    if (o->npoints > 0 && o->points == NULL)
        return "points: NULL with npoints > 0";
    const sq_isa_ops *ops;
    sq_math m;
    switch (sq_dispatch(o->isa, o->math, &ops, &m)) {
    case SQ_DISPATCH_OK:
        break;
    case SQ_DISPATCH_ISA_UNKNOWN:
        return "isa: unknown";
    case SQ_DISPATCH_ISA_UNSUPPORTED:
        return "isa: not supported by this CPU";
    case SQ_DISPATCH_MATH_UNKNOWN:
        return "math: unknown";
    case SQ_DISPATCH_MATH_NO_FMA:
        return "math: deterministic needs an ISA with FMA (scalar, avx2, "
               "avx512) on a CPU that has it";
    case SQ_DISPATCH_ENV_ISA:
        return "SIMDQUAD_ISA: not an ISA (scalar, sse2, avx2, avx512)";
    case SQ_DISPATCH_ENV_MATH:
        return "SIMDQUAD_MATH: not a backend (sleef-u10, sleef-u35, libmvec, "
               "deterministic)";
    case SQ_DISPATCH_MATH_MISSING:
        return "math: libmvec is not built into this library (it needs "
               "glibc 2.35 or later)";
    default:
        return "math: this backend is not built for the ISA";
    }
    return NULL;
}

const char *sq_options_check(const sq_options *opt)
{
    return opt != NULL ? sq_check_options(opt, 1) : NULL;
}

const char *sq_check_common(const sq_integrand *f, const sq_options *o)
{
    if (f == NULL || f->kind == SQ_INTEGRAND_INVALID)
        return "integrand: NULL or invalid (unknown kernel or family name?)";
    switch (f->kind) {
    case SQ_INTEGRAND_KERNEL:
        if (f->kernel < 0 || f->kernel >= SQK_COUNT)
            return "integrand: kernel index out of range";
        break;
    case SQ_INTEGRAND_BATCH:
        if (f->batch == NULL)
            return "integrand: NULL callback";
        break;
    case SQ_INTEGRAND_FAMILY:
        if (f->family < 0 || f->family >= SQF_COUNT)
            return "integrand: family index out of range";
        break;
    case SQ_INTEGRAND_PARAM:
        if (f->param == NULL)
            return "integrand: NULL callback";
        break;
    case SQ_INTEGRAND_EXPR:
        if (f->expr == NULL)
            return "integrand: NULL expression";
        if (sq_expr_noutputs(f->expr) != 1)
            return "integrand: the expression has several outputs (integrate "
                   "it with sq_integrate_vec)";
        break;
    case SQ_INTEGRAND_POINT:
        if (f->point == NULL)
            return "integrand: NULL callback";
        break;
    default:
        return "integrand: unknown kind";
    }
    return sq_check_options(o, 0);
}
