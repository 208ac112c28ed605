"""``defwatch backfill`` in a subprocess over the eight sitemap layouts of web-sitemaps.

Checks the contract: exactly the in-window, robots-allowed articles become records (with
``found_via``), no page the sitemaps date outside the window is fetched, robots.txt is obeyed,
a re-run fetches no article page, and a run killed with SIGKILL resumes without duplicates.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from backfill_web import (
    ARCHIVE_SITES,
    NOT_ARTICLE_PATHS,
    WEB_SITEMAPS,
    article_requests,
    in_window,
    load,
    record_keys,
    truth_by_path,
)
from conftest import REPO, run_cli, write_sites_file

SINCE, UNTIL = "2026-10-25", "2026-11-25"
T_SINCE = datetime(2026, 10, 25, tzinfo=UTC)
T_UNTIL = datetime(2026, 11, 25, tzinfo=UTC)


@pytest.fixture(scope="module")
def web():
    import mockweb

    handle = mockweb.start(str(WEB_SITEMAPS), port=0)
    handle.set_epoch(2)
    yield handle
    handle.stop()


@pytest.fixture(scope="module")
def sites():
    return load()


@pytest.fixture(scope="module")
def backfilled(web, sites, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("backfill")
    web.clear_log()
    sites_file = write_sites_file(tmp / "sites.toml", web, sites)
    db, out = tmp / "db.sqlite3", tmp / "out.jsonl"
    run = run_cli("backfill", "--sites", sites_file, "--db", db, "--since", SINCE, "--until", UNTIL, "--out", out)
    assert run.returncode == 0, run.stderr[-3000:]
    log = web.log()
    web.clear_log()
    rerun = run_cli("backfill", "--sites", sites_file, "--db", db, "--since", SINCE, "--until", UNTIL,
                    "--out", tmp / "again.jsonl")
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    return {"run": run, "log": log, "out": out, "again": tmp / "again.jsonl", "relog": web.log(), "db": db}


def expected(sites) -> set[tuple[str, str]]:
    return {k for k, t in truth_by_path(sites).items()
            if in_window(t, T_SINCE, T_UNTIL) and not t["robots_disallowed"] and t["is_article"]}


def test_collects_exactly_the_in_window_articles(backfilled, web, sites):
    keys = record_keys(web, backfilled["out"])
    assert [k for k, n in Counter(keys).items() if n > 1] == []
    assert sorted(expected(sites) - set(keys)) == []
    assert sorted(set(keys) - expected(sites)) == []
    # every layout contributed (sitemap indexes, gzip, news, WordPress, Yoast, partitions, archives)
    assert {sid for sid, _ in keys} == set(sites)


def test_records_say_how_they_were_found(backfilled):
    for line in backfilled["out"].read_text().splitlines():
        record = json.loads(line)
        assert record["found_via"] == ("archive" if record["site"] in ARCHIVE_SITES else "sitemap")
        assert record["title"] and record["body"]


def test_no_page_dated_outside_the_window_is_fetched(backfilled, sites):
    truths = truth_by_path(sites)
    for key in article_requests(backfilled["log"], truths):
        t = truths[key]
        if in_window(t, T_SINCE, T_UNTIL):
            continue
        # only a page the sitemap gave no date may be fetched outside the window (then dropped);
        # a date in its path still bounds it to the window's edge days
        assert t["sitemap_date"] is None, f"{key} dated {t['sitemap_date']} by its sitemap was fetched"
        when = datetime.fromisoformat(t["published"])
        if "/2026/" in key[1]:
            assert T_SINCE - timedelta(days=2) < when < T_UNTIL + timedelta(days=2), key


def test_robots_and_non_articles_respected(backfilled, sites):
    truths = truth_by_path(sites)
    fetched = set(article_requests(backfilled["log"], truths))
    assert [k for k in fetched if truths[k]["robots_disallowed"]] == []
    asked = [e["path"] for e in backfilled["log"]]
    assert [p for p in asked if any(part in p for part in NOT_ARTICLE_PATHS)] == []
    assert [k for k, n in Counter(article_requests(backfilled["log"], truths)).items() if n > 1] == []


def test_walks_archives_only_where_there_is_no_sitemap(backfilled):
    archive_hits = {(e["site"], e["query"]) for e in backfilled["log"] if "paged=" in e["query"]}
    assert archive_hits == {("foxtrotarchive", "paged=2")}  # paged=3 holds only posts older than --since
    atom = [e["path"] for e in backfilled["log"] if e["site"] == "golfatom" and e["path"].startswith("/archive/")]
    assert atom == ["/archive/1.atom"]


def test_summary_lists_every_site(backfilled, sites):
    for sid in sites:
        assert sid in backfilled["run"].stdout
    assert "in-window candidates" in backfilled["run"].stdout


def test_rerun_fetches_no_article_page(backfilled, web, sites):
    truths = truth_by_path(sites)
    assert article_requests(backfilled["relog"], truths) == []
    assert sorted(record_keys(web, backfilled["again"])) == sorted(record_keys(web, backfilled["out"]))


def test_kill9_then_resume_completes_without_duplicates(web, sites, tmp_path):
    import sqlite3

    web.clear_log()
    sites_file = write_sites_file(tmp_path / "sites.toml", web, sites)
    db = tmp_path / "db.sqlite3"
    args = [sys.executable, "-m", "crawler", "backfill", "--sites", str(sites_file), "--db", str(db),
            "--since", SINCE, "--until", UNTIL, "--no-progress"]
    truths = truth_by_path(sites)
    proc = subprocess.Popen(args, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline and len(article_requests(web.log(), truths)) < 12:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    first = article_requests(web.log(), truths)
    assert 0 < len(first) < len(expected(sites)), "the kill must land mid-backfill"
    with sqlite3.connect(db) as con:
        stored_before = {r[0] for r in con.execute("SELECT url FROM pages WHERE outcome='stored'")}
        walked = con.execute("SELECT count(*) FROM sitemaps WHERE state='walked'").fetchone()[0]
    assert stored_before and walked
    web.clear_log()
    out = tmp_path / "out.jsonl"
    run = run_cli("backfill", "--sites", sites_file, "--db", db, "--since", SINCE, "--until", UNTIL, "--out", out)
    assert run.returncode == 0, run.stderr[-3000:]
    keys = record_keys(web, out)
    assert [k for k, n in Counter(keys).items() if n > 1] == []
    assert set(keys) == expected(sites)
    again = article_requests(web.log(), truths)
    refetched = {web.sites[sid] + path for sid, path in again} & stored_before
    assert refetched == set(), "a page stored before the kill was fetched again"
    # the resumed run re-walks no sitemap that the killed run had walked
    rewalked = [e["path"] for e in web.log() if e["path"].endswith((".xml", ".gz")) and e["status"] == 200]
    assert len(rewalked) < walked + 12
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT count(*) FROM backfill_runs WHERE finished_at IS NOT NULL").fetchone()[0] == 1
        assert con.execute("SELECT count(*) FROM backfill_runs").fetchone()[0] == 1
