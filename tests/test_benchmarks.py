"""The benchmark's own pieces: the MILP baseline and the repeated timing of short queries."""

import doctest
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from maxcert.graphs import load_model
from maxcert.graphs.evaluate import from_layers
from maxcert.verify.certify import worst_case_error

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCH))
import milp_baseline  # noqa: E402  (benchmarks/ is on the path only now)
import run as bench_run  # noqa: E402


def test_milp_baseline_doctests():
    assert doctest.testmod(milp_baseline).failed == 0


def test_milp_hand_computed():
    # N(x) = x0 + x1 (no hidden ReLU is unstable): N - max = min(x0, x1) <= 1 at (1, 1), and
    # max - N = -min <= 0 at the origin, so the worst error is 1
    G = from_layers([[[1, 0], [0, 1]], [[1, 1]]], [[0, 0], [0]])
    r = milp_baseline.milp_error(G, 10.0)
    assert r["status"] == "optimal" and r["value"] == pytest.approx(1.0, abs=1e-9), r


@pytest.mark.parametrize("seed", range(4))
def test_milp_agrees_with_maxcert_on_random_nets(seed):
    # an independent method: HiGHS's MILP over the big-M encoding vs maxcert's exact search
    rng = np.random.default_rng(seed)
    d, w = 2 + seed % 2, 4
    W1 = [[Fraction(int(v), 4) for v in rng.integers(-4, 5, size=d)] for _ in range(w)]
    W2 = [[Fraction(int(v), 4) for v in rng.integers(-4, 5, size=w)]]
    G = from_layers([W1, W2], [[Fraction(int(v), 8) for v in rng.integers(-4, 5, size=w)], [Fraction(0)]])
    exact = worst_case_error(G, timeout=60)
    assert exact.status == "COMPUTED"
    r = milp_baseline.milp_error(G, 30.0)
    assert r["status"] == "optimal"
    assert r["value"] == pytest.approx(float(exact.max_error), abs=1e-7)


def test_milp_agrees_on_committed_model():
    G = load_model(str(BENCH / "models" / "max_d4_16.onnx"))
    exact = worst_case_error(G, timeout=60)
    r = milp_baseline.milp_error(G, 60.0)
    assert exact.status == "COMPUTED" and r["status"] == "optimal"
    assert r["value"] == pytest.approx(float(exact.max_error), abs=1e-7)


def test_milp_after_another_highs_run_in_the_process():
    """HiGHS fixes its thread count at the first run in a process; a MILP after other HiGHS work
    (here an LP) must still solve, not fail at once and read as a time limit."""
    from maxcert.verify.bab import _highs

    _highs().run()
    G = from_layers([[[1, 0], [0, 1]], [[1, 1]]], [[0, 0], [0]])
    r = milp_baseline.milp_error(G, 10.0)
    assert r["status"] == "optimal" and r["value"] == pytest.approx(1.0, abs=1e-9), r


def test_timed_repeats_short_runs_and_takes_the_median():
    times = iter([0.5, 0.1, 0.9])
    calls = []

    def run():
        calls.append(1)
        return "CERTIFIED", next(times)

    assert bench_run._timed(run) == ("CERTIFIED", 0.5)  # median of 0.5, 0.1, 0.9
    assert len(calls) == bench_run.REPEATS


def test_timed_keeps_a_long_run_and_reports_disagreement():
    assert bench_run._timed(lambda: ("UNKNOWN", 2.0)) == ("UNKNOWN", 2.0)  # not repeated
    verdicts = iter(["CERTIFIED", "UNKNOWN", "CERTIFIED"])
    status, t = bench_run._timed(lambda: (next(verdicts), 0.1))
    assert status == "UNKNOWN (runs disagree: CERTIFIED, UNKNOWN)" and t == 0.1


@pytest.mark.slow  # three maxcert commands in subprocesses (about 10 s)
def test_certificates_zoo_rewrite_row_and_table(tmp_path):
    # one real zoo model through benchmarks/certificates.py: rewrite, with --certificate, and the check
    import certificates

    row = certificates.measure_rewrite("shufflenet", 120, tmp_path)
    assert row["check"] == "VALID" and row["bytes"] > 0 and "windows equal" in row["what"]
    table = certificates.zoo_table([row])
    assert "| shufflenet |" in table and "| VALID |" in table
