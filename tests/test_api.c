/* SPDX-License-Identifier: MIT */
/* The small parts of the API: names, messages, catalogue, defaults. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "simdquad.h"

Test(api, every_status_has_a_name_and_a_message)
{
    for (int s = 0; s < SQ_STATUS_COUNT; s++) {
        const char *name = sq_status_name((sq_status)s);
        const char *msg = sq_strerror((sq_status)s);
        cr_assert(name != NULL && strcmp(name, "unknown") != 0, "status %d", s);
        cr_assert(msg != NULL && strlen(msg) > 10, "status %d", s);
        for (const char *c = name; *c; c++)
            cr_assert((*c >= 'a' && *c <= 'z') || *c == '_', "%s", name);
        for (int t = 0; t < s; t++)
            cr_assert(strcmp(name, sq_status_name((sq_status)t)) != 0);
    }
    cr_assert_str_eq(sq_status_name(SQ_OK), "ok");
    cr_assert_str_eq(sq_status_name((sq_status)-1), "unknown");
    cr_assert_str_eq(sq_status_name(SQ_STATUS_COUNT), "unknown");
    cr_assert_not_null(sq_strerror((sq_status)1000));
}

Test(api, isa_names_round_trip)
{
    for (int i = 0; i < SQ_ISA_COUNT; i++)
        cr_assert_eq((int)sq_isa_from_name(sq_isa_name((sq_isa)i)), i);
    cr_assert_eq(sq_isa_from_name("avx1024"), SQ_ISA_COUNT);
    cr_assert_eq(sq_isa_from_name(NULL), SQ_ISA_COUNT);
    cr_assert(sq_isa_supported(SQ_ISA_SCALAR));
    cr_assert(!sq_isa_supported(SQ_ISA_AUTO));
    sq_isa best = sq_isa_resolve(SQ_ISA_AUTO);
    cr_assert(best > SQ_ISA_AUTO && best < SQ_ISA_COUNT);
    cr_assert(sq_isa_supported(best));
    for (int i = SQ_ISA_SCALAR; i < SQ_ISA_COUNT; i++)
        cr_assert_eq((int)sq_isa_resolve((sq_isa)i),
                     sq_isa_supported((sq_isa)i) ? i : (int)SQ_ISA_COUNT);
}

Test(api, kernel_catalogue)
{
    size_t n = sq_kernel_count();
    cr_assert(n >= 8);
    const char *required[] = {"sin", "cos", "exp", "log", "sqrt", "gauss",
                              "lorentz", "poly"};
    for (size_t i = 0; i < 8; i++)
        cr_assert(sq_kernel_find(required[i]) >= 0, "%s", required[i]);
    for (size_t i = 0; i < n; i++) {
        cr_assert_eq(sq_kernel_find(sq_kernel_name(i)), (int)i);
        cr_assert_not_null(sq_kernel_formula(i));
        sq_integrand f = sq_fn_kernel(sq_kernel_name(i));
        cr_assert_eq(f.kind, SQ_INTEGRAND_KERNEL);
        cr_assert_eq(f.kernel, (int)i);
    }
    cr_assert_null(sq_kernel_name(n));
    cr_assert_eq(sq_kernel_find("nope"), -1);
    cr_assert(isnan(sq_kernel_twin(-1, 0.5)));
    cr_assert_eq(sq_kernel_twin(sq_kernel_find("exp"), 0.0), 1.0);
    double x = 1, y;
    cr_assert_eq(sq_kernel_eval(-1, SQ_ISA_AUTO, 1, &x, &y), SQ_BAD_INPUT);
    cr_assert_eq(sq_kernel_eval(0, SQ_ISA_AUTO, 1, NULL, &y), SQ_BAD_INPUT);
    cr_assert_eq(sq_kernel_eval(0, SQ_ISA_AUTO, 0, NULL, NULL), SQ_OK);
}

Test(api, option_defaults)
{
    sq_options o;
    memset(&o, 0x5A, sizeof o);
    sq_options_init(&o);
    cr_assert_eq(o.epsabs, 0.0);
    cr_assert_eq(o.epsrel, 1e-10);
    cr_assert_eq(o.max_evals, SQ_DEFAULT_MAX_EVALS);
    cr_assert_eq(o.max_intervals, SQ_DEFAULT_MAX_INTERVALS);
    cr_assert_eq(o.threads, 0);
    cr_assert_eq(o.isa, SQ_ISA_AUTO);
    cr_assert(sq_default_threads() >= 1);
}

Test(api, version_matches_the_macros)
{
    char want[32];
    snprintf(want, sizeof want, "%d.%d.%d", SQ_VERSION_MAJOR, SQ_VERSION_MINOR,
             SQ_VERSION_PATCH);
    cr_assert_str_eq(sq_version(), want);
}

Test(api, null_options_mean_defaults)
{
    sq_integrand f = sq_fn_kernel("exp");
    sq_result a, b;
    sq_options o;
    sq_options_init(&o);
    cr_assert_eq(sq_integrate(&f, 0, 1, NULL, &a), SQ_OK);
    cr_assert_eq(sq_integrate(&f, 0, 1, &o, &b), SQ_OK);
    cr_assert_eq(a.value, b.value);
    cr_assert_eq(a.evals, b.evals);
    cr_assert(fabs(a.value - (exp(1.0) - 1)) <= 1e-10 * a.value);
}

/* The libraries users link have no fault-injection hook: a program that
 * happens to define the test build's hook, refusing every allocation,
 * changes nothing. */
int sq_test_alloc_hook(size_t bytes);

int sq_test_alloc_hook(size_t bytes)
{
    (void)bytes;
    return 1;
}

Test(api, the_installed_library_has_no_allocation_hook)
{
    sq_integrand f = sq_fn_kernel("gauss");
    sq_result r;
    cr_assert_eq(sq_integrate(&f, -1, 1, NULL, &r), SQ_OK, "%s",
                 sq_status_name(r.status));
    sq_workspace *ws = sq_workspace_new();
    cr_assert_not_null(ws);
    sq_workspace_free(ws);
}
