"""Exact (rational / sympy) derivations of the paper's optimal approximators and tradeoffs.

:mod:`order_stats` (B(d), vertex values) -> :mod:`optimal` (exact LP with dual certificate)
-> :mod:`closed_forms` (closed forms in d, proved) and :mod:`tradeoff` (E(d,L), W(d,L), Pareto).
"""

from maxcert.symbolic.families import FAMILY_NAMES, family_R
from maxcert.symbolic.optimal import OptimalApproximation, SymbolicError, check_certificate, optimal_approximation
from maxcert.symbolic.tradeoff import pareto_front, solve_all, tradeoff

__all__ = [
    "FAMILY_NAMES", "family_R", "OptimalApproximation", "SymbolicError", "check_certificate",
    "optimal_approximation", "pareto_front", "solve_all", "tradeoff"
]
