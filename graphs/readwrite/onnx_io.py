"""ONNX import (Gemm, MatMul, Add, Sub, Relu, Identity, Flatten, Reshape, Constant) and export
(a plain Gemm/Relu chain that onnxruntime runs).

Import executes the model symbolically: every tensor element is an exact affine form over the
inputs and the ReLU nodes created so far, so linear operators fold away and each ``Relu``
element becomes one ReLU node. Float weights convert exactly to their binary value.
"""

from __future__ import annotations

from fractions import Fraction
from math import prod

import networkx as nx
import numpy as np

from maxcert.graphs.schema import GraphError, add_neuron, new_network, validate

SUPPORTED = ("Gemm", "MatMul", "Add", "Sub", "Relu", "Identity", "Flatten", "Reshape", "Constant")


class _Form:
    """An exact affine form ``sum c_s * s + k`` used while importing."""

    __slots__ = ("c", "k")

    def __init__(self, c, k=Fraction(0)):
        self.c, self.k = c, k

    def __add__(self, o):
        if isinstance(o, _Form):
            c = dict(self.c)
            for s, v in o.c.items():
                c[s] = c.get(s, 0) + v
            return _Form(c, self.k + o.k)
        return _Form(self.c, self.k + o)

    __radd__ = __add__

    def __mul__(self, o):
        if isinstance(o, _Form):
            raise GraphError("the model multiplies two input-dependent tensors; only affine maps and Relu are supported")
        if o == 0:
            return Fraction(0)
        return _Form({s: v * o for s, v in self.c.items()}, self.k * o)

    __rmul__ = __mul__

    def __neg__(self):
        return self * -1

    def __sub__(self, o):
        return self + (-o)

    def __rsub__(self, o):
        return (-self) + o


def _exact(arr, what):
    arr = np.asarray(arr)
    if arr.dtype == object:
        return arr
    if arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)):
            bad = "NaN" if np.isnan(arr).any() else "infinite"
            raise GraphError(f"{what} contains a {bad} value")
        return np.vectorize(lambda v: Fraction(float(v)), otypes=[object])(arr) if arr.size else arr.astype(object)
    if arr.dtype.kind in "iub":
        return np.vectorize(lambda v: Fraction(int(v)), otypes=[object])(arr) if arr.size else arr.astype(object)
    raise GraphError(f"{what} has unsupported element type {arr.dtype}")


def _attr(node, name, default=None):
    from onnx import helper

    for a in node.attribute:
        if a.name == name:
            return helper.get_attribute_value(a)
    return default


def from_onnx(model) -> nx.DiGraph:
    """Convert an ``onnx.ModelProto`` into an exact network."""
    from onnx import numpy_helper

    g = model.graph
    for node in g.node:
        if node.op_type not in SUPPORTED or node.domain not in ("", "ai.onnx"):
            raise GraphError(f"unsupported ONNX operator {node.op_type!r} (node {node.name!r}); "
                             f"supported: {', '.join(SUPPORTED)}")
    consts = {}
    for init in g.initializer:
        consts[init.name] = _exact(numpy_helper.to_array(init), f"initializer {init.name!r}")
    inputs = [i for i in g.input if i.name not in consts]
    if len(inputs) != 1:
        raise GraphError(f"model must have exactly one input tensor, found {len(inputs)}")
    inp = inputs[0]
    tt = inp.type.tensor_type
    if tt.elem_type not in (1, 10, 11):  # float, float16, double
        raise GraphError(f"input {inp.name!r} must be a float tensor")
    shape = [dim.dim_value if dim.HasField("dim_value") and dim.dim_value > 0 else 1 for dim in tt.shape.dim]
    d = prod(shape) if shape else 1
    G = new_network(d)
    x = np.empty(d, dtype=object)
    for i in range(d):
        x[i] = _Form({f"x{i}": Fraction(1)})
    env = dict(consts)
    env[inp.name] = x.reshape(shape) if shape else x.reshape(())
    counter = [0]

    def get(name, node):
        if name not in env:
            raise GraphError(f"node {node.name or node.op_type!r} reads unknown tensor {name!r}")
        return env[name]

    for node in g.node:
        op = node.op_type
        if op == "Constant":
            from onnx import numpy_helper as nh

            t = _attr(node, "value")
            if t is None:
                raise GraphError(f"Constant node {node.name!r} has no 'value' tensor")
            env[node.output[0]] = _exact(nh.to_array(t), f"Constant {node.name!r}")
            continue
        args = [get(n, node) for n in node.input if n]
        if op == "Identity":
            out = args[0]
        elif op == "Relu":
            out = np.vectorize(lambda v: _relu(G, v, counter), otypes=[object])(args[0]) if args[0].size else args[0]
        elif op in ("Add", "Sub"):
            out = args[0] + args[1] if op == "Add" else args[0] - args[1]
        elif op == "MatMul":
            out = _matmul(args[0], args[1])
        elif op == "Gemm":
            A, B = args[0], args[1]
            A = np.atleast_2d(A)
            if _attr(node, "transA", 0):
                A = A.T
            if _attr(node, "transB", 0):
                B = B.T
            alpha = _exact(np.array(_attr(node, "alpha", 1.0), dtype=np.float32), "Gemm alpha").item()
            beta = _exact(np.array(_attr(node, "beta", 1.0), dtype=np.float32), "Gemm beta").item()
            out = _matmul(A, B) * alpha
            if len(args) > 2:
                out = out + args[2] * beta
        elif op == "Flatten":
            a = args[0]
            axis = _attr(node, "axis", 1)
            axis = axis + a.ndim if axis < 0 else axis
            out = a.reshape(prod(a.shape[:axis]), prod(a.shape[axis:]))
        elif op == "Reshape":
            a, target = args[0], [int(v) for v in np.asarray(args[1]).ravel()]
            target = [a.shape[i] if t == 0 else t for i, t in enumerate(target)]
            try:
                out = a.reshape(target)
            except ValueError:
                raise GraphError(f"Reshape {node.name!r}: cannot reshape {a.shape} to {target}") from None
        env[node.output[0]] = np.asarray(out, dtype=object)
    if len(g.output) != 1:
        raise GraphError(f"model must have exactly one output tensor, found {len(g.output)}")
    res = get(g.output[0].name, g.node[-1] if g.node else inp).ravel()
    outs = []
    for j, v in enumerate(res):
        name = f"y{j}"
        if isinstance(v, _Form):
            coeffs = {s: c for s, c in v.c.items() if c != 0}
            add_neuron(G, name, coeffs or {"x0": Fraction(0)}, v.k, "linear")
        else:
            add_neuron(G, name, {"x0": Fraction(0)}, v, "linear")
        outs.append(name)
    G.graph["outputs"] = outs
    if g.name:
        G.graph["name"] = g.name
    keep = set(outs)
    for o in outs:
        keep |= nx.ancestors(G, o)
    G.remove_nodes_from([n for n in list(G) if n not in keep and G.nodes[n]["kind"] != "input"])
    return validate(G)


def _matmul(a, b):
    a, b = np.asarray(a, dtype=object), np.asarray(b, dtype=object)
    if a.ndim == 0 or b.ndim == 0:
        raise GraphError("MatMul/Gemm operand is a scalar")
    try:
        if a.ndim == 1 or b.ndim == 1 or a.ndim == 2 and b.ndim == 2:
            A2 = a.reshape(1, -1) if a.ndim == 1 else a
            B2 = b.reshape(-1, 1) if b.ndim == 1 else b
            if A2.shape[1] != B2.shape[0]:
                raise ValueError
            out = np.empty((A2.shape[0], B2.shape[1]), dtype=object)
            for i in range(A2.shape[0]):
                for j in range(B2.shape[1]):
                    out[i, j] = _dot(A2[i, :], B2[:, j])
            if a.ndim == 1:
                out = out[0]
            if b.ndim == 1:
                out = out[..., 0]
            return out
        return np.matmul(a, b)
    except ValueError:
        raise GraphError(f"MatMul/Gemm shapes do not match: {a.shape} and {b.shape}") from None


def _dot(u, v):
    """Exact dot product of a vector of forms/Fractions with another; skips zero terms."""
    coeffs, k = {}, Fraction(0)
    for p, q in zip(u, v):
        if isinstance(p, _Form) and isinstance(q, _Form):
            raise GraphError("the model multiplies two input-dependent tensors; only affine maps and Relu are supported")
        if isinstance(q, _Form):
            p, q = q, p
        if isinstance(p, _Form):
            if q == 0:
                continue
            k += p.k * q
            for s, c in p.c.items():
                coeffs[s] = coeffs.get(s, 0) + c * q
        else:
            k += p * q
    return _Form(coeffs, k) if coeffs else k


def _relu(G, v, counter):
    if not isinstance(v, _Form):
        return max(v, Fraction(0))
    coeffs = {s: c for s, c in v.c.items() if c != 0}
    if not coeffs:
        return max(v.k, Fraction(0))
    name = f"r{counter[0]}"
    counter[0] += 1
    add_neuron(G, name, coeffs, v.k, "relu")
    return _Form({name: Fraction(1)})


def read_onnx(path) -> nx.DiGraph:
    """Read an ONNX file into an exact network; malformed files raise :class:`GraphError`."""
    import onnx

    try:
        model = onnx.load(str(path))
    except FileNotFoundError:
        raise
    except Exception as exc:  # protobuf raises several unrelated types on corrupt input
        raise GraphError(f"{path}: malformed or truncated ONNX file ({type(exc).__name__})") from None
    if not model.graph.node and not model.graph.output:
        raise GraphError(f"{path}: malformed ONNX file (no graph)")
    return from_onnx(model)


def to_onnx(G: nx.DiGraph, dtype: str = "float64"):
    """Export as a Gemm/Relu chain (weights rounded to ``dtype``: float64 or float32).

    Examples
    --------
    >>> import onnxruntime as ort
    >>> from maxcert.graphs.generators import tree_network
    >>> m = to_onnx(tree_network(3), "float32")
    >>> s = ort.InferenceSession(m.SerializeToString(), providers=["CPUExecutionProvider"])
    >>> s.run(None, {"x": np.array([[1, 7, 3]], dtype=np.float32)})[0].tolist()
    [[7.0]]
    """
    from onnx import TensorProto, checker, helper, numpy_helper

    from maxcert.graphs.evaluate import compile_layers

    if dtype not in ("float32", "float64"):
        raise GraphError(f"ONNX export dtype must be float32 or float64, got {dtype!r}")
    validate(G)
    np_t = np.float32 if dtype == "float32" else np.float64
    elem = TensorProto.FLOAT if dtype == "float32" else TensorProto.DOUBLE
    Ws, bs = compile_layers(G).to_numpy(np_t)
    d = Ws[0].shape[1]
    nodes, inits = [], []
    prev = "x"
    for l, (W, b) in enumerate(zip(Ws, bs)):
        inits += [numpy_helper.from_array(W, f"W{l}"), numpy_helper.from_array(b, f"b{l}")]
        last = l == len(Ws) - 1
        out = "y" if last else f"z{l}"
        nodes.append(helper.make_node("Gemm", [prev, f"W{l}", f"b{l}"], [out], name=f"gemm{l}", transB=1))
        if not last:
            nodes.append(helper.make_node("Relu", [out], [f"h{l}"], name=f"relu{l}"))
            prev = f"h{l}"
    graph = helper.make_graph(
        nodes, G.graph.get("name") or "maxcert",
        [helper.make_tensor_value_info("x", elem, ["N", d])],
        [helper.make_tensor_value_info("y", elem, ["N", Ws[-1].shape[0]])],
        inits,
    )
    model = helper.make_model(graph, producer_name="maxcert", opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    checker.check_model(model)
    return model


def write_onnx(G: nx.DiGraph, path, dtype: str = "float64") -> None:
    """Write the network as an ONNX file."""
    with open(path, "wb") as f:
        f.write(to_onnx(G, dtype).SerializeToString())
