"""Certify ``|N(x) - max(x)| <= eps`` on a domain, and compute the exact worst-case error.

Data flows graph -> encoding -> solver -> certificate. Floating point only *proposes*
witnesses (sampling, local ascent, a walk over linear regions); every reported witness is
re-evaluated in exact rationals. Every CERTIFIED verdict rests on exact rational arithmetic: an
UNSAT answer of z3, or, in branch and bound (:mod:`maxcert.verify.bab`), leaves closed by z3 or by
weak-duality, Farkas and linear bounds recomputed in exact integers over sound (outward-rounded)
neuron bounds.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING

import networkx as nx
import numpy as np

from maxcert.errors import MaxcertError
from maxcert.graphs.evaluate import compile_layers, evaluate_exact
from maxcert.graphs.schema import input_nodes, output_nodes, to_fraction, validate
from maxcert.verify import exact, lifting, solvers
from maxcert.verify.certificates import (
    CERTIFIED,
    COMPUTED,
    REFUTED,
    UNBOUNDED,
    UNKNOWN,
    Certificate,
    graph_sha256,
)
from maxcert.verify.domains import Domain, parse_domain
from maxcert.verify.encode import Encoding, to_smt2
from maxcert.verify.search import DEFAULT, Options
from maxcert.verify.symmetry import looks_symmetric, prove_invariance

if TYPE_CHECKING:
    from maxcert.graphs.evaluate import Layers

Rational = Fraction | float | str  # an exact value: a Fraction, an int or float (its binary value), or "p/q"

STRATEGIES = ("auto", "plain", "symmetric", "lifted", "bab")
AUTO_PLAIN_SLICE = 2.0  # seconds the plain query gets first in "auto": trees decide there at once


class CertifyError(MaxcertError):
    """The question cannot be asked of this network (wrong outputs, inputs, eps)."""


def exact_error(G: nx.DiGraph, x: Sequence[Rational], layers: Layers | None = None,
                window: Sequence[int] | None = None) -> Fraction:
    """``|N(x) - max(x)|`` in exact rationals (on ``layers``, G's compiled form, when given);
    with ``window``, the max is over those input indices only.

    Examples
    --------
    >>> from maxcert.graphs import approximator
    >>> exact_error(approximator(2, {0: Fraction(1, 4), 1: 1}), [1, 0])  # 1/4 + 1/2 vs 1
    Fraction(1, 4)
    """
    x = [to_fraction(v) for v in x]
    if layers is not None:
        return exact.error(layers, x, window)
    (y,) = evaluate_exact(G, x)  # node by node: a graph with skip connections compiles to large layers
    return abs(y - max(x if window is None else [x[i] for i in window]))


def _prepare(G, domain, d=None):
    validate(G)
    outs = output_nodes(G)
    if len(outs) != 1:
        raise CertifyError(f"network has {len(outs)} outputs; max replication needs exactly one")
    n = len(input_nodes(G))
    if d is not None and d != n:
        raise CertifyError(f"network has {n} inputs, expected {d}")
    return parse_domain(domain)


def _windows(G, windows, domain, d):
    """``(domain, windows)`` when the question is per output; None for the single-output default
    (one output, its window every input)."""
    validate(G)
    n, outs = len(input_nodes(G)), output_nodes(G)
    if d is not None and d != n:
        raise CertifyError(f"network has {n} inputs, expected {d}")
    if windows is None:
        if len(outs) != 1:
            raise CertifyError(f"network has {len(outs)} outputs; give one window of inputs per output "
                               "(--windows FILE.json)")
        return None
    from maxcert.verify.windows import parse_windows

    spec = parse_windows(windows, n, len(outs))
    if len(outs) == 1 and spec[0] == tuple(range(n)):
        return None
    return parse_domain(domain), spec


def _round_into(v: float, dom: Domain) -> Fraction:
    q = Fraction(v).limit_denominator(1 << 20)
    if dom.bounded:
        q = min(max(q, dom.box()[0]), dom.box()[1])
    return q


def _float_error(f, X) -> np.ndarray:
    """``|N(x) - max(x)|`` in float64 for each row of X (``f``: the compiled layers). A guide only."""
    return np.abs(f(X)[:, 0] - X.max(axis=1))


WALK_STARTS = 64  # sampled points the region walk starts from (with the ascended ones)


def sample_candidates(G, dom: Domain, n: int = 4096, seed: int = 0, keep: int = 8, exact: int = 2,
                      walk=None):
    """Float sampling proposes the points of largest error; returns ``[(exact_error, x)]``, best first.

    The ``keep`` best samples are improved by local ascent, the best of those is polished to the
    optimum of its linear region (a float LP), and the ``exact`` best points are re-evaluated in
    exact rationals: only those are returned. On a box, when no error found exceeds ``walk`` (a
    number; None: never), every start then walks from linear region to linear region
    (:func:`_walk`), which costs more LPs and finds the sharp peaks sampling misses.
    """

    f = compile_layers(G)
    d = len(input_nodes(G))
    rng = np.random.default_rng(seed)
    if dom.bounded:
        lo, hi = map(float, dom.box())
        X = rng.uniform(lo, hi, size=(n, d))
        V = rng.integers(0, 2, size=(min(n, 1 << d), d)) * (hi - lo) + lo  # corners: the paper's extremes
        X = np.vstack([X, V])
    else:
        scales = np.repeat([1.0, 100.0, 1e4], n // 3 + 1)[:n, None]
        X = rng.standard_normal((n, d)) * scales
    err = _float_error(f, X)
    rank = np.argsort(-err)
    order = rank[:keep]
    starts = np.vstack([X[order], _ascend(f, X[order], dom, rng)])
    serr = _float_error(f, starts)
    starts = starts[np.argsort(-serr)]
    pts = [[_round_into(v, dom) for v in row] for row in starts[:exact]]
    if dom.bounded:
        top = _polish(f, starts[0], dom)
        if top is not None:
            pts += [[_round_into(v, dom) for v in top], [min(max(Fraction(v), dom.box()[0]), dom.box()[1]) for v in top]]
    out = [(exact_error(G, x, f), x) for x in pts]
    out.sort(key=lambda p: -p[0])
    if dom.bounded and walk is not None and out[0][0] <= walk:
        more = X[rank[keep:WALK_STARTS]]  # more, and more varied, starts than the ascent's
        walked = _walk(f, np.vstack([starts, more]), dom, rng)
        if len(walked):
            pts = [[_round_into(v, dom) for v in row] for row in walked[:exact]]
            pts.append([min(max(Fraction(v), dom.box()[0]), dom.box()[1]) for v in walked[0]])  # the vertex itself
            out += [(exact_error(G, x, f), x) for x in pts]
            out.sort(key=lambda p: -p[0])
    return out


def _polish(f, x, dom: Domain):
    """The float optimum of the error over x's linear region (its ReLU phases, its largest input and
    the sign of its error), by one small LP; None when the LP fails. Only a proposal."""
    import highspy
    from scipy.sparse import csr_matrix

    from maxcert.verify.bab import _highs, highs_model

    Ws, bs = f.to_numpy()
    d = len(x)
    A, a = np.eye(d), np.zeros(d)  # the current layer's units as A x + a on the region
    h = np.asarray(x, dtype=np.float64)
    rows, rhs = [], []
    for W, b in zip(Ws[:-1], bs[:-1]):
        P, p = W @ A, W @ a + b
        pre = W @ h + b
        on = pre >= 0
        sgn = np.where(on, -1.0, 1.0)  # active: -(P x + p) <= 0, inactive: P x + p <= 0
        rows.append(sgn[:, None] * P)
        rhs.append(-sgn * p)
        A, a, h = P * on[:, None], p * on, np.maximum(pre, 0.0)
    c, c0 = (Ws[-1] @ A)[0], float((Ws[-1] @ a + bs[-1])[0])
    i = int(np.argmax(x))
    s = 1.0 if float(c @ x) + c0 >= x[i] else -1.0
    M = np.vstack(rows + [np.eye(d) - np.eye(d)[i]])  # the last rows: x_k - x_i <= 0
    lp = highs_model(csr_matrix(M), np.full(M.shape[0], -highspy.kHighsInf), np.concatenate(rhs + [np.zeros(d)]),
                     np.full(d, float(dom.box()[0])), np.full(d, float(dom.box()[1])), s * c - s * np.eye(d)[i], maximize=True)
    hs = _highs()
    hs.passModel(lp)
    hs.run()
    if hs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    return np.clip(np.asarray(hs.getSolution().col_value), float(dom.box()[0]), float(dom.box()[1]))


def _walk(f, starts, dom: Domain, rng, steps: int = 8, pop: int = 64):
    """Local search over linear regions from each start: the optimum of the current region (an LP),
    then the best of ``pop`` nearby points, which may lie across a region's face, and its region's
    optimum, while that improves. Returns the points reached, best first. Proposals only."""
    out = []
    for x in starts:
        cur = _polish(f, x, dom)
        if cur is None:
            continue
        best = _float_error(f, cur[None])[0]
        for _ in range(steps):
            near = np.clip(cur + rng.standard_normal((pop, len(cur))) * (float(dom.box()[1] - dom.box()[0]) / 50),
                           float(dom.box()[0]), float(dom.box()[1]))
            nxt = _polish(f, near[int(np.argmax(_float_error(f, near)))], dom)
            e = -np.inf if nxt is None else _float_error(f, nxt[None])[0]
            if not e > best + 1e-12:
                break
            cur, best = nxt, e
        out.append((best, cur))
    out.sort(key=lambda t: -t[0])
    return np.array([p for _, p in out]).reshape(-1, starts.shape[1])


def _ascend(f, starts, dom: Domain, rng, rounds: int = 24, pop: int = 64):
    """Local ascent of the float error (``f``: the compiled layers) from each start: keep the best of
    random steps, shrinking them."""
    n, d = starts.shape
    cur = starts.copy()
    cur_err = _float_error(f, cur)
    scale = (float(dom.box()[1] - dom.box()[0]) if dom.bounded else 1.0 + np.abs(cur).max()) / 4
    for _ in range(rounds):
        cand = np.repeat(cur, pop, axis=0) + rng.standard_normal((n * pop, d)) * scale
        if dom.bounded:
            cand = np.clip(cand, float(dom.box()[0]), float(dom.box()[1]))
        e = _float_error(f, cand).reshape(n, pop)
        best = e.argmax(axis=1)
        better = e[np.arange(n), best] > cur_err
        cur[better] = cand.reshape(n, pop, d)[np.arange(n), best][better]
        cur_err[better] = e[np.arange(n), best][better]
        scale /= 1.4
    return cur


def _deadline(timeout):
    return None if timeout is None else time.perf_counter() + float(timeout)


def _left(deadline):
    return None if deadline is None else max(0.0, deadline - time.perf_counter())


def _encoding(G, dom, strategy, deadline, cert, jobs=None) -> Encoding:
    """The encoding to solve: the ordered cone when invariance is proved, else the whole domain."""
    if strategy not in STRATEGIES:
        raise CertifyError(f"unknown strategy {strategy!r}; choose {', '.join(STRATEGIES)}")
    cert.method = "plain"
    if strategy in ("plain", "lifted", "bab") or len(input_nodes(G)) < 2:
        return Encoding(G, dom)
    if strategy == "auto" and not looks_symmetric(G, dom):
        return Encoding(G, dom)
    info = prove_invariance(G, dom, _left(deadline), key=cert.model_sha256, jobs=jobs)
    cert.queries += info["queries"]
    if info["proved"]:
        cert.method = "symmetric-cone"
        return Encoding(G, dom, cone=True)
    cert.reason = f"permutation invariance not proved ({info['reason']}); plain encoding used"
    return Encoding(G, dom)


def _witness(res: solvers.Result, enc: Encoding):
    return [res.model[str(v)] for v in enc.x]


def _lifted(G, dom, cert):
    """The exact sup of the error through the lifted max-affine form, or None when it does not apply.

    Returns ``(sup, witness, form)``; the sup is re-evaluated on the network itself.
    """
    d = len(input_nodes(G))
    if not looks_symmetric(G, dom):  # float hint only: it just skips this fast path
        return None
    f = lifting.lift(G, dom)
    if f is None or not f.is_symmetric(d):
        return None
    # grid points with small denominators: exact evaluation stays cheap, coordinates rarely tie
    rng = np.random.default_rng(1)
    lo, hi = (dom.lo, dom.hi) if dom.bounded else (Fraction(-8), Fraction(8))
    pts = [[lo + (hi - lo) * Fraction(int(k), 1024) for k in rng.integers(0, 1025, size=d)] for _ in range(2)]
    if not lifting.exact_spot_check(G, f, pts):  # a guard against a rewriting bug: never trust it then
        cert.reason = "lifted form disagrees with the network at a sample point; not used"
        return None
    sup, w = lifting.sup_error(f, d, dom)
    if sup == UNBOUNDED:
        t = Fraction(1)
        while exact_error(G, [t * v for v in w]) <= t:  # the error outgrows every bound along the ray
            t *= 2
        return sup, [t * v for v in w], f
    if exact_error(G, w) != sup:
        cert.reason = "lifted sup not attained exactly on the network; not used"
        return None
    return sup, w, f


def _prove_cone(G, f, dom, eps, cert, deadline, relative: bool = False) -> bool:
    """z3 proves ``|f - max| <= eps`` (``relative``: ``<= eps (max - min)``) on every piece of the
    ordered cone (f the lifted form)."""
    d = len(input_nodes(G))
    x, common, cases = lifting.cone_queries(f, d, dom, eps, relative)
    for res in solvers.check_each(common, cases, x, _left(deadline)):
        cert.queries += 1
        if res.status != "unsat":
            cert.reason = f"lifted cone query answered {res.status}"
            return False
    return True


def certify(G: nx.DiGraph, eps: Rational = 0, domain: str | Domain = "unit", timeout: float | None = None,
            smt2: str | None = None, d: int | None = None, strategy: str = "auto", jobs: int | None = None,
            windows: Sequence[Sequence[int]] | None = None, progress: Callable[..., None] | None = None,
            record: bool = False, options: Options | None = None) -> Certificate:
    """Prove ``|N(x) - max(x)| <= eps`` for every x in the domain, or refute it with an exact witness.

    ``windows``: one list of input indices per output, in output order; then every output o is
    compared with the max over its window, ``|N_o(x) - max(x_W_o)| <= eps``, output by output
    (:mod:`maxcert.verify.windows`), and a witness names its output (``Certificate.output``).
    Default: one output, compared with the max of every input.

    ``jobs``: processes for the independent invariance queries (default: all cores).
    ``progress``: a :class:`maxcert.progress.Progress` (or any ``progress(done, total)`` with a
    ``status(text)`` method) that branch and bound updates as its pieces finish.
    ``strategy``: ``plain`` is one z3 query over the domain and nothing else (the others first
    sample, and walk over linear regions when sampling refutes nothing); ``symmetric`` first
    proves N invariant under input permutations and then solves in the ordered cone; ``auto``
    tries the latter when float sampling suggests N is symmetric. ``smt2`` always receives the plain, standalone query.
    ``record``: branch and bound keeps the record of its search (``Certificate.bab_proof``) for a
    certificate file that ``maxcert check`` re-verifies leaf by leaf: the phase search records every
    step (below 7 inputs the input search records its tree of boxes, or ``options.record_every_d`` sends
    those pieces to the phase search too). ``options``: the
    levers of branch and bound (:class:`maxcert.verify.search.Options`; default the measured best).

    Examples
    --------
    >>> from maxcert.graphs import tree_network, approximator
    >>> certify(tree_network(4), domain="reals").status
    'CERTIFIED'
    >>> c = certify(approximator(2, {0: Fraction(1, 4), 1: 1}), eps=Fraction(1, 5))
    >>> c.status, c.error_at_witness > Fraction(1, 5)
    ('REFUTED', True)
    """
    eps = to_fraction(eps, "eps")
    if eps < 0:
        raise CertifyError(f"eps must be >= 0, got {eps}")
    spec = _windows(G, windows, domain, d)
    if spec is not None:
        if smt2:
            raise CertifyError("--smt2 writes the single-output query; it does not take windows")
        from maxcert.verify.windows import decide
        return decide("certify", G, eps, spec[0], spec[1], timeout, strategy, jobs)
    t0 = time.perf_counter()
    dom = _prepare(G, domain, d)
    deadline = _deadline(timeout)
    cert = Certificate(UNKNOWN, dom.spec(), eps=eps, model_sha256=graph_sha256(G), solver=solvers.solver_info())
    if smt2:
        with open(smt2, "w", encoding="utf-8") as f:
            f.write(to_smt2(Encoding(G, dom).violation(eps),
                            f"maxcert: is there x in {dom.spec()} with |N(x) - max(x)| > {eps}?\n"
                            "unsat = CERTIFIED, sat = REFUTED"))
    if strategy in ("auto", "lifted"):
        lifted = _lifted(G, dom, cert)
        if lifted is not None:
            sup, w, f = lifted
            cert.method = "lifted-cone"
            if sup == UNBOUNDED or sup > eps:
                e = exact_error(G, w)
                return _done(cert, t0, status=REFUTED, witness=w, error_at_witness=e, lower_bound=e)
            if _prove_cone(G, f, dom, eps, cert, deadline):
                return _done(cert, t0, status=CERTIFIED, upper_bound=eps, lower_bound=sup,
                             witness=w, error_at_witness=sup)
        elif strategy == "lifted":
            raise CertifyError("the network has no symmetric max-affine form to lift to; "
                               "use --strategy auto")
    if strategy == "plain":  # the single z3 query and nothing else: the baseline the others are measured by
        best_x = [dom.lo if dom.bounded else Fraction(0)] * len(input_nodes(G))
        best_err = exact_error(G, best_x)  # only a lower bound to report
    else:
        best_err, best_x = sample_candidates(G, dom, walk=eps)[0]
        if best_err > eps:
            cert.method = "sampling"
            return _done(cert, t0, status=REFUTED, witness=best_x, error_at_witness=best_err,
                         lower_bound=best_err)
    if strategy == "bab" or (strategy == "auto" and dom.bounded):
        from maxcert.verify import bab
        out = bab.certify_bab(G, dom, eps, cert, deadline, jobs, best_x, best_err, strict=strategy == "bab",
                              progress=progress, opts=_options(options, record))
        if out is not None:
            return _done(cert, t0, **out)
    res = None
    if strategy == "auto":
        enc = Encoding(G, dom)
        left = _left(deadline)
        res = solvers.check(enc.violation(eps), enc.x, AUTO_PLAIN_SLICE if left is None else min(left, AUTO_PLAIN_SLICE))
        cert.queries += 1
        cert.method = "plain"
        if res.status == "unknown":
            res = None
    if res is None:
        enc = _encoding(G, dom, strategy, deadline, cert, jobs)
        res = solvers.check(enc.violation(eps), enc.x, _left(deadline))
        cert.queries += 1
    return _verdict(G, res, enc, eps, cert, t0, best_x, best_err)


def _options(options, record: bool) -> Options:
    opts = options or DEFAULT
    return opts.replace(record=True) if record else opts


def _done(cert: Certificate, t0, **kw) -> Certificate:
    for k, v in kw.items():
        setattr(cert, k, v)
    cert.time_s = time.perf_counter() - t0
    return cert


def region_of(enc: Encoding, x) -> list:
    """Linear constraints of the closed region of x: ReLU phases, which input is largest."""
    val = dict(zip(enc.inputs, [Fraction(v) for v in x]))
    cons = []
    for n in nx.topological_sort(enc.G):
        if n not in enc.pre:
            continue
        coeffs, const = enc.forms[n]
        z = const + sum((c * val[s] for s, c in coeffs.items()), Fraction(0))
        val[n] = max(z, Fraction(0))
        if z >= 0:
            cons += [enc.pre[n] >= 0, enc.var[n] == enc.pre[n]]
        else:
            cons += [enc.pre[n] <= 0, enc.var[n] == 0]
    if enc.cone:
        return cons + enc.target_constraints()
    i = max(enc.window, key=lambda j: x[j])
    cons += [enc.x[i] >= enc.x[j] for j in enc.window] + [enc.t == enc.x[i]]
    return cons


def worst_case_error(G: nx.DiGraph, domain: str | Domain = "unit", timeout: float | None = None, d: int | None = None,
                     strategy: str = "auto", jobs: int | None = None, windows: Sequence[Sequence[int]] | None = None,
                     progress: Callable[..., None] | None = None, record: bool = False,
                     options: Options | None = None) -> Certificate:
    """The exact ``sup_x |N(x) - max(x)|`` over the domain, a witness attaining it, and a proof.

    ``windows``: as in :func:`certify`; the error is then the largest over the outputs of
    ``sup |N_o(x) - max(x_W_o)|``, and ``Certificate.output`` names the output of the witness.
    ``record``, ``options``: as in :func:`certify`.

    Linear search over regions: while z3 finds x with error > best, the exact LP over x's linear
    region raises best to that region's maximum. The final UNSAT proves nothing exceeds best.

    Examples
    --------
    >>> from maxcert.graphs import approximator
    >>> c = worst_case_error(approximator(2, {0: Fraction(1, 4), 1: 1}))   # 1/4 + mean vs max
    >>> c.status, c.max_error, c.error_at_witness
    ('COMPUTED', Fraction(1, 4), Fraction(1, 4))
    """
    spec = _windows(G, windows, domain, d)
    if spec is not None:
        from maxcert.verify.windows import decide
        return decide("error", G, None, spec[0], spec[1], timeout, strategy, jobs)
    t0 = time.perf_counter()
    dom = _prepare(G, domain, d)
    deadline = _deadline(timeout)
    cert = Certificate(UNKNOWN, dom.spec(), model_sha256=graph_sha256(G), solver=solvers.solver_info())
    if strategy in ("auto", "lifted"):
        lifted = _lifted(G, dom, cert)
        if lifted is not None:
            sup, w, f = lifted
            cert.method = "lifted-cone"
            e = exact_error(G, w)
            if sup == UNBOUNDED:
                return _done(cert, t0, status=COMPUTED, max_error=UNBOUNDED, witness=w, error_at_witness=e,
                             lower_bound=e, reason="the error grows without bound along a ray")
            if _prove_cone(G, f, dom, sup, cert, deadline):
                return _done(cert, t0, status=COMPUTED, max_error=sup, witness=w, error_at_witness=e,
                             lower_bound=sup, upper_bound=sup)
        elif strategy == "lifted":
            raise CertifyError("the network has no symmetric max-affine form to lift to; "
                               "use --strategy auto")
    best, best_x = sample_candidates(G, dom, walk=None if strategy == "plain" else math.inf)[0]
    if strategy == "bab" or (strategy == "auto" and dom.bounded):
        from maxcert.verify import bab
        out = bab.error_bab(G, dom, cert, deadline, jobs, best_x, best, strict=strategy == "bab", progress=progress,
                            opts=_options(options, record))
        if out is not None:
            return _done(cert, t0, **out)
    enc = _encoding(G, dom, strategy, deadline, cert, jobs)
    return _region_search(G, enc, cert, t0, deadline, best, best_x)


def _region_search(G, enc: Encoding, cert, t0, deadline, best, best_x) -> Certificate:
    """While z3 finds x with error > best, the exact LP over x's linear region raises best to that
    region's maximum; the final UNSAT proves nothing exceeds best. The target is max over enc.window."""
    W = enc.window
    base = enc.base()
    while True:
        if deadline is not None and _left(deadline) <= 0:
            return _done(cert, t0, reason="timeout", witness=best_x, error_at_witness=best, lower_bound=best)
        res = solvers.check(base + [enc.error_exceeds(best)], enc.x, _left(deadline))
        cert.queries += 1
        if res.status == "unsat":
            return _done(cert, t0, status=COMPUTED, max_error=best, witness=best_x, error_at_witness=best,
                         lower_bound=best, upper_bound=best)
        if res.status != "sat":
            return _done(cert, t0, reason=res.reason or "timeout", witness=best_x, error_at_witness=best,
                         lower_bound=best)
        x = _witness(res, enc)
        region = enc.domain_constraints() + region_of(enc, x)
        sign = 1 if evaluate_exact(G, x)[0] >= max(x[i] for i in W) else -1
        lp = solvers.maximize(region, sign * (enc.out - enc.t), enc.x, _left(deadline))
        cert.queries += 1
        if lp.status == "unbounded":
            xs = [lp.point[str(v)] for v in enc.x]
            e = exact_error(G, xs, window=W)
            return _done(cert, t0, status=COMPUTED, max_error=UNBOUNDED, upper_bound=None,
                         witness=xs, error_at_witness=e, lower_bound=e,
                         reason="the error grows without bound along a ray of this region")
        if lp.status != "optimal":
            return _done(cert, t0, reason=lp.reason or "LP did not finish", witness=best_x,
                         error_at_witness=best, lower_bound=best)
        xs = [lp.point[str(v)] for v in enc.x]
        e = exact_error(G, xs, window=W)
        if e != lp.value or e <= best:  # exact re-evaluation disagrees: never report it
            return _done(cert, t0, reason=f"region optimum {lp.value} not confirmed exactly ({e})",
                         witness=best_x, error_at_witness=best, lower_bound=best)
        best, best_x = e, xs


def windowed_candidates(G, dom: Domain, window, n: int = 4096, seed: int = 0, keep: int = 8):
    """Float sampling for a target max over ``window`` (a subset of the inputs); the ``keep`` best
    points re-evaluated exactly, ``[(exact_error, x)]`` best first. Proposals only."""

    f = compile_layers(G)
    d = len(input_nodes(G))
    rng = np.random.default_rng(seed)
    if dom.bounded:
        lo, hi = map(float, dom.box())
        X = np.vstack([rng.uniform(lo, hi, size=(n, d)), rng.integers(0, 2, size=(min(n, 1 << d), d)) * (hi - lo) + lo])
    else:
        X = rng.standard_normal((n, d)) * np.repeat([1.0, 100.0, 1e4], n // 3 + 1)[:n, None]
    err = np.abs(f(X)[:, 0] - X[:, list(window)].max(axis=1))
    pts = [[_round_into(v, dom) for v in X[i]] for i in np.argsort(-err)[:keep]]
    out = [(exact_error(G, x, f, window), x) for x in pts]
    out.sort(key=lambda p: -p[0])
    return out


def certify_windowed(G, eps, dom: Domain, window, deadline, cert, t0) -> Certificate:
    """``|N(x) - max(x_W)| <= eps`` for a single-output G whose output also reads inputs outside W:
    sampling proposes, one z3 query over the domain decides (the lifted and branch-and-bound routes
    assume the max of every input)."""
    best_err, best_x = windowed_candidates(G, dom, window)[0]
    if best_err > eps:
        cert.method = "sampling"
        return _done(cert, t0, status=REFUTED, witness=best_x, error_at_witness=best_err, lower_bound=best_err)
    enc = Encoding(G, dom, window=window)
    cert.method = "plain"
    res = solvers.check(enc.violation(eps), enc.x, _left(deadline))
    cert.queries += 1
    return _verdict(G, res, enc, eps, cert, t0, best_x, best_err)


def _verdict(G, res, enc: Encoding, eps, cert, t0, best_x, best_err) -> Certificate:
    """The certificate of one z3 violation query: UNSAT certifies; a model is re-evaluated exactly
    (against max over ``enc.window``) before it refutes; anything else is UNKNOWN."""
    if res.status == "unsat":
        return _done(cert, t0, status=CERTIFIED, upper_bound=eps, lower_bound=best_err)
    if res.status == "sat":
        x = _witness(res, enc)
        e = exact_error(G, x, window=enc.window)
        if e > eps:
            return _done(cert, t0, status=REFUTED, witness=x, error_at_witness=e, lower_bound=e)
        return _done(cert, t0, reason=f"solver witness has exact error {e} <= eps; not trusted",
                     witness=best_x, error_at_witness=best_err, lower_bound=best_err)
    return _done(cert, t0, reason=res.reason or "timeout", witness=best_x, error_at_witness=best_err,
                 lower_bound=best_err)


def error_windowed(G, dom: Domain, window, deadline, cert, t0) -> Certificate:
    """The exact ``sup |N(x) - max(x_W)|`` for a single-output G that also reads inputs outside W."""
    best, best_x = windowed_candidates(G, dom, window)[0]
    cert.method = "plain"
    return _region_search(G, Encoding(G, dom, window=window), cert, t0, deadline, best, best_x)


__all__ = ["CertifyError", "certify", "exact_error", "region_of", "sample_candidates", "worst_case_error"]
