/* SPDX-License-Identifier: MIT */
/*
 * Vector integrands (src/vector.c): K components on one subdivision. Every
 * component against its closed form, with the true error within the
 * reported one; K = 1 the same bits as the scalar path; the same bits on
 * any number of threads, alone or in a batch; every bad input and fault a
 * status.
 */
#include <criterion/criterion.h>
#include <float.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "simdquad.h"

static sq_options opts(double epsabs, double epsrel)
{
    sq_options o;
    sq_options_init(&o);
    o.epsabs = epsabs;
    o.epsrel = epsrel;
    return o;
}

/* Every component within the tolerance it was held to, and its true error
 * within its reported one. */
static void check(const double *v, const double *e, const double *exact,
                  size_t K, double epsabs, double epsrel)
{
    for (size_t k = 0; k < K; k++) {
        double d = fabs(v[k] - exact[k]);
        double tol = fmax(epsabs, epsrel * fabs(exact[k]));
        cr_expect(d <= fmax(e[k], 2 * DBL_EPSILON * fabs(exact[k])),
                  "component %zu: true error %g above the reported %g", k, d,
                  e[k]);
        cr_expect(d <= 2 * tol, "component %zu: %.17g, exact %.17g", k, v[k],
                  exact[k]);
    }
}

Test(vector, moments_of_exp_minus_x_on_half_line)
{
    /* x^k e^-x on [0, inf): k! */
    sq_expr *e = sq_expr_compile("exp(-x)", NULL);
    sq_integrand f = sq_fn_expr(e, NULL);
    enum { K = 16 };
    sq_vec_integrand m = sq_vfn_moments(&f, K);
    sq_options o = opts(0, 1e-10);
    double v[K], err[K], exact[K];
    sq_result r;
    cr_assert_eq(sq_integrate_vec(NULL, &m, 0, INFINITY, &o, v, err, &r), SQ_OK);
    exact[0] = 1;
    for (size_t k = 1; k < K; k++)
        exact[k] = exact[k - 1] * (double)k;
    check(v, err, exact, K, 0, 1e-10);
    cr_expect_gt(r.evals, 0);
    /* The whole's value and error: the largest of the components'. */
    cr_expect_eq(r.value, v[K - 1]);
    sq_expr_free(e);
}

Test(vector, moments_of_gaussian_on_the_line)
{
    /* x^k e^(-x^2) on the whole line: Gamma((k + 1) / 2) for even k, 0 for
     * odd k (which need epsabs). */
    sq_integrand g = sq_fn_kernel("gauss");
    enum { K = 12 };
    sq_vec_integrand m = sq_vfn_moments(&g, K);
    /* 1e-12 is below the rounding of x^11 e^(-x^2), whose |f| integrates
     * to 120: that is said at once, not after the interval budget. */
    sq_options o = opts(1e-12, 1e-10);
    double v[K], err[K], exact[K];
    sq_result r;
    cr_expect_eq(sq_integrate_vec(NULL, &m, -INFINITY, INFINITY, &o, v, err, &r),
                 SQ_ROUNDOFF);
    cr_expect_lt(r.evals, 5000);
    o = opts(1e-10, 1e-10);
    cr_assert_eq(sq_integrate_vec(NULL, &m, -INFINITY, INFINITY, &o, v, err, &r),
                 SQ_OK);
    for (size_t k = 0; k < K; k++)
        exact[k] = k % 2 ? 0 : tgamma((double)(k + 1) / 2);
    check(v, err, exact, K, 1e-10, 1e-10);
}

Test(vector, fourier_coefficients_of_exp)
{
    /* cos(kx) e^x and sin(kx) e^x on [0, pi]. */
    sq_integrand f = sq_fn_kernel("exp");
    enum { K = 40 };
    sq_vec_integrand c = sq_vfn_cosine(&f, K, 1.0);
    sq_vec_integrand s = sq_vfn_sine(&f, K, 1.0);
    sq_options o = opts(0, 1e-10);
    double v[K], err[K], exact[K];
    sq_result r;
    double ep = exp(M_PI);
    cr_assert_eq(sq_integrate_vec(NULL, &c, 0, M_PI, &o, v, err, &r), SQ_OK);
    for (size_t k = 0; k < K; k++)
        exact[k] = (ep * (k % 2 ? -1 : 1) - 1) / (1.0 + (double)(k * k));
    check(v, err, exact, K, 0, 1e-10);
    cr_assert_eq(sq_integrate_vec(NULL, &s, 0, M_PI, &o, v, err, &r), SQ_OK);
    for (size_t k = 1; k <= K; k++)
        exact[k - 1] = (double)k * (1 - ep * (k % 2 ? -1 : 1)) / (1.0 + (double)(k * k));
    check(v, err, exact, K, 0, 1e-10);
}

Test(vector, expression_with_three_outputs_shares_its_subexpressions)
{
    const char *text = "exp(-x*x); x*exp(-x*x); x^2*exp(-x*x)";
    sq_expr_error e_err;
    sq_expr *e = sq_expr_compile(text, &e_err);
    cr_assert_not_null(e, "%s", e_err.message);
    cr_expect_eq(sq_expr_noutputs(e), 3);
    /* exp(-x*x) once: fewer instructions than the three apart. */
    size_t apart = 0;
    const char *parts[3] = {"exp(-x*x)", "x*exp(-x*x)", "x^2*exp(-x*x)"};
    for (int k = 0; k < 3; k++) {
        sq_expr *p = sq_expr_compile(parts[k], NULL);
        apart += sq_expr_ops(p);
        cr_expect_eq(sq_expr_twin_output(e, (size_t)k, 0.7, NULL),
                     sq_expr_twin(p, 0.7, NULL));
        sq_expr_free(p);
    }
    cr_expect_lt(sq_expr_ops(e), apart);
    cr_expect(isnan(sq_expr_twin_output(e, 3, 0.7, NULL)));
    /* The vector machine against the twins, at every point. */
    double x[37], y[3 * 37];
    for (int i = 0; i < 37; i++)
        x[i] = -3 + 0.17 * i;
    /* sq_expr_eval fills n values: it refuses, and the outputs call fills
     * K n. */
    cr_expect_eq(sq_expr_eval(e, SQ_ISA_AUTO, 37, x, NULL, 0, y), SQ_BAD_INPUT);
    cr_assert_eq(sq_expr_eval_outputs(e, SQ_ISA_AUTO, SQ_MATH_AUTO, 37, x, NULL, 0, y),
                 SQ_OK);
    for (int k = 0; k < 3; k++)
        for (int i = 0; i < 37; i++)
            cr_expect(fabs(y[k * 37 + i] - sq_expr_twin_output(e, (size_t)k, x[i], NULL))
                          <= 4e-16 * (1 + fabs(y[k * 37 + i])),
                      "output %d at %g", k, x[i]);

    sq_vec_integrand f = sq_vfn_expr(e, NULL);
    cr_expect_eq(f.K, 3);
    sq_options o = opts(0, 1e-10);
    double v[3], err[3], exact[3] = {sqrt(M_PI) / 2, 0.5, sqrt(M_PI) / 4};
    sq_result r;
    cr_assert_eq(sq_integrate_vec(NULL, &f, 0, INFINITY, &o, v, err, &r), SQ_OK);
    check(v, err, exact, 3, 0, 1e-10);

    /* A scalar integral refuses several outputs. */
    sq_integrand s = sq_fn_expr(e, NULL);
    cr_expect_eq(sq_integrate(&s, 0, 1, NULL, &r), SQ_BAD_INPUT);
    sq_expr_free(e);
}

Test(vector, expression_outputs_with_parameters_and_constants)
{
    /* Outputs that do not depend on x, or are x itself, and parameters. */
    sq_expr *e = sq_expr_compile("p0; x; p1*x*x; 2", NULL);
    cr_assert_not_null(e);
    double p[2] = {3, 6};
    sq_vec_integrand f = sq_vfn_expr(e, p);
    sq_options o = opts(0, 1e-12);
    double v[4], err[4], exact[4] = {3 * 2, 2, 6 * 8.0 / 3, 4};
    sq_result r;
    cr_assert_eq(sq_integrate_vec(NULL, &f, 0, 2, &o, v, err, &r), SQ_OK);
    check(v, err, exact, 4, 0, 1e-12);
    sq_expr_free(e);
}

Test(vector, expression_errors_name_the_output)
{
    sq_expr_error err;
    cr_expect_null(sq_expr_compile("x;;x", &err));
    cr_expect_str_eq(err.message, "empty output");
    cr_expect_eq(err.position, 2);
    cr_expect_null(sq_expr_compile("x;", &err));
    cr_expect_str_eq(err.message, "empty output");
    cr_expect_null(sq_expr_compile(";", &err));
    char text[4 * 130];
    size_t n = 0;
    for (int k = 0; k < 129; k++)
        n += (size_t)snprintf(text + n, sizeof text - n, "%sx", k ? ";" : "");
    cr_expect_null(sq_expr_compile(text, &err));
    cr_expect_str_eq(err.message, "more than 128 outputs");
}

/* y_k = x^k, for the callback tests; pid must be 0 alone, i in a batch. */
typedef struct powers {
    atomic_size_t calls;
    int bad_pid;
} powers;

static int powers_fn(size_t n, const double *x, const size_t *pid, size_t K,
                     double *y, void *ctx)
{
    powers *p = ctx;
    atomic_fetch_add(&p->calls, 1);
    for (size_t i = 0; i < n; i++) {
        double v = 1;
        for (size_t k = 0; k < K; k++) {
            y[k * n + i] = v * (1 + (double)pid[i]);
            v *= x[i];
        }
    }
    return 0;
}

Test(vector, callback_with_many_components)
{
    /* x^k on [0, 1]: 1 / (k + 1), K = 1024. */
    enum { K = 1024 };
    powers p = {0, 0};
    sq_vec_integrand f = sq_vfn_callback(powers_fn, K, &p);
    sq_options o = opts(1e-14, 1e-12);
    static double v[K], err[K], exact[K];
    sq_result r;
    cr_assert_eq(sq_integrate_vec(NULL, &f, 0, 1, &o, v, err, &r), SQ_OK);
    for (size_t k = 0; k < K; k++)
        exact[k] = 1.0 / (double)(k + 1);
    check(v, err, exact, K, 1e-14, 1e-12);
    cr_expect_gt(atomic_load(&p.calls), 0);
}

/* K = 1 is the scalar engine: the same bits as sq_integrate. */
static void same_result(const sq_result *a, const sq_result *b)
{
    cr_expect_eq(memcmp(&a->value, &b->value, sizeof a->value), 0, "%.17g %.17g",
                 a->value, b->value);
    cr_expect_eq(memcmp(&a->error, &b->error, sizeof a->error), 0);
    cr_expect_eq(a->evals, b->evals);
    cr_expect_eq(a->status, b->status);
}

static int one_fn(size_t n, const double *x, const size_t *pid, size_t K,
                  double *y, void *ctx)
{
    (void)pid;
    (void)K;
    (void)ctx;
    for (size_t i = 0; i < n; i++)
        y[i] = 1 / (1e-3 + x[i] * x[i]);
    return 0;
}

static int one_param(size_t n, const double *x, const size_t *pid, double *y,
                     void *ctx)
{
    return one_fn(n, x, pid, 1, y, ctx);
}

Test(vector, one_component_is_the_scalar_path)
{
    sq_options o = opts(0, 1e-10);
    double v, e;
    sq_result rv, rs;
    /* A callback. */
    sq_vec_integrand fv = sq_vfn_callback(one_fn, 1, NULL);
    sq_integrand fs = sq_fn_param(one_param, NULL);
    sq_integrate_vec(NULL, &fv, -1, 2, &o, &v, &e, &rv);
    sq_integrate(&fs, -1, 2, &o, &rs);
    same_result(&rv, &rs);
    cr_expect_eq(memcmp(&v, &rs.value, sizeof v), 0);
    cr_expect_eq(memcmp(&e, &rs.error, sizeof e), 0);
    /* An expression of one output, and the families of one component. */
    sq_expr *x = sq_expr_compile("sqrt(x)*log(x)", NULL);
    sq_integrand g = sq_fn_expr(x, NULL);
    sq_vec_integrand fe = sq_vfn_expr(x, NULL);
    sq_vec_integrand fm = sq_vfn_moments(&g, 1);
    sq_vec_integrand fc = sq_vfn_cosine(&g, 1, 3.0);
    sq_integrate(&g, 0, 1, &o, &rs);
    sq_integrate_vec(NULL, &fe, 0, 1, &o, &v, &e, &rv);
    same_result(&rv, &rs);
    sq_integrate_vec(NULL, &fm, 0, 1, &o, &v, &e, &rv);
    same_result(&rv, &rs);
    sq_integrate_vec(NULL, &fc, 0, 1, &o, &v, &e, &rv);
    same_result(&rv, &rs);
    sq_expr_free(x);
}

Test(vector, same_bits_on_any_number_of_threads_alone_or_in_a_batch)
{
    /* Moments of a Genz Gaussian, its parameters per problem. */
    sq_integrand g = sq_fn_family("genz_gaussian", NULL);
    enum { K = 8, N = 60 };
    sq_vec_integrand m = sq_vfn_moments(&g, K);
    double a[N], b[N], par[2 * N];
    for (int i = 0; i < N; i++) {
        a[i] = i % 7 == 3 ? 1.0 : 0.0;            /* some reversed */
        b[i] = i % 7 == 3 ? 0.0 : 1.0 + 0.1 * i;
        par[2 * i] = 2 + 0.5 * i;
        par[2 * i + 1] = 0.3 + 0.01 * i;
    }
    sq_batch batch = {.n = N, .a = a, .b = b, .params = par, .nparams = 2};
    static double v1[N * K], e1[N * K], v2[N * K], e2[N * K];
    sq_result r1[N], r2[N];
    sq_options o = opts(0, 1e-10);
    o.threads = 1;
    sq_integrate_vec_batch(NULL, &m, &batch, &o, v1, e1, r1);
    o.threads = 2;
    sq_workspace *ws = sq_workspace_new();
    cr_assert_eq(sq_integrate_vec_batch(ws, &m, &batch, &o, v2, e2, r2), SQ_OK);
    cr_expect_eq(memcmp(v1, v2, sizeof v1), 0);
    cr_expect_eq(memcmp(e1, e2, sizeof e1), 0);
    for (int i = 0; i < N; i += 7) {
        /* Alone, with the parameters as the integrand's own. */
        sq_integrand gi = sq_fn_family("genz_gaussian", par + 2 * i);
        sq_vec_integrand mi = sq_vfn_moments(&gi, K);
        double v[K], e[K];
        sq_result r;
        sq_integrate_vec(ws, &mi, a[i], b[i], &o, v, e, &r);
        cr_expect_eq(memcmp(v, v1 + i * K, sizeof v), 0, "problem %d", i);
        cr_expect_eq(memcmp(e, e1 + i * K, sizeof e), 0, "problem %d", i);
        cr_expect_eq(r.evals, r1[i].evals);
        if (a[i] > b[i]) {
            double w[K];
            sq_integrate_vec(ws, &mi, b[i], a[i], &o, w, e, &r);
            for (int k = 0; k < K; k++)
                cr_expect_eq(w[k], -v[k]);
        }
    }
    /* A single integral's tiles over the threads. */
    sq_integrand gc = sq_fn_kernel("gauss_cos");
    sq_vec_integrand big = sq_vfn_moments(&gc, 64);
    double bv1[64], be1[64], bv2[64], be2[64];
    o.threads = 1;
    o.epsrel = 1e-13;
    sq_result s1, s2;
    sq_integrate_vec(NULL, &big, 0, 200, &o, bv1, be1, &s1);
    o.threads = 2;
    sq_integrate_vec(ws, &big, 0, 200, &o, bv2, be2, &s2);
    cr_expect_eq(memcmp(bv1, bv2, sizeof bv1), 0);
    cr_expect_eq(memcmp(be1, be2, sizeof be1), 0);
    cr_expect_eq(s1.evals, s2.evals);
    sq_workspace_free(ws);
}

Test(vector, norms)
{
    /* Components of very different sizes: 1e6 x and x on [0, 1]. */
    sq_expr *e = sq_expr_compile("1e6*sqrt(x); sqrt(x)", NULL);
    sq_vec_integrand f = sq_vfn_expr(e, NULL);
    double exact[2] = {1e6 * 2.0 / 3, 2.0 / 3};
    double v[2], err[2];
    sq_result r;
    for (int norm = SQ_NORM_COMPONENTS; norm < SQ_NORM_COUNT; norm++) {
        sq_options o = opts(0, 1e-9);
        o.norm = (sq_norm)norm;
        cr_assert_eq(sq_integrate_vec(NULL, &f, 0, 1, &o, v, err, &r), SQ_OK);
        double vn = norm == SQ_NORM_L2 ? hypot(v[0], v[1]) : fmax(fabs(v[0]), fabs(v[1]));
        double en = norm == SQ_NORM_L2 ? hypot(err[0], err[1]) : fmax(err[0], err[1]);
        cr_expect_leq(fabs(r.value - vn), 1e-15 * vn);
        cr_expect_leq(fabs(r.error - en), 1e-15 * en);
        cr_expect_leq(en, 1e-9 * vn);
        for (int k = 0; k < 2; k++)
            cr_expect_leq(fabs(v[k] - exact[k]), fmax(err[k], 1e-15 * exact[k]));
    }
    sq_options o = opts(0, 1e-9);
    o.norm = SQ_NORM_COUNT;
    cr_expect_eq(sq_integrate_vec(NULL, &f, 0, 1, &o, v, err, &r), SQ_BAD_INPUT);
    sq_expr_free(e);
}

Test(vector, bad_input_and_trivial_ranges)
{
    sq_integrand g = sq_fn_kernel("gauss");
    sq_vec_integrand m = sq_vfn_moments(&g, 4);
    double v[4], e[4];
    sq_result r;
    sq_options o = opts(0, 1e-10);
    cr_expect_eq(sq_integrate_vec(NULL, NULL, 0, 1, &o, v, e, &r), SQ_BAD_INPUT);
    cr_expect_eq(sq_integrate_vec(NULL, &m, 0, 1, &o, NULL, e, &r), SQ_BAD_INPUT);
    cr_expect_eq(sq_integrate_vec(NULL, &m, NAN, 1, &o, v, e, &r), SQ_BAD_INPUT);
    cr_expect_str_eq(r.detail, "a: NaN");
    sq_vec_integrand z = sq_vfn_moments(&g, 0);
    cr_expect_eq(sq_integrate_vec(NULL, &z, 0, 1, &o, v, e, &r), SQ_BAD_INPUT);
    sq_vec_integrand nul = sq_vfn_moments(NULL, 4);
    cr_expect_eq(sq_integrate_vec(NULL, &nul, 0, 1, &o, v, e, &r), SQ_BAD_INPUT);
    sq_vec_integrand nocb = sq_vfn_callback(NULL, 4, NULL);
    cr_expect_eq(sq_integrate_vec(NULL, &nocb, 0, 1, &o, v, e, &r), SQ_BAD_INPUT);
    sq_vec_integrand inf = sq_vfn_cosine(&g, 4, INFINITY);
    cr_expect_eq(sq_integrate_vec(NULL, &inf, 0, 1, &o, v, e, &r), SQ_BAD_INPUT);
    o.rule = SQ_RULE_SIMPSON;
    cr_expect_eq(sq_integrate_vec(NULL, &m, 0, 1, &o, v, e, &r), SQ_BAD_INPUT);
    o = opts(0, 1e-10);
    o.control = SQ_CONTROL_LOCAL;
    cr_expect_eq(sq_integrate_vec(NULL, &m, 0, 1, &o, v, e, &r), SQ_BAD_INPUT);
    o = opts(0, 0);
    cr_expect_eq(sq_integrate_vec(NULL, &m, 0, 1, &o, v, e, &r), SQ_BAD_INPUT);
    sq_expr *two = sq_expr_compile("x; x*x", NULL);
    sq_vec_integrand wrongk = sq_vfn_expr(two, NULL);
    wrongk.K = 3;
    o = opts(0, 1e-10);
    cr_expect_eq(sq_integrate_vec(NULL, &wrongk, 0, 1, &o, v, e, &r), SQ_BAD_INPUT);
    sq_integrand s2 = sq_fn_expr(two, NULL);
    sq_vec_integrand base2 = sq_vfn_moments(&s2, 4);
    cr_expect_eq(sq_integrate_vec(NULL, &base2, 0, 1, &o, v, e, &r), SQ_BAD_INPUT);
    sq_expr_free(two);
    /* a == b: zeros; a > b: the negated values. */
    cr_expect_eq(sq_integrate_vec(NULL, &m, 2, 2, &o, v, e, &r), SQ_OK);
    for (int k = 0; k < 4; k++)
        cr_expect(v[k] == 0 && e[k] == 0);
    cr_expect_eq(r.evals, 0);
    double w[4];
    sq_integrate_vec(NULL, &m, 0, 1, &o, v, e, &r);
    sq_integrate_vec(NULL, &m, 1, 0, &o, w, e, &r);
    for (int k = 0; k < 4; k++)
        cr_expect_eq(w[k], -v[k]);
}

static int nan_at_half(size_t n, const double *x, const size_t *pid, size_t K,
                       double *y, void *ctx)
{
    (void)pid;
    (void)ctx;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < K; k++)
            y[k * n + i] = k == 1 && x[i] > 0.5 ? NAN : 1 / (1e-4 + x[i] * x[i]);
    return 0;
}

static int fails(size_t n, const double *x, const size_t *pid, size_t K,
                 double *y, void *ctx)
{
    (void)x;
    (void)pid;
    (void)ctx;
    memset(y, 0, n * K * sizeof *y);
    return 1;
}

static int stop_at_once(double fraction, void *ctx)
{
    (void)fraction;
    (void)ctx;
    return 1;
}

Test(vector, faults_and_budgets)
{
    sq_options o = opts(0, 1e-10);
    double v[3], e[3];
    sq_result r;
    sq_vec_integrand f = sq_vfn_callback(nan_at_half, 3, NULL);
    cr_expect_eq(sq_integrate_vec(NULL, &f, 0, 1, &o, v, e, &r), SQ_NONFINITE);
    cr_expect(r.where > 0.5 && r.where < 1, "where %g", r.where);
    sq_vec_integrand g = sq_vfn_callback(fails, 3, NULL);
    cr_expect_eq(sq_integrate_vec(NULL, &g, 0, 1, &o, v, e, &r), SQ_CALLBACK_ABORT);
    /* A peak that needs many rounds, on a budget: the last estimates. */
    sq_expr *peak = sq_expr_compile("1/(1e-8+x*x); x/(1e-8+x*x); 1", NULL);
    sq_vec_integrand p = sq_vfn_expr(peak, NULL);
    o.max_evals = 200;
    cr_expect_eq(sq_integrate_vec(NULL, &p, -1, 1, &o, v, e, &r), SQ_MAX_EVALS);
    cr_expect(isfinite(v[0]) && isfinite(e[0]) && e[0] > 0);
    cr_expect_lt(fabs(v[2] - 2), 1e-14);
    o = opts(0, 1e-10);
    o.max_intervals = 8;
    cr_expect_eq(sq_integrate_vec(NULL, &p, -1, 1, &o, v, e, &r), SQ_MAX_INTERVALS);
    /* A tolerance double precision cannot reach. */
    o = opts(1e-300, 1e-17);
    cr_expect_eq(sq_integrate_vec(NULL, &p, -1, 1, &o, v, e, &r), SQ_ROUNDOFF);
    cr_expect_lt(fabs(v[0] - 2e4 * atan(1e4)), 1e-6 * v[0]);
    o = opts(0, 1e-10);
    o.progress = stop_at_once;
    cr_expect_eq(sq_integrate_vec(NULL, &p, -1, 1, &o, v, e, &r), SQ_CANCELLED);
    /* Zeros at every node seen are not believed. */
    sq_expr *far = sq_expr_compile("exp(-(x-1e4)^2); exp(-(x-1e4)^2)*x", NULL);
    sq_vec_integrand q = sq_vfn_expr(far, NULL);
    o = opts(0, 1e-10);
    sq_status st = sq_integrate_vec(NULL, &q, -INFINITY, 3e4, &o, v, e, &r);
    cr_expect(st != SQ_OK || fabs(v[0] - sqrt(M_PI)) <= e[0] + 4e-16, "%s %g",
              sq_status_name(st), v[0]);
    sq_expr_free(far);
    sq_expr_free(peak);
}

Test(vector, breakpoints_and_a_batch_with_a_bad_problem)
{
    /* |x - 1/3| and x |x - 1/3| on [0, 1], told where the kink is. */
    sq_expr *e = sq_expr_compile("abs(x-p0); x*abs(x-p0)", NULL);
    enum { N = 5 };
    double a[N] = {0, 0, NAN, 0, 0}, b[N] = {1, 1, 1, 1, 1};
    double par[N] = {1.0 / 3, 0.5, 0.5, 0.25, 0.75};
    double pts[N] = {1.0 / 3, 0.5, 0.5, 0.25, 0.75};
    sq_vec_integrand f = sq_vfn_expr(e, NULL);
    sq_batch batch = {.n = N, .a = a, .b = b, .params = par, .nparams = 1,
                      .points = pts, .npoints = 1};
    double v[2 * N], err[2 * N];
    sq_result r[N];
    sq_options o = opts(1e-13, 1e-11);
    cr_expect_eq(sq_integrate_vec_batch(NULL, &f, &batch, &o, v, err, r),
                 SQ_BAD_INPUT);
    for (int i = 0; i < N; i++) {
        if (i == 2) {
            cr_expect_eq(r[i].status, SQ_BAD_INPUT);
            continue;
        }
        double p = par[i];
        double exact[2] = {0.5 * p * p + 0.5 * (1 - p) * (1 - p),
                           p * p * p / 6 + (1.0 / 3 - p / 2 + p * p * p / 6)};
        cr_expect_eq(r[i].status, SQ_OK);
        check(v + 2 * i, err + 2 * i, exact, 2, 1e-13, 1e-11);
        /* Told the kink, the first rule application meets it. */
        cr_expect_eq(r[i].rounds, 1);
    }
    sq_expr_free(e);
}

/* An expensive vector integrand: counts its calls per point. */
typedef struct counted {
    atomic_size_t calls;
} counted;

static int slow_powers(double x, size_t K, double *y, void *ctx)
{
    counted *c = ctx;
    atomic_fetch_add(&c->calls, 1);
    double v = 1;
    for (size_t k = 0; k < K; k++) {
        y[k] = v * cos(x);
        v *= x;
    }
    return 0;
}

static int slow_one(double x, size_t K, double *y, void *ctx)
{
    (void)K;
    (void)ctx;
    *y = 1 / (1 + x * x);
    return 0;
}

Test(vector, one_expensive_component_and_several_breakpoints)
{
    /* K = 1 from points is the scalar engine's expensive mode. */
    sq_vec_integrand f = sq_vfn_point(slow_one, 1, NULL);
    sq_options o = opts(0, 1e-12);
    o.workers = 3;
    double v, e;
    sq_result r;
    cr_assert_eq(sq_integrate_vec(NULL, &f, 0, 1, &o, &v, &e, &r), SQ_OK);
    cr_expect_leq(fabs(v - M_PI / 4), fmax(e, 1e-16));
    /* Kinks at 0.2 and 0.7, given in any order. */
    sq_expr *x = sq_expr_compile("abs(x-0.2)+abs(x-0.7); x", NULL);
    sq_vec_integrand g = sq_vfn_expr(x, NULL);
    double pts[2] = {0.7, 0.2}, w[2], we[2];
    o = opts(1e-13, 1e-12);
    o.points = pts;
    o.npoints = 2;
    cr_assert_eq(sq_integrate_vec(NULL, &g, 0, 1, &o, w, we, &r), SQ_OK);
    /* |x-0.2| + |x-0.7| on [0, 1]: (0.02 + 0.32) + (0.245 + 0.045) = 0.63 */
    double exact[2] = {0.63, 0.5};
    check(w, we, exact, 2, 1e-13, 1e-12);
    cr_expect_eq(r.rounds, 1);
    sq_expr_free(x);
}

Test(vector, expensive_points_over_workers_never_twice)
{
    counted c = {0};
    sq_vec_integrand f = sq_vfn_point(slow_powers, 4, &c);
    sq_options o = opts(0, 1e-10);
    o.workers = 8;
    double v[4], e[4];
    sq_result r;
    cr_assert_eq(sq_integrate_vec(NULL, &f, 0, 2, &o, v, e, &r), SQ_OK);
    cr_expect_eq(atomic_load(&c.calls), r.evals);
    /* cos x, x cos x, x^2 cos x, x^3 cos x on [0, 2]. */
    double s = sin(2.0), co = cos(2.0);
    double exact[4] = {s, 2 * s + co - 1, 4 * s + 4 * co - 2 * s,
                       8 * s + 12 * co - 6 * (2 * s + co - 1)};
    check(v, e, exact, 4, 0, 1e-10);
    o.workers = 1;
    double w[4];
    sq_integrate_vec(NULL, &f, 0, 2, &o, w, e, &r);
    cr_expect_eq(memcmp(v, w, sizeof v), 0);
}

Test(vector, the_same_bits_at_every_isa_in_deterministic_mode)
{
    /* Moments, cosines and an expression of two outputs: with the
     * deterministic backend every ISA gives the bits of the scalar one. */
    sq_integrand g = sq_fn_kernel("gauss_cos");
    sq_expr *e = sq_expr_compile("exp(-x)*sin(5*x); x*exp(-x)", NULL);
    sq_vec_integrand fs[3] = {sq_vfn_moments(&g, 12), sq_vfn_cosine(&g, 12, 0.7),
                              sq_vfn_expr(e, NULL)};
    for (int f = 0; f < 3; f++) {
        double ref[12], v[12], err[12];
        sq_result r;
        int have_ref = 0;
        for (int isa = SQ_ISA_SCALAR; isa < SQ_ISA_COUNT; isa++) {
            if (!sq_math_supported(SQ_MATH_DETERMINISTIC, (sq_isa)isa))
                continue;
            sq_options o = opts(0, 1e-11);
            o.isa = (sq_isa)isa;
            o.math = SQ_MATH_DETERMINISTIC;
            cr_assert_eq(sq_integrate_vec(NULL, &fs[f], 0, 8, &o, v, err, &r), SQ_OK);
            if (!have_ref) {
                memcpy(ref, v, sizeof ref);
                have_ref = 1;
            }
            cr_expect_eq(memcmp(ref, v, fs[f].K * sizeof *v), 0, "integrand %d at %s", f,
                         sq_isa_name((sq_isa)isa));
        }
    }
    sq_expr_free(e);
}

static int never(double x, double *y, void *ctx)
{
    (void)x;
    (void)ctx;
    *y = 0;
    return 0;
}

Test(vector, every_check_names_its_field)
{
    sq_options o = opts(0, 1e-10);
    double v[4], e[4];
    sq_result r;
    /* A family without parameters, an expensive base, too many components. */
    sq_integrand fam = sq_fn_family("genz_gaussian", NULL);
    sq_vec_integrand m = sq_vfn_moments(&fam, 4);
    cr_expect_eq(sq_integrate_vec(NULL, &m, 0, 1, &o, v, e, &r), SQ_BAD_INPUT);
    cr_expect(strstr(r.detail, "params") != NULL, "%s", r.detail);
    sq_integrand pt = sq_fn_point(never, NULL);
    sq_vec_integrand mp = sq_vfn_sine(&pt, 4, 1.0);
    cr_expect_eq(sq_integrate_vec(NULL, &mp, 0, 1, &o, v, e, &r), SQ_BAD_INPUT);
    cr_expect(strstr(r.detail, "cheap") != NULL, "%s", r.detail);
    sq_vec_integrand big = sq_vfn_moments(&fam, SQ_VEC_MAX_COMPONENTS + 1);
    cr_expect_eq(sq_integrate_vec(NULL, &big, 0, 1, &o, v, e, &r), SQ_BAD_INPUT);
    /* An expression's parameters: missing, and rows narrower than it reads. */
    sq_expr *x = sq_expr_compile("p0*x; p1*x", NULL);
    sq_vec_integrand fx = sq_vfn_expr(x, NULL);
    cr_expect_eq(sq_integrate_vec(NULL, &fx, 0, 1, &o, v, e, &r), SQ_BAD_INPUT);
    double a[2] = {0, 0}, b[2] = {1, 1}, p[2] = {1, 2};
    sq_batch bt = {.n = 2, .a = a, .b = b, .params = p, .nparams = 1};
    double bv[4], be[4];
    sq_result br[2];
    cr_expect_eq(sq_integrate_vec_batch(NULL, &fx, &bt, &o, bv, be, br), SQ_BAD_INPUT);
    cr_expect(strstr(br[1].detail, "nparams") != NULL, "%s", br[1].detail);
    sq_vec_integrand fm = sq_vfn_moments(&fam, 2);
    cr_expect_eq(sq_integrate_vec_batch(NULL, &fm, &bt, &o, bv, be, br), SQ_BAD_INPUT);
    /* Breakpoints outside the range, or not finite. */
    double bad_pts[1] = {2};
    o.points = bad_pts;
    o.npoints = 1;
    sq_integrand g = sq_fn_kernel("gauss");
    sq_vec_integrand mg = sq_vfn_moments(&g, 4);
    cr_expect_eq(sq_integrate_vec(NULL, &mg, 0, 1, &o, v, e, &r), SQ_BAD_INPUT);
    bad_pts[0] = NAN;
    cr_expect_eq(sq_integrate_vec(NULL, &mg, 0, 1, &o, v, e, &r), SQ_BAD_INPUT);
    /* A workspace keeps what the vector engine grew, and takes another K. */
    sq_workspace *ws = sq_workspace_new();
    o = opts(0, 1e-10);
    sq_integrate_vec(ws, &mg, 0, 3, &o, v, e, &r);
    size_t bytes = sq_workspace_bytes(ws);
    cr_expect_gt(bytes, 0);
    sq_vec_integrand m2 = sq_vfn_moments(&g, 2);
    double w[2], we[2];
    sq_integrate_vec(ws, &m2, 0, 3, &o, w, we, &r);
    /* The same integrals on another subdivision: within their errors. */
    for (int k = 0; k < 2; k++)
        cr_expect_leq(fabs(w[k] - v[k]), e[k] + we[k]);
    sq_workspace_free(ws);
    sq_expr_free(x);
}
