/* SPDX-License-Identifier: MIT */
#ifndef SQ_VECTOR_BENCH_H
#define SQ_VECTOR_BENCH_H

/* simdquad-bench vector (bench/vector.c). */
int bench_vector(int argc, char **argv);

#endif
