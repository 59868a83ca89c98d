"""verify/exact.py: the exact core, each function against a value worked out by hand or an independent method."""

from fractions import Fraction

import numpy as np
import pytest

from maxcert.graphs.evaluate import compile_layers, evaluate_exact
from maxcert.graphs.generators import tree_network
from maxcert.verify import exact


def test_up_is_the_least_float_above():
    v = Fraction(1, 3)
    f = exact.up(v)
    assert Fraction(f) >= v and Fraction(np.nextafter(f, -np.inf)) < v
    assert exact.up(Fraction(1, 2)) == 0.5  # a float already: itself


def test_outward_rounding_contains():
    lo, hi = exact.grid_outward(-0.3, 0.7, bits=4)  # to sixteenths: -5/16 and 12/16
    assert (lo, hi) == (Fraction(-5, 16), Fraction(3, 4))
    flo, fhi = exact.float_box(([Fraction(1, 3)], [Fraction(2, 3)]))
    assert Fraction(flo[0]) < Fraction(1, 3) and Fraction(fhi[0]) > Fraction(2, 3)
    assert exact.round_up_bits(np.array([0.1]), 8)[0] >= 0.1  # 0.1 is 0.00011001100...: up to 8 bits


def test_scaling():
    assert exact.lcm_den([Fraction(1, 4), Fraction(1, 6), 3]) == 12
    assert exact.floor_scaled(0.75, 4, 3) == 4  # floor(0.75 * 16 / 3) = floor(4)
    assert exact.floor_scaled(-0.5, 2, 3) == -1  # floor(-2/3)


def test_forward_is_the_max_on_a_tree_and_checks_the_point():
    L = compile_layers(tree_network(5))
    x = [Fraction(1, 7), 3, Fraction(-9, 2), Fraction(22, 7), 0]
    assert exact.forward(L, x) == [Fraction(22, 7)] == evaluate_exact(tree_network(5), x)
    out, pre = exact.forward(L, x, pre=True)
    assert len(pre) == len(L.weights) - 1
    assert exact.error(L, x) == 0 and exact.error(L, x, window=[0, 1]) == Fraction(1, 7)  # 22/7 - 3
    with pytest.raises(Exception, match="network has 5 inputs, point has 2"):
        exact.forward(L, [1, 2])


def test_dual_bound_hand_lp():
    # max x + 2y s.t. x + y <= 1 on [0, 1]^2: the optimum 2 at (0, 1); multiplier 1 gives
    # 1 + max(0, 1 * 1) (r = (0, 1)) = 2, multiplier 2 gives 2 + 0 + 0 (r = (-1, 0)) = 2, multiplier 0 the box bound 3
    rows = [(Fraction(m), {0: 1, 1: 1}, Fraction(1), False) for m in (1,)]
    assert exact.dual_bound(rows, {0: 1, 1: 2}, lambda c: (0, 1)) == 2
    assert exact.dual_bound([(Fraction(2), {0: 1, 1: 1}, Fraction(1), False)], {0: 1, 1: 2}, lambda c: (0, 1)) == 2
    assert exact.dual_bound([], {0: 1, 1: 2}, lambda c: (0, 1)) == 3
    # a negative multiplier on an inequality is clipped (it would not keep the direction)
    assert exact.dual_bound([(Fraction(-5), {0: 1, 1: 1}, Fraction(1), False)], {0: 1, 1: 2}, lambda c: (0, 1)) == 3
    # Farkas: x + y <= -1 on [0, 1]^2 is empty; c = 0, multiplier 1: -1 + max(0, -1 * ...) < 0
    assert exact.dual_bound([(Fraction(1), {0: 1, 1: 1}, Fraction(-1), False)], {}, lambda c: (0, 1)) == -1


class _Rows(exact.ExactRows):
    def __init__(self, rows, lb, ub, c):
        self.rows, self.lb, self.ub, self.c, self.c0 = rows, lb, ub, c, Fraction(0)
        self.n, self.m, self.acols = len(lb), len(rows), np.array([], dtype=np.int32)
        self.rownames = [f"r{i}" for i in range(len(rows))]
        self._exact_setup(rows)


def test_integer_rows_agree_with_fractions():
    """ExactRows.bound (integers, the float dual floored onto 2^-K) against dual_bound (Fractions) on
    the multipliers ExactRows reports it used: the same exact number."""
    rng = np.random.default_rng(0)
    for _ in range(20):
        n, m = 4, 3
        rows = [({j: Fraction(int(v), 8) for j, v in enumerate(rng.integers(-8, 9, size=n)) if v},
                 Fraction(int(rng.integers(0, 9)), 4), bool(k == 0)) for k in range(m)]
        lb, ub = [Fraction(0)] * n, [Fraction(int(v), 2) for v in rng.integers(1, 5, size=n)]
        c = [Fraction(int(v), 3) for v in rng.integers(-3, 4, size=n)]
        R = _Rows(rows, lb, ub, c)
        y = rng.normal(size=m)
        mult = R.multipliers(y)
        by_name = {f"r{i}": i for i in range(m)}
        terms = [(Fraction(v, 1 << mult["K"]), rows[by_name[name]][0], rows[by_name[name]][1], rows[by_name[name]][2])
                 for name, v in mult["y"].items()]
        expect = exact.dual_bound(terms, dict(enumerate(c)), lambda j, lb=lb, ub=ub: (lb[j], ub[j]))
        assert R.bound(y, np.array([]), np.array([])) == expect
