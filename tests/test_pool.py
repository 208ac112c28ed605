"""crawler/pool.py: real worker processes, awaited from an asyncio loop."""
from __future__ import annotations

import asyncio
import os
import time

import pytest

from crawler.pool import WorkerPool, close_pools, shared_pool


def busy(seconds: float) -> int:
    """Burn CPU for ``seconds`` (a slow page), then return the worker's pid."""
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass
    return os.getpid()


def pid() -> int:
    return os.getpid()


def fail() -> None:
    raise ValueError("bad page")


@pytest.fixture
def pool():
    p = WorkerPool(2, max_tasks=1000)
    yield p
    p.close()


def test_work_runs_in_other_processes_and_errors_come_back(pool):
    async def main():
        pids = await asyncio.gather(*(pool.run(busy, 0.05) for _ in range(6)))
        with pytest.raises(ValueError, match="bad page"):
            await pool.run(fail)
        return pids

    pids = asyncio.run(main())
    assert os.getpid() not in pids
    assert 1 <= len(set(pids)) <= 2


def test_the_loop_keeps_ticking_while_workers_compute(pool):
    """A slow page in the pool does not stall the reactor (downloads, signals)."""
    async def main():
        pool.warm()
        await pool.run(pid)
        ticks: list[float] = []

        async def ticker():
            while True:
                ticks.append(time.monotonic())
                await asyncio.sleep(0.05)

        task = asyncio.create_task(ticker())
        await pool.run(busy, 1.0)
        task.cancel()
        return ticks

    ticks = asyncio.run(main())
    gaps = [b - a for a, b in zip(ticks, ticks[1:], strict=False)]
    assert len(ticks) >= 5 and max(gaps) < 0.5, gaps


def test_workers_are_recycled_without_hanging():
    """100 tasks through 1 worker recycled every 10: fresh processes, no deadlock (CPython gh-115634)."""
    p = WorkerPool(1, max_tasks=10)

    async def main():
        return [await p.run(pid) for _ in range(30)] + list(await asyncio.gather(*(p.run(pid) for _ in range(70))))

    try:
        pids = asyncio.run(asyncio.wait_for(main(), timeout=60))
    finally:
        p.close()
    assert p.generations == 10
    assert len(set(pids)) == 10


def test_close_ends_a_stuck_worker_promptly():
    p = WorkerPool(1)

    async def main():
        p.warm()
        await p.run(pid)
        future = asyncio.ensure_future(p.run(busy, 60))
        await asyncio.sleep(0.3)
        return future, p.pids()

    loop = asyncio.new_event_loop()
    try:
        future, pids = loop.run_until_complete(main())
        started = time.monotonic()
        p.close(timeout=0.5)
        took = time.monotonic() - started
        future.cancel()
        loop.run_until_complete(asyncio.gather(future, return_exceptions=True))
    finally:
        loop.close()
    assert took < 3
    assert pids and not any(os.path.exists(f"/proc/{q}") and _running(q) for q in pids)


def _running(pid_: int) -> bool:
    with open(f"/proc/{pid_}/stat") as fh:
        return fh.read().rsplit(")", 1)[1].split()[0] != "Z"


def test_shared_pool_is_one_per_process():
    try:
        assert shared_pool(1) is shared_pool(1)
        assert shared_pool(1) is not shared_pool(2)
    finally:
        close_pools()
