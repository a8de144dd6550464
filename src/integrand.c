/* SPDX-License-Identifier: MIT */
/* Integrand descriptors, the built-in kernel and family catalogues, and
 * evaluation of tiles. */
#include <stdint.h>
#include <string.h>

#include "internal.h"

sq_integrand sq_fn_kernel(const char *name)
{
    sq_integrand f = {0};
    int k = sq_kernel_find(name);
    if (k >= 0) {
        f.kind = SQ_INTEGRAND_KERNEL;
        f.kernel = k;
    }
    return f;
}

sq_integrand sq_fn_batch(sq_batch_fn fn, void *ctx)
{
    sq_integrand f = {0};
    if (fn != NULL) {
        f.kind = SQ_INTEGRAND_BATCH;
        f.batch = fn;
        f.ctx = ctx;
    }
    return f;
}

sq_integrand sq_fn_family(const char *name, const double *params)
{
    sq_integrand f = {0};
    int k = sq_family_find(name);
    if (k >= 0) {
        f.kind = SQ_INTEGRAND_FAMILY;
        f.family = k;
        f.params = params;
    }
    return f;
}

sq_integrand sq_fn_expr(const sq_expr *e, const double *params)
{
    sq_integrand f = {0};
    if (e != NULL) {
        f.kind = SQ_INTEGRAND_EXPR;
        f.expr = e;
        f.params = params;
    }
    return f;
}

sq_integrand sq_fn_point(sq_point_fn fn, void *ctx)
{
    sq_integrand f = {0};
    if (fn != NULL) {
        f.kind = SQ_INTEGRAND_POINT;
        f.point = fn;
        f.ctx = ctx;
    }
    return f;
}

sq_integrand sq_fn_param(sq_param_fn fn, void *ctx)
{
    sq_integrand f = {0};
    if (fn != NULL) {
        f.kind = SQ_INTEGRAND_PARAM;
        f.param = fn;
        f.ctx = ctx;
    }
    return f;
}

size_t sq_kernel_count(void)
{
    return SQK_COUNT;
}

const char *sq_kernel_name(size_t i)
{
    return i < SQK_COUNT ? sq_kernel_table[i].name : NULL;
}

const char *sq_kernel_formula(size_t i)
{
    return i < SQK_COUNT ? sq_kernel_table[i].formula : NULL;
}

int sq_kernel_find(const char *name)
{
    if (name == NULL)
        return -1;
    for (int k = 0; k < SQK_COUNT; k++)
        if (strcmp(name, sq_kernel_table[k].name) == 0)
            return k;
    return -1;
}

double sq_kernel_twin(int kernel, double x)
{
    if (kernel < 0 || kernel >= SQK_COUNT)
        return 0.0 / 0.0;
    return sq_kernel_table[kernel].twin(x);
}

sq_status sq_kernel_eval_twin(int kernel, size_t n, const double *x,
                              double *y)
{
    if (kernel < 0 || kernel >= SQK_COUNT || (n > 0 && (x == NULL || y == NULL)))
        return SQ_BAD_INPUT;
    sq_kernel_table[kernel].twin_loop(n, x, y);
    return SQ_OK;
}

sq_status sq_kernel_eval_math(int kernel, sq_isa isa, sq_math math, size_t n,
                              const double *x, double *y)
{
    if (kernel < 0 || kernel >= SQK_COUNT || (n > 0 && (x == NULL || y == NULL)))
        return SQ_BAD_INPUT;
    const sq_isa_ops *ops = sq_ops_for(sq_isa_resolve(isa));
    sq_math m = sq_math_pick(math, isa);
    if (ops == NULL || m == SQ_MATH_COUNT)
        return SQ_BAD_INPUT;
    sq_kern_fn *k = ops->kern[m][kernel];
    /* Whole vectors in place, then the tail through a padded buffer, so that
     * every point takes the same vector path. */
    size_t bulk = n - n % ops->vlen;
    if (bulk > 0)
        k(bulk, x, y);
    if (bulk < n) {
        double xt[SQ_MAX_VLEN], yt[SQ_MAX_VLEN];
        for (size_t i = 0; i < ops->vlen; i++)
            xt[i] = x[bulk + (bulk + i < n ? i : 0)];
        k(ops->vlen, xt, yt);
        memcpy(y + bulk, yt, (n - bulk) * sizeof *y);
    }
    return SQ_OK;
}

sq_status sq_kernel_eval(int kernel, sq_isa isa, size_t n, const double *x,
                         double *y)
{
    return sq_kernel_eval_math(kernel, isa, SQ_MATH_AUTO, n, x, y);
}

/* ---- families ------------------------------------------------------------- */

size_t sq_family_count(void)
{
    return SQF_COUNT;
}

const char *sq_family_name(size_t i)
{
    return i < SQF_COUNT ? sq_family_table[i].name : NULL;
}

const char *sq_family_formula(size_t i)
{
    return i < SQF_COUNT ? sq_family_table[i].formula : NULL;
}

size_t sq_family_nparams(size_t i)
{
    return i < SQF_COUNT ? sq_family_table[i].nparams : 0;
}

int sq_family_breakpoint(size_t i)
{
    return i < SQF_COUNT ? sq_family_table[i].breakpoint : -1;
}

int sq_family_find(const char *name)
{
    if (name == NULL)
        return -1;
    for (int k = 0; k < SQF_COUNT; k++)
        if (strcmp(name, sq_family_table[k].name) == 0)
            return k;
    return -1;
}

double sq_family_twin(int family, double x, const double *p)
{
    if (family < 0 || family >= SQF_COUNT || p == NULL)
        return 0.0 / 0.0;
    return sq_family_table[family].twin(x, p);
}

sq_status sq_family_eval(int family, sq_isa isa, size_t n, const double *x,
                         const double *p, size_t pstride, double *y)
{
    return sq_family_eval_math(family, isa, SQ_MATH_AUTO, n, x, p, pstride, y);
}

void sq_pack_block(const double *x, const double *p, size_t pstride, size_t np,
                   size_t lo, size_t m, size_t ld, double *xt, double *cols,
                   size_t col_stride)
{
    for (size_t j = 0; j < ld; j++) {
        size_t i = lo + (j < m ? j : 0);
        xt[j] = x[i];
        for (size_t k = 0; k < np; k++)
            cols[k * col_stride + j] = p[i * pstride + k];
    }
}

sq_status sq_family_eval_math(int family, sq_isa isa, sq_math math, size_t n,
                              const double *x, const double *p, size_t pstride,
                              double *y)
{
    if (family < 0 || family >= SQF_COUNT)
        return SQ_BAD_INPUT;
    size_t np = sq_family_table[family].nparams;
    if (n > 0 && (x == NULL || y == NULL || p == NULL))
        return SQ_BAD_INPUT;
    if (pstride != 0 && pstride < np)
        return SQ_BAD_INPUT;
    const sq_isa_ops *ops = sq_ops_for(sq_isa_resolve(isa));
    sq_math backend = sq_math_pick(math, isa);
    if (ops == NULL || backend == SQ_MATH_COUNT)
        return SQ_BAD_INPUT;
    /* Blocks of points through padded parameter columns: one row of the
     * tile layout per block. */
    enum { BLOCK = 256 };
    double xt[BLOCK], yt[BLOCK], cols[SQ_FAMILY_MAX_PARAMS][BLOCK];
    const double *pc[SQ_FAMILY_MAX_PARAMS];
    for (size_t k = 0; k < np; k++)
        pc[k] = cols[k];
    for (size_t lo = 0; lo < n; lo += BLOCK) {
        size_t m = n - lo < BLOCK ? n - lo : BLOCK;
        size_t ld = (m + ops->vlen - 1) / ops->vlen * ops->vlen;
        sq_pack_block(x, p, pstride, np, lo, m, ld, xt, &cols[0][0], BLOCK);
        ops->fam[backend][family](1, ld, xt, pc, yt);
        memcpy(y + lo, yt, m * sizeof *y);
    }
    return SQ_OK;
}

/* ---- evaluation of tiles ------------------------------------------------------ */

/* Parameter columns at least one expression-machine chunk wide, for flat
 * tiles (sq_eval_flat); the nodes' problems first, rounded up to a cache
 * line. */
static size_t pcap_of(size_t ld)
{
    return ld > SQ_VM_CHUNK ? ld : SQ_VM_CHUNK;
}

static size_t pids_bytes(size_t rows, size_t ld)
{
    return (rows * ld * sizeof(size_t) + 63) / 64 * 64;
}

size_t sq_eval_scratch_bytes(size_t rows, size_t ld)
{
    if (rows != 0 && ld > SIZE_MAX / sizeof(size_t) / rows)
        return 0;
    return pids_bytes(rows, ld) + SQ_MAX_PARAMS * pcap_of(ld) * sizeof(double);
}

void sq_eval_scratch_on(sq_eval_scratch *s, size_t rows, size_t ld, void *mem)
{
    char *m = mem;
    memset(s, 0, sizeof *s);
    s->node_pid = (size_t *)m;
    s->par = (double *)(m + pids_bytes(rows, ld));
    s->cap = ld;
    s->pcap = pcap_of(ld);
    s->rows = rows;
}

int sq_eval_scratch_init(sq_eval_scratch *s, size_t rows, size_t ld)
{
    memset(s, 0, sizeof *s);
    size_t bytes = sq_eval_scratch_bytes(rows, ld);
    void *m = bytes != 0 ? sq_alloc(bytes) : NULL;
    if (m == NULL)
        return -1;
    sq_eval_scratch_on(s, rows, ld, m);
    s->owned = 1;
    return 0;
}

void sq_eval_scratch_free(sq_eval_scratch *s)
{
    if (s->owned)
        sq_free(s->node_pid);  /* par with it */
    memset(s, 0, sizeof *s);
}

/* A callback's points: called, recorded for the round's one call, or
 * replayed from it (sq_round). pid is NULL for a plain batch callback. */
static int callback(const sq_evaluator *ev, size_t n, const double *x,
                    const size_t *pid, double *y, sq_eval_scratch *s)
{
    sq_round *r = s->round;
    if (r != NULL && r->mode == SQ_ROUND_RECORD) {
        if (r->nomem)
            return 0;
        if (n > r->cap - r->n) {
            size_t cap = r->cap ? r->cap : 4096;
            while (cap - r->n < n)
                cap *= 2;
            double *nx = sq_alloc_array(cap, sizeof *nx);
            double *ny = sq_alloc_array(cap, sizeof *ny);
            size_t *np = sq_alloc_array(cap, sizeof *np);
            if (nx == NULL || ny == NULL || np == NULL) {
                sq_free(nx);
                sq_free(ny);
                sq_free(np);
                r->nomem = 1;
                return 0;
            }
            if (r->n > 0) {
                memcpy(nx, r->x, r->n * sizeof *nx);
                memcpy(np, r->pid, r->n * sizeof *np);
            }
            sq_free(r->x);
            sq_free(r->y);
            sq_free(r->pid);
            r->x = nx;
            r->y = ny;
            r->pid = np;
            r->cap = cap;
        }
        memcpy(r->x + r->n, x, n * sizeof *x);
        if (pid != NULL)
            memcpy(r->pid + r->n, pid, n * sizeof *pid);
        else
            memset(r->pid + r->n, 0, n * sizeof *pid);
        r->n += n;
        return 0;
    }
    if (r != NULL && r->mode == SQ_ROUND_REPLAY) {
        if (r->failed)
            return 1;
        memcpy(y, r->y + s->round_off, n * sizeof *y);
        s->round_off += n;
        return 0;
    }
    return pid != NULL ? ev->param(n, x, pid, y, ev->ctx) : ev->batch(n, x, y, ev->ctx);
}

void sq_round_call(const sq_evaluator *ev, sq_round *r)
{
    r->failed = r->n > 0 && (ev->param != NULL
                                 ? ev->param(r->n, r->x, r->pid, r->y, ev->ctx)
                                 : ev->batch(r->n, r->x, r->y, ev->ctx)) != 0;
}

void sq_round_free(sq_round *r)
{
    sq_free(r->x);
    sq_free(r->y);
    sq_free(r->pid);
    memset(r, 0, sizeof *r);
}

int sq_eval_tile(const sq_evaluator *ev, size_t rows, size_t ld,
                 const double *x, const size_t *uid, sq_eval_scratch *s,
                 double *y)
{
    size_t n = rows * ld;
    if (ev->kern != NULL) {
        ev->kern(n, x, y);
        return 0;
    }
    if (ev->batch != NULL)
        return callback(ev, n, x, NULL, y, s);
    if (ev->oracle != NULL)
        return sq_oracle_get(ev->oracle, x, n, y);
    if (ev->fam != NULL || ev->vm != NULL) {
        /* Each interval's parameters, once per tile, as columns. */
        const double *p[SQ_MAX_PARAMS];
        for (size_t k = 0; k < ev->nparams; k++) {
            double *col = s->par + k * s->pcap;
            for (size_t j = 0; j < ld; j++)
                col[j] = ev->params[uid[j] * ev->pstride + k];
            p[k] = col;
        }
        if (ev->fam != NULL)
            ev->fam(rows, ld, x, p, y);
        else
            ev->vm_run(ev->vm, rows, ld, x, p, y);
        return 0;
    }
    for (size_t k = 0; k < rows; k++)
        for (size_t j = 0; j < ld; j++)
            s->node_pid[k * ld + j] = uid[j];
    return callback(ev, n, x, s->node_pid, y, s);
}

/*
 * The same for n points in one flat array, where point i belongs to the
 * problem uid[i % cols] (cols = 1: all to uid[0]). x and y have room for n
 * rounded up to the vector length; the padding of x is filled here with
 * copies of x[0]. Kernels see whole vectors of real points, so a narrow
 * round wastes at most one vector, not one per row.
 */
int sq_eval_flat(const sq_evaluator *ev, size_t n, double *x,
                 const size_t *uid, size_t cols, sq_eval_scratch *s, double *y)
{
    if (n == 0)
        return 0;
    if (!sq_eval_pads(ev)) {
        if (ev->param == NULL)
            return sq_eval_tile(ev, 1, n, x, uid, s, y);
        for (size_t i = 0, j = 0; i < n; i++) {
            s->node_pid[i] = uid[j];
            j = j + 1 == cols ? 0 : j + 1;
        }
        return callback(ev, n, x, s->node_pid, y, s);
    }
    size_t vlen = ev->ops->vlen;
    size_t total = (n + vlen - 1) / vlen * vlen;
    for (size_t i = n; i < total; i++)
        x[i] = x[0];
    if (ev->kern != NULL) {
        ev->kern(total, x, y);
        return 0;
    }
    /* Families and expressions take parameter columns: chunks of the
     * scratch's width, with each point's own parameters (filled once when
     * they are the same for every point). */
    size_t chunk = SQ_VM_CHUNK;   /* a multiple of every vector length */
    const double *p[SQ_MAX_PARAMS];
    int uniform = cols == 1 || ev->pstride == 0;
    for (size_t lo = 0; lo < total; lo += chunk) {
        size_t m = total - lo < chunk ? total - lo : chunk;
        for (size_t k = 0; k < ev->nparams; k++) {
            double *col = s->par + k * s->pcap;
            if (uniform && lo == 0) {
                double v = ev->params[uid[0] * ev->pstride + k];
                for (size_t j = 0; j < chunk; j++)
                    col[j] = v;
            } else if (!uniform) {
                size_t q = lo % cols;    /* the column of point lo */
                for (size_t j = 0; j < m; j++) {
                    size_t u = lo + j < n ? uid[q] : uid[0];
                    col[j] = ev->params[u * ev->pstride + k];
                    q = q + 1 == cols ? 0 : q + 1;
                }
            }
            p[k] = col;
        }
        if (ev->fam != NULL)
            ev->fam(1, m, x + lo, p, y + lo);
        else
            ev->vm_run(ev->vm, 1, m, x + lo, p, y + lo);
    }
    return 0;
}
