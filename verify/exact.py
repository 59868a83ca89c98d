"""The exact core: the arithmetic every CERTIFIED, COMPUTED or REFUTED rests on, in one place.

Floating point (HiGHS's LPs, float bound propagation, sampling) only proposes: a number it gives
becomes part of a verdict only through one of the functions here, which recompute it in exact
rationals or integers, or round it outward so that the float contains the exact value.

* **Exact evaluation** (:func:`forward`, :func:`error`): a layered network on its exact weights,
  every layer an integer matrix product over one common denominator (a graph is evaluated node by
  node by :func:`maxcert.graphs.evaluate.evaluate_exact`, the one graph interpreter: a graph with
  skip connections compiles to large, mostly zero layers). A witness counts only once re-evaluated
  exactly; so does the value an exact region LP reports for it.
* **Scaling** (:func:`lcm_den`, :func:`floor_scaled`, :func:`objs`): rationals as integers over a
  common denominator, and a float dual floored exactly onto a grid of 2^-K.
* **Outward rounding** (:func:`up`, :func:`down`, :func:`grid_outward`, :func:`float_box`,
  :func:`round_up_bits`): floats (or short dyadics) that contain an exact value or box; and
  :func:`interval`, exact interval bounds of an affine layer over a box.
* **Weak duality** (:func:`dual_bound` in Fractions, :class:`ExactRows` in vectorised integers):
  for an LP ``max c v`` over rows ``a v <= rhs`` (multiplier m >= 0) and ``a v = rhs`` (m free) and
  a column box, *any* multipliers give ``c v <= sum m rhs + sum_col max(r lo, r hi)`` with
  ``r = c - sum m a``; with c = 0 a negative sum is a Farkas proof that the rows have no point.

Beside this module a verdict trusts z3's (or cvc5's) UNSAT on the formulas of
:mod:`maxcert.verify.encode`, the one place networks become formulas, and the network's exact
weights as read. ``maxcert check`` re-verifies a certificate with none of this: its checker
(:mod:`maxcert.verify.checker`) has its own exact sums.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

# ---------------------------------------------------------------- exact evaluation


def forward(layers, x, pre: bool = False):
    """The outputs of the compiled network ``layers`` (:func:`maxcert.graphs.evaluate.compile_layers`)
    at x, exactly; with ``pre``, also every hidden layer's pre-activations (as Fractions).

    Examples
    --------
    >>> from maxcert.graphs.evaluate import compile_layers
    >>> from maxcert.graphs.generators import tree_network
    >>> forward(compile_layers(tree_network(3)), [Fraction(1, 3), 2, -5])
    [Fraction(2, 1)]
    """
    if layers._ints is None:  # each layer as (W_int, b_int, den): W = W_int / den, b = b_int / den
        layers._ints = []
        for W, b in zip(layers.weights, layers.biases):
            den = lcm_den([v for row in W for v in row] + list(b))
            Wi = np.array([[int(v * den) for v in row] for row in W], dtype=object).reshape(len(W), -1)
            layers._ints.append((Wi, objs([int(v * den) for v in b]), den))
    x = [Fraction(v) for v in x]
    if len(x) != layers._ints[0][0].shape[1]:
        from maxcert.graphs.schema import GraphError

        raise GraphError(f"network has {layers._ints[0][0].shape[1]} inputs, point has {len(x)} coordinates")
    H = lcm_den(x)
    h = objs([int(v * H) for v in x])  # the layer's values times H
    zero, pres = np.array(0, dtype=object), []
    for n, (Wi, bi, den) in enumerate(layers._ints):
        h = Wi @ h + bi * H
        H *= den
        if n < len(layers._ints) - 1:
            if pre:
                pres.append([Fraction(int(v), H) for v in h])
            h = np.where(h > 0, h, zero)
    out = [Fraction(int(v), H) for v in h]
    return (out, pres) if pre else out


def error(layers, x, window=None) -> Fraction:
    """``|N(x) - max(x)|`` exactly (the max over the ``window`` indices only, when given)."""
    x = [Fraction(v) for v in x]
    (y,) = forward(layers, x)
    return abs(y - max(x if window is None else [x[i] for i in window]))


# ---------------------------------------------------------------- scaling


def lcm_den(vals) -> int:
    """The least common denominator of rationals (1 for none)."""
    D = 1
    for v in vals:
        D = math.lcm(D, Fraction(v).denominator)
    return D


def floor_scaled(v: float, shift: int, D: int) -> int:
    """floor(v * 2^shift / D) for a float v, in exact integers (0 for 0 and non-finite v)."""
    if v == 0.0 or not math.isfinite(v):
        return 0
    m, e = math.frexp(v)
    M, e = int(m * (1 << 53)), e - 53
    s = e + shift
    return ((M << s) if s >= 0 else Fraction(M, 1 << -s)) // D


def objs(vals) -> np.ndarray:
    """A 1-d object array of Python ints (np.array would guess a 2-d or an int64 array)."""
    a = np.empty(len(vals), dtype=object)
    a[:] = vals
    return a


# ---------------------------------------------------------------- outward rounding


def up(v: Fraction) -> float:
    """The least float >= v."""
    f = float(v)
    return f if Fraction(f) >= v else math.nextafter(f, math.inf)


def down(v: Fraction) -> float:
    """The greatest float <= v."""
    return -up(-Fraction(v))


def interval(W, b, lo, hi):
    """Exact bounds ``(l, u)`` (lists of Fractions) of ``W h + b`` over the box ``lo <= h <= hi``.

    >>> interval([[1, -2]], [Fraction(1, 2)], [0, 0], [1, 1])
    ([Fraction(-3, 2)], [Fraction(3, 2)])
    """
    l, u = [], []
    for row, bj in zip(W, b):
        l.append(bj + sum((w * (lo[t] if w > 0 else hi[t]) for t, w in enumerate(row) if w), Fraction(0)))
        u.append(bj + sum((w * (hi[t] if w > 0 else lo[t]) for t, w in enumerate(row) if w), Fraction(0)))
    return l, u


def grid_outward(l: float, u: float, bits: int = 16):
    """``[l, u]`` widened to a grid of 2^-bits: still contains it, and rationals stay short."""
    g = 1 << bits
    return Fraction(int(np.floor(l * g)), g), Fraction(int(np.ceil(u * g)), g)


def float_box(box):
    """Float bounds containing the exact box ``(lo, hi)`` (each side rounded outward)."""
    lo = np.array([float(v) for v in box[0]])
    hi = np.array([float(v) for v in box[1]])
    return np.nextafter(lo, -np.inf), np.nextafter(hi, np.inf)


def round_up_bits(v: np.ndarray, bits: int) -> np.ndarray:
    """Nonnegative floats rounded up to ``bits`` significant bits (every step exact in float64)."""
    m, e = np.frexp(v)
    return np.ldexp(np.ceil(np.ldexp(m, bits)), e - bits)


# ---------------------------------------------------------------- weak duality


def dual_bound(rows, c: dict, box) -> Fraction:
    """``max c . v`` bounded from above by weak duality, in Fractions.

    ``rows``: ``(m, {col: a}, rhs, equality)``, the multiplier m of ``a . v <= rhs`` (m < 0 is
    clipped to 0: only m >= 0 keeps the inequality's direction) or of ``a . v = rhs`` (any sign);
    ``box(col)``: ``(lo, hi)`` of a column. Every v in the box satisfying the rows has
    ``c . v = sum m a . v + r . v <= sum m rhs + sum_col max(r lo, r hi)``, ``r = c - sum m a``.

    >>> dual_bound([(Fraction(1), {0: 1, 1: 1}, Fraction(1), False)], {0: 1, 1: 2}, lambda c: (0, 1))
    Fraction(2, 1)
    """
    r, total = dict(c), Fraction(0)
    for m, a, rhs, eq in rows:
        if not eq and m < 0:
            continue
        total += m * rhs
        for col, v in a.items():
            r[col] = r.get(col, 0) - m * v
    for col, v in r.items():
        if v:
            lo, hi = box(col)
            total += v * (hi if v > 0 else lo)
    return total


class ExactRows:
    """:func:`dual_bound` for one LP solved many times (each node of a search), in vectorised
    integers: every row scaled by its common denominator, the float dual floored onto a grid of
    2^-K (:meth:`scaled`), columns and objective over common denominators.

    A subclass holds ``rows`` (``({col: Fraction}, rhs, equality)``), ``rownames``, ``n`` columns with
    exact bounds ``lb``/``ub``, the objective ``c`` (list) and constant ``c0``, ``m`` rows, and
    ``acols``: the columns whose bounds a node overrides (0 or 1). It calls :meth:`_exact_setup`
    after adding rows.
    """

    def _exact_setup(self, rows, first=0):
        """Integer rows (each scaled by its common denominator) stored by column. ``first``: the
        rows before it are already converted (added rows convert only the new ones)."""
        if first == 0:
            self._D, self._eq, self._b, self._nr, self._nc, self._nv = [], [], [], [], [], []
        for i, (r, rhs, e) in enumerate(rows[first:], first):
            D = lcm_den(list(r.values()) + [rhs])
            self._D.append(D)
            self._eq.append(e)
            self._b.append(int(rhs * D))
            for col, v in r.items():
                if v:
                    self._nr.append(i)
                    self._nc.append(col)
                    self._nv.append(int(v * D))
        self.D, self.eq = self._D, self._eq
        # column-wise nonzeros as object arrays: exact integer products in numpy's C loops
        nc = np.array(self._nc, dtype=np.int64)
        order = np.argsort(nc, kind="stable")
        self.nz_row = np.array(self._nr, dtype=np.int64)[order]
        self.nz_val = objs(self._nv)[order]
        counts = np.bincount(nc, minlength=self.n)
        self.empty = counts == 0
        # reduceat needs every start inside the array; an empty column's sum is zeroed afterwards
        self.starts = np.minimum(np.concatenate([[0], np.cumsum(counts)[:-1]]), max(len(self.nz_row) - 1, 0)).astype(np.int64)
        self.K = 64 + max(D.bit_length() for D in self.D)
        self.cD = lcm_den(self.c)
        self.c_int = objs([int(v * self.cD) << self.K for v in self.c])
        self.Lden = lcm_den(self.lb + self.ub)
        self.lb_int = objs([int(v * self.Lden) for v in self.lb])
        self.ub_int = objs([int(v * self.Lden) for v in self.ub])
        self.b_int = objs(self._b)

    def pad(self, y):
        """A dual vector of an earlier, shorter model, extended by zeros for the rows added since."""
        return y if y is None or len(y) == self.m else np.concatenate([y, np.zeros(self.m - len(y))])

    def scaled(self, y):
        """``y`` floored onto the grid the exact sums use: row i's multiplier is ``Y_i D_i / 2^K``
        (inequality multipliers clipped at 0, equality ones free)."""
        K = self.K
        return objs([0 if (not e and yi <= 0) else floor_scaled(yi, K, D)
                     for yi, D, e in zip(y.tolist(), self.D, self.eq)])

    def multipliers(self, y) -> dict:
        """The exact row multipliers :meth:`bound` uses for the float dual ``y``, by row name, as a
        certificate writes them: ``{"K": K, "y": {row: n}}`` meaning multiplier n / 2^K."""
        Y = self.scaled(self.pad(y))
        return {"K": self.K, "y": {self.rownames[i]: int(v) * self.D[i] for i, v in enumerate(Y) if v}}

    def bound(self, y, alo, ahi, with_c=True, obj=None) -> Fraction:
        """Exact ``max c v + c0`` bound over the node (``acols`` bounded by ``alo``/``ahi``) from any
        row multipliers ``y``. With ``with_c=False``: the same sum for c = 0, negative exactly when
        ``y`` proves the node empty. ``obj``: another objective {column: Fraction} (no constant)."""
        K = self.K
        Y = self.scaled(self.pad(y))
        lb, ub = self.lb_int, self.ub_int
        if len(self.acols):
            lb, ub = lb.copy(), ub.copy()
            L = self.Lden
            lb[self.acols] = objs([L if v else 0 for v in alo.tolist()])
            ub[self.acols] = objs([L if v else 0 for v in ahi.tolist()])
        S = np.add.reduceat(self.nz_val * Y[self.nz_row], self.starts) if len(self.nz_row) else objs([0] * self.n)
        S[self.empty] = 0
        cD, c_int = (self.cD, self.c_int) if with_c else (1, 0)
        if obj is not None:
            cD, c_int = lcm_den(obj.values()), objs([0] * self.n)
            for col, v in obj.items():
                c_int[col] = int(v * cD) << K
            with_c = False
        R = c_int - cD * S
        total = cD * self.Lden * int((self.b_int * Y).sum()) + int(np.where(R > 0, R * ub, R * lb).sum())
        out = Fraction(total, (cD << K) * self.Lden)
        return out + self.c0 if with_c else out


__all__ = ["ExactRows", "down", "dual_bound", "error", "float_box", "floor_scaled", "forward", "grid_outward",
           "interval", "lcm_den", "objs", "round_up_bits", "up"]
