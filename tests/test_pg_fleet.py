"""A fleet of `defwatch crawl --fleet` workers on one PostgreSQL store (crawler/fleet.py, issue 12)."""
from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from conftest import REPO, load_web, run_cli, write_sites_file

from crawler.store import Store

sys.path.insert(0, str(REPO / "bench"))
from genweb import generate  # noqa: E402

SITES, ARTICLES = 6, 12


def test_site_jobs_queueing_lock_host_lock_and_stalled_recovery(pg_url, tmp_path):
    """procrastinate as the fleet uses it: one waiting job per site, one running job per host, and
    the running job of a worker whose heartbeat stopped goes back to the queue, marked as a retry."""
    import asyncio

    from crawler.config import AppConfig, Site
    from crawler.fleet import FleetWorker

    sites = [Site(id="a", name="A", url="http://a.example/", feeds=("http://a.example/feed",)),
             Site(id="b", name="B", url="http://a.example/b/", feeds=("http://a.example/b/feed",)),  # same host
             Site(id="c", name="C", url="http://c.example/", feeds=("http://c.example/feed",))]
    app = AppConfig(fleet_lease=5)

    async def scenario(store: Store) -> None:
        one, two = FleetWorker(app, sites, store), FleetWorker(app, sites, store)
        await one.open()
        await two.open()
        try:
            assert await one.defer_due() == 3
            assert await two.defer_due() == 0                  # queueing_lock: already waiting, one job a site
            assert store.fleet_queue() == {"todo": 3}
            manager = one.queue.job_manager
            dead = await manager.register_worker()
            first = await manager.fetch_job(queues=None, worker_id=dead)
            second = await manager.fetch_job(queues=None, worker_id=dead)
            assert {first.task_kwargs["site"], second.task_kwargs["site"]} in ({"a", "c"}, {"b", "c"})
            assert await manager.fetch_job(queues=None, worker_id=dead) is None  # lock: one running job per host
            assert store.fleet_pending() == 3
            assert await two.recover() == 0                     # its heartbeat is fresh
            store.db.execute("UPDATE procrastinate_workers SET last_heartbeat = now() - interval '1 minute'")
            assert await two.recover() == 2                      # stalled: back in the queue
            assert store.fleet_queue() == {"todo": 3}
            again = {j.task_kwargs["site"]: j.attempts for j in await manager.list_jobs_async(status="todo")}
            assert again[first.task_kwargs["site"]] == 1 and again[second.task_kwargs["site"]] == 1
        finally:
            await one.close()
            await two.close()

    with Store(pg_url) as store:
        store.ensure_feeds((s.id, url) for s in sites for url in s.feeds)
        asyncio.run(scenario(store))


@pytest.fixture
def fleet_web(tmp_path):
    import mockweb

    root = generate(tmp_path / "web", sites=SITES, articles=ARTICLES, seed=7)
    handle = mockweb.start(str(root), port=0)
    yield handle, load_web(root)
    handle.stop()


def start_worker(sites: Path, db: str, config: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "crawler", "--config", str(config), "crawl", "--fleet",
                             "--sites", str(sites), "--db", db, "--no-progress"], cwd=REPO, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def in_flight(log: list[dict]) -> int:
    """The most requests one host had in flight at once, from the mock web's log."""
    worst = 0
    for site in {e["site"] for e in log}:
        events = sorted([(e["ts"], 1) for e in log if e["site"] == site]
                        + [(e["ts"] + e["duration"], -1) for e in log if e["site"] == site])
        level = 0
        for _, step in events:
            level += step
            worst = max(worst, level)
    return worst


def test_three_workers_share_the_work(pg_url, fleet_web, tmp_path):
    web, truth = fleet_web
    sites = write_sites_file(tmp_path / "sites.toml", web, truth)
    config = tmp_path / "app.toml"
    config.write_text("concurrent_requests = 4\n")  # 2 sites (hosts) a batch: 3 workers share 6 sites
    Store(pg_url).close()  # the schema, once, before the workers race for sites
    workers = [start_worker(sites, pg_url, config) for _ in range(3)]
    runs = [(p.communicate(timeout=240), p.returncode) for p in workers]
    assert [rc for _, rc in runs] == [0, 0, 0], [err[-2000:] for (_, err), _ in runs]

    log = web.log()
    pages = Counter((e["site"], e["path"]) for e in log if e["path"] != "/robots.txt" and "/feed/" not in e["path"])
    feeds = Counter((e["site"], e["path"]) for e in log if "/feed/" in e["path"])
    assert len(pages) == SITES * ARTICLES and set(pages.values()) == {1}   # every page fetched once
    assert len(feeds) == SITES and set(feeds.values()) == {1}              # every feed polled once
    assert in_flight(log) <= 2                                             # concurrent_per_host, fleet-wide
    export = run_cli("export", "--db", pg_url, "--out", "-")
    records = [json.loads(line) for line in export.stdout.splitlines()]
    assert len(records) == SITES * ARTICLES and len({r["id"] for r in records}) == len(records)
    with Store(pg_url) as store:
        fleet = store.fleet()
    assert len(fleet) == 3 and sum(w["sites_done"] for w in fleet) == SITES
    assert sum(1 for w in fleet if w["sites_done"]) >= 2                    # the work was shared
    status = json.loads(run_cli("status", "--db", pg_url, "--json").stdout)
    assert len(status["fleet"]) == 3 and {w["state"] for w in status["fleet"]} == {"stopped"}
    assert status["fleet_jobs"] == {}                                        # done jobs are not kept

    with Store(pg_url) as store:  # the next cycle: every feed is due again, nothing has changed
        store.db.execute("UPDATE feeds SET next_poll_at = 0")
    web.clear_log()
    again = [start_worker(sites, pg_url, config) for _ in range(3)]
    assert [p.wait(timeout=240) for p in again] == [0, 0, 0]
    log = web.log()
    assert {e["status"] for e in log if e["path"] != "/robots.txt"} == {304}
    assert Counter((e["site"], e["path"]) for e in log if "/feed/" in e["path"]) == feeds


def test_a_killed_workers_sites_are_taken_over(pg_url, tmp_path):
    import mockweb

    root = generate(tmp_path / "web", sites=3, articles=8, seed=8)
    for site_json in root.glob("*/site.json"):  # slow article pages: the kill lands mid-crawl
        site = json.loads(site_json.read_text())
        site["faults"] = [{"path_prefix": "/2024/", "delay_s": 0.4}]
        site_json.write_text(json.dumps(site))
    with mockweb.start(str(root), port=0) as web:
        sites = write_sites_file(tmp_path / "sites.toml", web, load_web(root))
        config = tmp_path / "app.toml"
        config.write_text("fleet_lease = 3\n")
        victim = start_worker(sites, pg_url, config)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with Store(pg_url) as store:
                if store.counts()["articles"] >= 2:
                    break
            time.sleep(0.2)
        victim.kill()
        victim.communicate()
        with Store(pg_url) as store:
            stored_before = store.counts()["articles"]
            held = [w["sites"] for w in store.fleet()]
        assert 2 <= stored_before < 24 and held and held[0]  # its running jobs, from procrastinate's table
        time.sleep(3.5)  # the dead worker's heartbeat is fleet_lease old
        heir = start_worker(sites, pg_url, config)
        _, err = heir.communicate(timeout=240)
        assert heir.returncode == 0, err[-2000:]
    export = run_cli("export", "--db", pg_url, "--out", "-")
    records = [json.loads(line) for line in export.stdout.splitlines()]
    assert len(records) == 24 and len({r["id"] for r in records}) == 24   # nothing lost, nothing twice
    with Store(pg_url) as store:
        states = [(w["state"], w["sites_done"]) for w in store.fleet()]
        assert store.fleet_queue() == {}                                  # every job done
    assert states[0] == ("lost", 0) and states[1][0] == "stopped" and states[1][1] >= len(held[0])


def test_sigterm_puts_a_daemons_unfinished_sites_back(pg_url, tmp_path):
    """SIGTERM mid-crawl: `daemon --fleet` exits 0 within 10 s and its cut-short site jobs go back
    to the queue, marked as retries; the next worker crawls them with all their feeds."""
    import signal

    import mockweb

    root = generate(tmp_path / "web", sites=2, articles=8, seed=9)
    for site_json in root.glob("*/site.json"):  # slow pages: each site takes longer than the grace
        site = json.loads(site_json.read_text())
        site["faults"] = [{"path_prefix": "/2024/", "delay_s": 3.0}]
        site_json.write_text(json.dumps(site))
    with mockweb.start(str(root), port=0) as web:
        sites = write_sites_file(tmp_path / "sites.toml", web, load_web(root))
        Store(pg_url).close()
        daemon = subprocess.Popen([sys.executable, "-m", "crawler", "daemon", "--fleet", "--sites", str(sites),
                                   "--db", pg_url], cwd=REPO, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with Store(pg_url) as store:
                if store.counts()["articles"] >= 1:
                    break
            time.sleep(0.2)
        daemon.send_signal(signal.SIGTERM)
        asked = time.monotonic()
        _, err = daemon.communicate(timeout=30)
        took = time.monotonic() - asked
        assert daemon.returncode == 0 and took < 10, (took, err[-2000:])
        with Store(pg_url) as store:
            stored = store.counts()["articles"]
            queue = store.fleet_queue()
            waiting = store.db.execute("SELECT attempts FROM procrastinate_jobs WHERE status='todo'").fetchall()
        assert stored < 16 and queue == {"todo": 2} and [r[0] for r in waiting] == [1, 1], err[-3000:]
        (tmp_path / "app.toml").write_text("")
        heir = start_worker(sites, pg_url, tmp_path / "app.toml")
        _, err = heir.communicate(timeout=240)
        assert heir.returncode == 0, err[-2000:]
    export = run_cli("export", "--db", pg_url, "--out", "-")
    records = [json.loads(line) for line in export.stdout.splitlines()]
    assert len(records) == 16 and len({r["id"] for r in records}) == 16


def test_fleet_needs_a_server(tmp_path):
    run = run_cli("crawl", "--fleet", "--db", tmp_path / "db.sqlite3", "--sites", tmp_path / "none.toml")
    assert run.returncode == 2


def test_three_daemons_share_the_work(pg_url, fleet_web, tmp_path):
    """`daemon --fleet` x3: every page once, every record once, politeness fleet-wide, then only 304s."""
    import signal

    web, truth = fleet_web
    sites = write_sites_file(tmp_path / "sites.toml", web, truth)
    config = tmp_path / "app.toml"
    config.write_text("concurrent_requests = 4\n")
    Store(pg_url).close()
    daemons = [subprocess.Popen([sys.executable, "-m", "crawler", "--config", str(config), "daemon", "--fleet",
                                 "--sites", str(sites), "--db", pg_url, "--interval", "4"], cwd=REPO,
                                stderr=subprocess.PIPE, text=True) for _ in range(3)]
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with Store(pg_url) as store:
                if store.counts()["articles"] >= SITES * ARTICLES:
                    break
            time.sleep(0.5)
        time.sleep(6)  # at least one more cycle: the feeds again, unchanged
        with Store(pg_url) as store:
            assert store.counts()["articles"] == SITES * ARTICLES
            assert len(store.fleet()) == 3
    finally:
        for d in daemons:
            d.send_signal(signal.SIGTERM)
        codes = [d.wait(timeout=30) for d in daemons]
    assert codes == [0, 0, 0], [d.stderr.read()[-1500:] for d in daemons]
    log = web.log()
    pages = Counter((e["site"], e["path"]) for e in log if e["path"] != "/robots.txt" and "/feed/" not in e["path"])
    assert len(pages) == SITES * ARTICLES and set(pages.values()) == {1}
    assert in_flight(log) <= 2
    polls = [e for e in log if "/feed/" in e["path"]]
    assert len(polls) > SITES and {e["status"] for e in polls[SITES:]} <= {304}
