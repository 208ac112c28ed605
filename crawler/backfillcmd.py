"""``defwatch backfill``: every article a site published in a window, from sitemaps or archives.

Runs :func:`crawler.runner.run_backfill` on a fresh asyncio reactor, shows one rich progress bar
per site on a terminal (plain lines otherwise), prints a per-site summary, and appends the
stored records of the window to ``--out`` when asked.
"""
from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

from crawler.backfill import Window
from crawler.config import AppConfig, Site
from crawler.store import Store

SUMMARY_COLUMNS = ("sitemaps", "archive_pages", "candidates", "in_window", "fetched", "new", "out_of_window",
                   "errors")


def run_key(mode: str, window: Window, sites: list[Site]) -> str:
    """What makes two runs the same run (a killed one is resumed by the next with the same key)."""
    return f"{mode}|{window.key()}|{','.join(sorted(s.id for s in sites))}"


def backfill_once(app: AppConfig, sites: list[Site], store: Store, window: Window, *,
                  progress: bool) -> dict[str, dict[str, int]]:
    """Run one backfill to its end on a fresh reactor; return the per-site summary."""
    from scrapy.utils.defer import deferred_from_coro
    from twisted.internet.task import react

    from crawler.runner import install_asyncio_reactor, make_runner, run_backfill

    install_asyncio_reactor()
    done: dict[str, dict[str, dict[str, int]]] = {}
    live: dict[str, Any] = {}

    async def main() -> None:
        # A backfill is as long as the history it walks: no per-crawl time budget.
        runner = make_runner(app, store=store.path, sites=sites, CLOSESPIDER_TIMEOUT=0)
        view = asyncio.ensure_future(_show(live, sites, progress))
        try:
            result = await run_backfill(runner, windows={s.id: window for s in sites}, mode="backfill",
                                        run_key=run_key("backfill", window, sites), live=live)
            done["summary"] = result.summary
        finally:
            view.cancel()

    try:
        react(lambda reactor: deferred_from_coro(main()))
    except SystemExit as exc:
        if exc.code not in (0, None):
            raise RuntimeError(f"backfill failed (exit {exc.code})") from None
    if "summary" not in done:
        raise RuntimeError("the backfill did not complete")
    return done["summary"]


def _live_summary(live: dict[str, Any]) -> dict[str, dict[str, int]]:
    """The per-site counts of the running backfill, from its crawler's stats."""
    from crawler.runner import CycleResult

    crawler = live.get("crawler")
    stats = crawler.stats.get_stats() if crawler is not None and crawler.stats else {}
    return CycleResult(stats=dict(stats)).summary


async def _show(live: dict[str, Any], sites: list[Site], fancy: bool) -> None:
    """Progress while the crawl runs: rich bars on a terminal, a plain line per change otherwise."""
    if fancy:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        with Progress(TextColumn("{task.description:<20}"), BarColumn(), MofNCompleteColumn(),
                      TextColumn("{task.fields[note]}"), console=Console(stderr=True), transient=False) as bars:
            tasks = {s.id: bars.add_task(s.id, total=None, note="") for s in sites}
            try:
                while True:
                    summary = _live_summary(live)
                    for sid, task in tasks.items():
                        s = summary.get(sid, {})
                        bars.update(task, total=max(s.get("in_window", 0), 1), completed=s.get("fetched", 0),
                                    note=f"sitemaps {s.get('sitemaps', 0) + s.get('archive_pages', 0)}, "
                                         f"stored {s.get('new', 0)}")
                    await asyncio.sleep(0.25)
            except asyncio.CancelledError:
                summary = _live_summary(live)
                for sid, task in tasks.items():
                    s = summary.get(sid, {})
                    bars.update(task, total=max(s.get("in_window", 0), 1), completed=s.get("fetched", 0))
                raise
    last: dict[str, tuple[int, ...]] = {}
    while True:
        summary = _live_summary(live)
        for site in sites:
            s = summary.get(site.id, {})
            state = tuple(s.get(k, 0) for k in SUMMARY_COLUMNS)
            if state != last.get(site.id) and any(state):
                last[site.id] = state
                print(f"backfill {site.id}: " + " ".join(f"{k}={v}" for k, v in zip(SUMMARY_COLUMNS, state, strict=True)),
                      file=sys.stderr, flush=True)
        await asyncio.sleep(1.0)


def print_summary(summary: dict[str, dict[str, int]], sites: list[Site], out: Path | None, written: int) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="defwatch backfill")
    table.add_column("site")
    for col in SUMMARY_COLUMNS:
        table.add_column(col.replace("_", " "), justify="right")
    totals = dict.fromkeys(SUMMARY_COLUMNS, 0)
    for site in sites:
        s = summary.get(site.id, {})
        table.add_row(site.id, *(str(s.get(k, 0)) for k in SUMMARY_COLUMNS))
        for k in SUMMARY_COLUMNS:
            totals[k] += s.get(k, 0)
    console = Console(width=160)
    console.print(table)
    console.print(f"stored {totals['new']} new articles from {totals['in_window']} in-window candidates; "
                  f"fetched {totals['fetched']}, errors {totals['errors']}"
                  + (f"; wrote {written} records to {out}" if out else ""))


def write_window(store: Store, out: Path, window: Window, sites: list[Site]) -> int:
    """Append the stored records published in ``window`` to ``out`` (the export's one serializer)."""
    from crawler.export import export_range

    return export_range(store, str(out), since=window.since.isoformat(),
                        until=window.until.isoformat() if window.until else None, sites=[s.id for s in sites])

