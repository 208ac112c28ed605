"""crawler/db.py on a real SQLite file and a real throwaway PostgreSQL server (tests/pg.py)."""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from crawler import db
from crawler.db import Migration, connect, is_url, pg_ddl, split_statements, to_pg

REPO = Path(__file__).resolve().parents[1]

SCHEMA = [
    """
    CREATE TABLE feeds (url TEXT PRIMARY KEY, site TEXT NOT NULL, next_poll_at REAL NOT NULL DEFAULT 0,
                        failures INTEGER NOT NULL DEFAULT 0, size INTEGER);
    CREATE TABLE outcomes (id INTEGER PRIMARY KEY AUTOINCREMENT, url TEXT NOT NULL, outcome TEXT NOT NULL);
    """,
    "-- v2: reserved (issue 99)",
    Migration(sqlite="CREATE INDEX feeds_site ON feeds(site);",
              postgresql="CREATE INDEX feeds_site ON feeds USING btree (site);"),
]


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request, tmp_path) -> str | Path:
    """A fresh store location on each backend."""
    if request.param == "sqlite":
        return tmp_path / "store.sqlite3"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def database(target):
    with connect(target) as conn:
        conn.migrate(SCHEMA)
        yield conn


def test_url_or_path():
    assert is_url("postgresql://defwatch@db:5432/defwatch")
    assert is_url("postgres://u@h/d")
    assert not is_url("postgresql:/u@h/d")  # what argparse's Path would have made of the URL
    assert not is_url(Path("postgresql://u@h/d"))
    assert not is_url("var/defwatch.sqlite3")
    assert db.redact("postgresql://u:secret@h:5/d") == "postgresql://u:***@h:5/d"


def test_migrate_applies_each_step_once(target):
    with connect(target) as conn:
        assert conn.schema_version() == 0
        assert conn.migrate(SCHEMA) == 3
        assert conn.schema_version() == 3
        conn.execute("INSERT INTO feeds(url, site) VALUES (?, ?)", ("http://a/feed", "a"))
    with connect(target) as conn:  # reopening applies nothing and keeps the data
        assert conn.migrate(SCHEMA) == 3
        assert conn.execute("SELECT count(*) FROM feeds").fetchone()[0] == 1
        with pytest.raises(db.DatabaseError, match="newer than this defwatch"):
            conn.migrate(SCHEMA[:2])


def test_same_sql_on_both_backends(database):
    upsert = ("INSERT INTO feeds(url, site, failures) VALUES (?, ?, ?) ON CONFLICT(url) DO UPDATE SET "
              "failures = MAX(feeds.failures, excluded.failures), site = excluded.site")
    database.execute(upsert, ("http://a/feed", "a", 3))
    database.execute(upsert, ("http://a/feed", "a2", 1))  # MAX keeps 3
    database.execute("INSERT OR IGNORE INTO feeds(url, site) VALUES (?, ?)", ("http://a/feed", "ignored"))
    database.executemany("INSERT OR IGNORE INTO feeds(url, site) VALUES (?, ?)",
                         [("http://b/feed", "b"), ("http://c/100%", "c")])
    row = database.execute("SELECT url, site, failures FROM feeds WHERE url = ?", ("http://a/feed",)).fetchone()
    assert (row["site"], row["failures"], row[2]) == ("a2", 3, 3)
    assert dict(row) == {"url": "http://a/feed", "site": "a2", "failures": 3}
    (url,) = database.execute("SELECT url FROM feeds WHERE url LIKE ? AND url LIKE '%100%'", ("http://c/%",)).fetchone()
    assert url == "http://c/100%"
    assert database.execute("SELECT count(*) FROM feeds WHERE site <> '?'").fetchone()[0] == 3
    ids = [database.execute("INSERT INTO outcomes(url, outcome) VALUES (?, ?) RETURNING id", (f"u{i}", "stored"))
           .fetchone()[0] for i in range(3)]
    assert ids == sorted(ids) and len(set(ids)) == 3


def test_types_keep_their_range(database):
    now = time.time()
    big = 2**40  # a byte count beyond PostgreSQL's 32-bit INTEGER
    database.execute("INSERT INTO feeds(url, site, next_poll_at, size) VALUES (?, ?, ?, ?)", ("u", "s", now, big))
    row = database.execute("SELECT next_poll_at, size FROM feeds").fetchone()
    assert row["next_poll_at"] == now  # double precision: a Unix time survives to the microsecond
    assert row["size"] == big


def test_transaction_is_all_or_nothing(database):
    with pytest.raises(RuntimeError):
        with database.transaction():
            database.execute("INSERT INTO feeds(url, site) VALUES (?, ?)", ("u1", "s"))
            raise RuntimeError("boom")
    with database.transaction():
        database.execute("INSERT INTO feeds(url, site) VALUES (?, ?)", ("u2", "s"))
    assert [r[0] for r in database.execute("SELECT url FROM feeds")] == ["u2"]
    with pytest.raises(database.errors):
        database.execute("INSERT INTO feeds(url, site) VALUES (?, ?)", ("u2", "dup"))


def test_readonly_refuses_writes(target):
    with connect(target) as conn:
        conn.migrate(SCHEMA)
    with connect(target, readonly=True) as ro:
        assert ro.execute("SELECT count(*) FROM feeds").fetchone()[0] == 0
        with pytest.raises(ro.errors):
            ro.execute("INSERT INTO feeds(url, site) VALUES (?, ?)", ("u", "s"))


def test_unreachable_server_is_a_database_error():
    with pytest.raises(db.DatabaseError, match="cannot open the store") as err:
        connect("postgresql://nobody:pw@127.0.0.1:1/none", timeout=2)
    assert "pw" not in str(err.value)


SLOW_SCHEMA = """
import sys, time
from crawler.db import Migration, connect
start = float(sys.argv[2])
time.sleep(max(0, start - time.time()))
slow = Migration(sqlite="CREATE TABLE feeds (url TEXT PRIMARY KEY);",
                 postgresql="SELECT pg_sleep(0.5); CREATE TABLE feeds (url TEXT PRIMARY KEY);")
with connect(sys.argv[1]) as conn:
    print(conn.migrate([slow, "CREATE TABLE pages (key TEXT PRIMARY KEY);"]))
"""


def test_concurrent_starts_never_race_in_migrations(target):
    """Four processes open a new store at the same instant: all succeed, the schema lands once."""
    start = time.time() + 1.5
    procs = [subprocess.Popen([sys.executable, "-c", SLOW_SCHEMA, str(target), str(start)], cwd=REPO,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
    results = [p.communicate(timeout=60) + (p.returncode,) for p in procs]
    assert [(out.strip(), rc) for out, _, rc in results] == [("2", 0)] * 4, [err for _, err, _ in results]
    with connect(target) as conn:
        assert conn.schema_version() == 2


def test_translation_to_postgresql():
    assert to_pg("SELECT * FROM t WHERE a = ? AND b = '?' AND c LIKE 'x%'") == \
        "SELECT * FROM t WHERE a = %s AND b = '?' AND c LIKE 'x%%'"
    assert to_pg("SELECT 'x%'", placeholders=False) == "SELECT 'x%'"
    assert to_pg("INSERT OR IGNORE INTO t(a) VALUES (?);") == "INSERT INTO t(a) VALUES (%s) ON CONFLICT DO NOTHING"
    assert to_pg("UPDATE t SET v = MAX(v, ?), w = max(coalesce(w, 0), 1) WHERE x = (SELECT MAX(y) FROM u)") == \
        "UPDATE t SET v = GREATEST(v, %s), w = GREATEST(coalesce(w, 0), 1) WHERE x = (SELECT MAX(y) FROM u)"
    with pytest.raises(db.DatabaseError, match="ON CONFLICT"):
        to_pg("INSERT OR REPLACE INTO t VALUES (?)")
    assert pg_ddl("id INTEGER PRIMARY KEY AUTOINCREMENT, t REAL, n INTEGER NOT NULL, s TEXT") == \
        "id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, t DOUBLE PRECISION, n BIGINT NOT NULL, s TEXT"
    assert split_statements("-- v3: reserved (issue 9)") == []
    assert split_statements("CREATE TABLE a (x);\n-- note\nCREATE TABLE b (y);") == \
        ["CREATE TABLE a (x);", "-- note\nCREATE TABLE b (y);"]
