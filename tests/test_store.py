"""The store: migrations, article versions, outcomes, the writer lock, live-output bookkeeping.

The tests that take ``target`` (or ``store``) run on SQLite and on a throwaway PostgreSQL server."""
from __future__ import annotations

import sqlite3

import pytest

from crawler.items import Article
from crawler.store import MIGRATIONS, Store, StoreError, StoreLocked


def record(aid="a1", body="Body text.", **kw) -> Article:
    base = {"id": aid, "url": f"https://ex.com/{aid}", "site": "ex", "title": "T", "authors": [], "published": "2024-10-01T10:00:00+00:00",
            "updated": None, "lang": "en", "tags": [], "body": body, "fetched_at": "2024-10-02T00:00:00+00:00",
            "version": 1, "content_hash": f"h-{body}"}
    return Article(**{**base, **kw})


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request, tmp_path):
    """Where a store lives: a SQLite file, or a fresh database on the test PostgreSQL server."""
    return tmp_path / "s.sqlite3" if request.param == "sqlite" else request.getfixturevalue("pg_url")


@pytest.fixture
def store(target):
    with Store(target) as s:
        yield s


def test_schema_versioned_and_wal(store, target):
    assert store.schema_version == len(MIGRATIONS)
    if not store.is_server:
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    store.close()
    with Store(target) as again:  # reopening migrates nothing and keeps the version
        assert again.schema_version == len(MIGRATIONS)


def test_newer_schema_refused_on_postgresql(pg_url):
    Store(pg_url).close()
    with Store(pg_url) as s:
        s.db.execute("UPDATE schema_version SET version = ?", (len(MIGRATIONS) + 1,))
    with pytest.raises(StoreError, match="newer"):
        Store(pg_url)
    with pytest.raises(StoreError, match="no such store"):
        Store(pg_url.rsplit("/", 1)[0] + "/postgres", readonly=True)


def test_newer_schema_refused(tmp_path):
    path = tmp_path / "new.sqlite3"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version={len(MIGRATIONS) + 1}")
    db.close()
    with pytest.raises(StoreError, match="newer"):
        Store(path)


def test_not_a_database(tmp_path):
    path = tmp_path / "junk.sqlite3"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError):
        Store(path)
    with pytest.raises(StoreError, match="no such store"):
        Store(tmp_path / "absent.sqlite3", readonly=True)


def test_versions_new_unchanged_updated(store):
    assert store.save_article(record(), page_keys=["ex.com/a1"]) == ("new", 1)
    assert store.save_article(record(fetched_at="2024-10-03T00:00:00+00:00"), page_keys=["ex.com/a1"]) == ("unchanged", 1)
    action, version = store.save_article(record(body="Edited text.", fetched_at="2024-10-04T00:00:00+00:00"),
                                         page_keys=["ex.com/a1"])
    assert (action, version) == ("updated", 2)
    (latest,) = list(store.latest_records())
    assert latest.version == 2 and latest.body == "Edited text."
    assert latest.updated == "2024-10-04T00:00:00+00:00"  # a new version always says when it changed
    assert store.counts()["versions"] == 2


def test_entries_and_outcomes(store):
    store.save_article(record(), page_keys=["ex.com/a1", "ex.com/?p=1"], entry_keys=["link:ex.com/a1", "guid:ex|1"],
                       entry_updated="s1")
    assert store.known_entry(["guid:ex|1"]).page_key == "ex.com/a1"
    assert store.page("ex.com/?p=1").outcome == "stored"
    attempts = store.record_outcome(site="ex", url="https://ex.com/x", page_keys=["ex.com/x"], outcome="timeout",
                                    retry_at=0)
    assert attempts == 1
    assert store.record_outcome(site="ex", url="https://ex.com/x", page_keys=["ex.com/x"], outcome="timeout") == 2
    store.record_outcome(site="ex", url="https://ex.com/gone", page_keys=["ex.com/gone"], outcome="gone",
                         entry_keys=["link:ex.com/gone"])
    assert store.known_entry(["link:ex.com/gone"]) is not None  # final outcomes remember the entry
    assert store.known_entry(["link:ex.com/x"]) is None          # failures do not: they are retried
    assert store.page_outcomes() == {"stored": 2, "timeout": 1, "gone": 1}


def test_writer_lock(target):
    a = Store(target)
    a.lock()
    b = Store(target)
    with pytest.raises(StoreLocked, match="in use"):
        b.lock()
    a.close()
    b.lock()  # released with the first writer
    b.close()


def test_pending_exports_and_marking(store):
    store.save_article(record("a1"), page_keys=["k1"])
    store.save_article(record("a2"), page_keys=["k2"])
    assert [p.id for p in store.pending_exports()] == ["a1", "a2"]
    store.mark_exported([("a1", 1)], output="/x.jsonl", size=10)
    assert [p.id for p in store.pending_exports()] == ["a2"]
    assert store.output_size("/x.jsonl") == 10
    store.save_article(record("a1", body="new"), page_keys=["k1"])
    assert sorted(p.id for p in store.pending_exports()) == ["a1", "a2"]


# ---------------------------------------------------------------- named transitions

def test_due_feeds_record_poll_and_deferred_validators(store):
    from dataclasses import replace

    store.ensure_feeds([("ex", "https://ex.com/a"), ("ex", "https://ex.com/b")])
    urls = {"https://ex.com/a", "https://ex.com/b"}
    assert [f.url for f in store.due_feeds(urls, now=100.0)] == sorted(urls)       # new feeds are due
    polled = replace(store.feed("https://ex.com/a"), last_status="200", next_poll_at=500.0, polls=1, etag='"1"')
    store.record_poll(polled)
    assert [f.url for f in store.due_feeds(urls, now=100.0)] == ["https://ex.com/b"]
    assert len(store.due_feeds(urls, now=100.0, every=True)) == 2
    assert store.due_feeds({"https://ex.com/b"}, now=100.0, every=True)[0].url == "https://ex.com/b"
    assert store.feed("https://ex.com/a") == polled
    store.commit_validators("https://ex.com/a", {"etag": '"2"', "body_hash": "h"})
    state = store.feed("https://ex.com/a")
    assert (state.etag, state.body_hash, state.polls) == ('"2"', "h", 1)
    assert store.anything_due(urls, {"ex"}, now=100.0)
    assert not store.anything_due({"https://ex.com/a"}, {"ex"}, now=100.0)


def test_claim_once_per_crawl(store, tmp_path):
    assert store.claim("ex.com/a") and not store.claim("ex.com/a") and store.claim("ex.com/b")
    with Store(tmp_path / "s.sqlite3") as next_crawl:
        assert next_crawl.claim("ex.com/a")


def test_due_retries_are_typed_and_keep_the_entry(store):
    from crawler.items import FeedEntry
    from crawler.state import PAGE_MAX_ATTEMPTS

    entry = FeedEntry(feed_url="https://ex.com/feed", link="https://ex.com/x", tags=("a",))
    store.record_outcome(site="ex", url="https://ex.com/x", page_keys=["ex.com/x"], outcome="timeout",
                         retry_at=50.0, entry=entry)
    store.record_outcome(site="ex", url="https://ex.com/g", page_keys=["ex.com/g"], outcome="gone")
    (due,) = store.due_retries(100.0)
    assert (due.url, due.outcome, due.attempts, due.feed_entry) == ("https://ex.com/x", "timeout", 1, entry)
    assert store.due_retries(10.0) == [] and store.due_retries(100.0, sites=["other"]) == []
    assert store.anything_due(set(), {"ex"}, now=100.0)
    for _ in range(PAGE_MAX_ATTEMPTS):
        store.record_outcome(site="ex", url="https://ex.com/x", page_keys=["ex.com/x"], outcome="timeout",
                             retry_at=50.0)
    assert store.due_retries(100.0) == []  # attempts used up


def test_host_holds_keep_the_later_time_and_exports_never_go_back(store):
    store.hold_host("ex.com", 200.0, "HTTP 503 Retry-After")
    store.hold_host("ex.com", 150.0, "HTTP 429 Retry-After")
    assert store.host_holds(now=100.0) == {"ex.com": (200.0, "HTTP 429 Retry-After")}
    store.save_article(record("a1"), page_keys=["k1"])
    store.save_article(record("a1", body="v2"), page_keys=["k1"])
    store.mark_exported([("a1", 2)])
    store.mark_exported([("a1", 1)])  # a late mark of an older version
    assert store.pending_exports() == []
