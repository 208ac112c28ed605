"""One crawl cycle, shared by ``defwatch crawl`` and the daemon.

Scrapy runs on the asyncio reactor (``AsyncCrawlerRunner``); a cycle is one FeedSpider run over
the due feeds of the runner's sites (its settings name the store, the sites and the config),
after which the open feed gaps are closed from sitemaps (``run_backfill`` in ``recover`` mode) and
the new and updated records are appended to the live output (also every ``FLUSH_SECONDS`` while
the cycle runs). ``defwatch backfill`` runs ``run_backfill`` alone.
"""
from __future__ import annotations

import asyncio
import gc
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crawler.config import AppConfig, Site
from crawler.store import Store

if TYPE_CHECKING:
    from crawler.backfill import Window

ASYNCIO_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
#: Prefix of the per-site stats the spider and the pipelines count (``.../<site>/<key>``).
SITE_STATS = "defwatch/site/"
logger = logging.getLogger(__name__)
#: How often a cycle with a live output appends what it has stored so far.
FLUSH_SECONDS = 0.5
#: How long a stored article may wait for its commit (``crawler.db.Database.hold_commits``).
COMMIT_SECONDS = 0.25


def install_asyncio_reactor() -> None:
    from scrapy.utils.reactor import install_reactor, is_asyncio_reactor_installed

    try:
        install_reactor(ASYNCIO_REACTOR)
    except Exception:
        if not is_asyncio_reactor_installed():
            raise


@dataclass
class CycleResult:
    """What a cycle did: per-site counts (from the ``defwatch/site/<id>/<key>`` stats), all stats."""

    stats: dict[str, Any] = field(default_factory=dict)
    exported: int = 0
    summary: dict[str, dict[str, int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for key, value in self.stats.items():
            if key.startswith(SITE_STATS) and isinstance(value, int):
                site, _, name = key[len(SITE_STATS):].rpartition("/")
                self.summary.setdefault(site, {})[name] = value

    def total(self, name: str) -> int:
        return sum(s.get(name, 0) for s in self.summary.values())

    @property
    def feeds_polled(self) -> int:
        return self.total("feeds")

    @property
    def feeds_failed(self) -> int:
        return self.total("feed_errors")

    @property
    def new(self) -> int:
        return self.total("new")

    @property
    def updated(self) -> int:
        return self.total("updated")


async def run_cycle(runner: Any, store: Store, *, force: bool = False, all_feeds: bool = False,
                    out: Path | None = None) -> CycleResult:
    """Poll the due feeds once, fetch new articles, close feed gaps, store them, export to ``out``."""
    from crawler.export import append_pending
    from spiders.feeds import FeedSpider

    crawler = runner.create_crawler(FeedSpider)
    exported = [0]
    # The crawl's components share this store's connection (crawler.db.connect): their writes
    # commit in groups; what a crash loses of the last group is fetched again next cycle.
    store.db.hold_commits(COMMIT_SECONDS)
    # Records reach the live output while the cycle runs, not when its slowest host is done: on
    # a Crawl-delay site the last page of a cycle comes seconds after the first (issue 9).
    flusher = asyncio.ensure_future(_flush_while_crawling(store, out, exported)) if out is not None else None
    try:
        await runner.crawl(crawler, force=force, all_feeds=all_feeds)
        result = CycleResult(stats=dict(crawler.stats.get_stats()) if crawler.stats else {})
        await recover_gaps(runner, store, result)
    finally:
        if flusher is not None:
            flusher.cancel()
        store.db.release_commits()
    result.exported = exported[0]
    if out is not None:
        result.exported += append_pending(store, out)
    return result


async def _flush_while_crawling(store: Store, out: Path, exported: list[int]) -> None:
    """Append stored records to ``out`` every ``FLUSH_SECONDS`` until cancelled."""
    from crawler.export import append_pending

    while True:
        await asyncio.sleep(FLUSH_SECONDS)
        exported[0] += append_pending(store, out)


async def run_backfill(runner: Any, *, windows: dict[str, Window], mode: str = "backfill", run_key: str,
                       live: dict[str, Any] | None = None) -> CycleResult:
    """Walk the sitemaps (or, in ``backfill`` mode, the feed archives) of the sites in ``windows``
    (site id -> ``crawler.backfill.Window``) and store the articles found.

    The result's per-site summary has sitemaps, candidates, in_window, fetched, new, errors, ...;
    ``live["crawler"]`` is the running crawler (its stats show the progress).
    """
    from spiders.sitemaps import BackfillSpider

    crawler = runner.create_crawler(BackfillSpider)
    if live is not None:
        live["crawler"] = crawler
    await runner.crawl(crawler, windows=windows, mode=mode, run_key=run_key)
    return CycleResult(stats=dict(crawler.stats.get_stats()) if crawler.stats else {})


async def recover_gaps(runner: Any, store: Store, result: CycleResult) -> None:
    """Close the open feed gaps of the runner's sites from their sitemaps (never the archive).

    The window of a site runs from the newest entry its feeds showed before the gap to now, so
    no article older than the previous poll's newest entry is fetched. ``result.summary`` gets
    ``gaps`` and ``recovered`` (articles stored by the recovery) per site.
    """
    from crawler.backfill import Window

    sites = runner.settings.get("DEFWATCH_SITES") or ()
    open_gaps = store.open_gaps(s.id for s in sites)
    if not open_gaps:
        return
    since: dict[str, float] = {}
    for gap in open_gaps:
        since[gap.site] = min(since.get(gap.site, gap.since), gap.since)
    windows = {sid: Window(datetime.fromtimestamp(t, UTC)) for sid, t in since.items()}
    key = "recover|" + ",".join(str(g.id) for g in open_gaps)
    found = await run_backfill(runner, windows=windows, mode="recover", run_key=key)
    per_site = {sid: found.summary.get(sid, {}).get("new", 0) for sid in since}
    recovered: dict[int, int] = {}
    for gap in open_gaps:  # a site's recovered articles are credited to its first open gap
        recovered[gap.id] = per_site.pop(gap.site, 0)
    store.close_gaps(recovered)
    for gap in open_gaps:
        s = result.summary.setdefault(gap.site, {})
        s["gaps"] = s.get("gaps", 0) + 1
        s["recovered"] = s.get("recovered", 0) + recovered[gap.id]


def make_runner(app: AppConfig, *, store: Path | str, sites: list[Site], interval: float | None = None,
                **overrides: Any) -> Any:
    """An ``AsyncCrawlerRunner`` whose crawls poll ``sites`` into ``store``."""
    from scrapy.crawler import AsyncCrawlerRunner
    from scrapy.settings import Settings

    from crawler.settings import build_settings
    from crawler.startup import import_download_modules

    import_download_modules()
    runner = AsyncCrawlerRunner(Settings(build_settings(app, store=store, sites=sites, interval=interval,
                                                        **overrides)))
    _freeze_startup_objects()
    return runner


_FROZEN = False


def _freeze_startup_objects() -> None:
    """Leave the objects of start-up (modules, classes, Scrapy's and Twisted's tables: ~80,000)
    out of every later garbage collection: each full collection traversed them all, for nothing."""
    global _FROZEN
    if not _FROZEN:  # once a process: a daemon's later objects stay collectable
        _FROZEN = True
        gc.freeze()
