"""Rewrite benchmark: maxcert rewrite on the onnx package's own models, and the inference price of a MaxPool-free model.

    python benchmarks/bench_rewrite.py [--quick] [--out DIR] [--only NAME ...]

The models are the onnx package's backend test data, which nobody here wrote: the nine light
architectures (``light/light_*.onnx``, 35 MaxPool nodes) and the eight PyTorch-converted pooling
cases (``pytorch-converted/test_MaxPool*``). ``--quick`` runs two small ones (light_shufflenet,
test_MaxPool2d). For every model it measures

* rewrite plus certification: the wall-clock time of ``maxcert.verify.pools.rewrite`` (every MaxPool
  replaced, every replacement proved; the report's ``time_s``), and the sum of the pools' own
  ``time_s`` (certification);
* the MaxPool nodes, how many were CERTIFIED, the window outputs (positions) and ReLUs added;
* onnxruntime latency of the original and the two rewritten models (the default portable op set and
  ``--ops fast``) on one fixed random input
  (standard normal, seed 0): both sessions on the CPU provider with ``intra_op_num_threads=1`` and
  ``inter_op_num_threads=1`` (single-threaded, for stable numbers on a shared machine), 3 warm-up
  runs each, then the median of 20 runs (5 for the two largest PyTorch cases), the two models run
  alternately so that load on the machine hits both alike. The ratio is rewritten / original, both
  measured in the same run.

It writes ``DIR/rewrite_results.md`` (a table) and ``DIR/rewrite_results.json`` (the same numbers
and a few more), rewritten after each model so a long run can be read while it goes. DIR defaults
to this folder.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

LIGHT = ["bvlc_alexnet", "densenet121", "inception_v1", "inception_v2", "resnet50", "shufflenet", "squeezenet",
         "vgg19", "zfnet512"]
PYTORCH = ["test_MaxPool1d", "test_MaxPool1d_stride", "test_MaxPool1d_stride_padding_dilation", "test_MaxPool2d",
           "test_MaxPool2d_stride_padding_dilation", "test_MaxPool3d", "test_MaxPool3d_stride",
           "test_MaxPool3d_stride_padding"]
LARGE = {"test_MaxPool1d_stride_padding_dilation", "test_MaxPool2d_stride_padding_dilation"}
QUICK = ["light_shufflenet", "test_MaxPool2d"]
WARMUP, RUNS, RUNS_LARGE = 3, 20, 5


def data_dir() -> Path:
    import onnx

    return Path(onnx.__file__).resolve().parent / "backend" / "test" / "data"


def models() -> list:
    """(name, path) of every benchmarked model, light models first."""
    d = data_dir()
    return ([(f"light_{n}", d / "light" / f"light_{n}.onnx") for n in LIGHT]
            + [(c, d / "pytorch-converted" / c / "model.onnx") for c in PYTORCH])


def _session(model):
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.log_severity_level = 3
    so.intra_op_num_threads = 1
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    return ort.InferenceSession(model.SerializeToString(), so, providers=["CPUExecutionProvider"])


def _feed(model, seed=0) -> dict:
    """A standard normal input for every graph input that is not an initializer."""
    import numpy as np
    from onnx import helper

    rng = np.random.default_rng(seed)
    inits = {i.name for i in model.graph.initializer}
    feed = {}
    for vi in model.graph.input:
        if vi.name in inits:
            continue
        tt = vi.type.tensor_type
        feed[vi.name] = rng.standard_normal([d.dim_value for d in tt.shape.dim]).astype(
            helper.tensor_dtype_to_np_dtype(tt.elem_type))
    return feed


def latency(models: list, runs: int):
    """Median wall-clock ms of one run of each model (in turn, so load hits all alike), after WARMUP
    runs of each; also each rewrite's largest output difference relative to the original's (the first)
    largest magnitude, and the session set-up times."""
    import numpy as np

    feed = _feed(models[0])
    sessions, setup = [], []
    for m in models:
        t = time.perf_counter()
        sessions.append(_session(m))
        setup.append(round(time.perf_counter() - t, 3))
    for _ in range(WARMUP):
        outs = [s.run(None, feed) for s in sessions]
    times = [[] for _ in models]
    for _ in range(runs):
        for k, s in enumerate(sessions):
            t = time.perf_counter()
            s.run(None, feed)
            times[k].append((time.perf_counter() - t) * 1e3)
    diffs = [max(float(np.abs(x.astype(np.float64) - y).max() / max(float(np.abs(y).max()), 1e-30))
                 for x, y in zip(o, outs[0])) for o in outs[1:]]
    return [statistics.median(t) for t in times], diffs, setup


def bench_model(name: str, path: Path, args) -> dict:
    import onnx

    from maxcert.verify.pools import rewrite

    model = onnx.load(str(path))
    pools = sum(n.op_type == "MaxPool" for n in model.graph.node)
    t0 = time.perf_counter()
    new, report = rewrite(model)  # the default: residual form, portable ops
    wall = time.perf_counter() - t0
    fast, fast_report = rewrite(model, ops="fast")
    runs = RUNS_LARGE if name in LARGE else args.runs
    (orig_ms, new_ms, fast_ms), (diff, fast_diff), sessions = latency([model, new, fast], runs)
    ps = report["pools"]
    return {
        "model": name, "path": str(path.relative_to(data_dir())), "maxpool_nodes": pools,
        "certified": sum(p["status"] == "CERTIFIED" for p in ps), "status": report["status"],
        "outputs": sum(p["outputs"] for p in ps), "relus": sum(p["relus"] or 0 for p in ps),
        "relu_layers": [p["relu_layers"] for p in ps], "windows": sorted({p["window"] for p in ps}),
        "rewrite_certify_s": report["time_s"], "wall_s": round(wall, 3),
        "certify_s": round(sum(p["time_s"] for p in ps), 3), "pool_time_s": [p["time_s"] for p in ps],
        "relus_per_output_max": max((p["relus_per_output"] or 0 for p in ps), default=0),
        "ops": sorted({p.get("ops") for p in ps if p.get("ops")}),
        "runs": runs, "original_ms": round(orig_ms, 6), "rewritten_ms": round(new_ms, 6),
        "ratio": round(new_ms / orig_ms, 4), "session_s": sessions, "max_rel_diff": diff,
        "fast_certified": sum(p["status"] == "CERTIFIED" for p in fast_report["pools"]),
        "fast_rewrite_certify_s": fast_report["time_s"], "fast_ms": round(fast_ms, 6),
        "fast_ratio": round(fast_ms / orig_ms, 4), "fast_max_rel_diff": fast_diff,
    }


def _ms(v: float) -> str:
    """Two decimals, or three significant digits below 1 ms (the PyTorch cases run in microseconds)."""
    return f"{v:.2f}" if v >= 1 else f"{v:.3g}"


class Report:
    HEADERS = ["model", "MaxPool nodes", "window outputs", "ReLUs added", "most ReLUs / output", "certified",
               "rewrite+certify s", "original ms", "portable ms", "ratio", "fast ms", "fast ratio"]

    def __init__(self, out: Path, argv: list, args):
        import onnx
        import onnxruntime

        self.out = out
        self.rows = []
        load = [round(v, 2) for v in os.getloadavg()] if hasattr(os, "getloadavg") else None
        self.meta = {
            "command": " ".join(["python", "benchmarks/bench_rewrite.py", *argv]),
            "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
            "machine": {"platform": platform.platform(), "cpu_count": os.cpu_count(),
                        "python": platform.python_version(),
                        "loadavg_at_start": load},
            "versions": {"onnx": onnx.__version__, "onnxruntime": onnxruntime.__version__},
            "settings": {"warmup": WARMUP, "runs": args.runs, "runs_large": RUNS_LARGE,
                         "intra_op_num_threads": 1, "inter_op_num_threads": 1, "input": "standard normal, seed 0"},
        }

    def add(self, row: dict):
        self.rows.append(row)
        self.write()

    def write(self):
        m = self.meta
        lines = [
            "# Rewrite benchmark: MaxPool replaced by certified ReLU networks", "",
            "Generated by `python benchmarks/bench_rewrite.py` (see its docstring); do not edit by hand.", "",
            (f"Command: `{m['command']}`; date {m['date']}; machine {m['machine']['platform']}, "
             f"os.cpu_count() = {m['machine']['cpu_count']}, Python {m['machine']['python']}, load average at "
             f"start {m['machine']['loadavg_at_start']}; onnx {m['versions']['onnx']}, onnxruntime "
             f"{m['versions']['onnxruntime']}."), "",
            ("rewrite+certify s: wall-clock time of `maxcert.verify.pools.rewrite` (every MaxPool replaced and "
             "every replacement proved; the report's `time_s`). Latency: onnxruntime CPU provider, "
             "intra_op_num_threads = inter_op_num_threads = 1 for both sessions, one fixed standard normal "
             f"input, {WARMUP} warm-up runs each, then the median of {m['settings']['runs']} runs "
             f"({RUNS_LARGE} for the two largest PyTorch cases), the two models alternating; "
             "ratios = rewritten / original, measured in the same run. The rewrite is the default residual "
             "form (one ReLU per pairwise max); portable: its default op set (Reshape/MatMul/Relu/Add/Transpose, "
             "for Marabou, auto_LiRPA, CrypTen; a pool too large for its matrices is written fast, and the "
             "column says so), fast: `--ops fast` (depthwise Conv/Relu/Add/Concat on 2-D float pools, "
             "else Slice/Gather/Sub/Relu/Add/Concat). ReLUs are the same in both. "
             "Window outputs: output positions of all pools (batch x channels x spatial); ReLUs added: over all "
             "of them; certified: portable pools (fast pools are certified as well, JSON `fast_certified`)."), "",
            "| " + " | ".join(self.HEADERS) + " |",
            "|" + "---|" * len(self.HEADERS),
        ]
        for r in self.rows:
            lines.append("| " + " | ".join(str(c) for c in [
                r["model"], r["maxpool_nodes"], f"{r['outputs']:,}", f"{r['relus']:,}",
                f"{r['relus_per_output_max']:g}", f"{r['certified']}/{r['maxpool_nodes']}",
                f"{r['rewrite_certify_s']:.2f}", _ms(r["original_ms"]),
                _ms(r["rewritten_ms"]) + ("" if r["ops"] == ["portable"] else f" ({'/'.join(r['ops'])})"),
                f"{r['ratio']:.2f}", _ms(r["fast_ms"]), f"{r['fast_ratio']:.2f}"]) + " |")
        if len(self.rows) > 1:
            light = [r for r in self.rows if r["model"].startswith("light_")]
            tot = lambda rs, k: sum(r[k] for r in rs)  # noqa: E731
            if len(light) > 1:
                lines += ["", (f"Light models: {tot(light, 'maxpool_nodes')} MaxPool nodes, {tot(light, 'certified')} "
                               f"certified, rewrite+certify {tot(light, 'rewrite_certify_s'):.2f} s in all (at most "
                               f"{max(r['rewrite_certify_s'] for r in light):.2f} s per model).")]
        lines.append("")
        self.out.mkdir(parents=True, exist_ok=True)
        (self.out / "rewrite_results.md").write_text("\n".join(lines))
        (self.out / "rewrite_results.json").write_text(json.dumps({**m, "models": self.rows}, indent=1) + "\n")


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help=f"only {' and '.join(QUICK)}")
    ap.add_argument("--out", default=str(HERE), metavar="DIR",
                    help="folder for rewrite_results.md and rewrite_results.json (default: benchmarks/)")
    ap.add_argument("--only", nargs="*", help="model names to run (default: all)")
    ap.add_argument("--runs", type=int, default=RUNS, help="timed runs per model (median reported)")
    args = ap.parse_args(argv)
    rep = Report(Path(args.out), argv, args)
    todo = [(n, p) for n, p in models() if (not args.quick or n in QUICK) and (not args.only or n in args.only)]
    for name, path in todo:
        row = bench_model(name, path, args)
        rep.add(row)
        print(f"{name}: {row['certified']}/{row['maxpool_nodes']} certified, {row['rewrite_certify_s']:.2f} s; "
              f"{_ms(row['original_ms'])} ms -> {_ms(row['rewritten_ms'])} ms ({row['ratio']:.2f}x)", flush=True)
    return 0 if all(r["status"] == "CERTIFIED" for r in rep.rows) else 1


if __name__ == "__main__":
    sys.exit(main())
