"""StorePipeline: save each record in one transaction; record the outcome of dropped pages."""
from __future__ import annotations

from typing import Any

from scrapy import signals


class StorePipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        crawler.signals.connect(self.item_dropped, signal=signals.item_dropped)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        spider = self.crawler.spider
        entry = item.get("entry") or {}
        action, version = spider.store.save_article(
            item["record"], page_keys=item["page_keys"], entry_keys=item.get("entry_keys", []),
            entry_updated=entry.get("stamp"), feed_url=item.get("feed_url"))
        self.stats.inc_value(f"defwatch/store/{action}")
        if action in ("new", "updated"):
            spider.count(item["site"], action)
        return item

    def item_dropped(self, item: dict[str, Any], response, exception, spider) -> None:
        reason = str(exception)
        outcome = reason.split(":", 1)[0].strip() or "not-an-article"
        entry = item.get("entry") or {}
        keys = item.get("page_keys", [])
        if outcome == "duplicate":
            # Another route to an article stored in this crawl: remember this route too.
            spider.store.remember_entries(item["site"], item.get("entry_keys", []), keys[0] if keys else "",
                                          entry.get("stamp"), item.get("feed_url"))
            return
        spider.record({"site": item["site"], "entry": entry, "entry_keys": item.get("entry_keys", []),
                       "feed_url": item.get("feed_url")}, keys, item["url"], outcome, reason, 200,
                      retry=outcome == "parse-error")
