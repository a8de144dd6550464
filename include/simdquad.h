/* SPDX-License-Identifier: MIT */
/*
 * simdquad: adaptive numerical integration at the speed of the hardware.
 *
 * This header is the whole public API. Every symbol and macro carries the
 * sq_ / SQ_ prefix.
 *
 * The engine keeps a breadth-first frontier of active intervals. Each round
 * gathers the nodes of all of them into one array, evaluates that array with
 * SIMD kernels split across cores, estimates every interval, retires the
 * converged ones and splits the rest. A result never depends on the number of
 * threads, on the instruction set in use (except through the integrand's own
 * rounding) or on the other problems of a batch.
 *
 * @code
 *   #include <simdquad.h>
 *
 *   static int f(size_t n, const double *x, double *y, void *ctx)
 *   {
 *       (void)ctx;
 *       for (size_t i = 0; i < n; i++)
 *           y[i] = x[i] * x[i];
 *       return 0;
 *   }
 *
 *   sq_integrand g = sq_fn_batch(f, NULL);
 *   sq_result r;
 *   if (sq_integrate(&g, 0.0, 1.0, NULL, &r) == SQ_OK)
 *       printf("%.17g +- %.3g\n", r.value, r.error);   // 1/3
 * @endcode
 */
#ifndef SIMDQUAD_H
#define SIMDQUAD_H

#include <stddef.h>
#include <stdint.h>

#if defined(SQ_BUILDING_LIBRARY) && defined(__GNUC__)
#define SQ_API __attribute__((visibility("default")))
#else
#define SQ_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

#define SQ_VERSION_MAJOR 0
#define SQ_VERSION_MINOR 1
#define SQ_VERSION_PATCH 0

/** The library's version as "MAJOR.MINOR.PATCH". */
SQ_API const char *sq_version(void);

/* ------------------------------------------------------------------------ */
/* Status                                                                   */
/* ------------------------------------------------------------------------ */

/**
 * Outcome of one integral. Only SQ_OK is success. Except for SQ_BAD_INPUT,
 * the best estimate, its error estimate and the counts are always filled in.
 */
typedef enum sq_status {
    SQ_OK = 0,            /**< the requested tolerance was met */
    SQ_MAX_EVALS,         /**< the evaluation budget was spent */
    SQ_MAX_INTERVALS,     /**< the interval budget was spent */
    SQ_ROUNDOFF,          /**< tolerance below what double precision reaches */
    SQ_INACCURATE,        /**< local control accepted every piece, but the
                               honest error estimate of the sum exceeds the
                               tolerance (Simpson's classic acceptance test
                               trusts two estimates that agree by chance) */
    SQ_NONFINITE,         /**< the integrand gave NaN or Inf (see .where),
                               or finite values whose sums overflowed (where
                               is then NaN or the interval's centre) */
    SQ_DIVERGENT,         /**< the integral is probably divergent */
    SQ_BAD_INPUT,         /**< an argument is invalid (see .detail) */
    SQ_NOMEM,             /**< memory could not be allocated */
    SQ_CALLBACK_ABORT,    /**< the integrand callback returned nonzero */
    SQ_CANCELLED,         /**< the progress callback asked to stop */
    SQ_UNSEEN,            /**< nothing was seen: the integrand was 0 at
                               every point evaluated, or so small there
                               (below the tolerance in all) and so far from
                               resolved that it looks like the tail of a
                               peak between the points. The estimate is
                               given with an infinite error: zero samples
                               are no proof of a zero integral (a Gaussian
                               far out on an infinite range). An expression
                               that does not use x is exempt: its zeros are
                               proof */
    SQ_STATUS_COUNT
} sq_status;

/** A sentence describing a status, e.g. "the evaluation budget was spent". */
SQ_API const char *sq_strerror(sq_status status);

/** The lower-case name of a status, e.g. "ok", "max_evals", "nonfinite". */
SQ_API const char *sq_status_name(sq_status status);

/** The more serious of two statuses, as batches rank them for their return
 *  value: bad_input > nomem > callback_abort > cancelled > nonfinite >
 *  divergent > max_evals > max_intervals > roundoff, inaccurate, unseen >
 *  ok. An unknown value counts as ok. */
SQ_API sq_status sq_status_worse(sq_status a, sq_status b);

/* ------------------------------------------------------------------------ */
/* Instruction sets                                                         */
/* ------------------------------------------------------------------------ */

/**
 * Instruction set used by the kernels. SQ_ISA_AUTO picks the newest one this
 * CPU and operating system support; the environment variable SIMDQUAD_ISA
 * (scalar, sse2, avx2, avx512) overrides the automatic choice process-wide
 * (when the CPU runs it). Any other value makes every call with SQ_ISA_AUTO
 * SQ_BAD_INPUT, its detail naming the variable and the accepted names.
 */
typedef enum sq_isa {
    SQ_ISA_AUTO = 0,
    SQ_ISA_SCALAR,
    SQ_ISA_SSE2,
    SQ_ISA_AVX2,
    SQ_ISA_AVX512,
    SQ_ISA_COUNT
} sq_isa;

/** Lower-case name of an ISA ("scalar", "sse2", "avx2", "avx512", "auto"). */
SQ_API const char *sq_isa_name(sq_isa isa);

/** Parse an ISA name; returns SQ_ISA_COUNT if the name is unknown. */
SQ_API sq_isa sq_isa_from_name(const char *name);

/** Nonzero if this CPU and OS can run kernels compiled for `isa`. */
SQ_API int sq_isa_supported(sq_isa isa);

/**
 * The ISA a call with options.isa == `requested` runs on: SQ_ISA_AUTO
 * resolves to SIMDQUAD_ISA or to the best supported ISA; an unsupported
 * explicit request resolves to SQ_ISA_COUNT (the call then fails with
 * SQ_BAD_INPUT).
 */
SQ_API sq_isa sq_isa_resolve(sq_isa requested);

/* ------------------------------------------------------------------------ */
/* Vector math backends                                                     */
/* ------------------------------------------------------------------------ */

/**
 * The library of elementary functions (sin, exp, log, pow, ...) behind the
 * built-in kernels, the families and expressions. SQ_MATH_AUTO is the
 * environment variable SIMDQUAD_MATH (a name below) if it names a backend
 * (any other value makes every call with SQ_MATH_AUTO SQ_BAD_INPUT, its
 * detail naming the variable and the accepted names), else the fastest that keeps every function within a few ulps:
 * SQ_MATH_LIBMVEC where it is built in, SQ_MATH_SLEEF_U35 elsewhere (at
 * AVX-512, libmvec runs sin, cos, exp and log 1.4 to 3.3 times as fast as
 * SLEEF's 1.0-ulp functions; `simdquad-bench math` measures it). Worst
 * errors in ulps (units in the last place), as documented by each library
 * and measured by the tests against MPFR:
 *
 *  - SQ_MATH_SLEEF_U10 ("sleef-u10"): SLEEF's 1.0-ulp functions (erfc 1.5,
 *    hypot 0.5; floor, ceil, fmin, fmax exact). The most accurate.
 *  - SQ_MATH_SLEEF_U35 ("sleef-u35"): SLEEF's 3.5-ulp functions where SLEEF
 *    has them (sin cos tan asin acos atan atan2 sinh cosh tanh exp2 log
 *    log2 cbrt hypot), the 1.0-ulp ones elsewhere. Faster for sin, cos, log.
 *  - SQ_MATH_LIBMVEC ("libmvec"): glibc's vector functions, called through
 *    the x86-64 vector function ABI (4 ulp; tgamma and lgamma, which it
 *    lacks, are SLEEF's 1.0-ulp ones). The fastest for exp and often sin.
 *    At the scalar ISA, glibc's scalar libm stands in for it. Available
 *    when the library was built against glibc 2.35 or later.
 *  - SQ_MATH_DETERMINISTIC ("deterministic"): SLEEF's finz_ functions,
 *    1.0 ulp and the same bits at the scalar, AVX2 and AVX-512 ISAs (the
 *    rules are ISA-independent already), so every result is too. Needs a
 *    CPU with FMA; not available at SSE2.
 *
 * sqrt and fabs are the hardware's (exact) in every backend. Limits the
 * tests measure against MPFR: SLEEF's sinh and cosh return +-inf beyond
 * |x| = 709 (the exact value overflows only at 710.48), asinh and acosh
 * beyond 1.34e154, log1p beyond 1e307, exp beyond 709.7827111 (exactly at
 * 709.7827129); glibc reduces huge arguments of sin, cos and tan
 * (|x| > 2^30) to too few bits for results next to a multiple of pi/2:
 * 7.95 ulp for cos and 14.4 for tan at 6381956970095103 * 2^797.
 */
typedef enum sq_math {
    SQ_MATH_AUTO = 0,
    SQ_MATH_SLEEF_U10,
    SQ_MATH_SLEEF_U35,
    SQ_MATH_LIBMVEC,
    SQ_MATH_DETERMINISTIC,
    SQ_MATH_COUNT
} sq_math;

/** Name of a backend ("sleef-u10", "sleef-u35", "libmvec", "deterministic",
 *  "auto"). */
SQ_API const char *sq_math_name(sq_math math);

/** Parse a backend name; returns SQ_MATH_COUNT if the name is unknown. */
SQ_API sq_math sq_math_from_name(const char *name);

/** The backend SQ_MATH_AUTO stands for in this process (SIMDQUAD_MATH or
 *  SQ_MATH_SLEEF_U10); any other value is returned unchanged. */
SQ_API sq_math sq_math_resolve(sq_math requested);

/** Nonzero if the backend (SQ_MATH_AUTO allowed) runs at the ISA
 *  (SQ_ISA_AUTO allowed) on this CPU and build. */
SQ_API int sq_math_supported(sq_math math, sq_isa isa);

/** The documented worst error, in ulps, of the backend's sin, cos, exp and
 *  log (the other functions are listed above); 0 for an unknown value. */
SQ_API double sq_math_ulp_bound(sq_math math);

/* ------------------------------------------------------------------------ */
/* Integrands                                                               */
/* ------------------------------------------------------------------------ */

/**
 * A batch integrand: fill y[i] = f(x[i]) for i < n and return 0, or return
 * nonzero to stop the integral with SQ_CALLBACK_ABORT.
 *
 * x and y are contiguous arrays of n doubles that do not overlap. The engine
 * calls it with large chunks (thousands of points for wide frontiers) and,
 * when threads are in use, from several threads at once: it must not modify
 * shared state without its own synchronisation, and its value at a point must
 * not depend on the other points of the call.
 */
typedef int (*sq_batch_fn)(size_t n, const double *x, double *y, void *ctx);

/**
 * A parametric batch integrand, for batches of problems (sq_integrate_batch):
 * fill y[i] = f(x[i]) for the problem pid[i] and return 0, or return nonzero
 * to stop the problems of this call with SQ_CALLBACK_ABORT.
 *
 * pid[i] is the index in the batch of the problem point x[i] belongs to (0
 * in sq_integrate). A call mixes points of many problems, grouped: the
 * points of one interval are spread at a fixed stride, so consecutive
 * points usually belong to different problems and a loop over i can load
 * each point's parameters from the caller's own arrays by pid[i] and
 * vectorize across problems. The rules of sq_batch_fn apply: concurrent
 * calls, no dependence on the other points of the call.
 */
typedef int (*sq_param_fn)(size_t n, const double *x, const size_t *pid,
                           double *y, void *ctx);

/**
 * An expensive integrand, one point at a time: set *y = f(x) and return 0,
 * or return nonzero to stop the integrals that need x with
 * SQ_CALLBACK_ABORT.
 *
 * For integrands that cost milliseconds to seconds per point (a simulation,
 * a solver, a remote call). options.workers threads call it concurrently,
 * possibly many more than there are cores: it must be safe to call from
 * several threads at once and must be pure (the same y for the same x, no
 * effect the integral depends on), since a point may be evaluated
 * speculatively before the algorithm knows it needs it. No point is ever
 * evaluated twice within a call.
 */
typedef int (*sq_point_fn)(double x, double *y, void *ctx);

/** Which kind of integrand an sq_integrand holds. */
typedef enum sq_integrand_kind {
    SQ_INTEGRAND_INVALID = 0, /**< e.g. an unknown kernel name */
    SQ_INTEGRAND_KERNEL,      /**< a built-in SIMD kernel */
    SQ_INTEGRAND_BATCH,       /**< a user batch callback */
    SQ_INTEGRAND_FAMILY,      /**< a built-in parametric family */
    SQ_INTEGRAND_PARAM,       /**< a user parametric callback */
    SQ_INTEGRAND_EXPR,        /**< a compiled expression */
    SQ_INTEGRAND_POINT        /**< an expensive scalar callback (workers) */
} sq_integrand_kind;

/** A compiled expression (see sq_expr_compile()); immutable and shareable
 *  between threads. */
typedef struct sq_expr sq_expr;

/**
 * An integrand. Build it with sq_fn_kernel(), sq_fn_batch(), sq_fn_family()
 * or sq_fn_param(); it is a small value type that may be copied freely.
 */
typedef struct sq_integrand {
    sq_integrand_kind kind;
    int kernel;            /**< kernel index for SQ_INTEGRAND_KERNEL */
    sq_batch_fn batch;     /**< callback for SQ_INTEGRAND_BATCH */
    void *ctx;             /**< passed to the callback unchanged */
    int family;            /**< family index for SQ_INTEGRAND_FAMILY */
    sq_param_fn param;     /**< callback for SQ_INTEGRAND_PARAM */
    /** A family's or an expression's parameters when they are not given
     *  per problem (always in sq_integrate); the array must outlive the
     *  calls. */
    const double *params;
    const sq_expr *expr;   /**< for SQ_INTEGRAND_EXPR */
    sq_point_fn point;     /**< for SQ_INTEGRAND_POINT */
} sq_integrand;

/**
 * A built-in kernel by name (see sq_kernel_count() and sq_kernel_name()).
 * Returns an integrand of kind SQ_INTEGRAND_INVALID if the name is unknown.
 */
SQ_API sq_integrand sq_fn_kernel(const char *name);

/** A user batch callback. */
SQ_API sq_integrand sq_fn_batch(sq_batch_fn f, void *ctx);

/**
 * A built-in parametric family by name (see sq_family_count()): the Genz
 * test families "genz_oscillatory", "genz_product_peak", "genz_corner_peak",
 * "genz_gaussian", "genz_continuous", "genz_discontinuous", and the line
 * profiles "gauss_line", "lorentz_line" and the Planck integrand "planck".
 * `params` (sq_family_nparams() values, or NULL) are the parameters for
 * sq_integrate and for batches without parameter rows. Unknown names give
 * an integrand of kind SQ_INTEGRAND_INVALID.
 */
SQ_API sq_integrand sq_fn_family(const char *name, const double *params);

/** An expensive scalar callback (see sq_point_fn), evaluated by
 *  options.workers threads with a cache and speculation. */
SQ_API sq_integrand sq_fn_point(sq_point_fn f, void *ctx);

/** A user parametric callback (see sq_param_fn). */
SQ_API sq_integrand sq_fn_param(sq_param_fn f, void *ctx);

/** Number of built-in families. */
SQ_API size_t sq_family_count(void);

/** Name of family i, or NULL if i is out of range. */
SQ_API const char *sq_family_name(size_t i);

/** Formula of family i in terms of x and its parameters p0, p1, e.g.
 *  "exp(-p0^2*(x-p1)^2)". */
SQ_API const char *sq_family_formula(size_t i);

/** Number of parameters of family i (0 if i is out of range). */
SQ_API size_t sq_family_nparams(size_t i);

/**
 * Index of the parameter of family i that locates a kink or a jump (the
 * Genz continuous and discontinuous families: p1), or -1. The engine splits
 * each problem there first, as at a breakpoint.
 */
SQ_API int sq_family_breakpoint(size_t i);

/** Index of a family by name, or -1 if there is none. */
SQ_API int sq_family_find(const char *name);

/**
 * Evaluate family i at n points with the given ISA (SQ_ISA_AUTO allowed):
 * y[k] = f(x[k]; p + k * pstride), so pstride 0 shares one parameter row
 * and pstride >= nparams gives each point its own. Returns SQ_OK, or
 * SQ_BAD_INPUT for an unknown family, an unsupported ISA, NULL arrays or a
 * nonzero pstride below the parameter count, or SQ_NOMEM.
 */
SQ_API sq_status sq_family_eval(int family, sq_isa isa, size_t n,
                                const double *x, const double *p,
                                size_t pstride, double *y);

/** sq_family_eval with the given math backend (SQ_MATH_AUTO allowed). */
SQ_API sq_status sq_family_eval_math(int family, sq_isa isa, sq_math math,
                                     size_t n, const double *x,
                                     const double *p, size_t pstride,
                                     double *y);

/** The family's scalar twin, written with libm: f(x; p). */
SQ_API double sq_family_twin(int family, double x, const double *p);

/* ------------------------------------------------------------------------ */
/* Expressions                                                              */
/* ------------------------------------------------------------------------ */

/**
 * Where and why an expression did not compile: the byte offset of the
 * offending character and a message ("unknown name 'foo'").
 */
typedef struct sq_expr_error {
    size_t position;
    char message[96];
} sq_expr_error;

/**
 * Compile an integrand written as an expression in x and the parameters
 * p0 ... p15, e.g. "exp(-p0*x*x)*cos(p1*x)".
 *
 * Numbers: 1, 1.5, .5, 1e-3 (never locale-dependent). Constants: pi, e,
 * inf. Operators, loosest first: comparisons < <= > >= == != (1 or 0);
 * + -; * /; unary -; ^ (right-associative, so -x^2 is -(x^2) and 2^3^2 is
 * 2^9). Functions: sin cos tan asin acos atan atan2(y, x) sinh cosh tanh
 * asinh acosh atanh exp exp2 expm1 log log2 log10 log1p sqrt cbrt abs
 * pow(x, y) hypot(x, y) erf erfc tgamma lgamma floor ceil min(a, b)
 * max(a, b) (min and max ignore a NaN operand) and where(c, a, b): a where
 * c is nonzero (NaN counts as nonzero), else b.
 *
 * The expression is compiled once: constant subexpressions are folded,
 * equal subexpressions shared, integer powers become multiplications, and
 * what does not depend on x is computed once per group of intervals. It
 * runs on SLEEF's vector functions at the dispatched ISA (accuracy 1 ulp,
 * erfc 1.5), with a libm scalar twin.
 *
 * Several expressions separated by semicolons, "f1; f2; f3", make one
 * expression of several outputs (at most 128; see sq_expr_noutputs(),
 * sq_vfn_expr() and sq_expr_eval_outputs()), compiled together so that
 * their common subexpressions are computed once.
 *
 * Returns NULL and fills *err (if not NULL) when the text is not an
 * expression: empty (or an empty output), unknown name, unbalanced
 * parenthesis, wrong argument count, a number that overflows, nesting
 * deeper than 200, more than 65536 bytes, a NUL byte or any non-ASCII
 * byte, or more than 32 values alive at once. Free the result with
 * sq_expr_free().
 */
SQ_API sq_expr *sq_expr_compile(const char *text, sq_expr_error *err);

/** sq_expr_compile for a text of `len` bytes (a NUL byte is an error). */
SQ_API sq_expr *sq_expr_compile_n(const char *text, size_t len,
                                  sq_expr_error *err);

/** Release a compiled expression (NULL is allowed). */
SQ_API void sq_expr_free(sq_expr *e);

/** One more than the highest parameter index used (0: no parameters). */
SQ_API size_t sq_expr_nparams(const sq_expr *e);

/** Nonzero if the value depends on x (a constant expression does not). */
SQ_API int sq_expr_uses_x(const sq_expr *e);

/** Nonzero if the expression reads parameter p<k> (sq_expr_nparams() is
 *  one more than the highest index read: "p1*x" has 2, and reads p1 only). */
SQ_API int sq_expr_uses_param(const sq_expr *e, size_t k);

/** Number of outputs: 1, or K for "f1; f2; ...; fK" (see sq_vfn_expr()).
 *  A scalar integrand (sq_fn_expr) needs one output. */
SQ_API size_t sq_expr_noutputs(const sq_expr *e);

/** Number of machine instructions after folding and sharing. */
SQ_API size_t sq_expr_ops(const sq_expr *e);

/** The scalar twin: the value at x with parameters p, computed with libm
 *  (the first output). */
SQ_API double sq_expr_twin(const sq_expr *e, double x, const double *p);

/** The scalar twin of output `out` (NaN if there is no such output). */
SQ_API double sq_expr_twin_output(const sq_expr *e, size_t out, double x,
                                  const double *p);

/**
 * Evaluate at n points with the given ISA (SQ_ISA_AUTO allowed):
 * y[k] = f(x[k]; p + k * pstride), pstride 0 sharing one parameter row.
 * Returns SQ_OK, SQ_BAD_INPUT (NULL arrays, missing parameters, an
 * unsupported ISA, an expression of several outputs: see
 * sq_expr_eval_outputs) or SQ_NOMEM.
 */
SQ_API sq_status sq_expr_eval(const sq_expr *e, sq_isa isa, size_t n,
                              const double *x, const double *p,
                              size_t pstride, double *y);

/** sq_expr_eval with the given math backend (SQ_MATH_AUTO allowed). */
SQ_API sq_status sq_expr_eval_math(const sq_expr *e, sq_isa isa, sq_math math,
                                   size_t n, const double *x, const double *p,
                                   size_t pstride, double *y);

/**
 * sq_expr_eval_math for an expression of any number of outputs K
 * (sq_expr_noutputs()): y[j * n + k] is output j at point k, K n values.
 */
SQ_API sq_status sq_expr_eval_outputs(const sq_expr *e, sq_isa isa, sq_math math,
                                      size_t n, const double *x, const double *p,
                                      size_t pstride, double *y);

/**
 * Format an error for people: the message and position, the line of text
 * and a caret under the offending character, into buf (snprintf-style:
 * returns the length the full text needs).
 */
SQ_API size_t sq_expr_describe_error(const char *text, const sq_expr_error *err,
                                     char *buf, size_t size);

/**
 * An expression as an integrand. `params` (sq_expr_nparams() values, or
 * NULL) serve sq_integrate and batches without parameter rows; in a batch,
 * row i of the batch's parameters gives problem i's p0, p1, ... The
 * expression must outlive the calls.
 */
SQ_API sq_integrand sq_fn_expr(const sq_expr *e, const double *params);

/** Number of built-in kernels. */
SQ_API size_t sq_kernel_count(void);

/** Name of kernel i ("sin", "gauss", ...), or NULL if i is out of range. */
SQ_API const char *sq_kernel_name(size_t i);

/** One-line mathematical description of kernel i, e.g. "exp(-x*x)". */
SQ_API const char *sq_kernel_formula(size_t i);

/** Index of a kernel by name, or -1 if there is none. */
SQ_API int sq_kernel_find(const char *name);

/**
 * Evaluate kernel i at n points with the given ISA (SQ_ISA_AUTO allowed):
 * y[k] = f(x[k]). This is the same code the engine runs. Returns SQ_OK, or
 * SQ_BAD_INPUT for an unknown kernel, an unsupported ISA or NULL arrays, or
 * SQ_NOMEM.
 */
SQ_API sq_status sq_kernel_eval(int kernel, sq_isa isa, size_t n,
                                const double *x, double *y);

/**
 * sq_kernel_eval with the given math backend (SQ_MATH_AUTO allowed):
 * SQ_BAD_INPUT where sq_math_supported() does not hold.
 */
SQ_API sq_status sq_kernel_eval_math(int kernel, sq_isa isa, sq_math math,
                                     size_t n, const double *x, double *y);

/**
 * The kernel's scalar twin: the same function written with the C library's
 * scalar libm. It is the reference the SIMD kernels are tested against.
 */
SQ_API double sq_kernel_twin(int kernel, double x);

/** The scalar twin over an array: y[k] = twin(x[k]) for k < n. */
SQ_API sq_status sq_kernel_eval_twin(int kernel, size_t n, const double *x,
                                     double *y);

/* ------------------------------------------------------------------------ */
/* Options and results                                                      */
/* ------------------------------------------------------------------------ */

/** Quadrature rule. */
typedef enum sq_rule {
    SQ_RULE_DEFAULT = 0,   /**< Gauss-Kronrod 10/21 */
    SQ_RULE_SIMPSON,       /**< adaptive Simpson with Richardson correction */
    SQ_RULE_GK15,          /**< Gauss-Kronrod 7/15 */
    SQ_RULE_GK21           /**< Gauss-Kronrod 10/21 */
} sq_rule;

/** How the tolerance is distributed over the intervals. */
typedef enum sq_control {
    SQ_CONTROL_DEFAULT = 0, /**< global for Gauss-Kronrod, local for Simpson */
    SQ_CONTROL_LOCAL,       /**< each half gets half its parent's tolerance */
    SQ_CONTROL_GLOBAL       /**< stop when the sum of all errors meets it */
} sq_control;

/** Error estimate of a Gauss-Kronrod interval. */
typedef enum sq_errest {
    /** QUADPACK's, checked by null rules: where the six highest Legendre
     *  coefficients of the rule's interpolant do not decay (a singularity
     *  or a jump between the nodes, which |K - G| alone can miss by
     *  chance), at least 10 times the largest of them. Costs nothing where
     *  f is smooth; see the README's error-honesty table. */
    SQ_ERREST_DEFAULT = 0,
    SQ_ERREST_QUADPACK,    /**< 200 |K-G| / resasc raised to 1.5, times resasc,
                                never below 50 eps resabs (as qags) */
    SQ_ERREST_RAW          /**< the plain difference |K - G| */
} sq_errest;

/** Default per-integral evaluation budget. */
#define SQ_DEFAULT_MAX_EVALS ((size_t)50000000)
/**
 * Default per-integral budget of live intervals. At its widest round the
 * Gauss-Kronrod engine holds about 1 KB per live interval (the round's
 * intervals, their children and the decisions' scratch), so the default
 * keeps a hopeless integral (sin(x)/x on [0, inf)) near 250 MB; raise it
 * for long oscillatory ranges.
 */
#define SQ_DEFAULT_MAX_INTERVALS ((size_t)250000)

/**
 * How the errors of a vector integrand's K components are judged
 * (sq_options.norm). I_k is component k's value, E_k its error estimate.
 */
typedef enum sq_norm {
    /** Every component within its own tolerance: E_k <= max(epsabs,
     *  epsrel |I_k|) for every k. A component whose integral is zero needs
     *  epsabs. */
    SQ_NORM_COMPONENTS = 0,
    /** The largest error against the largest value: max E_k <=
     *  max(epsabs, epsrel max |I_k|) (cubature's ERROR_LINF). */
    SQ_NORM_MAX,
    /** Euclidean: |E|_2 <= max(epsabs, epsrel |I|_2) (cubature's
     *  ERROR_L2). */
    SQ_NORM_L2,
    SQ_NORM_COUNT
} sq_norm;

/** What a round did, for sq_options.trace. */
typedef struct sq_round_info {
    uint32_t round;          /**< 1, 2, ... (per group of a batch) */
    size_t intervals;        /**< intervals (Simpson: halves) evaluated in it */
    size_t evals;            /**< integrand evaluations in it */
    size_t active;           /**< problems still running after it */
} sq_round_info;

/**
 * Options of an integration. Initialise with sq_options_init() and change
 * the fields you need; passing NULL instead of options means the defaults.
 */
typedef struct sq_options {
    /** Absolute tolerance (default 0). Must be finite and >= 0. */
    double epsabs;
    /**
     * Relative tolerance (default 1e-10). Must be finite and >= 0, and not
     * both epsabs and epsrel zero. A tolerance below what double precision
     * can deliver ends quickly with SQ_ROUNDOFF and the best estimate.
     */
    double epsrel;
    sq_rule rule;         /**< default: Gauss-Kronrod 10/21 */
    sq_control control;   /**< default: global (local for Simpson) */
    sq_errest errest;     /**< default: SQ_ERREST_DEFAULT (null rules) */
    /**
     * Wynn epsilon extrapolation of the sequence of estimates near a
     * singularity, as QUADPACK's qags does (global control only; default 1).
     */
    int extrapolate;
    /**
     * Interior points where the integrand is not smooth (a kink, a jump, an
     * integrable singularity), in any order; npoints of them. The range is
     * split there first. Gauss-Kronrod rules never evaluate them (they never
     * evaluate the ends of an interval); Simpson's rule, which evaluates the
     * ends of every piece, does. Each must lie in [a, b] and be finite;
     * points equal to a limit, and repeated points, are ignored.
     */
    const double *points;
    size_t npoints;
    /**
     * Evaluation budget per integral (default SQ_DEFAULT_MAX_EVALS, must be
     * > 0). The first application of the rule is always made; the budget is
     * checked between rounds, so the count may exceed it by one round.
     */
    size_t max_evals;
    /** Budget of live intervals per integral (default SQ_DEFAULT_MAX_INTERVALS). */
    size_t max_intervals;
    /**
     * Threads (default 0: OpenMP's default, usually the number of cores),
     * at most four per processor (more only cost memory and start-ups).
     * Rounds too small to pay for a thread team run on the calling thread,
     * and so do the loops after one that a helper held up (its core busy
     * with another process), for a time that grows while that recurs; the
     * record is kept in the workspace. Results are bitwise identical for
     * every thread count.
     */
    int threads;
    /** Instruction set of the kernels (default SQ_ISA_AUTO). */
    sq_isa isa;
    /**
     * Progress of a batch (default NULL): called with the fraction of
     * problems finished, always from the calling thread, at the start, about
     * every 10 ms and at the end. Returning nonzero cancels: the problems
     * not yet finished come back SQ_CANCELLED with their best estimates.
     * Single integrals call it too (fraction 0, then 1).
     */
    int (*progress)(double fraction, void *ctx);
    void *progress_ctx;  /**< passed to progress unchanged */
    /**
     * Elementary functions of built-in kernels, families and expressions
     * (default SQ_MATH_AUTO: SIMDQUAD_MATH, else libmvec where it is built
     * in, SLEEF's 3.5-ulp functions elsewhere); see
     * sq_math. SQ_MATH_DETERMINISTIC makes every result the same bits at
     * the scalar, AVX2 and AVX-512 ISAs. A backend the ISA cannot run is
     * SQ_BAD_INPUT. Callbacks are not affected.
     */
    sq_math math;
    /**
     * Called after each round of the frontier that runs on the calling
     * thread (default NULL): the width of the frontier round by round, for
     * benchmarks and the curious. In a batch whose groups run on several
     * threads, only the calling thread's groups are reported.
     */
    void (*trace)(const sq_round_info *info, void *ctx);
    void *trace_ctx;     /**< passed to trace unchanged */
    /**
     * Expensive integrands (sq_fn_point): the number of worker threads that
     * evaluate points concurrently (default 0: the number of cores; may be
     * far more, for integrands that wait rather than compute).
     */
    int workers;
    /**
     * Expensive integrands: when fewer points are needed than workers are
     * idle, evaluate the points the next rounds may need (default 1). The
     * result is the same bits either way; unused points are reported in
     * sq_result.wasted.
     */
    int speculate;
    /**
     * Built-in families that know where they have a kink or a jump
     * (sq_family_breakpoint): split each problem there first, as if it were
     * one of `points` (default 1). 0 integrates them as any integrand, to
     * compare with a method that is not told.
     */
    int family_points;
    /**
     * User callbacks (sq_fn_batch, sq_fn_param) with Gauss-Kronrod rules:
     * 1 gives each round's nodes, for every interval of every problem of
     * the round (of a batch's group), to one call of the callback, made on
     * the thread that runs the round; 0 (the default) calls it once per
     * tile of up to 64 intervals, from several threads at once. For
     * integrands with a high cost per call, such as an interpreter's (the
     * Python package sets it). The results are the same bits either way.
     * Simpson's rule, end probes at breakpoints and the intervals of a
     * failing call are still evaluated by calls of their own.
     */
    int gather;
    /**
     * Vector integrands (sq_integrate_vec): which error measure must meet
     * the tolerance (default SQ_NORM_COMPONENTS, every component its own).
     * Ignored by scalar integrands.
     */
    sq_norm norm;
} sq_options;

/** Fill `opt` with the defaults documented above. */
SQ_API void sq_options_init(sq_options *opt);

/**
 * NULL if `opt` is valid for sq_integrate (NULL options are: the defaults),
 * else a sentence naming the first field that is not, the same sentence the
 * call would put in sq_result.detail. Every entry point runs this check; a
 * batch whose rows carry their own tolerances may leave both epsabs and
 * epsrel of the options zero.
 */
SQ_API const char *sq_options_check(const sq_options *opt);

/** The result of one integral. */
typedef struct sq_result {
    double value;        /**< best estimate of the integral */
    double error;        /**< estimate of |integral - value| */
    size_t evals;        /**< integrand evaluations */
    size_t intervals;    /**< intervals visited (each bisection visits two) */
    uint32_t rounds;     /**< frontier rounds */
    sq_status status;
    /** For SQ_NONFINITE: the abscissa of the first non-finite value (leftmost
     *  in the first round that produced one). NaN otherwise. */
    double where;
    /** Static text giving more detail (which argument for SQ_BAD_INPUT), or
     *  NULL. Never freed. */
    const char *detail;
    /** Expensive integrands: points evaluated speculatively that were never
     *  needed (the whole call's count, in every result of a batch). */
    size_t wasted;
} sq_result;

/**
 * Reusable memory for integrations. A call with a workspace keeps the
 * frontier buffers it grew for the next call, so repeated integrations
 * allocate nothing after the first (and it remembers whether its thread
 * teams paid, see sq_options.threads). A workspace may be used by one call at a
 * time: give each thread its own (and do not pass the caller's workspace to
 * an integral computed inside an integrand).
 */
typedef struct sq_workspace sq_workspace;

/** A new, empty workspace, or NULL if memory ran out. */
SQ_API sq_workspace *sq_workspace_new(void);

/** Release a workspace and everything it holds (NULL is allowed). */
SQ_API void sq_workspace_free(sq_workspace *ws);

/** Bytes of memory a workspace currently holds. */
SQ_API size_t sq_workspace_bytes(const sq_workspace *ws);

/**
 * Integrate f over [a, b].
 *
 * a > b gives exactly the negated value of [b, a] with the same error and
 * counts; a == b gives 0 with no evaluation. NaN limits, invalid options or
 * NULL pointers give SQ_BAD_INPUT and never call the integrand. The result is
 * written to *res (unless res is NULL) and its status returned.
 *
 * Safe to call from several threads at once and from inside an integrand.
 */
SQ_API sq_status sq_integrate(const sq_integrand *f, double a, double b,
                              const sq_options *opt, sq_result *res);

/** sq_integrate with a caller-owned workspace (NULL: a temporary one). */
SQ_API sq_status sq_integrate_ws(sq_workspace *ws, const sq_integrand *f,
                                 double a, double b, const sq_options *opt,
                                 sq_result *res);

/**
 * Problems of a batch: n integrals of the same integrand, each with its own
 * limits and, optionally, its own tolerances, parameters and breakpoints.
 * Arrays are the caller's and are only read.
 */
typedef struct sq_batch {
    size_t n;               /**< number of problems */
    const double *a, *b;    /**< limits, n each; any order, infinite allowed */
    /** Tolerances, n each, or NULL: the options' epsabs / epsrel for all. */
    const double *epsabs, *epsrel;
    /**
     * Parameter rows for a family integrand: problem i's parameters are
     * params[i * nparams ...]; nparams must be at least the family's count.
     * NULL: the integrand's own parameters for every problem.
     */
    const double *params;
    size_t nparams;
    /**
     * Breakpoint rows: problem i's are points[i * npoints ...], any order;
     * entries that are NaN or not strictly inside the problem's range are
     * ignored. NULL: the options' points, for every problem they fall in.
     */
    const double *points;
    size_t npoints;
} sq_batch;

/**
 * Integrate every problem of a batch and write results[i] for problem i.
 *
 * One frontier holds the intervals of many problems: problems stream
 * through in groups that threads take whole, so memory beyond the results
 * is bounded by the group size, not by n. Each result is bitwise identical
 * to what the problem gives alone (sq_integrate with the same options), in
 * any batch, in any order, on any number of threads; a problem that fails
 * (bad limits, NaN from the integrand, a spent budget, a callback error)
 * never changes another one. Budgets (max_evals, max_intervals) apply per
 * problem. A problem with bad limits or tolerances gets SQ_BAD_INPUT alone.
 * A few problems that need far more evaluations than the rest (with
 * Gauss-Kronrod rules: 8 times the mean of those finished, and at least
 * 512) are set aside and run again from the start after all the others,
 * so that they do not hold up the groups they fell in; their results are
 * unchanged, and at most that threshold's evaluations are spent twice.
 *
 * Returns SQ_OK if every problem succeeded; SQ_BAD_INPUT if the call itself
 * is invalid (NULL arrays, bad options: every result then says so);
 * otherwise the most serious status among the problems.
 *
 * @code
 *   double a[3] = {0, 0, 0}, b[3] = {1, 1, 1};
 *   double p[6] = {5, 0.5,  10, 0.25,  20, 0.75};   // (a, u) per problem
 *   sq_integrand g = sq_fn_family("genz_gaussian", NULL);
 *   sq_batch batch = {.n = 3, .a = a, .b = b, .params = p, .nparams = 2};
 *   sq_result r[3];
 *   sq_integrate_batch(NULL, &g, &batch, NULL, r);
 * @endcode
 */
SQ_API sq_status sq_integrate_batch(sq_workspace *ws, const sq_integrand *f,
                                    const sq_batch *batch,
                                    const sq_options *opt,
                                    sq_result *results);

/* ------------------------------------------------------------------------ */
/* Vector-valued integrands: K functions sharing one subdivision             */
/* ------------------------------------------------------------------------ */

/** The most components a vector integrand may have. */
#define SQ_VEC_MAX_COMPONENTS ((size_t)65536)

/**
 * A vector integrand: fill the K values of each of n points,
 * y[k * n + i] = f_k(x[i]) for i < n and k < K, and return 0, or return
 * nonzero to stop the problems of the call with SQ_CALLBACK_ABORT.
 *
 * Component-major: each component is a contiguous row of n values, so a
 * loop over i vectorizes. pid[i] is the problem of point i, as for
 * sq_param_fn (always 0 in sq_integrate_vec). The rules of sq_batch_fn
 * apply: concurrent calls from several threads, no dependence on the other
 * points of the call.
 */
typedef int (*sq_vec_fn)(size_t n, const double *x, const size_t *pid,
                         size_t K, double *y, void *ctx);

/**
 * An expensive vector integrand, one point at a time: set y[k] = f_k(x)
 * for k < K and return 0, or nonzero to fail (SQ_CALLBACK_ABORT).
 * options.workers threads call it concurrently (see sq_point_fn).
 */
typedef int (*sq_vec_point_fn)(double x, size_t K, double *y, void *ctx);

/** Which kind of vector integrand an sq_vec_integrand holds. */
typedef enum sq_vec_kind {
    SQ_VEC_INVALID = 0,
    SQ_VEC_CALLBACK,  /**< a user callback (sq_vec_fn) */
    SQ_VEC_POINT,     /**< an expensive callback (sq_vec_point_fn), workers */
    SQ_VEC_EXPR,      /**< an expression with K outputs "f1; f2; ..." */
    SQ_VEC_MOMENTS,   /**< x^k f(x), k = 0 .. K-1 */
    SQ_VEC_COSINE,    /**< cos(k w x) f(x), k = 0 .. K-1 */
    SQ_VEC_SINE       /**< sin(k w x) f(x), k = 1 .. K */
} sq_vec_kind;

/**
 * A vector integrand: K components. Build it with sq_vfn_callback(),
 * sq_vfn_point(), sq_vfn_expr(), sq_vfn_moments(), sq_vfn_cosine() or
 * sq_vfn_sine(); a small value type that may be copied freely.
 */
typedef struct sq_vec_integrand {
    sq_vec_kind kind;
    size_t K;                 /**< components */
    sq_vec_fn fn;             /**< SQ_VEC_CALLBACK */
    sq_vec_point_fn point;    /**< SQ_VEC_POINT */
    void *ctx;                /**< passed to the callbacks unchanged */
    const sq_expr *expr;      /**< SQ_VEC_EXPR (sq_expr_noutputs() == K) */
    const double *params;     /**< the expression's parameters, or NULL */
    /** The common factor f of the moment and Fourier families: any scalar
     *  integrand (a kernel, a family, an expression, a batch or parametric
     *  callback; not an expensive one), evaluated once per node. */
    sq_integrand base;
    double omega;             /**< SQ_VEC_COSINE, SQ_VEC_SINE: w */
} sq_vec_integrand;

/** K components from a user callback (see sq_vec_fn). */
SQ_API sq_vec_integrand sq_vfn_callback(sq_vec_fn f, size_t K, void *ctx);

/** K components from an expensive callback (see sq_vec_point_fn). */
SQ_API sq_vec_integrand sq_vfn_point(sq_vec_point_fn f, size_t K, void *ctx);

/**
 * An expression with several outputs, separated by semicolons
 * ("exp(-x*x); x*exp(-x*x)"): K = sq_expr_noutputs(e). Equal
 * subexpressions of different outputs are computed once.
 */
SQ_API sq_vec_integrand sq_vfn_expr(const sq_expr *e, const double *params);

/**
 * The moments x^k f(x) for k = 0 .. K-1 of a scalar integrand f: f is
 * evaluated once per node, each component costs one multiplication.
 */
SQ_API sq_vec_integrand sq_vfn_moments(const sq_integrand *f, size_t K);

/**
 * Fourier cosine coefficients cos(k w x) f(x) for k = 0 .. K-1: f once
 * per node; cos and sin of w x once per node, the multiples by rotation
 * (recomputed from cos and sin every 16 components, so the rotations'
 * rounding never builds up beyond 16 steps).
 */
SQ_API sq_vec_integrand sq_vfn_cosine(const sq_integrand *f, size_t K,
                                      double omega);

/** Fourier sine coefficients sin(k w x) f(x) for k = 1 .. K. */
SQ_API sq_vec_integrand sq_vfn_sine(const sq_integrand *f, size_t K,
                                    double omega);

/**
 * Integrate the K components of f over [a, b] on one shared subdivision:
 * values[k] and errors[k] for k < K (each array K doubles), and in *res the
 * whole: status, counts (evals counts points, each giving K values), and
 * as value and error the norms of the values and of the errors in the
 * options' norm (SQ_NORM_COMPONENTS: the largest |value| and the largest
 * error).
 *
 * An interval is split while the errors, judged by options.norm, exceed
 * the tolerance: each round splits the intervals with the largest errors
 * (relative to each component's tolerance) until what is left would meet
 * it. Gauss-Kronrod rules with global control only (Simpson's rule or
 * local control: SQ_BAD_INPUT); no extrapolation. Infinite limits,
 * breakpoints, a > b, a == b, budgets, threads, cancellation and every
 * status work as for sq_integrate. A non-finite value in any component
 * stops the integral with SQ_NONFINITE and the previous round's
 * estimates.
 *
 * K = 1 is the scalar engine itself: the same bits as sq_integrate with
 * the same integrand (Wynn extrapolation and the neighbour checks
 * included). Results never depend on the thread count.
 *
 * @code
 *   sq_integrand g = sq_fn_kernel("gauss_cos");   // exp(-x*x)*cos(3*x)
 *   sq_vec_integrand m = sq_vfn_moments(&g, 16);
 *   double v[16], e[16];
 *   sq_result r;
 *   sq_integrate_vec(NULL, &m, 0, 10, NULL, v, e, &r);
 * @endcode
 */
SQ_API sq_status sq_integrate_vec(sq_workspace *ws, const sq_vec_integrand *f,
                                  double a, double b, const sq_options *opt,
                                  double *values, double *errors,
                                  sq_result *res);

/**
 * A batch of vector integrals: problem i's components in values[i * K +
 * k] and errors[i * K + k], its whole in results[i]. Parameter rows feed
 * an expression or the base integrand of the moment and Fourier families
 * as in sq_integrate_batch; callbacks get each point's problem in pid.
 * Problems are independent and spread over the threads; each result is the
 * same bits as the problem alone.
 */
SQ_API sq_status sq_integrate_vec_batch(sq_workspace *ws,
                                        const sq_vec_integrand *f,
                                        const sq_batch *batch,
                                        const sq_options *opt, double *values,
                                        double *errors, sq_result *results);

/** Number of threads a call with options.threads == 0 uses. */
SQ_API int sq_default_threads(void);

#ifdef __cplusplus
}
#endif

#endif /* SIMDQUAD_H */
