"""``defwatch daemon``: poll the feeds on their schedule until SIGTERM/SIGINT.

One process, one asyncio reactor (Twisted's ``AsyncioSelectorReactor``), one APScheduler 3.x
``AsyncIOScheduler`` on that reactor's asyncio loop and one Scrapy ``AsyncCrawlerRunner``. No
thread ever touches Scrapy: the scheduler's executor runs the ``async`` tick job as a task on the
loop, and the job simply awaits :func:`crawler.runner.run_cycle`, the code path the one-off
``defwatch crawl`` uses too.

Scheduling
    There is ONE interval job, the *tick* (``max_instances=1``, ``coalesce=True``): every
    ``--tick`` seconds (default ``min(--interval, 1 s)``) it asks the store whether any feed is
    due (``feeds.next_poll_at <= now``) or any failed page is due for a retry. Only then does it
    run a cycle, and the spider polls exactly the due feeds. The store, not APScheduler, holds the
    per-feed schedule (adaptive interval, backoff, hints; see :mod:`crawler.schedule`), so the
    schedule survives restarts and ``kill -9``. A feed is polled at most ``tick`` seconds plus one
    cycle after it is due, which bounds the detection latency by ``interval + tick + cycle``.

Output
    ``--out FILE`` appends each cycle's new and updated records to FILE
    (:func:`crawler.export.append_pending`: committed size, fsync, then marked exported in the
    same transaction as the new size: no lost record, no duplicate and no torn line across any
    crash). Without ``--out`` the records go to dated files in the *data directory*::

        <data dir>/exports/YYYY-MM-DD.jsonl        (UTC day of the cycle)

    where the data directory is the folder that holds the store (``--db``); with no ``--db``
    that is ``$XDG_DATA_HOME/defwatch`` (``~/.local/share/defwatch``).

Lifecycle
    The daemon takes the store's writer lock (``<db>.lock``); a second writer (another daemon
    or a ``defwatch crawl``) exits with code 3. SIGTERM/SIGINT stop the scheduler, give the
    cycle in flight ``SHUTDOWN_GRACE`` seconds to finish, then stop the crawl gracefully
    (Scrapy closes the spider; what is stored is exported), and exit 0 well within 10 s.

Logs
    One ``key=value`` line per event (``--log-json``: one JSON object per line), and exactly one
    summary line per cycle::

        cycle=12 feeds=8 not_modified=8 unchanged=0 parsed=0 feed_errors=0 new=0 updated=0
        pages=0 page_errors=0 exported=0 duration=0.214
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crawler.config import AppConfig, Site
from crawler.db import is_url
from crawler.export import dated_output
from crawler.pool import close_pools
from crawler.store import Store, StoreLocked, default_db_path

if TYPE_CHECKING:
    from crawler.runner import CycleResult
    from crawler.watchlists import WatchConfig

logger = logging.getLogger(__name__)

#: Default seconds between two ticks (and the bound on how late a due feed is picked up).
DEFAULT_TICK = 1.0
#: Seconds the cycle in flight may take to finish after SIGTERM before the crawl is stopped.
SHUTDOWN_GRACE = 5.0
#: Seconds a stopped crawl may take to close before the daemon exits anyway.
STOP_TIMEOUT = 3.0
EXIT_OK, EXIT_FAILED, EXIT_LOCKED = 0, 1, 3


def data_dir(db: Path | str) -> Path:
    """Where dated exports go: the folder that holds the store (a server store: the default data folder)."""
    if is_url(db):
        return default_db_path().parent
    return Path(db).resolve().parent


def tick_seconds(interval: float | None, tick: float | None) -> float:
    """The tick: ``--tick``, else ``min(--interval, DEFAULT_TICK)`` (never below 0.1 s)."""
    if tick:
        return max(0.1, tick)
    return max(0.1, min(interval, DEFAULT_TICK)) if interval else DEFAULT_TICK


def logfmt(fields: dict[str, Any]) -> str:
    """Render ``fields`` as ``key=value`` pairs (values with spaces are JSON-quoted)."""
    parts = []
    for key, value in fields.items():
        if isinstance(value, float):
            text = f"{value:.3f}"
        elif value is None:
            text = "-"
        else:
            text = str(value)
            if not text or any(c in text for c in ' "='):
                text = json.dumps(text, ensure_ascii=False)
        parts.append(f"{key}={text}")
    return " ".join(parts)


class JsonFormatter(logging.Formatter):
    """One JSON object per log record: ts, level, logger, msg, plus the record's ``fields``."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(), "logger": record.name, "msg": record.getMessage()}
        data.update(getattr(record, "fields", None) or {})
        if record.exc_info:
            data["exc"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False, default=str)


def use_json_logs() -> None:
    """Switch every root handler to :class:`JsonFormatter`."""
    for handler in logging.getLogger().handlers:
        handler.setFormatter(JsonFormatter())


def event(msg: str, level: int = logging.INFO, **fields: Any) -> None:
    """Log one structured event: ``msg key=value ...`` (the fields also ride on the record)."""
    logger.log(level, "%s %s", msg, logfmt(fields), extra={"fields": {"event": msg, **fields}})


def summarize(cycle: int, result: CycleResult, duration: float) -> dict[str, Any]:
    """The fields of a cycle's summary line."""
    stats = result.stats
    return {
        "cycle": cycle,
        "feeds": result.feeds_polled,
        "not_modified": stats.get("defwatch/feeds/not_modified", 0),
        "unchanged": stats.get("defwatch/feeds/unchanged", 0),
        "parsed": stats.get("defwatch/feeds/parsed", 0),
        "feed_errors": result.feeds_failed,
        "new": result.new,
        "updated": result.updated,
        "pages": stats.get("defwatch/pages/scheduled", 0),
        "page_errors": sum(s.get("errors", 0) for s in result.summary.values()),
        "gaps": result.total("gaps"),
        "recovered": result.total("recovered"),
        "exported": result.exported,
        "duration": round(duration, 3),
    }


class _SkippedTickFilter(logging.Filter):
    """Drop APScheduler's warning for a tick that fires while a cycle still runs: with one job,
    ``max_instances=1`` and a long cycle this is the expected case, not a problem."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "maximum number of running instances" not in record.getMessage()


@dataclass
class Daemon:
    """The tick job and the shutdown logic around one store and one crawler runner."""

    app: AppConfig
    sites: list[Site]
    store: Store
    runner: Any
    out: Path | None = None
    interval: float | None = None
    data_dir: Path = Path(".")
    cycles: int = 0
    failed_cycles: int = 0
    stopping: bool = False
    current: asyncio.Task | None = None
    feed_urls: set[str] = field(default_factory=set)
    site_ids: set[str] = field(default_factory=set)
    tick_s: float = DEFAULT_TICK
    #: ``daemon --fleet``: this daemon is one worker of several on a PostgreSQL store (crawler/fleet.py):
    #: the tick defers the due sites' jobs, the fleet's procrastinate worker runs them.
    fleet: Any = None

    def __post_init__(self) -> None:
        self.feed_urls = {url for site in self.sites for url in site.feeds}
        self.site_ids = {site.id for site in self.sites}
        self.store.ensure_feeds((site.id, url) for site in self.sites for url in site.feeds)

    # ------------------------------------------------------------ what is due
    def due(self, now: float) -> bool:
        """Whether a configured feed is due or a failed page's retry time has come."""
        return self.store.anything_due(self.feed_urls, self.site_ids, now)

    def next_due(self, horizon: float) -> float | None:
        """The earliest time, up to ``horizon``, at which a feed or a page retry is due (None: none)."""
        return self.store.next_due(self.feed_urls, self.site_ids, horizon)

    def output(self) -> Path:
        return self.out if self.out is not None else dated_output(self.data_dir)

    # ------------------------------------------------------------ the tick job
    async def tick(self) -> None:
        """Run one cycle over the due feeds, if any; log one summary line."""
        if self.stopping:
            return
        if self.fleet is not None:
            await self.fleet.recover()  # a dead worker's sites, once its heartbeat is old enough
        # Start the cycle when the first feed is due, not at the next tick: ``--interval S``
        # is S seconds between poll starts, with no tick rounding added to every period.
        now = time.time()
        due_at = self.next_due(now + self.tick_s)
        if due_at is None:
            return
        if due_at > now:
            await asyncio.sleep(due_at - now)
            if self.stopping:
                return
        if self.fleet is not None:
            # One job per due site; the fleet's workers, this one among them, crawl them and
            # log_cycle logs each. Records are written by `defwatch export`.
            await self.fleet.defer_due()
            return
        from crawler.runner import run_cycle

        self.cycles += 1
        self.current = asyncio.current_task()
        started = time.monotonic()
        try:
            result = await run_cycle(self.runner, self.store, out=self.output())
        except Exception:
            # A bad cycle never stops the daemon: the store still holds the schedule.
            self.failed_cycles += 1
            logger.exception("cycle=%d failed", self.cycles)
            return
        finally:
            self.current = None
        self.log_cycle(result, time.monotonic() - started)

    def log_cycle(self, result: CycleResult, duration: float, *, count: bool = False) -> None:
        """Log a cycle's summary line (``count``: a fleet's site job, counted here)."""
        self.cycles += count
        fields = summarize(self.cycles, result, duration)
        logger.info("%s", logfmt(fields), extra={"fields": {"event": "cycle", **fields}})

    # ------------------------------------------------------------ shutdown
    async def shutdown(self, scheduler: Any) -> None:
        """Stop scheduling; let the cycle in flight finish (or stop it gracefully)."""
        if self.stopping:
            return
        self.stopping = True
        started = time.monotonic()
        event("stopping", in_flight=self.current is not None)
        if scheduler.running:
            scheduler.shutdown(wait=False)
        if self.fleet is not None:  # the site crawls in flight go back to the queue if cut short
            await self.fleet.stop(grace=SHUTDOWN_GRACE, stop_timeout=STOP_TIMEOUT)
            # Before the reactor stops: its connections must not outlive the loop they run on.
            await self.fleet.close()
        task = self.current
        if task is not None and not task.done():
            await asyncio.wait({task}, timeout=SHUTDOWN_GRACE)
            if not task.done():
                event("stopping the crawl in flight", level=logging.WARNING)
                try:
                    await asyncio.wait_for(self.runner.stop(), timeout=STOP_TIMEOUT)
                except TimeoutError:
                    logger.warning("the crawl did not stop within %.0f s", STOP_TIMEOUT)
                # run_cycle exports what was stored before it returns.
                await asyncio.wait({task}, timeout=STOP_TIMEOUT)
        event("stopped", cycles=self.cycles, failed_cycles=self.failed_cycles,
              shutdown=round(time.monotonic() - started, 3))


def heal_outputs(store: Store) -> None:
    """Cut every live output back to its committed size.

    ``append_pending`` does this itself for the file it appends to, but a dated output of an
    earlier day is never appended to again: a crash between its write and its commit would leave
    uncommitted records in it that the next day's file then holds too.
    """
    for path, size in store.outputs().items():
        try:
            actual = os.path.getsize(path)
        except OSError:
            continue
        if actual > size:
            with open(path, "r+b") as fh:
                fh.truncate(size)
                fh.flush()
                os.fsync(fh.fileno())
            event("output healed", level=logging.WARNING, path=path, cut=actual - size)


def serve(app: AppConfig, sites: list[Site], db: Path | str, *, out: Path | None = None, interval: float | None = None,
          tick: float | None = None, log_json: bool = False, watch: WatchConfig | None = None,
          fleet: bool = False) -> int:
    """Run the daemon until SIGTERM/SIGINT; return the process exit code."""
    if log_json:
        use_json_logs()
    if logger.getEffectiveLevel() > logging.INFO:
        # The per-cycle summary and lifecycle events are the daemon's output: always shown.
        logger.setLevel(logging.INFO)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("apscheduler.scheduler").addFilter(_SkippedTickFilter())
    if interval is not None and interval <= 0:
        print("defwatch daemon: --interval must be positive", file=sys.stderr)
        return 2
    try:
        # A fleet shares the store (sites are leased); otherwise one writer. Other StoreErrors: exit 3.
        store = Store(db, writer=not fleet)
    except StoreLocked as exc:
        print(f"defwatch daemon: {exc}; stop it first (a daemon and a crawl must not share a store)",
              file=sys.stderr)
        return EXIT_LOCKED
    try:
        heal_outputs(store)
        return _run_reactor(app, sites, store, out=out, interval=interval, tick=tick_seconds(interval, tick),
                            data=data_dir(db), watch=watch, fleet=fleet)
    finally:
        store.close()


def _run_reactor(app: AppConfig, sites: list[Site], store: Store, *, out: Path | None, interval: float | None,
                 tick: float, data: Path, watch: WatchConfig | None = None, fleet: bool = False) -> int:
    # The reactor must be installed before anything imports twisted.internet.reactor.
    from crawler.runner import install_asyncio_reactor, make_runner

    install_asyncio_reactor()
    from apscheduler.events import EVENT_JOB_ERROR
    from apscheduler.schedulers.asyncio import AsyncIOScheduler
    from scrapy.utils.defer import deferred_from_coro
    from twisted.internet.task import react

    async def main(reactor: Any) -> None:
        # Alerts (issue 11) are raised by the store pipeline, which reads the watchlists file.
        runner = make_runner(app, store=store.path, sites=sites, interval=interval,
                             DEFWATCH_WATCHLISTS=str(watch.path) if watch is not None else None)
        daemon = Daemon(app, sites, store, runner, out=out.resolve() if out else None, interval=interval,
                        data_dir=data, tick_s=tick)
        if fleet:
            from crawler.fleet import FleetWorker

            daemon.fleet = FleetWorker(app, sites, store, interval=interval,
                                       DEFWATCH_WATCHLISTS=str(watch.path) if watch is not None else None)
            daemon.fleet.on_result = lambda result, seconds: daemon.log_cycle(result, seconds, count=True)
            await daemon.fleet.open()
            daemon.fleet.start()
        scheduler = AsyncIOScheduler(timezone="UTC")
        scheduler.add_listener(lambda ev: logger.error("tick job failed: %r", ev.exception), EVENT_JOB_ERROR)
        scheduler.add_job(daemon.tick, "interval", seconds=tick, id="tick", max_instances=1, coalesce=True,
                          misfire_grace_time=None, next_run_time=datetime.now(UTC))
        if watch is not None:
            add_alert_jobs(scheduler, daemon, watch, tick)
        stopped = asyncio.Event()

        async def shutdown() -> None:
            try:
                await daemon.shutdown(scheduler)
            finally:
                stopped.set()

        # Twisted turns SIGTERM/SIGINT into reactor.stop(); "before shutdown" triggers may return a
        # Deferred, and the reactor keeps running (and the crawl keeps going) until it fires.
        reactor.addSystemEventTrigger("before", "shutdown", lambda: deferred_from_coro(shutdown()))
        scheduler.start()  # needs the running loop (APScheduler 3.11)
        event("started", pid=os.getpid(), feeds=len(daemon.feed_urls), sites=len(sites), tick=tick,
              interval=interval if interval is not None else "adaptive", db=str(store.path),
              out=str(out) if out else str(data / "exports" / "YYYY-MM-DD.jsonl"))
        await stopped.wait()

    try:
        react(lambda reactor: deferred_from_coro(main(reactor)))
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else EXIT_FAILED)
        return code
    finally:
        # The extraction workers: idle ones end at once; one stuck on a page is terminated after
        # 1 s, so SIGTERM still ends the daemon within 10 s.
        close_pools(timeout=1.0)
    return EXIT_OK


# ---------------------------------------------------------------- alerts (issue 11)

#: Seconds one round of alert deliveries may take (each call is also bounded by its sink's timeout).
DELIVERY_BUDGET = 10.0


def add_alert_jobs(scheduler: Any, daemon: Daemon, watch: WatchConfig, tick: float) -> None:
    """Deliver the queued alerts in a job of their own, beside the tick.

    A sink that is down or slow delays its own queue, never a crawl cycle.
    """
    from crawler.sinks import deliver

    event("alerts", watchlists=len(watch.watchlists), sinks=",".join(s.key for s in watch.sinks) or "-",
          file=str(watch.path))
    if not watch.sinks:
        return
    # Deliveries and failed attempts are the daemon's output too (one line per round at most).
    logging.getLogger("crawler.sinks").setLevel(logging.INFO)

    rounds = 0

    async def deliver_alerts() -> None:
        nonlocal rounds
        if not daemon.stopping:
            # The first round after a start tries every sink at once: it may have come back meanwhile.
            await deliver(daemon.store, watch.sinks, budget=DELIVERY_BUDGET, now_first=rounds == 0)
            rounds += 1

    scheduler.add_job(deliver_alerts, "interval", seconds=tick, id="deliver", max_instances=1, coalesce=True,
                      misfire_grace_time=None, next_run_time=datetime.now(UTC))
