"""Feed and sitemap parsing: bytes fetched by Scrapy in, ``FeedEntry`` objects out.

feedparser reads RSS 0.9x/1.0/2.0 and Atom; it is given bytes and the response headers, never a
URL (that would bypass robots.txt, throttling and conditional GET). Before feedparser sees the
bytes, a document that declares entities or an external DTD is refused (billion laughs,
quadratic blowup, XXE): feeds have no use for them.
"""
from __future__ import annotations

import codecs
import hashlib
import json
import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_tz
from typing import Any

from lxml import etree

from crawler.dates import parse_iso
from crawler.items import FeedEntry
from crawler.urls import absolute, is_http


def _feedparser() -> Any:
    """feedparser, imported on the first feed body: a crawl whose feeds all answer 304 never
    pays its import (the worker processes import it up front)."""
    import feedparser

    # feedparser sanitises HTML inside entries; we never use that HTML, so skip the work.
    feedparser.SANITIZE_HTML = False
    feedparser.RESOLVE_RELATIVE_URIS = False
    return feedparser


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


#: The one external DTD a real feed still carries (RSS 0.91 from Netscape); feedparser strips it
#: and nothing here ever loads a DTD, so it is harmless. Any other external DTD is refused.
ALLOWED_PUBLIC_IDS = frozenset({"-//netscape communications//dtd rss 0.91//en"})
_ENTITY_DECL = re.compile(r"<!ENTITY", re.IGNORECASE)
_EXTERNAL_ID = re.compile(r"""^<!DOCTYPE\s+[^\s\[>]+\s+(SYSTEM|PUBLIC)\b\s*(?:(["'])(.*?)\2)?""",
                          re.IGNORECASE | re.DOTALL)
_FIRST_ELEMENT = re.compile(r"<\w")
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF8, "utf-8"),
         (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_SNIFF = ((b"<\x00\x00\x00", "utf-32-le"), (b"\x00\x00\x00<", "utf-32-be"), (b"<\x00", "utf-16-le"),
          (b"\x00<", "utf-16-be"), (b"\x4c\x6f\xa7\x94", "cp500"))


def _as_text(body: bytes) -> str:
    """The document as text for scanning its prolog: the markup keywords are ASCII, so any
    ASCII-compatible encoding reads as latin-1; UTF-16/32 and EBCDIC are decoded first, so an
    entity declaration cannot hide behind an encoding."""
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return body[len(bom):].decode(encoding, "replace")
    head = body[:4]
    for prefix, encoding in _SNIFF:
        if head.startswith(prefix):
            return body.decode(encoding, "replace")
    return body.decode("latin-1")


def _skip_doctype(text: str, i: int) -> int:
    """Index just after the DOCTYPE declaration starting at ``i`` (quotes, internal subset and
    comments inside it taken into account); ``len(text)`` when it never ends."""
    n, depth, quote = len(text), 0, ""
    k = i + 9
    while k < n:
        c = text[k]
        if quote:
            if c == quote:
                quote = ""
        elif depth and text.startswith("<!--", k):
            end = text.find("-->", k + 4)
            k = n if end < 0 else end + 3
            continue
        elif c in "\"'":
            quote = c
        elif c == "[":
            depth += 1
        elif c == "]":
            depth = max(0, depth - 1)
        elif c == ">" and not depth:
            return k + 1
        k += 1
    return n


def xml_prolog(text: str) -> tuple[list[str], int]:
    """The DOCTYPE declarations of a document's prolog and where the prolog ends (the index of
    the root element, or of the first thing that is not prolog)."""
    doctypes: list[str] = []
    i, n = 0, len(text)
    while i < n:
        while i < n and text[i] in " \t\r\n\ufeff":
            i += 1
        if text.startswith("<?", i):
            end = text.find("?>", i + 2)
            i = n if end < 0 else end + 2
        elif text.startswith("<!--", i):
            end = text.find("-->", i + 4)
            i = n if end < 0 else end + 3
        elif text[i:i + 9].upper() == "<!DOCTYPE":
            end = _skip_doctype(text, i)
            doctypes.append(text[i:end])
            i = end
        else:
            break
    return doctypes, i


_XML_ENCODING = re.compile(rb"""^(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']""")
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]{1,40})", re.IGNORECASE)


def _other_readings(body: bytes, headers: dict[str, str] | None) -> list[str]:
    """The document as read with an encoding it declares (XML declaration or HTTP charset)
    that is not ASCII-compatible, e.g. UTF-7, where ``+ADw-!ENTITY`` is an entity declaration."""
    names = []
    match = _XML_ENCODING.match(body[:512])
    if match:
        names.append(match.group(1).decode("ascii"))
    ctype = {k.lower(): v for k, v in (headers or {}).items()}.get("content-type") or ""
    match = _CHARSET.search(ctype)
    if match:
        names.append(match.group(1))
    texts = []
    for name in dict.fromkeys(n.lower() for n in names):
        if name.replace("-", "").replace("_", "") in ("utf8", "ascii", "usascii", "latin1", "iso88591"):
            continue  # read like the latin-1 scan already did, as far as markup goes
        try:
            texts.append(body.decode(name, "replace"))
        except (LookupError, UnicodeError, ValueError, TypeError):
            continue
    return texts


def check_xml_safety(body: bytes, headers: dict[str, str] | None = None) -> None:
    """Refuse a document that declares entities or names an external DTD, before any XML parser
    sees it: billion laughs and quadratic blowup need entity declarations, XXE needs an external
    entity or DTD (``file:///etc/passwd``, ``http://169.254.169.254/``). Feeds and sitemaps have
    no use for either.

    The whole prolog is scanned (however long its comments), and at least everything before the
    first element, which is the part feedparser itself reads declarations from. O(n), no parser.
    """
    for text in [_as_text(body), *_other_readings(body, headers)]:
        _check_text(text)


def _check_text(text: str) -> None:
    doctypes, end = xml_prolog(text)
    first = _FIRST_ELEMENT.search(text)
    head_end = max(end, first.start() if first else len(text))
    if _ENTITY_DECL.search(text, 0, head_end):
        raise FeedError("parse-error", "refused: the document declares XML entities "
                                       "(entity expansion or XXE attack: billion laughs, quadratic blowup)")
    for doctype in doctypes:
        match = _EXTERNAL_ID.match(doctype)
        if not match:
            continue
        public_id = (match.group(3) or "").strip().lower() if match.group(1).upper() == "PUBLIC" else ""
        if public_id not in ALLOWED_PUBLIC_IDS:
            raise FeedError("parse-error", "refused: the document names an external DTD "
                                           f"({' '.join(doctype[:150].split())}): possible XXE")


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
    if re.match(r"^\d{4}-\d{2}-\d{2}", text):
        dt = parse_iso(text, assume_utc=False)
        if dt is not None:
            if len(text) <= 10:
                return dt.date().isoformat()
            return dt.isoformat() if dt.tzinfo else None  # a time without an offset is not guessed
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


def parse_feed_outcome(body: bytes, headers: dict[str, str] | None,
                       url: str) -> tuple[ParsedFeed | None, tuple[str, str] | None]:
    """``parse_feed`` for a worker process: the feed, or its FeedError's (outcome, message).

    A FeedError does not survive pickling (its constructor takes two arguments), so it travels as text.
    """
    try:
        return parse_feed(body, headers, url), None
    except FeedError as exc:
        return None, (exc.outcome, str(exc))


def parse_feed(body: bytes, headers: dict[str, str] | None, url: str) -> ParsedFeed:
    """Parse a feed document. Raises FeedError when it is not a usable feed."""
    if not body or not body.strip():
        raise FeedError("parse-error", "empty document")
    if body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{":
        return parse_json_feed(body, url)
    check_xml_safety(body, headers)
    if looks_like_html(body):
        raise FeedError("parse-error", "an HTML page where a feed was expected")
    parsed = _feedparser().parse(body, response_headers=dict(headers or {}) | {"content-location": url})
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
        try:
            entry = _entry(raw, url)
        except Exception:  # noqa: BLE001 - one odd entry never costs the feed
            entry = None
        if entry is None:
            skipped += 1
        else:
            entries.append(entry)
    entries, shared = _drop_shared_guids(entries)
    return ParsedFeed(entries=entries, bozo=bozo, ttl_seconds=ttl, title=_text(feed.get("title")), skipped=skipped,
                      extra={"shared_guids": shared} if shared else {})


def _drop_shared_guids(entries: list[FeedEntry]) -> tuple[list[FeedEntry], int]:
    """A GUID shared by entries with different links identifies none of them (a CMS bug): those
    entries are known by their links only, so no article is mistaken for another."""
    links_of: dict[str, set[str]] = {}
    for entry in entries:
        if entry.guid:
            links_of.setdefault(entry.guid, set()).add(entry.link)
    shared = {guid for guid, links in links_of.items() if len(links) > 1}
    if shared:
        entries = [replace(e, guid=None) if e.guid in shared else e for e in entries]
    return entries, len(shared)


def _stamp(published: str | None, updated: str | None, *parts: str | None) -> str:
    """What identifies a version of an entry: its dates and a digest of its title and content."""
    digest = hashlib.sha256("\x1f".join(p or "" for p in parts).encode("utf-8", "replace")).hexdigest()[:16]
    return f"{updated or published or ''}|{digest}"


def parse_json_feed(body: bytes, url: str) -> ParsedFeed:
    """A JSON Feed (https://jsonfeed.org, versions 1 and 1.1): feedparser does not read them."""
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise FeedError("parse-error", f"not a feed: invalid JSON ({str(exc)[:120]})") from None
    if not isinstance(data, dict) or not str(data.get("version", "")).startswith("https://jsonfeed.org/version/"):
        raise FeedError("parse-error", "not a feed: JSON without a jsonfeed.org version")
    items = data.get("items") if isinstance(data.get("items"), list) else []
    entries, skipped = [], 0
    for item in items:
        link = _text(item.get("url")) or _text(item.get("external_url")) if isinstance(item, dict) else None
        guid = _text(str(item["id"])) if isinstance(item, dict) and item.get("id") is not None else None
        if not link and guid and is_http(guid):
            link = guid
        link = absolute(link, url) if link else None
        if not link or not is_http(link):
            skipped += 1
            continue
        people = item.get("authors") if isinstance(item.get("authors"), list) else [item.get("author")]
        authors = tuple(p["name"].strip() for p in people if isinstance(p, dict) and _text(p.get("name")))
        tags = tuple(dict.fromkeys(t.strip() for t in item.get("tags") or [] if isinstance(t, str) and t.strip()))
        published = parse_date(item.get("date_published"))
        updated = parse_date(item.get("date_modified"))
        title = _text(item.get("title"))
        content = _text(item.get("content_html")) or _text(item.get("content_text"))
        summary = _text(item.get("summary"))
        entries.append(FeedEntry(feed_url=url, link=link, guid=guid, title=title, published=published,
                                 updated=updated, authors=authors, tags=tags, summary=summary or content,
                                 stamp=_stamp(published, updated, title, summary, content)))
    entries, shared = _drop_shared_guids(entries)
    return ParsedFeed(entries=entries, title=_text(data.get("title")), skipped=skipped,
                      extra={"shared_guids": shared} if shared else {})


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
        stamp=_stamp(published, updated, raw.get("title"), summary, content),
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
