# SPDX-License-Identifier: MIT
"""Expensive integrands through an executor.

quad(f, a, b, executor=ex) evaluates a scalar f(x, *args) point by point
as futures of any concurrent.futures.Executor (a ProcessPoolExecutor, a
ThreadPoolExecutor, mpi4py.futures.MPIPoolExecutor) or of a Dask
distributed.Client, with `workers` of them in flight at once (default:
twice the executor's workers where it says, else 8). The engine behind it
is the C library's expensive mode: a cache that never evaluates a point
twice within a call, and speculation that keeps idle workers busy with the
points the next rounds may need (the result is the same bits without it).

An exception raised by f stops every integral of the call and is raised
again by quad with its own traceback; futures already submitted are left
to finish (an executor cannot take back a running call) and their values
are dropped.
"""

import numpy as np


def _in_flight(executor, workers):
    if workers is not None:
        if isinstance(workers, bool) or int(workers) != workers or workers < 1:
            raise ValueError("workers must be a positive integer, not {!r}".format(workers))
        return int(workers)
    n = getattr(executor, "_max_workers", None)
    if n is None and hasattr(executor, "nthreads"):
        try:  # a Dask Client: its workers' threads
            n = sum(executor.nthreads().values())
        except Exception:
            n = None
    return 2 * int(n) if n else 8


def quad_executor(f, a, b, args, *, executor, epsabs, epsrel, points, rule, control,
                  max_evals, max_intervals, workers, strict):
    from . import quad, _core  # noqa: F401  (quad for its checks)
    if not callable(f):
        raise TypeError("with an executor, f must be a scalar callable f(x, *args)")
    if not hasattr(executor, "submit"):
        raise TypeError("executor must have submit() (a concurrent.futures.Executor "
                        "or a Dask Client), not {}".format(type(executor).__name__))
    if not isinstance(args, tuple):
        args = (args,)
    nflight = _in_flight(executor, workers)

    def one(x):
        return float(executor.submit(f, x, *args).result())

    # The checks, broadcasting and result object are quad's: its Python
    # path with a placeholder integrand, switched to the point kind.
    return quad(_PointKind(one, nflight), a, b, epsabs=epsabs, epsrel=epsrel,
                points=points, rule=rule, control=control, max_evals=max_evals,
                max_intervals=max_intervals, strict=strict)


class _PointKind:
    """Marks a point-by-point integrand for quad (see _kind_of)."""

    def __init__(self, fn, workers):
        self.fn = fn
        self.workers = workers

    def __call__(self, x):  # never called vectorized
        return np.array([self.fn(float(t)) for t in x])
