"""Certification: every status, domain and error path; exact witnesses; SMT-LIB2 re-runs."""

import json
import os
import random
import shutil
import subprocess
import sys
from fractions import Fraction

import pytest

from maxcert.graphs import approximator, save_model, tree_network
from maxcert.graphs.schema import add_neuron, new_network
from maxcert.symbolic.families import FAMILY_NAMES, family_min_d, family_R
from maxcert.symbolic.optimal import optimal_approximation
from maxcert.verify.certify import CertifyError, certify, exact_error, worst_case_error
from maxcert.verify.domains import DomainError, parse_domain


@pytest.mark.parametrize("gadget", ["relu3", "relu4"])
@pytest.mark.parametrize("d", range(1, 33))
def test_tree_certified_exact_over_reals(d, gadget):
    c = certify(tree_network(d, gadget), eps=0, domain="reals")
    assert c.status == "CERTIFIED", c.reason


def _perturbed(d, gadget, rng):
    G = tree_network(d, gadget)
    params = [("edge", e) for e in G.edges] + [("bias", n) for n, a in G.nodes(data=True) if a["kind"] == "neuron"]
    kind, where = rng.choice(params)
    delta = Fraction(rng.choice([1, -1]), 10**6)
    if kind == "edge":
        G.edges[where]["weight"] += delta
    else:
        G.nodes[where]["bias"] += delta
    return G, (kind, where)


def test_tree_with_one_parameter_changed_is_refuted():
    """Change one weight or bias by 1e-6: REFUTED with an exact witness whenever it changes the function.

    A few parameters are dead: e.g. in relu3, the weight of relu(x3) inside relu(-max(x2, x3)) only
    matters where x3 > 0, and there max(x2, x3) > 0 keeps that ReLU off. Those stay exactly max, and
    CERTIFIED is right; an independent float check on a grid with ties (where a 1e-6 change would show
    as an error of about 1e-6) confirms each such verdict.
    """
    import itertools

    import numpy as np

    from maxcert.graphs import evaluate

    refuted = certified = 0
    for seed in range(60):
        rng = random.Random(seed)
        d = rng.randint(2, 6)
        G, changed = _perturbed(d, rng.choice(["relu3", "relu4"]), rng)
        c = certify(G, eps=0, domain="reals")
        if c.status == "REFUTED":
            # the witness is re-evaluated exactly here, independently of the certifier
            assert exact_error(G, c.witness) == c.error_at_witness > 0
            refuted += 1
        else:
            assert c.status == "CERTIFIED", (changed, c.reason)
            grid = np.array(list(itertools.product([-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0], repeat=d)))
            assert np.abs(evaluate(G, grid)[:, 0] - grid.max(axis=1)).max() < 1e-9, changed
            certified += 1
    assert refuted >= 45, (refuted, certified)   # most parameters are live


def test_live_parameter_always_refuted():
    # the output's bias shifts N everywhere: error exactly 1e-6 at every point
    G = tree_network(7, "relu4")
    G.nodes["max"]["bias"] += Fraction(1, 10**6)
    c = certify(G, 0, "reals")
    assert c.status == "REFUTED" and c.error_at_witness == Fraction(1, 10**6)


def _family_cases(max_d):
    for d in range(2, max_d + 1):
        for name in FAMILY_NAMES:
            if d >= family_min_d(name):
                yield d, name


# the published closed forms (docs/how-it-works.md, "The approximators, exactly")
CLOSED = {"const": lambda d: Fraction(1, 2), "mean": lambda d: Fraction(d - 1, 2 * d),
          "small": lambda d: Fraction(1, 2 * (d + 1)), "medium": lambda d: Fraction(1, d * d),
          "big": lambda d: Fraction(1, 2**d)}


def _check_family(d, name):
    opt = optimal_approximation(d, family_R(name, d))
    assert opt.error == CLOSED[name](d)
    G = approximator(d, opt.betas)
    c = certify(G, eps=opt.error)
    assert c.status == "CERTIFIED", c.reason
    below = opt.error * (1 - Fraction(1, 10**9))
    r = certify(G, eps=below)
    assert r.status == "REFUTED" and exact_error(G, r.witness) == r.error_at_witness > below
    w = worst_case_error(G)
    assert w.status == "COMPUTED" and w.max_error == opt.error == exact_error(G, w.witness)


@pytest.mark.parametrize("d,name", list(_family_cases(8)))
def test_family_certified_at_optimum_refuted_below(d, name):
    # (8, "big") has 330 ReLUs: its invariance proof runs on all cores (about 50 s on two)
    _check_family(d, name)


@pytest.mark.parametrize("seed", range(8))
def test_random_index_set_certified_at_optimum(seed):
    rng = random.Random(100 + seed)
    d = rng.randint(3, 6)
    R = sorted({0, *rng.sample(range(1, d), rng.randint(1, d - 1))}) if seed % 2 else \
        sorted(rng.sample(range(1, d), rng.randint(1, d - 1)))  # odd seeds keep the constant, even drop it
    opt = optimal_approximation(d, R)
    G = approximator(d, opt.betas, rng.choice(["relu3", "relu4"]))
    assert certify(G, eps=opt.error).status == "CERTIFIED"
    assert certify(G, eps=opt.error - Fraction(1, 10**9)).status == "REFUTED"
    assert worst_case_error(G).max_error == opt.error


@pytest.mark.slow  # every strategy on one network; in CI's slow step
def test_strategies_agree_on_exact_error():
    opt = optimal_approximation(5, family_R("medium", 5))
    G = approximator(5, opt.betas, "relu4")
    for strategy in ("plain", "symmetric", "auto"):
        w = worst_case_error(G, strategy=strategy)
        assert w.max_error == Fraction(1, 25), strategy
    assert worst_case_error(G, strategy="symmetric").method == "symmetric-cone"
    assert worst_case_error(G, strategy="plain").method == "plain"


def test_asymmetric_network_not_treated_as_symmetric():
    # N(x) = x0: not symmetric; error vs max on [0,1]^2 is 1 at (0, 1)
    G = new_network(2)
    add_neuron(G, "y", {"x0": 1}, activation="linear")
    G.graph["outputs"] = ["y"]
    w = worst_case_error(G, strategy="symmetric")
    assert w.method == "plain" and "not proved" in w.reason
    assert w.max_error == 1 and w.witness == [0, 1]


def test_unbounded_error_on_reals():
    # the mean of two inputs misses max by |x0 - x1| / 2: unbounded on R^2, 1/2 on [0,1]^2
    G = approximator(2, {1: 1})
    assert worst_case_error(G, "reals").max_error == "unbounded"
    assert worst_case_error(G, "unit").max_error == Fraction(1, 2)
    assert worst_case_error(G, "box:-2,3").max_error == Fraction(5, 2)


def test_box_domain_error():
    # constant 1/2 approximator on box [-1, 1/2]: error max(|1/2 - (-1)|, |1/2 - 1/2|) = 3/2
    G = approximator(3, {0: Fraction(1, 2)})
    w = worst_case_error(G, "box:-1,1/2")
    assert w.max_error == Fraction(3, 2)
    assert certify(G, Fraction(3, 2), "box:-1,1/2").status == "CERTIFIED"
    assert certify(G, Fraction(149, 100), "box:-1,1/2").status == "REFUTED"


def test_domain_parsing_errors():
    with pytest.raises(DomainError, match="empty"):
        parse_domain("box:1,0")
    with pytest.raises(DomainError, match="unknown domain"):
        parse_domain("sphere")
    with pytest.raises(DomainError, match="rational"):
        parse_domain("box:a,b")


def test_two_outputs_and_wrong_input_count():
    G = new_network(2)
    add_neuron(G, "a", {"x0": 1}, activation="linear")
    add_neuron(G, "b", {"x1": 1}, activation="linear")
    G.graph["outputs"] = ["a", "b"]
    with pytest.raises(CertifyError, match="2 outputs"):
        certify(G)
    with pytest.raises(CertifyError, match="network has 3 inputs, expected 4"):
        certify(tree_network(3), d=4)


def test_timeout_gives_unknown_never_certified():
    opt = optimal_approximation(8, family_R("big", 8))
    G = approximator(8, opt.betas)
    c = certify(G, eps=opt.error, timeout=0.5, strategy="plain")
    assert c.status == "UNKNOWN"
    w = worst_case_error(G, timeout=0.5, strategy="plain")
    assert w.status == "UNKNOWN" and w.lower_bound <= opt.error


def _z3_binary():
    exe = os.path.join(os.path.dirname(sys.executable), "z3")
    return exe if os.path.exists(exe) else shutil.which("z3")


@pytest.mark.parametrize("case", ["tree", "broken", "approx"])
def test_smt2_rerun_by_fresh_z3_same_verdict(tmp_path, case):
    if case == "tree":
        G, eps, dom, want = tree_network(6, "relu4"), 0, "reals", "unsat"
    elif case == "broken":
        G, eps, dom, want = _perturbed(5, "relu3", random.Random(3))[0], 0, "reals", "sat"
    else:
        opt = optimal_approximation(5, family_R("small", 5))
        G, eps, dom, want = approximator(5, opt.betas), opt.error, "unit", "unsat"
    c = certify(G, eps, dom, smt2=str(tmp_path / "q.smt2"))
    assert c.status == {"unsat": "CERTIFIED", "sat": "REFUTED"}[want]
    exe = _z3_binary()
    if exe:
        out = subprocess.run([exe, str(tmp_path / "q.smt2")], capture_output=True, text=True, timeout=300).stdout
    else:  # a fresh Python process with z3's own parser
        code = f"import z3; s = z3.Solver(); s.from_file({str(tmp_path / 'q.smt2')!r}); print(s.check())"
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300).stdout
    assert out.strip().splitlines()[0] == want


def test_cli_certify_error_json(tmp_path, run_cli):
    opt = optimal_approximation(4, family_R("small", 4))
    save_model(approximator(4, opt.betas), tmp_path / "a.json")
    code, out, _ = run_cli("certify", tmp_path / "a.json", "--eps", "1/10", "--json", tmp_path / "c.json")
    assert code == 0 and out.startswith("CERTIFIED")
    j = json.loads((tmp_path / "c.json").read_text())
    assert j["status"] == "CERTIFIED" and j["eps"] == "1/10" and j["domain"] == "unit"
    assert set(j) >= {"status", "eps", "max_error", "witness", "error_at_witness", "domain", "model_sha256", "solver", "time_s"}
    code, out, _ = run_cli("certify", tmp_path / "a.json", "--eps", "0.09", "--json", tmp_path / "r.json")
    j = json.loads((tmp_path / "r.json").read_text())
    assert code == 1 and j["status"] == "REFUTED" and Fraction(j["error_at_witness"]) > Fraction("0.09")
    code, out, _ = run_cli("error", tmp_path / "a.json", "--json", tmp_path / "e.json")
    j = json.loads((tmp_path / "e.json").read_text())
    assert code == 0 and j["max_error"] == "1/10" and j["error_at_witness"] == "1/10"   # 1/(2(d+1))
    big = optimal_approximation(8, family_R("big", 8))
    save_model(approximator(8, big.betas), tmp_path / "b.json")
    code, out, _ = run_cli("certify", tmp_path / "b.json", "--eps", str(big.error), "--timeout", "0.5",
                           "--strategy", "plain")
    assert code == 2 and out.startswith("UNKNOWN")


@pytest.mark.parametrize("argv,needle", [
    (["certify", "{t}", "--domain", "box:1,0"], "is empty"),
    (["certify", "{t}", "--domain", "ball"], "unknown domain"),
    (["certify", "{t}", "--eps", "x"], "not a rational"),
    (["certify", "{t}", "--eps", "-1"], "eps must be >= 0"),
    (["certify", "{t}", "--d", "4"], "network has 3 inputs, expected 4"),
    (["certify", "{two}"], "2 outputs"),
    (["error", "{t}", "--timeout", "-3"], "must be > 0"),
    (["certify", "{t}", "--strategy", "magic"], "invalid choice"),
])
def test_cli_verify_errors_exit_3(tmp_path, run_cli, argv, needle):
    save_model(tree_network(3), tmp_path / "t.json")
    G = new_network(2)
    add_neuron(G, "a", {"x0": 1}, activation="linear")
    add_neuron(G, "b", {"x1": 1}, activation="linear")
    G.graph["outputs"] = ["a", "b"]
    save_model(G, tmp_path / "two.json")
    argv = [a.format(t=tmp_path / "t.json", two=tmp_path / "two.json") for a in argv]
    code, _, err = run_cli(*argv)
    assert code == 3 and needle in err and len(err.strip().splitlines()) == 1


def test_local_ascent_improves_on_sampling():
    # a tree whose output bias is off by 1e-6 and whose first weight is off by 1e-3: on R^d the
    # error grows with |x0|, so ascent must climb above the best random sample
    import numpy as np

    from maxcert.graphs import evaluate
    from maxcert.verify.certify import _ascend
    from maxcert.verify.domains import REALS

    G = tree_network(4)
    u, v = next(iter(G.out_edges("x0")))
    G.edges[u, v]["weight"] += Fraction(1, 1000)
    rng = np.random.default_rng(0)
    X = rng.standard_normal((64, 4))
    err = lambda Z: np.abs(evaluate(G, Z)[:, 0] - Z.max(axis=1))  # noqa: E731
    top = X[np.argsort(-err(X))[:4]]
    from maxcert.graphs.evaluate import compile_layers

    climbed = _ascend(compile_layers(G), top, REALS, rng)
    assert err(climbed).max() > 2 * err(top).max()


def test_parallel_invariance_matches_sequential(monkeypatch):
    from maxcert.verify import symmetry
    from maxcert.verify.domains import UNIT

    monkeypatch.setattr(symmetry, "PARALLEL_MIN_RELUS", 1)
    sym = tree_network(5, "relu4")
    assert symmetry.prove_invariance(sym, UNIT, jobs=2)["proved"]
    assert symmetry.prove_invariance(sym, UNIT, jobs=1)["proved"]
    # break the symmetry: x2 weighs double in one first-layer neuron
    broken = tree_network(5, "relu4")
    u, v = next(iter(broken.out_edges("x2")))
    broken.edges[u, v]["weight"] *= 2
    for jobs in (1, 2):
        r = symmetry.prove_invariance(broken, UNIT, jobs=jobs)
        assert not r["proved"] and r["reason"].endswith("sat")


def test_polish_reaches_the_optimum_of_the_linear_region():
    """On N(x) = relu(x0 - x1) with x0 largest the error is x0 - relu(x0 - x1) = x1 on the region
    x0 >= x1: its optimum over the unit box is 1, at (1, 1), whatever interior point starts."""
    import numpy as np

    from maxcert.graphs.evaluate import compile_layers, from_layers
    from maxcert.verify.certify import _polish
    from maxcert.verify.domains import UNIT

    G = from_layers([[[1, -1]], [[1]]], [[0], [0]])
    top = _polish(compile_layers(G), np.array([0.7, 0.2]), UNIT)
    assert exact_error(G, [Fraction(v) for v in top]) == 1


def test_compiled_layers_follow_an_edited_graph():
    """compile_layers keeps its result per graph, but an edited weight must never reuse it."""
    from maxcert.graphs.evaluate import compile_layers

    G = tree_network(4)
    a = compile_layers(G)
    assert compile_layers(G) is a
    u, v = next(iter(G.out_edges("x0")))
    G.edges[u, v]["weight"] += Fraction(1, 1000)
    b = compile_layers(G)
    assert b is not a and b.weights != a.weights


def test_direct_float_evaluation_matches_the_compiled_layers():
    """The symmetry hint's node-by-node evaluation and the compiled layers are two independent
    float evaluations of the same network: they agree to rounding on a skip-heavy approximator."""
    import numpy as np

    from maxcert.graphs.evaluate import evaluate, evaluate_nodes

    G = approximator(5, {0: Fraction(1, 8), 1: Fraction(1, 3), 3: Fraction(1, 2)})
    X = np.random.default_rng(0).uniform(0, 1, (40, 5))
    assert np.allclose(evaluate_nodes(G, X), evaluate(G, X), rtol=0, atol=1e-12)


def _committed_model(name):
    from pathlib import Path

    from maxcert.graphs import load_model

    return load_model(str(Path(__file__).resolve().parent.parent / "benchmarks" / "models" / f"{name}.onnx"))


def test_region_walk_finds_what_sampling_misses():
    """On the committed 9-32 model, 4096 samples and their ascent stop near 0.33 while the exact
    worst-case error (proved by worst_case_error in the benchmark) is about 0.446: its peak is a
    vertex that the walk from region to region reaches. What it returns is an exact error at its
    point, so never above the true sup."""
    import math

    from maxcert.verify.certify import sample_candidates
    from maxcert.verify.domains import UNIT

    G = _committed_model("max_d9_32")
    sampled = sample_candidates(G, UNIT)[0][0]
    walked, x = sample_candidates(G, UNIT, walk=math.inf)[0]
    assert walked == exact_error(G, x) and walked > sampled + Fraction(1, 20)
    assert sample_candidates(G, UNIT, walk=sampled - 1)[0][0] == sampled  # something already exceeds it: no walk


def test_walk_refutes_before_branch_and_bound_and_never_in_plain(monkeypatch):
    import importlib

    import maxcert.verify.bab as bab

    cmod = importlib.import_module("maxcert.verify.certify")  # the module; the package exports the function

    G = _committed_model("max_d9_32")
    monkeypatch.setattr(bab, "certify_bab", lambda *a, **k: pytest.fail("branch and bound was not needed"))
    c = certify(G, eps=Fraction(2, 5))  # sampling alone tops out near 0.33; the walk finds about 0.446
    assert c.status == "REFUTED" and c.error_at_witness == exact_error(G, c.witness) > Fraction(2, 5)
    # the plain strategy is the benchmark's baseline: the single z3 query, no sampling and no walk
    monkeypatch.setattr(cmod, "sample_candidates", lambda *a, **k: pytest.fail("the plain strategy sampled"))
    monkeypatch.setattr(cmod, "_walk", lambda *a, **k: pytest.fail("the plain strategy walked"))
    c = certify(G, eps=Fraction(2, 5), strategy="plain", timeout=1)
    assert c.status in ("REFUTED", "UNKNOWN") and c.method == "plain"
