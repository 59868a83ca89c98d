"""Error versus depth and width: E(d, L), W(d, L), and the Pareto front of error against size.

With L hidden layers, subpools of size up to 2^L are available: E(d, L) is the optimal error of
R = {0, 1, .., min(2^L, d-1)}, and E(d, L) = 0 once 2^L >= d (the tree network is exact).
W(d, L) and the parameter count are those of the network ``maxcert build approx`` builds for it
(relu3 gadget, identical neurons shared), counted without building the graph.

:func:`pareto_sweep` solves all 2^(d-1) index sets, streamed through :mod:`maxcert.execution`
(local processes or a Dask cluster), keeping only the running Pareto front, resumable from a
progress file.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations
from math import ceil, comb, log2

from maxcert.graphs.generators import subpool_parts
from maxcert.symbolic.optimal import SymbolicError, optimal_approximation


def depth_of(R) -> int:
    """Hidden layers needed by index set R: ceil(log2 max k) (0 when only k <= 1).

    Examples
    --------
    >>> depth_of([0, 1]), depth_of([0, 1, 2]), depth_of([0, 5]), depth_of([0, 8])
    (0, 1, 3, 3)
    """
    kmax = max(R)
    return 0 if kmax <= 1 else ceil(log2(kmax))


class SizeCounter:
    """Neuron and parameter counts of approximator networks over one d, sharing per-k dry builds."""

    def __init__(self, d: int, gadget: str = "relu3"):
        self.d, self.gadget = d, gadget
        self._cache: dict = {}
        self._layer = {f"x{i}": 0 for i in range(d)}
        self._parts: dict = {}

    def part(self, k):
        if k not in self._parts:
            self._parts[k] = subpool_parts(self.d, k, self.gadget, self._cache, self._layer)
        return self._parts[k]

    def size(self, betas: dict) -> tuple:
        """``(neurons, parameters)`` of ``approximator(d, betas)``.

        Parameters count the nonzero weights plus one bias per neuron and per output.
        """
        used, fan = set(), {}
        out: dict = {}
        for k, b in betas.items():
            if k == 0 or b == 0:
                continue
            u, f, (coeffs, _) = self.part(k)
            used |= u
            fan.update(f)
            s = Fraction(b) / comb(self.d, k)
            for src, c in coeffs.items():
                out[src] = out.get(src, 0) + s * c
        out_nnz = sum(1 for c in out.values() if c != 0) or 1
        return len(used), sum(fan[n] + 1 for n in used) + out_nnz + 1


def tree_size(d: int, gadget: str = "relu3") -> tuple:
    from maxcert.graphs.evaluate import num_neurons, num_parameters
    from maxcert.graphs.generators import tree_network

    G = tree_network(d, gadget)
    return num_neurons(G), num_parameters(G)


@dataclass
class TradeoffRow:
    L: int
    R: list | None  # None: the exact tree network
    error: Fraction
    neurons: int
    parameters: int

    def to_dict(self):
        return {"L": self.L, "R": self.R if self.R is not None else "tree", "error": str(self.error),
                "neurons": self.neurons, "parameters": self.parameters}


def tradeoff(d: int, relative: bool = False) -> list:
    """E(d, L) and W(d, L) for L = 0 .. ceil(log2 d).

    ``relative``: E_rel(d, L), the shift-equivariant optimum (no constant, sum beta = 1), whose
    error bounds ``|f - max| / (max - min)`` on all of R^d.

    Examples
    --------
    >>> [(r.L, str(r.error)) for r in tradeoff(4)]
    [(0, '3/8'), (1, '1/6'), (2, '0')]
    >>> [(r.L, str(r.error)) for r in tradeoff(4, relative=True)]    # the mean; 2 M_2 - M_1
    [(0, '3/4'), (1, '1/4'), (2, '0')]
    """
    if isinstance(d, bool) or not isinstance(d, int) or d < 2:
        raise SymbolicError(f"d must be an integer >= 2, got {d!r}")
    counter = size_table(d)  # the same counts as SizeCounter(d), without its Fraction dry build
    rows = []
    for L in range(0, ceil(log2(d)) + 1):
        if 2**L >= d:
            n, p = tree_size(d)
            rows.append(TradeoffRow(L, None, Fraction(0), n, p))
            continue
        R = list(range(1 if relative else 0, min(2**L, d - 1) + 1))
        opt = optimal_approximation(d, R, relative=relative)
        n, p = counter.size(opt.betas)
        rows.append(TradeoffRow(L, R, opt.error, n, p))
    return rows


@dataclass
class ParetoPoint:
    R: list
    error: Fraction
    neurons: int
    parameters: int
    depth: int


def all_index_sets(d: int):
    """Every R containing 0: 2^(d-1) sets."""
    ks = list(range(1, d))
    for r in range(len(ks) + 1):
        for S in combinations(ks, r):
            yield [0, *S]


def _solve_chunk(args):
    d, sets = args
    return [exact_optimum(d, R) for R in sets]


def solve_all(d: int, sets=None, jobs: int | None = None, progress=None, cluster=None) -> list:
    """Exact optima (:func:`exact_optimum`) of many index sets (default: every R containing 0), on
    ``jobs`` processes or a cluster.

    The sets go in chunks through :mod:`maxcert.execution` (``cluster``: ``tcp://HOST:PORT``,
    ``local:N`` or None for local processes); the optima come back in the order of ``sets``.

    Examples
    --------
    >>> [str(o.error) for o in solve_all(3, jobs=1)]
    ['1/2', '1/3', '1/6', '1/8']
    """
    import os

    from maxcert.execution import Executor, current_cluster

    sets = list(all_index_sets(d)) if sets is None else [list(R) for R in sets]
    jobs = jobs or os.cpu_count() or 1
    if cluster is None and current_cluster() is None and (jobs == 1 or len(sets) < 64):
        out = []
        for i, R in enumerate(sets):
            out.append(exact_optimum(d, R))
            if progress:
                progress(i + 1, len(sets))
        return out
    with Executor(jobs=jobs, cluster=cluster) as ex:
        size = max(16, len(sets) // (ex.workers * 8))
        chunks = [(d, sets[i:i + size]) for i in range(0, len(sets), size)]
        out = []
        for part in ex.map(_solve_chunk, chunks):
            out.extend(part)
            if progress:
                progress(len(out), len(sets))
    return out


def pareto_front(d: int, progress=None, jobs: int | None = None) -> tuple:
    """Solve every R containing 0 exactly; return (all points, the Pareto front on (parameters, error)).

    A point is on the front when no other has both fewer-or-equal parameters and smaller-or-equal
    error with one strict. Holds every point in memory: for large d use :func:`pareto_sweep`.
    """
    counter = SizeCounter(d)
    pts = []
    for opt in solve_all(d, jobs=jobs, progress=progress):
        n, p = counter.size(opt.betas)
        pts.append(ParetoPoint(opt.R, opt.error, n, p, depth_of(opt.R)))
    front = []
    best = None
    for pt in sorted(pts, key=lambda q: (q.parameters, q.error)):
        if best is None or pt.error < best:
            front.append(pt)
            best = pt.error
    return pts, front


# ---------------------------------------------------------------- the streamed sweep of every index set

# optimal_approximation itself now falls back to the exact rational simplex when HiGHS's basis
# fails its exact check; the sweeps keep this name
exact_optimum = optimal_approximation


class SizeTable:
    """``(neurons, parameters)`` of ``approximator(d, betas)`` (relu3 gadget), in microseconds per call.

    One structural dry build of every ``M_k``, k = 1..d-1, with the builder's sharing rule
    (a ReLU is identified by its pre-activation form), but on integer coefficients and with each
    subpool tree's blocks memoised: the neurons each ``M_k`` uses become a bitset, the number of
    nonzero output weights per k a count. :class:`SizeCounter` is the reference (tests compare).

    Examples
    --------
    >>> from maxcert.symbolic.optimal import optimal_approximation
    >>> betas = optimal_approximation(9, [0, 1, 8]).betas
    >>> SizeTable(9).size(betas) == SizeCounter(9).size(betas)
    True
    """

    def __init__(self, d: int):
        from itertools import combinations

        self.d = d
        cache: dict = {}
        fan: list = []
        memo: dict = {}

        def relu(form):
            key = frozenset((s, c) for s, c in form.items() if c != 0)
            nid = cache.get(key)
            if nid is None:
                nid = cache[key] = len(fan)
                fan.append(max(1, len(key)))
            return nid

        def neg(form):
            return {s: -c for s, c in form.items()}

        def node(leaves, level):
            """The form of one block of a subpool tree: (form, own neurons, child blocks)."""
            got = memo.get((leaves, level))
            if got is not None:
                return got
            if level == 0:
                got = ({("x", leaves[0]): 1}, (), ())
            else:
                h = 1 << (level - 1)
                a = node(leaves[:h], level - 1)
                if len(leaves) <= h:  # carried through the layer: relu(a) - relu(-a)
                    p, m = relu(a[0]), relu(neg(a[0]))
                    got = ({("n", p): 1, ("n", m): -1}, (p, m), (a,))
                else:  # max(a, b) = relu(a - b) + relu(b) - relu(-b)
                    b = node(leaves[h:], level - 1)
                    diff = dict(a[0])
                    for s, c in b[0].items():
                        diff[s] = diff.get(s, 0) - c
                    r, p, m = relu(diff), relu(b[0]), relu(neg(b[0]))
                    got = ({("n", r): 1, ("n", p): 1, ("n", m): -1}, (r, p, m), (a, b))
            memo[(leaves, level)] = got
            return got

        self.used, self.out = {}, {}
        for k in range(1, d):
            roots = [node(S, (k - 1).bit_length()) for S in combinations(range(d), k)]
            out: dict = {}
            for form, _, _ in roots:
                for s, c in form.items():
                    out[s] = out.get(s, 0) + c
            seen, stack, bits = set(), list(roots), 0
            while stack:
                nd = stack.pop()
                if id(nd) not in seen:
                    seen.add(id(nd))
                    for n in nd[1]:
                        bits |= 1 << n
                    stack.extend(nd[2])
            self.used[k] = bits
            self.out[k] = {s: c for s, c in out.items() if c != 0}
        self.by_weight: dict = {}
        for n, f in enumerate(fan):
            self.by_weight[f + 1] = self.by_weight.get(f + 1, 0) | (1 << n)
        owners: dict = {}
        for k, o in self.out.items():
            for s in o:
                owners.setdefault(s, []).append(k)
        shared = {s for s, ks in owners.items() if len(ks) > 1}
        self.solo = {k: sum(1 for s in o if s not in shared) for k, o in self.out.items()}
        self.shared = {s: {k: self.out[k][s] for k in owners[s]} for s in shared}  # empty for relu3 so far
        del self.out  # kept: the bitsets and counts above, not the forms

    def size(self, betas: dict) -> tuple:
        """``(neurons, parameters)``, the same as :meth:`SizeCounter.size`."""
        K = [k for k, b in betas.items() if k != 0 and b != 0]
        used = 0
        for k in K:
            used |= self.used[k]
        hidden = sum(w * (used & m).bit_count() for w, m in self.by_weight.items())
        nnz = sum(self.solo[k] for k in K)
        if self.shared:
            s = {k: Fraction(betas[k]) / comb(self.d, k) for k in K}
            nnz += sum(1 for cs in self.shared.values() if sum(s[k] * c for k, c in cs.items() if k in s) != 0)
        return used.bit_count(), hidden + (nnz or 1) + 1


_TABLES: dict = {}


def size_table(d: int) -> SizeTable:
    """The :class:`SizeTable` of d, built once per process."""
    if d not in _TABLES:
        _TABLES[d] = SizeTable(d)
    return _TABLES[d]


def mask_to_R(mask: int, d: int) -> list:
    """Index set number ``mask``: 0 and every k with bit k-1 set (masks 0 .. 2^(d-1)-1 are all sets).

    >>> mask_to_R(0, 4), mask_to_R(5, 4), mask_to_R(7, 4)
    ([0], [0, 1, 3], [0, 1, 2, 3])
    """
    return [0] + [k for k in range(1, d) if mask >> (k - 1) & 1]


def _rkey(mask: int, d: int):
    R = mask_to_R(mask, d)
    return len(R), R


def _sweep_task(task):
    """Worker: one index set's exact optimum and size, as plain ints."""
    d, mask = task
    opt = exact_optimum(d, mask_to_R(mask, d))
    n, p = size_table(d).size(opt.betas)
    return mask, opt.error.numerator, opt.error.denominator, n, p, depth_of(opt.R)


def front_of(points, d: int) -> list:
    """The points ``(error, neurons, depth, parameters, mask)`` no other beats in all four (smaller
    is better) and strictly in one; of equal ones, the simplest R (fewest indices, then least).

    The result does not depend on the order of ``points``, so fronts of parts merge:
    ``front_of(front_of(A) + front_of(B)) == front_of(A + B)``.
    """
    keep: list = []
    for p in sorted(points, key=lambda q: (q[:4], _rkey(q[4], d))):
        if not any(q[1] <= p[1] and q[2] <= p[2] and q[3] <= p[3] for q in keep):
            keep.append(p)
    return keep


def _two_d(front, col: int) -> list:
    """Indices (into ``front``) of the points on the front of error against one size column."""
    best, out = {}, []
    for i, p in enumerate(front):
        key = (p[col], p[0])
        if key not in best:
            best[key] = i
    for (size, err), i in sorted(best.items()):
        if not any(s2 <= size and e2 <= err and (s2, e2) != (size, err) for (s2, e2) in best):
            out.append(i)
    return sorted(out)


@dataclass
class SweepResult:
    """The exact Pareto front of one d (see :func:`pareto_sweep`)."""

    d: int
    points: list  # (error, neurons, depth, parameters, mask), sorted by (neurons, depth, parameters, error, R)
    fronts: dict  # "neurons" / "depth" / "parameters": indices of the 2-D fronts within points
    total: int  # index sets: 2^(d-1)
    solved: int = 0  # solved in this run
    resumed: int = 0  # read back from the progress file

    def pareto(self) -> list:
        return [{"R": mask_to_R(m, self.d), "error": str(e), "parameters": p, "neurons": n, "depth": dep}
                for e, n, dep, p, m in self.points]


class _MaskTasks:
    """The tasks ``(d, mask)`` for masks start..stop-1, lazily (a sized iterable)."""

    def __init__(self, d, start, stop):
        self.d, self.start, self.stop = d, start, stop

    def __len__(self):
        return self.stop - self.start

    def __iter__(self):
        return ((self.d, m) for m in range(self.start, self.stop))


def read_partial(path, d: int):
    """From a progress file: (index sets finished, as a prefix of the masks, and their front)."""
    import json
    import os

    done = 0
    pts: list = []
    if path is None or not os.path.exists(path):
        return done, pts
    with open(path, encoding="utf-8") as f:
        for line in f:
            try:
                rec = json.loads(line)
            except ValueError:
                break  # a line cut short by the interruption: everything after it is redone
            if rec.get("d") != d or "from" not in rec:
                continue
            if rec["from"] != done:
                from maxcert.errors import MaxcertError

                raise MaxcertError(f"{path}: progress for d = {d} is not a prefix (record from {rec['from']}, "
                                   f"expected {done}); delete the file to start over")
            done = rec["to"]
            pts = front_of(pts + [(Fraction(e), n, dep, p, m) for m, e, n, p, dep in rec["front"]], d)
    return done, pts


def pareto_sweep(d: int, jobs: int | None = None, cluster=None, batch: int | None = None, progress=None,
                 partial=None) -> SweepResult:
    """The exact Pareto front over all 2^(d-1) index sets R containing 0, streamed.

    Each set's optimum is an exact LP (:func:`exact_optimum`) and its network's size is
    counted by :class:`SizeTable`; only the running front is kept, so memory stays flat. A point
    is on the front when no other set is at least as good in error, neurons, depth and
    parameters and better in one (ties: the simplest R); ``fronts`` picks out the 2-D fronts of
    error against neurons, against depth and against parameters.

    ``jobs``/``cluster``/``batch``: where the sets are solved and how many per submitted task
    (:mod:`maxcert.execution`). ``partial``: a progress file (JSON lines) appended after every
    batch and read back first, so a run that was interrupted resumes where it stopped, without
    solving a finished set again. ``progress(done, total)`` is called after each batch.

    Examples
    --------
    >>> r = pareto_sweep(3, jobs=1)
    >>> [(p["R"], p["error"], p["neurons"]) for p in r.pareto()][:2]
    [([0], '1/2', 0), ([0, 1], '1/3', 0)]
    """
    import json

    from maxcert.execution import Executor, current_cluster

    if isinstance(d, bool) or not isinstance(d, int) or d < 2:
        raise SymbolicError(f"d must be an integer >= 2, got {d!r}")
    total = 1 << (d - 1)
    done, pts = read_partial(partial, d)
    resumed = done
    if jobs is None and cluster is None and current_cluster() is None and total - done < 256:
        jobs = 1  # not worth starting processes
    out = None
    if partial is not None:
        out = open(partial, "a", encoding="utf-8")
        if done == 0:
            out.write(json.dumps({"format": "maxcert-pareto-partial", "version": 1, "d": d}) + "\n")
            out.flush()
    try:
        with Executor(jobs=jobs, cluster=cluster) as ex:
            B = batch or max(16, min(2048, (total - done) // (ex.workers * 32)))
            ex.batch = B
            chunk = []
            for r in ex.map(_sweep_task, _MaskTasks(d, done, total)):
                chunk.append((Fraction(r[1], r[2]), r[3], r[5], r[4], r[0]))
                if len(chunk) == B or done + len(chunk) == total:
                    part = front_of(chunk, d)
                    if out is not None:
                        rec = {"d": d, "from": done, "to": done + len(chunk),
                               "front": [[m, str(e), n, p, dep] for e, n, dep, p, m in part]}
                        out.write(json.dumps(rec, separators=(",", ":")) + "\n")
                        out.flush()
                    pts = front_of(pts + part, d)
                    done += len(chunk)
                    chunk = []
                    if progress:
                        progress(done, total)
    finally:
        if out is not None:
            out.close()
    pts.sort(key=lambda q: (q[1], q[2], q[3], q[0], _rkey(q[4], d)))
    fronts = {"neurons": _two_d(pts, 1), "depth": _two_d(pts, 2), "parameters": _two_d(pts, 3)}
    return SweepResult(d, pts, fronts, total, solved=total - resumed, resumed=resumed)
