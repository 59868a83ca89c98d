"""Branch and bound (verify/bab.py) with exact leaf proofs: its worst-case errors and verdicts against the
plain single-query z3 encoding, its exact dual bounds against an exact LP solved by z3, and its
processes against its sequential run."""

import random
from fractions import Fraction

import numpy as np
import pytest

from maxcert.graphs.evaluate import from_layers
from maxcert.verify import bab
from maxcert.verify.certify import CertifyError, certify, exact_error, worst_case_error
from maxcert.verify.domains import UNIT
from maxcert.verify.exact import float_box
from maxcert.verify.search import DEFAULT

# -- branch and bound ----------------------------------------------------------------------------

def _random_net(seed):
    rng = random.Random(seed)
    d = rng.randint(2, 4)
    widths = [rng.randint(1, 6) for _ in range(rng.randint(1, 3))]
    dims = [d] + widths + [1]
    W = [[[Fraction(rng.randint(-40, 40), 16) for _ in range(dims[k])] for _ in range(dims[k + 1])]
         for k in range(len(dims) - 1)]
    b = [[Fraction(rng.randint(-16, 16), 16) for _ in range(dims[k + 1])] for k in range(len(dims) - 1)]
    return from_layers(W, b)


def _errors_agree(G, options=None):
    """bab's exact worst-case error is the plain encoding's, attained at its witness; returns it."""
    plain = worst_case_error(G, strategy="plain")
    fast = worst_case_error(G, strategy="bab", jobs=1, options=options)
    assert plain.status == fast.status == "COMPUTED"
    assert fast.max_error == plain.max_error == exact_error(G, fast.witness)
    return plain.max_error


@pytest.mark.parametrize("seed", [pytest.param(s, marks=[pytest.mark.slow] if s >= 12 else []) for s in range(24)])
def test_bab_matches_plain_on_random_small_networks(seed):  # seeds 12..23 in CI's slow step
    """Exact worst-case errors agree exactly, and so do the verdicts just above and below them."""
    G = _random_net(seed)
    e = _errors_agree(G)
    for eps, verdict in ((e, "CERTIFIED"), (e + Fraction(1, 10**6), "CERTIFIED"), (e - Fraction(1, 10**6), "REFUTED")):
        if eps < 0:
            continue
        p, f = certify(G, eps, strategy="plain"), certify(G, eps, strategy="bab", jobs=1)
        assert p.status == f.status == verdict, (eps, p.status, f.status)


@pytest.mark.parametrize("seed", [0, 1, pytest.param(2, marks=pytest.mark.slow), pytest.param(4, marks=pytest.mark.slow),
                                  pytest.param(5, marks=pytest.mark.slow)])
def test_leaf_proofs_by_z3_alone_agree(seed):
    G = _random_net(100 + seed)
    net = bab.Net(G)
    for s in (1, -1):
        for i in range(net.d):
            a = bab.search_piece(net, UNIT, i, s, Fraction(0), False, leaf_proof="dual")
            b = bab.search_piece(net, UNIT, i, s, Fraction(0), False, leaf_proof="z3")
            assert a.status == b.status == "closed"
            assert a.T == b.T and b.stats.dual == 0


def test_exact_dual_bound_is_an_upper_bound_of_the_exact_lp():
    """Weak duality in exact rationals bounds the relaxation's optimum, which z3 computes exactly."""
    import z3

    from maxcert.verify.encode import q

    for seed in range(5):
        net = bab.Net(_random_net(200 + seed))
        piece = bab.Piece(net, UNIT, 0, 1)
        piece.tighten_root()
        fix = [np.zeros(n, np.int8) for n in net.sizes]
        box = ([Fraction(0)] * net.d, [Fraction(1)] * net.d)
        fbox = float_box(box)
        bounds = bab.interval_bounds(net, *fbox, fix, root=piece.root)
        rel = piece.relaxation(bounds, fix, box=fbox)
        _val, _, safe, duals = piece.solve(piece.c, rel)
        exact = piece.exact_bound(bounds, fix, box, *duals, rel[6])
        # the exact relaxation optimum (z3 Optimize over the same triangle relaxation)
        s = piece.solver()
        opt = z3.Optimize()
        opt.add(*s.assertions())
        for k, (l, u) in enumerate(bounds):
            for j in range(len(l)):
                p, zz = piece.p[k][j], piece.z[k][j]
                if u[j] <= 0:
                    opt.add(zz == 0)
                elif l[j] >= 0:
                    opt.add(zz == p)
                else:
                    lq, uq = Fraction(float(l[j])), Fraction(float(u[j]))
                    opt.add(zz * q(uq - lq) <= q(uq) * (p - q(lq)))
        h = opt.maximize(piece.obj)
        assert opt.check() == z3.sat
        from maxcert.verify.solvers import to_fraction
        true = to_fraction(h.value())
        assert exact >= true and abs(float(exact) - float(true)) < 1e-6
        assert safe + piece.c0 >= float(true) - 1e-12


def test_safe_bound_never_below_the_optimum():
    rng = np.random.default_rng(3)
    from scipy.optimize import linprog
    from scipy.sparse import csr_matrix

    for _ in range(50):
        n, m = 5, 8
        A = rng.normal(size=(m, n))
        b = rng.uniform(0.5, 2, size=m)
        c = rng.normal(size=n)
        lb, ub = -np.ones(n), np.ones(n)
        res = linprog(-c, A_ub=A, b_ub=b, bounds=np.column_stack([lb, ub]), method="highs")
        rel = (csr_matrix(A), b, csr_matrix((0, n)), np.zeros(0), lb, ub)
        good = bab.safe_max(c, rel, -res.ineqlin.marginals, np.zeros(0))
        assert good >= -res.fun and good - (-res.fun) < 1e-9
        bad = bab.safe_max(c, rel, rng.uniform(0, 1, m), np.zeros(0))  # any dual still bounds
        assert bad >= -res.fun


def test_bab_needs_a_box():
    with pytest.raises(CertifyError, match="bounded domain"):
        worst_case_error(_random_net(1), domain="reals", strategy="bab")


def test_bab_parallel_matches_sequential():
    G = _random_net(7)
    a = worst_case_error(G, strategy="bab", jobs=1)
    b = worst_case_error(G, strategy="bab", jobs=2)
    assert a.max_error == b.max_error and a.method == b.method == "bab"


@pytest.mark.parametrize("quick", [pytest.param(0.0, marks=pytest.mark.slow), 30.0])  # 0.0 in CI's slow step
def test_quick_pass_and_worker_processes_agree(quick):
    """quick = 0: every piece goes to the worker processes; 30 s: all are done in-process."""
    opts = DEFAULT.replace(quick_pass=quick)
    G = _random_net(11)
    a = worst_case_error(G, strategy="plain")
    b = worst_case_error(G, strategy="bab", jobs=2, options=opts)
    assert a.max_error == b.max_error == exact_error(G, b.witness)
    e = a.max_error
    assert certify(G, e, strategy="bab", jobs=2, options=opts).status == "CERTIFIED"
    if e > 0:
        c = certify(G, e * (1 - Fraction(1, 10**6)), strategy="bab", jobs=2, options=opts)
        assert c.status == "REFUTED" and c.error_at_witness > e * (1 - Fraction(1, 10**6))
