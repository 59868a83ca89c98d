"""The Gurobi column of the benchmark: the same big-M MILP as HiGHS's (skipped without gurobipy)."""

import sys
from fractions import Fraction
from pathlib import Path

import pytest

from maxcert.graphs.evaluate import from_layers

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCH))
gurobi_baseline = pytest.importorskip("gurobi_baseline")
pytest.importorskip("gurobipy")
if gurobi_baseline.available() is not None:
    pytest.skip(f"gurobipy has no licence here: {gurobi_baseline.available()}", allow_module_level=True)


def test_abs_difference_by_hand():
    # N = |x0 - x1| on [0,1]^2: N - max <= 0, and max - N reaches 1 at (1, 1), where N = 0
    G = from_layers([[[1, -1], [-1, 1]], [[1, 1]]], [[0, 0], [0]])
    r = gurobi_baseline.gurobi_error(G, 10.0)
    assert r["status"] == "optimal" and r["value"] == pytest.approx(1.0, abs=1e-9), r


def test_relu_by_hand():
    # N = relu(x0 - x1) + 1/2 on [0,1]^2: N - max is 1/2 at the origin (max(x) = 0, N = 1/2), and
    # max - N = max - relu(x0 - x1) - 1/2 reaches 1/2 at x1 = 1 >= x0 (max = 1, relu = 0)
    G = from_layers([[[1, -1]], [[1]]], [[0], [Fraction(1, 2)]])
    r = gurobi_baseline.gurobi_error(G, 10.0)
    assert r["status"] == "optimal" and r["value"] == pytest.approx(0.5, abs=1e-9), r


def test_agrees_with_highs():
    import milp_baseline

    from maxcert.graphs import load_model

    G = load_model(str(BENCH / "models" / "max_d4_16.onnx"))
    g, h = gurobi_baseline.gurobi_error(G, 60.0), milp_baseline.milp_error(G, 60.0)
    assert g["status"] == h["status"] == "optimal"
    assert g["value"] == pytest.approx(h["value"], abs=1e-6)


def test_licence_limit_is_reported():
    import numpy as np

    rng = np.random.default_rng(0)
    n = 1200  # 1200 unstable ReLUs: 2400 variables and 3600 rows, past the 2000 of the pip licence
    W1 = [[Fraction(int(v), 4) for v in rng.integers(-4, 5, size=2)] for _ in range(n)]
    G = from_layers([W1, [[Fraction(int(v), 4) for v in rng.integers(-4, 5, size=n)]]],
                    [[Fraction(int(v), 8) for v in rng.integers(-4, 5, size=n)], [Fraction(0)]])
    try:
        gurobi_baseline.gurobi_error(G, 5.0)
    except gurobi_baseline.LicenceLimit:
        return
    pytest.skip("this gurobipy licence is not size-limited")
