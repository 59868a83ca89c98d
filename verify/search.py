"""One branch-and-bound driver, its options and its results.

A search is a *bounding step* and a *branching rule* over nodes of its own kind (an input box with
fixed ReLU phases in :mod:`maxcert.verify.bab`, a set of fixed phases on one warm LP in
:mod:`maxcert.verify.phase_bab`). :func:`drive` owns what they share: the best-first heap, the
deadline, the work counters, the turns handed back when several searches share a process, and
the result, with a proved bound over the open nodes when the search stops early.

A search object provides:

* ``roots(deadline)``: the root work (bounds), then the initial ``[(key, node)]`` (none: nothing to search);
* ``prepare(batch)``: work shared by the nodes popped together (batched bounds), or None;
* ``step(node, j, prep, left)``: bound node j of the batch and branch: an :class:`Outcome`;
* ``open_bound(nodes)``: a proved bound of the objective over open nodes (None: none known);
* ``batch``: nodes popped at once; ``dive``: take a child straight after its parent;
* ``inc`` (:class:`maxcert.verify.bab.Incumbent`), ``stats`` (:class:`Stats`), ``opts``
  (:class:`Options`), ``bound_cost(n)`` (seconds to bound n open nodes) and ``result(status, upper)``.

Lower keys are searched first (the negated LP or bound value: best first).
"""

from __future__ import annotations

import heapq
import math
import time
from dataclasses import dataclass, field, fields
from fractions import Fraction


@dataclass(frozen=True)
class Options:
    """The levers of branch and bound, passed down to every search (measured in
    benchmarks/bracket_width.py; the defaults are the measured best)."""

    split_inputs_upto: int = 12  # input dimensions where the input-split search also halves input sides
    phase_min_d: int = 7  # from this input dimension on, pieces are searched over ReLU phases
    whole_box: bool = True  # on that path, the positive error is one whole-box piece
    subtree_bits: int = 2  # with 2 processes the whole-box piece goes out as 2^2 phase subtrees (one bit more per doubling)
    batch: int = 32  # input-split search: nodes popped together for one batched bound propagation
    quick_pass: float = 0.5  # seconds of in-process search before worker processes are started
    z3_slice: float = 2.0  # seconds z3 gets on a leaf before the leaf is split instead
    dive: bool = False  # phase search: a child straight after its parent (off: best-first gives 10-20 % tighter brackets)
    rule: str = "dual"  # phase search: which ReLU to split ("dual", "frac", "dualgap")
    cuts: int = 10  # rounds of ideal-formulation cuts at the phase search's root
    node_cuts: int = 0  # rounds of them at every node the LP does not close
    cut_most: int = 32  # cuts added per round at most
    root_full: bool = True  # root bounds by LP even past the deadline (a late task still bounds its open nodes by LP)
    obbt: int = 1  # rounds of cuts per LP-tightened root bound (0: bounds by LP without cuts)
    share: bool = True  # under a time limit, the searches of a process time-share it
    imply: bool = False  # phases implied by linear bounds at each node (found none on the d = 9 models)
    yield_every: int = 64  # LPs between turns when several searches share a process
    record: bool = False  # keep the record a certificate file carries (bounds, cuts, tree, multipliers)
    record_every_d: bool = False  # with record, the phase search below phase_min_d too (multipliers, not a box tree)

    def replace(self, **kw) -> Options:
        names = {f.name for f in fields(self)}
        bad = sorted(set(kw) - names)
        if bad:
            raise ValueError(f"no branch-and-bound option {', '.join(bad)}")
        return Options(**{**{n: getattr(self, n) for n in names}, **kw})


DEFAULT = Options()


@dataclass
class Stats:
    """Work done: nodes bounded, z3 leaf queries, LPs solved, exact dual (or Farkas) sums and
    exact linear-bound replays checked, cuts added."""

    nodes: int = 0
    z3: int = 0
    lps: int = 0
    dual: int = 0
    linear: int = 0
    cuts: int = 0

    def __add__(self, other: Stats) -> Stats:
        return Stats(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)})


@dataclass
class PieceResult:
    """One search's end. ``status``: "closed" (nothing exceeds the final ``T``), "witness" (an exact
    point above the initial T, certify mode) or "unknown" (stopped: ``upper`` bounds the open nodes);
    ``best``/``witness``: the best exact objective found above the initial T and its point;
    ``proof``: the certificate record (a list of subtree records) when asked for."""

    status: str
    T: Fraction
    best: Fraction | None = None
    witness: list | None = None
    upper: Fraction | None = None
    stats: Stats = field(default_factory=Stats)
    proof: list | None = None


@dataclass
class Outcome:
    """A node's fate: ``children`` to push (``(key, node)``; none: closed), or ``stop``: "witness"
    (certify mode found a point above T) or "unknown" (a leaf could not be decided in time).
    ``dive``: False for a node pushed again (never taken as the next node straight away)."""

    children: list = field(default_factory=list)
    stop: str | None = None
    dive: bool = True


CLOSED = Outcome()


def drive(search, deadline=None, stop_above: bool = False):
    """Best-first branch and bound over ``search`` (see the module docstring), as a generator.

    Every ``yield_every`` LPs (``search.stats.lps``) it yields ``(the largest open key's value, T,
    the seconds bounding its open nodes would take)`` and takes back a threshold raised elsewhere
    (error mode), None, or "stop"; it returns a :class:`PieceResult`.
    """
    inc, stats, opts = search.inc, search.stats, search.opts
    heap, tick = [], 0
    for key, node in search.roots(deadline):
        heap.append((key, tick, node))
        tick += 1
    heapq.heapify(heap)
    dive, turn = None, 0

    def result(status, current=()):
        if status != "unknown":
            return search.result(status)
        open_nodes = list(current) + [e[2] for e in heap] + ([] if dive is None else [dive[1]])
        return search.result(status, search.open_bound(open_nodes) if open_nodes else None)

    while heap or dive is not None:
        if deadline is not None and time.perf_counter() > deadline:
            return result("unknown")
        if stats.lps >= turn:
            turn = stats.lps + opts.yield_every
            top = min(heap[0][0] if heap else math.inf, dive[0] if dive is not None else math.inf)
            msg = yield -top, inc.T, search.bound_cost(len(heap) + 2)
            if msg == "stop":
                return result("unknown")
            if isinstance(msg, Fraction) and not stop_above and msg > inc.T:
                inc.T = msg
            if deadline is not None and time.perf_counter() > deadline:
                return result("unknown")
        if dive is not None:
            batch, dive = [dive[1]], None
        else:
            batch = [heapq.heappop(heap)[2] for _ in range(min(search.batch, len(heap)))]
        prep = search.prepare(batch)
        for j, node in enumerate(batch):
            if deadline is not None and time.perf_counter() > deadline:
                return result("unknown", batch[j:])
            stats.nodes += 1
            out = search.step(node, j, prep, deadline)
            if out.stop == "witness":
                return result("witness")
            if out.stop == "unknown":
                return result("unknown", batch[j:])
            for key, child in out.children:
                if dive is None and opts.dive and search.can_dive and out.dive:
                    dive = (key, child)
                else:
                    heapq.heappush(heap, (key, tick, child))
                    tick += 1
    return result("closed")


def run(search, deadline=None, stop_above: bool = False) -> PieceResult:
    """:func:`drive` to its end in this process (no turns handed back)."""
    g = drive(search, deadline, stop_above)
    try:
        while True:
            next(g)
    except StopIteration as e:
        return e.value


def left(deadline):
    """Seconds left before the deadline (at least 0.05), or None without one."""
    return None if deadline is None else max(0.05, deadline - time.perf_counter())


__all__ = ["CLOSED", "DEFAULT", "Options", "Outcome", "PieceResult", "Stats", "drive", "left", "run"]
