"""The fast op set's form of a 2-D float max pool: depthwise Convolutions, which onnxruntime runs fastest.

onnxruntime's CPU provider runs a depthwise Conv (one group per channel) in its blocked NCHWc
layout, fuses an Add and a Relu after it into the Conv, and keeps the convolutions around the pool
in that layout; a strided Slice, a Sub or a Transpose leaves it. So each pass of the separable plan
(:mod:`maxcert.graphs.pool_plan`, the same plan and ReLUs as the other forms) is written as
depthwise Convs whose kernel runs along the pass's axis alone, the same kernel for every channel:

* the intervals of one Relu layer are cut into *runs*: consecutive intervals whose two parts are
  each a progression of positions in one tensor;
* a run's difference ``a - b`` is one Conv (a +1 and a -1 tap, strided) when both parts lie in
  one tensor, else a Conv of one part added to a pick of the other; ``max(a, b) = b + relu(a - b)``
  is ``Add(pick b, Relu(difference))``, and a pick of a progression is a one-hot strided Conv (none
  when it is the whole tensor);
* the outputs are picked the same way, and joined by a Concat on the axis where they come from
  several runs (border windows that are shorter, for instance).

Cropped positions are never copied: the Convs' strides and offsets skip them. Where a run's kernel
would be long and run over many outputs (more taps than the line has positions, and more than
:data:`MAX_KERNEL` each), :func:`conv_program` returns None and the pool is written in the Slice form
(:func:`maxcert.graphs.pool_emit.emit_fast`). The proof reads the Convs as line operations
(:mod:`maxcert.verify.pool_proof`).

Examples
--------
>>> from maxcert.graphs.pools import PoolSpec, pool_plan
>>> spec = PoolSpec.from_attributes({"kernel_shape": [3, 3], "strides": [2, 2], "pads": [1, 1, 1, 1]}, [8, 8])
>>> prog = conv_program(pool_plan(spec))
>>> [(kind, j, n, [s[0] for s in steps]) for kind, j, n, steps in prog]   # 3 runs of maxima per pass
[('pass', 0, 8, ['max', 'max', 'max', 'out']), ('pass', 1, 8, ['max', 'max', 'max', 'out'])]
>>> [len(steps[-1][1]) for _, _, _, steps in prog]   # outputs from 2 runs: the border window {0, 1}, the rest
[2, 2]
"""

from __future__ import annotations

import numpy as np

from maxcert.graphs.pool_plan import AxisPlan, PoolPlan

MAX_KERNEL = 16  # taps of a Conv kernel that runs over many outputs


class _NotConv(Exception):
    pass


def _extend(items: list, i: int) -> int:
    """The end of the longest run from i: every side in one tensor, its indices a progression."""
    if i + 1 >= len(items) or any(x[0] != y[0] for x, y in zip(items[i], items[i + 1])):
        return i + 1
    steps = [y[1] - x[1] for x, y in zip(items[i], items[i + 1])]
    if min(steps) < 1 or (len(steps) == 2 and items[i][0][0] == items[i][1][0] and steps[0] != steps[1]):
        return i + 1
    j = i + 2
    while j < len(items) and all(items[j][k][0] == items[i][k][0] and items[j][k][1] - items[j - 1][k][1] == steps[k]
                                 for k in range(len(steps))):
        j += 1
    return j


def _runs(items: list) -> list:
    """items (tuples of sides ``(tensor, index)``) cut into runs, as ``(start, stop)``; a run of two
    is given up when the next item starts a longer one."""
    out, i = [], 0
    while i < len(items):
        j = _extend(items, i)
        if j - i == 2 and _extend(items, i + 1) - (i + 1) > 2:
            j = i + 1
        out.append((i, j))
        i = j
    return out


def _prog(side: list, length: dict) -> tuple:
    """(tensor, first index, step, count) of one side of a run, checked for its kernel's length."""
    T, first = side[0]
    st = side[1][1] - first if len(side) > 1 else 1
    cnt = len(side)
    L = length[T] - (cnt - 1) * st
    if (first, st, cnt) != (0, 1, length[T]) and L > MAX_KERNEL and cnt * L > length[T]:
        raise _NotConv(f"a kernel of {L} taps over {cnt} outputs")
    return T, first, st, cnt


def _program(ap: AxisPlan, pos: list, n: int) -> list:
    """One pass as steps on abstract tensors (-1: the pass input, of length n along the axis; k:
    the k-th step's maxima): ``("max", k, A, B)`` with A, B ``(tensor, first, step, count)``, then
    ``("out", [progressions])``. ``pos`` maps the plan's positions to the input's."""
    where = {(p, 1): (-1, pos[p]) for p in range(ap.n)}
    length, steps = {-1: n}, []
    for lv in ap.levels:
        items = [(where[a], where[b]) for _, a, b in lv]
        for i, j in _runs(items):
            A = _prog([a for a, _ in items[i:j]], length)
            B = _prog([b for _, b in items[i:j]], length)
            k = len(steps)
            steps.append(("max", k, A, B))
            length[k] = j - i
            for t, (iv, _, _) in enumerate(lv[i:j]):
                where[iv] = (k, t)
    outs = [where[iv] for iv in ap.outputs]
    steps.append(("out", [_prog(outs[i:j], length) for i, j in _runs([(o,) for o in outs])]))
    return steps


def conv_program(plan: PoolPlan) -> list | None:
    """The Conv form of a 2-D plan as ``(kind, axis, input length, what)``: ``("crop", j, n,
    progression)`` cuts the second pass's axis to the positions it reads before the first pass
    runs over its lines; ``("pass", j, n, steps)`` (:func:`_program`). None where a run or the crop
    does not fit a Conv."""
    if len(plan.sizes) != 2 or len(plan.passes) != 2:
        return None
    (j1, ap1), (j2, ap2) = plan.passes
    out = []
    try:
        n2 = plan.sizes[j2]
        if j2 in plan.crops:
            if len(_runs([((-1, p),) for p in plan.crops[j2]])) != 1:
                return None
            out.append(("crop", j2, n2, _prog([(-1, p) for p in plan.crops[j2]], {-1: n2})))
            n2 = len(plan.crops[j2])
        out.append(("pass", j1, plan.sizes[j1], _program(ap1, plan.crops.get(j1, list(range(ap1.n))), plan.sizes[j1])))
        out.append(("pass", j2, n2, _program(ap2, list(range(n2)), n2)))
    except _NotConv:
        return None
    return out


def emit_conv(E, program: list, X: str, Y: str, channels: int) -> None:
    """Append the Conv form's nodes (depthwise Conv, Relu, Add, Concat) to E."""
    V = X
    for k, (kind, j, n, what) in enumerate(program):
        steps = [("out", [what])] if kind == "crop" else what
        V = _emit_pass(E, V, steps, j, n, channels, f"s{k}")
    E.node("Identity", [V], "out", output=Y)


def _emit_pass(E, V: str, steps: list, j: int, n: int, channels: int, what: str) -> str:
    tensors, length = {-1: V}, {-1: n}

    def conv(P, taps: dict, name: str) -> str:
        key, _, st, cnt = P
        L = length[key] - (cnt - 1) * st  # the kernel length that gives exactly cnt outputs
        w = np.zeros(L, np.float32)
        for off, val in taps.items():
            w[off] = val
        shape = [1, 1, L, 1] if j == 0 else [1, 1, 1, L]
        W = np.broadcast_to(w.reshape(shape), [channels] + shape[1:]).copy()
        return E.node("Conv", [tensors[key], E.const(W, f"{name}_kernel")], name, group=channels,
                      kernel_shape=shape[2:], strides=[st, 1] if j == 0 else [1, st])

    def pick(P, name) -> str:
        key, first, _, cnt = P
        return tensors[key] if (first, P[2], cnt) == (0, 1, length[key]) else conv(P, {first: 1}, name)

    for step in steps:
        if step[0] == "out":
            parts = [pick(P, f"{what}_out{i}") for i, P in enumerate(step[1])]
            return parts[0] if len(parts) == 1 else E.node("Concat", parts, f"{what}_out", axis=2 + j)
        _, key, A, B = step
        name = f"{what}_m{key}"
        if A[0] == B[0]:
            diff = conv(A, {A[1]: 1, B[1]: -1}, f"{name}_diff")
        else:
            diff = E.add(conv(B, {B[1]: -1}, f"{name}_minus_b"), pick(A, f"{name}_a"), f"{name}_diff")
        tensors[key] = E.add(pick(B, f"{name}_b"), E.node("Relu", [diff], f"{name}_relu"), name)
        length[key] = A[3]
    raise AssertionError("a pass program ends in its output")
