/* SPDX-License-Identifier: MIT */
#include "adversary.h"

#include <float.h>
#include <math.h>
#include <stdint.h>

static uint64_t mix(uint64_t z)
{
    z += 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* The k-th uniform in [0, 1) of draw i. */
static double uni(unsigned long long seed, size_t i, int k)
{
    uint64_t z = mix(mix(seed) ^ mix((uint64_t)i * 16 + (uint64_t)k));
    return (double)(z >> 11) * 0x1p-53;
}

const char *adv_name(adv_class c)
{
    return c == ADV_LOST_PEAK        ? "narrow peak"
           : c == ADV_FAR_PEAK       ? "far peak on a wide range"
           : c == ADV_INTERIOR_SING  ? "interior singularity, no breakpoint"
           : c == ADV_ALGEBRAIC_TAIL ? "algebraic tail on [0, inf)"
                                     : "fast decay at a breakpoint";
}

const char *adv_formula(adv_class c)
{
    return c == ADV_BREAK_DECAY      ? "where(x<p0, 1, exp(-p1*(x-p0)))"
           : c == ADV_INTERIOR_SING  ? "abs(x-p0)^(-p1)"
           : c == ADV_ALGEBRAIC_TAIL ? "(x+p0)^(-p1)"
                                     : "exp(-((x-p0)*p1)^2)";
}

adv_draw adv_draw_of(adv_class c, unsigned long long seed, size_t i)
{
    adv_draw d;
    if (c == ADV_LOST_PEAK) {
        /* [0, 1] or [-1, 1]; the centre within w/2 of one of the 21
         * nodes of the first Gauss-Kronrod rule, which sees it. */
        int sym = uni(seed, i, 0) < 0.5;
        d.a = sym ? -1 : 0;
        d.b = 1;
        double w = pow(10.0, -3 - 3 * uni(seed, i, 4));
        double off = (uni(seed, i, 5) - 0.5) * w;
        static const double xgk[11] = {
            0.995657163025808080735527280689003, 0.973906528517171720077964012084452,
            0.930157491355708226001207180059508, 0.865063366688984510732096688423493,
            0.780817726586416897063717578345042, 0.679409568299024406234327365114874,
            0.562757134668604683339000099272694, 0.433395394129247190799265943165784,
            0.294392862701460198131126603103866, 0.148874338981631210884826001129720,
            0};
        int k = (int)(21 * uni(seed, i, 2));
        double t = k <= 10 ? -xgk[k] : xgk[k - 11];
        double m = 0.5 * (d.a + d.b) + 0.5 * (d.b - d.a) * t;
        m += off;
        d.p[0] = m;
        d.p[1] = 1 / w;
        d.point = NAN;
        d.epsabs = 1e-3 * w;       /* a thousandth of the peak's mass */
    } else if (c == ADV_FAR_PEAK) {
        /* Zeros at every node unless the rule comes close: the verdict
         * must then not be `ok`. */
        double w = pow(10.0, -2 + 3 * uni(seed, i, 1));
        double m = pow(10.0, 1 + 5 * uni(seed, i, 2));
        int kind = (int)(3 * uni(seed, i, 0));
        if (kind == 0) {
            double half = m * (1 + 9 * uni(seed, i, 3));
            d.a = -half;
            d.b = half;
        } else {
            d.a = kind == 1 ? -INFINITY : 0;
            d.b = INFINITY;
        }
        if (kind != 2 && uni(seed, i, 4) < 0.5)
            m = -m;
        d.p[0] = m;
        d.p[1] = 1 / w;
        d.point = NAN;
        d.epsabs = 1e-3 * w;
    } else if (c == ADV_INTERIOR_SING || c == ADV_ALGEBRAIC_TAIL) {
        int sing = c == ADV_INTERIOR_SING;
        d.a = 0;
        d.b = sing ? 1 : INFINITY;
        d.p[0] = sing ? 0.05 + 0.9 * uni(seed, i, 1) : 0.5 + 3.5 * uni(seed, i, 1);
        d.p[1] = sing ? 0.1 + 0.7 * uni(seed, i, 2) : 1.05 + 1.95 * uni(seed, i, 2);
        d.point = NAN;
        d.epsabs = pow(10.0, -4 - 6 * uni(seed, i, 3)) * (double)adv_exact(c, &d);
    } else {
        d.a = 0;
        d.b = 1;
        double p = 0.1 + 0.8 * uni(seed, i, 1);
        if (uni(seed, i, 2) < 0.5)
            p = ldexp(floor(ldexp(p, 6)), -6);   /* a dyadic breakpoint */
        d.p[0] = p;
        d.p[1] = pow(10.0, 3 + 4 * uni(seed, i, 3));
        d.point = p;
        d.epsabs = 1e-3 / d.p[1];  /* a thousandth of the tail's mass */
    }
    return d;
}

double adv_value(adv_class c, const adv_draw *d, double x)
{
    if (c == ADV_INTERIOR_SING)
        return pow(fabs(x - d->p[0]), -d->p[1]);
    if (c == ADV_ALGEBRAIC_TAIL)
        return pow(x + d->p[0], -d->p[1]);
    if (c != ADV_BREAK_DECAY) {
        double u = (x - d->p[0]) * d->p[1];
        return exp(-u * u);
    }
    return x < d->p[0] ? 1.0 : exp(-d->p[1] * (x - d->p[0]));
}

long double adv_exact(adv_class c, const adv_draw *d)
{
    long double q = d->p[0], s = d->p[1];
    if (c == ADV_INTERIOR_SING)   /* (m^(1-a) + (1-m)^(1-a)) / (1-a) */
        return (powl(q, 1 - s) + powl(1 - q, 1 - s)) / (1 - s);
    if (c == ADV_ALGEBRAIC_TAIL)  /* c^(1-b) / (b-1) */
        return powl(q, 1 - s) / (s - 1);
    if (c != ADV_BREAK_DECAY) {
        long double k = d->p[1], m = d->p[0];
        long double rp = 1.772453850905516027298167483341145182798L; /* sqrt(pi) */
        return rp / (2 * k) * (erfl(((long double)d->b - m) * k)
                               - erfl(((long double)d->a - m) * k));
    }
    long double p = d->p[0], k = d->p[1];
    return (p - (long double)d->a) + (1 - expl(-k * ((long double)d->b - p))) / k;
}

int adv_false(double value, double error, long double exact, double epsabs)
{
    double err = (double)fabsl((long double)value - exact);
    double slack = 2 * DBL_EPSILON * (double)fabsl(exact);
    return err > fmax(error, slack) && err > fmax(epsabs, slack);
}

int adv_run(adv_class c, unsigned long long seed, size_t draws,
            const sq_options *opt, size_t *ok, size_t *false_success)
{
    sq_expr *e = sq_expr_compile(adv_formula(c), NULL);
    if (e == NULL)
        return -1;
    sq_workspace *ws = sq_workspace_new();
    *ok = *false_success = 0;
    for (size_t i = 0; i < draws; i++) {
        adv_draw d = adv_draw_of(c, seed, i);
        sq_integrand f = sq_fn_expr(e, d.p);
        sq_options o = *opt;
        o.epsabs = d.epsabs;
        o.epsrel = 0;
        o.points = isnan(d.point) ? NULL : &d.point;
        o.npoints = isnan(d.point) ? 0 : 1;
        sq_result r;
        if (sq_integrate_ws(ws, &f, d.a, d.b, &o, &r) != SQ_OK)
            continue;
        ++*ok;
        *false_success += (size_t)adv_false(r.value, r.error, adv_exact(c, &d),
                                            d.epsabs);
    }
    sq_workspace_free(ws);
    sq_expr_free(e);
    return 0;
}
