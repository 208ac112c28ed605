"""NormalizePipeline: ``Extracted`` fields -> the exported record (canonical URL, id, hash, fallbacks).

The page's own canonical URL wins over the fetched URL when it is on the same site; tracking
parameters and fragments are removed. Fields the page lacks come from the feed entry, then the
site registry (``lang``). Lists are never null.
"""
from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

from crawler.items import Extracted
from crawler.urls import article_id, canonical_url, is_http, same_site, url_key


def build_record(ex: Extracted, *, site_id: str, site_url: str, fetched_url: str, site_lang: str | None = None,
                 entry: dict[str, Any] | None = None, feed_url: str | None = None,
                 fetched_at: str | None = None) -> dict[str, Any]:
    """The exported record of one page (``version`` is set by the store)."""
    entry = entry or {}
    url = canonical_url(fetched_url)
    if trusted_canonical(ex.url, fetched_url, site_url):
        url = canonical_url(ex.url)
    title = (ex.title or entry.get("title") or "").strip() or None
    # Extraction already falls back to the feed entry's authors, cleaned (no newsroom or account
    # names); the raw entry authors are never used here.
    authors = [a for a in ex.authors if a and a.strip()]
    tags = list(dict.fromkeys(t for t in (ex.tags or list(entry.get("tags") or [])) if t and t.strip()))
    body = ex.body or ""
    record = {
        "id": article_id(url),
        "url": url,
        "site": site_id,
        "title": title,
        "authors": authors,
        "published": ex.published or entry.get("published"),
        "updated": ex.updated,
        "lang": ex.lang or site_lang,
        "tags": tags,
        "body": body,
        "fetched_at": fetched_at or datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "version": 1,
        "description": ex.description,
        "feed_url": feed_url,
    }
    record["content_hash"] = content_hash(record)
    return record


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


def content_hash(record: dict[str, Any]) -> str:
    """What makes a new version: the title, body and dates (not the fetch time)."""
    parts = [record.get("title") or "", record.get("body") or "", record.get("published") or "",
             record.get("updated") or ""]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


class NormalizePipeline:
    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        spider = self.crawler.spider
        site = spider.sites[item["site"]]
        record = build_record(item["extracted"], site_id=site.id, site_url=site.url, fetched_url=item["url"],
                              site_lang=site.lang, entry=item.get("entry"), feed_url=item.get("feed_url"))
        item["record"] = record
        item["page_keys"] = list(dict.fromkeys([*item["page_keys"], url_key(record["url"])]))
        return item
