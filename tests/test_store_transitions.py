"""The backfill, gap, cadence, site-template and fleet transitions of the store (issues 9, 8 and 12), each run on
SQLite and on the throwaway PostgreSQL server, through the same methods."""
from __future__ import annotations

import time

import pytest

from crawler.state import Candidate, SitemapDoc
from crawler.store import MIGRATIONS, Store


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    """A fresh store on SQLite or on a fresh database of the test PostgreSQL server."""
    target = tmp_path / "s.sqlite3" if request.param == "sqlite" else request.getfixturevalue("pg_url")
    with Store(target) as s:
        yield s


def test_every_migration_applied(store):
    assert store.schema_version == len(MIGRATIONS)
    for table in ("backfill_runs", "sitemaps", "candidates", "feed_marks", "gaps", "poll_starts", "stories",
                  "story_articles", "story_keys", "story_facts", "story_df", "story_merges", "alerts",
                  "deliveries", "workers"):
        assert store.db.has_table(table), table
    assert not store.db.has_table("no_such_table")


def test_backfill_run_resumes_until_finished(store):
    run, resumed = store.backfill_run("k", "window")
    assert run > 0 and not resumed
    assert store.backfill_run("k", "window") == (run, True)
    other, resumed = store.backfill_run("other", "window")
    assert other != run and not resumed
    store.finish_backfill_run(run)
    again, resumed = store.backfill_run("k", "window")
    assert again not in (run, other) and not resumed


def test_sitemaps_and_candidates_in_insertion_order_once_each(store):
    run, _ = store.backfill_run("k", "window")
    docs = [SitemapDoc(f"https://a.example/s{n}.xml", "a", "sitemap") for n in (3, 1, 2)]
    assert store.add_sitemaps(run, docs) == docs
    assert store.add_sitemaps(run, docs[:1]) == []  # already queued
    assert [d.url for d in store.sitemap_docs(run, state="pending")] == [d.url for d in docs]
    kid = SitemapDoc("https://a.example/kid.xml", "a", "sitemap", depth=1)
    cands = [Candidate(f"k{n}", "a", f"https://a.example/p{n}", None, "sitemap", st)
             for n, st in ((9, "due"), (2, "undated"), (5, "out"), (1, "due"))]
    kids, added = store.walked(run, docs[0].url, "walked", children=[kid, docs[1]], candidates=cands + cands[:1])
    assert kids == [kid] and added == cands
    assert [c.key for c in store.run_candidates(run)] == ["k9", "k2", "k1"]  # "out" is not fetched
    assert [c.key for c in store.run_candidates(run, ["out"])] == ["k5"]
    walked = store.sitemap_docs(run, state="walked")
    assert [d.url for d in walked] == [docs[0].url]
    assert [d.url for d in store.sitemap_docs(run)] == [*[d.url for d in docs], kid.url]


def test_feed_mark_keeps_the_newest(store):
    assert store.feed_mark("https://a.example/feed") is None
    store.mark_feed("https://a.example/feed", "a", None)
    assert store.feed_mark("https://a.example/feed").newest_published is None
    store.mark_feed("https://a.example/feed", "a", 200.0)
    store.mark_feed("https://a.example/feed", "a", 100.0)
    store.mark_feed("https://a.example/feed", "a", None)
    mark = store.feed_mark("https://a.example/feed")
    assert mark.newest_published == 200.0 and mark.site == "a"


def test_gaps_open_close_and_count(store):
    g1 = store.add_gap("a", "https://a.example/feed", 100.0)
    g2 = store.add_gap("a", None, 150.0)
    g3 = store.add_gap("b", "https://b.example/feed", 120.0)
    assert len({g1, g2, g3}) == 3
    assert [g.id for g in store.open_gaps()] == [g1, g2, g3]
    assert [g.id for g in store.open_gaps(["b"])] == [g3]
    store.close_gaps({g1: 4, g3: 0})
    assert [g.id for g in store.open_gaps()] == [g2]
    counts = store.gap_counts()
    assert counts == {"a": {"gaps": 2, "recovered": 4}, "b": {"gaps": 1, "recovered": 0}}
    assert all(type(v) is int for c in counts.values() for v in c.values())


def test_poll_starts_keep_the_latest(store):
    for n in range(8):
        store.note_poll_start("https://a.example/feed", 1000.0 + n, keep=5)
    store.note_poll_start("https://b.example/feed", 5.0)
    assert store.poll_starts("https://a.example/feed") == [1003.0, 1004.0, 1005.0, 1006.0, 1007.0]
    assert store.poll_starts("https://a.example/feed", last=2) == [1006.0, 1007.0]
    n = store.db.execute("SELECT count(*) FROM poll_starts WHERE feed_url=?", ("https://a.example/feed",))
    assert n.fetchone()[0] == 5


def test_next_due_feeds_and_retries(store):
    now = time.time()
    store.ensure_feeds([("a", "https://a.example/feed"), ("b", "https://b.example/feed")])
    store.db.execute("UPDATE feeds SET next_poll_at=? WHERE url=?", (now + 50, "https://a.example/feed"))
    store.db.execute("UPDATE feeds SET next_poll_at=? WHERE url=?", (now + 10, "https://b.example/feed"))
    feeds = {"https://a.example/feed"}
    assert store.next_due(feeds, {"a"}, now + 100) == pytest.approx(now + 50)
    assert store.next_due(feeds, {"a"}, now + 20) is None
    store.record_outcome(site="a", url="https://a.example/p", page_keys=["a/p"], outcome="error", retry_at=now + 30)
    assert store.next_due(feeds, {"a"}, now + 100) == pytest.approx(now + 30)
    assert store.next_due(set(), {"b"}, now + 100) is None


def test_fleet_roster(store):
    now = 1000.0
    store.join_fleet("w1", "h", 1, None, now)
    store.join_fleet("w2", "h", 2, None, now + 1)
    store.site_done("w2")
    store.leave_fleet("w2", now + 5)
    fleet = {w["id"]: w for w in store.fleet()}
    assert fleet["w2"]["sites_done"] == 1 and fleet["w2"]["state"] == "stopped" and fleet["w2"]["heartbeat"] == now + 5
    assert fleet["w1"]["state"] == "lost" and fleet["w1"]["sites"] == []  # no procrastinate worker behind it
    assert not store.db.has_table("site_leases")  # v8: the leases gave way to procrastinate's jobs
    assert store.db.has_table("procrastinate_jobs") == store.is_server  # its schema on PostgreSQL only
    assert store.fleet_pending() == 0 and store.fleet_queue() == {}
    store.join_fleet("w3", "h", 3, None, now + 5 + 86401)  # a day later: w2's stopped row goes
    assert [w["id"] for w in store.fleet()] == ["w1", "w3"]


def test_site_templates_count_distinct_pages_and_correct_unexported(store):
    for page in ("a", "b", "b", "c"):
        store.learn_template("x", page, {"fp1": "Subscribe to our newsletter", f"fp-{page}": f"only on {page}"})
    store.learn_template("y", "z", {"fp1": "Subscribe to our newsletter"})
    assert store.template_counts("x", ["fp1", "fp-b", "nothing"]) == ({"fp1": 3, "fp-b": 1}, 3)
    assert store.template_counts("x", []) == ({}, 3)
    assert store.site_template("x", 3) == [("Subscribe to our newsletter", 3)]
    assert store.site_template("x", 1) == [("Subscribe to our newsletter", 3), ("only on a", 1), ("only on b", 1),
                                           ("only on c", 1)]
    from crawler.items import Article

    art = Article(id="a1", url="https://x.test/1", site="x", title="T", authors=[], published=None, updated=None,
                  lang="en", tags=[], body="Body.\n\nSubscribe to our newsletter", fetched_at="2026-12-07T10:00:00+00:00",
                  version=1, content_hash="h1")
    store.save_article(art, page_keys=["x/1"])
    assert store.unexported_article("a1").body == art.body
    from dataclasses import replace

    store.correct_article(replace(art, body="Body.", content_hash="h2"))
    assert store.article("a1").body == "Body." and store.unexported_article("a1").version == 1
    store.mark_exported([("a1", 1)])
    assert store.unexported_article("a1") is None
