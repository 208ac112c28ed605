"""Concurrent writers on one PostgreSQL store (issue 12): several processes save copies of one story
and new versions of one article at the same moment. No story is started twice, no version number
is given twice, no row is lost; the write transactions run side by side (no global write lock)."""
from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest
from stories_samples import HIMARS_PL, HIMARS_PL_COPY, UNRELATED, rec

from crawler.store import Store

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
WRITERS = 4
ROUNDS = 6
WHEN = "2024-03-12T15:00:00+00:00"
WORDS = ("radar frigate contract brigade budget missile drone exercise sensor convoy hangar runway depot "
         "cadet harbour turbine rotor hull sonar periscope barracks garrison patrol beacon ration").split()


def solo_text(k: int) -> tuple[str, str]:
    """A text no other writer's resembles (its own story)."""
    rng = random.Random(k)
    return f"Writer {k} notes", " ".join(rng.choice(WORDS) for _ in range(120)) + "."


def writer(url: str, k: int, start_at: float, out: str) -> None:
    """One writer process: warm up, wait for the common start, then save as fast as it can."""
    results = []
    with Store(url) as s:
        # The first save of a store also places older records (under the lock): done before the start.
        s.save_article(rec(f"solo-{k}", solo_text(k), WHEN, f"s{k}"), page_keys=[f"s{k}/solo"])
        time.sleep(max(0.0, start_at - time.time()))
        for i in range(ROUNDS):
            sample = HIMARS_PL if (k + i) % 2 else HIMARS_PL_COPY
            t0 = time.time()
            action, version = s.save_article(rec(f"pl-{k}-{i}", sample, WHEN, f"s{k}"), page_keys=[f"s{k}/pl-{i}"])
            results.append({"id": f"pl-{k}-{i}", "action": action, "version": version, "t0": t0, "t1": time.time()})
            title, body = UNRELATED
            shared = rec("shared", (title, f"{body} Correction {k}-{i}."), WHEN, "x")
            t0 = time.time()
            action, version = s.save_article(shared, page_keys=["x/shared"])
            results.append({"id": "shared", "action": action, "version": version, "t0": t0, "t1": time.time()})
        results.append({"retries": s.db.retries, "replans": s.story_replans})
    Path(out).write_text(json.dumps(results))


def test_concurrent_writers_keep_stories_and_versions_whole(pg_url, tmp_path):
    with Store(pg_url):
        pass  # migrated once, before the writers start
    start_at = time.time() + 8  # after every writer has imported, connected and warmed up
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), str(HERE)])}
    procs = [subprocess.Popen([sys.executable, "-c", "import sys; from test_pg_concurrency import writer; "
                               "writer(sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4])",
                               pg_url, str(k), str(start_at), str(tmp_path / f"w{k}.json")],
                              cwd=REPO, env=env, stderr=subprocess.PIPE, text=True)
             for k in range(WRITERS)]
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err[-3000:]
    results = [json.loads((tmp_path / f"w{k}.json").read_text()) for k in range(WRITERS)]
    saves = [r for rs in results for r in rs if "id" in r]
    stats = [rs[-1] for rs in results]

    # The writers overlapped: some save started before another writer's save had returned.
    spans = sorted((r["t0"], r["t1"], w) for w, rs in enumerate(results) for r in rs if "id" in r)
    assert any(b[0] < a[1] and b[2] != a[2] for a, b in zip(spans, spans[1:], strict=False)), "no overlap"

    with Store(pg_url, readonly=True) as s:
        q = s.db.execute
        copies = [f"pl-{k}-{i}" for k in range(WRITERS) for i in range(ROUNDS)]
        # No row lost: every article, page and outcome of every writer is there.
        assert q("SELECT count(*) FROM articles").fetchone()[0] == len(copies) + WRITERS + 1
        assert q("SELECT count(*) FROM pages").fetchone()[0] == len(copies) + WRITERS + 1
        assert q("SELECT count(*) FROM outcomes WHERE kind='page'").fetchone()[0] == len(saves) + WRITERS
        # One story for all the copies saved at once from four processes, not one per writer.
        records = {aid: json.loads(q("SELECT record FROM articles WHERE id=?", (aid,)).fetchone()[0])
                   for aid in copies}
        assert {r["story"] for r in records.values()} == {records[copies[0]]["story"]}
        story = records[copies[0]]["story"]
        assert sorted(s.story_members(story)) == sorted(copies)
        assert s.story_fields(story)["story_size"] == len(copies)
        assert s.story_counts()["stories"] == 1 + WRITERS + 1  # the copies, each solo text, the shared article
        # Never two stories for the copies (which a later copy would have merged): copies placed one
        # after the other each join the story the first one started.
        assert s.story_counts()["story_merges"] == 0
        assert q("SELECT count(*) FROM story_articles").fetchone()[0] == len(copies) + WRITERS + 1
        # Every story row has members, and every member's story exists (merges left nothing behind).
        assert q("SELECT count(*) FROM stories t WHERE NOT EXISTS "
                 "(SELECT 1 FROM story_articles a WHERE a.story = t.id)").fetchone()[0] == 0
        assert q("SELECT count(*) FROM story_articles a WHERE NOT EXISTS "
                 "(SELECT 1 FROM stories t WHERE t.id = a.story)").fetchone()[0] == 0

        # The shared article: saved by every writer, each save a new text, so one `new` and then
        # one version per save, each number given once, 1..n with no gap.
        shared = [r for r in saves if r["id"] == "shared"]
        versions = sorted(r["version"] for r in shared)
        assert [r["action"] for r in shared].count("new") == 1
        assert versions == list(range(1, len(shared) + 1))
        stored = [v for (v,) in q("SELECT version FROM versions WHERE article_id='shared' ORDER BY version")]
        assert stored == versions
        assert q("SELECT version FROM articles WHERE id='shared'").fetchone()[0] == len(shared)
    print("retries", sum(st["retries"] for st in stats), "replans", sum(st["replans"] for st in stats))


def test_a_transaction_that_loses_a_deadlock_runs_again(pg_url):
    """Two transactions update two rows in opposite orders: PostgreSQL ends one with a deadlock
    error, ``retrying`` runs it again, and both changes are there once."""
    import threading

    from crawler.db import connect

    a, b = connect(pg_url), connect(pg_url)
    with a.transaction():
        a.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)")
        a.executemany("INSERT INTO t(id, n) VALUES (?, 0)", [(1,), (2,)])
    both_hold_one = threading.Barrier(2)
    runs = {"a": 0, "b": 0}
    errors: list[BaseException] = []

    def move(db, name: str, first: int, second: int) -> None:
        def run() -> None:
            runs[name] += 1
            with db.transaction():
                db.execute("UPDATE t SET n = n + 1 WHERE id=?", (first,))
                if runs[name] == 1:
                    both_hold_one.wait(timeout=30)
                db.execute("UPDATE t SET n = n + 1 WHERE id=?", (second,))
        try:
            db.retrying(run)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=move, args=(a, "a", 1, 2)), threading.Thread(target=move, args=(b, "b", 2, 1))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert [tuple(r) for r in a.execute("SELECT id, n FROM t ORDER BY id")] == [(1, 2), (2, 2)]
    assert a.retries + b.retries == 1 and runs["a"] + runs["b"] == 3
    a.close()
    b.close()


def test_retrying_is_bounded_and_only_outermost(pg_url):
    from psycopg import errors

    from crawler.db import connect

    with connect(pg_url) as db:
        calls = []

        def lose() -> None:
            calls.append(1)
            raise errors.DeadlockDetected("lost")
        with pytest.raises(errors.DeadlockDetected):
            db.retrying(lose, attempts=3)
        assert len(calls) == 3 and db.retries == 2
        calls.clear()
        # Inside an open transaction only the outermost may run again: the error goes up at once.
        with pytest.raises(errors.DeadlockDetected), db.transaction():
            db.retrying(lose, attempts=3)
        assert len(calls) == 1


def test_a_conflict_inside_a_pipeline_rolls_back_and_runs_again(pg_url):
    """save_article's transaction is pipelined: an error surfaces at the next read, the
    transaction is rolled back, and a lost conflict runs again (here a deadlock error raised by
    the server on the first run)."""
    from crawler.db import connect

    with connect(pg_url) as db:
        with db.transaction():
            db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)")
        calls: list[int] = []

        def run() -> int:
            calls.append(1)
            with db.pipeline(), db.transaction():
                db.execute("INSERT INTO t(id) VALUES (?)", (len(calls),))
                if len(calls) == 1:
                    db.execute("DO $$ BEGIN RAISE EXCEPTION 'lost' USING ERRCODE = '40P01'; END $$")
                return int(db.execute("SELECT count(*) FROM t").fetchone()[0])
        assert db.retrying(run) == 1 and len(calls) == 2 and db.retries == 1
        assert [r[0] for r in db.execute("SELECT id FROM t")] == [2]  # the first run's insert was rolled back
