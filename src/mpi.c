/* SPDX-License-Identifier: MIT */
/*
 * A batch over MPI ranks (simdquad_mpi.h). Every rank holds the whole
 * batch description; the problems go out in chunks from a counter on rank
 * 0 that each rank advances with an atomic fetch-and-add (passive-target
 * one-sided MPI), so a rank asks for more only when it has finished, and
 * nobody waits on a coordinator. Each chunk is one sq_integrate_batch call
 * with the caller's options (OpenMP threads inside the rank); a problem's
 * result depends on nothing but the problem, so the results are the bits
 * of a one-process run whatever the ranks, chunks and threads.
 *
 * Results travel as fixed-size records (value, error, counts, status,
 * where) put straight into a window on the root; the root turns them
 * into sq_results, and gives SQ_BAD_INPUT problems their reason again (the
 * text is the library's, its address is the process's own).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "simdquad_mpi.h"

/* One result on the wire: doubles first, no pointers. */
typedef struct wire {
    double value, error, where;
    uint64_t evals, intervals;
    uint32_t rounds;
    int32_t status;
} wire;

enum {
    CHUNK_MIN = 256,
    CHUNK_MAX = 65536,
    CHUNKS_PER_RANK = 64
};

void sq_mpi_options_init(sq_mpi_options *mo)
{
    if (mo == NULL)
        return;
    memset(mo, 0, sizeof *mo);
    mo->chunk = 0;
    mo->root = 0;
}

static size_t chunk_size(size_t n, int ranks, size_t asked)
{
    if (asked > 0)
        return asked;
    size_t c = n / ((size_t)ranks * CHUNKS_PER_RANK);
    return c < CHUNK_MIN ? CHUNK_MIN : c > CHUNK_MAX ? CHUNK_MAX : c;
}

/* The sub-batch [lo, lo + m) of b. */
static sq_batch slice(const sq_batch *b, size_t lo, size_t m)
{
    sq_batch s = *b;
    s.n = m;
    s.a = b->a + lo;
    s.b = b->b + lo;
    s.epsabs = b->epsabs != NULL ? b->epsabs + lo : NULL;
    s.epsrel = b->epsrel != NULL ? b->epsrel + lo : NULL;
    s.params = b->params != NULL ? b->params + lo * b->nparams : NULL;
    s.points = b->points != NULL ? b->points + lo * b->npoints : NULL;
    return s;
}

static void to_wire(const sq_result *r, wire *w)
{
    w->value = r->value;
    w->error = r->error;
    w->where = r->where;
    w->evals = r->evals;
    w->intervals = r->intervals;
    w->rounds = r->rounds;
    w->status = (int32_t)r->status;
}

/* Result i from its record; a SQ_BAD_INPUT problem gets its reason again,
 * from this process's own copy of the text (validation alone, no
 * evaluation). */
static void from_wire(const wire *w, const sq_integrand *f, const sq_batch *b,
                      const sq_options *opt, size_t i, sq_result *r)
{
    memset(r, 0, sizeof *r);
    r->value = w->value;
    r->error = w->error;
    r->where = w->where;
    r->evals = (size_t)w->evals;
    r->intervals = (size_t)w->intervals;
    r->rounds = w->rounds;
    r->status = (sq_status)w->status;
    if (r->status == SQ_BAD_INPUT) {
        sq_batch row = slice(b, i, 1);
        sq_result why;
        sq_integrate_batch(NULL, f, &row, opt, &why);
        r->detail = why.detail;
    }
}

sq_status sq_integrate_batch_mpi(MPI_Comm comm, const sq_integrand *f,
                                 const sq_batch *batch, const sq_options *opt,
                                 const sq_mpi_options *mo, sq_result *results)
{
    sq_mpi_options dflt;
    sq_mpi_options_init(&dflt);
    if (mo == NULL)
        mo = &dflt;
    int rank, ranks;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &ranks);
    int root = mo->root < 0 ? 0 : mo->root;
    int everyone = mo->root < 0;
    int receives = everyone || rank == root;
    /* What one process would refuse whole, every rank refuses alike. */
    int bad = f == NULL || batch == NULL || root >= ranks
              || (receives && results == NULL && batch->n > 0)
              || (f != NULL && f->kind == SQ_INTEGRAND_POINT);
    int any_bad = 0;
    MPI_Allreduce(&bad, &any_bad, 1, MPI_INT, MPI_LOR, comm);
    if (any_bad || sq_options_check(opt) != NULL) {
        if (receives && results != NULL && batch != NULL && f != NULL
            && f->kind != SQ_INTEGRAND_POINT)
            return sq_integrate_batch(NULL, f, batch, opt, results);
        if (receives && results != NULL && batch != NULL)
            for (size_t i = 0; i < batch->n; i++) {
                memset(&results[i], 0, sizeof results[i]);
                results[i].status = SQ_BAD_INPUT;
                results[i].value = NAN;
                results[i].error = INFINITY;
                results[i].detail = "simdquad_mpi: invalid call (NULL integrand or "
                                    "results, a root beyond the ranks, or an "
                                    "expensive integrand)";
            }
        return SQ_BAD_INPUT;
    }
    size_t n = batch->n, chunk = chunk_size(n, ranks, mo->chunk);
    size_t nchunks = (n + chunk - 1) / chunk;

    /* The counter of chunks handed out, on rank 0. */
    int64_t *counter = NULL;
    MPI_Win counter_win;
    MPI_Win_allocate(rank == 0 ? (MPI_Aint)sizeof(int64_t) : 0, sizeof(int64_t),
                     MPI_INFO_NULL, comm, &counter, &counter_win);
    if (rank == 0)
        *counter = 0;
    /* The root's records, where every rank puts its chunks' results. */
    wire *all = NULL;
    MPI_Win result_win;
    MPI_Aint bytes = rank == root ? (MPI_Aint)(n * sizeof(wire)) : 0;
    MPI_Win_allocate(bytes, sizeof(wire), MPI_INFO_NULL, comm, &all, &result_win);
    MPI_Barrier(comm);   /* the counter is 0 before anyone takes from it */

    sq_result *mine = malloc(chunk * sizeof *mine);
    wire *out = malloc(chunk * sizeof *out);
    int nomem = mine == NULL || out == NULL;
    sq_status worst = SQ_OK;
    const int64_t one = 1;
    MPI_Win_lock_all(0, counter_win);
    MPI_Win_lock_all(0, result_win);
    for (;;) {
        int64_t next;
        MPI_Fetch_and_op(&one, &next, MPI_INT64_T, 0, 0, MPI_SUM, counter_win);
        MPI_Win_flush(0, counter_win);
        if (next < 0 || (size_t)next >= nchunks)
            break;
        size_t lo = (size_t)next * chunk, m = n - lo < chunk ? n - lo : chunk;
        sq_batch part = slice(batch, lo, m);
        if (nomem) {
            wire none;
            memset(&none, 0, sizeof none);
            none.value = NAN;
            none.error = INFINITY;
            none.where = NAN;
            none.status = SQ_NOMEM;
            for (size_t i = 0; i < m; i++) {
                MPI_Put(&none, (int)sizeof(wire), MPI_BYTE, root, (MPI_Aint)(lo + i),
                        (int)sizeof(wire), MPI_BYTE, result_win);
                MPI_Win_flush(root, result_win);
            }
            worst = sq_status_worse(worst, SQ_NOMEM);
            continue;
        }
        worst = sq_status_worse(worst, sq_integrate_batch(NULL, f, &part, opt, mine));
        for (size_t i = 0; i < m; i++)
            to_wire(&mine[i], &out[i]);
        MPI_Put(out, (int)(m * sizeof(wire)), MPI_BYTE, root, (MPI_Aint)lo,
                (int)(m * sizeof(wire)), MPI_BYTE, result_win);
        MPI_Win_flush(root, result_win);
    }
    MPI_Win_unlock_all(result_win);
    MPI_Win_unlock_all(counter_win);
    MPI_Barrier(comm);   /* every put is complete at the root */
    free(mine);
    free(out);

    /* The call's status: the worst over the ranks (statuses are small
     * integers; the ranking is the library's). */
    int mine_status = (int)worst;
    int *every = malloc((size_t)ranks * sizeof *every);
    int gathered = every != NULL;
    int all_gathered = 0;
    MPI_Allreduce(&gathered, &all_gathered, 1, MPI_INT, MPI_LAND, comm);
    if (all_gathered) {
        MPI_Allgather(&mine_status, 1, MPI_INT, every, 1, MPI_INT, comm);
        for (int r = 0; r < ranks; r++)
            worst = sq_status_worse(worst, (sq_status)every[r]);
    } else {
        worst = SQ_NOMEM;
    }
    free(every);

    if (rank == root) {
        /* An epoch of its own on its window: the others' puts are visible
         * in its memory after it (any memory model). */
        MPI_Win_lock(MPI_LOCK_SHARED, root, 0, result_win);
        MPI_Win_unlock(root, result_win);
        for (size_t i = 0; i < n; i++)
            from_wire(&all[i], f, batch, opt, i, &results[i]);
    }
    if (everyone && n > 0) {
        /* Everyone gets the records, then the reasons of bad rows again. */
        wire *copy = rank == root ? all : malloc(n * sizeof *copy);
        int ok = copy != NULL, all_ok = 0;
        MPI_Allreduce(&ok, &all_ok, 1, MPI_INT, MPI_LAND, comm);
        if (all_ok) {
            for (size_t lo = 0; lo < n; lo += CHUNK_MAX) {
                size_t m = n - lo < CHUNK_MAX ? n - lo : CHUNK_MAX;
                MPI_Bcast(copy + lo, (int)(m * sizeof(wire)), MPI_BYTE, root, comm);
            }
            if (rank != root)
                for (size_t i = 0; i < n; i++)
                    from_wire(&copy[i], f, batch, opt, i, &results[i]);
        } else if (rank != root) {
            for (size_t i = 0; i < n; i++) {
                memset(&results[i], 0, sizeof results[i]);
                results[i].status = SQ_NOMEM;
                results[i].value = NAN;
                results[i].error = INFINITY;
            }
            worst = SQ_NOMEM;
        }
        if (rank != root)
            free(copy);
    }
    MPI_Win_free(&result_win);
    MPI_Win_free(&counter_win);
    return worst;
}
