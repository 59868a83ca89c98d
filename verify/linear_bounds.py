"""Linear bound propagation (CROWN-style back-substitution) over a box, sound in float64.

Each ReLU whose pre-activation interval ``[l, u]`` crosses 0 is bounded above by its triangle
chord ``relu(p) <= su (p - l)`` with ``su >= u / (u - l)``, and below by ``relu(p) >= al p`` with
``al`` in {0, 1}. Substituting these layer by layer turns any linear objective over the neurons
into a linear function of the input, whose maximum over the box with ``x_i`` largest is found at
one of at most d + 2 candidate points (:func:`input_max`).

Two evaluations of the same back-substitution:

* :func:`propagate` runs in float64 for every node of the search. Every rounding error is
  covered by an explicit margin (Higham's gamma bound on the absolute values that entered each
  product), so the pre-activation bounds it returns are valid for the exact network.
* :func:`exact_upper` replays the objective's back-substitution in exact rationals, deciding each
  relaxation by the *exact* sign of its coefficient. A node of the search is closed only when
  this exact value is at most the threshold.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

U = 2.0 ** -53  # unit roundoff of float64


def _gamma(n: int) -> float:
    """Higham's gamma_n (relative error of an n-term float64 dot product), doubled for safety."""
    return 2 * n * U / (1 - n * U)


def input_max(L: np.ndarray, c: np.ndarray, lo: np.ndarray, hi: np.ndarray, i: int):
    """Row-wise ``max L x + c`` over ``{lo <= x <= hi, x_k <= x_i}``, with a maximiser per row.

    For a fixed ``x_i = t`` every other coordinate goes to whichever end of ``[lo_k, min(hi_k, t)]``
    its coefficient prefers, so the value is concave and piecewise linear in t with breaks at the
    ``hi_k``: the maximum is at ``t`` = the smallest feasible value, ``hi_i`` or some ``hi_k``.
    Returns ``(values, points)``, or ``(None, None)`` when the set is empty.

    Examples
    --------
    >>> v, x = input_max(np.array([[1.0, -2.0]]), np.zeros(1), np.zeros(2), np.ones(2), 0)
    >>> float(v[0]), x[0].tolist()
    (1.0, [1.0, 0.0])
    """
    m = L.shape[0]
    t0 = max(lo[i], lo.max())
    if t0 > hi[i]:
        return None, None
    ts = np.unique(np.clip(np.concatenate([[t0, hi[i]], hi]), t0, hi[i]))
    up = np.minimum(hi[None, :], ts[:, None])  # (nt, d): each coordinate's top for x_i = t
    up[:, i] = ts
    low = np.broadcast_to(lo, up.shape).copy()
    low[:, i] = ts
    pos = L > 0
    # value at t: sum_k L_k (top_k if L_k > 0 else low_k)
    v = (np.where(pos, L, 0.0) @ up.T) + (np.where(pos, 0.0, L) @ low.T) + c[:, None]  # (m, nt)
    k = np.argmax(v, axis=1)
    rows = np.arange(m)
    arg = np.where(pos, up[k], low[k])
    return v[rows, k], arg


def input_max_exact(lam: list, c: Fraction, lo: list, hi: list, i: int):
    """:func:`input_max` for one row in exact rationals; ``None`` when the set is empty."""
    t0 = max(lo[i], max(lo))
    if t0 > hi[i]:
        return None
    best = None
    for t in {t0, hi[i], *(min(max(h, t0), hi[i]) for h in hi)}:
        v = c + lam[i] * t
        for k, a in enumerate(lam):
            if k != i and a:
                v += a * min(hi[k], t) if a > 0 else a * lo[k]
        best = v if best is None or v > best else best
    return best


@dataclass
class Relax:
    """The per-layer relaxation chosen for one node: chord slopes ``su`` and lower slopes ``al``
    of the crossing neurons, masks of dead and active ones, and the bounds they rest on."""

    l: np.ndarray
    u: np.ndarray
    dead: np.ndarray
    active: np.ndarray
    cross: np.ndarray
    su: np.ndarray
    al: np.ndarray


def narrow(l, u, prior, f):
    """Pre-activation bounds intersected with bounds known for a superset (``prior``, or None) and
    with the fixed phases ``f`` (+1: p >= 0, -1: p <= 0, 0: free)."""
    if prior is not None:
        l, u = np.maximum(l, prior[0]), np.minimum(u, prior[1])
    return np.where(f > 0, np.maximum(l, 0.0), l), np.where(f < 0, np.minimum(u, 0.0), u)


def _relax(l, u, f) -> Relax:
    dead = (f < 0) | (u <= 0)
    active = ~dead & ((f > 0) | (l >= 0))
    cross = ~dead & ~active
    den = np.where(cross, u - l, 1.0)
    # rounded up twice: at least u / (u - l) whatever the rounding of the quotient
    su = np.where(cross, np.nextafter(np.nextafter(u / den, np.inf), np.inf), 0.0)
    al = np.where(cross, (u > -l).astype(float), 0.0)
    return Relax(l, u, dead, active, cross, su, al)


def _backward(net, relax, hmax, G, const, err, k):
    """Back-substitute rows ``G`` (coefficients on the post-activations of layer k - 1) to the
    input, accumulating constants and rounding margins. Returns (Lambda_x, const, err)."""
    for kk in range(k - 1, -1, -1):
        r = relax[kk]
        pos = G >= 0
        a = np.where(r.active, G, 0.0) + np.where(r.cross, np.where(pos, G * r.su, G * r.al), 0.0)
        up = np.where(r.cross & pos, G * r.su, 0.0)  # rows' chord terms: - G su l
        const = const - up @ r.l
        pmax = np.maximum(np.abs(r.l), np.abs(r.u))
        n = G.shape[1]
        err = err + _gamma(n + 4) * (np.abs(a) @ pmax + np.abs(up) @ np.abs(r.l))
        W, b = net.Wf[kk], net.bf[kk]
        G = a @ W
        const = const + a @ b
        err = err + _gamma(W.shape[1] + 4) * (np.abs(a) @ (np.abs(W) @ hmax[kk]) + np.abs(a) @ np.abs(b))
    return G, const, err


@dataclass
class NodeBounds:
    """Result of :func:`propagate`: sound pre-activation bounds, the relaxation, a sound upper
    bound of the objective (``-inf`` when the node is provably empty) and the input maximising
    its linear bound (a candidate witness)."""

    bounds: list
    relax: list
    ub: float
    x: np.ndarray | None


def propagate(net, lo, hi, i: int, s: int, fix, prior=None) -> NodeBounds:
    """Sound bounds for the node ``{lo <= x <= hi, x_k <= x_i, fixed phases}`` and objective
    ``s (N(x) - x_i)``. ``prior`` (bounds known for a superset) are intersected layer by layer.
    """
    d = net.d
    xmax = np.maximum(np.abs(lo), np.abs(hi))
    hmax = [xmax]  # magnitude bounds of each layer's input, filled in as layers are bounded
    relax, bounds = [], []
    for k, n in enumerate(net.sizes):
        G = np.vstack([np.eye(n), -np.eye(n)]) @ net.Wf[k]
        const = np.concatenate([net.bf[k], -net.bf[k]])
        err = _gamma(net.Wf[k].shape[1] + 4) * (np.abs(G) @ hmax[k] + np.abs(const))
        G, const, err = _backward(net, relax, hmax, G, const, err, k)
        err = err + _gamma(d + 4) * (np.abs(G) @ xmax + np.abs(const))
        v, _ = input_max(G, const, lo, hi, i)
        if v is None:
            return NodeBounds(bounds, relax, -np.inf, None)
        v = v + err + 1e-300
        f = fix[k]
        l, u = narrow(-v[n:], v[:n], None if prior is None else prior[k], f)
        bounds.append((l, u))
        if np.any(l > u):  # a fixed phase contradicts sound bounds: the node is empty
            return NodeBounds(bounds, relax, -np.inf, None)
        r = _relax(l, u, f)
        relax.append(r)
        hmax.append(np.where(r.dead, 0.0, np.maximum(u, 0.0)))
    last = net.Wf[-1]
    G = s * last
    const = s * net.bf[-1].astype(float)
    err = _gamma(last.shape[1] + 4) * (np.abs(G) @ hmax[-1] + np.abs(const))
    G, const, err = _backward(net, relax, hmax, G, const, err, len(net.sizes))
    G = G.copy()
    G[:, i] -= s
    err = err + _gamma(d + 4) * (np.abs(G) @ xmax + np.abs(const))
    v, x = input_max(G, const, lo, hi, i)
    if v is None:
        return NodeBounds(bounds, relax, -np.inf, None)
    return NodeBounds(bounds, relax, float(v[0] + err[0]) + 1e-300, x[0])


class ExactNet:
    """A network's exact weights and biases as integers over one denominator per layer, so that
    exact back-substitution is integer arithmetic instead of Fraction arithmetic."""

    def __init__(self, net):
        self.W, self.wden, self.b, self.bden = [], [], [], []
        for W, b in zip(net.W, net.b):
            wden = math.lcm(1, *(w.denominator for row in W for w in row))
            bden = math.lcm(1, *(v.denominator for v in b))
            self.W.append(np.array([[int(w * wden) for w in row] for row in W], dtype=object))
            self.b.append(np.array([int(v * bden) for v in b], dtype=object))
            self.wden.append(wden)
            self.bden.append(bden)


def _dyadic(v: np.ndarray):
    """Floats as exact integers over one power of two: ``v = ints * 2**e``."""
    nz = v[v != 0]
    if not len(nz):
        return np.zeros(len(v), dtype=object), 0
    e = int(np.frexp(nz)[1].min()) - 53
    return np.array([int(math.ldexp(float(t), -e)) for t in v], dtype=object), e


def _pow2(e: int) -> Fraction:
    return Fraction(1 << e) if e >= 0 else Fraction(1, 1 << -e)


def exact_upper(net, ex: ExactNet, box, i: int, s: int, relax: list) -> Fraction | None:
    """The exact value of the objective's back-substitution bound over the node.

    ``box`` is the node's exact input box (Fractions); ``relax`` holds the sound float bounds and
    slopes of :func:`propagate`. Each neuron's line (chord or lower line) follows the *exact* sign
    of its coefficient, and each chord slope is checked exactly, so the result is a valid upper
    bound whatever the float computation did. Coefficients are kept as integers times one rational
    scale per layer. Returns None when the node's box misses the piece (the node is empty).
    """
    L = len(net.sizes)
    g = ex.W[-1][0] * s  # g_int * scale: the exact coefficients on the last hidden layer's outputs
    scale = Fraction(1, ex.wden[-1])
    const = s * net.b[-1][0]
    for k in range(L - 1, -1, -1):
        r = relax[k]
        pos = np.array([v > 0 for v in g], dtype=bool)
        up = r.cross & pos
        ident = r.active | (r.cross & ~pos & (r.al > 0))
        su, e = _dyadic(np.where(up, r.su, 0.0))
        if up.any():  # each chord must lie above relu on [l, u]: su (u - l) >= u, checked exactly
            lu, _ = _dyadic(np.concatenate([np.where(up, r.l, 0.0), np.where(up, r.u, 0.0)]))
            li, ui = lu[:len(g)], lu[len(g):]
            # su_int 2^e (u_int - l_int) 2^c >= u_int 2^c  <=>  su_int (u_int - l_int) >= u_int 2^-e
            lhs = su[up] * (ui[up] - li[up])
            rhs = ui[up] * (1 << -e) if e < 0 else ui[up]
            if e > 0:
                lhs = lhs * (1 << e)
            if any(a < b for a, b in zip(lhs, rhs)):
                raise ArithmeticError("a chord slope below u / (u - l)")
        one = 1 << -e if e < 0 else 1
        su = np.array([t if a else (one if b else 0) for t, a, b in zip(su, up, ident)], dtype=object)
        a = g * su  # coefficients on layer k's pre-activations, times ``ascale``
        ascale = scale * (_pow2(e) if e < 0 else 1)
        if e > 0:
            a = a * (1 << e)
        if up.any():  # the chords' constants: - sum g_j su_j l_j
            li, el = _dyadic(np.where(up, r.l, 0.0))
            const -= int(a[up] @ li[up]) * ascale * _pow2(el)
        const += Fraction(int(a @ ex.b[k]), ex.bden[k]) * ascale
        g = a @ ex.W[k]
        scale = ascale / ex.wden[k]
    # lam = scale * g - s e_i, as integers over scale's denominator
    lam = [int(v) * scale.numerator for v in g]
    lam[i] -= s * scale.denominator
    m = input_max_exact(lam, Fraction(0), list(box[0]), list(box[1]), i)
    return None if m is None else m / scale.denominator + const
