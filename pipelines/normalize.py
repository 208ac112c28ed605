"""NormalizePipeline: ``ExtractedPage`` -> ``ArticlePage`` (the ``Article`` record: canonical URL,
id, content hash, fallbacks).

The page's own canonical URL wins over the fetched URL when it is on the same site; tracking
parameters and fragments are removed. Fields the page lacks come from the feed entry, then the
site registry (``lang``). Lists are never null.
"""
from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawler.items import Article, ArticlePage, Extracted, ExtractedPage, FeedEntry
from crawler.urls import article_id, canonical_url, is_http, readable_url, same_site, url_key


def build_record(ex: Extracted, *, site_id: str, site_url: str, fetched_url: str, site_lang: str | None = None,
                 entry: FeedEntry | None = None, feed_url: str | None = None,
                 fetched_at: str | None = None, found_via: str = "feed") -> Article:
    """The record of one page (its ``version`` is set by the store)."""
    url = canonical_url(fetched_url)
    if trusted_canonical(ex.url, fetched_url, site_url):
        url = canonical_url(ex.url)
    # Named as the site writes it (``/ġdid``, not ``/%C4%A1did``); its id and keys are those of either spelling.
    url = readable_url(url)
    title = (ex.title or (entry.title if entry else None) or "").strip() or None
    # Extraction already falls back to the feed entry's authors, cleaned (no newsroom or account
    # names); the raw entry authors are never used here.
    authors = [a for a in ex.authors if a and a.strip()]
    tags = list(dict.fromkeys(t for t in (ex.tags or list(entry.tags if entry else ())) if t and t.strip()))
    article = Article(
        id=article_id(url), url=url, site=site_id, title=title, authors=authors,
        published=ex.published or (entry.published if entry else None), updated=ex.updated,
        lang=ex.lang or site_lang, tags=tags, body=ex.body or "",
        fetched_at=fetched_at or datetime.now(UTC).isoformat(timespec="seconds"),
        description=ex.description, feed_url=feed_url, found_via=found_via)
    article.content_hash = content_hash(article)
    return article


def trusted_canonical(canonical: str | None, fetched_url: str, site_url: str) -> bool:
    """Whether a page's own canonical URL may name the record.

    Only an http(s) URL on the same site, and never the home page or a section front for an
    article fetched at a deeper path (a broken theme that points every canonical at ``/``
    would otherwise merge all its articles into one record).
    """
    if not canonical or not is_http(canonical):
        return False
    if not (same_site(canonical, fetched_url) or same_site(canonical, site_url)):
        return False
    canonical_path = urlsplit(canonical).path.strip("/")
    fetched_path = urlsplit(fetched_url).path.strip("/")
    if fetched_path and not canonical_path:
        return False
    if canonical_path and fetched_path and len(canonical_path) < len(fetched_path) and fetched_path.startswith(canonical_path + "/"):
        return False  # a parent folder of the fetched page
    return True


def content_hash(article: Article) -> str:
    """What makes a new version: the title, body, published and updated (not the fetch time)."""
    parts = [article.title or "", article.body or "", article.published or "", article.updated or ""]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


class NormalizePipeline:
    """Settings: ``DEFWATCH_SITES`` (required, else ``NotConfigured``)."""

    def __init__(self, crawler: Crawler):
        sites = crawler.settings.get("DEFWATCH_SITES")
        if not sites:
            raise NotConfigured("DEFWATCH_SITES is not set")
        self.sites = {site.id: site for site in sites}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> NormalizePipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ExtractedPage):
            return item
        page = item.page
        site = self.sites[page.site]
        article = build_record(item.extracted, site_id=site.id, site_url=site.url, fetched_url=page.url,
                               site_lang=site.lang, entry=page.entry, feed_url=page.feed_url,
                               found_via=page.found_via)
        keys = list(dict.fromkeys([*page.keys, url_key(article.url)]))
        return ArticlePage(page=page, kind=item.extracted.kind, article=article, keys=keys, signals=item.signals)
