"""Windows as the property: several outputs, each compared with the max over its own inputs.

A spec is one window of input indices per output, in output order (a pooling layer over an HxW
map: one window per output position). ``|N_o(x) - max(x_W_o)| <= eps`` is decided output by
output; the error of the network is the largest over its outputs, and a witness names its output.

Each output is its own question on its own subnetwork (the output's ancestors): inputs the
output does not read cannot change its error, so they are dropped. When the output reads only
inputs of its window (a pooling layer's usual shape, zero weights included, since they are no
edges), the subnetwork with the window as its inputs is exactly the single-output question of
:func:`maxcert.verify.certify`, and every route there (lifting, branch and bound, z3) applies
unchanged. An output that also reads inputs outside its window is decided by sampling and z3 with
the target ``max`` over the window (:func:`~maxcert.verify.certify.certify_windowed`).
"""

from __future__ import annotations

import importlib
import json
import time
from fractions import Fraction

import networkx as nx

from maxcert.errors import MaxcertError
from maxcert.graphs.schema import input_nodes, output_nodes, validate
from maxcert.verify.certificates import CERTIFIED, COMPUTED, REFUTED, UNBOUNDED, UNKNOWN, Certificate


class WindowsError(MaxcertError):
    """A malformed windows spec; the message names the problem."""


def parse_windows(obj, n_inputs: int, n_outputs: int) -> list:
    """Check a windows spec: a list of ``n_outputs`` non-empty lists of input indices.

    Examples
    --------
    >>> parse_windows([[0, 1], [2, 3, 3]], 4, 2)
    [(0, 1), (2, 3)]
    >>> parse_windows([[0, 4]], 4, 1)
    Traceback (most recent call last):
    ...
    maxcert.verify.windows.WindowsError: window 0 names input 4; the network has inputs 0..3
    """
    if not isinstance(obj, (list, tuple)) or not all(isinstance(w, (list, tuple)) for w in obj):
        raise WindowsError("windows must be a list of input-index lists, one per output")
    if len(obj) != n_outputs:
        raise WindowsError(f"{len(obj)} windows given for a network with {n_outputs} outputs")
    out = []
    for k, w in enumerate(obj):
        if not w:
            raise WindowsError(f"window {k} is empty")
        idx = []
        for i in w:
            if isinstance(i, bool) or not isinstance(i, int):
                raise WindowsError(f"window {k} holds {i!r}, not an input index")
            if not 0 <= i < n_inputs:
                raise WindowsError(f"window {k} names input {i}; the network has inputs 0..{n_inputs - 1}")
            idx.append(i)
        out.append(tuple(sorted(set(idx))))
    return out


def read_windows(path) -> list:
    """Read a windows spec from a JSON file (a list of input-index lists)."""
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except json.JSONDecodeError as e:
        raise WindowsError(f"{path}: not JSON ({e.msg} at line {e.lineno})") from None
    except UnicodeDecodeError:
        raise WindowsError(f"{path}: not a text file") from None


def output_problem(G: nx.DiGraph, k: int, window) -> tuple:
    """Output k's own question: ``(H, inputs, local_window)``.

    H is the single-output subnetwork of output k with inputs ``x0..`` standing for the global
    inputs ``inputs`` (the window's first, in order, then any other input the output reads);
    ``local_window`` indexes the window in H's inputs, so it is ``0..len(window)-1``.

    Examples
    --------
    >>> from maxcert.graphs import tree_network
    >>> H, inputs, w = output_problem(tree_network(3), 0, (0, 1, 2))
    >>> inputs, w
    ([0, 1, 2], [0, 1, 2])
    """
    o = output_nodes(G)[k]
    ins = {G.nodes[n]["index"]: n for n in input_nodes(G)}
    anc = nx.ancestors(G, o)
    read = sorted(G.nodes[n]["index"] for n in anc if G.nodes[n].get("kind") == "input")
    inputs = list(window) + [i for i in read if i not in set(window)]
    keep = (anc | {o}) - {ins[i] for i in read}
    H = nx.DiGraph(outputs=[o])
    names = {f"x{j}" for j in range(len(inputs))}
    rename = {}
    for n in keep:
        new = n
        while new in names:  # a neuron named like a new input keeps its own identity
            new = f"_{new}"
        rename[n] = new
    for j, i in enumerate(inputs):
        rename[ins[i]] = f"x{j}"
        H.add_node(f"x{j}", kind="input", index=j)
    for n in keep:
        H.add_node(rename[n], **G.nodes[n])
    for n in keep:
        for u in G.predecessors(n):
            H.add_edge(rename[u], rename[n], weight=G.edges[u, n]["weight"])
    H.graph["outputs"] = [rename[o]]
    return validate(H), inputs, list(range(len(window)))


def _full_witness(G, dom, inputs, x):
    n = len(input_nodes(G))
    fill = dom.lo if dom.bounded else Fraction(0)
    full = [fill] * n
    for j, i in enumerate(inputs):
        full[i] = x[j]
    return full


def _exact_output_error(G, x, k, window) -> Fraction:
    from maxcert.graphs.evaluate import evaluate_exact

    y = evaluate_exact(G, x)[k]
    return abs(y - max(x[i] for i in window))


def _solve(kind, H, inputs, local, eps, dom, deadline, strategy, jobs):
    """One output's certificate, on its subnetwork."""
    C = importlib.import_module("maxcert.verify.certify")
    from maxcert.verify import solvers
    from maxcert.verify.certificates import graph_sha256

    left = C._left(deadline)
    if len(local) == len(inputs):  # the output reads only its window: every route applies
        if kind == "certify":
            return C.certify(H, eps, dom, timeout=left, strategy=strategy, jobs=jobs)
        return C.worst_case_error(H, dom, timeout=left, strategy=strategy, jobs=jobs)
    cert = Certificate(UNKNOWN, dom.spec(), eps=eps if kind == "certify" else None,
                       model_sha256=graph_sha256(H), solver=solvers.solver_info())
    t0 = time.perf_counter()
    if kind == "certify":
        return C.certify_windowed(H, eps, dom, local, deadline, cert, t0)
    return C.error_windowed(H, dom, local, deadline, cert, t0)


def decide(kind: str, G, eps, dom, windows, timeout=None, strategy="auto", jobs=None) -> Certificate:
    """``certify`` (kind "certify") or ``worst_case_error`` (kind "error") output by output."""
    C = importlib.import_module("maxcert.verify.certify")
    from maxcert.verify import solvers
    from maxcert.verify.certificates import graph_sha256

    t0 = time.perf_counter()
    deadline = C._deadline(timeout)
    cert = Certificate(UNKNOWN, dom.spec(), eps=eps, model_sha256=graph_sha256(G), solver=solvers.solver_info())
    per = []
    best = None  # (error, k, full witness) of the largest error proved or found
    unknown, uppers = [], []  # uppers: each output's proved bound (None when it has none)
    for k, W in enumerate(windows):
        H, inputs, local = output_problem(G, k, W)
        sub = _solve(kind, H, inputs, local, eps, dom, deadline, strategy, jobs)
        cert.queries += sub.queries
        row = {"output": k, "node": str(output_nodes(G)[k]), "window": len(W), "status": sub.status,
               "method": sub.method or ("plain" if len(local) < len(inputs) else ""),
               "reads_outside_window": len(inputs) - len(local)}
        if kind == "error" and sub.status == COMPUTED:
            row["max_error"] = sub.max_error if sub.max_error == UNBOUNDED else str(sub.max_error)
        per.append(row)
        cur = None
        if sub.witness is not None and sub.error_at_witness is not None:
            x = _full_witness(G, dom, inputs, sub.witness)
            e = _exact_output_error(G, x, k, W)  # re-evaluated on the whole network
            if e != sub.error_at_witness:
                raise AssertionError(f"output {k}: witness error {e} on the network, {sub.error_at_witness} on its part")
            cur = (e, k, x)
            if best is None or e > best[0]:
                best = cur
        if kind == "certify" and sub.status == REFUTED:
            cert.outputs = per
            return C._done(cert, t0, status=REFUTED, witness=cur[2], error_at_witness=cur[0], lower_bound=cur[0],
                           output=k, method=f"output {k}: {sub.method}")
        uppers.append(sub.max_error if kind == "error" and sub.status == COMPUTED else
                      eps if sub.status == CERTIFIED else sub.upper_bound)
        if sub.status == UNKNOWN or (kind == "error" and sub.status != COMPUTED):
            unknown.append((k, sub))
        elif kind == "error" and sub.max_error == UNBOUNDED:
            cert.outputs = per
            return C._done(cert, t0, status=COMPUTED, max_error=UNBOUNDED, witness=cur[2], output=k,
                           error_at_witness=cur[0], lower_bound=cur[0], method=f"output {k}: {sub.method}",
                           reason=f"output {k}: the error grows without bound along a ray")
    cert.outputs = per
    methods = sorted({r["method"] for r in per if r["method"]})
    cert.method = "per output: " + ", ".join(methods)
    low = best[0] if best else None
    kw = dict(witness=best[2], error_at_witness=best[0], output=best[1]) if best else {}
    if unknown:
        k, sub = unknown[0]
        up = None if None in uppers else max(uppers)
        return C._done(cert, t0, lower_bound=low, upper_bound=up,
                       reason=f"output {k} undecided: {sub.reason or 'resource limit'}"
                       + (f" ({len(unknown)} outputs undecided)" if len(unknown) > 1 else ""), **kw)
    if kind == "certify":
        return C._done(cert, t0, status=CERTIFIED, upper_bound=eps, lower_bound=low, **kw)
    return C._done(cert, t0, status=COMPUTED, max_error=low, lower_bound=low, upper_bound=low, **kw)
