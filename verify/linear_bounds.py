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

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from maxcert.verify.exact import lcm_den, round_up_bits

U = 2.0 ** -53  # unit roundoff of float64


def _gamma(n: int) -> float:
    """Higham's gamma_n (relative error of an n-term float64 dot product), doubled for safety."""
    return 2 * n * U / (1 - n * U)


def input_max_many(L: np.ndarray, c: np.ndarray, lo: np.ndarray, hi: np.ndarray, i: int, points: bool = False):
    """:func:`input_max` for a batch of nodes: ``L`` (N, m, d), ``c`` (N, m), boxes ``lo``, ``hi`` (N, d).

    Returns ``(values (N, m), empty (N,), points (N, m, d) or None)``; a row of an empty node
    (its box misses ``x_k <= x_i``) holds no meaningful value. ``i = None``: the box alone (the
    whole-box piece), where each coordinate goes to the end its coefficient prefers.
    """
    if i is None:
        pos = L > 0
        vals = np.where(pos, L, 0.0) @ hi[:, :, None] + np.where(pos, 0.0, L) @ lo[:, :, None]
        pts = np.where(pos, hi[:, None, :], lo[:, None, :]) if points else None
        return vals[:, :, 0] + c, np.zeros(L.shape[0], dtype=bool), pts
    t0 = np.maximum(lo[:, i], lo.max(axis=1))
    empty = t0 > hi[:, i]
    top = np.maximum(hi[:, i], t0)[:, None]  # keeps the clip below well-formed on empty nodes
    ts = np.clip(np.concatenate([t0[:, None], hi[:, [i]], hi], axis=1), t0[:, None], top)  # (N, nt)
    up = np.minimum(hi[:, None, :], ts[:, :, None])  # (N, nt, d): each coordinate's top for x_i = t
    up[:, :, i] = ts
    low = np.repeat(lo[:, None, :], ts.shape[1], axis=1)
    low[:, :, i] = ts
    pos = L > 0
    # value at t: sum_k L_k (top_k if L_k > 0 else low_k)
    v = (np.where(pos, L, 0.0) @ up.transpose(0, 2, 1) + np.where(pos, 0.0, L) @ low.transpose(0, 2, 1)
         + c[:, :, None])  # (N, m, nt)
    k = np.argmax(v, axis=2)
    vals = np.take_along_axis(v, k[:, :, None], axis=2)[:, :, 0]
    if not points:
        return vals, empty, None
    n_idx = np.arange(L.shape[0])[:, None]
    return vals, empty, np.where(pos, up[n_idx, k], low[n_idx, k])


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
    v, empty, x = input_max_many(L[None], np.asarray(c, float)[None], np.asarray(lo, float)[None],
                                 np.asarray(hi, float)[None], i, points=True)
    return (None, None) if empty[0] else (v[0], x[0])


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


SLOPE_BITS = 24  # significant bits of a chord slope (a larger slope is still a valid chord)


def _relax(l, u, f) -> Relax:
    dead = (f < 0) | (u <= 0)
    active = ~dead & ((f > 0) | (l >= 0))
    cross = ~dead & ~active
    den = np.where(cross, u - l, 1.0)
    # rounded up twice: at least u / (u - l) whatever the rounding of the quotient; then up to
    # SLOPE_BITS significant bits, which keeps the integers of the exact replay short
    su = np.where(cross, round_up_bits(np.nextafter(np.nextafter(u / den, np.inf), np.inf), SLOPE_BITS), 0.0)
    al = np.where(cross, (u > -l).astype(float), 0.0)
    return Relax(l, u, dead, active, cross, su, al)


def _bdot(A, v):
    """Batched matrix-vector products: ``A`` (N, R, n), ``v`` (N, n) -> (N, R)."""
    return (A @ v[:, :, None])[:, :, 0]


def _backward(net, relax, hmax, G, const, err, k):
    """Back-substitute rows ``G`` (N, R, n: coefficients on the post-activations of layer k - 1,
    per node) to the input, accumulating constants and rounding margins. Returns
    (Lambda_x, const, err)."""
    for kk in range(k - 1, -1, -1):
        r = relax[kk]
        pos = G >= 0
        su, al = r.su[:, None, :], r.al[:, None, :]
        cross = r.cross[:, None, :]
        a = np.where(r.active[:, None, :], G, 0.0) + np.where(cross, G * np.where(pos, su, al), 0.0)
        up = np.where(cross & pos, G * su, 0.0)  # rows' chord terms: - G su l
        const = const - _bdot(up, r.l)
        pmax = np.maximum(np.abs(r.l), np.abs(r.u))
        n = G.shape[2]
        err = err + _gamma(n + 4) * (_bdot(np.abs(a), pmax) + _bdot(np.abs(up), np.abs(r.l)))
        W, b = net.Wf[kk], net.bf[kk]
        G = a @ W
        const = const + a @ b
        err = err + _gamma(W.shape[1] + 4) * (_bdot(np.abs(a), hmax[kk] @ np.abs(W).T) + np.abs(a) @ np.abs(b))
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


@dataclass
class BatchBounds:
    """Result of :func:`propagate_many`: the fields of :class:`NodeBounds` with a leading node axis
    (``empty`` marks the provably empty nodes); :meth:`node` takes one node out."""

    bounds: list
    relax: list
    ub: np.ndarray
    x: np.ndarray
    empty: np.ndarray

    def node(self, j: int) -> NodeBounds:
        if self.empty[j]:
            return NodeBounds([(l[j], u[j]) for l, u in self.bounds], [], -np.inf, None)
        rel = [Relax(*(getattr(r, f)[j] for f in ("l", "u", "dead", "active", "cross", "su", "al")))
               for r in self.relax]
        return NodeBounds([(l[j], u[j]) for l, u in self.bounds], rel, float(self.ub[j]), self.x[j])


def propagate_many(net, lo, hi, i: int, s: int, fix, prior=None) -> BatchBounds:
    """Sound bounds for N nodes ``{lo <= x <= hi, x_k <= x_i, fixed phases}`` at once, and the
    objective ``s (N(x) - x_i)``: one batched back-substitution instead of N small ones.

    ``lo``, ``hi`` are (N, d); ``fix[k]`` is (N, n_k); ``prior`` (bounds known for supersets, or
    None) is a list of (N, n_k) pairs intersected layer by layer (use infinities where unknown).
    """
    N, d = lo.shape
    xmax = np.maximum(np.abs(lo), np.abs(hi))
    hmax = [xmax]  # magnitude bounds of each layer's input, filled in as layers are bounded
    relax, bounds = [], []
    empty = np.zeros(N, dtype=bool)
    with np.errstate(invalid="ignore", over="ignore"):  # rows of empty nodes may hold junk
        for k, n in enumerate(net.sizes):
            W = net.Wf[k]
            G = np.broadcast_to(np.vstack([W, -W]), (N, 2 * n, W.shape[1]))
            const = np.broadcast_to(np.concatenate([net.bf[k], -net.bf[k]]), (N, 2 * n))
            err = _gamma(W.shape[1] + 4) * (hmax[k] @ np.abs(G[0]).T + np.abs(const))
            G, const, err = _backward(net, relax, hmax, G, const, err, k)
            err = err + _gamma(d + 4) * (_bdot(np.abs(G), xmax) + np.abs(const))
            v, emp, _ = input_max_many(G, const, lo, hi, i)
            v = v + err + 1e-300
            f = fix[k]
            l, u = narrow(-v[:, n:], v[:, :n], None if prior is None else prior[k], f)
            empty |= emp | np.any(l > u, axis=1)  # or a fixed phase contradicts sound bounds
            bounds.append((l, u))
            r = _relax(l, u, f)
            relax.append(r)
            hmax.append(np.where(r.dead, 0.0, np.maximum(u, 0.0)))
        last = net.Wf[-1]
        G = np.broadcast_to(s * last, (N, 1, last.shape[1]))
        const = np.broadcast_to(s * net.bf[-1].astype(float), (N, 1))
        err = _gamma(last.shape[1] + 4) * (hmax[-1] @ np.abs(last).T + np.abs(const))
        G, const, err = _backward(net, relax, hmax, G, const, err, len(net.sizes))
        G = G.copy()
        G[:, :, 0 if i is None else i] -= s  # whole box (s = 1): N - max(x) <= N - x_0
        err = err + _gamma(d + 4) * (_bdot(np.abs(G), xmax) + np.abs(const))
        v, emp, x = input_max_many(G, const, lo, hi, i, points=True)
    empty |= emp
    ub = np.where(empty, -np.inf, v[:, 0] + err[:, 0] + 1e-300)
    return BatchBounds(bounds, relax, ub, x[:, 0], empty)


def propagate(net, lo, hi, i: int, s: int, fix, prior=None) -> NodeBounds:
    """Sound bounds for the node ``{lo <= x <= hi, x_k <= x_i, fixed phases}`` and objective
    ``s (N(x) - x_i)``. ``prior`` (bounds known for a superset) are intersected layer by layer.
    """
    pri = None if prior is None else [(l[None], u[None]) for l, u in prior]
    return propagate_many(net, np.asarray(lo, float)[None], np.asarray(hi, float)[None], i, s,
                          [f[None] for f in fix], pri).node(0)


class ExactNet:
    """A network's exact weights and biases as integers over one denominator per layer, so that
    exact back-substitution is integer arithmetic instead of Fraction arithmetic."""

    def __init__(self, net):
        self.W, self.wden, self.b, self.bden = [], [], [], []
        for W, b in zip(net.W, net.b):
            wden = lcm_den(w for row in W for w in row)
            bden = lcm_den(b)
            self.W.append(np.array([[int(w * wden) for w in row] for row in W], dtype=object))
            self.b.append(np.array([int(v * bden) for v in b], dtype=object))
            self.wden.append(wden)
            self.bden.append(bden)
        self.limbs = [_limbs(W) for W in self.W]


LIMB = 28  # bits per limb of a weight; the other factor's limbs get what int64 has left


def _split(v: np.ndarray, bits: int):
    """Object integers as signed int64 limbs: ``v = sum_t out[t] * 2**(bits t)``, ``|out[t]| < 2**bits``."""
    mag = np.abs(v)
    neg = v < 0
    top = int(mag.max()).bit_length() if mag.size else 0
    mask = (1 << bits) - 1
    out = []
    for t in range(max(1, -(-top // bits))):
        limb = ((mag >> (bits * t)) & mask).astype(np.int64)
        out.append(np.where(neg, -limb, limb))
    return out


def _limbs(W: np.ndarray):
    return _split(W, LIMB)


def exact_matvec(a: np.ndarray, W: np.ndarray, limbs: list) -> np.ndarray:
    """``a @ W`` for object (Python int) arrays (``a`` a vector or a stack of rows), as int64
    products of limbs: exact, and far fewer Python operations than an object matmul. ``limbs``
    is ``_limbs(W)``.

    Examples
    --------
    >>> W = np.array([[3, -(1 << 40)], [5, 7]], dtype=object)
    >>> a = np.array([(1 << 90) + 1, -2], dtype=object)
    >>> bool((exact_matvec(a, W, _limbs(W)) == a @ W).all())
    True
    """
    n = W.shape[0]
    bits = 62 - LIMB - n.bit_length()  # n products below 2^(bits + LIMB) sum below 2^62
    if bits < 8 or a.size < 8 or W.shape[1] < 8:  # tiny products: the object matmul is cheap
        return a @ W
    out = np.zeros(a.shape[:-1] + (W.shape[1],), dtype=object)
    for p, ap in enumerate(_split(a, bits)):
        for q, wq in enumerate(limbs):
            out = out + ((ap @ wq).astype(object) << (bits * p + LIMB * q))
    return out


def _dyadic(v: np.ndarray):
    """Floats as exact integers over one power of two: ``v = ints * 2**e``."""
    m, x = np.frexp(v)  # v = m 2^x with m an exact 53-bit fraction
    nz = v != 0
    if not nz.any():
        return np.zeros(len(v), dtype=object), 0
    M = np.ldexp(m, 53).astype(np.int64)
    tz = int(np.log2((M[nz] & -M[nz]).min()))  # trailing zero bits every mantissa shares
    e = int(x[nz].min()) - 53 + tz
    return (M >> tz).astype(object) << np.where(nz, x - 53 - e + tz, 0).astype(object), e


def _pow2(e: int) -> Fraction:
    return Fraction(1 << e) if e >= 0 else Fraction(1, 1 << -e)


def exact_upper(net, ex: ExactNet, box, i: int, s: int, relax: list) -> Fraction | None:
    """The exact value of the objective's back-substitution bound over the node.

    ``box`` is the node's exact input box (Fractions); ``relax`` holds the sound float bounds and
    slopes of :func:`propagate`. Each neuron's line (chord or lower line) follows the *exact* sign
    of its coefficient, and each chord slope is checked exactly, so the result is a valid upper
    bound whatever the float computation did. Returns None when the node's box misses the piece
    (the node is empty). :func:`exact_upper_many` does the same for several nodes at once.
    """
    rel = [Relax(*(getattr(r, f)[None] for f in _RELAX_FIELDS)) for r in relax]
    return exact_upper_many(net, ex, [box], i, s, rel, [0])[0]


_RELAX_FIELDS = ("l", "u", "dead", "active", "cross", "su", "al")


def exact_upper_many(net, ex: ExactNet, boxes: list, i: int, s: int, relax: list, rows) -> list:
    """:func:`exact_upper` for the nodes ``rows`` of a batch (``relax`` from :func:`propagate_many`,
    ``boxes`` their exact boxes): one list of exact bounds (or None for an empty node). Rows that
    :func:`propagate_many` marked empty hold no relaxation and must not be passed.

    Coefficients are integer matrices (a row per node) times one rational scale per layer, shared
    by all rows, so each layer is a few whole-array integer operations and one limb product.
    """
    rows = np.asarray(rows)
    R = len(rows)
    g = np.tile(ex.W[-1][0] * s, (R, 1))  # g_int * scale: exact coefficients on the last hidden layer
    scale = Fraction(1, ex.wden[-1])
    const = [Fraction(s * net.b[-1][0])] * R
    zero = np.array(0, dtype=object)
    for k in range(len(net.sizes) - 1, -1, -1):
        r = relax[k]
        cross, su_f, l_f, u_f = r.cross[rows], r.su[rows], r.l[rows], r.u[rows]
        pos = (g > 0).astype(bool)
        up = cross & pos
        ident = r.active[rows] | (cross & ~pos & (r.al[rows] > 0))
        su, e = _dyadic(np.where(up, su_f, 0.0).ravel())
        su = su.reshape(g.shape)
        a = g * np.where(up, su, np.where(ident, np.array(1 << -e if e < 0 else 1, dtype=object), zero))
        ascale = scale * (_pow2(e) if e < 0 else 1)  # a * ascale: coefficients on layer k's pre-activations
        if e > 0:
            a = a * (1 << e)
        if up.any():
            # each chord must lie above relu on [l, u]: su (u - l) >= u, checked exactly
            lu, el = _dyadic(np.concatenate([np.where(up, l_f, 0.0).ravel(), np.where(up, u_f, 0.0).ravel()]))
            li, ui = lu[:g.size].reshape(g.shape), lu[g.size:].reshape(g.shape)
            # su_int 2^e (u_int - l_int) 2^el >= u_int 2^el  <=>  su_int (u_int - l_int) 2^e >= u_int
            lhs = su[up] * (ui[up] - li[up])
            rhs = ui[up]
            if e > 0:
                lhs = lhs * (1 << e)
            else:
                rhs = rhs * (1 << -e)
            if np.any(lhs < rhs):
                raise ArithmeticError("a chord slope below u / (u - l)")
            # the chords' constants: - sum_j g_j su_j l_j, l_j = li_j 2^el
            chord = np.where(up, a * li, zero).sum(axis=1)
            f = ascale * _pow2(el)
            const = [c - int(t) * f for c, t in zip(const, chord)]
        f = ascale / ex.bden[k]
        const = [c + int(t) * f for c, t in zip(const, a @ ex.b[k])]
        g = exact_matvec(a, ex.W[k], ex.limbs[k])
        scale = ascale / ex.wden[k]
    out = []
    for row, c, (blo, bhi) in zip(g, const, boxes):
        # lam = scale * g - s e_i over scale's denominator; the box as integers over one denominator
        lam = [int(v) * scale.numerator for v in row]
        lam[i] -= s * scale.denominator
        D = lcm_den(v for side in (blo, bhi) for v in side)
        m = input_max_exact(lam, 0, [int(v * D) for v in blo], [int(v * D) for v in bhi], i)
        out.append(None if m is None else Fraction(m, scale.denominator * D) + c)
    return out
