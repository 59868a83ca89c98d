"""E(d, 2) and E_rel(d, 2): the exact depth-2 optima, their structure, and a conjectured pattern.

Depth L = 2 gives subpools up to 4: R = {0..4} (absolute) and {1..4} (relative), for d >= 5.
Every table row is solved by :func:`optimal_approximation` and its dual certificate re-checked in
exact arithmetic.

**Why Chebyshev.** ``C(d-j, k)`` is a polynomial of degree k in j, so the vertex residual is
``r_j = p(j) - [j >= 1]`` for an arbitrary polynomial p of degree <= 4 (absolute), or one with
``p(0) = 0`` and ``p(d) = 1`` (relative: no constant, ``sum beta = 1``). So E(d, 2) is a discrete
Chebyshev problem on the integers 0..d, and its equioscillation points sit near the extrema of a
T_4 stretched over the vertices. Two consequences are *proved* (by construction; :func:`upper_bound`):

* absolute: ``p(j) = 1 - U T_4((2j - d - 1)/(d - 1))`` with ``U = 1/(1 + T_4((d+1)/(d-1)))`` is
  feasible, so ``E(d, 2) <= U(d) = (d-1)^4 / (2 (d^2 + 6d + 1)^2)``  (``1 + T_4 = 2 T_2^2``);
* relative: ``p(j) = 1 - U T_4(-1 + (j-1)(1 + cos(pi/8))/(d-1))`` puts the zero ``cos(pi/8)`` of
  T_4 at j = d, so ``E_rel(d, 2) <= U_rel(d) = 1 / T_4(1 + (1 + cos(pi/8))/(d-1))``.

**Symmetry (proved).** The absolute problem has an optimum with ``p(j) = p(d + 1 - j)``: restrict p
to quadratics in ``u = (j - (d+1)/2)^2``. The targets agree on j and d + 1 - j for j = 1..d, so this
is a Chebyshev problem for the Haar system 1, u, u^2 on the distinct values u(0) (target 0) and
u(1), .., u(ceil(d/2)) (target 1); its optimum alternates on 4 of them, ``0 < j1 < j2 < j3``. Mirrored,
``0, j1, j2, j3, d+1-j2, d+1-j1`` alternate in sign in j: 6 points, which by de la Vallee Poussin
makes it optimal among all quartics. (The LP's own optimum is symmetric at every tabulated d.)

The exact optimum is the discrete version: the inner support vertices are the integers next to the
stretched extrema ``x = -cos(pi/4), 0, cos(pi/4)`` (conjectured; checked on every row). The first
sits at ``(2 - sqrt 2)/4 * d + O(1)``, an irrational slope, so it is affine in d in no residue
class, and :func:`derive_pattern` refuses (:func:`closed_form_attempts` runs it and reports why).
Given the support nodes ``n_0 < .. < n_5``
(``0, 1, a, b, c, d``), the error is de la Vallee Poussin's: with the divided-difference weights
``w_i = 1 / prod_{k != i} (n_i - n_k)`` (they annihilate every polynomial of degree <= 4),
``E = |w_0| / sum_i |w_i|`` (absolute) and ``E_rel = |w_0| / (|w_1| + |w_a| + |w_b| + |w_c|)``;
any nodes give a lower bound (:func:`error_from_nodes`). :func:`support_pattern` states the
conjectured support rule and checks it, and this formula, against every row.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import product

from maxcert.symbolic.optimal import SymbolicError, optimal_approximation

R_ABS = (0, 1, 2, 3, 4)
R_REL = (1, 2, 3, 4)
COS4 = math.cos(math.pi / 4)
COS8 = math.cos(math.pi / 8)


@dataclass
class Depth2Optimum:
    """One exact optimum: error, where |residual| = error, the dual support ``[(j, sign, mu)]``, betas."""

    error: Fraction
    equioscillation: list
    support: list
    betas: dict
    checked: bool

    def support_signs(self) -> list:
        """``[(j, sign)]`` of the dual support, by vertex."""
        return [(j, s) for j, s, _ in self.support]


@dataclass
class Depth2Row:
    d: int
    absolute: Depth2Optimum
    relative: Depth2Optimum


def depth2_optimum(d: int, relative: bool = False) -> Depth2Optimum:
    """The exact optimum of R = {0..4} (or {1..4} relative) at d, certificate re-checked.

    Examples
    --------
    >>> o = depth2_optimum(5)                  # R = {0..4} is "big" at d = 5: 1/2^5
    >>> o.error, o.checked, o.support_signs()[:3]
    (Fraction(1, 32), True, [(0, 1), (1, -1), (2, 1)])
    >>> depth2_optimum(5, relative=True).error  # relative "big": 1/(2^5 - 2)
    Fraction(1, 30)
    """
    if isinstance(d, bool) or not isinstance(d, int) or d < 5:
        raise SymbolicError(f"depth 2 is inexact only for d >= 5 (the tree is exact for d <= 4), got d = {d!r}")
    opt = optimal_approximation(d, list(R_REL if relative else R_ABS), relative=relative)
    support = [(j, s, mu) for j, (s, mu) in sorted(opt.dual.items())]
    return Depth2Optimum(opt.error, list(opt.equioscillation), support, dict(opt.betas), opt.check())


def depth2_table(d_max: int = 40, d_min: int = 5) -> list:
    """Rows ``d_min..d_max`` of E(d, 2) and E_rel(d, 2), each with its exactly checked certificate.

    Examples
    --------
    >>> rows = depth2_table(7)
    >>> [(r.d, r.absolute.error, r.relative.error) for r in rows]
    [(5, Fraction(1, 32), Fraction(1, 30)), (6, Fraction(1, 20), Fraction(1, 18)), (7, Fraction(5, 66), Fraction(3, 35))]
    >>> all(r.absolute.checked and r.relative.checked for r in rows)
    True
    """
    if d_min < 5 or d_max < d_min:
        raise SymbolicError(f"need 5 <= d_min <= d_max, got d_min = {d_min}, d_max = {d_max}")
    return [Depth2Row(d, depth2_optimum(d), depth2_optimum(d, relative=True)) for d in range(d_min, d_max + 1)]


# ---------------------------------------------------------------- the continuous model and its bounds


def chebyshev_positions(d: int, relative: bool = False) -> list:
    """The three inner extrema of the stretched T_4 (see the module doc), as vertex positions j.

    Absolute: ``[1, d] -> [-1, 1]``; relative: ``j = 1 -> -1`` and ``j = d -> cos(pi/8)``. The
    middle one is exactly ``(d + 1)/2`` when absolute (a Fraction, so even d is an exact tie).

    Examples
    --------
    >>> [round(float(x), 3) for x in chebyshev_positions(40)]
    [6.711, 20.5, 34.289]
    >>> [round(x, 3) for x in chebyshev_positions(40, relative=True)]
    [6.937, 21.272, 35.606]
    """
    if relative:
        return [1 + (d - 1) * (1 + x) / (1 + COS8) for x in (-COS4, 0.0, COS4)]
    half = (d - 1) / 2 * COS4
    return [(d + 1) / 2 - half, Fraction(d + 1, 2), (d + 1) / 2 + half]


def _nearest(x) -> list:
    """The integers nearest to x: two when x is a half-integer (exact for Fractions)."""
    if isinstance(x, Fraction):
        lo = math.floor(x)
        return [lo, lo + 1] if x - lo == Fraction(1, 2) else [round(x)]
    # the irrational positions are never within 1e-9 of a half-integer for the d tabulated (the
    # closest, d = 100, is 0.002 away), so float rounding picks the true nearest integer
    return [math.floor(x + 0.5)]


def upper_bound(d: int, relative: bool = False):
    """The proved Chebyshev upper bound U(d) >= E(d, 2) (``U_rel(d) >= E_rel(d, 2)``).

    Absolute: the exact rational ``(d-1)^4 / (2 (d^2 + 6d + 1)^2)``. Relative: the algebraic
    ``1 / T_4(1 + (1 + cos(pi/8))/(d-1))``, as a float.

    Examples
    --------
    >>> upper_bound(5), depth2_optimum(5).error < upper_bound(5)
    (Fraction(2, 49), True)
    >>> round(upper_bound(40, relative=True), 6)
    0.528957
    """
    if relative:
        x = 1 + (1 + COS8) / (d - 1)
        return 1 / (8 * x**4 - 8 * x**2 + 1)
    return Fraction((d - 1) ** 4, 2 * (d * d + 6 * d + 1) ** 2)


def chebyshev_residuals(d: int) -> list:
    """Exact residuals ``r_j = p(j) - [j >= 1]`` of the absolute bound's polynomial, j = 0..d.

    ``p(j) = 1 - U T_4((2j - d - 1)/(d - 1))`` has degree 4 in j, so it is in the span of the
    vertex values of R = {0..4}; ``max |r_j| = U(d)`` proves ``E(d, 2) <= U(d)`` at this d.

    Examples
    --------
    >>> r = chebyshev_residuals(9)
    >>> max(abs(v) for v in r) == upper_bound(9) == r[0]
    True
    """
    U = upper_bound(d)
    out = []
    for j in range(d + 1):
        x = Fraction(2 * j - d - 1, d - 1)
        out.append(1 - U * (8 * x**4 - 8 * x**2 + 1) - (1 if j else 0))
    return out


# ---------------------------------------------------------------- error from the support nodes


def error_from_nodes(d: int, nodes, relative: bool = False) -> Fraction:
    """de la Vallee Poussin's bound from six nodes ``0 < 1 <= a < b < c <= d``: exact when they are the support.

    The weights ``w_i = 1/prod_{k != i}(n_i - n_k)`` annihilate every polynomial of degree <= 4, so
    ``sum_i w_i r_i = -sum_i w_i [n_i >= 1] = w_0``: every approximator errs by at least
    ``|w_0| / sum |w_i|`` (relative: r = 0 at n_5 = d, so that node drops from the sum).

    Examples
    --------
    >>> error_from_nodes(5, [0, 1, 2, 3, 4, 5]), error_from_nodes(5, [0, 1, 2, 3, 4, 5], relative=True)
    (Fraction(1, 32), Fraction(1, 30))
    >>> error_from_nodes(40, [0, 1, 7, 21, 34, 40]) == depth2_optimum(40).error
    True
    """
    n = [int(v) for v in nodes]
    if len(n) != 6 or n[0] != 0 or n[-1] != d or sorted(set(n)) != n:
        raise SymbolicError(f"need six increasing nodes from 0 to d = {d}, got {nodes}")
    w = []
    for i, ni in enumerate(n):
        prod = 1
        for k, nk in enumerate(n):
            if k != i:
                prod *= ni - nk
        w.append(Fraction(1, prod))
    den = sum(abs(v) for v in (w[1:5] if relative else w))
    return abs(w[0]) / den


def predicted_support(d: int, relative: bool = False) -> list:
    """The conjectured dual support(s): lists of ``(j, sign)``, one per choice of nearest integers.

    Absolute: ``0+, 1-, a+, b-, c+, d-`` with a, b, c nearest to the stretched extrema (two choices
    of b for even d, a tie). Relative: ``1-, a+, b-, c+`` with a, b, c in floor/ceil of the
    extrema, nearest first (the nearest fails at a few d: see :func:`support_pattern`).

    Examples
    --------
    >>> predicted_support(9)
    [[(0, 1), (1, -1), (2, 1), (5, -1), (8, 1), (9, -1)]]
    >>> predicted_support(40, relative=True)[0]
    [(1, -1), (7, 1), (21, -1), (36, 1)]
    """
    pos = chebyshev_positions(d, relative)
    if relative:
        choices = [sorted({math.floor(x), math.ceil(x)}, key=lambda v, x=x: abs(v - x)) for x in pos]
        return [[(1, -1), (a, 1), (b, -1), (c, 1)] for a, b, c in product(*choices) if 1 < a < b < c < d]
    return [[(0, 1), (1, -1), (a, 1), (b, -1), (c, 1), (d, -1)]
            for a, b, c in product(*[_nearest(x) for x in pos])]


def conjectured_error(d: int, relative: bool = False) -> Fraction:
    """E(d, 2) (or E_rel) as the conjecture gives it: the best de la Vallee Poussin bound over the predicted supports.

    Every candidate gives a valid lower bound, so this is <= the true optimum always; the
    conjecture is that it is equal (the true support is among the candidates).

    Examples
    --------
    >>> conjectured_error(20) == depth2_optimum(20).error
    True
    """
    best = Fraction(0)
    for sup in predicted_support(d, relative):
        inner = [j for j, _ in sup if 1 < j < d]
        best = max(best, error_from_nodes(d, [0, 1, *inner, d], relative))
    return best


# ---------------------------------------------------------------- the pattern, checked row by row

PATTERN_ABS = (
    "Conjecture (absolute, R = {0..4}): the equioscillation set contains 0, 1, d and the integers nearest to "
    "the extrema (d+1)/2 - (d-1)/2 cos(pi/4), (d+1)/2, (d+1)/2 + (d-1)/2 cos(pi/4) of the T_4 stretched over "
    "[1, d] (so a ~ (2 - sqrt 2)/4 d, c = d + 1 - a, and both d/2, d/2 + 1 for even d); within 1..d it is "
    "symmetric under j -> d + 1 - j, as is the residual polynomial, p(j) = p(d + 1 - j); the dual support is "
    "0(+), 1(-), a(+), b(-), c(+), d(-), each of a, b, c the floor or ceiling of its extremum (the nearest "
    "unless both equioscillate); and E(d, 2) = |w_0| / sum |w_i| over the nodes 0, 1, a, b, c, d with a, b, c "
    "the nearest integers (w: divided-difference weights)."
)
PATTERN_REL = (
    "Conjecture (relative, R = {1..4}): the dual support is 1(-), a(+), b(-), c(+) with each of a, b, c the "
    "floor or ceiling of 1 + (d-1)(1 + x)/(1 + cos(pi/8)), x = -cos(pi/4), 0, cos(pi/4) (the T_4 stretched "
    "so its zero cos(pi/8) falls on j = d); the equioscillation set is exactly the support; and "
    "E_rel(d, 2) = max over those floor/ceiling choices of |w_0| / (|w_1| + |w_a| + |w_b| + |w_c|)."
)


@dataclass
class Pattern:
    """The conjectured structure, and the rows it was checked on.

    ``agree`` / ``disagree``: d values, per ``"absolute"`` / ``"relative"``. ``not_nearest``: d
    where a relative support vertex is the floor/ceiling *farther* from its extremum (the
    conjecture allows it; the nearest-integer rule, exact for the absolute case, fails there).
    ``ties``: d where both neighbours of an irrational extremum equioscillate (absolute; the dual
    support may then take the farther one). ``bound_ok``: d where the proved upper bound holds.
    """

    statement: dict
    agree: dict = field(default_factory=dict)
    disagree: dict = field(default_factory=dict)
    not_nearest: dict = field(default_factory=dict)
    ties: dict = field(default_factory=dict)
    bound_ok: dict = field(default_factory=dict)

    @property
    def holds(self) -> bool:
        return not any(self.disagree.values())


def _floor_ceil_ok(d: int, sup: list, relative: bool) -> bool:
    """The support has the conjectured signs, each inner vertex the floor or ceiling of its extremum."""
    head = [(1, -1)] if relative else [(0, 1), (1, -1)]
    tail = [] if relative else [(d, -1)]
    inner = sup[len(head):len(sup) - len(tail)]
    if sup[:len(head)] != head or sup[len(sup) - len(tail):] != tail or [s for _, s in inner] != [1, -1, 1]:
        return False
    return all(math.floor(x) <= j <= math.ceil(x) for (j, _), x in zip(inner, chebyshev_positions(d, relative)))


def is_symmetric(d: int, betas: dict) -> bool:
    """Whether the absolute residual polynomial satisfies ``p(j) = p(d + 1 - j)`` for j = 0..d+1 (exact).

    ``M_k(v_j) = 1 - C(d-j, k)/C(d, k)`` is evaluated as the polynomial in j (also at j = d + 1).

    Examples
    --------
    >>> is_symmetric(9, depth2_optimum(9).betas), is_symmetric(9, {0: 0, 1: 1, 2: 0, 3: 0, 4: 0})
    (True, False)
    """
    def p(j):
        total = Fraction(0)
        for k, b in betas.items():
            top = Fraction(1)
            for i in range(k):  # C(d - j, k) as a polynomial in j; C(d, k) is its value at j = 0
                top *= Fraction(d - j - i, d - i)
            total += b * (1 if k == 0 else 1 - top)
        return total

    return all(p(j) == p(d + 1 - j) for j in range(d + 2))


def _agrees(d: int, o: Depth2Optimum, relative: bool) -> bool:
    sup = o.support_signs()
    if not o.checked or not _floor_ceil_ok(d, sup, relative):
        return False
    if relative:
        if o.equioscillation != [j for j, _ in sup]:
            return False
    else:
        inner = {j for j in o.equioscillation if j >= 1}
        wanted = {j for x in chebyshev_positions(d) for j in _nearest(x)}
        if {d + 1 - j for j in inner} != inner or not wanted <= inner or not is_symmetric(d, o.betas):
            return False
    return conjectured_error(d, relative) == o.error


def support_pattern(rows) -> Pattern:
    """State the conjectured support pattern and check it against every row.

    Examples
    --------
    >>> p = support_pattern(depth2_table(12))
    >>> p.holds, p.agree["absolute"] == list(range(5, 13)), p.not_nearest["relative"]
    (True, True, [5])
    """
    pat = Pattern({"absolute": PATTERN_ABS, "relative": PATTERN_REL})
    for key in ("absolute", "relative"):
        rel = key == "relative"
        for part in (pat.agree, pat.disagree, pat.not_nearest, pat.ties, pat.bound_ok):
            part[key] = []
        for r in rows:
            o = getattr(r, key)
            (pat.agree if _agrees(r.d, o, rel) else pat.disagree)[key].append(r.d)
            inner = [j for j, _ in o.support_signs() if 1 < j < r.d]
            if not all(j in _nearest(x) for j, x in zip(inner, chebyshev_positions(r.d, rel))):
                pat.not_nearest[key].append(r.d)
            eq = set(o.equioscillation)
            pos = chebyshev_positions(r.d, rel)
            # a tie: both neighbours of a (or c) equioscillate, neither being another support role
            others = {0, 1, r.d, *(_nearest(pos[1]) if not rel else [])}
            if any({math.floor(x), math.ceil(x)} <= eq - others and math.floor(x) != x for x in pos[::2]):
                pat.ties[key].append(r.d)
            U = upper_bound(r.d, rel)
            # absolute: exact comparison with the rational bound; relative: the bound is irrational,
            # compared in floats (the smallest gap U - E_rel up to d = 200 is ~1e-5, far above rounding)
            if (o.error <= U) if not rel else (float(o.error) <= U * (1 + 1e-12)):
                pat.bound_ok[key].append(r.d)
    return pat


def closed_form_attempts(moduli=(1, 2, 3, 4)) -> list:
    """Run :func:`derive_pattern` on R = {0..4} and {1..4} in every residue class mod q.

    Returns ``[(relative, q, p, outcome)]``: the proved closed form's condition, or the reason the
    method refuses (it needs the equioscillation vertices affine in d; here they drift like
    (2 - sqrt 2)/4 d). An empty refusal list would mean a theorem to report.

    Examples
    --------
    >>> [(rel, q, "does not move affinely" in out) for rel, q, p, out in closed_form_attempts((1,))]
    [(False, 1, True), (True, 1, True)]
    """
    from maxcert.symbolic.closed_forms import NoClosedForm, derive_pattern

    out = []
    for relative in (False, True):
        R = list(R_REL if relative else R_ABS)
        for q in moduli:
            for p in range(q):
                try:
                    cf = derive_pattern("x", lambda d, R=R: R, q=q, p=p, d_least=5, relative=relative)
                    out.append((relative, q, p, f"{'proved' if cf.proved else 'NOT proved'} for {cf.where()}"))
                except NoClosedForm as e:
                    out.append((relative, q, p, f"no closed form: {e}"))
    return out
