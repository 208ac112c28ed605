"""Alerts: what a watchlist says about a stored article, decided in the article's transaction.

An alert is one JSON object::

    {"alert_id", "watchlist", "article_id", "url", "site", "title", "published",
     "matched": [...], "snippet", "story", "event"}

``event`` is ``new`` for the first matching article of a story (at most one per (watchlist,
story), ever: a partial unique index in the store enforces it), ``also-reported`` for each later
matching article of that story, and ``updated`` for a new version of an article that had alerted
and still matches. ``alert_id`` hashes (watchlist, article id, version, event), so a retried
delivery carries the same id (the webhook's ``Idempotency-Key``).

:class:`AlertHook` runs inside ``Store.save_article``'s transaction: the article, its alerts and
their delivery queue entries commit together, so a crash never loses an alert nor sends one for
an article the store does not have.
"""
from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from crawler.store import Store
from crawler.watchlists import Match, WatchConfig, Watchlist


def story_of(record: dict[str, Any]) -> str:
    """The story id of a record: its ``story`` (issue 10) or, before clustering, its own id."""
    return str(record.get("story") or record["id"])


def alert_id(watchlist: str, article_id: str, version: int, event: str) -> str:
    """A deterministic id: the same alert gets the same id on every retry and restart."""
    return hashlib.sha256(f"{watchlist}\0{article_id}\0{version}\0{event}".encode()).hexdigest()[:24]


def make_alert(wl: Watchlist, match: Match, record: dict[str, Any], event: str) -> dict[str, Any]:
    """The alert object of ``record`` for watchlist ``wl``."""
    version = int(record.get("version") or 1)
    return {"alert_id": alert_id(wl.id, record["id"], version, event), "watchlist": wl.id,
            "article_id": record["id"], "url": record.get("url"), "site": record.get("site"),
            "title": record.get("title"), "published": record.get("published"), "matched": list(match.terms),
            "snippet": match.snippet, "story": story_of(record), "event": event}


class AlertHook:
    """``Store.on_article``: match a stored article against the watchlists, queue its alerts.

    ``stats`` (a Scrapy stats collector, optional) counts ``defwatch/alerts/<event>``.
    """

    def __init__(self, config: WatchConfig, stats: Any = None):
        self.config = config
        self.stats = stats
        self.created = 0

    def install(self, store: Store) -> None:
        store.on_article = self

    def __call__(self, store: Store, article_id: str, action: str, version: int) -> None:
        article = store.article(article_id)
        if article is None:
            return
        # Watchlists match fields by name (aliases included): the record as the sinks see it.
        record = article.to_dict()
        now = time.time()
        for wl, match in self.config.matches(record):
            seen, story_has_new = store.alert_history(wl.id, article_id, story_of(record))
            if action == "updated" and seen:
                event = "updated"
            else:
                # First time this article alerts for this watchlist (new, or an edit that now matches).
                event = "also-reported" if story_has_new else "new"
            alert = make_alert(wl, match, record, event)
            if store.add_alert(alert, version, [s.key for s in self.config.sinks if event in s.events], now):
                self.created += 1
                if self.stats is not None:
                    self.stats.inc_value(f"defwatch/alerts/{event}")


# ---------------------------------------------------------------- dry run and listing

def dry_run(config: WatchConfig, records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The alerts ``config`` would give over ``records``, taken in publication order."""
    def when(r: dict[str, Any]) -> str:
        return r.get("published") or r.get("fetched_at") or ""

    out: list[dict[str, Any]] = []
    opened: set[tuple[str, str]] = set()
    for record in sorted(records, key=lambda r: (when(r), r["id"])):
        for wl, match in config.matches(record):
            key = (wl.id, story_of(record))
            out.append(make_alert(wl, match, record, "also-reported" if key in opened else "new"))
            opened.add(key)
    return out


def _iso(ts: float | None) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds") if ts else ""


def format_text(alerts: list[dict[str, Any]]) -> str:
    """One line per alert (and its snippet), for a terminal."""
    lines = []
    for a in alerts:
        when = _iso(a.get("created_at")) or (a.get("published") or "")
        lines.append(f"{when}  {a['watchlist']}  {a['event']:<13} {a.get('site') or ''}  {a.get('title') or ''}")
        lines.append(f"    {a.get('url') or ''}")
        lines.append(f"    matched: {', '.join(a['matched'])}  |  {a.get('snippet') or ''}")
    return "\n".join(lines)


def format_markdown(alerts: list[dict[str, Any]], names: dict[str, str] | None = None) -> str:
    """A digest to paste into a report: per watchlist, one entry per story with every outlet."""
    names = names or {}
    by_list: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for a in alerts:
        by_list.setdefault(a["watchlist"], {}).setdefault(a["story"], []).append(a)
    out = ["# defwatch alerts digest", ""]
    if not alerts:
        out.append("No alerts.")
    for wl, stories in by_list.items():
        out += [f"## {names.get(wl, wl)} (`{wl}`): {len(stories)} stor{'y' if len(stories) == 1 else 'ies'}", ""]
        for items in stories.values():
            first = next((a for a in items if a["event"] == "new"), items[0])
            title = (first.get("title") or first["url"] or "").replace("[", "(").replace("]", ")")
            out.append(f"- **[{title}]({first.get('url')})**: {first.get('site')}, {first.get('published') or 'undated'}; "
                       f"matched {', '.join(first['matched'])}")
            if first.get("snippet"):
                out.append(f"  > {first['snippet']}")
            others = [a for a in items if a is not first]
            if others:
                out.append("  - also: " + ", ".join(
                    f"[{a.get('site')}]({a.get('url')})" + (" (updated)" if a["event"] == "updated" else "")
                    for a in others))
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def format_json(alerts: list[dict[str, Any]]) -> str:
    """One JSON object per line (the alert, as the sinks receive it)."""
    return "".join(json.dumps({k: v for k, v in a.items() if k != "created_at"}, ensure_ascii=False) + "\n"
                   for a in alerts)
