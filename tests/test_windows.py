"""Windows as the property: several outputs, each against the max over its own window of inputs."""

import json
import subprocess
import sys
from fractions import Fraction as F

import networkx as nx
import numpy as np
import onnx
import pytest
from onnx import numpy_helper

from maxcert.graphs import evaluate_exact, tree_network
from maxcert.graphs.pools import PoolSpec, layer_windows
from maxcert.graphs.readwrite.onnx_io import to_onnx
from maxcert.graphs.schema import add_neuron, new_network
from maxcert.verify.certify import CertifyError, certify, worst_case_error
from maxcert.verify.windows import WindowsError, parse_windows


def pooling_layer(side=8):
    """2x2/stride-2 max pooling over a side x side map as one network: a tree per window."""
    W = layer_windows(PoolSpec.from_attributes({"kernel_shape": [2, 2], "strides": [2, 2]}, [side, side]))
    G = new_network(side * side)
    outs = []
    for k, w in enumerate(W):
        T = tree_network(4)
        m = {f"x{j}": f"x{w[j]}" for j in range(4)}
        m.update({n: f"o{k}_{n}" for n in T if n not in m})
        T = nx.relabel_nodes(T, m)
        G.add_nodes_from((n, a) for n, a in T.nodes(data=True) if a["kind"] != "input")
        G.add_edges_from(T.edges(data=True))
        outs.append(m["max"])
    G.graph["outputs"] = outs
    return G, W


@pytest.fixture(scope="module")
def layer_files(tmp_path_factory):
    """The 8x8 layer as a dense Gemm/Relu ONNX model (64 -> 96 -> 48 -> 16), and a copy with one weight
    of the second Gemm scaled by 1.01: output 0 then errs for negative inputs only."""
    d = tmp_path_factory.mktemp("layer")
    G, W = pooling_layer()
    M = to_onnx(G, "float32")
    onnx.save(M, d / "pool8.onnx")
    (d / "windows.json").write_text(json.dumps(W))
    init = next(i for i in M.graph.initializer if i.name == "W1")
    a = numpy_helper.to_array(init).copy()
    r, c = np.argwhere(a != 0)[5]
    a[r, c] *= 1.01
    init.CopyFrom(numpy_helper.from_array(a, "W1"))
    onnx.save(M, d / "pool8_perturbed.onnx")
    return d, W


def cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "maxcert", *args], capture_output=True, text=True, cwd=cwd)


def test_dense_layer_exact_is_certified(layer_files):
    d, W = layer_files
    assert [len(w) for w in W] == [4] * 16
    r = cli("certify", "pool8.onnx", "--windows", "windows.json", "--domain", "reals", "--json", "c.json", cwd=d)
    assert r.returncode == 0, r.stderr
    assert "CERTIFIED" in r.stdout and "16 outputs" in r.stdout
    c = json.loads((d / "c.json").read_text())
    assert c["status"] == "CERTIFIED" and len(c["outputs"]) == 16
    assert all(o["reads_outside_window"] == 0 for o in c["outputs"])  # zero weights are no edges


@pytest.mark.slow  # in CI's slow step
def test_dense_layer_perturbed_is_refuted_naming_its_output(layer_files):
    d, W = layer_files
    r = cli("certify", "pool8_perturbed.onnx", "--windows", "windows.json", "--domain", "reals", "--json", "p.json", cwd=d)
    assert r.returncode == 1 and "REFUTED: output 0:" in r.stdout
    c = json.loads((d / "p.json").read_text())
    assert c["status"] == "REFUTED" and c["output"] == 0
    # independent re-evaluation: the imported network at the witness, against the max over window 0
    from maxcert.graphs import load_model
    x = [F(v) for v in c["witness"]]
    y = evaluate_exact(load_model(d / "pool8_perturbed.onnx"), x)
    assert abs(y[0] - max(x[i] for i in W[0])) == F(c["error_at_witness"]) > 0
    # on [0,1] the scaled weight multiplies relu(-b) = 0: still exact there
    assert cli("certify", "pool8_perturbed.onnx", "--windows", "windows.json", cwd=d).returncode == 0


def test_error_is_the_largest_over_outputs():
    # y0 = max(x0, x1) + 1/8 (error 1/8); y1 = (x2 + x3) / 2, whose sup of max - mean on [0,1]^2 is 1/2
    G = new_network(4)
    T = tree_network(2)
    for n, a in T.nodes(data=True):
        if a["kind"] != "input":
            G.add_node(f"t_{n}", **a)
    G.add_edges_from((u if u.startswith("x") else f"t_{u}", f"t_{v}", a) for u, v, a in T.edges(data=True))
    G.nodes["t_max"]["bias"] = F(1, 8)
    add_neuron(G, "mean", {"x2": F(1, 2), "x3": F(1, 2)}, activation="linear")
    G.graph["outputs"] = ["t_max", "mean"]
    c = worst_case_error(G, "unit", windows=[[0, 1], [2, 3]])
    assert c.status == "COMPUTED" and c.max_error == F(1, 2) and c.output == 1
    assert [o["max_error"] for o in c.outputs] == ["1/8", "1/2"]
    assert certify(G, F(1, 2), windows=[[0, 1], [2, 3]]).status == "CERTIFIED"
    c = certify(G, F(1, 4), windows=[[0, 1], [2, 3]])
    assert c.status == "REFUTED" and c.output == 1 and c.error_at_witness > F(1, 4)
    # swapping the windows changes the question: output 0 against max(x2, x3) errs by 1 + 1/8 at x = (1,1,0,0)
    assert worst_case_error(G, "unit", windows=[[2, 3], [0, 1]]).max_error == F(9, 8)


def test_output_reading_outside_its_window():
    # y = max(x0, x1) + x2 / 10 against max(x0, x1): sup on [0,1]^3 is 1/10 (at x2 = 1)
    G = tree_network(2)
    G.add_node("x2", kind="input", index=2)
    G.add_edge("x2", "max", weight=F(1, 10))
    c = worst_case_error(G, "unit", windows=[[0, 1]])
    assert c.status == "COMPUTED" and c.max_error == F(1, 10)
    assert c.outputs[0]["reads_outside_window"] == 1 and c.witness[2] == 1
    assert certify(G, F(1, 10), windows=[[0, 1]]).status == "CERTIFIED"
    assert certify(G, F(1, 11), windows=[[0, 1]]).status == "REFUTED"


def test_default_is_unchanged():
    G = tree_network(5)
    a, b = certify(G, 0, "reals"), certify(G, 0, "reals", windows=[[4, 3, 2, 1, 0]])
    assert a.status == b.status == "CERTIFIED" and a.method == b.method and b.outputs is None
    assert "output" not in a.to_dict()


def test_windows_spec_errors():
    with pytest.raises(WindowsError, match="2 windows given for a network with 1 outputs"):
        parse_windows([[0], [1]], 2, 1)
    with pytest.raises(WindowsError, match="window 0 is empty"):
        parse_windows([[]], 2, 1)
    with pytest.raises(WindowsError, match="not an input index"):
        parse_windows([["a"]], 2, 1)
    with pytest.raises(WindowsError, match="list of input-index lists"):
        parse_windows({"0": [1]}, 2, 1)
    G, _ = pooling_layer(4)
    with pytest.raises(CertifyError, match="4 outputs; give one window"):
        certify(G, 0)


def test_cli_bad_windows_exit_3(layer_files, tmp_path, run_cli):
    d, _ = layer_files
    (tmp_path / "short.json").write_text("[[1, 2]]")
    (tmp_path / "broken.json").write_text("[[1, 2]")
    for f, phrase in (("short.json", "1 windows given"), ("broken.json", "not JSON"), ("none.json", "no such file")):
        code, _, err = run_cli("certify", d / "pool8.onnx", "--windows", tmp_path / f)  # in-process: main()
        assert code == 3 and phrase in err and len(err.strip().splitlines()) == 1
    r = cli("certify", str(d / "pool8.onnx"), cwd=tmp_path)
    assert r.returncode == 3 and "--windows" in r.stderr
