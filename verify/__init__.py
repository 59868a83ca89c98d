"""Certification of max replication in z3, in exact rational arithmetic.

graph -> :mod:`encode` (z3 formulas, one place) -> :mod:`solvers` (one small interface)
-> :mod:`certify` (certify, worst_case_error) -> :mod:`certificates` (the result object).
"""

from maxcert.verify.certificates import Certificate
from maxcert.verify.certify import CertifyError, certify, exact_error, worst_case_error
from maxcert.verify.domains import REALS, UNIT, Domain, parse_domain

__all__ = [
    "Certificate", "CertifyError", "certify", "exact_error", "worst_case_error", "REALS", "UNIT", "Domain",
    "parse_domain"
]
