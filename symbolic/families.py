"""The paper's five named approximators as index sets R(d), with the d from which each is defined.

"small" = {0, 1, d-1} needs d >= 3 (at d = 2 it is "mean"); "medium" = {0, 1, d-2, d-1} needs
d >= 4 (at d = 3 it is "big", whose error 1/8 differs from 1/d^2 = 1/9).
The relative (shift-equivariant) families drop the constant 0; "const" has none.
"""

from __future__ import annotations

from maxcert.symbolic.optimal import SymbolicError

_FAMILIES = {
    "const": (lambda d: [0], 2),
    "mean": (lambda d: [0, 1], 2),
    "small": (lambda d: [0, 1, d - 1], 3),
    "medium": (lambda d: [0, 1, d - 2, d - 1], 4),
    "big": (lambda d: list(range(d)), 2),
}
FAMILY_NAMES = tuple(_FAMILIES)


def family_min_d(name: str, relative: bool = False) -> int:
    _known(name, relative)
    return _FAMILIES[name][1]


def family_R(name: str, d: int, relative: bool = False) -> list:
    """The index set of a named family at d.

    Examples
    --------
    >>> family_R("medium", 6), family_R("big", 3)
    ([0, 1, 4, 5], [0, 1, 2])
    >>> family_R("small", 2)
    Traceback (most recent call last):
    ...
    maxcert.symbolic.optimal.SymbolicError: family 'small' is defined for d >= 3, got d = 2
    >>> family_R("medium", 6, relative=True)
    [1, 4, 5]
    """
    _known(name, relative)
    rule, lo = _FAMILIES[name]
    if isinstance(d, bool) or not isinstance(d, int) or d < lo:
        raise SymbolicError(f"family {name!r} is defined for d >= {lo}, got d = {d}")
    return [k for k in rule(d) if k != 0] if relative else rule(d)


def _known(name, relative=False):
    if name not in _FAMILIES:
        raise SymbolicError(f"unknown family {name!r}; choose from {', '.join(_FAMILIES)}")
    if relative and name == "const":
        raise SymbolicError("family 'const' has no relative form: it is only the constant, which the "
                            "shift-equivariant form leaves out; choose mean, small, medium or big")
