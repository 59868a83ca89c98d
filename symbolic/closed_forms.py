"""Closed forms in d of the optimal approximators, derived and proved with sympy.

**Pattern derivation** (index sets whose members sit at fixed offsets from 0 or from d, such as
mean, small, medium, and the depth-1 set {0, 1, 2}). Write ``d = q*m + p`` (one residue class at
a time). The exact LP optima at a few d show *where* the residual equioscillates; each such
vertex is fitted as ``a*m + c``. Then, symbolically in m:

1. solve the equioscillation system for the betas and the error E(m);
2. solve the dual system for the multipliers mu(m); prove ``mu >= 0`` for all m >= m0;
3. prove ``|r_j| <= E`` at *every* vertex j: explicitly at the anchor vertices, and on each run
   of vertices between anchors, where r is a polynomial in j of degree <= 2, by its shape
   (degree <= 1: the ends; degree 2: the ends and the two integers around the apex, whose
   position is itself proved).

A rational function is proved nonnegative for integers m >= m0 when its numerator and
denominator, shifted to ``m = m0 + s``, have no sign change (Descartes) or no real root >= m0.

**The family "big"** (R = {0..d-1}) is derived by theory: the vertex values of the basis span
the polynomials in j of degree < d, whose annihilator is the d-th forward difference
``w_j = (-1)^j C(d, j)``; so ``E = |w.y| / ||w||_1 = 1/2^d`` and the betas follow from the
Newton series of the target residual ``(-1)^j / 2^d``. sympy proves each identity for symbolic d.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import sympy as sp

from maxcert.symbolic.optimal import SymbolicError, optimal_approximation

d_ = sp.Symbol("d", integer=True, positive=True)
m_ = sp.Symbol("m", integer=True, positive=True)
j_ = sp.Symbol("j", integer=True, nonnegative=True)
k_ = sp.Symbol("k", integer=True, nonnegative=True)
s_ = sp.Symbol("s", nonnegative=True)


class NoClosedForm(SymbolicError):
    """This method finds no closed form for the question (say so, and tabulate instead)."""


@dataclass
class ClosedForm:
    """A closed form in d, valid for d >= d_min (in the residue class d = p mod q), with its proof."""

    name: str
    d_min: int
    modulus: int
    residue: int
    error: sp.Expr
    betas: dict  # index (expr in d) -> expr in d
    dual: dict  # vertex (expr in d) -> (sign, mu expr in d)
    steps: list = field(default_factory=list)  # (claim, proved?)
    relative: bool = False  # E bounds |f - max| / (max - min) on all of R^d

    @property
    def proved(self) -> bool:
        return bool(self.steps) and all(ok for _, ok in self.steps)

    def where(self) -> str:
        cond = f"d >= {self.d_min}"
        if self.modulus > 1:
            cond += f", d = {self.residue} (mod {self.modulus})"
        return cond

    def error_at(self, d: int) -> Fraction:
        v = sp.nsimplify(self.error.subs(d_, d))
        return Fraction(int(v.p), int(v.q))

    def latex(self) -> str:
        betas = ", ".join(rf"\beta_{{{sp.latex(k)}}} = {sp.latex(v)}" for k, v in self.betas.items())
        E = r"E_{\mathrm{rel}}(d)" if self.relative else "E(d)"
        return rf"{E} = {sp.latex(self.error)} \quad ({self.where()}); \quad {betas}"


# ---------------------------------------------------------------- proving inequalities


def _nonneg_rational(F, var, lo) -> bool:
    """Prove F(var) >= 0 for all integers var >= lo (sympy exact arithmetic)."""
    F = sp.cancel(sp.together(F))
    if F == 0:
        return True
    num, den = sp.fraction(F)
    return _sign_const(num, var, lo) * _sign_const(den, var, lo) > 0


def _sign_const(P, var, lo) -> int:
    """+1 / -1 if the polynomial P keeps that strict sign for real var >= lo; 0 if not proved."""
    P = sp.expand(P)
    if P.free_symbols - {var}:
        return 0
    poly = sp.Poly(P.subs(var, lo + s_), s_)
    coeffs = [c for c in poly.all_coeffs()]
    if all(c >= 0 for c in coeffs) and coeffs[-1] > 0:
        return 1
    if all(c <= 0 for c in coeffs) and coeffs[-1] < 0:
        return -1
    # otherwise: no real root at or beyond lo means the sign at lo holds on all of [lo, oo)
    roots = sp.Poly(P, var).real_roots()
    if all(r < lo for r in roots):
        v = P.subs(var, lo)
        return 1 if v > 0 else -1 if v < 0 else 0
    return 0


# ---------------------------------------------------------------- binomials with affine arguments


def _lin(e, var=m_):
    """(a, c) with e == a*var + c, integers; else None."""
    e = sp.expand(e)
    a, c = e.coeff(var, 1), e.coeff(var, 0)
    if sp.expand(a * var + c - e) != 0 or not (a.is_Integer and c.is_Integer):
        return None
    return int(a), int(c)


def _binom_affine(n, k, var=m_):
    """C(n, k) for n, k affine in var, as a polynomial valid for large var; raises NoClosedForm.

    Returns (expr, threshold): valid for var >= threshold.
    """
    ln, lk = _lin(n, var), _lin(k, var)
    if ln is None or lk is None:
        raise NoClosedForm(f"binomial C({n}, {k}) is not of affine arguments")
    (a1, c1), (a2, c2) = ln, lk
    if a2 == 0:  # fixed k
        if c2 < 0:
            return sp.Integer(0), 0
        expr = sp.expand(sp.Mul(*[(n - i) for i in range(c2)]) / sp.factorial(c2))
        # n >= 0 needed only for the combinatorial meaning; the polynomial is C(n, k) for all n >= 0
        return expr, (_ceil_div(-c1, a1) if a1 > 0 else 0)
    if a1 == a2:  # n - k fixed: C(n, n - k)
        r = c1 - c2
        if r < 0:
            return sp.Integer(0), 0
        expr = sp.expand(sp.Mul(*[(n - i) for i in range(r)]) / sp.factorial(r))
        return expr, _ceil_div(-c2, a2)
    if a2 > a1:  # k outgrows n: zero once k > n
        return sp.Integer(0), _ceil_div(c1 - c2 + 1, a2 - a1)
    raise NoClosedForm(f"C({n}, {k}): both arguments grow with d; no rational closed form by this method")


def _ceil_div(a, b):
    return -((-a) // b)


def _vertex_value(dexpr, kexpr, jexpr):
    """M_k(v_j) = 1 - C(d-j, k)/C(d, k) (k = 0: the constant 1) and its validity threshold in m."""
    if sp.expand(kexpr) == 0:
        return sp.Integer(1), 0
    top, t1 = _binom_affine(dexpr - jexpr, kexpr)
    bot, t2 = _binom_affine(dexpr, kexpr)
    return sp.cancel(1 - top / bot), max(t1, t2)


# ---------------------------------------------------------------- pattern derivation


def _fit_affine(samples):
    """Fit integers (a, c) with value = a*m + c through [(m, value)]; None if not affine."""
    (m1, v1), (m2, v2) = samples[0], samples[1]
    if (v2 - v1) % (m2 - m1):
        return None
    a = (v2 - v1) // (m2 - m1)
    c = v1 - a * m1
    return (a, c) if all(v == a * mm + c for mm, v in samples) else None


def derive_pattern(name, R_rule, q=1, p=0, m_start=None, n_samples=6, d_least=2, relative=False) -> ClosedForm:
    """Derive and prove the closed form of ``optimal_approximation(d, R_rule(d))`` for d = q*m + p.

    ``R_rule(d)`` returns the index set; its members must be fixed offsets from 0 or d.
    ``relative``: the shift-equivariant optimum (no constant, ``sum beta = 1``). Its dual carries a
    free multiplier ``lambda`` for that constraint: ``sum_i mu_i s_i M_k(v_{j_i}) + lambda = 0`` for
    every k, and then any betas with ``sum beta = 1`` have ``max_j |r_j| >= -lambda - sum_i mu_i s_i``.
    The residuals at v_0 and v_d are 0 (no constant; ``sum beta = 1``), so the primal proof over
    j = 0..d is the same as the absolute one's.
    """
    if m_start is None:
        m_start = max(3, (8 - p) // q + 1)
    ms = list(range(m_start, m_start + n_samples))
    data = []
    for mm in ms:
        d = q * mm + p
        opt = optimal_approximation(d, sorted(set(R_rule(d))), relative=relative)
        data.append((mm, d, opt))
    # shape of R and of the dual support, fitted as a*m + c
    Rs = [sorted(set(R_rule(d))) for _, d, _ in data]
    sup = [sorted(opt.dual.items()) for _, _, opt in data]
    if len({len(r) for r in Rs}) != 1 or len({len(s) for s in sup}) != 1:
        raise NoClosedForm(f"{name}: the shape of R or of the equioscillation changes with d")
    R_aff, J_aff, signs = [], [], []
    for i in range(len(Rs[0])):
        f = _fit_affine([(mm, r[i]) for (mm, _, _), r in zip(data, Rs)])
        if f is None:
            raise NoClosedForm(f"{name}: index {i} of R is not affine in d")
        R_aff.append(f[0] * m_ + f[1])
    for i in range(len(sup[0])):
        f = _fit_affine([(mm, s[i][0]) for (mm, _, _), s in zip(data, sup)])
        sg = {s[i][1][0] for s in sup}
        if f is None or len(sg) != 1:
            raise NoClosedForm(f"{name}: equioscillation vertex {i} does not move affinely with d")
        J_aff.append(f[0] * m_ + f[1])
        signs.append(sg.pop())
    D = q * m_ + p
    thr = [max(1, _ceil_div(d_least - p, q))]
    A = {}
    for jx in J_aff:
        for kx in R_aff:
            A[jx, kx], t = _vertex_value(D, kx, jx)
            thr.append(t)
    y = {jx: (sp.Integer(0) if jx == 0 else sp.Integer(1)) for jx in J_aff}
    # primal: residual at support vertex = sign * E
    betas = sp.symbols(f"b0:{len(R_aff)}")
    E = sp.Symbol("E")
    eqs = [sum(b * A[jx, kx] for b, kx in zip(betas, R_aff)) - y[jx] - sg * E for jx, sg in zip(J_aff, signs)]
    if relative:
        eqs.append(sum(betas) - 1)
    sol = sp.solve(eqs, list(betas) + [E], dict=True)
    if len(sol) != 1 or any(v not in sol[0] for v in list(betas) + [E]):
        raise NoClosedForm(f"{name}: the equioscillation system has no unique solution")
    sol = sol[0]
    Em = sp.factor(sol[E])
    bm = [sp.factor(sol[b]) for b in betas]
    # dual: sum_i mu_i s_i A[j_i, k] = 0 for each k; sum mu = 1
    mus = sp.symbols(f"u0:{len(J_aff)}")
    lam = sp.Symbol("lam") if relative else sp.Integer(0)
    unknowns = list(mus) + ([lam] if relative else [])
    deqs = [sum(u * sg * A[jx, kx] for u, sg, jx in zip(mus, signs, J_aff)) + lam for kx in R_aff] + [sum(mus) - 1]
    dsol = sp.solve(deqs, unknowns, dict=True)
    if len(dsol) != 1 or any(u not in dsol[0] for u in unknowns):
        raise NoClosedForm(f"{name}: the dual system has no unique solution")
    mum = [sp.factor(dsol[0][u]) for u in mus]
    lamm = dsol[0][lam] if relative else sp.Integer(0)
    m0 = max(thr)
    steps = []
    # 1. dual certificate
    dual_claim = ("dual: sum_j mu_j s_j M_k(v_j) + lambda = 0 for every k in R (one lambda for sum beta = 1), "
                  "and sum mu = 1") if relative else "dual: sum_j mu_j s_j M_k(v_j) = 0 for every k in R, and sum mu = 1"
    steps.append((dual_claim, all(sp.simplify(e.subs(dict(zip(mus, mum))).subs(lam, lamm)) == 0 for e in deqs)))
    steps.append(("dual: mu_j >= 0 for every support vertex", all(_nonneg_rational(u, m_, m0) for u in mum)))
    Edual = -lamm - sum(u * sg * y[jx] for u, sg, jx in zip(mum, signs, J_aff))
    bound = "-lambda - sum mu_j s_j max(v_j)" if relative else "-sum mu_j s_j max(v_j)"
    steps.append((f"dual bound {bound} equals E (so no betas beat E)", sp.simplify(Edual - Em) == 0))
    if relative:
        steps.append(("sum beta = 1 (shift-equivariant, no constant)", sp.simplify(sum(bm) - 1) == 0))
    steps.append(("E > 0", _nonneg_rational(Em, m_, m0) and sp.simplify(Em) != 0))
    # 2. primal: |r_j| <= E at every vertex j = 0..d
    ok, m0b = _prove_residuals(D, R_aff, bm, Em, J_aff, m0)
    steps.append(("primal: |r_j| <= E at every vertex j = 0..d (the betas reach E)", ok))
    m0 = max(m0, m0b)
    # 3. agreement with the exact LP optimum at the sampled d (a check of the derivation, not the proof)
    steps.append(("agrees with the exact LP optimum at the sampled d",
                  all(Fraction(str(Em.subs(m_, mm))) == opt.error for mm, _, opt in data)))
    to_d = {m_: (d_ - p) / q}
    cf = ClosedForm(
        relative=relative,
        name=name, d_min=q * m0 + p, modulus=q, residue=p % q,
        error=sp.factor(sp.simplify(Em.subs(to_d))),
        betas={sp.expand(kx.subs(to_d)): sp.factor(sp.simplify(b.subs(to_d))) for kx, b in zip(R_aff, bm)},
        dual={sp.expand(jx.subs(to_d)): (sg, sp.factor(sp.simplify(u.subs(to_d)))) for jx, sg, u in zip(J_aff, signs, mum)},
        steps=steps,
    )
    return cf


def _prove_residuals(D, R_aff, bm, Em, J_aff, m0):
    """|r_j| <= E for all integer j in [0, D]: anchors explicitly, runs between them by shape."""
    # anchors: fixed offsets from 0 and from d that matter (R's and the support's), padded
    offs0 = {0, 1}
    offsD = {0}
    for e in list(R_aff) + list(J_aff):
        a, c = _lin(e)
        if a == 0:
            offs0.update({c, c + 1})
    for kx in R_aff:
        a, c = _lin(kx)
        if a > 0:  # k = d - c': C(d - j, d - c') vanishes for j > c'
            offs0.update(range(0, (D - kx).subs(m_, 0) + 2))
    anchors = sorted({sp.Integer(o) for o in offs0} | {D - o for o in offsD} | set(J_aff),
                     key=lambda e: (float(e.subs(m_, 10**6)), str(e)))
    # ensure every anchor lies in [0, D] and they are ordered for m >= m0
    m0 = max(m0, max(_lin(a)[1] for a in anchors if _lin(a)[0] == 0) + 2)

    def residual_at(jx):
        r = -(sp.Integer(0) if sp.expand(jx) == 0 else sp.Integer(1))
        thr = 0
        for kx, b in zip(R_aff, bm):
            v, t = _vertex_value(D, kx, jx)
            thr = max(thr, t)
            r += b * v
        return sp.cancel(r), thr

    for jx in anchors:
        r, t = residual_at(jx)
        m0 = max(m0, t)
        if not (_nonneg_rational(Em - r, m_, m0) and _nonneg_rational(Em + r, m_, m0)):
            return False, m0
    # runs strictly between consecutive anchors
    for lo, hi in zip(anchors, anchors[1:]):
        gap = sp.expand(hi - lo)
        if gap.is_Integer and gap <= 1:
            continue
        r = -sp.Integer(1)  # j >= 1 inside a run
        for kx, b in zip(R_aff, bm):
            if sp.expand(kx) == 0:
                r += b
                continue
            a, c = _lin(kx)
            if a == 0:
                top = sp.expand(sp.Mul(*[(D - j_ - i) for i in range(c)]) / sp.factorial(c))
                bot, _ = _binom_affine(D, kx)
                r += b * (1 - top / bot)
            else:  # k = d - c': C(d - j, d - c') = 0 when j > c', true on the run if lo >= c'
                c_prime = -_lin(kx - D)[1]
                a_lo, c_lo = _lin(lo)
                if a_lo == 0 and c_lo < c_prime:
                    return False, m0
                if a_lo > 0:
                    m0 = max(m0, _ceil_div(c_prime - c_lo, a_lo))
                r += b
        r = sp.expand(sp.cancel(r))
        poly = sp.Poly(sp.numer(sp.together(r)), j_)
        deg = poly.degree()
        den = sp.denom(sp.together(r))
        if deg <= 1:
            continue  # linear in j: bounded by its values at the anchors lo, hi (already proved)
        if deg > 2:
            return False, m0
        # quadratic: the extreme is at the apex; prove the two integers around it
        a2 = poly.coeff_monomial(j_**2) / den
        a1 = poly.coeff_monomial(j_) / den
        apex = sp.cancel(-a1 / (2 * a2))
        fl = _fit_affine([(mm, int(sp.floor(apex.subs(m_, mm)))) for mm in range(m0 + 10, m0 + 16)])
        if fl is None:
            return False, m0
        u = fl[0] * m_ + fl[1]
        if not (_nonneg_rational(apex - u, m_, m0) and _nonneg_rational(u + 1 - apex, m_, m0)):
            return False, m0
        for jj in (u, u + 1):
            v = sp.cancel(r.subs(j_, jj))
            if not (_nonneg_rational(Em - v, m_, m0) and _nonneg_rational(Em + v, m_, m0)):
                return False, m0
    return True, m0


# ---------------------------------------------------------------- the family "big"


def _binomial_lemmas(n_) -> list:
    """The two identities both "big" derivations rest on, each checked by sympy: the binomial theorem
    (summed by sympy for |x| <= 1; both sides are polynomials in x of degree n, so they agree for every
    x) and ``C(d,j) C(d-j,k) = C(d,k) C(d-k,j)``. After them, ``(1 + x)^n`` stands for the sum."""
    x_ = sp.Symbol("x")
    bt = sp.summation(sp.binomial(n_, k_) * x_**k_, (k_, 0, n_))
    first = bt.args[0][0] if isinstance(bt, sp.Piecewise) else bt
    ratio = sp.combsimp(sp.binomial(d_, j_) * sp.binomial(d_ - j_, k_) / (sp.binomial(d_, k_) * sp.binomial(d_ - k_, j_)))
    return [("lemma: sum_k C(n,k) x^k = (1+x)^n (sympy on |x| <= 1, then polynomial identity)",
             sp.simplify(first - (1 + x_) ** n_) == 0),
            ("C(d,j) C(d-j,k) = C(d,k) C(d-k,j)", sp.simplify(ratio) == 1)]


def binom_thm(n, x):
    """``sum_k C(n,k) x^k``, written ``(1 + x)^n`` once :func:`_binomial_lemmas` has proved it."""
    return (1 + x) ** n


def derive_big() -> ClosedForm:
    """R = {0..d-1}: E = 1/2^d, derived from the forward-difference annihilator, proved for symbolic d."""
    n_ = sp.Symbol("n", integer=True, positive=True)
    steps = _binomial_lemmas(n_)
    # The columns at v_j are 1 and C(d-j, k), k = 1..d-1: polynomials in j of degree exactly k, so they
    # span the polynomials of degree < d. The d-th forward difference w_j = (-1)^j C(d,j) annihilates them:
    steps.append(("sum_j (-1)^j C(n, j) = (1-1)^n = 0 for n = d-k >= 1: w annihilates every column",
                  binom_thm(n_, -1) == 0))
    norm1 = binom_thm(d_, 1)
    wy = binom_thm(d_, -1) - 1  # sum_{j>=1} (-1)^j C(d,j) = (1-1)^d - 1
    steps.append(("||w||_1 = sum_j C(d,j) = 2^d and w.y = sum_{j>=1} (-1)^j C(d,j) = -1",
                  sp.simplify(norm1 - 2**d_) == 0 and sp.simplify(wy + 1) == 0))
    # Dual certificate mu_j = C(d,j)/2^d >= 0 (sum 1) with signs s_j = (-1)^j: any betas have
    # max_j |r_j| >= sum_j mu_j s_j r_j = -(w.y)/||w||_1 = E.
    E = sp.simplify(-wy / norm1)
    steps.append(("E = -(w.y)/||w||_1 = 2^-d: no betas do better", sp.simplify(E - 2**-d_) == 0))
    # Primal, by Newton's series: with gamma_k = beta_k / C(d,k) and n = d - j, the residual must be
    # (-1)^j 2^-d = (-1)^(d-n) 2^-d; the k-th forward difference of (-1)^n is (-2)^k (-1)^n, so
    gamma = -((-1) ** d_) * 2**-d_ * (-2) ** k_
    beta_k = sp.simplify(gamma * sp.binomial(d_, k_))
    # sum_{k=1}^{d-1} beta_k = c_d ((1-2)^d - 1 - (-2)^d) and, for n <= d-1,
    # sum_{k=1}^{n} gamma_k C(n,k) = c_d ((1-2)^n - 1), with c_d = -(-1)^d 2^-d
    c_d = -((-1) ** d_) * 2**-d_
    sum_b = c_d * (binom_thm(d_, -2) - 1 - (-2) ** d_)
    inner = c_d * (binom_thm(n_, -2) - 1)
    beta_0 = E
    r_j = beta_0 + sum_b - inner - 1  # at v_j, j = d - n >= 1: M_k(v_j) = 1 - C(n,k)/C(d,k)
    diff = sp.simplify(sp.powsimp(sp.expand(r_j - (-1) ** (d_ - n_) * 2**-d_), force=True))
    steps.append(("primal: r_j = (-1)^j / 2^d at every vertex j = 1..d", diff == 0))
    steps.append(("primal: r_0 = beta_0 = 2^-d (every M_k(v_0) = 0)", sp.simplify(beta_0 - 2**-d_) == 0))
    return ClosedForm("big", 2, 1, 0, sp.Integer(2) ** -d_,
                      {sp.Integer(0): sp.Integer(2) ** -d_, k_: beta_k},
                      {j_: ((-1) ** j_, sp.binomial(d_, j_) / 2**d_)}, steps)


def derive_big_relative() -> ClosedForm:
    """R = {1..d-1}, shift-equivariant: E_rel = 1/(2^d - 2), proved for symbolic d by the same annihilator.

    The residual at v_j is ``r_j = -sum_k beta_k C(n, k)/C(d, k)`` with ``n = d - j``; r_0 = 1 - 1 = 0
    is forced by ``sum beta = 1`` (as ``r_d = 0`` by the missing constant), so the d-th forward
    difference, which annihilates the residual polynomial, leaves ``sum_{j=1}^{d-1} (-1)^j C(d,j) r_j
    = sum beta = 1`` and ``max |r_j| >= 1 / (2^d - 2)``.
    """
    n_ = sp.Symbol("n", integer=True, positive=True)
    steps = _binomial_lemmas(n_)
    # sum_{j=0}^{d} (-1)^j C(d,j) C(d-j,k) = C(d,k) (1-1)^(d-k) = 0 for 1 <= k <= d-1; its j = 0 term is
    # C(d,k) and its j = d term C(0,k) = 0, so sum_{j=1}^{d-1} (-1)^j C(d,j) C(d-j,k)/C(d,k) = -1 for each k:
    inner = binom_thm(d_ - k_, -1)  # (1-1)^(d-k), and d - k >= 1
    steps.append(("sum_{j=1}^{d-1} (-1)^j C(d,j) p_k(j) = (1-1)^(d-k) - 1 = -1 for every k = 1..d-1",
                  sp.simplify(inner.subs(k_, d_ - n_)) == 0))
    # hence sum_j (-1)^j C(d,j) r_j = sum_k beta_k = 1, and with mu_j = C(d,j)/(2^d - 2) (they sum to 1):
    norm1 = binom_thm(d_, 1) - 2  # sum_{j=1}^{d-1} C(d,j)
    steps.append(("sum_{j=1}^{d-1} C(d,j) = 2^d - 2, so mu_j = C(d,j)/(2^d - 2) sum to 1",
                  sp.simplify(norm1 - (2**d_ - 2)) == 0))
    E = 1 / norm1
    # sum_j mu_j (-1)^j r_j = -(1/(2^d - 2)) sum_k beta_k (sum_j (-1)^j C(d,j) p_k(j)), with sum_k beta_k = 1
    bound = -(inner.subs(k_, d_ - n_) - 1) / norm1
    steps.append(("dual: sum_j mu_j (-1)^j r_j = 1/(2^d - 2) for every betas with sum 1: no betas beat E",
                  sp.simplify(bound - E) == 0))
    # primal (Newton series in n = d - j): gamma_k = beta_k/C(d,k) = c (-1)^(d+1) ((-2)^k - (-1)^k)
    c = E
    gamma = c * (-1) ** (d_ + 1) * ((-2) ** k_ - (-1) ** k_)
    beta_k = sp.simplify(gamma * sp.binomial(d_, k_))
    # sum_{k=1}^{d-1} beta_k = c (-1)^(d+1) [((1-2)^d - 1 - (-2)^d) - ((1-1)^d - 1 - (-1)^d)]
    sum_b = c * (-1) ** (d_ + 1) * ((binom_thm(d_, -2) - 1 - (-2) ** d_) - (0 - 1 - (-1) ** d_))
    steps.append(("sum_{k=1}^{d-1} beta_k = 1 (shift-equivariant)",
                  sp.simplify(sp.powsimp(sp.expand(sum_b - 1), force=True)) == 0))
    # for 1 <= n <= d-1: sum_{k=1}^{n} gamma_k C(n,k) = c (-1)^(d+1) [((1-2)^n - 1) - ((1-1)^n - 1)]
    q_n = c * (-1) ** (d_ + 1) * ((binom_thm(n_, -2) - 1) - (0 - 1))
    r_j = -q_n  # j = d - n
    diff = sp.simplify(sp.powsimp(sp.expand(r_j - (-1) ** (d_ - n_) * E), force=True))
    steps.append(("primal: r_j = (-1)^j / (2^d - 2) at every vertex j = 1..d-1", diff == 0))
    return ClosedForm("big", 2, 1, 0, sp.simplify(E), {k_: beta_k},
                      {j_: ((-1) ** j_, sp.binomial(d_, j_) / norm1)}, steps, relative=True)


# ---------------------------------------------------------------- the five families

def family_closed_form(name: str, relative: bool = False) -> list:
    """Derive and prove the closed form(s) of a named family; a list (one per residue class).

    ``relative``: the shift-equivariant optimum of the family without its constant.
    """
    from maxcert.symbolic.families import family_min_d, family_R

    lo = family_min_d(name, relative)  # validates the name
    if name == "big":
        return [derive_big_relative() if relative else derive_big()]
    return [derive_pattern(name, lambda d: family_R(name, d, relative), d_least=lo, relative=relative)]


def depth_closed_form(L: int, relative: bool = False) -> list:
    """Closed forms of E(d, L) for L = 0 (R = {0, 1}) and L = 1 (R = {0, 1, 2}; one per parity of d).

    For 2^L < d; E(d, L) = 0 once 2^L >= d. Deeper L: no closed form by this method (the
    equioscillation vertices of R = {0..2^L} move non-affinely with d); see the exact tables.
    ``relative``: E_rel(d, L), the same without the constant.
    """
    lo = 0 if not relative else 1
    name = "E_rel" if relative else "E"
    if L == 0:
        return [derive_pattern(f"{name}(d,0)", lambda d: list(range(lo, 2)), d_least=2, relative=relative)]
    if L == 1 and relative:
        raise NoClosedForm("no closed form for E_rel(d, 1) by this method: the inner equioscillation vertex "
                           "sits near (2 - sqrt 2) d, not at an affine function of d; use the exact table")
    if L == 1:
        return [derive_pattern(f"{name}(d,1)", lambda d: list(range(lo, 3)), q=2, p=p, d_least=3, relative=relative)
                for p in (0, 1)]
    raise NoClosedForm(f"no closed form for {name}(d, {L}) by this method; use the exact table (maxcert tradeoff)")
