"""The fast paths: lifting to max-affine forms, and branch and bound with exact leaf proofs.

Each is checked against an independent method: the plain single-query z3 encoding, the closed
forms of the paper's families, or an exact LP solved by z3.
"""

import random
from fractions import Fraction

import numpy as np
import pytest

from maxcert.graphs import approximator, tree_network
from maxcert.graphs.evaluate import evaluate_exact, from_layers
from maxcert.graphs.schema import add_neuron, new_network
from maxcert.symbolic.families import FAMILY_NAMES, family_min_d, family_R
from maxcert.symbolic.optimal import optimal_approximation
from maxcert.verify import bab
from maxcert.verify.certify import CertifyError, certify, exact_error, worst_case_error
from maxcert.verify.domains import REALS, UNIT, parse_domain
from maxcert.verify.lifting import ZERO, MaxForm, lift, sup_error

CLOSED = {"const": lambda d: Fraction(1, 2), "mean": lambda d: Fraction(d - 1, 2 * d),
          "small": lambda d: Fraction(1, 2 * (d + 1)), "medium": lambda d: Fraction(1, d * d),
          "big": lambda d: Fraction(1, 2**d)}


# -- lifting -------------------------------------------------------------------------------------

@pytest.mark.parametrize("gadget", ["relu3", "relu4"])
@pytest.mark.parametrize("d", [1, 2, 3, 5, 8, 13, 64])
def test_tree_lifts_to_the_max_of_all_inputs(d, gadget):
    f = lift(tree_network(d, gadget), REALS)
    assert f.coeffs == {frozenset(range(d)): 1} and f.const == 0


@pytest.mark.parametrize("d", [128, 256])
def test_large_trees_certified_over_reals_by_lifting(d):
    c = certify(tree_network(d, "relu4"), eps=0, domain="reals")
    assert (c.status, c.method, c.max_error) == ("CERTIFIED", "lifted-cone", None)
    # the cone's d + 1 sign pieces all carry f - max = 0: one merged piece, one LRA query per sign
    assert c.lower_bound == 0 and c.queries == 2


def test_lifted_form_agrees_with_the_network_exactly(rng):
    for d in (3, 4, 6):
        opt = optimal_approximation(d, list(range(d)))
        G = approximator(d, opt.betas, "relu4")
        for dom in (UNIT, REALS):
            f = lift(G, dom)
            for _ in range(20):
                x = [Fraction(rng.randint(-30, 30), rng.randint(1, 9)) for _ in range(d)]
                if dom is UNIT:
                    x = [abs(v) - int(abs(v)) for v in x]
                assert f.value(x) == evaluate_exact(G, x)[0]


@pytest.mark.parametrize("name", FAMILY_NAMES)
def test_families_lift_and_meet_closed_forms_d2_to_10(name):
    for d in range(max(2, family_min_d(name)), 11):
        opt = optimal_approximation(d, family_R(name, d))
        G = approximator(d, opt.betas)
        f = lift(G, UNIT)
        assert f.is_symmetric(d)
        sup, w = sup_error(f, d, UNIT)
        assert sup == CLOSED[name](d) == exact_error(G, w)


def test_family_certified_and_refuted_by_lifting():
    opt = optimal_approximation(10, family_R("big", 10))
    G = approximator(10, opt.betas)
    c = certify(G, eps=Fraction(1, 1024))
    assert c.status == "CERTIFIED" and c.method == "lifted-cone"
    r = certify(G, eps=Fraction(1, 1024) - Fraction(1, 10**12))
    assert r.status == "REFUTED" and exact_error(G, r.witness) == Fraction(1, 1024)
    w = worst_case_error(G)
    assert (w.status, w.max_error, w.method) == ("COMPUTED", Fraction(1, 1024), "lifted-cone")


def test_lifting_unbounded_on_reals_matches_plain():
    opt = optimal_approximation(3, [0, 1, 2])
    G = approximator(3, opt.betas)
    w = worst_case_error(G, domain="reals")
    assert w.max_error == "unbounded" and w.method == "lifted-cone"
    assert worst_case_error(G, domain="reals", strategy="plain").max_error == "unbounded"


def test_asymmetric_max_form_is_not_lifted_as_symmetric():
    # N = max(x0, x1) + x2/2: a max-affine form, but not symmetric; the other paths decide it
    G = new_network(3)
    add_neuron(G, "r", {"x0": 1, "x1": -1}, 0)
    add_neuron(G, "out", {"r": 1, "x1": 1, "x2": Fraction(1, 2)}, 0, "linear")
    G.graph["outputs"].append("out")
    f = lift(G, UNIT)
    assert f is not None and not f.is_symmetric(3)
    w = worst_case_error(G)
    # on [0,1]^3: the error is largest at (1, 0, 1) or (0, 0, 1): |1 + 1/2 - 1| or |1/2 - 1| = 1/2
    assert w.max_error == Fraction(1, 2) and w.method != "lifted-cone"
    with pytest.raises(CertifyError, match="no symmetric max-affine form"):
        certify(G, strategy="lifted")


def test_max_form_symmetry_and_sign_split():
    m = MaxForm({frozenset({0, ZERO}): Fraction(1), frozenset({1, ZERO}): Fraction(1)})
    assert m.is_symmetric(2) and not MaxForm({frozenset({0}): Fraction(1)}).is_symmetric(2)
    # relu(x0) + relu(x1) - max(x0, x1) on [-1, 1]^2: worst at (1, 1): 2 - 1 = 1
    assert sup_error(m, 2, parse_domain("box:-1,1"))[0] == 1


def test_dense_network_is_not_liftable():
    G = from_layers([[[1, 2], [3, -1]], [[1, 1]]], [[Fraction(1, 3), 0], [0]])
    assert lift(G, REALS) is None


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


def _errors_agree(G):
    """bab's exact worst-case error is the plain encoding's, attained at its witness; returns it."""
    plain = worst_case_error(G, strategy="plain")
    fast = worst_case_error(G, strategy="bab", jobs=1)
    assert plain.status == fast.status == "COMPUTED"
    assert fast.max_error == plain.max_error == exact_error(G, fast.witness)
    return plain.max_error


@pytest.mark.parametrize("seed", range(24))
def test_bab_matches_plain_on_random_small_networks(seed):
    """Exact worst-case errors agree exactly, and so do the verdicts just above and below them."""
    G = _random_net(seed)
    e = _errors_agree(G)
    for eps, verdict in ((e, "CERTIFIED"), (e + Fraction(1, 10**6), "CERTIFIED"), (e - Fraction(1, 10**6), "REFUTED")):
        if eps < 0:
            continue
        p, f = certify(G, eps, strategy="plain"), certify(G, eps, strategy="bab", jobs=1)
        assert p.status == f.status == verdict, (eps, p.status, f.status)


@pytest.mark.parametrize("seed", [0, 1, 2, 4, 5])
def test_leaf_proofs_by_z3_alone_agree(seed):
    G = _random_net(100 + seed)
    net = bab.Net(G)
    for s in (1, -1):
        for i in range(net.d):
            a = bab.search_piece(net, UNIT, i, s, Fraction(0), False, leaf_proof="dual")
            b = bab.search_piece(net, UNIT, i, s, Fraction(0), False, leaf_proof="z3")
            assert a["status"] == b["status"] == "closed"
            assert a["T"] == b["T"] and b["dual"] == 0


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
        fbox = bab._float_box(box)
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


@pytest.mark.parametrize("quick", [0.0, 30.0])
def test_quick_pass_and_worker_processes_agree(quick, monkeypatch):
    """quick = 0: every piece goes to the worker processes; 30 s: all are done in-process."""
    monkeypatch.setattr(bab, "QUICK_PASS", quick)
    G = _random_net(11)
    a = worst_case_error(G, strategy="plain")
    b = worst_case_error(G, strategy="bab", jobs=2)
    assert a.max_error == b.max_error == exact_error(G, b.witness)
    e = a.max_error
    assert certify(G, e, strategy="bab", jobs=2).status == "CERTIFIED"
    if e > 0:
        c = certify(G, e * (1 - Fraction(1, 10**6)), strategy="bab", jobs=2)
        assert c.status == "REFUTED" and c.error_at_witness > e * (1 - Fraction(1, 10**6))


# -- branch and bound over ReLU phases (one warm big-M LP per piece) ------------------------------

@pytest.mark.parametrize("seed", range(16))
def test_phase_bab_matches_plain_on_random_small_networks(seed, monkeypatch):
    """PHASE_MIN_D = 2 sends every piece to phase_bab; its exact errors and verdicts must be the
    plain encoding's exactly (the plain single query is the independent method)."""
    monkeypatch.setattr(bab, "PHASE_MIN_D", 2)
    G = _random_net(300 + seed)
    e = _errors_agree(G)
    assert certify(G, e, strategy="bab", jobs=1).status == "CERTIFIED"
    if e > 0:
        below = certify(G, e * (1 - Fraction(1, 10**6)), strategy="bab", jobs=1)
        assert below.status == "REFUTED" and below.error_at_witness > e * (1 - Fraction(1, 10**6))


def _phase_lp(seed, i=0, s=1):
    from maxcert.verify.phase_bab import PhaseLP

    net = bab.Net(_random_net(seed))
    piece = bab.Piece(net, UNIT, i, s)
    return net, piece, PhaseLP(piece, piece.tighten_root())


def _bigm_optimum(piece, lp, bounds, alo, ahi):
    """max of the objective over the node's big-M relaxation, solved exactly by z3 Optimize."""
    import z3

    from maxcert.verify.encode import q
    from maxcert.verify.solvers import to_fraction

    s = piece.solver()
    opt = z3.Optimize()
    opt.add(*s.assertions())
    for (k, j), col in lp.phase.items():
        a = z3.Real(f"a{k}_{j}")
        lq, uq = Fraction(float(bounds[k][0][j])), Fraction(float(bounds[k][1][j]))
        p, z = piece.p[k][j], piece.z[k][j]
        n = list(lp.acols).index(col)
        opt.add(a >= int(alo[n]), a <= int(ahi[n]), z <= p - q(lq) * (1 - a), z <= q(uq) * a)
    for k, (l, u) in enumerate(bounds):
        for j in range(len(l)):
            if u[j] <= 0:
                opt.add(piece.z[k][j] == 0)
            elif l[j] >= 0:
                opt.add(piece.z[k][j] == piece.p[k][j])
    h = opt.maximize(piece.obj)
    r = opt.check()
    return None if r == z3.unsat else to_fraction(h.value())


@pytest.mark.parametrize("i", [0, None])
@pytest.mark.parametrize("seed", range(6))
def test_phase_lp_exact_bound_is_an_upper_bound_of_the_exact_lp(seed, i):
    """Weak duality recomputed in integers from HiGHS's dual bounds the exact big-M LP optimum
    (z3 Optimize over the same rows) from above, and closely, at the root and at fixed nodes;
    an infeasible node's Farkas sum is negative only if z3 finds the node empty too. ``i = None``:
    the whole-box piece, whose LP has the extra column t >= x_k."""
    _, piece, lp = _phase_lp(400 + seed, i)
    bounds = piece.root
    rng = np.random.default_rng(seed)
    na = len(lp.acols)
    for trial in range(4):
        alo, ahi = np.zeros(na), np.ones(na)
        if trial and na:
            for j in rng.choice(na, size=min(na, trial), replace=False):
                alo[j] = ahi[j] = rng.integers(2)
        r = lp.solve(alo, ahi)
        true = _bigm_optimum(piece, lp, bounds, alo, ahi)
        if r[0] == "optimal":
            eb = lp.bound(r[3], alo, ahi)
            assert true is not None and eb >= true and float(eb - true) < 1e-6
            assert abs(r[1] - float(true)) < 1e-6
        else:
            assert r[0] == "infeasible" and true is None
            if r[1] is not None:
                assert min(lp.bound(sg * r[1], alo, ahi, with_c=False) for sg in (1, -1)) < 0


def test_phase_lp_bound_from_any_dual_is_valid():
    """Weak duality needs no optimal dual: random nonnegative multipliers still bound the optimum."""
    _, piece, lp = _phase_lp(401)
    na = len(lp.acols)
    alo, ahi = np.zeros(na), np.ones(na)
    true = _bigm_optimum(piece, lp, piece.root, alo, ahi)
    rng = np.random.default_rng(0)
    for _ in range(20):
        y = rng.uniform(0, 2, lp.m) * (rng.uniform(size=lp.m) < 0.5)
        assert lp.bound(y, alo, ahi) >= true


@pytest.mark.parametrize("seed", range(8))
def test_whole_box_piece_equals_the_largest_positive_piece(seed):
    """sup (N - max) over the box is the largest of the sups over the pieces x_i = max (they cover
    the box): the whole-box search must reach exactly that, with a witness attaining it."""
    from maxcert.verify.phase_bab import search_phases

    G = _random_net(500 + seed)
    net = bab.Net(G)
    low = Fraction(-10)  # below every error: each search raises T to its sup
    pieces = [search_phases(net, UNIT, i, 1, low, False) for i in range(net.d)]
    whole = search_phases(net, UNIT, None, 1, low, False)
    assert whole["status"] == "closed" and all(r["status"] == "closed" for r in pieces)
    assert whole["T"] == max(r["T"] for r in pieces)
    w = whole["witness"]
    assert exact_error(G, w) >= whole["T"] == net.exact_forward(w)[0] - max(w)


@pytest.mark.parametrize("seed", range(4))
def test_whole_box_on_and_off_agree(seed, monkeypatch):
    """The phase route with one whole-box positive piece and with d positive pieces: the same exact
    error, and the whole-box run searches d + 1 pieces."""
    monkeypatch.setattr(bab, "PHASE_MIN_D", 2)
    G = _random_net(600 + seed)
    d = bab.Net(G).d
    out = {}
    for whole in (True, False):
        monkeypatch.setattr(bab, "WHOLE_BOX", whole)
        out[whole] = worst_case_error(G, strategy="bab", jobs=1)
        assert out[whole].status == "COMPUTED"
        assert f"over {d + 1 if whole else 2 * d} pieces" in out[whole].reason
    assert out[True].max_error == out[False].max_error == exact_error(G, out[True].witness)


@pytest.mark.parametrize("seed", range(6))
def test_phase_subtrees_cover_the_piece(seed):
    """The 2^m subtrees of the m root branches: together they reach the unsplit search's exact sup,
    and each witness attains its subtree's T exactly (a witness may lie outside its subtree: the
    search polishes a point on the linear region it falls in, which is still a point of the box)."""
    from itertools import product

    from maxcert.verify.phase_bab import root_branches, search_phases

    net = bab.Net(_random_net(700 + seed))
    low = Fraction(-10)
    whole = search_phases(net, UNIT, None, 1, low, False)
    keys = root_branches(net, UNIT, None, 1, 2)
    parts = []
    for combo in product((1, 0), repeat=len(keys)):
        fixed = tuple(zip(keys, combo))
        r = search_phases(net, UNIT, None, 1, low, False, fixed=fixed)
        assert r["status"] == "closed"
        if r["witness"] is not None:
            w = r["witness"]
            assert net.exact_forward(w)[0] - max(w) == r["T"] == r["best"]
        parts.append(r)
    assert bab._combine(parts)["T"] == whole["T"]
    assert bab._combine(parts)["status"] == "closed"


def test_phase_subtree_fixed_against_a_stable_relu_is_empty():
    """N(x) = 1 + relu(x0 - x1): ReLU 0 computes relu(1), stable active. Its inactive subtree holds
    no point (p = 1 > 0), so it closes at once; the active one is the whole piece (sup N - x0 = 1)."""
    from maxcert.verify.phase_bab import search_phases

    net = bab.Net(from_layers([[[0, 0], [1, -1]], [[1, 1]]], [[1, 0], [0]]))
    off = search_phases(net, UNIT, 0, 1, Fraction(-1), False, fixed=(((0, 0), 0),))
    assert off["status"] == "closed" and off["nodes"] == 0 and off["witness"] is None
    on = search_phases(net, UNIT, 0, 1, Fraction(-1), False, fixed=(((0, 0), 1),))
    assert on["status"] == "closed" and on["T"] == 1


def test_whole_box_subtrees_in_processes_match_plain(monkeypatch):
    """With 2 processes and no quick pass the whole-box piece goes to the pool as 4 subtrees
    (7 inputs: the phase route in the workers too); the exact error is the plain encoding's."""
    monkeypatch.setattr(bab, "QUICK_PASS", 0.0)
    rng = random.Random(11)
    dims = [7, 5, 3, 1]
    W = [[[Fraction(rng.randint(-40, 40), 16) for _ in range(dims[k])] for _ in range(dims[k + 1])] for k in range(3)]
    b = [[Fraction(rng.randint(-16, 16), 16) for _ in range(dims[k + 1])] for k in range(3)]
    G = from_layers(W, b)
    calls = []
    real = bab._combine
    monkeypatch.setattr(bab, "_combine", lambda parts: calls.append(len(parts)) or real(parts))
    fast = worst_case_error(G, strategy="bab", jobs=2)
    plain = worst_case_error(G, strategy="plain")
    assert fast.max_error == plain.max_error == exact_error(G, fast.witness)
    assert 4 in calls  # the whole-box piece came back as 4 subtrees


def test_whole_box_piece_only_for_the_positive_sign_and_the_phase_search():
    net = bab.Net(_random_net(600))
    with pytest.raises(ValueError, match="s = 1"):
        bab.Piece(net, UNIT, None, -1)
    with pytest.raises(ValueError, match="search_phases"):
        bab.search_piece(net, UNIT, None, 1, Fraction(0), False)


def test_phase_bab_on_seven_inputs_matches_plain():
    """The default route: d >= PHASE_MIN_D goes to phase_bab (a 7-input, 4x3 network)."""
    rng = random.Random(5)
    dims = [7, 4, 3, 1]
    W = [[[Fraction(rng.randint(-40, 40), 16) for _ in range(dims[k])] for _ in range(dims[k + 1])] for k in range(3)]
    b = [[Fraction(rng.randint(-16, 16), 16) for _ in range(dims[k + 1])] for k in range(3)]
    G = from_layers(W, b)
    assert bab.PHASE_MIN_D <= 7
    plain = worst_case_error(G, strategy="plain")
    fast = worst_case_error(G, strategy="bab", jobs=1)
    assert fast.max_error == plain.max_error == exact_error(G, fast.witness)


def test_phase_bab_with_a_constant_neuron():
    """N(x) = 1 + relu(x0 - x1), the constant ReLU relu(1) stable: on x0 largest the error
    N - x0 = 1 - x1 peaks at 1 (x1 = 0) and x0 - N = x1 - 1 at 0; on x1 largest N = 1."""
    from maxcert.verify.phase_bab import search_phases

    net = bab.Net(from_layers([[[0, 0], [1, -1]], [[1, 1]]], [[1, 0], [0]]))
    want = {(0, 1): 1, (0, -1): 0, (1, 1): 1, (1, -1): 0}
    for (i, s), e in want.items():
        r = search_phases(net, UNIT, i, s, Fraction(-1), False)
        assert r["status"] == "closed" and r["T"] == e
