# SPDX-License-Identifier: MIT
"""simdquad.quad against closed forms, broadcasting, kinds of integrand,
failures and progress."""

import math
import os
import signal
import threading
import traceback

import numpy as np
import pytest

import simdquad


def test_scalar_integral_is_exact_and_scalar():
    r = simdquad.quad(np.exp, 0, 1)
    assert isinstance(r.integral, float) and isinstance(r.status, str)
    assert r.status == "ok" and r.success
    assert abs(r.integral - (math.e - 1)) <= r.error
    assert r.error <= 1e-10 * (math.e - 1)
    assert r.nfev == 23 and r.nintervals == 1 and r.ncalls == 1
    assert "status='ok'" in repr(r)


def test_infinite_ranges_and_reversed_limits():
    r = simdquad.quad(lambda x: np.exp(-x * x), -np.inf, np.inf)
    assert r.success and abs(r.integral - math.sqrt(math.pi)) <= max(r.error, 1e-15)
    r = simdquad.quad(lambda x: 1 / (1 + x * x), np.inf, 0)
    assert r.success and abs(r.integral + math.pi / 2) <= max(r.error, 1e-15)


def test_breakpoints_for_every_problem_and_per_problem():
    f = lambda x: 1 / np.sqrt(np.abs(x - 0.3))
    exact = 2 * (math.sqrt(0.3) + math.sqrt(0.7))
    r = simdquad.quad(f, 0, 1, points=[0.3])
    assert r.success and abs(r.integral - exact) <= r.error
    m = np.array([0.2, 0.5, 0.7])
    r = simdquad.quad(lambda x, m: 1 / np.sqrt(np.abs(x - m)), 0, 1, args=(m,),
                      points=m[:, None])
    truth = 2 * (np.sqrt(m) + np.sqrt(1 - m))
    assert r.success.all() and np.all(np.abs(r.integral - truth) <= r.error)


def test_broadcasting_aligns_arguments_with_the_nodes():
    a = np.array([[0.0], [1.0], [2.0]])          # (3, 1)
    b = np.array([3.0, 4.0, 5.0, 6.0])           # (4,)
    k = np.linspace(0.5, 2, 4)                   # (4,), one per column
    seen = []

    def f(x, k, label):
        assert x.shape == k.shape and x.dtype == np.float64
        assert label == "unchanged"
        seen.append(x.size)
        return np.cos(k * x)

    r = simdquad.quad(f, a, b, args=(k, "unchanged"))
    assert r.integral.shape == (3, 4) and r.status.shape == (3, 4)
    truth = (np.sin(k * b) - np.sin(k * a)) / k
    assert r.success.all()
    assert np.all(np.abs(r.integral - truth) <= r.error)
    # One call per round serves all twelve problems.
    assert r.ncalls == len(seen) == int(np.max(r.nrounds))


def test_tolerances_broadcast_too():
    eps = np.array([1e-3, 1e-8, 1e-13])
    r = simdquad.quad(lambda x: np.sqrt(x), 0, 1, epsabs=eps, epsrel=0)
    assert np.all(np.abs(r.integral - 2 / 3) <= np.maximum(r.error, 0))
    assert np.all(r.error <= eps) and r.success.all()
    assert r.nfev[0] <= r.nfev[1] <= r.nfev[2]


def test_expressions_kernels_and_families_run_without_python():
    k = np.linspace(1, 10, 100)
    r = simdquad.quad("exp(-p0*x*x)", 0, np.inf, args=(k,))
    assert r.ncalls == 0 and r.success.all()
    assert np.all(np.abs(r.integral - 0.5 * np.sqrt(np.pi / k)) <= r.error)
    r = simdquad.quad("cos", 0, 1)
    assert r.success and abs(r.integral - math.sin(1)) <= r.error
    # genz_gaussian: exp(-p0^2 (x - p1)^2)
    p0, p1 = np.array([5.0, 10.0]), np.array([0.5, 0.25])
    r = simdquad.quad("genz_gaussian", 0, 1, args=(p0, p1))
    truth = [math.sqrt(math.pi) / (2 * c) * (math.erf(c * (1 - u)) + math.erf(c * u))
             for c, u in zip(p0, p1)]
    assert np.all(np.abs(r.integral - truth) <= r.error)
    assert "genz_gaussian" in simdquad.families() and "cos" in simdquad.kernels()


def test_a_scalar_function_with_vectorized_false():
    calls = []

    def f(x, c):
        assert isinstance(x, float)
        calls.append(x)
        return math.exp(c * x)

    r = simdquad.quad(f, 0, 1, args=(np.array([1.0, 2.0]),), vectorized=False)
    assert np.all(np.abs(r.integral - np.array([math.e - 1, (math.exp(2) - 1) / 2]))
                  <= r.error)
    assert len(calls) == int(np.sum(r.nfev))


def test_the_same_bits_on_one_and_two_threads():
    k = np.linspace(1, 50, 500)
    f = lambda x, k: np.sin(k * x) / (1 + x * x)
    r1 = simdquad.quad(f, 0, 10, args=(k,), threads=1)
    r2 = simdquad.quad(f, 0, 10, args=(k,), threads=2)
    assert np.array_equal(r1.integral, r2.integral)
    assert np.array_equal(r1.error, r2.error) and np.array_equal(r1.nfev, r2.nfev)
    e1 = simdquad.quad("sin(p0*x)/(1+x*x)", 0, 10, args=(k,), threads=1)
    e2 = simdquad.quad("sin(p0*x)/(1+x*x)", 0, 10, args=(k,), threads=2)
    assert np.array_equal(e1.integral, e2.integral)


def test_an_exception_stops_the_call_and_keeps_its_traceback():
    count = [0]

    def broken_integrand(x):
        count[0] += 1
        if count[0] == 2:
            raise ZeroDivisionError("inside f")
        return np.sqrt(x)

    with pytest.raises(ZeroDivisionError, match="inside f") as info:
        simdquad.quad(broken_integrand, 0, np.arange(1.0, 1000.0), epsrel=1e-14)
    assert "broken_integrand" in "".join(traceback.format_tb(info.value.__traceback__))
    assert count[0] == 2          # nothing called after the error
    # The same with a callable that fails on its first call, tile by tile
    # (vectorized=False goes through the same path).
    count[0] = 1
    with pytest.raises(ZeroDivisionError):
        simdquad.quad(broken_integrand, 0, 1)
    assert count[0] == 2


def test_wrong_shapes_and_dtypes_are_value_errors():
    with pytest.raises(ValueError, match=r"shape \(2,\)"):
        simdquad.quad(lambda x: np.zeros(2), 0, 1)
    with pytest.raises(ValueError, match="one value per point"):
        simdquad.quad(lambda x: np.zeros((x.size, 2)), 0, 1)
    with pytest.raises(ValueError, match="dtype"):
        simdquad.quad(lambda x: x.astype(complex), 0, 1)
    with pytest.raises(ValueError):
        simdquad.quad(lambda x: "no", 0, 1)


@pytest.mark.parametrize("kwargs, error", [
    ({"rule": "gk99"}, ValueError), ({"control": "sideways"}, ValueError),
    ({"epsabs": -1.0}, ValueError), ({"epsabs": 0.0, "epsrel": 0.0}, ValueError),
    ({"epsrel": np.nan}, ValueError), ({"epsabs": np.inf}, ValueError),
    ({"max_evals": 0}, ValueError), ({"max_intervals": -5}, ValueError),
    ({"threads": -1}, ValueError), ({"math": "fast"}, ValueError),
    ({"isa": "neon"}, ValueError), ({"progress": 3}, TypeError),
    ({"points": [np.inf]}, ValueError),
])
def test_bad_arguments_raise_before_any_evaluation(kwargs, error):
    called = []
    f = lambda x: called.append(1) or x
    with pytest.raises(error):
        simdquad.quad(f, 0, 1, **kwargs)
    assert called == []


def test_bad_limits_and_types():
    called = []
    f = lambda x: called.append(1) or x
    with pytest.raises(ValueError, match="broadcast"):
        simdquad.quad(f, np.zeros(3), np.ones(4))
    with pytest.raises(TypeError):
        simdquad.quad(3, 0, 1)
    with pytest.raises(TypeError):
        simdquad.quad(f, "a", 1)
    with pytest.raises(ValueError, match="position"):
        simdquad.quad("exp(-x*", 0, 1)
    with pytest.raises(ValueError, match="p1"):
        simdquad.quad("p0*x+p1", 0, 1, args=(1.0,))
    with pytest.raises(ValueError, match="takes 2 parameters"):
        simdquad.quad("genz_gaussian", 0, 1, args=(1.0,))
    assert called == []
    # A NaN limit is one problem's bad input, not the others'.
    r = simdquad.quad(f, np.array([0.0, np.nan]), 1)
    assert list(r.status) == ["ok", "bad_input"] and r.detail[1]
    assert abs(r.integral[0] - 0.5) <= r.error[0]


def test_nan_and_budgets_are_statuses_and_strict_raises():
    r = simdquad.quad(lambda x: np.where(x > 0.5, np.nan, 1.0), 0, 1)
    assert r.status == "nonfinite" and r.where > 0.5 and not r.success
    with pytest.raises(simdquad.IntegrationError, match="nonfinite"):
        simdquad.quad(lambda x: np.where(x > 0.5, np.nan, 1.0), 0, 1, strict=True)
    r = simdquad.quad(lambda x: np.sin(1 / x), 0.001, 1, max_evals=100)
    assert r.status == "max_evals"
    from scipy.integrate import quad as squad
    truth = squad(lambda x: math.sin(1 / x), 0.001, 1, limit=10000, epsabs=1e-13)[0]
    assert abs(r.integral - truth) <= r.error
    assert "budget" in r.message


def test_progress_reports_fractions_and_cancels():
    seen = []
    r = simdquad.quad("sin(p0*x)+2", 0, 1, args=(np.arange(1.0, 2001.0),),
                      progress=lambda f: seen.append(f) or False)
    assert seen[0] == 0.0 and seen[-1] == 1.0 and r.success.all()
    assert all(x <= y for x, y in zip(seen, seen[1:]))
    r = simdquad.quad(lambda x: np.cos(x), 0, np.arange(1.0, 5.0), progress=lambda f: True)
    assert set(r.status) == {"cancelled"}


def test_progress_bar(capsys):
    pytest.importorskip("tqdm")
    r = simdquad.quad("sin(p0*x)+2", 0, 1, args=(np.arange(1.0, 101.0),), progress=True)
    assert r.success.all()
    assert "100/100" in capsys.readouterr().err


def test_ctrl_c_stops_the_batch():
    k = np.linspace(1, 2, 2000000)
    seen = []
    timer = threading.Timer(0.3, lambda: os.kill(os.getpid(), signal.SIGINT))
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        simdquad.quad("sin(p0*x)*exp(-x)", 0, 50, args=(k,), epsrel=1e-13,
                      progress=lambda f: seen.append(f) or False)
    timer.cancel()
    # The interrupt cancelled the batch part way (or before its first
    # report, on a loaded machine), not after it was done.
    assert not seen or seen[-1] < 1


@pytest.mark.parametrize("f, args", [
    (np.sqrt, ()), ("exp(-p0*x*x)", (3.0,)), ("cos", ()), ("genz_gaussian", (5.0, 0.3)),
    (lambda x, k: np.cos(k * x), (2.0,)),
])
def test_the_quick_scalar_call_is_the_general_one(f, args):
    quick = simdquad.quad(f, 0, 2, args=args)
    # Explicit defaults take the general path: the same bits.
    general = simdquad.quad(f, 0.0, 2.0, args=args, max_evals=50000000,
                            max_intervals=250000)
    assert quick.integral == general.integral and quick.error == general.error
    assert (quick.status, quick.nfev, quick.nintervals, quick.nrounds) == \
        (general.status, general.nfev, general.nintervals, general.nrounds)


# ---- quad_vec: K functions on one subdivision --------------------------------

def test_quad_vec_expression_outputs_against_closed_forms():
    r = simdquad.quad_vec("exp(-x*x); x*exp(-x*x); x^2*exp(-x*x)", 0, np.inf)
    exact = np.array([np.sqrt(np.pi) / 2, 0.5, np.sqrt(np.pi) / 4])
    assert r.integral.shape == (3,) and r.error.shape == (3,)
    assert r.status == "ok"
    assert np.all(np.abs(r.integral - exact) <= np.maximum(r.error, 1e-16))
    assert np.all(np.abs(r.integral - exact) <= 1e-10 * exact)


def test_quad_vec_moments_and_fourier_families():
    K = 10
    r = simdquad.quad_vec("exp(-x)", 0, np.inf, moments=K)
    exact = np.array([float(math.factorial(k)) for k in range(K)])
    assert r.status == "ok"
    assert np.all(np.abs(r.integral - exact) <= np.maximum(r.error, 4e-16 * exact))
    # cos(k x) e^(-p x) on [0, inf): p / (p^2 + k^2), p broadcast: (2, 1, K)
    p = np.array([[1.0], [2.0]])
    r = simdquad.quad_vec("exp(-p0*x)", 0, np.inf, args=(p,), cosine=4, omega=1.0)
    assert r.integral.shape == (2, 1, 4) and r.status.shape == (2, 1)
    k = np.arange(4)
    exact = p[..., None] / (p[..., None] ** 2 + k ** 2)
    assert np.all(np.abs(r.integral - exact) <= np.maximum(r.error, 1e-16))
    # sin(k x) e^(-x): k / (1 + k^2), k = 1 .. K
    r = simdquad.quad_vec("exp(-x)", 0, np.inf, sine=5)
    k = np.arange(1, 6)
    assert np.allclose(r.integral, k / (1 + k ** 2), rtol=1e-10, atol=0)


def test_quad_vec_python_callable_with_a_varying_argument():
    w = np.array([1.0, 2.0, 3.0])
    calls = []

    def f(x, k):
        calls.append(x.size)
        return np.stack([np.cos(k * x), np.sin(k * x)])

    r = simdquad.quad_vec(f, 0, 1, args=(w,), K=2)
    exact = np.stack([np.sin(w) / w, (1 - np.cos(w)) / w], axis=-1)
    assert r.integral.shape == (3, 2)
    assert np.all(r.status == "ok")
    assert np.all(np.abs(r.integral - exact) <= np.maximum(r.error, 1e-16))
    assert calls
    with pytest.raises(ValueError, match="shape"):
        simdquad.quad_vec(lambda x: np.ones(x.size), 0, 1, K=2)
    with pytest.raises(ValueError, match="needs K"):
        simdquad.quad_vec(lambda x: np.ones((2, x.size)), 0, 1)


def test_quad_vec_one_component_is_quad():
    r1 = simdquad.quad("exp(-p0*x)", 0, np.inf, args=(2.0,))
    r2 = simdquad.quad_vec("exp(-p0*x)", 0, np.inf, args=(2.0,), moments=1)
    assert r2.integral.shape == (1,)
    assert r1.integral == r2.integral[0] and r1.error == r2.error[0]
    assert r1.nfev == r2.nfev


def test_quad_vec_bad_input():
    with pytest.raises(ValueError, match="one of"):
        simdquad.quad_vec("x; x", 0, 1, norm="l3")
    with pytest.raises(ValueError, match="at most one"):
        simdquad.quad_vec("x", 0, 1, moments=2, sine=2)
    with pytest.raises(ValueError, match="outputs"):
        simdquad.quad_vec("x; x", 0, 1, K=3)
    with pytest.raises(ValueError, match="one function"):
        simdquad.quad_vec("gauss", 0, 1)
    with pytest.raises(ValueError, match="quad_vec"):
        simdquad.quad("x; x*x", 0, 1)
    with pytest.raises(ValueError, match="Gauss-Kronrod"):
        simdquad.quad_vec("x; x", 0, 1, rule="simpson")
    r = simdquad.quad_vec("x; 1/x", 0, 1)     # 1/x diverges
    assert r.status != "ok"
    with pytest.raises(simdquad.IntegrationError):
        simdquad.quad_vec("x; 1/x", 0, 1, strict=True)
    for norm in ("max", "l2"):
        r = simdquad.quad_vec("1e6*sqrt(x); sqrt(x)", 0, 1, norm=norm, epsrel=1e-9)
        assert r.status == "ok"
        assert np.allclose(r.integral, [1e6 * 2 / 3, 2 / 3], rtol=1e-9)
