"""The data contract: what flows from feeds to pages to exported records.

A leaf module (standard library only at import; orjson is imported by the two JSON helpers, and
``itemadapter`` by ``article_json_schema`` alone, for the ``schema`` command). One article walks one way through these types::

    FeedEntry (spiders/feedparse.py)
      -> PageTarget (the request's cb_kwargs, spiders/feeds.py)
      -> FetchedPage | FailedPage (spider output, pipelines/outcome.py drops a FailedPage)
      -> ExtractedPage (pipelines/extract.py: the ``Extracted`` fields)
      -> ArticlePage (pipelines/normalize.py: the ``Article`` record, its page keys)
      -> stored (pipelines/store.py) -> one JSONL line (``Article.to_json``, crawler/export.py)

``Article`` is the exported record; each field's docstring gives its format, and
``article_json_schema()`` derives the JSON Schema from the dataclass and those docstrings.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from crawler.urls import url_key


def dumps_compact(data: Any) -> str:
    """``json.dumps(data, ensure_ascii=False, separators=(",", ":"))``, byte for byte, 4x faster."""
    import orjson  # here, not at the top: the leaf core imports the standard library only (0.1 us a call)

    try:
        return orjson.dumps(data).decode()
    except orjson.JSONEncodeError:  # a lone surrogate or an integer past 64 bits: the standard spelling
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def loads(text: str | bytes) -> Any:
    """``json.loads(text)``, 2x faster (what orjson refuses, such as NaN, goes to ``json``)."""
    import orjson

    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


@dataclass(frozen=True)
class FeedEntry:
    """One entry of a feed, as feedparser read it (times already ISO 8601 or None)."""

    feed_url: str
    link: str
    guid: str | None = None
    title: str | None = None
    published: str | None = None
    updated: str | None = None
    authors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    summary: str | None = None
    #: Changes when the entry's dates, title or content change: a changed stamp means "refetch".
    stamp: str | None = None

    def to_json(self) -> str:
        """The entry as a JSON object (kept with a failed page, for its retry)."""
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> FeedEntry:
        """Read back what ``to_json`` wrote (unknown keys are ignored)."""
        data = json.loads(text)
        names = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in names}
        values["authors"] = tuple(values.get("authors") or ())
        values["tags"] = tuple(values.get("tags") or ())
        return cls(**values)


def entry_keys(site_id: str, entry: FeedEntry) -> list[str]:
    """Identities of a feed entry: its link's URL key and its GUID (per site)."""
    keys = ["link:" + url_key(entry.link)]
    if entry.guid:
        keys.append(f"guid:{site_id}|{entry.guid.strip()}")
    return keys


@dataclass(frozen=True, kw_only=True)
class PageTarget:
    """A page the spider asks for: handed to its callbacks through ``cb_kwargs``."""

    site: str
    url: str
    key: str
    entry: FeedEntry | None = None
    feed_url: str | None = None
    refetch: bool = False
    #: How the page was found: "feed", "sitemap" or "archive" (the record's ``found_via``).
    found_via: str = "feed"
    #: A backfill's window ``(since, until)`` in ISO 8601 (``pipelines/window.py``); None: any date.
    window: tuple[str, str | None] | None = None
    #: The date the sitemap gave the page, when its own date is unknown.
    sitemap_date: str | None = None

    @property
    def entry_keys(self) -> list[str]:
        return entry_keys(self.site, self.entry) if self.entry else []


@dataclass(kw_only=True)
class FetchedPage:
    """A fetched HTML page, handed from the spider to the pipelines."""

    site: str
    url: str
    body: bytes
    content_type: str
    entry: FeedEntry | None
    #: URL keys of the page: the requested URL, every redirect hop, the final URL.
    keys: list[str]
    feed_url: str | None
    refetch: bool = False
    http_status: int = 200
    #: As ``PageTarget``: how the page was found, a backfill's window and the sitemap's date.
    found_via: str = "feed"
    window: tuple[str, str | None] | None = None
    sitemap_date: str | None = None

    @property
    def entry_keys(self) -> list[str]:
        return entry_keys(self.site, self.entry) if self.entry else []


@dataclass(kw_only=True)
class FailedPage:
    """A page that could not be fetched: its outcome, recorded by ``pipelines/outcome.py``."""

    site: str
    url: str
    keys: list[str]
    entry: FeedEntry | None
    feed_url: str | None
    outcome: str
    detail: str | None = None
    http_status: int | None = None
    #: Whether a later crawl tries again (with backoff) or the outcome is final.
    retry: bool = False

    @property
    def entry_keys(self) -> list[str]:
        return entry_keys(self.site, self.entry) if self.entry else []


@dataclass
class Extracted:
    """What extraction makes of one HTML page (before storing): the fields of a record."""

    url: str
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    updated: str | None = None
    lang: str | None = None
    tags: list[str] = field(default_factory=list)
    body: str = ""
    #: "article", or why the page is not one: "video", "podcast", "event", "gallery", "index", ...
    kind: str = "article"
    description: str | None = None
    image: str | None = None


@dataclass(kw_only=True)
class ExtractedPage:
    """A fetched page and the fields extraction found in it."""

    page: FetchedPage
    extracted: Extracted
    #: The story signals of the page's text (``crawler.stories.match.TextSignals``), computed in
    #: the extraction worker; None when it did not (the store computes them then).
    signals: Any = None


@dataclass(kw_only=True)
class Article:
    """One article record: one JSONL line. Field order is export order."""

    id: str
    """Stable identifier: 16 hex digits of the SHA-256 of the canonical URL's key."""
    url: str
    """Canonical URL (rel=canonical, og:url or JSON-LD after redirects; no tracking parameters or fragment)."""
    site: str
    """Site id from the registry (``config/sites/<id>.toml``)."""
    title: str | None
    """Headline, without a ' - Site Name' suffix."""
    authors: list[str]
    """Person names, one per entry, no 'By', ranks or datelines; [] when the page names none. Never null."""
    published: str | None
    """First publication, ISO 8601 with the page's offset (or YYYY-MM-DD when only the day is known); null when unknown."""
    updated: str | None
    """Last modification shown by the page or feed, ISO 8601; set on every version after the first."""
    lang: str | None
    """BCP 47 primary language tag ('en', 'fr', ...): declared, or detected."""
    tags: list[str]
    """The page's own topic tags and categories; [] when none. Never null."""
    body: str
    """Clean text: paragraphs, headings, list items and quotes separated by one blank line; no captions."""
    fetched_at: str
    """When this version was fetched, ISO 8601 UTC."""
    version: int = 1
    """1 for the first version; +1 each time the content hash changes, or the story's first reporter or id changes (the record is exported again)."""
    description: str | None = None
    """Standfirst / meta description when the page has one; null otherwise."""
    feed_url: str | None = None
    """The feed the article was found in (null when found otherwise)."""
    content_hash: str = ""
    """First 16 hex digits of the SHA-256 of title, body, published and updated (not the fetch time); a change makes a new version."""
    found_via: str = "feed"
    """How the article was found: 'feed', 'sitemap' or 'archive' (a feed's archive pages)."""
    story: str | None = None
    """Story id: the id of the first stored record of the event this article reports; never changes silently (null only in records stored before stories existed)."""
    story_first_url: str | None = None
    """URL of the story's first reporter (its earliest published article)."""
    story_first_site: str | None = None
    """Site id of the story's first reporter."""
    story_first_published: str | None = None
    """Publication time of the story's first reporter, ISO 8601; null when unknown."""
    story_size: int = 0
    """Number of articles in the story when this record was written (1: no other outlet yet; 0 only before stories existed)."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self) -> str:
        """The record as one JSONL line (without the newline): the only serialiser of records."""
        # The fields' values are JSON already (strings, numbers, lists of strings): a shallow dict
        # encodes the same as ``asdict``, whose deep copy was a third of the encoding's cost.
        return dumps_compact({name: getattr(self, name) for name in ARTICLE_FIELDS})

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        """Read a stored record back (keys this version does not know are ignored)."""
        return cls(**{k: v for k, v in data.items() if k in _ARTICLE_NAMES})

    @classmethod
    def from_json(cls, text: str) -> Article:
        return cls.from_dict(loads(text))


#: The record's field names, in export order.
ARTICLE_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Article))
_ARTICLE_NAMES = frozenset(ARTICLE_FIELDS)


@dataclass(kw_only=True)
class ArticlePage:
    """A page's record on its way to the store, with what the store keeps about the page."""

    page: FetchedPage
    #: "article", or the kind of page extraction saw (validation drops the others).
    kind: str
    article: Article
    #: The page's URL keys plus the canonical URL's key.
    keys: list[str]
    #: ``ExtractedPage.signals``, passed on to the store (not part of the record).
    signals: Any = None


def article_json_schema() -> dict[str, Any]:
    """A JSON Schema (draft 2020-12) of one exported record, derived from ``Article``."""
    from itemadapter import ItemAdapter

    schema = ItemAdapter.get_json_schema(Article)
    # Every line carries every field (defaults included), so every field is required.
    schema["required"] = list(ARTICLE_FIELDS)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "defwatch article record", **schema}
