"""The store's alert transitions (issue 11): a mixin of ``crawler.store.Store``.

A leaf module (standard library only). Tables (migration v5):

* ``alerts``      one row per alert: its id, watchlist, article, version, story, event, JSON;
  a partial unique index allows one ``new`` per (watchlist, story);
* ``deliveries``  per (sink, alert): attempts, when to try again, when delivered, the last error.

``add_alert`` runs inside the caller's transaction (``save_article``'s: an alert commits with its
article); the delivery transitions open their own.
"""
from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from typing import Any

from crawler.db import Database, retried
from crawler.state import PendingAlert, SinkQueue

MIGRATION_V5 = """
    CREATE TABLE alerts (
        alert_id TEXT PRIMARY KEY,
        watchlist TEXT NOT NULL,
        article_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        story TEXT NOT NULL,
        event TEXT NOT NULL,
        created_at REAL NOT NULL,
        alert TEXT NOT NULL
    );
    CREATE UNIQUE INDEX alerts_one_new ON alerts(watchlist, story) WHERE event = 'new';
    CREATE INDEX alerts_article ON alerts(watchlist, article_id);
    CREATE INDEX alerts_created ON alerts(created_at);
    CREATE TABLE deliveries (
        sink TEXT NOT NULL,
        alert_id TEXT NOT NULL,
        created_at REAL NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_at REAL NOT NULL DEFAULT 0,
        delivered_at REAL,
        last_error TEXT,
        PRIMARY KEY (sink, alert_id)
    );
    CREATE INDEX deliveries_pending ON deliveries(sink, delivered_at, created_at);
"""


class AlertsStore:
    """Alerts raised and their delivery queues; mixed into ``Store`` (which gives ``db`` and ``transaction``)."""

    db: Database
    transaction: Callable[[], AbstractContextManager[Database]]

    def _has_table(self, name: str) -> bool:
        return self.db.has_table(name)

    def alerts_ready(self) -> bool:
        """Whether the schema has the alert tables (a read-only store may predate v5)."""
        return self._has_table("alerts")

    def alert_history(self, watchlist: str, article_id: str, story: str) -> tuple[bool, bool]:
        """Whether (watchlist, article) alerted before, and whether (watchlist, story) has its ``new``."""
        seen = self.db.execute("SELECT 1 FROM alerts WHERE watchlist=? AND article_id=? LIMIT 1",
                               (watchlist, article_id)).fetchone() is not None
        new = self.db.execute("SELECT 1 FROM alerts WHERE watchlist=? AND story=? AND event='new' LIMIT 1",
                              (watchlist, story)).fetchone() is not None
        if not new and self._has_table("story_articles"):
            # A story that absorbed another (issue 10 merges) keeps the absorbed one's `new`.
            new = self.db.execute(
                "SELECT 1 FROM alerts WHERE watchlist=? AND event='new' AND article_id IN "
                "(SELECT article_id FROM story_articles WHERE story=?) LIMIT 1", (watchlist, story)).fetchone() \
                is not None
        return seen, new

    def add_alert(self, alert: dict[str, Any], version: int, sinks: Iterable[str], now: float) -> bool:
        """Insert one alert and queue it for ``sinks`` (inside the caller's transaction).

        Returns False when it is already there (the same id, or a second ``new`` of a story).
        """
        # RETURNING, not rowcount: in a pipeline (save_article's on PostgreSQL) a count is known
        # only after a sync, and a fetch waits for it.
        added = self.db.execute(
            "INSERT INTO alerts(alert_id, watchlist, article_id, version, story, event, created_at, alert) "
            "VALUES (?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING RETURNING alert_id",
            (alert["alert_id"], alert["watchlist"], alert["article_id"], version, alert["story"], alert["event"], now,
             json.dumps(alert, ensure_ascii=False))).fetchone()
        if added is None:
            return False
        self.db.executemany("INSERT INTO deliveries(sink, alert_id, created_at) VALUES (?,?,?) ON CONFLICT DO NOTHING",
                            [(sink, alert["alert_id"], now) for sink in sinks])
        return True

    def alerts(self, *, since: float | None = None, watchlist: str | None = None) -> list[dict[str, Any]]:
        """Stored alerts (the JSON objects the sinks receive), oldest first, each with its ``created_at``."""
        sql = "SELECT alert, created_at FROM alerts WHERE created_at >= ?"
        params: list[Any] = [since or 0.0]
        if watchlist:
            sql += " AND watchlist = ?"
            params.append(watchlist)
        rows = self.db.execute(sql + " ORDER BY created_at, alert_id", params)
        return [{**json.loads(r[0]), "created_at": r[1]} for r in rows]

    def alert_events(self) -> dict[str, int]:
        """Alerts raised per event (new, also-reported, updated)."""
        return {r[0]: r[1] for r in self.db.execute("SELECT event, count(*) FROM alerts GROUP BY event")}

    def pending_alerts(self, sink: str, limit: int = 500) -> list[PendingAlert]:
        """The undelivered alerts of ``sink``, oldest first, with their attempts and next try."""
        self.db.commit_held()  # an alert is durable before it is delivered
        rows = self.db.execute(
            "SELECT d.alert_id, d.attempts, d.next_at, a.alert FROM deliveries d JOIN alerts a ON a.alert_id = d.alert_id "
            "WHERE d.sink=? AND d.delivered_at IS NULL ORDER BY d.created_at, d.alert_id LIMIT ?", (sink, limit))
        return [PendingAlert(r[0], r[1], r[2], json.loads(r[3])) for r in rows]

    @retried
    def mark_delivered(self, sink: str, alert_ids: Iterable[str], *, output: str | None = None,
                       size: int | None = None, error: str | None = None) -> None:
        """Mark deliveries done and, in the same transaction, commit a jsonl sink's new size.

        ``error`` marks them set aside instead (the receiver refused them for good).
        """
        now = time.time()
        with self.transaction():
            self.db.executemany("UPDATE deliveries SET delivered_at=?, last_error=? WHERE sink=? AND alert_id=?",
                                [(now, error, sink, a) for a in alert_ids])
            if output is not None and size is not None:
                self.db.execute("INSERT INTO outputs(path, size) VALUES (?, ?) "
                                "ON CONFLICT(path) DO UPDATE SET size=excluded.size", (output, size))

    @retried
    def delivery_failed(self, sink: str, alert_id: str, error: str, next_at: float) -> None:
        """Count a failed attempt and set when to try again."""
        with self.transaction():
            self.db.execute("UPDATE deliveries SET attempts=attempts+1, next_at=?, last_error=? "
                            "WHERE sink=? AND alert_id=?", (next_at, error[:500], sink, alert_id))

    def alert_queues(self) -> list[SinkQueue]:
        """Per sink: undelivered, delivered and refused alerts, and the oldest undelivered one."""
        if not self.alerts_ready():
            return []
        out = []
        for sink, pending, done, rejected, oldest in self.db.execute(
                "SELECT sink, SUM(CASE WHEN delivered_at IS NULL THEN 1 ELSE 0 END), "
                "SUM(CASE WHEN delivered_at IS NOT NULL AND last_error IS NULL THEN 1 ELSE 0 END), "
                "SUM(CASE WHEN delivered_at IS NOT NULL AND last_error IS NOT NULL THEN 1 ELSE 0 END), "
                "MIN(CASE WHEN delivered_at IS NULL THEN created_at END) FROM deliveries GROUP BY sink ORDER BY sink"
        ).fetchall():
            head = self.db.execute(
                "SELECT alert_id, attempts, last_error, next_at FROM deliveries WHERE sink=? AND delivered_at IS NULL "
                "ORDER BY created_at, alert_id LIMIT 1", (sink,)).fetchone()
            out.append(SinkQueue(sink=sink, pending=pending, delivered=done, rejected=rejected, oldest=oldest,
                                 oldest_alert_id=head[0] if head else None, attempts=head[1] if head else 0,
                                 last_error=head[2] if head else None, next_attempt=head[3] if head else None))
        return out
