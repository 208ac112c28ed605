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
        await pool.start()
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
        await pool.start()
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
        await p.start()
        return [await p.run(pid) for _ in range(30)] + list(await asyncio.gather(*(p.run(pid) for _ in range(70))))

    try:
        pids = asyncio.run(asyncio.wait_for(main(), timeout=60))
    finally:
        p.close()
    assert p.spawned == 10
    assert len(set(pids)) == 10


def test_close_ends_a_stuck_worker_promptly():
    p = WorkerPool(1)

    async def main():
        await p.start()
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


def test_workers_end_when_their_owner_is_killed(tmp_path):
    """kill -9 of a crawl leaves no worker, fork server or resource tracker behind."""
    import subprocess
    import sys
    from pathlib import Path

    script = (
        "import asyncio, os, time\n"
        "from crawler.pool import WorkerPool\n"
        "from test_pool import pid\n"
        "async def main():\n"
        "    p = WorkerPool(2)\n"
        "    await p.start()\n"
        "    await asyncio.gather(*(p.run(pid) for _ in range(4)))\n"
        "    print(' '.join(map(str, p.pids())), flush=True)\n"
        "    time.sleep(60)\n"
        "asyncio.run(main())\n"
    )
    tests = Path(__file__).resolve().parent
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                            cwd=tests.parent, env={**os.environ, "PYTHONPATH": f"{tests}:{tests.parent}"})
    workers = [int(p) for p in proc.stdout.readline().split()]
    descendants = set(workers) | {int(p) for p in _children(proc.pid)}
    assert len(workers) == 2
    proc.kill()
    proc.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(p) for p in descendants):
        time.sleep(0.2)
    assert not [p for p in descendants if _alive(p)]


def _children(ppid: int) -> list[str]:
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    if int(fh.read().rsplit(")", 1)[1].split()[1]) == ppid:
                        out.append(entry)
            except OSError:
                continue
    return out


def _alive(pid_: int) -> bool:
    return os.path.exists(f"/proc/{pid_}") and _running(pid_)


def test_crawl_extracts_in_worker_processes(fresh_web_dev, web_dev_sites, tmp_path):
    """`crawl --workers 1` extracts through a worker process; a negative count is a usage error."""
    from conftest import run_cli, write_sites_file

    sites = write_sites_file(tmp_path / "sites.toml", fresh_web_dev, web_dev_sites, only=["defencetalks"])
    bad = run_cli("crawl", "--sites", sites, "--db", tmp_path / "db.sqlite3", "--workers", "-1")
    assert bad.returncode == 2 and "extract_workers" in bad.stderr
    run = run_cli("crawl", "--sites", sites, "--db", tmp_path / "db.sqlite3", "--workers", "1",
                  "--out", tmp_path / "out.jsonl")
    assert run.returncode == 0, run.stderr[-2000:]
    assert len((tmp_path / "out.jsonl").read_text().splitlines()) >= 3
    assert "Traceback" not in run.stderr


def test_first_tasks_run_inline_while_the_fork_server_starts():
    """A crawl's first pages do not wait for the fork server: they run in the caller's process."""
    p = WorkerPool(1)

    async def main():
        first = await p.run(pid)
        await p.start()
        return first, await p.run(pid)

    try:
        first, later = asyncio.run(main())
    finally:
        p.close()
    assert first == os.getpid() and p.ran_inline == 1
    assert later != os.getpid()


def test_the_defwatch_script_imports_nothing_new_in_a_worker():
    """multiprocessing runs the parent's main script again in every new worker; the fork server's
    preload already holds what the ``defwatch`` script imports, so a worker starts without imports."""
    import subprocess
    import sys
    from pathlib import Path

    script = Path(sys.executable).parent / "defwatch"
    assert script.exists()
    code = ("import pkgutil, runpy, sys; from crawler.offload import PRELOAD\n"  # runpy needs pkgutil itself
            "for name in PRELOAD[:-1]: __import__(name)\n"  # all but the warm-up
            "before = set(sys.modules)\n"
            f"runpy.run_path({str(script)!r}, run_name='__mp_main__')\n"
            "print(sorted(set(sys.modules) - before))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout
