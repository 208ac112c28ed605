"""One crawl cycle, shared by ``defwatch crawl`` and the daemon.

Scrapy runs on the asyncio reactor (``AsyncCrawlerRunner``); a cycle is one FeedSpider run over
the due feeds of the given sites, after which the new and updated records are appended to the
live output when there is one.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawler.config import AppConfig, Site
from crawler.store import Store

ASYNCIO_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
logger = logging.getLogger(__name__)
#: How often a cycle with a live output appends what it has stored so far.
FLUSH_SECONDS = 0.5


def install_asyncio_reactor() -> None:
    from scrapy.utils.reactor import install_reactor, is_asyncio_reactor_installed

    try:
        install_reactor(ASYNCIO_REACTOR)
    except Exception:
        if not is_asyncio_reactor_installed():
            raise


@dataclass
class CycleResult:
    summary: dict[str, dict[str, int]] = field(default_factory=dict)
    stats: dict[str, Any] = field(default_factory=dict)
    exported: int = 0

    @property
    def feeds_polled(self) -> int:
        return sum(s.get("feeds", 0) for s in self.summary.values())

    @property
    def feeds_failed(self) -> int:
        return sum(s.get("feed_errors", 0) for s in self.summary.values())

    @property
    def new(self) -> int:
        return sum(s.get("new", 0) for s in self.summary.values())

    @property
    def updated(self) -> int:
        return sum(s.get("updated", 0) for s in self.summary.values())


async def run_cycle(runner, app: AppConfig, sites: list[Site], store: Store, *, force: bool = False,
                    all_feeds: bool = False, interval: float | None = None, out: Path | None = None) -> CycleResult:
    """Poll the due feeds of ``sites`` once, fetch new articles, store them, export to ``out``."""
    from crawler.export import append_pending
    from spiders.feeds import FeedSpider

    result = CycleResult()
    crawler = runner.create_crawler(FeedSpider)
    # Records reach the live output while the cycle runs, not when its slowest host is done: on
    # a Crawl-delay site the last page of a cycle comes seconds after the first (issue 9).
    flusher = asyncio.ensure_future(_flush_while_crawling(store, out, result)) if out is not None else None
    try:
        await runner.crawl(crawler, sites=sites, store=store, app=app, force=force, all_feeds=all_feeds,
                           interval=interval, summary=result.summary)
        result.stats = dict(crawler.stats.get_stats()) if crawler.stats else {}
        await recover_gaps(runner, app, sites, store, result.summary)
    finally:
        if flusher is not None:
            flusher.cancel()
    if out is not None:
        result.exported += append_pending(store, out)
    return result


async def _flush_while_crawling(store: Store, out: Path, result: CycleResult) -> None:
    """Append stored records to ``out`` every ``FLUSH_SECONDS`` until cancelled."""
    from crawler.export import append_pending

    while True:
        await asyncio.sleep(FLUSH_SECONDS)
        result.exported += append_pending(store, out)


def make_runner(app: AppConfig, **overrides: Any):
    from scrapy.crawler import AsyncCrawlerRunner
    from scrapy.settings import Settings

    from crawler.settings import build_settings

    return AsyncCrawlerRunner(Settings(build_settings(app, **overrides)))


async def run_backfill(runner, app: AppConfig, sites: list[Site], store: Store, *, windows: dict,
                       mode: str = "backfill", run_key: str, summary: dict[str, dict[str, int]] | None = None
                       ) -> dict[str, dict[str, int]]:
    """Walk the sitemaps (or, in ``backfill`` mode, the feed archives) of ``sites`` for their
    ``windows`` (site id -> ``crawler.backfill.Window``) and store the articles found; return
    the per-site summary (sitemaps, candidates, in_window, fetched, new, errors, ...)."""
    from spiders.sitemaps import BackfillSpider

    summary = summary if summary is not None else {}
    crawler = runner.create_crawler(BackfillSpider)
    await runner.crawl(crawler, sites=sites, store=store, app=app, windows=windows, mode=mode, run_key=run_key,
                       summary=summary)
    return summary


async def recover_gaps(runner, app: AppConfig, sites: list[Site], store: Store,
                       summary: dict[str, dict[str, int]]) -> None:
    """Close the open feed gaps of ``sites`` from their sitemaps (never the archive).

    The window of a site runs from the newest entry its feeds showed before the gap to now, so
    no article older than the previous poll's newest entry is fetched. ``summary`` gets
    ``gaps`` and ``recovered`` (articles stored by the recovery) per site.
    """
    from datetime import datetime, timezone

    from crawler.backfill import Window

    open_gaps = store.open_gaps(s.id for s in sites)
    if not open_gaps:
        return
    since: dict[str, float] = {}
    for gap in open_gaps:
        since[gap["site"]] = min(since.get(gap["site"], gap["since"]), gap["since"])
    targets = [s for s in sites if s.id in since]
    windows = {sid: Window(datetime.fromtimestamp(t, timezone.utc)) for sid, t in since.items()}
    key = "recover|" + ",".join(f"{g['id']}" for g in open_gaps)
    found: dict[str, dict[str, int]] = {}
    await run_backfill(runner, app, targets, store, windows=windows, mode="recover", run_key=key, summary=found)
    per_site = {sid: found.get(sid, {}).get("new", 0) for sid in since}
    recovered: dict[int, int] = {}
    for gap in open_gaps:  # a site's recovered articles are credited to its first open gap
        recovered[gap["id"]] = per_site.pop(gap["site"], 0)
    store.close_gaps([g["id"] for g in open_gaps], recovered)
    for gap in open_gaps:
        s = summary.setdefault(gap["site"], {})
        s["gaps"] = s.get("gaps", 0) + 1
        s["recovered"] = s.get("recovered", 0) + recovered[gap["id"]]
