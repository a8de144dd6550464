/* SPDX-License-Identifier: MIT */
/*
 * mpirun -n N simdquad batch EXPR --params FILE --out FILE
 *
 * The problems file is cut into blocks of bytes; a row belongs to the
 * block where its line starts. Ranks take blocks from a counter on rank 0
 * (MPI_Fetch_and_op, as sq_integrate_batch_mpi hands out chunks) when they
 * finish one, so a rank that drew the expensive rows takes fewer blocks.
 * Each rank reads its blocks from the file itself (no row passes through
 * another rank), solves them with the one-process batch's code, and spools
 * their output rows to a local temporary file. At the end the blocks'
 * output sizes are summed across ranks, which places every block in the
 * output, and each rank writes its own blocks there with MPI-IO. The rows
 * are then those of one process, in input order, bit for bit (a problem's
 * result depends on nothing but the problem).
 *
 * The output is written under a temporary name beside --out and renamed
 * when every rank has written its part: the file appears complete or not
 * at all. Line numbers of bad rows are the file's: a first pass counts the
 * lines that start in each block (every rank a share of the blocks).
 */
#include <errno.h>
#include <mpi.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rows.h"

enum {
    BLOCKS_PER_RANK = 16,
    BLOCK_MIN = 64 << 10,
    BLOCK_MAX = 16 << 20,
    COPY = 4 << 20              /* bytes per read of the spool */
};

/* The shared counter on rank 0: the next block, and a flag any rank may
 * raise: 1 cancelled (finish every row, cancelled), 2 failed (stop). */
enum { NEXT, FLAG };
enum { FLAG_CANCEL = 1, FLAG_FAIL = 2 };

/* What a rank knows of the job. */
typedef struct job {
    MPI_Comm comm;
    int rank, ranks;
    const char *cmd;
    cli_options *o;
    sq_expr *e;
    off_t size, block;
    int64_t nblocks;
    int64_t *starts;        /* line starts per block, then lines before it */
    int64_t *len;           /* output bytes per block (this rank's, then all) */
    int64_t *spooled;       /* where this rank's block begins in its spool, or -1 */
    FILE *spool;
    reader rd;
    table t;
} job;

/* Every rank's `mine`, ORed. */
static int any(MPI_Comm comm, int mine)
{
    int all = 0;
    MPI_Allreduce(&mine, &all, 1, MPI_INT, MPI_LOR, comm);
    return all;
}

static off_t block_size(off_t size, int ranks, size_t asked)
{
    if (asked > 0)
        return (off_t)asked;
    off_t b = size / ((off_t)ranks * BLOCKS_PER_RANK);
    return b < BLOCK_MIN ? BLOCK_MIN : b > BLOCK_MAX ? BLOCK_MAX : b;
}

/*
 * Lines that start in each block, counted by every rank for a share of
 * the blocks and summed, then turned into the number of lines before each
 * block. A line starts at byte 0 and after every newline that is not the
 * file's last byte. -1 on a read error (printed).
 */
static int count_lines(job *j)
{
    int fd = fileno(j->rd.f);
    char *buf = malloc(COPY);
    int bad = buf == NULL;
    for (int64_t k = j->rank; !bad && k < j->nblocks; k += j->ranks) {
        /* The newlines in [kB - 1, (k + 1)B - 1) end lines that start in k. */
        off_t lo = k * j->block - 1, hi = (k + 1) * j->block - 1;
        if (hi > j->size - 1)
            hi = j->size - 1;
        int64_t n = k == 0 ? 1 : 0;
        for (off_t at = lo < 0 ? 0 : lo; at < hi && !bad;) {
            size_t want = (size_t)(hi - at) < (size_t)COPY ? (size_t)(hi - at) : COPY;
            ssize_t got = pread(fd, buf, want, at);
            if (got <= 0) {
                fprintf(stderr, "simdquad %s: cannot read '%s': %s\n", j->cmd,
                        j->o->params, got < 0 ? strerror(errno) : "it shrank");
                bad = 1;
                break;
            }
            for (const char *p = buf, *end = buf + got;
                 (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++)
                n++;
            at += got;
        }
        j->starts[k] = n;
    }
    free(buf);
    if (any(j->comm, bad))
        return -1;
    MPI_Allreduce(MPI_IN_PLACE, j->starts, (int)j->nblocks, MPI_INT64_T, MPI_SUM,
                  j->comm);
    int64_t before = 0;
    for (int64_t k = 0; k < j->nblocks; k++) {
        int64_t n = j->starts[k];
        j->starts[k] = before;
        before += n;
    }
    return 0;
}

/* Solve block k: its rows, a chunk at a time, into the spool. Counts go to
 * *done and *not_ok, the worst status to *worst. -1 after a message. */
static int solve_block(job *j, int64_t k, sq_options *opt, double *params, double *ea,
                       double *er, sq_result *res, size_t *done, size_t *not_ok,
                       sq_status *worst)
{
    off_t start = k * j->block, limit = start + j->block;
    if (reader_seek(&j->rd, start, limit, (size_t)j->starts[k]) != 0) {
        fprintf(stderr, "simdquad %s: cannot seek in '%s': %s\n", j->cmd,
                j->o->params, strerror(errno));
        return -1;
    }
    long at = ftell(j->spool);
    if (at < 0)
        return -1;
    j->spooled[k] = at;
    size_t np = sq_expr_nparams(j->e);
    do {
        if (read_rows(&j->rd, &j->t, CHUNK) != 0)
            return -1;
        if (j->t.n == 0)
            break;
        sq_status w;
        if (solve_rows(&j->t, j->e, np, opt, NULL, params, ea, er, res, &w) != 0) {
            fprintf(stderr, "simdquad %s: out of memory\n", j->cmd);
            return -1;
        }
        *worst = sq_status_worse(*worst, w);
        *not_ok += write_rows(j->spool, j->o->json, res, j->t.n);
        *done += j->t.n;
    } while (!j->rd.done);
    long end = ftell(j->spool);
    if (end < 0 || ferror(j->spool)) {
        fprintf(stderr, "simdquad %s: cannot write the spool: %s\n", j->cmd,
                strerror(errno));
        return -1;
    }
    j->len[k] = end - at;
    return 0;
}

static int on_progress(double fraction, void *ctx)
{
    (void)fraction;
    (void)ctx;
    return cli_interrupted != 0;
}

/* Take blocks until none is left; -1 if this rank failed (printed). */
static int take_blocks(job *j, size_t *done, size_t *not_ok, sq_status *worst,
                       double *secs)
{
    int64_t *counter = NULL;
    MPI_Win win;
    MPI_Win_allocate(j->rank == 0 ? (MPI_Aint)(2 * sizeof(int64_t)) : 0,
                     sizeof(int64_t), MPI_INFO_NULL, j->comm, &counter, &win);
    if (j->rank == 0)
        counter[NEXT] = counter[FLAG] = 0;
    MPI_Barrier(j->comm);
    size_t np = sq_expr_nparams(j->e);
    double *params = malloc(CHUNK * (np > 0 ? np : 1) * sizeof *params);
    double *ea = malloc(CHUNK * sizeof *ea), *er = malloc(CHUNK * sizeof *er);
    sq_result *res = malloc(CHUNK * sizeof *res);
    int failed = params == NULL || ea == NULL || er == NULL || res == NULL;
    if (failed)
        fprintf(stderr, "simdquad %s: out of memory\n", j->cmd);
    sq_options opt = j->o->opt;
    opt.progress = on_progress;
    opt.progress_ctx = NULL;
    const int64_t one = 1, zero = 0;
    MPI_Win_lock_all(0, win);
    for (;;) {
        int64_t raise = failed ? FLAG_FAIL : cli_interrupted ? FLAG_CANCEL : 0;
        if (raise)
            MPI_Accumulate(&raise, 1, MPI_INT64_T, 0, FLAG, 1, MPI_INT64_T, MPI_MAX, win);
        int64_t next, flag;
        MPI_Fetch_and_op(&one, &next, MPI_INT64_T, 0, NEXT, MPI_SUM, win);
        MPI_Fetch_and_op(&zero, &flag, MPI_INT64_T, 0, FLAG, MPI_NO_OP, win);
        MPI_Win_flush(0, win);
        if (flag >= FLAG_FAIL || failed || next >= j->nblocks)
            break;
        if (flag >= FLAG_CANCEL)
            cli_interrupted = 1;     /* another rank was asked to stop */
        double t0 = MPI_Wtime();
        failed = solve_block(j, next, &opt, params, ea, er, res, done, not_ok,
                             worst) != 0;
        *secs += MPI_Wtime() - t0;
    }
    MPI_Win_unlock_all(win);
    MPI_Win_free(&win);
    free(params);
    free(ea);
    free(er);
    free(res);
    return failed ? -1 : 0;
}

/* Write this rank's blocks at their places in fh (rank 0 the header too);
 * -1 after a message. */
static int write_blocks(job *j, MPI_File fh)
{
    MPI_Allreduce(MPI_IN_PLACE, j->len, (int)j->nblocks, MPI_INT64_T, MPI_SUM, j->comm);
    int64_t at = j->o->json ? 0 : (int64_t)strlen(rows_csv_header);
    if (j->rank == 0 && !j->o->json
        && MPI_File_write_at(fh, 0, rows_csv_header, (int)at, MPI_BYTE,
                             MPI_STATUS_IGNORE) != MPI_SUCCESS)
        goto cannot_write;
    char *buf = malloc(COPY);
    if (buf == NULL) {
        fprintf(stderr, "simdquad %s: out of memory\n", j->cmd);
        return -1;
    }
    for (int64_t k = 0; k < j->nblocks; at += j->len[k], k++) {
        if (j->spooled[k] < 0)
            continue;
        if (fseek(j->spool, j->spooled[k], SEEK_SET) != 0)
            break;
        for (int64_t left = j->len[k], put = 0; left > 0;) {
            size_t want = left < COPY ? (size_t)left : COPY;
            if (fread(buf, 1, want, j->spool) != want
                || MPI_File_write_at(fh, (MPI_Offset)(at + put), buf, (int)want,
                                     MPI_BYTE, MPI_STATUS_IGNORE) != MPI_SUCCESS) {
                free(buf);
                goto cannot_write;
            }
            left -= (int64_t)want;
            put += (int64_t)want;
        }
    }
    free(buf);
    return 0;
cannot_write:
    fprintf(stderr, "simdquad %s: cannot write '%s'\n", j->cmd, j->o->out);
    return -1;
}

/* The rank's whole job; the exit status (the same on every rank). */
static int run(job *j)
{
    double start = MPI_Wtime();
    const char *cmd = j->cmd;
    cli_options *o = j->o;
    if (strcmp(o->params, "-") == 0 || strcmp(o->out, "-") == 0 || o->workers_given) {
        if (j->rank == 0)
            fprintf(stderr, "simdquad %s: under MPI, --params and --out must be "
                            "files that every rank reaches (not -), and "
                            "--workers/--cost are not available\n", cmd);
        return EXIT_USAGE;
    }
    /* The header, read by rank 0 first so that a bad one is said once. */
    int bad = 0;
    if (j->rank == 0) {
        bad = reader_open(&j->rd, cmd, o->params, o->strict, &j->t) != 0
              || read_rows(&j->rd, &j->t, 0) != 0;
        int missing = bad ? -1 : rows_missing_param(&j->t, j->e);
        if (missing >= 0) {
            fprintf(stderr, "simdquad %s: the expression uses p%d, the file has no "
                            "column p%d\n", cmd, missing, missing);
            bad = 1;
        }
    }
    MPI_Bcast(&bad, 1, MPI_INT, 0, j->comm);
    if (bad)
        return EXIT_USAGE;
    if (j->rank != 0)
        bad = reader_open(&j->rd, cmd, o->params, o->strict, &j->t) != 0
              || read_rows(&j->rd, &j->t, 0) != 0;
    struct stat st;
    bad = bad || fstat(fileno(j->rd.f), &st) != 0 || !S_ISREG(st.st_mode);
    if (any(j->comm, bad)) {
        if (j->rank == 0)
            fprintf(stderr, "simdquad %s: '%s' is not a regular file that every "
                            "rank can read\n", cmd, o->params);
        return EXIT_USAGE;
    }
    /* Every rank must see the same file. */
    int64_t size = (int64_t)st.st_size, size0 = size;
    MPI_Bcast(&size0, 1, MPI_INT64_T, 0, j->comm);
    if (any(j->comm, size != size0)) {
        if (j->rank == 0)
            fprintf(stderr, "simdquad %s: the ranks see '%s' with different sizes\n",
                    cmd, o->params);
        return EXIT_USAGE;
    }
    j->size = (off_t)size;
    j->block = block_size(j->size, j->ranks, o->block);
    j->nblocks = (int64_t)((j->size + j->block - 1) / j->block);
    j->starts = calloc((size_t)j->nblocks, sizeof *j->starts);
    j->len = calloc((size_t)j->nblocks, sizeof *j->len);
    j->spooled = malloc((size_t)j->nblocks * sizeof *j->spooled);
    j->spool = tmpfile();
    bad = j->starts == NULL || j->len == NULL || j->spooled == NULL || j->spool == NULL;
    if (bad)
        fprintf(stderr, "simdquad %s: out of memory or no temporary file: %s\n", cmd,
                strerror(errno));
    if (any(j->comm, bad) || count_lines(j) != 0)
        return EXIT_USAGE;
    for (int64_t k = 0; k < j->nblocks; k++)
        j->spooled[k] = -1;

    /* The output, under a temporary name until it is whole. */
    char tmp[4096];
    int n = snprintf(tmp, sizeof tmp, "%s.part-%ld", o->out, (long)getpid());
    MPI_Bcast(tmp, (int)sizeof tmp, MPI_CHAR, 0, j->comm);
    MPI_File fh;
    if (n >= (int)sizeof tmp
        || MPI_File_open(j->comm, tmp, MPI_MODE_CREATE | MPI_MODE_WRONLY,
                         MPI_INFO_NULL, &fh) != MPI_SUCCESS) {
        if (j->rank == 0)
            fprintf(stderr, "simdquad %s: cannot write '%s'\n", cmd, o->out);
        return EXIT_USAGE;
    }
    MPI_File_set_size(fh, 0);

    size_t counts[2] = {0, 0};      /* problems, not ok */
    sq_status worst = SQ_OK;
    double secs = 0;
    int failed = take_blocks(j, &counts[0], &counts[1], &worst, &secs) != 0;
    failed = any(j->comm, failed);
    if (!failed)
        failed = any(j->comm, write_blocks(j, fh) != 0);
    MPI_File_close(&fh);
    if (j->rank == 0) {
        if (!failed && rename(tmp, o->out) != 0) {
            fprintf(stderr, "simdquad %s: cannot write '%s': %s\n", cmd, o->out,
                    strerror(errno));
            failed = 1;
        }
        if (failed)
            MPI_File_delete(tmp, MPI_INFO_NULL);
    }
    MPI_Bcast(&failed, 1, MPI_INT, 0, j->comm);
    if (failed) {
        if (j->rank == 0)
            fprintf(stderr, "simdquad %s: failed; no output was written\n", cmd);
        return EXIT_USAGE;
    }

    /* The summary, from every rank's counts. */
    MPI_Allreduce(MPI_IN_PLACE, counts, 2, MPI_UINT64_T, MPI_SUM, j->comm);
    int mine = (int)worst, *every = malloc((size_t)j->ranks * sizeof *every);
    int have = every != NULL;
    if (!any(j->comm, !have)) {
        MPI_Allgather(&mine, 1, MPI_INT, every, 1, MPI_INT, j->comm);
        for (int r = 0; r < j->ranks; r++)
            worst = sq_status_worse(worst, (sq_status)every[r]);
    }
    free(every);
    MPI_Allreduce(MPI_IN_PLACE, &secs, 1, MPI_DOUBLE, MPI_MAX, j->comm);
    int stopped = any(j->comm, cli_interrupted != 0);
    if (j->rank == 0) {
        double wall = MPI_Wtime() - start;
        fprintf(stderr, "simdquad %s: %zu problems on %d ranks, %.3g s (%.3g s "
                        "reading, solving and spooling on the busiest rank), %.3g "
                        "problems/s, %zu not ok (worst: %s)\n", cmd, counts[0],
                j->ranks, wall, secs, wall > 0 ? (double)counts[0] / wall : 0.0,
                counts[1], sq_status_name(worst));
        if (stopped)
            fprintf(stderr, "simdquad %s: interrupted; the unfinished problems are "
                            "cancelled with their best estimates\n", cmd);
    }
    return stopped ? EXIT_INTERRUPTED : counts[1] ? EXIT_NOT_OK : EXIT_ALL_OK;
}

int cmd_batch_mpi(const char *cmd, cli_options *o, sq_expr *e)
{
    int provided;
    if (MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
        fprintf(stderr, "simdquad %s: MPI did not start\n", cmd);
        return EXIT_USAGE;
    }
    /* Ctrl-C, SIGTERM and SIGUSR1 (which Open MPI's mpirun forwards)
     * cancel: every row is still written, the unfinished ones cancelled. */
    cli_catch(SIGINT);
    cli_catch(SIGTERM);
    cli_catch(SIGUSR1);
    job j;
    memset(&j, 0, sizeof j);
    j.comm = MPI_COMM_WORLD;
    j.cmd = cmd;
    j.o = o;
    j.e = e;
    MPI_Comm_rank(j.comm, &j.rank);
    MPI_Comm_size(j.comm, &j.ranks);
    int status = run(&j);
    /* The same exit on every rank: the worst (usage beats not-ok). */
    int worst = status;
    MPI_Allreduce(&status, &worst, 1, MPI_INT, MPI_MAX, j.comm);
    if (j.rd.f != NULL)
        reader_close(&j.rd);
    table_free(&j.t);
    if (j.spool != NULL)
        fclose(j.spool);
    free(j.starts);
    free(j.len);
    free(j.spooled);
    MPI_Finalize();
    return worst;
}
