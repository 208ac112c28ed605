"""DedupePipeline: one article, one record, however it is reached within a crawl.

Across crawls the store is the memory (an article id is its canonical URL's key, and an
unchanged content hash stores nothing); within one crawl, two routes to the same canonical URL
(a ``/?p=ID`` short link and the pretty link, the same post in two feeds) meet here.
"""
from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler

from crawler.items import ArticlePage
from pipelines.outcome import PageOutcome


class DedupePipeline:
    """Stats: ``defwatch/dedupe/same_run``."""

    def __init__(self, crawler: Crawler):
        self.stats = crawler.stats
        self.seen: dict[str, str] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupePipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticlePage):
            return item
        article = item.article
        if self.seen.get(article.id) == article.content_hash:
            self.stats.inc_value("defwatch/dedupe/same_run")
            raise PageOutcome("duplicate", "already stored in this crawl")
        self.seen[article.id] = article.content_hash
        return item
