"""Baseline for the exact worst-case error: one monolithic MILP per error sign, solved by HiGHS.

The textbook encoding (as in MIPVerify): interval bounds l <= p <= u for every pre-activation on
[0,1]^d, and for an unstable ReLU a binary a with

    z >= p,   z >= 0,   z <= p - l (1 - a),   z <= u a;

``t = max(x)`` gets one binary per input (``t >= x_j``, ``t <= x_j + 1 - b_j``, ``sum b = 1``).
HiGHS maximises ``N(x) - t`` and ``t - N(x)``. It decides in floating point, so its answer is a
reference for the benchmark, not a proof.

Examples
--------
>>> from maxcert.graphs.evaluate import from_layers
>>> G = from_layers([[[1, -1], [-1, 1]], [[1, 1]]], [[0, 0], [0]])    # |x0 - x1|
>>> r = milp_error(G, 10.0)
>>> r["status"], round(r["value"], 9)     # max(x) - |x0 - x1| reaches 1 at (1, 1)
('optimal', 1.0)
"""

from __future__ import annotations

import time

import highspy
import numpy as np
from scipy.sparse import csr_matrix

from maxcert.verify.bab import highs_model

INF = highspy.kHighsInf


class BigM:
    """The MILP ``max cost . v + offset`` s.t. ``row_lo <= A v <= row_hi``, ``col_lo <= v <= col_hi``,
    ``v_j`` integer for j in ``ints``: the arrays any MILP solver takes (HiGHS here, Gurobi in
    gurobi_baseline.py)."""

    def __init__(self, A, row_lo, row_hi, col_lo, col_hi, cost, ints, offset):
        self.A, self.row_lo, self.row_hi = A, np.asarray(row_lo, float), np.asarray(row_hi, float)
        self.col_lo, self.col_hi = np.asarray(col_lo, float), np.asarray(col_hi, float)
        self.cost, self.ints, self.offset = np.asarray(cost, float), ints, offset


def big_m(Ws, bs, sign: int) -> BigM:
    """The big-M MILP of ``max sign (N(x) - max(x))`` over [0,1]^d with interval bounds."""
    d = Ws[0].shape[1]
    lo, hi = np.zeros(d), np.ones(d)
    col_lo, col_hi, cost, ints = list(lo), list(hi), [0.0] * d, []
    rows = []  # (cols, vals, lower, upper)

    def column(lower, upper, integer=False):
        col_lo.append(lower)
        col_hi.append(upper)
        cost.append(0.0)
        if integer:
            ints.append(len(col_lo) - 1)
        return len(col_lo) - 1
    h = list(range(d))  # the columns feeding the next layer (None: a ReLU that is always 0)
    hl, hh = lo, hi
    for W, b in zip(Ws[:-1], bs[:-1]):
        Wp, Wn = np.maximum(W, 0), np.minimum(W, 0)
        l, u = Wp @ hl + Wn @ hh + b, Wp @ hh + Wn @ hl + b
        out = []
        for j in range(len(b)):
            pre = [(c, w) for c, w in zip(h, W[j]) if c is not None and w]
            if u[j] <= 0:
                out.append(None)
                continue
            z = column(0.0, u[j])
            out.append(z)
            pc, pv = [c for c, _ in pre], [w for _, w in pre]
            if l[j] >= 0:  # z = p
                rows.append((pc + [z], pv + [-1.0], -b[j], -b[j]))
                continue
            a = column(0.0, 1.0, integer=True)
            rows.append((pc + [z], pv + [-1.0], -INF, -b[j]))  # p <= z
            rows.append((pc + [z, a], [-w for w in pv] + [1.0, -l[j]], -INF, b[j] - l[j]))  # z <= p - l(1-a)
            rows.append(([z, a], [1.0, -u[j]], -INF, 0.0))  # z <= u a
        h, hl, hh = out, np.maximum(l, 0), np.maximum(u, 0)
    t = column(0.0, 1.0)
    bsel = []
    for j in range(d):
        bj = column(0.0, 1.0, integer=True)
        bsel.append(bj)
        rows.append(([t, j], [1.0, -1.0], 0.0, INF))  # t >= x_j
        rows.append(([t, j, bj], [1.0, -1.0, 1.0], -INF, 1.0))  # t <= x_j + 1 - b_j
    rows.append((bsel, [1.0] * d, 1.0, 1.0))
    for c, w in zip(h, Ws[-1][0]):
        if c is not None:
            cost[c] += sign * w
    cost[t] -= sign
    A = csr_matrix(([v for r in rows for v in r[1]], [c for r in rows for c in r[0]],
                    np.cumsum([0] + [len(r[0]) for r in rows])), shape=(len(rows), len(col_lo)))
    return BigM(A, [r[2] for r in rows], [r[3] for r in rows], col_lo, col_hi, cost, ints, sign * float(bs[-1][0]))


def _highs_solve(m: BigM, time_left: float, threads):
    """HiGHS on one sign's MILP: (optimal?, value of the best solution or None, dual bound)."""
    from maxcert.verify.bab import _highs  # silent: no banner on stdout

    lp = highs_model(m.A, m.row_lo, m.row_hi, m.col_lo, m.col_hi, -m.cost)  # HiGHS minimises
    lp.offset_ = -m.offset
    h = _highs()
    if threads is not None:
        h.setOptionValue("threads", threads)
    h.setOptionValue("time_limit", time_left)
    h.passModel(lp)
    for c in m.ints:
        h.changeColIntegrality(c, highspy.HighsVarType.kInteger)
    if h.run() == highspy.HighsStatus.kError:
        raise RuntimeError(f"HiGHS could not solve the MILP (status {h.modelStatusToString(h.getModelStatus())})")
    info = h.getInfo()
    return (h.getModelStatus() == highspy.HighsModelStatus.kOptimal,
            -info.objective_function_value if info.primal_solution_status else None, -info.mip_dual_bound)


def milp_error(G, timeout: float, threads: int | None = None, solve=_highs_solve) -> dict:
    """``max |N(x) - max(x)|`` over [0,1]^d by HiGHS's MILP solver (float), within ``timeout`` s.

    ``threads``: HiGHS's thread count. HiGHS fixes it for the whole process at its first run, so
    only a fresh process (the benchmark's) may set it; elsewhere leave it None. Returns
    ``{"status": "optimal" | "time limit", "value": best found, "bound": HiGHS's upper
    bound, "seconds": ...}``; the two signs share the time limit. ``solve``: another MILP solver
    on the same model (:func:`gurobi_baseline.gurobi_error`).
    """
    from maxcert.graphs.evaluate import compile_layers

    Ws, bs = compile_layers(G).to_numpy()
    t0 = time.perf_counter()
    status, value, bound = "optimal", -np.inf, -np.inf
    for sign in (1, -1):
        optimal, val, bnd = solve(big_m(Ws, bs, sign), max(0.1, timeout - (time.perf_counter() - t0)), threads)
        if not optimal:
            status = "time limit"
        if val is not None:
            value = max(value, val)
        bound = max(bound, bnd)
    return {"status": status, "value": float(value), "bound": float(bound), "seconds": time.perf_counter() - t0}
