"""The daemon's cadence on a Crawl-delay: 2 site with two feeds (one RSS 0.92 without dates).

``--interval S`` is S seconds between poll starts; an edited post listed in both feeds is
fetched once; idle cycles cost only 304s; ``status`` shows the measured cadence.
"""
from __future__ import annotations

import json
import signal
import statistics
import subprocess
import sys
import time
from collections import Counter

import pytest
from backfill_web import WEB_SITEMAPS, article_requests, load, truth_by_path
from conftest import REPO, run_cli, write_sites_file

INTERVAL = 4.0
SITE = "charliewp"


def records(out) -> list[dict]:
    if not out.exists():
        return []
    return [json.loads(line) for line in out.read_text().splitlines() if line.strip()]


@pytest.fixture(scope="module")
def daemon_run(tmp_path_factory):
    import mockweb

    web = mockweb.start(str(WEB_SITEMAPS), port=0)
    sites = load()
    tmp = tmp_path_factory.mktemp("cadence")
    sites_file = write_sites_file(tmp / "sites.toml", web, sites, only=[SITE])
    db, out = tmp / "db.sqlite3", tmp / "out.jsonl"
    truths = {path: t for (sid, path), t in truth_by_path(sites).items() if sid == SITE}
    edited = next(p for p, t in truths.items() if t["updated"])
    proc = subprocess.Popen([sys.executable, "-m", "crawler", "daemon", "--sites", str(sites_file), "--db", str(db),
                             "--out", str(out), "--interval", str(INTERVAL)], cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    latencies: list[float] = []
    try:
        def wait_records(predicate, limit: float) -> float:
            start = time.monotonic()
            while time.monotonic() - start < limit:
                if predicate(records(out)):
                    return time.monotonic() - start
                time.sleep(0.1)
            raise AssertionError("the daemon did not deliver in time")

        wait_records(lambda rs: len(rs) >= 5, 60)
        time.sleep(INTERVAL)
        for epoch in (1, 2):
            changed_at = time.monotonic()
            web.set_epoch(epoch)
            new = [p for p, t in truths.items() if t["in_feeds"] and t["epoch"] == epoch]
            pending = set(new) | ({edited} if epoch == 2 else set())
            seen: dict[str, float] = {}
            while pending - set(seen) and time.monotonic() - changed_at < 60:
                for r in records(out):
                    path = "/" + r["url"].split("/", 3)[3]
                    if path in pending and path not in seen and (path != edited or epoch < 2 or r["version"] == 2):
                        seen[path] = time.monotonic() - changed_at
                time.sleep(0.1)
            assert set(seen) == pending
            latencies += list(seen.values())
            time.sleep(INTERVAL)
        idle_from = len(web.log())
        time.sleep(INTERVAL * 4)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)
        log = web.log()
        web.stop()
    status = json.loads(run_cli("status", "--db", db, "--json").stdout)
    return {"log": log, "idle": log[idle_from:], "latencies": latencies, "truths": truths, "edited": edited,
            "status": status, "out": out}


def test_interval_is_between_poll_starts(daemon_run):
    # Each cycle polls the land feed first (same priority, queued in URL order); the second feed
    # waits for the Crawl-delay, which Scrapy randomises (0.5x to 1.5x), so it jitters by design.
    starts = [e["ts"] for e in daemon_run["log"] if e["path"] == "/category/land/feed/"]
    gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
    assert len(gaps) >= 8
    assert abs(statistics.median(gaps) - INTERVAL) < 0.25, gaps
    cadence = {f["url"].split("/", 3)[3]: f["cadence_s"] for f in daemon_run["status"]["feeds"]}
    assert abs(cadence["category/land/feed/"] - INTERVAL) < 0.25, cadence
    assert abs(cadence["feed/"] - INTERVAL) < 1.0, cadence


def test_an_edited_post_in_two_feeds_is_fetched_once_per_change(daemon_run):
    truths = {(SITE, p): t for p, t in daemon_run["truths"].items()}
    fetched = Counter(path for _, path in article_requests(daemon_run["log"], truths))
    assert fetched[daemon_run["edited"]] == 2  # first version at epoch 1, the edit at epoch 2
    assert [p for p, n in fetched.items() if n > 1 and p != daemon_run["edited"]] == []
    versions = [r["version"] for r in records(daemon_run["out"]) if r["url"].endswith(daemon_run["edited"])]
    assert versions == [1, 2]


def test_idle_cycles_cost_only_304s(daemon_run):
    idle = daemon_run["idle"]
    assert len([e for e in idle if e["path"] == "/feed/"]) >= 3
    assert {e["status"] for e in idle} == {304}
    assert {e["path"] for e in idle} == {"/feed/", "/category/land/feed/"}


def test_detection_latency_under_crawl_delay(daemon_run):
    latencies = sorted(daemon_run["latencies"])
    # Crawl-delay: 2 spaces every request to this host: two feeds and up to three pages a cycle.
    assert latencies[-1] <= INTERVAL + 10, latencies
    assert statistics.median(latencies) <= INTERVAL + 6, latencies
