"""A proved bracket on timeout: lower <= sup |N - max| <= upper, both exact, always containing the value.

The exact values come from the committed benchmark table (benchmarks/RESULTS.md, computed by
`python benchmarks/run.py` with no time limit hit) and are re-derived here where cheap."""

from fractions import Fraction
from pathlib import Path

import pytest

from maxcert.graphs import load_model
from maxcert.verify.bab import Net, Piece
from maxcert.verify.certify import certify, worst_case_error
from maxcert.verify.domains import UNIT

MODELS = Path(__file__).resolve().parents[1] / "benchmarks" / "models"
SLOW = pytest.mark.slow  # in CI's slow step


CASES = [(m, t) for m in ("max_d9_16", "max_d4_16x16", "max_d4_32") for t in (1e-3, 0.1)]


@pytest.mark.parametrize("name,timeout", CASES + [pytest.param("max_d9_32", 1.0, marks=SLOW),
                                                  pytest.param("max_d4_32x32x32", 1.0, marks=SLOW)])
def test_timeout_gives_a_bracket_containing_the_value(name, timeout):
    G = load_model(MODELS / f"{name}.json")
    full = worst_case_error(G, "unit", jobs=1)  # no limit: the exact value
    assert full.status == "COMPUTED"
    c = worst_case_error(G, "unit", timeout=timeout, jobs=1)
    if c.status == "COMPUTED":  # a fast machine finished within the limit: then it is the value
        assert c.max_error == full.max_error and timeout >= 0.1
        return
    assert c.status == "UNKNOWN"
    assert isinstance(c.lower_bound, Fraction) and isinstance(c.upper_bound, Fraction)
    assert c.lower_bound <= full.max_error <= c.upper_bound
    assert "proved bracket" in c.reason


def test_certify_timeout_carries_the_bracket():
    G = load_model(MODELS / "max_d9_32.json")
    c = certify(G, Fraction(1, 2), "unit", timeout=0.3, jobs=1)
    # the exact error is about 0.4463 < 1/2: CERTIFIED when the search finishes or the open
    # nodes' bounds already are below 1/2, else UNKNOWN with a bracket containing it
    if c.status == "UNKNOWN":
        assert c.upper_bound is not None and c.lower_bound <= Fraction(4462887, 10 ** 7) + 1 <= c.upper_bound + 1
    else:
        assert c.status == "CERTIFIED" and c.upper_bound <= Fraction(1, 2)


def test_interval_bound_is_sound_by_hand():
    # N(x) = relu(x0 - x1) on [0,1]^2: N in [0, 1]; piece s = +1: N - t <= 1 - 0; s = -1: t - N <= 1 - 0
    from maxcert.graphs.evaluate import from_layers

    G = from_layers([[[1, -1]], [[1]]], [[0], [0]])
    assert Piece(Net(G), UNIT, None, 1).interval_bound() == 1
    assert Piece(Net(G), UNIT, 0, -1).interval_bound() == 1
