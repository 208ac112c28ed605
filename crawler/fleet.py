"""A fleet of crawls sharing one PostgreSQL store: ``crawl --fleet`` and ``daemon --fleet`` (issue 12).

The distribution is procrastinate's (jobs on PostgreSQL, in the store's database). The unit of
work is a site: whoever finds a site due defers one job "crawl site S" with ``queueing_lock=S``
(at most one job per site waiting, so workers deferring the same due site at once make one job)
and ``lock=<host>`` (at most one job per host running, so one host's requests all come from one
worker's crawl and its ``concurrent_per_host`` is the fleet's). Each worker runs procrastinate's
worker on the asyncio loop Scrapy already uses and crawls each site it is given with a Scrapy
crawl of that site alone, up to ``concurrent_requests / concurrent_per_host`` sites at a time.

A job looks again before it crawls: a site polled meanwhile (a second job deferred while the
first ran) is skipped, so each feed is polled once per cycle. A worker heartbeats every third of
``fleet_lease``; one killed with kill -9 stops, and once its heartbeat is ``fleet_lease`` seconds
old any worker puts its running jobs back in the queue (``recover``, the stalled-job recovery
procrastinate leaves to its users). A job run again (``attempts > 0``) polls all its site's feeds:
the dead worker's validators were never stored and its unfinished pages have no outcome, so
nothing is lost, and records are unique by id and version, so nothing is doubled. A daemon
stopped by SIGTERM puts its unfinished jobs back the same way.
"""
from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
import time
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from crawler.config import AppConfig, Site
from crawler.runner import CycleResult
from crawler.store import Store
from crawler.store_fleet import QUEUE

logger = logging.getLogger(__name__)

#: The procrastinate task of the fleet.
TASK = "defwatch.crawl_site"
#: Seconds between two looks at the queue by a ``crawl --fleet`` (is the cycle done? anyone dead?).
WATCH_S = 0.5
#: Crawls one worker runs at a time, and how long it lets site jobs gather before it starts one.
MAX_CRAWLS, GATHER_S = 2, 0.3


def worker_name() -> str:
    """``host:pid:random``: unique across machines and pid reuse."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


def allowed_hosts(sites: list[Site]) -> list[str]:
    """The host of every site, feed and sitemap URL of ``sites``."""
    from urllib.parse import urlsplit

    from crawler.middlewares.address_guard import configured_urls

    return sorted({(urlsplit(url).hostname or "").lower() for url in configured_urls(sites)} - {""})


class Interrupted(Exception):
    """The daemon stopped a site's crawl before it finished: its job goes back to the queue."""


#: Runs of a site job that failed with an error (a lost database connection, ...) before it stays failed.
MAX_FAILED_RUNS = 3


def _put_back() -> Any:
    """The task's retry strategy: an interrupted or aborted crawl is queued again at once, and so
    is a failed one, up to MAX_FAILED_RUNS runs."""
    from procrastinate import BaseRetryStrategy, RetryDecision

    class PutBack(BaseRetryStrategy):
        def get_retry_decision(self, *, exception: BaseException, job: Any) -> RetryDecision | None:
            if isinstance(exception, Interrupted | asyncio.CancelledError) or job.attempts + 1 < MAX_FAILED_RUNS:
                return RetryDecision(retry_at=datetime.now(UTC))
            return None

    return PutBack()


class FleetWorker:
    """One worker of the fleet: defers the due sites' jobs, runs procrastinate's worker, crawls."""

    def __init__(self, app: AppConfig, sites: list[Site], store: Store, *, force: bool = False,
                 interval: float | None = None, **overrides: Any):
        self.app, self.sites, self.store, self.force, self.interval = app, sites, store, force, interval
        # Several site crawls run at once in this process, each with its own crawler, and the
        # address guard's resolver is the reactor's, installed by whichever crawler opened last:
        # each crawler allows the hosts of every site of this worker, so none refuses another's.
        self.overrides = {"DEFWATCH_ALLOWED_HOSTS": allowed_hosts(sites), **overrides}
        self.by_id = {site.id: site for site in sites}
        self.name = worker_name()
        self.lease = app.fleet_lease
        # Enough sites at a time to fill this worker's request slots, and no more: the other
        # workers get the rest.
        self.concurrency = max(1, app.concurrent_requests // max(1, app.concurrent_per_host))
        self.stats: dict[str, Any] = {}
        #: The crawler runner of each job in flight (job id -> runner): a daemon's shutdown stops them.
        self.runners: dict[int, Any] = {}
        self.interrupted: set[int] = set()
        #: Site jobs waiting for a crawl, by (all feeds, force): (site, job id, its crawl's result).
        self.waiting: dict[tuple[bool, bool], list[tuple[Site, int, asyncio.Future[CycleResult]]]] = {}
        self.crawls = 0
        self._gathering = False
        self.stopping = False
        #: Called as ``on_result(result, seconds)`` after each site crawled (the daemon logs a line).
        self.on_result: Any = None
        self.queue: Any = None
        self.task: Any = None
        self.worker: Any = None
        self.serving: asyncio.Future[Any] | None = None

    # ------------------------------------------------------------ lifecycle
    async def open(self) -> None:
        """Connect procrastinate to the store's database and register the site task."""
        from procrastinate import App, PsycopgConnector

        logging.getLogger("procrastinate").setLevel(logging.WARNING)
        self.queue = App(connector=PsycopgConnector(conninfo=str(self.store.path), min_size=1, max_size=4))
        self.task = self.queue.task(name=TASK, queue=QUEUE, pass_context=True, retry=_put_back())(self.crawl_site)
        await self.queue.open_async()

    def start(self) -> None:
        """Run procrastinate's worker in the background, on this loop, until ``stop``."""
        from procrastinate.worker import Worker

        self.worker = Worker(app=self.queue, queues=[QUEUE], name=self.name, concurrency=self.concurrency,
                             install_signal_handlers=False, fetch_job_polling_interval=1.0,
                             update_heartbeat_interval=min(10.0, self.lease / 3), stalled_worker_timeout=self.lease,
                             delete_jobs="successful", additional_context={})
        self.serving = asyncio.ensure_future(self.worker.run())
        asyncio.ensure_future(self._join())

    async def _join(self) -> None:
        """Put this worker on the store's roster once procrastinate has given it an id."""
        while self.worker.worker_id is None and self.serving is not None and not self.serving.done():
            await asyncio.sleep(0.02)
        self.store.join_fleet(self.name, socket.gethostname(), os.getpid(), self.worker.worker_id, time.time())

    async def stop(self, *, grace: float, stop_timeout: float) -> None:
        """Take no more jobs; give the running crawls ``grace`` seconds, then stop them; a crawl
        still running a second later is cancelled. Either way its job goes back to the queue."""
        self.stopping = True
        if self.worker is None or self.serving is None:
            return
        # procrastinate's worker cancels the jobs still running then (a cancelled job is put back,
        # _put_back), persists their status and unregisters; stop_timeout bounds it all.
        self.worker.shutdown_graceful_timeout = grace + min(1.0, stop_timeout / 3)
        self.worker.stop()
        await asyncio.wait({self.serving}, timeout=grace)
        if not self.serving.done():
            self.interrupted.update(self.runners)
            for runner in set(self.runners.values()):
                asyncio.ensure_future(runner.stop())
            await asyncio.wait({self.serving}, timeout=stop_timeout)
        if not self.serving.done():
            logger.warning("fleet worker %s: crawls still running after %.0f s", self.name, grace + stop_timeout)

    async def close(self) -> None:
        if self.serving is not None and self.serving.done() and not self.serving.cancelled():
            with suppress(Exception):
                self.serving.result()
        self.store.leave_fleet(self.name, time.time())
        if self.queue is not None:
            await self.queue.close_async()

    # ------------------------------------------------------------ the queue
    async def defer_due(self) -> int:
        """Defer one job per site that has something due (or every site: ``force``); return how many."""
        from procrastinate.exceptions import AlreadyEnqueued

        deferred, now = 0, time.time()
        # A site being crawled looks due until its feeds' polls are stored: its next job would
        # only find nothing to do (and hold its host's lock meanwhile).
        running = self.store.sites_running()
        for site in self.sites:
            if site.id in running or not (self.force or self.store.anything_due(set(site.feeds), {site.id}, now)):
                continue
            try:
                await self.task.configure(queueing_lock=site.id, lock=site.host).defer_async(
                    site=site.id, since=now, force=self.force)
                deferred += 1
            except AlreadyEnqueued:  # another worker deferred it first: one job waits per site
                pass
        return deferred

    async def recover(self) -> int:
        """Put back in the queue the jobs of workers whose heartbeat is ``fleet_lease`` seconds old."""
        from procrastinate.exceptions import ConnectorException, UniqueViolation

        manager = self.queue.job_manager
        recovered = 0
        for job in await manager.get_stalled_jobs(queue=QUEUE, seconds_since_heartbeat=self.lease):
            try:
                await manager.retry_job(job)
            except UniqueViolation:
                # A newer job of the site waits (queueing lock): the stalled one, which knows it was
                # interrupted, takes its place.
                for waiting in await manager.list_jobs_async(queue=QUEUE, queueing_lock=job.queueing_lock,
                                                             status="todo"):
                    with suppress(ConnectorException):
                        await manager.cancel_job_by_id_async(waiting.id, delete_job=True)
                with suppress(ConnectorException):
                    await manager.retry_job(job)
            except ConnectorException:  # another worker put it back first
                continue
            logger.warning("fleet worker %s: site %s taken over from a worker without heartbeat",
                           self.name, job.task_kwargs.get("site"))
            recovered += 1
        return recovered

    # ------------------------------------------------------------ the task
    def still_due(self, site: Site, since: float, force: bool) -> bool:
        """Whether a site's job has work: a forced one, feeds not polled since it was deferred."""
        if force:
            return any((feed.last_poll_at or 0) < since for feed in self.store.feeds([site.id]))
        return self.store.anything_due(set(site.feeds), {site.id}, time.time())

    async def crawl_site(self, context: Any, *, site: str, since: float, force: bool = False) -> dict[str, int]:
        """The job: crawl one site (all its feeds when the job is run again after an interruption)."""
        job = context.job
        chosen = self.by_id.get(site)
        if chosen is None:
            logger.warning("fleet worker %s: job for site %r, which is not in this worker's sites", self.name, site)
            return {"skipped": 1}
        again = job.attempts > 0
        if not again and not self.still_due(chosen, since, force):
            return {"skipped": 1}  # polled meanwhile, by the job deferred before this one
        logger.info("fleet worker %s crawls %s%s", self.name, site, " (taken over)" if again else "")
        done: asyncio.Future[CycleResult] = asyncio.get_running_loop().create_future()
        self.waiting.setdefault((again or force, force), []).append((chosen, job.id, done))
        self._launch_soon()
        result = await done
        if job.id in self.interrupted:
            raise Interrupted(site)
        self.store.site_done(self.name)
        counts = result.summary.get(site, {})
        return {"feeds": counts.get("feeds", 0), "new": counts.get("new", 0)}

    # ------------------------------------------------------------ crawls of several sites
    # Each site crawl opens its own store connections (spider, pipelines, middlewares: five), so
    # a crawl per job would need concurrency x 5 connections per worker (too many clients for a
    # default server with three workers). The site jobs taken together crawl together instead, in
    # at most MAX_CRAWLS crawls at a time, as one crawl of several sites always has.

    def _launch_soon(self) -> None:
        if not self._gathering and self.crawls < MAX_CRAWLS:
            self._gathering = True
            asyncio.ensure_future(self._launch())

    async def _launch(self) -> None:
        """After a moment (the jobs fetched together arrive), start a crawl of each waiting group."""
        await asyncio.sleep(GATHER_S)
        self._gathering = False
        if self.stopping:  # no new crawl: the waiting jobs go back to the queue
            for jobs in self.waiting.values():
                for _, _, done in jobs:
                    if not done.done():
                        done.set_exception(Interrupted("stopping"))
            self.waiting.clear()
            return
        for key in list(self.waiting):
            if self.waiting[key] and self.crawls < MAX_CRAWLS:
                self.crawls += 1
                asyncio.ensure_future(self._crawl(self.waiting.pop(key), all_feeds=key[0], force=key[1]))

    async def _crawl(self, jobs: list[tuple[Site, int, asyncio.Future[CycleResult]]], *, all_feeds: bool,
                     force: bool) -> None:
        from crawler.runner import make_runner, run_cycle

        runner = make_runner(self.app, store=self.store.path, sites=[site for site, _, _ in jobs],
                             interval=self.interval, **self.overrides)
        for _, job_id, _ in jobs:
            self.runners[job_id] = runner
        started = time.monotonic()
        try:
            result = await run_cycle(runner, self.store, force=force, all_feeds=all_feeds)
        except BaseException as exc:
            for _, _, done in jobs:
                if not done.done():  # a job cancelled by a shutdown is done already
                    done.set_exception(exc if isinstance(exc, Exception) else Interrupted("cancelled"))
            return
        else:
            for key, value in result.stats.items():
                if isinstance(value, int) and not isinstance(value, bool):
                    self.stats[key] = self.stats.get(key, 0) + value
            for _, _, done in jobs:
                if not done.done():
                    done.set_result(result)
            if self.on_result is not None:
                self.on_result(result, time.monotonic() - started)
        finally:
            for _, job_id, _ in jobs:
                self.runners.pop(job_id, None)
            self.crawls -= 1
            if any(self.waiting.values()):
                self._launch_soon()

    # ------------------------------------------------------------ one cycle (crawl --fleet)
    async def run_once(self) -> CycleResult:
        """Defer the due sites, crawl with the fleet until no job is running or ready; return the counts."""
        self.store.ensure_feeds((site.id, url) for site in self.sites for url in site.feeds)
        await self.recover()
        await self.defer_due()
        self.start()
        assert self.serving is not None
        looked = time.monotonic()
        while not self.serving.done():
            await asyncio.sleep(WATCH_S)
            if time.monotonic() - looked >= min(5.0, self.lease / 3):
                looked = time.monotonic()
                await self.recover()  # a dead worker's sites, once its heartbeat is old enough
            if self.store.fleet_pending() == 0:
                self.worker.stop()
                break
        await self.serving
        return CycleResult(stats=dict(self.stats))


def crawl_fleet(app: AppConfig, sites: list[Site], store: Store, *, force: bool = False) -> tuple[CycleResult, str]:
    """Run one fleet worker for one cycle on a fresh asyncio reactor; return its counts and its name."""
    from scrapy.utils.defer import deferred_from_coro
    from twisted.internet.task import react

    from crawler.pool import close_pools
    from crawler.runner import install_asyncio_reactor

    install_asyncio_reactor()
    worker = FleetWorker(app, sites, store, force=force)
    holder: dict[str, CycleResult] = {}

    async def main() -> None:
        await worker.open()
        try:
            holder["result"] = await worker.run_once()
        finally:
            await worker.close()

    try:
        react(lambda reactor: deferred_from_coro(main()))
    except SystemExit as exc:
        if exc.code not in (0, None):
            raise RuntimeError(f"crawl failed (exit {exc.code})") from None
    finally:
        close_pools()
    if "result" not in holder:
        raise RuntimeError("the crawl did not complete")
    return holder["result"], worker.name


def needs_server(db: Path | str) -> str | None:
    """Why ``--fleet`` cannot use ``db`` (None when it can)."""
    from crawler.db import is_url

    return None if is_url(db) else "--fleet needs a PostgreSQL store (--db postgresql://USER@HOST:PORT/DB)"
