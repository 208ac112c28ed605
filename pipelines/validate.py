"""ValidatePipeline: only articles become records.

Drops (``DropItem(reason)``, one stat per reason) video, podcast, event, webinar, gallery and
index pages, and pages without a title or with too little text to be an article.
"""
from __future__ import annotations

from typing import Any

from scrapy.exceptions import DropItem

from crawler.text import word_count

#: Fewer words than this in the body: not an article (a teaser, a landing page, an error page).
MIN_BODY_WORDS = 40
#: More characters than this: not an article but a dump (a 5 MB one-line page, a data file).
MAX_BODY_CHARS = 400_000
#: Page kinds that are text news: an article, or a live blog (a story told in timed updates).
ARTICLE_KINDS = frozenset({"article", "live"})


def rejection(item_kind: str, record: dict[str, Any]) -> str | None:
    """Why a record is not an article, or None."""
    if item_kind not in ARTICLE_KINDS:
        return f"not-an-article: {item_kind} page"
    if not record.get("title"):
        return "not-an-article: no title"
    words = word_count(record.get("body") or "")
    if words < MIN_BODY_WORDS:
        return f"not-an-article: body of {words} words"
    if len(record.get("body") or "") > MAX_BODY_CHARS:
        return f"not-an-article: body of {len(record['body'])} characters"
    return None


class ValidatePipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        reason = rejection(item["extracted"].kind, item["record"])
        if reason:
            self.stats.inc_value("defwatch/validate/" + reason.split(": ", 1)[-1].split(" ")[0])
            raise DropItem(reason)
        return item
