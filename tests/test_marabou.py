"""The rewrite's first consumer, Marabou 2.0 (maraboupy, in the test extra): the rewritten models
load unmodified, Marabou's own evaluation equals onnxruntime's, and a local-robustness query
gets the verdict it gets on the original model (whose MaxPool Marabou reads natively).

The digits CNN (benchmarks/digits) has a 2x2/2 and a 3x3/1 pool; the zoo's PyTorch-converted pools
(1-D, 2-D and 3-D) are cut out alone. Expected values come from onnxruntime on the original model.
"""

from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest

from maxcert.verify.pools import rewrite

maraboupy = pytest.importorskip("maraboupy")
from maraboupy import Marabou  # noqa: E402  (after the skip: maraboupy is an extra)

ROOT = Path(__file__).resolve().parent.parent
DIGITS = ROOT / "benchmarks" / "digits"
DATA = Path(onnx.__file__).resolve().parent / "backend" / "test" / "data" / "pytorch-converted"


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # Marabou writes evaluateWithMarabou.log into the working directory


def _ort(path_or_model, x):
    m = path_or_model if isinstance(path_or_model, (str, Path)) else path_or_model.SerializeToString()
    s = ort.InferenceSession(str(m) if isinstance(m, Path) else m, providers=["CPUExecutionProvider"])
    return s.run(None, {s.get_inputs()[0].name: x})[0]


@pytest.fixture(scope="module")
def digits(tmp_path_factory):
    out = tmp_path_factory.mktemp("marabou") / "digits_relu.onnx"
    new, report = rewrite(str(DIGITS / "digits_cnn.onnx"))
    assert report["status"] == "CERTIFIED" and report["ops"] == "portable"
    onnx.save(new, out)
    data = np.load(DIGITS / "heldout.npz")
    return out, data["images"], data["labels"]


@pytest.mark.slow  # about 6 s; CI's slow step runs it: Marabou is a consumer the rewrite exists for
def test_rewritten_digits_cnn_loads_and_evaluates_as_onnxruntime(digits):
    path, images, _ = digits
    net = Marabou.read_onnx(str(path))
    for k in range(5):
        x = images[k:k + 1].astype(np.float32)
        want = _ort(path, x)
        assert np.allclose(net.evaluateWithoutMarabou([x])[0], want, atol=1e-5)  # Marabou's reading of the graph
        assert np.allclose(np.asarray(net.evaluateWithMarabou([x])[0]), want, atol=1e-4)  # its solver's arithmetic
        assert np.allclose(want, _ort(DIGITS / "digits_cnn.onnx", x), atol=1e-5)  # and the original's outputs


@pytest.mark.parametrize("case", ["test_MaxPool1d_stride", "test_MaxPool2d", "test_MaxPool3d_stride_padding"])
def test_rewritten_zoo_pools_load_in_marabou(case, tmp_path):
    new, report = rewrite(str(DATA / case / "model.onnx"))
    assert report["status"] == "CERTIFIED"
    path = tmp_path / "m.onnx"
    onnx.save(new, path)
    net = Marabou.read_onnx(str(path))
    shape = [d.dim_value for d in new.graph.input[0].type.tensor_type.shape.dim]
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    assert np.allclose(net.evaluateWithoutMarabou([x])[0], _ort(DATA / case / "model.onnx", x), atol=1e-5)


def robust(path, x, label, eps):
    """Marabou's verdicts on 'some other logit reaches the label's' in the L-inf ball, one per class."""
    verdicts = []
    for j in range(10):
        if j == label:
            continue
        net = Marabou.read_onnx(str(path))
        for v, xv in zip(net.inputVars[0].ravel(), x.ravel()):
            net.setLowerBound(v, float(xv) - eps)
            net.setUpperBound(v, float(xv) + eps)
        out = net.outputVars[0].ravel()
        net.addInequality([out[label], out[j]], [1, -1], 0)
        res, _, _ = net.solve(options=Marabou.createOptions(verbosity=0, timeoutInSeconds=120), verbose=False)
        verdicts.append(res)
    return verdicts


@pytest.mark.slow
def test_local_robustness_verdict_as_on_the_original(digits):
    # held-out digit 0 at eps = 0.01: the original is robust (every query unsat), and so must the rewrite be
    path, images, labels = digits
    k = int(np.flatnonzero(labels == 0)[0])
    want = robust(DIGITS / "digits_cnn.onnx", images[k], 0, 0.01)
    assert want == ["unsat"] * 9
    assert robust(path, images[k], 0, 0.01) == want
