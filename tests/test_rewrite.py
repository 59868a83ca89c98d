"""maxcert rewrite: every MaxPool replaced by a Relu network, same outputs, every replacement certified.

The expected outputs come from onnxruntime running the original MaxPool (an independent
implementation); hand-computed windows where stated.
"""

import itertools
import json
import math
import subprocess
import sys

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper, numpy_helper

from maxcert.graphs.pools import PoolSpec, layer_windows, max_type_ops, pool_plan, rewrite_model, window_axis
from maxcert.verify.pools import certify_site, rewrite

NEWEST = onnx.defs.onnx_opset_version()


def pool_model(shape, opset=13, elem=TensorProto.FLOAT, **attrs):
    node = helper.make_node("MaxPool", ["x"], ["y"], name="pool", **attrs)
    g = helper.make_graph([node], "g", [helper.make_tensor_value_info("x", elem, shape)],
                          [helper.make_tensor_value_info("y", elem, [f"y{i}" for i in range(len(shape))])])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 3 if opset < 8 else 7
    return m


def run(model, x):
    so = ort.SessionOptions()
    so.log_severity_level = 4
    s = ort.InferenceSession(model.SerializeToString(), so, providers=["CPUExecutionProvider"])
    return s.run(None, {s.get_inputs()[0].name: x})[0]


def inputs(shape, dtype=np.float32, seed=0):
    rng = np.random.default_rng(seed)
    top = 6e4 if dtype == np.float16 else 1e6  # float16 ends at 65504
    wide = np.exp(rng.uniform(np.log(1e-6), np.log(top), size=shape)) * rng.choice([-1, 1], size=shape)
    return {"normal": rng.standard_normal(shape).astype(dtype),
            "negative": (-1000 - np.abs(rng.standard_normal(shape)) * 10).astype(dtype),
            "wide": wide.astype(dtype)}


def assert_same(a, b, dtype=np.float32):
    assert a.shape == b.shape and a.dtype == b.dtype
    if a.size:
        tol = {np.float16: 2e-3, np.float32: 1e-6, np.float64: 1e-14}[dtype]
        assert np.abs(a.astype(np.float64) - b).max() <= tol * max(1.0, float(np.abs(b.astype(np.float64)).max()))


CASES = [  # (id, input shape, opset, attributes): every attribute of the item 2
    ("1d", [2, 3, 11], 13, dict(kernel_shape=[3], strides=[2])),
    ("1d_opset6", [2, 3, 9], 6, dict(kernel_shape=[2], strides=[2], pads=[1, 0])),
    ("1d_stride_gt_kernel", [1, 2, 17], 11, dict(kernel_shape=[2], strides=[5])),
    ("2d_asym_pads", [1, 3, 7, 6], 12, dict(kernel_shape=[3, 3], strides=[2, 2], pads=[0, 1, 2, 1])),
    ("2d_valid", [1, 2, 8, 7], 13, dict(kernel_shape=[3, 2], strides=[2, 3], auto_pad="VALID")),
    ("2d_same_upper", [1, 2, 7, 7], 13, dict(kernel_shape=[2, 3], strides=[2, 2], auto_pad="SAME_UPPER")),
    ("2d_same_lower", [1, 2, 7, 6], 13, dict(kernel_shape=[2, 3], strides=[2, 2], auto_pad="SAME_LOWER")),
    ("2d_dilation", [1, 2, 9, 9], 12, dict(kernel_shape=[2, 3], dilations=[3, 2], pads=[1, 1, 1, 2])),
    ("2d_ceil", [1, 2, 8, 8], 10, dict(kernel_shape=[3, 3], strides=[2, 2], ceil_mode=1)),
    ("2d_ceil_pads_dil", [1, 1, 10, 9], NEWEST, dict(kernel_shape=[2, 2], strides=[3, 2], dilations=[2, 2],
                                                      pads=[1, 0, 1, 1], ceil_mode=1)),
    ("2d_opset8_kernel1", [1, 2, 5, 5], 8, dict(kernel_shape=[1, 1], strides=[2, 2])),
    ("3d", [1, 2, 5, 6, 4], 11, dict(kernel_shape=[2, 3, 2], strides=[2, 1, 2], pads=[1, 0, 0, 0, 1, 1])),
    ("3d_same_dil", [2, 1, 6, 5, 5], NEWEST, dict(kernel_shape=[2, 2, 2], dilations=[1, 2, 1], auto_pad="SAME_UPPER")),
]


FORMS = [("residual", "portable", "relu3"), ("residual", "fast", "relu3"), ("mlp", "portable", "relu3"),
         ("mlp", "portable", "relu4"), ("mlp", "fast", "relu3")]
PORTABLE_OPS = {"Constant", "Reshape", "MatMul", "Relu", "Add", "Transpose"}  # what Marabou, auto_LiRPA, CrypTen read


def valid_window_sizes(spec):
    """The number of unpadded inputs of every output window, from the per-axis windows."""
    return [math.prod(len(window_axis(spec, j, o)) for j, o in enumerate(pos))
            for pos in itertools.product(*[range(n) for n in spec.out])]


@pytest.mark.parametrize("form,ops,gadget", FORMS, ids=["-".join(f) for f in FORMS])
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_rewrite_matches_onnxruntime_and_is_certified(case, form, ops, gadget):
    _, shape, opset, attrs = case
    m = pool_model(shape, opset, **attrs)
    new, report = rewrite(m, gadget=gadget, form=form, ops=ops)
    assert report["status"] == "CERTIFIED", report
    (pool,) = report["pools"]
    assert pool["status"] == "CERTIFIED" and "z3 UNSAT" in pool["method"] and pool["ops"] == ops
    spec = PoolSpec.from_attributes(attrs, shape[2:])
    # depth: one pass per axis, ceil(log2 K_j) Relu layers each (fewer where every window is shorter)
    assert pool["relu_layers"] <= sum((k - 1).bit_length() for k in spec.kernel)
    # the ReLUs the proof counts on the written model equal the plan's own count (an independent sum)
    plan = pool_plan(spec)
    per_line = {"residual": lambda ap: ap.relus, "mlp": lambda ap: ap.relus_mlp(gadget)}[form]
    assert pool["relus"] == shape[0] * shape[1] * sum(per_line(ap) * k for (_, ap), k in zip(plan.passes, plan.lines))
    if form == "residual":  # at most d - 1 per window of d, before any sharing
        assert pool["relus"] <= shape[0] * shape[1] * sum(d - 1 for d in valid_window_sizes(spec))
    ops_used = {n.op_type for n in new.graph.node}
    if ops == "portable" and opset >= 7:
        assert ops_used <= PORTABLE_OPS, ops_used
        rank = len(shape)
        for n in new.graph.node:
            if n.op_type == "Reshape":
                const = next(c for c in new.graph.node if c.output[0] == n.input[1])
                dims = numpy_helper.to_array(const.attribute[0].t)
                assert (dims > 0).all() and len(dims) <= rank  # explicit sizes, no 0 or -1, no higher rank
    assert max_type_ops(new) == [] and not any(n.op_type == "MaxPool" for n in new.graph.node)
    onnx.checker.check_model(new)
    for x in inputs(shape).values():
        assert_same(run(new, x), run(m, x))


def test_resnet_pool_costs_six_relus_per_output_in_the_limit():
    # ResNet-50's pool: 3x3 stride 2 pads 1 on 112x112, 64 channels. Per channel: 112 rows x 111 pairwise
    # maxima (55 windows of 3 at 2 each, one border window of 2 at 1), then 56 columns x 111: 18,648.
    m = pool_model([1, 64, 112, 112], 13, kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])
    new, report = rewrite(m)
    (p,) = report["pools"]
    assert p["status"] == "CERTIFIED" and p["relus"] == 64 * 18648 == 1193472
    assert p["relus_per_output"] <= 6 and p["relu_layers"] == 4


def test_targets_per_output():
    # the targets: 2x2/2 at most 3, 3x3/2 and 3x3/1 at most 6 (separable, shared), on maps of both parities
    for shape, attrs, most in [([1, 2, 8, 8], dict(kernel_shape=[2, 2], strides=[2, 2]), 3),
                               ([1, 2, 7, 7], dict(kernel_shape=[2, 2], strides=[2, 2]), 3),
                               ([1, 2, 9, 9], dict(kernel_shape=[3, 3], strides=[1, 1]), 6),
                               ([1, 2, 16, 16], dict(kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1]), 6)]:
        _, report = rewrite(pool_model(shape, 13, **attrs))
        assert report["pools"][0]["relus_per_output"] <= most, (shape, attrs, report["pools"][0])


@pytest.mark.parametrize("elem,dtype", [(TensorProto.FLOAT16, np.float16), (TensorProto.DOUBLE, np.float64)])
def test_element_types_stay(elem, dtype):
    m = pool_model([1, 2, 6, 6], 13, elem, kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])
    new, report = rewrite(m)
    assert report["status"] == "CERTIFIED"
    assert new.graph.output[0].type.tensor_type.elem_type == elem
    assert new.graph.input[0].type.tensor_type.elem_type == elem
    x = inputs([1, 2, 6, 6], dtype)["normal"]
    assert_same(run(new, x), run(m, x), dtype)


def test_relu4_gadget_counts_by_hand():
    # 2x3 stride (2, 3) on 6x6, columns first (both orders cost 30 with one ReLU per max; the first is
    # kept): 6 columns x 3 windows of 2 (4 ReLUs each) = 72, then 3 rows x 2 windows of 3 (a pair, 4, and
    # a value carried, 2; then 4) = 60: 132
    m = pool_model([1, 1, 6, 6], 13, kernel_shape=[2, 3], strides=[2, 3])
    new, report = rewrite(m, form="mlp", gadget="relu4")
    assert report["status"] == "CERTIFIED" and report["pools"][0]["relus"] == 132
    x = inputs([1, 1, 6, 6])["negative"]
    assert_same(run(new, x), run(m, x))


def test_padding_never_wins_by_hand():
    # kernel 3, stride 2, pads 1: windows {0,1}, {1,2,3}, {3,4}; on negative inputs zero padding would give 0
    m = pool_model([1, 1, 5], 13, kernel_shape=[3], strides=[2], pads=[1, 1])
    new, _ = rewrite(m)
    x = np.array([[[-5, -4, -3, -2, -1]]], dtype=np.float32)
    assert run(new, x).tolist() == [[[-4.0, -2.0, -1.0]]]
    spec = PoolSpec.from_attributes({"kernel_shape": [3], "strides": [2], "pads": [1, 1]}, [5])
    assert layer_windows(spec) == [[0, 1], [1, 2, 3], [3, 4]]


def test_other_nodes_untouched():
    W = numpy_helper.from_array(np.arange(2 * 1 * 3 * 3, dtype=np.float32).reshape(2, 1, 3, 3) / 10, "W")
    nodes = [helper.make_node("Conv", ["x", "W"], ["c"], name="conv", pads=[1, 1, 1, 1]),
             helper.make_node("MaxPool", ["c"], ["p"], name="pool", kernel_shape=[2, 2], strides=[2, 2]),
             helper.make_node("Relu", ["p"], ["y"], name="relu")]
    g = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, 6, 6])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2, 3, 3])], [W])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    new, report = rewrite(m)
    kept = [n.SerializeToString() for n in new.graph.node if n.name in ("conv", "relu")]
    assert kept == [nodes[0].SerializeToString(), nodes[2].SerializeToString()]
    assert [i.SerializeToString() for i in new.graph.initializer] == [W.SerializeToString()]
    assert new.graph.input == m.graph.input and new.graph.output == m.graph.output
    x = inputs([1, 1, 6, 6])["normal"]
    assert_same(run(new, x), run(m, x))


# --- the certificate is read off the written model: a wrong replacement is not certified ---------

def _tampered(change, ops="portable", shape=(1, 2, 5, 5), opset=13, elem=TensorProto.FLOAT):
    m = pool_model(list(shape), opset, elem, kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])
    new, sites = rewrite_model(m, ops=ops)
    change(new)
    return certify_site(new, sites[0])


def _matrix(model, part):
    c = next(n for n in model.graph.node if n.op_type == "Constant" and part in n.output[0])
    return c, numpy_helper.to_array(c.attribute[0].t).copy()


def _set(c, arr):
    c.attribute[0].t.CopyFrom(numpy_helper.from_array(arr, c.output[0]))


def test_untampered_is_certified():
    assert _tampered(lambda m: None)["status"] == "CERTIFIED"


def test_wrong_difference_is_caught():
    def change(m):  # a - b becomes a + b: b + relu(a + b) is no max
        c, M = _matrix(m, "s0_l0_diff")
        M[M == -1] = 1
        _set(c, M)
    out = _tampered(change)
    assert out["status"] == "UNKNOWN" and "not proved to be the max" in out["reason"]


def test_window_element_outside_is_caught():
    def change(m):  # the last layer of the first pass takes its base from another position
        c, M = _matrix(m, "s0_l1_base")
        col = M[:, -1].copy()
        M[:, -1] = np.roll(col, 1)
        _set(c, M)
    out = _tampered(change)
    assert out["status"] == "UNKNOWN" and ("not in its window" in out["reason"] or "misses" in out["reason"])


def test_missing_window_element_is_caught():
    def change(m):  # relu(0) = 0: the output is the base alone, a max of one input, not of its window
        c, M = _matrix(m, "s0_l1_diff")
        M[:, 0] = 0
        _set(c, M)
    out = _tampered(change)
    assert out["status"] == "UNKNOWN" and "misses" in out["reason"], out


def test_mixed_channels_are_caught():
    def change(m):  # the rows are regrouped so that channels swap places: shapes agree, windows do not
        tr = next(n for n in m.graph.node if n.op_type == "Transpose")
        perm = list(tr.attribute[0].ints)
        tr.attribute[0].ints[:] = [1, 0] + perm[2:]
    out = _tampered(change, shape=(2, 2, 5, 5))
    assert out["status"] == "UNKNOWN" and ("window" in out["reason"] or "shape" in out["reason"]), out


def test_non_line_operation_is_caught():
    def change(m):  # a per-position weight vector is not a scalar: the check refuses it by its kind
        n = next(n for n in m.graph.node if n.op_type == "Reshape" and n.output[0].endswith("_relu_lines"))
        width = 3  # the first layer's differences per line in this 5-wide pass
        c = helper.make_node("Constant", [], ["vec"], value=numpy_helper.from_array(np.ones(width, np.float32), "vec"))
        mul = helper.make_node("Mul", [n.output[0], "vec"], [n.output[0] + "_scaled"], name="scale")
        for other in m.graph.node:
            other.input[:] = [t + "_scaled" if t == n.output[0] else t for t in other.input]
        i = list(m.graph.node).index(n)
        m.graph.node.insert(i + 1, mul)
        m.graph.node.insert(i + 1, c)
    out = _tampered(change)
    assert out["status"] == "UNKNOWN" and "scalar constant" in out["reason"], out


def test_flattened_relu_input_is_only_reshaped_back():
    def change(m):  # the flattened pre-activation is scaled before its Relu: refused by its kind
        n = next(n for n in m.graph.node if n.op_type == "Relu")
        c = helper.make_node("Constant", [], ["two"], value=numpy_helper.from_array(np.float32(2), "two"))
        mul = helper.make_node("Mul", [n.input[0], "two"], [n.input[0] + "_x2"], name="double")
        n.input[0] = n.input[0] + "_x2"
        i = list(m.graph.node).index(n)
        m.graph.node.insert(i, mul)
        m.graph.node.insert(i, c)
    out = _tampered(change)
    assert out["status"] == "UNKNOWN" and "flattened line tensor" in out["reason"], out


def test_fast_form_tampered_gather_is_caught():
    def change(m):
        c, idx = _matrix(m, "s0_l0_a")
        idx[0] = idx[-1]
        _set(c, idx)
    # a double pool is written in the Slice form (onnxruntime's fast Conv is float only); below opset 10
    # (no strided Slice) that form gathers
    out = _tampered(change, ops="fast", opset=9, elem=TensorProto.DOUBLE)
    assert out["status"] == "UNKNOWN" and ("window" in out["reason"] or "max" in out["reason"]), out


def test_fast_form_shifted_slice_is_caught():
    def change(m):  # the first strided Slice reads one position further on: same length, wrong entries
        for part in ("start0", "end0"):
            c, v = _matrix(m, "s0_l0_a_" + part)
            _set(c, v + 1)
    out = _tampered(change, ops="fast", elem=TensorProto.DOUBLE)
    assert out["status"] == "UNKNOWN" and ("window" in out["reason"] or "max" in out["reason"]), out


# --- the fast form of a 2-D float pool: depthwise Convs, read by the proof as line operations ------

def _conv(m, part):
    return next(n for n in m.graph.node if n.op_type == "Conv" and part in n.output[0])


def test_conv_form_ops_relus_and_values():
    # ResNet-50's pool in the fast op set: depthwise Convs (a border window of 2 joined by a Concat),
    # the same plan and so the same 18,648 ReLUs per channel as the default form
    m = pool_model([1, 64, 112, 112], 13, kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])
    new, report = rewrite(m, ops="fast")
    (p,) = report["pools"]
    assert p["status"] == "CERTIFIED" and p["ops"] == "fast" and p["relus"] == 64 * 18648
    assert {n.op_type for n in new.graph.node} == {"Constant", "Conv", "Relu", "Add", "Concat"}
    assert all(n.op_type != "Conv" or next(a.i for a in n.attribute if a.name == "group") == 64
               for n in new.graph.node)
    for x in inputs([1, 64, 112, 112]).values():
        assert_same(run(new, x), run(m, x))


def test_conv_form_tampered_tap_is_caught():
    def change(m):  # the first difference reads b one position further on: a - b' is no window's max
        c, W = _matrix(m, _conv(m, "s0_m0_diff").input[1])
        k = int(np.flatnonzero(W[0].ravel() == -1)[0])
        flat = W.reshape(W.shape[0], -1)
        flat[:, k], flat[:, k + 1] = 0, -1
        _set(c, flat.reshape(W.shape))
    out = _tampered(change, ops="fast", shape=(1, 2, 9, 9))
    assert out["status"] == "UNKNOWN" and ("window" in out["reason"] or "max" in out["reason"]), out


def test_conv_form_kernel_per_channel_is_refused():
    def change(m):  # channel 1 gets another kernel: no longer the same map of every line
        c, W = _matrix(m, _conv(m, "s0_m0_diff").input[1])
        W[1] = -W[1]
        _set(c, W)
    out = _tampered(change, ops="fast", shape=(1, 2, 9, 9))
    assert out["status"] == "UNKNOWN" and "one kernel for all channels" in out["reason"], out


def test_conv_form_padding_is_refused():
    def change(m):  # a zero tap either side and a zero pad either side: the same values here, but zero
        n = _conv(m, "s0_m0_diff")  # padding can put a 0 into a max, so a padded Conv is refused by its kind
        c, W = _matrix(m, n.input[1])
        ax = 2 if W.shape[2] > 1 else 3
        W = np.pad(W, [(1, 1) if k == ax else (0, 0) for k in range(4)])
        _set(c, W)
        for a in n.attribute:
            if a.name == "kernel_shape":
                a.ints[:] = list(W.shape[2:])
        n.attribute.append(helper.make_attribute("pads", [1, 0, 1, 0] if ax == 2 else [0, 1, 0, 1]))
    out = _tampered(change, ops="fast", shape=(1, 2, 9, 9))
    assert out["status"] == "UNKNOWN" and "no padding" in out["reason"], out


def test_whole_layer_certify_with_windows_reads_the_rewrite():
    # the replacement subgraph imported as a plain network, decided output by output against its windows
    from maxcert.graphs.readwrite.onnx_io import from_onnx
    from maxcert.verify.certify import certify

    m = pool_model([1, 2, 5, 5], 13, kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])
    new, sites = rewrite_model(m)
    G = from_onnx(new)
    W = layer_windows(sites[0].spec, channels=2)
    assert len(W) == 18 and sorted(map(len, W)) == [4] * 8 + [6] * 8 + [9] * 2  # corners, edges, centres
    cert = certify(G, 0, "reals", windows=W)
    assert cert.status == "CERTIFIED" and len(cert.outputs) == 18


# --- the command line -------------------------------------------------------------------------

def cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "maxcert", *args], capture_output=True, text=True, cwd=cwd)


def test_cli_writes_model_and_report(tmp_path):
    src, out, rep = tmp_path / "m.onnx", tmp_path / "out.onnx", tmp_path / "r.json"
    onnx.save(pool_model([1, 2, 6, 6], 11, kernel_shape=[3, 3], strides=[2, 2], pads=[0, 0, 1, 1]), src)
    r = cli("rewrite", str(src), "-o", str(out), "--json", str(rep), "--quiet")
    assert r.returncode == 0, r.stderr
    assert "CERTIFIED" in r.stdout and r.stderr == ""
    report = json.loads(rep.read_text())
    (p,) = report["pools"]
    assert report["status"] == "CERTIFIED" and report["max_type_ops"] == []
    for key in ("node", "attributes", "window", "outputs", "relu_layers", "relus", "status", "method", "time_s"):
        assert key in p
    assert p["window"] == 9 and p["outputs"] == 2 * 3 * 3 and p["relu_layers"] == 4
    onnx.checker.check_model(onnx.load(out))


@pytest.mark.slow  # a timeout waited out; in CI's slow step
def test_cli_timeout_is_unknown_but_written(tmp_path):
    src, out = tmp_path / "m.onnx", tmp_path / "out.onnx"
    onnx.save(pool_model([1, 1, 4, 4], 13, kernel_shape=[2, 2]), src)
    r = cli("rewrite", str(src), "-o", str(out), "--timeout", "1e-9", "--quiet")
    assert r.returncode == 2 and "UNKNOWN" in r.stdout and out.exists()


def test_cli_no_maxpool_copies(tmp_path):
    g = helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "g",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 3])])
    src, out = tmp_path / "m.onnx", tmp_path / "out.onnx"
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]), src)
    r = cli("rewrite", str(src), "-o", str(out))
    assert r.returncode == 0 and "no MaxPool" in r.stdout and out.exists()


def _bad_models(tmp_path):
    not_onnx = tmp_path / "junk.onnx"
    not_onnx.write_bytes(b"\x00\x01 this is not a protobuf of a model \xff")
    idx = helper.make_graph([helper.make_node("MaxPool", ["x"], ["y", "i"], kernel_shape=[2, 2]),
                             helper.make_node("Cast", ["i"], ["z"], to=TensorProto.FLOAT)], "g",
                            [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, 4, 4])],
                            [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 1, 3, 3]),
                             helper.make_tensor_value_info("z", TensorProto.FLOAT, [1, 1, 3, 3])])
    indices = tmp_path / "indices.onnx"
    onnx.save(helper.make_model(idx, opset_imports=[helper.make_opsetid("", 13)]), indices)
    unknown = tmp_path / "unknown.onnx"
    onnx.save(pool_model([1, 1, "H", "W"], 13, kernel_shape=[2, 2]), unknown)
    empty = tmp_path / "padding_only.onnx"
    # onnxruntime pads 1 + 1 (from the undilated kernel): the one window is {-1, 1, 3}, all padding
    onnx.save(pool_model([1, 1, 1], 13, kernel_shape=[3], strides=[4], dilations=[2], auto_pad="SAME_UPPER"), empty)
    old = tmp_path / "opset4.onnx"
    onnx.save(pool_model([1, 1, 6], 4, kernel_shape=[2], strides=[2]), old)
    bf16 = tmp_path / "bf16.onnx"
    onnx.save(pool_model([1, 1, 6], 13, TensorProto.BFLOAT16, kernel_shape=[2], strides=[2]), bf16)
    wide = tmp_path / "kernel_too_wide.onnx"  # onnxruntime refuses this pool too: negative output size
    onnx.save(pool_model([1, 1, 3], 13, kernel_shape=[5]), wide)
    return {"not an ONNX model": not_onnx, "Indices output": indices, "cannot be inferred": unknown,
            "padding only": empty, "no such file": tmp_path / "missing.onnx", "older than 6": old,
            "BFLOAT16 is not supported": bf16, "does not fit": wide}


def test_cli_bad_input_exits_3_with_one_line_and_writes_nothing(tmp_path, run_cli):
    # in this process (main() is what the console script runs); one case also as a real subprocess
    for k, (phrase, path) in enumerate(_bad_models(tmp_path).items()):
        out = tmp_path / "out.onnx"
        if k == 0:
            r = cli("rewrite", str(path), "-o", str(out))
            code, err = r.returncode, r.stderr
        else:
            code, _, err = run_cli("rewrite", path, "-o", out)
        assert code == 3, (phrase, err)
        assert phrase in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
        assert not out.exists()


@pytest.mark.slow  # about 10 CLI runs; in CI's slow step
def test_cli_usage_errors(tmp_path):
    src = tmp_path / "m.onnx"
    onnx.save(pool_model([1, 1, 4, 4], 13, kernel_shape=[2, 2]), src)
    for args in (["-o", str(src)], ["-o", str(tmp_path / "x.txt")], ["-o", str(tmp_path / "o.onnx"), "--gadget", "relu9"],
                 ["-o", str(tmp_path / "o.onnx"), "--timeout", "-1"], ["--bogus"]):
        r = cli("rewrite", str(src), *args)
        assert r.returncode == 3 and len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr


def test_conv_of_another_domain_is_refused():
    def change(m):  # onnxruntime's blocked-layout Conv on a plain tensor computes something else entirely
        _conv(m, "s0_m0_diff").domain = "com.microsoft.nchwc"
    out = _tampered(change, ops="fast", shape=(1, 8, 9, 9))
    assert out["status"] == "UNKNOWN" and "domain 'com.microsoft.nchwc'" in out["reason"], out


def test_constant_with_a_first_attribute_other_than_value_is_refused():
    def change(m):  # onnxruntime reads a Constant's first attribute: a kernel per channel in front of the real one
        name = _conv(m, "s0_m0_diff").input[1]
        c, W = _matrix(m, name)
        W[1] = -W[1]
        c.attribute.insert(0, helper.make_attribute("sparse_value", numpy_helper.from_array(W, name)))
    out = _tampered(change, ops="fast", shape=(1, 2, 9, 9))
    assert out["status"] == "UNKNOWN" and "exactly one attribute" in out["reason"], out


def test_one_line_kernel_name_cannot_alias_a_model_constant():
    def change(m):  # a 1x1 Conv by ones, then a Mul by a constant named as the proof names its one-line kernel
        last = m.graph.node[-1]
        y = last.output[0]
        last.output[0] = "pre"
        ones = numpy_helper.from_array(np.ones((2, 1, 1, 1), np.float32), "K1")
        m.graph.node.extend([
            helper.make_node("Constant", [], ["K1"], value=ones),
            helper.make_node("Constant", [], ["K1/one_line"], value=numpy_helper.from_array(np.float32(2), "K1/one_line")),
            helper.make_node("Conv", ["pre", "K1"], ["scaled"], name="conv1x1", group=2, kernel_shape=[1, 1]),
            helper.make_node("Mul", ["scaled", "K1/one_line"], [y], name="times_two")])
    out = _tampered(change, ops="fast", shape=(1, 2, 9, 9))
    assert out["status"] == "UNKNOWN", out  # 2 max(window) is no max: refuted, not certified by a name clash


def test_symbolic_channel_count_is_said_in_the_note():
    m = pool_model(["N", "C", 9, 9], 13, kernel_shape=[3, 3], strides=[2, 2])
    _, report = rewrite(m)
    (p,) = report["pools"]
    assert p["status"] == "CERTIFIED" and "other sizes are not proved" in p["note"], p

