"""One seam for independent tasks: local processes (the default) or a Dask cluster.

Every parallel path of maxcert (index-set sweeps, branch-and-bound subtrees, proof artifacts,
per-pool certificates) hands its tasks to :func:`map_tasks` or an :class:`Executor`, and gets the
results back in task order (or, with ``ordered=False``, as ``(index, result)`` pairs as they finish):

* **local** (default): ``jobs`` processes of the ``spawn`` context, as ``--jobs`` always meant;
  ``jobs=1`` runs the tasks in the calling process. Nothing beyond the standard library is imported.
* **Dask**: ``cluster="tcp://HOST:PORT"`` connects a ``distributed.Client`` to a running scheduler;
  ``cluster="local:N"`` starts a ``LocalCluster`` of N single-threaded worker processes on this
  machine. Dask is imported only then (``pip install 'maxcert[cluster]'``). Tasks go in batches
  (``batch`` tasks per Dask task) to cut the per-task overhead, at most a window of batches at
  a time (memory stays flat for any number of tasks). A batch whose worker dies is run again on
  another (Dask reschedules it, up to its ``allowed-failures``, 3 by default), and one that raises
  is retried ``retries`` times first (a flaky node): a lost worker costs time, never a result.

A task that raises makes the caller raise :class:`TaskError`, naming the task (its index and a
short repr) and chained to the original error. ``fn`` and the tasks must pickle (module-level
functions; on a real cluster every worker needs the same maxcert installed).

:func:`use_cluster` sets the cluster of a whole block (the CLI's ``--cluster``): code deep in the
stack that passes no ``cluster`` (e.g. a branch-and-bound search inside ``certify``) then uses it.
Tasks that run on Dask workers should not start processes of their own (the workers are daemons).

Examples
--------
>>> map_tasks(abs, [-3, 1, -2], jobs=1)
[3, 1, 2]
>>> with Executor(jobs=1) as ex:
...     list(ex.map(str, range(3)))
['0', '1', '2']
"""

from __future__ import annotations

import os
import re
import reprlib
import time
import traceback
from contextlib import contextmanager

from maxcert.errors import MaxcertError

RETRIES = 2  # a Dask batch is run again this often after an error (a dead worker is rescheduled anyway)
CONNECT_TIMEOUT = 10.0  # seconds to reach a scheduler given as tcp://HOST:PORT
_CURRENT = None  # the DaskSession set by use_cluster, if any

_ADDRESS = re.compile(r"^(tcp|tls|ucx|ws|wss)://[^\s/]+:\d+/?$")
_LOCAL = re.compile(r"^local:(\d+)$")


class TaskError(RuntimeError):
    """A task raised: ``index`` is its position in the task list, ``task`` a short repr of it."""

    def __init__(self, index, task, message, remote_traceback=""):
        super().__init__(f"task {index} {task} failed: {message}")
        self.index, self.task, self.remote_traceback = index, task, remote_traceback


class _Failed(Exception):
    """Raised on the worker for a failing task; plain args, so it pickles anywhere."""


def _short(obj, limit=120) -> str:
    r = reprlib.Repr()
    r.maxstring, r.maxother, r.maxlist, r.maxtuple, r.maxdict, r.maxlevel = 40, 40, 6, 8, 4, 3
    s = r.repr(obj)
    return s if len(s) <= limit else s[:limit - 3] + "..."


def _run_batch(fn, start, tasks):
    """Worker side: ``fn`` on each task of one batch; a failure names the task by its global index."""
    out = []
    for j, t in enumerate(tasks):
        try:
            out.append(fn(t))
        except Exception as e:  # re-raised in the caller as TaskError
            raise _Failed(start + j, _short(t), f"{type(e).__name__}: {e}", traceback.format_exc()) from None
    return out


def parse_cluster(spec: str) -> str:
    """Validate a ``--cluster`` value: ``tcp://HOST:PORT`` (any Dask address) or ``local:N``.

    >>> parse_cluster("local:2"), parse_cluster("tcp://10.0.0.5:8786")
    ('local:2', 'tcp://10.0.0.5:8786')
    """
    s = str(spec).strip()
    m = _LOCAL.match(s)
    if m:
        if int(m.group(1)) < 1:
            raise MaxcertError(f"--cluster local:N needs N >= 1, got {spec!r}")
        return s
    if _ADDRESS.match(s):
        return s
    raise MaxcertError(f"--cluster must be tcp://HOST:PORT (a Dask scheduler) or local:N (N workers here), got {spec!r}")


def _import_distributed():
    try:
        import distributed
    except ImportError:
        raise MaxcertError("--cluster needs Dask: install maxcert[cluster] (pip install 'maxcert[cluster]')") from None
    return distributed


class DaskSession:
    """A Dask client, and the ``LocalCluster`` it owns for ``local:N``; :meth:`close` ends both.

    Dask is imported at once (a missing install is said at once); the cluster is started or
    reached on first use, so a command that ends up submitting nothing pays nothing."""

    def __init__(self, spec: str, timeout: float | None = None):
        self.spec = parse_cluster(spec)
        self._distributed = _import_distributed()
        self.timeout = CONNECT_TIMEOUT if timeout is None else timeout
        self.cluster = self._client = self._log_level = None

    @property
    def client(self):
        if self._client is None:
            self._connect()
        return self._client

    def _connect(self):
        distributed = self._distributed
        m = _LOCAL.match(self.spec)
        if m:
            import logging

            import dask

            log = logging.getLogger("distributed")  # its scheduler runs here: no INFO lines on stderr
            self._log_level = log.level
            log.setLevel(logging.ERROR)
            # the workers' statistical profiler samples the task's thread every 10 ms: a few % of pure-Python work
            with dask.config.set({"distributed.worker.profile.enabled": False}):
                self.cluster = distributed.LocalCluster(n_workers=int(m.group(1)), threads_per_worker=1,
                                                        processes=True, dashboard_address=":0",
                                                        silence_logs=logging.ERROR)
            self._client = distributed.Client(self.cluster, set_as_default=False)
        else:
            try:
                self._client = distributed.Client(self.spec, timeout=self.timeout, set_as_default=False)
            except (OSError, TimeoutError) as e:
                first = str(e).splitlines()[0] if str(e) else type(e).__name__
                raise MaxcertError(f"cannot reach the Dask scheduler at {self.spec} ({first})") from None

    def workers(self) -> int:
        """Workers connected now (waits up to CONNECT_TIMEOUT for a first one)."""
        n = len(self.client.scheduler_info().get("workers", {}))
        if n == 0:
            try:
                self.client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)
            except (OSError, TimeoutError):
                raise MaxcertError(f"the Dask scheduler at {self.spec} has no workers") from None
            n = len(self.client.scheduler_info().get("workers", {}))
        return max(1, n)

    def close(self):
        try:
            if self._client is not None:
                self._client.close()
                self._client = None
        finally:
            if self.cluster is not None:
                self.cluster.close()
                self.cluster = None
            if self._log_level is not None:
                import logging

                logging.getLogger("distributed").setLevel(self._log_level)
                self._log_level = None


@contextmanager
def use_cluster(spec):
    """Within the block, tasks submitted without a ``cluster`` go to this one (None: local processes).

    ``spec`` is a ``--cluster`` string or an open :class:`DaskSession`; a session opened here is
    closed at the end of the block.
    """
    global _CURRENT
    if spec is None:
        yield None
        return
    own = not isinstance(spec, DaskSession)
    session = DaskSession(spec) if own else spec
    prev, _CURRENT = _CURRENT, session
    try:
        yield session
    finally:
        _CURRENT = prev
        if own:
            session.close()


def current_cluster():
    """The session set by :func:`use_cluster` in this process, or None."""
    return _CURRENT


def _watch_parent(parent: int) -> None:
    """In a worker process: exit as soon as the process that started it is gone (killed, say, by a
    time limit around the CLI), rather than search on with nobody to report to."""
    import threading

    def watch():
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


class Executor:
    """Runs independent tasks on local processes or Dask; a context manager, like ``ProcessPoolExecutor``.

    ``Executor(max_workers=n)`` takes ``ProcessPoolExecutor``'s arguments (``mp_context`` is
    ignored: always spawn), so it replaces one in a ``with`` line. ``map(fn, tasks)`` yields the
    results in task order; ``map(fn, tasks, ordered=False)`` yields ``(index, result)`` as batches
    finish. Closing the iterator early cancels the tasks not started.

    ``jobs``/``max_workers``: local processes (default: all cores; 1 = in this process).
    ``cluster``: ``"tcp://HOST:PORT"``, ``"local:N"``, a :class:`DaskSession`, or None for the
    block's :func:`use_cluster` (if any, else local). ``batch``: tasks per submitted unit (default:
    about 32 units per worker when the number of tasks is known, else 1). ``progress(done, total)``
    is called after each batch (``total`` None when unknown). ``window``: batches in flight.
    """

    def __init__(self, max_workers=None, mp_context=None, *, jobs=None, cluster=None, batch=None,
                 retries=RETRIES, progress=None, window=None):
        self.jobs = jobs or max_workers or os.cpu_count() or 1
        self.batch, self.retries, self.progress, self.window = batch, retries, progress, window
        self._own = None
        self._pool = None
        if cluster is None:
            self.session = _CURRENT
        elif isinstance(cluster, DaskSession):
            self.session = cluster
        else:
            self.session = self._own = DaskSession(cluster)
        self.kind = "dask" if self.session is not None else ("inline" if self.jobs <= 1 else "local")

    # -- context manager
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.shutdown()
        return False

    def shutdown(self, wait=True, cancel_futures=True):
        if self._pool is not None:
            self._pool.shutdown(wait=wait, cancel_futures=cancel_futures)
            self._pool = None
        if self._own is not None:
            self._own.close()
            self._own = None

    @property
    def workers(self) -> int:
        if self.kind == "dask":
            return self.session.workers()
        return self.jobs

    # -- the map
    def map(self, fn, tasks, ordered=True):
        total = len(tasks) if hasattr(tasks, "__len__") else None
        if self.kind == "inline":
            return self._inline(fn, tasks, total, ordered)
        workers = self.workers
        batch = self.batch or (1 if total is None else max(1, total // (workers * 32)))
        window = self.window or max(2, (4 if self.kind == "dask" else 2) * workers)
        return self._drive(fn, tasks, total, batch, window, ordered)

    def _inline(self, fn, tasks, total, ordered):
        for i, t in enumerate(tasks):
            try:
                r = fn(t)
            except Exception as e:
                raise TaskError(i, _short(t), f"{type(e).__name__}: {e}", traceback.format_exc()) from e
            if self.progress:
                self.progress(i + 1, total)
            yield r if ordered else (i, r)

    def _submit_fn(self, fn):
        if self.kind == "dask":
            client = self.session.client
            token = f"{getattr(fn, '__name__', 'task')}-{time.time_ns():x}-{id(self):x}"

            def submit(b, start, chunk):
                return client.submit(_run_batch, fn, start, chunk, key=f"maxcert-{token}-{b}", pure=False,
                                     retries=self.retries)
            return submit
        if self._pool is None:
            import multiprocessing as mp
            from concurrent.futures import ProcessPoolExecutor

            self._pool = ProcessPoolExecutor(max_workers=self.jobs, mp_context=mp.get_context("spawn"),
                                             initializer=_watch_parent, initargs=(os.getpid(),))
        pool = self._pool
        return lambda b, start, chunk: pool.submit(_run_batch, fn, start, chunk)

    def _wait_any(self, futures):
        if self.kind == "dask":
            from distributed import wait

            with self.session.client.as_current():
                return wait(list(futures), return_when="FIRST_COMPLETED").done
        from concurrent.futures import FIRST_COMPLETED, wait

        return wait(list(futures), return_when=FIRST_COMPLETED).done

    def _result(self, f, start, n):
        try:
            return f.result()
        except _Failed as e:
            index, task, message, tb = e.args
            raise TaskError(index, task, message, tb) from None
        except Exception as e:  # e.g. a worker killed too often, a broken pool
            raise TaskError(start, f"(batch of tasks {start}..{start + n - 1})",
                            f"{type(e).__name__}: {e}") from e

    def _drive(self, fn, tasks, total, batch, window, ordered):
        submit = self._submit_fn(fn)
        it = iter(tasks)
        pending, ready = {}, {}
        next_out, b, start, done, exhausted = 0, 0, 0, 0, False
        try:
            while True:
                while not exhausted and len(pending) + len(ready) < window:
                    chunk = []
                    for t in it:
                        chunk.append(t)
                        if len(chunk) == batch:
                            break
                    if not chunk:
                        exhausted = True
                        break
                    pending[submit(b, start, chunk)] = (b, start, len(chunk))
                    b, start = b + 1, start + len(chunk)
                    if len(chunk) < batch:
                        exhausted = True
                if not pending:
                    break
                for f in self._wait_any(pending):
                    bi, s, n = pending.pop(f)
                    res = self._result(f, s, n)
                    done += n
                    if self.progress:
                        self.progress(done, total)
                    if ordered:
                        ready[bi] = res
                    else:
                        yield from ((s + j, r) for j, r in enumerate(res))
                while next_out in ready:
                    yield from ready.pop(next_out)
                    next_out += 1
        finally:
            for f in pending:
                f.cancel()


def map_tasks(fn, tasks, jobs=None, cluster=None, batch=None, progress=None) -> list:
    """``[fn(t) for t in tasks]`` on local processes or a Dask cluster (see :class:`Executor`), in task order.

    >>> map_tasks(len, ["a", "bb", ""], jobs=1)
    [1, 2, 0]
    """
    with Executor(jobs=jobs, cluster=cluster, batch=batch, progress=progress) as ex:
        return list(ex.map(fn, tasks))


__all__ = ["Executor", "map_tasks", "use_cluster", "current_cluster", "parse_cluster", "DaskSession", "TaskError"]
