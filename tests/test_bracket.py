"""A proved bracket on timeout: lower <= sup |N - max| <= upper, both exact, always containing the value.

The exact values come from the committed benchmark table (benchmarks/RESULTS.md, computed by
`python benchmarks/run.py` with no time limit hit) and are re-derived here where cheap."""

from fractions import Fraction
from pathlib import Path

import pytest

from maxcert.graphs import load_model
from maxcert.verify.bab import Net, Piece
from maxcert.verify.certify import certify, worst_case_error
from maxcert.verify.domains import UNIT

MODELS = Path(__file__).resolve().parents[1] / "benchmarks" / "models"
SLOW = pytest.mark.slow  # in CI's slow step


# the 1e-3 limits (a bracket from the first bounds alone) in CI's slow step
CASES = [pytest.param(m, t, marks=[SLOW] if t < 0.01 else []) for m in ("max_d9_16", "max_d4_16x16", "max_d4_32")
         for t in (1e-3, 0.1)]


@pytest.mark.parametrize("name,timeout", CASES + [pytest.param("max_d9_32", 1.0, marks=SLOW),
                                                  pytest.param("max_d4_32x32x32", 1.0, marks=SLOW)])
def test_timeout_gives_a_bracket_containing_the_value(name, timeout):
    G = load_model(MODELS / f"{name}.onnx")
    full = worst_case_error(G, "unit", jobs=1)  # no limit: the exact value
    assert full.status == "COMPUTED"
    c = worst_case_error(G, "unit", timeout=timeout, jobs=1)
    if c.status == "COMPUTED":  # a fast machine finished within the limit: then it is the value
        assert c.max_error == full.max_error and timeout >= 0.1
        return
    assert c.status == "UNKNOWN"
    assert isinstance(c.lower_bound, Fraction) and isinstance(c.upper_bound, Fraction)
    assert c.lower_bound <= full.max_error <= c.upper_bound
    assert "proved bracket" in c.reason


def test_certify_timeout_carries_the_bracket():
    G = load_model(MODELS / "max_d9_32.onnx")
    c = certify(G, Fraction(1, 2), "unit", timeout=0.3, jobs=1)
    # the exact error is about 0.4463 < 1/2: CERTIFIED when the search finishes or the open
    # nodes' bounds already are below 1/2, else UNKNOWN with a bracket containing it
    if c.status == "UNKNOWN":
        assert c.upper_bound is not None and c.lower_bound <= Fraction(4462887, 10 ** 7) + 1 <= c.upper_bound + 1
    else:
        assert c.status == "CERTIFIED" and c.upper_bound <= Fraction(1, 2)


def test_interval_bound_is_sound_by_hand():
    # N(x) = relu(x0 - x1) on [0,1]^2: N in [0, 1]; piece s = +1: N - t <= 1 - 0; s = -1: t - N <= 1 - 0
    from maxcert.graphs.evaluate import from_layers

    G = from_layers([[[1, -1]], [[1]]], [[0], [0]])
    assert Piece(Net(G), UNIT, None, 1).interval_bound() == 1
    assert Piece(Net(G), UNIT, 0, -1).interval_bound() == 1


# -- time-sharing: the tasks of one process share its time (phase_bab.search_group) --------------

def _pieces16():
    from maxcert.verify.bab import _pieces

    net = Net(load_model(MODELS / "max_d9_16.onnx"))
    return net, _pieces(net, "dual")[:4]  # the whole box and three negative pieces: the group's paths, in ~1 s


@pytest.mark.slow  # in CI's slow step
def test_group_without_limit_equals_the_separate_searches():
    # the same exact sup as the pieces searched alone (an independent run of each); a threshold
    # raised by one piece is handed on, so a piece ends at least where it ends alone (its own sup)
    # and at most at the largest, which one of them reaches
    from maxcert.verify.phase_bab import search_group, search_phases

    net, pieces = _pieces16()
    alone = [search_phases(net, UNIT, i, s, Fraction(0), False) for i, s in pieces]
    assert all(r.status == "closed" for r in alone)
    top = max(r.T for r in alone)
    grouped = search_group(net, UNIT, [(i, s, Fraction(0), ()) for i, s in pieces], False)
    assert [r.status for r in grouped] == ["closed"] * len(pieces)
    assert all(a.T <= g.T <= top for a, g in zip(alone, grouped))
    assert max(r.T for r in grouped) == top
    assert max((r.best for r in grouped if r.best is not None)) == top


def test_group_under_a_limit_bounds_every_task():
    # one process, a budget of 8 turns (counted in work, not seconds, so a loaded machine changes
    # nothing) for four pieces of max_d9_16, far fewer than the whole box needs alone: each piece
    # gets turns, so none is left with only its interval bound, and each bracket is proved
    from maxcert.verify.phase_bab import search_group, search_phases

    net, pieces = _pieces16()
    sups = [search_phases(net, UNIT, i, s, Fraction(0), False).T for i, s in pieces]  # each piece's exact sup
    rs = search_group(net, UNIT, [(i, s, Fraction(0), ()) for i, s in pieces], False, max_turns=8)
    assert all(r.upper is not None for r in rs)
    # shared, not in turn: the first piece (the whole box, the largest search) did not take it all
    assert sum(r.stats.nodes > 0 for r in rs) >= 2
    # each piece's bracket holds its exact sup; a lower end is an exact error of some piece
    assert all(r.upper >= sup for r, sup in zip(rs, sups))
    assert all(r.T <= max(sups) for r in rs)


def test_group_stops_the_others_on_a_witness():
    # certify mode, threshold 0 on the whole-box piece: the first point above it ends the group
    from maxcert.verify.phase_bab import search_group

    net, pieces = _pieces16()
    rs = search_group(net, UNIT, [(i, s, Fraction(0), ()) for i, s in pieces], True)
    assert "witness" in [r.status for r in rs]
    w = next(r for r in rs if r.status == "witness")
    assert w.best > 0 and w.witness is not None
    assert sum(r.status == "unknown" for r in rs) >= 1  # stopped rather than searched to the end


@SLOW
def test_shared_time_keeps_the_bracket_under_a_limit():
    # worst_case_error under a limit goes through the groups (one per process, mostly root work
    # in 1 s); its bracket contains the value computed without a limit
    G = load_model(MODELS / "max_d9_32.onnx")
    c = worst_case_error(G, "unit", timeout=1.0, jobs=2)
    exact = Fraction(4462887106882058, 10 ** 16)  # benchmarks/RESULTS.md: 0.446289 (max_d9_32)
    if c.status == "COMPUTED":
        assert abs(c.max_error - exact) < Fraction(1, 10 ** 12)
    else:
        assert c.lower_bound <= exact + Fraction(1, 10 ** 12) and exact - Fraction(1, 10 ** 12) <= c.upper_bound


class _Recorder:
    """A stand-in for maxcert.progress.Progress that keeps what the live line would show."""

    def __init__(self):
        self.counts, self.texts, self.ticker = [], [], []

    def __call__(self, done, total=None):
        self.counts.append((done, total))

    def status(self, text):
        import threading

        self.texts.append(text)
        if threading.current_thread() is not threading.main_thread():
            self.ticker.append(text)


@pytest.mark.slow  # about 6 s: two processes searching while the line ticks
def test_live_line_ticks_while_processes_search_and_ends_with_the_bracket():
    # max_d9_32x32 is undecided in 2 s: while the two processes search, the line's elapsed time
    # is redrawn every second; when they end it shows all 10 pieces and the proved bracket
    G = load_model(MODELS / "max_d9_32x32.onnx")
    from maxcert.verify.certificates import outward

    rec = _Recorder()
    c = worst_case_error(G, "unit", timeout=2.0, jobs=2, progress=rec)
    assert c.status == "UNKNOWN" and c.upper_bound is not None
    assert any(t.startswith("bracket [") and "s left" in t for t in rec.ticker)  # redrawn by the ticker thread
    assert rec.counts[-1] == (10, 10)
    # both ends rounded outward: the line never shows a bracket narrower than the proved one
    assert rec.texts[-1].startswith(f"bracket [{outward(c.lower_bound, False)}, {outward(c.upper_bound, True)}]")
