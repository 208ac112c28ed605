"""The store's backfill, gap and cadence transitions (issue 9): a mixin of ``crawler.store.Store``.

A leaf module (standard library only). Tables (migration v3): ``backfill_runs`` (a run and
whether it finished), ``sitemaps`` (the documents a run walks), ``candidates`` (the article URLs
they list, decided before any fetch), ``feed_marks`` (the newest entry each feed showed),
``gaps`` (polls that may have missed posts) and ``poll_starts`` (the daemon's measured cadence).
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import astuple
from typing import Any

from crawler.db import Database, Migration, retried
from crawler.state import PAGE_MAX_ATTEMPTS, RETRY_OUTCOMES, Candidate, FeedMark, Gap, SitemapDoc, from_row

_V3 = """
    CREATE TABLE backfill_runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        key TEXT NOT NULL,
        mode TEXT NOT NULL,
        started_at REAL NOT NULL,
        finished_at REAL
    );
    CREATE INDEX backfill_runs_key ON backfill_runs(key, finished_at);
    CREATE TABLE sitemaps (
        run_id INTEGER NOT NULL,
        url TEXT NOT NULL,
        site TEXT NOT NULL,
        kind TEXT NOT NULL,
        depth INTEGER NOT NULL DEFAULT 0,
        lastmod TEXT,
        state TEXT NOT NULL,
        detail TEXT,
        walked_at REAL,
        PRIMARY KEY (run_id, url)
    );
    CREATE TABLE candidates (
        run_id INTEGER NOT NULL,
        key TEXT NOT NULL,
        site TEXT NOT NULL,
        url TEXT NOT NULL,
        published TEXT,
        via TEXT NOT NULL,
        state TEXT NOT NULL,
        PRIMARY KEY (run_id, key)
    );
    CREATE TABLE feed_marks (
        feed_url TEXT PRIMARY KEY,
        site TEXT NOT NULL,
        newest_published REAL,
        marked_at REAL NOT NULL
    );
    CREATE TABLE gaps (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        site TEXT NOT NULL,
        feed_url TEXT,
        since REAL NOT NULL,
        detected_at REAL NOT NULL,
        recovered_at REAL,
        recovered INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE poll_starts (
        feed_url TEXT NOT NULL,
        started_at REAL NOT NULL
    );
    CREATE INDEX poll_starts_feed ON poll_starts(feed_url, started_at);
"""
#: PostgreSQL has no rowid: sitemaps and candidates are read back in insertion order by ``seq``.
MIGRATION_V3 = Migration(sqlite=_V3, postgresql=_V3.replace(
    "        PRIMARY KEY (run_id, url)", "        seq BIGINT GENERATED ALWAYS AS IDENTITY,\n        PRIMARY KEY (run_id, url)").replace(
    "        PRIMARY KEY (run_id, key)", "        seq BIGINT GENERATED ALWAYS AS IDENTITY,\n        PRIMARY KEY (run_id, key)"))


class BackfillStore:
    """Backfill runs, feed gaps and poll starts; mixed into ``Store`` (which gives ``db`` and ``transaction``)."""

    db: Database
    transaction: Callable[[], AbstractContextManager[Database]]

    # ------------------------------------------------------------ backfill runs
    @retried
    def backfill_run(self, key: str, mode: str) -> tuple[int, bool]:
        """The unfinished run with this key (resumed: True), or a new one."""
        with self.transaction():
            row = self.db.execute("SELECT id FROM backfill_runs WHERE key=? AND finished_at IS NULL "
                                  "ORDER BY id DESC LIMIT 1", (key,)).fetchone()
            if row:
                return row["id"], True
            row = self.db.execute("INSERT INTO backfill_runs(key, mode, started_at) VALUES (?,?,?) RETURNING id",
                                  (key, mode, time.time())).fetchone()
            return int(row[0]), False

    @retried
    def finish_backfill_run(self, run_id: int) -> None:
        with self.transaction():
            self.db.execute("UPDATE backfill_runs SET finished_at=? WHERE id=?", (time.time(), run_id))

    @retried
    def add_sitemaps(self, run_id: int, docs: Iterable[SitemapDoc]) -> list[SitemapDoc]:
        """Queue documents of a run; return the newly queued ones."""
        with self.transaction():
            return self._add_sitemaps(run_id, docs)

    def _add_sitemaps(self, run_id: int, docs: Iterable[SitemapDoc]) -> list[SitemapDoc]:
        added = []
        for doc in docs:
            cur = self.db.execute(
                "INSERT INTO sitemaps(run_id, url, site, kind, depth, lastmod, state) VALUES (?,?,?,?,?,?, 'pending') "
                "ON CONFLICT(run_id, url) DO NOTHING", (run_id, doc.url, doc.site, doc.kind, doc.depth, doc.lastmod))
            if cur.rowcount:
                added.append(doc)
        return added

    def sitemap_docs(self, run_id: int, *, state: str | None = None) -> list[SitemapDoc]:
        sql = "SELECT * FROM sitemaps WHERE run_id=?"
        params: list[Any] = [run_id]
        if state:
            sql += " AND state=?"
            params.append(state)
        return [from_row(SitemapDoc, r) for r in self.db.execute(f"{sql} ORDER BY {self.db.insertion_order}", params)]

    @retried
    def walked(self, run_id: int, url: str, state: str, detail: str | None = None, *,
               children: Iterable[SitemapDoc] = (),
               candidates: Iterable[Candidate] = ()) -> tuple[list[SitemapDoc], list[Candidate]]:
        """Record a walked document with what it led to, in one transaction.

        Returns the newly queued child documents and the newly added candidates (a URL seen in
        two sitemaps counts once).
        """
        with self.transaction():
            kids = self._add_sitemaps(run_id, children)
            added = []
            for c in candidates:
                cur = self.db.execute(
                    "INSERT INTO candidates(run_id, key, site, url, published, via, state) VALUES (?,?,?,?,?,?,?) "
                    "ON CONFLICT(run_id, key) DO NOTHING", (run_id, *astuple(c)))
                if cur.rowcount:
                    added.append(c)
            self.db.execute("UPDATE sitemaps SET state=?, detail=?, walked_at=? WHERE run_id=? AND url=?",
                            (state, detail, time.time(), run_id, url))
        return kids, added

    def run_candidates(self, run_id: int, states: Iterable[str] = ("due", "undated")) -> list[Candidate]:
        wanted = list(states)
        sql = (f"SELECT * FROM candidates WHERE run_id=? AND state IN ({','.join('?' * len(wanted))}) "
               f"ORDER BY {self.db.insertion_order}")
        return [from_row(Candidate, r) for r in self.db.execute(sql, (run_id, *wanted))]

    # ------------------------------------------------------------ feed gaps
    def feed_mark(self, feed_url: str) -> FeedMark | None:
        """The newest publication time seen in a feed by earlier polls (None: never read)."""
        row = self.db.execute("SELECT * FROM feed_marks WHERE feed_url=?", (feed_url,)).fetchone()
        return from_row(FeedMark, row) if row else None

    @retried
    def mark_feed(self, feed_url: str, site: str, newest: float | None) -> None:
        with self.transaction():
            self.db.execute(
                "INSERT INTO feed_marks(feed_url, site, newest_published, marked_at) VALUES (?,?,?,?) "
                "ON CONFLICT(feed_url) DO UPDATE SET marked_at=excluded.marked_at, newest_published="
                "CASE WHEN feed_marks.newest_published IS NULL THEN excluded.newest_published "
                "WHEN excluded.newest_published IS NULL THEN feed_marks.newest_published "
                "WHEN excluded.newest_published > feed_marks.newest_published THEN excluded.newest_published "
                "ELSE feed_marks.newest_published END",
                (feed_url, site, newest, time.time()))

    @retried
    def add_gap(self, site: str, feed_url: str | None, since: float) -> int:
        with self.transaction():
            row = self.db.execute("INSERT INTO gaps(site, feed_url, since, detected_at) VALUES (?,?,?,?) RETURNING id",
                                  (site, feed_url, since, time.time())).fetchone()
            return int(row[0])

    def open_gaps(self, sites: Iterable[str] | None = None) -> list[Gap]:
        """Gaps not yet recovered (also those a killed cycle left behind)."""
        wanted = set(sites) if sites is not None else None
        return [from_row(Gap, r) for r in self.db.execute("SELECT * FROM gaps WHERE recovered_at IS NULL ORDER BY id")
                if wanted is None or r["site"] in wanted]

    @retried
    def close_gaps(self, recovered: dict[int, int]) -> None:
        """Mark gaps recovered, with the number of articles each brought back."""
        with self.transaction():
            for gid, n in recovered.items():
                self.db.execute("UPDATE gaps SET recovered_at=?, recovered=? WHERE id=?", (time.time(), n, gid))

    def gap_counts(self) -> dict[str, dict[str, int]]:
        """Per site: gaps detected and articles recovered."""
        # int(): PostgreSQL's sum of a BIGINT is a NUMERIC (a Decimal).
        return {r[0]: {"gaps": int(r[1]), "recovered": int(r[2] or 0)} for r in self.db.execute(
            "SELECT site, count(*), sum(recovered) FROM gaps GROUP BY site")}

    # ------------------------------------------------------------ cadence
    @retried
    def note_poll_start(self, feed_url: str, started_at: float, keep: int = 50) -> None:
        with self.transaction():
            self.db.execute("INSERT INTO poll_starts(feed_url, started_at) VALUES (?,?)", (feed_url, started_at))
            self.db.execute("DELETE FROM poll_starts WHERE feed_url=? AND started_at < (SELECT min(started_at) FROM "
                            "(SELECT started_at FROM poll_starts WHERE feed_url=? ORDER BY started_at DESC LIMIT ?) AS recent)",
                            (feed_url, feed_url, keep))

    def poll_starts(self, feed_url: str, last: int = 20) -> list[float]:
        rows = self.db.execute("SELECT started_at FROM poll_starts WHERE feed_url=? ORDER BY started_at DESC LIMIT ?",
                               (feed_url, last)).fetchall()
        return sorted(r[0] for r in rows)

    def next_due(self, feed_urls: set[str], sites: set[str], horizon: float) -> float | None:
        """The earliest time, up to ``horizon``, at which one of ``feed_urls`` or a failed page of
        ``sites`` is due (None: nothing)."""
        times = [t for url, t in self.db.execute(
            "SELECT url, next_poll_at FROM feeds WHERE next_poll_at <= ?", (horizon,)) if url in feed_urls]
        times += [t for site, outcome, t in self.db.execute(
            "SELECT site, outcome, retry_at FROM pages WHERE retry_at IS NOT NULL AND retry_at <= ? AND attempts < ?",
            (horizon, PAGE_MAX_ATTEMPTS)) if site in sites and outcome in RETRY_OUTCOMES]
        return min(times, default=None)
