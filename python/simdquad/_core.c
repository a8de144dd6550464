/* SPDX-License-Identifier: MIT */
/*
 * simdquad._core: the C side of the Python package. One entry, run(), takes
 * flat arrays of n problems (limits, tolerances, parameter rows) and one
 * integrand (a Python callable, an expression, a kernel or a family) and
 * returns flat result arrays; broadcasting, shapes and the result object
 * are Python's (simdquad/__init__.py).
 *
 * A Python integrand is called through sq_fn_param with a tile of nodes at
 * a time and, for each argument that varies between problems, that
 * argument's values gathered to the nodes (arr[pid]). The GIL is released
 * around the integration and taken back in each callback, so built-in
 * integrands never hold it and a Python one may run on several threads.
 * The first exception raised stops every problem (the callback then
 * refuses at once) and is raised again, with its traceback, when the call
 * returns. The progress callback, on the calling thread, checks for
 * signals: Ctrl-C cancels, and KeyboardInterrupt is raised with the
 * results discarded.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#include <numpy/arrayobject.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "simdquad.h"

typedef struct pycall {
    PyObject *f;          /* the callable */
    PyObject *args;       /* tuple: each a 1-d float64 array of n, or any
                           * object passed unchanged */
    int *varies;          /* args[k] is an array to gather by pid */
    Py_ssize_t nargs;
    size_t n;             /* problems */
    PyObject *error;      /* the first exception (type, value, tb) */
    PyObject *etype, *etb;
    PyObject *progress;   /* a callable(fraction) -> truthy to cancel, or None */
    int interrupted;
    size_t calls, points;
} pycall;

static void keep_error(pycall *pc)
{
    if (pc->error == NULL && pc->etype == NULL) {
        PyErr_Fetch(&pc->etype, &pc->error, &pc->etb);
        PyErr_NormalizeException(&pc->etype, &pc->error, &pc->etb);
        if (pc->etb != NULL && pc->error != NULL)
            PyException_SetTraceback(pc->error, pc->etb);
    } else {
        PyErr_Clear();
    }
}

/* f(x, *args) for n points: (n,) values, or (K, n) for a vector integrand
 * of K components (K = 0: a scalar one). */
static int call_python_k(size_t n, const double *x, const size_t *pid, size_t K,
                         double *y, void *ctx)
{
    pycall *pc = ctx;
    PyGILState_STATE g = PyGILState_Ensure();
    int rc = -1;
    PyObject *xa = NULL, *call_args = NULL, *out = NULL, *arr = NULL;
    if (pc->etype != NULL || pc->interrupted)
        goto done;
    npy_intp dims[1] = {(npy_intp)n};
    xa = PyArray_SimpleNew(1, dims, NPY_DOUBLE);
    if (xa == NULL)
        goto fail;
    memcpy(PyArray_DATA((PyArrayObject *)xa), x, n * sizeof *x);
    call_args = PyTuple_New(1 + pc->nargs);
    if (call_args == NULL)
        goto fail;
    PyTuple_SET_ITEM(call_args, 0, xa);
    xa = NULL;
    for (Py_ssize_t k = 0; k < pc->nargs; k++) {
        PyObject *src = PyTuple_GET_ITEM(pc->args, k), *item;
        if (pc->varies[k]) {
            item = PyArray_SimpleNew(1, dims, NPY_DOUBLE);
            if (item == NULL)
                goto fail;
            const double *s = PyArray_DATA((PyArrayObject *)src);
            double *d = PyArray_DATA((PyArrayObject *)item);
            for (size_t i = 0; i < n; i++)
                d[i] = s[pid[i]];
        } else {
            Py_INCREF(src);
            item = src;
        }
        PyTuple_SET_ITEM(call_args, 1 + k, item);
    }
    pc->calls++;
    pc->points += n;
    out = PyObject_Call(pc->f, call_args, NULL);
    if (out == NULL)
        goto fail;
    if (PyArray_Check(out)) {
        int t = PyArray_TYPE((PyArrayObject *)out);
        if (!PyTypeNum_ISFLOAT(t) && !PyTypeNum_ISINTEGER(t) && !PyTypeNum_ISBOOL(t)) {
            PyErr_Format(PyExc_ValueError,
                         "the integrand returned an array of dtype %S: it must "
                         "be real numbers", (PyObject *)PyArray_DESCR((PyArrayObject *)out));
            goto fail;
        }
    } else if (!PyList_Check(out) && !PyTuple_Check(out)) {
        PyErr_Format(PyExc_ValueError,
                     "the integrand returned %R, not an array of %zu numbers "
                     "(one value per point of x)", Py_TYPE(out), n);
        goto fail;
    }
    arr = PyArray_FROMANY(out, NPY_DOUBLE, 0, 0, NPY_ARRAY_C_CONTIGUOUS | NPY_ARRAY_ALIGNED);
    if (arr == NULL) {
        PyErr_Clear();
        PyErr_Format(PyExc_ValueError,
                     "the integrand returned %R that is not an array of %zu real "
                     "numbers (one value per point of x)", Py_TYPE(out), n);
        goto fail;
    }
    PyArrayObject *ya = (PyArrayObject *)arr;
    int one = K <= 1 && PyArray_NDIM(ya) == 1 && (size_t)PyArray_DIM(ya, 0) == n;
    int many = K >= 1 && PyArray_NDIM(ya) == 2 && (size_t)PyArray_DIM(ya, 0) == K
               && (size_t)PyArray_DIM(ya, 1) == n;
    if (!one && !many) {
        PyObject *shape = PyObject_GetAttrString(arr, "shape");
        if (K == 0)
            PyErr_Format(PyExc_ValueError,
                         "the integrand returned shape %S for x of shape (%zu,): "
                         "it must return one value per point of x",
                         shape != NULL ? shape : Py_None, n);
        else
            PyErr_Format(PyExc_ValueError,
                         "the integrand returned shape %S for x of shape (%zu,): "
                         "it must return (%zu, %zu), K values per point of x",
                         shape != NULL ? shape : Py_None, n, K, n);
        Py_XDECREF(shape);
        goto fail;
    }
    memcpy(y, PyArray_DATA(ya), (K > 1 ? K : 1) * n * sizeof *y);
    rc = 0;
    goto done;
fail:
    keep_error(pc);
done:
    Py_XDECREF(xa);
    Py_XDECREF(call_args);
    Py_XDECREF(out);
    Py_XDECREF(arr);
    PyGILState_Release(g);
    return rc;
}

static int call_python(size_t n, const double *x, const size_t *pid, double *y,
                       void *ctx)
{
    return call_python_k(n, x, pid, 0, y, ctx);
}

static int call_python_vec(size_t n, const double *x, const size_t *pid, size_t K,
                           double *y, void *ctx)
{
    return call_python_k(n, x, pid, K, y, ctx);
}

/* An expensive integrand, one point at a time, on the engine's worker
 * threads: f(x) -> float. The executor's futures wait without the GIL. */
static int call_point(double x, double *y, void *ctx)
{
    pycall *pc = ctx;
    PyGILState_STATE g = PyGILState_Ensure();
    int rc = -1;
    if (pc->etype == NULL && !pc->interrupted) {
        PyObject *r = PyObject_CallFunction(pc->f, "d", x);
        double v = r != NULL ? PyFloat_AsDouble(r) : -1;
        Py_XDECREF(r);
        if (r != NULL && !(v == -1 && PyErr_Occurred())) {
            *y = v;
            pc->calls++;
            pc->points++;
            rc = 0;
        } else {
            keep_error(pc);
        }
    }
    PyGILState_Release(g);
    return rc;
}

/* Progress on the calling thread: signals first (Ctrl-C cancels), then the
 * caller's callable, which may cancel by returning True. */
static int on_progress(double fraction, void *ctx)
{
    pycall *pc = ctx;
    PyGILState_STATE g = PyGILState_Ensure();
    int stop = 0;
    if (PyErr_CheckSignals() != 0) {
        keep_error(pc);
        pc->interrupted = 1;
        stop = 1;
    } else if (pc->etype != NULL) {
        stop = 1;
    } else if (pc->progress != NULL && pc->progress != Py_None) {
        PyObject *r = PyObject_CallFunction(pc->progress, "d", fraction);
        if (r == NULL) {
            keep_error(pc);
            stop = 1;
        } else {
            stop = PyObject_IsTrue(r) == 1;
            Py_DECREF(r);
        }
    }
    PyGILState_Release(g);
    return stop;
}

static int enum_of(const char *what, const char *name, const char *const *names,
                   int count, int *out)
{
    for (int i = 0; i < count; i++)
        if (names[i] != NULL && strcmp(names[i], name) == 0) {
            *out = i;
            return 0;
        }
    PyErr_Format(PyExc_ValueError, "unknown %s '%s'", what, name);
    return -1;
}

static PyArrayObject *as_doubles(PyObject *o, const char *what, size_t n)
{
    PyArrayObject *a = (PyArrayObject *)PyArray_FROMANY(
        o, NPY_DOUBLE, 1, 2, NPY_ARRAY_C_CONTIGUOUS | NPY_ARRAY_ALIGNED);
    if (a == NULL)
        return NULL;
    if ((size_t)PyArray_DIM(a, 0) != n) {
        PyErr_Format(PyExc_ValueError, "%s has %zd rows, expected %zu", what,
                     (Py_ssize_t)PyArray_DIM(a, 0), n);
        Py_DECREF(a);
        return NULL;
    }
    return a;
}

/* ---- workspaces -------------------------------------------------------------------- */

/* A few workspaces kept between calls, so that a loop of small integrals
 * allocates nothing after its first call. Taken and given back with the
 * GIL held; each call uses its own while it runs (several Python threads
 * may integrate at once). */
enum { POOL = 8 };
static sq_workspace *pool[POOL];
static int pooled;

static sq_workspace *take_workspace(void)
{
    return pooled > 0 ? pool[--pooled] : sq_workspace_new();
}

static void give_workspace(sq_workspace *ws)
{
    if (ws == NULL)
        return;
    /* A workspace that grew for a huge call is not kept. */
    if (pooled < POOL && sq_workspace_bytes(ws) < ((size_t)64 << 20))
        pool[pooled++] = ws;
    else
        sq_workspace_free(ws);
}

/* ---- compiled expressions -------------------------------------------------------- */

static const char EXPR_CAPSULE[] = "simdquad._core.expr";

static void expr_free(PyObject *cap)
{
    sq_expr_free(PyCapsule_GetPointer(cap, EXPR_CAPSULE));
}

/* compile(text) -> capsule holding the compiled expression, or ValueError
 * with the position and the reason. */
static PyObject *compile(PyObject *self, PyObject *argv)
{
    (void)self;
    const char *text;
    Py_ssize_t len;
    if (!PyArg_ParseTuple(argv, "s#", &text, &len))
        return NULL;
    sq_expr_error e;
    sq_expr *x = sq_expr_compile_n(text, (size_t)len, &e);
    if (x == NULL)
        return PyErr_Format(PyExc_ValueError, "%s at position %zu of '%s'", e.message,
                            e.position, text);
    PyObject *cap = PyCapsule_New(x, EXPR_CAPSULE, expr_free);
    if (cap == NULL)
        sq_expr_free(x);
    return cap;
}

/* ---- what both entries share ---------------------------------------------------- */

/* The options and the integrand of a call: kind "python" (a vectorized
 * callable), "point" (a scalar callable for the expensive mode), "expr"
 * (a capsule from compile), "kernel" or "family" (names). nparams is the
 * number of parameters per problem given. */
typedef struct spec {
    sq_options o;
    sq_integrand f;
    pycall pc;
} spec;

static int prepare(spec *sp, const char *kind, PyObject *fo, size_t nparams,
                   PyObject *args, PyObject *varies, size_t n, const char *rule_s,
                   const char *control_s, unsigned long long max_evals,
                   unsigned long long max_intervals, int threads, const char *math_s,
                   const char *isa_s, PyObject *progress, int family_points,
                   int workers)
{
    static const char *const rules[] = {"default", "simpson", "gk15", "gk21"};
    static const char *const controls[] = {"default", "local", "global"};
    int rule, control;
    memset(sp, 0, sizeof *sp);
    if (enum_of("rule", rule_s, rules, 4, &rule)
        || enum_of("control", control_s, controls, 3, &control))
        return -1;
    sq_options *o = &sp->o;
    sq_options_init(o);
    o->rule = (sq_rule)rule;
    o->control = (sq_control)control;
    o->max_evals = (size_t)max_evals;
    o->max_intervals = (size_t)max_intervals;
    o->threads = threads;
    o->family_points = family_points;
    o->workers = workers;
    if (strcmp(math_s, "auto") != 0 && (o->math = sq_math_from_name(math_s)) == SQ_MATH_AUTO) {
        PyErr_Format(PyExc_ValueError, "unknown math '%s' (sleef-u10, sleef-u35, libmvec, "
                     "deterministic or auto)", math_s);
        return -1;
    }
    if (strcmp(isa_s, "auto") != 0 && (o->isa = sq_isa_from_name(isa_s)) == SQ_ISA_AUTO) {
        PyErr_Format(PyExc_ValueError, "unknown isa '%s' (scalar, sse2, avx2, avx512 or "
                     "auto)", isa_s);
        return -1;
    }
    pycall *pc = &sp->pc;
    pc->n = n;
    if (strcmp(kind, "python") == 0) {
        if (!PyTuple_Check(args) || !PyTuple_Check(varies)
            || PyTuple_GET_SIZE(args) != PyTuple_GET_SIZE(varies)) {
            PyErr_SetString(PyExc_TypeError, "args and varies must be tuples of one length");
            return -1;
        }
        pc->f = fo;
        pc->args = args;
        pc->nargs = PyTuple_GET_SIZE(args);
        pc->varies = calloc((size_t)pc->nargs + 1, sizeof *pc->varies);
        if (pc->varies == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        for (Py_ssize_t k = 0; k < pc->nargs; k++) {
            pc->varies[k] = PyObject_IsTrue(PyTuple_GET_ITEM(varies, k)) == 1;
            PyArrayObject *x = (PyArrayObject *)PyTuple_GET_ITEM(args, k);
            if (pc->varies[k]
                && (!PyArray_Check((PyObject *)x) || PyArray_TYPE(x) != NPY_DOUBLE
                    || PyArray_NDIM(x) != 1 || (size_t)PyArray_DIM(x, 0) != n
                    || !PyArray_IS_C_CONTIGUOUS(x))) {
                PyErr_SetString(PyExc_TypeError,
                                "a varying argument must be a flat float64 array of n");
                return -1;
            }
        }
        sp->f = sq_fn_param(call_python, pc);
        o->gather = 1;           /* one Python call per round */
    } else if (strcmp(kind, "point") == 0) {
        pc->f = fo;
        sp->f = sq_fn_point(call_point, pc);
    } else if (strcmp(kind, "expr") == 0) {
        const sq_expr *x = PyCapsule_GetPointer(fo, EXPR_CAPSULE);
        if (x == NULL)
            return -1;
        if (sq_expr_nparams(x) > nparams) {
            PyErr_Format(PyExc_ValueError,
                         "the expression uses p%zu but %zu argument%s given",
                         sq_expr_nparams(x) - 1, nparams, nparams == 1 ? " was" : "s were");
            return -1;
        }
        sp->f = sq_fn_expr(x, NULL);
    } else if (strcmp(kind, "kernel") == 0) {
        const char *name = PyUnicode_AsUTF8(fo);
        if (name == NULL)
            return -1;
        sp->f = sq_fn_kernel(name);
    } else if (strcmp(kind, "family") == 0) {
        const char *name = PyUnicode_AsUTF8(fo);
        if (name == NULL)
            return -1;
        int fam = sq_family_find(name);
        if (fam < 0) {
            PyErr_Format(PyExc_ValueError, "unknown family %R", fo);
            return -1;
        }
        size_t need = sq_family_nparams((size_t)fam);
        if (nparams != need) {
            PyErr_Format(PyExc_ValueError, "the family %R takes %zu parameters, %zu given",
                         fo, need, nparams);
            return -1;
        }
        sp->f = sq_fn_family(name, NULL);
    } else {
        PyErr_Format(PyExc_ValueError, "unknown kind '%s'", kind);
        return -1;
    }
    if (sp->f.kind == SQ_INTEGRAND_INVALID) {
        PyErr_Format(PyExc_ValueError, "unknown integrand %R", fo);
        return -1;
    }
    /* The entries pass their own tolerances; these only satisfy the check. */
    o->epsrel = 1e-10;
    const char *bad = sq_options_check(o);
    if (bad != NULL) {
        PyErr_SetString(PyExc_ValueError, bad);
        return -1;
    }
    pc->progress = progress;
    o->progress = on_progress;
    o->progress_ctx = pc;
    return 0;
}

/* After the call: the integrand's exception, if any, is raised again (with
 * its traceback); returns -1 then. Frees what prepare allocated. */
static int finish(spec *sp)
{
    pycall *pc = &sp->pc;
    free(pc->varies);
    pc->varies = NULL;
    if (pc->etype != NULL) {
        PyErr_Restore(pc->etype, pc->error, pc->etb);
        pc->etype = pc->error = pc->etb = NULL;
        return -1;
    }
    return 0;
}

static PyObject *detail_of(const sq_result *r)
{
    if (r->detail != NULL)
        return PyUnicode_FromString(r->detail);
    Py_RETURN_NONE;
}

/*
 * run(kind, f, a, b, epsabs, epsrel, params, points, args, varies, rule,
 *     control, max_evals, max_intervals, threads, math, isa, progress,
 *     family_points, workers)
 *
 * n problems: a, b, epsabs, epsrel 1-d arrays of n; params an (n, P) array
 * or None; points an (n, K) array or None; args a tuple (python: varying
 * ones flat arrays of n). Returns (value, error, status, evals, intervals,
 * rounds, where, calls, points, detail) with 1-d arrays of n and a dict
 * {index: reason} for the problems that have one.
 */
static PyObject *run(PyObject *self, PyObject *argv)
{
    (void)self;
    const char *kind, *rule_s, *control_s, *math_s, *isa_s;
    PyObject *fo, *ao, *bo, *eao, *ero, *po, *pto, *args, *varies, *progress;
    unsigned long long max_evals, max_intervals;
    int threads, family_points, workers = 0, norm = 0;
    Py_ssize_t K = 0;
    const char *vfam = "";
    double omega = 0;
    if (!PyArg_ParseTuple(argv, "sOOOOOOOOOssKKissOp|insdi", &kind, &fo, &ao, &bo, &eao,
                          &ero, &po, &pto, &args, &varies, &rule_s, &control_s,
                          &max_evals, &max_intervals, &threads, &math_s, &isa_s,
                          &progress, &family_points, &workers, &K, &vfam, &omega,
                          &norm))
        return NULL;
    if (K < 0 || norm < 0 || norm >= SQ_NORM_COUNT) {
        PyErr_SetString(PyExc_ValueError, "K or norm out of range");
        return NULL;
    }
    double *vv = NULL;
    PyArrayObject *a = (PyArrayObject *)PyArray_FROMANY(
        ao, NPY_DOUBLE, 1, 1, NPY_ARRAY_C_CONTIGUOUS | NPY_ARRAY_ALIGNED);
    if (a == NULL)
        return NULL;
    size_t n = (size_t)PyArray_DIM(a, 0);
    PyArrayObject *b = as_doubles(bo, "b", n), *ea = NULL, *er = NULL, *pa = NULL,
                  *pt = NULL;
    PyObject *ret = NULL;
    sq_result *res = NULL;
    spec sp;
    int prepared = 0;
    if (b == NULL || (ea = as_doubles(eao, "epsabs", n)) == NULL
        || (er = as_doubles(ero, "epsrel", n)) == NULL)
        goto out;
    if (po != Py_None && (pa = as_doubles(po, "params", n)) == NULL)
        goto out;
    if (pto != Py_None && (pt = as_doubles(pto, "points", n)) == NULL)
        goto out;
    size_t nparams = pa != NULL && PyArray_NDIM(pa) == 2 ? (size_t)PyArray_DIM(pa, 1) : 0;
    prepared = 1;
    if (prepare(&sp, kind, fo, nparams, args, varies, n, rule_s, control_s, max_evals,
                max_intervals, threads, math_s, isa_s, progress, family_points,
                workers) != 0)
        goto out;
    res = calloc(n ? n : 1, sizeof *res);
    if (res == NULL) {
        PyErr_NoMemory();
        goto out;
    }
    sq_batch batch = {.n = n,
                      .a = PyArray_DATA(a),
                      .b = PyArray_DATA(b),
                      .epsabs = PyArray_DATA(ea),
                      .epsrel = PyArray_DATA(er),
                      .params = nparams > 0 ? PyArray_DATA(pa) : NULL,
                      .nparams = nparams,
                      .points = pt != NULL ? PyArray_DATA(pt) : NULL,
                      .npoints = pt != NULL && PyArray_NDIM(pt) == 2
                                     ? (size_t)PyArray_DIM(pt, 1) : 0};
    size_t k_out = (size_t)K;
    if (K > 0) {
        /* A vector integrand of K components: values and errors (n, K). */
        sq_vec_integrand vf;
        if (strcmp(vfam, "moments") == 0)
            vf = sq_vfn_moments(&sp.f, k_out);
        else if (strcmp(vfam, "cosine") == 0)
            vf = sq_vfn_cosine(&sp.f, k_out, omega);
        else if (strcmp(vfam, "sine") == 0)
            vf = sq_vfn_sine(&sp.f, k_out, omega);
        else if (strcmp(kind, "expr") == 0)
            vf = sq_vfn_expr(sp.f.expr, NULL);
        else if (strcmp(kind, "python") == 0)
            vf = sq_vfn_callback(call_python_vec, k_out, &sp.pc);
        else {
            PyErr_Format(PyExc_ValueError, "a vector integrand cannot be of kind '%s'",
                         kind);
            goto out;
        }
        if (vf.K != k_out) {
            PyErr_Format(PyExc_ValueError, "K = %zu, but the integrand has %zu outputs",
                         k_out, vf.K);
            goto out;
        }
        sp.o.norm = (sq_norm)norm;
        vv = malloc(2 * (n ? n : 1) * k_out * sizeof *vv);
        if (vv == NULL) {
            PyErr_NoMemory();
            goto out;
        }
        if (n > 0) {
            Py_BEGIN_ALLOW_THREADS
            sq_integrate_vec_batch(NULL, &vf, &batch, &sp.o, vv, vv + n * k_out, res);
            Py_END_ALLOW_THREADS
        }
    } else if (n > 0) {
        Py_BEGIN_ALLOW_THREADS
        sq_integrate_batch(NULL, &sp.f, &batch, &sp.o, res);
        Py_END_ALLOW_THREADS
    }
    prepared = 0;
    if (finish(&sp) != 0)
        goto out;
    npy_intp dims[1] = {(npy_intp)n}, vdims[2] = {(npy_intp)n, K};
    PyObject *val = PyArray_SimpleNew(K > 0 ? 2 : 1, K > 0 ? vdims : dims, NPY_DOUBLE);
    PyObject *err = PyArray_SimpleNew(K > 0 ? 2 : 1, K > 0 ? vdims : dims, NPY_DOUBLE);
    PyObject *st = PyArray_SimpleNew(1, dims, NPY_INT32);
    PyObject *ev = PyArray_SimpleNew(1, dims, NPY_INT64);
    PyObject *iv = PyArray_SimpleNew(1, dims, NPY_INT64);
    PyObject *rd = PyArray_SimpleNew(1, dims, NPY_INT64);
    PyObject *wh = PyArray_SimpleNew(1, dims, NPY_DOUBLE);
    PyObject *detail = PyDict_New();     /* index -> reason, where there is one */
    if (val && err && st && ev && iv && rd && wh && detail) {
        double *pv = PyArray_DATA((PyArrayObject *)val), *pe = PyArray_DATA((PyArrayObject *)err);
        double *pw = PyArray_DATA((PyArrayObject *)wh);
        int32_t *ps = PyArray_DATA((PyArrayObject *)st);
        int64_t *pev = PyArray_DATA((PyArrayObject *)ev), *piv = PyArray_DATA((PyArrayObject *)iv);
        int64_t *prd = PyArray_DATA((PyArrayObject *)rd);
        if (K > 0 && n > 0) {
            memcpy(pv, vv, n * k_out * sizeof *pv);
            memcpy(pe, vv + n * k_out, n * k_out * sizeof *pe);
        }
        for (size_t i = 0; i < n; i++) {
            if (K == 0) {
                pv[i] = res[i].value;
                pe[i] = res[i].error;
            }
            ps[i] = (int32_t)res[i].status;
            pev[i] = (int64_t)res[i].evals;
            piv[i] = (int64_t)res[i].intervals;
            prd[i] = (int64_t)res[i].rounds;
            pw[i] = res[i].where;
            if (res[i].detail != NULL) {
                PyObject *k = PyLong_FromSize_t(i), *d = detail_of(&res[i]);
                int bad = k == NULL || d == NULL || PyDict_SetItem(detail, k, d) != 0;
                Py_XDECREF(k);
                Py_XDECREF(d);
                if (bad) {
                    Py_CLEAR(detail);
                    break;
                }
            }
        }
        ret = Py_BuildValue("(NNNNNNNnnN)", val, err, st, ev, iv, rd, wh,
                            (Py_ssize_t)sp.pc.calls, (Py_ssize_t)sp.pc.points, detail);
    } else {
        Py_XDECREF(val);
        Py_XDECREF(err);
        Py_XDECREF(st);
        Py_XDECREF(ev);
        Py_XDECREF(iv);
        Py_XDECREF(rd);
        Py_XDECREF(wh);
        Py_XDECREF(detail);
    }
out:
    if (prepared)
        finish(&sp);
    free(res);
    free(vv);
    Py_XDECREF(a);
    Py_XDECREF(b);
    Py_XDECREF(ea);
    Py_XDECREF(er);
    Py_XDECREF(pa);
    Py_XDECREF(pt);
    return ret;
}

/*
 * run1(kind, f, a, b, epsabs, epsrel, params, points, args, rule, control,
 *      max_evals, max_intervals, threads, math, isa, progress,
 *      family_points, workers)
 *
 * One integral through sq_integrate, with scalars: params and points are
 * tuples of floats, args a tuple passed to a Python f unchanged. Returns
 * (value, error, status, evals, intervals, rounds, where, calls, detail).
 */
static PyObject *run1(PyObject *self, PyObject *argv)
{
    (void)self;
    const char *kind, *rule_s, *control_s, *math_s, *isa_s;
    PyObject *fo, *po, *pto, *args, *progress;
    double a, b, epsabs, epsrel;
    unsigned long long max_evals, max_intervals;
    int threads, family_points, workers = 0;
    if (!PyArg_ParseTuple(argv, "sOddddO!O!O!ssKKissOp|i", &kind, &fo, &a, &b, &epsabs,
                          &epsrel, &PyTuple_Type, &po, &PyTuple_Type, &pto,
                          &PyTuple_Type, &args, &rule_s, &control_s, &max_evals,
                          &max_intervals, &threads, &math_s, &isa_s, &progress,
                          &family_points, &workers))
        return NULL;
    double prm[16], pts[64];
    size_t np = (size_t)PyTuple_GET_SIZE(po), nq = (size_t)PyTuple_GET_SIZE(pto);
    if (np > 16 || nq > 64)
        return PyErr_Format(PyExc_ValueError, "at most 16 parameters and 64 breakpoints "
                            "in one integral (use arrays for more)");
    for (size_t k = 0; k < np; k++)
        if ((prm[k] = PyFloat_AsDouble(PyTuple_GET_ITEM(po, k))) == -1 && PyErr_Occurred())
            return NULL;
    for (size_t k = 0; k < nq; k++)
        if ((pts[k] = PyFloat_AsDouble(PyTuple_GET_ITEM(pto, k))) == -1 && PyErr_Occurred())
            return NULL;
    PyObject *varies = PyTuple_New(PyTuple_GET_SIZE(args));
    if (varies == NULL)
        return NULL;
    for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(args); k++) {
        Py_INCREF(Py_False);
        PyTuple_SET_ITEM(varies, k, Py_False);
    }
    spec sp;
    int rc = prepare(&sp, kind, fo, np, args, varies, 1, rule_s, control_s, max_evals,
                     max_intervals, threads, math_s, isa_s, progress, family_points,
                     workers);
    Py_DECREF(varies);
    if (rc != 0) {
        finish(&sp);
        return NULL;
    }
    if (np > 0)
        sp.f.params = prm;
    /* A single integral reports progress only at its start and end: not
     * worth two trips through the GIL unless asked for. */
    if (progress == Py_None)
        sp.o.progress = NULL;
    sp.o.epsabs = epsabs;
    sp.o.epsrel = epsrel;
    sp.o.points = pts;
    sp.o.npoints = nq;
    sq_result r;
    sq_workspace *ws = take_workspace();
    Py_BEGIN_ALLOW_THREADS
    sq_integrate_ws(ws, &sp.f, a, b, &sp.o, &r);
    Py_END_ALLOW_THREADS
    give_workspace(ws);
    if (finish(&sp) != 0)
        return NULL;
    return Py_BuildValue("(ddinnndnN)", r.value, r.error, (int)r.status,
                         (Py_ssize_t)r.evals, (Py_ssize_t)r.intervals,
                         (Py_ssize_t)r.rounds, r.where, (Py_ssize_t)sp.pc.calls,
                         detail_of(&r));
}

static PyObject *names(PyObject *self, PyObject *noargs)
{
    (void)self;
    (void)noargs;
    PyObject *st = PyList_New(SQ_STATUS_COUNT), *msg = PyList_New(SQ_STATUS_COUNT);
    PyObject *fam = PyList_New((Py_ssize_t)sq_family_count());
    size_t nk = sq_kernel_count();
    PyObject *ker = PyList_New((Py_ssize_t)nk);
    if (st == NULL || msg == NULL || fam == NULL || ker == NULL) {
        Py_XDECREF(st);
        Py_XDECREF(msg);
        Py_XDECREF(fam);
        Py_XDECREF(ker);
        return NULL;
    }
    for (int i = 0; i < SQ_STATUS_COUNT; i++) {
        PyList_SET_ITEM(st, i, PyUnicode_FromString(sq_status_name((sq_status)i)));
        PyList_SET_ITEM(msg, i, PyUnicode_FromString(sq_strerror((sq_status)i)));
    }
    for (size_t i = 0; i < sq_family_count(); i++)
        PyList_SET_ITEM(fam, (Py_ssize_t)i,
                        Py_BuildValue("(snz)", sq_family_name(i),
                                      (Py_ssize_t)sq_family_nparams(i),
                                      sq_family_formula(i)));
    for (size_t i = 0; i < nk; i++)
        PyList_SET_ITEM(ker, (Py_ssize_t)i, PyUnicode_FromString(sq_kernel_name(i)));
    return Py_BuildValue("{sNsNsNsNss}", "status", st, "strerror", msg, "families", fam,
                         "kernels", ker, "version", sq_version());
}

/* noutputs(capsule): the number of outputs of a compiled expression. */
static PyObject *noutputs(PyObject *self, PyObject *cap)
{
    (void)self;
    const sq_expr *x = PyCapsule_GetPointer(cap, EXPR_CAPSULE);
    if (x == NULL)
        return NULL;
    return PyLong_FromSize_t(sq_expr_noutputs(x));
}

static PyMethodDef methods[] = {
    {"noutputs", noutputs, METH_O, "Outputs of a compiled expression."},
    {"run", run, METH_VARARGS, "Integrate n problems (see simdquad.quad)."},
    {"run1", run1, METH_VARARGS, "Integrate one problem (see simdquad.quad)."},
    {"compile", compile, METH_VARARGS, "Compile an expression."},
    {"names", names, METH_NOARGS, "Status, family and kernel names, and the version."},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_core",
                                    "simdquad's C engine", -1, methods,
                                    NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__core(void);
PyMODINIT_FUNC PyInit__core(void)
{
    import_array();
    return PyModule_Create(&module);
}
