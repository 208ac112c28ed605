"""Alerts in the store (events, ids, one transaction with the article) and the sinks, against a
real HTTP receiver on 127.0.0.1 (503, refused connections, hangs) and a real JSONL file. The tests
that take ``target`` (or ``store``) run on SQLite and on the throwaway PostgreSQL server."""
from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from pathlib import Path

import pytest
from alerts_receiver import Receiver

from crawler.alerts import AlertHook, alert_id, dry_run
from crawler.items import Article
from crawler.sinks import deliver, deliver_jsonl
from crawler.store import Store
from crawler.watchlists import Sink, WatchConfig, Watchlist

K2 = Watchlist(id="k2", name="K2 tanks", terms=("K2", "Black Panther"), exclude=("K2 mountain",))
LASERS = Watchlist(id="lasers", name="Lasers", terms=("laser",), all=("drone",))


def record(aid: str, title: str, body: str = "", story: str | None = None, **kw) -> dict:
    rec = {"id": aid, "url": f"https://ex.com/{aid}", "site": "ex", "title": title, "authors": [], "body": body,
           "content_hash": str(hash((title, body))), "fetched_at": "2024-10-24T10:00:00+00:00", "updated": None,
           "published": "2024-10-24T09:00:00+00:00", "lang": "en", "tags": [], **kw}
    if story:
        rec["story"] = story
    return rec


def save(store: Store, rec: dict) -> tuple[str, int]:
    """Store ``rec`` through ``save_article`` (its story, if any, is the store's to decide)."""
    return store.save_article(Article.from_dict(rec), page_keys=[rec["id"]])


@pytest.fixture
def sinks(tmp_path) -> tuple[Sink, ...]:
    return (Sink("jsonl", str(tmp_path / "alerts.jsonl")), Sink("jsonl", str(tmp_path / "new.jsonl"), events=("new",)))


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request, tmp_path):
    """Where the store lives: a SQLite file, or a fresh database on the test PostgreSQL server."""
    return tmp_path / "db.sqlite3" if request.param == "sqlite" else request.getfixturevalue("pg_url")


@pytest.fixture
def store(target, tmp_path, sinks):
    s = Store(target)
    AlertHook(WatchConfig(tmp_path / "wl.toml", (K2, LASERS), sinks)).install(s)
    yield s
    s.close()


def put(store: Store, rec: dict) -> str:
    """Store ``rec`` with the story it names and run the alert hook, as save_article does.

    Which story an article joins is issue 10's job (and its clustering overrides a record's
    ``story`` in save_article); these tests pin the alert logic for given stories.
    """
    with store.transaction():
        row = store.db.execute("SELECT version, content_hash FROM articles WHERE id=?", (rec["id"],)).fetchone()
        if row and row["content_hash"] == rec["content_hash"]:
            return "unchanged"
        action, version = ("updated", row["version"] + 1) if row else ("new", 1)
        rec = {**rec, "version": version}
        store.db.execute(
            "INSERT INTO articles(id, site, url, version, content_hash, published, fetched_at, record) "
            "VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET version=excluded.version, "
            "content_hash=excluded.content_hash, record=excluded.record",
            (rec["id"], rec["site"], rec["url"], version, rec["content_hash"], rec["published"], rec["fetched_at"],
             json.dumps(rec)))
        store.on_article(store, rec["id"], action, version)
    return action


def alerts_of(store: Store) -> list[dict]:
    return store.alerts()


def events(store: Store) -> list[tuple[str, str, str]]:
    return [(a["watchlist"], a["article_id"], a["event"]) for a in alerts_of(store)]


def test_new_also_reported_updated_per_story(store):
    put(store, record("a1", "Poland gets K2 tanks", story="s1"))
    put(store, record("a2", "K2 deliveries to Poland", story="s1"))
    put(store, record("a3", "More Black Panther tanks", story="s1"))
    put(store, record("a4", "An unrelated story"))
    assert put(store, record("a1", "Poland gets K2 tanks", story="s1")) == "unchanged"
    put(store, record("a2", "K2 deliveries to Poland (edited)", story="s1"))
    put(store, record("a3", "A story about something else", story="s1"))     # no longer matches
    put(store, record("a5", "Korea's K2 exports", story="a5"))              # another story
    put(store, record("a2", "K2 deliveries to Poland (edited twice)", story="s1"))
    assert events(store) == [("k2", "a1", "new"), ("k2", "a2", "also-reported"), ("k2", "a3", "also-reported"),
                             ("k2", "a2", "updated"), ("k2", "a5", "new"), ("k2", "a2", "updated")]
    assert len({a["alert_id"] for a in alerts_of(store)}) == 6     # one id per (article, version, event)


def test_through_save_article_the_story_is_the_stored_one(store):
    save(store, record("a1", "Poland gets K2 tanks"))
    save(store, record("a1", "Poland gets K2 tanks"))           # unchanged: no alert
    save(store, record("a2", "A second K2 contract for Poland"))
    stored = {aid: store.article(aid).to_dict() for aid in ("a1", "a2")}
    alerts = alerts_of(store)
    assert [(a["article_id"], a["story"]) for a in alerts] == [(aid, stored[aid].get("story") or aid)
                                                                for aid in ("a1", "a2")]
    same_story = alerts[0]["story"] == alerts[1]["story"]
    assert [a["event"] for a in alerts] == ["new", "also-reported" if same_story else "new"]


def test_an_edit_that_starts_to_match_is_a_first_alert(store):
    save(store, record("a1", "Tanks for Poland", story="s1"))
    save(store, record("a1", "K2 tanks for Poland", story="s1"))
    assert events(store) == [("k2", "a1", "new")]
    assert alerts_of(store)[0]["alert_id"] == alert_id("k2", "a1", 2, "new")


def test_all_and_exclude_rule_out_look_alikes(store):
    save(store, record("a1", "Climbers return from K2 mountain"))
    save(store, record("a2", "Army wants lasers", body="A laser weapon for ships."))
    save(store, record("a3", "Army wants lasers", body="A laser against every drone."))
    assert events(store) == [("lasers", "a3", "new")]


def test_alert_fields_and_sink_subscriptions(store, sinks):
    put(store, record("a1", "K2 tanks", body="Poland signs for 180 K2 tanks.", story="s1"))
    put(store, record("a2", "K2 tanks again", story="s1"))
    alert = alerts_of(store)[0]
    assert set(alert) == {"alert_id", "watchlist", "article_id", "url", "site", "title", "published", "matched",
                          "snippet", "story", "event", "created_at"}
    assert alert["matched"] == ["K2"] and alert["snippet"] == "K2 tanks" and alert["story"] == "s1"
    assert alert["alert_id"] == alert_id("k2", "a1", 1, "new")
    everything, only_new = sinks
    assert [p.alert["event"] for p in store.pending_alerts(everything.key)] == ["new", "also-reported"]
    assert [p.alert["event"] for p in store.pending_alerts(only_new.key)] == ["new"]


def test_one_new_per_story_is_enforced_by_the_schema(store):
    save(store, record("a1", "K2 tanks"))
    story = alerts_of(store)[0]["story"]
    with pytest.raises(store.db.errors, match="(?i)unique"):
        store.db.execute("INSERT INTO alerts(alert_id, watchlist, article_id, version, story, event, created_at, alert) "
                         "VALUES ('x', 'k2', 'a9', 1, ?, 'new', 0, '{}')", (story,))


def test_alerts_commit_with_the_article_or_not_at_all(target):
    store = Store(target)

    def broken(*args):
        raise RuntimeError("crash in the middle of the transaction")

    store.on_article = broken
    with pytest.raises(RuntimeError):
        save(store, record("a1", "K2 tanks"))
    assert store.article("a1") is None and store.page("a1") is None
    store.close()


def test_a_v2_store_migrates_through_the_reserved_versions(tmp_path, monkeypatch):
    import crawler.store as store_module

    db = sqlite3.connect(tmp_path / "old.sqlite3", isolation_level=None)
    for number, script in enumerate(store_module.MIGRATIONS[:2], 1):
        db.executescript(f"BEGIN IMMEDIATE;{script};PRAGMA user_version={number};COMMIT;")
    db.close()
    # A schema that ends on a reserved (comment-only) step commits that step's number too.
    monkeypatch.setattr(store_module, "MIGRATIONS", store_module.MIGRATIONS[:3])
    store = Store(tmp_path / "old.sqlite3")
    assert store.schema_version == 3 and not store.db.conn.in_transaction
    store.close()
    monkeypatch.undo()
    store = Store(tmp_path / "old.sqlite3")
    assert store.schema_version == len(store_module.MIGRATIONS) >= 5
    assert store.alerts_ready() and not store.db.conn.in_transaction
    store.close()


def test_dry_run_takes_records_in_publication_order():
    cfg = WatchConfig(Path("wl.toml"), (K2,))
    recs = [record("late", "K2 tanks", story="s", published="2024-10-25T00:00:00+00:00"),
            record("early", "K2 tanks", story="s", published="2024-10-24T00:00:00+00:00"),
            record("other", "Nothing here")]
    assert [(a["article_id"], a["event"]) for a in dry_run(cfg, recs)] == [("early", "new"), ("late", "also-reported")]


# ---------------------------------------------------------------- jsonl sink

def test_jsonl_sink_cuts_what_a_crash_left_and_appends_each_alert_once(store, sinks):
    sink = sinks[0]
    put(store, record("a1", "K2 tanks", story="s1"))
    assert deliver_jsonl(store, sink) == 1
    put(store, record("a2", "K2 tanks", story="s1"))
    # A run wrote a2's alert and a torn line, then died before marking them delivered.
    with open(sink.target, "a") as fh:
        fh.write(json.dumps(store.pending_alerts(sink.key)[0].alert) + "\n{\"alert_id\": \"to")
    assert deliver_jsonl(store, sink) == 1
    assert deliver_jsonl(store, sink) == 0
    lines = [json.loads(line) for line in Path(sink.target).read_text().splitlines()]
    assert [(a["article_id"], a["event"]) for a in lines] == [("a1", "new"), ("a2", "also-reported")]
    assert store.output_size(sink.target) == Path(sink.target).stat().st_size


# ---------------------------------------------------------------- webhook sink, real receiver

@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.stop()


def webhook_store(tmp_path, receiver, target=None, **sink_kw) -> tuple[Store, Sink]:
    sink = Sink("webhook", receiver.url, **sink_kw)
    store = Store(target or tmp_path / "hook.sqlite3")
    AlertHook(WatchConfig(tmp_path / "wl.toml", (K2,), (sink,))).install(store)
    return store, sink


def test_webhook_posts_each_alert_with_its_idempotency_key(tmp_path, receiver):
    store, sink = webhook_store(tmp_path, receiver)
    for i in range(3):
        put(store, record(f"a{i}", "K2 tanks", story="s1"))
    assert asyncio.run(deliver(store, [sink], budget=10)) == {sink.key: 3}
    assert [k for k, _ in receiver.posts] == [a["alert_id"] for a in alerts_of(store)]
    assert [a["event"] for _, a in receiver.posts] == ["new", "also-reported", "also-reported"]
    assert asyncio.run(deliver(store, [sink], budget=10)) == {sink.key: 0}
    assert len(receiver.posts) == 3
    store.close()


def test_webhook_503_then_refused_then_back_loses_nothing(tmp_path, receiver, target):
    store, sink = webhook_store(tmp_path, receiver, target, max_backoff=0.2)
    put(store, record("a0", "K2 tanks", story="s1"))
    receiver.mode = "503"
    assert asyncio.run(deliver(store, [sink], budget=5)) == {sink.key: 0}
    assert receiver.refused_503 == 1                      # a down sink is asked once per round
    (queue,) = store.alert_queues()
    assert queue.pending == 1 and queue.last_error == "HTTP 503" and queue.attempts == 1
    receiver.down()
    put(store, record("a1", "K2 tanks", story="s1"))
    time.sleep(0.3)
    assert asyncio.run(deliver(store, [sink], budget=5)) == {sink.key: 0}
    (queue,) = store.alert_queues()
    assert queue.pending == 2 and queue.last_error.startswith("connection-error")
    # The store is reopened (a restart): the queue is still there.
    store.close()
    store, sink = webhook_store(tmp_path, receiver, target, max_backoff=0.2)
    receiver.mode = "ok"
    receiver.up()
    time.sleep(0.3)
    assert asyncio.run(deliver(store, [sink], budget=5)) == {sink.key: 2}
    assert [(a["article_id"], a["event"]) for a in receiver.alerts()] == [("a0", "new"), ("a1", "also-reported")]
    (queue,) = store.alert_queues()
    assert queue.pending == 0 and queue.delivered == 2
    store.close()


def test_webhook_backs_off_exponentially(tmp_path, receiver):
    store, sink = webhook_store(tmp_path, receiver, max_backoff=1000)
    save(store, record("a0", "K2 tanks"))
    receiver.mode = "503"
    waits = []
    for _ in range(4):
        store.db.execute("UPDATE deliveries SET next_at=0")  # due now; the failure sets the next wait
        before = time.time()
        asyncio.run(deliver(store, [sink], budget=5))
        waits.append(round(store.db.execute("SELECT next_at FROM deliveries").fetchone()[0] - before))
    assert waits == [1, 2, 4, 8]
    store.close()


def test_hanging_webhook_is_bounded_by_timeout_and_budget(tmp_path, receiver):
    store, sink = webhook_store(tmp_path, receiver, timeout=0.5)
    save(store, record("a0", "K2 tanks"))
    receiver.mode = "hang"
    receiver.hang_seconds = 5
    started = time.monotonic()
    assert asyncio.run(deliver(store, [sink], budget=2)) == {sink.key: 0}
    assert time.monotonic() - started < 2.5
    assert store.alert_queues()[0].last_error.startswith(("timeout", "connection-error"))
    store.close()


def test_refused_alert_is_set_aside_after_repeated_4xx(tmp_path, receiver, target):
    store, sink = webhook_store(tmp_path, receiver, target, max_backoff=0.01)
    save(store, record("a0", "K2 tanks"))
    save(store, record("a1", "K2 tanks"))
    receiver.mode = "ok"
    # The receiver refuses a0 for good (400); a1 must still get through.
    original = receiver._server.RequestHandlerClass.do_POST

    def refuse_a0(handler):
        if handler.headers["Idempotency-Key"] == alert_id("k2", "a0", 1, "new"):
            handler.rfile.read(int(handler.headers["Content-Length"]))
            handler.send_response(400)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        original(handler)

    receiver._server.RequestHandlerClass.do_POST = refuse_a0
    for _ in range(6):
        asyncio.run(deliver(store, [sink], budget=5))
        time.sleep(0.02)
    assert [a["article_id"] for a in receiver.alerts()] == ["a1"]
    (queue,) = store.alert_queues()
    assert queue.pending == 0 and queue.rejected == 1 and queue.delivered == 1
    store.close()


def test_apprise_sink_delivers_through_apprise_and_retries(tmp_path, receiver):
    # apprise's json:// service POSTs the notification to any URL: here the real receiver.
    sink = Sink("apprise", f"json://127.0.0.1:{receiver.port}/hook", max_backoff=0.01)
    store = Store(tmp_path / "apprise.sqlite3")
    AlertHook(WatchConfig(tmp_path / "wl.toml", (K2,), (sink,))).install(store)
    save(store, record("a0", "K2 tanks for Poland", body="Poland signs for 180 K2 tanks."))
    receiver.mode = "503"
    assert asyncio.run(deliver(store, [sink], budget=10)) == {sink.key: 0}
    assert receiver.refused_503 >= 1 and store.alert_queues()[0].pending == 1
    receiver.mode = "ok"
    time.sleep(0.05)
    assert asyncio.run(deliver(store, [sink], budget=10)) == {sink.key: 1}
    ((_, payload),) = receiver.posts
    assert "[k2] new: K2 tanks for Poland" in payload["title"]
    assert "matched: K2" in payload["message"] and "https://ex.com/a0" in payload["message"]
    store.close()


def test_a_crawl_tries_a_backing_off_sink_at_once(tmp_path, receiver):
    store, sink = webhook_store(tmp_path, receiver, max_backoff=1000)
    put(store, record("a0", "K2 tanks"))
    receiver.mode = "503"
    for _ in range(5):   # five failures: the head now waits 16 s
        asyncio.run(deliver(store, [sink], budget=5, now_first=True))
    assert store.alert_queues()[0].attempts == 5
    receiver.mode = "ok"
    assert asyncio.run(deliver(store, [sink], budget=5)) == {sink.key: 0}                  # a daemon round waits
    assert asyncio.run(deliver(store, [sink], budget=5, now_first=True)) == {sink.key: 1}  # a crawl does not
    store.close()
