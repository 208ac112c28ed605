"""Helpers for the backfill and gap tests over tests/fixtures/web-sitemaps (no tests here)."""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from conftest import FIXTURES, load_web

WEB_SITEMAPS = FIXTURES / "web-sitemaps"
#: Hosts of sites without a sitemap (walked through their feed archives).
ARCHIVE_SITES = {"foxtrotarchive", "golfatom"}
#: Path parts no backfill may request: pages that are not articles and sitemaps of such pages.
NOT_ARTICLE_PATHS = ("/tag/", "/category/land/", "/category/sea/", "/category/navy/", "/author/", "/video/",
                     "/about", "/contact/", "category-sitemap", "post_tag-sitemap", "author-sitemap", "page-sitemap",
                     "wp-sitemap-posts-page", "wp-sitemap-taxonomies", "wp-sitemap-users")


def truth_by_path(sites: dict) -> dict[tuple[str, str], dict]:
    return {(sid, t["path"]): t for sid, site in sites.items() for t in site["truth"]}


def in_window(truth: dict, since: datetime, until: datetime | None) -> bool:
    when = datetime.fromisoformat(truth["published"])
    return when >= since and (until is None or when < until)


def record_keys(web, path: Path) -> list[tuple[str, str]]:
    hosts = {urlsplit(b).netloc: sid for sid, b in web.sites.items()}
    out = []
    for line in path.read_text().splitlines():
        r = json.loads(line)
        parts = urlsplit(r["url"])
        out.append((hosts[parts.netloc], parts.path))
    return out


def article_requests(log: list[dict], truths: dict) -> list[tuple[str, str]]:
    return [(e["site"], e["path"]) for e in log if (e["site"], e["path"]) in truths]


def load() -> dict:
    return load_web(WEB_SITEMAPS)
