"""The ONNX importer, operator by operator, against onnxruntime (float32 and float64, several opsets)."""

import time
from fractions import Fraction

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper, numpy_helper
from onnx.reference import ReferenceEvaluator

from maxcert.graphs import GraphError, evaluate, evaluate_exact
from maxcert.graphs.readwrite import from_onnx
from maxcert.graphs.readwrite.onnx_io import SUPPORTED

NEWEST = onnx.defs.onnx_opset_version()
DTYPES = [np.float32, np.float64]
ELEM = {np.float32: TensorProto.FLOAT, np.float64: TensorProto.DOUBLE}


def _model(nodes, in_shape, dtype, opset, inits=(), outputs=("y",)):
    """A one-input model; ``inits`` maps names to arrays (float arrays are cast to ``dtype``)."""
    tensors = []
    for name, arr in dict(inits).items():
        arr = np.asarray(arr)
        tensors.append(numpy_helper.from_array(arr.astype(dtype) if arr.dtype.kind == "f" else arr, name))
    g = helper.make_graph(nodes, "t", [helper.make_tensor_value_info("x", ELEM[dtype], list(in_shape))],
                          [helper.make_tensor_value_info(o, ELEM[dtype], None) for o in outputs], tensors)
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])


def check(nodes, in_shape, dtype, opset, inits=(), outputs=("y",), points=3, seed=0, oracle="ort"):
    """Import, then compare the exact and float64 evaluations with onnxruntime at random points.

    ``oracle="reference"``: onnx's own reference evaluator instead, for what onnxruntime does not
    run (float64 Conv; dilations with auto_pad SAME_*)."""
    m = _model(nodes, in_shape, dtype, opset, inits, outputs)
    G = from_onnx(m)
    rng = np.random.default_rng(seed)
    rtol = 1e-5 if dtype == np.float32 else 1e-12
    if oracle == "ort":
        run = ort.InferenceSession(m.SerializeToString(), providers=["CPUExecutionProvider"]).run
    else:
        run = ReferenceEvaluator(m).run
    for _ in range(points):
        x = rng.normal(size=in_shape).astype(dtype)
        want = np.concatenate([np.asarray(r, dtype=np.float64).ravel() for r in run(None, {"x": x})])
        got = [float(v) for v in evaluate_exact(G, [Fraction(float(v)) for v in x.ravel()])]
        scale = max(1.0, float(np.abs(want).max(initial=0)))
        np.testing.assert_allclose(got, want, rtol=rtol, atol=rtol * scale)
        np.testing.assert_allclose(evaluate(G, x.reshape(1, -1).astype(np.float64))[0], want,
                                   rtol=rtol, atol=rtol * scale)
    return G


def _nonzero_edges(G):
    return all(w != 0 for _, _, w in G.edges(data="weight"))


# --- Conv ---------------------------------------------------------------------------------------------

CONVS = {  # name: (input shape, weight shape, attributes, bias)
    "plain_pads1": ((1, 2, 5, 5), (3, 2, 3, 3), dict(pads=[1, 1, 1, 1]), True),
    "depthwise_s2_asym": ((1, 4, 8, 8), (4, 1, 3, 3), dict(group=4, strides=[2, 2], pads=[0, 1, 2, 1]), True),
    "depthwise_dil2_pads": ((1, 4, 8, 8), (4, 1, 3, 3), dict(group=4, dilations=[2, 2], pads=[2, 1, 0, 3]), True),
    "depthwise_dil2_same_lower": ((1, 4, 8, 8), (4, 1, 3, 3), dict(group=4, dilations=[2, 2], auto_pad="SAME_LOWER"),
                                  False),
    "same_lower_s2": ((1, 2, 7, 6), (2, 2, 2, 3), dict(strides=[2, 2], auto_pad="SAME_LOWER"), True),
    "same_upper_s2": ((1, 2, 7, 6), (2, 2, 2, 3), dict(strides=[2, 2], auto_pad="SAME_UPPER"), True),
    "valid_kernel_shape": ((2, 1, 6, 5), (2, 1, 3, 2), dict(auto_pad="VALID", kernel_shape=[3, 2]), True),
    "conv1d_group2_dil": ((1, 4, 9), (6, 2, 3), dict(group=2, dilations=[2], strides=[2], pads=[2, 1]), True),
    "conv3d": ((1, 2, 3, 4, 4), (2, 2, 2, 3, 2), dict(pads=[1, 0, 1, 0, 1, 1], strides=[1, 2, 1]), True),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("opset", [9, 11, 13, NEWEST])
@pytest.mark.parametrize("name", sorted(CONVS))
def test_conv(name, opset, dtype):
    in_shape, w_shape, attrs, bias = CONVS[name]
    rng = np.random.default_rng(1)
    W = rng.normal(size=w_shape)
    W[rng.random(w_shape) < 0.2] = 0  # zero weights: no edges for them
    inits = {"W": W}
    ins = ["x", "W"]
    if bias:
        inits["B"] = rng.normal(size=w_shape[0])
        ins.append("B")
    # onnxruntime has no float64 Conv and refuses dilations with auto_pad SAME_*: onnx's reference there
    ref = dtype == np.float64 or (attrs.get("auto_pad", "").startswith("SAME") and "dilations" in attrs)
    G = check([helper.make_node("Conv", ins, ["c"], **attrs), helper.make_node("Relu", ["c"], ["y"])],
              in_shape, dtype, opset, inits, points=2, oracle="reference" if ref else "ort")
    assert _nonzero_edges(G)


def test_conv_depthwise_imports_fast():
    rng = np.random.default_rng(2)
    m = _model([helper.make_node("Conv", ["x", "W", "B"], ["y"], group=4, pads=[1, 1, 1, 1])],
               (1, 4, 8, 8), np.float32, 13, {"W": rng.normal(size=(4, 1, 3, 3)), "B": rng.normal(size=4)})
    t = time.perf_counter()
    G = from_onnx(m)
    assert time.perf_counter() - t < 1.0
    assert len(G.graph["outputs"]) == 4 * 64
    # a corner output reads a 2x2 corner of its channel; an interior one all 9 taps
    assert sorted(G.in_degree(o) for o in G.graph["outputs"][:64]).count(9) == 36


def test_conv_rejects_input_dependent_weights_and_bad_shapes():
    nodes = [helper.make_node("Transpose", ["x"], ["w"], perm=[0, 1, 2, 3], name="t"),
             helper.make_node("Conv", ["x", "w"], ["y"], name="conv_dyn")]
    with pytest.raises(GraphError, match="Conv node 'conv_dyn': the weight W must be a constant"):
        from_onnx(_model(nodes, (1, 1, 3, 3), np.float32, 13))
    m = _model([helper.make_node("Conv", ["x", "W"], ["y"], name="c3", group=2)], (1, 3, 4, 4), np.float32, 13,
               {"W": np.ones((2, 1, 2, 2))})
    with pytest.raises(GraphError, match="Conv node 'c3': input channels 3, weight .* and group 2 do not fit"):
        from_onnx(m)
    m = _model([helper.make_node("Conv", ["x", "W"], ["y"], name="big")], (1, 1, 2, 2), np.float32, 13,
               {"W": np.ones((1, 1, 3, 3))})
    with pytest.raises(GraphError, match="Conv node 'big': kernel .* does not fit"):
        from_onnx(m)


# --- BatchNormalization -----------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("opset", [7, 9, 14, 15, NEWEST])
def test_batchnorm_folded(opset, dtype):
    rng = np.random.default_rng(3)
    C = 3
    inits = {"s": rng.normal(size=C), "b": rng.normal(size=C), "mu": rng.normal(size=C),
             "var": rng.uniform(0.1, 2, size=C)}
    nodes = [helper.make_node("BatchNormalization", ["x", "s", "b", "mu", "var"], ["bn"], epsilon=1e-3),
             helper.make_node("Relu", ["bn"], ["y"])]
    G = check(nodes, (1, C, 2, 3), dtype, opset, inits)
    # the documented fold: s / sqrt(var + eps) in the tensor's precision, then exact
    x = [Fraction(k, 7) for k in range(-9, 9)]
    p = {k: v.astype(dtype) for k, v in inits.items()}
    scale = p["s"] / np.sqrt(p["var"] + dtype(np.float32(1e-3)))
    want = [max(Fraction(float(scale[c])) * (x[c * 6 + i] - Fraction(float(p["mu"][c]))) + Fraction(float(p["b"][c])), 0)
            for c in range(C) for i in range(6)]
    assert evaluate_exact(G, x) == want


def test_batchnorm_rejects_training_and_negative_variance():
    C = 2
    inits = {"s": np.ones(C), "b": np.zeros(C), "mu": np.zeros(C), "var": np.array([1.0, -1.0])}
    m = _model([helper.make_node("BatchNormalization", ["x", "s", "b", "mu", "var"], ["y"], name="bn")],
               (1, C, 2), np.float32, 13, inits)
    with pytest.raises(GraphError, match="BatchNormalization node 'bn': var \\+ epsilon is not positive"):
        from_onnx(m)
    inits["var"] = np.ones(C)
    m = _model([helper.make_node("BatchNormalization", ["x", "s", "b", "mu", "var"], ["y", "rm", "rv"],
                                 name="bn", training_mode=1)], (1, C, 2), np.float32, 15, inits)
    with pytest.raises(GraphError, match="BatchNormalization node 'bn': training_mode=1"):
        from_onnx(m)


# --- Pad, Slice, Transpose, Concat, Reshape, Flatten, Squeeze, Unsqueeze, Gather ---------------------


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("opset", [9, 11, 13, 18, NEWEST])
def test_pad_constant(opset, dtype):
    pads = [0, 1, 2, 0, 2, -1]  # begins then ends; a negative pad crops
    if opset < 11:
        nodes = [helper.make_node("Pad", ["x"], ["y"], pads=pads, value=-3.0)]
        inits = {}
    else:
        nodes = [helper.make_node("Pad", ["x", "pads", "v"], ["y"], mode="constant")]
        inits = {"pads": np.array(pads, np.int64), "v": np.array(-3.0)}
    G = check(nodes, (2, 3, 4), dtype, opset, inits)
    out = np.array(evaluate_exact(G, list(range(1, 25))), dtype=object).reshape(G.graph["output_tensors"][0][1])
    assert out.shape == (2, 6, 5) and out[0, 0, 0] == -3 and out[0, 1, 2] == 1 and out[1, 3, 4] == 23


@pytest.mark.parametrize("opset", [18, NEWEST])
def test_pad_axes_input(opset):
    nodes = [helper.make_node("Pad", ["x", "pads", "v", "axes"], ["y"])]
    inits = {"pads": np.array([1, 0, 2, 3], np.int64), "v": np.array(-3.0), "axes": np.array([-1, 0], np.int64)}
    check(nodes, (2, 3), np.float64, opset, inits)


@pytest.mark.parametrize("mode", ["reflect", "edge"])
def test_pad_other_modes_rejected(mode):
    m = _model([helper.make_node("Pad", ["x", "pads"], ["y"], mode=mode, name="p")], (1, 3), np.float32, 13,
               {"pads": np.array([0, 1, 0, 1], np.int64)})
    with pytest.raises(GraphError, match=f"Pad node 'p': Pad mode '{mode}' is not supported"):
        from_onnx(m)


SLICES = [  # starts, ends, axes, steps
    ([1, -3], [100, -1], [0, 2], None),
    ([-1, 0], [-100, 5], [2, 1], [-2, 2]),  # negative step, clamped end
    ([3], [0], [-1], [-1]),
    ([10], [20], [1], None),  # empty slice
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("opset", [9, 10, 13, NEWEST])
@pytest.mark.parametrize("case", range(len(SLICES)))
def test_slice(case, opset, dtype):
    starts, ends, axes, steps = SLICES[case]
    if opset < 10:
        if steps is not None or min(axes) < 0:
            pytest.skip("no steps or negative axes before opset 10/11")
        nodes = [helper.make_node("Slice", ["x"], ["s"], starts=starts, ends=ends, axes=axes)]
        inits = {}
    else:
        if opset < 11 and min(axes) < 0:
            pytest.skip("negative axes from opset 11")
        names = ["x", "st", "en", "ax"] + (["sp"] if steps else [])
        nodes = [helper.make_node("Slice", names, ["s"])]
        inits = {"st": np.array(starts, np.int64), "en": np.array(ends, np.int64), "ax": np.array(axes, np.int64)}
        if steps:
            inits["sp"] = np.array(steps, np.int64)
    if case == 3:  # an empty slice: no output values of its own, still listed
        G = from_onnx(_model(nodes + [helper.make_node("Identity", ["x"], ["y"])], (2, 5, 4), dtype, opset,
                             inits, outputs=("y", "s")))
        assert G.graph["output_tensors"] == [("y", (2, 5, 4)), ("s", (2, 0, 4))]
        assert len(G.graph["outputs"]) == 40
    else:
        nodes[0].output[0] = "y"
        check(nodes, (2, 5, 4), dtype, opset, inits, points=1)


def test_slice_negative_step_values():
    # x[0, ::-2] of a 1x5 row, by hand
    nodes = [helper.make_node("Slice", ["x", "st", "en", "ax", "sp"], ["y"])]
    inits = {"st": np.array([-1], np.int64), "en": np.array([-2 ** 63], np.int64), "ax": np.array([1], np.int64),
             "sp": np.array([-2], np.int64)}
    G = check(nodes, (1, 5), np.float64, 13, inits)
    assert evaluate_exact(G, [1, 2, 3, 4, 5]) == [5, 3, 1]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("opset", [9, 13, NEWEST])
@pytest.mark.parametrize("perm", [None, [1, 0, 2], [2, 0, 1]])
def test_transpose(perm, opset, dtype):
    attrs = {} if perm is None else {"perm": perm}
    G = check([helper.make_node("Transpose", ["x"], ["y"], **attrs)], (2, 3, 4), dtype, opset, points=1)
    shape = G.graph["output_tensors"][0][1]
    assert shape == ((4, 3, 2) if perm is None else tuple((2, 3, 4)[p] for p in perm))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("opset", [9, 11, 13, NEWEST])
def test_concat(opset, dtype):
    axis = -1 if opset >= 11 else 2
    nodes = [helper.make_node("Relu", ["x"], ["r"]),
             helper.make_node("Concat", ["x", "c", "r"], ["y"], axis=axis)]
    G = check(nodes, (1, 2, 3), dtype, opset, {"c": np.arange(4.0).reshape(1, 2, 2) - 1.5})
    assert G.graph["output_tensors"] == [("y", (1, 2, 8))]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("opset", [9, 13, 14, NEWEST])
@pytest.mark.parametrize("shape", [[0, -1], [-1, 0, 2], [4, 0, -1], [2, 12]])
def test_reshape(shape, opset, dtype):
    nodes = [helper.make_node("Reshape", ["x", "shape"], ["y"])]
    G = check(nodes, (2, 3, 4), dtype, opset, {"shape": np.array(shape, np.int64)}, points=1)
    want = np.empty((2, 3, 4)).reshape([(2, 3, 4)[i] if s == 0 else s for i, s in enumerate(shape)]).shape
    assert G.graph["output_tensors"][0][1] == want


def test_reshape_allowzero_and_errors():
    m = _model([helper.make_node("Reshape", ["x", "shape"], ["y"], allowzero=1)], (2, 3), np.float32, 14,
               {"shape": np.array([3, 2], np.int64)})
    assert from_onnx(m).graph["output_tensors"] == [("y", (3, 2))]
    m = _model([helper.make_node("Reshape", ["x", "shape"], ["y"], name="rs")], (2, 3), np.float32, 13,
               {"shape": np.array([4, -1], np.int64)})
    with pytest.raises(GraphError, match="Reshape node 'rs': cannot reshape"):
        from_onnx(m)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("opset", [9, 11, 13, NEWEST])
@pytest.mark.parametrize("axis", [0, 2, -1])
def test_flatten(axis, opset, dtype):
    if axis < 0 and opset < 11:
        pytest.skip("negative axis from opset 11")
    G = check([helper.make_node("Flatten", ["x"], ["y"], axis=axis)], (2, 3, 4), dtype, opset, points=1)
    assert G.graph["output_tensors"][0][1] == {0: (1, 24), 2: (6, 4), -1: (6, 4)}[axis]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("opset", [9, 11, 13, NEWEST])
def test_squeeze_unsqueeze(opset, dtype):
    sq, un = ([0, -2], [-1, 0]) if opset >= 11 else ([0, 2], [3, 0])
    if opset < 13:
        nodes = [helper.make_node("Squeeze", ["x"], ["s"], axes=sq), helper.make_node("Unsqueeze", ["s"], ["y"], axes=un),
                 helper.make_node("Squeeze", ["y"], ["z"])]
        inits = {}
    else:
        nodes = [helper.make_node("Squeeze", ["x", "sq"], ["s"]), helper.make_node("Unsqueeze", ["s", "un"], ["y"]),
                 helper.make_node("Squeeze", ["y"], ["z"])]
        inits = {"sq": np.array(sq, np.int64), "un": np.array(un, np.int64)}
    G = check(nodes, (1, 3, 1, 2), dtype, opset, inits, outputs=("y", "z"), points=1)
    assert G.graph["output_tensors"] == [("y", (1, 3, 2, 1)), ("z", (3, 2))]


def test_squeeze_empty_axes_input_squeezes_all():
    nodes = [helper.make_node("Squeeze", ["x", "a"], ["y"])]
    G = check(nodes, (1, 3, 1), np.float32, 13, {"a": np.zeros(0, np.int64)})
    assert G.graph["output_tensors"] == [("y", (3,))]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("opset", [11, 13, NEWEST])
@pytest.mark.parametrize("axis,indices", [(1, [[-1, 0], [2, -3]]), (0, [-1]), (-1, 2), (2, [3, -4, 0])])
def test_gather(axis, indices, opset, dtype):
    nodes = [helper.make_node("Gather", ["x", "i"], ["y"], axis=axis)]
    G = check(nodes, (2, 3, 4), dtype, opset, {"i": np.array(indices, np.int64)}, points=1)
    want = np.take(np.empty((2, 3, 4)), np.array(indices), axis=axis).shape
    assert G.graph["output_tensors"][0][1] == want


def test_gather_errors():
    m = _model([helper.make_node("Gather", ["x", "i"], ["y"], axis=1, name="g")], (2, 3), np.float32, 13,
               {"i": np.array([3], np.int64)})
    with pytest.raises(GraphError, match="Gather node 'g': an index is out of range"):
        from_onnx(m)


@pytest.mark.parametrize("opset", [11, 13])
def test_shape_gather_unsqueeze_concat_reshape(opset):
    """The flatten a PyTorch export writes: Shape -> Gather -> Unsqueeze -> Concat -> Reshape."""
    un = {"axes": [0]} if opset < 13 else {}
    nodes = [helper.make_node("Shape", ["x"], ["sh"]),
             helper.make_node("Gather", ["sh", "zero"], ["n"], axis=0),
             helper.make_node("Unsqueeze", ["n"] + ([] if opset < 13 else ["ax"]), ["n1"], **un),
             helper.make_node("Concat", ["n1", "minus1"], ["tgt"], axis=0),
             helper.make_node("Reshape", ["x", "tgt"], ["y"])]
    inits = {"zero": np.array(0, np.int64), "minus1": np.array([-1], np.int64), "ax": np.array([0], np.int64)}
    G = check(nodes, (1, 2, 3), np.float32, opset, inits)
    assert G.graph["output_tensors"] == [("y", (1, 6))]


# --- elementwise arithmetic, Sum, Identity, Dropout --------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("opset", [9, 13, NEWEST])
def test_arithmetic_broadcast(opset, dtype):
    rng = np.random.default_rng(4)
    nodes = [helper.make_node("Mul", ["x", "a"], ["m"]),  # (2,3,4) * (3,1)
             helper.make_node("Add", ["b", "m"], ["s"]),  # (4,) + ...
             helper.make_node("Div", ["s", "c"], ["d"]),  # / (1,1,4)
             helper.make_node("Sub", ["k", "d"], ["e"]),  # scalar - ...
             helper.make_node("Neg", ["e"], ["n"]),
             helper.make_node("Relu", ["n"], ["r"]),
             helper.make_node("Mul", ["a", "r"], ["mr"]),
             helper.make_node("Sum", ["x", "mr", "b", "r"], ["y"])]
    c = rng.uniform(0.5, 2, size=(1, 1, 4)) * np.array([1, -1, 1, -1])
    inits = {"a": rng.normal(size=(3, 1)), "b": rng.normal(size=4), "c": c, "k": np.array(0.75)}
    G = check(nodes, (2, 3, 4), dtype, opset, inits)
    assert _nonzero_edges(G)


def test_legacy_broadcast_opset6():
    # opset 6 Add/Mul with broadcast=1, axis=1: B of shape (3,) aligns with axis 1 of (2, 3, 2)
    nodes = [helper.make_node("Mul", ["x", "a"], ["m"], broadcast=1, axis=1),
             helper.make_node("Add", ["m", "b"], ["y"], broadcast=1)]
    m = _model(nodes, (2, 3, 2), np.float64, 6, {"a": np.array([1.0, 2.0, -3.0]), "b": np.array([0.5, -0.5])})
    G = from_onnx(m)
    x = np.arange(12).reshape(2, 3, 2)
    want = x * np.array([1, 2, -3]).reshape(1, 3, 1) + np.array([0.5, -0.5])
    assert evaluate_exact(G, x.ravel().tolist()) == [Fraction(v) for v in want.ravel()]


def test_integer_division_truncates():
    # integer constants (shape arithmetic) divide as ONNX integers do, toward zero: -3 / 2 = -1 (infer)
    nodes = [helper.make_node("Div", ["p", "q"], ["t"]), helper.make_node("Reshape", ["x", "t"], ["y"])]
    inits = {"p": np.array([-3, 9], np.int64), "q": np.array([2, 3], np.int64)}
    G = check(nodes, (2, 6), np.float32, 13, inits)
    assert G.graph["output_tensors"] == [("y", (4, 3))]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("opset", [9, 12, 13, NEWEST])
def test_identity_dropout(opset, dtype):
    if opset < 12:
        drop = helper.make_node("Dropout", ["i"], ["d"], ratio=0.3)
        inits = {}
    else:
        drop = helper.make_node("Dropout", ["i", "ratio", "tm"], ["d", ""])
        inits = {"ratio": np.array(0.3, dtype), "tm": np.array(False)}
    nodes = [helper.make_node("Identity", ["x"], ["i"]), drop, helper.make_node("Relu", ["d"], ["y"])]
    check(nodes, (2, 3), dtype, opset, inits)


def test_dropout_used_mask_rejected():
    nodes = [helper.make_node("Dropout", ["x"], ["d", "mask"], name="drop"),
             helper.make_node("Identity", ["d"], ["y"])]
    m = _model(nodes, (2, 3), np.float32, 13, outputs=("y", "mask"))
    with pytest.raises(GraphError, match="Dropout node 'drop': its mask output 'mask' is used"):
        from_onnx(m)


# --- outputs, structure, errors ----------------------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES)
def test_two_outputs_in_order(dtype):
    nodes = [helper.make_node("Relu", ["x"], ["r"]),
             helper.make_node("Neg", ["x"], ["n"]),
             helper.make_node("Slice", ["n", "st", "en", "ax"], ["first"])]
    inits = {"st": np.array([0], np.int64), "en": np.array([2], np.int64), "ax": np.array([1], np.int64)}
    G = check(nodes, (2, 3), dtype, 13, inits, outputs=("first", "r"))
    assert G.graph["output_tensors"] == [("first", (2, 2)), ("r", (2, 3))]
    assert G.graph["outputs"] == [f"y{j}" for j in range(10)]
    assert evaluate_exact(G, [1, -2, 3, -4, 5, -6]) == [-1, 2, 4, -5, 1, 0, 3, 0, 5, 0]


def test_gemm_relu_network_with_two_outputs():
    rng = np.random.default_rng(5)
    W1, b1, W2, b2 = rng.normal(size=(6, 4)), rng.normal(size=6), rng.normal(size=(2, 6)), rng.normal(size=2)
    nodes = [helper.make_node("Gemm", ["x", "W1", "b1"], ["h"], transB=1), helper.make_node("Relu", ["h"], ["r"]),
             helper.make_node("Gemm", ["r", "W2", "b2"], ["z"], transB=1),
             helper.make_node("Slice", ["z", "zero", "one", "one"], ["y0"]),
             helper.make_node("Slice", ["z", "one", "two", "one"], ["y1"])]
    inits = {"W1": W1, "b1": b1, "W2": W2, "b2": b2, "zero": np.array([0], np.int64), "one": np.array([1], np.int64),
             "two": np.array([2], np.int64)}
    G = check(nodes, (1, 4), np.float64, 13, inits, outputs=("y0", "y1"))
    assert len(G.graph["outputs"]) == 2
    assert G.graph["output_tensors"] == [("y0", (1, 1)), ("y1", (1, 1))]


def test_dense_gemm_with_zero_entries_has_no_zero_edges():
    # 2x2 average pooling of a 4x4 map written as a dense 4x16 matrix: each output reads its window only
    W = np.zeros((4, 16))
    for o, (i, j) in enumerate([(0, 0), (0, 2), (2, 0), (2, 2)]):
        for di in range(2):
            for dj in range(2):
                W[o, (i + di) * 4 + j + dj] = 0.25
    nodes = [helper.make_node("Gemm", ["x", "W", "b"], ["h"], transB=1), helper.make_node("Relu", ["h"], ["y"])]
    G = check(nodes, (1, 16), np.float32, 13, {"W": W, "b": np.zeros(4)})
    assert _nonzero_edges(G)
    relus = [n for n in G if n.startswith("r")]
    assert len(relus) == 4 and all(G.in_degree(r) == 4 for r in relus)
    assert sorted(sorted(int(u[1:]) for u in G.predecessors(r)) for r in relus)[0] == [0, 1, 4, 5]
    # the same with MatMul, and cancellation (x - x) leaves no zero edge either
    nodes = [helper.make_node("MatMul", ["x", "Wt"], ["h"]), helper.make_node("Sub", ["h", "h"], ["z"]),
             helper.make_node("Add", ["z", "h"], ["y"])]
    G = check(nodes, (1, 16), np.float32, 13, {"Wt": W.T})
    assert _nonzero_edges(G) and all(G.in_degree(o) == 4 for o in G.graph["outputs"])


@pytest.mark.parametrize("op", ["MaxPool", "Sigmoid"])
def test_unsupported_operator_named(op):
    attrs = {"kernel_shape": [2, 2]} if op == "MaxPool" else {}
    m = _model([helper.make_node(op, ["x"], ["y"], name="bad", **attrs)], (1, 1, 4, 4), np.float32, 13)
    with pytest.raises(GraphError, match=f"unsupported ONNX operator '{op}' \\(node 'bad'\\); supported: Add, "):
        from_onnx(m)
    assert "Conv" in SUPPORTED and "MaxPool" not in SUPPORTED


def test_product_of_input_tensors_rejected():
    nodes = [helper.make_node("Relu", ["x"], ["r"]), helper.make_node("Mul", ["x", "r"], ["y"], name="sq")]
    with pytest.raises(GraphError, match="Mul node 'sq': the model multiplies two input-dependent tensors"):
        from_onnx(_model(nodes, (1, 3), np.float32, 13))
    nodes = [helper.make_node("Div", ["c", "x"], ["y"], name="inv")]
    with pytest.raises(GraphError, match="Div node 'inv': the model divides by an input-dependent tensor"):
        from_onnx(_model(nodes, (1, 3), np.float32, 13, {"c": np.ones(3)}))
    nodes = [helper.make_node("Div", ["x", "c"], ["y"], name="z")]
    with pytest.raises(GraphError, match="Div node 'z': division by zero"):
        from_onnx(_model(nodes, (1, 3), np.float32, 13, {"c": np.array([1.0, 0.0, 2.0])}))


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_bad_inputs_raise_one_line(bad):
    nodes = [helper.make_node("Add", ["x", "c"], ["y"], name="add")]
    with pytest.raises(GraphError, match=r"Add node 'add': shapes \(2, 3\) and \(4,\) do not broadcast"):
        from_onnx(_model(nodes, (2, 3), np.float32, 13, {"c": np.ones(4)}))
    const = helper.make_node("Constant", [], ["c"], name="k", value=numpy_helper.from_array(np.array([1.0, bad], np.float32)))
    nodes = [const, helper.make_node("Add", ["x", "c"], ["y"])]
    with pytest.raises(GraphError, match="Constant node 'k': the constant contains a (NaN|infinite) value") as e:
        from_onnx(_model(nodes, (1, 2), np.float32, 13))
    assert "\n" not in str(e.value)
    nodes = [helper.make_node("Add", ["x", "nope"], ["y"], name="add")]
    with pytest.raises(GraphError, match="Add node 'add': reads unknown tensor 'nope'"):
        from_onnx(_model(nodes, (1, 2), np.float32, 13))
    nodes = [helper.make_node("Transpose", ["x"], ["y"], perm=[0, 0], name="tp")]
    with pytest.raises(GraphError, match="Transpose node 'tp': perm"):
        from_onnx(_model(nodes, (1, 2), np.float32, 13))
    nodes = [helper.make_node("Gemm", ["x", "W"], ["y"], alpha=float(bad), name="gm")]
    with pytest.raises(GraphError, match="Gemm node 'gm': attribute 'alpha' is not finite"):
        from_onnx(_model(nodes, (1, 2), np.float32, 13, {"W": np.ones((2, 2))}))


@pytest.mark.parametrize("opset", [9, 13])
def test_constant_attribute_forms(opset):
    if opset >= 12:
        const = helper.make_node("Constant", [], ["c"], value_floats=[0.5, -1.5])
    else:
        const = helper.make_node("Constant", [], ["c"], value=numpy_helper.from_array(np.array([0.5, -1.5], np.float32)))
    check([const, helper.make_node("Add", ["x", "c"], ["y"])], (1, 2), np.float32, opset)
