"""ONNX import (the operators in :data:`SUPPORTED`) and export (a plain Gemm/Relu chain that
onnxruntime runs).

Import executes the model symbolically, for one input tensor (symbolic dimensions such as a
batch size count as 1): every tensor element is an exact affine form over the inputs and the
ReLU nodes created so far, or a rational constant. Linear operators fold away and each
``Relu`` element becomes one ReLU node. Forms never keep a zero coefficient, so a dense matrix
with zero entries (a pooling layer written as a Gemm, say) creates no zero-weight edges, and
its window structure is visible as graph structure.

Operators (default domain, opsets 6 to the newest; attribute forms of old opsets and input forms
of new ones): Add, BatchNormalization, Concat, Constant, Conv, Div, Dropout, Flatten, Gather,
Gemm, Identity, MatMul, Mul, Neg, Pad, Relu, Reshape, Shape, Slice, Squeeze, Sub, Sum,
Transpose, Unsqueeze.

What is exact: float weights and constants convert exactly to their binary value, and every
operator is then applied in exact rational arithmetic (the network is the real-valued function
of its stored weights, not its float execution; constant-only subexpressions are folded
exactly too). Conv pads with zeros; Pad supports mode ``constant`` only. Add/Sub/Mul/Div/Sum
broadcast as numpy does (and as the opset 6 ``broadcast``/``axis`` attributes say); Mul needs
one constant operand and Div a constant divisor, since a product of two input-dependent
tensors is not piecewise affine. The one inexact step is BatchNormalization, whose
``1/sqrt(var + epsilon)`` is generally irrational: its folded scale
``scale / sqrt(var + epsilon)`` is computed as onnxruntime computes it, in floating point in
the precision of the input tensor (float32 model: float32 addition, sqrt and division), and
the imported layer is then exactly ``s * (x - mean) + B`` for that float-computed ``s``.

Every graph output tensor, flattened row-major, in graph-output order and concatenated, gives
the ordered output nodes ``y0, y1, ...``; ``G.graph["output_tensors"]`` lists each output's
``(name, shape)`` to map them back. Bad input (unsupported operators, shape mismatches,
input-dependent weights, NaN or infinite constants) raises :class:`GraphError` with one line
naming the node.
"""

from __future__ import annotations

import math
import operator
from fractions import Fraction
from math import prod

import networkx as nx
import numpy as np

from maxcert.graphs.schema import GraphError, add_neuron, new_network, validate

SUPPORTED = ("Add", "BatchNormalization", "Concat", "Constant", "Conv", "Div", "Dropout", "Flatten", "Gather",
             "Gemm", "Identity", "MatMul", "Mul", "Neg", "Pad", "Relu", "Reshape", "Shape", "Slice", "Squeeze",
             "Sub", "Sum", "Transpose", "Unsqueeze")

_TWO_INPUTS = "the model multiplies two input-dependent tensors; only affine maps and Relu are supported"
_ZERO = Fraction(0)
_FLOAT_TYPES = {1: np.float32, 10: np.float16, 11: np.float64}  # TensorProto FLOAT, FLOAT16, DOUBLE


class _Form:
    """An exact affine form ``sum c_s * s + k`` used while importing (no zero coefficient in ``c``;
    ``c`` is never changed in place, so forms may share it)."""

    __slots__ = ("c", "k")

    def __init__(self, c, k=_ZERO):
        self.c, self.k = c, k

    def __add__(self, o):
        if isinstance(o, _Form):
            c = dict(self.c)
            for s, v in o.c.items():
                t = c.get(s, 0) + v
                if t:
                    c[s] = t
                else:
                    del c[s]
            return _form(c, self.k + o.k)
        if not o:
            return self
        return _Form(self.c, self.k + o)

    __radd__ = __add__

    def __mul__(self, o):
        if isinstance(o, _Form):
            raise GraphError(_TWO_INPUTS)
        if not o:
            return _ZERO
        if o == 1:
            return self
        return _Form({s: v * o for s, v in self.c.items()}, self.k * o)

    __rmul__ = __mul__

    def __truediv__(self, o):
        if isinstance(o, _Form):
            raise GraphError("the model divides by an input-dependent tensor; only division by a constant is supported")
        if not o:
            raise GraphError("division by zero")
        return self * (1 / Fraction(o))

    def __rtruediv__(self, o):
        raise GraphError("the model divides by an input-dependent tensor; only division by a constant is supported")

    def __neg__(self):
        return _Form({s: -v for s, v in self.c.items()}, -self.k)

    def __sub__(self, o):
        return self + (-o)

    def __rsub__(self, o):
        return (-self) + o


def _form(c, k):
    return _Form(c, k) if c else k


def _lincomb(pairs, k=_ZERO):
    """``k + sum p * q`` over pairs of which at most one factor is a form; zero terms are skipped."""
    c = {}
    for p, q in pairs:
        if isinstance(p, _Form):
            if isinstance(q, _Form):
                raise GraphError(_TWO_INPUTS)
        elif isinstance(q, _Form):
            p, q = q, p
        else:
            if p and q:
                k = k + p * q
            continue
        if not q:
            continue
        if p.k:
            k = k + p.k * q
        if q == 1:
            for s, v in p.c.items():
                c[s] = c.get(s, 0) + v
        else:
            for s, v in p.c.items():
                c[s] = c.get(s, 0) + v * q
    c = {s: v for s, v in c.items() if v}
    return _Form(c, k) if c else k


def _obj(x):
    return np.asarray(x, dtype=object)


def _exact(arr, what):
    """A numpy array as an object array of exact Fractions (each distinct value converted once)."""
    arr = np.asarray(arr)
    if arr.dtype == object or arr.dtype.kind not in "fiub":  # object: onnx's string tensors
        raise GraphError(f"{what} has unsupported element type {arr.dtype}")
    if arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
        bad = "NaN" if np.isnan(arr).any() else "infinite"
        raise GraphError(f"{what} contains a {bad} value")
    if not arr.size:
        return arr.astype(object)
    u, inv = np.unique(arr.ravel(), return_inverse=True)
    conv = (lambda v: Fraction(float(v))) if arr.dtype.kind == "f" else (lambda v: Fraction(int(v)))
    fr = np.empty(len(u), dtype=object)
    fr[:] = [conv(v) for v in u]
    return fr[inv.ravel()].reshape(arr.shape)


def _attr(node, name, default=None):
    from onnx import helper

    for a in node.attribute:
        if a.name == name:
            v = helper.get_attribute_value(a)
            return v.decode() if isinstance(v, bytes) else v
    return default


def _is_const(a) -> bool:
    return not any(isinstance(v, _Form) for v in np.asarray(a, dtype=object).flat)


def _const(a, what):
    if not _is_const(a):
        raise GraphError(f"{what} must be a constant, but it depends on the input")
    return a


def _ints(a, what) -> list:
    vals = []
    for v in _const(_obj(a), what).flat:
        if Fraction(v).denominator != 1:
            raise GraphError(f"{what} must be integers, got {v}")
        vals.append(int(v))
    return vals


def _float_attr(node, name, default):
    v = _attr(node, name, default)
    if not math.isfinite(v):
        raise GraphError(f"attribute {name!r} is not finite ({v})")
    return Fraction(float(np.float32(v)))  # float attributes are stored as float32


def _axis(axis, rank, what="axis"):
    if not -rank <= axis < rank:
        raise GraphError(f"{what} {axis} is out of range for a tensor of rank {rank}")
    return axis + rank if axis < 0 else axis


def _broadcast_shape(*arrs):
    try:
        return np.broadcast_shapes(*(a.shape for a in arrs))
    except ValueError:
        raise GraphError("shapes " + " and ".join(str(tuple(a.shape)) for a in arrs) + " do not broadcast") from None


def _elementwise(f, a, b):
    _broadcast_shape(a, b)
    return _obj(np.frompyfunc(f, 2, 1)(a, b))


def _int_div(p, q):
    if not q:
        raise GraphError("integer division by zero")
    return Fraction(math.trunc(Fraction(p) / q))


def _div(p, q):
    if isinstance(p, _Form) or isinstance(q, _Form):
        return p / q
    if not q:
        raise GraphError("division by zero")
    return Fraction(p) / q


def _relu(G, v, counter):
    if not isinstance(v, _Form):
        return max(v, _ZERO)
    name = f"r{counter[0]}"
    counter[0] += 1
    add_neuron(G, name, v.c, v.k, "relu")
    return _Form({name: Fraction(1)})


class _Ctx:
    def __init__(self, G, opset, dtypes, used):
        self.G, self.opset, self.dt, self.used, self.counter = G, opset, dtypes, used, [0]


def from_onnx(model) -> nx.DiGraph:
    """Convert an ``onnx.ModelProto`` into an exact network (see the module docstring)."""
    from onnx import numpy_helper

    g = model.graph
    for node in g.node:
        if node.op_type not in SUPPORTED or node.domain not in ("", "ai.onnx"):
            raise GraphError(f"unsupported ONNX operator {node.op_type!r} (node {node.name!r}); "
                             f"supported: {', '.join(SUPPORTED)}")
    opset = max((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), default=1)
    consts, dtypes = {}, {}
    for init in g.initializer:
        try:
            arr = numpy_helper.to_array(init)
        except Exception as exc:  # external data missing, unknown type, corrupt payload
            raise GraphError(f"initializer {init.name!r} cannot be read ({type(exc).__name__})") from None
        consts[init.name] = _exact(arr, f"initializer {init.name!r}")
        dtypes[init.name] = arr.dtype
    inputs = [i for i in g.input if i.name not in consts]
    if len(inputs) != 1:
        raise GraphError(f"model must have exactly one input tensor, found {len(inputs)}")
    inp = inputs[0]
    tt = inp.type.tensor_type
    if tt.elem_type not in _FLOAT_TYPES:
        raise GraphError(f"input {inp.name!r} must be a float tensor")
    shape = [dim.dim_value if dim.HasField("dim_value") and dim.dim_value > 0 else 1 for dim in tt.shape.dim]
    d = prod(shape) if shape else 1
    G = new_network(d)
    x = np.empty(d, dtype=object)
    for i in range(d):
        x[i] = _Form({f"x{i}": Fraction(1)})
    env = dict(consts)
    env[inp.name] = x.reshape(shape)
    dtypes[inp.name] = np.dtype(_FLOAT_TYPES[tt.elem_type])
    used = {n for node in g.node for n in node.input if n} | {o.name for o in g.output}
    ctx = _Ctx(G, opset, dtypes, used)

    for i, node in enumerate(g.node):
        op = node.op_type
        where = (f"{op} node {node.name!r}" if node.name
                 else f"{op} node #{i}" + (f" (output {node.output[0]!r})" if node.output else ""))
        try:
            args = []
            for n in node.input:
                if not n:
                    args.append(None)
                elif n not in env:
                    raise GraphError(f"reads unknown tensor {n!r}")
                else:
                    args.append(env[n])
            outs, out_dt = _OPS[op](ctx, node, args)
            for name in node.output[len(outs):]:
                if name and name in used:
                    raise GraphError(f"its output {name!r} is used, but only its first {len(outs)} are supported")
        except GraphError as exc:
            raise GraphError(f"{where}: " + " ".join(str(exc).split())) from None
        except (ValueError, IndexError, TypeError, KeyError, ZeroDivisionError, OverflowError, MemoryError) as exc:
            raise GraphError(f"{where}: cannot be executed ({type(exc).__name__}: "
                             + " ".join(str(exc).split()) + ")") from None
        first = next((dtypes.get(n) for n in node.input if n), None)
        for j, name in enumerate(node.output):
            if name and j < len(outs):
                env[name] = _obj(outs[j])
                dt = out_dt[j] if out_dt and j < len(out_dt) and out_dt[j] is not None else first
                dtypes[name] = np.dtype(dt) if dt is not None else dtypes[inp.name]

    outs, tensors = [], []
    for o in g.output:
        if o.name not in env:
            raise GraphError(f"graph output {o.name!r} is not computed by any node")
        val = env[o.name]
        tensors.append((o.name, tuple(int(s) for s in val.shape)))
        for v in val.ravel():
            name = f"y{len(outs)}"
            if isinstance(v, _Form):
                add_neuron(G, name, v.c, v.k, "linear")
            else:  # a constant output: the contract wants an edge, so a zero weight from x0
                add_neuron(G, name, {"x0": _ZERO}, v, "linear")
            outs.append(name)
    if not outs:
        raise GraphError("model has no output values" if g.output else "model declares no graph output")
    G.graph["outputs"] = outs
    G.graph["output_tensors"] = tensors
    if g.name:
        G.graph["name"] = g.name
    keep = set(outs)
    for o in outs:
        keep |= nx.ancestors(G, o)
    G.remove_nodes_from([n for n in list(G) if n not in keep and G.nodes[n]["kind"] != "input"])
    return validate(G)


# --- operators: each takes (ctx, node, args) and returns (outputs, output dtypes or None) -------------


def _need(args, n, what):
    if len(args) < n or any(a is None for a in args[:n]):
        raise GraphError(f"needs {what}")


def _op_constant(ctx, node, args):
    from onnx import numpy_helper

    for name in ("value", "value_float", "value_floats", "value_int", "value_ints"):
        v = _attr(node, name)
        if v is None:
            continue
        if name == "value":
            from onnx import TensorProto

            if not isinstance(v, TensorProto):
                raise GraphError(f"attribute 'value' is a {type(v).__name__}, not a tensor")
            try:
                arr = numpy_helper.to_array(v)
            except Exception as exc:  # unknown element type, external data, corrupt payload
                raise GraphError(f"its tensor cannot be read ({type(exc).__name__})") from None
        else:
            arr = np.asarray(v, dtype=np.float32 if "float" in name else np.int64)
        return [_exact(arr, "the constant")], [arr.dtype]
    kinds = [a.name for a in node.attribute]
    raise GraphError(f"has no numeric value (attributes {kinds}); supported: value, value_float(s), value_int(s)")


def _op_identity(ctx, node, args):
    _need(args, 1, "an input")
    return [args[0]], None


def _op_relu(ctx, node, args):
    _need(args, 1, "an input")
    a = args[0]
    if not a.size:
        return [a], None
    return [np.frompyfunc(lambda v: _relu(ctx.G, v, ctx.counter), 1, 1)(a)], None


def _op_neg(ctx, node, args):
    _need(args, 1, "an input")
    return [np.frompyfunc(operator.neg, 1, 1)(args[0]) if args[0].size else args[0]], None


def _legacy_broadcast(node, a, b):
    """Opset < 7 Add/Sub/Mul/Div: with ``broadcast=1`` and ``axis``, B aligns with A at ``axis``."""
    axis = _attr(node, "axis")
    if _attr(node, "broadcast", 0) and axis is not None and b.ndim:
        axis = _axis(axis, a.ndim)
        if axis + b.ndim > a.ndim:
            raise GraphError(f"cannot align shape {b.shape} with {a.shape} at axis {axis}")
        b = b.reshape((1,) * axis + b.shape + (1,) * (a.ndim - axis - b.ndim))
    return b


def _binary(f_float, f_int=None):
    def run(ctx, node, args):
        _need(args, 2, "two inputs")
        a, b = args[0], _legacy_broadcast(node, args[0], args[1])
        ints = all(ctx.dt.get(n, np.dtype(np.float64)).kind in "iub" for n in node.input[:2])
        return [_elementwise(f_int if ints and f_int else f_float, a, b)], None

    return run


def _op_sum(ctx, node, args):
    if not args or any(a is None for a in args):
        raise GraphError("needs at least one input")
    out = args[0]
    for b in args[1:]:
        out = _elementwise(operator.add, out, b)
    return [out], None


def _op_matmul(ctx, node, args):
    _need(args, 2, "two inputs")
    return [_matmul(args[0], args[1])], None


def _op_gemm(ctx, node, args):
    _need(args, 2, "inputs A and B")
    A, B = np.atleast_2d(args[0]), np.atleast_2d(args[1])
    if A.ndim != 2 or B.ndim != 2:
        raise GraphError(f"A and B must be matrices, got shapes {args[0].shape} and {args[1].shape}")
    if _attr(node, "transA", 0):
        A = A.T
    if _attr(node, "transB", 0):
        B = B.T
    out = _matmul(A, B)
    alpha = _float_attr(node, "alpha", 1.0)
    if alpha != 1:
        out = _elementwise(operator.mul, out, _obj(alpha))
    if len(args) > 2 and args[2] is not None:
        beta = _float_attr(node, "beta", 1.0)
        C = args[2] if beta == 1 else _elementwise(operator.mul, args[2], _obj(beta))
        if _broadcast_shape(out, C) != out.shape:
            raise GraphError(f"C of shape {C.shape} does not broadcast to the product's shape {out.shape}")
        out = _elementwise(operator.add, out, C)
    return [out], None


def _matmul(a, b):
    if a.ndim == 0 or b.ndim == 0:
        raise GraphError("an operand is a scalar")
    a2 = a.reshape(1, -1) if a.ndim == 1 else a
    b2 = b.reshape(-1, 1) if b.ndim == 1 else b
    if a2.shape[-1] != b2.shape[-2]:
        raise GraphError(f"shapes do not match: {a.shape} and {b.shape}")
    try:
        batch = np.broadcast_shapes(a2.shape[:-2], b2.shape[:-2])
    except ValueError:
        raise GraphError(f"batch dimensions do not broadcast: {a.shape} and {b.shape}") from None
    A = np.broadcast_to(a2, batch + a2.shape[-2:])
    B = np.broadcast_to(b2, batch + b2.shape[-2:])
    out = np.empty(batch + (a2.shape[-2], b2.shape[-1]), dtype=object)
    for idx in np.ndindex(*batch):
        out[idx] = _mm2(A[idx], B[idx])
    if a.ndim == 1:
        out = out[..., 0, :]
    if b.ndim == 1:
        out = out[..., 0]
    return out


def _mm2(A, B):
    """Exact product of two object matrices; zero entries are skipped (they create no edges)."""
    nzA, nzB = A != 0, B != 0
    out = np.empty((A.shape[0], B.shape[1]), dtype=object)
    for j in range(B.shape[1]):
        col, nzc = B[:, j], nzB[:, j]
        for i in range(A.shape[0]):
            sel = np.flatnonzero(nzA[i] & nzc)
            out[i, j] = _lincomb(zip(A[i, sel], col[sel]))
    return out


def _op_flatten(ctx, node, args):
    _need(args, 1, "an input")
    a = args[0]
    axis = _attr(node, "axis", 1)
    if not -a.ndim <= axis <= a.ndim:
        raise GraphError(f"axis {axis} is out of range for a tensor of rank {a.ndim}")
    axis = axis + a.ndim if axis < 0 else axis
    return [a.reshape(prod(a.shape[:axis]), prod(a.shape[axis:]))], None


def _op_reshape(ctx, node, args):
    _need(args, 1, "an input")
    a = args[0]
    if len(args) > 1 and args[1] is not None:
        target = _ints(args[1], "the shape")
    elif _attr(node, "shape") is not None:
        target = list(_attr(node, "shape"))
    else:
        raise GraphError("has no target shape")
    allowzero = _attr(node, "allowzero", 0)
    out, infer = [], None
    for i, t in enumerate(target):
        if t == 0 and not allowzero:
            if i >= a.ndim:
                raise GraphError(f"shape {target}: a 0 at position {i} copies a dimension the input {a.shape} lacks")
            t = a.shape[i]
        elif t == -1:
            if infer is not None:
                raise GraphError(f"shape {target} has more than one -1")
            infer = i
        elif t < -1:
            raise GraphError(f"shape {target} has a negative dimension {t}")
        out.append(t)
    if infer is not None:
        rest = prod(t for j, t in enumerate(out) if j != infer)
        if rest == 0 or a.size % rest:
            raise GraphError(f"cannot reshape {a.shape} to {target}")
        out[infer] = a.size // rest
    if prod(out) != a.size:
        raise GraphError(f"cannot reshape {a.shape} to {target}")
    return [a.reshape(out)], None


def _op_transpose(ctx, node, args):
    _need(args, 1, "an input")
    a = args[0]
    perm = _attr(node, "perm")
    perm = list(range(a.ndim))[::-1] if perm is None else list(perm)
    if sorted(perm) != list(range(a.ndim)):
        raise GraphError(f"perm {perm} is not a permutation of the {a.ndim} axes of {a.shape}")
    return [np.transpose(a, perm)], None


def _axes_arg(node, args, what="axes"):
    """Axes (or another int list) from input 1 if given, else from the attribute, else None."""
    if len(args) > 1 and args[1] is not None:
        return _ints(args[1], what)
    v = _attr(node, what)
    return None if v is None else list(v)


def _op_squeeze(ctx, node, args):
    _need(args, 1, "an input")
    a = args[0]
    axes = _axes_arg(node, args)
    if not axes:  # absent or empty (as onnxruntime reads an empty axes input): every dimension of size 1
        axes = [i for i, s in enumerate(a.shape) if s == 1]
    axes = sorted({_axis(x, a.ndim) for x in axes})
    for x in axes:
        if a.shape[x] != 1:
            raise GraphError(f"cannot squeeze axis {x} of size {a.shape[x]} (shape {a.shape})")
    return [a.reshape([s for i, s in enumerate(a.shape) if i not in axes])], None


def _op_unsqueeze(ctx, node, args):
    _need(args, 1, "an input")
    a = args[0]
    axes = _axes_arg(node, args)
    if axes is None:
        raise GraphError("has no axes")
    r = a.ndim + len(axes)
    norm = [_axis(x, r) for x in axes]
    if len(set(norm)) != len(norm):
        raise GraphError(f"axes {axes} repeat an axis")
    shape, it = [], iter(a.shape)
    for i in range(r):
        shape.append(1 if i in norm else next(it))
    return [a.reshape(shape)], None


def _op_concat(ctx, node, args):
    if not args or any(a is None for a in args):
        raise GraphError("needs at least one input")
    r = args[0].ndim
    if r == 0:
        raise GraphError("cannot concatenate scalars")
    if _attr(node, "axis") is None and ctx.opset >= 4:
        raise GraphError("has no axis attribute")
    axis = _axis(_attr(node, "axis", 1), r)
    for a in args[1:]:
        if a.ndim != r or a.shape[:axis] + a.shape[axis + 1:] != args[0].shape[:axis] + args[0].shape[axis + 1:]:
            raise GraphError(f"shapes {[tuple(b.shape) for b in args]} do not match outside axis {axis}")
    return [np.concatenate(args, axis=axis)], None


def _op_gather(ctx, node, args):
    _need(args, 2, "inputs data and indices")
    a = args[0]
    if a.ndim == 0:
        raise GraphError("cannot gather from a scalar")
    axis = _axis(_attr(node, "axis", 0), a.ndim)
    idx = np.array(_ints(args[1], "the indices"), dtype=np.int64).reshape(args[1].shape)
    n = a.shape[axis]
    if idx.size and (idx.min() < -n or idx.max() >= n):
        raise GraphError(f"an index is out of range [-{n}, {n - 1}] on axis {axis}")
    return [np.take(a, np.where(idx < 0, idx + n, idx), axis=axis)], None


def _op_shape(ctx, node, args):
    _need(args, 1, "an input")
    dims = list(args[0].shape)
    r = len(dims)
    start, end = _attr(node, "start", 0), _attr(node, "end", r)
    start = min(max(start + r if start < 0 else start, 0), r)
    end = min(max(end + r if end < 0 else end, 0), r)
    return [_exact(np.array(dims[start:end], dtype=np.int64), "shape")], [np.int64]


def _op_slice(ctx, node, args):
    _need(args, 1, "an input")
    a = args[0]
    if len(args) > 1:  # opset >= 10: starts, ends, axes, steps are inputs
        _need(args, 3, "inputs starts and ends")
        starts, ends = _ints(args[1], "starts"), _ints(args[2], "ends")
        axes = _ints(args[3], "axes") if len(args) > 3 and args[3] is not None else None
        steps = _ints(args[4], "steps") if len(args) > 4 and args[4] is not None else None
    else:
        starts, ends, axes = _attr(node, "starts"), _attr(node, "ends"), _attr(node, "axes")
        if starts is None or ends is None:
            raise GraphError("has no starts/ends")
        starts, ends, axes, steps = list(starts), list(ends), None if axes is None else list(axes), None
    axes = list(range(len(starts))) if axes is None else axes
    steps = [1] * len(starts) if steps is None else steps
    if not len(starts) == len(ends) == len(axes) == len(steps):
        raise GraphError(f"starts {starts}, ends {ends}, axes {axes}, steps {steps} differ in length")
    axes = [_axis(x, a.ndim) for x in axes]
    if len(set(axes)) != len(axes):
        raise GraphError(f"axes {axes} repeat an axis")
    for s, e, x, st in zip(starts, ends, axes, steps):
        dim = a.shape[x]
        if st == 0:
            raise GraphError("a step is 0")
        s = s + dim if s < 0 else s
        e = e + dim if e < 0 else e
        if st > 0:
            s, e = min(max(s, 0), dim), min(max(e, 0), dim)
        else:
            s, e = min(max(s, 0), dim - 1), min(max(e, -1), dim - 1)
        a = np.take(a, np.arange(s, e, st, dtype=np.int64), axis=x)
    return [a], None


def _op_pad(ctx, node, args):
    _need(args, 1, "an input")
    a = args[0]
    mode = _attr(node, "mode", "constant")
    if mode != "constant":
        raise GraphError(f"Pad mode {mode!r} is not supported (only 'constant')")
    if len(args) > 1:  # opset >= 11: pads, constant_value, axes are inputs
        if args[1] is None:
            raise GraphError("has no pads")
        pads = _ints(args[1], "pads")
        value = args[2] if len(args) > 2 and args[2] is not None else None
        if value is not None:
            _const(value, "the constant value")
            if value.size != 1:
                raise GraphError(f"the constant value must be one number, got shape {value.shape}")
            value = value.ravel()[0]
        axes = _ints(args[3], "axes") if len(args) > 3 and args[3] is not None else None
    else:
        pads = _attr(node, "pads", _attr(node, "paddings"))
        if pads is None:
            raise GraphError("has no pads")
        pads, axes = list(pads), None
        value = _float_attr(node, "value", 0.0)
    value = _ZERO if value is None else value
    axes = list(range(a.ndim)) if axes is None else [_axis(x, a.ndim) for x in axes]
    if len(pads) != 2 * len(axes) or len(set(axes)) != len(axes):
        raise GraphError(f"pads {pads} do not fit axes {axes} of a tensor of shape {a.shape}")
    before, after = [0] * a.ndim, [0] * a.ndim
    for i, x in enumerate(axes):
        before[x], after[x] = pads[i], pads[i + len(axes)]
    shape = [s + b + e for s, b, e in zip(a.shape, before, after)]
    if any(s < 0 for s in shape):
        raise GraphError(f"pads {pads} crop more than the shape {a.shape} holds")
    out = np.full(shape, value, dtype=object)
    src = tuple(slice(max(-b, 0), s - max(-e, 0)) for s, b, e in zip(a.shape, before, after))
    dst = tuple(slice(max(b, 0), n - max(e, 0)) for n, b, e in zip(shape, before, after))
    if all(s.stop > s.start for s in src):
        out[dst] = a[src]
    return [out], None


def _op_conv(ctx, node, args):
    _need(args, 2, "inputs X and W")
    X, W = args[0], _const(args[1], "the weight W")
    B = _const(args[2], "the bias B") if len(args) > 2 and args[2] is not None else None
    r = X.ndim - 2
    if r < 1 or W.ndim != X.ndim:
        raise GraphError(f"input {X.shape} and weight {W.shape} must be (N, C, spatial...) and (M, C/group, kernel...)")
    N, C, S = X.shape[0], X.shape[1], X.shape[2:]
    M, Cg, K = W.shape[0], W.shape[1], W.shape[2:]
    group = _attr(node, "group", 1)
    if group < 1 or C != Cg * group or M % group:
        raise GraphError(f"input channels {C}, weight {W.shape} and group {group} do not fit")
    if B is not None and B.shape != (M,):
        raise GraphError(f"bias of shape {B.shape} does not fit {M} output channels")
    ks = _attr(node, "kernel_shape")
    if ks is not None and tuple(ks) != tuple(K):
        raise GraphError(f"kernel_shape {list(ks)} differs from the weight's kernel {list(K)}")
    strides = list(_attr(node, "strides", [1] * r))
    dil = list(_attr(node, "dilations", [1] * r))
    pads = list(_attr(node, "pads", [0] * (2 * r)))
    if len(strides) != r or len(dil) != r or len(pads) != 2 * r:
        raise GraphError(f"strides {strides}, dilations {dil} or pads {pads} do not fit {r} spatial dimensions")
    if min(strides) < 1 or min(dil) < 1 or min(pads) < 0:
        raise GraphError(f"strides {strides} and dilations {dil} must be positive, pads {pads} non-negative")
    ext = [(k - 1) * dl + 1 for k, dl in zip(K, dil)]  # dilated kernel extent
    auto = _attr(node, "auto_pad", "NOTSET")
    if auto in ("SAME_UPPER", "SAME_LOWER"):
        for i in range(r):
            total = max(0, (-(-S[i] // strides[i]) - 1) * strides[i] + ext[i] - S[i])
            head = total // 2 if auto == "SAME_UPPER" else total - total // 2
            pads[i], pads[i + r] = head, total - head
    elif auto == "VALID":
        pads = [0] * (2 * r)
    elif auto != "NOTSET":
        raise GraphError(f"unknown auto_pad {auto!r}")
    O = [(S[i] + pads[i] + pads[i + r] - ext[i]) // strides[i] + 1 for i in range(r)]
    if min(O) < 1:
        raise GraphError(f"kernel {list(K)} (dilations {dil}) does not fit the padded input {list(S)} (pads {pads})")
    P = prod(O)
    pos = np.stack(np.unravel_index(np.arange(P), O), axis=1)  # (P, r) output coordinates
    base = pos * np.array(strides) - np.array(pads[:r])  # input coordinate of each window's corner
    Xf, per_image = X.reshape(-1), C * prod(S)
    out = np.empty((N, M, P), dtype=object)
    Wz = np.asarray(W != 0)
    for m in range(M):
        g = m // (M // group)
        nz = np.argwhere(Wz[m])  # (T, 1 + r): input channel within the group, kernel offsets
        wv = W[m][tuple(nz.T)] if len(nz) else np.empty(0, dtype=object)
        coords = base[:, None, :] + nz[None, :, 1:] * np.array(dil)  # (P, T, r)
        valid = np.all((coords >= 0) & (coords < np.array(S)), axis=2)
        flat = (g * Cg + nz[:, 0])[None, :] * prod(S) + np.ravel_multi_index(
            tuple(np.clip(coords, 0, np.array(S) - 1).transpose(2, 0, 1)), S)
        bias = B[m] if B is not None else _ZERO
        for p in range(P):
            sel = np.flatnonzero(valid[p])
            idx, w = flat[p, sel], wv[sel]
            for n in range(N):
                out[n, m, p] = _lincomb(zip(Xf[idx + n * per_image], w), bias)
    return [out.reshape((N, M) + tuple(O))], None


def _op_batchnorm(ctx, node, args):
    """Inference BatchNormalization ``scale * (x - mean) / sqrt(var + epsilon) + B``, folded.

    ``sqrt(var + epsilon)`` is generally irrational, so the folded scale
    ``s = scale / sqrt(var + epsilon)`` is computed as onnxruntime computes it: in floating point,
    in the precision of X (float32 model: float32 addition, sqrt and division). The imported layer
    is then exactly ``s * (x - mean) + B`` with ``s`` the exact rational value of that float, so it
    agrees with onnxruntime up to onnxruntime's own rounding of the other operations.
    """
    _need(args, 5, "inputs X, scale, B, mean and var")
    if _attr(node, "training_mode", 0):
        raise GraphError("training_mode=1 is not supported (inference only)")
    if any(o and o in ctx.used for o in node.output[1:]):
        raise GraphError("its running or saved mean/variance outputs are used (training only)")
    X = args[0]
    if X.ndim < 2:
        raise GraphError(f"input of shape {X.shape} has no channel axis")
    params = []
    for a, what in zip(args[1:5], ("scale", "B", "mean", "var")):
        _const(a, what)
        if a.shape == (X.shape[1],):
            a = a.reshape((X.shape[1],) + (1,) * (X.ndim - 2))
        elif a.shape != X.shape[1:]:  # opset < 9 with spatial=0: one value per element
            raise GraphError(f"{what} of shape {a.shape} does not fit the input {X.shape}")
        params.append(a)
    scale, bias, mean, var = params
    ft = ctx.dt.get(node.input[0], np.dtype(np.float32))
    ft = ft if ft.kind == "f" else np.dtype(np.float32)
    eps = ft.type(float(_float_attr(node, "epsilon", 1e-5)))
    tofl = np.frompyfunc(float, 1, 1)
    with np.errstate(all="ignore"):
        den = np.sqrt(tofl(var).astype(np.float64).astype(ft) + eps)
        s = tofl(scale).astype(np.float64).astype(ft) / den
    if not np.all(np.isfinite(s)):
        raise GraphError("var + epsilon is not positive, or the folded scale overflows")
    s = _exact(s, "the folded scale")
    shift = np.frompyfunc(lambda b, sc, mu: b - sc * mu, 3, 1)(bias, s, mean)
    return [_elementwise(operator.add, _elementwise(operator.mul, X, s), _obj(shift))], None


def _op_dropout(ctx, node, args):
    _need(args, 1, "an input")
    if len(node.output) > 1 and node.output[1] and node.output[1] in ctx.used:
        raise GraphError(f"its mask output {node.output[1]!r} is used; only inference (identity) is supported")
    if len(args) > 2 and args[2] is not None:
        if any(_ints(args[2], "training_mode")):
            raise GraphError("training_mode is true; only inference (identity) is supported")
    return [args[0]], None


_OPS = {
    "Add": _binary(operator.add), "Sub": _binary(operator.sub), "Mul": _binary(operator.mul),
    "Div": _binary(_div, _int_div), "Neg": _op_neg, "Sum": _op_sum,
    "BatchNormalization": _op_batchnorm, "Concat": _op_concat, "Constant": _op_constant, "Conv": _op_conv,
    "Dropout": _op_dropout, "Flatten": _op_flatten, "Gather": _op_gather, "Gemm": _op_gemm,
    "Identity": _op_identity, "MatMul": _op_matmul, "Pad": _op_pad, "Relu": _op_relu, "Reshape": _op_reshape,
    "Shape": _op_shape, "Slice": _op_slice, "Squeeze": _op_squeeze, "Transpose": _op_transpose,
    "Unsqueeze": _op_unsqueeze,
}
assert set(_OPS) == set(SUPPORTED)


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
