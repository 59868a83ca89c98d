"""Branch and bound for dense networks on a box: the fast path for trained approximators.

The domain is split into 2d *pieces* (which input is largest, which sign the error has); on each
piece the target max(x) is the linear x_i and the question is ``max s (N(x) - x_i) <= T``. (On
the phase route the positive sign is one whole-box piece instead: see :class:`Piece`.) A node
of the search is an input box and some fixed ReLU phases (``p >= 0, z = p`` or ``p <= 0, z = 0``);
the two children of a split (halves of an input side, or the two phases of a ReLU) cover their
parent, so the leaves cover the piece.

* Every node first gets linear bounds (:mod:`maxcert.verify.linear_bounds`): sound float64
  back-substitution for every pre-activation, with rigorous rounding margins. The node closes when
  the objective's bound, *replayed in exact rationals*, is at most T. The best ``BATCH`` nodes are
  taken together: one batched propagation, and one exact replay for all those it closes.
* Otherwise, while the box is wide and d is small, an input side is halved. Small boxes go on by
  ReLU splits: HiGHS (through highspy) solves the node's triangle relaxation in floating point,
  pre-activation bounds are tightened by LPs made sound from their duals (Neumaier-Shcherbina),
  and the node closes by a weak-duality bound computed in exact rationals from the float dual, or
  by z3 (UNSAT in exact rational arithmetic over the network's exact weights).
* From ``PHASE_MIN_D`` inputs on, a piece is instead searched over ReLU phases alone, on one warm
  big-M LP (:mod:`maxcert.verify.phase_bab`).
* Floating point only guides: it picks splits and proposes witnesses. A witness is solved
  exactly on its linear region by z3 and re-evaluated on the network before it counts.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, replace
from fractions import Fraction
from itertools import product
from typing import Any

import highspy
import numpy as np
import z3
from scipy.sparse import csc_matrix, csr_matrix, vstack

from maxcert.graphs.evaluate import compile_layers
from maxcert.verify.domains import Domain
from maxcert.verify.encode import LayeredPiece, q
from maxcert.verify.exact import dual_bound, float_box, forward
from maxcert.verify.linear_bounds import (
    ExactNet,
    U,
    _gamma,
    exact_upper,
    exact_upper_many,
    narrow,
    propagate_many,
)
from maxcert.verify.search import CLOSED, DEFAULT, Options, Outcome, PieceResult, Stats, left, run
from maxcert.verify.solvers import maximize


class Net:
    """A strictly layered network: exact weights for z3, float64 copies for bounds and LPs."""

    def __init__(self, G):
        self.layers = L = compile_layers(G)
        self.W = [[list(r) for r in W] for W in L.weights]  # Fractions
        self.b = [list(b) for b in L.biases]
        self.Wf, self.bf = L.to_numpy()
        self.sizes = [W.shape[0] for W in self.Wf[:-1]]
        self.d = self.Wf[0].shape[1]
        # |exact - float| <= U |float| entrywise (float64 rounding of a rational)
        self.inexact = any(Fraction(float(w)) != w for W in self.W for r in W for w in r) or \
            any(Fraction(float(v)) != v for b in self.b for v in b)

    def forward(self, x):
        h = np.asarray(x, dtype=np.float64)
        for W, b in zip(self.Wf[:-1], self.bf[:-1]):
            h = np.maximum(W @ h + b, 0.0)
        return float((self.Wf[-1] @ h + self.bf[-1])[0])

    def exact_forward(self, x):
        """``(N(x), pre-activations per hidden layer)`` exactly (:func:`maxcert.verify.exact.forward`)."""
        (y,), pre = forward(self.layers, x, pre=True)
        return y, pre


def interval_bounds(net: Net, lo, hi, fix, root=None):
    """Sound pre-activation intervals ``[(l, u)]`` per layer under phase fixings.

    ``fix[l]`` holds +1 (active), -1 (inactive) or 0 per neuron; ``root`` intersects known bounds.
    """
    zl, zu = np.asarray(lo, float), np.asarray(hi, float)
    out = []
    for k, (W, b) in enumerate(zip(net.Wf[:-1], net.bf[:-1])):
        Wp, Wn = np.maximum(W, 0), np.minimum(W, 0)
        l = Wp @ zl + Wn @ zu + b
        u = Wp @ zu + Wn @ zl + b
        m = _gamma(W.shape[1] + 2) * (np.abs(W) @ np.maximum(np.abs(zl), np.abs(zu)) + np.abs(b)) + 1e-300
        f = fix[k]
        l, u = narrow(l - m, u + m, None if root is None else root[k], f)
        out.append((l, u))
        zl = np.where(f < 0, 0.0, np.maximum(l, 0.0))
        zu = np.where(f < 0, 0.0, np.maximum(u, 0.0))
    return out


_QUIET = []


def _highs():
    """A silent HiGHS instance. The first one in a process prints a banner on the C stdout,
    which would corrupt the CLI's own output, so that one is made with fd 1 pointed at devnull."""
    if _QUIET:
        h = highspy.Highs()
    else:
        sys.stdout.flush()
        saved, null = os.dup(1), os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, 1)
            h = highspy.Highs()
            h.setOptionValue("output_flag", False)
        finally:
            os.dup2(saved, 1)
            os.close(saved)
            os.close(null)
        _QUIET.append(True)
    h.setOptionValue("output_flag", False)
    return h


def highs_model(A, row_lo, row_hi, col_lo, col_hi, cost=None, maximize=False) -> highspy.HighsLp:
    """The HiGHS model of ``min (max) cost x`` s.t. ``row_lo <= A x <= row_hi``, ``col_lo <= x <= col_hi``
    (A: any scipy sparse matrix, passed column-wise; cost: zero when None)."""
    A = csc_matrix(A)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = A.shape[1], A.shape[0]
    lp.col_cost_ = np.zeros(A.shape[1]) if cost is None else np.asarray(cost, dtype=np.float64)
    lp.col_lower_, lp.col_upper_ = np.asarray(col_lo, dtype=np.float64), np.asarray(col_hi, dtype=np.float64)
    lp.row_lower_, lp.row_upper_ = np.asarray(row_lo, dtype=np.float64), np.asarray(row_hi, dtype=np.float64)
    if maximize:
        lp.sense_ = highspy.ObjSense.kMaximize
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = A.indptr, A.indices, A.data
    return lp


class LP:
    """The relaxation as a HiGHS model, kept between solves: a new objective re-solves warm.

    Only a guide: every value it reports is made sound by :func:`safe_max` or checked exactly.
    """

    def __init__(self, rel):
        A_ub, b_ub, A_eq, b_eq, lb, ub = rel[:6]
        self.m_ub = A_ub.shape[0]
        A = vstack([A_ub, A_eq]) if A_eq.shape[0] else A_ub
        model = highs_model(A, np.concatenate([np.full(self.m_ub, -highspy.kHighsInf), b_eq]),
                            np.concatenate([b_ub, b_eq]), lb, ub)
        self.h = _highs()
        # transposes for safe_max, made once per relaxation rather than once per solve
        self.T = (A_ub.T.tocsr(), abs(A_ub).T.tocsr(), A_eq.T.tocsr(), abs(A_eq).T.tocsr())
        self.h.passModel(model)
        self.n = A.shape[1]

    def maximize(self, c):
        """(value, x, y_ub >= 0, y_eq) of ``max c x``, or None when infeasible."""
        h = self.h
        h.changeColsCost(self.n, np.arange(self.n, dtype=np.int32), -np.asarray(c, dtype=np.float64))
        h.run()
        st = h.getModelStatus()
        if st == highspy.HighsModelStatus.kInfeasible:
            return None
        if st != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"HiGHS: {h.modelStatusToString(st)}")
        sol = h.getSolution()
        y = -np.asarray(sol.row_dual)
        return -h.getInfo().objective_function_value, np.asarray(sol.col_value), y[:self.m_ub], y[self.m_ub:]


class Piece:
    """One piece: inputs in the box with x_i largest, objective ``s (N(x) - x_i)``.

    ``i = None`` (only with s = 1, and only for :func:`maxcert.verify.phase_bab.search_phases`) is
    the whole box at once: one more variable t >= x_k for every k, objective ``N(x) - t``. A
    maximiser of N - t takes t = max(x), so the sup is that of ``N(x) - max(x)``, and a point of
    maximal error on the boundary of several pieces is proved once rather than once per piece.
    """

    def __init__(self, net: Net, dom: Domain, i: int | None, s: int):
        if i is None and s != 1:
            raise ValueError("the whole-box piece needs s = 1: t <= max(x) is not convex")
        self.net, self.dom, self.i, self.s = net, dom, i, s
        d = net.d
        self.lo = np.full(d, float(dom.lo))
        self.hi = np.full(d, float(dom.hi))
        self.nvar = d + sum(net.sizes) + (i is None)
        self.t = i if i is not None else self.nvar - 1  # the variable standing for max(x): last
        self.offsets = np.cumsum([d] + net.sizes)[:-1].tolist()  # first variable of each layer
        self.prev = [0] + self.offsets[:-1]  # first variable of the layer feeding each layer
        self.prev_n = [d] + net.sizes[:-1]
        rows = [np.eye(self.nvar)[k] - np.eye(self.nvar)[self.t] for k in range(d) if k != i]  # x_k - t <= 0
        self.piece_A = csr_matrix(np.array(rows).reshape(-1, self.nvar))
        c = np.zeros(self.nvar)
        last = net.Wf[-1][0]
        c[self.offsets[-1]:self.offsets[-1] + len(last)] = s * last if net.sizes else 0
        if not net.sizes:
            c[:d] = s * last
        c[self.t] -= s
        self.c, self.c0 = c, s * float(net.bf[-1][0])
        self.root = None
        self._solver = None

    def interval_bound(self) -> Fraction:
        """A sound upper bound of the piece's objective ``s (N(x) - target)`` by exact interval
        arithmetic over the box (loose; for a piece whose search never bounded its open nodes)."""
        lo, hi = [self.dom.lo] * self.net.d, [self.dom.hi] * self.net.d
        for k, (W, b) in enumerate(zip(self.net.W, self.net.b)):
            nlo, nhi = [], []
            for row, bj in zip(W, b):
                a = bj + sum((w * (l if w > 0 else h) for w, l, h in zip(row, lo, hi)), Fraction(0))
                c = bj + sum((w * (h if w > 0 else l) for w, l, h in zip(row, lo, hi)), Fraction(0))
                nlo.append(a)
                nhi.append(c)
            if k < len(self.net.W) - 1:
                nlo, nhi = [max(v, Fraction(0)) for v in nlo], [max(v, Fraction(0)) for v in nhi]
            lo, hi = nlo, nhi
        # target in [dom.lo, dom.hi]: s = 1 gives N - t <= N_hi - lo, s = -1 gives t - N <= hi - N_lo
        return hi[0] - self.dom.lo if self.s > 0 else self.dom.hi - lo[0]

    def target(self, x):
        """max(x) on this piece: x_i, or max(x) itself for the whole-box piece."""
        return x[self.i] if self.i is not None else max(x)

    # -- the relaxation as an LP -------------------------------------------------------------
    def _pre_rows(self, k):
        """Rows giving layer k's pre-activations over all variables: ``P v + b``."""
        W = self.net.Wf[k]
        P = np.zeros((W.shape[0], self.nvar))
        P[:, self.prev[k]:self.prev[k] + self.prev_n[k]] = W
        return P

    def relaxation(self, bounds, fix, upto=None, box=None):
        """The triangle relaxation of layers < upto as an LP, in float64.

        Returns ``(A_ub, b_ub, A_eq, b_eq, lb, ub, meta)``; ``meta`` names each row (neuron and
        kind) so that :meth:`exact_bound` can rebuild the same rows in exact rationals.
        """
        n = len(self.net.sizes) if upto is None else upto
        d = self.net.d
        lb = np.zeros(self.nvar)
        ub = np.zeros(self.nvar)
        lb[:d], ub[:d] = (self.lo, self.hi) if box is None else box
        if self.i is None:
            if box is not None:
                raise ValueError("the whole-box piece is only searched over ReLU phases")
            lb[self.t], ub[self.t] = float(self.dom.lo), float(self.dom.hi)
        R, C, V, bu, mu = [], [], [], [], []  # inequality rows
        Re, Ce, Ve, be, me = [], [], [], [], []  # equality rows
        for k in range(d):
            if k != self.i:
                r = len(bu)
                R += [r, r]
                C += [k, self.t]
                V += [1.0, -1.0]
                bu.append(0.0)
                mu.append(("piece", k))
        for k in range(n):
            l, u = bounds[k]
            f = fix[k]
            W, b = self.net.Wf[k], self.net.bf[k]
            cols = np.arange(self.prev[k], self.prev[k] + self.prev_n[k])
            o = self.offsets[k]
            for j in range(len(l)):
                v = o + j
                nz = W[j] != 0
                cj, wj = cols[nz].tolist(), W[j][nz].tolist()
                if f[j] < 0 or u[j] <= 0:
                    if f[j] < 0 and u[j] > 0:  # p <= 0
                        r = len(bu)
                        R += [r] * len(cj)
                        C += cj
                        V += wj
                        bu.append(-b[j])
                        mu.append(("le0", k, j))
                    continue
                ub[v] = max(u[j], 0.0)
                lb[v] = max(l[j], 0.0)
                if f[j] > 0 or l[j] >= 0:  # z = p
                    r = len(be)
                    Re += [r] * (len(cj) + 1)
                    Ce += cj + [v]
                    Ve += wj + [-1.0]
                    be.append(-b[j])
                    me.append(("eq", k, j))
                    continue
                r = len(bu)  # p - z <= 0
                R += [r] * (len(cj) + 1)
                C += cj + [v]
                V += wj + [-1.0]
                bu.append(-b[j])
                mu.append(("pz", k, j))
                kk = float(np.nextafter(np.nextafter(u[j] / (u[j] - l[j]), np.inf), np.inf))  # rounded up: valid
                r = len(bu)  # z - kk p <= kk (b - l): rhs rounded up, so still valid
                R += [r] * (len(cj) + 1)
                C += cj + [v]
                V += [-kk * w for w in wj] + [1.0]
                bu.append(float(np.nextafter(kk * b[j] - kk * l[j], np.inf)) + 4 * U * abs(kk) * (abs(b[j]) + abs(l[j])))
                mu.append(("tri", k, j, kk))
        A_ub = csr_matrix((V, (R, C)), shape=(len(bu), self.nvar))
        A_eq = csr_matrix((Ve, (Re, Ce)), shape=(len(be), self.nvar))
        return A_ub, np.array(bu), A_eq, np.array(be), lb, ub, (mu, me)

    def exact_bound(self, bounds, fix, box, y_ub, y_eq, meta) -> Fraction | None:
        """An upper bound of the objective over the node: :func:`maxcert.verify.exact.dual_bound`
        on the relaxation's rows rebuilt in exact rationals, with the float dual taken as exact
        multipliers. Returns None when a triangle slope fails its exact validity check."""
        net, d = self.net, self.net.d
        rows = []

        def pre(k, j):  # the row W_j h of layer k over the variables of the layer it reads
            return {self.prev[k] + t: w for t, w in enumerate(net.W[k][j]) if w}

        for yv, m in zip(y_ub, meta[0]):
            y = Fraction(max(float(yv), 0.0))
            if y == 0:
                continue
            if m[0] == "piece":  # x_k - t <= 0
                rows.append((y, {m[1]: 1, self.t: -1}, Fraction(0), False))
                continue
            k, j = m[1], m[2]
            bj, z = net.b[k][j], self.offsets[k] + j
            if m[0] == "le0":  # W h <= -b
                rows.append((y, pre(k, j), -bj, False))
            elif m[0] == "pz":  # W h - z <= -b
                rows.append((y, {**pre(k, j), z: -1}, -bj, False))
            else:  # z - kk W h <= kk (b - l): valid when kk >= u / (u - l)
                kk = Fraction(m[3])
                l, u = Fraction(float(bounds[k][0][j])), Fraction(float(bounds[k][1][j]))
                if kk * (u - l) < u:
                    return None
                rows.append((y, {**{c: -kk * w for c, w in pre(k, j).items()}, z: 1}, kk * (bj - l), False))
        for yv, m in zip(y_eq, meta[1]):  # W h - z = -b
            y = Fraction(float(yv))
            if y:
                k, j = m[1], m[2]
                rows.append((y, {**pre(k, j), self.offsets[k] + j: -1}, -net.b[k][j], True))
        # c: s * (W_out z_L + b_out - t)
        (row,), (b0,) = net.W[-1], net.b[-1]
        base = self.offsets[-1] if net.sizes else 0
        c = {base + t: self.s * w for t, w in enumerate(row) if w}
        c[self.t] = c.get(self.t, 0) - self.s

        def col_box(v):
            if v < d:
                return box[0][v], box[1][v]
            if self.i is None and v == self.t:
                return self.dom.lo, self.dom.hi
            k = next(kk for kk in range(len(net.sizes) - 1, -1, -1) if v >= self.offsets[kk])
            j = v - self.offsets[k]
            lf, uf, f = float(bounds[k][0][j]), float(bounds[k][1][j]), fix[k][j]
            if f < 0 or uf <= 0:
                return Fraction(0), Fraction(0)  # z = 0
            return (Fraction(max(lf, 0.0)) if (f > 0 or lf >= 0) else Fraction(0)), Fraction(max(uf, 0.0))

        return dual_bound(rows, c, col_box) + self.s * b0

    def solve(self, c, rel, lp=None):
        """Float LP: max c v over the relaxation. Returns (value, v, safe upper bound, duals) or None.

        ``lp``: an :class:`LP` already holding ``rel`` (re-solved warm with a new objective).
        """
        lp = lp or LP(rel)
        r = lp.maximize(c)
        if r is None:
            return None  # infeasible (to be confirmed exactly by the caller when it matters)
        val, x, y_ub, y_eq = r
        return val, x, safe_max(c, rel, y_ub, y_eq, self.net.inexact, lp.T), (y_ub, y_eq)

    def tighten_root(self, deadline=None):
        """Root bounds: intervals, then both LP bounds of every unstable neuron, layer by layer."""
        fix = [np.zeros(n, dtype=np.int8) for n in self.net.sizes]
        self.root = self.tighten(interval_bounds(self.net, self.lo, self.hi, fix), fix, None, 0, deadline)
        return self.root

    def tighten(self, bounds, fix, box=None, start=0, deadline=None):
        """Both LP bounds of every unfixed unstable neuron of layers >= start, made sound by safe_max."""
        lo, hi = (self.lo, self.hi) if box is None else box
        bounds = list(bounds)
        for k in range(start, len(self.net.sizes)):
            rel = self.relaxation(bounds, fix, upto=k, box=box)
            lp = LP(rel)
            W, bk = self.net.Wf[k], self.net.bf[k]
            l, u = bounds[k][0].copy(), bounds[k][1].copy()
            for j in range(len(l)):
                if deadline is not None and time.perf_counter() > deadline:
                    break
                if fix[k][j] != 0 or not (l[j] < 0 < u[j]):
                    continue
                row = np.zeros(self.nvar)
                row[self.prev[k]:self.prev[k] + self.prev_n[k]] = W[j]
                for sign in (1, -1):
                    r = self.solve(sign * row, rel, lp)
                    if r is None:
                        continue
                    bnd = r[2] + sign * bk[j] + _gamma(4) * abs(bk[j])
                    if sign > 0:
                        u[j] = min(u[j], bnd)
                    else:
                        l[j] = max(l[j], -bnd)
            bounds[k] = (l, u)
            bounds = bounds[:k + 1] + interval_bounds(self.net, lo, hi, fix, root=bounds)[k + 1:]
        return bounds

    # -- exact closure by z3 -----------------------------------------------------------------
    def solver(self):
        """z3 with the piece's exact base (:class:`maxcert.verify.encode.LayeredPiece`): box, piece,
        exact pre-activations, z >= max(p, 0)."""
        if self._solver is None:
            self._enc = enc = LayeredPiece(self.net.W, self.net.b, self.dom, self.i, self.s)
            self.obj, self.x, self.p, self.z, self._solver = enc.obj, enc.x, enc.p, enc.z, enc.solver
        return self._solver

    def close(self, bounds, fix, T, timeout=None, box=None):
        """z3: does the node's relaxation have a point with objective > T? ("unsat" closes it).

        ``box``: the node's exact input box (Fractions), when the search splits inputs.
        """
        s = self.solver()
        s.push()
        try:
            s.add(*self._enc.node(bounds, fix, box, self.dom), self.obj > q(T))
            if timeout is not None:
                s.set("timeout", max(1, int(timeout * 1000)))
            r = s.check()
            if r == z3.sat:
                from maxcert.verify.solvers import to_fraction
                m = s.model()
                return "sat", [to_fraction(m.eval(v, model_completion=True)) for v in self.x]
            return str(r), None
        finally:
            s.pop()

    def region_max(self, x, timeout=None):
        """Exact max of the objective over the closed linear region of x within the piece (the
        exact LP of :func:`maxcert.verify.solvers.maximize`); its maximiser, or None."""
        _, pre = self.net.exact_forward(x)
        region = list(self.solver().assertions())
        for k, p in enumerate(pre):
            for j, v in enumerate(p):
                pz = (self.z[k][j], self.p[k][j])
                region += [pz[0] == pz[1], pz[1] >= 0] if v >= 0 else [pz[0] == 0, pz[1] <= 0]
        r = maximize(region, self.obj, self.x, timeout)
        return [r.point[str(v)] for v in self.x] if r.status == "optimal" else None


def safe_max(c, rel, y_ub, y_eq, inexact=True, T=None) -> float:
    """A rigorous upper bound of ``max c v`` over the relaxation from any dual (y_ub >= 0, y_eq).

    Weak duality: ``c v = y A v + r v <= y b + sum_j max(r_j lb_j, r_j ub_j)``, r = c - A^T y,
    for every feasible v; float64 rounding is covered by explicit margins.
    """
    A_ub, b_ub, A_eq, b_eq, lb, ub = rel[:6]
    y_ub = np.maximum(y_ub, 0.0)
    AT_ub, absAT_ub, AT_eq, absAT_eq = T or (A_ub.T, abs(A_ub).T, A_eq.T, abs(A_eq).T)
    r = c - AT_ub @ y_ub - (AT_eq @ y_eq if A_eq.shape[0] else 0.0)
    absAy = absAT_ub @ y_ub + (absAT_eq @ np.abs(y_eq) if A_eq.shape[0] else 0.0)
    m = A_ub.shape[0] + A_eq.shape[0]
    g = _gamma(m + 4) + (2 * U if inexact else 0.0)
    delta = g * (np.abs(c) + absAy)
    M = np.maximum(np.abs(lb), np.abs(ub))
    s1 = float(y_ub @ b_ub + (y_eq @ b_eq if A_eq.shape[0] else 0.0))
    s1_abs = float(y_ub @ np.abs(b_ub) + (np.abs(y_eq) @ np.abs(b_eq) if A_eq.shape[0] else 0.0))
    s2 = float(np.maximum(r * lb, r * ub).sum())
    s2_abs = float((np.abs(r) * M).sum())
    extra = float(delta @ M)
    total = s1 + s2 + extra
    return total + _gamma(len(c) + m + 8) * (s1_abs + s2_abs + extra) + g * s1_abs + 1e-300


# -- the search ---------------------------------------------------------------------------------

class Incumbent:
    """A piece's threshold T, raised by the best exact objective found (and its point).

    Float points only propose: each is solved exactly on its linear region (z3) and re-evaluated
    on the network before it can raise T.
    """

    def __init__(self, piece: Piece, T: Fraction):
        self.piece, self.T, self.best, self.witness = piece, T, None, None

    def improve(self, x, timeout=None) -> bool:
        """Exact optimum of x's linear region; raises T when it beats it. True if T moved."""
        p = self.piece
        w = p.region_max(x, timeout)
        if w is None:
            return False
        y, _ = p.net.exact_forward(w)
        e = p.s * (y - p.target(w))
        if e > self.T:
            self.best, self.witness, self.T = e, w, e
            return True
        return False

    def better(self, x, tf: float, timeout=None) -> bool:
        """A float point whose float objective beats ``tf`` (float T): polished exactly on its region."""
        p = self.piece
        return (p.s * (p.net.forward(x) - p.target(x)) > tf + 1e-12 * (1 + abs(tf))
                and self.improve([Fraction(t) for t in x], timeout))

    def exact_leaf(self, bounds, fix, box, stats: Stats, timeout=None, found=None) -> str:
        """A node whose relaxation is exact (every ReLU fixed or stable): z3 decides it, unless
        ``found`` is a point z3 already gave above T. Returns "closed" (nothing above T),
        "unknown" (z3 ran out of time) or "raised" (T is now the region's exact optimum)."""
        if found is None:
            r, found = self.piece.close(bounds, fix, self.T, timeout, box)
            stats.z3 += 1
            if r != "sat":
                return "closed" if r == "unsat" else "unknown"
        if not self.improve(found, timeout):
            raise RuntimeError("an exact region exceeds T but its optimum was not found")
        return "raised"

    def result(self, status: str, stats: Stats, upper=None, proof=None) -> PieceResult:
        """``upper``: a proved bound on the piece's objective (the final T when closed; on a timeout,
        the largest exact bound over the open nodes, at least T)."""
        if status == "closed":
            upper = self.T
        elif upper is not None:
            upper = max(upper, self.T)
        return PieceResult(status, self.T, self.best, self.witness, upper, stats, proof)


def _children(fix, box, choice):
    """Two nodes covering the parent: a ReLU phase (p >= 0 | p <= 0) or halves of an input side."""
    kind, k, j = choice
    if kind == "relu":
        for ph in (1, -1):
            f = [a.copy() for a in fix]
            f[k][j] = ph
            yield f, box
        return
    mid = (box[0][k] + box[1][k]) / 2
    lo, hi = list(box[0]), list(box[1])
    hi[k] = mid
    yield fix, (box[0], hi)
    lo[k] = mid
    yield fix, (lo, box[1])


def _branch_choice(piece, bounds, fix, v, excess=1.0):
    """Which ReLU to split. First one whose interval only crosses 0 by rounding margins (one child
    is empty, the other exact); else the one whose triangle is most violated at the LP point (the
    most balanced if none). Input sides are chosen by :func:`_split_input`."""
    net = piece.net
    cands = []  # (gap, balance, layer, neuron)
    for k, (l, u) in enumerate(bounds):
        o = piece.offsets[k]
        pre = None if v is None else net.Wf[k] @ v[piece.prev[k]:piece.prev[k] + piece.prev_n[k]] + net.bf[k]
        for j in np.nonzero((fix[k] == 0) & (l < 0) & (u > 0))[0]:
            gap = 0.0 if v is None else v[o + j] - max(pre[j], 0.0)
            cands.append((gap, min(-l[j], u[j]) / (u[j] - l[j]), k, int(j)))
    if excess < 1e-7:  # the relaxation only exceeds T by rounding margins: resolve the thin ReLUs
        thin = [c for c in cands if c[1] < 1e-7 and c[0] > 0]
        if thin:
            c = max(thin)
            return ("relu", c[2], c[3])
    if not cands:
        return None
    violated = [c for c in cands if c[0] > 1e-9]
    c = max(violated) if violated else max(cands, key=lambda c: c[1])
    return ("relu", c[2], c[3])


def _split_input(net, bounds, box, fbox, lo0, hi0):
    """The input side to halve, or None: while more than one first-layer ReLU crosses the node and
    some side is wider than 2^-10 of the domain, the side that smears the most of them. (Input
    splits cost a batched propagation; a ReLU split costs LPs, so boxes are split long.)"""
    l, u = bounds[0]
    cross = (np.minimum(-l, u) > 1e-7 * (u - l))  # crossing by more than rounding margins
    width = fbox[1] - fbox[0]
    wide = width > (hi0 - lo0) / 1024
    if cross.sum() <= 1 or not wide.any():
        return None
    smear = (np.abs(net.Wf[0][cross]) * width).sum(axis=0) * wide
    if not smear.max() > 0:
        return None
    return ("input", int(np.argmax(smear)), 0)


def _propagate_batch(net: Net, batch, i: int, s: int):
    """:func:`propagate_many` over nodes ``(fix, box, prior bounds)``."""
    boxes = [float_box(e[1]) for e in batch]
    lo, hi = np.array([b[0] for b in boxes]), np.array([b[1] for b in boxes])
    fix = [np.array([e[0][k] for e in batch]) for k in range(len(net.sizes))]
    prior = None
    if any(e[2] is not None for e in batch):
        prior = []
        for k, n in enumerate(net.sizes):
            inf = (np.full(n, -np.inf), np.full(n, np.inf))
            prior.append(tuple(np.array([(e[2][k] if e[2] is not None else inf)[t] for e in batch]) for t in (0, 1)))
    return propagate_many(net, lo, hi, i, s, fix, prior)


class InputSearch:
    """:func:`search_piece`'s bounding step and branching rule, for :func:`maxcert.verify.search.drive`.

    A node is ``(fix, box, prior bounds, record)``: fixed ReLU phases, an exact input box, the parent's
    pre-activation bounds (valid for the child too) and, with ``opts.record``, the node's entry in the
    search tree (:func:`tree_tokens`), filled in as it splits or closes. The best ``opts.batch`` nodes share one batched
    bound propagation, and one exact replay for all those it closes.
    """

    can_dive = False

    def __init__(self, net: Net, dom: Domain, i: int, s: int, T: Fraction, stop_above: bool, opts: Options,
                 tighten=False, split_inputs=None, leaf_proof="dual", tighten_nodes=True):
        if i is None:
            raise ValueError("search_piece needs a piece index: the whole-box piece is for search_phases")
        self.net, self.i, self.s, self.opts, self.stop_above = net, i, s, opts, stop_above
        self.piece = Piece(net, dom, i, s)
        self.ex = ExactNet(net)
        self.split_inputs = net.d <= opts.split_inputs_upto if split_inputs is None else split_inputs
        self.tighten, self.leaf_proof, self.tighten_nodes = tighten, leaf_proof, tighten_nodes
        self.stats, self.inc, self.batch = Stats(), Incumbent(self.piece, T), opts.batch
        self.tree = {} if opts.record else None  # the search tree, filled in as nodes split and close

    def roots(self, deadline=None):
        net, dom = self.net, self.piece.dom
        root = self.piece.tighten_root(deadline) if self.tighten and net.sizes else None
        fix = [np.zeros(n, dtype=np.int8) for n in net.sizes]
        return [(0.0, (fix, ([dom.lo] * net.d, [dom.hi] * net.d), root, self.tree))]

    def prepare(self, batch):
        """One batched propagation; the nodes whose float bound already closes them get their exact
        replay in one batch too."""
        net, inc = self.net, self.inc
        nbs = _propagate_batch(net, batch, self.i, self.s)
        tf = float(inc.T)
        ok = [j for j in range(len(batch)) if not nbs.empty[j] and nbs.ub[j] <= tf + 1e-9 * (1 + abs(tf))]
        eus = dict(zip(ok, exact_upper_many(net, self.ex, [batch[j][1] for j in ok], self.i, self.s, nbs.relax, ok))) \
            if ok else {}
        return nbs, eus

    def step(self, node, j, prep, deadline) -> Outcome:
        net, inc, piece, stats, i, s = self.net, self.inc, self.piece, self.stats, self.i, self.s
        fix, box, _, rec = node
        nbs, eus = prep
        fbox = float_box(box)
        nb = nbs.node(j)
        if nb.x is None:
            return _leaf(rec, "E")  # empty: the box misses the piece, or a fixed phase contradicts sound bounds
        bounds = nb.bounds
        tf = float(inc.T)
        if inc.better(np.clip(nb.x, *fbox), tf, left(deadline)):
            if self.stop_above:
                return Outcome(stop="witness")
            tf = float(inc.T)
        if nb.ub <= tf + 1e-9 * (1 + abs(tf)):
            eu = eus[j] if j in eus else exact_upper(net, self.ex, box, i, s, nb.relax)
            stats.linear += 1
            if eu is None or eu <= inc.T:
                return _leaf(rec, "L" if eu is not None else "E")  # an exact linear bound
        if self.split_inputs and not any(np.any(f) for f in fix):
            ch = _split_input(net, bounds, box, fbox, piece.lo, piece.hi)
            if ch is not None:
                return Outcome(_kids(-nb.ub, fix, box, bounds, rec, ch))
        if self.tighten_nodes and len(net.sizes) > 1:
            bounds = piece.tighten(bounds, fix, fbox, start=1, deadline=deadline)
            if any(np.any(l > u) for l, u in bounds):
                return _leaf(rec, "E")
        rel = piece.relaxation(bounds, fix, box=fbox)
        lp = piece.solve(piece.c, rel)
        stats.lps += 1
        if lp is not None and inc.better(lp[1][:net.d], tf, left(deadline)):
            if self.stop_above:
                return Outcome(stop="witness")
            tf = float(inc.T)
        checked, xm = False, None
        if lp is not None and self.leaf_proof == "dual" and lp[2] + piece.c0 < tf:
            eb = piece.exact_bound(bounds, fix, box, *lp[3], rel[6])
            stats.dual += 1
            if eb is not None and eb <= inc.T:
                return _leaf(rec, "D")  # an exact weak-duality bound
        if lp is None or lp[0] + piece.c0 <= tf + 1e-9 * (1 + abs(tf)):
            # a short z3 budget: a hard leaf is split further rather than waited on
            z3s = self.opts.z3_slice
            r, xm = piece.close(bounds, fix, inc.T, min(z3s, left(deadline) or z3s), box)
            stats.z3 += 1
            checked = r == "sat"
            if r == "unsat":
                return _leaf(rec, "Z")
        excess = 1.0 if lp is None else (lp[0] + piece.c0 - tf) / (1 + abs(tf))
        ch = _branch_choice(piece, bounds, fix, None if lp is None else lp[1], excess)
        if ch is None:
            # every ReLU fixed or stable: the relaxation is exact, so a z3 point is a real witness
            leaf = inc.exact_leaf(bounds, fix, box, stats, left(deadline), xm if checked else None)
            if leaf == "closed":
                return _leaf(rec, "Z")
            if leaf == "unknown":
                return Outcome(stop="unknown")
            if self.stop_above:
                return Outcome(stop="witness")
            return Outcome([(0.0, (fix, box, bounds, rec))], dive=False)  # re-check against the raised T
        key = 0.0 if lp is None else -(lp[0] + piece.c0)
        return Outcome(_kids(key, fix, box, bounds, rec, ch))

    def open_bound(self, nodes):
        return _open_bound(self.net, self.ex, self.piece, nodes, self.i, self.s, self.opts.batch)

    def bound_cost(self, n: int) -> float:
        return 0.0

    def result(self, status: str, upper=None) -> PieceResult:
        proof = None
        if self.tree is not None and status == "closed":
            proof = [{"i": self.i, "s": self.s, "fixed": {}, "boxes": tree_tokens(self.tree)}]
        return self.inc.result(status, self.stats, upper, proof)


def _leaf(rec, kind: str) -> Outcome:
    """Closed: with a record, the leaf's kind (L linear bound, E empty, D dual sum, Z z3) goes in it."""
    if rec is not None:
        rec["leaf"] = kind
    return CLOSED


def _kids(key, fix, box, bounds, rec, choice) -> list:
    """The children of a split as nodes to push; with a record, each gets its own, under the parent's."""
    out = []
    for n, (f, bx) in enumerate(_children(fix, box, choice)):
        r = None
        if rec is not None:
            rec["split"] = choice
            r = rec[n] = {}
        out.append((key, (f, bx, bounds, r)))
    return out


def tree_tokens(tree: dict) -> str:
    """The search tree in preorder, one token a node: ``x{k}`` halves input k (lower half first),
    ``r{k}.{j}`` splits ReLU j of layer k (p >= 0 first), a leaf is its kind (L, E, D or Z)."""
    out, stack = [], [tree]
    while stack:
        r = stack.pop()
        if "split" in r:
            kind, k, j = r["split"]
            out.append(f"x{k}" if kind == "input" else f"r{k}.{j}")
            stack += [r[1], r[0]]
        else:
            out.append(r["leaf"])  # KeyError: an open node, which a closed search does not have
    return " ".join(out)


def search_piece(net: Net, dom: Domain, i: int, s: int, T: Fraction, stop_above: bool,
                 deadline=None, tighten=False, split_inputs=None, leaf_proof="dual", tighten_nodes=True,
                 opts: Options = DEFAULT) -> PieceResult:
    """Branch and bound on one piece (:class:`InputSearch` under :func:`maxcert.verify.search.drive`).

    Every node first gets sound linear bounds (:mod:`maxcert.verify.linear_bounds`); when their
    exact replay is at most T the node is closed. While the box is wide (low d) it is halved along
    an input side; small boxes go on by ReLU splits, where the node's triangle LP (HiGHS, a guide)
    proposes and an exact weak-duality bound or z3 closes.

    Returns a :class:`maxcert.verify.search.PieceResult`: ``status`` "closed" (nothing exceeds the
    final ``T``) or "unknown"; ``best``/``witness``: the best exact objective found above the
    initial T (``None`` if none); with ``stop_above`` the search ends at the first exact witness
    above T (certify mode).

    Examples
    --------
    >>> from maxcert.graphs.evaluate import from_layers
    >>> from maxcert.verify.domains import UNIT
    >>> G = from_layers([[[1, -1]], [[1]]], [[0], [0]])          # N(x) = relu(x0 - x1)
    >>> r = search_piece(Net(G), UNIT, 0, -1, Fraction(0), False)  # where x0 is largest: max - N = x1
    >>> r.status, r.T, r.witness
    ('closed', Fraction(1, 1), [Fraction(1, 1), Fraction(1, 1)])
    """
    search = InputSearch(net, dom, i, s, T, stop_above, opts, tighten, split_inputs, leaf_proof, tighten_nodes)
    return run(search, deadline, stop_above)


def _open_bound(net, ex, piece, entries, i, s, batch=32):
    """The largest exact linear bound over open nodes ``(fix, box, prior)``: each node is
    propagated again and its bound replayed in exact rationals, as a closing node's is. None when
    some node cannot be bounded (then the piece's interval bound stands in)."""
    top = None
    for at in range(0, len(entries), batch):
        chunk = entries[at:at + batch]
        nbs = _propagate_batch(net, chunk, i, s)
        rows = [j for j in range(len(chunk)) if not nbs.empty[j]]
        if not rows:
            continue
        for eu in exact_upper_many(net, ex, [chunk[j][1] for j in rows], i, s, nbs.relax, rows):
            if eu is not None and (top is None or eu > top):
                top = eu
    return piece.interval_bound() if top is None and entries else top


@dataclass(frozen=True)
class Task:
    """One search for a worker: piece (i, s) of network G against threshold T, until wall-clock time
    ``until`` (None: no limit), over the phases ``fixed`` ((layer, neuron), phase) when a subtree."""

    G: Any
    dom: Domain
    i: int | None
    s: int
    T: Fraction
    stop_above: bool
    until: float | None
    leaf_proof: str
    opts: Options
    fixed: tuple = ()

    def deadline(self):
        # ``until`` is wall-clock time: a piece that waits for a free process gets only what is left
        return None if self.until is None else time.perf_counter() + max(0.0, self.until - time.time())


def _job(task: Task) -> PieceResult:
    net = Net(task.G)
    if _phase_path(net, task.leaf_proof, task.opts):
        # input splits stop paying beyond a few inputs: branch on ReLU phases over one warm LP
        from maxcert.verify.phase_bab import search_phases

        return search_phases(net, task.dom, task.i, task.s, task.T, task.stop_above, task.deadline(), task.fixed,
                             task.opts)
    return search_piece(net, task.dom, task.i, task.s, task.T, task.stop_above, task.deadline(),
                        leaf_proof=task.leaf_proof, opts=task.opts)


def _group_job(tasks: list) -> list:
    """Several phase-search tasks (of one network, domain and mode) time-shared in one process
    (:func:`maxcert.verify.phase_bab.search_group`)."""
    from maxcert.verify.phase_bab import search_group

    t0 = tasks[0]
    return search_group(Net(t0.G), t0.dom, [(t.i, t.s, t.T, t.fixed) for t in tasks], t0.stop_above, t0.deadline(),
                        opts=t0.opts)


def _groups(tasks, n):
    """``tasks`` dealt round-robin into at most n groups: the whole-box subtrees (listed first)
    spread over all of them, the smaller negative pieces after."""
    return [tasks[g::n] for g in range(min(n, len(tasks)))]


def _phase_path(net: Net, leaf_proof: str, opts: Options = DEFAULT) -> bool:
    """The phase search from ``opts.phase_min_d`` inputs on, and at every d when a certificate
    records the search with ``record_every_d``: only its steps (bounds, cuts, splits, leaves) are
    written down for the checker (below phase_min_d it costs 1.5-3.6x the input search's time on the
    d = 4 benchmark models, and more on the largest: benchmarks/certificates.md)."""
    every = opts.record and opts.record_every_d
    return bool(net.sizes) and (net.d >= opts.phase_min_d or every) and leaf_proof == "dual"


def _pieces(net: Net, leaf_proof: str, opts: Options = DEFAULT):
    """The (i, s) of the pieces searched: by which input is largest, for each sign of the error.

    On the phase path from ``opts.phase_min_d`` inputs on the positive sign is one whole-box piece
    (i = None, see :class:`Piece`) when ``opts.whole_box``: the error's maxima often lie where several inputs tie for the largest,
    on the boundary of several pieces, which would each prove the same bound again."""
    d = net.d
    # below phase_min_d (the phase route only because a certificate records it) the d pieces of each
    # sign are faster: 8.8 s against 14.0 s on max_d4_32x32
    if opts.whole_box and _phase_path(net, leaf_proof, opts) and d >= opts.phase_min_d:
        return [(None, 1)] + [(i, -1) for i in range(d)]
    return [(i, s) for s in (1, -1) for i in range(d)]


def _combine(parts: list) -> PieceResult:
    """One piece's result from those of subtrees that together cover it."""
    top = max((r for r in parts if r.best is not None), key=lambda r: r.best, default=None)
    ups = [r.upper for r in parts]
    status = [r.status for r in parts]
    return PieceResult(
        "witness" if "witness" in status else "closed" if all(st == "closed" for st in status) else "unknown",
        max(r.T for r in parts), top.best if top else None, top.witness if top else None,
        None if any(u is None for u in ups) else max(ups), sum((r.stats for r in parts), Stats()),
        # the subtrees' records: together the piece
        [p for r in parts for p in r.proof] if all(r.proof is not None for r in parts) else None)


def _merge(first: PieceResult, second: PieceResult) -> PieceResult:
    """``second`` continued the search of ``first`` on the same piece (from first's raised T)."""
    second.stats = first.stats + second.stats
    if second.best is None:
        second.best, second.witness = first.best, first.witness
    return second


class _Live:
    """The search's live line: pieces done and the bracket proved so far (set as tasks end), elapsed
    and time left. While worker processes search, a thread redraws the times every second (their
    results, and so the bracket, arrive only as tasks end). A no-op without ``progress``."""

    def __init__(self, progress, total, t0, deadline, lower_is_T):
        self.progress, self.total, self.t0, self.deadline, self.lower_is_T = progress, total, t0, deadline, lower_is_T
        self.text = "bracket [-, ?]"
        self._stop, self._thread = None, None

    def report(self, results):
        if self.progress is None:
            return
        done = [r for r in results if r is not None]
        self.progress(len(done), self.total)
        ups = [r.upper for r in done]
        # error mode: a piece's T starts at an exact error found and only rises, so it is a lower bound
        lows = [v for v in (r.T if self.lower_is_T else r.best for r in done) if v is not None]
        from maxcert.verify.certificates import outward  # rounded outward: the line never claims more than is proved

        up = "?" if not ups or None in ups or len(done) < self.total else outward(max(ups), True)
        low = outward(max(lows), False) if lows else "-"
        self.text = f"bracket [{low}, {up}]"
        self.draw()

    def draw(self):
        now = time.perf_counter()
        left = "" if self.deadline is None else f", {max(0.0, self.deadline - now):.0f} s left"
        self.progress.status(f"{self.text}, {now - self.t0:.0f} s{left}")

    def __enter__(self):
        if self.progress is not None:
            import threading

            self._stop = threading.Event()
            self._thread = threading.Thread(target=self._tick, daemon=True)
            self._thread.start()
        return self

    def _tick(self):
        while not self._stop.wait(1.0):
            self.draw()

    def __exit__(self, *exc):
        if self._thread is not None:
            self._stop.set()
            self._thread.join()
        return False


def run_pieces(G, dom: Domain, T: Fraction, stop_above: bool, deadline=None, jobs=None, leaf_proof="dual",
               progress=None, opts: Options = DEFAULT) -> list:
    """Search all pieces of :func:`_pieces` (in parallel processes when jobs > 1); results in piece order.

    With several processes, the pieces are first tried in this process for ``opts.quick_pass`` seconds
    in all: small problems end before processes could even start. Pieces left open go to the
    processes, from the threshold their quick try reached. The whole-box piece, by far the largest
    search, goes as 2^m subtrees (every phase combination of the m ReLUs its root LP prices
    highest, :func:`maxcert.verify.phase_bab.root_branches`), so that all processes share it.
    """
    until = None if deadline is None else time.time() + max(0.1, deadline - time.perf_counter())
    net = Net(G)
    tasks = [Task(G, dom, i, s, T, stop_above, until, leaf_proof, opts) for i, s in _pieces(net, leaf_proof, opts)]
    jobs = jobs or os.cpu_count() or 1
    t0 = time.perf_counter()
    shared = deadline is not None and _phase_path(net, leaf_proof, opts) and opts.share
    live = _Live(progress, len(tasks), t0, deadline, not stop_above)
    if jobs <= 1 and shared:  # under a limit, the pieces share this process's time
        with live:
            out = _group_job(tasks)
        live.report(out)
        return out
    if jobs <= 1:
        out = [None] * len(tasks)
        for n, t in enumerate(tasks):
            out[n] = _job(t)
            live.report(out)
        return out
    quick = [None] * len(tasks)
    t_end = time.time() + opts.quick_pass
    for n, t in enumerate(tasks):
        if time.time() >= t_end:
            break
        quick[n] = _job(replace(t, until=t_end if until is None else min(until, t_end)))
        if quick[n].status == "closed":
            live.report(quick)
        if quick[n].status == "witness":
            return [r or PieceResult("unknown", T) for r in quick]
    todo = [n for n, r in enumerate(quick) if r is None or r.status != "closed"]
    if todo:
        import multiprocessing as mp

        redo, owner = [], []  # the pool's tasks, and the piece each one belongs to
        for n in todo:
            t = replace(tasks[n], T=quick[n].T if quick[n] else T)
            if t.i is None:
                from maxcert.verify.phase_bab import root_branches

                keys = root_branches(net, dom, None, 1, opts.subtree_bits + max(0, (jobs - 1).bit_length() - 1))
                subtrees = [tuple(zip(keys, combo)) for combo in product((1, 0), repeat=len(keys))]
            else:
                subtrees = [()]
            for f in subtrees:
                redo.append(replace(t, fixed=f))
                owner.append(n)
        parts = {}
        from maxcert.execution import Executor  # local processes, or the Dask cluster of use_cluster

        with Executor(max_workers=min(jobs, len(redo)), mp_context=mp.get_context("spawn")) as ex, live:
            if shared:  # under a limit, each process time-shares a group of the tasks (search_group)
                groups = _groups(list(range(len(redo))), ex.workers)
                done = ex.map(_group_job, [[redo[k] for k in g] for g in groups], ordered=False)
                results = ((k, r) for gi, rs in done for k, r in zip(groups[gi], rs))
            else:
                results = ex.map(_job, redo, ordered=False)
            for k, r in results:  # as they finish: the live line follows
                n = owner[k]
                parts.setdefault(n, []).append(r)
                if progress is not None and len(parts[n]) == owner.count(n):
                    live.report([_combine(parts[m]) if m in parts and len(parts[m]) == owner.count(m)
                                 else (quick[m] if m not in todo else None) for m in range(len(tasks))])
        for n, rs in parts.items():
            r = _combine(rs)
            quick[n] = r if quick[n] is None else _merge(quick[n], r)
    return quick


def _summary(results) -> str:
    st = sum((r.stats for r in results), Stats())
    n, lin, dual, z = st.nodes, st.linear, st.dual, st.z3
    return (f"branch and bound over {len(results)} pieces: {n} nodes; leaves closed by exact linear "
            f"bounds ({lin} checked), exact weak-duality or Farkas sums ({dual} checked) or z3 ({z} queries)")


def _check_domain(dom, strict):
    if dom.bounded:
        return True
    if strict:
        from maxcert.verify.certify import CertifyError
        raise CertifyError("--strategy bab needs a bounded domain (unit or box:LO,HI)")
    return False


def _search(G, dom, T, stop_above, cert, deadline, jobs, strict, leaf_proof, progress=None, opts=DEFAULT):
    """All pieces against threshold T, recorded on the certificate; None when the domain is unbounded.

    ``opts.record``: when every piece was closed with its record, ``cert.bab_proof`` holds the pieces'
    records (:func:`maxcert.verify.certificates.certificate_file` writes them for the checker)."""
    if not _check_domain(dom, strict):
        return None
    results = run_pieces(G, dom, T, stop_above, deadline, jobs, leaf_proof, progress, opts)
    cert.method = "bab"
    cert.queries += sum(r.stats.z3 for r in results)
    if opts.record and all(r.proof is not None for r in results):
        cert.bab_proof = [p for r in results for p in r.proof]
    return results


def _upper(results, lower):
    """The proved upper bound of sup |N - max|: the largest over the pieces (each piece's final T
    when closed, its open nodes' exact bound otherwise); None if some piece has none."""
    ups = [r.upper for r in results]
    if any(u is None for u in ups):
        return None
    return max([lower] + ups)


def error_bab(G, dom: Domain, cert, deadline, jobs, best_x, best, strict=False, leaf_proof="dual", progress=None,
              opts: Options = DEFAULT):
    """The exact worst-case error by branch and bound; fields for the Certificate, or None."""
    from maxcert.verify.certificates import COMPUTED, UNKNOWN
    from maxcert.verify.certify import exact_error

    results = _search(G, dom, best, False, cert, deadline, jobs, strict, leaf_proof, progress, opts)
    if results is None:
        return None
    for r in results:
        if r.best is not None and r.best > best:
            best, best_x = r.best, r.witness
    e = exact_error(G, best_x)
    if e != best:
        raise RuntimeError(f"witness error {e} differs from the search's {best}")
    if any(r.status != "closed" for r in results):
        up = _upper(results, best)
        return {"status": UNKNOWN, "reason": "timeout in branch and bound; " + _summary(results)
                + ("" if up is None else f"; proved bracket {e} <= sup <= {up}"),
                "witness": best_x, "error_at_witness": e, "lower_bound": e, "upper_bound": up}
    return {"status": COMPUTED, "max_error": e, "upper_bound": e, "lower_bound": e, "witness": best_x,
                "error_at_witness": e, "reason": _summary(results)}


def certify_bab(G, dom: Domain, eps, cert, deadline, jobs, best_x, best, strict=False, leaf_proof="dual",
                progress=None, opts: Options = DEFAULT):
    """``|N - max| <= eps`` by branch and bound; fields for the Certificate, or None."""
    from maxcert.verify.certificates import CERTIFIED, REFUTED, UNKNOWN
    from maxcert.verify.certify import exact_error

    results = _search(G, dom, eps, True, cert, deadline, jobs, strict, leaf_proof, progress, opts)
    if results is None:
        return None
    for r in results:
        if r.status == "witness":
            e = exact_error(G, r.witness)
            if e > eps:
                return {"status": REFUTED, "witness": r.witness, "error_at_witness": e, "lower_bound": e,
                            "reason": _summary(results)}
    if any(r.status != "closed" for r in results):
        up = _upper(results, best)
        if up is not None and up <= eps:  # every open node is already bounded by eps: proved
            return {"status": CERTIFIED, "upper_bound": up, "lower_bound": best, "witness": best_x,
                    "error_at_witness": best, "reason": "open nodes' exact bounds are all <= eps; " + _summary(results)}
        return {"status": UNKNOWN, "reason": "timeout in branch and bound; " + _summary(results)
                + ("" if up is None else f"; proved bracket {best} <= sup <= {up}"),
                "witness": best_x, "error_at_witness": best, "lower_bound": best, "upper_bound": up}
    return {"status": CERTIFIED, "upper_bound": eps, "lower_bound": best, "witness": best_x, "error_at_witness": best,
                "reason": _summary(results)}
