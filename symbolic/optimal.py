"""The optimal approximator of an index set R, in exact rationals, with a dual certificate.

Minimise ``max_j |f(v_j) - max(v_j)|`` over the betas, a small LP. Float LP (HiGHS) proposes
the active vertices and the dual support; the betas and the dual multipliers are then solved
exactly and *checked* exactly: a dual certificate ``mu >= 0``, ``sum mu = 1``,
``sum_j mu_j s_j A_j = 0`` proves no betas beat ``E = -sum_j mu_j s_j y_j``, and the betas
reach E. If the check fails, an exact rational simplex decides instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from maxcert.errors import MaxcertError
from maxcert.symbolic.order_stats import relative_system, vertex_system


class SymbolicError(MaxcertError):
    """A malformed question (bad d, R or family)."""


def check_index_set(d: int, R) -> list:
    """Validate R as a subset of {0..d-1}; returns it sorted.

    Examples
    --------
    >>> check_index_set(5, [4, 0, 1])
    [0, 1, 4]
    >>> check_index_set(5, [0, 5])
    Traceback (most recent call last):
    ...
    maxcert.symbolic.optimal.SymbolicError: index k = 5 is not in 0..4 (k = d would be the max itself)
    """
    if isinstance(d, bool) or not isinstance(d, int) or d < 2:
        raise SymbolicError(f"d must be an integer >= 2, got {d!r}")
    R = list(R)
    if not R:
        raise SymbolicError("the index set R is empty")
    for k in R:
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
            raise SymbolicError(f"index {k!r} is not an integer")
        if not 0 <= k <= d - 1:
            raise SymbolicError(f"index k = {k} is not in 0..{d - 1} (k = d would be the max itself)")
    if len(set(R)) != len(R):
        raise SymbolicError(f"index set {R} lists an index twice")
    return sorted(int(k) for k in R)


@dataclass
class OptimalApproximation:
    """Optimal betas for (d, R), the optimal worst-case error, and its proof.

    ``dual`` maps a vertex j to ``(sign, mu)``: the residual at v_j has sign ``sign`` and weight ``mu``.
    With ``relative`` the approximator has no constant and ``sum beta = 1``, and ``error`` bounds
    ``|f(x) - max(x)| / (max(x) - min(x))`` on all of R^d (see :func:`optimal_approximation`).
    """

    d: int
    R: list
    betas: dict
    error: Fraction
    equioscillation: list
    dual: dict = field(default_factory=dict)
    method: str = "highs+exact"
    relative: bool = False

    def residuals(self) -> list:
        """``f(v_j) - max(v_j)`` at the vertices: j = 0..d, or j = 1..d-1 when relative."""
        A, y = vertex_system(self.d, self.R)
        res = [sum(a * self.betas[k] for a, k in zip(row, self.R)) - yj for row, yj in zip(A, y)]
        return res[1:-1] if self.relative else res

    def check(self) -> bool:
        """Re-verify in exact arithmetic: the betas reach ``error`` and the dual proves it optimal."""
        return check_certificate(self.d, self.R, self.betas, self.error, self.dual, self.relative)

    def to_dict(self) -> dict:
        out = {
            "d": self.d,
            "R": self.R,
            "error": str(self.error),
            "betas": {str(k): str(v) for k, v in self.betas.items()},
            "equioscillation": self.equioscillation,
            "dual": {str(j): {"sign": s, "mu": str(m)} for j, (s, m) in sorted(self.dual.items())},
        }
        if self.relative:
            out["relative"] = True
        return out


def _system(d, R, relative):
    """``(A, y, free, first)``: the LP ``min_b max_i |A_i b - y_i|`` over the betas of ``free``;
    row i stands for vertex ``j = i + first``."""
    if relative:
        A, y = relative_system(d, R)
        return A, y, R[:-1], 1
    A, y = vertex_system(d, R)
    return A, y, R, 0


def _check_rows(A, y, beta, error, dual) -> bool:
    """Exact check of one LP: max_i |A_i beta - y_i| == error and the dual proves error optimal."""
    res = [sum(a * b for a, b in zip(row, beta)) - yi for row, yi in zip(A, y)]
    if max(abs(r) for r in res) != error:
        return False
    if not dual or any(m < 0 for _, m in dual.values()) or sum(m for _, m in dual.values()) != 1:
        return False
    if any(not 0 <= i < len(A) for i in dual):
        return False
    for c in range(len(beta)):
        if sum(m * s * A[i][c] for i, (s, m) in dual.items()) != 0:
            return False
    return -sum(m * s * y[i] for i, (s, m) in dual.items()) == error


def check_certificate(d, R, betas, error, dual, relative: bool = False) -> bool:
    """Exact check: max_j |residual_j| == error, and the dual multipliers prove error is a lower bound.

    ``relative``: also ``sum beta = 1`` and no constant; residuals at ``v_1 .. v_{d-1}``.

    Examples
    --------
    >>> r = optimal_approximation(4, [1, 2], relative=True)
    >>> check_certificate(4, [1, 2], r.betas, r.error, r.dual, relative=True)
    True
    >>> check_certificate(4, [1, 2], r.betas, r.error / 2, r.dual, relative=True)
    False
    """
    R = list(R)
    if sorted(betas) != sorted(R):
        return False
    if relative and (0 in R or sum(betas.values()) != 1):
        return False
    A, y, free, first = _system(d, R, relative)
    rows = {}
    for j, sm in dual.items():
        rows[j - first] = sm
    return _check_rows(A, y, [betas[k] for k in free], error, rows)


def _pivot(T, r, c):
    """Gauss-Jordan step in exact rationals: scale row r to a 1 in column c, clear c elsewhere."""
    pv = T[r][c]
    T[r] = [v / pv for v in T[r]]
    for i in range(len(T)):
        if i != r and T[i][c] != 0:
            f = T[i][c]
            T[i] = [a - f * b for a, b in zip(T[i], T[r])]


def _solve_exact(M, b):
    """One exact solution of M z = b (free variables 0), or None if inconsistent."""
    rows, cols = len(M), len(M[0]) if M else 0
    aug = [list(r) + [bb] for r, bb in zip(M, b)]
    piv_cols = []
    r = 0
    for c in range(cols):
        p = next((i for i in range(r, rows) if aug[i][c] != 0), None)
        if p is None:
            continue
        aug[r], aug[p] = aug[p], aug[r]
        _pivot(aug, r, c)
        piv_cols.append(c)
        r += 1
        if r == rows:
            break
    if any(all(v == 0 for v in row[:-1]) and row[-1] != 0 for row in aug):
        return None
    z = [Fraction(0)] * cols
    for i, c in enumerate(piv_cols):
        z[c] = aug[i][-1]
    return z


def _rational_simplex(A, y):
    """The exact optimum of the vertex LP by a dense simplex in rationals (Bland's rule: it ends).

    It solves the dual: max ``-sum_i mu_i s_i y_{j_i}`` over ``mu >= 0`` with ``sum_i mu_i s_i A_{j_i} = 0``
    and ``sum mu = 1``, one variable per vertex j and sign s; the betas are minus the simplex
    multipliers of the first rows. Returns ``(betas, E, dual)`` after the exact certificate check,
    or None (betas as a list over A's columns, the dual keyed by row). (Used when the float LP's basis
    is off by its tolerance, instead of enumerating.)
    """
    m, n = len(A), len(A[0])
    cols = [([s * A[j][c] for c in range(n)] + [Fraction(1)], -s * y[j], j, s) for s in (1, -1) for j in range(m)]
    N, rows = len(cols), n + 1
    T = [[cols[i][0][r] for i in range(N)] + [Fraction(int(r == q)) for q in range(rows)] + [Fraction(int(r == n))]
         for r in range(rows)]
    basis = [N + r for r in range(rows)]

    def pivot(r, c):
        _pivot(T, r, c)
        basis[r] = c

    def run(cost, allowed):
        while True:
            cb = [cost[b] for b in basis]
            enter = next((j for j in range(allowed) if j not in basis
                          and cost[j] - sum(cb[r] * T[r][j] for r in range(rows)) > 0), None)
            if enter is None:
                return
            best = None
            for r in range(rows):
                if T[r][enter] > 0:
                    key = (T[r][-1] / T[r][enter], basis[r])
                    if best is None or key < best[0]:
                        best = (key, r)
            if best is None:
                return  # unbounded: impossible for this LP
            pivot(best[1], enter)

    run([Fraction(0)] * N + [Fraction(-1)] * rows, N + rows)  # phase 1: no artificial left above 0
    if any(b >= N and T[r][-1] != 0 for r, b in enumerate(basis)):
        return None
    for r, b in enumerate(basis):
        if b >= N:
            c = next((j for j in range(N) if j not in basis and T[r][j] != 0), None)
            if c is not None:
                pivot(r, c)
    cost = [cols[i][1] for i in range(N)] + [Fraction(0)] * rows
    run(cost, N)
    pi = [sum(cost[basis[r]] * T[r][N + q] for r in range(rows)) for q in range(rows)]
    E = sum(cost[b] * T[r][-1] for r, b in enumerate(basis))
    dual = {}
    for r, b in enumerate(basis):
        if b < N and T[r][-1] != 0:
            _, _, j, s = cols[b]
            dual[j] = (s, dual.get(j, (s, 0))[1] + T[r][-1])
    beta = [-pi[c] for c in range(n)]
    return (beta, E, dual) if _check_rows(A, y, beta, E, dual) else None


def _exact_from_float(A, y):
    """Rebuild an exact optimum from HiGHS's primal and dual; None if the check fails."""
    from scipy.optimize import linprog

    n = len(A[0])
    Af = np.array([[float(v) for v in row] for row in A])
    yf = np.array([float(v) for v in y])
    m = len(A)
    # variables (beta, t); rows: (A beta - y) - t <= 0 and -(A beta - y) - t <= 0
    A_ub = np.vstack([np.hstack([Af, -np.ones((m, 1))]), np.hstack([-Af, -np.ones((m, 1))])])
    b_ub = np.concatenate([yf, -yf])
    c = np.zeros(n + 1)
    c[-1] = 1
    res = linprog(c, A_ub=A_ub, b_ub=b_ub, bounds=[(None, None)] * (n + 1), method="highs")
    if res.status != 0:
        return None
    marg = -res.ineqlin.marginals
    support = [(i % m, 1 if i < m else -1) for i in range(2 * m) if marg[i] > 1e-9]
    if not support:
        return None
    # dual: sum_i mu_i s_i A_{j_i} = 0 (n equations), sum mu = 1
    M = [[s * A[j][col] for (j, s) in support] for col in range(n)] + [[Fraction(1)] * len(support)]
    rhs = [Fraction(0)] * n + [Fraction(1)]
    mu = _solve_exact(M, rhs)
    if mu is None or any(v < 0 for v in mu):
        mu = [Fraction(float(v)).limit_denominator(1 << 40) for v in marg[[i for i in range(2 * m) if marg[i] > 1e-9]]]
    dual = {}
    for (j, s), v in zip(support, mu):
        if v != 0:
            dual[j] = (s, dual.get(j, (s, 0))[1] + v)
    E = -sum(mv * s * y[j] for j, (s, mv) in dual.items())
    # primal: residual at each support vertex equals s * E
    P = [list(A[j]) for j in dual]
    q = [y[j] + s * E for j, (s, _) in dual.items()]
    beta = _solve_exact(P, q)
    if beta is None:
        return None
    free_fix = [Fraction(float(v)).limit_denominator(1 << 30) for v in res.x[:n]]
    if _max_res(A, y, beta) != E:
        # underdetermined: pin free betas to HiGHS's values and solve the rest exactly
        for c in range(n):
            row = [Fraction(0)] * n
            row[c] = Fraction(1)
            trial = _solve_exact(P + [row], q + [free_fix[c]])
            if trial is not None:
                P, q, beta = P + [row], q + [free_fix[c]], trial
            if _max_res(A, y, beta) == E:
                break
    if not _check_rows(A, y, beta, E, dual):
        return None
    return beta, E, dual


def _max_res(A, y, beta):
    return max(abs(sum(a * b for a, b in zip(row, beta)) - yj) for row, yj in zip(A, y))


def _exact_simplex(A, y):
    """Exact fallback: Chebyshev fit by enumerating equioscillation sets (the LP's vertices).

    For each choice of len(R)+1 vertices and signs, solve the square system exactly; the best
    feasible choice with a valid dual is optimal. Exponential, but only used when the float
    path fails a check, which the test suite shows does not happen for d <= 14.
    """
    from itertools import combinations, product

    n = len(A[0])
    best = None
    for S in combinations(range(len(A)), n + 1):
        for signs in product((1, -1), repeat=n + 1):
            M = [[s * A[j][c] for j, s in zip(S, signs)] for c in range(n)] + [[Fraction(1)] * (n + 1)]
            mu = _solve_exact(M, [Fraction(0)] * n + [Fraction(1)])
            if mu is None or any(v < 0 for v in mu):
                continue
            dual = {j: (s, v) for j, s, v in zip(S, signs, mu) if v != 0}
            E = -sum(v * s * y[j] for j, (s, v) in dual.items())
            P = [list(A[j]) for j in dual]
            beta = _solve_exact(P, [y[j] + s * E for j, (s, _) in dual.items()])
            if beta is None:
                continue
            if _max_res(A, y, beta) == E and (best is None or E < best[1]):
                best = (beta, E, dual)
    return best


def _solve(A, y):
    """``(beta, E, dual, method)``: the exact optimum of ``min_b max_i |A_i b - y_i|``, checked."""
    if not A[0]:  # no free beta: the residual is fixed, its largest entry is the error
        i = max(range(len(y)), key=lambda r: abs(y[r]))
        return [], abs(y[i]), {i: (-1 if y[i] > 0 else 1, Fraction(1))}, "fixed"
    for method, solver in (("highs+exact", _exact_from_float), ("exact-simplex", _rational_simplex),
                           ("exact-enumeration", _exact_simplex)):
        got = solver(A, y)  # HiGHS's basis first; the exact simplex when it fails its exact check
        if got is not None:
            return (*got, method)
    raise SymbolicError("no optimum found")  # pragma: no cover - the LP always has one


def optimal_approximation(d: int, R: Iterable[int], relative: bool = False) -> OptimalApproximation:
    """The exact optimum of ``min_beta max_x |beta_0 + sum_k beta_k M_k(x) - max(x)|`` on [0,1]^d.

    With ``relative=True`` the approximator is shift-equivariant: no constant (0 not in R) and
    ``sum beta = 1``. Then ``f(x) - max(x)`` depends only on ``x - min(x)``, and ``error`` is
    ``E_rel = sup |f(x) - max(x)| / (max(x) - min(x))`` over all of R^d, attained at the 0/1
    vertices with 1..d-1 ones (the reduction is in docs/how-it-works.md#relative).

    Examples
    --------
    >>> r = optimal_approximation(4, [0, 1, 3])    # "small": 1/(2(d+1))
    >>> r.error, r.check()
    (Fraction(1, 10), True)
    >>> optimal_approximation(5, [0]).betas    # the best constant is 1/2
    {0: Fraction(1, 2)}
    >>> r = optimal_approximation(4, [1, 2], relative=True)    # 2 M_2 - M_1: off by 1/4 at v_1, v_3
    >>> r.error, r.betas, r.check()
    (Fraction(1, 4), {1: Fraction(-1, 1), 2: Fraction(2, 1)}, True)
    """
    R = check_index_set(d, R)
    if relative and 0 in R:
        raise SymbolicError("the relative (shift-equivariant) form has no constant: R must not contain 0")
    A, y, free, first = _system(d, R, relative)
    beta, E, rows, method = _solve(A, y)
    betas = dict(zip(free, beta))
    if relative:
        betas[R[-1]] = Fraction(1) - sum(beta)
        betas = {k: betas[k] for k in R}
    dual = {i + first: sm for i, sm in rows.items()}
    res = [sum(a * b for a, b in zip(row, beta)) - yi for row, yi in zip(A, y)]
    eq = [i + first for i, r in enumerate(res) if abs(r) == E]
    opt = OptimalApproximation(d, R, betas, E, eq, dual, method, relative)
    if not opt.check():  # pragma: no cover - each solver's answer was checked on its own rows
        raise SymbolicError(f"the optimum for d={d}, R={R} failed its exact check")
    return opt
