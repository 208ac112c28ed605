"""The command-line side of watchlists and alerts (issue 11): ``--watchlists``, ``watch test``, ``alerts``."""
from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crawler.db import default_db_path

if TYPE_CHECKING:
    from crawler.store import Store
    from crawler.watchlists import WatchConfig

EXIT_OK, EXIT_USAGE = 0, 2  # as crawler.cli

#: Seconds a one-off crawl spends delivering alerts after its cycle (the rest wait in the store).
CRAWL_DELIVERY_BUDGET = 15.0


def watchlists_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument("--watchlists", type=Path, default=None, metavar="FILE",
                   help="watchlists and alert sinks (TOML; default: $XDG_CONFIG_HOME/defwatch/watchlists.toml "
                        "when present)")


def add_alert_commands(sub: Any, common: Callable[..., None]) -> None:
    p = sub.add_parser("watch", help="watchlist tools: `watch test FILE` dry-runs a watchlists file")
    wsub = p.add_subparsers(dest="watch_command", required=True, metavar="ACTION")
    t = wsub.add_parser("test", help="print what FILE would alert on among the stored articles")
    t.add_argument("file", type=Path, help="a watchlists file")
    common(t, sites=False)
    t.add_argument("--since", help="only articles published at or after this ISO date/time")
    t.add_argument("--format", choices=("text", "json", "markdown"), default="text")

    p = sub.add_parser("alerts", help="list past alerts, or a digest to paste into a report")
    common(p, sites=False)
    p.add_argument("--since", help="only alerts raised at or after this ISO date/time")
    p.add_argument("--watchlist", metavar="ID", help="only this watchlist's alerts")
    p.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    watchlists_flag(p)


def load_watch(path: Path | None) -> WatchConfig | None:
    """The watchlists of ``--watchlists`` (or the default file when present); None without any."""
    from crawler.watchlists import default_watchlists_path, load_watchlists

    path = path or default_watchlists_path()
    return load_watchlists(path) if path is not None else None


def alert_settings(watch: WatchConfig | None) -> dict[str, Any]:
    """The Scrapy settings that make the store pipeline raise alerts (the file, not the object:
    Scrapy deep-copies settings)."""
    return {"DEFWATCH_WATCHLISTS": str(watch.path) if watch is not None else None}


async def deliver_after_crawl(store: Store, watch: WatchConfig | None) -> dict[str, int]:
    """Deliver the queued alerts after a one-off crawl, within ``CRAWL_DELIVERY_BUDGET``: a sink
    that is down costs seconds, never the crawl; what is not delivered waits in the store."""
    if watch is None or not watch.sinks:
        return {}
    from crawler.sinks import deliver

    return await deliver(store, watch.sinks, budget=CRAWL_DELIVERY_BUDGET, now_first=True)


def alert_summary_line(store: Store, result: Any) -> str:
    """``alerts raised N; <sink> delivered N, M waiting; ...`` for the crawl summary."""
    raised = sum(v for k, v in result.stats.items() if k.startswith("defwatch/alerts/") and isinstance(v, int))
    delivered = getattr(result, "alerts_delivered", {}) or {}
    queues = {q.sink: q.pending for q in store.alert_queues()}
    parts = [f"{key} delivered {n}" + (f", {queues[key]} waiting" if queues.get(key) else "")
             for key, n in delivered.items()]
    return f"alerts raised {raised}" + ("; " + "; ".join(parts) if parts else "")


def _check_since(command: str, value: str | None) -> bool:
    from crawler.dates import parse_iso_arg

    try:
        parse_iso_arg(value)
    except ValueError:
        print(f"defwatch {command}: --since: not an ISO 8601 date or time: {value!r}", file=sys.stderr)
        return False
    return True


def _print_alerts(alerts: list[dict[str, Any]], fmt: str, names: dict[str, str]) -> None:
    from crawler.alerts import format_json, format_markdown, format_text

    if fmt == "json":
        sys.stdout.write(format_json(alerts))
    elif fmt == "markdown":
        sys.stdout.write(format_markdown(alerts, names))
    elif alerts:
        print(format_text(alerts))


def cmd_watch(args: argparse.Namespace, app: Any) -> int:
    """``defwatch watch test FILE``: what FILE would alert on among the stored articles."""
    from crawler.alerts import dry_run
    from crawler.dates import parse_iso_arg
    from crawler.export import select
    from crawler.watchlists import load_watchlists

    watch = load_watchlists(args.file)
    if not _check_since("watch test", args.since):
        return EXIT_USAGE
    from crawler.store import Store

    store = Store(args.db or default_db_path(), readonly=True)
    try:
        records = [a.to_dict() for a in select(store.latest_records(), parse_iso_arg(args.since), None)]
    finally:
        store.close()
    alerts = dry_run(watch, records)
    _print_alerts(alerts, args.format, {w.id: w.name for w in watch.watchlists})
    stories = len({(a["watchlist"], a["story"]) for a in alerts})
    print(f"{len(records)} articles, {len(alerts)} alerts ({stories} new, "
          f"{len(alerts) - stories} also-reported) over {len(watch.watchlists)} watchlists", file=sys.stderr)
    return EXIT_OK


def cmd_alerts(args: argparse.Namespace, app: Any) -> int:
    """``defwatch alerts``: past alerts as text, JSON lines or a markdown digest."""
    from crawler.dates import parse_iso_arg

    if not _check_since("alerts", args.since):
        return EXIT_USAGE
    watch = load_watch(args.watchlists)
    names = {w.id: w.name for w in watch.watchlists} if watch else {}
    since = parse_iso_arg(args.since)
    from crawler.store import Store

    store = Store(args.db or default_db_path(), readonly=True)
    try:
        alerts = store.alerts(since=since.timestamp() if since else None, watchlist=args.watchlist) \
            if store.alerts_ready() else []
    finally:
        store.close()
    _print_alerts(alerts, args.format, names)
    if args.format == "text":
        print(f"{len(alerts)} alerts", file=sys.stderr)
    return EXIT_OK
