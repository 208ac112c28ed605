"""ExtractPipeline: ``FetchedPage`` -> ``ExtractedPage`` (metadata, main content, clean body).

The work is done by the pure ``crawler.extraction.extract_page``; this component only wires it to
Scrapy: it passes the site and feed entry, counts boilerplate hits as stats, and drops a page
that cannot be read.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawler.extraction import ExtractError, extract_page
from crawler.items import ExtractedPage, FetchedPage
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
    """Settings: ``DEFWATCH_SITES`` (required, else ``NotConfigured``). Stats: ``defwatch/extract/...``."""

    def __init__(self, crawler: Crawler):
        sites = crawler.settings.get("DEFWATCH_SITES")
        if not sites:
            raise NotConfigured("DEFWATCH_SITES is not set")
        self.sites = {site.id: site for site in sites}
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractPipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, FetchedPage):
            return item
        size = markup_size(item.body)
        if size > MAX_PAGE_MARKUP:
            raise PageOutcome("too-large", f"{size} bytes of markup besides scripts and styles; not an article page")
        stats: Counter[str] = Counter()
        try:
            extracted = extract_page(item.body, item.url, site=self.sites[item.site], entry=item.entry, stats=stats,
                                     headers={"Content-Type": item.content_type})
        except ExtractError as exc:
            raise PageOutcome("parse-error", str(exc), retry=True) from None
        finally:
            for key, n in stats.items():
                self.stats.inc_value(f"defwatch/{key}", n)
        return ExtractedPage(page=item, extracted=extracted)
