/* SPDX-License-Identifier: MIT */
/*
 * The Gauss-Kronrod tables (kernels/gk_tables.c) checked against what they
 * claim: the Kronrod and Gauss rules integrate monomials exactly up to their
 * degrees, the end weights extrapolate the interpolant to +-1, and each null
 * rule picks one Legendre coefficient of the interpolant, normalised, and
 * is blind to every other Legendre polynomial up to the interpolant's
 * degree. A mistyped digit in any table fails one of these.
 */
#include <criterion/criterion.h>
#include <math.h>

#include "kernels.h"

static const sq_gk_rule *const rules[] = {&sq_gk15, &sq_gk21};

/* The rule's nodes in row order: centre, then -x0, +x0, -x1, +x1, ... */
static size_t nodes(const sq_gk_rule *r, long double *x)
{
    size_t n = 0;
    x[n++] = 0;
    for (int i = 0; i < r->npair; i++) {
        x[n++] = -(long double)r->xgk[i];
        x[n++] = r->xgk[i];
    }
    return n;
}

/* P_k(x) by the three-term recurrence. */
static long double legendre(int k, long double x)
{
    long double p0 = 1, p1 = x;
    if (k == 0)
        return p0;
    for (int j = 1; j < k; j++) {
        long double p2 = ((2 * j + 1) * x * p1 - j * p0) / (j + 1);
        p0 = p1;
        p1 = p2;
    }
    return p1;
}

Test(rules, kronrod_and_gauss_integrate_monomials_exactly)
{
    for (size_t q = 0; q < 2; q++) {
        const sq_gk_rule *r = rules[q];
        int kdeg = 3 * r->npair + 1, gdeg = r->npair + 1;   /* 2 ng - 1 */
        for (int k = 0; k <= kdeg; k++) {
            long double exact = k % 2 ? 0.0L : 2.0L / (k + 1);
            long double ks = k == 0 ? r->wgk_centre : 0.0L;
            long double gs = k == 0 ? r->wg_centre : 0.0L;
            for (int i = 0; i < r->npair; i++) {
                long double xp = powl(r->xgk[i], k);
                long double pair = xp + (k % 2 ? -xp : xp);
                ks += r->wgk[i] * pair;
                if (i % 2)
                    gs += r->wg[i / 2] * pair;
            }
            cr_assert(fabsl(ks - exact) <= 1e-15L, "%s Kronrod x^%d: %Lg vs %Lg",
                      r->name, k, ks, exact);
            if (k <= gdeg)
                cr_assert(fabsl(gs - exact) <= 1e-15L, "%s Gauss x^%d: %Lg",
                          r->name, k, gs);
        }
    }
}

Test(rules, end_weights_extrapolate_polynomials_to_the_ends)
{
    long double x[32];
    for (size_t q = 0; q < 2; q++) {
        const sq_gk_rule *r = rules[q];
        size_t n = nodes(r, x);
        for (int k = 0; k < (int)n; k++) {
            long double right = 0, left = 0;
            for (size_t j = 0; j < n; j++) {
                right += r->end[j] * legendre(k, x[j]);
                left += r->end[j] * legendre(k, -x[j]);   /* mirrored */
            }
            cr_assert(fabsl(right - 1) <= 1e-13L, "%s P_%d(1): %Lg", r->name, k, right);
            long double l1 = k % 2 ? -1.0L : 1.0L;
            cr_assert(fabsl(left - l1) <= 1e-13L, "%s P_%d(-1): %Lg", r->name, k, left);
        }
    }
}

/* P_k'(x) = k (x P_k - P_{k-1}) / (x^2 - 1) away from the ends; at x = 1 it
 * is k (k + 1) / 2, and at -1 (-1)^(k+1) k (k + 1) / 2. */
Test(rules, end_derivative_weights_differentiate_polynomials_at_the_ends)
{
    long double x[32];
    for (size_t q = 0; q < 2; q++) {
        const sq_gk_rule *r = rules[q];
        size_t n = nodes(r, x);
        for (int k = 0; k < (int)n; k++) {
            long double right = 0, left = 0;
            for (size_t j = 0; j < n; j++) {
                right += r->dend[j] * legendre(k, x[j]);
                left -= r->dend[j] * legendre(k, -x[j]);  /* mirrored */
            }
            long double d1 = 0.5L * k * (k + 1);
            long double dm1 = k % 2 ? d1 : -d1;
            cr_assert(fabsl(right - d1) <= 1e-11L * (1 + d1), "%s P_%d'(1): %Lg",
                      r->name, k, right);
            cr_assert(fabsl(left - dm1) <= 1e-11L * (1 + d1), "%s P_%d'(-1): %Lg",
                      r->name, k, left);
        }
    }
}

/* Null rule q (degree 2 npair - q) applied to f. */
static long double null_rule(const sq_gk_rule *r, int q, long double (*f)(int, long double),
                             int k)
{
    long double s = r->null_centre[q] * f(k, 0);
    for (int i = 0; i < r->npair; i++) {
        long double w = r->null[(size_t)q * (size_t)r->npair + (size_t)i];
        long double fp = f(k, r->xgk[i]), fm = f(k, -(long double)r->xgk[i]);
        s += q % 2 ? w * (fp - fm) : w * (fp + fm);
    }
    return s;
}

Test(rules, null_rules_pick_one_legendre_coefficient)
{
    for (size_t q = 0; q < 2; q++) {
        const sq_gk_rule *r = rules[q];
        int top = 2 * r->npair;
        for (int nr = 0; nr < SQ_GK_NULL; nr++) {
            int degree = top - nr;
            for (int k = 0; k <= top; k++) {
                long double v = null_rule(r, nr, legendre, k);
                long double want = k == degree ? sqrtl(2.0L / (2 * k + 1)) : 0.0L;
                cr_assert(fabsl(v - want) <= 1e-12L, "%s null rule %d on P_%d: %Lg",
                          r->name, nr, k, v);
            }
        }
        /* The P_2 coefficient: 1 for P_2, 0 for the others. */
        for (int k = 0; k <= top; k++) {
            long double s = r->p2_centre * legendre(k, 0);
            for (int i = 0; i < r->npair; i++)
                s += r->p2[i] * (legendre(k, r->xgk[i]) + legendre(k, -(long double)r->xgk[i]));
            cr_assert(fabsl(s - (k == 2)) <= 1e-12L, "%s c2 of P_%d: %Lg", r->name, k, s);
        }
    }
}

Test(rules, gap_table_is_the_inverse_gaps_between_nodes)
{
    /* gk_jump's slopes: 1 / (xgk[i] - xgk[i + 1]), xgk[npair] = 0, to the
     * last bit of a double computed from the rule's abscissae. */
    for (size_t q = 0; q < sizeof rules / sizeof rules[0]; q++) {
        const sq_gk_rule *r = rules[q];
        for (int i = 0; i < r->npair; i++) {
            double next = i + 1 < r->npair ? r->xgk[i + 1] : 0.0;
            double want = 1.0 / (r->xgk[i] - next);
            cr_assert_eq(r->gap_inv[i], want, "%s gap %d: %a, not %a", r->name, i,
                         r->gap_inv[i], want);
        }
    }
}
