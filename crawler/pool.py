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
import concurrent.futures
import logging
import multiprocessing
import os
import pickle
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
            message = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # noqa: BLE001 - e.g. a result or exception that does not pickle
            message = pickle.dumps((False, RuntimeError(f"result could not be sent back: {exc!r}")))
        try:
            conn.send_bytes(message)
        except OSError:  # the owner is gone
            return


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
        #: The fork server and the first workers, started by a thread (``prestart``); adopted by
        #: the event loop once done.
        self._boot: concurrent.futures.Future[list[tuple[BaseProcess, Connection]]] | None = None
        self._adopted = False

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
        boot = self.prestart()
        await asyncio.shield(asyncio.wrap_future(boot))  # raises if the fork server cannot start
        self._started(loop)
        while len(self._idle) + len(self._busy) < self.workers:
            self._idle.append(self._spawn())

    def prestart(self) -> concurrent.futures.Future[list[tuple[BaseProcess, Connection]]]:
        """Start the fork server and the workers in a thread, now; no event loop is needed.

        A crawl calls this first thing, so the fork server imports ``preload`` while the crawl
        imports Scrapy and fetches robots.txt and the feeds, on the other core. Starting a worker
        waits for the fork server to have imported ``preload`` (a second or so): done on the
        loop's thread, that wait stalled every download.
        """
        if self._boot is None:
            self._boot = concurrent.futures.Future()
            threading.Thread(target=self._boot_processes, args=(self._boot,), daemon=True,
                             name="defwatch-pool-boot").start()
        return self._boot

    def _boot_processes(self, boot: concurrent.futures.Future[list[tuple[BaseProcess, Connection]]]) -> None:
        started: list[tuple[BaseProcess, Connection]] = []
        try:
            forkserver.ensure_running()
            for _ in range(self.workers):
                started.append(self._start_process())
        except BaseException as exc:  # noqa: BLE001 - reported by the loop (``_started``)
            for process, conn in started:
                conn.close()
                process.terminate()
            boot.set_exception(exc)
        else:
            boot.set_result(started)

    def _started(self, loop: asyncio.AbstractEventLoop) -> bool:
        """Whether the fork server and the first workers are up; the first call starts them."""
        boot = self.prestart()
        if not boot.done():
            return False
        if (error := boot.exception()) is not None:
            if not self.ran_inline:  # say it once
                logger.warning("no worker processes (%s); the work runs on the caller's thread", error)
            return False
        if not self._adopted:
            self._adopted = True
            for process, conn in boot.result():
                if len(self._idle) + len(self._busy) < self.workers:
                    self._idle.append(self._watch(process, conn))
                else:
                    self._retired.append(process)
                    conn.close()
        return True

    def pids(self) -> list[int]:
        """Process ids of the live workers."""
        return sorted(w.process.pid for w in [*self._idle, *self._busy] if w.process.pid is not None)

    def _bind(self) -> asyncio.AbstractEventLoop:
        loop = asyncio.get_running_loop()
        if self._loop is not loop:
            if self._loop is not None:  # a new loop (a new test, a new reactor): start afresh
                self.close()
            self._loop = loop
        return loop

    def _start_process(self) -> tuple[BaseProcess, Connection]:
        """Fork a worker from the fork server (waits until the server has imported ``preload``)."""
        mine, theirs = self._context.Pipe(duplex=True)
        process = self._context.Process(target=_serve, args=(theirs, os.getpid(), _start_time(os.getpid())),
                                        daemon=True, name="defwatch-worker")
        process.start()
        theirs.close()
        return process, mine

    def _watch(self, process: BaseProcess, conn: Connection) -> _Worker:
        """Hand a started worker's pipe to the event loop."""
        assert self._loop is not None
        worker = _Worker(process, conn)
        self._loop.add_reader(conn.fileno(), self._on_result, worker)
        self.spawned += 1
        return worker

    def _spawn(self) -> _Worker:
        return self._watch(*self._start_process())

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
                # Plain pickle: multiprocessing's ForkingPickler copies the copyreg table for every
                # message, and tasks hold no file descriptors or connections that need its reducers.
                task = pickle.dumps((fn, args, kwargs), protocol=pickle.HIGHEST_PROTOCOL)
            except Exception as exc:  # noqa: BLE001 - the task itself does not pickle
                future.set_exception(exc)
                self._idle.append(worker)
                continue
            try:
                worker.conn.send_bytes(task)
            except (OSError, ValueError):  # the worker died while idle
                self._backlog.appendleft((fn, args, kwargs, future))
                self._drop(worker)
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
        if self._boot is not None and not self._adopted:
            # Started but never handed to a loop: wait for the boot thread, then end its workers.
            try:
                for process, conn in self._boot.result(timeout):
                    conn.close()
                    processes.append(process)
            except Exception:  # noqa: BLE001 - a failed boot has nothing to end; a slow one is left to its watchdog
                pass
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
        self._adopted = False
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


def crawl_pool(app: Any) -> WorkerPool:
    """The pool of a crawl with the config ``app`` (``crawler.config.AppConfig``): page extraction
    and feed parsing, by workers forked from a fork server that imported ``crawler.offload.PRELOAD``."""
    from crawler.offload import PRELOAD

    return shared_pool(app.extract_workers or default_workers(), max_tasks=app.extract_worker_pages, preload=PRELOAD)
