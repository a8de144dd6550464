/* SPDX-License-Identifier: MIT */
/*
 * A planted data race in an OpenMP loop. scripts/tsan.sh builds it with the
 * library's ThreadSanitizer flags and requires a report: a set-up that
 * cannot see this race proves nothing by staying silent on the library.
 */
#include <stdio.h>

int main(void)
{
    static long shared;
#pragma omp parallel for num_threads(4)
    for (int i = 0; i < 100000; i++)
        shared += i;             /* no atomic, no reduction: a race */
    printf("%ld\n", shared);
    return 0;
}
