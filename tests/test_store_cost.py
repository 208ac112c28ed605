"""What storing an article costs the crawl's process, pinned (issue 12).

* one SQLite connection per file and thread, shared by the process's stores;
* group commit (``Database.hold_commits``): one commit per group of transactions, each
  transaction a savepoint that rolls back alone, the group committed on its timer, before an
  export and on close;
* the statements one stored article costs (a sqlite3 trace callback counts them);
* the export reuses the stored JSON text and re-encodes a record of an older version;
* kill -9 of a crawl while a group is open: the next crawl fetches again what the group held,
  so every article ends up stored and exported exactly once.
"""
from __future__ import annotations

import asyncio
import json
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from conftest import REPO, load_web, write_sites_file
from stories_samples import HIMARS_PL, HIMARS_PL_FR, HIMARS_RO, NK_FRI, NK_TUE, UNRELATED, rec

from crawler.items import Article
from crawler.store import Store

sys.path.insert(0, str(REPO / "bench"))
from genweb import generate  # noqa: E402

SAMPLES = [HIMARS_PL, HIMARS_RO, HIMARS_PL_FR, NK_TUE, NK_FRI, UNRELATED]


def save_all(store: Store, n: int = len(SAMPLES), prefix: str = "a") -> None:
    for i in range(n):
        record = rec(f"{prefix}{i}", SAMPLES[i % len(SAMPLES)], f"2024-03-1{i % 10}T15:00:00+00:00", f"s{i}")
        store.save_article(record, page_keys=[f"s{i}/{prefix}{i}"], entry_keys=[f"link:s{i}/{prefix}{i}"],
                           feed_url=f"http://s{i}/feed")


def traced(store: Store) -> list[str]:
    """Every statement the store's connection runs from now on (executemany: one per row)."""
    seen: list[str] = []
    store.db.conn.set_trace_callback(seen.append)
    return seen


def committed_articles(path: Path) -> int:
    with Store(path, readonly=True) as reader:
        return int(reader.db.execute("SELECT count(*) FROM articles").fetchone()[0])


# ---------------------------------------------------------------- one connection per file and thread

def test_stores_of_one_file_share_one_connection_per_thread(tmp_path):
    path = tmp_path / "s.sqlite3"
    one, two = Store(path), Store(tmp_path / "." / "s.sqlite3")
    assert one.db is two.db
    one.close()
    one.close()  # closing twice must not close the connection under the other store
    save_all(two, 1)
    assert committed_articles(path) == 1
    other: list[object] = []
    thread = threading.Thread(target=lambda: other.append(Store(path).db))
    thread.start()
    thread.join()
    assert other[0] is not two.db  # sqlite3 connections belong to their thread
    two.close()
    with Store(path) as three:  # the last close closed it: a new one opens
        assert three.db is not two.db and three.counts()["articles"] == 1


# ---------------------------------------------------------------- group commit

def test_a_group_of_articles_commits_once(tmp_path):
    path = tmp_path / "s.sqlite3"

    async def crawl() -> tuple[list[str], int, int]:
        with Store(path) as store:
            store.db.hold_commits(60)
            seen = traced(store)
            save_all(store)
            before = committed_articles(path)
            store.db.release_commits()
            return seen, before, committed_articles(path)

    seen, before, after = asyncio.run(crawl())
    kinds = Counter(s.split()[0] for s in seen)
    assert (before, after) == (0, len(SAMPLES))  # nothing is visible, nor durable, before the commit
    assert kinds["COMMIT"] == 1 and kinds["BEGIN"] == 1
    assert kinds["SAVEPOINT"] == kinds["RELEASE"] == len(SAMPLES)


def test_without_a_group_each_article_commits_alone(tmp_path):
    path = tmp_path / "s.sqlite3"
    with Store(path) as store:
        store.db.hold_commits(60)  # no running event loop to commit a group: not held
        seen = traced(store)
        save_all(store, 2)
        assert committed_articles(path) == 2
    assert Counter(s.split()[0] for s in seen)["COMMIT"] == 2


def test_the_group_commits_on_its_timer(tmp_path):
    path = tmp_path / "s.sqlite3"

    async def crawl() -> tuple[int, int]:
        with Store(path) as store:
            store.db.hold_commits(0.05)
            save_all(store, 1)
            before = committed_articles(path)
            await asyncio.sleep(0.3)
            return before, committed_articles(path)

    assert asyncio.run(crawl()) == (0, 1)


def test_a_failed_transaction_rolls_back_alone_inside_a_group(tmp_path):
    path = tmp_path / "s.sqlite3"

    async def crawl() -> None:
        with Store(path) as store:
            store.db.hold_commits(60)
            save_all(store, 1, prefix="before")
            with pytest.raises(RuntimeError):
                with store.transaction():
                    store.hold_host("example.com", time.time() + 60, "test")
                    raise RuntimeError("a bug in the middle of a transition")
            save_all(store, 1, prefix="after")
            store.db.release_commits()

    asyncio.run(crawl())
    with Store(path, readonly=True) as store:
        assert store.host_holds() == {}
        ids = {r[0] for r in store.db.execute("SELECT id FROM articles")}
        assert ids == {"before0", "after0"}


def test_an_export_commits_the_group_before_writing(tmp_path):
    from crawler.export import append_pending

    path, out = tmp_path / "s.sqlite3", tmp_path / "out.jsonl"

    async def crawl() -> int:
        with Store(path) as store:
            store.db.hold_commits(60)
            save_all(store, 3)
            n = append_pending(store, out)
            # What is in the file is in the store, committed: a crash now loses neither.
            assert committed_articles(path) == 3
            return n

    assert asyncio.run(crawl()) == 3
    assert len(out.read_text().splitlines()) == 3


# ---------------------------------------------------------------- statements per article

def test_statements_per_stored_article(tmp_path):
    """Pinned from the measured counts: a change that adds a statement to every article shows here."""
    with Store(tmp_path / "s.sqlite3") as store:
        save_all(store, 1, prefix="warm")
        seen = traced(store)
        save_all(store)
    kinds = Counter(_kind(s) for s in seen)
    n = len(SAMPLES)
    assert kinds["INSERT INTO articles"] == kinds["INSERT INTO versions"] == n
    assert kinds["BEGIN"] == kinds["COMMIT"] == n
    # The story index's rows (one per LSH band, fact posting and fact) are data; the other
    # statements are the overhead of one stored article.
    index_rows = kinds["INSERT INTO story_keys"] + kinds["INSERT INTO story_facts"] + kinds["INSERT INTO story_df"]
    assert (len(seen) - index_rows) / n <= 19, kinds


def _kind(statement: str) -> str:
    m = re.match(r"\s*(INSERT INTO \w+|UPDATE \w+|DELETE FROM \w+|SELECT|BEGIN|COMMIT|SAVEPOINT|RELEASE|ROLLBACK)",
                 statement)
    return m.group(1) if m else statement[:30]


# ---------------------------------------------------------------- export

def test_export_reuses_the_stored_text_and_re_encodes_older_records(tmp_path):
    with Store(tmp_path / "s.sqlite3") as store:
        save_all(store, 2)
        first, second = store.pending_exports()
        assert first.line() == first.record == first.article.to_json()
        # A record written by a version without ``story_size``: exported with today's fields.
        old = json.loads(second.record)
        del old["story_size"]
        store.db.execute("UPDATE articles SET record=? WHERE id=?", (json.dumps(old), second.id))
        again = store.pending_exports()[1]
        assert again.line() == Article.from_json(json.dumps(old)).to_json() != again.record
        assert json.loads(again.line())["story_size"] == 0


# ---------------------------------------------------------------- kill -9 inside an open group

def test_kill_9_of_a_crawl_loses_nothing_its_next_crawl_does_not_fetch_again(tmp_path):
    import mockweb

    root = generate(tmp_path / "web", sites=6, articles=60)
    sites = load_web(root)
    db, out = tmp_path / "store.sqlite3", tmp_path / "out.jsonl"
    handle = mockweb.start(str(root), port=0)
    try:
        sites_file = write_sites_file(tmp_path / "sites.toml", handle, sites)
        cmd = [sys.executable, "-m", "crawler", "crawl", "--sites", str(sites_file), "--db", str(db), "--out", str(out)]
        proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        stored = 0
        while time.monotonic() < deadline and proc.poll() is None:
            if db.exists():
                try:
                    stored = committed_articles(db)
                except Exception:  # noqa: BLE001 - the store is being created
                    stored = 0
            if stored >= 30:
                break
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert 30 <= stored < 360, "the kill must land mid-crawl"
        again = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=300)
        assert again.returncode == 0, again.stderr[-2000:]
    finally:
        handle.stop()
    lines = out.read_bytes()
    assert lines.endswith(b"\n") and b"\x00" not in lines
    records = [json.loads(line) for line in lines.decode().splitlines()]
    expected = {(sid, t["path"].rstrip("/")) for sid, site in sites.items() for t in site["truth"]}
    got = Counter((r["site"], "/" + r["url"].split("/", 3)[3].rstrip("/")) for r in records)
    assert [k for k, n in got.items() if n > 1] == [], "an article exported twice"
    assert set(got) == expected, (sorted(expected - set(got))[:5], sorted(set(got) - expected)[:5])
    assert committed_articles(db) == len(expected)


# ---------------------------------------------------------------- the template pipeline's closing sweep

def test_the_closing_sweep_reads_only_the_records_it_may_correct(tmp_path):
    from scrapy.utils.test import get_crawler

    from crawler.config import AppConfig
    from crawler.items import ArticlePage, FetchedPage
    from crawler.settings import build_settings
    from pipelines.template import TemplatePipeline

    promo = "Join our readers club for weekly briefings"
    db = tmp_path / "s.db"
    crawler = get_crawler(settings_dict=build_settings(AppConfig(), store=db))
    pipe = TemplatePipeline.from_crawler(crawler)
    para = "The port authority said the new berths would open next year, officials said on {day}."
    passed = []
    for site, n in (("x", 4), ("y", 3)):
        for i, day in enumerate(("Monday", "Tuesday", "Wednesday", "Thursday")[:n]):
            body = f"{para.format(day=day)}\n\n{para.format(day=day)} More {site}." + (f"\n\n{promo}" if site == "x" else "")
            article = Article(id=f"{site}{i}", url=f"https://{site}.test/{i}", site=site, title="T", authors=[],
                              published=None, updated=None, lang="en", tags=[], body=body,
                              fetched_at="2026-12-07T10:00:00+00:00")
            page = FetchedPage(site=site, url=article.url, body=b"", content_type="text/html", entry=None, keys=[],
                               feed_url=None)
            passed.append(pipe.process_item(ArticlePage(page=page, kind="article", article=article, keys=[])).article)
    with Store(db) as store:
        for article in passed:
            store.save_article(article, page_keys=[article.id])
        # y2 changed in the store after it passed: its record is read again.
        store.db.execute("UPDATE articles SET content_hash='changed' WHERE id='y2'")
    seen = traced(pipe.store)
    pipe.close_spider()
    read = sorted(s.split("id='")[1][:2] for s in seen if s.startswith("SELECT record FROM articles"))
    assert read == ["x0", "x1", "x2", "x3", "y2"]  # y0, y1: no block of theirs is template
    assert crawler.stats.get_value("defwatch/template/swept") == 2
    with Store(db) as store:
        assert [promo in store.article(f"x{i}").body for i in range(4)] == [False] * 4


@pytest.fixture(params=["sqlite", "postgresql"])
def db_target(request, tmp_path):
    """Where the store lives: a SQLite file, or a fresh database on the test PostgreSQL server."""
    return tmp_path / "s.sqlite3" if request.param == "sqlite" else request.getfixturevalue("pg_url")


def test_unexported_hashes_and_group_commit_on_both_backends(db_target):
    async def crawl() -> None:
        with Store(db_target) as store:
            store.db.hold_commits(60)  # PostgreSQL: each transaction still commits alone
            save_all(store, 3)
            store.mark_exported([("a0", 1)])
            hashes = store.unexported_hashes(["a0", "a1", "a2", "nothing"])
            assert sorted(hashes) == ["a1", "a2"]
            assert hashes["a1"] == store.article("a1").content_hash
            store.db.release_commits()

    asyncio.run(crawl())
    with Store(db_target) as store:
        assert store.counts()["articles"] == 3
