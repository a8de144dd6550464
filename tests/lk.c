/* SPDX-License-Identifier: MIT */
#include "lk.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

const lk_config lk_configs[] = {
    {"gk21 global (default)", SQ_RULE_GK21, SQ_CONTROL_GLOBAL},
    {"gk15 global", SQ_RULE_GK15, SQ_CONTROL_GLOBAL},
    {"gk21 local", SQ_RULE_GK21, SQ_CONTROL_LOCAL},
    {"simpson", SQ_RULE_SIMPSON, SQ_CONTROL_LOCAL},
};
const size_t lk_config_count = sizeof lk_configs / sizeof *lk_configs;

const char *lk_name(lk_family f)
{
    static const char *const names[] = {
        "power", "pole 1e-1", "pole 1e-2", "pole 1e-3", "pole 1e-4",
        "pole 1e-5", "pole 1e-6", "step"};
    return f < LK_FAMILY_COUNT ? names[f] : "?";
}

const char *lk_formula(lk_family f)
{
    if (f == LK_POWER)
        return "abs(x-l)^a, a in [-0.9, 1]";
    if (f == LK_STEP)
        return "x < l ? 0.25 : 1.5 + x";
    return "1/((x-l)^2 + d^2)";
}

static uint64_t lk_next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static double lk_uniform(uint64_t *s, double lo, double hi)
{
    return lo + (hi - lo) * (double)(lk_next(s) >> 11) * 0x1p-53;
}

void lk_draw(lk_family f, size_t draws, unsigned long long seed, double *lam,
             double *alpha, double *delta)
{
    uint64_t s = seed * 0x9E3779B97F4A7C15ULL + (uint64_t)f + 1;
    for (size_t i = 0; i < draws; i++) {
        lam[i] = lk_uniform(&s, 0, 1);
        alpha[i] = lk_uniform(&s, -0.9, 1);
    }
    *delta = f >= LK_POLE1 && f <= LK_POLE6 ? pow(10, -(double)(f - LK_POLE1 + 1))
                                            : 0.0;
}

double lk_value(lk_family f, double x, double lam, double alpha, double delta)
{
    double d = x - lam;
    if (f == LK_POWER)
        return pow(fabs(d), alpha);
    if (f == LK_STEP)
        return d < 0 ? 0.25 : 1.5 + x;
    return 1 / (d * d + delta * delta);
}

/* For the double parameters actually used: the integrand's delta^2 is the
 * rounded square, as computed. */
long double lk_exact(lk_family f, double lam, double alpha, double delta)
{
    long double l = lam;
    if (f == LK_POWER) {
        long double a1 = (long double)alpha + 1;
        return (powl(l, a1) + powl(1 - l, a1)) / a1;
    }
    if (f == LK_STEP)
        return 0.25L * l + 1.5L * (1 - l) + (1 - l * l) / 2;
    long double d = sqrtl((long double)(delta * delta));
    return (atanl((1 - l) / d) + atanl(l / d)) / d;
}

int lk_false(double value, double error, long double exact, double epsrel)
{
    double err = (double)fabsl((long double)value - exact);
    double scale = (double)fabsl(exact);
    double slack = 2 * DBL_EPSILON * scale;
    return err > fmax(error, slack) || err > fmax(epsrel * scale, slack);
}

typedef struct {
    lk_family f;
    const double *lam, *alpha;
    double delta;
} lk_ctx;

static int lk_fn(size_t n, const double *x, const size_t *pid, double *y,
                 void *ctx)
{
    const lk_ctx *c = ctx;
    for (size_t i = 0; i < n; i++)
        y[i] = lk_value(c->f, x[i], c->lam[pid[i]], c->alpha[pid[i]], c->delta);
    return 0;
}

int lk_run(lk_family f, const lk_config *cfg, double epsrel, size_t draws,
           unsigned long long seed, lk_stats *out)
{
    double *lam = malloc(draws * sizeof *lam);
    double *alpha = malloc(draws * sizeof *alpha);
    double *a = calloc(draws, sizeof *a), *b = malloc(draws * sizeof *b);
    sq_result *r = malloc(draws * sizeof *r);
    int status = -1;
    if (!lam || !alpha || !a || !b || !r)
        goto done;
    lk_ctx c = {f, lam, alpha, 0};
    lk_draw(f, draws, seed, lam, alpha, &c.delta);
    for (size_t i = 0; i < draws; i++)
        b[i] = 1;
    sq_integrand g = sq_fn_param(lk_fn, &c);
    sq_batch batch = {.n = draws, .a = a, .b = b};
    sq_options o;
    sq_options_init(&o);
    o.rule = cfg->rule;
    o.control = cfg->control;
    o.epsabs = 0;
    o.epsrel = epsrel;
    o.max_evals = 100000;      /* the hopeless draws end at a budget */
    sq_integrate_batch(NULL, &g, &batch, &o, r);

    lk_stats st = {.draws = draws};
    for (size_t i = 0; i < draws; i++) {
        st.evals += r[i].evals;
        if (r[i].status != SQ_OK)
            continue;
        st.ok++;
        st.false_success += (size_t)lk_false(r[i].value, r[i].error,
                                              lk_exact(f, lam[i], alpha[i], c.delta),
                                              epsrel);
    }
    *out = st;
    status = 0;
done:
    free(lam);
    free(alpha);
    free(a);
    free(b);
    free(r);
    return status;
}
