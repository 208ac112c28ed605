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


def from_row(cls: type[Row], row: Mapping[str, Any]) -> Row:
    """Build row class ``cls`` from a database row; columns it does not name are ignored."""
    keys = set(row.keys())
    return cls(**{f.name: row[f.name] for f in fields(cls) if f.name in keys})  # type: ignore[arg-type]


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
