"""The store's fleet tables (issue 12): a mixin of ``crawler.store.Store``.

A leaf module (standard library only; procrastinate is imported by migration v8 alone). The
distribution itself is procrastinate's: one job per site in ``procrastinate_jobs`` (applied by
migration v8, on PostgreSQL only), taken by the workers of ``crawler.fleet``, with their heartbeats
in ``procrastinate_workers``. Ours is the roster, ``workers`` (migration v7, extended by v8): each
crawl or daemon of the fleet by name (host, pid), its procrastinate worker id (``job_worker``),
the sites it crawled, and when it stopped. procrastinate forgets a worker once it stops; the
roster keeps it for ``defwatch status``.
"""
from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from crawler.db import Database

#: The procrastinate queue of the fleet's site jobs.
QUEUE = "defwatch-sites"
#: Seconds a stopped worker stays on the roster (a `crawl --fleet` every few minutes adds one a run).
ROSTER_KEEP = 86400.0

MIGRATION_V7 = """
    CREATE TABLE workers (
        id TEXT PRIMARY KEY,
        host TEXT NOT NULL,
        pid INTEGER NOT NULL,
        started REAL NOT NULL,
        heartbeat REAL NOT NULL,
        sites_done INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE site_leases (
        site TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        until REAL NOT NULL
    );
    """

_V8 = """
    DROP TABLE site_leases;
    ALTER TABLE workers ADD COLUMN job_worker INTEGER;
    ALTER TABLE workers ADD COLUMN stopped REAL;
    """


def migration_v8(db: Database) -> None:
    """v8: the fleet's site leases give way to procrastinate's jobs, whose schema PostgreSQL gets here.

    procrastinate's schema (PL/pgSQL functions, triggers) is run whole, as its ``SchemaManager``
    gives it, inside the migration's transaction: applied once, under the migration lock, with the
    version. SQLite stores never run a fleet and get only the roster's new columns.
    """
    from crawler.db import POSTGRESQL, pg_ddl

    db.script(_V8 if db.dialect != POSTGRESQL else pg_ddl(_V8))
    # A database that has it already (procrastinate shared with another application) keeps it.
    if db.dialect == POSTGRESQL and not db.has_table("procrastinate_jobs"):
        from procrastinate.schema import SchemaManager

        db.conn.execute(SchemaManager.get_schema())


class FleetStore:
    """The fleet's roster and what procrastinate knows of it; mixed into ``Store``."""

    db: Database
    transaction: Callable[[], AbstractContextManager[Database]]

    def join_fleet(self, worker: str, host: str, pid: int, job_worker: int | None, now: float) -> None:
        """Put ``worker`` on the roster (``job_worker``: its id in ``procrastinate_workers``)."""
        with self.transaction():
            self.db.execute("DELETE FROM workers WHERE stopped < ?", (now - ROSTER_KEEP,))
            self.db.execute("INSERT INTO workers(id, host, pid, started, heartbeat, job_worker) VALUES (?,?,?,?,?,?) "
                            "ON CONFLICT(id) DO UPDATE SET job_worker=excluded.job_worker, stopped=NULL",
                            (worker, host, pid, now, now, job_worker))

    def leave_fleet(self, worker: str, now: float) -> None:
        """Mark ``worker`` stopped (a worker killed with kill -9 never gets here)."""
        with self.transaction():
            self.db.execute("UPDATE workers SET stopped=?, heartbeat=? WHERE id=?", (now, now, worker))

    def site_done(self, worker: str) -> None:
        """Count one site crawled by ``worker``."""
        with self.transaction():
            self.db.execute("UPDATE workers SET sites_done = sites_done + 1 WHERE id=?", (worker,))

    def _queue_ready(self) -> bool:
        return self.db.dialect == "postgresql" and self.db.has_table("procrastinate_jobs")

    def fleet_pending(self) -> int:
        """Site jobs running, or waiting and ready to run now (not ones scheduled for later)."""
        if not self._queue_ready():
            return 0
        row = self.db.execute(
            "SELECT count(*) FROM procrastinate_jobs WHERE queue_name=? AND (status='doing' OR "
            "(status='todo' AND (scheduled_at IS NULL OR scheduled_at <= now())))", (QUEUE,)).fetchone()
        return int(row[0])

    def sites_running(self) -> set[str]:
        """The sites whose job a worker is running now."""
        if not self._queue_ready():
            return set()
        rows = self.db.execute("SELECT args->>'site' AS site FROM procrastinate_jobs "
                               "WHERE queue_name=? AND status='doing'", (QUEUE,))
        return {r["site"] for r in rows}

    def fleet_queue(self) -> dict[str, int]:
        """The site jobs kept, by status (todo, doing, succeeded, failed, ...)."""
        if not self._queue_ready():
            return {}
        rows = self.db.execute("SELECT status::text AS status, count(*) AS n FROM procrastinate_jobs "
                               "WHERE queue_name=? GROUP BY status ORDER BY status", (QUEUE,))
        return {r["status"]: int(r["n"]) for r in rows}

    def fleet(self) -> list[dict[str, Any]]:
        """Every worker on the roster: its last heartbeat (procrastinate's, while it runs), its state
        (``running``, ``stopped``, or ``lost``: no heartbeat and never stopped) and the sites its
        running jobs crawl."""
        if not self.db.has_table("workers"):  # a store from before migration v7, opened read-only
            return []
        beats: dict[int, float] = {}
        jobs: dict[int | None, list[dict[str, Any]]] = {}
        if self._queue_ready():
            for r in self.db.execute("SELECT id, EXTRACT(EPOCH FROM last_heartbeat)::float8 AS beat "
                                     "FROM procrastinate_workers"):
                beats[int(r["id"])] = float(r["beat"])
            for r in self.db.execute("SELECT id, worker_id, args->>'site' AS site, attempts FROM procrastinate_jobs "
                                     "WHERE queue_name=? AND status='doing' ORDER BY id", (QUEUE,)):
                jobs.setdefault(r["worker_id"], []).append({"job": r["id"], "site": r["site"],
                                                            "attempts": r["attempts"]})
        out = []
        for r in self.db.execute("SELECT * FROM workers ORDER BY started, id"):
            w = dict(r)
            live = w.get("job_worker") is not None and w["job_worker"] in beats
            running = jobs.get(w["job_worker"], []) if w.get("job_worker") is not None else []
            state = "running" if live else "stopped" if w.get("stopped") else "lost"
            out.append({"id": w["id"], "host": w["host"], "pid": w["pid"], "started": w["started"],
                        "heartbeat": beats[w["job_worker"]] if live else w["heartbeat"], "state": state,
                        "job_worker": w.get("job_worker"), "sites_done": w["sites_done"],
                        "jobs": running, "sites": [j["site"] for j in running]})
        return out
