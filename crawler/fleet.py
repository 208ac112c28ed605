"""A fleet of crawls sharing one PostgreSQL store: ``defwatch crawl --fleet`` (issue 12).

The unit of work is a whole site, leased in the store (``Store.claim_site``): a worker takes a few
sites (``concurrent_requests / concurrent_per_host``, enough to fill its request slots) that have
due feeds or retries and that nobody holds, crawls them, releases them, and takes more. So
each feed is polled once per cycle and each article page fetched once across the fleet, and the
per-host politeness of one crawl (``concurrent_per_host``) is the fleet's, because one host's
requests all come from the one worker that holds its site. A worker renews its leases while it
crawls; one killed with kill -9 stops renewing, and when its leases expire (``fleet_lease``
seconds) another worker takes its sites over and polls all their feeds again, since the dead
worker's deferred validators were never stored and its unfinished pages have no outcome.
"""
from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
import time
from pathlib import Path
from typing import Any

from crawler.config import AppConfig, Site
from crawler.runner import CycleResult
from crawler.store import Store

logger = logging.getLogger(__name__)


def worker_name() -> str:
    """``host:pid:random``: unique across machines and pid reuse."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


class FleetWorker:
    """One worker of the fleet: claims sites, crawls them, renews and releases its leases."""

    def __init__(self, app: AppConfig, sites: list[Site], store: Store, *, force: bool = False,
                 interval: float | None = None):
        self.app, self.sites, self.store, self.force, self.interval = app, sites, store, force, interval
        self.name = worker_name()
        self.lease = app.fleet_lease
        # Enough hosts at a time to fill this worker's request slots, and no more: the other
        # workers get the rest.
        self.batch = max(1, app.concurrent_requests // max(1, app.concurrent_per_host))
        self.done: set[str] = set()
        #: The crawler runner of the batch in flight (a daemon's shutdown stops it).
        self.runner: Any = None

    def beat(self) -> None:
        self.store.heartbeat(self.name, socket.gethostname(), os.getpid(), time.time())

    def claim(self) -> tuple[list[Site], list[Site]]:
        """Sites leased now: (due ones, ones taken over from a worker whose lease expired)."""
        due: list[Site] = []
        taken: list[Site] = []
        now = time.time()
        for site in self.sites:
            if len(due) + len(taken) >= self.batch:
                break
            if site.id in self.done:
                continue
            feeds = set(site.feeds)
            if not (self.store.anything_due(feeds, {site.id}, now) or self.store.abandoned(site.id, now)):
                continue
            got = self.store.claim_site(site.id, self.name, now, self.lease)
            if got is not None:
                (taken if got else due).append(site)
        return due, taken

    def anything_abandoned(self) -> bool:
        """Whether a site's lease expired before its worker finished (a daemon's tick looks)."""
        now = time.time()
        return any(self.store.abandoned(site.id, now) for site in self.sites)

    async def keep_leases(self) -> None:
        """Renew this worker's leases (and heartbeat) every third of a lease while it crawls."""
        while True:
            await asyncio.sleep(self.lease / 3)
            self.store.renew_sites(self.name, time.time() + self.lease)
            self.beat()

    async def run(self) -> CycleResult:
        """One cycle: crawl sites until none is left that is due and free; return the merged counts."""
        from crawler.runner import make_runner, run_cycle

        self.done.clear()
        self.beat()
        self.store.ensure_feeds((site.id, url) for site in self.sites for url in site.feeds)
        stats: dict[str, Any] = {}
        keeper = asyncio.ensure_future(self.keep_leases())
        try:
            while True:
                due, taken = self.claim()
                if not due and not taken:
                    break
                for batch, every in ((taken, True), (due, self.force)):
                    if not batch:
                        continue
                    logger.info("fleet worker %s crawls %s%s", self.name, ",".join(s.id for s in batch),
                                " (taken over)" if every and not self.force else "")
                    self.runner = make_runner(self.app, store=self.store.path, sites=batch, interval=self.interval)
                    result = await run_cycle(self.runner, self.store, force=self.force, all_feeds=every)
                    for key, value in result.stats.items():
                        if isinstance(value, int) and not isinstance(value, bool):
                            stats[key] = stats.get(key, 0) + value
                    for site in batch:
                        self.store.release_site(site.id, self.name)
                        self.done.add(site.id)
                    self.beat()
        finally:
            keeper.cancel()
            self.runner = None
        return CycleResult(stats=stats)


def crawl_fleet(app: AppConfig, sites: list[Site], store: Store, *, force: bool = False) -> tuple[CycleResult, str]:
    """Run one fleet worker on a fresh asyncio reactor; return its counts and its name."""
    from scrapy.utils.defer import deferred_from_coro
    from twisted.internet.task import react

    from crawler.pool import close_pools
    from crawler.runner import install_asyncio_reactor

    install_asyncio_reactor()
    worker = FleetWorker(app, sites, store, force=force)
    holder: dict[str, CycleResult] = {}

    async def main() -> None:
        holder["result"] = await worker.run()

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
