"""benchmarks/families.py: generated networks, Gurobi's general-constraint formulation, the table."""

import sys
from fractions import Fraction
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import families


def test_networks_are_deterministic_and_not_the_committed_ones():
    # the committed models use seed 1000 d + sum(hidden) (train_models.py); the families start at 100000
    G1, W1, _ = families.network(4, (16, 16), 0, steps=20)
    G2, W2, _ = families.network(4, (16, 16), 0, steps=20)
    assert all((a == b).all() for a, b in zip(W1, W2))
    assert families.seed_of(4, (16, 16), 0) == 104320 and families.seed_of(9, (32, 32, 32), 9) == 109969
    assert G1.graph["name"] == "max_d4_16x16_seed0"


def test_gurobi_general_constraints_on_a_hand_computed_network():
    # N(x) = relu(x0 - x1) + relu(x1 - x0) = |x0 - x1| on [0,1]^2: N - max(x) = -min(x), worst 1 at (1, 1)
    pytest.importorskip("gurobipy")
    if families._gurobi_missing():
        pytest.skip("no Gurobi licence")
    import numpy as np

    Ws = [np.array([[1.0, -1.0], [-1.0, 1.0]]), np.array([[1.0, 1.0]])]
    bs = [np.zeros(2), np.zeros(1)]
    r = families.gurobi_genconstr(Ws, bs, 30.0, 1)
    assert r["status"] == "optimal" and abs(r["value"] - 1.0) < 1e-6


def test_markdown_counts_and_ratios():
    def row(arch, mt, gt, agree=True):
        return {"d": 4, "arch": arch, "seed": 1, "maxcert": {"status": "COMPUTED", "time_s": mt, "value": "1/4",
                                                              "lower": 0.25, "upper": 0.25},
                "gurobi": {"status": "optimal", "time_s": gt, "value": 0.25}, "highs": {"status": "optimal",
                                                                                       "time_s": 1.0}, "agree": agree}
    res = {"command": "c", "machine": "m", "timeout": 60, "threads": 2, "gurobi_missing": None,
           "rows": [row("16x16", 2.0, 1.0), row("16x16", 4.0, 1.0), row("16x16", 6.0, 3.0, agree=False)]}
    md = families.markdown(res)
    # medians 4.0 and 1.0 (ratio 4.00), worsts 6.0 and 3.0 (ratio 2.00); one of three values disagrees
    assert "| 4 | 16x16 | 3 | 3/3 | 4.00 | 6.00 | 3/3 | 1.00 | 3.00 | 4.00 | 2.00 | 3/3 | 1.00 | 1.00 | 2/3 |" in md
    assert "Disagreements with Gurobi beyond its tolerance: 1" in md
    assert Fraction(res["rows"][0]["maxcert"]["value"]) == Fraction(1, 4)


def test_profile_counts_buckets_and_table():
    import cProfile
    from fractions import Fraction as F

    import profile_families as pf

    reason = ("timeout in branch and bound; branch and bound over 8 pieces: 2573 nodes; leaves closed by exact "
              "linear bounds (1123 checked), exact weak-duality or Farkas sums (31 checked) or z3 (17 queries)")
    assert pf.counts(reason) == {"nodes": 2573, "linear": 1123, "dual": 31, "z3": 17}
    assert pf.counts("no summary") == {}
    prof = cProfile.Profile()
    prof.enable()
    sum(F(k, k + 1) for k in range(1, 3000))  # time inside fractions.py: the exact-checks bucket
    prof.disable()
    sec = pf.bucket_times(prof)
    assert max(sec, key=sec.get) == "exact checks (Fractions, exact.py)"
    row = {"d": 4, "arch": "16x16", "seed": 7, "status": "COMPUTED", "wall_s": 2.0, "busy": 0.5,
           "counts": {"nodes": 10, "linear": 3, "dual": 4, "z3": 1},
           "one_process": {"wall_s": 3.0, "seconds": {"z3": 3.0, "other": 1.0}}}
    lines = pf.table([row])
    assert lines[2] == "| 4 | 16x16 | 7 | COMPUTED | 2.0 | 50 % | 10 | 7 | 1 | 3.0 | 3.0 (75 %) | 1.0 (25 %) |"
    res = {"command": "c", "machine": "m", "timeout": 60, "threads": 2, "gurobi_missing": "none", "rows": []}
    md = families.markdown(res, {"command": "p", "timeout": 60, "rows": [row]})
    assert "most of the time in z3 (75 %) and other (25 %); cores 50 % busy" in md
