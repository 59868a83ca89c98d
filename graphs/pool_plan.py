"""Plans for separable, shared max pooling: which pairwise maxima to compute, and in which Relu layer.

A MaxPool window is a product of per-axis windows, and the max over a product is a max over the
first axis of maxima over the second: the pool is done one spatial axis at a time (a *pass*). On
one axis an output's window is an arithmetic progression of input positions (step: the
dilation), an *interval* ``(p, n)`` = ``{p, p + dil, .., p + (n - 1) dil}``. An interval of n >= 2
positions is the max of two shorter ones, ``max(a, b) = b + relu(a - b)``: one ReLU for each
*distinct* interval computed, shared by every window (and every later interval) that uses it.
An interval of n positions sits in Relu layer ``ceil(log2 n)``: its two parts have at most
``2^(ceil(log2 n) - 1)`` positions each, disjoint or overlapping (max is idempotent, so an overlap
is free, and overlapping power-of-two blocks are what sliding windows share, as in a sparse table).

:func:`plan_axis` picks, among a few splitting rules, the one with the fewest distinct intervals;
:func:`plan_pool` orders the passes (and crops positions no window reads) to spend the fewest
ReLUs on the whole layer. The plan is only a recipe: the proof is read off the written model
(:mod:`maxcert.verify.pools`).

Examples
--------
>>> ax = plan_axis([[0, 1], [1, 2, 3], [3, 4]], 5)    # kernel 3, stride 2, pads 1: borders are shorter
>>> ax.relus, ax.layers
(4, 2)
>>> plan_axis([[i, i + 1, i + 2] for i in range(8)], 10).relus   # stride 1: 8 shared pairs + 8 windows
16
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field


def _level(n: int) -> int:
    return (n - 1).bit_length()


def _splits(p: int, n: int, dil: int) -> list:
    """Candidate (left, right) parts of interval (p, n), each of at most half its Relu layer's width."""
    h = 1 << (_level(n) - 1)
    out = [((p, h), (p + (n - h) * dil, h))]  # overlapping (or the two halves when n = 2h)
    if n != 2 * h:
        out.append(((p, h), (p + h * dil, n - h)))           # a power of two first
        out.append(((p, n - h), (p + (n - h) * dil, h)))     # a power of two last
        half = (n + 1) // 2
        if half not in (h, n - h):
            out.append(((p, half), (p + half * dil, n - half)))  # balanced
    return out


def _is_ap(w: list, dil: int) -> bool:
    return all(b - a == dil for a, b in zip(w, w[1:]))


@dataclass
class AxisPlan:
    """One pass: ``levels[t]`` lists the intervals new in Relu layer t + 1 as ``(interval, left, right)``;
    ``outputs`` the interval of each output position; ``n`` the input length; ``dil`` the step."""

    n: int
    dil: int
    outputs: list
    levels: list = field(default_factory=list)

    @property
    def relus(self) -> int:
        """ReLUs per line with one ReLU per pairwise max."""
        return sum(len(lv) for lv in self.levels)

    @property
    def layers(self) -> int:
        return len(self.levels)

    def slots(self) -> list:
        """The intervals held after each layer: ``slots()[t]`` after layer t (t = 0: the inputs).
        After layer t: the ones new there first, then those carried for later layers or outputs."""
        T = len(self.levels)
        need_after = [set() for _ in range(T + 1)]  # intervals of layer <= t read after layer t
        need_after[T] = set(self.outputs)
        for t in range(T - 1, -1, -1):
            s = set(need_after[t + 1]) - {iv for iv, _, _ in self.levels[t]}
            for _, a, b in self.levels[t]:
                s |= {a, b}
            need_after[t] = s
        out = [[(p, 1) for p in range(self.n)]]
        for t in range(T):
            new = [iv for iv, _, _ in self.levels[t]]
            carried = sorted(need_after[t + 1] - set(new), key=lambda iv: (iv[1], iv[0]))
            out.append(new + carried)
        return out

    def relus_mlp(self, gadget: str = "relu3") -> int:
        """ReLUs per line of the pure-layer form: 3 or 4 per pairwise max, 2 per value carried."""
        per = 3 if gadget == "relu3" else 4
        sl = self.slots()
        return sum(per * len(lv) + 2 * (len(sl[t + 1]) - len(lv)) for t, lv in enumerate(self.levels))


def plan_axis(windows: list, n: int, dil: int = 1) -> AxisPlan:
    """The cheapest plan found for the given windows (lists of input positions) on a line of n.

    Every window must be a non-empty arithmetic progression with step ``dil``. Each splitting rule
    (overlap, power of two first or last, balanced; and on small lines a greedy choice per interval
    of the split that adds the fewest new intervals) is tried on every window, and the rule with the
    fewest distinct intervals wins; all keep every interval in Relu layer ``ceil(log2 n)``.

    Examples
    --------
    >>> p = plan_axis([[0, 1], [2, 3]], 4)        # 2 wide, stride 2: one ReLU per output
    >>> p.relus, p.layers, p.outputs
    (2, 1, [(0, 2), (2, 2)])
    >>> plan_axis([[0]], 1).relus                 # a window of one: no ReLU
    0
    """
    ivs = []
    for w in windows:
        w = sorted(w)
        if not w or not _is_ap(w, dil) or w[0] < 0 or w[-1] >= n:
            raise ValueError(f"window {w} is not a progression of step {dil} inside 0..{n - 1}")
        ivs.append((w[0], len(w)))
    return plan_intervals(ivs, n, dil)


def plan_intervals(ivs: list, n: int, dil: int = 1) -> AxisPlan:
    """:func:`plan_axis` for windows given as intervals ``(first position, count)``."""
    best = None
    work = sum(k for _, k in ivs)
    for rule in range(5 if work <= 50000 else 4):  # the greedy rule looks ahead: only on small lines
        how = {}
        for iv in ivs:
            _build(iv, how, rule, dil)
        if best is None or len(how) < len(best):
            best = how
    levels = [[] for _ in range(max((_level(k) for _, k in best), default=0))]
    for iv in sorted(best, key=lambda iv: (iv[1], iv[0])):
        a, b = best[iv]
        levels[_level(iv[1]) - 1].append((iv, a, b))
    return AxisPlan(n, dil, list(ivs), levels)


def _build(iv, how: dict, rule: int, dil: int) -> None:
    p, n = iv
    if n == 1 or iv in how:
        return
    cands = _splits(p, n, dil)
    if rule < 4:
        a, b = cands[min(rule, len(cands) - 1)] if rule < 3 else cands[-1]
    else:  # greedy: the split whose parts add the fewest new intervals now
        a, b = min(cands, key=lambda ab: _new_cost(ab[0], how, dil) + _new_cost(ab[1], how, dil))
    _build(a, how, rule, dil)
    _build(b, how, rule, dil)
    how[iv] = (a, b)


def _new_cost(iv, how: dict, dil: int, depth: int = 0) -> int:
    p, n = iv
    if n == 1 or iv in how:
        return 0
    if depth > 3:  # an estimate: below this, count the plain tree
        return n - 1
    return 1 + min(_new_cost(a, how, dil, depth + 1) + _new_cost(b, how, dil, depth + 1)
                   for a, b in _splits(p, n, dil))


@dataclass
class PoolPlan:
    """Passes over the spatial axes: ``crops`` (axis -> positions kept) first, then ``passes`` in
    order, each ``(axis, AxisPlan)`` with positions relative to the cropped axis."""

    crops: dict
    passes: list
    lines: list  # lines of each pass per (batch, channel) plane
    sizes: list = field(default_factory=list)  # input lengths of the spatial axes

    @property
    def relus_per_plane(self) -> int:
        return sum(ap.relus * k for (_, ap), k in zip(self.passes, self.lines))

    @property
    def layers(self) -> int:
        return sum(ap.layers for _, ap in self.passes)


def plan_pool(axis_intervals: list, sizes: list, dilations: list) -> PoolPlan:
    """Order the passes of an r-axis pool to spend the fewest ReLUs.

    ``axis_intervals[j][o]`` is the window of output o on axis j as ``(first position, count)``,
    a progression of step ``dilations[j]``; ``sizes[j]`` the input length. Positions of an axis
    that no window reads are cropped first (a linear selection: no ReLU), so no pass spends ReLUs
    on lines nobody reads; a crop is kept only where the windows stay progressions of one step.

    Examples
    --------
    >>> w = [[(2 * o, 2) for o in range(3)]] * 2       # 2x2 stride 2 on 7x7: row 6 unread
    >>> p = plan_pool(w, [7, 7], [1, 1])
    >>> p.crops, p.relus_per_plane, p.layers           # 6 rows x 3 + 3 x 3 = 3 per output
    ({0: [0, 1, 2, 3, 4, 5], 1: [0, 1, 2, 3, 4, 5]}, 27, 2)
    """
    import numpy as np

    r = len(sizes)
    crops, local, used = {}, [], []
    for j in range(r):
        ivs, dil, n = axis_intervals[j], dilations[j], sizes[j]
        mask = np.zeros(n, dtype=bool)
        firsts = np.array([p for p, _ in ivs], dtype=np.int64)
        counts = np.array([k for _, k in ivs], dtype=np.int64)
        for k in range(int(counts.max()) if len(counts) else 0):
            sel = counts > k
            mask[firsts[sel] + k * dil] = True
        cnt = np.cumsum(mask) - 1  # local index of each kept position
        step = None
        if mask.sum() < n:
            gaps = set()
            for k in range(1, int(counts.max())):
                sel = counts > k
                gaps |= set(np.unique(cnt[firsts[sel] + k * dil] - cnt[firsts[sel] + (k - 1) * dil]).tolist())
            step = gaps.pop() if len(gaps) == 1 else 1 if not gaps else None
        if step is not None:
            crops[j] = np.flatnonzero(mask).tolist()
            local.append(plan_intervals([(int(cnt[p]), k) for p, k in ivs], int(mask.sum()), step))
            used.append(int(mask.sum()))
        else:
            local.append(plan_intervals(list(ivs), n, dil))
            used.append(n)
    outs = [len(w) for w in axis_intervals]
    best = None
    for order in itertools.permutations(range(r)):
        lines, cost = [], 0
        for k, j in enumerate(order):
            n_lines = math.prod(outs[i] for i in order[:k]) * math.prod(used[i] for i in order[k + 1:])
            lines.append(n_lines)
            cost += local[j].relus * n_lines
        if best is None or cost < best[0]:
            best = (cost, order, lines)
    _, order, lines = best
    return PoolPlan(crops, [(j, local[j]) for j in order], lines, list(sizes))
