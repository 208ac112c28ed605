"""WAL checkpoints off the event loop's thread while commits are grouped (crawler/db_checkpoint.py).

A crawl's connection takes no checkpoint in its own commits then; a thread with its own
connection copies the WAL back into the database file, and the writer's threshold comes back when
the grouping ends. Real SQLite files, a real event loop.
"""
from __future__ import annotations

import asyncio
import os

from crawler.db import connect
from crawler.db_checkpoint import AUTOCHECKPOINT


def autocheckpoint(db) -> int:
    return int(db.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0])


def test_grouped_commits_are_checkpointed_by_the_thread_and_the_writer_takes_over_after(tmp_path):
    path = tmp_path / "s.sqlite3"
    db = connect(path)
    with db.transaction():
        db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    empty = os.path.getsize(path)

    async def crawl() -> None:
        db.hold_commits(0.05)
        assert autocheckpoint(db) == 0  # the writer's commits copy nothing back
        checkpointer = db._checkpointer
        assert checkpointer is not None and checkpointer.runs == 0
        for i in range(300):  # ~2.4 MB: past the file's first pages, short of the writer's own threshold
            with db.transaction():
                db.execute("INSERT INTO t(body) VALUES (?)", (f"{i:06d}" + "x" * 8000,))
            await asyncio.sleep(0)
        await asyncio.sleep(0.1)  # the last group commits on its timer
        deadline = asyncio.get_running_loop().time() + 10
        # The size grows while the thread copies; its count when the checkpoint has returned.
        while ((os.path.getsize(path) < empty + 2_000_000 or checkpointer.runs < 1)
               and asyncio.get_running_loop().time() < deadline):
            await asyncio.sleep(0.05)
        assert checkpointer.runs >= 1
        # The rows reached the database file itself, not only the WAL: the thread's checkpoint.
        assert os.path.getsize(path) >= empty + 2_000_000
        db.release_commits()
        assert not checkpointer._thread.is_alive()

    asyncio.run(crawl())
    assert db._checkpointer is None and autocheckpoint(db) == AUTOCHECKPOINT
    assert db.execute("SELECT count(*) FROM t").fetchone()[0] == 300
    db.close()
    # What a reader opened afterwards sees: every row, in order.
    reader = connect(path, readonly=True)
    rows = reader.execute("SELECT substr(body, 1, 6) FROM t ORDER BY id").fetchall()
    assert [r[0] for r in rows] == [f"{i:06d}" for i in range(300)]
    reader.close()


def test_closing_the_store_stops_the_thread(tmp_path):
    db = connect(tmp_path / "s.sqlite3")
    db.hold_commits(0.25)
    checkpointer = db._checkpointer
    assert checkpointer is not None
    db.close()
    assert not checkpointer._thread.is_alive()
    assert not (tmp_path / "s.sqlite3-wal").exists()  # the last connection checkpointed and removed it
