"""maxcert: exact certificates for ReLU networks that stand in for max pooling.

>>> import maxcert
>>> G = maxcert.tree_network(4)
>>> maxcert.evaluate_exact(G, [3, "7/2", -1, 0])
[Fraction(7, 2)]

The names below are imported when first used, so ``import maxcert`` and ``maxcert --version``
stay fast (sympy, networkx, z3 and onnx load only for what needs them).
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"  # the one place: pyproject reads it (dynamic version), the wheel carries it

_LAZY = {
    "MaxcertError": "maxcert.errors",
    "GraphError": "maxcert.graphs",
    "approximator": "maxcert.graphs",
    "compile_layers": "maxcert.graphs",
    "evaluate": "maxcert.graphs",
    "evaluate_exact": "maxcert.graphs",
    "load_model": "maxcert.graphs",
    "save_model": "maxcert.graphs",
    "subpool_max_average": "maxcert.graphs",
    "summary": "maxcert.graphs",
    "tree_network": "maxcert.graphs",
    "validate": "maxcert.graphs",
    "Certificate": "maxcert.verify",
    "certify": "maxcert.verify",
    "exact_error": "maxcert.verify",
    "parse_domain": "maxcert.verify",
    "worst_case_error": "maxcert.verify",
    "certify_relative": "maxcert.verify.relative",
    "relative_error": "maxcert.verify.relative",
    "relative_worst_case": "maxcert.verify.relative",
    "rewrite": "maxcert.verify.pools",
    "residuals": "maxcert.images",
    "family_R": "maxcert.symbolic",
    "optimal_approximation": "maxcert.symbolic",
    "tradeoff": "maxcert.symbolic",
}
__all__ = sorted(list(_LAZY) + ["__version__"])


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
    else:
        raise AttributeError(f"module 'maxcert' has no attribute {name!r}")
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return __all__
