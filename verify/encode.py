"""The one place where z3 formulas are built: a network, its domain and the target max(x).

Each ReLU node ``n`` gets a fresh Real ``n`` with ``n = If(z >= 0, z, 0)`` for its exact
pre-activation ``z``; weights are exact rationals (``z3.RealVal`` of a Fraction), so z3's
answer speaks of the network's exact weights.
"""

from __future__ import annotations

from fractions import Fraction

import networkx as nx
import z3

from maxcert.graphs.evaluate import affine_forms, output_form
from maxcert.graphs.schema import input_nodes, output_nodes
from maxcert.verify.domains import Domain


def q(v: Fraction) -> z3.ArithRef:
    """An exact z3 rational."""
    v = Fraction(v)
    return z3.RealVal(f"{v.numerator}/{v.denominator}")


def linear(coeffs: dict, const, var) -> z3.ArithRef:
    """``sum c * var[s] + const`` as a z3 term."""
    terms = [q(c) * var[s] for s, c in coeffs.items() if c != 0]
    if const != 0 or not terms:
        terms.append(q(const))
    return z3.Sum(terms) if len(terms) > 1 else terms[0]


class Encoding:
    """A single-output network with its ReLU variables, over a domain, against max(x_W).

    Attributes: ``x`` input variables, ``var`` every input and ReLU variable by node,
    ``pre`` each ReLU's pre-activation term, ``out`` the output term, ``t`` the target max.
    ``window``: the input indices W the target is the max of (default: every input).
    With ``cone=True`` the inputs are restricted to ``x_0 >= ... >= x_{d-1}`` (sound only for a
    network proved permutation invariant, see :mod:`maxcert.verify.symmetry`), where max(x) = x_0.
    """

    def __init__(self, G: nx.DiGraph, domain: Domain, cone: bool = False, window=None):
        self.G = G
        self.domain = domain
        self.cone = cone
        if cone and window is not None:
            raise ValueError("the ordered cone stands for the max of every input, not of a window")
        self.forms = affine_forms(G)
        self.inputs = input_nodes(G)
        self.x = [z3.Real(f"x{i}") for i in range(len(self.inputs))]
        self.var = dict(zip(self.inputs, self.x))
        self.pre = {}
        self.relu_defs = []
        for n in nx.topological_sort(G):
            if G.nodes[n].get("activation") == "relu":
                z = linear(*self.forms[n], self.var)
                y = z3.Real(f"relu_{_safe(n)}")
                self.pre[n] = z
                self.var[n] = y
                self.relu_defs.append(y == z3.If(z >= 0, z, 0))
        (o,) = output_nodes(G)
        self.out = linear(*output_form(G, self.forms, o), self.var)
        self.t = z3.Real("max_x")
        self.window = list(range(len(self.x))) if window is None else list(window)

    def domain_constraints(self) -> list:
        if not self.domain.bounded:
            return []
        lo, hi = q(self.domain.lo), q(self.domain.hi)
        return [c for xi in self.x for c in (xi >= lo, xi <= hi)]

    def target_constraints(self) -> list:
        """``t = max(x)``: t is an upper bound attained by some input (in the cone: t = x_0)."""
        if self.cone:
            return [a >= b for a, b in zip(self.x, self.x[1:])] + [self.t == self.x[0]]
        xs = [self.x[i] for i in self.window]
        return [self.t >= xi for xi in xs] + [z3.Or([self.t == xi for xi in xs])]

    def network_constraints(self) -> list:
        return list(self.relu_defs)

    def base(self) -> list:
        """Everything but the property: domain, network and target."""
        return self.domain_constraints() + self.network_constraints() + self.target_constraints()

    def error_exceeds(self, eps) -> z3.BoolRef:
        """``|N(x) - max(x)| > eps``."""
        e = q(eps)
        return z3.Or(self.out - self.t > e, self.t - self.out > e)

    def violation(self, eps) -> list:
        """The query whose UNSAT certifies ``|N - max| <= eps`` on the domain."""
        return self.base() + [self.error_exceeds(eps)]

    @property
    def lo(self) -> z3.ArithRef:
        """``min(x)`` over the window (in the cone: the last input); see :meth:`min_constraints`."""
        return self.x[-1] if self.cone else z3.Real("min_x")

    def min_constraints(self) -> list:
        """``lo = min(x)``: a lower bound attained by some input (in the cone it is x_{d-1} already)."""
        if self.cone:
            return []
        xs = [self.x[i] for i in self.window]
        return [self.lo <= xi for xi in xs] + [z3.Or([self.lo == xi for xi in xs])]

    def relative_exceeds(self, eps) -> z3.BoolRef:
        """``|N(x) - max(x)| > eps (max(x) - min(x))``: the relative (shift-equivariant) bound fails."""
        bound = q(eps) * (self.t - self.lo)
        return z3.Or(self.out - self.t > bound, self.t - self.out > bound)

    def relative_violation(self, eps) -> list:
        """The query whose UNSAT certifies ``|N - max| <= eps (max - min)`` on the domain."""
        return self.base() + self.min_constraints() + [self.relative_exceeds(eps)]


def _safe(n) -> str:
    return "".join(ch if ch.isalnum() or ch == "_" else "_" for ch in str(n))


def to_smt2(constraints: list, comment: str = "") -> str:
    """A standalone SMT-LIB2 script (QF_LRA plus ite) for the conjunction, ending in (check-sat)."""
    ctx = z3.Context()  # a fresh context: the text depends on the formula alone, not on earlier work
    s = z3.Solver(ctx=ctx)
    s.add(*[c.translate(ctx) for c in constraints])
    body = s.to_smt2()
    head = "".join(f"; {line}\n" for line in comment.splitlines()) if comment else ""
    return head + "(set-logic QF_LRA)\n" + body.replace("(check-sat)", "").rstrip() + "\n(check-sat)\n(exit)\n"
