/* SPDX-License-Identifier: MIT */
/*
 * The library's only allocation functions. Every allocation of src/ goes
 * through them, so that tests can make the k-th one fail. Only the test
 * build of the library (simdquad_faults, compiled with SQ_FAULT_INJECTION,
 * never installed) consults sq_test_alloc_hook, a weak reference that the
 * fault-injection suite defines; the libraries users link have no hook.
 */
#include <stdint.h>
#include <stdlib.h>

#include "internal.h"

enum { ALIGNMENT = 64 };

#ifdef SQ_FAULT_INJECTION
/* The fault-injection suite defines it; elsewhere it is NULL. */
int sq_test_alloc_hook(size_t bytes) __attribute__((weak));

static int refused(size_t bytes)
{
    return sq_test_alloc_hook != NULL && sq_test_alloc_hook(bytes) != 0;
}
#else
static int refused(size_t bytes)
{
    (void)bytes;
    return 0;
}
#endif

void *sq_alloc(size_t bytes)
{
    if (bytes == 0)
        bytes = 1;
    if (bytes > SIZE_MAX - ALIGNMENT || refused(bytes))
        return NULL;
    /* aligned_alloc wants a multiple of the alignment. */
    size_t rounded = (bytes + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    return aligned_alloc(ALIGNMENT, rounded);
}

void *sq_alloc_array(size_t count, size_t size)
{
    if (size != 0 && count > SIZE_MAX / size)
        return NULL;
    return sq_alloc(count * size);
}

void *sq_malloc(size_t bytes)
{
    return refused(bytes) ? NULL : malloc(bytes ? bytes : 1);
}

void *sq_calloc(size_t count, size_t size)
{
    if (size != 0 && count > SIZE_MAX / size)
        return NULL;
    return refused(count * size) ? NULL : calloc(count ? count : 1, size ? size : 1);
}

void *sq_realloc(void *p, size_t bytes)
{
    return refused(bytes) ? NULL : realloc(p, bytes ? bytes : 1);
}

void sq_free(void *p)
{
    free(p);
}
