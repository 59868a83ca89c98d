"""The phase search's levers (issue 17): ideal-formulation cuts and LP bound tightening must never
cut off a point of the network, and the search must find the same exact value with or without them."""

from fractions import Fraction

import numpy as np
import pytest

from maxcert.graphs.evaluate import from_layers
from maxcert.verify import phase_bab
from maxcert.verify.bab import Net, Piece
from maxcert.verify.domains import UNIT


def _net(seed, d=7, widths=(6, 6)):
    rng = np.random.default_rng(seed)
    Ws, bs, n = [], [], d
    for w in widths + (1,):
        Ws.append([[Fraction(int(v), 4) for v in rng.integers(-4, 5, size=n)] for _ in range(w)])
        bs.append([Fraction(int(v), 8) for v in rng.integers(-4, 5, size=w)])
        n = w
    return Net(from_layers(Ws, bs))


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
    tight = phase_bab.obbt(piece, root, rounds=2)
    rng = np.random.default_rng(seed)
    for (l0, u0), (l, u) in zip(root, tight):
        assert np.all(l >= l0) and np.all(u <= u0)
    for _ in range(300):
        x = [Fraction(int(v), 64) for v in rng.integers(0, 65, size=net.d)]
        _, pre = net.exact_forward(x)
        for (l, u), p in zip(tight, pre):
            assert all(Fraction(float(lj)) <= pj <= Fraction(float(uj)) for lj, uj, pj in zip(l, u, p))


@pytest.mark.parametrize("seed", range(3))
def test_the_levers_find_the_same_exact_value(seed, monkeypatch):
    net = _net(seed)
    values = []
    for levers in ({"CUTS": 0, "OBBT": 0}, {"CUTS": 10, "OBBT": 0}, {"CUTS": 10, "OBBT": 2}, {"NODE_CUTS": 1}):
        for k, v in levers.items():
            monkeypatch.setattr(phase_bab, k, v)
        pieces = [(None, 1)] + [(i, -1) for i in range(net.d)]
        res = [phase_bab.search_phases(net, UNIT, i, s, Fraction(-100), False) for i, s in pieces]
        assert all(r["status"] == "closed" for r in res)
        values.append(max(r["T"] for r in res))
    assert len(set(values)) == 1, values
