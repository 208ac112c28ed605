"""Worker processes for CPU-bound work (page extraction), awaited from the asyncio reactor.

The reactor only does I/O: a pipeline awaits ``pool.run(fn, *args)``, which is
``loop.run_in_executor`` on a ``ProcessPoolExecutor``, so a 2 s page stalls neither downloads nor
signals and every core works. One pool per process (``shared_pool``), made on first use and kept
across daemon cycles; ``close_pools()`` ends it.

Workers are started by a fork server that has imported the extraction code once (``preload``):
a new worker costs a fork, not an interpreter start, and ``fork`` from the reactor's threads is
avoided. Memory stays bounded by recycling: after ``max_tasks`` tasks per worker on average, new
tasks go to a fresh executor and the old one ends once its tasks are done. (The standard
``max_tasks_per_child`` deadlocks on Python 3.11, CPython gh-115634, fixed in 3.13 only.)
"""
from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from multiprocessing.process import BaseProcess
from typing import Any, TypeVar

logger = logging.getLogger(__name__)
T = TypeVar("T")

#: Tasks per worker, on average, before the workers are replaced by fresh ones.
DEFAULT_MAX_TASKS = 500
#: How often a worker checks that the process owning it is still alive.
WATCH_SECONDS = 0.5


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


def _worker_init(owner: int, owner_started: str | None) -> None:
    # Ctrl-C reaches the whole process group; the parent decides when workers end, and SIGTERM
    # to the daemon is the daemon's alone.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A worker holds both ends of its task queue and keeps the fork server alive: after a kill -9
    # of the crawl nothing would ever end them. So each worker watches the process that owns it.
    if owner_started is not None:
        threading.Thread(target=_watch_owner, args=(owner, owner_started), daemon=True).start()


def _ready() -> int:
    return os.getpid()


class WorkerPool:
    """A process pool whose executor is replaced every ``workers * max_tasks`` tasks."""

    def __init__(self, workers: int, *, max_tasks: int = DEFAULT_MAX_TASKS, preload: Sequence[str] = ()):
        if workers < 1:
            raise ValueError("a worker pool needs at least one worker")
        self.workers = workers
        self.max_tasks = max_tasks
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(list(preload))
        self._executor: ProcessPoolExecutor | None = None
        #: Worker processes of replaced executors that may still be finishing their last tasks.
        self._retired: list[BaseProcess] = []
        self._tasks = 0
        self.generations = 0

    def _new_executor(self) -> ProcessPoolExecutor:
        self.generations += 1
        return ProcessPoolExecutor(self.workers, mp_context=self._context, initializer=_worker_init,
                                   initargs=(os.getpid(), _start_time(os.getpid())))

    def executor(self) -> ProcessPoolExecutor:
        """The current executor, replaced by a fresh one when this one has done its share."""
        if self._executor is not None and self._tasks >= self.workers * self.max_tasks:
            old, self._executor = self._executor, None
            self._retired = [p for p in self._retired if p.is_alive()] + _processes(old)
            old.shutdown(wait=False)  # its queued tasks still run; its workers then exit
        if self._executor is None:
            self._executor = self._new_executor()
            self._tasks = 0
        self._tasks += 1
        return self._executor

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``fn(*args, **kwargs)`` in a worker process and await its result."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor(), partial(fn, *args, **kwargs))

    def warm(self) -> None:
        """Start every worker now (while the first feeds download), not on the first page."""
        executor = self.executor()
        for _ in range(self.workers):
            executor.submit(_ready)

    def pids(self) -> list[int]:
        """Process ids of the current workers."""
        return sorted(p.pid for p in _processes(self._executor) if p.pid is not None)

    def close(self, *, timeout: float = 3.0) -> None:
        """Cancel what is queued, let running tasks end for ``timeout`` s, then terminate workers."""
        processes = self._retired + _processes(self._executor)
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
        self._executor, self._retired = None, []
        deadline = time.monotonic() + timeout
        for process in processes:
            # A worker stuck on a pathological page must not hold a daemon's shutdown past its 10 s.
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.terminate()
                process.join(1)


def _processes(executor: ProcessPoolExecutor | None) -> list[BaseProcess]:
    """The executor's worker processes (kept privately, and dropped by ``shutdown``: read them first)."""
    return list((getattr(executor, "_processes", None) or {}).values())


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
