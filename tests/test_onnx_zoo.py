"""maxcert rewrite on data nobody here wrote: the onnx package's own backend test data (issue 15, item 5).

* ``light/light_*.onnx``: nine real architectures (AlexNet, DenseNet-121, Inception v1 and v2,
  ResNet-50, ShuffleNet, SqueezeNet, VGG-19, ZFNet-512), 35 MaxPool nodes in all, weights made by
  ConstantOfShape nodes;
* ``pytorch-converted/test_MaxPool*``: eight pooling layers exported from PyTorch, with an input and
  the output PyTorch computed for it. The two largest (a kernel of 200 with dilation 10 over a
  signal of 220,000, a 60x80 kernel with dilation 10 over a 1000x1000 map) are marked ``slow``:
  CI runs them in a step of their own (``python -m pytest -q -m slow tests/test_onnx_zoo.py``).

For each model: every pool CERTIFIED, no max-type op left, everything but the MaxPool nodes
byte-for-byte as it was, and onnxruntime gives the original's outputs to float rounding on the
shipped data and on random inputs (standard normal, all negative, magnitudes from 1e-6 to 1e6),
for the final outputs and for every pool's output tensor. The rewritten model computes the same
function in real arithmetic; in float32 each level of the tree rounds once or twice, so outputs
agree to a few units in the last place of the window's largest magnitude, not bit for bit.
"""

import functools
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import helper, numpy_helper

from maxcert.graphs.pools import PoolSpec, max_type_ops, window_axis
from maxcert.verify.pools import rewrite

DATA = Path(onnx.__file__).resolve().parent / "backend" / "test" / "data"
ROOT = Path(__file__).resolve().parent.parent
MAXLIKE = ("Max", "ReduceMax", "MaxPool", "GlobalMaxPool", "ArgMax")
# ops the replacement may add (Relu is the only nonlinearity): the portable set Marabou, auto_LiRPA and
# CrypTen read; a pool too large for the portable form's matrices is written with the fast set
PORTABLE_OPS = {"Constant", "Reshape", "MatMul", "Relu", "Add", "Transpose"}
FAST_OPS = {"Constant", "Gather", "Slice", "Sub", "Relu", "Add", "Concat", "Transpose", "Conv"}
RTOL = 1e-5  # relative to the largest magnitude of the compared tensor

LIGHT = {  # model -> MaxPool nodes
    "bvlc_alexnet": 3, "densenet121": 1, "inception_v1": 13, "inception_v2": 5, "resnet50": 1,
    "shufflenet": 1, "squeezenet": 3, "vgg19": 5, "zfnet512": 3,
}
SLOW = {"test_MaxPool1d_stride_padding_dilation", "test_MaxPool2d_stride_padding_dilation"}
PYTORCH = ["test_MaxPool1d", "test_MaxPool1d_stride", "test_MaxPool1d_stride_padding_dilation", "test_MaxPool2d",
           "test_MaxPool2d_stride_padding_dilation", "test_MaxPool3d", "test_MaxPool3d_stride",
           "test_MaxPool3d_stride_padding"]
PYTORCH_PARAMS = [pytest.param(c, id=c, marks=[pytest.mark.slow] if c in SLOW else []) for c in PYTORCH]


def light_path(name: str) -> Path:
    return DATA / "light" / f"light_{name}.onnx"


def pytorch_path(case: str) -> Path:
    return DATA / "pytorch-converted" / case / "model.onnx"


@functools.lru_cache(maxsize=None)
def rewritten(path: Path, ops: str = "portable"):
    """(original, rewritten, report) by the library, once per model and op set per test session;
    the original must come back untouched."""
    model = onnx.load(str(path))
    before = model.SerializeToString()
    new, report = rewrite(model, ops=ops)
    assert model.SerializeToString() == before, "rewrite changed its input model"
    return model, new, report


def session(model):
    so = ort.SessionOptions()
    so.log_severity_level = 3
    return ort.InferenceSession(model.SerializeToString(), so, providers=["CPUExecutionProvider"])


def with_outputs(model, names):
    """A copy of ``model`` that also returns the tensors ``names`` (those not graph outputs yet)."""
    m = onnx.ModelProto()
    m.CopyFrom(model)
    have = {o.name for o in m.graph.output}
    m.graph.output.extend(helper.make_empty_tensor_value_info(t) for t in names if t not in have)
    return m


def data_inputs(model):
    """The graph inputs that are not initializers (IR 3 lists every weight as an input too)."""
    inits = {i.name for i in model.graph.initializer}
    return [i for i in model.graph.input if i.name not in inits]


def random_inputs(model, seed=0):
    """Three feeds: standard normal, all negative, and magnitudes log-uniform in [1e-6, 1e6] with
    random signs."""
    rng = np.random.default_rng(seed)
    feeds = {"normal": {}, "negative": {}, "wide": {}}
    for vi in data_inputs(model):
        tt = vi.type.tensor_type
        arrays = random_arrays([d.dim_value for d in tt.shape.dim], helper.tensor_dtype_to_np_dtype(tt.elem_type), rng)
        for kind, a in arrays.items():
            feeds[kind][vi.name] = a
    return feeds


def random_arrays(shape, dtype, rng):
    mag = np.exp(rng.uniform(np.log(1e-6), np.log(1e6), size=shape))
    return {"normal": rng.standard_normal(shape).astype(dtype),
            "negative": (-1000 - np.abs(rng.standard_normal(shape)) * 10).astype(dtype),
            "wide": (mag * rng.choice([-1.0, 1.0], size=shape)).astype(dtype)}


def assert_close(got, ref, what=""):
    """Equal to float rounding: |got - ref| <= RTOL * max|ref| (same shape, dtype, non-finite entries)."""
    got, ref = np.asarray(got), np.asarray(ref)
    assert got.shape == ref.shape and got.dtype == ref.dtype, (what, got.shape, ref.shape, got.dtype, ref.dtype)
    fin = np.isfinite(ref)
    assert np.array_equal(fin, np.isfinite(got)), f"{what}: non-finite entries differ"
    assert np.array_equal(got[~fin], ref[~fin], equal_nan=True), f"{what}: non-finite entries differ"
    if not fin.any():
        return
    r, g = ref[fin].astype(np.float64), got[fin].astype(np.float64)
    err, scale = float(np.abs(g - r).max()), float(np.abs(r).max())
    assert err <= RTOL * scale, f"{what}: max |difference| {err:.3g} > {RTOL:g} * max|ref| = {RTOL * scale:.3g}"


def pool_nodes(model):
    return [n for n in model.graph.node if n.op_type == "MaxPool"]


def check_rewrite(orig, new, report, n_pools):
    """Everything the report and the new graph must say, for any model."""
    pools = pool_nodes(orig)
    assert len(pools) == n_pools
    assert report["status"] == "CERTIFIED", report
    assert len(report["pools"]) == n_pools
    assert [p["node"] for p in report["pools"]] == [n.name or f"MaxPool_{i}" for i, n in enumerate(orig.graph.node)
                                                    if n.op_type == "MaxPool"]
    for p in report["pools"]:
        assert p["status"] == "CERTIFIED", p
        for key in ("node", "attributes", "window", "outputs", "relu_layers", "relus", "status", "method", "time_s"):
            assert key in p, (key, p)
        kernel, strides = p["attributes"]["kernel_shape"], p["attributes"]["strides"]
        assert p["relu_layers"] <= sum((k - 1).bit_length() for k in kernel)  # one pass per axis
        assert p["relus"] > 0 and p["outputs"] > 0
        spec = PoolSpec.from_attributes(p["attributes"], p["input_shape"][2:])
        sizes = [len(window_axis(spec, 0, o)) for o in range(spec.out[0])]
        for j in range(1, len(kernel)):
            sizes = [a * len(window_axis(spec, j, o)) for a in sizes for o in range(spec.out[j])]
        lead = p["outputs"] // math.prod(spec.out)
        assert p["relus"] <= lead * sum(d - 1 for d in sizes)  # at most d - 1 per window of d, before sharing
        # the targets: 2x2/2 at most 3 per output, 3x3/1 at most 6; 3x3/2 at most 6 where the map
        # is padded, 6 + 2/n on an unpadded map of 2n + 1 (its last row and column: the separable floor)
        if kernel == [2, 2] and strides == [2, 2]:
            assert p["relus"] <= 3 * p["outputs"], p
        if kernel == [3, 3]:
            n = min(spec.out)
            assert p["relus"] * n <= p["outputs"] * (6 * n + (0 if strides == [1, 1] else 2)), p
    assert report["max_type_ops"] == [] and max_type_ops(new) == []
    assert not [n.op_type for n in new.graph.node if n.op_type in MAXLIKE]
    # every other node unchanged and in its order; what was added is data movement and the Relu tree
    kept = [n.SerializeToString() for n in orig.graph.node if n.op_type != "MaxPool"]
    now = [n.SerializeToString() for n in new.graph.node]
    it = iter(now)
    assert all(k in it for k in kept), "a non-MaxPool node of the original changed, vanished or moved"
    original = set(kept)
    added = {n.op_type for n in new.graph.node if n.SerializeToString() not in original}
    allowed = PORTABLE_OPS | (FAST_OPS if any(p["ops"] == "fast" for p in report["pools"]) else set())
    if report["opset"] < 7:  # onnxruntime runs no Add below opset 7: one MatMul of the two, concatenated
        allowed |= {"Concat"}
    assert added <= allowed, added - allowed
    # every pool output is still produced, now by the replacement
    produced = {t for n in new.graph.node for t in n.output}
    assert all(n.output[0] in produced for n in pools)
    # inputs, outputs (names, shapes, element types), initializers, opsets and IR version as they were
    for field in ("input", "output", "initializer"):
        assert [v.SerializeToString() for v in getattr(new.graph, field)] == \
               [v.SerializeToString() for v in getattr(orig.graph, field)], field
    assert [o.SerializeToString() for o in new.opset_import] == [o.SerializeToString() for o in orig.opset_import]
    assert new.ir_version == orig.ir_version
    onnx.checker.check_model(new)


# ---------------------------------------------------------------------------------------- test bed


def test_the_test_bed_is_there():
    """The onnx package still ships what this file tests: 9 light models with 35 MaxPool nodes, 8 cases."""
    assert sorted(p.stem[len("light_"):] for p in (DATA / "light").glob("light_*.onnx")) == sorted(LIGHT)
    assert sum(len(pool_nodes(onnx.load(str(light_path(n))))) for n in LIGHT) == 35 == sum(LIGHT.values())
    assert sorted(p.name for p in (DATA / "pytorch-converted").glob("test_MaxPool*")) == sorted(PYTORCH)


# ---------------------------------------------------------------------------------- light models


HEAVY = ("vgg19", "zfnet512")  # the two slowest to run in onnxruntime: in CI's slow step


@pytest.mark.parametrize("name", [pytest.param(n, marks=[pytest.mark.slow] if n in HEAVY else []) for n in sorted(LIGHT)])
def test_light_model_rewritten_and_certified(name):
    orig, new, report = rewritten(light_path(name))
    check_rewrite(orig, new, report, LIGHT[name])


@pytest.mark.parametrize("name", [pytest.param(n, marks=[pytest.mark.slow] if n in HEAVY else []) for n in sorted(LIGHT)])
def test_light_model_outputs_agree(name):
    """Final outputs and every pool's output tensor, original against rewritten, on three inputs;
    then each pool alone: the original MaxPool run on the rewritten model's pool input."""
    orig, new, report = rewritten(light_path(name))
    pools = pool_nodes(orig)
    finals = [o.name for o in orig.graph.output]
    ys = [n.output[0] for n in pools]
    xs = [n.input[0] for n in pools]
    s_orig = session(with_outputs(orig, ys))
    s_new = session(with_outputs(new, ys + xs))
    opset = next(o.version for o in orig.opset_import if o.domain in ("", "ai.onnx"))
    alone = [session(single_pool(n, opset)) for n in pools]
    for kind, feed in random_inputs(orig).items():
        ref = dict(zip([o.name for o in s_orig.get_outputs()], s_orig.run(None, feed)))
        got = dict(zip([o.name for o in s_new.get_outputs()], s_new.run(None, feed)))
        for t in finals + ys:
            assert_close(got[t], ref[t], f"{name} {kind} {t}")
        for n, s, x, y in zip(pools, alone, xs, ys):
            check_pool_alone(s, got[x], got[y], f"{name} {kind} {n.name}")


@pytest.mark.parametrize("name", [pytest.param("inception_v1", marks=pytest.mark.slow), "inception_v2", "squeezenet"])
def test_light_model_fast_form(name):
    """--ops fast on the models whose pools are 3x3 stride 1 with pads 1 (shorter border windows
    joined by a Concat), stride 2 with end pads only, and unpadded: every pool in depthwise Convs,
    certified, with the default form's ReLUs, and the model's outputs as the original's."""
    orig, new, report = rewritten(light_path(name), "fast")
    check_rewrite(orig, new, report, LIGHT[name])
    original = {n.SerializeToString() for n in orig.graph.node}
    assert {n.op_type for n in new.graph.node if n.SerializeToString() not in original} <= \
        {"Constant", "Conv", "Relu", "Add", "Concat"}
    _, _, portable = rewritten(light_path(name))
    assert [p["relus"] for p in report["pools"]] == [p["relus"] for p in portable["pools"]]
    assert all(p["ops"] == "fast" for p in report["pools"])
    s_orig, s_new = session(orig), session(new)
    for kind, feed in random_inputs(orig).items():
        for got, ref, o in zip(s_new.run(None, feed), s_orig.run(None, feed), orig.graph.output):
            assert_close(got, ref, f"{name} {kind} {o.name}")


@pytest.mark.parametrize("name", [pytest.param(n, marks=[pytest.mark.slow] if n in HEAVY else []) for n in sorted(LIGHT)])
def test_light_model_each_replacement_alone(name):
    """Inside the models most pools follow a Relu and never see a negative input. So each
    replacement is also cut out of the rewritten model (onnx.utils.Extractor, from the pool's input
    to its output, at the pool's real input shape) and fed the three kinds of input directly,
    against the original MaxPool node alone."""
    orig, new, _ = rewritten(light_path(name))
    opset = next(o.version for o in orig.opset_import if o.domain in ("", "ai.onnx"))
    inferred = onnx.shape_inference.infer_shapes(new)
    extractor = onnx.utils.Extractor(inferred)
    rng = np.random.default_rng(1)
    for n in pool_nodes(orig):
        part = extractor.extract_model([n.input[0]], [n.output[0]])
        assert {m.op_type for m in part.graph.node} <= PORTABLE_OPS
        assert not part.graph.initializer
        (vi,) = part.graph.input
        shape = [d.dim_value for d in vi.type.tensor_type.shape.dim]
        assert len(shape) == 4 and all(shape), shape
        s_part, s_pool = session(part), session(single_pool(n, opset))
        for kind, x in random_arrays(shape, np.float32, rng).items():
            check_pool_alone(s_pool, x, s_part.run(None, {vi.name: x})[0], f"{name} {kind} {n.name} alone")


def single_pool(node, opset):
    """The original MaxPool node alone, as a model (its input's shape left to onnxruntime)."""
    g = helper.make_graph([node], "pool", [helper.make_empty_tensor_value_info(node.input[0])],
                          [helper.make_empty_tensor_value_info(node.output[0])])
    g.input[0].type.tensor_type.elem_type = onnx.TensorProto.FLOAT
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)], ir_version=7)


def check_pool_alone(sess, x, y, what):
    """``y`` against MaxPool(x) position by position, to RTOL times the largest magnitude in that
    position's window (MaxPool(|x|)): a sharper test than one scale for the whole tensor."""
    ref = sess.run(None, {sess.get_inputs()[0].name: x})[0]
    scale = sess.run(None, {sess.get_inputs()[0].name: np.abs(x)})[0]
    assert ref.shape == y.shape and ref.dtype == y.dtype
    err = np.abs(y.astype(np.float64) - ref)
    assert (err <= RTOL * scale).all(), f"{what}: {int((err > RTOL * scale).sum())} positions off"


# ------------------------------------------------------------------------- PyTorch-converted cases


def shipped(case):
    d = DATA / "pytorch-converted" / case / "test_data_set_0"
    load = lambda f: numpy_helper.to_array(onnx.load_tensor(str(d / f)))  # noqa: E731
    return load("input_0.pb"), load("output_0.pb")


@pytest.mark.parametrize("case", PYTORCH_PARAMS)
def test_pytorch_case_rewritten_and_certified(case):
    orig, new, report = rewritten(pytorch_path(case))
    check_rewrite(orig, new, report, 1)


@pytest.mark.parametrize("case", PYTORCH_PARAMS)
def test_pytorch_case_shipped_and_random_inputs(case):
    """The shipped input gives PyTorch's shipped output (and the original's under onnxruntime);
    random inputs give the original's output, each position to rounding of its own window."""
    orig, new, _ = rewritten(pytorch_path(case))
    s_orig, s_new = session(orig), session(new)
    (xname,) = [i.name for i in data_inputs(orig)]
    x, y = shipped(case)
    got = s_new.run(None, {xname: x})[0]
    assert_close(got, y, f"{case} shipped output")
    assert_close(got, s_orig.run(None, {xname: x})[0], f"{case} original on the shipped input")
    for kind, feed in random_inputs(orig).items():
        got = s_new.run(None, feed)[0]
        assert_close(got, s_orig.run(None, feed)[0], f"{case} {kind}")
        check_pool_alone(s_orig, feed[xname], got, f"{case} {kind}")  # the model is the pool alone


# ------------------------------------------------------------------------------------------- CLI


@pytest.mark.parametrize("path", [pytorch_path("test_MaxPool2d"), light_path("shufflenet")],
                         ids=["test_MaxPool2d", "shufflenet"])
def test_cli_rewrite(path, tmp_path):
    out, rep = tmp_path / "out.onnx", tmp_path / "report.json"
    r = subprocess.run([sys.executable, "-m", "maxcert", "rewrite", str(path), "-o", str(out), "--json", str(rep),
                        "--quiet"], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    report = json.loads(rep.read_text())
    orig, new, lib_report = rewritten(path)
    written = onnx.load(str(out))
    onnx.checker.check_model(written)
    check_rewrite(orig, written, report, len(pool_nodes(orig)))
    assert written.graph.SerializeToString() == new.graph.SerializeToString()  # the library's rewrite
    assert [{k: p[k] for k in ("node", "attributes", "window", "outputs", "relu_layers", "relus", "status")}
            for p in report["pools"]] == \
           [{k: p[k] for k in ("node", "attributes", "window", "outputs", "relu_layers", "relus", "status")}
            for p in lib_report["pools"]]


# ------------------------------------------------------------------------------------- benchmark


@pytest.mark.slow  # in CI's slow step
def test_bench_rewrite_quick(tmp_path):
    """benchmarks/bench_rewrite.py --quick writes its table and JSON with one row per model."""
    r = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_rewrite.py"), "--quick", "--out",
                        str(tmp_path)], capture_output=True, text=True, timeout=120,
                       env={**os.environ, "PYTHONWARNINGS": "ignore"})
    assert r.returncode == 0, r.stdout + r.stderr
    md = (tmp_path / "rewrite_results.md").read_text()
    data = json.loads((tmp_path / "rewrite_results.json").read_text())
    rows = [line for line in md.splitlines() if line.startswith("| ") and not line.startswith("| model")]
    assert [row.split("|")[1].strip() for row in rows] == ["light_shufflenet", "test_MaxPool2d"]
    assert [m["model"] for m in data["models"]] == ["light_shufflenet", "test_MaxPool2d"]
    for m, row in zip(data["models"], rows):
        assert m["certified"] == m["maxpool_nodes"] == 1 and m["status"] == "CERTIFIED"
        assert m["original_ms"] > 0 and m["rewritten_ms"] > 0
        assert m["ratio"] == pytest.approx(m["rewritten_ms"] / m["original_ms"], rel=1e-3)
        assert "1/1" in row and f"{m['ratio']:.2f}" in row
    assert "bench_rewrite.py --quick" in md and "onnxruntime" in md


# ------------------------------------------------------------------ the checks here are not vacuous


def test_the_checks_catch_a_wrong_replacement_and_a_changed_node():
    orig, new, report = rewritten(pytorch_path("test_MaxPool2d"))  # 7x7 map, 3x3 kernel, stride 2, pads 1
    bad = onnx.ModelProto()
    bad.CopyFrom(new)
    # the first layer of the second pass computes a + b instead of a - b: b + relu(a + b) is no max
    (diff,) = [n for n in bad.graph.node if n.op_type == "Constant" and n.output[0].endswith("s1_l0_diff")]
    arr = numpy_helper.to_array(diff.attribute[0].t).copy()
    assert (arr == -1).any()
    arr[arr == -1] = 1
    diff.attribute[0].t.CopyFrom(numpy_helper.from_array(arr, diff.attribute[0].t.name))
    x = np.broadcast_to(np.arange(7, dtype=np.float32)[:, None], (1, 3, 7, 7)).copy()  # row 6 is the largest
    with pytest.raises(AssertionError):
        check_pool_alone(session(orig), x, session(bad).run(None, {"0": x})[0], "tampered")
    with pytest.raises(AssertionError):
        assert_close(session(bad).run(None, {"0": x})[0], session(orig).run(None, {"0": x})[0])
    orig, new, report = rewritten(light_path("squeezenet"))
    changed = onnx.ModelProto()
    changed.CopyFrom(new)
    conv = next(n for n in changed.graph.node if n.op_type == "Conv")
    conv.name += "_renamed"
    with pytest.raises(AssertionError, match="changed, vanished or moved"):
        check_rewrite(orig, changed, report, LIGHT["squeezenet"])
