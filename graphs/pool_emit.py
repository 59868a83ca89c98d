"""ONNX nodes for a planned max pool (:mod:`maxcert.graphs.pool_plan`), in two forms and two op sets.

Forms (what a pairwise max costs):

* ``residual`` (default): ``max(a, b) = b + relu(a - b)``, one ReLU per distinct pairwise max; the
  ``b`` reaches the sum by a skip connection (a linear path around the Relu).
* ``mlp``: a plain alternation of linear maps and Relu layers, no skip connection: each pairwise max
  is a relu3 (``relu(a - b) + relu(b) - relu(-b)``) or relu4 (the paper's symmetric) gadget and a
  value carried through a layer costs two ReLUs (``relu(c) - relu(-c)``); the linear map after one
  Relu layer and the one before the next are multiplied into one.

Op sets:

* ``portable`` (default): only what Marabou, auto_LiRPA (through onnx2torch) and CrypTen read:
  Reshape with explicit positive shapes to ``(N, lines, length)``, MatMul of that by a constant
  2-D matrix (selections and differences with entries 0, 1, -1 and, for relu4, 1/2), Relu, Add of
  two tensors, and Transpose to bring the next axis last. Nothing of higher rank than the pool.
* ``fast``: for onnxruntime: picks along the pooled axis by strided Slice (opset >= 10) or Gather,
  Sub, Relu, Add, Concat where picks come from several tensors, and two Transposes around a pass
  along the last axis (its picks then copy rows); no Reshape, so the batch may stay symbolic.

Each pass works on the windows' unpadded positions only: padding never enters a max and no
constant stands in for -inf.
"""

from __future__ import annotations

import math

import numpy as np

from maxcert.graphs.pool_plan import AxisPlan, PoolPlan

FORMS = ("residual", "mlp")
OPSETS = ("portable", "fast")
PORTABLE_MATRIX_LIMIT = 1 << 24  # entries of one pool's constant matrices in the portable form


def schedule(ap: AxisPlan) -> list:
    """Slot lists after each layer, the last one being the outputs in order (t = 0: the inputs)."""
    sl = ap.slots()
    if ap.levels:
        sl[-1] = list(ap.outputs)
    return sl


def _index(slots: list) -> dict:
    return {iv: i for i, iv in enumerate(slots)}


def _layers(ap: AxisPlan, pos: list, n0: int, sl: list):
    """Per layer: its new intervals, the slot of each interval in the state it reads, that state's
    width (the first reads the n0 raw positions, a crop folded in by ``pos``) and the slots it writes."""
    for t, lv in enumerate(ap.levels):
        prev = _index(sl[t]) if t else {(p, 1): pos[p] for p in range(ap.n)}
        yield lv, prev, (len(sl[t]) if t else n0), sl[t + 1]


def residual_layers(ap: AxisPlan, pos: list, n0: int) -> list:
    """Per layer ``(Mdiff, Mbase, Mplace)``: ``S' = S @ Mbase + relu(S @ Mdiff) @ Mplace``.

    ``pos`` maps the plan's positions to the n0 rows of the first state (a crop folded in).

    Examples
    --------
    >>> from maxcert.graphs.pool_plan import plan_axis
    >>> (Md, Mb, Mp), = residual_layers(plan_axis([[0, 1]], 2), [0, 1], 2)
    >>> Md.ravel().tolist(), Mb.ravel().tolist(), Mp.tolist()    # max(x0, x1) = x1 + relu(x0 - x1)
    ([1.0, -1.0], [0.0, 1.0], [[1.0]])
    """
    out = []
    for lv, prev, n_prev, nxt in _layers(ap, pos, n0, schedule(ap)):
        Md = np.zeros((n_prev, len(lv)))
        new = {}
        for i, (iv, a, b) in enumerate(lv):
            Md[prev[a], i] += 1
            Md[prev[b], i] -= 1
            new[iv] = (i, b)
        Mb = np.zeros((n_prev, len(nxt)))
        Mp = np.zeros((len(lv), len(nxt)))
        for s, iv in enumerate(nxt):
            if iv in new:
                i, b = new[iv]
                Mb[prev[b], s] = 1
                Mp[i, s] = 1
            else:
                Mb[prev[iv], s] = 1
        out.append((Md, Mb, Mp))
    return out


def mlp_layers(ap: AxisPlan, pos: list, n0: int, gadget: str = "relu3") -> list:
    """Per layer ``(A, B)``: ``S' = relu(S @ A) @ B`` (the caller multiplies B into the next A)."""
    out = []
    for lv, prev, n_prev, nxt in _layers(ap, pos, n0, schedule(ap)):
        cols, rows_of = [], {}  # hidden units: (coefficients on prev slots)
        for iv, a, b in lv:
            ia, ib = prev[a], prev[b]
            if gadget == "relu3":
                units = [{ia: 1, ib: -1}, {ib: 1}, {ib: -1}]
                outw = [1, 1, -1]
            else:
                units = [{ia: 1, ib: -1}, {ia: -1, ib: 1}, {ia: 1, ib: 1}, {ia: -1, ib: -1}]
                outw = [0.5, 0.5, 0.5, -0.5]
            rows_of[iv] = [(len(cols) + k, w) for k, w in enumerate(outw)]
            cols.extend(units)
        for iv in dict.fromkeys(nxt):
            if iv not in rows_of:
                rows_of[iv] = [(len(cols), 1), (len(cols) + 1, -1)]
                cols.extend([{prev[iv]: 1}, {prev[iv]: -1}])
        A = np.zeros((n_prev, len(cols)))
        for k, c in enumerate(cols):
            for i, w in c.items():
                A[i, k] += w
        B = np.zeros((len(cols), len(nxt)))
        for s, iv in enumerate(nxt):
            for k, w in rows_of[iv]:
                B[k, s] = w
        out.append((A, B))
    return out


def selection(ap: AxisPlan, pos: list, n_rows: int) -> np.ndarray:
    """The 0/1 matrix taking each output's single position (a plan without layers)."""
    M = np.zeros((n_rows, len(ap.outputs)))
    for s, (p, _n) in enumerate(ap.outputs):
        M[pos[p], s] = 1
    return M


def portable_entries(plan: PoolPlan, form: str = "residual") -> int:
    """Entries of the constant matrices the portable form writes for a plan (its size in the file)."""
    total = 0
    for j, ap in plan.passes:
        n = plan.sizes[j] if j == plan.passes[0][0] else ap.n  # the first pass reads the raw axis
        sl = schedule(ap)
        if not ap.levels:
            total += n * len(ap.outputs)
        for t, lv in enumerate(ap.levels):
            rows = n if t == 0 else len(sl[t])
            width = 3 * len(lv) + len(sl[t + 1]) if form == "residual" else 4 * len(sl[t + 1])
            total += rows * width
    for j, keep in plan.crops.items():
        total += plan.sizes[j] * len(keep) if j != plan.passes[0][0] else 0
    return total


class _Layout:
    """The current axis order of the pooled tensor and the sizes of its spatial axes."""

    def __init__(self, lead: list, sizes: list):
        self.lead, self.order, self.sizes = lead, list(range(len(sizes))), list(sizes)


def emit_portable(E, plan: PoolPlan, X: str, Y: str, lead: list, sizes: list, form: str, gadget: str) -> None:
    """Append the portable nodes computing ``Y = MaxPool(X)`` to the emitter E (see the module doc)."""
    N, C = lead
    L = _Layout(lead, sizes)
    V = X
    first = plan.passes[0][0] if plan.passes else None
    steps = [(j, None) for j in sorted(plan.crops) if j != first] + list(plan.passes)
    for k, (j, ap) in enumerate(steps):
        V = _bring_last(E, V, L, j, f"s{k}")
        others = [L.sizes[a] for a in L.order[:-1]]
        rows = C * math.prod(others)
        n = L.sizes[j]
        # (1, lines, n): a leading 1 that Marabou drops before its 2-D MatMul and auto_LiRPA takes as the batch
        flat = len(L.order) == 1 and N == 1
        lines = -1 if N is None else N * rows  # a symbolic batch: -1, so that any batch still runs
        V3 = V if flat else E.node("Reshape", [V, E.const(np.array([1, lines, n], np.int64), f"s{k}_lines")],
                                   f"s{k}_lines")
        crop = plan.crops.get(j)
        if ap is None:  # a crop: keep the positions some window reads
            M = np.zeros((n, len(crop)))
            M[crop, np.arange(len(crop))] = 1
            W3 = E.node("MatMul", [V3, E.matrix(M, f"s{k}_crop")], f"s{k}_crop")
            m = len(crop)
        else:
            pos = crop if (crop is not None and j == first) else list(range(ap.n))
            W3 = _line(E, V3, ap, pos, n, form, gadget, f"s{k}", None if N is None else N * rows)
            m = len(ap.outputs)
        L.sizes[j] = m
        last = k == len(steps) - 1 and L.order == list(range(len(sizes)))
        shape = [-1 if N is None else N, C] + [L.sizes[a] for a in L.order]
        if flat:
            V = W3 if not last else E.node("Identity", [W3], "out", output=Y)
        else:
            V = E.node("Reshape", [W3, E.const(np.array(shape, np.int64), f"s{k}_back")], f"s{k}_back",
                       output=Y if last else None)
    if L.order != list(range(len(sizes))):
        perm = [0, 1] + [2 + L.order.index(a) for a in range(len(sizes))]
        E.node("Transpose", [V], "out", output=Y, perm=perm)
    elif V != Y:
        E.node("Identity", [V], "out", output=Y)


def _bring_last(E, V: str, L: _Layout, j: int, what: str) -> str:
    if L.order[-1] == j:
        return V
    new = [a for a in L.order if a != j] + [j]
    perm = [0, 1] + [2 + L.order.index(a) for a in new]
    L.order = new
    return E.node("Transpose", [V], f"{what}_axis_last", perm=perm)


def _line(E, V: str, ap: AxisPlan, pos: list, n: int, form: str, gadget: str, what: str, lines=None) -> str:
    """The layers of one pass on (N, lines, n) by MatMul with constant matrices."""
    if not ap.levels:
        return E.node("MatMul", [V, E.matrix(selection(ap, pos, n), f"{what}_select")], f"{what}_select")
    S = V
    if form == "residual":
        for t, (Md, Mb, Mp) in enumerate(residual_layers(ap, pos, n)):
            D = E.node("MatMul", [S, E.matrix(Md, f"{what}_l{t}_diff")], f"{what}_l{t}_diff")
            # below opset 7 the Relu feeds a Concat with a MatMul output: both must be MatMul-shaped in Marabou
            R = E.node("Relu", [D], f"{what}_l{t}_relu") if E.opset < 7 else \
                _flat_relu(E, D, Md.shape[1], f"{what}_l{t}", lines)
            base = None if E.opset < 7 else E.node("MatMul", [S, E.matrix(Mb, f"{what}_l{t}_base")], f"{what}_l{t}_base")
            if E.opset < 7:  # no Add that onnxruntime runs and no Sum that Marabou reads: one MatMul of both
                # (of two MatMul outputs: Marabou drops their leading 1 alike, so the two ranks agree)
                base = E.node("MatMul", [S, E.matrix(Mb, f"{what}_l{t}_base")], f"{what}_l{t}_base")
                both = E.node("Concat", [base, R], f"{what}_l{t}_both", axis=-1)
                M = np.vstack([np.eye(Mb.shape[1]), Mp])
                S = E.node("MatMul", [both, E.matrix(M, f"{what}_l{t}_sum")], f"{what}_l{t}_max")
                continue
            if Mp.shape[0] == Mp.shape[1] and np.array_equal(Mp, np.eye(Mp.shape[0])):
                S = E.add(base, R, f"{what}_l{t}_max")
            else:
                placed = E.node("MatMul", [R, E.matrix(Mp, f"{what}_l{t}_place")], f"{what}_l{t}_place")
                S = E.add(base, placed, f"{what}_l{t}_max")
        return S
    layers = mlp_layers(ap, pos, n, gadget)
    H, carry = V, None
    for t, (A, B) in enumerate(layers):
        A = A if t == 0 else carry @ A
        H = _flat_relu(E, E.node("MatMul", [H, E.matrix(A, f"{what}_l{t}_in")], f"{what}_l{t}_in"), A.shape[1],
                       f"{what}_l{t}", lines)
        carry = B
    return E.node("MatMul", [H, E.matrix(carry, f"{what}_out")], f"{what}_out")


def _flat_relu(E, T: str, m: int, what: str, lines=None) -> str:
    """Relu of a (1, lines, m) tensor, taken on its (1, lines * m) reshape and reshaped back.

    auto_LiRPA 0.3 bounds the input of a Relu through a sparse one-hot specification that its
    MatMul supports only on 2-D tensors; flattened, the pre-activation is a 2-D Reshape."""
    size, rows = (-1, -1) if lines is None else (lines * m, lines)  # -1 only for a symbolic batch
    flat = E.node("Reshape", [T, E.const(np.array([1, size], np.int64), f"{what}_flat")], f"{what}_flat")
    R = E.node("Relu", [flat], f"{what}_relu")
    return E.node("Reshape", [R, E.const(np.array([1, rows, m], np.int64), f"{what}_lines")], f"{what}_relu_lines")


def emit_fast(E, plan: PoolPlan, X: str, Y: str, r: int, form: str, gadget: str) -> None:
    """Append the fast nodes (Gather on the pooled axis, Sub, Relu, Add, Concat) to E."""
    V = X
    first = plan.passes[0][0] if plan.passes else None
    steps = [(j, None) for j in sorted(plan.crops) if j != first] + list(plan.passes)
    for k, (j, ap) in enumerate(steps):
        axis = 2 + j
        crop = plan.crops.get(j)
        if ap is None:
            V = E.node("Gather", [V, E.const(np.array(crop, np.int64), f"s{k}_crop")], f"s{k}_crop", axis=axis)
            continue
        pos = crop if (crop is not None and j == first) else list(range(ap.n))
        swap = r >= 2 and j == r - 1  # picks along the last axis copy element by element:
        if swap:  # pick whole rows of the first spatial axis instead, between two Transposes
            perm = list(range(2 + r))
            perm[2], perm[-1] = perm[-1], perm[2]
            V = E.node("Transpose", [V], f"s{k}_axis_first", perm=perm)
        V = _fast_line(E, V, ap, pos, 2 if swap else axis, form, gadget, f"s{k}")
        if swap:
            V = E.node("Transpose", [V], f"s{k}_axis_back", perm=perm)
    E.node("Identity", [V], "out", output=Y)


def _runs(idx: list) -> list:
    """idx cut into maximal arithmetic progressions of positive step: [(start, stop, step)]."""
    out, i = [], 0
    while i < len(idx):
        j = i + 1
        if j < len(idx) and idx[j] > idx[i]:
            step = idx[j] - idx[i]
            while j + 1 < len(idx) and idx[j + 1] - idx[j] == step:
                j += 1
            out.append((idx[i], idx[j] + 1, step))
            i = j + 1
        else:
            out.append((idx[i], idx[i] + 1, 1))
            i += 1
    return out


def take(E, T: str, idx: list, axis: int, name: str) -> str:
    """The entries idx of T along axis: strided Slices (joined by a Concat) where idx is a few
    progressions, which onnxruntime copies much faster than a Gather; a Gather otherwise."""
    runs = _runs(list(idx))
    if E.opset < 10 or len(runs) > 4:
        return E.node("Gather", [T, E.const(np.array(idx, np.int64), name)], name, axis=axis)
    parts = []
    for k, (a, b, st) in enumerate(runs):
        ins = [T] + [E.const(np.array([v], np.int64), f"{name}_{w}{k}") for v, w in ((a, "start"), (b, "end"),
                                                                                       (axis, "axis"), (st, "step"))]
        parts.append(E.node("Slice", ins, f"{name}_{k}" if len(runs) > 1 else name))
    return parts[0] if len(parts) == 1 else E.node("Concat", parts, name, axis=axis)


def _fast_line(E, V: str, ap: AxisPlan, pos: list, axis: int, form: str, gadget: str, what: str) -> str:
    if form == "residual":
        return _fast_residual(E, V, ap, pos, axis, what)
    sl = ap.slots()

    def gather(T, idx, name):
        return take(E, T, idx, axis, name)

    S = V
    for t, (lv, prev, _, nxt) in enumerate(_layers(ap, pos, ap.n, sl)):
        A = gather(S, [prev[a] for _, a, _ in lv], f"{what}_l{t}_a")
        B = gather(S, [prev[b] for _, _, b in lv], f"{what}_l{t}_b")
        if form == "residual":
            new = E.add(B, E.node("Relu", [E.sub(A, B, f"{what}_l{t}_diff")], f"{what}_l{t}_relu"), f"{what}_l{t}_max")
        else:
            new = E.max_gadget(A, B, gadget, f"{what}_l{t}")
        carried = [prev[iv] for iv in nxt[len(lv):]]
        if carried:
            C = gather(S, carried, f"{what}_l{t}_carry")
            if form == "mlp":
                C = E.carry(C, f"{what}_l{t}_carry")
            S = E.node("Concat", [new, C], f"{what}_l{t}_state", axis=axis)
        else:
            S = new
    last = _index(sl[-1]) if ap.levels else {(p, 1): pos[p] for p in range(ap.n)}
    idx = [last[iv] for iv in ap.outputs]
    if ap.levels and idx == list(range(len(sl[-1]))):
        return S
    return gather(S, idx, f"{what}_out")


def _fast_residual(E, V: str, ap: AxisPlan, pos: list, axis: int, what: str) -> str:
    """The residual form with no state tensor: each layer's maxima stay in their own tensor and every
    pick reads the tensor that holds its interval, so nothing is carried or concatenated per layer."""
    where = {(p, 1): (V, pos[p]) for p in range(ap.n)}  # interval -> (tensor, index along the axis)

    def pick(ivs, name):
        runs = []  # consecutive picks from one tensor
        for iv in ivs:
            T, i = where[iv]
            if runs and runs[-1][0] == T:
                runs[-1][1].append(i)
            else:
                runs.append((T, [i]))
        parts = [T if idx == list(range(_width(T))) else take(E, T, idx, axis, f"{name}_{k}" if len(runs) > 1 else name)
                 for k, (T, idx) in enumerate(runs)]
        return parts[0] if len(parts) == 1 else E.node("Concat", parts, name, axis=axis)

    widths = {}  # tensors made here -> their length along the axis (the input's is never taken whole)

    def _width(T):
        return widths.get(T, -1)

    for t, lv in enumerate(ap.levels):
        A = pick([a for _, a, _ in lv], f"{what}_l{t}_a")
        B = pick([b for _, _, b in lv], f"{what}_l{t}_b")
        new = E.add(B, E.node("Relu", [E.sub(A, B, f"{what}_l{t}_diff")], f"{what}_l{t}_relu"), f"{what}_l{t}_max")
        widths[new] = len(lv)
        for i, (iv, _, _) in enumerate(lv):
            where[iv] = (new, i)
    return pick(list(ap.outputs), f"{what}_out")
