"""One crawl cycle, shared by ``defwatch crawl`` and the daemon.

Scrapy runs on the asyncio reactor (``AsyncCrawlerRunner``); a cycle is one FeedSpider run over
the due feeds of the runner's sites (its settings name the store, the sites and the config),
after which the new and updated records are appended to the live output when there is one.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawler.config import AppConfig, Site
from crawler.store import Store

ASYNCIO_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
#: Prefix of the per-site stats the spider and the pipelines count (``.../<site>/<key>``).
SITE_STATS = "defwatch/site/"
logger = logging.getLogger(__name__)


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
    """Poll the due feeds once, fetch new articles, store them, export to ``out``."""
    from crawler.export import append_pending
    from spiders.feeds import FeedSpider

    crawler = runner.create_crawler(FeedSpider)
    await runner.crawl(crawler, force=force, all_feeds=all_feeds)
    result = CycleResult(stats=dict(crawler.stats.get_stats()) if crawler.stats else {})
    if out is not None:
        result.exported = append_pending(store, out)
    return result


def make_runner(app: AppConfig, *, store: Path | str, sites: list[Site], interval: float | None = None,
                **overrides: Any) -> Any:
    """An ``AsyncCrawlerRunner`` whose crawls poll ``sites`` into ``store``."""
    from scrapy.crawler import AsyncCrawlerRunner
    from scrapy.settings import Settings

    from crawler.settings import build_settings

    return AsyncCrawlerRunner(Settings(build_settings(app, store=store, sites=sites, interval=interval,
                                                      **overrides)))
