"""CompactLogFormatter: log a dropped or failed item by its URL, never its whole body.

Scrapy's formatter prints the entire item (here: the raw page bytes) into the log; a 5 MB page
would become a 5 MB log line.
"""
from __future__ import annotations

import logging
from typing import Any

from scrapy.logformatter import LogFormatter


def _label(item: Any) -> str:
    page = getattr(item, "page", item)  # ExtractedPage / ArticlePage carry their FetchedPage
    site, url = getattr(page, "site", None), getattr(page, "url", None)
    return f"{site} {url}" if site and url else type(item).__name__


class CompactLogFormatter(LogFormatter):
    def dropped(self, item, exception, response, spider):
        return {"level": logging.INFO, "msg": "Dropped %(item)s: %(exception)s",
                "args": {"item": _label(item), "exception": exception}}

    def item_error(self, item, exception, response, spider):
        return {"level": logging.ERROR, "msg": "Error processing %(item)s",
                "args": {"item": _label(item)}}

    def scraped(self, item, response, spider):
        return {"level": logging.DEBUG, "msg": "Scraped %(item)s", "args": {"item": _label(item)}}
