"""Branch and bound over ReLU phases on one warm LP per piece (the big-M formulation).

After the piece's root bounds ``l <= p <= u`` are tightened, every unstable ReLU gets a phase
variable ``a`` in [0, 1] and the rows

    z >= p,    z <= p - l (1 - a),    z <= u a,    z >= 0,

whose relaxation is the triangle; ``a = 1`` makes the ReLU exact and active (z = p >= 0),
``a = 0`` exact and inactive (z = 0 >= p). A node of the search only fixes the bounds of some
a's, so HiGHS re-solves it warm from the basis it holds, as a MILP solver does between nodes.

HiGHS only guides. A node is closed by weak duality recomputed in exact integer arithmetic from
its float dual (rounded to a dyadic vector: any dual vector gives a valid bound once the reduced
costs are computed exactly), an infeasible node by the same sum with a Farkas ray, and a node
whose float margin is too thin for that by z3 (:meth:`maxcert.verify.bab.Piece.close`).
"""

from __future__ import annotations

import heapq
import math
import time
from fractions import Fraction

import highspy
import numpy as np
from maxcert.verify.bab import Z3_SLICE, Incumbent, Piece, _highs, highs_model
from scipy.sparse import coo_matrix

INF = highspy.kHighsInf
DIVE = True
RULE = "dual"


def _lcm_den(vals) -> int:
    D = 1
    for v in vals:
        D = math.lcm(D, v.denominator)
    return D


def _floor_scaled(v: float, shift: int, D: int) -> int:
    """floor(v * 2^shift / D) for a float v, in exact integers."""
    if v == 0.0 or not math.isfinite(v):
        return 0
    m, e = math.frexp(v)
    M, e = int(m * (1 << 53)), e - 53
    s = e + shift
    return ((M << s) if s >= 0 else Fraction(M, 1 << -s)) // D


class PhaseLP:
    """The piece's big-M LP: exact rows (integers per row) and their float copy inside HiGHS.

    Columns: the inputs x (then t, for the whole-box piece), then one z per live neuron (layer by layer), then one a per unstable
    neuron. ``self.phase[(k, j)]`` is the column of neuron j's a in layer k.
    """

    def __init__(self, piece: Piece, bounds):
        net, d = piece.net, piece.net.d
        self.piece = piece
        # columns 0..d-1 are x; the whole-box piece puts its t (standing for max(x)) at column d
        t = piece.i if piece.i is not None else d
        ncol = d + (piece.i is None)
        lb, ub = [Fraction(piece.dom.lo)] * ncol, [Fraction(piece.dom.hi)] * ncol
        rows = []  # (coefficients {col: Fraction}, rhs Fraction, is_equality)
        for k in range(d):
            if k != piece.i:
                rows.append(({k: Fraction(1), t: Fraction(-1)}, Fraction(0), False))
        h = list(range(d))  # column of each unit feeding the layer (None: a dead ReLU)
        unstable = []
        for k, (W, b) in enumerate(zip(net.W[:-1], net.b[:-1])):
            l, u = bounds[k]
            out = []
            for j, (row, bj) in enumerate(zip(W, b)):
                lj, uj = Fraction(float(l[j])), Fraction(float(u[j]))
                if uj <= 0:
                    out.append(None)
                    continue
                z = len(lb)
                out.append(z)
                lb.append(max(lj, Fraction(0)))
                ub.append(uj)
                pre = {}
                for w, c in zip(row, h):
                    if w and c is not None:
                        pre[c] = pre.get(c, 0) + w
                if lj >= 0:  # z = p
                    rows.append(({**{c: -w for c, w in pre.items()}, z: Fraction(1)}, bj, True))
                    continue
                unstable.append((k, j, z, lj, uj, pre, bj))
            h = out
        self.live = h  # columns of the last hidden layer
        self.phase, self.zcol, self.pre, self.tri = {}, {}, {}, {}
        for k, j, z, lj, uj, pre, bj in unstable:
            a = len(lb)
            self.phase[(k, j)] = a
            self.zcol[(k, j)] = z
            self.tri[(k, j)] = (len(rows) + 1, float(lj), float(uj))  # row of z <= p - l(1-a); z <= u a follows
            self.pre[(k, j)] = (np.array(list(pre), dtype=np.int64), np.array([float(w) for w in pre.values()]),
                                float(bj))
            lb.append(Fraction(0))
            ub.append(Fraction(1))
            rows.append(({**pre, z: Fraction(-1)}, -bj, False))  # p <= z
            rows.append(({**{c: -w for c, w in pre.items()}, z: Fraction(1), a: -lj}, bj - lj, False))  # z <= p - l(1-a)
            rows.append(({z: Fraction(1), a: -uj}, Fraction(0), False))  # z <= u a
        self.n = n = len(lb)
        # objective s (w . z_L + b_out - x_i), exactly
        (wrow,), (b0,) = net.W[-1], net.b[-1]
        c = [Fraction(0)] * n
        for w, col in zip(wrow, h):
            if col is not None:
                c[col] += piece.s * w
        c[t] -= piece.s
        self.c, self.c0 = c, piece.s * b0
        self.lb, self.ub = lb, ub
        self._exact_setup(rows)
        self._float_model(rows)

    def _exact_setup(self, rows):
        """Integer rows (each scaled by its common denominator) stored by column."""
        self.D = [_lcm_den(list(r.values()) + [rhs]) for r, rhs, _ in rows]
        self.eq = [e for _, _, e in rows]
        self.b_int = [int(rhs * D) for (_, rhs, _), D in zip(rows, self.D)]
        cols = [[] for _ in range(self.n)]
        for i, ((r, _, _), D) in enumerate(zip(rows, self.D)):
            for col, v in r.items():
                if v:
                    cols[col].append((i, int(v * D)))
        # column-wise nonzeros as object arrays: exact integer products in numpy's C loops
        self.nz_row = np.array([i for col in cols for i, _ in col], dtype=np.int64)
        self.nz_val = _objs([v for col in cols for _, v in col])
        counts = np.array([len(col) for col in cols])
        self.empty = counts == 0
        # reduceat needs every start inside the array; an empty column's sum is zeroed afterwards
        self.starts = np.minimum(np.concatenate([[0], np.cumsum(counts)[:-1]]), max(len(self.nz_row) - 1, 0)).astype(np.int64)
        self.K = 64 + max(D.bit_length() for D in self.D)
        self.cD = _lcm_den(self.c)
        self.c_int = _objs([int(v * self.cD) << self.K for v in self.c])
        self.Lden = _lcm_den(self.lb + self.ub)
        self.lb_int = _objs([int(v * self.Lden) for v in self.lb])
        self.ub_int = _objs([int(v * self.Lden) for v in self.ub])
        self.b_int = _objs(self.b_int)

    def _float_model(self, rows):
        m = len(rows)
        ri = [i for i, (r, _, _) in enumerate(rows) for _ in r]
        A = coo_matrix(([float(v) for r, _, _ in rows for v in r.values()],
                        (ri, [col for r, _, _ in rows for col in r])), shape=(m, self.n))
        rhs = np.array([float(r) for _, r, _ in rows])
        model = highs_model(A, np.where(self.eq, rhs, -INF), rhs, [float(v) for v in self.lb],
                            [float(v) for v in self.ub], -np.array([float(v) for v in self.c]))
        self.h = h = _highs()
        h.setOptionValue("presolve", "off")
        h.passModel(model)
        self.acols = np.array(sorted(self.phase.values()), dtype=np.int32)
        self.m = m

    def solve(self, alo, ahi):
        """Float LP with the a's bounded by ``alo``/``ahi`` (in the order of ``acols``).

        Returns ("optimal", value, col values, row duals) or ("infeasible", ray or None).
        """
        h = self.h
        if len(self.acols):
            h.changeColsBounds(len(self.acols), self.acols, alo, ahi)
        h.run()
        st = h.getModelStatus()
        if st == highspy.HighsModelStatus.kOptimal:
            sol = h.getSolution()
            return "optimal", -h.getInfo().objective_function_value + float(self.c0), \
                np.asarray(sol.col_value), -np.asarray(sol.row_dual)
        if st == highspy.HighsModelStatus.kInfeasible:
            _, has_ray, ray = h.getDualRay()
            return "infeasible", np.asarray(ray) if has_ray else None
        return "unknown", h.modelStatusToString(st)

    def bound(self, y, alo, ahi, with_c=True) -> Fraction | None:
        """Exact ``max c v + c0`` bound over the node from any row multipliers ``y`` (weak
        duality; inequality multipliers are clipped at 0, equality ones are free). With
        ``with_c=False``: the same sum for c = 0, negative exactly when ``y`` proves the node empty."""
        K = self.K
        Y = _objs([0 if (not e and yi <= 0) else _floor_scaled(yi, K, D)
                   for yi, D, e in zip(y.tolist(), self.D, self.eq)])
        lb, ub = self.lb_int, self.ub_int
        if len(self.acols):
            lb, ub = lb.copy(), ub.copy()
            L = self.Lden
            lb[self.acols] = _objs([L if v else 0 for v in alo.tolist()])
            ub[self.acols] = _objs([L if v else 0 for v in ahi.tolist()])
        S = np.add.reduceat(self.nz_val * Y[self.nz_row], self.starts) if len(self.nz_row) else _objs([0] * self.n)
        S[self.empty] = 0
        cD = self.cD if with_c else 1
        R = (self.c_int if with_c else 0) - cD * S
        total = cD * self.Lden * int((self.b_int * Y).sum()) + int(np.where(R > 0, R * ub, R * lb).sum())
        out = Fraction(total, (cD << K) * self.Lden)
        return out + self.c0 if with_c else out


def _objs(vals) -> np.ndarray:
    """A 1-d object array of Python ints (np.array would guess a 2-d or an int64 array)."""
    a = np.empty(len(vals), dtype=object)
    a[:] = vals
    return a


def root_branches(net, dom, i, s: int, m: int) -> list:
    """The m unstable ReLUs of piece (i, s) that the root LP's duals price highest, as (layer,
    neuron): fixing their phases in all 2^m ways splits the piece's search into subtrees that
    together cover it (for parallel processes).

    Examples
    --------
    >>> from maxcert.graphs.evaluate import from_layers
    >>> from maxcert.verify.bab import Net
    >>> from maxcert.verify.domains import UNIT
    >>> G = from_layers([[[1, -1], [-1, 1]], [[1, 1]]], [[0, 0], [0]])   # |x0 - x1|: both ReLUs unstable
    >>> sorted(root_branches(Net(G), UNIT, None, 1, 2))
    [(0, 0), (0, 1)]
    """
    piece = Piece(net, dom, i, s)
    bounds = piece.tighten_root()
    if any(np.any(l > u) for l, u in bounds):
        return []
    lp = PhaseLP(piece, bounds)
    keys = sorted(lp.phase, key=lp.phase.get)
    r = lp.solve(np.zeros(len(keys)), np.ones(len(keys)))
    if r[0] != "optimal" or not keys:
        return keys[:m]
    tri_r, tri_w = _triangles(lp, keys)
    score = (r[3][tri_r] + r[3][tri_r + 1]) * tri_w
    return [keys[n] for n in np.argsort(score, kind="stable")[::-1][:m]]


def _triangles(lp, keys):
    """For each unstable ReLU (in ``keys`` order): the row of its ``z <= p - l(1 - a)`` (``z <= u a``
    follows), and the triangle's height ``-l u / (u - l)``, the weight the branching rule gives the
    duals of those two rows."""
    tri_r = np.array([lp.tri[kj][0] for kj in keys], dtype=np.int64)
    tri_w = np.array([-lp.tri[kj][1] * lp.tri[kj][2] / (lp.tri[kj][2] - lp.tri[kj][1]) for kj in keys])
    return tri_r, tri_w


def search_phases(net, dom, i: int, s: int, T: Fraction, stop_above: bool, deadline=None, fixed=()):
    """Branch and bound over ReLU phases on piece (i, s); the same contract as
    :func:`maxcert.verify.bab.search_piece`.

    ``fixed``: ((layer, neuron), phase) pairs, phase 1 for ``p >= 0`` and 0 for ``p <= 0``: only
    the subtree with those phases is searched. A ReLU the root bounds find stable needs no fixing,
    or, fixed against its bounds, leaves only points with p = 0, which the other phase's subtree
    holds: that subtree is then empty.

    Examples
    --------
    >>> from maxcert.graphs.evaluate import from_layers
    >>> from maxcert.verify.bab import Net
    >>> from maxcert.verify.domains import UNIT
    >>> G = from_layers([[[1, -1], [-1, 1]], [[1, 1]]], [[0, 0], [0]])   # |x0 - x1|
    >>> r = search_phases(Net(G), UNIT, 0, -1, Fraction(0), False)      # x0 largest: x0 - |x0-x1| = x1
    >>> r["status"], r["T"], r["witness"]
    ('closed', Fraction(1, 1), [Fraction(1, 1), Fraction(1, 1)])
    """
    piece = Piece(net, dom, i, s)
    stats = {"nodes": 0, "z3": 0, "lps": 0, "dual": 0, "linear": 0}
    inc = Incumbent(piece, T)
    bounds = piece.tighten_root(deadline)
    if any(np.any(l > u) for l, u in bounds):
        return inc.result("closed", stats)  # the piece is empty
    lp = PhaseLP(piece, bounds)
    keys = sorted(lp.phase, key=lp.phase.get)  # (layer, neuron) of each a, in acols order
    na = len(keys)
    zcol = np.array([lp.zcol[kj] for kj in keys], dtype=np.int64)
    pre_rows = [lp.pre[kj] for kj in keys]
    tri_r, tri_w = _triangles(lp, keys)

    def left():
        return None if deadline is None else max(0.05, deadline - time.perf_counter())

    def fixes(alo, ahi):
        """The node's phases in the per-layer form of :class:`Piece`."""
        fix = [np.zeros(n, dtype=np.int8) for n in net.sizes]
        for (k, j), lo, hi in zip(keys, alo, ahi):
            if lo == 1:
                fix[k][j] = 1
            elif hi == 0:
                fix[k][j] = -1
        return fix

    def result(status, current=None):
        if status != "unknown":
            return inc.result(status, stats)
        # a proved bracket: every open node's exact weak-duality bound from its parent's dual
        # (any multipliers give a valid bound once recomputed exactly on the node's own phases)
        open_nodes = [e[2:] for e in heap] + [n for n in (dive, current) if n is not None]
        top, yroot = None, None
        for alo_, ahi_, y_ in open_nodes:
            if y_ is None:  # the root, never solved: one LP gives its duals
                if yroot is None:
                    r0 = lp.solve(np.zeros(na), np.ones(na))
                    yroot = r0[3] if r0[0] == "optimal" else False
                y_ = yroot if yroot is not False else None
            b = piece.interval_bound() if y_ is None else lp.bound(y_, alo_, ahi_)
            top = b if top is None else max(top, b)
        return inc.result(status, stats, top)

    alo, ahi = np.zeros(na), np.ones(na)
    for (k, j), ph in fixed:
        if (k, j) in lp.phase:
            n = keys.index((k, j))
            alo[n] = ahi[n] = ph
        elif (bounds[k][0][j] >= 0) != bool(ph):  # stable against the fixed phase
            return result("closed")
    heap = [(0.0, 0, alo, ahi, None)]  # (key, tick, a lower bounds, a upper bounds, the parent's dual)
    tick = 1
    dive = None  # a child taken straight after its parent: its LP starts from the parent's basis
    while heap or dive is not None:
        if deadline is not None and time.perf_counter() > deadline:
            return result("unknown")
        if dive is not None:
            alo, ahi, ypar = dive
            dive = None
        else:
            _, _, alo, ahi, ypar = heapq.heappop(heap)
        current = (alo, ahi, ypar)
        stats["nodes"] += 1
        r = lp.solve(alo, ahi)
        stats["lps"] += 1
        tf = float(inc.T)
        if r[0] == "infeasible":
            if r[1] is not None and any(lp.bound(sg * r[1], alo, ahi, with_c=False) < 0 for sg in (1, -1)):
                stats["dual"] += 1
                continue
            res, _ = piece.close(bounds, fixes(alo, ahi), inc.T, min(Z3_SLICE, left() or Z3_SLICE))
            stats["z3"] += 1
            if res == "unsat":
                continue
            r = ("unknown", "infeasible without a proof")
        if r[0] == "unknown":  # HiGHS gave up on this node: z3 decides it, or it is split
            val, v = math.inf, None
        else:
            _, val, v, y = r
            if val <= tf + 1e-9 * (1 + abs(tf)):
                eb = lp.bound(y, alo, ahi)
                stats["dual"] += 1
                if eb <= inc.T:
                    continue
            if inc.better(np.clip(v[:net.d], piece.lo, piece.hi), tf, left()):
                if stop_above:
                    return result("witness")
                tf = float(inc.T)
                if val <= tf + 1e-9 * (1 + abs(tf)) and lp.bound(y, alo, ahi) <= inc.T:
                    continue
        free = (alo == 0) & (ahi == 1)
        if v is not None and free.any():
            p = np.array([v[pr[0]] @ pr[1] + pr[2] if len(pr[0]) else pr[2] for pr in pre_rows])
            gap = v[zcol] - np.maximum(p, 0.0)
            if RULE == "frac":
                a = v[lp.acols]
                gap = np.minimum(a, 1 - a)
            elif RULE == "dual":
                gap = (y[tri_r] + y[tri_r + 1]) * tri_w
            elif RULE == "dualgap":
                gap = (y[tri_r] + y[tri_r + 1]) * tri_w * gap
            gap = np.where(free, gap, -1.0)
            j = int(np.argmax(gap))
            if gap[j] <= 1e-12:  # the LP point is exact on its phases: split the most balanced free one
                a = v[lp.acols]
                j = int(np.argmax(np.where(free, np.minimum(a, 1 - a), -1.0)))
        elif free.any():
            j = int(np.argmax(free))
        else:
            # every phase fixed: the relaxation is the exact linear region, so z3 decides
            leaf = inc.exact_leaf(bounds, fixes(alo, ahi), None, stats, left())
            if leaf == "closed":
                continue
            if leaf == "unknown":
                return result("unknown", current)
            if stop_above:
                return result("witness")
            heapq.heappush(heap, (-math.inf, tick, alo, ahi, ypar))  # re-check against the raised T
            tick += 1
            continue
        key = -val
        ychild = y if v is not None else ypar  # the duals that bound the children if time runs out
        first = 1 if v is None or v[lp.acols[j]] >= 0.5 else 0  # the child holding the LP point
        for ph in (first, 1 - first):
            lo, hi = alo.copy(), ahi.copy()
            lo[j] = hi[j] = ph
            if dive is None and DIVE:
                dive = (lo, hi, ychild)
            else:
                heapq.heappush(heap, (key, tick, lo, hi, ychild))
                tick += 1
    return result("closed")

