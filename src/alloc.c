/* SPDX-License-Identifier: MIT */
/* The library's only allocation functions. */
#include <stdint.h>
#include <stdlib.h>

#include "internal.h"

enum { ALIGNMENT = 64 };

void *sq_alloc(size_t bytes)
{
    if (bytes == 0)
        bytes = 1;
    if (bytes > SIZE_MAX - ALIGNMENT)
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

void sq_free(void *p)
{
    free(p);
}
