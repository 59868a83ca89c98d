"""``maxcert check CERT --model MODEL``: re-verify a certificate file without the search that wrote it.

This module is meant to be read in one sitting. It imports no z3, no HiGHS and no search code:
only Fractions, the graph reader (:func:`maxcert.graphs.load_model`, and the network hash of
:mod:`maxcert.verify.certificates`) and, for the queries it writes itself, an SMT-LIB2 solver it
names (:func:`maxcert.verify.smtlib.decide`: z3 or cvc5). What a valid certificate rests on:

1. the model is the one certified: its exact network hashes to ``model_sha256``;
2. a witness (REFUTED, COMPUTED, the lower end of a bracket) is re-evaluated here, exactly, by a
   forward pass of its own, and must give the recorded value;
3. an upper side (CERTIFIED, COMPUTED) is re-proved by SMT-LIB2 queries this module writes from
   the model and the property, never read from the file: for the ``symmetric-cone`` route, that N
   is invariant under each adjacent transposition of its inputs (they generate every permutation)
   and the bound on the ordered cone; for every other route the plain query over the domain.
   Each must be ``unsat`` in the named solver. A stored query in the file is a record only.

Exit codes (``maxcert check``): 0 valid, 1 invalid (the first failing part named), 2 not decided
(a solver's ``unknown`` or timeout, or a claim v1 cannot re-prove), 3 unreadable.
"""

from __future__ import annotations

import json
from fractions import Fraction

FORMAT = "maxcert-certificate"
PLAIN, SYMMETRIC = "plain", "symmetric-cone"


class Invalid(Exception):
    """The certificate is wrong about the model: exit 1."""


class Undecided(Exception):
    """Nothing wrong found, but a part could not be re-proved: exit 2."""


class Unreadable(Exception):
    """Not a certificate, or a missing field: exit 3."""


# ---------------------------------------------------------------- the network, exactly


def _layers(G):
    """``(inputs, order, out)``: input nodes by index, the other nodes in topological order, the output."""
    import networkx as nx

    ins = sorted((n for n, a in G.nodes(data=True) if a.get("kind") == "input"), key=lambda n: G.nodes[n]["index"])
    order = [n for n in nx.topological_sort(G) if G.nodes[n].get("kind") != "input"]
    outs = list(G.graph.get("outputs", []))
    if len(outs) != 1:
        raise Unreadable(f"the model has {len(outs)} outputs; a certificate speaks of one")
    return ins, order, outs[0]


def forward(G, x) -> Fraction:
    """N(x) in exact rationals: each node is its bias plus the weighted sum of its inputs, then relu."""
    ins, order, out = _layers(G)
    val = {n: Fraction(v) for n, v in zip(ins, x)}
    for n in order:
        a = G.nodes[n]
        z = Fraction(a["bias"]) + sum((Fraction(G.edges[s, n]["weight"]) * val[s] for s in G.predecessors(n)),
                                      Fraction(0))
        val[n] = max(z, Fraction(0)) if a.get("activation") == "relu" else z
    return val[out]


def error_at(G, x, relative: bool):
    """|N(x) - max(x)|, or its ratio to max(x) - min(x) (``"unbounded"`` at a flat x with an error)."""
    e = abs(forward(G, x) - max(x))
    if not relative:
        return e
    c = max(x) - min(x)
    return e / c if c else (Fraction(0) if e == 0 else "unbounded")


# ---------------------------------------------------------------- SMT-LIB2, written here


def _num(v) -> str:
    v = Fraction(v)
    t = f"{abs(v.numerator)}.0" if v.denominator == 1 else f"(/ {abs(v.numerator)}.0 {v.denominator}.0)"
    return f"(- {t})" if v < 0 else t


def _sum(terms) -> str:
    terms = [t for t in terms if t]
    return "0.0" if not terms else terms[0] if len(terms) == 1 else f"(+ {' '.join(terms)})"


def _network(G, prefix: str, xs: list) -> tuple[list, str]:
    """Declarations and assertions of one copy of N on the input terms ``xs``; returns its output term."""
    ins, order, out = _layers(G)
    term = dict(zip(ins, xs))
    lines = []
    for k, n in enumerate(order):
        a = G.nodes[n]
        pre = _sum([_num(a["bias"]) if Fraction(a["bias"]) else ""] +
                   [f"(* {_num(G.edges[s, n]['weight'])} {term[s]})" for s in G.predecessors(n)
                    if Fraction(G.edges[s, n]["weight"])])
        v = f"{prefix}{k}"
        lines.append(f"(declare-const {v} Real)")
        body = f"(ite (>= {pre} 0.0) {pre} 0.0)" if a.get("activation") == "relu" else pre
        lines.append(f"(assert (= {v} {body}))")
        term[n] = v
    return lines, term[out]


def _domain(xs, domain: str) -> list:
    if domain == "reals":
        return []
    lo, hi = (Fraction(0), Fraction(1)) if domain == "unit" else (Fraction(v) for v in domain[4:].split(","))
    return [f"(assert (and (>= {x} {_num(lo)}) (<= {x} {_num(hi)})))" for x in xs]


def _extreme(name, xs, op) -> list:
    """``name`` is max (op ``>=``) or min (``<=``) of xs: a bound attained by one of them."""
    return ([f"(declare-const {name} Real)"] + [f"(assert ({op} {name} {x}))" for x in xs]
            + [f"(assert (or {' '.join(f'(= {name} {x})' for x in xs)}))"])


def violation_query(G, domain: str, eps, relative: bool, cone: bool = False) -> str:
    """Is there x in the domain with |N(x) - max(x)| > eps (or > eps (max - min))? ``cone``: only x
    with x_0 >= .. >= x_{d-1}, where max = x_0 and min = x_{d-1}."""
    ins, _, _ = _layers(G)
    xs = [f"x{i}" for i in range(len(ins))]
    lines = [f"(declare-const {x} Real)" for x in xs] + _domain(xs, domain)
    net, out = _network(G, "n", xs)
    lines += net
    if cone:
        lines += [f"(assert (>= {a} {b}))" for a, b in zip(xs, xs[1:])]
        t, lo = xs[0], xs[-1]
    else:
        lines += _extreme("t", xs, ">=") + (_extreme("lo", xs, "<=") if relative else [])
        t, lo = "t", "lo"
    bound = f"(* {_num(eps)} (- {t} {lo}))" if relative else _num(eps)
    lines.append(f"(assert (or (> (- {out} {t}) {bound}) (> (- {t} {out}) {bound})))")
    return "(set-logic QF_LRA)\n" + "\n".join(lines) + "\n(check-sat)\n"


def transposition_query(G, domain: str, i: int) -> str:
    """Is there x in the domain with N(x) != N(x with inputs i and i+1 swapped)?"""
    ins, _, _ = _layers(G)
    xs = [f"x{k}" for k in range(len(ins))]
    ys = list(xs)
    ys[i], ys[i + 1] = ys[i + 1], ys[i]
    lines = [f"(declare-const {x} Real)" for x in xs] + _domain(xs, domain)
    a, out_a = _network(G, "a", xs)
    b, out_b = _network(G, "b", ys)
    lines += a + b + [f"(assert (not (= {out_a} {out_b})))"]
    return "(set-logic QF_LRA)\n" + "\n".join(lines) + "\n(check-sat)\n"


# ---------------------------------------------------------------- the check


def _frac(v, what):
    try:
        return Fraction(v)
    except (TypeError, ValueError, ZeroDivisionError):
        raise Unreadable(f"{what} is not a rational number: {v!r}") from None


def _unsat(text: str, claim: str, solver: str, timeout) -> None:
    from maxcert.verify.smtlib import decide

    answer = decide(text, solver, timeout)
    if answer == "sat":
        raise Invalid(f"{claim}: {solver} finds a counterexample (sat)")
    if answer != "unsat":
        raise Undecided(f"{claim}: {solver} answers {answer}")


def check_certificate(cert: dict, G, solver: str = "z3", timeout: float | None = None) -> list:
    """Re-verify ``cert`` (the parsed JSON) against the network G; returns the parts checked.

    Raises :class:`Invalid`, :class:`Undecided` or :class:`Unreadable` naming the first failing part.
    """
    from maxcert.verify.certificates import graph_sha256

    if not isinstance(cert, dict) or cert.get("format") != FORMAT:
        raise Unreadable(f"not a maxcert certificate (format {cert.get('format') if isinstance(cert, dict) else None!r})")
    try:
        prop, verdict, proof = cert["property"], cert["verdict"], cert["proof"]
        domain, relative, status = prop["domain"], bool(prop.get("relative")), verdict["status"]
    except (KeyError, TypeError) as e:
        raise Unreadable(f"certificate field missing: {e}") from None
    if prop.get("windows") is not None:
        raise Undecided("a windows property: this checker version re-proves one output against max of every input")
    done = []
    if graph_sha256(G) != cert.get("model_sha256"):
        raise Invalid("model: its exact network does not hash to the certificate's model_sha256")
    done.append("model hash")
    d = len(_layers(G)[0])
    w = verdict.get("witness")
    if w is not None:
        x = [_frac(v, "a witness coordinate") for v in w]
        if len(x) != d:
            raise Invalid(f"witness: {len(x)} coordinates for a model with {d} inputs")
        if domain != "reals":
            lo, hi = (Fraction(0), Fraction(1)) if domain == "unit" else (Fraction(v) for v in domain[4:].split(","))
            if not all(lo <= v <= hi for v in x):
                raise Invalid("witness: outside the domain")
        e = error_at(G, x, relative)
        claimed = verdict.get("error_at_witness")
        if claimed is None or (str(e) if e == "unbounded" else e) != (claimed if claimed == "unbounded"
                                                                       else _frac(claimed, "error_at_witness")):
            raise Invalid(f"witness: its exact error is {e}, the certificate says {claimed}")
        done.append("witness re-evaluated exactly")
    if status == "REFUTED":
        eps = _frac(prop["eps"], "eps")
        if w is None or not (e == "unbounded" or e > eps):
            raise Invalid(f"verdict REFUTED: the witness's error does not exceed eps = {eps}")
        return done + ["refutation"]
    if status == "CERTIFIED":
        bound = _frac(prop["eps"], "eps")
    elif status == "COMPUTED":
        if verdict.get("value") == "unbounded":
            raise Undecided("an unbounded error: this checker version re-proves finite values only")
        bound = _frac(verdict.get("value"), "value")
        if w is None or e != bound:
            raise Invalid(f"verdict COMPUTED {bound}: the witness does not attain it")
    else:
        raise Undecided(f"verdict {status}: nothing proved to re-check beyond the witness")
    route = proof.get("route", PLAIN)
    what = f"|N - max| <= {bound}" + (" (max - min)" if relative else "") + f" on {domain}"
    if route in (SYMMETRIC, "lifted-cone") and d > 1:  # both rest on invariance: re-proved by transpositions
        for i in range(d - 1):
            _unsat(transposition_query(G, domain, i), f"invariance under swapping inputs {i} and {i + 1}", solver,
                   timeout)
        _unsat(violation_query(G, domain, bound, relative, cone=True), f"{what} on the ordered cone", solver, timeout)
        return done + [f"invariance ({d - 1} transpositions) and {what} on the cone, {solver} unsat"]
    _unsat(violation_query(G, domain, bound, relative), what, solver, timeout)
    return done + [f"{what}: the plain query, {solver} unsat" + ("" if route == PLAIN else f" (route {route} re-proved by it)")]


def read(path) -> dict:
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        raise Unreadable(f"{path}: {e}") from None


__all__ = ["Invalid", "Undecided", "Unreadable", "check_certificate", "forward", "read", "transposition_query",
           "violation_query"]
