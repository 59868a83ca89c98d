"""The execution seam (maxcert.execution): the Dask backend on a 2-worker LocalCluster gives the same
answers as local processes for a sweep, a search and a rewrite; a killed worker costs time, never a
result; a failing task is named; the Pareto sweep streams and resumes without redoing finished sets."""

from __future__ import annotations

import importlib
import json
import os
import socket
import sys
import time
from dataclasses import replace
from fractions import Fraction
from itertools import product
from pathlib import Path

import pytest

from maxcert.errors import MaxcertError
from maxcert.execution import DaskSession, Executor, TaskError, map_tasks, use_cluster

T = importlib.import_module("maxcert.symbolic.tradeoff")  # (maxcert.symbolic.tradeoff is also a function)

ROOT = Path(__file__).resolve().parents[1]


def _square(x):
    return x * x


def _fails_on_3(x):
    if x == 3:
        raise ZeroDivisionError("no 3 here")
    return x


def _kill_once(task):
    """Kills the worker process it runs in the first time any task reaches it (a marker file says so)."""
    marker, d, mask = task
    if mask == 5 and not os.path.exists(marker):
        Path(marker).write_text(str(os.getpid()))
        os._exit(1)
    return T._sweep_task((d, mask))


def _no_times(obj):
    """The JSON apart from timings."""
    if isinstance(obj, dict):
        return {k: _no_times(v) for k, v in obj.items() if k != "time_s"}
    if isinstance(obj, list):
        return [_no_times(v) for v in obj]
    return obj


@pytest.fixture(scope="module")
def dask():
    pytest.importorskip("distributed")
    session = DaskSession("local:2")
    assert session.workers() == 2
    yield session
    session.close()


# ---------------------------------------------------------------- the seam itself

def test_results_in_order_on_every_backend(dask):
    want = [x * x for x in range(40)]
    assert map_tasks(_square, range(40), jobs=1) == want
    assert map_tasks(_square, list(range(40)), jobs=2, batch=3) == want
    assert map_tasks(_square, list(range(40)), cluster=dask, batch=3) == want
    with Executor(cluster=dask, batch=4) as ex:  # unordered: (index, result) pairs, all of them
        assert sorted(ex.map(_square, list(range(40)), ordered=False)) == list(enumerate(want))


@pytest.mark.parametrize("where", ["inline", "local", "dask"])
def test_a_failing_task_is_named(where, dask):
    kw = {"inline": {"jobs": 1}, "local": {"jobs": 2}, "dask": {"cluster": dask}}[where]
    with pytest.raises(TaskError, match=r"task 3 3 failed: ZeroDivisionError: no 3 here") as e:
        map_tasks(_fails_on_3, list(range(8)), batch=2, **kw)
    assert e.value.index == 3 and e.value.task == "3"


def test_cli_says_in_one_line_what_is_wrong(run_cli, monkeypatch):
    code, _, err = run_cli("tradeoff", "--d", 5, "--pareto", "--cluster", "nowhere")
    assert code == 3 and "tcp://HOST:PORT" in err and len(err.strip().splitlines()) == 1
    monkeypatch.setitem(sys.modules, "distributed", None)
    code, _, err = run_cli("tradeoff", "--d", 5, "--pareto", "--cluster", "local:2")
    assert code == 3 and err.strip() == "error: --cluster needs Dask: install maxcert[cluster] " \
                                        "(pip install 'maxcert[cluster]')"


def test_unreachable_scheduler_is_one_clear_error(run_cli, monkeypatch):
    pytest.importorskip("distributed")
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    t0 = time.perf_counter()
    with pytest.raises(MaxcertError, match=f"cannot reach the Dask scheduler at tcp://127.0.0.1:{port}"):
        DaskSession(f"tcp://127.0.0.1:{port}", timeout=1).workers()  # reached on first use
    assert time.perf_counter() - t0 < 20
    monkeypatch.setattr("maxcert.execution.CONNECT_TIMEOUT", 1.0)
    code, _, err = run_cli("tradeoff", "--d", 9, "--pareto", "--cluster", f"tcp://127.0.0.1:{port}")
    assert code == 3 and err.startswith(f"error: cannot reach the Dask scheduler at tcp://127.0.0.1:{port}")
    assert len(err.strip().splitlines()) == 1


# ---------------------------------------------------------------- a sweep

def test_sizes_match_the_reference_counter():
    from maxcert.symbolic.optimal import optimal_approximation

    for d in (5, 7):
        ref, fast = T.SizeCounter(d), T.SizeTable(d)
        for R in T.all_index_sets(d):
            betas = optimal_approximation(d, R).betas
            assert fast.size(betas) == ref.size(betas), R


@pytest.mark.slow  # in CI's slow step
def test_sweep_on_the_cluster_is_identical(dask, tmp_path, run_cli):
    local = T.pareto_sweep(8, jobs=1)
    assert T.pareto_sweep(8, jobs=2, batch=8) == local
    on_dask = T.pareto_sweep(8, cluster=dask, batch=8)
    assert on_dask.points == local.points and on_dask.fronts == local.fronts
    # brute force: the front is exactly the points nothing beats
    pts, _ = T.pareto_front(8, jobs=1)
    allp = {(p.error, p.neurons, p.depth, p.parameters) for p in pts}
    assert {q[:4] for q in local.points} == {v for v in allp if not any(
        w != v and all(a <= b for a, b in zip(w, v)) for w in allp)}
    # the CLI's JSON, byte for byte (it holds no timings): local processes, and a cluster of its own
    code1, out1, _ = run_cli("tradeoff", "--d", "6..7", "--pareto", "--jobs", 2, "--json", tmp_path / "a.json")
    code2, out2, _ = run_cli("tradeoff", "--d", "6..7", "--pareto", "--cluster", "local:2", "--json", tmp_path / "b.json")
    assert code1 == code2 == 0
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
    j = json.loads((tmp_path / "a.json").read_text())
    assert j[1]["index_sets"] == 64 and set(j[1]["pareto_fronts"]) == {"neurons", "depth", "parameters"}
    assert j[1]["pareto"][0] == {"R": [0], "error": "1/2", "parameters": 2, "neurons": 0, "depth": 0}
    assert not list(tmp_path.glob("*.partial.jsonl"))  # the progress file goes once the result is written


@pytest.mark.slow  # in CI's slow step
def test_sweep_resumes_without_redoing_finished_sets(tmp_path, monkeypatch, run_cli):
    d, B = 9, 16
    straight = T.pareto_sweep(d, jobs=1, batch=B)
    part = tmp_path / "front.json.partial.jsonl"
    solved = []
    real = T._sweep_task

    def counting(task):
        solved.append(task[1])
        return real(task)

    monkeypatch.setattr(T, "_sweep_task", counting)  # jobs=1 runs the tasks in this process

    def stop_after_3(done, total):
        if done >= 3 * B:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        T.pareto_sweep(d, jobs=1, batch=B, partial=part, progress=stop_after_3)
    assert solved == list(range(3 * B))
    with open(part, "a") as f:
        f.write('{"d": 9, "from": 48, "to"')  # a line cut short by a kill
    solved.clear()
    again = T.pareto_sweep(d, jobs=1, batch=B, partial=part)
    assert solved == list(range(3 * B, 2 ** (d - 1)))  # the finished sets were not solved again
    assert (again.resumed, again.solved) == (3 * B, 2 ** (d - 1) - 3 * B)
    assert again.points == straight.points and again.fronts == straight.fronts
    # the CLI: it resumes from OUT.partial.jsonl and writes the same bytes as a run from scratch
    monkeypatch.setattr(T, "_sweep_task", real)
    out = tmp_path / "front.json"
    part.write_text("\n".join(part.read_text().splitlines()[:3]) + "\n")  # header and two batches
    code, text, _ = run_cli("tradeoff", "--d", d, "--pareto", "--jobs", 1, "--json", out)
    assert code == 0 and f"resumed: {2 * B} of {2 ** (d - 1)} index sets" in text and not part.exists()
    code, _, _ = run_cli("tradeoff", "--d", d, "--pareto", "--jobs", 1, "--json", tmp_path / "fresh.json")
    assert out.read_bytes() == (tmp_path / "fresh.json").read_bytes()


# ---------------------------------------------------------------- a search (branch and bound)

def _bab_tasks():
    """The tasks verify/bab.py's run_pieces hands its pool, for a trained d = 9 network: the pieces,
    the whole-box piece as 2^3 phase subtrees."""
    from maxcert.graphs import load_model
    from maxcert.verify.bab import Net, Task, _pieces
    from maxcert.verify.domains import parse_domain
    from maxcert.verify.phase_bab import root_branches
    from maxcert.verify.search import DEFAULT

    G = load_model(ROOT / "benchmarks" / "models" / "max_d9_16.onnx")
    dom = parse_domain("unit")
    tasks = []
    for i, s in _pieces(Net(G), "dual"):
        t = Task(G, dom, i, s, Fraction(0), False, None, "dual", DEFAULT)
        if i is None:
            keys = root_branches(Net(G), dom, None, 1, DEFAULT.subtree_bits + 1)
            tasks += [replace(t, fixed=tuple(zip(keys, combo))) for combo in product((1, 0), repeat=len(keys))]
        else:
            tasks.append(t)
    return tasks


@pytest.mark.slow  # in CI's slow step
def test_search_subtrees_on_the_cluster_are_identical(dask):
    from maxcert.verify.bab import _job

    tasks = _bab_tasks()
    here = [_job(t) for t in tasks]
    # exactly as bab.run_pieces would call it: `with Executor(max_workers=...) as ex: ex.map(_job, redo)`
    with use_cluster(dask):
        with Executor(max_workers=min(2, len(tasks))) as ex:
            assert ex.kind == "dask"
            there = list(ex.map(_job, tasks))
    assert there == here
    assert all(r.status == "closed" for r in there)


# ---------------------------------------------------------------- a rewrite

def _three_pools():
    from onnx import TensorProto, helper

    nodes = [helper.make_node("MaxPool", ["x"], ["a"], name="p1", kernel_shape=[2, 2], strides=[2, 2]),
             helper.make_node("MaxPool", ["a"], ["b"], name="p2", kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
             helper.make_node("MaxPool", ["b"], ["y"], name="p3", kernel_shape=[2, 2], strides=[2, 2])]
    g = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2, 8, 8])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2, 2, 2])])
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])


def test_rewrite_on_the_cluster_is_identical(dask, tmp_path, run_cli):
    from maxcert.verify.pools import rewrite

    m = _three_pools()
    _, serial = rewrite(m)
    new_l, local = rewrite(m, jobs=2)
    new_d, on_dask = rewrite(m, cluster=dask)
    assert serial["status"] == "CERTIFIED" and [p["node"] for p in serial["pools"]] == ["p1", "p2", "p3"]
    assert _no_times(on_dask) == _no_times(local) == _no_times(serial)
    assert new_d.SerializeToString() == new_l.SerializeToString()
    # approximated pools (depth 1): each row network's exact worst-case error on the range, as a task
    _, approx = rewrite(m, depth=1, range=(0, 1))
    _, approx_dask = rewrite(m, depth=1, range=(0, 1), cluster=dask)
    assert [p["certified_error"] for p in approx["pools"]] == ["1/6", "8/25", "1/6"]
    assert _no_times(approx_dask) == _no_times(approx)
    # the CLI with --cluster: the same report
    import onnx

    onnx.save(m, tmp_path / "m.onnx")
    code, _, _ = run_cli("rewrite", tmp_path / "m.onnx", "-o", tmp_path / "o.onnx", "--cluster", "local:2",
                         "--json", tmp_path / "r.json", "--quiet")
    assert code == 0
    rep = json.loads((tmp_path / "r.json").read_text())
    assert _no_times(rep["pools"]) == _no_times(serial["pools"])


# ---------------------------------------------------------------- symmetry queries and proof artifacts

def test_symmetry_queries_and_proof_stages_on_the_cluster(dask, monkeypatch):
    from maxcert import proofs
    from maxcert.graphs import tree_network
    from maxcert.verify import symmetry
    from maxcert.verify.domains import UNIT

    monkeypatch.setattr(symmetry, "PARALLEL_MIN_RELUS", 1)
    broken = tree_network(5, "relu4")
    u, v = next(iter(broken.out_edges("x2")))
    broken.edges[u, v]["weight"] *= 2
    with use_cluster(dask):
        assert symmetry.prove_invariance(tree_network(5, "relu4"), UNIT, jobs=2)["proved"]
        r = symmetry.prove_invariance(broken, UNIT, jobs=2)
        assert not r["proved"] and r["reason"].endswith("sat")
    stages = [("trees", "relu4", 5), ("family", "small", 5), ("family", "big", 4)]
    assert map_tasks(proofs._stage_task, stages, cluster=dask) == [proofs._stage_task(st) for st in stages]


# ---------------------------------------------------------------- the stored d = 16 front

@pytest.mark.slow  # about 6 s: every stored point of the d = 16 front re-proved
def test_stored_front_is_rechecked_and_tampering_named():
    from maxcert import proofs

    raw = (ROOT / "proofs" / proofs.PARETO_FILE).read_bytes()
    doc, problems = proofs._pareto_verify(raw)
    assert problems == [] and proofs._json(doc) == raw
    bad = json.loads(raw)
    bad["pareto"][2]["error"] = str(Fraction(bad["pareto"][2]["error"]) * Fraction(99, 100))  # a better claim
    _, problems = proofs._pareto_verify(json.dumps(bad).encode())
    assert problems and "point 2" in problems[0] and "dual certificate" in problems[0]
    bad = json.loads(raw)
    bad["pareto"].append(dict(bad["pareto"][-1], depth=bad["pareto"][-1]["depth"] + 1))  # a dominated copy
    bad["certificates"].append(bad["certificates"][-1])
    _, problems = proofs._pareto_verify(json.dumps(bad).encode())
    assert problems  # its depth is recounted (not as stored), or it is dominated


# ---------------------------------------------------------------- a worker killed mid-run (last: it restarts one)

@pytest.mark.slow  # a worker killed and waited for; in CI's slow step
def test_a_killed_worker_costs_time_not_results(dask, tmp_path):
    marker = str(tmp_path / "killed")
    d = 8
    tasks = [(marker, d, m) for m in range(2 ** (d - 1))]
    got = map_tasks(_kill_once, tasks, cluster=dask, batch=8)
    assert os.path.exists(marker)  # a worker did die mid-run
    assert got == [T._sweep_task((d, m)) for m in range(2 ** (d - 1))]
    assert dask.workers() >= 1
