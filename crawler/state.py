"""Typed rows of the store: what it knows about a feed, a page and a feed entry.

A leaf module (standard library only). The store (``crawler/store.py``) returns these frozen
rows and the pure decisions (``crawler/decisions.py``) read them; neither side passes dicts.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, TypeVar

from crawler.items import FeedEntry

#: Outcomes after which a page is not fetched again by a normal poll.
FINAL_OUTCOMES = frozenset({"stored", "not-modified", "gone", "not-an-article", "duplicate"})
#: Outcomes that are retried later with backoff (until ``PAGE_MAX_ATTEMPTS``).
RETRY_OUTCOMES = frozenset({"http-error-after-retries", "timeout", "connection-error", "robots-unavailable",
                            "parse-error", "too-large", "redirect-limit"})
#: A failing page is tried this many times in all, then left alone.
PAGE_MAX_ATTEMPTS = 5

Row = TypeVar("Row")


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def field_names(cls: type) -> tuple[str, ...]:
    """The field names of a row class (cached: a daemon reads thousands of rows a cycle)."""
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in fields(cls))
    return names


def from_row(cls: type[Row], row: Mapping[str, Any]) -> Row:
    """Build row class ``cls`` from a database row; columns it does not name are ignored."""
    keys = row.keys()
    return cls(**{name: row[name] for name in field_names(cls) if name in keys})


@dataclass(frozen=True)
class FeedState:
    """A feed's caching info and schedule (table ``feeds``). Times are Unix seconds."""

    url: str
    site: str
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    last_poll_at: float | None = None
    #: "200", "200-unchanged", "304" or "error".
    last_status: str | None = None
    last_error: str | None = None
    failures: int = 0
    next_poll_at: float = 0.0
    interval: float | None = None
    #: The feed's own <ttl> (seconds), kept for the polls that do not parse it.
    min_interval_hint: float | None = None
    last_new_at: float | None = None
    items_total: int = 0
    polls: int = 0


@dataclass(frozen=True)
class PageState:
    """The recorded outcome of one page URL key (table ``pages``)."""

    key: str
    site: str
    url: str
    outcome: str
    detail: str | None = None
    http_status: int | None = None
    article_id: str | None = None
    attempts: int = 0
    fetched_at: float | None = None
    retry_at: float | None = None
    feed_url: str | None = None
    #: The feed entry that led to the page, as JSON (``FeedEntry.to_json``), for its retry.
    entry: str | None = None

    @property
    def feed_entry(self) -> FeedEntry | None:
        return FeedEntry.from_json(self.entry) if self.entry else None


@dataclass(frozen=True)
class EntryState:
    """A feed-entry identity already handled (table ``entries``): link or GUID key -> page key."""

    key: str
    site: str
    page_key: str
    #: The entry's stamp when it was handled (``FeedEntry.stamp``).
    updated: str | None = None
    feed_url: str | None = None
    seen_at: float = 0.0


# ---------------------------------------------------------------- backfill, gaps (issue 9)

@dataclass(frozen=True)
class SitemapDoc:
    """A document a backfill run walks (table ``sitemaps``): robots.txt, a sitemap or an archive page."""

    url: str
    site: str
    #: "robots", "sitemap" or "archive".
    kind: str
    depth: int = 0
    lastmod: str | None = None
    #: "pending", "walked", "missing" or "error".
    state: str = "pending"
    detail: str | None = None


@dataclass(frozen=True)
class Candidate:
    """An article URL a backfill run found (table ``candidates``), decided before any fetch."""

    key: str
    site: str
    url: str
    #: The date the sitemap or archive gave (ISO 8601), if any.
    published: str | None
    #: "sitemap" or "archive": becomes the record's ``found_via``.
    via: str
    #: "due" (fetch), "undated" (fetch; the extracted date decides) or "out" (outside the window).
    state: str


@dataclass(frozen=True)
class FeedMark:
    """The newest publication time a feed showed in earlier polls (table ``feed_marks``)."""

    feed_url: str
    site: str
    newest_published: float | None
    marked_at: float


@dataclass(frozen=True)
class Gap:
    """A poll that may have missed posts (table ``gaps``); recovered from sitemaps since ``since``."""

    id: int
    site: str
    feed_url: str | None
    since: float
    detected_at: float
    recovered_at: float | None = None
    recovered: int = 0


# ---------------------------------------------------------------- stories (issue 10)

@dataclass(frozen=True)
class StoryMember:
    """One article of a story (table ``story_articles``)."""

    id: str
    url: str | None
    site: str | None
    published: str | None


@dataclass(frozen=True)
class Story:
    """A live story (table ``stories``): its first reporter, size, members and the stories merged into it."""

    id: str
    first_article: str | None
    first_url: str | None
    first_site: str | None
    first_published: str | None
    first_ts: float | None
    size: int
    last_ts: float | None
    created_at: float
    members: tuple[StoryMember, ...] = ()
    merged: tuple[str, ...] = ()


# ---------------------------------------------------------------- alerts (issue 11)

@dataclass(frozen=True)
class PendingAlert:
    """An alert waiting in a sink's queue (table ``deliveries``), with the alert object itself."""

    alert_id: str
    attempts: int
    #: When the sink may try again (Unix time; 0: now).
    next_at: float
    #: The alert as the sinks receive it (``crawler.alerts.make_alert``).
    alert: dict[str, Any]


@dataclass(frozen=True)
class SinkQueue:
    """One sink's queue: alerts waiting, delivered and refused, and its oldest waiting alert."""

    sink: str
    pending: int
    delivered: int
    rejected: int
    #: When the oldest waiting alert was queued (Unix time; None: nothing waits).
    oldest: float | None
    oldest_alert_id: str | None
    attempts: int
    last_error: str | None
    next_attempt: float | None
