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

/*
 * Every block carries, in the byte before the pointer handed out, its
 * distance from what malloc returned, so that one sq_free releases them
 * all. Cache-line alignment is taken from malloc's block by rounding up
 * instead of asking aligned_alloc, whose split-off fragments cost glibc a
 * consolidation of its free lists on most calls of a short integral
 * without a workspace (about a third of such a call, measured).
 */
enum { HEADER = 16 };   /* malloc's alignment: the offset of a plain block */

static void *aligned_from(unsigned char *base)
{
    if (base == NULL)
        return NULL;
    uintptr_t u = (uintptr_t)base + 1;
    unsigned char *p = base + (1 + ((ALIGNMENT - u % ALIGNMENT) % ALIGNMENT));
    p[-1] = (unsigned char)(p - base);
    return p;
}

static void *plain_from(unsigned char *base)
{
    if (base == NULL)
        return NULL;
    base[HEADER - 1] = HEADER;
    return base + HEADER;
}

void *sq_alloc(size_t bytes)
{
    if (bytes > SIZE_MAX - ALIGNMENT || refused(bytes))
        return NULL;
    return aligned_from(malloc(bytes + ALIGNMENT));
}

void *sq_alloc_array(size_t count, size_t size)
{
    if (size != 0 && count > SIZE_MAX / size)
        return NULL;
    return sq_alloc(count * size);
}

void *sq_malloc(size_t bytes)
{
    if (bytes > SIZE_MAX - HEADER || refused(bytes))
        return NULL;
    return plain_from(malloc(bytes + HEADER));
}

void *sq_calloc(size_t count, size_t size)
{
    if (size != 0 && count > SIZE_MAX / size)
        return NULL;
    size_t bytes = count * size;
    if (bytes > SIZE_MAX - HEADER || refused(bytes))
        return NULL;
    return plain_from(calloc(1, bytes + HEADER));
}

static unsigned char *base_of(void *p)
{
    unsigned char *q = p;
    return q - q[-1];
}

/* Only for blocks of sq_malloc, sq_calloc and sq_realloc (or NULL). */
void *sq_realloc(void *p, size_t bytes)
{
    if (bytes > SIZE_MAX - HEADER || refused(bytes))
        return NULL;
    return plain_from(realloc(p != NULL ? base_of(p) : NULL, bytes + HEADER));
}

void sq_free(void *p)
{
    if (p != NULL)
        free(base_of(p));
}
