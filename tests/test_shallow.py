"""maxcert rewrite --depth L --range LO,HI: the paper's depth-L approximators in place of deep pools,
each pool's worst-case error proved on the range and equal to (HI - LO) E(d, L)."""

from fractions import Fraction as F

import numpy as np
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper

from maxcert.graphs.pools import PoolError, max_type_ops, rewrite_model
from maxcert.graphs.readwrite.onnx_io import from_onnx
from maxcert.symbolic.tradeoff import tradeoff
from maxcert.verify.certify import certify
from maxcert.verify.pools import rewrite


def pool_model(shape, opset=13, **attrs):
    node = helper.make_node("MaxPool", ["x"], ["y"], name="pool", **attrs)
    g = helper.make_graph([node], "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, shape)],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [f"y{i}" for i in range(len(shape))])])
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])


def E(d, L):
    return next(r.error for r in tradeoff(d) if r.L == L)


CASES = [(k, L, rng) for k, Ls in ((2, (0, 1)), (3, (0, 1, 2, 3))) for L in Ls
         for rng in ((0, 1), (F(-1, 2), 3))]


# the 3x3 pools (the slowest cases, 2-6 s each) run in CI's slow step
@pytest.mark.parametrize("k,L,rng", [pytest.param(*c, marks=[pytest.mark.slow] if c[0] == 3 else [])
                                     for c in CASES], ids=[f"{k}x{k}-L{L}-{rng[0]},{rng[1]}" for k, L, rng in CASES])
def test_bound_is_scaled_E_exactly_and_tight(k, L, rng):
    d = k * k
    lo, hi = (F(v) for v in rng)
    # one window (map = kernel): the rewritten model is the row network itself
    m = pool_model([1, 1, k, k], kernel_shape=[k, k])
    new, report = rewrite(m, depth=L, range=rng)
    (p,) = report["pools"]
    assert p["status"] == "CERTIFIED" and p["relu_layers"] <= L and p["depth"] == L
    bound = F(p["certified_error"])
    assert bound == (hi - lo) * E(d, L) and p["equals_scaled_E"] and p["attained"]
    assert p["E"] == str(E(d, L)) and "only for pool inputs" in p["holds"]
    # written with ops outside the portable set, and the report says so (not the "portable" asked for)
    assert p["ops"] == "fast" and "not in the portable op set" in p["note"]
    assert {n.op_type for n in new.graph.node} & {"Gather", "Div"}
    G = from_onnx(new)
    assert certify(G, bound, f"box:{lo},{hi}").status == "CERTIFIED"
    shrunk = certify(G, bound * (1 - F(1, 10 ** 6)), f"box:{lo},{hi}")
    assert shrunk.status == "REFUTED" and shrunk.error_at_witness > bound * (1 - F(1, 10 ** 6))


def test_layer_with_borders_and_onnxruntime():
    # 3x3/stride 2 with padding on an 7x7 map: border windows repeat inputs, the bound still holds
    m = pool_model([1, 2, 7, 7], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])
    lo, hi = 0, 4
    for L in (1, 2):
        new, report = rewrite(m, depth=L, range=(lo, hi))
        p = report["pools"][0]
        bound = F(p["certified_error"])
        assert bound == 4 * E(9, L) and p["relu_layers"] == L and max_type_ops(new) == []
        x = np.random.default_rng(L).uniform(lo, hi, (1, 2, 7, 7)).astype(np.float32)
        def s(mm):
            return ort.InferenceSession(mm.SerializeToString(), providers=["CPUExecutionProvider"])

        dev = np.abs(s(new).run(None, {"x": x})[0] - s(m).run(None, {"x": x})[0]).max()
        assert 0 < dev <= float(bound) + 1e-5


def test_pools_that_fit_stay_exact():
    m = pool_model([1, 1, 4, 4], kernel_shape=[2, 2], strides=[2, 2])
    new, report = rewrite(m, depth=2, range=(0, 1))  # a 2x2 window (d = 4) has a depth-2 tree: exact
    p = report["pools"][0]
    assert p["status"] == "CERTIFIED" and "certified_error" not in p and p["relu_layers"] == 2


def test_depth_errors():
    m = pool_model([1, 1, 4, 4], kernel_shape=[2, 2])
    for kw, phrase in ((dict(depth=-1, range_=(0, 1)), "depth must be"), (dict(depth=1), "needs the range"),
                       (dict(depth=1, range_=(1, 0)), "LO < HI"), (dict(range_=(0, 1)), "only used with a depth")):
        with pytest.raises(PoolError, match=phrase):
            rewrite_model(m, **kw)
    with pytest.raises(PoolError, match="opset >= 7"):
        rewrite_model(pool_model([1, 1, 4, 4], opset=6, kernel_shape=[3, 3]), depth=1, range_=(0, 1))
    with pytest.raises(PoolError, match="subpool maxima"):
        rewrite_model(pool_model([1, 1, 8, 8], kernel_shape=[5, 5]), depth=4, range_=(0, 1))


def test_a_range_per_pool():
    # two pools in a row: each gets its own range, and its bound scales with that range
    nodes = [helper.make_node("MaxPool", ["x"], ["p"], name="first", kernel_shape=[2, 2], strides=[2, 2]),
             helper.make_node("MaxPool", ["p"], ["y"], name="second", kernel_shape=[2, 2], strides=[2, 2])]
    g = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, 4, 4])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 1, 1, 1])])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    _, sites = rewrite_model(m, depth=1, range_={"first": (0, 1), "second": (-1, 3)})
    assert [s.approx["range"] for s in sites] == [(0, 1), (-1, 3)]
    with pytest.raises(PoolError, match="'second' needs a range"):
        rewrite_model(m, depth=1, range_={"first": (0, 1)})
    with pytest.raises(PoolError, match="names no MaxPool of the model: third"):
        rewrite_model(m, depth=1, range_={"first": (0, 1), "second": (0, 1), "third": (0, 1)})
    with pytest.raises(PoolError, match="range of MaxPool 'second' needs LO < HI"):
        rewrite_model(m, depth=1, range_={"first": (0, 1), "second": (2, 2)})
