# SPDX-License-Identifier: MIT
"""simdquad for Python and numpy: adaptive quadrature on a breadth-first
frontier.

Each round gathers the nodes of every active interval of every problem and
hands them to the integrand as whole arrays, so a vectorized numpy
function serves thousands of intervals (and of problems) per call.

    >>> import numpy as np, simdquad
    >>> r = simdquad.quad(np.exp, 0, 1)
    >>> r.integral, r.status
    (1.718281828459045, 'ok')
    >>> # 1000 integrals at once by broadcasting: args align with x
    >>> k = np.linspace(1, 10, 1000)
    >>> r = simdquad.quad(lambda x, k: np.cos(k * x), 0, 1, args=(k,))
    >>> r.integral.shape
    (1000,)
    >>> # no Python per round: an expression, a kernel or a family
    >>> r = simdquad.quad("exp(-p0*x*x)", 0, np.inf, args=(k,))
"""

import functools
import math
import numbers
import warnings

import numpy as np

from . import _core

__all__ = ["quad", "quad_vec", "scipy_quad", "QuadResult", "IntegrationError",
           "IntegrationWarning", "STATUSES", "kernels", "families", "__version__"]

_NAMES = _core.names()
STATUSES = tuple(_NAMES["status"])
_STATUS_ARRAY = np.array(STATUSES)
_STRERROR = tuple(_NAMES["strerror"])
__version__ = _NAMES["version"]
_KERNELS = frozenset(_NAMES["kernels"])
_FAMILIES = {name: (npar, formula) for name, npar, formula in _NAMES["families"]}
_RULES = ("gk21", "gk15", "simpson", "default")
_CONTROLS = ("default", "global", "local")
_MATHS = ("auto", "sleef-u10", "sleef-u35", "libmvec", "deterministic")
_ISAS = ("auto", "scalar", "sse2", "avx2", "avx512")


def kernels():
    """Names of the built-in SIMD kernels (f(x) with no parameters)."""
    return sorted(_KERNELS)


def families():
    """The built-in parametric families: {name: (number of parameters, formula)}."""
    return dict(_FAMILIES)


class IntegrationError(RuntimeError):
    """Raised by quad(..., strict=True) when an integral does not succeed."""


try:  # SciPy's own class, so that filters written for SciPy apply
    from scipy.integrate import IntegrationWarning
except Exception:  # pragma: no cover - SciPy is optional
    class IntegrationWarning(UserWarning):
        """Warning on an integral that did not meet its tolerance."""


class QuadResult:
    """Results of quad(): numpy arrays of the broadcast shape (Python
    scalars for scalar input).

    integral, error   the estimate and its error estimate
    status            status names as in C ('ok', 'max_evals', 'roundoff',
                      'nonfinite', 'divergent', 'bad_input', ...)
    success           status == 'ok'
    nfev, nintervals, nrounds   evaluations, intervals visited, rounds
    where             for 'nonfinite': the abscissa of the first bad value
    detail            the reason of a 'bad_input', or None
    ncalls            calls of a Python integrand for the whole call
    """

    __slots__ = ("integral", "error", "status", "success", "nfev", "nintervals",
                 "nrounds", "where", "detail", "ncalls", "shape")

    def __repr__(self):
        if self.shape == ():
            return ("QuadResult(integral={!r}, error={:.3g}, status={!r}, nfev={}, "
                    "nintervals={})".format(self.integral, self.error, self.status,
                                            self.nfev, self.nintervals))
        status = np.asarray(self.status)
        names, counts = np.unique(status, return_counts=True)
        tally = ", ".join("{}: {}".format(s, c) for s, c in zip(names, counts))
        return ("QuadResult(shape={}, {{{}}}, worst error {:.3g}, nfev {} in all)"
                .format(self.shape, tally, float(np.max(self.error)) if self.error.size
                        else 0.0, int(np.sum(self.nfev))))

    @property
    def message(self):
        """A sentence for each status (scalar for scalar input)."""
        idx = np.vectorize(lambda s: _STRERROR[STATUSES.index(s)], otypes=[object])
        m = idx(np.asarray(self.status))
        return m.item() if self.shape == () else m


def _kind_of(f):
    if type(f).__name__ == "_PointKind":
        return "point"
    if callable(f):
        return "python"
    if isinstance(f, str):
        if f in _KERNELS:
            return "kernel"
        if f in _FAMILIES:
            return "family"
        return "expr"
    raise TypeError("f must be a callable, an expression string, or a kernel or "
                    "family name, not {}".format(type(f).__name__))


def _real(x, what):
    try:
        arr = np.asarray(x)
    except Exception as exc:  # ragged lists and the like
        raise TypeError("{} must be a number or an array of numbers: {}".format(what, exc))
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number)
                                    or arr.dtype == np.bool_):
        raise TypeError("{} must be real numbers, not {}".format(what, arr.dtype))
    if np.iscomplexobj(arr):
        raise TypeError("{} must be real, not complex".format(what))
    return arr.astype(np.float64, copy=False)


def _budget(value, what, default):
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
        raise ValueError("{} must be a positive integer, not {!r}".format(what, value))
    return int(value)


def _scalar_loop(f, varies):
    """A vectorized wrapper of a scalar f(x, *args)."""
    def g(x, *args):
        out = np.empty(x.shape[0])
        for i in range(x.shape[0]):
            a = [arg[i] if v else arg for arg, v in zip(args, varies)]
            out[i] = f(float(x[i]), *a)
        return out
    return g


def quad(f, a, b, args=(), *, epsabs=0.0, epsrel=1e-10, points=None, rule="gk21",
         control="default", max_evals=None, max_intervals=None, threads=0,
         math="auto", isa="auto", progress=None, vectorized=True, strict=False,
         family_points=True, executor=None, workers=None):
    """Integrate f over [a, b], for every element of the broadcast of a, b,
    epsabs, epsrel and the numeric arrays among args.

    f: a vectorized callable f(x, *args) -> array (x a 1-d float64 array of
       nodes; each argument that varies between problems arrives gathered
       to the nodes, aligned with x; the others unchanged); with
       vectorized=False a scalar f(x, *args) -> float; an expression string
       in x and p0, p1, ... (args give p0, p1, ...); a kernel name
       (simdquad.kernels()); or a family name (simdquad.families(), args its
       parameters). Strings run without Python and without the GIL.
    a, b: limits, finite or infinite, any order.
    epsabs, epsrel: tolerances (not both 0); the default is epsrel 1e-10.
    points: breakpoints, a 1-d sequence for every problem, or an array of
       the broadcast shape plus one axis (NaN pads a short row).
    rule: 'gk21' (default), 'gk15' or 'simpson'; control: 'global' or
       'local'; max_evals, max_intervals: budgets per integral;
    threads: 0 for all cores (a Python f holds the GIL while it runs, so
       threads help it only as far as numpy releases it); math, isa: the
       vector math backend and instruction set.
    progress: True for a tqdm bar (if tqdm is installed), or a callable
       progress(fraction) returning True to cancel (the rest then ends
       'cancelled' with its best estimates).
    strict: raise IntegrationError unless every integral is 'ok'.
    executor: a concurrent.futures.Executor (or a Dask Client) to evaluate a
       scalar, expensive f point by point, many points in flight; see
       simdquad.expensive.
    Returns a QuadResult.
    """
    # The common scalar call (plain numbers, default options) skips the
    # general checks below: the same C call, a few microseconds sooner.
    if (type(a) in _PLAIN and type(b) in _PLAIN and type(epsabs) in _PLAIN
            and type(epsrel) in _PLAIN and points is None and executor is None
            and progress is None and not strict and type(args) is tuple
            and rule in _RULES and control in _CONTROLS and math in _MATHS
            and isa in _ISAS and type(threads) is int and threads >= 0
            and max_evals is None and max_intervals is None and family_points is True):
        r = _fast(f, a, b, args, epsabs, epsrel, rule, control, threads, math, isa,
                  vectorized)
        if r is not None:
            return r
    if executor is not None:
        from .expensive import quad_executor
        return quad_executor(f, a, b, args, executor=executor, epsabs=epsabs,
                             epsrel=epsrel, points=points, rule=rule, control=control,
                             max_evals=max_evals, max_intervals=max_intervals,
                             workers=workers, strict=strict)
    kind = _kind_of(f)
    if not isinstance(args, tuple):
        args = (args,)
    opts = _options(rule, control, max_evals, max_intervals, threads, math, isa)
    cb, bar = _progress(progress, _count(a, b, epsabs, epsrel, args)
                        if progress is True else 1)
    workers, fn = 0, f
    if kind == "point":
        workers, fn = f.workers, f.fn
    elif kind == "expr":
        fn = _compiled(f)
        if _core.noutputs(fn) != 1:
            raise ValueError("the expression has {} outputs: integrate them with "
                             "simdquad.quad_vec".format(_core.noutputs(fn)))
    if kind == "kernel" and args:
        raise ValueError("the kernel {!r} takes no parameters".format(f))
    if kind == "family" and len(args) != _FAMILIES[f][0]:
        raise ValueError("the family {!r} takes {} parameters, {} given"
                         .format(f, _FAMILIES[f][0], len(args)))
    if kind in ("expr", "family") and len(args) > 16:
        raise ValueError("at most 16 parameters (p0 ... p15)")
    try:
        if _all_scalar(kind, a, b, epsabs, epsrel, args, points):
            r = _one(kind, fn, f, a, b, epsabs, epsrel, args, points, vectorized, opts, cb,
                     family_points, workers)
        else:
            r = _many(kind, fn, f, a, b, epsabs, epsrel, args, points, vectorized, opts,
                      cb, bar, family_points, workers)
    finally:
        if bar is not None:
            bar.close()
    if strict:
        _raise_unless_ok(r)
    return r


def _count(*xs):
    """How many integrals the broadcast of xs makes (1 if it fails: the call
    will say why)."""
    try:
        return int(np.prod(np.broadcast_shapes(*(np.shape(x) for x in xs[:4]),
                                               *(np.shape(x) for x in xs[4]
                                                 if _varying(x) or _is_real_scalar(x))),
                           dtype=np.int64))
    except Exception:
        return 1


_PLAIN = (float, int)
_SCALAR_ARG = (float, int)


def _fast(f, a, b, args, epsabs, epsrel, rule, control, threads, mth, isa, vectorized):
    """One integral of plain numbers with default budgets; None when the
    general path must decide (anything unusual, including errors: their
    messages are the general path's)."""
    if not (epsabs >= 0 and epsrel >= 0) or (epsabs == 0 and epsrel == 0) \
            or epsabs == math.inf or epsrel == math.inf:
        return None
    if type(f) is str:
        if f in _KERNELS:
            if args:
                return None
            kind, fn, params, pyargs = "kernel", f, (), ()
        elif f in _FAMILIES:
            if len(args) != _FAMILIES[f][0] or any(type(x) not in _SCALAR_ARG for x in args):
                return None
            kind, fn, params, pyargs = "family", f, tuple(map(float, args)), ()
        else:
            if len(args) > 16 or any(type(x) not in _SCALAR_ARG for x in args):
                return None
            try:
                fn = _compiled(f)
            except ValueError:
                return None
            if _core.noutputs(fn) != 1:
                return None
            kind, params, pyargs = "expr", tuple(map(float, args)), ()
    elif callable(f) and vectorized and type(f).__name__ != "_PointKind":
        if any(_varying(x) for x in args):
            return None
        kind, fn, params, pyargs = "python", f, (), args
    else:
        return None
    return _scalar_result(_core.run1(
        kind, fn, float(a), float(b), float(epsabs), float(epsrel), params, (), pyargs,
        "gk21" if rule == "default" else rule, control, 50000000, 250000, threads, mth,
        isa, None, True, 0))


def _scalar_result(out):
    """A QuadResult of scalars from what _core.run1 returns."""
    value, error, status, evals, nint, rounds, where, calls, detail = out
    r = QuadResult()
    r.shape = ()
    r.integral, r.error = value, error
    r.status = STATUSES[status]
    r.success = status == 0
    r.nfev, r.nintervals, r.nrounds = evals, nint, rounds
    r.where, r.detail, r.ncalls = where, detail, calls
    return r


@functools.lru_cache(maxsize=256)
def _compiled(text):
    return _core.compile(text)


def _options(rule, control, max_evals, max_intervals, threads, math, isa):
    for what, v, allowed in (("rule", rule, _RULES), ("control", control, _CONTROLS),
                             ("math", math, _MATHS), ("isa", isa, _ISAS)):
        if not isinstance(v, str) or v not in allowed:
            raise ValueError("unknown {} {!r} (one of {})".format(what, v, ", ".join(allowed)))
    if isinstance(threads, bool) or not isinstance(threads, numbers.Integral) or threads < 0:
        raise ValueError("threads must be an integer >= 0, not {!r}".format(threads))
    return ("gk21" if rule == "default" else rule, control,
            _budget(max_evals, "max_evals", 50000000),
            _budget(max_intervals, "max_intervals", 250000), int(threads), math, isa)


def _progress(progress, n):
    """The callable handed to C, and the tqdm bar (over n integrals) to
    close, or None."""
    if progress is None or progress is False:
        return None, None
    if progress is True:
        try:
            from tqdm.auto import tqdm
        except Exception:
            return None, None
        bar = tqdm(total=n, unit="integral")

        def cb(fraction):
            bar.update(int(round(fraction * n)) - bar.n)
            return False
        return cb, bar
    if not callable(progress):
        raise TypeError("progress must be True, False, None or a callable")
    return progress, None


def _check_tolerances(ea, er):
    if np.any(np.isnan(ea)) or np.any(np.isnan(er)) or np.any(ea < 0) or np.any(er < 0):
        raise ValueError("tolerances must be >= 0 and not NaN")
    if np.any(np.isinf(ea)) or np.any(np.isinf(er)):
        raise ValueError("tolerances must be finite")
    if np.any((ea == 0) & (er == 0)):
        raise ValueError("epsabs and epsrel are both 0: no tolerance can be met")


def _is_real_scalar(x):
    return isinstance(x, numbers.Real) and not isinstance(x, bool) or \
        (isinstance(x, np.ndarray) and x.ndim == 0 and x.dtype.kind in "fiu")


def _all_scalar(kind, a, b, epsabs, epsrel, args, points):
    if not all(_is_real_scalar(x) for x in (a, b, epsabs, epsrel)):
        return False
    if points is not None:
        if not isinstance(points, (list, tuple)) or len(points) > 64 or \
                not all(_is_real_scalar(p) for p in points):
            return False
    if kind in ("expr", "family"):
        return all(_is_real_scalar(x) for x in args)
    # A Python f: scalar unless some argument is a numeric array.
    return not any(_varying(x) for x in args)


def _varying(arg):
    if np.isscalar(arg) or isinstance(arg, (str, bytes)) or arg is None:
        return False
    if isinstance(arg, np.ndarray):
        return arg.ndim > 0 and arg.dtype.kind in "fiub"
    if isinstance(arg, (list, tuple)):
        try:
            arr = np.asarray(arg)
        except Exception:
            return False
        return arr.ndim > 0 and arr.dtype.kind in "fiub"
    return False


def _one(kind, fn, f, a, b, epsabs, epsrel, args, points, vectorized, opts, cb,
         family_points, workers):
    ea, er = float(epsabs), float(epsrel)
    if not (ea >= 0 and er >= 0):
        raise ValueError("tolerances must be >= 0 and not NaN")
    if math.isinf(ea) or math.isinf(er):
        raise ValueError("tolerances must be finite")
    if ea == 0 and er == 0:
        raise ValueError("epsabs and epsrel are both 0: no tolerance can be met")
    pts = ()
    if points is not None:
        pts = tuple(float(p) for p in points)
        if not all(math.isfinite(p) or math.isnan(p) for p in pts):
            raise ValueError("breakpoints must be finite")
    params, pyargs = (), ()
    if kind in ("expr", "family"):
        params = tuple(float(x) for x in args)
    elif kind == "python":
        pyargs = args
        if not vectorized:
            fn = _scalar_loop(f, [False] * len(args))
    rule, control, max_evals, max_intervals, threads, mth, isa = opts
    return _scalar_result(_core.run1(kind, fn, float(a), float(b), ea, er, params, pts,
                                     pyargs, rule, control, max_evals, max_intervals,
                                     threads, mth, isa, cb, bool(family_points),
                                     int(workers)))


def _many(kind, fn, f, a, b, epsabs, epsrel, args, points, vectorized, opts, cb, bar,
          family_points, workers, vec=None):
    arrays = [_real(a, "a"), _real(b, "b"), _real(epsabs, "epsabs"), _real(epsrel, "epsrel")]
    _check_tolerances(arrays[2], arrays[3])
    # Arguments: numeric ones broadcast with the problems; for a Python f,
    # anything else (and scalars) is passed unchanged.
    varies, numeric = [], []
    for k, arg in enumerate(args):
        if kind != "python":
            numeric.append(_real(arg, "args[{}]".format(k)))
            varies.append(True)
        elif _varying(arg):
            numeric.append(np.asarray(arg).astype(np.float64, copy=False))
            varies.append(True)
        else:
            numeric.append(None)
            varies.append(False)
    shapes = [x.shape for x in arrays] + [x.shape for x in numeric if x is not None]
    try:
        shape = np.broadcast_shapes(*shapes)
    except ValueError:
        raise ValueError("a, b, the tolerances and the array arguments do not "
                         "broadcast together: shapes {}".format(shapes)) from None
    n = int(np.prod(shape, dtype=np.int64))

    def flat(x):
        return np.ascontiguousarray(np.broadcast_to(x, shape).reshape(n), dtype=np.float64)

    fa, fb, fea, fer = (flat(x) for x in arrays)
    params, pyargs = None, ()
    if kind == "python":
        pyargs = tuple(flat(x) if v else arg for x, v, arg in zip(numeric, varies, args))
        if not vectorized:
            fn = _scalar_loop(f, varies)
    elif kind != "point":
        params = (np.ascontiguousarray(np.stack([flat(x) for x in numeric], axis=1))
                  if numeric else np.zeros((n, 0)))
    pts = None
    if points is not None:
        p = _real(points, "points")
        if p.ndim == 1:
            pts = np.ascontiguousarray(np.broadcast_to(p, (n, p.shape[0])))
        else:
            try:
                pts = np.ascontiguousarray(np.broadcast_to(p, shape + p.shape[-1:])
                                           .reshape(n, p.shape[-1]))
            except ValueError:
                raise ValueError("points of shape {} do not fit problems of shape {}: "
                                 "give a 1-d list, or the problems' shape plus one axis"
                                 .format(p.shape, shape)) from None
        if not np.all(np.isfinite(pts) | np.isnan(pts)):
            raise ValueError("breakpoints must be finite")
    rule, control, max_evals, max_intervals, threads, mth, isa = opts
    out = _core.run(kind, fn, fa, fb, fea, fer, params, pts, pyargs, tuple(varies),
                    rule, control, max_evals, max_intervals, threads, mth, isa, cb,
                    bool(family_points), int(workers), *(vec or ()))
    value, error, status, evals, nint, rounds, where, calls, _, detail = out
    r = QuadResult()
    r.shape = shape
    details = np.full(n, None, dtype=object)
    for i, d in detail.items():
        details[i] = d
    if vec is not None:
        # K components: a trailing axis on the values and errors only.
        r.integral = value.reshape(shape + (vec[0],))
        r.error = error.reshape(shape + (vec[0],))
    elif shape == ():
        r.integral, r.error = float(value[0]), float(error[0])
    else:
        r.integral = value.reshape(shape)
        r.error = error.reshape(shape)
    if shape == ():
        r.status = STATUSES[status[0]]
        r.success = r.status == "ok"
        r.nfev, r.nintervals, r.nrounds = int(evals[0]), int(nint[0]), int(rounds[0])
        r.where, r.detail = float(where[0]), details[0]
    else:
        r.status = _STATUS_ARRAY[status].reshape(shape)
        r.success = (status == 0).reshape(shape)
        r.nfev = evals.reshape(shape)
        r.nintervals = nint.reshape(shape)
        r.nrounds = rounds.reshape(shape)
        r.where = where.reshape(shape)
        r.detail = details.reshape(shape)
    r.ncalls = calls
    return r


_NORMS = ("components", "max", "l2")


def quad_vec(f, a, b, args=(), *, K=None, moments=None, cosine=None, sine=None,
             omega=1.0, norm="components", epsabs=0.0, epsrel=1e-10, points=None,
             rule="gk21", max_evals=None, max_intervals=None, threads=0, math="auto",
             isa="auto", progress=None, strict=False):
    """Integrate K functions over [a, b] on one shared subdivision, for every
    element of the broadcast of a, b, epsabs, epsrel and the numeric args.

    f: an expression with K outputs separated by semicolons,
       "exp(-x*x); x*exp(-x*x)"; a vectorized callable f(x, *args) returning
       an array of shape (K, len(x)) (give K); or, with moments=K, cosine=K
       or sine=K, a scalar integrand (an expression, a kernel or family
       name, or a vectorized callable returning len(x) values) whose moments
       x^k f(x) (k < K), Fourier cosines cos(k omega x) f(x) (k < K) or
       sines sin(k omega x) f(x) (k = 1 .. K) are integrated, with f
       evaluated once per node.
    norm: 'components' (every component within max(epsabs, epsrel |I_k|),
       the default), 'max' or 'l2' (the norms of the errors against the
       norms of the values).
    The other arguments are those of quad (rule 'gk21' or 'gk15' only).

    Returns a QuadResult whose integral and error have a trailing axis of
    length K (shape: the broadcast shape plus (K,)); status, nfev and the
    other fields have the broadcast shape. K = 1 gives the same numbers as
    quad.
    """
    chosen = [(name, v) for name, v in (("moments", moments), ("cosine", cosine),
                                        ("sine", sine)) if v is not None]
    if len(chosen) > 1:
        raise ValueError("give at most one of moments, cosine and sine")
    if norm not in _NORMS:
        raise ValueError("unknown norm {!r} (one of {})".format(norm, ", ".join(_NORMS)))
    kind = _kind_of(f)
    if kind == "point":
        raise ValueError("quad_vec takes no expensive point integrand from Python; "
                         "use quad with executor= for each component")
    if not isinstance(args, tuple):
        args = (args,)
    family, om = "", float(omega)
    fn = _compiled(f) if kind == "expr" else f
    if chosen:
        family, K = chosen[0]
        if isinstance(K, bool) or not isinstance(K, numbers.Integral) or K < 1:
            raise ValueError("{} must be an integer >= 1, not {!r}".format(family, K))
        if not _finite(om):
            raise ValueError("omega must be finite")
        if kind == "expr" and _core.noutputs(fn) != 1:
            raise ValueError("the base of {} must have one output".format(family))
    elif kind == "expr":
        n_out = _core.noutputs(fn)
        if K is not None and K != n_out:
            raise ValueError("K = {} but the expression has {} outputs".format(K, n_out))
        K = n_out
    elif kind == "python":
        if isinstance(K, bool) or not isinstance(K, numbers.Integral) or K < 1:
            raise ValueError("a callable f needs K, the number of values it returns "
                             "per point (an array of shape (K, len(x)))")
    else:
        raise ValueError("a {} is one function: give moments=K, cosine=K or sine=K, "
                         "or write an expression with several outputs".format(kind))
    if kind == "kernel" and args:
        raise ValueError("the kernel {!r} takes no parameters".format(f))
    if kind == "family" and len(args) != _FAMILIES[f][0]:
        raise ValueError("the family {!r} takes {} parameters, {} given"
                         .format(f, _FAMILIES[f][0], len(args)))
    if rule in ("simpson",):
        raise ValueError("vector integrands need a Gauss-Kronrod rule (gk21, gk15)")
    opts = _options(rule, "global", max_evals, max_intervals, threads, math, isa)
    vec = (int(K), family, om, _NORMS.index(norm))
    if (progress is None and points is None and kind != "python"
            and _all_scalar(kind, a, b, epsabs, epsrel, args, None)):
        # One integral of plain numbers: the C call without broadcasting.
        ea, er = float(epsabs), float(epsrel)
        if not (ea >= 0 and er >= 0) or not (_finite(ea) and _finite(er)) \
                or (ea == 0 and er == 0):
            _check_tolerances(np.array([ea]), np.array([er]))
        params = np.array([[float(x) for x in args]]) if args else np.zeros((1, 0))
        rule_, control, max_evals_, max_intervals_, threads_, mth, isa_ = opts
        one = np.array([float(a)]), np.array([float(b)]), np.array([ea]), np.array([er])
        value, error, status, evals, nint, rounds, where, calls, _, detail = _core.run(
            kind, fn, *one, params, None, (), (), rule_, control, max_evals_,
            max_intervals_, threads_, mth, isa_, None, True, 0, *vec)
        r = _scalar_result((value[0], error[0], status[0], int(evals[0]), int(nint[0]),
                            int(rounds[0]), float(where[0]), calls, detail.get(0)))
        if strict:
            _raise_unless_ok(r)
        return r
    cb, bar = _progress(progress, _count(a, b, epsabs, epsrel, args)
                        if progress is True else 1)
    try:
        r = _many(kind, fn, f, a, b, epsabs, epsrel, args, points, True, opts, cb, bar,
                  True, 0, vec=vec)
    finally:
        if bar is not None:
            bar.close()
    if strict:
        _raise_unless_ok(r)
    return r


_finite = math.isfinite   # quad_vec's argument `math` hides the module


def _raise_unless_ok(r):
    status = np.atleast_1d(np.asarray(r.status))
    bad = np.flatnonzero(status != "ok")
    if not bad.size:
        return
    i = int(bad[0])
    value = np.asarray(r.integral).reshape(status.size, -1)[i]
    error = np.asarray(r.error).reshape(status.size, -1)[i]
    if value.size == 1:
        value, error = value[0], error[0]
    else:   # a vector integrand's: its largest
        value, error = np.max(np.abs(value)), np.max(error)
    detail = np.atleast_1d(np.asarray(r.detail, dtype=object))[i]
    where = " element {}:".format(np.unravel_index(i, r.shape)) if r.shape else ""
    raise IntegrationError("{} of {} integrals did not succeed;{} {} ({}), {!r} +- {:.3g}{}"
                           .format(bad.size, status.size, where, status[i],
                                   _STRERROR[STATUSES.index(status[i])], float(value),
                                   float(error), ": " + detail if detail else ""))


def scipy_quad(func, a, b, args=(), epsabs=1.49e-8, epsrel=1.49e-8, limit=50,
               points=None):
    """scipy.integrate.quad's call and defaults for a scalar func: returns
    (y, abserr) and warns (IntegrationWarning) when the integral does not
    succeed, so that code can switch by changing an import."""
    if not isinstance(args, tuple):
        args = (args,)
    r = quad(lambda x: np.array([func(float(t), *args) for t in x]), a, b,
             epsabs=epsabs, epsrel=epsrel, points=points,
             max_intervals=max(int(limit), 1))
    if not r.success:
        warnings.warn("{}: {} (simdquad status {!r}); the estimate is {!r} +- {:.3g}"
                      .format(r.status, r.message, r.status, r.integral, r.error),
                      IntegrationWarning, stacklevel=2)
    return r.integral, r.error
