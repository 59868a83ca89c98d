"""The relative (shift-equivariant) property: ``|N(x) - max(x)| <= eps (max(x) - min(x))``.

A max is shift-equivariant and positively homogeneous, so the natural bound for an approximator
with the same symmetries scales with the local contrast ``max - min`` and needs no input range.
:func:`certify_relative` proves it (or refutes it with an exact witness); :func:`relative_error`
computes ``sup |N - max| / (max - min)`` exactly. Both decide in exact rationals:

* a network with a symmetric max-affine form (:mod:`maxcert.verify.lifting`; the paper's
  approximators and trees) is settled on the ordered cone, where the error and the contrast are
  linear on each piece: the sup is read off the pieces' vertices (or rays, on R^d) and z3 proves
  ``|f - max| <= eps (x_0 - x_{d-1})`` piece by piece;
* any other network: one z3 query ``|N - max| > eps (max - min)`` over the domain (the ordered
  cone when permutation invariance is proved), and for the sup a region search: in the linear
  region of a witness, Dinkelbach's iteration of exact LPs raises the ratio to the region's best
  vertex, until z3 finds no x above it.

A flat input (``max = min``) with a nonzero error makes the ratio unbounded; it is reported with
that input as the witness.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from fractions import Fraction

import networkx as nx
import numpy as np

from maxcert.graphs.evaluate import compile_layers, evaluate_exact
from maxcert.graphs.schema import input_nodes, to_fraction
from maxcert.verify import lifting, solvers
from maxcert.verify.certificates import CERTIFIED, COMPUTED, REFUTED, UNBOUNDED, UNKNOWN, Certificate, graph_sha256
from maxcert.verify.certify import (
    CertifyError,
    _deadline,
    _done,
    _encoding,
    _left,
    _prepare,
    _prove_cone,
    _round_into,
    region_of,
)
from maxcert.verify.domains import Domain
from maxcert.verify.encode import Encoding, q, to_smt2
from maxcert.verify.symmetry import looks_symmetric


def relative_error(G: nx.DiGraph, x: Sequence[object]) -> Fraction | str:
    """``|N(x) - max(x)| / (max(x) - min(x))`` in exact rationals; ``"unbounded"`` at a flat x with
    a nonzero error, 0 at a flat x that N gets right.

    Examples
    --------
    >>> from maxcert.graphs import approximator
    >>> f = approximator(4, {1: -1, 2: 2})    # 2 M_2 - M_1, the depth-1 relative optimum for d = 4
    >>> relative_error(f, [1, 0, 0, 0]), relative_error(f, [5, 5, 5, 5])    # 3/4 vs 1; flat: exact
    (Fraction(1, 4), Fraction(0, 1))
    >>> relative_error(approximator(2, {0: Fraction(1, 4), 1: 1}), [3, 3])    # 1/4 + mean, flat
    'unbounded'
    """
    xs: list[Fraction] = [to_fraction(v) for v in x]
    (y,) = evaluate_exact(G, xs)
    e, c = abs(y - max(xs)), max(xs) - min(xs)
    if c == 0:
        return Fraction(0) if e == 0 else UNBOUNDED
    return e / c


def _ratio_key(r):
    return float("inf") if r == UNBOUNDED else r


def _sample(G, dom: Domain, n: int = 4096, seed: int = 0, keep: int = 6):
    """Float proposals (flat inputs included), the best ``keep`` re-evaluated exactly: ``(ratio, x)``."""

    f = compile_layers(G)
    d = len(input_nodes(G))
    rng = np.random.default_rng(seed)
    if dom.bounded:
        lo, hi = (float(v) for v in dom.box())
        X = rng.uniform(lo, hi, size=(n, d))
        X[: n // 8] = rng.integers(0, 2, size=(n // 8, d)) * (hi - lo) + lo  # 0/1 vertices
        X[n // 8: n // 4] = rng.uniform(lo, hi, size=(n // 8, 1))  # flat windows
    else:
        X = rng.standard_normal((n, d)) * rng.choice([1.0, 100.0], size=(n, 1))
        X[: n // 8] = rng.integers(0, 2, size=(n // 8, d))
        X[n // 8: n // 4] = rng.standard_normal((n // 8, 1)) * 10
    out = f(X)[:, 0]
    c = X.max(axis=1) - X.min(axis=1)
    err = np.abs(out - X.max(axis=1))
    r = np.where(c > 0, err / np.maximum(c, 1e-300), np.where(err > 1e-9, np.inf, 0.0))
    pts = [[_round_into(v, dom) for v in X[i]] for i in np.argsort(-r)[:keep]]
    got = [(relative_error(G, x), x) for x in pts]
    got.sort(key=lambda p: -_ratio_key(p[0]))
    return got


def _lift(G, dom: Domain):
    """The symmetric max-affine form of G, spot-checked exactly against G; None when it has none."""
    d = len(input_nodes(G))
    if d < 2 or not looks_symmetric(G, dom):
        return None
    f = lifting.lift(G, dom)
    if f is None or not f.is_symmetric(d):
        return None
    rng = np.random.default_rng(1)
    pts = [[Fraction(int(k), 64) for k in rng.integers(-64, 65, size=d)] for _ in range(2)]
    if dom.bounded:
        lo, hi = dom.box()
        pts = [[min(max(v, lo), hi) for v in p] for p in pts]
    return f if lifting.exact_spot_check(G, f, pts) else None


def _lifted(G, dom: Domain, cert):
    """The lifted route's exact sup: ``(f, sup, witness, ratio at the witness on N)``, or None."""
    f = _lift(G, dom)
    if f is None:
        return None
    cert.method = "lifted-cone"
    sup, w = lifting.sup_relative(f, len(input_nodes(G)), dom)
    return f, sup, w, relative_error(G, w)


def certify_relative(G: nx.DiGraph, eps: object, domain: str | Domain = "reals", timeout: float | None = None,
                     d: int | None = None, strategy: str = "auto", smt2: str | None = None) -> Certificate:
    """Prove ``|N(x) - max(x)| <= eps (max(x) - min(x))`` for every x in the domain, or refute it.

    ``domain`` defaults to all of R^d: the bound of a shift-equivariant network needs no range.
    The certificate's ``method`` says how it was proved (``lifted-cone``: z3 UNSAT on each piece of
    the ordered cone of the network's exact max-affine form; ``plain`` or ``symmetric-cone``: one z3
    UNSAT over the domain). A refutation's witness is re-evaluated exactly. ``smt2`` receives the
    plain, standalone violation query.

    Examples
    --------
    >>> from maxcert.graphs import approximator
    >>> f = approximator(4, {1: -1, 2: 2})
    >>> certify_relative(f, Fraction(1, 4)).status
    'CERTIFIED'
    >>> c = certify_relative(f, Fraction(1, 5))
    >>> c.status, c.error_at_witness
    ('REFUTED', Fraction(1, 4))
    """
    eps = to_fraction(eps, "eps")
    if eps < 0:
        raise CertifyError(f"eps must be >= 0, got {eps}")
    t0 = time.perf_counter()
    dom = _prepare(G, domain, d)
    deadline = _deadline(timeout)
    cert = Certificate(UNKNOWN, dom.spec(), eps=eps, model_sha256=graph_sha256(G), solver=solvers.solver_info(),
                       relative=True)
    if smt2:
        with open(smt2, "w") as fh:
            fh.write(to_smt2(Encoding(G, dom).relative_violation(eps),
                             f"maxcert: is there x in {dom.spec()} with |N(x) - max(x)| > {eps} (max(x) - min(x))?\n"
                             "unsat certifies the relative bound"))
    if strategy in ("auto", "lifted"):
        lifted = _lifted(G, dom, cert)
        if lifted is not None:
            f, sup, w, r = lifted
            if _ratio_key(sup) > eps:
                if _ratio_key(r) <= eps:  # pragma: no cover - would mean the lifted form is wrong
                    cert.reason = "lifted witness not confirmed on the network"
                else:
                    return _done(cert, t0, status=REFUTED, witness=w, error_at_witness=r, lower_bound=r)
            elif _prove_cone(G, f, dom, eps, cert, deadline, relative=True):
                return _done(cert, t0, status=CERTIFIED, upper_bound=eps, lower_bound=sup, witness=w,
                             error_at_witness=r)
        elif strategy == "lifted":
            raise CertifyError("the network has no symmetric max-affine form to lift to; use --strategy auto")
    best, best_x = _sample(G, dom)[0]
    if _ratio_key(best) > eps:
        cert.method = "sampling"
        return _done(cert, t0, status=REFUTED, witness=best_x, error_at_witness=best, lower_bound=best)
    enc = _encoding(G, dom, "plain" if strategy == "lifted" else strategy, deadline, cert)
    res = solvers.check(enc.relative_violation(eps), enc.x, _left(deadline))
    cert.queries += 1
    if res.status == "unsat":
        return _done(cert, t0, status=CERTIFIED, upper_bound=eps, lower_bound=best, witness=best_x,
                     error_at_witness=best)
    if res.status == "sat":
        x = [res.model[str(v)] for v in enc.x]
        r = relative_error(G, x)
        if _ratio_key(r) > eps:
            return _done(cert, t0, status=REFUTED, witness=x, error_at_witness=r, lower_bound=r)
        cert.reason = f"solver witness has exact relative error {r} <= eps; not trusted"
    else:
        cert.reason = res.reason or "timeout"
    return _done(cert, t0, witness=best_x, error_at_witness=best, lower_bound=best)


def relative_worst_case(G: nx.DiGraph, domain: str | Domain = "reals", timeout: float | None = None,
                        d: int | None = None, strategy: str = "auto") -> Certificate:
    """The exact ``sup |N(x) - max(x)| / (max(x) - min(x))`` over the domain, a witness, and a proof.

    ``max_error`` holds the sup (``"unbounded"`` when N errs at a flat input). Status COMPUTED when
    z3 proved nothing exceeds it; UNKNOWN (with the bound found) on a timeout, or when a region's
    ratio is only approached along a ray.

    Examples
    --------
    >>> from maxcert.graphs import approximator
    >>> c = relative_worst_case(approximator(4, {1: -1, 2: 2}))
    >>> c.status, c.max_error, c.method
    ('COMPUTED', Fraction(1, 4), 'lifted-cone')
    """
    t0 = time.perf_counter()
    dom = _prepare(G, domain, d)
    deadline = _deadline(timeout)
    cert = Certificate(UNKNOWN, dom.spec(), model_sha256=graph_sha256(G), solver=solvers.solver_info(), relative=True)
    if strategy in ("auto", "lifted"):
        lifted = _lifted(G, dom, cert)
        if lifted is not None:
            f, sup, w, r = lifted
            if sup == UNBOUNDED and r == UNBOUNDED:
                return _done(cert, t0, status=COMPUTED, max_error=UNBOUNDED, witness=w, error_at_witness=r,
                             reason="the network errs at a flat input (max = min)")
            if sup != UNBOUNDED and r == sup and _prove_cone(G, f, dom, sup, cert, deadline, relative=True):
                return _done(cert, t0, status=COMPUTED, max_error=sup, witness=w, error_at_witness=r,
                             lower_bound=sup, upper_bound=sup)
        elif strategy == "lifted":
            raise CertifyError("the network has no symmetric max-affine form to lift to; use --strategy auto")
    best, best_x = _sample(G, dom)[0]
    if best == UNBOUNDED:
        cert.method = "sampling"
        return _done(cert, t0, status=COMPUTED, max_error=UNBOUNDED, witness=best_x, error_at_witness=best,
                     reason="the network errs at a flat input (max = min)")
    enc = _encoding(G, dom, "plain" if strategy == "lifted" else strategy, deadline, cert)
    return _region_search(G, enc, cert, t0, deadline, best, best_x)


def _region_search(G, enc: Encoding, cert, t0, deadline, best, best_x) -> Certificate:
    """While z3 finds x with ratio > best, Dinkelbach's exact LPs over x's linear region raise best
    to that region's largest ratio; the final UNSAT proves nothing exceeds best."""
    base = enc.base() + enc.min_constraints()

    def stop(reason):
        return _done(cert, t0, reason=reason, witness=best_x, error_at_witness=best, lower_bound=best)

    while True:
        if deadline is not None and _left(deadline) <= 0:
            return stop("timeout")
        res = solvers.check(base + [enc.relative_exceeds(best)], enc.x, _left(deadline))
        cert.queries += 1
        if res.status == "unsat":
            return _done(cert, t0, status=COMPUTED, max_error=best, witness=best_x, error_at_witness=best,
                         lower_bound=best, upper_bound=best)
        if res.status != "sat":
            return stop(res.reason or "timeout")
        x = [res.model[str(v)] for v in enc.x]
        r = relative_error(G, x)
        if r == UNBOUNDED:
            return _done(cert, t0, status=COMPUTED, max_error=UNBOUNDED, witness=x, error_at_witness=r,
                         reason="the network errs at a flat input (max = min)")
        if r <= best:
            return stop(f"solver witness has exact relative error {r} <= {best}; not trusted")
        region = enc.domain_constraints() + region_of(enc, x)
        if not enc.cone:
            k = min(range(len(x)), key=lambda i: x[i])
            region += [enc.x[k] <= xi for xi in enc.x] + [enc.lo == enc.x[k]]
        (y,) = evaluate_exact(G, x)
        sign = 1 if y >= max(x) else -1
        while True:  # Dinkelbach: maximise sign (N - max) - r (max - min) over the region
            assert isinstance(r, Fraction)  # a flat witness returned above
            lp = solvers.maximize(region, sign * (enc.out - enc.t) - q(r) * (enc.t - enc.lo), enc.x,
                                  _left(deadline))
            cert.queries += 1
            if lp.status == "unbounded":
                return stop("the ratio is approached along a ray of a linear region; sup not computed exactly")
            if lp.status != "optimal":
                return stop(lp.reason or "LP did not finish")
            if lp.value is None or lp.value <= 0:
                break
            xs = [lp.point[str(v)] for v in enc.x]
            r2 = relative_error(G, xs)
            if not isinstance(r2, Fraction) or r2 <= r:  # exact re-evaluation must confirm every step
                return stop(f"region step to {r2} not confirmed exactly")
            x, r = xs, r2
        best, best_x = r, x


__all__ = ["certify_relative", "relative_error", "relative_worst_case"]
