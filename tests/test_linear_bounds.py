"""Linear bound propagation: sound in float64, replayed exactly, checked against independent methods.

The references: scipy's LP for the input polytope, exact forward evaluation of the network at
sampled points (a valid bound can never be below them), a hand computation, and the plain z3
encoding for the middle-dimension search that mixes ReLU and input splits.
"""

import random
from fractions import Fraction

import numpy as np
import pytest
from maxcert.graphs.evaluate import from_layers
from maxcert.verify import bab
from maxcert.verify.certify import exact_error, worst_case_error
from maxcert.verify.linear_bounds import (
    ExactNet,
    exact_upper,
    input_max,
    input_max_exact,
    propagate,
)
from scipy.optimize import linprog


def _random_net(seed, d=None, widths=None):
    rng = random.Random(seed)
    d = d or rng.randint(2, 5)
    widths = widths or [rng.randint(2, 8) for _ in range(rng.randint(1, 3))]
    dims = [d] + widths + [1]
    W = [[[Fraction(rng.randint(-40, 40), 16) for _ in range(dims[k])] for _ in range(dims[k + 1])]
         for k in range(len(dims) - 1)]
    b = [[Fraction(rng.randint(-16, 16), 16) for _ in range(dims[k + 1])] for k in range(len(dims) - 1)]
    return from_layers(W, b)


@pytest.mark.parametrize("seed", range(10))
def test_input_max_equals_the_lp_optimum(seed):
    """max L x + c over {box, x_k <= x_i}: the candidate points give the LP optimum (scipy HiGHS)."""
    rng = np.random.default_rng(seed)
    d = int(rng.integers(2, 7))
    lo = rng.uniform(-1, 0.5, d)
    hi = lo + rng.uniform(0.1, 1.5, d)
    i = int(np.argmax(hi))
    L = rng.normal(size=(4, d))
    v, x = input_max(L, np.zeros(4), lo, hi, i)
    A = np.array([np.eye(d)[k] - np.eye(d)[i] for k in range(d) if k != i])
    for r in range(4):
        res = linprog(-L[r], A_ub=A, b_ub=np.zeros(d - 1), bounds=np.column_stack([lo, hi]), method="highs")
        assert v[r] == pytest.approx(-res.fun, abs=1e-9)
        assert np.all(x[r] >= lo) and np.all(x[r] <= hi) and np.all(x[r] <= x[r][i])  # a feasible maximiser
        ex = input_max_exact([Fraction(t) for t in L[r]], Fraction(0), [Fraction(t) for t in lo],
                             [Fraction(t) for t in hi], i)
        assert float(ex) == pytest.approx(-res.fun, abs=1e-9)


def test_input_max_of_an_empty_piece():
    # x_0 <= 1/4 but x_1 >= 1/2 and x_0 must be largest: no point
    lo, hi = np.array([0.0, 0.5]), np.array([0.25, 1.0])
    assert input_max(np.ones((1, 2)), np.zeros(1), lo, hi, 0) == (None, None)
    assert input_max_exact([Fraction(1)] * 2, Fraction(0), [Fraction(0), Fraction(1, 2)],
                           [Fraction(1, 4), Fraction(1)], 0) is None


@pytest.mark.parametrize("seed", range(12))
def test_bounds_contain_every_sampled_point(seed):
    """Pre-activation bounds hold at exactly evaluated points; both objective bounds exceed them."""
    G = _random_net(seed)
    net, rng = bab.Net(G), np.random.default_rng(seed)
    ex = ExactNet(net)
    fix = [np.zeros(n, np.int8) for n in net.sizes]
    for _ in range(3):
        lo = np.floor(rng.uniform(0, 0.75, net.d) * 8) / 8
        hi = lo + 0.25
        i, s = int(np.argmax(hi)), int(rng.choice([-1, 1]))
        nb = propagate(net, lo, hi, i, s, fix)
        box = ([Fraction(t) for t in lo], [Fraction(t) for t in hi])
        eu = exact_upper(net, ex, box, i, s, nb.relax)
        assert float(eu) == pytest.approx(nb.ub, abs=1e-9)  # float and exact replay agree
        X = lo + rng.random((60, net.d)) * (hi - lo)
        for x in X[(X <= X[:, [i]]).all(axis=1)][:20]:
            xq = [Fraction(t) for t in x]
            y, pre = net.exact_forward(xq)
            for (l, u), p in zip(nb.bounds, pre):
                assert all(Fraction(float(a)) <= v <= Fraction(float(b)) for a, v, b in zip(l, p, u))
            assert eu >= s * (y - xq[i]) and nb.ub >= float(s * (y - xq[i]))


def test_exact_bound_by_hand():
    # N = relu(x0 + x1 - 1) on [0,1]^2 where x0 is largest: p in [-1, 1], chord relu(p) <= (p + 1)/2,
    # so N - x0 <= (x1 - x0)/2 <= 0; the true maximum is 0 (at x0 = x1 = 1), and the bound is
    # 0 up to the outward rounding of the chord and of the bounds
    G = from_layers([[[1, 1]], [[1]]], [[-1], [0]])
    net = bab.Net(G)
    fix = [np.zeros(1, np.int8)]
    nb = propagate(net, np.zeros(2), np.ones(2), 0, 1, fix)
    (l, u), = nb.bounds
    assert -1 - 1e-12 < l[0] <= -1 and 1 <= u[0] < 1 + 1e-12
    eu = exact_upper(net, ExactNet(net), ([Fraction(0)] * 2, [Fraction(1)] * 2), 0, 1, nb.relax)
    assert 0 <= eu < Fraction(1, 10**12)


def test_a_chord_below_relu_is_rejected():
    """The exact replay checks each chord slope instead of trusting the float computation."""
    G = from_layers([[[1, 1]], [[1]]], [[-1], [0]])
    net = bab.Net(G)
    nb = propagate(net, np.zeros(2), np.ones(2), 0, 1, [np.zeros(1, np.int8)])
    nb.relax[0].su = nb.relax[0].su * 0.9  # no longer above relu on [l, u]
    with pytest.raises(ArithmeticError, match="chord"):
        exact_upper(net, ExactNet(net), ([Fraction(0)] * 2, [Fraction(1)] * 2), 0, 1, nb.relax)


def test_fixed_phases_that_contradict_the_bounds_empty_the_node():
    # p = x0 + x1 + 1 >= 1 on the unit box: fixing it inactive leaves no point
    G = from_layers([[[1, 1]], [[1]]], [[1], [0]])
    nb = propagate(bab.Net(G), np.zeros(2), np.ones(2), 0, 1, [np.array([-1], np.int8)])
    assert nb.x is None and nb.ub == -np.inf


@pytest.mark.parametrize("phase_min_d", [7, 99])
@pytest.mark.parametrize("seed", [0, 1])
def test_middle_dimension_search_matches_plain(seed, phase_min_d, monkeypatch):
    """d = 7: branch and bound over ReLU phases (the default), or input and ReLU splits (99)."""
    monkeypatch.setattr(bab, "PHASE_MIN_D", phase_min_d)
    G = _random_net(300 + seed, d=7, widths=[5])
    plain = worst_case_error(G, strategy="plain")
    fast = worst_case_error(G, strategy="bab", jobs=1)
    assert plain.status == fast.status == "COMPUTED"
    assert fast.max_error == plain.max_error == exact_error(G, fast.witness)
