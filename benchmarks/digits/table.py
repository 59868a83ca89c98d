"""The digits table: the trained CNN with its MaxPools rewritten at every depth L, certified and measured.

For L = 0, 1, 2, 3 and exact (no ``--depth``), the model ``digits_cnn.onnx`` (see train.py) is
rewritten by :func:`maxcert.verify.pools.rewrite`; every pool deeper than L gets the paper's
optimal depth-L approximator on its declared range, the others the exact tree. Per row:

* **Relu layers**: the most Relu nodes on any path from the image to the logits of the rewritten
  ONNX graph (the conv Relus and the pools' layers in series); *removed*: the exact rewrite's less
  this one. The exact rewrite has 1 + 2 + 1 + 4 = 8.
* **certified bound** of each pool: the report's ``certified_error`` (exact rational), which holds for
  every input of the pool in its range; 0 for an exact pool (the tree equals max on all reals).
  Each equals (HI - LO) E(d, L).
* **logit bound**: a sound bound on max |logits(rewritten) - logits(original)| over every image in
  [0,1]^64 (:func:`digits_range.logit_bound`), exact arithmetic of the real-valued networks.
* **held-out** (450 images, onnxruntime CPU, float32, one thread): max and mean |logit deviation|
  from the original model over all 4,500 logits, top-1 agreement with the original, accuracy, and
  the largest pool-input activation seen.

**Ranges.** The pools' inputs are post-Relu, so LO = 0. rewrite takes one range for all pools, but
no single [0, HI] is sound for this model at L = 0 (pool 1's approximator adds ``3/8 HI`` to every
output, and conv2 sends more than HI of it back to pool 2: :mod:`digits_range`). So each pool gets
its own range, sound for every image in [0,1]^64: the model is rewritten one pool at a time
(:func:`rewrite_per_pool`: the other MaxPool is held under a private domain for that call, so
rewrite leaves it alone, then put back), each call certifying its own pool on its own range.

Run ``python benchmarks/digits/table.py`` (about 6 s); writes results.json and results.md next to
this file. ``--check`` regenerates and compares with the committed results.json instead.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import sys
import time
from fractions import Fraction

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def _sibling(name: str):
    """A module of this folder, loaded by path (sys.path is left alone: other benchmarks have a table.py)."""
    import importlib.util

    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, os.path.join(HERE, f"{name}.py"))
        mod = importlib.util.module_from_spec(spec)
        sys.modules[name] = mod
        spec.loader.exec_module(mod)
    return sys.modules[name]


digits_range = _sibling("digits_range")

MODEL = os.path.join(HERE, "digits_cnn.onnx")
HELDOUT = os.path.join(HERE, "heldout.npz")
RESULTS_JSON = os.path.join(HERE, "results.json")
RESULTS_MD = os.path.join(HERE, "results.md")
LEVELS = (0, 1, 2, 3, None)  # None: exact (no --depth)
REL_LEVELS = (0, 1, 2, 3)  # rewrite --depth L --relative
COMMAND = "python benchmarks/digits/table.py"
HOLD = "maxcert.digits.hold"  # private domain: rewrite only touches MaxPools of the default domain
TIMING_KEYS = ("time_s",)


def load_heldout(path=HELDOUT):
    z = np.load(path)
    return z["images"], z["labels"]


def relu_depth(model) -> int:
    """The most Relu nodes on any path from a graph input to the first graph output (the nodes of an
    ONNX graph are in topological order)."""
    depth = {}
    for n in model.graph.node:
        d = max((depth.get(t, 0) for t in n.input if t), default=0) + (n.op_type == "Relu")
        for t in n.output:
            depth[t] = d
    return depth[model.graph.output[0].name]


def rewrite_per_pool(model, depth: int, ranges: list):
    """Rewrite each MaxPool (graph order) at ``depth`` on its own range; ``(new_model, pool_reports)``.

    One :func:`maxcert.verify.pools.rewrite` call per pool, on the model with every *other*
    remaining MaxPool moved to a private domain (rewrite leaves it alone) and moved back afterwards.
    Each call certifies its own pool from the model it wrote; later calls leave earlier replacements
    untouched (checked: their nodes are byte-identical in the final model).
    """
    import onnx

    from maxcert.verify.pools import rewrite

    names = [n.name for n in model.graph.node if n.op_type == "MaxPool"]
    assert len(names) == len(ranges) and len(set(names)) == len(names)
    current, reports, written = model, [], []
    for name, rng in zip(names, ranges):
        m = onnx.ModelProto()
        m.CopyFrom(current)
        for n in m.graph.node:
            if n.op_type == "MaxPool" and n.name != name:
                n.domain = HOLD
        m.opset_import.append(onnx.helper.make_opsetid(HOLD, 1))
        new, rep = rewrite(m, depth=depth, range=rng)
        assert [p["node"] for p in rep["pools"]] == [name], rep["pools"]
        for n in new.graph.node:
            if n.domain == HOLD:
                n.domain = ""
        keep = [o for o in new.opset_import if o.domain != HOLD]
        del new.opset_import[:]
        new.opset_import.extend(keep)
        added = {n.name for n in new.graph.node} - {n.name for n in current.graph.node}
        written.extend(n.SerializeToString() for n in new.graph.node if n.name in added)
        reports.append({**rep["pools"][0], "call_time_s": rep["time_s"]})
        current = new
    final = {n.SerializeToString() for n in current.graph.node}
    assert all(b in final for b in written), "a later call changed an earlier replacement"
    assert not [n for n in current.graph.node if n.op_type == "MaxPool"]
    onnx.checker.check_model(current)
    return current, reports


def rewrite_at(model, L, rng: dict):
    """The model rewritten at depth L (None: exact) with the per-pool ranges of :func:`digits_range.ranges_for`;
    returns ``(new_model, pool_reports, ranges)``."""
    from maxcert.verify.pools import rewrite

    ranges = digits_range.ranges_for(rng, L)
    if L is None:
        new, rep = rewrite(model)
        return new, [{**p, "call_time_s": rep["time_s"]} for p in rep["pools"]], None
    new, pools = rewrite_per_pool(model, L, list(ranges))
    return new, pools, ranges


def _f(v) -> float:
    return float(Fraction(v))


def row(model, L, rng: dict, images, labels, base_logits) -> dict:
    """One row of the table (see the module docstring)."""
    from maxcert.symbolic.tradeoff import tradeoff

    t0 = time.perf_counter()
    new, pools, ranges = rewrite_at(model, L, rng)
    t_rewrite = time.perf_counter() - t0
    out = {"L": "exact" if L is None else L, "relu_layers": relu_depth(new),
           "ranges": None if ranges is None else [[str(lo), str(hi)] for lo, hi in ranges], "pools": []}
    errs = []
    for k, p in enumerate(pools):
        d = p["window"]
        approx = "certified_error" in p
        e = Fraction(p["certified_error"]) if approx else Fraction(0)
        errs.append(e)
        Es = {r.L: r.error for r in tradeoff(d)}  # L = 0 .. ceil(log2 d); the last one is 0 (exact)
        E = Es[max(Es)] if L is None else Es[min(L, max(Es))]
        width = (ranges[k][1] - ranges[k][0]) if ranges else 0
        out["pools"].append({
            "node": p["node"], "window": d, "status": p["status"], "approximated": approx,
            "R": p.get("R", "tree"), "relu_layers": p["relu_layers"], "relus": p["relus"],
            "E": str(E), "certified_error": str(e), "certified_error_float": float(e),
            "equals_range_times_E": e == width * E,
            "holds": p.get("holds", "for all real inputs (exact)")})
    bound = digits_range.logit_bound(errs[0], errs[1], rng)
    out["logit_bound"] = str(bound)
    out["logit_bound_float"] = float(bound)
    names = digits_range.pool_input_names() + digits_range.pool_output_names()
    p1, p2, y1, y2, logits = digits_range.run(new, images, names)
    perr = []
    for x, y, (k, s) in zip((p1, p2), (y1, y2), digits_range.POOLS):
        m = digits_range.window_max(x.astype(np.float64), k, s)
        e = np.abs(y.astype(np.float64) - m)
        perr.append((float(e.max()), float(e.mean()), int((m == 0).sum()), int(m.size)))
    dev = np.abs(logits.astype(np.float64) - base_logits.astype(np.float64))
    agree = int((logits.argmax(1) == base_logits.argmax(1)).sum())
    correct = int((logits.argmax(1) == labels).sum())
    out["heldout"] = {"max_abs_dev": float(dev.max()), "mean_abs_dev": float(dev.mean()),
                      "agree": agree, "agree_frac": agree / len(labels),
                      "correct": correct, "accuracy": correct / len(labels),
                      "pool_input_max": [float(p1.max()), float(p2.max())],
                      "pool_error_max": [e[0] for e in perr], "pool_error_mean": [e[1] for e in perr],
                      "pool_windows_all_zero": [e[2] for e in perr], "pool_windows": [e[3] for e in perr]}
    out["pool_relus"] = sum(p["relus"] for p in out["pools"])
    out["time_s"] = {"rewrite_and_certify": round(t_rewrite, 3),
                     "pools": [round(p["time_s"], 3) for p in pools]}
    return out


def relative_row(model, L, rng: dict, images, labels, base_logits) -> dict:
    """A row with the shift-equivariant approximators: one ``rewrite --depth L --relative`` call, no range.

    Each approximated pool's certificate is ``|y - max| <= E_rel (max - min)`` over its window for all
    inputs; on this model (post-Relu windows in [0, hi]) that gives the absolute pool bounds of
    :func:`digits_range.relative_pool_bounds`, and through them the logit bound.
    """
    from maxcert.verify.pools import rewrite

    t0 = time.perf_counter()
    new, rep = rewrite(model, depth=L, relative=True)
    t_rewrite = time.perf_counter() - t0
    pools = rep["pools"]
    E = [Fraction(p.get("certified_error", 0)) for p in pools]
    e1, e2 = digits_range.relative_pool_bounds(E[0], E[1], rng, L)
    bound = digits_range.logit_bound(e1, e2, rng)
    out = {"L": L, "relative": True, "status": rep["status"], "relu_layers": relu_depth(new), "pools": [],
           "logit_bound": str(bound), "logit_bound_float": float(bound),
           "pool_bounds_on_model": [str(e1), str(e2)]}
    for p, e in zip(pools, E):
        out["pools"].append({"node": p["node"], "window": p["window"], "status": p["status"],
                             "approximated": "certified_error" in p, "R": p.get("R", "tree"),
                             "relu_layers": p["relu_layers"], "relus": p["relus"], "E_rel": str(e),
                             "certified_error_float": float(e),
                             "equals_E_rel": p.get("equals_E_rel", True),
                             "holds": p.get("holds", "for all real inputs (exact)")})
    names = digits_range.pool_input_names() + digits_range.pool_output_names()
    p1, p2, y1, y2, logits = digits_range.run(new, images, names)
    perr = []
    for x, y, (k, s) in zip((p1, p2), (y1, y2), digits_range.POOLS):
        x = x.astype(np.float64)
        m = digits_range.window_max(x, k, s)
        c = m + digits_range.window_max(-x, k, s)  # max - min of each window
        e = np.abs(y.astype(np.float64) - m)
        flat = c == 0
        perr.append({"max": float(e.max()), "mean": float(e.mean()),
                     "ratio_max": float((e[~flat] / c[~flat]).max()) if (~flat).any() else 0.0,
                     "flat_windows": int(flat.sum()), "flat_error_max": float(e[flat].max()) if flat.any() else 0.0,
                     "windows": int(m.size)})
    dev = np.abs(logits.astype(np.float64) - base_logits.astype(np.float64))
    agree = int((logits.argmax(1) == base_logits.argmax(1)).sum())
    correct = int((logits.argmax(1) == labels).sum())
    out["heldout"] = {"max_abs_dev": float(dev.max()), "mean_abs_dev": float(dev.mean()),
                      "agree": agree, "correct": correct, "accuracy": correct / len(labels), "pools": perr}
    out["pool_relus"] = sum(p["relus"] for p in out["pools"])
    out["time_s"] = {"rewrite_and_certify": round(t_rewrite, 3)}
    return out


def table(levels=LEVELS, model_path=MODEL, heldout_path=HELDOUT, relative_levels=REL_LEVELS) -> dict:
    """The results object (results.json) for the depths ``levels`` (None: exact)."""
    import onnx
    import onnxruntime

    model = onnx.load(model_path)
    images, labels = load_heldout(heldout_path)
    rng = digits_range.sound_ranges(model)
    p1, p2, base = digits_range.pool_inputs(model, images)
    rows = [row(model, L, rng, images, labels, base) for L in levels]
    rel_rows = [relative_row(model, L, rng, images, labels, base) for L in relative_levels]
    exact_depth = relu_depth(rewrite_at(model, None, rng)[0])
    for r in rows:
        r["relu_layers_removed"] = exact_depth - r["relu_layers"]
    correct = int((base.argmax(1) == labels).sum())
    S = lambda v: str(v)  # noqa: E731
    return {
        "command": COMMAND,
        "model": "benchmarks/digits/digits_cnn.onnx",
        "model_sha256": hashlib.sha256(open(model_path, "rb").read()).hexdigest(),
        "heldout_images": int(len(labels)),
        "original": {"correct": correct, "accuracy": correct / len(labels),
                     "relu_layers": relu_depth(model), "relu_layers_exact_rewrite": exact_depth,
                     "pool_input_max": [float(p1.max()), float(p2.max())]},
        "ranges": {
            "LO": S(rng["LO"]),
            "pool1_input_bound": S(rng["hi1"]), "pool1_input_bound_float": float(rng["hi1"]),
            "HI1": S(rng["HI1"]),
            "pool2_input_bound": {str(k): S(v) for k, v in rng["pool2"].items()},
            "pool2_input_bound_float": {str(k): float(v) for k, v in rng["pool2"].items()},
            "HI2": {str(k): S(v) for k, v in rng["HI2"].items()},
            "single_range": {str(k): {"HI_min": None if v["HI_min"] is None else S(v["HI_min"]),
                                      "HI_min_float": None if v["HI_min"] is None else float(v["HI_min"]),
                                      "reason": v["reason"]} for k, v in rng["single"].items()},
            "lip2": S(rng["lip2"]), "gemm_l1": S(rng["gemm_l1"]),
            "arithmetic": "exact rationals (fractions.Fraction of the float32 weights)",
        },
        "holds": ("each pool's certified bound holds for every image in [0,1]^64: the pool's inputs lie in "
                  "its declared range for all such images (exact interval bounds, benchmarks/digits/digits_range.py)"),
        "rows": rows,
        "relative_rows": rel_rows,
        "relative_holds": ("each relative pool's certificate: |y - max| <= E_rel (max - min) over each window, for "
                           "all real inputs; its absolute bound on this model uses the pools' proved input bounds"),
        "environment": {"python": platform.python_version(), "onnxruntime": onnxruntime.__version__,
                        "onnx": onnx.__version__, "machine": platform.machine()},
    }


def _q(s: str) -> str:
    """A rational string with its float: ``15/8 (1.875)``; integers alone."""
    v = Fraction(s)
    return s if v.denominator == 1 else f"{s} ({float(v):.4g})"


def markdown(res: dict) -> str:
    r = res["ranges"]
    o = res["original"]
    n = res["heldout_images"]
    lines = [
        "# Digits CNN: MaxPools replaced by depth-L ReLU approximators, certified and measured",
        "",
        f"Generated by `{res['command']}` from `{res['model']}` (sha256 {res['model_sha256'][:16]}..) and its "
        f"{n} held-out digits; do not edit by hand.",
        "",
        "Model: conv 3x3 (8) -> Relu -> MaxPool 2x2/2 (pool 1, d = 4) -> conv 3x3 (16) -> Relu -> MaxPool 3x3/1 "
        f"(pool 2, d = 9) -> Gemm. Original held-out accuracy {o['correct']}/{n} = {o['accuracy']:.4f}.",
        "",
        f"Ranges (LO = {r['LO']}): pool 1 `[0, {r['HI1']}]` (its inputs' exact maximum over [0,1]^64 is "
        f"{r['pool1_input_bound_float']:.4f}); pool 2 `[0, {r['HI2']['0']}]` at L = 0, `[0, {r['HI2']['1']}]` at "
        f"L = 1, `[0, {r['HI2']['exact']}]` at L >= 2 (interval bounds "
        + ", ".join(f"{float(Fraction(v)):.4f}" for v in r["pool2_input_bound"].values())
        + ", with pool 1 rewritten at that depth). Largest pool inputs seen on the held-out digits: "
        f"{o['pool_input_max'][0]:.4f} and {o['pool_input_max'][1]:.4f} in the original model. "
        "One range for both pools is impossible at L = 0: " + r["single_range"]["0"]["reason"] + ".",
        "",
        "Each pool is replaced, node for node, as `maxcert rewrite digits_cnn.onnx -o OUT.onnx --depth L --range 0,HI` "
        "replaces it with that pool's HI (the script calls the library once per pool, the other pool held back); the "
        "exact row is `maxcert rewrite digits_cnn.onnx -o OUT.onnx`.",
        "",
        "| L | Relu layers (removed) | pool ReLUs / image | pool 1 bound | pool 2 bound | logit bound, all inputs "
        "| held-out max abs dlogit | mean abs dlogit | top-1 agreement | accuracy |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in res["rows"]:
        h = row["heldout"]
        b = [_q(p["certified_error"]) for p in row["pools"]]
        lines.append(
            f"| {row['L']} | {row['relu_layers']} ({row['relu_layers_removed']}) | {row['pool_relus']:,} "
            f"| {b[0]} | {b[1]} "
            f"| {row['logit_bound_float']:.4g} | {h['max_abs_dev']:.3g} | {h['mean_abs_dev']:.3g} "
            f"| {h['agree']}/{n} | {h['correct']}/{n} = {h['accuracy']:.4f} |")
    lines += [
        "",
        "Each pool's own error on the held-out digits, |replacement - max of its window| over every window of every "
        "image (its inputs as they arrive in the rewritten model), beside its certified bound; all-zero windows: "
        "windows whose inputs are all 0 (post-Relu maps are sparse), where an approximator's error is exactly "
        "HI E(d, L) (its constant beta_0 = E(d, L), the all-zero corner being one where the error equioscillates):",
        "",
        "| L | pool | certified bound | held-out max error | mean error | mean / bound | all-zero windows |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in res["rows"]:
        h = row["heldout"]
        for k, p in enumerate(row["pools"]):
            if not p["approximated"]:
                continue
            bnd = p["certified_error_float"]
            lines.append(
                f"| {row['L']} | {k + 1} (d = {p['window']}) | {_q(p['certified_error'])} "
                f"| {h['pool_error_max'][k]:.4g} "
                f"| {h['pool_error_mean'][k]:.4g} | {h['pool_error_mean'][k] / bnd:.3f} "
                f"| {h['pool_windows_all_zero'][k]:,} / {h['pool_windows'][k]:,} |")
    lines += [
        "",
        "What holds: each pool bound is the exact worst-case |replacement - max| certified by maxcert on the pool's "
        "declared range, and it holds for every image in [0,1]^64 because the ranges are sound there (exact interval "
        "bounds in rationals of the float32 weights, benchmarks/digits/digits_range.py); so does the logit bound "
        "(pool errors through conv2, Relu, max and the Gemm by their l1 norms). Both speak of the networks in exact "
        "real arithmetic; the measured columns are onnxruntime float32, and the exact row's deviation is float "
        "rounding only.",
        "",
        "Relu layers: the most Relu nodes on any path from the image to the logits (the exact rewrite has "
        f"{o['relu_layers_exact_rewrite']}: conv 1, pool 1 2, conv 1, pool 2 4). Pool ReLUs / image: ReLU units "
        "in the two pools' replacements for one image. Pool bounds are (HI - LO) E(d, L); 0 for an exact tree.",
        "",
    ]
    if res.get("relative_rows"):
        lines += _relative_markdown(res)
    return "\n".join(lines)


def _relative_markdown(res: dict) -> list:
    n = res["heldout_images"]
    lines = [
        "## Shift-equivariant (relative) approximators",
        "",
        "`maxcert rewrite digits_cnn.onnx -o OUT.onnx --depth L --relative`: one call, no range. Every pool deeper "
        "than L gets the depth-L optimum with no constant and sum beta = 1, certified as |y - max| <= E_rel (max - min) "
        "over each window for all real inputs (E_rel(4, L), E_rel(9, L) below). It is exact on flat windows, which "
        "the absolute optimum misses by HI E(d, L). Logit bound: each pool's E_rel times the largest contrast its "
        "post-Relu inputs can have on [0,1]^64 (their proved upper bounds), through the same l1 norms.",
        "",
        "| L | Relu layers | pool ReLUs / image | pool 1 E_rel | pool 2 E_rel | logit bound, all inputs "
        "| held-out max abs dlogit | mean abs dlogit | top-1 agreement | accuracy | absolute at this L |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    absolute = {r["L"]: r for r in res["rows"]}
    for row in res["relative_rows"]:
        h = row["heldout"]
        b = [_q(p["E_rel"]) for p in row["pools"]]
        a = absolute.get(row["L"])
        ab = f"{a['heldout']['correct']}/{n} = {a['heldout']['accuracy']:.4f}" if a else ""
        lines.append(
            f"| {row['L']} | {row['relu_layers']} | {row['pool_relus']:,} | {b[0]} | {b[1]} "
            f"| {row['logit_bound_float']:.4g} | {h['max_abs_dev']:.3g} | {h['mean_abs_dev']:.3g} "
            f"| {h['agree']}/{n} | {h['correct']}/{n} = {h['accuracy']:.4f} | {ab} |")
    lines += [
        "",
        "Each relative pool on the held-out digits: |y - max| and its ratio to the window's contrast max - min "
        "(E_rel at most, up to float32 rounding on small contrasts), and the error on flat windows (max = min, "
        "mostly all-zero after the Relu): 0 up to float32 rounding, where the absolute approximator errs by its constant.",
        "",
        "| L | pool | E_rel | max error | mean error | max error / contrast | flat windows | max error on flat windows |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in res["relative_rows"]:
        for k, (p, e) in enumerate(zip(row["pools"], row["heldout"]["pools"])):
            if not p["approximated"]:
                continue
            lines.append(f"| {row['L']} | {k + 1} (d = {p['window']}) | {_q(p['E_rel'])} | {e['max']:.4g} "
                         f"| {e['mean']:.4g} | {e['ratio_max']:.4g} | {e['flat_windows']:,} / {e['windows']:,} "
                         f"| {e['flat_error_max']:.3g} |")
    lines.append("")
    return lines


def comparable(res: dict) -> dict:
    """The results without timings and environment (what must regenerate identically)."""
    res = json.loads(json.dumps(res))
    res.pop("environment", None)
    for r in res.get("rows", []) + res.get("relative_rows", []):
        for k in TIMING_KEYS:
            r.pop(k, None)
    return res


# onnxruntime's float32 kernels are chosen by CPU (AVX2, AVX-512): last bits differ across machines, so
# its floats agree to a relative 1e-4, or to 1e-5 where they are rounding themselves (the exact row's 2e-6)
FLOAT_REL, FLOAT_ABS = 1e-4, 1e-5


def same(a, b, path="") -> str | None:
    """Where two :func:`comparable` results differ (None: they agree): floats from onnxruntime runs to
    ``FLOAT_REL`` relative plus ``FLOAT_ABS``, everything else (counts, exact rationals as strings, names) exactly."""
    if isinstance(a, float) or isinstance(b, float):
        ok = isinstance(a, (int, float)) and isinstance(b, (int, float)) and \
            abs(a - b) <= FLOAT_REL * max(abs(a), abs(b)) + FLOAT_ABS
        return None if ok else f"{path}: {a!r} != {b!r}"
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            return f"{path}: keys {sorted(a.keys() ^ b.keys())} differ"
        return next((d for k in a if (d := same(a[k], b[k], f"{path}.{k}")) is not None), None)
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} != {len(b)} entries"
        return next((d for i, (x, y) in enumerate(zip(a, b)) if (d := same(x, y, f"{path}[{i}]")) is not None), None)
    return None if a == b else f"{path}: {a!r} != {b!r}"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="regenerate and compare with the committed results.json")
    a = ap.parse_args(argv)
    t0 = time.perf_counter()
    res = table()
    if a.check:
        with open(RESULTS_JSON) as f:
            old = json.load(f)
        diff = same(comparable(old), comparable(res))
        print("results.json regenerates (onnxruntime's floats to 1e-4 relative)" if diff is None
              else f"results.json differs: {diff}")
        return 0 if diff is None else 1
    with open(RESULTS_JSON, "w") as f:
        json.dump(res, f, indent=1)
        f.write("\n")
    with open(RESULTS_MD, "w") as f:
        f.write(markdown(res))
    print(markdown(res))
    print(f"wrote {RESULTS_JSON} and {RESULTS_MD} in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
