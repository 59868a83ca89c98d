"""Order statistics of the subpool max averages: the matrix B(d) and the vertex values.

With sorted inputs ``x_(1) >= ... >= x_(d)``, ``M_k(x) = sum_j C(d-j, k-1)/C(d,k) x_(j)``.
On the ordered simplex the worst case sits at the vertices ``v_j = (1,..,1,0,..,0)`` (j ones),
where ``M_k(v_j) = 1 - C(d-j, k)/C(d, k)`` and ``max(v_j) = [j >= 1]``.
"""

from __future__ import annotations

from fractions import Fraction
from math import comb

import sympy as sp


def B_matrix(d: int) -> sp.Matrix:
    """The paper's B(d): row k (k = 1..d-1) holds the weights of ``x_(1..d)`` in ``M_k``.

    Examples
    --------
    >>> B_matrix(3)
    Matrix([
    [1/3, 1/3, 1/3],
    [2/3, 1/3,   0]])
    """
    _check(d)
    return sp.Matrix(d - 1, d, lambda r, c: sp.Rational(comb(d - (c + 1), r), comb(d, r + 1)))


def M_k_symbolic(d: int, k: int, xs=None) -> sp.Expr:
    """``M_k`` as a sympy expression in the sorted inputs ``x_(1) >= ... >= x_(d)``.

    Examples
    --------
    >>> M_k_symbolic(3, 2)
    2*x1/3 + x2/3
    """
    _check(d)
    xs = xs if xs is not None else sp.symbols(f"x1:{d + 1}")
    return sum(sp.Rational(comb(d - j, k - 1), comb(d, k)) * xs[j - 1] for j in range(1, d + 1))


def vertex_value(d: int, k: int, j: int) -> Fraction:
    """``M_k(v_j)`` exactly; k = 0 is the constant 1.

    Examples
    --------
    >>> vertex_value(4, 2, 1), vertex_value(4, 0, 3), vertex_value(4, 3, 4)
    (Fraction(1, 2), Fraction(1, 1), Fraction(1, 1))
    """
    if k == 0:
        return Fraction(1)
    return 1 - Fraction(comb(d - j, k), comb(d, k))


def vertex_system(d: int, R) -> tuple:
    """``(A, y)``: A[j][i] = value of the i-th basis function of R at v_j; y[j] = max(v_j)."""
    A = [[vertex_value(d, k, j) for k in R] for j in range(d + 1)]
    y = [Fraction(1 if j >= 1 else 0) for j in range(d + 1)]
    return A, y


def avoid_probability(d: int, k: int, j: int) -> Fraction:
    """``p_k(j) = C(d-j, k)/C(d, k)``: a random k-subset misses the top j inputs; ``1 - M_k(v_j)``."""
    return Fraction(comb(d - j, k), comb(d, k))


def relative_system(d: int, R) -> tuple:
    """``(A, y)`` of the shift-equivariant LP, its constraint ``sum beta = 1`` eliminated.

    For ``f = sum_{k in R} beta_k M_k`` (no constant, ``sum beta = 1``) the residual at ``v_j`` is
    ``f(v_j) - 1 = -sum_k beta_k p_k(j)``; only ``j = 1..d-1`` matter (``r_0 = r_d = 0``). With the
    last index ``k0`` of R carrying ``beta_k0 = 1 - sum_{k != k0} beta_k``, the residual is
    ``A b - y`` over the other betas: ``A[j][k] = p_k0(j) - p_k(j)``, ``y[j] = p_k0(j)``.
    Row i stands for the vertex ``j = i + 1``.

    Examples
    --------
    >>> A, y = relative_system(3, [1, 2])    # k0 = 2; p_1(j) = (3-j)/3, p_2(j) = C(3-j, 2)/3
    >>> A, y
    ([[Fraction(-1, 3)], [Fraction(-1, 3)]], [Fraction(1, 3), Fraction(0, 1)])
    """
    *free, k0 = R
    rows = range(1, d)
    A = [[avoid_probability(d, k0, j) - avoid_probability(d, k, j) for k in free] for j in rows]
    y = [avoid_probability(d, k0, j) for j in rows]
    return A, y


def check_vertex_reduction(d: int) -> bool:
    """Prove with sympy, for this d, the identity behind the relative LP: on the sorted cone,
    ``M_k(x) = x_(d) + sum_{i=1}^{d-1} g_i M_k(v_i)`` with gaps ``g_i = x_(i) - x_(i+1)``, for every k,
    and ``max(x) - min(x) = sum_i g_i``. With ``sum beta = 1`` it gives ``f(x) - max(x) =
    sum_i g_i (f(v_i) - 1)``: the ratio to the contrast is a weighted mean of the vertex residuals,
    so its sup over R^d is their largest absolute value.

    Examples
    --------
    >>> all(check_vertex_reduction(d) for d in range(2, 7))
    True
    """
    _check(d)
    low = sp.Symbol("low")
    g = sp.symbols(f"g1:{d}")
    xs = [low + sum(g[i - 1] for i in range(j, d)) for j in range(1, d + 1)]  # x_(1) >= .. >= x_(d) = low
    if sp.expand(xs[0] - xs[-1] - sum(g)) != 0:
        return False
    for k in range(1, d + 1):
        lhs = M_k_symbolic(d, k, xs)
        rhs = low + sum(g[i - 1] * sp.Rational(vertex_value(d, k, i).numerator, vertex_value(d, k, i).denominator)
                        for i in range(1, d))
        if sp.expand(lhs - rhs) != 0:
            return False
    return True


def _check(d):
    from maxcert.symbolic.optimal import SymbolicError

    if isinstance(d, bool) or not isinstance(d, int) or d < 2:
        raise SymbolicError(f"d must be an integer >= 2, got {d!r}")
