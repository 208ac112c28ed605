"""ExtractPipeline: ``FetchedPage`` -> ``ExtractedPage`` (metadata, main content, clean body).

The work is done by the pure ``crawler.extraction.extract_page``; this component only wires it to
Scrapy: it passes the site and feed entry, counts boilerplate hits as stats, and drops a page
that cannot be read. Extraction is the crawl's CPU work, so it runs in worker processes
(``crawler.pool``, ``extract_workers`` in app.toml, ``--workers``) that the pipeline awaits:
the reactor keeps downloading and answering signals meanwhile, and every core works.
"""
from __future__ import annotations

import re
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawler.config import AppConfig
from crawler.items import ExtractedPage, FetchedPage
from crawler.offload import extract_in_worker
from crawler.pool import WorkerLost, WorkerPool, crawl_pool
from pipelines.outcome import PageOutcome

#: More markup than this, once scripts, styles, comments and SVG are set aside, is not an article
#: page (a data dump, filler, a hostile page): it would hold the crawl's only thread for seconds.
MAX_PAGE_MARKUP = 3 * 1024 * 1024
_CODE = re.compile(rb"<(script|style|svg|noscript)\b.*?</\1\s*>|<!--.*?-->", re.IGNORECASE | re.DOTALL)


def markup_size(body: bytes) -> int:
    """Bytes of a page that are not scripts, styles, comments or inline SVG."""
    if len(body) <= MAX_PAGE_MARKUP:
        return len(body)
    return len(body) - sum(m.end() - m.start() for m in _CODE.finditer(body))


class ExtractPipeline:
    """Settings: ``DEFWATCH_SITES`` (required, else ``NotConfigured``), ``DEFWATCH_APP``
    (``extract_workers``: 0 = one per core; ``extract_worker_pages``). Stats: ``defwatch/extract/...``."""

    def __init__(self, crawler: Crawler):
        sites = crawler.settings.get("DEFWATCH_SITES")
        if not sites:
            raise NotConfigured("DEFWATCH_SITES is not set")
        self.sites = {site.id: site for site in sites}
        self.stats = crawler.stats
        self.app = crawler.settings.get("DEFWATCH_APP") or AppConfig()
        self._pool: WorkerPool | None = None

    def pool(self) -> WorkerPool:
        """The process's worker pool (kept across a daemon's crawls); it starts on the first page."""
        if self._pool is None:
            # The fork server imports the task's module once; workers are forks of it.
            self._pool = crawl_pool(self.app)
        return self._pool

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractPipeline:
        return cls(crawler)

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, FetchedPage):
            return item
        size = markup_size(item.body)
        if size > MAX_PAGE_MARKUP:
            raise PageOutcome("too-large", f"{size} bytes of markup besides scripts and styles; not an article page")
        args = (item.body, item.url, self.sites[item.site], item.entry, item.content_type)
        try:
            extracted, error, stats, signals = await self.pool().run(extract_in_worker, *args)
        except WorkerLost as exc:  # killed (out of memory?) on this page: recorded, retried later
            raise PageOutcome("parse-error", str(exc), retry=True) from None
        for key, n in stats.items():
            self.stats.inc_value(f"defwatch/{key}", n)
        if extracted is None:
            raise PageOutcome("parse-error", error, retry=True)
        return ExtractedPage(page=item, extracted=extracted, signals=signals)
