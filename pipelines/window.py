"""WindowPipeline: a backfilled page counts only when it was published in the asked window.

Sitemaps date most pages before they are fetched (``crawler.backfill.classify``); a page they
could not date is fetched, and its extracted ``published`` (else the sitemap's date) decides
here. It also stamps every record with ``found_via`` (``feed`` | ``sitemap`` | ``archive``).
"""
from __future__ import annotations

from typing import Any

from scrapy.exceptions import DropItem

from crawler.backfill import Window, to_datetime


def window_rejection(record: dict[str, Any], window: list[str | None] | None, fallback: str | None) -> str | None:
    """Why a record is outside ``[since, until)``, or None (no window: always inside)."""
    if not window:
        return None
    since, until = to_datetime(window[0]), to_datetime(window[1])
    if since is None:
        return None
    when = to_datetime(record.get("published")) or to_datetime(fallback)
    if when is None:
        return "out-of-window: published unknown"
    if not Window(since, until).contains(when):
        return f"out-of-window: published {when.isoformat()}"
    return None


class WindowPipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        record = item["record"]
        record["found_via"] = item.get("found_via") or "feed"
        reason = window_rejection(record, item.get("window"), item.get("sitemap_date"))
        if reason:
            self.stats.inc_value("defwatch/window/out")
            raise DropItem(reason)
        return item
