/* SPDX-License-Identifier: MIT */
/*
 * The change of variable of a range, shared by the Gauss-Kronrod engines
 * (src/adapt.c, src/vector.c): infinite ends are mapped onto a finite t
 * range, and so is a finite range whose width overflows (such as
 * [-DBL_MAX, DBL_MAX]), restricted to [t(a), t(b)]. The kernels apply the
 * map to the nodes (sq_map_fn).
 */
#include <math.h>

#include "internal.h"

int sq_range_map_for(double a, double b, sq_range_map *m, double *t0, double *t1)
{
    m->kind = SQ_MAP_NONE;
    m->origin = 0;
    m->scale = 1;
    *t0 = a;
    *t1 = b;
    int huge = isinf(b - a) && isfinite(a) && isfinite(b);
    if (isinf(a) && isinf(b)) {
        m->kind = SQ_MAP_BOTH;
        *t0 = -1;
        *t1 = 1;
    } else if (isinf(b)) {
        m->kind = SQ_MAP_UPPER;
        m->origin = a;
        m->scale = fmax(1.0, fabs(a));
        *t0 = 0;
        *t1 = 1;
    } else if (isinf(a)) {
        m->kind = SQ_MAP_LOWER;
        m->origin = b;
        m->scale = fmax(1.0, fabs(b));
        *t0 = 0;
        *t1 = 1;
    } else if (huge) {
        m->kind = SQ_MAP_BOTH;
        *t0 = sq_range_to_t(m, a);
        *t1 = sq_range_to_t(m, b);
    }
    return huge;
}

double sq_range_to_t(const sq_range_map *m, double x)
{
    switch (m->kind) {
    case SQ_MAP_UPPER: {
        double u = (x - m->origin) / m->scale;
        return u / (1 + u);
    }
    case SQ_MAP_LOWER: {
        double u = (m->origin - x) / m->scale;
        return u / (1 + u);
    }
    case SQ_MAP_BOTH:
        /* 2x / (1 + sqrt(1 + 4x^2)), written so that nothing overflows. */
        return x / (0.5 + hypot(0.5, x));
    default:
        return x;
    }
}
