"""Load one ONNX model in three consumer tools and report, as JSON, whether and how well it works.

Runs inside the Python 3.9 virtualenv that ``setup_env.sh`` (beside this file) builds:

    bash benchmarks/consumers/setup_env.sh
    benchmarks/consumers/.venv39/bin/python benchmarks/consumers/run_consumer.py MODEL.onnx \
        --input INPUT.npy [--reference REF.npy] [--label L] [--eps 0.01] [--samples 2000] \
        [--alpha-iters 20] [--pgd-steps 50] [--lirpa-opts JSON] [--lirpa-full-c] \
        [--parties 2] [--timeout 600] [--skip crypten ...] [--traceback] --json OUT.json

(``run_all.sh`` beside this file runs it on every test model and writes RESULTS.md.)

INPUT.npy holds one input (any shape with the model input's number of elements: (1,1,8,8),
(1,8,8), (64,) ...); it is reshaped to the model's input shape with batch dimension 1 (a
symbolic batch dimension such as 'N' is taken as 1). REF.npy, if given, is the expected output
(e.g. onnxruntime's); without it, the onnx2torch output serves as the reference for CrypTen.
L defaults to the argmax of the reference output.

Parts (each one is wrapped: a failure is recorded as a one-line ``"error"`` string, with the
innermost source location in ``"error_at"``, and the next part still runs):

* ``onnx2torch``: ``onnx2torch.convert(model)``; ``max_abs_diff`` of its output from REF.
* ``crown`` / ``alpha_crown`` (auto_LiRPA 0.3): ``BoundedModule(model, zeros_like(x))`` on the
  converted model; ``PerturbationLpNorm(norm=inf, eps)`` around x (a plain L-inf ball, no
  clipping to a domain); ``compute_bounds(method="CROWN" / "alpha-CROWN")`` gives ``lower`` /
  ``upper`` per output and ``mean_width``. Soundness: ``samples`` points drawn uniformly from
  the ball (plus the centre), each run through the torch model one at a time (the batch may be
  fixed to 1 inside the graph); ``sound`` is whether every output lies in
  [lower - 1e-5, upper + 1e-5] (``max_violation`` is the largest excess). As uniform samples
  of a 64-dimensional ball stay far from the extremes, the same test is also run against a PGD
  attack on each bound (``pgd_max_violation``, ``pgd_sound``; ``--pgd-steps 0`` turns it off):
  it exposes an unsound bound that 2000 samples miss. ``verified``: with
  the margin specification C (rows e_L - e_j, j != L) passed to ``compute_bounds``, whether
  every lower bound of logit_L - logit_j is > 0 (``margin_lower`` lists them). A fresh
  BoundedModule is built for every bound computation so that alpha-CROWN's optimised
  parameters of one specification are never reused for another.
* ``crypten`` (CrypTen 0.4.1): in ``parties`` processes (default 2: with world_size 1
  CrypTen's communicator returns before it counts anything, so rounds and bytes would be 0),
  each party runs ``crypten.init()``, ``crypten.nn.from_onnx(open(MODEL, "rb"))``,
  ``model.encrypt()``, ``crypten.cryptensor(x, src=0)``, one forward pass and
  ``get_plain_text()``. Communication is counted with ``cfg.communicator.verbose = True``
  (CrypTen counts only then) between ``crypten.reset_communication_stats()`` before the forward
  pass and ``crypten.comm.get().get_communication_stats()`` after it, so it covers the encrypted
  forward pass only (not encrypting the model and the input, nor decrypting the output).
  ``rounds`` is party 0's count; ``bytes`` is the whole system's traffic (the parties' counts
  summed and halved, as CrypTen's docs prescribe), ``mib`` the same in MiB. The default
  provider (TFP, trusted first party) makes Beaver triples without communication. Note that
  CrypTen encrypts ONNX *initializers* (they become encrypted ``Parameter`` modules) but keeps
  ``Constant`` nodes in plaintext. ``max_abs_diff`` compares the decrypted output to REF
  (CrypTen computes in 16-bit fixed point, so ~1e-3 differences are expected).

The report written to OUT.json is
``{"model", "input", "input_shape", "eps", "lirpa_options", "label", "reference",
"onnx2torch": {"ok", "error", "max_abs_diff", ...}, "crown": {"ok", "lower", "upper",
"mean_width", "sound", "pgd_sound", "verified", "margin_lower", ...}, "alpha_crown": {...},
"crypten": {"ok", "rounds", "bytes", "mib", "max_abs_diff", ...}}``; stdout gets one line,
``{part: [ok, error]}``. The exit status is 0 whenever the report was written (whatever the
parts gave); if the model or the input cannot even be read, the report holds only a top-level
``"error"`` and the exit status is 1.

Tool-specific environment notes: torch runs with one thread (faster on these tiny models and
on a busy 2-core machine); auto_LiRPA's bound options can be extended with ``--lirpa-opts``
and ``--lirpa-full-c`` (see ``--help``), which get round some of its 0.3 bugs.
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import os
import sys
import tempfile
import time
import traceback
import warnings

import numpy as np

warnings.filterwarnings("ignore")

FULL_TRACEBACKS = False  # --traceback: also store each failure's whole traceback


def one_line_error(exc: BaseException) -> dict:
    """An exception as a one-line message plus the innermost frame's location."""
    msg = " ".join(str(exc).split())
    if len(msg) > 600:
        msg = msg[:600] + " ..."
    out = {"ok": False, "error": f"{type(exc).__name__}: {msg}" if msg else type(exc).__name__}
    tb = traceback.extract_tb(exc.__traceback__)
    if tb:
        fr = tb[-1]
        path = fr.filename
        if "site-packages" in path:
            path = path.split("site-packages" + os.sep, 1)[1]
        elif os.path.dirname(os.path.abspath(path)) == os.path.dirname(os.path.abspath(__file__)):
            path = os.path.basename(path)
        out["error_at"] = f"{path}:{fr.lineno} in {fr.name}"
    if FULL_TRACEBACKS:
        out["traceback"] = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return out


def guarded(fn, *args, **kwargs) -> dict:
    """Run one part; a failure becomes {"ok": False, "error": ..., "error_at": ...}."""
    t0 = time.perf_counter()
    try:
        res = fn(*args, **kwargs)
        res.setdefault("ok", True)
    except Exception as exc:  # every failure is data here
        res = one_line_error(exc)
    res["seconds"] = round(time.perf_counter() - t0, 3)
    return res


def model_input_shape(path: str) -> list:
    """The first graph input's shape, with symbolic or unknown dimensions set to 1."""
    import onnx

    m = onnx.load(path)
    init = {t.name for t in m.graph.initializer}
    inp = next(i for i in m.graph.input if i.name not in init)
    dims = [d.dim_value if d.HasField("dim_value") and d.dim_value > 0 else 1
            for d in inp.type.tensor_type.shape.dim]
    return dims


# ---------------------------------------------------------------- onnx2torch


def run_onnx2torch(path, x, ref, state):
    import onnx2torch
    import torch

    model = onnx2torch.convert(path).eval()
    with torch.no_grad():
        y = model(torch.from_numpy(x))
    y = y.detach().numpy()
    state["model"] = model
    state["torch_out"] = y
    out = {"ok": True, "output": y.reshape(-1).tolist()}
    if ref is not None:
        out["max_abs_diff"] = float(np.max(np.abs(y.reshape(-1) - ref.reshape(-1))))
    return out


# ---------------------------------------------------------------- auto_LiRPA


def _bounds(model, x, eps, method, C=None, alpha_iters=20, extra_opts=None):
    import contextlib

    import torch

    with contextlib.redirect_stdout(sys.stderr):  # its "No CUDA runtime is found" line
        from auto_LiRPA import BoundedModule, BoundedTensor, PerturbationLpNorm

    opts = {"optimize_bound_args": {"iteration": alpha_iters}}
    opts.update(extra_opts or {})
    bm = BoundedModule(model, torch.zeros_like(x), bound_opts=opts, device="cpu",
                       verbose=False)
    ptb = PerturbationLpNorm(norm=float("inf"), eps=eps)
    bx = BoundedTensor(x, ptb)
    if C is None:
        lb, ub = bm.compute_bounds(x=(bx,), method=method)
    else:
        lb, ub = bm.compute_bounds(x=(bx,), C=C, method=method, bound_upper=False)
    return lb.detach(), (None if ub is None else ub.detach())


def _pgd_violation(model, x, eps, lbf, ubf, steps, restarts, gen):
    """Largest excess of an output over its bound found by L-inf PGD (signed gradient steps,
    projected on the ball) maximising, resp. minimising, each output from random starts."""
    import torch

    worst = -math.inf
    step = 2.5 * eps / steps
    for k in range(lbf.numel()):
        for sign in (1.0, -1.0):
            for _ in range(restarts):
                d = (torch.rand(x.shape, generator=gen, dtype=x.dtype) * 2 - 1) * eps
                for _ in range(steps):
                    d.requires_grad_(True)
                    y = model(x + d).reshape(-1)[k] * sign
                    (grad,) = torch.autograd.grad(y, d)
                    d = (d.detach() + step * grad.sign()).clamp(-eps, eps)
                with torch.no_grad():
                    y = float(model(x + d).reshape(-1)[k])
                worst = max(worst, y - float(ubf[k]) if sign > 0 else float(lbf[k]) - y)
    return worst


def run_lirpa(method, x_np, eps, samples, label, alpha_iters, seed, state, extra_opts=None,
              pgd_steps=50, pgd_restarts=2):
    import torch

    model = state.get("model")
    if model is None:
        raise RuntimeError("no torch model: onnx2torch conversion failed")
    x = torch.from_numpy(x_np)
    out = {"method": method, "eps": eps}
    if extra_opts:
        out["bound_opts"] = extra_opts

    # 1. bounds on every output
    lb, ub = _bounds(model, x, eps, method, alpha_iters=alpha_iters, extra_opts=extra_opts)
    lbf, ubf = lb.reshape(-1), ub.reshape(-1)
    out["lower"] = lbf.tolist()
    out["upper"] = ubf.tolist()
    out["mean_width"] = float((ubf - lbf).mean())
    out["max_width"] = float((ubf - lbf).max())

    # 2. sampled soundness check: centre + `samples` uniform points of the L-inf ball
    g = torch.Generator().manual_seed(seed)
    worst = -math.inf
    n_out = 0
    with torch.no_grad():
        for k in range(samples + 1):
            if k == 0:
                xs = x
            else:
                xs = x + (torch.rand(x.shape, generator=g, dtype=x.dtype) * 2 - 1) * eps
            y = model(xs).reshape(-1)
            worst = max(worst, float(torch.max(lbf - y)), float(torch.max(y - ubf)))
            n_out += 1
    out["samples"] = n_out
    out["max_violation"] = worst  # > 0: some sample lies outside [lower, upper]
    out["sound"] = bool(worst <= 1e-5)

    # 2b. the same check against a PGD attack on each bound (uniform samples rarely come near
    #     the extremes: on a 64-dim ball they missed an unsound bound that PGD finds at once)
    if pgd_steps > 0:
        pgd_worst = _pgd_violation(model, x, eps, lbf, ubf, pgd_steps, pgd_restarts, g)
        out["pgd_max_violation"] = pgd_worst
        out["pgd_sound"] = bool(pgd_worst <= 1e-5)

    # 3. margin specification: logit_label - logit_j > 0 for all j != label ?
    n = lbf.numel()
    others = [j for j in range(n) if j != label]
    C = torch.zeros(1, len(others), n, dtype=x.dtype)
    for r, j in enumerate(others):
        C[0, r, label] = 1.0
        C[0, r, j] = -1.0
    try:
        mlb, _ = _bounds(model, x, eps, method, C=C, alpha_iters=alpha_iters,
                         extra_opts=extra_opts)
        mlb = mlb.reshape(-1)
        out["label"] = label
        out["margin_lower"] = mlb.tolist()
        out["verified"] = bool(torch.all(mlb > 0))
    except Exception as exc:
        err = one_line_error(exc)
        out["verified"] = None
        out["margin_error"] = err["error"]
        out["margin_error_at"] = err.get("error_at")
        if "traceback" in err:
            out["margin_traceback"] = err["traceback"]
    return out


# ---------------------------------------------------------------- CrypTen


def _crypten_party(rank, world_size, rendezvous, path, x_np, queue, full_tb=False):
    """One CrypTen party (a spawned process): everything it does, or its error, goes to queue."""
    global FULL_TRACEBACKS
    FULL_TRACEBACKS = full_tb
    os.environ.update({"WORLD_SIZE": str(world_size), "RANK": str(rank),
                       "RENDEZVOUS": f"file://{rendezvous}", "DISTRIBUTED_BACKEND": "gloo"})
    res = {"rank": rank}
    step = "init"
    try:
        import crypten
        import crypten.communicator as comm
        import torch
        from crypten.config import cfg

        torch.set_num_threads(1)
        crypten.init()
        cfg.communicator.verbose = True
        torch.manual_seed(0)
        step = "from_onnx"
        with open(path, "rb") as f:
            model = crypten.nn.from_onnx(f)
        step = "encrypt"
        model.encrypt(src=0)
        model.eval()
        x_enc = crypten.cryptensor(torch.from_numpy(x_np), src=0)
        step = "forward"
        crypten.reset_communication_stats()
        t0 = time.perf_counter()
        with crypten.no_grad():
            y_enc = model(x_enc)
        res["forward_seconds"] = time.perf_counter() - t0
        stats = comm.get().get_communication_stats()
        res["rounds"] = int(stats["rounds"])
        res["bytes"] = float(stats["bytes"])
        step = "decrypt"
        res["output"] = y_enc.get_plain_text().reshape(-1).tolist()
        crypten.uninit()
    except Exception as exc:
        res.update(one_line_error(exc))
        res["step"] = step
    queue.put(res)


def run_crypten(path, x_np, ref, parties, timeout):
    # spawn, not fork: a child forked after torch has used its thread pool (onnx2torch,
    # auto_LiRPA above) can deadlock in its first multi-threaded kernel.
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    with tempfile.TemporaryDirectory() as tmp:
        rendezvous = os.path.join(tmp, "rendezvous")
        procs = [ctx.Process(target=_crypten_party,
                             args=(r, parties, rendezvous, path, x_np, queue, FULL_TRACEBACKS))
                 for r in range(parties)]
        for p in procs:
            p.start()
        results = {}
        deadline = time.monotonic() + timeout
        while len(results) < parties and time.monotonic() < deadline:
            try:
                r = queue.get(timeout=1.0)
                results[r["rank"]] = r
            except Exception:  # queue.Empty
                if any(p.exitcode not in (None, 0) for p in procs) and queue.empty():
                    time.sleep(1.0)
                    if queue.empty():
                        break
            # one party failed: the other may wait for it forever
            if any(not r.get("ok", True) for r in results.values()):
                time.sleep(2.0)
                while not queue.empty():
                    r = queue.get()
                    results[r["rank"]] = r
                break
        for p in procs:
            p.join(timeout=5)
            if p.is_alive():
                p.terminate()
                p.join()

    out = {"parties": parties}
    failed = [r for r in results.values() if not r.get("ok", True)]
    if failed:
        r0 = sorted(failed, key=lambda r: r["rank"])[0]
        out.update({k: r0[k] for k in ("error", "error_at", "step", "traceback") if k in r0})
        out["ok"] = False
        return out
    if len(results) < parties:
        codes = [p.exitcode for p in procs]
        return {**out, "ok": False,
                "error": f"TimeoutOrCrash: {len(results)}/{parties} parties reported "
                         f"(exit codes {codes}, timeout {timeout}s)"}
    r0 = results[0]
    y = np.asarray(r0["output"], dtype=np.float64)
    out.update({
        "ok": True,
        "rounds": r0["rounds"],
        "rounds_per_party": [results[k]["rounds"] for k in sorted(results)],
        "bytes": sum(results[k]["bytes"] for k in results) / 2,
        "bytes_per_party": [results[k]["bytes"] for k in sorted(results)],
        "forward_seconds": round(r0["forward_seconds"], 3),
        "output": y.tolist(),
    })
    out["mib"] = out["bytes"] / 2**20
    if ref is not None:
        out["max_abs_diff"] = float(np.max(np.abs(y - ref.reshape(-1))))
    return out


# ---------------------------------------------------------------- main


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("model")
    ap.add_argument("--input", required=True, help=".npy with one input")
    ap.add_argument("--reference", help=".npy with the expected output (e.g. onnxruntime's)")
    ap.add_argument("--label", type=int, help="class for the margin check (default: argmax)")
    ap.add_argument("--eps", type=float, default=0.01)
    ap.add_argument("--samples", type=int, default=2000)
    ap.add_argument("--alpha-iters", type=int, default=20)
    ap.add_argument("--pgd-steps", type=int, default=50,
                    help="PGD steps per output and direction for the attack check (0: off)")
    ap.add_argument("--pgd-restarts", type=int, default=2)
    ap.add_argument("--lirpa-opts", type=json.loads, default=None,
                    help='extra auto_LiRPA bound_opts as JSON, e.g. '
                         '\'{"sparse_intermediate_bounds": false}\'')
    ap.add_argument("--lirpa-full-c", action="store_true",
                    help="set AUTOLIRPA_USE_FULL_C=1 (dense specification matrices for "
                         "MatMul/Linear nodes; avoids auto_LiRPA 0.3's sparse OneHotC path)")
    ap.add_argument("--parties", type=int, default=2, help="CrypTen world size")
    ap.add_argument("--timeout", type=float, default=600, help="CrypTen time limit (s)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--skip", nargs="*", default=[],
                    choices=["onnx2torch", "crown", "alpha_crown", "crypten"])
    ap.add_argument("--traceback", action="store_true",
                    help="also store each failure's full traceback in the JSON")
    ap.add_argument("--json", required=True, help="where to write the report")
    args = ap.parse_args(argv)
    global FULL_TRACEBACKS
    FULL_TRACEBACKS = args.traceback
    if args.lirpa_full_c:
        os.environ["AUTOLIRPA_USE_FULL_C"] = "1"

    import torch

    # One thread: on these tiny models torch's thread pool only adds contention (2000 forward
    # passes take ~0.05 s with one thread and can take ~17 s with two on a busy 2-core machine).
    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    report = {"model": os.path.abspath(args.model), "input": os.path.abspath(args.input),
              "eps": args.eps,
              "lirpa_options": {"bound_opts": args.lirpa_opts,
                                "AUTOLIRPA_USE_FULL_C": os.environ.get("AUTOLIRPA_USE_FULL_C")}}
    try:
        shape = model_input_shape(args.model)
        x = np.load(args.input).astype(np.float32).reshape(shape)
        ref = np.load(args.reference).astype(np.float64) if args.reference else None
    except Exception as exc:  # nothing can run; say why in the report
        report.update(one_line_error(exc))
        with open(args.json, "w") as f:
            f.write(json.dumps(report, indent=1) + "\n")
        print(json.dumps({"error": report["error"]}))
        return 1
    report["input_shape"] = shape
    state = {}
    if "onnx2torch" not in args.skip:
        report["onnx2torch"] = guarded(run_onnx2torch, args.model, x, ref, state)
    base = ref if ref is not None else state.get("torch_out")
    label = args.label
    if label is None and base is not None:
        label = int(np.argmax(base.reshape(-1)))
    report["label"] = label
    report["reference"] = ("file" if ref is not None
                           else "onnx2torch" if base is not None else None)

    for key, method in (("crown", "CROWN"), ("alpha_crown", "alpha-CROWN")):
        if key not in args.skip:
            if label is None:
                report[key] = {"ok": False, "error": "no label: give --label or --reference"}
                continue
            report[key] = guarded(run_lirpa, method, x, args.eps, args.samples, label,
                                  args.alpha_iters, args.seed, state, args.lirpa_opts,
                                  args.pgd_steps, args.pgd_restarts)
    if "crypten" not in args.skip:
        report["crypten"] = guarded(run_crypten, args.model, x, base, args.parties,
                                    args.timeout)

    text = json.dumps(report, indent=1)
    with open(args.json, "w") as f:
        f.write(text + "\n")
    summary = {k: (report[k].get("ok"), report[k].get("error"))
               for k in ("onnx2torch", "crown", "alpha_crown", "crypten") if k in report}
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
