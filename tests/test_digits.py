"""The digits benchmark (benchmarks/digits): a trained CNN whose MaxPools are rewritten at depth L.

The committed model and held-out split load and give the committed accuracy; the table regenerates
identically; every certified pool bound is (HI - LO) E(d, L); the declared ranges hold on random
images (original and rewritten models) and at the image where pool 1's bound is attained; the
logit bound is finite and above what is measured; one range for both pools fails at L = 0 whatever
HI. Re-training (slow) reproduces the committed ONNX bytes.
"""

import hashlib
import importlib.util
import json
from fractions import Fraction
from pathlib import Path

import numpy as np
import onnx
import pytest

DIGITS = Path(__file__).resolve().parent.parent / "benchmarks" / "digits"


def _load(name):
    spec = importlib.util.spec_from_file_location(f"digits_{name}", DIGITS / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


table = _load("table")
digits_range = table.digits_range


@pytest.fixture(scope="module")
def results():
    return json.loads((DIGITS / "results.json").read_text())


@pytest.fixture(scope="module")
def model():
    return onnx.load(str(DIGITS / "digits_cnn.onnx"))


@pytest.fixture(scope="module")
def rewritten(model, results):
    """Every row's rewritten model, with its per-pool ranges (from the committed results)."""
    rng = _ranges(results)
    return {L: table.rewrite_at(model, L, rng) for L in table.LEVELS}


def _ranges(results):
    r = results["ranges"]
    return {"LO": Fraction(r["LO"]), "HI1": Fraction(r["HI1"]),
            "HI2": {(int(k) if k != "exact" else k): Fraction(v) for k, v in r["HI2"].items()}}


def _key(L):
    return "exact" if L is None else L


def test_files_are_small_and_the_model_is_the_committed_one(results):
    for name in ("digits_cnn.onnx", "heldout.npz", "results.json"):
        assert (DIGITS / name).stat().st_size < 100_000, name
    assert hashlib.sha256((DIGITS / "digits_cnn.onnx").read_bytes()).hexdigest() == results["model_sha256"]


def test_committed_model_accuracy_matches_results(results):
    import onnxruntime as ort

    images, labels = table.load_heldout()
    assert images.dtype == np.float32 and images.shape == (450, 1, 8, 8) and labels.shape == (450,)
    assert images.min() >= 0 and images.max() <= 1
    sess = ort.InferenceSession(str(DIGITS / "digits_cnn.onnx"), providers=["CPUExecutionProvider"])
    (logits,) = sess.run(None, {"image": images})
    correct = int((logits.argmax(1) == labels).sum())
    assert correct == results["original"]["correct"]
    assert correct / len(labels) == results["original"]["accuracy"] >= 0.95
    exact = next(r for r in results["rows"] if r["L"] == "exact")
    assert exact["heldout"]["agree"] == len(labels) and exact["heldout"]["correct"] == correct


@pytest.mark.slow  # about 8 s: the whole table again
def test_table_regenerates_identically(results):
    res = table.table(levels=(0, 3, None), relative_levels=(2,))
    new, old = table.comparable(res), table.comparable(results)
    old_rows = {r["L"]: r for r in old.pop("rows")}
    new_rows = new.pop("rows")
    old_rel = {r["L"]: r for r in old.pop("relative_rows")}
    (new_rel,) = new.pop("relative_rows")
    # counts and exact strings exactly; onnxruntime's float outputs to a relative 1e-4 (its kernels are
    # picked by CPU, so the last bits of a logit differ from one machine to another)
    assert table.same(new_rel, old_rel[2]) is None, table.same(new_rel, old_rel[2])
    assert table.same(new, old) is None  # ranges (exact strings), original model, command, sha256
    assert [r["L"] for r in new_rows] == [0, 3, "exact"]
    for r in new_rows:
        assert table.same(r, old_rows[r["L"]]) is None, (r["L"], table.same(r, old_rows[r["L"]]))


def test_same_compares_floats_to_a_tolerance_and_the_rest_exactly():
    assert table.same({"a": [1, 2.6506338]}, {"a": [1, 2.6506014]}) is None  # 1.2e-5 relative
    assert table.same({"a": 2.65}, {"a": 2.66}) == ".a: 2.65 != 2.66"
    assert table.same({"n": 449}, {"n": 448}) == ".n: 449 != 448"
    assert table.same({"q": "1/3"}, {"q": "1/4"}) is not None and table.same({"a": 1}, {"b": 1}) is not None


def test_markdown_is_generated_from_the_json(results):
    assert (DIGITS / "results.md").read_text() == table.markdown(results)


def test_every_certified_bound_is_the_range_times_E(results):
    from maxcert.symbolic.tradeoff import tradeoff

    rng = _ranges(results)
    assert [r["L"] for r in results["rows"]] == [0, 1, 2, 3, "exact"]
    removed = []
    for row in results["rows"]:
        L = None if row["L"] == "exact" else row["L"]
        ranges = digits_range.ranges_for(rng, L)
        assert row["ranges"] == (None if L is None else [[str(a), str(b)] for a, b in ranges])
        for (lo, hi), p in zip(ranges, row["pools"]):
            assert p["status"] == "CERTIFIED"
            rows = {r.L: r.error for r in tradeoff(p["window"])}
            E = rows[min(L, max(rows))] if L is not None else Fraction(0)
            want = (hi - lo) * E if L is not None else Fraction(0)
            assert Fraction(p["certified_error"]) == want and p["equals_range_times_E"]
            assert p["approximated"] == (want != 0)
        removed.append(row["relu_layers_removed"])
        # the model's Relu depth: conv Relu, pool 1, conv Relu, pool 2 in series
        assert row["relu_layers"] == 2 + sum(p["relu_layers"] for p in row["pools"])
    assert removed == [6, 4, 2, 1, 0]


def test_ranges_are_sound_on_random_images_and_at_the_extreme_image(results, model, rewritten):
    rng = _ranges(results)
    gen = np.random.default_rng(20260211)
    images = gen.uniform(0, 1, (2000, 1, 8, 8)).astype(np.float32)
    # add the images that attain pool 1's bound (1 where the conv1 weight is > 0, at every
    # position) and the two constant images
    W1 = digits_range._weights(model)["conv1"][0]
    extreme = []
    for c in range(W1.shape[0]):
        for i in range(8):
            for j in range(8):
                x = np.zeros((1, 8, 8), np.float32)
                for di in range(3):
                    for dj in range(3):
                        if 0 <= i + di - 1 < 8 and 0 <= j + dj - 1 < 8 and W1[c, 0, di, dj] > 0:
                            x[0, i + di - 1, j + dj - 1] = 1
                extreme.append(x)
    images = np.concatenate([images, np.stack(extreme), np.zeros((1, 1, 8, 8), np.float32),
                             np.ones((1, 1, 8, 8), np.float32)])
    p1, p2, base = digits_range.pool_inputs(model, images)
    hi1 = float(Fraction(results["ranges"]["pool1_input_bound"]))
    assert p1.min() >= 0 and p1.max() <= rng["HI1"] and p2.min() >= 0 and p2.max() <= rng["HI2"]["exact"]
    assert p1.max() == pytest.approx(hi1, rel=1e-6)  # the exact bound is attained, and by float32 too
    seen = {}
    for L, (new, pools, _) in rewritten.items():
        # L = 2, 3 keep pool 1 exact (the same tree as the exact row), so pool 2's inputs are the exact
        # row's: checked on the first 200 images only (their wide pool 2 makes them slow to run)
        n = len(images) if L in (0, 1, None) else 200
        assert (L in (0, 1)) == ("certified_error" in pools[0])
        q1, q2, logits = digits_range.pool_inputs(new, images[:n])
        assert np.array_equal(q1, p1[:n])  # pool 1's inputs do not depend on the rewrite
        assert q2.min() >= 0 and q2.max() <= rng["HI2"][L if L in (0, 1) else "exact"], L
        seen[L] = q2
        row = next(r for r in results["rows"] if r["L"] == _key(L))
        dev = np.abs(logits.astype(np.float64) - base[:n]).max()
        assert dev <= row["logit_bound_float"] + 1e-4, (L, dev)
    for L in (2, 3):
        assert np.array_equal(seen[L], seen[None][:200])


def test_rewritten_pool1_is_the_formula_the_range_argument_uses(results, model, rewritten):
    """digits_range bounds pool 1's rewritten output by HI beta_0 + g(x); check that formula against
    onnxruntime on the held-out digits and random images (float32 tolerance)."""
    images, _ = table.load_heldout()
    images = np.concatenate([images, np.random.default_rng(1).uniform(0, 1, (200, 1, 8, 8)).astype(np.float32)])
    names = [digits_range.pool_input_names()[0], digits_range.pool_output_names()[0]]
    HI = Fraction(results["ranges"]["HI1"])
    for L in (0, 1):
        x, y, _ = digits_range.run(rewritten[L][0], images, names)
        betas = digits_range._betas(L)
        c = [float(v) for v in digits_range.order_weights(betas, 4)]
        N, C, H, W = x.shape
        win = x.astype(np.float64).reshape(N, C, H // 2, 2, W // 2, 2).transpose(0, 1, 2, 4, 3, 5)
        win = win.reshape(N, C, H // 2, W // 2, 4)
        f = float(HI * Fraction(betas[0])) + np.sort(win, axis=-1)[..., ::-1] @ np.array(c)
        assert np.abs(f - y).max() < 1e-5, L


def test_per_pool_rewrite_writes_what_one_range_rewrite_writes(model, rewritten):
    """Each pool's replacement in the per-pool model is node for node the one ``rewrite`` writes for it
    with that pool's range (so the row is what ``maxcert rewrite --depth L --range 0,HI`` gives per pool)."""
    from maxcert.verify.pools import rewrite

    pools = [n.name for n in model.graph.node if n.op_type == "MaxPool"]
    new, _, ranges = rewritten[0]
    got = {n.SerializeToString() for n in new.graph.node}
    for name, r in zip(pools, ranges):
        ref, _ = rewrite(model, depth=0, range=r)
        nodes = [n for n in ref.graph.node if n.name.startswith(name + "/")]
        assert nodes and all(n.SerializeToString() in got for n in nodes)
    assert len(new.graph.node) == len(ref.graph.node)


def test_logit_bound_is_finite_and_reported(results):
    for row in results["rows"]:
        b = Fraction(row["logit_bound"])
        assert float(b) == row["logit_bound_float"] and np.isfinite(row["logit_bound_float"])
        assert row["heldout"]["max_abs_dev"] <= float(b) + 1e-4
        if row["L"] == "exact":
            assert b == 0


def test_one_range_for_both_pools_fails_at_depth_0(model, results):
    """At L = 0 the approximated pool 1 adds HI beta_0 = 3/8 HI to every output, and conv2 feeds more
    than HI of it to some pool 2 input: with one range [0, HI] pool 2's inputs leave it (HI >= 5 is needed
    by pool 1; the pre-activation is affine in HI with slope > 1 there, so every larger HI fails too)."""
    from maxcert.verify.pools import rewrite

    assert results["ranges"]["single_range"]["0"]["HI_min"] is None
    images, _ = table.load_heldout()
    for HI in (5, 100, 1000):
        new, rep = rewrite(model, depth=0, range=(0, HI))
        assert rep["status"] == "CERTIFIED"
        _, p2, _ = digits_range.pool_inputs(new, images[:20])
        assert p2.max() > HI


@pytest.mark.slow
def test_training_reproduces_the_committed_model(tmp_path):
    train = _load("train")
    out, held = tmp_path / "m.onnx", tmp_path / "h.npz"
    train.main(["--out", str(out), "--heldout", str(held)])
    images, labels = table.load_heldout()
    z = np.load(held)
    assert np.array_equal(z["images"], images) and np.array_equal(z["labels"], labels)
    assert train.accuracy(str(out), images, labels) == train.accuracy(str(DIGITS / "digits_cnn.onnx"), images, labels)
    assert out.read_bytes() == (DIGITS / "digits_cnn.onnx").read_bytes()


def test_readme_numbers_come_from_the_digits_table():
    import json
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    res = json.loads((root / "benchmarks" / "digits" / "results.json").read_text())
    readme = (root / "README.md").read_text()
    rows = {r["L"]: r for r in res["rows"]}
    rel = {r["L"]: r for r in res["relative_rows"]}
    l3, l2 = rows[3], rows[2]
    n = res["heldout_images"]
    assert l3["heldout"]["agree"] == rel[3]["heldout"]["agree"] == n and f"both keep all {n} held-out" in readme
    assert l2["pools"][1]["certified_error"] in readme and f"{100 * l2['heldout']['accuracy']:.1f}%" in readme
    assert f"{100 * rel[2]['heldout']['accuracy']:.2f}%" in readme and rel[2]["pools"][1]["E_rel"] in readme
