"""StorePipeline: save each record, with its page keys and feed-entry identities, in one transaction.

Settings: ``DEFWATCH_STORE`` (required, else ``NotConfigured``); ``DEFWATCH_WATCHLISTS`` (a watchlists file:
alerts are raised with each article, issue 11). Stats: ``defwatch/store/<new|updated|unchanged>``,
``defwatch/site/<id>/<new|updated>``, ``defwatch/alerts/<new|also-reported|updated>``. Pages that do not become articles are recorded by
``pipelines/outcome.py``.
"""
from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawler.items import ArticlePage
from crawler.store import Store


class StorePipeline:
    def __init__(self, crawler: Crawler):
        path = crawler.settings.get("DEFWATCH_STORE")
        if not path:
            raise NotConfigured("DEFWATCH_STORE is not set")
        self.store = Store(path)
        self.stats = crawler.stats
        if watchlists := crawler.settings.get("DEFWATCH_WATCHLISTS"):
            # Issue 11: alerts are raised in the transaction that stores the article.
            from crawler.alerts import AlertHook
            from crawler.watchlists import load_watchlists

            AlertHook(load_watchlists(watchlists), stats=crawler.stats).install(self.store)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(crawler)

    def close_spider(self) -> None:
        self.store.close()

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticlePage):
            return item
        page = item.page
        action, _version = self.store.save_article(
            item.article, page_keys=item.keys, entry_keys=page.entry_keys,
            entry_updated=page.entry.stamp if page.entry else None, feed_url=page.feed_url, signals=item.signals)
        self.stats.inc_value(f"defwatch/store/{action}")
        if action in ("new", "updated"):
            self.stats.inc_value(f"defwatch/site/{page.site}/{action}")
        return item
