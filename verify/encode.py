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


def inline_output(G: nx.DiGraph, x: list) -> z3.ArithRef:
    """The network's output as one z3 term over ``x``, each ReLU an inlined ``If`` (for comparing
    two copies of N, :mod:`maxcert.verify.symmetry`)."""
    forms = affine_forms(G)
    var = dict(zip(input_nodes(G), x))
    for n in nx.topological_sort(G):
        if G.nodes[n].get("activation") == "relu":
            z = linear(*forms[n], var)
            var[n] = z3.If(z >= 0, z, 0)
    (o,) = output_nodes(G)
    return linear(*output_form(G, forms, o), var)


class LayeredPiece:
    """A strictly layered network (exact ``W``, ``b`` per layer) on one piece of a box, for the exact
    leaves of branch and bound (:class:`maxcert.verify.bab.Piece`): x in the box, ``x_k <= t`` with
    t = x_i (or, ``i = None``, a variable t in the box: the whole-box piece), every pre-activation
    ``p = W h + b`` exactly and ``z >= max(p, 0)`` (a node adds its phases or triangles), and the
    objective ``s (N(x) - t)``. ``solver``: a QF_LRA solver holding all of it but the objective.
    """

    def __init__(self, W, b, dom: Domain, i, s: int):
        d = len(W[0][0])
        x = [z3.Real(f"x{k}") for k in range(d)]
        sv = z3.SolverFor("QF_LRA")  # linear real arithmetic only: 10-25 % faster leaves than the generic solver
        sv.add(*[xk >= q(dom.lo) for xk in x], *[xk <= q(dom.hi) for xk in x])
        t = x[i] if i is not None else z3.Real("t")
        if i is None:
            sv.add(t >= q(dom.lo), t <= q(dom.hi))
        sv.add(*[x[k] <= t for k in range(d) if k != i])
        h, self.p, self.z = x, [], []
        for k, (Wk, bk) in enumerate(zip(W[:-1], b[:-1])):
            p = [z3.Real(f"p{k}_{j}") for j in range(len(Wk))]
            z = [z3.Real(f"z{k}_{j}") for j in range(len(Wk))]
            for j, (row, bj) in enumerate(zip(Wk, bk)):
                sv.add(p[j] == z3.Sum([q(bj)] + [q(w) * v for w, v in zip(row, h) if w != 0]))
                sv.add(z[j] >= 0, z[j] >= p[j])
            self.p.append(p)
            self.z.append(z)
            h = z
        (row,), (b0,) = W[-1], b[-1]
        out = z3.Sum([q(b0)] + [q(w) * v for w, v in zip(row, h) if w != 0])
        self.obj, self.x, self.solver = s * (out - t), x, sv

    def node(self, bounds, fix, box, dom: Domain) -> list:
        """A node of the search: its input ``box`` (Fractions, or None), and per ReLU its fixed phase
        (``fix`` +1: z = p >= 0, -1: z = 0 >= p), stability from the float ``bounds``, or else the
        triangle over them widened outward to short dyadics (valid for p in [l, u])."""
        from maxcert.verify.exact import grid_outward

        out = []
        if box is not None:
            out += [xk >= q(a) for xk, a in zip(self.x, box[0]) if a > dom.lo]
            out += [xk <= q(b) for xk, b in zip(self.x, box[1]) if b < dom.hi]
        for k, (l, u) in enumerate(bounds):
            for j in range(len(l)):
                p, z = self.p[k][j], self.z[k][j]
                if fix[k][j] < 0 or u[j] <= 0:
                    out += [z == 0, p <= 0]
                elif fix[k][j] > 0 or l[j] >= 0:
                    out += [z == p, p >= 0]
                else:
                    lq, uq = grid_outward(l[j], u[j])
                    out.append(z * q(uq - lq) <= q(uq) * (p - q(lq)))
        return out


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
