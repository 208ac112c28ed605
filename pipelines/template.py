"""TemplatePipeline: learn each site's template from its own pages and keep it out of the bodies.

Every article's short body blocks are remembered per site in the store (``template_blocks``,
``crawler/store_templates.py``); a block seen on enough distinct pages of the site is template
(``crawler/extraction/template.py`` says how much is enough) and leaves the body before the
article is stored. When the crawl closes, the articles it passed and nobody exported yet are
checked again against the template as it stands then: a new site's first pages, fetched before
the template could be known, are corrected in place, so even a first crawl compares several
pages of each site.

Settings: ``DEFWATCH_STORE`` (required, else ``NotConfigured``). Stats:
``defwatch/template/removed`` (blocks taken out before storing), ``defwatch/template/swept``
(blocks taken out of stored, unexported articles when the crawl closed).
"""
from __future__ import annotations

import importlib.util
import logging
import sys
from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawler.items import Article, ArticlePage
from crawler.store import Store
from pipelines.normalize import content_hash

logger = logging.getLogger(__name__)


_TEMPLATE: Any = None


def _template() -> Any:
    """``crawler/extraction/template.py``, loaded with the first article, and alone.

    It is a leaf (pure functions, the standard library), but its package's ``__init__`` imports
    the whole extraction library (lxml, trafilatura, dateparser: 0.09 s of CPU), which runs in the
    worker processes, never in this one. So the file is loaded as a module of its own, unless the
    package is imported already (``--workers 0``). Pure functions: a second copy changes nothing.
    """
    global _TEMPLATE
    if _TEMPLATE is None:  # an import statement per article was 1 % of the crawl process's CPU
        loaded = sys.modules.get("crawler.extraction.template")
        if loaded is None:
            import crawler

            path = Path(crawler.__file__).parent / "extraction" / "template.py"
            spec = importlib.util.spec_from_file_location("defwatch_site_template", path)
            assert spec is not None and spec.loader is not None
            loaded = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(loaded)
        _TEMPLATE = loaded
    return _TEMPLATE


class TemplatePipeline:
    def __init__(self, crawler: Crawler):
        path = crawler.settings.get("DEFWATCH_STORE")
        if not path:
            raise NotConfigured("DEFWATCH_STORE is not set")
        self.store = Store(path)
        self.stats = crawler.stats
        #: article id -> site of the articles that passed in this crawl, for the closing sweep.
        self.seen: dict[str, str] = {}
        #: article id -> (content hash as passed on, fingerprints of its learnable blocks).
        self.learned: dict[str, tuple[str, tuple[str, ...]]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> TemplatePipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticlePage) or not item.article.body:
            return item
        article = item.article
        tpl = _template()
        blocks = tpl.learnable(tpl.blocks_of(article.body))
        self.store.learn_template(article.site, article.id, blocks)
        self.seen[article.id] = article.site
        removed = self._strip(article, blocks)
        self.learned[article.id] = (article.content_hash, tuple(blocks))
        if removed:
            self.stats.inc_value("defwatch/template/removed", removed)
        return item

    def _strip(self, article: Article, blocks: dict[str, str]) -> int:
        """Take the site's template blocks out of the article's body; how many went."""
        if not blocks:  # only a learnable block's fingerprint can count as template
            return 0
        tpl = _template()
        counts, pages = self.store.template_counts(article.site, blocks)
        if not any(tpl.is_template(n, pages) for n in counts.values()):
            return 0  # what strip_template would find, without fingerprinting every block again
        body, removed = tpl.strip_template(article.body, counts, pages)
        if removed:
            article.body = body
            article.content_hash = content_hash(article)
        return len(removed)

    def _unchanged(self, tpl: Any) -> set[str]:
        """The articles the sweep would leave as they are, known without reading their records.

        Only a learnable block can be template, and a stored body's learnable blocks are among
        those of the page it was made of (stripping removes blocks, it changes none): when no
        block of the page counts as template now and the store still holds the record as it
        passed here (same content hash, not exported yet), there is nothing to take out.
        """
        hashes = self.store.unexported_hashes(list(self.seen))
        by_site: dict[str, list[str]] = {}
        for aid, site in self.seen.items():
            by_site.setdefault(site, []).append(aid)
        out: set[str] = set()
        for site, aids in by_site.items():
            fingerprints = sorted({fp for aid in aids for fp in self.learned.get(aid, ("", ()))[1]})
            template: set[str] = set()
            for i in range(0, len(fingerprints), 500):
                counts, pages = self.store.template_counts(site, fingerprints[i:i + 500])
                template.update(fp for fp, n in counts.items() if tpl.is_template(n, pages))
            for aid in aids:
                passed = self.learned.get(aid)
                if passed is not None and hashes.get(aid) == passed[0] and template.isdisjoint(passed[1]):
                    out.add(aid)
        return out

    def close_spider(self) -> None:
        """Correct this crawl's unexported articles with the template learned by the end of it."""
        try:
            if not self.seen:  # nothing passed: the extraction library is not even imported
                return
            tpl = _template()
            unchanged = self._unchanged(tpl)
            for aid in self.seen:
                if aid in unchanged:
                    continue
                article = self.store.unexported_article(aid)
                if article is None or not article.body:
                    continue
                removed = self._strip(article, tpl.learnable(tpl.blocks_of(article.body)))
                if removed:
                    self.store.correct_article(article)
                    self.stats.inc_value("defwatch/template/swept", removed)
            for site in sorted(set(self.seen.values())):
                learned = self.store.site_template(site, tpl.MIN_PAGES)
                if learned:
                    logger.debug("template of %s: %s", site, learned[:10])
        finally:
            self.store.close()
