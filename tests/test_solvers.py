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


def test_merged_cone_pieces_agree_with_single_pieces(rng):
    """cone_queries merges consecutive sign pieces where f - max is one linear function. Built
    here term by term through the z3 API, one query per single piece and sign: the merged queries
    must hold exactly when all of these do (random symmetric forms with atoms max(x_S) and
    max(x_S, 0), on R^3 and on [-1, 1]^3, whose pieces cross 0)."""
    from itertools import combinations

    from maxcert.verify.domains import parse_domain
    from maxcert.verify.lifting import ZERO

    d, box = 3, parse_domain("box:-1,1")
    x = [z3.Real(f"x{i}") for i in range(d)]
    agreed = {True: 0, False: 0}
    for _ in range(12):
        coeffs = {}
        for k in range(1, d + 1):
            for zero in (False, True):
                c = rng.choice([0, 0, Fraction(1, 2), 1, -1, Fraction(1, 3)])
                for S in combinations(range(d), k):
                    coeffs[frozenset(S) | ({ZERO} if zero else set())] = Fraction(c)
        f = MaxForm(coeffs, Fraction(rng.randint(-2, 2), 3))
        for dom in (REALS, box):
            eps = Fraction(rng.randint(0, 6), 2)
            xs, common, cases = cone_queries(f, d, dom, eps)
            merged = all(r.status == "unsat" for r in solvers.check_each(common, cases, xs))
            base = [x[i] >= x[i + 1] for i in range(d - 1)]
            if dom.bounded:
                base += [x[0] <= dom.hi, x[-1] >= dom.lo]
            single = True
            for j0 in range(d + 1):
                a, c = f.on_sorted(d)(j0)
                err = c - x[0] + z3.Sum([ai * xi for ai, xi in zip(a, x)])
                signs = ([x[j0 - 1] >= 0] if j0 > 0 else []) + ([x[j0] <= 0] if j0 < d else [])
                for sign in (1, -1):
                    if solvers.check(base + signs + [sign * err > eps], x).status != "unsat":
                        single = False
            assert merged == single
            agreed[merged] += 1
    assert agreed[True] and agreed[False]  # both verdicts occurred: the comparison was not vacuous
