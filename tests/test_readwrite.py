"""JSON, ONNX and PyTorch in and out."""

import json
from fractions import Fraction

import networkx as nx
import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper, numpy_helper

from conftest import random_rational
from maxcert.graphs import GraphError, approximator, evaluate, evaluate_exact, load_model, save_model, tree_network
from maxcert.graphs.readwrite import from_dict, from_onnx, from_torch, read_json, to_dict, to_torch, write_json


def _ort(model, X):
    s = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    inp = s.get_inputs()[0]
    dt = np.float32 if "float)" in inp.type else np.float64
    return s.run(None, {inp.name: X.astype(dt)})[0]


@pytest.mark.parametrize("gadget", ["relu3", "relu4"])
@pytest.mark.parametrize("d", [1, 2, 3, 5, 8, 9, 16, 33])
def test_json_round_trip_exact(tmp_path, d, gadget):
    G = tree_network(d, gadget)
    write_json(G, tmp_path / "g.json")
    H = read_json(tmp_path / "g.json")
    assert nx.utils.graphs_equal(G, H)
    assert to_dict(H) == to_dict(G)


def test_json_keeps_exact_rationals(tmp_path, rng):
    G = approximator(4, {0: Fraction(1, 3), 1: Fraction(-7, 9), 3: Fraction(11, 13)})
    save_model(G, tmp_path / "a.json")
    H = load_model(tmp_path / "a.json")
    x = [random_rational(rng) for _ in range(4)]
    assert evaluate_exact(H, x) == evaluate_exact(G, x)
    text = (tmp_path / "a.json").read_text()
    assert '"1/3"' in text  # exact, not 0.333...


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("gadget", ["relu3", "relu4"])
@pytest.mark.parametrize("d", [1, 2, 3, 4, 7, 9, 16, 25])
def test_onnx_export_runs_and_round_trips(tmp_path, d, gadget, dtype, rng):
    G = tree_network(d, gadget)
    path = tmp_path / "t.onnx"
    save_model(G, path, onnx_dtype=dtype)
    X = np.random.default_rng(d).uniform(0, 1, size=(2000, d))
    np.testing.assert_allclose(_ort(onnx.load(str(path)), X), evaluate(G, X), atol=1e-6)
    # tree weights are 0, +-1, 1/2: exact in float32, so import recovers the same function exactly
    H = load_model(path)
    for _ in range(5):
        x = [random_rational(rng) for _ in range(d)]
        assert evaluate_exact(H, x) == evaluate_exact(G, x) == [max(x)]


def _gemm_model(W, b, ops=("Relu",), transB=0, alpha=1.0, beta=1.0, in_shape=("N", 2)):
    nodes = [helper.make_node("Gemm", ["x", "W", "b"], ["z"], transB=transB, alpha=alpha, beta=beta)]
    last = "z"
    for i, op in enumerate(ops):
        nodes.append(helper.make_node(op, [last], [f"o{i}"]))
        last = f"o{i}"
    g = helper.make_graph(nodes, "m", [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(in_shape))],
                          [helper.make_tensor_value_info(last, TensorProto.FLOAT, None)],
                          [numpy_helper.from_array(np.asarray(W, np.float32), "W"),
                           numpy_helper.from_array(np.asarray(b, np.float32), "b")])
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])


def test_onnx_gemm_attributes():
    # y = relu(alpha * x @ W^T + beta * b) with transB=1: hand-computed at x = (1, 2)
    W = [[1.0, -1.0], [0.5, 2.0]]
    m = _gemm_model(W, [1.0, -1.0], transB=1, alpha=2.0, beta=0.5)
    G = from_onnx(m)
    # row 0: 2*(1-2) + 0.5 = -1.5 -> 0 ; row 1: 2*(0.5+4) - 0.5 = 8.5
    assert evaluate_exact(G, [1, 2]) == [0, Fraction(17, 2)]
    np.testing.assert_allclose(_ort(m, np.array([[1.0, 2.0]])), [[0, 8.5]])


def test_onnx_matmul_add_sub_flatten_reshape_constant_identity():
    # a 3x3 window as [1,1,3,3]; Flatten -> MatMul -> Add -> Relu -> Sub(const) -> Reshape -> Identity
    W = np.arange(18, dtype=np.float32).reshape(9, 2) / 8
    nodes = [
        helper.make_node("Flatten", ["x"], ["f"], axis=1),
        helper.make_node("MatMul", ["f", "W"], ["m"]),
        helper.make_node("Add", ["m", "b"], ["a"]),
        helper.make_node("Relu", ["a"], ["r"]),
        helper.make_node("Constant", [], ["c"], value=numpy_helper.from_array(np.array([0.25, 0.5], np.float32))),
        helper.make_node("Sub", ["r", "c"], ["s"]),
        helper.make_node("Reshape", ["s", "shape"], ["rs"]),
        helper.make_node("Identity", ["rs"], ["y"]),
    ]
    g = helper.make_graph(nodes, "m", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, 3, 3])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
                          [numpy_helper.from_array(W, "W"), numpy_helper.from_array(np.array([-1, 1], np.float32), "b"),
                           numpy_helper.from_array(np.array([1, 2], np.int64), "shape")])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    G = from_onnx(m)
    x = np.linspace(-1, 1, 9)
    want = _ort(m, x.reshape(1, 1, 3, 3)).ravel()
    got = [float(v) for v in evaluate_exact(G, [Fraction(float(v)) for v in x])]
    np.testing.assert_allclose(got, want, atol=1e-6)


def _save(tmp_path, model, name="m.onnx"):
    p = tmp_path / name
    p.write_bytes(model.SerializeToString())
    return p


def test_onnx_unsupported_operator_named(tmp_path):
    m = _gemm_model([[1.0, 2.0]], [0.0], ops=("Sigmoid",), transB=1)
    with pytest.raises(GraphError, match="unsupported ONNX operator 'Sigmoid'"):
        load_model(_save(tmp_path, m))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_onnx_non_finite_weight(tmp_path, bad):
    m = _gemm_model([[1.0, bad]], [0.0], transB=1)
    with pytest.raises(GraphError, match="initializer 'W' contains a (NaN|infinite) value"):
        load_model(_save(tmp_path, m))


def test_onnx_malformed_and_truncated(tmp_path):
    good = tree_network(4)
    save_model(good, tmp_path / "g.onnx")
    data = (tmp_path / "g.onnx").read_bytes()
    (tmp_path / "t.onnx").write_bytes(data[: len(data) // 3])
    with pytest.raises(GraphError, match="malformed or truncated ONNX"):
        load_model(tmp_path / "t.onnx")
    (tmp_path / "junk.onnx").write_bytes(b"\xff\xfe this is not protobuf \x00\x01")
    with pytest.raises(GraphError, match="malformed"):
        load_model(tmp_path / "junk.onnx")


def test_bad_json_graphs(tmp_path):
    d = to_dict(tree_network(2))
    cyc = json.loads(json.dumps(d))
    hidden = [n["id"] for n in cyc["nodes"] if n["kind"] == "neuron" and n["id"] != "max"]
    cyc["edges"].append({"source": "max", "target": hidden[0], "weight": "1"})
    with pytest.raises(GraphError, match="cycle"):
        from_dict(cyc)
    dang = json.loads(json.dumps(d))
    dang["nodes"].append({"id": "lost", "kind": "neuron", "activation": "relu", "bias": "0"})
    with pytest.raises(GraphError, match="'lost' has no inputs"):
        from_dict(dang)
    nan = json.loads(json.dumps(d))
    nan["edges"][0]["weight"] = "nan"
    with pytest.raises(GraphError, match="not a rational number|not finite"):
        from_dict(nan)
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(GraphError, match="not valid JSON"):
        load_model(tmp_path / "bad.json")
    with pytest.raises(GraphError, match="not a maxcert graph"):
        from_dict({"nodes": []})


def test_load_model_errors(tmp_path):
    with pytest.raises(GraphError, match="no such file"):
        load_model(tmp_path / "missing.onnx")
    (tmp_path / "m.txt").write_text("x")
    with pytest.raises(GraphError, match="unknown model format '.txt'"):
        load_model(tmp_path / "m.txt")


def test_torch_both_ways(rng):
    torch = pytest.importorskip("torch")  # CI installs the CPU build, so this runs there
    G = tree_network(6, "relu4")
    T = to_torch(G)
    X = np.random.default_rng(1).normal(size=(500, 6))
    with torch.no_grad():
        y = T(torch.from_numpy(X)).numpy()
    np.testing.assert_allclose(y[:, 0], X.max(axis=1), atol=1e-12)
    H = from_torch(T)
    for _ in range(5):
        x = [random_rational(rng) for _ in range(6)]
        assert evaluate_exact(H, x) == [max(x)]
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(3, 5), torch.nn.ReLU(), torch.nn.Linear(5, 1))
    G2 = from_torch(net)
    X = np.random.default_rng(2).normal(size=(100, 3))
    with torch.no_grad():
        want = net(torch.from_numpy(X).float()).double().numpy()
    np.testing.assert_allclose(evaluate(G2, X), want, atol=1e-5)
    # float32 weights convert to their exact binary values
    w = net[0].weight[0, 0].item()
    node = [n for n in G2.successors("x0")][0]
    assert G2.edges["x0", node]["weight"] == Fraction(w)
    with pytest.raises(GraphError, match="unsupported PyTorch module Tanh"):
        from_torch(torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Tanh(), torch.nn.Linear(2, 1)))
