/* SPDX-License-Identifier: MIT */
/*
 * The MPI batch gives the bits of a one-process run: N problems (1% of
 * them hopeless: a near-divergent singularity that spends its budget),
 * solved over the ranks of MPI_COMM_WORLD, compared on every receiving
 * rank with sq_integrate_batch run there alone. Exit 0 if identical.
 *
 *   mpirun -n R mpi_batch [N [CHUNK [ROOT]]]    (default 20000 0 0)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "simdquad_mpi.h"

static int same(const sq_result *x, const sq_result *y)
{
    return memcmp(&x->value, &y->value, sizeof x->value) == 0
           && memcmp(&x->error, &y->error, sizeof x->error) == 0
           && (memcmp(&x->where, &y->where, sizeof x->where) == 0
               || (isnan(x->where) && isnan(y->where)))
           && x->evals == y->evals && x->intervals == y->intervals
           && x->rounds == y->rounds && x->status == y->status
           && (x->status != SQ_BAD_INPUT
               || (x->detail != NULL && y->detail != NULL
                   && strcmp(x->detail, y->detail) == 0));
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, ranks;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &ranks);
    size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 20000;
    sq_mpi_options mo;
    sq_mpi_options_init(&mo);
    mo.chunk = argc > 2 ? strtoul(argv[2], NULL, 10) : 0;
    mo.root = argc > 3 ? atoi(argv[3]) : 0;
    double *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
    double *p = malloc(3 * n * sizeof *p);
    sq_result *r = malloc(n * sizeof *r), *ref = malloc(n * sizeof *ref);
    sq_expr *e = sq_expr_compile(
        "where(p2 > 0.99, abs(x-p1)^(-0.999), exp(-p0*p0*(x-p1)^2))", NULL);
    if (!a || !b || !p || !r || !ref || !e)
        MPI_Abort(MPI_COMM_WORLD, 2);
    for (size_t i = 0; i < n; i++) {
        uint64_t z = (i + 1) * 0x9E3779B97F4A7C15ull;
        z = (z ^ (z >> 31)) * 0xBF58476D1CE4E5B9ull;
        a[i] = 0;
        b[i] = 1;
        p[3 * i] = 1 + 19 * (double)(z >> 40) / (double)(1ull << 24);
        p[3 * i + 1] = (double)((z >> 16) & 0xffffff) / (double)(1u << 24);
        p[3 * i + 2] = (double)(z & 0xffff) / 65536.0;     /* 1% above 0.99 */
    }
    if (n > 3)
        a[3] = NAN;                    /* one bad row, with its reason */
    sq_integrand f = sq_fn_expr(e, NULL);
    sq_batch bt = {.n = n, .a = a, .b = b, .params = p, .nparams = 3};
    sq_options o;
    sq_options_init(&o);
    o.max_evals = 20000;              /* the hopeless stop at their budget */
    double t = MPI_Wtime();
    sq_status st = sq_integrate_batch_mpi(MPI_COMM_WORLD, &f, &bt, &o, &mo, r);
    t = MPI_Wtime() - t;
    int receives = mo.root < 0 || rank == mo.root;
    int bad = 0;
    double t1 = 0;
    if (receives) {
        t1 = MPI_Wtime();
        sq_status st1 = sq_integrate_batch(NULL, &f, &bt, &o, ref);
        t1 = MPI_Wtime() - t1;
        for (size_t i = 0; i < n; i++)
            if (!same(&r[i], &ref[i])) {
                if (bad++ < 5)
                    fprintf(stderr, "rank %d problem %zu: %s %.17g +- %.3g (%zu) "
                                    "against %s %.17g +- %.3g (%zu)\n", rank, i,
                            sq_status_name(r[i].status), r[i].value, r[i].error,
                            r[i].evals, sq_status_name(ref[i].status), ref[i].value,
                            ref[i].error, ref[i].evals);
            }
        if (st != st1) {
            fprintf(stderr, "rank %d: call status %s, one process %s\n", rank,
                    sq_status_name(st), sq_status_name(st1));
            bad++;
        }
    }
    int any = 0;
    MPI_Allreduce(&bad, &any, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    if (rank == 0)
        printf("mpi_batch: %zu problems on %d ranks (chunk %zu, root %d): %s, %.3f s "
               "(one process alone, with the other ranks idle: %.3f s), status %s\n", n,
               ranks, mo.chunk, mo.root, any ? "DIFFERENT" : "identical to one process", t,
               t1, sq_status_name(st));
    sq_expr_free(e);
    free(a);
    free(b);
    free(p);
    free(r);
    free(ref);
    MPI_Finalize();
    return any ? 1 : 0;
}
