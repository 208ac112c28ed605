"""Worker processes for CPU-bound work (page extraction), awaited from the asyncio reactor.

The reactor only does I/O: a pipeline awaits ``pool.run(fn, *args)``, so a 2 s page stalls
neither downloads nor signals, and every core works. One pool per process (``shared_pool``),
made on first use and kept across daemon cycles; ``close_pools()`` ends it.

Each worker is one process and one duplex pipe, whose end is watched by the event loop
(``loop.add_reader``): a task is one message out, its result one message back, and no thread is
involved. (``run_in_executor`` on a ``ProcessPoolExecutor`` was measured first: its manager and
feeder threads fight the reactor's thread for the GIL, and on a busy 2-core machine each submit
cost 1.5 ms of waiting in ``os.write``, 3.2 s for 2,000 pages, with SQLite's calls slowed the
same way; its ``max_tasks_per_child`` also deadlocks on Python 3.11, CPython gh-115634.)

Workers are forked by a fork server that has imported the task's module once (``preload``): a
new worker costs a fork, not an interpreter start, and nothing forks the reactor's process. The
fork server boots in a thread on the first task (about a second: an interpreter and the imports);
until it is up, tasks run in the caller's process, so a daemon's first pages come as early as before.
Memory stays bounded: a worker is replaced after ``max_tasks`` tasks. A worker that dies fails
its task with ``WorkerLost`` and is replaced; each worker exits when the process owning the pool
is gone (a kill -9 of the crawl leaves nothing behind).
"""
from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from multiprocessing import forkserver
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any, TypeVar

logger = logging.getLogger(__name__)
T = TypeVar("T")

#: Tasks a worker does before it is replaced by a fresh one.
DEFAULT_MAX_TASKS = 500
#: How often a worker checks that the process owning it is still alive.
WATCH_SECONDS = 0.5


class WorkerLost(RuntimeError):
    """The worker running a task died (killed, out of memory, crashed in C code)."""


def default_workers() -> int:
    """One worker per core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def _start_time(pid: int) -> str | None:
    """The kernel's start time of ``pid`` (tells a process from a later one with the same pid)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def _watch_owner(pid: int, started: str | None) -> None:
    while True:
        time.sleep(WATCH_SECONDS)
        if _start_time(pid) != started:
            os._exit(0)


def _serve(conn: Connection, owner: int, owner_started: str | None) -> None:
    """A worker's life: run each task received on ``conn``, send its outcome back; None ends it."""
    # Ctrl-C reaches the whole process group; the owner decides when workers end.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if owner_started is not None:
        # The fork server and the workers keep each other alive: after a kill -9 of the owner
        # nothing else would end them.
        threading.Thread(target=_watch_owner, args=(owner, owner_started), daemon=True).start()
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        fn, args, kwargs = task
        try:
            outcome: tuple[bool, Any] = (True, fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - every failure goes back to the caller
            outcome = (False, exc)
        try:
            conn.send(outcome)
        except Exception as exc:  # noqa: BLE001 - e.g. a result or exception that does not pickle
            conn.send((False, RuntimeError(f"result could not be sent back: {exc!r}")))


class _Worker:
    def __init__(self, process: BaseProcess, conn: Connection):
        self.process = process
        self.conn = conn
        self.tasks = 0
        self.current: asyncio.Future[Any] | None = None


class WorkerPool:
    """Up to ``workers`` worker processes, started on demand, fed by the running event loop."""

    def __init__(self, workers: int, *, max_tasks: int = DEFAULT_MAX_TASKS, preload: Sequence[str] = ()):
        if workers < 1:
            raise ValueError("a worker pool needs at least one worker")
        self.workers = workers
        self.max_tasks = max_tasks
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(list(preload))
        self._loop: asyncio.AbstractEventLoop | None = None
        self._idle: list[_Worker] = []
        self._busy: set[_Worker] = set()
        self._retired: list[BaseProcess] = []
        self._backlog: deque[tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any], asyncio.Future[Any]]] = deque()
        #: Worker processes started so far (replacements included).
        self.spawned = 0
        #: Tasks run in the caller's process while the fork server was starting.
        self.ran_inline = 0
        self._boot: asyncio.Future[None] | None = None

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``fn(*args, **kwargs)`` in a worker process and await its result (or its exception)."""
        loop = self._bind()
        if not self._started(loop):
            self.ran_inline += 1
            return fn(*args, **kwargs)
        future: asyncio.Future[T] = loop.create_future()
        self._backlog.append((fn, args, kwargs, future))
        self._pump()
        return await future

    async def start(self) -> None:
        """Start the fork server and every worker now, not on the first tasks."""
        loop = self._bind()
        self._started(loop)
        assert self._boot is not None
        await asyncio.shield(self._boot)  # raises if the fork server cannot start
        while len(self._idle) + len(self._busy) < self.workers:
            self._idle.append(self._spawn())

    def _started(self, loop: asyncio.AbstractEventLoop) -> bool:
        """Whether the fork server is up; the first call starts it in a thread."""
        if self._boot is None:
            # ensure_running() blocks until the server has imported ``preload``: not on the loop.
            self._boot = loop.run_in_executor(None, forkserver.ensure_running)
        if not self._boot.done():
            return False
        if (error := self._boot.exception()) is not None:
            if not self.ran_inline:  # say it once
                logger.warning("no worker processes (%s); the work runs on the caller's thread", error)
            return False
        return True

    def pids(self) -> list[int]:
        """Process ids of the live workers."""
        return sorted(w.process.pid for w in [*self._idle, *self._busy] if w.process.pid is not None)

    def _bind(self) -> asyncio.AbstractEventLoop:
        loop = asyncio.get_running_loop()
        if self._loop is not loop:
            if self._loop is not None:  # a new loop (a new test, a new reactor): start afresh
                self.close()
            self._loop, self._boot = loop, None
        return loop

    def _spawn(self) -> _Worker:
        assert self._loop is not None
        mine, theirs = self._context.Pipe(duplex=True)
        process = self._context.Process(target=_serve, args=(theirs, os.getpid(), _start_time(os.getpid())),
                                        daemon=True, name="defwatch-worker")
        process.start()
        theirs.close()
        worker = _Worker(process, mine)
        self._loop.add_reader(mine.fileno(), self._on_result, worker)
        self.spawned += 1
        return worker

    def _pump(self) -> None:
        """Give queued tasks to idle workers, starting workers up to the limit."""
        while self._backlog:
            fn, args, kwargs, future = self._backlog[0]
            if future.done():  # cancelled while queued
                self._backlog.popleft()
                continue
            if self._idle:
                worker = self._idle.pop()
            elif len(self._busy) < self.workers:
                worker = self._spawn()
            else:
                return
            self._backlog.popleft()
            try:
                worker.conn.send((fn, args, kwargs))
            except (OSError, ValueError):  # the worker died while idle
                self._backlog.appendleft((fn, args, kwargs, future))
                self._drop(worker)
                continue
            except Exception as exc:  # noqa: BLE001 - the task itself does not pickle
                future.set_exception(exc)
                self._idle.append(worker)
                continue
            worker.current = future
            self._busy.add(worker)

    def _on_result(self, worker: _Worker) -> None:
        try:
            ok, value = worker.conn.recv()
        except (EOFError, OSError):
            if worker.current is not None and not worker.current.done():
                worker.current.set_exception(WorkerLost(f"worker {worker.process.pid} died "
                                                        f"(exit code {worker.process.exitcode})"))
            self._drop(worker)
            self._pump()
            return
        future, worker.current = worker.current, None
        self._busy.discard(worker)
        worker.tasks += 1
        if future is not None and not future.done():
            if ok:
                future.set_result(value)
            else:
                future.set_exception(value)
        if worker.tasks >= self.max_tasks:
            self._retire(worker)
        else:
            self._idle.append(worker)
        self._pump()

    def _retire(self, worker: _Worker) -> None:
        """Ask a worker to end (it is replaced on demand)."""
        try:
            worker.conn.send(None)
        except (OSError, ValueError):
            pass
        self._retired = [p for p in self._retired if p.is_alive()] + [worker.process]
        self._drop(worker)

    def _drop(self, worker: _Worker) -> None:
        self._busy.discard(worker)
        if worker in self._idle:
            self._idle.remove(worker)
        if self._loop is not None and not self._loop.is_closed():
            self._loop.remove_reader(worker.conn.fileno())
        worker.conn.close()

    def close(self, *, timeout: float = 3.0) -> None:
        """Fail what is queued, let running tasks end for ``timeout`` s, then terminate the workers."""
        workers = [*self._idle, *self._busy]
        processes = self._retired + [w.process for w in workers]
        for worker in workers:
            if worker.current is not None and not worker.current.done() and not worker.current.get_loop().is_closed():
                worker.current.cancel()
            try:
                worker.conn.send(None)
            except (OSError, ValueError):
                pass
            self._drop(worker)
        for *_, future in self._backlog:
            if not future.done() and not future.get_loop().is_closed():
                future.cancel()
        self._backlog.clear()
        self._idle, self._busy, self._retired, self._loop, self._boot = [], set(), [], None, None
        deadline = time.monotonic() + timeout
        for process in processes:
            # A worker stuck on a pathological page must not hold a daemon's shutdown past its 10 s.
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.terminate()
                process.join(1)


_POOLS: dict[tuple[int, int], WorkerPool] = {}


def shared_pool(workers: int, *, max_tasks: int = DEFAULT_MAX_TASKS, preload: Sequence[str] = ()) -> WorkerPool:
    """This process's pool of ``workers`` workers (made on first use, kept across crawls)."""
    key = (workers, max_tasks)
    if key not in _POOLS:
        _POOLS[key] = WorkerPool(workers, max_tasks=max_tasks, preload=preload)
    return _POOLS[key]


def close_pools(timeout: float = 3.0) -> None:
    """End every pool of this process (daemon shutdown, end of a crawl)."""
    while _POOLS:
        _, pool = _POOLS.popitem()
        try:
            pool.close(timeout=timeout)
        except Exception:  # noqa: BLE001 - closing must not mask the caller's outcome
            logger.exception("closing the worker pool failed")
