"""The store: SQLite in WAL mode, one file (the embedded default), or a PostgreSQL database.

A leaf module (standard library only; ``crawler.db`` adapts the SQL to PostgreSQL through
psycopg when the store is a ``postgresql://`` URL). Tables:

* ``feeds``    caching info and schedule per feed (ETag, Last-Modified, body hash, failures, next poll);
* ``entries``  feed-entry identities already handled (link key and GUID key -> page key);
* ``pages``    one recorded outcome per page URL key (stored, gone, not-article, error, ...);
* ``articles`` the latest version of each article (record JSON) + ``exported_version``;
* ``versions`` every version of every article;
* ``outcomes`` the recent outcome log shown by ``defwatch status``;
* ``outputs``  the committed size of each live JSONL output (crash-safe appends; ``crawler/store_exports.py``);
* backfill runs, feed gaps and poll starts: ``crawler/store_backfill.py`` (issue 9);
* story clusters: ``crawler/store_stories.py`` (issue 10);
* ``alerts``   watchlist alerts; ``deliveries`` the queue of each alert sink (issue 11, ``crawler/store_alerts.py``).
* each site's learned template: ``crawler/store_templates.py`` (issue 8);
* the fleet's roster of workers, beside procrastinate's job tables: ``crawler/store_fleet.py`` (issue 12).

The schema is versioned (``PRAGMA user_version``, or a ``schema_version`` table in PostgreSQL) and
migrated forward at open, in one transaction that holds the database's write lock (a writer also
takes the writer lock first, so two writers never race in a migration). Each article is written
in one transaction, so a reader never sees half of one. Callers speak to the store in named
transitions (``due_feeds``, ``record_poll``, ``claim``, ``record_outcome``, ``save_article``, ...)
and get typed rows (``crawler.state``) back; the SQL stays portable (``ON CONFLICT``, ``CASE``,
no SQLite-only scalar functions in new code) so that another engine can stand behind the same
methods.
"""
from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import replace
from pathlib import Path
from typing import IO, Any

from crawler.db import (
    POSTGRESQL,
    Database,
    DatabaseError,
    Migration,
    StoreError,
    StoreLocked,
    connect,
    default_db_path,
    is_url,
    redact,
    retried,
)
from crawler.decisions import next_version
from crawler.items import Article, FeedEntry
from crawler.state import FINAL_OUTCOMES, PAGE_MAX_ATTEMPTS, RETRY_OUTCOMES, EntryState, FeedState, PageState, from_row
from crawler.store_alerts import MIGRATION_V5, AlertsStore
from crawler.store_backfill import MIGRATION_V3, BackfillStore
from crawler.store_exports import MIGRATION_V9, ExportsStore, PendingExport
from crawler.store_fleet import MIGRATION_V7, FleetStore, migration_v8
from crawler.store_stories import MIGRATION_V4, STORY_FIELDS, StoriesStore
from crawler.store_templates import MIGRATION_V6, TemplatesStore

__all__ = ["FINAL_OUTCOMES", "MIGRATIONS", "PendingExport", "RETRY_OUTCOMES", "Store", "StoreError", "StoreLocked", "default_db_path"]


MIGRATIONS: list[str | Migration | Callable[[Database], None]] = [
    # 1: the initial schema
    """
    CREATE TABLE feeds (
        url TEXT PRIMARY KEY,
        site TEXT NOT NULL,
        etag TEXT,
        last_modified TEXT,
        body_hash TEXT,
        last_poll_at REAL,
        last_status TEXT,
        last_error TEXT,
        failures INTEGER NOT NULL DEFAULT 0,
        next_poll_at REAL NOT NULL DEFAULT 0,
        interval REAL,
        min_interval_hint REAL,
        last_new_at REAL,
        items_total INTEGER NOT NULL DEFAULT 0,
        polls INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE entries (
        key TEXT PRIMARY KEY,
        site TEXT NOT NULL,
        page_key TEXT NOT NULL,
        updated TEXT,
        feed_url TEXT,
        seen_at REAL NOT NULL
    );
    CREATE INDEX entries_feed_seen ON entries(feed_url, seen_at);
    CREATE TABLE pages (
        key TEXT PRIMARY KEY,
        site TEXT NOT NULL,
        url TEXT NOT NULL,
        outcome TEXT NOT NULL,
        detail TEXT,
        http_status INTEGER,
        article_id TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        fetched_at REAL,
        retry_at REAL,
        feed_url TEXT,
        entry TEXT
    );
    CREATE INDEX pages_retry ON pages(outcome, retry_at);
    CREATE TABLE articles (
        id TEXT PRIMARY KEY,
        site TEXT NOT NULL,
        url TEXT NOT NULL,
        version INTEGER NOT NULL,
        content_hash TEXT NOT NULL,
        published TEXT,
        fetched_at TEXT NOT NULL,
        record TEXT NOT NULL,
        exported_version INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX articles_site ON articles(site);
    CREATE TABLE versions (
        article_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        fetched_at TEXT NOT NULL,
        record TEXT NOT NULL,
        PRIMARY KEY (article_id, version)
    );
    CREATE TABLE outcomes (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        ts REAL NOT NULL,
        site TEXT,
        url TEXT NOT NULL,
        kind TEXT NOT NULL,
        outcome TEXT NOT NULL,
        detail TEXT
    );
    CREATE TABLE outputs (
        path TEXT PRIMARY KEY,
        size INTEGER NOT NULL
    );
    """,
    # 2: hosts that asked us to wait (Retry-After), remembered across crawls and restarts
    """
    CREATE TABLE hosts (
        host TEXT PRIMARY KEY,
        not_before REAL NOT NULL,
        reason TEXT
    );
    """,
    # 3 (issue 9): backfill runs, their sitemaps and candidates (resumable), feed marks and gaps
    # (gap recovery), poll start times (the daemon's measured cadence)
    MIGRATION_V3,
    # 4 (issue 10): story clusters (crawler/store_stories.py says what each table holds)
    MIGRATION_V4,
    # 5 (issue 11): watchlist alerts and one delivery queue per sink (crawler/store_alerts.py)
    MIGRATION_V5,
    # 6 (issue 8): each site's learned template (crawler/store_templates.py says what each table holds)
    MIGRATION_V6,
    # 7 (issue 12): the workers of a fleet and the sites they lease (crawler/store_fleet.py)
    MIGRATION_V7,
    # 8 (issue 12): the fleet's jobs on procrastinate, its schema on PostgreSQL (crawler/store_fleet.py)
    migration_v8,
    # 9 (issue 12): the versions not exported yet, indexed for the live export (crawler/store_exports.py)
    MIGRATION_V9,
]

OUTCOME_LOG_KEEP = 5000


class Store(BackfillStore, StoriesStore, AlertsStore, TemplatesStore, FleetStore, ExportsStore):
    """One SQLite file or PostgreSQL database. Open with ``Store(path_or_url)``; use as a context
    manager to close.

    ``writer=True`` takes the writer lock before anything else, migrations included (``<db>.lock``
    for SQLite, a session advisory lock for PostgreSQL): a second writer gets ``StoreLocked`` and
    never touches the schema.
    """

    #: Name of the PostgreSQL advisory lock held by the one writer.
    WRITER_LOCK = "defwatch-writer"

    def __init__(self, path: Path | str, *, readonly: bool = False, writer: bool = False):
        self.is_server = is_url(path)
        #: The file's path, or the server URL (a string, passed on to components as it is).
        self.path: Path | str = str(path) if self.is_server else Path(path)
        self._lock_fh: IO[str] | None = None
        #: Page keys claimed for fetching by this connection's crawl (see ``claim``).
        self._claims: set[str] = set()
        #: Called as ``on_article(store, article_id, action, version)`` inside save_article's
        #: transaction for each new or changed article (issue 11: crawler.alerts.AlertHook).
        self.on_article: Callable[[Store, str, str, int], None] | None = None
        if readonly and not self.is_server and not Path(self.path).exists():
            raise StoreError(f"{self.path}: no such store (run `defwatch crawl` first)")
        try:
            if not readonly and not self.is_server:
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
                if writer:
                    self.lock()
            self.db: Database = connect(self.path, readonly=readonly)
            if writer and self.is_server:
                self.lock()
            if not readonly:
                self.db.migrate(MIGRATIONS)
            elif self.is_server and self.db.schema_version() == 0:
                raise StoreError(f"{self.name}: no such store (run `defwatch crawl` first)")
        except StoreError:
            self.close()
            raise
        except DatabaseError as exc:
            self.close()
            raise StoreError(str(exc)) from None
        except OSError as exc:
            self.close()
            raise StoreError(f"{self.path}: cannot open the store: {exc.strerror or exc}") from None

    @property
    def name(self) -> str:
        """The store's path or URL, for messages (without a password)."""
        return redact(self.path)

    # ------------------------------------------------------------ lifecycle
    @property
    def schema_version(self) -> int:
        return self.db.schema_version()

    def lock(self) -> None:
        """Take the writer lock (``<db>.lock``); raise StoreLocked when another writer has it."""
        if self.is_server:
            # Session-level: held until this connection closes, released if the process dies.
            if not self.db.try_lock(self.WRITER_LOCK):
                raise StoreLocked(f"{self.name} is in use by another defwatch writer")
            return
        if self._lock_fh is not None:
            return
        fh = open(f"{self.path}.lock", "a+")
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip()
            fh.close()
            raise StoreLocked(f"{self.path} is in use by another defwatch writer"
                              + (f" (pid {holder})" if holder else "")) from None
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        self._lock_fh = fh

    def _unlock(self) -> None:
        if self._lock_fh:
            self._lock_fh.close()
            self._lock_fh = None

    def close(self) -> None:
        try:
            # Once: the connection may be shared with other Stores of this process (crawler.db.connect).
            if hasattr(self, "db") and not self.__dict__.get("_closed"):
                self._closed = True
                if self.is_server:
                    # Closing returns before the server ends the session: release the writer lock
                    # now, so a writer started right after this one finds it free.
                    with suppress(*self.db.errors):
                        self.db.execute("SELECT pg_advisory_unlock_all()")
                self.db.close()
        finally:
            self._unlock()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        with self.db.transaction():
            yield self.db

    # ------------------------------------------------------------ feeds
    @retried
    def ensure_feeds(self, feeds: Iterable[tuple[str, str]]) -> None:
        """Register (site, url) feeds; known feeds keep their state."""
        with self.transaction():
            self.db.executemany("INSERT INTO feeds(url, site) VALUES (?, ?) ON CONFLICT(url) DO NOTHING",
                                [(url, site) for site, url in feeds])

    def feed(self, url: str) -> FeedState | None:
        row = self.db.execute("SELECT * FROM feeds WHERE url=?", (url,)).fetchone()
        return from_row(FeedState, row) if row else None

    def feeds(self, sites: Iterable[str] | None = None) -> list[FeedState]:
        rows = self.db.execute("SELECT * FROM feeds ORDER BY site, url").fetchall()
        wanted = set(sites) if sites is not None else None
        return [from_row(FeedState, r) for r in rows if wanted is None or r["site"] in wanted]

    def due_feeds(self, feed_urls: Iterable[str], now: float, *, every: bool = False) -> list[FeedState]:
        """The feeds among ``feed_urls`` whose next poll is due at ``now`` (all of them: ``every``)."""
        wanted = set(feed_urls)
        sql = "SELECT * FROM feeds" + ("" if every else " WHERE next_poll_at <= ?") + " ORDER BY site, url"
        rows = self.db.execute(sql, () if every else (now,)).fetchall()
        return [from_row(FeedState, r) for r in rows if r["url"] in wanted]

    @retried
    def record_poll(self, state: FeedState, detail: str | None = None) -> None:
        """Write a feed's state after a poll (``crawler.decisions.plan_poll``) and log its result."""
        # vars(), not asdict(): asdict deep-copies every value, thousands of times a cycle.
        values = {k: v for k, v in vars(state).items() if k not in ("url", "site")}
        cols = ", ".join(f"{k}=?" for k in values)
        with self.db.pipeline(), self.transaction():  # one round trip per result read (PostgreSQL)
            self.db.execute(f"UPDATE feeds SET {cols} WHERE url=?", (*values.values(), state.url))
            self._log(state.site, state.url, "feed", state.last_status or "", detail, time.time())

    @retried
    def commit_validators(self, url: str, validators: Mapping[str, str | None]) -> None:
        """Store a feed's ETag / Last-Modified / body hash held back until its crawl finished."""
        names = [k for k in ("etag", "last_modified", "body_hash") if k in validators]
        if not names:
            return
        with self.transaction():
            self.db.execute(f"UPDATE feeds SET {', '.join(f'{k}=?' for k in names)} WHERE url=?",
                            (*(validators[k] for k in names), url))

    def entries_since(self, feed_url: str, since: float) -> int:
        return int(self.db.execute("SELECT count(*) FROM entries WHERE feed_url=? AND seen_at>=?",
                                   (feed_url, since)).fetchone()[0])

    def entry_stamps(self, feed_url: str) -> list[str | None]:
        """The stamp of each page first seen in this feed (one per page; for the poll schedule)."""
        return [r[0] for r in self.db.execute(
            "SELECT max(updated) FROM entries WHERE feed_url=? GROUP BY page_key", (feed_url,))]

    # ------------------------------------------------------------ entries and pages
    def known_entry(self, keys: Iterable[str]) -> EntryState | None:
        """The first of ``keys`` (an entry's identities, in order) already handled."""
        keys = list(dict.fromkeys(keys))
        if not keys:
            return None
        # One statement for all the identities (one round trip on a server), the first one wins.
        rows = {r["key"]: r for r in self.db.execute(
            f"SELECT * FROM entries WHERE key IN ({','.join('?' * len(keys))})", keys)}
        for key in keys:
            if key in rows:
                return from_row(EntryState, rows[key])
        return None

    def page(self, key: str) -> PageState | None:
        row = self.db.execute("SELECT * FROM pages WHERE key=?", (key,)).fetchone()
        return from_row(PageState, row) if row else None

    def claim(self, page_key: str) -> bool:
        """Claim a page for fetching in this crawl; False when it is already claimed.

        The same post in two feeds of a site (or a retry and a fresh entry) is fetched once per
        cycle. One writer holds a SQLite store (the writer lock), so the claims live with this
        connection and end with its crawl; a shared store would keep them in a table with a lease.
        """
        if page_key in self._claims:
            return False
        self._claims.add(page_key)
        return True

    @retried
    def remember_entries(self, site: str, keys: Iterable[str], page_key: str, updated: str | None,
                         feed_url: str | None, now: float | None = None) -> None:
        with self.transaction():
            self._remember_entries(site, keys, page_key, updated, feed_url, now or time.time())

    def _remember_entries(self, site: str, keys: Iterable[str], page_key: str, updated: str | None,
                          feed_url: str | None, now: float) -> None:
        self.db.executemany(
            "INSERT INTO entries(key, site, page_key, updated, feed_url, seen_at) VALUES (?,?,?,?,?,?) "
            "ON CONFLICT(key) DO UPDATE SET page_key=excluded.page_key, "
            "updated=COALESCE(excluded.updated, entries.updated)",
            [(key, site, page_key, updated, feed_url, now) for key in keys])

    @retried
    def restamp_entries(self, keys: Iterable[str], stamp: str | None, feed_url: str | None) -> None:
        """Let another feed watch these entry identities from now on, with its stamp."""
        with self.transaction():
            self.db.executemany("UPDATE entries SET updated=?, feed_url=? WHERE key=?",
                                [(stamp, feed_url, key) for key in keys])

    @retried
    def record_outcome(self, *, site: str | None, url: str, page_keys: Iterable[str], outcome: str,
                       detail: str | None = None, http_status: int | None = None,
                       entry_keys: Iterable[str] = (), entry_updated: str | None = None,
                       feed_url: str | None = None,
                       retry_at: float | Callable[[int], float | None] | None = None,
                       entry: FeedEntry | None = None, article_id: str | None = None) -> int:
        """Record what happened to a page, in one transaction; returns the page's attempt count.

        ``retry_at`` is when the page is due again (None: not retried), or a function of the
        attempt count that says so (backoff), so outcome and schedule are written together.
        """
        now = time.time()
        page_keys = list(dict.fromkeys(page_keys))
        with self.db.pipeline(), self.transaction():  # one round trip per result read (PostgreSQL)
            attempts = 0
            # All sent before any is read (one round trip in the pipeline).
            for cur in [self.db.execute("SELECT attempts FROM pages WHERE key=?", (key,)) for key in page_keys]:
                row = cur.fetchone()
                attempts = max(attempts, (row["attempts"] if row else 0) + 1)
            if callable(retry_at):
                retry_at = retry_at(attempts)
            for key in page_keys:
                self.db.execute(
                    "INSERT INTO pages(key, site, url, outcome, detail, http_status, article_id, attempts, "
                    "fetched_at, retry_at, feed_url, entry) VALUES (?,?,?,?,?,?,?,?,?,?,?,?) "
                    "ON CONFLICT(key) DO UPDATE SET outcome=excluded.outcome, detail=excluded.detail, "
                    "http_status=excluded.http_status, article_id=COALESCE(excluded.article_id, pages.article_id), "
                    "attempts=excluded.attempts, fetched_at=excluded.fetched_at, retry_at=excluded.retry_at, "
                    "feed_url=COALESCE(excluded.feed_url, pages.feed_url), entry=COALESCE(excluded.entry, pages.entry)",
                    (key, site or "", url, outcome, detail, http_status, article_id, attempts, now, retry_at,
                     feed_url, entry.to_json() if entry else None))
            if page_keys and outcome in FINAL_OUTCOMES:
                self._remember_entries(site or "", entry_keys, page_keys[0], entry_updated, feed_url, now)
            self._log(site, url, "page", outcome, detail, now)
        return attempts

    def due_retries(self, now: float, sites: Iterable[str] | None = None) -> list[PageState]:
        """Failed pages whose retry time has come (one per URL), oldest first."""
        rows = self.db.execute(
            "SELECT * FROM pages WHERE retry_at IS NOT NULL AND retry_at<=? AND attempts<? ORDER BY retry_at",
            (now, PAGE_MAX_ATTEMPTS)).fetchall()
        wanted = set(sites) if sites is not None else None
        seen: set[str] = set()
        out: list[PageState] = []
        for r in rows:
            if r["outcome"] in RETRY_OUTCOMES and (wanted is None or r["site"] in wanted) and r["url"] not in seen:
                seen.add(r["url"])
                out.append(from_row(PageState, r))
        return out

    def anything_due(self, feed_urls: set[str], sites: set[str], now: float) -> bool:
        """Whether one of ``feed_urls`` is due, or a failed page of ``sites`` is due for a retry."""
        # Both are a few milliseconds even for 10,000 feeds; a daemon tick that finds nothing to
        # do never creates a crawler.
        for url, in self.db.execute("SELECT url FROM feeds WHERE next_poll_at <= ?", (now,)):
            if url in feed_urls:
                return True
        for site, outcome in self.db.execute(
                "SELECT site, outcome FROM pages WHERE retry_at IS NOT NULL AND retry_at <= ? AND attempts < ?",
                (now, PAGE_MAX_ATTEMPTS)):
            if site in sites and outcome in RETRY_OUTCOMES:
                return True
        return False

    def _log(self, site: str | None, url: str, kind: str, outcome: str, detail: str | None, now: float) -> None:
        row_id = self.db.execute("INSERT INTO outcomes(ts, site, url, kind, outcome, detail) VALUES (?,?,?,?,?,?) "
                                 "RETURNING id", (now, site, url, kind, outcome, detail)).fetchone()[0]
        if row_id and row_id % 500 == 0:
            self.db.execute("DELETE FROM outcomes WHERE id <= ?", (row_id - OUTCOME_LOG_KEEP,))

    # ------------------------------------------------------------ articles
    def article(self, article_id: str) -> Article | None:
        row = self.db.execute("SELECT record FROM articles WHERE id=?", (article_id,)).fetchone()
        return Article.from_json(row["record"]) if row else None

    @retried
    def save_article(self, record: Article, *, page_keys: Iterable[str], entry_keys: Iterable[str] = (),
                     entry_updated: str | None = None, feed_url: str | None = None,
                     signals: Any = None) -> tuple[str, int]:
        """Store one article record in one transaction (its version: ``decisions.next_version``).

        Returns ``("new" | "updated" | "unchanged", version)``; an unchanged record produces
        nothing to export. ``signals``: the story signals of its text, when already computed
        (``crawler.stories.match.TextSignals``).
        """
        caught_up = self._stories_caught_up
        try:
            # One round trip per result read, not per statement (PostgreSQL), the commit included.
            with self.db.pipeline(), self.transaction():
                action, stored = self._store_article(record, list(dict.fromkeys(page_keys)), entry_keys,
                                                     entry_updated, feed_url, signals, time.time())
                if self.on_article is not None and action != "unchanged":
                    # Alerts commit with the article, or not at all. Last in the transaction: the
                    # hook reads the stored record (and so its story).
                    self.on_article(self, stored.id, action, stored.version)
        except BaseException:
            self._stories_caught_up = caught_up  # rolled back with the transaction (which may run again)
            raise
        return action, stored.version

    def _store_article(self, record: Article, page_keys: list[str], entry_keys: Iterable[str], entry_updated: str | None,
                       feed_url: str | None, signals: Any, now: float) -> tuple[str, Article]:
        """Write one article's rows (its pages, entries, story, record, version, log line)."""
        # Two workers saving one article at once (a site taken over late) number its versions in turn.
        self.db.lock(f"article:{record.id}")
        row = self.db.execute("SELECT version, record FROM articles WHERE id=?", (record.id,)).fetchone()
        action, stored = next_version(Article.from_json(row["record"]) if row else None, record)
        # First what no other writer shares (this site's pages and entries), then the story
        # placement, whose lock is held to the commit on PostgreSQL.
        self.db.executemany(
            "INSERT INTO pages(key, site, url, outcome, article_id, attempts, fetched_at, feed_url) "
            "VALUES (?,?,?,?,?,1,?,?) ON CONFLICT(key) DO UPDATE SET outcome=excluded.outcome, "
            "article_id=excluded.article_id, fetched_at=excluded.fetched_at, retry_at=NULL, detail=NULL",
            [(key, record.site, record.url, "stored", record.id, now, feed_url) for key in page_keys])
        if page_keys:
            self._remember_entries(record.site, entry_keys, page_keys[0], entry_updated, feed_url, now)
        if action != "unchanged":
            stored = self._join_story(stored, signals)  # issue 10: in the article's transaction
            if row is not None and self.db.dialect == POSTGRESQL:
                # Another worker's placement may have given this record a new version (its
                # story moved) since it was read; under the stories lock it cannot any more.
                again = self.db.execute("SELECT version, record FROM articles WHERE id=?", (record.id,)).fetchone()
                if again["version"] != row["version"]:
                    action, fresh = next_version(Article.from_json(again["record"]), record)
                    stored = replace(fresh, **{k: getattr(stored, k) for k in STORY_FIELDS})
        if action != "unchanged":
            text = stored.to_json()
            self.db.execute(
                "INSERT INTO articles(id, site, url, version, content_hash, published, fetched_at, record) "
                "VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET url=excluded.url, version=excluded.version, "
                "content_hash=excluded.content_hash, published=excluded.published, fetched_at=excluded.fetched_at, "
                "record=excluded.record",
                (stored.id, stored.site, stored.url, stored.version, stored.content_hash, stored.published,
                 stored.fetched_at, text))
            self.db.execute(
                "INSERT INTO versions(article_id, version, fetched_at, record) VALUES (?,?,?,?) "
                "ON CONFLICT(article_id, version) DO UPDATE SET fetched_at=excluded.fetched_at, "
                "record=excluded.record", (stored.id, stored.version, stored.fetched_at, text))
        self._log(record.site, record.url, "page", "stored" if action != "unchanged" else "unchanged",
                  f"{action} v{stored.version}", now)
        return action, stored

    # ------------------------------------------------------------ hosts
    @retried
    def hold_host(self, host: str, until: float, reason: str | None = None) -> None:
        """Remember that ``host`` must not be asked anything before ``until`` (Unix time)."""
        with self.transaction():
            self.db.execute(
                "INSERT INTO hosts(host, not_before, reason) VALUES (?,?,?) ON CONFLICT(host) DO UPDATE "
                "SET not_before = CASE WHEN hosts.not_before > excluded.not_before THEN hosts.not_before "
                "ELSE excluded.not_before END, reason=excluded.reason", (host, until, reason))

    def host_holds(self, now: float | None = None) -> dict[str, tuple[float, str | None]]:
        """Hosts still on hold at ``now``: the time each reopens and why."""
        rows = self.db.execute("SELECT host, not_before, reason FROM hosts WHERE not_before > ?", (now or time.time(),))
        return {r["host"]: (r["not_before"], r["reason"]) for r in rows}

    # ------------------------------------------------------------ status
    def counts(self) -> dict[str, int]:
        q = self.db.execute
        return {
            "articles": q("SELECT count(*) FROM articles").fetchone()[0],
            "versions": q("SELECT count(*) FROM versions").fetchone()[0],
            "feeds": q("SELECT count(*) FROM feeds").fetchone()[0],
            "pages": q("SELECT count(*) FROM pages").fetchone()[0],
        }

    def page_outcomes(self) -> dict[str, int]:
        return {r[0]: r[1] for r in self.db.execute("SELECT outcome, count(*) FROM pages GROUP BY outcome")}

    def articles_per_site(self) -> dict[str, int]:
        return {r[0]: r[1] for r in self.db.execute("SELECT site, count(*) FROM articles GROUP BY site")}
