/* SPDX-License-Identifier: MIT */
/*
 * simdquad_mpi: a batch of integrals spread over the ranks of an MPI
 * communicator. Link simdquad::simdquad_mpi (built when CMake finds MPI).
 */
#ifndef SIMDQUAD_MPI_H
#define SIMDQUAD_MPI_H

#include <mpi.h>

#include "simdquad.h"

#ifdef __cplusplus
extern "C" {
#endif

/** How a batch is spread over the ranks. */
typedef struct sq_mpi_options {
    /**
     * Problems per chunk handed out (0: automatic, about 64 chunks per rank,
     * between 256 and 65536 problems). Ranks take the next chunk when they
     * finish one, so a rank that drew expensive problems takes fewer
     * chunks; a chunk is solved by sq_integrate_batch with the options'
     * threads.
     */
    size_t chunk;
    /** The rank that receives every result, or -1 for all ranks (default 0). */
    int root;
} sq_mpi_options;

/** Fill `mo` with the defaults documented above. */
SQ_API void sq_mpi_options_init(sq_mpi_options *mo);

/**
 * sq_integrate_batch over the ranks of `comm`: collective, every rank
 * passes the same integrand, batch (the same n and the same values) and
 * options. Problems go out in chunks, dynamically (a counter on rank 0
 * that each rank advances with MPI_Fetch_and_op), and every result is
 * bitwise what sq_integrate_batch gives on one process, whatever the number
 * of ranks, the chunk size and the threads. `results` (n entries) is
 * written on the root (on every rank with root = -1); elsewhere it may be
 * NULL. A result's `detail` is kept for SQ_BAD_INPUT problems (the reason)
 * and is NULL otherwise; `wasted` is 0 (expensive integrands, whose cache
 * belongs to one process, are SQ_BAD_INPUT here).
 *
 * Returns, on every rank, SQ_OK if every problem succeeded, SQ_BAD_INPUT if
 * the call is invalid (then every result says so), else the most serious
 * status among the problems, as sq_integrate_batch ranks them. A rank that
 * fails stops the job through MPI's error handler: no result is silently
 * missing.
 */
SQ_API sq_status sq_integrate_batch_mpi(MPI_Comm comm, const sq_integrand *f,
                                        const sq_batch *batch, const sq_options *opt,
                                        const sq_mpi_options *mo, sq_result *results);

#ifdef __cplusplus
}
#endif

#endif /* SIMDQUAD_MPI_H */
