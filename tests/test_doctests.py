"""Run every module's numpydoc Examples as doctests, imported under its real maxcert.* name."""

import doctest
import importlib
import pkgutil

import pytest


def _modules():
    names = []
    for pkg in ("maxcert", "maxcert.graphs", "maxcert.graphs.readwrite", "maxcert.verify", "maxcert.symbolic"):
        mod = importlib.import_module(pkg)
        names.append(pkg)
        for info in pkgutil.iter_modules(mod.__path__):
            if not info.ispkg and info.name != "__main__":
                names.append(f"{pkg}.{info.name}")
    return sorted(set(names))


@pytest.mark.parametrize("name", _modules())
def test_doctests(name):
    mod = importlib.import_module(name)
    result = doctest.testmod(mod, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} doctest failure(s) in {name}"
