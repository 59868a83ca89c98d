"""verify/checker.py and `maxcert check`: certificates re-verified without the search, tampering named."""

import json
from fractions import Fraction

import pytest

from maxcert.graphs import approximator, save_model
from maxcert.symbolic.optimal import optimal_approximation
from maxcert.verify.search import DEFAULT

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
                     "maxcert.verify.smtlib", "maxcert.verify.check_boxes"}, names
    assert len(src.splitlines()) < 500


def test_benchmark_model_rechecked_leaf_by_leaf(tmp_path, run_cli):
    """max_d4_16: branch and bound's record (bounds, cuts, split tree, exact multipliers) re-verified."""
    from pathlib import Path

    model = Path(__file__).resolve().parents[1] / "benchmarks" / "models" / "max_d4_16.onnx"
    out, cert = _cert(run_cli, tmp_path, "error", model, "--checkable")  # d = 4: the phase search, recorded
    assert cert["proof"]["route"] == "bab" and len(cert["proof"]["bab"]["layers"]) == 1
    code, text, _ = run_cli("check", out, "--model", model)
    assert code == 0 and "branch and bound: 8 pieces" in text and "dual" in text  # 4 inputs x 2 signs


# -- branch and bound records, tampered with ---------------------------------------------------

CHECKABLE = DEFAULT.replace(record_every_d=True)  # d = 3: the phase search, so that it is recorded


def _random_net(seed=3, d=3, widths=(5, 5)):
    """A small random ReLU network with dyadic weights: its exact error needs a real search."""
    from test_phase_bab import _graph  # the same generator as the phase search's tests

    return _graph(seed, d, widths)


@pytest.fixture(scope="module")
def bab_cert():
    from maxcert.verify.certificates import certificate_file
    from maxcert.verify.certify import worst_case_error

    G = _random_net()
    cert = worst_case_error(G, strategy="bab", jobs=1, record=True, options=CHECKABLE)
    assert cert.status == "COMPUTED" and cert.bab_proof is not None
    return G, json.loads(json.dumps(certificate_file(cert, G)))


def _check(G, cert):
    from maxcert.verify import checker

    return checker.check_certificate(json.loads(json.dumps(cert)), G)


def _nodes(tree):
    """Every node of a recorded search tree, parents first."""
    out, stack = [], [tree]
    while stack:
        n = stack.pop()
        out.append(n)
        stack += [n[k] for k in ("0", "1") if k in n]
    return out


def _first(cert, test):
    return next(n for sub in cert["proof"]["bab"]["pieces"] if sub.get("tree")
                for n in _nodes(sub["tree"]) if test(n))


def test_a_bab_record_is_valid_and_every_tampering_named(bab_cert):
    from maxcert.verify.checker import Invalid

    G, cert = bab_cert
    parts = _check(G, cert)
    assert "cover the domain" in parts[-1] and "dual" in parts[-1]

    def rejected(change, match):
        c = json.loads(json.dumps(cert))
        change(c)
        with pytest.raises(Invalid, match=match):
            _check(G, c)

    def dual_leaf(c):
        return _first(c, lambda n: n.get("leaf") == "dual" and n["y"]["y"])

    # a multiplier of an inequality row made negative: weak duality no longer holds
    def negative(c):
        y = dual_leaf(c)["y"]["y"]
        row = next(r for r in y if not r.startswith("eq"))
        y[row] = -abs(y[row]) - 1
    rejected(negative, "negative multiplier")
    # every dual leaf's multipliers zeroed: what is left is the objective's box bound, above the value
    def zeroed(c):
        for sub in c["proof"]["bab"]["pieces"]:
            for node in _nodes(sub["tree"]) if sub.get("tree") else ():
                if node.get("leaf") == "dual":
                    node["y"]["y"] = {}
    rejected(zeroed, "dual bound .* exceeds")
    # a multiplier on a row the LP does not have
    rejected(lambda c: dual_leaf(c)["y"]["y"].update({"cut999": 1}), "no row of its LP")

    # a dropped leaf: a split with one child left is a gap in the tree
    def drop(c):
        split = _first(c, lambda n: "split" in n)
        del split["0"]
    rejected(drop, "lacks its child .* a gap")

    # a split on a phase its parent already fixed: the children do not cover a free phase
    def resplit(c):
        parent = _first(c, lambda n: "split" in n and "split" in n["1"])
        parent["1"]["split"] = parent["split"]
    rejected(resplit, "no free phase there")

    # a claimed pre-activation bound tighter than any proof of it
    def tighter(c):
        sub = c["proof"]["bab"]["pieces"][0]
        l, u = (Fraction(v) for v in (sub["bounds"][0][0][0], sub["bounds"][0][1][0]))
        sub["bounds"][0][1][0] = str((l + u) / 2)
    rejected(tighter, "bound of neuron 0.0: claimed")

    # a piece left out: the pieces no longer cover the domain
    rejected(lambda c: c["proof"]["bab"]["pieces"].pop(), "do not cover the domain")

    # a lower value: the leaves' exact bounds exceed it (the witness's value is checked first)
    def lower(c):
        v = Fraction(c["verdict"]["value"]) - Fraction(1, 10 ** 6)
        c["verdict"]["value"] = c["verdict"]["error_at_witness"] = str(v)
    rejected(lower, "witness: its exact error")

    # a cut made stronger than the ReLU allows
    def cut(c):
        sub = next(s for s in c["proof"]["bab"]["pieces"] if s["cuts"])
        sub["cuts"][0]["rhs"] = str(Fraction(sub["cuts"][0]["rhs"]) - 1)
    if any(s["cuts"] for s in cert["proof"]["bab"]["pieces"]):
        rejected(cut, "not valid in phase")


def test_a_certified_bound_below_the_error_fails_at_a_leaf(bab_cert):
    """The record of a CERTIFIED search at eps re-checked against a lower eps: a leaf's exact bound exceeds it."""
    from maxcert.verify.certificates import certificate_file
    from maxcert.verify.certify import certify
    from maxcert.verify.checker import Invalid

    G, computed = bab_cert
    value = Fraction(computed["verdict"]["value"])
    cert = certify(G, value, strategy="bab", jobs=1, record=True, options=CHECKABLE)
    assert cert.status == "CERTIFIED"
    rec = json.loads(json.dumps(certificate_file(cert, G, value)))
    assert "cover the domain" in _check(G, rec)[-1]
    rec["property"]["eps"] = str(value - Fraction(1, 100))
    with pytest.raises(Invalid, match="exceeds|unsat|z3 finds"):
        _check(G, rec)


@pytest.mark.slow  # the plain query on a trained network: about 12 s
def test_branch_and_bound_verdict_without_its_record_rechecked_by_the_plain_query(tmp_path, run_cli):
    from pathlib import Path

    model = Path(__file__).resolve().parents[1] / "benchmarks" / "models" / "max_d4_16.onnx"
    out = tmp_path / "cert.json"
    code, text, _ = run_cli("error", model, "--certificate", out)
    cert = json.loads(out.read_text())
    assert code == 0 and cert["proof"]["route"] == "bab" and "bab" in cert["proof"]
    del cert["proof"]["bab"]  # a record left out: the checker falls back to the plain query
    code, text, _ = run_cli("check", _write(tmp_path / "plain.json", cert), "--model", model)
    assert code == 0 and "route bab re-proved by it" in text


def test_checkable_needs_a_certificate(small, run_cli):
    code, _, err = run_cli("error", small, "--checkable")
    assert code == 3 and "--checkable" in err and "--certificate" in err


def test_a_bab_record_rechecked_in_cvc5(bab_cert):
    """The z3-closed leaves go to cvc5 as queries the checker writes: the same verdict."""
    pytest.importorskip("cvc5")
    from maxcert.verify import checker

    G, cert = bab_cert
    parts = checker.check_certificate(json.loads(json.dumps(cert)), G, solver="cvc5")
    assert "cvc5 unsat" in parts[-1]


def _crafted(s, eps="1"):
    """A hand-made bab record for N = 4 relu(x0 + x1 - 1/2) on [0,1]^2 (true error 5 at (1, 1)): one
    whole-box piece per sign, split on the one ReLU; the active leaf's multipliers (2^200 on its two
    big-M rows) cancel exactly, so in exact arithmetic its bound is 6 (a reviewer's attack: with a
    float sign the sum lost the objective to rounding and read 0)."""
    from maxcert.graphs.evaluate import from_layers
    from maxcert.verify.certificates import graph_sha256, strict_layers

    G = from_layers([[[Fraction(1), Fraction(1)]], [[Fraction(4)]]], [[Fraction(-1, 2)], [Fraction(0)]])
    M = 2 ** 200

    def sub(sign):
        off = {"K": 0, "y": {"ua0.0": 4} if sign > 0 else {}}
        return {"i": None, "s": sign, "fixed": {}, "bounds": [[["-1/2"], ["3/2"]]], "bound_proofs": [], "cuts": [],
                "tree": {"split": "0.0", "1": {"leaf": "dual", "y": {"K": 0, "y": {"ge0.0": M, "bm0.0": M}}},
                         "0": {"leaf": "dual", "y": off}}}
    cert = {"format": "maxcert-certificate", "model_sha256": graph_sha256(G),
            "property": {"domain": "unit", "eps": eps, "relative": False, "windows": None},
            "verdict": {"status": "CERTIFIED", "witness": None},
            "proof": {"route": "bab", "bab": {"layers": strict_layers(G), "pieces": [sub(s), sub(-s)]}}}
    return G, json.loads(json.dumps(cert))


def test_crafted_records_are_judged_exactly():
    from maxcert.verify.checker import Invalid, Unreadable

    G, cert = _crafted(1, eps="6")  # honest: the active leaf's exact bound is 6 (above the true 5): accepted at 6
    assert "cover the domain" in _check(G, cert)[-1]
    G, cert = _crafted(1)
    with pytest.raises(Invalid, match="dual bound 6 exceeds 1"):
        _check(G, cert)
    G, cert = _crafted(1.0)  # a float sign: refused before any sum
    with pytest.raises(Invalid, match="no input index and sign"):
        _check(G, cert)
    G, cert = _crafted(1, eps="6")
    cert["proof"]["bab"]["pieces"][0]["fixed"] = {"0.0": 1, "00.0": 0}  # one neuron named twice
    with pytest.raises(Invalid, match="named twice|every phase combination"):
        _check(G, cert)
    G, cert = _crafted(1, eps="6")
    cert["proof"]["bab"]["pieces"][0]["tree"]["0"]["y"]["K"] = 10 ** 9  # a scale that would exhaust memory
    with pytest.raises(Unreadable, match="out of range"):
        _check(G, cert)
    for bad in ("box:2,1", "box:0,1,5", "Unit"):
        G, cert = _crafted(1, eps="6")
        cert["property"]["domain"] = bad
        with pytest.raises(Unreadable, match="not unit, reals or box"):
            _check(G, cert)
