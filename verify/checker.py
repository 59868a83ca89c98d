"""``maxcert check CERT --model MODEL``: re-verify a certificate file without the search that wrote it.

Meant to be read in one sitting. It imports no z3, no HiGHS and no search code: only Fractions, the graph
reader (and the network hash of :mod:`maxcert.verify.certificates`) and, for the queries it writes itself, an
SMT-LIB2 solver it names (:func:`maxcert.verify.smtlib.decide`: z3 or cvc5). A valid certificate rests on: (1)
the model hashes to ``model_sha256``; (2) a witness (REFUTED, COMPUTED, a bracket's lower end) gives the
recorded error by this module's own exact forward pass; (3) the upper side (CERTIFIED, COMPUTED) is re-proved
here, never read from the file: for a ``bab`` record, the pieces and subtrees cover the domain (input-box
trees: see :mod:`maxcert.verify.check_boxes`), every claimed pre-activation bound is at least as weak as its
interval bound or its exact dual sum over the LP of the layers before it, every cut is valid in both phases,
every split of the search tree has both children, and every leaf closes by an exact weak-duality sum <= the
bound, a Farkas sum < 0, or an SMT-LIB2 query written here that must be ``unsat``; for the symmetric and
lifted routes, invariance under adjacent transpositions and the bound on the ordered cone; else the plain
query over the domain.

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


def _box(domain: str):
    """``(lo, hi)`` of a bounded domain (``unit`` or ``box:LO,HI``), None for ``reals``."""
    if domain in ("reals", "unit"):
        return None if domain == "reals" else (Fraction(0), Fraction(1))
    parts = domain.removeprefix("box:").split(",") if str(domain).startswith("box:") else []
    lo, hi = (_frac(v, "a domain end") for v in parts) if len(parts) == 2 else (1, 0)
    if not lo <= hi:
        raise Unreadable(f"domain {domain!r}: not unit, reals or box:LO,HI with LO <= HI")
    return lo, hi


def _domain(xs, box) -> list:
    return [] if box is None else [f"(assert (and (>= {x} {_num(box[0])}) (<= {x} {_num(box[1])})))" for x in xs]


def _inputs(G, domain: str):
    xs = [f"x{i}" for i in range(len(_layers(G)[0]))]
    return xs, [f"(declare-const {x} Real)" for x in xs] + _domain(xs, _box(domain))


def violation_query(G, domain: str, eps, relative: bool, cone: bool = False) -> str:
    """Is there x in the domain with |N(x) - max(x)| > eps (or > eps (max - min))? ``cone``: only x
    with x_0 >= .. >= x_{d-1}, where max = x_0 and min = x_{d-1}."""
    xs, lines = _inputs(G, domain)
    net, out = _network(G, "n", xs)
    lines += net
    if cone:
        lines += [f"(assert (>= {a} {b}))" for a, b in zip(xs, xs[1:])]
        t, lo = xs[0], xs[-1]
    else:
        for name, op in [("t", ">=")] + ([("lo", "<=")] if relative else []):  # a bound attained by one of xs
            lines += ([f"(declare-const {name} Real)"] + [f"(assert ({op} {name} {x}))" for x in xs]
                      + [f"(assert (or {' '.join(f'(= {name} {x})' for x in xs)}))"])
        t, lo = "t", "lo"
    bound = f"(* {_num(eps)} (- {t} {lo}))" if relative else _num(eps)
    lines.append(f"(assert (or (> (- {out} {t}) {bound}) (> (- {t} {out}) {bound})))")
    return "(set-logic QF_LRA)\n" + "\n".join(lines) + "\n(check-sat)\n"


def transposition_query(G, domain: str, i: int) -> str:
    """Is there x in the domain with N(x) != N(x with inputs i and i+1 swapped)?"""
    xs, lines = _inputs(G, domain)
    ys = xs[:i] + [xs[i + 1], xs[i]] + xs[i + 2:]
    a, out_a = _network(G, "a", xs)
    b, out_b = _network(G, "b", ys)
    lines += a + b + [f"(assert (not (= {out_a} {out_b})))"]
    return "(set-logic QF_LRA)\n" + "\n".join(lines) + "\n(check-sat)\n"


# ---------------------------------------------------------------- branch and bound, leaf by leaf


def _strict(G, layers):
    """The weights ``(W, b)`` of G read along the certificate's layering (ReLU node ids per layer),
    checked to be all of G: every ReLU reads only the layer before it (the inputs for the first),
    the one linear output only the last layer."""
    ins, order, out = _layers(G)
    names = {str(n): n for n in G.nodes}
    L = [[names[str(v)] for v in layer] for layer in layers]  # KeyError: a node the model does not have
    listed = [n for layer in L for n in layer]
    if len(set(listed)) != len(listed) or set(listed) | {out} != set(order) or out in listed or not L:
        raise Invalid("bab: the layering does not list every hidden node of the model exactly once")
    W, b, prev = [], [], ins
    for layer in L + [[out]]:
        idx, _ = {n: t for t, n in enumerate(prev)}, (W.append([]), b.append([]))
        for n in layer:
            if (G.nodes[n].get("activation") == "relu") != (n != out):
                raise Invalid(f"bab: node {n} is {'a ReLU output' if n == out else 'a hidden node without ReLU'}")
            row = [Fraction(0)] * len(prev)
            for src in G.predecessors(n):
                if src not in idx:
                    raise Invalid(f"bab: node {n} reads {src}, which is not in the layer before it")
                row[idx[src]] = Fraction(G.edges[src, n]["weight"])
            W[-1].append(row), b[-1].append(Fraction(G.nodes[n]["bias"]))
        prev = layer
    return W, b


class _LP:
    """A piece's big-M LP over layers < ``upto``, built here from the network and the claimed bounds
    B (``B[k] = (l, u)``): columns by name with their box, rows by name, ``{col: coef}, rhs, equality``.
    A ReLU with u <= 0 is z = 0 (no column), l >= 0 is z = p, else it has a phase a in [0, 1] and
    ``z >= p``, ``z <= p - l (1 - a)``, ``z <= u a`` (z in [0, u]): every network point whose
    pre-activations lie in B satisfies them with a = its phase."""

    def __init__(self, W, b, B, i, s, lo, hi, upto):
        d = len(W[0][0])
        self.t = "t" if i is None else f"x{i}"
        self.box = {f"x{k}": (lo, hi) for k in range(d)} | ({"t": (lo, hi)} if i is None else {})
        self.rows = {f"piece{k}": ({f"x{k}": Fraction(1), self.t: Fraction(-1)}, Fraction(0), False)
                     for k in range(d) if k != i}
        self.pre, h = {}, [f"x{k}" for k in range(d)]
        for k in range(upto):
            out = []
            for j, (row, bj) in enumerate(zip(W[k], b[k])):
                (l, u), z, a = (B[k][0][j], B[k][1][j]), f"z{k}.{j}", f"a{k}.{j}"
                pre = {c: w for w, c in zip(row, h) if w and c is not None}
                self.pre[(k, j)] = pre, bj
                out.append(None if u <= 0 else z)
                if u <= 0:
                    continue
                self.box[z] = (max(l, Fraction(0)), u)
                neg = {c: -w for c, w in pre.items()}
                if l >= 0:
                    self.rows[f"eq{k}.{j}"] = ({**neg, z: Fraction(1)}, bj, True)
                    continue
                self.box[a] = (Fraction(0), Fraction(1))
                self.rows[f"ge{k}.{j}"] = ({**pre, z: Fraction(-1)}, -bj, False)
                self.rows[f"bm{k}.{j}"] = ({**neg, z: Fraction(1), a: -l}, bj - l, False)
                self.rows[f"ua{k}.{j}"] = ({z: Fraction(1), a: -u}, Fraction(0), False)
            h = out
        self.last = h  # the columns the next layer reads (None: a dead ReLU)

    def add_cut(self, n: int, cut: dict) -> None:
        """Cut n, ``row . v <= rhs`` on one neuron's z, a and inputs, proved valid here: in either
        phase (a = 0, z = 0; a = 1, z = p) its slack is linear in the inputs, and its minimum over
        their box is >= 0."""
        k, j = (int(v) for v in cut["neuron"].split("."))
        pre, bj = self.pre[(k, j)]
        row, rhs = {c: _frac(v, "a cut coefficient") for c, v in cut["row"].items()}, _frac(cut["rhs"], "a cut's rhs")
        z, a = f"z{k}.{j}", f"a{k}.{j}"
        if a not in self.box or not set(row) <= set(pre) | {z, a}:
            raise Invalid(f"bab: cut {n} is not a row over neuron {k}.{j}'s phase, output and inputs")
        for av in (0, 1):
            const = rhs - row.get(a, 0) * av - row.get(z, 0) * av * bj
            coef = {c: -row.get(c, 0) - row.get(z, 0) * av * w for c, w in pre.items()}
            if const + sum(cf * self.box[c][0 if cf > 0 else 1] for c, cf in coef.items()) < 0:
                raise Invalid(f"bab: cut {n} on neuron {k}.{j} is not valid in phase a = {av}")
        self.rows[f"cut{n}"] = (row, rhs, False)

    def value(self, y, obj: dict, abox: dict, what: str) -> Fraction:
        """Weak duality: for multipliers m (>= 0 on inequality rows), every point v of the LP has
        ``obj . v = m A v + r v <= m rhs + sum_c max(r_c lo_c, r_c hi_c)`` with ``r = obj - m A``.
        ``y``: ``{"K": K, "y": {row: n}}``, multiplier n / 2^K; ``abox``: the node's phase boxes."""
        K, ys, r, total = int(y["K"]), y["y"].items(), dict(obj), Fraction(0)
        if not 0 <= K <= 1 << 16:
            raise Unreadable(f"{what}: a multiplier scale 2^{K} out of range")
        for name, num in ys:
            if name not in self.rows or not isinstance(num, int):
                raise Invalid(f"{what}: a multiplier on {name!r}, which is no row of its LP")
            m = Fraction(num, 1 << K)
            row, rhs, eq = self.rows[name]
            if m < 0 and not eq:
                raise Invalid(f"{what}: a negative multiplier on inequality row {name}")
            total += m * rhs
            for c, v in row.items():
                r[c] = r.get(c, 0) - m * v
        for c, v in r.items():
            if v:
                lo, hi = abox.get(c, self.box[c])
                total += v * (hi if v > 0 else lo)
        return total


def _subtree(W, b, sub, i, s, box, bound, counts) -> str | None:
    """Check one subtree's bounds, cuts and tree; returns the neuron on which it is degenerate (its
    phase fixed against proved bounds: only p = 0 is left), or None. z3 leaves go to counts["z3"]."""
    (lo, hi), L, where = box, len(W) - 1, f"piece (i={i}, s={s}) subtree {sub.get('fixed')}"
    B = [([_frac(v, "a bound") for v in lu[0]], [_frac(v, "a bound") for v in lu[1]]) for lu in sub["bounds"]]
    fixed = {tuple(int(v) for v in kj.split(".", 1)): int(ph) for kj, ph in sub["fixed"].items()}
    if any(f"{k}.{j}" not in sub["fixed"] for k, j in fixed) or len(fixed) != len(sub["fixed"]):
        raise Invalid(f"bab: {where}: fixed phases not named layer.index, or one named twice")
    proofs = sub["bound_proofs"]
    if len(B) != L or any(len(B[k][0]) != len(W[k]) or len(B[k][1]) != len(W[k]) for k in range(L)):
        raise Invalid(f"bab: {where}: bounds for {[len(x[0]) for x in B]} neurons, the model has {[len(w) for w in W[:-1]]}")
    if not all(0 <= k < L and 0 <= j < len(W[k]) and ph in (0, 1) for (k, j), ph in fixed.items()):
        raise Invalid(f"bab: {where}: a fixed phase of no neuron of the model")
    for k in range(L):  # each claimed bound at least as weak as one proved here
        lp = _LP(W, b, B, i, s, lo, hi, k)
        pk = proofs[k] if k < len(proofs) else {"cuts": [], "l": {}, "u": {}}
        for n, cut in enumerate(pk["cuts"]):
            lp.add_cut(n, cut)
        abox = {f"a{kk}.{jj}": (ph, ph) for (kk, jj), ph in fixed.items() if f"a{kk}.{jj}" in lp.box}
        for j, (row, bj) in enumerate(zip(W[k], b[k])):
            pre = {c: w for w, c in zip(row, lp.last) if w and c is not None}
            pl = bj + sum(w * lp.box[c][0 if w > 0 else 1] for c, w in pre.items())  # interval bounds
            pu = bj + sum(w * lp.box[c][1 if w > 0 else 0] for c, w in pre.items())
            what = f"bab: {where}: bound of neuron {k}.{j}"
            if str(j) in pk["u"]:
                pu = min(pu, lp.value(pk["u"][str(j)], pre, abox, what) + bj)
            if str(j) in pk["l"]:
                pl = max(pl, bj - lp.value(pk["l"][str(j)], {c: -w for c, w in pre.items()}, abox, what))
            counts["bounds"] += 1
            if B[k][0][j] > pl or B[k][1][j] < pu:
                raise Invalid(f"{what}: claimed [{B[k][0][j]}, {B[k][1][j]}], proved only [{pl}, {pu}]")
        if any(l > u for l, u in zip(*B[k])):
            return None  # proved bounds that cross: no point of the network is in this subtree
    for (k, j), ph in fixed.items():
        if (ph == 0 and B[k][0][j] >= 0) or (ph == 1 and B[k][1][j] <= 0):
            return f"{k}.{j}"
    lp = _LP(W, b, B, i, s, lo, hi, L)
    for n, cut in enumerate(sub.get("cuts") or []):
        lp.add_cut(n, cut)
    c = {col: s * w for w, col in zip(W[L][0], lp.last) if w and col is not None} | {lp.t: Fraction(-s)}
    c0 = s * b[L][0]  # the objective s (N(x) - t) is c . v + c0
    root = {f"a{k}.{j}": (ph, ph) for (k, j), ph in fixed.items() if f"a{k}.{j}" in lp.box}
    stack = [(sub.get("tree"), root, "root")]
    while stack:
        node, abox, path = stack.pop()
        what = f"bab: {where}: leaf {path}"
        if not isinstance(node, dict):
            raise Invalid(f"{what}: no search node (a subtree without its tree)")
        if "split" in node:
            a = f"a{node['split']}"
            if a not in lp.box or abox.get(a, (0, 1)) != (0, 1):
                raise Invalid(f"bab: {where}: node {path} splits {node['split']}, which is no free phase there")
            for ph in (0, 1):
                if str(ph) not in node:
                    raise Invalid(f"bab: {where}: node {path} lacks its child {node['split']} = {ph}: a gap")
                stack.append((node[str(ph)], {**abox, a: (ph, ph)}, f"{path}/{node['split']}={ph}"))
        elif node.get("leaf") in ("dual", "farkas"):  # weak duality: the bound, or < 0 for c = 0 (empty)
            dual = node["leaf"] == "dual"
            v = lp.value(node.get("y"), c if dual else {}, abox, what) + (c0 if dual else 0)
            if v > bound if dual else v >= 0:
                raise Invalid(f"{what}: " + (f"its dual bound {v} exceeds {bound}" if dual else "its Farkas sum is not < 0"))
            counts[node["leaf"]] += 1
        elif node.get("leaf") == "z3":
            phases = {tuple(int(v) for v in a[1:].split(".")): lh[0] for a, lh in abox.items() if lh[0] == lh[1]}
            counts["z3"].append((leaf_query(W, b, B, i, s, box, phases, bound), what))
        else:
            raise Unreadable(f"{what}: unknown leaf {node.get('leaf')!r}")
    return None


def leaf_query(W, b, B, i, s, box, phases, bound) -> str:
    """SMT-LIB2: a point of the piece in the leaf (the ReLUs of ``phases`` fixed, the others within
    their triangle over the bounds B) with ``s (N(x) - t) > bound``? Every network point of the leaf
    satisfies it, so unsat closes the leaf."""
    xs = [f"x{k}" for k in range(len(W[0][0]))]
    t = "t" if i is None else xs[i]
    decl = xs + (["t"] if i is None else [])
    lines = [f"(declare-const {v} Real)" for v in decl] + _domain(decl, box) + [f"(assert (<= {x} {t}))" for x in xs if x != t]
    h = xs
    for k in range(len(W) - 1):
        out = []
        for j, (row, bj) in enumerate(zip(W[k], b[k])):
            (l, u), p, z = (B[k][0][j], B[k][1][j]), f"p{k}_{j}", f"z{k}_{j}"
            pre = _sum([_num(bj) if bj else ""] + [f"(* {_num(w)} {v})" for w, v in zip(row, h) if w])
            lines += [f"(declare-const {p} Real)", f"(declare-const {z} Real)", f"(assert (= {p} {pre}))",
                      f"(assert (and (>= {p} {_num(l)}) (<= {p} {_num(u)})))"]
            ph = 0 if u <= 0 else 1 if l >= 0 else phases.get((k, j))
            if ph is None:
                tri = f"(<= (* {_num(u - l)} {z}) (* {_num(u)} (- {p} {_num(l)})))"
                lines.append(f"(assert (and (>= {z} 0.0) (>= {z} {p}) {tri}))")
            else:
                lines.append(f"(assert (and (= {z} {p}) (>= {p} 0.0)))" if ph else
                             f"(assert (and (= {z} 0.0) (<= {p} 0.0)))")
            out.append(z)
        h = out
    y = _sum([_num(b[-1][0]) if b[-1][0] else ""] + [f"(* {_num(w)} {v})" for w, v in zip(W[-1][0], h) if w])
    lines.append(f"(assert (> {f'(- {y} {t})' if s > 0 else f'(- {t} {y})'} {_num(bound)}))")
    return "(set-logic QF_LRA)\n" + "\n".join(lines) + "\n(check-sat)\n"


def check_bab(G, rec: dict, domain: str, bound: Fraction, solver: str, timeout) -> str:
    """Branch and bound's record re-verified: the pieces cover the domain (for each sign of the error,
    every input as the largest, or one whole-box piece with a variable t >= every x_k),
    each piece's subtrees cover all its fixed phases, and every subtree passes :func:`_subtree`."""
    box = _box(domain)
    if box is None:
        raise Invalid("bab: branch and bound needs a bounded domain")
    (W, b), pieces = _strict(G, rec["layers"]), {}
    d = len(W[0][0])
    for sub in rec["pieces"]:  # exact ints only: a float sign would make the dual sums floats
        i, s = sub["i"], sub["s"]
        if type(s) is not int or s not in (1, -1) or not (i is None or (type(i) is int and 0 <= i < d)):
            raise Invalid(f"bab: a piece ({i!r}, {s!r}) that is no input index and sign")
        pieces.setdefault((i, s), []).append(sub)
    for s in (1, -1):
        if (None, s) not in pieces and any((i, s) not in pieces for i in range(d)):
            raise Invalid(f"bab: the pieces of sign {s:+d} do not cover the domain (each input as the largest)")
    from maxcert.verify.check_boxes import check_pieces

    counts = {"bounds": 0, "dual": 0, "farkas": 0, "linear": 0, "empty": 0, "z3": []}
    for (i, s), subs in pieces.items():
        combos = [tuple(sorted(sub["fixed"].items())) for sub in subs]
        keys = {tuple(kj for kj, _ in c) for c in combos}
        if len(keys) != 1 or len(set(combos)) != len(combos) or len(combos) != 2 ** len(next(iter(keys))) or \
                any(ph not in (0, 1) for c in combos for _, ph in c):
            raise Invalid(f"bab: piece (i={i}, s={s}): its subtrees do not fix every phase combination once")
        if any("boxes" in sub for sub in subs) and (i is None or len(subs) != 1):  # checked in check_boxes.py
            raise Invalid(f"bab: piece (i={i}, s={s}): an input-box tree must be its piece's only record")
        degenerate = {c: None if "boxes" in u else _subtree(W, b, u, i, s, box, bound, counts) for c, u in zip(combos, subs)}
        for c, kj in degenerate.items():  # p = 0 on kj: those points lie in the subtree with kj's other phase
            seen = set()
            while kj is not None:
                seen.add(c)
                c = tuple((k, 1 - ph if k == kj else ph) for k, ph in c)
                if c in seen or c not in degenerate:
                    raise Invalid(f"bab: piece (i={i}, s={s}): a degenerate subtree whose points no other holds")
                kj = degenerate[c]
    check_pieces(W, b, [(i, s, sub) for (i, s), ss in pieces.items() for sub in ss if "boxes" in sub], box, bound, counts)
    for text, what in counts["z3"]:
        _unsat(text, what, solver, timeout)
    return (f"branch and bound: {len(pieces)} pieces ({len(rec['pieces'])} subtrees) cover the domain; {counts['bounds']} neuron "
            f"bounds, {counts['dual']} dual, {counts['farkas']} Farkas, {counts['linear']} linear-bound and {counts['empty']} "
            f"empty-box leaves checked exactly, {len(counts['z3'])} leaves {solver} unsat")


# ---------------------------------------------------------------- the check


def _frac(v, what):
    try:
        return Fraction(v)
    except (TypeError, ValueError, ZeroDivisionError, OverflowError):
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
        domain, relative, status = prop["domain"], prop.get("relative") is True, verdict["status"]
    except (KeyError, TypeError) as e:
        raise Unreadable(f"certificate field missing: {e}") from None
    if prop.get("windows") is not None:
        raise Undecided("a windows property: this checker version re-proves one output against max of every input")
    if graph_sha256(G) != cert.get("model_sha256"):
        raise Invalid("model: its exact network does not hash to the certificate's model_sha256")
    done, d, box = ["model hash"], len(_layers(G)[0]), _box(domain)
    w = verdict.get("witness")
    if w is not None:
        x = [_frac(v, "a witness coordinate") for v in w]
        if len(x) != d:
            raise Invalid(f"witness: {len(x)} coordinates for a model with {d} inputs")
        if box is not None and not all(box[0] <= v <= box[1] for v in x):
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
            _unsat(transposition_query(G, domain, i), f"invariance under swapping inputs {i} and {i + 1}", solver, timeout)
        _unsat(violation_query(G, domain, bound, relative, cone=True), f"{what} on the ordered cone", solver, timeout)
        return done + [f"invariance ({d - 1} transpositions) and {what} on the cone, {solver} unsat"]
    if route == "bab" and isinstance(proof.get("bab"), dict) and not relative:
        try:
            return done + [f"{what}: " + check_bab(G, proof["bab"], domain, bound, solver, timeout)]
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as e:
            raise Unreadable(f"bab: a malformed record ({type(e).__name__}: {e})") from None
    _unsat(violation_query(G, domain, bound, relative), what, solver, timeout)
    return done + [f"{what}: the plain query, {solver} unsat" + ("" if route == PLAIN else f" (route {route} re-proved by it)")]


def read(path) -> dict:
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        raise Unreadable(f"{path}: {e}") from None


__all__ = ["Invalid", "Undecided", "Unreadable", "check_certificate", "forward", "read", "transposition_query", "violation_query"]
