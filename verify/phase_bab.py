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

Levers (fields of :class:`maxcert.verify.search.Options`, measured in benchmarks/bracket_width.py):
``cuts`` rounds of ideal-formulation cuts at the root (kept: -20 to -40 % time on the decided
d = 9 models), ``node_cuts`` at every node (off: the growing LP costs more than the nodes it
saves), ``obbt`` rounds of cuts per LP-tightened root bound (on: tighter brackets on the undecided
models for a few tenths of a second on the decided ones), ``dive`` (off: best-first alone gives
10-20 % tighter brackets at 60 s, the same time on the decided models), ``root_full`` (on: a task
that starts late still gets its root bounds by LP, so its open-node bound is the root LP's),
``share`` (on: under a time limit the tasks of a process time-share it, :func:`search_group`) and
``imply`` (off: phases implied by linear bounds at each node; on the d = 9 models they found none
and cost time). Every cut is a row proved valid
in exact rationals (:meth:`PhaseLP._valid`) before it enters the LP, so weak duality stays exact
with it.
"""

from __future__ import annotations

import math
import time
from fractions import Fraction

import highspy
import numpy as np
from scipy.sparse import coo_matrix

from maxcert.verify.bab import Incumbent, Piece, _highs, highs_model
from maxcert.verify.exact import ExactRows, down, interval, up
from maxcert.verify.linear_bounds import propagate
from maxcert.verify.search import CLOSED, DEFAULT, Options, Outcome, PieceResult, Stats, drive, left, run

INF = highspy.kHighsInf


class PhaseLP(ExactRows):
    """The piece's big-M LP: exact rows (integers per row) and their float copy inside HiGHS.

    Columns: the inputs x (then t, for the whole-box piece), then one z per live neuron (layer by layer), then one a per unstable
    neuron. ``self.phase[(k, j)]`` is the column of neuron j's a in layer k.
    """

    def __init__(self, piece: Piece, bounds, upto: int | None = None):
        net, d = piece.net, piece.net.d
        self.piece = piece
        # columns 0..d-1 are x; the whole-box piece puts its t (standing for max(x)) at column d
        t = piece.i if piece.i is not None else d
        ncol = d + (piece.i is None)
        lb, ub = [Fraction(piece.dom.lo)] * ncol, [Fraction(piece.dom.hi)] * ncol
        # names of columns and rows: a certificate's multipliers are keyed by them (verify/checker.py)
        self.cols = [f"x{k}" for k in range(d)] + (["t"] if piece.i is None else [])
        rows, names = [], []  # rows: (coefficients {col: Fraction}, rhs Fraction, is_equality)
        for k in range(d):
            if k != piece.i:
                rows.append(({k: Fraction(1), t: Fraction(-1)}, Fraction(0), False))
                names.append(f"piece{k}")
        h = list(range(d))  # column of each unit feeding the layer (None: a dead ReLU)
        unstable = []
        hidden = list(zip(net.W[:-1], net.b[:-1]))
        for k, (W, b) in enumerate(hidden if upto is None else hidden[:upto]):
            l, u = bounds[k]
            out = []
            for j, (row, bj) in enumerate(zip(W, b)):
                lj, uj = Fraction(float(l[j])), Fraction(float(u[j]))
                if uj <= 0:
                    out.append(None)
                    continue
                z = len(lb)
                out.append(z)
                self.cols.append(f"z{k}.{j}")
                lb.append(max(lj, Fraction(0)))
                ub.append(uj)
                pre = {}
                for w, c in zip(row, h):
                    if w and c is not None:
                        pre[c] = pre.get(c, 0) + w
                if lj >= 0:  # z = p
                    rows.append(({**{c: -w for c, w in pre.items()}, z: Fraction(1)}, bj, True))
                    names.append(f"eq{k}.{j}")
                    continue
                unstable.append((k, j, z, lj, uj, pre, bj))
            h = out
        self.live = h  # columns of the last hidden layer built
        self.phase, self.zcol, self.pre, self.tri, self._exact_pre = {}, {}, {}, {}, {}
        for k, j, z, lj, uj, pre, bj in unstable:
            a = len(lb)
            self.cols.append(f"a{k}.{j}")
            self.phase[(k, j)] = a
            self.zcol[(k, j)] = z
            self.tri[(k, j)] = (len(rows) + 1, float(lj), float(uj))  # row of z <= p - l(1-a); z <= u a follows
            self.pre[(k, j)] = (np.array(list(pre), dtype=np.int64), np.array([float(w) for w in pre.values()]),
                                float(bj))
            self._exact_pre[(k, j)] = (pre, bj)
            lb.append(Fraction(0))
            ub.append(Fraction(1))
            rows.append(({**pre, z: Fraction(-1)}, -bj, False))  # p <= z
            rows.append(({**{c: -w for c, w in pre.items()}, z: Fraction(1), a: -lj}, bj - lj, False))  # z <= p - l(1-a)
            rows.append(({z: Fraction(1), a: -uj}, Fraction(0), False))  # z <= u a
            names += [f"ge{k}.{j}", f"bm{k}.{j}", f"ua{k}.{j}"]
        self.n = n = len(lb)
        c = [Fraction(0)] * n
        self.c0 = Fraction(0)
        if upto is None:  # objective s (w . z_L + b_out - x_i), exactly; a prefix LP only bounds pre-activations
            (wrow,), (b0,) = net.W[-1], net.b[-1]
            for w, col in zip(wrow, h):
                if col is not None:
                    c[col] += piece.s * w
            c[t] -= piece.s
            self.c0 = piece.s * b0
        self.c = c
        self.lb, self.ub = lb, ub
        self.rows, self.rownames, self.cut_of = rows, names, []
        self.ncuts = 0
        self._exact_setup(rows)
        self._float_model(rows)
        self._cut_setup()

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

    def _cut_setup(self):
        """Per unstable neuron, its inputs' exact column bounds oriented by the weight's sign
        (``L`` the end that minimises ``w x``, ``Uh`` the one that maximises it), as float arrays
        for separation."""
        self.cutdata = []
        for kj in sorted(self.phase, key=self.phase.get):
            cols, wf, bf = self.pre[kj]
            lo = np.array([float(self.lb[c]) for c in cols])
            hi = np.array([float(self.ub[c]) for c in cols])
            self.cutdata.append((kj, cols, wf, bf, np.where(wf >= 0, lo, hi), np.where(wf >= 0, hi, lo)))

    def separate(self, v, tol=1e-6, most=None):
        """Violated ideal-formulation cuts (Anderson, Huchette, Ma, Tjandraatmadja, Vielma 2020) at
        the LP point ``v``, each as ``(row {col: Fraction}, rhs, (layer, neuron))``: for an unstable
        ReLU z = relu(w x + b) with inputs in a box and phase a,

            z <= sum_{i in I} w_i (x_i - L_i (1 - a)) + (b + sum_{i not in I} w_i U_i) a

        for every subset I (L_i, U_i the input's bounds that minimise / maximise w_i x_i); I = all
        is the big-M row ``z <= p - l (1 - a)``, I = {} is ``z <= u a``. The most violated I per
        ReLU is found in linear time; each cut is built and checked in exact rationals
        (:meth:`_valid`) before it is returned."""
        out = []
        for kj, cols, wf, bf, Lo, Hi in self.cutdata:
            a = v[self.phase[kj]]
            if not 1e-6 < a < 1 - 1e-6:
                continue
            x = v[cols]
            t_in = wf * (x - Lo * (1 - a))
            t_out = wf * Hi * a
            inI = t_in < t_out
            rhs = bf * a + np.where(inI, t_in, t_out).sum()
            viol = v[self.zcol[kj]] - rhs
            if viol > tol and 0 < inI.sum() < len(cols):
                out.append((viol, kj, inI))
        out.sort(key=lambda c: -c[0])
        cuts = []
        for _, kj, inI in out[:most]:
            cut = self._exact_cut(kj, inI)
            if self._valid(kj, *cut):
                cuts.append((*cut, kj))
        return cuts

    def _exact_cut(self, kj, inI):
        """The cut of ReLU kj for subset ``inI`` as an exact row ``row . v <= rhs``:
        ``z - sum_I w_i x_i - (b + sum_I w_i L_i + sum_notI w_i U_i) a <= -sum_I w_i L_i``."""
        k, j = kj
        pre, bj = self._exact_pre[kj]
        row, coef_a, rhs = {self.zcol[kj]: Fraction(1)}, bj, Fraction(0)
        for (c, w), inside in zip(pre.items(), inI.tolist()):
            lo_end, hi_end = (self.lb[c], self.ub[c]) if w >= 0 else (self.ub[c], self.lb[c])
            if inside:
                row[c] = -w
                coef_a += w * lo_end
                rhs -= w * lo_end
            else:
                coef_a += w * hi_end
        row[self.phase[kj]] = -coef_a
        return row, rhs

    def _valid(self, kj, row, rhs) -> bool:
        """Exact proof that ``row . v <= rhs`` holds at every point of the network in the box of
        the columns: in the phase a = 0 (z = 0) and a = 1 (z = p = w x + b), ``rhs - row . v`` is
        linear in the inputs, and its minimum over their box (each input at the end its
        coefficient prefers) is >= 0."""
        pre, bj = self._exact_pre[kj]
        z, acol = self.zcol[kj], self.phase[kj]
        for a in (0, 1):
            # slack(x) = rhs - row[z] z - row[a] a - sum_c row[c] x_c, with z = a (w x + b)
            const = rhs - row[acol] * a - row[z] * a * bj
            coef = {c: -r for c, r in row.items() if c not in (z, acol)}
            for c, w in pre.items():
                coef[c] = coef.get(c, Fraction(0)) - row[z] * a * w
            slack = const + sum((cf * (self.lb[c] if cf > 0 else self.ub[c]) for c, cf in coef.items()), Fraction(0))
            if slack < 0:
                return False
        return True

    def add_cuts(self, cuts):
        """Append valid rows ``(row, rhs, (layer, neuron))`` meaning ``row . v <= rhs`` to the exact and
        the float model (a warm basis stays)."""
        if not cuts:
            return
        new = [(row, rhs, False) for row, rhs, _ in cuts]
        first = len(self.rows)
        self.rows = self.rows + new
        self.rownames = self.rownames + [f"cut{len(self.cut_of) + n}" for n in range(len(new))]
        self.cut_of = self.cut_of + [kj for _, _, kj in cuts]
        self.ncuts += len(new)
        self._exact_setup(self.rows, first)
        starts, idx, val = [], [], []
        for row, _, _ in new:
            starts.append(len(idx))
            idx += list(row)
            val += [float(v) for v in row.values()]
        self.h.addRows(len(new), np.full(len(new), -INF), np.array([float(r) for _, r, _ in new]), len(idx),
                       np.array(starts, dtype=np.int32), np.array(idx, dtype=np.int32), np.array(val))
        self.m = len(self.rows)

    def cut_records(self, first: int = 0) -> list:
        """The cuts from the ``first``-th on, as a certificate writes them: neuron, row by column name, rhs."""
        base = len(self.rows) - len(self.cut_of)
        return [{"neuron": f"{k}.{j}", "row": {self.cols[c]: str(v) for c, v in self.rows[base + n][0].items()},
                 "rhs": str(self.rows[base + n][1])} for n, (k, j) in enumerate(self.cut_of) if n >= first]

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

def _intervals(piece: Piece, bounds, start: int):
    """``bounds`` with the layers from ``start`` on replaced by their exact interval bounds over the
    layer before (the domain for the first), rounded outward to floats and intersected with the
    bounds they had (every one of them proved, so the tighter end of each stands)."""
    net, dom = piece.net, piece.dom
    out = [] if bounds is None else [(l.copy(), u.copy()) for l, u in bounds]
    for k in range(start, len(net.sizes)):
        if k == 0:
            lo, hi = [dom.lo] * net.d, [dom.hi] * net.d
        else:
            lo = [Fraction(max(float(v), 0.0)) for v in out[k - 1][0]]
            hi = [Fraction(max(float(v), 0.0)) for v in out[k - 1][1]]
        il, iu = interval(net.W[k], net.b[k], lo, hi)
        l, u = np.array([down(v) for v in il]), np.array([up(v) for v in iu])
        if k < len(out):
            out[k] = (np.maximum(out[k][0], l), np.minimum(out[k][1], u))
        else:
            out.append((l, u))
    return out


def proved_bounds(piece: Piece, fixed=(), deadline=None, rounds=3, record=False, root_full=True):
    """The piece's pre-activation bounds, layer by layer, each proved exactly; with ``record``, the
    proofs a certificate carries. Returns ``(bounds, proofs)`` (``proofs`` None without ``record``).

    Layer k starts from exact interval bounds over layer k - 1's, rounded outward to floats. Each
    unstable neuron's two bounds then come from the big-M LP of layers < k (the *prefix* LP: its
    rows depend only on bounds already proved), strengthened by ideal-formulation cuts
    (:meth:`PhaseLP.separate`) found at the bound's own LP optimum, ``rounds`` times per bound.
    Each LP bound is exact: weak duality recomputed in exact integers from the float dual
    (:meth:`PhaseLP.bound`), rounded outward to a float. Past the deadline the LPs go on without
    cuts with ``root_full`` (a task started late still gets LP bounds), else stop (the interval
    bounds stand). ``fixed``: ((layer, neuron), phase) pairs that hold in the subtree searched;
    the bounds then hold in that subtree only.

    A record per layer: the prefix LP's cuts, and for each bound the LP tightened, its exact
    multipliers (:meth:`PhaseLP.multipliers`); a bound without one is the interval bound.
    """
    net = piece.net
    fixd = dict(fixed)
    bounds = _intervals(piece, None, 0)
    proofs = [] if record else None
    for k in range(len(net.sizes)):
        lp = PhaseLP(piece, bounds, upto=k)
        keys = sorted(lp.phase, key=lp.phase.get)
        alo = np.array([float(fixd.get(kj, 0)) for kj in keys])
        ahi = np.array([float(fixd.get(kj, 1)) for kj in keys])
        if len(keys):
            lp.h.changeColsBounds(len(keys), lp.acols, alo, ahi)
        l, u = bounds[k][0].copy(), bounds[k][1].copy()
        proof = {"l": {}, "u": {}}
        for j in range(len(l)):
            late = deadline is not None and time.perf_counter() > deadline
            if late and not root_full:
                break
            if not (l[j] < 0 < u[j]):
                continue
            pre = {}
            for w, c in zip(net.W[k][j], lp.live):
                if w and c is not None:
                    pre[c] = pre.get(c, 0) + w
            bj = net.b[k][j]
            for sg in (1, -1):
                cost = np.zeros(lp.n)
                cost[list(pre)] = [-sg * float(w) for w in pre.values()]  # HiGHS minimises
                lp.h.changeColsCost(lp.n, np.arange(lp.n, dtype=np.int32), cost)
                for rnd in range(rounds + 1):
                    lp.h.run()
                    if lp.h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
                        break
                    sol = lp.h.getSolution()
                    if rnd == rounds or late or not lp.phase:
                        break
                    cuts = lp.separate(np.asarray(sol.col_value), most=8)
                    if not cuts:
                        break
                    lp.add_cuts(cuts)
                if lp.h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
                    continue
                y = -np.asarray(sol.row_dual)
                eb = lp.bound(y, alo, ahi, obj={c: sg * w for c, w in pre.items()})
                if sg > 0 and up(eb + bj) < u[j]:
                    u[j] = up(eb + bj)
                elif sg < 0 and -up(eb - bj) > l[j]:
                    l[j] = -up(eb - bj)
                else:
                    continue
                if record:
                    proof["u" if sg > 0 else "l"][str(j)] = lp.multipliers(y)
        bounds[k] = (l, u)
        bounds = _intervals(piece, bounds, k + 1)
        if record:
            proofs.append({"cuts": lp.cut_records(), **proof})
        if np.any(l > u):
            break  # proved empty: the later layers need no bounds
    return bounds, proofs


def _nested(tree: dict, nid: int) -> dict:
    """The recorded search tree from node ``nid`` as nested dicts: ``{"split": "k.j", "1": node, "0": node}``
    or ``{"leaf": kind, "y": multipliers}`` (kind "dual", "farkas" or "z3"). Iterative: trees are deep."""
    out: dict = {}
    stack = [(nid, out)]
    while stack:
        n, into = stack.pop()
        rec = tree[n]
        if rec[0] == "leaf":
            into["leaf"] = rec[1]
            if rec[2] is not None:
                into["y"] = rec[2]
            continue
        into["split"] = rec[1]
        for ph, child in rec[2].items():
            into[str(ph)] = {}
            stack.append((child, into[str(ph)]))
    return out


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


def search_group(net, dom, tasks, stop_above: bool, deadline=None, max_turns: int | None = None,
                 opts: Options = DEFAULT) -> list:
    """Several searches of :func:`search_phases` in this process, time-shared: each turn goes to
    the search whose open nodes' largest LP value is highest (an unstarted one first), for
    ``opts.yield_every`` LPs. So when time runs out every search has bounded its open nodes, and the
    work went where the largest bound was. ``tasks``: ``(i, s, T, fixed)`` tuples. In error mode
    (not ``stop_above``) a threshold raised by one search is handed to the others (any exact
    error found is a lower bound of the sup: nodes bounded below it need no search). Once one
    search finds a point above its threshold in ``stop_above`` mode, the others stop.
    ``max_turns``: a budget in work, not time: after that many turns every search is told to stop
    (it then bounds its open nodes), as when the deadline comes.

    Examples
    --------
    >>> from maxcert.graphs.evaluate import from_layers
    >>> from maxcert.verify.bab import Net
    >>> from maxcert.verify.domains import UNIT
    >>> G = from_layers([[[1, -1], [-1, 1]], [[1, 1]]], [[0, 0], [0]])   # |x0 - x1|
    >>> rs = search_group(Net(G), UNIT, [(0, -1, Fraction(0), ()), (1, -1, Fraction(0), ())], False)
    >>> [(r.status, r.T) for r in rs]                                    # max - |x0 - x1| = min <= 1
    [('closed', Fraction(1, 1)), ('closed', Fraction(1, 1))]
    """
    gens = [drive(PhaseSearch(net, dom, i, s, T, stop_above, fixed, opts), deadline, stop_above)
            for i, s, T, fixed in tasks]
    out, est, cost = [None] * len(gens), [math.inf] * len(gens), [0.0] * len(gens)
    live = list(range(len(gens)))
    shared = None if stop_above else max(t[2] for t in tasks)
    stop, started, turns = False, set(), 0
    while live:
        j = max(live, key=lambda n: (n not in started, est[n]))
        turns += 1
        stop = stop or (max_turns is not None and turns > max_turns)
        try:
            est[j], t, cost[j] = gens[j].send(None if j not in started else "stop" if stop else shared)
            started.add(j)
            if shared is not None and t > shared:
                shared = t
            # stop early enough that bounding every open node still ends near the limit
            if deadline is not None and time.perf_counter() + sum(cost[n] for n in live) >= deadline:
                stop = True
        except StopIteration as e:
            out[j] = e.value
            live.remove(j)
            if shared is not None and e.value.T > shared:
                shared = e.value.T
            stop = stop or e.value.status == "witness"
    return out


def search_phases(net, dom, i: int, s: int, T: Fraction, stop_above: bool, deadline=None, fixed=(),
                  opts: Options = DEFAULT) -> PieceResult:
    """Branch and bound over ReLU phases on piece (i, s) (:class:`PhaseSearch` under
    :func:`maxcert.verify.search.drive`); the same contract as :func:`maxcert.verify.bab.search_piece`.

    ``fixed``: ((layer, neuron), phase) pairs, phase 1 for ``p >= 0`` and 0 for ``p <= 0``: only
    the subtree with those phases is searched. A ReLU the root bounds find stable needs no fixing,
    or, fixed against its bounds, leaves only points with p = 0, which the other phase's subtree
    holds: that subtree is then empty. ``opts.record``: the result's ``proof`` holds what a certificate
    file carries (a list of one subtree record: bounds and their proofs, cuts, and the search tree
    with each leaf's exact multipliers; see :mod:`maxcert.verify.checker`).

    Examples
    --------
    >>> from maxcert.graphs.evaluate import from_layers
    >>> from maxcert.verify.bab import Net
    >>> from maxcert.verify.domains import UNIT
    >>> G = from_layers([[[1, -1], [-1, 1]], [[1, 1]]], [[0, 0], [0]])   # |x0 - x1|
    >>> r = search_phases(Net(G), UNIT, 0, -1, Fraction(0), False)      # x0 largest: x0 - |x0-x1| = x1
    >>> r.status, r.T, r.witness
    ('closed', Fraction(1, 1), [Fraction(1, 1), Fraction(1, 1)])
    """
    return run(PhaseSearch(net, dom, i, s, T, stop_above, fixed, opts), deadline, stop_above)


class PhaseSearch:
    """:func:`search_phases`'s bounding step and branching rule, for :func:`maxcert.verify.search.drive`.

    The root: the piece's bounds (:func:`proved_bounds`), its big-M LP (:class:`PhaseLP`) and
    ``opts.cuts`` rounds of cuts. A node is ``(a lower bounds, a upper bounds, the parent's dual,
    node id)``: the phases it fixes, and the multipliers that bound it if it is never solved.
    """

    can_dive, batch = True, 1

    def __init__(self, net, dom, i, s, T, stop_above: bool, fixed=(), opts: Options = DEFAULT):
        self.net, self.fixed, self.opts, self.stop_above = net, tuple(fixed), opts, stop_above
        self.piece = Piece(net, dom, i, s)
        self.stats, self.inc = Stats(), Incumbent(self.piece, T)
        self.lp, self.tree, self.extra, self.next_id = None, {}, {}, 1
        self.t_bound = [0.001, 1]  # seconds spent in exact bounds, and their number: what bounding open nodes costs

    def roots(self, deadline=None):
        net, piece, opts = self.net, self.piece, self.opts
        self.bounds, self.bproofs = proved_bounds(piece, self.fixed, deadline, opts.obbt, opts.record, opts.root_full)
        if any(np.any(l > u) for l, u in self.bounds):
            self.extra = {"empty": True}  # exact bounds that cross: the piece is empty
            return []
        self.lp = lp = PhaseLP(piece, self.bounds)
        self.keys = keys = sorted(lp.phase, key=lp.phase.get)  # (layer, neuron) of each a, in acols order
        na = len(keys)
        self.zcol = np.array([lp.zcol[kj] for kj in keys], dtype=np.int64)
        self.pre_rows = [lp.pre[kj] for kj in keys]
        self.tri_r, self.tri_w = _triangles(lp, keys)
        self.flat = np.array([int(np.sum(net.sizes[:k])) + j for k, j in keys], dtype=np.int64)
        alo, ahi = np.zeros(na), np.ones(na)
        for (k, j), ph in self.fixed:
            if (k, j) in lp.phase:
                n = keys.index((k, j))
                alo[n] = ahi[n] = ph
            elif (self.bounds[k][0][j] >= 0) != bool(ph):  # stable against the fixed phase: only p = 0 is
                self.extra = {"degenerate": f"{k}.{j}"}  # left, which the other phase's subtree holds
                return []
        for _ in range(opts.cuts):
            if deadline is not None and time.perf_counter() > deadline:
                break
            r0 = lp.solve(alo, ahi)
            cuts = lp.separate(r0[2], most=opts.cut_most) if r0[0] == "optimal" else []
            if not cuts:
                break
            lp.add_cuts(cuts)
            self.stats.cuts += len(cuts)
        return [(-math.inf, (alo, ahi, None, 0))]

    def prepare(self, batch):
        return None

    def fixes(self, alo, ahi):
        """The node's phases in the per-layer form of :class:`Piece`."""
        fix = [np.zeros(n, dtype=np.int8) for n in self.net.sizes]
        for (k, j), lo, hi in zip(self.keys, alo, ahi):
            if lo == 1:
                fix[k][j] = 1
            elif hi == 0:
                fix[k][j] = -1
        return fix

    def implied(self, alo, ahi):
        """The node's phases with those its sound linear bounds imply (p >= 0 or p <= 0 on all of
        the node) fixed too: the LP then holds those ReLUs exactly. ``None``: the bounds prove the
        node empty."""
        piece = self.piece
        nb = propagate(self.net, piece.lo, piece.hi, piece.i, piece.s, self.fixes(alo, ahi), self.bounds)
        if nb.ub == -math.inf:
            return None
        flat = self.flat
        lo_, up_ = np.concatenate([b[0] for b in nb.bounds])[flat], np.concatenate([b[1] for b in nb.bounds])[flat]
        free = (alo == 0) & (ahi == 1)
        return np.where(free & (lo_ >= 0), 1.0, alo), np.where(free & (lo_ < 0) & (up_ <= 0), 0.0, ahi)

    def leaf(self, nid, kind, y=None):
        if self.opts.record:
            self.tree[nid] = ("leaf", kind, None if y is None else self.lp.multipliers(y))

    def step(self, node, j, prep, deadline) -> Outcome:
        net, inc, lp, stats, opts, piece = self.net, self.inc, self.lp, self.stats, self.opts, self.piece
        alo, ahi, ypar, nid = node
        if opts.imply and not opts.record and len(self.keys) and stats.nodes > 1:  # a record keeps its nodes' phases
            nxt = self.implied(alo, ahi)
            if nxt is None:
                stats.linear += 1
                return CLOSED
            alo, ahi = nxt
        r = lp.solve(alo, ahi)
        stats.lps += 1
        tf = float(inc.T)
        for _ in range(opts.node_cuts):
            if r[0] != "optimal" or r[1] <= tf + 1e-9 * (1 + abs(tf)):
                break
            cuts = lp.separate(r[2], most=opts.cut_most)
            if not cuts:
                break
            lp.add_cuts(cuts)
            stats.cuts += len(cuts)
            r = lp.solve(alo, ahi)
            stats.lps += 1
        if r[0] == "infeasible":
            ray = None if r[1] is None else next((sg * r[1] for sg in (1, -1)
                                                  if lp.bound(sg * r[1], alo, ahi, with_c=False) < 0), None)
            if ray is not None:
                stats.dual += 1
                self.leaf(nid, "farkas", ray)
                return CLOSED
            z3s = opts.z3_slice
            res, _ = piece.close(self.bounds, self.fixes(alo, ahi), inc.T, min(z3s, left(deadline) or z3s))
            stats.z3 += 1
            if res == "unsat":
                self.leaf(nid, "z3")
                return CLOSED
            r = ("unknown", "infeasible without a proof")
        if r[0] == "unknown":  # HiGHS gave up on this node: z3 decides it, or it is split
            val, v = math.inf, None
        else:
            _, val, v, y = r
            if val <= tf + 1e-9 * (1 + abs(tf)):
                tb = time.perf_counter()
                eb = lp.bound(y, alo, ahi)
                self.t_bound[0] += time.perf_counter() - tb
                self.t_bound[1] += 1
                stats.dual += 1
                if eb <= inc.T:
                    self.leaf(nid, "dual", y)
                    return CLOSED
            if inc.better(np.clip(v[:net.d], piece.lo, piece.hi), tf, left(deadline)):
                if self.stop_above:
                    return Outcome(stop="witness")
                tf = float(inc.T)
                if val <= tf + 1e-9 * (1 + abs(tf)) and lp.bound(y, alo, ahi) <= inc.T:
                    self.leaf(nid, "dual", y)
                    return CLOSED
        free = (alo == 0) & (ahi == 1)
        if v is not None and free.any():
            p = np.array([v[pr[0]] @ pr[1] + pr[2] if len(pr[0]) else pr[2] for pr in self.pre_rows])
            gap = v[self.zcol] - np.maximum(p, 0.0)
            if opts.rule == "frac":
                a = v[lp.acols]
                gap = np.minimum(a, 1 - a)
            elif opts.rule == "dual":
                gap = (y[self.tri_r] + y[self.tri_r + 1]) * self.tri_w
            elif opts.rule == "dualgap":
                gap = (y[self.tri_r] + y[self.tri_r + 1]) * self.tri_w * gap
            gap = np.where(free, gap, -1.0)
            j = int(np.argmax(gap))
            if gap[j] <= 1e-12:  # the LP point is exact on its phases: split the most balanced free one
                a = v[lp.acols]
                j = int(np.argmax(np.where(free, np.minimum(a, 1 - a), -1.0)))
        elif free.any():
            j = int(np.argmax(free))
        else:
            # every phase fixed: the relaxation is the exact linear region, so z3 decides
            closed = inc.exact_leaf(self.bounds, self.fixes(alo, ahi), None, stats, left(deadline))
            if closed == "closed":
                self.leaf(nid, "z3")
                return CLOSED
            if closed == "unknown":
                return Outcome(stop="unknown")
            if self.stop_above:
                return Outcome(stop="witness")
            return Outcome([(-math.inf, (alo, ahi, ypar, nid))], dive=False)  # re-check against the raised T
        ychild = y if v is not None else ypar  # the duals that bound the children if time runs out
        first = 1 if v is None or v[lp.acols[j]] >= 0.5 else 0  # the child holding the LP point
        ids = {first: self.next_id, 1 - first: self.next_id + 1}
        self.next_id += 2
        if opts.record:
            self.tree[nid] = ("split", "%d.%d" % self.keys[j], ids)
        children = []
        for ph in (first, 1 - first):
            lo, hi = alo.copy(), ahi.copy()
            lo[j] = hi[j] = ph
            children.append((-val, (lo, hi, ychild, ids[ph])))
        return Outcome(children)

    def open_bound(self, nodes):
        """Every open node's exact weak-duality bound from its parent's dual (any multipliers give a
        valid bound once recomputed exactly on the node's own phases); the root, never solved, gets
        one LP for its duals."""
        top, yroot = None, None
        na = len(self.keys)
        for alo, ahi, y, _ in nodes:
            if y is None:
                if yroot is None:
                    r0 = self.lp.solve(np.zeros(na), np.ones(na))
                    yroot = r0[3] if r0[0] == "optimal" else False
                y = yroot if yroot is not False else None
            b = self.piece.interval_bound() if y is None else self.lp.bound(y, alo, ahi)
            top = b if top is None else max(top, b)
        return top

    def bound_cost(self, n: int) -> float:
        return n * self.t_bound[0] / max(1, self.t_bound[1])

    def result(self, status: str, upper=None) -> PieceResult:
        res = self.inc.result(status, self.stats, upper)
        if self.opts.record:
            k = self.fixed
            res.proof = [{"i": self.piece.i, "s": self.piece.s, "fixed": {f"{a}.{b}": int(ph) for (a, b), ph in k},
                          "bounds": [[[str(Fraction(float(v))) for v in side] for side in lu] for lu in self.bounds],
                          "bound_proofs": self.bproofs, "cuts": [] if self.lp is None else self.lp.cut_records(),
                          "tree": _nested(self.tree, 0) if status == "closed" and self.tree else None, **self.extra}]
        return res
