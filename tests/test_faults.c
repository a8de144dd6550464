/* SPDX-License-Identifier: MIT */
/*
 * Allocation failure, injected: for every public entry point, the k-th
 * allocation of the library fails (once, or from then on) for every k
 * the call makes. Each call must come back with SQ_NOMEM (or, when the
 * failed allocation only served speed, the normal result), leak nothing
 * (the sanitizer and valgrind jobs run this suite), and the next call
 * must work and give the same bits as before.
 *
 * The test build of the library (simdquad_faults) consults
 * sq_test_alloc_hook, a weak symbol this suite defines; the libraries
 * users link have no hook (test_api checks that).
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdatomic.h>
#include <string.h>

#include "simdquad.h"

static atomic_long counter;       /* allocations seen since arm() */
static atomic_long fail_at;       /* the first to refuse (0: none) */
static atomic_int forever;        /* refuse every later one too */

int sq_test_alloc_hook(size_t bytes);

int sq_test_alloc_hook(size_t bytes)
{
    (void)bytes;
    long k = atomic_fetch_add(&counter, 1) + 1;
    long at = atomic_load(&fail_at);
    if (at == 0)
        return 0;
    return k == at || (atomic_load(&forever) && k > at);
}

static void arm(long k, int always)
{
    atomic_store(&counter, 0);
    atomic_store(&forever, always);
    atomic_store(&fail_at, k);
}

static long disarm(void)
{
    atomic_store(&fail_at, 0);
    return atomic_load(&counter);
}

/* One public call, its result summarized for comparison. */
typedef struct outcome {
    sq_status status;
    double value, error;
    size_t evals;
} outcome;

typedef outcome (*scenario)(void);

static int same(outcome a, outcome b)
{
    return a.status == b.status && a.evals == b.evals
           && memcmp(&a.value, &b.value, sizeof a.value) == 0
           && memcmp(&a.error, &b.error, sizeof a.error) == 0;
}

static outcome of(const sq_result *r)
{
    outcome o = {r->status, r->value, r->error, r->evals};
    return o;
}

/* For each k the scenario's clean run allocates: fail the k-th (once, then
 * forever), expect NOMEM or the clean result, then a clean run again. */
static void inject(const char *name, scenario run)
{
    arm(0, 0);
    outcome clean = run();
    long total = disarm();
    cr_assert_gt(total, 0, "%s allocates nothing?", name);
    long nomem = 0;
    for (int always = 0; always < 2; always++)
        for (long k = 1; k <= total; k++) {
            arm(k, always);
            outcome o = run();
            disarm();
            cr_assert(o.status == SQ_NOMEM || same(o, clean),
                      "%s, allocation %ld failing%s: %s", name, k,
                      always ? " forever" : " once", sq_status_name(o.status));
            nomem += o.status == SQ_NOMEM;
            outcome again = run();
            cr_assert(same(again, clean), "%s: the call after failing allocation %ld "
                      "gives %s", name, k, sq_status_name(again.status));
        }
    cr_assert_gt(nomem, 0, "%s: no failure was reported", name);
}

/* ---- the scenarios --------------------------------------------------------------- */

static outcome gk_kernel(void)
{
    sq_integrand f = sq_fn_kernel("gauss_cos");
    sq_result r;
    sq_options o;
    sq_options_init(&o);
    o.threads = 2;
    sq_integrate(&f, -INFINITY, INFINITY, &o, &r);
    return of(&r);
}

static int logsqrt(size_t n, const double *x, double *y, void *ctx)
{
    (void)ctx;
    for (size_t i = 0; i < n; i++)
        y[i] = log(x[i]) / sqrt(x[i]);
    return 0;
}

static outcome gk_singular(void)
{
    sq_integrand f = sq_fn_batch(logsqrt, NULL);
    sq_result r;
    double pts[2] = {0.25, 0.5};
    sq_options o;
    sq_options_init(&o);
    o.points = pts;
    o.npoints = 2;
    sq_integrate(&f, 0, 1, &o, &r);
    return of(&r);
}

static int sinc(size_t n, const double *x, double *y, void *ctx)
{
    (void)ctx;
    for (size_t i = 0; i < n; i++)
        y[i] = x[i] == 0 ? 1.0 : sin(x[i]) / x[i];
    return 0;
}

/* sin(x)/x on [0, inf): extrapolation is under way when memory runs out,
 * and its judgement of the sums (divergence, a stuck table) must not hide
 * that: the status stays SQ_NOMEM. */
static outcome gk_extrapolating(void)
{
    sq_integrand f = sq_fn_batch(sinc, NULL);
    sq_result r;
    sq_options o;
    sq_options_init(&o);
    o.threads = 1;
    o.max_evals = 60000;
    sq_integrate(&f, 0, INFINITY, &o, &r);
    return of(&r);
}

static outcome simpson(void)
{
    sq_integrand f = sq_fn_kernel("cos");
    sq_options o;
    sq_options_init(&o);
    o.rule = SQ_RULE_SIMPSON;
    o.epsabs = 1e-9;
    o.epsrel = 0;
    o.threads = 2;
    double pts[1] = {10};
    o.points = pts;
    o.npoints = 1;
    sq_result r;
    sq_integrate(&f, 0, 40, &o, &r);
    return of(&r);
}

static outcome with_workspace(void)
{
    sq_workspace *ws = sq_workspace_new();
    if (ws == NULL) {
        outcome o = {SQ_NOMEM, 0, 0, 0};
        return o;
    }
    sq_integrand f = sq_fn_kernel("exp");
    sq_result r;
    sq_integrate_ws(ws, &f, 0, 30, NULL, &r);
    sq_result r2;
    sq_integrate_ws(ws, &f, 0, 30, NULL, &r2);   /* reuses the buffers */
    sq_workspace_free(ws);
    if (r.status == SQ_OK && r2.status == SQ_NOMEM)
        return of(&r2);
    return of(&r);
}

static outcome batch(void)
{
    enum { N = 300 };
    static double a[N], b[N], p[2 * N];
    for (size_t i = 0; i < N; i++) {
        a[i] = 0;
        b[i] = 1;
        p[2 * i] = 2 + (double)(i % 10);
        p[2 * i + 1] = (double)(i % 7) / 7;
    }
    sq_integrand f = sq_fn_family("genz_continuous", NULL);
    sq_batch bt = {.n = N, .a = a, .b = b, .params = p, .nparams = 2};
    sq_options o;
    sq_options_init(&o);
    o.threads = 2;
    static sq_result r[N];
    sq_integrate_batch(NULL, &f, &bt, &o, r);
    /* One outcome for the whole batch: NOMEM if any problem had it. */
    outcome out = of(&r[N - 1]);
    double sum = 0;
    for (size_t i = 0; i < N; i++) {
        if (r[i].status == SQ_NOMEM)
            out.status = SQ_NOMEM;
        sum += r[i].value;
    }
    out.value = sum;
    return out;
}

static outcome expression(void)
{
    sq_expr_error err;
    sq_expr *e = sq_expr_compile("exp(-p0*x^2) * cos(p1*x) + where(x > 1, 0, 1)", &err);
    if (e == NULL) {
        outcome o = {strstr(err.message, "memory") ? SQ_NOMEM : SQ_BAD_INPUT, 0, 0, 0};
        return o;
    }
    double p[2] = {1, 3};
    sq_integrand f = sq_fn_expr(e, p);
    sq_result r;
    double pts[1] = {1};
    sq_options o;
    sq_options_init(&o);
    o.points = pts;
    o.npoints = 1;
    sq_integrate(&f, -5, 5, &o, &r);
    double x[300], y[300];
    for (int i = 0; i < 300; i++)
        x[i] = i / 100.0;
    sq_status s = sq_expr_eval(e, SQ_ISA_AUTO, 300, x, p, 0, y);
    sq_expr_free(e);
    if (s == SQ_NOMEM)
        r.status = SQ_NOMEM;
    return of(&r);
}

static int point(double x, double *y, void *ctx)
{
    (void)ctx;
    *y = sin(x) / (1 + x * x);
    return 0;
}

static outcome expensive(void)
{
    sq_integrand f = sq_fn_point(point, NULL);
    sq_options o;
    sq_options_init(&o);
    o.workers = 4;
    o.rule = SQ_RULE_SIMPSON;
    o.epsabs = 1e-8;
    o.epsrel = 0;
    sq_result r;
    sq_integrate(&f, 0, 5, &o, &r);
    return of(&r);
}

/* Vector integrands: one outcome from all components. */
static outcome of_vec(const sq_result *r, const double *v, const double *e, size_t K)
{
    outcome o = of(r);
    o.value = o.error = 0;
    for (size_t k = 0; k < K; k++) {
        o.value += v[k];
        o.error += e[k];
    }
    return o;
}

static outcome vector_single(void)
{
    /* Moments on an infinite range, tiles on two threads, then the same
     * workspace for a call of another K. */
    sq_integrand g = sq_fn_kernel("gauss");
    sq_vec_integrand m8 = sq_vfn_moments(&g, 8), c3 = sq_vfn_cosine(&g, 3, 2.0);
    sq_options o;
    sq_options_init(&o);
    o.threads = 2;
    o.epsabs = 1e-10;
    double v[11], e[11];
    sq_result r, r2;
    sq_workspace *ws = sq_workspace_new();
    if (ws == NULL) {
        outcome out = {SQ_NOMEM, 0, 0, 0};
        return out;
    }
    sq_integrate_vec(ws, &m8, -INFINITY, INFINITY, &o, v, e, &r);
    sq_integrate_vec(ws, &c3, 0, 4, &o, v + 8, e + 8, &r2);
    sq_workspace_free(ws);
    outcome out = of_vec(&r, v, e, 11);
    if (r2.status == SQ_NOMEM)
        out.status = SQ_NOMEM;
    out.evals += r2.evals;
    return out;
}

static outcome vector_batch(void)
{
    /* An expression of three outputs over a batch on two threads, with
     * breakpoint rows. */
    sq_expr_error err;
    sq_expr *x = sq_expr_compile("abs(x-p0); x*abs(x-p0); exp(-x)", &err);
    if (x == NULL) {
        outcome o = {strstr(err.message, "memory") ? SQ_NOMEM : SQ_BAD_INPUT, 0, 0, 0};
        return o;
    }
    enum { N = 40 };
    static double a[N], b[N], p[N], v[3 * N], e[3 * N];
    static sq_result r[N];
    for (size_t i = 0; i < N; i++) {
        a[i] = 0;
        b[i] = 1 + (double)(i % 3);
        p[i] = 0.1 + 0.02 * (double)i;
    }
    sq_vec_integrand f = sq_vfn_expr(x, NULL);
    sq_batch bt = {.n = N, .a = a, .b = b, .params = p, .nparams = 1, .points = p,
                   .npoints = 1};
    sq_options o;
    sq_options_init(&o);
    o.threads = 2;
    o.epsabs = 1e-12;
    sq_integrate_vec_batch(NULL, &f, &bt, &o, v, e, r);
    sq_expr_free(x);
    outcome out = of_vec(&r[N - 1], v, e, 3 * N);
    for (size_t i = 0; i < N; i++)
        if (r[i].status == SQ_NOMEM)
            out.status = SQ_NOMEM;
    return out;
}

static int vec_point(double x, size_t K, double *y, void *ctx)
{
    (void)ctx;
    for (size_t k = 0; k < K; k++)
        y[k] = sin((double)(k + 1) * x) / (1 + x * x);
    return 0;
}

static outcome vector_expensive(void)
{
    sq_vec_integrand f = sq_vfn_point(vec_point, 4, NULL);
    sq_options o;
    sq_options_init(&o);
    o.workers = 4;
    o.epsabs = 1e-9;
    double v[4], e[4];
    sq_result r;
    sq_integrate_vec(NULL, &f, 0, 5, &o, v, e, &r);
    return of_vec(&r, v, e, 4);
}

Test(faults, vector_integrands) { inject("vector", vector_single); }
Test(faults, vector_batches, .timeout = 120) { inject("vector batch", vector_batch); }
Test(faults, vector_expensive_points) { inject("vector points", vector_expensive); }

Test(faults, gauss_kronrod_on_an_infinite_range) { inject("gk", gk_kernel); }
Test(faults, extrapolation_and_breakpoints) { inject("singular", gk_singular); }
Test(faults, extrapolation_in_progress) { inject("extrapolating", gk_extrapolating); }
Test(faults, simpson_with_pieces) { inject("simpson", simpson); }
Test(faults, workspaces) { inject("workspace", with_workspace); }
Test(faults, batches_on_two_threads, .timeout = 120) { inject("batch", batch); }
Test(faults, expressions) { inject("expression", expression); }
Test(faults, expensive_integrands) { inject("expensive", expensive); }
