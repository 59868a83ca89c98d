"""E(d, 2) and E_rel(d, 2): hand-checked values, exact certificates, the proved bounds and the conjectured pattern."""

import json
import random
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

from maxcert.symbolic.depth2 import (
    chebyshev_residuals,
    closed_form_attempts,
    conjectured_error,
    depth2_optimum,
    depth2_table,
    error_from_nodes,
    is_symmetric,
    support_pattern,
    upper_bound,
)
from maxcert.symbolic.optimal import SymbolicError

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks" / "depth2"


@pytest.fixture(scope="module")
def rows():
    return depth2_table(40)


def test_d5_is_the_big_family():
    # at d = 5, R = {0..4} = {0..d-1} is "big": E = 1/2^d (the d-th difference annihilates every
    # column, mu_j = C(5, j)/32 on all six vertices with alternating signs); relative: 1/(2^5 - 2)
    a, r = depth2_optimum(5), depth2_optimum(5, relative=True)
    assert a.error == Fraction(1, 32) and r.error == Fraction(1, 30)
    assert [mu for _, _, mu in a.support] == [Fraction(c, 32) for c in (1, 5, 10, 10, 5, 1)]
    assert a.support_signs() == [(0, 1), (1, -1), (2, 1), (3, -1), (4, 1), (5, -1)]
    assert r.support_signs() == [(1, -1), (2, 1), (3, -1), (4, 1)]


def test_d6_by_hand():
    # support 0, 1, 2, 3, 5, 6; weights 1/prod(n_i - n_k): |w| = 1/180, 1/40, 1/24, 1/36, 1/120, 1/360,
    # summing to 40/360 = 1/9, so E = (1/180) / (1/9) = 1/20
    a = depth2_optimum(6)
    assert [j for j, _ in a.support_signs()] == [0, 1, 2, 3, 5, 6]
    assert a.error == Fraction(1, 20) == error_from_nodes(6, [0, 1, 2, 3, 5, 6])
    # relative d = 6: support 1, 2, 4, 5 with the fixed nodes 0 and 6; E_rel = 1/18
    assert depth2_optimum(6, relative=True).error == Fraction(1, 18)


def test_depth2_needs_d_at_least_5():
    # d <= 4: the depth-2 tree is exact, there is no approximation question
    with pytest.raises(SymbolicError):
        depth2_optimum(4)
    with pytest.raises(SymbolicError):
        depth2_table(10, d_min=3)


def test_every_certificate_checks(rows):
    assert [r.d for r in rows] == list(range(5, 41))
    assert all(r.absolute.checked and r.relative.checked for r in rows)
    # errors grow with d (more vertices to fit with the same 5 polynomials), below the constant's 1/2 and 1
    for lo, hi in zip(rows, rows[1:]):
        assert lo.absolute.error < hi.absolute.error < Fraction(1, 2)
        assert lo.relative.error < hi.relative.error < 1


def test_table_values():
    # regression values from the exact LP (each certified by its own dual check above)
    assert depth2_optimum(10).error == Fraction(4, 33)
    assert depth2_optimum(20).error == Fraction(126, 527)
    assert depth2_optimum(40).error == Fraction(429, 1258)
    assert depth2_optimum(10, relative=True).error == Fraction(8, 55)
    assert depth2_optimum(20, relative=True).error == Fraction(63308, 194175)
    assert depth2_optimum(40, relative=True).error == Fraction(13585, 25694)


@pytest.mark.parametrize("d", [5, 6, 9, 18, 40])
def test_chebyshev_upper_bound_is_feasible(d):
    # p(j) = 1 - U T_4((2j - d - 1)/(d - 1)) is a quartic in j: its residuals stay within U(d),
    # with r_0 = U exactly; so E(d, 2) <= U(d) = (d-1)^4 / (2 (d^2 + 6d + 1)^2)
    r = chebyshev_residuals(d)
    U = upper_bound(d)
    assert U == Fraction((d - 1) ** 4, 2 * (d * d + 6 * d + 1) ** 2)
    assert max(abs(v) for v in r) == U == r[0]
    assert depth2_optimum(d).error <= U
    assert float(depth2_optimum(d, relative=True).error) <= upper_bound(d, relative=True)


def test_vallee_poussin_is_a_lower_bound():
    # any six nodes 0 < 1 <= a < b < c <= d give a valid lower bound, so never above the optimum
    rng = random.Random(7)
    for _ in range(40):
        d = rng.randint(6, 30)
        inner = sorted(rng.sample(range(2, d), 3))
        for rel in (False, True):
            assert error_from_nodes(d, [0, 1, *inner, d], rel) <= depth2_optimum(d, rel).error
    with pytest.raises(SymbolicError):
        error_from_nodes(10, [0, 1, 2, 3, 4])


def test_absolute_optimum_is_symmetric(rows):
    # the proved symmetry p(j) = p(d + 1 - j) holds for the LP's own optimum at every tabulated d
    assert all(is_symmetric(r.d, r.absolute.betas) for r in rows)
    assert not is_symmetric(9, {0: 0, 1: 1, 2: 0, 3: 0, 4: 0})  # M_1 alone is linear in j: not symmetric


def test_pattern_agrees_with_every_row(rows):
    p = support_pattern(rows)
    assert p.statement["absolute"].startswith("Conjecture") and p.statement["relative"].startswith("Conjecture")
    assert p.holds
    assert p.agree == {"absolute": list(range(5, 41)), "relative": list(range(5, 41))}
    # the exceptions the statement allows, pinned so a change shows: the relative c is the farther
    # neighbour of its extremum at d = 5, 14, 23, 32 (extremum just above a half-integer); the
    # absolute a and c tie with their other neighbour at d = 11 and 18 (a* = 2.46, 3.49), and at
    # d = 18 the dual takes the farther one
    assert p.not_nearest == {"absolute": [18], "relative": [5, 14, 23, 32]}
    assert p.ties == {"absolute": [11, 18], "relative": []}
    assert p.bound_ok == p.agree


def test_pattern_detects_a_wrong_row(rows):
    # a row whose error is off must be reported as a disagreement (the check can fail)
    import copy

    bad = copy.deepcopy(rows[10])
    bad.absolute.error += Fraction(1, 10**6)
    p = support_pattern([bad])
    assert p.disagree["absolute"] == [bad.d] and not p.holds


def test_conjectured_error_beyond_the_table():
    # the conjecture predicts E exactly from the support rule alone; spot-check past d = 40
    for d in (47, 59, 64):
        for rel in (False, True):
            assert conjectured_error(d, rel) == depth2_optimum(d, rel).error


def test_no_affine_closed_form():
    # derive_pattern needs the equioscillation vertices affine in d; a ~ (2 - sqrt 2)/4 d is not
    out = closed_form_attempts((1, 2))
    assert len(out) == 6
    assert all(o.startswith("no closed form") and "does not move affinely" in o for _, _, _, o in out)


def test_committed_results_match_the_table(rows):
    # the committed results.json agrees with a fresh computation on d <= 40 (the full --check is slow)
    res = json.loads((BENCH / "results.json").read_text())
    by_d = {r["d"]: r for r in res["rows"]}
    for r in rows:
        for key in ("absolute", "relative"):
            o, c = getattr(r, key), by_d[r.d][key]
            assert Fraction(c["error"]) == o.error and c["checked"]
            assert [(s["j"], s["sign"], Fraction(s["mu"])) for s in c["support"]] == o.support
            assert {int(k): Fraction(v) for k, v in c["betas"].items()} == o.betas
    assert res["pattern"]["holds"]
    assert "do not edit by hand" in (BENCH / "RESULTS.md").read_text().splitlines()[0]


@pytest.mark.slow
def test_results_regenerate_identically():
    # about 4 s: the whole d = 5..100 table, pattern and closed-form attempts, compared with the committed files
    out = subprocess.run([sys.executable, str(BENCH / "table.py"), "--check"], capture_output=True, text=True,
                         cwd=ROOT, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "identical" in out.stdout
