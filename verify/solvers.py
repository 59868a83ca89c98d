"""Solvers behind one small interface, so a second solver can re-check the same query.

``check`` decides satisfiability; ``maximize`` solves a linear program (no disjunctions)
exactly. Both run z3 in exact rational arithmetic; a timeout gives ``unknown``, never a guess.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from fractions import Fraction

import z3


def solver_info() -> dict:
    return {"name": "z3", "version": z3.get_version_string()}


def to_fraction(v) -> Fraction:
    """A z3 rational numeral as an exact Fraction."""
    v = v if z3.is_rational_value(v) or z3.is_int_value(v) else z3.simplify(v)
    if z3.is_int_value(v):
        return Fraction(v.as_long())
    if not z3.is_rational_value(v):
        raise ValueError(f"z3 value {v} is not a rational numeral")
    return Fraction(v.numerator_as_long(), v.denominator_as_long())


@dataclass
class Result:
    status: str  # "sat", "unsat", "unknown"
    model: dict = field(default_factory=dict)  # z3 variable name -> Fraction (when sat)
    reason: str = ""
    time_s: float = 0.0


def _model_values(m: z3.ModelRef, wanted) -> dict:
    out = {}
    for v in wanted:
        val = m.eval(v, model_completion=True)
        out[str(v)] = to_fraction(val)
    return out


def check(constraints, wanted, timeout: float | None = None) -> Result:
    """Decide the conjunction; on sat, return exact values of the ``wanted`` variables."""
    t0 = time.perf_counter()
    s = z3.Solver()
    if timeout is not None:
        s.set("timeout", max(1, int(timeout * 1000)))
    s.add(*constraints)
    return _result(s, s.check(), wanted, t0)


def _result(s: z3.Solver, r, wanted, t0: float) -> Result:
    """The answer ``r`` of ``s.check()`` as a Result (exact model values when sat)."""
    dt = time.perf_counter() - t0
    if r == z3.unsat:
        return Result("unsat", time_s=dt)
    if r == z3.sat:
        return Result("sat", _model_values(s.model(), wanted), time_s=dt)
    return Result("unknown", reason=s.reason_unknown(), time_s=dt)


def check_each(common, cases, wanted, timeout: float | None = None):
    """Decide ``common + case`` for each case in turn; yield one Result per case.

    One incremental linear-arithmetic solver holds the shared constraints; each case is pushed and
    popped, so no case sees another's. Many small queries then cost one solver, not one each.
    ``timeout`` bounds the whole sequence (to within a tenth); cases after it expires answer ``unknown``.
    """
    t_end = None if timeout is None else time.perf_counter() + timeout
    s = z3.SolverFor("QF_LRA")
    s.add(*common)
    limit = math.inf  # the solver's timeout as last set (s); setting it costs as much as a small check
    for case in cases:
        t0 = time.perf_counter()
        if t_end is not None:
            left = t_end - t0
            if left <= 0:
                yield Result("unknown", reason="timeout")
                continue
            if left < 0.9 * limit:  # refreshed once a tenth of it is spent: overrun at most that
                limit = left
                s.set("timeout", max(1, int(left * 1000)))
        s.push()
        s.add(*case)
        res = _result(s, s.check(), wanted, t0)
        s.pop()
        yield res


@dataclass
class LPResult:
    status: str  # "optimal", "unbounded", "infeasible", "unknown"
    value: Fraction | None = None
    point: dict = field(default_factory=dict)
    reason: str = ""


def maximize(constraints, objective, wanted, timeout: float | None = None) -> LPResult:
    """Exact maximum of a linear objective over linear constraints (z3's simplex over rationals)."""
    opt = z3.Optimize()
    if timeout is not None:
        opt.set("timeout", max(1, int(timeout * 1000)))
    opt.add(*constraints)
    h = opt.maximize(objective)
    r = opt.check()
    if r == z3.unsat:
        return LPResult("infeasible")
    if r != z3.sat:
        return LPResult("unknown", reason=opt.reason_unknown())
    inf, val, eps = h.upper_values()
    if to_fraction(inf) != 0:
        return LPResult("unbounded", point=_model_values(opt.model(), wanted))
    if to_fraction(eps) != 0:  # supremum not attained: cannot happen with closed regions
        return LPResult("unknown", reason="supremum not attained")
    return LPResult("optimal", to_fraction(val), _model_values(opt.model(), wanted))
