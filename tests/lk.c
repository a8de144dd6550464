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
        return "|x-l|^a, a in [-0.9, 1]";
    if (f == LK_STEP)
        return "x < l ? 0.25 : 1.5 + x";
    return "1/((x-l)^2 + d^2)";
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
    for (size_t i = 0; i < n; i++) {
        double d = x[i] - c->lam[pid[i]];
        switch (c->f) {
        case LK_POWER:
            y[i] = pow(fabs(d), c->alpha[pid[i]]);
            break;
        case LK_STEP:
            y[i] = d < 0 ? 0.25 : 1.5 + x[i];
            break;
        default:
            y[i] = 1 / (d * d + c->delta * c->delta);
            break;
        }
    }
    return 0;
}

/* The closed form, in long double, for the double parameters actually used
 * (the integrand's own delta^2 is the rounded square, as computed). */
static long double lk_exact(const lk_ctx *c, size_t i)
{
    long double l = c->lam[i];
    switch (c->f) {
    case LK_POWER: {
        long double a1 = (long double)c->alpha[i] + 1;
        return (powl(l, a1) + powl(1 - l, a1)) / a1;
    }
    case LK_STEP:
        return 0.25L * l + 1.5L * (1 - l) + (1 - l * l) / 2;
    default: {
        long double d = sqrtl((long double)(c->delta * c->delta));
        return (atanl((1 - l) / d) + atanl(l / d)) / d;
    }
    }
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

int lk_run(lk_family f, const lk_config *cfg, double epsrel, size_t draws,
           unsigned long long seed, lk_stats *out)
{
    double *lam = malloc(draws * sizeof *lam);
    double *alpha = malloc(draws * sizeof *alpha);
    double *a = malloc(draws * sizeof *a), *b = malloc(draws * sizeof *b);
    sq_result *r = malloc(draws * sizeof *r);
    if (!lam || !alpha || !a || !b || !r) {
        free(lam);
        free(alpha);
        free(a);
        free(b);
        free(r);
        return -1;
    }
    uint64_t s = seed * 0x9E3779B97F4A7C15ULL + (uint64_t)f + 1;
    for (size_t i = 0; i < draws; i++) {
        lam[i] = lk_uniform(&s, 0, 1);
        alpha[i] = lk_uniform(&s, -0.9, 1);
        a[i] = 0;
        b[i] = 1;
    }
    lk_ctx c = {f, lam, alpha, 0};
    if (f >= LK_POLE1 && f <= LK_POLE6)
        c.delta = pow(10, -(double)(f - LK_POLE1 + 1));
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
        long double exact = lk_exact(&c, i);
        double err = (double)fabsl((long double)r[i].value - exact);
        double scale = (double)fabsl(exact);
        double slack = 2 * DBL_EPSILON * scale;
        double tol = epsrel * scale;
        if (err > fmax(r[i].error, slack) || err > fmax(tol, slack))
            st.false_success++;
        if (err / tol > st.worst_ratio)
            st.worst_ratio = err / tol;
    }
    *out = st;
    free(lam);
    free(alpha);
    free(a);
    free(b);
    free(r);
    return 0;
}
