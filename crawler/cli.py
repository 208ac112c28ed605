"""The ``defwatch`` command line: crawl | daemon | backfill | export | extract | status | schema | stories.

Exit codes (also in the README):
  0  success
  1  nothing at all could be fetched (every feed failed), or a runtime failure
  2  usage error or configuration error (the message names the file and key)
  3  the store cannot be used: unreadable, corrupt, newer schema, or locked by another writer
  130 interrupted before the work was done (Ctrl-C during a one-off crawl)
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crawler import alertcmd  # issue 11: --watchlists, watch test, alerts
from crawler.config import DEFAULT_SITES, AppConfig, ConfigError, Site, load_app, load_sites
from crawler.db import StoreError, default_db_path
from crawler.humane import NOTHING_REACHED, Explained, explain

if TYPE_CHECKING:
    from crawler.store import Store

EXIT_OK, EXIT_NOTHING, EXIT_USAGE, EXIT_STORE, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
logger = logging.getLogger("defwatch")


def open_store(db: str | Path, **options: Any) -> Store:
    """Open the store: its module loads only for the commands that use one (``extract`` does not)."""
    from crawler.store import Store

    return Store(db, **options)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="defwatch", description="Scraper and feed monitor for defense news.")
    parser.add_argument("--version", action=VersionAction, nargs=0, help="show the version and exit")
    parser.add_argument("--config", type=Path, help="application settings (default: config/app.toml)")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output (-vv: debug)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def common(p: argparse.ArgumentParser, *, sites: bool = True) -> None:
        if sites:
            p.add_argument("--sites", type=Path, default=DEFAULT_SITES,
                           help="registry folder of <id>.toml files, or one TOML file of [[sites]] (default: bundled)")
            p.add_argument("--site", action="append", default=[], metavar="ID", help="only these site ids (repeatable)")
            p.add_argument("--workers", type=int, metavar="N",
                           help="extraction worker processes (default: extract_workers in app.toml; 0 = one per core)")
        p.add_argument("--db", type=store_target, default=None,
                       help=f"SQLite file or postgresql://USER@HOST:PORT/DB (default: {default_db_path()})")

    p = sub.add_parser("crawl", help="poll every feed of every site once, fetch new articles, store them")
    common(p)
    p.add_argument("--out", type=Path, help="also append the new and updated records to this JSONL file")
    p.add_argument("--force", action="store_true", help="refetch pages even when the store knows them")
    p.add_argument("--no-progress", action="store_true", help="no progress display")
    p.add_argument("--log-json", action="store_true", help="log one JSON object per line (every failure in full)")
    p.add_argument("--fleet", action="store_true",
                   help="share a PostgreSQL store with other crawls: lease whole sites, crawl the due ones")
    alertcmd.watchlists_flag(p)

    p = sub.add_parser("daemon", help="poll feeds on a schedule until SIGTERM/SIGINT")
    common(p)
    p.add_argument("--out", type=Path, help="append new and updated records to this JSONL file "
                                            "(default: dated files under the data directory)")
    p.add_argument("--interval", type=float, help="poll every feed every SECONDS (tests, demos)")
    p.add_argument("--tick", type=float, default=None,
                   help="seconds between scheduler ticks (default: min(--interval, 1))")
    p.add_argument("--log-json", action="store_true", help="log one JSON object per line")
    p.add_argument("--fleet", action="store_true",
                   help="one of several daemons on a PostgreSQL store: lease whole sites (no --out)")
    alertcmd.watchlists_flag(p)

    p = sub.add_parser("export", help="write the latest version of every article as JSONL")
    common(p, sites=False)
    p.add_argument("--out", default="-", help="output file, or - for stdout (default)")
    p.add_argument("--since", help="only articles published at or after this ISO date/time")
    p.add_argument("--until", help="only articles published before this ISO date/time")
    p.add_argument("--site", action="append", default=[], metavar="ID", help="only these site ids (repeatable)")
    p.add_argument("--stories", action="store_true", help="one line per story (its records' ids and URLs) instead")

    p = sub.add_parser("stories", help="stories (one event, many outlets): outlets, first reporter, times; newest first")
    common(p, sites=False)
    p.add_argument("--since", help="only stories with an article at or after this ISO date/time")
    p.add_argument("--site", action="append", default=[], metavar="ID", help="only stories with an article of this site")
    p.add_argument("--json", action="store_true", help="machine-readable output")

    p = sub.add_parser("extract", help="extract one page (FILE or URL), or JSONL pages from stdin with --jsonl")
    p.add_argument("source", nargs="?", help="an HTML file or an http(s) URL")
    p.add_argument("--jsonl", action="store_true", help='read {"id","url","html"} lines on stdin, write JSON lines')
    p.add_argument("--url", help="the page's URL (for a FILE; resolves relative links)")
    p.add_argument("--sites", type=Path, default=None, help="registry, to apply a site's selectors and rules")
    p.add_argument("--site", default=None, metavar="ID", help="use this site's rules")

    p = sub.add_parser("status", help="per-feed state: last poll, result, failures, next poll")
    common(p, sites=False)
    p.add_argument("--json", action="store_true", help="machine-readable output")

    sub.add_parser("schema", help="print the JSON Schema of an exported record")
    alertcmd.add_alert_commands(sub, common)

    p = sub.add_parser("backfill", help="collect every article published in a window, from sitemaps or feed archives")
    common(p)
    p.add_argument("--since", required=True, help="first day or time of the window (ISO 8601, inclusive)")
    p.add_argument("--until", help="end of the window (ISO 8601, exclusive; default: now)")
    p.add_argument("--out", type=Path, help="write the stored records published in the window to this JSONL file")
    p.add_argument("--no-progress", action="store_true", help="no progress display")
    return parser


class VersionAction(argparse.Action):
    """``--version``: the installed version is read only when asked for (package metadata is slow to load)."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        print(f"defwatch {package_version()}")
        parser.exit()


def package_version() -> str:
    """The installed distribution's version, or ``unknown`` in a checkout that was never installed."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("defwatch")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"


def store_target(value: str) -> str | Path:
    """Parse ``--db``: a ``postgresql://`` URL stays a string (a Path would make it a folder)."""
    from crawler.db import is_url

    return value if is_url(value) else Path(value)


def setup_logging(verbose: int, *, stream=None) -> None:
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, stream=stream or sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("scrapy", "twisted", "filelock", "charset_normalizer", "trafilatura", "htmldate"):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING if verbose < 2 else logging.INFO))


def select_sites(all_sites: list[Site], wanted: list[str], source: Path) -> list[Site]:
    if not wanted:
        return [s for s in all_sites if s.enabled]
    by_id = {s.id: s for s in all_sites}
    unknown = [w for w in wanted if w not in by_id]
    if unknown:
        raise ConfigError(source, "site", f"unknown site id(s): {', '.join(unknown)}")
    return [by_id[w] for w in wanted]


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    setup_logging(args.verbose)
    try:
        app = load_app(args.config, extract_workers=getattr(args, "workers", None))
        handler = COMMANDS[args.command]
        return handler(args, app)
    except ConfigError as exc:
        print(f"defwatch: configuration error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except StoreError as exc:
        print(f"defwatch: store error: {exc}", file=sys.stderr)
        return EXIT_STORE
    except KeyboardInterrupt:
        print("defwatch: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (e.g. `defwatch export | head`): not an error of ours.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK


# ---------------------------------------------------------------- crawl

def cmd_crawl(args: argparse.Namespace, app: AppConfig) -> int:
    sites = select_sites(load_sites(args.sites), args.site, args.sites)
    watch = alertcmd.load_watch(args.watchlists)
    db = args.db or default_db_path()
    if args.fleet:
        return cmd_crawl_fleet(args, app, sites, db)
    if args.log_json:
        from crawler.daemon import use_json_logs

        use_json_logs()
        for name in ("crawler", "spiders", "pipelines"):  # every failure, in full, in the JSON log
            logging.getLogger(name).setLevel(logging.INFO)
    store = open_store(db, writer=True)  # the writer lock is taken before any migration
    started = time.time()
    if needs_full_gets(store, sites):
        from crawler.pool import crawl_pool

        # Feeds without validators will be parsed and their articles extracted: the workers'
        # fork server imports its libraries meanwhile, while the crawl imports Scrapy. (A pass
        # of conditional GETs, likely all 304, starts it only if a feed changed.)
        crawl_pool(app).prestart()
    try:
        result = run_once(app, sites, store, force=args.force, out=args.out,
                          progress=not args.no_progress and sys.stderr.isatty(), watch=watch)
        alert_line = alertcmd.alert_summary_line(store, result) if watch is not None else None
        errors: dict[str, str] = {}
        for feed in store.feeds(s.id for s in sites):
            if feed.last_status == "error" and (feed.last_poll_at or 0) >= started and feed.last_error:
                errors.setdefault(feed.site, feed.last_error)
    finally:
        store.close()
    explained = {site: explain(error, timeout=app.download_timeout) for site, error in errors.items()}
    report_failures(sites, explained, as_log=args.log_json)
    print_summary(result, sites, {site: e.reason for site, e in explained.items()})
    if alert_line:
        print(alert_line)
    if result.feeds_polled and result.feeds_failed == result.feeds_polled:
        if not any(e.reached for e in explained.values()):
            sys.stdout.flush()  # the hint closes the output, after the summary
            print(NOTHING_REACHED, file=sys.stderr)
        return EXIT_NOTHING
    return EXIT_OK


def needs_full_gets(store: Store, sites: list[Site]) -> bool:
    """Whether some feed of ``sites`` has no validators in the store yet (a first poll)."""
    known = {f.url: f for f in store.feeds(s.id for s in sites)}
    return any(not (f := known.get(url)) or not (f.etag or f.last_modified) for s in sites for url in s.feeds)


def cmd_crawl_fleet(args: argparse.Namespace, app: AppConfig, sites: list[Site], db: Path | str) -> int:
    """``crawl --fleet``: one worker among several on a PostgreSQL store (crawler/fleet.py)."""
    from crawler.fleet import crawl_fleet, needs_server

    problem = needs_server(db) or ("--out: with --fleet, write the output with `defwatch export`" if args.out else None)
    if problem:
        print(f"defwatch crawl: {problem}", file=sys.stderr)
        return EXIT_USAGE
    store = open_store(db)  # no writer lock: the workers share the store and lease sites
    try:
        result, name = crawl_fleet(app, sites, store, force=args.force)
    finally:
        store.close()
    print(f"fleet worker {name}: sites {len(result.summary)}, feeds polled {result.feeds_polled}, "
          f"failed {result.feeds_failed}; new articles {result.new}, updated {result.updated}")
    return EXIT_OK


def report_failures(sites: list[Site], explained: dict[str, Explained], *, as_log: bool = False) -> None:
    """One line per failing site, in words (``<host>: DNS lookup failed (no network?)``)."""
    for site in sites:
        if site.id not in explained:
            continue
        reason = explained[site.id].reason
        if as_log:
            from crawler.daemon import event

            event("site failed", level=logging.WARNING, site=site.id, host=site.host, reason=reason)
        else:
            print(f"{site.host}: {reason}", file=sys.stderr)


def run_once(app, sites: list[Site], store: Store, *, force: bool = False, out: Path | None = None,
             progress: bool = False, watch=None):
    """Run one cycle over every feed of ``sites`` on a fresh asyncio reactor."""
    from scrapy.utils.defer import deferred_from_coro
    from twisted.internet.task import react

    from crawler.runner import install_asyncio_reactor, make_runner, run_cycle

    install_asyncio_reactor()
    holder: dict[str, Any] = {}

    async def cycle() -> None:
        runner = make_runner(app, store=store.path, sites=sites, **alertcmd.alert_settings(watch))
        status = _progress(progress)
        try:
            holder["result"] = await run_cycle(runner, store, force=force, all_feeds=True, out=out)
            holder["result"].alerts_delivered = await alertcmd.deliver_after_crawl(store, watch)
        finally:
            if status:
                status.stop()

    def main(reactor):
        return deferred_from_coro(cycle())

    try:
        react(main)
    except SystemExit as exc:
        if exc.code not in (0, None):
            raise RuntimeError(f"crawl failed (exit {exc.code})") from None
    finally:
        from crawler.pool import close_pools

        close_pools()  # the extraction workers (pipelines/extract.py)
    if "result" not in holder:
        raise RuntimeError("the crawl did not complete")
    return holder["result"]


def _progress(enabled: bool):
    if not enabled:
        return None
    from rich.console import Console

    status = Console(stderr=True).status("defwatch: polling feeds and fetching articles ...")
    status.start()
    return status


def print_summary(result, sites: list[Site], errors: dict[str, str] | None = None) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="defwatch crawl", show_lines=False)
    errors = errors or {}
    for col in ("site", "feeds polled", "feed errors", "new", "updated", "gaps", "recovered", "page errors",
                "last error"):
        # The error is a short phrase (crawler/humane.py): wrapped at spaces, never cut.
        table.add_column(col, justify="left" if col in ("site", "last error") else "right",
                         overflow="fold" if col == "last error" else "ellipsis")
    for site in sites:
        s = result.summary.get(site.id, {})
        table.add_row(site.id, str(s.get("feeds", 0)), str(s.get("feed_errors", 0)), str(s.get("new", 0)),
                      str(s.get("updated", 0)), str(s.get("gaps", 0)), str(s.get("recovered", 0)),
                      str(s.get("errors", 0)), errors.get(site.id) or "")
    console = Console(stderr=False, width=160)
    console.print(table)
    console.print(f"feeds polled {result.feeds_polled}, failed {result.feeds_failed}; "
                  f"new articles {result.new}, updated {result.updated}"
                  + (f"; exported {result.exported}" if result.exported else ""))


# ---------------------------------------------------------------- daemon

def cmd_daemon(args: argparse.Namespace, app) -> int:
    from crawler.daemon import serve

    sites = select_sites(load_sites(args.sites), args.site, args.sites)
    db = args.db or default_db_path()
    watch = alertcmd.load_watch(args.watchlists)
    if args.fleet:
        from crawler.fleet import needs_server

        if problem := needs_server(db) or ("--out: with --fleet, write the output with `defwatch export`"
                                           if args.out else None):
            print(f"defwatch daemon: {problem}", file=sys.stderr)
            return EXIT_USAGE
    return serve(app, sites, db, out=args.out, interval=args.interval, tick=args.tick, log_json=args.log_json,
                 watch=watch, fleet=args.fleet)


# ---------------------------------------------------------------- export

def cmd_export(args: argparse.Namespace, app) -> int:
    from crawler.dates import parse_iso_arg
    from crawler.export import export_range

    for flag in ("since", "until"):
        try:
            parse_iso_arg(getattr(args, flag))
        except ValueError:
            print(f"defwatch export: --{flag}: not an ISO 8601 date or time: {getattr(args, flag)!r}", file=sys.stderr)
            return EXIT_USAGE
    store = open_store(args.db or default_db_path(), readonly=True)
    try:
        if args.stories:
            from crawler.stories.report import export_stories

            n, what = export_stories(store, args.out, since=args.since, sites=args.site or None), "stories"
        else:
            n = export_range(store, args.out, since=args.since, until=args.until, sites=args.site or None)
            what = "articles"
    except OSError as exc:
        print(f"defwatch export: cannot write {args.out}: {exc.strerror or exc} (previous file left intact)",
              file=sys.stderr)
        return EXIT_NOTHING
    finally:
        store.close()
    if args.out != "-":
        print(f"exported {n} {what} to {args.out}", file=sys.stderr)
    return EXIT_OK


# ---------------------------------------------------------------- stories (issue 10)

def cmd_stories(args: argparse.Namespace, app) -> int:
    from crawler.dates import parse_iso_arg
    from crawler.stories.report import show_stories

    try:
        parse_iso_arg(args.since)
    except ValueError:
        print(f"defwatch stories: --since: not an ISO 8601 date or time: {args.since!r}", file=sys.stderr)
        return EXIT_USAGE
    store = open_store(args.db or default_db_path(), readonly=True)
    try:
        return show_stories(store, since=args.since, sites=args.site or None, as_json=args.json)
    finally:
        store.close()


# ---------------------------------------------------------------- extract

def cmd_extract(args: argparse.Namespace, app) -> int:
    from crawler.extractcmd import extract_jsonl, extract_one

    site = None
    if args.site:
        sites = load_sites(args.sites or DEFAULT_SITES)
        site = select_sites(sites, [args.site], args.sites or DEFAULT_SITES)[0]
    if args.jsonl:
        if args.source:
            print("defwatch extract: --jsonl reads stdin; give no FILE or URL", file=sys.stderr)
            return EXIT_USAGE
        return extract_jsonl(sys.stdin.buffer, sys.stdout, site=site)
    if not args.source:
        print("defwatch extract: give a FILE or URL, or --jsonl", file=sys.stderr)
        return EXIT_USAGE
    return extract_one(args.source, url=args.url, site=site, app=app)


# ---------------------------------------------------------------- status

def cmd_status(args: argparse.Namespace, app) -> int:
    from crawler.status import show_status

    store = open_store(args.db or default_db_path(), readonly=True)
    try:
        return show_status(store, as_json=args.json)
    finally:
        store.close()


def cmd_schema(args: argparse.Namespace, app) -> int:
    from crawler.items import article_json_schema

    print(json.dumps(article_json_schema(), indent=2))
    return EXIT_OK


# ---------------------------------------------------------------- backfill

def cmd_backfill(args: argparse.Namespace, app) -> int:
    from crawler.backfill import Window
    from crawler.backfillcmd import backfill_once, print_summary, write_window
    from crawler.dates import parse_iso_arg

    try:
        window = Window(parse_iso_arg(args.since), parse_iso_arg(args.until))
    except ValueError as exc:
        print(f"defwatch backfill: --since/--until: not an ISO 8601 date or time ({exc})", file=sys.stderr)
        return EXIT_USAGE
    if window.until is not None and window.until <= window.since:
        print("defwatch backfill: --until must be after --since", file=sys.stderr)
        return EXIT_USAGE
    sites = select_sites(load_sites(args.sites), args.site, args.sites)
    store = open_store(args.db or default_db_path(), writer=True)  # the writer lock is taken before any migration
    try:
        summary = backfill_once(app, sites, store, window, progress=not args.no_progress and sys.stderr.isatty())
        written = write_window(store, args.out, window, sites) if args.out else 0
    finally:
        store.close()
    print_summary(summary, sites, args.out, written)
    return EXIT_OK


COMMANDS = {"backfill": cmd_backfill, "crawl": cmd_crawl, "daemon": cmd_daemon, "export": cmd_export, "extract": cmd_extract,
            "status": cmd_status, "schema": cmd_schema, "stories": cmd_stories}
COMMANDS.update({"watch": alertcmd.cmd_watch, "alerts": alertcmd.cmd_alerts})  # issue 11

if __name__ == "__main__":
    sys.exit(main())
