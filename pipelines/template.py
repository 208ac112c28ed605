"""TemplatePipeline: learn each site's template from its own pages and keep it out of the bodies.

Every record's short body blocks are remembered per site in the store (``template_blocks``); a
block seen on enough distinct pages of the site is template (``crawler/extraction/template.py``
says how much is enough) and is removed from the body before the record is stored. When the
crawl closes, the records it stored and nobody exported yet are checked again against the
template as it stands then: a new site's first pages, fetched before the template could be
known, are corrected in place, so even a first crawl compares several pages of each site.
"""
from __future__ import annotations

import logging
from typing import Any

from crawler.extraction.template import MIN_PAGES, blocks_of, learnable, strip_template
from crawler.template_store import (correct_record, learn_template, site_template, template_counts,
                                    unexported_record)
from pipelines.normalize import content_hash

logger = logging.getLogger(__name__)


class TemplatePipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        #: (site, article id) of the records that passed in this crawl, for the closing sweep.
        self.seen: dict[str, str] = {}

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        store = getattr(self.crawler.spider, "store", None)
        record = item.get("record")
        if store is None or not record or not record.get("body"):
            return item
        site, aid = record["site"], record["id"]
        blocks = learnable(blocks_of(record["body"]))
        learn_template(store, site, aid, blocks)
        self.seen[aid] = site
        counts, pages = template_counts(store, site, blocks)
        body, removed = strip_template(record["body"], counts, pages)
        if removed:
            record["body"] = body
            record["content_hash"] = content_hash(record)
            self.stats.inc_value("defwatch/template/removed", len(removed))
        return item

    def close_spider(self) -> None:
        """Correct this crawl's unexported records with the template learned by the end of it."""
        store = getattr(self.crawler.spider, "store", None)
        if store is None:
            return
        for aid, site in self.seen.items():
            record = unexported_record(store, aid)
            if not record or not record.get("body"):
                continue
            counts, pages = template_counts(store, site, learnable(blocks_of(record["body"])))
            body, removed = strip_template(record["body"], counts, pages)
            if removed:
                record["body"] = body
                record["content_hash"] = content_hash(record)
                correct_record(store, record)
                self.stats.inc_value("defwatch/template/swept", len(removed))
        for site in sorted(set(self.seen.values())):
            learned = site_template(store, site, MIN_PAGES)
            if learned:
                logger.debug("template of %s: %s", site, learned[:10])
