/* SPDX-License-Identifier: MIT */
/*
 * Exact values of the battery, computed with MPFR: the closed form where
 * there is one, tanh-sinh quadrature at 320 bits otherwise. Parameters that
 * the integrands take as doubles (0.3, 0.42, pi rounded to double, ...)
 * enter here as the same doubles, so the reference is the integral of the
 * function the battery actually evaluates.
 */
#include "reference.h"

#include <math.h>
#include <string.h>

enum { PREC = 320 };

typedef void (*mp_fn)(mpfr_t y, const mpfr_t x);

/* ---- tanh-sinh ---------------------------------------------------------------- */

/*
 * Integral of g over [a, b], g analytic inside (singularities only at the
 * ends). Nodes are generated as distances from the nearer end, so endpoint
 * singularities are evaluated to full precision.
 */
static void tanh_sinh(mpfr_t out, mp_fn g, double a, double b)
{
    mpfr_t c, h, t, u, d, x, y, w, s, prev, term, half_pi, step, tmp;
    mpfr_inits2(PREC, c, h, t, u, d, x, y, w, s, prev, term, half_pi, step, tmp,
                (mpfr_ptr)0);
    mpfr_set_d(c, a, MPFR_RNDN);
    mpfr_add_d(c, c, b, MPFR_RNDN);
    mpfr_div_2ui(c, c, 1, MPFR_RNDN);
    mpfr_set_d(h, b, MPFR_RNDN);
    mpfr_sub_d(h, h, a, MPFR_RNDN);
    mpfr_div_2ui(h, h, 1, MPFR_RNDN);
    mpfr_const_pi(half_pi, MPFR_RNDN);
    mpfr_div_2ui(half_pi, half_pi, 1, MPFR_RNDN);

    /* Level 0: step 1. Each level halves the step and adds the new nodes. */
    mpfr_set_zero(s, 1);
    const double tmax = 4.5;
    for (int level = 0; level <= 14; level++) {
        mpfr_set_ui(step, 1, MPFR_RNDN);
        mpfr_div_2ui(step, step, (unsigned long)level, MPFR_RNDN);
        long nmax = (long)(tmax * (double)(1L << level));
        /* At level 0 every node is new; later only the odd multiples. */
        long first = level == 0 ? 0 : 1, stride = level == 0 ? 1 : 2;
        for (long j = first; j <= nmax; j += stride) {
            mpfr_mul_si(t, step, j, MPFR_RNDN);
            if (j == 0) {
                g(y, c);
                mpfr_mul(term, y, half_pi, MPFR_RNDN);
                mpfr_add(s, s, term, MPFR_RNDN);
                continue;
            }
            /* u = pi/2 sinh t, d = 1 - tanh u = 2 / (exp(2u) + 1) */
            mpfr_sinh(u, t, MPFR_RNDN);
            mpfr_mul(u, u, half_pi, MPFR_RNDN);
            mpfr_mul_2ui(tmp, u, 1, MPFR_RNDN);
            mpfr_exp(tmp, tmp, MPFR_RNDN);
            mpfr_add_ui(tmp, tmp, 1, MPFR_RNDN);
            mpfr_ui_div(d, 2, tmp, MPFR_RNDN);
            /* weight pi/2 cosh t sech^2 u, with sech^2 u = d (2 - d) */
            mpfr_cosh(w, t, MPFR_RNDN);
            mpfr_mul(w, w, half_pi, MPFR_RNDN);
            mpfr_ui_sub(tmp, 2, d, MPFR_RNDN);
            mpfr_mul(tmp, tmp, d, MPFR_RNDN);
            mpfr_mul(w, w, tmp, MPFR_RNDN);
            if (mpfr_zero_p(w))
                break;
            mpfr_mul(d, d, h, MPFR_RNDN);          /* distance from an end */
            mpfr_set_d(x, b, MPFR_RNDN);
            mpfr_sub(x, x, d, MPFR_RNDN);
            g(y, x);
            mpfr_mul(term, y, w, MPFR_RNDN);
            mpfr_add(s, s, term, MPFR_RNDN);
            mpfr_set_d(x, a, MPFR_RNDN);
            mpfr_add(x, x, d, MPFR_RNDN);
            g(y, x);
            mpfr_mul(term, y, w, MPFR_RNDN);
            mpfr_add(s, s, term, MPFR_RNDN);
        }
        /* The estimate at this level: h * step * s. */
        mpfr_mul(tmp, s, step, MPFR_RNDN);
        mpfr_mul(tmp, tmp, h, MPFR_RNDN);
        if (level >= 3) {
            mpfr_sub(term, tmp, prev, MPFR_RNDN);
            mpfr_abs(term, term, MPFR_RNDN);
            mpfr_mul_2si(y, tmp, -200, MPFR_RNDN);
            mpfr_abs(y, y, MPFR_RNDN);
            if (mpfr_lessequal_p(term, y)) {
                mpfr_set(prev, tmp, MPFR_RNDN);
                break;
            }
        }
        mpfr_set(prev, tmp, MPFR_RNDN);
    }
    mpfr_set(out, prev, MPFR_RNDN);
    mpfr_clears(c, h, t, u, d, x, y, w, s, prev, term, half_pi, step, tmp,
                (mpfr_ptr)0);
}

/* ---- integrands in MPFR, for the problems without a closed form ------------------ */

static void m_gg05(mpfr_t y, const mpfr_t x)
{
    mpfr_t x2;
    mpfr_init2(x2, PREC);
    mpfr_sqr(x2, x, MPFR_RNDN);
    mpfr_sqr(y, x2, MPFR_RNDN);
    mpfr_add(y, y, x2, MPFR_RNDN);
    mpfr_add_d(y, y, 0.9, MPFR_RNDN);
    mpfr_ui_div(y, 1, y, MPFR_RNDN);
    mpfr_clear(x2);
}

static void m_gg12(mpfr_t y, const mpfr_t x)
{
    mpfr_t e;
    mpfr_init2(e, PREC);
    mpfr_expm1(e, x, MPFR_RNDN);
    mpfr_div(y, x, e, MPFR_RNDN);
    mpfr_clear(e);
}

/* The battery's integrands use pi rounded to double; so do these, since an
 * oscillatory integral is sensitive to its frequency. */
static const double PI_D = 3.14159265358979323846;

static void m_gg09(mpfr_t y, const mpfr_t x)
{
    mpfr_mul_d(y, x, 10 * PI_D, MPFR_RNDN);
    mpfr_sin(y, y, MPFR_RNDN);
    mpfr_add_ui(y, y, 2, MPFR_RNDN);
    mpfr_ui_div(y, 2, y, MPFR_RNDN);
}

static void m_gg22(mpfr_t y, const mpfr_t x)
{
    mpfr_t s, c;
    mpfr_inits2(PREC, s, c, (mpfr_ptr)0);
    mpfr_mul_d(s, x, 20 * PI_D, MPFR_RNDN);
    mpfr_sin(s, s, MPFR_RNDN);
    mpfr_mul_d(c, x, 2 * PI_D, MPFR_RNDN);
    mpfr_cos(c, c, MPFR_RNDN);
    mpfr_mul(y, s, c, MPFR_RNDN);
    mpfr_mul(y, y, x, MPFR_RNDN);
    mpfr_mul_d(y, y, 4 * PI_D * PI_D, MPFR_RNDN);
    mpfr_clears(s, c, (mpfr_ptr)0);
}

static void m_gg13(mpfr_t y, const mpfr_t x)
{
    mpfr_t p, s;
    mpfr_inits2(PREC, p, s, (mpfr_ptr)0);
    mpfr_set_d(p, PI_D, MPFR_RNDN);
    mpfr_mul(p, p, x, MPFR_RNDN);              /* pi x */
    mpfr_mul_ui(s, p, 100, MPFR_RNDN);
    mpfr_sin(s, s, MPFR_RNDN);
    mpfr_div(y, s, p, MPFR_RNDN);
    mpfr_clears(p, s, (mpfr_ptr)0);
}

static void m_gg17(mpfr_t y, const mpfr_t x)
{
    mpfr_t p, s;
    mpfr_inits2(PREC, p, s, (mpfr_ptr)0);
    mpfr_set_d(p, PI_D, MPFR_RNDN);
    mpfr_mul(p, p, x, MPFR_RNDN);
    mpfr_mul_ui(p, p, 50, MPFR_RNDN);          /* 50 pi x */
    mpfr_sin(s, p, MPFR_RNDN);
    mpfr_div(s, s, p, MPFR_RNDN);
    mpfr_sqr(s, s, MPFR_RNDN);
    mpfr_mul_ui(y, s, 50, MPFR_RNDN);
    mpfr_clears(p, s, (mpfr_ptr)0);
}

static void m_gg18(mpfr_t y, const mpfr_t x)
{
    mpfr_t acc, t, k;
    mpfr_inits2(PREC, acc, t, k, (mpfr_ptr)0);
    mpfr_cos(acc, x, MPFR_RNDN);
    mpfr_sin(t, x, MPFR_RNDN);
    mpfr_mul_ui(t, t, 3, MPFR_RNDN);
    mpfr_add(acc, acc, t, MPFR_RNDN);
    mpfr_mul_2ui(k, x, 1, MPFR_RNDN);
    mpfr_cos(t, k, MPFR_RNDN);
    mpfr_mul_ui(t, t, 2, MPFR_RNDN);
    mpfr_add(acc, acc, t, MPFR_RNDN);
    mpfr_sin(t, k, MPFR_RNDN);
    mpfr_mul_ui(t, t, 3, MPFR_RNDN);
    mpfr_add(acc, acc, t, MPFR_RNDN);
    mpfr_mul_ui(k, x, 3, MPFR_RNDN);
    mpfr_cos(t, k, MPFR_RNDN);
    mpfr_mul_ui(t, t, 3, MPFR_RNDN);
    mpfr_add(acc, acc, t, MPFR_RNDN);
    mpfr_cos(y, acc, MPFR_RNDN);
    mpfr_clears(acc, t, k, (mpfr_ptr)0);
}

static void m_qp_f3(mpfr_t y, const mpfr_t x)
{
    mpfr_t k;
    mpfr_init2(k, PREC);
    mpfr_set_d(k, 1.3, MPFR_RNDN);
    mpfr_ui_pow(k, 2, k, MPFR_RNDN);
    mpfr_sin(y, x, MPFR_RNDN);
    mpfr_mul(y, y, k, MPFR_RNDN);
    mpfr_cos(y, y, MPFR_RNDN);
    mpfr_clear(k);
}

static void m_qp_f454(mpfr_t y, const mpfr_t x)
{
    mpfr_t x2, p, q;
    mpfr_inits2(PREC, x2, p, q, (mpfr_ptr)0);
    mpfr_sqr(x2, x, MPFR_RNDN);
    mpfr_sub_ui(p, x2, 1, MPFR_RNDN);
    mpfr_sub_ui(q, x2, 2, MPFR_RNDN);
    mpfr_mul(p, p, q, MPFR_RNDN);
    mpfr_abs(p, p, MPFR_RNDN);
    mpfr_log(p, p, MPFR_RNDN);
    mpfr_mul(p, p, x2, MPFR_RNDN);
    mpfr_mul(y, p, x, MPFR_RNDN);
    mpfr_clears(x2, p, q, (mpfr_ptr)0);
}

static void m_sinc(mpfr_t y, const mpfr_t x)
{
    mpfr_sin(y, x, MPFR_RNDN);
    mpfr_div(y, y, x, MPFR_RNDN);
}

static void m_xsin50(mpfr_t y, const mpfr_t x)
{
    mpfr_mul_ui(y, x, 50, MPFR_RNDN);
    mpfr_sin(y, y, MPFR_RNDN);
    mpfr_mul(y, y, x, MPFR_RNDN);
}

/* ---- closed forms ---------------------------------------------------------------- */

/* The Gudermannian gd(u) = 2 atan(tanh(u / 2)), the integral of sech. */
static void gd(mpfr_t out, const mpfr_t u)
{
    mpfr_div_2ui(out, u, 1, MPFR_RNDN);
    mpfr_tanh(out, out, MPFR_RNDN);
    mpfr_atan(out, out, MPFR_RNDN);
    mpfr_mul_2ui(out, out, 1, MPFR_RNDN);
}

static void sech_peak(mpfr_t acc, double k, double c)
{
    mpfr_t u, g1, g0;
    mpfr_inits2(PREC, u, g1, g0, (mpfr_ptr)0);
    mpfr_set_d(u, 1, MPFR_RNDN);
    mpfr_sub_d(u, u, c, MPFR_RNDN);
    mpfr_mul_d(u, u, k, MPFR_RNDN);
    gd(g1, u);
    mpfr_set_d(u, -c, MPFR_RNDN);
    mpfr_mul_d(u, u, k, MPFR_RNDN);
    gd(g0, u);
    mpfr_sub(g1, g1, g0, MPFR_RNDN);
    mpfr_div_d(g1, g1, k, MPFR_RNDN);
    mpfr_add(acc, acc, g1, MPFR_RNDN);
    mpfr_clears(u, g1, g0, (mpfr_ptr)0);
}

/* sqrt(pi) / (2a) (erf(a (1 - u)) + erf(a u)): a Gaussian on [0, 1]. */
static void gauss01(mpfr_t out, double a, double u)
{
    mpfr_t p, q, r;
    mpfr_inits2(PREC, p, q, r, (mpfr_ptr)0);
    mpfr_set_d(p, 1, MPFR_RNDN);
    mpfr_sub_d(p, p, u, MPFR_RNDN);
    mpfr_mul_d(p, p, a, MPFR_RNDN);
    mpfr_erf(p, p, MPFR_RNDN);
    mpfr_set_d(q, u, MPFR_RNDN);
    mpfr_mul_d(q, q, a, MPFR_RNDN);
    mpfr_erf(q, q, MPFR_RNDN);
    mpfr_add(p, p, q, MPFR_RNDN);
    mpfr_const_pi(r, MPFR_RNDN);
    mpfr_sqrt(r, r, MPFR_RNDN);
    mpfr_mul(p, p, r, MPFR_RNDN);
    mpfr_div_d(out, p, 2 * a, MPFR_RNDN);
    mpfr_clears(p, q, r, (mpfr_ptr)0);
}

/* The integral over [0, 1] of 1 / (delta + (x - u)^2), delta and u as the
 * doubles the integrand uses: (atan((1-u)/r) + atan(u/r)) / r, r^2 = delta. */
static void lorentz01(mpfr_t out, double delta, double u)
{
    mpfr_t r, p, q;
    mpfr_inits2(PREC, r, p, q, (mpfr_ptr)0);
    mpfr_set_d(r, delta, MPFR_RNDN);
    mpfr_sqrt(r, r, MPFR_RNDN);
    mpfr_set_d(p, 1, MPFR_RNDN);
    mpfr_sub_d(p, p, u, MPFR_RNDN);
    mpfr_div(p, p, r, MPFR_RNDN);
    mpfr_atan(p, p, MPFR_RNDN);
    mpfr_set_d(q, u, MPFR_RNDN);
    mpfr_div(q, q, r, MPFR_RNDN);
    mpfr_atan(q, q, MPFR_RNDN);
    mpfr_add(p, p, q, MPFR_RNDN);
    mpfr_div(out, p, r, MPFR_RNDN);
    mpfr_clears(r, p, q, (mpfr_ptr)0);
}

static int closed_form(const char *name, mpfr_t v)
{
    mpfr_t t, u, pi;
    mpfr_inits2(PREC, t, u, pi, (mpfr_ptr)0);
    mpfr_const_pi(pi, MPFR_RNDN);
    int found = 1;
#define IS(s) (strcmp(name, s) == 0)
    if (IS("exp(x)")) {
        mpfr_set_ui(t, 1, MPFR_RNDN);
        mpfr_expm1(v, t, MPFR_RNDN);
    } else if (IS("step at 0.3") || IS("step at 0.3, breakpoint")) {
        mpfr_set_ui(v, 1, MPFR_RNDN);
        mpfr_sub_d(v, v, 0.3, MPFR_RNDN);
    } else if (IS("sqrt(x)")) {
        mpfr_set_ui(v, 2, MPFR_RNDN);
        mpfr_div_ui(v, v, 3, MPFR_RNDN);
    } else if (IS("23/25 cosh x - cos x")) {
        mpfr_set_ui(t, 1, MPFR_RNDN);
        mpfr_sinh(v, t, MPFR_RNDN);
        mpfr_mul_ui(v, v, 46, MPFR_RNDN);
        mpfr_div_ui(v, v, 25, MPFR_RNDN);
        mpfr_sin(t, t, MPFR_RNDN);
        mpfr_mul_2ui(t, t, 1, MPFR_RNDN);
        mpfr_sub(v, v, t, MPFR_RNDN);
    } else if (IS("x^1.5")) {
        mpfr_set_ui(v, 2, MPFR_RNDN);
        mpfr_div_ui(v, v, 5, MPFR_RNDN);
    } else if (IS("1/sqrt(x)") || IS("log(x)^2")) {
        mpfr_set_ui(v, 2, MPFR_RNDN);
    } else if (IS("1/(1+x)")) {
        mpfr_const_log2(v, MPFR_RNDN);
    } else if (IS("1/(1+e^x)")) {
        /* 1 + ln 2 - ln(1 + e) */
        mpfr_set_ui(t, 1, MPFR_RNDN);
        mpfr_exp(t, t, MPFR_RNDN);
        mpfr_log1p(t, t, MPFR_RNDN);
        mpfr_const_log2(v, MPFR_RNDN);
        mpfr_add_ui(v, v, 1, MPFR_RNDN);
        mpfr_sub(v, v, t, MPFR_RNDN);
    } else if (IS("sqrt(50) exp(-50 pi x^2)")) {
        /* erf(10 sqrt(50 pi)) / 2 */
        mpfr_mul_ui(t, pi, 50, MPFR_RNDN);
        mpfr_sqrt(t, t, MPFR_RNDN);
        mpfr_mul_ui(t, t, 10, MPFR_RNDN);
        mpfr_erf(v, t, MPFR_RNDN);
        mpfr_div_2ui(v, v, 1, MPFR_RNDN);
    } else if (IS("25 exp(-25 x)")) {
        mpfr_set_si(t, -250, MPFR_RNDN);
        mpfr_expm1(v, t, MPFR_RNDN);
        mpfr_neg(v, v, MPFR_RNDN);
    } else if (IS("50/(pi(2500x^2+1))")) {
        mpfr_set_ui(t, 500, MPFR_RNDN);
        mpfr_atan(v, t, MPFR_RNDN);
        mpfr_div(v, v, pi, MPFR_RNDN);
    } else if (IS("log(x)")) {
        mpfr_set_si(v, -1, MPFR_RNDN);
    } else if (IS("1/(x^2+1.005)")) {
        /* 2 atan(1 / sqrt(c)) / sqrt(c), c = 1.005 */
        mpfr_set_d(u, 1.005, MPFR_RNDN);
        mpfr_sqrt(u, u, MPFR_RNDN);
        mpfr_ui_div(t, 1, u, MPFR_RNDN);
        mpfr_atan(t, t, MPFR_RNDN);
        mpfr_mul_2ui(t, t, 1, MPFR_RNDN);
        mpfr_div(v, t, u, MPFR_RNDN);
    } else if (IS("three sech peaks") || IS("three sech peaks, peak bracketed")) {
        mpfr_set_zero(v, 1);
        sech_peak(v, 20, 0.2);
        sech_peak(v, 400, 0.4);
        sech_peak(v, 8000, 0.6);
    } else if (IS("1/(1+(230x-30)^2)")) {
        mpfr_set_ui(t, 200, MPFR_RNDN);
        mpfr_atan(v, t, MPFR_RNDN);
        mpfr_set_ui(t, 30, MPFR_RNDN);
        mpfr_atan(t, t, MPFR_RNDN);
        mpfr_add(v, v, t, MPFR_RNDN);
        mpfr_div_ui(v, v, 230, MPFR_RNDN);
    } else if (IS("floor(e^x)") || IS("floor(e^x), breakpoints")) {
        /* 60 - ln(20!) */
        mpfr_set_ui(t, 21, MPFR_RNDN);
        mpfr_lngamma(t, t, MPFR_RNDN);
        mpfr_ui_sub(v, 60, t, MPFR_RNDN);
    } else if (IS("piecewise linear, breakpoints")) {
        mpfr_set_d(v, 7.5, MPFR_RNDN);
    } else if (IS("x^2.6 log(1/x)")) {
        mpfr_set_d(t, 3.6, MPFR_RNDN);
        mpfr_sqr(t, t, MPFR_RNDN);
        mpfr_ui_div(v, 1, t, MPFR_RNDN);
    } else if (IS("x^-0.9 log(1/x)")) {
        /* 1/(1 - 0.9)^2, with 0.9 the double */
        mpfr_set_ui(t, 1, MPFR_RNDN);
        mpfr_sub_d(t, t, 0.9, MPFR_RNDN);
        mpfr_sqr(t, t, MPFR_RNDN);
        mpfr_ui_div(v, 1, t, MPFR_RNDN);
    } else if (IS("log(1/x)") || IS("exp(-x)") || IS("1/x^2") || IS("x exp(-x)")) {
        mpfr_set_ui(v, 1, MPFR_RNDN);
    } else if (IS("x^2 exp(-x/32)")) {
        mpfr_set_ui(v, 65536, MPFR_RNDN);
    } else if (IS("1/(1+10x)^2")) {
        mpfr_set_ui(v, 1, MPFR_RNDN);
        mpfr_div_ui(v, v, 10, MPFR_RNDN);
    } else if (IS("log(x)/(1+100x^2)")) {
        /* -pi ln(10) / 20 */
        mpfr_set_ui(t, 10, MPFR_RNDN);
        mpfr_log(t, t, MPFR_RNDN);
        mpfr_mul(v, t, pi, MPFR_RNDN);
        mpfr_div_si(v, v, -20, MPFR_RNDN);
    } else if (IS("oscillatory")) {
        /* (sin(0.6 pi + 10) - sin(0.6 pi)) / 10, 0.6 pi as the double does */
        mpfr_set_d(u, 2 * 3.14159265358979323846 * 0.3, MPFR_RNDN);
        mpfr_add_ui(t, u, 10, MPFR_RNDN);
        mpfr_sin(t, t, MPFR_RNDN);
        mpfr_sin(u, u, MPFR_RNDN);
        mpfr_sub(v, t, u, MPFR_RNDN);
        mpfr_div_ui(v, v, 10, MPFR_RNDN);
    } else if (IS("product peak")) {
        lorentz01(v, 1.0 / 400, 0.37);
    } else if (IS("corner peak")) {
        mpfr_set_ui(v, 1, MPFR_RNDN);
        mpfr_div_ui(v, v, 6, MPFR_RNDN);
    } else if (IS("gaussian")) {
        gauss01(v, 15, 0.6);
    } else if (IS("continuous") || IS("continuous, breakpoint")) {
        /* (2 - exp(-a u) - exp(-a (1 - u))) / a, a = 9, u = 0.42 */
        mpfr_set_d(t, 0.42, MPFR_RNDN);
        mpfr_mul_si(t, t, -9, MPFR_RNDN);
        mpfr_exp(t, t, MPFR_RNDN);
        mpfr_set_d(u, 1, MPFR_RNDN);
        mpfr_sub_d(u, u, 0.42, MPFR_RNDN);
        mpfr_mul_si(u, u, -9, MPFR_RNDN);
        mpfr_exp(u, u, MPFR_RNDN);
        mpfr_ui_sub(v, 2, t, MPFR_RNDN);
        mpfr_sub(v, v, u, MPFR_RNDN);
        mpfr_div_ui(v, v, 9, MPFR_RNDN);
    } else if (IS("discontinuous, breakpoint")) {
        mpfr_set_ui(t, 2, MPFR_RNDN);
        mpfr_expm1(v, t, MPFR_RNDN);
        mpfr_div_ui(v, v, 4, MPFR_RNDN);
    } else if (IS("exp(-x^2)")) {
        mpfr_sqrt(v, pi, MPFR_RNDN);
    } else if (IS("1/(1+x^2)") || IS("1/((1+x) sqrt(x))") || IS("1/sqrt(1-x^2)")) {
        mpfr_set(v, pi, MPFR_RNDN);
    } else if (IS("exp(-x) cos(x)")) {
        mpfr_set_d(v, 0.5, MPFR_RNDN);
    } else if (IS("exp(-x^2) on (-inf, 38]")) {
        /* sqrt(pi) (1 - erfc(38) / 2) */
        mpfr_set_ui(t, 38, MPFR_RNDN);
        mpfr_erfc(t, t, MPFR_RNDN);
        mpfr_div_2ui(t, t, 1, MPFR_RNDN);
        mpfr_ui_sub(t, 1, t, MPFR_RNDN);
        mpfr_sqrt(v, pi, MPFR_RNDN);
        mpfr_mul(v, v, t, MPFR_RNDN);
    } else if (IS("normal density to 1.5")) {
        /* (1 + erf(1.5 / sqrt 2)) / 2, scaled as the double constant is */
        mpfr_set_ui(t, 2, MPFR_RNDN);
        mpfr_sqrt(t, t, MPFR_RNDN);
        mpfr_set_d(u, 1.5, MPFR_RNDN);
        mpfr_div(t, u, t, MPFR_RNDN);
        mpfr_erf(t, t, MPFR_RNDN);
        mpfr_add_ui(t, t, 1, MPFR_RNDN);
        mpfr_div_2ui(t, t, 1, MPFR_RNDN);
        /* The integrand uses 0.39894228040143267794 for 1/sqrt(2 pi). */
        mpfr_mul_2ui(u, pi, 1, MPFR_RNDN);
        mpfr_sqrt(u, u, MPFR_RNDN);
        mpfr_mul(t, t, u, MPFR_RNDN);
        mpfr_mul_d(v, t, 0.39894228040143267794, MPFR_RNDN);
    } else if (IS("cos(100x)")) {
        mpfr_set_ui(t, 100, MPFR_RNDN);
        mpfr_sin(v, t, MPFR_RNDN);
        mpfr_div_ui(v, v, 100, MPFR_RNDN);
    } else if (IS("1/(1e-4+(x-0.3)^2)")) {
        lorentz01(v, 1e-4, 0.3);
    } else if (IS("exp(-1000(x-0.25)^2)")) {
        /* sqrt(pi) / (2a) (erf(0.75 a) + erf(0.25 a)), a = sqrt(1000) */
        mpfr_t p, q;
        mpfr_inits2(PREC, p, q, (mpfr_ptr)0);
        mpfr_set_ui(t, 1000, MPFR_RNDN);
        mpfr_sqrt(t, t, MPFR_RNDN);
        mpfr_mul_d(p, t, 0.75, MPFR_RNDN);
        mpfr_erf(p, p, MPFR_RNDN);
        mpfr_mul_d(q, t, 0.25, MPFR_RNDN);
        mpfr_erf(q, q, MPFR_RNDN);
        mpfr_add(p, p, q, MPFR_RNDN);
        mpfr_sqrt(q, pi, MPFR_RNDN);
        mpfr_mul(p, p, q, MPFR_RNDN);
        mpfr_div(p, p, t, MPFR_RNDN);
        mpfr_div_2ui(v, p, 1, MPFR_RNDN);
        mpfr_clears(p, q, (mpfr_ptr)0);
    } else if (IS("sech^2(100(x-0.5))")) {
        mpfr_set_ui(t, 50, MPFR_RNDN);
        mpfr_tanh(v, t, MPFR_RNDN);
        mpfr_div_ui(v, v, 50, MPFR_RNDN);
    } else if (IS("log(x)/sqrt(x)")) {
        mpfr_set_si(v, -4, MPFR_RNDN);
    } else if (IS("x^-0.9")) {
        mpfr_set_ui(t, 1, MPFR_RNDN);
        mpfr_sub_d(t, t, 0.9, MPFR_RNDN);
        mpfr_ui_div(v, 1, t, MPFR_RNDN);
    } else if (IS("x log(x)")) {
        mpfr_set_d(v, -0.25, MPFR_RNDN);
    } else if (IS("sqrt(1-x^2)")) {
        mpfr_div_2ui(v, pi, 1, MPFR_RNDN);
    } else if (IS("|x-1/3|^-0.5, breakpoint")) {
        /* 2 (sqrt(c) + sqrt(1 - c)), c the double nearest 1/3 */
        mpfr_set_d(t, 1.0 / 3, MPFR_RNDN);
        mpfr_ui_sub(u, 1, t, MPFR_RNDN);
        mpfr_sqrt(t, t, MPFR_RNDN);
        mpfr_sqrt(u, u, MPFR_RNDN);
        mpfr_add(v, t, u, MPFR_RNDN);
        mpfr_mul_2ui(v, v, 1, MPFR_RNDN);
    } else if (IS("log|x-0.7|, breakpoint")) {
        /* c ln c + (1 - c) ln(1 - c) - 1, c = 0.7 as a double */
        mpfr_set_d(t, 0.7, MPFR_RNDN);
        mpfr_log(u, t, MPFR_RNDN);
        mpfr_mul(v, t, u, MPFR_RNDN);
        mpfr_ui_sub(t, 1, t, MPFR_RNDN);
        mpfr_log(u, t, MPFR_RNDN);
        mpfr_mul(t, t, u, MPFR_RNDN);
        mpfr_add(v, v, t, MPFR_RNDN);
        mpfr_sub_ui(v, v, 1, MPFR_RNDN);
    } else if (IS("cos(100x) on [0, 50]")) {
        mpfr_set_ui(t, 5000, MPFR_RNDN);
        mpfr_sin(v, t, MPFR_RNDN);
        mpfr_div_ui(v, v, 100, MPFR_RNDN);
    } else if (IS("x sin(50x) on [0, 200]")) {
        /* sin(10000) / 2500 - 4 cos(10000) */
        mpfr_set_ui(t, 10000, MPFR_RNDN);
        mpfr_sin(v, t, MPFR_RNDN);
        mpfr_div_ui(v, v, 2500, MPFR_RNDN);
        mpfr_cos(u, t, MPFR_RNDN);
        mpfr_mul_ui(u, u, 4, MPFR_RNDN);
        mpfr_sub(v, v, u, MPFR_RNDN);
    } else if (IS("|sin x| on [0, 300]")) {
        /* 95 whole arches of area 2, then 1 - cos(300 - 95 pi) */
        mpfr_mul_ui(t, pi, 95, MPFR_RNDN);
        mpfr_ui_sub(t, 300, t, MPFR_RNDN);
        mpfr_cos(t, t, MPFR_RNDN);
        mpfr_ui_sub(v, 191, t, MPFR_RNDN);
    } else if (IS("exp(-x) cos(50x)")) {
        mpfr_set_ui(v, 1, MPFR_RNDN);
        mpfr_div_ui(v, v, 2501, MPFR_RNDN);
    } else if (IS("twenty Lorentz peaks")) {
        mpfr_set_zero(v, 1);
        for (int k = 1; k <= 20; k++) {
            lorentz01(t, 1e-4, k / 21.0);
            mpfr_add(v, v, t, MPFR_RNDN);
        }
    } else {
        found = 0;
    }
#undef IS
    mpfr_clears(t, u, pi, (mpfr_ptr)0);
    return found;
}

int reference_value(const battery_problem *p, mpfr_t v)
{
    mpfr_t t, pi;
    mpfr_inits2(PREC, t, pi, (mpfr_ptr)0);
    mpfr_const_pi(pi, MPFR_RNDN);
    int ok = 1;
    const char *n = p->name;
    if (strcmp(n, "1/(1+x^4)") == 0 && p->b == 1) {
        /* (pi + 2 ln(1 + sqrt 2)) / (4 sqrt 2) */
        mpfr_set_ui(t, 2, MPFR_RNDN);
        mpfr_sqrt(t, t, MPFR_RNDN);
        mpfr_log1p(v, t, MPFR_RNDN);
        mpfr_mul_2ui(v, v, 1, MPFR_RNDN);
        mpfr_add(v, v, pi, MPFR_RNDN);
        mpfr_div(v, v, t, MPFR_RNDN);
        mpfr_div_2ui(v, v, 2, MPFR_RNDN);
    } else if (strcmp(n, "1/(1+x^4)") == 0) {
        /* pi / (2 sqrt 2) on [0, inf) */
        mpfr_set_ui(t, 2, MPFR_RNDN);
        mpfr_sqrt(t, t, MPFR_RNDN);
        mpfr_div(v, pi, t, MPFR_RNDN);
        mpfr_div_2ui(v, v, 1, MPFR_RNDN);
    } else if (strcmp(n, "1/(x^4+x^2+0.9)") == 0) {
        tanh_sinh(v, m_gg05, p->a, p->b);
    } else if (strcmp(n, "2/(2+sin(10 pi x))") == 0) {
        tanh_sinh(v, m_gg09, p->a, p->b);
    } else if (strcmp(n, "4 pi^2 x sin(20 pi x) cos(2 pi x)") == 0) {
        tanh_sinh(v, m_gg22, p->a, p->b);
    } else if (strcmp(n, "x/(e^x-1)") == 0) {
        tanh_sinh(v, m_gg12, p->a, p->b);
    } else if (strcmp(n, "sin(100 pi x)/(pi x)") == 0) {
        tanh_sinh(v, m_gg13, p->a, p->b);
    } else if (strcmp(n, "50 sinc^2(50 pi x)") == 0) {
        tanh_sinh(v, m_gg17, p->a, p->b);
    } else if (strcmp(n, "cos(cos x + 3 sin x + ...)") == 0) {
        tanh_sinh(v, m_gg18, p->a, p->b);
    } else if (strcmp(n, "cos(2^1.3 sin x)") == 0) {
        tanh_sinh(v, m_qp_f3, p->a, p->b);
    } else if (strcmp(n, "x^3 log|(x^2-1)(x^2-2)|") == 0) {
        /* Piece by piece between the logarithmic singularities. */
        double cuts[4] = {0, 1, 1.41421356237309504880, 3};
        mpfr_set_zero(v, 1);
        for (int i = 0; i < 3; i++) {
            tanh_sinh(t, m_qp_f454, cuts[i], cuts[i + 1]);
            mpfr_add(v, v, t, MPFR_RNDN);
        }
    } else if (strcmp(n, "sin(x)/x on [0, 100]") == 0) {
        tanh_sinh(v, m_sinc, p->a, p->b);
    } else if (strcmp(n, "x sin(50x)") == 0) {
        tanh_sinh(v, m_xsin50, p->a, p->b);
    } else {
        ok = closed_form(n, v);
    }
    mpfr_clears(t, pi, (mpfr_ptr)0);
    return ok;
}
