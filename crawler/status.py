"""``defwatch status``: per-feed state from the store, as a rich table or JSON."""
from __future__ import annotations

import json
import re
import sys
from datetime import UTC, datetime
from typing import Any

from crawler.store import Store


def _iso(ts: float | None) -> str | None:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds") if ts else None


def error_kind(status: str | None, error: str | None) -> str | None:
    """The kind of a feed's last failure: ``http-410``, ``timeout``, ``connection-error``,
    ``not-a-feed``, ...; None when the last poll succeeded."""
    if status != "error":
        return None
    text = (error or "").strip()
    m = re.match(r"HTTP (\d{3})", text)
    if m:
        return f"http-{m.group(1)}"
    m = re.match(r"([a-z][a-z0-9-]*):", text)
    return m.group(1) if m else "error"


def feed_rows(store: Store) -> list[dict[str, Any]]:
    """One row per feed: the fields of ``defwatch status --json``."""
    rows = []
    for f in store.feeds():
        rows.append({
            "site": f.site, "url": f.url, "last_poll": _iso(f.last_poll_at), "last_result": f.last_status,
            "error_kind": error_kind(f.last_status, f.last_error),
            "last_error": f.last_error, "consecutive_failures": f.failures, "last_new_item": _iso(f.last_new_at),
            "items_total": f.items_total, "next_poll": _iso(f.next_poll_at) if f.last_poll_at else None,
            "interval_s": round(f.interval, 1) if f.interval is not None else None,
            "polls": f.polls,
        })
    return rows


def show_status(store: Store, *, as_json: bool = False) -> int:
    rows = feed_rows(store)
    summary = {"counts": store.counts(), "page_outcomes": store.page_outcomes(),
               "articles_per_site": store.articles_per_site(),
               "fleet": [{**w, "started": _iso(w["started"]), "heartbeat": _iso(w["heartbeat"])}
                         for w in store.fleet()]}
    if as_json:
        print(json.dumps({"feeds": rows, **summary}, indent=2))
        return 0
    from rich.console import Console
    from rich.table import Table

    table = Table(title="defwatch feeds")
    for col in ("site", "feed", "last poll", "result", "fails", "last new", "items", "next poll"):
        table.add_column(col)
    for r in rows:
        style = "red" if r["consecutive_failures"] else None
        result = r["last_result"] or "-"
        if r["error_kind"]:
            result = f"error: {r['error_kind']}"
        table.add_row(r["site"], r["url"], r["last_poll"] or "never", result, str(r["consecutive_failures"]),
                      r["last_new_item"] or "-", str(r["items_total"]), r["next_poll"] or "due", style=style)
    console = Console(file=sys.stdout)
    console.print(table)
    console.print("articles: {articles}, versions: {versions}, pages: {pages}".format(**summary["counts"]))
    if summary["page_outcomes"]:
        console.print("page outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(summary["page_outcomes"].items())))
    for w in summary["fleet"]:  # crawl --fleet workers on a shared store
        console.print(f"worker {w['id']}: last heartbeat {w['heartbeat']}, sites done {w['sites_done']}, "
                      f"holding {', '.join(w['sites']) or 'nothing'}", markup=False, highlight=False)
    failing = [r for r in rows if r["consecutive_failures"]]
    if failing:
        console.print(f"[red]{len(failing)} feed(s) failing:[/red]")
        for r in failing:
            console.print(f"  {r['site']} {r['url']}: {r['consecutive_failures']} failure(s) in a row, "
                          f"last: {r['last_error'] or r['error_kind']}; next try {r['next_poll'] or 'now'}",
                          markup=False, highlight=False)
    return 0
