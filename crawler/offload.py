"""Work done in the worker processes (``crawler.pool``), free of Scrapy and Twisted.

The fork server imports this module once and every worker is a fork of it, so it stays light: a
worker holds the extraction library, not the crawler around it.
"""
from __future__ import annotations

from collections import Counter

from crawler.config import Site
from crawler.extraction import ExtractError, extract_page
from crawler.items import Extracted, FeedEntry

#: What the fork server imports before forking workers: the extraction library (here) and the
#: feed parser (``spiders.feedparse.parse_feed_outcome``, run by the feed spider).
PRELOAD = ["crawler.offload", "spiders.feedparse"]


def extract_in_worker(body: bytes, url: str, site: Site, entry: FeedEntry | None,
                      content_type: str | None) -> tuple[Extracted | None, str | None, Counter[str]]:
    """Extract one page: the record or the reason it cannot be read, and the extraction stats."""
    stats: Counter[str] = Counter()
    try:
        return extract_page(body, url, site=site, entry=entry, stats=stats,
                            headers={"Content-Type": content_type}), None, stats
    except ExtractError as exc:  # sent back as text: the worker's exception need not pickle
        return None, str(exc), stats
