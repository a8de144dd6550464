/* SPDX-License-Identifier: MIT */
/*
 * The size of a long soak: `full`, or the fraction SIMDQUAD_TEST_SCALE
 * (0 < s <= 1) of it, at least `least`. The sanitizer builds, ten times
 * slower, set 0.1 so that CI keeps its time; the plain build runs the full
 * size.
 */
#ifndef SQ_TEST_SCALE_H
#define SQ_TEST_SCALE_H

#include <stddef.h>
#include <stdlib.h>

static inline size_t sq_test_scaled(size_t full, size_t least)
{
    const char *e = getenv("SIMDQUAD_TEST_SCALE");
    double scale = e != NULL ? atof(e) : 1.0;
    if (!(scale > 0 && scale <= 1))
        scale = 1.0;
    size_t n = (size_t)((double)full * scale);
    return n < least ? least : n;
}

#endif
