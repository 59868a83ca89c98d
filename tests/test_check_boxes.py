"""verify/check_boxes.py: the input-box search's record (below 7 inputs) re-verified, tampering named."""

import json
import re
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from maxcert.verify.check_boxes import _box_max, _Net, crown

MODELS = Path(__file__).resolve().parents[1] / "benchmarks" / "models"


def _graph(seed=3, d=3, widths=(5, 5)):
    from test_phase_bab import _graph  # dyadic random networks, as the phase search's tests use

    return _graph(seed, d, widths)


@pytest.fixture(scope="module")
def boxes_cert():
    """A d = 3 network's exact error by the input-box search (the default below 7 inputs), recorded."""
    from maxcert.verify.certificates import certificate_file
    from maxcert.verify.certify import worst_case_error

    G = _graph()
    cert = worst_case_error(G, strategy="bab", jobs=1, record=True)
    assert cert.status == "COMPUTED"
    return G, json.loads(json.dumps(certificate_file(cert, G)))


def _check(G, cert):
    from maxcert.verify import checker

    return checker.check_certificate(json.loads(json.dumps(cert)), G)


def _max(A, M, c, C, lo, hi, i):
    top = _box_max(np.array(A, dtype=object), M, np.array(c, dtype=object), C, lo, hi, i)
    return None if top is None else [Fraction(int(v), top[1]) for v in top[0]]


def test_box_max_by_hand():
    A = [[1, -2], [-1, 0]]
    unit = [Fraction(0)] * 2, [Fraction(1)] * 2
    # x1 <= x0 on [0,1]^2: x0 - 2 x1 is largest at (1, 0): 1; -x0 at x0 = 0 (then x1 = 0): 0
    assert _max(A, 1, [0, 0], 1, *unit, 0) == [1, 0]
    # x0 <= x1: x0 - 2 x1 <= -x1 <= 0, at the origin; -x0 at x0 = 0: 0; then the constants 1/3, 5
    assert _max(A, 2, [1, 15], 3, *unit, 1) == [Fraction(1, 3), 5]
    # halved coefficients (M = 2) on x1 <= x0: (x0 - 2 x1) / 2 at (1, 0) is 1/2
    assert _max(A, 2, [0, 0], 1, *unit, 0) == [Fraction(1, 2), 0]
    # a box that misses the piece: x1 >= 1/2 > x0 cannot have x0 largest
    assert _max(A, 1, [0, 0], 1, [Fraction(0), Fraction(1, 2)], [Fraction(1, 4), Fraction(1)], 0) is None


def test_crown_bounds_every_point_of_random_boxes():
    """The exact linear bound is >= the objective at every sampled point of the box with x_i largest
    (the checker's own forward pass), and a box its bound calls empty holds no such point."""
    from maxcert.verify.certificates import strict_layers
    from maxcert.verify.checker import _strict, forward

    rng = np.random.default_rng(0)
    for seed in range(4):
        G = _graph(seed, 3, (5, 4))
        net = _Net(*_strict(G, strict_layers(G)))
        for _ in range(6):
            lo = [Fraction(int(v), 8) for v in rng.integers(0, 6, 3)]
            hi = [v + Fraction(int(w), 8) for v, w in zip(lo, rng.integers(1, 4, 3))]
            i, s = int(rng.integers(3)), int(rng.choice([-1, 1]))
            ub, _ = crown(net, (lo, hi), i, s, {})
            pts = [[a + (b - a) * Fraction(int(t), 16) for a, b, t in zip(lo, hi, rng.integers(0, 17, 3))]
                   for _ in range(40)]
            pts = [x for x in pts if max(x) == x[i]]
            if ub is None:
                assert not pts
            for x in pts:
                assert s * (forward(G, x) - x[i]) <= ub


def test_input_box_record_is_valid(boxes_cert):
    G, cert = boxes_cert
    pieces = cert["proof"]["bab"]["pieces"]
    assert len(pieces) == 6 and all("boxes" in p for p in pieces)  # 3 inputs x 2 signs, one tree each
    text = _check(G, cert)[-1]
    assert "6 pieces (6 subtrees) cover the domain" in text
    n_leaves = sum(t in "LEDZ" for p in pieces for t in p["boxes"].split())
    m = re.search(r"(\d+) linear-bound and (\d+) empty-box leaves checked exactly, (\d+) leaves z3 unsat", text)
    # each recorded leaf closed once, or halved by the checker into several (those the search closed by
    # an LP or z3 over bounds it tightened further, which the checker's own bounds do not reach)
    assert m and int(m[1]) > 0 and sum(int(v) for v in m.groups()) >= n_leaves


def test_tampered_trees_are_named(boxes_cert):
    from maxcert.verify.checker import Invalid, Unreadable

    G, cert = boxes_cert

    def rejected(change, match, error=Invalid):
        c = json.loads(json.dumps(cert))
        change(c["proof"]["bab"]["pieces"])
        with pytest.raises(error, match=match):
            _check(G, c)

    def tokens(p, f):
        p["boxes"] = " ".join(f(p["boxes"].split()))

    rejected(lambda ps: tokens(ps[0], lambda t: t[:-1]), "subtrees missing: a gap")  # a leaf dropped
    rejected(lambda ps: tokens(ps[0], lambda t: t + ["L"]), "after the tree is complete")
    rejected(lambda ps: tokens(ps[0], lambda t: ["x3"] + t), "no split or leaf", Unreadable)  # d = 3: no input 3
    rejected(lambda ps: tokens(ps[0], lambda t: ["r0.9", "L"] + t), "no free ReLU")  # layer 0 has 5 neurons
    rejected(lambda ps: tokens(ps[0], lambda t: ["r0.1", "r0.1"] + t + ["L"]), "no free ReLU")  # fixed twice
    rejected(lambda ps: ps.pop(), "do not cover the domain")
    rejected(lambda ps: ps.append(dict(ps[0])), "every phase combination once")  # the same piece twice
    rejected(lambda ps: ps[0].update(i=None), "only record")
    rejected(lambda ps: tokens(ps[0], lambda t: ["x\u0662"] + t), "no split or leaf", Unreadable)  # an Arabic-Indic 2


def test_a_bound_below_the_error_fails_at_a_leaf_by_the_checkers_own_query(boxes_cert, monkeypatch):
    """A CERTIFIED record re-checked against a lower eps: its linear bounds do not close some leaf,
    and that leaf's exact query (written by the checker) is sat."""
    from maxcert.verify.certificates import certificate_file
    from maxcert.verify.certify import certify
    from maxcert.verify.checker import Invalid

    G, computed = boxes_cert
    value = Fraction(computed["verdict"]["value"])
    cert = certify(G, value, strategy="bab", jobs=1, record=True)
    assert cert.status == "CERTIFIED" and all("boxes" in p for p in cert.bab_proof)
    rec = json.loads(json.dumps(certificate_file(cert, G, value)))
    assert "cover the domain" in _check(G, rec)[-1]
    rec["property"]["eps"] = str(value - Fraction(1, 100))
    from maxcert.verify import check_boxes

    monkeypatch.setattr(check_boxes, "REFINE", 4)  # fewer halvings before the queries: the same verdict, sooner
    with pytest.raises(Invalid, match=r"leaf \d+: z3 finds a counterexample"):
        _check(G, rec)


def test_a_false_claim_on_an_unsplit_tree_is_decided_by_one_query(boxes_cert, monkeypatch):
    """A leaf far from closing is halved REFINE times at most; past OPEN_MOST boxes still open, one
    query on the whole leaf decides it (a false claim, most likely: its query is sat). Here 6 and 4
    instead of 12 and 64: the same path, in a second."""
    from maxcert.verify import check_boxes
    from maxcert.verify.checker import Invalid

    monkeypatch.setattr(check_boxes, "REFINE", 6)
    monkeypatch.setattr(check_boxes, "OPEN_MOST", 4)

    G, cert = boxes_cert
    c = json.loads(json.dumps(cert))
    c["verdict"].update(status="CERTIFIED", witness=None)
    c["property"]["eps"] = "0"  # error 0 everywhere: false for this network, whose error is positive
    c["proof"]["bab"]["pieces"][0]["boxes"] = "L"
    with pytest.raises(Invalid, match=r"leaf 0: z3 finds a counterexample"):
        _check(G, c)


def test_a_coarser_tree_is_still_checked_soundly(boxes_cert):
    """Leaves the checker's bounds cannot close go to its exact queries: a whole piece recorded as one
    leaf (no splits) is still VALID, each query unsat (the value is the true maximum)."""
    G, cert = boxes_cert
    c = json.loads(json.dumps(cert))
    for p in c["proof"]["bab"]["pieces"]:
        p["boxes"] = "L"
    text = _check(G, c)[-1]
    assert re.search(r"exactly, [1-9]\d* leaves z3 unsat$", text), text


@pytest.mark.slow  # about 5 s: a trained model's search and its check, through the CLI
def test_benchmark_model_without_checkable_is_recorded_and_rechecked(tmp_path, run_cli):
    """max_d4_16 (d = 4): `maxcert error --certificate` records the input-box search; `check` re-proves it."""
    model = MODELS / "max_d4_16.onnx"
    out = tmp_path / "cert.json"
    code, text, _ = run_cli("error", model, "--certificate", out)
    assert code == 0 and "holds no branch-and-bound record" not in text
    cert = json.loads(out.read_text())
    assert all("boxes" in p for p in cert["proof"]["bab"]["pieces"])
    code, text, _ = run_cli("check", out, "--model", model)
    assert code == 0 and "8 pieces (8 subtrees) cover the domain" in text and "linear-bound" in text


def _check_pieces(boxes_cert):
    """``check(jobs)``: the record's pieces through check_pieces, their counts; and the counts in one process."""
    from maxcert.verify import check_boxes
    from maxcert.verify.certificates import strict_layers
    from maxcert.verify.checker import _strict

    G, cert = boxes_cert
    W, b = _strict(G, strict_layers(G))
    pieces = [(p["i"], p["s"], p) for p in cert["proof"]["bab"]["pieces"]]
    bound, unit = Fraction(cert["verdict"]["value"]), (Fraction(0), Fraction(1))

    def check(jobs):
        counts = {"linear": 0, "empty": 0, "bounds": 0, "z3": []}
        check_boxes.check_pieces(W, b, pieces, unit, bound, counts, jobs=jobs)
        return counts
    return check, check(1)


@pytest.mark.slow  # about 5 s: processes started by spawn
def test_pieces_in_processes_count_as_in_one(boxes_cert, monkeypatch):
    """A large tree's pieces go to one process each: the same leaves closed the same way."""
    from maxcert.verify import check_boxes

    check, one = _check_pieces(boxes_cert)
    monkeypatch.setattr(check_boxes, "PARALLEL", 0)
    assert one == check(jobs=2) and one["linear"] > 0


def test_broken_processes_fall_back_to_this_one(boxes_cert, monkeypatch):
    """Processes that die (a script without a __main__ guard re-runs itself under spawn) leave the
    work to this process: the same counts, no traceback."""
    import concurrent.futures
    from concurrent.futures.process import BrokenProcessPool

    from maxcert.verify import check_boxes

    class Broken:
        def __init__(self, *args, **kw):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def map(self, *args):
            raise BrokenProcessPool("a child died")

    check, one = _check_pieces(boxes_cert)
    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", Broken)
    monkeypatch.setattr(check_boxes, "PARALLEL", 0)
    assert check(jobs=2) == one


def test_tree_tokens_preorder():
    from maxcert.verify.bab import tree_tokens

    tree = {"split": ("input", 1, 0), 0: {"leaf": "L"},
            1: {"split": ("relu", 0, 2), 0: {"leaf": "E"}, 1: {"leaf": "D"}}}
    assert tree_tokens(tree) == "x1 L r0.2 E D"


def test_check_boxes_imports():
    import ast

    src = (Path(__file__).resolve().parents[1] / "verify" / "check_boxes.py").read_text()
    names = set()
    for node in ast.walk(ast.parse(src)):
        if isinstance(node, ast.ImportFrom):
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
    assert names == {"__future__", "os", "fractions", "math", "numpy", "maxcert.verify.checker", "multiprocessing",
                     "concurrent.futures", "concurrent.futures.process"}, names
