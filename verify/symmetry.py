"""Permutation invariance: when N(x) = N(sigma x) for every permutation sigma, the ordered cone
``x_0 >= x_1 >= ... >= x_{d-1}`` stands for the whole (permutation-invariant) domain, and there
the target max(x) = x_0 is linear and most ReLUs of a max-like network are stable.

Invariance is *proved*, one z3 query per adjacent transposition (they generate the symmetric
group): no x in the domain with x_i > x_{i+1} has N(x) != N(x with x_i, x_{i+1} swapped).
The two copies are built as one term DAG with inlined ReLUs, so z3 shares every subterm that
does not read x_i or x_{i+1}. Floating point only decides whether the attempt is worth making.
"""

from __future__ import annotations

import time

import networkx as nx
import numpy as np
import z3

from maxcert.graphs.evaluate import evaluate_nodes
from maxcert.graphs.schema import input_nodes, memo
from maxcert.verify.domains import Domain
from maxcert.verify.encode import inline_output, q

_CACHE: dict = {}


def looks_symmetric(G: nx.DiGraph, dom: Domain, n: int = 256, seed: int = 1) -> bool:
    """Float hint: do random permutations leave N unchanged on random points? (Kept per network.)"""
    return memo(G, ("looks_symmetric", dom.spec(), n, seed), lambda H: _looks_symmetric(H, dom, n, seed))


def _looks_symmetric(G: nx.DiGraph, dom: Domain, n: int, seed: int) -> bool:
    d = len(input_nodes(G))
    if d < 2:
        return False
    rng = np.random.default_rng(seed)
    X = rng.uniform(float(dom.lo), float(dom.hi), (n, d)) if dom.bounded else rng.standard_normal((n, d)) * 10
    P = np.argsort(rng.random((n, d)), axis=1)  # n random permutations in one call
    Xp = np.take_along_axis(X, P, axis=1)
    y, yp = evaluate_nodes(G, np.vstack([X, Xp]))[:, 0].reshape(2, n)
    return bool(np.all(np.abs(y - yp) <= 1e-9 * (1 + np.abs(y))))


def transposition_queries(G: nx.DiGraph, dom: Domain):
    """Yield ``(i, constraints)``: UNSAT proves N invariant under swapping x_i and x_{i+1}."""
    d = len(input_nodes(G))
    x = [z3.Real(f"x{i}") for i in range(d)]
    N = inline_output(G, x)
    box = [] if not dom.bounded else [c for xi in x for c in (xi >= q(dom.lo), xi <= q(dom.hi))]
    for i in range(d - 1):
        swapped = z3.substitute(N, (x[i], x[i + 1]), (x[i + 1], x[i]))
        yield i, box + [x[i] > x[i + 1], N != swapped]


def _one_transposition(args):
    """Worker: prove invariance under swapping x_i, x_{i+1} (a fresh process, its own z3 context)."""
    data, spec, i, timeout = args
    from maxcert.graphs.readwrite.json_graph import from_dict
    from maxcert.verify.domains import parse_domain
    from maxcert.verify.solvers import check

    G = from_dict(data)
    for j, cons in transposition_queries(G, parse_domain(spec)):
        if j == i:
            return i, check(cons, [], timeout).status
    return i, "unknown"


PARALLEL_MIN_RELUS = 120  # below this, starting processes costs more than it saves


def prove_invariance(G: nx.DiGraph, dom: Domain, timeout: float | None = None, key: str | None = None,
                     jobs: int | None = None) -> dict:
    """Prove N symmetric on the domain; returns ``{"proved": bool, "queries": n, "time_s": t, "reason": ...}``.

    Examples
    --------
    >>> from maxcert.graphs import tree_network
    >>> from maxcert.verify.domains import UNIT
    >>> prove_invariance(tree_network(3), UNIT)["proved"]
    True
    """
    from maxcert.verify.solvers import check

    ck = (key, dom.spec()) if key else None
    if ck and ck in _CACHE:
        return _CACHE[ck]
    import os

    t0 = time.perf_counter()
    out = {"proved": True, "queries": 0, "reason": ""}
    jobs = jobs or os.cpu_count() or 1
    relus = sum(1 for _, a in G.nodes(data=True) if a.get("activation") == "relu")
    from maxcert.execution import current_cluster

    if (jobs > 1 or current_cluster() is not None) and relus >= PARALLEL_MIN_RELUS and len(input_nodes(G)) > 2:
        out.update(_parallel(G, dom, timeout, jobs))
        out["time_s"] = time.perf_counter() - t0
        if ck and (out["proved"] or out["reason"].endswith("sat")):
            _CACHE[ck] = out
        return out
    for i, cons in transposition_queries(G, dom):
        left = None if timeout is None else timeout - (time.perf_counter() - t0)
        if left is not None and left <= 0:
            out.update(proved=False, reason="timeout")
            break
        r = check(cons, [], left)
        out["queries"] += 1
        if r.status != "unsat":
            out.update(proved=False, reason=f"swap x{i}<->x{i + 1}: {r.status}")
            break
    out["time_s"] = time.perf_counter() - t0
    if ck and (out["proved"] or out["reason"].endswith("sat")):
        _CACHE[ck] = out
    return out


def _parallel(G, dom, timeout, jobs) -> dict:
    """The d-1 transposition queries on ``jobs`` processes (or the cluster of
    :func:`maxcert.execution.use_cluster`); stops at the first that is not UNSAT."""
    from maxcert.execution import Executor
    from maxcert.graphs.readwrite.json_graph import to_dict

    data = to_dict(G)
    d = len(input_nodes(G))
    out = {"proved": True, "queries": 0, "reason": ""}
    tasks = [(data, dom.spec(), i, timeout) for i in range(d - 1)]
    with Executor(jobs=min(jobs, d - 1), batch=1) as ex:
        results = ex.map(_one_transposition, tasks, ordered=False)
        for _, (i, status) in results:
            out["queries"] += 1
            if status != "unsat":
                out.update(proved=False, reason=f"swap x{i}<->x{i + 1}: {status}")
                results.close()  # the queries not started are cancelled
                break
    return out
