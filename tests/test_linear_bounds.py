"""Linear bound propagation: sound in float64, replayed exactly, checked against independent methods.

The references: scipy's LP for the input polytope, exact forward evaluation of the network at
sampled points (a valid bound can never be below them), a hand computation, and the plain z3
encoding for the middle-dimension search that mixes ReLU and input splits.
"""

import random
from fractions import Fraction

import numpy as np
import pytest
from scipy.optimize import linprog

from maxcert.graphs.evaluate import from_layers
from maxcert.verify import bab
from maxcert.verify.certify import exact_error, worst_case_error
from maxcert.verify.linear_bounds import (
    ExactNet,
    _limbs,
    exact_matvec,
    exact_upper,
    exact_upper_many,
    input_max,
    input_max_exact,
    propagate,
    propagate_many,
)
from maxcert.verify.search import DEFAULT


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
    # 0 up to the outward rounding of the chord and of the bounds: the slope 1/2 is rounded up to
    # 24 significant bits (SLOPE_BITS), so the bound 2 su - 1 is below 2^-23 plus a few ulps
    G = from_layers([[[1, 1]], [[1]]], [[-1], [0]])
    net = bab.Net(G)
    fix = [np.zeros(1, np.int8)]
    nb = propagate(net, np.zeros(2), np.ones(2), 0, 1, fix)
    (l, u), = nb.bounds
    assert -1 - 1e-12 < l[0] <= -1 and 1 <= u[0] < 1 + 1e-12
    eu = exact_upper(net, ExactNet(net), ([Fraction(0)] * 2, [Fraction(1)] * 2), 0, 1, nb.relax)
    assert 0 <= eu < Fraction(1, 2**22)


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
def test_middle_dimension_search_matches_plain(seed, phase_min_d):
    """d = 7: branch and bound over ReLU phases (the default), or input and ReLU splits (99)."""
    G = _random_net(300 + seed, d=7, widths=[5])
    plain = worst_case_error(G, strategy="plain")
    fast = worst_case_error(G, strategy="bab", jobs=1, options=DEFAULT.replace(phase_min_d=phase_min_d))
    assert plain.status == fast.status == "COMPUTED"
    assert fast.max_error == plain.max_error == exact_error(G, fast.witness)


@pytest.mark.parametrize("seed", range(6))
def test_exact_matvec_equals_the_object_matmul(seed):
    """Limb products in int64 give the same integers as Python's own arithmetic, whatever the sizes."""
    rng = random.Random(seed)
    n, m = rng.randint(1, 70), rng.randint(1, 9)
    wbits, abits = rng.choice([3, 30, 60, 100]), rng.choice([1, 50, 200])
    W = np.array([[rng.randint(-(1 << wbits), 1 << wbits) for _ in range(m)] for _ in range(n)], dtype=object)
    a = np.array([rng.randint(-(1 << abits), 1 << abits) * rng.randint(0, 1) for _ in range(n)], dtype=object)
    got = exact_matvec(a, W, _limbs(W))
    assert [int(v) for v in got] == [sum(int(a[t]) * int(W[t, j]) for t in range(n)) for j in range(m)]


@pytest.mark.parametrize("seed", range(6))
def test_batched_propagation_matches_one_node_at_a_time(seed):
    """One batch of nodes (boxes, fixed phases, priors, empty ones among them) gives each node the
    bounds it gets alone, up to float summation order (the margins cover either order)."""
    G = _random_net(40 + seed)
    net, rng = bab.Net(G), np.random.default_rng(seed)
    i, s = 0, int(rng.choice([-1, 1]))
    N = 7
    lo = np.floor(rng.uniform(0, 0.75, (N, net.d)) * 8) / 8
    hi = lo + 0.25
    hi[3, i] = 0.0  # x_i <= 0 < lo of some other side, or an empty box: this node is empty
    lo[3] = 0.125
    fix = [rng.integers(-1, 2, (N, n)).astype(np.int8) * (rng.random((N, n)) < 0.3) for n in net.sizes]
    root = propagate(net, np.zeros(net.d), np.ones(net.d), i, s, [np.zeros(n, np.int8) for n in net.sizes])
    prior = [(np.tile(l, (N, 1)), np.tile(u, (N, 1))) for l, u in root.bounds]
    many = propagate_many(net, lo, hi, i, s, fix, prior)
    assert many.empty[3]
    for j in range(N):
        one = propagate(net, lo[j], hi[j], i, s, [f[j] for f in fix], [(l[j], u[j]) for l, u in prior])
        got = many.node(j)
        assert (one.x is None) == (got.x is None)
        if one.x is None:
            continue
        assert got.ub == pytest.approx(one.ub, rel=1e-12, abs=1e-12)
        for (l1, u1), (l2, u2) in zip(one.bounds, got.bounds):
            np.testing.assert_allclose(l2, l1, rtol=1e-12, atol=1e-12)
            np.testing.assert_allclose(u2, u1, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("seed", range(4))
def test_batched_exact_replay_matches_one_node_at_a_time(seed):
    """The exact replay of several nodes at once (shared integer scales) gives each node exactly
    the value of its own replay, and None for an empty one."""
    G = _random_net(70 + seed)
    net, rng = bab.Net(G), np.random.default_rng(seed)
    ex = ExactNet(net)
    i, s = 0, int(rng.choice([-1, 1]))
    N = 6
    lo = np.floor(rng.uniform(0, 0.75, (N, net.d)) * 8) / 8
    hi = lo + 0.25
    hi[2, i] = lo[2].max() - 0.125  # x_i stays below another side's lower end: empty
    fix = [np.zeros((N, n), np.int8) for n in net.sizes]
    many = propagate_many(net, lo, hi, i, s, fix)
    boxes = [([Fraction(t) for t in lo[j]], [Fraction(t) for t in hi[j]]) for j in range(N)]
    assert many.empty[2]
    rows = [2] + [j for j in range(N) if not many.empty[j]]  # the search replays non-empty nodes only
    assert len(rows) > 2
    got = exact_upper_many(net, ex, [boxes[j] for j in rows], i, s, many.relax, rows)
    assert got[0] is None  # its box misses x_k <= x_i, which the exact replay sees by itself
    for j, v in zip(rows[1:], got[1:]):
        assert v == exact_upper(net, ex, boxes[j], i, s, many.node(j).relax)
