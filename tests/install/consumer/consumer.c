/* SPDX-License-Identifier: MIT */
/* A user of the installed library: integrates exp over [0, 1]. */
#include <math.h>
#include <simdquad.h>
#include <stdio.h>

int main(void)
{
    sq_integrand f = sq_fn_kernel("exp");
    sq_result r;
    if (sq_integrate(&f, 0.0, 1.0, NULL, &r) != SQ_OK)
        return 1;
    double exact = exp(1.0) - 1.0;
    printf("%s %.17g\n", sq_version(), r.value);
    return fabs(r.value - exact) <= 1e-9 ? 0 : 1;
}
