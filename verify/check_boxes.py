"""The input-box route of a branch-and-bound record, re-verified without the search (for :mod:`maxcert.verify.checker`).

Below 7 inputs the search halves input boxes (and, in small boxes, fixes ReLU phases). Its record
of a piece (i, s) is the search tree in preorder, one token a node (``boxes``): ``x{k}`` halves input
k (the lower half's subtree first), ``r{k}.{j}`` fixes ReLU j of layer k to p >= 0, then p <= 0;
a leaf is ``L`` (the search closed it by a linear bound), ``E`` (empty), ``D`` (a dual sum) or ``Z``
(z3). The tree covers the piece by construction: each split's two children cover their parent, and
a tree with a child missing does not parse. Every leaf is then closed here, whatever the search
used for it:

* by this module's own linear bounds (CROWN-style back-substitution), in exact integers: every
  pre-activation's bound over the leaf's box (with x_i largest) and fixed phases, rounded outward
  to the grid 2^-GRID, each crossing ReLU bounded above by its chord (slope rounded up) and below
  by 0 or p; the leaf holds no point (its box misses the piece, or proved bounds exclude a fixed
  phase), or the objective ``s (N(x) - x_i)`` is at most the bound on it;
* else it is halved here, up to REFINE times, each half closed the same way (the halves cover it),
  and the boxes still open go to SMT-LIB2 queries written here (exact ReLUs, the fixed phases, the
  proved bounds as facts), which the checker's solver must answer ``unsat``.

numpy holds Python integers here (object arrays): every sum and product is exact.
"""

from __future__ import annotations

import os
from fractions import Fraction
from math import lcm

import numpy as np

from maxcert.verify.checker import Invalid, Undecided, Unreadable, _num, _sum

GRID = 40  # proved bounds are rounded outward to multiples of 2^-GRID: short integers, a loss below 1e-12
SLOPE = 32  # chord slopes rounded up to multiples of 2^-SLOPE (a steeper chord is still above relu)
KINDS = ("L", "E", "D", "Z")
PARALLEL = 20000  # characters of tree from which the pieces are checked in parallel processes
OPEN_MOST = 64  # boxes of one leaf still open after REFINE halvings, beyond which one query on the leaf decides
REFINE = 12  # halvings added here below a leaf these bounds do not close, before its open boxes become queries


def _ints(rows) -> tuple:
    """Rationals as an object array of integers over one denominator: ``(ints, den)``."""
    den = lcm(*(Fraction(v).denominator for row in rows for v in row), 1)
    return np.array([[int(Fraction(v) * den) for v in row] for row in rows], dtype=object), den


class _Net:
    """The layered network ``(W, b)`` as integer matrices: weights over ``wden[k]``, biases over ``bden[k]``."""

    def __init__(self, W, b):
        self.L = len(W) - 1  # hidden layers; W[L] is the output row
        self.W, self.wden = zip(*(_ints(Wk) for Wk in W))
        bs = [_ints([bk]) for bk in b]
        self.b, self.bden = [v[0][0] for v in bs], [v[1] for v in bs]


def _add(c, C: int, t, T: int) -> tuple:
    """``c / C + t / T`` (integer arrays over integer denominators) over one denominator."""
    L = lcm(C, T)
    return c * (L // C) + t * (L // T), L


def _box_max(A, M: int, c, C: int, lo: list, hi: list, i: int):
    """Row-wise exact max of ``A . x / M + c / C`` over ``lo <= x <= hi`` with ``x_k <= x_i`` for every
    k, as ``(integers, denominator)``; None when that set is empty. For x_i = t each other x_k goes to
    whichever end of ``[lo_k, min(hi_k, t)]`` its coefficient prefers: concave and piecewise linear in
    t, so the max is at the smallest feasible t, at hi_i or at some hi_k."""
    t0 = max(lo[i], max(lo))
    if t0 > hi[i]:
        return None
    D = lcm(*(v.denominator for v in lo + hi))
    pos, neg = np.where(A > 0, A, 0), np.where(A < 0, A, 0)
    best = None
    for t in {t0, hi[i], *(min(max(h, t0), hi[i]) for h in hi)}:
        top, low = [min(h, t) for h in hi], list(lo)
        top[i] = low[i] = t
        v = pos @ np.array([int(x * D) for x in top], dtype=object) + neg @ np.array([int(x * D) for x in low], dtype=object)
        best = v if best is None else np.maximum(best, v)
    return _add(best, M * D, c, C)


def _relax(A, M: int, c, C: int, layer) -> tuple:
    """Rows over layer m's ReLU outputs ``z`` -> rows over its pre-activations p, bounded above: a dead
    ReLU gives 0, an active one p, a crossing one su (p - l) for a coefficient > 0 and al p (al in {0, 1},
    z >= 0 and z >= p) for one < 0."""
    l, u, dead, active, su, al = layer
    up = ~dead & ~active & (A > 0)
    ident = active | (~dead & ~active & (A < 0) & al)
    A, M = A * np.where(up, su, np.where(ident, 1 << SLOPE, 0)), M << SLOPE
    chord = np.where(up, A, 0) @ l  # sum_j a_j su_j l_j, over M 2^GRID
    return (A, M, *_add(c, C, -chord, M << GRID))


def _back(net: _Net, rel: list, A, M: int, c, C: int, m: int) -> tuple:
    """The rows ``A . z_m / M + c / C`` (z_m: layer m's ReLU outputs, m = -1: the inputs) bounded above
    by rows over the inputs, layer by layer: ``(A, M, c, C)``."""
    while m >= 0:
        A, M, c, C = _relax(A, M, c, C, rel[m])
        c, C = _add(c, C, A @ net.b[m], M * net.bden[m])
        A, M = A @ net.W[m], M * net.wden[m]
        m -= 1
    return A, M, c, C


def crown(net: _Net, box, i: int, s: int, fixed: dict, prior=None, objective=True) -> tuple:
    """``(bound, rel)``: the exact linear bound of ``s (N(x) - x_i)`` over a node of the tree (not
    computed unless ``objective``), and the pre-activation bounds proved on the way (``rel[k] =
    (l, u, dead, active, su, al)``, l and u over 2^GRID), each intersected with the bounds ``prior``
    proved for the node's parent; ``(None, None)`` when the node holds no network point."""
    rel = []
    for k in range(net.L):
        n = len(net.b[k])
        ub = _box_max(*_back(net, rel, np.concatenate([net.W[k], -net.W[k]]), net.wden[k],
                             np.concatenate([net.b[k], -net.b[k]]), net.bden[k], k - 1), *box, i)
        if ub is None:
            return None, None
        v = ub[0] << GRID
        u, l = -((-v[:n]) // ub[1]), (-v[n:]) // ub[1]  # ceil(u 2^GRID); floor(l 2^GRID), l = -(-p's bound)
        if prior is not None:
            l, u = np.maximum(l, prior[k][0]), np.minimum(u, prior[k][1])
        for (kk, j), ph in fixed.items():
            if kk == k:
                l[j], u[j] = (max(l[j], 0), u[j]) if ph > 0 else (l[j], min(u[j], 0))
        if np.any(l > u):
            return None, None  # a fixed phase its proved bounds exclude
        dead = (u <= 0).astype(bool)
        active = ~dead & (l >= 0).astype(bool)
        width = np.where(dead | active, 1, u - l)
        su = np.where(dead | active, 0, -((-u * (1 << SLOPE)) // width))  # ceil(u / (u - l) 2^SLOPE)
        rel.append((l, u, dead, active, su, (u > -l).astype(bool)))
    if not objective:
        return None, rel
    A, M, c, C = _back(net, rel, net.W[net.L] * s, net.wden[net.L], net.b[net.L] * s, net.bden[net.L], net.L - 1)
    A[0, i] -= s * M  # A . x / M - s x_i
    top = _box_max(A, M, c, C, *box, i)
    return (None if top is None else Fraction(int(top[0][0]), top[1])), rel


def check_boxes(W, b, sub: dict, i: int, s: int, box, bound: Fraction, counts: dict, where: str) -> None:
    """Walk the piece's preorder tree (module docstring) from the domain's box down, proving bounds at
    every node (a child starts from its parent's) and closing every leaf; the leaves this module's
    bounds do not close go to ``counts["z3"]`` as queries that must be unsat."""
    net, d = _Net(W, b), len(W[0][0])
    sizes = [len(Wk) for Wk in W[:-1]]
    stack = [([box[0]] * d, [box[1]] * d, {}, None)]
    for n, tok in enumerate(sub["boxes"].split()):
        if not tok.isascii():
            raise Unreadable(f"{where}: token {n} ({tok!r}) is no split or leaf")
        if not stack:
            raise Invalid(f"{where}: token {n} ({tok}) comes after the tree is complete")
        blo, bhi, fixed, prior = stack.pop()
        leaf = tok in KINDS
        ub, rel = (None, None) if prior == "empty" else crown(net, (blo, bhi), i, s, fixed, prior, leaf)
        counts["bounds"] += 0 if rel is None else sum(sizes)
        if leaf:
            if rel is None or ub <= bound:
                counts["empty" if rel is None else "linear"] += 1
            else:
                _refine(net, W, b, i, s, (blo, bhi, fixed, rel), bound, counts, f"{where}: leaf {n}")
            continue
        kid = "empty" if rel is None else rel  # no point here: none in a child either
        if tok[:1] == "x" and tok[1:].isdigit() and int(tok[1:]) < d:
            k = int(tok[1:])
            mid = (blo[k] + bhi[k]) / 2
            stack += [(blo[:k] + [mid] + blo[k + 1:], bhi, fixed, kid), (blo, bhi[:k] + [mid] + bhi[k + 1:], fixed, kid)]
        elif tok[:1] == "r" and tok.count(".") == 1 and all(p.isdigit() for p in tok[1:].split(".")):
            k, j = (int(p) for p in tok[1:].split("."))
            if k >= len(sizes) or j >= sizes[k] or (k, j) in fixed:
                raise Invalid(f"{where}: node {n} splits ReLU {k}.{j}, which is no free ReLU of the model there")
            stack += [(blo, bhi, {**fixed, (k, j): -1}, kid), (blo, bhi, {**fixed, (k, j): 1}, kid)]
        else:
            raise Unreadable(f"{where}: token {n} ({tok!r}) is no split or leaf")
    if stack:
        raise Invalid(f"{where}: the tree ends with {len(stack)} subtrees missing: a gap in the piece")


def check_pieces(W, b, pieces: list, box, bound: Fraction, counts: dict, jobs: int | None = None) -> None:
    """:func:`check_boxes` on every ``(i, s, record)`` of ``pieces``, the counts added to ``counts``; a
    large tree's pieces in parallel, one process per core (independent: each starts from the domain)."""
    tasks = [(W, b, sub, i, s, box, bound, f"bab: piece (i={i}, s={s})") for i, s, sub in pieces]
    jobs = min(len(tasks), jobs or os.cpu_count() or 1)
    if jobs > 1 and sum(len(sub["boxes"]) for _, _, sub in pieces) > PARALLEL:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        try:
            with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
                done = list(pool.map(_piece, tasks))
        except BrokenProcessPool:  # e.g. a script without a __main__ guard: the same work in this process
            done = [_piece(t) for t in tasks]
        except MemoryError:
            raise Undecided("bab: out of memory checking the pieces in processes") from None
    else:
        done = [_piece(t) for t in tasks]
    for c in done:
        for k, v in c.items():
            counts[k] += v


def _piece(task) -> dict:
    counts: dict = {"linear": 0, "empty": 0, "bounds": 0, "z3": []}
    check_boxes(*task[:7], counts, task[7])
    return counts


def _refine(net: _Net, W, b, i: int, s: int, node, bound: Fraction, counts: dict, what: str) -> None:
    """A leaf this module's bounds do not close (the search closed it by an LP or z3 over bounds it
    tightened further), halved here along its widest side (the halves cover it) up to REFINE times;
    the boxes still open then go to exact queries, which tiny boxes with few crossing ReLUs keep easy.
    Past OPEN_MOST of them one query on the whole leaf stands instead."""
    lo, hi, fixed, rel = node
    todo, found, queries = [(lo, hi, rel, 0)], {"linear": 0, "empty": 0}, []
    while todo:
        lo, hi, rel, depth = todo.pop()
        if depth == REFINE:
            if len(queries) == OPEN_MOST:  # a false claim, most likely: one query on the whole leaf decides it
                counts["z3"].append((leaf_query(W, b, i, s, *node, bound), what))
                return
            queries.append((leaf_query(W, b, i, s, lo, hi, fixed, rel, bound), what))
            continue
        k = max(range(len(lo)), key=lambda t: hi[t] - lo[t])
        mid = (lo[k] + hi[k]) / 2
        for half in ((lo, hi[:k] + [mid] + hi[k + 1:]), (lo[:k] + [mid] + lo[k + 1:], hi)):
            ub, sub = crown(net, half, i, s, fixed, rel)
            if sub is None or ub <= bound:
                found["empty" if sub is None else "linear"] += 1
            else:
                todo.append((*half, sub, depth + 1))
    for k, v in found.items():
        counts[k] += v
    counts["z3"] += queries


def leaf_query(W, b, i: int, s: int, lo: list, hi: list, fixed: dict, rel: list, bound: Fraction) -> str:
    """SMT-LIB2: a point x of the leaf's box with x_i largest, the ReLUs of ``fixed`` in their phase,
    each pre-activation within its proved bounds (facts: every network point of the leaf has them) and
    every ReLU exact, with ``s (N(x) - x_i) > bound``? Unsat closes the leaf."""
    g = Fraction(1, 1 << GRID)
    xs = [f"x{k}" for k in range(len(lo))]
    lines = [f"(declare-const {x} Real)" for x in xs] + [f"(assert (<= {x} {xs[i]}))" for x in xs]
    lines += [f"(assert (and (>= {x} {_num(a)}) (<= {x} {_num(c)})))" for x, a, c in zip(xs, lo, hi)]
    h = xs
    for k in range(len(W) - 1):
        out = []
        for j, (row, bj) in enumerate(zip(W[k], b[k])):
            p, z = f"p{k}_{j}", f"z{k}_{j}"
            pre = _sum([_num(bj) if bj else ""] + [f"(* {_num(w)} {v})" for w, v in zip(row, h) if w])
            ph = {1: f"(>= {p} 0.0)", -1: f"(<= {p} 0.0)"}.get(fixed.get((k, j)), "true")
            lines += [f"(declare-const {p} Real)", f"(declare-const {z} Real)", f"(assert (= {p} {pre}))",
                      f"(assert (and (>= {p} {_num(rel[k][0][j] * g)}) (<= {p} {_num(rel[k][1][j] * g)}) {ph}))",
                      f"(assert (= {z} (ite (>= {p} 0.0) {p} 0.0)))"]
            out.append(z)
        h = out
    y = _sum([_num(b[-1][0]) if b[-1][0] else ""] + [f"(* {_num(w)} {v})" for w, v in zip(W[-1][0], h) if w])
    lines.append(f"(assert (> {f'(- {y} {xs[i]})' if s > 0 else f'(- {xs[i]} {y})'} {_num(bound)}))")
    return "(set-logic QF_LRA)\n" + "\n".join(lines) + "\n(check-sat)\n"
