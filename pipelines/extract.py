"""ExtractPipeline: raw page bytes -> ``Extracted`` fields (metadata, main content, clean body).

The work is done by the pure ``pipelines.article.extract_page``; this component only wires it to
Scrapy: it passes the site and feed entry, counts boilerplate hits as stats, and drops a page
that cannot be read.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Any

from scrapy.exceptions import DropItem

from crawler.items import FeedEntry
from crawler.extraction import ExtractError, extract_page


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
    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        spider = self.crawler.spider
        site = spider.sites[item["site"]]
        entry = item.get("entry")
        feed_entry = FeedEntry(**{**entry, "authors": tuple(entry.get("authors") or ()),
                                  "tags": tuple(entry.get("tags") or ())}) if entry else None
        size = markup_size(item["body"])
        if size > MAX_PAGE_MARKUP:
            raise DropItem(f"too-large: {size} bytes of markup besides scripts and styles; not an article page")
        stats: Counter[str] = Counter()
        try:
            item["extracted"] = extract_page(item["body"], item["url"], site=site, entry=feed_entry, stats=stats)
        except ExtractError as exc:
            raise DropItem(f"parse-error: {exc}") from None
        finally:
            for key, n in stats.items():
                self.crawler.stats.inc_value(f"defwatch/{key}", n)
        return item
