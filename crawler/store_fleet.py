"""The store's fleet transitions (issue 12): a mixin of ``crawler.store.Store``.

A leaf module (standard library only). Tables (migration v7): ``workers`` (each crawl or daemon of
a fleet on one PostgreSQL store, with its heartbeat) and ``site_leases`` (which worker holds which
site, until when). ``crawler.fleet`` drives them.
"""
from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from crawler.db import Database

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


class FleetStore:
    """Workers and site leases; mixed into ``Store`` (which gives ``db`` and ``transaction``)."""

    db: Database
    transaction: Callable[[], AbstractContextManager[Database]]

    def heartbeat(self, worker: str, host: str, pid: int, now: float) -> None:
        """Say that ``worker`` is alive (its row in ``workers`` is made on the first beat)."""
        with self.transaction():
            self.db.execute("INSERT INTO workers(id, host, pid, started, heartbeat) VALUES (?,?,?,?,?) "
                            "ON CONFLICT(id) DO UPDATE SET heartbeat=excluded.heartbeat", (worker, host, pid, now, now))

    def claim_site(self, site: str, worker: str, now: float, lease: float) -> bool | None:
        """Lease ``site`` to ``worker`` until ``now + lease``: None when another worker holds it, True
        when it is taken over from a worker whose lease expired unfinished, else False."""
        with self.transaction():
            row = self.db.execute("SELECT owner, until FROM site_leases WHERE site=?", (site,)).fetchone()
            # The WHERE makes the upsert the arbiter: of two workers racing, one gets the row back.
            won = self.db.execute(
                "INSERT INTO site_leases(site, owner, until) VALUES (?,?,?) ON CONFLICT(site) DO UPDATE "
                "SET owner=excluded.owner, until=excluded.until WHERE site_leases.until < ? "
                "OR site_leases.owner = excluded.owner RETURNING site", (site, worker, now + lease, now)).fetchone()
        if won is None:
            return None
        return bool(row and row["owner"] not in ("", worker) and row["until"] < now)

    def release_site(self, site: str, worker: str) -> None:
        """End ``worker``'s lease on ``site``: its work there is done (an expired lease is not)."""
        with self.transaction():
            self.db.execute("UPDATE site_leases SET owner='', until=0 WHERE site=? AND owner=?", (site, worker))
            self.db.execute("UPDATE workers SET sites_done = sites_done + 1 WHERE id=?", (worker,))

    def renew_sites(self, worker: str, until: float) -> None:
        """Extend every lease ``worker`` holds to ``until`` (it is alive and still crawling)."""
        with self.transaction():
            self.db.execute("UPDATE site_leases SET until=? WHERE owner=?", (until, worker))

    def abandoned(self, site: str, now: float) -> bool:
        """Whether ``site``'s lease expired before its worker finished (a killed worker)."""
        row = self.db.execute("SELECT owner, until FROM site_leases WHERE site=?", (site,)).fetchone()
        return bool(row and row["owner"] != "" and row["until"] < now)

    def fleet(self) -> list[dict[str, Any]]:
        """Every worker with its last heartbeat and the sites it holds."""
        if not self.db.has_table("workers"):  # a store from before migration v7, opened read-only
            return []
        leases: dict[str, list[str]] = {}
        for r in self.db.execute("SELECT site, owner FROM site_leases WHERE owner <> '' ORDER BY site"):
            leases.setdefault(r["owner"], []).append(r["site"])
        return [{**dict(r), "sites": leases.get(r["id"], [])}
                for r in self.db.execute("SELECT * FROM workers ORDER BY started")]
