/* SPDX-License-Identifier: MIT */
/*
 * The README's error-honesty table: for each randomised Lyness-Kaganove
 * family, rule and tolerance, the false successes among the draws (status
 * OK with a true error above the reported error or the tolerance), the
 * successes, and the mean evaluations.
 *
 *   honesty_report [draws [configuration]]   (default 10000, all)
 */
#include <stdio.h>
#include <stdlib.h>

#include "lk.h"

int main(int argc, char **argv)
{
    size_t draws = argc > 1 ? strtoul(argv[1], NULL, 10) : 10000;
    size_t only = argc > 2 ? strtoul(argv[2], NULL, 10) : (size_t)-1;
    static const double tols[] = {1e-3, 1e-6, 1e-9, 1e-12};
    printf("Randomised Lyness-Kaganove families on [0, 1], %zu draws each "
           "(fixed seed), epsrel = 1e-3 / 1e-6 / 1e-9 / 1e-12.\n"
           "Each cell: false successes / successes (mean evaluations).\n\n",
           draws);
    for (size_t c = 0; c < lk_config_count; c++) {
        if (only != (size_t)-1 && c != only)
            continue;
        printf("%s\n\n| family | formula | 1e-3 | 1e-6 | 1e-9 | 1e-12 |\n"
               "|---|---|---|---|---|---|\n", lk_configs[c].name);
        for (int f = 0; f < LK_FAMILY_COUNT; f++) {
            printf("| %s | %s |", lk_name((lk_family)f),
                   lk_formula((lk_family)f));
            for (size_t t = 0; t < 4; t++) {
                lk_stats s;
                if (lk_run((lk_family)f, &lk_configs[c], tols[t], draws, 1,
                           &s) != 0) {
                    fprintf(stderr, "out of memory\n");
                    return 1;
                }
                printf(" %zu / %zu (%.0f) |", s.false_success, s.ok,
                       (double)s.evals / (double)s.draws);
                fflush(stdout);
            }
            printf("\n");
        }
        printf("\n");
    }
    return 0;
}
