"""Migration v9: the live export reads the versions not exported yet through a partial index.

A crawl flushes its live output every 0.5 s (``crawler.runner.FLUSH_SECONDS``); each flush asks
``pending_exports``, which read the whole ``articles`` table before v9. The tests run on SQLite
and on a throwaway PostgreSQL server, from a store created at v8 (the version before).
"""
from __future__ import annotations

import pytest

import crawler.store as store_module
from crawler.items import Article
from crawler.store import Store

INDEX = "articles_unexported"
PENDING_SQL = "SELECT id, version, record FROM articles WHERE exported_version < version ORDER BY fetched_at, id"


def record(aid: str, fetched: str, body: str = "Body text.") -> Article:
    return Article(id=aid, url=f"https://ex.com/{aid}", site="ex", title=f"T {aid}", authors=[],
                   published="2024-10-01T10:00:00+00:00", updated=None, lang="en", tags=[], body=body,
                   fetched_at=fetched, version=1, content_hash=f"h-{aid}-{body}")


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request, tmp_path):
    return tmp_path / "s.sqlite3" if request.param == "sqlite" else request.getfixturevalue("pg_url")


def has_index(store: Store) -> bool:
    if store.is_server:
        return store.db.execute("SELECT to_regclass(?) IS NOT NULL", (INDEX,)).fetchone()[0]
    return store.db.execute("SELECT 1 FROM sqlite_master WHERE type='index' AND name=?", (INDEX,)).fetchone() is not None


def plan(store: Store) -> str:
    """How the engine runs ``pending_exports``'s statement (a sequential scan made dear on PostgreSQL,
    as it is on a table of thousands of rows: on a handful the planner scans, rightly)."""
    if store.is_server:
        with store.transaction():
            store.db.execute("SET LOCAL enable_seqscan = off")
            return "\n".join(r[0] for r in store.db.execute("EXPLAIN " + PENDING_SQL))
    return "\n".join(str(r[-1]) for r in store.db.execute("EXPLAIN QUERY PLAN " + PENDING_SQL))


def test_a_v8_store_gets_the_index_and_exports_the_same_records(target, monkeypatch):
    old = store_module.MIGRATIONS[:8]
    assert len(store_module.MIGRATIONS) == 9 and store_module.MIGRATIONS[8] is store_module.MIGRATION_V9
    monkeypatch.setattr(store_module, "MIGRATIONS", old)
    with Store(target) as v8:
        assert v8.schema_version == 8 and not has_index(v8)
        for i, fetched in enumerate(["2024-10-03", "2024-10-01", "2024-10-02", "2024-10-01"]):
            v8.save_article(record(f"a{i}", f"{fetched}T00:00:00+00:00"), page_keys=[f"ex.com/a{i}"])
        v8.mark_exported([("a2", 1)], output="/tmp/out.jsonl", size=10)
        v8.save_article(record("a2", "2024-10-05T00:00:00+00:00", body="Edited."), page_keys=["ex.com/a2"])
        before = [(p.id, p.version, p.record) for p in v8.pending_exports()]
        assert "articles_unexported" not in plan(v8)
    monkeypatch.undo()
    with Store(target) as v9:
        assert v9.schema_version == 9 and has_index(v9)
        assert INDEX in plan(v9)
        # Same records, same order (fetch time, then id), the exported one's new version included.
        assert [(p.id, p.version, p.record) for p in v9.pending_exports()] == before
        assert [(i, v) for i, v, _ in before] == [("a1", 1), ("a3", 1), ("a0", 1), ("a2", 2)]
        assert [p.id for p in v9.pending_exports(limit=2)] == ["a1", "a3"]
        v9.mark_exported([(i, v) for i, v, _ in before], output="/tmp/out.jsonl", size=99)
        assert v9.pending_exports() == []
        # A new version after the export enters the index again.
        v9.save_article(record("a0", "2024-10-06T00:00:00+00:00", body="Edited again."), page_keys=["ex.com/a0"])
        assert [(p.id, p.version) for p in v9.pending_exports()] == [("a0", 2)]
    with Store(target) as again:  # reopening migrates nothing
        assert again.schema_version == 9


def vm_steps(store: Store, sql: str) -> int:
    """SQLite virtual-machine steps one statement takes (a progress handler called on each)."""
    steps = [0]

    def count() -> int:
        steps[0] += 1
        return 0
    store.db.conn.set_progress_handler(count, 1)
    try:
        store.db.execute(sql).fetchall()
    finally:
        store.db.conn.set_progress_handler(None, 1)
    return steps[0]


def test_a_flush_reads_the_unexported_rows_not_the_table(tmp_path):
    with Store(tmp_path / "s.sqlite3") as store:
        for i in range(400):
            store.save_article(record(f"a{i:03d}", f"2024-10-01T00:{i // 60:02d}:{i % 60:02d}+00:00"),
                               page_keys=[f"ex.com/a{i}"])
        store.mark_exported([(f"a{i:03d}", 1) for i in range(395)])
        assert [p.id for p in store.pending_exports()] == [f"a{i}" for i in range(395, 400)]
        indexed = vm_steps(store, PENDING_SQL)
        scanned = vm_steps(store, PENDING_SQL.replace("FROM articles", "FROM articles NOT INDEXED"))
        # Five rows through the index against 400 through a scan of the table (and a sort).
        assert indexed * 20 < scanned, (indexed, scanned)
