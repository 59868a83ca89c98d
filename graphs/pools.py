"""ONNX MaxPool: its windows, and its replacement by standard ONNX ops whose only nonlinearity is Relu.

A MaxPool output at position ``o`` is the max over the *unpadded* inputs of its window: ONNX pads
MaxPool with -inf, so padded positions never win. Per spatial axis j the window of ``o_j`` is
``o_j * s_j - pad_begin_j + k * dil_j`` for ``k = 0 .. K_j - 1``, kept where it lies inside the
input; the window of ``o`` is the product of those per-axis sets.

The replacement (:func:`rewrite_model`) has two parts:

* a **selection**: one ``Gather`` per spatial axis with constant indices of shape ``(K_j, O_j)``,
  then ``Transpose`` and ``Reshape`` to ``(N, C, O_1.., d)`` with ``d = prod K_j``. A padded
  kernel offset gathers a valid element *of the same window* instead (the first one on that axis),
  and ``max(S + {a}) = max(S)`` for ``a`` in ``S``: each row holds exactly its window's inputs,
  some repeated, and padding needs no constant at all;
* a **tree** over the last axis: ``ceil(log2 d)`` levels of pairwise maxima, each level a ``Slice``
  of halves, one ``Relu`` layer and ``Sum``/``Neg`` (``relu3``: ``max(a, b) = relu(a - b) +
  relu(b) - relu(-b)``; ``relu4``: the paper's symmetric form), an odd element carried through the
  layer as ``relu(c) - relu(-c)``; a final ``Reshape`` drops the length-1 axis.

Both parts act on tensors, not on elements, so the added graph has O(d) nodes whatever the map's
size. :mod:`maxcert.verify.pools` proves each replacement from the written model.

Examples
--------
>>> spec = PoolSpec.from_attributes({"kernel_shape": [3], "strides": [2], "pads": [1, 1]}, [5])
>>> spec.out, window_axis(spec, 0, 0), window_axis(spec, 0, 2)
([3], [0, 1], [3, 4])
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from maxcert.errors import MaxcertError

GADGETS = ("relu3", "relu4")
MAXLIKE = ("Max", "ReduceMax", "MaxPool", "GlobalMaxPool", "MaxRoiPool", "MaxUnpool", "ArgMax", "LpPool")


class PoolError(MaxcertError):
    """A MaxPool that cannot be rewritten (bad attributes, unknown shape, a used Indices output)."""


@dataclass
class PoolSpec:
    """The geometry of one MaxPool over ``r`` spatial axes (all lists of length r)."""

    kernel: list
    strides: list
    dilations: list
    pads_begin: list
    pads_end: list
    ceil_mode: int
    inp: list  # spatial input sizes
    out: list = field(default_factory=list)  # spatial output sizes

    @classmethod
    def from_attributes(cls, attrs: dict, spatial: list) -> "PoolSpec":
        """The geometry of ONNX MaxPool attributes on a map of spatial size ``spatial``.

        Sizes and pads are onnxruntime's, the runtime the rewritten model is compared with (it agrees
        with the ONNX spec and PyTorch except in corners of auto_pad with dilation): ``out =
        trunc((in + pads - dil (k - 1) - 1) / s) + 1``, with ceil_mode ``ceil(..) + 1`` less a last
        window that would start in the end padding; ``VALID`` pads nothing; ``SAME_UPPER`` and
        ``SAME_LOWER`` pad ``(ceil(in / s) - 1) s + k - in`` in all (the undilated kernel), the odd
        one at the end (upper) or the beginning (lower).

        Examples
        --------
        >>> s = PoolSpec.from_attributes({"kernel_shape": [2, 2], "auto_pad": "SAME_LOWER"}, [3, 3])
        >>> s.out, s.pads_begin, s.pads_end
        ([3, 3], [1, 1], [0, 0])
        """
        spatial = [int(v) for v in spatial]
        r = len(spatial)
        kernel = attrs.get("kernel_shape")
        if kernel is None:
            raise PoolError("MaxPool has no kernel_shape")
        kernel = [int(k) for k in kernel]
        if len(kernel) != r:
            raise PoolError(f"kernel_shape {kernel} has {len(kernel)} axes but the input has {r} spatial axes")
        if any(k < 1 for k in kernel):
            raise PoolError(f"kernel_shape {kernel} has an empty axis")
        strides = [int(v) for v in (attrs.get("strides") or [1] * r)]
        dil = [int(v) for v in (attrs.get("dilations") or [1] * r)]
        for name, vals in (("strides", strides), ("dilations", dil)):
            if len(vals) != r or any(v < 1 for v in vals):
                raise PoolError(f"{name} {vals} must be {r} integers >= 1")
        ceil_mode = int(attrs.get("ceil_mode", 0))
        auto_pad = attrs.get("auto_pad", "NOTSET")
        auto_pad = auto_pad.decode() if isinstance(auto_pad, bytes) else auto_pad
        if any(s < 1 for s in spatial):
            raise PoolError(f"the input's spatial shape {spatial} is empty")
        if auto_pad in ("NOTSET", ""):
            pads = [int(v) for v in (attrs.get("pads") or [0] * (2 * r))]
            if len(pads) != 2 * r or any(p < 0 for p in pads):
                raise PoolError(f"pads {pads} must be {2 * r} integers >= 0")
            pb, pe = pads[:r], pads[r:]
        elif auto_pad == "VALID":
            pb, pe = [0] * r, [0] * r
        elif auto_pad in ("SAME_UPPER", "SAME_LOWER"):
            pb, pe = [], []
            for n, k, s in zip(spatial, kernel, strides):
                need = (-(-n // s) - 1) * s + k - n  # onnxruntime's: the undilated kernel, may be < 0
                head = _trunc_div(need + 1, 2) if auto_pad == "SAME_LOWER" else _trunc_div(need, 2)
                pb.append(head)
                pe.append(need - head)
        else:
            raise PoolError(f"unknown auto_pad {auto_pad!r}")
        out = []
        for n, k, d, s, b, a in zip(spatial, kernel, dil, strides, pb, pe):
            num = n + b + a - d * (k - 1) - 1
            o = _trunc_div(num, s) + 1
            if ceil_mode:
                o = -(-num // s) + 1
                if (o - 1) * s >= n + b:  # the last window must start inside the input
                    o -= 1
            if o < 0:  # onnxruntime refuses to run such a pool ("Calculated output dimension is negative")
                raise PoolError(f"kernel {k} with dilation {d} does not fit an input of {n} padded by {b} and {a}")
            out.append(o)  # 0 when the kernel just misses: onnxruntime gives an empty axis
        spec = cls(kernel, strides, dil, pb, pe, ceil_mode, spatial, out)
        for j in range(r):
            for o in sorted({0, spec.out[j] - 1} - {-1}):
                if not window_axis(spec, j, o):
                    raise PoolError(f"output {o} on spatial axis {j} has a window of padding only "
                                    f"(kernel {kernel}, pads {pb + pe}, dilations {dil})")
        for j in range(r):  # dilation can leave an inner window empty too: check all, cheaply
            if any(not window_axis(spec, j, o) for o in range(spec.out[j])):
                raise PoolError(f"a window on spatial axis {j} holds padding only")
        return spec

    @property
    def size(self) -> int:
        """d, the number of kernel offsets (inputs of each window, padding included)."""
        return math.prod(self.kernel)

    def attributes(self) -> dict:
        """The effective attributes, explicit: what the report prints."""
        return {"kernel_shape": self.kernel, "strides": self.strides, "dilations": self.dilations,
                "pads": self.pads_begin + self.pads_end, "ceil_mode": self.ceil_mode}


def _trunc_div(a: int, b: int) -> int:
    """Integer division rounding toward zero, as C++'s (``//`` floors)."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def window_axis(spec: PoolSpec, j: int, o: int) -> list:
    """The unpadded input indices of output ``o``'s window on spatial axis ``j``."""
    start = o * spec.strides[j] - spec.pads_begin[j]
    return [i for i in (start + k * spec.dilations[j] for k in range(spec.kernel[j])) if 0 <= i < spec.inp[j]]


def gather_indices(spec: PoolSpec, j: int) -> np.ndarray:
    """Indices ``(K_j, O_j)`` for axis j: offset k of output o, or the window's first valid index
    when that offset lies in the padding (a repeat changes no max).

    Examples
    --------
    >>> spec = PoolSpec.from_attributes({"kernel_shape": [3], "strides": [2], "pads": [1, 1]}, [5])
    >>> gather_indices(spec, 0).tolist()   # windows {0, 1}, {1, 2, 3}, {3, 4}
    [[0, 1, 3], [0, 2, 4], [1, 3, 3]]
    """
    K, O = spec.kernel[j], spec.out[j]
    start = np.arange(O, dtype=np.int64) * spec.strides[j] - spec.pads_begin[j]
    idx = start[None, :] + np.arange(K, dtype=np.int64)[:, None] * spec.dilations[j]
    inside = (idx >= 0) & (idx < spec.inp[j])
    if O and not inside.any(axis=0).all():
        raise PoolError(f"a window on spatial axis {j} holds padding only")
    first = idx[np.argmax(inside, axis=0), np.arange(O)]  # the first valid offset of each window
    return np.where(inside, idx, first[None, :])


def layer_windows(spec: PoolSpec, channels: int = 1, batch: int = 1) -> list:
    """The windows of a whole pooling layer on an ``(batch, channels, *inp)`` tensor, flattened
    row-major: one list of input indices per output position, in the output's row-major order.

    Examples
    --------
    >>> spec = PoolSpec.from_attributes({"kernel_shape": [2, 2], "strides": [2, 2]}, [4, 4])
    >>> layer_windows(spec)[:2]
    [[0, 1, 4, 5], [2, 3, 6, 7]]
    """
    import itertools

    per_axis = [[window_axis(spec, j, o) for o in range(spec.out[j])] for j in range(len(spec.inp))]
    plane = math.prod(spec.inp)
    out = []
    for n in range(batch):
        for c in range(channels):
            base = (n * channels + c) * plane
            for pos in itertools.product(*[range(o) for o in spec.out]):
                cells = itertools.product(*[per_axis[j][p] for j, p in enumerate(pos)])
                out.append([base + int(np.ravel_multi_index(cell, spec.inp)) for cell in cells])
    return out


def tree_levels(d: int) -> int:
    """ReLU layers of the tree over d inputs: ceil(log2 d)."""
    return (d - 1).bit_length()


class _Emitter:
    """Appends the nodes of one replacement; every constant is a Constant node, so models of IR
    version 3 (where an initializer must also be a graph input) stay valid."""

    def __init__(self, prefix: str, opset: int, elem_type: int, taken: set):
        self.prefix, self.opset, self.elem_type, self.taken = prefix, opset, elem_type, taken
        self.nodes = []

    def name(self, what: str) -> str:
        n = f"{self.prefix}/{what}"
        k = 0
        while n in self.taken:
            k += 1
            n = f"{self.prefix}/{what}_{k}"
        self.taken.add(n)
        return n

    def node(self, op: str, inputs: list, what: str, output: str | None = None, **attrs) -> str:
        from onnx import helper

        out = output or self.name(what)
        self.nodes.append(helper.make_node(op, inputs, [out], name=self.name(f"{what}_node"), **attrs))
        return out

    def const(self, arr: np.ndarray, what: str) -> str:
        from onnx import helper, numpy_helper

        out = self.name(what)
        self.nodes.append(helper.make_node("Constant", [], [out], name=self.name(f"{what}_node"),
                                           value=numpy_helper.from_array(np.asarray(arr), out)))
        return out

    def slice_last(self, x: str, axis: int, lo: int, hi: int, what: str) -> str:
        if self.opset < 10:
            return self.node("Slice", [x], what, starts=[lo], ends=[hi], axes=[axis])
        ins = [x, self.const(np.array([lo], np.int64), f"{what}_start"),
               self.const(np.array([hi], np.int64), f"{what}_end"), self.const(np.array([axis], np.int64), f"{what}_axis")]
        return self.node("Slice", ins, what)

    def matrix(self, M: np.ndarray, what: str) -> str:
        """A constant matrix in the pool's element type (entries 0, +-1, +-1/2: exact in every float)."""
        return self.const(np.asarray(M, dtype=_np_type(self.elem_type)), what)

    def add(self, a: str, b: str, what: str) -> str:
        # onnxruntime runs no Add/Sub below opset 7: Sum and Neg there
        return self.node("Add", [a, b], what) if self.opset >= 7 else self.node("Sum", [a, b], what)

    def sub(self, a: str, b: str, what: str) -> str:
        if self.opset >= 7:
            return self.node("Sub", [a, b], what)
        return self.node("Sum", [a, self.node("Neg", [b], f"{what}_neg")], what)

    def max_gadget(self, a: str, b: str, gadget: str, what: str) -> str:
        """Elementwise max(a, b) in one Relu layer without a skip connection (relu3 or relu4)."""
        if gadget == "relu3":
            return _max2_tensors(self, a, b, what)
        dif = self.node("Sum", [a, self.node("Neg", [b], f"{what}_neg_b")], f"{what}_a_minus_b")
        s = self.node("Sum", [a, b], f"{what}_a_plus_b")
        r1 = self.node("Relu", [dif], f"{what}_relu_diff")
        r2 = self.node("Relu", [self.node("Neg", [dif], f"{what}_b_minus_a")], f"{what}_relu_rdiff")
        r3 = self.node("Relu", [s], f"{what}_relu_sum")
        r4 = self.node("Relu", [self.node("Neg", [s], f"{what}_neg_sum")], f"{what}_relu_negsum")
        tot = self.node("Sum", [r1, r2, r3, self.node("Neg", [r4], f"{what}_minus_r4")], f"{what}_twice_max")
        return self.node("Mul", [tot, self.scalar(0.5, f"{what}_half")], f"{what}_max")

    def carry(self, c: str, what: str) -> str:
        return _carry_tensor(self, c, what)

    def scalar(self, value: float, what: str) -> str:
        from onnx import helper

        dtype = helper.tensor_dtype_to_np_dtype(self.elem_type)
        return self.const(np.array(value, dtype=dtype), what)


def _selection(spec: PoolSpec, X: str, E: _Emitter) -> str:
    """Gathers, Transpose and Reshape: X (rank 2 + r) -> rows (N, C, O_1.., d) of window inputs."""
    r = len(spec.inp)
    V = X
    for j in range(r):  # (N, C, K0, O0, .., K_{j-1}, O_{j-1}, S_j, ..) -> S_j becomes (K_j, O_j)
        V = E.node("Gather", [V, E.const(gather_indices(spec, j), f"idx{j}")], f"gather{j}", axis=2 + 2 * j)
    perm = [0, 1] + [3 + 2 * j for j in range(r)] + [2 + 2 * j for j in range(r)]
    V = E.node("Transpose", [V], "windows_last", perm=perm)
    return E.node("Reshape", [V, E.const(np.array([0] * (2 + r) + [spec.size], np.int64), "rows_shape")], "rows")


def axis_intervals(spec: PoolSpec, j: int) -> list:
    """Each output's unpadded window on axis j as ``(first position, count)`` (a progression of step
    ``dilations[j]``).

    Examples
    --------
    >>> spec = PoolSpec.from_attributes({"kernel_shape": [3], "strides": [2], "pads": [1, 1]}, [5])
    >>> axis_intervals(spec, 0)             # windows {0, 1}, {1, 2, 3}, {3, 4}
    [(0, 2), (1, 3), (3, 2)]
    """
    K, O, dil = spec.kernel[j], spec.out[j], spec.dilations[j]
    start = np.arange(O, dtype=np.int64) * spec.strides[j] - spec.pads_begin[j]
    lo = np.maximum(0, -(start // dil))  # first kernel offset inside the input
    hi = np.minimum(K - 1, (spec.inp[j] - 1 - start) // dil)  # last kernel offset inside
    if O and (hi < lo).any():
        raise PoolError(f"a window on spatial axis {j} holds padding only")
    return [(int(s + a * dil), int(b - a + 1)) for s, a, b in zip(start, lo, hi)]


def pool_plan(spec: PoolSpec):
    """The separable, shared plan of a pool (:func:`maxcert.graphs.pool_plan.plan_pool`)."""
    from maxcert.graphs.pool_plan import plan_pool

    r = len(spec.inp)
    return plan_pool([axis_intervals(spec, j) for j in range(r)], spec.inp, spec.dilations)


def replacement_nodes(spec: PoolSpec, X: str, Y: str, E: _Emitter, form: str = "residual", gadget: str = "relu3",
                      ops: str = "portable", lead=(1, 1), plan=None) -> list:
    """The nodes computing ``Y = MaxPool(X)`` for ``spec`` (X of rank 2 + r), appended to E:
    the separable plan in the given form and op set (:mod:`maxcert.graphs.pool_emit`)."""
    from maxcert.graphs.pool_conv import emit_conv
    from maxcert.graphs.pool_emit import emit_fast, emit_portable

    plan = plan or pool_plan(spec)
    if ops == "portable":
        emit_portable(E, plan, X, Y, list(lead), list(spec.inp), form, gadget)
    elif (program := _conv_form(plan, E, form, lead)) is not None:
        emit_conv(E, program, X, Y, lead[1])
    else:
        emit_fast(E, plan, X, Y, len(spec.inp), form, gadget)
    _fold_identity(E.nodes, Y)
    return E.nodes


def _conv_form(plan, E: _Emitter, form: str, lead):
    """The fast op set's depthwise-Conv program where onnxruntime has its fast Conv (2-D, float,
    known channels, one ReLU per pairwise max), else None (the Slice form)."""
    from onnx import TensorProto

    from maxcert.graphs.pool_conv import conv_program

    if form != "residual" or E.elem_type != TensorProto.FLOAT or len(lead) < 2 or not lead[1]:
        return None
    return conv_program(plan)


def _fold_identity(nodes: list, Y: str) -> None:
    """A closing Identity writes Y from a tensor only it reads: let that tensor's node write Y."""
    last = nodes[-1]
    if last.op_type != "Identity" or len(nodes) < 2:
        return
    src = last.input[0]
    readers = [n for n in nodes[:-1] if src in n.input]
    prod = [n for n in nodes[:-1] if src in n.output]
    if readers or not prod:
        return
    prod[0].output[:] = [Y if t == src else t for t in prod[0].output]
    nodes.pop()


def _max2_tensors(E: _Emitter, A: str, B: str, what: str) -> str:
    """Elementwise max(A, B) over one Relu layer: relu(a - b) + relu(b) - relu(-b)."""
    nb = E.node("Neg", [B], f"{what}_neg_b")
    r1 = E.node("Relu", [E.node("Sum", [A, nb], f"{what}_a_minus_b")], f"{what}_relu_diff")
    r2 = E.node("Relu", [B], f"{what}_relu_b")
    r3 = E.node("Relu", [nb], f"{what}_relu_negb")
    return E.node("Sum", [r1, r2, E.node("Neg", [r3], f"{what}_minus_relu_negb")], f"{what}_max")


def _carry_tensor(E: _Emitter, C: str, what: str) -> str:
    rn = E.node("Relu", [E.node("Neg", [C], f"{what}_neg_c")], f"{what}_relu_negc")
    return E.node("Sum", [E.node("Relu", [C], f"{what}_relu_c"), E.node("Neg", [rn], f"{what}_minus_relu_negc")],
                  f"{what}_carry")


def approximator_nodes(spec: PoolSpec, X: str, Y: str, E: _Emitter, betas: dict, lo, hi) -> list:
    """The nodes of the paper's approximator ``beta_0 + sum_k beta_k M_k`` rescaled from [0,1]^d to
    [lo, hi]^d, per window, appended to E.

    ``M_k`` is the mean over the k-subsets S of the window of max(x_S): per slot j of the subsets,
    one ``Gather`` on the rows' last axis takes every subset's j-th element, a tree of elementwise
    pairwise maxima over those k tensors gives every subset's max in ``ceil(log2 k)`` Relu layers,
    and a ``MatMul`` with a constant column sums them. Rescaled, ``f(x) = lo + (hi - lo) beta_0 +
    sum_k beta_k (M_k(x) - lo)``; all terms are put over one integer denominator Q and the network
    divides by Q last, so in real arithmetic its weights are exactly the optimal betas.
    """
    from fractions import Fraction
    from itertools import combinations

    r = len(spec.inp)
    d = spec.size
    lo, hi = Fraction(lo), Fraction(hi)
    betas = {int(k): Fraction(b) for k, b in betas.items() if b != 0}
    const = lo + (hi - lo) * betas.get(0, Fraction(0)) - lo * sum(b for k, b in betas.items() if k >= 1)
    weights = {k: b / math.comb(d, k) for k, b in betas.items() if k >= 1}
    Q = math.lcm(*[w.denominator for w in weights.values()], const.denominator)
    V = _selection(spec, X, E)
    axis = 2 + r
    terms = []
    for k, w in sorted(weights.items()):
        subsets = list(combinations(range(d), k))
        slots = [E.node("Gather", [V, E.const(np.array([S[j] for S in subsets], np.int64), f"k{k}_slot{j}")],
                        f"k{k}_slot{j}", axis=axis) for j in range(k)]
        lvl = 0
        while len(slots) > 1:
            nxt = [_max2_tensors(E, slots[i], slots[i + 1], f"k{k}_l{lvl}_p{i // 2}") for i in range(0, len(slots) - 1, 2)]
            if len(slots) % 2:
                nxt.append(_carry_tensor(E, slots[-1], f"k{k}_l{lvl}"))
            slots, lvl = nxt, lvl + 1
        col = np.full((len(subsets), 1), float(w * Q), dtype=_np_type(E.elem_type))
        terms.append(E.node("MatMul", [slots[0], E.const(col, f"k{k}_weights")], f"k{k}_term"))
    if const != 0 or not terms:
        terms.append(E.const(np.array([float(const * Q)], dtype=_np_type(E.elem_type)), "constant_term"))
    total = E.node("Sum", terms, "numerator") if len(terms) > 1 else terms[0]
    out = E.node("Div", [total, E.const(np.array(float(Q), dtype=_np_type(E.elem_type)), "denominator")], "approx")
    E.node("Reshape", [out, E.const(np.array([0] * (2 + r), np.int64), "out_shape")], "out", output=Y)
    return E.nodes


def _np_type(elem_type: int):
    from onnx import helper

    return helper.tensor_dtype_to_np_dtype(elem_type)


def exact_in(value, elem_type: int) -> bool:
    """Whether the rational ``value`` is exactly a number of the ONNX element type."""
    from fractions import Fraction

    v = Fraction(value)
    return Fraction(float(np.array(float(v), dtype=_np_type(elem_type)))) == v if math.isfinite(float(v)) else False


def _attrs(node) -> dict:
    from onnx import helper

    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def _default_opset(model) -> int:
    for o in model.opset_import:
        if o.domain in ("", "ai.onnx"):
            return int(o.version)
    raise PoolError("the model imports no default ONNX opset")


def _shapes(model) -> dict:
    """Static shapes and element types of every tensor onnx's shape inference can tell."""
    import onnx

    try:
        inferred = onnx.shape_inference.infer_shapes(model, strict_mode=False)
    except Exception as e:  # onnx raises several types; any of them means the shapes are unknown
        raise PoolError(f"shape inference failed: {str(e).splitlines()[0] if str(e) else type(e).__name__}") from None
    out = {}
    g = inferred.graph
    for vi in list(g.input) + list(g.value_info) + list(g.output):
        tt = vi.type.tensor_type
        if not tt.HasField("shape"):
            continue
        dims = [dm.dim_value if dm.HasField("dim_value") else None for dm in tt.shape.dim]
        out[vi.name] = (dims, tt.elem_type)
    for init in g.initializer:
        out[init.name] = (list(init.dims), init.data_type)
    return out


@dataclass
class PoolSite:
    """One MaxPool of a model and what replaced it (the report's facts, before certification)."""

    node: str
    index: int
    input: str
    output: str
    shape: list  # the pool input's shape, symbolic dims given as None
    elem_type: int
    spec: PoolSpec
    nodes: list  # names of the nodes added
    note: str = ""
    approx: dict | None = None  # for an approximated pool: L, R, betas, E (on [0,1]^d), range
    form: str = "residual"
    ops: str = "portable"
    plan: object = None  # the PoolPlan an exact pool was written from (a recipe; the proof reads the model)

    @property
    def d(self) -> int:
        return self.spec.size

    def positions(self) -> int:
        """Output positions of the layer (symbolic batch/channel dims count as 1)."""
        lead = [v or 1 for v in self.shape[:2]]
        return math.prod(lead) * math.prod(self.spec.out)


def rewrite_model(model, gadget: str = "relu3", depth: int | None = None, range_=None, form: str = "residual",
                  ops: str = "portable", relative: bool = False):
    """Replace every MaxPool of an ``onnx.ModelProto`` by the Relu network of :func:`replacement_nodes`.

    ``form`` is ``residual`` (one ReLU per pairwise max, skip connections) or ``mlp`` (plain layers,
    the ``gadget`` relu3 or relu4); ``ops`` is ``portable`` (Reshape, MatMul, Relu, Add, Transpose:
    what verifiers and secure-inference frameworks read) or ``fast`` (for onnxruntime: depthwise Conv,
    Relu, Add, Concat for a 2-D float pool, :mod:`maxcert.graphs.pool_conv`; else Slice or Gather,
    Sub, Relu, Add, Concat, Transpose). A portable pool whose constant matrices would hold more than
    ``pool_emit.PORTABLE_MATRIX_LIMIT`` entries, or whose channel count is symbolic, is written in
    the fast op set instead, and its site's ``note`` says so.

    Returns ``(new_model, sites)``; the input model is not changed. Every other node, initializer,
    input, output, name, shape and element type stays as it was.

    With ``depth`` L (and ``range_ = (lo, hi)``, or a dict from MaxPool node names to each one's
    ``(lo, hi)``), a pool whose tree needs more than L Relu layers
    gets the paper's optimal approximator with at most L layers instead (:func:`approximator_nodes`,
    index set ``R = {0, 1, .., min(2^L, d - 1)}``, weights optimal on [0,1]^d rescaled to
    [lo, hi]^d); the others keep the exact tree. With ``relative`` (and no range) such a pool gets
    the shift-equivariant optimum instead (``R = {1, .., min(2^L, d - 1)}``, no constant, ``sum
    beta = 1``), whose bound ``|y - max| <= E_rel (max - min)`` over each window holds for all inputs.

    Raises :class:`PoolError` for a MaxPool whose Indices output is used, whose spatial input shape
    cannot be inferred, or whose attributes are invalid.
    """
    import onnx

    from maxcert.graphs.pool_emit import FORMS, OPSETS

    if gadget not in GADGETS:
        raise PoolError(f"unknown gadget {gadget!r}; choose relu3 or relu4")
    if form not in FORMS:
        raise PoolError(f"unknown form {form!r}; choose {' or '.join(FORMS)}")
    if ops not in OPSETS:
        raise PoolError(f"unknown op set {ops!r}; choose {' or '.join(OPSETS)}")
    range_of = _check_depth(depth, range_, relative)
    g = model.graph
    _refuse_nested(g)
    pools = [(i, n) for i, n in enumerate(g.node) if n.op_type == "MaxPool" and n.domain in ("", "ai.onnx")]
    opset = _default_opset(model)
    if pools and opset < 6:
        raise PoolError(f"the model's opset {opset} is older than 6, the oldest rewrite supports")
    shapes = _shapes(model) if pools else {}
    used = {t for n in g.node for t in n.input} | {o.name for o in g.output}
    taken = {n.name for n in g.node} | {t for n in g.node for t in list(n.input) + list(n.output)}
    taken |= {i.name for i in g.initializer} | {i.name for i in g.input}
    new = onnx.ModelProto()
    new.CopyFrom(model)
    del new.graph.node[:]
    sites, pool_at = [], {i: n for i, n in pools}
    for i, n in enumerate(g.node):
        if i not in pool_at:
            new.graph.node.append(n)
            continue
        label = n.name or f"MaxPool_{i}"
        if len(n.output) > 1 and n.output[1] and n.output[1] in used:
            raise PoolError(f"MaxPool {label!r}: its Indices output {n.output[1]!r} is used; "
                            "no ReLU network computes an argmax")
        X, Y = n.input[0], n.output[0]
        if X not in shapes:
            raise PoolError(f"MaxPool {label!r}: the shape of its input {X!r} cannot be inferred")
        dims, elem = shapes[X]
        if len(dims) < 3 or any(v is None for v in dims[2:]):
            raise PoolError(f"MaxPool {label!r}: the spatial shape of its input {X!r} cannot be inferred ({dims})")
        if elem not in (onnx.TensorProto.FLOAT, onnx.TensorProto.FLOAT16, onnx.TensorProto.DOUBLE):
            raise PoolError(f"MaxPool {label!r}: element type {onnx.TensorProto.DataType.Name(elem)} "
                            "is not supported (float, float16 or double)")
        try:
            spec = PoolSpec.from_attributes(_attrs(n), dims[2:])
        except PoolError as e:
            raise PoolError(f"MaxPool {label!r}: {e}") from None
        note = ""
        if Y in shapes and shapes[Y][0] and all(v is not None for v in shapes[Y][0][2:]):
            if list(shapes[Y][0][2:]) != spec.out:
                note = (f"onnx's shape inference gives spatial output {shapes[Y][0][2:]}; onnxruntime, "
                        f"which runs the model, gives {spec.out}, and the replacement follows it")
        if depth is not None and tree_levels(spec.size) > depth:
            approx = _approximation(spec.size, depth, label, opset, relative)
            E = _Emitter(f"{label}/relu_approx", opset, elem, taken)
            lo, hi = (0, 1) if relative else range_of(label)  # no constant, sum beta = 1: no rescaling
            nodes = approximator_nodes(spec, X, Y, E, approx["betas"], lo, hi)
            approx.update(range=None if relative else (lo, hi))
        else:
            approx = None
            E = _Emitter(f"{label}/relu_max", opset, elem, taken)
            plan = pool_plan(spec)
            use, why = _op_set(ops, plan, dims, form)
            if use == "fast" and form == "mlp" and gadget == "relu4" and opset < 7:
                raise PoolError(f"MaxPool {label!r}: the relu4 gadget in the fast op set needs opset >= 7 (Mul), "
                                f"the model has {opset}")
            if why:
                note = (note + "; " if note else "") + why
            nodes = replacement_nodes(spec, X, Y, E, form, gadget, use, (dims[0], dims[1]), plan)
        new.graph.node.extend(nodes)
        site = PoolSite(label, i, X, Y, dims, elem, spec, [m.name for m in nodes], note, approx)
        if approx is None:
            site.form, site.ops, site.plan = form, use, plan
        sites.append(site)
    if range_of is not None and range_of.unused([s.node for s in sites]):
        raise PoolError(f"a range names no MaxPool of the model: {', '.join(range_of.unused([s.node for s in sites]))}")
    return new, sites


def _op_set(ops: str, plan, dims: list, form: str) -> tuple:
    """The op set a pool is written in, and why it differs from the one asked for (or "")."""
    from maxcert.graphs.pool_emit import PORTABLE_MATRIX_LIMIT, portable_entries

    if ops != "portable":
        return ops, ""  # (relu4's halving needs Mul: opset >= 7, checked by the caller)
    if dims[1] is None:
        return "fast", "written with the fast op set: its channel count is symbolic (portable Reshapes need sizes)"
    entries = portable_entries(plan, form)
    if entries > PORTABLE_MATRIX_LIMIT:
        return "fast", (f"written with the fast op set: the portable form's constant matrices would hold "
                        f"{entries} entries (limit {PORTABLE_MATRIX_LIMIT})")
    if dims[0] is None:
        return ops, "the batch is symbolic: the portable Reshapes size it by -1, so any batch runs"
    return ops, ""


MAX_SUBSETS = 20000  # subpool maxima of one approximator: beyond this the network is too wide to emit


def _check_depth(depth, range_, relative=False):
    """The range of each pool's inputs, as a function of the pool's name: ``range_`` is one
    ``(lo, hi)`` for every pool, or a dict from MaxPool node names to their own ``(lo, hi)``."""
    if depth is None:
        if range_ is not None:
            raise PoolError("a range is only used with a depth (--depth L)")
        if relative:
            raise PoolError("the relative approximators replace pools deeper than a depth: give --depth L")
        return None
    if isinstance(depth, bool) or not isinstance(depth, int) or depth < 0:
        raise PoolError(f"depth must be an integer >= 0, got {depth!r}")
    if relative:
        if range_ is not None:
            raise PoolError("the relative approximators need no range: their bound |y - max| <= E_rel (max - min) "
                            "holds for all inputs; drop --range")
        of = lambda label: None  # noqa: E731  no range at all
        of.unused = lambda labels: []
        return of
    if range_ is None:
        raise PoolError("an approximation needs the range of the pools' inputs (--range LO,HI): "
                        "its error bound holds only there")
    if isinstance(range_, dict):
        ranges = {str(k): _one_range(v, f" of MaxPool {k!r}") for k, v in range_.items()}

        def of(label):
            if label not in ranges:
                raise PoolError(f"MaxPool {label!r} needs a range: none given for it")
            return ranges[label]
        of.unused = lambda labels: sorted(set(ranges) - set(labels))
        return of
    one = _one_range(range_, "")
    of = lambda label: one  # noqa: E731  the same range for every pool
    of.unused = lambda labels: []
    return of


def _one_range(r, where):
    from fractions import Fraction

    try:
        lo, hi = (Fraction(str(v)) for v in r)
    except (ValueError, TypeError, ZeroDivisionError):
        raise PoolError(f"range{where} must be two rationals LO,HI, got {r!r}") from None
    if not lo < hi:
        raise PoolError(f"range{where} needs LO < HI, got {lo} and {hi}")
    return lo, hi


def _approximation(d: int, L: int, label: str, opset: int, relative: bool = False) -> dict:
    """The optimal approximator of depth at most L for windows of d: R, betas, E(d, L) on [0,1]^d
    (``relative``: the shift-equivariant one and E_rel(d, L))."""
    from maxcert.symbolic.optimal import optimal_approximation

    if opset < 7:
        raise PoolError(f"MaxPool {label!r}: an approximation needs opset >= 7 (Mul/Div), the model has {opset}")
    R = list(range(1 if relative else 0, min(2 ** L, d - 1) + 1))
    subsets = sum(math.comb(d, k) for k in R if k >= 1)
    if subsets > MAX_SUBSETS:
        raise PoolError(f"MaxPool {label!r}: the depth-{L} approximator of a window of {d} needs {subsets} "
                        f"subpool maxima (more than {MAX_SUBSETS}); use a larger depth")
    opt = optimal_approximation(d, R, relative=relative)
    return {"L": L, "R": R, "betas": dict(opt.betas), "E": opt.error, "relative": relative}


def _refuse_nested(g):
    from onnx import AttributeProto

    for n in g.node:
        for a in n.attribute:
            subs = [a.g] if a.type == AttributeProto.GRAPH else list(a.graphs) if a.type == AttributeProto.GRAPHS else []
            for s in subs:
                if any(m.op_type == "MaxPool" for m in s.node):
                    raise PoolError(f"node {n.name or n.op_type!r} holds a MaxPool in a subgraph; "
                                    "only the main graph is rewritten")


def max_type_ops(model) -> list:
    """Names of max-type operators left in the model's main graph (empty after a rewrite)."""
    return [f"{n.op_type}:{n.name}" for n in model.graph.node if n.op_type in MAXLIKE]
