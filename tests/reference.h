/* SPDX-License-Identifier: MIT */
/* Exact values of the battery with MPFR (tests and benchmarks only). */
#ifndef SQ_REFERENCE_H
#define SQ_REFERENCE_H

#include <mpfr.h>

#include "battery.h"

/* The exact value of p in v (precision set by the caller, >= 64 bits).
 * Returns 0 if the problem is unknown to the reference. */
int reference_value(const battery_problem *p, mpfr_t v);

#endif
