"""A crawl killed with SIGKILL after it parsed a feed that announces an edit, while the edited
page is still on its way, loses nothing: the feed's new validators and the entry's new stamp are
not durable before the new version, so the next crawl polls the feed in full and stores version 2.
And a crawl whose edited page fails (while the crawl still finishes) keeps the edit: the feed may
answer 304 from then on, the page's retry brings version 2."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time

from conftest import REPO, WEB_DEV, load_web, run_cli, write_sites_file

EDITED = "/2024/10/army-wants-counter-drone-lasers-faster-after-middle-east-attacks/"


def make_web(root, fault: dict):
    shutil.copytree(WEB_DEV / "breakingdefense", root / "breakingdefense")
    site_json = root / "breakingdefense" / "site.json"
    site = json.loads(site_json.read_text())
    site["faults"] = [{"path": EDITED, "from_epoch": 2, **fault}]
    site_json.write_text(json.dumps(site))


def edited_version(db) -> int:
    run = run_cli("export", "--db", db, "--out", "-", timeout=60)
    assert run.returncode == 0, run.stderr
    versions = [json.loads(line)["version"] for line in run.stdout.splitlines()
                if json.loads(line)["url"].rstrip("/").endswith(EDITED.rstrip("/"))]
    assert versions, "the edited post was never stored"
    return max(versions)


def page_requested(web) -> bool:
    """Whether the edited page's request reached the mock web: its log has a request only once
    answered (30 s later here), its fault counter (private, read under its lock) at once."""
    with web._lock:
        return any(key[2] == EDITED for key in web._counters)


def crawl(sites, db) -> None:
    run = run_cli("crawl", "--sites", sites, "--db", db, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]


def test_kill_between_feed_parse_and_page_store_keeps_the_edit(tmp_path):
    import mockweb

    # The edited page answers its first epoch-2 request after 30 s: the kill lands in that window.
    make_web(tmp_path / "web", {"responses": [{"serve": True, "delay_s": 30}], "then": "serve"})
    web = mockweb.start(str(tmp_path / "web"), port=0)
    try:
        sites = write_sites_file(tmp_path / "sites.toml", web, load_web(tmp_path / "web"))
        db = tmp_path / "db.sqlite3"
        crawl(sites, db)
        assert edited_version(db) == 1
        web.set_epoch(2)
        web.clear_log()
        proc = subprocess.Popen([sys.executable, "-m", "crawler", "crawl", "--sites", str(sites), "--db", str(db)],
                                cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while not any(e["path"] == "/feed/" and e["status"] == 200 for e in web.log()):
            assert time.monotonic() < deadline and proc.poll() is None, "the feed was never polled"
            time.sleep(0.1)
        # The kill must land while the page is on its way: a fixed wait after the feed's answer
        # can end, under load, before the crawl even asked for the page; the next crawl's request
        # is then the one held 30 s (the download timeout), and nothing was killed in the window.
        deadline = time.monotonic() + 20
        while not page_requested(web):
            assert time.monotonic() < deadline and proc.poll() is None, "the edited page was never requested"
            time.sleep(0.1)
        time.sleep(0.5)  # the feed is parsed and the page requested; its answer is ~28 s away
        assert proc.poll() is None
        proc.kill()
        proc.wait()
        web.clear_log()
        crawl(sites, db)
        feed = [e["status"] for e in web.log() if e["path"] == "/feed/"]
        assert feed == [200], feed  # the epoch-2 ETag was not kept: a full poll
        assert edited_version(db) == 2
    finally:
        web.stop()


def test_edited_page_failing_in_a_finished_crawl_keeps_the_edit(tmp_path):
    import mockweb

    # More 503s than one crawl retries: the crawl ends "finished" with the page failed.
    make_web(tmp_path / "web", {"responses": [{"status": 503}] * 6, "then": "serve"})
    web = mockweb.start(str(tmp_path / "web"), port=0)
    try:
        sites = write_sites_file(tmp_path / "sites.toml", web, load_web(tmp_path / "web"))
        db = tmp_path / "db.sqlite3"
        crawl(sites, db)
        web.set_epoch(2)
        for _ in range(4):
            crawl(sites, db)
        pages = [e["status"] for e in web.log() if e["path"] == EDITED and e["epoch"] == 2]
        assert pages[0] == 503 and pages[-1] == 200, pages
        assert edited_version(db) == 2
    finally:
        web.stop()
