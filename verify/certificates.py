"""The Certificate: what was decided about a network, in the JSON form of docs/formats.md (Certificate JSON)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from fractions import Fraction

CERTIFIED, REFUTED, UNKNOWN, COMPUTED = "CERTIFIED", "REFUTED", "UNKNOWN", "COMPUTED"
UNBOUNDED = "unbounded"


def outward(v, up: bool, sig: int = 6) -> str:
    """``v`` in decimal with about ``sig`` significant digits, rounded up (``up``) or down, never to
    nearest: a displayed bracket then still contains the proved one.

    >>> outward(Fraction(2, 3), True), outward(Fraction(2, 3), False), outward(0, True)
    ('0.666667', '0.666666', '0')
    >>> outward(Fraction(-1, 3), True)
    '-0.333333'
    """
    import math

    v = Fraction(v)
    if v == 0:
        return "0"
    e = math.floor(math.log10(abs(float(v))))  # near a power of 10 it may be off by one: one digit more or fewer
    scale = Fraction(10) ** (sig - 1 - e)
    n = math.ceil(v * scale) if up else math.floor(v * scale)
    return f"{float(n / scale):.{sig + 1}g}"  # the digits of n / scale exactly: no second rounding


def _q(v):
    if v is None or isinstance(v, str):
        return v
    return str(Fraction(v))


@dataclass
class Certificate:
    """A verdict about |N(x) - max(x)| on a domain.

    ``status`` is CERTIFIED, REFUTED or UNKNOWN for ``certify``; for ``worst_case_error`` it is
    COMPUTED (``max_error`` exact, attained at ``witness``, nothing exceeds it) or UNKNOWN with the
    bounds found (``lower_bound`` attained at ``witness``, ``upper_bound`` when known).
    ``max_error`` is ``"unbounded"`` when the error grows without bound on ``reals``.
    """

    status: str
    domain: str
    eps: Fraction | None = None
    max_error: Fraction | str | None = None
    witness: list | None = None
    error_at_witness: Fraction | None = None
    lower_bound: Fraction | None = None
    upper_bound: Fraction | None = None
    model_sha256: str = ""
    solver: dict = field(default_factory=dict)
    time_s: float = 0.0
    queries: int = 0
    reason: str = ""
    method: str = ""
    output: int | None = None  # with windows: the output the witness speaks of
    outputs: list | None = None  # with windows: one summary per output
    relative: bool = False  # the bound is eps (max(x) - min(x)), the error a ratio to the contrast
    bab_proof: list | None = None  # branch and bound's record, when asked for (certificate files only)

    @property
    def has_windows(self) -> bool:
        return self.outputs is not None

    def to_dict(self) -> dict:
        """The JSON object (rationals as ``"p/q"`` strings)."""
        return {
            "status": self.status,
            "eps": _q(self.eps),
            "max_error": _q(self.max_error),
            "witness": None if self.witness is None else [_q(v) for v in self.witness],
            "error_at_witness": _q(self.error_at_witness),
            "lower_bound": _q(self.lower_bound),
            "upper_bound": _q(self.upper_bound),
            "domain": self.domain,
            "model_sha256": self.model_sha256,
            "solver": self.solver,
            "time_s": round(self.time_s, 3),
            "queries": self.queries,
            "method": self.method,
            "reason": self.reason,
            **({} if self.outputs is None else {"output": self.output, "outputs": self.outputs}),
            **({"property": "|N(x) - max(x)| <= eps (max(x) - min(x))"} if self.relative else {}),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=1)


def certificate_file(cert: Certificate, G, eps=None) -> dict:
    """The self-contained record of a verdict that ``maxcert check`` re-verifies (verify/checker.py).

    ``property``: domain, eps (``certify``), relative form; ``verdict``: status, value (``error``),
    witness and its exact error, bracket; ``proof``: the route that decided and, where z3 decided the
    upper side, the plain SMT-LIB2 violation query (a record: the checker writes its own).
    """
    from maxcert.verify.domains import parse_domain
    from maxcert.verify.encode import Encoding, to_smt2

    bound = eps if eps is not None else (cert.max_error if cert.status == COMPUTED else None)
    smt2 = None
    if cert.status in (CERTIFIED, COMPUTED) and bound is not None and bound != UNBOUNDED:
        enc = Encoding(G, parse_domain(cert.domain))
        smt2 = to_smt2(enc.relative_violation(bound) if cert.relative else enc.violation(bound),
                       f"unsat = |N(x) - max(x)| <= {bound}{' (max(x) - min(x))' if cert.relative else ''} "
                       f"for all x in {cert.domain}")
    return {
        "format": "maxcert-certificate", "version": 1, "model_sha256": cert.model_sha256,
        "property": {"domain": cert.domain, "eps": _q(eps), "relative": cert.relative, "windows": None},
        "verdict": {"status": cert.status, "value": _q(cert.max_error), "eps": _q(eps),
                    "witness": None if cert.witness is None else [_q(v) for v in cert.witness],
                    "error_at_witness": _q(cert.error_at_witness), "lower_bound": _q(cert.lower_bound),
                    "upper_bound": _q(cert.upper_bound)},
        "proof": {"route": cert.method, "solver": cert.solver, "queries": cert.queries, "reason": cert.reason,
                  "smt2": smt2, **_bab_record(cert, G)},
    }


def rewrite_certificate_file(data: bytes, report: dict) -> dict:
    """The record of ``maxcert rewrite`` that ``maxcert check`` re-verifies (verify/check_rewrite.py).

    ``data``: the written model's bytes; ``report``: :func:`maxcert.verify.pools.rewrite`'s. For each
    pool the claim (tensors, input shape, element type, attributes), what was found (status, ReLUs,
    Relu layers) and, for an exact pool, its stages and the SMT-LIB2 query of each distinct line
    network (a record for other tools: the checker writes its own queries)."""
    import onnx

    from maxcert.verify.check_rewrite import KIND, _Site
    from maxcert.verify.checker import violation_query
    from maxcert.verify.pool_proof import prove_exact

    model = onnx.load_from_string(data)
    claims, found, proofs, seen = [], [], [], set()
    for p in report["pools"]:
        approx = "certified_error" in p or "depth" in p
        claim = {"node": p["node"], **p["tensors"], "input_shape": p["input_shape"], "elem_type": p["elem_type"],
                 "attributes": p["attributes"], "approximation": approx,
                 **({"range": p.get("range"), "relative": bool(p.get("relative"))} if approx else {})}
        queries: list[str] = list(p.get("smt2") or [])
        if p["status"] == CERTIFIED and not approx and "smt2" not in p:  # a report of rewrite(record=False)
            def keep(H, _deadline, queries=queries):  # only collects: the verdict is the report's own proof
                q = violation_query(H, "reals", Fraction(0), False)
                if q not in seen:  # each distinct network once, under the first pool that needs it
                    seen.add(q)
                    queries.append(q)
                return True, ""
            prove_exact(model, _Site(claim), prove=keep)
        claims.append(claim)
        found.append({k: p.get(k) for k in ("node", "status", "relus", "relu_layers", "certified_error") if k in p})
        proofs.append({"node": p["node"], "stages": p.get("stages"), "smt2": queries})
    return {"format": "maxcert-certificate", "version": 1, "kind": KIND,
            "model_sha256": hashlib.sha256(data).hexdigest(),
            "property": {"claim": "each exact pool's output equals, at every position and for every real input, the "
                                  "max over that position's window of unpadded inputs; an approximated pool's is "
                                  "within its certified_error of it, on its range or times max - min",
                         "pools": claims},
            "verdict": {"status": report["status"], "pools": found},
            "proof": {"route": "staged", "pools": proofs}}


def _bab_record(cert: Certificate, G) -> dict:
    """Branch and bound's record for the checker: the network's layers by node id (the checker reads
    the weights from the model itself) and each piece's bounds, cuts and search tree. Empty when
    there is none, or the network is not strictly layered (the checker then re-proves the plain query)."""
    if cert.bab_proof is None or cert.status not in (CERTIFIED, COMPUTED):
        return {}
    layers = strict_layers(G)
    return {} if layers is None else {"bab": {"layers": layers, "pieces": cert.bab_proof}}


def strict_layers(G) -> list | None:
    """The ReLU nodes layer by layer (as strings), in the order of the compiled layers, when every
    ReLU reads only the layer before it (or the inputs) and the one output reads only the last layer
    with no hidden linear node between; else None."""
    from maxcert.graphs.evaluate import affine_forms, relu_layers
    from maxcert.graphs.schema import input_nodes, output_nodes

    forms = affine_forms(G)
    layer = relu_layers(G, forms)
    outs = output_nodes(G)
    depth = max(layer.values(), default=0)
    if len(outs) != 1 or not depth or len(G) != len(layer) + len(input_nodes(G)) + 1:
        return None
    units = [set(input_nodes(G))] + [{n for n in layer if layer[n] == k} for k in range(1, depth + 1)]
    for n, k in layer.items():
        if not set(G.predecessors(n)) <= units[k - 1]:
            return None
    if not set(G.predecessors(outs[0])) <= units[depth] or G.nodes[outs[0]].get("activation") == "relu":
        return None
    return [[str(n) for n in layer if layer[n] == k] for k in range(1, depth + 1)]


def graph_sha256(G) -> str:
    """sha256 of the network's canonical JSON form: the same exact network, the same hash."""
    from maxcert.graphs.schema import memo

    return memo(G, "sha256", _sha256)


def _sha256(G) -> str:
    from maxcert.graphs.readwrite.json_graph import to_dict

    data = to_dict(G)
    data.pop("name", None)
    data["nodes"] = sorted(data["nodes"], key=lambda n: str(n["id"]))
    data["edges"] = sorted(data["edges"], key=lambda e: (str(e["source"]), str(e["target"])))
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def file_sha256(path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
