"""WindowPipeline: a backfilled page counts only when it was published in the asked window.

Sitemaps date most pages before they are fetched (``crawler.backfill.classify``); a page they
could not date is fetched, and its extracted ``published`` (else the sitemap's date) decides
here. A page outside the window ends as the outcome ``out-of-window`` (``pipelines/outcome.py``),
whose detail names the date, so a later run with another window can tell. The record's
``found_via`` is set by ``pipelines/normalize.py`` from the page.

Stats: ``defwatch/window/out``, ``defwatch/site/<id>/out_of_window``.
"""
from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler

from crawler.backfill import Window, to_datetime
from crawler.items import ArticlePage
from pipelines.outcome import PageOutcome


def window_rejection(published: str | None, window: tuple[str, str | None] | None,
                     fallback: str | None) -> str | None:
    """Why a record published at ``published`` is outside ``[since, until)``, or None (no window: inside)."""
    if not window:
        return None
    since, until = to_datetime(window[0]), to_datetime(window[1])
    if since is None:
        return None
    when = to_datetime(published) or to_datetime(fallback)
    if when is None:
        return "out-of-window: published unknown"
    if not Window(since, until).contains(when):
        return f"out-of-window: published {when.isoformat()}"
    return None


class WindowPipeline:
    def __init__(self, crawler: Crawler):
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WindowPipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticlePage):
            return item
        page = item.page
        reason = window_rejection(item.article.published, page.window, page.sitemap_date)
        if reason:
            self.stats.inc_value("defwatch/window/out")
            self.stats.inc_value(f"defwatch/site/{page.site}/out_of_window")
            raise PageOutcome("out-of-window", reason.split(": ", 1)[1])
        return item
