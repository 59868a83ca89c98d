"""The exact-error baseline of milp_baseline.py solved by Gurobi: the same big-M MILP with interval
bounds (:func:`milp_baseline.big_m`), one thread, float. A reference for speed and value, not a
proof (Gurobi decides in floating point, with its default tolerances).

gurobipy is in the ``bench`` extra only. Its PyPI wheel carries a size-limited licence (2000
variables and 2000 constraints); a larger model raises :class:`LicenceLimit`.

Examples
--------
>>> from maxcert.graphs.evaluate import from_layers
>>> G = from_layers([[[1, -1], [-1, 1]], [[1, 1]]], [[0, 0], [0]])    # |x0 - x1|
>>> r = gurobi_error(G, 10.0)                                          # doctest: +SKIP
>>> r["status"], round(r["value"], 9)     # max(x) - |x0 - x1| reaches 1 at (1, 1)
('optimal', 1.0)
"""

from __future__ import annotations

import numpy as np
from milp_baseline import BigM, milp_error


class LicenceLimit(RuntimeError):
    """The model exceeds the size-limited licence of the pip wheel."""


def available() -> str | None:
    """None when gurobipy imports and its licence starts; else why not (for the table's note)."""
    try:
        import gurobipy as gp

        with gp.Env(empty=True) as env:
            env.setParam("OutputFlag", 0)
            env.start()
        return None
    except Exception as e:  # absent or unlicensed: reported, not guessed
        return f"{type(e).__name__}: {e}".splitlines()[0]


def _gurobi_solve(m: BigM, time_left: float, threads):
    """Gurobi on one sign's MILP: (optimal?, value of the best solution or None, dual bound)."""
    import gurobipy as gp
    from gurobipy import GRB

    with gp.Env(empty=True) as env:
        env.setParam("OutputFlag", 0)
        env.start()
        with gp.Model(env=env) as g:
            g.Params.Threads = 1 if threads is None else threads
            g.Params.TimeLimit = time_left
            vtype = np.full(len(m.cost), GRB.CONTINUOUS)
            vtype[m.ints] = GRB.INTEGER
            v = g.addMVar(len(m.cost), lb=m.col_lo, ub=m.col_hi, vtype=vtype)
            A = m.A.tocsr()
            for mask, rhs, sense in ((np.isfinite(m.row_hi), m.row_hi, GRB.LESS_EQUAL),
                                     (np.isfinite(m.row_lo), m.row_lo, GRB.GREATER_EQUAL)):
                g.addMConstr(A[mask], v, sense, rhs[mask])
            g.setObjective(m.cost @ v + m.offset, GRB.MAXIMIZE)
            try:
                g.optimize()
            except gp.GurobiError as e:
                if e.errno == GRB.Error.SIZE_LIMIT_EXCEEDED:
                    raise LicenceLimit(str(e)) from e
                raise
            val = g.ObjVal if g.SolCount else None
            return g.Status == GRB.OPTIMAL, val, g.ObjBound


def gurobi_error(G, timeout: float, threads: int | None = 1) -> dict:
    """``max |N(x) - max(x)|`` over [0,1]^d by Gurobi (float), within ``timeout`` s in all: the
    dict of :func:`milp_baseline.milp_error`. Raises :class:`LicenceLimit` past the licence."""
    return milp_error(G, timeout, threads, solve=_gurobi_solve)
