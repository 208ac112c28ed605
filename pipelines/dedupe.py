"""DedupePipeline: one article, one record, however it is reached within a crawl.

Across crawls the store is the memory (an article id is its canonical URL's key, and an
unchanged content hash stores nothing); within one crawl, two routes to the same canonical URL
(a ``/?p=ID`` short link and the pretty link, the same post in two feeds) meet here.
"""
from __future__ import annotations

from typing import Any

from scrapy.exceptions import DropItem


class DedupePipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.seen: dict[str, str] = {}

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        record = item["record"]
        previous = self.seen.get(record["id"])
        if previous is not None and previous == record["content_hash"]:
            self.stats.inc_value("defwatch/dedupe/same_run")
            raise DropItem("duplicate: already stored in this crawl")
        self.seen[record["id"]] = record["content_hash"]
        return item
