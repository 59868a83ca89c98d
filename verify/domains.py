"""Input domains: ``unit`` = [0,1]^d (the paper's), ``box:LO,HI`` and ``reals`` = all of R^d."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from maxcert.errors import MaxcertError


class DomainError(MaxcertError):
    """A malformed or empty domain."""


@dataclass(frozen=True)
class Domain:
    """A box ``[lo, hi]^d``, or all of R^d when ``lo`` and ``hi`` are None."""

    lo: Fraction | None
    hi: Fraction | None

    @property
    def bounded(self) -> bool:
        return self.lo is not None

    def box(self) -> tuple[Fraction, Fraction]:
        """``(lo, hi)`` of a bounded domain; ``reals`` has none (ValueError)."""
        if self.lo is None or self.hi is None:
            raise ValueError("the domain reals has no box")
        return self.lo, self.hi

    def spec(self) -> str:
        """The text form, parsed back by :func:`parse_domain`.

        Examples
        --------
        >>> parse_domain("box:-1/2,3").spec(), parse_domain("unit").spec(), parse_domain("reals").spec()
        ('box:-1/2,3', 'unit', 'reals')
        """
        if not self.bounded:
            return "reals"
        if (self.lo, self.hi) == (0, 1):
            return "unit"
        return f"box:{self.lo},{self.hi}"


UNIT = Domain(Fraction(0), Fraction(1))
REALS = Domain(None, None)


def parse_domain(text: str | Domain) -> Domain:
    """Parse ``unit``, ``reals`` or ``box:LO,HI`` (LO, HI rationals such as -1/2 or 0.25).

    Examples
    --------
    >>> parse_domain("box:0.25,1")
    Domain(lo=Fraction(1, 4), hi=Fraction(1, 1))
    >>> parse_domain("box:2,1")
    Traceback (most recent call last):
    ...
    maxcert.verify.domains.DomainError: domain box:2,1 is empty: LO = 2 > HI = 1
    """
    if isinstance(text, Domain):
        return text
    t = str(text).strip()
    if t == "unit":
        return UNIT
    if t == "reals":
        return REALS
    if t.startswith("box:"):
        parts = t[4:].split(",")
        if len(parts) != 2:
            raise DomainError(f"domain {t!r} must be box:LO,HI")
        try:
            lo, hi = (Fraction(p.strip()) for p in parts)
        except (ValueError, ZeroDivisionError):
            raise DomainError(f"domain {t!r}: LO and HI must be rational numbers") from None
        if lo > hi:
            raise DomainError(f"domain {t} is empty: LO = {lo} > HI = {hi}")
        return Domain(lo, hi)
    raise DomainError(f"unknown domain {t!r}; use unit, reals or box:LO,HI")
