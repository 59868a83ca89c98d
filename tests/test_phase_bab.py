"""Branch and bound over ReLU phases (verify/phase_bab.py): its exact errors match the plain encoding,
its LP bounds are valid, and its levers (issue 17) -- ideal-formulation cuts and LP bound tightening --
never cut off a point of the network and find the same exact value with or without them."""

import random
from fractions import Fraction

import numpy as np
import pytest
from test_bab import _errors_agree, _random_net  # the same random networks, the same cross-check

from maxcert.graphs.evaluate import from_layers
from maxcert.verify import bab, phase_bab
from maxcert.verify.bab import Net, Piece
from maxcert.verify.certify import certify, exact_error, worst_case_error
from maxcert.verify.domains import UNIT
from maxcert.verify.search import DEFAULT


def _graph(seed, d=7, widths=(6, 6)):
    """A random ReLU network with dyadic weights (quarters and eighths)."""
    rng = np.random.default_rng(seed)
    Ws, bs, n = [], [], d
    for w in widths + (1,):
        Ws.append([[Fraction(int(v), 4) for v in rng.integers(-4, 5, size=n)] for _ in range(w)])
        bs.append([Fraction(int(v), 8) for v in rng.integers(-4, 5, size=w)])
        n = w
    return from_layers(Ws, bs)


def _net(seed, d=7, widths=(6, 6)):
    return Net(_graph(seed, d, widths))


def _point(lp, piece, x):
    """The exact column vector of the network's point x (its a's: the exact phases)."""
    net = piece.net
    v = [Fraction(0)] * lp.n
    for k, xk in enumerate(x):
        v[k] = xk
    if piece.i is None:
        v[net.d] = max(x)
    _, pre = net.exact_forward(x)
    for (k, j), z in lp.zcol.items():
        v[z] = max(pre[k][j], Fraction(0))
        v[lp.phase[(k, j)]] = Fraction(int(pre[k][j] >= 0))
    return v, pre


@pytest.mark.parametrize("seed", range(3))
def test_cuts_hold_at_network_points(seed):
    net = _net(seed)
    piece = Piece(net, UNIT, None, 1)
    lp = phase_bab.PhaseLP(piece, piece.tighten_root())
    na = len(lp.phase)
    for _ in range(5):
        r = lp.solve(np.zeros(na), np.ones(na))
        cuts = lp.separate(r[2])
        if not cuts:
            break
        lp.add_cuts(cuts)
    assert lp.ncuts > 0
    rng = np.random.default_rng(seed)
    for _ in range(200):
        x = [Fraction(int(v), 64) for v in rng.integers(0, 65, size=net.d)]
        v, pre = _point(lp, piece, x)
        for row, rhs, eq in lp.rows[len(lp.rows) - lp.ncuts:]:
            assert not eq
            assert sum(cf * v[c] for c, cf in row.items()) <= rhs


def test_an_invalid_cut_is_refused():
    net = _net(0)
    piece = Piece(net, UNIT, None, 1)
    lp = phase_bab.PhaseLP(piece, piece.tighten_root())
    kj = next(iter(lp.phase))
    inI = np.array([True] + [False] * (len(lp._exact_pre[kj][0]) - 1))
    row, rhs = lp._exact_cut(kj, inI)
    assert lp._valid(kj, row, rhs)
    assert not lp._valid(kj, row, rhs - Fraction(1, 2))  # 1/2 below: fails in the inactive phase (z = a = 0)


@pytest.mark.parametrize("seed", range(3))
def test_obbt_bounds_contain_the_network(seed):
    net = _net(seed)
    piece = Piece(net, UNIT, None, 1)
    root = piece.tighten_root()
    tight, _ = phase_bab.proved_bounds(piece, rounds=2)
    rng = np.random.default_rng(seed)
    for (l0, u0), (l, u) in zip(root, tight):
        assert np.all(l >= l0) and np.all(u <= u0)
    for _ in range(300):
        x = [Fraction(int(v), 64) for v in rng.integers(0, 65, size=net.d)]
        _, pre = net.exact_forward(x)
        for (l, u), p in zip(tight, pre):
            assert all(Fraction(float(lj)) <= pj <= Fraction(float(uj)) for lj, uj, pj in zip(l, u, p))


@pytest.mark.parametrize("seed", [0, pytest.param(1, marks=pytest.mark.slow), pytest.param(2, marks=pytest.mark.slow)])
def test_the_levers_find_the_same_exact_value(seed):
    net = _net(seed)
    values = []
    for levers in ({"cuts": 0, "obbt": 0}, {"cuts": 10, "obbt": 0}, {"cuts": 10, "obbt": 2}, {"node_cuts": 1},
                   {"dive": True}, {"rule": "frac"}):
        opts = DEFAULT.replace(**levers)
        pieces = [(None, 1)] + [(i, -1) for i in range(net.d)]
        res = [phase_bab.search_phases(net, UNIT, i, s, Fraction(-100), False, opts=opts) for i, s in pieces]
        assert all(r.status == "closed" for r in res)
        values.append(max(r.T for r in res))
    assert len(set(values)) == 1, values


# -- branch and bound over ReLU phases (one warm big-M LP per piece) ------------------------------

@pytest.mark.parametrize("seed", [pytest.param(s, marks=[pytest.mark.slow] if s >= 8 else []) for s in range(16)])
def test_phase_bab_matches_plain_on_random_small_networks(seed):  # seeds 8..15 in CI's slow step
    """phase_min_d = 2 sends every piece to phase_bab; its exact errors and verdicts must be the
    plain encoding's exactly (the plain single query is the independent method)."""
    opts = DEFAULT.replace(phase_min_d=2)
    G = _random_net(300 + seed)
    e = _errors_agree(G, opts)
    assert certify(G, e, strategy="bab", jobs=1, options=opts).status == "CERTIFIED"
    if e > 0:
        below = certify(G, e * (1 - Fraction(1, 10**6)), strategy="bab", jobs=1, options=opts)
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
    assert whole.status == "closed" and all(r.status == "closed" for r in pieces)
    assert whole.T == max(r.T for r in pieces)
    w = whole.witness
    assert exact_error(G, w) >= whole.T == net.exact_forward(w)[0] - max(w)


@pytest.mark.parametrize("seed", range(4))
def test_whole_box_on_and_off_agree(seed):
    """The phase route with one whole-box positive piece and with d positive pieces: the same exact
    error, and the whole-box run searches d + 1 pieces."""
    G = _random_net(600 + seed)
    d = bab.Net(G).d
    out = {}
    for whole in (True, False):
        opts = DEFAULT.replace(phase_min_d=2, whole_box=whole)
        out[whole] = worst_case_error(G, strategy="bab", jobs=1, options=opts)
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
        assert r.status == "closed"
        if r.witness is not None:
            w = r.witness
            assert net.exact_forward(w)[0] - max(w) == r.T == r.best
        parts.append(r)
    assert bab._combine(parts).T == whole.T
    assert bab._combine(parts).status == "closed"


def test_phase_subtree_fixed_against_a_stable_relu_is_empty():
    """N(x) = 1 + relu(x0 - x1): ReLU 0 computes relu(1), stable active. Its inactive subtree holds
    no point (p = 1 > 0), so it closes at once; the active one is the whole piece (sup N - x0 = 1)."""
    from maxcert.verify.phase_bab import search_phases

    net = bab.Net(from_layers([[[0, 0], [1, -1]], [[1, 1]]], [[1, 0], [0]]))
    off = search_phases(net, UNIT, 0, 1, Fraction(-1), False, fixed=(((0, 0), 0),))
    assert off.status == "closed" and off.stats.nodes == 0 and off.witness is None
    on = search_phases(net, UNIT, 0, 1, Fraction(-1), False, fixed=(((0, 0), 1),))
    assert on.status == "closed" and on.T == 1


def test_whole_box_subtrees_in_processes_match_plain(monkeypatch):
    """With 2 processes and no quick pass the whole-box piece goes to the pool as 4 subtrees
    (7 inputs: the phase route in the workers too); the exact error is the plain encoding's."""
    rng = random.Random(11)
    dims = [7, 5, 3, 1]
    W = [[[Fraction(rng.randint(-40, 40), 16) for _ in range(dims[k])] for _ in range(dims[k + 1])] for k in range(3)]
    b = [[Fraction(rng.randint(-16, 16), 16) for _ in range(dims[k + 1])] for k in range(3)]
    G = from_layers(W, b)
    calls = []
    real = bab._combine
    monkeypatch.setattr(bab, "_combine", lambda parts: calls.append(len(parts)) or real(parts))
    fast = worst_case_error(G, strategy="bab", jobs=2, options=DEFAULT.replace(quick_pass=0.0))
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
    """The default route: d >= phase_min_d goes to phase_bab (a 7-input, 4x3 network)."""
    rng = random.Random(5)
    dims = [7, 4, 3, 1]
    W = [[[Fraction(rng.randint(-40, 40), 16) for _ in range(dims[k])] for _ in range(dims[k + 1])] for k in range(3)]
    b = [[Fraction(rng.randint(-16, 16), 16) for _ in range(dims[k + 1])] for k in range(3)]
    G = from_layers(W, b)
    assert DEFAULT.phase_min_d <= 7
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
        assert r.status == "closed" and r.T == e
