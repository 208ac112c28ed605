"""Backfill planning: time windows, sitemap and URL classification, dates from names.

A leaf module (standard library only), used by ``spiders.sitemaps`` and by gap detection in
``spiders.feeds``. Everything here decides *before* a request is made: which sitemaps to walk,
which article URLs are worth fetching for a window, and when a feed poll may have missed posts.

Dates a sitemap gives, best first:

* ``news:publication_date`` (Google News sitemaps): the publication time itself;
* a date in the article's path (``/2026/10/05/slug/``): the publication day;
* ``lastmod``: the last change, never earlier than the publication, so a ``lastmod`` before the
  window rules the page out; one after the window dates it outside as well;
* none of these: the page is fetched and its extracted ``published`` decides (``WindowPipeline``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qsl, urlsplit

from crawler.dates import parse_iso

#: Where sites keep sitemaps when robots.txt and the registry name none.
WELL_KNOWN_SITEMAPS = ("/sitemap.xml", "/sitemap_index.xml", "/wp-sitemap.xml", "/news-sitemap.xml",
                       "/sitemap_news.xml")
#: Sitemap indexes are followed this many levels deep, and at most this many sitemaps per site.
MAX_SITEMAP_DEPTH = 4
MAX_SITEMAPS_PER_SITE = 400
#: Archive feed pages walked per feed at most (``?paged=N``, RFC 5005 prev-archive).
MAX_ARCHIVE_PAGES = 50

# Sitemaps of things that are not articles: WordPress core (wp-sitemap-taxonomies-category-1.xml,
# wp-sitemap-users-1.xml, wp-sitemap-posts-page-1.xml), Yoast (category-sitemap.xml,
# post_tag-sitemap.xml, author-sitemap.xml, page-sitemap.xml), and the usual others.
_SKIP_SITEMAP = re.compile(
    r"(taxonom|categor|(?<![a-z])tags?(?![a-z])|post_tag|author|users?(?![a-z])|(?<![a-z])pages?(?![a-z])|"
    r"video|image|attachment|media|product|event|gallery|podcast|topic|section)",
    re.IGNORECASE)
_MEDIA = re.compile(r"\.(jpe?g|png|gif|webp|svg|avif|bmp|ico|pdf|mp4|m4v|mov|webm|mp3|m4a|wav|ogg|zip|"
                    r"docx?|xlsx?|pptx?|csv|xml|gz|rss|atom|json|txt)$", re.IGNORECASE)
_NOT_ARTICLE_SEGMENT = frozenset({
    "tag", "tags", "category", "categories", "author", "authors", "topic", "topics", "section", "sections",
    "page", "feed", "search", "video", "videos", "podcast", "podcasts", "gallery", "galleries", "wp-admin",
    "wp-content", "wp-json", "amp", "about", "contact", "subscribe", "newsletter", "privacy", "terms",
    "events", "event", "login", "user", "users", "archive", "archives"})
_PATH_DAY = re.compile(r"/((?:19|20)\d\d)/(0[1-9]|1[0-2])/(0[1-9]|[12]\d|3[01])(?=/|$)")
# Partition names: sitemap-2026-10.xml, sitemap-2026-10-05.xml, post-sitemap-2026.xml,
# sitemap_2026_10.xml, /sitemaps/2026/10/, /sitemap/2026-10/, ...
_NAME_YMD = re.compile(r"(?<!\d)((?:19|20)\d\d)[-_/.]?(0[1-9]|1[0-2])(?:[-_/.]?(0[1-9]|[12]\d|3[01]))?(?!\d)")
_NAME_Y = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
_QUERY_YEAR = ("yyyy", "year", "y", "yr")
_QUERY_MONTH = ("mm", "month", "m", "mon")
_QUERY_DAY = ("dd", "day", "d")


@dataclass(frozen=True)
class Window:
    """``[since, until)`` in UTC; ``until`` None means open-ended (now)."""

    since: datetime
    until: datetime | None = None

    def contains(self, when: datetime) -> bool:
        return when >= self.since and (self.until is None or when < self.until)

    def overlaps(self, start: datetime, end: datetime) -> bool:
        """Whether ``[start, end)`` meets the window."""
        return end > self.since and (self.until is None or start < self.until)

    def key(self) -> str:
        return f"{self.since.isoformat()}|{self.until.isoformat() if self.until else ''}"


def to_datetime(value: str | None) -> datetime | None:
    """An ISO 8601 (or, as some sitemaps write it, RFC 822) date or time; None when absent or unreadable."""
    if not value:
        return None
    if (dt := parse_iso(value.strip())) is not None:
        return dt
    try:
        dt = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def path_day(url: str) -> date | None:
    """The publication day an article URL carries (``/2026/10/05/slug/``), or None."""
    m = _PATH_DAY.search(urlsplit(url).path)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _span(year: int, month: int | None, day: int | None) -> tuple[datetime, datetime] | None:
    try:
        if day is not None and month is not None:
            start = datetime(year, month, day, tzinfo=UTC)
            return start, start + timedelta(days=1)
        if month is not None:
            start = datetime(year, month, 1, tzinfo=UTC)
            end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=UTC)
            return start, end
        return datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)
    except ValueError:
        return None


def partition_span(url: str) -> tuple[datetime, datetime] | None:
    """The publication span a date-partitioned sitemap covers, read from its name, or None.

    ``sitemap-2026-10.xml`` and ``/sitemaps/2026/10/`` and ``?yyyy=2026&mm=10`` cover October
    2026; ``sitemap-2026-10-05.xml`` one day; ``post-sitemap-2026.xml`` a year. Yoast's
    ``post-sitemap2.xml`` is a page number, not a date, and gives None.
    """
    parts = urlsplit(url)
    query = {k.lower(): v for k, v in parse_qsl(parts.query)}
    year = next((query[k] for k in _QUERY_YEAR if k in query), None)
    if year and year.isdigit() and len(year) == 4:
        month = next((query[k] for k in _QUERY_MONTH if k in query), None)
        day = next((query[k] for k in _QUERY_DAY if k in query), None)
        m = int(month) if month and month.isdigit() and 1 <= int(month) <= 12 else None
        d = int(day) if day and day.isdigit() and m and 1 <= int(day) <= 31 else None
        return _span(int(year), m, d)
    path = parts.path
    m = _NAME_YMD.search(path)
    if m:
        return _span(int(m.group(1)), int(m.group(2)), int(m.group(3)) if m.group(3) else None)
    last = path.rstrip("/").rsplit("/", 1)[-1]
    m = _NAME_Y.search(last)
    if m and "sitemap" in path.lower():
        return _span(int(m.group(1)), None, None)
    return None


def skip_sitemap(url: str) -> bool:
    """Whether a sitemap lists things that are not articles (tags, categories, authors, pages, video)."""
    parts = urlsplit(url)
    name = parts.path.rstrip("/").rsplit("/", 1)[-1]
    query = parts.query
    return bool(_SKIP_SITEMAP.search(name) or (query and _SKIP_SITEMAP.search(query)))


def is_article_url(url: str, site_url: str | None = None) -> bool:
    """Whether a sitemap URL may be an article: not the home page, a section front, a tag,
    category or author page, a feed, or a media file."""
    parts = urlsplit(url)
    path = parts.path or "/"
    if path.strip("/") == "":
        return False
    if site_url:
        base = urlsplit(site_url).path.strip("/")
        if base and path.strip("/") == base:
            return False
    if _MEDIA.search(path):
        return False
    segments = [s.lower() for s in path.strip("/").split("/") if s]
    if any(s in _NOT_ARTICLE_SEGMENT for s in segments[:-1]) or segments[0] in _NOT_ARTICLE_SEGMENT:
        return False
    if len(segments) == 1 and "-" not in segments[0] and not segments[0].isdigit() and "." not in segments[0]:
        return False  # /news/, /europe/: a section front (articles have slugs with hyphens)
    query = dict(parse_qsl(parts.query))
    if "paged" in query or "s" in query:
        return False
    return True


def classify(window: Window, *, published: str | None, lastmod: str | None, url: str) -> tuple[str, str | None]:
    """Decide, before fetching, what a sitemap URL is for ``window``.

    Returns (state, date): ``"due"`` (fetch it), ``"out"`` (dated outside the window) or
    ``"undated"`` (no date at all: fetch, the extracted date decides), with the date used.
    A path day is a local day: the publication lies within 14 hours before it to 36 hours
    after its start in UTC. A path day well inside the window wins over a later ``lastmod``
    (published in the window, edited since); otherwise ``lastmod`` decides.
    """
    exact = to_datetime(published)
    if exact is not None:
        return ("due" if window.contains(exact) else "out"), exact.isoformat()
    modified = to_datetime(lastmod)
    if modified is not None and modified < window.since:
        return "out", modified.isoformat()  # published <= lastmod < since
    day = path_day(url)
    if day is not None:
        start = datetime(day.year, day.month, day.day, tzinfo=UTC)
        lo, hi = start - timedelta(hours=14), start + timedelta(hours=36)
        if not window.overlaps(lo, hi):
            return "out", day.isoformat()
        if window.contains(lo) and (window.until is None or hi <= window.until):
            return "due", day.isoformat()
    if modified is not None:
        return ("due" if window.contains(modified) else "out"), modified.isoformat()
    if day is not None:
        return "due", day.isoformat()
    return "undated", None


def sitemap_worth_walking(window: Window, url: str, lastmod: str | None) -> bool:
    """Whether a child sitemap of an index may list pages of the window.

    A partition outside the window, or a sitemap last changed before the window began (none of
    its pages changed since, so none was published since), is not fetched.
    """
    span = partition_span(url)
    if span is not None and not window.overlaps(*span):
        return False
    modified = to_datetime(lastmod)
    if modified is not None and modified < window.since:
        return False
    return True


def detect_gap(*, known: bool, known_newest: float | None, entries: list[tuple[bool, float | None]]) -> bool:
    """Whether a feed poll may have missed entries (posts that scrolled off between two polls).

    ``entries`` is one (is_new, published unix time) pair per entry of this poll; ``known``
    says whether earlier polls saw entries of this feed (a feed never read has nothing to
    miss) and ``known_newest`` is the newest publication time they showed. A gap is: every
    entry is new and the oldest is newer than the newest known entry; or, where dates are
    missing, a full feed of new entries.
    """
    if not known or not entries or not all(new for new, _ in entries):
        return False
    dated = [t for _, t in entries if t is not None]
    if len(dated) == len(entries) and known_newest is not None:
        return min(dated) > known_newest
    return True
