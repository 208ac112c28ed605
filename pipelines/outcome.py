"""OutcomePipeline: the one place where a page that did not become an article gets its outcome.

A ``PageOutcome`` (a ``DropItem``) raised by any pipeline, and every ``FailedPage`` the spider
yields (gone, timeout, robots-denied, ...), end here: the outcome is written to the store in one
transaction with the page's retry time (``crawler.decisions.retry_time``) and, for a final
outcome, the feed entry's identities. A duplicate within the crawl only remembers its route.

Settings: ``DEFWATCH_STORE`` (required, else ``NotConfigured``), ``DEFWATCH_INTERVAL``.
Stats: ``defwatch/pages/<outcome>``, ``defwatch/site/<id>/errors``.
"""
from __future__ import annotations

import logging
import time
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured

from crawler.decisions import retry_time
from crawler.items import ArticlePage, ExtractedPage, FailedPage, FeedEntry, FetchedPage, entry_keys
from crawler.middlewares import BUDGET_SPENT
from crawler.store import Store

logger = logging.getLogger(__name__)

#: Outcomes that are the page's own nature, not an error of the crawl (not counted as errors).
NOT_ERRORS = frozenset({"gone", "not-an-article", "out-of-window"})


class PageOutcome(DropItem):
    """Why a page is dropped: its ``outcome`` (``not-an-article``, ``parse-error``, ``too-large``,
    ``duplicate``, ...), a ``detail`` for people, and whether a later crawl ``retry``-es it."""

    def __init__(self, outcome: str, detail: str | None = None, *, retry: bool = False):
        super().__init__(f"{outcome}: {detail}" if detail else outcome)
        self.outcome = outcome
        self.detail = detail
        self.retry = retry


class OutcomePipeline:
    def __init__(self, crawler: Crawler):
        path = crawler.settings.get("DEFWATCH_STORE")
        if not path:
            raise NotConfigured("DEFWATCH_STORE is not set")
        self.store = Store(path)
        self.stats = crawler.stats
        interval = crawler.settings.get("DEFWATCH_INTERVAL")
        self.fixed_interval = float(interval) if interval is not None else None
        crawler.signals.connect(self.item_dropped, signal=signals.item_dropped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> OutcomePipeline:
        return cls(crawler)

    def close_spider(self) -> None:
        self.store.close()

    def process_item(self, item: Any) -> Any:
        if isinstance(item, FailedPage):
            raise PageOutcome(item.outcome, item.detail, retry=item.retry)
        return item

    def item_dropped(self, item: Any, exception: BaseException, **kwargs: Any) -> None:
        if not isinstance(exception, PageOutcome):
            return
        if isinstance(item, FailedPage):
            self.record(item.site, item.url, item.keys, item.entry, item.feed_url, exception, item.detail,
                        item.http_status)
            return
        page: FetchedPage = item.page if isinstance(item, (ExtractedPage, ArticlePage)) else item
        keys = item.keys if isinstance(item, ArticlePage) else page.keys
        if exception.outcome == "duplicate":
            # Another route to an article stored in this crawl: remember this route too.
            self.store.remember_entries(page.site, page.entry_keys, keys[0] if keys else "",
                                        page.entry.stamp if page.entry else None, page.feed_url)
            return
        self.record(page.site, page.url, keys, page.entry, page.feed_url, exception, str(exception),
                    page.http_status)

    def record(self, site: str, url: str, keys: list[str], entry: FeedEntry | None, feed_url: str | None,
               outcome: PageOutcome, detail: str | None, status: int | None) -> None:
        """Write one page's outcome (and its retry time) in one transaction."""
        self.stats.inc_value(f"defwatch/pages/{outcome.outcome}")
        if outcome.outcome not in NOT_ERRORS:
            self.stats.inc_value(f"defwatch/site/{site}/errors")
        logger.info("page %s: %s", url, outcome)
        budget_spent = BUDGET_SPENT in (detail or "")
        now = time.time()
        self.store.record_outcome(
            site=site, url=url, page_keys=keys, outcome=outcome.outcome, detail=detail,
            http_status=status, entry_keys=[] if entry is None else entry_keys(site, entry),
            entry_updated=entry.stamp if entry else None, feed_url=feed_url, entry=entry,
            retry_at=(lambda attempts: retry_time(attempts, now, budget_spent=budget_spent,
                                                  fixed_interval=self.fixed_interval)) if outcome.retry else None)

