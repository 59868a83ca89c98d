"""Error versus depth and width: E(d, L), W(d, L), and the Pareto front of error against size.

With L hidden layers, subpools of size up to 2^L are available: E(d, L) is the optimal error of
R = {0, 1, .., min(2^L, d-1)}, and E(d, L) = 0 once 2^L >= d (the tree network is exact).
W(d, L) and the parameter count are those of the network ``maxcert build approx`` builds for it
(relu3 gadget, identical neurons shared), counted without building the graph.
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
        self._cache, self._layer = {}, {f"x{i}": 0 for i in range(d)}
        self._parts = {}

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


def tradeoff(d: int) -> list:
    """E(d, L) and W(d, L) for L = 0 .. ceil(log2 d).

    Examples
    --------
    >>> [(r.L, str(r.error)) for r in tradeoff(4)]
    [(0, '3/8'), (1, '1/6'), (2, '0')]
    """
    if isinstance(d, bool) or not isinstance(d, int) or d < 2:
        raise SymbolicError(f"d must be an integer >= 2, got {d!r}")
    counter = SizeCounter(d)
    rows = []
    for L in range(0, ceil(log2(d)) + 1):
        if 2**L >= d:
            n, p = tree_size(d)
            rows.append(TradeoffRow(L, None, Fraction(0), n, p))
            continue
        R = list(range(0, min(2**L, d - 1) + 1))
        opt = optimal_approximation(d, R)
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
    return [optimal_approximation(d, R) for R in sets]


def solve_all(d: int, sets=None, jobs: int | None = None, progress=None) -> list:
    """Exact optima of many index sets (default: every R containing 0), on ``jobs`` processes.

    Examples
    --------
    >>> [str(o.error) for o in solve_all(3, jobs=1)]
    ['1/2', '1/3', '1/6', '1/8']
    """
    import os
    from concurrent.futures import ProcessPoolExecutor

    sets = list(all_index_sets(d)) if sets is None else [list(R) for R in sets]
    jobs = jobs or os.cpu_count() or 1
    if jobs == 1 or len(sets) < 64:
        out = []
        for i, R in enumerate(sets):
            out.append(optimal_approximation(d, R))
            if progress:
                progress(i + 1, len(sets))
        return out
    size = max(16, len(sets) // (jobs * 8))
    chunks = [(d, sets[i:i + size]) for i in range(0, len(sets), size)]
    out, done = [], 0
    with ProcessPoolExecutor(jobs) as ex:
        for part in ex.map(_solve_chunk, chunks):
            out.extend(part)
            done += len(part)
            if progress:
                progress(done, len(sets))
    return out


def pareto_front(d: int, progress=None, jobs: int | None = None) -> tuple:
    """Solve every R containing 0 exactly; return (all points, the Pareto front on (parameters, error)).

    A point is on the front when no other has both fewer-or-equal parameters and smaller-or-equal
    error with one strict.
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
