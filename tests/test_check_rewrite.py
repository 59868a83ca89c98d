"""maxcert rewrite --certificate and its re-check (verify/check_rewrite.py), tampered as an adversary would."""

import hashlib
import json

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from maxcert.verify.certificates import rewrite_certificate_file
from maxcert.verify.check_rewrite import check_rewrite
from maxcert.verify.checker import Invalid, Undecided, Unreadable
from maxcert.verify.pools import rewrite


def pool_model(ops_attrs=None, shape=(1, 2, 7, 7)):
    attrs = ops_attrs or dict(kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])
    node = helper.make_node("MaxPool", ["x"], ["y"], name="pool", **attrs)
    g = helper.make_graph([node], "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(shape))],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["a", "b", "c", "d"])])
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])


def written(ops="portable", **kw):
    new, report = rewrite(pool_model(), ops=ops, **kw)
    data = new.SerializeToString()
    return data, rewrite_certificate_file(data, report)


def rehashed(cert, model):
    data = model.SerializeToString()
    return data, {**cert, "model_sha256": hashlib.sha256(data).hexdigest()}


@pytest.mark.parametrize("ops", ["portable", "fast"])
def test_valid_in_both_op_sets_and_both_solvers(ops):
    data, cert = written(ops)
    assert cert["kind"] == "rewrite" and cert["verdict"]["status"] == "CERTIFIED"
    # windows {0,1}, {1,2,3}, {3,4,5}, {5,6} on both axes: two distinct line networks, a max of 2 and of 3
    (qs,) = [p["smt2"] for p in cert["proof"]["pools"]]
    assert len(qs) == 2 and all(q.startswith("(set-logic QF_LRA)") and q.rstrip().endswith("(check-sat)") for q in qs)
    for solver in ("z3", "cvc5"):
        if solver == "cvc5":
            pytest.importorskip("cvc5")
        parts = check_rewrite(cert, data, solver)
        assert parts[0] == "model hash" and "windows equal" in parts[1] and f"{solver} unsat" in parts[-1]


def test_queries_recorded_during_the_proof_equal_a_second_reading():
    """rewrite(record=True) keeps each line network's query as it proves it; a report without them
    makes rewrite_certificate_file read the model again for them: the same queries."""
    new, report = rewrite(pool_model(), record=True)
    assert all(q.startswith("(set-logic QF_LRA)") for q in report["pools"][0]["smt2"])
    kept = rewrite_certificate_file(new.SerializeToString(), report)
    new2, report2 = rewrite(pool_model())
    assert "smt2" not in report2["pools"][0]
    again = rewrite_certificate_file(new2.SerializeToString(), report2)
    assert [p["smt2"] for p in kept["proof"]["pools"]] == [p["smt2"] for p in again["proof"]["pools"]]
    assert len(kept["proof"]["pools"][0]["smt2"]) == 2  # the max of 2 and the max of 3


def test_changed_model_bytes_fail_the_hash():
    data, cert = written()
    with pytest.raises(Invalid, match="do not hash"):
        check_rewrite(cert, data + b"\x00")


def test_changed_weight_rehashed_is_caught():
    data, cert = written()
    m = onnx.load_from_string(data)
    c = next(n for n in m.graph.node if n.op_type == "Constant" and "diff" in n.output[0])
    M = numpy_helper.to_array(c.attribute[0].t).copy()
    M[M == -1] = 1  # a - b becomes a + b: no max
    c.attribute[0].t.CopyFrom(numpy_helper.from_array(M, c.output[0]))
    with pytest.raises(Invalid, match="pool 'pool'"):
        check_rewrite(*reversed(rehashed(cert, m)))


def test_changed_claim_stride_is_caught():
    data, cert = written()
    cert = json.loads(json.dumps(cert))
    cert["property"]["pools"][0]["attributes"]["strides"] = [1, 1]  # windows of another pool
    with pytest.raises(Invalid, match="pool 'pool'"):
        check_rewrite(cert, data)


def test_changed_relu_count_is_caught():
    data, cert = written()
    cert = json.loads(json.dumps(cert))
    cert["verdict"]["pools"][0]["relus"] -= 1
    with pytest.raises(Invalid, match="relus"):
        check_rewrite(cert, data)


def test_unknown_pool_under_a_certified_verdict_is_caught_and_unreadable_claims():
    data, cert = written()
    bad = json.loads(json.dumps(cert))
    bad["verdict"]["pools"][0]["status"] = "UNKNOWN"
    with pytest.raises(Invalid, match="yet the verdict is CERTIFIED"):
        check_rewrite(bad, data)
    bad = json.loads(json.dumps(cert))
    del bad["property"]["pools"][0]["input"]
    with pytest.raises(Unreadable):
        check_rewrite(bad, data)


@pytest.mark.parametrize("kw", [dict(range=("0", "1")), dict(range=("-2", "3")), dict(relative=True)],
                         ids=["unit", "box", "relative"])
def test_approximated_pool_rechecked_and_a_lower_bound_refuted(kw):
    """A depth-1 approximation of the 3x3 pool: the checker reads its rows (each its window) and
    proves the recorded error bound on its row network by its own queries; the rewrite's exact
    error is attained (a witness), so any lower bound is refuted by the checker's query (sat)."""
    from fractions import Fraction

    new, report = rewrite(pool_model(), depth=1, **kw)
    data = new.SerializeToString()
    cert = rewrite_certificate_file(data, report)
    pool = report["pools"][0]
    assert pool["status"] == "CERTIFIED" and cert["property"]["pools"][0]["approximation"]
    done = check_rewrite(cert, data)
    assert any(f"|y - max(window)| <= {pool['certified_error']}" in p and "symmetric, the cone z3 unsat" in p
               for p in done), done
    low = json.loads(json.dumps(cert))
    low["verdict"]["pools"][0]["certified_error"] = str(Fraction(pool["certified_error"]) * Fraction(99, 100))
    with pytest.raises(Invalid, match="z3 finds a counterexample"):
        check_rewrite(low, data)
    more = json.loads(json.dumps(cert))  # a ReLU count that is not the model's
    more["verdict"]["pools"][0]["relus"] += 1
    with pytest.raises(Invalid, match="ReLUs in .* layers recorded, the model has"):
        check_rewrite(more, data)
    old = json.loads(json.dumps(cert))  # written before ranges were recorded: not decided, not unreadable
    for key in ("range", "relative"):
        old["property"]["pools"][0].pop(key, None)
    with pytest.raises(Undecided, match="before ranges were"):
        check_rewrite(old, data)
    if "range" in kw:  # the bound holds on the recorded range only: a wider one is refuted
        wide = json.loads(json.dumps(cert))
        wide["property"]["pools"][0]["range"] = ["-100", "100"]
        with pytest.raises(Invalid, match="z3 finds a counterexample"):
            check_rewrite(wide, data)


def test_cli_writes_and_checks(tmp_path, run_cli):
    src, out, cert = tmp_path / "m.onnx", tmp_path / "r.onnx", tmp_path / "c.json"
    onnx.save(pool_model(), src)
    assert run_cli("rewrite", str(src), "-o", str(out), "--certificate", str(cert), "--quiet")[0] == 0
    code, text, _ = run_cli("check", str(cert), "--model", str(out))
    assert code == 0 and text.startswith("VALID: CERTIFIED re-verified: model hash; pool 'pool'")
    code, text, _ = run_cli("check", str(cert), "--model", str(src))  # the original, not the written model
    assert code == 1 and "do not hash" in text
    code, _, err = run_cli("check", str(cert), "--model", str(tmp_path / "missing.onnx"))
    assert code == 3 and "missing.onnx" in err
    np.testing.assert_equal(json.loads(cert.read_text())["format"], "maxcert-certificate")


def test_an_approximation_without_a_row_network_is_invalid():
    """A replacement whose rows keep 4 slots but no node reduces them (a Reshape alone) is no pool's
    approximation: named, not a traceback."""
    from maxcert.verify.check_rewrite import _approximated, _Site

    shp = helper.make_node("Constant", [], ["s"], value=numpy_helper.from_array(np.array([1, 1, 1, 1, 4], dtype=np.int64)))
    g = helper.make_graph([shp, helper.make_node("Reshape", ["X", "s"], ["Y"], name="r")], "g",
                          [helper.make_tensor_value_info("X", TensorProto.FLOAT, [1, 1, 2, 2])],
                          [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [1, 1, 1, 1, 4])])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    claim = {"node": "pool", "input": "X", "output": "Y", "input_shape": [1, 1, 2, 2], "elem_type": 1,
             "attributes": {"kernel_shape": [2, 2], "strides": [2, 2]}, "approximation": True, "range": ["0", "1"]}
    with pytest.raises(Invalid, match="no row network"):
        _approximated(m, _Site(claim), claim, {"certified_error": "0"}, "z3", 5)
