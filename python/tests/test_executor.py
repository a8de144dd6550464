# SPDX-License-Identifier: MIT
"""Expensive integrands through executors: futures in flight, a cache that
never evaluates a point twice, failures re-raised."""

import math
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import numpy as np
import pytest

import simdquad


def gaussian(x, c=1.0):
    return math.exp(-c * x * x)


def failing(x):
    if x > 0.5:
        raise RuntimeError("the solver diverged at x = {}".format(x))
    return 1.0


class Counting:
    def __init__(self):
        self.lock = threading.Lock()
        self.points = []
        self.inflight = 0
        self.most = 0

    def __call__(self, x):
        with self.lock:
            self.points.append(x)
            self.inflight += 1
            self.most = max(self.most, self.inflight)
        import time
        time.sleep(0.005)   # long enough for the calls to overlap on a loaded machine
        with self.lock:
            self.inflight -= 1
        return math.cos(x)


def test_thread_pool_keeps_many_points_in_flight_and_never_twice():
    f = Counting()
    with ThreadPoolExecutor(max_workers=16) as ex:
        r = simdquad.quad(f, 0, 10, executor=ex, epsrel=1e-12)
    assert r.success and abs(r.integral - math.sin(10)) <= r.error
    assert len(f.points) == len(set(f.points))          # never twice
    assert f.most > 4                                    # concurrency
    assert r.nfev <= len(f.points)                       # speculation may add


def test_the_same_bits_as_the_vectorized_path():
    with ThreadPoolExecutor(max_workers=4) as ex:
        r = simdquad.quad(gaussian, 0, 3, args=(2.0,), executor=ex)
    v = simdquad.quad(gaussian, 0, 3, args=(2.0,), vectorized=False)
    assert r.integral == v.integral and r.error == v.error and r.nfev == v.nfev


def test_process_pool_and_broadcast_limits():
    b = np.array([1.0, 2.0, 3.0])
    with ProcessPoolExecutor(max_workers=2) as ex:
        r = simdquad.quad(gaussian, 0, b, executor=ex, workers=8)
    truth = np.array([math.sqrt(math.pi) / 2 * math.erf(t) for t in b])
    assert r.success.all() and np.all(np.abs(r.integral - truth) <= r.error)


def test_an_exception_in_a_worker_is_raised_with_its_traceback():
    with ThreadPoolExecutor(max_workers=4) as ex:
        with pytest.raises(RuntimeError, match="solver diverged") as info:
            simdquad.quad(failing, 0, 1, executor=ex)
    import traceback
    assert "failing" in "".join(traceback.format_tb(info.value.__traceback__))


def test_bad_executors_are_type_errors():
    with pytest.raises(TypeError):
        simdquad.quad(gaussian, 0, 1, executor=object())
    with pytest.raises(TypeError):
        simdquad.quad("exp(-x*x)", 0, 1, executor=ThreadPoolExecutor(1))
    with pytest.raises(ValueError):
        simdquad.quad(gaussian, 0, 1, executor=ThreadPoolExecutor(1), workers=0)


def test_a_local_dask_cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        r = simdquad.quad(gaussian, -np.inf, np.inf, executor=client)
    assert r.success and abs(r.integral - math.sqrt(math.pi)) <= max(r.error, 1e-15)


MPI_SCRIPT = r"""
import math, sys
import simdquad
from mpi4py.futures import MPIPoolExecutor

def f(x):
    return math.sin(x)

if __name__ == "__main__":
    with MPIPoolExecutor(max_workers=2) as ex:
        r = simdquad.quad(f, 0, math.pi, executor=ex, workers=8, epsabs=1e-10, epsrel=0)
    assert r.status == "ok" and abs(r.integral - 2) <= r.error, r
    print("mpi4py ok", r.nfev)
"""


def test_an_mpi4py_pool(tmp_path):
    """mpi4py.futures.MPIPoolExecutor, in a process of its own (MPI is not
    to be initialised inside the test runner, which forks)."""
    pytest.importorskip("mpi4py")
    import os
    import subprocess
    import sys
    script = tmp_path / "mpi_pool.py"
    script.write_text(MPI_SCRIPT)
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_btl="self,vader,tcp", OMPI_MCA_btl_tcp_if_include="lo",
               OMPI_MCA_oob_tcp_if_include="lo", OMPI_MCA_rmaps_base_oversubscribe="1")
    p = subprocess.run([sys.executable, str(script)], env=env, capture_output=True,
                       text=True, timeout=300)
    assert p.returncode == 0 and "mpi4py ok 23" in p.stdout, p.stdout + p.stderr
