# SPDX-License-Identifier: MIT
"""K moments on one subdivision, every peer in one run: first the C table
of simdquad-bench vector (the vector call, K separate integrals and
cubature's hcubature_v with fdim = K), then from Python simdquad.quad_vec
against scipy.integrate.quad_vec.

    PYTHONPATH=build/python python3 bench/vector.py [--repeats N] [--bench PATH]

PATH is the simdquad-bench to run (default: bench/simdquad-bench beside the
python directory of PYTHONPATH's build, when it is there).

The integrand of simdquad-bench vector: x^k exp(-x^2) cos(3x), k < K, on
[0, 10] at epsrel 1e-10 (every component its own tolerance: simdquad's
default; quad_vec's norm='max', its closest). For each K: the time per call
(median of repeats, alternating), the evaluations of f, and the worst
relative error of a component against a reference from 4000 panels of
20-point Gauss-Legendre summed in long double.
"""

import os
import platform
import statistics
import subprocess
import sys
import time

import numpy as np
import scipy
import scipy.integrate as si

import simdquad

REPEATS = int(sys.argv[sys.argv.index("--repeats") + 1]) if "--repeats" in sys.argv else 7
LO, HI, EPSREL = 0.0, 10.0, 1e-10


def reference(K):
    x, w = np.polynomial.legendre.leggauss(20)
    edges = np.linspace(LO, HI, 4001)
    c = 0.5 * (edges[1:] + edges[:-1])
    h = 0.5 * (edges[1:] - edges[:-1])
    xs = (c[:, None] + h[:, None] * x[None, :]).ravel()
    ws = (h[:, None] * w[None, :]).ravel()
    f = (ws * np.exp(-xs * xs) * np.cos(3 * xs)).astype(np.longdouble)
    xl = xs.astype(np.longdouble)
    out, v = [], f.copy()
    for _ in range(K):
        out.append(float(np.sum(v)))
        v = v * xl
    return np.array(out)


def timed(fn):
    t = time.perf_counter()
    r = fn()
    return time.perf_counter() - t, r


def c_table():
    """Run simdquad-bench vector, when it can be found, and print its report."""
    if "--bench" in sys.argv:
        path = sys.argv[sys.argv.index("--bench") + 1]
    else:
        pkg = os.path.dirname(os.path.dirname(os.path.abspath(simdquad.__file__)))
        path = os.path.join(os.path.dirname(pkg), "bench", "simdquad-bench")
    if not os.path.exists(path):
        print("(simdquad-bench not found at {}: the C table is left out)\n".format(path))
        return
    out = subprocess.run([path, "vector", "--repeats", str(2 * REPEATS + 1)],
                         capture_output=True, text=True, check=True).stdout
    print(out)


def main():
    c_table()
    print("# K moments from Python: simdquad.quad_vec and scipy.integrate.quad_vec\n")
    print("machine: {}, {} logical cores; Python {}, NumPy {}, SciPy {}, simdquad {}\n"
          .format(platform.processor() or platform.machine(), os.cpu_count(),
                  platform.python_version(), np.__version__, scipy.__version__,
                  simdquad.__version__))
    print("x^k exp(-x^2) cos(3x) on [0, 10], epsrel {:g}, one thread; median of {} "
          "calls each, alternating.\n".format(EPSREL, REPEATS))
    print("| K | simdquad ms | points | worst | quad_vec ms | points | worst | "
          "quad_vec/simdquad |")
    print("|---|---|---|---|---|---|---|---|")
    for K in (1, 4, 16, 64):
        ref = reference(K)
        kk = np.arange(K)[:, None]
        calls = [0]

        def f(x):
            calls[0] += 1
            return x ** np.arange(K) * (np.exp(-x * x) * np.cos(3 * x))

        ts, tq = [], []
        for _ in range(REPEATS):
            t, rs = timed(lambda: simdquad.quad_vec("gauss_cos", LO, HI, moments=K,
                                                    epsrel=EPSREL, threads=1))
            ts.append(t)
            calls[0] = 0
            t, rq = timed(lambda: si.quad_vec(f, LO, HI, epsabs=0, epsrel=EPSREL,
                                              norm="max", full_output=True))
            tq.append(t)
        vq, _, info = rq
        ws = np.max(np.abs(rs.integral - ref) / np.abs(ref))
        wq = np.max(np.abs(vq - ref) / np.abs(ref))
        ms, mq = statistics.median(ts), statistics.median(tq)
        print("| {} | {:.3f} | {} | {:.1e} | {:.3f} | {} | {:.1e} | {:.1f}x |"
              .format(K, ms * 1e3, rs.nfev, ws, mq * 1e3, info.neval, wq, mq / ms))
        del kk


if __name__ == "__main__":
    main()
