"""``defwatch status``: per-feed state from the store, as a rich table or JSON."""
from __future__ import annotations

import json
import re
import statistics
import sys
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from crawler.humane import explain
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


def cadence(starts: list[float]) -> float | None:
    """The measured cadence: median seconds between consecutive poll starts (None: fewer than two)."""
    gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
    return round(statistics.median(gaps), 2) if gaps else None


def gap_rows(store: Store) -> dict[str, dict[str, int]]:
    """Per site: feed gaps detected and articles recovered from sitemaps (issue 9)."""
    if not store.db.has_table("gaps"):  # a store from before migration v3, opened read-only
        return {}
    return store.gap_counts()


def feed_rows(store: Store) -> list[dict[str, Any]]:
    """One row per feed: the fields of ``defwatch status --json``."""
    rows = []
    cadenced = store.db.has_table("poll_starts")  # not in a store from before migration v3, opened read-only
    for f in store.feeds():
        starts = store.poll_starts(f.url) if cadenced else []
        rows.append({
            "site": f.site, "url": f.url, "last_poll": _iso(f.last_poll_at), "last_result": f.last_status,
            "error_kind": error_kind(f.last_status, f.last_error),
            "reason": explain(f.last_error).reason if f.last_status == "error" else None,
            "last_error": f.last_error, "consecutive_failures": f.failures, "last_new_item": _iso(f.last_new_at),
            "items_total": f.items_total, "next_poll": _iso(f.next_poll_at) if f.last_poll_at else None,
            "interval_s": round(f.interval, 1) if f.interval is not None else None,
            "polls": f.polls,
            "cadence_s": cadence(starts),
        })
    return rows


def show_status(store: Store, *, as_json: bool = False) -> int:
    rows = feed_rows(store)
    alerts = alert_summary(store)  # issue 11
    summary = {"counts": store.counts(), "page_outcomes": store.page_outcomes(),
               "articles_per_site": store.articles_per_site(), "gaps": gap_rows(store),
               "stories": store.story_counts(),
               "fleet": [{**w, "started": _iso(w["started"]), "heartbeat": _iso(w["heartbeat"])}
                         for w in store.fleet()],
               "fleet_jobs": store.fleet_queue()}
    if as_json:
        print(json.dumps({"feeds": rows, **summary, "alerts": alerts}, indent=2))
        return 0
    from rich.console import Console
    from rich.table import Table

    table = Table(title="defwatch feeds")
    for col in ("site", "feed", "last poll", "result", "fails", "last new", "items", "next poll", "cadence"):
        table.add_column(col)
    for r in rows:
        style = "red" if r["consecutive_failures"] else None
        result = r["last_result"] or "-"
        if r["error_kind"]:
            result = f"error: {r['error_kind']}"
        table.add_row(r["site"], r["url"], r["last_poll"] or "never", result, str(r["consecutive_failures"]),
                      r["last_new_item"] or "-", str(r["items_total"]), r["next_poll"] or "due",
                      f"{r['cadence_s']} s" if r["cadence_s"] is not None else "-", style=style)
    console = Console(file=sys.stdout)
    console.print(table)
    console.print("articles: {articles}, versions: {versions}, pages: {pages}".format(**summary["counts"]))
    console.print("stories: {stories} ({multi_outlet_stories} with more than one article, "
                  "{story_merges} merged)".format(**summary["stories"]))
    if summary["page_outcomes"]:
        console.print("page outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(summary["page_outcomes"].items())))
    if summary["gaps"]:
        console.print("feed gaps: " + ", ".join(f"{site} {g['gaps']} (recovered {g['recovered']})"
                                                for site, g in sorted(summary["gaps"].items())))
    print_alert_queues(console, alerts)
    print_fleet(console, summary["fleet"], summary["fleet_jobs"])
    failing = [r for r in rows if r["consecutive_failures"]]
    if failing:
        console.print(f"[red]{len(failing)} feed(s) failing:[/red]")
        for r in failing:
            console.print(f"  {r['site']} {r['url']}: {r['consecutive_failures']} failure(s) in a row, "
                          f"last: {r['last_error'] or r['error_kind']}; next try {r['next_poll'] or 'now'}",
                          markup=False, highlight=False)
    return 0


def print_fleet(console: Any, workers: list[dict[str, Any]], jobs: dict[str, int]) -> None:
    """The fleet's workers (``--fleet`` on a PostgreSQL store): heartbeat, state, the sites they crawl."""
    if jobs:
        console.print("fleet site jobs: " + ", ".join(f"{k} {v}" for k, v in sorted(jobs.items())))
    for w in workers:
        crawling = ", ".join(f"{j['site']} (job {j['job']}{', taken over' if j['attempts'] else ''})"
                             for j in w["jobs"])
        console.print(f"worker {w['id']} ({w['state']}): last heartbeat {w['heartbeat']}, sites done "
                      f"{w['sites_done']}, crawling {crawling or 'nothing'}", markup=False, highlight=False,
                      style="red" if w["state"] == "lost" else None)


# ---------------------------------------------------------------- alerts (issue 11)

def alert_summary(store: Store) -> dict[str, Any]:
    """Alerts raised per event, and per sink the queue depth and its oldest undelivered alert."""
    if not store.alerts_ready():
        return {"total": 0, "by_event": {}, "sinks": []}
    by_event = store.alert_events()
    sinks = [{**asdict(q), "oldest": _iso(q.oldest), "next_attempt": _iso(q.next_attempt)}
             for q in store.alert_queues()]
    return {"total": sum(by_event.values()), "by_event": by_event, "sinks": sinks}


def print_alert_queues(console: Any, alerts: dict[str, Any]) -> None:
    if not alerts["total"] and not alerts["sinks"]:
        return
    console.print("alerts: " + ", ".join(f"{k} {v}" for k, v in sorted(alerts["by_event"].items())))
    for q in alerts["sinks"]:
        line = f"  sink {q['sink']}: {q['pending']} waiting, {q['delivered']} delivered"
        if q["rejected"]:
            line += f", {q['rejected']} refused by the receiver"
        if q["pending"]:
            line += f"; oldest {q['oldest_alert_id']} since {q['oldest']}, {q['attempts']} attempt(s)"
            if q["last_error"]:
                line += f", last error: {q['last_error']}; next try {q['next_attempt'] or 'now'}"
        console.print(line, markup=False, highlight=False, soft_wrap=True,
                      style="red" if q["pending"] and q["attempts"] else None)
