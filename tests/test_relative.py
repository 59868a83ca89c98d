"""The shift-equivariant (relative) optimum and its property |N - max| <= eps (max - min) on R^d."""

import os
from fractions import Fraction
from math import comb

import numpy as np
import pytest

from maxcert.cli import main
from maxcert.graphs import approximator, tree_network
from maxcert.symbolic.closed_forms import depth_closed_form, family_closed_form
from maxcert.symbolic.optimal import SymbolicError, check_certificate, optimal_approximation
from maxcert.symbolic.tradeoff import tradeoff
from maxcert.verify.relative import certify_relative, relative_error, relative_worst_case


def _f(d, betas, x):
    """sum_k beta_k M_k(x) by definition: the mean over all k-subsets of their max (independent of the LP)."""
    from itertools import combinations

    return sum(b * Fraction(sum(max(x[i] for i in S) for S in combinations(range(d), k)), comb(d, k))
               for k, b in betas.items())


def test_hand_computed_depth_one_d4():
    # 2 M_2 - M_1 at v_1 = (1,0,0,0): M_1 = 1/4, M_2 = 3/6 -> 3/4, off by 1/4; at v_3: 2 - 3/4 = 5/4
    r = optimal_approximation(4, [1, 2], relative=True)
    assert (r.error, r.betas) == (Fraction(1, 4), {1: -1, 2: 2})
    assert r.check() and sorted(r.dual) == [1, 3]


def test_mean_is_L0_and_errs_by_d_minus_1_over_d():
    # the only relative approximator at depth 0 is the mean; at v_1 it gives 1/d instead of 1
    for d in range(2, 12):
        assert optimal_approximation(d, [1], relative=True).error == Fraction(d - 1, d)


@pytest.mark.parametrize("d", range(2, 11))
def test_big_is_one_over_two_to_d_minus_two(d):
    # the d-th forward difference annihilates the residual polynomial: E_rel = 1 / sum_{j=1}^{d-1} C(d,j)
    r = optimal_approximation(d, list(range(1, d)), relative=True)
    assert r.error == Fraction(1, 2**d - 2) and r.check()


def test_relative_bound_holds_off_the_vertices():
    # the reduction: |f - max| / (max - min) is a weighted mean of the vertex residuals, so random
    # rational inputs never exceed E_rel, and shifting / scaling x shifts / scales f exactly
    rng = np.random.default_rng(3)
    for d, R in [(5, [1, 2]), (6, [1, 2, 3, 4]), (7, [1, 6])]:
        r = optimal_approximation(d, R, relative=True)
        for _ in range(30):
            x = [Fraction(int(v), 7) for v in rng.integers(-50, 50, size=d)]
            if max(x) == min(x):
                continue
            assert abs(_f(d, r.betas, x) - max(x)) <= r.error * (max(x) - min(x))
            c, lam = Fraction(int(rng.integers(-9, 9)), 5), Fraction(int(rng.integers(1, 9)), 4)
            assert _f(d, r.betas, [lam * v + c for v in x]) == lam * _f(d, r.betas, x) + c


def test_certificate_rejects_tampering():
    r = optimal_approximation(6, [1, 2, 3], relative=True)
    assert check_certificate(6, r.R, r.betas, r.error, r.dual, relative=True)
    bad = dict(r.betas)
    bad[1] += Fraction(1, 100)  # sum beta != 1
    assert not check_certificate(6, r.R, bad, r.error, r.dual, relative=True)
    assert not check_certificate(6, r.R, r.betas, r.error * 2, r.dual, relative=True)
    wrong_dual = {j: (-s, m) for j, (s, m) in r.dual.items()}
    assert not check_certificate(6, r.R, r.betas, r.error, wrong_dual, relative=True)
    with pytest.raises(SymbolicError, match="no constant"):
        optimal_approximation(6, [0, 1], relative=True)


def test_closed_forms_proved_and_match_the_lp():
    for name, expect in [("mean", lambda d: Fraction(d - 1, d)), ("small", lambda d: Fraction(1, 2 * d)),
                         ("medium", lambda d: Fraction(2, d * (2 * d - 1))), ("big", lambda d: Fraction(1, 2**d - 2))]:
        (cf,) = family_closed_form(name, relative=True)
        assert cf.proved, name
        for d in range(cf.d_min, cf.d_min + 4):
            assert cf.error_at(d) == expect(d), (name, d)
            from maxcert.symbolic.families import family_R
            assert optimal_approximation(d, family_R(name, d, True), relative=True).error == expect(d)
    (cf,) = depth_closed_form(0, relative=True)
    assert cf.proved and cf.error_at(9) == Fraction(8, 9)


def test_tradeoff_relative_rows():
    # d = 5: the mean (4/5); {1,2}; {1..4} = big: 1/(2^5 - 2) = 1/30; the tree is exact
    assert [str(r.error) for r in tradeoff(5, relative=True)] == ["4/5", "8/25", "1/30", "0"]


@pytest.mark.parametrize("d,L", [(4, 1), (9, 1), (9, 2), (9, 3)])
def test_built_network_certified_on_reals_and_refuted_just_below(d, L):
    r = optimal_approximation(d, list(range(1, min(2**L, d - 1) + 1)), relative=True)
    G = approximator(d, r.betas)
    c = certify_relative(G, r.error)
    assert (c.status, c.domain) == ("CERTIFIED", "reals")
    low = certify_relative(G, r.error * (1 - Fraction(1, 10**6)))
    assert low.status == "REFUTED" and low.error_at_witness == r.error  # a 0/1 vertex attains E_rel
    assert relative_error(G, low.witness) == r.error
    w = relative_worst_case(G)
    assert (w.status, w.max_error) == ("COMPUTED", r.error)


def test_plain_z3_agrees_with_the_lifted_route_d4():
    r = optimal_approximation(4, [1, 2], relative=True)
    G = approximator(4, r.betas)
    for strategy in ("plain", "symmetric"):
        assert certify_relative(G, r.error, strategy=strategy).status == "CERTIFIED"
        assert certify_relative(G, r.error * Fraction(99, 100), strategy=strategy).status == "REFUTED"
        w = relative_worst_case(G, strategy=strategy)
        assert (w.status, w.max_error) == ("COMPUTED", Fraction(1, 4))


def test_region_search_on_a_network_without_a_max_affine_form():
    # N(x) = x0 + relu(x1 - x0) scaled by 3/4 on the ramp: not liftable as symmetric (x0 is special);
    # N - max = -(1/4) relu(x1 - x0) when x1 > x0, 0 otherwise: sup ratio 1/4, on every domain
    import networkx as nx

    G = nx.DiGraph()
    G.add_node("x0", kind="input", index=0)
    G.add_node("x1", kind="input", index=1)
    G.add_node("h", kind="neuron", activation="relu", bias=Fraction(0))
    G.add_node("y", kind="neuron", activation="linear", bias=Fraction(0))
    G.graph["outputs"] = ["y"]
    G.add_edge("x0", "h", weight=Fraction(-1))
    G.add_edge("x1", "h", weight=Fraction(1))
    G.add_edge("x0", "y", weight=Fraction(1))
    G.add_edge("h", "y", weight=Fraction(3, 4))
    from maxcert.graphs.schema import validate
    validate(G)
    for dom in ("reals", "unit"):
        w = relative_worst_case(G, dom)
        assert (w.status, w.max_error) == ("COMPUTED", Fraction(1, 4)), (dom, w.reason)
    assert certify_relative(G, Fraction(1, 4)).status == "CERTIFIED"
    assert certify_relative(G, Fraction(1, 5)).status == "REFUTED"


def test_absolute_optimum_is_unbounded_relative_and_tree_exact():
    # the paper's optimum has a constant: at a flat window it errs by beta_0 with zero contrast
    G = approximator(4, optimal_approximation(4, [0, 1, 2]).betas)
    w = relative_worst_case(G)
    assert w.max_error == "unbounded" and max(w.witness) == min(w.witness)
    assert certify_relative(tree_network(5), 0).status == "CERTIFIED"


def test_cli(tmp_path, capsys):
    out = tmp_path / "a.json"
    assert main(["build", "approx", "--relative", "--d", "5", "--R", "1,2", "-o", str(out)]) == 0
    assert main(["certify", str(out), "--relative", "--eps", "8/25"]) == 0
    assert "CERTIFIED: |N(x) - max(x)| <= 8/25 (max(x) - min(x)) for all x in reals" in capsys.readouterr().out
    assert main(["certify", str(out), "--relative", "--eps", "0.3"]) == 1
    assert main(["error", str(out), "--relative", "--json", str(tmp_path / "e.json")]) == 0
    assert "8/25" in capsys.readouterr().out
    assert main(["derive", "--relative", "--d", "5", "--R", "1,2"]) == 0
    assert "E_rel = 8/25" in capsys.readouterr().out
    assert main(["tradeoff", "--relative", "--d", "5"]) == 0
    assert main(["derive", "--relative", "--d", "5", "--R", "0,1"]) != 0
    assert "no constant" in capsys.readouterr().err
    assert main(["certify", str(out), "--relative", "--strategy", "bab"]) != 0


def test_digits_table_relative_rows():
    # benchmarks/digits/results.json (python benchmarks/digits/table.py): the relative rows' pool
    # certificates are the LP's E_rel(4, L), E_rel(9, L); flat windows are exact (up to float32)
    import json
    import os

    here = os.path.join(os.path.dirname(__file__), "..", "benchmarks", "digits", "results.json")
    res = json.load(open(here))
    rows = {r["L"]: r for r in res["relative_rows"]}
    absolute = {r["L"]: r for r in res["rows"]}
    for L, row in rows.items():
        assert row["status"] == "CERTIFIED"
        for p, h in zip(row["pools"], row["heldout"]["pools"]):
            d = p["window"]
            if p["approximated"]:
                E = optimal_approximation(d, list(range(1, min(2**L, d - 1) + 1)), relative=True).error
                assert Fraction(p["E_rel"]) == E
                assert h["flat_error_max"] < 1e-6 and h["ratio_max"] <= float(E) * 1.01 + 1e-6
    # the point of the relative form: depth 2 keeps the original's accuracy, the absolute one loses it
    assert rows[2]["heldout"]["correct"] > absolute[2]["heldout"]["correct"]
    assert rows[2]["heldout"]["correct"] == res["original"]["correct"]


def test_rewrite_relative_digits_depth2_certified(tmp_path):
    from maxcert.verify.pools import rewrite

    here = os.path.join(os.path.dirname(__file__), "..", "benchmarks", "digits", "digits_cnn.onnx")
    new, rep = rewrite(here, depth=2, relative=True)
    pools = rep["pools"]
    assert rep["status"] == "CERTIFIED" and rep["relative"] is True
    assert "certified_error" not in pools[0]  # d = 4: the depth-2 tree is exact
    assert Fraction(pools[1]["certified_error"]) == Fraction(14, 109) and pools[1]["equals_E_rel"]
    assert pools[1]["attained"]  # an unpadded 3x3 window reads 9 distinct inputs
    from maxcert.graphs.pools import PoolError
    with pytest.raises(PoolError, match="no range"):
        rewrite(here, depth=2, relative=True, range=(0, 1))


def test_residuals_relative_hand_computed():
    # 2x2 patches, L = 0: the relative optimum is the mean. A flat patch is exact (the absolute
    # optimum 3/8 + mean errs by its constant 3/8 there); a single bright pixel gives 1/4 vs 1.
    from maxcert.images import residuals

    img = np.array([[255, 0, 7, 7], [0, 0, 7, 7]], dtype=np.uint8)
    rel = residuals([img], "2x2", 0, relative=True)[0]
    ab = residuals([img], "2x2", 0)[0]
    assert rel["relative"] and rel["E"] == "3/4" and ab["E"] == "3/8"
    assert rel["max"] == pytest.approx(0.75) and rel["flat"] == 1 and rel["flat_mean"] == 0
    assert ab["flat_mean"] == pytest.approx(0.375) and rel["contrast_ratio"]["max"] == pytest.approx(0.75)


def test_residuals_relative_table_and_readme():
    # benchmarks/residuals/results.json (python benchmarks/residuals/table.py): rows regenerate, and the
    # certified relative bound holds on every photograph patch (ratio to contrast <= E_rel)
    import importlib.util
    import json

    root = os.path.join(os.path.dirname(__file__), "..")
    spec = importlib.util.spec_from_file_location("residuals_table", os.path.join(root, "benchmarks", "residuals",
                                                                                    "table.py"))
    table = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(table)
    stored = json.load(open(os.path.join(root, "benchmarks", "residuals", "results.json")))
    names = ("camera.png", "coins.png")
    fresh = json.loads(json.dumps(table.table(names, relative=True)))
    assert fresh == [r for r in stored["relative_rows"] if r["image"] in names]
    comp = table.compare(table.summary(stored["rows"]), table.summary(stored["relative_rows"]))
    assert comp == stored["relative_vs_absolute"]
    for c in comp:
        assert c["contrast_ratio_max_relative"] <= float(Fraction(c["E_rel"])) * (1 + 1e-9)
        assert c["flat_mean_relative"] < 1e-12 and c["mean_relative"] < c["mean_absolute"]
    readme = open(os.path.join(root, "README.md"), encoding="utf-8").read()
    c = {(c["window"], c["depth"]): c for c in comp}[("3x3", 2)]
    for text in (f"{c['mean_relative']:.6f}", c["E_rel"], f"{c['mean_absolute']:.6f}"):
        assert text in readme, text
