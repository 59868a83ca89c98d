"""The proof of an exact MaxPool replacement, read off the written ONNX nodes, stage by stage.

The claim, for one pool on its real input shape: every output equals the max over its window of
unpadded inputs, for every real input. Nothing is taken from the code that wrote the nodes. The
nodes between the pool's input X and output Y are cut into a chain of *blocks*:

* a **layout block**: Reshape, Transpose, Identity, Flatten, Squeeze, Unsqueeze and Gather with
  indices of rank != 1. Each output element is a copy of one input element; onnxruntime runs the
  block on the labels ``u_i = i`` (double: integers below 2^53 are exact) and so gives which.
* a **line block** along one axis a: MatMul by a constant matrix (a = the last axis), Gather with
  constant 1-D indices, Slice (constant bounds and step) and Concat on axis a, depthwise Conv with
  one kernel for every channel along a (no bias, no padding), Relu, Neg, Add, Sub, Sum of
  block tensors, Mul or Div by a scalar constant. Each such node treats every line along a (the other coordinates fixed)
  alone and alike, and keeps the other axes, so the block is one network T on a line of length n,
  applied to every line. T is imported exactly (:func:`maxcert.graphs.readwrite.onnx_io.from_onnx`)
  and, for each of its outputs j, ``T_j(v) = max(v_S)`` on all of R^n is proved by
  :func:`maxcert.verify.certify.certify` (eps = 0, reals) on j's own subnetwork, where S is the
  set of inputs j reads. Outputs whose subnetworks are equal (exactly: same structure, same
  rational weights, inputs in the same order) share one proof.

Each block then maps every element of its output to the set of its input's elements it is the
max of (a copy: one element). Composed along the chain in exact integers (sparse 0/1 matrices),
this gives for each element of Y a set of elements of X with ``Y_k = max(X_set)``; the proof ends
by checking that set equals the window of k, for every k.
"""

from __future__ import annotations

import math
import time

import numpy as np

LAYOUT = ("Reshape", "Transpose", "Identity", "Flatten", "Squeeze", "Unsqueeze")
ELEMENTWISE = ("Relu", "Neg", "Add", "Sub", "Sum", "Mul", "Div")


class Unproved(Exception):
    """A step of the proof does not go through; the message says which."""


def _attr(node, name, default=None):
    from onnx import helper

    for a in node.attribute:
        if a.name == name:
            return helper.get_attribute_value(a)
    return default


def _value(consts, t):
    from onnx import helper, numpy_helper

    n = consts[t]
    # onnxruntime takes a Constant's first attribute, whatever its name: only a lone "value" is read alike
    if [a.name for a in n.attribute] != ["value"]:
        raise Unproved(f"Constant node {n.name!r} does not hold exactly one attribute, its tensor value")
    return numpy_helper.to_array(helper.get_attribute_value(n.attribute[0]))


def _shapes(nodes, consts, X, x_shape, x_type, opset):
    """The shape of every tensor of the replacement on the pool's real input shape: onnxruntime runs
    it once on zeros (shape inference cannot read every opset's Reshape; a run can)."""
    import onnxruntime as ort
    from onnx import helper

    outs = [t for n in nodes if n.op_type != "Constant" for t in n.output if t]
    m = _model(nodes, consts, X, x_shape, x_type, outs, opset)
    so = ort.SessionOptions()
    so.log_severity_level = 3
    try:
        sess = ort.InferenceSession(m.SerializeToString(), so, providers=["CPUExecutionProvider"])
        vals = sess.run(None, {X: np.zeros(x_shape, dtype=helper.tensor_dtype_to_np_dtype(x_type))})
    except Exception as e:
        raise Unproved(f"the replacement does not run: {str(e).splitlines()[0][:200]}") from None
    out = {X: list(x_shape)}
    out.update({t: list(v.shape) for t, v in zip(outs, vals)})
    return out


def _model(nodes, consts, X, x_shape, x_type, outputs, opset):
    from onnx import helper

    used = {t for n in nodes for t in n.input}
    g = helper.make_graph([consts[t] for t in consts if t in used] + list(nodes), "part",
                          [helper.make_tensor_value_info(X, x_type, x_shape)],
                          [helper.make_empty_tensor_value_info(t) for t in outputs])
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)], ir_version=7)


def _line_axis(node, consts, rank, inside) -> int | None:
    """The axis a line node works along (None: elementwise), after checking it treats lines alike.
    ``rank``: its block's (every line node keeps the rank of the tensor it reads)."""
    op = node.op_type
    args = [t for t in node.input if t]
    if op == "MatMul":
        if len(args) != 2 or args[1] not in consts or _value(consts, args[1]).ndim != 2 or args[0] not in inside:
            raise Unproved(f"MatMul {node.name!r} is not a line tensor times a constant matrix")
        return rank - 1
    if op == "Gather":
        if args[1] not in consts or _value(consts, args[1]).ndim != 1 or args[0] not in inside:
            raise Unproved(f"Gather {node.name!r} does not pick along one axis with constant 1-D indices")
        return int(_attr(node, "axis", 0)) % rank
    if op == "Slice":  # constant starts, ends, one axis and a step: the same entries of every line
        if args[0] not in inside or len(args) < 4 or any(t not in consts for t in args[1:]) \
                or _value(consts, args[3]).size != 1:
            raise Unproved(f"Slice {node.name!r} does not cut one axis with constant bounds")
        return int(_value(consts, args[3]).ravel()[0]) % rank
    if op == "Conv":
        return _conv_axis(node, consts, rank, inside)
    if op == "Concat":
        if any(t not in inside for t in args):
            raise Unproved(f"Concat {node.name!r} joins a tensor that is not of its block")
        return int(_attr(node, "axis")) % rank
    if op in ("Relu", "Neg", "Add", "Sub", "Sum"):
        if any(t not in inside and not (t in consts and _value(consts, t).size == 1) for t in args) or \
                not any(t in inside for t in args) or (op in ("Relu", "Neg") and args[0] not in inside):
            raise Unproved(f"{op} {node.name!r} reads something that is neither a tensor of its block "
                           "nor a scalar constant")
        return None
    if op in ("Mul", "Div"):
        row = [t for t in args if t in inside]
        other = [t for t in args if t not in inside]
        if len(row) != 1 or len(other) != 1 or other[0] not in consts or _value(consts, other[0]).size != 1 \
                or (op == "Div" and args[0] not in inside):
            raise Unproved(f"{op} {node.name!r} is not a block tensor times a scalar constant")
        return None
    raise Unproved(f"node {node.name!r} ({op}) is neither a layout nor a line operation")


def _conv_axis(node, consts, rank, inside) -> int | None:
    """A depthwise Conv with one kernel for every channel, running along one axis (no bias, no
    padding): each output is the same combination of one line's elements on every line."""
    args = [t for t in node.input if t]
    if len(args) != 2 or args[0] not in inside or args[1] not in consts:
        raise Unproved(f"Conv {node.name!r} is not a block tensor convolved with a constant kernel and no bias")
    W = _value(consts, args[1])
    r = rank - 2
    kernel = list(W.shape[2:])
    strides = list(_attr(node, "strides", [1] * r))
    if W.ndim != rank or W.shape[1] != 1 or int(_attr(node, "group", 1)) != W.shape[0] \
            or any(p != 0 for p in _attr(node, "pads", [0] * 2 * r)) \
            or _attr(node, "auto_pad", b"NOTSET") not in (b"NOTSET", b"VALID", "NOTSET", "VALID") \
            or list(_attr(node, "kernel_shape", kernel)) != kernel or not (W == W[:1]).all():
        raise Unproved(f"Conv {node.name!r} is not a depthwise Conv with one kernel for all channels and no padding")
    axes = [j for j in range(r) if kernel[j] > 1 or strides[j] > 1]
    if len(axes) > 1:
        raise Unproved(f"Conv {node.name!r} runs along more than one axis")
    return 2 + axes[0] if axes else None


def _line_conv(n, consts, taken: set):
    """A depthwise Conv's node on a tensor of one channel: the (shared) kernel of channel 0, group 1,
    under a name no other tensor has (``taken``: every name of the sub-model)."""
    from onnx import helper, numpy_helper

    W = _value(consts, n.input[1])[:1]
    name, k = f"{n.input[1]}/one_line", 0
    while name in taken:
        k += 1
        name = f"{n.input[1]}/one_line_{k}"
    taken.add(name)
    k = helper.make_node("Constant", [], [name], value=numpy_helper.from_array(W, name))
    c = helper.make_node("Conv", [n.input[0], name], list(n.output), name=n.name)
    c.attribute.extend(a for a in n.attribute if a.name != "group")
    return [k, c]


def _is_layout(node, consts) -> bool:
    if node.op_type in LAYOUT:
        return True
    return node.op_type == "Gather" and len(node.input) > 1 and node.input[1] in consts \
        and _value(consts, node.input[1]).ndim != 1


def _rank(shapes, t) -> int:
    if t not in shapes:
        raise Unproved(f"the shape of {t!r} is not known")
    return len(shapes[t])


def _reshape_to(node, consts):
    if node.op_type != "Reshape" or len(node.input) < 2 or node.input[1] not in consts:
        return None
    return _value(consts, node.input[1]).ravel().tolist()


def _flattens(node, consts, of, shapes) -> bool:
    """A Reshape of a line tensor (1, lines, m), lines along the last axis, to (1, lines * m)."""
    t = node.input[0] if node.input else None
    b = of.get(t)
    sh = shapes.get(t, [])
    return (b is not None and b.kind == "line" and len(sh) == 3 and sh[0] == 1 and b.axis in (None, 2)
            and _reshape_to(node, consts) in ([1, -1], [1, sh[1] * sh[2]]))


def _through_flat(node, consts, args, flat, of, shapes):
    """A flattened line tensor may only go through Relu or Neg and be reshaped back to its shape:
    elementwise maps commute with a reshape, so the block still treats every line alike."""
    if node.op_type == "Reshape" and not any(t in flat for t in args):  # the flattening itself
        t = node.input[0]
        flat[node.output[0]] = shapes[t]
        b = of[t]
        b.axis = len(shapes[t]) - 1
        b.alias[node.output[0]] = t
        return b
    t = args[0]
    if len(args) != 1:
        raise Unproved(f"node {node.name!r} mixes a flattened line tensor with another")
    if node.op_type in ("Relu", "Neg"):
        flat[node.output[0]] = flat[t]
        return of[t]
    if _reshape_to(node, consts) in ([1, -1, flat[t][-1]], list(flat[t])) and shapes.get(node.output[0]) == flat[t]:
        of[t].alias[node.output[0]] = t
        return of[t]
    raise Unproved(f"node {node.name!r} ({node.op_type}) reads a flattened line tensor; only Relu, Neg "
                   "and the Reshape back to its lines may")


def _producers(graph) -> dict:
    return {t: n for n in graph.node for t in n.output}



def _subgraph(graph, X: str, Y: str) -> list:
    """The nodes Y depends on back to X, in graph order; every other leaf must be a Constant."""
    prod = _producers(graph)
    need, todo, seen = set(), [Y], set()
    while todo:
        t = todo.pop()
        if t in seen or t == X or t == "":
            continue
        seen.add(t)
        n = prod.get(t)
        if n is None:
            raise Unproved(f"the replacement reads {t!r}, which is neither the pool input nor computed from it")
        need.add(id(n))
        if n.op_type != "Constant":
            todo.extend(n.input)
    return [n for n in graph.node if id(n) in need]

class _Block:
    def __init__(self, kind, entry):
        self.kind, self.entry, self.nodes, self.axis, self.made, self.exit = kind, entry, [], None, set(), None
        self.alias = {}  # a flattening Reshape's output, and the Reshape back's, -> the tensor it reshapes

    def line_nodes(self, consts):
        """The block's nodes with every flatten-and-back pair dropped (elementwise maps commute with
        it): the same map of each line, on a tensor of one line."""
        import onnx

        def real(t):
            while t in self.alias:
                t = self.alias[t]
            return t

        out = []
        taken = set(consts) | {t for n in self.nodes for t in list(n.input) + list(n.output)}
        for n in self.nodes:
            if n.output[0] in self.alias:
                continue
            m = onnx.NodeProto()
            m.CopyFrom(n)
            m.input[:] = [real(t) for t in n.input]
            out.extend(_line_conv(m, consts, taken) if m.op_type == "Conv" else [m])
        return out, real(self.exit)


def blocks(nodes, consts, X, Y, shapes) -> list:
    """The chain of blocks from X to Y (see the module docstring), checked to be one chain."""
    rest = [n for n in nodes if n.op_type != "Constant"]
    of = {X: None}  # tensor -> the block that computes it (None: X itself)
    flat = {}  # a line tensor (1, lines, m) reshaped to (1, lines * m) -> its shape before
    out = []
    for n in rest:
        if n.domain not in ("", "ai.onnx"):  # another domain's "Conv" is another operator
            raise Unproved(f"node {n.name!r} ({n.op_type}) is of domain {n.domain!r}, not the standard one")
        args = [t for t in n.input if t and t not in consts]
        for t in args:
            if t not in of:
                raise Unproved(f"node {n.name!r} reads {t!r}, which is not computed from the pool input")
        flat_in = [t for t in args if t in flat]
        if flat_in or _flattens(n, consts, of, shapes):
            b = _through_flat(n, consts, args, flat, of, shapes)
            b.nodes.append(n)
            b.made |= set(n.output)
            for t in n.output:
                of[t] = b
            continue
        if _is_layout(n, consts):
            if len(args) != 1 or any(t not in consts for t in n.input[1:] if t):
                raise Unproved(f"layout node {n.name!r} has a non-constant index or shape input")
            b = of[args[0]]
            if b is None or b.kind != "layout":
                b = _Block("layout", args[0])
                out.append(b)
        else:
            b, ax = None, None
            for c in reversed(out):  # the latest block of lines that holds every tensor read
                if c.kind == "line" and all(t in c.made or t == c.entry for t in args):
                    a_ = _line_axis(n, consts, _rank(shapes, c.entry), c.made | {c.entry})
                    if a_ is None or c.axis in (None, a_):
                        b, ax = c, a_
                        break
            if b is None:
                if len(set(args)) != 1:
                    raise Unproved(f"node {n.name!r} ({n.op_type}) joins tensors of different stages")
                ax = _line_axis(n, consts, _rank(shapes, args[0]), {args[0]})
                b = _Block("line", args[0])
                out.append(b)
            if ax is not None:
                b.axis = ax
        b.nodes.append(n)
        b.made |= set(n.output)
        for t in n.output:
            of[t] = b
    cur = X
    for k, b in enumerate(out):
        read = {t for c in out[k + 1:] for m in c.nodes for t in m.input}
        exits = sorted(t for t in b.made if t in read or t == Y)
        if b.entry != cur:
            raise Unproved(f"a stage reads {b.entry!r}, not the previous stage's output {cur!r}")
        if len(exits) != 1 or exits[0] in flat:
            raise Unproved(f"a stage ({b.nodes[0].name!r}..) hands on {len(exits)} tensors, not one line tensor")
        b.exit = cur = exits[0]
    if cur != Y:
        raise Unproved("the stages do not end in the pool output")
    return out


def _run_labels(nodes, consts, U, shape, V, opset) -> np.ndarray:
    """Which element of U each element of V copies: onnxruntime on u_i = i, in double."""
    import onnxruntime as ort
    from onnx import TensorProto

    n = math.prod(shape)
    if n >= 1 << 53:
        raise Unproved("the tensor has too many elements to label exactly in double")
    so = ort.SessionOptions()
    so.log_severity_level = 3
    m = _model(nodes, consts, U, shape, TensorProto.DOUBLE, [V], opset)
    try:
        sess = ort.InferenceSession(m.SerializeToString(), so, providers=["CPUExecutionProvider"])
        (out,) = sess.run(None, {U: np.arange(n, dtype=np.float64).reshape(shape)})
    except Exception as e:
        raise Unproved(f"a layout stage does not run on labels: {str(e).splitlines()[0][:200]}") from None
    idx = out.astype(np.int64)
    if not np.array_equal(idx, out) or (idx.size and (idx.min() < 0 or idx.max() >= n)):
        raise Unproved("a layout stage does not copy input elements")
    return idx


def _output_net(T, o, ins: dict):
    """Output o's own network: its ancestors, the inputs it reads renamed x0.. in increasing order."""
    import networkx as nx

    from maxcert.graphs.schema import add_neuron, new_network

    anc = nx.ancestors(T, o) | {o}
    S = sorted(ins[v] for v in anc if v in ins)
    if not S:
        raise Unproved("a line output reads no input: it is a constant, not a max")
    H = new_network(len(S))
    name = {v: f"x{S.index(ins[v])}" for v in anc if v in ins}
    if o in ins:  # the output is an input itself: the identity
        add_neuron(H, "out", {name[o]: 1}, 0, "linear")
        H.graph["outputs"] = ["out"]
        return H, S
    for v in nx.topological_sort(T.subgraph(anc)):
        if v in ins:
            continue
        name[v] = f"n{len(name)}"
        a = T.nodes[v]
        add_neuron(H, name[v], {name[u]: T.edges[u, v]["weight"] for u in T.predecessors(v)}, a["bias"],
                   a["activation"])
    H.graph["outputs"] = [name[o]]
    return H, S


def _by_certify(H, deadline):
    """``(proved, why not)``: ``H = max`` of its inputs on all reals, by :func:`maxcert.verify.certify.certify`."""
    from maxcert.verify.certify import certify

    left = None if deadline is None else max(0.01, deadline - time.perf_counter())
    cert = certify(H, 0, "reals", timeout=left)
    return cert.status == "CERTIFIED", f"{cert.status} {cert.reason or ''}".rstrip()


def prove_line(T, cache: dict, deadline=None, prove=None) -> list:
    """For each output j of the line network T, the inputs S_j it reads, after proving
    ``T_j = max over S_j`` on all reals.

    Every node gets an exact structural id that ignores where on the line it sits: its activation,
    bias, and for each input edge the weight, the source's id and the source's offset from the
    node's first input. Equal ids compute the same function of their inputs shifted by that first
    input, so one proof per id serves every output (interior windows of a pool share one).
    ``prove(H, deadline)`` decides one output's network: ``(proved, why not)``; by default
    :func:`maxcert.verify.certify.certify`, and the certificate checker passes its own."""
    import networkx as nx

    from maxcert.graphs.schema import input_nodes, output_nodes

    ins = {v: T.nodes[v]["index"] for v in input_nodes(T)}
    table = cache.setdefault("_table", {})
    rel = cache.setdefault("_relative_support", {})
    ids, first = {}, {}
    for v in nx.topological_sort(T):
        if v in ins:
            first[v], key = ins[v], ("input",)
        else:
            preds = list(T.predecessors(v))
            if not preds:
                raise Unproved("a line network holds a constant node: a constant is not a max")
            first[v] = min(first[u] for u in preds)
            a = T.nodes[v]
            key = (a.get("activation"), a.get("bias"),
                   tuple(sorted((T.edges[u, v]["weight"], ids[u], first[u] - first[v]) for u in preds)))
        ids[v] = table.setdefault(key, len(table))
    supports = []
    for j, o in enumerate(output_nodes(T)):
        k = ids[o]
        if k not in rel:
            H, S = _output_net(T, o, ins)
            ok, why = (prove or _by_certify)(H, deadline)
            if not ok:
                raise Unproved(f"line output {j} was not proved to be the max of inputs {S}: {why}")
            rel[k] = [p - first[o] for p in S]
        supports.append([first[o] + r for r in rel[k]])
    return supports


def _line_incidence(supports, shapeU, shapeV, axis):
    """0/1 matrix |V| x |U|: V[.., j, ..] is the max of U[.., p, ..] for p in S_j."""
    from scipy import sparse

    m = shapeV[axis]
    if [s for k, s in enumerate(shapeU) if k != axis] != [s for k, s in enumerate(shapeV) if k != axis] \
            or len(supports) != m:
        raise Unproved(f"a line stage maps shape {shapeU} to {shapeV} along axis {axis} with {len(supports)} outputs")
    U = np.arange(math.prod(shapeU)).reshape(shapeU)
    V = np.arange(math.prod(shapeV)).reshape(shapeV)
    rows, cols = [], []
    for j, S in enumerate(supports):
        vj = np.take(V, j, axis=axis).ravel()
        for p in S:
            rows.append(vj)
            cols.append(np.take(U, p, axis=axis).ravel())
    rows, cols = np.concatenate(rows), np.concatenate(cols)
    return sparse.csr_matrix((np.ones(len(rows), dtype=np.int64), (rows, cols)), shape=(V.size, U.size))


def expected_incidence(spec, shape):
    """0/1 matrix |Y| x |X|: each output position's window of unpadded inputs (exact integers)."""
    from scipy import sparse

    from maxcert.graphs.pools import axis_intervals

    r = len(spec.inp)
    N, C = shape[0], shape[1]
    plane = math.prod(spec.inp)
    strides_x = [math.prod(spec.inp[j + 1:]) for j in range(r)]
    per_axis = []  # (O_j, K_j) flat offsets and validity
    for j in range(r):
        ivs = axis_intervals(spec, j)
        K = max((k for _, k in ivs), default=1)
        off = np.zeros((len(ivs), K), dtype=np.int64)
        ok = np.zeros((len(ivs), K), dtype=bool)
        for o, (p, k) in enumerate(ivs):
            off[o, :k] = (p + np.arange(k) * spec.dilations[j]) * strides_x[j]
            ok[o, :k] = True
        per_axis.append((off, ok))
    off = np.zeros([1] * (2 * r), dtype=np.int64)
    ok = np.ones([1] * (2 * r), dtype=bool)
    for j, (o_, k_) in enumerate(per_axis):
        sh = [1] * (2 * r)
        sh[j], sh[r + j] = o_.shape
        off = off + o_.reshape(sh)
        ok = ok & k_.reshape(sh)
    outs = math.prod(spec.out)
    off, ok = off.reshape(outs, -1), ok.reshape(outs, -1)
    base = (np.arange(N * C) * plane)[:, None, None]
    cols = (base + off[None]).reshape(N * C * outs, -1)
    mask = np.broadcast_to(ok[None], (N * C, outs, ok.shape[1])).reshape(N * C * outs, -1)
    rows = np.repeat(np.arange(N * C * outs), mask.shape[1]).reshape(mask.shape)
    return sparse.csr_matrix((np.ones(int(mask.sum()), dtype=np.int8), (rows[mask], cols[mask])),
                             shape=(N * C * outs, N * C * plane))


def _compare(got, want, shape_y):
    got = (got != 0).astype(np.int8).tocsr()
    got.sort_indices()
    want = want.tocsr()
    want.sort_indices()
    if got.shape == want.shape and np.array_equal(got.indptr, want.indptr) and np.array_equal(got.indices, want.indices):
        return
    if got.shape != want.shape:
        raise Unproved(f"the replacement has {got.shape[0]} outputs; the pool has {want.shape[0]}")
    diff = (got != want).tocsr()
    k = int(np.flatnonzero(np.diff(diff.indptr))[0])
    g, w = set(got[k].indices.tolist()), set(want[k].indices.tolist())
    pos = tuple(int(v) for v in np.unravel_index(k, shape_y))
    if g - w:
        raise Unproved(f"output {pos} is a max over input {min(g - w)}, which is not in its window")
    raise Unproved(f"output {pos} misses input {min(w - g)} of its window")


def prove_exact(model, site, deadline=None, cache=None, prove=None) -> dict:
    """Prove an exact replacement from the written model; the facts of the proof (or raise Unproved)."""
    from scipy import sparse

    from maxcert.graphs.evaluate import depth, num_neurons
    from maxcert.graphs.pools import _default_opset
    from maxcert.graphs.readwrite.onnx_io import from_onnx
    cache = {} if cache is None else cache
    opset = _default_opset(model)
    shape = [v or 1 for v in site.shape]
    nodes = _subgraph(model.graph, site.input, site.output)
    consts = {n.output[0]: n for n in nodes if n.op_type == "Constant"}
    shapes = _shapes(nodes, consts, site.input, shape, site.elem_type, opset)
    inc = None  # |current tensor| x |X|: which inputs each element is the max of
    relus, layers, stages = 0, 0, []
    for b in blocks(nodes, consts, site.input, site.output, shapes):
        sU, sV = shapes.get(b.entry), shapes.get(b.exit)
        if sU is None or sV is None:
            raise Unproved(f"the shape of {b.entry!r} or {b.exit!r} is not known")
        if b.kind == "layout":
            idx = _run_labels(b.nodes, consts, b.entry, sU, b.exit, opset)
            if list(idx.shape) != list(sV):
                raise Unproved(f"a layout stage gives shape {list(idx.shape)}, not {sV}")
            idx = idx.ravel()
            step = sparse.csr_matrix((np.ones(idx.size, dtype=np.int64), (np.arange(idx.size), idx)),
                                     shape=(idx.size, math.prod(sU)))
            stages.append({"kind": "layout", "ops": sorted({n.op_type for n in b.nodes})})
        else:
            axis = len(sU) - 1 if b.axis is None else b.axis
            line = [1] * len(sU)
            line[axis] = sU[axis]
            bnodes, bexit = b.line_nodes(consts)
            T = from_onnx(_model(bnodes, consts, b.entry, line, site.elem_type, [bexit], opset))
            supports = prove_line(T, cache, deadline, prove)
            step = _line_incidence(supports, sU, sV, axis)
            lines = math.prod(sU) // sU[axis]
            relus += num_neurons(T) * lines
            layers += depth(T)
            stages.append({"kind": "line", "axis": axis, "length": sU[axis], "outputs": sV[axis], "lines": lines,
                           "relus_per_line": num_neurons(T), "relu_layers": depth(T)})
        inc = step if inc is None else (step @ inc).tocsr()
        inc.data = np.ones_like(inc.data)  # path counts -> sets (counts are positive: no zero is stored)
    if inc is None:
        raise Unproved("the replacement computes nothing from the pool input")
    if list(sV) != shape[:2] + list(site.spec.out):
        raise Unproved(f"the replacement's output has shape {sV}; the pool's is {shape[:2] + list(site.spec.out)}")
    _compare(inc, expected_incidence(site.spec, shape), shape[:2] + list(site.spec.out))
    return {"relus": relus, "relu_layers": layers, "stages": stages}
