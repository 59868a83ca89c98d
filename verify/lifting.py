"""Lift a ReLU network to a *max-affine form* ``c + sum_S w_S max(x_S)``, exactly, when it has one.

Networks built from pairwise-max gadgets (tree networks, the paper's approximators) compute
such forms. Each ReLU is rewritten, in topological order and in exact rationals, by identities
that hold for all reals a, b and every alpha > 0:

* ``relu(alpha (A - B)) = alpha (max(A, B) - B)``, where ``max(max S, max T) = max(S u T)``;
* ``relu(alpha A) = alpha max(A, 0)`` and ``relu(-alpha A) = alpha (max(A, 0) - A)``;
* ``relu(p) = p`` when an exact interval bound shows ``p >= 0`` on the domain, ``0`` when ``p <= 0``.

Here A and B are *atoms* ``max(x_S)`` (S may contain the constant 0). A network whose ReLUs all
fit is equal, as a function, to its lifted form. The form is symmetric in the inputs when its
coefficient depends only on the size of S, which settles permutation invariance syntactically.
On each piece of the ordered cone ``x_1 >= ... >= x_d`` (split at 0 when the domain crosses it)
an atom is one coordinate, so the error is linear there: its sup over a bounded piece is attained
at a vertex, and z3 proves in exact arithmetic, one small linear query per piece and sign, that
nothing exceeds it. Neighbouring pieces with the same linear error are one piece (their union is
convex), and all the queries share one incremental solver (:func:`~maxcert.verify.solvers.check_each`).
"""

from __future__ import annotations

from fractions import Fraction
from itertools import product
from math import comb

import networkx as nx

from maxcert.graphs.evaluate import affine_forms, evaluate_exact, output_form
from maxcert.graphs.schema import input_nodes, output_nodes
from maxcert.verify.domains import Domain

ZERO = -1  # the constant 0 as a member of an atom: max(x_S, 0)


class MaxForm:
    """``const + sum coeffs[S] * max(x_i for i in S)``; S is a frozenset of input indices and ZERO.

    Examples
    --------
    >>> f = MaxForm({frozenset({0, 1}): Fraction(1)}, Fraction(0))
    >>> f.value([Fraction(2), Fraction(5)])
    Fraction(5, 1)
    >>> f.is_symmetric(2)
    True
    """

    def __init__(self, coeffs=None, const=Fraction(0)):
        self.coeffs = {S: c for S, c in (coeffs or {}).items() if c != 0}
        self.const = Fraction(const)

    def add(self, other: MaxForm, scale) -> None:
        if not scale:
            return
        one = scale == 1  # the common case (atoms, unit weights): skip the Fraction products
        if other.const:
            self.const += other.const if one else scale * other.const
        coeffs = self.coeffs
        for S, c in other.coeffs.items():
            c = c if one else scale * c
            v = coeffs.get(S)
            if v is None:
                coeffs[S] = c  # nonzero: other's coefficients and the scale are
            else:
                v += c
                if v:
                    coeffs[S] = v
                else:
                    del coeffs[S]

    def scaled(self, s) -> MaxForm:
        return MaxForm({S: s * c for S, c in self.coeffs.items()}, s * self.const)

    def value(self, x) -> Fraction:
        total = self.const
        for S, c in self.coeffs.items():
            if isinstance(S, frozenset):
                total += c * max(Fraction(0) if i == ZERO else x[i] for i in S)
            else:
                total += c * max(Fraction(0), S.form.value(x))
        return total

    def bounds(self, dom: Domain):
        """Exact interval of the form on the box, or None on an unbounded domain."""
        if not dom.bounded:
            return None
        lo, hi = self.const, self.const
        for S, c in self.coeffs.items():
            a_lo, a_hi = dom.lo, dom.hi
            if not isinstance(S, frozenset):  # relu(form) lies in [0, max(0, sup form)]
                a_lo, a_hi = Fraction(0), max(Fraction(0), S.form.bounds(dom)[1])
            elif ZERO in S:
                a_lo, a_hi = max(a_lo, Fraction(0)), max(a_hi, Fraction(0))
            lo += min(c * a_lo, c * a_hi)
            hi += max(c * a_lo, c * a_hi)
        return lo, hi

    def is_symmetric(self, d: int) -> bool:
        """Invariant under every permutation of the d inputs: coefficients constant on orbits."""
        orbits = {}
        for S, c in self.coeffs.items():
            orbits.setdefault((len(S - {ZERO}), ZERO in S), []).append(c)
        return all(len(set(cs)) == 1 and len(cs) == comb(d, k) for (k, _z), cs in orbits.items())

    def on_sorted(self, d: int):
        """Linear coefficients on the ordered cone: ``(coef over sorted positions, const)``.

        Valid where ``x_0 >= ... >= x_{d-1}`` and, for atoms with ZERO, where the signs are known:
        returns a function of ``j0`` (the number of leading coordinates that are >= 0).
        """
        def at(j0):
            a = [Fraction(0)] * d
            for S, c in self.coeffs.items():
                m = min(S - {ZERO}) if S - {ZERO} else None
                if ZERO in S and (m is None or m >= j0):
                    continue  # max(x_S, 0) = 0 there
                a[m] += c
            return a, self.const
        return at


def _atom(S) -> MaxForm:
    S = frozenset(S)
    if S == {ZERO}:
        return MaxForm()
    return MaxForm({S: Fraction(1)})


class _R:
    """The symbol ``relu(form)``; equal symbols have equal (canonically scaled) forms."""

    def __init__(self, form: MaxForm):
        self.form = form
        self.key = (tuple(sorted(((repr(_order(k)), c) for k, c in form.coeffs.items()))), form.const)
        self._hash = hash(self.key)  # once: a Fraction's hash costs a modular inverse

    def __eq__(self, other):
        return isinstance(other, _R) and self.key == other.key

    def __hash__(self):
        return self._hash

    def __repr__(self):
        return f"relu{self.key}"


def _order(key):
    return (0, len(key), sorted(key)) if isinstance(key, frozenset) else (1, repr(key))


def _opaque(p: MaxForm) -> MaxForm:
    """``relu(p)`` kept as a symbol R(p^), p^ = p scaled so its first coefficient is +1.

    ``relu(alpha p^) = alpha R(p^)`` and ``relu(-alpha p^) = alpha (R(p^) - p^)`` for alpha > 0, so
    the pairs ``relu(p) - relu(-p)`` that carry values (and the relu4 gadget's ``relu(a+b) -
    relu(-a-b)``) cancel; a symbol that survives into a later ReLU or the output ends the lift.
    """
    first = min(p.coeffs, key=_order)
    alpha = p.coeffs[first]
    unit = p.scaled(1 / alpha)
    out = MaxForm({_R(unit): abs(alpha)})
    if alpha < 0:
        out.add(unit, alpha)  # |alpha| (R - p^) with p^ = p / alpha
    return out


def _relu(p: MaxForm, dom: Domain) -> MaxForm:
    b = p.bounds(dom)
    if b is not None and b[0] >= 0:
        return p
    if b is not None and b[1] <= 0:
        return MaxForm()
    if not p.coeffs:
        return MaxForm(const=max(p.const, Fraction(0)))
    atoms_only = all(isinstance(k, frozenset) for k in p.coeffs)
    if atoms_only and p.const == 0 and len(p.coeffs) == 1:
        (S, c), = p.coeffs.items()
        out = _atom(S | {ZERO}).scaled(abs(c))
        if c < 0:  # relu(-A) = relu(A) - A
            out.add(_atom(S), c)
        return out
    if atoms_only and p.const == 0 and len(p.coeffs) == 2:
        (S, a), (T, b) = p.coeffs.items()
        if a == -b:
            if a < 0:  # orient as alpha (A - B), alpha > 0
                S, T, a = T, S, -a
            out = _atom(S | T).scaled(a)
            out.add(_atom(T), -a)
            return out
    return _opaque(p)


def lift(G: nx.DiGraph, dom: Domain) -> MaxForm | None:
    """The max-affine form of a single-output network on the domain, or None if a ReLU does not fit.

    Examples
    --------
    >>> from maxcert.graphs import tree_network
    >>> from maxcert.verify.domains import REALS
    >>> f = lift(tree_network(3), REALS)
    >>> [(sorted(S), c) for S, c in f.coeffs.items()], f.const
    ([([0, 1, 2], Fraction(1, 1))], Fraction(0, 1))
    """
    forms = affine_forms(G)
    ins = input_nodes(G)
    idx = {n: i for i, n in enumerate(ins)}
    value = {n: _atom({i}) for n, i in idx.items()}

    def substitute(coeffs, const):
        f = MaxForm(const=const)
        for s, c in coeffs.items():
            f.add(value[s], c)
        return f

    for n in nx.topological_sort(G):
        if G.nodes[n].get("activation") == "relu":
            p = substitute(*forms[n])
            if not all(isinstance(k, frozenset) for k in p.coeffs):
                b = p.bounds(dom)
                if b is None or (b[0] < 0 < b[1]):
                    return None
            value[n] = _relu(p, dom)
    (o,) = output_nodes(G)
    f = substitute(*output_form(G, forms, o))
    return f if all(isinstance(k, frozenset) for k in f.coeffs) else None


def _sorted_vertices(d, dom: Domain):
    """Vertices of the ordered cone pieces inside the box: non-increasing vectors over {hi, 0, lo}."""
    levels = [dom.hi] + ([Fraction(0)] if dom.lo < 0 < dom.hi else []) + [dom.lo]
    levels = list(dict.fromkeys(levels))
    out = []
    for counts in product(range(d + 1), repeat=len(levels)):
        if sum(counts) == d:
            v = []
            for lv, k in zip(levels, counts):
                v += [lv] * k
            out.append(v)
    return out


def sup_error(f: MaxForm, d: int, dom: Domain):
    """``(sup |f - max|, witness)`` for a symmetric form: exact vertex enumeration of the ordered cone.

    Returns ``("unbounded", x)`` on ``reals`` when the error grows along a ray.

    Examples
    --------
    >>> from maxcert.verify.domains import UNIT
    >>> mean = MaxForm({frozenset({0}): Fraction(1, 2), frozenset({1}): Fraction(1, 2)})
    >>> sup_error(mean, 2, UNIT)    # at (1, 0): 1/2 vs 1
    (Fraction(1, 2), [Fraction(1, 1), Fraction(0, 1)])
    """
    g = MaxForm(f.coeffs, f.const)
    g.add(_atom(range(d)), -1)
    if dom.bounded:
        best = None
        for v in _sorted_vertices(d, dom):
            e = abs(g.value(v))
            if best is None or e > best[0]:
                best = (e, v)
        return best
    # reals: g is const + a positively homogeneous function, linear on each sorted piece
    rays = [[Fraction(1)] * a + [Fraction(0)] * (d - a) for a in range(1, d + 1)]
    rays += [[Fraction(0)] * (d - b) + [Fraction(-1)] * b for b in range(1, d + 1)]
    for r in rays:
        h = g.value(r) - g.const
        if h != 0:
            t = (abs(g.const) + 1) / abs(h) * 2
            return "unbounded", [t * v for v in r]
    return abs(g.const), [Fraction(0)] * d


def sup_relative(f: MaxForm, d: int, dom: Domain):
    """``(sup |f - max| / (max - min), witness)`` for a symmetric form, exactly; ``("unbounded", x)``
    when the error is nonzero at a flat input x (max = min), where no multiple of the contrast covers it.

    On each piece of the ordered cone ``g = f - max`` is affine and the contrast ``c = x_0 - x_{d-1}``
    linear, both >= 0-homogeneous pieces of one polyhedron: writing x as a convex combination of the
    piece's vertices v_i (on a box) or a conic one of its rays (on R^d), ``|g(x)| / c(x) <= max_i
    |g(v_i)| / c(v_i)`` once g vanishes at every vertex or ray with ``c = 0`` (the flat ones). On R^d
    the rays are ``(1^a, 0^(d-a))`` and ``-(0^(d-b), 1^b)``; only ``a = d`` and ``b = d`` are flat.

    Examples
    --------
    >>> from maxcert.verify.domains import REALS, UNIT
    >>> mean = MaxForm({frozenset({0}): Fraction(1, 2), frozenset({1}): Fraction(1, 2)})
    >>> sup_relative(mean, 2, REALS)    # at (1, 0): off by 1/2, contrast 1
    (Fraction(1, 2), [Fraction(1, 1), Fraction(0, 1)])
    >>> sup_relative(MaxForm({frozenset({0}): Fraction(1)}, Fraction(1, 4)), 1, UNIT)[0]    # x + 1/4: flat
    'unbounded'
    """
    g = MaxForm(f.coeffs, f.const)
    g.add(_atom(range(d)), -1)
    if dom.bounded:
        points = _sorted_vertices(d, dom)
    else:
        one = Fraction(1)
        points = [[one] * a + [Fraction(0)] * (d - a) for a in range(1, d + 1)]
        points += [[Fraction(0)] * (d - b) + [-one] * b for b in range(1, d + 1)]
        if g.const != 0:
            return "unbounded", [Fraction(0)] * d
    best = None
    for v in points:
        e = abs(g.value(v))
        c = v[0] - v[-1]
        if c == 0:
            if e != 0:
                return "unbounded", v
            continue
        if best is None or e / c > best[0]:
            best = (e / c, v)
    return best if best is not None else (Fraction(0), [Fraction(0)] * d)


def _num(v) -> str:
    """An exact SMT-LIB2 real literal."""
    v = Fraction(v)
    t = f"{abs(v.numerator)}.0" if v.denominator == 1 else f"(/ {abs(v.numerator)}.0 {v.denominator}.0)"
    return f"(- {t})" if v < 0 else t


def cone_queries(f: MaxForm, d: int, dom: Domain, eps, relative: bool = False):
    """z3 queries on the ordered cone, one per piece and sign, each unsatisfiable iff ``|f - max| <= eps`` there.

    The pieces are the cone's parts with j leading coordinates >= 0 and the rest <= 0 (on a box
    that does not cross 0, the whole cone); consecutive pieces where ``f - max`` is the same linear
    function form one piece, since their union is again convex (``x_{j0-1} >= 0 >= x_{j1}``).
    Returns ``(x, common, cases)``: the query for a case is ``common + case``; ``common`` (the cone
    and the box) is shared so that one incremental solver can decide every case. The formulas are
    written as SMT-LIB2 and parsed by z3 in one call, many times faster than building them term by
    term through the Python API. ``relative``: the bound is ``eps (x_0 - x_{d-1})``, eps times the
    contrast ``max - min`` on the cone.

    Examples
    --------
    >>> from maxcert.verify.domains import REALS
    >>> x, common, cases = cone_queries(MaxForm({frozenset({0, 1}): Fraction(1)}), 2, REALS, 0)
    >>> len(common), len(cases)    # x0 >= x1; f - max is 0 on all three pieces: one piece, two signs
    (1, 2)
    >>> relu0 = MaxForm({frozenset({0, ZERO}): Fraction(1)})    # max(x0, 0): not linear across 0
    >>> x, common, cases = cone_queries(relu0, 2, REALS, 0)
    >>> [c[0] for c in cases[::2]]    # x0 <= 0 (f - max = -x0); then x0 >= 0 (f - max = 0)
    [And(x0 <= 0, -1*x0 > 0), And(x0 >= 0, 0 > 0)]
    """
    import z3

    x = [z3.Real(f"x{i}") for i in range(d)]
    split = not dom.bounded or dom.lo < 0 < dom.hi
    pieces = range(d + 1) if split else [d if dom.lo >= 0 else 0]
    common = [f"(>= x{i} x{i + 1})" for i in range(d - 1)]
    if dom.bounded:
        common += [f"(<= x0 {_num(dom.hi)})", f"(>= x{d - 1} {_num(dom.lo)})"]
    at = f.on_sorted(d)
    groups = []  # runs of consecutive pieces where the form is the same linear function
    for j0 in pieces:
        a, c = at(j0)
        a = list(a)
        a[0] -= 1  # minus max(x) = x_0 on the cone
        if groups and groups[-1][2] == (a, c):
            groups[-1][1] = j0
        else:
            groups.append([j0, j0, (a, c)])
    cases = []
    for j0, j1, (a, c) in groups:
        # pieces j0..j1 together (j leading coordinates >= 0, the rest <= 0): x_{j0-1} >= 0 >= x_{j1}
        signs = ([f"(>= x{j0 - 1} 0.0)"] if j0 > 0 else []) + ([f"(<= x{j1} 0.0)"] if j1 < d else []) if split else []
        for sign in (1, -1):
            coef = list(a)
            if relative:  # sign * (f - max) - eps (x_0 - x_{d-1}) > 0
                coef = [sign * ai for ai in coef]
                coef[0] -= Fraction(eps)
                coef[-1] += Fraction(eps)
                parts = ([_num(sign * c)] if c else []) + [f"(* {_num(ai)} x{k})" for k, ai in enumerate(coef) if ai]
                err = (parts[0] if len(parts) == 1 else f"(+ {' '.join(parts)})") if parts else "0.0"
                cases.append(f"(and {' '.join(signs + [f'(> {err} 0.0)'])})")
                continue
            parts = ([_num(sign * c)] if c else []) + [f"(* {_num(sign * ai)} x{k})" for k, ai in enumerate(a) if ai]
            err = (parts[0] if len(parts) == 1 else f"(+ {' '.join(parts)})") if parts else "0.0"
            cases.append(f"(and {' '.join(signs + [f'(> {err} {_num(eps)})'])})")
    text = "".join(f"(declare-const x{i} Real)" for i in range(d))
    text += "".join(f"(assert {t})" for t in common + cases)
    parsed = list(z3.parse_smt2_string(text))
    return x, parsed[:len(common)], [[t] for t in parsed[len(common):]]


def exact_spot_check(G: nx.DiGraph, f: MaxForm, points) -> bool:
    """The network and its lifted form agree exactly at the given points (a guard, not a proof)."""
    return all(evaluate_exact(G, p)[0] == f.value(p) for p in points)


__all__ = ["ZERO", "MaxForm", "cone_queries", "exact_spot_check", "lift", "sup_error", "sup_relative"]
