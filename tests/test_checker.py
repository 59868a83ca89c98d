"""verify/checker.py and `maxcert check`: certificates re-verified without the search, tampering named."""

import json
from fractions import Fraction

import pytest

from maxcert.graphs import approximator, save_model
from maxcert.symbolic.optimal import optimal_approximation

SMALL = optimal_approximation(5, [0, 1, 4])  # "small" at d = 5: error 1/(2(d+1)) = 1/12, on [0,1]^5


@pytest.fixture
def small(tmp_path):
    path = tmp_path / "small5.json"
    save_model(approximator(5, SMALL.betas), path)
    return path


def _cert(run_cli, tmp_path, *args):
    out = tmp_path / "cert.json"
    run_cli(*args, "--certificate", out)
    return out, json.loads(out.read_text())


def test_computed_error_is_rechecked_by_both_solvers(small, tmp_path, run_cli):
    out, cert = _cert(run_cli, tmp_path, "error", small)
    assert cert["verdict"]["value"] == "1/12" and cert["proof"]["smt2"].startswith("; unsat = ")
    for solver in ("z3", "cvc5"):
        if solver == "cvc5":
            pytest.importorskip("cvc5")
        code, text, _ = run_cli("check", out, "--model", small, "--solver", solver)
        assert code == 0 and text.startswith("VALID: COMPUTED re-verified: model hash; witness re-evaluated exactly")
        assert f"{solver} unsat" in text


def _write(path, cert):
    path.write_text(json.dumps(cert))
    return path


def test_tampering_is_named(small, tmp_path, run_cli):
    out, cert = _cert(run_cli, tmp_path, "certify", small, "--eps", "1/10")
    assert run_cli("check", out, "--model", small)[0] == 0
    # eps below the true error 1/12: the checker's own query finds a counterexample
    low = json.loads(json.dumps(cert))
    low["property"]["eps"] = "1/13"
    code, text, _ = run_cli("check", _write(tmp_path / "low.json", low), "--model", small)
    assert code == 1 and text.startswith("INVALID: |N - max| <= 1/13 on unit on the ordered cone: z3 finds")
    # a witness moved off its value
    moved = json.loads(json.dumps(cert))
    moved["verdict"]["witness"][0] = "1/3"
    code, text, _ = run_cli("check", _write(tmp_path / "moved.json", moved), "--model", small)
    assert code == 1 and text.startswith("INVALID: witness: its exact error is")
    # a changed weight: another network
    other = tmp_path / "other.json"
    betas = dict(SMALL.betas)
    betas[0] += Fraction(1, 1000)
    save_model(approximator(5, betas), other)
    code, text, _ = run_cli("check", out, "--model", other)
    assert code == 1 and "does not hash to the certificate's model_sha256" in text


def test_refutation_and_relative(small, tmp_path, run_cli):
    out, cert = _cert(run_cli, tmp_path, "certify", small, "--eps", "1/20")
    assert cert["verdict"]["status"] == "REFUTED"
    assert run_cli("check", out, "--model", small)[1].startswith("VALID: REFUTED re-verified")
    cert["property"]["eps"] = "1/2"  # the witness's error 1/12 does not refute 1/2
    code, text, _ = run_cli("check", _write(tmp_path / "r.json", cert), "--model", small)
    assert code == 1 and "does not exceed eps = 1/2" in text
    rel = tmp_path / "rel4.json"
    save_model(approximator(4, optimal_approximation(4, [1, 2], relative=True).betas), rel)
    out, cert = _cert(run_cli, tmp_path, "certify", rel, "--relative", "--eps", "1/4")
    assert cert["property"]["relative"] and cert["property"]["domain"] == "reals"
    code, text, _ = run_cli("check", out, "--model", rel)
    assert code == 0 and "(max - min) on reals" in text


def test_unreadable_is_exit_3(small, tmp_path, run_cli):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    code, _, err = run_cli("check", bad, "--model", small)
    assert code == 3 and len(err.strip().splitlines()) == 1
    code, _, err = run_cli("check", _write(tmp_path / "f.json", {"format": "other"}), "--model", small)
    assert code == 3 and "not a maxcert certificate" in err


def test_the_checker_imports_no_solver_and_no_search():
    # what verify/checker.py itself imports (the package's __init__ aside): the standard library,
    # networkx for the topological order, the graph hash and the named-solver runner, nothing else
    import ast
    from pathlib import Path

    src = (Path(__file__).resolve().parents[1] / "verify" / "checker.py").read_text()
    names = set()
    for node in ast.walk(ast.parse(src)):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            names.add(node.module)
    assert names == {"__future__", "json", "fractions", "networkx", "maxcert.verify.certificates",
                     "maxcert.verify.smtlib"}, names
    assert len(src.splitlines()) < 500


@pytest.mark.slow  # the plain query on a trained network: about 12 s
def test_branch_and_bound_verdict_rechecked_by_the_plain_query(tmp_path, run_cli):
    from pathlib import Path

    model = Path(__file__).resolve().parents[1] / "benchmarks" / "models" / "max_d4_16.onnx"
    out, cert = _cert(run_cli, tmp_path, "error", model)
    assert cert["proof"]["route"] == "bab"
    code, text, _ = run_cli("check", out, "--model", model)
    assert code == 0 and "route bab re-proved by it" in text
