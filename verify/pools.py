"""Certificates for the MaxPool replacements of :mod:`maxcert.graphs.pools`, read off the written model.

The claim, for one pool on its real input shape ``(N, C, *S)``: at every output position ``o``, for
every real input x, the replacement outputs ``max`` over o's window of unpadded inputs (ONNX
pads MaxPool with -inf). It is proved from the *written* ONNX nodes between the pool's input X
and its output Y, in three checked steps (nothing is taken from the code that wrote them):

1. **Selection.** The nodes from X up to the first one that is not data movement must all be
   ``Gather``/``Transpose``/``Reshape`` with constant indices and shapes: each output element is
   then a copy of one input element. onnxruntime runs them on the input ``x_i = i`` (in double:
   integers below 2^53 are exact) and so gives, for every row ``(n, c, o)``, the index of the
   input copied into each of its m slots.
2. **Rows.** Every node from there to Y must act on each row alone and alike: ``Slice``/``Concat``
   on the last axis, ``Relu``/``Neg`` elementwise, ``Sum`` of such tensors, ``Mul`` by a scalar
   constant, and a last ``Reshape`` that drops a length-1 axis. Those nodes, on one row of length
   m, are imported into an exact network T, and :func:`maxcert.verify.certify` proves
   ``T(v) = max(v)`` for every v in R^m (eps = 0, domain reals; in practice the lifted max-affine
   form and z3 UNSAT on the ordered cone).
3. **Windows.** In exact integers, for every row: each copied index lies in that position's window
   (same n and c, offset a multiple of the dilation, inside the kernel, inside the map), and every
   unpadded window element is copied at least once. Since max is idempotent and T = max, the
   output is the max over the window.

Identical row networks (same exact weights, same hash) are certified once per run.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np

from maxcert.verify.certificates import CERTIFIED, UNKNOWN
from maxcert.verify.pool_proof import Unproved as _Unproved
from maxcert.verify.pool_proof import _attr, _model, _run_labels, _subgraph, _value

if TYPE_CHECKING:
    import onnx

    from maxcert.execution import DaskSession

DATA_MOVEMENT = ("Gather", "Transpose", "Reshape")
ROW_OPS = ("Slice", "Concat", "Relu", "Neg", "Sum", "Mul", "Div", "Gather", "MatMul", "Reshape")




def _split(nodes, X: str):
    """(selection nodes, V, row nodes, constants): the data-movement chain from X, then the rest."""
    consts = {n.output[0]: n for n in nodes if n.op_type == "Constant"}
    rest = [n for n in nodes if n.op_type != "Constant"]
    chain, V = [], X
    while True:
        nxt = [n for n in rest if V in n.input and n not in chain]
        if len(nxt) != 1 or nxt[0].op_type not in DATA_MOVEMENT:
            break
        n = nxt[0]
        if n.input[0] != V or any(t not in consts for t in n.input[1:] if t):
            raise _Unproved(f"data-movement node {n.name!r} has a non-constant index or shape input")
        chain.append(n)
        V = n.output[0]
    return chain, V, [n for n in rest if n not in chain], consts



def _check_rows(rows, consts, V: str, rank: int):
    """Every row node acts on each row of the last axis alone and alike (see the module docstring)."""
    inside = {V}
    last = rank - 1

    def axis_ok(a):
        return a is not None and int(a) in (last, -1)

    for n in rows:
        op = n.op_type
        args = [t for t in n.input if t]
        if op not in ROW_OPS:
            raise _Unproved(f"node {n.name!r} ({op}) is not a row operation")
        if op == "Slice":
            if args[0] not in inside or any(t not in consts for t in args[1:]):
                raise _Unproved(f"Slice {n.name!r} has non-constant bounds")
            if len(args) > 1:
                axes = _value(consts, args[3]).ravel().tolist() if len(args) > 3 else None
                steps = _value(consts, args[4]).ravel().tolist() if len(args) > 4 else [1]
            else:
                axes, steps = _attr(n, "axes"), [1]
            if axes is None or len(axes) != 1 or not axis_ok(axes[0]) or steps != [1]:
                raise _Unproved(f"Slice {n.name!r} does not cut the last axis alone with step 1")
        elif op == "Concat":
            if not axis_ok(_attr(n, "axis")) or any(t not in inside for t in args):
                raise _Unproved(f"Concat {n.name!r} does not join row tensors on the last axis")
        elif op in ("Relu", "Neg"):
            if any(t not in inside for t in args):
                raise _Unproved(f"{op} {n.name!r} reads a tensor that is not a row tensor")
        elif op == "Sum":  # of row tensors, and scalar constants (the same for every row)
            if not any(t in inside for t in args) or any(
                    t not in inside and (t not in consts or _value(consts, t).size != 1) for t in args):
                raise _Unproved(f"Sum {n.name!r} adds something that is neither a row tensor nor a scalar constant")
        elif op in ("Mul", "Div"):
            if op == "Div" and args[0] not in inside:
                raise _Unproved(f"Div {n.name!r} does not divide a row tensor")
            row = [t for t in args if t in inside]
            other = [t for t in args if t not in inside]
            if len(row) != 1 or len(other) != 1 or other[0] not in consts or _value(consts, other[0]).size != 1:
                raise _Unproved(f"{op} {n.name!r} is not a row tensor times a scalar constant")
        elif op == "Gather":  # picks entries of each row's last axis, the same for every row
            if args[0] not in inside or args[1] not in consts or _value(consts, args[1]).ndim != 1 \
                    or not axis_ok(_attr(n, "axis", 0)):
                raise _Unproved(f"Gather {n.name!r} does not pick from the last axis with constant indices")
        elif op == "MatMul":  # row (.., a) times a constant (a, b): a linear map of each row alone
            if args[0] not in inside or args[1] not in consts or _value(consts, args[1]).ndim != 2:
                raise _Unproved(f"MatMul {n.name!r} is not a row tensor times a constant matrix")
        elif op == "Reshape":
            shape = _value(consts, args[1]).ravel().tolist() if len(args) > 1 and args[1] in consts else None
            if args[0] not in inside or shape != [0] * last:
                raise _Unproved(f"Reshape {n.name!r} is not the final drop of the row axis")
        inside.add(n.output[0])



def selection_indices(chain, consts, X, shape, V, opset) -> np.ndarray:
    """Run the data-movement nodes on x_i = i (double) with onnxruntime; the copied index per slot."""
    if not chain:
        raise _Unproved("the replacement has no data-movement selection")
    return _run_labels(chain, consts, X, shape, V, opset)


def check_windows(idx: np.ndarray, spec, shape) -> None:
    """Every row (n, c, o) copies only elements of o's window, and all of them (exact integers)."""
    r = len(spec.inp)
    N, C = shape[0], shape[1]
    want = (N, C, *spec.out)
    if idx.shape[:2 + r] != want:
        raise _Unproved(f"the selection has shape {list(idx.shape)}; rows for {list(want)} expected")
    if idx.ndim == 2 + r:
        idx = idx[..., None]
    if idx.ndim != 3 + r:
        raise _Unproved(f"the selection has rank {idx.ndim}; {3 + r} expected")
    coords = np.unravel_index(idx, tuple(shape))
    view = [1] * idx.ndim
    ok = np.ones(idx.shape, dtype=bool)
    for ax, size in ((0, N), (1, C)):
        v = list(view)
        v[ax] = size
        ok &= coords[ax] == np.arange(size).reshape(v)
    qs = []
    for j in range(r):
        v = list(view)
        v[2 + j] = spec.out[j]
        start = (np.arange(spec.out[j]) * spec.strides[j] - spec.pads_begin[j]).reshape(v)
        off = coords[2 + j] - start
        ok &= off % spec.dilations[j] == 0
        q = off // spec.dilations[j]
        ok &= (q >= 0) & (q < spec.kernel[j])
        qs.append(np.clip(q, 0, spec.kernel[j] - 1))
    if not ok.all():
        bad = tuple(int(t) for t in np.argwhere(~ok)[0])
        raise _Unproved(f"row {bad[:-1]} copies input {int(idx[bad])}, which is not in its window")
    flat = np.ravel_multi_index(tuple(qs), tuple(spec.kernel))
    covered = np.zeros(idx.shape[:-1] + (spec.size,), dtype=bool)
    np.put_along_axis(covered, flat, True, axis=-1)
    valid = np.ones(tuple(spec.out) + tuple(spec.kernel), dtype=bool)
    for j in range(r):
        pos = (np.arange(spec.out[j])[:, None] * spec.strides[j] - spec.pads_begin[j]
               + np.arange(spec.kernel[j])[None, :] * spec.dilations[j])
        inside = (pos >= 0) & (pos < spec.inp[j])
        v = [1] * (2 * r)
        v[j], v[r + j] = spec.out[j], spec.kernel[j]
        valid &= inside.reshape(v)
    valid = valid.reshape(tuple(spec.out) + (spec.size,))
    missing = ~covered & valid
    if missing.any():
        bad = tuple(int(t) for t in np.argwhere(missing)[0])
        raise _Unproved(f"row {bad[:-1]} misses kernel offset {bad[-1]} of its window")


def row_network(rows, consts, V: str, m: int, rank: int, elem_type: int, Y: str, opset: int):
    """The row nodes on one row of length m, imported into an exact network with m inputs."""
    from maxcert.graphs.readwrite.onnx_io import from_onnx

    shape = [1] * (rank - 1) + [m]
    return from_onnx(_model(rows, consts, V, shape, elem_type, [Y], opset))


def _approximated(out, site, idx, m, cert, key, t0) -> dict:
    """An approximated pool: the exact worst-case error of its row network over [lo, hi]^m bounds the
    error at every output position (a row that repeats inputs is a point of that cube whose slots
    hold exactly its window), and equals the layer's sup when some row holds m distinct inputs."""
    from fractions import Fraction

    a = site.approx
    if a.get("relative"):
        return _approximated_relative(out, a, idx, m, cert, key, t0)
    lo, hi = a["range"]
    full = bool(idx.size) and bool((np.sort(idx.reshape(-1, idx.shape[-1]), axis=1)[:, 1:]
                                    != np.sort(idx.reshape(-1, idx.shape[-1]), axis=1)[:, :-1]).all(axis=1).any())
    scaled = (hi - lo) * Fraction(a["E"])
    out.update(depth=a["L"], R=a["R"], betas={str(k): str(v) for k, v in a["betas"].items()},
               E=str(a["E"]), range=[str(lo), str(hi)],
               row_network={"inputs": m, "sha256": key, "status": cert.status, "method": cert.method,
                            "solver": cert.solver, "queries": cert.queries, "time_s": round(cert.time_s, 3)})
    if cert.status != "COMPUTED" or cert.max_error == "unbounded":
        out["reason"] = f"the row network's worst-case error was not computed: {cert.status} {cert.reason}".rstrip()
    else:
        out.update(status=CERTIFIED, certified_error=str(cert.max_error),
                   equals_scaled_E=cert.max_error == scaled, attained=full,
                   holds="only for pool inputs in [" + f"{lo}, {hi}" + "]",
                   witness=[str(v) for v in cert.witness],
                   method=(f"structure: selection labelled by onnxruntime and windows checked in integers; "
                           f"row network's exact worst-case error on [{lo},{hi}]^{m} by {cert.method}"))
    out["time_s"] = round(time.perf_counter() - t0, 3)
    return out


def _has_distinct_row(idx) -> bool:
    """Some row reads m distinct inputs: then the row network's sup is attained by the layer."""
    rows = np.sort(idx.reshape(-1, idx.shape[-1]), axis=1)
    return bool(idx.size) and bool((rows[:, 1:] != rows[:, :-1]).all(axis=1).any())


def _approximated_relative(out, a, idx, m, cert, key, t0) -> dict:
    """A relative approximation: the exact sup of ``|T(x) - max(x)| / (max(x) - min(x))`` over R^m of
    the row network T bounds every output position for all inputs (a row that repeats inputs is a
    point of R^m with the window's max and min)."""
    out.update(depth=a["L"], R=a["R"], betas={str(k): str(v) for k, v in a["betas"].items()},
               E_rel=str(a["E"]), relative=True,
               row_network={"inputs": m, "sha256": key, "status": cert.status, "method": cert.method,
                            "solver": cert.solver, "queries": cert.queries, "time_s": round(cert.time_s, 3)})
    if cert.status != "COMPUTED" or cert.max_error == "unbounded":
        out["reason"] = f"the row network's relative error was not computed: {cert.status} {cert.reason}".rstrip()
    else:
        out.update(status=CERTIFIED, certified_error=str(cert.max_error), equals_E_rel=cert.max_error == a["E"],
                   attained=_has_distinct_row(idx),
                   holds="for all real inputs: |y - max(window)| <= E_rel (max(window) - min(window))",
                   witness=[str(v) for v in cert.witness],
                   method=(f"structure: selection labelled by onnxruntime and windows checked in integers; "
                           f"row network's exact sup of |T - max| / (max - min) on R^{m} by {cert.method}"))
    out["time_s"] = round(time.perf_counter() - t0, 3)
    return out


def _row_certificate(kind, T, domain, timeout=None, jobs=None):
    """The proof one row network needs: ``certify`` = max on R^m, ``error`` = worst case on a box,
    ``relative`` = the exact sup of |T - max| / (max - min) on R^m."""
    from maxcert.verify.certify import certify, worst_case_error

    if kind == "relative":
        from maxcert.verify.relative import relative_worst_case

        return relative_worst_case(T, "reals", timeout=timeout)
    if kind == "error":
        return worst_case_error(T, domain, timeout=timeout, jobs=jobs)
    return certify(T, eps=0, domain="reals", timeout=timeout, jobs=jobs)


def _row_task(args):
    """A row network's certificate as an independent task (see :mod:`maxcert.execution`)."""
    kind, T, domain, timeout, jobs = args
    return _row_certificate(kind, T, domain, timeout, jobs)


class RowCache:
    """Certificates of row networks already proved in this run, by the network's exact hash."""

    def __init__(self, record: bool = False):
        self.done: dict = {}
        self.lines: dict = {}  # line-network outputs proved max, by exact structure (verify.pool_proof)
        self.queries: list | None = [] if record else None  # with record: each line network's SMT-LIB2 query

    def get(self, kind, T, domain, timeout=None, jobs=None):
        from maxcert.verify.certificates import graph_sha256

        key = graph_sha256(T)
        ck = (key, domain) if kind == "error" else (key, "relative") if kind == "relative" else key
        if ck not in self.done:
            self.done[ck] = _row_certificate(kind, T, domain, timeout, jobs)
        return self.done[ck], key

    def error(self, T, domain, timeout=None, jobs=None):
        return self.get("error", T, domain, timeout, jobs)

    def certify(self, T, timeout=None, jobs=None):
        return self.get("certify", T, "reals", timeout, jobs)


def _prove_exact_site(model, site, out, t0, deadline, cache) -> dict:
    """An exact replacement: the staged proof of :mod:`maxcert.verify.pool_proof`."""
    from maxcert.verify.pool_proof import Unproved, prove_exact

    out.update(form=site.form, ops=site.ops)
    notes = [site.note] if site.note else []
    if None in site.shape[:2]:  # the proof runs on one concrete shape
        notes.append("proved with the symbolic batch or channel count at 1; other sizes are not proved")
    if notes:
        out["note"] = "; ".join(notes)
    record = cache is not None and cache.queries is not None
    start = len(cache.queries) if record else 0
    try:
        facts = prove_exact(model, site, deadline, cache.lines if cache is not None else {},
                            _recording(cache.queries) if record else None)
    except Unproved as e:
        out["reason"] = str(e)
    else:
        per = site.positions()
        lines = [s for s in facts["stages"] if s["kind"] == "line"]
        out.update(relus=facts["relus"], relu_layers=facts["relu_layers"],
                   relus_per_output=round(facts["relus"] / per, 4) if per else 0, stages=facts["stages"],
                   status=CERTIFIED,
                   method=(f"staged: {len(lines)} line stages, each output of each line network proved max of the "
                           f"inputs it reads on all reals (z3 UNSAT, exact rationals); layout stages labelled by "
                           f"onnxruntime; composed windows equal the pool's, checked in integers"))
    if record:  # for a certificate file: the line networks first proved for this pool (proved or not)
        out["smt2"] = cache.queries[start:]
    out["time_s"] = round(time.perf_counter() - t0, 3)
    return out


def approximator_structure(model, site, shape) -> tuple:
    """An approximated pool's replacement read from the model: ``(T, idx, m)``, its row network on m
    inputs and the input each slot of each row copies, after checking that every row copies exactly
    its window (raises ``_Unproved`` otherwise). ``maxcert check`` reads a rewrite with it too."""
    from maxcert.graphs.pools import _default_opset

    opset = _default_opset(model)
    nodes = _subgraph(model.graph, site.input, site.output)
    chain, V, rows, consts = _split(nodes, site.input)
    idx = selection_indices(chain, consts, site.input, shape, V, opset)
    check_windows(idx, site.spec, shape)
    rank = len(shape) + 1
    m = idx.shape[-1] if idx.ndim == rank else 1
    if not rows:
        if m != 1:
            raise _Unproved(f"rows of {m} slots and no row network to reduce them")
        from maxcert.graphs.generators import tree_network

        return tree_network(1), idx, m  # the selection is the output: one copied element per row
    _check_rows(rows, consts, V, rank)
    return row_network(rows, consts, V, m, rank, site.elem_type, site.output, opset), idx, m


def _recording(queries: list):
    """``prove`` for :func:`prove_exact`: the default decision, each network's plain query kept."""
    from maxcert.verify.checker import violation_query
    from maxcert.verify.pool_proof import _by_certify

    def prove(H, deadline):
        queries.append(violation_query(H, "reals", Fraction(0), False))
        return _by_certify(H, deadline)
    return prove


def _prepare_site(model, site, deadline=None, cache=None):
    """The structural part of a pool's proof: ``(out, job)``. ``job`` names the row network to prove
    (``kind``, ``T``, ``domain``), or is None when ``out`` is already final (not proved)."""
    from maxcert.graphs.evaluate import depth, num_neurons

    t0 = time.perf_counter()
    spec = site.spec
    shape = [v or 1 for v in site.shape]  # a symbolic batch or channel count is proved at 1
    out = {"node": site.node, "tensors": {"input": site.input, "output": site.output}, "elem_type": site.elem_type,
           "attributes": spec.attributes(), "input_shape": site.shape,
           "output_shape": site.shape[:2] + spec.out, "window": spec.size, "outputs": site.positions(),
           "relu_layers": None, "relus": None, "relus_per_output": None, "status": UNKNOWN, "method": "",
           "time_s": 0.0}
    if site.approx is None:
        return _prove_exact_site(model, site, out, t0, deadline, cache), None
    # the consumers' readers have no Gather, Sum, Neg or Div: say so rather than let "portable" stand
    out.update(ops="fast", note="an approximator is written with Gather, Sum, Neg and Div (onnxruntime), "
                                "not in the portable op set that Marabou, auto_LiRPA and CrypTen read")
    try:
        T, idx, m = approximator_structure(model, site, shape)
        per_row = num_neurons(T)
        out.update(relu_layers=depth(T), relus=per_row * site.positions(), relus_per_window=per_row, relus_per_output=per_row)
    except _Unproved as e:
        out["reason"] = str(e)
        out["time_s"] = round(time.perf_counter() - t0, 3)
        return out, None
    if site.approx is not None and site.approx.get("relative"):
        return out, {"kind": "relative", "T": T, "domain": "reals", "idx": idx, "m": m, "t0": t0}
    if site.approx is not None:
        lo, hi = site.approx["range"]
        return out, {"kind": "error", "T": T, "domain": f"box:{lo},{hi}", "idx": idx, "m": m, "t0": t0}
    return out, {"kind": "certify", "T": T, "domain": "reals", "m": m, "t0": t0}


def _finish_site(out, site, job, cert, key) -> dict:
    """The pool's entry, from the structural part and its row network's certificate."""
    if job["kind"] in ("error", "relative"):
        return _approximated(out, site, job["idx"], job["m"], cert, key, job["t0"])
    out["row_network"] = {"inputs": job["m"], "sha256": key, "status": cert.status, "method": cert.method,
                          "solver": cert.solver, "queries": cert.queries, "time_s": round(cert.time_s, 3)}
    if cert.status != CERTIFIED:
        out["reason"] = f"the row network was not proved to be max: {cert.status} {cert.reason}".rstrip()
    else:
        out["status"] = CERTIFIED
        out["method"] = (f"structure: selection labelled by onnxruntime and windows checked in integers; "
                         f"row network = max on R^{job['m']} by {cert.method} (z3 UNSAT)")
    out["time_s"] = round(time.perf_counter() - job["t0"], 3)
    return out


def certify_site(model, site, timeout=None, jobs=None, cache: RowCache | None = None) -> dict:
    """Prove one replaced pool (a :class:`~maxcert.graphs.pools.PoolSite`) from the written model."""
    cache = cache or RowCache()
    deadline = None if timeout is None else time.perf_counter() + timeout
    out, job = _prepare_site(model, site, deadline, cache)
    if job is None:
        return out
    cert, key = cache.get(job["kind"], job["T"], job["domain"], timeout=timeout, jobs=jobs)
    return _finish_site(out, site, job, cert, key)


def _timed_out(site) -> dict:
    return {"node": site.node, "window": site.d, "outputs": site.positions(), "status": UNKNOWN,
            "attributes": site.spec.attributes(), "method": "", "reason": "timeout before this pool",
            "relu_layers": None, "relus": None, "time_s": 0.0}


def _certify_parallel(new, sites, timeout, jobs, cluster, progress, t0, record=False) -> list:
    """Every pool's structure here, then each distinct row network's proof as one task
    (:mod:`maxcert.execution`), then the entries in pool order: the same entries as one by one."""
    from maxcert.execution import map_tasks
    from maxcert.verify.certificates import graph_sha256

    def left():
        return None if timeout is None else max(0.0, timeout - (time.perf_counter() - t0))

    prepared: list = []
    tasks: list = []
    where: dict = {}
    line_cache = RowCache(record)
    for site in sites:
        if left() == 0.0:
            prepared.append((_timed_out(site), None, None))
            continue
        left_s = left()
        out, job = _prepare_site(new, site, None if left_s is None else time.perf_counter() + left_s, line_cache)
        if job is None:
            prepared.append((out, None, None))
            continue
        key = graph_sha256(job["T"])
        ck = (job["kind"], key, job["domain"] if job["kind"] == "error" else "reals")
        if ck not in where:
            where[ck] = len(tasks)
            tasks.append((job["kind"], job["T"], job["domain"], left(), 1))  # one process per task
        prepared.append((out, job, (where[ck], key)))
    import os

    jobs = min(jobs or os.cpu_count() or 1, len(tasks))  # local processes: no more than tasks
    certs = map_tasks(_row_task, tasks, jobs=jobs, cluster=cluster) if tasks else []
    pools = []
    for k, ((out, job, ref), site) in enumerate(zip(prepared, sites)):
        pools.append(out if job is None else _finish_site(out, site, job, certs[ref[0]], ref[1]))
        if progress:
            progress(k + 1, len(sites))
    return pools


def load_onnx(path):
    """Read an ONNX model for rewriting; anything that is not one raises a one-line PoolError."""
    import onnx

    from maxcert.graphs.pools import PoolError
    from maxcert.graphs.readwrite import existing_file

    path = existing_file(path, "an ONNX model", PoolError)
    try:
        model = onnx.load(path)
    except Exception:  # protobuf's DecodeError and friends: the bytes are not a model
        raise PoolError(f"{path}: not an ONNX model (the file does not parse)") from None
    if not model.graph.node and not model.graph.output:
        raise PoolError(f"{path}: not an ONNX model (no graph)")
    try:
        onnx.checker.check_model(model)
    except Exception as e:
        raise PoolError(f"{path}: invalid ONNX model: {str(e).splitlines()[0] if str(e) else type(e).__name__}") from None
    return model


def rewrite(model: onnx.ModelProto, gadget: str = "relu3", timeout: float | None = None, jobs: int | None = None,
            progress: Callable[[int, int], None] | None = None, depth: int | None = None,
            range: tuple[str, str] | dict[str | None, tuple[str, str]] | None = None,
            cluster: str | DaskSession | None = None, form: str = "residual",
            ops: str = "portable", relative: bool = False, record: bool = False) -> tuple[onnx.ModelProto, dict]:
    """Replace every MaxPool of an ONNX model by a ReLU network and certify each replacement.

    ``model``: an ``onnx.ModelProto`` or a path. Returns ``(new_model, report)``; ``report`` is the
    JSON object of ``maxcert rewrite --json``: ``status`` (CERTIFIED when every pool is, UNKNOWN
    otherwise), ``pools`` (one object per MaxPool: ``node``, ``attributes``, ``window``,
    ``outputs``, ``relu_layers``, ``relus``, ``status``, ``method``, ``time_s`` and more),
    ``gadget``, ``opset``, ``max_type_ops`` (left in the new model: none), ``time_s``.
    ``timeout`` bounds the whole run; a pool not proved in time is UNKNOWN. ``progress(done,
    total)`` is called after each pool.

    ``jobs`` > 1 or a ``cluster`` (``tcp://HOST:PORT``, ``local:N``; or one set by
    :func:`maxcert.execution.use_cluster`): each distinct row network is proved as an independent
    task on that many local processes or on the cluster (the entries are the same, in pool
    order). Otherwise (default) the pools are proved here one by one, each proof using all cores.
    ``record``: each exact pool's entry also holds ``smt2``, the plain SMT-LIB2 query of each line
    network first proved for it (what ``maxcert rewrite --certificate`` records).

    Examples
    --------
    >>> from onnx import helper, TensorProto
    >>> node = helper.make_node("MaxPool", ["x"], ["y"], kernel_shape=[2, 2], pads=[1, 1, 0, 0])
    >>> g = helper.make_graph([node], "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2, 3, 3])],
    ...                       [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)])
    >>> new, report = rewrite(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]))
    >>> report["status"], report["pools"][0]["window"], report["pools"][0]["outputs"], report["max_type_ops"]
    ('CERTIFIED', 4, 18, [])
    """
    from maxcert.graphs.pools import _default_opset, max_type_ops, rewrite_model

    t0 = time.perf_counter()
    if not hasattr(model, "graph"):
        model = load_onnx(model)
    new, sites = rewrite_model(model, gadget, depth=depth, range_=range, form=form, ops=ops, relative=relative)
    from maxcert.execution import current_cluster

    if cluster is not None or current_cluster() is not None or (jobs or 1) > 1:
        pools = _certify_parallel(new, sites, timeout, jobs, cluster, progress, t0, record)
    else:
        cache = RowCache(record)
        pools = []
        for k, site in enumerate(sites):
            left = None if timeout is None else max(0.0, timeout - (time.perf_counter() - t0))
            if left == 0.0:
                pools.append(_timed_out(site))
            else:
                pools.append(certify_site(new, site, timeout=left, jobs=jobs, cache=cache))
            if progress:
                progress(k + 1, len(sites))
    status = CERTIFIED if all(p["status"] == CERTIFIED for p in pools) else UNKNOWN
    report = {"status": status, "form": form, "ops": ops, "gadget": gadget if form == "mlp" else None,
              "opset": _default_opset(model), "pools": pools,
              "relus": sum(p["relus"] or 0 for p in pools),
              **({"depth": depth, "relative": True,
                  "holds": "approximated pools: |y - max| <= E_rel (max - min) over each window, for all real inputs"}
                 if relative else {} if depth is None else {"depth": depth,
                                            "range": ({str(k): [str(x) for x in v] for k, v in range.items()}
                                                      if isinstance(range, dict) else [str(v) for v in range or ()]),
                                            "holds": "approximated pools: only for pool inputs in the range"}),
              "max_type_ops": max_type_ops(new), "time_s": round(time.perf_counter() - t0, 3)}
    return new, report
