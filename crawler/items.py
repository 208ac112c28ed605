"""The data contract: what flows from feeds to pages to exported records.

A leaf module (standard library only). ``Article`` is the exported JSONL record; each field's
docstring gives its format, and ``article_json_schema()`` turns them into a JSON Schema for the
people who consume the export.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


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


ARTICLE_FIELDS: dict[str, str] = {
    "id": "Stable identifier of the article: 16 hex digits of the SHA-256 of its canonical URL.",
    "url": "Canonical URL (rel=canonical, og:url or JSON-LD after redirects; no tracking parameters or fragment).",
    "site": "Site id from the registry (config/sites/<id>.toml).",
    "title": "Headline, without a ' - Site Name' suffix.",
    "authors": "Person names, one per entry; [] when the page names none. Never null.",
    "published": "First publication time, ISO 8601 with offset (or a date YYYY-MM-DD when only the day is known); null when unknown.",
    "updated": "Last modification time shown by the page or feed, ISO 8601; null when none.",
    "lang": "Language code (BCP 47 primary tag, e.g. 'en', 'fr').",
    "tags": "The page's own topic tags and categories; [] when none. Never null.",
    "body": "Clean article text: paragraphs, headings, list items and quotes separated by one blank line.",
    "fetched_at": "When this version was fetched, ISO 8601 UTC.",
    "version": "1 for the first version; +1 each time the article's text or dates change.",
    "description": "Standfirst / meta description when the page has one; null otherwise.",
    "feed_url": "The feed the article was found in (null when found otherwise).",
    "content_hash": "SHA-256 (first 16 hex digits) of title and body; changes make a new version.",
    "story": "Story id: the id of the first stored record of the event this article reports; never changes silently.",
    "story_first_url": "URL of the story's first reporter (its earliest published article).",
    "story_first_site": "Site id of the story's first reporter.",
    "story_first_published": "Publication time of the story's first reporter, ISO 8601; null when unknown.",
    "story_size": "Number of articles in the story when this record was written (1: no other outlet yet).",
}


def article_json_schema() -> dict[str, Any]:
    """A JSON Schema (draft 2020-12) of one exported record."""
    nullable_str = {"type": ["string", "null"]}
    props: dict[str, Any] = {}
    for name, doc in ARTICLE_FIELDS.items():
        if name in ("authors", "tags"):
            spec: dict[str, Any] = {"type": "array", "items": {"type": "string"}}
        elif name in ("version", "story_size"):
            spec = {"type": "integer", "minimum": 1}
        elif name in ("published", "updated", "description", "feed_url", "lang", "title", "story_first_published"):
            spec = dict(nullable_str)
        else:
            spec = {"type": "string"}
        props[name] = {**spec, "description": doc}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "defwatch article record",
        "type": "object",
        "required": ["id", "url", "site", "title", "authors", "published", "updated", "lang", "tags",
                     "body", "fetched_at", "version"],
        "properties": props,
    }

