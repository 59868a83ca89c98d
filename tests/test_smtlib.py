"""verify/smtlib.py: stored SMT-LIB2 queries re-run by z3 and by cvc5, disagreement never resolved."""

import shutil
from pathlib import Path

import pytest

from maxcert.verify import smtlib

ROOT = Path(__file__).resolve().parents[1] / "proofs"
UNSAT = "(set-logic QF_LRA)(declare-const x Real)(assert (> x 1.0))(assert (< x (/ 1.0 2.0)))(check-sat)"
SAT = "(set-logic QF_LRA)(declare-const x Real)(assert (> x 1.0))(assert (< x (ite (> x 3.0) 5.0 2.0)))(check-sat)"

cvc5 = pytest.importorskip("cvc5")


@pytest.mark.parametrize("solver", smtlib.SOLVERS)
def test_both_solvers_decide_by_hand_checked_queries(solver):
    # x > 1 and x < 1/2: empty; x > 1 and x < ite(x > 3, 5, 2): x = 3/2 works
    assert smtlib.decide(UNSAT, solver) == "unsat"
    assert smtlib.decide(SAT, solver) == "sat"


def test_a_stored_tree_query_is_unsat_in_both():
    text = (ROOT / "trees" / "tree_relu4_d5.smt2").read_text()
    assert smtlib.recheck(text, ["z3", "cvc5"]) == ({"z3": "unsat", "cvc5": "unsat"}, None)


def test_disagreement_is_reported_not_resolved(monkeypatch):
    real = smtlib.decide
    monkeypatch.setattr(smtlib, "decide", lambda t, s, timeout=None: "sat" if s == "cvc5" else real(t, s))
    answers, problem = smtlib.recheck(UNSAT, ["z3", "cvc5"])
    assert answers == {"z3": "unsat", "cvc5": "sat"} and problem == "solvers disagree: z3 says unsat, cvc5 says sat"


def test_unknown_solver_is_named():
    with pytest.raises(smtlib.SolverUnavailable, match="unknown solver 'yices'"):
        smtlib.decide(UNSAT, "yices")


@pytest.mark.slow  # a whole proofs check with cvc5 beside z3 (about 35 s): in CI's slow step
def test_proofs_check_with_cvc5_names_a_tampered_query_and_a_disagreement(tmp_path, run_cli, monkeypatch):
    d = tmp_path / "proofs"
    shutil.copytree(ROOT, d)
    code, out, _ = run_cli("proofs", "check", "--dir", d, "--quiet", "--solver", "cvc5")
    assert code == 0 and "also unsat in cvc5" in out, out
    # drop every assertion of one query (declarations only): both solvers then find a model
    q = d / "trees" / "tree_relu3_d3.smt2"
    text = q.read_text()
    q.write_text(text[:text.index("(assert")] + "(check-sat)\n")
    # and make cvc5 (only) answer sat on another: a disagreement, reported as one
    real = smtlib.decide
    other = (d / "trees" / "tree_relu4_d6.smt2").read_text()
    monkeypatch.setattr(smtlib, "decide",
                        lambda t, s, timeout=None: "sat" if s == "cvc5" and t == other else real(t, s, timeout))
    from maxcert import proofs

    problems = proofs.check_queries(d, solver="cvc5")
    assert "trees/tree_relu3_d3.smt2: no longer proved (z3 answers sat, cvc5 answers sat)" in problems, problems
    assert "trees/tree_relu4_d6.smt2: solvers disagree: z3 says unsat, cvc5 says sat" in problems, problems
