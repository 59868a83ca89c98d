"""The execution seam (maxcert/execution.py) without Dask: tasks inline (jobs=1) and on local spawn
processes, results in task order or as (index, result) pairs, progress, early stop, the --cluster
values. Every expected value is computed by hand from the task list (squares, lengths). The Dask
backend, against these same local results, is tests/test_cluster.py's."""

from __future__ import annotations

import itertools
import sys

import pytest

from maxcert.errors import MaxcertError
from maxcert.execution import DaskSession, Executor, TaskError, current_cluster, map_tasks, parse_cluster, use_cluster


def _square(x):
    return x * x


def _fails_on_3(x):
    if x == 3:
        raise ZeroDivisionError("no 3 here")
    return x


def test_inline_runs_in_order_and_only_what_is_consumed():
    # jobs=1 runs each task in this process when its result is asked for: the squares 0, 1, 4, 9 in
    # order, and after taking three results of an endless task stream exactly three tasks have run
    assert map_tasks(_square, [0, 1, 2, 3], jobs=1) == [0, 1, 4, 9]
    ran = []

    def record(x):
        ran.append(x)
        return x * x

    with Executor(jobs=1) as ex:
        assert ex.kind == "inline" and ex.workers == 1
        assert list(itertools.islice(ex.map(record, itertools.count()), 3)) == [0, 1, 4]
    assert ran == [0, 1, 2]


def test_local_processes_keep_task_order_whatever_the_batches():
    # 2 spawn processes, batches of 3 (the last one of 2): the results are still the squares of
    # 0..10 in task order; unordered, the same 11 (index, square) pairs, each exactly once; a
    # generator (no len) gives the same
    want = [x * x for x in range(11)]
    with Executor(jobs=2, batch=3) as ex:
        assert ex.kind == "local" and ex.workers == 2
        assert list(ex.map(_square, list(range(11)))) == want
        pairs = list(ex.map(_square, list(range(11)), ordered=False))
        assert sorted(pairs) == list(enumerate(want)) and len(pairs) == 11
        assert list(ex.map(_square, (x for x in range(11)))) == want


def test_progress_counts_every_task():
    # inline: one call per task, (done, total) = (1, 4) .. (4, 4); with no len, total is None
    seen = []
    assert map_tasks(_square, [5, 6, 7, 8], jobs=1, progress=lambda done, total: seen.append((done, total))) == \
        [25, 36, 49, 64]
    assert seen == [(1, 4), (2, 4), (3, 4), (4, 4)]
    seen.clear()
    with Executor(jobs=1, progress=lambda done, total: seen.append((done, total))) as ex:
        assert list(ex.map(len, (s for s in ["a", "bb", ""]))) == [1, 2, 0]
    assert seen == [(1, None), (2, None), (3, None)]


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_failing_task_is_named_by_its_index(jobs):
    # task 3 of 0..7 raises: the error names index 3 and the task's repr, on both backends, even when
    # it sits inside a batch (batch 2 = tasks 2 and 3)
    with pytest.raises(TaskError, match=r"task 3 3 failed: ZeroDivisionError: no 3 here") as e:
        map_tasks(_fails_on_3, list(range(8)), jobs=jobs, batch=2)
    assert e.value.index == 3 and e.value.task == "3"


def test_a_long_task_is_named_by_a_short_repr():
    # a 500-character task: its repr in the error is cut (reprlib, 40 characters of the string), so
    # the error stays one readable line
    with pytest.raises(TaskError) as e:
        map_tasks(int, ["x" * 500], jobs=1)
    assert e.value.index == 0 and e.value.task.startswith("'xxx") and len(e.value.task) <= 120
    assert "ValueError" in str(e.value)


def test_no_cluster_means_local():
    # use_cluster(None) sets nothing: the block's executors run inline or on local processes
    with use_cluster(None) as session:
        assert session is None and current_cluster() is None
        assert Executor(jobs=1).kind == "inline" and Executor(jobs=3).kind == "local"


def test_cluster_values_and_errors(monkeypatch):
    assert parse_cluster("local:3") == "local:3" and parse_cluster("tcp://sched.example:8786")
    for bad in ("local:0", "tcp://nohost", "localhost:8786", "local"):
        with pytest.raises(MaxcertError, match="tcp://HOST:PORT|N >= 1"):
            parse_cluster(bad)
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if Dask were not installed
    with pytest.raises(MaxcertError, match=r"install maxcert\[cluster\]"):
        DaskSession("local:2")
