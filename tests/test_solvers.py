"""The solver interface: one incremental solver for many small queries must answer as fresh ones do."""

from fractions import Fraction

import z3
from maxcert.verify import solvers
from maxcert.verify.domains import REALS, UNIT
from maxcert.verify.lifting import MaxForm, cone_queries


def test_each_case_is_decided_alone():
    x = z3.Real("x")
    # x >= 0 with x < 0: unsat; with x > 1: sat; then x < -1 must be unsat again, which it
    # would not be if the pushed x > 1 had leaked into the next case (nor x < 0 into the second)
    out = list(solvers.check_each([x >= 0], [[x < 0], [x > 1], [x < -1], [x == Fraction(1, 3)]], [x]))
    assert [r.status for r in out] == ["unsat", "sat", "unsat", "sat"]
    assert out[1].model["x"] > 1 and out[3].model["x"] == Fraction(1, 3)  # exact model values


def test_expired_time_answers_unknown_never_unsat():
    x = z3.Real("x")
    out = list(solvers.check_each([x >= 0], [[x < 0], [x > 1]], [x], timeout=0))
    assert [r.status for r in out] == ["unknown", "unknown"]


def test_cone_cases_agree_with_fresh_solvers():
    # the mean of two inputs against max: on [0,1]^2 the error is x0 - (x0 + x1)/2 <= 1/2 on the
    # cone x0 >= x1, so eps = 1/2 holds and eps = 1/4 fails (at (1, 0)); on the reals it is unbounded
    mean = MaxForm({frozenset({0}): Fraction(1, 2), frozenset({1}): Fraction(1, 2)})
    for dom, eps, holds in ((UNIT, Fraction(1, 2), True), (UNIT, Fraction(1, 4), False), (REALS, 5, False)):
        x, common, cases = cone_queries(mean, 2, dom, eps)
        shared = [r.status for r in solvers.check_each(common, cases, x)]
        fresh = [solvers.check(common + case, x).status for case in cases]
        assert shared == fresh
        assert all(s == "unsat" for s in shared) == holds
