# SPDX-License-Identifier: MIT
"""simdquad from Python against SciPy, in one run, as ratios.

    PYTHONPATH=build/python python3 bench/python_bench.py [--quick]

1. A 16-problem battery at epsrel 1e-10: scipy.integrate.quad with a plain
   Python function, simdquad with the numpy-vectorized function, simdquad
   with the expression (no Python per round).
2. Large single integrals (>= 10^4 evaluations).
3. 10^5 Genz problems from numpy arrays: the expression and the family
   from Python against the C batch called directly (ctypes), and
   scipy.integrate.quad_vec per integral on a slice.
4. The classic experiment: sin on [0, pi] at epsabs 1e-10, each evaluation
   sleeping 20 ms, 64 workers of a ThreadPoolExecutor: call-times (wall
   time / 20 ms) for Simpson and the default rule.

Times are medians of repeats; the machine is shared, so compare ratios.
"""

import ctypes
import glob
import math
import os
import platform
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import scipy
import scipy.integrate as si

import simdquad

QUICK = "--quick" in sys.argv


def median_time(fn, repeats=5, min_time=0.05):
    """Median over repeats of the time per call (each repeat loops fn until
    min_time has passed)."""
    out = []
    for _ in range(repeats if not QUICK else 3):
        n, t0 = 0, time.perf_counter()
        while True:
            fn()
            n += 1
            t = time.perf_counter() - t0
            if t >= min_time:
                break
        out.append(t / n)
    return statistics.median(out)


# (expression, numpy function, a, b, exact)
BATTERY = [
    ("exp(x)", np.exp, 0, 1, math.e - 1),
    ("sqrt(x)", np.sqrt, 0, 1, 2 / 3),
    ("0.92*cosh(x)-cos(x)", lambda x: 0.92 * np.cosh(x) - np.cos(x), -1, 1,
     0.47942822668880164),
    ("1/(x^4+x^2+0.9)", lambda x: 1 / (x**4 + x**2 + 0.9), -1, 1, 1.5822329637296728),
    ("x^1.5", lambda x: x**1.5, 0, 1, 0.4),
    ("1/sqrt(x)", lambda x: 1 / np.sqrt(x), 0, 1, 2.0),
    ("1/(1+x^4)", lambda x: 1 / (1 + x**4), 0, 1, 0.86697298733991102),
    ("2/(2+sin(10*pi*x))", lambda x: 2 / (2 + np.sin(10 * np.pi * x)), 0, 1,
     1.1547005383792515),
    ("1/(1+x)", lambda x: 1 / (1 + x), 0, 1, math.log(2)),
    ("1/(1+exp(x))", lambda x: 1 / (1 + np.exp(x)), 0, 1, 0.37988549304172248),
    ("sin(100*pi*x)/(pi*x)", lambda x: np.sin(100 * np.pi * x) / (np.pi * x), 0.1, 1,
     0.0090986375391668428),
    ("sqrt(50)*exp(-50*pi*x*x)", lambda x: math.sqrt(50) * np.exp(-50 * np.pi * x * x),
     0, 10, 0.5),
    ("25*exp(-25*x)", lambda x: 25 * np.exp(-25 * x), 0, 10, 1 - math.exp(-250)),
    ("log(x)", np.log, 0, 1, -1.0),
    ("1/(x*x+1.005)", lambda x: 1 / (x * x + 1.005), -1, 1, 1.5643964440690499),
    ("x^2*exp(-x/32)", lambda x: x * x * np.exp(-x / 32), 0, np.inf, 65536.0),
]


def scalar_of(expr):
    """The scalar Python function most people would write: math's functions
    on floats."""
    src = expr.replace("^", "**")
    names = {k: getattr(math, k) for k in ("exp", "sqrt", "cosh", "cos", "sin", "log", "pi")}
    code = compile("lambda x: " + src, expr, "eval")
    return eval(code, names)


try:
    import numba
    from scipy import LowLevelCallable
except Exception:  # Numba is optional: its rows are left out
    numba = None


def numba_callable(expr):
    """scipy.integrate.quad's fastest path: a LowLevelCallable of a Numba
    cfunc, no Python per evaluation."""
    c = numba.cfunc("float64(float64)")(numba.njit(scalar_of(expr)))
    return LowLevelCallable(c.ctypes)


def numba_gk15_batch():
    """A Numba prange loop over problems, each an adaptive Gauss-Kronrod
    7/15 (QUADPACK's rule, bisecting the worst interval, as qag), the way
    one would write a many-integrals loop by hand."""
    xgk = np.array([0.991455371120812639206854697526329, 0.949107912342758524526189684047851,
                    0.864864423359769072789712788640926, 0.741531185599394439863864773280788,
                    0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
                    0.207784955007898467600689403773245, 0.0])
    wgk = np.array([0.022935322010529224963732008058970, 0.063092092629978553290700663189204,
                    0.104790010322250183839876322541518, 0.140653259715525918745189590510238,
                    0.169004726639267902826583426598550, 0.190350578064785409913256402421014,
                    0.204432940075298892414161999234649, 0.209482141084727828012999174891714])
    wg = np.array([0.129484966168869693270611432679082, 0.279705391489276667901467771423780,
                   0.381830050505118944950369775488975, 0.417959183673469387755102040816327])

    @numba.njit(inline="always")
    def f(x, c, u):
        return math.exp(-c * c * (x - u) ** 2)

    @numba.njit(inline="always")
    def gk15(a, b, c, u):
        m, h = 0.5 * (a + b), 0.5 * (b - a)
        fc = f(m, c, u)
        k = fc * wgk[7]
        g = fc * wg[3]
        for j in range(7):
            s = f(m - h * xgk[j], c, u) + f(m + h * xgk[j], c, u)
            k += wgk[j] * s
            if j % 2 == 1:
                g += wg[j // 2] * s
        return k * h, abs((k - g) * h)

    @numba.njit(parallel=True)
    def run(c, u, tol, out):
        for i in numba.prange(c.shape[0]):
            lo = np.empty(2000)
            hi = np.empty(2000)
            val = np.empty(2000)
            err = np.empty(2000)
            lo[0], hi[0] = 0.0, 1.0
            val[0], err[0] = gk15(0.0, 1.0, c[i], u[i])
            n = 1
            while n < 1999:
                tv, te, w = 0.0, 0.0, 0
                for j in range(n):
                    tv += val[j]
                    te += err[j]
                    if err[j] > err[w]:
                        w = j
                if te <= tol * abs(tv):
                    break
                mid = 0.5 * (lo[w] + hi[w])
                lo[n], hi[n] = mid, hi[w]
                hi[w] = mid
                val[w], err[w] = gk15(lo[w], hi[w], c[i], u[i])
                val[n], err[n] = gk15(lo[n], hi[n], c[i], u[i])
                n += 1
            tv = 0.0
            for j in range(n):
                tv += val[j]
            out[i] = tv
    return run


def section(title):
    print("\n## " + title + "\n")


def battery():
    section("Battery: 16 problems at epsrel 1e-10, one thread, time per integral")
    print("| problem | scipy quad (Python f) | quad, Numba LowLevelCallable | simdquad, "
          "numpy f | simdquad, expression | quad / numpy f | quad / expression | "
          "LowLevelCallable / expression |")
    print("|---|---|---|---|---|---|---|---|")
    r_np, r_ex, r_ll = [], [], []
    for expr, vf, a, b, exact in BATTERY:
        sf = scalar_of(expr)
        tq = median_time(lambda: si.quad(sf, a, b, epsabs=0, epsrel=1e-10, limit=1000))
        tn = median_time(lambda: simdquad.quad(vf, a, b, epsrel=1e-10, threads=1))
        te = median_time(lambda: simdquad.quad(expr, a, b, epsrel=1e-10, threads=1))
        tl = float("nan")
        if numba is not None:
            ll = numba_callable(expr)
            tl = median_time(lambda: si.quad(ll, a, b, epsabs=0, epsrel=1e-10, limit=1000))
            r_ll.append(tl / te)
        r = simdquad.quad(expr, a, b, epsrel=1e-10, threads=1)
        assert abs(r.integral - exact) <= max(r.error, 1e-9 * abs(exact)), expr
        r_np.append(tq / tn)
        r_ex.append(tq / te)
        print("| `{}` | {:.1f} µs | {:.1f} µs | {:.1f} µs | {:.1f} µs | {:.2f}× | {:.1f}× | "
              "{:.2f}× |".format(expr, tq * 1e6, tl * 1e6, tn * 1e6, te * 1e6, tq / tn,
                                 tq / te, tl / te))
    gm = lambda v: math.exp(sum(map(math.log, v)) / len(v)) if v else float("nan")
    print("\nGeometric mean speed-up over scipy quad: numpy f {:.2f}×, expression {:.1f}×; "
          "expression over quad with a Numba LowLevelCallable {:.2f}×"
          .format(gm(r_np), gm(r_ex), gm(r_ll)))


def large():
    section("Large single integrals (>= 10^4 evaluations), one thread")
    print("| integral | evaluations | scipy quad | quad, Numba LowLevelCallable | simdquad, "
          "numpy f | simdquad, expression | quad / numpy f | quad / expression |")
    print("|---|---|---|---|---|---|---|---|")
    cases = [("cos(x)", np.cos, 0, 1e4, 1e-10),
             ("exp(-x)*sin(50*x)", lambda x: np.exp(-x) * np.sin(50 * x), 0, 200, 1e-12),
             ("sin(x*x)", lambda x: np.sin(x * x), 0, 100, 1e-10)]
    for expr, vf, a, b, tol in cases:
        sf = scalar_of(expr)
        r = simdquad.quad(vf, a, b, epsrel=tol, threads=1)
        tq = median_time(lambda: si.quad(sf, a, b, epsabs=0, epsrel=tol, limit=100000),
                         repeats=3, min_time=0.01)
        tn = median_time(lambda: simdquad.quad(vf, a, b, epsrel=tol, threads=1))
        te = median_time(lambda: simdquad.quad(expr, a, b, epsrel=tol, threads=1))
        tl = float("nan")
        if numba is not None:
            ll = numba_callable(expr)
            tl = median_time(lambda: si.quad(ll, a, b, epsabs=0, epsrel=tol, limit=100000),
                             repeats=3, min_time=0.01)
        print("| `{}` on [{:g}, {:g}] at {:g} | {} | {:.2f} ms | {:.2f} ms | {:.2f} ms | "
              "{:.2f} ms | {:.0f}× | {:.0f}× |".format(expr, a, b, tol, r.nfev, tq * 1e3,
                                                      tl * 1e3, tn * 1e3, te * 1e3,
                                                      tq / tn, tq / te))


class Integrand(ctypes.Structure):
    _fields_ = [("kind", ctypes.c_int), ("kernel", ctypes.c_int),
                ("batch", ctypes.c_void_p), ("ctx", ctypes.c_void_p),
                ("family", ctypes.c_int), ("param", ctypes.c_void_p),
                ("params", ctypes.c_void_p), ("expr", ctypes.c_void_p),
                ("point", ctypes.c_void_p)]


class Batch(ctypes.Structure):
    _fields_ = [("n", ctypes.c_size_t), ("a", ctypes.c_void_p), ("b", ctypes.c_void_p),
                ("epsabs", ctypes.c_void_p), ("epsrel", ctypes.c_void_p),
                ("params", ctypes.c_void_p), ("nparams", ctypes.c_size_t),
                ("points", ctypes.c_void_p), ("npoints", ctypes.c_size_t)]


class Result(ctypes.Structure):
    _fields_ = [("value", ctypes.c_double), ("error", ctypes.c_double),
                ("evals", ctypes.c_size_t), ("intervals", ctypes.c_size_t),
                ("rounds", ctypes.c_uint32), ("status", ctypes.c_int),
                ("where", ctypes.c_double), ("detail", ctypes.c_char_p),
                ("wasted", ctypes.c_size_t)]


def c_library():
    here = os.path.dirname(os.path.abspath(simdquad.__file__))
    for cand in glob.glob(os.path.join(here, "..", "..", "libsimdquad.so*")) + \
            glob.glob("build*/libsimdquad.so*"):
        try:
            return ctypes.CDLL(os.path.abspath(cand))
        except OSError:
            continue
    return None


def genz():
    n = 10000 if QUICK else 100000
    section("{} Genz Gaussian problems from numpy arrays, epsrel 1e-10, 2 threads".format(n))
    rng = np.random.default_rng(1)
    p0 = rng.uniform(1, 20, n)
    p1 = rng.uniform(0, 1, n)
    expr = "exp(-p0^2*(x-p1)^2)"
    vf = lambda x, c, u: np.exp(-c * c * (x - u) ** 2)
    te = median_time(lambda: simdquad.quad(expr, 0, 1, args=(p0, p1)), repeats=3)
    tf = median_time(lambda: simdquad.quad("genz_gaussian", 0, 1, args=(p0, p1)), repeats=3)
    tv = median_time(lambda: simdquad.quad(vf, 0, 1, args=(p0, p1)), repeats=3)
    lib = c_library()
    tc = tce = float("nan")
    if lib is not None:
        lib.sq_fn_family.restype = Integrand
        lib.sq_fn_family.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
        lib.sq_expr_compile.restype = ctypes.c_void_p
        lib.sq_expr_compile.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
        lib.sq_fn_expr.restype = Integrand
        lib.sq_fn_expr.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
        lib.sq_expr_free.argtypes = [ctypes.c_void_p]
        lib.sq_integrate_batch.argtypes = [ctypes.c_void_p, ctypes.POINTER(Integrand),
                                           ctypes.POINTER(Batch), ctypes.c_void_p,
                                           ctypes.c_void_p]
        fam = lib.sq_fn_family(b"genz_gaussian", None)
        cexpr = lib.sq_expr_compile(expr.encode(), None)
        fexpr = lib.sq_fn_expr(cexpr, None)
        a, b = np.zeros(n), np.ones(n)
        ea, er = np.zeros(n), np.full(n, 1e-10)
        prm = np.ascontiguousarray(np.stack([p0, p1], axis=1))
        res = (Result * n)()
        bt = Batch(n, a.ctypes.data, b.ctypes.data, ea.ctypes.data, er.ctypes.data,
                   prm.ctypes.data, 2, None, 0)
        tc = median_time(lambda: lib.sq_integrate_batch(None, ctypes.byref(fam),
                                                        ctypes.byref(bt), None, res),
                         repeats=3)
        tce = median_time(lambda: lib.sq_integrate_batch(None, ctypes.byref(fexpr),
                                                         ctypes.byref(bt), None, res),
                          repeats=3)
        lib.sq_expr_free(cexpr)
    tnb = float("nan")
    if numba is not None:
        run = numba_gk15_batch()
        out = np.empty(n)
        run(p0[:10], p1[:10], 1e-10, out[:10])          # compile
        tnb = median_time(lambda: run(p0, p1, 1e-10, out), repeats=3)
    m = 100 if QUICK else 300
    tqv = median_time(lambda: si.quad_vec(lambda x: vf(x, p0[:m], p1[:m]), 0, 1,
                                          epsabs=0, epsrel=1e-10), repeats=3) / m
    print("| how | time | per integral | against the C batch of the same integrand |")
    print("|---|---|---|---|")
    print("| C batch, family (sq_integrate_batch through ctypes) | {:.1f} ms | {:.2f} µs | 1 |"
          .format(tc * 1e3, tc / n * 1e6))
    print("| C batch, expression | {:.1f} ms | {:.2f} µs | 1 |".format(tce * 1e3, tce / n * 1e6))
    print("| family from Python | {:.1f} ms | {:.2f} µs | {:.2f}× |".format(
        tf * 1e3, tf / n * 1e6, tf / tc))
    print("| expression from Python | {:.1f} ms | {:.2f} µs | {:.2f}× |".format(
        te * 1e3, te / n * 1e6, te / tce))
    print("| numpy-vectorized f | {:.1f} ms | {:.2f} µs | {:.2f}× the family |".format(
        tv * 1e3, tv / n * 1e6, tv / tc))
    print("| Numba prange loop, adaptive GK15 per problem (hand-written) | {:.1f} ms | "
          "{:.2f} µs | {:.2f}× the family |".format(tnb * 1e3, tnb / n * 1e6, tnb / tc))
    print("| scipy quad_vec ({} at once, per integral) | — | {:.1f} µs | {:.0f}× the "
          "expression |".format(m, tqv * 1e6, tqv * n / tce))
    print("\nquad_vec per integral / simdquad expression per integral: {:.0f}×".format(
        tqv / (te / n)))


GENZ = {
    "genz_oscillatory": lambda x, c, u: np.cos(2 * np.pi * u + c * x),
    "genz_product_peak": lambda x, c, u: 1 / (c ** -2.0 + (x - u) ** 2),
    "genz_corner_peak": lambda x, c: (1 + c * x) ** -2.0,
    "genz_gaussian": lambda x, c, u: np.exp(-c * c * (x - u) ** 2),
    "genz_continuous": lambda x, c, u: np.exp(-c * np.abs(x - u)),
    "genz_discontinuous": lambda x, c, u: np.where(x > u, 0.0, np.exp(c * x)),
}


def genz_mixed():
    m = 50 if QUICK else 200
    section("Mixed Genz families, {} problems of each of the six, epsrel 1e-10, no "
            "breakpoints given: simdquad per family against one quad_vec over all".format(m))
    rng = np.random.default_rng(2)
    c, u = rng.uniform(1, 20, m), rng.uniform(0.05, 0.95, m)
    t_sq = 0.0
    ok = 0
    def args_of(name):
        return (c / 10,) if name == "genz_corner_peak" else (c, u)
    for name in GENZ:
        a = args_of(name)
        t_sq += median_time(lambda: simdquad.quad(name, 0, 1, args=a, family_points=False),
                            repeats=3)
        ok += int(np.sum(simdquad.quad(name, 0, 1, args=a, family_points=False).success))

    def all_families(x):
        return np.concatenate([f(x, *args_of(k)) for k, f in GENZ.items()])
    t0 = time.perf_counter()
    r = si.quad_vec(all_families, 0, 1, epsabs=0, epsrel=1e-10, norm="max",
                    full_output=True, limit=100000)
    tq = time.perf_counter() - t0
    k = 6 * m
    print("| how | per integral | successes |")
    print("|---|---|---|")
    print("| simdquad families (C, six calls) | {:.2f} µs | {} / {} |".format(t_sq / k * 1e6,
                                                                          ok, k))
    print("| scipy quad_vec, norm max, one call over all ({} evaluations of f) | {:.1f} µs"
          " | {} |".format(r[2].neval, tq / k * 1e6, "ok" if r[2].success else r[2].message))
    print("\nquad_vec / simdquad per integral: {:.0f}×".format(tq / t_sq))


def classic():
    section("The classic experiment: sin on [0, pi], epsabs 1e-10, each evaluation "
            "sleeping 20 ms, 64 thread workers")
    cost = 0.02

    def f(x):
        time.sleep(cost)
        return math.sin(x)

    print("| rule | executor | evaluations | wall time | call-times |")
    print("|---|---|---|---|---|")
    for rule in ("simpson", "gk21"):
        with ThreadPoolExecutor(max_workers=64) as ex:
            t0 = time.perf_counter()
            r = simdquad.quad(f, 0, math.pi, executor=ex, workers=64, epsabs=1e-10,
                              epsrel=0, rule=rule)
            t = time.perf_counter() - t0
        assert abs(r.integral - 2) <= r.error
        print("| {} | ThreadPoolExecutor | {} | {:.2f} s | {:.1f} |".format(
            rule, r.nfev, t, t / cost))
    try:
        import distributed
    except Exception:
        print("| — | Dask: distributed is not installed | | | |")
        return
    # A local Dask cluster on loopback: one worker process with 64 threads.
    with distributed.LocalCluster(n_workers=1, threads_per_worker=64, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        for rule in ("simpson", "gk21"):
            t0 = time.perf_counter()
            r = simdquad.quad(f, 0, math.pi, executor=client, workers=64, epsabs=1e-10,
                              epsrel=0, rule=rule)
            t = time.perf_counter() - t0
            assert abs(r.integral - 2) <= r.error
            print("| {} | local Dask cluster (1 process, 64 threads) | {} | {:.2f} s | "
                  "{:.1f} |".format(rule, r.nfev, t, t / cost))


def main():
    print("# simdquad from Python\n")
    print("| | |\n|---|---|")
    print("| machine | {}, {} logical cores |".format(platform.processor() or
                                                     platform.machine(), os.cpu_count()))
    isa = "avx512" if "avx512f" in open("/proc/cpuinfo").read() else "avx2 or older"
    print("| ISA | {} |".format(isa))
    print("| Python | {} |".format(platform.python_version()))
    print("| numpy, scipy | {}, {} |".format(np.__version__, scipy.__version__))
    print("| simdquad | {} |".format(simdquad.__version__))
    print("| numba | {} |".format(numba.__version__ if numba is not None
                                   else "not installed: its rows are left out"))
    battery()
    large()
    genz()
    genz_mixed()
    classic()


if __name__ == "__main__":
    main()
