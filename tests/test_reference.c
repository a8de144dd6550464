/* SPDX-License-Identifier: MIT */
/*
 * The battery's exact values, recomputed with MPFR at 320 bits (closed
 * forms, or tanh-sinh quadrature where there is none): each table entry
 * must be the correctly rounded double.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "reference.h"

Test(reference, every_exact_value_is_the_rounded_mpfr_value, .timeout = 300)
{
    mpfr_t v;
    mpfr_init2(v, 320);
    cr_assert(battery_count >= 40, "the battery has %zu problems", battery_count);
    for (size_t i = 0; i < battery_count; i++) {
        const battery_problem *p = &battery[i];
        cr_assert(reference_value(p, v), "%s: no reference", p->name);
        double d = mpfr_get_d(v, MPFR_RNDN);
        cr_assert(memcmp(&d, &p->exact, sizeof d) == 0,
                  "%s: table %.17g, MPFR %.17g", p->name, p->exact, d);
    }
    for (size_t i = 0; i < battery_heavy_count; i++) {
        const battery_problem *p = &battery_heavy[i];
        cr_assert(reference_value(p, v), "%s: no reference", p->name);
        double d = mpfr_get_d(v, MPFR_RNDN);
        cr_assert(memcmp(&d, &p->exact, sizeof d) == 0,
                  "%s: table %.17g, MPFR %.17g", p->name, p->exact, d);
    }
    mpfr_clear(v);
}
