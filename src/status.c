/* SPDX-License-Identifier: MIT */
/* Status names and messages, as tables indexed by sq_status. */
#include "internal.h"

static const char *const status_names[SQ_STATUS_COUNT] = {
    [SQ_OK] = "ok",
    [SQ_MAX_EVALS] = "max_evals",
    [SQ_MAX_INTERVALS] = "max_intervals",
    [SQ_ROUNDOFF] = "roundoff",
    [SQ_INACCURATE] = "inaccurate",
    [SQ_NONFINITE] = "nonfinite",
    [SQ_DIVERGENT] = "divergent",
    [SQ_BAD_INPUT] = "bad_input",
    [SQ_NOMEM] = "nomem",
    [SQ_CALLBACK_ABORT] = "callback_abort",
    [SQ_CANCELLED] = "cancelled",
    [SQ_UNSEEN] = "unseen",
};

static const char *const status_messages[SQ_STATUS_COUNT] = {
    [SQ_OK] = "the requested tolerance was met",
    [SQ_MAX_EVALS] = "the evaluation budget was spent before the tolerance was met",
    [SQ_MAX_INTERVALS] = "the interval budget was spent before the tolerance was met",
    [SQ_ROUNDOFF] = "the tolerance is below what double precision can reach here",
    [SQ_INACCURATE] = "the rule finished but its error estimate exceeds the tolerance",
    [SQ_NONFINITE] = "the integrand returned NaN or Inf, or its integral overflows",
    [SQ_DIVERGENT] = "the integral is probably divergent or converges too slowly",
    [SQ_BAD_INPUT] = "an argument is invalid",
    [SQ_NOMEM] = "memory could not be allocated",
    [SQ_CALLBACK_ABORT] = "the integrand callback asked to stop",
    [SQ_CANCELLED] = "the integration was cancelled",
    [SQ_UNSEEN] = ("the integrand was zero, or negligible and unresolved, at "
                   "every point evaluated: what lies between the points was not seen"),
};

const char *sq_status_name(sq_status status)
{
    if ((unsigned)status >= SQ_STATUS_COUNT)
        return "unknown";
    return status_names[status];
}

const char *sq_strerror(sq_status status)
{
    if ((unsigned)status >= SQ_STATUS_COUNT)
        return "unknown status";
    return status_messages[status];
}

const char *sq_version(void)
{
#define SQ_STR_(x) #x
#define SQ_STR(x) SQ_STR_(x)
    return SQ_STR(SQ_VERSION_MAJOR) "." SQ_STR(SQ_VERSION_MINOR) "."
           SQ_STR(SQ_VERSION_PATCH);
}
