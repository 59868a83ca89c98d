"""``maxcert check CERT --model REWRITTEN.onnx`` for a rewrite: every replaced pool re-proved from the model.

A rewrite certificate (``kind: rewrite``, written by ``maxcert rewrite --certificate``) claims, for
each MaxPool it replaced, that in the written model the tensor ``output`` equals MaxPool(``input``)
with the recorded attributes at the recorded input shape: at every output position, for every
real input, exactly the max over that position's window of unpadded inputs. This module re-proves
each claim without the code that wrote the model or its search:

1. the model file's bytes hash to ``model_sha256``;
2. the staged reading of :func:`maxcert.verify.pool_proof.prove_exact` (the nodes from input to
   output cut into layout and line stages, layout copies labelled by onnxruntime, the composed
   windows compared with the pool's in exact integers), with every distinct line network's claim
   ``T_j(v) = max(v_S)`` on all reals decided by an SMT-LIB2 query this module writes itself
   (:func:`maxcert.verify.checker.violation_query`, eps = 0) in the solver it names, z3 or cvc5;
3. the recorded ReLUs and Relu layers of each pool are those of the model.

A pool that was approximated (``--depth``) claims instead that every output is within its
``certified_error`` of that max, for inputs in the recorded range (or relative to max - min): its
replacement is read as the rewrite reads it (each row copies exactly its window, labelled by
onnxruntime; :func:`maxcert.verify.pools.approximator_structure`) and the bound on its row network
decided by this module's own queries: the network symmetric under adjacent transpositions and the
bound on the ordered cone, or else the plain query.

It trusts onnxruntime for the tensors' shapes and the layout stages' copies, the ONNX reader
(``from_onnx``) for the line and row networks' exact weights, and the named solver.
"""

from __future__ import annotations

import hashlib
import math
from fractions import Fraction

from maxcert.verify.checker import Invalid, Undecided, Unreadable, _frac, _unsat, transposition_query, violation_query

KIND = "rewrite"


class _Site:
    """What :func:`prove_exact` reads of a pool: its tensors, shape, element type and geometry."""

    def __init__(self, claim: dict):
        from maxcert.graphs.pools import PoolError, PoolSpec

        try:
            self.node, self.input, self.output = claim["node"], claim["input"], claim["output"]
            self.shape, self.elem_type = list(claim["input_shape"]), int(claim["elem_type"])
            self.spec = PoolSpec.from_attributes(dict(claim["attributes"]), self.shape[2:])
        except (KeyError, TypeError, ValueError, PoolError) as e:
            raise Unreadable(f"pool claim {claim.get('node') if isinstance(claim, dict) else claim!r}: {e}") from None


def line_prover(solver: str, timeout):
    """``prove(H, deadline)`` for :func:`prove_exact`: H = max of its inputs on all reals, decided
    by this module's own query (unsat) in ``solver``; a counterexample is Invalid, no answer Undecided."""
    def prove(H, _deadline):
        _unsat(violation_query(H, "reals", Fraction(0), False), "a line network equals the max of what it reads",
               solver, timeout)
        return True, ""
    return prove


def _approximated(model, site, claim: dict, said: dict, solver: str, timeout) -> str:
    """An approximated pool re-proved (module docstring): the part checked."""
    from maxcert.graphs.evaluate import depth, num_neurons
    from maxcert.verify.pools import _Unproved, approximator_structure
    from maxcert.verify.smtlib import decide

    try:
        T, idx, m = approximator_structure(model, site, [v or 1 for v in site.shape])
    except _Unproved as e:
        raise Invalid(f"pool {site.node!r}: {e}") from None
    eps, relative = _frac(said.get("certified_error"), "certified_error"), claim.get("relative") is True
    if "range" not in claim and "relative" not in claim:
        raise Undecided(f"pool {site.node!r}: an approximation recorded before ranges were (re-run the rewrite)")
    if not relative and not (isinstance(claim.get("range"), list) and len(claim["range"]) == 2):
        raise Unreadable(f"pool {site.node!r}: an approximation without its input range")
    relus = num_neurons(T) * math.prod(idx.shape[:-1])
    if (said.get("relus"), said.get("relu_layers")) != (relus, depth(T)):
        raise Invalid(f"pool {site.node!r}: {said.get('relus')} ReLUs in {said.get('relu_layers')} layers recorded, "
                      f"the model has {relus} in {depth(T)}")
    domain = "reals" if relative else "box:{},{}".format(*(_frac(v, "a range end") for v in claim["range"]))
    cone = all(decide(transposition_query(T, domain, i), solver, timeout) == "unsat" for i in range(m - 1))
    what = f"pool {site.node!r}: |y - max(window)| <= {eps}" + (" (max - min)" if relative else f" on {domain}")
    _unsat(violation_query(T, domain, eps, relative, cone=cone), what, solver, timeout)
    return f"{what}: every row its window, {'symmetric, the cone' if cone else 'the plain query'} {solver} unsat"


def check_rewrite(cert: dict, data: bytes, solver: str = "z3", timeout: float | None = None) -> list:
    """Re-verify a rewrite certificate against the written model's bytes; the parts checked."""
    import onnx

    from maxcert.verify.pool_proof import Unproved, prove_exact

    try:
        claims, verdict = cert["property"]["pools"], cert["verdict"]
        status, pools = verdict["status"], verdict["pools"]
    except (KeyError, TypeError) as e:
        raise Unreadable(f"certificate field missing: {e}") from None
    if hashlib.sha256(data).hexdigest() != cert.get("model_sha256"):
        raise Invalid("model: its bytes do not hash to the certificate's model_sha256")
    try:
        model = onnx.load_from_string(data)
    except Exception as e:  # any parse failure is an unreadable model
        raise Unreadable(f"the model is not ONNX: {str(e).splitlines()[0][:200]}") from None
    if not isinstance(claims, list) or not isinstance(pools, list) or len(claims) != len(pools):
        raise Unreadable("property.pools and verdict.pools must be lists of the same length")
    done, cache, prove = ["model hash"], {}, line_prover(solver, timeout)
    for claim, said in zip(claims, pools):
        site = _Site(claim)
        if said.get("status") != "CERTIFIED":
            if status == "CERTIFIED":
                raise Invalid(f"pool {site.node!r}: {said.get('status')}, yet the verdict is CERTIFIED")
            continue
        if claim.get("approximation"):
            done.append(_approximated(model, site, claim, said, solver, timeout))
            continue
        try:
            facts = prove_exact(model, site, cache=cache, prove=prove)
        except Unproved as e:
            raise Invalid(f"pool {site.node!r}: {e}") from None
        except (Invalid, Undecided) as e:  # a line network's query: sat, or no answer
            raise type(e)(f"pool {site.node!r}: {e}") from None
        for key in ("relus", "relu_layers"):
            if said.get(key) != facts[key]:
                raise Invalid(f"pool {site.node!r}: {key} {said.get(key)} recorded, the model has {facts[key]}")
        done.append(f"pool {site.node!r}: {len(facts['stages'])} stages, {facts['relus']} ReLUs, windows equal")
    if status != "CERTIFIED":
        raise Undecided(f"verdict {status}: the certified pools re-verified, the others have nothing to re-check")
    lines = len(cache.get("_relative_support", {}))
    return done + ([f"every line network = max, {solver} unsat ({lines} distinct)"] if lines else [])
