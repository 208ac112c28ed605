"""Feed and sitemap parsing: bytes fetched by Scrapy in, ``FeedEntry`` objects out.

feedparser reads RSS 0.9x/1.0/2.0 and Atom; it is given bytes and the response headers, never a
URL (that would bypass robots.txt, throttling and conditional GET). Before feedparser sees the
bytes, a document that declares entities or an external DTD is refused (billion laughs,
quadratic blowup, XXE): feeds have no use for them.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_tz
from typing import Any

import feedparser
from lxml import etree

from crawler.items import FeedEntry
from crawler.urls import absolute, is_http

# feedparser sanitises HTML inside entries; we never use that HTML, so skip the work.
feedparser.SANITIZE_HTML = False
feedparser.RESOLVE_RELATIVE_URIS = False


class FeedError(ValueError):
    """The document cannot be used as a feed; ``outcome`` names why for the records."""

    def __init__(self, outcome: str, message: str):
        super().__init__(message)
        self.outcome = outcome


@dataclass
class ParsedFeed:
    entries: list[FeedEntry]
    bozo: str | None = None          # why feedparser found the XML malformed, when it did
    ttl_seconds: float | None = None  # RSS <ttl> (minutes) in seconds
    title: str | None = None
    skipped: int = 0                  # entries without a usable link
    extra: dict[str, Any] = field(default_factory=dict)


_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)
_EXTERNAL_DTD = re.compile(rb"<!DOCTYPE[^>\[]*\b(SYSTEM|PUBLIC)\b", re.IGNORECASE)
_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*(<!doctype\s+html|<html)", re.IGNORECASE | re.DOTALL)

#: Time-zone abbreviations seen in real feeds that RFC 822 parsers get wrong (feedparser reads
#: unknown names as UTC). Offsets in hours.
TZ_ABBREVIATIONS = {
    "UT": 0, "UTC": 0, "GMT": 0, "Z": 0, "WET": 0, "BST": 1, "CET": 1, "MET": 1, "WEST": 1, "CEST": 2,
    "MEST": 2, "EET": 2, "EEST": 3, "MSK": 3, "MSD": 4, "IST": 5.5, "PKT": 5, "ICT": 7, "WIB": 7,
    "SGT": 8, "HKT": 8, "AWST": 8, "KST": 9, "JST": 9, "ACST": 9.5, "AEST": 10, "AEDT": 11, "NZST": 12,
    "NZDT": 13, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
    "AKST": -9, "AKDT": -8, "HST": -10, "AST": -4, "ADT": -3, "NST": -3.5, "NDT": -2.5, "BRT": -3, "ART": -3,
}


def check_xml_safety(body: bytes) -> None:
    """Refuse entity declarations and external DTDs (looked for in the prolog only)."""
    head = body[:65536]
    if _DOCTYPE.search(head):
        if _ENTITY_DECL.search(body) or _EXTERNAL_DTD.search(head):
            raise FeedError("parse-error", "refused: the document declares entities or an external DTD "
                                           "(entity expansion / XXE)")


def looks_like_html(body: bytes) -> bool:
    return bool(_HTML_START.match(body[:2048].lstrip(b"\xef\xbb\xbf")))


def parse_date(value: str | None) -> str | None:
    """An RFC 822 or ISO 8601 date string as ISO 8601 with its own offset, or None.

    Unknown time-zone names give None rather than a time silently read as UTC; a bare number
    (an epoch-like string) is not a date.
    """
    if not value or not isinstance(value, str):
        return None
    text = value.strip()
    if not text or re.fullmatch(r"\d+(\.\d+)?", text):
        return None
    iso = text.replace("Z", "+00:00") if re.match(r"^\d{4}-\d{2}-\d{2}", text) else None
    if iso:
        try:
            dt = datetime.fromisoformat(iso.replace(" ", "T", 1) if "T" not in iso and len(iso) > 10 else iso)
        except ValueError:
            dt = None
        if dt is not None:
            if len(iso) <= 10:
                return dt.date().isoformat()
            return dt.isoformat() if dt.tzinfo else None
    match = re.match(r"^(.*\d{1,2}:\d{2}(?::\d{2})?)\s+([A-Za-z]{1,5})$", text)
    if match and match.group(2).upper() in TZ_ABBREVIATIONS:
        hours = TZ_ABBREVIATIONS[match.group(2).upper()]
        parsed = parsedate_tz(match.group(1) + " +0000")
        if parsed:
            offset = timezone(timedelta(hours=hours))
            return datetime(*parsed[:6], tzinfo=offset).isoformat()
    parsed = parsedate_tz(text)
    if parsed and parsed[9] is not None:
        # parsedate_tz gives offset 0 for unknown zone names as well as for "+0000"/"GMT";
        # accept 0 only when the string says so.
        if parsed[9] == 0 and not re.search(r"(\+0000|-0000|\bGMT\b|\bUTC?\b|\bZ\b)\s*$", text, re.IGNORECASE):
            return None
        return datetime(*parsed[:6], tzinfo=timezone(timedelta(seconds=parsed[9]))).isoformat()
    return None


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return None


def parse_feed(body: bytes, headers: dict[str, str] | None, url: str) -> ParsedFeed:
    """Parse a feed document. Raises FeedError when it is not a usable feed."""
    if not body or not body.strip():
        raise FeedError("parse-error", "empty document")
    check_xml_safety(body)
    if looks_like_html(body):
        raise FeedError("parse-error", "an HTML page where a feed was expected")
    parsed = feedparser.parse(body, response_headers=dict(headers or {}) | {"content-location": url})
    version = parsed.get("version") or ""
    if not parsed.entries and not version:
        reason = str(parsed.get("bozo_exception") or "no RSS or Atom root element")
        raise FeedError("parse-error", f"not a feed: {reason[:200]}")
    bozo = str(parsed.get("bozo_exception") or "malformed XML")[:200] if parsed.get("bozo") else None
    feed = parsed.get("feed", {})
    ttl = None
    try:
        ttl = float(feed.get("ttl")) * 60 if feed.get("ttl") else None
    except (TypeError, ValueError):
        ttl = None
    entries, skipped = [], 0
    for raw in parsed.entries:
        entry = _entry(raw, url)
        if entry is None:
            skipped += 1
        else:
            entries.append(entry)
    return ParsedFeed(entries=entries, bozo=bozo, ttl_seconds=ttl, title=_text(feed.get("title")), skipped=skipped)


def _entry(raw: Any, feed_url: str) -> FeedEntry | None:
    link = _text(raw.get("link"))
    guid = _text(raw.get("id"))
    if not link:
        for candidate in raw.get("links", []) or []:
            if candidate.get("rel", "alternate") == "alternate" and candidate.get("href"):
                link = candidate["href"]
                break
    if not link and guid and is_http(guid):
        link = guid
    if not link:
        return None
    link = absolute(link, feed_url)
    if not is_http(link):
        return None
    authors: list[str] = []
    for author in raw.get("authors", []) or []:
        name = _text(author.get("name")) if isinstance(author, dict) else None
        if name:
            authors.append(name)
    if not authors and _text(raw.get("author")):
        authors.append(raw["author"].strip())
    content = ""
    for part in raw.get("content", []) or []:
        if isinstance(part, dict) and isinstance(part.get("value"), str):
            content += part["value"]
    summary = _text(raw.get("summary"))
    published = parse_date(raw.get("published")) or parse_date(raw.get("created"))
    updated = parse_date(dict.get(raw, "updated"))  # raw.get() would fall back to "published"
    digest = hashlib.sha256("\x1f".join([raw.get("title") or "", summary or "", content]).encode("utf-8",
                            "replace")).hexdigest()[:16]
    tags = [t["term"].strip() for t in raw.get("tags", []) or [] if isinstance(t, dict) and _text(t.get("term"))]
    return FeedEntry(
        feed_url=feed_url,
        link=link,
        guid=guid,
        title=_text(raw.get("title")),
        published=published,
        updated=updated,
        authors=tuple(authors),
        tags=tuple(dict.fromkeys(tags)),
        summary=summary,
        stamp=f"{updated or published or ''}|{digest}",
    )


# ---------------------------------------------------------------- sitemaps

_SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
_NEWS_NS = "{http://www.google.com/schemas/sitemap-news/0.9}"


@dataclass
class Sitemap:
    urls: list[tuple[str, str | None]]      # (page URL, lastmod/publication date ISO or None)
    sitemaps: list[str]                      # child sitemaps of an index


def parse_sitemap(body: bytes, url: str) -> Sitemap:
    """Parse a sitemap or sitemap index (entities refused, no network access by the parser)."""
    if not body or not body.strip():
        raise FeedError("parse-error", "empty sitemap")
    check_xml_safety(body)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=True)
    try:
        root = etree.fromstring(body, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise FeedError("parse-error", f"not a sitemap: {exc}") from None
    if root is None:
        raise FeedError("parse-error", "not a sitemap")
    tag = etree.QName(root).localname
    urls, maps = [], []
    for node in root:
        if not isinstance(node.tag, str):
            continue
        loc = node.findtext(f"{_SITEMAP_NS}loc") or node.findtext("loc")
        if not loc or not is_http(absolute(loc, url)):
            continue
        loc = absolute(loc.strip(), url)
        if tag == "sitemapindex":
            maps.append(loc)
        else:
            date = (node.findtext(f"{_NEWS_NS}news/{_NEWS_NS}publication_date")
                    or node.findtext(f"{_SITEMAP_NS}lastmod") or node.findtext("lastmod"))
            urls.append((loc, parse_date(date.strip()) if date else None))
    if tag not in ("urlset", "sitemapindex"):
        raise FeedError("parse-error", f"not a sitemap (root element <{tag}>)")
    return Sitemap(urls=urls, sitemaps=maps)
