"""The store's export transitions: a mixin of ``crawler.store.Store``.

A leaf module (standard library only). The live JSONL output (``crawler.export.append_pending``)
reads the versions not exported yet and marks them exported together with the output's new
committed size (table ``outputs``, migration v1), in one transaction. Migration v9 indexes the
versions not exported yet (``articles_unexported``), so that a crawl's flush every 0.5 s reads those
rows only, not the whole ``articles`` table.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from crawler.db import Database, retried
from crawler.items import ARTICLE_FIELDS, Article, loads

#: v9 (issue 12): the rows ``pending_exports`` reads, in its order. A partial index holds only the
#: versions not exported yet: ``mark_exported`` takes each row out again, so it stays small however
#: large the store grows (SQLite and PostgreSQL both use it for that exact ``WHERE``). IF NOT EXISTS:
#: a store whose older tables a test (or an operator) rebuilt by hand may hold it already.
MIGRATION_V9 = """
    CREATE INDEX IF NOT EXISTS articles_unexported ON articles(fetched_at, id) WHERE exported_version < version;
"""


@dataclass(frozen=True)
class PendingExport:
    """An article version not yet written to the live output, as stored (``record``: its JSON)."""

    id: str
    version: int
    record: str

    @property
    def article(self) -> Article:
        return Article.from_json(self.record)

    def line(self) -> str:
        """The record's JSONL line (without the newline)."""
        # The stored text is what ``Article.to_json`` wrote; it is reused as it is when it has
        # this version's fields in their order (checking costs a quarter of decoding and re-encoding).
        # A record written by an older version is re-encoded, with today's fields.
        if tuple(loads(self.record)) == ARTICLE_FIELDS:
            return self.record
        return self.article.to_json()


class ExportsStore:
    """Reading records for export and marking them exported; mixed into ``Store``."""

    db: Database
    transaction: Callable[[], AbstractContextManager[Database]]

    def latest_records(self, *, sites: Iterable[str] | None = None) -> Iterator[Article]:
        """Latest version of each article, in a deterministic order (site, published, id)."""
        sql = "SELECT record FROM articles"
        params: list[Any] = []
        wanted = list(sites or [])
        if wanted:
            sql += f" WHERE site IN ({','.join('?' * len(wanted))})"
            params += wanted
        sql += " ORDER BY site, COALESCE(published, fetched_at), id"
        for (text,) in self.db.execute(sql, params):
            yield Article.from_json(text)

    def pending_exports(self, limit: int | None = None) -> list[PendingExport]:
        """The versions not exported yet, oldest fetch first (through ``articles_unexported``)."""
        # The WHERE must stay the index's own predicate, word for word, or SQLite scans the table.
        sql = "SELECT id, version, record FROM articles WHERE exported_version < version ORDER BY fetched_at, id"
        if limit:
            sql += f" LIMIT {int(limit)}"
        return [PendingExport(r["id"], r["version"], r["record"]) for r in self.db.execute(sql)]

    def output_size(self, path: str) -> int | None:
        row = self.db.execute("SELECT size FROM outputs WHERE path=?", (path,)).fetchone()
        return int(row["size"]) if row else None

    def outputs(self) -> dict[str, int]:
        """Every live output and its committed size."""
        return {r["path"]: r["size"] for r in self.db.execute("SELECT path, size FROM outputs").fetchall()}

    @retried
    def mark_exported(self, versions: Iterable[tuple[str, int]], *, output: str | None = None,
                      size: int | None = None) -> None:
        """Mark records exported and, in the same transaction, commit the output's new size."""
        with self.transaction():
            self.db.executemany(
                "UPDATE articles SET exported_version = CASE WHEN exported_version > ? THEN exported_version "
                "ELSE ? END WHERE id=?", [(v, v, aid) for aid, v in versions])
            if output is not None and size is not None:
                self.db.execute("INSERT INTO outputs(path, size) VALUES (?, ?) "
                                "ON CONFLICT(path) DO UPDATE SET size=excluded.size", (output, size))
