"""Exact optimal approximators, closed forms with proofs, tradeoffs, build approx."""

import json
from fractions import Fraction
from math import comb

import pytest
import sympy as sp

from conftest import random_rational
from maxcert.graphs import approximator, depth, evaluate_exact, load_model, summary
from maxcert.symbolic.closed_forms import d_, depth_closed_form, family_closed_form
from maxcert.symbolic.families import FAMILY_NAMES, family_min_d, family_R
from maxcert.symbolic.optimal import SymbolicError, check_certificate, optimal_approximation
from maxcert.symbolic.order_stats import B_matrix, M_k_symbolic, vertex_value
from maxcert.symbolic.tradeoff import SizeCounter, all_index_sets, depth_of, pareto_front, solve_all, tradeoff

PUBLISHED = {"const": lambda d: Fraction(1, 2), "mean": lambda d: Fraction(d - 1, 2 * d),
             "small": lambda d: Fraction(1, 2 * (d + 1)), "medium": lambda d: Fraction(1, d * d),
             "big": lambda d: Fraction(1, 2**d)}


@pytest.mark.parametrize("d", [pytest.param(d, marks=[pytest.mark.slow] if d >= 7 else []) for d in range(2, 15)])
def test_every_index_set_exact_optimum_with_checked_dual(d):  # d = 7..14 (16,320 LPs) in CI's slow step
    sets = list(all_index_sets(d))
    assert len(sets) == 2 ** (d - 1)
    for opt in solve_all(d, sets, jobs=2):
        # the dual certificate is re-checked here in exact arithmetic: it proves optimality
        assert check_certificate(opt.d, opt.R, opt.betas, opt.error, opt.dual), opt.R
        assert opt.error > 0  # k < d: the max itself is never in the class
    for name in FAMILY_NAMES:
        if d >= family_min_d(name):
            assert optimal_approximation(d, family_R(name, d)).error == PUBLISHED[name](d)


def test_small_cases_by_hand():
    # d = 2, R = {0, 1}: f = b0 + b1 (x1+x2)/2 vs max; vertices give residuals b0, b0 + b1/2 - 1, b0 + b1 - 1;
    # best: b1 = 1, b0 = 1/4, error 1/4
    opt = optimal_approximation(2, [0, 1])
    assert opt.betas == {0: Fraction(1, 4), 1: Fraction(1)} and opt.error == Fraction(1, 4)
    # the best constant is 1/2 whatever d
    assert optimal_approximation(7, [0]).betas == {0: Fraction(1, 2)}
    # without the constant, d = 2, R = {1}: residuals 0, b/2 - 1, b - 1 at v_0, v_1, v_2;
    # balance b/2 - 1 = -(b - 1): b = 4/3, error 1/3
    opt = optimal_approximation(2, [1])
    assert opt.check() and opt.betas == {1: Fraction(4, 3)} and opt.error == Fraction(1, 3)


def test_order_statistics():
    # B(4) row k=2: C(4-j, 1)/C(4,2) = 3/6, 2/6, 1/6, 0
    assert list(B_matrix(4).row(1)) == [sp.Rational(1, 2), sp.Rational(1, 3), sp.Rational(1, 6), 0]
    # every row sums to 1 (M_k of the all-ones vector is 1)
    for d in range(2, 9):
        B = B_matrix(d)
        assert all(sum(B.row(r)) == 1 for r in range(d - 1))
    assert vertex_value(5, 2, 2) == 1 - Fraction(comb(3, 2), comb(5, 2))


@pytest.mark.parametrize("name", FAMILY_NAMES)
def test_family_closed_form_derived_and_proved(name):
    (cf,) = family_closed_form(name)
    assert cf.proved, [s for s, ok in cf.steps if not ok]
    # the derived form equals the published one as a function of d
    pub = {"const": sp.Rational(1, 2), "mean": (d_ - 1) / (2 * d_), "small": 1 / (2 * (d_ + 1)),
           "medium": 1 / d_**2, "big": sp.Integer(2) ** -d_}[name]
    assert sp.simplify(cf.error - pub) == 0
    # and the exact LP, independently, at every d from the family's first d to well past the proof's threshold
    for d in range(family_min_d(name), cf.d_min + 12):
        assert optimal_approximation(d, family_R(name, d)).error == cf.error_at(d)


@pytest.mark.slow  # in CI's slow step
def test_depth_closed_forms():
    (l0,) = depth_closed_form(0)
    assert l0.proved and sp.simplify(l0.error - (d_ - 1) / (2 * d_)) == 0
    even, odd = depth_closed_form(1)
    assert even.proved and odd.proved
    assert sp.simplify(even.error - (d_ - 2) / (2 * (d_ + 2))) == 0
    assert sp.simplify(odd.error - (d_ - 1) ** 2 / (2 * (d_ + 1) ** 2)) == 0
    for d in range(3, 30):
        cf = even if d % 2 == 0 else odd
        assert optimal_approximation(d, [0, 1, 2]).error == cf.error_at(d)


def test_tradeoff_rows():
    rows = tradeoff(9)
    assert [r.L for r in rows] == [0, 1, 2, 3, 4]
    assert rows[0].error == Fraction(4, 9)           # mean: (d-1)/(2d)
    assert rows[1].error == Fraction(8, 25)          # (d-1)^2/(2(d+1)^2), d odd
    assert rows[3].error == Fraction(1, 2**9)        # R = {0..8} = big
    assert rows[4].error == 0 and rows[4].R is None  # 2^4 >= 9: the tree network
    # errors fall with depth
    assert all(a.error > b.error for a, b in zip(rows, rows[1:]))


@pytest.mark.parametrize("d", [3, 5, 6, 7])
def test_size_counter_matches_built_network(d, rng):
    c = SizeCounter(d)
    for _ in range(6):
        R = [0] + sorted(rng.sample(range(1, d), rng.randint(1, d - 1)))
        opt = optimal_approximation(d, R)
        s = summary(approximator(d, opt.betas))
        assert c.size(opt.betas) == (s["neurons"], s["parameters"])


def test_pareto_front_d6():
    pts, front = pareto_front(6, jobs=1)
    assert len(pts) == 32
    # the front is strictly decreasing in error as parameters grow, and nothing dominates a front point
    for a, b in zip(front, front[1:]):
        assert a.parameters < b.parameters and a.error > b.error
    for f in front:
        assert not any(p.parameters <= f.parameters and p.error < f.error for p in pts)
    assert front[0].R == [0] and front[-1].error == Fraction(1, 64)


def _f_symbolic(d, betas, x):
    """f(x) by the order-statistic formula (docs/how-it-works.md, "The approximators, exactly"),
    independent of the network construction."""
    xs = sorted(x, reverse=True)
    out = betas.get(0, Fraction(0))
    for k, b in betas.items():
        if k:
            out += b * sum(Fraction(comb(d - j, k - 1), comb(d, k)) * xs[j - 1] for j in range(1, d + 1))
    return out


@pytest.mark.parametrize("d", range(2, 11))
def test_build_approx_equals_symbolic_f(d, rng, tmp_path, run_cli):
    R = [0] + sorted(rng.sample(range(1, d), min(d - 1, rng.randint(1, 3))))
    code, out, _ = run_cli("build", "approx", "--d", d, "--R", ",".join(map(str, R)), "-o", tmp_path / "a.json")
    assert code == 0
    G = load_model(tmp_path / "a.json")
    opt = optimal_approximation(d, R)
    assert depth(G) == depth_of(R)
    for _ in range(4):
        x = [random_rational(rng) for _ in range(d)]
        assert evaluate_exact(G, x) == [_f_symbolic(d, opt.betas, x)]
    # also M_k itself: sympy's order-statistic expression at a sorted point
    xs = sorted([random_rational(rng) for _ in range(d)], reverse=True)
    k = max(R)
    if k:
        sym = M_k_symbolic(d, k).subs(dict(zip(sp.symbols(f"x1:{d + 1}"), [sp.Rational(v.numerator, v.denominator) for v in xs])))
        assert Fraction(str(sym)) == _f_symbolic(d, {k: 1}, xs)


def test_cli_tradeoff_range_pareto_depth(tmp_path, run_cli):
    code, out, _ = run_cli("tradeoff", "--d", "3..5", "--pareto", "--jobs", 1, "--json", tmp_path / "t.json")
    j = json.loads((tmp_path / "t.json").read_text())
    assert code == 0 and [o["d"] for o in j] == [3, 4, 5]
    # d = 3: the front starts at the constant (error 1/2, 2 parameters) and ends at the full set, 1/8
    assert j[0]["pareto"][0] == {"R": [0], "error": "1/2", "parameters": 2, "neurons": 0, "depth": 0}
    assert j[0]["pareto"][-1]["error"] == "1/8"
    code, out, _ = run_cli("derive", "--depth", 1)
    assert code == 0 and out.count("proof checked: yes") == 2 and "(d - 2)/(2*(d + 2))" in out


def test_cli_derive_tradeoff_json(tmp_path, run_cli):
    code, out, _ = run_cli("derive", "--d", 9, "--R", "0,1,8", "--json", tmp_path / "d.json")
    j = json.loads((tmp_path / "d.json").read_text())
    assert code == 0 and j["error"] == "1/20" and j["R"] == [0, 1, 8] and j["checked"]
    assert set(j) >= {"d", "R", "error", "betas", "equioscillation", "dual"}
    code, out, _ = run_cli("derive", "--family", "medium", "--json", tmp_path / "f.json")
    j = json.loads((tmp_path / "f.json").read_text())
    assert code == 0 and j["proved"] and j["error"] == "d**(-2)" and "LaTeX" in out
    code, out, _ = run_cli("tradeoff", "--d", 5, "--json", tmp_path / "t.json")
    j = json.loads((tmp_path / "t.json").read_text())
    assert code == 0 and j["d"] == 5 and [r["error"] for r in j["rows"]] == ["2/5", "2/9", "1/32", "0"]


@pytest.mark.parametrize("argv,needle", [
    (["derive", "--d", "5", "--R", "0,5"], "not in 0..4"),
    (["derive", "--d", "1", "--R", "0"], "must be >= 2"),
    (["derive", "--family", "huge"], "unknown family 'huge'"),
    (["derive", "--d", "5"], "give --d D and --R"),
    (["derive", "--d", "5", "--R", "0,1", "--family", "big"], "not both"),
    (["derive", "--depth", "3"], "no closed form for E(d, 3)"),
    (["tradeoff", "--d", "9..4"], "LO <= HI"),
    (["derive", "--d", "5", "--R", ""], "R is empty"),
    (["build", "approx", "--d", "4", "--R", "0,4", "-o", "a.json"], "not in 0..3"),
    (["tradeoff", "--d", "1"], "need 2 <= d"),
])
def test_symbolic_bad_input_exit_3(run_cli, tmp_path, monkeypatch, argv, needle):
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli(*argv)
    assert code == 3 and needle in err and len(err.strip().splitlines()) == 1


def test_index_set_errors():
    with pytest.raises(SymbolicError, match="lists an index twice"):
        optimal_approximation(5, [0, 1, 1])
    with pytest.raises(SymbolicError, match="d must be an integer >= 2"):
        optimal_approximation(1, [0])


def test_float_basis_failing_its_exact_check_still_solves_fast():
    # at d = 16 HiGHS's basis for this R fails the exact check (tolerances); the exact rational
    # simplex then answers in well under a second, where enumerating equioscillation sets never ended
    opt = optimal_approximation(16, [0, 1, 2, 3, 5, 11, 13])
    assert opt.check() and opt.error == Fraction(66527, 5827790)
